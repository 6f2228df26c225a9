/* SPDX-License-Identifier: GPL-2.0-or-later */
/* JSON strings for the programs' --json output. */
#ifndef KL_JSON_H
#define KL_JSON_H

#include <stdio.h>

/* Write s as a JSON string (RFC 8259): quotes, backslashes and control
 * characters escaped; UTF-8 kept as it is; every byte that is not part of
 * a valid UTF-8 sequence (a file name in another encoding) written as
 * U+FFFD, so that the output is always valid JSON.  Returns what fputs()
 * would. */
int kl_json_str(const char *s, FILE *f);

#endif
