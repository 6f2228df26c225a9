/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * x86_64 loaders for kexec_load: bzImage (64-bit boot protocol) and ELF
 * vmlinux.  Both produce the same shape of plan:
 *
 *   low                                                        high (top-down)
 *   ... | purgatory | boot_params+cmdline+setup_data | initrd | kernel | top of RAM
 *
 * Placement follows Documentation/arch/x86/boot.rst: the kernel aligned to
 * kernel_alignment with init_size bytes of room (the decompressor works in
 * place within that window), not below pref_address; the initrd below
 * initrd_addr_max unless XLF_CAN_BE_LOADED_ABOVE_4G; boot_params and the
 * command line below 4 GiB so the 32-bit cmd_line_ptr reaches them.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "lib/arch/x86/bootparam.h"
#include "lib/arch/x86/x86.h"
#include "lib/base/digest.h"
#include "lib/base/log.h"
#include "lib/base/util.h"
#include "lib/format/bzimage.h"
#include "lib/format/decompress.h"
#include "lib/format/elf.h"
#include "lib/format/payload.h"
#include "lib/format/relocs.h"
#include "lib/handoff/handoff.h"
#include "lib/plan/cmdline.h"
#include "purgatory/crc32c.h"
#include "purgatory/xxh64.h"
#include "purgatory/params.h"
#include "purgatory/timeline.h"
#include "purgatory/zero.h"

_Static_assert(KL_SEGMENTS_MAX == KL_PURG_SEGMENTS_MAX, "the purgatory checks every segment a plan can hold");

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	       "the purgatory parameter block is written in host order");

#define FOUR_GIB (4ULL << 30)

/* The pieces every format hands to the common tail. */
struct x86_image {
	const char *format;
	const uint8_t *setup; /* bzImage setup header source, or NULL */
	size_t hdr_end;
	uint32_t cmdline_size;
	uint32_t initrd_addr_max;
	bool above_4g;
	bool kaslr; /* set KASLR_FLAG: the kernel was randomised for it */
	uint64_t kernel_entry;
};

static uint64_t limit(uint64_t cap, const struct kl_load_opts *o)
{
	if (o->boot.mem_max && o->boot.mem_max < cap)
		return o->boot.mem_max;
	return cap;
}

static uint64_t floor_min(const struct kl_load_opts *o)
{
	return KL_MAX(o->boot.mem_min, KL_X86_LOW_MEM_FLOOR);
}

static int place(struct kl_freeset *fs, const char *what, const struct kl_place_req *req,
		 uint64_t *ret, struct kl_err *err)
{
	int r = kl_freeset_place(fs, req, ret);

	if (r == -ENOMEM && req->max && req->max != UINT64_MAX)
		return kl_fail(err, -ENOMEM,
			       "no room for the %s (%" PRIu64 " bytes, aligned to 0x%" PRIx64 ") in RAM between 0x%" PRIx64
			       " and 0x%" PRIx64,
			       what, req->size, req->align ? req->align : KL_PAGE_SIZE, req->min, req->max);
	if (r == -ENOMEM)
		return kl_fail(err, -ENOMEM,
			       "no room for the %s (%" PRIu64 " bytes, aligned to 0x%" PRIx64 ") in RAM above 0x%" PRIx64,
			       what, req->size, req->align ? req->align : KL_PAGE_SIZE, req->min);
	if (r < 0)
		return kl_fail(err, r, "cannot place the %s", what);
	return 0;
}

/* Copy the parts of the running kernel's boot_params that describe the
 * hardware and are still true after the jump. */
static void copy_platform_fields(uint8_t *bp, const struct kl_sysinfo *si, const struct kl_load_opts *o)
{
	const uint8_t *cur = si->boot_params;
	uint8_t isvga, n;
	uint64_t rsdp;

	if (!si->have_boot_params)
		return;
	/* screen_info: VGA text mode survives a kexec; a firmware framebuffer
	 * (VESA 0x23, EFI 0x70) only while fb0 is still that framebuffer. */
	isvga = cur[KL_BP_ORIG_VIDEO_ISVGA];
	if (o->boot.reuse_video_type || isvga == 0x01 ||
	    ((isvga == 0x23 || isvga == 0x70) && si->fb_firmware))
		memcpy(bp + KL_BP_SCREEN_INFO, cur + KL_BP_SCREEN_INFO, KL_BP_SCREEN_INFO_SIZE);
	/* EDD as the BIOS reported it at boot. */
	n = cur[KL_BP_EDDBUF_ENTRIES];
	if (n <= KL_BP_EDDBUF_MAX) {
		bp[KL_BP_EDDBUF_ENTRIES] = n;
		memcpy(bp + KL_BP_EDDBUF, cur + KL_BP_EDDBUF, KL_BP_EDDBUF_SIZE);
	}
	n = cur[KL_BP_EDD_MBR_SIG_BUF_ENTRIES];
	if (n <= KL_BP_EDD_MBR_SIG_MAX) {
		bp[KL_BP_EDD_MBR_SIG_BUF_ENTRIES] = n;
		memcpy(bp + KL_BP_EDD_MBR_SIG_BUFFER, cur + KL_BP_EDD_MBR_SIG_BUFFER,
		       KL_BP_EDD_MBR_SIG_BUFFER_SIZE);
	}
	/* hardware_subarch (and its data) tell a PC from Xen PV, Intel MID... */
	memcpy(bp + KL_HDR_HARDWARE_SUBARCH, cur + KL_HDR_HARDWARE_SUBARCH, 4 + 8);
	rsdp = kl_le64(cur + KL_BP_ACPI_RSDP_ADDR);
	if (!rsdp)
		rsdp = si->efi_rsdp;
	kl_put_le64(bp + KL_BP_ACPI_RSDP_ADDR, rsdp);
}

static void put_e820(uint8_t *p, const struct kl_mem_entry *e)
{
	struct kl_boot_e820_entry *d = (struct kl_boot_e820_entry *)p;

	kl_put_le64(&d->addr, e->r.start);
	kl_put_le64(&d->size, e->r.size);
	kl_put_le32(&d->type, e->type);
}

/* Size of the params segment: boot_params, command line, setup_data nodes
 * (SETUP_E820_EXT for entries past 128, then SETUP_RNG_SEED). */
static size_t e820_ext_count(const struct kl_memmap *e820)
{
	return e820->n > KL_BP_E820_MAX ? e820->n - KL_BP_E820_MAX : 0;
}

/* What the handoff adds to boot_params: the table's node, and one
 * SETUP_INDIRECT node per blob pointing at its bytes.  And, on an EFI
 * machine, what keeps the runtime services: a SETUP_EFI node and the
 * runtime map (efi_desc_size bytes an entry, efi_regions of them). */
struct handoff_nodes {
	const void *table;
	size_t table_len;
	const struct kl_blob *blobs;
	const uint64_t *blob_addr;
	size_t nr_blobs;
	const struct kl_efi_runtime *efi; /* NULL: no EFI handover */
	uint32_t efi_desc_size;
};

/*
 * Hand EFI runtime services to the next kernel?  Only on an EFI boot, not
 * with --noefi, and only with everything the kernel's own kexec_file_load
 * passes (arch/x86/kernel/kexec-bzimage64.c): the running kernel's
 * efi_info (64-bit loader signature, system table, descriptor size) and
 * its runtime map with the virtual addresses already in use.
 */
static const struct kl_efi_runtime *efi_handover(const struct kl_sysinfo *si, const struct kl_load_opts *o,
						 uint32_t *ret_desc_size)
{
	const uint8_t *ei = si->boot_params + KL_BP_EFI_INFO;
	uint32_t ds = kl_le32(ei + KL_EFI_MEMDESC_SIZE);

	if (!si->efi || o->boot.noefi || !si->efi_rt.present || !si->have_boot_params ||
	    kl_le32(ei + KL_EFI_LOADER_SIGNATURE) != KL_EFI64_SIGNATURE || ds < KL_EFI_MEMDESC_MIN ||
	    ds > 4096 || ds % 8)
		return NULL;
	*ret_desc_size = ds;
	return &si->efi_rt;
}

#define INDIRECT_NODE_SIZE kl_align_up(sizeof(struct kl_setup_data) + sizeof(struct kl_setup_indirect), 16)

#define TIMELINE_NODE_SIZE kl_align_up(sizeof(struct kl_setup_data) + sizeof(struct kl_tl_record), 16)

/* boot_params, command line, then setup_data nodes: SETUP_E820_EXT (when
 * more than 128 entries), SETUP_RNG_SEED, the handoff table (when any),
 * an indirect node per blob, SETUP_EFI and the runtime map (on EFI), and
 * last the timeline record (purgatory/timeline.h), which the purgatory's
 * check leaves out. */
static size_t params_layout(const struct kl_memmap *e820, size_t cmdline_len, const struct handoff_nodes *ho,
			    size_t *ret_cmdline_off, size_t *ret_sd_off)
{
	size_t cmd = KL_BP_SIZE;
	size_t sd = kl_align_up(cmd + cmdline_len + 1, 16);
	size_t n = e820_ext_count(e820), end = sd;

	if (n)
		end += kl_align_up(sizeof(struct kl_setup_data) + n * sizeof(struct kl_boot_e820_entry), 16);
	end += kl_align_up(sizeof(struct kl_setup_data) + KL_RNG_SEED_SIZE, 16);
	if (ho->table_len)
		end += kl_align_up(sizeof(struct kl_setup_data) + ho->table_len, 16);
	end += ho->nr_blobs * INDIRECT_NODE_SIZE;
	if (ho->efi) /* the SETUP_EFI node, then the runtime map */
		end += kl_align_up(sizeof(struct kl_setup_data) + sizeof(struct kl_efi_setup_data), 16) +
		       ho->efi->n * (size_t)ho->efi_desc_size;
	end += TIMELINE_NODE_SIZE;
	*ret_cmdline_off = cmd;
	*ret_sd_off = sd;
	return end;
}

/* The setup_data chain being written into the params buffer (at physical
 * address addr): each node's "next" holds the physical address of the
 * following one; the header's setup_data field holds the first. */
struct sd_chain {
	uint8_t *bp;
	uint64_t addr;
	size_t prev_next; /* the field that points at the next node */
	size_t off;       /* where the next node goes */
};

/* Append a node of type and len; nodes are 16-byte aligned, as
 * params_layout() counts them.  Returns its data. */
static uint8_t *add_node(struct sd_chain *c, uint32_t type, uint32_t len)
{
	struct kl_setup_data *node = (struct kl_setup_data *)(c->bp + c->off);

	kl_put_le64(c->bp + c->prev_next, c->addr + c->off);
	kl_put_le32(&node->type, type);
	kl_put_le32(&node->len, len);
	c->prev_next = c->off + offsetof(struct kl_setup_data, next);
	c->off += kl_align_up(sizeof(*node) + (size_t)len, 16);
	return (uint8_t *)(node + 1);
}

/* The setup header: the bzImage's own, or a minimal one for an ELF
 * vmlinux, which brings none; then the fields a boot loader sets. */
static void put_setup_header(uint8_t *bp, const struct x86_image *img)
{
	if (img->setup) {
		memcpy(bp + KL_HDR_START, img->setup + KL_HDR_START, img->hdr_end - KL_HDR_START);
	} else {
		bp[KL_HDR_SETUP_SECTS] = 4;
		kl_put_le16(bp + KL_HDR_BOOT_FLAG, KL_BOOT_FLAG);
		bp[0x201] = (uint8_t)(KL_HDR_KERNEL_INFO_OFFSET + 4 - 0x202);
		kl_put_le32(bp + KL_HDR_HEADER, KL_HDR_MAGIC);
		kl_put_le16(bp + KL_HDR_VERSION, 0x020f);
		bp[KL_HDR_LOADFLAGS] = KL_LOADED_HIGH;
		kl_put_le32(bp + KL_HDR_KERNEL_ALIGNMENT, 0x200000);
		kl_put_le16(bp + KL_HDR_XLOADFLAGS, KL_XLF_KERNEL_64);
		kl_put_le32(bp + KL_HDR_CMDLINE_SIZE, img->cmdline_size);
		kl_put_le32(bp + KL_HDR_INITRD_ADDR_MAX, img->initrd_addr_max);
	}
	bp[KL_HDR_TYPE_OF_LOADER] = 0xff; /* boot.rst: 0xff, "undefined" */
	bp[KL_HDR_LOADFLAGS] = (uint8_t)((bp[KL_HDR_LOADFLAGS] | KL_LOADED_HIGH) & ~KL_KASLR_FLAG);
	/* boot.rst, loadflags bit 1: "KASLR enabled" as the decompressor
	 * would report it; the kernel reads it through kaslr_enabled(). */
	if (img->kaslr)
		bp[KL_HDR_LOADFLAGS] |= KL_KASLR_FLAG;
}

/* The command line at cmd_off and the initrd's place, each a 64-bit
 * address split over the header and boot_params' ext_ fields. */
static void put_cmdline_initrd(uint8_t *bp, uint64_t addr, size_t cmd_off, const char *cmdline,
			       uint64_t initrd_addr, size_t initrd_len)
{
	uint64_t cmd_addr = addr + cmd_off;

	memcpy(bp + cmd_off, cmdline, strlen(cmdline) + 1);
	kl_put_le32(bp + KL_HDR_CMD_LINE_PTR, (uint32_t)cmd_addr);
	kl_put_le32(bp + KL_BP_EXT_CMD_LINE_PTR, (uint32_t)(cmd_addr >> 32));
	kl_put_le32(bp + KL_HDR_RAMDISK_IMAGE, (uint32_t)initrd_addr);
	kl_put_le32(bp + KL_BP_EXT_RAMDISK_IMAGE, (uint32_t)(initrd_addr >> 32));
	kl_put_le32(bp + KL_HDR_RAMDISK_SIZE, (uint32_t)initrd_len);
	kl_put_le32(bp + KL_BP_EXT_RAMDISK_SIZE, (uint32_t)((uint64_t)initrd_len >> 32));
}

/* e820: the first 128 entries in the zero page, the rest in a
 * SETUP_E820_EXT node (arch/x86/kernel/e820.c reads both). */
static void put_e820_map(struct sd_chain *c, const struct kl_memmap *e820)
{
	/* read once: the byte stores below may alias anything */
	const struct kl_mem_entry *e = e820->e;
	size_t n = KL_MIN(e820->n, (size_t)KL_BP_E820_MAX), ext = e820->n - n, i;
	uint8_t *data;

	c->bp[KL_BP_E820_ENTRIES] = (uint8_t)n;
	for (i = 0; i < n; i++)
		put_e820(c->bp + KL_BP_E820_TABLE + i * KL_BP_E820_ENTRY_SIZE, &e[i]);
	if (!ext)
		return;
	data = add_node(c, KL_SETUP_E820_EXT, (uint32_t)(ext * sizeof(struct kl_boot_e820_entry)));
	for (i = 0; i < ext; i++)
		put_e820(data + i * sizeof(struct kl_boot_e820_entry), &e[n + i]);
}

/* The handoff table, for the new kernel's userland
 * (/sys/kernel/boot_params/setup_data/N, kexec-handoff(5)), and an
 * indirect node per blob: the new kernel memblock-reserves [addr,
 * addr+len) of each and shows its bytes in sysfs. */
static void put_handoff(struct sd_chain *c, const struct handoff_nodes *ho)
{
	size_t i;

	if (ho->table_len)
		memcpy(add_node(c, KL_HO_SETUP_TYPE, (uint32_t)ho->table_len), ho->table, ho->table_len);
	for (i = 0; i < ho->nr_blobs; i++) {
		struct kl_setup_indirect *ind =
			(struct kl_setup_indirect *)add_node(c, KL_SETUP_INDIRECT, sizeof(*ind));

		kl_put_le32(&ind->type, KL_HO_BLOB_SETUP_TYPE);
		kl_put_le64(&ind->len, ho->blobs[i].len);
		kl_put_le64(&ind->addr, ho->blob_addr[i]);
	}
}

/* EFI runtime services: a SETUP_EFI node, then the runtime map in the
 * firmware's descriptor size (the new kernel memblock-reserves it,
 * efi_memblock_x86_reserve_range), and efi_info as the running kernel got
 * it but pointing at our map. */
static void put_efi(struct sd_chain *c, const struct kl_sysinfo *si, const struct handoff_nodes *ho)
{
	const struct kl_efi_runtime *rt = ho->efi;
	uint8_t *ei = c->bp + KL_BP_EFI_INFO, *map;
	struct kl_efi_setup_data *esd;
	uint64_t map_addr;
	size_t i;

	esd = (struct kl_efi_setup_data *)add_node(c, KL_SETUP_EFI, sizeof(*esd));
	kl_put_le64(&esd->fw_vendor, rt->fw_vendor);
	kl_put_le64(&esd->tables, rt->config_table);
	kl_put_le64(&esd->smbios, rt->smbios);
	map = c->bp + c->off;
	map_addr = c->addr + c->off;
	for (i = 0; i < rt->n; i++) {
		/* the firmware's descriptor size may exceed ours */
		struct kl_efi_memory_desc *d = (struct kl_efi_memory_desc *)(map + i * ho->efi_desc_size);

		kl_put_le32(&d->type, rt->map[i].type);
		kl_put_le64(&d->phys_addr, rt->map[i].phys);
		kl_put_le64(&d->virt_addr, rt->map[i].virt);
		kl_put_le64(&d->num_pages, rt->map[i].pages);
		kl_put_le64(&d->attribute, rt->map[i].attr);
	}
	c->off += rt->n * (size_t)ho->efi_desc_size;
	memcpy(ei, si->boot_params + KL_BP_EFI_INFO, KL_EFI_INFO_SIZE);
	kl_put_le32(ei + KL_EFI_MEMMAP, (uint32_t)map_addr);
	kl_put_le32(ei + KL_EFI_MEMMAP_HI, (uint32_t)(map_addr >> 32));
	kl_put_le32(ei + KL_EFI_MEMMAP_SIZE, (uint32_t)(rt->n * ho->efi_desc_size));
}

/* The timeline record, for the purgatory to stamp: the last node, its
 * offset in the buffer in *ret_off. */
static void put_timeline(struct sd_chain *c, size_t *ret_off)
{
	uint8_t *t = add_node(c, KL_TL_SETUP_TYPE, sizeof(struct kl_tl_record));

	kl_put_le32(t + offsetof(struct kl_tl_record, magic), KL_TL_MAGIC);
	kl_put_le16(t + offsetof(struct kl_tl_record, version), KL_TL_VERSION);
	kl_put_le16(t + offsetof(struct kl_tl_record, size), sizeof(struct kl_tl_record));
	*ret_off = (size_t)(t - c->bp);
}

/* Fill the len-byte params buffer (at physical addr) that params_layout()
 * sized; the chain must end exactly where it said.  *ret_tl_off: where
 * the timeline record is. */
static int build_params(uint8_t *buf, size_t len, uint64_t addr, const struct x86_image *img,
			const struct kl_sysinfo *si, const struct kl_memmap *e820, const struct kl_load_opts *o,
			const char *cmdline, uint64_t initrd_addr, const struct handoff_nodes *ho, size_t *ret_tl_off,
			struct kl_err *err)
{
	struct sd_chain c = { .bp = buf, .addr = addr, .prev_next = KL_HDR_SETUP_DATA };
	size_t cmd_off, end;

	end = params_layout(e820, strlen(cmdline), ho, &cmd_off, &c.off);
	if (end != len)
		return kl_fail(err, -EFAULT, "internal error: boot parameters sized %zu, laid out in %zu bytes", len,
			       end);
	put_setup_header(buf, img);
	copy_platform_fields(buf, si, o);
	put_cmdline_initrd(buf, addr, cmd_off, cmdline, initrd_addr, o->initrd_len);
	put_e820_map(&c, e820);
	memcpy(add_node(&c, KL_SETUP_RNG_SEED, KL_RNG_SEED_SIZE), o->rng_seed, KL_RNG_SEED_SIZE);
	put_handoff(&c, ho);
	if (ho->efi)
		put_efi(&c, si, ho);
	put_timeline(&c, ret_tl_off);
	if (c.off != end)
		return kl_fail(err, -EFAULT, "internal error: setup_data laid out in %zu bytes, written in %zu", end,
			       c.off);
	return 0;
}

/* The highest address a bzImage's kernel may reach (boot.rst,
 * XLF_CAN_BE_LOADED_ABOVE_4G), within --mem-max. */
static uint64_t bzimage_kernel_max(const struct kl_bzimage *z, const struct kl_load_opts *o)
{
	return limit((z->xloadflags & KL_XLF_CAN_BE_LOADED_ABOVE_4G) ? UINT64_MAX : FOUR_GIB, o);
}

/* What boot_params and placement take from a bzImage's setup header. */
static void image_from_bzimage(struct x86_image *img, const struct kl_bzimage *z)
{
	img->setup = z->setup;
	img->hdr_end = z->hdr_end;
	img->cmdline_size = z->cmdline_size;
	img->initrd_addr_max = z->initrd_addr_max;
	img->above_4g = (z->xloadflags & KL_XLF_CAN_BE_LOADED_ABOVE_4G) != 0;
}

/* Place and fill initrd, boot_params and purgatory; finish the plan. */
/* The initrd: top-down below what the kernel can reach (anywhere with
 * XLF_CAN_BE_LOADED_ABOVE_4G); its bytes are the caller's. */
static int place_initrd(struct kl_freeset *fs, const struct x86_image *img, const struct kl_load_opts *o,
			struct kl_plan *plan, uint64_t *ret_addr, struct kl_err *err)
{
	uint64_t max = img->above_4g ? limit(UINT64_MAX, o) : limit((uint64_t)img->initrd_addr_max + 1, o);
	char what[300];
	int r;

	*ret_addr = 0;
	if (!o->initrd_len)
		return 0;
	snprintf(what, sizeof(what), "initrd%s%s", o->initrd_path ? " " : "", o->initrd_path ? o->initrd_path : "");
	r = place(fs, what,
		  &(struct kl_place_req){ .size = kl_align_up(o->initrd_len, KL_PAGE_SIZE), .min = floor_min(o),
					  .max = max, .top_down = true },
		  ret_addr, err);
	if (r < 0)
		return r;
	r = kl_plan_borrow(plan, "initrd", o->initrd, o->initrd_len, *ret_addr, o->initrd_len, err);
	if (r < 0)
		return r;
	plan->seg[plan->nr_segments - 1].crc32c_known = o->initrd_crc32c_known;
	plan->seg[plan->nr_segments - 1].crc32c = o->initrd_crc32c;
	plan->seg[plan->nr_segments - 1].xxh64_known = o->initrd_xxh64_known;
	plan->seg[plan->nr_segments - 1].xxh64 = o->initrd_xxh64;
	return 0;
}

/* Blobs: one segment, each blob page aligned, anywhere in RAM (an
 * indirect setup_data node holds a 64-bit address); ret_addr[i] is where
 * blob i lands. */
static int place_blobs(struct kl_freeset *fs, const struct kl_load_opts *o, struct kl_plan *plan,
		       uint64_t ret_addr[KL_BLOBS_MAX], struct kl_err *err)
{
	uint64_t total = 0, off[KL_BLOBS_MAX], at;
	uint8_t *buf;
	size_t i;
	int r;

	if (o->nr_blobs > KL_BLOBS_MAX)
		return kl_fail(err, -E2BIG, "more than %d handoff blobs", KL_BLOBS_MAX);
	if (!o->nr_blobs)
		return 0;
	for (i = 0; i < o->nr_blobs; i++) {
		off[i] = total;
		total += kl_align_up(KL_MAX(o->blobs[i].len, (uint64_t)1), KL_PAGE_SIZE);
	}
	/* One page more than the blobs, left unused above them.  The new
	 * kernel turns each blob into E820_TYPE_RESERVED_KERN (its
	 * SETUP_INDIRECT node); a blob that ended a RAM range there, as
	 * top-down placement makes it when it lands at the top of RAM, drops
	 * out of max_pfn, which counts E820_TYPE_RAM only, and Linux 6.1
	 * then leaves that memory without a NUMA node and oopses in
	 * free_area_init (seen in tests/vm/handoff-chain.vmtest).  A page of
	 * plain RAM after the blobs keeps them inside max_pfn. */
	r = place(fs, "handoff blobs",
		  &(struct kl_place_req){ .size = total + KL_PAGE_SIZE, .min = floor_min(o),
					  .max = limit(UINT64_MAX, o), .top_down = true },
		  &at, err);
	if (r < 0)
		return r;
	for (i = 0; i < o->nr_blobs; i++)
		ret_addr[i] = at + off[i];
	if (o->nr_blobs == 1 && o->blobs[0].len) {
		/* one blob is the segment: no copy of what may be a large
		 * file (kexec_load zero-fills up to the page) */
		return kl_plan_borrow(plan, "handoff", o->blobs[0].data, (size_t)o->blobs[0].len, at, (size_t)total,
				      err);
	}
	buf = calloc(1, (size_t)total);
	if (!buf)
		return -ENOMEM;
	for (i = 0; i < o->nr_blobs; i++)
		memcpy(buf + off[i], o->blobs[i].data, (size_t)o->blobs[i].len);
	return kl_plan_add(plan, "handoff", buf, (size_t)total, at, (size_t)total, err);
}

/* The new kernel's e820: the firmware's, with every preserved range marked
 * pmem or reserved so it never takes them for RAM.  With EFI handed over
 * (efi not NULL), the runtime regions the firmware's map calls RAM
 * (boot-services and loader memory the running kernel marked runtime,
 * e.g. the memory attributes table) stay reserved, as the running kernel
 * keeps them. */
static int build_e820(const struct kl_sysinfo *si, const struct kl_efi_runtime *efi, const struct kl_load_opts *o,
		      struct kl_memmap *e820)
{
	size_t i;
	int r;

	for (i = 0; i < si->firmware.n; i++) {
		r = kl_memmap_add(e820, si->firmware.e[i].r.start, si->firmware.e[i].r.size, si->firmware.e[i].type);
		if (r < 0)
			return r;
	}
	for (i = 0; efi && i < efi->n; i++) {
		const struct kl_efi_region *g = &efi->map[i];

		if (g->type < KL_EFI_LOADER_CODE || g->type > KL_EFI_CONVENTIONAL_MEMORY ||
		    g->type == KL_EFI_RUNTIME_SERVICES_CODE || g->type == KL_EFI_RUNTIME_SERVICES_DATA ||
		    g->pages > (UINT64_MAX - g->phys) / KL_PAGE_SIZE)
			continue;
		r = kl_memmap_carve(e820, &(struct kl_range){ g->phys, g->pages * KL_PAGE_SIZE }, KL_MEM_RESERVED);
		if (r < 0)
			return r;
	}
	for (i = 0; i < o->nr_preserve; i++) {
		const struct kl_preserve *pr = &o->preserve[i];

		r = kl_memmap_carve(e820, &(struct kl_range){ pr->start, pr->size },
				    pr->keep == KL_HO_KEEP_PMEM ? KL_MEM_PRAM : KL_MEM_RESERVED);
		if (r < 0)
			return r;
	}
	return 0;
}

/* The handoff table (kexec-handoff(5)): every preserved range, then every
 * blob at the address place_blobs() gave it.  No entries: no table. */
static int encode_handoff(const struct kl_load_opts *o, const uint64_t *blob_addr, void **ret, size_t *ret_len,
			  struct kl_err *err)
{
	struct kl_handoff table = { 0 };
	size_t i;
	int r = 0;

	*ret = NULL;
	*ret_len = 0;
	for (i = 0; i < o->nr_preserve && r == 0; i++) {
		const struct kl_preserve *pr = &o->preserve[i];
		struct kl_ho_entry he = { .type = KL_HO_REGION, .start = pr->start, .size = pr->size,
					  .keep = pr->keep, .digest_alg = pr->digest_alg };

		memcpy(he.sha256, pr->sha256, 32);
		snprintf(he.name, sizeof(he.name), "%s", pr->name);
		r = kl_handoff_add(&table, &he, err);
	}
	for (i = 0; i < o->nr_blobs && r == 0; i++) {
		const struct kl_blob *b = &o->blobs[i];
		struct kl_ho_entry he = { .type = KL_HO_BLOB, .storage = KL_HO_IN_MEMORY, .phys = blob_addr[i],
					  .len = b->len, .digest_alg = KL_HO_DIGEST_SHA256 };

		memcpy(he.sha256, b->sha256, 32);
		snprintf(he.name, sizeof(he.name), "%s", b->name);
		snprintf(he.kind, sizeof(he.kind), "%s", b->kind);
		r = kl_handoff_add(&table, &he, err);
	}
	if (r == 0 && table.n)
		r = kl_handoff_encode(&table, ret, ret_len, err);
	kl_handoff_free(&table);
	return r;
}

/* boot_params, the command line and the setup_data chain: one segment
 * below 4 GiB (the 32-bit boot protocol's pointers reach only there).
 * *ret_tl_off: the timeline record's offset in it. */
static int place_params(struct kl_freeset *fs, const struct x86_image *img, const struct kl_sysinfo *si,
			const struct kl_load_opts *o, const char *cmdline, uint64_t initrd_addr,
			const struct kl_memmap *e820, const struct handoff_nodes *ho, struct kl_plan *plan,
			uint64_t *ret_addr, size_t *ret_tl_off, struct kl_err *err)
{
	size_t len, cmd_off, sd_off;
	uint8_t *buf;
	int r;

	len = params_layout(e820, strlen(cmdline), ho, &cmd_off, &sd_off);
	r = place(fs, "boot parameters",
		  &(struct kl_place_req){ .size = kl_align_up(len, KL_PAGE_SIZE), .min = floor_min(o),
					  .max = limit(FOUR_GIB, o), .top_down = true },
		  ret_addr, err);
	if (r < 0)
		return r;
	buf = calloc(1, len);
	if (!buf)
		return -ENOMEM;
	r = build_params(buf, len, *ret_addr, img, si, e820, o, cmdline, initrd_addr, ho, ret_tl_off, err);
	if (r < 0) {
		free(buf);
		return r;
	}
	return kl_plan_add(plan, "params", buf, len, *ret_addr, len, err);
}

/* The purgatory's parameter block (purgatory/params.h): the entry point,
 * boot_params, the UART, the timeline record to stamp, and what to check
 * of every other segment, with the digests computed now, in user space
 * (the purgatory only re-checks them).  Of the boot parameters, the
 * check stops where the timeline record starts (tl_off). */
static int fill_purgatory_params(const struct x86_image *img, const struct kl_load_opts *o,
				 const struct kl_plan *plan, uint64_t params_addr, size_t tl_off,
				 struct kl_purg_params *pp, struct kl_err *err)
{
	size_t i;

	memset(pp, 0, sizeof(*pp)); /* padding too: the block is checksummed whole */
	pp->magic = KL_PURG_MAGIC;
	pp->version = KL_PURG_VERSION;
	pp->size = sizeof(*pp);
	pp->entry = img->kernel_entry;
	pp->rsi = params_addr;
	pp->flags = (o->boot.verify == KL_VERIFY_SHA256 ? KL_PURG_F_VERIFY_SHA256 : 0) |
		    (o->boot.verify == KL_VERIFY_CRC32C ? KL_PURG_F_VERIFY_CRC32C : 0) |
		    (o->boot.verify == KL_VERIFY_XXH64 ? KL_PURG_F_VERIFY_XXH64 : 0) |
		    (o->boot.console_serial ? KL_PURG_F_SERIAL : 0) |
		    (o->boot.poison_cleared ? KL_PURG_F_POISON_CLEARED : 0);
	pp->cleared = plan->cleared_mem;
	pp->cleared_len = plan->cleared_len;
	pp->serial_port = o->boot.serial_port;
	pp->serial_baud = o->boot.serial_baud;
	pp->timeline = params_addr + tl_off;
	for (i = 0; i < plan->nr_segments; i++) {
		const struct kl_segment *s = &plan->seg[i];
		size_t len = s->mem == params_addr ? tl_off : s->bufsz;

		/* testing: as if the segment's last word, just before its
		 * zeros, had been overwritten after the load */
		if (o->boot.corrupt_zeros && s->zero_tail && len >= 8)
			len -= 8;
		pp->seg[i].addr = s->mem;
		pp->seg[i].len = len;
		pp->seg[i].zero_len = s->zero_tail ? s->memsz - len : 0;
		if (o->boot.verify == KL_VERIFY_SHA256 && kl_digest_sha256(s->buf, len, pp->seg[i].sha256, err) < 0)
			return -EIO;
		if (o->boot.verify == KL_VERIFY_CRC32C)
			kl_put_le32(pp->seg[i].sha256,
				    s->crc32c_known && len == s->bufsz ? s->crc32c : kl_crc32c(s->buf, len));
		if (o->boot.verify == KL_VERIFY_XXH64)
			kl_put_le64(pp->seg[i].sha256,
				    s->xxh64_known && len == s->bufsz ? s->xxh64 : kl_xxh64(s->buf, len));
		if (o->boot.corrupt_digest && !strcmp(s->name, "kernel"))
			pp->seg[i].sha256[0] ^= 1;
	}
	pp->nr_segments = (uint16_t)plan->nr_segments;
	pp->checksum = (uint32_t)crc32(0L, (const Bytef *)pp, sizeof(*pp));
	return 0;
}

/* The purgatory, last: its parameter block covers every other segment. */
static int place_purgatory(struct kl_freeset *fs, const struct x86_image *img, const struct kl_load_opts *o,
			   uint64_t params_addr, size_t tl_off, struct kl_plan *plan, uint64_t *ret_addr,
			   struct kl_err *err)
{
	size_t len = (size_t)kl_purgatory_blob_size;
	struct kl_purg_params pp;
	uint8_t *buf;
	int r;

	r = place(fs, "purgatory",
		  &(struct kl_place_req){ .size = kl_align_up(len, KL_PAGE_SIZE), .min = floor_min(o),
					  .max = limit(FOUR_GIB, o), .top_down = true },
		  ret_addr, err);
	if (r < 0)
		return r;
	kl_debug_time("segments placed; computing digests");
	r = fill_purgatory_params(img, o, plan, params_addr, tl_off, &pp, err);
	if (r < 0)
		return r;
	buf = malloc(len);
	if (!buf)
		return -ENOMEM;
	memcpy(buf, kl_purgatory_blob, len);
	memcpy(buf + KL_PURG_PARAMS_OFFSET, &pp, sizeof(pp));
	return kl_plan_add(plan, "purgatory", buf, len, *ret_addr, len, err);
}

/* Everything after the kernel's segments, in placement order: initrd,
 * blobs, boot parameters (with e820 and the handoff table), purgatory. */
static int finish_plan(struct kl_freeset *fs, const struct x86_image *img,
		       const struct kl_sysinfo *si, const struct kl_load_opts *o,
		       struct kl_plan *plan, struct kl_err *err)
{
	uint64_t initrd_addr = 0, params_addr = 0, purg_addr = 0, blob_addr[KL_BLOBS_MAX] = { 0 };
	_cleanup_free_ char *cmdline = NULL;
	_cleanup_free_ void *table = NULL;
	struct kl_memmap e820 = { 0 };
	struct handoff_nodes ho = { 0 };
	size_t table_len = 0, tl_off = 0;
	int r;

	r = kl_cmdline_build(o->reuse_cmdline, o->boot.cmdline, img->cmdline_size, &cmdline, err);
	if (r == 0)
		r = place_initrd(fs, img, o, plan, &initrd_addr, err);
	if (r == 0)
		r = place_blobs(fs, o, plan, blob_addr, err);
	if (r < 0)
		return r;
	ho.efi = efi_handover(si, o, &ho.efi_desc_size);
	r = build_e820(si, ho.efi, o, &e820);
	if (r == 0)
		r = encode_handoff(o, blob_addr, &table, &table_len, err);
	if (r == 0) {
		ho.table = table;
		ho.table_len = table_len;
		ho.blobs = o->blobs;
		ho.blob_addr = blob_addr;
		ho.nr_blobs = o->nr_blobs;
		plan->efi_regions = ho.efi ? ho.efi->n : 0;
		r = place_params(fs, img, si, o, cmdline, initrd_addr, &e820, &ho, plan, &params_addr, &tl_off, err);
	}
	kl_memmap_free(&e820);
	if (r == 0)
		r = place_purgatory(fs, img, o, params_addr, tl_off, plan, &purg_addr, err);
	if (r < 0)
		return r;
	plan->syscall = KL_SYSCALL_LOAD;
	plan->entry = purg_addr;
	plan->kernel_entry = img->kernel_entry;
	plan->boot_params = params_addr;
	plan->verify = kl_verify_name(o->boot.verify);
	plan->format = img->format;
	plan->flags = KL_KEXEC_ARCH_X86_64;
	plan->cmdline = TAKE_PTR(cmdline);
	return 0;
}

/*
 * What may be preserved.  Only memory: the firmware's map (the e820 the
 * running kernel was given, /sys/firmware/memmap) must call every byte of
 * the range RAM or persistent memory, so that no device registers, PCI
 * window, ROM or firmware table is ever read for a digest or marked pmem
 * for the next kernel.  And memory the running kernel keeps away from
 * itself: /proc/iomem must call every byte persistent memory or reserved
 * (memmap=nn!ss or memmap=nn$ss); System RAM may hold the old kernel's
 * pages, which kexec's page swap at exec time could overwrite.  A range
 * received from the previous kernel and kept as reserved is reserved in
 * this kernel's firmware map too (the previous kexec made it so).
 */
int kl_x86_preserve_check(const struct kl_sysinfo *si, const struct kl_preserve *p, struct kl_err *err)
{
	static const uint32_t memory[] = { KL_MEM_RAM, KL_MEM_PMEM, KL_MEM_PRAM, KL_MEM_RESERVED };
	static const uint32_t kept[] = { KL_MEM_PMEM, KL_MEM_PRAM, KL_MEM_RESERVED };
	struct kl_range pr = { p->start, p->size };
	size_t nmem = p->received && p->keep == KL_HO_KEEP_RESERVED ? 4 : 3;
	uint64_t at;
	uint32_t type;

	if (!kl_memmap_covers(&si->firmware, &pr, memory, nmem, &at, &type))
		return kl_fail(err, -EPERM,
			       "preserved range %s [0x%" PRIx64 "-0x%" PRIx64 ") is not memory: the firmware's map has %s "
			       "at 0x%" PRIx64 " (only RAM or persistent memory can be preserved)",
			       p->name, pr.start, kl_range_end(&pr), type ? kl_mem_type_name(type) : "nothing", at);
	if (!kl_memmap_covers(&si->iomem, &pr, kept, KL_ARRAY_SIZE(kept), &at, &type)) {
		if (type == KL_MEM_RAM)
			return kl_fail(err, -EBUSY,
				       "preserved range %s [0x%" PRIx64 "-0x%" PRIx64 ") is System RAM of the running kernel "
				       "at 0x%" PRIx64 " (boot it with memmap=SIZE!START or memmap=SIZE$START to keep the "
				       "range out of use)",
				       p->name, pr.start, kl_range_end(&pr), at);
		return kl_fail(err, -EPERM,
			       "preserved range %s [0x%" PRIx64 "-0x%" PRIx64 ") is not kept out of use by the running "
			       "kernel: /proc/iomem has %s at 0x%" PRIx64 " (want persistent memory or reserved, from memmap=)",
			       p->name, pr.start, kl_range_end(&pr), type ? kl_mem_type_name(type) : "nothing", at);
	}
	return 0;
}

/* The free memory set, less every preserved range (each checked by
 * kl_x86_preserve_check()). */
static int freeset_for(const struct kl_sysinfo *si, const struct kl_load_opts *o, struct kl_freeset *fs,
		       struct kl_err *err)
{
	size_t i, j;
	int r = kl_freeset_from_memmap(fs, &si->iomem);

	if (r < 0)
		return kl_fail(err, r, "cannot build the free memory set");
	if (!fs->n) {
		r = kl_fail(err, -ENOMEM, "the memory map has no System RAM");
		goto fail;
	}
	for (i = 0; i < o->nr_preserve; i++) {
		const struct kl_preserve *p = &o->preserve[i];
		struct kl_range pr = { p->start, p->size };

		r = kl_x86_preserve_check(si, p, err);
		if (r < 0)
			goto fail;
		for (j = 0; j < i; j++) {
			struct kl_range q = { o->preserve[j].start, o->preserve[j].size };

			if (kl_range_overlaps(&q, &pr)) {
				r = kl_fail(err, -EINVAL, "preserved ranges %s and %s overlap", o->preserve[j].name,
					    p->name);
				goto fail;
			}
		}
		r = kl_freeset_reserve(fs, &pr);
		if (r < 0)
			goto fail;
	}
	/* EFI runtime regions: the firmware's runtime code and data, and
	 * tables the running kernel keeps for the next one (the memory
	 * attributes table, which it marks runtime).  /proc/iomem can still
	 * call some of them System RAM; no segment may land there. */
	for (i = 0; i < si->efi_rt.n; i++) {
		struct kl_range g = { si->efi_rt.map[i].phys, si->efi_rt.map[i].pages * KL_PAGE_SIZE };

		if (si->efi_rt.map[i].pages > (UINT64_MAX - g.start) / KL_PAGE_SIZE)
			continue;
		r = kl_freeset_reserve(fs, &g);
		if (r < 0)
			goto fail;
	}
	return 0;
fail:
	kl_freeset_free(fs); /* nothing of it goes back to the caller */
	return r;
}

/* A segment that must go at a fixed address: refuse a preserved range in
 * its way, naming both. */
static int check_fixed(const struct kl_load_opts *o, const char *what, const struct kl_range *seg,
		       struct kl_err *err)
{
	size_t i;

	for (i = 0; i < o->nr_preserve; i++) {
		struct kl_range pr = { o->preserve[i].start, o->preserve[i].size };

		if (kl_range_overlaps(seg, &pr))
			return kl_fail(err, -EBUSY,
				       "%s [0x%" PRIx64 "-0x%" PRIx64 ") overlaps preserved range %s [0x%" PRIx64 "-0x%" PRIx64 ")",
				       what, seg->start, kl_range_end(seg), o->preserve[i].name, pr.start,
				       kl_range_end(&pr));
	}
	return 0;
}

static int load_bzimage(const struct kl_sysinfo *si, const struct kl_load_opts *o,
			struct kl_plan *plan, struct kl_err *err)
{
	_cleanup_(kl_freeset_free) struct kl_freeset fs = { 0 };
	struct kl_bzimage z;
	struct x86_image img = { .format = "bzImage64" };
	uint64_t kaddr, memsz, kmin, kmax;
	int r;

	r = kl_bzimage_parse(o->kernel, o->kernel_len, &z, err);
	if (r < 0)
		return r;
	r = freeset_for(si, o, &fs, err);
	if (r < 0)
		return r;

	memsz = kl_align_up(KL_MAX((uint64_t)z.init_size, (uint64_t)z.kernel_len), KL_PAGE_SIZE);
	kmin = KL_MAX(floor_min(o), z.pref_address);
	kmax = bzimage_kernel_max(&z, o);
	if (!z.relocatable) {
		/* boot.rst: a non-relocatable kernel runs at pref_address. */
		kmin = z.pref_address;
		kmax = z.pref_address + memsz;
		r = check_fixed(o, "the non-relocatable kernel", &(struct kl_range){ kmin, memsz }, err);
		if (r < 0)
			return r;
	}
	r = place(&fs, "kernel",
		  &(struct kl_place_req){ .size = memsz, .align = z.kernel_alignment, .min = kmin,
					  .max = kmax, .top_down = true },
		  &kaddr, err);
	if (r < 0)
		return r;
	r = kl_plan_borrow(plan, "kernel", z.kernel, z.kernel_len, kaddr, memsz, err);
	if (r < 0)
		return r;

	image_from_bzimage(&img, &z);
	img.kernel_entry = kaddr + KL_BZIMAGE_ENTRY64_OFFSET;
	return finish_plan(&fs, &img, si, o, plan, err);
}

static int load_elf(const struct kl_sysinfo *si, const struct kl_load_opts *o,
		    struct kl_plan *plan, struct kl_err *err)
{
	_cleanup_(kl_freeset_free) struct kl_freeset fs = { 0 };
	struct kl_elf_image e;
	struct x86_image img = {
		.format = "elf-x86_64",
		.cmdline_size = 2047,          /* COMMAND_LINE_SIZE - 1 */
		.initrd_addr_max = 0x7fffffff, /* boot.rst's default */
	};
	const uint8_t *file = o->kernel;
	size_t i;
	int r;

	r = kl_elf_parse(o->kernel, o->kernel_len, &e, err);
	if (r < 0)
		return r;
	r = freeset_for(si, o, &fs, err);
	if (r < 0)
		return r;
	/* An unrelocated vmlinux runs where it was linked: its segments go at
	 * their physical addresses, which must be free RAM within the limits. */
	for (i = 0; i < e.nr_loads; i++) {
		const struct kl_elf_load *l = &e.load[i];
		uint64_t mem = kl_align_down(l->paddr, KL_PAGE_SIZE), pre = l->paddr - mem;
		struct kl_range want = { mem, kl_align_up(pre + l->memsz, KL_PAGE_SIZE) };
		char what[48];
		uint8_t *buf;

		snprintf(what, sizeof(what), "ELF segment %zu", i);
		r = check_fixed(o, what, &want, err);
		if (r < 0)
			return r;

		if (want.start < floor_min(o) || (o->boot.mem_max && kl_range_end(&want) > o->boot.mem_max) ||
		    !kl_freeset_contains(&fs, &want)) {
			return kl_fail(err, -EADDRNOTAVAIL,
				       "ELF segment %zu needs [0x%" PRIx64 "-0x%" PRIx64 "), which is not free RAM within the limits",
				       i, want.start, kl_range_end(&want));
		}
		kl_freeset_reserve(&fs, &want);
		buf = calloc(1, pre + l->filesz ? pre + l->filesz : 1);
		if (!buf)
			return -ENOMEM;
		memcpy(buf + pre, file + l->offset, l->filesz);
		r = kl_plan_add(plan, "kernel", buf, pre + l->filesz, mem, want.size, err);
		if (r < 0)
			return r;
	}
	img.kernel_entry = e.entry;
	return finish_plan(&fs, &img, si, o, plan, err);
}

/* True when word appears as a whole word in text. */
static bool has_word(const char *text, const char *word)
{
	size_t n = strlen(word);
	const char *p = text;

	while (text && (p = strstr(p, word))) {
		if ((p == text || p[-1] == ' ') && (p[n] == 0 || p[n] == ' ' || p[n] == '\n'))
			return true;
		p += n;
	}
	return false;
}

/* The kernel reserves 1 GiB of virtual space for its image when built
 * with RANDOMIZE_BASE (KERNEL_IMAGE_SIZE, arch/x86/include/asm/page_64_types.h). */
#define KL_KERNEL_IMAGE_SIZE (1ULL << 30)

/*
 * --preload-decompressed: decompress the bzImage's payload, check it is an
 * x86_64 ELF vmlinux, lay its PT_LOAD segments out as one image (by
 * physical address, as the decompressor's parse_elf() does) and load that
 * image directly, so the new kernel starts without a decompressor pass.
 * For KASLR, pick a random virtual base within KERNEL_IMAGE_SIZE and apply
 * the relocation table appended to the ELF, as handle_relocations() in
 * arch/x86/boot/compressed/misc.c would, and a random physical slot.
 */
struct predecomp {
	struct kl_bzimage z;
	enum kl_comp comp;
	void *elf;    /* owned: what we decompressed; NULL with the cache's */
	uint8_t *src; /* the ELF, writable: relocated in place */
	size_t elf_len;
	struct kl_elf_image e;
	uint64_t base;  /* the lowest PT_LOAD's physical (link) address */
	uint64_t vbase; /* its virtual address */
	uint64_t span;  /* from base to the end of the last PT_LOAD, page aligned */
	struct kl_reloc_region reg[KL_ELF_LOADS_MAX];
	bool have_relocs, kaslr;
	struct kl_relocs rel;
	uint64_t delta; /* the virtual KASLR offset */
	uint64_t memsz[KL_ELF_LOADS_MAX]; /* each load's segment, page aligned */
	uint64_t cleared_off; /* from base: where the kernel-cleared tail starts */
	uint64_t cleared_len; /* 0: the image has none we may leave out */
};

/* The payload as an ELF: from the preload cache, or decompressed now. */
static int predecomp_payload(const struct kl_load_opts *o, struct predecomp *pd, struct kl_err *err)
{
	int r;

	if (o->vmlinux && o->kernel_file_len > o->kernel_len)
		r = kl_bzimage_parse_head(o->kernel, o->kernel_len, (size_t)o->kernel_file_len, &pd->z, err);
	else
		r = kl_bzimage_parse(o->kernel, o->kernel_len, &pd->z, err);
	if (r < 0)
		return r;
	/* only the head was read: the cache entry says what it was */
	r = kl_payload_check(&pd->z, o->vmlinux_comp, &pd->comp, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "--preload-decompressed");
	if (o->vmlinux) {
		/* From the preload cache: decompressed ahead of time. */
		pd->src = o->vmlinux;
		pd->elf_len = o->vmlinux_len;
		return kl_payload_parse(pd->src, pd->elf_len, pd->comp, &pd->e, err);
	}
	r = kl_payload_decompress(&pd->z, pd->comp, &pd->elf, &pd->elf_len, &pd->e, err);
	if (r < 0)
		return r;
	pd->src = pd->elf;
	return 0;
}

/* Where the image starts and how far it reaches.  It starts at the lowest
 * physical address, which the kernel was linked to load at
 * (LOAD_PHYSICAL_ADDR = pref_address). */
static int predecomp_span(struct predecomp *pd, struct kl_err *err)
{
	const struct kl_elf_image *e = &pd->e;
	uint64_t base = UINT64_MAX, span = 0;
	size_t i;

	for (i = 0; i < e->nr_loads; i++)
		base = KL_MIN(base, e->load[i].paddr);
	for (i = 0; i < e->nr_loads; i++) {
		span = KL_MAX(span, e->load[i].paddr + e->load[i].memsz - base);
		if (e->load[i].paddr == base)
			pd->vbase = e->load[i].vaddr;
	}
	if (base != pd->z.pref_address || base % pd->z.kernel_alignment)
		return kl_fail(err, -ENOEXEC, "the payload's kernel is linked at 0x%" PRIx64 ", not at pref_address 0x%" PRIx64,
			       base, pd->z.pref_address);
	if (span > KL_KERNEL_IMAGE_SIZE / 2)
		return kl_fail(err, -ENOEXEC, "the payload's kernel spans %" PRIu64 " MiB", span >> 20);
	pd->base = base;
	pd->span = kl_align_up(span, KL_PAGE_SIZE);
	return 0;
}

/*
 * Each PT_LOAD becomes a segment of its own that points into the ELF
 * (our decompressed buffer, or the preload cache's private mapping)
 * and is relocated there: nothing is copied, and of a cached entry
 * only the pages relocations touch are copied, by the kernel, on
 * write.  The gaps between PT_LOADs belong to no section; the kernel
 * frees them (the text/rodata gap) and never reads them.
 *
 *   base                                                  base + span
 *   | PT_LOAD 0 ......|zeros| gap | PT_LOAD 1 |zeros| PT_LOAD 2 ...|
 *   |<- bufsz ------->|     |     |<- bufsz ->|
 *   |<- memsz (page aligned) ->|  |<- memsz ->|
 *
 * A load's trailing zeros (.bss, .brk, .init.scratch: 11 of Debian
 * 6.1's 46 MiB) stay out of its buffer: kexec_load zero-fills memsz
 * past bufsz, and the purgatory checks they still read zero.
 */
static int predecomp_regions(struct predecomp *pd, struct kl_err *err)
{
	const struct kl_elf_image *e = &pd->e;
	size_t i, j;

	for (i = 0; i < e->nr_loads; i++) {
		const struct kl_elf_load *l = &e->load[i];
		uint64_t off = l->paddr - pd->base, mem_end = kl_align_up(off + l->memsz, KL_PAGE_SIZE);
		uint8_t *buf = pd->src + l->offset;

		if (off % KL_PAGE_SIZE)
			return kl_fail(err, -ENOEXEC, "the payload's PT_LOAD %zu at 0x%" PRIx64 " is not page aligned",
				       i, l->paddr);
		for (j = 0; j < e->nr_loads; j++)
			if (e->load[j].paddr > l->paddr && e->load[j].paddr - pd->base < mem_end)
				return kl_fail(err, -ENOEXEC, "the payload's PT_LOADs %zu and %zu share a page", i, j);
		pd->reg[i] = (struct kl_reloc_region){
			.off = (size_t)off, .len = (size_t)l->filesz, .buf = buf,
			.end = (size_t)(l->filesz - kl_zero_suffix(buf, l->filesz)),
		};
	}
	return 0;
}

/* KASLR's virtual half, unless the kernel has no relocation table or the
 * command line says nokaslr. */
static int predecomp_relocate(const struct kl_load_opts *o, struct predecomp *pd, struct kl_err *err)
{
	uint64_t align = pd->z.kernel_alignment, slots;
	int r;

	pd->have_relocs = pd->elf_len > pd->e.file_end;
	pd->kaslr = pd->have_relocs && !has_word(o->boot.cmdline, "nokaslr") && !has_word(o->reuse_cmdline, "nokaslr");
	if (pd->have_relocs) {
		r = kl_relocs_parse(pd->src + pd->e.file_end, pd->elf_len - pd->e.file_end, &pd->rel, err);
		if (r < 0)
			return r;
	}
	kl_debug_time("payload ready; relocating in place");
	if (pd->kaslr) {
		/* find_random_virt_addr(): slots of `align` from the link
		 * address up to KERNEL_IMAGE_SIZE.  A relocated word past a
		 * load's last non-zero byte is not zero now: its region's end
		 * grows past it. */
		slots = 1 + (KL_KERNEL_IMAGE_SIZE - pd->base - pd->span) / align;
		pd->delta = (o->kaslr_random[1] % slots) * align;
		r = kl_relocs_apply_regions(&pd->rel, pd->reg, pd->e.nr_loads, pd->vbase, pd->delta, err);
		if (r < 0)
			return r;
	}
	kl_debug_time("relocated");
	kl_debug("kexec: %s payload%s: %zu-byte ELF, %zu segments, span %" PRIu64 " MiB, %s relocation table%s; "
		 "KASLR %s (virtual offset +0x%" PRIx64 ")\n",
		 kl_comp_name(pd->comp), o->vmlinux ? " (from the preload cache)" : "", pd->e.file_end,
		 pd->e.nr_loads, pd->span >> 20,
		 pd->have_relocs ? (pd->rel.layout == 3 ? "3-set" : "2-set") : "no",
		 pd->have_relocs ? "" : " (kernel built without RANDOMIZE_BASE)", pd->kaslr ? "on" : "off",
		 pd->delta);
	return 0;
}

/*
 * Each load's segment size: its memsz, except for the memory the kernel
 * clears itself before reading it (kl_elf_image.cleared_vaddr: .bss,
 * .brk, .init.scratch; 10 to 12 MiB of Debian's kernels).  That tail
 * stays out of every segment, so kexec_load neither zero-fills it nor
 * copies it in the window, and the purgatory does not check it.
 *
 *   base                                                   base + span
 *   | ... | last PT_LOAD: .init.* .data_nosave | .bss .brk gap .init.scratch |
 *   |<----------- its segment's memsz -------->|<-- cleared: no segment -->|
 *
 * Why that is safe (arch/x86/kernel/head_64.S, head64.c; since 6.16 also
 * arch/x86/boot/startup/map_kernel.c): until x86_64_start_kernel() calls
 * clear_bss(), the kernel runs on its init stack and touches only
 * initialised data (early_top_pgt, early_dynamic_pgts, next_early_pgt,
 * phys_base, the la57 variables, startup_gdt, the early IDT).  With SME,
 * sme_encrypt_kernel() encrypts [_text, _end) in place, .bss with it, and
 * zeroes each page-table page it takes from .init.scratch before use;
 * sme_postprocess_startup() only changes the PMDs mapping .bss..decrypted.
 * The span stays placed as a whole (predecomp_place), so no other segment
 * lands in the tail; before the jump it may hold anything, including
 * pages kexec_load used as sources, all copied by then.
 */
static void predecomp_cleared(struct predecomp *pd)
{
	const struct kl_elf_image *e = &pd->e;
	uint64_t c = e->cleared_vaddr;
	size_t i;

	for (i = 0; i < e->nr_loads; i++)
		pd->memsz[i] = kl_align_up(e->load[i].memsz, KL_PAGE_SIZE);
	for (i = 0; c && i < e->nr_loads; i++) {
		const struct kl_elf_load *l = &e->load[i];
		uint64_t keep = kl_align_up(c - l->vaddr, KL_PAGE_SIZE);

		if (c < l->vaddr || c >= l->vaddr + l->memsz)
			continue;
		/* only the highest load's tail, and only what relocations left
		 * all zero */
		if (kl_align_up(l->paddr + l->memsz - pd->base, KL_PAGE_SIZE) != pd->span || pd->reg[i].end > keep)
			return;
		pd->cleared_off = l->paddr - pd->base + keep;
		pd->cleared_len = pd->memsz[i] - keep;
		pd->memsz[i] = keep;
		return;
	}
}

/* The physical address of the whole span (no other segment may land in a
 * gap): KASLR's physical half picks a random slot. */
static int predecomp_place(const struct kl_load_opts *o, const struct predecomp *pd, struct kl_freeset *fs,
			   uint64_t *ret_addr, struct kl_err *err)
{
	struct kl_place_req req = { .size = pd->span, .align = pd->z.kernel_alignment,
				    .min = KL_MAX(floor_min(o), pd->base), .max = bzimage_kernel_max(&pd->z, o),
				    .top_down = true };
	int r;

	r = pd->kaslr ? kl_freeset_place_random(fs, &req, o->kaslr_random[0], ret_addr)
		      : kl_freeset_place(fs, &req, ret_addr);
	if (r < 0)
		return kl_fail(err, r == -ENOMEM ? -ENOMEM : r, "no room for the decompressed kernel (%" PRIu64 " MiB) in RAM",
			       pd->span >> 20);
	return 0;
}

static int load_bzimage_decompressed(const struct kl_sysinfo *si, const struct kl_load_opts *o,
				     struct kl_plan *plan, struct kl_err *err)
{
	_cleanup_(kl_freeset_free) struct kl_freeset fs = { 0 };
	struct predecomp pd = { 0 };
	struct x86_image img = { .format = "bzImage64 (pre-decompressed)" };
	uint64_t kaddr = 0;
	size_t i;
	int r;

	r = predecomp_payload(o, &pd, err);
	if (r == 0)
		r = predecomp_span(&pd, err);
	if (r == 0)
		r = predecomp_regions(&pd, err);
	if (r == 0)
		r = predecomp_relocate(o, &pd, err);
	if (r == 0) {
		predecomp_cleared(&pd);
		r = freeset_for(si, o, &fs, err);
	}
	if (r == 0)
		r = predecomp_place(o, &pd, &fs, &kaddr, err);
	for (i = 0; r == 0 && i < pd.e.nr_loads; i++) {
		r = kl_plan_borrow(plan, "kernel", pd.reg[i].buf, pd.reg[i].end, kaddr + pd.reg[i].off,
				   pd.memsz[i], err);
		if (r == 0)
			plan->seg[plan->nr_segments - 1].zero_tail = true;
	}
	if (r == 0 && pd.cleared_len) {
		plan->cleared_mem = kaddr + pd.cleared_off;
		plan->cleared_len = pd.cleared_len;
	}
	if (r < 0) {
		free(pd.elf);
		return r;
	}
	/* the plan's segments point into what we decompressed */
	plan->backing = TAKE_PTR(pd.elf);
	image_from_bzimage(&img, &pd.z);
	img.kaslr = pd.kaslr;
	img.kernel_entry = kaddr + (pd.e.entry - pd.base); /* startup_64 */
	return finish_plan(&fs, &img, si, o, plan, err);
}

/* The image formats, as the kernel's kexec_file_ops: probe is pure and
 * cheap; load builds a plan.  There is no cleanup op: a plan owns (or
 * borrows from the caller) everything its segments point to, and
 * kl_plan_free releases it. */
static const struct kl_format kl_x86_formats[] = {
	{ .name = "bzImage64", .probe = kl_bzimage_probe, .load = load_bzimage,
	  .load_decompressed = load_bzimage_decompressed },
	{ .name = "elf-x86_64", .probe = kl_elf_probe, .load = load_elf },
};

const struct kl_format *kl_x86_probe(const void *buf, size_t len)
{
	size_t i;

	for (i = 0; i < KL_ARRAY_SIZE(kl_x86_formats); i++)
		if (kl_x86_formats[i].probe(buf, len))
			return &kl_x86_formats[i];
	return NULL;
}

const struct kl_format *kl_x86_format_by_name(const char *name)
{
	size_t i;

	/* kexec-tools spells the same loader "bzImage" too. */
	if (!strcmp(name, "bzImage"))
		name = "bzImage64";
	for (i = 0; i < KL_ARRAY_SIZE(kl_x86_formats); i++)
		if (!strcmp(kl_x86_formats[i].name, name))
			return &kl_x86_formats[i];
	return NULL;
}

const char *kl_x86_format_names(void)
{
	return "bzImage64 (also bzImage), elf-x86_64";
}

int kl_x86_plan(const struct kl_sysinfo *si, const struct kl_load_opts *o,
		struct kl_plan *ret, struct kl_err *err)
{
	const struct kl_format *f;
	struct kl_plan plan = { 0 };
	int r;

	if (o->boot.type) {
		f = kl_x86_format_by_name(o->boot.type);
		if (!f)
			return kl_fail(err, -EINVAL, "unknown type '%s' (known: %s)", o->boot.type,
				       kl_x86_format_names());
		if (!f->probe(o->kernel, o->kernel_len))
			return kl_fail(err, -ENOEXEC, "not a %s image", f->name);
	} else {
		f = kl_x86_probe(o->kernel, o->kernel_len);
		if (!f)
			return kl_fail(err, -ENOEXEC, "not a kernel image this kexec can load (known: %s)",
				       kl_x86_format_names());
	}
	if (o->boot.preload_decompressed) {
		if (!f->load_decompressed)
			return kl_fail(err, -ENOEXEC, "--preload-decompressed needs a bzImage (this is %s)", f->name);
		r = f->load_decompressed(si, o, &plan, err);
	} else {
		r = f->load(si, o, &plan, err);
	}
	if (r == 0)
		r = kl_plan_normalise(&plan, err);
	if (r < 0) {
		kl_plan_free(&plan);
		return r;
	}
	*ret = plan;
	return 0;
}
