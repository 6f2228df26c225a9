/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Initramfs flattening.  An initramfs is a concatenation of "newc" cpio
 * archives (Documentation/driver-api/early-userspace/buffer-format.rst),
 * each possibly compressed, with zero bytes allowed between them (Debian's
 * has an uncompressed early-microcode archive, then a compressed main one).
 * Flattening decompresses every compressed member and returns one buffer
 * of uncompressed archives the kernel unpacks as is.  Pure.
 */
#ifndef KL_INITRAMFS_H
#define KL_INITRAMFS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

struct kl_initramfs_stats {
	unsigned int archives;   /* uncompressed cpio archives in the output */
	unsigned int compressed; /* members that were decompressed */
};

int kl_initramfs_flatten(const void *buf, size_t len, uint64_t cap, void **ret, size_t *ret_len,
			 struct kl_initramfs_stats *ret_stats, struct kl_err *err);

#endif
