/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every compression a bzImage payload or an initramfs member may carry,
 * each through its own library.  Pure apart from allocation.
 */
#ifndef KL_DECOMPRESS_H
#define KL_DECOMPRESS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

enum kl_comp {
	KL_COMP_NONE = 0,
	KL_COMP_GZIP,
	KL_COMP_BZIP2,
	KL_COMP_LZMA,
	KL_COMP_XZ,
	KL_COMP_LZO,
	KL_COMP_LZ4,
	KL_COMP_ZSTD,
	KL_COMP_MAX,
};

/* The default cap on decompressed output: a kernel or initramfs larger than
 * this is taken for a decompression bomb. */
#define KL_DECOMPRESS_CAP_DEFAULT (2048ULL << 20)

const char *kl_comp_name(enum kl_comp c);
/* The format kl_comp_name() calls name; KL_COMP_NONE for any other. */
enum kl_comp kl_comp_by_name(const char *name);
/* Recognise a format by its magic bytes; KL_COMP_NONE when none matches. */
enum kl_comp kl_comp_detect(const void *buf, size_t len);

/*
 * Decompress one stream of format c from buf.  The stream may be followed
 * by trailing bytes (the kernel build appends the decompressed size to its
 * payload); their count goes to *ret_trailing when that is not NULL.
 * Output beyond cap bytes fails with -EFBIG.
 */
int kl_decompress(enum kl_comp c, const void *buf, size_t len, uint64_t cap,
		  void **ret_out, size_t *ret_outlen, size_t *ret_trailing,
		  struct kl_err *err);

#endif
