/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /proc/iomem text, /sys/firmware/memmap entries, and placement in the
 * resulting free set. */
#include "lib/mem/memmap.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kl_memmap m = { 0 };
	struct kl_freeset f;
	char *s = malloc(size + 1), *fields[3];
	size_t i, k;

	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	if (kl_memmap_parse_iomem(s, size, &m, NULL) == 0 && kl_freeset_from_memmap(&f, &m) == 0) {
		for (i = 0; i + 8 <= size && i < 64; i += 8) {
			uint64_t start;
			struct kl_place_req req = {
				.size = (uint64_t)data[i] << (data[i + 1] % 40),
				.align = 1ULL << (data[i + 2] % 32),
				.min = (uint64_t)data[i + 3] << 24,
				.max = (uint64_t)data[i + 4] << 28,
				.top_down = data[i + 5] & 1,
			};

			if (kl_freeset_place(&f, &req, &start) == 0 &&
			    (start < req.min || (req.max && start + req.size > req.max)))
				abort();
		}
		kl_freeset_free(&f);
	}
	kl_memmap_free(&m);
	/* the same bytes as "start\0end\0type" of a firmware memmap entry */
	fields[0] = s;
	for (k = 1; k < 3; k++) {
		char *z = memchr(fields[k - 1], 0, size + 1 - (size_t)(fields[k - 1] - s));

		fields[k] = z && z < s + size ? z + 1 : s + size;
	}
	kl_memmap_add_firmware_entry(&m, fields[0], fields[1], fields[2], NULL);
	kl_memmap_free(&m);
	free(s);
	return 0;
}
