/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Offsets in the x86 zero page (struct boot_params) and its embedded setup
 * header, after Documentation/arch/x86/boot.rst ("The Real-Mode Kernel
 * Header", "Details of Header Fields") and zero-page.rst.  The zero page is
 * built and read as a byte array through kl_le*() helpers; these offsets
 * are pinned against a packed struct below so a typo cannot go unnoticed.
 */
#ifndef KL_BOOTPARAM_H
#define KL_BOOTPARAM_H

#include <stddef.h>
#include <stdint.h>

#define KL_BP_SIZE 4096

/* zero page */
#define KL_BP_SCREEN_INFO 0x000 /* 64 bytes */
#define KL_BP_SCREEN_INFO_SIZE 0x40
#define KL_BP_ORIG_VIDEO_ISVGA 0x00f
#define KL_BP_ACPI_RSDP_ADDR 0x070
#define KL_BP_EXT_RAMDISK_IMAGE 0x0c0
#define KL_BP_EXT_RAMDISK_SIZE 0x0c4
#define KL_BP_EXT_CMD_LINE_PTR 0x0c8
#define KL_BP_EFI_INFO 0x1c0
#define KL_BP_E820_ENTRIES 0x1e8
#define KL_BP_EDDBUF_ENTRIES 0x1e9
#define KL_BP_EDD_MBR_SIG_BUF_ENTRIES 0x1ea
#define KL_BP_SENTINEL 0x1ef
#define KL_BP_EDD_MBR_SIG_BUFFER 0x290 /* 16 x u32 */
#define KL_BP_EDD_MBR_SIG_BUFFER_SIZE 64
#define KL_BP_E820_TABLE 0x2d0 /* 128 x struct boot_e820_entry */
#define KL_BP_E820_MAX 128
#define KL_BP_E820_ENTRY_SIZE 20
#define KL_BP_EDDBUF 0xd00 /* 6 x struct edd_info (82 bytes) */
#define KL_BP_EDDBUF_SIZE (6 * 82)
#define KL_BP_EDDBUF_MAX 6
#define KL_BP_EDD_MBR_SIG_MAX 16

/* setup header, at the same offsets in the image and the zero page */
#define KL_HDR_START 0x1f1
#define KL_HDR_SETUP_SECTS 0x1f1
#define KL_HDR_BOOT_FLAG 0x1fe /* 0xaa55 */
#define KL_HDR_JUMP 0x200      /* byte 0x201 + 0x202 = end of header */
#define KL_HDR_HEADER 0x202    /* "HdrS" */
#define KL_HDR_VERSION 0x206
#define KL_HDR_KERNEL_VERSION 0x20e
#define KL_HDR_TYPE_OF_LOADER 0x210
#define KL_HDR_LOADFLAGS 0x211
#define KL_HDR_CODE32_START 0x214
#define KL_HDR_RAMDISK_IMAGE 0x218
#define KL_HDR_RAMDISK_SIZE 0x21c
#define KL_HDR_CMD_LINE_PTR 0x228
#define KL_HDR_INITRD_ADDR_MAX 0x22c
#define KL_HDR_KERNEL_ALIGNMENT 0x230
#define KL_HDR_RELOCATABLE_KERNEL 0x234
#define KL_HDR_MIN_ALIGNMENT 0x235
#define KL_HDR_XLOADFLAGS 0x236
#define KL_HDR_CMDLINE_SIZE 0x238
#define KL_HDR_HARDWARE_SUBARCH 0x23c
#define KL_HDR_HARDWARE_SUBARCH_DATA 0x240
#define KL_HDR_PAYLOAD_OFFSET 0x248
#define KL_HDR_PAYLOAD_LENGTH 0x24c
#define KL_HDR_SETUP_DATA 0x250
#define KL_HDR_PREF_ADDRESS 0x258
#define KL_HDR_INIT_SIZE 0x260
#define KL_HDR_HANDOVER_OFFSET 0x264
#define KL_HDR_KERNEL_INFO_OFFSET 0x268
#define KL_HDR_END_MAX 0x290 /* edd_mbr_sig_buffer follows the header */

#define KL_HDR_MAGIC 0x53726448U /* "HdrS" */
#define KL_BOOT_FLAG 0xaa55

/* loadflags */
#define KL_LOADED_HIGH 0x01
#define KL_KASLR_FLAG 0x02
#define KL_QUIET_FLAG 0x20
/* xloadflags */
#define KL_XLF_KERNEL_64 0x01
#define KL_XLF_CAN_BE_LOADED_ABOVE_4G 0x02

/* setup_data types (arch/x86/include/uapi/asm/bootparam.h) */
#define KL_SETUP_E820_EXT 1
#define KL_SETUP_RNG_SEED 9
#define KL_SETUP_DATA_HDR_SIZE 16 /* u64 next, u32 type, u32 len */
/* SETUP_INDIRECT: the node's data is a struct setup_indirect {u32 type,
 * u32 reserved, u64 len, u64 addr} pointing at bytes elsewhere; the kernel
 * keeps [addr, addr+len) reserved and sysfs shows those bytes (5.x and
 * later, Documentation/arch/x86/boot.rst). */
#define KL_SETUP_INDIRECT 0x80000000U
#define KL_SETUP_INDIRECT_SIZE 24
/* SETUP_EFI: struct efi_setup_data {u64 fw_vendor, __unused, tables,
 * smbios, reserved[8]} (arch/x86/include/asm/efi.h): where the firmware's
 * tables were before the first kernel switched EFI to virtual mode. */
#define KL_SETUP_EFI 4
#define KL_EFI_SETUP_SIZE 96

/* struct efi_info at KL_BP_EFI_INFO: u32 fields */
#define KL_EFI_LOADER_SIGNATURE 0x00
#define KL_EFI_MEMDESC_SIZE 0x08
#define KL_EFI_MEMMAP 0x10
#define KL_EFI_MEMMAP_SIZE 0x14
#define KL_EFI_MEMMAP_HI 0x1c
#define KL_EFI_INFO_SIZE 0x20
#define KL_EFI64_SIGNATURE 0x34364c45U /* "EL64" */
#define KL_EFI_MEMDESC_MIN 40 /* sizeof(efi_memory_desc_t) */
/* EFI memory types (UEFI spec, EFI_MEMORY_TYPE): 1-7 are what the
 * firmware's e820 calls RAM once boot services exit, except 5 and 6 */
#define KL_EFI_LOADER_CODE 1
#define KL_EFI_RUNTIME_SERVICES_CODE 5
#define KL_EFI_RUNTIME_SERVICES_DATA 6
#define KL_EFI_CONVENTIONAL_MEMORY 7

/* Pin the offsets against a packed mirror of the kernel's struct layout. */
struct kl_bp_layout {
	uint8_t screen_info[0x40];
	uint8_t apm_bios_info[0x14];
	uint8_t pad2[4];
	uint64_t tboot_addr;
	uint8_t ist_info[0x10];
	uint64_t acpi_rsdp_addr;
	uint8_t pad3[8];
	uint8_t hd0_info[16];
	uint8_t hd1_info[16];
	uint8_t sys_desc_table[0x10];
	uint8_t olpc_ofw_header[0x10];
	uint32_t ext_ramdisk_image;
	uint32_t ext_ramdisk_size;
	uint32_t ext_cmd_line_ptr;
	uint8_t pad4[112];
	uint32_t cc_blob_address;
	uint8_t edid_info[0x80];
	uint8_t efi_info[0x20];
	uint32_t alt_mem_k;
	uint32_t scratch;
	uint8_t e820_entries;
	uint8_t eddbuf_entries;
	uint8_t edd_mbr_sig_buf_entries;
	uint8_t kbd_status;
	uint8_t secure_boot;
	uint8_t pad5[2];
	uint8_t sentinel;
	uint8_t pad6[1];
	uint8_t setup_sects; /* struct setup_header starts here */
	uint8_t hdr_rest[0x290 - 0x1f2];
	uint32_t edd_mbr_sig_buffer[16];
	uint8_t e820_table[128 * 20];
	uint8_t pad8[48];
	uint8_t eddbuf[6 * 82];
	uint8_t pad9[276];
} __attribute__((packed));

/* The records boot_params points at (arch/x86/include/uapi/asm/
 * bootparam.h, asm/efi.h, the UEFI spec), written by field name through
 * util.h's little-endian helpers.  Each size is pinned. */
struct kl_boot_e820_entry {
	uint64_t addr, size;
	uint32_t type;
} __attribute__((packed));

struct kl_setup_data { /* a node's header; its len bytes of data follow */
	uint64_t next;    /* physical address of the next node, 0 at the end */
	uint32_t type;    /* KL_SETUP_* */
	uint32_t len;
} __attribute__((packed));

struct kl_setup_indirect { /* the data of a KL_SETUP_INDIRECT node */
	uint32_t type;     /* the inner type sysfs shows */
	uint32_t reserved;
	uint64_t len, addr; /* the bytes, kept reserved by the new kernel */
} __attribute__((packed));

struct kl_efi_setup_data { /* the data of a KL_SETUP_EFI node */
	uint64_t fw_vendor;
	uint64_t unused;
	uint64_t tables;
	uint64_t smbios;
	uint64_t reserved[8];
} __attribute__((packed));

struct kl_efi_memory_desc { /* efi_memory_desc_t, version 1 */
	uint32_t type;
	uint32_t pad;
	uint64_t phys_addr, virt_addr, num_pages, attribute;
} __attribute__((packed));

_Static_assert(sizeof(struct kl_boot_e820_entry) == KL_BP_E820_ENTRY_SIZE, "e820 entries are 20 bytes");
_Static_assert(sizeof(struct kl_setup_data) == KL_SETUP_DATA_HDR_SIZE, "a setup_data header is 16 bytes");
_Static_assert(sizeof(struct kl_setup_indirect) == KL_SETUP_INDIRECT_SIZE &&
		       offsetof(struct kl_setup_indirect, addr) == 16,
	       "setup_indirect is 24 bytes");
_Static_assert(sizeof(struct kl_efi_setup_data) == KL_EFI_SETUP_SIZE &&
		       offsetof(struct kl_efi_setup_data, tables) == 16 && offsetof(struct kl_efi_setup_data, smbios) == 24,
	       "efi_setup_data is 96 bytes");
_Static_assert(sizeof(struct kl_efi_memory_desc) == KL_EFI_MEMDESC_MIN &&
		       offsetof(struct kl_efi_memory_desc, phys_addr) == 8 &&
		       offsetof(struct kl_efi_memory_desc, attribute) == 32,
	       "efi_memory_desc_t is 40 bytes");

#define KL_BP_PIN(field, off)                                                  \
	_Static_assert(offsetof(struct kl_bp_layout, field) == (off), #field)
KL_BP_PIN(acpi_rsdp_addr, KL_BP_ACPI_RSDP_ADDR);
KL_BP_PIN(ext_ramdisk_image, KL_BP_EXT_RAMDISK_IMAGE);
KL_BP_PIN(ext_ramdisk_size, KL_BP_EXT_RAMDISK_SIZE);
KL_BP_PIN(ext_cmd_line_ptr, KL_BP_EXT_CMD_LINE_PTR);
KL_BP_PIN(efi_info, KL_BP_EFI_INFO);
KL_BP_PIN(e820_entries, KL_BP_E820_ENTRIES);
KL_BP_PIN(eddbuf_entries, KL_BP_EDDBUF_ENTRIES);
KL_BP_PIN(edd_mbr_sig_buf_entries, KL_BP_EDD_MBR_SIG_BUF_ENTRIES);
KL_BP_PIN(sentinel, KL_BP_SENTINEL);
KL_BP_PIN(setup_sects, KL_HDR_START);
KL_BP_PIN(edd_mbr_sig_buffer, KL_BP_EDD_MBR_SIG_BUFFER);
KL_BP_PIN(e820_table, KL_BP_E820_TABLE);
KL_BP_PIN(eddbuf, KL_BP_EDDBUF);
_Static_assert(sizeof(struct kl_bp_layout) == KL_BP_SIZE, "boot_params is 4096 bytes");

#endif
