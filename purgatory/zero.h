/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Runs of zero bytes, shared by the loader and the purgatory.  A kernel
 * image ends in megabytes of zeros (.bss, .brk, .init.scratch); the loader
 * leaves them out of the segment's buffer, kexec_load zero-fills the rest
 * of the segment's memsz, and the purgatory checks those bytes still read
 * zero instead of hashing them.
 */
#ifndef KL_ZERO_H
#define KL_ZERO_H

#include <stddef.h>
#include <stdint.h>

/* 1 when the len bytes at p are all zero, else 0. */
int kl_all_zero(const void *p, size_t len);
/* How many of the len bytes at p, counted back from the end, are zero. */
size_t kl_zero_suffix(const void *p, size_t len);

#endif
