/* SPDX-License-Identifier: GPL-2.0-or-later */
/* kexec-live: a live kernel update that VMs and processes survive
 * (kexec-live(8)). */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd/kexec-live/live.h"
#include "config.h"
#include "lib/base/log.h"
#include "lib/base/util.h"
#include "lib/sys/fileio.h"

static void usage(FILE *f)
{
	fputs("Usage: kexec-live [OPTIONS] COMMAND\n"
	      "Update the kernel while VMs and processes keep their memory: freeze them into a\n"
	      "DAX file system on preserved memory, kexec into the new kernel, resume them.\n"
	      "\n"
	      "Commands:\n"
	      "  update       prepare (check everything, stop nothing), freeze, hand over, exec;\n"
	      "               any failure before the exec undoes the freeze and loads nothing\n"
	      "  plan         check as update's prepare does and print the plan (update --dry-run)\n"
	      "  resume       in the new kernel: check the handoff, mount the DAX file system,\n"
	      "               restore the processes, resume the VMs\n"
	      "\n"
	      "Options:\n"
	      "  -c, --config=FILE     the configuration (default " KL_UPD_CONF_PATH ")\n"
	      "  -n, --dry-run         update: prepare, print the plan, change nothing\n"
	      "      --no-exec         update: stop once the new kernel is loaded (kexec -e later)\n"
	      "  -m, --manifest=FILE   resume: the manifest from FILE, not from the handoff table\n"
	      "                        (to retry: " KL_LIVE_MANIFEST ")\n"
	      "      --if-handed-over  resume: exit 0 when no update was handed over (the unit)\n"
	      "  -h, --help\n"
	      "  -v, --version\n"
	      "\n"
	      "Exit status: 0 success; 1 the update failed and was undone, or a resume step\n"
	      "failed (its images kept); 2 usage or configuration error; 3 resume: no update\n"
	      "was handed over.  See kexec-live(8).\n",
	      f);
}

void kl_live_report(const struct kl_upd *u, bool resumed, FILE *f)
{
	size_t i;

	if (!u->n_stamps || !u->tsc_hz)
		return;
	fprintf(f, "kexec-live: phases, in ms since the freeze (TSC at %.3f MHz, as the old kernel counted it)\n",
		(double)u->tsc_hz / 1e6);
	/* each stamp is the end of the step before it */
	fprintf(f, "  (frozen: VMs saved, processes dumped; loaded: the new kernel loaded; exec: kexec -e reached\n"
		   "   the purgatory; kernel: its check done, this kernel entered; resume: booted to kexec-live\n"
		   "   resume; mounted: the range checked, the file system mounted; restored: processes;\n"
		   "   resumed: VMs)\n");
	for (i = 0; i < u->n_stamps; i++) {
		double at = kl_tsc_ms(u->stamps[0].tsc, u->stamps[i].tsc, u->tsc_hz);

		if (i == 0)
			fprintf(f, "  %-10s %10.1f\n", u->stamps[i].name, at);
		else
			fprintf(f, "  %-10s %10.1f  +%.1f\n", u->stamps[i].name, at,
				kl_tsc_ms(u->stamps[i - 1].tsc, u->stamps[i].tsc, u->tsc_hz));
	}
	if (resumed)
		fprintf(f, "kexec-live: blackout %.1f ms, from the freeze to the last VM resumed\n",
			kl_tsc_ms(u->stamps[0].tsc, u->stamps[u->n_stamps - 1].tsc, u->tsc_hz));
}

static int load_config(const char *path, struct kl_upd *u)
{
	_cleanup_free_ char *text = NULL;
	struct kl_err err = { { 0 } };
	size_t len = 0;
	int r = kl_read_file("", path, KL_UPD_TEXT_MAX, &text, &len, &err);

	if (r == 0)
		r = kl_upd_parse(path, KL_UPD_CONFIG, text, len, u, &err);
	if (r < 0)
		say("%s", err.msg);
	return r;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "config", required_argument, NULL, 'c' },	{ "dry-run", no_argument, NULL, 'n' },
		{ "no-exec", no_argument, NULL, 'E' },		{ "manifest", required_argument, NULL, 'm' },
		{ "if-handed-over", no_argument, NULL, 'H' },	{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'v' },		{ NULL, 0, NULL, 0 },
	};
	struct kl_live_opts o = { .config = KL_UPD_CONF_PATH };
	struct kl_upd *u;
	const char *cmd;
	int c, r;

	while ((c = getopt_long(argc, argv, "c:nm:hv", longopts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o.config = optarg;
			break;
		case 'n':
			o.dry_run = true;
			break;
		case 'E':
			o.no_exec = true;
			break;
		case 'm':
			o.manifest = optarg;
			break;
		case 'H':
			o.if_handed_over = true;
			break;
		case 'h':
			usage(stdout);
			return kl_exit_code("kexec-live", 0, KL_LIVE_EXIT_USAGE);
		case 'v':
			printf("kexec-live %s\n", PACKAGE_VERSION);
			return kl_exit_code("kexec-live", 0, KL_LIVE_EXIT_USAGE);
		default:
			say("try 'kexec-live --help'");
			return KL_LIVE_EXIT_USAGE;
		}
	}
	if (optind != argc - 1) {
		say(optind == argc ? "a command is needed: update, plan or resume" : "one command at a time");
		return KL_LIVE_EXIT_USAGE;
	}
	cmd = argv[optind];
	if (!strcmp(cmd, "resume")) {
		if (o.dry_run || o.no_exec) {
			say("--dry-run and --no-exec are update's options");
			return KL_LIVE_EXIT_USAGE;
		}
		return kl_live_resume(&o);
	}
	if (strcmp(cmd, "update") != 0 && strcmp(cmd, "plan") != 0) {
		say("unknown command '%s' (known: update, plan, resume)", cmd);
		return KL_LIVE_EXIT_USAGE;
	}
	if (o.manifest || o.if_handed_over) {
		say("--manifest and --if-handed-over are resume's options");
		return KL_LIVE_EXIT_USAGE;
	}
	if (!strcmp(cmd, "plan"))
		o.dry_run = true;
	u = calloc(1, sizeof(*u));
	if (!u)
		return KL_LIVE_EXIT_FAILED;
	r = load_config(o.config, u) < 0 ? KL_LIVE_EXIT_USAGE : kl_live_update(u, &o);
	free(u);
	if (r == KL_LIVE_EXIT_USAGE)
		return r;
	return kl_exit_code("kexec-live", r, KL_LIVE_EXIT_FAILED);
}
