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

/* The tail the kernel clears itself: found from the section table, and
 * only when nothing but .bss, .brk and .init.scratch lies in it. */
static uint64_t cleared_of(const struct fx_elf_section *secs, size_t n)
{
	const struct fx_elf_load l[] = { { 0x1000000, 0x3000, 0x3000 }, { 0x2000000, 0x1000, 0x9000 } };
	size_t len;
	uint8_t *b = fx_elf_sections(l, 2, 0x1000000, secs, n, &len);
	struct kl_elf_image e;
	struct kl_err err = { { 0 } };

	if (kl_elf_parse(b, len, &e, &err) < 0)
		fail_msg("%s", err.msg);
	free(b);
	return e.cleared_vaddr;
}

static void finds_the_cleared_tail(void **state)
{
	const struct fx_elf_section kernel[] = {
		{ ".text", 0x1000000, 0x3000 }, { ".data", 0x2000000, 0x1000 }, { ".bss", 0x2001000, 0x2000 },
		{ ".brk", 0x2003000, 0x1000 }, { ".init.scratch", 0x2005000, 0x4000 },
	};
	const struct fx_elf_section stray[] = {
		{ ".data", 0x2000000, 0x1000 }, { ".bss", 0x2001000, 0x2000 }, { ".late", 0x2003000, 0x1000 },
	};
	const struct fx_elf_section no_bss[] = { { ".data", 0x2000000, 0x1000 } };
	const struct fx_elf_load l[] = { { 0x1000000, 0x3000, 0x3000 } };
	struct kl_elf_image e;
	size_t len;
	uint8_t *b;

	(void)state;
	assert_int_equal(cleared_of(kernel, KL_ARRAY_SIZE(kernel)), 0xffffffff82001000ULL);
	/* the tail's own sections alone */
	assert_int_equal(cleared_of(kernel + 2, 3), 0xffffffff82001000ULL);
	assert_int_equal(cleared_of(stray, KL_ARRAY_SIZE(stray)), 0);
	assert_int_equal(cleared_of(no_bss, KL_ARRAY_SIZE(no_bss)), 0);
	/* no section table at all */
	b = fx_elf(l, 1, 0x1000000, &len);
	assert_int_equal(kl_elf_parse(b, len, &e, NULL), 0);
	assert_int_equal(e.cleared_vaddr, 0);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_vmlinux_like_image),
		cmocka_unit_test(refuses_bad_images),
		cmocka_unit_test(truncations_are_safe),
		cmocka_unit_test(finds_the_cleared_tail),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
