/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * /etc/kexec-live.conf, parsed: one "key=value" a line, '#' starts a
 * comment line, blank lines and spaces around the '=' are allowed.  Every
 * key is one of the file's known keys and is given at most once; what a
 * value means is for its reader to check (kexec-live.conf(5)).
 */
#ifndef KL_CONF_H
#define KL_CONF_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/base/err.h"

#define KL_CONF_PATH "/etc/kexec-live.conf"
#define KL_CONF_TEXT_MAX 65536
#define KL_CONF_VALUE_MAX 4096

enum kl_conf_key {
	KL_CONF_CACHE_DIR, /* cache_dir=/absolute/path */
	KL_CONF_FAST_PATH, /* fast_path=yes|no */
	KL_CONF_VERIFY,    /* verify=sha256|crc32c|none */
	KL_CONF_KEY_MAX,
};

struct kl_conf {
	const char *path; /* for messages; not owned */
	struct kl_conf_value {
		unsigned int line; /* 0: not given */
		char value[KL_CONF_VALUE_MAX];
	} v[KL_CONF_KEY_MAX];
};

/* Parse len bytes of text (no NUL needed).  path names the file in the
 * one-line reason ("PATH:LINE: ...") and is kept in ret. */
int kl_conf_parse(const char *path, const char *text, size_t len, struct kl_conf *ret, struct kl_err *err);

/* The key's name as written in the file. */
const char *kl_conf_key_name(enum kl_conf_key k);

/* A yes/no key's value (yes, true, on, 1 or no, false, off, 0, as
 * parsing checked); false when not given. */
bool kl_conf_bool(const struct kl_conf *c, enum kl_conf_key k);

#endif
