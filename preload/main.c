/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec-preload: stage kernels in the preload cache ahead of the update
 * window, list, verify, evict and clean up entries.  See kexec-preload(8).
 */
#define _GNU_SOURCE /* strverscmp */
#include "config.h"

#include <dirent.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "kexec/util.h"
#include "preload/cache.h"

static void usage(FILE *f)
{
	fputs("Usage: kexec-preload [OPTION]... COMMAND [ARG]...\n"
	      "Stage kernels for `kexec --preload-decompressed' ahead of the update window.\n"
	      "\n"
	      "Commands:\n"
	      "  stage [KERNEL [INITRD]]  decompress KERNEL's payload and flatten INITRD into a\n"
	      "                           cache entry; default: the newest /boot/vmlinuz-VERSION\n"
	      "                           (version order) and /boot/initrd.img-VERSION\n"
	      "  list [--json]            the entries\n"
	      "  verify                   re-hash every entry (SHA-256); drop and report the\n"
	      "                           damaged ones (exit 1 if there were any)\n"
	      "  evict KERNEL | --all     remove the entries of KERNEL, or every entry\n"
	      "  gc                       remove entries whose source files are gone or changed,\n"
	      "                           and leftovers of interrupted stages\n"
	      "\n"
	      "Options:\n"
	      "  --cache-dir=DIR          the cache (default: cache_dir= in the configuration\n"
	      "                           file, else " KL_CACHE_DIR_DEFAULT ")\n"
	      "  --config=FILE            the configuration file (default " KL_CACHE_CONF ")\n"
	      "  --boot-dir=DIR           where stage looks for kernels (default /boot)\n"
	      "  -h, --help               this help\n"
	      "  -v, --version            the version\n",
	      f);
}

static void bad_entry(const char *name, const char *why, void *data)
{
	(void)data;
	fprintf(stderr, "kexec-preload: entry %s is damaged: %s\n", name, why);
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

static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", *s);
		else
			putchar(*s);
	}
	putchar('"');
}

static int cmd_list(const char *dir, bool json)
{
	struct kl_cache_entry *v;
	size_t n, i;
	int r = kl_cache_list(dir, &v, &n, json ? NULL : bad_entry, NULL);

	if (r < 0) {
		fprintf(stderr, "kexec-preload: cannot read %s: %s\n", dir, strerror(-r));
		return 1;
	}
	if (json) {
		printf("[");
		for (i = 0; i < n; i++) {
			printf("%s\n  {\"key\": \"%s\", \"kernel\": ", i ? "," : "", v[i].key);
			json_str(v[i].kernel.path);
			printf(", \"initrd\": ");
			if (v[i].has_initrd)
				json_str(v[i].initrd.path);
			else
				printf("null");
			printf(", \"version\": ");
			json_str(v[i].version);
			printf(", \"compression\": \"%s\", \"vmlinux_bytes\": %" PRIu64 ", \"initrd_cpio_bytes\": %" PRIu64
			       ", \"created\": %" PRId64 "}",
			       v[i].compression, v[i].vmlinux.size, v[i].has_initrd ? v[i].initrd_cpio.size : 0,
			       v[i].created);
		}
		printf("%s]\n", n ? "\n" : "");
	} else {
		printf("%-12s %-6s %9s %9s  %-20s %s\n", "key", "comp", "vmlinux", "initrd", "created", "kernel / version");
		for (i = 0; i < n; i++) {
			char when[32];
			time_t t = (time_t)v[i].created;

			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", gmtime(&t));
			printf("%-12.12s %-6s %8" PRIu64 "M %8" PRIu64 "M  %-20s %s\n", v[i].key, v[i].compression,
			       v[i].vmlinux.size >> 20, v[i].has_initrd ? v[i].initrd_cpio.size >> 20 : 0, when,
			       v[i].kernel.path);
			printf("%-12s %-6s %9s %9s  %-20s %s\n", "", "", "", "", "", v[i].version);
		}
		printf("%zu entr%s in %s\n", n, n == 1 ? "y" : "ies", dir);
	}
	free(v);
	return 0;
}

static int cmd_verify(const char *dir)
{
	struct kl_cache_entry *v;
	size_t n, i, bad = 0;
	int r = kl_cache_list(dir, &v, &n, bad_entry, NULL);

	if (r < 0) {
		fprintf(stderr, "kexec-preload: cannot read %s: %s\n", dir, strerror(-r));
		return 1;
	}
	for (i = 0; i < n; i++) {
		struct kl_err err = { { 0 } };

		if (kl_cache_verify(dir, &v[i], &err) == 0) {
			printf("ok       %.12s %s\n", v[i].key, v[i].kernel.path);
			continue;
		}
		bad++;
		printf("DAMAGED  %.12s %s: %s; removed\n", v[i].key, v[i].kernel.path, err.msg);
		kl_cache_remove(dir, v[i].key);
	}
	free(v);
	return bad ? 1 : 0;
}

static int cmd_evict(const char *dir, const char *kernel, bool all)
{
	struct kl_cache_entry *v;
	size_t n, i, gone = 0;
	char real[PATH_MAX] = "";
	int r = kl_cache_list(dir, &v, &n, NULL, NULL);

	if (r < 0) {
		fprintf(stderr, "kexec-preload: cannot read %s: %s\n", dir, strerror(-r));
		return 1;
	}
	if (!all && !realpath(kernel, real))
		snprintf(real, sizeof(real), "%s", kernel); /* the kernel may be gone already */
	for (i = 0; i < n; i++)
		if (all || !strcmp(v[i].kernel.path, real)) {
			kl_cache_remove(dir, v[i].key);
			printf("evicted  %.12s %s\n", v[i].key, v[i].kernel.path);
			gone++;
		}
	free(v);
	if (!gone && !all)
		printf("no entry for %s\n", kernel);
	return 0;
}

static void print_removed(const char *name, const char *why, void *data)
{
	(void)data;
	printf("removed  %s (%s)\n", name, why);
}

static int cmd_gc(const char *dir)
{
	struct kl_cache_entry *v;
	size_t n, i;
	int r = kl_cache_list(dir, &v, &n, NULL, NULL);

	if (r < 0) {
		fprintf(stderr, "kexec-preload: cannot read %s: %s\n", dir, strerror(-r));
		return 1;
	}
	for (i = 0; i < n; i++) {
		/* the same test kexec applies before using an entry */
		const char *why = kl_cache_src_stale(&v[i].kernel), *which = "kernel";

		if (!why && v[i].has_initrd) {
			why = kl_cache_src_stale(&v[i].initrd);
			which = "initrd";
		}
		if (why) {
			kl_cache_remove(dir, v[i].key);
			printf("removed  %.12s %s (%s: %s)\n", v[i].key, v[i].kernel.path, which, why);
		}
	}
	free(v);
	/* leftovers: interrupted stages and entries without a valid meta */
	kl_cache_remove_leftovers(dir, print_removed, NULL);
	return 0;
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
		case 'h': usage(stdout); return 0;
		case 'v': printf("kexec-preload (kexec-live) %s\n", PACKAGE_VERSION); return 0;
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
	if (kl_cache_dir("", cache_override, conf, &dir, &err) < 0) {
		fprintf(stderr, "kexec-preload: %s\n", err.msg);
		return 1;
	}
	if (!strcmp(cmd, "stage")) {
		char kernel[PATH_MAX], initrd[PATH_MAX];
		struct kl_cache_entry e;
		struct timespec t0, t1;

		if (optind < argc) {
			snprintf(kernel, sizeof(kernel), "%s", argv[optind++]);
			snprintf(initrd, sizeof(initrd), "%s", optind < argc ? argv[optind++] : "");
		} else if (newest_kernel(boot, kernel, sizeof(kernel), initrd, sizeof(initrd)) < 0) {
			fprintf(stderr, "kexec-preload: no vmlinuz-VERSION in %s\n", boot);
			return 1;
		}
		if (optind < argc) {
			fprintf(stderr, "kexec-preload: stage takes KERNEL and INITRD only\n");
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t0);
		if (kl_cache_stage(dir, kernel, initrd[0] ? initrd : NULL, &e, &err) < 0) {
			fprintf(stderr, "kexec-preload: %s\n", err.msg);
			return 1;
		}
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("staged   %.12s %s%s%s (%s, vmlinux %" PRIu64 " MiB, initrd %" PRIu64 " MiB) in %.2f s\n", e.key,
		       e.kernel.path, e.has_initrd ? " + " : "", e.has_initrd ? e.initrd.path : "", e.compression,
		       e.vmlinux.size >> 20, e.initrd_cpio.size >> 20,
		       (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
		return 0;
	}
	if (!strcmp(cmd, "list"))
		return cmd_list(dir, json);
	if (!strcmp(cmd, "verify"))
		return cmd_verify(dir);
	if (!strcmp(cmd, "evict")) {
		if (!all && optind >= argc) {
			fprintf(stderr, "kexec-preload: evict needs KERNEL or --all\n");
			return 1;
		}
		return cmd_evict(dir, all ? NULL : argv[optind], all);
	}
	if (!strcmp(cmd, "gc"))
		return cmd_gc(dir);
	fprintf(stderr, "kexec-preload: unknown command '%s'\n", cmd);
	return 1;
}
