/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdbool.h>

#include "lib/base/util.h"
#include "lib/format/relocs.h"

int kl_relocs_parse(const void *tail, size_t len, struct kl_relocs *ret, struct kl_err *err)
{
	const uint8_t *b = tail;
	size_t n = len / 4, i, zeros[3], nz = 0;
	struct kl_relocs r = { 0 };

	if (len % 4 || n < 2)
		return kl_fail(err, -ENOEXEC, "relocation table of %zu bytes is not a table", len);
	if (n > KL_RELOCS_MAX)
		return kl_fail(err, -E2BIG, "relocation table has more than %u entries", KL_RELOCS_MAX);
	if (kl_le32(b) != 0)
		return kl_fail(err, -ENOEXEC, "relocation table does not start with its terminator");
	for (i = 0; i < n; i++) {
		if (kl_le32(b + 4 * i))
			continue;
		if (nz == 3)
			return kl_fail(err, -ENOEXEC, "relocation table has more than three sets");
		zeros[nz++] = i;
	}
	/* sets run between the zero words, the last one up to the end */
	if (nz == 3) {
		r.r64 = b + 4 * (zeros[0] + 1);
		r.n64 = zeros[1] - zeros[0] - 1;
		r.inv32 = b + 4 * (zeros[1] + 1);
		r.ninv32 = zeros[2] - zeros[1] - 1;
		r.r32 = b + 4 * (zeros[2] + 1);
		r.n32 = n - zeros[2] - 1;
	} else if (nz == 2) {
		r.r64 = b + 4 * (zeros[0] + 1);
		r.n64 = zeros[1] - zeros[0] - 1;
		r.r32 = b + 4 * (zeros[1] + 1);
		r.n32 = n - zeros[1] - 1;
	} else {
		return kl_fail(err, -ENOEXEC, "relocation table has %zu set(s), expected 2 or 3", nz);
	}
	r.layout = (int)nz;
	*ret = r;
	return 0;
}

/* The region and offset in it of the location named by one entry. */
static int locate(const uint8_t *entry, const struct kl_reloc_region *reg, size_t n, uint64_t vbase, size_t width,
		  size_t *ret_region, size_t *ret_off)
{
	uint64_t va = (uint64_t)(int64_t)(int32_t)kl_le32(entry);
	uint64_t off = va - vbase;
	size_t k;

	if (va < vbase)
		return -ERANGE;
	for (k = 0; k < n; k++)
		if (off >= reg[k].off && kl_in_bounds(reg[k].len, off - reg[k].off, width)) {
			*ret_region = k;
			*ret_off = (size_t)(off - reg[k].off);
			return 0;
		}
	return -ERANGE;
}

int kl_relocs_apply_regions(const struct kl_relocs *r, struct kl_reloc_region *reg, size_t nreg, uint64_t vbase,
			    uint64_t delta, struct kl_err *err)
{
	/* the three sets: where, how many, how wide, add or subtract */
	const struct {
		const uint8_t *e;
		size_t n, width;
		bool inverse;
	} set[3] = { { r->r64, r->n64, 8, false }, { r->inv32, r->ninv32, 4, true }, { r->r32, r->n32, 4, false } };
	size_t i, s, k = 0, off = 0, count = 0;

	if (delta >= (1ULL << 30))
		return kl_fail(err, -ERANGE, "virtual offset 0x%llx is out of range", (unsigned long long)delta);
	/* Check every entry first: a bad table changes nothing. */
	for (s = 0; s < 3; s++)
		for (i = 0; i < set[s].n; i++, count++)
			if (locate(set[s].e + 4 * i, reg, nreg, vbase, set[s].width, &k, &off) < 0)
				return kl_fail(err, -ERANGE, "relocation %zu points outside the kernel image", count);
	for (s = 0; s < 3; s++)
		for (i = 0; i < set[s].n; i++) {
			uint8_t *p;

			locate(set[s].e + 4 * i, reg, nreg, vbase, set[s].width, &k, &off);
			reg[k].end = KL_MAX(reg[k].end, off + set[s].width);
			if (!delta)
				continue;
			p = reg[k].buf + off;
			if (set[s].width == 8)
				kl_put_le64(p, kl_le64(p) + delta);
			else if (set[s].inverse)
				kl_put_le32(p, kl_le32(p) - (uint32_t)delta);
			else
				kl_put_le32(p, kl_le32(p) + (uint32_t)delta);
		}
	return 0;
}

int kl_relocs_apply(const struct kl_relocs *r, uint8_t *image, size_t len, uint64_t vbase,
		    uint64_t delta, size_t *ret_end, struct kl_err *err)
{
	struct kl_reloc_region reg = { .off = 0, .len = len, .buf = image };
	int ret = kl_relocs_apply_regions(r, &reg, 1, vbase, delta, err);

	if (ret == 0 && ret_end)
		*ret_end = reg.end;
	return ret;
}
