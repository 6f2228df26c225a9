/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The kexec-tools command line.  Every option is one row of one table; the
 * table generates getopt's lists, --help and the answer to "does this
 * command need kexec_load?", so an option is added in one place.
 */
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/kexec/cli.h"
#include "lib/base/log.h"
#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/timeline/timeline.h"

/* --help's sections, in the order they are printed. */
enum cli_section {
	SEC_MODES,
	SEC_LOADING,
	SEC_SYSCALL,
	SEC_LEGACY,
	SEC_EXEC,
	SEC_OTHER,
	SEC_MAX,
};

static const char *const section_titles[SEC_MAX] = {
	[SEC_MODES] = "Modes (the last one given wins; with none: load, then run `shutdown -r now'):",
	[SEC_LOADING] = "Loading:",
	[SEC_SYSCALL] = "System call (default -a):",
	[SEC_LEGACY] = "kexec_load only:",
	[SEC_EXEC] = "Exec:",
	[SEC_OTHER] = "Other:",
};

/* How a row stores what it is given. */
enum cli_store {
	ST_NONE,  /* accepted and ignored */
	ST_TRUE,  /* the bool at .off becomes true */
	ST_STR,   /* the const char * at .off points at the argument (last wins) */
	ST_MODE,  /* the enum kl_syscall_mode at .off becomes .value */
	ST_PARSE, /* .parse checks the argument and stores it */
	ST_ACTION, /* .action changes what kexec does (-l, -p, -u, -e, -f) */
};

struct cli_option {
	const char *long_name;
	const char *arg;     /* the argument's name in --help; NULL: takes none */
	const char *left;    /* --help's left column when not the usual one */
	const char *help;    /* lines separated by '\n' */
	/* Only kexec_load honours it: the reason -d and -s give.  With
	 * .legacy_arg, only when that is the option's final argument. */
	const char *legacy;
	const char *legacy_arg;
	int (*parse)(struct kl_opts *o, const char *arg, struct kl_err *err);
	void (*action)(struct kl_opts *o);
	size_t off;          /* the field in struct kl_opts */
	enum cli_section section;
	enum cli_store store;
	int value;
	char short_name;     /* 0: long only */
};

/* ---- what the options with logic of their own do ------------------------- */

static void act_load(struct kl_opts *o)
{
	o->do_load = true;
	o->do_exec = o->do_shutdown = o->do_unload = o->crash = false;
	o->status_crash = false;
}

static void act_load_panic(struct kl_opts *o)
{
	o->do_load = o->crash = o->status_crash = true;
	o->do_exec = o->do_shutdown = o->do_unload = false;
}

static void act_unload(struct kl_opts *o)
{
	o->do_unload = true;
	o->do_load = o->do_exec = o->do_shutdown = false;
}

static void act_exec(struct kl_opts *o)
{
	o->do_exec = true;
	o->do_load = o->do_shutdown = o->do_unload = false;
}

static void act_force(struct kl_opts *o)
{
	o->do_shutdown = false;
	o->do_exec = true;
}

/* Every number an option takes: digits only, 0x for hexadecimal. */
static int parse_u64(const char *s, uint64_t *ret)
{
	return kl_parse_u64(s, 0, ret);
}

static int parse_mem_min(struct kl_opts *o, const char *arg, struct kl_err *err)
{
	if (parse_u64(arg, &o->boot.mem_min) < 0)
		return kl_fail(err, -EINVAL, "invalid --mem-min address '%s'", arg);
	o->mem_min_set = true;
	return 0;
}

static int parse_mem_max(struct kl_opts *o, const char *arg, struct kl_err *err)
{
	if (parse_u64(arg, &o->boot.mem_max) < 0 || !o->boot.mem_max)
		return kl_fail(err, -EINVAL, "invalid --mem-max address '%s'", arg);
	o->mem_max_set = true;
	return 0;
}

static int parse_serial(struct kl_opts *o, const char *arg, struct kl_err *err)
{
	static const uint16_t ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	uint64_t v;

	if (!strncmp(arg, "ttyS", 4) && arg[4] >= '0' && arg[4] <= '3' && !arg[5])
		v = ports[arg[4] - '0'];
	else if (parse_u64(arg, &v) < 0 || !v || v > 0xfff8)
		return kl_fail(err, -EINVAL, "invalid --serial port '%s' (ttyS0..ttyS3 or an I/O port)", arg);
	o->boot.serial_port = (uint16_t)v;
	return 0;
}

static int parse_serial_baud(struct kl_opts *o, const char *arg, struct kl_err *err)
{
	uint64_t b;

	if (parse_u64(arg, &b) < 0 || !b || b > 115200 || 115200 % b)
		return kl_fail(err, -EINVAL, "invalid --serial-baud '%s' (a divisor of 115200)", arg);
	o->boot.serial_baud = (uint32_t)b;
	return 0;
}

static int parse_verify(struct kl_opts *o, const char *arg, struct kl_err *err)
{
	if (kl_verify_by_name(arg, &o->boot.verify) < 0)
		return kl_fail(err, -EINVAL, "invalid --verify '%s' (sha256, crc32c, xxh64 or none)", arg);
	o->verify_set = true;
	return 0;
}

static int parse_preserve(struct kl_opts *o, const char *arg, struct kl_err *err)
{
	if (o->nr_preserve == KL_PRESERVE_MAX)
		return kl_fail(err, -EINVAL, "at most %d --preserve ranges", KL_PRESERVE_MAX);
	if (kl_preserve_parse(arg, &o->preserve[o->nr_preserve], err) < 0)
		return -EINVAL;
	o->nr_preserve++;
	return 0;
}

static int parse_handoff_file(struct kl_opts *o, const char *arg, struct kl_err *err)
{
	if (o->nr_blobs == KL_BLOBS_MAX)
		return kl_fail(err, -EINVAL, "at most %d --handoff-file blobs", KL_BLOBS_MAX);
	if (kl_blob_parse(arg, &o->blobs[o->nr_blobs], err) < 0)
		return -EINVAL;
	o->nr_blobs++;
	return 0;
}

/* --exec-stamp=START[:pmem|:reserved]: a page, kept as --preserve keeps a
 * range, that kexec -e stamps with the TSC just before it jumps. */
static int parse_exec_stamp(struct kl_opts *o, const char *arg, struct kl_err *err)
{
	const char *s;
	uint64_t start;
	int r = kl_parse_size_prefix(arg, &s, &start);

	if (r == -ERANGE)
		return kl_fail(err, -ERANGE, "--exec-stamp=%s: the address overflows 64 bits", arg);
	if (r < 0 || (*s && strcmp(s, ":pmem") != 0 && strcmp(s, ":reserved") != 0))
		return kl_fail(err, -EINVAL, "--exec-stamp=%s: expected START[:pmem|:reserved]", arg);
	if (start % KL_XS_PAGE || start > UINT64_MAX - KL_XS_PAGE)
		return kl_fail(err, -EINVAL, "--exec-stamp=%s: START must be page aligned", arg);
	o->exec_stamp = true;
	o->exec_stamp_start = start;
	o->exec_stamp_keep = strcmp(s, ":reserved") ? KL_HO_KEEP_PMEM : KL_HO_KEEP_RESERVED;
	return 0;
}

/* ---- the table ------------------------------------------------------------ */

#define FIELD(f) offsetof(struct kl_opts, f)

static const struct cli_option cli_options[] = {
	{ .long_name = "load", .short_name = 'l', .section = SEC_MODES, .store = ST_ACTION, .action = act_load,
	  .help = "load KERNEL for a later kexec -e" },
	{ .long_name = "load-panic", .short_name = 'p', .section = SEC_MODES, .store = ST_ACTION,
	  .action = act_load_panic, .help = "load KERNEL as crash kernel (kexec_file_load only)" },
	{ .long_name = "unload", .short_name = 'u', .section = SEC_MODES, .store = ST_ACTION, .action = act_unload,
	  .help = "unload the loaded kernel (with -p: the crash kernel)" },
	{ .long_name = "exec", .short_name = 'e', .section = SEC_MODES, .store = ST_ACTION, .action = act_exec,
	  .help = "boot the loaded kernel now" },
	{ .long_name = "force", .short_name = 'f', .section = SEC_MODES, .store = ST_ACTION, .action = act_force,
	  .help = "load KERNEL (if given) and boot it now, no shutdown" },
	{ .long_name = "status", .short_name = 'S', .section = SEC_MODES, .store = ST_TRUE, .off = FIELD(status),
	  .help = "exit 1 if a crash kernel (default, or -p) or a kernel\n"
		  "(-l) is loaded, 0 if not (as kexec-tools 2.0.25 does)" },
	{ .long_name = "print-ckr-size", .section = SEC_MODES, .store = ST_TRUE, .off = FIELD(print_ckr_size),
	  .help = "print the size of the crash kernel reservation" },
	{ .long_name = "dry-run", .section = SEC_MODES, .store = ST_TRUE, .off = FIELD(dry_run),
	  .help = "print the load plan; no system call is made" },

	{ .long_name = "type", .short_name = 't', .arg = "TYPE", .section = SEC_LOADING, .store = ST_STR,
	  .off = FIELD(boot.type), .legacy = "-t elf-x86_64", .legacy_arg = "elf-x86_64",
	  .help = "image type: bzImage64 (also bzImage) or elf-x86_64" },
	{ .long_name = "command-line", .arg = "TEXT", .section = SEC_LOADING, .store = ST_STR, .off = FIELD(boot.cmdline),
	  .help = "the new kernel's command line" },
	{ .long_name = "append", .arg = "TEXT", .section = SEC_LOADING, .store = ST_STR, .off = FIELD(boot.cmdline),
	  .help = "same as --command-line (the last one wins)" },
	{ .long_name = "reuse-cmdline", .section = SEC_LOADING, .store = ST_TRUE, .off = FIELD(reuse_cmdline),
	  .help = "start from /proc/cmdline (without BOOT_IMAGE=);\n"
		  "--append/--command-line text is added after it" },
	{ .long_name = "initrd", .arg = "FILE", .section = SEC_LOADING, .store = ST_STR, .off = FIELD(initrd),
	  .help = "initial ramdisk" },
	{ .long_name = "ramdisk", .arg = "FILE", .section = SEC_LOADING, .store = ST_STR, .off = FIELD(initrd),
	  .help = "same as --initrd" },
	{ .long_name = "args-linux", .section = SEC_LOADING, .store = ST_NONE,
	  .help = "accepted for ELF images (they always get Linux boot\n"
		  "parameters)" },
	{ .long_name = "mem-min", .arg = "ADDR", .section = SEC_LOADING, .store = ST_PARSE, .parse = parse_mem_min,
	  .legacy = "--mem-min", .help = "lowest physical address a segment may use" },
	{ .long_name = "mem-max", .arg = "ADDR", .section = SEC_LOADING, .store = ST_PARSE, .parse = parse_mem_max,
	  .legacy = "--mem-max", .help = "end of the addresses a segment may use (exclusive)" },
	{ .long_name = "reuse-video-type", .section = SEC_LOADING, .store = ST_TRUE, .off = FIELD(boot.reuse_video_type),
	  .help = "hand the running screen_info to the new kernel as is" },
	{ .long_name = "noefi", .section = SEC_LOADING, .store = ST_TRUE, .off = FIELD(boot.noefi), .legacy = "--noefi",
	  .help = "do not hand EFI runtime information to the new kernel" },
	{ .long_name = "preserve", .arg = "NAME:START+SIZE[:pmem|reserved][:nodigest]", .section = SEC_LOADING,
	  .store = ST_PARSE, .parse = parse_preserve, .legacy = "--preserve",
	  .help = "keep a range the running kernel does not use (from\n"
		  "memmap=SIZE!START or memmap=SIZE$START): no segment\n"
		  "lands in it, the new kernel's e820 marks it pmem\n"
		  "(default) or reserved, and the handoff table lists it\n"
		  "with the SHA-256 of its contents now (read through\n"
		  "/dev/pmemN or /dev/mem; :nodigest skips that)\n"
		  "(kexec_load only; repeatable; K, M, G suffixes)" },
	{ .long_name = "handoff-file", .arg = "NAME[:KIND]=PATH", .section = SEC_LOADING, .store = ST_PARSE,
	  .parse = parse_handoff_file, .legacy = "--handoff-file",
	  .help = "carry the file's bytes across in memory the new\n"
		  "kernel keeps reserved, listed in the handoff table\n"
		  "with their SHA-256 (kexec_load only; repeatable)" },
	{ .long_name = "exec-stamp", .arg = "START[:pmem|:reserved]", .section = SEC_LOADING, .store = ST_PARSE,
	  .parse = parse_exec_stamp, .legacy = "--exec-stamp",
	  .help = "keep the page at START (as --preserve keeps a\n"
		  "range) for kexec -e to stamp with the TSC just\n"
		  "before the jump: the new kernel's timeline starts\n"
		  "at the exec (kexec_load only)" },
	{ .long_name = "handoff-from-previous", .section = SEC_LOADING, .store = ST_TRUE,
	  .off = FIELD(handoff_from_previous), .legacy = "--handoff-from-previous",
	  .help = "hand over again what this kernel received, after\n"
		  "checking every digest; a --preserve or --handoff-file\n"
		  "of the same name replaces the received entry; the\n"
		  "chain's update timelines go on, this kernel's added" },
	{ .long_name = "no-flatten-initrd", .section = SEC_LOADING, .store = ST_TRUE, .off = FIELD(no_flatten),
	  .help = "with --preload-decompressed, hand the initrd to\n"
		  "the kernel as it is (compressed members and all):\n"
		  "fewer bytes to copy in the window, decompressed by\n"
		  "the new kernel after its first line" },
	{ .long_name = "no-preload-decompressed", .section = SEC_LOADING, .store = ST_TRUE, .off = FIELD(no_preload),
	  .help = "ignore fast_path=yes in /etc/kexec-live.conf:\n"
		  "the new kernel decompresses itself, as with\n"
		  "kexec-tools" },

	{ .long_name = "kexec-syscall-auto", .short_name = 'a', .section = SEC_SYSCALL, .store = ST_MODE,
	  .off = FIELD(mode), .value = KL_MODE_AUTO,
	  .help = "kexec_file_load, falling back to kexec_load when\n"
		  "that is refused with ENOSYS, EINVAL, ENOEXEC or\n"
		  "ENOTSUP" },
	{ .long_name = "kexec-syscall", .short_name = 'c', .section = SEC_SYSCALL, .store = ST_MODE,
	  .off = FIELD(mode), .value = KL_MODE_LEGACY, .help = "kexec_load with our purgatory" },
	{ .long_name = "kexec-file-syscall", .short_name = 's', .section = SEC_SYSCALL, .store = ST_MODE,
	  .off = FIELD(mode), .value = KL_MODE_FILE, .help = "kexec_file_load only; exit 253 when it is refused" },

	{ .long_name = "no-checks", .short_name = 'i', .section = SEC_LEGACY, .store = ST_TRUE,
	  .off = FIELD(no_checks), .legacy = "-i (skip the purgatory's checks)",
	  .help = "skip the purgatory's check of the segments" },
	{ .long_name = "verify", .arg = "MODE", .section = SEC_LEGACY, .store = ST_PARSE, .parse = parse_verify,
	  .legacy = "--verify (the purgatory's check)",
	  .help = "what the purgatory checks before the jump: sha256\n"
		  "(default), xxh64 (the fastest), crc32c or none" },
	{ .long_name = "preload-decompressed", .section = SEC_LEGACY, .store = ST_TRUE,
	  .off = FIELD(boot.preload_decompressed), .legacy = "--preload-decompressed",
	  .help = "decompress the kernel's payload (and every\n"
		  "compressed initramfs member) now, so the new kernel\n"
		  "starts without a decompressor pass; KASLR is done\n"
		  "here unless the command line has nokaslr" },
	{ .long_name = "console-serial", .section = SEC_LEGACY, .store = ST_TRUE, .off = FIELD(boot.console_serial),
	  .legacy = "--console-serial", .help = "purgatory reports progress on the serial port" },
	{ .long_name = "serial", .arg = "PORT", .section = SEC_LEGACY, .store = ST_PARSE, .parse = parse_serial,
	  .legacy = "--serial", .help = "serial port: ttyS0..ttyS3 or an I/O port (0x3f8)" },
	{ .long_name = "serial-baud", .arg = "BAUD", .section = SEC_LEGACY, .store = ST_PARSE,
	  .parse = parse_serial_baud, .legacy = "--serial-baud", .help = "serial speed (a divisor of 115200)" },
	{ .long_name = "test-corrupt-digest", .section = SEC_LEGACY, .store = ST_TRUE,
	  .off = FIELD(boot.corrupt_digest), .legacy = "--test-corrupt-digest",
	  .help = "testing: store a wrong digest for the kernel\n"
		  "segment; the purgatory must refuse to boot it" },
	{ .long_name = "test-corrupt-zeros", .section = SEC_LEGACY, .store = ST_TRUE,
	  .off = FIELD(boot.corrupt_zeros), .legacy = "--test-corrupt-zeros",
	  .help = "testing: with --preload-decompressed, leave a\n"
		  "non-zero word where the purgatory expects the\n"
		  "kernel's trailing zeros; it must refuse to boot" },
	{ .long_name = "test-poison-cleared", .section = SEC_LEGACY, .store = ST_TRUE,
	  .off = FIELD(boot.poison_cleared), .legacy = "--test-poison-cleared",
	  .help = "testing: with --preload-decompressed, the purgatory\n"
		  "fills the memory the kernel clears itself (.bss,\n"
		  ".brk, .init.scratch) with 0xa5; the kernel must\n"
		  "still boot" },

	{ .long_name = "no-ifdown", .short_name = 'x', .section = SEC_EXEC, .store = ST_TRUE,
	  .off = FIELD(skip_ifdown), .help = "do not take network interfaces down before -e/-f" },
	{ .long_name = "no-sync", .short_name = 'y', .section = SEC_EXEC, .store = ST_TRUE, .off = FIELD(skip_sync),
	  .help = "do not sync file systems before -e/-f" },

	{ .long_name = "debug", .short_name = 'd', .section = SEC_OTHER, .store = ST_TRUE, .off = FIELD(debug),
	  .help = "print the plan and decisions on stderr, then act" },
	{ .long_name = "version", .short_name = 'v', .section = SEC_OTHER, .store = ST_TRUE, .off = FIELD(version),
	  .help = "print the version" },
	/* "-?" is getopt's own error character; kl_cli_parse maps it */
	{ .long_name = "help", .short_name = 'h', .left = "-h, -?, --help", .section = SEC_OTHER,
	  .store = ST_TRUE, .off = FIELD(help), .help = "print this help" },
};

#define NR_OPTIONS KL_ARRAY_SIZE(cli_options)
_Static_assert(NR_OPTIONS <= sizeof(((struct kl_opts *)0)->given) * 8, "kl_opts.given has a bit per row");

/* getopt_long's value for a long-only row. */
#define LONG_ONLY_VAL 0x100

/* ---- --help ----------------------------------------------------------------- */

#define HELP_COLUMN 27

static void print_option(FILE *f, const struct cli_option *opt)
{
	char left[96];
	const char *line, *nl;
	int n;

	if (opt->left)
		n = snprintf(left, sizeof(left), "  %s", opt->left);
	else
		n = snprintf(left, sizeof(left), "  %c%c%c --%s%s%s", opt->short_name ? '-' : ' ',
			     opt->short_name ? opt->short_name : ' ', opt->short_name ? ',' : ' ', opt->long_name,
			     opt->arg ? "=" : "", opt->arg ? opt->arg : "");
	fputs(left, f);
	if (n < HELP_COLUMN)
		fprintf(f, "%*s", HELP_COLUMN - n, "");
	else
		fprintf(f, "\n%*s", HELP_COLUMN, "");
	for (line = opt->help; (nl = strchr(line, '\n')); line = nl + 1)
		fprintf(f, "%.*s\n%*s", (int)(nl - line), line, HELP_COLUMN, "");
	fprintf(f, "%s\n", line);
}

/* One word of a paragraph wrapped to 80 columns, indented by two. */
static void put_word(FILE *f, const char *word, size_t *col, bool *first)
{
	size_t n = strlen(word);

	if (*col + 1 + n > 80) {
		fputs("\n  ", f);
		*col = 2;
	} else if (!*first) {
		fputc(' ', f);
		(*col)++;
	}
	fputs(word, f);
	*col += n;
	*first = false;
}

/* The options only kexec_load honours, as one paragraph. */
static void print_legacy_note(FILE *f)
{
	static const char head[] = "  Options only kexec_load honours (";
	size_t col = strlen(head), i;
	bool first = true;
	char word[64];

	fputs(head, f);
	for (i = 0; i < NR_OPTIONS; i++) {
		const struct cli_option *opt = &cli_options[i];

		if (!opt->legacy)
			continue;
		if (opt->short_name)
			snprintf(word, sizeof(word), "-%c%s%s,", opt->short_name, opt->legacy_arg ? " " : "",
				 opt->legacy_arg ? opt->legacy_arg : "");
		else
			snprintf(word, sizeof(word), "--%s,", opt->long_name);
		put_word(f, word, &col, &first);
	}
	put_word(f, "ELF or compressed images)", &col, &first);
	fputs("\n  select kexec_load under -a (-d says why) and are refused with -s.\n", f);
}

void kl_cli_usage(FILE *f)
{
	size_t i;
	int s;

	fputs("Usage: kexec [OPTION]... [KERNEL]\n"
	      "Load a new kernel and boot into it without firmware (kexec-tools compatible).\n",
	      f);
	for (s = 0; s < SEC_MAX; s++) {
		fprintf(f, "\n%s\n", section_titles[s]);
		for (i = 0; i < NR_OPTIONS; i++)
			if (cli_options[i].section == (enum cli_section)s)
				print_option(f, &cli_options[i]);
		if (s == SEC_SYSCALL)
			print_legacy_note(f);
	}
	fputs("\n"
	      "Exit status: 0 success; 1 usage error, unreadable file, or nothing loaded\n"
	      "for -e; 253 kexec_file_load refused under -s; 255 the load or exec failed.\n",
	      f);
}

/* ---- parsing ---------------------------------------------------------------- */

/* getopt_long's lists, generated from the table. */
struct getopt_lists {
	char shorts[2 + 2 * NR_OPTIONS];
	struct option longs[NR_OPTIONS + 1];
};

static void build_getopt_lists(struct getopt_lists *g)
{
	size_t i, n = 0;

	g->shorts[n++] = ':'; /* report a missing argument as ':' */
	for (i = 0; i < NR_OPTIONS; i++) {
		const struct cli_option *opt = &cli_options[i];

		g->longs[i] = (struct option){
			.name = opt->long_name,
			.has_arg = opt->arg ? required_argument : no_argument,
			.val = opt->short_name ? opt->short_name : LONG_ONLY_VAL + (int)i,
		};
		if (opt->short_name) {
			g->shorts[n++] = opt->short_name;
			if (opt->arg)
				g->shorts[n++] = ':';
		}
	}
	g->shorts[n] = '\0';
	g->longs[NR_OPTIONS] = (struct option){ 0 };
}

/* The row getopt_long's value v stands for, or -1. */
static int row_of(int v)
{
	size_t i;

	if (v >= LONG_ONLY_VAL && v < LONG_ONLY_VAL + (int)NR_OPTIONS)
		return v - LONG_ONLY_VAL;
	for (i = 0; i < NR_OPTIONS; i++)
		if (cli_options[i].short_name && cli_options[i].short_name == v)
			return (int)i;
	return -1;
}

static int apply(struct kl_opts *o, size_t row, const char *arg, struct kl_err *err)
{
	const struct cli_option *opt = &cli_options[row];
	char *field = (char *)o + opt->off;

	o->given |= 1ULL << row;
	switch (opt->store) {
	case ST_NONE:
		return 0;
	case ST_TRUE:
		*(bool *)field = true;
		return 0;
	case ST_STR:
		*(const char **)field = arg;
		return 0;
	case ST_MODE:
		*(enum kl_syscall_mode *)field = (enum kl_syscall_mode)opt->value;
		return 0;
	case ST_PARSE:
		return opt->parse(o, arg, err);
	case ST_ACTION:
		opt->action(o);
		return 0;
	}
	return kl_fail(err, -EINVAL, "internal error: option --%s has no store", opt->long_name);
}

/* The option as the user wrote it, for a message: "--initrd" of
 * "--initrd=x", or "-t". */
static const char *option_word(const char *arg, char *buf, size_t len)
{
	size_t n = strcspn(arg, "=");

	snprintf(buf, len, "%.*s", (int)KL_MIN(n, (size_t)64), arg);
	return buf;
}

/* Was the error getopt reported with optopt v for "--name=ARG", a long
 * option (or a prefix of one) that takes no argument? */
static bool long_takes_no_argument(const char *arg, int v)
{
	size_t n = strcspn(arg, "=");
	int row = row_of(v);

	if (strncmp(arg, "--", 2) != 0 || !arg[n] || row < 0)
		return false;
	return !cli_options[row].arg && !strncmp(cli_options[row].long_name, arg + 2, n - 2);
}

/* getopt_long returned ':' or '?': say what was wrong with the word it
 * stopped at.  Returns 0 for "-?", which asks for help. */
static int getopt_error(struct kl_opts *o, int c, const char *last, struct kl_err *err)
{
	char word[80];

	if (c == ':') { /* a required argument is missing; getopt went past it */
		if (!strncmp(last, "--", 2))
			return kl_fail(err, -EINVAL, "option '%s' needs an argument",
				       option_word(last, word, sizeof(word)));
		return kl_fail(err, -EINVAL, "option '-%c' needs an argument", optopt);
	}
	if (optopt == '?') {
		o->help = true;
		return 0;
	}
	if (!optopt)
		return kl_fail(err, -EINVAL, "unknown or ambiguous option '%s'", option_word(last, word, sizeof(word)));
	if (long_takes_no_argument(last, optopt))
		return kl_fail(err, -EINVAL, "option '%s' takes no argument", option_word(last, word, sizeof(word)));
	if (optopt > 0x20 && optopt < 0x7f)
		return kl_fail(err, -EINVAL, "unknown option '-%c'", optopt);
	return kl_fail(err, -EINVAL, "unknown option");
}

/* What the options say together, once all are read. */
static int check_combination(struct kl_opts *o, struct kl_err *err)
{
	/* a handoff entry is found by its name: one of each */
	const char *names[KL_PRESERVE_MAX + KL_BLOBS_MAX];
	size_t n = 0, i, j;

	if (o->no_checks && o->verify_set && o->boot.verify != KL_VERIFY_NONE)
		return kl_fail(err, -EINVAL, "-i and --verify=%s contradict each other", kl_verify_name(o->boot.verify));
	if (o->no_preload && o->boot.preload_decompressed)
		return kl_fail(err, -EINVAL, "--preload-decompressed and --no-preload-decompressed contradict each other");
	if (o->no_checks)
		o->boot.verify = KL_VERIFY_NONE;
	if (o->boot.verify == KL_VERIFY_NONE)
		o->no_checks = true;
	if (o->mem_min_set && o->mem_max_set && o->boot.mem_min >= o->boot.mem_max)
		return kl_fail(err, -EINVAL, "--mem-min (0x%llx) must be below --mem-max (0x%llx)",
			       (unsigned long long)o->boot.mem_min, (unsigned long long)o->boot.mem_max);
	for (i = 0; i < o->nr_preserve; i++)
		names[n++] = o->preserve[i].name;
	for (i = 0; i < o->nr_blobs; i++)
		names[n++] = o->blobs[i].name;
	for (i = 0; i < n; i++)
		for (j = 0; j < i; j++)
			if (!strcmp(names[i], names[j]))
				return kl_fail(err, -EINVAL, "handoff name '%s' is given twice", names[i]);
	return 0;
}

int kl_cli_parse(int argc, char **argv, struct kl_opts *ret, struct kl_err *err)
{
	struct kl_opts o = {
		.do_load = true, .do_shutdown = true, .mode = KL_MODE_AUTO, .status_crash = true,
		.boot = { .serial_port = 0x3f8, .verify = KL_VERIFY_SHA256 },
	};
	struct getopt_lists g;
	int c, r, row;

	build_getopt_lists(&g);
	optind = 0; /* full re-initialisation (glibc), for repeated calls */
	opterr = 0;
	while ((c = getopt_long(argc, argv, g.shorts, g.longs, NULL)) != -1) {
		if (c == ':' || c == '?')
			r = getopt_error(&o, c, argv[optind - 1], err);
		else if ((row = row_of(c)) >= 0)
			r = apply(&o, (size_t)row, optarg, err);
		else
			r = kl_fail(err, -EINVAL, "unknown option");
		if (r < 0)
			return r;
	}
	if (optind < argc)
		o.kernel = argv[optind++];
	if (optind < argc)
		return kl_fail(err, -EINVAL, "unexpected argument '%s' (one kernel image only)", argv[optind]);
	r = check_combination(&o, err);
	if (r < 0)
		return r;
	*ret = o;
	return 0;
}

const char *kl_cli_legacy_reason(const struct kl_opts *o)
{
	size_t i;

	for (i = 0; i < NR_OPTIONS; i++) {
		const struct cli_option *opt = &cli_options[i];

		if (!opt->legacy || !(o->given & (1ULL << i)))
			continue;
		/* the argument that counts is the one stored last */
		if (opt->legacy_arg &&
		    strcmp(*(const char *const *)((const char *)o + opt->off), opt->legacy_arg) != 0)
			continue;
		return opt->legacy;
	}
	return NULL;
}

void kl_cli_debug_given(const struct kl_opts *o)
{
	char line[1024];
	size_t i, n = 0;

	for (i = 0; i < NR_OPTIONS && n < sizeof(line); i++)
		if (o->given & (1ULL << i))
			n += (size_t)snprintf(line + n, sizeof(line) - n, " --%s", cli_options[i].long_name);
	kl_debug("kexec: from the command line:%s\n", n ? line : " no option");
}
