/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The handoff table: what a live update preserved, for the next kernel's
 * userland.  Defined here once, for the writer (kexec) and every reader;
 * man kexec-handoff(5) describes the same bytes.  Little-endian throughout.
 *
 * The layouts are the packed structs below, pinned with _Static_assert;
 * every multi-byte field is little-endian and is read and written only
 * through util.h's helpers, by field name.  A table is a header, then
 * records, each 8-byte aligned: a record header, a type-specific body,
 * the body's strings (and an inline blob's bytes), zero padding to the
 * record's size.  A reader skips a record of a type it does not know,
 * unless its header's flags say "critical".
 */
#ifndef KL_HANDOFF_H
#define KL_HANDOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"

#define KL_HO_MAGIC "KLHANDOF"
#define KL_HO_VERSION 1
#define KL_HO_HDR_SIZE 32
#define KL_HO_REC_HDR_SIZE 8
#define KL_HO_MAX_SIZE (16u << 20)   /* a table is small; blobs go by reference */
#define KL_HO_MAX_RECORDS 4096
#define KL_HO_NAME_MAX 63
#define KL_HO_KIND_MAX 31
/* Names kexec-live gives its own records ("kexec-live.timelines"); the
 * options refuse them. */
#define KL_HO_OWN_PREFIX "kexec-live."
/* setup_data type of the node carrying the table: far from the kernel's
 * own (1..10 and SETUP_INDIRECT's 1<<31); "KLHO" in ASCII. */
#define KL_HO_SETUP_TYPE 0x4f484c4bU
/* setup_indirect type of the nodes that point at in-memory blobs ("KLHB") */
#define KL_HO_BLOB_SETUP_TYPE 0x42484c4bU

/* The table's header. */
struct kl_ho_header {
	char magic[8];        /* KL_HO_MAGIC, no NUL */
	uint16_t version;     /* KL_HO_VERSION */
	uint16_t header_size; /* sizeof(struct kl_ho_header) */
	uint32_t total_size;  /* header and every record */
	uint32_t nr_records;
	uint32_t flags;       /* 0 */
	uint32_t crc32c;      /* of the whole table, this field counted as zero */
	uint32_t reserved;    /* 0 */
} __attribute__((packed));

/* Every record's first 8 bytes. */
struct kl_ho_record {
	uint16_t type;  /* enum kl_ho_type */
	uint16_t flags; /* KL_HO_REC_CRITICAL */
	uint32_t size;  /* this header included, a multiple of 8 */
} __attribute__((packed));

/* KL_HO_REGION: memory kept where it is.  The name follows. */
struct kl_ho_region_body {
	uint64_t start, size;
	uint32_t keep;       /* enum kl_ho_keep */
	uint32_t digest_alg; /* KL_HO_DIGEST_* */
	uint8_t digest[32];  /* of the region's contents */
	uint16_t name_len;   /* 1..KL_HO_NAME_MAX, no NUL */
} __attribute__((packed));

/* KL_HO_BLOB: bytes carried across.  The name follows, then the kind, then
 * (storage inline) the bytes. */
struct kl_ho_blob_body {
	uint32_t storage;    /* enum kl_ho_storage */
	uint32_t digest_alg; /* KL_HO_DIGEST_* */
	uint8_t digest[32];  /* of the bytes */
	uint64_t phys;       /* storage in memory: where; else 0 */
	uint64_t len;        /* the bytes' length */
	uint16_t name_len;   /* 1..KL_HO_NAME_MAX */
	uint16_t kind_len;   /* 0..KL_HO_KIND_MAX ("device", "vmm", ...) */
} __attribute__((packed));

_Static_assert(sizeof(struct kl_ho_header) == KL_HO_HDR_SIZE, "the header is 32 bytes");
_Static_assert(offsetof(struct kl_ho_header, version) == 8 && offsetof(struct kl_ho_header, total_size) == 12 &&
		       offsetof(struct kl_ho_header, nr_records) == 16 && offsetof(struct kl_ho_header, crc32c) == 24,
	       "kexec-handoff(5) header offsets");
_Static_assert(sizeof(struct kl_ho_record) == KL_HO_REC_HDR_SIZE, "a record header is 8 bytes");
_Static_assert(sizeof(struct kl_ho_region_body) == 58 && offsetof(struct kl_ho_region_body, keep) == 16 &&
		       offsetof(struct kl_ho_region_body, digest) == 24 && offsetof(struct kl_ho_region_body, name_len) == 56,
	       "kexec-handoff(5) region offsets");
_Static_assert(sizeof(struct kl_ho_blob_body) == 60 && offsetof(struct kl_ho_blob_body, digest) == 8 &&
		       offsetof(struct kl_ho_blob_body, phys) == 40 && offsetof(struct kl_ho_blob_body, len) == 48 &&
		       offsetof(struct kl_ho_blob_body, kind_len) == 58,
	       "kexec-handoff(5) blob offsets");

enum kl_ho_type {
	KL_HO_REGION = 1,
	KL_HO_BLOB = 2,
};
#define KL_HO_REC_CRITICAL 0x1

enum kl_ho_keep {
	KL_HO_KEEP_PMEM = 1,     /* e820 type 12: the new kernel makes /dev/pmemN */
	KL_HO_KEEP_RESERVED = 2, /* e820 reserved: reached through /dev/mem */
};

enum kl_ho_storage {
	KL_HO_INLINE = 1,
	KL_HO_IN_MEMORY = 2,
};

#define KL_HO_DIGEST_NONE 0
#define KL_HO_DIGEST_SHA256 1

struct kl_ho_entry {
	enum kl_ho_type type;
	char name[KL_HO_NAME_MAX + 1];
	uint32_t digest_alg;
	uint8_t sha256[32];
	/* KL_HO_REGION */
	uint64_t start, size;
	uint32_t keep;
	/* KL_HO_BLOB */
	char kind[KL_HO_KIND_MAX + 1];
	uint32_t storage;
	uint64_t phys, len;
	const uint8_t *data; /* storage inline: points into the decoded table */
};

/* A range to keep across the jump:
 * --preserve=NAME:START+SIZE[:pmem|reserved][:nodigest] */
#define KL_PRESERVE_MAX 16
struct kl_preserve {
	char name[KL_HO_NAME_MAX + 1];
	uint64_t start, size;
	uint32_t keep; /* KL_HO_KEEP_PMEM (default) or KL_HO_KEEP_RESERVED */
	bool no_digest; /* :nodigest: record no SHA-256 of the contents */
	bool received;  /* from --handoff-from-previous, not an option */
	/* filled in before planning: the contents' digest, unless no_digest */
	uint32_t digest_alg;
	uint8_t sha256[32];
};

/* Parse the option's argument; sizes take K, M, G or T (powers of 1024). */
int kl_preserve_parse(const char *arg, struct kl_preserve *ret, struct kl_err *err);

/* Bytes to carry across: --handoff-file=NAME[:KIND]=PATH.  They travel as
 * one kexec segment that the new kernel keeps reserved (an indirect
 * setup_data node each), recorded as in-memory blobs with their SHA-256. */
#define KL_BLOBS_MAX 32
#define KL_BLOB_FILE_MAX (1ULL << 30)
struct kl_blob {
	char name[KL_HO_NAME_MAX + 1];
	char kind[KL_HO_KIND_MAX + 1];
	const char *path;    /* the file, or NULL when received from the previous kernel */
	const uint8_t *data; /* filled in before planning */
	uint64_t len;
	uint8_t sha256[32];
};

int kl_blob_parse(const char *arg, struct kl_blob *ret, struct kl_err *err);

struct kl_handoff {
	struct kl_ho_entry *e;
	size_t n;
	size_t skipped; /* records of types this reader does not know */
};

void kl_handoff_free(struct kl_handoff *t);
int kl_handoff_add(struct kl_handoff *t, const struct kl_ho_entry *e, struct kl_err *err);

/* Encode t (inline blob bytes are copied from e->data). */
int kl_handoff_encode(const struct kl_handoff *t, void **ret, size_t *ret_len, struct kl_err *err);

/* Decode and check a table; inline data pointers point into buf, which
 * must outlive the result.  Pure. */
int kl_handoff_decode(const void *buf, size_t len, struct kl_handoff *ret, struct kl_err *err);

#endif
