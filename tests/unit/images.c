/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "images.h"
#include "lib/arch/x86/bootparam.h"
#include "lib/base/util.h"

uint8_t *fx_bzimage(const struct fx_bzimage_opts *o, size_t *ret_len)
{
	uint32_t klen = o->kernel_len ? o->kernel_len : 64 * 1024;

	if (o->payload && klen < 0x100 + o->payload_len)
		klen = (uint32_t)kl_align_up(0x100 + o->payload_len, 4096);
	size_t setup = 2 * 512, len = setup + klen, i;
	uint8_t *b = calloc(1, len);

	if (!b)
		abort();
	b[KL_HDR_SETUP_SECTS] = 1;
	kl_put_le16(b + KL_HDR_BOOT_FLAG, KL_BOOT_FLAG);
	b[0x200] = 0xeb;
	b[0x201] = (uint8_t)(KL_HDR_KERNEL_INFO_OFFSET + 4 - 0x202);
	kl_put_le32(b + KL_HDR_HEADER, KL_HDR_MAGIC);
	kl_put_le16(b + KL_HDR_VERSION, o->version ? o->version : 0x020f);
	kl_put_le16(b + KL_HDR_KERNEL_VERSION, 0x300 - 0x200);
	memcpy(b + 0x300, "6.1.0-test (fixture) #1", 24);
	b[KL_HDR_LOADFLAGS] = KL_LOADED_HIGH;
	kl_put_le32(b + KL_HDR_INITRD_ADDR_MAX, 0x7fffffff);
	kl_put_le32(b + KL_HDR_KERNEL_ALIGNMENT, 0x200000);
	b[KL_HDR_RELOCATABLE_KERNEL] = o->relocatable == 0xff ? 0 : 1;
	b[KL_HDR_MIN_ALIGNMENT] = 21;
	kl_put_le16(b + KL_HDR_XLOADFLAGS,
		    o->xloadflags ? o->xloadflags : KL_XLF_KERNEL_64 | KL_XLF_CAN_BE_LOADED_ABOVE_4G);
	kl_put_le32(b + KL_HDR_CMDLINE_SIZE, o->cmdline_size ? o->cmdline_size : 2047);
	kl_put_le32(b + KL_HDR_PAYLOAD_OFFSET, o->payload_offset ? o->payload_offset : 0x100);
	kl_put_le32(b + KL_HDR_PAYLOAD_LENGTH, o->payload_length ? o->payload_length : 0x1000);
	kl_put_le64(b + KL_HDR_PREF_ADDRESS, 0x1000000);
	kl_put_le32(b + KL_HDR_INIT_SIZE, o->init_size ? o->init_size : 32 << 20);
	for (i = setup; i < len; i++)
		b[i] = (uint8_t)(i * 7);
	if (o->payload) {
		memcpy(b + setup + 0x100, o->payload, o->payload_len);
		kl_put_le32(b + KL_HDR_PAYLOAD_LENGTH, (uint32_t)o->payload_len);
	}
	*ret_len = len;
	return b;
}

uint8_t *fx_elf(const struct fx_elf_load *loads, size_t n, uint64_t entry, size_t *ret_len)
{
	size_t hdr = 64 + n * 56, len = 0x1000, i;
	uint64_t off = 0x1000;
	uint8_t *b;

	for (i = 0; i < n; i++)
		len += loads[i].filesz;
	b = calloc(1, len);
	if (!b)
		abort();
	if (hdr > 0x1000)
		abort();
	memcpy(b, "\x7f" "ELF", 4);
	b[4] = 2; /* ELFCLASS64 */
	b[5] = 1; /* little-endian */
	b[6] = 1; /* EV_CURRENT */
	kl_put_le16(b + 16, 2);  /* ET_EXEC */
	kl_put_le16(b + 18, 62); /* EM_X86_64 */
	kl_put_le32(b + 20, 1);
	kl_put_le64(b + 24, entry);
	kl_put_le64(b + 32, 64); /* e_phoff */
	kl_put_le16(b + 52, 64); /* e_ehsize */
	kl_put_le16(b + 54, 56); /* e_phentsize */
	kl_put_le16(b + 56, (uint16_t)n);
	for (i = 0; i < n; i++) {
		uint8_t *p = b + 64 + i * 56;

		kl_put_le32(p, 1); /* PT_LOAD */
		kl_put_le32(p + 4, 5);
		kl_put_le64(p + 8, off);
		kl_put_le64(p + 16, 0xffffffff80000000ULL + loads[i].paddr);
		kl_put_le64(p + 24, loads[i].paddr);
		kl_put_le64(p + 32, loads[i].filesz);
		kl_put_le64(p + 40, loads[i].memsz);
		kl_put_le64(p + 48, 0x1000);
		memset(b + off, (int)(0x40 + i), loads[i].filesz);
		off += loads[i].filesz;
	}
	*ret_len = len;
	return b;
}

uint8_t *fx_elf_sections(const struct fx_elf_load *loads, size_t n, uint64_t entry,
			 const struct fx_elf_section *secs, size_t nsecs, size_t *ret_len)
{
	size_t len, strsz = 1 + sizeof(".shstrtab"), stroff, shoff, i, pos = 1;
	uint8_t *elf = fx_elf(loads, n, entry, &len), *b, *sh;

	for (i = 0; i < nsecs; i++)
		strsz += strlen(secs[i].name) + 1;
	stroff = len;
	shoff = (stroff + strsz + 7) & ~(size_t)7;
	b = calloc(1, shoff + (nsecs + 2) * 64);
	if (!b)
		abort();
	memcpy(b, elf, len);
	free(elf);
	kl_put_le64(b + 40, shoff);                /* e_shoff */
	kl_put_le16(b + 58, 64);                   /* e_shentsize */
	kl_put_le16(b + 60, (uint16_t)(nsecs + 2)); /* e_shnum */
	kl_put_le16(b + 62, (uint16_t)(nsecs + 1)); /* e_shstrndx */
	for (i = 0; i <= nsecs; i++) {
		const char *name = i < nsecs ? secs[i].name : ".shstrtab";

		sh = b + shoff + (i + 1) * 64;
		kl_put_le32(sh, (uint32_t)pos); /* sh_name */
		memcpy(b + stroff + pos, name, strlen(name));
		pos += strlen(name) + 1;
		if (i == nsecs) {
			kl_put_le32(sh + 4, 3); /* SHT_STRTAB */
			kl_put_le64(sh + 24, stroff);
			kl_put_le64(sh + 32, strsz);
			break;
		}
		kl_put_le32(sh + 4, 8);  /* SHT_NOBITS */
		kl_put_le64(sh + 8, 3);  /* SHF_WRITE | SHF_ALLOC */
		kl_put_le64(sh + 16, 0xffffffff80000000ULL + secs[i].paddr);
		kl_put_le64(sh + 24, stroff);
		kl_put_le64(sh + 32, secs[i].size);
	}
	*ret_len = shoff + (nsecs + 2) * 64;
	return b;
}

uint8_t *fx_gzip(const void *in, size_t n, size_t *ret_len)
{
	z_stream zs = { 0 };
	size_t cap = n + n / 100 + 1024;
	uint8_t *out = malloc(cap);

	if (!out || deflateInit2(&zs, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK)
		abort();
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	if (deflate(&zs, Z_FINISH) != Z_STREAM_END)
		abort();
	*ret_len = zs.total_out;
	deflateEnd(&zs);
	return out;
}

uint8_t *fx_uki(const struct fx_pe_section *secs, size_t n, size_t truncate, size_t *ret_len)
{
	const size_t pe = 0x80, opt = 240, table = pe + 4 + 20 + opt;
	size_t i, off = (table + n * 40 + 511) & ~(size_t)511, end = off, len;
	uint32_t *raw_off = calloc(n + 1, sizeof(*raw_off)), *raw_size = calloc(n + 1, sizeof(*raw_size));
	uint8_t *b;

	if (!raw_off || !raw_size)
		abort();
	for (i = 0; i < n; i++) {
		raw_off[i] = secs[i].raw_off ? secs[i].raw_off : (uint32_t)off;
		raw_size[i] = secs[i].raw_size ? secs[i].raw_size : (uint32_t)((secs[i].len + 511) & ~(size_t)511);
		off = raw_off[i] + raw_size[i];
		if (raw_off[i] + secs[i].len > end)
			end = raw_off[i] + secs[i].len;
		if (off > end)
			end = off;
	}
	b = calloc(1, end);
	if (!b)
		abort();
	b[0] = 'M';
	b[1] = 'Z';
	kl_put_le32(b + 0x3c, (uint32_t)pe);
	memcpy(b + pe, "PE\0\0", 4);
	kl_put_le16(b + pe + 4, 0x8664);                 /* x86_64 */
	kl_put_le16(b + pe + 4 + 2, (uint16_t)n);
	kl_put_le16(b + pe + 4 + 16, (uint16_t)opt);
	kl_put_le16(b + pe + 4 + 20, 0x20b);             /* PE32+ */
	for (i = 0; i < n; i++) {
		uint8_t *h = b + table + i * 40;

		memcpy(h, secs[i].name, strnlen(secs[i].name, 8));
		kl_put_le32(h + 8, secs[i].vsize ? secs[i].vsize : (uint32_t)secs[i].len);
		kl_put_le32(h + 12, 0x10000 * (uint32_t)(i + 1));
		kl_put_le32(h + 16, raw_size[i]);
		kl_put_le32(h + 20, raw_off[i]);
		if (raw_off[i] + secs[i].len <= end && secs[i].len)
			memcpy(b + raw_off[i], secs[i].data, secs[i].len);
	}
	free(raw_off);
	free(raw_size);
	len = truncate && truncate < end ? truncate : end;
	*ret_len = len;
	return b;
}

/* ---- vmcores --------------------------------------------------------------- */

/* memory at FX_VMCORE_BASE + off */
static uint8_t *vmcore_at(uint8_t *b, uint64_t off)
{
	return b + FX_VMCORE_LOAD_OFF + off;
}

static void vmcore_record(uint8_t *b, uint64_t id, unsigned int state, uint64_t begin, uint64_t next, uint64_t ts,
			  const char *text, size_t len)
{
	uint8_t *d = vmcore_at(b, 0x200 + (id & 3) * 24), *i = vmcore_at(b, 0x300 + (id & 3) * 88);

	kl_put_le64(d, (uint64_t)state << 62 | id);
	kl_put_le64(d + 8, begin);
	kl_put_le64(d + 16, next);
	kl_put_le64(i, id);
	kl_put_le64(i + 8, ts);
	kl_put_le16(i + 16, (uint16_t)len);
	if (text) {
		kl_put_le64(vmcore_at(b, 0x800 + (begin > next ? 0 : begin % 256)), id);
		memcpy(vmcore_at(b, 0x800 + (begin > next ? 0 : begin % 256) + 8), text, len);
	}
}

uint8_t *fx_vmcore(const char *info, size_t *ret_len)
{
	size_t n = strlen(info), nsz = 12 + 12 + ((n + 3) & ~(size_t)3);
	uint8_t *h, *b;

	*ret_len = FX_VMCORE_LOAD_OFF + FX_VMCORE_MEM_SIZE;
	b = calloc(1, *ret_len);
	if (!b)
		abort();
	memcpy(b, "\177ELF\2\1\1", 7);
	kl_put_le16(b + 16, 4);  /* ET_CORE */
	kl_put_le16(b + 18, 62); /* EM_X86_64 */
	kl_put_le32(b + 20, 1);
	kl_put_le64(b + 32, 64); /* e_phoff */
	kl_put_le16(b + 52, 64);
	kl_put_le16(b + 54, 56);
	kl_put_le16(b + 56, 2);
	h = b + 64;
	kl_put_le32(h, 4); /* PT_NOTE */
	kl_put_le64(h + 8, 0x100);
	kl_put_le64(h + 32, nsz);
	kl_put_le64(h + 40, nsz);
	h += 56;
	kl_put_le32(h, 1); /* PT_LOAD */
	kl_put_le64(h + 8, FX_VMCORE_LOAD_OFF);
	kl_put_le64(h + 16, FX_VMCORE_BASE);
	kl_put_le64(h + 24, 0x1000000);
	kl_put_le64(h + 32, FX_VMCORE_MEM_SIZE);
	kl_put_le64(h + 40, FX_VMCORE_MEM_SIZE);
	h = b + 0x100;
	kl_put_le32(h, 11);
	kl_put_le32(h + 4, (uint32_t)n);
	kl_put_le32(h + 8, 0);
	memcpy(h + 12, "VMCOREINFO", 11);
	memcpy(h + 24, info, n);
	/* prb points at the ring buffer at +0x100 */
	kl_put_le64(vmcore_at(b, 0), FX_VMCORE_BASE + 0x100);
	kl_put_le32(vmcore_at(b, 0x100), 2);                 /* 4 descriptors */
	kl_put_le64(vmcore_at(b, 0x108), FX_VMCORE_BASE + 0x200);
	kl_put_le64(vmcore_at(b, 0x110), FX_VMCORE_BASE + 0x300);
	kl_put_le64(vmcore_at(b, 0x118), 8);                 /* head_id */
	kl_put_le64(vmcore_at(b, 0x120), 5);                 /* tail_id */
	kl_put_le32(vmcore_at(b, 0x130), 8);                 /* 256 bytes of text */
	kl_put_le64(vmcore_at(b, 0x138), FX_VMCORE_BASE + 0x800);
	vmcore_record(b, 5, 2, 0x10, 0x1d, 1500000000ULL, "hello", 5);
	vmcore_record(b, 6, 0, 0x20, 0x30, 1600000000ULL, "reserved", 8); /* being written: left out */
	vmcore_record(b, 7, 2, 0x40, 0x40, 2000000000ULL, NULL, 0);        /* no data */
	vmcore_record(b, 8, 1, 0x2f0, 0x130, 123456789012345ULL, "wrap\001\tz\377", 8); /* wraps: at 0 */
	return b;
}

