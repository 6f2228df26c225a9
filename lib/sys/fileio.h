/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading files without being fooled by them.  Every file kexec-live reads
 * is opened here: with O_NONBLOCK, so that a FIFO (or a device) put where
 * a file was expected returns at once instead of hanging the update, then
 * fstat'ed, and refused unless it is a regular file.  Sizes are capped and
 * taken from the descriptor that is read, never from a second look-up of
 * the path.
 */
#ifndef KL_FILEIO_H
#define KL_FILEIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "lib/base/conf.h"
#include "lib/base/err.h"

enum {
	KL_OPEN_NOFOLLOW = 1 << 0, /* refuse a symlink as the last component */
};

/* Open path to read; 0 and the descriptor (and its fstat) when it is a
 * regular file, else a reason naming the path and what it is ("PATH is a
 * FIFO, not a regular file"). */
int kl_open_regular(const char *path, unsigned int flags, int *ret_fd, struct stat *ret_st, struct kl_err *err);

/* At most head bytes of an open regular file, from its start; the file as
 * a whole may not exceed max bytes.  When head covers the file, reading
 * must end exactly at the size fstat gave: a file that grows or shrinks
 * meanwhile (or a /proc file, whose size is not known in advance) is
 * refused.  *ret_size (when not NULL) is that size.  path names the file
 * in reasons. */
int kl_read_fd(int fd, const char *path, uint64_t max, size_t head, void **ret, size_t *ret_len,
	       uint64_t *ret_size, struct kl_err *err);

/* kl_open_regular() and kl_read_fd() of a user-named path (not below any
 * root): the whole file, or only its head. */
int kl_read_regular(const char *path, uint64_t max, void **ret, size_t *ret_len, struct kl_err *err);
int kl_read_regular_head(const char *path, uint64_t max, size_t head, void **ret, size_t *ret_len,
			 uint64_t *ret_size, struct kl_err *err);

/* A whole file below root ("" for the real system): /proc, /sys and
 * configuration files, whose size fstat does not tell.  At most max
 * bytes, NUL-terminated; refused unless a regular file. */
int kl_read_file(const char *root, const char *path, size_t max, char **ret, size_t *ret_len,
		 struct kl_err *err);

/* One number from a one-line file below root (sysfs: "0x1000\n"), parsed
 * with kl_parse_u64() in base (0, 10 or 16) after its newline is dropped. */
int kl_read_u64_file(const char *root, const char *path, unsigned int base, uint64_t *ret);

/* A sealed memfd holding len bytes of buf, as a read-only descriptor (the
 * one kexec_file_load can take: it refuses files open for writing), for
 * bytes that are no file of their own, such as a UKI's sections.  Nothing
 * is written to disk; name shows in /proc/PID/fd. */
int kl_memfd_ro(const char *name, const void *buf, size_t len, int *ret_fd, struct kl_err *err);

/* The configuration file below root, parsed: path, or KL_CONF_PATH when
 * NULL.  A missing KL_CONF_PATH is an empty configuration; a missing file
 * the caller named, or one that cannot be read or parsed, is an error. */
int kl_conf_load(const char *root, const char *path, struct kl_conf *ret, struct kl_err *err);

#endif
