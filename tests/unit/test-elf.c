/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ELF vmlinux probing and validation through libelf. */
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lib/base/util.h"
#include "lib/format/elf.h"

static void parses_vmlinux_like_image(void **state)
{
	const struct fx_elf_load l[] = {
		{ 0x1000000, 0x3000, 0x3000 }, { 0x2000000, 0x1000, 0x5000 },
	};
	size_t len;
	uint8_t *b = fx_elf(l, 2, 0x1000000, &len);
	struct kl_elf_image e;
	struct kl_err err = { { 0 } };

	(void)state;
	assert_true(kl_elf_probe(b, len));
	if (kl_elf_parse(b, len, &e, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(e.nr_loads, 2);
	assert_int_equal(e.entry, 0x1000000);
	assert_int_equal(e.load[1].paddr, 0x2000000);
	assert_int_equal(e.load[1].memsz, 0x5000);
	assert_int_equal(e.load[1].offset, 0x4000);
	free(b);
}

static void expect_refused(const uint8_t *b, size_t len, const char *needle)
{
	struct kl_elf_image e;
	struct kl_err err = { { 0 } };

	if (kl_elf_parse(b, len, &e, &err) == 0)
		fail_msg("accepted; wanted '%s'", needle);
	if (!strstr(err.msg, needle))
		fail_msg("message '%s' lacks '%s'", err.msg, needle);
}

static void refuses_bad_images(void **state)
{
	const struct fx_elf_load two[] = { { 0x1000000, 0x2000, 0x2000 }, { 0x1001000, 0x1000, 0x1000 } };
	const struct fx_elf_load one[] = { { 0x1000000, 0x2000, 0x2000 } };
	const struct fx_elf_load wrap[] = { { 0xfffffffffffff000ULL, 0x1000, 0x2000 } };
	size_t len;
	uint8_t *b;

	(void)state;
	b = fx_elf(two, 2, 0x1000000, &len);
	expect_refused(b, len, "overlap");
	free(b);

	b = fx_elf(one, 1, 0x5000000, &len);
	expect_refused(b, len, "entry point");
	free(b);

	b = fx_elf(wrap, 1, 0xfffffffffffff000ULL, &len);
	expect_refused(b, len, "physical range");
	free(b);

	b = fx_elf(one, 1, 0x1000000, &len);
	kl_put_le64(b + 64 + 32, 0x100000); /* filesz beyond the file */
	kl_put_le64(b + 64 + 40, 0x100000);
	expect_refused(b, len, "outside the file");
	free(b);

	b = fx_elf(one, 1, 0x1000000, &len);
	kl_put_le64(b + 64 + 40, 0x10); /* memsz < filesz */
	expect_refused(b, len, "exceeds memory size");
	free(b);

	b = fx_elf(one, 1, 0x1000000, &len);
	kl_put_le16(b + 18, 3); /* EM_386 */
	expect_refused(b, len, "not for x86_64");
	free(b);

	b = fx_elf(one, 1, 0x1000000, &len);
	b[4] = 1; /* ELFCLASS32 */
	expect_refused(b, len, "64-bit");
	free(b);

	b = fx_elf(one, 1, 0x1000000, &len);
	kl_put_le16(b + 16, 3); /* ET_DYN */
	expect_refused(b, len, "not an executable");
	free(b);

	b = fx_elf(one, 1, 0x1000000, &len);
	expect_refused(b, 40, "");
	expect_refused((const uint8_t *)"nope", 4, "not an ELF");
	free(b);
}

static void truncations_are_safe(void **state)
{
	const struct fx_elf_load l[] = { { 0x1000000, 0x800, 0x1000 } };
	size_t len, n;
	uint8_t *b = fx_elf(l, 1, 0x1000000, &len);

	(void)state;
	for (n = 0; n < len; n += 13) {
		uint8_t *c = malloc(n ? n : 1);
		struct kl_elf_image e;

		memcpy(c, b, n);
		assert_int_not_equal(kl_elf_parse(c, n, &e, NULL), 0);
		free(c);
	}
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_vmlinux_like_image),
		cmocka_unit_test(refuses_bad_images),
		cmocka_unit_test(truncations_are_safe),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
