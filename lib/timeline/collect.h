/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An update's timeline gathered from the running system: the record the
 * purgatory stamped (a setup_data node), the TSC put on the kernel's clock
 * (the perf mmap page, else CPUID leaf 0x15's or the log's TSC rate), the
 * marks of the kernel's log, of systemd as PID 1 and of scripts
 * (--mark).  The I/O half of lib/timeline: kexec-handoff prints what it
 * gathers, kexec hands it on in the chain's history (history.h).  Every
 * path is taken below root ("" for the real system).
 */
#ifndef KL_TIMELINE_COLLECT_H
#define KL_TIMELINE_COLLECT_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/handoff/handoff.h"
#include "lib/timeline/bootlog.h"
#include "lib/timeline/history.h"
#include "lib/timeline/timeline.h"

/* A script's marks (kexec-handoff timeline --mark): "TSC NAME" lines. */
#define KL_TL_USER_MARKS_FILE "/run/kexec-live/marks"

/* The kernel's log, read once: the records' bytes and the lines in them. */
struct kl_tl_log {
	char *buf;
	size_t len, cap, n, line_cap;
	struct kl_log_line *line;
	struct kl_boot_log view;
};

/* /dev/kmsg, or below root a regular file of its records, a line each.
 * No log at all is not an error: view.n is 0. */
int kl_tl_log_read(const char *root, struct kl_tl_log *ret);
void kl_tl_log_free(struct kl_tl_log *l);

#define KL_TL_BAD_MARKS_MAX 8

/* What kl_tl_collect() gathered. */
struct kl_tl_update {
	struct kl_timeline t;
	struct kl_tl_marks marks; /* in time order, purgatory_start at 0 */
	const char *clock_id;	  /* "perf", "cpuid15", "calibration", "given" */
	char clock_text[200];	  /* the same, and how exact, in words */
	/* the marks file's lines that are not marks (1-based), and why the
	 * file could not be read, when it could not */
	size_t bad_mark_line[KL_TL_BAD_MARKS_MAX];
	size_t n_bad_mark_lines;
	char marks_file_error[sizeof(((struct kl_err *)0)->msg)];
	/* why the exec stamp the handoff lists was not used, when it was not */
	char exec_stamp_error[sizeof(((struct kl_err *)0)->msg)];
};

/* Gather this kernel's update: given puts the TSC on the clock (tests),
 * NULL asks the kernel.  -ENOENT when no record is there (the kernel was
 * not started through our purgatory); any error leaves one line in err. */
int kl_tl_collect(const char *root, const struct kl_tsc_clock *given, const struct kl_tl_log *log,
		  struct kl_tl_update *ret, struct kl_err *err);

/* The chain's earlier updates as a handoff table t lists them (the blob
 * KL_TLH_BLOB_NAME), its bytes checked against their SHA-256 and decoded:
 * -ENOENT when t has no such blob; a damaged one is an error, never
 * history. */
int kl_tl_history_read(const char *root, const struct kl_handoff *t, struct kl_tlh_entry ret[KL_TLH_ENTRIES_MAX],
		       size_t *ret_n, struct kl_err *err);

/* /run/kexec-live below root, made when it is not there (and /run with
 * it: an initramfs may have none). */
int kl_tl_run_dir(const char *root, struct kl_err *err);

/* Where `kexec -e` finds the armed exec stamp page: its address. */
#define KL_XS_RUN_FILE "/run/kexec-live/exec-stamp"

/* After a load whose handoff keeps the page [start, start + 4096): write
 * an armed record (tsc 0) there, and its address to KL_XS_RUN_FILE. */
int kl_xs_arm(const char *root, uint64_t start, struct kl_err *err);

/* No page armed (an unload, a load without one). */
void kl_xs_disarm(const char *root);

/* kexec -e: the TSC now into the armed page.  -ENOENT when none is
 * armed; any other error says why in err. */
int kl_xs_stamp(const char *root, struct kl_err *err);

/* This kernel's own boot, for one not started through our purgatory
 * (kexec-tools', the firmware's): the marks of its log, systemd's and
 * scripts', in ms since its clock's zero (clock_zero at 0).  Needs no
 * record; without a clock for the TSC, no script's marks. */
int kl_tl_collect_boot(const char *root, const struct kl_tsc_clock *given, const struct kl_tl_log *log,
		       struct kl_tl_update *ret);

/* The running kernel's release (root/proc/sys/kernel/osrelease). */
int kl_tl_release(const char *root, char ret[KL_TLH_RELEASE_MAX], struct kl_err *err);

/* The TSC now. */
uint64_t kl_rdtsc(void);

/* A mark NAME at the TSC now, appended to root's KL_TL_USER_MARKS_FILE in
 * one write (marks of two programs never interleave).  -EINVAL for a name
 * kl_mark_name_ok() refuses. */
int kl_tl_mark(const char *root, const char *name, struct kl_err *err);

/* The TSC's rate in Hz as this kernel counts it: exact from its perf
 * page, else CPUID leaf 0x15's, else its log's calibration (below root). */
int kl_tsc_rate(const char *root, uint64_t *ret_hz, struct kl_err *err);

#endif
