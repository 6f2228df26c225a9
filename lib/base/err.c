/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "lib/base/err.h"

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

int kl_fail_prefix(struct kl_err *err, int code, const char *fmt, ...)
{
	char prefix[256], old[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return code;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, err->msg, sizeof(old));
	if (old[0])
		snprintf(err->msg, sizeof(err->msg), "%.200s: %.300s", prefix, old);
	else
		snprintf(err->msg, sizeof(err->msg), "%s", prefix);
	return code;
}
