/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE /* memfd_create, F_ADD_SEALS */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/sys/fileio.h"

static const char *file_kind(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFDIR: return "a directory";
	case S_IFIFO: return "a FIFO";
	case S_IFSOCK: return "a socket";
	case S_IFCHR: return "a character device";
	case S_IFBLK: return "a block device";
	case S_IFLNK: return "a symlink";
	default: return "not a regular file";
	}
}

int kl_open_regular(const char *path, unsigned int flags, int *ret_fd, struct stat *ret_st, struct kl_err *err)
{
	int oflags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | (flags & KL_OPEN_NOFOLLOW ? O_NOFOLLOW : 0);
	_cleanup_close_ int fd = open(path, oflags);
	struct stat st;

	if (fd < 0 && errno == ELOOP && (flags & KL_OPEN_NOFOLLOW))
		return kl_fail(err, -ELOOP, "%s is a symlink: refusing to follow it", path);
	if (fd < 0)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return kl_fail(err, -EISDIR, "%s is a directory", path);
	if (!S_ISREG(st.st_mode))
		return kl_fail(err, -EINVAL, "%s is %s, not a regular file", path, file_kind(st.st_mode));
	/* a regular file never blocks; clear the flag for whoever gets fd */
	if (fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK) < 0)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	if (ret_st)
		*ret_st = st;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* Read until n bytes are in or the file ends; the count read. */
static ssize_t read_full(int fd, uint8_t *buf, size_t n)
{
	size_t len = 0;

	while (len < n) {
		ssize_t r = read(fd, buf + len, n - len);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		len += (size_t)r;
	}
	return (ssize_t)len;
}

/* After a read of the whole size fstat gave: is the file really at its
 * end?  A file that grew, or a /proc file (size 0, yet readable), is not. */
static int check_at_end(int fd, const char *path, const struct stat *st, struct kl_err *err)
{
	uint8_t extra;
	ssize_t n = read_full(fd, &extra, 1);

	if (n < 0)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	if (n)
		return kl_fail(err, -EIO, "%s %s", path,
			       st->st_size ? "grew while being read"
					   : "has no size of its own (a /proc or /sys file?): copy it to a file first");
	return 0;
}

int kl_read_fd(int fd, const char *path, uint64_t max, size_t head, void **ret, size_t *ret_len,
	       uint64_t *ret_size, struct kl_err *err)
{
	uint8_t *buf;
	struct stat st;
	size_t want;
	ssize_t n;
	int r = 0;

	if (fstat(fd, &st) < 0)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return kl_fail(err, -EINVAL, "%s is %s, not a regular file", path, file_kind(st.st_mode));
	if ((uint64_t)st.st_size > max)
		return kl_fail(err, -EFBIG, "%s is larger than %llu MiB", path, (unsigned long long)(max >> 20));
	if (lseek(fd, 0, SEEK_SET) < 0)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	want = KL_MIN((size_t)st.st_size, head);
	buf = malloc(want ? want : 1);
	if (!buf)
		return kl_fail(err, -ENOMEM, "out of memory reading %s", path);
	n = read_full(fd, buf, want);
	if (n < 0)
		r = kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	else if ((size_t)n != want)
		r = kl_fail(err, -EIO, "%s changed size while being read", path);
	else if (want == (size_t)st.st_size && head > want)
		r = check_at_end(fd, path, &st, err);
	if (r < 0) {
		free(buf);
		return r;
	}
	*ret = buf;
	*ret_len = want;
	if (ret_size)
		*ret_size = (uint64_t)st.st_size;
	return 0;
}

int kl_read_regular_head(const char *path, uint64_t max, size_t head, void **ret, size_t *ret_len,
			 uint64_t *ret_size, struct kl_err *err)
{
	_cleanup_close_ int fd = -1;
	int r = kl_open_regular(path, 0, &fd, NULL, err);

	if (r < 0)
		return r;
	return kl_read_fd(fd, path, max, head, ret, ret_len, ret_size, err);
}

int kl_read_regular(const char *path, uint64_t max, void **ret, size_t *ret_len, struct kl_err *err)
{
	return kl_read_regular_head(path, max, SIZE_MAX, ret, ret_len, NULL, err);
}

int kl_read_file(const char *root, const char *path, size_t max, char **ret, size_t *ret_len,
		 struct kl_err *err)
{
	char full[PATH_MAX];
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;
	int r;

	if ((size_t)snprintf(full, sizeof(full), "%s%s", root, path) >= sizeof(full))
		return kl_fail(err, -ENAMETOOLONG, "%s: path too long", path);
	r = kl_open_regular(full, 0, &fd, NULL, err);
	if (r < 0)
		return r;
	for (;;) {
		ssize_t n;

		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			char *nb;

			if (cap > max)
				return kl_fail(err, -EFBIG, "%s: larger than %zu bytes", path, max);
			nb = realloc(buf, ncap + 1);
			if (!nb)
				return -ENOMEM;
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max)
		return kl_fail(err, -EFBIG, "%s: larger than %zu bytes", path, max);
	if (!buf && !(buf = malloc(1)))
		return -ENOMEM;
	buf[len] = 0;
	*ret = TAKE_PTR(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int kl_read_u64_file(const char *root, const char *path, unsigned int base, uint64_t *ret)
{
	_cleanup_free_ char *t = NULL;
	size_t len = 0;

	if (kl_read_file(root, path, 64, &t, &len, NULL) < 0)
		return -ENOENT;
	if (len && t[len - 1] == '\n')
		t[len - 1] = 0;
	return kl_parse_u64(t, base, ret);
}

int kl_conf_load(const char *root, const char *path, struct kl_conf *ret, struct kl_err *err)
{
	_cleanup_free_ char *text = NULL;
	struct kl_err why = { { 0 } };
	size_t len = 0;
	int r;

	r = kl_read_file(root, path ? path : KL_CONF_PATH, KL_CONF_TEXT_MAX, &text, &len, &why);
	if (r == -ENOENT && !path) {
		*ret = (struct kl_conf){ .path = KL_CONF_PATH };
		return 0;
	}
	if (r < 0)
		return kl_fail(err, r, "configuration %s", why.msg);
	return kl_conf_parse(path ? path : KL_CONF_PATH, text, len, ret, err);
}

int kl_memfd_ro(const char *name, const void *buf, size_t len, int *ret_fd, struct kl_err *err)
{
	_cleanup_close_ int fd = -1;
	const uint8_t *p = buf;
	char self[64];
	size_t done = 0;
	int ro;

	fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return kl_fail(err, -errno, "memfd_create(%s): %s", name, strerror(errno));
	while (done < len) {
		ssize_t n = write(fd, p + done, len - done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return kl_fail(err, n < 0 ? -errno : -EIO, "writing %s to memory: %s", name,
				       n < 0 ? strerror(errno) : "short write");
		done += (size_t)n;
	}
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_SEAL) < 0)
		return kl_fail(err, -errno, "sealing %s: %s", name, strerror(errno));
	/* the kernel refuses to read a file open for writing (ETXTBSY):
	 * hand on a read-only descriptor of it, and close the writer */
	snprintf(self, sizeof(self), "/proc/self/fd/%d", fd);
	ro = open(self, O_RDONLY | O_CLOEXEC);
	if (ro < 0)
		return kl_fail(err, -errno, "reopening %s read-only: %s", self, strerror(errno));
	*ret_fd = ro;
	return 0;
}
