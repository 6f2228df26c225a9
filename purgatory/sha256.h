/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * SHA-256 (FIPS 180-4) for the purgatory, which cannot link OpenSSL.
 * Freestanding: no libc, no SSE.  Also compiled for the host so the unit
 * tests compare it with OpenSSL's digest on the same bytes.
 */
#ifndef KL_SHA256_H
#define KL_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define KL_SHA256_DIGEST_SIZE 32

struct kl_sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes hashed so far */
	uint8_t block[64];
	size_t fill; /* bytes waiting in block[] */
};

void kl_sha256_init(struct kl_sha256 *s);
void kl_sha256_update(struct kl_sha256 *s, const void *data, size_t len);
void kl_sha256_final(struct kl_sha256 *s, uint8_t out[KL_SHA256_DIGEST_SIZE]);
void kl_sha256(const void *data, size_t len, uint8_t out[KL_SHA256_DIGEST_SIZE]);

#endif
