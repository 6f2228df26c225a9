/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The x86 planner: golden plans for a real QEMU memory map, and the
 * contents of what it builds (boot_params, setup_data, the purgatory's
 * parameter block) checked field by field.
 */
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "fixture.h"
#include "lib/arch/x86/bootparam.h"
#include "lib/arch/x86/x86.h"
#include "lib/base/util.h"
#include "lib/handoff/handoff.h"
#include "lib/plan/plan.h"
#include "purgatory/crc32c.h"
#include "purgatory/params.h"
#include "purgatory/timeline.h"
#include "purgatory/xxh64.h"
#include "purgatory/zero.h"

static uint8_t initrd[100 * 1024 + 17];

static char *plan_text(const struct kl_plan *p)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	assert_non_null(f);
	kl_plan_print(p, f);
	fclose(f);
	return text;
}

static const struct kl_segment *seg(const struct kl_plan *p, const char *name)
{
	size_t i;

	for (i = 0; i < p->nr_segments; i++)
		if (!strcmp(p->seg[i].name, name))
			return &p->seg[i];
	fail_msg("no %s segment", name);
	return NULL;
}

static int plan_bz(const struct fx_bzimage_opts *bo, struct kl_load_opts *lo, const char *sysroot,
		   struct kl_plan *p, struct kl_err *err)
{
	struct kl_sysinfo si;
	size_t len;
	uint8_t *k = fx_bzimage(bo, &len);
	int r;

	fx_sysinfo(sysroot, &si);
	lo->kernel = k;
	lo->kernel_len = len;
	r = kl_x86_plan(&si, lo, p, err);
	kl_sysinfo_free(&si);
	free(k);
	return r;
}

static void golden_bzimage(void **state)
{
	struct kl_load_opts lo = { .initrd = initrd, .initrd_len = sizeof(initrd),
				   .boot.cmdline = "console=ttyS0 quiet", .boot.verify = KL_VERIFY_SHA256 };
	struct kl_plan p = { 0 };
	struct kl_err err = { { 0 } };
	char *t;

	(void)state;
	if (plan_bz(&(struct fx_bzimage_opts){ 0 }, &lo, "qemu-2g", &p, &err) < 0)
		fail_msg("%s", err.msg);
	t = plan_text(&p);
	fx_golden("bzimage-qemu-2g.plan", t);
	free(t);
	kl_plan_free(&p);
}

static void golden_bzimage_mem_max(void **state)
{
	struct kl_load_opts lo = { .initrd = initrd, .initrd_len = sizeof(initrd), .boot.verify = KL_VERIFY_NONE,
				   .boot.mem_min = 0x10000000, .boot.mem_max = 0x40000000 };
	struct kl_plan p = { 0 };
	struct kl_err err = { { 0 } };
	char *t;
	size_t i;

	(void)state;
	if (plan_bz(&(struct fx_bzimage_opts){ 0 }, &lo, "qemu-2g", &p, &err) < 0)
		fail_msg("%s", err.msg);
	for (i = 0; i < p.nr_segments; i++) {
		assert_true(p.seg[i].mem >= 0x10000000);
		assert_true(p.seg[i].mem + p.seg[i].memsz <= 0x40000000);
	}
	t = plan_text(&p);
	fx_golden("bzimage-qemu-2g-mem-max.plan", t);
	free(t);
	kl_plan_free(&p);
}

static void golden_elf(void **state)
{
	const struct fx_elf_load l[] = { { 0x1000000, 0x20000, 0x20000 }, { 0x1200000, 0x8000, 0x40000 } };
	struct kl_load_opts lo = { .initrd = initrd, .initrd_len = sizeof(initrd), .boot.cmdline = "ro",
				   .boot.verify = KL_VERIFY_SHA256 };
	struct kl_sysinfo si;
	struct kl_plan p = { 0 };
	struct kl_err err = { { 0 } };
	size_t len;
	uint8_t *k = fx_elf(l, 2, 0x1000000, &len);
	const uint8_t *bp;
	char *t;

	(void)state;
	fx_sysinfo("qemu-2g", &si);
	lo.kernel = k;
	lo.kernel_len = len;
	if (kl_x86_plan(&si, &lo, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(p.format, "elf-x86_64");
	assert_int_equal(p.kernel_entry, 0x1000000);
	/* the second PT_LOAD's bss (memsz > filesz) is covered */
	assert_int_equal(p.seg[1].mem, 0x1200000);
	assert_int_equal(p.seg[1].memsz, 0x40000);
	assert_int_equal(p.seg[1].bufsz, 0x8000);
	bp = seg(&p, "params")->buf;
	assert_int_equal(kl_le32(bp + KL_HDR_HEADER), KL_HDR_MAGIC);
	assert_int_equal(kl_le16(bp + KL_HDR_VERSION), 0x020f);
	t = plan_text(&p);
	fx_golden("elf-qemu-2g.plan", t);
	free(t);
	kl_plan_free(&p);
	kl_sysinfo_free(&si);
	free(k);
}

static void boot_params_contents(void **state)
{
	struct kl_load_opts lo = { .initrd = initrd, .initrd_len = sizeof(initrd),
				   .boot.cmdline = "console=ttyS0", .boot.verify = KL_VERIFY_SHA256 };
	struct kl_plan p = { 0 };
	const struct kl_segment *ps, *rd, *kn;
	const uint8_t *bp;
	uint64_t cmd, sd;

	(void)state;
	memset(lo.rng_seed, 0xab, sizeof(lo.rng_seed));
	assert_int_equal(plan_bz(&(struct fx_bzimage_opts){ 0 }, &lo, "qemu-2g", &p, NULL), 0);
	ps = seg(&p, "params");
	rd = seg(&p, "initrd");
	kn = seg(&p, "kernel");
	bp = ps->buf;
	assert_int_equal(p.boot_params, ps->mem);
	assert_int_equal(p.kernel_entry, kn->mem + 0x200);
	assert_int_equal(kn->mem % 0x200000, 0);
	assert_true(kn->mem >= 0x1000000);   /* not below pref_address */
	assert_true(kn->memsz >= 32 << 20);  /* init_size of room */
	/* the setup header is the image's, with our loader fields */
	assert_int_equal(kl_le32(bp + KL_HDR_HEADER), KL_HDR_MAGIC);
	assert_int_equal(bp[KL_HDR_TYPE_OF_LOADER], 0xff);
	assert_int_equal(kl_le32(bp + KL_HDR_KERNEL_ALIGNMENT), 0x200000);
	/* command line: pointer inside the segment, high bits in ext_ */
	cmd = kl_le32(bp + KL_HDR_CMD_LINE_PTR) | (uint64_t)kl_le32(bp + KL_BP_EXT_CMD_LINE_PTR) << 32;
	assert_true(cmd >= ps->mem && cmd < ps->mem + ps->bufsz);
	assert_string_equal((const char *)bp + (cmd - ps->mem), "console=ttyS0");
	/* initrd */
	assert_int_equal(kl_le32(bp + KL_HDR_RAMDISK_IMAGE) | (uint64_t)kl_le32(bp + KL_BP_EXT_RAMDISK_IMAGE) << 32,
			 rd->mem);
	assert_int_equal(kl_le32(bp + KL_HDR_RAMDISK_SIZE), sizeof(initrd));
	assert_true(rd->mem + rd->bufsz <= 0x80000000); /* below initrd_addr_max + 1 */
	/* e820 from the firmware map */
	assert_int_equal(bp[KL_BP_E820_ENTRIES], 7);
	assert_int_equal(kl_le64(bp + KL_BP_E820_TABLE + 3 * 20), 0x100000);
	assert_int_equal(kl_le32(bp + KL_BP_E820_TABLE + 3 * 20 + 16), 1);
	/* setup_data: the RNG seed node, then the timeline record, last */
	sd = kl_le64(bp + KL_HDR_SETUP_DATA);
	assert_true(sd > cmd && sd < ps->mem + ps->bufsz);
	assert_int_equal(kl_le32(bp + (sd - ps->mem) + 8), KL_SETUP_RNG_SEED);
	assert_int_equal(kl_le32(bp + (sd - ps->mem) + 12), 32);
	assert_int_equal(bp[(sd - ps->mem) + 16], 0xab);
	sd = kl_le64(bp + (sd - ps->mem));
	assert_true(sd > cmd && sd + 16 + sizeof(struct kl_tl_record) == ps->mem + ps->bufsz);
	assert_int_equal(kl_le64(bp + (sd - ps->mem)), 0); /* last node */
	assert_int_equal(kl_le32(bp + (sd - ps->mem) + 8), KL_TL_SETUP_TYPE);
	assert_int_equal(kl_le32(bp + (sd - ps->mem) + 12), sizeof(struct kl_tl_record));
	{
		/* laid out for the purgatory: magic, version, size, nothing stamped */
		const uint8_t *t = bp + (sd - ps->mem) + 16;
		size_t i;

		assert_int_equal(kl_le32(t), KL_TL_MAGIC);
		assert_int_equal(kl_le16(t + 4), KL_TL_VERSION);
		assert_int_equal(kl_le16(t + 6), sizeof(struct kl_tl_record));
		for (i = 8; i < sizeof(struct kl_tl_record); i++)
			assert_int_equal(t[i], 0);
	}
	kl_plan_free(&p);
}

static void purgatory_block_is_complete(void **state)
{
	struct kl_load_opts lo = { .initrd = initrd, .initrd_len = sizeof(initrd), .boot.verify = KL_VERIFY_SHA256,
				   .boot.console_serial = true, .boot.serial_port = 0x2f8, .boot.serial_baud = 9600 };
	struct kl_plan p = { 0 };
	struct kl_purg_params pp;
	const struct kl_segment *pg, *ps;
	uint32_t crc;
	size_t i;

	(void)state;
	assert_int_equal(plan_bz(&(struct fx_bzimage_opts){ 0 }, &lo, "qemu-2g", &p, NULL), 0);
	pg = seg(&p, "purgatory");
	assert_int_equal(p.entry, pg->mem);
	memcpy(&pp, (const uint8_t *)pg->buf + KL_PURG_PARAMS_OFFSET, sizeof(pp));
	assert_int_equal(pp.magic, KL_PURG_MAGIC);
	assert_int_equal(pp.version, KL_PURG_VERSION);
	assert_int_equal(pp.size, sizeof(pp));
	assert_int_equal(pp.entry, p.kernel_entry);
	assert_int_equal(pp.rsi, p.boot_params);
	assert_int_equal(pp.flags, KL_PURG_F_VERIFY_SHA256 | KL_PURG_F_SERIAL);
	assert_int_equal(pp.serial_port, 0x2f8);
	assert_int_equal(pp.serial_baud, 9600);
	assert_int_equal(pp.nr_segments, p.nr_segments - 1); /* all but itself */
	/* the timeline record: the end of the boot parameters, left out of
	 * their check */
	ps = seg(&p, "params");
	assert_int_equal(pp.timeline, ps->mem + ps->bufsz - sizeof(struct kl_tl_record));
	crc = pp.checksum;
	pp.checksum = 0;
	assert_int_equal(crc, (uint32_t)crc32(0L, (const Bytef *)&pp, sizeof(pp)));
	for (i = 0; i < pp.nr_segments; i++) {
		const struct kl_segment *s = NULL;
		uint8_t d[32];
		size_t j;

		for (j = 0; j < p.nr_segments; j++)
			if (p.seg[j].mem == pp.seg[i].addr)
				s = &p.seg[j];
		assert_non_null(s);
		assert_string_not_equal(s->name, "purgatory");
		assert_int_equal(pp.seg[i].len, s == ps ? pp.timeline - ps->mem : s->bufsz);
		assert_true(EVP_Digest(s->buf, pp.seg[i].len, d, NULL, EVP_sha256(), NULL));
		assert_memory_equal(d, pp.seg[i].sha256, 32);
	}
	kl_plan_free(&p);
}

/* More than 128 e820 entries: the rest go to a SETUP_E820_EXT node ahead
 * of the RNG seed. */
/* The CRC-32C of the initrd, when the caller knows it (the preload cache
 * checked it over the same bytes), goes to the purgatory as it is; else it
 * is computed. */
static uint32_t initrd_crc_in_block(struct kl_load_opts *lo)
{
	struct kl_plan p = { 0 };
	struct kl_purg_params pp;
	uint64_t at;
	uint32_t crc = 0;
	size_t i;

	assert_int_equal(plan_bz(&(struct fx_bzimage_opts){ 0 }, lo, "qemu-2g", &p, NULL), 0);
	at = seg(&p, "initrd")->mem;
	memcpy(&pp, (const uint8_t *)seg(&p, "purgatory")->buf + KL_PURG_PARAMS_OFFSET, sizeof(pp));
	for (i = 0; i < pp.nr_segments; i++)
		if (pp.seg[i].addr == at)
			crc = kl_le32(pp.seg[i].sha256);
	kl_plan_free(&p);
	return crc;
}

static void known_initrd_crc_is_not_recomputed(void **state)
{
	struct kl_load_opts lo = { .initrd = initrd, .initrd_len = sizeof(initrd), .boot.verify = KL_VERIFY_CRC32C };

	(void)state;
	assert_int_equal(initrd_crc_in_block(&lo), kl_crc32c(initrd, sizeof(initrd)));
	lo.initrd_crc32c_known = true;
	lo.initrd_crc32c = 0x12345678; /* not the real one: proves it is taken as given */
	assert_int_equal(initrd_crc_in_block(&lo), 0x12345678);
}

static void e820_ext_for_large_maps(void **state)
{
	struct kl_sysinfo si = { 0 };
	struct kl_load_opts lo = { .boot.verify = KL_VERIFY_NONE };
	struct kl_plan p = { 0 };
	struct kl_err err = { { 0 } };
	const uint8_t *bp;
	uint64_t sd, next;
	size_t len, i;
	uint8_t *k = fx_bzimage(&(struct fx_bzimage_opts){ 0 }, &len);
	const struct kl_segment *ps;

	(void)state;
	assert_int_equal(kl_memmap_add(&si.iomem, 0x100000, 0x7ff00000, KL_MEM_RAM), 0);
	for (i = 0; i < 200; i++)
		assert_int_equal(kl_memmap_add(&si.firmware, 0x100000000ULL + i * 0x200000, 0x100000,
					       i % 2 ? KL_MEM_RESERVED : KL_MEM_RAM), 0);
	lo.kernel = k;
	lo.kernel_len = len;
	if (kl_x86_plan(&si, &lo, &p, &err) < 0)
		fail_msg("%s", err.msg);
	ps = seg(&p, "params");
	bp = ps->buf;
	assert_int_equal(bp[KL_BP_E820_ENTRIES], 128);
	sd = kl_le64(bp + KL_HDR_SETUP_DATA) - ps->mem;
	assert_int_equal(kl_le32(bp + sd + 8), KL_SETUP_E820_EXT);
	assert_int_equal(kl_le32(bp + sd + 12), 72 * 20);
	assert_int_equal(kl_le64(bp + sd + 16), 0x100000000ULL + 128 * 0x200000); /* entry 128 */
	next = kl_le64(bp + sd);
	assert_true(next > ps->mem + sd);
	assert_int_equal(kl_le32(bp + (next - ps->mem) + 8), KL_SETUP_RNG_SEED);
	kl_plan_free(&p);
	kl_sysinfo_free(&si);
	free(k);
}

static void refusals(void **state)
{
	struct kl_load_opts lo = { .boot.verify = KL_VERIFY_SHA256 };
	struct kl_plan p = { 0 };
	struct kl_err err = { { 0 } };
	char longline[3000];

	(void)state;
	/* initrd larger than memory */
	lo.initrd = initrd;
	lo.initrd_len = 3ULL << 30;
	assert_int_equal(plan_bz(&(struct fx_bzimage_opts){ 0 }, &lo, "qemu-2g", &p, &err), -ENOMEM);
	assert_non_null(strstr(err.msg, "no room for the initrd"));

	/* command line longer than cmdline_size */
	memset(longline, 'x', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	lo.initrd_len = 0;
	lo.boot.cmdline = longline;
	memset(&err, 0, sizeof(err));
	assert_int_equal(plan_bz(&(struct fx_bzimage_opts){ 0 }, &lo, "qemu-2g", &p, &err), -E2BIG);
	assert_non_null(strstr(err.msg, "cmdline_size"));

	/* ELF placed where there is no RAM */
	{
		const struct fx_elf_load l[] = { { 0x90000000, 0x1000, 0x1000 } };
		struct kl_sysinfo si;
		size_t len;
		uint8_t *k = fx_elf(l, 1, 0x90000000, &len);

		fx_sysinfo("qemu-2g", &si);
		lo = (struct kl_load_opts){ .kernel = k, .kernel_len = len };
		memset(&err, 0, sizeof(err));
		assert_int_equal(kl_x86_plan(&si, &lo, &p, &err), -EADDRNOTAVAIL);
		assert_non_null(strstr(err.msg, "not free RAM"));
		kl_sysinfo_free(&si);
		free(k);
	}
}

static void normalise_rejects_what_the_kernel_would(void **state)
{
	struct kl_plan p = { .syscall = KL_SYSCALL_LOAD };
	struct kl_err err = { { 0 } };
	int i;

	(void)state;
	assert_int_equal(kl_plan_add(&p, "a", NULL, 0, 0x2000, 0x2000, NULL), 0);
	assert_int_equal(kl_plan_add(&p, "b", NULL, 0, 0x3000, 0x1000, NULL), 0);
	p.entry = 0x2000;
	assert_int_equal(kl_plan_normalise(&p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "overlap"));

	p.seg[1].mem = 0x4000;
	p.entry = 0x9000;
	memset(&err, 0, sizeof(err));
	assert_int_equal(kl_plan_normalise(&p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "entry point"));

	p.entry = 0x4000;
	p.seg[0].mem = 0x2100;
	memset(&err, 0, sizeof(err));
	assert_int_equal(kl_plan_normalise(&p, &err), -EINVAL);
	assert_non_null(strstr(err.msg, "page aligned"));

	p.seg[0].mem = 0x2000;
	p.seg[0].bufsz = 0x10;
	p.seg[0].memsz = 0x1;
	memset(&err, 0, sizeof(err));
	assert_int_equal(kl_plan_normalise(&p, &err), -EINVAL);

	p.seg[0].memsz = 0x10; /* rounded up to a page */
	assert_int_equal(kl_plan_normalise(&p, NULL), 0);
	assert_int_equal(p.seg[0].memsz, 0x1000);

	for (i = 2; i < 16; i++)
		assert_int_equal(kl_plan_add(&p, "x", NULL, 0, 0x100000 * (uint64_t)i, 0x1000, NULL), 0);
	memset(&err, 0, sizeof(err));
	assert_int_equal(kl_plan_add(&p, "17th", malloc(1), 1, 0x10000000, 0x1000, &err), -E2BIG);
	assert_non_null(strstr(err.msg, "more than 16 segments"));
	kl_plan_free(&p);
}

/* A bzImage around gzip(raw[0, n)); frees raw. */
static uint8_t *wrap_payload(uint8_t *raw, size_t n, size_t *ret_len)
{
	size_t gzlen;
	uint8_t *gz = fx_gzip(raw, n, &gzlen), *img;

	img = fx_bzimage(&(struct fx_bzimage_opts){ .payload = gz, .payload_len = gzlen }, ret_len);
	free(raw);
	free(gz);
	return img;
}

/* A payload as the kernel build makes it: gzip(ELF vmlinux + relocation
 * table), the ELF linked at 16 MiB / 0xffffffff81000000.  With zero_tail,
 * the second PT_LOAD ends in zeros (as a kernel's .bss does) and a 32-bit
 * relocation points into them. */
static uint8_t *predecomp_image_tail(size_t *ret_len, bool zero_tail)
{
	const struct fx_elf_load l[] = { { 0x1000000, 0x3000, 0x3000 }, { 0x1200000, 0x1000, 0x1000 } };
	size_t elen, n;
	uint8_t *elf = fx_elf(l, 2, 0x1000100, &elen), *raw;

	/* a 64-bit pointer at image offset 0x10 and a 32-bit one at 0x20 */
	kl_put_le64(elf + 0x1000 + 0x10, 0xffffffff81001234ULL);
	kl_put_le32(elf + 0x1000 + 0x20, 0x81005678u);
	n = elen + 5 * 4;
	raw = calloc(1, n);
	memcpy(raw, elf, elen);
	/* 0 | 64-bit: 0x...010 | 0 | 32-bit: 0x...020, 0x...024 */
	kl_put_le32(raw + elen + 4, 0x81000010u);
	kl_put_le32(raw + elen + 12, 0x81000020u);
	kl_put_le32(raw + elen + 16, 0x81000024u);
	if (zero_tail) {
		memset(raw + 0x1000 + 0x3000 + 0x100, 0, 0x1000 - 0x100);
		kl_put_le32(raw + elen + 16, 0x81200800u);
	}
	free(elf);
	return wrap_payload(raw, n, ret_len);
}

/* The same kernel with a section table: its second PT_LOAD holds .data
 * (one page), then .bss, .brk and .init.scratch over 7 pages of memsz;
 * stray adds a section after .bss that the kernel does not clear. */
static uint8_t *predecomp_image_bss(size_t *ret_len, bool stray)
{
	const struct fx_elf_load l[] = { { 0x1000000, 0x3000, 0x3000 }, { 0x1200000, 0x1000, 0x8000 } };
	const struct fx_elf_section secs[] = {
		{ ".data", 0x1200000, 0x1000 }, { ".bss", 0x1201000, 0x2000 }, { ".brk", 0x1203000, 0x1000 },
		{ ".init.scratch", 0x1204000, 0x4000 }, { ".late", 0x1206000, 0x800 },
	};
	size_t elen, n;
	uint8_t *elf = fx_elf_sections(l, 2, 0x1000100, secs, stray ? 5 : 4, &elen), *raw;

	n = elen + 3 * 4; /* an empty relocation table */
	raw = calloc(1, n);
	memcpy(raw, elf, elen);
	free(elf);
	return wrap_payload(raw, n, ret_len);
}

static uint8_t *predecomp_image(size_t *ret_len)
{
	return predecomp_image_tail(ret_len, false);
}

/* The segment at physical address mem. */
static const struct kl_segment *seg_at(const struct kl_plan *p, uint64_t mem)
{
	size_t i;

	for (i = 0; i < p->nr_segments; i++)
		if (p->seg[i].mem == mem)
			return &p->seg[i];
	fail_msg("no segment at 0x%llx", (unsigned long long)mem);
	return NULL;
}

/* The purgatory's entry for the segment at mem. */
static struct kl_purg_segment purg_seg(const struct kl_plan *p, uint64_t mem)
{
	struct kl_purg_params pp;
	size_t i;

	memcpy(&pp, (const uint8_t *)seg(p, "purgatory")->buf + KL_PURG_PARAMS_OFFSET, sizeof(pp));
	for (i = 0; i < pp.nr_segments; i++)
		if (pp.seg[i].addr == mem)
			return pp.seg[i];
	fail_msg("the purgatory does not check 0x%llx", (unsigned long long)mem);
	return pp.seg[0];
}

/* A load's trailing zeros stay out of its buffer (kexec_load zero-fills
 * memsz), and the purgatory is told to check they still read zero; a
 * relocated word among them keeps the buffer long enough to hold it. */
static void predecomp_leaves_trailing_zeros_out(void **state)
{
	struct kl_sysinfo si;
	struct kl_plan p = { 0 };
	struct kl_err err = { { 0 } };
	size_t len, i;
	uint8_t *k = predecomp_image_tail(&len, true);
	struct kl_load_opts lo = { .kernel = k, .kernel_len = len, .boot.verify = KL_VERIFY_CRC32C,
				   .boot.preload_decompressed = true, .kaslr_random = { 3, 5 } };
	struct kl_purg_segment ps;
	const struct kl_segment *k0, *k1;
	const uint64_t delta = 5 * 0x200000;

	(void)state;
	fx_sysinfo("qemu-2g", &si);
	if (kl_x86_plan(&si, &lo, &p, &err) < 0)
		fail_msg("%s", err.msg);
	k0 = seg(&p, "kernel");
	k1 = seg_at(&p, k0->mem + 0x200000); /* the second PT_LOAD */
	assert_true(k1->zero_tail);
	assert_int_equal(k1->memsz, 0x1000);
	assert_int_equal(k1->bufsz, 0x804); /* up to the relocated word */
	assert_int_equal(kl_le32((uint8_t *)k1->buf + 0x800), (uint32_t)delta);
	assert_int_equal(((uint8_t *)k1->buf)[0xff], 0x41);
	for (i = 0x100; i < 0x800; i++)
		assert_int_equal(((uint8_t *)k1->buf)[i], 0);
	ps = purg_seg(&p, k1->mem);
	assert_int_equal(ps.len, 0x804);
	assert_int_equal(ps.zero_len, 0x1000 - 0x804);
	assert_int_equal(kl_le32(ps.sha256), kl_crc32c(k1->buf, 0x804));
	/* the first load has no zeros at its end: nothing to check there */
	assert_int_equal(purg_seg(&p, k0->mem).zero_len, 0);
	assert_int_equal(purg_seg(&p, seg(&p, "params")->mem).zero_len, 0);
	kl_plan_free(&p);

	/* nokaslr: nothing relocated, the buffer ends at the last data byte */
	lo.boot.cmdline = "nokaslr";
	assert_int_equal(kl_x86_plan(&si, &lo, &p, &err), 0);
	assert_int_equal(seg_at(&p, seg(&p, "kernel")->mem + 0x200000)->bufsz, 0x100);
	kl_plan_free(&p);

	/* --test-corrupt-zeros: the purgatory's zero range starts 8 bytes
	 * early, over non-zero data, and the digest stops there */
	lo.boot.corrupt_zeros = true;
	assert_int_equal(kl_x86_plan(&si, &lo, &p, &err), 0);
	k1 = seg_at(&p, seg(&p, "kernel")->mem + 0x200000);
	ps = purg_seg(&p, k1->mem);
	assert_int_equal(ps.len, 0x100 - 8);
	assert_int_equal(ps.zero_len, 0x1000 - 0x100 + 8);
	assert_false(kl_all_zero((const uint8_t *)k1->buf + ps.len, 8));
	kl_plan_free(&p);
	kl_sysinfo_free(&si);
	free(k);
}

/* What the kernel clears itself (.bss, .brk, .init.scratch) is in no
 * segment and is named to the purgatory; no other segment lands there. */
static void predecomp_leaves_cleared_memory_out(void **state)
{
	struct kl_sysinfo si;
	struct kl_plan p = { 0 };
	struct kl_err err = { { 0 } };
	size_t len, i;
	uint8_t *k = predecomp_image_bss(&len, false);
	struct kl_load_opts lo = { .kernel = k, .kernel_len = len, .boot.verify = KL_VERIFY_CRC32C,
				   .boot.preload_decompressed = true, .kaslr_random = { 3, 5 } };
	const struct kl_segment *k0, *k1;
	struct kl_purg_params pp;

	(void)state;
	fx_sysinfo("qemu-2g", &si);
	if (kl_x86_plan(&si, &lo, &p, &err) < 0)
		fail_msg("%s", err.msg);
	k0 = seg(&p, "kernel");
	k1 = seg_at(&p, k0->mem + 0x200000);
	assert_int_equal(k1->memsz, 0x1000);
	assert_int_equal(k1->bufsz, 0x1000);
	assert_int_equal(p.cleared_mem, k1->mem + 0x1000);
	assert_int_equal(p.cleared_len, 0x7000);
	for (i = 0; i < p.nr_segments; i++)
		assert_true(p.seg[i].mem + p.seg[i].memsz <= p.cleared_mem ||
			    p.seg[i].mem >= p.cleared_mem + p.cleared_len);
	memcpy(&pp, (const uint8_t *)seg(&p, "purgatory")->buf + KL_PURG_PARAMS_OFFSET, sizeof(pp));
	assert_int_equal(pp.cleared, p.cleared_mem);
	assert_int_equal(pp.cleared_len, 0x7000);
	assert_int_equal(pp.flags & KL_PURG_F_POISON_CLEARED, 0);
	assert_int_equal(purg_seg(&p, k1->mem).zero_len, 0);
	kl_plan_free(&p);

	/* --test-poison-cleared sets the purgatory's flag */
	lo.boot.poison_cleared = true;
	assert_int_equal(kl_x86_plan(&si, &lo, &p, &err), 0);
	memcpy(&pp, (const uint8_t *)seg(&p, "purgatory")->buf + KL_PURG_PARAMS_OFFSET, sizeof(pp));
	assert_int_not_equal(pp.flags & KL_PURG_F_POISON_CLEARED, 0);
	kl_plan_free(&p);
	free(k);

	/* a section after .bss that the kernel does not clear: all loaded */
	k = predecomp_image_bss(&len, true);
	lo.kernel = k;
	lo.kernel_len = len;
	assert_int_equal(kl_x86_plan(&si, &lo, &p, &err), 0);
	assert_int_equal(seg_at(&p, seg(&p, "kernel")->mem + 0x200000)->memsz, 0x8000);
	assert_int_equal(p.cleared_len, 0);
	kl_plan_free(&p);
	kl_sysinfo_free(&si);
	free(k);
}

static void preload_decompressed_relocates_and_flags(void **state)
{
	struct kl_sysinfo si;
	struct kl_plan p = { 0 };
	struct kl_err err = { { 0 } };
	size_t len;
	uint8_t *k = predecomp_image(&len);
	struct kl_load_opts lo = { .kernel = k, .kernel_len = len, .boot.verify = KL_VERIFY_CRC32C,
				   .boot.preload_decompressed = true, .kaslr_random = { 3, 5 } };
	const struct kl_segment *ks, *ps;
	uint64_t delta;
	char *t;

	(void)state;
	fx_sysinfo("qemu-2g", &si);
	if (kl_x86_plan(&si, &lo, &p, &err) < 0)
		fail_msg("%s", err.msg);
	ks = seg(&p, "kernel");
	ps = seg(&p, "params");
	/* two PT_LOADs 2 MiB apart, a segment each; aligned 2 MiB, >= 16 MiB */
	assert_int_equal(ks->memsz, 0x3000);
	assert_int_equal(seg_at(&p, ks->mem + 0x200000)->memsz, 0x1000);
	assert_int_equal(ks->mem % 0x200000, 0);
	assert_true(ks->mem >= 0x1000000);
	assert_int_equal(p.kernel_entry, ks->mem + 0x100);
	/* virtual: slots of 2 MiB in 1 GiB above 16 MiB; random 5 picks slot 5 */
	delta = 5 * 0x200000;
	assert_int_equal(kl_le64((uint8_t *)ks->buf + 0x10), 0xffffffff81001234ULL + delta);
	assert_int_equal(kl_le32((uint8_t *)ks->buf + 0x20), 0x81005678u + (uint32_t)delta);
	assert_true(((uint8_t *)ps->buf)[0x211] & 0x02); /* KASLR_FLAG */
	assert_string_equal(p.verify, "crc32c");
	t = plan_text(&p);
	fx_golden("predecomp-qemu-2g.plan", t);
	free(t);
	kl_plan_free(&p);

	/* nokaslr: no relocation, no flag, top-down placement */
	lo.boot.cmdline = "quiet nokaslr";
	assert_int_equal(kl_x86_plan(&si, &lo, &p, &err), 0);
	ks = seg(&p, "kernel");
	ps = seg(&p, "params");
	assert_int_equal(kl_le64((uint8_t *)ks->buf + 0x10), 0xffffffff81001234ULL);
	assert_false(((uint8_t *)ps->buf)[0x211] & 0x02);
	kl_plan_free(&p);

	/* --verify=xxh64: the flag, and each segment's XXH64 as le64 */
	lo.boot.verify = KL_VERIFY_XXH64;
	assert_int_equal(kl_x86_plan(&si, &lo, &p, &err), 0);
	assert_string_equal(p.verify, "xxh64");
	{
		struct kl_purg_params pp;
		size_t i;

		memcpy(&pp, (const uint8_t *)seg(&p, "purgatory")->buf + KL_PURG_PARAMS_OFFSET, sizeof(pp));
		assert_int_equal(pp.flags & (KL_PURG_F_VERIFY_XXH64 | KL_PURG_F_VERIFY_CRC32C | KL_PURG_F_VERIFY_SHA256),
				 KL_PURG_F_VERIFY_XXH64);
		for (i = 0; i < p.nr_segments; i++) {
			struct kl_purg_segment s;

			if (!strcmp(p.seg[i].name, "purgatory"))
				continue;
			s = purg_seg(&p, p.seg[i].mem);
			assert_int_equal(kl_le64(s.sha256), kl_xxh64(p.seg[i].buf, s.len));
			assert_true(kl_all_zero(s.sha256 + 8, 24));
		}
	}
	kl_plan_free(&p);
	lo.boot.verify = KL_VERIFY_CRC32C;

	/* a corrupt payload loads nothing and says why */
	k[1024 + 0x100 + 20] ^= 0xff;
	memset(&err, 0, sizeof(err));
	lo.kernel = k;
	assert_true(kl_x86_plan(&si, &lo, &p, &err) < 0);
	assert_non_null(strstr(err.msg, "gzip"));
	kl_sysinfo_free(&si);
	free(k);
}

/* The e820 table of a boot_params page, one entry a line, against a golden file. */
static void golden_e820(const uint8_t *bp, const char *golden)
{
	char *text = NULL;
	size_t tlen = 0, i;
	FILE *f = open_memstream(&text, &tlen);

	assert_non_null(f);
	for (i = 0; i < bp[KL_BP_E820_ENTRIES]; i++) {
		const uint8_t *e = bp + KL_BP_E820_TABLE + i * 20;

		fprintf(f, "0x%010llx 0x%010llx %u\n", (unsigned long long)kl_le64(e), (unsigned long long)kl_le64(e + 8),
			kl_le32(e + 16));
	}
	fclose(f);
	fx_golden(golden, text);
	free(text);
}

/* --preserve: a pmem range the running kernel keeps out of use (iomem
 * "Persistent Memory (legacy)"), which /sys/firmware/memmap still calls RAM. */
static void preserve_marks_e820_and_avoids_the_range(void **state)
{
	struct kl_sysinfo si = { 0 };
	struct kl_preserve pr;
	struct kl_load_opts lo = { .boot.verify = KL_VERIFY_SHA256, .initrd = initrd, .initrd_len = sizeof(initrd) };
	struct kl_plan p = { 0 };
	struct kl_err err = { { 0 } };
	struct kl_handoff t;
	const uint8_t *bp;
	const struct kl_segment *ps;
	size_t len, i, found = 0;
	uint64_t sd;
	uint8_t *k = fx_bzimage(&(struct fx_bzimage_opts){ 0 }, &len);

	(void)state;
	assert_int_equal(kl_memmap_add(&si.iomem, 0x100000, 0x3ff00000, KL_MEM_RAM), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x40000000, 0x4000000, KL_MEM_PRAM), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x44000000, 0x3bfe0000, KL_MEM_RAM), 0);
	assert_int_equal(kl_memmap_add(&si.firmware, 0, 0x9fc00, KL_MEM_RAM), 0);
	assert_int_equal(kl_memmap_add(&si.firmware, 0x100000, 0x7fee0000, KL_MEM_RAM), 0);
	assert_int_equal(kl_preserve_parse("vm-ram:1G+64M:pmem", &pr, NULL), 0);
	lo.kernel = k;
	lo.kernel_len = len;
	lo.preserve = &pr;
	lo.nr_preserve = 1;
	if (kl_x86_plan(&si, &lo, &p, &err) < 0)
		fail_msg("%s", err.msg);
	for (i = 0; i < p.nr_segments; i++)
		assert_false(kl_range_overlaps(&(struct kl_range){ p.seg[i].mem, p.seg[i].memsz },
					       &(struct kl_range){ 1ULL << 30, 64ULL << 20 }));
	ps = seg(&p, "params");
	bp = ps->buf;
	/* e820 golden: the RAM entry split around the range, now type 12 */
	golden_e820(bp, "e820-preserve-pmem.txt");
	/* the handoff table is a setup_data node of our type, and decodes */
	for (sd = kl_le64(bp + KL_HDR_SETUP_DATA); sd; sd = kl_le64(bp + (sd - ps->mem))) {
		const uint8_t *node = bp + (sd - ps->mem);

		assert_true(sd >= ps->mem && sd < ps->mem + ps->bufsz);
		if (kl_le32(node + 8) != KL_HO_SETUP_TYPE)
			continue;
		assert_int_equal(kl_handoff_decode(node + 16, kl_le32(node + 12), &t, NULL), 0);
		assert_int_equal(t.n, 1);
		assert_string_equal(t.e[0].name, "vm-ram");
		assert_int_equal(t.e[0].start, 1ULL << 30);
		assert_int_equal(t.e[0].keep, KL_HO_KEEP_PMEM);
		kl_handoff_free(&t);
		found++;
	}
	assert_int_equal(found, 1);
	kl_plan_free(&p);

	/* kept as reserved instead: the same split, type 2 */
	assert_int_equal(kl_preserve_parse("vm-ram:1G+64M:reserved", &pr, NULL), 0);
	if (kl_x86_plan(&si, &lo, &p, &err) < 0)
		fail_msg("%s", err.msg);
	bp = seg(&p, "params")->buf;
	golden_e820(bp, "e820-preserve-reserved.txt");
	kl_plan_free(&p);

	/* still System RAM for the running kernel: refused, with the remedy */
	assert_int_equal(kl_preserve_parse("ram:2G-256M+16M", &pr, NULL), -EINVAL); /* no arithmetic */
	assert_int_equal(kl_preserve_parse("ram:0x10000000+16M:reserved", &pr, NULL), 0);
	assert_int_equal(pr.keep, KL_HO_KEEP_RESERVED);
	assert_int_equal(kl_x86_plan(&si, &lo, &p, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "is System RAM of the running kernel"));
	kl_sysinfo_free(&si);
	free(k);
}

/* What may be preserved: only memory (RAM or pmem in the firmware's map),
 * and only what the running kernel keeps out of use (pmem or reserved in
 * /proc/iomem).  The QEMU fixture with memmap=64M!1G and memmap=4M$2G-
 * style ranges added by hand. */
static void preserve_rules(void **state)
{
	static const struct {
		const char *arg;
		bool received;
		int r;
		const char *why;
	} t[] = {
		{ "a:1G+64M", false, 0, NULL },                   /* memmap=64M!1G */
		{ "a:0x60000000+4M:reserved", false, 0, NULL },   /* memmap=4M$0x60000000 */
		{ "a:1G+64M:reserved", true, 0, NULL },
		{ "a:0x10000000+16M", false, -EBUSY, "is System RAM of the running kernel at 0x10000000" },
		{ "a:0x43fff000+8K", false, -EBUSY, "is System RAM of the running kernel at 0x44000000" },
		{ "a:2G+16T", false, -EPERM, "the firmware's map has nothing at 0x80000000" }, /* PCI hole */
		{ "a:0xfec00000+4K", false, -EPERM, "the firmware's map has nothing at 0xfec00000" }, /* IOAPIC */
		{ "a:0xf0000+64K", false, -EPERM, "the firmware's map has Reserved at 0xf0000" }, /* BIOS */
		/* received and kept reserved: this kernel cannot tell a range
		 * the previous kexec reserved from one the firmware did (both
		 * are Reserved in its map); that kexec applied these rules */
		{ "a:0xf0000+64K:reserved", true, 0, NULL },
		{ "a:0x7ffe0000+128K", false, -EPERM, "the firmware's map has Reserved at 0x7ffe0000" },
		/* a reserved range the previous kexec made: reserved in the
		 * firmware's map now, acceptable only when received as such */
		{ "a:0x70000000+1M:reserved", true, 0, NULL },
		{ "a:0x70000000+1M:reserved", false, -EPERM, "the firmware's map has Reserved at 0x70000000" },
		{ "a:0x70000000+1M:pmem", true, -EPERM, "the firmware's map has Reserved at 0x70000000" },
	};
	struct kl_sysinfo si = { 0 };
	size_t i;

	(void)state;
	fx_sysinfo("qemu-2g", &si);
	kl_memmap_free(&si.iomem);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x1000, 0x9f000, KL_MEM_RAM), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0xf0000, 0x10000, KL_MEM_RESERVED), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x100000, 0x3ff00000, KL_MEM_RAM), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x40000000, 0x4000000, KL_MEM_PRAM), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x44000000, 0x1c000000, KL_MEM_RAM), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x60000000, 0x400000, KL_MEM_RESERVED), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x60400000, 0xfc00000, KL_MEM_RAM), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x70000000, 0x100000, KL_MEM_RESERVED), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x70100000, 0xfee0000, KL_MEM_RAM), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x7ffe0000, 0x20000, KL_MEM_RESERVED), 0);
	/* the previous kexec's e820 marked [0x70000000, +1M) reserved */
	assert_int_equal(kl_memmap_carve(&si.firmware, &(struct kl_range){ 0x70000000, 0x100000 }, KL_MEM_RESERVED), 0);
	for (i = 0; i < KL_ARRAY_SIZE(t); i++) {
		struct kl_preserve p;
		struct kl_err err = { { 0 } };
		int r;

		assert_int_equal(kl_preserve_parse(t[i].arg, &p, NULL), 0);
		p.received = t[i].received;
		r = kl_x86_preserve_check(&si, &p, &err);
		if (r != t[i].r)
			fail_msg("%s%s: %d (%s), want %d", t[i].arg, t[i].received ? " (received)" : "", r, err.msg, t[i].r);
		if (t[i].why && !strstr(err.msg, t[i].why))
			fail_msg("%s: '%s' lacks '%s'", t[i].arg, err.msg, t[i].why);
	}
	kl_sysinfo_free(&si);
}

static void preserve_overlapping_a_fixed_segment_names_both(void **state)
{
	const struct fx_elf_load l[] = { { 0x1000000, 0x20000, 0x20000 } };
	struct kl_sysinfo si = { 0 };
	struct kl_preserve pr;
	struct kl_plan p = { 0 };
	struct kl_err err = { { 0 } };
	size_t len;
	uint8_t *k = fx_elf(l, 1, 0x1000000, &len);
	struct kl_load_opts lo = { .kernel = k, .kernel_len = len, .preserve = &pr, .nr_preserve = 1 };

	(void)state;
	assert_int_equal(kl_memmap_add(&si.iomem, 0x100000, 0xf00000, KL_MEM_RAM), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x1000000, 0x400000, KL_MEM_RESERVED), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x1400000, 0x7ec00000, KL_MEM_RAM), 0);
	assert_int_equal(kl_memmap_add(&si.firmware, 0x100000, 0x7fee0000, KL_MEM_RAM), 0);
	assert_int_equal(kl_preserve_parse("dev-state:16M+4M:reserved", &pr, NULL), 0);
	assert_int_equal(kl_x86_plan(&si, &lo, &p, &err), -EBUSY);
	assert_non_null(strstr(err.msg, "ELF segment 0 [0x1000000-0x1020000)"));
	assert_non_null(strstr(err.msg, "preserved range dev-state [0x1000000-0x1400000)"));
	kl_sysinfo_free(&si);
	free(k);
}

/* --handoff-file: the blobs share one page-aligned segment; each gets an
 * indirect setup_data node pointing at its bytes, and a table record with
 * the same address, length and digest; a region's digest is carried as given. */
/* An EFI machine (the OVMF guest's files, tests/fixtures/ovmf-2g): the
 * runtime map and the table addresses reach the new kernel as its own
 * kexec_file_load would pass them; --noefi passes nothing. */
static void efi_runtime_is_handed_over(void **state)
{
	struct kl_load_opts lo = { .boot.verify = KL_VERIFY_SHA256 };
	struct kl_sysinfo si;
	struct kl_plan p = { 0 };
	struct kl_err err = { { 0 } };
	const struct kl_segment *ps;
	const uint8_t *bp, *ei, *efi = NULL, *map;
	uint64_t sd, map_addr;
	size_t len;
	uint8_t *k = fx_bzimage(&(struct fx_bzimage_opts){ 0 }, &len);
	char *t;

	(void)state;
	fx_sysinfo("ovmf-2g", &si);
	assert_true(si.efi);
	assert_true(si.efi_rt.present);
	assert_int_equal(si.efi_rt.n, 6);
	assert_int_equal(si.efi_rt.fw_vendor, 0x7f91c818);
	assert_int_equal(si.efi_rt.config_table, 0x7f9ecc98);
	assert_int_equal(si.efi_rt.smbios, 0x7f918000);
	assert_int_equal(si.efi_rsdp, 0x7fb7e014);
	lo.kernel = k;
	lo.kernel_len = len;
	if (kl_x86_plan(&si, &lo, &p, &err) < 0)
		fail_msg("%s", err.msg);
	assert_int_equal(p.efi_regions, 6);
	ps = seg(&p, "params");
	bp = ps->buf;
	for (sd = kl_le64(bp + KL_HDR_SETUP_DATA); sd; sd = kl_le64(bp + (sd - ps->mem))) {
		assert_true(sd >= ps->mem && sd + 16 <= ps->mem + ps->bufsz);
		if (kl_le32(bp + (sd - ps->mem) + 8) == KL_SETUP_EFI) {
			assert_int_equal(kl_le32(bp + (sd - ps->mem) + 12), 96);
			efi = bp + (sd - ps->mem) + 16;
		}
	}
	assert_non_null(efi);
	assert_int_equal(kl_le64(efi), 0x7f91c818);      /* fw_vendor */
	assert_int_equal(kl_le64(efi + 8), 0);           /* unused */
	assert_int_equal(kl_le64(efi + 16), 0x7f9ecc98); /* tables */
	assert_int_equal(kl_le64(efi + 24), 0x7f918000); /* smbios */
	ei = bp + KL_BP_EFI_INFO;
	/* signature, system table, descriptor size and version as the
	 * running kernel got them; the map is ours */
	assert_memory_equal(ei, si.boot_params + KL_BP_EFI_INFO, 16);
	assert_int_equal(kl_le32(ei), KL_EFI64_SIGNATURE);
	assert_int_equal(kl_le32(ei + 8), 48);
	assert_int_equal(kl_le32(ei + 24), kl_le32(si.boot_params + KL_BP_EFI_INFO + 24)); /* systab_hi */
	assert_int_equal(kl_le32(ei + KL_EFI_MEMMAP_SIZE), 6 * 48);
	map_addr = kl_le32(ei + KL_EFI_MEMMAP) | (uint64_t)kl_le32(ei + KL_EFI_MEMMAP_HI) << 32;
	assert_true(map_addr >= ps->mem && map_addr + 6 * 48 <= ps->mem + ps->bufsz);
	map = bp + (map_addr - ps->mem);
	/* runtime-map/0 and /5, in order, in 48-byte descriptors */
	assert_int_equal(kl_le32(map), 6);
	assert_int_equal(kl_le64(map + 8), 0x7ff50000);
	assert_int_equal(kl_le64(map + 16), 0xfffffffefff50000ULL);
	assert_int_equal(kl_le64(map + 24), 0x20);
	assert_int_equal(kl_le64(map + 32), 0x800000000000000fULL);
	assert_int_equal(kl_le32(map + 5 * 48), 3);
	assert_int_equal(kl_le64(map + 5 * 48 + 16), 0xfffffffef1e00000ULL);
	/* no segment over a runtime region: the memory attributes table at
	 * 0x7db90000 (boot-services data marked runtime) is System RAM in
	 * /proc/iomem, and the top-down placement would otherwise use it */
	for (len = 0; len < p.nr_segments; len++) {
		struct kl_range sr = { p.seg[len].mem, p.seg[len].memsz };
		size_t g;

		for (g = 0; g < si.efi_rt.n; g++)
			assert_false(kl_range_overlaps(&sr, &(struct kl_range){ si.efi_rt.map[g].phys,
										 si.efi_rt.map[g].pages * 4096 }));
	}
	/* ... and the new kernel's e820 keeps it reserved */
	golden_e820(bp, "e820-ovmf-efi.txt");
	t = plan_text(&p);
	fx_golden("bzimage-ovmf-2g.plan", t);
	free(t);
	kl_plan_free(&p);

	lo.boot.noefi = true;
	assert_int_equal(kl_x86_plan(&si, &lo, &p, &err), 0);
	assert_int_equal(p.efi_regions, 0);
	bp = seg(&p, "params")->buf;
	for (len = 0; len < KL_EFI_INFO_SIZE; len++)
		assert_int_equal(bp[KL_BP_EFI_INFO + len], 0);
	kl_plan_free(&p);
	kl_sysinfo_free(&si);
	free(k);
}

/* A runtime map the running kernel does not show completely is not
 * handed over in part: the load goes on without EFI, and says why. */
static void efi_runtime_map_incomplete(void **state)
{
	char root[64], path[4096 + 256];
	struct kl_sysinfo si;
	struct kl_err err = { { 0 } };

	(void)state;
	snprintf(root, sizeof(root), "/tmp/kl-efi-fixture.%d", (int)getpid());
	snprintf(path, sizeof(path), "rm -rf %s && cp -r %s/tests/fixtures/ovmf-2g %s && rm %s/sys/firmware/efi/runtime-map/3/virt_addr",
		 root, fx_srcdir(), root, root);
	assert_int_equal(system(path), 0);
	assert_int_equal(kl_sysinfo_read(root, &si, &err), 0);
	assert_true(si.efi);
	assert_false(si.efi_rt.present);
	assert_non_null(strstr(si.efi_rt.why_not, "runtime-map"));
	kl_sysinfo_free(&si);
	snprintf(path, sizeof(path), "rm -r %s/sys/firmware/efi/runtime-map", root);
	assert_int_equal(system(path), 0);
	assert_int_equal(kl_sysinfo_read(root, &si, &err), 0);
	assert_false(si.efi_rt.present);
	assert_non_null(strstr(si.efi_rt.why_not, "CONFIG_EFI_RUNTIME_MAP"));
	kl_sysinfo_free(&si);
	snprintf(path, sizeof(path), "rm -rf %s", root);
	assert_int_equal(system(path), 0);
}

static void blobs_travel_in_one_segment_with_indirect_nodes(void **state)
{
	static const uint8_t a[] = "device state of nic0", b[5000] = { 1, 2, 3 };
	struct kl_sysinfo si = { 0 };
	struct kl_preserve pr;
	struct kl_blob blobs[2] = { { .name = "nic0", .kind = "device", .data = a, .len = sizeof(a) },
				    { .name = "vmm", .data = b, .len = sizeof(b) } };
	struct kl_load_opts lo = { .boot.verify = KL_VERIFY_SHA256, .blobs = blobs, .nr_blobs = 2, .preserve = &pr,
				   .nr_preserve = 1 };
	struct kl_plan p = { 0 };
	struct kl_err err = { { 0 } };
	struct kl_handoff t = { 0 };
	const struct kl_segment *ps, *hs;
	const uint8_t *bp;
	uint64_t sd, addr[2] = { 0, 0 };
	size_t len, n = 0, i;
	uint8_t *k = fx_bzimage(&(struct fx_bzimage_opts){ 0 }, &len);

	(void)state;
	EVP_Digest(a, sizeof(a), blobs[0].sha256, NULL, EVP_sha256(), NULL);
	EVP_Digest(b, sizeof(b), blobs[1].sha256, NULL, EVP_sha256(), NULL);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x100000, 0x3ff00000, KL_MEM_RAM), 0);
	assert_int_equal(kl_memmap_add(&si.iomem, 0x40000000, 0x4000000, KL_MEM_PRAM), 0);
	assert_int_equal(kl_memmap_add(&si.firmware, 0x100000, 0x7fee0000, KL_MEM_RAM), 0);
	assert_int_equal(kl_preserve_parse("vm-ram:1G+64M", &pr, NULL), 0);
	pr.digest_alg = KL_HO_DIGEST_SHA256;
	memset(pr.sha256, 0xab, 32);
	lo.kernel = k;
	lo.kernel_len = len;
	if (kl_x86_plan(&si, &lo, &p, &err) < 0)
		fail_msg("%s", err.msg);
	hs = seg(&p, "handoff");
	assert_int_equal(hs->bufsz, 4096 + 8192); /* each blob page aligned */
	assert_int_equal(hs->mem % 4096, 0);
	assert_memory_equal(hs->buf, a, sizeof(a));
	assert_memory_equal((const uint8_t *)hs->buf + 4096, b, sizeof(b));
	/* a page of plain RAM above them, which no segment takes: at the top
	 * of RAM the new kernel's RESERVED_KERN blob would else fall out of
	 * max_pfn (x86-load.c, place_blobs) */
	assert_true(hs->mem + hs->memsz + 4096 <= 0x40000000);
	for (i = 0; i < p.nr_segments; i++)
		assert_false(p.seg[i].mem < hs->mem + hs->memsz + 4096 && p.seg[i].mem + p.seg[i].memsz > hs->mem + hs->memsz);
	ps = seg(&p, "params");
	bp = ps->buf;
	for (sd = kl_le64(bp + KL_HDR_SETUP_DATA); sd; sd = kl_le64(bp + (sd - ps->mem))) {
		const uint8_t *node = bp + (sd - ps->mem);

		assert_true(sd >= ps->mem && sd + 16 <= ps->mem + ps->bufsz);
		if (kl_le32(node + 8) == KL_SETUP_INDIRECT) {
			assert_int_equal(kl_le32(node + 12), 24);
			assert_int_equal(kl_le32(node + 16), KL_HO_BLOB_SETUP_TYPE);
			assert_true(n < 2);
			assert_int_equal(kl_le64(node + 24), blobs[n].len);
			addr[n++] = kl_le64(node + 32);
		} else if (kl_le32(node + 8) == KL_HO_SETUP_TYPE) {
			assert_int_equal(kl_handoff_decode(node + 16, kl_le32(node + 12), &t, NULL), 0);
		}
	}
	assert_int_equal(n, 2);
	assert_int_equal(addr[0], hs->mem);
	assert_int_equal(addr[1], hs->mem + 4096);
	assert_int_equal(t.n, 3);
	assert_int_equal(t.e[0].type, KL_HO_REGION);
	assert_int_equal(t.e[0].digest_alg, KL_HO_DIGEST_SHA256);
	assert_memory_equal(t.e[0].sha256, pr.sha256, 32);
	for (i = 0; i < 2; i++) {
		assert_int_equal(t.e[1 + i].type, KL_HO_BLOB);
		assert_int_equal(t.e[1 + i].storage, KL_HO_IN_MEMORY);
		assert_string_equal(t.e[1 + i].name, blobs[i].name);
		assert_string_equal(t.e[1 + i].kind, blobs[i].kind);
		assert_int_equal(t.e[1 + i].phys, addr[i]);
		assert_int_equal(t.e[1 + i].len, blobs[i].len);
		assert_memory_equal(t.e[1 + i].sha256, blobs[i].sha256, 32);
	}
	kl_handoff_free(&t);
	kl_plan_free(&p);
	kl_sysinfo_free(&si);
	free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_bzimage),
		cmocka_unit_test(golden_bzimage_mem_max),
		cmocka_unit_test(golden_elf),
		cmocka_unit_test(boot_params_contents),
		cmocka_unit_test(purgatory_block_is_complete),
		cmocka_unit_test(known_initrd_crc_is_not_recomputed),
		cmocka_unit_test(e820_ext_for_large_maps),
		cmocka_unit_test(refusals),
		cmocka_unit_test(normalise_rejects_what_the_kernel_would),
		cmocka_unit_test(preload_decompressed_relocates_and_flags),
		cmocka_unit_test(predecomp_leaves_trailing_zeros_out),
		cmocka_unit_test(predecomp_leaves_cleared_memory_out),
		cmocka_unit_test(preserve_marks_e820_and_avoids_the_range),
		cmocka_unit_test(preserve_rules),
		cmocka_unit_test(preserve_overlapping_a_fixed_segment_names_both),
		cmocka_unit_test(blobs_travel_in_one_segment_with_indirect_nodes),
		cmocka_unit_test(efi_runtime_is_handed_over),
		cmocka_unit_test(efi_runtime_map_incomplete),
	};
	size_t i;

	for (i = 0; i < sizeof(initrd); i++)
		initrd[i] = (uint8_t)i;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
