/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Synthetic inputs for unit tests: small, deterministic, built in memory. */
#ifndef KL_TEST_FIXTURE_H
#define KL_TEST_FIXTURE_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/sys/sysinfo.h"
#include "images.h"

/* The directory holding tests/fixtures (from $srcdir). */
const char *fx_srcdir(void);

/* Read a fixture sysroot into si. */
void fx_sysinfo(const char *name, struct kl_sysinfo *si);

/* Compare text with a golden file below tests/golden; with
 * KL_UPDATE_GOLDEN=1 in the environment, rewrite the file instead. */
void fx_golden(const char *name, const char *text);

#endif
