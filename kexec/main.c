/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "cli.h"
#include "kexec.h"
#include "log.h"

int main(int argc, char **argv)
{
	int r = kl_main(argc, argv, kl_sys_get());

	/* a plan printed into a full disk is no plan */
	if (kl_close_stdout("kexec") < 0 && r == KL_EXIT_OK)
		r = KL_EXIT_FAIL;
	return r;
}
