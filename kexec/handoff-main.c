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
	      "                     /dev/mem at an offset\n"
	      "  get NAME [-o FILE] write an inline blob's bytes (stdout by default), only\n"
	      "                     when its digest matches\n"
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

/* Find and decode the table; *ret_buf keeps the bytes the entries point into. */
static int load_table(struct kl_handoff *t, void **ret_buf)
{
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *de;
	int found = 0;

	snprintf(dir, sizeof(dir), "%s/sys/kernel/boot_params/setup_data", root);
	d = opendir(dir);
	if (!d) {
		fprintf(stderr, "kexec-handoff: no %s: this kernel has no setup_data\n", dir);
		return 2;
	}
	while ((de = readdir(d)) && !found) {
		char p[PATH_MAX + 300];
		_cleanup_free_ char *type = NULL, *data = NULL;
		size_t len = 0;
		struct kl_err err = { { 0 } };

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/sys/kernel/boot_params/setup_data/%s/type", de->d_name);
		if (kl_read_file(root, p, 64, &type, NULL, NULL) < 0 ||
		    strtoul(type, NULL, 16) != KL_HO_SETUP_TYPE)
			continue;
		snprintf(p, sizeof(p), "/sys/kernel/boot_params/setup_data/%s/data", de->d_name);
		if (kl_read_file(root, p, KL_HO_MAX_SIZE, &data, &len, &err) < 0) {
			fprintf(stderr, "kexec-handoff: %s\n", err.msg);
			closedir(d);
			return 1;
		}
		if (kl_handoff_decode(data, len, t, &err) < 0) {
			fprintf(stderr, "kexec-handoff: the handoff table is not usable: %s\n", err.msg);
			closedir(d);
			return 1;
		}
		*ret_buf = TAKE_PTR(data);
		found = 1;
	}
	closedir(d);
	if (!found) {
		fprintf(stderr, "kexec-handoff: no handoff table among this kernel's setup_data\n");
		return 2;
	}
	return 0;
}

static const char *keep_name(uint32_t k)
{
	return k == KL_HO_KEEP_PMEM ? "pmem" : k == KL_HO_KEEP_RESERVED ? "reserved" : "?";
}

static const struct kl_ho_entry *find(const struct kl_handoff *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].name, name))
			return &t->e[i];
	return NULL;
}

/* /dev/pmemN whose namespace starts at start, from sysfs. */
static int pmem_path(uint64_t start, char *out, size_t outlen)
{
	char dir[PATH_MAX];
	DIR *d;
	struct dirent *de;
	int r = -ENOENT;

	snprintf(dir, sizeof(dir), "%s/sys/block", root);
	d = opendir(dir);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d)) && r < 0) {
		char p[PATH_MAX + 300];
		_cleanup_free_ char *res = NULL;

		if (strncmp(de->d_name, "pmem", 4) != 0)
			continue;
		snprintf(p, sizeof(p), "/sys/block/%s/device/resource", de->d_name);
		if (kl_read_file(root, p, 64, &res, NULL, NULL) == 0 && strtoull(res, NULL, 0) == start) {
			snprintf(out, outlen, "/dev/%s", de->d_name);
			r = 0;
		}
	}
	closedir(d);
	return r;
}

static int digest_ok(const struct kl_ho_entry *e, const void *bytes, size_t n)
{
	uint8_t d[32];

	if (e->digest_alg != KL_HO_DIGEST_SHA256)
		return -1; /* nothing to check */
	EVP_Digest(bytes, n, d, NULL, EVP_sha256(), NULL);
	return memcmp(d, e->sha256, 32) == 0;
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

			if (json && e->type == KL_HO_REGION)
				printf("%s\n  {\"name\": \"%s\", \"type\": \"region\", \"start\": %" PRIu64 ", \"size\": %" PRIu64
				       ", \"keep\": \"%s\", \"digest\": %s}",
				       i ? "," : "", e->name, e->start, e->size, keep_name(e->keep),
				       e->digest_alg ? "\"sha256\"" : "null");
			else if (json)
				printf("%s\n  {\"name\": \"%s\", \"type\": \"blob\", \"kind\": \"%s\", \"storage\": \"%s\", "
				       "\"length\": %" PRIu64 ", \"digest\": %s}",
				       i ? "," : "", e->name, e->kind, e->storage == KL_HO_INLINE ? "inline" : "memory",
				       e->len, e->digest_alg ? "\"sha256\"" : "null");
			else if (e->type == KL_HO_REGION)
				printf("region %-20s 0x%016" PRIx64 "+0x%" PRIx64 " %s%s\n", e->name, e->start, e->size,
				       keep_name(e->keep), e->digest_alg ? " sha256" : "");
			else
				printf("blob   %-20s %-8s %" PRIu64 " bytes %s%s\n", e->name, e->kind, e->len,
				       e->storage == KL_HO_INLINE ? "inline" : "in memory", e->digest_alg ? " sha256" : "");
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
			const struct kl_ho_entry *e = &t.e[i];

			if (e->type == KL_HO_BLOB && e->storage == KL_HO_INLINE) {
				int ok = digest_ok(e, e->data, (size_t)e->len);

				printf("%-8s %s\n", ok < 0 ? "no-digest" : ok ? "ok" : "MISMATCH", e->name);
				if (ok == 0)
					r = 1;
			} else {
				/* region contents and blobs in memory: digests are
				 * not written by this release (kexec-handoff(5)) */
				printf("%-8s %s\n", e->digest_alg ? "unchecked" : "no-digest", e->name);
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

			r = 0;
			if (e->type != KL_HO_REGION) {
				fprintf(stderr, "kexec-handoff: %s is not a region\n", e->name);
				r = 1;
			} else if (e->keep == KL_HO_KEEP_PMEM && pmem_path(e->start, p, sizeof(p)) == 0) {
				printf("%s\n", p);
			} else if (e->keep == KL_HO_KEEP_PMEM) {
				fprintf(stderr, "kexec-handoff: no /dev/pmem device starts at 0x%" PRIx64
						" (load nd_e820 and nd_pmem)\n", e->start);
				r = 1;
			} else {
				printf("/dev/mem offset 0x%" PRIx64 " length 0x%" PRIx64 "\n", e->start, e->size);
			}
		} else { /* get */
			if (e->type != KL_HO_BLOB || e->storage != KL_HO_INLINE) {
				fprintf(stderr, "kexec-handoff: %s is not an inline blob\n", e->name);
				r = 1;
			} else if (digest_ok(e, e->data, (size_t)e->len) == 0) {
				fprintf(stderr, "kexec-handoff: %s: digest mismatch; its bytes are not given out\n", e->name);
				r = 1;
			} else {
				FILE *f = output ? fopen(output, "wb") : stdout;

				if (!f || fwrite(e->data, 1, (size_t)e->len, f) != (size_t)e->len ||
				    (output && fclose(f))) {
					fprintf(stderr, "kexec-handoff: cannot write %s\n", output ? output : "stdout");
					r = 1;
				} else {
					r = 0;
				}
			}
		}
	}
	kl_handoff_free(&t);
	return r;
}
