/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * bzImage parsing (Documentation/arch/x86/boot.rst).  Pure: no I/O, no
 * globals; everything returned points into the caller's buffer.
 */
#ifndef KL_BZIMAGE_H
#define KL_BZIMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

/* The oldest protocol we load: 2.12 brought xloadflags, the only way to
 * know a kernel has the 64-bit entry point. */
#define KL_BZIMAGE_MIN_VERSION 0x020c
/* startup_64 sits 0x200 bytes into the protected-mode kernel. */
#define KL_BZIMAGE_ENTRY64_OFFSET 0x200

struct kl_bzimage {
	const uint8_t *setup; /* real-mode part, (setup_sects + 1) * 512 bytes */
	size_t setup_len;
	const uint8_t *kernel; /* protected-mode part: the rest of the file */
	size_t kernel_len;
	size_t hdr_end; /* end of the setup header (0x202 + byte 0x201) */
	uint16_t version;
	uint8_t loadflags;
	uint16_t xloadflags;
	bool relocatable;
	uint32_t kernel_alignment;
	uint8_t min_alignment;
	uint32_t cmdline_size;
	uint32_t initrd_addr_max;
	uint64_t pref_address;
	uint32_t init_size;
	uint32_t payload_offset; /* from the start of the protected-mode part */
	uint32_t payload_length;
	char kernel_version[128]; /* "6.1.0-... (debian-kernel@...) #1 SMP ..." */
};

/* Cheap check: boot flag and "HdrS" at their places. */
bool kl_bzimage_probe(const void *buf, size_t len);

/* Full parse.  Fails (with a reason) when the file is not a bzImage we can
 * boot through the 64-bit entry. */
int kl_bzimage_parse(const void *buf, size_t len, struct kl_bzimage *ret,
		     struct kl_err *err);

/* The same checks from the start of a file_len-byte file: head_len bytes,
 * at least KL_BZIMAGE_HEAD_MAX or the whole file (they hold any setup
 * code: setup_sects is at most 255).  ret->kernel is NULL unless the
 * whole file was given. */
#define KL_BZIMAGE_HEAD_MAX ((255 + 1) * 512)
int kl_bzimage_parse_head(const void *head, size_t head_len, size_t file_len, struct kl_bzimage *ret,
			  struct kl_err *err);

#endif
