/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The options /etc/kexec-live.conf supplies where the command line is
 * silent (kexec-live.conf(5)): fast_path=yes stands for
 * --preload-decompressed, verify= for --verify.  An option given on the
 * command line always wins, and the fast path is only taken where it
 * cannot turn a load kexec-tools would do into a failure.
 */
#ifndef KL_DEFAULTS_H
#define KL_DEFAULTS_H

#include <stdbool.h>

#include "cmd/kexec/cli.h"
#include "lib/base/conf.h"

/* What decides whether the fast path can be taken. */
struct kl_defaults_facts {
	bool preload_can_take; /* --preload-decompressed can take the kernel file */
	const char *lockdown;  /* the kernel's lockdown mode, or "" */
};

/* Fill in o from conf (whose values parsing checked).  Prints one warning
 * when lockdown keeps the fast path off, and with -d where each option
 * came from. */
void kl_defaults_apply(struct kl_opts *o, const struct kl_conf *conf, const struct kl_defaults_facts *f);

#endif
