/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the purgatory's checks cost on this machine's CPU, natively: the
 * same code the purgatory runs (purgatory/crc32c.c, purgatory/sha256.c)
 * over a buffer the size of a pre-decompressed kernel.  Under QEMU TCG the
 * CRC32 instruction is emulated, so the VM benchmark cannot show this.
 *   checkcost [MiB]      (default 48)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "purgatory/crc32c.h"
#include "purgatory/sha256.h"

static double now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	size_t mib = argc > 1 ? strtoul(argv[1], NULL, 10) : 48, n = mib << 20, i;
	unsigned char *b = malloc(n), d[32];
	volatile uint32_t sink = 0;
	double t0, best[3] = { 1e9, 1e9, 1e9 };
	int rep;

	if (!b || !mib)
		return 1;
	for (i = 0; i < n; i++)
		b[i] = (unsigned char)(i * 2654435761u >> 13);
	for (rep = 0; rep < 5; rep++) { /* best of five: least disturbed */
		t0 = now_ms();
		sink += kl_crc32c_sse42(b, n);
		best[0] = best[0] < now_ms() - t0 ? best[0] : now_ms() - t0;
		t0 = now_ms();
		sink += kl_crc32c_table(b, n);
		best[1] = best[1] < now_ms() - t0 ? best[1] : now_ms() - t0;
		t0 = now_ms();
		kl_sha256(b, n, d);
		best[2] = best[2] < now_ms() - t0 ? best[2] : now_ms() - t0;
	}
	printf("native cost of the purgatory checks over %zu MiB (best of 5, this CPU%s):\n", mib,
	       kl_cpu_has_sse42() ? "" : ", NO SSE4.2: instruction row not meaningful");
	printf("  crc32c, SSE4.2 instruction  %8.1f ms  %6.2f GB/s\n", best[0], n / best[0] / 1e6);
	printf("  crc32c, table fallback      %8.1f ms  %6.2f GB/s\n", best[1], n / best[1] / 1e6);
	printf("  sha256                      %8.1f ms  %6.2f GB/s\n", best[2], n / best[2] / 1e6);
	(void)sink;
	return 0;
}
