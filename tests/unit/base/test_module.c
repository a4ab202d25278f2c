// SPDX-License-Identifier: GPL-2.0-only
/*
 * The module loader with real shared objects (tests/unit/base/modules):
 * the index siov-depmod wrote, loading by alias and by name with
 * dependencies, the namespace check, failing init, /sys/module, parameters,
 * reference counts and holders, symbol_get, and autoloading from device_add.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/auxiliary.h"
#include "base/device.h"
#include "base/module.h"

/* Resolved by the modules from this program (it exports its symbols). */
int test_alpha_probes, test_alpha_removes, test_alpha_inits;
int test_beta_value, test_gamma_inits;

static char *read_attr(const char *path)
{
	static char buf[4096];
	ssize_t n = sysfs_read(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return buf;
}

static char *read_index(const char *file, char *buf, size_t size)
{
	char path[512];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", TEST_MODDIR, file);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	n = fread(buf, 1, size - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static bool exists(const char *path)
{
	struct sysfs_stat st;

	return !sysfs_stat(path, &st);
}

static int setup(void **state)
{
	test_alpha_probes = test_alpha_removes = test_alpha_inits = 0;
	test_beta_value = test_gamma_inits = 0;
	if (sysfs_init() || auxiliary_bus_init())
		return -1;
	return module_loader_init(TEST_MODDIR);
}

static int teardown(void **state)
{
	module_loader_exit();
	auxiliary_bus_exit();
	sysfs_exit();
	return 0;
}

static void test_index(void **state)
{
	static char abuf[8192], dbuf[8192];
	const char *alias = read_index("modules.alias", abuf, sizeof(abuf));
	const char *dep = read_index("modules.dep", dbuf, sizeof(dbuf));

	assert_non_null(alias);
	assert_non_null(dep);
	assert_non_null(strstr(alias, "alias auxiliary:test.alpha alpha\n"));
	assert_non_null(strstr(alias, "alias pci:v00008086d00000B25sv*sd*bc*sc*i* pcitbl\n"));
	assert_non_null(strstr(alias, "alias pci:v00008086d*sv*sd*bc08sc80i* pcitbl\n"));
	assert_non_null(strstr(alias, "alias vfio_pci:v00001AF4d00001041sv*sd*bc*sc*i* pcitbl\n"));
	/* beta and gamma take alpha_value from alpha; alpha needs no module */
	assert_non_null(strstr(dep, "modules/beta.so: modules/alpha.so\n"));
	assert_non_null(strstr(dep, "modules/gamma.so: modules/alpha.so\n"));
	assert_non_null(strstr(dep, "modules/alpha.so:\n"));
}

static void test_load_by_alias_and_sysfs(void **state)
{
	assert_false(exists("/sys/module/alpha"));
	assert_int_equal(request_module("auxiliary:test.alpha"), 0);
	assert_int_equal(test_alpha_inits, 1);
	assert_string_equal(read_attr("/sys/module/alpha/initstate"), "live\n");
	assert_string_equal(read_attr("/sys/module/alpha/refcnt"), "0\n");
	assert_true(exists("/sys/module/alpha/holders"));
	/* loaded once: a second request finds it live */
	assert_int_equal(request_module("alpha"), 0);
	assert_int_equal(test_alpha_inits, 1);
	/* the parameter, with its range */
	assert_string_equal(read_attr("/sys/module/alpha/parameters/level"), "7\n");
	assert_int_equal(sysfs_write("/sys/module/alpha/parameters/level", "20\n", 3), 3);
	assert_string_equal(read_attr("/sys/module/alpha/parameters/level"), "20\n");
	assert_int_equal(sysfs_write("/sys/module/alpha/parameters/level", "101", 3), -EINVAL);
	assert_int_equal(sysfs_write("/sys/module/alpha/parameters/level", "x", 1), -EINVAL);
	assert_string_equal(read_attr("/sys/module/alpha/parameters/level"), "20\n");
	/* unload: the directory goes, a second unload finds nothing */
	assert_int_equal(delete_module("alpha"), 0);
	assert_false(exists("/sys/module/alpha"));
	assert_int_equal(delete_module("alpha"), -ENOENT);
	assert_int_equal(request_module("auxiliary:nothing.here"), -ENOENT);
	assert_int_equal(request_module("no_such_module"), -ENOENT);
}

static void test_dependencies_and_holders(void **state)
{
	char link[256];

	/* beta pulls alpha in first and uses it */
	assert_int_equal(request_module("beta"), 0);
	assert_int_equal(test_beta_value, 42);
	assert_non_null(find_module("alpha"));
	assert_string_equal(read_attr("/sys/module/alpha/refcnt"), "1\n");
	assert_int_equal(sysfs_readlink("/sys/module/alpha/holders/beta", link, sizeof(link)),
			 (int)strlen("../../beta"));
	assert_string_equal(link, "../../beta");
	/* a used module stays */
	assert_int_equal(delete_module("alpha"), -EBUSY);
	assert_string_equal(read_attr("/sys/module/alpha/initstate"), "live\n");
	assert_int_equal(delete_module("beta"), 0);
	assert_false(exists("/sys/module/alpha/holders/beta"));
	assert_string_equal(read_attr("/sys/module/alpha/refcnt"), "0\n");
	assert_int_equal(delete_module("alpha"), 0);
}

static void test_namespace_refused(void **state)
{
	/* gamma uses ALPHA's symbol without importing it: refused unrun */
	assert_int_equal(request_module("gamma"), -EINVAL);
	assert_int_equal(test_gamma_inits, 0);
	assert_null(find_module("gamma"));
	assert_false(exists("/sys/module/gamma"));
	/* its dependency was loaded on the way and is intact */
	assert_string_equal(read_attr("/sys/module/alpha/refcnt"), "0\n");
	assert_int_equal(delete_module("alpha"), 0);
}

static void test_failing_init(void **state)
{
	assert_int_equal(request_module("failing"), -ENODEV);
	assert_null(find_module("failing"));
	assert_false(exists("/sys/module/failing"));
	/* a library module without init loads */
	assert_int_equal(request_module("pci:v00008086d00000B25sv00008086sd00000000bc08sc80i00"), 0);
	assert_non_null(find_module("pcitbl"));
	assert_int_equal(request_module("vfio_pci:v00001AF4d00001041sv00000000sd00000000bc01sc00i00"),
			 0);
	assert_int_equal(delete_module("pcitbl"), 0);
}

static void test_pins(void **state)
{
	int (*fn)(void);
	struct module *alpha;

	assert_int_equal(request_module("alpha"), 0);
	alpha = find_module("alpha");
	assert_true(try_module_get(alpha));
	assert_int_equal(module_refcount(alpha), 1);
	assert_int_equal(delete_module("alpha"), -EBUSY);
	module_put(alpha);
	/* symbol_get pins the symbol's module */
	fn = __symbol_get("alpha_value");
	assert_non_null(fn);
	assert_int_equal(fn(), 42);
	assert_int_equal(module_refcount(alpha), 1);
	assert_int_equal(delete_module("alpha"), -EBUSY);
	__symbol_put("alpha_value");
	assert_null(__symbol_get("malloc"));	/* not a module's symbol */
	assert_null(__symbol_get("no_such_symbol"));
	assert_int_equal(module_refcount(alpha), 0);
	assert_true(try_module_get(NULL));	/* built in */
	assert_int_equal(delete_module("alpha"), 0);
}

/* ---- autoloading from the driver core ----------------------------------- */

static int parent_released, aux_released;

static void parent_release(struct device *dev)
{
	parent_released++;
}

static void aux_release(struct device *dev)
{
	aux_released++;
}

static void test_autoload_on_device_add(void **state)
{
	struct device parent = { .release = parent_release };
	struct auxiliary_device adev = {
		.name = "alpha", .id = 0,
		.dev = { .parent = &parent, .release = aux_release },
	};

	parent_released = aux_released = 0;
	device_initialize(&parent);
	assert_int_equal(dev_set_name(&parent, "parent0"), 0);
	assert_int_equal(device_add(&parent), 0);
	assert_int_equal(auxiliary_device_init(&adev), 0);
	assert_int_equal(__auxiliary_device_add(&adev, "test"), 0);
	/* the modalias auxiliary:test.alpha loaded alpha, whose driver bound */
	assert_non_null(find_module("alpha"));
	assert_int_equal(test_alpha_probes, 1);
	assert_non_null(adev.dev.driver);
	assert_true(exists("/sys/bus/auxiliary/devices/test.alpha.0/driver"));
	/* unloading unbinds */
	assert_int_equal(delete_module("alpha"), 0);
	assert_int_equal(test_alpha_removes, 1);
	assert_null(adev.dev.driver);
	/* drivers_probe loads it again */
	assert_int_equal(sysfs_write("/sys/bus/auxiliary/drivers_probe", "test.alpha.0\n", 13),
			 13);
	assert_int_equal(test_alpha_probes, 2);
	assert_int_equal(sysfs_write("/sys/bus/auxiliary/drivers_probe", "nope.0", 6), -ENODEV);
	auxiliary_device_delete(&adev);
	auxiliary_device_uninit(&adev);
	assert_int_equal(test_alpha_removes, 2);
	device_unregister(&parent);
	assert_int_equal(aux_released, 1);
	assert_int_equal(parent_released, 1);
}

static void test_loader_exit_unloads_all(void **state)
{
	assert_int_equal(request_module("beta"), 0);
	module_loader_exit();
	assert_null(find_module("beta"));
	assert_null(find_module("alpha"));
	assert_false(exists("/sys/module"));
	/* a loader without index finds nothing */
	assert_int_equal(module_loader_init(NULL), 0);
	assert_int_equal(request_module("alpha"), -ENOENT);
	module_loader_exit();
	assert_int_equal(module_loader_init("/nonexistent"), -ENOENT);
	assert_int_equal(module_loader_init(TEST_MODDIR), 0);
}

static void test_bad_index_and_files(void **state)
{
	module_loader_exit();
	/* an index whose lines do not parse */
	assert_int_equal(module_loader_init(TEST_BADDIR), -EINVAL);
	assert_int_equal(module_loader_init(TEST_MODDIR), 0);
}

static void test_not_elf(void **state)
{
	module_loader_exit();
	/* an index naming a file that is no ELF object: refused, nothing loaded */
	assert_int_equal(module_loader_init(TEST_JUNKDIR), 0);
	assert_int_equal(request_module("junk"), -EINVAL);
	assert_null(find_module("junk"));
	module_loader_exit();
	assert_int_equal(module_loader_init(TEST_MODDIR), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_index, setup, teardown),
		cmocka_unit_test_setup_teardown(test_load_by_alias_and_sysfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dependencies_and_holders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_namespace_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_failing_init, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pins, setup, teardown),
		cmocka_unit_test_setup_teardown(test_autoload_on_device_add, setup, teardown),
		cmocka_unit_test_setup_teardown(test_loader_exit_unloads_all, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_index_and_files, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_elf, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
