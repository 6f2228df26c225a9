/* SPDX-License-Identifier: GPL-2.0-or-later */
/* /etc/kexec-live.conf: whatever the bytes, a parse either fails with a
 * reason or yields values that are NUL-terminated, bounded and of their
 * key's kind. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/base/conf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kl_conf c;
	struct kl_err err = { { 0 } };
	int k;

	if (kl_conf_parse("fuzz.conf", (const char *)data, size, &c, &err) < 0) {
		if (!err.msg[0])
			abort();
		return 0;
	}
	for (k = 0; k < KL_CONF_KEY_MAX; k++) {
		if (strnlen(c.v[k].value, KL_CONF_VALUE_MAX) == KL_CONF_VALUE_MAX)
			abort();
		if (c.v[k].line && (c.v[k].line > size + 1))
			abort();
	}
	if (c.v[KL_CONF_CACHE_DIR].line && c.v[KL_CONF_CACHE_DIR].value[0] != '/')
		abort();
	if (c.v[KL_CONF_VERIFY].line && strcmp(c.v[KL_CONF_VERIFY].value, "sha256") &&
	    strcmp(c.v[KL_CONF_VERIFY].value, "crc32c") &&
	    strcmp(c.v[KL_CONF_VERIFY].value, "xxh64") && strcmp(c.v[KL_CONF_VERIFY].value, "none"))
		abort();
	return 0;
}
