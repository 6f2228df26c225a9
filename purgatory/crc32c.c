/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "crc32c.h"

int kl_cpu_has_sse42(void)
{
	uint32_t a = 1, b, c = 0, d;

	__asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return (c >> 20) & 1; /* CPUID.01H:ECX.SSE4_2[bit 20] */
}

/* Bytewise table, built on first use (the purgatory has no .rodata
 * relocations to worry about either way: the table is plain data). */
static uint32_t table[256];
static int table_ready;

static void build_table(void)
{
	uint32_t i, k, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78U & -(c & 1U));
		table[i] = c;
	}
	table_ready = 1;
}

uint32_t kl_crc32c_table(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint32_t crc = 0xffffffffU;

	if (!table_ready)
		build_table();
	while (len--)
		crc = table[(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return ~crc;
}

uint32_t kl_crc32c_sse42(const void *data, size_t len)
{
	const uint8_t *p = data;
	uint64_t crc = 0xffffffffU;

	for (; len && ((uintptr_t)p & 7); len--, p++)
		__asm__("crc32b %1, %k0" : "+r"(crc) : "rm"(*p));
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t v;

		__builtin_memcpy(&v, p, 8);
		__asm__("crc32q %1, %0" : "+r"(crc) : "rm"(v));
	}
	for (; len; len--, p++)
		__asm__("crc32b %1, %k0" : "+r"(crc) : "rm"(*p));
	return ~(uint32_t)crc;
}

uint32_t kl_crc32c(const void *data, size_t len)
{
	static int have = -1;

	if (have < 0)
		have = kl_cpu_has_sse42();
	return have ? kl_crc32c_sse42(data, len) : kl_crc32c_table(data, len);
}
