/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Unified kernel images: the PE/COFF headers that locate sections (uki.h). */
#include <errno.h>
#include <string.h>

#include "lib/base/util.h"
#include "lib/format/uki.h"

#define PE_SIG_SIZE 4

bool kl_pe_probe(const void *buf, size_t len)
{
	const uint8_t *b = buf;
	uint32_t off;

	if (len < KL_PE_LFANEW_OFF + 4 || b[0] != 'M' || b[1] != 'Z')
		return false;
	off = kl_le32(b + KL_PE_LFANEW_OFF);
	return off <= len && len - off >= PE_SIG_SIZE && !memcmp(b + off, "PE\0\0", PE_SIG_SIZE);
}

static void read_section(const uint8_t *p, struct kl_pe_section *s)
{
	memcpy(s->name, p, sizeof(s->name));
	s->virtual_size = kl_le32(p + 8);
	s->virtual_address = kl_le32(p + 12);
	s->raw_size = kl_le32(p + 16);
	s->raw_off = kl_le32(p + 20);
	s->reloc_off = kl_le32(p + 24);
	s->lineno_off = kl_le32(p + 28);
	s->nr_relocs = kl_le16(p + 32);
	s->nr_linenos = kl_le16(p + 34);
	s->characteristics = kl_le32(p + 36);
}

/* The section's name for messages: at most 8 bytes, printable. */
static void section_name(const struct kl_pe_section *s, char out[9])
{
	size_t i;

	for (i = 0; i < 8 && s->name[i]; i++)
		out[i] = s->name[i] >= 0x20 && s->name[i] < 0x7f ? s->name[i] : '?';
	out[i] = '\0';
}

static bool named(const struct kl_pe_section *s, const char *name)
{
	size_t n = strlen(name);

	return !memcmp(s->name, name, n) && (n == 8 || s->name[n] == '\0');
}

/* Read the section table at off into secs[]; checks each section's data
 * lies in the file and that no two overlap. */
static int read_table(const uint8_t *b, size_t len, size_t off, size_t n, struct kl_pe_section *secs,
		      struct kl_err *err)
{
	char name[9], other[9];
	size_t i, j;

	if (off > len || n * sizeof(*secs) > len - off)
		return kl_fail(err, -EINVAL, "PE section table (%zu sections at 0x%zx) runs past the end of the file",
			       n, off);
	for (i = 0; i < n; i++) {
		read_section(b + off + i * sizeof(*secs), &secs[i]);
		section_name(&secs[i], name);
		if (secs[i].raw_size && (secs[i].raw_off > len || secs[i].raw_size > len - secs[i].raw_off))
			return kl_fail(err, -EINVAL,
				       "PE section %s (0x%x bytes at 0x%x) lies outside the file (%zu bytes)", name,
				       secs[i].raw_size, secs[i].raw_off, len);
	}
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++) {
			const struct kl_pe_section *a = &secs[i], *c = &secs[j];

			if (!a->raw_size || !c->raw_size)
				continue;
			if ((uint64_t)a->raw_off < (uint64_t)c->raw_off + c->raw_size &&
			    (uint64_t)c->raw_off < (uint64_t)a->raw_off + a->raw_size) {
				section_name(a, name);
				section_name(c, other);
				return kl_fail(err, -EINVAL, "PE sections %s and %s overlap in the file", other, name);
			}
		}
	return 0;
}

static int take(const uint8_t *b, const struct kl_pe_section *s, struct kl_slice *out, struct kl_err *err)
{
	char name[9];

	if (out->p) {
		section_name(s, name);
		return kl_fail(err, -EINVAL, "PE section %s is given twice", name);
	}
	out->p = b + s->raw_off;
	out->len = KL_MIN(s->virtual_size, s->raw_size);
	if (!out->len) /* present, but empty: as if absent, and never NULL */
		out->p = b;
	return 0;
}

int kl_uki_parse(const void *buf, size_t len, struct kl_uki *ret, struct kl_err *err)
{
	const uint8_t *b = buf;
	struct kl_pe_section secs[KL_PE_SECTIONS_MAX] = { 0 }; /* read_table fills the first n */
	struct kl_uki u = { 0 };
	size_t pe, table;
	uint16_t n, opt;
	size_t i;
	int r;

	if (!kl_pe_probe(buf, len))
		return kl_fail(err, -ENOEXEC, "not a PE file");
	pe = kl_le32(b + KL_PE_LFANEW_OFF);
	if (len - pe < PE_SIG_SIZE + sizeof(struct kl_coff_header))
		return kl_fail(err, -EINVAL, "PE file header at 0x%zx runs past the end of the file", pe);
	n = kl_le16(b + pe + PE_SIG_SIZE + 2);
	opt = kl_le16(b + pe + PE_SIG_SIZE + 16);
	if (n > KL_PE_SECTIONS_MAX)
		return kl_fail(err, -EINVAL, "PE file has %u sections (at most %d)", n, KL_PE_SECTIONS_MAX);
	table = pe + PE_SIG_SIZE + sizeof(struct kl_coff_header) + opt; /* no overflow: each part < 4 GiB */
	r = read_table(b, len, table, n, secs, err);
	if (r < 0)
		return r;
	for (i = 0; i < n && r == 0; i++) {
		if (named(&secs[i], ".linux"))
			r = take(b, &secs[i], &u.linux_, err);
		else if (named(&secs[i], ".initrd"))
			r = take(b, &secs[i], &u.initrd, err);
		else if (named(&secs[i], ".cmdline"))
			r = take(b, &secs[i], &u.cmdline, err);
	}
	if (r < 0)
		return r;
	if (!u.linux_.len)
		return kl_fail(err, -ENOEXEC, "a PE file without a .linux section (not a unified kernel image)");
	while (u.cmdline.len && (u.cmdline.p[u.cmdline.len - 1] == '\0' || u.cmdline.p[u.cmdline.len - 1] == '\n'))
		u.cmdline.len--;
	if (u.cmdline.len && memchr(u.cmdline.p, '\0', u.cmdline.len))
		return kl_fail(err, -EINVAL, "PE section .cmdline holds a NUL byte inside the command line");
	u.nr_sections = n;
	*ret = u;
	return 0;
}
