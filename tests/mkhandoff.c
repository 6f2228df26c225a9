/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: write handoff tables for tests/handoff-reader.test and
 * tests/handoff-writer.test.
 *   mkhandoff KIND FILE    KIND: good, corrupt, truncated, version2, baddigest,
 *                          newkind (a record of a later, non-critical type),
 *                          dupname (the blob named like the region),
 *                          devregion (the region is the IOAPIC's page,
 *                          with a digest)
 *   mkhandoff chain FILE REGION_BYTES BLOB_BYTES
 *        as kexec would write it: a pmem region at 1 GiB with the SHA-256 of
 *        REGION_BYTES, and an in-memory blob "state" (kind vmm) with
 *        BLOB_BYTES' length and SHA-256
 *   mkhandoff history FILE REGION_BYTES BLOB_BYTES LIST_BYTES
 *        the same, and a third in-memory blob, the chain's timelines
 *        (kexec-live.timelines, kind timeline) with LIST_BYTES' length and
 *        SHA-256
 *   mkhandoff timelines FILE N
 *        a list of N update timelines (lib/timeline/history.h): update i
 *        (from 1) started kernel "6.1.0-hop<i>", SHA-256 over i MiB, its
 *        marks exec at -i/4 ms, purgatory_checked at i ms, kernel_entry
 *        at i + 0.5, clock_zero at 10 i, run_init at 100 i
 *   mkhandoff xsregion FILE START
 *        a table with one region, the exec stamp's page at START
 *        (kexec-live.exec-stamp, pmem, no digest)
 *   mkhandoff find-timelines OUT FILE...
 *        the first list of update timelines among FILEs' bytes (a kexec
 *        segment holds it as an in-memory blob), by its magic and count,
 *        to OUT; exit 1 when none is there
 *   mkhandoff timeline FILE START CHECKED JUMP
 *        a timeline record (purgatory/timeline.h) as the purgatory stamps it:
 *        the three TSC values, a CRC-32C check of 96 MiB, its CRC-32
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/util.h"
#include "lib/handoff/handoff.h"
#include "lib/timeline/history.h"
#include "purgatory/crc32c.h"
#include "purgatory/timeline.h"
#include <zlib.h>

static int digest_file(const char *path, uint8_t md[32], uint64_t *ret_len)
{
	FILE *f = fopen(path, "rb");
	static uint8_t buf[1 << 16];
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	uint64_t len = 0;
	size_t n;

	if (!f || !c)
		return -1;
	EVP_DigestInit_ex(c, EVP_sha256(), NULL);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0) {
		EVP_DigestUpdate(c, buf, n);
		len += n;
	}
	EVP_DigestFinal_ex(c, md, NULL);
	EVP_MD_CTX_free(c);
	fclose(f);
	*ret_len = len;
	return 0;
}

/* Write n bytes to path: 0, or 1 when that fails. */
static int write_out(const char *path, const void *b, size_t n)
{
	FILE *f = fopen(path, "wb");

	return !f || fwrite(b, 1, n, f) != n || fclose(f) ? 1 : 0;
}

static int timeline(int argc, char **argv)
{
	uint8_t rec[sizeof(struct kl_tl_record)] = { 0 };
	int i;

	if (argc != 6)
		return 2;
	kl_put_le32(rec, KL_TL_MAGIC);
	kl_put_le16(rec + 4, KL_TL_VERSION);
	kl_put_le16(rec + 6, sizeof(rec));
	kl_put_le32(rec + 8, 7); /* start, checked, jump */
	kl_put_le32(rec + 16, KL_TL_CHECK_CRC32C);
	kl_put_le64(rec + 24, 96ULL << 20);
	for (i = 0; i < 3; i++)
		kl_put_le64(rec + 32 + 8 * i, strtoull(argv[3 + i], NULL, 0));
	kl_put_le32(rec + 12, (uint32_t)crc32(0L, rec, sizeof(rec)));
	return write_out(argv[2], rec, sizeof(rec));
}

static int timelines(int argc, char **argv)
{
	struct kl_tlh_entry v[KL_TLH_ENTRIES_MAX] = { { { 0 } } };
	uint8_t buf[KL_TLH_SIZE_MAX];
	unsigned long n;
	size_t i, len;

	if (argc != 4 || (n = strtoul(argv[3], NULL, 0)) > KL_TLH_ENTRIES_MAX)
		return 2;
	for (i = 0; i < n; i++) {
		uint32_t at = (uint32_t)(i + 1) * 1000; /* microseconds */

		snprintf(v[i].release, sizeof(v[i].release), "6.1.0-hop%zu", i + 1);
		v[i].check = KL_TL_CHECK_SHA256;
		v[i].checked_bytes = (uint64_t)(i + 1) << 20;
		v[i].usec[KL_TLH_PURG_CHECKED] = at;
		v[i].usec[KL_TLH_KERNEL_ENTRY] = at + 500;
		v[i].usec[KL_TLH_CLOCK_ZERO] = 10 * at;
		v[i].usec[KL_TLH_RUN_INIT] = 100 * at;
		v[i].usec[KL_TLH_EXEC] = at / 4; /* before the purgatory */
		v[i].present = 1U << KL_TLH_PURG_CHECKED | 1U << KL_TLH_KERNEL_ENTRY | 1U << KL_TLH_CLOCK_ZERO |
			       1U << KL_TLH_RUN_INIT | 1U << KL_TLH_EXEC;
	}
	if (kl_tlh_encode(v, n, buf, sizeof(buf), &len) < 0)
		return 1;
	return write_out(argv[2], buf, len);
}

static int find_timelines(int argc, char **argv)
{
	static uint8_t buf[64 << 20];
	int i;

	for (i = 3; i < argc; i++) {
		FILE *f = fopen(argv[i], "rb");
		size_t len, off, n;

		if (!f)
			return 2;
		len = fread(buf, 1, sizeof(buf), f);
		fclose(f);
		for (off = 0; off + sizeof(struct kl_tlh_header) <= len; off++) {
			if (kl_le32(buf + off) != KL_TLH_MAGIC)
				continue;
			n = sizeof(struct kl_tlh_header) + kl_le16(buf + off + 6) * sizeof(struct kl_tlh_entry);
			if (n > len - off)
				continue;
			return write_out(argv[2], buf + off, n);
		}
	}
	return 1;
}

int main(int argc, char **argv)
{
	static const uint8_t state[] = "queue heads: 17, 42, 99\n";
	struct kl_handoff t = { 0 };
	struct kl_ho_entry r = { .type = KL_HO_REGION, .start = 1ULL << 30, .size = 64ULL << 20,
				 .keep = KL_HO_KEEP_PMEM };
	struct kl_ho_entry b = { .type = KL_HO_BLOB, .storage = KL_HO_INLINE, .len = sizeof(state) - 1,
				 .data = state, .digest_alg = KL_HO_DIGEST_SHA256 };
	uint8_t *buf;
	void *p;
	size_t len;
	int rc;

	if (argc < 3)
		return 2;
	if (!strcmp(argv[1], "timeline"))
		return timeline(argc, argv);
	if (!strcmp(argv[1], "timelines"))
		return timelines(argc, argv);
	if (!strcmp(argv[1], "find-timelines"))
		return find_timelines(argc, argv);
	if (!strcmp(argv[1], "xsregion")) {
		if (argc != 4)
			return 2;
		r.start = strtoull(argv[3], NULL, 0);
		r.size = KL_XS_PAGE;
		snprintf(r.name, sizeof(r.name), "%s", KL_XS_REGION_NAME);
		if (kl_handoff_add(&t, &r, NULL) || kl_handoff_encode(&t, &p, &len, NULL))
			return 1;
		rc = write_out(argv[2], p, len);
		free(p);
		kl_handoff_free(&t);
		return rc;
	}
	snprintf(r.name, sizeof(r.name), "%s", "vm-ram");
	snprintf(b.name, sizeof(b.name), "%s", "nic0");
	snprintf(b.kind, sizeof(b.kind), "%s", "device");
	EVP_Digest(state, sizeof(state) - 1, b.sha256, NULL, EVP_sha256(), NULL);
	if (!strcmp(argv[1], "chain") || !strcmp(argv[1], "history")) {
		uint64_t n;

		if (argc != (strcmp(argv[1], "chain") ? 6 : 5) || digest_file(argv[3], r.sha256, &n) < 0 ||
		    digest_file(argv[4], b.sha256, &b.len) < 0)
			return 2;
		r.size = n;
		r.digest_alg = KL_HO_DIGEST_SHA256;
		b.storage = KL_HO_IN_MEMORY;
		b.phys = 0x7000000;
		b.data = NULL;
		snprintf(b.name, sizeof(b.name), "%s", "state");
		snprintf(b.kind, sizeof(b.kind), "%s", "vmm");
	}
	if (!strcmp(argv[1], "baddigest"))
		b.sha256[0] ^= 1;
	if (!strcmp(argv[1], "dupname"))
		snprintf(b.name, sizeof(b.name), "%s", "vm-ram");
	if (!strcmp(argv[1], "devregion")) {
		r.start = 0xfec00000;
		r.size = 4096;
		r.digest_alg = KL_HO_DIGEST_SHA256;
	}
	if (kl_handoff_add(&t, &r, NULL) || kl_handoff_add(&t, &b, NULL))
		return 1;
	if (!strcmp(argv[1], "history")) {
		struct kl_ho_entry h = { .type = KL_HO_BLOB, .storage = KL_HO_IN_MEMORY, .phys = 0x7100000,
					 .digest_alg = KL_HO_DIGEST_SHA256 };

		snprintf(h.name, sizeof(h.name), "%s", KL_TLH_BLOB_NAME);
		snprintf(h.kind, sizeof(h.kind), "%s", "timeline");
		if (digest_file(argv[5], h.sha256, &h.len) < 0 || kl_handoff_add(&t, &h, NULL))
			return 1;
	}
	if (kl_handoff_encode(&t, &p, &len, NULL))
		return 1;
	buf = p;
	if (!strcmp(argv[1], "newkind")) {
		/* append a record of type 99 (not critical), 16 bytes */
		buf = realloc(buf, len + 16);
		if (!buf)
			return 1;
		memset(buf + len, 0, 16);
		kl_put_le16(buf + len, 99);
		kl_put_le32(buf + len + 4, 16);
		len += 16;
		kl_put_le32(buf + 12, (uint32_t)len);
		kl_put_le32(buf + 16, 3);
		kl_put_le32(buf + 24, 0);
		kl_put_le32(buf + 24, kl_crc32c(buf, len));
	}
	if (!strcmp(argv[1], "corrupt"))
		buf[len - 10] ^= 0xff;
	if (!strcmp(argv[1], "truncated"))
		len -= 16;
	if (!strcmp(argv[1], "version2")) {
		kl_put_le16(buf + 8, 2);
		kl_put_le32(buf + 24, 0);
		kl_put_le32(buf + 24, kl_crc32c(buf, len));
	}
	if (write_out(argv[2], buf, len))
		return 1;
	free(buf);
	kl_handoff_free(&t);
	return 0;
}
