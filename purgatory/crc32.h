/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * CRC-32 (IEEE 802.3, reflected, polynomial 0xedb88320), the checksum of
 * the purgatory parameter block.  Userland computes it with zlib's crc32();
 * this bitwise version is for the purgatory and is unit-tested against zlib.
 */
#ifndef KL_CRC32_H
#define KL_CRC32_H

#include <stddef.h>
#include <stdint.h>

uint32_t kl_crc32(const void *data, size_t len);

#endif
