/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lib/arch/x86/bootparam.h"
#include "lib/base/util.h"

const char *fx_srcdir(void)
{
	const char *s = getenv("srcdir");

	return s ? s : ".";
}

void fx_sysinfo(const char *name, struct kl_sysinfo *si)
{
	char root[4096];
	struct kl_err err = { { 0 } };
	int r;

	snprintf(root, sizeof(root), "%s/tests/fixtures/%s", fx_srcdir(), name);
	r = kl_sysinfo_read(root, si, &err);
	if (r < 0)
		fail_msg("sysinfo %s: %s", root, err.msg);
}

void fx_golden(const char *name, const char *text)
{
	char path[4096];
	FILE *f;
	char *want;
	long n;

	snprintf(path, sizeof(path), "%s/tests/golden/%s", fx_srcdir(), name);
	if (getenv("KL_UPDATE_GOLDEN")) {
		f = fopen(path, "w");
		assert_non_null(f);
		fputs(text, f);
		fclose(f);
		return;
	}
	f = fopen(path, "r");
	if (!f)
		fail_msg("golden file %s missing (run with KL_UPDATE_GOLDEN=1 to create)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	want = calloc(1, (size_t)n + 1);
	assert_non_null(want);
	assert_int_equal(fread(want, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	if (strcmp(want, text))
		fail_msg("%s differs from the golden file.\n--- want\n%s--- got\n%s", path, want, text);
	free(want);
}
