/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The handoff table: what a live update preserved, for the next kernel's
 * userland.  Defined here once, for the writer (kexec) and every reader;
 * man kexec-handoff(5) describes the same bytes.  Little-endian throughout.
 *
 *   offset  size  header (32 bytes)
 *        0     8  magic "KLHANDOF"
 *        8     2  version (1)
 *       10     2  header size (32)
 *       12     4  total size: header and every record
 *       16     4  number of records
 *       20     4  flags (0)
 *       24     4  CRC-32C of the whole table, this field counted as zero
 *       28     4  reserved (0)
 *       32        records, each 8-byte aligned:
 *
 *   record  size
 *        0     2  type (KL_HO_REGION, KL_HO_BLOB, ...)
 *        2     2  flags: bit 0 "critical": a reader that does not know the
 *                 type must refuse the table instead of skipping it
 *        4     4  record size, header included, a multiple of 8
 *        8        type-specific body (below), zero padding to the size
 *
 *   KL_HO_REGION body (memory kept where it is):
 *        0     8  physical start          8     8  size
 *       16     4  how it is kept (KL_HO_KEEP_*)
 *       20     4  digest algorithm (0 none, 1 SHA-256)
 *       24    32  digest of the region's contents
 *       56     2  name length n (1..63)  58     n  name (no NUL)
 *
 *   KL_HO_BLOB body (bytes carried across):
 *        0     4  storage: 1 inline (after the strings), 2 in memory at phys
 *        4     4  digest algorithm (0 none, 1 SHA-256)
 *        8    32  digest of the bytes
 *       40     8  physical address (storage 2), else 0
 *       48     8  length in bytes
 *       56     2  name length n (1..63)  58     2  kind length k (0..31)
 *       60     n  name    60+n  k  kind ("device", "vmm", ...)
 *   60+n+k   len  the bytes (storage 1)
 */
#ifndef KL_HANDOFF_H
#define KL_HANDOFF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define KL_HO_MAGIC "KLHANDOF"
#define KL_HO_VERSION 1
#define KL_HO_HDR_SIZE 32
#define KL_HO_REC_HDR_SIZE 8
#define KL_HO_MAX_SIZE (16u << 20)   /* a table is small; blobs go by reference */
#define KL_HO_MAX_RECORDS 4096
#define KL_HO_NAME_MAX 63
#define KL_HO_KIND_MAX 31
/* setup_data type of the node carrying the table: far from the kernel's
 * own (1..10 and SETUP_INDIRECT's 1<<31); "KLHO" in ASCII. */
#define KL_HO_SETUP_TYPE 0x4f484c4bU
/* setup_indirect type of the nodes that point at in-memory blobs ("KLHB") */
#define KL_HO_BLOB_SETUP_TYPE 0x42484c4bU

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
