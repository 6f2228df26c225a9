/* SPDX-License-Identifier: GPL-2.0-or-later */
/* SHA-256 of a buffer, the one digest user space computes (OpenSSL). */
#ifndef KL_DIGEST_H
#define KL_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

#define KL_SHA256_LEN 32

/* 0, or -EIO with a reason when OpenSSL fails (it does not for SHA-256
 * on a working library, but a caller must not use a digest never made). */
int kl_digest_sha256(const void *buf, size_t len, uint8_t ret[KL_SHA256_LEN], struct kl_err *err);

#endif
