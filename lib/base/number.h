/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The one parser for numbers that come from outside: option arguments,
 * cache metadata, sysfs files.  strtoull() alone takes leading spaces, a
 * sign ("-1" becomes 2^64-1) and stops silently at junk; these do not.
 * Pure.
 */
#ifndef KL_NUMBER_H
#define KL_NUMBER_H

#include <stdint.h>

/*
 * A whole string of digits.  base 0 takes C's prefixes (0x hexadecimal, a
 * leading 0 octal), as kexec-tools' options always have; base 10 or 16
 * takes digits of that base only (16 also with a 0x prefix).  No sign, no
 * space, nothing after the digits.  -EINVAL when malformed, -ERANGE when
 * above 2^64-1; *ret is written only on success.
 */
int kl_parse_u64(const char *s, unsigned int base, uint64_t *ret);

/* The same, but the digits may be followed by anything: *ret_end points
 * at the first character after them. */
int kl_parse_u64_prefix(const char *s, unsigned int base, const char **ret_end, uint64_t *ret);

/* A size: a number (base 0) and an optional K, M, G or T (powers of
 * 1024, either case); *ret_end points after it.  -ERANGE on overflow. */
int kl_parse_size_prefix(const char *s, const char **ret_end, uint64_t *ret);

#endif
