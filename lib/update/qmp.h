/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * A client of QEMU's machine protocol (QMP, docs/interop/qmp-spec.rst):
 * one JSON object a line each way over a Unix socket; the server greets,
 * the client sends qmp_capabilities, then each command gets one "return"
 * or "error" answer, with asynchronous "event" objects in between.  Every
 * read has a deadline: a QEMU that stops answering fails the step, it
 * never hangs the update.
 */
#ifndef KL_QMP_H
#define KL_QMP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <json-c/json.h>

#include "lib/base/err.h"

struct kl_qmp {
	int fd;
	const char *path;      /* for messages; not owned */
	unsigned int timeout_ms;
	char buf[65536];
	size_t len;
};

/* Connect to the socket at path, read the greeting, negotiate.  Within
 * timeout_ms for each answer.  -ECONNREFUSED/-ENOENT when nothing listens
 * there. */
int kl_qmp_open(const char *path, unsigned int timeout_ms, struct kl_qmp *ret, struct kl_err *err);

/* The same, trying again until the socket answers or timeout_ms passed
 * (a QEMU that is starting creates its socket a moment later). */
int kl_qmp_open_wait(const char *path, unsigned int timeout_ms, struct kl_qmp *ret, struct kl_err *err);

void kl_qmp_close(struct kl_qmp *q);

/* The pid of the process at the other end (SO_PEERCRED). */
int kl_qmp_peer_pid(const struct kl_qmp *q, pid_t *ret);

/* Run command with arguments (a JSON object text, or NULL).  On success
 * *ret_return (when not NULL) holds the answer's "return" value, which
 * the caller releases with json_object_put(); an "error" answer fails
 * with -EIO and its class and desc in err. */
int kl_qmp_run(struct kl_qmp *q, const char *command, const char *arguments, json_object **ret_return,
	       struct kl_err *err);

/* A string member of a "return" object, or NULL. */
const char *kl_qmp_str(json_object *o, const char *key);

#endif
