/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The whole kexec_load planner on an arbitrary image, with a fixed QEMU-
 * like memory map: probing, placement, boot_params, purgatory block. */
#include "kexec/x86.h"
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kl_sysinfo si;
	static int ready;
	struct kl_load_opts lo = { .kernel = data, .kernel_len = size, .cmdline = "console=ttyS0",
				   .verify = KL_VERIFY_SHA256, .initrd = data, .initrd_len = size / 2 };
	struct kl_plan p;

	if (!ready) {
		kl_memmap_add(&si.iomem, 0x1000, 0x9e000, KL_MEM_RAM);
		kl_memmap_add(&si.iomem, 0x100000, 0x7fee0000, KL_MEM_RAM);
		si.firmware = (struct kl_memmap){ 0 };
		kl_memmap_add(&si.firmware, 0, 0x9fc00, KL_MEM_RAM);
		kl_memmap_add(&si.firmware, 0x100000, 0x7fee0000, KL_MEM_RAM);
		ready = 1;
	}
	if (kl_x86_plan(&si, &lo, &p, NULL) == 0)
		kl_plan_free(&p);
	return 0;
}
