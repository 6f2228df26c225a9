/* SPDX-License-Identifier: GPL-2.0-or-later */
/* vmcore-dmesg's reader: whatever the file says, it finishes, reads only
 * inside the file, and fails with a reason or prints lines. */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/format/vmcore.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct buf {
	const uint8_t *p;
	size_t len;
	size_t written;
};

static int rd(void *ctx, void *out, size_t len, uint64_t off)
{
	struct buf *b = ctx;

	if (off > b->len || len > b->len - off)
		return -ENODATA;
	memcpy(out, b->p + off, len);
	return 0;
}

static int wr(void *ctx, const void *p, size_t len)
{
	struct buf *b = ctx;

	(void)p;
	b->written += len;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct buf b = { .p = data, .len = size };
	struct kl_vmcore_io io = { .pread = rd, .write = wr, .ctx = &b };
	struct kl_vmcore_stats st;
	struct kl_err err = { { 0 } };

	if (kl_vmcore_dmesg(&io, &st, &err) < 0) {
		if (!err.msg[0])
			abort();
	} else if (st.records && !b.written) {
		abort();
	}
	return 0;
}
