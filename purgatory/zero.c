/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "zero.h"

/* Whole aligned words, read through a type that may alias the bytes. */
typedef uint64_t __attribute__((may_alias)) kl_word;

int kl_all_zero(const void *p, size_t len)
{
	const uint8_t *b = p;

	for (; len && ((uintptr_t)b & 7); b++, len--)
		if (*b)
			return 0;
	/* Eight words a round, one test: this runs over megabytes with
	 * interrupts off in the update window. */
	for (; len >= 64; b += 64, len -= 64) {
		const kl_word *w = (const kl_word *)b;

		if (w[0] | w[1] | w[2] | w[3] | w[4] | w[5] | w[6] | w[7])
			return 0;
	}
	for (; len; b++, len--)
		if (*b)
			return 0;
	return 1;
}

size_t kl_zero_suffix(const void *p, size_t len)
{
	const uint8_t *b = p;
	size_t n = len; /* the bytes [0, n) are not known to be zero yet */

	for (; n && ((uintptr_t)(b + n) & 7); n--)
		if (b[n - 1])
			return len - n;
	for (; n >= 8 && *(const kl_word *)(b + n - 8) == 0; n -= 8)
		;
	for (; n && !b[n - 1]; n--)
		;
	return len - n;
}
