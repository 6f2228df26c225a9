/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "relocs.h"
#include "util.h"

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

/* Offset in the image of the location named by one entry. */
static int locate(const uint8_t *entry, size_t len, uint64_t vbase, size_t width, size_t *ret)
{
	uint64_t va = (uint64_t)(int64_t)(int32_t)kl_le32(entry);
	uint64_t off = va - vbase;

	if (va < vbase || !kl_in_bounds(len, off, width))
		return -ERANGE;
	*ret = (size_t)off;
	return 0;
}

int kl_relocs_apply(const struct kl_relocs *r, uint8_t *image, size_t len, uint64_t vbase,
		    uint64_t delta, size_t *ret_end, struct kl_err *err)
{
	size_t i, off = 0, end = 0;

	if (delta >= (1ULL << 30))
		return kl_fail(err, -ERANGE, "virtual offset 0x%llx is out of range", (unsigned long long)delta);
	/* Check every entry first: a bad table changes nothing. */
	for (i = 0; i < r->n64; i++) {
		if (locate(r->r64 + 4 * i, len, vbase, 8, &off) < 0)
			goto bad;
		end = KL_MAX(end, off + 8);
	}
	for (i = 0; i < r->ninv32; i++) {
		if (locate(r->inv32 + 4 * i, len, vbase, 4, &off) < 0)
			goto bad;
		end = KL_MAX(end, off + 4);
	}
	for (i = 0; i < r->n32; i++) {
		if (locate(r->r32 + 4 * i, len, vbase, 4, &off) < 0)
			goto bad;
		end = KL_MAX(end, off + 4);
	}
	if (ret_end)
		*ret_end = end;
	if (!delta)
		return 0;
	for (i = 0; i < r->n64; i++) {
		locate(r->r64 + 4 * i, len, vbase, 8, &off);
		kl_put_le64(image + off, kl_le64(image + off) + delta);
	}
	for (i = 0; i < r->ninv32; i++) {
		locate(r->inv32 + 4 * i, len, vbase, 4, &off);
		kl_put_le32(image + off, kl_le32(image + off) - (uint32_t)delta);
	}
	for (i = 0; i < r->n32; i++) {
		locate(r->r32 + 4 * i, len, vbase, 4, &off);
		kl_put_le32(image + off, kl_le32(image + off) + (uint32_t)delta);
	}
	return 0;
bad:
	return kl_fail(err, -ERANGE, "relocation %zu points outside the kernel image", i);
}
