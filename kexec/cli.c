/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "number.h"
#include "util.h"

enum {
	OPT_MEM_MIN = 0x100,
	OPT_MEM_MAX,
	OPT_COMMAND_LINE,
	OPT_APPEND,
	OPT_REUSE_CMDLINE,
	OPT_INITRD,
	OPT_CONSOLE_SERIAL,
	OPT_SERIAL,
	OPT_SERIAL_BAUD,
	OPT_NOEFI,
	OPT_REUSE_VIDEO_TYPE,
	OPT_PRINT_CKR_SIZE,
	OPT_ARGS_LINUX,
	OPT_DRY_RUN,
	OPT_TEST_CORRUPT_DIGEST,
	OPT_TEST_CORRUPT_ZEROS,
	OPT_VERIFY,
	OPT_PRELOAD_DECOMPRESSED,
	OPT_PRESERVE,
	OPT_HANDOFF_FILE,
	OPT_HANDOFF_FROM_PREVIOUS,
};

static const struct option kl_long_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, 'v' },
	{ "debug", no_argument, NULL, 'd' },
	{ "force", no_argument, NULL, 'f' },
	{ "no-ifdown", no_argument, NULL, 'x' },
	{ "no-sync", no_argument, NULL, 'y' },
	{ "no-checks", no_argument, NULL, 'i' },
	{ "load", no_argument, NULL, 'l' },
	{ "load-panic", no_argument, NULL, 'p' },
	{ "unload", no_argument, NULL, 'u' },
	{ "exec", no_argument, NULL, 'e' },
	{ "type", required_argument, NULL, 't' },
	{ "status", no_argument, NULL, 'S' },
	{ "kexec-file-syscall", no_argument, NULL, 's' },
	{ "kexec-syscall", no_argument, NULL, 'c' },
	{ "kexec-syscall-auto", no_argument, NULL, 'a' },
	{ "mem-min", required_argument, NULL, OPT_MEM_MIN },
	{ "mem-max", required_argument, NULL, OPT_MEM_MAX },
	{ "command-line", required_argument, NULL, OPT_COMMAND_LINE },
	{ "append", required_argument, NULL, OPT_APPEND },
	{ "reuse-cmdline", no_argument, NULL, OPT_REUSE_CMDLINE },
	{ "initrd", required_argument, NULL, OPT_INITRD },
	{ "ramdisk", required_argument, NULL, OPT_INITRD },
	{ "console-serial", no_argument, NULL, OPT_CONSOLE_SERIAL },
	{ "serial", required_argument, NULL, OPT_SERIAL },
	{ "serial-baud", required_argument, NULL, OPT_SERIAL_BAUD },
	{ "noefi", no_argument, NULL, OPT_NOEFI },
	{ "reuse-video-type", no_argument, NULL, OPT_REUSE_VIDEO_TYPE },
	{ "print-ckr-size", no_argument, NULL, OPT_PRINT_CKR_SIZE },
	{ "args-linux", no_argument, NULL, OPT_ARGS_LINUX },
	{ "dry-run", no_argument, NULL, OPT_DRY_RUN },
	{ "test-corrupt-digest", no_argument, NULL, OPT_TEST_CORRUPT_DIGEST },
	{ "test-corrupt-zeros", no_argument, NULL, OPT_TEST_CORRUPT_ZEROS },
	{ "verify", required_argument, NULL, OPT_VERIFY },
	{ "preload-decompressed", no_argument, NULL, OPT_PRELOAD_DECOMPRESSED },
	{ "preserve", required_argument, NULL, OPT_PRESERVE },
	{ "handoff-file", required_argument, NULL, OPT_HANDOFF_FILE },
	{ "handoff-from-previous", no_argument, NULL, OPT_HANDOFF_FROM_PREVIOUS },
	{ NULL, 0, NULL, 0 },
};

void kl_cli_usage(FILE *f)
{
	fputs("Usage: kexec [OPTION]... [KERNEL]\n"
	      "Load a new kernel and boot into it without firmware (kexec-tools compatible).\n"
	      "\n"
	      "Modes (the last one given wins; with none: load, then run `shutdown -r now'):\n"
	      "  -l, --load               load KERNEL for a later kexec -e\n"
	      "  -p, --load-panic         load KERNEL as the crash kernel (kexec_file_load only)\n"
	      "  -u, --unload             unload the loaded kernel (with -p: the crash kernel)\n"
	      "  -e, --exec               boot the loaded kernel now\n"
	      "  -f, --force              load KERNEL (if given) and boot it now, without shutdown\n"
	      "  -S, --status             exit 1 if a crash kernel (default, or -p) or a kernel\n"
	      "                           (-l) is loaded, 0 if not (as kexec-tools 2.0.25 does)\n"
	      "      --print-ckr-size     print the size of the crash kernel reservation\n"
	      "      --dry-run            print the load plan; no system call is made\n"
	      "\n"
	      "Loading:\n"
	      "  -t, --type=TYPE          image type: bzImage64 (also bzImage) or elf-x86_64\n"
	      "      --command-line=TEXT  the new kernel's command line\n"
	      "      --append=TEXT        same as --command-line (the last one wins)\n"
	      "      --reuse-cmdline      start from /proc/cmdline (without BOOT_IMAGE=);\n"
	      "                           --append/--command-line text is added after it\n"
	      "      --initrd=FILE        initial ramdisk\n"
	      "      --ramdisk=FILE       same as --initrd\n"
	      "      --args-linux         accepted for ELF images (they always get Linux boot\n"
	      "                           parameters)\n"
	      "      --mem-min=ADDR       lowest physical address a segment may use\n"
	      "      --mem-max=ADDR       highest physical address a segment may use (exclusive)\n"
	      "      --reuse-video-type   hand the running screen_info to the new kernel as is\n"
	      "      --noefi              do not hand EFI runtime information to the new kernel\n"
	      "      --preserve=NAME:START+SIZE[:pmem|reserved][:nodigest]\n"
	      "                           keep a range the running kernel does not use (from\n"
	      "                           memmap=SIZE!START or memmap=SIZE$START): no segment\n"
	      "                           lands in it, the new kernel's e820 marks it pmem\n"
	      "                           (default) or reserved, and the handoff table lists it\n"
	      "                           with the SHA-256 of its contents now (read through\n"
	      "                           /dev/pmemN or /dev/mem; :nodigest skips that)\n"
	      "                           (kexec_load only; repeatable; K, M, G suffixes)\n"
	      "      --handoff-file=NAME[:KIND]=PATH\n"
	      "                           carry the file's bytes across in memory the new\n"
	      "                           kernel keeps reserved, listed in the handoff table\n"
	      "                           with their SHA-256 (kexec_load only; repeatable)\n"
	      "      --handoff-from-previous\n"
	      "                           hand over again what this kernel received, after\n"
	      "                           checking every digest; a --preserve or --handoff-file\n"
	      "                           of the same name replaces the received entry\n"
	      "\n"
	      "System call (default -a):\n"
	      "  -a, --kexec-syscall-auto kexec_file_load, falling back to kexec_load when it is\n"
	      "                           not available (ENOSYS, EINVAL, ENOEXEC, ENOTSUP)\n"
	      "  -c, --kexec-syscall      kexec_load with our purgatory\n"
	      "  -s, --kexec-file-syscall kexec_file_load only; exit 253 when it is refused\n"
	      "  Options only kexec_load honours (-i, --verify, --preload-decompressed, --preserve,\n"
	      "  --handoff-file, --handoff-from-previous, --mem-min, --mem-max, --console-serial,\n"
	      "  --serial, --serial-baud, --noefi,\n"
	      "  -t elf-x86_64, ELF or compressed images)\n"
	      "  select kexec_load under -a (-d says why) and are refused with -s.\n"
	      "\n"
	      "kexec_load only:\n"
	      "  -i, --no-checks          skip the purgatory's check of the segments\n"
	      "      --verify=MODE        what the purgatory checks before the jump: sha256\n"
	      "                           (default), crc32c (much cheaper) or none\n"
	      "      --preload-decompressed\n"
	      "                           decompress the kernel's payload (and every\n"
	      "                           compressed initramfs member) now, so the new kernel\n"
	      "                           starts without a decompressor pass; KASLR is done\n"
	      "                           here unless the command line has nokaslr\n"
	      "      --console-serial     purgatory reports progress on the serial port\n"
	      "      --serial=PORT        serial port: ttyS0..ttyS3 or an I/O port (0x3f8)\n"
	      "      --serial-baud=BAUD   serial speed (a divisor of 115200)\n"
	      "      --test-corrupt-digest\n"
	      "                           testing: store a wrong digest for the kernel\n"
	      "                           segment; the purgatory must refuse to boot it\n"
	      "      --test-corrupt-zeros testing: with --preload-decompressed, leave a\n"
	      "                           non-zero word where the purgatory expects the\n"
	      "                           kernel's trailing zeros; it must refuse to boot\n"
	      "\n"
	      "Exec:\n"
	      "  -x, --no-ifdown          do not take network interfaces down before -e/-f\n"
	      "  -y, --no-sync            do not sync file systems before -e/-f\n"
	      "\n"
	      "Other:\n"
	      "  -d, --debug              print the plan and decisions on stderr, then act\n"
	      "  -v, --version            print the version\n"
	      "  -h, -?, --help           print this help\n"
	      "\n"
	      "Exit status: 0 success; 1 usage error, unreadable file, or nothing loaded for -e;\n"
	      "253 kexec_file_load refused under -s; 255 the load or exec failed.\n",
	      f);
}

static int usage_err(char *errbuf, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int usage_err(char *errbuf, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(errbuf, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* Every number an option takes: digits only, 0x for hexadecimal. */
static int parse_u64(const char *s, uint64_t *ret)
{
	return kl_parse_u64(s, 0, ret);
}

/* The option as the user wrote it, for a message: "--initrd" of
 * "--initrd=x", or "-t". */
static const char *option_word(const char *arg, char *buf, size_t len)
{
	size_t n = strcspn(arg, "=");

	snprintf(buf, len, "%.*s", (int)KL_MIN(n, (size_t)64), arg);
	return buf;
}

static int parse_serial(const char *s, uint16_t *ret)
{
	static const uint16_t ports[] = { 0x3f8, 0x2f8, 0x3e8, 0x2e8 };
	uint64_t v;

	if (!strncmp(s, "ttyS", 4) && s[4] >= '0' && s[4] <= '3' && !s[5]) {
		*ret = ports[s[4] - '0'];
		return 0;
	}
	if (parse_u64(s, &v) < 0 || !v || v > 0xfff8)
		return -EINVAL;
	*ret = (uint16_t)v;
	return 0;
}

/* Was the error getopt reported with optopt v for "--name=ARG", a long
 * option (or a prefix of one) that takes no argument? */
static bool long_takes_no_argument(const char *arg, int v)
{
	size_t n = strcspn(arg, "=");
	const struct option *lo;

	if (strncmp(arg, "--", 2) != 0 || !arg[n])
		return false;
	for (lo = kl_long_options; lo->name; lo++)
		if (lo->val == v && lo->has_arg == no_argument && !strncmp(lo->name, arg + 2, n - 2))
			return true;
	return false;
}

int kl_cli_parse(int argc, char **argv, struct kl_opts *ret, char *errbuf, size_t errlen)
{
	struct kl_opts o = {
		.do_load = true, .do_shutdown = true, .mode = KL_MODE_AUTO,
		.serial_port = 0x3f8, .status_crash = true, .verify = -1,
	};
	char word[80];
	int c;

	optind = 0; /* full re-initialisation (glibc), for repeated calls */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":hvdfxyilpuet:Ssca", kl_long_options, NULL)) != -1) {
		switch (c) {
		case 'h':
			o.help = true;
			break;
		case 'v':
			o.version = true;
			break;
		case 'd':
			o.debug = true;
			break;
		case 'f':
			o.do_shutdown = false;
			o.do_exec = true;
			break;
		case 'x':
			o.skip_ifdown = true;
			break;
		case 'y':
			o.skip_sync = true;
			break;
		case 'i':
			o.no_checks = true;
			break;
		case 'l':
			o.do_load = true;
			o.do_exec = o.do_shutdown = o.do_unload = o.crash = false;
			o.status_crash = false;
			break;
		case 'p':
			o.do_load = o.crash = o.status_crash = true;
			o.do_exec = o.do_shutdown = o.do_unload = false;
			break;
		case 'u':
			o.do_unload = true;
			o.do_load = o.do_exec = o.do_shutdown = false;
			break;
		case 'e':
			o.do_exec = true;
			o.do_load = o.do_shutdown = o.do_unload = false;
			break;
		case 't':
			o.type = optarg;
			break;
		case 'S':
			o.status = true;
			break;
		case 's':
			o.mode = KL_MODE_FILE;
			break;
		case 'c':
			o.mode = KL_MODE_LEGACY;
			break;
		case 'a':
			o.mode = KL_MODE_AUTO;
			break;
		case OPT_MEM_MIN:
			if (parse_u64(optarg, &o.mem_min) < 0)
				return usage_err(errbuf, errlen, "invalid --mem-min address '%s'", optarg);
			o.mem_min_set = true;
			break;
		case OPT_MEM_MAX:
			if (parse_u64(optarg, &o.mem_max) < 0 || !o.mem_max)
				return usage_err(errbuf, errlen, "invalid --mem-max address '%s'", optarg);
			o.mem_max_set = true;
			break;
		case OPT_COMMAND_LINE:
		case OPT_APPEND:
			o.cmdline = optarg;
			break;
		case OPT_REUSE_CMDLINE:
			o.reuse_cmdline = true;
			break;
		case OPT_INITRD:
			o.initrd = optarg;
			break;
		case OPT_CONSOLE_SERIAL:
			o.console_serial = true;
			break;
		case OPT_SERIAL:
			if (parse_serial(optarg, &o.serial_port) < 0)
				return usage_err(errbuf, errlen, "invalid --serial port '%s' (ttyS0..ttyS3 or an I/O port)",
						 optarg);
			o.serial_set = true;
			break;
		case OPT_SERIAL_BAUD: {
			uint64_t b;

			if (parse_u64(optarg, &b) < 0 || !b || b > 115200 || 115200 % b)
				return usage_err(errbuf, errlen, "invalid --serial-baud '%s' (a divisor of 115200)",
						 optarg);
			o.serial_baud = (uint32_t)b;
			o.baud_set = true;
			break;
		}
		case OPT_NOEFI:
			o.noefi = true;
			break;
		case OPT_REUSE_VIDEO_TYPE:
			o.reuse_video_type = true;
			break;
		case OPT_PRINT_CKR_SIZE:
			o.print_ckr_size = true;
			break;
		case OPT_ARGS_LINUX:
			break;
		case OPT_DRY_RUN:
			o.dry_run = true;
			break;
		case OPT_TEST_CORRUPT_DIGEST:
			o.test_corrupt_digest = true;
			break;
		case OPT_TEST_CORRUPT_ZEROS:
			o.test_corrupt_zeros = true;
			break;
		case OPT_VERIFY:
			if (!strcmp(optarg, "sha256"))
				o.verify = 1;
			else if (!strcmp(optarg, "crc32c"))
				o.verify = 2;
			else if (!strcmp(optarg, "none"))
				o.verify = 0;
			else
				return usage_err(errbuf, errlen, "invalid --verify '%s' (sha256, crc32c or none)", optarg);
			break;
		case OPT_PRELOAD_DECOMPRESSED:
			o.preload_decompressed = true;
			break;
		case OPT_PRESERVE: {
			struct kl_err err = { { 0 } };

			if (o.nr_preserve == KL_PRESERVE_MAX)
				return usage_err(errbuf, errlen, "at most %d --preserve ranges", KL_PRESERVE_MAX);
			if (kl_preserve_parse(optarg, &o.preserve[o.nr_preserve], &err) < 0)
				return usage_err(errbuf, errlen, "%s", err.msg);
			o.nr_preserve++;
			break;
		}
		case OPT_HANDOFF_FILE: {
			struct kl_err err = { { 0 } };

			if (o.nr_blobs == KL_BLOBS_MAX)
				return usage_err(errbuf, errlen, "at most %d --handoff-file blobs", KL_BLOBS_MAX);
			if (kl_blob_parse(optarg, &o.blobs[o.nr_blobs], &err) < 0)
				return usage_err(errbuf, errlen, "%s", err.msg);
			o.nr_blobs++;
			break;
		}
		case OPT_HANDOFF_FROM_PREVIOUS:
			o.handoff_from_previous = true;
			break;
		case ':': /* a required argument is missing; getopt went past it */
			if (!strncmp(argv[optind - 1], "--", 2))
				return usage_err(errbuf, errlen, "option '%s' needs an argument",
						 option_word(argv[optind - 1], word, sizeof(word)));
			return usage_err(errbuf, errlen, "option '-%c' needs an argument", optopt);
		case '?':
			if (optopt == '?') {
				o.help = true;
				break;
			}
			if (!optopt)
				return usage_err(errbuf, errlen, "unknown or ambiguous option '%s'",
						 option_word(argv[optind - 1], word, sizeof(word)));
			if (long_takes_no_argument(argv[optind - 1], optopt))
				return usage_err(errbuf, errlen, "option '%s' takes no argument",
						 option_word(argv[optind - 1], word, sizeof(word)));
			if (optopt > 0x20 && optopt < 0x7f)
				return usage_err(errbuf, errlen, "unknown option '-%c'", optopt);
			return usage_err(errbuf, errlen, "unknown option");
		default:
			return usage_err(errbuf, errlen, "unknown option");
		}
	}
	if (optind < argc)
		o.kernel = argv[optind++];
	if (optind < argc)
		return usage_err(errbuf, errlen, "unexpected argument '%s' (one kernel image only)", argv[optind]);
	if (o.no_checks && o.verify > 0)
		return usage_err(errbuf, errlen, "-i and --verify=%s contradict each other",
				 o.verify == 1 ? "sha256" : "crc32c");
	if (o.verify == 0)
		o.no_checks = true;
	if (o.mem_min_set && o.mem_max_set && o.mem_min >= o.mem_max)
		return usage_err(errbuf, errlen, "--mem-min (0x%llx) must be below --mem-max (0x%llx)",
				 (unsigned long long)o.mem_min, (unsigned long long)o.mem_max);
	{
		/* a handoff entry is found by its name: one of each */
		const char *names[KL_PRESERVE_MAX + KL_BLOBS_MAX];
		size_t n = 0, i, j;

		for (i = 0; i < o.nr_preserve; i++)
			names[n++] = o.preserve[i].name;
		for (i = 0; i < o.nr_blobs; i++)
			names[n++] = o.blobs[i].name;
		for (i = 0; i < n; i++)
			for (j = 0; j < i; j++)
				if (!strcmp(names[i], names[j]))
					return usage_err(errbuf, errlen, "handoff name '%s' is given twice", names[i]);
	}
	*ret = o;
	return 0;
}

const char *kl_cli_legacy_reason(const struct kl_opts *o)
{
	if (o->nr_preserve)
		return "--preserve";
	if (o->nr_blobs)
		return "--handoff-file";
	if (o->handoff_from_previous)
		return "--handoff-from-previous";
	if (o->preload_decompressed)
		return "--preload-decompressed";
	if (o->no_checks)
		return "-i or --verify=none (skip the purgatory's checks)";
	if (o->verify > 0)
		return "--verify (the purgatory's check)";
	if (o->test_corrupt_digest)
		return "--test-corrupt-digest";
	if (o->test_corrupt_zeros)
		return "--test-corrupt-zeros";
	if (o->mem_min_set || o->mem_max_set)
		return "--mem-min/--mem-max";
	if (o->console_serial || o->serial_set || o->baud_set)
		return "--console-serial/--serial/--serial-baud";
	if (o->noefi)
		return "--noefi";
	if (o->type && !strcmp(o->type, "elf-x86_64"))
		return "-t elf-x86_64";
	return NULL;
}
