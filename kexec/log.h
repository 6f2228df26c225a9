/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The one output hook library code may use: debug messages, shown with -d. */
#ifndef KL_LOG_H
#define KL_LOG_H

#include <stdbool.h>

extern bool kl_debug_enabled;

void kl_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
