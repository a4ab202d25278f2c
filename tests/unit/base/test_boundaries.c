// SPDX-License-Identifier: GPL-2.0-only
/*
 * The subsystem split, checked on the shipped modules themselves (their ELF
 * files and the index siov-depmod wrote), symbol by symbol:
 *  - vfio_idxd takes from idxd exactly symbols idxd exports in namespace
 *    IDXD, and imports that namespace;
 *  - every function idxd makes visible is such an export, except the
 *    accel-config loader the daemon takes with symbol_get();
 *  - idxd uses nothing of the VFIO modules; mdev and vfio-pci-core use
 *    nothing of idxd; vfio_pci (whole-function assignment) uses neither idxd
 *    nor the vdcm nor mdev.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/module_elf.h"

enum { IDXD, VFIO_IDXD, MDEV, VFIO_PCI_CORE, VFIO_PCI, NR_MODS };

static const char *const paths[NR_MODS] = {
	[IDXD] = MOD_IDXD, [VFIO_IDXD] = MOD_VFIO_IDXD, [MDEV] = MOD_MDEV,
	[VFIO_PCI_CORE] = MOD_VFIO_PCI_CORE, [VFIO_PCI] = MOD_VFIO_PCI,
};

static struct modelf elf[NR_MODS];

/* modules.symbols: the namespaced exports. */
static char exports[64][128];
static unsigned int nr_exports;

static int setup(void **state)
{
	char line[256], sym[128], mod[64], ns[64];
	unsigned int i;
	FILE *f;

	for (i = 0; i < NR_MODS; i++)
		if (modelf_open(paths[i], &elf[i]))
			return -1;
	f = fopen(SIOVD_MODDIR "/modules.symbols", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f) && nr_exports < 64) {
		if (sscanf(line, "%127s %63s %63s", sym, mod, ns) != 3)
			return -1;
		if (!strcmp(mod, "idxd") && !strcmp(ns, "IDXD"))
			snprintf(exports[nr_exports++], sizeof(exports[0]), "%s", sym);
	}
	fclose(f);
	return 0;
}

static int teardown(void **state)
{
	unsigned int i;

	for (i = 0; i < NR_MODS; i++)
		modelf_close(&elf[i]);
	return 0;
}

static bool exported_in_idxd(const char *name)
{
	unsigned int i;

	for (i = 0; i < nr_exports; i++)
		if (!strcmp(exports[i], name))
			return true;
	return false;
}

struct find {
	const char *name;
	bool found;
};

static int defines_cb(void *arg, const char *name, bool defined)
{
	struct find *f = arg;

	if (defined && !strcmp(name, f->name))
		f->found = true;
	return f->found;
}

static bool defines(unsigned int m, const char *name)
{
	struct find f = { .name = name };

	modelf_for_each_dynsym(&elf[m], defines_cb, &f);
	return f.found;
}

/* The undefined symbols of @user that module @from defines. */
struct taken {
	unsigned int from;
	char names[128][96];
	unsigned int n;
};

static int taken_cb(void *arg, const char *name, bool defined)
{
	struct taken *t = arg;

	if (!defined && defines(t->from, name) && t->n < 128)
		snprintf(t->names[t->n++], sizeof(t->names[0]), "%s", name);
	return 0;
}

static void taken_from(unsigned int user, unsigned int from, struct taken *t)
{
	memset(t, 0, sizeof(*t));
	t->from = from;
	modelf_for_each_dynsym(&elf[user], taken_cb, t);
}

static void test_vfio_idxd_uses_only_idxd_namespace(void **state)
{
	struct taken t;
	const char *v = NULL;
	bool imports = false;
	unsigned int i;

	assert_true(nr_exports >= 20);
	taken_from(VFIO_IDXD, IDXD, &t);
	assert_true(t.n > 10);
	for (i = 0; i < t.n; i++)
		if (!exported_in_idxd(t.names[i]))
			fail_msg("vfio_idxd takes %s from idxd outside namespace IDXD", t.names[i]);
	while ((v = modelf_modinfo_next(&elf[VFIO_IDXD], "import_ns", v)))
		imports |= !strcmp(v, "IDXD");
	assert_true(imports);
}

static int idxd_visible_cb(void *arg, const char *name, bool defined)
{
	unsigned int *bad = arg;

	if (!defined || strncmp(name, "idxd_", 5))
		return 0;
	/* the daemon's way in, by symbol_get(); everything else is IDXD's */
	if (!strcmp(name, "idxd_config_load") || !strcmp(name, "idxd_default_config"))
		return 0;
	if (!exported_in_idxd(name)) {
		fprintf(stderr, "idxd makes %s visible outside namespace IDXD\n", name);
		(*bad)++;
	}
	return 0;
}

static void test_idxd_shows_only_its_interface(void **state)
{
	unsigned int bad = 0;

	modelf_for_each_dynsym(&elf[IDXD], idxd_visible_cb, &bad);
	assert_int_equal(bad, 0);
	/* its internals are not reachable at all */
	assert_false(defines(IDXD, "idxd_cmd_exec"));
	assert_false(defines(IDXD, "idxd_device_enable"));
	assert_true(defines(IDXD, "__this_module"));
}

static void assert_takes_nothing(unsigned int user, unsigned int from)
{
	struct taken t;

	taken_from(user, from, &t);
	if (t.n)
		fail_msg("%s takes %s from %s", paths[user], t.names[0], paths[from]);
}

static void test_no_other_crossings(void **state)
{
	/* the PF driver loads and runs without any VFIO code */
	assert_takes_nothing(IDXD, VFIO_IDXD);
	assert_takes_nothing(IDXD, MDEV);
	assert_takes_nothing(IDXD, VFIO_PCI_CORE);
	assert_takes_nothing(IDXD, VFIO_PCI);
	/* the generic VFIO parts know nothing of idxd */
	assert_takes_nothing(MDEV, IDXD);
	assert_takes_nothing(VFIO_PCI_CORE, IDXD);
	assert_takes_nothing(VFIO_PCI_CORE, VFIO_IDXD);
	/* whole-function assignment is vfio-pci-core's, nothing else's */
	assert_takes_nothing(VFIO_PCI, IDXD);
	assert_takes_nothing(VFIO_PCI, VFIO_IDXD);
	assert_takes_nothing(VFIO_PCI, MDEV);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vfio_idxd_uses_only_idxd_namespace),
		cmocka_unit_test(test_idxd_shows_only_its_interface),
		cmocka_unit_test(test_no_other_crossings),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
