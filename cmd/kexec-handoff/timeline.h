/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KL_CMD_TIMELINE_H
#define KL_CMD_TIMELINE_H

#include <stdbool.h>

/* kexec-handoff timeline [--json]: prints the update's marks; returns the
 * exit code (2: no timeline record).  tsc_clock: --tsc-clock's
 * ZERO:MULT:SHIFT, or NULL for the perf page's. */
int kl_cmd_timeline(const char *root, bool json, const char *tsc_clock);

#endif
