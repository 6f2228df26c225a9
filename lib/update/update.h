/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A live update's configuration and its manifest: one syntax for both, no
 * I/O (kexec-live(8), "CONFIGURATION").
 *
 *     # /etc/kexec-live/update.conf
 *     [update]
 *     kernel = /boot/vmlinuz-7.2.13+deb14-cloud-amd64
 *     initrd = /boot/initrd.img-7.2.13+deb14-cloud-amd64
 *     append = root=/dev/vda1 console=ttyS0
 *     dax = /srv/pmem
 *     [vm web]
 *     qmp = /run/web.qmp
 *     [process counter]
 *     pidfile = /run/counter.pid
 *
 * "[update]", "[vm NAME]" and "[process NAME]" open sections; "key = value"
 * lines fill them; '#' starts a comment line.  The manifest is the same
 * file written back by kexec-live update with what the freeze found (the
 * DAX file system's device and range, each VM's command line, each
 * process's pid, the phases' TSC stamps): the new kernel reads it from the
 * handoff table and needs nothing else.  Keys that only the manifest holds
 * are refused in a configuration.
 */
#ifndef KL_UPDATE_H
#define KL_UPDATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/base/err.h"

#define KL_UPD_CONF_PATH "/etc/kexec-live/update.conf"
/* the manifest's name in the handoff table (a blob), and the preserved
 * range's: kexec keeps names starting with "kexec-live." for its own */
#define KL_UPD_BLOB_NAME "live-update.manifest"
#define KL_UPD_REGION_NAME "live-update.dax"
#define KL_UPD_TEXT_MAX (1u << 20)
#define KL_UPD_LINE_MAX 4096
#define KL_UPD_PATH_MAX 1024
#define KL_UPD_NAME_MAX 32
#define KL_UPD_VMS_MAX 8
#define KL_UPD_PROCS_MAX 8
#define KL_UPD_ARGS_MAX 16384 /* a VM's command line, NUL-separated */
#define KL_UPD_ARGC_MAX 512
#define KL_UPD_STAMPS_MAX 32
#define KL_UPD_STAMP_NAME_MAX 32
#define KL_UPD_TIMEOUT_DEFAULT 60
#define KL_UPD_STATE_DEFAULT "kexec-live"

enum kl_upd_mode {
	KL_UPD_CONFIG,   /* written by the user */
	KL_UPD_MANIFEST, /* written by kexec-live update, read in the new kernel */
};

struct kl_upd_vm {
	char name[KL_UPD_NAME_MAX + 1];
	char qmp[KL_UPD_PATH_MAX];     /* the QMP socket */
	/* manifest: how QEMU was started, to start it again with -incoming */
	char cwd[KL_UPD_PATH_MAX];
	char args[KL_UPD_ARGS_MAX];    /* argv, each followed by a NUL */
	size_t args_len;
	unsigned int argc;
};

struct kl_upd_proc {
	char name[KL_UPD_NAME_MAX + 1];
	char pidfile[KL_UPD_PATH_MAX]; /* one of pidfile and pid */
	uint32_t pid;                  /* manifest: the tree's root that was dumped */
};

/* A phase's start, as the TSC counted it (it keeps counting across the
 * jump, so the new kernel can tell the whole blackout). */
struct kl_upd_stamp {
	char name[KL_UPD_STAMP_NAME_MAX + 1];
	uint64_t tsc;
};

struct kl_upd {
	const char *path; /* for messages; not owned */
	char kernel[KL_UPD_PATH_MAX];
	char initrd[KL_UPD_PATH_MAX];  /* "": none */
	char append[KL_UPD_LINE_MAX];  /* "": the running kernel's command line */
	bool append_given;
	char dax[KL_UPD_PATH_MAX];     /* the DAX file system's mount point */
	char state[KL_UPD_NAME_MAX + 1]; /* a directory in it for the images */
	char hooks[KL_UPD_PATH_MAX];   /* "": no hooks */
	char criu[KL_UPD_PATH_MAX];
	char kexec[KL_UPD_PATH_MAX];
	unsigned int timeout;          /* seconds, for each step */
	/* manifest: the DAX file system as it was mounted, and where it is */
	char device[KL_UPD_PATH_MAX];
	char fstype[KL_UPD_NAME_MAX + 1];
	char options[KL_UPD_LINE_MAX];
	uint64_t range_start, range_size;
	char release[KL_UPD_LINE_MAX]; /* the old kernel's uname -r */
	uint64_t tsc_hz;               /* the old kernel's measure of the TSC */
	struct kl_upd_stamp stamps[KL_UPD_STAMPS_MAX];
	size_t n_stamps;
	struct kl_upd_vm vms[KL_UPD_VMS_MAX];
	size_t n_vms;
	struct kl_upd_proc procs[KL_UPD_PROCS_MAX];
	size_t n_procs;
};

/* Parse len bytes of text (no NUL needed) into *ret, which the caller
 * allocates (it is large).  path names the file in the one-line reason
 * ("PATH:LINE: ...").  Defaults are filled in; required keys are checked. */
int kl_upd_parse(const char *path, enum kl_upd_mode mode, const char *text, size_t len, struct kl_upd *ret,
		 struct kl_err *err);

/* Write u as a manifest that kl_upd_parse(KL_UPD_MANIFEST) reads back to
 * the same struct.  -EINVAL when a value cannot be written (a newline). */
int kl_upd_write(const struct kl_upd *u, FILE *f);

/* Add a VM's command line (argc words at args, each NUL-terminated, as
 * /proc/PID/cmdline has them).  -E2BIG past the limits. */
int kl_upd_vm_set_args(struct kl_upd_vm *vm, const char *args, size_t len, struct kl_err *err);

/* Drop every "-incoming X" (and "--incoming X", "-incoming=X") from a
 * VM's command line: a QEMU that an earlier resume started has one, and
 * resume adds its own. */
void kl_upd_vm_drop_incoming(struct kl_upd_vm *vm);

/* Record a stamp; -ENOSPC when the table is full. */
int kl_upd_stamp(struct kl_upd *u, const char *name, uint64_t tsc);

/* The stamps in TSC order (stamps of one TSC keep their order): stamps
 * that another clock took (the purgatory's) go in among the update's. */
void kl_upd_stamps_sort(struct kl_upd *u);

/* Where the images go: DAX/STATE, DAX/STATE/vm-NAME.state and
 * DAX/STATE/process-NAME.  -ENAMETOOLONG past KL_UPD_PATH_MAX. */
int kl_upd_state_dir(const struct kl_upd *u, char *buf, size_t size);
int kl_upd_vm_state(const struct kl_upd *u, const struct kl_upd_vm *vm, char *buf, size_t size);
int kl_upd_proc_images(const struct kl_upd *u, const struct kl_upd_proc *p, char *buf, size_t size);

/* The plan, as --dry-run prints it: each phase and its steps, with what
 * prepare found where it has run (a range of 0 is "found at prepare"). */
void kl_upd_plan_print(const struct kl_upd *u, FILE *f);

#endif
