/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The purgatory's freestanding SHA-256 and CRC-32, against OpenSSL and zlib. */
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h> /* libxxhash's XXH64, the reference */
#include <zlib.h>

#include "fixture.h"
#include "purgatory/crc32.h"
#include "purgatory/crc32c.h"
#include "purgatory/xxh64.h"
#include "purgatory/sha256.h"
#include "purgatory/zero.h"

static void sha256_known_answers(void **state)
{
	/* FIPS 180-4 examples: "abc" and the empty string. */
	static const uint8_t abc[32] = {
		0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40, 0xde, 0x5d, 0xae, 0x22, 0x23,
		0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17, 0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad,
	};
	uint8_t d[32];

	(void)state;
	kl_sha256("abc", 3, d);
	assert_memory_equal(d, abc, 32);
}

static void sha256_matches_openssl_at_every_length(void **state)
{
	static uint8_t buf[4096 + 130];
	size_t len, i;

	(void)state;
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 31 + 7);
	/* every length around the 55/56/64-byte padding edges, then larger */
	for (len = 0; len < sizeof(buf); len += len < 200 ? 1 : 61) {
		uint8_t ours[32], theirs[32];
		struct kl_sha256 s;

		kl_sha256(buf, len, ours);
		assert_true(EVP_Digest(buf, len, theirs, NULL, EVP_sha256(), NULL));
		assert_memory_equal(ours, theirs, 32);
		/* the same through uneven updates */
		kl_sha256_init(&s);
		for (i = 0; i < len; i += 13)
			kl_sha256_update(&s, buf + i, len - i < 13 ? len - i : 13);
		kl_sha256_final(&s, ours);
		assert_memory_equal(ours, theirs, 32);
	}
}

static void crc32_matches_zlib(void **state)
{
	static uint8_t buf[1000];
	size_t len;

	(void)state;
	for (len = 0; len < sizeof(buf); len++)
		buf[len] = (uint8_t)(len ^ 0xa5);
	for (len = 0; len < sizeof(buf); len += 7)
		assert_int_equal(kl_crc32(buf, len), (uint32_t)crc32(0L, buf, (uInt)len));
	assert_int_equal(kl_crc32("123456789", 9), 0xcbf43926U); /* the check value */
}

static void crc32c_every_path(void **state)
{
	static uint8_t buf[1000];
	uint8_t *big;
	size_t len, n = 3 * 64 * 1024 + 13;

	(void)state;
	/* the CRC-32C check value (RFC 3720 B.4 lists the polynomial) */
	assert_int_equal(kl_crc32c_table("123456789", 9), 0xe3069283U);
	assert_int_equal(kl_crc32c_sliced("123456789", 9), 0xe3069283U);
	assert_int_equal(kl_crc32c("123456789", 9), 0xe3069283U);
	for (len = 0; len < sizeof(buf); len++)
		buf[len] = (uint8_t)(len * 13 + 1);
	/* every alignment and length: the sliced table equals the bytewise one */
	for (len = 0; len < 200; len++) {
		assert_int_equal(kl_crc32c_sliced(buf + (len % 8), len), kl_crc32c_table(buf + (len % 8), len));
		assert_int_equal(kl_crc32c_sliced(buf, len * 5), kl_crc32c_table(buf, len * 5));
	}
	/* a buffer large enough for kl_crc32c() to time both and choose:
	 * the result must not depend on the choice */
	big = malloc(n);
	assert_non_null(big);
	for (len = 0; len < n; len++)
		big[len] = (uint8_t)(len * 2654435761u >> 11);
	assert_int_equal(kl_crc32c(big, n), kl_crc32c_table(big, n));
	assert_int_equal(kl_crc32c(big + 3, n - 3), kl_crc32c_table(big + 3, n - 3));
	if (!kl_cpu_has_sse42()) {
		free(big);
		skip(); /* the table paths are checked above */
	}
	for (len = 0; len < 200; len++) {
		assert_int_equal(kl_crc32c_sse42(buf + (len % 8), len), kl_crc32c_table(buf + (len % 8), len));
		assert_int_equal(kl_crc32c_sse42(buf, len * 5), kl_crc32c_table(buf, len * 5));
		assert_int_equal(kl_crc32c_sse42_x3(buf + (len % 8), len), kl_crc32c_table(buf + (len % 8), len));
	}
	/* three streams joined: whole rounds of 3 x 4 KiB, with a head and
	 * a tail around them, at every length near a round's edge */
	for (len = 3 * 4096 - 9; len < 3 * 4096 + 9; len++) {
		assert_int_equal(kl_crc32c_sse42_x3(big, len), kl_crc32c_table(big, len));
		assert_int_equal(kl_crc32c_sse42_x3(big + 5, 4 * len), kl_crc32c_table(big + 5, 4 * len));
	}
	assert_int_equal(kl_crc32c_sse42_x3(big + 1, n - 1), kl_crc32c_table(big + 1, n - 1));
	free(big);
}

/* The purgatory's inline XXH64 equals libxxhash's, at every length and
 * alignment around its 32-byte stripes. */
static void xxh64_matches_the_library(void **state)
{
	static uint8_t buf[4096 + 64];
	uint64_t h;
	size_t len;

	(void)state;
	assert_true(kl_xxh64("", 0) == 0xef46db3751d8e999ULL); /* xxHash's own empty-input value */
	for (len = 0; len < sizeof(buf); len++)
		buf[len] = (uint8_t)(len * 2654435761u >> 9);
	for (len = 0; len < 300; len++) {
		assert_true(kl_xxh64(buf + len % 8, len) == XXH64(buf + len % 8, len, 0));
		assert_true(kl_xxh64(buf, len * 13) == XXH64(buf, len * 13, 0));
	}
	h = kl_xxh64(buf, 4096);
	buf[100] ^= 1; /* one flipped bit changes it */
	assert_true(kl_xxh64(buf, 4096) != h);
}

/* kl_all_zero() and kl_zero_suffix() against a bytewise answer, for every
 * start alignment, length and position of one non-zero byte (head, the
 * word loop and the tail each get hit). */
static void zero_runs_at_every_offset(void **state)
{
	uint8_t buf[256 + 8];
	size_t start, len, at;

	(void)state;
	for (start = 0; start < 8; start++)
		for (len = 0; len <= 200; len++) {
			memset(buf, 0, sizeof(buf));
			assert_int_equal(kl_all_zero(buf + start, len), 1);
			assert_int_equal(kl_zero_suffix(buf + start, len), len);
			for (at = 0; at < len; at++) {
				memset(buf, 0, sizeof(buf));
				buf[start + at] = (uint8_t)(1u << (at % 8));
				/* bytes beyond the range never count */
				buf[start + len] = 0xff;
				if (start)
					buf[start - 1] = 0xff;
				assert_int_equal(kl_all_zero(buf + start, len), 0);
				assert_int_equal(kl_zero_suffix(buf + start, len), len - at - 1);
			}
		}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sha256_known_answers),
		cmocka_unit_test(sha256_matches_openssl_at_every_length),
		cmocka_unit_test(crc32_matches_zlib),
		cmocka_unit_test(crc32c_every_path),
		cmocka_unit_test(xxh64_matches_the_library),
		cmocka_unit_test(zero_runs_at_every_offset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
