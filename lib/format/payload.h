/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A bzImage's payload: the compressed vmlinux that the kernel's own
 * decompressor (arch/x86/boot/compressed/misc.c) unpacks, an x86_64 ELF
 * with the relocation table appended.  One pipeline for the loader's
 * --preload-decompressed and for kexec-preload stage.  Pure: no I/O.
 */
#ifndef KL_PAYLOAD_H
#define KL_PAYLOAD_H

#include <stddef.h>

#include "lib/base/err.h"
#include "lib/format/bzimage.h"
#include "lib/format/decompress.h"
#include "lib/format/elf.h"

/* Can z be loaded without its decompressor?  It must be relocatable and
 * declare a payload.  *ret_comp names the payload's compression, read from
 * its magic when z holds the whole image, else head_comp (what the preload
 * cache recorded when it had the whole image). */
int kl_payload_check(const struct kl_bzimage *z, enum kl_comp head_comp, enum kl_comp *ret_comp,
		     struct kl_err *err);

/* Decompress z's payload (compressed with c) into a buffer the caller
 * frees, capped where the kernel's own decompressor would run out of
 * init_size, and parse it as a kernel ELF. */
int kl_payload_decompress(const struct kl_bzimage *z, enum kl_comp c, void **ret_elf, size_t *ret_len,
			  struct kl_elf_image *ret_e, struct kl_err *err);

/* Parse an already decompressed payload (the preload cache's copy). */
int kl_payload_parse(const void *elf, size_t len, enum kl_comp c, struct kl_elf_image *ret_e,
		     struct kl_err *err);

#endif
