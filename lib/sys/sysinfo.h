/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Facts about the running system that a load depends on, gathered in one
 * place (sysinfo.c does the I/O) so that planning stays pure and golden
 * tests can hand in any machine they like.
 */
#ifndef KL_SYSINFO_H
#define KL_SYSINFO_H

#include <stdbool.h>
#include <stdint.h>

#include "lib/arch/x86/bootparam.h"
#include "lib/base/err.h"
#include "lib/mem/memmap.h"
#include "lib/sys/fileio.h"

/* One region of the EFI runtime map (/sys/firmware/efi/runtime-map/N): the
 * kernel keeps it for kexec, with the virtual address each region of the
 * runtime services was mapped at (SetVirtualAddressMap() can be called
 * only once, so the next kernel must map them at the same addresses). */
struct kl_efi_region {
	uint32_t type;
	uint64_t phys, virt, pages, attr;
};

#define KL_EFI_REGIONS_MAX 1024

struct kl_efi_runtime {
	bool present; /* all of it read; else why_not says what was missing */
	const char *why_not;
	uint64_t fw_vendor, config_table, smbios; /* physical addresses */
	struct kl_efi_region *map;
	size_t n;
};

struct kl_sysinfo {
	struct kl_memmap iomem;    /* /proc/iomem: where segments may go */
	struct kl_memmap firmware; /* e820 for the new kernel */
	bool firmware_from_iomem;  /* /sys/firmware/memmap was missing */
	uint8_t boot_params[KL_BP_SIZE]; /* the running kernel's, or zeros */
	bool have_boot_params;
	bool efi;         /* booted through EFI */
	bool fb_firmware; /* fb0 is still the firmware's framebuffer */
	uint64_t efi_rsdp; /* ACPI20= (or ACPI=) from the EFI system table */
	struct kl_efi_runtime efi_rt; /* when efi */
};

void kl_sysinfo_free(struct kl_sysinfo *si);

/* Read everything below root ("" for the real system). */
int kl_sysinfo_read(const char *root, struct kl_sysinfo *ret, struct kl_err *err);

/* Facts that decide what may be tried at all, not what the plan holds. */

/* The kernel's lockdown mode, the bracketed word of
 * /sys/kernel/security/lockdown ("[none] integrity confidentiality"):
 * "integrity" or "confidentiality" in ret, or "" when it is "none" or
 * the file is missing (no lockdown LSM, or securityfs not mounted).  A
 * locked-down kernel refuses kexec_load (and kexec_file_load of an
 * unsigned kernel) with EPERM. */
void kl_sys_lockdown(const char *root, char ret[static 16]);

/* A Xen dom0: /proc/xen/capabilities lists "control_d".  There the
 * hypervisor, not this kernel, owns kexec. */
bool kl_sys_xen_dom0(const char *root);

#endif
