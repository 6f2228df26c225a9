/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <string.h>

#include "lib/arch/x86/bootparam.h"
#include "lib/base/util.h"
#include "lib/format/bzimage.h"

bool kl_bzimage_probe(const void *buf, size_t len)
{
	const uint8_t *b = buf;

	return len >= KL_HDR_VERSION + 2 &&
	       kl_le16(b + KL_HDR_BOOT_FLAG) == KL_BOOT_FLAG &&
	       kl_le32(b + KL_HDR_HEADER) == KL_HDR_MAGIC;
}

/* boot.rst "kernel_version": a pointer (minus 0x200) to a NUL-terminated
 * string in the setup code.  Purely informative; a bad one is ignored. */
static void read_kernel_version(const uint8_t *b, size_t setup_len, char *out, size_t outsz)
{
	uint16_t ptr = kl_le16(b + KL_HDR_KERNEL_VERSION);
	size_t off = (size_t)ptr + 0x200, i;

	out[0] = 0;
	if (!ptr || off >= setup_len)
		return;
	for (i = 0; i + 1 < outsz && off + i < setup_len; i++) {
		uint8_t c = b[off + i];

		if (!c)
			break;
		out[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
	}
	out[i] = 0;
}

/* avail bytes of a len-byte file are at buf: all of it, or (for
 * kl_bzimage_parse_head) at least the setup code.  Reads stay below avail. */
static int parse(const uint8_t *b, size_t avail, size_t len, struct kl_bzimage *ret, struct kl_err *err)
{
	struct kl_bzimage z = { 0 };
	unsigned int sects;

	if (avail > len || (avail < len && avail < KL_HDR_END_MAX))
		return kl_fail(err, -EINVAL, "bzImage header: %zu of %zu bytes given", avail, len);
	if (!kl_bzimage_probe(b, avail))
		return kl_fail(err, -ENOEXEC, "not a bzImage (no boot flag 0xaa55 / \"HdrS\" header)");
	z.version = kl_le16(b + KL_HDR_VERSION);
	if (z.version < KL_BZIMAGE_MIN_VERSION)
		return kl_fail(err, -ENOEXEC,
			       "boot protocol %u.%02u is too old (2.12 or later needed for the 64-bit entry)",
			       z.version >> 8, z.version & 0xff);
	if (len < KL_HDR_END_MAX)
		return kl_fail(err, -ENOEXEC, "truncated setup header (%zu bytes)", len);
	z.hdr_end = 0x202 + (size_t)b[0x201];
	if (z.hdr_end > KL_HDR_END_MAX || z.hdr_end < KL_HDR_KERNEL_INFO_OFFSET)
		return kl_fail(err, -ENOEXEC, "setup header length 0x%zx is out of range", z.hdr_end);

	sects = b[KL_HDR_SETUP_SECTS];
	if (!sects)
		sects = 4; /* boot.rst: "if this field is 0, the real value is 4" */
	z.setup_len = ((size_t)sects + 1) * 512;
	if (z.setup_len >= len)
		return kl_fail(err, -ENOEXEC, "setup code (%zu bytes) leaves no protected-mode kernel in a %zu-byte file",
			       z.setup_len, len);
	if (z.setup_len > avail)
		return kl_fail(err, -EINVAL, "bzImage header: the setup code (%zu bytes) is longer than the %zu given",
			       z.setup_len, avail);
	z.setup = b;
	z.kernel = avail == len ? b + z.setup_len : NULL;
	z.kernel_len = len - z.setup_len;

	z.loadflags = b[KL_HDR_LOADFLAGS];
	z.xloadflags = kl_le16(b + KL_HDR_XLOADFLAGS);
	z.relocatable = b[KL_HDR_RELOCATABLE_KERNEL] != 0;
	z.kernel_alignment = kl_le32(b + KL_HDR_KERNEL_ALIGNMENT);
	z.min_alignment = b[KL_HDR_MIN_ALIGNMENT];
	z.cmdline_size = kl_le32(b + KL_HDR_CMDLINE_SIZE);
	z.initrd_addr_max = kl_le32(b + KL_HDR_INITRD_ADDR_MAX);
	z.pref_address = kl_le64(b + KL_HDR_PREF_ADDRESS);
	z.init_size = kl_le32(b + KL_HDR_INIT_SIZE);
	z.payload_offset = kl_le32(b + KL_HDR_PAYLOAD_OFFSET);
	z.payload_length = kl_le32(b + KL_HDR_PAYLOAD_LENGTH);

	if (!(z.loadflags & KL_LOADED_HIGH))
		return kl_fail(err, -ENOEXEC, "zImage (not loaded high) is not supported");
	if (!(z.xloadflags & KL_XLF_KERNEL_64))
		return kl_fail(err, -ENOEXEC, "32-bit-only kernel: no 64-bit entry point (XLF_KERNEL_64 unset)");
	if (!kl_is_pow2(z.kernel_alignment) || z.kernel_alignment < KL_PAGE_SIZE ||
	    z.kernel_alignment > (1U << 30))
		return kl_fail(err, -ENOEXEC, "kernel_alignment 0x%x is not a power of two between 4 KiB and 1 GiB",
			       z.kernel_alignment);
	if (z.min_alignment > 30)
		return kl_fail(err, -ENOEXEC, "min_alignment %u is out of range", z.min_alignment);
	if (!z.init_size)
		return kl_fail(err, -ENOEXEC, "init_size is 0");
	if (z.init_size > (1U << 30))
		return kl_fail(err, -ENOEXEC, "init_size 0x%x is larger than 1 GiB", z.init_size);
	if (z.kernel_len > z.init_size)
		return kl_fail(err, -ENOEXEC, "protected-mode kernel (%zu bytes) is larger than init_size (%u)",
			       z.kernel_len, z.init_size);
	if (z.cmdline_size < 255)
		z.cmdline_size = 255; /* boot.rst: before 2.06 the limit was 255 */
	if (z.payload_length &&
	    !kl_in_bounds(z.kernel_len, z.payload_offset, z.payload_length))
		return kl_fail(err, -ENOEXEC,
			       "payload (offset 0x%x, length 0x%x) lies outside the %zu-byte protected-mode kernel",
			       z.payload_offset, z.payload_length, z.kernel_len);
	read_kernel_version(b, z.setup_len, z.kernel_version, sizeof(z.kernel_version));
	*ret = z;
	return 0;
}

int kl_bzimage_parse(const void *buf, size_t len, struct kl_bzimage *ret, struct kl_err *err)
{
	return parse(buf, len, len, ret, err);
}

int kl_bzimage_parse_head(const void *head, size_t head_len, size_t file_len, struct kl_bzimage *ret,
			  struct kl_err *err)
{
	return parse(head, head_len, file_len, ret, err);
}
