/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Options from /etc/kexec-live.conf (defaults.h). */
#include "cmd/kexec/defaults.h"
#include "lib/base/log.h"

/* verify=MODE: --verify=MODE unless -i or --verify was given. */
static void apply_verify(struct kl_opts *o, const struct kl_conf *conf)
{
	const struct kl_conf_value *v = &conf->v[KL_CONF_VERIFY];
	enum kl_verify mode;

	/* the parser checked the value; a mode it passes is one we know */
	if (!v->line || kl_verify_by_name(v->value, &mode) < 0)
		return;
	if (o->verify_set || o->no_checks) {
		kl_debug("kexec: verify=%s (%s:%u) not applied: %s given\n", v->value, conf->path, v->line,
			 o->verify_set ? "--verify" : "-i");
		return;
	}
	o->boot.verify = mode;
	o->verify_line = v->line;
	kl_debug("kexec: --verify=%s from %s:%u\n", v->value, conf->path, v->line);
}

/* Why fast_path=yes is not for this load, or NULL when it is. */
static const char *fast_path_excluded(const struct kl_opts *o, const struct kl_defaults_facts *f)
{
	if (o->boot.preload_decompressed)
		return "--preload-decompressed is given anyway";
	if (o->no_preload)
		return "--no-preload-decompressed given";
	if (o->crash)
		return "-p (a crash kernel is loaded with kexec_file_load)";
	if (o->mode == KL_MODE_FILE)
		return "-s given";
	if (!f->preload_can_take)
		return "the kernel file is not one --preload-decompressed can take (a relocatable bzImage, "
		       "not compressed as a whole, with a payload of a known compression)";
	return NULL;
}

/* fast_path=yes: --preload-decompressed, where it can work. */
static void apply_fast_path(struct kl_opts *o, const struct kl_conf *conf, const struct kl_defaults_facts *f)
{
	const struct kl_conf_value *v = &conf->v[KL_CONF_FAST_PATH];
	const char *why_not;

	if (!kl_conf_bool(conf, KL_CONF_FAST_PATH))
		return;
	why_not = fast_path_excluded(o, f);
	if (why_not) {
		kl_debug("kexec: fast_path=yes (%s:%u) not applied: %s\n", conf->path, v->line, why_not);
		return;
	}
	if (f->lockdown[0]) {
		/* the one case a user must hear of: a setting not honoured */
		kl_msg("kexec", "warning: fast_path=yes (%s:%u) not applied: the kernel is locked down (%s) and "
		       "refuses kexec_load", conf->path, v->line, f->lockdown);
		return;
	}
	o->boot.preload_decompressed = true;
	o->fast_path_line = v->line;
	kl_debug("kexec: --preload-decompressed from %s:%u (fast_path=yes)\n", conf->path, v->line);
}

void kl_defaults_apply(struct kl_opts *o, const struct kl_conf *conf, const struct kl_defaults_facts *f)
{
	apply_fast_path(o, conf, f);
	apply_verify(o, conf);
}
