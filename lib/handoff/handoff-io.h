/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The handoff table as a running kernel shows it, and the memory it
 * describes: where to find the table (setup_data in sysfs), where a
 * preserved range can be read (/dev/pmemN or /dev/mem), where an in-memory
 * blob's bytes are (an indirect setup_data node).  Shared by kexec (which
 * digests and re-publishes) and kexec-handoff (which reads and verifies).
 * Every path is taken below root ("" for the real system).
 */
#ifndef KL_HANDOFF_IO_H
#define KL_HANDOFF_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/err.h"
#include "lib/handoff/handoff.h"

/* The bytes of the first setup_data node of this type
 * (/sys/kernel/boot_params/setup_data/N), at most max of them: -ENOENT
 * when there is none. */
int kl_setup_data_read(const char *root, uint32_t type, size_t max, char **ret, size_t *ret_len, struct kl_err *err);

/* The table this kernel received.  -ENOENT when there is none; other
 * errors when it cannot be read or does not decode.  *ret_buf holds the
 * bytes the decoded entries point into. */
int kl_ho_table_read(const char *root, struct kl_handoff *ret, void **ret_buf, struct kl_err *err);

/* Where a range's bytes can be read: the /dev/pmemN whose namespace holds
 * it, at an offset, or else /dev/mem at the range's start. */
int kl_ho_region_path(const char *root, uint64_t start, uint64_t size, char *ret_path, size_t path_len,
		      uint64_t *ret_off);

/* Read (or write, then fsync) len bytes at offset at of the range
 * [start, start + size), through kl_ho_region_path(). */
int kl_ho_region_io(const char *root, uint64_t start, uint64_t size, uint64_t at, void *buf, size_t len,
		    bool write, struct kl_err *err);

/* SHA-256 of a range's current contents, read through kl_ho_region_path(). */
int kl_ho_region_sha256(const char *root, uint64_t start, uint64_t size, uint8_t ret[32], struct kl_err *err);

/* An in-memory blob's bytes: the indirect setup_data node whose bytes have
 * the blob's length and SHA-256 (kexec-handoff(5)). */
int kl_ho_blob_read(const char *root, const struct kl_ho_entry *e, void **ret, size_t *ret_len,
		    struct kl_err *err);

/* Compare an entry's recorded digest with the bytes there now: 1 they
 * match, 0 no digest was recorded, -EBADMSG they differ, other negative
 * errno: the bytes cannot be read. */
int kl_ho_entry_check(const char *root, const struct kl_ho_entry *e, struct kl_err *err);

#endif
