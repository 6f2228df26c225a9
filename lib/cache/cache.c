/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE /* asprintf, renameat2 */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/digest.h"
#include "lib/base/util.h"
#include "lib/cache/cache.h"
#include "lib/format/bzimage.h"
#include "lib/format/decompress.h"
#include "lib/format/elf.h"
#include "lib/format/initramfs.h"
#include "lib/format/payload.h"
#include "lib/sys/fileio.h"
#include "lib/sys/sysinfo.h"
#include "purgatory/crc32c.h"
#include "purgatory/xxh64.h"

#define SOURCE_MAX (4ULL << 30)

int kl_cache_dir(const char *root, const char *override, const struct kl_conf *conf, char **ret,
		 struct kl_err *err)
{
	const struct kl_conf_value *v = conf ? &conf->v[KL_CONF_CACHE_DIR] : NULL;
	const char *dir = KL_CACHE_DIR_DEFAULT;

	if (override) {
		if (override[0] != '/')
			return kl_fail(err, -EINVAL, "--cache-dir=%s: the cache directory must be an absolute path",
				       override);
		dir = override;
	} else if (v && v->line) {
		dir = v->value; /* absolute: parsing checked */
	}
	if (asprintf(ret, "%s%s", override ? "" : root, dir) < 0)
		return -ENOMEM;
	return 0;
}

/* ---- the directory: trust, lock, contents -------------------------------- */

static const char *const entry_files[] = { "meta", "vmlinux.bin", "initrd.cpio" };

static bool is_key(const char *name)
{
	size_t i;

	for (i = 0; i < 64; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || (name[i] >= 'a' && name[i] <= 'f')))
			return false;
	return !name[64];
}

/* mkdtemp()'s name: ".stage-" and six letters or digits */
static bool is_stage(const char *name)
{
	size_t i;

	if (strncmp(name, ".stage-", 7) != 0)
		return false;
	for (i = 7; i < 13; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || ((name[i] | 0x20) >= 'a' && (name[i] | 0x20) <= 'z')))
			return false;
	return !name[13];
}

static bool is_entry_file(const char *name)
{
	size_t i;

	for (i = 0; i < KL_ARRAY_SIZE(entry_files); i++)
		if (!strcmp(name, entry_files[i]))
			return true;
	return false;
}

/* Ours, and only ours to change: owned by this user (root), not writable
 * by group or others.  Else whoever can write it could forge an entry
 * that root then boots. */
static int check_owner(const struct stat *st, const char *what, struct kl_err *err)
{
	if (st->st_uid != geteuid())
		return kl_fail(err, -EPERM, "%s is owned by uid %u, not by us (%u): refusing to use it", what,
			       (unsigned int)st->st_uid, (unsigned int)geteuid());
	if (st->st_mode & 022)
		return kl_fail(err, -EPERM, "%s is writable by group or others (mode %04o): refusing to use it", what,
			       (unsigned int)(st->st_mode & 07777));
	return 0;
}

/* Every directory above the cache: owned by root or us, and not writable
 * by others unless sticky (/tmp), so that nobody else can swap the cache
 * for one of theirs. */
static int check_parents(const char *dir, struct kl_err *err)
{
	char p[PATH_MAX];
	char *slash;
	struct stat st;

	snprintf(p, sizeof(p), "%s", dir);
	while ((slash = strrchr(p, '/'))) {
		slash[slash == p ? 1 : 0] = 0;
		if (stat(p, &st) < 0)
			return kl_fail(err, -errno, "%s: %s", p, strerror(errno));
		if ((st.st_uid != 0 && st.st_uid != geteuid()) ||
		    ((st.st_mode & 022) && !(st.st_mode & S_ISVTX)))
			return kl_fail(err, -EPERM, "%s, above the cache %s, can be changed by others (uid %u, mode %04o): "
				       "refusing to use the cache", p, dir, (unsigned int)st.st_uid,
				       (unsigned int)(st.st_mode & 07777));
		if (slash == p)
			break;
	}
	return 0;
}

/* A directory stream of its own over dfd, from its first entry (dfd
 * itself stays open and where it was), or NULL with errno set. */
static DIR *reopen_dir(int dfd)
{
	int fd = dup(dfd), saved;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;

	if (!d) {
		saved = errno;
		if (fd >= 0)
			close(fd);
		errno = saved;
		return NULL;
	}
	rewinddir(d);
	return d;
}

/* Nothing but entries and our own temporary directories: a directory
 * that holds anything else is not a cache (a mistyped cache_dir=), and
 * gc must never delete a user's data in it. */
static int check_contents(int dfd, const char *dir, struct kl_err *err)
{
	struct dirent *de;
	DIR *d = reopen_dir(dfd);
	int r = 0;

	if (!d)
		return kl_fail(err, -errno, "cannot read %s: %s", dir, strerror(errno));
	while (r == 0 && (de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 && !is_key(de->d_name) &&
		    !is_stage(de->d_name))
			r = kl_fail(err, -ENOTEMPTY,
				    "%s holds '%.80s', which is not a cache entry: refusing to use it as the cache "
				    "(is cache_dir= right?)", dir, de->d_name);
	closedir(d);
	return r;
}

/* mkdir -p for the parents (mode 0755), so a fresh system works. */
static void make_parents(const char *dir)
{
	char p[PATH_MAX];
	char *s;

	snprintf(p, sizeof(p), "%s", dir);
	for (s = p + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		mkdir(p, 0755);
		*s = '/';
	}
}

enum cache_open {
	CACHE_READ,  /* shared lock; -ENOENT when there is no cache */
	CACHE_WRITE, /* exclusive lock; created (mode 0700) when missing */
};

/* Open the cache directory, check that it can be trusted, and lock it:
 * stage, gc, verify and evict exclusively, kexec and list shared.  The lock
 * is the directory's own (flock), so it goes with the descriptor, and
 * with the process when that is killed. */
static int open_cache(const char *dir, enum cache_open how, int *ret_fd, struct kl_err *err)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	int r;

	if (dir[0] != '/')
		return kl_fail(err, -EINVAL, "the cache directory %s is not an absolute path", dir);
	if (how == CACHE_WRITE) {
		make_parents(dir);
		if (mkdir(dir, 0700) < 0 && errno != EEXIST)
			return kl_fail(err, -errno, "cannot create %s: %s", dir, strerror(errno));
	}
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && how == CACHE_READ)
		return -ENOENT;
	if (fd < 0 && (errno == ELOOP || errno == ENOTDIR))
		return kl_fail(err, -ENOTDIR, "%s is a symlink or not a directory: refusing to use it as the cache", dir);
	if (fd < 0)
		return kl_fail(err, -errno, "cannot open %s: %s", dir, strerror(errno));
	if (fstat(fd, &st) < 0)
		return kl_fail(err, -errno, "%s: %s", dir, strerror(errno));
	r = check_owner(&st, dir, err);
	if (r == 0)
		r = check_parents(dir, err);
	if (r < 0)
		return r;
	while (flock(fd, how == CACHE_WRITE ? LOCK_EX : LOCK_SH) < 0)
		if (errno != EINTR)
			return kl_fail(err, -errno, "cannot lock %s: %s", dir, strerror(errno));
	r = check_contents(fd, dir, err);
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* An entry's file, opened as kl_open_regular() does and checked like the
 * directory: no symlink (at the entry or the file), ours, not writable
 * by others. */
static int open_entry_file(int dfd, const char *key, const char *file, int *ret_fd, struct kl_err *err)
{
	_cleanup_close_ int efd = openat(dfd, key, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_close_ int fd = -1;
	struct stat st;
	char what[96];
	int r;

	if (efd < 0)
		return kl_fail(err, -errno, "entry %.12s: %s", key, strerror(errno));
	snprintf(what, sizeof(what), "entry %.12s", key);
	if (fstat(efd, &st) < 0)
		return kl_fail(err, -errno, "%s: %s", what, strerror(errno));
	r = check_owner(&st, what, err);
	if (r < 0)
		return r;
	fd = openat(efd, file, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (fd < 0)
		return kl_fail(err, -errno, "%s: %s", file, errno == ELOOP ? "a symlink" : strerror(errno));
	snprintf(what, sizeof(what), "%s of entry %.12s", file, key);
	if (fstat(fd, &st) < 0)
		return kl_fail(err, -errno, "%s: %s", what, strerror(errno));
	if (!S_ISREG(st.st_mode))
		return kl_fail(err, -EINVAL, "%s is not a regular file", what);
	r = check_owner(&st, what, err);
	if (r < 0)
		return r;
	*ret_fd = TAKE_FD(fd);
	return 0;
}

/* Remove CACHE/name, an entry or a temporary directory of ours, when it
 * holds nothing but our files; else leave it all and say so. */
static int remove_entry(int dfd, const char *name, struct kl_err *err)
{
	int efd = openat(dfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	DIR *d = efd >= 0 ? fdopendir(efd) : NULL;
	struct dirent *de;
	size_t i;

	if (!d) {
		if (efd >= 0)
			close(efd);
		return errno == ENOENT ? 0 : kl_fail(err, -errno, "%s: %s", name, strerror(errno));
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0 && !is_entry_file(de->d_name)) {
			closedir(d);
			return kl_fail(err, -ENOTEMPTY, "%.80s holds '%.80s', which is not ours: left as it is", name,
				       de->d_name);
		}
	for (i = 0; i < KL_ARRAY_SIZE(entry_files); i++)
		if (unlinkat(dirfd(d), entry_files[i], 0) < 0 && errno != ENOENT) {
			closedir(d);
			return kl_fail(err, -errno, "%.80s/%s: %s", name, entry_files[i], strerror(errno));
		}
	closedir(d);
	if (unlinkat(dfd, name, AT_REMOVEDIR) < 0)
		return kl_fail(err, -errno, "%.80s: %s", name, strerror(errno));
	return 0;
}

/* ---- staging ------------------------------------------------------------- */

static int write_synced(int dfd, const char *name, const void *b, size_t n)
{
	_cleanup_close_ int fd = openat(dfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	const uint8_t *p = b;

	if (fd < 0)
		return -errno;
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		p += w;
		n -= (size_t)w;
	}
	return fsync(fd) < 0 ? -errno : 0;
}

/* Digests of the sources and the entry's files; a failure (OpenSSL
 * broken) leaves a zero digest, which no entry ever matches. */
static void sha256(const void *b, size_t n, uint8_t out[32])
{
	if (kl_digest_sha256(b, n, out, NULL) < 0)
		memset(out, 0, 32);
}

static int64_t mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000 + st->st_mtim.tv_nsec;
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino && a->st_size == b->st_size &&
	       mtime_ns(a) == mtime_ns(b) && a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

/* Read a source and describe it from the descriptor that was read: its
 * identity before and after the read must agree, and its path must still
 * name it, or a file changed while staging would get an entry with the
 * old bytes under the new identity. */
static int read_src(const char *path, void **ret, size_t *ret_len, struct kl_cache_src *s, struct kl_err *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ void *b = NULL;
	_cleanup_free_ char *real = NULL;
	struct stat before, after, named;
	size_t n = 0;
	int r;

	r = kl_open_regular(path, 0, &fd, &before, err);
	if (r == 0)
		r = kl_read_fd(fd, path, SOURCE_MAX, SIZE_MAX, &b, &n, NULL, err);
	if (r < 0)
		return r;
	if (fstat(fd, &after) < 0)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	/* realpath() into a caller's buffer needs PATH_MAX bytes; s->path is
	 * smaller, so take the allocated form and refuse what does not fit
	 * (_FORTIFY_SOURCE aborts the buffer form). */
	real = realpath(path, NULL);
	if (!real)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	if (strlen(real) >= sizeof(s->path))
		return kl_fail(err, -ENAMETOOLONG, "%s: its real path is longer than %zu bytes", path,
			       sizeof(s->path) - 1);
	memcpy(s->path, real, strlen(real) + 1);
	if (strchr(s->path, '\n'))
		return kl_fail(err, -EINVAL, "%s: a path with a newline cannot be cached", path);
	if (!same_file(&before, &after) || stat(s->path, &named) < 0 || !same_file(&before, &named))
		return kl_fail(err, -EAGAIN, "%s changed while being staged; stage it again", path);
	s->size = (uint64_t)before.st_size;
	s->mtime_ns = mtime_ns(&before);
	s->ino = (uint64_t)before.st_ino;
	sha256(b, KL_MIN(n, (size_t)KL_CACHE_HEAD_SIZE), s->head_sha256);
	sha256(b, n, s->sha256);
	*ret = TAKE_PTR(b);
	*ret_len = n;
	return 0;
}

/* Put the complete entry in CACHE/tmp at CACHE/key.  An older entry of the
 * same key stays in place until the new one is: the two are exchanged in
 * one step, then the old one is removed.  Where the file system cannot
 * exchange, the old entry is first renamed to a temporary name (gc's to
 * remove if a kill comes between). */
static int put_in_place(int dfd, const char *tmp, const char *key, struct kl_err *err)
{
	char old[16] = ".stage-oldXXX";
	unsigned int i;

	if (renameat2(dfd, tmp, dfd, key, RENAME_NOREPLACE) == 0)
		return 0;
	if (errno == EEXIST || errno == ENOTEMPTY) {
		if (renameat2(dfd, tmp, dfd, key, RENAME_EXCHANGE) == 0) {
			remove_entry(dfd, tmp, NULL); /* the old entry; at worst a leftover for gc */
			return 0;
		}
	} else if (errno != EINVAL && errno != ENOSYS) {
		return kl_fail(err, -errno, "cannot rename the entry into place: %s", strerror(errno));
	}
	for (i = 0; i < 1000; i++) {
		snprintf(old, sizeof(old), ".stage-old%03u", i);
		if (renameat(dfd, key, dfd, old) == 0)
			break;
		if (errno == ENOENT)
			break; /* no old entry */
		if (errno != EEXIST && errno != ENOTEMPTY)
			return kl_fail(err, -errno, "cannot move the old entry aside: %s", strerror(errno));
	}
	if (renameat(dfd, tmp, dfd, key) < 0)
		return kl_fail(err, -errno, "cannot rename the entry into place: %s", strerror(errno));
	remove_entry(dfd, old, NULL);
	return 0;
}

/* What a stage writes: the entry's description and its two files. */
struct staged {
	struct kl_cache_entry e;
	void *vmlinux, *cpio; /* owned */
	size_t vmlinux_len, cpio_len;
	char *meta;           /* owned */
};

static void staged_free(struct staged *st)
{
	free(st->vmlinux);
	free(st->cpio);
	free(st->meta);
}

/* The slow part, with no lock held (kexec may want the cache): read the
 * sources, decompress the payload (the same pipeline as kexec
 * --preload-decompressed) and flatten the initrd, then describe it all. */
static int stage_build(const char *kernel, const char *initrd, struct staged *st, struct kl_err *err)
{
	struct kl_cache_entry *e = &st->e;
	_cleanup_free_ void *k = NULL, *i = NULL;
	size_t klen = 0, ilen = 0;
	struct kl_bzimage z;
	struct kl_elf_image elf;
	enum kl_comp c = KL_COMP_NONE;
	uint8_t keybuf[64] = { 0 }, key[32];
	int r;

	r = read_src(kernel, &k, &klen, &e->kernel, err);
	if (r < 0)
		return r;
	r = kl_bzimage_parse(k, klen, &z, err);
	if (r == 0)
		r = kl_payload_check(&z, KL_COMP_NONE, &c, err);
	if (r == 0)
		r = kl_payload_decompress(&z, c, &st->vmlinux, &st->vmlinux_len, &elf, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "%s", kernel);
	if (initrd) {
		r = read_src(initrd, &i, &ilen, &e->initrd, err);
		if (r < 0)
			return r;
		r = kl_initramfs_flatten(i, ilen, SOURCE_MAX, &st->cpio, &st->cpio_len, NULL, err);
		if (r < 0)
			return kl_fail_prefix(err, r, "%s", initrd);
		e->has_initrd = true;
	}
	/* the key: SHA-256 of the kernel's digest and the initrd's (or zeros) */
	memcpy(keybuf, e->kernel.sha256, 32);
	if (e->has_initrd)
		memcpy(keybuf + 32, e->initrd.sha256, 32);
	sha256(keybuf, 64, key);
	kl_hex(e->key, key, 32);
	snprintf(e->compression, sizeof(e->compression), "%s", kl_comp_name(c));
	snprintf(e->version, sizeof(e->version), "%s", z.kernel_version[0] ? z.kernel_version : "unknown");
	e->created = (int64_t)time(NULL);
	e->vmlinux.size = st->vmlinux_len;
	sha256(st->vmlinux, st->vmlinux_len, e->vmlinux.sha256);
	e->vmlinux.crc32c = kl_crc32c(st->vmlinux, st->vmlinux_len);
	e->vmlinux.xxh64 = kl_xxh64(st->vmlinux, st->vmlinux_len);
	e->vmlinux.has_xxh64 = true;
	if (e->has_initrd) {
		e->initrd_cpio.size = st->cpio_len;
		sha256(st->cpio, st->cpio_len, e->initrd_cpio.sha256);
		e->initrd_cpio.crc32c = kl_crc32c(st->cpio, st->cpio_len);
		e->initrd_cpio.xxh64 = kl_xxh64(st->cpio, st->cpio_len);
		e->initrd_cpio.has_xxh64 = true;
	}
	return kl_cache_meta_format(e, &st->meta);
}

/* Under the exclusive lock, write the entry into a temporary directory
 * and rename it into place: gc never sees this stage's directory, and two
 * stages take turns. */
static int stage_write(const char *dir, const struct staged *st, struct kl_err *err)
{
	_cleanup_close_ int dfd = -1, tfd = -1;
	char tmp[PATH_MAX];
	const char *tname;
	int r;

	r = open_cache(dir, CACHE_WRITE, &dfd, err);
	if (r < 0)
		return r;
	snprintf(tmp, sizeof(tmp), "%s/.stage-XXXXXX", dir);
	if (!mkdtemp(tmp))
		return kl_fail(err, -errno, "cannot create a directory in %s: %s", dir, strerror(errno));
	tname = strrchr(tmp, '/') + 1;
	tfd = openat(dfd, tname, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (!st->meta)
		return kl_fail(err, -EINVAL, "internal error: an entry without meta");
	r = tfd < 0 ? -errno : write_synced(tfd, "vmlinux.bin", st->vmlinux, st->vmlinux_len);
	if (r == 0 && st->e.has_initrd)
		r = write_synced(tfd, "initrd.cpio", st->cpio, st->cpio_len);
	if (r == 0) /* meta last: only a complete entry has one */
		r = write_synced(tfd, "meta", st->meta, strlen(st->meta));
	if (r == 0)
		r = fsync(tfd) < 0 ? -errno : 0;
	if (r < 0) {
		remove_entry(dfd, tname, NULL);
		return kl_fail(err, r, "cannot write the entry in %s: %s", dir, strerror(-r));
	}
	r = put_in_place(dfd, tname, st->e.key, err);
	if (r < 0) {
		remove_entry(dfd, tname, NULL);
		return r;
	}
	fsync(dfd);
	return 0;
}

int kl_cache_stage(const char *dir, const char *kernel, const char *initrd, struct kl_cache_entry *ret,
		   struct kl_err *err)
{
	_cleanup_(staged_free) struct staged st = { 0 };
	int r;

	r = stage_build(kernel, initrd, &st, err);
	if (r == 0)
		r = stage_write(dir, &st, err);
	if (r < 0)
		return r;
	*ret = st.e;
	return 0;
}

/* ---- reading entries -------------------------------------------------------- */

/* Read and check CACHE/name/meta: 0 and the entry, or why not. */
static int entry_meta(int dfd, const char *name, struct kl_cache_entry *ret, struct kl_err *err)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ void *text = NULL;
	struct kl_err why = { { 0 } };
	size_t len = 0;
	struct kl_cache_entry e;
	int r;

	r = open_entry_file(dfd, name, "meta", &fd, &why);
	if (r == -ENOENT)
		return kl_fail(err, -ENOENT, "no meta (incomplete entry)");
	if (r == 0)
		r = kl_read_fd(fd, "meta", 65536, SIZE_MAX, &text, &len, NULL, &why);
	if (r < 0)
		return kl_fail(err, r, "%s", why.msg);
	r = kl_cache_meta_parse(text, len, &e, err);
	if (r < 0)
		return r;
	if (strcmp(e.key, name) != 0)
		return kl_fail(err, -EINVAL, "meta names another key");
	*ret = e;
	return 0;
}

/* Every entry in an open cache; what has no valid meta goes to bad_cb. */
static int list_fd(int dfd, struct kl_cache_entry **ret, size_t *ret_n,
		   void (*bad_cb)(const char *name, const char *why, void *data), void *data)
{
	struct kl_cache_entry *v = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d = reopen_dir(dfd);

	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		struct kl_cache_entry e;
		struct kl_err err = { { 0 } };
		struct kl_cache_entry *nv;

		if (!is_key(de->d_name))
			continue; /* ., .., and .stage-* of a stage (or an interrupted one) */
		if (entry_meta(dfd, de->d_name, &e, &err) < 0) {
			if (bad_cb)
				bad_cb(de->d_name, err.msg, data);
			continue;
		}
		nv = realloc(v, (n + 1) * sizeof(*v));
		if (!nv) {
			closedir(d);
			free(v);
			return -ENOMEM;
		}
		v = nv;
		v[n++] = e;
	}
	closedir(d);
	*ret = v;
	*ret_n = n;
	return 0;
}

int kl_cache_list(const char *dir, struct kl_cache_entry **ret, size_t *ret_n,
		  void (*bad_cb)(const char *name, const char *why, void *data), void *data, struct kl_err *err)
{
	_cleanup_close_ int dfd = -1;
	int r = open_cache(dir, CACHE_READ, &dfd, err);

	*ret = NULL;
	*ret_n = 0;
	if (r == -ENOENT)
		return 0;
	if (r < 0)
		return r;
	r = list_fd(dfd, ret, ret_n, bad_cb, data);
	return r < 0 ? kl_fail(err, r, "cannot read %s: %s", dir, strerror(-r)) : 0;
}

/* Map an entry's file, private.  Entries are written once, renamed into
 * place and never changed in place (only replaced or removed), so mapping
 * is as safe as reading, and saves a copy and a page fault per page.
 * (Should root rewrite one in place anyway, kexec turns the SIGBUS into a
 * message.)  writable: the caller may change its view (kexec relocates
 * the kernel in place); the pages it writes are copied then, the file
 * never changes. */
static int map_blob(int fd, bool writable, void **ret, size_t *ret_len)
{
	struct stat st;
	void *p;

	if (fstat(fd, &st) < 0)
		return -errno;
	if ((uint64_t)st.st_size > SOURCE_MAX)
		return -EFBIG;
	if (!st.st_size) {
		*ret = NULL;
		*ret_len = 0;
		return 0;
	}
	/* populated read-only first: populating a writable private mapping
	 * would copy every page */
	p = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd, 0);
	if (p == MAP_FAILED)
		return -errno;
	if (writable && mprotect(p, (size_t)st.st_size, PROT_READ | PROT_WRITE) < 0) {
		int e = errno;

		munmap(p, (size_t)st.st_size);
		return -e;
	}
	*ret = p;
	*ret_len = (size_t)st.st_size;
	return 0;
}

void kl_cache_release(void *p, size_t len)
{
	if (p && len)
		munmap(p, len);
}

static int check_blob(int dfd, const char *key, const char *file, const struct kl_cache_blob *b, bool full,
		      bool writable, void **ret, size_t *ret_len, struct kl_err *err)
{
	_cleanup_close_ int fd = -1;
	void *buf = NULL;
	size_t len = 0;
	uint8_t d[32];
	int r;

	r = open_entry_file(dfd, key, file, &fd, err);
	if (r < 0)
		return r;
	r = map_blob(fd, writable, &buf, &len);
	if (r < 0)
		return kl_fail(err, r, "%s: %s", file, strerror(-r));
	if (len != b->size) {
		kl_cache_release(buf, len);
		return kl_fail(err, -EBADMSG, "%s: %zu bytes, meta says %" PRIu64, file, len, b->size);
	}
	if (full) {
		sha256(buf, len, d);
		r = memcmp(d, b->sha256, 32) ? -EBADMSG : 0;
	} else if (b->has_xxh64) {
		/* the cheapest check, in a guest under emulation by far
		 * (README, bench/checkcost) */
		r = kl_xxh64(buf, len) != b->xxh64 ? -EBADMSG : 0;
	} else {
		r = kl_crc32c(buf, len) != b->crc32c ? -EBADMSG : 0;
	}
	if (r < 0) {
		kl_cache_release(buf, len);
		return kl_fail(err, r, "%s: %s mismatch", file, full ? "SHA-256" : b->has_xxh64 ? "XXH64" : "CRC-32C");
	}
	if (ret) {
		*ret = buf;
		*ret_len = len;
	} else {
		kl_cache_release(buf, len);
	}
	return 0;
}

static int verify_fd(int dfd, const struct kl_cache_entry *e, struct kl_err *err)
{
	int r = check_blob(dfd, e->key, "vmlinux.bin", &e->vmlinux, true, false, NULL, NULL, err);

	if (r == 0 && e->has_initrd)
		r = check_blob(dfd, e->key, "initrd.cpio", &e->initrd_cpio, true, false, NULL, NULL, err);
	return r;
}

int kl_cache_verify(const char *dir, const struct kl_cache_entry *e, struct kl_err *err)
{
	_cleanup_close_ int dfd = -1;
	int r = open_cache(dir, CACHE_READ, &dfd, err);

	return r < 0 ? r : verify_fd(dfd, e, err);
}

int kl_cache_remove(const char *dir, const char *key, struct kl_err *err)
{
	_cleanup_close_ int dfd = -1;
	int r;

	if (!is_key(key))
		return kl_fail(err, -EINVAL, "'%.80s' is not a cache key", key);
	r = open_cache(dir, CACHE_WRITE, &dfd, err);
	return r < 0 ? r : remove_entry(dfd, key, err);
}

const char *kl_cache_src_stale(const struct kl_cache_src *s)
{
	_cleanup_close_ int fd = -1;
	struct stat st;
	uint8_t head[KL_CACHE_HEAD_SIZE], d[32];
	ssize_t n;

	/* the descriptor's identity, then its bytes: one file, looked up once */
	if (kl_open_regular(s->path, 0, &fd, &st, NULL) < 0)
		return "source gone or unreadable";
	if ((uint64_t)st.st_size != s->size)
		return "size changed";
	if (mtime_ns(&st) != s->mtime_ns)
		return "mtime changed";
	if ((uint64_t)st.st_ino != s->ino)
		return "inode changed";
	n = pread(fd, head, KL_MIN(sizeof(head), (size_t)s->size), 0);
	if (n < 0 || (size_t)n != KL_MIN(sizeof(head), (size_t)s->size))
		return "source gone or unreadable";
	sha256(head, (size_t)n, d);
	if (memcmp(d, s->head_sha256, 32) != 0)
		return "contents changed";
	return NULL;
}

/* Does entry e stand for these sources (the same paths)? */
static bool entry_names(const struct kl_cache_entry *e, const char *kreal, const char *initrd)
{
	char ireal[PATH_MAX];

	if (strcmp(e->kernel.path, kreal) != 0 || e->has_initrd != (initrd != NULL))
		return false;
	return !initrd || (realpath(initrd, ireal) && !strcmp(e->initrd.path, ireal));
}

/* Are the files behind e's paths still what was staged, and its own files
 * intact?  Maps them into *ret when they are. */
static int entry_usable(int dfd, const struct kl_cache_entry *e, struct kl_cache_hit *ret, struct kl_err *err)
{
	struct kl_cache_hit h = { .e = *e };
	struct kl_err inner = { { 0 } };
	const char *stale;
	int r;

	stale = kl_cache_src_stale(&e->kernel);
	if (!stale && e->has_initrd)
		stale = kl_cache_src_stale(&e->initrd);
	if (stale)
		return kl_fail(err, -ESTALE, "entry %.12s is stale (%s)", e->key, stale);
	r = check_blob(dfd, e->key, "vmlinux.bin", &e->vmlinux, false, true, &h.vmlinux, &h.vmlinux_len, &inner);
	if (r == 0 && e->has_initrd)
		r = check_blob(dfd, e->key, "initrd.cpio", &e->initrd_cpio, false, false, &h.cpio, &h.cpio_len,
			       &inner);
	if (r < 0) {
		kl_cache_hit_release(&h);
		return kl_fail(err, -ESTALE, "entry %.12s is damaged (%s)", e->key, inner.msg);
	}
	*ret = h;
	return 0;
}

/* kl_cache_lookup()'s 0: nothing failed, but err says what was missing. */
static int no_entry(struct kl_err *err, const char *kernel)
{
	if (err)
		snprintf(err->msg, sizeof(err->msg), "no entry for %s", kernel);
	return 0;
}

/* The first usable entry of v[n] for these sources: 1, or 0 / -ESTALE
 * with the reason in err, as kl_cache_lookup(). */
static int first_usable(int dfd, const struct kl_cache_entry *v, size_t n, const char *kernel, const char *initrd,
			struct kl_cache_hit *ret, struct kl_err *err)
{
	struct kl_err last = { { 0 } };
	char real[PATH_MAX];
	size_t k;

	if (!realpath(kernel, real))
		return no_entry(err, kernel);
	for (k = 0; k < n; k++) {
		if (!entry_names(&v[k], real, initrd))
			continue;
		/* the paths match: the last rejection is the one to say */
		memset(&last, 0, sizeof(last));
		if (entry_usable(dfd, &v[k], ret, &last) == 0)
			return 1;
	}
	if (last.msg[0])
		return kl_fail(err, -ESTALE, "%s", last.msg);
	return no_entry(err, kernel);
}

int kl_cache_lookup(const char *dir, const char *kernel, const char *initrd, struct kl_cache_hit *ret,
		    struct kl_err *err)
{
	_cleanup_close_ int dfd = -1;
	struct kl_cache_entry *v = NULL;
	size_t n = 0;
	int r;

	r = open_cache(dir, CACHE_READ, &dfd, err);
	if (r == -ENOENT)
		return no_entry(err, kernel);
	if (r < 0)
		return -EPERM;
	r = list_fd(dfd, &v, &n, NULL, NULL);
	if (r < 0)
		return kl_fail(err, -EPERM, "cannot read %s: %s", dir, strerror(-r));
	r = first_usable(dfd, v, n, kernel, initrd, ret, err);
	free(v);
	return r;
}

void kl_cache_hit_release(struct kl_cache_hit *h)
{
	kl_cache_release(h->vmlinux, h->vmlinux_len);
	kl_cache_release(h->cpio, h->cpio_len);
	h->vmlinux = h->cpio = NULL;
	h->vmlinux_len = h->cpio_len = 0;
}

int kl_cache_remove_leftovers(const char *dir, void (*cb)(const char *name, const char *why, void *data),
			      void *data, struct kl_err *err)
{
	_cleanup_close_ int dfd = -1;
	int r = open_cache(dir, CACHE_WRITE, &dfd, err);
	DIR *d = NULL;
	struct dirent *de;

	if (r < 0)
		return r;
	d = reopen_dir(dfd);
	if (!d)
		return kl_fail(err, -errno, "cannot read %s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		struct kl_cache_entry e;
		struct kl_err why = { { 0 } };
		const char *what = NULL;

		/* under the exclusive lock no stage is running: a temporary
		 * directory is one that was interrupted */
		if (is_stage(de->d_name))
			what = "interrupted stage";
		else if (is_key(de->d_name) && entry_meta(dfd, de->d_name, &e, NULL) < 0)
			what = "no valid meta";
		if (!what)
			continue;
		if (remove_entry(dfd, de->d_name, &why) < 0)
			r = kl_fail(err, -ENOTEMPTY, "%s", why.msg); /* the first one said; the rest go on */
		else if (cb)
			cb(de->d_name, what, data);
	}
	closedir(d);
	return r;
}
