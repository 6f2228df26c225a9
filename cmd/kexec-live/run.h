/* SPDX-License-Identifier: GPL-2.0-or-later */
/* What kexec-live's two sides share: programs run with a deadline, hooks,
 * the DAX file system's mount and device, progress lines, the clock. */
#ifndef KL_LIVE_RUN_H
#define KL_LIVE_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/base/err.h"
#include "lib/update/update.h"

#define say(...) kl_msg("kexec-live", __VA_ARGS__)

/* Run argv (NULL-terminated) in cwd (NULL: ours) and wait for it, killing
 * it after timeout_s.  Its output goes to ours, or to log_path (appended)
 * when that is not NULL.  0 when it exited 0; -ECHILD with its status in
 * err otherwise. */
int kl_run(const char *const *argv, const char *cwd, const char *log_path, unsigned int timeout_s,
	   struct kl_err *err);

/* Start argv in a session of its own, stdin from /dev/null and output
 * appended to log_path, and do not wait. */
int kl_spawn(const char *const *argv, const char *cwd, const char *log_path, pid_t *ret, struct kl_err *err);

/* Each executable file of dir, in name order, with phase as its one
 * argument; the first that fails fails the phase.  Nothing when dir is
 * empty ("").  A missing dir is an error: a hook that silently never runs
 * is worse than none. */
int kl_hooks(const char *dir, const char *phase, unsigned int timeout_s, struct kl_err *err);

/* The file system mounted at mnt (/proc/self/mountinfo): its device,
 * type and super block options.  -ENOENT when nothing is mounted there. */
int kl_mount_find(const char *mnt, char dev[KL_UPD_PATH_MAX], char fstype[KL_UPD_NAME_MAX + 1],
		  char options[KL_UPD_LINE_MAX], struct kl_err *err);

/* The physical range of a pmem block device (/dev/pmemN: its
 * namespace's resource and size in sysfs). */
int kl_pmem_range(const char *dev, uint64_t *ret_start, uint64_t *ret_size, struct kl_err *err);

/* The pmem block device that holds exactly [start, start + size). */
int kl_pmem_find(uint64_t start, uint64_t size, char ret[KL_UPD_PATH_MAX], struct kl_err *err);

/* Milliseconds between two TSC values at hz. */
double kl_tsc_ms(uint64_t from, uint64_t to, uint64_t hz);

/* The TSC's rate as this kernel converts it (its perf page). */
int kl_tsc_hz(uint64_t *ret, struct kl_err *err);

/* s in single quotes for sh -c, or -ENAMETOOLONG. */
int kl_shell_quote(const char *s, char *buf, size_t size);

/* Remove a file or a directory tree that an update wrote. */
int kl_remove_tree(const char *path);

#endif
