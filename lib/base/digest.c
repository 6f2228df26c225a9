/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <openssl/evp.h>

#include "lib/base/digest.h"

int kl_digest_sha256(const void *buf, size_t len, uint8_t ret[KL_SHA256_LEN], struct kl_err *err)
{
	if (!EVP_Digest(buf, len, ret, NULL, EVP_sha256(), NULL))
		return kl_fail(err, -EIO, "OpenSSL SHA-256 failed");
	return 0;
}
