/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Synthetic kernel images for tests: small, deterministic, built in memory.
 * Used by the cmocka tests and by tests/mkbadinput (no test framework). */
#ifndef KL_TEST_IMAGES_H
#define KL_TEST_IMAGES_H

#include <stddef.h>
#include <stdint.h>

struct fx_bzimage_opts {
	uint16_t version;      /* default 0x020f */
	uint16_t xloadflags;   /* default KERNEL_64 | ABOVE_4G */
	uint32_t init_size;    /* default 32 MiB */
	uint32_t kernel_len;   /* protected-mode part, default 64 KiB */
	uint32_t payload_offset, payload_length; /* default: inside */
	uint32_t cmdline_size; /* default 2047 */
	uint8_t relocatable;   /* default 1 (0xff means 0) */
	const uint8_t *payload; /* copied to payload_offset when given */
	size_t payload_len;
};

/* A bzImage with one setup sector; returns its length. */
uint8_t *fx_bzimage(const struct fx_bzimage_opts *o, size_t *ret_len);

struct fx_elf_load {
	uint64_t paddr, filesz, memsz;
};

/* An ELF64 x86_64 executable with the given PT_LOADs and entry. */
uint8_t *fx_elf(const struct fx_elf_load *loads, size_t n, uint64_t entry, size_t *ret_len);

/* gzip (zlib, level 6) of n bytes; aborts on failure. */
uint8_t *fx_gzip(const void *in, size_t n, size_t *ret_len);

/* A section of fx_uki(); the zero fields take the usual value. */
struct fx_pe_section {
	const char *name;
	const void *data;
	size_t len;
	uint32_t raw_off;  /* default: after the previous, 512-aligned */
	uint32_t raw_size; /* default: len rounded up to 512 */
	uint32_t vsize;    /* default: len */
};

/* A PE file (MS-DOS header, "PE\0\0", COFF header, a 240-byte optional
 * header, the section table) with these sections: a UKI when one is
 * .linux.  truncate > 0 cuts the file to that length. */
uint8_t *fx_uki(const struct fx_pe_section *secs, size_t n, size_t truncate, size_t *ret_len);

#endif
