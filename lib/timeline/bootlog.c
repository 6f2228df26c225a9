/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <string.h>

#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/timeline/bootlog.h"

const struct kl_log_mark_desc kl_log_marks[KL_MARK_MAX] = {
	[KL_MARK_MEMORY] = { "memory_ready", "Memory: " },
	[KL_MARK_SMP] = { "smp_up", "smp: Brought up " },
	[KL_MARK_ACPI] = { "acpi_ready", "ACPI: Interpreter enabled" },
	[KL_MARK_PCI] = { "pci_scanned", "PCI: CLS " },
	[KL_MARK_INITRAMFS] = { "initramfs_unpacked", "Freeing initrd memory: " },
	[KL_MARK_INIT] = { "run_init", "Run /init as init process" },
};

/* A decimal field that ends exactly at end (a ',' or ';' of the record
 * stops the parser before the bytes end). */
static int decimal(const char *p, const char *end, uint64_t *ret)
{
	const char *e;

	if (p == end || *p < '0' || *p > '9' || kl_parse_u64_prefix(p, 10, &e, ret) < 0 || e != end)
		return -EBADMSG;
	return 0;
}

int kl_kmsg_parse(const char *rec, size_t len, struct kl_log_line *ret)
{
	const char *semi = memchr(rec, ';', len), *seq, *usec, *end, *nl;
	uint64_t pri, us;

	if (!semi)
		return -EBADMSG;
	/* PRI, SEQ, USEC[, FLAGS[, ...]] before the semicolon */
	seq = memchr(rec, ',', (size_t)(semi - rec));
	if (!seq)
		return -EBADMSG;
	usec = memchr(seq + 1, ',', (size_t)(semi - seq - 1));
	if (!usec)
		return -EBADMSG;
	usec++;
	end = memchr(usec, ',', (size_t)(semi - usec));
	if (!end)
		end = semi;
	if (decimal(rec, seq, &pri) < 0 || decimal(usec, end, &us) < 0)
		return -EBADMSG;
	semi++;
	nl = memchr(semi, '\n', len - (size_t)(semi - rec));
	*ret = (struct kl_log_line){
		.usec = us,
		.level = (int)(pri & 7),
		.text = semi,
		.len = nl ? (size_t)(nl - semi) : len - (size_t)(semi - rec),
	};
	return 0;
}

bool kl_log_starts(const struct kl_log_line *line, const char *prefix)
{
	size_t n = strlen(prefix);

	return line->len >= n && memcmp(line->text, prefix, n) == 0;
}

long kl_log_find(const struct kl_boot_log *log, size_t from, const char *prefix)
{
	size_t i;

	for (i = from; i < log->n; i++)
		if (kl_log_starts(&log->line[i], prefix))
			return (long)i;
	return -1;
}

void kl_log_find_marks(const struct kl_boot_log *log, long ret_idx[KL_MARK_MAX])
{
	size_t m;

	for (m = 0; m < KL_MARK_MAX; m++)
		ret_idx[m] = kl_log_find(log, 0, kl_log_marks[m].prefix);
}

/* A decimal number at p (before end), at most 5 digits: its end, or NULL. */
static const char *small_number(const char *p, const char *end, unsigned *ret)
{
	unsigned v = 0;
	int digits = 0;

	for (; p < end && *p >= '0' && *p <= '9' && digits < 5; p++, digits++)
		v = v * 10 + (unsigned)(*p - '0');
	if (!digits)
		return NULL;
	*ret = v;
	return p;
}

int kl_log_kernel_version(const struct kl_boot_log *log, unsigned *ret_major, unsigned *ret_minor)
{
	static const char prefix[] = "Linux version ";
	long i = kl_log_find(log, 0, prefix);
	const char *p, *end;
	unsigned major, minor;

	if (i < 0)
		return -ENOENT;
	p = log->line[i].text + strlen(prefix);
	end = log->line[i].text + log->line[i].len;
	p = small_number(p, end, &major);
	if (!p || p >= end || *p != '.' || !small_number(p + 1, end, &minor))
		return -ENOENT;
	*ret_major = major;
	*ret_minor = minor;
	return 0;
}

int kl_log_cmdline_word(const struct kl_boot_log *log, const char *name, const char *value_prefix, char *buf,
			size_t size, long *ret_idx)
{
	/* start_kernel()'s line has the command line as the kernel uses
	 * it (bootconfig included); setup_arch()'s is the older one */
	static const char *const prefixes[] = { "Kernel command line: ", "Command line: " };
	size_t n = strlen(name), k;
	const char *found = NULL, *fend = NULL;
	long i = -1;

	for (k = 0; k < KL_ARRAY_SIZE(prefixes) && i < 0; k++) {
		i = kl_log_find(log, 0, prefixes[k]);
		if (i >= 0) {
			const struct kl_log_line *l = &log->line[i];
			const char *p = l->text + strlen(prefixes[k]), *end = l->text + l->len;

			while (p < end) {
				const char *w = p, *we;

				while (w < end && *w == ' ')
					w++;
				we = w;
				while (we < end && *we != ' ')
					we++;
				if ((size_t)(we - w) >= n && memcmp(w, name, n) == 0 && (w + n == we || w[n] == '=')) {
					const char *v = w + n == we ? we : w + n + 1;
					size_t vp = value_prefix ? strlen(value_prefix) : 0;

					if ((size_t)(we - v) >= vp && memcmp(v, value_prefix ? value_prefix : "", vp) == 0) {
						found = v;
						fend = we;
					}
				}
				p = we;
			}
		}
	}
	if (!found || size == 0)
		return -ENOENT;
	n = KL_MIN((size_t)(fend - found), size - 1);
	memcpy(buf, found, n);
	buf[n] = 0;
	if (ret_idx)
		*ret_idx = i;
	return 0;
}
