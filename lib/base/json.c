/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stddef.h>
#include <stdint.h>

#include "lib/base/json.h"

/* The length of the valid UTF-8 sequence at p (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or 0. */
static size_t utf8_len(const unsigned char *p)
{
	size_t n, i;
	uint32_t cp;

	if (p[0] < 0x80)
		return 1;
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		n = 2, cp = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		n = 3, cp = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		n = 4, cp = p[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0; /* also the terminating NUL */
		cp = cp << 6 | (p[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

int kl_json_str(const char *s, FILE *f)
{
	const unsigned char *p = (const unsigned char *)s;
	int r = fputc('"', f) == EOF ? EOF : 0;

	while (*p && r == 0) {
		size_t n = utf8_len(p);

		if (!n) {
			r = fputs("\\ufffd", f) == EOF ? EOF : 0;
			p++;
		} else if (*p == '"' || *p == '\\') {
			r = fprintf(f, "\\%c", *p++) < 0 ? EOF : 0;
		} else if (*p < 0x20 || *p == 0x7f) {
			r = fprintf(f, "\\u%04x", *p++) < 0 ? EOF : 0;
		} else {
			r = fwrite(p, 1, n, f) == n ? 0 : EOF;
			p += n;
		}
	}
	if (r == 0 && fputc('"', f) == EOF)
		r = EOF;
	return r < 0 ? EOF : 0;
}
