/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A live update's configuration and manifest: whatever the bytes, a parse
 * either fails with a reason or yields bounded, NUL-terminated values, and
 * a manifest that parses is written back to text that parses to the same
 * struct. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/update/update.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_strings(const struct kl_upd *u)
{
	size_t i;

	if (strnlen(u->kernel, sizeof(u->kernel)) == sizeof(u->kernel) || u->kernel[0] != '/' ||
	    strnlen(u->append, sizeof(u->append)) == sizeof(u->append) || u->dax[0] != '/' ||
	    strnlen(u->state, sizeof(u->state)) == sizeof(u->state) || u->n_vms > KL_UPD_VMS_MAX ||
	    u->n_procs > KL_UPD_PROCS_MAX || u->n_stamps > KL_UPD_STAMPS_MAX || !u->timeout)
		abort();
	for (i = 0; i < u->n_vms; i++)
		if (u->vms[i].args_len > sizeof(u->vms[i].args) || u->vms[i].qmp[0] != '/' ||
		    (u->vms[i].args_len && u->vms[i].args[u->vms[i].args_len - 1] != '\0'))
			abort();
	for (i = 0; i < u->n_procs; i++)
		if (!u->procs[i].pid && !u->procs[i].pidfile[0])
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct kl_upd u, back;
	struct kl_err err = { { 0 } };
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int mode;

	for (mode = KL_UPD_CONFIG; mode <= KL_UPD_MANIFEST; mode++) {
		memset(&err, 0, sizeof(err));
		if (kl_upd_parse("fuzz", (enum kl_upd_mode)mode, (const char *)data, size, &u, &err) < 0) {
			if (!err.msg[0])
				abort();
			continue;
		}
		check_strings(&u);
		f = open_memstream(&text, &len);
		if (!f)
			abort();
		if (kl_upd_write(&u, f) < 0) { /* only a value with a line break */
			fclose(f);
			free(text);
			continue;
		}
		fclose(f);
		if (kl_upd_parse("fuzz", (enum kl_upd_mode)mode, text, len, &back, &err) < 0)
			abort();
		back.path = u.path;
		if (memcmp(&back, &u, sizeof(u)) != 0)
			abort();
		free(text);
		text = NULL;
	}
	return 0;
}
