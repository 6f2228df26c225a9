/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Output.  Library code prints only through kl_debug(); the programs print
 * their one-line messages through kl_msg().  Both escape control bytes:
 * a file name or an option value that holds them must not move the
 * cursor, ring the bell or forge a second line.
 */
#ifndef KL_LOG_H
#define KL_LOG_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>

extern bool kl_debug_enabled;

void kl_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* With -d: "[  12.3 ms] what", the time since the first call. */
void kl_debug_time(const char *what);

/* Write s with C0 control bytes, DEL and UTF-8-encoded C1 controls shown
 * as \xNN; a newline is kept only when it is the last byte and
 * keep_final_newline is set.  Returns what fputs() would. */
int kl_fputs_escaped(const char *s, FILE *f, bool keep_final_newline);

/* "PROG: TEXT\n" on stderr, TEXT escaped as above. */
void kl_msg(const char *prog, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void kl_vmsg(const char *prog, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));

/* Flush and close stdout, checking it: a full disk, a closed pipe or
 * /dev/full must not look like success.  Says why with kl_msg() and
 * returns -errno on failure, 0 when everything was written. */
int kl_close_stdout(const char *prog);

/* A program's last step: close stdout as above; returns r, or fail_code
 * when r was 0 and stdout could not be written. */
int kl_exit_code(const char *prog, int r, int fail_code);

#endif
