/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Reading an update's timeline in the new kernel: the record the
 * purgatory stamped (purgatory/timeline.h), the TSC turned into the
 * kernel's own clock, and the marks of the kernel's log.  Pure: callers
 * bring the bytes.
 */
#ifndef KL_TIMELINE_H
#define KL_TIMELINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "purgatory/timeline.h"

struct kl_timeline {
	uint32_t stamped; /* bit n: stamp[n] is there */
	enum kl_tl_check check;
	uint64_t checked_bytes;
	uint64_t stamp[KL_TL_STAMPS_MAX];
};

/* Decode and check a record (magic, version, size, CRC-32, known check,
 * stamps in order).  A damaged record is an error, never a timeline. */
int kl_timeline_decode(const void *buf, size_t len, struct kl_timeline *ret, struct kl_err *err);

/* The kernel's TSC-to-clock conversion, as the perf mmap page publishes
 * it (struct perf_event_mmap_page: time_zero, time_mult, time_shift, when
 * cap_user_time_zero): clock_ns = time_zero + tsc * time_mult >> time_shift,
 * the clock being the one printk stamps the log with (local_clock()). */
struct kl_tsc_clock {
	uint64_t time_zero;
	uint32_t time_mult;
	uint16_t time_shift;
};

/* tsc on that clock, in nanoseconds; negative before its zero (the
 * purgatory runs before the new kernel's clock starts).  Exact for any
 * 64-bit tsc (a 128-bit product). */
int64_t kl_tsc_to_ns(const struct kl_tsc_clock *c, uint64_t tsc);

/* --tsc-clock=ZERO:MULT:SHIFT (tests): a conversion given as text.
 * -EINVAL unless three numbers, MULT at most 32 bits, SHIFT at most 63. */
int kl_tsc_clock_parse(const char *s, struct kl_tsc_clock *ret);

/* Where the kernel offers no exact conversion (an unstable TSC): one
 * from the TSC's rate in MHz (the kernel's calibration, from its log)
 * and a TSC reading taken together with the clock's (ns_now).  As exact
 * as the rate: an error of e in it is e of the time since ns_now. */
int kl_tsc_clock_from_rate(double mhz, uint64_t tsc_now, uint64_t ns_now, struct kl_tsc_clock *ret);

/* The TSC rate CPUID leaf 0x15 gives (Intel SDM vol. 2A, CPUID, "Time
 * Stamp Counter and Nominal Core Crystal Clock Information Leaf"): the
 * TSC runs at crystal_hz (ecx) * numerator (ebx) / denominator (eax).
 * -ENOENT when any of the three is 0: not enumerated (AMD, most virtual
 * machines, Intel parts that leave the crystal to a table by model). */
int kl_tsc_mhz_from_cpuid15(uint32_t eax, uint32_t ebx, uint32_t ecx, double *ret_mhz);

/* The TSC rate a kernel log line gives ("tsc: Refined TSC clocksource
 * calibration: 2294.684 MHz", "tsc: Detected 2294.608 MHz processor"):
 * 2 refined, 1 detected, 0 neither. */
int kl_tsc_mhz_from_log(const char *text, size_t len, double *ret_mhz);

/* The exec stamp: where kexec --exec-stamp gave a page (preserved, in the
 * handoff table as the region KL_XS_REGION_NAME, no digest), the load
 * arms it (the record with tsc 0) and `kexec -e` writes the TSC into it
 * just before reboot(), so that the timeline starts at the exec.  The
 * record is the page's first bytes, little-endian (kexec-handoff(5)). */
#define KL_XS_MAGIC 0x53584c4bU /* "KLXS" */
#define KL_XS_VERSION 1
#define KL_XS_REGION_NAME "kexec-live.exec-stamp"
#define KL_XS_PAGE 4096

struct kl_xs_record {
	uint32_t magic;	   /* KL_XS_MAGIC */
	uint16_t version;  /* KL_XS_VERSION */
	uint16_t size;	   /* sizeof(struct kl_xs_record) */
	uint32_t crc32;	   /* CRC-32 (IEEE) of the record, this field 0 */
	uint32_t reserved; /* 0 */
	uint64_t tsc;	   /* the TSC at kexec -e; 0: armed, not stamped */
};

_Static_assert(__builtin_offsetof(struct kl_xs_record, version) == 4, "kl_xs_record.version moved");
_Static_assert(__builtin_offsetof(struct kl_xs_record, size) == 6, "kl_xs_record.size moved");
_Static_assert(__builtin_offsetof(struct kl_xs_record, crc32) == 8, "kl_xs_record.crc32 moved");
_Static_assert(__builtin_offsetof(struct kl_xs_record, tsc) == 16, "kl_xs_record.tsc moved");
_Static_assert(sizeof(struct kl_xs_record) == 24, "kl_xs_record size");

/* The record for tsc (0 to arm) into out. */
void kl_xs_encode(uint64_t tsc, uint8_t out[sizeof(struct kl_xs_record)]);

/* Check a page's first bytes (magic, version, size, reserved, CRC-32):
 * the TSC through ret_tsc; -ENODATA when armed but never stamped (the
 * exec did not stamp it), -EBADMSG when damaged or not a record. */
int kl_xs_decode(const void *buf, size_t len, uint64_t *ret_tsc, struct kl_err *err);

/* A mark of the new kernel's userland (kexec-handoff timeline --mark
 * NAME, for example "VM resumed"): a line "TSC NAME" of
 * /run/kexec-live/marks.  Names are 1 to KL_MARK_NAME_MAX letters,
 * digits, spaces and "_.:-", so that they print and go into JSON as they
 * are. */
#define KL_MARK_NAME_MAX 48

bool kl_mark_name_ok(const char *name, size_t len);

/* Who set a mark (the chart colours its bar by it). */
enum kl_tl_source { KL_TL_SRC_OLD_KERNEL, KL_TL_SRC_PURGATORY, KL_TL_SRC_KERNEL, KL_TL_SRC_USER, KL_TL_SRC_MAX };

/* One mark of an update: its name, milliseconds since the purgatory
 * started, and who set it. */
struct kl_tl_mark {
	char name[KL_MARK_NAME_MAX + 1];
	double ms;
	enum kl_tl_source src;
};

#define KL_TL_MARKS_MAX 64

struct kl_tl_marks {
	struct kl_tl_mark v[KL_TL_MARKS_MAX];
	size_t n;
};

/* Add a mark (a name longer than KL_MARK_NAME_MAX is cut); past
 * KL_TL_MARKS_MAX marks, -E2BIG and nothing added. */
int kl_tl_marks_add(struct kl_tl_marks *m, const char *name, double ms, enum kl_tl_source src);

/* In time order; marks of one time keep the order they were added in
 * (the purgatory's before the kernel's). */
void kl_tl_marks_sort(struct kl_tl_marks *m);

/* One line of the marks file (without its newline): its TSC and name. */
int kl_user_mark_parse(const char *line, size_t len, uint64_t *ret_tsc, char ret_name[KL_MARK_NAME_MAX + 1]);

#endif
