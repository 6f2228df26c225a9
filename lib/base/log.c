/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lib/base/log.h"

bool kl_debug_enabled;

int kl_fputs_escaped(const char *s, FILE *f, bool keep_final_newline)
{
	const unsigned char *p = (const unsigned char *)s;

	for (; *p; p++) {
		bool c1 = p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f;

		if (*p == '\n' && keep_final_newline && !p[1]) {
			if (fputc('\n', f) == EOF)
				return EOF;
		} else if (*p < 0x20 || *p == 0x7f || c1) {
			if (fprintf(f, "\\x%02x", *p) < 0)
				return EOF;
			if (c1 && fprintf(f, "\\x%02x", *++p) < 0)
				return EOF;
		} else if (fputc(*p, f) == EOF) {
			return EOF;
		}
	}
	return 0;
}

/* Format into memory first, so that the whole message is escaped. */
static void vput(FILE *f, const char *prefix, const char *fmt, va_list ap, bool newline)
	__attribute__((format(printf, 3, 0)));

static void vput(FILE *f, const char *prefix, const char *fmt, va_list ap, bool newline)
{
	char buf[1024], *big = NULL;
	va_list aq;
	int n;

	va_copy(aq, ap);
	n = vsnprintf(buf, sizeof(buf), fmt, aq);
	va_end(aq);
	if (n >= (int)sizeof(buf) && (big = malloc((size_t)n + 1)))
		vsnprintf(big, (size_t)n + 1, fmt, ap);
	if (prefix)
		fputs(prefix, f);
	kl_fputs_escaped(big ? big : buf, f, !newline);
	if (newline)
		fputc('\n', f);
	free(big);
}

void kl_debug(const char *fmt, ...)
{
	va_list ap;

	if (!kl_debug_enabled)
		return;
	va_start(ap, fmt);
	vput(stderr, NULL, fmt, ap, false);
	va_end(ap);
}

void kl_debug_time(const char *what)
{
	static struct timespec t0;
	struct timespec t;

	if (!kl_debug_enabled)
		return;
	clock_gettime(CLOCK_MONOTONIC, &t);
	if (!t0.tv_sec && !t0.tv_nsec)
		t0 = t;
	fprintf(stderr, "kexec: [%6.1f ms] %s\n",
		(double)(t.tv_sec - t0.tv_sec) * 1e3 + (double)(t.tv_nsec - t0.tv_nsec) / 1e6, what);
}

void kl_vmsg(const char *prog, const char *fmt, va_list ap)
{
	fputs(prog, stderr);
	vput(stderr, ": ", fmt, ap, true);
}

void kl_msg(const char *prog, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kl_vmsg(prog, fmt, ap);
	va_end(ap);
}

int kl_close_stdout(const char *prog)
{
	/* as gnulib's close_stream(): a stdout closed by the caller (>&-)
	 * is no error when nothing was written to it */
	bool pending = __fpending(stdout) > 0, failed = ferror(stdout);
	int r = 0;

	errno = 0;
	if (fclose(stdout) == EOF && (pending || errno != EBADF))
		r = errno ? -errno : -EIO;
	else if (failed)
		r = -EIO; /* an earlier write failed; its errno is gone */
	if (r)
		kl_msg(prog, "cannot write to standard output: %s", strerror(-r));
	return r;
}

int kl_exit_code(const char *prog, int r, int fail_code)
{
	if (kl_close_stdout(prog) < 0 && r == 0)
		return fail_code;
	return r;
}
