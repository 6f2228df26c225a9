/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/log.h"
#include "lib/base/util.h"
#include "lib/plan/plan.h"

void kl_plan_free(struct kl_plan *p)
{
	size_t i;

	for (i = 0; i < p->nr_segments; i++)
		if (!p->seg[i].borrowed)
			free(p->seg[i].buf);
	free(p->backing);
	free(p->kernel_path);
	free(p->initrd_path);
	free(p->cmdline);
	*p = (struct kl_plan){ 0 };
}

int kl_plan_add(struct kl_plan *p, const char *name, void *buf, size_t bufsz,
		uint64_t mem, uint64_t memsz, struct kl_err *err)
{
	if (p->nr_segments >= KL_SEGMENTS_MAX) {
		free(buf);
		return kl_fail(err, -E2BIG, "the load needs more than %d segments (the kernel's limit)",
			       KL_SEGMENTS_MAX);
	}
	p->seg[p->nr_segments++] = (struct kl_segment){
		.name = name, .buf = buf, .bufsz = bufsz, .mem = mem, .memsz = memsz,
	};
	return 0;
}

int kl_plan_borrow(struct kl_plan *p, const char *name, const void *buf, size_t bufsz, uint64_t mem,
		   uint64_t memsz, struct kl_err *err)
{
	int r = kl_plan_add(p, name, NULL, bufsz, mem, memsz, err);

	if (r < 0)
		return r;
	p->seg[p->nr_segments - 1].buf = (void *)(uintptr_t)buf; /* never written, never freed */
	p->seg[p->nr_segments - 1].borrowed = true;
	return 0;
}

static int cmp_seg(const void *a, const void *b)
{
	const struct kl_segment *x = a, *y = b;

	return x->mem < y->mem ? -1 : x->mem > y->mem;
}

int kl_plan_normalise(struct kl_plan *p, struct kl_err *err)
{
	size_t i;
	bool entry_ok = false;

	if (p->syscall != KL_SYSCALL_LOAD)
		return 0;
	if (p->nr_segments > KL_SEGMENTS_MAX)
		return kl_fail(err, -E2BIG, "%zu segments, the kernel takes at most %d", p->nr_segments,
			       KL_SEGMENTS_MAX);
	for (i = 0; i < p->nr_segments; i++) {
		struct kl_segment *s = &p->seg[i];
		uint64_t end;

		if (s->mem % KL_PAGE_SIZE)
			return kl_fail(err, -EINVAL, "segment %s at 0x%" PRIx64 " is not page aligned", s->name, s->mem);
		if (s->bufsz > s->memsz)
			return kl_fail(err, -EINVAL, "segment %s: %zu bytes of data in %" PRIu64 " bytes of memory",
				       s->name, s->bufsz, s->memsz);
		s->memsz = kl_align_up(s->memsz, KL_PAGE_SIZE);
		if (!s->memsz || __builtin_add_overflow(s->mem, s->memsz, &end))
			return kl_fail(err, -EINVAL, "segment %s has an empty or wrapping range", s->name);
	}
	qsort(p->seg, p->nr_segments, sizeof(p->seg[0]), cmp_seg);
	for (i = 0; i < p->nr_segments; i++) {
		const struct kl_segment *s = &p->seg[i];

		if (i && p->seg[i - 1].mem + p->seg[i - 1].memsz > s->mem)
			return kl_fail(err, -EINVAL,
				       "segments %s [0x%" PRIx64 "-0x%" PRIx64 ") and %s [0x%" PRIx64 "-0x%" PRIx64 ") overlap",
				       p->seg[i - 1].name, p->seg[i - 1].mem, p->seg[i - 1].mem + p->seg[i - 1].memsz,
				       s->name, s->mem, s->mem + s->memsz);
		if (p->entry >= s->mem && p->entry < s->mem + s->memsz)
			entry_ok = true;
	}
	if (!entry_ok)
		return kl_fail(err, -EINVAL, "entry point 0x%" PRIx64 " lies outside every segment", p->entry);
	return 0;
}

void kl_plan_print(const struct kl_plan *p, FILE *f)
{
	size_t i;

	/* paths and the command line come from the user: escaped (log.h) */
	if (p->syscall == KL_SYSCALL_FILE_LOAD) {
		fprintf(f, "syscall:  kexec_file_load\nkernel:   ");
		kl_fputs_escaped(p->kernel_path ? p->kernel_path : "(none)", f, false);
		fprintf(f, "\ninitrd:   ");
		kl_fputs_escaped(p->initrd_path ? p->initrd_path : "(none)", f, false);
		fprintf(f, "\ncmdline:  \"");
		kl_fputs_escaped(p->cmdline ? p->cmdline : "", f, false);
		fprintf(f, "\"\nflags:    0x%lx\n", p->flags);
		return;
	}
	fprintf(f, "syscall:  kexec_load\n");
	fprintf(f, "format:   %s\n", p->format ? p->format : "?");
	fprintf(f, "entry:    0x%016" PRIx64 " (purgatory)\n", p->entry);
	fprintf(f, "kernel entry: 0x%016" PRIx64 "\n", p->kernel_entry);
	fprintf(f, "boot_params:  0x%016" PRIx64 "\n", p->boot_params);
	fprintf(f, "verify:   %s\n", p->verify ? p->verify : "none");
	if (p->efi_regions)
		fprintf(f, "efi:      runtime services handed over (%zu regions)\n", p->efi_regions);
	fprintf(f, "flags:    0x%lx\n", p->flags);
	fprintf(f, "cmdline:  \"");
	kl_fputs_escaped(p->cmdline ? p->cmdline : "", f, false);
	fprintf(f, "\"\nsegments: %zu\n", p->nr_segments);
	fprintf(f, "  %-10s %-18s %-18s %-12s %s\n", "name", "mem", "mem-end", "memsz", "bufsz");
	for (i = 0; i < p->nr_segments; i++) {
		const struct kl_segment *s = &p->seg[i];

		fprintf(f, "  %-10s 0x%016" PRIx64 " 0x%016" PRIx64 " 0x%010" PRIx64 " 0x%zx%s\n", s->name,
			s->mem, s->mem + s->memsz, s->memsz, s->bufsz, s->zero_tail ? " (then zeros, checked)" : "");
	}
	if (p->cleared_len)
		fprintf(f, "  %-10s 0x%016" PRIx64 " 0x%016" PRIx64 " 0x%010" PRIx64 " (the kernel clears it; not loaded)\n",
			"(cleared)", p->cleared_mem, p->cleared_mem + p->cleared_len, p->cleared_len);
}
