/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "xxh64.h"

/* Everything static and inline (no libxxhash at run time); unaligned
 * reads through a packed type rather than memcpy, which -fno-builtin
 * would turn into a call per word; no SIMD variant (the purgatory may
 * not touch vector registers: CR4.OSFXSR is clear there). */
#define XXH_INLINE_ALL
#define XXH_FORCE_MEMORY_ACCESS 1
#define XXH_VECTOR 0 /* XXH_SCALAR */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <xxhash.h>
#pragma GCC diagnostic pop

uint64_t kl_xxh64(const void *data, size_t len)
{
	return XXH64(data, len, 0);
}
