/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "crc32c.h"

int kl_cpu_has_sse42(void)
{
	uint32_t a = 1, b, c = 0, d;

	__asm__ __volatile__("cpuid" : "+a"(a), "=b"(b), "+c"(c), "=d"(d));
	return (c >> 20) & 1; /* CPUID.01H:ECX.SSE4_2[bit 20] */
}

/*
 * Tables for the software CRC, built on first use (the purgatory links
 * .bss into its flat image, and has no .rodata relocations to worry about
 * either way: the tables are plain data).  t[0] is the bytewise table;
 * t[k][i] is the CRC of byte i followed by k zero bytes, which lets the
 * sliced loop fold eight bytes with eight independent lookups.
 */
static uint32_t t[8][256];
static int tables_ready;

static void build_tables(void)
{
	uint32_t i, k, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = (c >> 1) ^ (0x82f63b78U & -(c & 1U));
		t[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (k = 1; k < 8; k++)
			t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
	tables_ready = 1;
}

/* The update functions work on the CRC register (before the final
 * inversion), so one buffer can be fed to several of them in turn. */
static uint32_t update_bytewise(uint32_t crc, const uint8_t *p, size_t len)
{
	while (len--)
		crc = t[0][(crc ^ *p++) & 0xff] ^ (crc >> 8);
	return crc;
}

static uint32_t update_sliced(uint32_t crc, const uint8_t *p, size_t len)
{
	for (; len >= 8; len -= 8, p += 8) {
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);

		crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^ t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
		      t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
	}
	return update_bytewise(crc, p, len);
}

static uint32_t update_sse42(uint32_t crc32, const uint8_t *p, size_t len)
{
	uint64_t crc = crc32;

	for (; len && ((uintptr_t)p & 7); len--, p++)
		__asm__("crc32b %1, %k0" : "+r"(crc) : "rm"(*p));
	for (; len >= 8; len -= 8, p += 8) {
		uint64_t v;

		__builtin_memcpy(&v, p, 8);
		__asm__("crc32q %1, %0" : "+r"(crc) : "rm"(v));
	}
	for (; len; len--, p++)
		__asm__("crc32b %1, %k0" : "+r"(crc) : "rm"(*p));
	return (uint32_t)crc;
}

uint32_t kl_crc32c_table(const void *data, size_t len)
{
	if (!tables_ready)
		build_tables();
	return ~update_bytewise(0xffffffffU, data, len);
}

uint32_t kl_crc32c_sliced(const void *data, size_t len)
{
	if (!tables_ready)
		build_tables();
	return ~update_sliced(0xffffffffU, data, len);
}

uint32_t kl_crc32c_sse42(const void *data, size_t len)
{
	return ~update_sse42(0xffffffffU, data, len);
}

static uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* Which implementation kl_crc32c() uses: 0 not chosen yet. */
enum { PICK_NONE, PICK_SSE42, PICK_SLICED };
static int pick;

int kl_crc32c_uses_sse42(void)
{
	return pick == PICK_SSE42;
}

uint32_t kl_crc32c(const void *data, size_t len)
{
	const size_t cal = 64 * 1024;
	const uint8_t *p = data;
	uint32_t crc = 0xffffffffU;

	if (!tables_ready)
		build_tables();
	if (pick == PICK_NONE && !kl_cpu_has_sse42())
		pick = PICK_SLICED;
	if (pick == PICK_NONE && len >= 2 * cal) {
		/* The instruction is ~7x faster than the sliced table on
		 * hardware, but under emulation (QEMU TCG runs it through a
		 * bytewise helper) several times slower.  Time each on its
		 * own fresh 64 KiB of this buffer and keep the faster. */
		uint64_t t0 = rdtsc(), t1, t2;

		crc = update_sse42(crc, p, cal);
		t1 = rdtsc();
		crc = update_sliced(crc, p + cal, cal);
		t2 = rdtsc();
		pick = t1 - t0 <= t2 - t1 ? PICK_SSE42 : PICK_SLICED;
		p += 2 * cal;
		len -= 2 * cal;
	}
	if (pick == PICK_SLICED)
		return ~update_sliced(crc, p, len);
	return ~update_sse42(crc, p, len); /* also before the choice, for small buffers */
}
