/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The timeline record (/sys/kernel/boot_params/setup_data/N/data of type
 * KLTL), /dev/kmsg records and the kernel's TSC calibration lines:
 * whatever the bytes, a decode fails with a reason or yields a record
 * whose stamps are known and in order; a kmsg record's text lies inside
 * the bytes; a calibration line gives a positive rate or none. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/timeline/timeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kl_err err = { { 0 } };
	struct kl_timeline t;
	const char *text;
	uint64_t us, last = 0;
	double mhz = 0;
	size_t n, i;

	if (kl_timeline_decode(data, size, &t, &err) < 0) {
		if (!err.msg[0])
			abort();
	} else {
		if (t.check >= KL_TL_CHECK_MAX || (t.stamped >> KL_TL_STAMPS_MAX))
			abort();
		for (i = 0; i < KL_TL_STAMPS_MAX; i++) {
			if (!(t.stamped & (1U << i)))
				continue;
			if (t.stamp[i] < last)
				abort();
			last = t.stamp[i];
		}
	}
	if (kl_kmsg_parse((const char *)data, size, &us, &text, &n) == 0 &&
	    (text < (const char *)data || text + n > (const char *)data + size || memchr(text, '\n', n)))
		abort();
	/* the kernel's calibration lines: a rate, positive, or none */
	if (kl_tsc_mhz_from_log((const char *)data, size, &mhz) && !(mhz > 0))
		abort();
	return 0;
}
