/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The new kernel's command line, assembled the way kexec-tools does it. */
#ifndef KL_CMDLINE_H
#define KL_CMDLINE_H

#include <stddef.h>

#include "lib/base/err.h"

/*
 * reused: the running kernel's /proc/cmdline when --reuse-cmdline was
 * given, else NULL; its BOOT_IMAGE= word (added by boot loaders, meaningless
 * to the next kernel) is dropped.  given: the --command-line/--append text,
 * or NULL.  The result is "reused given" with single spaces where both exist.
 * max_len is the kernel's cmdline_size (without the terminating NUL).
 */
int kl_cmdline_build(const char *reused, const char *given, size_t max_len,
		     char **ret, struct kl_err *err);

#endif
