/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sysinfo.h"
#include "util.h"

void kl_sysinfo_free(struct kl_sysinfo *si)
{
	kl_memmap_free(&si->iomem);
	kl_memmap_free(&si->firmware);
	free(si->efi_rt.map);
	si->efi_rt.map = NULL;
}

int kl_read_file(const char *root, const char *path, size_t max, char **ret,
		 size_t *ret_len, struct kl_err *err)
{
	char full[PATH_MAX];
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	if ((size_t)snprintf(full, sizeof(full), "%s%s", root, path) >= sizeof(full))
		return kl_fail(err, -ENAMETOOLONG, "%s: path too long", path);
	fd = open(full, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	for (;;) {
		ssize_t n;

		if (len == cap) {
			size_t ncap = cap ? cap * 2 : 4096;
			char *nb;

			if (cap > max)
				return kl_fail(err, -EFBIG, "%s: larger than %zu bytes", path, max);
			nb = realloc(buf, ncap + 1);
			if (!nb)
				return -ENOMEM;
			buf = nb;
			cap = ncap;
		}
		n = read(fd, buf + len, cap - len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
		}
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len > max)
		return kl_fail(err, -EFBIG, "%s: larger than %zu bytes", path, max);
	if (!buf && !(buf = malloc(1)))
		return -ENOMEM;
	buf[len] = 0;
	*ret = TAKE_PTR(buf);
	if (ret_len)
		*ret_len = len;
	return 0;
}

int kl_read_regular(const char *path, uint64_t max, void **ret, size_t *ret_len, struct kl_err *err)
{
	return kl_read_regular_head(path, max, SIZE_MAX, ret, ret_len, NULL, err);
}

int kl_read_regular_head(const char *path, uint64_t max, size_t head, void **ret, size_t *ret_len,
			 uint64_t *ret_size, struct kl_err *err)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC);
	_cleanup_free_ uint8_t *buf = NULL;
	struct stat st;
	size_t len = 0, want;

	if (fd < 0)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	if (fstat(fd, &st) < 0)
		return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
	if (S_ISDIR(st.st_mode))
		return kl_fail(err, -EISDIR, "%s is a directory", path);
	if (!S_ISREG(st.st_mode))
		return kl_fail(err, -EINVAL, "%s is not a regular file", path);
	if ((uint64_t)st.st_size > max)
		return kl_fail(err, -EFBIG, "%s is larger than %llu MiB", path, (unsigned long long)(max >> 20));
	want = KL_MIN((size_t)st.st_size, head);
	buf = malloc(want ? want : 1);
	if (!buf)
		return kl_fail(err, -ENOMEM, "out of memory reading %s", path);
	while (len < want) {
		ssize_t n = read(fd, buf + len, want - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return kl_fail(err, -errno, "%s: %s", path, strerror(errno));
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len != want)
		return kl_fail(err, -EIO, "%s changed size while being read", path);
	*ret = TAKE_PTR(buf);
	*ret_len = len;
	if (ret_size)
		*ret_size = (uint64_t)st.st_size;
	return 0;
}

static int numeric_dirent_cmp(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return x < y ? -1 : x > y;
}

/* /sys/firmware/memmap/N/{start,end,type}, N in numeric order. */
static int read_firmware_memmap(const char *root, struct kl_memmap *m, struct kl_err *err)
{
	char dir[PATH_MAX];
	long idx[KL_MEMMAP_ENTRIES_MAX];
	size_t n = 0, i;
	struct dirent *de;
	DIR *d;
	int r = 0;

	snprintf(dir, sizeof(dir), "%s/sys/firmware/memmap", root);
	d = opendir(dir);
	if (!d)
		return -ENOENT;
	while ((de = readdir(d))) {
		char *end;
		long v = strtol(de->d_name, &end, 10);

		if (de->d_name[0] < '0' || de->d_name[0] > '9' || *end)
			continue;
		if (n == KL_ARRAY_SIZE(idx)) {
			closedir(d);
			return kl_fail(err, -E2BIG, "/sys/firmware/memmap: too many entries");
		}
		idx[n++] = v;
	}
	closedir(d);
	if (!n)
		return -ENOENT;
	qsort(idx, n, sizeof(idx[0]), numeric_dirent_cmp);
	for (i = 0; i < n && r == 0; i++) {
		_cleanup_free_ char *s = NULL, *e = NULL, *t = NULL;
		char p[64];

		snprintf(p, sizeof(p), "/sys/firmware/memmap/%ld/start", idx[i]);
		r = kl_read_file(root, p, 64, &s, NULL, err);
		if (r < 0)
			break;
		snprintf(p, sizeof(p), "/sys/firmware/memmap/%ld/end", idx[i]);
		r = kl_read_file(root, p, 64, &e, NULL, err);
		if (r < 0)
			break;
		snprintf(p, sizeof(p), "/sys/firmware/memmap/%ld/type", idx[i]);
		r = kl_read_file(root, p, 128, &t, NULL, err);
		if (r < 0)
			break;
		r = kl_memmap_add_firmware_entry(m, s, e, t, err);
	}
	if (r == 0)
		kl_memmap_sort(m);
	return r;
}

/* KEY=0x... from the EFI system table file (ACPI20, ACPI, SMBIOS); 0
 * when absent. */
static uint64_t systab_value(const char *root, const char *key)
{
	_cleanup_free_ char *t = NULL;
	size_t n = strlen(key);
	char *line, *save = NULL;

	if (kl_read_file(root, "/sys/firmware/efi/systab", 16384, &t, NULL, NULL) < 0)
		return 0;
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, key, n) && line[n] == '=')
			return strtoull(line + n + 1, NULL, 0);
	return 0;
}

/* ACPI20= (preferred) or ACPI= from the EFI system table. */
static uint64_t efi_rsdp(const char *root)
{
	uint64_t acpi20 = systab_value(root, "ACPI20");

	return acpi20 ? acpi20 : systab_value(root, "ACPI");
}

/* One number from a sysfs file ("0x..." or decimal, one line). */
static int read_u64(const char *root, const char *path, uint64_t *ret)
{
	_cleanup_free_ char *t = NULL;
	char *end;
	uint64_t v;

	if (kl_read_file(root, path, 64, &t, NULL, NULL) < 0 || !t)
		return -ENOENT;
	errno = 0;
	v = strtoull(t, &end, 0);
	if (errno || end == t || (*end && *end != '\n'))
		return -EINVAL;
	*ret = v;
	return 0;
}

/* What the next kernel needs to keep EFI runtime services: the runtime
 * map and the addresses the firmware's tables had before the switch to
 * virtual mode (the running kernel keeps both in sysfs for kexec). */
static void read_efi_runtime(const char *root, struct kl_efi_runtime *rt)
{
	struct kl_efi_region *map = NULL;
	size_t n = 0, k;
	char path[PATH_MAX];

	*rt = (struct kl_efi_runtime){ .why_not = "no /sys/firmware/efi/fw_vendor, runtime or config_table" };
	if (read_u64(root, "/sys/firmware/efi/fw_vendor", &rt->fw_vendor) < 0 ||
	    read_u64(root, "/sys/firmware/efi/config_table", &rt->config_table) < 0)
		return;
	rt->smbios = systab_value(root, "SMBIOS");
	for (;; n++) {
		struct kl_efi_region g;
		uint64_t type;
		struct stat st;
		const struct {
			const char *name;
			uint64_t *dst;
		} field[] = { { "type", &type }, { "phys_addr", &g.phys }, { "virt_addr", &g.virt },
			      { "num_pages", &g.pages }, { "attribute", &g.attr } };

		snprintf(path, sizeof(path), "%s/sys/firmware/efi/runtime-map/%zu", root, n);
		if (stat(path, &st) < 0)
			break;
		if (n == KL_EFI_REGIONS_MAX) {
			rt->why_not = "more than 1024 regions in /sys/firmware/efi/runtime-map";
			goto fail;
		}
		for (k = 0; k < KL_ARRAY_SIZE(field); k++) {
			snprintf(path, sizeof(path), "/sys/firmware/efi/runtime-map/%zu/%s", n, field[k].name);
			if (read_u64(root, path, field[k].dst) < 0) {
				rt->why_not = "an unreadable entry in /sys/firmware/efi/runtime-map";
				goto fail;
			}
		}
		if (type > UINT32_MAX) {
			rt->why_not = "an unreadable entry in /sys/firmware/efi/runtime-map";
			goto fail;
		}
		g.type = (uint32_t)type;
		if (n % 16 == 0) {
			struct kl_efi_region *m = realloc(map, (n + 16) * sizeof(*m));

			if (!m) {
				rt->why_not = "out of memory";
				goto fail;
			}
			map = m;
		}
		map[n] = g;
	}
	if (!n) {
		rt->why_not = "no /sys/firmware/efi/runtime-map (a kernel without CONFIG_EFI_RUNTIME_MAP, "
			      "or booted with efi=noruntime)";
		goto fail;
	}
	rt->map = map;
	rt->n = n;
	rt->present = true;
	rt->why_not = NULL;
	return;
fail:
	free(map);
}

static bool fb0_is_firmware(const char *root)
{
	_cleanup_free_ char *name = NULL;

	if (kl_read_file(root, "/sys/class/graphics/fb0/name", 256, &name, NULL, NULL) < 0 || !name)
		return false;
	return !strncmp(name, "VESA VGA", 8) || !strncmp(name, "EFI VGA", 7) ||
	       !strncmp(name, "simple", 6);
}

int kl_sysinfo_read(const char *root, struct kl_sysinfo *ret, struct kl_err *err)
{
	struct kl_sysinfo si = { 0 };
	_cleanup_free_ char *iomem = NULL, *bp = NULL;
	size_t len = 0;
	struct stat st;
	char path[PATH_MAX];
	int r;

	r = kl_read_file(root, "/proc/iomem", 4 << 20, &iomem, &len, err);
	if (r < 0)
		return r;
	r = kl_memmap_parse_iomem(iomem, len, &si.iomem, err);
	if (r < 0)
		return r;
	r = read_firmware_memmap(root, &si.firmware, err);
	if (r == -ENOENT) {
		size_t i;

		/* No firmware map (CONFIG_FIRMWARE_MEMMAP off): the
		 * top-level iomem types are the next best source. */
		si.firmware_from_iomem = true;
		r = 0;
		for (i = 0; i < si.iomem.n && r == 0; i++)
			r = kl_memmap_add(&si.firmware, si.iomem.e[i].r.start, si.iomem.e[i].r.size,
					  si.iomem.e[i].type);
	}
	if (r < 0) {
		kl_sysinfo_free(&si);
		return r;
	}
	if (kl_read_file(root, "/sys/kernel/boot_params/data", KL_BP_SIZE, &bp, &len, NULL) == 0 &&
	    len == KL_BP_SIZE) {
		memcpy(si.boot_params, bp, KL_BP_SIZE);
		si.have_boot_params = true;
	}
	snprintf(path, sizeof(path), "%s/sys/firmware/efi", root);
	si.efi = stat(path, &st) == 0;
	si.efi_rsdp = si.efi ? efi_rsdp(root) : 0;
	if (si.efi)
		read_efi_runtime(root, &si.efi_rt);
	si.fb_firmware = fb0_is_firmware(root);
	*ret = si;
	return 0;
}
