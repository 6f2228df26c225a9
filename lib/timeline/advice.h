/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Advice for the next kernel's boot, from this boot's log alone: the
 * phases that took longest and, for each, the change that would shorten
 * it where this kernel's version and log show one.  Every piece of advice
 * names the log lines it stands on; no line, no advice.  Pure.
 */
#ifndef KL_ADVICE_H
#define KL_ADVICE_H

#include <stddef.h>

#include "lib/timeline/bootlog.h"

enum kl_advice_rule {
	KL_ADV_CONSOLE,     /* a serial console printing every line */
	KL_ADV_SMP,         /* CPUs brought up one after another */
	KL_ADV_HUGETLB,     /* boot-time 1 GiB pages without the vmemmap optimisation */
	KL_ADV_STRUCT_PAGE, /* every struct page set up before "Memory:" */
	KL_ADV_INITCALL,    /* one slow initcall or probe (initcall_debug) */
	KL_ADV_SILENCE,     /* long silent stretches: find them with initcall_debug */
	KL_ADV_MAX
};

#define KL_ADVICE_EVIDENCE_MAX 4
#define KL_ADVICE_MAX 8

struct kl_advice {
	enum kl_advice_rule rule;
	double ms;        /* the time at stake (measured, or estimated where said) */
	char what[320];   /* the phase and what it cost */
	char change[240]; /* what to change */
	long evidence[KL_ADVICE_EVIDENCE_MAX]; /* log indices */
	size_t n_evidence;
};

/* The rule's name (--json). */
const char *kl_advice_rule_name(enum kl_advice_rule rule);

/* Advice, the largest time first: up to max of it in ret[], how many
 * through ret_n (0: nothing to say). */
void kl_advise(const struct kl_boot_log *log, struct kl_advice *ret, size_t max, size_t *ret_n);

#endif
