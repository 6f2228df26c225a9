/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What integrity checks cost on the CPU this runs on: the purgatory's own
 * code (purgatory/crc32c.c, purgatory/sha256.c) and, for comparison, the
 * libraries' checksums, over a buffer the size of a pre-decompressed
 * kernel.  Run on the host it shows native costs; bench/run also runs it
 * inside the TCG guest, where the CRC32 instruction is emulated.
 *   checkcost [MiB [REPS [ONLY]]]   (default 48 MiB, best of 5)
 * ONLY, a row number from 0, runs that one check once and prints only its
 * name; ONLY = "base" runs none and prints nothing (the baseline):
 * bench/checkinsn counts each check's instructions under callgrind so.
 */
#include <lzma.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zlib.h>

#include "purgatory/crc32c.h"
#include "purgatory/sha256.h"
#include "purgatory/xxh64.h"

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

enum {
	CRC32C_HW, CRC32C_HW3, CRC32C_SLICED, XXH64_PURG, CRC32C_TABLE, SHA256_PURG, SHA256_OPENSSL, CRC32_ZLIB,
	ADLER32_ZLIB, CRC64_LZMA, NR
};

static uint64_t run_check(int k, const unsigned char *b, size_t n)
{
	unsigned char d[32];

	switch (k) {
	case CRC32C_HW: return kl_crc32c_sse42(b, n);
	case CRC32C_HW3: return kl_crc32c_sse42_x3(b, n);
	case CRC32C_SLICED: return kl_crc32c_sliced(b, n);
	case XXH64_PURG: return kl_xxh64(b, n);
	case CRC32C_TABLE: return kl_crc32c_table(b, n);
	case SHA256_PURG: kl_sha256(b, n, d); return d[0];
	case SHA256_OPENSSL: EVP_Digest(b, n, d, NULL, EVP_sha256(), NULL); return d[0];
	case CRC32_ZLIB: return crc32_z(0, b, n);
	case ADLER32_ZLIB: return adler32_z(1, b, n);
	default: return lzma_crc64(b, n, 0);
	}
}

int main(int argc, char **argv)
{
	static const char *const names[NR] = {
		"crc32c, SSE4.2 instruction (purgatory)", "crc32c, 3 instruction streams (purgatory)",
		"crc32c, sliced table (purgatory)", "xxh64, xxHash's header (purgatory)",
		"crc32c, bytewise table", "sha256 (purgatory)",
		"sha256 (OpenSSL)", "crc32 (zlib)", "adler32 (zlib)", "crc64 (liblzma)",
	};
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 48, n = mib << 20, i;
	int reps = argc > 2 ? atoi(argv[2]) : 5;
	unsigned char *b = malloc(n);
	volatile uint64_t sink = 0;
	double t0, best[NR];
	int rep, k;

	if (!b || !mib || reps < 1)
		return 1;
	for (k = 0; k < NR; k++)
		best[k] = 1e12;
	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(i * 2654435761u >> 13);
	if (argc > 3) {
		char *end;
		long only = strtol(argv[3], &end, 10);

		if (!strcmp(argv[3], "base"))
			return 0;
		if (end == argv[3] || *end || only < 0 || only >= NR)
			return 1;
		sink += run_check((int)only, b, n);
		puts(names[only]);
		return 0;
	}
	for (rep = 0; rep < reps; rep++) { /* best of N: least disturbed */
		for (k = 0; k < NR; k++) {
			t0 = now_ms();
			sink += run_check(k, b, n);
			t0 = now_ms() - t0;
			best[k] = best[k] < t0 ? best[k] : t0;
		}
	}
	sink += kl_crc32c(b, n);
	printf("cost of integrity checks over %zu MiB (best of %d, this CPU%s):\n", mib, reps,
	       kl_cpu_has_sse42() ? "" : ", NO SSE4.2: instruction row not meaningful");
	printf("  (kl_crc32c, which the loader and the purgatory call, chose the %s here)\n",
	       kl_crc32c_uses_sse42() ? "instruction" : "sliced table");
	for (k = 0; k < NR; k++)
		printf("  %-44s %8.1f ms  %6.2f GB/s\n", names[k], best[k], n / best[k] / 1e6);
	(void)sink;
	return 0;
}
