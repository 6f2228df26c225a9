/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "lib/base/util.h"
#include "lib/plan/cmdline.h"

#define KL_CMDLINE_INPUT_MAX (64 * 1024)

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\n';
}

/* Append the words of src to dst (at *len), dropping BOOT_IMAGE=... when
 * strip_boot_image is set.  Words are separated by single spaces; quoting
 * is kept as is, since the kernel parses it. */
static void append_words(char *dst, size_t *len, const char *src, bool strip_boot_image)
{
	const char *p = src;

	while (*p) {
		const char *w;
		size_t n;
		bool quoted = false;

		while (is_space(*p))
			p++;
		if (!*p)
			break;
		w = p;
		while (*p && (quoted || !is_space(*p))) {
			if (*p == '"')
				quoted = !quoted;
			p++;
		}
		n = (size_t)(p - w);
		if (strip_boot_image && n >= 11 && !strncmp(w, "BOOT_IMAGE=", 11))
			continue;
		if (*len)
			dst[(*len)++] = ' ';
		memcpy(dst + *len, w, n);
		*len += n;
	}
	dst[*len] = 0;
}

int kl_cmdline_build(const char *reused, const char *given, size_t max_len,
		     char **ret, struct kl_err *err)
{
	size_t rl = reused ? strnlen(reused, KL_CMDLINE_INPUT_MAX + 1) : 0;
	size_t gl = given ? strnlen(given, KL_CMDLINE_INPUT_MAX + 1) : 0;
	size_t len = 0;
	char *s;

	if (rl > KL_CMDLINE_INPUT_MAX || gl > KL_CMDLINE_INPUT_MAX)
		return kl_fail(err, -E2BIG, "command line input is longer than %d bytes", KL_CMDLINE_INPUT_MAX);
	s = malloc(rl + gl + 2);
	if (!s)
		return -ENOMEM;
	s[0] = 0;
	if (reused)
		append_words(s, &len, reused, true);
	if (given)
		append_words(s, &len, given, false);
	if (len > max_len) {
		free(s);
		return kl_fail(err, -E2BIG, "command line is %zu bytes, the kernel accepts at most %zu (cmdline_size)",
			       len, max_len);
	}
	*ret = s;
	return 0;
}
