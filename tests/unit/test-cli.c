/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * The command line: parsing (kexec-tools spellings, permutation, prefixes,
 * systemd's argv) and whole runs of kl_main() through a recording syscall
 * table, asserting exit codes and exactly which calls were made.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fixture.h"
#include "cmd/kexec/cli.h"
#include "cmd/kexec/kexec.h"
#include "lib/base/util.h"
#include "lib/sys/sys.h"

/* ---- parsing ------------------------------------------------------------ */

static struct kl_opts parse(int argc, const char **argv)
{
	struct kl_opts o;
	struct kl_err err = { { 0 } };

	if (kl_cli_parse(argc, (char **)argv, &o, &err) < 0)
		fail_msg("parse failed: %s", err.msg);
	return o;
}

#define PARSE(...)                                                            \
	({                                                                    \
		const char *_a[] = { "kexec", __VA_ARGS__ };                  \
		parse((int)KL_ARRAY_SIZE(_a), _a);                            \
	})

static int parse_fails(int argc, const char **argv, const char *needle)
{
	struct kl_opts o;
	struct kl_err err = { { 0 } };

	if (kl_cli_parse(argc, (char **)argv, &o, &err) == 0)
		return 0;
	if (!strstr(err.msg, needle))
		fail_msg("error '%s' lacks '%s'", err.msg, needle);
	return 1;
}

#define PARSE_FAILS(needle, ...)                                              \
	do {                                                                  \
		const char *_a[] = { "kexec", __VA_ARGS__ };                  \
		if (!parse_fails((int)KL_ARRAY_SIZE(_a), _a, needle))         \
			fail_msg("accepted, wanted error '%s'", needle);     \
	} while (0)

static void permutation_and_prefixes(void **state)
{
	struct kl_opts o;

	(void)state;
	o = PARSE("--initrd=I", "-l", "K");
	assert_string_equal(o.kernel, "K");
	assert_string_equal(o.initrd, "I");
	assert_true(o.do_load && !o.do_exec && !o.do_shutdown);
	o = PARSE("-l", "K", "--initrd=I");
	assert_string_equal(o.kernel, "K");
	assert_string_equal(o.initrd, "I");
	/* systemd: kexec --load K --append O --initrd I (separate words) */
	o = PARSE("--load", "K", "--append", "root=/dev/vda ro", "--initrd", "I");
	assert_string_equal(o.kernel, "K");
	assert_string_equal(o.boot.cmdline, "root=/dev/vda ro");
	assert_string_equal(o.initrd, "I");
	/* unique prefixes of long options */
	o = PARSE("--ini=I", "--app=x", "--reuse-c", "-l", "K");
	assert_string_equal(o.initrd, "I");
	assert_string_equal(o.boot.cmdline, "x");
	assert_true(o.reuse_cmdline);
	o = PARSE("--ramdisk", "R", "-l", "K");
	assert_string_equal(o.initrd, "R");
}

static void last_one_wins(void **state)
{
	struct kl_opts o;

	(void)state;
	o = PARSE("--command-line=a", "--append=b", "-l", "K");
	assert_string_equal(o.boot.cmdline, "b");
	o = PARSE("--append=b", "--command-line=a", "-l", "K");
	assert_string_equal(o.boot.cmdline, "a");
	o = PARSE("-l", "-e");
	assert_true(o.do_exec && !o.do_load);
	o = PARSE("-e", "-l", "K");
	assert_true(o.do_load && !o.do_exec);
	o = PARSE("-p", "-l", "K");
	assert_false(o.crash);
	o = PARSE("-l", "-p", "K");
	assert_true(o.crash);
	o = PARSE("-s", "-c");
	assert_int_equal(o.mode, KL_MODE_LEGACY);
	o = PARSE("-c", "-a");
	assert_int_equal(o.mode, KL_MODE_AUTO);
	/* -x and -y hold whatever order they come in */
	o = PARSE("-x", "-y", "-e");
	assert_true(o.skip_ifdown && o.skip_sync && o.do_exec);
	o = PARSE("K");
	assert_true(o.do_load && o.do_shutdown && !o.do_exec);
	o = PARSE("-f", "K");
	assert_true(o.do_load && o.do_exec && !o.do_shutdown);
}

static void values(void **state)
{
	struct kl_opts o;

	(void)state;
	o = PARSE("--serial=ttyS1", "--serial-baud=9600", "--mem-min=0x100000", "--mem-max=1073741824", "-l", "K");
	assert_int_equal(o.boot.serial_port, 0x2f8);
	assert_int_equal(o.boot.serial_baud, 9600);
	assert_int_equal(o.boot.mem_min, 0x100000);
	assert_int_equal(o.boot.mem_max, 1 << 30);
	o = PARSE("--serial=0x3e8", "-t", "bzImage", "-l", "K");
	assert_int_equal(o.boot.serial_port, 0x3e8);
	assert_string_equal(o.boot.type, "bzImage");
	o = PARSE("-?");
	assert_true(o.help);
	o = PARSE("-S", "-l");
	assert_true(o.status && !o.status_crash);
	o = PARSE("-S");
	assert_true(o.status && o.status_crash);
	o = PARSE("--preserve=vm-ram:1G+64M", "--preserve=dev:0x50000000+4K:reserved", "-l", "K");
	assert_int_equal(o.nr_preserve, 2);
	assert_string_equal(o.preserve[0].name, "vm-ram");
	assert_int_equal(o.preserve[0].start, 1ULL << 30);
	assert_int_equal(o.preserve[0].size, 64ULL << 20);
	assert_int_equal(o.preserve[0].keep, KL_HO_KEEP_PMEM);
	assert_int_equal(o.preserve[1].start, 0x50000000);
	assert_int_equal(o.preserve[1].size, 4096);
	assert_int_equal(o.preserve[1].keep, KL_HO_KEEP_RESERVED);
	assert_false(o.preserve[1].no_digest);
	o = PARSE("--preserve=a:1G+4K:nodigest", "--preserve=b:2G+4K:reserved:nodigest",
		  "--handoff-file=state:vmm=/run/vmm/state=1", "--handoff-file=raw=/tmp/raw", "--handoff-from-previous",
		  "-l", "K");
	assert_true(o.preserve[0].no_digest);
	assert_int_equal(o.preserve[0].keep, KL_HO_KEEP_PMEM);
	assert_true(o.preserve[1].no_digest);
	assert_int_equal(o.preserve[1].keep, KL_HO_KEEP_RESERVED);
	assert_int_equal(o.nr_blobs, 2);
	assert_string_equal(o.blobs[0].name, "state");
	assert_string_equal(o.blobs[0].kind, "vmm");
	assert_string_equal(o.blobs[0].path, "/run/vmm/state=1"); /* the first '=' ends the name */
	assert_string_equal(o.blobs[1].name, "raw");
	assert_string_equal(o.blobs[1].kind, "");
	assert_true(o.handoff_from_previous);
	o = PARSE("--verify=none", "-l", "K");
	assert_true(o.no_checks);
	o = PARSE("--verify=crc32c", "--preload-decompressed", "-l", "K");
	assert_int_equal(o.boot.verify, KL_VERIFY_CRC32C);
	assert_true(o.boot.preload_decompressed);
}

static void usage_errors(void **state)
{
	(void)state;
	PARSE_FAILS("unknown", "--bogus");
	PARSE_FAILS("unknown", "-Q");
	PARSE_FAILS("unexpected argument", "-l", "K1", "K2");
	PARSE_FAILS("--mem-min", "--mem-min=0x200000", "--mem-max=0x100000", "-l", "K");
	PARSE_FAILS("--mem-min", "--mem-min=2M", "-l", "K");
	PARSE_FAILS("--serial-baud", "--serial-baud=1000", "-l", "K");
	PARSE_FAILS("--serial", "--serial=ttyS9", "-l", "K");
	/* the option named, never getopt's internal value as a character */
	PARSE_FAILS("option '--initrd' needs an argument", "-l", "K", "--initrd");
	PARSE_FAILS("option '--serial' needs an argument", "-l", "K", "--serial");
	PARSE_FAILS("option '--mem-min' needs an argument", "-l", "K", "--mem-min");
	PARSE_FAILS("option '--type' needs an argument", "-l", "K", "--type");
	PARSE_FAILS("option '-t' needs an argument", "-l", "K", "-t");
	PARSE_FAILS("option '--help' takes no argument", "--help=x");
	PARSE_FAILS("option '--unload' takes no argument", "--unload=x");
	PARSE_FAILS("unknown option '-Q'", "-lQ", "K");
	/* one number parser: no sign, no space, no junk, no overflow */
	PARSE_FAILS("--mem-max", "--mem-max= -1", "-l", "K");
	PARSE_FAILS("--mem-max", "--mem-max=-1", "-l", "K");
	PARSE_FAILS("--mem-min", "--mem-min= -4096", "-l", "K");
	PARSE_FAILS("--mem-min", "--mem-min=+4096", "-l", "K");
	PARSE_FAILS("--mem-min", "--mem-min=0x", "-l", "K");
	PARSE_FAILS("--mem-min", "--mem-min=0x1000 ", "-l", "K");
	PARSE_FAILS("--mem-max", "--mem-max=0x10000000000000000", "-l", "K");
	PARSE_FAILS("--mem-max", "--mem-max=18446744073709551616", "-l", "K");
	PARSE_FAILS("--serial", "--serial= 0x3f8", "-l", "K");
	PARSE_FAILS("--serial-baud", "--serial-baud=-9600", "-l", "K");
	PARSE_FAILS("overflows 64 bits", "--preserve=x:0xfffffffffffff000+8K", "-l", "K");
	PARSE_FAILS("overflows 64 bits", "--preserve=x:1G+0x40000000000000000", "-l", "K");
	PARSE_FAILS("NAME:START+SIZE", "--preserve=x: 1G+64M", "-l", "K");
	PARSE_FAILS("NAME:START+SIZE", "--preserve=x:1G+-64M", "-l", "K");
	PARSE_FAILS("--verify", "--verify=md5", "-l", "K");
	PARSE_FAILS("contradict", "-i", "--verify=crc32c", "-l", "K");
	PARSE_FAILS("NAME[:KIND]=PATH", "--handoff-file=state", "-l", "K");
	PARSE_FAILS("NAME[:KIND]=PATH", "--handoff-file==/tmp/x", "-l", "K");
	PARSE_FAILS("printable", "--handoff-file=a b=/tmp/x", "-l", "K");
	PARSE_FAILS("given twice", "--preserve=x:1G+64M", "--handoff-file=x=/tmp/x", "-l", "K");
	PARSE_FAILS("given twice", "--handoff-file=x=/a", "--handoff-file=x=/b", "-l", "K");
	PARSE_FAILS(":nodigest", "--preserve=x:1G+64M:nodigest:pmem", "-l", "K");
	PARSE_FAILS("NAME:START+SIZE", "--preserve=1G+64M", "-l", "K");
	PARSE_FAILS("page aligned", "--preserve=x:1G+100", "-l", "K");
	PARSE_FAILS(":pmem or :reserved", "--preserve=x:1G+64M:ram", "-l", "K");
	PARSE_FAILS("printable", "--preserve=a b:1G+64M", "-l", "K");
}

#define REASON(...)                                                           \
	({                                                                    \
		struct kl_opts _o = PARSE(__VA_ARGS__);                       \
		kl_cli_legacy_reason(&_o);                                    \
	})

static void legacy_reasons(void **state)
{
	(void)state;
	assert_null(REASON("-l", "K"));
	assert_null(REASON("--reuse-video-type", "-l", "K"));
	assert_non_null(REASON("-i", "-l", "K"));
	assert_non_null(REASON("--mem-max=0x40000000", "-l", "K"));
	assert_non_null(REASON("--console-serial", "-l", "K"));
	assert_non_null(REASON("--noefi", "-l", "K"));
	assert_non_null(REASON("-t", "elf-x86_64", "-l", "K"));
	assert_null(REASON("-t", "bzImage64", "-l", "K"));
	/* the type stored last decides */
	assert_null(REASON("-t", "elf-x86_64", "-t", "bzImage64", "-l", "K"));
	assert_non_null(REASON("-t", "bzImage", "--type=elf-x86_64", "-l", "K"));
	assert_non_null(REASON("--verify=none", "-l", "K"));
	assert_non_null(REASON("--serial-baud=9600", "-l", "K"));
	assert_non_null(REASON("--test-corrupt-zeros", "-l", "K"));
	assert_non_null(REASON("--test-poison-cleared", "-l", "K"));
	assert_null(REASON("--reuse-cmdline", "--initrd=I", "--append=x", "-x", "-y", "-d", "-l", "K"));
	assert_non_null(REASON("--preload-decompressed", "-l", "K"));
	assert_non_null(REASON("--verify=sha256", "-l", "K"));
	assert_non_null(REASON("--preserve=vm-ram:1G+64M", "-l", "K"));
	assert_non_null(REASON("--handoff-file=s=/x", "-l", "K"));
	assert_non_null(REASON("--handoff-from-previous", "-l", "K"));
}

/* --help is generated from the option table: lines fit 80 columns, and
 * the note on kexec_load names what kl_cli_legacy_reason acts on. */
static void help_from_table(void **state)
{
	char *text = NULL, *line, *nl;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	(void)state;
	assert_non_null(f);
	kl_cli_usage(f);
	assert_int_equal(fclose(f), 0);
	for (line = text; (nl = strchr(line, '\n')); line = nl + 1)
		if (nl - line > 80)
			fail_msg("help line over 80 columns: %.*s", (int)(nl - line), line);
	assert_non_null(strstr(text, "  -l, --load               load KERNEL for a later kexec -e\n"));
	assert_non_null(strstr(text, "      --preserve=NAME:START+SIZE[:pmem|reserved][:nodigest]\n"
				     "                           keep a range"));
	assert_non_null(strstr(text, "  -h, -?, --help           print this help\n"));
	assert_non_null(strstr(text, "honours (-t elf-x86_64, --mem-min,"));
	assert_null(strstr(text, "--reuse-cmdline,"));
	free(text);
}

/* ---- whole runs through a recording seam --------------------------------- */

static char calls[4096];
static int file_errno, load_errno;
static char root[256];

static void rec(const char *s)
{
	strncat(calls, s, sizeof(calls) - strlen(calls) - 1);
	strncat(calls, ";", sizeof(calls) - strlen(calls) - 1);
}

static void set_state(const char *file, int v)
{
	char p[512];
	FILE *f;

	snprintf(p, sizeof(p), "%s/sys/kernel/%s", root, file);
	f = fopen(p, "w");
	assert_non_null(f);
	fprintf(f, "%d\n", v);
	fclose(f);
}

static int r_load(uint64_t entry, unsigned long nr, const struct kl_kexec_segment *segs, unsigned long flags)
{
	char b[64];

	(void)entry;
	(void)segs;
	snprintf(b, sizeof(b), "load(%lu,0x%lx)", nr, flags);
	rec(b);
	if (load_errno)
		return -load_errno;
	set_state(flags & 1 ? "kexec_crash_loaded" : "kexec_loaded", nr ? 1 : 0);
	return 0;
}

static int r_file(int kfd, int ifd, unsigned long len, const char *cmdline, unsigned long flags)
{
	char b[256];

	snprintf(b, sizeof(b), "file(%s,%s,\"%s\",0x%lx)", kfd >= 0 ? "k" : "-", ifd >= 0 ? "i" : "-",
		 cmdline ? cmdline : "", flags);
	rec(b);
	if (cmdline)
		assert_int_equal(len, strlen(cmdline) + 1);
	if (file_errno)
		return -file_errno;
	set_state(flags & 2 ? "kexec_crash_loaded" : "kexec_loaded", flags & 1 ? 0 : 1);
	return 0;
}

static int r_reboot(void) { rec("reboot"); return 0; }
static int r_ifdown(void) { rec("ifdown"); return 0; }
static void r_sync(void) { rec("sync"); }
static int r_shutdown(void) { rec("shutdown"); return 0; }
static int r_random(void *b, size_t n) { memset(b, 1, n); return 0; }

static struct kl_sys rsys = {
	.name = "recording", .root = root,
	.kexec_load = r_load, .kexec_file_load = r_file, .reboot_kexec = r_reboot,
	.ifdown = r_ifdown, .sync = r_sync, .shutdown = r_shutdown, .getrandom = r_random,
};

static char kpath[300], ipath[300], junkpath[300], emptypath[300];
static char pkpath[300]; /* a bzImage with a gzip payload: the fast path can take it */
static char ukipath[300]; /* a UKI: that bzImage as .linux, .initrd and .cmdline */

static int setup(void **state)
{
	char cmd[1024];
	size_t len;
	uint8_t *k = fx_bzimage(&(struct fx_bzimage_opts){ 0 }, &len);
	FILE *f;

	(void)state;
	snprintf(root, sizeof(root), "/tmp/kl-test-cli.XXXXXX");
	assert_non_null(mkdtemp(root));
	snprintf(cmd, sizeof(cmd), "cp -r '%s/tests/fixtures/qemu-2g/.' '%s/'", fx_srcdir(), root);
	assert_int_equal(system(cmd), 0);
	snprintf(kpath, sizeof(kpath), "%s/vmlinuz", root);
	snprintf(pkpath, sizeof(pkpath), "%s/vmlinuz-payload", root);
	{
		const struct fx_elf_load one[] = { { 0x1000000, 0x2000, 0x2000 } };
		size_t el, zl, pl;
		uint8_t *e = fx_elf(one, 1, 0x1000000, &el), *z = fx_gzip(e, el, &zl);
		uint8_t *p = fx_bzimage(&(struct fx_bzimage_opts){ .payload = z, .payload_len = zl }, &pl);

		f = fopen(pkpath, "w");
		fwrite(p, 1, pl, f);
		fclose(f);
		{
			const struct fx_pe_section secs[] = {
				{ .name = ".cmdline", .data = "console=ttyS0 kl.uki=1\n", .len = 23 },
				{ .name = ".linux", .data = p, .len = pl },
				{ .name = ".initrd", .data = "070701", .len = 6 },
			};
			size_t ul;
			uint8_t *u = fx_uki(secs, 3, 0, &ul);

			snprintf(ukipath, sizeof(ukipath), "%s/uki.efi", root);
			f = fopen(ukipath, "w");
			fwrite(u, 1, ul, f);
			fclose(f);
			free(u);
		}
		free(p);
		free(z);
		free(e);
	}
	snprintf(ipath, sizeof(ipath), "%s/initrd", root);
	snprintf(junkpath, sizeof(junkpath), "%s/junk", root);
	snprintf(emptypath, sizeof(emptypath), "%s/empty", root);
	f = fopen(kpath, "w");
	fwrite(k, 1, len, f);
	fclose(f);
	f = fopen(ipath, "w");
	fputs("not really a cpio archive", f);
	fclose(f);
	f = fopen(junkpath, "w");
	fputs("this is no kernel image at all, just text", f);
	fclose(f);
	f = fopen(emptypath, "w");
	fclose(f);
	free(k);
	return 0;
}

static int teardown(void **state)
{
	char cmd[512];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", root);
	return system(cmd);
}

static int run(int argc, const char **argv)
{
	calls[0] = 0;
	return kl_main(argc, (char **)argv, &rsys);
}

#define RUN(...)                                                              \
	({                                                                    \
		const char *_a[] = { "kexec", __VA_ARGS__ };                  \
		run((int)KL_ARRAY_SIZE(_a), _a);                              \
	})

static void reset(void)
{
	file_errno = load_errno = 0;
	set_state("kexec_loaded", 0);
	set_state("kexec_crash_loaded", 0);
}

static void exec_needs_a_loaded_kernel(void **state)
{
	(void)state;
	reset();
	assert_int_equal(RUN("-e"), 1);
	assert_string_equal(calls, ""); /* no sync, no ifdown, no reboot */
	assert_int_equal(RUN("-l", kpath, "--append=quiet"), 0);
	assert_string_equal(calls, "file(k,-,\"quiet\",0x4);");
	assert_int_equal(RUN("-e"), 0);
	assert_string_equal(calls, "sync;ifdown;reboot;");
	assert_int_equal(RUN("-x", "-y", "-e"), 0);
	assert_string_equal(calls, "reboot;");
	assert_int_equal(RUN("-e", "-x"), 0);
	assert_string_equal(calls, "sync;reboot;");
}

static void syscall_policy(void **state)
{
	(void)state;
	reset();
	/* -a: file first; fall back on ENOSYS/EINVAL/ENOEXEC/ENOTSUP only */
	file_errno = ENOSYS;
	assert_int_equal(RUN("-l", kpath, "--initrd", ipath), 0);
	assert_string_equal(calls, "file(k,i,\"\",0x0);load(4,0x3e0000);");
	file_errno = ENOEXEC;
	assert_int_equal(RUN("-l", kpath), 0);
	assert_string_equal(calls, "file(k,-,\"\",0x4);load(3,0x3e0000);");
	file_errno = EPERM;
	assert_int_equal(RUN("-l", kpath), 255);
	assert_string_equal(calls, "file(k,-,\"\",0x4);");
	file_errno = EKEYREJECTED;
	assert_int_equal(RUN("-l", kpath), 255);
	/* -s: no fallback; refused with a fallback errno -> 253 */
	file_errno = EINVAL;
	assert_int_equal(RUN("-s", "-l", kpath), 253);
	assert_string_equal(calls, "file(k,-,\"\",0x4);");
	file_errno = 0;
	/* -c: kexec_load only */
	assert_int_equal(RUN("-c", "-l", kpath), 0);
	assert_string_equal(calls, "load(3,0x3e0000);");
	/* an option only kexec_load honours selects it under -a ... */
	assert_int_equal(RUN("-i", "-l", kpath), 0);
	assert_string_equal(calls, "load(3,0x3e0000);");
	assert_int_equal(RUN("--mem-max=0x40000000", "-l", kpath), 0);
	assert_string_equal(calls, "load(3,0x3e0000);");
	/* ... and is refused, never ignored, with -s */
	assert_int_equal(RUN("-s", "-i", "-l", kpath), 1);
	assert_string_equal(calls, "");
	assert_int_equal(RUN("-s", "--preserve=x:1G+64M", "-l", kpath), 1);
	assert_string_equal(calls, "");
	/* crash kernels through kexec_file_load */
	assert_int_equal(RUN("-p", kpath, "--append=crash"), 0);
	assert_string_equal(calls, "file(k,-,\"crash\",0x6);");
	assert_int_equal(RUN("-c", "-p", kpath), 255);
	assert_string_equal(calls, "");
}

static void bad_input_loads_nothing(void **state)
{
	(void)state;
	reset();
	assert_int_equal(RUN("-l", "/nonexistent/kernel"), 1);
	assert_int_equal(RUN("-l", root), 1);        /* a directory */
	assert_int_equal(RUN("-l", emptypath), 1);   /* empty */
	assert_int_equal(RUN("-c", "-l", junkpath), 255);
	assert_int_equal(RUN("-l", kpath, "--initrd=/nonexistent"), 1);
	/* kexec_file_load reads the initrd itself; it is still refused first */
	assert_int_equal(RUN("-l", kpath, "--initrd", root), 1);        /* a directory */
	assert_string_equal(calls, "");
	assert_int_equal(RUN("-l", kpath, "--initrd", emptypath), 1);   /* empty */
	assert_string_equal(calls, "");
	assert_int_equal(RUN("-l"), 255);            /* no kernel: as kexec-tools */
	assert_int_equal(RUN("-t", "bogus", "-l", kpath), 255);
	assert_int_equal(RUN("--mem-min=0x80000000", "--mem-max=0x1000", "-l", kpath), 1);
	assert_int_equal(RUN("--bogus"), 1);
	assert_string_equal(calls, "");
	assert_int_equal(RUN("-c", "-l", kpath, "--mem-min=0x7ff00000"), 255); /* no room */
	assert_string_equal(calls, "");
}

static void compressed_image_selects_kexec_load(void **state)
{
	char gz[300], cmd[700];

	(void)state;
	reset();
	snprintf(gz, sizeof(gz), "%s/vmlinuz.gz", root);
	snprintf(cmd, sizeof(cmd), "gzip -c '%s' > '%s'", kpath, gz);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(RUN("-l", gz), 0);
	assert_string_equal(calls, "load(3,0x3e0000);"); /* no kexec_file_load try */
	assert_int_equal(RUN("-s", "-l", gz), 1);          /* refused, not ignored */
	assert_string_equal(calls, "");
}

static void failed_load_keeps_the_previous_one(void **state)
{
	(void)state;
	reset();
	assert_int_equal(RUN("-c", "-l", kpath), 0);
	load_errno = EBUSY;
	assert_int_equal(RUN("-c", "-l", kpath), 255);
	assert_int_equal(RUN("-S", "-l"), 1); /* still loaded */
	load_errno = 0;
}

static void status_unload_and_modes(void **state)
{
	(void)state;
	reset();
	/* -S: 1 when loaded, 0 when not (kexec-tools 2.0.25's behaviour) */
	assert_int_equal(RUN("-S", "-l"), 0);
	assert_int_equal(RUN("-l", kpath), 0);
	assert_int_equal(RUN("-S", "-l"), 1);
	assert_int_equal(RUN("-S"), 0); /* the crash kernel by default */
	assert_int_equal(RUN("-u"), 0);
	assert_string_equal(calls, "file(-,-,\"\",0x1);");
	assert_int_equal(RUN("-S", "-l"), 0);
	assert_int_equal(RUN("-c", "-u"), 0);
	assert_string_equal(calls, "load(0,0x3e0000);");
	assert_int_equal(RUN("-p", "-u"), 0);
	assert_string_equal(calls, "file(-,-,\"\",0x3);");
	file_errno = ENOSYS;
	assert_int_equal(RUN("-u"), 0);
	assert_string_equal(calls, "file(-,-,\"\",0x1);load(0,0x3e0000);");
	file_errno = 0;
	/* no mode: load, then shutdown -r now */
	assert_int_equal(RUN(kpath), 0);
	assert_string_equal(calls, "file(k,-,\"\",0x4);shutdown;");
	/* -f: load and exec now, no shutdown */
	assert_int_equal(RUN("-f", kpath), 0);
	assert_string_equal(calls, "file(k,-,\"\",0x4);sync;ifdown;reboot;");
	/* --dry-run: no call at all */
	assert_int_equal(RUN("--dry-run", "-c", "-l", kpath), 0);
	assert_int_equal(RUN("--dry-run", "-l", kpath), 0);
	assert_int_equal(RUN("--dry-run", "-u"), 0);
	assert_string_equal(calls, "");
	assert_int_equal(RUN("--print-ckr-size"), 0);
	assert_int_equal(RUN("-h"), 0);
	assert_int_equal(RUN("-v"), 0);
	assert_string_equal(calls, "");
}

static void reuse_cmdline_reads_proc(void **state)
{
	(void)state;
	reset();
	assert_int_equal(RUN("-l", kpath, "--reuse-cmdline", "--append=kl.x=1"), 0);
	assert_string_equal(calls, "file(k,-,\"console=ttyS0 root=/dev/vda1 ro quiet kl.x=1\",0x4);");
}

/* A file below the fixture root ("" removes it). */
static void put(const char *rel, const char *text)
{
	char p[512], cmd[600];
	FILE *f;

	snprintf(p, sizeof(p), "%s%s", root, rel);
	if (!*text) {
		unlink(p);
		return;
	}
	snprintf(cmd, sizeof(cmd), "mkdir -p \"$(dirname '%s')\"", p);
	assert_int_equal(system(cmd), 0);
	f = fopen(p, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

#define CONF "/etc/kexec-live.conf"
#define LOCKDOWN "/sys/kernel/security/lockdown"

/* fast_path=yes makes every load that does not say otherwise a
 * --preload-decompressed one (so kexec_load); the command line wins. */
static void conf_fast_path(void **state)
{
	(void)state;
	reset();
	put(CONF, "# the fast path\nfast_path=yes\nverify=crc32c\n");
	assert_int_equal(RUN("-l", pkpath), 0);
	assert_string_equal(calls, "load(3,0x3e0000);");
	/* systemd's argv, Debian's kexec-load script's */
	assert_int_equal(RUN("--load", pkpath, "--append", "root=/dev/vda ro"), 0);
	assert_string_equal(calls, "load(3,0x3e0000);");
	assert_int_equal(RUN("-l", pkpath, "--command-line=quiet", "--reuse-cmdline"), 0);
	assert_string_equal(calls, "load(3,0x3e0000);");
	/* what says otherwise: -s, -p, --no-preload-decompressed */
	assert_int_equal(RUN("-s", "-l", pkpath), 0);
	assert_string_equal(calls, "file(k,-,\"\",0x4);");
	assert_int_equal(RUN("-p", pkpath, "--append=crash"), 0);
	assert_string_equal(calls, "file(k,-,\"crash\",0x6);");
	assert_int_equal(RUN("--no-preload-decompressed", "-l", pkpath), 0);
	assert_string_equal(calls, "file(k,-,\"\",0x4);");
	assert_int_equal(RUN("--no-preload-decompressed", "--preload-decompressed", "-l", pkpath), 1);
	assert_string_equal(calls, "");
	/* what --preload-decompressed cannot take: the load it would be
	 * without the file (a payload of no known compression, no kernel) */
	assert_int_equal(RUN("-l", kpath), 0);
	assert_string_equal(calls, "file(k,-,\"\",0x4);");
	assert_int_equal(RUN("-l", junkpath), 255);
	assert_string_equal(calls, "");
	/* no kernel: exit and message as kexec-tools, the file unread */
	assert_int_equal(RUN("-l"), 255);
	/* fast_path=no, and no file, are kexec-tools' behaviour */
	put(CONF, "fast_path=no\n");
	assert_int_equal(RUN("-l", pkpath), 0);
	assert_string_equal(calls, "file(k,-,\"\",0x4);");
	put(CONF, "");
	assert_int_equal(RUN("-l", pkpath), 0);
	assert_string_equal(calls, "file(k,-,\"\",0x4);");
	/* verify= alone never selects kexec_load */
	put(CONF, "verify=none\n");
	assert_int_equal(RUN("-l", pkpath), 0);
	assert_string_equal(calls, "file(k,-,\"\",0x4);");
	put(CONF, "");
}

/* A bad file fails every load before any call; other modes never read it. */
static void conf_faults(void **state)
{
	(void)state;
	reset();
	put(CONF, "fast_path=yes\nfast_pth=yes\n");
	assert_int_equal(RUN("-l", kpath), 1);
	assert_int_equal(RUN("-s", "-l", kpath), 1);
	assert_int_equal(RUN("-p", kpath), 1);
	assert_int_equal(RUN(kpath), 1);
	assert_string_equal(calls, "");
	assert_int_equal(RUN("-e"), 1); /* nothing loaded, as ever */
	assert_int_equal(RUN("-u"), 0);
	assert_string_equal(calls, "file(-,-,\"\",0x1);");
	assert_int_equal(RUN("-S"), 0);
	put(CONF, "");
}

/* Lockdown refuses kexec_load: the setting steps back with a warning, an
 * explicit request fails first, and -a does not fall back. */
static void conf_lockdown(void **state)
{
	(void)state;
	reset();
	put(LOCKDOWN, "none [integrity] confidentiality\n");
	put(CONF, "fast_path=yes\n");
	assert_int_equal(RUN("-l", pkpath, "--append=x"), 0);
	assert_string_equal(calls, "file(k,-,\"x\",0x4);");
	assert_int_equal(RUN("--preload-decompressed", "-l", pkpath), 255);
	assert_int_equal(RUN("-c", "-l", pkpath), 255);
	assert_int_equal(RUN("-i", "-l", pkpath), 255);
	assert_string_equal(calls, "");
	file_errno = ENOSYS;
	assert_int_equal(RUN("-l", pkpath), 255);
	assert_string_equal(calls, "file(k,-,\"\",0x4);");
	file_errno = EPERM;
	assert_int_equal(RUN("-l", pkpath), 255);
	file_errno = 0;
	/* "[none]" is no lockdown */
	put(LOCKDOWN, "[none] integrity confidentiality\n");
	assert_int_equal(RUN("-l", pkpath), 0);
	assert_string_equal(calls, "load(3,0x3e0000);");
	put(LOCKDOWN, "");
	put(CONF, "");
}

/* A Xen dom0: nothing is done, whatever the mode. */
static void xen_dom0(void **state)
{
	(void)state;
	reset();
	put("/proc/xen/capabilities", "control_d\n");
	assert_int_equal(RUN("-l", kpath), 255);
	assert_int_equal(RUN("-p", kpath), 255);
	assert_int_equal(RUN("-e"), 255);
	assert_int_equal(RUN("-f", kpath), 255);
	assert_int_equal(RUN("-u"), 255);
	assert_int_equal(RUN("-S"), 255);
	assert_int_equal(RUN(kpath), 255);
	assert_string_equal(calls, "");
	assert_int_equal(RUN("--print-ckr-size"), 0);
	assert_int_equal(RUN("--help"), 0);
	/* a domU's capabilities file is empty: kexec works as anywhere */
	put("/proc/xen/capabilities", "\n");
	assert_int_equal(RUN("-l", kpath), 0);
	assert_string_equal(calls, "file(k,-,\"\",0x4);");
	put("/proc/xen/capabilities", "");
}

/* A UKI: its sections stand for kernel, initrd and command line unless
 * the command line gives them; both system calls. */
static void uki(void **state)
{
	(void)state;
	reset();
	assert_int_equal(RUN("-l", ukipath), 0);
	assert_string_equal(calls, "file(k,i,\"console=ttyS0 kl.uki=1\",0x0);");
	assert_int_equal(RUN("-s", "-l", ukipath, "--append=given"), 0);
	assert_string_equal(calls, "file(k,i,\"given\",0x0);");
	assert_int_equal(RUN("-l", ukipath, "--reuse-cmdline"), 0);
	assert_string_equal(calls, "file(k,i,\"console=ttyS0 root=/dev/vda1 ro quiet\",0x0);");
	assert_int_equal(RUN("-l", ukipath, "--initrd", ipath), 0);
	assert_string_equal(calls, "file(k,i,\"console=ttyS0 kl.uki=1\",0x0);");
	/* systemd: kexec --load UKI --append "$(its .cmdline)" */
	assert_int_equal(RUN("--load", ukipath, "--append", "console=ttyS0 kl.uki=1"), 0);
	assert_string_equal(calls, "file(k,i,\"console=ttyS0 kl.uki=1\",0x0);");
	/* kexec_load: .linux, .initrd as segments */
	assert_int_equal(RUN("-c", "-l", ukipath), 0);
	assert_string_equal(calls, "load(4,0x3e0000);");
	file_errno = ENOSYS;
	assert_int_equal(RUN("-l", ukipath), 0);
	assert_string_equal(calls, "file(k,i,\"console=ttyS0 kl.uki=1\",0x0);load(4,0x3e0000);");
	file_errno = 0;
	/* the fast path takes a UKI too */
	put(CONF, "fast_path=yes\n");
	assert_int_equal(RUN("-l", ukipath, "--initrd", ipath), 255); /* not a cpio: flattening refuses it */
	assert_string_equal(calls, "");
	assert_int_equal(RUN("--no-preload-decompressed", "-l", ukipath), 0);
	assert_string_equal(calls, "file(k,i,\"console=ttyS0 kl.uki=1\",0x0);");
	put(CONF, "");
}

/* kdump-tools 1.8.1's kdump-config: load with options before the kernel
 * path, unload, and status through sysfs (what `kdump-config status`
 * reads); with fast_path=yes in the configuration nothing changes. */
static void kdump_config_argv(void **state)
{
	char initrd_arg[320];

	(void)state;
	reset();
	snprintf(initrd_arg, sizeof(initrd_arg), "--initrd=%s", ipath);
	put(CONF, "fast_path=yes\nverify=crc32c\n");
	/* kexec -p --args-linux $KDUMP_KEXEC_ARGS --command-line="..." --initrd=... KERNEL */
	assert_int_equal(RUN("-p", "--args-linux", "--command-line=root=/dev/vda irqpoll nr_cpus=1 reset_devices",
			     initrd_arg, pkpath), 0);
	assert_string_equal(calls, "file(k,i,\"root=/dev/vda irqpoll nr_cpus=1 reset_devices\",0x2);");
	assert_int_equal(RUN("-S"), 1); /* kexec_crash_loaded reads 1 */
	/* on Secure Boot machines it adds -s */
	assert_int_equal(RUN("-p", "-s", "--args-linux", "--command-line=root=/dev/vda", initrd_arg, pkpath), 0);
	assert_string_equal(calls, "file(k,i,\"root=/dev/vda\",0x2);");
	/* unload: kexec [-s] -p -u */
	assert_int_equal(RUN("-p", "-u"), 0);
	assert_string_equal(calls, "file(-,-,\"\",0x3);");
	assert_int_equal(RUN("-s", "-p", "-u"), 0);
	assert_string_equal(calls, "file(-,-,\"\",0x3);");
	assert_int_equal(RUN("-S"), 0);
	put(CONF, "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(permutation_and_prefixes),
		cmocka_unit_test(last_one_wins),
		cmocka_unit_test(values),
		cmocka_unit_test(usage_errors),
		cmocka_unit_test(legacy_reasons),
		cmocka_unit_test(help_from_table),
		cmocka_unit_test(exec_needs_a_loaded_kernel),
		cmocka_unit_test(syscall_policy),
		cmocka_unit_test(bad_input_loads_nothing),
		cmocka_unit_test(compressed_image_selects_kexec_load),
		cmocka_unit_test(failed_load_keeps_the_previous_one),
		cmocka_unit_test(status_unload_and_modes),
		cmocka_unit_test(reuse_cmdline_reads_proc),
		cmocka_unit_test(conf_fast_path),
		cmocka_unit_test(conf_faults),
		cmocka_unit_test(conf_lockdown),
		cmocka_unit_test(xen_dom0),
		cmocka_unit_test(uki),
		cmocka_unit_test(kdump_config_argv),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
