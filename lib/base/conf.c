/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The configuration file's syntax (conf.h); no I/O. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/base/conf.h"
#include "lib/base/util.h"

static const char *const yes_words[] = { "yes", "true", "on", "1" };
static const char *const no_words[] = { "no", "false", "off", "0" };

static int word_index(const char *const *words, size_t n, const char *v)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(words[i], v))
			return (int)i;
	return -1;
}

/* Each returns NULL when the value is one the key may hold, else what it
 * should be. */
static const char *check_path(const char *v)
{
	return v[0] == '/' ? NULL : "must be an absolute path";
}

static const char *check_bool(const char *v)
{
	if (word_index(yes_words, KL_ARRAY_SIZE(yes_words), v) >= 0 ||
	    word_index(no_words, KL_ARRAY_SIZE(no_words), v) >= 0)
		return NULL;
	return "not yes or no";
}

static const char *check_verify(const char *v)
{
	static const char *const modes[] = { "sha256", "crc32c", "xxh64", "none" };

	return word_index(modes, KL_ARRAY_SIZE(modes), v) >= 0 ? NULL : "not sha256, crc32c, xxh64 or none";
}

static const struct {
	const char *name;
	const char *(*check)(const char *value);
} keys[KL_CONF_KEY_MAX] = {
	[KL_CONF_CACHE_DIR] = { "cache_dir", check_path },
	[KL_CONF_FAST_PATH] = { "fast_path", check_bool },
	[KL_CONF_VERIFY] = { "verify", check_verify },
};

const char *kl_conf_key_name(enum kl_conf_key k)
{
	return (unsigned int)k < KL_CONF_KEY_MAX ? keys[k].name : "?";
}

static int find_key(const char *s, size_t n)
{
	int k;

	for (k = 0; k < KL_CONF_KEY_MAX; k++)
		if (strlen(keys[k].name) == n && !memcmp(keys[k].name, s, n))
			return k;
	return -1;
}

/* One line [s, e), number line.  Comments and blank lines are skipped. */
static int parse_line(struct kl_conf *c, unsigned int line, const char *s, const char *e, struct kl_err *err)
{
	const char *eq, *ks, *ke, *vs, *ve, *bad;
	int k;

	kl_trim(&s, &e);
	if (s == e || *s == '#')
		return 0;
	eq = memchr(s, '=', (size_t)(e - s));
	if (!eq)
		return kl_fail(err, -EINVAL, "%s:%u: not a key=value line", c->path, line);
	ks = s;
	ke = eq;
	kl_trim(&ks, &ke);
	vs = eq + 1;
	ve = e;
	kl_trim(&vs, &ve);
	k = find_key(ks, (size_t)(ke - ks));
	if (k < 0) {
		char known[128];
		size_t n = 0;
		int i;

		/* the table's names, so a new key is listed where it is added */
		for (i = 0; i < KL_CONF_KEY_MAX && n < sizeof(known); i++)
			n += (size_t)snprintf(known + n, sizeof(known) - n, "%s%s", i ? ", " : "", keys[i].name);
		return kl_fail(err, -EINVAL, "%s:%u: unknown key '%.*s' (known: %s)", c->path, line,
			       (int)KL_MIN((size_t)(ke - ks), (size_t)64), ks, known);
	}
	if (c->v[k].line)
		return kl_fail(err, -EINVAL, "%s:%u: %s is given again (first on line %u)", c->path, line,
			       keys[k].name, c->v[k].line);
	if ((size_t)(ve - vs) >= sizeof(c->v[k].value))
		return kl_fail(err, -EINVAL, "%s:%u: the value of %s is longer than %d bytes", c->path, line,
			       keys[k].name, KL_CONF_VALUE_MAX - 1);
	memcpy(c->v[k].value, vs, (size_t)(ve - vs));
	c->v[k].value[ve - vs] = '\0';
	bad = keys[k].check(c->v[k].value);
	if (bad)
		return kl_fail(err, -EINVAL, "%s:%u: %s=%s: %s", c->path, line, keys[k].name, c->v[k].value, bad);
	c->v[k].line = line;
	return 0;
}

int kl_conf_parse(const char *path, const char *text, size_t len, struct kl_conf *ret, struct kl_err *err)
{
	struct kl_conf c = { .path = path };
	const char *s = text, *end = text + len, *nl;
	unsigned int line = 1;
	int r;

	if (len > KL_CONF_TEXT_MAX)
		return kl_fail(err, -EFBIG, "%s: larger than %d bytes", path, KL_CONF_TEXT_MAX);
	if (memchr(text, '\0', len))
		return kl_fail(err, -EINVAL, "%s: contains a NUL byte; not a text file", path);
	for (; s < end; s = nl + 1, line++) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			nl = end;
		r = parse_line(&c, line, s, nl, err);
		if (r < 0)
			return r;
	}
	*ret = c;
	return 0;
}

bool kl_conf_bool(const struct kl_conf *c, enum kl_conf_key k)
{
	return word_index(yes_words, KL_ARRAY_SIZE(yes_words), c->v[k].value) >= 0;
}
