/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * vmcore-dmesg: print the kernel log of a crashed kernel from its ELF
 * vmcore (/proc/vmcore in the crash kernel, or a copy), byte for byte as
 * kexec-tools' vmcore-dmesg prints it.  The reading is lib/format/vmcore.c;
 * this is the file, standard output and the exit code.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/log.h"
#include "lib/base/util.h"
#include "lib/format/vmcore.h"
#include "lib/sys/fileio.h"

static int fd_pread(void *ctx, void *buf, size_t len, uint64_t off)
{
	int fd = *(int *)ctx;
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (char *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA; /* the file ends before what its headers describe */
		done += (size_t)n;
	}
	return 0;
}

static int out_write(void *ctx, const void *buf, size_t len)
{
	size_t done = 0;

	(void)ctx;
	while (done < len) {
		ssize_t n = write(STDOUT_FILENO, (const char *)buf + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		done += (size_t)n;
	}
	return 0;
}

static void usage(FILE *f)
{
	fputs("Usage: vmcore-dmesg [OPTION] VMCORE\n"
	      "Print the kernel log of the crashed kernel whose memory VMCORE holds (an ELF\n"
	      "core file: /proc/vmcore in the crash kernel, or a copy saved in ELF format),\n"
	      "as kexec-tools' vmcore-dmesg prints it.\n"
	      "\n"
	      "  -h, --help     this help\n"
	      "  -v, --version  the version\n"
	      "\n"
	      "Exit status: 0 success; 1 usage error, or a file that is not such a vmcore.\n",
	      f);
}

int main(int argc, char **argv)
{
	struct kl_err err = { { 0 } };
	struct kl_vmcore_io io = { .pread = fd_pread, .write = out_write };
	_cleanup_close_ int fd = -1;
	int r;

	if (argc == 2 && (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help"))) {
		usage(stdout);
		return 0;
	}
	if (argc == 2 && (!strcmp(argv[1], "-v") || !strcmp(argv[1], "--version"))) {
		printf("vmcore-dmesg (kexec-live %s)\n", PACKAGE_VERSION);
		return 0;
	}
	if (argc != 2 || argv[1][0] == '-') {
		if (argc == 2)
			kl_msg("vmcore-dmesg", "unknown option '%s'", argv[1]);
		else
			kl_msg("vmcore-dmesg", "one vmcore file, please");
		fprintf(stderr, "Try 'vmcore-dmesg --help' for more information.\n");
		return 1;
	}
	if (kl_open_regular(argv[1], 0, &fd, NULL, &err) < 0) {
		kl_msg("vmcore-dmesg", "%s", err.msg);
		return 1;
	}
	io.ctx = &fd;
	r = kl_vmcore_dmesg(&io, NULL, &err);
	if (r < 0) {
		kl_msg("vmcore-dmesg", "%s: %s", argv[1], err.msg[0] ? err.msg : strerror(-r));
		return 1;
	}
	return 0;
}
