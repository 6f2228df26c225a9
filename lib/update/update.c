/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A live update's configuration and manifest (update.h); no I/O. */
#include <inttypes.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/update/update.h"

enum section { SEC_UPDATE, SEC_VM, SEC_PROCESS, SEC_MAX };

static const char *const section_names[SEC_MAX] = { "update", "vm", "process" };

enum kind {
	K_PATH,  /* an absolute path */
	K_TEXT,  /* anything on one line */
	K_NAME,  /* letters, digits and ._- */
	K_UINT,  /* a decimal number within [min, max] */
	K_RANGE, /* START+SIZE, hexadecimal with 0x */
	K_ARG,   /* one word of a command line, repeated in order */
	K_STAMP, /* NAME TSC, repeated */
};

#define F_MANIFEST 1u /* only a manifest holds it */
#define F_REPEAT 2u   /* given once a word (arg) or a stamp */

struct key {
	const char *name;
	size_t off;   /* in struct kl_upd, kl_upd_vm or kl_upd_proc */
	size_t size;  /* of the field, for strings; of the integer otherwise */
	uint64_t min, max;
	enum section sec;
	enum kind kind;
	unsigned int flags;
};

#define STR(s, n, k, type, field, f)                                                               \
	{ .sec = (s), .name = (n), .kind = (k), .off = offsetof(type, field), .size = sizeof(((type *)0)->field), \
	  .flags = (f) }
#define NUM(s, n, type, field, lo, hi, f)                                                          \
	{ .sec = (s), .name = (n), .kind = K_UINT, .off = offsetof(type, field),                   \
	  .size = sizeof(((type *)0)->field), .min = (lo), .max = (hi), .flags = (f) }
#define SPECIAL(s, n, k, f) { .sec = (s), .name = (n), .kind = (k), .flags = (f) }

static const struct key keys[] = {
	STR(SEC_UPDATE, "kernel", K_PATH, struct kl_upd, kernel, 0),
	STR(SEC_UPDATE, "initrd", K_PATH, struct kl_upd, initrd, 0),
	STR(SEC_UPDATE, "append", K_TEXT, struct kl_upd, append, 0),
	STR(SEC_UPDATE, "dax", K_PATH, struct kl_upd, dax, 0),
	STR(SEC_UPDATE, "state", K_NAME, struct kl_upd, state, 0),
	STR(SEC_UPDATE, "hooks", K_PATH, struct kl_upd, hooks, 0),
	STR(SEC_UPDATE, "criu", K_PATH, struct kl_upd, criu, 0),
	STR(SEC_UPDATE, "kexec", K_PATH, struct kl_upd, kexec, 0),
	NUM(SEC_UPDATE, "timeout", struct kl_upd, timeout, 1, 3600, 0),
	STR(SEC_UPDATE, "device", K_PATH, struct kl_upd, device, F_MANIFEST),
	STR(SEC_UPDATE, "fstype", K_NAME, struct kl_upd, fstype, F_MANIFEST),
	STR(SEC_UPDATE, "options", K_TEXT, struct kl_upd, options, F_MANIFEST),
	SPECIAL(SEC_UPDATE, "range", K_RANGE, F_MANIFEST),
	STR(SEC_UPDATE, "release", K_TEXT, struct kl_upd, release, F_MANIFEST),
	NUM(SEC_UPDATE, "tsc-hz", struct kl_upd, tsc_hz, 1, UINT64_MAX, F_MANIFEST),
	SPECIAL(SEC_UPDATE, "stamp", K_STAMP, F_MANIFEST | F_REPEAT),
	STR(SEC_VM, "qmp", K_PATH, struct kl_upd_vm, qmp, 0),
	STR(SEC_VM, "cwd", K_PATH, struct kl_upd_vm, cwd, F_MANIFEST),
	SPECIAL(SEC_VM, "arg", K_ARG, F_MANIFEST | F_REPEAT),
	STR(SEC_PROCESS, "pidfile", K_PATH, struct kl_upd_proc, pidfile, 0),
	NUM(SEC_PROCESS, "pid", struct kl_upd_proc, pid, 1, 4194304, 0),
};

#define KEYS_MAX KL_ARRAY_SIZE(keys)

struct parser {
	struct kl_upd *u;
	enum kl_upd_mode mode;
	unsigned int line;
	enum section sec;       /* SEC_MAX before the first header */
	void *obj;              /* the section's struct */
	unsigned int seen[KEYS_MAX]; /* the line each key was given on, in this section */
	unsigned int update_line;
};

static bool name_ok(const char *s, size_t n, size_t max)
{
	size_t i;

	if (n == 0 || n > max)
		return false;
	for (i = 0; i < n; i++) {
		char c = s[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		      c == '_' || c == '-'))
			return false;
	}
	return s[0] != '.';
}

static int where(struct parser *p, struct kl_err *err, const char *what)
{
	return kl_fail(err, -EINVAL, "%s:%u: %s", p->u->path, p->line, what);
}

/* "[update]", "[vm NAME]", "[process NAME]" */
static int open_section(struct parser *p, const char *s, const char *e, struct kl_err *err)
{
	struct kl_upd *u = p->u;
	const char *ws, *ns = NULL, *ne = e - 1;
	size_t i, n;
	int sec = -1;

	s++; /* '[' */
	kl_trim(&s, &ne);
	for (ws = s; ws < ne && !kl_is_blank(*ws); ws++)
		;
	n = (size_t)(ws - s);
	for (i = 0; i < SEC_MAX; i++)
		if (strlen(section_names[i]) == n && !memcmp(section_names[i], s, n))
			sec = (int)i;
	if (sec < 0)
		return kl_fail(err, -EINVAL, "%s:%u: unknown section '%.*s' (known: update, vm NAME, process NAME)",
			       u->path, p->line, (int)KL_MIN(n, (size_t)32), s);
	if (ws < ne) {
		ns = ws;
		kl_trim(&ns, &ne);
	}
	memset(p->seen, 0, sizeof(p->seen));
	p->sec = (enum section)sec;
	if (sec == SEC_UPDATE) {
		if (ns)
			return where(p, err, "[update] takes no name");
		if (p->update_line)
			return kl_fail(err, -EINVAL, "%s:%u: [update] is given again (first on line %u)", u->path,
				       p->line, p->update_line);
		p->update_line = p->line;
		p->obj = u;
		return 0;
	}
	if (!ns || !name_ok(ns, (size_t)(ne - ns), KL_UPD_NAME_MAX))
		return kl_fail(err, -EINVAL, "%s:%u: [%s NAME]: a name is 1 to %d letters, digits and ._- (not first)",
			       u->path, p->line, section_names[sec], KL_UPD_NAME_MAX);
	n = (size_t)(ne - ns);
	if (sec == SEC_VM) {
		for (i = 0; i < u->n_vms; i++)
			if (strlen(u->vms[i].name) == n && !memcmp(u->vms[i].name, ns, n))
				return where(p, err, "a VM of that name is given again");
		if (u->n_vms == KL_UPD_VMS_MAX)
			return kl_fail(err, -EINVAL, "%s:%u: more than %d VMs", u->path, p->line, KL_UPD_VMS_MAX);
		memcpy(u->vms[u->n_vms].name, ns, n);
		p->obj = &u->vms[u->n_vms++];
	} else {
		for (i = 0; i < u->n_procs; i++)
			if (strlen(u->procs[i].name) == n && !memcmp(u->procs[i].name, ns, n))
				return where(p, err, "a process of that name is given again");
		if (u->n_procs == KL_UPD_PROCS_MAX)
			return kl_fail(err, -EINVAL, "%s:%u: more than %d processes", u->path, p->line,
				       KL_UPD_PROCS_MAX);
		memcpy(u->procs[u->n_procs].name, ns, n);
		p->obj = &u->procs[u->n_procs++];
	}
	return 0;
}

static int set_uint(struct parser *p, const struct key *k, const char *v, struct kl_err *err)
{
	uint64_t x;
	char *field = (char *)p->obj + k->off;

	if (kl_parse_u64(v, 10, &x) < 0 || x < k->min || x > k->max)
		return kl_fail(err, -EINVAL, "%s:%u: %s=%s: not a number from %" PRIu64 " to %" PRIu64, p->u->path,
			       p->line, k->name, v, k->min, k->max);
	if (k->size == sizeof(uint64_t)) {
		uint64_t y = x;
		memcpy(field, &y, sizeof(y));
	} else {
		uint32_t y = (uint32_t)x;
		memcpy(field, &y, sizeof(y));
	}
	return 0;
}

static int set_range(struct parser *p, const char *v, struct kl_err *err)
{
	const char *plus = strchr(v, '+');
	char start[32];
	uint64_t a, b;

	if (!plus || (size_t)(plus - v) >= sizeof(start))
		return kl_fail(err, -EINVAL, "%s:%u: range=%s: not START+SIZE", p->u->path, p->line, v);
	memcpy(start, v, (size_t)(plus - v));
	start[plus - v] = '\0';
	if (kl_parse_u64(start, 16, &a) < 0 || kl_parse_u64(plus + 1, 16, &b) < 0 || b == 0 ||
	    a + b < a)
		return kl_fail(err, -EINVAL, "%s:%u: range=%s: not START+SIZE in hexadecimal, non-empty, within 64 bits",
			       p->u->path, p->line, v);
	p->u->range_start = a;
	p->u->range_size = b;
	return 0;
}

static int set_stamp(struct parser *p, const char *v, struct kl_err *err)
{
	const char *sp = strchr(v, ' ');
	uint64_t tsc;

	if (!sp || !name_ok(v, (size_t)(sp - v), KL_UPD_STAMP_NAME_MAX) || kl_parse_u64(sp + 1, 10, &tsc) < 0)
		return kl_fail(err, -EINVAL, "%s:%u: stamp=%s: not NAME TSC", p->u->path, p->line, v);
	if (p->u->n_stamps == KL_UPD_STAMPS_MAX)
		return kl_fail(err, -EINVAL, "%s:%u: more than %d stamps", p->u->path, p->line, KL_UPD_STAMPS_MAX);
	memcpy(p->u->stamps[p->u->n_stamps].name, v, (size_t)(sp - v));
	p->u->stamps[p->u->n_stamps++].tsc = tsc;
	return 0;
}

static int add_arg(struct parser *p, const char *v, size_t n, struct kl_err *err)
{
	struct kl_upd_vm *vm = p->obj;

	if (vm->argc == KL_UPD_ARGC_MAX || n + 1 > sizeof(vm->args) - vm->args_len)
		return kl_fail(err, -E2BIG, "%s:%u: VM %s: a command line longer than %d words or %d bytes",
			       p->u->path, p->line, vm->name, KL_UPD_ARGC_MAX, KL_UPD_ARGS_MAX);
	memcpy(vm->args + vm->args_len, v, n + 1);
	vm->args_len += n + 1;
	vm->argc++;
	return 0;
}

static const struct key *find_key(enum section sec, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < KEYS_MAX; i++)
		if (keys[i].sec == sec && strlen(keys[i].name) == n && !memcmp(keys[i].name, s, n))
			return &keys[i];
	return NULL;
}

static void known_keys(enum section sec, enum kl_upd_mode mode, char *buf, size_t size)
{
	size_t i, n = 0;

	buf[0] = '\0';
	for (i = 0; i < KEYS_MAX && n < size; i++)
		if (keys[i].sec == sec && (mode == KL_UPD_MANIFEST || !(keys[i].flags & F_MANIFEST)))
			n += (size_t)snprintf(buf + n, size - n, "%s%s", n ? ", " : "", keys[i].name);
}

static int set_value(struct parser *p, const struct key *k, const char *v, size_t n, struct kl_err *err)
{
	char *field = (char *)p->obj + k->off;

	switch (k->kind) {
	case K_PATH:
		if (v[0] != '/')
			return kl_fail(err, -EINVAL, "%s:%u: %s=%s: must be an absolute path", p->u->path, p->line,
				       k->name, v);
		/* fall through */
	case K_TEXT:
		if (n >= k->size)
			return kl_fail(err, -EINVAL, "%s:%u: the value of %s is longer than %zu bytes", p->u->path,
				       p->line, k->name, k->size - 1);
		memcpy(field, v, n + 1);
		if (k->off == offsetof(struct kl_upd, append) && k->sec == SEC_UPDATE)
			p->u->append_given = true;
		return 0;
	case K_NAME:
		if (!name_ok(v, n, k->size - 1))
			return kl_fail(err, -EINVAL, "%s:%u: %s=%s: 1 to %zu letters, digits and ._- (not first)",
				       p->u->path, p->line, k->name, v, k->size - 1);
		memcpy(field, v, n + 1);
		return 0;
	case K_UINT:
		return set_uint(p, k, v, err);
	case K_RANGE:
		return set_range(p, v, err);
	case K_ARG:
		return add_arg(p, v, n, err);
	case K_STAMP:
		return set_stamp(p, v, err);
	}
	return -EINVAL;
}

static int parse_line(struct parser *p, const char *s, const char *e, struct kl_err *err)
{
	char v[KL_UPD_LINE_MAX];
	const char *eq, *ks, *ke, *vs, *ve;
	const char *const e0 = e; /* an argument keeps its trailing blanks */
	const struct key *k;

	kl_trim(&s, &e);
	if (s == e || *s == '#')
		return 0;
	if (*s == '[') {
		if (e[-1] != ']')
			return where(p, err, "a section header ends with ']'");
		return open_section(p, s, e, err);
	}
	eq = memchr(s, '=', (size_t)(e - s));
	if (!eq)
		return where(p, err, "not a key = value line");
	if (p->sec == SEC_MAX)
		return where(p, err, "a key before the first section ([update], [vm NAME] or [process NAME])");
	ks = s;
	ke = eq;
	kl_trim(&ks, &ke);
	vs = eq + 1;
	ve = e;
	/* an argument keeps its spaces: "arg = " is an empty word; only the
	 * one blank after '=' is syntax */
	k = find_key(p->sec, ks, (size_t)(ke - ks));
	if (k && k->kind == K_ARG) {
		ve = e0;
		if (vs < ve && *vs == ' ')
			vs++;
	} else {
		kl_trim(&vs, &ve);
	}
	if (!k || (p->mode == KL_UPD_CONFIG && (k->flags & F_MANIFEST))) {
		char known[256];

		known_keys(p->sec, p->mode, known, sizeof(known));
		return kl_fail(err, -EINVAL, "%s:%u: unknown key '%.*s' in [%s] (known: %s)", p->u->path, p->line,
			       (int)KL_MIN((size_t)(ke - ks), (size_t)64), ks, section_names[p->sec], known);
	}
	if (!(k->flags & F_REPEAT)) {
		unsigned int *seen = &p->seen[k - keys];

		if (*seen)
			return kl_fail(err, -EINVAL, "%s:%u: %s is given again (first on line %u)", p->u->path,
				       p->line, k->name, *seen);
		*seen = p->line;
	}
	if ((size_t)(ve - vs) >= sizeof(v))
		return kl_fail(err, -EINVAL, "%s:%u: the value of %s is longer than %d bytes", p->u->path, p->line,
			       k->name, KL_UPD_LINE_MAX - 1);
	memcpy(v, vs, (size_t)(ve - vs));
	v[ve - vs] = '\0';
	return set_value(p, k, v, (size_t)(ve - vs), err);
}

/* What a whole file must hold, once every line is read. */
static int check_complete(const struct parser *p, struct kl_err *err)
{
	const struct kl_upd *u = p->u;
	size_t i;

	if (!p->update_line)
		return kl_fail(err, -EINVAL, "%s: no [update] section", u->path);
	if (!u->kernel[0])
		return kl_fail(err, -EINVAL, "%s: [update] has no kernel", u->path);
	if (!u->dax[0])
		return kl_fail(err, -EINVAL, "%s: [update] has no dax (the DAX file system's mount point)", u->path);
	for (i = 0; i < u->n_vms; i++)
		if (!u->vms[i].qmp[0])
			return kl_fail(err, -EINVAL, "%s: [vm %s] has no qmp", u->path, u->vms[i].name);
	/* a configuration names a process one way; a manifest keeps the
	 * pidfile it was found through beside the pid that was dumped */
	for (i = 0; i < u->n_procs && p->mode == KL_UPD_CONFIG; i++)
		if (!!u->procs[i].pidfile[0] == !!u->procs[i].pid)
			return kl_fail(err, -EINVAL, "%s: [process %s] needs one of pidfile and pid", u->path,
				       u->procs[i].name);
	if (p->mode == KL_UPD_CONFIG)
		return 0;
	if (!u->device[0] || !u->fstype[0] || !u->range_size)
		return kl_fail(err, -EINVAL, "%s: [update] lacks device, fstype or range", u->path);
	for (i = 0; i < u->n_vms; i++)
		if (!u->vms[i].argc || !u->vms[i].cwd[0])
			return kl_fail(err, -EINVAL, "%s: [vm %s] lacks its command line (arg, cwd)", u->path,
				       u->vms[i].name);
	for (i = 0; i < u->n_procs; i++)
		if (!u->procs[i].pid)
			return kl_fail(err, -EINVAL, "%s: [process %s] has no pid", u->path, u->procs[i].name);
	return 0;
}

/* Every line of text into p->u, then what the whole file must hold. */
static int parse_text(struct parser *p, const char *text, size_t len, struct kl_err *err)
{
	const char *s = text, *end = text + len, *nl;
	const char *path = p->u->path;
	int r;

	if (len > KL_UPD_TEXT_MAX)
		return kl_fail(err, -EFBIG, "%s: larger than %u bytes", path, KL_UPD_TEXT_MAX);
	if (memchr(text, '\0', len))
		return kl_fail(err, -EINVAL, "%s: contains a NUL byte; not a text file", path);
	for (p->line = 1; s < end; s = nl + 1, p->line++) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end;
		if (nl - s >= KL_UPD_LINE_MAX)
			return kl_fail(err, -EINVAL, "%s:%u: a line longer than %d bytes", path, p->line,
				       KL_UPD_LINE_MAX - 1);
		r = parse_line(p, s, nl, err);
		if (r < 0)
			return r;
	}
	return check_complete(p, err);
}

int kl_upd_parse(const char *path, enum kl_upd_mode mode, const char *text, size_t len, struct kl_upd *ret,
		 struct kl_err *err)
{
	/* parsed aside and copied on success: ret is untouched by a failure */
	struct kl_upd *u = calloc(1, sizeof(*u));
	struct parser p = { .u = u, .mode = mode, .sec = SEC_MAX };
	int r;

	if (!u)
		return kl_fail(err, -ENOMEM, "%s: out of memory", path);
	u->path = path;
	r = parse_text(&p, text, len, err);
	if (r == 0) {
		if (!u->state[0])
			memcpy(u->state, KL_UPD_STATE_DEFAULT, sizeof(KL_UPD_STATE_DEFAULT));
		if (!u->criu[0])
			snprintf(u->criu, sizeof(u->criu), "/usr/sbin/criu");
		if (!u->kexec[0])
			snprintf(u->kexec, sizeof(u->kexec), "/sbin/kexec");
		if (!u->timeout)
			u->timeout = KL_UPD_TIMEOUT_DEFAULT;
		memcpy(ret, u, sizeof(*u));
	}
	free(u);
	return r;
}

int kl_upd_vm_set_args(struct kl_upd_vm *vm, const char *args, size_t len, struct kl_err *err)
{
	size_t i, argc = 0;

	if (len == 0 || args[len - 1] != '\0')
		return kl_fail(err, -EINVAL, "VM %s: its command line does not end with a NUL", vm->name);
	if (len > sizeof(vm->args))
		return kl_fail(err, -E2BIG, "VM %s: a command line longer than %d bytes", vm->name, KL_UPD_ARGS_MAX);
	for (i = 0; i < len; i++) {
		if (args[i] == '\n')
			return kl_fail(err, -EINVAL, "VM %s: a word of its command line holds a newline", vm->name);
		argc += args[i] == '\0';
	}
	if (argc > KL_UPD_ARGC_MAX)
		return kl_fail(err, -E2BIG, "VM %s: more than %d words on its command line", vm->name,
			       KL_UPD_ARGC_MAX);
	memcpy(vm->args, args, len);
	vm->args_len = len;
	vm->argc = (unsigned int)argc;
	return 0;
}

static bool is_incoming(const char *w, bool *ret_has_value)
{
	if (w[0] == '-' && w[1] == '-')
		w++;
	*ret_has_value = !strncmp(w, "-incoming=", 10);
	return *ret_has_value || !strcmp(w, "-incoming");
}

void kl_upd_vm_drop_incoming(struct kl_upd_vm *vm)
{
	size_t at = 0, out = 0, argc = 0;

	while (at < vm->args_len) {
		const char *w = vm->args + at;
		size_t n = strlen(w) + 1;
		bool inline_value;

		if (is_incoming(w, &inline_value)) {
			at += n;
			if (!inline_value && at < vm->args_len) /* its value */
				at += strlen(vm->args + at) + 1;
			continue;
		}
		memmove(vm->args + out, w, n);
		out += n;
		at += n;
		argc++;
	}
	memset(vm->args + out, 0, vm->args_len - out);
	vm->args_len = out;
	vm->argc = (unsigned int)argc;
}

int kl_upd_stamp(struct kl_upd *u, const char *name, uint64_t tsc)
{
	size_t n = strlen(name);

	if (u->n_stamps == KL_UPD_STAMPS_MAX)
		return -ENOSPC;
	if (!name_ok(name, n, KL_UPD_STAMP_NAME_MAX))
		return -EINVAL;
	memcpy(u->stamps[u->n_stamps].name, name, n + 1);
	u->stamps[u->n_stamps++].tsc = tsc;
	return 0;
}

void kl_upd_stamps_sort(struct kl_upd *u)
{
	size_t i, j;

	for (i = 1; i < u->n_stamps; i++) { /* insertion: stable, and few */
		struct kl_upd_stamp s = u->stamps[i];

		for (j = i; j > 0 && u->stamps[j - 1].tsc > s.tsc; j--)
			u->stamps[j] = u->stamps[j - 1];
		u->stamps[j] = s;
	}
}

/* A path into buf: -ENAMETOOLONG when it does not fit. */
static int __attribute__((format(printf, 3, 4))) path_fmt(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

int kl_upd_state_dir(const struct kl_upd *u, char *buf, size_t size)
{
	return path_fmt(buf, size, "%s/%s", u->dax, u->state);
}

int kl_upd_vm_state(const struct kl_upd *u, const struct kl_upd_vm *vm, char *buf, size_t size)
{
	return path_fmt(buf, size, "%s/%s/vm-%s.state", u->dax, u->state, vm->name);
}

int kl_upd_proc_images(const struct kl_upd *u, const struct kl_upd_proc *p, char *buf, size_t size)
{
	return path_fmt(buf, size, "%s/%s/process-%s", u->dax, u->state, p->name);
}

/* A value fit for one line of the file. */
static bool one_line(const char *s)
{
	return !strchr(s, '\n') && !strchr(s, '\r');
}

static void put(FILE *f, const char *key, const char *v)
{
	if (v[0])
		fprintf(f, "%s = %s\n", key, v);
}

int kl_upd_write(const struct kl_upd *u, FILE *f)
{
	size_t i;

	if (!one_line(u->append) || !one_line(u->options) || !one_line(u->release))
		return -EINVAL;
	fprintf(f, "# kexec-live update manifest (kexec-live(8)); written by the old kernel\n[update]\n");
	put(f, "kernel", u->kernel);
	put(f, "initrd", u->initrd);
	if (u->append_given)
		fprintf(f, "append = %s\n", u->append);
	put(f, "dax", u->dax);
	put(f, "state", u->state);
	put(f, "hooks", u->hooks);
	put(f, "criu", u->criu);
	put(f, "kexec", u->kexec);
	fprintf(f, "timeout = %u\n", u->timeout);
	put(f, "device", u->device);
	put(f, "fstype", u->fstype);
	put(f, "options", u->options);
	if (u->range_size)
		fprintf(f, "range = 0x%" PRIx64 "+0x%" PRIx64 "\n", u->range_start, u->range_size);
	put(f, "release", u->release);
	if (u->tsc_hz)
		fprintf(f, "tsc-hz = %" PRIu64 "\n", u->tsc_hz);
	for (i = 0; i < u->n_stamps; i++)
		fprintf(f, "stamp = %s %" PRIu64 "\n", u->stamps[i].name, u->stamps[i].tsc);
	for (i = 0; i < u->n_vms; i++) {
		const struct kl_upd_vm *vm = &u->vms[i];
		size_t at;

		fprintf(f, "\n[vm %s]\n", vm->name);
		put(f, "qmp", vm->qmp);
		put(f, "cwd", vm->cwd);
		for (at = 0; at < vm->args_len; at += strlen(vm->args + at) + 1)
			fprintf(f, "arg = %s\n", vm->args + at);
	}
	for (i = 0; i < u->n_procs; i++) {
		fprintf(f, "\n[process %s]\n", u->procs[i].name);
		put(f, "pidfile", u->procs[i].pidfile);
		if (u->procs[i].pid)
			fprintf(f, "pid = %" PRIu32 "\n", u->procs[i].pid);
	}
	return ferror(f) ? -EIO : 0;
}

static void print_range(const struct kl_upd *u, FILE *f)
{
	if (u->range_size)
		fprintf(f, "[0x%" PRIx64 ", 0x%" PRIx64 ") on %s", u->range_start, u->range_start + u->range_size,
			u->device);
	else
		fprintf(f, "(its device's range, found at prepare)");
}

void kl_upd_plan_print(const struct kl_upd *u, FILE *f)
{
	char path[KL_UPD_PATH_MAX];
	size_t i;

	fprintf(f, "prepare (nothing stops; any failure ends the update here)\n");
	fprintf(f, "  kernel  %s%s%s: kexec checks it (-d)\n", u->kernel, u->initrd[0] ? ", initrd " : "", u->initrd);
	fprintf(f, "  dax     %s, mounted with dax; the range kept: ", u->dax);
	print_range(u, f);
	fprintf(f, "\n");
	for (i = 0; i < u->n_vms; i++)
		fprintf(f, "  vm %-8s QMP %s answers, the VM runs, its RAM is a shared file under %s\n", u->vms[i].name,
			u->vms[i].qmp, u->dax);
	for (i = 0; i < u->n_procs; i++) {
		if (u->procs[i].pidfile[0])
			fprintf(f, "  process %-8s pid from %s is alive\n", u->procs[i].name, u->procs[i].pidfile);
		else
			fprintf(f, "  process %-8s pid %" PRIu32 " is alive\n", u->procs[i].name, u->procs[i].pid);
	}
	if (u->n_procs)
		fprintf(f, "  criu    %s check\n", u->criu);
	fprintf(f, "freeze (the blackout starts; any failure resumes everything and loads nothing)\n");
	if (u->hooks[0])
		fprintf(f, "  hooks   %s/* freeze\n", u->hooks);
	for (i = 0; i < u->n_vms; i++) {
		kl_upd_vm_state(u, &u->vms[i], path, sizeof(path));
		fprintf(f, "  vm %-8s stop; device state to %s (x-ignore-shared: RAM stays in its file)\n",
			u->vms[i].name, path);
	}
	for (i = 0; i < u->n_procs; i++) {
		kl_upd_proc_images(u, &u->procs[i], path, sizeof(path));
		fprintf(f, "  process %-8s criu dump --leave-stopped to %s\n", u->procs[i].name, path);
	}
	fprintf(f, "hand over\n");
	fprintf(f, "  sync; freeze %s (FIFREEZE: clean on the media, still mounted)\n", u->dax);
	fprintf(f, "  %s -l %s%s%s %s%s --preserve=%s:", u->kexec, u->kernel, u->initrd[0] ? " --initrd=" : "",
		u->initrd, u->append_given ? "--append=" : "--reuse-cmdline", u->append_given ? u->append : "",
		KL_UPD_REGION_NAME);
	if (u->range_size)
		fprintf(f, "0x%" PRIx64 "+0x%" PRIx64, u->range_start, u->range_size);
	else
		fprintf(f, "RANGE");
	fprintf(f, ":pmem --handoff-file=%s=MANIFEST\n", KL_UPD_BLOB_NAME);
	if (u->hooks[0])
		fprintf(f, "  hooks   %s/* exec (the point of no return)\n", u->hooks);
	fprintf(f, "  %s -e\n", u->kexec);
	fprintf(f, "resume (the new kernel: kexec-live resume)\n");
	fprintf(f, "  verify the handoff table (the range's digest), mount %s at %s\n", u->device[0] ? u->device : "its pmem device", u->dax);
	for (i = 0; i < u->n_procs; i++) {
		kl_upd_proc_images(u, &u->procs[i], path, sizeof(path));
		fprintf(f, "  process %-8s criu restore from %s\n", u->procs[i].name, path);
	}
	for (i = 0; i < u->n_vms; i++) {
		kl_upd_vm_state(u, &u->vms[i], path, sizeof(path));
		fprintf(f, "  vm %-8s its QEMU again with -incoming defer; load %s; cont\n", u->vms[i].name, path);
	}
	if (u->hooks[0])
		fprintf(f, "  hooks   %s/* resume\n", u->hooks);
}
