/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The number parser every option, meta field and sysfs value goes through,
 * and the two escapers of what is printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lib/base/json.h"
#include "lib/base/log.h"
#include "lib/base/number.h"
#include "lib/base/util.h"

static void whole_numbers(void **state)
{
	static const struct {
		const char *s;
		unsigned int base;
		int r;
		uint64_t v;
	} t[] = {
		{ "0", 0, 0, 0 },
		{ "4096", 0, 0, 4096 },
		{ "0x1000", 0, 0, 4096 },
		{ "0X1000", 0, 0, 4096 },
		{ "010", 0, 0, 8 }, /* C's octal, as kexec-tools' strtoull(s, 0) */
		{ "18446744073709551615", 0, 0, UINT64_MAX },
		{ "0xffffffffffffffff", 0, 0, UINT64_MAX },
		{ "18446744073709551616", 0, -ERANGE, 0 },
		{ "0x10000000000000000", 0, -ERANGE, 0 },
		{ "-1", 0, -EINVAL, 0 },
		{ " -1", 0, -EINVAL, 0 },
		{ "+1", 0, -EINVAL, 0 },
		{ " 1", 0, -EINVAL, 0 },
		{ "1 ", 0, -EINVAL, 0 },
		{ "1\n", 0, -EINVAL, 0 },
		{ "0x", 0, -EINVAL, 0 },
		{ "", 0, -EINVAL, 0 },
		{ "12abc", 0, -EINVAL, 0 },
		{ "08", 0, -EINVAL, 0 },
		{ "08", 10, 0, 8 },
		{ "0x10", 10, -EINVAL, 0 },
		{ "ff", 16, 0, 255 },
		{ "0x4f484c4b", 16, 0, 0x4f484c4b },
		{ "g", 16, -EINVAL, 0 },
		{ "1", 7, -EINVAL, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(t); i++) {
		uint64_t v = 12345;
		int r = kl_parse_u64(t[i].s, t[i].base, &v);

		if (r != t[i].r)
			fail_msg("'%s' (base %u): %d, want %d", t[i].s, t[i].base, r, t[i].r);
		assert_int_equal(v, r == 0 ? t[i].v : 12345); /* written only on success */
	}
}

static void sizes(void **state)
{
	static const struct {
		const char *s, *rest;
		int r;
		uint64_t v;
	} t[] = {
		{ "1G+64M", "+64M", 0, 1ULL << 30 },
		{ "64m", "", 0, 64ULL << 20 },
		{ "4k:x", ":x", 0, 4096 },
		{ "16T", "", 0, 16ULL << 40 },
		{ "0x10000000+", "+", 0, 0x10000000 },
		{ "16777216T", "", -ERANGE, 0 }, /* 2^24 TiB is 2^64 */
		{ "16777215T", "", 0, 16777215ULL << 40 },
		{ "-1G", "", -EINVAL, 0 },
		{ "G", "", -EINVAL, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(t); i++) {
		const char *end = NULL;
		uint64_t v = 0;
		int r = kl_parse_size_prefix(t[i].s, &end, &v);

		if (r != t[i].r)
			fail_msg("'%s': %d, want %d", t[i].s, r, t[i].r);
		if (r == 0) {
			assert_int_equal(v, t[i].v);
			assert_string_equal(end, t[i].rest);
		}
	}
}

static char *captured(int (*fn)(const char *, FILE *), const char *s)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(fn(s, f), 0);
	fclose(f);
	return buf;
}

static int escaped(const char *s, FILE *f)
{
	return kl_fputs_escaped(s, f, true);
}

static void escapes(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "plain /boot/vmlinuz-6.1", "plain /boot/vmlinuz-6.1" },
		{ "\x1b[31mred", "\\x1b[31mred" },
		{ "bell\a", "bell\\x07" },
		{ "two\nlines\n", "two\\x0alines\n" }, /* only the last newline stays */
		{ "tab\there", "tab\\x09here" },
		{ "del\x7f", "del\\x7f" },
		{ "c1 \xc2\x9b csi", "c1 \\xc2\\x9b csi" }, /* U+009B, a terminal's CSI */
		{ "caf\xc3\xa9", "caf\xc3\xa9" },            /* UTF-8 text stays */
		{ "raw \xff byte", "raw \xff byte" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(t); i++) {
		char *s = captured(escaped, t[i].in);

		assert_string_equal(s, t[i].out);
		free(s);
	}
}

static void json_strings(void **state)
{
	static const struct {
		const char *in, *out;
	} t[] = {
		{ "/boot/vmlinuz", "\"/boot/vmlinuz\"" },
		{ "q\"b\\", "\"q\\\"b\\\\\"" },
		{ "nl\n\x1b", "\"nl\\u000a\\u001b\"" },
		{ "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7", "\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x90\xa7\"" },
		{ "k\xff\xfe-\"q\"", "\"k\\ufffd\\ufffd-\\\"q\\\"\"" },
		{ "\xc0\xaf", "\"\\ufffd\\ufffd\"" },         /* overlong '/' */
		{ "\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\"" }, /* a surrogate */
		{ "\xe2\x82", "\"\\ufffd\\ufffd\"" },         /* cut short */
		{ "\xf4\x90\x80\x80", "\"\\ufffd\\ufffd\\ufffd\\ufffd\"" }, /* above U+10FFFF */
	};
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(t); i++) {
		char *s = captured(kl_json_str, t[i].in);

		if (strcmp(s, t[i].out) != 0)
			fail_msg("case %zu: %s, want %s", i, s, t[i].out);
		free(s);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(whole_numbers),
		cmocka_unit_test(sizes),
		cmocka_unit_test(escapes),
		cmocka_unit_test(json_strings),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
