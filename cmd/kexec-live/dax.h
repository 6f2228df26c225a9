/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The DAX file system as the running kernel has it: what is mounted
 * where, the pmem device's range, freezing it, mounting it.  Two builds,
 * as kexec's system calls have: dax-linux.c for kexec-live, dax-fake.c
 * for tests/kexec-live-fake, which runs update and resume on a machine
 * with no persistent memory (a plain directory stands for the file
 * system; KL_FAKE_DAX=DEVICE:START+SIZE names what it stands on). */
#ifndef KL_LIVE_DAX_H
#define KL_LIVE_DAX_H

#include <stdint.h>

#include "lib/base/err.h"
#include "lib/update/update.h"

/* The file system mounted at u->dax, mounted with dax, on a pmem device:
 * u->device, fstype, options, range_start and range_size filled in. */
int kl_dax_find(struct kl_upd *u, struct kl_err *err);

/* syncfs and FIFREEZE; FITHAW. */
int kl_dax_freeze(const char *dir, struct kl_err *err);
int kl_dax_thaw(const char *dir, struct kl_err *err);

/* In the new kernel: the pmem device holding u's range (waiting up to
 * u->timeout for it), mounted at u->dax, unless it is already. */
int kl_dax_mount(const struct kl_upd *u, struct kl_err *err);

#endif
