/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: write handoff tables for tests/handoff-reader.test.
 *   mkhandoff KIND FILE    KIND: good, corrupt, truncated, version2, baddigest
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <string.h>

#include "kexec/handoff.h"
#include "kexec/util.h"
#include "purgatory/crc32c.h"

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
	FILE *f;

	if (argc != 3)
		return 2;
	strcpy(r.name, "vm-ram");
	strcpy(b.name, "nic0");
	strcpy(b.kind, "device");
	EVP_Digest(state, sizeof(state) - 1, b.sha256, NULL, EVP_sha256(), NULL);
	if (!strcmp(argv[1], "baddigest"))
		b.sha256[0] ^= 1;
	if (kl_handoff_add(&t, &r, NULL) || kl_handoff_add(&t, &b, NULL) || kl_handoff_encode(&t, &p, &len, NULL))
		return 1;
	buf = p;
	if (!strcmp(argv[1], "corrupt"))
		buf[len - 10] ^= 0xff;
	if (!strcmp(argv[1], "truncated"))
		len -= 16;
	if (!strcmp(argv[1], "version2")) {
		kl_put_le16(buf + 8, 2);
		kl_put_le32(buf + 24, 0);
		kl_put_le32(buf + 24, kl_crc32c(buf, len));
	}
	f = fopen(argv[2], "wb");
	if (!f || fwrite(buf, 1, len, f) != len || fclose(f))
		return 1;
	return 0;
}
