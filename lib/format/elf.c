/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <gelf.h>
#include <libelf.h>
#include <string.h>

#include "lib/base/util.h"
#include "lib/format/elf.h"

bool kl_elf_probe(const void *buf, size_t len)
{
	return len >= EI_NIDENT && !memcmp(buf, ELFMAG, SELFMAG);
}

static int check_loads(struct kl_elf_image *img, size_t len, struct kl_err *err)
{
	size_t i, j;

	for (i = 0; i < img->nr_loads; i++) {
		const struct kl_elf_load *a = &img->load[i];
		uint64_t end;

		if (a->filesz > a->memsz)
			return kl_fail(err, -ENOEXEC, "ELF segment %zu: file size 0x%llx exceeds memory size 0x%llx",
				       i, (unsigned long long)a->filesz, (unsigned long long)a->memsz);
		if (!kl_in_bounds(len, a->offset, a->filesz))
			return kl_fail(err, -ENOEXEC, "ELF segment %zu lies outside the file", i);
		if (__builtin_add_overflow(a->paddr, a->memsz, &end) || end > (1ULL << 46))
			return kl_fail(err, -ENOEXEC, "ELF segment %zu: physical range out of range", i);
		for (j = 0; j < i; j++) {
			const struct kl_elf_load *b = &img->load[j];

			if (a->memsz && b->memsz && a->paddr < b->paddr + b->memsz &&
			    b->paddr < a->paddr + a->memsz)
				return kl_fail(err, -ENOEXEC, "ELF segments %zu and %zu overlap in physical memory", j, i);
		}
	}
	for (i = 0; i < img->nr_loads; i++)
		if (img->entry >= img->load[i].paddr &&
		    img->entry < img->load[i].paddr + img->load[i].memsz)
			return 0;
	return kl_fail(err, -ENOEXEC, "ELF entry point 0x%llx is not inside any loaded segment",
		       (unsigned long long)img->entry);
}

static void elf_endp(Elf **e)
{
	if (*e)
		elf_end(*e);
}

/* A 64-bit little-endian x86_64 executable, and how many program headers
 * it has (at most 256). */
static int check_header(Elf *e, GElf_Ehdr *ret_eh, size_t *ret_phnum, struct kl_err *err)
{
	if (elf_kind(e) != ELF_K_ELF || gelf_getclass(e) != ELFCLASS64)
		return kl_fail(err, -ENOEXEC, "not a 64-bit ELF file");
	if (!gelf_getehdr(e, ret_eh))
		return kl_fail(err, -ENOEXEC, "ELF header unreadable: %s", elf_errmsg(-1));
	if (ret_eh->e_ident[EI_DATA] != ELFDATA2LSB || ret_eh->e_machine != EM_X86_64)
		return kl_fail(err, -ENOEXEC, "ELF file is not for x86_64 (machine %u)", ret_eh->e_machine);
	if (ret_eh->e_type != ET_EXEC)
		return kl_fail(err, -ENOEXEC, "ELF file is not an executable (type %u)", ret_eh->e_type);
	if (elf_getphdrnum(e, ret_phnum) != 0)
		return kl_fail(err, -ENOEXEC, "ELF program headers unreadable: %s", elf_errmsg(-1));
	if (*ret_phnum > 256)
		return kl_fail(err, -ENOEXEC, "ELF file has %zu program headers (at most 256)", *ret_phnum);
	return 0;
}

/* The PT_LOADs that occupy memory, at most KL_ELF_LOADS_MAX. */
static int collect_loads(Elf *e, size_t phnum, struct kl_elf_image *img, struct kl_err *err)
{
	size_t i;

	for (i = 0; i < phnum; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(e, (int)i, &ph))
			return kl_fail(err, -ENOEXEC, "ELF program header %zu unreadable: %s", i, elf_errmsg(-1));
		if (ph.p_type != PT_LOAD || !ph.p_memsz)
			continue;
		if (img->nr_loads == KL_ELF_LOADS_MAX)
			return kl_fail(err, -E2BIG, "ELF file has more than %d loadable segments", KL_ELF_LOADS_MAX);
		img->load[img->nr_loads++] = (struct kl_elf_load){
			.paddr = ph.p_paddr, .vaddr = ph.p_vaddr, .offset = ph.p_offset,
			.filesz = ph.p_filesz, .memsz = ph.p_memsz,
		};
	}
	if (!img->nr_loads)
		return kl_fail(err, -ENOEXEC, "ELF file has no loadable segment");
	return 0;
}

/* The kernel clears .bss and .brk itself (clear_bss() in
 * arch/x86/kernel/head64.c), and .init.scratch is SME's work area, used
 * only while the kernel encrypts itself in place and zeroed there before
 * use (sme_encrypt_kernel()); no other section may sit in the tail.  The
 * names come from arch/x86/kernel/vmlinux.lds.S. */
static bool kernel_clears(const char *name)
{
	return !strcmp(name, ".bss") || !strcmp(name, ".brk") || !strcmp(name, ".init.scratch");
}

#define KL_ELF_SECTIONS_MAX 65536U

/* Where that tail starts, or 0; see struct kl_elf_image. */
static uint64_t find_cleared(Elf *e)
{
	uint64_t bss = 0;
	size_t shstrndx, n = 0;
	Elf_Scn *scn = NULL;
	int pass;

	if (elf_getshdrstrndx(e, &shstrndx) != 0)
		return 0;
	/* pass 0 finds .bss, pass 1 checks what lies at or above it */
	for (pass = 0; pass < 2; pass++) {
		while ((scn = elf_nextscn(e, scn)) != NULL && n++ < 2 * KL_ELF_SECTIONS_MAX) {
			GElf_Shdr sh;
			const char *name;

			if (!gelf_getshdr(scn, &sh))
				return 0;
			if (!(sh.sh_flags & SHF_ALLOC) || !sh.sh_size)
				continue;
			name = elf_strptr(e, shstrndx, sh.sh_name);
			if (!name)
				return 0;
			if (pass == 0 && !strcmp(name, ".bss"))
				bss = sh.sh_addr;
			else if (pass == 1 && sh.sh_addr >= bss && !kernel_clears(name))
				return 0;
		}
		if (!bss || scn)
			return 0;
	}
	return bss;
}

int kl_elf_parse(const void *buf, size_t len, struct kl_elf_image *ret,
		 struct kl_err *err)
{
	struct kl_elf_image img = { 0 };
	_cleanup_(elf_endp) Elf *e = NULL;
	GElf_Ehdr eh = { 0 };
	size_t phnum = 0, i;
	int r;

	if (!kl_elf_probe(buf, len))
		return kl_fail(err, -ENOEXEC, "not an ELF file");
	if (elf_version(EV_CURRENT) == EV_NONE)
		return kl_fail(err, -EINVAL, "libelf: %s", elf_errmsg(-1));
	/* libelf does not write through the image in ELF_C_READ_MMAP-less
	 * memory mode; the cast only satisfies its prototype. */
	e = elf_memory((char *)buf, len);
	if (!e)
		return kl_fail(err, -ENOEXEC, "ELF: %s", elf_errmsg(-1));
	r = check_header(e, &eh, &phnum, err);
	if (r == 0)
		r = collect_loads(e, phnum, &img, err);
	if (r < 0)
		return r;
	img.entry = eh.e_entry;
	r = check_loads(&img, len, err);
	if (r < 0)
		return r;
	/* Where the ELF ends (headers, segments, section table): whatever
	 * follows, such as an appended relocation table, is not ELF. */
	img.file_end = (size_t)KL_MAX((uint64_t)eh.e_phoff + (uint64_t)phnum * eh.e_phentsize,
				      (uint64_t)eh.e_shoff + (uint64_t)eh.e_shnum * eh.e_shentsize);
	for (i = 0; i < img.nr_loads; i++)
		img.file_end = (size_t)KL_MAX((uint64_t)img.file_end, img.load[i].offset + img.load[i].filesz);
	if (img.file_end > len)
		return kl_fail(err, -ENOEXEC, "ELF headers describe more than the %zu-byte file", len);
	img.cleared_vaddr = find_cleared(e);
	*ret = img;
	return 0;
}
