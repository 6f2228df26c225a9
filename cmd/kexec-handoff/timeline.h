/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KL_CMD_TIMELINE_H
#define KL_CMD_TIMELINE_H

#include <stdbool.h>

struct kl_timeline_opts {
	bool json;             /* --json */
	bool advise;           /* --advise: advice from the log, no timeline */
	bool all;              /* --all: every update of the chain (the history) */
	bool boot;             /* --boot: this kernel's own boot, no record needed */
	const char *tsc_clock; /* --tsc-clock's ZERO:MULT:SHIFT, or NULL for the perf page's */
	const char *mark;      /* --mark NAME: set a mark, print nothing */
	const char *svg;       /* --svg FILE: the steps as a chart too */
};

/* kexec-handoff timeline: prints the update's marks (or sets one, or
 * advises); returns the exit code (2: no timeline record). */
int kl_cmd_timeline(const char *root, const struct kl_timeline_opts *o);

#endif
