/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The handoff table codec: round trip, and every kind of damage refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lib/base/util.h"
#include "lib/handoff/handoff.h"
#include "purgatory/crc32c.h"

static const uint8_t state[] = "device state: 17 queues, 3 pending";

static void sample(struct kl_handoff *t)
{
	struct kl_ho_entry r = { .type = KL_HO_REGION, .start = 1ULL << 30, .size = 64ULL << 20,
				 .keep = KL_HO_KEEP_PMEM, .digest_alg = KL_HO_DIGEST_SHA256 };
	struct kl_ho_entry b = { .type = KL_HO_BLOB, .storage = KL_HO_INLINE, .len = sizeof(state),
				 .data = state, .digest_alg = KL_HO_DIGEST_SHA256 };
	struct kl_ho_entry m = { .type = KL_HO_BLOB, .storage = KL_HO_IN_MEMORY, .phys = 0x7f000000,
				 .len = 1 << 20 };

	*t = (struct kl_handoff){ 0 };
	snprintf(r.name, sizeof(r.name), "vm-ram");
	memset(r.sha256, 0xab, 32);
	snprintf(b.name, sizeof(b.name), "nic0");
	snprintf(b.kind, sizeof(b.kind), "device");
	memset(b.sha256, 0xcd, 32);
	snprintf(m.name, sizeof(m.name), "vmm-state");
	snprintf(m.kind, sizeof(m.kind), "vmm");
	assert_int_equal(kl_handoff_add(t, &r, NULL), 0);
	assert_int_equal(kl_handoff_add(t, &b, NULL), 0);
	assert_int_equal(kl_handoff_add(t, &m, NULL), 0);
}

static void round_trip(void **st)
{
	struct kl_handoff t, back;
	void *buf;
	size_t len;

	(void)st;
	sample(&t);
	assert_int_equal(kl_handoff_encode(&t, &buf, &len, NULL), 0);
	assert_int_equal(len % 8, 0);
	assert_memory_equal(buf, "KLHANDOF", 8);
	assert_int_equal(kl_handoff_decode(buf, len, &back, NULL), 0);
	assert_int_equal(back.n, 3);
	assert_string_equal(back.e[0].name, "vm-ram");
	assert_int_equal(back.e[0].start, 1ULL << 30);
	assert_int_equal(back.e[0].size, 64ULL << 20);
	assert_int_equal(back.e[0].keep, KL_HO_KEEP_PMEM);
	assert_memory_equal(back.e[0].sha256, t.e[0].sha256, 32);
	assert_string_equal(back.e[1].kind, "device");
	assert_int_equal(back.e[1].len, sizeof(state));
	assert_memory_equal(back.e[1].data, state, sizeof(state));
	assert_true(back.e[1].data >= (const uint8_t *)buf && back.e[1].data < (const uint8_t *)buf + len);
	assert_int_equal(back.e[2].storage, KL_HO_IN_MEMORY);
	assert_int_equal(back.e[2].phys, 0x7f000000);
	kl_handoff_free(&back);
	kl_handoff_free(&t);
	free(buf);
}

static void reseal(uint8_t *b, size_t len)
{
	kl_put_le32(b + 24, 0);
	kl_put_le32(b + 24, kl_crc32c(b, len));
}

static void damage_is_refused(void **st)
{
	struct kl_handoff t, back;
	struct kl_err err = { { 0 } };
	uint8_t *b;
	void *buf;
	size_t len, i;

	(void)st;
	sample(&t);
	assert_int_equal(kl_handoff_encode(&t, &buf, &len, NULL), 0);
	b = buf;
	/* every truncation */
	for (i = 0; i < len; i++)
		assert_int_not_equal(kl_handoff_decode(b, i, &back, NULL), 0);
	/* every changed byte: the checksum catches it */
	for (i = 0; i < len; i++) {
		b[i] ^= 0x40;
		if (kl_handoff_decode(b, len, &back, NULL) == 0)
			fail_msg("accepted a change at offset %zu", i);
		b[i] ^= 0x40;
	}
	assert_int_equal(kl_handoff_decode(b, len, &back, &err), 0);
	kl_handoff_free(&back);
	/* a newer version, even with a right checksum */
	kl_put_le16(b + 8, 2);
	reseal(b, len);
	memset(&err, 0, sizeof(err));
	assert_int_equal(kl_handoff_decode(b, len, &back, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "version 2"));
	kl_put_le16(b + 8, 1);
	/* a record whose size leaves the table, resealed */
	kl_put_le32(b + 32 + 4, 0x1000);
	reseal(b, len);
	memset(&err, 0, sizeof(err));
	assert_int_equal(kl_handoff_decode(b, len, &back, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "bad size"));
	kl_handoff_free(&t);
	free(buf);
}

static void unknown_records(void **st)
{
	struct kl_handoff t, back;
	struct kl_err err = { { 0 } };
	uint8_t *b;
	void *buf;
	size_t len;

	(void)st;
	sample(&t);
	assert_int_equal(kl_handoff_encode(&t, &buf, &len, NULL), 0);
	b = buf;
	/* the first record becomes a kind from the future: skipped */
	kl_put_le16(b + 32, 99);
	reseal(b, len);
	assert_int_equal(kl_handoff_decode(b, len, &back, NULL), 0);
	assert_int_equal(back.n, 2);
	assert_int_equal(back.skipped, 1);
	kl_handoff_free(&back);
	/* ... unless marked critical */
	kl_put_le16(b + 34, KL_HO_REC_CRITICAL);
	reseal(b, len);
	assert_int_equal(kl_handoff_decode(b, len, &back, &err), -EPROTO);
	assert_non_null(strstr(err.msg, "critical type 99"));
	kl_handoff_free(&t);
	free(buf);
}

static void names_are_checked(void **st)
{
	struct kl_handoff t = { 0 };
	struct kl_ho_entry e = { .type = KL_HO_REGION, .start = 0x1000, .size = 0x1000, .keep = KL_HO_KEEP_RESERVED };

	(void)st;
	assert_int_equal(kl_handoff_add(&t, &e, NULL), -EINVAL); /* empty */
	snprintf(e.name, sizeof(e.name), "has space");
	assert_int_equal(kl_handoff_add(&t, &e, NULL), -EINVAL);
	memset(e.name, 'x', KL_HO_NAME_MAX);
	e.name[KL_HO_NAME_MAX] = 0;
	assert_int_equal(kl_handoff_add(&t, &e, NULL), 0);
	kl_handoff_free(&t);
}

/* Records are found by name: a table with two of one name is refused (a
 * reader would pick one, and kexec re-published both). */
static void one_record_per_name(void **st)
{
	struct kl_handoff t, back;
	struct kl_err err = { { 0 } };
	void *buf;
	size_t len;

	(void)st;
	sample(&t);
	snprintf(t.e[2].name, sizeof(t.e[2].name), "vm-ram");
	assert_int_equal(kl_handoff_encode(&t, &buf, &len, NULL), 0);
	assert_int_equal(kl_handoff_decode(buf, len, &back, &err), -EBADMSG);
	assert_non_null(strstr(err.msg, "two records named 'vm-ram'"));
	free(buf);
	kl_handoff_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(damage_is_refused),
		cmocka_unit_test(unknown_records),
		cmocka_unit_test(names_are_checked),
		cmocka_unit_test(one_record_per_name),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
