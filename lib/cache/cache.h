/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The preload cache: kernels decompressed (and initramfs images flattened)
 * ahead of the update window, so that `kexec --preload-decompressed -l`
 * only reads them back.
 *
 * An entry is a directory CACHE/KEY, KEY the SHA-256 of the two source
 * files' SHA-256 digests (kernel, then initrd or nothing):
 *
 *   CACHE/KEY/vmlinux.bin   the bzImage payload, decompressed (ELF + the
 *                           relocation table), not yet relocated
 *   CACHE/KEY/initrd.cpio   the initrd, every member decompressed
 *   CACHE/KEY/meta          what it came from and its digests (below)
 *
 * Entries are built in CACHE/.stage-XXXXXX and renamed into place after
 * every file is fsync'ed; meta is written last and carries its own CRC, so
 * an interrupted stage never leaves anything that looks valid.
 */
#ifndef KL_CACHE_H
#define KL_CACHE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "lib/base/conf.h"
#include "lib/base/err.h"

#define KL_CACHE_DIR_DEFAULT "/var/cache/kexec-live"
#define KL_CACHE_HEAD_SIZE (64 * 1024) /* bytes of a source re-hashed at load */

struct kl_cache_src {
	char path[1024];
	uint64_t size;
	int64_t mtime_ns;
	uint64_t ino;
	uint8_t head_sha256[32]; /* of the first KL_CACHE_HEAD_SIZE bytes */
	uint8_t sha256[32];
};

struct kl_cache_blob { /* a file of the entry */
	uint64_t size;
	uint8_t sha256[32];
	uint32_t crc32c;
	/* XXH64 (purgatory/xxh64.h): what a lookup checks, when the entry
	 * has it (entries staged before it was added have only crc32c) */
	bool has_xxh64;
	uint64_t xxh64;
};

struct kl_cache_entry {
	char key[65];
	struct kl_cache_src kernel, initrd;
	bool has_initrd;
	char compression[16];
	char version[128];
	int64_t created;
	struct kl_cache_blob vmlinux, initrd_cpio;
};

/* The cache directory: override, else cache_dir= in conf (which may be
 * NULL with an override), else the default; prefixed with root unless it
 * is the override. */
int kl_cache_dir(const char *root, const char *override, const struct kl_conf *conf, char **ret,
		 struct kl_err *err);

/* meta: text, one "name=value" a line after a version line, and a last
 * line "meta_crc32c=X" over everything before it.  Pure. */
int kl_cache_meta_parse(const char *text, size_t len, struct kl_cache_entry *ret, struct kl_err *err);
int kl_cache_meta_format(const struct kl_cache_entry *e, char **ret);

/* Decompress and flatten now; write the entry atomically. */
int kl_cache_stage(const char *dir, const char *kernel, const char *initrd, struct kl_cache_entry *ret,
		   struct kl_err *err);

/*
 * The cache directory is used only when it can be trusted and holds
 * nothing that is not ours: it must be a directory (not a symlink), owned
 * by this user (root) and not writable by group or others, below
 * directories that nobody else can change; it may hold only entries
 * (named by their 64-digit key) and temporary directories (.stage-XXXXXX).
 * Every function below refuses any other directory with -EPERM or
 * -ENOTEMPTY and a reason, and touches nothing in it.  Each entry and
 * file must be ours in the same way, and no symlink.  The directory's
 * flock serialises writers (stage, gc, verify's and evict's removals)
 * against each other and against readers (kexec, list).
 */

/* Every entry whose meta parses (entries with a damaged or missing meta
 * are reported through bad_cb when it is not NULL).  No cache: 0 entries. */
int kl_cache_list(const char *dir, struct kl_cache_entry **ret, size_t *ret_n,
		  void (*bad_cb)(const char *name, const char *why, void *data), void *data, struct kl_err *err);

/* Re-hash the entry's files (SHA-256); 0 when intact. */
int kl_cache_verify(const char *dir, const struct kl_cache_entry *e, struct kl_err *err);
/* Remove the entry named key, when it holds nothing but our files. */
int kl_cache_remove(const char *dir, const char *key, struct kl_err *err);
/* Remove what is not an entry: directories of interrupted stages
 * (.stage-*) and entries without a valid meta; cb reports each. */
int kl_cache_remove_leftovers(const char *dir, void (*cb)(const char *name, const char *why, void *data),
			      void *data, struct kl_err *err);

/* Why the source file behind s no longer is what was staged (gone, size,
 * mtime, inode, first 64 KiB), or NULL when it still is. */
const char *kl_cache_src_stale(const struct kl_cache_src *s);

/* An entry kl_cache_lookup() found, with its files mapped private: the
 * vmlinux writable (its pages are copied when written; the entry never
 * changes), the initrd read-only.  kl_cache_hit_release() unmaps them. */
struct kl_cache_hit {
	struct kl_cache_entry e;
	void *vmlinux;
	size_t vmlinux_len;
	void *cpio; /* NULL when the entry has no initrd */
	size_t cpio_len;
};

/*
 * Find the entry for these sources.  Returns 1 and the entry when one
 * matches (same path, size, mtime, inode and first 64 KiB) and its files
 * are intact (size and CRC-32C); 0 when there is no entry for them;
 * -ESTALE when there is one but it is stale or damaged; -EPERM when the
 * cache cannot be trusted or read (above).  Unless it returns 1, err says
 * which.
 */
int kl_cache_lookup(const char *dir, const char *kernel, const char *initrd, struct kl_cache_hit *ret,
		    struct kl_err *err);
void kl_cache_hit_release(struct kl_cache_hit *h);

/* Release a file kl_cache_lookup() returned (they are mapped, not read). */
void kl_cache_release(void *p, size_t len);

#endif
