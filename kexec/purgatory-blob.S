/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The purgatory image, built by purgatory/ with its own flags. */
	.section .rodata
	.balign	16
	.globl	kl_purgatory_blob
	.globl	kl_purgatory_blob_end
kl_purgatory_blob:
	.incbin	"purgatory/purgatory.bin"
kl_purgatory_blob_end:
	.section .note.GNU-stack, "", @progbits
