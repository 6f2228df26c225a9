/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec-handoff: read the handoff table the previous kernel's kexec left
 * (kexec-handoff(5)) from /sys/kernel/boot_params/setup_data.  See
 * kexec-handoff(8).
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/kexec-handoff/timeline.h"
#include "lib/base/json.h"
#include "lib/base/log.h"
#include "lib/base/util.h"
#include "lib/handoff/handoff-io.h"
#include "lib/handoff/handoff.h"
#include "lib/sys/sysinfo.h"

static const char *root = "";

#define say(...) kl_msg("kexec-handoff", __VA_ARGS__)

static void usage(FILE *f)
{
	fputs("Usage: kexec-handoff [OPTION]... COMMAND [ARG]...\n"
	      "Read what the previous kernel's kexec handed over (kexec-handoff(5)).\n"
	      "\n"
	      "Commands:\n"
	      "  list [--json]      the records of the table\n"
	      "  verify             check the table, and the digest of every region and blob\n"
	      "                     that has one; exit 1 on any mismatch\n"
	      "  path NAME          where a preserved region is reached: /dev/pmemN, or\n"
	      "                     a device at an offset (/dev/mem)\n"
	      "  get NAME [-o FILE] write a blob's bytes (stdout by default), only when its\n"
	      "                     digest matches\n"
	      "  timeline [--json] [--svg=FILE]\n"
	      "                     the update's marks in ms since the purgatory started: its\n"
	      "                     TSC stamps on this kernel's clock, this kernel's log,\n"
	      "                     systemd's and the marks set with --mark\n"
	      "  timeline --all [--json]\n"
	      "                     every update of this chain, the oldest first (the last\n"
	      "                     16, handed on by --handoff-from-previous), this boot's last\n"
	      "  timeline --boot [--json] [--svg=FILE]\n"
	      "                     this kernel's own boot from its log, in ms since its\n"
	      "                     clock started: for a kernel not started through our\n"
	      "                     purgatory (kexec-tools', the firmware's)\n"
	      "  timeline --mark=NAME  set a mark NAME now (for a script: \"VM resumed\")\n"
	      "  timeline --advise [--json]\n"
	      "                     what took longest in this boot and what would shorten\n"
	      "                     it, with the log lines that show it\n"
	      "\n"
	      "Options:\n"
	      "  -o, --output=FILE  for get: a regular file (created 0600), never through a\n"
	      "                     symlink, never a FIFO or a device\n"
	      "      --root=DIR     read /sys and /dev/kmsg below DIR (testing)\n"
	      "      --svg=FILE     for timeline: also draw the steps as a chart (SVG)\n"
	      "      --tsc-clock=ZERO:MULT:SHIFT  for timeline: this TSC conversion instead of\n"
	      "                     the perf page's (testing)\n"
	      "  -h, --help\n"
	      "  -v, --version\n"
	      "\n"
	      "\n"
	      "Exit status: 0 success; 1 usage error, damaged table or digest mismatch, no\n"
	      "such record, failed write;\n"
	      "2 no table (this kernel was not started by kexec-live with a handoff table),\n"
	      "for timeline: no timeline record (not started through kexec-live's purgatory).\n",
	      f);
}

/* Find and decode the table; *ret_buf keeps the bytes the entries point into.
 * Returns an exit code. */
static int load_table(struct kl_handoff *t, void **ret_buf)
{
	struct kl_err err = { { 0 } };
	int r = kl_ho_table_read(root, t, ret_buf, &err);

	if (r == -ENOENT) {
		say("%s", err.msg);
		return 2;
	}
	if (r < 0) {
		say("the handoff table is not usable: %s", err.msg);
		return 1;
	}
	return 0;
}

static const char *keep_name(uint32_t k)
{
	return k == KL_HO_KEEP_PMEM ? "pmem" : k == KL_HO_KEEP_RESERVED ? "reserved" : "?";
}

static void json_str(const char *s)
{
	kl_json_str(s, stdout);
}

static void list_json(const struct kl_ho_entry *e, bool first)
{
	printf("%s\n  {\"name\": ", first ? "" : ",");
	json_str(e->name);
	if (e->type == KL_HO_REGION) {
		printf(", \"type\": \"region\", \"start\": %" PRIu64 ", \"size\": %" PRIu64 ", \"keep\": \"%s\"",
		       e->start, e->size, keep_name(e->keep));
	} else {
		printf(", \"type\": \"blob\", \"kind\": ");
		json_str(e->kind);
		printf(", \"storage\": \"%s\"", e->storage == KL_HO_INLINE ? "inline" : "memory");
		if (e->storage == KL_HO_IN_MEMORY)
			printf(", \"phys\": %" PRIu64, e->phys);
		printf(", \"length\": %" PRIu64, e->len);
	}
	printf(", \"digest\": %s}", e->digest_alg ? "\"sha256\"" : "null");
}

static const struct kl_ho_entry *find(const struct kl_handoff *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].name, name))
			return &t->e[i];
	return NULL;
}

/* get -o FILE: a regular file (created 0600 when missing), never through
 * a symlink, and never a FIFO or a device; every write and the close are
 * checked. */
static int write_output(const char *path, const void *bytes, size_t len)
{
	_cleanup_close_ int fd = -1;
	const uint8_t *p = bytes;
	struct stat st;

	if (!path) {
		if (fwrite(bytes, 1, len, stdout) != len || fflush(stdout) == EOF) {
			say("cannot write to standard output: %s", strerror(errno));
			return 1;
		}
		return 0;
	}
	fd = open(path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC, 0600);
	if (fd < 0) {
		say("cannot write %s: %s", path, errno == ELOOP ? "it is a symlink (not followed)" : strerror(errno));
		return 1;
	}
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		say("cannot write %s: not a regular file", path);
		return 1;
	}
	if (ftruncate(fd, 0) < 0) {
		say("cannot write %s: %s", path, strerror(errno));
		return 1;
	}
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			say("cannot write %s: %s", path, strerror(errno));
			return 1;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd) < 0 || close(TAKE_FD(fd)) < 0) {
		say("cannot write %s: %s", path, strerror(errno));
		return 1;
	}
	return 0;
}

/* What the options asked, for the command that runs. */
struct ho_args {
	const char *name; /* path and get: the record */
	const char *output;
	bool json;
	struct kl_timeline_opts tl; /* timeline's options */
};

static void list_line(const struct kl_ho_entry *e)
{
	const char *digest = e->digest_alg ? " sha256" : "";

	if (e->type == KL_HO_REGION)
		printf("region %-20s 0x%016" PRIx64 "+0x%" PRIx64 " %s%s\n", e->name, e->start, e->size,
		       keep_name(e->keep), digest);
	else if (e->storage == KL_HO_INLINE)
		printf("blob   %-20s %-8s %" PRIu64 " bytes inline%s\n", e->name, e->kind, e->len, digest);
	else
		printf("blob   %-20s %-8s %" PRIu64 " bytes in memory at 0x%" PRIx64 "%s\n", e->name, e->kind, e->len,
		       e->phys, digest);
}

static int cmd_list(const struct kl_handoff *t, const struct ho_args *a)
{
	size_t i;

	if (a->json)
		printf("[");
	for (i = 0; i < t->n; i++) {
		if (a->json)
			list_json(&t->e[i], i == 0);
		else
			list_line(&t->e[i]);
	}
	if (a->json)
		printf("%s]\n", t->n ? "\n" : "");
	else if (t->skipped)
		printf("(%zu record(s) of newer kinds skipped)\n", t->skipped);
	return 0;
}

static int cmd_verify(const struct kl_handoff *t, const struct ho_args *a)
{
	size_t i;
	int r = 0;

	(void)a;
	printf("table ok: %zu record(s), checksum valid\n", t->n);
	for (i = 0; i < t->n; i++) {
		struct kl_err err = { { 0 } };
		int ok = kl_ho_entry_check(root, &t->e[i], &err);

		if (ok < 0) {
			printf("%-9s %s: %s\n", ok == -EBADMSG ? "MISMATCH" : "UNREADABLE", t->e[i].name, err.msg);
			r = 1;
		} else {
			printf("%-9s %s\n", ok ? "ok" : "no-digest", t->e[i].name);
		}
	}
	return r;
}

/* The record a.name names, or NULL, said. */
static const struct kl_ho_entry *named(const struct kl_handoff *t, const struct ho_args *a)
{
	const struct kl_ho_entry *e = find(t, a->name);

	if (!e)
		say("no record named %s", a->name);
	return e;
}

static int cmd_path(const struct kl_handoff *t, const struct ho_args *a)
{
	const struct kl_ho_entry *e = named(t, a);
	char p[PATH_MAX];
	uint64_t off;

	if (!e)
		return 1;
	if (e->type != KL_HO_REGION) {
		say("%s is not a region", e->name);
		return 1;
	}
	kl_ho_region_path(root, e->start, e->size, p, sizeof(p), &off);
	if (e->keep == KL_HO_KEEP_PMEM && !strcmp(p, "/dev/mem")) {
		say("no /dev/pmem device holds 0x%" PRIx64 "+0x%" PRIx64 " (load nd_e820 and nd_pmem)", e->start,
		    e->size);
		return 1;
	}
	if (!strcmp(p, "/dev/mem") || off)
		printf("%s offset 0x%" PRIx64 " length 0x%" PRIx64 "\n", p, off, e->size);
	else
		printf("%s\n", p);
	return 0;
}

/* A blob's bytes, only when its digest matches. */
static int cmd_get(const struct kl_handoff *t, const struct ho_args *a)
{
	const struct kl_ho_entry *e = named(t, a);
	struct kl_err err = { { 0 } };
	_cleanup_free_ void *mem = NULL;
	size_t len = 0;

	if (!e)
		return 1;
	if (e->type != KL_HO_BLOB) {
		say("%s is a region, not a blob (see: path %s)", e->name, e->name);
		return 1;
	}
	if (e->storage == KL_HO_INLINE) {
		if (kl_ho_entry_check(root, e, &err) < 0) {
			say("%s; its bytes are not given out", err.msg);
			return 1;
		}
		return write_output(a->output, e->data, (size_t)e->len);
	}
	if (kl_ho_blob_read(root, e, &mem, &len, &err) < 0) {
		say("%s; its bytes are not given out", err.msg);
		return 1;
	}
	return write_output(a->output, mem, len);
}

static int cmd_timeline(const struct kl_handoff *t, const struct ho_args *a)
{
	(void)t;
	return kl_cmd_timeline(root, &a->tl);
}

struct ho_command {
	const char *name;
	bool takes_name; /* one NAME argument; else none */
	bool json_ok, output_ok;
	bool no_table; /* reads no handoff table */
	int (*run)(const struct kl_handoff *t, const struct ho_args *a);
};

static const struct ho_command commands[] = {
	{ .name = "list", .json_ok = true, .run = cmd_list },
	{ .name = "verify", .run = cmd_verify },
	{ .name = "path", .takes_name = true, .run = cmd_path },
	{ .name = "get", .takes_name = true, .output_ok = true, .run = cmd_get },
	{ .name = "timeline", .json_ok = true, .no_table = true, .run = cmd_timeline },
};

/* The command and its arguments, checked against what it takes: NULL
 * when they do not fit, said. */
static const struct ho_command *pick_command(int argc, char **argv, struct ho_args *a)
{
	const struct ho_command *cmd = NULL;
	const char *word = argv[optind++];
	size_t i;
	int nargs;

	for (i = 0; i < KL_ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, word))
			cmd = &commands[i];
	if (!cmd) {
		say("unknown command '%s'", word);
		return NULL;
	}
	nargs = cmd->takes_name;
	if (argc - optind > nargs) {
		say("%s: unexpected argument '%s'", cmd->name, argv[optind + nargs]);
		return NULL;
	}
	if (argc - optind < nargs) {
		say("%s needs a NAME", cmd->name);
		return NULL;
	}
	if ((a->json && !cmd->json_ok) || (a->output && !cmd->output_ok)) {
		say("%s goes with %s only", a->json ? "--json" : "-o", a->json ? "list and timeline" : "get");
		return NULL;
	}
	if ((a->tl.tsc_clock || a->tl.mark || a->tl.advise || a->tl.svg || a->tl.all || a->tl.boot) &&
	    cmd->run != cmd_timeline) {
		say("--tsc-clock, --mark, --advise, --all, --boot and --svg go with timeline only");
		return NULL;
	}
	if (a->tl.mark && (a->json || a->tl.advise || a->tl.svg || a->tl.tsc_clock || a->tl.all || a->tl.boot)) {
		say("timeline --mark sets a mark and prints nothing: no other option goes with it");
		return NULL;
	}
	if (a->tl.advise && (a->tl.svg || a->tl.tsc_clock || a->tl.all || a->tl.boot)) {
		say("timeline --advise reads the log only: --svg, --all, --boot and --tsc-clock do not go with it");
		return NULL;
	}
	if (a->tl.all && a->tl.boot) {
		say("timeline --all shows the updates a chain timed; --boot is one boot without a record");
		return NULL;
	}
	if (a->tl.all && a->tl.svg) {
		say("timeline --all prints a table of updates: --svg draws one update, without --all");
		return NULL;
	}
	a->name = nargs ? argv[optind] : NULL;
	return cmd;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' }, { "output", required_argument, NULL, 'o' },
		{ "root", required_argument, NULL, 'R' }, { "tsc-clock", required_argument, NULL, 'T' },
		{ "mark", required_argument, NULL, 'M' }, { "advise", no_argument, NULL, 'A' },
		{ "svg", required_argument, NULL, 'S' }, { "all", no_argument, NULL, 'L' },
		{ "boot", no_argument, NULL, 'B' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' }, { NULL, 0, NULL, 0 },
	};
	const struct ho_command *cmd;
	struct ho_args a = { 0 };
	struct kl_handoff t = { 0 };
	_cleanup_free_ void *buf = NULL;
	int c, r;

	while ((c = getopt_long(argc, argv, "ho:v", opts, NULL)) != -1) {
		switch (c) {
		case 'j': a.json = a.tl.json = true; break;
		case 'o': a.output = optarg; break;
		case 'R': root = optarg; break;
		case 'T': a.tl.tsc_clock = optarg; break;
		case 'M': a.tl.mark = optarg; break;
		case 'A': a.tl.advise = true; break;
		case 'S': a.tl.svg = optarg; break;
		case 'L': a.tl.all = true; break;
		case 'B': a.tl.boot = true; break;
		case 'h':
			usage(stdout);
			return kl_exit_code("kexec-handoff", 0, 1);
		case 'v':
			printf("kexec-handoff (kexec-live) %s\n", PACKAGE_VERSION);
			return kl_exit_code("kexec-handoff", 0, 1);
		default: fprintf(stderr, "Try 'kexec-handoff --help' for more information.\n"); return 1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	cmd = pick_command(argc, argv, &a);
	if (!cmd)
		return 1;
	r = cmd->no_table ? 0 : load_table(&t, &buf);
	if (r)
		return r;
	r = cmd->run(&t, &a);
	kl_handoff_free(&t);
	return kl_exit_code("kexec-handoff", r, 1);
}
