/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>

#include "lib/base/util.h"
#include "lib/format/decompress.h"
#include "lib/format/initramfs.h"

#define CPIO_HDR 110
#define CPIO_ENTRIES_MAX (1u << 22)

static bool is_cpio(const uint8_t *p, size_t n)
{
	return n >= 6 && (!memcmp(p, "070701", 6) || !memcmp(p, "070702", 6));
}

static int hex8(const uint8_t *p, uint32_t *ret)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 8; i++) {
		uint8_t c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -EINVAL;
	}
	*ret = v;
	return 0;
}

/* Length of the archive starting at p: through the TRAILER!!! entry and its
 * padding.  Every header, name and file is checked to lie inside. */
static int cpio_archive_len(const uint8_t *p, size_t n, size_t base, size_t *ret, struct kl_err *err)
{
	size_t pos = 0;
	unsigned int entries = 0;

	for (;;) {
		uint32_t filesize, namesize;
		size_t name, data;

		if (!kl_in_bounds(n, pos, CPIO_HDR) || !is_cpio(p + pos, n - pos))
			return kl_fail(err, -EINVAL, "initramfs: truncated or broken cpio header at offset %zu",
				       base + pos);
		if (hex8(p + pos + 54, &filesize) < 0 || hex8(p + pos + 94, &namesize) < 0 || !namesize ||
		    namesize > 4096)
			return kl_fail(err, -EINVAL, "initramfs: bad cpio header fields at offset %zu", base + pos);
		name = pos + CPIO_HDR;
		if (!kl_in_bounds(n, name, namesize) || p[name + namesize - 1])
			return kl_fail(err, -EINVAL, "initramfs: cpio name runs past the data at offset %zu",
				       base + pos);
		data = kl_align_up(name + namesize, 4);
		if (!kl_in_bounds(n, data, filesize))
			return kl_fail(err, -EINVAL, "initramfs: cpio file data runs past the end at offset %zu",
				       base + pos);
		pos = kl_align_up(data + filesize, 4);
		if (pos > n)
			pos = n; /* the last entry's padding may be cut */
		if (namesize == 11 && !memcmp(p + name, "TRAILER!!!", 11))
			break;
		if (++entries > CPIO_ENTRIES_MAX)
			return kl_fail(err, -E2BIG, "initramfs: more than %u cpio entries", CPIO_ENTRIES_MAX);
	}
	*ret = pos;
	return 0;
}

struct out {
	uint8_t *p;
	size_t len, alloc;
	uint64_t cap;
};

static int out_append(struct out *o, const void *data, size_t n)
{
	size_t pad = kl_align_up(o->len, 4) - o->len, need;

	if (!n)
		return 0;
	if (__builtin_add_overflow(o->len, pad + n, &need) || need > o->cap)
		return -EFBIG;
	if (need > o->alloc || !o->p) {
		size_t a = KL_MAX(need, KL_MAX(o->alloc * 2, (size_t)65536));
		uint8_t *np = realloc(o->p, a);

		if (!np)
			return -ENOMEM;
		o->p = np;
		o->alloc = a;
	}
	memset(o->p + o->len, 0, pad); /* archives start 4-byte aligned */
	memcpy(o->p + o->len + pad, data, n);
	o->len = need;
	return 0;
}

/* depth 0: the file itself; 1: inside a compressed member (cpio only). */
static int flatten(const uint8_t *b, size_t len, size_t base, int depth, struct out *o,
		   struct kl_initramfs_stats *st, struct kl_err *err)
{
	size_t pos = 0;
	int r;

	while (pos < len) {
		enum kl_comp c;
		size_t alen = 0;

		if (!b[pos]) { /* padding between members, as the kernel skips it */
			pos++;
			continue;
		}
		if (is_cpio(b + pos, len - pos)) {
			r = cpio_archive_len(b + pos, len - pos, base + pos, &alen, err);
			if (r < 0)
				return r;
			r = out_append(o, b + pos, alen);
			if (r < 0)
				return kl_fail(err, r, "initramfs: flattened archive larger than %llu MiB",
					       (unsigned long long)(o->cap >> 20));
			st->archives++;
			pos += alen;
			continue;
		}
		c = kl_comp_detect(b + pos, len - pos);
		if (c != KL_COMP_NONE && depth == 0) {
			void *inner;
			size_t ilen, trailing;

			r = kl_decompress(c, b + pos, len - pos, o->cap, &inner, &ilen, &trailing, err);
			if (r < 0)
				return kl_fail_prefix(err, r, "initramfs: %s member at offset %zu", kl_comp_name(c), base + pos);
			st->compressed++;
			r = flatten(inner, ilen, 0, 1, o, st, err);
			free(inner);
			if (r < 0)
				return kl_fail_prefix(err, r, "initramfs: inside the %s member at offset %zu", kl_comp_name(c),
					       base + pos);
			pos = len - trailing;
			continue;
		}
		return kl_fail(err, -EINVAL,
			       "initramfs: unknown data at offset %zu (not cpio, compressed data or zero padding)",
			       base + pos);
	}
	return 0;
}

int kl_initramfs_flatten(const void *buf, size_t len, uint64_t cap, void **ret, size_t *ret_len,
			 struct kl_initramfs_stats *ret_stats, struct kl_err *err)
{
	struct out o = { .cap = cap ? cap : KL_DECOMPRESS_CAP_DEFAULT };
	struct kl_initramfs_stats st = { 0 };
	int r;

	r = flatten(buf, len, 0, 0, &o, &st, err);
	if (r == 0 && !st.archives)
		r = kl_fail(err, -EINVAL, "initramfs: no cpio archive found");
	if (r < 0) {
		free(o.p);
		return r;
	}
	*ret = o.p;
	*ret_len = o.len;
	if (ret_stats)
		*ret_stats = st;
	return 0;
}
