/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "lib/plan/bootopts.h"

const char *kl_verify_name(enum kl_verify v)
{
	switch (v) {
	case KL_VERIFY_SHA256:
		return "sha256";
	case KL_VERIFY_CRC32C:
		return "crc32c";
	default:
		return "none";
	}
}
