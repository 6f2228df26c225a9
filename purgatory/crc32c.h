/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CRC-32C (Castagnoli, reflected polynomial 0x82f63b78), the cheap segment
 * check of --verify=crc32c.  None of our libraries provides it (zlib's
 * crc32 is the IEEE polynomial), so it lives here, shared by the purgatory
 * and the loader: the SSE4.2 CRC32 instruction where CPUID reports it (it
 * works on general registers, no SSE state), a table otherwise.
 */
#ifndef KL_CRC32C_H
#define KL_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* Chooses the instruction when the CPU has it. */
uint32_t kl_crc32c(const void *data, size_t len);
/* The two implementations, for tests. */
uint32_t kl_crc32c_table(const void *data, size_t len);
uint32_t kl_crc32c_sse42(const void *data, size_t len);
int kl_cpu_has_sse42(void);

#endif
