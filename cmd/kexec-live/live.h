/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kexec-live's two sides: the old kernel's update (update.c) and the new
 * kernel's resume (resume.c), and the state they share. */
#ifndef KL_LIVE_H
#define KL_LIVE_H

#include <stdbool.h>
#include <sys/types.h>

#include "cmd/kexec-live/run.h"
#include "lib/update/qmp.h"
#include "lib/update/update.h"

/* kexec-live's files in the running system (a tmpfs: gone with the jump) */
#define KL_LIVE_RUN_DIR "/run/kexec-live"
#define KL_LIVE_MANIFEST KL_LIVE_RUN_DIR "/update.manifest"
#define KL_LIVE_LOG KL_LIVE_RUN_DIR "/update.log"
/* resume: the kept range's digest matched (this boot) */
#define KL_LIVE_CHECKED KL_LIVE_RUN_DIR "/range-checked"

/* Exit codes (kexec-live(8), "EXIT STATUS"). */
enum {
	KL_LIVE_EXIT_OK = 0,
	KL_LIVE_EXIT_FAILED = 1, /* update: nothing changed, everything undone; resume: see the message */
	KL_LIVE_EXIT_USAGE = 2,	 /* the command line or the configuration */
	KL_LIVE_EXIT_NOTHING = 3, /* resume: no update was handed over */
};

struct kl_live_opts {
	const char *config;
	const char *manifest; /* resume: read it from here, not from the handoff table */
	bool dry_run;
	bool no_exec;	      /* update: stop after the load, undo nothing (tests, a manual kexec -e) */
	bool if_handed_over;  /* resume: no update handed over is not an error */
};

/* What the freeze did, so that undo can take it back. */
struct kl_live_vm {
	struct kl_qmp qmp;
	pid_t pid;
	bool was_running, stopped, saved;
};

struct kl_live_proc {
	bool dumped;
};

struct kl_live {
	struct kl_upd *u;
	const struct kl_live_opts *o;
	struct kl_live_vm vm[KL_UPD_VMS_MAX];
	struct kl_live_proc proc[KL_UPD_PROCS_MAX];
	bool made_state_dir, fs_frozen, loaded;
};

/* QMP helpers both sides use: x-ignore-shared on; a command taking a
 * URI (migrate, migrate-incoming); the migration's end awaited. */
int kl_live_ignore_shared(struct kl_qmp *q, const char *vm, struct kl_err *err);
int kl_live_qmp_uri(struct kl_qmp *q, const char *command, const char *uri, struct kl_err *err);
int kl_live_migration_wait(struct kl_qmp *q, const char *vm, unsigned int timeout_s, struct kl_err *err);

int kl_live_update(struct kl_upd *u, const struct kl_live_opts *o);
int kl_live_resume(const struct kl_live_opts *o);

/* The phases' times from the stamps of u, in ms since the first one,
 * on one line each (printed by both sides); with resumed (everything
 * runs again), the blackout too. */
void kl_live_report(const struct kl_upd *u, bool resumed, FILE *f);

#endif
