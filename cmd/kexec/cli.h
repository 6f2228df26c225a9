/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kexec-tools command line, parsed into a struct; no other effect. */
#ifndef KL_CLI_H
#define KL_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/base/err.h"
#include "lib/handoff/handoff.h"
#include "lib/plan/bootopts.h"

/* Exit codes, as kexec-tools uses them. */
#define KL_EXIT_OK 0
#define KL_EXIT_USAGE 1      /* bad options, unreadable files, nothing loaded */
#define KL_EXIT_FALLBACK 253 /* -s given and kexec_file_load refused */
#define KL_EXIT_FAIL 255     /* the load (or exec) itself failed */

enum kl_syscall_mode {
	KL_MODE_AUTO,   /* -a (default): kexec_file_load, fall back to kexec_load */
	KL_MODE_LEGACY, /* -c: kexec_load */
	KL_MODE_FILE,   /* -s: kexec_file_load only */
};

struct kl_opts {
	/* what to do; options toggle these in order, as kexec-tools does */
	bool do_load, do_exec, do_shutdown, do_unload;
	bool crash;  /* -p */
	bool status;       /* -S */
	bool status_crash; /* -S asks about the crash kernel (unless -l) */
	bool print_ckr_size;
	bool help, version;
	bool skip_sync, skip_ifdown; /* -y, -x */
	bool debug, dry_run;
	bool no_checks;  /* -i, or --verify=none */
	bool verify_set; /* --verify given */
	bool no_preload; /* --no-preload-decompressed */
	bool no_flatten; /* --no-flatten-initrd */
	/* what /etc/kexec-live.conf supplied (defaults.c); 0: nothing */
	unsigned int fast_path_line, verify_line;
	struct kl_preserve preserve[KL_PRESERVE_MAX];
	size_t nr_preserve;
	struct kl_blob blobs[KL_BLOBS_MAX]; /* --handoff-file, data not read yet */
	size_t nr_blobs;
	bool handoff_from_previous;
	/* --exec-stamp=START[:pmem|:reserved]: the page kexec -e stamps */
	bool exec_stamp;
	uint64_t exec_stamp_start;
	uint32_t exec_stamp_keep; /* KL_HO_KEEP_PMEM or KL_HO_KEEP_RESERVED */
	enum kl_syscall_mode mode;
	bool mem_min_set, mem_max_set;
	bool reuse_cmdline;
	const char *initrd;
	struct kl_boot_opts boot; /* handed to the planner as they are */
	const char *kernel; /* first non-option argument */
	uint64_t given;     /* bit i: row i of cli.c's option table was given */
};

/* Parse argv.  On a usage error, returns -EINVAL with a one-line reason
 * in err. */
int kl_cli_parse(int argc, char **argv, struct kl_opts *ret, struct kl_err *err);

/* Why this command needs kexec_load (an option the file syscall cannot
 * honour), or NULL. */
const char *kl_cli_legacy_reason(const struct kl_opts *o);

void kl_cli_usage(FILE *f);

/* With -d: the options the command line gave, by their long names. */
void kl_cli_debug_given(const struct kl_opts *o);

#endif
