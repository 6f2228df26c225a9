/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Synthetic inputs for unit tests: small, deterministic, built in memory. */
#ifndef KL_TEST_FIXTURE_H
#define KL_TEST_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "kexec/sysinfo.h"

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

/* The directory holding tests/fixtures (from $srcdir). */
const char *fx_srcdir(void);

/* Read a fixture sysroot into si. */
void fx_sysinfo(const char *name, struct kl_sysinfo *si);

/* Compare text with a golden file below tests/golden; with
 * KL_UPDATE_GOLDEN=1 in the environment, rewrite the file instead. */
void fx_golden(const char *name, const char *text);

#endif
