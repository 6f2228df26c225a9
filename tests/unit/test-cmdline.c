/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line assembly. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lib/base/util.h"
#include "lib/plan/cmdline.h"

static void table(void **state)
{
	static const struct {
		const char *reused, *given, *want;
	} t[] = {
		{ NULL, NULL, "" },
		{ NULL, "console=ttyS0  quiet", "console=ttyS0 quiet" },
		{ "BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro\n", NULL, "root=/dev/sda1 ro" },
		{ "root=/dev/sda1 BOOT_IMAGE=(hd0)/vmlinuz quiet\n", "kl.x=1", "root=/dev/sda1 quiet kl.x=1" },
		{ "a=\"x y\" b", NULL, "a=\"x y\" b" },
		{ NULL, "BOOT_IMAGE=kept", "BOOT_IMAGE=kept" }, /* only reused text is cleaned */
		{ "\n", "", "" },
	};
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(t); i++) {
		char *s = NULL;

		assert_int_equal(kl_cmdline_build(t[i].reused, t[i].given, 2047, &s, NULL), 0);
		assert_string_equal(s, t[i].want);
		free(s);
	}
}

static void length_limit_is_cmdline_size(void **state)
{
	char line[300];
	struct kl_err err = { { 0 } };
	char *s = NULL;

	(void)state;
	memset(line, 'a', 255);
	line[255] = 0;
	assert_int_equal(kl_cmdline_build(NULL, line, 255, &s, NULL), 0);
	free(s);
	line[255] = 'a';
	line[256] = 0;
	assert_int_equal(kl_cmdline_build(NULL, line, 255, &s, &err), -E2BIG);
	assert_non_null(strstr(err.msg, "cmdline_size"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(table),
		cmocka_unit_test(length_limit_is_cmdline_size),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
