/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The timeline record: TSC stamps of an update's last moments, for the new
 * kernel's userland (kexec-handoff timeline, kexec-handoff(5)).  Defined
 * here once for its three parties: the loader lays it out (zeroed but for
 * magic, version and size), the purgatory writes the stamps and the
 * checksum, kexec-handoff reads it.  Little-endian, x86_64 only.
 *
 * It is the last setup_data node of the boot parameters, of type
 * KL_TL_SETUP_TYPE, so the new kernel keeps it (memblock-reserved, shown
 * as /sys/kernel/boot_params/setup_data/N/data).  The purgatory's check
 * covers the boot parameters only up to this node: the stamps are written
 * after the check, and what the purgatory writes cannot be part of what
 * it checks.
 *
 * The TSC keeps counting across kexec (the new kernel leaves it alone;
 * only IA32_TSC_ADJUST is reset, and only where firmware had set it), so
 * the stamps and the new kernel's clock are on one time line.
 */
#ifndef KL_PURGATORY_TIMELINE_H
#define KL_PURGATORY_TIMELINE_H

#include <stdint.h>

/* setup_data type, far from the kernel's own: "KLTL" in ASCII */
#define KL_TL_SETUP_TYPE 0x4c544c4bU
#define KL_TL_MAGIC 0x4c544c4bU
#define KL_TL_VERSION 1

/* The stamps, in the order they are taken. */
enum kl_tl_stamp {
	KL_TL_PURG_START,   /* the purgatory's first instruction of C */
	KL_TL_PURG_CHECKED, /* its check of every segment done */
	KL_TL_PURG_JUMP,    /* just before the jump into the new kernel */
	KL_TL_STAMPS_MAX = 8
};

/* Which check the purgatory ran over checked_bytes. */
enum kl_tl_check {
	KL_TL_CHECK_NONE,
	KL_TL_CHECK_SHA256,
	KL_TL_CHECK_CRC32C,
	KL_TL_CHECK_XXH64,
	KL_TL_CHECK_MAX
};

struct kl_tl_record {
	uint32_t magic;         /* KL_TL_MAGIC */
	uint16_t version;       /* KL_TL_VERSION */
	uint16_t size;          /* sizeof(struct kl_tl_record) */
	uint32_t stamped;       /* bit n: stamp[n] was written */
	uint32_t crc32;         /* CRC-32 (IEEE) of the record, this field 0 */
	uint32_t check;         /* enum kl_tl_check */
	uint32_t reserved;      /* 0 */
	uint64_t checked_bytes; /* digested and proven-zero bytes */
	uint64_t stamp[KL_TL_STAMPS_MAX]; /* TSC values (RDTSC) */
};

#define KL_TL_ASSERT_OFFSET(field, off)                                      \
	_Static_assert(__builtin_offsetof(struct kl_tl_record, field) == (off), \
		       "kl_tl_record." #field " moved")
KL_TL_ASSERT_OFFSET(magic, 0);
KL_TL_ASSERT_OFFSET(version, 4);
KL_TL_ASSERT_OFFSET(size, 6);
KL_TL_ASSERT_OFFSET(stamped, 8);
KL_TL_ASSERT_OFFSET(crc32, 12);
KL_TL_ASSERT_OFFSET(check, 16);
KL_TL_ASSERT_OFFSET(reserved, 20);
KL_TL_ASSERT_OFFSET(checked_bytes, 24);
KL_TL_ASSERT_OFFSET(stamp, 32);
_Static_assert(sizeof(struct kl_tl_record) == 96, "kl_tl_record size");

#endif /* KL_PURGATORY_TIMELINE_H */
