/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kexec-live's helpers (run.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <inttypes.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cmd/kexec-live/run.h"
#include "lib/base/log.h"
#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/sys/fileio.h"
#include "lib/timeline/collect.h"

extern char **environ;

static int spawn(const char *const *argv, const char *cwd, const char *log_path, bool detach, pid_t *ret,
		 struct kl_err *err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	pid_t pid;
	int r;

	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	if (detach) {
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
		posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID);
	}
	if (log_path) {
		posix_spawn_file_actions_addopen(&fa, 1, log_path, O_WRONLY | O_CREAT | O_APPEND, 0644);
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	}
	if (cwd)
		posix_spawn_file_actions_addchdir_np(&fa, cwd);
	/* a bare name is looked up in PATH, as the shell that started it did */
	r = posix_spawnp(&pid, argv[0], &fa, &attr, (char *const *)argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	if (r)
		return kl_fail(err, -r, "%s: %s", argv[0], strerror(r));
	*ret = pid;
	return 0;
}

int kl_spawn(const char *const *argv, const char *cwd, const char *log_path, pid_t *ret, struct kl_err *err)
{
	return spawn(argv, cwd, log_path, true, ret, err);
}

/* Wait for pid until deadline (CLOCK_MONOTONIC seconds); kill it then. */
static int wait_deadline(pid_t pid, const char *name, unsigned int timeout_s, struct kl_err *err)
{
	struct timespec t0, t;
	int status;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t w = waitpid(pid, &status, WNOHANG);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return kl_fail(err, -errno, "%s: waitpid: %s", name, strerror(errno));
		if (w == pid)
			break;
		clock_gettime(CLOCK_MONOTONIC, &t);
		if (t.tv_sec - t0.tv_sec >= (time_t)timeout_s) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return kl_fail(err, -ETIMEDOUT, "%s did not finish within %u s (killed)", name, timeout_s);
		}
		usleep(5000);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status))
		return kl_fail(err, -ECHILD, "%s exited %d", name, WEXITSTATUS(status));
	return kl_fail(err, -ECHILD, "%s was killed by signal %d", name, WTERMSIG(status));
}

int kl_run(const char *const *argv, const char *cwd, const char *log_path, unsigned int timeout_s,
	   struct kl_err *err)
{
	pid_t pid = -1;
	int r = spawn(argv, cwd, log_path, false, &pid, err);

	return r < 0 ? r : wait_deadline(pid, argv[0], timeout_s, err);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

int kl_hooks(const char *dir, const char *phase, unsigned int timeout_s, struct kl_err *err)
{
	struct dirent **list;
	int n, i, r = 0;

	if (!dir[0])
		return 0;
	n = scandir(dir, &list, NULL, by_name);
	if (n < 0)
		return kl_fail(err, -errno, "hooks %s: %s", dir, strerror(errno));
	for (i = 0; i < n; i++) {
		char path[KL_UPD_PATH_MAX + 256];
		struct stat st;

		if (r == 0 && list[i]->d_name[0] != '.' &&
		    snprintf(path, sizeof(path), "%s/%s", dir, list[i]->d_name) < (int)sizeof(path) &&
		    stat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111)) {
			const char *argv[] = { path, phase, NULL };

			r = kl_run(argv, NULL, NULL, timeout_s, err);
			if (r < 0)
				kl_fail_prefix(err, r, "hook %s", phase);
		}
		free(list[i]);
	}
	free(list);
	return r;
}

/* mountinfo escapes space, tab, newline and backslash as \ooo. */
static void unescape(char *s)
{
	char *o = s;

	for (; *s; s++) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '7' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
		    s[3] <= '7') {
			*o++ = (char)((s[1] - '0') << 6 | (s[2] - '0') << 3 | (s[3] - '0'));
			s += 3;
		} else {
			*o++ = *s;
		}
	}
	*o = '\0';
}

static int copy_field(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (n >= size)
		return -ENAMETOOLONG;
	memcpy(dst, src, n + 1);
	return 0;
}

int kl_mount_find(const char *mnt, char dev[KL_UPD_PATH_MAX], char fstype[KL_UPD_NAME_MAX + 1],
		  char options[KL_UPD_LINE_MAX], struct kl_err *err)
{
	FILE *f = fopen("/proc/self/mountinfo", "re");
	char *line = NULL;
	size_t cap = 0;
	int r = -ENOENT;

	if (!f)
		return kl_fail(err, -errno, "/proc/self/mountinfo: %s", strerror(errno));
	/* ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTS [TAGS...] - FSTYPE SOURCE SUPEROPTS;
	 * the last mount there wins (it hides the ones below) */
	while (getline(&line, &cap, f) > 0) {
		char *save = NULL, *w[5], *tok, *type, *src, *super;
		int i;

		line[strcspn(line, "\n")] = '\0';
		tok = strtok_r(line, " ", &save);
		for (i = 0; i < 5 && tok; i++, tok = strtok_r(NULL, " ", &save))
			w[i] = tok;
		if (i < 5)
			continue;
		while (tok && strcmp(tok, "-") != 0)
			tok = strtok_r(NULL, " ", &save);
		type = strtok_r(NULL, " ", &save);
		src = strtok_r(NULL, " ", &save);
		super = strtok_r(NULL, " ", &save);
		if (!type || !src || !super)
			continue;
		unescape(w[4]);
		unescape(src);
		if (strcmp(w[4], mnt) != 0)
			continue;
		if (copy_field(dev, KL_UPD_PATH_MAX, src) < 0 || copy_field(fstype, KL_UPD_NAME_MAX + 1, type) < 0 ||
		    copy_field(options, KL_UPD_LINE_MAX, super) < 0)
			r = -ENAMETOOLONG;
		else
			r = 0;
	}
	free(line);
	fclose(f);
	if (r == -ENOENT)
		return kl_fail(err, r, "%s: no file system is mounted there", mnt);
	if (r < 0)
		return kl_fail(err, r, "%s: its mount's fields are too long", mnt);
	return 0;
}

static int read_u64_file(const char *path, uint64_t *ret)
{
	char buf[64];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EINVAL;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return kl_parse_u64(buf, 0, ret);
}

int kl_pmem_range(const char *dev, uint64_t *ret_start, uint64_t *ret_size, struct kl_err *err)
{
	const char *name = strrchr(dev, '/') ? strrchr(dev, '/') + 1 : dev;
	char path[512];
	uint64_t start = 0, size = 0;

	/* pmemN, not a partition (pmemNpM) */
	if (strncmp(name, "pmem", 4) != 0 || !name[4] || strspn(name + 4, "0123456789") != strlen(name + 4) ||
	    strlen(name) > 32)
		return kl_fail(err, -ENODEV, "%s: not a pmem block device (/dev/pmemN)", dev);
	/* nd_pmem's namespace: /sys/block/pmemN/device is namespaceX.Y,
	 * whose resource and size are its physical range */
	snprintf(path, sizeof(path), "/sys/block/%s/device/resource", name);
	if (read_u64_file(path, &start) < 0)
		return kl_fail(err, -ENODEV, "%s: no physical address in %s (a partition, or not a pmem namespace?)",
			       dev, path);
	snprintf(path, sizeof(path), "/sys/block/%s/device/size", name);
	if (read_u64_file(path, &size) < 0 || size == 0)
		return kl_fail(err, -ENODEV, "%s: no size in %s", dev, path);
	*ret_start = start;
	*ret_size = size;
	return 0;
}

int kl_pmem_find(uint64_t start, uint64_t size, char ret[KL_UPD_PATH_MAX], struct kl_err *err)
{
	DIR *d = opendir("/sys/block");
	struct dirent *e;
	int r = -ENODEV;

	if (!d)
		return kl_fail(err, -errno, "/sys/block: %s", strerror(errno));
	while ((e = readdir(d))) {
		uint64_t s = 0, n = 0;
		char dev[64];

		if (strncmp(e->d_name, "pmem", 4) != 0 || strlen(e->d_name) > 32)
			continue;
		snprintf(dev, sizeof(dev), "/dev/%s", e->d_name);
		if (kl_pmem_range(dev, &s, &n, NULL) == 0 && s == start && n == size) {
			snprintf(ret, KL_UPD_PATH_MAX, "%s", dev);
			r = 0;
			break;
		}
	}
	closedir(d);
	if (r < 0)
		return kl_fail(err, r,
			       "no pmem device holds [0x%" PRIx64 ", 0x%" PRIx64 ") (are nd_pmem and nd_e820 loaded?)",
			       start, start + size);
	return 0;
}

double kl_tsc_ms(uint64_t from, uint64_t to, uint64_t hz)
{
	if (!hz)
		return 0;
	return to >= from ? (double)(to - from) * 1000.0 / (double)hz : -(double)(from - to) * 1000.0 / (double)hz;
}

int kl_tsc_hz(uint64_t *ret, struct kl_err *err)
{
	return kl_tsc_rate("", ret, err);
}

int kl_shell_quote(const char *s, char *buf, size_t size)
{
	size_t o = 0;

	if (size < 3)
		return -ENAMETOOLONG;
	buf[o++] = '\'';
	for (; *s; s++) {
		const char *piece = *s == '\'' ? "'\\''" : NULL;
		size_t n = piece ? strlen(piece) : 1;

		if (o + n + 2 > size)
			return -ENAMETOOLONG;
		if (piece)
			memcpy(buf + o, piece, n);
		else
			buf[o] = *s;
		o += n;
	}
	buf[o++] = '\'';
	buf[o] = '\0';
	return 0;
}

static int remove_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	return remove(path) < 0 ? -1 : 0;
}

int kl_remove_tree(const char *path)
{
	return nftw(path, remove_one, 16, FTW_DEPTH | FTW_PHYS) < 0 ? -errno : 0;
}
