/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The preload cache's meta file, parsed and written (cache.h).  Pure: no
 * file is read or written here, so the fuzzer and the unit tests take it
 * as it is.
 */
#define _GNU_SOURCE /* vasprintf */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/cache/cache.h"
#include "purgatory/crc32c.h"

#define META_VERSION_LINE "kexec-live-preload 1"

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

	kl_hex(h1, s->head_sha256, 32);
	kl_hex(h2, s->sha256, 32);
	sb_add(sb, "%s.path=%s\n%s.size=%" PRIu64 "\n%s.mtime_ns=%" PRId64 "\n%s.ino=%" PRIu64
		   "\n%s.head_sha256=%s\n%s.sha256=%s\n",
	       name, s->path, name, s->size, name, s->mtime_ns, name, s->ino, name, h1, name, h2);
}

static void add_blob(struct strbuf *sb, const char *name, const struct kl_cache_blob *b)
{
	char h[65];

	kl_hex(h, b->sha256, 32);
	sb_add(sb, "%s.size=%" PRIu64 "\n%s.sha256=%s\n%s.crc32c=%08x\n", name, b->size, name, h, name,
	       b->crc32c);
	if (b->has_xxh64)
		sb_add(sb, "%s.xxh64=%016" PRIx64 "\n", name, b->xxh64);
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
	return kl_parse_u64(v, 10, ret);
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
	if (!strcmp(field, "xxh64")) {
		uint8_t x[8];
		int i;

		if (unhex(v, x, 8) < 0)
			return -EINVAL;
		for (b->xxh64 = 0, i = 0; i < 8; i++)
			b->xxh64 = b->xxh64 << 8 | x[i];
		b->has_xxh64 = true;
		return 8;
	}
	return -EINVAL;
}

/* Which fields a meta file had: a bit per sub-field of each source and
 * blob (set_src and set_blob return theirs), and the single ones. */
struct meta_seen {
	unsigned int kernel, initrd, vmlinux, initrd_cpio;
	bool key, compression, version, created;
};

/* One name=value line of a meta file (name is writable): 0, or -EINVAL
 * for an unknown name or a bad value. */
static int meta_field(struct kl_cache_entry *e, struct meta_seen *seen, char *name, const char *v)
{
	char *dot = strchr(name, '.');
	uint64_t u;
	uint8_t k[32];
	int r;

	if (dot) {
		*dot = 0;
		if (!strcmp(name, "kernel"))
			r = set_src(&e->kernel, dot + 1, v), seen->kernel |= r > 0 ? (unsigned int)r : 0;
		else if (!strcmp(name, "initrd"))
			r = set_src(&e->initrd, dot + 1, v), seen->initrd |= r > 0 ? (unsigned int)r : 0;
		else if (!strcmp(name, "vmlinux"))
			r = set_blob(&e->vmlinux, dot + 1, v), seen->vmlinux |= r > 0 ? (unsigned int)r : 0;
		else if (!strcmp(name, "initrd_cpio"))
			r = set_blob(&e->initrd_cpio, dot + 1, v), seen->initrd_cpio |= r > 0 ? (unsigned int)r : 0;
		else
			r = -EINVAL;
		return r < 0 ? r : 0;
	}
	if (!strcmp(name, "key")) {
		r = unhex(v, k, 32);
		if (r == 0) {
			snprintf(e->key, sizeof(e->key), "%s", v);
			seen->key = true;
		}
		return r;
	}
	if (!strcmp(name, "compression")) {
		snprintf(e->compression, sizeof(e->compression), "%.15s", v);
		seen->compression = true;
		return strlen(v) < sizeof(e->compression) ? 0 : -EINVAL;
	}
	if (!strcmp(name, "version")) {
		snprintf(e->version, sizeof(e->version), "%.127s", v);
		seen->version = true;
		return 0;
	}
	if (!strcmp(name, "created")) {
		r = parse_u64(v, &u);
		e->created = (int64_t)(u & INT64_MAX);
		seen->created = r == 0;
		return r;
	}
	return -EINVAL;
}

/* A blob's sub-fields: size, sha256 and crc32c, and xxh64 or not (older
 * entries lack it). */
static bool blob_whole(unsigned int seen)
{
	return seen == 7 || seen == 15;
}

/* Every field there, each source and blob whole (all 6 sub-fields, and
 * blob_whole), and the initrd's two together or not at all. */
static bool meta_complete(const struct meta_seen *s)
{
	if (!s->key || !s->compression || !s->version || !s->created || s->kernel != 63 || !blob_whole(s->vmlinux))
		return false;
	if ((s->initrd && s->initrd != 63) || (s->initrd_cpio && !blob_whole(s->initrd_cpio)))
		return false;
	return !s->initrd == !s->initrd_cpio;
}

int kl_cache_meta_parse(const char *text, size_t len, struct kl_cache_entry *ret, struct kl_err *err)
{
	struct kl_cache_entry e = { 0 };
	struct meta_seen seen = { 0 };
	const char *p = text, *end = text + len, *crc_line = NULL;
	unsigned int lineno = 0;
	uint8_t crc[4];
	uint32_t want;

	if (len > 64 * 1024 || memchr(text, 0, len))
		return kl_fail(err, -EINVAL, "meta: too large or not text");
	while (p < end) {
		const char *eol = memchr(p, '\n', (size_t)(end - p));
		char line[1200], *eq;
		size_t n;

		if (!eol)
			return kl_fail(err, -EINVAL, "meta: truncated (line %u has no end)", lineno + 1);
		n = (size_t)(eol - p);
		lineno++;
		if (n >= sizeof(line))
			return kl_fail(err, -EINVAL, "meta: line %u is too long", lineno);
		memcpy(line, p, n);
		line[n] = 0;
		eq = strchr(line, '=');
		if (lineno == 1) {
			if (strcmp(line, META_VERSION_LINE) != 0)
				return kl_fail(err, -EINVAL, "meta: unknown format '%.40s'", line);
		} else if (!eq) {
			return kl_fail(err, -EINVAL, "meta: line %u is not name=value", lineno);
		} else if (!strncmp(line, "meta_crc32c=", 12)) {
			crc_line = p;
			if (unhex(eq + 1, crc, 4) < 0 || eol + 1 != end)
				return kl_fail(err, -EINVAL, "meta: bad or misplaced meta_crc32c");
			break;
		} else {
			*eq = 0;
			if (meta_field(&e, &seen, line, eq + 1) < 0)
				return kl_fail(err, -EINVAL, "meta: bad line %u", lineno);
		}
		p = eol + 1;
	}
	if (!crc_line)
		return kl_fail(err, -EINVAL, "meta: no meta_crc32c line (truncated?)");
	want = (uint32_t)crc[0] << 24 | (uint32_t)crc[1] << 16 | (uint32_t)crc[2] << 8 | crc[3];
	if (kl_crc32c(text, (size_t)(crc_line - text)) != want)
		return kl_fail(err, -EINVAL, "meta: checksum mismatch");
	if (!meta_complete(&seen))
		return kl_fail(err, -EINVAL, "meta: fields missing");
	e.has_initrd = seen.initrd != 0;
	*ret = e;
	return 0;
}

