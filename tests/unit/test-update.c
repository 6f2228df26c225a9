/* SPDX-License-Identifier: GPL-2.0-or-later */
/* A live update's configuration and manifest (lib/update/update.h): what
 * is accepted, the one line naming file, line and problem for what is
 * not, and a manifest that reads back to what was written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lib/base/util.h"
#include "lib/update/update.h"

static struct kl_upd upd, back;

static const char config[] = "# a comment\n"
			     "[update]\n"
			     "kernel = /boot/vmlinuz-7.2\n"
			     "initrd = /boot/initrd.img-7.2\n"
			     "append = root=/dev/vda1 console=ttyS0\n"
			     "dax = /srv/pmem\n"
			     "hooks = /etc/kexec-live/hooks\n"
			     "timeout = 30\n"
			     "\n"
			     "[vm web]\n"
			     "qmp = /run/web.qmp\n"
			     "[process counter]\r\n"
			     "pidfile = /run/counter.pid\n"
			     "[process other]\n"
			     "pid = 4242\n";

static int parse(enum kl_upd_mode mode, const char *text, struct kl_upd *u, struct kl_err *err)
{
	memset(u, 0x5a, sizeof(*u)); /* untouched on failure */
	return kl_upd_parse("/etc/kexec-live/update.conf", mode, text, strlen(text), u, err);
}

static void config_accepted(void **state)
{
	struct kl_err err = { { 0 } };

	(void)state;
	if (parse(KL_UPD_CONFIG, config, &upd, &err) < 0)
		fail_msg("refused: %s", err.msg);
	assert_string_equal(upd.kernel, "/boot/vmlinuz-7.2");
	assert_string_equal(upd.initrd, "/boot/initrd.img-7.2");
	assert_string_equal(upd.append, "root=/dev/vda1 console=ttyS0");
	assert_true(upd.append_given);
	assert_string_equal(upd.dax, "/srv/pmem");
	assert_string_equal(upd.hooks, "/etc/kexec-live/hooks");
	assert_int_equal(upd.timeout, 30);
	/* defaults */
	assert_string_equal(upd.state, KL_UPD_STATE_DEFAULT);
	assert_string_equal(upd.criu, "/usr/sbin/criu");
	assert_string_equal(upd.kexec, "/sbin/kexec");
	assert_int_equal(upd.n_vms, 1);
	assert_string_equal(upd.vms[0].name, "web");
	assert_string_equal(upd.vms[0].qmp, "/run/web.qmp");
	assert_int_equal(upd.n_procs, 2);
	assert_string_equal(upd.procs[0].name, "counter");
	assert_string_equal(upd.procs[0].pidfile, "/run/counter.pid");
	assert_int_equal(upd.procs[0].pid, 0);
	assert_int_equal(upd.procs[1].pid, 4242);
	assert_int_equal(upd.n_stamps, 0);

	/* the least: a kernel and a DAX file system; no append is "the
	 * running kernel's command line", not an empty one */
	if (parse(KL_UPD_CONFIG, "[update]\nkernel=/k\ndax=/d\n", &upd, &err) < 0)
		fail_msg("refused: %s", err.msg);
	assert_false(upd.append_given);
	assert_int_equal(upd.timeout, KL_UPD_TIMEOUT_DEFAULT);
	assert_int_equal(upd.n_vms + upd.n_procs, 0);
	/* an empty append is given, and empty */
	if (parse(KL_UPD_CONFIG, "[update]\nkernel=/k\ndax=/d\nappend=\n", &upd, &err) < 0)
		fail_msg("refused: %s", err.msg);
	assert_true(upd.append_given);
	assert_string_equal(upd.append, "");
}

static void config_refused(void **state)
{
	static const struct {
		const char *text;
		const char *msg;
	} t[] = {
		{ "kernel=/k\n", "F:1: a key before the first section ([update], [vm NAME] or [process NAME])" },
		{ "[update]\nkernel=/k\n", "F: [update] has no dax (the DAX file system's mount point)" },
		{ "[update]\ndax=/d\n", "F: [update] has no kernel" },
		{ "[vm a]\nqmp=/q\n", "F: no [update] section" },
		{ "[update]\nkernel=/k\ndax=/d\n[update]\n", "F:4: [update] is given again (first on line 1)" },
		{ "[update]\nkernel=/k\nkernel=/j\n", "F:3: kernel is given again (first on line 2)" },
		{ "[update]\nkernel=k\n", "F:2: kernel=k: must be an absolute path" },
		{ "[update]\nkernal=/k\n",
		  "F:2: unknown key 'kernal' in [update] (known: kernel, initrd, append, dax, state, hooks, criu, kexec, timeout)" },
		/* keys only a manifest holds are unknown in a configuration */
		{ "[update]\nrange=0x1000+0x1000\n",
		  "F:2: unknown key 'range' in [update] (known: kernel, initrd, append, dax, state, hooks, criu, kexec, timeout)" },
		{ "[vm a]\narg=x\n", "F:2: unknown key 'arg' in [vm] (known: qmp)" },
		{ "[update]\ntimeout=0\n", "F:2: timeout=0: not a number from 1 to 3600" },
		{ "[update]\ntimeout=3601\n", "F:2: timeout=3601: not a number from 1 to 3600" },
		{ "[update]\ntimeout=1x\n", "F:2: timeout=1x: not a number from 1 to 3600" },
		{ "[update]\nstate=../x\n", "F:2: state=../x: 1 to 32 letters, digits and ._- (not first)" },
		{ "[update]\nstate=a/b\n", "F:2: state=a/b: 1 to 32 letters, digits and ._- (not first)" },
		{ "[update]\nkernel\n", "F:2: not a key = value line" },
		{ "[update\n", "F:1: a section header ends with ']'" },
		{ "[vms a]\n", "F:1: unknown section 'vms' (known: update, vm NAME, process NAME)" },
		{ "[update x]\n", "F:1: [update] takes no name" },
		{ "[vm]\n", "F:1: [vm NAME]: a name is 1 to 32 letters, digits and ._- (not first)" },
		{ "[vm a/b]\n", "F:1: [vm NAME]: a name is 1 to 32 letters, digits and ._- (not first)" },
		{ "[vm .a]\n", "F:1: [vm NAME]: a name is 1 to 32 letters, digits and ._- (not first)" },
		{ "[vm a]\n[vm a]\n", "F:2: a VM of that name is given again" },
		{ "[process a]\n[process a]\n", "F:2: a process of that name is given again" },
		{ "[update]\nkernel=/k\ndax=/d\n[vm a]\n", "F: [vm a] has no qmp" },
		{ "[update]\nkernel=/k\ndax=/d\n[process p]\n", "F: [process p] needs one of pidfile and pid" },
		{ "[update]\nkernel=/k\ndax=/d\n[process p]\npid=1\npidfile=/p\n",
		  "F: [process p] needs one of pidfile and pid" },
		{ "[process p]\npid=0\n", "F:2: pid=0: not a number from 1 to 4194304" },
	};
	struct kl_err err;
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(t); i++) {
		memset(&err, 0, sizeof(err));
		memset(&upd, 0x5a, sizeof(upd));
		assert_int_equal(kl_upd_parse("F", KL_UPD_CONFIG, t[i].text, strlen(t[i].text), &upd, &err), -EINVAL);
		assert_string_equal(err.msg, t[i].msg);
		assert_int_equal(upd.timeout, 0x5a5a5a5a); /* ret untouched */
	}
}

static void limits(void **state)
{
	struct kl_err err = { { 0 } };
	static const char nul[] = "[update]\n\0kernel=/k\n";
	char *big = malloc(KL_UPD_TEXT_MAX + 2);
	char text[256 * 16];
	size_t i, n = 0;

	(void)state;
	assert_non_null(big);
	assert_int_equal(kl_upd_parse("F", KL_UPD_CONFIG, nul, sizeof(nul) - 1, &upd, &err), -EINVAL);
	assert_string_equal(err.msg, "F: contains a NUL byte; not a text file");
	memset(big, '#', KL_UPD_TEXT_MAX + 1);
	assert_int_equal(kl_upd_parse("F", KL_UPD_CONFIG, big, KL_UPD_TEXT_MAX + 1, &upd, &err), -EFBIG);
	/* a line of KL_UPD_LINE_MAX bytes is one too many */
	memset(big, '#', KL_UPD_LINE_MAX);
	big[KL_UPD_LINE_MAX] = '\n';
	memset(&err, 0, sizeof(err));
	assert_int_equal(kl_upd_parse("F", KL_UPD_CONFIG, big, KL_UPD_LINE_MAX + 1, &upd, &err), -EINVAL);
	assert_string_equal(err.msg, "F:1: a line longer than 4095 bytes");
	free(big);
	/* KL_UPD_VMS_MAX VMs, and no more */
	n = (size_t)snprintf(text, sizeof(text), "[update]\nkernel=/k\ndax=/d\n");
	memset(&err, 0, sizeof(err));
	for (i = 0; i <= KL_UPD_VMS_MAX; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "[vm v%zu]\nqmp=/q\n", i);
	assert_int_equal(kl_upd_parse("F", KL_UPD_CONFIG, text, n, &upd, &err), -EINVAL);
	assert_string_equal(err.msg, "F:20: more than 8 VMs");
}

/* What kexec-live update writes after the freeze reads back the same. */
static void manifest_round_trip(void **state)
{
	static const char args[] = "qemu-system-x86_64\0-m\0" "256\0-name\0with space \0\0";
	struct kl_err err = { { 0 } };
	char *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	if (parse(KL_UPD_CONFIG, config, &upd, &err) < 0)
		fail_msg("refused: %s", err.msg);
	snprintf(upd.device, sizeof(upd.device), "/dev/pmem0");
	snprintf(upd.fstype, sizeof(upd.fstype), "ext4");
	snprintf(upd.options, sizeof(upd.options), "rw,dax=always");
	upd.range_start = 0x40000000;
	upd.range_size = 0x10000000;
	snprintf(upd.release, sizeof(upd.release), "6.1.0-42-cloud-amd64");
	upd.tsc_hz = 2294608000u;
	assert_int_equal(kl_upd_stamp(&upd, "freeze", 1000), 0);
	assert_int_equal(kl_upd_stamp(&upd, "vm.web.saved", 123456789012345ull), 0);
	assert_int_equal(kl_upd_stamp(&upd, "bad name", 1), -EINVAL);
	snprintf(upd.vms[0].cwd, sizeof(upd.vms[0].cwd), "/srv/vms");
	/* every word kept as it was: spaces at its end, an empty one */
	assert_int_equal(kl_upd_vm_set_args(&upd.vms[0], args, sizeof(args) - 1, &err), 0);
	assert_int_equal(upd.vms[0].argc, 6);
	upd.procs[0].pid = 77;
	upd.procs[1].pid = 4242;

	f = open_memstream(&text, &len);
	assert_non_null(f);
	assert_int_equal(kl_upd_write(&upd, f), 0);
	fclose(f);
	if (kl_upd_parse("M", KL_UPD_MANIFEST, text, len, &back, &err) < 0)
		fail_msg("manifest refused: %s\n%s", err.msg, text);
	back.path = upd.path;
	assert_memory_equal(&back, &upd, sizeof(upd));
	/* a manifest without what the freeze found is refused */
	memset(&err, 0, sizeof(err));
	assert_int_equal(kl_upd_parse("M", KL_UPD_MANIFEST, config, strlen(config), &back, &err), -EINVAL);
	assert_string_equal(err.msg, "M: [update] lacks device, fstype or range");
	free(text);

	/* what a manifest line cannot hold is refused, not written */
	upd.append[0] = '\n';
	f = open_memstream(&text, &len);
	assert_int_equal(kl_upd_write(&upd, f), -EINVAL);
	fclose(f);
	free(text);
	assert_int_equal(kl_upd_vm_set_args(&upd.vms[0], "a\nb", 4, &err), -EINVAL);
	assert_int_equal(kl_upd_vm_set_args(&upd.vms[0], "ab", 2, &err), -EINVAL); /* no final NUL */
}

static void manifest_refused(void **state)
{
	static const struct {
		const char *line;
		const char *msg;
	} t[] = {
		{ "range=0x1000\n", "M:2: range=0x1000: not START+SIZE" },
		{ "range=0x1000+0\n", "M:2: range=0x1000+0: not START+SIZE in hexadecimal, non-empty, within 64 bits" },
		{ "range=0xffffffffffffffff+0x2\n",
		  "M:2: range=0xffffffffffffffff+0x2: not START+SIZE in hexadecimal, non-empty, within 64 bits" },
		{ "stamp=freeze\n", "M:2: stamp=freeze: not NAME TSC" },
		{ "stamp=a/b 12\n", "M:2: stamp=a/b 12: not NAME TSC" },
		{ "stamp=freeze 12x\n", "M:2: stamp=freeze 12x: not NAME TSC" },
		{ "tsc-hz=0\n", "M:2: tsc-hz=0: not a number from 1 to 18446744073709551615" },
	};
	char text[512];
	struct kl_err err;
	size_t i;

	(void)state;
	for (i = 0; i < KL_ARRAY_SIZE(t); i++) {
		int n = snprintf(text, sizeof(text), "[update]\n%skernel=/k\ndax=/d\n", t[i].line);

		memset(&err, 0, sizeof(err));
		assert_int_equal(kl_upd_parse("M", KL_UPD_MANIFEST, text, (size_t)n, &upd, &err), -EINVAL);
		assert_string_equal(err.msg, t[i].msg);
	}
}

static void stamps_in_order(void **state)
{
	static const char *const order[] = { "freeze", "frozen", "exec", "kernel", "resume", "same" };
	struct kl_upd u = { 0 };
	size_t i;

	(void)state;
	assert_int_equal(kl_upd_stamp(&u, "freeze", 100), 0);
	assert_int_equal(kl_upd_stamp(&u, "frozen", 200), 0);
	assert_int_equal(kl_upd_stamp(&u, "resume", 900), 0);
	assert_int_equal(kl_upd_stamp(&u, "same", 900), 0); /* after resume: added after it */
	assert_int_equal(kl_upd_stamp(&u, "exec", 300), 0);
	assert_int_equal(kl_upd_stamp(&u, "kernel", 400), 0);
	kl_upd_stamps_sort(&u);
	assert_int_equal(u.n_stamps, KL_ARRAY_SIZE(order));
	for (i = 0; i < KL_ARRAY_SIZE(order); i++)
		assert_string_equal(u.stamps[i].name, order[i]);
	for (i = u.n_stamps; i < KL_UPD_STAMPS_MAX; i++)
		assert_int_equal(kl_upd_stamp(&u, "x", i), 0);
	assert_int_equal(kl_upd_stamp(&u, "x", 1), -ENOSPC);
}

/* A QEMU that an earlier resume started carries -incoming: dropped, and
 * nothing else. */
static void incoming_dropped(void **state)
{
	static const char args[] = "qemu\0-m\0" "256\0-incoming\0defer\0-name\0a\0--incoming\0tcp:x\0"
				   "-incoming=defer\0-incoming\0";
	static const char want[] = "qemu\0-m\0" "256\0-name\0a\0";
	struct kl_err err = { { 0 } };
	struct kl_upd_vm vm = { .name = "a" };

	(void)state;
	assert_int_equal(kl_upd_vm_set_args(&vm, args, sizeof(args) - 1, &err), 0);
	assert_int_equal(vm.argc, 11);
	kl_upd_vm_drop_incoming(&vm);
	assert_int_equal(vm.argc, 5);
	assert_int_equal(vm.args_len, sizeof(want) - 1);
	assert_memory_equal(vm.args, want, sizeof(want) - 1);
	kl_upd_vm_drop_incoming(&vm); /* nothing left to drop */
	assert_int_equal(vm.argc, 5);
}

static void paths_and_plan(void **state)
{
	struct kl_err err = { { 0 } };
	char path[KL_UPD_PATH_MAX], *text = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	if (parse(KL_UPD_CONFIG, config, &upd, &err) < 0)
		fail_msg("refused: %s", err.msg);
	assert_int_equal(kl_upd_state_dir(&upd, path, sizeof(path)), 0);
	assert_string_equal(path, "/srv/pmem/kexec-live");
	assert_int_equal(kl_upd_vm_state(&upd, &upd.vms[0], path, sizeof(path)), 0);
	assert_string_equal(path, "/srv/pmem/kexec-live/vm-web.state");
	assert_int_equal(kl_upd_proc_images(&upd, &upd.procs[0], path, sizeof(path)), 0);
	assert_string_equal(path, "/srv/pmem/kexec-live/process-counter");
	assert_int_equal(kl_upd_state_dir(&upd, path, 8), -ENAMETOOLONG);
	f = open_memstream(&text, &len);
	assert_non_null(f);
	kl_upd_plan_print(&upd, f);
	fclose(f);
	fx_golden("update-plan.txt", text);
	free(text);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(config_accepted), cmocka_unit_test(config_refused),
		cmocka_unit_test(limits),	   cmocka_unit_test(manifest_round_trip),
		cmocka_unit_test(manifest_refused), cmocka_unit_test(stamps_in_order),
		cmocka_unit_test(incoming_dropped),
		cmocka_unit_test(paths_and_plan),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
