/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * Purgatory entry.  The old kernel's relocate_kernel jumps to offset 0 in
 * 64-bit mode with an identity mapping of RAM, interrupts off and a stack in
 * its control page.  We take our own stack, let kl_purgatory_main() check
 * the segments, then enter the new kernel as the 64-bit boot protocol asks
 * (Documentation/arch/x86/boot.rst, "64-bit Boot Protocol"): a GDT with flat
 * __BOOT_CS (0x10) and __BOOT_DS (0x18), CS/DS/ES/SS loaded from it,
 * interrupts disabled, %rsi = boot_params.
 *
 * Everything here is RIP-relative: the image runs wherever it is placed.
 */
#include "params.h"

#define BOOT_CS 0x10
#define BOOT_DS 0x18

	.section .text.entry, "ax"
	.code64
	.globl	kl_purgatory_start
kl_purgatory_start:
	jmp	1f

	.org	KL_PURG_PARAMS_OFFSET
	.globl	kl_purg_params
kl_purg_params:
	.fill	KL_PURG_SIZE, 1, 0

1:	cli
	cld
	leaq	kl_stack_top(%rip), %rsp
	leaq	kl_purg_params(%rip), %rdi
	call	kl_purgatory_main

	/* Our GDT: its base is only known at run time. */
	leaq	kl_gdt(%rip), %rax
	movq	%rax, kl_gdt_desc+2(%rip)
	lgdt	kl_gdt_desc(%rip)

	/* Reload CS with a far return into the next instruction. */
	pushq	$BOOT_CS
	leaq	2f(%rip), %rax
	pushq	%rax
	lretq
2:	movl	$BOOT_DS, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %ss
	movl	%eax, %fs
	movl	%eax, %gs

	leaq	kl_purg_params(%rip), %rbx
	movq	KL_PURG_OFF_RSI(%rbx), %rsi
	movq	KL_PURG_OFF_ENTRY(%rbx), %rax
	xorl	%ebx, %ebx
	xorl	%ecx, %ecx
	xorl	%edx, %edx
	xorl	%edi, %edi
	xorl	%ebp, %ebp
	xorl	%r8d, %r8d
	xorl	%r9d, %r9d
	xorl	%r10d, %r10d
	xorl	%r11d, %r11d
	xorl	%r12d, %r12d
	xorl	%r13d, %r13d
	xorl	%r14d, %r14d
	xorl	%r15d, %r15d
	jmp	*%rax

	/* Stop for good: used when a check fails. */
	.globl	kl_halt
kl_halt:
	cli
3:	hlt
	jmp	3b

	.section .data
	.balign	16
kl_gdt:
	.quad	0			/* 0x00: null */
	.quad	0			/* 0x08: unused */
	.quad	0x00af9a000000ffff	/* 0x10: __BOOT_CS, 64-bit code */
	.quad	0x00cf92000000ffff	/* 0x18: __BOOT_DS, flat data */
kl_gdt_end:
	.balign	8
kl_gdt_desc:
	.word	kl_gdt_end - kl_gdt - 1
	.quad	0			/* base, filled in above */

	/* The stack lives in the image (not .bss) so the flat binary is
	 * complete and the segment's memsz equals its size. */
	.balign	16
kl_stack:
	.fill	16384, 1, 0
kl_stack_top:

	.section .note.GNU-stack, "", @progbits
