/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The setup-header parser: good headers and each way a header can be bad. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lib/arch/x86/bootparam.h"
#include "lib/base/util.h"
#include "lib/format/bzimage.h"
#include "lib/format/payload.h"

static void parses_good_header(void **state)
{
	size_t len;
	uint8_t *b = fx_bzimage(&(struct fx_bzimage_opts){ 0 }, &len);
	struct kl_bzimage z;
	struct kl_err err = { { 0 } };

	(void)state;
	assert_true(kl_bzimage_probe(b, len));
	assert_int_equal(kl_bzimage_parse(b, len, &z, &err), 0);
	assert_int_equal(z.version, 0x020f);
	assert_int_equal(z.setup_len, 1024);
	assert_int_equal(z.kernel_len, len - 1024);
	assert_ptr_equal(z.kernel, b + 1024);
	assert_int_equal(z.kernel_alignment, 0x200000);
	assert_int_equal(z.init_size, 32 << 20);
	assert_int_equal(z.pref_address, 0x1000000);
	assert_int_equal(z.cmdline_size, 2047);
	assert_true(z.relocatable);
	assert_int_equal(z.hdr_end, KL_HDR_KERNEL_INFO_OFFSET + 4);
	assert_string_equal(z.kernel_version, "6.1.0-test (fixture) #1");
	free(b);
}

static void setup_sects_zero_means_four(void **state)
{
	size_t len;
	uint8_t *b = fx_bzimage(&(struct fx_bzimage_opts){ .kernel_len = 8192 }, &len);
	struct kl_bzimage z;

	(void)state;
	b[KL_HDR_SETUP_SECTS] = 0;
	assert_int_equal(kl_bzimage_parse(b, len, &z, NULL), 0);
	assert_int_equal(z.setup_len, 5 * 512);
	free(b);
}

/* Each bad input, the errno and a word the message must contain. */
struct bad_case {
	const char *name;
	void (*mutate)(uint8_t *b, size_t *len);
	const char *needle;
};

static void m_empty(uint8_t *b, size_t *len) { (void)b; *len = 0; }
static void m_truncated(uint8_t *b, size_t *len) { (void)b; *len = 0x220; }
static void m_magic(uint8_t *b, size_t *len) { (void)len; b[KL_HDR_HEADER] = 'X'; }
static void m_bootflag(uint8_t *b, size_t *len) { (void)len; b[KL_HDR_BOOT_FLAG] = 0; }
static void m_old(uint8_t *b, size_t *len) { (void)len; kl_put_le16(b + KL_HDR_VERSION, 0x020b); }
static void m_32bit(uint8_t *b, size_t *len) { (void)len; kl_put_le16(b + KL_HDR_XLOADFLAGS, 0); }
static void m_payload(uint8_t *b, size_t *len) { (void)len; kl_put_le32(b + KL_HDR_PAYLOAD_LENGTH, 0xfffff000); }
static void m_payload_wrap(uint8_t *b, size_t *len)
{
	(void)len;
	kl_put_le32(b + KL_HDR_PAYLOAD_OFFSET, 0xffffff00);
	kl_put_le32(b + KL_HDR_PAYLOAD_LENGTH, 0x200);
}
static void m_init_small(uint8_t *b, size_t *len) { (void)len; kl_put_le32(b + KL_HDR_INIT_SIZE, 0x1000); }
static void m_align(uint8_t *b, size_t *len) { (void)len; kl_put_le32(b + KL_HDR_KERNEL_ALIGNMENT, 0x3000); }
static void m_setup_sects(uint8_t *b, size_t *len) { (void)len; b[KL_HDR_SETUP_SECTS] = 0xff; }
static void m_hdr_len(uint8_t *b, size_t *len) { (void)len; b[0x201] = 0x10; }
static void m_zimage(uint8_t *b, size_t *len) { (void)len; b[KL_HDR_LOADFLAGS] = 0; }

static const struct bad_case bad_cases[] = {
	{ "empty file", m_empty, "not a bzImage" },
	{ "truncated setup header", m_truncated, "truncated setup header" },
	{ "wrong magic", m_magic, "not a bzImage" },
	{ "no boot flag", m_bootflag, "not a bzImage" },
	{ "protocol too old", m_old, "too old" },
	{ "32-bit only", m_32bit, "32-bit-only" },
	{ "payload outside the file", m_payload, "payload" },
	{ "payload offset wraps", m_payload_wrap, "payload" },
	{ "init_size below the kernel", m_init_small, "init_size" },
	{ "alignment not a power of two", m_align, "kernel_alignment" },
	{ "setup larger than the file", m_setup_sects, "setup code" },
	{ "header length too short", m_hdr_len, "setup header length" },
	{ "zImage", m_zimage, "zImage" },
};

static void rejects_bad_headers(void **state)
{
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(bad_cases); i++) {
		size_t len;
		uint8_t *b = fx_bzimage(&(struct fx_bzimage_opts){ .kernel_len = 8192 }, &len);
		struct kl_bzimage z;
		struct kl_err err = { { 0 } };

		bad_cases[i].mutate(b, &len);
		if (kl_bzimage_parse(b, len, &z, &err) != -ENOEXEC)
			fail_msg("%s: accepted", bad_cases[i].name);
		if (!strstr(err.msg, bad_cases[i].needle))
			fail_msg("%s: message '%s' lacks '%s'", bad_cases[i].name, err.msg, bad_cases[i].needle);
		free(b);
	}
}

static void every_prefix_is_refused_or_parsed_safely(void **state)
{
	size_t len, n;
	uint8_t *b = fx_bzimage(&(struct fx_bzimage_opts){ .kernel_len = 4096 }, &len);

	(void)state;
	/* Each truncation either fails cleanly or parses within bounds
	 * (run under ASan/valgrind this also proves no read past n). */
	for (n = 0; n <= len; n += 7) {
		uint8_t *copy = malloc(n ? n : 1);
		struct kl_bzimage z;

		memcpy(copy, b, n);
		if (kl_bzimage_parse(copy, n, &z, NULL) == 0)
			assert_true(z.setup_len + z.kernel_len == n);
		free(copy);
	}
	free(b);
}

/* The head of a file (kexec_file_load's pre-check) gives the same answer
 * as the whole file, without the protected-mode part. */
static void head_parses_like_the_whole_file(void **state)
{
	size_t len;
	uint8_t *b = fx_bzimage(&(struct fx_bzimage_opts){ .kernel_len = 4u << 20 }, &len);
	struct kl_bzimage full, head;
	struct kl_err err = { { 0 } };

	(void)state;
	assert_true(len > KL_BZIMAGE_HEAD_MAX);
	assert_int_equal(kl_bzimage_parse(b, len, &full, NULL), 0);
	assert_int_equal(kl_bzimage_parse_head(b, KL_BZIMAGE_HEAD_MAX, len, &head, NULL), 0);
	assert_null(head.kernel);
	assert_non_null(full.kernel);
	assert_int_equal(head.kernel_len, full.kernel_len);
	assert_int_equal(head.payload_offset, full.payload_offset);
	assert_int_equal(head.init_size, full.init_size);
	assert_string_equal(head.kernel_version, full.kernel_version);
	/* a payload beyond the file is still seen from the head alone */
	kl_put_le32(b + KL_HDR_PAYLOAD_LENGTH, 0xfffff000);
	assert_int_equal(kl_bzimage_parse_head(b, KL_BZIMAGE_HEAD_MAX, len, &head, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "outside"));
	/* the head must hold the setup code */
	b[KL_HDR_SETUP_SECTS] = 0xff;
	assert_int_equal(kl_bzimage_parse_head(b, 4096, len, &head, NULL), -EINVAL);
	assert_int_equal(kl_bzimage_parse_head(b, 100, len, &head, NULL), -EINVAL);
	free(b);
}

/* The payload pipeline kexec --preload-decompressed and kexec-preload stage
 * share: what it refuses, and a gzip'd ELF out of a bzImage. */
static void payload_pipeline(void **state)
{
	struct fx_elf_load ld = { .paddr = 0x1000000, .filesz = 8192, .memsz = 12288 };
	size_t elf_len, gz_len, len, out_len;
	uint8_t *elf = fx_elf(&ld, 1, 0x1000000, &elf_len);
	uint8_t *gz = fx_gzip(elf, elf_len, &gz_len);
	uint8_t junk[64] = { 0 };
	struct kl_err err = { { 0 } };
	struct kl_bzimage z;
	struct kl_elf_image e;
	enum kl_comp c = KL_COMP_NONE;
	void *out = NULL;
	uint8_t *b;

	(void)state;
	b = fx_bzimage(&(struct fx_bzimage_opts){ .relocatable = 0xff, .payload = gz, .payload_len = gz_len }, &len);
	assert_int_equal(kl_bzimage_parse(b, len, &z, &err), 0);
	assert_int_equal(kl_payload_check(&z, KL_COMP_NONE, &c, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "not relocatable"));
	free(b);

	memset(&err, 0, sizeof(err));
	b = fx_bzimage(&(struct fx_bzimage_opts){ .payload = junk, .payload_len = sizeof(junk),
						  .payload_length = sizeof(junk) }, &len);
	assert_int_equal(kl_bzimage_parse(b, len, &z, &err), 0);
	assert_int_equal(kl_payload_check(&z, KL_COMP_NONE, &c, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "compression is not recognised"));
	free(b);

	memset(&err, 0, sizeof(err));
	b = fx_bzimage(&(struct fx_bzimage_opts){ .payload = gz, .payload_len = gz_len,
						  .payload_length = (uint32_t)gz_len }, &len);
	assert_int_equal(kl_bzimage_parse(b, len, &z, &err), 0);
	assert_int_equal(kl_payload_check(&z, KL_COMP_NONE, &c, &err), 0);
	assert_int_equal(c, KL_COMP_GZIP);
	assert_int_equal(kl_payload_decompress(&z, c, &out, &out_len, &e, &err), 0);
	assert_int_equal(out_len, elf_len);
	assert_memory_equal(out, elf, elf_len);
	assert_int_equal(e.nr_loads, 1);
	assert_int_equal(e.entry, 0x1000000);
	free(out);
	/* a payload that decompresses to something else is not a kernel */
	assert_int_equal(kl_payload_parse(junk, sizeof(junk), KL_COMP_GZIP, &e, &err), -ENOEXEC);
	assert_non_null(strstr(err.msg, "the gzip payload is not a kernel ELF"));
	free(b);
	free(gz);
	free(elf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parses_good_header),
		cmocka_unit_test(payload_pipeline),
		cmocka_unit_test(setup_sects_zero_means_four),
		cmocka_unit_test(rejects_bad_headers),
		cmocka_unit_test(head_parses_like_the_whole_file),
		cmocka_unit_test(every_prefix_is_refused_or_parsed_safely),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
