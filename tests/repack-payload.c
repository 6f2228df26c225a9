/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Test helper: re-compress a bzImage's payload with another compressor, so
 * the VM tests can boot a kernel of every payload compression through
 * --preload-decompressed (the image's own decompressor, built for the
 * original format, never runs on that path).
 *   repack-payload IN OUT "COMPRESSOR COMMAND"
 * The command reads the decompressed payload on stdin and writes the
 * compressed stream on stdout (e.g. "xz --check=crc32 -c").  As the kernel
 * build does, the decompressed size is appended as a le32.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/arch/x86/bootparam.h"
#include "lib/base/util.h"
#include "lib/format/bzimage.h"
#include "lib/format/decompress.h"

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b = NULL;
	size_t cap = 0, n;

	if (!f)
		return NULL;
	*len = 0;
	do {
		if (*len == cap)
			b = realloc(b, cap = cap ? cap * 2 : 1 << 20);
		n = fread(b + *len, 1, cap - *len, f);
		*len += n;
	} while (n);
	fclose(f);
	return b;
}

int main(int argc, char **argv)
{
	struct kl_err err = { { 0 } };
	struct kl_bzimage z;
	char tmp_in[] = "/tmp/repack-in.XXXXXX", tmp_out[] = "/tmp/repack-out.XXXXXX", cmd[4096];
	uint8_t *img, *raw_pl, *newpl, *out;
	size_t len, rawlen, newlen, pmoff, outlen;
	void *raw;
	FILE *f;
	int fd;

	if (argc != 4) {
		fprintf(stderr, "usage: repack-payload IN OUT COMMAND\n");
		return 2;
	}
	img = slurp(argv[1], &len);
	if (!img || kl_bzimage_parse(img, len, &z, &err) < 0 || !z.payload_length) {
		fprintf(stderr, "%s: %s\n", argv[1], err.msg[0] ? err.msg : "unreadable or no payload");
		return 1;
	}
	if (kl_decompress(kl_comp_detect(z.kernel + z.payload_offset, z.payload_length), z.kernel + z.payload_offset,
			  z.payload_length, 0, &raw, &rawlen, NULL, &err) < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], err.msg);
		return 1;
	}
	fd = mkstemp(tmp_in);
	if (fd < 0 || write(fd, raw, rawlen) != (ssize_t)rawlen)
		return 1;
	close(fd);
	fd = mkstemp(tmp_out);
	close(fd);
	snprintf(cmd, sizeof(cmd), "%s < %s > %s", argv[3], tmp_in, tmp_out);
	if (system(cmd) != 0) {
		fprintf(stderr, "'%s' failed\n", argv[3]);
		return 1;
	}
	raw_pl = slurp(tmp_out, &newlen);
	unlink(tmp_in);
	unlink(tmp_out);
	newpl = realloc(raw_pl, newlen + 4);
	kl_put_le32(newpl + newlen, (uint32_t)rawlen);
	newlen += 4;

	/* setup | pm kernel before payload | new payload | pm kernel after */
	pmoff = z.setup_len;
	outlen = len - z.payload_length + newlen;
	out = malloc(outlen);
	memcpy(out, img, pmoff + z.payload_offset);
	memcpy(out + pmoff + z.payload_offset, newpl, newlen);
	memcpy(out + pmoff + z.payload_offset + newlen, img + pmoff + z.payload_offset + z.payload_length,
	       len - pmoff - z.payload_offset - z.payload_length);
	kl_put_le32(out + KL_HDR_PAYLOAD_LENGTH, (uint32_t)newlen);
	if (outlen - pmoff > z.init_size) {
		fprintf(stderr, "re-packed kernel no longer fits init_size\n");
		return 1;
	}
	f = fopen(argv[2], "wb");
	if (!f || fwrite(out, 1, outlen, f) != outlen || fclose(f)) {
		perror(argv[2]);
		return 1;
	}
	printf("%s: payload %u -> %zu bytes (%s)\n", argv[2], z.payload_length, newlen, argv[3]);
	return 0;
}
