/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Initramfs flattening on arbitrary bytes: walking concatenated cpio
 * archives (newc headers, names, padding, TRAILER!!!), zero padding
 * between members, and compressed members of every format, the output
 * capped at 16 MiB.  Seeds: a plain archive, a Debian-style early archive
 * followed by a compressed one, and each compression. */
#include "lib/format/initramfs.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kl_initramfs_stats st;
	void *out;
	size_t outlen;

	if (kl_initramfs_flatten(data, size, 16 << 20, &out, &outlen, &st, NULL) == 0) {
		if (outlen > (16 << 20))
			abort();
		free(out);
	}
	return 0;
}
