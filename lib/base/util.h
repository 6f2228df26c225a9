/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Small helpers shared by every userland file: ownership, byte order,
 * overflow-checked arithmetic. */
#ifndef KL_UTIL_H
#define KL_UTIL_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Banned: unbounded copies and a number parser that cannot fail (use
 * snprintf and kl_parse_u64).  After their headers, so that only uses
 * are errors. */
#pragma GCC poison strcpy strcat sprintf vsprintf gets atoi atol atoll

#define KL_ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define KL_MIN(a, b) ((a) < (b) ? (a) : (b))
#define KL_MAX(a, b) ((a) > (b) ? (a) : (b))

/* Ownership: a variable declared with _cleanup_free_ is freed when it goes
 * out of scope unless TAKE_PTR() moved it out first. */
#define _cleanup_(f) __attribute__((cleanup(f)))
#define _cleanup_free_ _cleanup_(kl_freep)
#define _cleanup_close_ _cleanup_(kl_closep)
#define TAKE_PTR(p)                                                            \
	({                                                                     \
		__typeof__(p) _p = (p);                                        \
		(p) = NULL;                                                    \
		_p;                                                            \
	})
#define TAKE_FD(fd)                                                            \
	({                                                                     \
		int _fd = (fd);                                                \
		(fd) = -1;                                                     \
		_fd;                                                           \
	})

static inline void kl_freep(void *p)
{
	free(*(void **)p);
}

static inline void kl_closep(int *fd)
{
	if (*fd >= 0)
		close(*fd);
}

/* Little-endian field access for on-disk and ABI structures (boot.rst and
 * the ELF spec are little-endian on x86).  Unaligned-safe. */
static inline uint16_t kl_le16(const void *p)
{
	const uint8_t *b = p;
	return (uint16_t)(b[0] | b[1] << 8);
}

static inline uint32_t kl_le32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}

static inline uint64_t kl_le64(const void *p)
{
	return (uint64_t)kl_le32(p) | (uint64_t)kl_le32((const uint8_t *)p + 4) << 32;
}

static inline void kl_put_le16(void *p, uint16_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
}

static inline void kl_put_le32(void *p, uint32_t v)
{
	uint8_t *b = p;
	b[0] = (uint8_t)v;
	b[1] = (uint8_t)(v >> 8);
	b[2] = (uint8_t)(v >> 16);
	b[3] = (uint8_t)(v >> 24);
}

static inline void kl_put_le64(void *p, uint64_t v)
{
	kl_put_le32(p, (uint32_t)v);
	kl_put_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

static inline uint32_t kl_be32(const void *p)
{
	const uint8_t *b = p;
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 |
	       (uint32_t)b[2] << 8 | (uint32_t)b[3];
}

/* True when [off, off + n) lies inside a buffer of len bytes. */
static inline bool kl_in_bounds(size_t len, uint64_t off, uint64_t n)
{
	return off <= len && n <= len - off;
}

static inline uint64_t kl_align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

static inline uint64_t kl_align_down(uint64_t v, uint64_t a)
{
	return v & ~(a - 1);
}

static inline bool kl_is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

#define KL_PAGE_SIZE ((uint64_t)4096)

/* A blank of a configuration line: space, tab, or the CR of a CRLF end. */
static inline bool kl_is_blank(char ch)
{
	return ch == ' ' || ch == '\t' || ch == '\r';
}

/* [*s, *e) without blanks on either side. */
static inline void kl_trim(const char **s, const char **e)
{
	while (*s < *e && kl_is_blank(**s))
		(*s)++;
	while (*e > *s && kl_is_blank((*e)[-1]))
		(*e)--;
}

/* n bytes as 2n lowercase hexadecimal digits and a NUL. */
static inline void kl_hex(char *out, const uint8_t *b, size_t n)
{
	static const char d[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < n; i++) {
		out[2 * i] = d[b[i] >> 4];
		out[2 * i + 1] = d[b[i] & 15];
	}
	out[2 * n] = 0;
}

#endif
