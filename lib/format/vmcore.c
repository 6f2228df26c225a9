/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel log of an ELF vmcore (vmcore.h).  The ELF structures are read
 * by hand, a field at a time, from the caller's pread: a vmcore is the
 * size of the crashed machine's memory and is never read whole. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/format/vmcore.h"

/* ELF64 (the ELF specification; <elf.h> names) */
#define EHDR_SIZE 64
#define PHDR_SIZE 56
#define PT_LOAD 1
#define PT_NOTE 4
#define ET_CORE 4
#define EM_X86_64 62

/* kernel/printk/printk_ringbuffer.h: a descriptor's state_var holds its
 * id and, in the top two bits, its state */
#define DESC_FLAGS_SHIFT 62
#define DESC_ID_MASK (~(3ULL << DESC_FLAGS_SHIFT))
#define DESC_COMMITTED 1
#define DESC_FINALIZED 2

struct load {
	uint64_t vaddr, off, filesz;
};

/* What VMCOREINFO says; every OFFSET and SIZE the reader needs. */
enum info_key {
	K_PRB, /* SYMBOL(prb): the address of the pointer to the ring buffer */
	K_SZ_RB, K_SZ_DESC, K_SZ_INFO,
	K_RB_DESC_RING, K_RB_TEXT_RING,
	K_DR_COUNT_BITS, K_DR_DESCS, K_DR_INFOS, K_DR_HEAD_ID, K_DR_TAIL_ID,
	K_TR_SIZE_BITS, K_TR_DATA,
	K_ATOMIC_COUNTER,
	K_DESC_STATE_VAR, K_DESC_TEXT_LPOS, K_LPOS_BEGIN, K_LPOS_NEXT,
	K_INFO_TS_NSEC, K_INFO_TEXT_LEN,
	K_MAX,
};

static const char *const info_names[K_MAX] = {
	[K_PRB] = "SYMBOL(prb)",
	[K_SZ_RB] = "SIZE(printk_ringbuffer)",
	[K_SZ_DESC] = "SIZE(prb_desc)",
	[K_SZ_INFO] = "SIZE(printk_info)",
	[K_RB_DESC_RING] = "OFFSET(printk_ringbuffer.desc_ring)",
	[K_RB_TEXT_RING] = "OFFSET(printk_ringbuffer.text_data_ring)",
	[K_DR_COUNT_BITS] = "OFFSET(prb_desc_ring.count_bits)",
	[K_DR_DESCS] = "OFFSET(prb_desc_ring.descs)",
	[K_DR_INFOS] = "OFFSET(prb_desc_ring.infos)",
	[K_DR_HEAD_ID] = "OFFSET(prb_desc_ring.head_id)",
	[K_DR_TAIL_ID] = "OFFSET(prb_desc_ring.tail_id)",
	[K_TR_SIZE_BITS] = "OFFSET(prb_data_ring.size_bits)",
	[K_TR_DATA] = "OFFSET(prb_data_ring.data)",
	[K_ATOMIC_COUNTER] = "OFFSET(atomic_long_t.counter)",
	[K_DESC_STATE_VAR] = "OFFSET(prb_desc.state_var)",
	[K_DESC_TEXT_LPOS] = "OFFSET(prb_desc.text_blk_lpos)",
	[K_LPOS_BEGIN] = "OFFSET(prb_data_blk_lpos.begin)",
	[K_LPOS_NEXT] = "OFFSET(prb_data_blk_lpos.next)",
	[K_INFO_TS_NSEC] = "OFFSET(printk_info.ts_nsec)",
	[K_INFO_TEXT_LEN] = "OFFSET(printk_info.text_len)",
};

struct vmcore {
	const struct kl_vmcore_io *io;
	struct load *loads;
	size_t nr_loads;
	uint64_t info[K_MAX];
	bool have[K_MAX];
	bool legacy_log; /* SYMBOL(log_buf) without SYMBOL(prb): before 5.10 */
	char osrelease[65];
	/* output, flushed to io->write when full */
	char out[8192];
	size_t out_len;
	int out_err;
};

static int rd(struct vmcore *v, void *buf, size_t len, uint64_t off, const char *what, struct kl_err *err)
{
	int r = v->io->pread(v->io->ctx, buf, len, off);

	if (r < 0)
		return kl_fail(err, r, "cannot read %s (%zu bytes at file offset 0x%" PRIx64 "): %s", what, len, off,
			       strerror(-r));
	return 0;
}

/* ---- ELF: headers and the VMCOREINFO note -------------------------------- */

static int read_ehdr(struct vmcore *v, uint64_t *ret_phoff, uint16_t *ret_phnum, struct kl_err *err)
{
	uint8_t e[EHDR_SIZE];
	int r = v->io->pread(v->io->ctx, e, sizeof(e), 0);

	if (r == -ENODATA)
		return kl_fail(err, -EINVAL, "not an ELF file (shorter than an ELF header)");
	if (r < 0)
		return kl_fail(err, r, "cannot read the ELF header: %s", strerror(-r));
	if (memcmp(e, "\177ELF", 4) != 0)
		return kl_fail(err, -EINVAL, "not an ELF file (a vmcore saved by makedumpfile in its compressed "
			       "format must be converted to ELF first)");
	if (e[4] != 2 || e[5] != 1 || e[6] != 1)
		return kl_fail(err, -EINVAL, "not a little-endian ELF64 file (class %u, data %u, version %u)", e[4],
			       e[5], e[6]);
	if (kl_le16(e + 16) != ET_CORE || kl_le16(e + 18) != EM_X86_64)
		return kl_fail(err, -EINVAL, "not an x86_64 core file (type %u, machine %u)", kl_le16(e + 16),
			       kl_le16(e + 18));
	if (kl_le16(e + 54) != PHDR_SIZE)
		return kl_fail(err, -EINVAL, "program headers of %u bytes (ELF64's are %d)", kl_le16(e + 54),
			       PHDR_SIZE);
	*ret_phoff = kl_le64(e + 32);
	*ret_phnum = kl_le16(e + 56);
	if (!*ret_phnum)
		return kl_fail(err, -EINVAL, "no program headers");
	return 0;
}

/* Is the line [s, s + n) "KEY=..."?  Then the value's start. */
static const char *value_of(const char *s, size_t n, const char *key)
{
	size_t k = strlen(key);

	return n > k && !memcmp(s, key, k) && s[k] == '=' ? s + k + 1 : NULL;
}

/* One line of VMCOREINFO.  Unknown lines are skipped, as the format
 * (Documentation/admin-guide/kdump/vmcoreinfo.rst) grows. */
static void info_line(struct vmcore *v, const char *s, size_t n)
{
	char val[32];
	const char *p;
	size_t m;
	int k;

	if ((p = value_of(s, n, "OSRELEASE"))) {
		m = KL_MIN((size_t)(s + n - p), sizeof(v->osrelease) - 1);
		memcpy(v->osrelease, p, m);
		v->osrelease[m] = '\0';
		return;
	}
	if (value_of(s, n, "SYMBOL(log_buf)"))
		v->legacy_log = true;
	for (k = 0; k < K_MAX; k++) {
		uint64_t x;

		p = value_of(s, n, info_names[k]);
		if (!p)
			continue;
		m = (size_t)(s + n - p);
		if (!m || m >= sizeof(val))
			return;
		memcpy(val, p, m);
		val[m] = '\0';
		/* symbols are hexadecimal without 0x, sizes and offsets decimal */
		if (kl_parse_u64(val, k == K_PRB ? 16 : 10, &x) == 0) {
			v->info[k] = x;
			v->have[k] = true;
		}
		return;
	}
}

static void scan_vmcoreinfo(struct vmcore *v, const char *s, size_t n)
{
	const char *end = s + n, *nl;

	for (; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end; /* the last line (CRASH_TIME) may lack its newline */
		info_line(v, s, (size_t)(nl - s));
	}
}

static int scan_notes(struct vmcore *v, uint64_t off, uint64_t size, struct kl_err *err)
{
	_cleanup_free_ uint8_t *b = NULL;
	size_t pos = 0;

	if (size > KL_VMCORE_NOTES_MAX)
		return kl_fail(err, -EFBIG, "a PT_NOTE segment of %" PRIu64 " bytes (at most %u)", size,
			       KL_VMCORE_NOTES_MAX);
	b = malloc(size ? size : 1);
	if (!b)
		return -ENOMEM;
	if (rd(v, b, size, off, "the notes", err) < 0)
		return -EIO;
	while (size - pos >= 12) {
		uint32_t namesz = kl_le32(b + pos), descsz = kl_le32(b + pos + 4), type = kl_le32(b + pos + 8);
		uint64_t name = pos + 12, desc = name + (((uint64_t)namesz + 3) & ~3ULL);
		uint64_t next = desc + (((uint64_t)descsz + 3) & ~3ULL);

		if (next > size || desc + descsz > size)
			break; /* a torn last note: the notes end here */
		if (type == 0 && namesz == 11 && !memcmp(b + name, "VMCOREINFO", 11))
			scan_vmcoreinfo(v, (const char *)b + desc, descsz);
		pos = (size_t)next;
	}
	return 0;
}

/* The program headers (n of them, in p): PT_LOADs kept, notes scanned. */
static int scan_phdrs(struct vmcore *v, const uint8_t *p, size_t n, struct kl_err *err)
{
	size_t i;
	int r;

	v->loads = calloc(KL_MAX(n, (size_t)1), sizeof(*v->loads));
	if (!v->loads)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		const uint8_t *h = p + i * PHDR_SIZE;
		uint32_t type = kl_le32(h);

		if (type == PT_NOTE) {
			r = scan_notes(v, kl_le64(h + 8), kl_le64(h + 32), err);
			if (r < 0)
				return r;
		} else if (type == PT_LOAD) {
			v->loads[v->nr_loads++] = (struct load){
				.vaddr = kl_le64(h + 16), .off = kl_le64(h + 8), .filesz = kl_le64(h + 32),
			};
		}
	}
	return 0;
}

static int read_phdrs(struct vmcore *v, struct kl_err *err)
{
	uint64_t phoff = 0;
	uint16_t phnum = 0;
	uint8_t *p;
	int r;

	r = read_ehdr(v, &phoff, &phnum, err);
	if (r < 0)
		return r;
	p = malloc((size_t)KL_MAX(phnum, 1) * PHDR_SIZE);
	if (!p)
		return -ENOMEM;
	r = rd(v, p, (size_t)phnum * PHDR_SIZE, phoff, "the program headers", err);
	if (r == 0)
		r = scan_phdrs(v, p, phnum, err);
	free(p);
	return r;
}

/* ---- the crashed kernel's memory ------------------------------------------- */

/* The file offset of len bytes at kernel virtual address va, which one
 * PT_LOAD must hold in the file. */
static int va_offset(const struct vmcore *v, uint64_t va, uint64_t len, uint64_t *ret, const char *what,
		     struct kl_err *err)
{
	size_t i;

	for (i = 0; i < v->nr_loads; i++) {
		const struct load *l = &v->loads[i];

		if (va < l->vaddr || va - l->vaddr >= l->filesz)
			continue;
		if (len > l->filesz - (va - l->vaddr))
			return kl_fail(err, -EINVAL, "%s (%" PRIu64 " bytes at 0x%" PRIx64 ") runs past the end of its "
				       "segment", what, len, va);
		*ret = l->off + (va - l->vaddr);
		return 0;
	}
	return kl_fail(err, -EINVAL, "%s at 0x%" PRIx64 " is in no PT_LOAD segment of the file", what, va);
}

static int read_va(struct vmcore *v, uint64_t va, void *buf, size_t len, const char *what, struct kl_err *err)
{
	uint64_t off = 0;
	int r = va_offset(v, va, len, &off, what, err);

	return r < 0 ? r : rd(v, buf, len, off, what, err);
}

static int read_u64_va(struct vmcore *v, uint64_t va, uint64_t *ret, const char *what, struct kl_err *err)
{
	uint8_t b[8];
	int r = read_va(v, va, b, sizeof(b), what, err);

	if (r == 0)
		*ret = kl_le64(b);
	return r;
}

/* ---- output ------------------------------------------------------------------ */

static void flush(struct vmcore *v)
{
	if (v->out_len && !v->out_err)
		v->out_err = v->io->write(v->io->ctx, v->out, v->out_len);
	v->out_len = 0;
}

static void put(struct vmcore *v, const char *s, size_t n)
{
	if (v->out_len + n > sizeof(v->out))
		flush(v);
	memcpy(v->out + v->out_len, s, n);
	v->out_len += n;
}

/* C locale isprint() || isspace(): what vmcore-dmesg prints as it is. */
static bool plain(uint8_t c)
{
	return (c >= 0x20 && c <= 0x7e) || (c >= '\t' && c <= '\r');
}

static void put_text(struct vmcore *v, const uint8_t *t, size_t n)
{
	char hex[5];
	size_t i;

	for (i = 0; i < n; i++) {
		if (plain(t[i])) {
			put(v, (const char *)&t[i], 1);
		} else {
			snprintf(hex, sizeof(hex), "\\x%02x", t[i]);
			put(v, hex, 4);
		}
	}
}

/* ---- the ring buffer ----------------------------------------------------------- */

struct ring {
	uint64_t count; /* descriptors (and infos), a power of two */
	uint8_t *descs, *infos;
	uint64_t text_size; /* a power of two */
	uint8_t *text;
};

/* Does a field of width bytes at off + add lie inside size bytes? */
static bool inside(uint64_t off, uint64_t add, uint64_t width, uint64_t size)
{
	uint64_t end;

	return !__builtin_add_overflow(off, add, &end) && !__builtin_add_overflow(end, width, &end) && end <= size;
}

/* Every field the records are read through lies inside its struct. */
static int check_layout(const struct vmcore *v, struct kl_err *err)
{
	static const struct {
		enum info_key off, add; /* add: K_MAX for none */
		unsigned int width;
		enum info_key size;
	} in[] = {
		{ K_RB_DESC_RING, K_MAX, 0, K_SZ_RB },
		{ K_RB_TEXT_RING, K_MAX, 0, K_SZ_RB },
		{ K_DESC_STATE_VAR, K_ATOMIC_COUNTER, 8, K_SZ_DESC },
		{ K_DESC_TEXT_LPOS, K_LPOS_BEGIN, 8, K_SZ_DESC },
		{ K_DESC_TEXT_LPOS, K_LPOS_NEXT, 8, K_SZ_DESC },
		{ K_INFO_TS_NSEC, K_MAX, 8, K_SZ_INFO },
		{ K_INFO_TEXT_LEN, K_MAX, 2, K_SZ_INFO },
	};
	size_t i;
	int k;

	for (k = 0; k < K_MAX; k++)
		if (!v->have[k])
			return kl_fail(err, -EINVAL, "VMCOREINFO lacks %s", info_names[k]);
	for (k = K_SZ_RB; k <= K_SZ_INFO; k++)
		if (!v->info[k] || v->info[k] > KL_VMCORE_STRUCT_MAX)
			return kl_fail(err, -EINVAL, "VMCOREINFO: %s=%" PRIu64 " (1 to %d)", info_names[k], v->info[k],
				       KL_VMCORE_STRUCT_MAX);
	for (i = 0; i < KL_ARRAY_SIZE(in); i++) {
		uint64_t add = in[i].add == K_MAX ? 0 : v->info[in[i].add];

		if (!inside(v->info[in[i].off], add, in[i].width, v->info[in[i].size]))
			return kl_fail(err, -EINVAL, "VMCOREINFO: %s=%" PRIu64 "%s%s lies outside %s=%" PRIu64,
				       info_names[in[i].off], v->info[in[i].off], in[i].add == K_MAX ? "" : " + ",
				       in[i].add == K_MAX ? "" : info_names[in[i].add], info_names[in[i].size],
				       v->info[in[i].size]);
	}
	return 0;
}

/* A field of the ring buffer struct rb (SIZE(printk_ringbuffer) bytes):
 * base + off + add, 8 bytes (or 4), bounds-checked. */
static int rb_field(const struct vmcore *v, const uint8_t *rb, uint64_t base, uint64_t add, unsigned int width,
		    uint64_t *ret, const char *what, struct kl_err *err)
{
	if (!inside(base, add, width, v->info[K_SZ_RB]))
		return kl_fail(err, -EINVAL, "VMCOREINFO: %s lies outside the ring buffer's %" PRIu64 " bytes", what,
			       v->info[K_SZ_RB]);
	*ret = width == 4 ? kl_le32(rb + base + add) : kl_le64(rb + base + add);
	return 0;
}

/* a + b, or UINT64_MAX (which no field lies at) when that overflows */
static uint64_t sat_add(uint64_t a, uint64_t b)
{
	uint64_t r;

	return __builtin_add_overflow(a, b, &r) ? UINT64_MAX : r;
}

/* An array of n structures of size each at kernel address va. */
static int read_array(struct vmcore *v, uint64_t va, uint64_t n, uint64_t size, uint8_t **ret, const char *what,
		      struct kl_err *err)
{
	uint64_t bytes;
	uint8_t *b;
	int r;

	uint64_t off = 0;

	if (__builtin_mul_overflow(n, size, &bytes) || bytes > KL_VMCORE_ARRAY_MAX)
		return kl_fail(err, -EFBIG, "%s: %" PRIu64 " of %" PRIu64 " bytes, more than %llu", what, n, size,
			       (unsigned long long)KL_VMCORE_ARRAY_MAX);
	/* before allocating: the file must hold what it claims */
	r = va_offset(v, va, bytes, &off, what, err);
	if (r < 0)
		return r;
	b = malloc(bytes ? bytes : 1);
	if (!b)
		return -ENOMEM;
	r = read_va(v, va, b, (size_t)bytes, what, err);
	if (r < 0) {
		free(b);
		return r;
	}
	*ret = b;
	return 0;
}

/* The ring buffer struct rb says where the rings are, and the ids of the
 * oldest and newest records. */
static int ring_fields(const struct vmcore *v, const uint8_t *rb, uint64_t *bits, uint64_t *descs, uint64_t *infos,
		       uint64_t *tail, uint64_t *head, uint64_t *sbits, uint64_t *data, struct kl_err *err)
{
	uint64_t dr = v->info[K_RB_DESC_RING], tr = v->info[K_RB_TEXT_RING], c = v->info[K_ATOMIC_COUNTER];
	int r;

	r = rb_field(v, rb, dr, v->info[K_DR_COUNT_BITS], 4, bits, "prb_desc_ring.count_bits", err);
	if (r == 0)
		r = rb_field(v, rb, dr, v->info[K_DR_DESCS], 8, descs, "prb_desc_ring.descs", err);
	if (r == 0)
		r = rb_field(v, rb, dr, v->info[K_DR_INFOS], 8, infos, "prb_desc_ring.infos", err);
	if (r == 0)
		r = rb_field(v, rb, dr, sat_add(v->info[K_DR_TAIL_ID], c), 8, tail, "prb_desc_ring.tail_id", err);
	if (r == 0)
		r = rb_field(v, rb, dr, sat_add(v->info[K_DR_HEAD_ID], c), 8, head, "prb_desc_ring.head_id", err);
	if (r == 0)
		r = rb_field(v, rb, tr, v->info[K_TR_SIZE_BITS], 4, sbits, "prb_data_ring.size_bits", err);
	if (r == 0)
		r = rb_field(v, rb, tr, v->info[K_TR_DATA], 8, data, "prb_data_ring.data", err);
	return r;
}

static int read_ring(struct vmcore *v, struct ring *g, uint64_t *ret_tail, uint64_t *ret_head, struct kl_err *err)
{
	uint64_t prb = 0, bits = 0, sbits = 0, descs = 0, infos = 0, data = 0;
	uint8_t *rb;
	int r;

	r = read_u64_va(v, v->info[K_PRB], &prb, "the prb pointer", err);
	if (r < 0)
		return r;
	rb = malloc(KL_MAX(v->info[K_SZ_RB], (uint64_t)1)); /* never 0: check_layout */
	if (!rb)
		return -ENOMEM;
	r = read_va(v, prb, rb, v->info[K_SZ_RB], "the printk ring buffer", err);
	if (r == 0)
		r = ring_fields(v, rb, &bits, &descs, &infos, ret_tail, ret_head, &sbits, &data, err);
	free(rb);
	if (r < 0)
		return r;
	if (bits > KL_VMCORE_RING_BITS_MAX || sbits > KL_VMCORE_RING_BITS_MAX || sbits < 4)
		return kl_fail(err, -EINVAL, "the ring buffer claims 2^%" PRIu64 " descriptors and 2^%" PRIu64
			       " bytes of text (at most 2^%d each)", bits, sbits, KL_VMCORE_RING_BITS_MAX);
	g->count = 1ULL << bits;
	g->text_size = 1ULL << sbits;
	r = read_array(v, descs, g->count, v->info[K_SZ_DESC], &g->descs, "the descriptors", err);
	if (r == 0)
		r = read_array(v, infos, g->count, v->info[K_SZ_INFO], &g->infos, "the record infos", err);
	if (r == 0)
		r = read_array(v, data, g->text_size, 1, &g->text, "the text ring", err);
	return r;
}

/* One record, as vmcore-dmesg prints it; one that is not committed (a
 * writer had it reserved at the crash) is left out. */
static bool dump_record(struct vmcore *v, const struct ring *g, uint64_t id)
{
	const uint8_t *d = g->descs + (id & (g->count - 1)) * v->info[K_SZ_DESC];
	const uint8_t *info = g->infos + (id & (g->count - 1)) * v->info[K_SZ_INFO];
	uint64_t sv = kl_le64(d + v->info[K_DESC_STATE_VAR] + v->info[K_ATOMIC_COUNTER]);
	uint64_t begin = kl_le64(d + v->info[K_DESC_TEXT_LPOS] + v->info[K_LPOS_BEGIN]) & (g->text_size - 1);
	uint64_t next = kl_le64(d + v->info[K_DESC_TEXT_LPOS] + v->info[K_LPOS_NEXT]) & (g->text_size - 1);
	uint64_t ts = kl_le64(info + v->info[K_INFO_TS_NSEC]);
	uint64_t len = kl_le16(info + v->info[K_INFO_TEXT_LEN]);
	unsigned int state = (unsigned int)(sv >> DESC_FLAGS_SHIFT);
	char stamp[48];
	int n;

	if ((sv & DESC_ID_MASK) != id || (state != DESC_COMMITTED && state != DESC_FINALIZED))
		return false;
	n = snprintf(stamp, sizeof(stamp), "[%5" PRIu64 ".%06" PRIu64 "] ", ts / 1000000000, ts % 1000000000 / 1000);
	put(v, stamp, (size_t)n);
	if (begin != next) {
		/* a block that wraps starts again at the start of the ring;
		 * its first 8 bytes are the descriptor id */
		if (begin > next)
			begin = 0;
		begin += 8;
		if (begin <= next && next - begin < len)
			len = next - begin; /* truncated */
		if (begin > g->text_size || len > g->text_size - begin)
			len = begin > g->text_size ? 0 : g->text_size - begin;
		put_text(v, g->text + begin, (size_t)len);
	}
	put(v, "\n", 1);
	return true;
}

int kl_vmcore_dmesg(const struct kl_vmcore_io *io, struct kl_vmcore_stats *ret_stats, struct kl_err *err)
{
	struct vmcore *v = calloc(1, sizeof(*v));
	struct ring g = { 0 };
	struct kl_vmcore_stats st = { 0 };
	uint64_t tail = 0, head = 0, id, span;
	int r;

	if (!v)
		return -ENOMEM;
	v->io = io;
	r = read_phdrs(v, err);
	if (r == 0 && !v->have[K_PRB]) {
		kl_fail(err, -ENOTSUP, v->legacy_log ? "the kernel log is a log_buf of Linux before 5.10, which this "
						 "vmcore-dmesg does not read" :
						 "no VMCOREINFO note naming the printk ring buffer (SYMBOL(prb))");
		r = -ENOTSUP;
	}
	if (r == 0)
		r = check_layout(v, err);
	if (r == 0)
		r = read_ring(v, &g, &tail, &head, err);
	/* ids are what the top two bits of a state_var leave: a head or
	 * tail with those bits set would never be reached */
	tail &= DESC_ID_MASK;
	head &= DESC_ID_MASK;
	span = (head - tail) & DESC_ID_MASK;
	if (r == 0 && span >= g.count) {
		kl_fail(err, -EINVAL, "descriptor ids %" PRIu64 " to %" PRIu64 " span more than the ring's %" PRIu64,
			tail, head, g.count);
		r = -EINVAL;
	}
	/* from the oldest record to the newest, both included */
	for (id = tail; r == 0 && g.descs && g.infos && g.text; id = (id + 1) & DESC_ID_MASK) {
		if (dump_record(v, &g, id))
			st.records++;
		else
			st.skipped++;
		if (id == head)
			break;
	}
	flush(v);
	if (r == 0 && v->out_err)
		r = kl_fail(err, v->out_err, "writing the log: %s", strerror(-v->out_err));
	if (r == 0) {
		memcpy(st.osrelease, v->osrelease, sizeof(st.osrelease));
		if (ret_stats)
			*ret_stats = st;
	}
	free(g.descs);
	free(g.infos);
	free(g.text);
	free(v->loads);
	free(v);
	return r;
}
