/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The syscall seam.  Everything that could replace the running kernel or
 * cut the machine off (kexec_load, kexec_file_load, reboot, taking network
 * interfaces down, running shutdown) goes through one table.  The real
 * `kexec` links sys-linux.c; the test build links sys-fake.c, which records
 * the calls in a log and never touches the host kernel.
 */
#ifndef KL_SYS_H
#define KL_SYS_H

#include <stddef.h>
#include <stdint.h>

struct kl_kexec_segment { /* struct kexec_segment, <linux/kexec.h> */
	const void *buf;
	size_t bufsz;
	const void *mem; /* physical address */
	size_t memsz;
};

struct kl_sys {
	const char *name;
	const char *root; /* prefix for /proc and /sys reads ("" for real) */
	/* Each returns 0 or a negative errno. */
	int (*kexec_load)(uint64_t entry, unsigned long nr, const struct kl_kexec_segment *segs,
			  unsigned long flags);
	int (*kexec_file_load)(int kernel_fd, int initrd_fd, unsigned long cmdline_len,
			       const char *cmdline, unsigned long flags);
	int (*reboot_kexec)(void);
	int (*ifdown)(void);
	void (*sync)(void);
	int (*shutdown)(void); /* run `shutdown -r now` */
	int (*getrandom)(void *buf, size_t len);
	/* The TSC-to-clock conversion, ZERO:MULT:SHIFT, to time this
	 * kernel's update with instead of the perf page's: the fake seam's
	 * (KL_FAKE_TSC_CLOCK), so that tests get the same numbers on any
	 * machine; NULL in the real one. */
	const char *tsc_clock;
};

/* Provided by exactly one of sys-linux.c and sys-fake.c. */
const struct kl_sys *kl_sys_get(void);

#endif
