/* SPDX-License-Identifier: GPL-2.0-or-later */
/* The kernel log of a vmcore: a synthetic ELF core with a VMCOREINFO note
 * and one PT_LOAD holding a printk ring buffer laid out as Linux 6.1 lays
 * it out (the reader only follows VMCOREINFO), and what it must refuse. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"
#include "lib/base/util.h"
#include "lib/format/vmcore.h"

#define BASE FX_VMCORE_BASE
#define LOAD_OFF FX_VMCORE_LOAD_OFF
#define MEM_SIZE FX_VMCORE_MEM_SIZE

struct file {
	uint8_t *b;
	size_t len;
	char out[4096];
	size_t out_len;
};

static int mem_pread(void *ctx, void *buf, size_t len, uint64_t off)
{
	struct file *f = ctx;

	if (off > f->len || len > f->len - off)
		return -ENODATA;
	memcpy(buf, f->b + off, len);
	return 0;
}

static int mem_write(void *ctx, const void *buf, size_t len)
{
	struct file *f = ctx;

	assert_true(f->out_len + len < sizeof(f->out));
	memcpy(f->out + f->out_len, buf, len);
	f->out_len += len;
	f->out[f->out_len] = '\0';
	return 0;
}

static const char *const vmcoreinfo_6_1 = FX_VMCOREINFO_6_1;

static uint8_t *at(struct file *f, uint64_t off)
{
	return f->b + LOAD_OFF + off;
}

static void make(struct file *f, const char *info)
{
	memset(f, 0, sizeof(*f));
	f->b = fx_vmcore(info, &f->len);
}

static int run(struct file *f, struct kl_vmcore_stats *st, struct kl_err *err)
{
	struct kl_vmcore_io io = { .pread = mem_pread, .write = mem_write, .ctx = f };

	return kl_vmcore_dmesg(&io, st, err);
}

static void prints_the_log(void **state)
{
	struct kl_err err = { { 0 } };
	struct kl_vmcore_stats st;
	struct file f;

	(void)state;
	make(&f, vmcoreinfo_6_1);
	if (run(&f, &st, &err) < 0)
		fail_msg("%s", err.msg);
	assert_string_equal(f.out, "[    1.500000] hello\n"
				   "[    2.000000] \n"
				   "[123456.789012] wrap\\x01\tz\\xff\n");
	assert_int_equal(st.records, 3);
	assert_int_equal(st.skipped, 1);
	assert_string_equal(st.osrelease, "6.1.0-test");
	/* a text_len beyond the block is cut at the block's end */
	kl_put_le16(at(&f, 0x300 + 1 * 88 + 16), 200);
	f.out_len = 0;
	assert_int_equal(run(&f, &st, &err), 0);
	assert_memory_equal(f.out, "[    1.500000] hello\n", 21);
	free(f.b);
}

static void refuse(const char *info, void (*mangle)(struct file *), int code, const char *msg)
{
	struct kl_err err = { { 0 } };
	struct file f;

	make(&f, info);
	if (mangle)
		mangle(&f);
	assert_int_equal(run(&f, NULL, &err), code);
	if (!strstr(err.msg, msg))
		fail_msg("'%s' lacks '%s'", err.msg, msg);
	free(f.b);
}

static void not_elf(struct file *f) { f->b[0] = 'X'; }
static void big_endian(struct file *f) { f->b[5] = 2; }
static void truncated(struct file *f) { f->len = LOAD_OFF + 0x100; }
static void far_prb(struct file *f) { kl_put_le64(at(f, 0), BASE + 0x100000); }
static void huge_ring(struct file *f) { kl_put_le32(at(f, 0x100), 40); }
static void wild_ids(struct file *f) { kl_put_le64(at(f, 0x118), 5 + 4); }
static void descs_past_end(struct file *f) { kl_put_le64(at(f, 0x108), BASE + MEM_SIZE - 8); }
static void huge_notes(struct file *f) { kl_put_le64(f->b + 64 + 32, 1ULL << 40); }

static void refused(void **state)
{
	char info[sizeof(FX_VMCOREINFO_6_1) + 64];
	char *p;

	(void)state;
	refuse(vmcoreinfo_6_1, not_elf, -EINVAL, "not an ELF file");
	refuse(vmcoreinfo_6_1, big_endian, -EINVAL, "not a little-endian ELF64 file");
	refuse(vmcoreinfo_6_1, truncated, -ENODATA, "cannot read the printk ring buffer");
	refuse(vmcoreinfo_6_1, far_prb, -EINVAL, "the printk ring buffer at 0xffffffff81100000 is in no PT_LOAD segment");
	refuse(vmcoreinfo_6_1, huge_ring, -EINVAL, "claims 2^40 descriptors");
	refuse(vmcoreinfo_6_1, wild_ids, -EINVAL, "descriptor ids 5 to 9 span more than the ring's 4");
	refuse(vmcoreinfo_6_1, descs_past_end, -EINVAL, "the descriptors (96 bytes at 0xffffffff81000ff8) runs past");
	refuse(vmcoreinfo_6_1, huge_notes, -EFBIG, "a PT_NOTE segment of 1099511627776 bytes");
	/* no ring buffer: none at all, or the log_buf of old kernels */
	refuse("OSRELEASE=4.19.0\nSYMBOL(log_buf)=ffffffff82000000\n", NULL, -ENOTSUP, "a log_buf of Linux before 5.10");
	refuse("OSRELEASE=6.1.0\n", NULL, -ENOTSUP, "no VMCOREINFO note naming the printk ring buffer");
	/* a layout that is not all there, or points outside its struct */
	memcpy(info, FX_VMCOREINFO_6_1, sizeof(FX_VMCOREINFO_6_1));
	p = strstr(info, "OFFSET(printk_info.text_len)=16");
	memcpy(p, "OFFSET(printk_info.text_len)=87", 31);
	refuse(info, NULL, -EINVAL, "OFFSET(printk_info.text_len)=87 lies outside SIZE(printk_info)=88");
	p = strstr(info, "OFFSET(printk_info.text_len)");
	memcpy(p, "OFFSET(printk_info.text_lem)", 28);
	refuse(info, NULL, -EINVAL, "VMCOREINFO lacks OFFSET(printk_info.text_len)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(prints_the_log),
		cmocka_unit_test(refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
