/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * kexec-handoff timeline: the update's last moments as the machine itself
 * measured them.  The purgatory's TSC stamps (purgatory/timeline.h), put
 * on the new kernel's clock through the perf mmap page's TSC conversion,
 * and the kernel's own marks from its log, all in milliseconds since the
 * purgatory started.  See kexec-handoff(8).
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cmd/kexec-handoff/timeline.h"
#include "lib/base/log.h"
#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/handoff/handoff-io.h"
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

/* The marks the kernel's log gives: each a line's start, its time. */
static const struct {
	const char *mark, *prefix;
} log_marks[] = {
	{ "memory_ready", "Memory: " },
	{ "smp_up", "smp: Brought up " },
	{ "initramfs_unpacked", "Freeing initrd memory: " },
	{ "run_init", "Run /init as init process" },
};

struct marks {
	bool have[KL_ARRAY_SIZE(log_marks)];
	uint64_t usec[KL_ARRAY_SIZE(log_marks)];
	double mhz;   /* the TSC's rate, from the kernel's calibration lines */
	int mhz_kind; /* 2 refined, 1 detected, 0 none */
};

/* A log record: the first of a mark's lines sets it. */
static void take_mark(struct marks *m, const char *rec, size_t len)
{
	const char *text;
	uint64_t us;
	size_t n, i;
	double mhz;
	int kind;

	if (kl_kmsg_parse(rec, len, &us, &text, &n) < 0)
		return;
	kind = kl_tsc_mhz_from_log(text, n, &mhz);
	if (kind > m->mhz_kind) {
		m->mhz = mhz;
		m->mhz_kind = kind;
	}
	for (i = 0; i < KL_ARRAY_SIZE(log_marks); i++)
		if (!m->have[i] && n >= strlen(log_marks[i].prefix) &&
		    memcmp(text, log_marks[i].prefix, strlen(log_marks[i].prefix)) == 0) {
			m->have[i] = true;
			m->usec[i] = us;
		}
}

/* Walk the kernel's log (/dev/kmsg, one record a read; a regular file
 * below --root, records a line each) for the first line of each mark. */
static void read_log(const char *root, struct marks *m)
{
	char path[4096], rec[8192];
	int fd;

	snprintf(path, sizeof(path), "%s/dev/kmsg", root);
	fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return;
	if (root[0]) {
		FILE *f = fdopen(fd, "r");

		if (!f) {
			close(fd);
			return;
		}
		while (fgets(rec, sizeof(rec), f))
			take_mark(m, rec, strlen(rec));
		fclose(f);
		return;
	}
	for (;;) {
		ssize_t got = read(fd, rec, sizeof(rec));

		if (got < 0 && errno == EPIPE)
			continue; /* overwritten while read: go on with the next */
		if (got <= 0)
			break;
		take_mark(m, rec, (size_t)got);
	}
	close(fd);
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

/* One mark: its name and milliseconds since the purgatory started. */
struct mark {
	const char *name;
	double ms;
};

/* What put the TSC on the kernel's clock: a name for --json, words for
 * people. */
struct clock_desc {
	const char *id;
	char text[200];
};

static void print_marks(const struct mark *v, size_t n, bool json, const struct clock_desc *cd,
			const struct kl_timeline *t)
{
	const char *clock = json ? cd->id : cd->text;
	size_t i;

	if (json) {
		printf("{\"clock\": \"%s\", \"check\": \"%s\", \"checked_bytes\": %" PRIu64 ", \"marks\": {", clock,
		       checks[t->check].id, t->checked_bytes);
		for (i = 0; i < n; i++)
			printf("%s\"%s\": %.3f", i ? ", " : "", v[i].name, v[i].ms);
		printf("}}\n");
		return;
	}
	printf("update timeline (clock: %s)\n", clock);
	printf("  %-20s %12s %12s\n", "mark", "at (ms)", "step (ms)");
	for (i = 0; i < n; i++) {
		printf("  %-20s %12.3f %12.3f", v[i].name, v[i].ms, i ? v[i].ms - v[i - 1].ms : 0.0);
		if (!strcmp(v[i].name, "purgatory_checked"))
			printf("   %s of %.1f MiB", checks[t->check].name, (double)t->checked_bytes / (1 << 20));
		printf("\n");
	}
}

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* No exact conversion: the TSC's rate from the kernel's calibration, and
 * the TSC read beside CLOCK_MONOTONIC, taken as the log's clock (both
 * start at boot; they part by at most the few milliseconds between the
 * two clocks' start). */
static int calibrated_clock(const struct marks *m, struct kl_tsc_clock *ret, struct clock_desc *cd)
{
	struct timespec ts;
	uint64_t tsc;

	if (!m->mhz_kind)
		return -ENOENT;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) < 0)
		return -errno;
	tsc = rdtsc();
	if (kl_tsc_clock_from_rate(m->mhz, tsc, (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec, ret) < 0)
		return -ERANGE;
	cd->id = "calibration";
	snprintf(cd->text, sizeof(cd->text),
		 "the kernel's %s TSC rate, %.3f MHz, and CLOCK_MONOTONIC: approximate (an unstable TSC, no exact conversion)",
		 m->mhz_kind == 2 ? "refined" : "detected", m->mhz);
	return 0;
}

int kl_cmd_timeline(const char *root, bool json, const char *tsc_clock)
{
	static const char *const stamp_names[] = { "purgatory_start", "purgatory_checked", "kernel_entry" };
	_cleanup_free_ char *data = NULL;
	struct kl_err err = { { 0 } };
	struct kl_tsc_clock c = { 0 };
	struct kl_timeline t = { 0 }; /* (set on success only; zeroed for the analyzers) */
	struct marks lm = { { 0 } };
	struct mark v[KL_ARRAY_SIZE(stamp_names) + 1 + KL_ARRAY_SIZE(log_marks)];
	const char *why = NULL;
	struct clock_desc cd = { .id = "perf", .text = "perf time_zero/mult/shift, exact" };
	size_t len = 0, n = 0, i;
	int64_t t0;
	int r;

	r = kl_setup_data_read(root, KL_TL_SETUP_TYPE, 4096, &data, &len, &err);
	if (r == -ENOENT) {
		say("no timeline: this kernel was not started through kexec-live's purgatory (%s)", err.msg);
		return 2;
	}
	if (r == 0)
		r = kl_timeline_decode(data, len, &t, &err);
	if (r < 0) {
		say("the timeline record is not usable: %s", err.msg);
		return 1;
	}
	if (!(t.stamped & (1U << KL_TL_PURG_START)) || !(t.stamped & (1U << KL_TL_PURG_JUMP))) {
		say("the timeline record was never stamped (the purgatory did not run to the jump)");
		return 1;
	}
	read_log(root, &lm);
	if (tsc_clock) {
		if (given_clock(tsc_clock, &c) < 0) {
			say("--tsc-clock=%s: want ZERO:MULT:SHIFT", tsc_clock);
			return 1;
		}
		cd.id = "given";
		snprintf(cd.text, sizeof(cd.text), "given (--tsc-clock)");
	} else if (perf_clock(&c, &why) < 0 && calibrated_clock(&lm, &c, &cd) < 0) {
		say("cannot put the TSC on the kernel's clock: %s, and its log gives no TSC calibration", why);
		return 1;
	}
	t0 = kl_tsc_to_ns(&c, t.stamp[KL_TL_PURG_START]);
	for (i = 0; i < KL_ARRAY_SIZE(stamp_names); i++)
		if (t.stamped & (1U << i))
			v[n++] = (struct mark){ stamp_names[i], (double)(kl_tsc_to_ns(&c, t.stamp[i]) - t0) / 1e6 };
	/* the kernel's clock reads 0 here; its log is stamped from it */
	v[n++] = (struct mark){ "clock_zero", (double)-t0 / 1e6 };
	for (i = 0; i < KL_ARRAY_SIZE(log_marks); i++)
		if (lm.have[i])
			v[n++] = (struct mark){ log_marks[i].mark, ((double)lm.usec[i] * 1e3 - (double)t0) / 1e6 };
	print_marks(v, n, json, &cd, &t);
	return 0;
}
