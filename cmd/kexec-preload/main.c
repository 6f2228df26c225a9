/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec-preload: stage kernels in the preload cache ahead of the update
 * window, list, verify, evict and clean up entries.  See kexec-preload(8).
 */
#define _GNU_SOURCE /* strverscmp */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/json.h"
#include "lib/base/log.h"
#include "lib/base/util.h"
#include "lib/cache/cache.h"
#include "lib/sys/fileio.h"

static void usage(FILE *f)
{
	fputs("Usage: kexec-preload [OPTION]... COMMAND [ARG]...\n"
	      "Stage kernels for `kexec --preload-decompressed' ahead of the update window.\n"
	      "\n"
	      "Commands:\n"
	      "  stage [KERNEL [INITRD]]  decompress KERNEL's payload and flatten INITRD into a\n"
	      "                           cache entry; default: the newest /boot/vmlinuz-VERSION\n"
	      "                           (version order) and /boot/initrd.img-VERSION; an\n"
	      "                           intact entry of the same files is kept (\"current\")\n"
	      "  list [--json]            the entries\n"
	      "  verify                   re-hash every entry (SHA-256); drop and report the\n"
	      "                           damaged ones and those without a valid meta (exit 1\n"
	      "                           if there were any)\n"
	      "  evict KERNEL | --all     remove the entries of KERNEL, or every entry\n"
	      "  gc                       remove entries whose source files are gone or changed,\n"
	      "                           and leftovers of interrupted stages\n"
	      "\n"
	      "Options:\n"
	      "  --cache-dir=DIR          the cache (default: cache_dir= in the configuration\n"
	      "                           file, else " KL_CACHE_DIR_DEFAULT ")\n"
	      "  --config=FILE            the configuration file (default " KL_CONF_PATH ")\n"
	      "  --boot-dir=DIR           where stage looks for kernels (default /boot)\n"
	      "\n"
	      "The cache is used only when it is root's alone: owned by root, not writable by\n"
	      "group or others, no symlinks, holding nothing but entries (man kexec-preload).\n"
	      "Exit status: 0 success; 1 usage error, refused cache, failed stage or write,\n"
	      "damaged entries found by verify.\n"
	      "  -h, --help               this help\n"
	      "  -v, --version            the version\n",
	      f);
}

#define say(...) kl_msg("kexec-preload", __VA_ARGS__)

static void bad_entry(const char *name, const char *why, void *data)
{
	(void)data;
	say("entry %.12s is damaged: %s", name, why);
}

/* The newest /boot/vmlinuz-VERSION, in version order, and its initrd. */
static int newest_kernel(const char *boot, char *kernel, size_t klen, char *initrd, size_t ilen)
{
	DIR *d = opendir(boot);
	struct dirent *de;
	char best[NAME_MAX + 1] = "";
	struct stat st;

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (!strncmp(de->d_name, "vmlinuz-", 8) && (!best[0] || strverscmp(de->d_name, best) > 0))
			snprintf(best, sizeof(best), "%s", de->d_name);
	closedir(d);
	if (!best[0])
		return -ENOENT;
	snprintf(kernel, klen, "%s/%s", boot, best);
	snprintf(initrd, ilen, "%s/initrd.img-%s", boot, best + 8);
	if (stat(initrd, &st) < 0)
		initrd[0] = 0;
	return 0;
}

static int cmd_list(const char *dir, bool json)
{
	struct kl_err err = { { 0 } };
	struct kl_cache_entry *v;
	size_t n, i;
	int r = kl_cache_list(dir, &v, &n, json ? NULL : bad_entry, NULL, &err);

	if (r < 0) {
		say("%s", err.msg);
		return 1;
	}
	if (json) {
		printf("[");
		for (i = 0; i < n; i++) {
			printf("%s\n  {\"key\": \"%s\", \"kernel\": ", i ? "," : "", v[i].key);
			kl_json_str(v[i].kernel.path, stdout);
			printf(", \"initrd\": ");
			if (v[i].has_initrd)
				kl_json_str(v[i].initrd.path, stdout);
			else
				printf("null");
			printf(", \"version\": ");
			kl_json_str(v[i].version, stdout);
			printf(", \"compression\": ");
			kl_json_str(v[i].compression, stdout);
			printf(", \"vmlinux_bytes\": %" PRIu64 ", \"initrd_cpio_bytes\": %" PRIu64 ", \"created\": %" PRId64 "}",
			       v[i].vmlinux.size, v[i].has_initrd ? v[i].initrd_cpio.size : 0, v[i].created);
		}
		printf("%s]\n", n ? "\n" : "");
	} else {
		printf("%-12s %-6s %9s %9s  %-20s %s\n", "key", "comp", "vmlinux", "initrd", "created", "kernel / version");
		for (i = 0; i < n; i++) {
			char when[32];
			time_t t = (time_t)v[i].created;

			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime(&t));
			printf("%-12.12s %-6s %8" PRIu64 "M %8" PRIu64 "M  %-20s ", v[i].key, v[i].compression,
			       v[i].vmlinux.size >> 20, v[i].has_initrd ? v[i].initrd_cpio.size >> 20 : 0, when);
			kl_fputs_escaped(v[i].kernel.path, stdout, false);
			printf("\n%-12s %-6s %9s %9s  %-20s ", "", "", "", "", "");
			kl_fputs_escaped(v[i].version, stdout, false);
			putchar('\n');
		}
		printf("%zu entr%s in ", n, n == 1 ? "y" : "ies");
		kl_fputs_escaped(dir, stdout, false);
		putchar('\n');
	}
	free(v);
	return 0;
}

struct names {
	char (*v)[65];
	size_t n;
	bool oom;
};

/* Collect the entries whose meta is damaged or missing, to remove them
 * once the list (under a shared lock) is done. */
static void bad_meta(const char *name, const char *why, void *data)
{
	struct names *b = data;
	char(*nv)[65] = realloc(b->v, (b->n + 1) * sizeof(*b->v));

	printf("DAMAGED  %.12s: %s; removed\n", name, why);
	if (!nv) {
		b->oom = true;
		return;
	}
	b->v = nv;
	snprintf(b->v[b->n++], sizeof(b->v[0]), "%s", name);
}

static int cmd_verify(const char *dir)
{
	struct kl_err err = { { 0 } };
	struct names badmeta = { 0 };
	struct kl_cache_entry *v;
	size_t n, i, bad;
	int r = kl_cache_list(dir, &v, &n, bad_meta, &badmeta, &err), ret;

	if (r < 0) {
		say("%s", err.msg);
		return 1;
	}
	bad = badmeta.n + badmeta.oom;
	for (i = 0; i < badmeta.n; i++)
		if (kl_cache_remove(dir, badmeta.v[i], &err) < 0)
			say("%s", err.msg);
	for (i = 0; i < n; i++) {
		struct kl_err why = { { 0 } };

		if (kl_cache_verify(dir, &v[i], &why) == 0) {
			printf("ok       %.12s ", v[i].key);
			kl_fputs_escaped(v[i].kernel.path, stdout, false);
			putchar('\n');
			continue;
		}
		bad++;
		printf("DAMAGED  %.12s ", v[i].key);
		kl_fputs_escaped(v[i].kernel.path, stdout, false);
		printf(": ");
		kl_fputs_escaped(why.msg, stdout, false);
		printf("; removed\n");
		if (kl_cache_remove(dir, v[i].key, &err) < 0)
			say("%s", err.msg);
	}
	ret = bad ? 1 : 0;
	free(v);
	free(badmeta.v);
	return ret;
}

/* Remove entry e and print "VERB  KEY PATH[ (WHICH: WHY)]", or say why
 * it could not be removed.  0 or 1. */
static int remove_said(const char *dir, const struct kl_cache_entry *e, const char *verb, const char *which,
		       const char *why)
{
	struct kl_err err = { { 0 } };

	if (kl_cache_remove(dir, e->key, &err) < 0) {
		say("%s", err.msg);
		return 1;
	}
	printf("%-8s %.12s ", verb, e->key);
	kl_fputs_escaped(e->kernel.path, stdout, false);
	if (which)
		printf(" (%s: %s)", which, why);
	putchar('\n');
	return 0;
}

static int cmd_evict(const char *dir, const char *kernel, bool all)
{
	struct kl_err err = { { 0 } };
	struct kl_cache_entry *v;
	size_t n, i, gone = 0;
	char real[PATH_MAX] = "";
	int r = kl_cache_list(dir, &v, &n, NULL, NULL, &err), ret = 0;

	if (r < 0) {
		say("%s", err.msg);
		return 1;
	}
	if (!all && !realpath(kernel, real))
		snprintf(real, sizeof(real), "%s", kernel); /* the kernel may be gone already */
	for (i = 0; i < n; i++)
		if (all || !strcmp(v[i].kernel.path, real)) {
			if (remove_said(dir, &v[i], "evicted", NULL, NULL))
				ret = 1;
			else
				gone++;
		}
	free(v);
	if (!gone && !all && !ret) {
		printf("no entry for ");
		kl_fputs_escaped(kernel, stdout, false);
		putchar('\n');
	}
	return ret;
}

static void print_removed(const char *name, const char *why, void *data)
{
	(void)data;
	printf("removed  %s (%s)\n", name, why);
}

static int cmd_gc(const char *dir)
{
	struct kl_err err = { { 0 } };
	struct kl_cache_entry *v;
	size_t n, i;
	int r = kl_cache_list(dir, &v, &n, NULL, NULL, &err), ret = 0;

	if (r < 0) {
		say("%s", err.msg);
		return 1;
	}
	for (i = 0; i < n; i++) {
		/* the same test kexec applies before using an entry */
		const char *why = kl_cache_src_stale(&v[i].kernel), *which = "kernel";

		if (!why && v[i].has_initrd) {
			why = kl_cache_src_stale(&v[i].initrd);
			which = "initrd";
		}
		if (why && remove_said(dir, &v[i], "removed", which, why))
			ret = 1;
	}
	free(v);
	/* leftovers: interrupted stages and entries without a valid meta */
	if (kl_cache_remove_leftovers(dir, print_removed, NULL, &err) < 0) {
		say("%s", err.msg);
		ret = 1;
	}
	return ret;
}

/* An intact entry of these very sources (kexec would load it, and its
 * files re-hash to what its meta says) is kept, not built again: a kernel
 * package's hook and the initramfs hook both stage a new kernel. */
static bool already_staged(const char *dir, const char *kernel, const char *initrd, struct kl_cache_entry *ret)
{
	struct kl_cache_hit h;
	bool same;

	if (kl_cache_lookup(dir, kernel, initrd, &h, NULL) != 1)
		return false;
	same = h.e.has_initrd == (initrd != NULL) && kl_cache_verify(dir, &h.e, NULL) == 0;
	if (same)
		*ret = h.e;
	kl_cache_hit_release(&h);
	return same;
}

static int cmd_stage(const char *dir, const char *boot, int argc, char **argv)
{
	char kernel[PATH_MAX] = "", initrd[PATH_MAX] = "";
	struct kl_err err = { { 0 } };
	struct kl_cache_entry e;
	struct timespec t0, t1;
	bool current;

	if (argc) {
		snprintf(kernel, sizeof(kernel), "%s", argv[0]);
		snprintf(initrd, sizeof(initrd), "%s", argc > 1 ? argv[1] : "");
	} else if (newest_kernel(boot, kernel, sizeof(kernel), initrd, sizeof(initrd)) < 0) {
		say("no vmlinuz-VERSION in %s", boot);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	current = already_staged(dir, kernel, initrd[0] ? initrd : NULL, &e);
	if (!current && kl_cache_stage(dir, kernel, initrd[0] ? initrd : NULL, &e, &err) < 0) {
		say("%s", err.msg);
		return 1;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("%s %.12s ", current ? "current " : "staged  ", e.key);
	kl_fputs_escaped(e.kernel.path, stdout, false);
	if (e.has_initrd) {
		printf(" + ");
		kl_fputs_escaped(e.initrd.path, stdout, false);
	}
	printf(" (%s, vmlinux %" PRIu64 " MiB, initrd %" PRIu64 " MiB) %s %.2f s\n", e.compression,
	       e.vmlinux.size >> 20, e.initrd_cpio.size >> 20, current ? "already staged, checked in" : "in",
	       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	return 0;
}

/* The command and how many arguments it takes at most. */
static int run(const char *dir, const char *boot, bool json, bool all, const char *cmd, int argc, char **argv)
{
	static const struct {
		const char *name;
		int max_args;
	} cmds[] = {
		{ .name = "stage", .max_args = 2 }, { .name = "list", .max_args = 0 },
		{ .name = "verify", .max_args = 0 }, { .name = "evict", .max_args = 1 },
		{ .name = "gc", .max_args = 0 },
	};
	size_t i;

	for (i = 0; i < KL_ARRAY_SIZE(cmds); i++)
		if (!strcmp(cmd, cmds[i].name))
			break;
	if (i == KL_ARRAY_SIZE(cmds)) {
		say("unknown command '%s'", cmd);
		return 1;
	}
	if (argc > cmds[i].max_args) {
		say("%s: unexpected argument '%s'", cmd, argv[cmds[i].max_args]);
		return 1;
	}
	if (json && strcmp(cmd, "list") != 0) {
		say("--json goes with list only");
		return 1;
	}
	if (all && strcmp(cmd, "evict") != 0) {
		say("--all goes with evict only");
		return 1;
	}
	if (!strcmp(cmd, "stage"))
		return cmd_stage(dir, boot, argc, argv);
	if (!strcmp(cmd, "list"))
		return cmd_list(dir, json);
	if (!strcmp(cmd, "verify"))
		return cmd_verify(dir);
	if (!strcmp(cmd, "evict")) {
		if (all == (argc == 1)) {
			say("evict needs KERNEL or --all (one of them)");
			return 1;
		}
		return cmd_evict(dir, all ? NULL : argv[0], all);
	}
	return cmd_gc(dir);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cache-dir", required_argument, NULL, 'C' }, { "config", required_argument, NULL, 'F' },
		{ "boot-dir", required_argument, NULL, 'B' },  { "json", no_argument, NULL, 'j' },
		{ "all", no_argument, NULL, 'a' },             { "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },         { NULL, 0, NULL, 0 },
	};
	const char *cache_override = NULL, *conf = NULL, *boot = "/boot", *cmd;
	struct kl_conf config = { .path = KL_CONF_PATH };
	_cleanup_free_ char *dir = NULL;
	bool json = false, all = false;
	struct kl_err err = { { 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "hv", opts, NULL)) != -1) {
		switch (c) {
		case 'C': cache_override = optarg; break;
		case 'F': conf = optarg; break;
		case 'B': boot = optarg; break;
		case 'j': json = true; break;
		case 'a': all = true; break;
		case 'h':
			usage(stdout);
			return kl_exit_code("kexec-preload", 0, 1);
		case 'v':
			printf("kexec-preload (kexec-live) %s\n", PACKAGE_VERSION);
			return kl_exit_code("kexec-preload", 0, 1);
		default:
			fprintf(stderr, "Try 'kexec-preload --help' for more information.\n");
			return 1;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 1;
	}
	cmd = argv[optind++];
	if ((!cache_override && kl_conf_load("", conf, &config, &err) < 0) ||
	    kl_cache_dir("", cache_override, &config, &dir, &err) < 0) {
		say("%s", err.msg);
		return 1;
	}
	return kl_exit_code("kexec-preload", run(dir, boot, json, all, cmd, argc - optind, argv + optind), 1);
}
