/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cmd/kexec/cli.h"
#include "cmd/kexec/kexec.h"
#include "lib/base/log.h"

int main(int argc, char **argv)
{
	/* a plan printed into a full disk is no plan */
	return kl_exit_code("kexec", kl_main(argc, argv, kl_sys_get()), KL_EXIT_FAIL);
}
