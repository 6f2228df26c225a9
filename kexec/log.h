/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one output hook library code may use: debug messages, shown with -d. */
#ifndef KL_LOG_H
#define KL_LOG_H

#include <stdbool.h>

extern bool kl_debug_enabled;

void kl_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* With -d: "[  12.3 ms] what", the time since the first call. */
void kl_debug_time(const char *what);

#endif
