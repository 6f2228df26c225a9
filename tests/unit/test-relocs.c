/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The KASLR relocation table: both layouts, application, refusals. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lib/base/util.h"
#include "lib/format/relocs.h"

#define VBASE 0xffffffff81000000ULL

/* Build "0 | r64 | 0 | [inv | 0 |] r32" of virtual addresses. */
static uint8_t *table(const uint64_t *r64, size_t n64, const uint64_t *inv, size_t ninv, int with_inv,
		      const uint64_t *r32, size_t n32, size_t *ret_len)
{
	size_t n = 1 + n64 + 1 + (with_inv ? ninv + 1 : 0) + n32, k = 0, i;
	uint8_t *b = calloc(n, 4);

	kl_put_le32(b + 4 * k++, 0);
	for (i = 0; i < n64; i++)
		kl_put_le32(b + 4 * k++, (uint32_t)r64[i]);
	kl_put_le32(b + 4 * k++, 0);
	if (with_inv) {
		for (i = 0; i < ninv; i++)
			kl_put_le32(b + 4 * k++, (uint32_t)inv[i]);
		kl_put_le32(b + 4 * k++, 0);
	}
	for (i = 0; i < n32; i++)
		kl_put_le32(b + 4 * k++, (uint32_t)r32[i]);
	*ret_len = n * 4;
	return b;
}

static void three_set_layout(void **state)
{
	const uint64_t r64[] = { VBASE + 0x10, VBASE + 0x20 }, inv[] = { VBASE + 0x30 }, r32[] = { VBASE + 0x40 };
	struct kl_relocs r;
	uint8_t img[0x100] = { 0 };
	size_t len, end = 0;
	uint8_t *t = table(r64, 2, inv, 1, 1, r32, 1, &len);

	(void)state;
	assert_int_equal(kl_relocs_parse(t, len, &r, NULL), 0);
	assert_int_equal(r.layout, 3);
	assert_int_equal(r.n64, 2);
	assert_int_equal(r.ninv32, 1);
	assert_int_equal(r.n32, 1);
	kl_put_le64(img + 0x10, VBASE + 0x1234);
	kl_put_le64(img + 0x20, 0xffffffff82000000ULL);
	kl_put_le32(img + 0x30, 0x1000);
	kl_put_le32(img + 0x40, 0x81000000u);
	assert_int_equal(kl_relocs_apply(&r, img, sizeof(img), VBASE, 0x200000, &end, NULL), 0);
	assert_int_equal(end, 0x44); /* the 32-bit location at 0x40 is the highest */
	assert_int_equal(kl_le64(img + 0x10), VBASE + 0x1234 + 0x200000);
	assert_int_equal(kl_le64(img + 0x20), 0xffffffff82200000ULL);
	assert_int_equal(kl_le32(img + 0x30), 0x1000 - 0x200000u);
	assert_int_equal(kl_le32(img + 0x40), 0x81200000u);
	free(t);
}

static void two_set_layout(void **state)
{
	const uint64_t r64[] = { VBASE + 0x8 }, r32[] = { VBASE + 0x0, VBASE + 0x4 };
	struct kl_relocs r;
	uint8_t img[0x10] = { 0 };
	size_t len, end = 0;
	uint8_t *t = table(r64, 1, NULL, 0, 0, r32, 2, &len);

	(void)state;
	assert_int_equal(kl_relocs_parse(t, len, &r, NULL), 0);
	assert_int_equal(r.layout, 2);
	assert_int_equal(r.ninv32, 0);
	assert_int_equal(kl_relocs_apply(&r, img, sizeof(img), VBASE, 0x400000, NULL, NULL), 0);
	assert_int_equal(kl_le32(img + 0), 0x400000);
	assert_int_equal(kl_le32(img + 4), 0x400000);
	assert_int_equal(kl_le64(img + 8), 0x400000);
	/* delta 0 changes nothing */
	memset(img, 0, sizeof(img));
	assert_int_equal(kl_relocs_apply(&r, img, sizeof(img), VBASE, 0, &end, NULL), 0);
	assert_int_equal(kl_le64(img + 8), 0);
	assert_int_equal(end, 0x10); /* the 64-bit location at 8, even with delta 0 */
	free(t);
}

static void refusals_change_nothing(void **state)
{
	const uint64_t r64[] = { VBASE + 0x8 }, r32_bad[] = { VBASE + 0x0, VBASE + 0x1000 };
	struct kl_relocs r;
	struct kl_err err = { { 0 } };
	uint8_t img[0x10] = { 0 }, zero[0x10] = { 0 };
	size_t len;
	uint8_t *t = table(r64, 1, NULL, 0, 0, r32_bad, 2, &len);

	(void)state;
	assert_int_equal(kl_relocs_parse(t, len, &r, NULL), 0);
	assert_int_equal(kl_relocs_apply(&r, img, sizeof(img), VBASE, 0x200000, NULL, &err), -ERANGE);
	assert_non_null(strstr(err.msg, "outside the kernel image"));
	assert_memory_equal(img, zero, sizeof(img)); /* checked before any write */
	/* a 64-bit location whose last bytes fall off the image */
	{
		const uint64_t r64_edge[] = { VBASE + 0xc };
		uint8_t *t2 = table(r64_edge, 1, NULL, 0, 0, NULL, 0, &len);

		assert_int_equal(kl_relocs_parse(t2, len, &r, NULL), 0);
		assert_int_equal(kl_relocs_apply(&r, img, sizeof(img), VBASE, 0x200000, NULL, NULL), -ERANGE);
		free(t2);
	}
	/* below the image */
	{
		const uint64_t r32_low[] = { VBASE - 4 };
		uint8_t *t3 = table(NULL, 0, NULL, 0, 0, r32_low, 1, &len);

		assert_int_equal(kl_relocs_parse(t3, len, &r, NULL), 0);
		assert_int_equal(kl_relocs_apply(&r, img, sizeof(img), VBASE, 0x200000, NULL, NULL), -ERANGE);
		free(t3);
	}
	assert_int_equal(kl_relocs_apply(&r, img, sizeof(img), VBASE, 1ULL << 30, NULL, NULL), -ERANGE);
	free(t);
}

/* An image in pieces: two regions with a gap between them.  Each location
 * is found in its region, each region's end is raised past its highest
 * location, and a location in the gap changes nothing. */
static void regions_with_a_gap(void **state)
{
	const uint64_t r64[] = { VBASE + 0x1008 }, inv[] = { VBASE + 0x4 }, r32[] = { VBASE + 0x1000 };
	uint8_t a[0x10] = { 0 }, b[0x20] = { 0 }, zb[0x20] = { 0 };
	struct kl_reloc_region reg[2] = { { .off = 0, .len = sizeof(a), .buf = a, .end = 2 },
					  { .off = 0x1000, .len = sizeof(b), .buf = b, .end = 0x18 } };
	struct kl_relocs r;
	struct kl_err err = { { 0 } };
	size_t len;
	uint8_t *t = table(r64, 1, inv, 1, 1, r32, 1, &len);

	(void)state;
	assert_int_equal(kl_relocs_parse(t, len, &r, NULL), 0);
	kl_put_le32(a + 4, 0x1000);
	kl_put_le32(b, 0x81000010u);
	kl_put_le64(b + 8, VBASE + 0x20);
	assert_int_equal(kl_relocs_apply_regions(&r, reg, 2, VBASE, 0x200000, NULL), 0);
	assert_int_equal(kl_le32(a + 4), 0x1000 - 0x200000u);
	assert_int_equal(kl_le32(b), 0x81200010u);
	assert_int_equal(kl_le64(b + 8), VBASE + 0x20 + 0x200000);
	assert_int_equal(reg[0].end, 8);    /* raised from 2 by the word at 4 */
	assert_int_equal(reg[1].end, 0x18); /* already past the word at 8 */
	free(t);

	/* a location in the gap between the regions */
	{
		const uint64_t gap[] = { VBASE + 0x800 };
		uint8_t *t2 = table(NULL, 0, NULL, 0, 0, gap, 1, &len);

		memset(b, 0, sizeof(b));
		assert_int_equal(kl_relocs_parse(t2, len, &r, NULL), 0);
		assert_int_equal(kl_relocs_apply_regions(&r, reg, 2, VBASE, 0x200000, &err), -ERANGE);
		assert_non_null(strstr(err.msg, "outside the kernel image"));
		assert_memory_equal(b, zb, sizeof(b));
		free(t2);
	}
}

static void malformed_tables(void **state)
{
	uint8_t b[32] = { 0 };
	struct kl_relocs r;

	(void)state;
	assert_int_equal(kl_relocs_parse(b, 6, &r, NULL), -ENOEXEC);   /* not whole words */
	assert_int_equal(kl_relocs_parse(b, 4, &r, NULL), -ENOEXEC);   /* too short */
	kl_put_le32(b, 1);
	assert_int_equal(kl_relocs_parse(b, 12, &r, NULL), -ENOEXEC);  /* no leading zero */
	memset(b, 0, sizeof(b));
	assert_int_equal(kl_relocs_parse(b, 32, &r, NULL), -ENOEXEC);  /* eight sets */
	kl_put_le32(b + 4, 0x81000000u);
	assert_int_equal(kl_relocs_parse(b, 8, &r, NULL), -ENOEXEC);   /* one set */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(three_set_layout),
		cmocka_unit_test(regions_with_a_gap),
		cmocka_unit_test(two_set_layout),
		cmocka_unit_test(refusals_change_nothing),
		cmocka_unit_test(malformed_tables),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
