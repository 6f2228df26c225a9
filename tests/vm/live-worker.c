/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The process of the live-update VM tests: 64 MiB filled from a fixed
 * seed, a counter that goes up every 100 ms, each written to LOG as
 * "count N"; on SIGUSR1 the buffer's checksum is computed again and
 * written as "sum S".  A process CRIU restores with its memory intact
 * goes on counting from N + 1 and gives the same sum.
 *   live-worker LOG        run
 *   live-worker --sum      print the sum a fresh buffer has, and exit
 * Built static, so that it needs no library in the guest.
 */
#include <fcntl.h>
#include <inttypes.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define WORDS ((64u << 20) / sizeof(uint64_t))

static volatile sig_atomic_t want_sum;

static void on_usr1(int sig)
{
	(void)sig;
	want_sum = 1;
}

static void fill(uint64_t *buf)
{
	uint64_t x = 0x9e3779b97f4a7c15u;
	size_t i;

	for (i = 0; i < WORDS; i++) { /* xorshift64 */
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = x;
	}
}

static uint64_t sum(const uint64_t *buf)
{
	uint64_t h = 0xcbf29ce484222325u;
	size_t i;

	for (i = 0; i < WORDS; i++)
		h = (h ^ buf[i]) * 0x100000001b3u;
	return h;
}

static void put(int fd, const char *fmt, uint64_t v)
{
	char line[64];
	int n = snprintf(line, sizeof(line), fmt, v);

	if (write(fd, line, (size_t)n) != n)
		exit(1);
}

int main(int argc, char **argv)
{
	struct timespec tick = { .tv_sec = 0, .tv_nsec = 100 * 1000 * 1000 };
	uint64_t *buf = malloc(WORDS * sizeof(uint64_t)), count = 0;
	int fd;

	if (!buf || argc != 2)
		return 2;
	fill(buf);
	if (!strcmp(argv[1], "--sum")) {
		printf("sum %016" PRIx64 "\n", sum(buf));
		return 0;
	}
	fd = open(argv[1], O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return 1;
	signal(SIGUSR1, on_usr1);
	put(fd, "sum %016" PRIx64 "\n", sum(buf));
	for (;;) {
		nanosleep(&tick, NULL);
		put(fd, "count %" PRIu64 "\n", ++count);
		if (want_sum) {
			want_sum = 0;
			put(fd, "sum %016" PRIx64 "\n", sum(buf));
		}
	}
}
