/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE /* asprintf, vasprintf */
#include <dirent.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kexec/bzimage.h"
#include "kexec/decompress.h"
#include "kexec/elf.h"
#include "kexec/initramfs.h"
#include "kexec/sysinfo.h"
#include "kexec/util.h"
#include "preload/cache.h"
#include "purgatory/crc32c.h"

#define META_VERSION_LINE "kexec-live-preload 1"
#define SOURCE_MAX (4ULL << 30)

int kl_cache_dir(const char *root, const char *override, const char *conf, char **ret,
		 struct kl_err *err)
{
	_cleanup_free_ char *text = NULL;
	char dir[PATH_MAX] = KL_CACHE_DIR_DEFAULT;
	char *line, *save = NULL;

	if (override) {
		snprintf(dir, sizeof(dir), "%s", override);
	} else if (kl_read_file(root, conf ? conf : KL_CACHE_CONF, 65536, &text, NULL, NULL) == 0) {
		for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			while (*line == ' ' || *line == '\t')
				line++;
			if (!strncmp(line, "cache_dir=", 10)) {
				if (line[10] != '/')
					return kl_fail(err, -EINVAL, "%s: cache_dir must be an absolute path",
						       conf ? conf : KL_CACHE_CONF);
				snprintf(dir, sizeof(dir), "%s", line + 10);
			}
		}
	}
	if (asprintf(ret, "%s%s", override ? "" : root, dir) < 0)
		return -ENOMEM;
	return 0;
}

/* ---- meta ---------------------------------------------------------------- */

static void hex(char *out, const uint8_t *b, size_t n)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = 0;
}

static int unhex(const char *s, uint8_t *b, size_t n)
{
	size_t i;

	if (strlen(s) != 2 * n)
		return -EINVAL;
	for (i = 0; i < 2 * n; i++) {
		char c = s[i];
		int v = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;

		if (v < 0)
			return -EINVAL;
		b[i / 2] = (uint8_t)(i % 2 ? (b[i / 2] | v) : (v << 4));
	}
	return 0;
}

struct strbuf {
	char *p;
	size_t len;
	bool oom;
};

static void sb_add(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void sb_add(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *line = NULL, *np;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&line, fmt, ap);
	va_end(ap);
	if (n < 0 || sb->oom) {
		sb->oom = true;
		free(line);
		return;
	}
	np = realloc(sb->p, sb->len + (size_t)n + 1);
	if (!np) {
		sb->oom = true;
		free(line);
		return;
	}
	sb->p = np;
	memcpy(sb->p + sb->len, line, (size_t)n + 1);
	sb->len += (size_t)n;
	free(line);
}

static void add_src(struct strbuf *sb, const char *name, const struct kl_cache_src *s)
{
	char h1[65], h2[65];

	hex(h1, s->head_sha256, 32);
	hex(h2, s->sha256, 32);
	sb_add(sb, "%s.path=%s\n%s.size=%" PRIu64 "\n%s.mtime_ns=%" PRId64 "\n%s.ino=%" PRIu64
		   "\n%s.head_sha256=%s\n%s.sha256=%s\n",
	       name, s->path, name, s->size, name, s->mtime_ns, name, s->ino, name, h1, name, h2);
}

static void add_blob(struct strbuf *sb, const char *name, const struct kl_cache_blob *b)
{
	char h[65];

	hex(h, b->sha256, 32);
	sb_add(sb, "%s.size=%" PRIu64 "\n%s.sha256=%s\n%s.crc32c=%08x\n", name, b->size, name, h, name,
	       b->crc32c);
}

int kl_cache_meta_format(const struct kl_cache_entry *e, char **ret)
{
	struct strbuf sb = { 0 };

	sb_add(&sb, "%s\nkey=%s\n", META_VERSION_LINE, e->key);
	add_src(&sb, "kernel", &e->kernel);
	if (e->has_initrd)
		add_src(&sb, "initrd", &e->initrd);
	sb_add(&sb, "compression=%s\nversion=%s\ncreated=%" PRId64 "\n", e->compression, e->version, e->created);
	add_blob(&sb, "vmlinux", &e->vmlinux);
	if (e->has_initrd)
		add_blob(&sb, "initrd_cpio", &e->initrd_cpio);
	if (sb.oom) {
		free(sb.p);
		return -ENOMEM;
	}
	sb_add(&sb, "meta_crc32c=%08x\n", kl_crc32c(sb.p, sb.len));
	if (sb.oom) {
		free(sb.p);
		return -ENOMEM;
	}
	*ret = sb.p;
	return 0;
}

static int parse_u64(const char *v, uint64_t *ret)
{
	char *end;

	if (!*v || *v == '-')
		return -EINVAL;
	errno = 0;
	*ret = strtoull(v, &end, 10);
	return errno || *end ? -EINVAL : 0;
}

static int set_src(struct kl_cache_src *s, const char *field, const char *v)
{
	uint64_t u;

	if (!strcmp(field, "path")) {
		if (strlen(v) >= sizeof(s->path) || v[0] != '/')
			return -EINVAL;
		snprintf(s->path, sizeof(s->path), "%s", v);
		return 1;
	}
	if (!strcmp(field, "size"))
		return parse_u64(v, &s->size) ? -EINVAL : 2;
	if (!strcmp(field, "mtime_ns")) {
		if (parse_u64(v, &u) < 0 || u > INT64_MAX)
			return -EINVAL;
		s->mtime_ns = (int64_t)u;
		return 4;
	}
	if (!strcmp(field, "ino"))
		return parse_u64(v, &s->ino) ? -EINVAL : 8;
	if (!strcmp(field, "head_sha256"))
		return unhex(v, s->head_sha256, 32) ? -EINVAL : 16;
	if (!strcmp(field, "sha256"))
		return unhex(v, s->sha256, 32) ? -EINVAL : 32;
	return -EINVAL;
}

static int set_blob(struct kl_cache_blob *b, const char *field, const char *v)
{
	uint8_t c[4];

	if (!strcmp(field, "size"))
		return parse_u64(v, &b->size) ? -EINVAL : 1;
	if (!strcmp(field, "sha256"))
		return unhex(v, b->sha256, 32) ? -EINVAL : 2;
	if (!strcmp(field, "crc32c")) {
		if (unhex(v, c, 4) < 0)
			return -EINVAL;
		b->crc32c = (uint32_t)c[0] << 24 | (uint32_t)c[1] << 16 | (uint32_t)c[2] << 8 | c[3];
		return 4;
	}
	return -EINVAL;
}

int kl_cache_meta_parse(const char *text, size_t len, struct kl_cache_entry *ret, struct kl_err *err)
{
	struct kl_cache_entry e = { 0 };
	const char *p = text, *end = text + len, *crc_line = NULL;
	unsigned int have_k = 0, have_i = 0, have_v = 0, have_c = 0, lineno = 0;
	bool have_key = false, have_comp = false, have_ver = false, have_created = false;
	uint8_t crc[4];
	uint32_t want;

	if (len > 64 * 1024 || memchr(text, 0, len))
		return kl_fail(err, -EINVAL, "meta: too large or not text");
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		char line[1200], *eq, *name, *v, *dot;
		size_t n;
		int r = 0;

		if (!eol)
			return kl_fail(err, -EINVAL, "meta: truncated (line %u has no end)", lineno + 1);
		n = (size_t)(eol - p);
		lineno++;
		if (n >= sizeof(line))
			return kl_fail(err, -EINVAL, "meta: line %u is too long", lineno);
		memcpy(line, p, n);
		line[n] = 0;
		if (lineno == 1) {
			if (strcmp(line, META_VERSION_LINE) != 0)
				return kl_fail(err, -EINVAL, "meta: unknown format '%.40s'", line);
			p = eol + 1;
			continue;
		}
		eq = strchr(line, '=');
		if (!eq)
			return kl_fail(err, -EINVAL, "meta: line %u is not name=value", lineno);
		*eq = 0;
		name = line;
		v = eq + 1;
		if (!strcmp(name, "meta_crc32c")) {
			crc_line = p;
			if (unhex(v, crc, 4) < 0 || eol + 1 != end)
				return kl_fail(err, -EINVAL, "meta: bad or misplaced meta_crc32c");
			break;
		}
		dot = strchr(name, '.');
		if (dot) {
			*dot = 0;
			if (!strcmp(name, "kernel"))
				r = set_src(&e.kernel, dot + 1, v), have_k |= r > 0 ? (unsigned int)r : 0;
			else if (!strcmp(name, "initrd"))
				r = set_src(&e.initrd, dot + 1, v), have_i |= r > 0 ? (unsigned int)r : 0;
			else if (!strcmp(name, "vmlinux"))
				r = set_blob(&e.vmlinux, dot + 1, v), have_v |= r > 0 ? (unsigned int)r : 0;
			else if (!strcmp(name, "initrd_cpio"))
				r = set_blob(&e.initrd_cpio, dot + 1, v), have_c |= r > 0 ? (unsigned int)r : 0;
			else
				r = -EINVAL;
		} else if (!strcmp(name, "key")) {
			uint8_t k[32];

			r = unhex(v, k, 32);
			if (r == 0) {
				snprintf(e.key, sizeof(e.key), "%s", v);
				have_key = true;
			}
		} else if (!strcmp(name, "compression")) {
			r = strlen(v) < sizeof(e.compression) ? 0 : -EINVAL;
			snprintf(e.compression, sizeof(e.compression), "%.15s", v);
			have_comp = true;
		} else if (!strcmp(name, "version")) {
			snprintf(e.version, sizeof(e.version), "%.127s", v);
			have_ver = true;
		} else if (!strcmp(name, "created")) {
			uint64_t u;

			r = parse_u64(v, &u);
			e.created = (int64_t)(u & INT64_MAX);
			have_created = r == 0;
		} else {
			r = -EINVAL;
		}
		if (r < 0)
			return kl_fail(err, -EINVAL, "meta: bad line %u", lineno);
		p = eol + 1;
	}
	if (!crc_line)
		return kl_fail(err, -EINVAL, "meta: no meta_crc32c line (truncated?)");
	want = (uint32_t)crc[0] << 24 | (uint32_t)crc[1] << 16 | (uint32_t)crc[2] << 8 | crc[3];
	if (kl_crc32c(text, (size_t)(crc_line - text)) != want)
		return kl_fail(err, -EINVAL, "meta: checksum mismatch");
	if (!have_key || !have_comp || !have_ver || !have_created || have_k != 63 || have_v != 7 ||
	    (have_i && have_i != 63) || (!have_i) != (!have_c) || (have_c && have_c != 7))
		return kl_fail(err, -EINVAL, "meta: fields missing");
	e.has_initrd = have_i != 0;
	*ret = e;
	return 0;
}

/* ---- files ---------------------------------------------------------------- */

static int write_synced(const char *path, const void *b, size_t n)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
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

static int fsync_dir(const char *path)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	return fsync(fd) < 0 ? -errno : 0;
}

static int rm_rf(const char *path)
{
	DIR *d = opendir(path);
	struct dirent *de;
	char p[PATH_MAX];

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..")) {
			snprintf(p, sizeof(p), "%s/%s", path, de->d_name);
			unlink(p);
		}
	closedir(d);
	return rmdir(path) < 0 ? -errno : 0;
}

static void sha256(const void *b, size_t n, uint8_t out[32])
{
	EVP_Digest(b, n, out, NULL, EVP_sha256(), NULL);
}

static int describe_src(const char *path, const void *b, size_t n, struct kl_cache_src *s, struct kl_err *err)
{
	struct stat st;

	if (!realpath(path, s->path))
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	if (strchr(s->path, '\n'))
		return kl_fail(err, -EINVAL, "%s: a path with a newline cannot be cached", path);
	if (stat(s->path, &st) < 0)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	s->size = (uint64_t)st.st_size;
	s->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	s->ino = (uint64_t)st.st_ino;
	sha256(b, KL_MIN(n, (size_t)KL_CACHE_HEAD_SIZE), s->head_sha256);
	sha256(b, n, s->sha256);
	return 0;
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

static int ensure_dir(const char *dir, struct kl_err *err)
{
	struct stat st;

	make_parents(dir);
	if (mkdir(dir, 0700) < 0 && errno != EEXIST)
		return kl_fail(err, -errno, "cannot create %s: %s", dir, strerror(errno));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode))
		return kl_fail(err, -ENOTDIR, "%s is not a directory", dir);
	if (st.st_uid != geteuid())
		return kl_fail(err, -EPERM, "%s is owned by uid %u, not by us (%u): refusing to use it", dir,
			       (unsigned int)st.st_uid, (unsigned int)geteuid());
	if ((st.st_mode & 07777) != 0700 && chmod(dir, 0700) < 0)
		return kl_fail(err, -errno, "cannot make %s mode 0700: %s", dir, strerror(errno));
	return 0;
}

int kl_cache_stage(const char *dir, const char *kernel, const char *initrd, struct kl_cache_entry *ret,
		   struct kl_err *err)
{
	struct kl_cache_entry e = { 0 };
	_cleanup_free_ void *k = NULL, *i = NULL, *vm = NULL, *cpio = NULL;
	_cleanup_free_ char *meta = NULL;
	size_t klen = 0, ilen = 0, vlen = 0, clen = 0;
	struct kl_bzimage z;
	struct kl_elf_image elf;
	enum kl_comp c;
	char tmp[PATH_MAX], final[PATH_MAX], p[PATH_MAX + 32];
	uint8_t keybuf[64], key[32];
	int r;

	r = kl_read_regular(kernel, SOURCE_MAX, &k, &klen, err);
	if (r < 0)
		return r;
	r = kl_bzimage_parse(k, klen, &z, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "%s", kernel);
	c = kl_comp_detect(z.kernel + z.payload_offset, z.payload_length);
	if (!z.relocatable || !z.payload_length || c == KL_COMP_NONE)
		return kl_fail(err, -ENOEXEC, "%s: no relocatable kernel with a known payload compression", kernel);
	r = kl_decompress(c, z.kernel + z.payload_offset, z.payload_length, KL_MAX(2ULL * z.init_size, 64ULL << 20),
			  &vm, &vlen, NULL, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "%s: payload (%s)", kernel, kl_comp_name(c));
	r = kl_elf_parse(vm, vlen, &elf, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "%s: the payload is not a kernel ELF", kernel);
	r = describe_src(kernel, k, klen, &e.kernel, err);
	if (r < 0)
		return r;
	if (initrd) {
		r = kl_read_regular(initrd, SOURCE_MAX, &i, &ilen, err);
		if (r < 0)
			return r;
		r = kl_initramfs_flatten(i, ilen, SOURCE_MAX, &cpio, &clen, NULL, err);
		if (r < 0)
			return kl_fail_prefix(err, r, "%s", initrd);
		r = describe_src(initrd, i, ilen, &e.initrd, err);
		if (r < 0)
			return r;
		e.has_initrd = true;
	}
	memcpy(keybuf, e.kernel.sha256, 32);
	memset(keybuf + 32, 0, 32);
	if (e.has_initrd)
		memcpy(keybuf + 32, e.initrd.sha256, 32);
	sha256(keybuf, 64, key);
	hex(e.key, key, 32);
	snprintf(e.compression, sizeof(e.compression), "%s", kl_comp_name(c));
	snprintf(e.version, sizeof(e.version), "%s", z.kernel_version[0] ? z.kernel_version : "unknown");
	e.created = (int64_t)time(NULL);
	e.vmlinux.size = vlen;
	sha256(vm, vlen, e.vmlinux.sha256);
	e.vmlinux.crc32c = kl_crc32c(vm, vlen);
	if (e.has_initrd) {
		e.initrd_cpio.size = clen;
		sha256(cpio, clen, e.initrd_cpio.sha256);
		e.initrd_cpio.crc32c = kl_crc32c(cpio, clen);
	}
	r = kl_cache_meta_format(&e, &meta);
	if (r < 0)
		return r;

	r = ensure_dir(dir, err);
	if (r < 0)
		return r;
	snprintf(tmp, sizeof(tmp), "%s/.stage-XXXXXX", dir);
	if (!mkdtemp(tmp))
		return kl_fail(err, -errno, "cannot create a directory in %s: %s", dir, strerror(errno));
	snprintf(p, sizeof(p), "%s/vmlinux.bin", tmp);
	r = write_synced(p, vm, vlen);
	if (r == 0 && e.has_initrd) {
		snprintf(p, sizeof(p), "%s/initrd.cpio", tmp);
		r = write_synced(p, cpio, clen);
	}
	if (r == 0) { /* meta last: only a complete entry has one */
		snprintf(p, sizeof(p), "%s/meta", tmp);
		r = write_synced(p, meta, strlen(meta));
	}
	if (r == 0)
		r = fsync_dir(tmp);
	if (r < 0) {
		rm_rf(tmp);
		return kl_fail(err, r, "cannot write the entry in %s: %s", dir, strerror(-r));
	}
	snprintf(final, sizeof(final), "%s/%s", dir, e.key);
	rm_rf(final); /* the same sources staged again */
	if (rename(tmp, final) < 0) {
		r = -errno;
		rm_rf(tmp);
		return kl_fail(err, r, "cannot rename the entry into place: %s", strerror(-r));
	}
	fsync_dir(dir);
	*ret = e;
	return 0;
}

/* Read and check CACHE/name/meta: 0 and the entry, or why not. */
static int entry_meta(const char *dir, const char *name, struct kl_cache_entry *ret, struct kl_err *err)
{
	char p[PATH_MAX];
	_cleanup_free_ void *text = NULL;
	size_t len;
	struct kl_cache_entry e;
	int r;

	snprintf(p, sizeof(p), "%s/%s/meta", dir, name);
	if (kl_read_regular(p, 65536, &text, &len, NULL) < 0)
		return kl_fail(err, -ENOENT, "no meta (incomplete entry)");
	r = kl_cache_meta_parse(text, len, &e, err);
	if (r < 0)
		return r;
	if (strcmp(e.key, name) != 0)
		return kl_fail(err, -EINVAL, "meta names another key");
	*ret = e;
	return 0;
}

int kl_cache_list(const char *dir, struct kl_cache_entry **ret, size_t *ret_n,
		  void (*bad_cb)(const char *name, const char *why, void *data), void *data)
{
	struct kl_cache_entry *v = NULL;
	size_t n = 0;
	struct dirent *de;
	DIR *d = opendir(dir);

	*ret = NULL;
	*ret_n = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		struct kl_cache_entry e;
		struct kl_err err = { { 0 } };
		struct kl_cache_entry *nv;

		if (de->d_name[0] == '.')
			continue; /* ., .., and .stage-* of an interrupted stage */
		if (entry_meta(dir, de->d_name, &e, &err) < 0) {
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

/* Map an entry's file, private.  Entries are written once, renamed into
 * place and never changed in place (only replaced or removed), so mapping
 * is as safe as reading, and saves a copy and a page fault per page.
 * writable: the caller may change its view (kexec relocates the kernel in
 * place); the pages it writes are copied then, the file never changes. */
static int map_blob(const char *path, bool writable, void **ret, size_t *ret_len)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	void *p;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > SOURCE_MAX)
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

static int check_blob(const char *dir, const char *key, const char *file, const struct kl_cache_blob *b,
		      bool full, bool writable, void **ret, size_t *ret_len, struct kl_err *err)
{
	char p[PATH_MAX];
	void *buf = NULL;
	size_t len = 0;
	uint8_t d[32];
	int r;

	snprintf(p, sizeof(p), "%s/%s/%s", dir, key, file);
	r = map_blob(p, writable, &buf, &len);
	if (r < 0)
		return kl_fail(err, r, "%s: %s", file, strerror(-r));
	if (len != b->size) {
		kl_cache_release(buf, len);
		return kl_fail(err, -EBADMSG, "%s: %zu bytes, meta says %" PRIu64, file, len, b->size);
	}
	if (full) {
		sha256(buf, len, d);
		r = memcmp(d, b->sha256, 32) ? -EBADMSG : 0;
	} else {
		r = kl_crc32c(buf, len) != b->crc32c ? -EBADMSG : 0;
	}
	if (r < 0) {
		kl_cache_release(buf, len);
		return kl_fail(err, r, "%s: %s mismatch", file, full ? "SHA-256" : "CRC-32C");
	}
	if (ret) {
		*ret = buf;
		*ret_len = len;
	} else {
		kl_cache_release(buf, len);
	}
	return 0;
}

int kl_cache_verify(const char *dir, const struct kl_cache_entry *e, struct kl_err *err)
{
	int r = check_blob(dir, e->key, "vmlinux.bin", &e->vmlinux, true, false, NULL, NULL, err);

	if (r == 0 && e->has_initrd)
		r = check_blob(dir, e->key, "initrd.cpio", &e->initrd_cpio, true, false, NULL, NULL, err);
	return r;
}

int kl_cache_remove(const char *dir, const char *key)
{
	char p[PATH_MAX];

	if (!*key || strchr(key, '/') || key[0] == '.')
		return -EINVAL;
	snprintf(p, sizeof(p), "%s/%s", dir, key);
	return rm_rf(p);
}

const char *kl_cache_src_stale(const struct kl_cache_src *s)
{
	struct stat st;
	uint8_t head[KL_CACHE_HEAD_SIZE], d[32];
	ssize_t n;
	_cleanup_close_ int fd = -1;

	if (stat(s->path, &st) < 0)
		return "source gone or unreadable";
	if ((uint64_t)st.st_size != s->size)
		return "size changed";
	if ((int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec != s->mtime_ns)
		return "mtime changed";
	if ((uint64_t)st.st_ino != s->ino)
		return "inode changed";
	fd = open(s->path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return "source gone or unreadable";
	n = read(fd, head, KL_MIN(sizeof(head), (size_t)s->size));
	if (n < 0)
		return "source gone or unreadable";
	sha256(head, (size_t)n, d);
	if (memcmp(d, s->head_sha256, 32) != 0)
		return "contents changed";
	return NULL;
}

int kl_cache_lookup(const char *dir, const char *kernel, const char *initrd, struct kl_cache_entry *ret_e,
		    void **ret_vmlinux, size_t *ret_vlen, void **ret_cpio, size_t *ret_clen, char *why,
		    size_t whylen)
{
	_cleanup_free_ struct kl_cache_entry *v = NULL;
	char real[PATH_MAX];
	bool rejected = false;
	size_t n, k;
	int r;

	snprintf(why, whylen, "no entry for %s", kernel);
	r = kl_cache_list(dir, &v, &n, NULL, NULL);
	if (r < 0) {
		snprintf(why, whylen, "cannot read %s: %s", dir, strerror(-r));
		return 0;
	}
	if (!realpath(kernel, real))
		return 0;
	for (k = 0; k < n; k++) {
		const struct kl_cache_entry *e = &v[k];
		const char *stale;
		struct kl_err err = { { 0 } };
		void *vm = NULL, *cpio = NULL;
		size_t vlen = 0, clen = 0;

		if (strcmp(e->kernel.path, real) != 0)
			continue;
		if (e->has_initrd != (initrd != NULL))
			continue;
		if (initrd) {
			char ireal[PATH_MAX];

			if (!realpath(initrd, ireal) || strcmp(e->initrd.path, ireal) != 0)
				continue;
		}
		/* the paths match (above): now the files behind them */
		stale = kl_cache_src_stale(&e->kernel);
		if (!stale && initrd)
			stale = kl_cache_src_stale(&e->initrd);
		if (stale) {
			snprintf(why, whylen, "entry %.12s is stale (%s)", e->key, stale);
			rejected = true;
			continue;
		}
		r = check_blob(dir, e->key, "vmlinux.bin", &e->vmlinux, false, true, &vm, &vlen, &err);
		if (r == 0 && initrd)
			r = check_blob(dir, e->key, "initrd.cpio", &e->initrd_cpio, false, false, &cpio, &clen, &err);
		if (r < 0) {
			kl_cache_release(vm, vlen);
			snprintf(why, whylen, "entry %.12s is damaged (%s)", e->key, err.msg);
			rejected = true;
			continue;
		}
		*ret_e = *e;
		*ret_vmlinux = vm;
		*ret_vlen = vlen;
		*ret_cpio = cpio;
		*ret_clen = clen;
		snprintf(why, whylen, "entry %.12s", e->key);
		return 1;
	}
	return rejected ? -ESTALE : 0;
}

int kl_cache_remove_leftovers(const char *dir, void (*cb)(const char *name, const char *why, void *data),
			      void *data)
{
	DIR *d = opendir(dir);
	struct dirent *de;

	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((de = readdir(d))) {
		char p[PATH_MAX];
		struct kl_cache_entry e;
		const char *why = NULL;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!strncmp(de->d_name, ".stage-", 7))
			why = "interrupted stage";
		else if (entry_meta(dir, de->d_name, &e, NULL) < 0)
			why = "no valid meta";
		if (!why)
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, de->d_name);
		if (rm_rf(p) == 0 && cb)
			cb(de->d_name, why, data);
	}
	closedir(d);
	return 0;
}
