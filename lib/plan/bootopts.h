/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What the user asks of the new kernel's boot: the command line fills it
 * (struct kl_opts.boot), the planner reads it (struct kl_load_opts.boot),
 * and nothing translates it on the way.
 */
#ifndef KL_BOOTOPTS_H
#define KL_BOOTOPTS_H

#include <stdbool.h>
#include <stdint.h>

enum kl_verify {
	KL_VERIFY_NONE,   /* -i, --verify=none */
	KL_VERIFY_SHA256, /* the default, as kexec-tools */
	KL_VERIFY_CRC32C, /* --verify=crc32c */
	KL_VERIFY_XXH64,  /* --verify=xxh64 */
};

/* "sha256", "crc32c", "xxh64" or "none", as --verify spells them */
const char *kl_verify_name(enum kl_verify v);

/* The mode a name of kl_verify_name() stands for; -EINVAL for another. */
int kl_verify_by_name(const char *name, enum kl_verify *ret);

struct kl_boot_opts {
	const char *cmdline; /* --command-line / --append, last wins; may be NULL */
	const char *type;    /* -t: "bzImage64", "bzImage", "elf-x86_64" or NULL */
	enum kl_verify verify; /* what the purgatory re-checks */
	bool console_serial;
	uint16_t serial_port;
	uint32_t serial_baud; /* 0: leave the UART as the old kernel set it */
	uint64_t mem_min;
	uint64_t mem_max; /* 0: no limit */
	bool reuse_video_type;
	bool noefi; /* do not hand EFI runtime services over */
	/* --preload-decompressed: load the bzImage's payload as an ELF kernel,
	 * relocated in user space for KASLR unless the command line says
	 * nokaslr. */
	bool preload_decompressed;
	bool corrupt_digest; /* testing: flip a bit of the kernel digest */
	bool corrupt_zeros;  /* testing: a non-zero word in the kernel's zero tail */
	bool poison_cleared; /* testing: the purgatory fills what the kernel clears */
};

#endif
