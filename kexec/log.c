/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <time.h>

#include "log.h"

bool kl_debug_enabled;

void kl_debug(const char *fmt, ...)
{
	va_list ap;

	if (!kl_debug_enabled)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
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
