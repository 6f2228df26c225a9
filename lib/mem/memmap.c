/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/util.h"
#include "lib/mem/memmap.h"

bool kl_range_overlaps(const struct kl_range *a, const struct kl_range *b)
{
	return a->size && b->size && a->start < kl_range_end(b) &&
	       b->start < kl_range_end(a);
}

/* The single place where an inclusive [first, last] becomes half-open.
 * A range ending at 2^64-1 cannot be represented and is refused. */
int kl_range_from_inclusive(uint64_t first, uint64_t last, struct kl_range *ret)
{
	if (last < first || last == UINT64_MAX)
		return -ERANGE;
	ret->start = first;
	ret->size = last - first + 1;
	return 0;
}

void kl_memmap_free(struct kl_memmap *m)
{
	free(m->e);
	m->e = NULL;
	m->n = 0;
}

int kl_memmap_add(struct kl_memmap *m, uint64_t start, uint64_t size, uint32_t type)
{
	struct kl_mem_entry *e;
	uint64_t end;

	if (!size || __builtin_add_overflow(start, size, &end))
		return -ERANGE;
	if (m->n >= KL_MEMMAP_ENTRIES_MAX)
		return -E2BIG;
	e = realloc(m->e, (m->n + 1) * sizeof(*e));
	if (!e)
		return -ENOMEM;
	m->e = e;
	m->e[m->n++] = (struct kl_mem_entry){ .r = { start, size }, .type = type };
	return 0;
}

static int cmp_entry(const void *a, const void *b)
{
	const struct kl_mem_entry *x = a, *y = b;

	if (x->r.start != y->r.start)
		return x->r.start < y->r.start ? -1 : 1;
	return x->r.size < y->r.size ? -1 : x->r.size > y->r.size;
}

void kl_memmap_sort(struct kl_memmap *m)
{
	if (m->n)
		qsort(m->e, m->n, sizeof(*m->e), cmp_entry);
}

int kl_memmap_carve(struct kl_memmap *m, const struct kl_range *r, uint32_t type)
{
	struct kl_memmap out = { 0 };
	uint64_t rs = r->start, re = kl_range_end(r);
	size_t i;
	int ret = 0;

	for (i = 0; i < m->n && ret == 0; i++) {
		const struct kl_mem_entry *e = &m->e[i];
		uint64_t es = e->r.start, ee = kl_range_end(&e->r);

		if (!kl_range_overlaps(&e->r, r)) {
			ret = kl_memmap_add(&out, es, e->r.size, e->type);
			continue;
		}
		if (es < rs)
			ret = kl_memmap_add(&out, es, rs - es, e->type);
		if (ret == 0 && ee > re)
			ret = kl_memmap_add(&out, re, ee - re, e->type);
	}
	if (ret == 0)
		ret = kl_memmap_add(&out, rs, r->size, type);
	if (ret < 0) {
		kl_memmap_free(&out);
		return ret;
	}
	kl_memmap_sort(&out);
	kl_memmap_free(m);
	*m = out;
	return 0;
}

static const struct {
	const char *name;
	uint32_t type;
} kl_mem_names[] = {
	{ "System RAM", KL_MEM_RAM },
	{ "Reserved", KL_MEM_RESERVED },
	{ "reserved", KL_MEM_RESERVED },
	{ "ACPI Tables", KL_MEM_ACPI },
	{ "ACPI Non-volatile Storage", KL_MEM_NVS },
	{ "Unusable memory", KL_MEM_UNUSABLE },
	{ "Persistent Memory", KL_MEM_PMEM },
	{ "Persistent Memory (legacy)", KL_MEM_PRAM },
	{ "Soft Reserved", KL_MEM_SOFT_RESERVED },
};

const char *kl_mem_type_name(uint32_t type)
{
	size_t i;

	for (i = 0; i < KL_ARRAY_SIZE(kl_mem_names); i++)
		if (kl_mem_names[i].type == type)
			return kl_mem_names[i].name;
	return "an unknown type";
}

static bool type_in(uint32_t t, const uint32_t *types, size_t n)
{
	while (n--)
		if (types[n] == t)
			return true;
	return false;
}

bool kl_memmap_covers(const struct kl_memmap *m, const struct kl_range *r, const uint32_t *types, size_t ntypes,
		      uint64_t *ret_where, uint32_t *ret_type)
{
	uint64_t pos = r->start, end = kl_range_end(r);
	size_t i;

	while (pos < end) {
		const struct kl_mem_entry *hit = NULL;

		for (i = 0; i < m->n && !hit; i++)
			if (pos >= m->e[i].r.start && pos - m->e[i].r.start < m->e[i].r.size)
				hit = &m->e[i];
		if (!hit || !type_in(hit->type, types, ntypes)) {
			*ret_where = pos;
			*ret_type = hit ? hit->type : 0;
			return false;
		}
		pos = kl_range_end(&hit->r);
	}
	return true;
}

uint32_t kl_mem_type_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < KL_ARRAY_SIZE(kl_mem_names); i++)
		if (!strcmp(name, kl_mem_names[i].name))
			return kl_mem_names[i].type;
	return 0;
}

/* Parse a hexadecimal number of at most 16 digits, no prefix required. */
static int parse_hex(const char **pp, const char *end, uint64_t *ret)
{
	const char *p = *pp;
	uint64_t v = 0;
	int digits = 0;

	if (end - p >= 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
		p += 2;
	for (; p < end; p++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (*p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (++digits > 16)
			return -ERANGE;
		v = v << 4 | (uint64_t)d;
	}
	if (!digits)
		return -EINVAL;
	*pp = p;
	*ret = v;
	return 0;
}

/* One line of /proc/iomem, [p, eol): "00100000-7ffdffff : System RAM",
 * indented two spaces a level for a child resource.  0 (*ret_name and
 * *ret_nlen point at the name in the text), or -EINVAL when malformed. */
static int iomem_line(const char *p, const char *eol, struct kl_range *ret_range, const char **ret_name,
		      size_t *ret_nlen)
{
	const char *q = p;
	uint64_t first, last;

	while (q < eol && (*q == ' ' || *q == '\t'))
		q++;
	if (parse_hex(&q, eol, &first) < 0 || q >= eol || *q != '-')
		return -EINVAL;
	q++;
	if (parse_hex(&q, eol, &last) < 0)
		return -EINVAL;
	if (eol - q < 3 || memcmp(q, " : ", 3) != 0)
		return -EINVAL;
	if (kl_range_from_inclusive(first, last, ret_range) < 0)
		return -EINVAL;
	*ret_name = q + 3;
	*ret_nlen = (size_t)(eol - (q + 3));
	return 0;
}

int kl_memmap_parse_iomem(const char *text, size_t len, struct kl_memmap *ret,
			  struct kl_err *err)
{
	struct kl_memmap m = { 0 };
	const char *p = text, *end = text + len;
	unsigned int lineno = 0;
	int r;

	for (; p < end; p++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *name;
		char namebuf[64];
		struct kl_range range;
		uint32_t type;
		size_t nlen;

		if (!eol)
			eol = end;
		lineno++;
		if (p == eol || *p == ' ' || *p == '\t') {
			p = eol; /* blank or a child resource */
			continue;
		}
		if (iomem_line(p, eol, &range, &name, &nlen) < 0) {
			kl_memmap_free(&m);
			return kl_fail(err, -EINVAL, "/proc/iomem: line %u is not 'start-end : name'", lineno);
		}
		p = eol;
		if (nlen >= sizeof(namebuf))
			continue; /* no memory type is that long */
		memcpy(namebuf, name, nlen);
		namebuf[nlen] = 0;
		type = kl_mem_type_from_name(namebuf);
		if (!type)
			continue; /* PCI windows, device ranges, ... */
		r = kl_memmap_add(&m, range.start, range.size, type);
		if (r < 0) {
			kl_memmap_free(&m);
			return kl_fail(err, r, "/proc/iomem: too many ranges (line %u)", lineno);
		}
	}
	kl_memmap_sort(&m);
	*ret = m;
	return 0;
}

uint64_t kl_iomem_total(const char *text, size_t len, const char *name)
{
	const char *p = text, *end = text + len;
	size_t want = strlen(name);
	uint64_t total = 0;

	for (; p < end; p++) {
		const char *eol = memchr(p, '\n', (size_t)(end - p)), *n;
		struct kl_range range;
		size_t nlen;

		if (!eol)
			eol = end;
		if (iomem_line(p, eol, &range, &n, &nlen) == 0 && nlen == want && !memcmp(n, name, want))
			total += range.size;
		p = eol;
	}
	return total;
}

static int parse_hex_field(const char *s, uint64_t *ret)
{
	const char *end = s + strlen(s);
	const char *p = s;
	int r;

	while (end > p && (end[-1] == '\n' || end[-1] == ' '))
		end--;
	r = parse_hex(&p, end, ret);
	if (r < 0)
		return r;
	return p == end ? 0 : -EINVAL;
}

int kl_memmap_add_firmware_entry(struct kl_memmap *m, const char *start,
				 const char *end, const char *type,
				 struct kl_err *err)
{
	char name[64];
	uint64_t first, last;
	struct kl_range range;
	uint32_t t;
	size_t n;
	int r;

	if (parse_hex_field(start, &first) < 0 || parse_hex_field(end, &last) < 0 ||
	    kl_range_from_inclusive(first, last, &range) < 0)
		return kl_fail(err, -EINVAL, "/sys/firmware/memmap: bad range '%.40s'-'%.40s'",
			       start, end);
	n = strcspn(type, "\n");
	if (n >= sizeof(name))
		n = sizeof(name) - 1;
	memcpy(name, type, n);
	name[n] = 0;
	t = kl_mem_type_from_name(name);
	if (!t)
		t = KL_MEM_RESERVED; /* unknown firmware types are not ours to use */
	r = kl_memmap_add(m, range.start, range.size, t);
	if (r < 0)
		return kl_fail(err, r, "/sys/firmware/memmap: too many entries");
	return 0;
}

void kl_freeset_free(struct kl_freeset *f)
{
	free(f->r);
	f->r = NULL;
	f->n = 0;
}

static int freeset_insert(struct kl_freeset *f, size_t at, struct kl_range r)
{
	struct kl_range *n;

	if (f->n >= KL_MEMMAP_ENTRIES_MAX * 2)
		return -E2BIG;
	n = realloc(f->r, (f->n + 1) * sizeof(*n));
	if (!n)
		return -ENOMEM;
	f->r = n;
	memmove(&f->r[at + 1], &f->r[at], (f->n - at) * sizeof(*n));
	f->r[at] = r;
	f->n++;
	return 0;
}

int kl_freeset_from_memmap(struct kl_freeset *f, const struct kl_memmap *m)
{
	size_t i;
	int r;

	*f = (struct kl_freeset){ 0 };
	for (i = 0; i < m->n; i++) {
		struct kl_range x = m->e[i].r;

		if (m->e[i].type != KL_MEM_RAM)
			continue;
		/* Merge with the previous range when adjacent or overlapping
		 * (the map is sorted by start). */
		if (f->n && x.start <= kl_range_end(&f->r[f->n - 1])) {
			struct kl_range *last = &f->r[f->n - 1];
			uint64_t end = KL_MAX(kl_range_end(last), kl_range_end(&x));

			last->size = end - last->start;
			continue;
		}
		r = freeset_insert(f, f->n, x);
		if (r < 0) {
			kl_freeset_free(f);
			return r;
		}
	}
	/* Anything that is not RAM in the map is never free, even where a
	 * RAM entry overlaps it. */
	for (i = 0; i < m->n; i++)
		if (m->e[i].type != KL_MEM_RAM) {
			r = kl_freeset_reserve(f, &m->e[i].r);
			if (r < 0) {
				kl_freeset_free(f);
				return r;
			}
		}
	return 0;
}

int kl_freeset_reserve(struct kl_freeset *f, const struct kl_range *res)
{
	size_t i = 0;

	while (i < f->n) {
		struct kl_range *x = &f->r[i];
		uint64_t xs = x->start, xe = kl_range_end(x);
		uint64_t rs = res->start, re = kl_range_end(res);

		if (!kl_range_overlaps(x, res)) {
			i++;
			continue;
		}
		if (rs <= xs && re >= xe) { /* swallowed whole */
			memmove(&f->r[i], &f->r[i + 1], (f->n - i - 1) * sizeof(*x));
			f->n--;
			continue;
		}
		if (rs > xs && re < xe) { /* punched in the middle */
			struct kl_range tail = { re, xe - re };
			int r;

			x->size = rs - xs;
			r = freeset_insert(f, i + 1, tail);
			if (r < 0)
				return r;
			i += 2;
			continue;
		}
		if (rs <= xs) { /* clips the front */
			x->start = re;
			x->size = xe - re;
		} else { /* clips the back */
			x->size = rs - xs;
		}
		i++;
	}
	return 0;
}

bool kl_freeset_contains(const struct kl_freeset *f, const struct kl_range *r)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		if (r->start >= f->r[i].start && kl_range_end(r) <= kl_range_end(&f->r[i]))
			return true;
	return false;
}

int kl_freeset_place(struct kl_freeset *f, const struct kl_place_req *req,
		     uint64_t *ret_start)
{
	uint64_t align = req->align ? req->align : KL_PAGE_SIZE;
	uint64_t max = req->max ? req->max : UINT64_MAX;
	size_t k;

	if (!req->size || !kl_is_pow2(align))
		return -EINVAL;
	for (k = 0; k < f->n; k++) {
		size_t i = req->top_down ? f->n - 1 - k : k;
		uint64_t lo = KL_MAX(f->r[i].start, req->min);
		uint64_t hi = KL_MIN(kl_range_end(&f->r[i]), max);
		uint64_t start;

		if (hi <= lo || hi - lo < req->size)
			continue;
		if (req->top_down)
			start = kl_align_down(hi - req->size, align);
		else
			start = kl_align_up(lo, align);
		if (start < lo || start > hi || hi - start < req->size)
			continue;
		{
			struct kl_range got = { start, req->size };
			int r = kl_freeset_reserve(f, &got);

			if (r < 0)
				return r;
		}
		*ret_start = start;
		return 0;
	}
	return -ENOMEM;
}

/* Aligned positions for req inside free range i: the first, and how many. */
static uint64_t slots_in(const struct kl_range *fr, const struct kl_place_req *req, uint64_t align,
			 uint64_t *ret_first)
{
	uint64_t max = req->max ? req->max : UINT64_MAX;
	uint64_t lo = KL_MAX(fr->start, req->min), hi = KL_MIN(kl_range_end(fr), max), first;

	if (hi <= lo || hi - lo < req->size)
		return 0;
	first = kl_align_up(lo, align);
	if (first < lo || first > hi - req->size)
		return 0;
	*ret_first = first;
	return (hi - req->size - first) / align + 1;
}

int kl_freeset_place_random(struct kl_freeset *f, const struct kl_place_req *req, uint64_t rnd,
			    uint64_t *ret_start)
{
	uint64_t align = req->align ? req->align : KL_PAGE_SIZE, total = 0, pick, first;
	struct kl_range got;
	size_t i;

	if (!req->size || !kl_is_pow2(align))
		return -EINVAL;
	for (i = 0; i < f->n; i++)
		total += slots_in(&f->r[i], req, align, &first);
	if (!total)
		return -ENOMEM;
	pick = rnd % total;
	for (i = 0; i < f->n; i++) {
		uint64_t n = slots_in(&f->r[i], req, align, &first);

		if (pick < n) {
			got = (struct kl_range){ first + pick * align, req->size };
			if (kl_freeset_reserve(f, &got) < 0)
				return -ENOMEM;
			*ret_start = got.start;
			return 0;
		}
		pick -= n;
	}
	return -ENOMEM; /* not reached */
}
