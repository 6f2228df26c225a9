/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The purgatory's C part: check the parameter block, optionally report on a
 * 16550 UART, and verify every listed segment's SHA-256 digest (computed by
 * the loader at load time) before the new kernel is entered.  A mismatch is
 * always reported on the serial port and stops the machine: a silent boot
 * of corrupted memory is the one outcome we must never produce.
 */
#include "crc32.h"
#include "crc32c.h"
#include "xxh64.h"
#include "zero.h"
#include "params.h"
#include "sha256.h"
#include "timeline.h"

void kl_purgatory_main(struct kl_purg_params *p);
void kl_halt(void) __attribute__((noreturn));

/* The default console for failure reports when the loader named none. */
#define KL_UART_DEFAULT 0x3f8

static inline void outb(uint8_t v, uint16_t port)
{
	__asm__ __volatile__("outb %0, %1" : : "a"(v), "Nd"(port));
}

static inline uint8_t inb(uint16_t port)
{
	uint8_t v;

	__asm__ __volatile__("inb %1, %0" : "=a"(v) : "Nd"(port));
	return v;
}

static uint16_t uart = KL_UART_DEFAULT;

static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ __volatile__("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t)hi << 32 | lo;
}

/* The timeline record the loader laid out (timeline.h), or NULL when it
 * named none or what is there is not one: never write where the loader
 * did not ask. */
static struct kl_tl_record *timeline(const struct kl_purg_params *p)
{
	struct kl_tl_record *t = (struct kl_tl_record *)(uintptr_t)p->timeline;

	if (!t || t->magic != KL_TL_MAGIC || t->version != KL_TL_VERSION || t->size != sizeof(*t))
		return 0;
	return t;
}

static void stamp(struct kl_tl_record *t, enum kl_tl_stamp which, uint64_t tsc)
{
	if (!t)
		return;
	t->stamp[which] = tsc;
	t->stamped |= 1U << which;
}

/* The last write before the jump: the checksum over everything else. */
static void timeline_seal(struct kl_tl_record *t)
{
	if (!t)
		return;
	stamp(t, KL_TL_PURG_JUMP, rdtsc());
	t->crc32 = 0;
	t->crc32 = kl_crc32(t, sizeof(*t));
}

/* 16550: registers at base+0..7; LSR bit 5 is "transmit holding empty".
 * The wait is bounded so a missing UART (reads as 0xff or 0) cannot hang. */
static void uart_putc(char c)
{
	unsigned int spin;

	for (spin = 0; spin < 100000; spin++)
		if (inb(uart + 5) & 0x20)
			break;
	outb((uint8_t)c, uart);
}

static void uart_puts(const char *s)
{
	for (; *s; s++) {
		if (*s == '\n')
			uart_putc('\r');
		uart_putc(*s);
	}
}

static void uart_puthex(uint64_t v)
{
	static const char digits[] = "0123456789abcdef";
	char buf[19];
	int i;

	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < 16; i++)
		buf[2 + i] = digits[(v >> (60 - 4 * i)) & 0xf];
	buf[18] = 0;
	uart_puts(buf);
}

static void uart_init(uint32_t baud)
{
	uint32_t div;

	if (!baud)
		return;
	div = 115200 / baud;
	if (!div)
		div = 1;
	outb(0x00, uart + 1);              /* IER: no interrupts */
	outb(0x80, uart + 3);              /* LCR: DLAB on */
	outb((uint8_t)div, uart + 0);      /* divisor low */
	outb((uint8_t)(div >> 8), uart + 1); /* divisor high */
	outb(0x03, uart + 3);              /* LCR: 8N1, DLAB off */
	outb(0x07, uart + 2);              /* FCR: enable and clear FIFOs */
	outb(0x03, uart + 4);              /* MCR: DTR, RTS */
}

static int params_ok(struct kl_purg_params *p)
{
	uint32_t want = p->checksum, got;

	if (p->magic != KL_PURG_MAGIC || p->version != KL_PURG_VERSION ||
	    p->size != sizeof(*p) || p->nr_segments > KL_PURG_SEGMENTS_MAX)
		return 0;
	p->checksum = 0;
	got = kl_crc32(p, sizeof(*p));
	p->checksum = want;
	return got == want;
}

static int digest_equal(const uint8_t *a, const uint8_t *b)
{
	uint8_t diff = 0;
	unsigned int i;

	for (i = 0; i < KL_SHA256_DIGEST_SIZE; i++)
		diff |= a[i] ^ b[i];
	return diff == 0;
}

/* A segment does not match its digest: say which, on the UART, and stop. */
static void __attribute__((noreturn)) mismatch(const char *check, const struct kl_purg_segment *s)
{
	uart_puts("kexec-live purgatory: ");
	uart_puts(check);
	uart_puts(" mismatch in segment at ");
	uart_puthex(s->addr);
	uart_puts(" length ");
	uart_puthex(s->len);
	uart_puts(", halting\n");
	kl_halt();
}

/* Bytes the check covers: every listed segment's digested part and its
 * proven-zero tail. */
static uint64_t checked_bytes(const struct kl_purg_params *p)
{
	uint64_t n = 0;
	unsigned int i;

	for (i = 0; i < p->nr_segments; i++)
		n += p->seg[i].len + p->seg[i].zero_len;
	return n;
}

/* Testing (--test-poison-cleared): prove the kernel reads none of the
 * memory it is trusted to clear itself by filling it with a pattern it
 * would trip over. */
static void poison_cleared(const struct kl_purg_params *p)
{
	volatile uint64_t *w = (volatile uint64_t *)(uintptr_t)p->cleared;
	uint64_t n;

	for (n = p->cleared_len / 8; n; n--)
		*w++ = 0xa5a5a5a5a5a5a5a5ULL;
}

void kl_purgatory_main(struct kl_purg_params *p)
{
	uint64_t start = rdtsc();
	struct kl_tl_record *tl;
	int verbose;
	unsigned int i;

	if (p->serial_port)
		uart = p->serial_port;
	if (!params_ok(p)) {
		uart_puts("kexec-live purgatory: parameter block corrupt, halting\n");
		kl_halt();
	}
	tl = timeline(p);
	stamp(tl, KL_TL_PURG_START, start);
	verbose = (p->flags & KL_PURG_F_SERIAL) != 0;
	if (verbose) {
		uart_init(p->serial_baud);
		uart_puts("kexec-live purgatory: started\n");
	}
	if (p->flags & KL_PURG_F_VERIFY_CRC32C) {
		for (i = 0; i < p->nr_segments; i++) {
			const struct kl_purg_segment *s = &p->seg[i];
			uint32_t want = (uint32_t)s->sha256[0] | (uint32_t)s->sha256[1] << 8 |
					(uint32_t)s->sha256[2] << 16 | (uint32_t)s->sha256[3] << 24;

			if (kl_crc32c((const void *)(uintptr_t)s->addr, s->len) != want)
				mismatch("CRC-32C", s);
		}
		if (verbose)
			uart_puts(kl_crc32c_uses_sse42() ? "kexec-live purgatory: CRC-32C of all segments ok (instruction)\n"
							 : "kexec-live purgatory: CRC-32C of all segments ok (sliced table)\n");
	}
	if (p->flags & KL_PURG_F_VERIFY_XXH64) {
		for (i = 0; i < p->nr_segments; i++) {
			const struct kl_purg_segment *s = &p->seg[i];
			uint64_t want = 0;
			int b;

			for (b = 7; b >= 0; b--)
				want = want << 8 | s->sha256[b];
			if (kl_xxh64((const void *)(uintptr_t)s->addr, s->len) != want)
				mismatch("XXH64", s);
		}
		if (verbose)
			uart_puts("kexec-live purgatory: XXH64 of all segments ok\n");
	}
	if (p->flags & (KL_PURG_F_VERIFY_CRC32C | KL_PURG_F_VERIFY_XXH64 | KL_PURG_F_VERIFY_SHA256)) {
		/* The image's trailing zeros: not hashed, only proven zero
		 * (several MiB of a kernel's .bss and .brk). */
		for (i = 0; i < p->nr_segments; i++) {
			const struct kl_purg_segment *s = &p->seg[i];

			if (s->zero_len && !kl_all_zero((const void *)(uintptr_t)(s->addr + s->len), s->zero_len))
				mismatch("zero-fill", s);
		}
	}
	if (p->flags & KL_PURG_F_VERIFY_SHA256) {
		for (i = 0; i < p->nr_segments; i++) {
			const struct kl_purg_segment *s = &p->seg[i];
			uint8_t got[KL_SHA256_DIGEST_SIZE];

			kl_sha256((const void *)(uintptr_t)s->addr, s->len, got);
			if (!digest_equal(got, s->sha256))
				mismatch("SHA-256", s);
		}
		if (verbose)
			uart_puts("kexec-live purgatory: SHA-256 of all segments ok\n");
	}
	if (tl) {
		tl->check = (p->flags & KL_PURG_F_VERIFY_SHA256)   ? KL_TL_CHECK_SHA256
			    : (p->flags & KL_PURG_F_VERIFY_CRC32C) ? KL_TL_CHECK_CRC32C
			    : (p->flags & KL_PURG_F_VERIFY_XXH64)  ? KL_TL_CHECK_XXH64
								   : KL_TL_CHECK_NONE;
		tl->checked_bytes = tl->check == KL_TL_CHECK_NONE ? 0 : checked_bytes(p);
		stamp(tl, KL_TL_PURG_CHECKED, rdtsc());
	}
	if (p->flags & KL_PURG_F_POISON_CLEARED) {
		poison_cleared(p);
		if (verbose)
			uart_puts("kexec-live purgatory: memory the kernel clears filled with 0xa5\n");
	}
	if (verbose) {
		uart_puts("kexec-live purgatory: entering kernel at ");
		uart_puthex(p->entry);
		uart_puts("\n");
	}
	timeline_seal(tl);
}
