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

/*
 * Three crc32q streams.  One crc32q depends on the one before it (3
 * cycles of latency, one issued per cycle), so a single stream leaves the
 * unit two thirds idle; three independent streams over three adjacent
 * blocks keep it busy.  Their CRCs are then joined: the CRC register of
 * A||B is the register of A shifted over B's length, xor B's register
 * started from zero, and shifting over n bytes is a multiplication by
 * x^(8n) modulo the polynomial (GF(2) arithmetic; bit 31 of a reflected
 * register is the x^0 coefficient).
 */
#define KL_CRC32C_POLY 0x82f63b78U
#define X3_BLOCK 4096U /* bytes per stream and round */

/* a * b modulo P, both reflected. */
static uint32_t gf2_mulmod(uint32_t a, uint32_t b)
{
	uint32_t prod = 0;
	int i;

	for (i = 0; i < 32; i++) {
		if (a & (0x80000000U >> i))
			prod ^= b;
		b = (b >> 1) ^ (KL_CRC32C_POLY & -(b & 1U)); /* b *= x */
	}
	return prod;
}

/* x^(8 * X3_BLOCK) modulo P, computed once: x^8 squared log2(X3_BLOCK)
 * times. */
static uint32_t x3_shift;

static uint32_t block_shift(void)
{
	uint32_t x = 0x80000000U >> 8; /* x^8 */
	unsigned int n;

	if (!x3_shift) {
		for (n = 1; n < X3_BLOCK; n <<= 1)
			x = gf2_mulmod(x, x);
		x3_shift = x;
	}
	return x3_shift;
}

static uint32_t update_sse42_x3(uint32_t crc32, const uint8_t *p, size_t len)
{
	const uint32_t shift = block_shift();

	for (; len && ((uintptr_t)p & 7); len--, p++)
		__asm__("crc32b %1, %k0" : "+r"(crc32) : "rm"(*p));
	for (; len >= 3 * X3_BLOCK; len -= 3 * X3_BLOCK, p += 3 * X3_BLOCK) {
		uint64_t a = crc32, b = 0, c = 0;
		const uint8_t *q;

		for (q = p; q < p + X3_BLOCK; q += 8) {
			uint64_t va, vb, vc;

			__builtin_memcpy(&va, q, 8);
			__builtin_memcpy(&vb, q + X3_BLOCK, 8);
			__builtin_memcpy(&vc, q + 2 * X3_BLOCK, 8);
			__asm__("crc32q %3, %0\n\tcrc32q %4, %1\n\tcrc32q %5, %2"
				: "+r"(a), "+r"(b), "+r"(c)
				: "rm"(va), "rm"(vb), "rm"(vc));
		}
		crc32 = gf2_mulmod(gf2_mulmod((uint32_t)a, shift) ^ (uint32_t)b, shift) ^ (uint32_t)c;
	}
	return update_sse42(crc32, p, len);
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

uint32_t kl_crc32c_sse42_x3(const void *data, size_t len)
{
	return ~update_sse42_x3(0xffffffffU, data, len);
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

		crc = update_sse42_x3(crc, p, cal);
		t1 = rdtsc();
		crc = update_sliced(crc, p + cal, cal);
		t2 = rdtsc();
		pick = t1 - t0 <= t2 - t1 ? PICK_SSE42 : PICK_SLICED;
		p += 2 * cal;
		len -= 2 * cal;
	}
	if (pick == PICK_SLICED)
		return ~update_sliced(crc, p, len);
	return ~update_sse42_x3(crc, p, len); /* also before the choice, for small buffers */
}
