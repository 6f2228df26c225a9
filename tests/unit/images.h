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

struct fx_elf_section {
	const char *name;
	uint64_t paddr, size; /* allocated, writable; at 0xffffffff80000000 + paddr */
};

/* The same with a section table after the segments' bytes: a null
 * section, the given ones, then .shstrtab. */
uint8_t *fx_elf_sections(const struct fx_elf_load *loads, size_t n, uint64_t entry,
			 const struct fx_elf_section *secs, size_t nsecs, size_t *ret_len);

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

/* An ELF64 x86_64 core file: a PT_NOTE with info as VMCOREINFO, and a
 * PT_LOAD of FX_VMCORE_MEM_SIZE bytes at file offset FX_VMCORE_LOAD_OFF
 * for kernel addresses from FX_VMCORE_BASE, holding a printk ring buffer
 * laid out as FX_VMCOREINFO_6_1 says (Linux 6.1's layout), prb at
 * FX_VMCORE_BASE: 4 descriptors, ids 5 to 8 (6 reserved, 7 without text,
 * 8 wrapping), 256 bytes of text. */
#define FX_VMCORE_BASE 0xffffffff81000000ULL
#define FX_VMCORE_LOAD_OFF 0x1000
#define FX_VMCORE_MEM_SIZE 0x1000
#define FX_VMCOREINFO_6_1 \
	"OSRELEASE=6.1.0-test\n" \
	"PAGESIZE=4096\n" \
	"SYMBOL(prb)=ffffffff81000000\n" \
	"SIZE(printk_ringbuffer)=88\n" \
	"OFFSET(printk_ringbuffer.desc_ring)=0\n" \
	"OFFSET(printk_ringbuffer.text_data_ring)=48\n" \
	"OFFSET(printk_ringbuffer.fail)=80\n" \
	"SIZE(prb_desc_ring)=48\n" \
	"OFFSET(prb_desc_ring.count_bits)=0\n" \
	"OFFSET(prb_desc_ring.descs)=8\n" \
	"OFFSET(prb_desc_ring.infos)=16\n" \
	"OFFSET(prb_desc_ring.head_id)=24\n" \
	"OFFSET(prb_desc_ring.tail_id)=32\n" \
	"SIZE(prb_desc)=24\n" \
	"OFFSET(prb_desc.state_var)=0\n" \
	"OFFSET(prb_desc.text_blk_lpos)=8\n" \
	"SIZE(prb_data_blk_lpos)=16\n" \
	"OFFSET(prb_data_blk_lpos.begin)=0\n" \
	"OFFSET(prb_data_blk_lpos.next)=8\n" \
	"SIZE(printk_info)=88\n" \
	"OFFSET(printk_info.seq)=0\n" \
	"OFFSET(printk_info.ts_nsec)=8\n" \
	"OFFSET(printk_info.text_len)=16\n" \
	"OFFSET(printk_info.caller_id)=20\n" \
	"SIZE(prb_data_ring)=32\n" \
	"OFFSET(prb_data_ring.size_bits)=0\n" \
	"OFFSET(prb_data_ring.data)=8\n" \
	"OFFSET(atomic_long_t.counter)=0\n" \
	"CRASHTIME=1796300000" /* the last line has no newline */
uint8_t *fx_vmcore(const char *info, size_t *ret_len);

#endif
