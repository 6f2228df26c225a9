/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The new kernel's log as the timeline and the advice read it: records of
 * /dev/kmsg (Documentation/ABI/testing/dev-kmsg: "PRI,SEQ,USEC,FLAGS;TEXT"),
 * the boot's marks found by the start of their line, and what the log's
 * first lines say (the command line, the kernel's version).  Pure: the
 * caller reads the records and keeps them.
 */
#ifndef KL_BOOTLOG_H
#define KL_BOOTLOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* One record: its time on the kernel's clock, its level (PRI & 7: 0
 * emergency ... 7 debug) and its text, up to the newline (not
 * NUL-terminated; it points into the caller's bytes). */
struct kl_log_line {
	uint64_t usec;
	int level;
	const char *text;
	size_t len;
};

struct kl_boot_log {
	const struct kl_log_line *line;
	size_t n;
};

/* Parse one /dev/kmsg record. */
int kl_kmsg_parse(const char *rec, size_t len, struct kl_log_line *ret);

/* Does line start with prefix? */
bool kl_log_starts(const struct kl_log_line *line, const char *prefix);

/* The first line at or after index from that starts with prefix, or -1. */
long kl_log_find(const struct kl_boot_log *log, size_t from, const char *prefix);

/* The boot's marks in the log, in the order a kernel prints them. */
enum kl_log_mark {
	KL_MARK_MEMORY,    /* "Memory: ": the page allocator has every page */
	KL_MARK_SMP,       /* "smp: Brought up ": every CPU is online */
	KL_MARK_ACPI,      /* "ACPI: Interpreter enabled": the DSDT is loaded */
	KL_MARK_PCI,       /* "PCI: CLS ": PCI enumerated, final quirks run */
	KL_MARK_INITRAMFS, /* "Freeing initrd memory: ": the initramfs unpacked */
	KL_MARK_INIT,      /* "Run /init as init process" */
	KL_MARK_MAX
};

struct kl_log_mark_desc {
	const char *name;   /* the timeline's name for it (--json) */
	const char *prefix; /* the start of its line */
};

extern const struct kl_log_mark_desc kl_log_marks[KL_MARK_MAX];

/* Where each mark's line is: index, or -1 when the log lacks it. */
void kl_log_find_marks(const struct kl_boot_log *log, long ret_idx[KL_MARK_MAX]);

/* The kernel's version from "Linux version X.Y...": 0, or -ENOENT. */
int kl_log_kernel_version(const struct kl_boot_log *log, unsigned *ret_major, unsigned *ret_minor);

/* The value of the last word NAME=VALUE (or "" for a bare NAME) of the
 * kernel's command line line whose VALUE starts with value_prefix (NULL:
 * any), copied into buf; the line's index through ret_idx (may be NULL).
 * -ENOENT when no such word is there or the log has no command line. */
int kl_log_cmdline_word(const struct kl_boot_log *log, const char *name, const char *value_prefix, char *buf,
			size_t size, long *ret_idx);

#endif
