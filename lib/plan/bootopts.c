/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "lib/plan/bootopts.h"

const char *kl_verify_name(enum kl_verify v)
{
	switch (v) {
	case KL_VERIFY_SHA256:
		return "sha256";
	case KL_VERIFY_CRC32C:
		return "crc32c";
	case KL_VERIFY_XXH64:
		return "xxh64";
	default:
		return "none";
	}
}

int kl_verify_by_name(const char *name, enum kl_verify *ret)
{
	static const enum kl_verify all[] = { KL_VERIFY_SHA256, KL_VERIFY_CRC32C, KL_VERIFY_XXH64, KL_VERIFY_NONE };
	size_t i;

	for (i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (!strcmp(name, kl_verify_name(all[i]))) {
			*ret = all[i];
			return 0;
		}
	return -EINVAL;
}
