/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unified kernel images: whatever the bytes, a parse fails with a reason
 * or yields sections that lie inside the buffer and do not overlap. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/format/uki.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void inside(const struct kl_slice *s, const uint8_t *data, size_t size)
{
	if (s->len && (s->p < data || s->len > size || s->p > data + size - s->len))
		abort();
}

static void apart(const struct kl_slice *a, const struct kl_slice *b)
{
	if (a->len && b->len && a->p < b->p + b->len && b->p < a->p + a->len)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kl_err err = { { 0 } };
	struct kl_uki u;

	if (kl_uki_parse(data, size, &u, &err) < 0) {
		if (!err.msg[0])
			abort();
		return 0;
	}
	if (!u.linux_.len)
		abort();
	inside(&u.linux_, data, size);
	inside(&u.initrd, data, size);
	inside(&u.cmdline, data, size);
	apart(&u.linux_, &u.initrd);
	apart(&u.linux_, &u.cmdline);
	apart(&u.initrd, &u.cmdline);
	if (u.cmdline.len && memchr(u.cmdline.p, '\0', u.cmdline.len))
		abort();
	return 0;
}
