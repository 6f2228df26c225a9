/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef KL_KEXEC_H
#define KL_KEXEC_H

#include "lib/sys/sys.h"

/* The whole program: parse argv, act through sys, return the exit code. */
int kl_main(int argc, char **argv, const struct kl_sys *sys);

#endif
