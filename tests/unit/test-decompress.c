/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Every compression, round-tripped: the test compresses with the format's
 * own library (in the layout the kernel build writes), our code must give
 * the bytes back, report trailing data, refuse truncation and corruption,
 * and stop at the output cap.
 */
#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "fixture.h"
#include "lib/base/util.h"
#include "lib/format/decompress.h"

#define PLAIN_LEN (300 * 1024)
static uint8_t plain[PLAIN_LEN];

static void make_plain(void)
{
	size_t i;
	uint32_t x = 1;

	/* compressible but not trivial */
	for (i = 0; i < PLAIN_LEN; i++) {
		x = x * 1103515245 + 12345;
		plain[i] = (uint8_t)((i % 512 < 256) ? (x >> 24) & 0x0f : i);
	}
}

static uint8_t *c_gzip(size_t *n)
{
	z_stream zs = { 0 };
	uint8_t *out = malloc(PLAIN_LEN * 2);

	assert_int_equal(deflateInit2(&zs, 9, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = plain;
	zs.avail_in = PLAIN_LEN;
	zs.next_out = out;
	zs.avail_out = PLAIN_LEN * 2;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	*n = zs.total_out;
	deflateEnd(&zs);
	return out;
}

static uint8_t *c_bzip2(size_t *n)
{
	unsigned int len = PLAIN_LEN * 2;
	uint8_t *out = malloc(len);

	assert_int_equal(BZ2_bzBuffToBuffCompress((char *)out, &len, (char *)plain, PLAIN_LEN, 9, 0, 0), BZ_OK);
	*n = len;
	return out;
}

static uint8_t *c_lzma_common(size_t *n, bool xz)
{
	lzma_stream ls = LZMA_STREAM_INIT;
	lzma_options_lzma opt;
	uint8_t *out = malloc(PLAIN_LEN * 2);

	lzma_lzma_preset(&opt, 6);
	if (xz)
		assert_int_equal(lzma_easy_encoder(&ls, 6, LZMA_CHECK_CRC32), LZMA_OK);
	else
		assert_int_equal(lzma_alone_encoder(&ls, &opt), LZMA_OK);
	ls.next_in = plain;
	ls.avail_in = PLAIN_LEN;
	ls.next_out = out;
	ls.avail_out = PLAIN_LEN * 2;
	assert_int_equal(lzma_code(&ls, LZMA_FINISH), LZMA_STREAM_END);
	*n = ls.total_out;
	lzma_end(&ls);
	return out;
}

static uint8_t *c_lzma(size_t *n) { return c_lzma_common(n, false); }
static uint8_t *c_xz(size_t *n) { return c_lzma_common(n, true); }

static uint8_t *c_zstd(size_t *n)
{
	size_t cap = ZSTD_compressBound(PLAIN_LEN);
	uint8_t *out = malloc(cap);

	*n = ZSTD_compress(out, cap, plain, PLAIN_LEN, 19);
	assert_false(ZSTD_isError(*n));
	return out;
}

/* LZ4 legacy frame in blocks of 128 KiB (the format allows up to 8 MiB). */
static uint8_t *c_lz4(size_t *n)
{
	uint8_t *out = malloc(PLAIN_LEN * 2);
	size_t pos = 4, off;

	kl_put_le32(out, 0x184c2102U);
	for (off = 0; off < PLAIN_LEN; off += 128 * 1024) {
		int chunk = (int)KL_MIN((size_t)128 * 1024, PLAIN_LEN - off);
		int c = LZ4_compress_default((const char *)plain + off, (char *)out + pos + 4, chunk,
					     LZ4_compressBound(chunk));

		assert_true(c > 0);
		kl_put_le32(out + pos, (uint32_t)c);
		pos += 4 + (size_t)c;
	}
	*n = pos;
	return out;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* lzop container as lzop 1.04 writes it (version 0x1040, so with
 * version_needed, level and mtime_high), no checksums, 64 KiB blocks. */
static uint8_t *c_lzo(size_t *n)
{
	static uint8_t wrk[LZO1X_1_MEM_COMPRESS];
	uint8_t *out = malloc(PLAIN_LEN * 2);
	size_t pos = 0, off;

	assert_int_equal(lzo_init(), LZO_E_OK);
	memcpy(out, "\x89LZO\0\r\n\x1a\n", 9);
	pos = 9;
	out[pos++] = 0x10; out[pos++] = 0x40; /* version */
	out[pos++] = 0x20; out[pos++] = 0xa0; /* lib version */
	out[pos++] = 0x09; out[pos++] = 0x40; /* version needed */
	out[pos++] = 1;                        /* method LZO1X_1 */
	out[pos++] = 5;                        /* level */
	put_be32(out + pos, 0); pos += 4;      /* flags */
	put_be32(out + pos, 0644); pos += 4;   /* mode */
	put_be32(out + pos, 0); pos += 4;      /* mtime low */
	put_be32(out + pos, 0); pos += 4;      /* mtime high */
	out[pos++] = 0;                        /* name length */
	put_be32(out + pos, 0); pos += 4;      /* header checksum (unchecked) */
	for (off = 0; off < PLAIN_LEN; off += 65536) {
		lzo_uint dlen = KL_MIN((size_t)65536, PLAIN_LEN - off), clen = 0;

		assert_int_equal(lzo1x_1_compress(plain + off, dlen, out + pos + 8, &clen, wrk), LZO_E_OK);
		put_be32(out + pos, (uint32_t)dlen);
		if (clen >= dlen) { /* stored */
			memcpy(out + pos + 8, plain + off, dlen);
			clen = dlen;
		}
		put_be32(out + pos + 4, (uint32_t)clen);
		pos += 8 + clen;
	}
	put_be32(out + pos, 0);
	pos += 4;
	*n = pos;
	return out;
}

static const struct {
	enum kl_comp c;
	uint8_t *(*make)(size_t *n);
} formats[] = {
	{ KL_COMP_GZIP, c_gzip }, { KL_COMP_BZIP2, c_bzip2 }, { KL_COMP_LZMA, c_lzma },
	{ KL_COMP_XZ, c_xz },     { KL_COMP_LZO, c_lzo },     { KL_COMP_LZ4, c_lz4 },
	{ KL_COMP_ZSTD, c_zstd },
};

static void round_trip_with_kernel_trailer(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(formats); i++) {
		size_t n, outlen = 0, trailing = 99;
		uint8_t *z = formats[i].make(&n);
		void *out = NULL;
		struct kl_err err = { { 0 } };

		/* The kernel build appends the decompressed size (le32). */
		z = realloc(z, n + 4);
		kl_put_le32(z + n, PLAIN_LEN);
		assert_int_equal(kl_comp_detect(z, n + 4), formats[i].c);
		if (kl_decompress(formats[i].c, z, n + 4, 0, &out, &outlen, &trailing, &err) < 0)
			fail_msg("%s: %s", kl_comp_name(formats[i].c), err.msg);
		assert_int_equal(outlen, PLAIN_LEN);
		assert_memory_equal(out, plain, PLAIN_LEN);
		if (trailing != 4)
			fail_msg("%s: %zu trailing bytes, want 4", kl_comp_name(formats[i].c), trailing);
		free(out);
		free(z);
	}
}

static void truncated_streams_fail(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(formats); i++) {
		size_t n, outlen, cut;
		uint8_t *z = formats[i].make(&n);

		for (cut = 16; cut < n; cut += n / 5) {
			void *out = NULL;
			struct kl_err err = { { 0 } };
			int r = kl_decompress(formats[i].c, z, cut, 0, &out, &outlen, NULL, &err);

			/* LZ4 legacy has no end marker: a cut at a block
			 * boundary is a shorter valid stream, never more. */
			if (r == 0) {
				assert_int_equal(formats[i].c, KL_COMP_LZ4);
				assert_true(outlen < PLAIN_LEN);
				free(out);
				continue;
			}
			assert_int_equal(r, -EINVAL);
			assert_true(err.msg[0] != 0);
		}
		free(z);
	}
}

static void corruption_is_caught(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(formats); i++) {
		size_t n, outlen, k;
		uint8_t *z = formats[i].make(&n);
		int refused = 0;

		/* Flip bytes in the middle.  gzip, bzip2 and xz carry a
		 * checksum: a flip must be caught.  LZ4 legacy, LZMA-alone,
		 * lzop without check flags and zstd without a checksum can
		 * decode garbage to garbage; for them the output must still
		 * stay within the cap (and ASan/valgrind runs see no stray
		 * access). */
		bool checksummed = formats[i].c == KL_COMP_GZIP || formats[i].c == KL_COMP_BZIP2 ||
				   formats[i].c == KL_COMP_XZ;
		for (k = 1; k < 8; k++) {
			uint8_t *c = malloc(n);
			void *out = NULL;

			memcpy(c, z, n);
			c[n * k / 8] ^= 0x55;
			if (kl_decompress(formats[i].c, c, n, 2 * PLAIN_LEN, &out, &outlen, NULL, NULL) < 0) {
				refused++;
			} else {
				assert_true(outlen <= 2 * PLAIN_LEN);
				free(out);
			}
			free(c);
		}
		if (checksummed && refused != 7)
			fail_msg("%s: %d of 7 corruptions detected", kl_comp_name(formats[i].c), refused);
		free(z);
	}
}

static void output_cap_stops_bombs(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(formats); i++) {
		size_t n, outlen;
		uint8_t *z = formats[i].make(&n);
		void *out = NULL;
		struct kl_err err = { { 0 } };

		assert_int_equal(kl_decompress(formats[i].c, z, n, 64 * 1024, &out, &outlen, NULL, &err), -EFBIG);
		assert_non_null(strstr(err.msg, "decompression bomb"));
		free(z);
	}
}

static void magic_detection(void **state)
{
	(void)state;
	assert_int_equal(kl_comp_detect("\x1f\x8b\x08", 3), KL_COMP_GZIP);
	assert_int_equal(kl_comp_detect("BZh9", 4), KL_COMP_BZIP2);
	assert_int_equal(kl_comp_detect("\x7f" "ELF", 4), KL_COMP_NONE);
	assert_int_equal(kl_comp_detect("MZ", 2), KL_COMP_NONE);
	assert_int_equal(kl_comp_detect("", 0), KL_COMP_NONE);
	assert_int_equal(kl_decompress(KL_COMP_GZIP, "BZh9", 4, 0, NULL, NULL, NULL, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_with_kernel_trailer),
		cmocka_unit_test(truncated_streams_fail),
		cmocka_unit_test(corruption_is_caught),
		cmocka_unit_test(output_cap_stops_bombs),
		cmocka_unit_test(magic_detection),
	};

	make_plain();
	return cmocka_run_group_tests(tests, NULL, NULL);
}
