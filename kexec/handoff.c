/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../purgatory/crc32c.h"
#include "handoff.h"
#include "number.h"
#include "util.h"

_Static_assert(sizeof(KL_HO_MAGIC) - 1 == 8, "the magic is 8 bytes");

void kl_handoff_free(struct kl_handoff *t)
{
	free(t->e);
	*t = (struct kl_handoff){ 0 };
}

static int check_name(const char *s, size_t max, bool empty_ok)
{
	size_t n = strlen(s), i;

	if (n > max || (!n && !empty_ok))
		return -EINVAL;
	for (i = 0; i < n; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return -EINVAL; /* printable, no spaces: names go on command lines */
	return 0;
}

int kl_handoff_add(struct kl_handoff *t, const struct kl_ho_entry *e, struct kl_err *err)
{
	struct kl_ho_entry *n;

	if (check_name(e->name, KL_HO_NAME_MAX, false) < 0)
		return kl_fail(err, -EINVAL, "handoff name '%.80s': 1 to %d printable characters, no spaces", e->name,
			       KL_HO_NAME_MAX);
	if (e->type == KL_HO_BLOB && check_name(e->kind, KL_HO_KIND_MAX, true) < 0)
		return kl_fail(err, -EINVAL, "handoff kind '%.80s': up to %d printable characters", e->kind,
			       KL_HO_KIND_MAX);
	if (t->n >= KL_HO_MAX_RECORDS)
		return kl_fail(err, -E2BIG, "more than %d handoff records", KL_HO_MAX_RECORDS);
	n = realloc(t->e, (t->n + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	t->e = n;
	t->e[t->n++] = *e;
	return 0;
}

static size_t body_size(const struct kl_ho_entry *e)
{
	size_t name = strlen(e->name);

	if (e->type == KL_HO_REGION)
		return 58 + name;
	return 60 + name + strlen(e->kind) + (e->storage == KL_HO_INLINE ? (size_t)e->len : 0);
}

int kl_handoff_encode(const struct kl_handoff *t, void **ret, size_t *ret_len, struct kl_err *err)
{
	size_t total = KL_HO_HDR_SIZE, i, pos;
	uint8_t *b;

	for (i = 0; i < t->n; i++) {
		const struct kl_ho_entry *e = &t->e[i];

		if (e->type == KL_HO_BLOB && e->storage == KL_HO_INLINE && e->len > KL_HO_MAX_SIZE)
			return kl_fail(err, -E2BIG, "inline handoff blob '%s' is too large", e->name);
		total += kl_align_up(KL_HO_REC_HDR_SIZE + body_size(e), 8);
	}
	if (total > KL_HO_MAX_SIZE)
		return kl_fail(err, -E2BIG, "handoff table of %zu bytes is larger than %u", total, KL_HO_MAX_SIZE);
	b = calloc(1, total);
	if (!b)
		return -ENOMEM;
	memcpy(b, KL_HO_MAGIC, 8);
	kl_put_le16(b + 8, KL_HO_VERSION);
	kl_put_le16(b + 10, KL_HO_HDR_SIZE);
	kl_put_le32(b + 12, (uint32_t)total);
	kl_put_le32(b + 16, (uint32_t)t->n);
	pos = KL_HO_HDR_SIZE;
	for (i = 0; i < t->n; i++) {
		const struct kl_ho_entry *e = &t->e[i];
		size_t rs = kl_align_up(KL_HO_REC_HDR_SIZE + body_size(e), 8), nl = strlen(e->name);
		uint8_t *r = b + pos, *p = r + KL_HO_REC_HDR_SIZE;

		kl_put_le16(r, (uint16_t)e->type);
		kl_put_le32(r + 4, (uint32_t)rs);
		if (e->type == KL_HO_REGION) {
			kl_put_le64(p, e->start);
			kl_put_le64(p + 8, e->size);
			kl_put_le32(p + 16, e->keep);
			kl_put_le32(p + 20, e->digest_alg);
			memcpy(p + 24, e->sha256, 32);
			kl_put_le16(p + 56, (uint16_t)nl);
			memcpy(p + 58, e->name, nl);
		} else {
			size_t kl = strlen(e->kind);

			kl_put_le32(p, e->storage);
			kl_put_le32(p + 4, e->digest_alg);
			memcpy(p + 8, e->sha256, 32);
			kl_put_le64(p + 40, e->storage == KL_HO_IN_MEMORY ? e->phys : 0);
			kl_put_le64(p + 48, e->len);
			kl_put_le16(p + 56, (uint16_t)nl);
			kl_put_le16(p + 58, (uint16_t)kl);
			memcpy(p + 60, e->name, nl);
			memcpy(p + 60 + nl, e->kind, kl);
			if (e->storage == KL_HO_INLINE && e->len)
				memcpy(p + 60 + nl + kl, e->data, (size_t)e->len);
		}
		pos += rs;
	}
	kl_put_le32(b + 24, kl_crc32c(b, total));
	*ret = b;
	*ret_len = total;
	return 0;
}

static int take_string(const uint8_t *p, size_t n, size_t max, bool empty_ok, char *out)
{
	if (n > max || (!n && !empty_ok))
		return -EINVAL;
	memcpy(out, p, n);
	out[n] = 0;
	return strlen(out) == n ? check_name(out, max, empty_ok) : -EINVAL;
}

int kl_handoff_decode(const void *buf, size_t len, struct kl_handoff *ret, struct kl_err *err)
{
	const uint8_t *b = buf;
	struct kl_handoff t = { 0 };
	uint32_t total, nrec, want, got, i;
	uint8_t *copy;
	size_t pos, j;
	int r = 0;

	if (len < KL_HO_HDR_SIZE || memcmp(b, KL_HO_MAGIC, 8) != 0)
		return kl_fail(err, -EBADMSG, "not a handoff table (no KLHANDOF magic)");
	if (kl_le16(b + 8) != KL_HO_VERSION)
		return kl_fail(err, -EPROTO, "handoff table version %u is not supported (this reader knows %d)",
			       kl_le16(b + 8), KL_HO_VERSION);
	if (kl_le16(b + 10) != KL_HO_HDR_SIZE)
		return kl_fail(err, -EBADMSG, "handoff table header size %u, expected %d", kl_le16(b + 10),
			       KL_HO_HDR_SIZE);
	total = kl_le32(b + 12);
	nrec = kl_le32(b + 16);
	if (total < KL_HO_HDR_SIZE || total > len || total > KL_HO_MAX_SIZE)
		return kl_fail(err, -EBADMSG, "handoff table claims %u bytes, %zu are there (truncated?)", total, len);
	if (nrec > KL_HO_MAX_RECORDS)
		return kl_fail(err, -EBADMSG, "handoff table claims %u records (at most %d)", nrec, KL_HO_MAX_RECORDS);
	/* CRC-32C over the table with its own field counted as zero */
	copy = malloc(total);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, b, total);
	kl_put_le32(copy + 24, 0);
	got = kl_crc32c(copy, total);
	free(copy);
	want = kl_le32(b + 24);
	if (got != want)
		return kl_fail(err, -EBADMSG, "handoff table checksum mismatch (CRC-32C %08x, header says %08x)", got,
			       want);

	pos = KL_HO_HDR_SIZE;
	for (i = 0; i < nrec && r == 0; i++) {
		const uint8_t *rec = b + pos, *p;
		uint16_t type, flags;
		uint32_t rs;
		size_t body;
		struct kl_ho_entry e = { 0 };

		if (!kl_in_bounds(total, pos, KL_HO_REC_HDR_SIZE)) {
			r = kl_fail(err, -EBADMSG, "handoff record %u is truncated", i);
			break;
		}
		type = kl_le16(rec);
		flags = kl_le16(rec + 2);
		rs = kl_le32(rec + 4);
		if (rs < KL_HO_REC_HDR_SIZE || rs % 8 || !kl_in_bounds(total, pos, rs)) {
			r = kl_fail(err, -EBADMSG, "handoff record %u has a bad size %u", i, rs);
			break;
		}
		p = rec + KL_HO_REC_HDR_SIZE;
		body = rs - KL_HO_REC_HDR_SIZE;
		e.type = (enum kl_ho_type)type;
		if (type == KL_HO_REGION) {
			size_t nl;

			if (body < 58 || (nl = kl_le16(p + 56)) > body - 58 ||
			    take_string(p + 58, nl, KL_HO_NAME_MAX, false, e.name) < 0) {
				r = kl_fail(err, -EBADMSG, "handoff record %u (region) is malformed", i);
				break;
			}
			e.start = kl_le64(p);
			e.size = kl_le64(p + 8);
			e.keep = kl_le32(p + 16);
			e.digest_alg = kl_le32(p + 20);
			memcpy(e.sha256, p + 24, 32);
			if (!e.size || e.start + e.size < e.start ||
			    (e.keep != KL_HO_KEEP_PMEM && e.keep != KL_HO_KEEP_RESERVED) ||
			    e.digest_alg > KL_HO_DIGEST_SHA256) {
				r = kl_fail(err, -EBADMSG, "handoff region '%s' has bad fields", e.name);
				break;
			}
		} else if (type == KL_HO_BLOB) {
			size_t nl, kl;

			if (body < 60 || (nl = kl_le16(p + 56)) > body - 60 || (kl = kl_le16(p + 58)) > body - 60 - nl ||
			    take_string(p + 60, nl, KL_HO_NAME_MAX, false, e.name) < 0 ||
			    take_string(p + 60 + nl, kl, KL_HO_KIND_MAX, true, e.kind) < 0) {
				r = kl_fail(err, -EBADMSG, "handoff record %u (blob) is malformed", i);
				break;
			}
			e.storage = kl_le32(p);
			e.digest_alg = kl_le32(p + 4);
			memcpy(e.sha256, p + 8, 32);
			e.phys = kl_le64(p + 40);
			e.len = kl_le64(p + 48);
			if (e.storage == KL_HO_INLINE) {
				if (e.len > body - 60 - nl - kl) {
					r = kl_fail(err, -EBADMSG, "handoff blob '%s' runs past its record", e.name);
					break;
				}
				e.data = p + 60 + nl + kl;
			} else if (e.storage != KL_HO_IN_MEMORY || e.phys + e.len < e.phys) {
				r = kl_fail(err, -EBADMSG, "handoff blob '%s' has bad storage fields", e.name);
				break;
			}
			if (e.digest_alg > KL_HO_DIGEST_SHA256) {
				r = kl_fail(err, -EBADMSG, "handoff blob '%s' has an unknown digest", e.name);
				break;
			}
		} else {
			/* a later kind of record */
			if (flags & KL_HO_REC_CRITICAL) {
				r = kl_fail(err, -EPROTO, "handoff record %u has critical type %u this reader does not know",
					    i, type);
				break;
			}
			t.skipped++;
			pos += rs;
			continue;
		}
		for (j = 0; j < t.n && r == 0; j++)
			if (!strcmp(t.e[j].name, e.name))
				r = kl_fail(err, -EBADMSG, "handoff table has two records named '%s'", e.name);
		if (r == 0)
			r = kl_handoff_add(&t, &e, err);
		pos += rs;
	}
	if (r == 0 && pos != total)
		r = kl_fail(err, -EBADMSG, "handoff table has %zu bytes after its %u records", total - pos, nrec);
	if (r < 0) {
		kl_handoff_free(&t);
		return r;
	}
	*ret = t;
	return 0;
}

int kl_preserve_parse(const char *arg, struct kl_preserve *ret, struct kl_err *err)
{
	struct kl_preserve p = { .keep = KL_HO_KEEP_PMEM };
	const char *colon = strchr(arg, ':'), *s;
	uint64_t end;
	size_t n;
	int r;

	if (!colon || colon == arg || (n = (size_t)(colon - arg)) > KL_HO_NAME_MAX)
		return kl_fail(err, -EINVAL, "--preserve=%s: expected NAME:START+SIZE[:pmem|reserved]", arg);
	memcpy(p.name, arg, n);
	p.name[n] = 0;
	if (check_name(p.name, KL_HO_NAME_MAX, false) < 0)
		return kl_fail(err, -EINVAL, "--preserve=%s: the name must be printable, without spaces", arg);
	r = kl_parse_size_prefix(colon + 1, &s, &p.start);
	if (r == 0 && *s != '+')
		r = -EINVAL;
	if (r == 0)
		r = kl_parse_size_prefix(s + 1, &s, &p.size);
	if (r == -ERANGE)
		return kl_fail(err, -ERANGE, "--preserve=%s: a number overflows 64 bits", arg);
	if (r < 0)
		return kl_fail(err, -EINVAL, "--preserve=%s: expected NAME:START+SIZE[:pmem|reserved]", arg);
	/* then :pmem or :reserved, and :nodigest, in that order */
	if (!strncmp(s, ":reserved", 9) && (!s[9] || s[9] == ':')) {
		p.keep = KL_HO_KEEP_RESERVED;
		s += 9;
	} else if (!strncmp(s, ":pmem", 5) && (!s[5] || s[5] == ':')) {
		s += 5;
	}
	if (!strcmp(s, ":nodigest"))
		p.no_digest = true;
	else if (*s)
		return kl_fail(err, -EINVAL, "--preserve=%s: after the size: :pmem or :reserved, then :nodigest", arg);
	if (__builtin_add_overflow(p.start, p.size, &end))
		return kl_fail(err, -ERANGE, "--preserve=%s: START+SIZE overflows 64 bits", arg);
	if (!p.size || p.start % 4096 || p.size % 4096)
		return kl_fail(err, -EINVAL, "--preserve=%s: start and size must be page aligned, size not 0", arg);
	*ret = p;
	return 0;
}

int kl_blob_parse(const char *arg, struct kl_blob *ret, struct kl_err *err)
{
	struct kl_blob b = { 0 };
	const char *eq = strchr(arg, '='), *colon;
	size_t n;

	if (!eq || eq == arg || !eq[1])
		return kl_fail(err, -EINVAL, "--handoff-file=%s: expected NAME[:KIND]=PATH", arg);
	colon = memchr(arg, ':', (size_t)(eq - arg));
	n = (size_t)((colon ? colon : eq) - arg);
	if (n > KL_HO_NAME_MAX)
		return kl_fail(err, -EINVAL, "--handoff-file=%s: the name is longer than %d", arg, KL_HO_NAME_MAX);
	memcpy(b.name, arg, n);
	if (colon) {
		if ((size_t)(eq - colon - 1) > KL_HO_KIND_MAX)
			return kl_fail(err, -EINVAL, "--handoff-file=%s: the kind is longer than %d", arg, KL_HO_KIND_MAX);
		memcpy(b.kind, colon + 1, (size_t)(eq - colon - 1));
	}
	if (check_name(b.name, KL_HO_NAME_MAX, false) < 0 || check_name(b.kind, KL_HO_KIND_MAX, true) < 0)
		return kl_fail(err, -EINVAL, "--handoff-file=%s: name and kind must be printable, without spaces", arg);
	b.path = eq + 1;
	*ret = b;
	return 0;
}
