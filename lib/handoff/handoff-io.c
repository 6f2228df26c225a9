/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/base/digest.h"
#include "lib/base/util.h"
#include "lib/handoff/handoff-io.h"
#include "lib/sys/sysinfo.h"

#define SETUP_DATA_DIR "/sys/kernel/boot_params/setup_data"

static void closedirp(DIR **d)
{
	if (*d)
		closedir(*d);
}

/* The type of setup_data node NAME (sysfs shows an indirect node's inner
 * type), or 0 when unreadable. */
static uint32_t node_type(const char *root, const char *name)
{
	char p[PATH_MAX];
	uint64_t v;

	snprintf(p, sizeof(p), SETUP_DATA_DIR "/%s/type", name);
	if (kl_read_u64_file(root, p, 16, &v) < 0 || v > UINT32_MAX)
		return 0;
	return (uint32_t)v;
}

static int node_data(const char *root, const char *name, size_t max, char **ret, size_t *ret_len,
		     struct kl_err *err)
{
	char p[PATH_MAX];

	snprintf(p, sizeof(p), SETUP_DATA_DIR "/%s/data", name);
	return kl_read_file(root, p, max, ret, ret_len, err);
}

static DIR *open_nodes(const char *root)
{
	char dir[PATH_MAX];

	snprintf(dir, sizeof(dir), "%s" SETUP_DATA_DIR, root);
	return opendir(dir);
}

int kl_setup_data_read(const char *root, uint32_t type, size_t max, char **ret, size_t *ret_len, struct kl_err *err)
{
	_cleanup_(closedirp) DIR *d = open_nodes(root);
	struct dirent *de;

	if (!d)
		return kl_fail(err, -ENOENT, "this kernel shows no setup_data (no %s)", SETUP_DATA_DIR);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && node_type(root, de->d_name) == type)
			return node_data(root, de->d_name, max, ret, ret_len, err);
	return kl_fail(err, -ENOENT, "no setup_data node of type 0x%x", type);
}

int kl_ho_table_read(const char *root, struct kl_handoff *ret, void **ret_buf, struct kl_err *err)
{
	_cleanup_free_ char *data = NULL;
	struct kl_err inner = { { 0 } };
	size_t len = 0;
	int r;

	r = kl_setup_data_read(root, KL_HO_SETUP_TYPE, KL_HO_MAX_SIZE, &data, &len, &inner);
	if (r == -ENOENT)
		return kl_fail(err, r, "this kernel received no handoff table (%s)", inner.msg);
	if (r < 0)
		return kl_fail(err, r, "%s", inner.msg);
	r = kl_handoff_decode(data, len, ret, err);
	if (r < 0)
		return r;
	*ret_buf = TAKE_PTR(data);
	return 0;
}

int kl_ho_region_path(const char *root, uint64_t start, uint64_t size, char *ret_path, size_t path_len,
		      uint64_t *ret_off)
{
	char dir[PATH_MAX];
	_cleanup_(closedirp) DIR *d = NULL;
	struct dirent *de;

	snprintf(dir, sizeof(dir), "%s/sys/block", root);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		char p[PATH_MAX];
		uint64_t base, sectors, len;

		if (strncmp(de->d_name, "pmem", 4) != 0)
			continue;
		snprintf(p, sizeof(p), "/sys/block/%s/device/resource", de->d_name);
		if (kl_read_u64_file(root, p, 0, &base) < 0)
			continue;
		snprintf(p, sizeof(p), "/sys/block/%s/size", de->d_name);
		if (kl_read_u64_file(root, p, 10, &sectors) < 0 || __builtin_mul_overflow(sectors, 512, &len))
			continue;
		/* the namespace [base, base+len) must hold the whole range */
		if (start >= base && start - base <= len && size <= len - (start - base)) {
			snprintf(ret_path, path_len, "/dev/%s", de->d_name);
			*ret_off = start - base;
			return 0;
		}
	}
	snprintf(ret_path, path_len, "/dev/mem");
	*ret_off = start;
	return 0;
}

int kl_ho_region_io(const char *root, uint64_t start, uint64_t size, uint64_t at, void *buf, size_t len,
		    bool write, struct kl_err *err)
{
	char dev[PATH_MAX], full[PATH_MAX * 2];
	_cleanup_close_ int fd = -1;
	uint64_t off;
	ssize_t n;

	if (at > size || len > size - at)
		return kl_fail(err, -EINVAL, "0x%zx bytes at 0x%" PRIx64 " lie outside the 0x%" PRIx64 " of the range",
			       len, at, size);
	kl_ho_region_path(root, start, size, dev, sizeof(dev), &off);
	snprintf(full, sizeof(full), "%s%s", root, dev);
	fd = open(full, (write ? O_WRONLY : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return kl_fail(err, -errno, "cannot %s [0x%" PRIx64 "-0x%" PRIx64 ") through %s: %s",
			       write ? "write" : "read", start, start + size, dev, strerror(errno));
	do
		n = write ? pwrite(fd, buf, len, (off_t)(off + at)) : pread(fd, buf, len, (off_t)(off + at));
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)len)
		return kl_fail(err, n < 0 ? -errno : -EIO, "cannot %s 0x%" PRIx64 " through %s: %s",
			       write ? "write" : "read", start + at, dev, n < 0 ? strerror(errno) : "short");
	/* a block device (pmem) writes through its page cache; /dev/mem
	 * has no fsync (EINVAL) and writes straight to memory */
	if (write && fsync(fd) < 0 && errno != EINVAL)
		return kl_fail(err, -errno, "cannot flush 0x%" PRIx64 " through %s: %s", start + at, dev,
			       strerror(errno));
	return 0;
}

int kl_ho_region_sha256(const char *root, uint64_t start, uint64_t size, uint8_t ret[32], struct kl_err *err)
{
	char dev[PATH_MAX], full[PATH_MAX * 2];
	_cleanup_close_ int fd = -1;
	const size_t chunk = 1 << 20;
	uint8_t *buf = NULL;
	EVP_MD_CTX *md = NULL;
	uint64_t off, done = 0;
	int r = 0;

	kl_ho_region_path(root, start, size, dev, sizeof(dev), &off);
	snprintf(full, sizeof(full), "%s%s", root, dev);
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kl_fail(err, -errno, "cannot read [0x%" PRIx64 "-0x%" PRIx64 ") through %s: %s", start,
			       start + size, dev, strerror(errno));
	buf = malloc(chunk);
	md = EVP_MD_CTX_new();
	if (!buf || !md)
		r = -ENOMEM;
	else if (!EVP_DigestInit_ex(md, EVP_sha256(), NULL))
		r = kl_fail(err, -EIO, "OpenSSL SHA-256 failed");
	while (r == 0 && done < size) {
		size_t want = (size_t)KL_MIN((uint64_t)chunk, size - done);
		ssize_t n = pread(fd, buf, want, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			r = kl_fail(err, n < 0 ? -errno : -EIO,
				    "cannot read [0x%" PRIx64 "-0x%" PRIx64 ") through %s at 0x%" PRIx64 ": %s", start,
				    start + size, dev, off + done, n < 0 ? strerror(errno) : "it ends there");
		else if (!EVP_DigestUpdate(md, buf, (size_t)n))
			r = kl_fail(err, -EIO, "OpenSSL SHA-256 failed");
		else
			done += (uint64_t)n;
	}
	if (r == 0 && !EVP_DigestFinal_ex(md, ret, NULL))
		r = kl_fail(err, -EIO, "OpenSSL SHA-256 failed");
	EVP_MD_CTX_free(md);
	free(buf);
	return r;
}

int kl_ho_blob_read(const char *root, const struct kl_ho_entry *e, void **ret, size_t *ret_len,
		    struct kl_err *err)
{
	_cleanup_(closedirp) DIR *d = open_nodes(root);
	struct dirent *de;

	if (e->digest_alg != KL_HO_DIGEST_SHA256)
		return kl_fail(err, -EBADMSG, "blob %s has no digest, so its bytes cannot be told apart", e->name);
	if (e->len > KL_BLOB_FILE_MAX)
		return kl_fail(err, -E2BIG, "blob %s claims %" PRIu64 " bytes", e->name, e->len);
	while (d && (de = readdir(d))) {
		_cleanup_free_ char *data = NULL;
		size_t len = 0;
		uint8_t md[32];

		if (de->d_name[0] == '.' || node_type(root, de->d_name) != KL_HO_BLOB_SETUP_TYPE)
			continue;
		if (node_data(root, de->d_name, (size_t)e->len, &data, &len, NULL) < 0 || len != e->len)
			continue;
		if (kl_digest_sha256(data, len, md, err) < 0)
			return -EIO;
		if (memcmp(md, e->sha256, 32) != 0)
			continue;
		*ret = TAKE_PTR(data);
		*ret_len = len;
		return 0;
	}
	return kl_fail(err, -EBADMSG,
		       "blob %s: no setup_data node of type 0x%x holds %" PRIu64 " bytes with its SHA-256 (lost or damaged)",
		       e->name, KL_HO_BLOB_SETUP_TYPE, e->len);
}

int kl_ho_entry_check(const char *root, const struct kl_ho_entry *e, struct kl_err *err)
{
	uint8_t md[32];
	int r;

	if (e->digest_alg != KL_HO_DIGEST_SHA256)
		return 0;
	if (e->type == KL_HO_BLOB && e->storage == KL_HO_INLINE) {
		if (kl_digest_sha256(e->data, (size_t)e->len, md, err) < 0)
			return -EIO;
	} else if (e->type == KL_HO_BLOB) {
		void *bytes = NULL;
		size_t len;

		/* found only when length and digest match */
		r = kl_ho_blob_read(root, e, &bytes, &len, err);
		if (r < 0)
			return r;
		free(bytes);
		return 1;
	} else {
		r = kl_ho_region_sha256(root, e->start, e->size, md, err);
		if (r < 0)
			return r;
	}
	if (memcmp(md, e->sha256, 32) != 0)
		return kl_fail(err, -EBADMSG, "%s %s: SHA-256 mismatch: its bytes changed since they were handed over",
			       e->type == KL_HO_REGION ? "region" : "blob", e->name);
	return 1;
}
