/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A QMP client (qmp.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "lib/base/util.h"
#include "lib/update/qmp.h"

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

/* One line from the server into line (without its newline), by deadline. */
static int read_line(struct kl_qmp *q, uint64_t deadline, char **ret, struct kl_err *err)
{
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);
		struct pollfd pfd = { .fd = q->fd, .events = POLLIN };
		uint64_t t = now_ms();
		ssize_t n;
		int r;

		if (nl) {
			size_t n_line = (size_t)(nl - q->buf);
			char *line = malloc(n_line + 1);

			if (!line)
				return kl_fail(err, -ENOMEM, "QMP %s: out of memory", q->path);
			memcpy(line, q->buf, n_line);
			line[n_line] = '\0';
			memmove(q->buf, nl + 1, q->len - n_line - 1);
			q->len -= n_line + 1;
			*ret = line;
			return 0;
		}
		if (q->len == sizeof(q->buf))
			return kl_fail(err, -EPROTO, "QMP %s: an answer longer than %zu bytes", q->path, sizeof(q->buf));
		if (t >= deadline)
			return kl_fail(err, -ETIMEDOUT, "QMP %s: no answer within %u ms", q->path, q->timeout_ms);
		r = poll(&pfd, 1, (int)(deadline - t));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return kl_fail(err, -errno, "QMP %s: poll: %s", q->path, strerror(errno));
		if (r == 0)
			continue;
		n = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kl_fail(err, -errno, "QMP %s: read: %s", q->path, strerror(errno));
		if (n == 0)
			return kl_fail(err, -ECONNRESET, "QMP %s: QEMU closed the connection", q->path);
		q->len += (size_t)n;
	}
}

/* The next object that is not an event. */
static int read_answer(struct kl_qmp *q, json_object **ret, struct kl_err *err)
{
	uint64_t deadline = now_ms() + q->timeout_ms;

	for (;;) {
		char *line = NULL;
		json_object *o;
		int r = read_line(q, deadline, &line, err);

		if (r < 0)
			return r;
		o = json_tokener_parse(line);
		free(line);
		if (!o || !json_object_is_type(o, json_type_object)) {
			json_object_put(o);
			return kl_fail(err, -EPROTO, "QMP %s: an answer that is not a JSON object", q->path);
		}
		if (json_object_object_get_ex(o, "event", NULL)) {
			json_object_put(o);
			continue;
		}
		*ret = o;
		return 0;
	}
}

static int write_all(struct kl_qmp *q, const char *s, struct kl_err *err)
{
	size_t n = strlen(s);

	while (n) {
		ssize_t w = send(q->fd, s, n, MSG_NOSIGNAL);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return kl_fail(err, -errno, "QMP %s: write: %s", q->path, strerror(errno));
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int kl_qmp_run(struct kl_qmp *q, const char *command, const char *arguments, json_object **ret_return,
	       struct kl_err *err)
{
	json_object *a = NULL, *v, *e;
	char *text;
	int r;

	if (arguments)
		r = asprintf(&text, "{\"execute\": \"%s\", \"arguments\": %s}\n", command, arguments);
	else
		r = asprintf(&text, "{\"execute\": \"%s\"}\n", command);
	if (r < 0)
		return kl_fail(err, -ENOMEM, "QMP %s: out of memory", q->path);
	r = write_all(q, text, err);
	free(text);
	if (r < 0)
		return r;
	r = read_answer(q, &a, err);
	if (r < 0)
		return kl_fail_prefix(err, r, "%s", command);
	if (json_object_object_get_ex(a, "error", &e)) {
		r = kl_fail(err, -EIO, "QMP %s: %s: %s (%s)", q->path, command, kl_qmp_str(e, "desc") ?: "?",
			    kl_qmp_str(e, "class") ?: "?");
		json_object_put(a);
		return r;
	}
	if (!json_object_object_get_ex(a, "return", &v)) {
		json_object_put(a);
		return kl_fail(err, -EPROTO, "QMP %s: %s: an answer with neither return nor error", q->path, command);
	}
	if (ret_return)
		*ret_return = json_object_get(v);
	json_object_put(a);
	return 0;
}

const char *kl_qmp_str(json_object *o, const char *key)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

int kl_qmp_open(const char *path, unsigned int timeout_ms, struct kl_qmp *ret, struct kl_err *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	json_object *greeting = NULL;
	int r;

	ret->fd = -1;
	ret->path = path;
	ret->timeout_ms = timeout_ms;
	ret->len = 0;
	if (strlen(path) >= sizeof(sa.sun_path))
		return kl_fail(err, -ENAMETOOLONG, "QMP %s: a socket path longer than %zu bytes", path,
			       sizeof(sa.sun_path) - 1);
	memcpy(sa.sun_path, path, strlen(path) + 1);
	ret->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (ret->fd < 0)
		return kl_fail(err, -errno, "QMP %s: socket: %s", path, strerror(errno));
	if (connect(ret->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		r = -errno;
		kl_qmp_close(ret);
		return kl_fail(err, r, "QMP %s: connect: %s", path, strerror(-r));
	}
	r = read_answer(ret, &greeting, err);
	if (r < 0) {
		kl_qmp_close(ret);
		return kl_fail_prefix(err, r, "the greeting");
	}
	if (!json_object_object_get_ex(greeting, "QMP", NULL)) {
		json_object_put(greeting);
		kl_qmp_close(ret);
		return kl_fail(err, -EPROTO, "QMP %s: no QMP greeting (another program's socket?)", path);
	}
	json_object_put(greeting);
	r = kl_qmp_run(ret, "qmp_capabilities", NULL, NULL, err);
	if (r < 0)
		kl_qmp_close(ret);
	return r;
}

int kl_qmp_open_wait(const char *path, unsigned int timeout_ms, struct kl_qmp *ret, struct kl_err *err)
{
	uint64_t deadline = now_ms() + timeout_ms;

	for (;;) {
		struct kl_err e = { { 0 } };
		int r = kl_qmp_open(path, timeout_ms, ret, &e);

		if (r == 0 || (r != -ENOENT && r != -ECONNREFUSED) || now_ms() >= deadline) {
			if (r < 0)
				kl_fail(err, r, "%s", e.msg);
			return r;
		}
		usleep(20000);
	}
}

void kl_qmp_close(struct kl_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	q->fd = -1;
}

int kl_qmp_peer_pid(const struct kl_qmp *q, pid_t *ret)
{
	struct ucred cred;
	socklen_t n = sizeof(cred);

	if (getsockopt(q->fd, SOL_SOCKET, SO_PEERCRED, &cred, &n) < 0)
		return -errno;
	*ret = cred.pid;
	return 0;
}
