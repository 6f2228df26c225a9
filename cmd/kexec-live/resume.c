/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec-live resume, in the new kernel: the manifest from the handoff
 * table (or a file, to retry), the preserved range's digest checked, the
 * DAX file system mounted from the device that holds the range, every
 * process restored by CRIU, every VM's QEMU started again with its old
 * command line and -incoming, its device state loaded and the VM resumed.
 * An image is removed only once what it held runs again: a failure leaves
 * every other image where it was and says how to try again.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdarg.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/kexec-live/dax.h"
#include "cmd/kexec-live/live.h"
#include "lib/base/log.h"
#include "lib/base/util.h"
#include "lib/handoff/handoff-io.h"
#include "lib/sys/fileio.h"
#include "lib/timeline/collect.h"
#include "lib/timeline/timeline.h"
#include "purgatory/timeline.h"

#define QMP_TIMEOUT_MS 5000

/* A mark in this boot's timeline (kexec-handoff timeline shows it). */
static void __attribute__((format(printf, 1, 2))) mark(const char *fmt, ...)
{
	char name[KL_MARK_NAME_MAX + 1];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(name, sizeof(name), fmt, ap);
	va_end(ap);
	kl_tl_mark("", name, NULL);
}

static void stamp(struct kl_upd *u, const char *name)
{
	if (kl_upd_stamp(u, name, kl_rdtsc()) < 0)
		say("warning: no room for the stamp %s", name);
}

/* The manifest's text: from a file, or the handoff table's blob (whose
 * digest kl_ho_blob_read checks).  -ENOENT: no update was handed over.
 * *ret_region is the preserved range's entry, when the table has one. */
static int manifest_text(const struct kl_live_opts *o, char **ret, size_t *ret_len, struct kl_ho_entry *ret_region,
			 bool *ret_has_region, struct kl_err *err)
{
	struct kl_handoff t = { 0 };
	void *tbuf = NULL, *blob = NULL;
	size_t i, len = 0;
	int r;

	*ret_has_region = false;
	r = kl_ho_table_read("", &t, &tbuf, err);
	if (r < 0 && r != -ENOENT)
		return r;
	memset(err, 0, sizeof(*err)); /* no table is said below, if it matters */
	for (i = 0; r == 0 && i < t.n; i++)
		if (t.e[i].type == KL_HO_REGION && !strcmp(t.e[i].name, KL_UPD_REGION_NAME)) {
			*ret_region = t.e[i];
			*ret_has_region = true;
		}
	if (o->manifest) {
		kl_handoff_free(&t);
		free(tbuf);
		return kl_read_file("", o->manifest, KL_UPD_TEXT_MAX, ret, ret_len, err);
	}
	if (r == -ENOENT)
		return kl_fail(err, -ENOENT, "no handoff table: this kernel was not started by kexec-live update");
	r = -ENOENT;
	for (i = 0; i < t.n; i++)
		if (t.e[i].type == KL_HO_BLOB && !strcmp(t.e[i].name, KL_UPD_BLOB_NAME)) {
			r = kl_ho_blob_read("", &t.e[i], &blob, &len, err);
			break;
		}
	kl_handoff_free(&t);
	free(tbuf);
	if (r == -ENOENT)
		return kl_fail(err, r, "the handoff table has no %s: this kernel was not started by kexec-live update",
			       KL_UPD_BLOB_NAME);
	if (r < 0)
		return r;
	*ret = blob;
	*ret_len = len;
	return 0;
}

/* The range's bytes are what the old kernel digested at load time.  Once
 * per boot: a retry finds the file system changed by what the first try
 * restored, and the mark of the first check in /run. */
static int check_region(const struct kl_ho_entry *e, struct kl_err *err)
{
	struct kl_err mine = { { 0 } }; /* a mismatch is said in this file's words */
	int r;

	if (access(KL_LIVE_CHECKED, F_OK) == 0) {
		say("the preserved range's SHA-256 was checked by an earlier resume in this boot");
		return 0;
	}
	r = kl_ho_entry_check("", e, &mine);
	if (r == 1) {
		FILE *f = fopen(KL_LIVE_CHECKED, "we");

		if (f)
			fclose(f);
	}
	if (r == -EBADMSG)
		return kl_fail(err, r,
			       "the preserved range [0x%" PRIx64 ", 0x%" PRIx64 ") changed across the jump (its SHA-256 differs): nothing is restored from it",
			       e->start, e->start + e->size);
	if (r < 0)
		return kl_fail(err, r, "the preserved range: %s", mine.msg);
	if (r == 0)
		say("warning: the preserved range was handed over without a digest; not checked");
	return 0;
}

static int restore_proc(struct kl_upd *u, const struct kl_upd_proc *p, struct kl_err *err)
{
	char dir[KL_UPD_PATH_MAX], pidfile[KL_UPD_PATH_MAX + 16];
	const char *argv[] = { u->criu, "restore", "--images-dir", dir, "--restore-detached", "--pidfile", pidfile,
			       "--log-file", "restore.log", NULL };
	struct stat st;
	int r;

	if (kl_upd_proc_images(u, p, dir, sizeof(dir)) < 0)
		return kl_fail(err, -ENAMETOOLONG, "process %s: its images' path is too long", p->name);
	/* every process of the manifest was dumped before the jump: no
	 * images is one an earlier resume of this update restored */
	if (stat(dir, &st) < 0 && errno == ENOENT) {
		say("process %s: restored by an earlier resume (no images at %s)", p->name, dir);
		return 0;
	}
	snprintf(pidfile, sizeof(pidfile), "%s/restored.pid", dir);
	r = kl_run(argv, NULL, KL_LIVE_LOG, u->timeout, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "process %s: criu restore (its log: %s/restore.log; images kept)",
				      p->name, dir);
	say("process %s restored (pid %" PRIu32 ")", p->name, p->pid);
	mark("process %s restored", p->name);
	kl_remove_tree(dir);
	return 0;
}

/* argv of the manifest, then -incoming defer. */
static int vm_argv(const struct kl_upd_vm *vm, const char **argv, size_t max)
{
	size_t n = 0, at;

	for (at = 0; at < vm->args_len && n + 3 < max; at += strlen(vm->args + at) + 1)
		argv[n++] = vm->args + at;
	if (n + 3 > max)
		return -E2BIG;
	argv[n++] = "-incoming";
	argv[n++] = "defer";
	argv[n] = NULL;
	return 0;
}

static int resume_vm(struct kl_upd *u, const struct kl_upd_vm *vm, struct kl_err *err)
{
	static const char *argv[KL_UPD_ARGC_MAX + 3];
	char file[KL_UPD_PATH_MAX], quoted[4 * KL_UPD_PATH_MAX + 3], uri[4 * KL_UPD_PATH_MAX + 16];
	char log[KL_UPD_PATH_MAX + 64];
	struct kl_qmp q = { .fd = -1 };
	json_object *ret = NULL;
	const char *status;
	struct stat st;
	pid_t pid;
	int r;

	if (kl_upd_vm_state(u, vm, file, sizeof(file)) < 0 || kl_shell_quote(file, quoted, sizeof(quoted)) < 0)
		return kl_fail(err, -ENAMETOOLONG, "VM %s: its state file's path is too long", vm->name);
	if (stat(file, &st) < 0 && errno == ENOENT) { /* as for a process */
		say("VM %s: resumed by an earlier resume (no saved state at %s)", vm->name, file);
		return 0;
	}
	if (vm_argv(vm, argv, KL_ARRAY_SIZE(argv)) < 0)
		return kl_fail(err, -E2BIG, "VM %s: its command line is too long", vm->name);
	snprintf(log, sizeof(log), "%s/vm-%s.log", KL_LIVE_RUN_DIR, vm->name);
	r = kl_spawn(argv, vm->cwd, log, &pid, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "VM %s: starting QEMU", vm->name);
	r = kl_qmp_open_wait(vm->qmp, u->timeout * 1000u, &q, err);
	if (r == 0)
		r = kl_live_ignore_shared(&q, vm->name, err);
	snprintf(uri, sizeof(uri), "exec:cat %s", quoted);
	if (r == 0)
		r = kl_live_qmp_uri(&q, "migrate-incoming", uri, err);
	if (r == 0)
		r = kl_live_migration_wait(&q, vm->name, u->timeout, err);
	if (r == 0)
		r = kl_qmp_run(&q, "query-status", NULL, &ret, err);
	status = r == 0 ? kl_qmp_str(ret, "status") : NULL;
	if (r == 0 && status && !strcmp(status, "paused"))
		r = kl_qmp_run(&q, "cont", NULL, NULL, err);
	json_object_put(ret);
	if (r < 0) {
		/* the QEMU that could not take the state goes; the state stays */
		if (q.fd >= 0)
			kl_qmp_run(&q, "quit", NULL, NULL, NULL);
		kill(pid, SIGKILL);
		kl_qmp_close(&q);
		return kl_fail_prefix(err, r, "VM %s (QEMU's output: %s; its state kept at %s)", vm->name, log, file);
	}
	kl_qmp_close(&q);
	mark("VM %s resumed", vm->name);
	say("VM %s resumed (QEMU pid %d)", vm->name, (int)pid);
	unlink(file);
	return 0;
}

/* The jump as the purgatory stamped it (purgatory/timeline.h): "exec",
 * its start, and "kernel", its jump into this kernel, on the same TSC as
 * the old kernel's stamps.  None when this kernel was not started through
 * our purgatory's timeline; a damaged record is said and left out. */
static void jump_stamps(struct kl_upd *u)
{
	struct kl_err err = { { 0 } };
	struct kl_timeline t = { 0 };
	char *data = NULL;
	size_t len = 0;
	int r = kl_setup_data_read("", KL_TL_SETUP_TYPE, 4096, &data, &len, &err);

	if (r == 0)
		r = kl_timeline_decode(data, len, &t, &err);
	free(data);
	if (r == -ENOENT)
		return;
	if (r < 0) {
		say("the jump's timeline is not used: %s", err.msg);
		return;
	}
	if (t.stamped & (1u << KL_TL_PURG_START))
		kl_upd_stamp(u, "exec", t.stamp[KL_TL_PURG_START]);
	if (t.stamped & (1u << KL_TL_PURG_JUMP))
		kl_upd_stamp(u, "kernel", t.stamp[KL_TL_PURG_JUMP]);
	kl_upd_stamps_sort(u);
}

/* Retrying: what the last try restored has no images left; the rest is
 * tried again. */
static void how_to_retry(void)
{
	say("every image not restored is kept; after fixing the cause, try again with: kexec-live resume --manifest %s",
	    KL_LIVE_MANIFEST);
}

static int resume(struct kl_upd *u, const struct kl_live_opts *o)
{
	_cleanup_free_ char *text = NULL;
	struct kl_err err = { { 0 } };
	struct kl_ho_entry region;
	bool has_region = false;
	size_t len = 0, i, failed = 0;
	char dir[KL_UPD_PATH_MAX];
	uint64_t t0 = kl_rdtsc();
	int r;

	r = manifest_text(o, &text, &len, &region, &has_region, &err);
	if (r == -ENOENT && !o->manifest) {
		say("%s", err.msg);
		return o->if_handed_over ? KL_LIVE_EXIT_OK : KL_LIVE_EXIT_NOTHING;
	}
	if (r < 0) {
		say("%s", err.msg);
		return o->manifest ? KL_LIVE_EXIT_USAGE : KL_LIVE_EXIT_FAILED;
	}
	r = kl_upd_parse(o->manifest ? o->manifest : KL_UPD_BLOB_NAME, KL_UPD_MANIFEST, text, len, u, &err);
	if (r < 0) {
		say("%s", err.msg);
		return o->manifest ? KL_LIVE_EXIT_USAGE : KL_LIVE_EXIT_FAILED;
	}
	kl_upd_stamp(u, "resume", t0);
	jump_stamps(u);
	if (mkdir(KL_LIVE_RUN_DIR, 0700) < 0 && errno != EEXIST) {
		say("%s: %s", KL_LIVE_RUN_DIR, strerror(errno));
		return KL_LIVE_EXIT_FAILED;
	}
	/* keep the manifest where a retry finds it */
	if (!o->manifest) {
		FILE *f = fopen(KL_LIVE_MANIFEST, "we");

		if (f) {
			fwrite(text, 1, len, f);
			fclose(f);
		}
	}
	if (has_region)
		r = check_region(&region, &err);
	else if (o->manifest)
		say("warning: no handoff table lists the range; its digest is not checked");
	else
		r = kl_fail(&err, -ENOENT, "the handoff table does not list the range %s", KL_UPD_REGION_NAME);
	if (r == 0)
		r = kl_dax_mount(u, &err);
	if (r == -EBADMSG) { /* trying again cannot make those bytes right */
		say("%s; every image is left as it is", err.msg);
		return KL_LIVE_EXIT_FAILED;
	}
	if (r < 0) {
		say("%s", err.msg);
		how_to_retry();
		return KL_LIVE_EXIT_FAILED;
	}
	stamp(u, "mounted");
	mark("%s", "DAX file system mounted");
	for (i = 0; i < u->n_procs; i++) {
		memset(&err, 0, sizeof(err));
		if (restore_proc(u, &u->procs[i], &err) < 0) {
			say("%s", err.msg);
			failed++;
		}
	}
	stamp(u, "restored");
	for (i = 0; i < u->n_vms; i++) {
		memset(&err, 0, sizeof(err));
		if (resume_vm(u, &u->vms[i], &err) < 0) {
			say("%s", err.msg);
			failed++;
		}
	}
	stamp(u, "resumed");
	memset(&err, 0, sizeof(err));
	if (kl_hooks(u->hooks, "resume", u->timeout, &err) < 0) {
		say("%s", err.msg);
		failed++;
	}
	kl_live_report(u, failed == 0, stdout);
	if (failed) {
		say("%zu step(s) failed", failed);
		how_to_retry();
		return KL_LIVE_EXIT_FAILED;
	}
	if (kl_upd_state_dir(u, dir, sizeof(dir)) == 0)
		rmdir(dir); /* left in place when anything else is in it */
	return KL_LIVE_EXIT_OK;
}

int kl_live_resume(const struct kl_live_opts *o)
{
	struct kl_upd *u = calloc(1, sizeof(*u));
	int r;

	if (!u) {
		say("out of memory");
		return KL_LIVE_EXIT_FAILED;
	}
	r = resume(u, o);
	free(u);
	return r;
}
