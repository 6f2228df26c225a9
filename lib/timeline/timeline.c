/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/timeline/timeline.h"

int kl_timeline_decode(const void *buf, size_t len, struct kl_timeline *ret, struct kl_err *err)
{
	const uint8_t *b = buf;
	struct kl_tl_record rec;
	struct kl_timeline t = { 0 };
	uint64_t last = 0;
	bool seen = false;
	uint32_t want;
	size_t i;

	if (len < sizeof(rec))
		return kl_fail(err, -EBADMSG, "timeline record of %zu bytes is too short (%zu)", len, sizeof(rec));
	if (kl_le32(b) != KL_TL_MAGIC)
		return kl_fail(err, -EBADMSG, "not a timeline record (magic 0x%08x)", kl_le32(b));
	if (kl_le16(b + 4) != KL_TL_VERSION)
		return kl_fail(err, -EPROTONOSUPPORT, "timeline record version %u, this reader knows %u",
			       kl_le16(b + 4), KL_TL_VERSION);
	if (kl_le16(b + 6) != sizeof(rec) || len != sizeof(rec))
		return kl_fail(err, -EBADMSG, "timeline record says %u bytes, is %zu, should be %zu", kl_le16(b + 6), len,
			       sizeof(rec));
	memcpy(&rec, b, sizeof(rec));
	want = kl_le32(b + offsetof(struct kl_tl_record, crc32));
	rec.crc32 = 0;
	/* the purgatory's kl_crc32() is zlib's CRC-32 (IEEE) */
	if ((uint32_t)crc32(0L, (const Bytef *)&rec, sizeof(rec)) != want)
		return kl_fail(err, -EBADMSG, "timeline record damaged (CRC-32 mismatch)");
	t.stamped = kl_le32(b + offsetof(struct kl_tl_record, stamped));
	t.check = (enum kl_tl_check)kl_le32(b + offsetof(struct kl_tl_record, check));
	t.checked_bytes = kl_le64(b + offsetof(struct kl_tl_record, checked_bytes));
	if (t.check >= KL_TL_CHECK_MAX)
		return kl_fail(err, -EBADMSG, "timeline record names an unknown check (%u)", (unsigned)t.check);
	if (t.stamped & ~((1U << KL_TL_STAMPS_MAX) - 1))
		return kl_fail(err, -EBADMSG, "timeline record has stamps this reader does not know (0x%x)", t.stamped);
	for (i = 0; i < KL_TL_STAMPS_MAX; i++) {
		t.stamp[i] = kl_le64(b + offsetof(struct kl_tl_record, stamp) + 8 * i);
		if (!(t.stamped & (1U << i)))
			continue;
		/* taken in this order on one CPU, whose TSC only moves forward */
		if (seen && t.stamp[i] < last)
			return kl_fail(err, -EBADMSG, "timeline record's stamps go backwards (stamp %zu)", i);
		last = t.stamp[i];
		seen = true;
	}
	*ret = t;
	return 0;
}

int64_t kl_tsc_to_ns(const struct kl_tsc_clock *c, uint64_t tsc)
{
	unsigned __int128 scaled = ((unsigned __int128)tsc * c->time_mult) >> (c->time_shift & 127);

	/* time_zero is the clock at TSC 0, usually "negative": wrap-around
	 * arithmetic, as the kernel's own userspace example does */
	return (int64_t)(c->time_zero + (uint64_t)scaled);
}

int kl_tsc_clock_from_rate(double mhz, uint64_t tsc_now, uint64_t ns_now, struct kl_tsc_clock *ret)
{
	struct kl_tsc_clock c = { .time_shift = 32 };
	double mult;

	if (!(mhz >= 1.0 && mhz <= 1e6))
		return -ERANGE;
	/* ns per tick, 1000 / mhz, as a 32-bit fraction: the largest shift
	 * whose mult still fits */
	for (mult = 1000.0 / mhz * 4294967296.0; mult >= 4294967296.0 && c.time_shift; mult /= 2)
		c.time_shift--;
	c.time_mult = (uint32_t)(mult + 0.5);
	c.time_zero = 0;
	c.time_zero = ns_now - (uint64_t)kl_tsc_to_ns(&c, tsc_now);
	*ret = c;
	return 0;
}

/* The number before " MHz" after prefix, when text starts with prefix. */
static bool mhz_after(const char *text, size_t len, const char *prefix, double *ret)
{
	size_t n = strlen(prefix), i;
	char num[32];

	if (len < n || memcmp(text, prefix, n) != 0)
		return false;
	for (i = 0; n + i < len && i < sizeof(num) - 1 && ((text[n + i] >= '0' && text[n + i] <= '9') ||
							  text[n + i] == '.');
	     i++)
		num[i] = text[n + i];
	num[i] = 0;
	if (!i || len - n - i < 4 || memcmp(text + n + i, " MHz", 4) != 0)
		return false;
	*ret = strtod(num, NULL);
	return *ret > 0;
}

int kl_tsc_mhz_from_log(const char *text, size_t len, double *ret_mhz)
{
	if (mhz_after(text, len, "tsc: Refined TSC clocksource calibration: ", ret_mhz))
		return 2;
	if (mhz_after(text, len, "tsc: Detected ", ret_mhz))
		return 1;
	return 0;
}

int kl_tsc_mhz_from_cpuid15(uint32_t eax, uint32_t ebx, uint32_t ecx, double *ret_mhz)
{
	if (!eax || !ebx || !ecx)
		return -ENOENT;
	/* 2^32 * 2^32 fits a double's range; the rate is a ratio anyway */
	*ret_mhz = (double)ecx * (double)ebx / (double)eax / 1e6;
	return 0;
}

bool kl_mark_name_ok(const char *name, size_t len)
{
	size_t i;

	if (len == 0 || len > KL_MARK_NAME_MAX || name[0] == ' ' || name[len - 1] == ' ')
		return false;
	for (i = 0; i < len; i++) {
		char ch = name[i];

		if (!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
		      (ch && strchr(" _.:-", ch))))
			return false;
	}
	return true;
}

int kl_user_mark_parse(const char *line, size_t len, uint64_t *ret_tsc, char ret_name[KL_MARK_NAME_MAX + 1])
{
	const char *sp = memchr(line, ' ', len), *end;
	uint64_t tsc;

	/* the space stops the parser inside the bytes */
	if (!sp || line[0] < '0' || line[0] > '9' || kl_parse_u64_prefix(line, 10, &end, &tsc) < 0 || end != sp)
		return -EBADMSG;
	sp++;
	if (!kl_mark_name_ok(sp, len - (size_t)(sp - line)))
		return -EBADMSG;
	*ret_tsc = tsc;
	memcpy(ret_name, sp, len - (size_t)(sp - line));
	ret_name[len - (size_t)(sp - line)] = 0;
	return 0;
}

int kl_tsc_clock_parse(const char *s, struct kl_tsc_clock *ret)
{
	uint64_t v[3];
	const char *p = s;
	size_t i;

	for (i = 0; i < 3; i++) {
		if (kl_parse_u64_prefix(p, 0, &p, &v[i]) < 0 || *p != (i < 2 ? ':' : '\0'))
			return -EINVAL;
		p++;
	}
	if (v[1] > UINT32_MAX || v[2] > 63)
		return -EINVAL;
	*ret = (struct kl_tsc_clock){ .time_zero = v[0], .time_mult = (uint32_t)v[1], .time_shift = (uint16_t)v[2] };
	return 0;
}

int kl_tl_marks_add(struct kl_tl_marks *m, const char *name, double ms, enum kl_tl_source src)
{
	struct kl_tl_mark *x;
	size_t len = strnlen(name, KL_MARK_NAME_MAX);

	if (m->n == KL_TL_MARKS_MAX)
		return -E2BIG;
	x = &m->v[m->n++];
	memcpy(x->name, name, len);
	x->name[len] = 0;
	x->ms = ms;
	x->src = src;
	return 0;
}

void kl_tl_marks_sort(struct kl_tl_marks *m)
{
	size_t i, j;

	for (i = 1; i < m->n; i++) {
		struct kl_tl_mark x = m->v[i];

		for (j = i; j > 0 && m->v[j - 1].ms > x.ms; j--)
			m->v[j] = m->v[j - 1];
		m->v[j] = x;
	}
}

void kl_xs_encode(uint64_t tsc, uint8_t out[sizeof(struct kl_xs_record)])
{
	memset(out, 0, sizeof(struct kl_xs_record));
	kl_put_le32(out, KL_XS_MAGIC);
	kl_put_le16(out + offsetof(struct kl_xs_record, version), KL_XS_VERSION);
	kl_put_le16(out + offsetof(struct kl_xs_record, size), sizeof(struct kl_xs_record));
	kl_put_le64(out + offsetof(struct kl_xs_record, tsc), tsc);
	kl_put_le32(out + offsetof(struct kl_xs_record, crc32),
		    (uint32_t)crc32(0L, (const Bytef *)out, sizeof(struct kl_xs_record)));
}

int kl_xs_decode(const void *buf, size_t len, uint64_t *ret_tsc, struct kl_err *err)
{
	uint8_t rec[sizeof(struct kl_xs_record)];
	uint64_t tsc;

	if (len < sizeof(rec))
		return kl_fail(err, -EBADMSG, "exec stamp of %zu bytes is too short (%zu)", len, sizeof(rec));
	memcpy(rec, buf, sizeof(rec));
	if (kl_le32(rec) != KL_XS_MAGIC)
		return kl_fail(err, -EBADMSG, "not an exec stamp (magic 0x%08x)", kl_le32(rec));
	if (kl_le16(rec + offsetof(struct kl_xs_record, version)) != KL_XS_VERSION)
		return kl_fail(err, -EBADMSG, "exec stamp version %u, this reader knows %u",
			       kl_le16(rec + offsetof(struct kl_xs_record, version)), KL_XS_VERSION);
	if (kl_le16(rec + offsetof(struct kl_xs_record, size)) != sizeof(rec) ||
	    kl_le32(rec + offsetof(struct kl_xs_record, reserved)))
		return kl_fail(err, -EBADMSG, "exec stamp damaged (size or reserved field)");
	memset(rec + offsetof(struct kl_xs_record, crc32), 0, 4);
	if ((uint32_t)crc32(0L, (const Bytef *)rec, sizeof(rec)) !=
	    kl_le32((const uint8_t *)buf + offsetof(struct kl_xs_record, crc32)))
		return kl_fail(err, -EBADMSG, "exec stamp damaged (CRC-32 mismatch)");
	tsc = kl_le64(rec + offsetof(struct kl_xs_record, tsc));
	if (!tsc)
		return kl_fail(err, -ENODATA, "the exec stamp was armed but never stamped (kexec -e did not write it)");
	*ret_tsc = tsc;
	return 0;
}
