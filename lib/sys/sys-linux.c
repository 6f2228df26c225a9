/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The real system calls.  Only the installed `kexec` links this file. */
#include <errno.h>
#include <net/if.h>
#include <linux/reboot.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "lib/sys/sys.h"

static int linux_kexec_load(uint64_t entry, unsigned long nr, const struct kl_kexec_segment *segs,
			    unsigned long flags)
{
	return syscall(SYS_kexec_load, (unsigned long)entry, nr, segs, flags) == 0 ? 0 : -errno;
}

static int linux_kexec_file_load(int kernel_fd, int initrd_fd, unsigned long cmdline_len,
				 const char *cmdline, unsigned long flags)
{
#ifdef SYS_kexec_file_load
	return syscall(SYS_kexec_file_load, kernel_fd, initrd_fd, cmdline_len, cmdline, flags) == 0
		       ? 0
		       : -errno;
#else
	return -ENOSYS;
#endif
}

static int linux_reboot_kexec(void)
{
	return syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, LINUX_REBOOT_MAGIC2, LINUX_REBOOT_CMD_KEXEC,
		       NULL) == 0
		       ? 0
		       : -errno;
}

/* Take every interface but loopback down, so that no device keeps doing
 * DMA into memory the new kernel is about to own. */
static int linux_ifdown(void)
{
	struct if_nameindex *ifs, *i;
	int s, r = 0;

	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (s < 0)
		return -errno;
	ifs = if_nameindex();
	if (!ifs) {
		r = -errno;
		close(s);
		return r;
	}
	for (i = ifs; i->if_index; i++) {
		struct ifreq ifr = { 0 };

		if (!strcmp(i->if_name, "lo"))
			continue;
		snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", i->if_name);
		if (ioctl(s, SIOCGIFFLAGS, &ifr) < 0)
			continue;
		if (!(ifr.ifr_flags & IFF_UP))
			continue;
		ifr.ifr_flags &= ~IFF_UP;
		if (ioctl(s, SIOCSIFFLAGS, &ifr) < 0)
			r = -errno;
	}
	if_freenameindex(ifs);
	close(s);
	return r;
}

static void linux_sync(void)
{
	sync();
}

static int linux_shutdown(void)
{
	execlp("shutdown", "shutdown", "-r", "now", (char *)NULL);
	return -errno;
}

static int linux_getrandom(void *buf, size_t len)
{
	ssize_t n = getrandom(buf, len, 0);

	return n == (ssize_t)len ? 0 : -EIO;
}

static const struct kl_sys kl_sys_linux = {
	.name = "linux",
	.root = "",
	.kexec_load = linux_kexec_load,
	.kexec_file_load = linux_kexec_file_load,
	.reboot_kexec = linux_reboot_kexec,
	.ifdown = linux_ifdown,
	.sync = linux_sync,
	.shutdown = linux_shutdown,
	.getrandom = linux_getrandom,
};

const struct kl_sys *kl_sys_get(void)
{
	return &kl_sys_linux;
}
