/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The memory model.  One range type, half-open [start, start + size), 64-bit.
 * /proc/iomem and /sys/firmware/memmap speak in inclusive ends; they are
 * converted in kl_range_from_inclusive() and nowhere else.
 */
#ifndef KL_MEMMAP_H
#define KL_MEMMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

struct kl_range {
	uint64_t start;
	uint64_t size;
};

static inline uint64_t kl_range_end(const struct kl_range *r)
{
	return r->start + r->size; /* exclusive; sizes are checked on entry */
}

bool kl_range_overlaps(const struct kl_range *a, const struct kl_range *b);
int kl_range_from_inclusive(uint64_t first, uint64_t last, struct kl_range *ret);

/* e820 types (arch/x86/include/uapi/asm/e820.h, boot.rst) */
enum kl_mem_type {
	KL_MEM_RAM = 1,
	KL_MEM_RESERVED = 2,
	KL_MEM_ACPI = 3,
	KL_MEM_NVS = 4,
	KL_MEM_UNUSABLE = 5,
	KL_MEM_PMEM = 7,
	KL_MEM_PRAM = 12, /* "Persistent Memory (legacy)", memmap=nn!ss */
	KL_MEM_SOFT_RESERVED = 0xefffffff,
};

struct kl_mem_entry {
	struct kl_range r;
	uint32_t type;
};

#define KL_MEMMAP_ENTRIES_MAX 4096 /* a cap on what we accept from input */

struct kl_memmap {
	struct kl_mem_entry *e;
	size_t n;
};

void kl_memmap_free(struct kl_memmap *m);
int kl_memmap_add(struct kl_memmap *m, uint64_t start, uint64_t size, uint32_t type);
void kl_memmap_sort(struct kl_memmap *m);

/* Give r the type `type` in m: parts of entries that overlap r are cut
 * out (an entry may split in two) and one entry for r is added; m stays
 * sorted.  Used to mark preserved ranges in the new kernel's e820. */
int kl_memmap_carve(struct kl_memmap *m, const struct kl_range *r, uint32_t type);

/* Map a type name as /proc/iomem and /sys/firmware/memmap spell it, and
 * back ("an unknown type" for others). */
uint32_t kl_mem_type_from_name(const char *name);
const char *kl_mem_type_name(uint32_t type);

/* Do entries of m whose type is one of types[] cover all of r?  When not,
 * *ret_where is the first address that is not covered so, and *ret_type
 * the type of the entry holding it (0: no entry, a hole in the map). */
bool kl_memmap_covers(const struct kl_memmap *m, const struct kl_range *r, const uint32_t *types, size_t ntypes,
		      uint64_t *ret_where, uint32_t *ret_type);

/* Parse /proc/iomem text: only top-level lines (no indentation) are kept,
 * and only those whose name is a memory type (RAM, reserved, ACPI, ...). */
int kl_memmap_parse_iomem(const char *text, size_t len, struct kl_memmap *ret,
			  struct kl_err *err);

/* The bytes of every /proc/iomem resource called name, at any depth
 * ("Crash kernel" sits below System RAM); malformed lines are skipped. */
uint64_t kl_iomem_total(const char *text, size_t len, const char *name);

/* One /sys/firmware/memmap/N entry: the contents of its start, end and type
 * files (hexadecimal, inclusive end). */
int kl_memmap_add_firmware_entry(struct kl_memmap *m, const char *start,
				 const char *end, const char *type,
				 struct kl_err *err);

/*
 * Placement.  A freeset starts as the RAM of a memory map and shrinks as
 * ranges are reserved.  A request is a struct, built with designated
 * initialisers:
 *
 *   struct kl_place_req req = { .size = sz, .align = 2 << 20,
 *                               .min = 1 << 20, .max = 4ULL << 30,
 *                               .top_down = true };
 *
 * The placed range satisfies min <= start and start + size <= max.
 */
struct kl_freeset {
	struct kl_range *r;
	size_t n;
};

struct kl_place_req {
	uint64_t size;
	uint64_t align; /* power of two; 0 means page size */
	uint64_t min;
	uint64_t max; /* 0 means no limit */
	bool top_down;
};

void kl_freeset_free(struct kl_freeset *f);
int kl_freeset_from_memmap(struct kl_freeset *f, const struct kl_memmap *m);
/* Remove r from the free set (no-op for parts already not free). */
int kl_freeset_reserve(struct kl_freeset *f, const struct kl_range *r);
/* True when r lies entirely in free memory. */
bool kl_freeset_contains(const struct kl_freeset *f, const struct kl_range *r);
/* Find a range for req, reserve it, and return its start. */
int kl_freeset_place(struct kl_freeset *f, const struct kl_place_req *req,
		     uint64_t *ret_start);

/* Like kl_freeset_place(), but choose uniformly among every aligned
 * position that fits, using rnd (a random number) to pick one. */
int kl_freeset_place_random(struct kl_freeset *f, const struct kl_place_req *req, uint64_t rnd,
			    uint64_t *ret_start);

#endif
