/* SPDX-License-Identifier: GPL-2.0-or-later */
#include "kexec.h"

int main(int argc, char **argv)
{
	return kl_main(argc, argv, kl_sys_get());
}
