/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>

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
