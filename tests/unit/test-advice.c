/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The boot log's reader and the advice: two captured logs (Debian 12's
 * 6.1 and sid's 7.2 kernel in QEMU, tests/fixtures/dmesg), and for each
 * rule a log that triggers it and one that must not. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/timeline/advice.h"
#include "lib/timeline/bootlog.h"

#define LINES_MAX 600

struct tlog {
	struct kl_log_line line[LINES_MAX];
	struct kl_boot_log log;
	char *bytes; /* a fixture's */
};

static void put(struct tlog *t, int level, double ms, const char *text)
{
	assert_true(t->log.n < LINES_MAX);
	t->line[t->log.n++] = (struct kl_log_line){ .usec = (uint64_t)(ms * 1000), .level = level, .text = text,
						    .len = strlen(text) };
	t->log.line = t->line;
}

static void load_fixture(struct tlog *t, const char *name)
{
	char path[4096];
	size_t len = 0, off = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/fixtures/dmesg/%s", getenv("srcdir") ? getenv("srcdir") : ".", name);
	f = fopen(path, "r");
	assert_non_null(f);
	t->bytes = malloc(1 << 20);
	assert_non_null(t->bytes);
	len = fread(t->bytes, 1, 1 << 20, f);
	fclose(f);
	while (off < len) {
		char *nl = memchr(t->bytes + off, '\n', len - off);
		size_t end = nl ? (size_t)(nl - t->bytes) : len;

		assert_true(t->log.n < LINES_MAX);
		assert_int_equal(kl_kmsg_parse(t->bytes + off, end - off, &t->line[t->log.n]), 0);
		t->log.n++;
		off = end + 1;
	}
	t->log.line = t->line;
}

/* The advice of rule, or NULL. */
static const struct kl_advice *find(const struct kl_advice *v, size_t n, enum kl_advice_rule rule)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].rule == rule)
			return &v[i];
	return NULL;
}

/* The advice of rule, which must be there. */
static const struct kl_advice *need(const struct kl_advice *v, size_t n, enum kl_advice_rule rule)
{
	const struct kl_advice *a = find(v, n, rule);

	if (!a)
		fail_msg("no %s advice", kl_advice_rule_name(rule));
	return a ? a : v;
}

static size_t advise(const struct tlog *t, struct kl_advice *v)
{
	size_t n = 99;

	kl_advise(&t->log, v, KL_ADVICE_MAX, &n);
	assert_true(n <= KL_ADVICE_MAX);
	for (size_t i = 0; i < n; i++) {
		assert_true(v[i].n_evidence > 0); /* never advice without a line */
		assert_true(v[i].what[0] && v[i].change[0]);
		if (i)
			assert_true(v[i - 1].ms >= v[i].ms);
	}
	return n;
}

static bool evidence_has(const struct tlog *t, const struct kl_advice *a, const char *prefix)
{
	for (size_t k = 0; k < a->n_evidence; k++)
		if (kl_log_starts(&t->log.line[a->evidence[k]], prefix))
			return true;
	return false;
}

static void kmsg_records(void **state)
{
	static const char a[] = "6,412,5198635,-;Run /init as init process\n";
	static const char b[] = "12,1,0,c,more;no newline";
	struct kl_log_line l;

	(void)state;
	assert_int_equal(kl_kmsg_parse(a, strlen(a), &l), 0);
	assert_int_equal(l.usec, 5198635);
	assert_int_equal(l.level, 6);
	assert_int_equal(l.len, strlen("Run /init as init process"));
	assert_memory_equal(l.text, "Run /init as init process", l.len);
	assert_int_equal(kl_kmsg_parse(b, strlen(b), &l), 0);
	assert_int_equal(l.usec, 0);
	assert_int_equal(l.level, 4); /* facility 1 (user), level 4 */
	assert_memory_equal(l.text, "no newline", l.len);
	assert_int_equal(kl_kmsg_parse("6,412;x", 7, &l), -EBADMSG);
	assert_int_equal(kl_kmsg_parse("6,412,,-;x", 10, &l), -EBADMSG);
	assert_int_equal(kl_kmsg_parse("6,412,12a,-;x", 13, &l), -EBADMSG);
	assert_int_equal(kl_kmsg_parse("x,412,12,-;x", 12, &l), -EBADMSG);
	assert_int_equal(kl_kmsg_parse("6,4,99999999999999999999,-;x", 28, &l), -EBADMSG);
	assert_int_equal(kl_kmsg_parse("no semicolon", 12, &l), -EBADMSG);
}

static void debian12_log(void **state)
{
	struct tlog t = { 0 };
	struct kl_advice v[KL_ADVICE_MAX];
	long idx[KL_MARK_MAX];
	unsigned major = 0, minor = 0;
	char val[64];
	size_t n, m;

	(void)state;
	load_fixture(&t, "debian12-6.1-tcg.kmsg");
	kl_log_find_marks(&t.log, idx);
	for (m = 0; m < KL_MARK_MAX; m++)
		assert_true(idx[m] > 0);
	assert_int_equal(t.line[idx[KL_MARK_INIT]].usec, 2910624); /* "Run /init" */
	assert_int_equal(t.line[idx[KL_MARK_SMP]].usec, 899588);
	assert_int_equal(kl_log_kernel_version(&t.log, &major, &minor), 0);
	assert_int_equal(major * 100 + minor, 601);
	assert_int_equal(kl_log_cmdline_word(&t.log, "console", NULL, val, sizeof(val), NULL), 0);
	assert_string_equal(val, "ttyS0");
	assert_int_equal(kl_log_cmdline_word(&t.log, "earlycon", NULL, val, sizeof(val), NULL), 0);
	assert_string_equal(val, "uart8250,io,0x3f8,115200");
	assert_int_equal(kl_log_cmdline_word(&t.log, "quiet", NULL, val, sizeof(val), NULL), -ENOENT);
	n = advise(&t, v);
	/* console=ttyS0 without quiet: every line on the UART */
	assert_int_equal(v[0].rule, KL_ADV_CONSOLE);
	assert_non_null(strstr(v[0].what, "ttyS0 at 9600 baud printed 369 lines"));
	/* QEMU's UART does not pace: 18 s of wire time in a 2.9 s boot */
	assert_non_null(strstr(v[0].what, "this boot got there in 2911 ms, so this UART does not wait"));
	/* 6.1 brings CPUs up one by one: 113 ms here */
	assert_int_equal((int)(need(v, n, KL_ADV_SMP)->ms + 0.5), 113);
	/* no 1 GiB pages, and struct pages deferred: nothing to say */
	assert_null(find(v, n, KL_ADV_HUGETLB));
	assert_null(find(v, n, KL_ADV_STRUCT_PAGE));
	free(t.bytes);
}

static void sid_log(void **state)
{
	struct tlog t = { 0 };
	struct kl_advice v[KL_ADVICE_MAX];
	long idx[KL_MARK_MAX];
	unsigned major = 0, minor = 0;
	size_t n, m;

	(void)state;
	load_fixture(&t, "sid-7.2-tcg.kmsg");
	kl_log_find_marks(&t.log, idx);
	for (m = 0; m < KL_MARK_MAX; m++)
		assert_true(idx[m] > 0);
	/* 7.x prints "Memory:" after SMP bring-up */
	assert_true(idx[KL_MARK_SMP] < idx[KL_MARK_MEMORY]);
	assert_int_equal(kl_log_kernel_version(&t.log, &major, &minor), 0);
	assert_int_equal(major * 100 + minor, 702);
	n = advise(&t, v);
	assert_int_equal(v[0].rule, KL_ADV_CONSOLE);
	/* 7.2 brings CPUs up in parallel: no SMP advice */
	assert_null(find(v, n, KL_ADV_SMP));
	assert_null(find(v, n, KL_ADV_HUGETLB));
	free(t.bytes);
}

/* A boot of lines of 100 bytes, one each 2 ms from 1 s, then "Run /init". */
static void filler(struct tlog *t, const char *cmdline, int level, size_t lines)
{
	static const char line[] = "a line of the boot's log of exactly one hundred bytes, no more and no less,  "
				   "as a driver might print";
	size_t i;

	put(t, 5, 0, "Linux version 6.1.0-57-cloud-amd64 (debian-kernel@lists.debian.org)");
	put(t, 5, 0, cmdline);
	for (i = 0; i < lines; i++)
		put(t, level, 1000 + 2.0 * (double)i, line);
	put(t, 6, 1000 + 2.0 * (double)lines, "Run /init as init process");
}

static void console_rule(void **state)
{
	struct kl_advice v[KL_ADVICE_MAX];
	const struct kl_advice *a;
	size_t n;

	(void)state;
	{
		struct tlog t = { 0 };

		/* 200 lines of 117 console bytes at 115200 baud: 2.0 s */
		filler(&t, "Command line: console=tty0 console=ttyS0,115200n8", 6, 200);
		n = advise(&t, v);
		a = need(v, n, KL_ADV_CONSOLE);
		assert_true(a->ms > 2000 && a->ms < 2100);
		assert_non_null(strstr(a->what, "ttyS0 at 115200 baud printed 203 lines"));
		assert_non_null(strstr(a->change, "quiet"));
		assert_null(strstr(a->change, "faster"));
		assert_true(evidence_has(&t, a, "Command line: "));
	}
	{
		struct tlog t = { 0 };
		size_t i;

		/* a UART that paces: 100 lines of 117 bytes, 11 ms apart, at
		 * 115200 baud (10.2 ms each): no word of a virtual one */
		put(&t, 5, 0, "Command line: console=ttyS0,115200");
		for (i = 0; i < 100; i++)
			put(&t, 6, 11.0 * (double)i, "a line of the boot's log of exactly one hundred bytes, no more and "
						     "no less,  as a driver might print");
		put(&t, 6, 1100, "Run /init as init process");
		n = advise(&t, v);
		a = need(v, n, KL_ADV_CONSOLE);
		assert_true(a->ms > 1000 && a->ms < 1100);
		assert_null(strstr(a->what, "does not wait"));
	}
	{
		struct tlog t = { 0 };

		/* quiet: the console prints only errors and worse */
		filler(&t, "Command line: console=ttyS0,115200 quiet", 4, 200);
		n = advise(&t, v);
		assert_null(find(v, n, KL_ADV_CONSOLE));
	}
	{
		struct tlog t = { 0 };

		/* debug lines are not printed at the default level */
		filler(&t, "Command line: console=ttyS0,115200", 7, 200);
		n = advise(&t, v);
		assert_null(find(v, n, KL_ADV_CONSOLE));
	}
	{
		struct tlog t = { 0 };

		/* no serial console at all */
		filler(&t, "Command line: console=tty0", 6, 200);
		n = advise(&t, v);
		assert_null(find(v, n, KL_ADV_CONSOLE));
	}
	{
		struct tlog t = { 0 };

		/* quiet but 9600 baud, errors only: a faster console */
		filler(&t, "Command line: console=ttyS1 quiet", 3, 200);
		n = advise(&t, v);
		a = need(v, n, KL_ADV_CONSOLE);
		assert_non_null(strstr(a->change, "console=ttyS1,115200"));
		assert_null(strstr(a->change, "quiet"));
	}
}

static void smp_log(struct tlog *t, const char *version, const char *cmdline, double ms)
{
	put(t, 5, 0, version);
	put(t, 5, 0, cmdline);
	put(t, 6, 500, "smp: Bringing up secondary CPUs ...");
	put(t, 6, 500 + ms, "smp: Brought up 2 nodes, 64 CPUs");
	put(t, 6, 2000, "Run /init as init process");
}

static void smp_rule(void **state)
{
	struct kl_advice v[KL_ADVICE_MAX];
	const struct kl_advice *a;
	size_t n;

	(void)state;
	{
		struct tlog t = { 0 };

		smp_log(&t, "Linux version 6.1.0-57-cloud-amd64", "Command line: ro", 640);
		n = advise(&t, v);
		a = need(v, n, KL_ADV_SMP);
		assert_int_equal((int)a->ms, 640);
		assert_non_null(strstr(a->what, "64 CPUs"));
		assert_non_null(strstr(a->change, "6.5 or later"));
		assert_true(evidence_has(&t, a, "smp: Brought up "));
		assert_true(evidence_has(&t, a, "Linux version "));
	}
	{
		struct tlog t = { 0 };

		/* 6.5+ in parallel already */
		smp_log(&t, "Linux version 6.12.48+deb13-amd64", "Command line: ro", 640);
		n = advise(&t, v);
		assert_null(find(v, n, KL_ADV_SMP));
	}
	{
		struct tlog t = { 0 };

		/* 6.5+ told not to */
		smp_log(&t, "Linux version 6.12.48+deb13-amd64", "Command line: ro cpuhp.parallel=0", 640);
		n = advise(&t, v);
		a = need(v, n, KL_ADV_SMP);
		assert_non_null(strstr(a->change, "drop cpuhp.parallel=0"));
		assert_true(evidence_has(&t, a, "Command line: "));
	}
	{
		struct tlog t = { 0 };

		/* quick enough */
		smp_log(&t, "Linux version 6.1.0-57-cloud-amd64", "Command line: ro", 30);
		n = advise(&t, v);
		assert_null(find(v, n, KL_ADV_SMP));
	}
}

static void hugetlb_log(struct tlog *t, const char *version, const char *cmdline, const char *pages)
{
	put(t, 5, 0, version);
	put(t, 5, 0, cmdline);
	put(t, 6, 900, "smp: Brought up 1 node, 1 CPU");
	put(t, 6, 1500, pages);
	put(t, 6, 1500, "HugeTLB: 16380 KiB vmemmap can be freed for a 1.00 GiB page");
	put(t, 6, 2000, "Run /init as init process");
}

static void hugetlb_rule(void **state)
{
	struct kl_advice v[KL_ADVICE_MAX];
	const struct kl_advice *a;
	size_t n;

	(void)state;
	{
		struct tlog t = { 0 };

		hugetlb_log(&t, "Linux version 6.1.0-57-cloud-amd64", "Command line: hugepagesz=1G hugepages=64",
			    "HugeTLB: registered 1.00 GiB page size, pre-allocated 64 pages");
		n = advise(&t, v);
		a = need(v, n, KL_ADV_HUGETLB);
		assert_int_equal((int)a->ms, 600);
		assert_non_null(strstr(a->what, "64 boot-time 1 GiB pages"));
		assert_non_null(strstr(a->change, "6.15 or later"));
		assert_true(evidence_has(&t, a, "HugeTLB: registered 1.00 GiB"));
		assert_true(evidence_has(&t, a, "HugeTLB: 16380 KiB"));
	}
	{
		struct tlog t = { 0 };

		hugetlb_log(&t, "Linux version 6.16.3+deb14-amd64", "Command line: hugepagesz=1G hugepages=64",
			    "HugeTLB: registered 1.00 GiB page size, pre-allocated 64 pages");
		n = advise(&t, v);
		a = need(v, n, KL_ADV_HUGETLB);
		assert_non_null(strstr(a->change, "add hugetlb_free_vmemmap=on"));
	}
	{
		struct tlog t = { 0 };

		/* on already */
		hugetlb_log(&t, "Linux version 6.16.3+deb14-amd64",
			    "Command line: hugepagesz=1G hugepages=64 hugetlb_free_vmemmap=on",
			    "HugeTLB: registered 1.00 GiB page size, pre-allocated 64 pages");
		n = advise(&t, v);
		assert_null(find(v, n, KL_ADV_HUGETLB));
	}
	{
		struct tlog t = { 0 };

		/* no boot-time pages */
		hugetlb_log(&t, "Linux version 6.16.3+deb14-amd64", "Command line: ro",
			    "HugeTLB: registered 1.00 GiB page size, pre-allocated 0 pages");
		n = advise(&t, v);
		assert_null(find(v, n, KL_ADV_HUGETLB));
	}
}

static void struct_page_rule(void **state)
{
	struct kl_advice v[KL_ADVICE_MAX];
	const struct kl_advice *a;
	size_t n;

	(void)state;
	{
		struct tlog t = { 0 };

		put(&t, 5, 0, "Linux version 6.1.0-57-cloud-amd64");
		put(&t, 6, 850, "Memory: 65432100K/67108864K available (14343K kernel code)");
		put(&t, 6, 2000, "Run /init as init process");
		n = advise(&t, v);
		a = need(v, n, KL_ADV_STRUCT_PAGE);
		assert_int_equal((int)a->ms, 850);
		assert_non_null(strstr(a->change, "CONFIG_DEFERRED_STRUCT_PAGE_INIT"));
		assert_true(evidence_has(&t, a, "Memory: "));
	}
	{
		struct tlog t = { 0 };

		/* deferred already */
		put(&t, 5, 0, "Linux version 6.1.0-57-cloud-amd64");
		put(&t, 6, 850, "Memory: 65432100K/67108864K available (14343K kernel code)");
		put(&t, 6, 1200, "node 0 deferred pages initialised in 312ms");
		put(&t, 6, 2000, "Run /init as init process");
		n = advise(&t, v);
		assert_null(find(v, n, KL_ADV_STRUCT_PAGE));
	}
	{
		struct tlog t = { 0 };

		/* 2 GiB: not worth it */
		put(&t, 5, 0, "Linux version 6.1.0-57-cloud-amd64");
		put(&t, 6, 850, "Memory: 1992760K/2096632K available (14343K kernel code)");
		put(&t, 6, 2000, "Run /init as init process");
		n = advise(&t, v);
		assert_null(find(v, n, KL_ADV_STRUCT_PAGE));
	}
}

static void initcall_rules(void **state)
{
	struct kl_advice v[KL_ADVICE_MAX];
	const struct kl_advice *a;
	size_t n;

	(void)state;
	{
		struct tlog t = { 0 };

		/* initcall_debug: the slowest by name */
		put(&t, 5, 0, "Command line: ro initcall_debug");
		put(&t, 6, 900, "smp: Brought up 1 node, 1 CPU");
		put(&t, 7, 1000, "initcall quick_init+0x0/0x40 returned 0 after 120 usecs");
		put(&t, 7, 1400, "initcall ahci_pci_driver_init+0x0/0x30 [ahci] returned 0 after 380000 usecs");
		put(&t, 7, 1450, "probe of 0000:00:1f.2 returned 0 after 45000 usecs");
		put(&t, 6, 2000, "Run /init as init process");
		n = advise(&t, v);
		a = need(v, n, KL_ADV_INITCALL);
		assert_int_equal((int)a->ms, 380);
		assert_string_equal(a->what, "initcall ahci_pci_driver_init+0x0/0x30 took 380 ms");
		assert_true(evidence_has(&t, a, "initcall ahci_pci_driver_init"));
		/* the probe too, second; the quick one not at all */
		assert_int_equal(a[1].rule, KL_ADV_INITCALL);
		assert_string_equal(a[1].what, "probe of 0000:00:1f.2 took 45 ms");
		assert_true(n == 2);
		/* with initcall_debug, no "boot with initcall_debug" */
		assert_null(find(v, n, KL_ADV_SILENCE));
	}
	{
		struct tlog t = { 0 };

		/* without it: the silence, and how to name it */
		put(&t, 5, 0, "Command line: ro");
		put(&t, 6, 900, "smp: Brought up 1 node, 1 CPU");
		put(&t, 6, 960, "ahci 0000:00:1f.2: AHCI 0001.0301 32 slots 6 ports 6 Gbps");
		put(&t, 6, 1660, "ata1: SATA link down");
		put(&t, 6, 1710, "Run /init as init process");
		n = advise(&t, v);
		a = need(v, n, KL_ADV_SILENCE);
		assert_int_equal((int)a->ms, 700);
		assert_non_null(strstr(a->change, "initcall_debug"));
		assert_true(evidence_has(&t, a, "ahci 0000:00:1f.2"));
		assert_null(find(v, n, KL_ADV_INITCALL));
	}
	{
		struct tlog t = { 0 };

		/* no stretch worth it: nothing at all */
		put(&t, 5, 0, "Command line: ro");
		put(&t, 6, 900, "smp: Brought up 1 node, 1 CPU");
		put(&t, 6, 960, "ahci 0000:00:1f.2: AHCI 0001.0301 32 slots 6 ports 6 Gbps");
		put(&t, 6, 1010, "Run /init as init process");
		n = advise(&t, v);
		assert_int_equal(n, 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(kmsg_records),	   cmocka_unit_test(debian12_log),   cmocka_unit_test(sid_log),
		cmocka_unit_test(console_rule),	   cmocka_unit_test(smp_rule),	     cmocka_unit_test(hugetlb_rule),
		cmocka_unit_test(struct_page_rule), cmocka_unit_test(initcall_rules),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
