/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * What kexec does with parsed options: load (choosing the system call),
 * unload, report status, exec.  Every effect on the system goes through
 * the kl_sys seam.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/kexec/cli.h"
#include "cmd/kexec/defaults.h"
#include "cmd/kexec/kexec.h"
#include "lib/arch/x86/x86.h"
#include "lib/base/digest.h"
#include "lib/base/log.h"
#include "lib/base/util.h"
#include "lib/cache/cache.h"
#include "lib/format/bzimage.h"
#include "lib/format/decompress.h"
#include "lib/format/initramfs.h"
#include "lib/format/uki.h"
#include "lib/handoff/handoff-io.h"
#include "lib/timeline/collect.h"
#include "lib/timeline/history.h"
#include "lib/plan/cmdline.h"
#include "lib/plan/plan.h"
#include "lib/sys/fileio.h"
#include "lib/sys/sysinfo.h"

#define KL_KERNEL_FILE_MAX (512ULL << 20)
#define KL_INITRD_FILE_MAX (4ULL << 30)
#define KL_UKI_FILE_MAX (KL_KERNEL_FILE_MAX + KL_INITRD_FILE_MAX)
#define KEXEC_ON_CRASH 0x1UL
#define KEXEC_FILE_UNLOAD 0x1UL
#define KEXEC_FILE_ON_CRASH 0x2UL
#define KEXEC_FILE_NO_INITRAMFS 0x4UL

struct kl_ctx {
	const struct kl_sys *sys;
	const struct kl_opts *o;
	/* the kernel as read, and possibly decompressed */
	void *kernel;
	size_t kernel_len;
	uint64_t kernel_file_len; /* more than kernel_len when only the head was read */
	enum kl_comp kernel_comp;
	void *initrd;
	size_t initrd_len;
	void *vmlinux; /* decompressed payload from the preload cache (mapped) */
	size_t vmlinux_len;
	enum kl_comp vmlinux_comp; /* its compression in the bzImage */
	bool initrd_from_cache; /* then c->initrd is mapped too, and */
	uint32_t initrd_crc32c; /* its CRC-32C was checked at lookup */
	bool initrd_xxh64_known; /* ... or its XXH64, when the entry has one */
	uint64_t initrd_xxh64;
	char *proc_cmdline; /* /proc/cmdline, with --reuse-cmdline */
	/* the handoff as loaded: what --handoff-from-previous received, then
	 * the options' own entries, digests filled in */
	struct kl_preserve preserve[KL_PRESERVE_MAX];
	size_t nr_preserve;
	struct kl_blob blobs[KL_BLOBS_MAX];
	size_t nr_blobs;
	void *blob_bytes[KL_BLOBS_MAX];
	/* for kexec_file_load: the kernel as opened and checked once, the
	 * same descriptor the system call gets, and its header's limit */
	int kernel_fd;
	uint32_t cmdline_size;
	/* KERNEL as a unified kernel image: the whole file, and in it the
	 * sections that stand for the kernel, initrd and command line */
	void *uki_file;
	size_t uki_len;
	struct kl_uki uki;
	char *uki_cmdline; /* .cmdline as a string, when it is the command line */
	struct kl_conf conf; /* /etc/kexec-live.conf */
	char lockdown[16];   /* the kernel's lockdown mode, or "" */
};

static void ctx_free(struct kl_ctx *c)
{
	size_t i;

	for (i = 0; i < c->nr_blobs; i++)
		free(c->blob_bytes[i]);
	free(c->kernel);
	if (c->initrd_from_cache)
		kl_cache_release(c->initrd, c->initrd_len);
	else
		free(c->initrd);
	kl_cache_release(c->vmlinux, c->vmlinux_len);
	free(c->proc_cmdline);
	free(c->uki_file);
	free(c->uki_cmdline);
	if (c->kernel_fd >= 0)
		close(c->kernel_fd);
}

static void say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* One line on stderr, escaped (log.h). */
static void say(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	kl_vmsg("kexec", fmt, ap);
	va_end(ap);
}

/* Read a user-named file.  Failures here are the user's to fix: exit 1. */
static int read_user_file(const char *what, const char *path, uint64_t max, void **ret, size_t *ret_len)
{
	struct kl_err err = { { 0 } };
	void *buf;
	size_t len;
	int r = kl_read_regular(path, max, &buf, &len, &err);

	if (r < 0) {
		say("%s %s", what, err.msg);
		return r;
	}
	if (!len) {
		free(buf);
		say("%s %s is empty", what, path);
		return -EINVAL;
	}
	*ret = buf;
	*ret_len = len;
	return 0;
}

/* --preload-decompressed with a staged entry for the kernel (and initrd):
 * the entry holds the payload decompressed, so of the kernel only its head
 * (the setup code and header) is read.  Returns KL_EXIT_OK on a hit, -1
 * when the sources must be read (no entry, or a stale or damaged one,
 * which is said), or another exit code. */
static int read_from_cache(struct kl_ctx *c)
{
	const struct kl_opts *o = c->o;
	struct kl_err err = { { 0 } };
	struct kl_err miss = { { 0 } };
	_cleanup_free_ char *dir = NULL;
	struct kl_cache_hit hit;
	void *head = NULL;
	size_t head_len = 0;
	uint64_t size = 0;
	int r;

	/* Unreadable, or compressed as a whole (never staged): the full
	 * read below reports or handles it. */
	if (kl_read_regular_head(o->kernel, KL_KERNEL_FILE_MAX, KL_BZIMAGE_HEAD_MAX, &head, &head_len, &size,
				 &err) < 0)
		return -1;
	if (!head_len || kl_comp_detect(head, head_len) != KL_COMP_NONE) {
		free(head);
		return -1;
	}
	if (kl_cache_dir(c->sys->root, NULL, &c->conf, &dir, &err) < 0) {
		free(head);
		say("%s", err.msg);
		return KL_EXIT_FAIL;
	}
	r = kl_cache_lookup(dir, o->kernel, o->initrd, &hit, &miss);
	kl_debug_time("preload cache looked up");
	if (r != 1) {
		free(head);
		if (r == -ESTALE || r == -EPERM)
			say("warning: preload cache: %s; loading from the sources", miss.msg);
		else
			kl_debug("kexec: preload cache: %s; decompressing now\n", miss.msg);
		return -1;
	}
	kl_debug("kexec: preload cache: entry %.12s (%s) for %s; of the kernel only its first %zu of %" PRIu64
		 " bytes read\n", hit.e.key, dir, o->kernel, head_len, size);
	c->kernel = head;
	c->kernel_len = head_len;
	c->kernel_file_len = size;
	c->vmlinux = hit.vmlinux;
	c->vmlinux_len = hit.vmlinux_len;
	c->vmlinux_comp = kl_comp_by_name(hit.e.compression);
	if (o->initrd && o->no_flatten) {
		kl_cache_release(hit.cpio, hit.cpio_len); /* read as it is, below */
	} else if (o->initrd) {
		c->initrd = hit.cpio;
		c->initrd_len = hit.cpio_len;
		c->initrd_from_cache = true;
		/* digests of these very bytes: the lookup just checked one of
		 * them (meta.c), and the meta holding both is checksummed */
		c->initrd_crc32c = hit.e.initrd_cpio.crc32c;
		c->initrd_xxh64_known = hit.e.initrd_cpio.has_xxh64;
		c->initrd_xxh64 = hit.e.initrd_cpio.xxh64;
	}
	return KL_EXIT_OK;
}

/* Read kernel (decompressing a whole-file compressed image) and initrd.
 * Returns an exit code. */
static int read_inputs(struct kl_ctx *c)
{
	const struct kl_opts *o = c->o;
	struct kl_err err = { { 0 } };
	void *raw = NULL, *out;
	size_t raw_len = 0, out_len;
	int r;

	if (c->uki_file) {
		/* the preload cache stages kernel files, not UKIs */
		raw_len = c->uki.linux_.len;
		raw = malloc(raw_len);
		if (!raw)
			return KL_EXIT_FAIL;
		memcpy(raw, c->uki.linux_.p, raw_len);
	} else if (o->boot.preload_decompressed && (r = read_from_cache(c)) >= 0) {
		return r;
	} else if (read_user_file("kernel", o->kernel, KL_KERNEL_FILE_MAX, &raw, &raw_len) < 0) {
		return KL_EXIT_USAGE;
	}
	c->kernel_comp = kl_comp_detect(raw, raw_len);
	if (c->kernel_comp != KL_COMP_NONE) {
		r = kl_decompress(c->kernel_comp, raw, raw_len, KL_KERNEL_FILE_MAX * 2, &out, &out_len, NULL, &err);
		free(raw);
		if (r < 0) {
			say("%s: %s", o->kernel, err.msg[0] ? err.msg : strerror(-r));
			return KL_EXIT_FAIL;
		}
		kl_debug("kexec: %s is %s-compressed; %zu bytes decompressed\n", o->kernel,
			 kl_comp_name(c->kernel_comp), out_len);
		raw = out;
		raw_len = out_len;
	}
	c->kernel = raw;
	c->kernel_len = raw_len;
	c->kernel_file_len = raw_len;
	kl_debug_time("kernel read");
	return KL_EXIT_OK;
}

/* The initrd as kexec_load takes it: read (flattened with
 * --preload-decompressed), unless the preload cache gave it already.
 * kexec_file_load reads the file itself, so this waits until kexec_load
 * is the call.  Returns an exit code. */
static int read_initrd(struct kl_ctx *c)
{
	const struct kl_opts *o = c->o;
	struct kl_err err = { { 0 } };
	struct kl_initramfs_stats st;
	void *out;
	size_t out_len;
	int r;

	if (c->initrd)
		return KL_EXIT_OK;
	if (o->initrd) {
		if (read_user_file("initrd", o->initrd, KL_INITRD_FILE_MAX, &c->initrd, &c->initrd_len) < 0)
			return KL_EXIT_USAGE;
	} else if (c->uki.initrd.len) {
		c->initrd = malloc(c->uki.initrd.len);
		if (!c->initrd)
			return KL_EXIT_FAIL;
		memcpy(c->initrd, c->uki.initrd.p, c->uki.initrd.len);
		c->initrd_len = c->uki.initrd.len;
	} else {
		return KL_EXIT_OK;
	}
	if (!o->boot.preload_decompressed)
		return KL_EXIT_OK;
	if (o->no_flatten) {
		kl_debug("kexec: --no-flatten-initrd: the initrd goes to the kernel as it is (%zu bytes)\n",
			 c->initrd_len);
		return KL_EXIT_OK;
	}
	r = kl_initramfs_flatten(c->initrd, c->initrd_len, KL_INITRD_FILE_MAX, &out, &out_len, &st, &err);
	if (r < 0) {
		say("%s%s: %s", o->initrd ? o->initrd : o->kernel, o->initrd ? "" : " (.initrd)",
		    err.msg[0] ? err.msg : strerror(-r));
		return KL_EXIT_FAIL;
	}
	kl_debug("kexec: %s%s: %u compressed member(s) decompressed; %zu bytes in %u cpio archive(s)\n",
		 o->initrd ? o->initrd : o->kernel, o->initrd ? "" : " (.initrd)", st.compressed, out_len,
		 st.archives);
	free(c->initrd);
	c->initrd = out;
	c->initrd_len = out_len;
	return KL_EXIT_OK;
}

static bool named_by_options(const struct kl_opts *o, const char *name)
{
	size_t i;

	if (o->exec_stamp && !strcmp(name, KL_XS_REGION_NAME))
		return true;

	for (i = 0; i < o->nr_preserve; i++)
		if (!strcmp(o->preserve[i].name, name))
			return true;
	for (i = 0; i < o->nr_blobs; i++)
		if (!strcmp(o->blobs[i].name, name))
			return true;
	return false;
}

static int add_blob(struct kl_ctx *c, const char *name, const char *kind, void *bytes, size_t len)
{
	struct kl_err err = { { 0 } };
	struct kl_blob *b;

	if (c->nr_blobs == KL_BLOBS_MAX) {
		free(bytes);
		say("more than %d handoff blobs", KL_BLOBS_MAX);
		return -E2BIG;
	}
	b = &c->blobs[c->nr_blobs];
	*b = (struct kl_blob){ .data = bytes, .len = len };
	snprintf(b->name, sizeof(b->name), "%s", name);
	snprintf(b->kind, sizeof(b->kind), "%s", kind);
	c->blob_bytes[c->nr_blobs++] = bytes; /* freed with the context from here on */
	if (kl_digest_sha256(bytes, len, b->sha256, &err) < 0) {
		say("%s", err.msg);
		return -EIO;
	}
	return 0;
}

/* A received region, under the same rule as --preserve (checked before a
 * byte is read), then against its digest.  Returns an exit code. */
static int take_region(struct kl_ctx *c, const struct kl_sysinfo *si, const struct kl_ho_entry *e)
{
	struct kl_err err = { { 0 } };
	struct kl_preserve *p = &c->preserve[c->nr_preserve];
	int r;

	if (c->nr_preserve == KL_PRESERVE_MAX) {
		say("--handoff-from-previous: more than %d preserved ranges", KL_PRESERVE_MAX);
		return KL_EXIT_FAIL;
	}
	*p = (struct kl_preserve){ .start = e->start, .size = e->size, .keep = e->keep, .digest_alg = e->digest_alg,
				   .received = true };
	memcpy(p->sha256, e->sha256, 32);
	snprintf(p->name, sizeof(p->name), "%s", e->name);
	r = kl_x86_preserve_check(si, p, &err);
	if (r == 0)
		r = kl_ho_entry_check(c->sys->root, e, &err);
	if (r < 0) {
		say("--handoff-from-previous: %s; nothing loaded", err.msg);
		return KL_EXIT_FAIL;
	}
	p->no_digest = r == 0;
	c->nr_preserve++;
	kl_debug("kexec: --handoff-from-previous: region %s%s\n", e->name,
		 r ? ", SHA-256 checked" : " (no digest recorded)");
	return KL_EXIT_OK;
}

/* A received blob: its bytes checked against the digest, then copied
 * (inline in the table) or read (from memory).  Returns an exit code. */
static int take_blob(struct kl_ctx *c, const struct kl_ho_entry *e)
{
	struct kl_err err = { { 0 } };
	void *bytes = NULL;
	size_t len = 0;
	int r;

	if (e->storage == KL_HO_INLINE) {
		r = kl_ho_entry_check(c->sys->root, e, &err);
		if (r >= 0) {
			len = (size_t)e->len;
			bytes = malloc(KL_MAX(len, (size_t)1));
			if (bytes)
				memcpy(bytes, e->data, len);
			else
				r = -ENOMEM;
		}
	} else {
		r = kl_ho_blob_read(c->sys->root, e, &bytes, &len, &err);
	}
	if (r < 0) {
		say("--handoff-from-previous: %s; nothing loaded", err.msg[0] ? err.msg : strerror(-r));
		return KL_EXIT_FAIL;
	}
	if (add_blob(c, e->name, e->kind, bytes, len) < 0)
		return KL_EXIT_FAIL;
	kl_debug("kexec: --handoff-from-previous: blob %s, %zu bytes, SHA-256 checked\n", e->name, len);
	return KL_EXIT_OK;
}

/* This kernel's own update, as kexec-handoff timeline gathers it, into
 * *ret: 0, -ENOENT when it was not timed (not started through our
 * purgatory), or why not in err. */
static int own_update(const struct kl_ctx *c, struct kl_tlh_entry *ret, struct kl_err *err)
{
	struct kl_tl_log lg = { 0 };
	struct kl_tsc_clock given;
	struct kl_tl_update u;
	char release[KL_TLH_RELEASE_MAX];
	int r;

	if (c->sys->tsc_clock && kl_tsc_clock_parse(c->sys->tsc_clock, &given) < 0)
		return kl_fail(err, -EINVAL, "the seam's TSC clock '%s' is not ZERO:MULT:SHIFT", c->sys->tsc_clock);
	r = kl_tl_log_read(c->sys->root, &lg);
	if (r == 0)
		r = kl_tl_collect(c->sys->root, c->sys->tsc_clock ? &given : NULL, &lg, &u, err);
	kl_tl_log_free(&lg);
	if (r == 0)
		r = kl_tl_release(c->sys->root, release, err);
	if (r == 0 && kl_tlh_entry_make(release, &u.t, &u.marks, ret) < 0)
		r = kl_fail(err, -EINVAL, "the release '%s' does not fit a timeline entry", release);
	return r;
}

/* The chain's history (kexec-handoff(5), "kexec-live.timelines"): the
 * timelines this kernel received, and its own update's last, for
 * `kexec-handoff timeline --all` in the next kernel.  Never fails the
 * load: a damaged list is said and left out (never trusted), an update
 * that cannot be timed is said and not added.  Returns an exit code. */
static int hand_on_history(struct kl_ctx *c, const struct kl_handoff *t)
{
	struct kl_tlh_entry v[KL_TLH_ENTRIES_MAX], e;
	struct kl_err err = { { 0 } };
	uint8_t buf[KL_TLH_SIZE_MAX];
	void *bytes;
	size_t n = 0, len;
	int r = kl_tl_history_read(c->sys->root, t, v, &n, &err);

	if (r < 0 && r != -ENOENT) {
		say("--handoff-from-previous: %s; left out, the history starts again", err.msg);
		n = 0;
	}
	err = (struct kl_err){ { 0 } };
	r = own_update(c, &e, &err);
	if (r == 0)
		n = kl_tlh_push(v, n, &e);
	else if (r == -ENOENT)
		kl_debug("kexec: this kernel's update was not timed: %s\n", err.msg);
	else
		say("--handoff-from-previous: this kernel's update is not in the history it hands on: %s", err.msg);
	if (!n)
		return KL_EXIT_OK;
	if (kl_tlh_encode(v, n, buf, sizeof(buf), &len) < 0)
		return KL_EXIT_FAIL; /* cannot be: n <= KL_TLH_ENTRIES_MAX, buf of the most */
	bytes = malloc(len);
	if (!bytes) {
		say("out of memory");
		return KL_EXIT_FAIL;
	}
	memcpy(bytes, buf, len);
	if (add_blob(c, KL_TLH_BLOB_NAME, "timeline", bytes, len) < 0)
		return KL_EXIT_FAIL;
	kl_debug("kexec: --handoff-from-previous: %zu update timeline(s) handed on\n", n);
	return KL_EXIT_OK;
}

/* --handoff-from-previous: every entry this kernel received, checked
 * against its digest, becomes an entry of the next table (unless an
 * option names it again); the chain's history is handed on with this
 * kernel's update added.  Returns an exit code. */
static int take_previous(struct kl_ctx *c, const struct kl_sysinfo *si)
{
	struct kl_err err = { { 0 } };
	struct kl_handoff t = { 0 };
	_cleanup_free_ void *tbuf = NULL;
	int r = KL_EXIT_OK;
	size_t i;

	if (kl_ho_table_read(c->sys->root, &t, &tbuf, &err) < 0) {
		say("--handoff-from-previous: %s", err.msg);
		return KL_EXIT_FAIL;
	}
	if (t.skipped) {
		say("--handoff-from-previous: the table holds %zu record(s) of kinds this kexec does not know "
		    "and could not hand over; nothing loaded", t.skipped);
		r = KL_EXIT_FAIL;
	}
	for (i = 0; r == KL_EXIT_OK && i < t.n; i++) {
		const struct kl_ho_entry *e = &t.e[i];

		if (named_by_options(c->o, e->name))
			kl_debug("kexec: --handoff-from-previous: %s is given again; the new entry replaces it\n",
				 e->name);
		else if (e->type == KL_HO_REGION)
			r = take_region(c, si, e);
		else if (strcmp(e->name, KL_TLH_BLOB_NAME) != 0)
			r = take_blob(c, e);
	}
	if (r == KL_EXIT_OK)
		r = hand_on_history(c, &t);
	kl_handoff_free(&t);
	return r;
}

static void put_hex(FILE *f, const uint8_t *b, size_t n)
{
	char h[2 * 32 + 1];

	kl_hex(h, b, KL_MIN(n, (size_t)32));
	fputs(h, f);
}

/* What the handoff table will list (addresses of blobs come with the plan). */
static void print_handoff(const struct kl_ctx *c, FILE *f)
{
	size_t i;

	for (i = 0; i < c->nr_preserve; i++) {
		const struct kl_preserve *p = &c->preserve[i];

		fprintf(f, "handoff:  region %s [0x%" PRIx64 "-0x%" PRIx64 ") %s sha256=", p->name, p->start,
			p->start + p->size, p->keep == KL_HO_KEEP_PMEM ? "pmem" : "reserved");
		if (p->digest_alg == KL_HO_DIGEST_SHA256)
			put_hex(f, p->sha256, 32);
		else
			fputs("none", f);
		fputc('\n', f);
	}
	for (i = 0; i < c->nr_blobs; i++) {
		const struct kl_blob *b = &c->blobs[i];

		fprintf(f, "handoff:  blob %s kind=%s %" PRIu64 " bytes sha256=", b->name, b->kind[0] ? b->kind : "-",
			b->len);
		put_hex(f, b->sha256, 32);
		fputc('\n', f);
	}
}

/* The handoff entries of this load: received ones, then the options'
 * (ranges digested now, files read now).  Returns an exit code. */
static int prepare_handoff(struct kl_ctx *c, const struct kl_sysinfo *si)
{
	const struct kl_opts *o = c->o;
	struct kl_err err = { { 0 } };
	size_t i;
	int r;

	if (o->handoff_from_previous) {
		r = take_previous(c, si);
		if (r != KL_EXIT_OK)
			return r;
	}
	for (i = 0; i < o->nr_preserve; i++) {
		struct kl_preserve *p = &c->preserve[c->nr_preserve];

		if (c->nr_preserve == KL_PRESERVE_MAX) {
			say("more than %d preserved ranges", KL_PRESERVE_MAX);
			return KL_EXIT_FAIL;
		}
		*p = o->preserve[i];
		/* before the digest reads it: never device memory */
		if (kl_x86_preserve_check(si, p, &err) < 0) {
			say("--preserve: %s", err.msg);
			return KL_EXIT_FAIL;
		}
		c->nr_preserve++;
		if (p->no_digest)
			continue;
		/* the contents as they are now: write nothing to the range
		 * after loading, or the next kernel's check fails */
		if (kl_ho_region_sha256(c->sys->root, p->start, p->size, p->sha256, &err) < 0) {
			say("--preserve=%s: %s (add :nodigest to keep it without a digest)", p->name, err.msg);
			return KL_EXIT_FAIL;
		}
		p->digest_alg = KL_HO_DIGEST_SHA256;
	}
	if (o->exec_stamp) {
		struct kl_preserve *p = &c->preserve[c->nr_preserve];

		if (c->nr_preserve == KL_PRESERVE_MAX) {
			say("more than %d preserved ranges", KL_PRESERVE_MAX);
			return KL_EXIT_FAIL;
		}
		*p = (struct kl_preserve){ .start = o->exec_stamp_start, .size = KL_XS_PAGE,
					   .keep = o->exec_stamp_keep, .no_digest = true };
		snprintf(p->name, sizeof(p->name), "%s", KL_XS_REGION_NAME);
		/* the same rule as --preserve: never device memory, never
		 * the running kernel's RAM */
		if (kl_x86_preserve_check(si, p, &err) < 0) {
			say("--exec-stamp: %s", err.msg);
			return KL_EXIT_FAIL;
		}
		c->nr_preserve++;
	}
	for (i = 0; i < o->nr_blobs; i++) {
		void *bytes;
		size_t len;

		if (read_user_file("--handoff-file", o->blobs[i].path, KL_BLOB_FILE_MAX, &bytes, &len) < 0)
			return KL_EXIT_USAGE;
		if (add_blob(c, o->blobs[i].name, o->blobs[i].kind, bytes, len) < 0)
			return KL_EXIT_FAIL;
	}
	if (o->debug || o->dry_run)
		print_handoff(c, o->dry_run ? stdout : stderr);
	return KL_EXIT_OK;
}

/* Can kexec_file_load take the kernel?  It reads the file itself, so
 * only the first bytes are read here, from the descriptor it will get
 * (c->kernel_fd); *why is set when it cannot.  Returns an exit code. */
static int check_for_file_load(struct kl_ctx *c, const char **why)
{
	const struct kl_opts *o = c->o;
	struct kl_err err = { { 0 } };
	_cleanup_free_ void *buf = NULL;
	const void *head;
	struct kl_bzimage z;
	uint64_t size = 0;
	size_t len = 0;

	if (c->uki_file) {
		/* its .linux, through a memfd: nothing is written to disk */
		if (kl_memfd_ro("kexec-live:.linux", c->uki.linux_.p, c->uki.linux_.len, &c->kernel_fd, &err) < 0) {
			say("%s: %s", o->kernel, err.msg);
			return KL_EXIT_FAIL;
		}
		head = c->uki.linux_.p;
		size = c->uki.linux_.len;
		len = (size_t)KL_MIN(size, (uint64_t)KL_BZIMAGE_HEAD_MAX);
	} else if (kl_open_regular(o->kernel, 0, &c->kernel_fd, NULL, &err) < 0 ||
		   kl_read_fd(c->kernel_fd, o->kernel, KL_KERNEL_FILE_MAX, KL_BZIMAGE_HEAD_MAX, &buf, &len, &size,
			      &err) < 0) {
		say("kernel %s", err.msg);
		return KL_EXIT_USAGE;
	} else {
		head = buf;
	}
	if (!size) {
		say("kernel %s is empty", o->kernel);
		return KL_EXIT_USAGE;
	}
	if (kl_comp_detect(head, len) != KL_COMP_NONE) {
		*why = "a whole-file compressed image (kexec_file_load takes only bzImage)";
	} else if (!kl_bzimage_probe(head, len)) {
		*why = "an image that is not a bzImage (kexec_file_load takes only bzImage)";
	} else if (kl_bzimage_parse_head(head, len, (size_t)size, &z, &err) < 0) {
		/* The kernel would refuse a broken header too, but only after
		 * being asked; check it here so bad input never reaches a
		 * system call. */
		say("%s: %s", o->kernel, err.msg);
		return KL_EXIT_FAIL;
	} else {
		c->cmdline_size = z.cmdline_size;
	}
	return KL_EXIT_OK;
}

static void print_failed_plan(const struct kl_plan *p, int r)
{
	size_t i;

	say("kexec_load failed: %s", strerror(-r));
	fprintf(stderr, "kexec: entry 0x%" PRIx64 ", flags 0x%lx, %zu segments:\n", p->entry, p->flags,
		p->nr_segments);
	for (i = 0; i < p->nr_segments; i++)
		fprintf(stderr, "kexec:   %-10s mem 0x%016" PRIx64 "-0x%016" PRIx64 " bufsz 0x%zx\n",
			p->seg[i].name, p->seg[i].mem, p->seg[i].mem + p->seg[i].memsz, p->seg[i].bufsz);
}

/* The one function that hands a kexec_load plan to the kernel. */
static int commit_plan(const struct kl_sys *sys, const struct kl_plan *p)
{
	struct kl_kexec_segment segs[KL_SEGMENTS_MAX];
	size_t i;

	for (i = 0; i < p->nr_segments; i++)
		segs[i] = (struct kl_kexec_segment){
			.buf = p->seg[i].buf, .bufsz = p->seg[i].bufsz,
			.mem = (const void *)(uintptr_t)p->seg[i].mem, .memsz = p->seg[i].memsz,
		};
	return sys->kexec_load(p->entry, p->nr_segments, segs, p->flags);
}

/* The memory map and firmware facts the plan needs.  Returns an exit code. */
static int read_facts(const struct kl_ctx *c, struct kl_sysinfo *si)
{
	struct kl_err err = { { 0 } };

	if (kl_sysinfo_read(c->sys->root, si, &err) < 0) {
		say("cannot read the memory map: %s", err.msg);
		return KL_EXIT_FAIL;
	}
	if (si->firmware_from_iomem)
		kl_debug("kexec: /sys/firmware/memmap is missing; e820 for the new kernel comes from /proc/iomem\n");
	if (si->efi && !c->o->boot.noefi && !si->efi_rt.present)
		say("warning: %s: the new kernel runs without EFI runtime services, as with --noefi",
		    si->efi_rt.why_not);
	return KL_EXIT_OK;
}

/* Plan, print the plan (-d, --dry-run), and hand it to kexec_load unless
 * --dry-run.  Returns an exit code. */
static int plan_and_commit(const struct kl_ctx *c, const struct kl_sysinfo *si, const struct kl_load_opts *lo)
{
	const struct kl_opts *o = c->o;
	_cleanup_(kl_plan_free) struct kl_plan plan = { 0 };
	struct kl_err err = { { 0 } };
	int r;

	kl_debug_time("planning");
	r = kl_x86_plan(si, lo, &plan, &err);
	if (r < 0) {
		say("%s: %s", o->kernel, err.msg[0] ? err.msg : strerror(-r));
		return KL_EXIT_FAIL;
	}
	if (o->debug || o->dry_run) {
		FILE *f = o->dry_run ? stdout : stderr;

		fprintf(f, "kexec-live load plan\n");
		kl_plan_print(&plan, f);
	}
	if (o->dry_run)
		return KL_EXIT_OK;
	kl_debug_time("kexec_load");
	r = commit_plan(c->sys, &plan);
	if (r < 0) {
		print_failed_plan(&plan, r);
		return KL_EXIT_FAIL;
	}
	kl_debug_time("loaded");
	return KL_EXIT_OK;
}

static int load_legacy(struct kl_ctx *c)
{
	const struct kl_opts *o = c->o;
	_cleanup_(kl_sysinfo_free) struct kl_sysinfo si = { 0 };
	struct kl_load_opts lo = {
		.kernel = c->kernel, .kernel_len = c->kernel_len,
		.initrd_path = o->initrd,
		.boot = o->boot,
		.vmlinux = c->vmlinux, .vmlinux_len = c->vmlinux_len, .vmlinux_comp = c->vmlinux_comp,
		.kernel_file_len = c->kernel_file_len,
	};
	int r;

	if (o->crash) {
		say("loading a crash kernel (-p) needs kexec_file_load; kexec_load crash loading is not implemented");
		return KL_EXIT_FAIL;
	}
	r = read_initrd(c);
	if (r == KL_EXIT_OK)
		r = read_facts(c, &si);
	if (r == KL_EXIT_OK)
		r = prepare_handoff(c, &si);
	if (r != KL_EXIT_OK)
		return r;
	lo.initrd = c->initrd;
	lo.initrd_len = c->initrd_len;
	lo.initrd_crc32c_known = c->initrd_from_cache;
	lo.initrd_crc32c = c->initrd_crc32c;
	lo.initrd_xxh64_known = c->initrd_from_cache && c->initrd_xxh64_known;
	lo.initrd_xxh64 = c->initrd_xxh64;
	lo.preserve = c->preserve;
	lo.nr_preserve = c->nr_preserve;
	lo.blobs = c->blobs;
	lo.nr_blobs = c->nr_blobs;
	lo.reuse_cmdline = c->proc_cmdline;
	if (c->sys->getrandom(lo.rng_seed, sizeof(lo.rng_seed)) < 0 ||
	    c->sys->getrandom(lo.kaslr_random, sizeof(lo.kaslr_random)) < 0) {
		say("cannot get random bytes for the new kernel's RNG seed");
		return KL_EXIT_FAIL;
	}
	return plan_and_commit(c, &si, &lo);
}

static bool fallback_errno(int r)
{
	return r == -ENOSYS || r == -EINVAL || r == -ENOEXEC || r == -ENOTSUP;
}

/* Load through kexec_file_load.  Returns an exit code, and sets
 * *ret_fall_back (then the exit code means nothing) only when the kernel
 * refused the call in a way kexec_load may not be refused, under -a. */
static int load_file(struct kl_ctx *c, bool *ret_fall_back)
{
	const struct kl_opts *o = c->o;
	_cleanup_close_ int ifd = -1;
	_cleanup_free_ char *cmdline = NULL;
	struct kl_err err = { { 0 } };
	unsigned long flags = 0;
	int r;

	*ret_fall_back = false;
	/* the limit the kernel applies, from the header, so that a long
	 * command line is said here and never becomes EINVAL (and, under
	 * -a, a pointless fallback) */
	r = kl_cmdline_build(c->proc_cmdline, o->boot.cmdline, c->cmdline_size, &cmdline, &err);
	if (r < 0) {
		say("%s: %s", o->kernel, err.msg);
		return KL_EXIT_FAIL;
	}
	if (o->crash)
		flags |= KEXEC_FILE_ON_CRASH;
	if (!o->initrd && !c->uki.initrd.len)
		flags |= KEXEC_FILE_NO_INITRAMFS;
	/* the same refusals as when kexec_load reads it, with or without
	 * --dry-run: a dry run refuses what the real run would */
	if (o->initrd) {
		struct stat st;

		if (kl_open_regular(o->initrd, 0, &ifd, &st, &err) < 0) {
			say("initrd %s", err.msg);
			return KL_EXIT_USAGE;
		}
		if (!st.st_size) {
			say("initrd %s is empty", o->initrd);
			return KL_EXIT_USAGE;
		}
	} else if (c->uki.initrd.len &&
		   kl_memfd_ro("kexec-live:.initrd", c->uki.initrd.p, c->uki.initrd.len, &ifd, &err) < 0) {
		say("%s: %s", o->kernel, err.msg);
		return KL_EXIT_FAIL;
	}
	if (o->debug || o->dry_run) {
		struct kl_plan p = { .syscall = KL_SYSCALL_FILE_LOAD, .flags = flags };
		FILE *f = o->dry_run ? stdout : stderr;

		char kname[PATH_MAX + 32];

		snprintf(kname, sizeof(kname), "%s%s", o->kernel, c->uki_file ? " (its .linux, as a memfd)" : "");
		p.kernel_path = kname;
		p.initrd_path = (char *)(o->initrd ? o->initrd : c->uki.initrd.len ? "(.initrd of the UKI, as a memfd)" : NULL);
		p.cmdline = cmdline;
		fprintf(f, "kexec-live load plan\n");
		kl_plan_print(&p, f);
		if (o->mode == KL_MODE_AUTO)
			fprintf(f, "fallback: kexec_load if kexec_file_load is refused with ENOSYS, EINVAL, ENOEXEC or ENOTSUP\n");
	}
	if (o->dry_run)
		return KL_EXIT_OK;
	r = c->sys->kexec_file_load(c->kernel_fd, ifd, strlen(cmdline) + 1, cmdline, flags);
	if (r == 0)
		return KL_EXIT_OK;
	if (fallback_errno(r) && o->mode == KL_MODE_AUTO && !c->lockdown[0]) {
		kl_debug("kexec: kexec_file_load failed (%s); falling back to kexec_load\n", strerror(-r));
		*ret_fall_back = true;
		return KL_EXIT_FAIL;
	}
	if (c->lockdown[0] && fallback_errno(r) && o->mode == KL_MODE_AUTO)
		say("kexec_file_load failed: %s; kexec_load is no alternative: the kernel is locked down (%s)",
		    strerror(-r), c->lockdown);
	else if (c->lockdown[0] && (r == -EPERM || r == -EKEYREJECTED))
		say("kexec_file_load failed: %s; the kernel is locked down (%s) and loads only kernels signed "
		    "with a key it trusts", strerror(-r), c->lockdown);
	else
		say("kexec_file_load failed: %s", strerror(-r));
	if (fallback_errno(r) && o->mode == KL_MODE_FILE)
		return KL_EXIT_FALLBACK;
	return KL_EXIT_FAIL;
}

/* Read everything and load through kexec_load.  Returns an exit code. */
static int read_and_load_legacy(struct kl_ctx *c)
{
	int r;

	kl_debug_time("reading the inputs");
	r = read_inputs(c);
	if (r != KL_EXIT_OK)
		return r;
	kl_debug_time("inputs read");
	return load_legacy(c);
}

/* Can --preload-decompressed take this kernel?  A relocatable bzImage as
 * it is (not compressed as a whole), whose payload, when it starts in the
 * len bytes of head (of a size-byte kernel), is of a compression kexec
 * knows. */
static bool preload_can_take(const void *head, size_t len, uint64_t size)
{
	struct kl_bzimage z;
	size_t off;

	if (kl_comp_detect(head, len) != KL_COMP_NONE || !kl_bzimage_probe(head, len) ||
	    kl_bzimage_parse_head(head, len, (size_t)size, &z, NULL) < 0 || !z.relocatable)
		return false;
	off = (size_t)(z.kernel - (const uint8_t *)head) + z.payload_offset;
	return off >= len || kl_comp_detect((const uint8_t *)head + off, len - off) != KL_COMP_NONE;
}

/* The same for the kernel file (or a UKI's .linux).  An unreadable file
 * cannot; reading it for the load says why. */
static bool preload_can_take_kernel(const struct kl_ctx *c)
{
	_cleanup_free_ void *head = NULL;
	uint64_t size = 0;
	size_t len = 0;

	if (c->uki_file)
		return preload_can_take(c->uki.linux_.p, c->uki.linux_.len, c->uki.linux_.len);
	if (kl_read_regular_head(c->o->kernel, KL_KERNEL_FILE_MAX, KL_BZIMAGE_HEAD_MAX, &head, &len, &size, NULL) < 0)
		return false;
	return preload_can_take(head, len, size);
}

/* KERNEL is a unified kernel image (a PE file with a .linux section that
 * is not itself a bzImage, whose EFI stub makes it a PE file too): read
 * it whole, and let its sections stand for what the command line does
 * not give.  Returns an exit code. */
static int open_uki(struct kl_ctx *c, struct kl_opts *o)
{
	_cleanup_free_ void *head = NULL;
	struct kl_err err = { { 0 } };
	const struct kl_uki *u = &c->uki;
	size_t len = 0;

	if (kl_read_regular_head(o->kernel, KL_UKI_FILE_MAX, KL_BZIMAGE_HEAD_MAX, &head, &len, NULL, NULL) < 0 ||
	    !kl_pe_probe(head, len) || kl_bzimage_probe(head, len))
		return KL_EXIT_OK; /* not a UKI; the load reads and reports */
	if (read_user_file("kernel", o->kernel, KL_UKI_FILE_MAX, &c->uki_file, &c->uki_len) < 0)
		return KL_EXIT_USAGE;
	if (kl_uki_parse(c->uki_file, c->uki_len, &c->uki, &err) < 0) {
		say("%s: %s", o->kernel, err.msg);
		return KL_EXIT_FAIL;
	}
	kl_debug("kexec: %s is a unified kernel image: .linux %zu bytes, .initrd %zu, .cmdline %zu\n", o->kernel,
		 u->linux_.len, u->initrd.len, u->cmdline.len);
	if (o->initrd && u->initrd.len)
		kl_debug("kexec: --initrd is given: the UKI's .initrd is not used\n");
	if (!u->cmdline.len)
		return KL_EXIT_OK;
	if (o->boot.cmdline || o->reuse_cmdline) {
		kl_debug("kexec: the command line gives one: the UKI's .cmdline is not used\n");
		return KL_EXIT_OK;
	}
	c->uki_cmdline = strndup((const char *)u->cmdline.p, u->cmdline.len);
	if (!c->uki_cmdline)
		return KL_EXIT_FAIL;
	o->boot.cmdline = c->uki_cmdline;
	kl_debug("kexec: the command line is the UKI's .cmdline\n");
	return KL_EXIT_OK;
}

/* Before a load: the kernel's lockdown mode, and the options
 * /etc/kexec-live.conf supplies where the command line is silent.
 * Returns an exit code. */
static int settle_options(struct kl_ctx *c, struct kl_opts *o)
{
	struct kl_err err = { { 0 } };
	struct kl_defaults_facts f = { .lockdown = c->lockdown };
	int r;

	kl_sys_lockdown(c->sys->root, c->lockdown);
	if (c->lockdown[0])
		kl_debug("kexec: the kernel is locked down (%s): it refuses kexec_load\n", c->lockdown);
	if (kl_conf_load(c->sys->root, NULL, &c->conf, &err) < 0) {
		say("%s; nothing loaded", err.msg);
		return KL_EXIT_USAGE;
	}
	kl_cli_debug_given(o);
	r = open_uki(c, o);
	if (r != KL_EXIT_OK)
		return r;
	if (kl_conf_bool(&c->conf, KL_CONF_FAST_PATH))
		f.preload_can_take = preload_can_take_kernel(c);
	kl_defaults_apply(o, &c->conf, &f);
	return KL_EXIT_OK;
}

static int do_load(struct kl_ctx *c)
{
	const struct kl_opts *o = c->o;
	struct kl_err err = { { 0 } };
	const char *why;
	bool fall_back;
	int r;

	if (!o->kernel) {
		say("no kernel image given (see kexec --help)");
		return KL_EXIT_FAIL; /* as kexec-tools */
	}
	if (o->boot.type && !kl_x86_format_by_name(o->boot.type)) {
		say("unknown type '%s' (known: %s)", o->boot.type, kl_x86_format_names());
		return KL_EXIT_FAIL;
	}
	/* Read once for whichever system call ends up used. */
	if (o->reuse_cmdline &&
	    kl_read_file(c->sys->root, "/proc/cmdline", 64 * 1024, &c->proc_cmdline, NULL, &err) < 0) {
		say("--reuse-cmdline: %s", err.msg);
		return KL_EXIT_FAIL;
	}
	why = kl_cli_legacy_reason(o);
	if (!why && o->fast_path_line)
		why = "--preload-decompressed (fast_path=yes in " KL_CONF_PATH ")";
	if (!why && o->mode != KL_MODE_LEGACY) {
		r = check_for_file_load(c, &why);
		if (r != KL_EXIT_OK)
			return r;
	}
	if (o->mode == KL_MODE_FILE && why) {
		say("-s (kexec_file_load) cannot honour %s; drop one of them", why);
		return KL_EXIT_USAGE;
	}
	if (c->lockdown[0] && (o->mode == KL_MODE_LEGACY || why)) {
		say("%s needs kexec_load, which the kernel refuses: it is locked down (%s); nothing loaded",
		    o->mode == KL_MODE_LEGACY ? "-c" : why, c->lockdown);
		return KL_EXIT_FAIL;
	}
	if (o->mode == KL_MODE_LEGACY)
		return read_and_load_legacy(c);
	if (why) {
		kl_debug("kexec: using kexec_load because of %s\n", why);
		return read_and_load_legacy(c);
	}
	r = load_file(c, &fall_back);
	if (!fall_back)
		return r;
	if (o->mode != KL_MODE_AUTO) { /* -s never reaches kexec_load */
		say("internal error: a fallback to kexec_load outside -a");
		return KL_EXIT_FAIL;
	}
	return read_and_load_legacy(c);
}

static int do_unload(const struct kl_ctx *c)
{
	const struct kl_opts *o = c->o;
	int r;

	if (o->dry_run) {
		printf("kexec-live unload plan\nsyscall:  %s\ncrash:    %s\n",
		       o->mode == KL_MODE_LEGACY ? "kexec_load" : "kexec_file_load", o->crash ? "yes" : "no");
		return KL_EXIT_OK;
	}
	if (o->mode != KL_MODE_LEGACY) {
		r = c->sys->kexec_file_load(-1, -1, 0, NULL,
					    KEXEC_FILE_UNLOAD | (o->crash ? KEXEC_FILE_ON_CRASH : 0));
		if (r == 0) {
			if (!o->crash)
				kl_xs_disarm(c->sys->root);
			return KL_EXIT_OK;
		}
		if (!fallback_errno(r) || o->mode == KL_MODE_FILE) {
			say("kexec_file_load (unload) failed: %s", strerror(-r));
			return fallback_errno(r) ? KL_EXIT_FALLBACK : KL_EXIT_FAIL;
		}
		kl_debug("kexec: kexec_file_load unload failed (%s); using kexec_load\n", strerror(-r));
	}
	r = c->sys->kexec_load(0, 0, NULL, KL_KEXEC_ARCH_X86_64 | (o->crash ? KEXEC_ON_CRASH : 0));
	if (r < 0) {
		say("kexec_load (unload) failed: %s", strerror(-r));
		return KL_EXIT_FAIL;
	}
	if (!o->crash)
		kl_xs_disarm(c->sys->root);
	return KL_EXIT_OK;
}

/* 1 when /sys/kernel/kexec_{crash_,}loaded says so, 0 when not, <0 when
 * unreadable. */
static int is_loaded(const struct kl_sys *sys, bool crash)
{
	_cleanup_free_ char *s = NULL;
	int r;

	r = kl_read_file(sys->root, crash ? "/sys/kernel/kexec_crash_loaded" : "/sys/kernel/kexec_loaded", 64,
			 &s, NULL, NULL);
	if (r < 0)
		return r;
	return s[0] == '1';
}

/* After a load: arm the exec stamp's page when the handoff keeps one
 * (--exec-stamp, or received with --handoff-from-previous), else forget
 * any armed before.  A page that cannot be armed is said; the load
 * stands. */
static void arm_exec_stamp(const struct kl_ctx *c)
{
	struct kl_err err = { { 0 } };
	size_t i;

	for (i = 0; i < c->nr_preserve; i++)
		if (!strcmp(c->preserve[i].name, KL_XS_REGION_NAME))
			break;
	if (i == c->nr_preserve) {
		kl_xs_disarm(c->sys->root);
		return;
	}
	if (kl_xs_arm(c->sys->root, c->preserve[i].start, &err) < 0) {
		kl_xs_disarm(c->sys->root);
		say("warning: --exec-stamp: %s; kexec -e will not stamp the exec (the kernel is loaded)", err.msg);
		return;
	}
	kl_debug("kexec: exec stamp armed at 0x%" PRIx64 " (" KL_XS_RUN_FILE ")\n", c->preserve[i].start);
}

static int do_exec(const struct kl_ctx *c)
{
	const struct kl_opts *o = c->o;
	struct kl_err err = { { 0 } };
	int r;

	if (is_loaded(c->sys, false) != 1) {
		fprintf(stderr, "Nothing has been loaded!\n");
		return KL_EXIT_USAGE;
	}
	if (o->dry_run) {
		printf("kexec-live exec plan\nsync:     %s\nifdown:   %s\nreboot:   LINUX_REBOOT_CMD_KEXEC\n",
		       o->skip_sync ? "no" : "yes", o->skip_ifdown ? "no" : "yes");
		return KL_EXIT_OK;
	}
	if (!o->skip_sync)
		c->sys->sync();
	if (!o->skip_ifdown) {
		r = c->sys->ifdown();
		if (r < 0)
			say("warning: taking network interfaces down failed: %s", strerror(-r));
	}
	/* the last thing before the jump: the exec's TSC, where a load
	 * armed a page for it */
	r = kl_xs_stamp(c->sys->root, &err);
	if (r < 0 && r != -ENOENT)
		say("warning: the exec stamp: %s; the new kernel's timeline starts at the purgatory", err.msg);
	else if (r == 0)
		kl_debug("kexec: exec stamped\n");
	r = c->sys->reboot_kexec();
	if (r < 0) {
		say("reboot(LINUX_REBOOT_CMD_KEXEC) failed: %s", strerror(-r));
		return KL_EXIT_FAIL;
	}
	return KL_EXIT_OK;
}

/* Sum of the "Crash kernel" ranges in /proc/iomem, as kexec-tools prints it. */
static int print_ckr_size(const struct kl_sys *sys)
{
	_cleanup_free_ char *iomem = NULL;
	size_t len = 0;

	if (kl_read_file(sys->root, "/proc/iomem", 4 << 20, &iomem, &len, NULL) < 0) {
		say("cannot read /proc/iomem");
		return KL_EXIT_FAIL;
	}
	printf("%" PRIu64 "\n", kl_iomem_total(iomem, len, "Crash kernel"));
	return KL_EXIT_OK;
}

/* The preload cache's files are mapped, not read.  kexec-preload never
 * changes an entry in place, but anyone with root can: a file truncated
 * under the mapping turns the next access into SIGBUS.  Say what it is,
 * in one line, instead of dying with exit 135 and no word; it comes
 * before the load system call (which would return EFAULT instead), so
 * nothing was loaded. */
static void on_sigbus(int sig)
{
	static const char msg[] = "kexec: a preload cache file changed under its mapping (rewritten in place?); "
				  "nothing loaded\n";
	ssize_t n = write(STDERR_FILENO, msg, sizeof(msg) - 1);

	(void)sig;
	(void)n;
	_exit(KL_EXIT_FAIL);
}

int kl_main(int argc, char **argv, const struct kl_sys *sys)
{
	struct sigaction sa = { .sa_handler = on_sigbus };

	struct kl_opts o;
	struct kl_ctx c = { .sys = sys, .o = &o, .kernel_fd = -1 };
	struct kl_err err = { { 0 } };
	int r;

	sigaction(SIGBUS, &sa, NULL);
	if (kl_cli_parse(argc, argv, &o, &err) < 0) {
		say("%s", err.msg);
		fprintf(stderr, "Try 'kexec --help' for more information.\n");
		return KL_EXIT_USAGE;
	}
	kl_debug_enabled = o.debug;
	if (o.help) {
		kl_cli_usage(stdout);
		return KL_EXIT_OK;
	}
	if (o.version) {
		printf("kexec-live %s (kexec-tools compatible command line)\n", PACKAGE_VERSION);
		return KL_EXIT_OK;
	}
	if (o.print_ckr_size)
		return print_ckr_size(sys);
	/* Every mode below reads or changes kexec state, which in a Xen
	 * dom0 belongs to the hypervisor: its hypercalls, not these system
	 * calls, load and run kernels there. */
	if (kl_sys_xen_dom0(sys->root)) {
		say("this is a Xen dom0 (/proc/xen/capabilities lists control_d): kexec goes through the "
		    "hypervisor there, which kexec-live does not support; nothing done");
		return KL_EXIT_FAIL;
	}
	if (o.status) {
		int l = is_loaded(sys, o.status_crash);

		if (l < 0) {
			say("cannot read the kexec state from /sys/kernel");
			return KL_EXIT_FAIL;
		}
		/* kexec-tools 2.0.25 (Debian 12) exits with the sysfs value
		 * itself: 1 when loaded, 0 when not, the reverse of what its
		 * manual says.  Scripts were tested against the behaviour. */
		return l ? 1 : 0;
	}
	if (o.do_unload)
		return do_unload(&c);
	/* -f without an image boots what is already loaded. */
	if (o.do_load && !(o.do_exec && !o.kernel)) {
		r = o.kernel ? settle_options(&c, &o) : KL_EXIT_OK;
		if (r == KL_EXIT_OK)
			r = do_load(&c);
		if (r == KL_EXIT_OK && !o.dry_run && !o.crash)
			arm_exec_stamp(&c);
		ctx_free(&c);
		if (r != KL_EXIT_OK)
			return r;
	}
	if (o.do_shutdown) {
		if (o.dry_run) {
			printf("then:     shutdown -r now\n");
			return KL_EXIT_OK;
		}
		/* Returns only when shutdown could not be run. */
		r = sys->shutdown();
		if (r < 0) {
			say("cannot run shutdown -r now: %s", strerror(-r));
			return KL_EXIT_FAIL;
		}
		return KL_EXIT_OK;
	}
	if (o.do_exec)
		return do_exec(&c);
	return KL_EXIT_OK;
}
