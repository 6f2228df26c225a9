/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE /* pipe2, environ */
#include "config.h"

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/handoff/handoff-io.h"
#include "lib/sys/fileio.h"
#include "lib/timeline/collect.h"

#define LOG_BYTES_MAX (16U << 20)
#define LOG_LINES_MAX 200000U

uint64_t kl_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

void kl_tl_log_free(struct kl_tl_log *l)
{
	free(l->buf);
	free(l->line);
	*l = (struct kl_tl_log){ 0 };
}

/* The records of /dev/kmsg, one a read(), into l->buf. */
static int slurp_kmsg(int fd, struct kl_tl_log *l)
{
	char rec[8192];

	for (;;) {
		ssize_t got = read(fd, rec, sizeof(rec));

		if (got < 0 && errno == EPIPE)
			continue; /* overwritten while read: go on with the next */
		if (got <= 0)
			return 0;
		if (l->len + (size_t)got + 1 > l->cap) {
			size_t ncap = KL_MAX(l->cap * 2, l->len + (size_t)got + 1 + 65536);
			char *nb;

			if (ncap > LOG_BYTES_MAX)
				return 0; /* enough of it for a boot */
			nb = realloc(l->buf, ncap);
			if (!nb)
				return -ENOMEM;
			l->buf = nb;
			l->cap = ncap;
		}
		memcpy(l->buf + l->len, rec, (size_t)got);
		l->len += (size_t)got;
		if (rec[got - 1] != '\n')
			l->buf[l->len++] = '\n';
	}
}

/* The lines that are not records (the key=value lines of a record's
 * dictionary start with a space) are skipped. */
int kl_tl_log_read(const char *root, struct kl_tl_log *l)
{
	struct kl_err err = { { 0 } };
	size_t off = 0;
	int r;

	if (root[0]) {
		r = kl_read_file(root, "/dev/kmsg", LOG_BYTES_MAX, &l->buf, &l->len, &err);
		if (r < 0)
			return r == -ENOENT ? 0 : r;
	} else {
		_cleanup_close_ int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

		if (fd < 0)
			return 0; /* no log: only the purgatory's stamps */
		r = slurp_kmsg(fd, l);
		if (r < 0)
			return r;
	}
	while (off < l->len && l->n < LOG_LINES_MAX) {
		const char *nl = memchr(l->buf + off, '\n', l->len - off);
		size_t end = nl ? (size_t)(nl - l->buf) : l->len;

		if (l->n == l->line_cap) {
			size_t ncap = l->line_cap ? l->line_cap * 2 : 1024;
			struct kl_log_line *nv = reallocarray(l->line, ncap, sizeof(*nv));

			if (!nv)
				return -ENOMEM;
			l->line = nv;
			l->line_cap = ncap;
		}
		if (end > off && l->buf[off] != ' ' && kl_kmsg_parse(l->buf + off, end - off, &l->line[l->n]) == 0)
			l->n++;
		off = end + 1;
	}
	l->view = (struct kl_boot_log){ .line = l->line, .n = l->n };
	return 0;
}

/* The kernel's TSC conversion from the perf mmap page of a dummy event:
 * 0, or why not (no perf, or a TSC the kernel does not trust as a
 * clock: cap_user_time_zero clear). */
static int perf_clock(struct kl_tsc_clock *ret, const char **ret_why)
{
	struct perf_event_attr attr = { .type = PERF_TYPE_SOFTWARE, .size = sizeof(attr),
					.config = PERF_COUNT_SW_DUMMY, .exclude_kernel = 1, .exclude_hv = 1 };
	long page = sysconf(_SC_PAGESIZE);
	volatile struct perf_event_mmap_page *pc;
	struct kl_tsc_clock c;
	uint32_t seq;
	int fd, ok;

	fd = (int)syscall(SYS_perf_event_open, &attr, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) {
		*ret_why = "perf_event_open failed";
		return -errno;
	}
	pc = mmap(NULL, (size_t)page, PROT_READ, MAP_SHARED, fd, 0);
	if (pc == MAP_FAILED) {
		int e = errno;

		close(fd);
		*ret_why = "the perf page cannot be mapped";
		return -e;
	}
	close(fd); /* the mapping stays */
	/* the page's seqlock: retry while the kernel updates it */
	do {
		seq = pc->lock;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		ok = pc->cap_user_time_zero;
		c.time_zero = pc->time_zero;
		c.time_mult = pc->time_mult;
		c.time_shift = pc->time_shift;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while (pc->lock != seq || (seq & 1));
	munmap((void *)pc, (size_t)page);
	if (!ok) {
		*ret_why = "the kernel does not offer its TSC as a clock (cap_user_time_zero 0: an unstable TSC)";
		return -ENOTSUP;
	}
	*ret = c;
	return 0;
}

/* The TSC's rate of the kernel's calibration lines: 2 refined, 1
 * detected, 0 none. */
static int log_tsc_mhz(const struct kl_boot_log *log, double *ret_mhz)
{
	int best = 0;
	size_t i;

	for (i = 0; i < log->n; i++) {
		double mhz;
		int kind = kl_tsc_mhz_from_log(log->line[i].text, log->line[i].len, &mhz);

		if (kind > best) {
			best = kind;
			*ret_mhz = mhz;
		}
	}
	return best;
}

/* The TSC's rate from CPUID leaf 0x15, where this processor enumerates
 * it: 0, or -ENOENT.  Intel's only, as the kernel's native_calibrate_tsc()
 * has it: on other vendors the leaf is reserved. */
static int cpuid_tsc_mhz(double *ret_mhz)
{
	unsigned int eax = 0, ebx = 0, ecx = 0, edx = 0;

	if (!__get_cpuid(0, &eax, &ebx, &ecx, &edx) || ebx != 0x756e6547 || edx != 0x49656e69 ||
	    ecx != 0x6c65746e) /* "GenuineIntel" */
		return -ENOENT;
	if (!__get_cpuid(0x15, &eax, &ebx, &ecx, &edx)) /* 0 above the highest leaf */
		return -ENOENT;
	return kl_tsc_mhz_from_cpuid15(eax, ebx, ecx, ret_mhz);
}

/* No exact conversion: the TSC's rate (CPUID leaf 0x15's, else the
 * kernel's calibration from its log), and the TSC read beside
 * CLOCK_MONOTONIC, taken as the log's clock (both start at boot; they
 * part by at most the few milliseconds between the two clocks' start). */
static int rate_clock(const struct kl_boot_log *log, struct kl_tsc_clock *ret, struct kl_tl_update *u)
{
	struct timespec ts;
	double mhz = 0;
	int kind = cpuid_tsc_mhz(&mhz) == 0 ? 3 : log_tsc_mhz(log, &mhz);
	uint64_t tsc;

	if (!kind)
		return -ENOENT;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return -errno;
	tsc = kl_rdtsc();
	if (kl_tsc_clock_from_rate(mhz, tsc, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec, ret) < 0)
		return -ERANGE;
	u->clock_id = kind == 3 ? "cpuid15" : "calibration";
	snprintf(u->clock_text, sizeof(u->clock_text),
		 "%s TSC rate, %.3f MHz, and CLOCK_MONOTONIC: approximate (an unstable TSC, no exact conversion)",
		 kind == 3 ? "CPUID leaf 0x15's" : kind == 2 ? "the kernel's refined" : "the kernel's detected", mhz);
	return 0;
}

/* The marks a script set with --mark, on the TSC's line.  A line that is
 * not a mark is noted and left out. */
static void user_marks(const char *root, const struct kl_tsc_clock *c, int64_t t0, struct kl_tl_update *u)
{
	_cleanup_free_ char *buf = NULL;
	struct kl_err err = { { 0 } };
	size_t len = 0, off = 0, no = 0;
	int r = kl_read_file(root, KL_TL_USER_MARKS_FILE, 1 << 20, &buf, &len, &err);

	if (r < 0) {
		if (r != -ENOENT) /* there, but not readable */
			snprintf(u->marks_file_error, sizeof(u->marks_file_error), "%s", err.msg);
		return;
	}
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - buf) : len;
		char name[KL_MARK_NAME_MAX + 1];
		uint64_t tsc;

		no++;
		if (kl_user_mark_parse(buf + off, end - off, &tsc, name) == 0)
			kl_tl_marks_add(&u->marks, name, (double)(kl_tsc_to_ns(c, tsc) - t0) / 1e6, KL_TL_SRC_USER);
		else if (u->n_bad_mark_lines < KL_TL_BAD_MARKS_MAX)
			u->bad_mark_line[u->n_bad_mark_lines++] = no;
		off = end + 1;
	}
}

/* systemctl show's KEY=VALUE lines: the value of key, 0 when absent. */
static uint64_t show_value(const char *out, const char *key)
{
	size_t n = strlen(key);
	const char *p;
	uint64_t v;

	for (p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == '=' && kl_parse_u64_prefix(p + n + 1, 10, &p, &v) == 0)
			return v;
	return 0;
}

/* Run systemctl show ARGS... and keep what it prints (at most size - 1
 * bytes): 0, or -1 when it could not run or failed. */
static int systemctl_show(char *const argv[], char *out, size_t size)
{
	posix_spawn_file_actions_t fa;
	size_t len = 0;
	int pipefd[2], status, r;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, pipefd[1], STDOUT_FILENO);
	r = posix_spawnp(&pid, "systemctl", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(pipefd[1]);
	if (r) {
		close(pipefd[0]);
		return -1;
	}
	for (;;) {
		ssize_t got = read(pipefd[0], out + len, size - 1 - len);

		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			break;
		len += (size_t)got;
		if (len == size - 1)
			break;
	}
	out[len] = 0;
	close(pipefd[0]);
	while ((r = waitpid(pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (r < 0)
		return -1;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* systemd's own marks when it is PID 1 (the manager's startup finished,
 * multi-user.target reached): microseconds of CLOCK_MONOTONIC, taken as
 * the log's clock (see rate_clock()). */
static void systemd_marks(const char *root, int64_t t0, struct kl_tl_marks *m)
{
	static char *const manager[] = { "systemctl", "show", "--property=FinishTimestampMonotonic", NULL };
	static char *const target[] = { "systemctl", "show", "--property=ActiveEnterTimestampMonotonic",
					"multi-user.target", NULL };
	char path[4096], out[1024];
	uint64_t us;

	snprintf(path, sizeof(path), "%s/run/systemd/system", root);
	if (access(path, F_OK) < 0)
		return; /* systemd is not PID 1 */
	if (systemctl_show(manager, out, sizeof(out)) == 0 && (us = show_value(out, "FinishTimestampMonotonic")))
		kl_tl_marks_add(m, "startup_finished", ((double)us * 1e3 - (double)t0) / 1e6, KL_TL_SRC_USER);
	if (systemctl_show(target, out, sizeof(out)) == 0 && (us = show_value(out, "ActiveEnterTimestampMonotonic")))
		kl_tl_marks_add(m, "multi_user_reached", ((double)us * 1e3 - (double)t0) / 1e6, KL_TL_SRC_USER);
}

/* The purgatory's record, checked: 0, -ENOENT (none), or why not. */
static int read_record(const char *root, struct kl_timeline *ret, struct kl_err *err)
{
	_cleanup_free_ char *data = NULL;
	struct kl_err e = { { 0 } };
	size_t len = 0;
	int r = kl_setup_data_read(root, KL_TL_SETUP_TYPE, 4096, &data, &len, &e);

	if (r == -ENOENT)
		return kl_fail(err, r, "no timeline: this kernel was not started through kexec-live's purgatory (%s)",
			       e.msg);
	if (r == 0)
		r = kl_timeline_decode(data, len, ret, &e);
	if (r < 0)
		return kl_fail(err, r, "the timeline record is not usable: %s", e.msg);
	if (!(ret->stamped & (1U << KL_TL_PURG_START)) || !(ret->stamped & (1U << KL_TL_PURG_JUMP)))
		return kl_fail(err, -EBADMSG,
			       "the timeline record was never stamped (the purgatory did not run to the jump)");
	return 0;
}

/* The exec stamp's TSC, where the handoff table lists its page: 0,
 * -ENOENT when it lists none (no table, or a table without one: a
 * damaged table is kexec-handoff verify's to say), or why not. */
static int exec_stamp(const char *root, uint64_t *ret_tsc, struct kl_err *err)
{
	_cleanup_free_ void *tbuf = NULL;
	struct kl_handoff t = { 0 };
	uint8_t rec[sizeof(struct kl_xs_record)];
	const struct kl_ho_entry *e = NULL;
	size_t i;
	int r;

	if (kl_ho_table_read(root, &t, &tbuf, NULL) < 0)
		return -ENOENT;
	for (i = 0; i < t.n && !e; i++)
		if (t.e[i].type == KL_HO_REGION && !strcmp(t.e[i].name, KL_XS_REGION_NAME))
			e = &t.e[i];
	r = e ? kl_ho_region_io(root, e->start, e->size, 0, rec, sizeof(rec), false, err) : -ENOENT;
	kl_handoff_free(&t);
	if (r == 0)
		r = kl_xs_decode(rec, sizeof(rec), ret_tsc, err);
	return r;
}

/* The exec's mark, before the purgatory's start: only a stamp taken
 * before it, and at most a minute before (an older one is not this
 * update's). */
#define EXEC_BEFORE_MAX_NS 60000000000LL

static void exec_mark(const char *root, const struct kl_tsc_clock *c, int64_t t0, struct kl_tl_update *u)
{
	struct kl_err err = { { 0 } };
	uint64_t tsc = 0;
	int64_t ns;
	int r = exec_stamp(root, &tsc, &err);

	if (r == -ENOENT)
		return;
	if (r < 0) {
		snprintf(u->exec_stamp_error, sizeof(u->exec_stamp_error), "%s", err.msg);
		return;
	}
	ns = kl_tsc_to_ns(c, tsc);
	if (tsc >= u->t.stamp[KL_TL_PURG_START] || t0 - ns > EXEC_BEFORE_MAX_NS) {
		snprintf(u->exec_stamp_error, sizeof(u->exec_stamp_error),
			 "the exec stamp (TSC %" PRIu64 ") is not from this update's exec (the purgatory started at %" PRIu64
			 ")",
			 tsc, u->t.stamp[KL_TL_PURG_START]);
		return;
	}
	kl_tl_marks_add(&u->marks, "exec", (double)(ns - t0) / 1e6, KL_TL_SRC_OLD_KERNEL);
}

/* Put the TSC on the kernel's clock: given, else the perf page's, else a
 * rate's; 0, or -ENOTSUP with why in err. */
static int tsc_clock(const struct kl_tsc_clock *given, const struct kl_tl_log *log, struct kl_tsc_clock *ret,
		     struct kl_tl_update *u, struct kl_err *err)
{
	const char *why = NULL;

	if (given) {
		*ret = *given;
		u->clock_id = "given";
		snprintf(u->clock_text, sizeof(u->clock_text), "given (--tsc-clock)");
		return 0;
	}
	if (perf_clock(ret, &why) < 0 && rate_clock(&log->view, ret, u) < 0)
		return kl_fail(err, -ENOTSUP,
			       "cannot put the TSC on the kernel's clock: %s, CPUID leaf 0x15 gives no rate and the log "
			       "no TSC calibration",
			       why);
	return 0;
}

/* The marks after the kernel's clock started (its log's, systemd's and
 * scripts'), in ms from t0 on that clock; c NULL: no clock for the TSC,
 * and so no script's marks. */
static void kernel_marks(const char *root, const struct kl_tsc_clock *c, int64_t t0, const struct kl_tl_log *log,
			 struct kl_tl_update *u)
{
	long idx[KL_MARK_MAX];
	size_t i;

	/* the kernel's clock reads 0 here; its log is stamped from it */
	kl_tl_marks_add(&u->marks, "clock_zero", (double)-t0 / 1e6, KL_TL_SRC_KERNEL);
	kl_log_find_marks(&log->view, idx);
	for (i = 0; i < KL_MARK_MAX; i++)
		if (idx[i] >= 0 && log->line)
			kl_tl_marks_add(&u->marks, kl_log_marks[i].name,
					((double)log->line[idx[i]].usec * 1e3 - (double)t0) / 1e6, KL_TL_SRC_KERNEL);
	systemd_marks(root, t0, &u->marks);
	if (c)
		user_marks(root, c, t0, u);
	kl_tl_marks_sort(&u->marks);
}

int kl_tl_collect(const char *root, const struct kl_tsc_clock *given, const struct kl_tl_log *log,
		  struct kl_tl_update *ret, struct kl_err *err)
{
	static const char *const stamp_names[] = { "purgatory_start", "purgatory_checked", "kernel_entry" };
	struct kl_tl_update u = { .clock_id = "perf", .clock_text = "perf time_zero/mult/shift, exact" };
	struct kl_tsc_clock c = { 0 };
	int64_t t0;
	size_t i;
	int r;

	r = read_record(root, &u.t, err);
	if (r == 0)
		r = tsc_clock(given, log, &c, &u, err);
	if (r < 0)
		return r;
	t0 = kl_tsc_to_ns(&c, u.t.stamp[KL_TL_PURG_START]);
	for (i = 0; i < KL_ARRAY_SIZE(stamp_names); i++)
		if (u.t.stamped & (1U << i))
			kl_tl_marks_add(&u.marks, stamp_names[i], (double)(kl_tsc_to_ns(&c, u.t.stamp[i]) - t0) / 1e6,
					KL_TL_SRC_PURGATORY);
	exec_mark(root, &c, t0, &u);
	kernel_marks(root, &c, t0, log, &u);
	*ret = u;
	return 0;
}

int kl_tl_collect_boot(const char *root, const struct kl_tsc_clock *given, const struct kl_tl_log *log,
		       struct kl_tl_update *ret)
{
	struct kl_tl_update u = { .clock_id = "perf", .clock_text = "perf time_zero/mult/shift, exact" };
	struct kl_tsc_clock c = { 0 };
	bool clocked = tsc_clock(given, log, &c, &u, NULL) == 0;

	if (!clocked) {
		u.clock_id = "log";
		snprintf(u.clock_text, sizeof(u.clock_text), "the kernel's own (no TSC conversion: no script's marks)");
	}
	kernel_marks(root, clocked ? &c : NULL, 0, log, &u);
	*ret = u;
	return 0;
}

int kl_tl_release(const char *root, char ret[KL_TLH_RELEASE_MAX], struct kl_err *err)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0;
	int r = kl_read_file(root, "/proc/sys/kernel/osrelease", 256, &buf, &len, err);

	if (r < 0)
		return r;
	while (len && (buf[len - 1] == '\n' || buf[len - 1] == ' '))
		len--;
	if (!len || len >= KL_TLH_RELEASE_MAX)
		return kl_fail(err, -EINVAL, "%s/proc/sys/kernel/osrelease: %zu bytes, not a kernel release", root,
			       len);
	memcpy(ret, buf, len);
	memset(ret + len, 0, KL_TLH_RELEASE_MAX - len);
	return 0;
}

int kl_tl_history_read(const char *root, const struct kl_handoff *t, struct kl_tlh_entry ret[KL_TLH_ENTRIES_MAX],
		       size_t *ret_n, struct kl_err *err)
{
	_cleanup_free_ void *mem = NULL;
	const struct kl_ho_entry *e = NULL;
	const void *bytes;
	size_t i, len = 0;
	int r;

	for (i = 0; i < t->n && !e; i++)
		if (t->e[i].type == KL_HO_BLOB && !strcmp(t->e[i].name, KL_TLH_BLOB_NAME))
			e = &t->e[i];
	if (!e)
		return -ENOENT;
	if (e->storage == KL_HO_INLINE) {
		r = kl_ho_entry_check(root, e, err);
		bytes = e->data;
		len = (size_t)e->len;
	} else {
		r = kl_ho_blob_read(root, e, &mem, &len, err);
		bytes = mem;
	}
	if (r < 0)
		return kl_fail_prefix(err, r, "the timelines of earlier updates (%s)", KL_TLH_BLOB_NAME);
	r = kl_tlh_decode(bytes, len, ret, ret_n, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "the timelines of earlier updates (%s)", KL_TLH_BLOB_NAME);
	return 0;
}

int kl_tl_run_dir(const char *root, struct kl_err *err)
{
	static const char *const dirs[] = { "/run", "/run/kexec-live" };
	char dir[4096];
	size_t i;

	for (i = 0; i < KL_ARRAY_SIZE(dirs); i++) {
		snprintf(dir, sizeof(dir), "%s%s", root, dirs[i]);
		if (mkdir(dir, 0755) < 0 && errno != EEXIST)
			return kl_fail(err, -errno, "%s: %s", dir, strerror(errno));
	}
	return 0;
}

int kl_xs_arm(const char *root, uint64_t start, struct kl_err *err)
{
	char path[4096], line[32];
	uint8_t rec[sizeof(struct kl_xs_record)];
	_cleanup_close_ int fd = -1;
	int n, r;

	kl_xs_encode(0, rec);
	r = kl_ho_region_io(root, start, KL_XS_PAGE, 0, rec, sizeof(rec), true, err);
	if (r < 0)
		return r;
	r = kl_tl_run_dir(root, err);
	if (r < 0)
		return r;
	snprintf(path, sizeof(path), "%s" KL_XS_RUN_FILE, root);
	n = snprintf(line, sizeof(line), "0x%" PRIx64 "\n", start);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, line, (size_t)n) != n)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	return 0;
}

void kl_xs_disarm(const char *root)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s" KL_XS_RUN_FILE, root);
	unlink(path);
}

int kl_xs_stamp(const char *root, struct kl_err *err)
{
	_cleanup_free_ char *buf = NULL;
	uint8_t rec[sizeof(struct kl_xs_record)];
	struct kl_err e = { { 0 } };
	uint64_t start;
	size_t len = 0;
	int r = kl_read_file(root, KL_XS_RUN_FILE, 64, &buf, &len, &e);

	if (r == -ENOENT)
		return r;
	if (r < 0)
		return kl_fail(err, r, "%s", e.msg);
	while (len && buf[len - 1] == '\n')
		buf[--len] = 0;
	if (kl_parse_u64(buf, 0, &start) < 0 || start % KL_XS_PAGE)
		return kl_fail(err, -EINVAL, "%s%s: not a page address: '%s'", root, KL_XS_RUN_FILE, buf);
	kl_xs_encode(kl_rdtsc(), rec);
	return kl_ho_region_io(root, start, KL_XS_PAGE, 0, rec, sizeof(rec), true, err);
}

int kl_tl_mark(const char *root, const char *name, struct kl_err *err)
{
	char path[4096], line[KL_MARK_NAME_MAX + 32];
	_cleanup_close_ int fd = -1;
	int n, r;

	if (!kl_mark_name_ok(name, strlen(name)))
		return kl_fail(err, -EINVAL, "mark '%s': a name is 1 to %d letters, digits, spaces and _.:- (no space at either end)",
			       name, KL_MARK_NAME_MAX);
	n = snprintf(line, sizeof(line), "%" PRIu64 " %s\n", kl_rdtsc(), name);
	snprintf(path, sizeof(path), "%s" KL_TL_USER_MARKS_FILE, root);
	r = kl_tl_run_dir(root, err);
	if (r < 0)
		return r;
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0 || write(fd, line, (size_t)n) != n)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	return 0;
}

int kl_tsc_rate(const char *root, uint64_t *ret_hz, struct kl_err *err)
{
	struct kl_tsc_clock c = { 0 };
	const char *why = "";
	double mhz = 0;

	if (perf_clock(&c, &why) == 0 && c.time_mult) {
		/* ns = tsc * mult >> shift: ticks a second = 1e9 << shift / mult */
		*ret_hz = (uint64_t)(((unsigned __int128)1000000000u << c.time_shift) / c.time_mult);
		return 0;
	}
	if (cpuid_tsc_mhz(&mhz) != 0) {
		struct kl_tl_log log = { 0 };
		int kind;

		kl_tl_log_read(root, &log);
		kind = log_tsc_mhz(&log.view, &mhz);
		kl_tl_log_free(&log);
		if (!kind)
			return kl_fail(err, -ENOENT, "no TSC rate: %s, and no calibration in the kernel's log", why);
	}
	*ret_hz = (uint64_t)(mhz * 1e6 + 0.5);
	return 0;
}
