/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The preload cache: meta round trip and refusals, staging and lookup of a
 * synthetic kernel, staleness, damage, and what an interrupted stage leaves
 * (never something that looks valid).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "fixture.h"
#include "lib/base/util.h"
#include "lib/cache/cache.h"

static char tmp[64], cache[128], kpath[128], ipath[128];

static void write_file(const char *path, const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	assert_non_null(f);
	assert_int_equal(fwrite(b, 1, n, f), n);
	fclose(f);
}

static int setup(void **state)
{
	const struct fx_elf_load l[] = { { 0x1000000, 0x3000, 0x3000 } };
	size_t elen, len, gzlen;
	uint8_t *elf = fx_elf(l, 1, 0x1000000, &elen), *gz, *img;
	char cpio[124 + 1] = { 0 };

	(void)state;
	snprintf(tmp, sizeof(tmp), "/tmp/kl-test-cache.XXXXXX");
	assert_non_null(mkdtemp(tmp));
	snprintf(cache, sizeof(cache), "%s/cache", tmp);
	snprintf(kpath, sizeof(kpath), "%s/vmlinuz", tmp);
	snprintf(ipath, sizeof(ipath), "%s/initrd", tmp);
	gz = fx_gzip(elf, elen, &gzlen);
	img = fx_bzimage(&(struct fx_bzimage_opts){ .payload = gz, .payload_len = gzlen }, &len);
	write_file(kpath, img, len);
	/* the smallest newc archive: just its trailer (110 + 11, padded) */
	snprintf(cpio, sizeof(cpio), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%s", 0, 0, 0, 0, 1, 0,
		 0, 0, 0, 0, 0, 11, 0, "TRAILER!!!");
	write_file(ipath, cpio, 124);
	free(elf);
	free(gz);
	free(img);
	return 0;
}

static int teardown(void **state)
{
	char cmd[256];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", tmp);
	return system(cmd);
}

static struct kl_cache_entry sample(void)
{
	struct kl_cache_entry e = { .has_initrd = true, .created = 1795300000 };

	memset(e.key, 'a', 64);
	snprintf(e.kernel.path, sizeof(e.kernel.path), "/boot/vmlinuz-6.1");
	snprintf(e.initrd.path, sizeof(e.initrd.path), "/boot/initrd.img-6.1");
	e.kernel.size = 14186432;
	e.kernel.mtime_ns = 1795300000123456789;
	e.kernel.ino = 42;
	memset(e.kernel.sha256, 0x11, 32);
	memset(e.kernel.head_sha256, 0x22, 32);
	e.initrd.size = 1000;
	memset(e.initrd.sha256, 0x33, 32);
	snprintf(e.compression, sizeof(e.compression), "lz4");
	snprintf(e.version, sizeof(e.version), "6.1.0-test (x) #1");
	e.vmlinux.size = 53243444;
	e.vmlinux.crc32c = 0xdeadbeef;
	e.vmlinux.has_xxh64 = true; /* and the initrd's blob without: as staged before XXH64 */
	e.vmlinux.xxh64 = 0x0123456789abcdefULL;
	memset(e.vmlinux.sha256, 0x44, 32);
	e.initrd_cpio.size = 2000;
	e.initrd_cpio.crc32c = 0x01020304;
	return e;
}

static void meta_round_trip(void **state)
{
	struct kl_cache_entry e = sample(), back;
	char *text;

	(void)state;
	assert_int_equal(kl_cache_meta_format(&e, &text), 0);
	assert_int_equal(kl_cache_meta_parse(text, strlen(text), &back, NULL), 0);
	assert_memory_equal(&e, &back, sizeof(e));
	free(text);
	/* without an initrd */
	e.has_initrd = false;
	memset(&e.initrd, 0, sizeof(e.initrd));
	memset(&e.initrd_cpio, 0, sizeof(e.initrd_cpio));
	assert_int_equal(kl_cache_meta_format(&e, &text), 0);
	assert_int_equal(kl_cache_meta_parse(text, strlen(text), &back, NULL), 0);
	assert_false(back.has_initrd);
	free(text);
}

static void meta_refusals(void **state)
{
	struct kl_cache_entry e = sample(), back;
	struct kl_err err = { { 0 } };
	char *text;
	size_t len, cut;

	(void)state;
	assert_int_equal(kl_cache_meta_format(&e, &text), 0);
	len = strlen(text);
	/* every truncation (an interrupted write) is refused */
	for (cut = 0; cut < len; cut++)
		assert_int_not_equal(kl_cache_meta_parse(text, cut, &back, NULL), 0);
	/* one changed byte anywhere is refused */
	for (cut = 0; cut < len; cut += 7) {
		char saved = text[cut];

		text[cut] = saved == '1' ? '2' : '1';
		if (kl_cache_meta_parse(text, len, &back, NULL) == 0)
			fail_msg("accepted a change at offset %zu", cut);
		text[cut] = saved;
	}
	memcpy(text, "kexec-live-preload 2", 20);
	assert_int_equal(kl_cache_meta_parse(text, len, &back, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "unknown format"));
	free(text);
}

static void stage_lookup_stale_damaged(void **state)
{
	struct kl_cache_entry e;
	struct kl_cache_hit hit;
	struct kl_err err = { { 0 } }, why = { { 0 } };
	char p[300];
	struct stat st;

	(void)state;
	if (kl_cache_stage(cache, kpath, ipath, &e, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(stat(cache, &st), 0);
	assert_int_equal(st.st_mode & 07777, 0700);
	assert_int_equal(kl_cache_lookup(cache, kpath, ipath, &hit, &why), 1);
	assert_string_equal(hit.e.key, e.key);
	assert_int_equal(hit.vmlinux_len, e.vmlinux.size);
	assert_int_equal(hit.cpio_len, e.initrd_cpio.size);
	kl_cache_hit_release(&hit);
	/* another initrd (none): no entry */
	assert_int_equal(kl_cache_lookup(cache, kpath, NULL, &hit, &why), 0);
	assert_non_null(strstr(why.msg, "no entry for"));
	assert_int_equal(kl_cache_verify(cache, &e, NULL), 0);
	/* a changed byte in the cached vmlinux: damaged at lookup and verify */
	snprintf(p, sizeof(p), "%s/%s/vmlinux.bin", cache, e.key);
	{
		FILE *f = fopen(p, "r+b");

		fseek(f, 100, SEEK_SET);
		fputc(0x5a ^ 0xff, f);
		fclose(f);
	}
	memset(&why, 0, sizeof(why));
	assert_int_equal(kl_cache_lookup(cache, kpath, ipath, &hit, &why), -ESTALE);
	assert_non_null(strstr(why.msg, "damaged"));
	assert_int_not_equal(kl_cache_verify(cache, &e, NULL), 0);
	/* staged again, then the source changes: stale */
	assert_int_equal(kl_cache_stage(cache, kpath, ipath, &e, NULL), 0);
	{
		struct timespec ts[2] = { { 1, 0 }, { 1, 0 } };

		assert_int_equal(utimensat(AT_FDCWD, kpath, ts, 0), 0);
	}
	memset(&why, 0, sizeof(why));
	assert_int_equal(kl_cache_lookup(cache, kpath, ipath, &hit, &why), -ESTALE);
	assert_non_null(strstr(why.msg, "stale (mtime changed)"));
	assert_non_null(kl_cache_src_stale(&e.kernel));
	assert_null(kl_cache_src_stale(&e.initrd));
}

static int count_removed;
static void removed(const char *name, const char *why, void *data)
{
	(void)name;
	(void)why;
	(void)data;
	count_removed++;
}

static void interrupted_stage_never_looks_valid(void **state)
{
	struct kl_cache_entry *v, e;
	size_t n;
	char p[300], *meta;
	FILE *f;

	(void)state;
	assert_int_equal(kl_cache_stage(cache, kpath, ipath, &e, NULL), 0);
	/* what a crash can leave: a temporary directory, an entry without
	 * meta, an entry with a truncated meta */
	snprintf(p, sizeof(p), "%s/.stage-crash1", cache);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/.stage-crash1/vmlinux.bin", cache);
	write_file(p, "partial", 7);
	snprintf(p, sizeof(p), "%s/bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", cache);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc", cache);
	assert_int_equal(mkdir(p, 0700), 0);
	assert_int_equal(kl_cache_meta_format(&e, &meta), 0);
	snprintf(p, sizeof(p), "%s/cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc/meta", cache);
	f = fopen(p, "w");
	fwrite(meta, 1, strlen(meta) / 2, f);
	fclose(f);
	free(meta);
	assert_int_equal(kl_cache_list(cache, &v, &n, NULL, NULL, NULL), 0);
	assert_int_equal(n, 1); /* only the complete entry */
	assert_string_equal(v[0].key, e.key);
	free(v);
	count_removed = 0;
	assert_int_equal(kl_cache_remove_leftovers(cache, removed, NULL, NULL), 0);
	assert_int_equal(count_removed, 3);
	assert_int_equal(kl_cache_list(cache, &v, &n, NULL, NULL, NULL), 0);
	assert_int_equal(n, 1);
	free(v);
}

static void refuses_foreign_cache_dir(void **state)
{
	char d[300];
	struct kl_err err = { { 0 } };
	struct kl_cache_entry e;

	(void)state;
	if (geteuid() != 0)
		skip(); /* only root can make a directory owned by someone else */
	snprintf(d, sizeof(d), "%s/foreign", tmp);
	assert_int_equal(mkdir(d, 0700), 0);
	assert_int_equal(chown(d, 65534, 65534), 0);
	assert_int_equal(kl_cache_stage(d, kpath, ipath, &e, &err), -EPERM);
	assert_non_null(strstr(err.msg, "owned by uid 65534"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(meta_round_trip),
		cmocka_unit_test(meta_refusals),
		cmocka_unit_test(stage_lookup_stale_damaged),
		cmocka_unit_test(interrupted_stage_never_looks_valid),
		cmocka_unit_test(refuses_foreign_cache_dir),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
