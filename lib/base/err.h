/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Error reasons.  Library code never prints: a failing function returns a
 * negative errno and, when the caller passed a struct kl_err, leaves one
 * line there saying what is wrong.  The CLI prints that line.
 */
#ifndef KL_ERR_H
#define KL_ERR_H

struct kl_err {
	char msg[512];
};

/* Record a reason (when err is not NULL) and return code, which must be a
 * negative errno.  The first reason recorded wins: the innermost failure is
 * the most precise one. */
int kl_fail(struct kl_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Put context in front of the recorded reason ("payload (gzip): ..."),
 * or record it when there is none yet.  Returns code. */
int kl_fail_prefix(struct kl_err *err, int code, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif
