/* SPDX-License-Identifier: GPL-2.0-or-later */
#define _GNU_SOURCE /* memmem */
/*
 * Each rule reads the log for one known cost of a boot, decides from the
 * lines it finds whether there is a change for this kernel, and gives the
 * lines it decided on.  Thresholds are named: below them the time is not
 * worth a change to the command line.
 */
#include "config.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/util.h"
#include "lib/timeline/advice.h"

/* below these, a phase is not worth advice */
#define CONSOLE_MIN_MS 100.0
#define SMP_MIN_MS 50.0
#define HUGETLB_MIN_MS 20.0
#define STRUCT_PAGE_MIN_MS 100.0
#define STRUCT_PAGE_MIN_KIB (4ULL << 20) /* 4 GiB of RAM */
#define INITCALL_MIN_MS 20.0
#define SILENCE_MIN_MS 100.0

/* what the console prints of a line besides its text: "[%5lu.%06lu] "
 * and "\r\n" */
#define CONSOLE_LINE_EXTRA 17
/* a UART sends a start bit, 8 data bits and a stop bit a byte */
#define UART_BITS_PER_BYTE 10

static const char *const rule_names[KL_ADV_MAX] = {
	[KL_ADV_CONSOLE] = "serial_console", [KL_ADV_SMP] = "smp_bringup",
	[KL_ADV_HUGETLB] = "hugetlb_vmemmap", [KL_ADV_STRUCT_PAGE] = "struct_page_init",
	[KL_ADV_INITCALL] = "slow_initcall", [KL_ADV_SILENCE] = "silent_stretch",
};

const char *kl_advice_rule_name(enum kl_advice_rule rule)
{
	return rule < KL_ADV_MAX ? rule_names[rule] : "unknown";
}

struct advisor {
	const struct kl_boot_log *log;
	long mark[KL_MARK_MAX];
	struct kl_advice out[KL_ADVICE_MAX];
	size_t n;
};

static double ms_at(const struct advisor *a, long i)
{
	return (double)a->log->line[i].usec / 1000.0;
}

/* A new piece of advice, or NULL when the list is full. */
static struct kl_advice *add(struct advisor *a, enum kl_advice_rule rule, double ms)
{
	struct kl_advice *v;

	if (a->n == KL_ADVICE_MAX)
		return NULL;
	v = &a->out[a->n++];
	*v = (struct kl_advice){ .rule = rule, .ms = ms };
	return v;
}

static void cite(struct kl_advice *v, long idx)
{
	if (idx >= 0 && v->n_evidence < KL_ADVICE_EVIDENCE_MAX)
		v->evidence[v->n_evidence++] = idx;
}

/* The decimal number right after the first "before" in the line, when
 * "after" follows it. */
static bool number_in(const struct kl_log_line *l, const char *before, const char *after, uint64_t *ret)
{
	const char *p = memmem(l->text, l->len, before, strlen(before)), *end = l->text + l->len;
	uint64_t v = 0;
	int digits = 0;

	if (!p)
		return false;
	for (p += strlen(before); p < end && *p >= '0' && *p <= '9' && digits < 18; p++, digits++)
		v = v * 10 + (uint64_t)(*p - '0');
	if (!digits || (size_t)(end - p) < strlen(after) || memcmp(p, after, strlen(after)) != 0)
		return false;
	*ret = v;
	return true;
}

static bool contains(const struct kl_log_line *l, const char *s)
{
	return memmem(l->text, l->len, s, strlen(s)) != NULL;
}

/* The word is there and says on (1, y, on), or off (0, n, off). */
static bool word_is(const struct kl_boot_log *log, const char *name, bool on, char *val, size_t size, long *ret_idx)
{
	static const char *const ons[] = { "1", "y", "Y", "on" }, *const offs[] = { "0", "n", "N", "off" };
	const char *const *set = on ? ons : offs;
	size_t i;

	if (kl_log_cmdline_word(log, name, NULL, val, size, ret_idx) < 0)
		return false;
	for (i = 0; i < 4; i++)
		if (!strcmp(val, set[i]))
			return true;
	return false;
}

/* The last line of the boot: "Run /init", or the log's end. */
static long boot_end(const struct advisor *a)
{
	return a->mark[KL_MARK_INIT] >= 0 ? a->mark[KL_MARK_INIT] : (long)a->log->n - 1;
}

/* The speed of a console= or earlycon= value ("ttyS0,115200n8",
 * "uart8250,io,0x3f8,115200"): the number after its last comma, else
 * the kernel's default for a serial console, 9600. */
static unsigned long value_baud(const char *val)
{
	const char *comma = strrchr(val, ',');
	unsigned long baud = 0;

	if (comma && comma[1] >= '1' && comma[1] <= '9')
		baud = strtoul(comma + 1, NULL, 10);
	return baud ? baud : 9600;
}

/* A serial console prints every line below the console log level (7 by
 * default, 4 with quiet: errors and worse); on real hardware the kernel waits for the
 * UART, 10 bits a byte.  An earlycon prints the lines before the console
 * takes over, at its own speed. */
static void rule_console(struct advisor *a)
{
	char dev[24], val[64], unpaced[140], *comma;
	unsigned long baud, early_baud;
	long cl, on, i, end = boot_end(a);
	int level = 7;
	uint64_t bytes = 0, lines = 0;
	struct kl_advice *v;
	double ms = 0, span;

	if (kl_log_cmdline_word(a->log, "console", "ttyS", dev, sizeof(dev), &cl) < 0)
		return;
	baud = value_baud(dev);
	comma = strchr(dev, ',');
	if (comma)
		*comma = 0;
	early_baud = kl_log_cmdline_word(a->log, "earlycon", NULL, val, sizeof(val), NULL) == 0 ? value_baud(val)
												  : baud;
	on = kl_log_find(a->log, 0, "printk: console [ttyS");
	if (on < 0)
		on = kl_log_find(a->log, 0, "printk: legacy console [ttyS");
	if (kl_log_cmdline_word(a->log, "quiet", NULL, val, sizeof(val), NULL) == 0)
		level = 4;
	if (kl_log_cmdline_word(a->log, "loglevel", NULL, val, sizeof(val), NULL) == 0 && val[0] >= '0' &&
	    val[0] <= '9' && !val[1])
		level = val[0] - '0';
	if (kl_log_cmdline_word(a->log, "ignore_loglevel", NULL, val, sizeof(val), NULL) == 0)
		level = 8;
	for (i = 0; i <= end; i++)
		if (a->log->line[i].level < level) {
			uint64_t b = a->log->line[i].len + CONSOLE_LINE_EXTRA;

			bytes += b;
			lines++;
			ms += (double)b * UART_BITS_PER_BYTE * 1000.0 / (double)(on >= 0 && i < on ? early_baud : baud);
		}
	if (ms < CONSOLE_MIN_MS || (level <= 4 && baud >= 115200))
		return; /* not worth it, or nothing to change */
	v = add(a, KL_ADV_CONSOLE, ms);
	if (!v)
		return;
	/* A virtual UART does not wait for the wire: a boot that reached
	 * its end sooner than the estimate shows that, and says so. */
	span = (double)a->log->line[end].usec / 1000.0;
	unpaced[0] = 0;
	if (ms > span)
		snprintf(unpaced, sizeof(unpaced),
			 "; this boot got there in %.0f ms, so this UART does not wait for the wire (a virtual "
			 "one?): the time is spent on real hardware",
			 span);
	snprintf(v->what, sizeof(v->what),
		 "the serial console %s at %lu baud printed %" PRIu64 " lines (%.1f KiB) up to \"Run /init\": "
		 "about %.0f ms of a UART's time, %d bits a byte%s",
		 dev, baud, lines, (double)bytes / 1024, ms, UART_BITS_PER_BYTE, unpaced);
	snprintf(v->change, sizeof(v->change), "%s%s%s%s%s",
		 level > 4 ? "add quiet (or loglevel=4) to the command line: the console then prints errors and "
			     "worse, the log keeps every line"
			   : "",
		 level > 4 && baud < 115200 ? "; and " : "", baud < 115200 ? "a faster console, console=" : "",
		 baud < 115200 ? dev : "", baud < 115200 ? ",115200" : "");
	cite(v, cl);
	cite(v, on);
}

/* CPUs brought up one after another: parallel bring-up came to x86_64
 * in 6.5 (cpuhp.parallel, on by default there). */
static void rule_smp(struct advisor *a)
{
	long from = kl_log_find(a->log, 0, "smp: Bringing up secondary CPUs"), to = a->mark[KL_MARK_SMP], cl = -1;
	unsigned major, minor;
	uint64_t cpus = 0;
	struct kl_advice *v;
	char val[16];
	double ms;
	bool old;

	if (from < 0 || to < from || !number_in(&a->log->line[to], ", ", " CPU", &cpus) || cpus < 2)
		return;
	ms = ms_at(a, to) - ms_at(a, from);
	if (ms < SMP_MIN_MS || kl_log_kernel_version(a->log, &major, &minor) < 0)
		return;
	old = major < 6 || (major == 6 && minor < 5);
	if (!old && !word_is(a->log, "cpuhp.parallel", /* on= */ false, val, sizeof(val), &cl))
		return; /* parallel already, as far as the log tells */
	v = add(a, KL_ADV_SMP, ms);
	if (!v)
		return;
	snprintf(v->what, sizeof(v->what), "bringing up %" PRIu64 " CPUs took %.0f ms, one CPU after another",
		 cpus, ms);
	if (old)
		snprintf(v->change, sizeof(v->change),
			 "a kernel of 6.5 or later brings the secondary CPUs up in parallel on x86_64 "
			 "(cpuhp.parallel, on by default); this one is %u.%u",
			 major, minor);
	else
		snprintf(v->change, sizeof(v->change),
			 "drop cpuhp.parallel=%s from the command line: this kernel brings CPUs up in parallel", val);
	cite(v, kl_log_find(a->log, 0, "Linux version "));
	cite(v, cl);
	cite(v, from);
	cite(v, to);
}

/* Boot-time 1 GiB pages: their struct pages are set up as the huge
 * pages are gathered (the time before the "registered" line); from 6.15
 * the vmemmap optimisation applies to them before that set-up, which
 * skips most of it. */
static void rule_hugetlb(struct advisor *a)
{
	long reg = kl_log_find(a->log, 0, "HugeTLB: registered 1.00 GiB page size, pre-allocated "), freed = -1, i;
	uint64_t pages = 0, kib = 0;
	unsigned major, minor;
	struct kl_advice *v;
	char val[16];
	double ms;

	if (reg <= 0 || !number_in(&a->log->line[reg], "pre-allocated ", " page", &pages) || !pages)
		return;
	if (word_is(a->log, "hugetlb_free_vmemmap", /* on= */ true, val, sizeof(val), NULL))
		return; /* on already */
	for (i = reg; i < (long)a->log->n && freed < 0; i++)
		if (kl_log_starts(&a->log->line[i], "HugeTLB: ") &&
		    contains(&a->log->line[i], " KiB vmemmap can be freed for a 1.00 GiB page"))
			freed = i;
	if (freed < 0 || !number_in(&a->log->line[freed], "HugeTLB: ", " KiB", &kib))
		return; /* this kernel cannot */
	ms = ms_at(a, reg) - ms_at(a, reg - 1);
	if (ms < HUGETLB_MIN_MS || kl_log_kernel_version(a->log, &major, &minor) < 0)
		return;
	v = add(a, KL_ADV_HUGETLB, ms);
	if (!v)
		return;
	snprintf(v->what, sizeof(v->what),
		 "gathering %" PRIu64 " boot-time 1 GiB pages took %.0f ms (the silence before their line)", pages, ms);
	if (major > 6 || (major == 6 && minor >= 15))
		snprintf(v->change, sizeof(v->change),
			 "add hugetlb_free_vmemmap=on: this kernel then frees %" PRIu64
			 " KiB of struct pages a 1 GiB page before setting them up, and skips setting those up",
			 kib);
	else
		snprintf(v->change, sizeof(v->change),
			 "a kernel of 6.15 or later with hugetlb_free_vmemmap=on skips setting up most of their struct "
			 "pages (%" PRIu64 " KiB a page, as this one says); this one is %u.%u",
			 kib, major, minor);
	cite(v, reg - 1);
	cite(v, reg);
	cite(v, freed);
}

/* No "deferred pages initialised" line: every struct page was set up
 * before the page allocator took over, on one CPU. */
static void rule_struct_page(struct advisor *a)
{
	long mem = a->mark[KL_MARK_MEMORY], i;
	uint64_t kib = 0;
	struct kl_advice *v;
	double ms;

	for (i = 0; i < (long)a->log->n; i++)
		if (kl_log_starts(&a->log->line[i], "node ") &&
		    contains(&a->log->line[i], " deferred pages initialised in "))
			return; /* deferred: set up by a thread a node */
	if (mem < 0)
		return;
	if (!number_in(&a->log->line[mem], "/", "K available", &kib) || kib < STRUCT_PAGE_MIN_KIB)
		return;
	ms = ms_at(a, mem);
	if (ms < STRUCT_PAGE_MIN_MS)
		return;
	v = add(a, KL_ADV_STRUCT_PAGE, ms);
	if (!v)
		return;
	snprintf(v->what, sizeof(v->what),
		 "%.0f ms from the kernel's clock zero to \"Memory:\" for %.1f GiB, every struct page set up on one "
		 "CPU (no \"deferred pages initialised\" line)",
		 ms, (double)kib / (1 << 20));
	snprintf(v->change, sizeof(v->change),
		 "a kernel built with CONFIG_DEFERRED_STRUCT_PAGE_INIT=y sets up most struct pages later, "
		 "a thread a node, beside the rest of the boot");
	cite(v, mem);
}

struct stretch {
	double ms;
	long idx; /* the line after which the log went quiet */
};

/* Keep the k largest of v[] first, by ms. */
static void keep_largest(struct stretch *top, size_t k, struct stretch s)
{
	size_t i, j;

	for (i = 0; i < k && top[i].ms >= s.ms; i++)
		;
	if (i == k)
		return;
	for (j = k - 1; j > i; j--)
		top[j] = top[j - 1];
	top[i] = s;
}

/* With initcall_debug: the slowest initcalls and probes, by their own
 * "... returned R after N usecs" lines. */
static void rule_initcalls(struct advisor *a)
{
	struct stretch top[3] = { { 0, -1 }, { 0, -1 }, { 0, -1 } };
	long i, end = boot_end(a);
	size_t k;

	for (i = 0; i <= end; i++) {
		const struct kl_log_line *l = &a->log->line[i];
		uint64_t us;

		if ((kl_log_starts(l, "initcall ") || kl_log_starts(l, "probe of ")) &&
		    number_in(l, " after ", " usecs", &us))
			keep_largest(top, KL_ARRAY_SIZE(top), (struct stretch){ (double)us / 1000.0, i });
	}
	for (k = 0; k < KL_ARRAY_SIZE(top) && top[k].idx >= 0 && top[k].ms >= INITCALL_MIN_MS; k++) {
		const struct kl_log_line *l = &a->log->line[top[k].idx];
		const char *sp = memchr(l->text + 9, ' ', l->len - 9); /* after "initcall " / "probe of " */
		int name_len = sp ? (int)(sp - l->text) : (int)KL_MIN(l->len, 120);
		struct kl_advice *v = add(a, KL_ADV_INITCALL, top[k].ms);

		if (!v)
			return;
		snprintf(v->what, sizeof(v->what), "%.*s took %.0f ms", name_len, l->text, top[k].ms);
		snprintf(v->change, sizeof(v->change),
			 "see what it waits for; a driver this machine does not need can stay out "
			 "(initcall_blacklist= for a built-in one, modprobe's blacklist for a module)");
		cite(v, top[k].idx);
	}
}

/* Without initcall_debug: the longest silences of the log between SMP
 * bring-up and "Run /init", where initcalls and device probes run. */
static void rule_silence(struct advisor *a)
{
	struct stretch top[3] = { { 0, -1 }, { 0, -1 }, { 0, -1 } };
	long i, from = a->mark[KL_MARK_SMP], end = boot_end(a);
	struct kl_advice *v;
	double total = 0;
	size_t k;

	if (from < 0)
		return;
	for (i = from; i < end; i++)
		keep_largest(top, KL_ARRAY_SIZE(top), (struct stretch){ ms_at(a, i + 1) - ms_at(a, i), i });
	for (k = 0; k < KL_ARRAY_SIZE(top) && top[k].idx >= 0 && top[k].ms >= SILENCE_MIN_MS; k++)
		total += top[k].ms;
	if (!k)
		return;
	v = add(a, KL_ADV_SILENCE, total);
	if (!v)
		return;
	snprintf(v->what, sizeof(v->what),
		 "the log is silent for %.0f ms in %zu stretch%s between SMP bring-up and \"Run /init\" (the largest "
		 "%.0f ms), where initcalls and device probes run",
		 total, k, k == 1 ? "" : "es", top[0].ms);
	snprintf(v->change, sizeof(v->change),
		 "boot once with initcall_debug on the command line: the log then names every initcall and probe "
		 "with its time, and this advice the slowest of them");
	for (size_t j = 0; j < k; j++)
		cite(v, top[j].idx);
}

static int by_index(const void *x, const void *y)
{
	long p = *(const long *)x, q = *(const long *)y;

	return p < q ? -1 : p > q;
}

static int by_ms_desc(const void *x, const void *y)
{
	const struct kl_advice *p = x, *q = y;

	return p->ms < q->ms ? 1 : p->ms > q->ms ? -1 : (int)p->rule - (int)q->rule;
}

void kl_advise(const struct kl_boot_log *log, struct kl_advice *ret, size_t max, size_t *ret_n)
{
	struct advisor a = { .log = log };
	char val[4];
	size_t i;

	kl_log_find_marks(log, a.mark);
	rule_console(&a);
	rule_smp(&a);
	rule_hugetlb(&a);
	rule_struct_page(&a);
	if (kl_log_cmdline_word(log, "initcall_debug", NULL, val, sizeof(val), NULL) == 0)
		rule_initcalls(&a);
	else
		rule_silence(&a);
	for (i = 0; i < a.n; i++)
		qsort(a.out[i].evidence, a.out[i].n_evidence, sizeof(long), by_index);
	qsort(a.out, a.n, sizeof(a.out[0]), by_ms_desc);
	memcpy(ret, a.out, KL_MIN(a.n, max) * sizeof(a.out[0]));
	*ret_n = KL_MIN(a.n, max);
}
