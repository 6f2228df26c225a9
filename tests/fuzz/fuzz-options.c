/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Option arguments and the text that is printed back: the number parser,
 * --preserve and --handoff-file, and both escapers. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/json.h"
#include "lib/base/log.h"
#include "lib/base/number.h"
#include "lib/handoff/handoff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Nothing printed holds a raw control byte (a newline only at the end). */
static void check_printed(int (*fn)(const char *, FILE *), const char *s, char first)
{
	char *out = NULL;
	size_t len = 0, i;
	FILE *f = open_memstream(&out, &len);

	if (!f)
		return;
	fn(s, f);
	fclose(f);
	for (i = 0; i < len; i++)
		if (((unsigned char)out[i] < 0x20 && !(out[i] == '\n' && i == len - 1)) || out[i] == 0x7f)
			abort();
	if (first && len && (out[0] != first || out[len - 1] != first))
		abort();
	free(out);
}

static int escaped(const char *s, FILE *f)
{
	return kl_fputs_escaped(s, f, true);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int bases[] = { 0, 10, 16 };
	struct kl_preserve p;
	struct kl_blob b;
	const char *end;
	uint64_t v;
	char *s;
	size_t i;

	s = malloc(size + 1);
	if (!s)
		return 0;
	memcpy(s, data, size);
	s[size] = 0;
	for (i = 0; i < 3; i++)
		if (kl_parse_u64(s, bases[i], &v) == 0 &&
		    (!(bases[i] == 16 ? isxdigit((unsigned char)s[0]) : isdigit((unsigned char)s[0])) ||
		     strpbrk(s, " +-\t\n")))
			abort(); /* digits only, nothing else */
	if (kl_parse_size_prefix(s, &end, &v) == 0 && (end <= s || end > s + strlen(s)))
		abort();
	if (kl_preserve_parse(s, &p, NULL) == 0 &&
	    (!p.size || p.start % 4096 || p.size % 4096 || p.start + p.size < p.start || !p.name[0]))
		abort();
	if (kl_blob_parse(s, &b, NULL) == 0 && (!b.name[0] || !b.path || !b.path[0]))
		abort();
	check_printed(kl_json_str, s, '"');
	check_printed(escaped, s, 0);
	free(s);
	return 0;
}
