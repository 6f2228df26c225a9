/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), the cheap segment
 * check of --verify=crc32c.  None of our libraries provides it (zlib's
 * crc32 is the IEEE polynomial), so it lives here, shared by the purgatory
 * and the loader.  Two ways to compute it: the SSE4.2 CRC32 instruction
 * (general registers, no SSE state; three interleaved streams) and a
 * table sliced by eight bytes.
 * kl_crc32c() takes the instruction unless the CPU lacks it or, timed on
 * the first 2 x 64 KiB of the first large buffer, it is the slower one
 * (it is, several times, under QEMU's TCG emulation).
 */
#ifndef KL_CRC32C_H
#define KL_CRC32C_H

#include <stddef.h>
#include <stdint.h>

uint32_t kl_crc32c(const void *data, size_t len);
/* After kl_crc32c() has chosen: 1 when it uses the instruction. */
int kl_crc32c_uses_sse42(void);
/* The implementations, for tests and bench/checkcost. */
uint32_t kl_crc32c_table(const void *data, size_t len);
uint32_t kl_crc32c_sliced(const void *data, size_t len);
uint32_t kl_crc32c_sse42(const void *data, size_t len);    /* one crc32q stream */
uint32_t kl_crc32c_sse42_x3(const void *data, size_t len); /* three, joined */
int kl_cpu_has_sse42(void);

#endif
