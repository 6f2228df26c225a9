/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The purgatory image, built by purgatory/ with its own flags. */
	.section .rodata
	.balign	16
	.globl	kl_purgatory_blob
kl_purgatory_blob:
	.incbin	"purgatory/purgatory.bin"
kl_purgatory_blob_end:
	/* The size, computed by the assembler: C then needs no subtraction
	 * of two unrelated symbols. */
	.balign	8
	.globl	kl_purgatory_blob_size
kl_purgatory_blob_size:
	.quad	kl_purgatory_blob_end - kl_purgatory_blob
	.section .note.GNU-stack, "", @progbits
