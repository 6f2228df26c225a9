/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The timeline record (/sys/kernel/boot_params/setup_data/N/data of type
 * KLTL), /dev/kmsg records, the kernel's TSC calibration lines, the marks
 * file's lines and the advice read from a log: whatever the bytes, a
 * decode fails with a reason or yields a record whose stamps are known and
 * in order; a kmsg record's text lies inside the bytes; a calibration
 * line gives a positive rate or none; a mark has a valid name; advice,
 * when there is any, cites lines of the log it was given; a chain's
 * timeline history that decodes lays out again to the same bytes, and
 * each of its entries' marks make that entry again; an exec stamp that
 * decodes lays out again to its bytes. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/util.h"
#include "lib/timeline/advice.h"
#include "lib/timeline/bootlog.h"
#include "lib/timeline/history.h"
#include "lib/timeline/timeline.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kl_err err = { { 0 } };
	struct kl_timeline t;
	static struct kl_log_line lines[512];
	struct kl_boot_log log = { .line = lines };
	struct kl_advice adv[KL_ADVICE_MAX];
	char name[KL_MARK_NAME_MAX + 1];
	struct kl_log_line l;
	uint64_t tsc, last = 0;
	double mhz = 0;
	size_t n, i, k, off;

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
	if (kl_kmsg_parse((const char *)data, size, &l) == 0 &&
	    (l.text < (const char *)data || l.text + l.len > (const char *)data + size || memchr(l.text, '\n', l.len) ||
	     l.level < 0 || l.level > 7))
		abort();
	if (kl_user_mark_parse((const char *)data, size, &tsc, name) == 0 && !kl_mark_name_ok(name, strlen(name)))
		abort();
	/* the bytes as a log, a record a line, and the advice on it */
	for (off = 0; off < size && log.n < KL_ARRAY_SIZE(lines);) {
		const uint8_t *nl = memchr(data + off, '\n', size - off);
		size_t end = nl ? (size_t)(nl - data) : size;

		if (kl_kmsg_parse((const char *)data + off, end - off, &lines[log.n]) == 0)
			log.n++;
		off = end + 1;
	}
	kl_advise(&log, adv, KL_ARRAY_SIZE(adv), &n);
	for (i = 0; i < n; i++) {
		if (!adv[i].n_evidence || !adv[i].what[0] || !adv[i].change[0])
			abort();
		for (k = 0; k < adv[i].n_evidence; k++)
			if (adv[i].evidence[k] < 0 || (size_t)adv[i].evidence[k] >= log.n)
				abort();
	}
	/* a history that decodes is exactly what its entries lay out */
	{
		static struct kl_tlh_entry hist[KL_TLH_ENTRIES_MAX];
		static uint8_t again[KL_TLH_SIZE_MAX];
		size_t hn = 0, hlen = 0;

		err.msg[0] = 0;
		if (kl_tlh_decode(data, size, hist, &hn, &err) < 0) {
			if (!err.msg[0])
				abort();
		} else if (hn > KL_TLH_ENTRIES_MAX || kl_tlh_encode(hist, hn, again, sizeof(again), &hlen) < 0 ||
			   hlen != size || memcmp(again, data, size)) {
			abort();
		}
		/* and each entry's marks make the same entry again */
		for (i = 0; i < hn; i++) {
			struct kl_timeline ht = { .check = (enum kl_tl_check)hist[i].check,
						  .checked_bytes = hist[i].checked_bytes };
			static struct kl_tl_marks hm;
			struct kl_tlh_entry e;

			kl_tlh_entry_marks(&hist[i], &hm);
			if (kl_tlh_entry_make(hist[i].release, &ht, &hm, &e) < 0 || strcmp(e.release, hist[i].release) ||
			    e.present != hist[i].present || e.check != hist[i].check ||
			    e.checked_bytes != hist[i].checked_bytes)
				abort();
			for (k = 0; k < KL_TLH_MARKS_MAX; k++)
				if ((e.present & 1U << k) && e.usec[k] != hist[i].usec[k])
					abort();
		}
	}
	/* an exec stamp that decodes is one with a TSC, laid out again the same */
	{
		uint8_t again[sizeof(struct kl_xs_record)];

		if (kl_xs_decode(data, size, &tsc, NULL) == 0) {
			kl_xs_encode(tsc, again);
			if (!tsc || memcmp(again, data, sizeof(again)))
				abort();
		}
	}
	/* the kernel's calibration lines: a rate, positive, or none */
	if (kl_tsc_mhz_from_log((const char *)data, size, &mhz) && !(mhz > 0))
		abort();
	return 0;
}
