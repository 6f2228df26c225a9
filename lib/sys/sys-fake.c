/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The test seam: records every would-be system call in $KL_FAKE_LOG and
 * never issues one.  Linked only into tests/kexec-fake.
 *
 *   KL_SYSROOT          prefix for /proc and /sys reads (a fixture tree)
 *   KL_FAKE_LOG         file the calls are appended to
 *   KL_FAKE_FILE_ERRNO  make kexec_file_load fail, e.g. ENOSYS or 22
 *   KL_FAKE_LOAD_ERRNO  make kexec_load fail
 *   KL_FAKE_SEGMENTS    directory: kexec_load writes segment N's bytes to
 *                       DIR/segment-N, to be read as the next kernel would
 *   KL_FAKE_TSC_CLOCK   ZERO:MULT:SHIFT, the TSC conversion kexec times this
 *                       kernel's update with (see sys.h)
 *
 * A successful (un)load writes 1 or 0 to KL_SYSROOT/sys/kernel/
 * kexec_loaded (kexec_crash_loaded for crash loads), as the kernel would.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/sys/sys.h"

static void logf_(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void logf_(const char *fmt, ...)
{
	const char *path = getenv("KL_FAKE_LOG");
	va_list ap;
	FILE *f;

	if (!path)
		return;
	f = fopen(path, "a");
	if (!f)
		return;
	va_start(ap, fmt);
	vfprintf(f, fmt, ap);
	va_end(ap);
	fclose(f);
}

static int env_errno(const char *var)
{
	static const struct {
		const char *name;
		int v;
	} names[] = {
		{ "ENOSYS", ENOSYS }, { "EINVAL", EINVAL }, { "ENOEXEC", ENOEXEC },
		{ "ENOTSUP", ENOTSUP }, { "EPERM", EPERM }, { "EBUSY", EBUSY },
		{ "ENOMEM", ENOMEM }, { "EKEYREJECTED", EKEYREJECTED },
	};
	const char *s = getenv(var);
	size_t i;

	if (!s || !*s)
		return 0;
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(s, names[i].name))
			return names[i].v;
	return (int)strtol(s, NULL, 10);
}

static void set_loaded(unsigned long crash, int v)
{
	const char *root = getenv("KL_SYSROOT");
	char path[4096];
	FILE *f;

	if (!root)
		return;
	snprintf(path, sizeof(path), "%s/sys/kernel/%s", root, crash ? "kexec_crash_loaded" : "kexec_loaded");
	f = fopen(path, "w");
	if (!f)
		return;
	fprintf(f, "%d\n", v);
	fclose(f);
}

/* KL_FAKE_SEGMENTS: each segment's bytes in a file of its own. */
static void dump_segments(unsigned long nr, const struct kl_kexec_segment *segs)
{
	const char *dir = getenv("KL_FAKE_SEGMENTS");
	char path[4096];
	unsigned long i;

	for (i = 0; dir && i < nr; i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/segment-%lu", dir, i);
		f = fopen(path, "wb");
		if (!f)
			continue;
		if (segs[i].bufsz && fwrite(segs[i].buf, 1, segs[i].bufsz, f) != segs[i].bufsz)
			logf_("cannot write %s\n", path);
		fclose(f);
	}
}

static int fake_kexec_load(uint64_t entry, unsigned long nr, const struct kl_kexec_segment *segs,
			   unsigned long flags)
{
	int e = env_errno("KL_FAKE_LOAD_ERRNO");
	unsigned long i;

	logf_("kexec_load entry=0x%llx nr_segments=%lu flags=0x%lx%s\n", (unsigned long long)entry, nr,
	      flags, e ? " -> fail" : "");
	for (i = 0; i < nr; i++)
		logf_("  segment bufsz=0x%zx mem=0x%llx memsz=0x%zx\n", segs[i].bufsz,
		      (unsigned long long)(uintptr_t)segs[i].mem, segs[i].memsz);
	if (e)
		return -e;
	dump_segments(nr, segs);
	/* What the kernel checks first (kernel/kexec_core.c). */
	if (nr > 16)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		uintptr_t m = (uintptr_t)segs[i].mem;

		if ((m | segs[i].memsz) & 4095 || segs[i].bufsz > segs[i].memsz)
			return -EADDRNOTAVAIL;
		if (i && (uintptr_t)segs[i - 1].mem + segs[i - 1].memsz > m)
			return -EINVAL;
	}
	set_loaded(flags & 1, nr ? 1 : 0);
	return 0;
}

static int fake_kexec_file_load(int kernel_fd, int initrd_fd, unsigned long cmdline_len,
				const char *cmdline, unsigned long flags)
{
	int e = env_errno("KL_FAKE_FILE_ERRNO");

	logf_("kexec_file_load kernel_fd=%s initrd_fd=%s cmdline_len=%lu cmdline=\"%s\" flags=0x%lx%s\n",
	      kernel_fd >= 0 ? "yes" : "none", initrd_fd >= 0 ? "yes" : "none", cmdline_len,
	      cmdline ? cmdline : "", flags, e ? " -> fail" : "");
	if (e)
		return -e;
	set_loaded(flags & 2, (flags & 1) ? 0 : 1);
	return 0;
}

static int fake_reboot_kexec(void)
{
	logf_("reboot LINUX_REBOOT_CMD_KEXEC\n");
	return 0;
}

static int fake_ifdown(void)
{
	logf_("ifdown\n");
	return 0;
}

static void fake_sync(void)
{
	logf_("sync\n");
}

static int fake_shutdown(void)
{
	logf_("shutdown -r now\n");
	return 0;
}

static int fake_getrandom(void *buf, size_t len)
{
	memset(buf, 0x5a, len); /* deterministic, for golden plans */
	return 0;
}

static struct kl_sys kl_sys_fake = {
	.name = "fake",
	.kexec_load = fake_kexec_load,
	.kexec_file_load = fake_kexec_file_load,
	.reboot_kexec = fake_reboot_kexec,
	.ifdown = fake_ifdown,
	.sync = fake_sync,
	.shutdown = fake_shutdown,
	.getrandom = fake_getrandom,
};

const struct kl_sys *kl_sys_get(void)
{
	const char *root = getenv("KL_SYSROOT");

	kl_sys_fake.root = root ? root : "";
	kl_sys_fake.tsc_clock = getenv("KL_FAKE_TSC_CLOCK");
	return &kl_sys_fake;
}
