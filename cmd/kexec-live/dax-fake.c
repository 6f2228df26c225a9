/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The DAX file system of tests/kexec-live-fake (dax.h): u->dax is a plain
 * directory standing for a file system on the device and range that
 * KL_FAKE_DAX=DEVICE:START+SIZE names.  Freezing, thawing and mounting
 * are appended to KL_FAKE_LOG, a line each, and succeed; KL_FAKE_DAX
 * unset is a directory with no file system mounted, as on a machine
 * without persistent memory. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/kexec-live/dax.h"
#include "lib/base/number.h"

static void note(const char *what, const char *dir)
{
	const char *path = getenv("KL_FAKE_LOG");
	FILE *f = path ? fopen(path, "ae") : NULL;

	if (f) {
		fprintf(f, "%s %s\n", what, dir);
		fclose(f);
	}
}

/* DEVICE:START+SIZE */
static int fake(char dev[KL_UPD_PATH_MAX], uint64_t *start, uint64_t *size)
{
	const char *v = getenv("KL_FAKE_DAX"), *colon, *plus;
	char num[32];

	if (!v || !(colon = strchr(v, ':')) || !(plus = strchr(colon, '+')) || (size_t)(colon - v) >= KL_UPD_PATH_MAX ||
	    (size_t)(plus - colon - 1) >= sizeof(num))
		return -ENOENT;
	memcpy(dev, v, (size_t)(colon - v));
	dev[colon - v] = '\0';
	memcpy(num, colon + 1, (size_t)(plus - colon - 1));
	num[plus - colon - 1] = '\0';
	if (kl_parse_u64(num, 0, start) < 0 || kl_parse_u64(plus + 1, 0, size) < 0)
		return -EINVAL;
	return 0;
}

int kl_dax_find(struct kl_upd *u, struct kl_err *err)
{
	if (fake(u->device, &u->range_start, &u->range_size) < 0)
		return kl_fail(err, -ENOENT, "%s: no file system is mounted there", u->dax);
	snprintf(u->fstype, sizeof(u->fstype), "ext4");
	snprintf(u->options, sizeof(u->options), "rw,relatime,dax=always");
	return 0;
}

int kl_dax_freeze(const char *dir, struct kl_err *err)
{
	(void)err;
	note("FIFREEZE", dir);
	return 0;
}

int kl_dax_thaw(const char *dir, struct kl_err *err)
{
	(void)err;
	note("FITHAW", dir);
	return 0;
}

int kl_dax_mount(const struct kl_upd *u, struct kl_err *err)
{
	char dev[KL_UPD_PATH_MAX];
	uint64_t start, size;

	if (fake(dev, &start, &size) < 0 || start != u->range_start || size != u->range_size)
		return kl_fail(err, -ENODEV, "no pmem device holds [0x%" PRIx64 ", 0x%" PRIx64 ")", u->range_start,
			       u->range_start + u->range_size);
	note("mount", u->dax);
	return 0;
}
