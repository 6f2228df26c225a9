/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: write the ELF vmlinux inside a bzImage's payload to a file,
 * for the VM test that loads an ELF kernel.  Uses the project's own bzImage
 * parser and decompressors; libelf then validates the result.
 *   extract-vmlinux BZIMAGE OUT
 */
#include <stdio.h>
#include <stdlib.h>

#include "lib/format/bzimage.h"
#include "lib/format/decompress.h"
#include "lib/format/elf.h"

int main(int argc, char **argv)
{
	struct kl_err err = { { 0 } };
	struct kl_bzimage z;
	struct kl_elf_image e;
	static char buf[64 << 20];
	void *out;
	size_t len, out_len;
	enum kl_comp c;
	FILE *f;

	if (argc != 3) {
		fprintf(stderr, "usage: extract-vmlinux BZIMAGE OUT\n");
		return 2;
	}
	f = fopen(argv[1], "rb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	len = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	if (kl_bzimage_parse(buf, len, &z, &err) < 0 || !z.payload_length) {
		fprintf(stderr, "%s: %s\n", argv[1], err.msg[0] ? err.msg : "no payload");
		return 1;
	}
	c = kl_comp_detect(z.kernel + z.payload_offset, z.payload_length);
	if (kl_decompress(c, z.kernel + z.payload_offset, z.payload_length, 0, &out, &out_len, NULL, &err) < 0 ||
	    kl_elf_parse(out, out_len, &e, &err) < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], err.msg);
		return 1;
	}
	f = fopen(argv[2], "wb");
	if (!f || fwrite(out, 1, out_len, f) != out_len || fclose(f)) {
		perror(argv[2]);
		return 1;
	}
	printf("%s: %s payload, %zu-byte vmlinux, %zu PT_LOAD segments, entry 0x%llx\n", argv[1],
	       kl_comp_name(c), out_len, e.nr_loads, (unsigned long long)e.entry);
	free(out);
	return 0;
}
