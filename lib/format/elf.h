/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * An x86_64 Linux vmlinux, read with elfutils' libelf: the PT_LOAD segments
 * (by physical address) and the entry point.  Pure apart from allocation.
 */
#ifndef KL_ELF_H
#define KL_ELF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

#define KL_ELF_LOADS_MAX 16

struct kl_elf_load {
	uint64_t paddr;
	uint64_t vaddr;
	uint64_t offset; /* into the file */
	uint64_t filesz;
	uint64_t memsz;
};

struct kl_elf_image {
	uint64_t entry; /* e_entry: a physical address for vmlinux */
	size_t file_end; /* end of the last byte the ELF itself describes */
	size_t nr_loads;
	struct kl_elf_load load[KL_ELF_LOADS_MAX];
	/* Where the memory the kernel clears itself starts (virtual): the
	 * .bss section's address when every allocated section at or above
	 * it is .bss, .brk or .init.scratch; 0 when there is no such tail
	 * or the section table is missing or unreadable. */
	uint64_t cleared_vaddr;
};

bool kl_elf_probe(const void *buf, size_t len);

/* Parse an ELF64 x86_64 ET_EXEC image.  Every PT_LOAD must lie inside the
 * file, must not overlap another and must not wrap; the entry point must
 * fall inside a loaded segment's physical range.  The section table is
 * read only for cleared_vaddr; a damaged one is not an error. */
int kl_elf_parse(const void *buf, size_t len, struct kl_elf_image *ret,
		 struct kl_err *err);

#endif
