/* SPDX-License-Identifier: GPL-2.0-or-later */
/* ELF vmlinux validation through libelf. */
#include "lib/format/elf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct kl_elf_image e;

	kl_elf_parse(data, size, &e, NULL);
	return 0;
}
