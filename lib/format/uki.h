/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Unified kernel images (the UAPI group's UKI specification): an EFI stub
 * as a PE/COFF file carrying the kernel (.linux, a bzImage), its initrd
 * (.initrd) and command line (.cmdline) as sections.  Only the headers
 * that locate sections are read (PE/COFF specification: the MS-DOS stub's
 * e_lfanew, the "PE\0\0" signature, the COFF file header, the section
 * table); no code is run and nothing is relocated.  Pure.
 */
#ifndef KL_UKI_H
#define KL_UKI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

/* The MS-DOS header's e_lfanew, and the headers after it. */
#define KL_PE_LFANEW_OFF 0x3c
#define KL_PE_SECTIONS_MAX 96 /* the PE/COFF specification's limit */

struct kl_coff_header { /* after "PE\0\0" */
	uint16_t machine;
	uint16_t nr_sections;
	uint32_t timestamp;
	uint32_t symtab_off;
	uint32_t nr_symbols;
	uint16_t opt_header_size;
	uint16_t characteristics;
};
_Static_assert(sizeof(struct kl_coff_header) == 20, "COFF file header");

struct kl_pe_section { /* one row of the section table */
	char name[8]; /* NUL-padded, not terminated when 8 long */
	uint32_t virtual_size;
	uint32_t virtual_address;
	uint32_t raw_size;
	uint32_t raw_off;
	uint32_t reloc_off;
	uint32_t lineno_off;
	uint16_t nr_relocs;
	uint16_t nr_linenos;
	uint32_t characteristics;
};
_Static_assert(sizeof(struct kl_pe_section) == 40, "PE section header");
_Static_assert(offsetof(struct kl_pe_section, raw_off) == 20, "PointerToRawData");

/* A section's bytes in the file. */
struct kl_slice {
	const uint8_t *p;
	size_t len;
};

struct kl_uki {
	struct kl_slice linux_, initrd, cmdline; /* len 0: section absent */
	uint16_t nr_sections;
};

/* "MZ", an e_lfanew inside the buffer and "PE\0\0" there: a PE file.  A
 * bzImage is one too (its EFI stub), and is probed first. */
bool kl_pe_probe(const void *buf, size_t len);

/* Parse a PE file as a UKI.  Refused: headers or section table outside
 * the file, more than KL_PE_SECTIONS_MAX sections, a section's data
 * outside the file, two sections whose data overlap, a .linux, .initrd or
 * .cmdline given twice, no .linux.  A section holds min(VirtualSize,
 * SizeOfRawData) bytes: the rest of the raw data is file alignment
 * padding.  Trailing NULs and newlines of .cmdline are dropped. */
int kl_uki_parse(const void *buf, size_t len, struct kl_uki *ret, struct kl_err *err);

#endif
