/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unified kernel images: locating .linux, .initrd and .cmdline, and every
 * way the PE headers can lie about them. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lib/base/util.h"
#include "lib/format/uki.h"

static const char kernel[] = "pretend this is a bzImage";
static const char initrd[] = "pretend this is a cpio archive";
static const char cmdline[] = "console=ttyS0 kl.uki=1\n\0\0";
static const char osrel[] = "ID=debian\n";

#define SECS(...) ((const struct fx_pe_section[]){ __VA_ARGS__ })
#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct fx_pe_section good[] = {
	{ .name = ".osrel", .data = osrel, .len = sizeof(osrel) - 1 },
	{ .name = ".cmdline", .data = cmdline, .len = sizeof(cmdline) - 1 },
	{ .name = ".linux", .data = kernel, .len = sizeof(kernel) - 1 },
	{ .name = ".initrd", .data = initrd, .len = sizeof(initrd) - 1 },
};

static void finds_the_sections(void **state)
{
	struct kl_err err = { { 0 } };
	struct kl_uki u;
	size_t len;
	uint8_t *b = fx_uki(good, N(good), 0, &len);

	(void)state;
	assert_true(kl_pe_probe(b, len));
	assert_int_equal(kl_uki_parse(b, len, &u, &err), 0);
	assert_int_equal(u.nr_sections, 4);
	assert_int_equal(u.linux_.len, sizeof(kernel) - 1);
	assert_memory_equal(u.linux_.p, kernel, u.linux_.len);
	assert_int_equal(u.initrd.len, sizeof(initrd) - 1);
	assert_memory_equal(u.initrd.p, initrd, u.initrd.len);
	/* trailing newline and NULs dropped */
	assert_int_equal(u.cmdline.len, strlen("console=ttyS0 kl.uki=1"));
	assert_memory_equal(u.cmdline.p, "console=ttyS0 kl.uki=1", u.cmdline.len);
	free(b);

	/* .linux alone; VirtualSize below SizeOfRawData is the content */
	b = fx_uki(SECS({ .name = ".linux", .data = kernel, .len = 8, .vsize = 5 }), 1, 0, &len);
	assert_int_equal(kl_uki_parse(b, len, &u, &err), 0);
	assert_int_equal(u.linux_.len, 5);
	assert_int_equal(u.initrd.len, 0);
	assert_int_equal(u.cmdline.len, 0);
	free(b);
}

static void probe(void **state)
{
	uint8_t b[0x100] = { 'M', 'Z' };

	(void)state;
	assert_false(kl_pe_probe(b, 0x3f));
	assert_false(kl_pe_probe(b, sizeof(b))); /* e_lfanew 0: "MZ" is no "PE" */
	kl_put_le32(b + 0x3c, 0x80);
	memcpy(b + 0x80, "PE\0\0", 4);
	assert_true(kl_pe_probe(b, sizeof(b)));
	assert_false(kl_pe_probe(b, 0x83)); /* the signature cut */
	kl_put_le32(b + 0x3c, 0xfffffffe);
	assert_false(kl_pe_probe(b, sizeof(b)));
}

static void refuse(const uint8_t *b, size_t len, int code, const char *msg)
{
	struct kl_err err = { { 0 } };
	struct kl_uki u;

	assert_int_equal(kl_uki_parse(b, len, &u, &err), code);
	if (!strstr(err.msg, msg))
		fail_msg("'%s' lacks '%s'", err.msg, msg);
}

static void refused(void **state)
{
	static const uint8_t big[1024];
	uint8_t *b;
	size_t len;

	(void)state;
	/* headers cut */
	b = fx_uki(good, N(good), 0x90, &len);
	refuse(b, len, -EINVAL, "PE file header at 0x80 runs past the end of the file");
	free(b);
	b = fx_uki(good, N(good), 0x80 + 24 + 240 + 40, &len);
	refuse(b, len, -EINVAL, "PE section table (4 sections at 0x188) runs past the end of the file");
	free(b);
	/* the file cut in the middle of .initrd's data */
	b = fx_uki(good, N(good), 0xa00 + 10, &len);
	refuse(b, len, -EINVAL, "PE section .initrd (0x200 bytes at 0xa00) lies outside the file (2570 bytes)");
	free(b);
	/* a section that points past the end of the file */
	b = fx_uki(SECS({ .name = ".linux", .data = kernel, .len = 8 },
			{ .name = ".initrd", .data = initrd, .len = 8, .raw_off = 0x7ffffe00, .raw_size = 0x80000200 }),
		   2, 0, &len);
	refuse(b, len, -EINVAL, "PE section .initrd (0x80000200 bytes at 0x7ffffe00) lies outside the file");
	free(b);
	/* overlapping sections: .initrd inside .linux */
	b = fx_uki(SECS({ .name = ".linux", .data = big, .len = sizeof(big) },
			{ .name = ".initrd", .data = initrd, .len = 8, .raw_off = 0x400, .raw_size = 0x200 }),
		   2, 0, &len);
	refuse(b, len, -EINVAL, "PE sections .linux and .initrd overlap in the file");
	free(b);
	/* no .linux: some other PE program */
	b = fx_uki(SECS({ .name = ".text", .data = kernel, .len = 8 }, { .name = ".initrd", .data = initrd, .len = 8 }),
		   2, 0, &len);
	refuse(b, len, -ENOEXEC, "a PE file without a .linux section (not a unified kernel image)");
	free(b);
	/* an empty .linux is none */
	b = fx_uki(SECS({ .name = ".linux", .data = kernel, .len = 0 }), 1, 0, &len);
	refuse(b, len, -ENOEXEC, "without a .linux section");
	free(b);
	/* .linux twice: which one would boot? */
	b = fx_uki(SECS({ .name = ".linux", .data = kernel, .len = 8 }, { .name = ".linux", .data = kernel, .len = 8 }),
		   2, 0, &len);
	refuse(b, len, -EINVAL, "PE section .linux is given twice");
	free(b);
	/* a NUL inside the command line */
	b = fx_uki(SECS({ .name = ".linux", .data = kernel, .len = 8 }, { .name = ".cmdline", .data = "a\0b", .len = 3 }),
		   2, 0, &len);
	refuse(b, len, -EINVAL, ".cmdline holds a NUL byte");
	free(b);
	/* a section name of 8 bytes is not NUL-terminated: printed safely */
	b = fx_uki(SECS({ .name = ".linux", .data = kernel, .len = 8 },
			{ .name = ".linuxxx", .data = kernel, .len = 8, .raw_off = 0x200 }), 2, 0, &len);
	refuse(b, len, -EINVAL, "PE sections .linux and .linuxxx overlap");
	free(b);
}

static void too_many_sections(void **state)
{
	struct fx_pe_section s[KL_PE_SECTIONS_MAX + 1];
	size_t i, len;
	uint8_t *b;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(s); i++)
		s[i] = (struct fx_pe_section){ .name = i ? ".data" : ".linux", .data = kernel, .len = 4 };
	b = fx_uki(s, KL_ARRAY_SIZE(s), 0, &len);
	refuse(b, len, -EINVAL, "PE file has 97 sections (at most 96)");
	free(b);
	b = fx_uki(s, KL_PE_SECTIONS_MAX, 0, &len);
	{
		struct kl_err err = { { 0 } };
		struct kl_uki u;

		assert_int_equal(kl_uki_parse(b, len, &u, &err), 0);
	}
	free(b);
}

/* Every prefix of a good UKI is refused or parsed, and what is parsed
 * lies inside the prefix. */
static void every_truncation(void **state)
{
	struct kl_err err;
	struct kl_uki u;
	size_t len, n;
	uint8_t *b = fx_uki(good, N(good), 0, &len);

	(void)state;
	for (n = 0; n <= len; n++) {
		uint8_t *c = malloc(n ? n : 1);

		memcpy(c, b, n);
		memset(&err, 0, sizeof(err));
		if (kl_uki_parse(c, n, &u, &err) == 0) {
			assert_true(u.linux_.p >= c && u.linux_.p + u.linux_.len <= c + n);
			assert_int_equal(n, len);
		} else {
			assert_true(err.msg[0] != '\0');
		}
		free(c);
	}
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(finds_the_sections),
		cmocka_unit_test(probe),
		cmocka_unit_test(refused),
		cmocka_unit_test(too_many_sections),
		cmocka_unit_test(every_truncation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
