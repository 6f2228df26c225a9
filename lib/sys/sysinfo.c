/* SPDX-License-Identifier: GPL-2.0-or-later */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "lib/base/number.h"
#include "lib/base/util.h"
#include "lib/sys/sysinfo.h"

void kl_sysinfo_free(struct kl_sysinfo *si)
{
	kl_memmap_free(&si->iomem);
	kl_memmap_free(&si->firmware);
	free(si->efi_rt.map);
	si->efi_rt.map = NULL;
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
	uint64_t v;

	if (kl_read_file(root, "/sys/firmware/efi/systab", 16384, &t, NULL, NULL) < 0)
		return 0;
	for (line = strtok_r(t, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!strncmp(line, key, n) && line[n] == '=')
			return kl_parse_u64(line + n + 1, 0, &v) == 0 ? v : 0;
	return 0;
}

/* ACPI20= (preferred) or ACPI= from the EFI system table. */
static uint64_t efi_rsdp(const char *root)
{
	uint64_t acpi20 = systab_value(root, "ACPI20");

	return acpi20 ? acpi20 : systab_value(root, "ACPI");
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
	if (kl_read_u64_file(root, "/sys/firmware/efi/fw_vendor", 0, &rt->fw_vendor) < 0 ||
	    kl_read_u64_file(root, "/sys/firmware/efi/config_table", 0, &rt->config_table) < 0)
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
			if (kl_read_u64_file(root, path, 0, field[k].dst) < 0) {
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

void kl_sys_lockdown(const char *root, char ret[static 16])
{
	_cleanup_free_ char *s = NULL;
	const char *b, *e;

	ret[0] = '\0';
	if (kl_read_file(root, "/sys/kernel/security/lockdown", 4096, &s, NULL, NULL) < 0)
		return;
	b = strchr(s, '[');
	e = b ? strchr(b, ']') : NULL;
	if (!e || e - b - 1 >= 16 || (e - b - 1 == 4 && !strncmp(b + 1, "none", 4)))
		return;
	memcpy(ret, b + 1, (size_t)(e - b - 1));
	ret[e - b - 1] = '\0';
}

bool kl_sys_xen_dom0(const char *root)
{
	_cleanup_free_ char *s = NULL;

	if (kl_read_file(root, "/proc/xen/capabilities", 4096, &s, NULL, NULL) < 0)
		return false;
	return strstr(s, "control_d") != NULL;
}
