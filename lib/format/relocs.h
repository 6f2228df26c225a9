/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86_64 kernel's relocation table, as arch/x86/tools/relocs appends it
 * to the ELF inside a bzImage payload when the kernel is built with
 * RANDOMIZE_BASE.  Every entry is a 32-bit value, sign-extended to 64 bits:
 * the kernel virtual address of a location to adjust.  Zero words separate
 * the sets; the table ends where the payload ends:
 *
 *   up to 6.14:  0 | 64-bit relocs | 0 | inverse 32-bit relocs | 0 | 32-bit relocs |end
 *   since 6.15:  0 | 64-bit relocs | 0 | 32-bit relocs |end
 *
 * (6.15 dropped the zero-based per-CPU area on x86_64, and with it the
 * inverse relocations.)  Moving the kernel's virtual base up by delta adds
 * delta to every 64-bit and 32-bit location and subtracts it from every
 * inverse one, as arch/x86/boot/compressed/misc.c does after decompressing.
 * Pure: no I/O, no globals.
 */
#ifndef KL_RELOCS_H
#define KL_RELOCS_H

#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

#define KL_RELOCS_MAX (8u << 20) /* entries; real kernels have ~300 thousand */

struct kl_relocs {
	const uint8_t *r64, *inv32, *r32; /* arrays of le32 entries */
	size_t n64, ninv32, n32;
	int layout; /* 3 sets (up to 6.14) or 2 (since 6.15) */
};

/* Parse the table that occupies exactly [tail, tail + len). */
int kl_relocs_parse(const void *tail, size_t len, struct kl_relocs *ret, struct kl_err *err);

/*
 * Apply the table to a kernel image: image holds the kernel's memory from
 * its first loaded byte, which the kernel links at virtual address vbase;
 * delta is the change of the virtual base (a multiple of the alignment,
 * below 1 GiB).  Every location must lie inside the image.  ret_end (may
 * be NULL) gets the end of the highest location, 0 for an empty table: the
 * image's bytes past it can be left out of a load only if they are zero.
 */
int kl_relocs_apply(const struct kl_relocs *r, uint8_t *image, size_t len, uint64_t vbase,
		    uint64_t delta, size_t *ret_end, struct kl_err *err);

/* The same for an image in pieces (the kernel's PT_LOADs, each in its own
 * buffer, gaps between them): region k holds the image's bytes
 * [off, off + len) at buf.  A location must lie inside one region; end
 * (in and out) is raised to the end of the highest location in it. */
struct kl_reloc_region {
	size_t off, len;
	uint8_t *buf;
	size_t end;
};
int kl_relocs_apply_regions(const struct kl_relocs *r, struct kl_reloc_region *reg, size_t nreg, uint64_t vbase,
			    uint64_t delta, struct kl_err *err);

#endif
