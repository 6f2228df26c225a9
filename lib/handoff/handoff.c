/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/handoff/handoff.h"
#include "purgatory/crc32c.h"

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

/* The record's bytes after its header: body, strings, inline bytes. */
static size_t body_size(const struct kl_ho_entry *e)
{
	size_t name = strlen(e->name);

	if (e->type == KL_HO_REGION)
		return sizeof(struct kl_ho_region_body) + name;
	return sizeof(struct kl_ho_blob_body) + name + strlen(e->kind) +
	       (e->storage == KL_HO_INLINE ? (size_t)e->len : 0);
}

static void encode_region(const struct kl_ho_entry *e, uint8_t *p)
{
	struct kl_ho_region_body *rb = (struct kl_ho_region_body *)p;
	size_t nl = strlen(e->name);

	kl_put_le64(&rb->start, e->start);
	kl_put_le64(&rb->size, e->size);
	kl_put_le32(&rb->keep, e->keep);
	kl_put_le32(&rb->digest_alg, e->digest_alg);
	memcpy(rb->digest, e->sha256, sizeof(rb->digest));
	kl_put_le16(&rb->name_len, (uint16_t)nl);
	memcpy(p + sizeof(*rb), e->name, nl);
}

static void encode_blob(const struct kl_ho_entry *e, uint8_t *p)
{
	struct kl_ho_blob_body *bb = (struct kl_ho_blob_body *)p;
	size_t nl = strlen(e->name), kl = strlen(e->kind);
	uint8_t *strings = p + sizeof(*bb);

	kl_put_le32(&bb->storage, e->storage);
	kl_put_le32(&bb->digest_alg, e->digest_alg);
	memcpy(bb->digest, e->sha256, sizeof(bb->digest));
	kl_put_le64(&bb->phys, e->storage == KL_HO_IN_MEMORY ? e->phys : 0);
	kl_put_le64(&bb->len, e->len);
	kl_put_le16(&bb->name_len, (uint16_t)nl);
	kl_put_le16(&bb->kind_len, (uint16_t)kl);
	memcpy(strings, e->name, nl);
	memcpy(strings + nl, e->kind, kl);
	if (e->storage == KL_HO_INLINE && e->len)
		memcpy(strings + nl + kl, e->data, (size_t)e->len);
}

int kl_handoff_encode(const struct kl_handoff *t, void **ret, size_t *ret_len, struct kl_err *err)
{
	size_t total = sizeof(struct kl_ho_header), i, pos;
	struct kl_ho_header *h;
	uint8_t *b;

	for (i = 0; i < t->n; i++) {
		const struct kl_ho_entry *e = &t->e[i];

		if (e->type == KL_HO_BLOB && e->storage == KL_HO_INLINE && e->len > KL_HO_MAX_SIZE)
			return kl_fail(err, -E2BIG, "inline handoff blob '%s' is too large", e->name);
		total += kl_align_up(sizeof(struct kl_ho_record) + body_size(e), 8);
	}
	if (total > KL_HO_MAX_SIZE)
		return kl_fail(err, -E2BIG, "handoff table of %zu bytes is larger than %u", total, KL_HO_MAX_SIZE);
	b = calloc(1, total);
	if (!b)
		return -ENOMEM;
	h = (struct kl_ho_header *)b;
	memcpy(h->magic, KL_HO_MAGIC, sizeof(h->magic));
	kl_put_le16(&h->version, KL_HO_VERSION);
	kl_put_le16(&h->header_size, sizeof(*h));
	kl_put_le32(&h->total_size, (uint32_t)total);
	kl_put_le32(&h->nr_records, (uint32_t)t->n);
	pos = sizeof(*h);
	for (i = 0; i < t->n; i++) {
		const struct kl_ho_entry *e = &t->e[i];
		size_t rs = kl_align_up(sizeof(struct kl_ho_record) + body_size(e), 8);
		struct kl_ho_record *r = (struct kl_ho_record *)(b + pos);

		kl_put_le16(&r->type, (uint16_t)e->type);
		kl_put_le32(&r->size, (uint32_t)rs);
		if (e->type == KL_HO_REGION)
			encode_region(e, b + pos + sizeof(*r));
		else
			encode_blob(e, b + pos + sizeof(*r));
		pos += rs;
	}
	kl_put_le32(&h->crc32c, kl_crc32c(b, total));
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

/* The header: magic, version, sizes, checksum.  Returns the table's size
 * and record count. */
static int decode_header(const uint8_t *b, size_t len, uint32_t *ret_total, uint32_t *ret_nrec, struct kl_err *err)
{
	const struct kl_ho_header *h = (const struct kl_ho_header *)b;
	uint32_t total, want, got;
	uint8_t *copy;

	if (len < sizeof(*h) || memcmp(h->magic, KL_HO_MAGIC, sizeof(h->magic)) != 0)
		return kl_fail(err, -EBADMSG, "not a handoff table (no KLHANDOF magic)");
	if (kl_le16(&h->version) != KL_HO_VERSION)
		return kl_fail(err, -EPROTO, "handoff table version %u is not supported (this reader knows %d)",
			       kl_le16(&h->version), KL_HO_VERSION);
	if (kl_le16(&h->header_size) != sizeof(*h))
		return kl_fail(err, -EBADMSG, "handoff table header size %u, expected %zu", kl_le16(&h->header_size),
			       sizeof(*h));
	total = kl_le32(&h->total_size);
	if (total < sizeof(*h) || total > len || total > KL_HO_MAX_SIZE)
		return kl_fail(err, -EBADMSG, "handoff table claims %u bytes, %zu are there (truncated?)", total, len);
	if (kl_le32(&h->nr_records) > KL_HO_MAX_RECORDS)
		return kl_fail(err, -EBADMSG, "handoff table claims %u records (at most %d)", kl_le32(&h->nr_records),
			       KL_HO_MAX_RECORDS);
	/* CRC-32C over the table with its own field counted as zero */
	copy = malloc(total);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, b, total);
	kl_put_le32(&((struct kl_ho_header *)copy)->crc32c, 0);
	got = kl_crc32c(copy, total);
	free(copy);
	want = kl_le32(&h->crc32c);
	if (got != want)
		return kl_fail(err, -EBADMSG, "handoff table checksum mismatch (CRC-32C %08x, header says %08x)", got,
			       want);
	*ret_total = total;
	*ret_nrec = kl_le32(&h->nr_records);
	return 0;
}

/* A region record's body of body bytes, into e. */
static int decode_region(uint32_t i, const uint8_t *p, size_t body, struct kl_ho_entry *e, struct kl_err *err)
{
	const struct kl_ho_region_body *rb = (const struct kl_ho_region_body *)p;
	size_t nl;

	if (body < sizeof(*rb))
		return kl_fail(err, -EBADMSG, "handoff record %u (region): %zu bytes, shorter than its fields", i, body);
	nl = kl_le16(&rb->name_len);
	if (nl > body - sizeof(*rb) || take_string(p + sizeof(*rb), nl, KL_HO_NAME_MAX, false, e->name) < 0)
		return kl_fail(err, -EBADMSG, "handoff record %u (region): bad name (%zu bytes)", i, nl);
	e->start = kl_le64(&rb->start);
	e->size = kl_le64(&rb->size);
	e->keep = kl_le32(&rb->keep);
	e->digest_alg = kl_le32(&rb->digest_alg);
	memcpy(e->sha256, rb->digest, sizeof(e->sha256));
	if (!e->size || e->start + e->size < e->start)
		return kl_fail(err, -EBADMSG, "handoff region '%s' has an empty or wrapping range", e->name);
	if (e->keep != KL_HO_KEEP_PMEM && e->keep != KL_HO_KEEP_RESERVED)
		return kl_fail(err, -EBADMSG, "handoff region '%s' is kept in an unknown way (%u)", e->name, e->keep);
	if (e->digest_alg > KL_HO_DIGEST_SHA256)
		return kl_fail(err, -EBADMSG, "handoff region '%s' has an unknown digest (%u)", e->name, e->digest_alg);
	return 0;
}

/* A blob record's body of body bytes, into e; inline bytes point into p. */
static int decode_blob(uint32_t i, const uint8_t *p, size_t body, struct kl_ho_entry *e, struct kl_err *err)
{
	const struct kl_ho_blob_body *bb = (const struct kl_ho_blob_body *)p;
	const uint8_t *strings = p + sizeof(*bb);
	size_t nl, kl, room;

	if (body < sizeof(*bb))
		return kl_fail(err, -EBADMSG, "handoff record %u (blob): %zu bytes, shorter than its fields", i, body);
	room = body - sizeof(*bb);
	nl = kl_le16(&bb->name_len);
	kl = kl_le16(&bb->kind_len);
	if (nl > room || take_string(strings, nl, KL_HO_NAME_MAX, false, e->name) < 0)
		return kl_fail(err, -EBADMSG, "handoff record %u (blob): bad name (%zu bytes)", i, nl);
	if (kl > room - nl || take_string(strings + nl, kl, KL_HO_KIND_MAX, true, e->kind) < 0)
		return kl_fail(err, -EBADMSG, "handoff record %u (blob): bad kind (%zu bytes)", i, kl);
	e->storage = kl_le32(&bb->storage);
	e->digest_alg = kl_le32(&bb->digest_alg);
	memcpy(e->sha256, bb->digest, sizeof(e->sha256));
	e->phys = kl_le64(&bb->phys);
	e->len = kl_le64(&bb->len);
	if (e->storage == KL_HO_INLINE) {
		if (e->len > room - nl - kl)
			return kl_fail(err, -EBADMSG, "handoff blob '%s' runs past its record", e->name);
		e->data = strings + nl + kl;
	} else if (e->storage != KL_HO_IN_MEMORY) {
		return kl_fail(err, -EBADMSG, "handoff blob '%s' has an unknown storage (%u)", e->name, e->storage);
	} else if (e->phys + e->len < e->phys) {
		return kl_fail(err, -EBADMSG, "handoff blob '%s' wraps around the address space", e->name);
	}
	if (e->digest_alg > KL_HO_DIGEST_SHA256)
		return kl_fail(err, -EBADMSG, "handoff blob '%s' has an unknown digest (%u)", e->name, e->digest_alg);
	return 0;
}

/* Record i at pos: 1 when it was of a type this reader skips, 0 when it
 * is in *e, or an error.  *ret_size is its size. */
static int decode_record(uint32_t i, const uint8_t *b, uint32_t total, size_t pos, struct kl_ho_entry *e,
			 uint32_t *ret_size, struct kl_err *err)
{
	const struct kl_ho_record *r = (const struct kl_ho_record *)(b + pos);
	uint16_t type;
	uint32_t rs;

	if (!kl_in_bounds(total, pos, sizeof(*r)))
		return kl_fail(err, -EBADMSG, "handoff record %u is truncated", i);
	type = kl_le16(&r->type);
	rs = kl_le32(&r->size);
	if (rs < sizeof(*r) || rs % 8 || !kl_in_bounds(total, pos, rs))
		return kl_fail(err, -EBADMSG, "handoff record %u has a bad size %u", i, rs);
	*ret_size = rs;
	*e = (struct kl_ho_entry){ .type = (enum kl_ho_type)type };
	if (type == KL_HO_REGION)
		return decode_region(i, b + pos + sizeof(*r), rs - sizeof(*r), e, err);
	if (type == KL_HO_BLOB)
		return decode_blob(i, b + pos + sizeof(*r), rs - sizeof(*r), e, err);
	/* a later kind of record */
	if (kl_le16(&r->flags) & KL_HO_REC_CRITICAL)
		return kl_fail(err, -EPROTO, "handoff record %u has critical type %u this reader does not know", i, type);
	return 1;
}

static int add_unique(struct kl_handoff *t, const struct kl_ho_entry *e, struct kl_err *err)
{
	size_t j;

	for (j = 0; j < t->n; j++)
		if (!strcmp(t->e[j].name, e->name))
			return kl_fail(err, -EBADMSG, "handoff table has two records named '%s'", e->name);
	return kl_handoff_add(t, e, err);
}

int kl_handoff_decode(const void *buf, size_t len, struct kl_handoff *ret, struct kl_err *err)
{
	const uint8_t *b = buf;
	struct kl_handoff t = { 0 };
	uint32_t total = 0, nrec = 0, i, rs = 0;
	size_t pos = sizeof(struct kl_ho_header);
	int r = decode_header(b, len, &total, &nrec, err);

	for (i = 0; i < nrec && r == 0; i++, pos += rs) {
		struct kl_ho_entry e = { 0 };

		r = decode_record(i, b, total, pos, &e, &rs, err);
		if (r == 1) {
			t.skipped++;
			r = 0;
		} else if (r == 0) {
			r = add_unique(&t, &e, err);
		}
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
	if (!strncmp(p.name, KL_HO_OWN_PREFIX, strlen(KL_HO_OWN_PREFIX)))
		return kl_fail(err, -EINVAL, "--preserve=%s: names starting with '" KL_HO_OWN_PREFIX "' are kexec-live's own",
			       arg);
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
	if (!strncmp(b.name, KL_HO_OWN_PREFIX, strlen(KL_HO_OWN_PREFIX)))
		return kl_fail(err, -EINVAL, "--handoff-file=%s: names starting with '" KL_HO_OWN_PREFIX
			       "' are kexec-live's own", arg);
	b.path = eq + 1;
	*ret = b;
	return 0;
}
