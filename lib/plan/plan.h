/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A load plan: everything one kexec load hands to the kernel.  Loaders turn
 * (memory map, inputs, options) into a plan; kl_plan_normalise() checks it;
 * one function (kexec.c) hands it to a syscall.  The plan owns its buffers.
 */
#ifndef KL_PLAN_H
#define KL_PLAN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "lib/base/err.h"
#include "lib/mem/memmap.h"

#define KL_SEGMENTS_MAX 16 /* KEXEC_SEGMENT_MAX */

struct kl_segment {
	const char *name; /* static string: "kernel", "initrd", ... */
	void *buf;        /* owned by the plan unless borrowed */
	bool borrowed;    /* buf is the caller's and outlives the plan */
	size_t bufsz;
	uint64_t mem;
	uint64_t memsz;
	/* [mem + bufsz, mem + memsz) is part of the image, all zeros (a
	 * kernel's .bss): kexec_load zero-fills it, the purgatory checks it. */
	bool zero_tail;
	/* the CRC-32C of buf[0, bufsz) is already known: crc32c */
	bool crc32c_known;
	uint32_t crc32c;
	bool xxh64_known; /* the same for its XXH64 */
	uint64_t xxh64;
};

enum kl_syscall {
	KL_SYSCALL_LOAD,      /* kexec_load(2) with our purgatory */
	KL_SYSCALL_FILE_LOAD, /* kexec_file_load(2) */
};

struct kl_plan {
	enum kl_syscall syscall;
	/* kexec_load */
	size_t nr_segments;
	struct kl_segment seg[KL_SEGMENTS_MAX];
	uint64_t entry;
	unsigned long flags;
	/* what the plan describes, for printing */
	const char *format;  /* "bzImage64", "elf-x86_64" */
	uint64_t kernel_entry; /* where the purgatory jumps */
	uint64_t boot_params;  /* %rsi */
	const char *verify; /* "sha256", "crc32c", "xxh64", "none" */
	size_t efi_regions; /* EFI runtime map entries handed over, 0: none */
	/* memory the new kernel clears itself before reading it (.bss,
	 * .brk, .init.scratch): in no segment, and no segment placed there */
	uint64_t cleared_mem, cleared_len;
	/* kexec_file_load */
	char *kernel_path;
	char *initrd_path;
	char *cmdline; /* both syscalls */
	void *backing; /* owned: a buffer borrowed segments point into */
};

void kl_plan_free(struct kl_plan *p);

/* Add a segment; the plan takes ownership of buf (even on failure). */
int kl_plan_add(struct kl_plan *p, const char *name, void *buf, size_t bufsz,
		uint64_t mem, uint64_t memsz, struct kl_err *err);

/* The same for bytes the caller owns and keeps until the plan is freed:
 * an initrd or kernel as read need not be copied again. */
int kl_plan_borrow(struct kl_plan *p, const char *name, const void *buf, size_t bufsz, uint64_t mem,
		   uint64_t memsz, struct kl_err *err);

/* Sort by address, round memsz up to pages, and refuse what the kernel
 * would: unaligned or overlapping segments, bufsz > memsz, too many
 * segments, an entry point outside every segment. */
int kl_plan_normalise(struct kl_plan *p, struct kl_err *err);

/* The human/golden description printed by --dry-run and -d. */
void kl_plan_print(const struct kl_plan *p, FILE *f);

#endif
