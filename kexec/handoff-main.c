/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec-handoff: read the handoff table the previous kernel's kexec left
 * (kexec-handoff(5)) from /sys/kernel/boot_params/setup_data.  See
 * kexec-handoff(8).
 */
#include "config.h"

#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kexec/handoff-io.h"
#include "kexec/handoff.h"
#include "kexec/sysinfo.h"
#include "kexec/util.h"

static const char *root = "";

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
	      "\n"
	      "Options:\n"
	      "  -o, --output=FILE  for get\n"
	      "      --root=DIR     read /sys below DIR (testing)\n"
	      "  -h, --help\n"
	      "  -v, --version\n"
	      "\n"
	      "Exit status: 0 success; 1 damaged table or digest mismatch, no such record;\n"
	      "2 no table (this kernel was not started by kexec-live with a handoff table).\n",
	      f);
}

/* Find and decode the table; *ret_buf keeps the bytes the entries point into.
 * Returns an exit code. */
static int load_table(struct kl_handoff *t, void **ret_buf)
{
	struct kl_err err = { { 0 } };
	int r = kl_ho_table_read(root, t, ret_buf, &err);

	if (r == -ENOENT) {
		fprintf(stderr, "kexec-handoff: %s\n", err.msg);
		return 2;
	}
	if (r < 0) {
		fprintf(stderr, "kexec-handoff: the handoff table is not usable: %s\n", err.msg);
		return 1;
	}
	return 0;
}

static const char *keep_name(uint32_t k)
{
	return k == KL_HO_KEEP_PMEM ? "pmem" : k == KL_HO_KEEP_RESERVED ? "reserved" : "?";
}

/* A JSON string: names are printable ASCII without spaces, but may hold
 * a quote or a backslash. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		putchar(*s);
	}
	putchar('"');
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

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' }, { "output", required_argument, NULL, 'o' },
		{ "root", required_argument, NULL, 'R' }, { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' }, { NULL, 0, NULL, 0 },
	};
	const char *output = NULL, *cmd;
	struct kl_handoff t = { 0 };
	_cleanup_free_ void *buf = NULL;
	bool json = false;
	size_t i;
	int c, r;

	while ((c = getopt_long(argc, argv, "ho:v", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'o': output = optarg; break;
		case 'R': root = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'v': printf("kexec-handoff (kexec-live) %s\n", PACKAGE_VERSION); return 0;
		default: fprintf(stderr, "Try 'kexec-handoff --help' for more information.\n"); return 1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	cmd = argv[optind++];
	if (strcmp(cmd, "list") != 0 && strcmp(cmd, "verify") != 0 && strcmp(cmd, "path") != 0 &&
	    strcmp(cmd, "get") != 0) {
		fprintf(stderr, "kexec-handoff: unknown command '%s'\n", cmd);
		return 1;
	}
	r = load_table(&t, &buf);
	if (r)
		return r;
	if (!strcmp(cmd, "list")) {
		if (json)
			printf("[");
		for (i = 0; i < t.n; i++) {
			const struct kl_ho_entry *e = &t.e[i];

			if (json)
				list_json(e, i == 0);
			else if (e->type == KL_HO_REGION)
				printf("region %-20s 0x%016" PRIx64 "+0x%" PRIx64 " %s%s\n", e->name, e->start, e->size,
				       keep_name(e->keep), e->digest_alg ? " sha256" : "");
			else if (e->storage == KL_HO_INLINE)
				printf("blob   %-20s %-8s %" PRIu64 " bytes inline%s\n", e->name, e->kind, e->len,
				       e->digest_alg ? " sha256" : "");
			else
				printf("blob   %-20s %-8s %" PRIu64 " bytes in memory at 0x%" PRIx64 "%s\n", e->name, e->kind,
				       e->len, e->phys, e->digest_alg ? " sha256" : "");
		}
		if (json)
			printf("%s]\n", t.n ? "\n" : "");
		else if (t.skipped)
			printf("(%zu record(s) of newer kinds skipped)\n", t.skipped);
		r = 0;
	} else if (!strcmp(cmd, "verify")) {
		r = 0;
		printf("table ok: %zu record(s), checksum valid\n", t.n);
		for (i = 0; i < t.n; i++) {
			struct kl_err err = { { 0 } };
			int ok = kl_ho_entry_check(root, &t.e[i], &err);

			if (ok < 0) {
				printf("%-9s %s: %s\n", ok == -EBADMSG ? "MISMATCH" : "UNREADABLE", t.e[i].name, err.msg);
				r = 1;
			} else {
				printf("%-9s %s\n", ok ? "ok" : "no-digest", t.e[i].name);
			}
		}
	} else {
		const struct kl_ho_entry *e;

		if (optind >= argc) {
			fprintf(stderr, "kexec-handoff: %s needs a NAME\n", cmd);
			return 1;
		}
		e = find(&t, argv[optind]);
		if (!e) {
			fprintf(stderr, "kexec-handoff: no record named %s\n", argv[optind]);
			r = 1;
		} else if (!strcmp(cmd, "path")) {
			char p[PATH_MAX];
			uint64_t off;

			r = 1;
			kl_ho_region_path(root, e->start, e->size, p, sizeof(p), &off);
			if (e->type != KL_HO_REGION) {
				fprintf(stderr, "kexec-handoff: %s is not a region\n", e->name);
			} else if (e->keep == KL_HO_KEEP_PMEM && !strcmp(p, "/dev/mem")) {
				fprintf(stderr, "kexec-handoff: no /dev/pmem device holds 0x%" PRIx64 "+0x%" PRIx64
						" (load nd_e820 and nd_pmem)\n", e->start, e->size);
			} else {
				r = 0;
				if (!strcmp(p, "/dev/mem") || off)
					printf("%s offset 0x%" PRIx64 " length 0x%" PRIx64 "\n", p, off, e->size);
				else
					printf("%s\n", p);
			}
		} else { /* get */
			struct kl_err err = { { 0 } };
			_cleanup_free_ void *mem = NULL;
			const void *bytes = NULL;
			size_t len = 0;

			r = 1;
			if (e->type != KL_HO_BLOB) {
				fprintf(stderr, "kexec-handoff: %s is a region, not a blob (see: path %s)\n", e->name,
					e->name);
			} else if (e->storage == KL_HO_INLINE) {
				if (kl_ho_entry_check(root, e, &err) < 0)
					fprintf(stderr, "kexec-handoff: %s; its bytes are not given out\n", err.msg);
				else
					bytes = e->data, len = (size_t)e->len;
			} else if (kl_ho_blob_read(root, e, &mem, &len, &err) < 0) {
				fprintf(stderr, "kexec-handoff: %s; its bytes are not given out\n", err.msg);
			} else {
				bytes = mem;
			}
			if (bytes) {
				FILE *f = output ? fopen(output, "wb") : stdout;

				if (!f || fwrite(bytes, 1, len, f) != len || (output && fclose(f)))
					fprintf(stderr, "kexec-handoff: cannot write %s\n", output ? output : "stdout");
				else
					r = 0;
			}
		}
	}
	kl_handoff_free(&t);
	return r;
}
