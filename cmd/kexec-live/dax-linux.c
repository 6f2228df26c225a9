/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The DAX file system on this machine (dax.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cmd/kexec-live/dax.h"
#include "cmd/kexec-live/run.h"
#include "lib/base/util.h"

int kl_dax_find(struct kl_upd *u, struct kl_err *err)
{
	char opts[KL_UPD_LINE_MAX + 2];
	int r = kl_mount_find(u->dax, u->device, u->fstype, u->options, err);

	if (r < 0)
		return r;
	/* ext4 says dax (or dax=always), xfs dax=always */
	snprintf(opts, sizeof(opts), ",%s,", u->options);
	if (!strstr(opts, ",dax,") && !strstr(opts, ",dax=always,"))
		return kl_fail(err, -EINVAL,
			       "%s (%s on %s) is not mounted with dax: the VMs' RAM would live in the page cache, not in the range kept",
			       u->dax, u->fstype, u->device);
	return kl_pmem_range(u->device, &u->range_start, &u->range_size, err);
}

/* FIFREEZE: the journal and the data on the media, every write blocked
 * until the jump (or FITHAW on undo).  It stays mounted: the stopped
 * QEMUs still map their RAM files. */
static int fs_ioctl(const char *dir, bool freeze, struct kl_err *err)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return kl_fail(err, -errno, "%s: %s", dir, strerror(errno));
	if (freeze && syncfs(fd) < 0)
		return kl_fail(err, -errno, "%s: syncfs: %s", dir, strerror(errno));
	if (ioctl(fd, freeze ? FIFREEZE : FITHAW, 0) < 0)
		return kl_fail(err, -errno, "%s: %s: %s", dir, freeze ? "FIFREEZE" : "FITHAW", strerror(errno));
	return 0;
}

int kl_dax_freeze(const char *dir, struct kl_err *err)
{
	return fs_ioctl(dir, true, err);
}

int kl_dax_thaw(const char *dir, struct kl_err *err)
{
	return fs_ioctl(dir, false, err);
}

int kl_dax_mount(const struct kl_upd *u, struct kl_err *err)
{
	char dev[KL_UPD_PATH_MAX], mdev[KL_UPD_PATH_MAX], fstype[KL_UPD_NAME_MAX + 1], opts[KL_UPD_LINE_MAX];
	const char *argv[] = { "mount", "-t", u->fstype, "-o", u->options, dev, u->dax, NULL };
	struct timespec t0, t;
	int r;

	/* the nd_e820 and nd_pmem drivers bring the device up from the range
	 * the old kernel marked as persistent memory: wait for it */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		struct kl_err e = { { 0 } };

		r = kl_pmem_find(u->range_start, u->range_size, dev, &e);
		if (r == 0)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= (time_t)u->timeout)
			return kl_fail(err, r, "%s (waited %u s)", e.msg, u->timeout);
		usleep(50000);
	}
	if (kl_mount_find(u->dax, mdev, fstype, opts, NULL) == 0) {
		if (strcmp(mdev, dev) != 0)
			return kl_fail(err, -EBUSY, "%s is mounted from %s, not from %s, which holds the preserved range",
				       u->dax, mdev, dev);
		return 0; /* already mounted (by fstab, say) */
	}
	if (mkdir(u->dax, 0755) < 0 && errno != EEXIST)
		return kl_fail(err, -errno, "%s: %s", u->dax, strerror(errno));
	r = kl_run(argv, NULL, NULL, u->timeout, err);
	return r < 0 ? kl_fail_prefix(err, r, "mounting %s at %s", dev, u->dax) : 0;
}
