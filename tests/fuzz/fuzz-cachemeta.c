/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The preload cache's meta parser; what it accepts must format back to
 * the same bytes. */
#include "lib/cache/cache.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kl_cache_entry e;
	char *again;

	if (kl_cache_meta_parse((const char *)data, size, &e, NULL) != 0)
		return 0;
	if (kl_cache_meta_format(&e, &again) == 0) {
		if (strlen(again) != size || memcmp(again, data, size) != 0)
			abort();
		free(again);
	}
	return 0;
}
