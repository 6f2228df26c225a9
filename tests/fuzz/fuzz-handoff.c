/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The handoff table decoder; what it accepts must encode and decode again
 * to the same entries. */
#include "lib/handoff/handoff.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kl_handoff t, again;
	void *buf;
	size_t len, i;

	if (kl_handoff_decode(data, size, &t, NULL) != 0)
		return 0;
	if (kl_handoff_encode(&t, &buf, &len, NULL) == 0) {
		if (kl_handoff_decode(buf, len, &again, NULL) != 0 || again.n != t.n)
			abort();
		for (i = 0; i < t.n; i++)
			if (strcmp(again.e[i].name, t.e[i].name) || again.e[i].len != t.e[i].len)
				abort();
		kl_handoff_free(&again);
		free(buf);
	}
	kl_handoff_free(&t);
	return 0;
}
