/* A bare-metal guest for the live-update tests: a multiboot (v1) ELF that
 * counts in its RAM and prints the count on COM1 every MASK + 1 steps
 * (2^24 unless as --defsym MASK= says), so a VM that resumes where it
 * stopped prints the next count, not the first. */
	.ifndef MASK
	.set MASK, 0xffffff
	.endif
	.set MB_MAGIC, 0x1badb002
	.set MB_FLAGS, 0
	.text
	.align 4
	.long MB_MAGIC, MB_FLAGS, -(MB_MAGIC + MB_FLAGS)


	.code32
	.globl _start
_start:
	mov $stack_top, %esp
1:	incl count
	testl $MASK, count
	jnz 1b
	call print
	jmp 1b

/* "count XXXXXXXX\n" on COM1 (port 0x3f8) */
print:
	mov $msg, %esi
2:	movb (%esi), %al
	test %al, %al
	jz 3f
	call putc
	inc %esi
	jmp 2b
3:	mov count, %ebx
	mov $8, %ecx
4:	rol $4, %ebx
	mov %ebx, %eax
	and $0xf, %eax
	movb hex(%eax), %al
	call putc
	loop 4b
	mov $'\n', %al
	call putc
	ret

putc:
	mov $0x3fd, %dx
	mov %al, %ah
5:	inb %dx, %al
	test $0x20, %al
	jz 5b
	mov %ah, %al
	mov $0x3f8, %dx
	outb %al, %dx
	ret

	.section .rodata
msg:	.asciz "count "
hex:	.ascii "0123456789abcdef"

	.bss
	.align 16
count:	.long 0
	.space 4096
stack_top:
