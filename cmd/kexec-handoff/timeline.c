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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd/kexec-handoff/timeline.h"
#include "lib/base/json.h"
#include "lib/base/log.h"
#include "lib/base/util.h"
#include "lib/handoff/handoff-io.h"
#include "lib/timeline/advice.h"
#include "lib/timeline/collect.h"
#include "lib/timeline/history.h"

#define say(...) kl_msg("kexec-handoff", __VA_ARGS__)

/* The purgatory's checks: the name --json gives, the one people read.
 * (The decoder refuses unknown ones.) */
static const struct {
	const char *id, *name;
} checks[KL_TL_CHECK_MAX] = {
	[KL_TL_CHECK_NONE] = { "none", "none" },
	[KL_TL_CHECK_SHA256] = { "sha256", "SHA-256" },
	[KL_TL_CHECK_CRC32C] = { "crc32c", "CRC-32C" },
	[KL_TL_CHECK_XXH64] = { "xxh64", "XXH64" },
};

static const struct {
	const char *label, *colour;
} sources[KL_TL_SRC_MAX] = {
	[KL_TL_SRC_OLD_KERNEL] = { "old kernel (kexec -e)", "#8c8c8c" },
	[KL_TL_SRC_PURGATORY] = { "purgatory (TSC)", "#d9822b" },
	[KL_TL_SRC_KERNEL] = { "new kernel (its log)", "#3b7dd8" },
	[KL_TL_SRC_USER] = { "userland (systemd, --mark)", "#3f9e4d" },
};

/* The marks as --json has them: a "marks" object. */
static void json_marks(const struct kl_tl_marks *m)
{
	size_t i;

	printf("\"marks\": {");
	for (i = 0; i < m->n; i++) {
		fputs(i ? ", " : "", stdout);
		kl_json_str(m->v[i].name, stdout);
		printf(": %.3f", m->v[i].ms);
	}
	printf("}");
}

/* boot: --boot's, from the kernel's clock zero, with no purgatory. */
static void print_marks(const struct kl_tl_update *u, bool json, bool boot)
{
	const struct kl_tl_marks *m = &u->marks;
	size_t i;

	if (json) {
		printf("{\"clock\": \"%s\", ", u->clock_id);
		if (!boot)
			printf("\"check\": \"%s\", \"checked_bytes\": %" PRIu64 ", ", checks[u->t.check].id,
			       u->t.checked_bytes);
		json_marks(m);
		printf("}\n");
		return;
	}
	if (boot)
		printf("this boot, from its clock's zero (no purgatory record; clock for the TSC: %s)\n",
		       u->clock_text);
	else
		printf("update timeline (clock: %s)\n", u->clock_text);
	printf("  %-20s %12s %12s\n", "mark", "at (ms)", "step (ms)");
	for (i = 0; i < m->n; i++) {
		printf("  %-20s %12.3f %12.3f", m->v[i].name, m->v[i].ms, i ? m->v[i].ms - m->v[i - 1].ms : 0.0);
		if (!strcmp(m->v[i].name, "purgatory_checked"))
			printf("   %s of %.1f MiB", checks[u->t.check].name, (double)u->t.checked_bytes / (1 << 20));
		printf("\n");
	}
}

/* The steps as a chart: a bar for each, from the mark before it to its
 * own, on one time axis. */
static int write_svg(const char *path, const struct kl_tl_marks *m)
{
	const double label_w = 190, chart_w = 620, row_h = 22, top = 34, legend_w = 180;
	/* the axis starts at the first mark: the exec's, when it was
	 * stamped (before the purgatory's start, its 0), else 0 */
	double origin = m->n && m->v[0].ms < 0 ? m->v[0].ms : 0;
	double total = m->n ? m->v[m->n - 1].ms - origin : 0, scale, tick;
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
	fprintf(f, "<text x=\"4\" y=\"16\" font-weight=\"bold\">update timeline: %.1f ms, %s to %s</text>\n", total,
		m->n ? m->v[0].name : "", m->n ? m->v[m->n - 1].name : "");
	for (i = 0; total > 0 && (double)i * tick <= total; i++)
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" stroke=\"#ddd\"/>"
			"<text x=\"%.1f\" y=\"%.0f\" fill=\"#666\" text-anchor=\"middle\">%.0f ms</text>\n",
			label_w + (double)i * tick * scale, top - 6, label_w + (double)i * tick * scale,
			top + row_h * (double)m->n, label_w + (double)i * tick * scale, top + row_h * (double)m->n + 16,
			(double)i * tick);
	for (i = 0; i < m->n; i++) {
		double from = i ? m->v[i - 1].ms : origin, step = m->v[i].ms - from, y = top + row_h * (double)i;
		/* a bar is the time of whoever set the mark that ends it, but
		 * the step after the exec is the old kernel's (its shutdown
		 * and page copy), though the purgatory marks its end */
		enum kl_tl_source src = i && m->v[i - 1].src == KL_TL_SRC_OLD_KERNEL ? KL_TL_SRC_OLD_KERNEL : m->v[i].src;

		fprintf(f, "<text x=\"4\" y=\"%.0f\">", y + 15);
		/* names are letters, digits and " _.:-": nothing to escape */
		fprintf(f, "%s</text>\n", m->v[i].name);
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.0f\" width=\"%.1f\" height=\"%.0f\" fill=\"%s\"/>"
			"<text x=\"%.1f\" y=\"%.0f\">%.1f</text>\n",
			label_w + (from - origin) * scale, y + 3, KL_MAX(step * scale, 1.0), row_h - 6,
			sources[src].colour, label_w + (m->v[i].ms - origin) * scale + 4, y + 15, step);
	}
	for (i = 0; i < KL_TL_SRC_MAX; i++)
		fprintf(f,
			"<rect x=\"%.0f\" y=\"%.0f\" width=\"10\" height=\"10\" fill=\"%s\"/>"
			"<text x=\"%.0f\" y=\"%.0f\">%s</text>\n",
			label_w - 180 + legend_w * (double)i, top + row_h * (double)m->n + 30, sources[i].colour,
			label_w - 180 + legend_w * (double)i + 14, top + row_h * (double)m->n + 39, sources[i].label);
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
	struct kl_err err = { { 0 } };

	int r = kl_tl_mark(root, name, &err);

	if (r < 0) {
		say("%s%s", r == -EINVAL ? "--" : "", err.msg);
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

/* A mark of an entry in ms since its purgatory started (the exec's
 * before it). */
static double entry_ms(const struct kl_tlh_entry *e, enum kl_tlh_mark k)
{
	return (k == KL_TLH_EXEC ? -1.0 : 1.0) * e->usec[k] / 1000.0;
}

static void print_cell(double ms, bool present)
{
	if (!present)
		printf(" %10s", "-");
	else
		printf(" %10.1f", ms);
}

/* --all: the chain's updates, the oldest first, this kernel's last. */
static void print_all(const struct kl_tlh_entry *v, size_t n, bool json)
{
	static const struct {
		enum kl_tlh_mark mark;
		const char *head;
	} cols[] = {
		{ KL_TLH_EXEC, "exec" },	    { KL_TLH_PURG_CHECKED, "checked" }, { KL_TLH_KERNEL_ENTRY, "entry" },
		{ KL_TLH_CLOCK_ZERO, "clock_zero" }, { KL_TLH_RUN_INIT, "run_init" },
		{ KL_TLH_MULTI_USER_REACHED, "multi_user" },
	};
	struct kl_tl_marks m;
	size_t i, k;

	if (json) {
		printf("{\"updates\": [");
		for (i = 0; i < n; i++) {
			kl_tlh_entry_marks(&v[i], &m);
			printf("%s{\"release\": ", i ? ", " : "");
			kl_json_str(v[i].release, stdout);
			printf(", \"check\": \"%s\", \"checked_bytes\": %" PRIu64 ", ", checks[v[i].check].id,
			       v[i].checked_bytes);
			json_marks(&m);
			printf("}");
		}
		printf("]}\n");
		return;
	}
	printf("update timelines of this chain, the oldest first (ms since each purgatory started)\n");
	printf("  %3s %-30s %-8s %7s", "#", "kernel", "check", "MiB");
	for (k = 0; k < KL_ARRAY_SIZE(cols); k++)
		printf(" %10s", cols[k].head);
	printf("\n");
	for (i = 0; i < n; i++) {
		printf("  %3zu %-30s %-8s %7.1f", i + 1, v[i].release, checks[v[i].check].name,
		       (double)v[i].checked_bytes / (1 << 20));
		for (k = 0; k < KL_ARRAY_SIZE(cols); k++)
			print_cell(entry_ms(&v[i], cols[k].mark), v[i].present & 1U << cols[k].mark);
		printf("%s\n", i + 1 == n ? "   (this boot)" : "");
	}
}

/* The chain's earlier updates, from the handoff table: none when this
 * kernel got none; a damaged list is said and left out, never shown. */
static size_t earlier_updates(const char *root, struct kl_tlh_entry v[KL_TLH_ENTRIES_MAX])
{
	_cleanup_free_ void *tbuf = NULL;
	struct kl_handoff t = { 0 };
	struct kl_err err = { { 0 } };
	size_t n = 0;
	int r = kl_ho_table_read(root, &t, &tbuf, &err);

	if (r == 0)
		r = kl_tl_history_read(root, &t, v, &n, &err);
	else if (r != -ENOENT)
		say("the handoff table is not usable: %s; no earlier updates shown", err.msg);
	if (r < 0 && r != -ENOENT && t.n)
		say("%s; left out, only this boot's update shown", err.msg);
	kl_handoff_free(&t);
	return r < 0 ? 0 : n;
}

static void say_bad_marks(const char *root, const struct kl_tl_update *u)
{
	size_t i;

	if (u->marks_file_error[0])
		say("%s", u->marks_file_error);
	if (u->exec_stamp_error[0])
		say("%s; the timeline starts at the purgatory", u->exec_stamp_error);
	for (i = 0; i < u->n_bad_mark_lines; i++)
		say("%s%s line %zu is not a mark (TSC NAME), left out", root, KL_TL_USER_MARKS_FILE,
		    u->bad_mark_line[i]);
}

int kl_cmd_timeline(const char *root, const struct kl_timeline_opts *o)
{
	struct kl_tlh_entry v[KL_TLH_ENTRIES_MAX], e;
	struct kl_err err = { { 0 } };
	struct kl_tsc_clock given = { 0 };
	struct kl_tl_update u;
	struct kl_tl_log lg = { 0 };
	char release[KL_TLH_RELEASE_MAX];
	size_t n;
	int r;

	if (o->mark)
		return set_mark(root, o->mark);
	if (o->tsc_clock && kl_tsc_clock_parse(o->tsc_clock, &given) < 0) {
		say("--tsc-clock=%s: want ZERO:MULT:SHIFT", o->tsc_clock);
		return 1;
	}
	r = kl_tl_log_read(root, &lg);
	if (r < 0) {
		say("the kernel's log: %s", strerror(-r));
		kl_tl_log_free(&lg);
		return 1;
	}
	if (o->advise) {
		r = advise(&lg.view, o->json);
		kl_tl_log_free(&lg);
		return r;
	}
	if (o->boot)
		r = kl_tl_collect_boot(root, o->tsc_clock ? &given : NULL, &lg, &u);
	else
		r = kl_tl_collect(root, o->tsc_clock ? &given : NULL, &lg, &u, &err);
	kl_tl_log_free(&lg);
	if (r < 0) {
		say("%s", err.msg);
		return r == -ENOENT ? 2 : 1;
	}
	say_bad_marks(root, &u);
	if (!o->all) {
		print_marks(&u, o->json, o->boot);
		return o->svg ? write_svg(o->svg, &u.marks) : 0;
	}
	n = earlier_updates(root, v);
	if (kl_tl_release(root, release, &err) < 0) {
		say("%s", err.msg);
		return 1;
	}
	if (kl_tlh_entry_make(release, &u.t, &u.marks, &e) < 0) {
		say("this kernel's release '%s' does not fit a timeline entry", release);
		return 1;
	}
	print_all(v, kl_tlh_push(v, n, &e), o->json);
	return 0;
}
