/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bzImage setup header, then its payload's decompression, capped. */
#include "kexec/bzimage.h"
#include "kexec/decompress.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kl_bzimage z;
	void *out;
	size_t outlen, trailing;
	enum kl_comp c;

	if (kl_bzimage_parse(data, size, &z, NULL) < 0 || !z.payload_length)
		return 0;
	c = kl_comp_detect(z.kernel + z.payload_offset, z.payload_length);
	if (c == KL_COMP_NONE)
		return 0;
	if (kl_decompress(c, z.kernel + z.payload_offset, z.payload_length, 4 << 20, &out, &outlen,
			  &trailing, NULL) == 0)
		free(out);
	return 0;
}
