/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Initramfs flattening: archives, compressed members, padding, junk. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "fixture.h"
#include "lib/base/util.h"
#include "lib/format/initramfs.h"

/* Append one newc entry to b at *n. */
static void entry(uint8_t *b, size_t *n, const char *name, const char *data)
{
	size_t nl = strlen(name) + 1, dl = data ? strlen(data) : 0;
	char hdr[111];

	snprintf(hdr, sizeof(hdr), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1,
		 data ? 0100644 : 040755, 0, 0, 1, 0, (unsigned int)dl, 0, 0, 0, 0, (unsigned int)nl, 0);
	memcpy(b + *n, hdr, 110);
	*n += 110;
	memcpy(b + *n, name, nl);
	*n = kl_align_up(*n + nl, 4);
	if (dl)
		memcpy(b + *n, data, dl);
	*n = kl_align_up(*n + dl, 4);
}

static size_t archive(uint8_t *b, const char *file, const char *data)
{
	size_t n = 0;

	memset(b, 0, 1024);
	entry(b, &n, file, data);
	entry(b, &n, "TRAILER!!!", NULL);
	return n;
}

static void microcode_then_zstd(void **state)
{
	uint8_t early[1024], main_[1024], file[4096], zbuf[2048];
	size_t ne = archive(early, "kernel/x86/microcode/GenuineIntel.bin", "ucode");
	size_t nm = archive(main_, "init", "#!/bin/sh\n");
	size_t nz = ZSTD_compress(zbuf, sizeof(zbuf), main_, nm, 3), n = 0, outlen;
	struct kl_initramfs_stats st;
	void *out;

	(void)state;
	memcpy(file, early, ne);
	n = ne + 512; /* cpio pads archives with zeros */
	memset(file + ne, 0, 512);
	memcpy(file + n, zbuf, nz);
	n += nz;
	assert_int_equal(kl_initramfs_flatten(file, n, 0, &out, &outlen, &st, NULL), 0);
	assert_int_equal(st.archives, 2);
	assert_int_equal(st.compressed, 1);
	assert_int_equal(outlen, ne + nm);
	assert_memory_equal(out, early, ne);
	assert_memory_equal((uint8_t *)out + ne, main_, nm);
	free(out);
}

static void gzip_member_with_padding_inside(void **state)
{
	uint8_t a[1024], inner[2048], file[4096];
	size_t na = archive(a, "x", "1"), outlen;
	uLongf zlen = sizeof(file);
	z_stream zs = { 0 };
	void *out;

	(void)state;
	memcpy(inner, a, na);
	memset(inner + na, 0, 100); /* padding inside the compressed member */
	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = inner;
	zs.avail_in = (uInt)(na + 100);
	zs.next_out = file;
	zs.avail_out = (uInt)zlen;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	zlen = zs.total_out;
	deflateEnd(&zs);
	assert_int_equal(kl_initramfs_flatten(file, zlen, 0, &out, &outlen, NULL, NULL), 0);
	assert_int_equal(outlen, na);
	free(out);
	/* a failure inside a member names the member and the inner reason */
	{
		struct kl_err err = { { 0 } };

		file[zlen / 2] ^= 0xff;
		assert_int_equal(kl_initramfs_flatten(file, zlen, 0, &out, &outlen, NULL, &err), -EINVAL);
		assert_non_null(strstr(err.msg, "initramfs: gzip member at offset 0: "));
		assert_non_null(strstr(err.msg, "gzip data"));
	}
}

static void refusals(void **state)
{
	uint8_t a[1024], file[2048];
	size_t na = archive(a, "init", "#!/bin/sh\n"), outlen;
	struct kl_err err = { { 0 } };
	void *out;

	(void)state;
	/* junk after the archive */
	memcpy(file, a, na);
	memcpy(file + na, "JUNK", 4);
	assert_int_equal(kl_initramfs_flatten(file, na + 4, 0, &out, &outlen, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown data at offset"));
	/* truncated archive (no trailer) */
	memset(&err, 0, sizeof(err));
	assert_int_equal(kl_initramfs_flatten(a, na - 40, 0, &out, &outlen, NULL, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "initramfs"));
	/* file size beyond the data */
	memcpy(file, a, na);
	memcpy(file + 54, "FFFFFFFF", 8);
	assert_int_equal(kl_initramfs_flatten(file, na, 0, &out, &outlen, NULL, NULL), -EINVAL);
	/* only zeros */
	memset(file, 0, 64);
	assert_int_equal(kl_initramfs_flatten(file, 64, 0, &out, &outlen, NULL, NULL), -EINVAL);
	/* output cap */
	assert_int_equal(kl_initramfs_flatten(a, na, 16, &out, &outlen, NULL, NULL), -EFBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(microcode_then_zstd),
		cmocka_unit_test(gzip_member_with_padding_inside),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
