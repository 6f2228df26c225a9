/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory's parameter block: the one interface between the kexec
 * loader (writer) and the purgatory (reader).  It sits at a fixed offset in
 * the purgatory image; the loader fills it in place, so nothing is patched
 * by ELF symbol name.  All fields are little-endian (x86_64 only).
 *
 * Purgatory image layout (a flat, position-independent binary):
 *
 *   offset 0                     KL_PURG_PARAMS_OFFSET
 *   +--------------------------+-------------------------+------------------+
 *   | jmp over the block       | struct kl_purg_params   | code, data, stack|
 *   +--------------------------+-------------------------+------------------+
 *   ^ kexec entry point (relocate_kernel jumps here in 64-bit mode,
 *     identity-mapped, interrupts off)
 */
#ifndef KL_PURGATORY_PARAMS_H
#define KL_PURGATORY_PARAMS_H

#define KL_PURG_PARAMS_OFFSET 0x40
#define KL_PURG_MAGIC 0x47504c4bU /* "KLPG" */
#define KL_PURG_VERSION 4 /* 2: seg[].zero_len; 3: timeline; 4: cleared */
#define KL_PURG_SEGMENTS_MAX 16 /* KEXEC_SEGMENT_MAX in the kernel */

/* flags */
#define KL_PURG_F_VERIFY_SHA256 0x1U /* check every listed segment */
#define KL_PURG_F_SERIAL 0x2U        /* print progress on the UART */
#define KL_PURG_F_VERIFY_CRC32C 0x4U /* check every segment's CRC-32C */
#define KL_PURG_F_VERIFY_XXH64 0x10U /* check every segment's XXH64 */
#define KL_PURG_F_POISON_CLEARED 0x8U /* testing: fill [cleared, +cleared_len)
				       * with 0xa5 before the jump */

/* Byte offsets the assembly entry needs; pinned below. */
#define KL_PURG_OFF_ENTRY 8
#define KL_PURG_OFF_RSI 16
#define KL_PURG_SIZE 960

#ifndef __ASSEMBLER__
#include <stdint.h>

struct kl_purg_segment {
	uint64_t addr; /* physical start */
	uint64_t len;  /* bytes covered by the digest (the segment's bufsz) */
	uint8_t sha256[32]; /* with KL_PURG_F_VERIFY_CRC32C: le32 CRC-32C in
			     * bytes 0-3, with KL_PURG_F_VERIFY_XXH64: le64
			     * XXH64 in bytes 0-7; the rest zero */
	uint64_t zero_len;  /* bytes right after [addr, addr + len) that
			     * must read zero: the trailing zeros of an
			     * image (.bss and the like), which the loader
			     * leaves out of the buffer and kexec_load
			     * zero-fills; checked with either digest */
};

struct kl_purg_params {
	uint32_t magic;       /* KL_PURG_MAGIC */
	uint16_t version;     /* KL_PURG_VERSION */
	uint16_t size;        /* sizeof(struct kl_purg_params) */
	uint64_t entry;       /* where to jump: the kernel's 64-bit entry */
	uint64_t rsi;         /* boot_params address handed over in %rsi */
	uint32_t flags;       /* KL_PURG_F_* */
	uint16_t serial_port; /* I/O port of a 16550 UART, e.g. 0x3f8 */
	uint16_t nr_segments; /* entries used in seg[] */
	uint32_t serial_baud; /* 0: leave the UART as the old kernel set it */
	uint32_t checksum;    /* CRC-32 (IEEE) of this block, this field 0 */
	struct kl_purg_segment seg[KL_PURG_SEGMENTS_MAX];
	uint64_t timeline;    /* physical address of the struct kl_tl_record
			       * (timeline.h) to stamp; 0: none */
	uint64_t cleared;     /* memory the kernel clears before reading it
			       * (.bss, .brk, .init.scratch): in no segment,
			       * not checked; 0: none */
	uint64_t cleared_len;
};

#define KL_PURG_ASSERT_OFFSET(field, off)                                      \
	_Static_assert(__builtin_offsetof(struct kl_purg_params, field) == (off), \
		       "kl_purg_params." #field " moved")
KL_PURG_ASSERT_OFFSET(magic, 0);
KL_PURG_ASSERT_OFFSET(version, 4);
KL_PURG_ASSERT_OFFSET(size, 6);
KL_PURG_ASSERT_OFFSET(entry, KL_PURG_OFF_ENTRY);
KL_PURG_ASSERT_OFFSET(rsi, KL_PURG_OFF_RSI);
KL_PURG_ASSERT_OFFSET(flags, 24);
KL_PURG_ASSERT_OFFSET(serial_port, 28);
KL_PURG_ASSERT_OFFSET(nr_segments, 30);
KL_PURG_ASSERT_OFFSET(serial_baud, 32);
KL_PURG_ASSERT_OFFSET(checksum, 36);
KL_PURG_ASSERT_OFFSET(seg, 40);
KL_PURG_ASSERT_OFFSET(timeline, 936);
KL_PURG_ASSERT_OFFSET(cleared, 944);
KL_PURG_ASSERT_OFFSET(cleared_len, 952);
_Static_assert(__builtin_offsetof(struct kl_purg_segment, zero_len) == 48, "kl_purg_segment.zero_len moved");
_Static_assert(sizeof(struct kl_purg_segment) == 56, "kl_purg_segment size");
_Static_assert(sizeof(struct kl_purg_params) == KL_PURG_SIZE,
	       "kl_purg_params size");
#endif /* __ASSEMBLER__ */

#endif /* KL_PURGATORY_PARAMS_H */
