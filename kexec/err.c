/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>

#include "err.h"

int kl_fail(struct kl_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err && !err->msg[0]) {
		va_start(ap, fmt);
		vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
		va_end(ap);
	}
	return code;
}
