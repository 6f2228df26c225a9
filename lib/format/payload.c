/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "lib/base/util.h"
#include "lib/format/payload.h"

int kl_payload_check(const struct kl_bzimage *z, enum kl_comp head_comp, enum kl_comp *ret_comp,
		     struct kl_err *err)
{
	enum kl_comp c;

	if (!z->relocatable)
		return kl_fail(err, -ENOEXEC, "the kernel is not relocatable (relocatable_kernel is 0)");
	if (!z->payload_length)
		return kl_fail(err, -ENOEXEC, "the bzImage declares no payload");
	c = z->kernel ? kl_comp_detect(z->kernel + z->payload_offset, z->payload_length) : head_comp;
	if (c == KL_COMP_NONE)
		return kl_fail(err, -ENOEXEC, "the payload's compression is not recognised");
	*ret_comp = c;
	return 0;
}

int kl_payload_parse(const void *elf, size_t len, enum kl_comp c, struct kl_elf_image *ret_e,
		     struct kl_err *err)
{
	int r = kl_elf_parse(elf, len, ret_e, err);

	if (r < 0)
		return kl_fail_prefix(err, r, "the %s payload is not a kernel ELF", kl_comp_name(c));
	return 0;
}

int kl_payload_decompress(const struct kl_bzimage *z, enum kl_comp c, void **ret_elf, size_t *ret_len,
			  struct kl_elf_image *ret_e, struct kl_err *err)
{
	_cleanup_free_ void *elf = NULL;
	size_t len;
	int r;

	if (!z->kernel)
		return kl_fail(err, -EINVAL, "internal error: only the bzImage's head is at hand");
	/* The kernel's own decompressor must fit its output within
	 * init_size: much more is not a kernel but a decompression bomb. */
	r = kl_decompress(c, z->kernel + z->payload_offset, z->payload_length, KL_MAX(2ULL * z->init_size, 64ULL << 20),
			  &elf, &len, NULL, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "payload (%s)", kl_comp_name(c));
	r = kl_payload_parse(elf, len, c, ret_e, err);
	if (r < 0)
		return r;
	*ret_elf = TAKE_PTR(elf);
	*ret_len = len;
	return 0;
}
