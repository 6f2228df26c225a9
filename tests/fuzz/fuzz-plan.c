/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The whole kexec_load planner on an arbitrary image, with a fixed QEMU-
 * like memory map: probing, placement, boot_params, purgatory block; and,
 * chosen by the first byte, --preload-decompressed (payload decompression,
 * the ELF's PT_LOADs as segments, the relocation table applied in place
 * with a KASLR offset from the second byte), each --verify mode and
 * nokaslr.  The image is copied first: the planner relocates in place. */
#include "lib/arch/x86/x86.h"
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kl_sysinfo si;
	static int ready;
	uint8_t flags = size ? data[0] : 0;
	struct kl_load_opts lo = { .kernel = data, .kernel_len = size,
				   .boot.cmdline = (flags & 4) ? "console=ttyS0 nokaslr" : "console=ttyS0",
				   .boot.verify = (enum kl_verify)(flags & 3) % 3, .initrd = data, .initrd_len = size / 2,
				   .boot.preload_decompressed = (flags & 8) != 0,
				   .kaslr_random = { size > 1 ? data[1] : 0, size > 2 ? data[2] : 0 } };
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
