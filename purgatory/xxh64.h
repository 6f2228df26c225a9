/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * XXH64 (seed 0), the check of --verify=xxh64: xxHash's own code from
 * its header (libxxhash-dev), inlined, scalar, with no library call, so
 * the same function runs in the loader and in the freestanding
 * purgatory.  A 64-bit multiply/rotate hash over 32-byte stripes: no
 * tables to load, which is what makes it fast under emulation.  It
 * detects accidental corruption, not tampering.
 */
#ifndef KL_XXH64_H
#define KL_XXH64_H

#include <stddef.h>
#include <stdint.h>

uint64_t kl_xxh64(const void *data, size_t len);

#endif
