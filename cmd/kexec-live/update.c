/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec-live update, in the old kernel: prepare (check everything, stop
 * nothing), freeze (VMs stopped and their device state saved without RAM,
 * processes dumped by CRIU and left stopped), hand over (the manifest
 * written, the DAX file system frozen, the new kernel loaded with the
 * range preserved and the manifest as a handoff blob), exec.  Any failure
 * before the exec takes every step back in reverse: nothing stays loaded,
 * every VM and process runs again, the images this update wrote are
 * removed and nothing else is.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cmd/kexec-live/dax.h"
#include "cmd/kexec-live/live.h"
#include "lib/base/log.h"
#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/sys/fileio.h"
#include "lib/timeline/collect.h"

#define QMP_TIMEOUT_MS 5000

static void stamp(struct kl_live *l, const char *name)
{
	if (kl_upd_stamp(l->u, name, kl_rdtsc()) < 0)
		say("warning: no room for the stamp %s", name);
}

/* ---- prepare: nothing stops ------------------------------------------ */

static int check_file(const char *what, const char *path, int mode, struct kl_err *err)
{
	if (access(path, mode) < 0)
		return kl_fail(err, -errno, "%s %s: %s", what, path, strerror(errno));
	return 0;
}

/* The words of kexec -l: the kernel, its initrd, its command line. */
struct load_args {
	char initrd[KL_UPD_PATH_MAX + 16], append[KL_UPD_LINE_MAX + 16];
};

static size_t kexec_load_argv(const struct kl_upd *u, const char *first, const char **argv, struct load_args *a)
{
	size_t n = 0;

	argv[n++] = u->kexec;
	if (first)
		argv[n++] = first;
	argv[n++] = "-l";
	argv[n++] = u->kernel;
	if (u->initrd[0]) {
		snprintf(a->initrd, sizeof(a->initrd), "--initrd=%s", u->initrd);
		argv[n++] = a->initrd;
	}
	if (u->append_given) {
		snprintf(a->append, sizeof(a->append), "--append=%s", u->append);
		argv[n++] = a->append;
	} else {
		argv[n++] = "--reuse-cmdline";
	}
	return n;
}

/* kexec --dry-run: the kernel, initrd and command line load (no system
 * call is made). */
static int check_kernel(const struct kl_upd *u, struct kl_err *err)
{
	const char *argv[8];
	struct load_args a;
	size_t n;
	int r;

	r = check_file("kernel", u->kernel, R_OK, err);
	if (r == 0 && u->initrd[0])
		r = check_file("initrd", u->initrd, R_OK, err);
	if (r == 0)
		r = check_file("kexec", u->kexec, X_OK, err);
	if (r < 0)
		return r;
	n = kexec_load_argv(u, "--dry-run", argv, &a);
	argv[n] = NULL;
	r = kl_run(argv, NULL, KL_LIVE_LOG, u->timeout, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "the new kernel does not load (see %s)", KL_LIVE_LOG);
	return 0;
}

/* A word of the VM's command line that puts its RAM in a shared file on
 * the DAX file system, as x-ignore-shared needs. */
static bool ram_on_dax(const struct kl_upd *u, const struct kl_upd_vm *vm)
{
	size_t at, n = strlen(u->dax);

	for (at = 0; at < vm->args_len; at += strlen(vm->args + at) + 1) {
		const char *w = vm->args + at, *m = strstr(w, "mem-path=");

		if (m && strstr(w, "share=on") && !strncmp(m + 9, u->dax, n) && m[9 + n] == '/')
			return true;
	}
	return false;
}

static int check_vm(struct kl_live *l, size_t i, struct kl_err *err)
{
	struct kl_upd_vm *vm = &l->u->vms[i];
	struct kl_live_vm *s = &l->vm[i];
	json_object *ret = NULL;
	char path[64], *args = NULL;
	size_t len = 0;
	const char *status;
	ssize_t n;
	int r;

	r = kl_qmp_open(vm->qmp, QMP_TIMEOUT_MS, &s->qmp, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "VM %s", vm->name);
	r = kl_qmp_run(&s->qmp, "query-status", NULL, &ret, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "VM %s", vm->name);
	status = kl_qmp_str(ret, "status");
	s->was_running = status && !strcmp(status, "running");
	if (!s->was_running && !(status && !strcmp(status, "paused"))) {
		r = kl_fail(err, -EINVAL, "VM %s is %s, neither running nor paused", vm->name, status ?: "(no status)");
		json_object_put(ret);
		return r;
	}
	json_object_put(ret);
	/* how it was started: the same command line, plus -incoming, in the
	 * new kernel */
	r = kl_qmp_peer_pid(&s->qmp, &s->pid);
	if (r < 0)
		return kl_fail(err, r, "VM %s: the pid behind %s: %s", vm->name, vm->qmp, strerror(-r));
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)s->pid);
	r = kl_read_file("", path, KL_UPD_ARGS_MAX, &args, &len, err);
	if (r == 0)
		r = kl_upd_vm_set_args(vm, args, len, err);
	free(args);
	if (r < 0)
		return kl_fail_prefix(err, r, "VM %s", vm->name);
	kl_upd_vm_drop_incoming(vm); /* a QEMU an earlier resume started */
	snprintf(path, sizeof(path), "/proc/%d/cwd", (int)s->pid);
	n = readlink(path, vm->cwd, sizeof(vm->cwd) - 1);
	if (n <= 0)
		return kl_fail(err, -errno, "VM %s: %s: %s", vm->name, path, strerror(errno));
	vm->cwd[n] = '\0';
	if (!ram_on_dax(l->u, vm))
		return kl_fail(err, -EINVAL,
			       "VM %s: its RAM is not a shared file on %s (-object memory-backend-file,share=on,mem-path=%s/...)",
			       vm->name, l->u->dax, l->u->dax);
	return 0;
}

static int check_proc(struct kl_upd_proc *p, struct kl_err *err)
{
	if (p->pidfile[0]) {
		_cleanup_free_ char *text = NULL;
		size_t len = 0;
		uint64_t pid;
		int r = kl_read_file("", p->pidfile, 64, &text, &len, err);

		if (r < 0)
			return kl_fail_prefix(err, r, "process %s", p->name);
		text[strcspn(text, " \n")] = '\0';
		if (kl_parse_u64(text, 10, &pid) < 0 || pid == 0 || pid > 4194304)
			return kl_fail(err, -EINVAL, "process %s: %s does not hold a pid", p->name, p->pidfile);
		p->pid = (uint32_t)pid;
	}
	if (kill((pid_t)p->pid, 0) < 0)
		return kl_fail(err, -errno, "process %s: pid %" PRIu32 ": %s", p->name, p->pid, strerror(errno));
	return 0;
}

/* The images directory: made by this update, and empty.  Images an
 * earlier update left (not restored) are never overwritten. */
static int check_state_dir(struct kl_live *l, struct kl_err *err)
{
	char dir[KL_UPD_PATH_MAX];
	int r = kl_upd_state_dir(l->u, dir, sizeof(dir));

	if (r < 0)
		return kl_fail(err, r, "%s: the images' directory's path is too long", l->u->dax);
	if (l->o->dry_run)
		return 0;
	if (mkdir(dir, 0700) == 0) {
		l->made_state_dir = true;
		return 0;
	}
	if (errno != EEXIST)
		return kl_fail(err, -errno, "%s: %s", dir, strerror(errno));
	if (rmdir(dir) < 0)
		return kl_fail(err, -EEXIST,
			       "%s holds the images of an earlier update that were not restored: kexec-live resume --manifest them, or move them away",
			       dir);
	if (mkdir(dir, 0700) < 0)
		return kl_fail(err, -errno, "%s: %s", dir, strerror(errno));
	l->made_state_dir = true;
	return 0;
}

static int prepare(struct kl_live *l, struct kl_err *err)
{
	struct kl_upd *u = l->u;
	struct utsname un;
	size_t i;
	int r;

	r = check_kernel(u, err);
	if (r == 0)
		r = kl_dax_find(u, err);
	for (i = 0; r == 0 && i < u->n_vms; i++)
		r = check_vm(l, i, err);
	for (i = 0; r == 0 && i < u->n_procs; i++)
		r = check_proc(&u->procs[i], err);
	if (r == 0 && u->n_procs) {
		const char *argv[] = { u->criu, "check", NULL };

		r = kl_run(argv, NULL, KL_LIVE_LOG, u->timeout, err);
		if (r < 0)
			kl_fail_prefix(err, r, "CRIU cannot checkpoint here (see %s)", KL_LIVE_LOG);
	}
	if (r == 0 && u->hooks[0]) {
		struct stat st;

		if (stat(u->hooks, &st) < 0 || !S_ISDIR(st.st_mode))
			r = kl_fail(err, -ENOTDIR, "hooks %s: not a directory", u->hooks);
	}
	if (r == 0)
		r = kl_tsc_hz(&u->tsc_hz, err);
	if (r == 0 && uname(&un) == 0)
		snprintf(u->release, sizeof(u->release), "%s", un.release);
	if (r == 0)
		r = check_state_dir(l, err);
	return r;
}

/* ---- freeze: the blackout starts --------------------------------------- */

/* Wait for the outgoing (or incoming) migration to end. */
int kl_live_migration_wait(struct kl_qmp *q, const char *vm, unsigned int timeout_s, struct kl_err *err)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		json_object *ret = NULL;
		const char *st;
		int r = kl_qmp_run(q, "query-migrate", NULL, &ret, err);

		if (r < 0)
			return kl_fail_prefix(err, r, "VM %s", vm);
		st = kl_qmp_str(ret, "status");
		if (st && !strcmp(st, "completed")) {
			json_object_put(ret);
			return 0;
		}
		if (st && (!strcmp(st, "failed") || !strcmp(st, "cancelled"))) {
			r = kl_fail(err, -EIO, "VM %s: saving its state %s: %s", vm, st,
				    kl_qmp_str(ret, "error-desc") ?: "QEMU gave no reason");
			json_object_put(ret);
			return r;
		}
		json_object_put(ret);
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= (time_t)timeout_s)
			return kl_fail(err, -ETIMEDOUT, "VM %s: its state was not saved within %u s", vm, timeout_s);
		usleep(10000);
	}
}

/* x-ignore-shared: RAM in a shared backend file is not sent (the file
 * is the RAM, and the file survives); what remains is device state. */
int kl_live_ignore_shared(struct kl_qmp *q, const char *vm, struct kl_err *err)
{
	int r = kl_qmp_run(q, "migrate-set-capabilities",
			   "{\"capabilities\": [{\"capability\": \"x-ignore-shared\", \"state\": true}]}", NULL, err);

	return r < 0 ? kl_fail_prefix(err, r, "VM %s", vm) : 0;
}

/* A command whose one argument is {"uri": uri}, JSON-escaped. */
int kl_live_qmp_uri(struct kl_qmp *q, const char *command, const char *uri, struct kl_err *err)
{
	json_object *a = json_object_new_object();
	int r;

	if (!a || json_object_object_add(a, "uri", json_object_new_string(uri)) < 0) {
		json_object_put(a);
		return kl_fail(err, -ENOMEM, "out of memory");
	}
	r = kl_qmp_run(q, command, json_object_to_json_string_ext(a, JSON_C_TO_STRING_PLAIN), NULL, err);
	json_object_put(a);
	return r;
}

static int freeze_vm(struct kl_live *l, size_t i, struct kl_err *err)
{
	struct kl_upd_vm *vm = &l->u->vms[i];
	struct kl_live_vm *s = &l->vm[i];
	char file[KL_UPD_PATH_MAX], quoted[4 * KL_UPD_PATH_MAX + 3], uri[4 * KL_UPD_PATH_MAX + 16];
	int r;

	r = kl_qmp_run(&s->qmp, "stop", NULL, NULL, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "VM %s", vm->name);
	s->stopped = true;
	r = kl_live_ignore_shared(&s->qmp, vm->name, err);
	if (r < 0)
		return r;
	if (kl_upd_vm_state(l->u, vm, file, sizeof(file)) < 0 || kl_shell_quote(file, quoted, sizeof(quoted)) < 0)
		return kl_fail(err, -ENAMETOOLONG, "VM %s: its state file's path is too long", vm->name);
	snprintf(uri, sizeof(uri), "exec:cat > %s", quoted);
	s->saved = true; /* from here on the file may exist */
	r = kl_live_qmp_uri(&s->qmp, "migrate", uri, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "VM %s", vm->name);
	return kl_live_migration_wait(&s->qmp, vm->name, l->u->timeout, err);
}

static int freeze_proc(struct kl_live *l, size_t i, struct kl_err *err)
{
	struct kl_upd_proc *p = &l->u->procs[i];
	char dir[KL_UPD_PATH_MAX], pid[16];
	const char *argv[] = { l->u->criu, "dump", "--tree", pid, "--images-dir", dir, "--leave-stopped",
			       "--log-file", "dump.log", NULL };
	int r;

	if (kl_upd_proc_images(l->u, p, dir, sizeof(dir)) < 0)
		return kl_fail(err, -ENAMETOOLONG, "process %s: its images' path is too long", p->name);
	if (mkdir(dir, 0700) < 0)
		return kl_fail(err, -errno, "process %s: %s: %s", p->name, dir, strerror(errno));
	snprintf(pid, sizeof(pid), "%" PRIu32, p->pid);
	l->proc[i].dumped = true; /* stopped, or continued by CRIU itself on its failure */
	r = kl_run(argv, NULL, KL_LIVE_LOG, l->u->timeout, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "process %s: criu dump (its log: %s/process-%s.dump.log)", p->name,
				      KL_LIVE_RUN_DIR, p->name);
	return 0;
}

static int freeze(struct kl_live *l, struct kl_err *err)
{
	size_t i;
	int r;

	stamp(l, "freeze");
	r = kl_hooks(l->u->hooks, "freeze", l->u->timeout, err);
	for (i = 0; r == 0 && i < l->u->n_vms; i++)
		r = freeze_vm(l, i, err);
	for (i = 0; r == 0 && i < l->u->n_procs; i++)
		r = freeze_proc(l, i, err);
	if (r == 0)
		stamp(l, "frozen");
	return r;
}

/* ---- hand over --------------------------------------------------------- */

static int write_manifest(const struct kl_upd *u, struct kl_err *err)
{
	FILE *f;
	int r;

	if (mkdir(KL_LIVE_RUN_DIR, 0700) < 0 && errno != EEXIST)
		return kl_fail(err, -errno, "%s: %s", KL_LIVE_RUN_DIR, strerror(errno));
	f = fopen(KL_LIVE_MANIFEST, "we");
	if (!f)
		return kl_fail(err, -errno, "%s: %s", KL_LIVE_MANIFEST, strerror(errno));
	r = kl_upd_write(u, f);
	if (fclose(f) != 0 && r == 0)
		r = -errno;
	if (r < 0)
		return kl_fail(err, r, "%s: the manifest cannot be written (a value with a line break?)",
			       KL_LIVE_MANIFEST);
	return 0;
}

static int freeze_fs(struct kl_live *l, struct kl_err *err)
{
	int r = kl_dax_freeze(l->u->dax, err);

	if (r == 0)
		l->fs_frozen = true;
	return r;
}

static int load(struct kl_live *l, struct kl_err *err)
{
	const struct kl_upd *u = l->u;
	char preserve[128], blob[128];
	const char *argv[10];
	struct load_args a;
	size_t n;
	int r;

	n = kexec_load_argv(u, NULL, argv, &a);
	snprintf(preserve, sizeof(preserve), "--preserve=%s:0x%" PRIx64 "+0x%" PRIx64 ":pmem", KL_UPD_REGION_NAME,
		 u->range_start, u->range_size);
	snprintf(blob, sizeof(blob), "--handoff-file=%s=%s", KL_UPD_BLOB_NAME, KL_LIVE_MANIFEST);
	argv[n++] = preserve;
	argv[n++] = blob;
	argv[n] = NULL;
	l->loaded = true; /* a failed load may have unloaded the previous one: kexec -u either way */
	r = kl_run(argv, NULL, KL_LIVE_LOG, u->timeout, err);
	return r < 0 ? kl_fail_prefix(err, r, "kexec -l (see %s)", KL_LIVE_LOG) : 0;
}

static int hand_over(struct kl_live *l, struct kl_err *err)
{
	int r = write_manifest(l->u, err);

	if (r == 0)
		r = freeze_fs(l, err);
	if (r == 0)
		r = load(l, err);
	if (r == 0)
		r = kl_hooks(l->u->hooks, "exec", l->u->timeout, err);
	return r;
}

/* ---- undo: every step taken back, in reverse ----------------------------- */

/* SIGCONT to a process and every thread and child below it (CRIU's
 * --leave-stopped stops the whole tree). */
static void continue_tree(pid_t pid, int depth)
{
	char path[320], *buf = NULL;
	size_t len = 0;
	DIR *d;
	struct dirent *e;

	kill(pid, SIGCONT);
	if (depth > 64)
		return;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		char *s, *end;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/children", (int)pid, e->d_name);
		if (kl_read_file("", path, 1 << 16, &buf, &len, NULL) < 0)
			continue;
		for (s = buf; *s; s = end) {
			long child = strtol(s, &end, 10);

			if (end == s)
				break;
			if (child > 0)
				continue_tree((pid_t)child, depth + 1);
		}
		free(buf);
		buf = NULL;
	}
	closedir(d);
}

static void undo(struct kl_live *l)
{
	struct kl_upd *u = l->u;
	struct kl_err err = { { 0 } };
	char path[KL_UPD_PATH_MAX];
	size_t i;

	if (l->loaded) {
		const char *argv[] = { u->kexec, "-u", NULL };

		if (kl_run(argv, NULL, KL_LIVE_LOG, u->timeout, &err) < 0)
			say("undo: kexec -u: %s; unload by hand", err.msg);
		else
			say("undo: the new kernel is unloaded");
	}
	if (l->fs_frozen && kl_dax_thaw(u->dax, &err) < 0)
		say("undo: %s; thaw it with fsfreeze -u %s", err.msg, u->dax);
	for (i = 0; i < u->n_procs; i++) {
		if (!l->proc[i].dumped)
			continue;
		continue_tree((pid_t)u->procs[i].pid, 0);
		say("undo: process %s (pid %" PRIu32 ") continues", u->procs[i].name, u->procs[i].pid);
		if (kl_upd_proc_images(u, &u->procs[i], path, sizeof(path)) == 0) {
			char from[KL_UPD_PATH_MAX + 16], to[sizeof(KL_LIVE_RUN_DIR) + KL_UPD_NAME_MAX + 32];

			/* CRIU's log outlives the images, for the message that names it */
			snprintf(from, sizeof(from), "%s/dump.log", path);
			snprintf(to, sizeof(to), "%s/process-%s.dump.log", KL_LIVE_RUN_DIR, u->procs[i].name);
			rename(from, to);
			kl_remove_tree(path);
		}
	}
	for (i = 0; i < u->n_vms; i++) {
		struct kl_live_vm *s = &l->vm[i];

		if (s->saved && kl_upd_vm_state(u, &u->vms[i], path, sizeof(path)) == 0)
			unlink(path);
		if (!s->stopped)
			continue;
		memset(&err, 0, sizeof(err));
		/* a migration still running keeps the VM from running */
		kl_qmp_run(&s->qmp, "migrate_cancel", NULL, NULL, NULL);
		if (s->was_running && kl_qmp_run(&s->qmp, "cont", NULL, NULL, &err) < 0)
			say("undo: VM %s: %s; resume it with the QMP command cont", u->vms[i].name, err.msg);
		else
			say("undo: VM %s %s", u->vms[i].name, s->was_running ? "runs again" : "stays paused, as it was");
	}
	if (l->made_state_dir && kl_upd_state_dir(u, path, sizeof(path)) == 0)
		rmdir(path);
	memset(&err, 0, sizeof(err));
	if (kl_hooks(u->hooks, "undo", u->timeout, &err) < 0)
		say("undo: %s", err.msg);
}

int kl_live_update(struct kl_upd *u, const struct kl_live_opts *o)
{
	struct kl_live l = { .u = u, .o = o };
	struct kl_err err = { { 0 } };
	const char *phase = "prepare";
	char path[KL_UPD_PATH_MAX];
	size_t i;
	int r;

	if (mkdir(KL_LIVE_RUN_DIR, 0700) < 0 && errno != EEXIST) {
		say("%s: %s", KL_LIVE_RUN_DIR, strerror(errno));
		return KL_LIVE_EXIT_FAILED;
	}
	for (i = 0; i < KL_UPD_VMS_MAX; i++)
		l.vm[i].qmp.fd = -1;
	r = prepare(&l, &err);
	if (r == 0 && o->dry_run) {
		kl_upd_plan_print(u, stdout);
		goto out;
	}
	if (r == 0) {
		say("prepare: done; freezing %zu VM(s) and %zu process(es)", u->n_vms, u->n_procs);
		phase = "freeze";
		r = freeze(&l, &err);
	}
	if (r == 0) {
		phase = "hand over";
		r = hand_over(&l, &err);
	}
	if (r == 0) {
		stamp(&l, "loaded");
		kl_live_report(u, false, stdout);
		fflush(stdout);
		if (o->no_exec) {
			say("loaded; --no-exec: everything stays frozen until %s -e (to back out: %s -u, fsfreeze -u %s, QMP cont for each VM, SIGCONT for each process)",
			    u->kexec, u->kexec, u->dax);
			goto out;
		}
		phase = "exec";
		{
			const char *argv[] = { u->kexec, "-e", NULL };

			r = kl_run(argv, NULL, KL_LIVE_LOG, u->timeout, &err);
			if (r == 0) /* kexec -e returned 0 without jumping */
				r = kl_fail(&err, -EIO, "%s -e returned without starting the new kernel", u->kexec);
		}
	}
	if (r < 0) {
		say("%s failed: %s", phase, err.msg);
		if (strcmp(phase, "prepare") != 0) {
			undo(&l);
			say("the update was undone: every VM and process runs in this kernel, nothing is loaded");
		} else if (l.made_state_dir && kl_upd_state_dir(u, path, sizeof(path)) == 0) {
			rmdir(path); /* prepare stops nothing: its one trace */
		}
	}
out:
	for (i = 0; i < u->n_vms; i++)
		kl_qmp_close(&l.vm[i].qmp);
	return r < 0 ? KL_LIVE_EXIT_FAILED : KL_LIVE_EXIT_OK;
}
