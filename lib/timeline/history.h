/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The timelines of earlier updates in a chain (issue 13: the last 16
 * travel with --handoff-from-previous, so `kexec-handoff timeline --all`
 * can show how each update's blackout compares).  The list is the bytes
 * of one handoff blob; this file is its layout, defined once for the
 * writer (kexec, from the running kernel's timeline and the list it was
 * handed) and the reader (kexec-handoff).  Little-endian, CRC-32 (IEEE)
 * checked; a damaged list is an error, never history.  Pure.
 *
 *   header (16 bytes) | entry 0 (oldest) | entry 1 | ... | entry n-1
 */
#ifndef KL_TIMELINE_HISTORY_H
#define KL_TIMELINE_HISTORY_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/timeline/timeline.h"

#define KL_TLH_MAGIC 0x484c544bU /* "KTLH" */
#define KL_TLH_VERSION 1
#define KL_TLH_ENTRIES_MAX 16 /* the last 16 updates */
#define KL_TLH_RELEASE_MAX 48

/* The marks an entry keeps, microseconds since its purgatory started;
 * the exec's (kexec --exec-stamp), which comes before, in microseconds
 * before it. */
enum kl_tlh_mark {
	KL_TLH_PURG_CHECKED,
	KL_TLH_KERNEL_ENTRY,
	KL_TLH_CLOCK_ZERO,
	KL_TLH_MEMORY_READY,
	KL_TLH_SMP_UP,
	KL_TLH_ACPI_READY,
	KL_TLH_PCI_SCANNED,
	KL_TLH_INITRAMFS_UNPACKED,
	KL_TLH_RUN_INIT,
	KL_TLH_STARTUP_FINISHED,
	KL_TLH_MULTI_USER_REACHED,
	KL_TLH_EXEC, /* microseconds before the purgatory started */
	KL_TLH_MARKS_MAX = 16
};

struct kl_tlh_header {
	uint32_t magic;	     /* KL_TLH_MAGIC */
	uint16_t version;    /* KL_TLH_VERSION */
	uint16_t count;	     /* entries, 0..KL_TLH_ENTRIES_MAX */
	uint32_t entry_size; /* sizeof(struct kl_tlh_entry) */
	uint32_t crc32;	     /* CRC-32 (IEEE) of header and entries, this field 0 */
};

struct kl_tlh_entry {
	char release[KL_TLH_RELEASE_MAX]; /* the new kernel's release, NUL-padded */
	uint64_t checked_bytes;		  /* what the purgatory checked */
	uint32_t check;			  /* enum kl_tl_check */
	uint32_t present;		  /* bit n: usec[n] is a mark */
	uint32_t usec[KL_TLH_MARKS_MAX];  /* enum kl_tlh_mark */
};

_Static_assert(__builtin_offsetof(struct kl_tlh_header, version) == 4, "kl_tlh_header.version moved");
_Static_assert(__builtin_offsetof(struct kl_tlh_header, count) == 6, "kl_tlh_header.count moved");
_Static_assert(__builtin_offsetof(struct kl_tlh_header, entry_size) == 8, "kl_tlh_header.entry_size moved");
_Static_assert(__builtin_offsetof(struct kl_tlh_header, crc32) == 12, "kl_tlh_header.crc32 moved");
_Static_assert(sizeof(struct kl_tlh_header) == 16, "kl_tlh_header size");
_Static_assert(__builtin_offsetof(struct kl_tlh_entry, checked_bytes) == 48, "kl_tlh_entry.checked_bytes moved");
_Static_assert(__builtin_offsetof(struct kl_tlh_entry, check) == 56, "kl_tlh_entry.check moved");
_Static_assert(__builtin_offsetof(struct kl_tlh_entry, present) == 60, "kl_tlh_entry.present moved");
_Static_assert(__builtin_offsetof(struct kl_tlh_entry, usec) == 64, "kl_tlh_entry.usec moved");
_Static_assert(sizeof(struct kl_tlh_entry) == 128, "kl_tlh_entry size");

#define KL_TLH_SIZE_MAX (sizeof(struct kl_tlh_header) + KL_TLH_ENTRIES_MAX * sizeof(struct kl_tlh_entry))

/* The list's name among the handoff blobs. */
#define KL_TLH_BLOB_NAME "kexec-live.timelines"

/* The mark's name as the timeline prints it ("run_init"). */
const char *kl_tlh_mark_name(enum kl_tlh_mark mark);

/* Lay out n entries (host order in, little-endian out) into buf of size
 * bytes; the length through ret_len.  -E2BIG for more than
 * KL_TLH_ENTRIES_MAX entries or a buf too small. */
int kl_tlh_encode(const struct kl_tlh_entry *v, size_t n, void *buf, size_t size, size_t *ret_len);

/* Check and read a list (magic, version, entry size, count, CRC-32,
 * known check, known marks, a NUL-terminated release of printable bytes)
 * into ret[KL_TLH_ENTRIES_MAX], the count through ret_n.  Marks are not
 * in a fixed order (7.x prints "Memory:" after SMP bring-up). */
int kl_tlh_decode(const void *buf, size_t len, struct kl_tlh_entry *ret, size_t *ret_n, struct kl_err *err);

/* Append e to the n entries of v, dropping the oldest past
 * KL_TLH_ENTRIES_MAX: the new count. */
size_t kl_tlh_push(struct kl_tlh_entry *v, size_t n, const struct kl_tlh_entry *e);

/* One update's entry: the release of the kernel it started, what its
 * purgatory checked, and those of its marks the list keeps (by name; a
 * mark before 0 or past 2^32-1 microseconds is not kept).  A release
 * longer than KL_TLH_RELEASE_MAX - 1 bytes, or with bytes other than
 * printable ASCII, is -EINVAL.  The exec's mark is kept as the time
 * before the purgatory started. */
int kl_tlh_entry_make(const char *release, const struct kl_timeline *t, const struct kl_tl_marks *m,
		      struct kl_tlh_entry *ret);

/* An entry's marks again, in time order: purgatory_start at 0, the
 * exec's before it. */
void kl_tlh_entry_marks(const struct kl_tlh_entry *e, struct kl_tl_marks *ret);

#endif
