/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kernel log of a crashed kernel, read from its ELF vmcore
 * (/proc/vmcore in the crash kernel, or a copy saved in ELF format): the
 * VMCOREINFO note names the printk ring buffer (SYMBOL(prb)) and the
 * layout of its structures (SIZE() and OFFSET() lines), the PT_LOAD
 * headers map the kernel's virtual addresses to file offsets.  This is the
 * lockless ring buffer of Linux 5.10 and later (kernel/printk/
 * printk_ringbuffer.h); each committed record is printed as
 * "[SSSSS.UUUUUU] text\n", bytes that are neither printable nor space as
 * \xNN, as kexec-tools' vmcore-dmesg prints them.
 *
 * Pure: the file is read through the caller's pread, whatever its size,
 * and the text goes to the caller's write.  Every size and offset that
 * comes from the file is checked and capped.
 */
#ifndef KL_VMCORE_H
#define KL_VMCORE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/base/err.h"

#define KL_VMCORE_PHDRS_MAX 65535
#define KL_VMCORE_NOTES_MAX (16u << 20)
#define KL_VMCORE_RING_BITS_MAX 28 /* descriptors, and bytes of text */
#define KL_VMCORE_STRUCT_MAX 4096  /* printk_ringbuffer, prb_desc, printk_info */
#define KL_VMCORE_ARRAY_MAX (1ULL << 30) /* the descriptors, infos or text read */

struct kl_vmcore_io {
	/* read exactly len bytes at off: 0, or a negative errno */
	int (*pread)(void *ctx, void *buf, size_t len, uint64_t off);
	/* write len bytes of output: 0, or a negative errno */
	int (*write)(void *ctx, const void *buf, size_t len);
	void *ctx;
};

struct kl_vmcore_stats {
	uint64_t records;  /* printed */
	uint64_t skipped;  /* not committed (being written at the crash) */
	char osrelease[65];
};

/* Print the kernel log of the vmcore io reads.  On failure, nothing
 * more is written and err says why. */
int kl_vmcore_dmesg(const struct kl_vmcore_io *io, struct kl_vmcore_stats *ret_stats, struct kl_err *err);

#endif
