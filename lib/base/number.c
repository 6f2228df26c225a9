/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdbool.h>

#include "lib/base/number.h"

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

int kl_parse_u64_prefix(const char *s, unsigned int base, const char **ret_end, uint64_t *ret)
{
	const char *p = s;
	uint64_t v = 0;
	bool any = false;

	if (base != 0 && base != 10 && base != 16)
		return -EINVAL;
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] == 'x' || p[1] == 'X') &&
	    digit_value(p[2]) < 16) {
		base = 16;
		p += 2;
	} else if (base == 0) {
		base = p[0] == '0' ? 8 : 10;
	}
	for (; digit_value(*p) < (int)base; p++) {
		if (__builtin_mul_overflow(v, base, &v) || __builtin_add_overflow(v, (uint64_t)digit_value(*p), &v))
			return -ERANGE;
		any = true;
	}
	if (!any)
		return -EINVAL; /* also a sign, a space, or nothing at all */
	*ret_end = p;
	*ret = v;
	return 0;
}

int kl_parse_u64(const char *s, unsigned int base, uint64_t *ret)
{
	const char *end;
	uint64_t v;
	int r = kl_parse_u64_prefix(s, base, &end, &v);

	if (r < 0)
		return r;
	if (*end)
		return -EINVAL;
	*ret = v;
	return 0;
}

int kl_parse_size_prefix(const char *s, const char **ret_end, uint64_t *ret)
{
	static const char units[] = "KMGT";
	const char *end;
	unsigned int shift = 0, i;
	uint64_t v;
	int r = kl_parse_u64_prefix(s, 0, &end, &v);

	if (r < 0)
		return r;
	for (i = 0; units[i]; i++)
		if ((*end & ~0x20) == units[i]) {
			shift = 10 * (i + 1);
			end++;
			break;
		}
	if (shift && v > (UINT64_MAX >> shift))
		return -ERANGE;
	*ret_end = end;
	*ret = v << shift;
	return 0;
}
