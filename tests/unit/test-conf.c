/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /etc/kexec-live.conf's syntax: what is accepted, and the one line that
 * names file, line and problem for what is not. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lib/base/conf.h"
#include "lib/base/util.h"

static struct kl_conf conf;

static int parse(const char *text, size_t len, struct kl_err *err)
{
	memset(&conf, 0x5a, sizeof(conf)); /* untouched on failure */
	return kl_conf_parse("/etc/kexec-live.conf", text, len, &conf, err);
}

#define PARSE_OK(text)                                                        \
	do {                                                                  \
		struct kl_err _e = { { 0 } };                                 \
		if (parse(text, strlen(text), &_e) < 0)                       \
			fail_msg("refused: %s", _e.msg);                      \
	} while (0)

static void accepted(void **state)
{
	(void)state;
	PARSE_OK("");
	assert_int_equal(conf.v[KL_CONF_FAST_PATH].line, 0);
	assert_int_equal(conf.v[KL_CONF_VERIFY].line, 0);
	assert_int_equal(conf.v[KL_CONF_CACHE_DIR].line, 0);
	assert_string_equal(conf.path, "/etc/kexec-live.conf");
	PARSE_OK("# comment\n\n   # indented comment = with an equals sign\n\t\n");
	assert_int_equal(conf.v[KL_CONF_FAST_PATH].line, 0);
	/* spaces around '=' and at the ends; CRLF; no final newline */
	PARSE_OK("fast_path=yes\n  verify = crc32c  \r\ncache_dir=/srv/cache dir");
	assert_true(kl_conf_bool(&conf, KL_CONF_FAST_PATH));
	assert_int_equal(conf.v[KL_CONF_FAST_PATH].line, 1);
	assert_string_equal(conf.v[KL_CONF_FAST_PATH].value, "yes");
	assert_int_equal(conf.v[KL_CONF_VERIFY].line, 2);
	assert_string_equal(conf.v[KL_CONF_VERIFY].value, "crc32c");
	assert_int_equal(conf.v[KL_CONF_CACHE_DIR].line, 3);
	assert_string_equal(conf.v[KL_CONF_CACHE_DIR].value, "/srv/cache dir");
	PARSE_OK("verify=none\nfast_path=no\n");
	assert_string_equal(conf.v[KL_CONF_VERIFY].value, "none");
	assert_false(kl_conf_bool(&conf, KL_CONF_FAST_PATH));
	PARSE_OK("verify=sha256\n");
	assert_false(kl_conf_bool(&conf, KL_CONF_FAST_PATH)); /* not given */
	/* '#' inside a value is part of it: only whole lines are comments */
	PARSE_OK("cache_dir=/a#b\n");
	assert_string_equal(conf.v[KL_CONF_CACHE_DIR].value, "/a#b");
}

static void refused(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} t[] = {
		{ "fast_pth=yes\n", "/etc/kexec-live.conf:1: unknown key 'fast_pth' (known: cache_dir, fast_path, verify)" },
		{ "\n# x\nfast_path\n", "/etc/kexec-live.conf:3: not a key=value line" },
		{ "fast_path=yes\nverify=none\nfast_path=no\n",
		  "/etc/kexec-live.conf:3: fast_path is given again (first on line 1)" },
		{ "=yes\n", "/etc/kexec-live.conf:1: unknown key '' (known: cache_dir, fast_path, verify)" },
		{ "FAST_PATH=yes\n", "/etc/kexec-live.conf:1: unknown key 'FAST_PATH' (known: cache_dir, fast_path, verify)" },
		/* each value of its kind, checked whoever reads the file */
		{ "fast_path=maybe\n", "/etc/kexec-live.conf:1: fast_path=maybe: not yes or no" },
		{ "\nfast_path = Yes\n", "/etc/kexec-live.conf:2: fast_path=Yes: not yes or no" },
		{ "fast_path=\n", "/etc/kexec-live.conf:1: fast_path=: not yes or no" },
		{ "verify=md5\n", "/etc/kexec-live.conf:1: verify=md5: not sha256, crc32c, xxh64 or none" },
		{ "verify=\n", "/etc/kexec-live.conf:1: verify=: not sha256, crc32c, xxh64 or none" },
		{ "cache_dir=var/cache\n", "/etc/kexec-live.conf:1: cache_dir=var/cache: must be an absolute path" },
	};
	struct kl_err err;
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(t); i++) {
		memset(&err, 0, sizeof(err));
		assert_int_equal(parse(t[i].text, strlen(t[i].text), &err), -EINVAL);
		assert_string_equal(err.msg, t[i].msg);
		assert_int_equal(conf.v[KL_CONF_FAST_PATH].line, 0x5a5a5a5a); /* ret untouched */
	}
}

static void limits(void **state)
{
	struct kl_err err = { { 0 } };
	static const char nul[] = "fast_path=yes\n\0verify=none\n";
	size_t n = KL_CONF_VALUE_MAX + 32;
	char *big = malloc(KL_CONF_TEXT_MAX + 2);

	(void)state;
	assert_non_null(big);
	assert_int_equal(parse(nul, sizeof(nul) - 1, &err), -EINVAL);
	assert_string_equal(err.msg, "/etc/kexec-live.conf: contains a NUL byte; not a text file");
	/* a value of KL_CONF_VALUE_MAX - 1 bytes fits, one more does not */
	memcpy(big, "cache_dir=", 10);
	memset(big + 10, 'a', n);
	big[10] = '/';
	big[10 + KL_CONF_VALUE_MAX - 1] = '\n';
	memset(&err, 0, sizeof(err));
	assert_int_equal(parse(big, 10 + KL_CONF_VALUE_MAX, &err), 0);
	assert_int_equal(strlen(conf.v[KL_CONF_CACHE_DIR].value), KL_CONF_VALUE_MAX - 1);
	big[10 + KL_CONF_VALUE_MAX - 1] = 'a';
	big[10 + KL_CONF_VALUE_MAX] = '\n';
	assert_int_equal(parse(big, 10 + KL_CONF_VALUE_MAX + 1, &err), -EINVAL);
	assert_string_equal(err.msg, "/etc/kexec-live.conf:1: the value of cache_dir is longer than 4095 bytes");
	memset(big, '#', KL_CONF_TEXT_MAX + 1);
	memset(&err, 0, sizeof(err));
	assert_int_equal(parse(big, KL_CONF_TEXT_MAX, &err), 0);
	assert_int_equal(parse(big, KL_CONF_TEXT_MAX + 1, &err), -EFBIG);
	free(big);
}

static void booleans(void **state)
{
	static const char *const yes[] = { "yes", "true", "on", "1" };
	static const char *const no[] = { "no", "false", "off", "0" };
	char text[64];
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(yes); i++) {
		snprintf(text, sizeof(text), "fast_path=%s\n", yes[i]);
		PARSE_OK(text);
		assert_true(kl_conf_bool(&conf, KL_CONF_FAST_PATH));
		snprintf(text, sizeof(text), "fast_path=%s\n", no[i]);
		PARSE_OK(text);
		assert_false(kl_conf_bool(&conf, KL_CONF_FAST_PATH));
	}
	assert_string_equal(kl_conf_key_name(KL_CONF_VERIFY), "verify");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accepted),
		cmocka_unit_test(refused),
		cmocka_unit_test(limits),
		cmocka_unit_test(booleans),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
