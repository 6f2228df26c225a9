/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE /* pipe2, environ */
/*
 * kexec-handoff timeline: the update's last moments as the machine itself
 * measured them.  The purgatory's TSC stamps (purgatory/timeline.h), put
 * on the new kernel's clock through the perf mmap page's TSC conversion,
 * and the kernel's own marks from its log, all in milliseconds since the
 * purgatory started.  See kexec-handoff(8).
 */
#include "config.h"

#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/kexec-handoff/timeline.h"
#include "lib/base/json.h"
#include "lib/base/log.h"
#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/handoff/handoff-io.h"
#include "lib/sys/fileio.h"
#include "lib/timeline/advice.h"
#include "lib/timeline/bootlog.h"
#include "lib/timeline/timeline.h"

#define say(...) kl_msg("kexec-handoff", __VA_ARGS__)

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

/* --tsc-clock=ZERO:MULT:SHIFT (testing): the conversion as given. */
static int given_clock(const char *s, struct kl_tsc_clock *ret)
{
	char buf[96], *mult, *shift;
	uint64_t z, m, sh;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, s, strlen(s) + 1);
	mult = strchr(buf, ':');
	shift = mult ? strchr(mult + 1, ':') : NULL;
	if (!shift)
		return -EINVAL;
	*mult++ = 0;
	*shift++ = 0;
	if (kl_parse_u64(buf, 0, &z) < 0 || kl_parse_u64(mult, 0, &m) < 0 || kl_parse_u64(shift, 0, &sh) < 0 ||
	    m > UINT32_MAX || sh > 63)
		return -EINVAL;
	*ret = (struct kl_tsc_clock){ .time_zero = z, .time_mult = (uint32_t)m, .time_shift = (uint16_t)sh };
	return 0;
}

/* The kernel's log, read once: the records' bytes and the lines in them. */
struct log {
	char *buf;
	size_t len, cap, n, line_cap;
	struct kl_log_line *line;
	struct kl_boot_log view;
};

#define LOG_BYTES_MAX (16U << 20)
#define LOG_LINES_MAX 200000U

static void log_free(struct log *l)
{
	free(l->buf);
	free(l->line);
}

/* The records of /dev/kmsg, one a read(), into l->buf. */
static int slurp_kmsg(int fd, struct log *l)
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

/* The kernel's log: /dev/kmsg, or below --root a regular file of its
 * records, a line each.  The lines that are not records (the key=value
 * lines of a record's dictionary start with a space) are skipped. */
static int read_log(const char *root, struct log *l)
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

/* The purgatory's checks: the name --json gives, the one people read.
 * (The decoder refuses unknown ones.) */
static const struct {
	const char *id, *name;
} checks[KL_TL_CHECK_MAX] = {
	[KL_TL_CHECK_NONE] = { "none", "none" },
	[KL_TL_CHECK_SHA256] = { "sha256", "SHA-256" },
	[KL_TL_CHECK_CRC32C] = { "crc32c", "CRC-32C" },
};


/* Who set a mark: the chart colours its bar by it. */
enum mark_source { SRC_PURGATORY, SRC_KERNEL, SRC_USER, SRC_MAX };

static const struct {
	const char *label, *colour;
} sources[SRC_MAX] = {
	[SRC_PURGATORY] = { "purgatory (TSC)", "#d9822b" },
	[SRC_KERNEL] = { "new kernel (its log)", "#3b7dd8" },
	[SRC_USER] = { "userland (systemd, --mark)", "#3f9e4d" },
};

/* One mark: its name, milliseconds since the purgatory started, and who
 * set it. */
struct mark {
	char name[KL_MARK_NAME_MAX + 1];
	double ms;
	enum mark_source src;
};

#define MARKS_MAX 64
#define USER_MARKS_FILE "/run/kexec-live/marks"

struct marks {
	struct mark v[MARKS_MAX];
	size_t n;
};

static void add_mark(struct marks *m, const char *name, double ms, enum mark_source src)
{
	if (m->n == MARKS_MAX)
		return;
	snprintf(m->v[m->n].name, sizeof(m->v[m->n].name), "%s", name);
	m->v[m->n].src = src;
	m->v[m->n++].ms = ms;
}

/* In time order; marks of one time keep the order they were added in
 * (the purgatory's before the kernel's). */
static void sort_marks(struct marks *m)
{
	size_t i, j;

	for (i = 1; i < m->n; i++) {
		struct mark x = m->v[i];

		for (j = i; j > 0 && m->v[j - 1].ms > x.ms; j--)
			m->v[j] = m->v[j - 1];
		m->v[j] = x;
	}
}

/* What put the TSC on the kernel's clock: a name for --json, words for
 * people. */
struct clock_desc {
	const char *id;
	char text[200];
};

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
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
static int rate_clock(const struct kl_boot_log *log, struct kl_tsc_clock *ret, struct clock_desc *cd)
{
	struct timespec ts;
	double mhz = 0;
	int kind = cpuid_tsc_mhz(&mhz) == 0 ? 3 : log_tsc_mhz(log, &mhz);
	uint64_t tsc;

	if (!kind)
		return -ENOENT;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return -errno;
	tsc = rdtsc();
	if (kl_tsc_clock_from_rate(mhz, tsc, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec, ret) < 0)
		return -ERANGE;
	cd->id = kind == 3 ? "cpuid15" : "calibration";
	snprintf(cd->text, sizeof(cd->text),
		 "%s TSC rate, %.3f MHz, and CLOCK_MONOTONIC: approximate (an unstable TSC, no exact conversion)",
		 kind == 3 ? "CPUID leaf 0x15's" : kind == 2 ? "the kernel's refined" : "the kernel's detected", mhz);
	return 0;
}

/* The marks a script set with --mark, on the TSC's line.  A line that is
 * not a mark is said and left out. */
static void user_marks(const char *root, const struct kl_tsc_clock *c, int64_t t0, struct marks *m)
{
	_cleanup_free_ char *buf = NULL;
	struct kl_err err = { { 0 } };
	size_t len = 0, off = 0, no = 0;

	int r = kl_read_file(root, USER_MARKS_FILE, 1 << 20, &buf, &len, &err);

	if (r < 0) {
		if (r != -ENOENT)
			say("%s", err.msg); /* there, but not readable */
		return;
	}
	while (off < len) {
		const char *nl = memchr(buf + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - buf) : len;
		char name[KL_MARK_NAME_MAX + 1];
		uint64_t tsc;

		no++;
		if (kl_user_mark_parse(buf + off, end - off, &tsc, name) == 0)
			add_mark(m, name, (double)(kl_tsc_to_ns(c, tsc) - t0) / 1e6, SRC_USER);
		else
			say("%s%s line %zu is not a mark (TSC NAME), left out", root, USER_MARKS_FILE, no);
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
static void systemd_marks(const char *root, int64_t t0, struct marks *m)
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
		add_mark(m, "startup_finished", ((double)us * 1e3 - (double)t0) / 1e6, SRC_USER);
	if (systemctl_show(target, out, sizeof(out)) == 0 && (us = show_value(out, "ActiveEnterTimestampMonotonic")))
		add_mark(m, "multi_user_reached", ((double)us * 1e3 - (double)t0) / 1e6, SRC_USER);
}

static void print_marks(const struct marks *m, bool json, const struct clock_desc *cd, const struct kl_timeline *t)
{
	size_t i;

	if (json) {
		printf("{\"clock\": \"%s\", \"check\": \"%s\", \"checked_bytes\": %" PRIu64 ", \"marks\": {", cd->id,
		       checks[t->check].id, t->checked_bytes);
		for (i = 0; i < m->n; i++) {
			fputs(i ? ", " : "", stdout);
			kl_json_str(m->v[i].name, stdout);
			printf(": %.3f", m->v[i].ms);
		}
		printf("}}\n");
		return;
	}
	printf("update timeline (clock: %s)\n", cd->text);
	printf("  %-20s %12s %12s\n", "mark", "at (ms)", "step (ms)");
	for (i = 0; i < m->n; i++) {
		printf("  %-20s %12.3f %12.3f", m->v[i].name, m->v[i].ms, i ? m->v[i].ms - m->v[i - 1].ms : 0.0);
		if (!strcmp(m->v[i].name, "purgatory_checked"))
			printf("   %s of %.1f MiB", checks[t->check].name, (double)t->checked_bytes / (1 << 20));
		printf("\n");
	}
}

/* The steps as a chart: a bar for each, from the mark before it to its
 * own, on one time axis. */
static int write_svg(const char *path, const struct marks *m)
{
	const double label_w = 190, chart_w = 620, row_h = 22, top = 34;
	double total = m->n ? m->v[m->n - 1].ms : 0, scale, tick;
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	FILE *f;
	size_t i;
	int ok;

	if (fd < 0) {
		say("--svg %s: %s", path, strerror(errno));
		return 1;
	}
	f = fdopen(TAKE_FD(fd), "w");
	if (!f)
		return 1;
	scale = total > 0 ? chart_w / total : 0;
	for (tick = 1; total / tick > 10; tick *= 10)
		;
	fprintf(f,
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" font-family=\"sans-serif\" "
		"font-size=\"12\">\n",
		label_w + chart_w + 90, top + row_h * (double)m->n + 48);
	fprintf(f, "<text x=\"4\" y=\"16\" font-weight=\"bold\">update timeline: %.1f ms, purgatory start to %s</text>\n",
		total, m->n ? m->v[m->n - 1].name : "");
	for (i = 0; total > 0 && (double)i * tick <= total; i++)
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#ddd\"/>"
			"<text x=\"%.1f\" y=\"%.0f\" fill=\"#666\" text-anchor=\"middle\">%.0f ms</text>\n",
			label_w + (double)i * tick * scale, top - 6, label_w + (double)i * tick * scale,
			top + row_h * (double)m->n, label_w + (double)i * tick * scale, top + row_h * (double)m->n + 16,
			(double)i * tick);
	for (i = 0; i < m->n; i++) {
		double from = i ? m->v[i - 1].ms : 0, step = m->v[i].ms - from, y = top + row_h * (double)i;

		fprintf(f, "<text x=\"4\" y=\"%.0f\">", y + 15);
		/* names are letters, digits and " _.:-": nothing to escape */
		fprintf(f, "%s</text>\n", m->v[i].name);
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"%.0f\">%.1f</text>\n",
			label_w + from * scale, y + 3, KL_MAX(step * scale, 1.0), row_h - 6,
			sources[m->v[i].src].colour, label_w + m->v[i].ms * scale + 4, y + 15, step);
	}
	for (i = 0; i < SRC_MAX; i++)
		fprintf(f,
			"<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			"<text x=\"%.0f\" y=\"%.0f\">%s</text>\n",
			label_w + 210 * (double)i, top + row_h * (double)m->n + 30, sources[i].colour,
			label_w + 210 * (double)i + 14, top + row_h * (double)m->n + 39, sources[i].label);
	fprintf(f, "</svg>\n");
	ok = !ferror(f);
	if (fclose(f) != 0 || !ok) {
		say("--svg %s: write failed", path);
		return 1;
	}
	return 0;
}

/* kexec-handoff timeline --mark NAME: the TSC now, under NAME. */
static int set_mark(const char *root, const char *name)
{
	char dir[4096], path[4096], line[KL_MARK_NAME_MAX + 32];
	_cleanup_close_ int fd = -1;
	int n;

	if (!kl_mark_name_ok(name, strlen(name))) {
		say("--mark '%s': a name is 1 to %d letters, digits, spaces and _.:- (no space at either end)", name,
		    KL_MARK_NAME_MAX);
		return 1;
	}
	n = snprintf(line, sizeof(line), "%" PRIu64 " %s\n", rdtsc(), name);
	snprintf(dir, sizeof(dir), "%s/run/kexec-live", root);
	snprintf(path, sizeof(path), "%s" USER_MARKS_FILE, root);
	if (mkdir(dir, 0755) < 0 && errno != EEXIST) {
		say("%s: %s", dir, strerror(errno));
		return 1;
	}
	fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
	/* one write of one line: marks of two scripts never interleave */
	if (fd < 0 || write(fd, line, (size_t)n) != n) {
		say("%s: %s", path, strerror(errno));
		return 1;
	}
	return 0;
}

/* Print one log line as evidence: its time and (up to 150 bytes of)
 * its text. */
static void print_evidence(const struct kl_log_line *l)
{
	printf("     log: [%5" PRIu64 ".%06" PRIu64 "] %.*s%s\n", l->usec / 1000000, l->usec % 1000000,
	       (int)KL_MIN(l->len, 150), l->text, l->len > 150 ? "..." : "");
}

static int advise(const struct kl_boot_log *log, bool json)
{
	struct kl_advice v[KL_ADVICE_MAX];
	size_t n = 0, i, k;

	if (!log->n || !log->line) {
		if (json)
			printf("{\"advice\": []}\n");
		else
			printf("no advice: the kernel's log cannot be read\n");
		return 0;
	}
	kl_advise(log, v, KL_ARRAY_SIZE(v), &n);
	if (json) {
		printf("{\"advice\": [");
		for (i = 0; i < n; i++) {
			printf("%s{\"rule\": \"%s\", \"ms\": %.3f, \"what\": ", i ? ", " : "",
			       kl_advice_rule_name(v[i].rule), v[i].ms);
			kl_json_str(v[i].what, stdout);
			printf(", \"change\": ");
			kl_json_str(v[i].change, stdout);
			printf(", \"log\": [");
			for (k = 0; k < v[i].n_evidence; k++) {
				const struct kl_log_line *l = &log->line[v[i].evidence[k]];
				char text[512];

				snprintf(text, sizeof(text), "%.*s", (int)KL_MIN(l->len, sizeof(text) - 1), l->text);
				printf("%s{\"usec\": %" PRIu64 ", \"text\": ", k ? ", " : "", l->usec);
				kl_json_str(text, stdout);
				printf("}");
			}
			printf("]}");
		}
		printf("]}\n");
		return 0;
	}
	if (!n) {
		printf("no advice: nothing in this boot's log points at a change that would shorten it\n");
		return 0;
	}
	printf("advice for the next boot, the largest time first (from this boot's log):\n");
	for (i = 0; i < n; i++) {
		printf("  %zu. %s: %.0f ms\n     %s\n     change: %s\n", i + 1, kl_advice_rule_name(v[i].rule), v[i].ms,
		       v[i].what, v[i].change);
		for (k = 0; k < v[i].n_evidence; k++)
			print_evidence(&log->line[v[i].evidence[k]]);
	}
	return 0;
}

int kl_cmd_timeline(const char *root, const struct kl_timeline_opts *o)
{
	static const char *const stamp_names[] = { "purgatory_start", "purgatory_checked", "kernel_entry" };
	_cleanup_free_ char *data = NULL;
	struct kl_err err = { { 0 } };
	struct kl_tsc_clock c = { 0 };
	struct kl_timeline t = { 0 }; /* (set on success only; zeroed for the analyzers) */
	struct log lg = { 0 };
	struct marks m = { 0 };
	long idx[KL_MARK_MAX];
	const char *why = NULL;
	struct clock_desc cd = { .id = "perf", .text = "perf time_zero/mult/shift, exact" };
	size_t len = 0, i;
	int64_t t0;
	int r;

	if (o->mark)
		return set_mark(root, o->mark);
	r = read_log(root, &lg);
	if (r < 0) {
		say("the kernel's log: %s", strerror(-r));
		log_free(&lg);
		return 1;
	}
	if (o->advise) {
		r = advise(&lg.view, o->json);
		log_free(&lg);
		return r;
	}
	r = kl_setup_data_read(root, KL_TL_SETUP_TYPE, 4096, &data, &len, &err);
	if (r == -ENOENT) {
		say("no timeline: this kernel was not started through kexec-live's purgatory (%s)", err.msg);
		r = 2;
		goto out;
	}
	if (r == 0)
		r = kl_timeline_decode(data, len, &t, &err);
	if (r < 0) {
		say("the timeline record is not usable: %s", err.msg);
		r = 1;
		goto out;
	}
	if (!(t.stamped & (1U << KL_TL_PURG_START)) || !(t.stamped & (1U << KL_TL_PURG_JUMP))) {
		say("the timeline record was never stamped (the purgatory did not run to the jump)");
		r = 1;
		goto out;
	}
	if (o->tsc_clock) {
		if (given_clock(o->tsc_clock, &c) < 0) {
			say("--tsc-clock=%s: want ZERO:MULT:SHIFT", o->tsc_clock);
			r = 1;
			goto out;
		}
		cd.id = "given";
		snprintf(cd.text, sizeof(cd.text), "given (--tsc-clock)");
	} else if (perf_clock(&c, &why) < 0 && rate_clock(&lg.view, &c, &cd) < 0) {
		say("cannot put the TSC on the kernel's clock: %s, CPUID leaf 0x15 gives no rate and the log no "
		    "TSC calibration",
		    why);
		r = 1;
		goto out;
	}
	t0 = kl_tsc_to_ns(&c, t.stamp[KL_TL_PURG_START]);
	for (i = 0; i < KL_ARRAY_SIZE(stamp_names); i++)
		if (t.stamped & (1U << i))
			add_mark(&m, stamp_names[i], (double)(kl_tsc_to_ns(&c, t.stamp[i]) - t0) / 1e6, SRC_PURGATORY);
	/* the kernel's clock reads 0 here; its log is stamped from it */
	add_mark(&m, "clock_zero", (double)-t0 / 1e6, SRC_KERNEL);
	kl_log_find_marks(&lg.view, idx);
	for (i = 0; i < KL_MARK_MAX; i++)
		if (idx[i] >= 0 && lg.line)
			add_mark(&m, kl_log_marks[i].name, ((double)lg.line[idx[i]].usec * 1e3 - (double)t0) / 1e6,
				 SRC_KERNEL);
	systemd_marks(root, t0, &m);
	user_marks(root, &c, t0, &m);
	sort_marks(&m);
	print_marks(&m, o->json, &cd, &t);
	r = o->svg ? write_svg(o->svg, &m) : 0;
out:
	log_free(&lg);
	return r;
}
