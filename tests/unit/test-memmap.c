/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/iomem and /sys/firmware/memmap parsing; range maths; placement. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lib/base/util.h"
#include "lib/mem/memmap.h"

static void inclusive_ends_convert_once(void **state)
{
	struct kl_range r;

	(void)state;
	assert_int_equal(kl_range_from_inclusive(0x1000, 0x1fff, &r), 0);
	assert_int_equal(r.start, 0x1000);
	assert_int_equal(r.size, 0x1000);
	assert_int_equal(kl_range_from_inclusive(5, 5, &r), 0);
	assert_int_equal(r.size, 1);
	assert_int_equal(kl_range_from_inclusive(6, 5, &r), -ERANGE);
	assert_int_equal(kl_range_from_inclusive(0, UINT64_MAX, &r), -ERANGE);
}

static void overlap_table(void **state)
{
	static const struct {
		struct kl_range a, b;
		bool overlap;
	} t[] = {
		{ { 0, 10 }, { 10, 5 }, false }, /* touching is not overlapping */
		{ { 0, 10 }, { 9, 5 }, true },
		{ { 5, 1 }, { 0, 100 }, true },
		{ { 0, 0 }, { 0, 100 }, false }, /* empty ranges never overlap */
		{ { 100, 10 }, { 0, 100 }, false },
	};
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(t); i++) {
		assert_int_equal(kl_range_overlaps(&t[i].a, &t[i].b), t[i].overlap);
		assert_int_equal(kl_range_overlaps(&t[i].b, &t[i].a), t[i].overlap);
	}
}

static void iomem_keeps_top_level_memory(void **state)
{
	static const char text[] = "00000000-00000fff : Reserved\n"
				   "00001000-0009fbff : System RAM\n"
				   "000a0000-000bffff : PCI Bus 0000:00\n"
				   "00100000-7ffdffff : System RAM\n"
				   "  01000000-01ffffff : Kernel code\n"
				   "  20000000-2fffffff : Crash kernel\n"
				   "7ffe0000-7fffffff : Reserved\n"
				   "100000000-13fffffff : Persistent Memory (legacy)\n"
				   "140000000-17fffffff : ACPI Tables";
	struct kl_memmap m = { 0 };

	(void)state;
	assert_int_equal(kl_memmap_parse_iomem(text, strlen(text), &m, NULL), 0);
	assert_int_equal(m.n, 6);
	assert_int_equal(m.e[1].r.start, 0x1000);
	assert_int_equal(m.e[1].r.size, 0x9f000 - 0x1000 + 0xc00);
	assert_int_equal(m.e[1].type, KL_MEM_RAM);
	assert_int_equal(m.e[2].r.start, 0x100000);
	assert_int_equal(m.e[2].r.size, 0x7ffe0000 - 0x100000);
	assert_int_equal(m.e[4].type, KL_MEM_PRAM);
	assert_int_equal(m.e[5].type, KL_MEM_ACPI);
	kl_memmap_free(&m);
}

static void iomem_rejects_garbage(void **state)
{
	static const char *const bad[] = {
		"zzzz-0fff : System RAM\n",
		"00001000 : System RAM\n",
		"2000-1000 : System RAM\n",
		"00001000-00001fff System RAM\n",
		"00000000000000000-1 : System RAM\n", /* 17 digits */
		"0-ffffffffffffffff : System RAM\n",  /* end not representable */
	};
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(bad); i++) {
		struct kl_memmap m = { 0 };
		struct kl_err err = { { 0 } };

		if (kl_memmap_parse_iomem(bad[i], strlen(bad[i]), &m, &err) == 0)
			fail_msg("accepted '%s'", bad[i]);
		assert_non_null(strstr(err.msg, "/proc/iomem: line 1"));
		assert_null(m.e);
	}
}

static void firmware_entries(void **state)
{
	struct kl_memmap m = { 0 };
	struct kl_err err = { { 0 } };

	(void)state;
	assert_int_equal(kl_memmap_add_firmware_entry(&m, "0x100000\n", "0x7ffdffff\n", "System RAM\n", NULL), 0);
	assert_int_equal(kl_memmap_add_firmware_entry(&m, "0x0", "0x9fbff", "Reserved", NULL), 0);
	assert_int_equal(kl_memmap_add_firmware_entry(&m, "0x0", "0xfff", "Something New", NULL), 0);
	assert_int_equal(m.e[2].type, KL_MEM_RESERVED); /* unknown: keep away */
	assert_int_equal(kl_memmap_add_firmware_entry(&m, "0x2000", "0x1000", "System RAM", &err), -EINVAL);
	assert_non_null(strstr(err.msg, "bad range"));
	assert_int_equal(kl_memmap_add_firmware_entry(&m, "0x1x", "0x2000", "System RAM", NULL), -EINVAL);
	kl_memmap_sort(&m);
	assert_int_equal(m.e[0].r.start, 0);
	assert_int_equal(m.e[2].r.start, 0x100000);
	assert_int_equal(m.e[2].r.size, 0x7ffe0000 - 0x100000);
	kl_memmap_free(&m);
}

static void fixture_sysroot_reads_both_maps(void **state)
{
	struct kl_sysinfo si;

	(void)state;
	fx_sysinfo("qemu-2g", &si);
	assert_false(si.firmware_from_iomem);
	assert_int_equal(si.firmware.n, 7);
	assert_int_equal(si.firmware.e[3].r.start, 0x100000);
	assert_int_equal(si.firmware.e[3].type, KL_MEM_RAM);
	assert_int_equal(si.firmware.e[6].r.start, 0xfd00000000ULL);
	assert_int_equal(si.firmware.e[6].r.size, 0x300000000ULL);
	assert_int_equal(si.iomem.n, 8); /* 2 System RAM, 6 Reserved at top level */
	kl_sysinfo_free(&si);
}

/*
 * Placement, table-driven.  Free RAM for every case:
 *
 *   0x1000      0x9f000   0x100000                         0x80000000
 *     |  RAM 1   |  hole    |            RAM 2                 |
 */
static void place_table(void **state)
{
	static const struct {
		const char *what;
		struct kl_place_req req;
		int ret;
		uint64_t start;
	} t[] = {
		{ "top-down", { .size = 0x1000, .top_down = true }, 0, 0x7ffff000 },
		{ "bottom-up", { .size = 0x1000 }, 0, 0x1000 },
		{ "bottom-up skips too small", { .size = 0x100000 }, 0, 0x100000 },
		{ "aligned top-down", { .size = 0x1000, .align = 0x200000, .top_down = true }, 0, 0x7fe00000 },
		{ "max bound", { .size = 0x1000, .max = 0x90000, .top_down = true }, 0, 0x8f000 },
		{ "min bound", { .size = 0x1000, .min = 0x100001 }, 0, 0x101000 },
		{ "too big", { .size = 0x80000000 }, -ENOMEM, 0 },
		{ "window too small", { .size = 0x2000, .min = 0x9e000, .max = 0x100000 }, -ENOMEM, 0 },
		{ "zero size", { .size = 0 }, -EINVAL, 0 },
		{ "bad alignment", { .size = 0x1000, .align = 0x3000 }, -EINVAL, 0 },
	};
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(t); i++) {
		struct kl_memmap m = { 0 };
		struct kl_freeset f;
		uint64_t got = 0;
		int r;

		assert_int_equal(kl_memmap_add(&m, 0x1000, 0x9e000, KL_MEM_RAM), 0);
		assert_int_equal(kl_memmap_add(&m, 0x100000, 0x7ff00000, KL_MEM_RAM), 0);
		assert_int_equal(kl_freeset_from_memmap(&f, &m), 0);
		r = kl_freeset_place(&f, &t[i].req, &got);
		if (r != t[i].ret)
			fail_msg("%s: returned %d, want %d", t[i].what, r, t[i].ret);
		if (r == 0) {
			struct kl_range placed = { got, t[i].req.size };

			if (got != t[i].start)
				fail_msg("%s: placed at 0x%llx, want 0x%llx", t[i].what,
					 (unsigned long long)got, (unsigned long long)t[i].start);
			/* placed memory is no longer free */
			assert_false(kl_freeset_contains(&f, &placed));
		}
		kl_freeset_free(&f);
		kl_memmap_free(&m);
	}
}

static void reserve_splits_and_clips(void **state)
{
	struct kl_memmap m = { 0 };
	struct kl_freeset f;

	(void)state;
	assert_int_equal(kl_memmap_add(&m, 0x100000, 0x100000, KL_MEM_RAM), 0);
	assert_int_equal(kl_memmap_add(&m, 0x180000, 0x1000, KL_MEM_RESERVED), 0); /* inside RAM */
	kl_memmap_sort(&m);
	assert_int_equal(kl_freeset_from_memmap(&f, &m), 0);
	assert_int_equal(f.n, 2); /* the reserved page split RAM in two */
	assert_int_equal(f.r[0].size, 0x80000);
	assert_int_equal(f.r[1].start, 0x181000);
	assert_int_equal(kl_freeset_reserve(&f, &(struct kl_range){ 0xf0000, 0x20000 }), 0);
	assert_int_equal(f.r[0].start, 0x110000);
	assert_int_equal(kl_freeset_reserve(&f, &(struct kl_range){ 0x1f0000, 0x100000 }), 0);
	assert_int_equal(kl_range_end(&f.r[1]), 0x1f0000);
	assert_int_equal(kl_freeset_reserve(&f, &(struct kl_range){ 0, 0x1000000 }), 0);
	assert_int_equal(f.n, 0);
	kl_freeset_free(&f);
	kl_memmap_free(&m);
}

static void random_placement_stays_inside(void **state)
{
	struct kl_memmap m = { 0 };
	uint64_t seen_low = 0, seen_high = 0, rnd;

	(void)state;
	assert_int_equal(kl_memmap_add(&m, 0x100000, 0x7ff00000, KL_MEM_RAM), 0);
	for (rnd = 0; rnd < 2000; rnd += 7) {
		struct kl_freeset f;
		struct kl_place_req req = { .size = 0x3000000, .align = 0x200000, .min = 0x1000000,
					    .max = 0x80000000 };
		uint64_t got;

		assert_int_equal(kl_freeset_from_memmap(&f, &m), 0);
		assert_int_equal(kl_freeset_place_random(&f, &req, rnd * 0x9e3779b97f4a7c15ULL, &got), 0);
		assert_int_equal(got % 0x200000, 0);
		assert_true(got >= 0x1000000 && got + 0x3000000 <= 0x80000000);
		if (got < 0x40000000)
			seen_low++;
		else
			seen_high++;
		kl_freeset_free(&f);
	}
	/* both halves of RAM get chosen */
	assert_true(seen_low > 50 && seen_high > 50);
	{
		struct kl_freeset f;
		struct kl_place_req req = { .size = 0x80000000, .align = 0x200000 };
		uint64_t got;

		assert_int_equal(kl_freeset_from_memmap(&f, &m), 0);
		assert_int_equal(kl_freeset_place_random(&f, &req, 1, &got), -ENOMEM);
		kl_freeset_free(&f);
	}
	kl_memmap_free(&m);
}

static void carve_splits_and_marks(void **state)
{
	struct kl_memmap m = { 0 };

	(void)state;
	assert_int_equal(kl_memmap_add(&m, 0x0, 0x9fc00, KL_MEM_RAM), 0);
	assert_int_equal(kl_memmap_add(&m, 0x100000, 0x7ff00000, KL_MEM_RAM), 0);
	/* in the middle of the second entry */
	assert_int_equal(kl_memmap_carve(&m, &(struct kl_range){ 0x40000000, 0x4000000 }, KL_MEM_PRAM), 0);
	assert_int_equal(m.n, 4);
	assert_int_equal(m.e[1].r.start, 0x100000);
	assert_int_equal(kl_range_end(&m.e[1].r), 0x40000000);
	assert_int_equal(m.e[2].r.start, 0x40000000);
	assert_int_equal(m.e[2].type, KL_MEM_PRAM);
	assert_int_equal(m.e[3].r.start, 0x44000000);
	assert_int_equal(kl_range_end(&m.e[3].r), 0x80000000);
	/* across an entry's end and a hole */
	assert_int_equal(kl_memmap_carve(&m, &(struct kl_range){ 0x90000, 0x80000 }, KL_MEM_RESERVED), 0);
	assert_int_equal(kl_range_end(&m.e[0].r), 0x90000);
	assert_int_equal(m.e[1].r.start, 0x90000);
	assert_int_equal(m.e[1].type, KL_MEM_RESERVED);
	assert_int_equal(m.e[2].r.start, 0x110000);
	kl_memmap_free(&m);
}

/* --print-ckr-size: every "Crash kernel" resource, at any depth, exact
 * name only; malformed lines are skipped. */
static void iomem_total_sums_named_resources(void **state)
{
	static const char iomem[] =
		"00000000-00000fff : Reserved\n"
		"00100000-7ffdffff : System RAM\n"
		"  0a000000-11ffffff : Crash kernel\n"
		"  12000000-12000fff : Crash kernel extra\n"
		"100000000-13fffffff : System RAM\n"
		"    120000000-1200fffff : Crash kernel\n"
		"  zzzz : Crash kernel\n"
		"  2000-1000 : Crash kernel\n"
		"fed00000-fed003ff : Crash kernel";

	(void)state;
	assert_int_equal(kl_iomem_total(iomem, strlen(iomem), "Crash kernel"),
			 0x8000000ULL + 0x100000ULL + 0x400ULL);
	assert_int_equal(kl_iomem_total(iomem, strlen(iomem), "Kernel code"), 0);
	assert_int_equal(kl_iomem_total("", 0, "Crash kernel"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(iomem_total_sums_named_resources),
		cmocka_unit_test(inclusive_ends_convert_once),
		cmocka_unit_test(overlap_table),
		cmocka_unit_test(iomem_keeps_top_level_memory),
		cmocka_unit_test(iomem_rejects_garbage),
		cmocka_unit_test(firmware_entries),
		cmocka_unit_test(fixture_sysroot_reads_both_maps),
		cmocka_unit_test(place_table),
		cmocka_unit_test(reserve_splits_and_clips),
		cmocka_unit_test(random_placement_stays_inside),
		cmocka_unit_test(carve_splits_and_marks),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
