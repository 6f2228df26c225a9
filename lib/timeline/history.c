/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <zlib.h>

#include "lib/base/util.h"
#include "lib/timeline/history.h"
#include "purgatory/timeline.h"

static const char *const mark_names[KL_TLH_MARKS_MAX] = {
	[KL_TLH_PURG_CHECKED] = "purgatory_checked",
	[KL_TLH_KERNEL_ENTRY] = "kernel_entry",
	[KL_TLH_CLOCK_ZERO] = "clock_zero",
	[KL_TLH_MEMORY_READY] = "memory_ready",
	[KL_TLH_SMP_UP] = "smp_up",
	[KL_TLH_ACPI_READY] = "acpi_ready",
	[KL_TLH_PCI_SCANNED] = "pci_scanned",
	[KL_TLH_INITRAMFS_UNPACKED] = "initramfs_unpacked",
	[KL_TLH_RUN_INIT] = "run_init",
	[KL_TLH_STARTUP_FINISHED] = "startup_finished",
	[KL_TLH_MULTI_USER_REACHED] = "multi_user_reached",
	[KL_TLH_EXEC] = "exec",
};

/* The marks this reader knows: the named ones. */
static uint32_t known_marks(void)
{
	uint32_t m = 0;
	size_t i;

	for (i = 0; i < KL_TLH_MARKS_MAX; i++)
		if (mark_names[i])
			m |= 1U << i;
	return m;
}

const char *kl_tlh_mark_name(enum kl_tlh_mark mark)
{
	return (unsigned)mark < KL_TLH_MARKS_MAX ? mark_names[mark] : NULL;
}

static void put_entry(uint8_t *p, const struct kl_tlh_entry *e)
{
	size_t i;

	memcpy(p, e->release, KL_TLH_RELEASE_MAX);
	kl_put_le64(p + offsetof(struct kl_tlh_entry, checked_bytes), e->checked_bytes);
	kl_put_le32(p + offsetof(struct kl_tlh_entry, check), e->check);
	kl_put_le32(p + offsetof(struct kl_tlh_entry, present), e->present);
	for (i = 0; i < KL_TLH_MARKS_MAX; i++)
		kl_put_le32(p + offsetof(struct kl_tlh_entry, usec) + 4 * i, e->usec[i]);
}

int kl_tlh_encode(const struct kl_tlh_entry *v, size_t n, void *buf, size_t size, size_t *ret_len)
{
	const size_t hdr = sizeof(struct kl_tlh_header), es = sizeof(struct kl_tlh_entry);
	uint8_t *b = buf;
	size_t i, len;

	if (n > KL_TLH_ENTRIES_MAX)
		return -E2BIG;
	len = hdr + n * es; /* at most KL_TLH_SIZE_MAX: no overflow */
	if (size < len)
		return -E2BIG;
	memset(b, 0, len);
	kl_put_le32(b, KL_TLH_MAGIC);
	kl_put_le16(b + offsetof(struct kl_tlh_header, version), KL_TLH_VERSION);
	kl_put_le16(b + offsetof(struct kl_tlh_header, count), (uint16_t)n);
	kl_put_le32(b + offsetof(struct kl_tlh_header, entry_size), (uint32_t)es);
	for (i = 0; i < n; i++)
		put_entry(b + hdr + i * es, &v[i]);
	kl_put_le32(b + offsetof(struct kl_tlh_header, crc32), (uint32_t)crc32(0L, (const Bytef *)b, (uInt)len));
	*ret_len = len;
	return 0;
}

static int get_entry(const uint8_t *p, size_t idx, struct kl_tlh_entry *ret, struct kl_err *err)
{
	struct kl_tlh_entry e;
	size_t i, rl;

	memcpy(e.release, p, KL_TLH_RELEASE_MAX);
	rl = strnlen(e.release, KL_TLH_RELEASE_MAX);
	if (rl == KL_TLH_RELEASE_MAX)
		return kl_fail(err, -EBADMSG, "timeline history entry %zu: release not terminated", idx);
	for (i = 0; i < rl; i++)
		if ((unsigned char)e.release[i] < 0x21 || (unsigned char)e.release[i] > 0x7e)
			return kl_fail(err, -EBADMSG, "timeline history entry %zu: release has byte 0x%02x", idx,
				       (unsigned char)e.release[i]);
	e.checked_bytes = kl_le64(p + offsetof(struct kl_tlh_entry, checked_bytes));
	e.check = kl_le32(p + offsetof(struct kl_tlh_entry, check));
	e.present = kl_le32(p + offsetof(struct kl_tlh_entry, present));
	if (e.check >= KL_TL_CHECK_MAX)
		return kl_fail(err, -EBADMSG, "timeline history entry %zu names an unknown check (%u)", idx, e.check);
	if (e.present & ~known_marks())
		return kl_fail(err, -EBADMSG, "timeline history entry %zu has marks this reader does not know (0x%x)",
			       idx, e.present & ~known_marks());
	for (i = 0; i < KL_TLH_MARKS_MAX; i++)
		e.usec[i] = kl_le32(p + offsetof(struct kl_tlh_entry, usec) + 4 * i);
	*ret = e;
	return 0;
}

int kl_tlh_decode(const void *buf, size_t len, struct kl_tlh_entry *ret, size_t *ret_n, struct kl_err *err)
{
	const size_t hdr = sizeof(struct kl_tlh_header), es = sizeof(struct kl_tlh_entry);
	struct kl_tlh_entry v[KL_TLH_ENTRIES_MAX];
	const uint8_t *b = buf;
	uint8_t head[sizeof(struct kl_tlh_header)];
	uLong crc;
	size_t i, n;
	int r;

	if (len < hdr)
		return kl_fail(err, -EBADMSG, "timeline history of %zu bytes is too short (%zu)", len, hdr);
	if (kl_le32(b) != KL_TLH_MAGIC)
		return kl_fail(err, -EBADMSG, "not a timeline history (magic 0x%08x)", kl_le32(b));
	if (kl_le16(b + 4) != KL_TLH_VERSION)
		return kl_fail(err, -EPROTONOSUPPORT, "timeline history version %u, this reader knows %u",
			       kl_le16(b + 4), KL_TLH_VERSION);
	n = kl_le16(b + offsetof(struct kl_tlh_header, count));
	if (kl_le32(b + offsetof(struct kl_tlh_header, entry_size)) != es)
		return kl_fail(err, -EBADMSG, "timeline history entries of %u bytes, this reader knows %zu",
			       kl_le32(b + offsetof(struct kl_tlh_header, entry_size)), es);
	if (n > KL_TLH_ENTRIES_MAX)
		return kl_fail(err, -EBADMSG, "timeline history of %zu entries (at most %d)", n, KL_TLH_ENTRIES_MAX);
	if (len != hdr + n * es)
		return kl_fail(err, -EBADMSG, "timeline history of %zu entries is %zu bytes, should be %zu", n, len,
			       hdr + n * es);
	memcpy(head, b, hdr);
	memset(head + offsetof(struct kl_tlh_header, crc32), 0, 4);
	crc = crc32(0L, head, (uInt)hdr);
	crc = crc32(crc, b + hdr, (uInt)(len - hdr));
	if ((uint32_t)crc != kl_le32(b + offsetof(struct kl_tlh_header, crc32)))
		return kl_fail(err, -EBADMSG, "timeline history damaged (CRC-32 mismatch)");
	for (i = 0; i < n; i++) {
		r = get_entry(b + hdr + i * es, i, &v[i], err);
		if (r < 0)
			return r;
	}
	memcpy(ret, v, n * es);
	*ret_n = n;
	return 0;
}

size_t kl_tlh_push(struct kl_tlh_entry *v, size_t n, const struct kl_tlh_entry *e)
{
	if (n >= KL_TLH_ENTRIES_MAX) {
		memmove(v, v + 1, (KL_TLH_ENTRIES_MAX - 1) * sizeof(*v));
		n = KL_TLH_ENTRIES_MAX - 1;
	}
	v[n] = *e;
	return n + 1;
}

static bool release_ok(const char *s, size_t len)
{
	size_t i;

	if (len >= KL_TLH_RELEASE_MAX)
		return false;
	for (i = 0; i < len; i++)
		if ((unsigned char)s[i] < 0x21 || (unsigned char)s[i] > 0x7e)
			return false;
	return true;
}

int kl_tlh_entry_make(const char *release, const struct kl_timeline *t, const struct kl_tl_marks *m,
		      struct kl_tlh_entry *ret)
{
	struct kl_tlh_entry e = { .checked_bytes = t->checked_bytes, .check = t->check };
	size_t len = strnlen(release, KL_TLH_RELEASE_MAX), i, k;

	if (!release_ok(release, len))
		return -EINVAL;
	memcpy(e.release, release, len);
	for (i = 0; i < m->n; i++)
		for (k = 0; k < KL_TLH_MARKS_MAX; k++) {
			/* the exec's before the purgatory, every other after */
			double us = (k == KL_TLH_EXEC ? -m->v[i].ms : m->v[i].ms) * 1000.0 + 0.5; /* rounded below */

			if (!mark_names[k] || strcmp(mark_names[k], m->v[i].name) != 0 || (e.present & 1U << k))
				continue;
			if (us >= 0 && us < (double)UINT32_MAX + 1.0) {
				e.usec[k] = (uint32_t)us;
				e.present |= 1U << k;
			}
		}
	*ret = e;
	return 0;
}

/* Who sets each mark: the exec's is the old kernel's kexec -e, the
 * first three are the purgatory's stamps, startup_finished and
 * multi_user_reached systemd's. */
static enum kl_tl_source mark_source(enum kl_tlh_mark k)
{
	if (k == KL_TLH_EXEC)
		return KL_TL_SRC_OLD_KERNEL;
	if (k <= KL_TLH_KERNEL_ENTRY)
		return KL_TL_SRC_PURGATORY;
	if (k >= KL_TLH_STARTUP_FINISHED)
		return KL_TL_SRC_USER;
	return KL_TL_SRC_KERNEL;
}

void kl_tlh_entry_marks(const struct kl_tlh_entry *e, struct kl_tl_marks *ret)
{
	size_t k;

	ret->n = 0;
	kl_tl_marks_add(ret, "purgatory_start", 0, KL_TL_SRC_PURGATORY);
	for (k = 0; k < KL_TLH_MARKS_MAX; k++)
		if (mark_names[k] && (e->present & 1U << k))
			kl_tl_marks_add(ret, mark_names[k], (k == KL_TLH_EXEC ? -1.0 : 1.0) * e->usec[k] / 1000.0,
					mark_source((enum kl_tlh_mark)k));
	kl_tl_marks_sort(ret);
}
