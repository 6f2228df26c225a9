/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Every decompressor on arbitrary bytes, the output capped at 8 MiB.  The
 * input is used as is (its magic picks the format), so seeds of each
 * format lead the fuzzer into each decoder. */
#include "lib/format/decompress.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	enum kl_comp c = kl_comp_detect(data, size);
	void *out;
	size_t outlen, trailing;

	if (c == KL_COMP_NONE)
		return 0;
	if (kl_decompress(c, data, size, 8 << 20, &out, &outlen, &trailing, NULL) == 0) {
		if (outlen > (8 << 20) || trailing > size)
			abort();
		free(out);
	}
	return 0;
}
