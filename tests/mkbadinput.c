/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Write the bad-input fixtures, one file per failure, named after it, into
 * DIR (tests/bad-input.test runs kexec on each).  Generated, not
 * committed: they derive from the synthetic images of tests/unit/images.c.
 *   mkbadinput DIR
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/arch/x86/bootparam.h"
#include "lib/base/util.h"
#include "tests/unit/images.h"

static const char *dir;

static void put(const char *name, const void *b, size_t n)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f || (n && fwrite(b, 1, n, f) != n) || fclose(f)) {
		perror(path);
		exit(1);
	}
}

/* The good payload image (gzip of a one-segment ELF), in memory. */
static void e_payload_image(uint8_t **ret, size_t *ret_len)
{
	const struct fx_elf_load good[] = { { 0x1000000, 0x2000, 0x2000 } };
	size_t len, zl;
	uint8_t *e = fx_elf(good, 1, 0x1000000, &len), *z = fx_gzip(e, len, &zl);

	*ret = fx_bzimage(&(struct fx_bzimage_opts){ .payload = z, .payload_len = zl }, ret_len);
	free(z);
	free(e);
}

/* A bzImage whose payload is gzip(content). */
static void payload_image(const char *name, const void *content, size_t n, int mangle)
{
	size_t zl, len;
	uint8_t *z = fx_gzip(content, n, &zl), *img;

	if (mangle == 1)
		z[zl / 2] ^= 0xff; /* corrupt */
	if (mangle == 2)
		zl = zl / 2; /* truncated */
	img = fx_bzimage(&(struct fx_bzimage_opts){ .payload = z, .payload_len = zl }, &len);
	put(name, img, len);
	free(img);
	free(z);
}

static void put_uki(const char *name, const struct fx_pe_section *secs, size_t n, size_t truncate)
{
	size_t len;
	uint8_t *u = fx_uki(secs, n, truncate, &len);

	put(name, u, len);
	free(u);
}

/* Unified kernel images: a good one (its .linux the good bzImage, which
 * carries a payload) and one per way the PE headers can lie. */
static void ukis(void)
{
	static const char cmdline[] = "console=ttyS0 kl.uki=1\n";
	size_t klen;
	uint8_t *k;

	e_payload_image(&k, &klen);
	{
		const struct fx_pe_section good[] = {
			{ .name = ".cmdline", .data = cmdline, .len = sizeof(cmdline) - 1 },
			{ .name = ".linux", .data = k, .len = klen },
			{ .name = ".initrd", .data = "not an initramfs", .len = 16 },
		};
		const struct fx_pe_section overlap[] = {
			{ .name = ".linux", .data = k, .len = klen },
			{ .name = ".initrd", .data = "x", .len = 1, .raw_off = 0x400, .raw_size = 0x200 },
		};
		const struct fx_pe_section none[] = {
			{ .name = ".text", .data = k, .len = klen },
			{ .name = ".cmdline", .data = cmdline, .len = sizeof(cmdline) - 1 },
		};
		const struct fx_pe_section junk[] = { { .name = ".linux", .data = "no kernel at all", .len = 16 } };

		put_uki("uki-good", good, 3, 0);
		put_uki("uki-truncated-headers", good, 3, 0x90);
		put_uki("uki-section-outside-file", good, 3, 0x400 + 0x200 + klen / 2);
		put_uki("uki-overlapping-sections", overlap, 2, 0);
		put_uki("uki-no-linux", none, 2, 0);
		put_uki("uki-linux-not-a-kernel", junk, 1, 0);
	}
	free(k);
}

int main(int argc, char **argv)
{
	const struct fx_elf_load good[] = { { 0x1000000, 0x2000, 0x2000 } };
	const struct fx_elf_load overlap[] = { { 0x1000000, 0x2000, 0x2000 }, { 0x1001000, 0x1000, 0x1000 } };
	struct fx_elf_load many[15];
	size_t len, i;
	uint8_t *b, *e;

	if (argc != 2) {
		fprintf(stderr, "usage: mkbadinput DIR\n");
		return 2;
	}
	dir = argv[1];
	put("empty", "", 0);

	b = fx_bzimage(&(struct fx_bzimage_opts){ .kernel_len = 8192 }, &len);
	put("good-bzimage", b, len);
	put("truncated-setup-header", b, 0x220);
	b[KL_HDR_HEADER] = 'X';
	put("wrong-magic", b, len);
	free(b);

	b = fx_bzimage(&(struct fx_bzimage_opts){ .kernel_len = 8192, .version = 0x020a }, &len);
	put("protocol-too-old", b, len);
	free(b);
	b = fx_bzimage(&(struct fx_bzimage_opts){ .kernel_len = 8192, .xloadflags = 0x100 }, &len);
	kl_put_le16(b + KL_HDR_XLOADFLAGS, 0);
	put("32bit-only-kernel", b, len);
	free(b);
	b = fx_bzimage(&(struct fx_bzimage_opts){ .kernel_len = 8192, .payload_length = 0x100000 }, &len);
	put("payload-outside-file", b, len);
	free(b);

	e = fx_elf(good, 1, 0x1000000, &len);
	payload_image("good-payload-image", e, len, 0);
	{
		/* 32 MiB to decompress: staging takes long enough for a
		 * file to change meanwhile (tests/faults.test) */
		const struct fx_elf_load large[] = { { 0x1000000, 32u << 20, 32u << 20 } };
		size_t llen;
		uint8_t *l = fx_elf(large, 1, 0x1000000, &llen);

		payload_image("large-payload-image", l, llen, 0);
		free(l);
	}
	payload_image("corrupt-payload", e, len, 1);
	payload_image("truncated-payload", e, len, 2);
	free(e);
	payload_image("payload-not-elf", "just some text, no ELF header here at all", 42, 0);
	e = fx_elf(overlap, 2, 0x1000000, &len);
	payload_image("payload-elf-overlapping-segments", e, len, 0);
	free(e);
	e = fx_elf(good, 1, 0x1000000, &len);
	kl_put_le64(e + 64 + 32, 0x4000000); /* filesz past the end of the file */
	kl_put_le64(e + 64 + 40, 0x4000000);
	payload_image("payload-elf-segment-out-of-range", e, len, 0);
	free(e);
	{
		/* 80 MiB of zeros: more than twice the 32 MiB init_size */
		size_t n = 80u << 20;
		uint8_t *zeros = calloc(1, n);

		payload_image("decompression-bomb", zeros, n, 0);
		free(zeros);
	}
	for (i = 0; i < 15; i++)
		many[i] = (struct fx_elf_load){ 0x1000000 + i * 0x200000, 0x1000, 0x1000 };
	e = fx_elf(many, 15, 0x1000000, &len);
	put("more-than-16-segments", e, len);
	free(e);
	put("initrd-junk", "this is not an initramfs", 24);
	ukis();
	{
		/* for vmcore-dmesg (tests/vmcore-dmesg.test) */
		uint8_t *v = fx_vmcore(FX_VMCOREINFO_6_1, &len);

		put("vmcore-good", v, len);
		put("vmcore-truncated", v, FX_VMCORE_LOAD_OFF + 0x100);
		free(v);
	}
	return 0;
}
