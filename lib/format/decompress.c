/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <bzlib.h>
#include <lz4.h>
#include <lzma.h>
#include <lzo/lzo1x.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <zstd.h>

#include "lib/base/util.h"
#include "lib/format/decompress.h"

/* A growable output buffer with a hard cap. */
struct outbuf {
	uint8_t *p;
	size_t len, cap_alloc;
	uint64_t limit;
};

static int outbuf_reserve(struct outbuf *o, size_t more)
{
	size_t want, n;
	uint8_t *p;

	if (__builtin_add_overflow(o->len, more, &want) || want > o->limit)
		return -EFBIG;
	if (want <= o->cap_alloc)
		return 0;
	n = o->cap_alloc ? o->cap_alloc : (1 << 20);
	while (n < want)
		n = n > SIZE_MAX / 2 ? SIZE_MAX : n * 2;
	if (n > o->limit)
		n = (size_t)o->limit;
	p = realloc(o->p, n);
	if (!p)
		return -ENOMEM;
	o->p = p;
	o->cap_alloc = n;
	return 0;
}

/* Room for at least one chunk of output; returns the free bytes. */
static int outbuf_grow(struct outbuf *o, size_t *ret_room)
{
	size_t chunk = KL_MIN((size_t)(1 << 20), (size_t)(o->limit - o->len));
	int r;

	if (!chunk)
		return -EFBIG;
	r = outbuf_reserve(o, chunk);
	if (r < 0)
		return r;
	*ret_room = o->cap_alloc - o->len;
	return 0;
}

static int fail_big(struct kl_err *err, enum kl_comp c, uint64_t cap)
{
	return kl_fail(err, -EFBIG, "%s data decompresses to more than %llu MiB (decompression bomb?)",
		       kl_comp_name(c), (unsigned long long)(cap >> 20));
}

static int do_gzip(const uint8_t *in, size_t len, struct outbuf *o, size_t *used, struct kl_err *err)
{
	z_stream zs = { 0 };
	int zr, r = 0;

	if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK)
		return kl_fail(err, -ENOMEM, "zlib: cannot initialise");
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)KL_MIN(len, (size_t)UINT32_MAX);
	for (;;) {
		size_t room;

		r = outbuf_grow(o, &room);
		if (r < 0)
			break;
		zs.next_out = o->p + o->len;
		zs.avail_out = (uInt)KL_MIN(room, (size_t)UINT32_MAX);
		zr = inflate(&zs, Z_NO_FLUSH);
		o->len = (size_t)(zs.next_out - o->p);
		if (zr == Z_STREAM_END)
			break;
		if (zr == Z_BUF_ERROR && zs.avail_out != 0) {
			r = kl_fail(err, -EINVAL, "gzip data is truncated");
			break;
		}
		if (zr != Z_OK && zr != Z_BUF_ERROR) {
			r = kl_fail(err, -EINVAL, "gzip data is corrupt (%s)", zs.msg ? zs.msg : "inflate failed");
			break;
		}
	}
	*used = len - zs.avail_in;
	inflateEnd(&zs);
	return r;
}

static int do_bzip2(const uint8_t *in, size_t len, struct outbuf *o, size_t *used, struct kl_err *err)
{
	bz_stream bs = { 0 };
	int br, r = 0;

	if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK)
		return kl_fail(err, -ENOMEM, "libbz2: cannot initialise");
	bs.next_in = (char *)in;
	bs.avail_in = (unsigned int)KL_MIN(len, (size_t)UINT32_MAX);
	for (;;) {
		size_t room;

		r = outbuf_grow(o, &room);
		if (r < 0)
			break;
		bs.next_out = (char *)o->p + o->len;
		bs.avail_out = (unsigned int)KL_MIN(room, (size_t)UINT32_MAX);
		br = BZ2_bzDecompress(&bs);
		o->len = (size_t)((uint8_t *)bs.next_out - o->p);
		if (br == BZ_STREAM_END)
			break;
		if (br != BZ_OK) {
			r = kl_fail(err, -EINVAL, "bzip2 data is corrupt (error %d)", br);
			break;
		}
		if (bs.avail_in == 0 && bs.avail_out != 0) {
			r = kl_fail(err, -EINVAL, "bzip2 data is truncated");
			break;
		}
	}
	*used = len - bs.avail_in;
	BZ2_bzDecompressEnd(&bs);
	return r;
}

static int do_lzma(enum kl_comp c, const uint8_t *in, size_t len, struct outbuf *o, size_t *used,
		   struct kl_err *err)
{
	lzma_stream ls = LZMA_STREAM_INIT;
	/* The memory limit bounds what a crafted header can make liblzma
	 * allocate (an LZMA dictionary size is taken from the input). */
	uint64_t memlimit = 512ULL << 20;
	lzma_ret lr;
	int r = 0;

	lr = c == KL_COMP_XZ ? lzma_stream_decoder(&ls, memlimit, 0)
			     : lzma_alone_decoder(&ls, memlimit);
	if (lr != LZMA_OK)
		return kl_fail(err, -ENOMEM, "liblzma: cannot initialise");
	ls.next_in = in;
	ls.avail_in = len;
	for (;;) {
		size_t room;

		r = outbuf_grow(o, &room);
		if (r < 0)
			break;
		ls.next_out = o->p + o->len;
		ls.avail_out = room;
		lr = lzma_code(&ls, LZMA_FINISH);
		o->len = (size_t)(ls.next_out - o->p);
		if (lr == LZMA_STREAM_END)
			break;
		if (lr == LZMA_OK)
			continue;
		if (lr == LZMA_BUF_ERROR)
			r = kl_fail(err, -EINVAL, "%s data is truncated", kl_comp_name(c));
		else if (lr == LZMA_MEMLIMIT_ERROR)
			r = kl_fail(err, -EINVAL, "%s data asks for more than %llu MiB of decoder memory",
				    kl_comp_name(c), (unsigned long long)(memlimit >> 20));
		else
			r = kl_fail(err, -EINVAL, "%s data is corrupt (liblzma error %d)", kl_comp_name(c), (int)lr);
		break;
	}
	*used = len - ls.avail_in;
	lzma_end(&ls);
	return r;
}

static int do_zstd(const uint8_t *in, size_t len, struct outbuf *o, size_t *used, struct kl_err *err)
{
	ZSTD_DStream *ds = ZSTD_createDStream();
	ZSTD_inBuffer ib = { in, len, 0 };
	int r = 0;

	if (!ds)
		return kl_fail(err, -ENOMEM, "libzstd: cannot initialise");
	/* Bound the window a frame header may ask for (the kernel's own
	 * decompressor accepts up to 128 MiB windows, 2^27). */
	ZSTD_DCtx_setParameter(ds, ZSTD_d_windowLogMax, 27);
	for (;;) {
		size_t room, zr;
		ZSTD_outBuffer ob;

		r = outbuf_grow(o, &room);
		if (r < 0)
			break;
		ob = (ZSTD_outBuffer){ o->p + o->len, room, 0 };
		zr = ZSTD_decompressStream(ds, &ob, &ib);
		o->len += ob.pos;
		if (ZSTD_isError(zr)) {
			r = kl_fail(err, -EINVAL, "zstd data is corrupt (%s)", ZSTD_getErrorName(zr));
			break;
		}
		if (zr == 0)
			break; /* frame complete */
		if (ib.pos == ib.size && ob.pos < ob.size) {
			r = kl_fail(err, -EINVAL, "zstd data is truncated");
			break;
		}
	}
	*used = ib.pos;
	ZSTD_freeDStream(ds);
	return r;
}

/* The LZ4 legacy frame (what `lz4 -l` and the kernel build write): magic,
 * then blocks of <le32 compressed size><data>, each at most 8 MiB once
 * decompressed.  It has no end marker; the stream ends at the end of the
 * input, at another magic, or where a size cannot be a block's. */
#define KL_LZ4_LEGACY_BLOCK (8U << 20)

static int do_lz4(const uint8_t *in, size_t len, struct outbuf *o, size_t *used, struct kl_err *err)
{
	size_t pos = 4, blocks = 0;
	int bound = LZ4_compressBound((int)KL_LZ4_LEGACY_BLOCK);

	while (len - pos >= 4) {
		uint32_t csz = kl_le32(in + pos);
		int n, r;

		if (csz == 0x184c2102U) { /* a concatenated frame */
			pos += 4;
			continue;
		}
		if (csz == 0 || csz > (uint32_t)bound || csz > len - pos - 4) {
			if (!blocks)
				return kl_fail(err, -EINVAL, "lz4 data is truncated or corrupt");
			break; /* trailing data, such as the kernel's size word */
		}
		r = outbuf_reserve(o, KL_LZ4_LEGACY_BLOCK);
		if (r < 0)
			return r;
		n = LZ4_decompress_safe((const char *)in + pos + 4, (char *)o->p + o->len,
					(int)csz, (int)KL_LZ4_LEGACY_BLOCK);
		if (n < 0)
			return kl_fail(err, -EINVAL, "lz4 data is corrupt (block at offset %zu)", pos);
		o->len += (size_t)n;
		pos += 4 + csz;
		blocks++;
	}
	if (!blocks)
		return kl_fail(err, -EINVAL, "lz4 data is truncated");
	*used = pos;
	return 0;
}

/* lzop's container (what the kernel build's `lzop -9` writes), big-endian:
 * magic[9] version[2] lib_version[2] [version_needed[2]] method[1]
 * [level[1]] flags[4] [filter[4]] mode[4] mtime_low[4] [mtime_high[4]]
 * name_len[1] name[] header_checksum[4] [extra field], then blocks of
 * dst_len[4] src_len[4] [checksums] data, ended by dst_len 0. */
#define LZOP_F_ADLER32_D 0x1U
#define LZOP_F_ADLER32_C 0x2U
#define LZOP_F_H_EXTRA_FIELD 0x40U
#define LZOP_F_CRC32_D 0x100U
#define LZOP_F_CRC32_C 0x200U
#define LZOP_F_H_FILTER 0x800U
#define LZOP_BLOCK_MAX (64U << 20)

/* In both lzop functions: n more bytes must be there at pos. */
#define LZOP_NEED(n)                                                           \
	do {                                                                   \
		if (!kl_in_bounds(len, pos, (n)))                              \
			return kl_fail(err, -EINVAL, "lzo data is truncated"); \
	} while (0)

/* The lzop file header that follows its 9-byte magic: *ret_pos is where
 * the first block starts. */
static int lzop_header(const uint8_t *in, size_t len, size_t *ret_pos, uint32_t *ret_flags, struct kl_err *err)
{
	size_t pos = 9;
	uint16_t version;
	uint32_t flags;

	LZOP_NEED(4);
	version = (uint16_t)(in[pos] << 8 | in[pos + 1]);
	pos += 4; /* version, lib_version */
	if (version >= 0x0940) {
		LZOP_NEED(2);
		pos += 2;
	}
	LZOP_NEED(1);
	if (in[pos] < 1 || in[pos] > 3)
		return kl_fail(err, -EINVAL, "lzo data uses an unknown method %u", in[pos]);
	pos += 1;
	if (version >= 0x0940) {
		LZOP_NEED(1);
		pos += 1;
	}
	LZOP_NEED(4);
	flags = kl_be32(in + pos);
	pos += 4;
	if (flags & LZOP_F_H_FILTER)
		return kl_fail(err, -EINVAL, "lzo data uses a filter, which is not supported");
	pos += 8; /* mode, mtime_low */
	if (version >= 0x0940)
		pos += 4;
	LZOP_NEED(1);
	pos += 1 + in[pos]; /* name */
	pos += 4;           /* header checksum */
	if (flags & LZOP_F_H_EXTRA_FIELD) {
		LZOP_NEED(4);
		pos += 4 + (size_t)kl_be32(in + pos) + 4;
	}
	*ret_pos = pos;
	*ret_flags = flags;
	return 0;
}

/* Then blocks: decompressed and compressed length, checksums as the
 * header's flags say, the data; a zero length ends the stream. */
static int do_lzo(const uint8_t *in, size_t len, struct outbuf *o, size_t *used, struct kl_err *err)
{
	size_t pos = 0;
	uint32_t flags = 0;
	int r;

	if (lzo_init() != LZO_E_OK)
		return kl_fail(err, -ENOMEM, "liblzo2: cannot initialise");
	r = lzop_header(in, len, &pos, &flags, err);
	if (r < 0)
		return r;
	for (;;) {
		uint32_t dlen, slen;
		lzo_uint out_len;

		LZOP_NEED(4);
		dlen = kl_be32(in + pos);
		pos += 4;
		if (!dlen)
			break;
		LZOP_NEED(4);
		slen = kl_be32(in + pos);
		pos += 4;
		if (dlen > LZOP_BLOCK_MAX || slen > dlen)
			return kl_fail(err, -EINVAL, "lzo data is corrupt (block sizes %u/%u)", slen, dlen);
		if (flags & LZOP_F_ADLER32_D)
			pos += 4;
		if (flags & LZOP_F_CRC32_D)
			pos += 4;
		if (slen < dlen) {
			if (flags & LZOP_F_ADLER32_C)
				pos += 4;
			if (flags & LZOP_F_CRC32_C)
				pos += 4;
		}
		LZOP_NEED(slen);
		r = outbuf_reserve(o, dlen);
		if (r < 0)
			return r;
		if (slen == dlen) {
			memcpy(o->p + o->len, in + pos, dlen);
		} else {
			out_len = dlen;
			if (lzo1x_decompress_safe(in + pos, slen, o->p + o->len, &out_len, NULL) != LZO_E_OK ||
			    out_len != dlen)
				return kl_fail(err, -EINVAL, "lzo data is corrupt (block at offset %zu)", pos);
		}
		o->len += dlen;
		pos += slen;
	}
	*used = pos;
	return 0;
}
#undef LZOP_NEED

static int do_xz(const uint8_t *in, size_t len, struct outbuf *o, size_t *used, struct kl_err *err)
{
	return do_lzma(KL_COMP_XZ, in, len, o, used, err);
}

static int do_lzma_alone(const uint8_t *in, size_t len, struct outbuf *o, size_t *used, struct kl_err *err)
{
	return do_lzma(KL_COMP_LZMA, in, len, o, used, err);
}

/* gzip, and the old "packed" second byte some tools still write */
static bool is_gzip(const uint8_t *b, size_t len)
{
	return len >= 2 && b[0] == 0x1f && (b[1] == 0x8b || b[1] == 0x9e);
}

/* .lzma (LZMA-alone) has no magic: properties byte 0x5d and a dictionary
 * size; the kernel's and xz's encoders always write these. */
static bool is_lzma_alone(const uint8_t *b, size_t len)
{
	return len >= 13 && b[0] == 0x5d && b[1] == 0 && b[2] == 0;
}

/*
 * Every compression, one row each: its name, how it is recognised (a
 * magic, or a probe where a magic is not enough), and its decompressor.
 * The first bytes of the formats differ, so the order of the rows does not
 * matter for detection.
 */
static const struct kl_codec {
	const char *name;
	const char *magic;
	size_t magic_len;
	bool (*probe)(const uint8_t *b, size_t len);
	int (*decompress)(const uint8_t *in, size_t len, struct outbuf *o, size_t *used, struct kl_err *err);
} kl_codecs[KL_COMP_MAX] = {
	[KL_COMP_NONE] = { .name = "none" },
	[KL_COMP_GZIP] = { .name = "gzip", .probe = is_gzip, .decompress = do_gzip },
	[KL_COMP_BZIP2] = { .name = "bzip2", .magic = "BZh", .magic_len = 3, .decompress = do_bzip2 },
	[KL_COMP_LZMA] = { .name = "lzma", .probe = is_lzma_alone, .decompress = do_lzma_alone },
	[KL_COMP_XZ] = { .name = "xz", .magic = "\xfd" "7zXZ\0", .magic_len = 6, .decompress = do_xz },
	[KL_COMP_LZO] = { .name = "lzo", .magic = "\x89LZO\0\r\n\x1a\n", .magic_len = 9, .decompress = do_lzo },
	/* the LZ4 legacy frame (le32 0x184c2102) and zstd (le32 0xfd2fb528) */
	[KL_COMP_LZ4] = { .name = "lz4", .magic = "\x02\x21\x4c\x18", .magic_len = 4, .decompress = do_lz4 },
	[KL_COMP_ZSTD] = { .name = "zstd", .magic = "\x28\xb5\x2f\xfd", .magic_len = 4, .decompress = do_zstd },
};

const char *kl_comp_name(enum kl_comp c)
{
	return (unsigned int)c < KL_COMP_MAX ? kl_codecs[c].name : "?";
}

enum kl_comp kl_comp_by_name(const char *name)
{
	unsigned int i;

	for (i = KL_COMP_NONE + 1; i < KL_COMP_MAX; i++)
		if (!strcmp(kl_codecs[i].name, name))
			return (enum kl_comp)i;
	return KL_COMP_NONE;
}

enum kl_comp kl_comp_detect(const void *buf, size_t len)
{
	const uint8_t *b = buf;
	unsigned int i;

	for (i = KL_COMP_NONE + 1; i < KL_COMP_MAX; i++) {
		const struct kl_codec *k = &kl_codecs[i];

		if (k->probe ? k->probe(b, len) : len >= k->magic_len && !memcmp(b, k->magic, k->magic_len))
			return (enum kl_comp)i;
	}
	return KL_COMP_NONE;
}

int kl_decompress(enum kl_comp c, const void *buf, size_t len, uint64_t cap,
		  void **ret_out, size_t *ret_outlen, size_t *ret_trailing,
		  struct kl_err *err)
{
	struct outbuf o = { .limit = cap ? cap : KL_DECOMPRESS_CAP_DEFAULT };
	size_t used = 0;
	int r;

	if ((unsigned int)c >= KL_COMP_MAX || !kl_codecs[c].decompress)
		return kl_fail(err, -EINVAL, "unknown compression");
	if (kl_comp_detect(buf, len) != c)
		return kl_fail(err, -EINVAL, "data does not start with %s magic", kl_comp_name(c));
	r = kl_codecs[c].decompress(buf, len, &o, &used, err);
	if (r == -EFBIG)
		r = fail_big(err, c, o.limit);
	if (r == 0 && o.len == 0)
		r = kl_fail(err, -EINVAL, "%s data decompresses to nothing", kl_comp_name(c));
	if (r < 0) {
		free(o.p);
		return r;
	}
	*ret_out = o.p;
	*ret_outlen = o.len;
	if (ret_trailing)
		*ret_trailing = len - used;
	return 0;
}
