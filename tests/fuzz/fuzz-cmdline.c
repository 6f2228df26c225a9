/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Command-line assembly: reused text, given text and the size limit. */
#include "lib/plan/cmdline.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *s, *given, *out;
	size_t max;

	if (size < 2)
		return 0;
	max = (size_t)data[0] * 16;
	s = malloc(size);
	if (!s)
		return 0;
	memcpy(s, data + 1, size - 1);
	s[size - 1] = 0;
	given = s + strlen(s);
	if (given < s + size - 1)
		given++;
	if (kl_cmdline_build(s, given, max, &out, NULL) == 0) {
		if (strlen(out) > max)
			abort();
		free(out);
	}
	free(s);
	return 0;
}
