/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The timeline record's decoder (what the purgatory stamped), the TSC to
 * kernel clock arithmetic of the perf mmap page and CPUID leaf 0x15, and
 * the history of a chain's timelines (lib/timeline/history.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "fixture.h"
#include "lib/base/util.h"
#include "lib/timeline/history.h"
#include "lib/timeline/timeline.h"

/* A record as the loader lays it out and the purgatory stamps it. */
static void make_record(uint8_t out[sizeof(struct kl_tl_record)], uint32_t stamped, const uint64_t *stamps,
			uint32_t check, uint64_t checked)
{
	size_t i;

	memset(out, 0, sizeof(struct kl_tl_record));
	kl_put_le32(out, KL_TL_MAGIC);
	kl_put_le16(out + 4, KL_TL_VERSION);
	kl_put_le16(out + 6, sizeof(struct kl_tl_record));
	kl_put_le32(out + 8, stamped);
	kl_put_le32(out + 16, check);
	kl_put_le64(out + 24, checked);
	for (i = 0; i < KL_TL_STAMPS_MAX; i++)
		kl_put_le64(out + 32 + 8 * i, stamps[i]);
	kl_put_le32(out + 12, (uint32_t)crc32(0L, out, sizeof(struct kl_tl_record)));
}

static const uint64_t stamps[KL_TL_STAMPS_MAX] = { 1000000, 4000000, 4000100 };
#define ALL3 ((1U << KL_TL_PURG_START) | (1U << KL_TL_PURG_CHECKED) | (1U << KL_TL_PURG_JUMP))

static void decodes_a_stamped_record(void **state)
{
	uint8_t r[sizeof(struct kl_tl_record)];
	struct kl_timeline t;

	(void)state;
	make_record(r, ALL3, stamps, KL_TL_CHECK_CRC32C, 98u << 20);
	assert_int_equal(kl_timeline_decode(r, sizeof(r), &t, NULL), 0);
	assert_int_equal(t.stamped, ALL3);
	assert_int_equal(t.check, KL_TL_CHECK_CRC32C);
	assert_int_equal(t.checked_bytes, 98u << 20);
	assert_int_equal(t.stamp[KL_TL_PURG_START], 1000000);
	assert_int_equal(t.stamp[KL_TL_PURG_JUMP], 4000100);
	/* laid out but never stamped (the purgatory did not run): valid, empty */
	make_record(r, 0, (const uint64_t[KL_TL_STAMPS_MAX]){ 0 }, KL_TL_CHECK_NONE, 0);
	assert_int_equal(kl_timeline_decode(r, sizeof(r), &t, NULL), 0);
	assert_int_equal(t.stamped, 0);
}

/* Every damage is refused with a reason; a damaged record is never a
 * timeline. */
static void refuses_damage(void **state)
{
	static const uint64_t back[KL_TL_STAMPS_MAX] = { 5000, 4000, 6000 };
	uint8_t r[sizeof(struct kl_tl_record)], big[sizeof(r) + 8];
	struct kl_timeline t;
	struct kl_err err = { { 0 } };

	(void)state;
	make_record(r, ALL3, stamps, KL_TL_CHECK_SHA256, 1);
	r[40] ^= 1; /* a stamp changed after the checksum */
	assert_int_equal(kl_timeline_decode(r, sizeof(r), &t, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "CRC-32 mismatch"));
	make_record(r, ALL3, stamps, KL_TL_CHECK_SHA256, 1);
	assert_int_equal(kl_timeline_decode(r, sizeof(r) - 1, &t, NULL), -EBADMSG);
	memcpy(big, r, sizeof(r));
	memset(big + sizeof(r), 0, 8);
	assert_int_equal(kl_timeline_decode(big, sizeof(big), &t, NULL), -EBADMSG);
	r[0] ^= 0xff;
	assert_int_equal(kl_timeline_decode(r, sizeof(r), &t, NULL), -EBADMSG);
	make_record(r, ALL3, stamps, KL_TL_CHECK_SHA256, 1);
	kl_put_le16(r + 4, KL_TL_VERSION + 1);
	assert_int_equal(kl_timeline_decode(r, sizeof(r), &t, NULL), -EPROTONOSUPPORT);
	make_record(r, ALL3, stamps, KL_TL_CHECK_MAX, 1);
	assert_int_equal(kl_timeline_decode(r, sizeof(r), &t, NULL), -EBADMSG);
	make_record(r, ALL3 | 1U << KL_TL_STAMPS_MAX, stamps, KL_TL_CHECK_SHA256, 1);
	assert_int_equal(kl_timeline_decode(r, sizeof(r), &t, NULL), -EBADMSG);
	memset(&err, 0, sizeof(err));
	make_record(r, ALL3, back, KL_TL_CHECK_SHA256, 1);
	assert_int_equal(kl_timeline_decode(r, sizeof(r), &t, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "backwards"));
}

static void tsc_to_kernel_clock(void **state)
{
	/* 3 GHz: a third of a nanosecond a tick, 2^32 / 3 at shift 32 */
	struct kl_tsc_clock c = { .time_zero = (uint64_t)-2000000000LL, .time_mult = 1431655765u, .time_shift = 32 };
	/* mult 2^10 at shift 10: ns = tsc + zero, exactly, for any tsc */
	struct kl_tsc_clock one = { .time_zero = 5, .time_mult = 1024, .time_shift = 10 };

	(void)state;
	/* 6e9 ticks = 2 s after TSC 0, where the clock read -2 s: zero,
	 * to within the rounding of mult (2^32 / 3 is not exact) */
	assert_true(llabs(kl_tsc_to_ns(&c, 6000000000ULL)) <= 2);
	/* before the clock's zero: negative */
	assert_true(kl_tsc_to_ns(&c, 3000000000ULL) < -999999990LL && kl_tsc_to_ns(&c, 3000000000ULL) > -1000000010LL);
	/* no overflow where tsc * mult needs more than 64 bits */
	assert_int_equal(kl_tsc_to_ns(&one, 0x7fffffffffff0000ULL), (int64_t)0x7fffffffffff0005ULL);
	assert_int_equal(kl_tsc_to_ns(&one, 1ULL << 62), (int64_t)((1ULL << 62) + 5));
	/* a year of a 3 GHz TSC (~9.5e16 ticks): about 3.2e16 ns, exact to mult's rounding */
	assert_true(llabs(kl_tsc_to_ns(&c, 94608000000000000ULL) - (31536000000000000LL - 2000000000LL)) < 100000000LL);
}

/* No exact conversion: one from the calibrated rate and a TSC reading
 * taken beside the clock's. */
static void clock_from_rate(void **state)
{
	struct kl_tsc_clock c;
	double mhz = 0;

	(void)state;
	/* 2294.608 MHz; at TSC 10e9 the clock read 5 s */
	assert_int_equal(kl_tsc_clock_from_rate(2294.608, 10000000000ULL, 5000000000ULL, &c), 0);
	assert_true(llabs(kl_tsc_to_ns(&c, 10000000000ULL) - 5000000000LL) <= 1);
	/* 2294.608e6 ticks earlier: one second earlier, to a nanosecond or so */
	assert_true(llabs(kl_tsc_to_ns(&c, 10000000000ULL - 2294608000ULL) - 4000000000LL) <= 2);
	/* below 1 GHz a tick is more than a nanosecond: mult still fits */
	assert_int_equal(kl_tsc_clock_from_rate(500.0, 1000, 0, &c), 0);
	assert_true(llabs(kl_tsc_to_ns(&c, 1000 + 500000000ULL) - 1000000000LL) <= 2);
	assert_int_equal(kl_tsc_clock_from_rate(0.0, 1, 1, &c), -ERANGE);
	assert_int_equal(kl_tsc_clock_from_rate(-5.0, 1, 1, &c), -ERANGE);
	/* the rate from the kernel's calibration lines */
	assert_int_equal(kl_tsc_mhz_from_log("tsc: Detected 2294.608 MHz processor", 36, &mhz), 1);
	assert_true(mhz > 2294.607 && mhz < 2294.609);
	assert_int_equal(kl_tsc_mhz_from_log("tsc: Refined TSC clocksource calibration: 2294.684 MHz", 54, &mhz), 2);
	assert_true(mhz > 2294.683 && mhz < 2294.685);
	assert_int_equal(kl_tsc_mhz_from_log("tsc: Detected MHz processor", 27, &mhz), 0);
	assert_int_equal(kl_tsc_mhz_from_log("tsc: Detected 2294.608 GHz", 26, &mhz), 0);
	assert_int_equal(kl_tsc_mhz_from_log("tsc: Detected 2294", 18, &mhz), 0);
	assert_int_equal(kl_tsc_mhz_from_log("Memory: 260916K", 15, &mhz), 0);
}

static void clock_from_cpuid15(void **state)
{
	double mhz = -1;

	(void)state;
	/* a 24 MHz crystal and a TSC at 176/2 of it: 2112 MHz */
	assert_int_equal(kl_tsc_mhz_from_cpuid15(/* eax= */ 2, /* ebx= */ 176, /* ecx= */ 24000000, &mhz), 0);
	assert_true(mhz > 2111.999999 && mhz < 2112.000001);
	/* a 25 MHz crystal, 200/3: a rate that is not a whole number */
	assert_int_equal(kl_tsc_mhz_from_cpuid15(3, 200, 25000000, &mhz), 0);
	assert_true(mhz > 1666.666666 && mhz < 1666.666667);
	/* the largest fields do not overflow */
	assert_int_equal(kl_tsc_mhz_from_cpuid15(1, UINT32_MAX, UINT32_MAX, &mhz), 0);
	assert_true(mhz > 1.8446744e13 && mhz < 1.8446745e13);
	/* any field 0: not enumerated, and the output left alone */
	mhz = -1;
	assert_int_equal(kl_tsc_mhz_from_cpuid15(0, 176, 24000000, &mhz), -ENOENT);
	assert_int_equal(kl_tsc_mhz_from_cpuid15(2, 0, 24000000, &mhz), -ENOENT);
	assert_int_equal(kl_tsc_mhz_from_cpuid15(2, 176, 0, &mhz), -ENOENT);
	assert_true(mhz == -1);
}

static struct kl_tlh_entry history_entry(const char *release, uint32_t run_init_us)
{
	struct kl_tlh_entry e = { .check = KL_TL_CHECK_CRC32C, .checked_bytes = 56u << 20 };

	snprintf(e.release, sizeof(e.release), "%s", release);
	e.present = 1U << KL_TLH_PURG_CHECKED | 1U << KL_TLH_CLOCK_ZERO | 1U << KL_TLH_RUN_INIT;
	e.usec[KL_TLH_PURG_CHECKED] = 98678;
	e.usec[KL_TLH_CLOCK_ZERO] = 214911;
	e.usec[KL_TLH_RUN_INIT] = run_init_us;
	return e;
}

static void history_round_trip(void **state)
{
	struct kl_tlh_entry v[KL_TLH_ENTRIES_MAX] = { { { 0 } } }, got[KL_TLH_ENTRIES_MAX], e;
	uint8_t buf[KL_TLH_SIZE_MAX];
	struct kl_err err = { { 0 } };
	size_t n = 0, len = 0, m = 0, i;
	char release[32];

	(void)state;
	/* an empty history is a history */
	assert_int_equal(kl_tlh_encode(v, 0, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, sizeof(struct kl_tlh_header));
	assert_int_equal(kl_tlh_decode(buf, len, got, &m, &err), 0);
	assert_int_equal(m, 0);
	/* 20 updates: the last 16 are kept, oldest first */
	for (i = 0; i < 20; i++) {
		snprintf(release, sizeof(release), "6.1.0-%zu-cloud-amd64", i);
		e = history_entry(release, 2000000 + (uint32_t)i);
		n = kl_tlh_push(v, n, &e);
	}
	assert_int_equal(n, KL_TLH_ENTRIES_MAX);
	assert_string_equal(v[0].release, "6.1.0-4-cloud-amd64");
	assert_string_equal(v[15].release, "6.1.0-19-cloud-amd64");
	assert_int_equal(kl_tlh_encode(v, n, buf, sizeof(buf), &len), 0);
	assert_int_equal(len, KL_TLH_SIZE_MAX);
	assert_int_equal(kl_le32(buf), KL_TLH_MAGIC);
	assert_int_equal(kl_tlh_decode(buf, len, got, &m, &err), 0);
	assert_int_equal(m, 16);
	for (i = 0; i < m; i++) {
		assert_string_equal(got[i].release, v[i].release);
		assert_int_equal(got[i].present, v[i].present);
		assert_int_equal(got[i].usec[KL_TLH_RUN_INIT], 2000004 + i);
		assert_int_equal(got[i].checked_bytes, 56u << 20);
	}
	assert_string_equal(kl_tlh_mark_name(KL_TLH_RUN_INIT), "run_init");
	assert_null(kl_tlh_mark_name(KL_TLH_MARKS_MAX));
	/* too many, or too little room */
	assert_int_equal(kl_tlh_encode(v, KL_TLH_ENTRIES_MAX + 1, buf, sizeof(buf), &len), -E2BIG);
	assert_int_equal(kl_tlh_encode(v, 2, buf, sizeof(struct kl_tlh_header) + 200, &len), -E2BIG);
}

/* Lay out the two entries, let damage() change the bytes, decode. */
static int history_damaged(void (*damage)(uint8_t *b, size_t *len, bool *recrc), struct kl_err *err)
{
	struct kl_tlh_entry v[2] = { history_entry("6.1.0-57-cloud-amd64", 2383316),
				     history_entry("7.2.0-1-cloud-amd64", 2100000) };
	struct kl_tlh_entry got[KL_TLH_ENTRIES_MAX];
	uint8_t buf[KL_TLH_SIZE_MAX + 8];
	size_t len = 0, n = 99;
	bool recrc = true;
	int r;

	assert_int_equal(kl_tlh_encode(v, 2, buf, sizeof(buf), &len), 0);
	damage(buf, &len, &recrc);
	if (recrc) { /* damage a CRC does not catch: a writer's mistake */
		kl_put_le32(buf + 12, 0);
		kl_put_le32(buf + 12, (uint32_t)crc32(0L, buf, (uInt)len));
	}
	memset(err, 0, sizeof(*err));
	r = kl_tlh_decode(buf, len, got, &n, err);
	assert_int_equal(n, 99); /* written on success only */
	return r;
}

static void flip_bit(uint8_t *b, size_t *len, bool *recrc)
{
	(void)len;
	b[16 + 128 + 70] ^= 4;
	*recrc = false;
}
static void cut_short(uint8_t *b, size_t *len, bool *recrc)
{
	(void)b;
	*len -= 1;
	*recrc = false;
}
static void bad_magic(uint8_t *b, size_t *len, bool *recrc)
{
	(void)len;
	(void)recrc;
	b[0] ^= 1;
}
static void new_version(uint8_t *b, size_t *len, bool *recrc)
{
	(void)len;
	(void)recrc;
	kl_put_le16(b + 4, 2);
}
static void too_many(uint8_t *b, size_t *len, bool *recrc)
{
	(void)len;
	(void)recrc;
	kl_put_le16(b + 6, 17);
}
static void big_entries(uint8_t *b, size_t *len, bool *recrc)
{
	(void)len;
	(void)recrc;
	kl_put_le32(b + 8, 136);
}
static void unknown_check(uint8_t *b, size_t *len, bool *recrc)
{
	(void)len;
	(void)recrc;
	kl_put_le32(b + 16 + 56, 9);
}
static void unknown_mark(uint8_t *b, size_t *len, bool *recrc)
{
	(void)len;
	(void)recrc;
	kl_put_le32(b + 16 + 60, 1U << 15);
}
static void open_release(uint8_t *b, size_t *len, bool *recrc)
{
	(void)len;
	(void)recrc;
	memset(b + 16 + 128, 'x', 48);
}
static void odd_release(uint8_t *b, size_t *len, bool *recrc)
{
	(void)len;
	(void)recrc;
	b[16 + 3] = '\n';
}

static void history_refuses_damage(void **state)
{
	static const struct {
		void (*damage)(uint8_t *b, size_t *len, bool *recrc);
		int code;
		const char *msg;
	} cases[] = {
		{ flip_bit, -EBADMSG, "timeline history damaged (CRC-32 mismatch)" },
		{ cut_short, -EBADMSG, "timeline history of 2 entries is 271 bytes, should be 272" },
		{ bad_magic, -EBADMSG, "not a timeline history (magic 0x484c544a)" },
		{ new_version, -EPROTONOSUPPORT, "timeline history version 2, this reader knows 1" },
		{ too_many, -EBADMSG, "timeline history of 17 entries (at most 16)" },
		{ big_entries, -EBADMSG, "timeline history entries of 136 bytes, this reader knows 128" },
		{ unknown_check, -EBADMSG, "timeline history entry 0 names an unknown check (9)" },
		{ unknown_mark, -EBADMSG, "timeline history entry 0 has marks this reader does not know (0x8000)" },
		{ open_release, -EBADMSG, "timeline history entry 1: release not terminated" },
		{ odd_release, -EBADMSG, "timeline history entry 0: release has byte 0x0a" },
	};
	struct kl_err err;
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(cases); i++) {
		assert_int_equal(history_damaged(cases[i].damage, &err), cases[i].code);
		assert_string_equal(err.msg, cases[i].msg);
	}
}

/* --tsc-clock's text: three numbers, MULT of 32 bits, SHIFT up to 63. */
static void clock_parse(void **state)
{
	static const struct {
		const char *s;
		int r;
		uint64_t zero;
		uint32_t mult;
		uint16_t shift;
	} cases[] = {
		{ "18446744071709551616:1:0", 0, 18446744071709551616ULL, 1, 0 },
		{ "0x10:0x20:31", 0, 16, 32, 31 },
		{ "0:4294967295:63", 0, 0, UINT32_MAX, 63 },
		{ "0:4294967296:0", -EINVAL },
		{ "0:1:64", -EINVAL },
		{ "1:2", -EINVAL },
		{ "1:2:3:4", -EINVAL },
		{ "1::3", -EINVAL },
		{ ":1:2", -EINVAL },
		{ "1:2:3x", -EINVAL },
		{ "-1:2:3", -EINVAL },
		{ "", -EINVAL },
	};
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(cases); i++) {
		struct kl_tsc_clock c = { 7, 7, 7 };

		assert_int_equal(kl_tsc_clock_parse(cases[i].s, &c), cases[i].r);
		if (cases[i].r == 0) {
			assert_true(c.time_zero == cases[i].zero);
			assert_int_equal(c.time_mult, cases[i].mult);
			assert_int_equal(c.time_shift, cases[i].shift);
		} else {
			assert_int_equal(c.time_mult, 7); /* untouched */
		}
	}
}

/* Marks in time order, ties in the order added; no more than the most. */
static void marks_sorted(void **state)
{
	struct kl_tl_marks m = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(kl_tl_marks_add(&m, "c", 3.0, KL_TL_SRC_USER), 0);
	assert_int_equal(kl_tl_marks_add(&m, "a", 1.0, KL_TL_SRC_PURGATORY), 0);
	assert_int_equal(kl_tl_marks_add(&m, "b1", 2.0, KL_TL_SRC_KERNEL), 0);
	assert_int_equal(kl_tl_marks_add(&m, "b2", 2.0, KL_TL_SRC_USER), 0);
	kl_tl_marks_sort(&m);
	assert_string_equal(m.v[0].name, "a");
	assert_string_equal(m.v[1].name, "b1");
	assert_string_equal(m.v[2].name, "b2");
	assert_string_equal(m.v[3].name, "c");
	assert_int_equal(m.v[3].src, KL_TL_SRC_USER);
	for (i = m.n; i < KL_TL_MARKS_MAX; i++)
		assert_int_equal(kl_tl_marks_add(&m, "x", 0, KL_TL_SRC_USER), 0);
	assert_int_equal(kl_tl_marks_add(&m, "one too many", 0, KL_TL_SRC_USER), -E2BIG);
	assert_int_equal(m.n, KL_TL_MARKS_MAX);
}

/* An update's marks into its entry and back: the known names kept (the
 * first of a name), rounded to microseconds; a script's, one before 0 or
 * past 2^32-1 us left out; a bad release refused. */
static void entry_from_marks(void **state)
{
	struct kl_timeline t = { .check = KL_TL_CHECK_SHA256, .checked_bytes = 40ULL << 20 };
	struct kl_tl_marks m = { 0 }, back;
	struct kl_tlh_entry e;

	(void)state;
	kl_tl_marks_add(&m, "purgatory_start", 0, KL_TL_SRC_PURGATORY);
	kl_tl_marks_add(&m, "purgatory_checked", 1052.6784, KL_TL_SRC_PURGATORY);
	kl_tl_marks_add(&m, "kernel_entry", 1052.9, KL_TL_SRC_PURGATORY);
	kl_tl_marks_add(&m, "clock_zero", 1060.25, KL_TL_SRC_KERNEL);
	kl_tl_marks_add(&m, "VM resumed", 3000, KL_TL_SRC_USER);
	kl_tl_marks_add(&m, "run_init", 2383.3, KL_TL_SRC_KERNEL);
	kl_tl_marks_add(&m, "run_init", 9999, KL_TL_SRC_KERNEL);
	kl_tl_marks_add(&m, "smp_up", -1.5, KL_TL_SRC_KERNEL);
	kl_tl_marks_add(&m, "multi_user_reached", 4294967.296, KL_TL_SRC_USER);
	kl_tl_marks_add(&m, "startup_finished", 4294967.295, KL_TL_SRC_USER);
	kl_tl_marks_add(&m, "exec", -350.5, KL_TL_SRC_OLD_KERNEL);
	assert_int_equal(kl_tlh_entry_make("6.1.0-57-cloud-amd64", &t, &m, &e), 0);
	assert_string_equal(e.release, "6.1.0-57-cloud-amd64");
	assert_int_equal(e.check, KL_TL_CHECK_SHA256);
	assert_true(e.checked_bytes == 40ULL << 20);
	assert_int_equal(e.present, 1U << KL_TLH_PURG_CHECKED | 1U << KL_TLH_KERNEL_ENTRY | 1U << KL_TLH_CLOCK_ZERO |
					    1U << KL_TLH_RUN_INIT | 1U << KL_TLH_STARTUP_FINISHED | 1U << KL_TLH_EXEC);
	assert_int_equal(e.usec[KL_TLH_EXEC], 350500); /* before the purgatory */
	assert_int_equal(e.usec[KL_TLH_PURG_CHECKED], 1052678);
	assert_int_equal(e.usec[KL_TLH_KERNEL_ENTRY], 1052900);
	assert_int_equal(e.usec[KL_TLH_RUN_INIT], 2383300);
	assert_int_equal(e.usec[KL_TLH_STARTUP_FINISHED], UINT32_MAX);
	kl_tlh_entry_marks(&e, &back);
	assert_int_equal(back.n, 7);
	assert_string_equal(back.v[0].name, "exec");
	assert_true(back.v[0].ms == -350.5);
	assert_int_equal(back.v[0].src, KL_TL_SRC_OLD_KERNEL);
	assert_string_equal(back.v[1].name, "purgatory_start");
	assert_string_equal(back.v[2].name, "purgatory_checked");
	assert_true(back.v[2].ms == 1052.678);
	assert_int_equal(back.v[2].src, KL_TL_SRC_PURGATORY);
	assert_string_equal(back.v[4].name, "clock_zero");
	assert_int_equal(back.v[4].src, KL_TL_SRC_KERNEL);
	assert_string_equal(back.v[5].name, "run_init");
	assert_string_equal(back.v[6].name, "startup_finished");
	assert_int_equal(back.v[6].src, KL_TL_SRC_USER);
	assert_int_equal(kl_tlh_entry_make("6.1 with a space", &t, &m, &e), -EINVAL);
	assert_int_equal(kl_tlh_entry_make("", &t, &m, &e), 0); /* no release known: empty, still an entry */
	assert_int_equal(kl_tlh_entry_make("0123456789012345678901234567890123456789012345678", &t, &m, &e), -EINVAL);
}

/* The exec stamp's record: armed, stamped, and damaged every way. */
static void exec_stamp_record(void **state)
{
	uint8_t rec[sizeof(struct kl_xs_record)], bad[sizeof(rec)];
	struct kl_err err = { { 0 } };
	uint64_t tsc = 7;
	size_t i;

	(void)state;
	kl_xs_encode(0, rec);
	assert_int_equal(kl_xs_decode(rec, sizeof(rec), &tsc, &err), -ENODATA);
	assert_string_equal(err.msg, "the exec stamp was armed but never stamped (kexec -e did not write it)");
	assert_int_equal(tsc, 7); /* untouched */
	kl_xs_encode(0x123456789abcdefULL, rec);
	assert_int_equal(kl_xs_decode(rec, sizeof(rec), &tsc, NULL), 0);
	assert_true(tsc == 0x123456789abcdefULL);
	assert_int_equal(kl_le32(rec), KL_XS_MAGIC);
	assert_int_equal(kl_xs_decode(rec, sizeof(rec) - 1, &tsc, NULL), -EBADMSG);
	/* any byte changed is refused: the CRC-32 or a field says so */
	for (i = 0; i < sizeof(rec); i++) {
		memcpy(bad, rec, sizeof(rec));
		bad[i] ^= 0x40;
		assert_int_equal(kl_xs_decode(bad, sizeof(bad), &tsc, NULL), -EBADMSG);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(decodes_a_stamped_record), cmocka_unit_test(refuses_damage),
		cmocka_unit_test(tsc_to_kernel_clock),	    cmocka_unit_test(clock_from_rate),
		cmocka_unit_test(clock_from_cpuid15),	    cmocka_unit_test(history_round_trip),
		cmocka_unit_test(history_refuses_damage), cmocka_unit_test(clock_parse),
		cmocka_unit_test(marks_sorted),		  cmocka_unit_test(entry_from_marks),
		cmocka_unit_test(exec_stamp_record),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
