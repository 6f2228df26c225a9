/* SPDX-License-Identifier: GPL-2.0-or-later */
/* x86_64 load policy: image formats, placement, boot_params. */
#ifndef KL_X86_H
#define KL_X86_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/format/decompress.h"
#include "lib/handoff/handoff.h"
#include "lib/plan/bootopts.h"
#include "lib/plan/plan.h"
#include "lib/sys/sysinfo.h"

#define KL_RNG_SEED_SIZE 32
#define KL_X86_LOW_MEM_FLOOR (1ULL << 20) /* never place below 1 MiB */

struct kl_load_opts {
	const void *kernel; /* the image, already decompressed if it was */
	size_t kernel_len;
	const void *initrd;
	size_t initrd_len;
	/* the initrd's CRC-32C, when the caller has just computed it over
	 * these very bytes (the preload cache's check): not computed again */
	bool initrd_crc32c_known;
	uint32_t initrd_crc32c;
	bool initrd_xxh64_known; /* the same for its XXH64 */
	uint64_t initrd_xxh64;
	const char *initrd_path; /* for messages only */
	struct kl_boot_opts boot; /* as the user gave them */
	const char *reuse_cmdline; /* /proc/cmdline text with --reuse-cmdline */
	/* The payload already decompressed (ELF + relocation table), from
	 * the preload cache; NULL: decompress the bzImage's payload. */
	void *vmlinux; /* writable (a private mapping): relocated in place */
	size_t vmlinux_len;
	enum kl_comp vmlinux_comp; /* what the payload was compressed with */
	/* With vmlinux: kernel may hold only the bzImage's first kernel_len
	 * bytes (at least KL_BZIMAGE_HEAD_MAX) of a kernel_file_len-byte file. */
	uint64_t kernel_file_len;
	uint64_t kaslr_random[2]; /* physical and virtual choices */
	const struct kl_preserve *preserve; /* memory the jump must not touch */
	size_t nr_preserve;
	const struct kl_blob *blobs; /* bytes to carry across, data filled in */
	size_t nr_blobs;
	uint8_t rng_seed[KL_RNG_SEED_SIZE];
};

struct kl_format {
	const char *name;
	bool (*probe)(const void *buf, size_t len);
	int (*load)(const struct kl_sysinfo *si, const struct kl_load_opts *o,
		    struct kl_plan *plan, struct kl_err *err);
	/* --preload-decompressed: the image's payload loaded without its
	 * decompressor; NULL where the format has none. */
	int (*load_decompressed)(const struct kl_sysinfo *si, const struct kl_load_opts *o,
				 struct kl_plan *plan, struct kl_err *err);
};

/* Name the format of an image, or NULL. */
const struct kl_format *kl_x86_probe(const void *buf, size_t len);
const struct kl_format *kl_x86_format_by_name(const char *name);
/* A comma-separated list of the -t names, for messages. */
const char *kl_x86_format_names(void);

/* Build a kexec_load plan for o->kernel (format chosen by o->type or by
 * probing).  Nothing is loaded. */
/* May p be preserved on this machine?  0, or -EPERM (not memory, or not
 * kept out of use) or -EBUSY (System RAM of the running kernel) with the
 * rule that refused it.  Pure; the planner applies it too. */
int kl_x86_preserve_check(const struct kl_sysinfo *si, const struct kl_preserve *p, struct kl_err *err);

/* kexec_load's architecture flag: EM_X86_64 << 16 (<linux/kexec.h>). */
#define KL_KEXEC_ARCH_X86_64 (62UL << 16)

int kl_x86_plan(const struct kl_sysinfo *si, const struct kl_load_opts *o,
		struct kl_plan *ret, struct kl_err *err);

/* The embedded purgatory (purgatory-blob.S). */
extern const uint8_t kl_purgatory_blob[];
extern const uint64_t kl_purgatory_blob_size;

#endif
