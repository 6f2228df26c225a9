/* SPDX-License-Identifier: GPL-2.0-or-later */
/* bzImage setup header (whole file, and head only), then its payload's
 * decompression, capped. */
#include "lib/format/bzimage.h"
#include "lib/format/decompress.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kl_bzimage z;
	void *out;
	size_t outlen, trailing;
	enum kl_comp c;

	/* kexec_file_load's pre-check sees only the head of the file: its
	 * reads must stay inside it whatever the header claims */
	if (size > 1024) {
		size_t head = 1024 + data[0] * 4;
		uint8_t *h = malloc(head); /* exactly head bytes, so ASan sees any overread */

		if (h) {
			memcpy(h, data, head < size ? head : size);
			(void)kl_bzimage_parse_head(h, head < size ? head : size, size, &z, NULL);
			free(h);
		}
	}
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
