// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mdev core against a small real parent driver: a "tpar" device on a
 * test bus with a pool of slots, and two mdev drivers for it. "slotdrv"
 * counts its own instances (get_available) and takes a slot at probe;
 * "countdrv" lets the core count (max_instances). Checked: the sysfs layout
 * and links at the kernel's paths, create and remove through sysfs, every
 * create error and that it leaves nothing behind, available_instances
 * accounting, and parent unregistration removing what is left.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/vfio.h>

#include "base/device.h"
#include "sysfs/sysfs.h"
#include "vfio/mdev/mdev.h"

#define UUID_A		"6c1b5b53-12c5-4d8a-9a4b-0e6a3c1e4f01"
#define UUID_A_UPPER	"6C1B5B53-12C5-4D8A-9A4B-0E6A3C1E4F01"
#define UUID_B		"0f4e7d0a-7a1e-4a83-bd53-5f6a9d2e8c02"
#define UUID_C		"a3d0c1f2-0000-4b1c-8d2e-3f4a5b6c7d03"

#define PARENT_DIR	"/sys/devices/tpar0"
#define TYPES_DIR	PARENT_DIR "/mdev_supported_types"
#define SMALL_DIR	TYPES_DIR "/tpar-small"
#define BIG_DIR		TYPES_DIR "/tpar-big"

/* ---- the parent: a device with NR_SLOTS slots, bound to driver "tpar" ---- */

#define NR_SLOTS	2

struct tparent {
	struct device dev;
	bool slot_used[NR_SLOTS];
	struct mdev_parent mparent;
	struct mdev_type small, big;
	struct mdev_type *types[2];
};

static bool tbus_match(struct device *dev, struct device_driver *drv)
{
	return true;
}

static struct bus_type tbus = { .name = "tbus", .match = tbus_match };

static int tpar_probe(struct device *dev)
{
	return 0;
}

static struct device_driver tpar_driver = {
	.name = "tpar", .bus = &tbus, .probe = tpar_probe,
};

static void tparent_release(struct device *dev)
{
	free(container_of(dev, struct tparent, dev));
}

static struct tparent *to_tparent_type(struct mdev_type *mtype)
{
	return container_of(mtype->parent, struct tparent, mparent);
}

/* ---- mdev driver 1: takes a parent slot per mdev ------------------------- */

struct tmdev {
	int slot;
	struct mdev_type *type;
};

static int slot_probes, slot_removes, slot_probe_rc;

static int slotdrv_probe(struct mdev_device *mdev)
{
	struct tparent *tp = to_tparent_type(mdev->type);
	struct tmdev *t;
	int i;

	slot_probes++;
	if (slot_probe_rc)
		return slot_probe_rc;
	for (i = 0; i < NR_SLOTS && tp->slot_used[i]; i++)
		;
	if (i == NR_SLOTS)
		return -ENOSPC;
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->slot = i;
	t->type = mdev->type;
	tp->slot_used[i] = true;
	mdev_set_drvdata(mdev, t);
	return 0;
}

static void slotdrv_remove(struct mdev_device *mdev)
{
	struct tmdev *t = mdev_get_drvdata(mdev);

	slot_removes++;
	to_tparent_type(t->type)->slot_used[t->slot] = false;
	free(t);
}

static unsigned int slotdrv_get_available(struct mdev_type *mtype)
{
	struct tparent *tp = to_tparent_type(mtype);
	unsigned int i, n = 0;

	for (i = 0; i < NR_SLOTS; i++)
		n += !tp->slot_used[i];
	return n;
}

static ssize_t slotdrv_show_description(struct mdev_type *mtype, char *buf)
{
	return snprintf(buf, SYSFS_PAGE_SIZE, "one slot of %s\n",
			dev_name(mtype_get_parent_dev(mtype)));
}

static struct mdev_driver slotdrv = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.probe = slotdrv_probe,
	.remove = slotdrv_remove,
	.get_available = slotdrv_get_available,
	.show_description = slotdrv_show_description,
	.driver = { .name = "slotdrv" },
};

/* ---- mdev driver 2: the core counts max_instances ------------------------ */

static int count_probes;

static int countdrv_probe(struct mdev_device *mdev)
{
	count_probes++;
	return 0;
}

static void countdrv_remove(struct mdev_device *mdev)
{
}

static struct mdev_driver countdrv = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.max_instances = 3,
	.probe = countdrv_probe,
	.remove = countdrv_remove,
	.driver = { .name = "countdrv" },
};

/* ---- fixture --------------------------------------------------------------- */

static struct tparent *tp;
static unsigned int alive_at_start;

static int setup_with(struct mdev_driver *drv)
{
	if (sysfs_init() || bus_register(&tbus) || driver_register(&tpar_driver))
		return -1;
	if (mdev_init() || mdev_register_driver(drv))
		return -1;
	alive_at_start = device_nr_alive();
	slot_probes = slot_removes = slot_probe_rc = count_probes = 0;

	tp = calloc(1, sizeof(*tp));
	device_initialize(&tp->dev);
	tp->dev.bus = &tbus;
	tp->dev.release = tparent_release;
	dev_set_name(&tp->dev, "tpar0");
	if (device_add(&tp->dev) || tp->dev.driver != &tpar_driver)
		return -1;
	tp->small.sysfs_name = "small";
	tp->small.pretty_name = "Small slice";
	tp->big.sysfs_name = "big";
	tp->types[0] = &tp->small;
	tp->types[1] = &tp->big;
	return mdev_register_parent(&tp->mparent, &tp->dev, drv, tp->types, 2);
}

static int setup_slot(void **state)
{
	return setup_with(&slotdrv);
}

static int setup_count(void **state)
{
	return setup_with(&countdrv);
}

static void teardown_common(struct mdev_driver *drv)
{
	mdev_unregister_parent(&tp->mparent);
	device_unregister(&tp->dev);
	mdev_unregister_driver(drv);
	mdev_exit();
	driver_unregister(&tpar_driver);
	bus_unregister(&tbus);
	sysfs_exit();
}

static int teardown_slot(void **state)
{
	teardown_common(&slotdrv);
	return 0;
}

static int teardown_count(void **state)
{
	teardown_common(&countdrv);
	return 0;
}

/* ---- helpers --------------------------------------------------------------- */

static void read_attr(const char *path, const char *expect)
{
	char buf[SYSFS_PAGE_SIZE];
	ssize_t n = sysfs_read(path, buf, sizeof(buf) - 1);

	assert_true(n >= 0);
	buf[n] = '\0';
	assert_string_equal(buf, expect);
}

static ssize_t write_str(const char *path, const char *s)
{
	return sysfs_write(path, s, strlen(s));
}

static bool exists(const char *path)
{
	struct sysfs_stat st;

	return sysfs_lstat(path, &st) == 0;
}

static void assert_realpath(const char *path, const char *expect)
{
	char buf[512];

	assert_true(sysfs_realpath(path, buf, sizeof(buf)) >= 0);
	assert_string_equal(buf, expect);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_parent_layout(void **state)
{
	struct sysfs_stat st;

	assert_realpath("/sys/class/mdev_bus/tpar0", PARENT_DIR);
	assert_int_equal(sysfs_stat(SMALL_DIR, &st), 0);
	assert_int_equal(st.type, SYSFS_TYPE_DIR);
	assert_int_equal(sysfs_stat(BIG_DIR, &st), 0);
	read_attr(SMALL_DIR "/name", "Small slice\n");
	read_attr(BIG_DIR "/name", "big\n");
	read_attr(SMALL_DIR "/device_api", "vfio-pci\n");
	read_attr(SMALL_DIR "/available_instances", "2\n");
	read_attr(SMALL_DIR "/description", "one slot of tpar0\n");
	assert_int_equal(sysfs_stat(SMALL_DIR "/create", &st), 0);
	assert_int_equal(st.mode, 0200);
	assert_int_equal(sysfs_stat(SMALL_DIR "/devices", &st), 0);
	assert_int_equal(st.type, SYSFS_TYPE_DIR);
	/* create is write-only */
	char buf[64];
	assert_int_equal(sysfs_read(SMALL_DIR "/create", buf, sizeof(buf)), -EACCES);
}

static void test_create_remove(void **state)
{
	char buf[64];

	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A "\n"), 37);
	assert_int_equal(slot_probes, 1);
	read_attr(SMALL_DIR "/available_instances", "1\n");
	read_attr(BIG_DIR "/available_instances", "1\n");

	assert_realpath("/sys/bus/mdev/devices/" UUID_A, PARENT_DIR "/" UUID_A);
	assert_realpath(PARENT_DIR "/" UUID_A "/mdev_type", SMALL_DIR);
	assert_realpath(SMALL_DIR "/devices/" UUID_A, PARENT_DIR "/" UUID_A);
	assert_realpath(PARENT_DIR "/" UUID_A "/driver", "/sys/bus/mdev/drivers/slotdrv");
	assert_realpath(PARENT_DIR "/" UUID_A "/subsystem", "/sys/bus/mdev");
	assert_true(sysfs_readlink(PARENT_DIR "/" UUID_A "/mdev_type", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "../mdev_supported_types/tpar-small");
	assert_false(exists(BIG_DIR "/devices/" UUID_A));

	/* "0" removes nothing; junk is refused */
	assert_int_equal(write_str(PARENT_DIR "/" UUID_A "/remove", "0\n"), 2);
	assert_true(exists(PARENT_DIR "/" UUID_A));
	assert_int_equal(write_str(PARENT_DIR "/" UUID_A "/remove", "yes"), -EINVAL);
	assert_true(exists(PARENT_DIR "/" UUID_A));

	/* remove through the bus path: the store removes its own directory */
	assert_int_equal(write_str("/sys/bus/mdev/devices/" UUID_A "/remove", "1\n"), 2);
	assert_int_equal(slot_removes, 1);
	assert_false(exists(PARENT_DIR "/" UUID_A));
	assert_false(exists("/sys/bus/mdev/devices/" UUID_A));
	assert_false(exists(SMALL_DIR "/devices/" UUID_A));
	read_attr(SMALL_DIR "/available_instances", "2\n");
	assert_int_equal(device_nr_alive(), alive_at_start + 1);	/* tpar0 */

	/* the same UUID can be used again */
	assert_int_equal(write_str(BIG_DIR "/create", UUID_A), 36);
	assert_realpath(PARENT_DIR "/" UUID_A "/mdev_type", BIG_DIR);
	assert_int_equal(write_str(PARENT_DIR "/" UUID_A "/remove", "1"), 1);
}

static void test_create_names_lower_case(void **state)
{
	uuid_t u;
	struct mdev_device *mdev;

	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A_UPPER "\n"), 37);
	assert_true(exists("/sys/bus/mdev/devices/" UUID_A));
	assert_int_equal(uuid_parse(UUID_A, u), 0);
	mdev = mdev_find_device(u);
	assert_non_null(mdev);
	assert_string_equal(dev_name(&mdev->dev), UUID_A);
	assert_ptr_equal(mdev->type, &tp->small);
	assert_ptr_equal(mdev->dev.parent, &tp->dev);
	put_device(&mdev->dev);
	/* the same UUID in either case is a duplicate */
	assert_int_equal(write_str(BIG_DIR "/create", UUID_A "\n"), -EEXIST);
	assert_int_equal(mdev_device_remove(to_mdev_device(mdev_dev(mdev))), 0);
	assert_null(mdev_find_device(u));
}

static void test_create_malformed(void **state)
{
	static const char *const bad[] = {
		"",
		"\n",
		"not-a-uuid",
		"6c1b5b53-12c5-4d8a-9a4b-0e6a3c1e4f0",		/* 35 */
		"6c1b5b53-12c5-4d8a-9a4b-0e6a3c1e4f01x",	/* 37, not \n */
		"6c1b5b53-12c5-4d8a-9a4b-0e6a3c1e4f01\n\n",	/* 38 */
		"6c1b5b53+12c5-4d8a-9a4b-0e6a3c1e4f01",		/* bad dash */
		"6c1b5b53-12c5-4d8a-9a4b-0e6a3c1e4fzz",		/* bad hex */
		" 6c1b5b53-12c5-4d8a-9a4b-0e6a3c1e4f0",
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(write_str(SMALL_DIR "/create", bad[i]), -EINVAL);
	assert_int_equal(slot_probes, 0);
	read_attr(SMALL_DIR "/available_instances", "2\n");
	assert_int_equal(device_nr_alive(), alive_at_start + 1);
}

static void test_create_duplicate(void **state)
{
	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A), 36);
	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A "\n"), -EEXIST);
	assert_int_equal(write_str(BIG_DIR "/create", UUID_A), -EEXIST);
	assert_int_equal(slot_probes, 1);
	read_attr(SMALL_DIR "/available_instances", "1\n");
	assert_int_equal(write_str(PARENT_DIR "/" UUID_A "/remove", "1"), 1);
}

static void test_create_exhausted(void **state)
{
	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A), 36);
	assert_int_equal(write_str(BIG_DIR "/create", UUID_B), 36);
	read_attr(SMALL_DIR "/available_instances", "0\n");
	assert_int_equal(write_str(SMALL_DIR "/create", UUID_C), -EUSERS);
	assert_int_equal(slot_probes, 2);	/* refused before any probe */
	assert_false(exists("/sys/bus/mdev/devices/" UUID_C));
	/* one back, then it works */
	assert_int_equal(write_str(PARENT_DIR "/" UUID_A "/remove", "1"), 1);
	assert_int_equal(write_str(SMALL_DIR "/create", UUID_C), 36);
	assert_int_equal(write_str(PARENT_DIR "/" UUID_B "/remove", "1"), 1);
	assert_int_equal(write_str(PARENT_DIR "/" UUID_C "/remove", "1"), 1);
	read_attr(SMALL_DIR "/available_instances", "2\n");
}

static void test_create_probe_error(void **state)
{
	slot_probe_rc = -ENXIO;
	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A), -ENXIO);
	assert_int_equal(slot_probes, 1);
	assert_false(exists(PARENT_DIR "/" UUID_A));
	assert_false(exists("/sys/bus/mdev/devices/" UUID_A));
	assert_false(exists(SMALL_DIR "/devices/" UUID_A));
	assert_int_equal(device_nr_alive(), alive_at_start + 1);
	read_attr(SMALL_DIR "/available_instances", "2\n");
	/* the failed UUID is not remembered */
	slot_probe_rc = 0;
	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A), 36);
	assert_int_equal(write_str(PARENT_DIR "/" UUID_A "/remove", "1"), 1);
}

static void test_unregister_parent_removes_mdevs(void **state)
{
	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A), 36);
	assert_int_equal(write_str(BIG_DIR "/create", UUID_B), 36);
	assert_int_equal(device_nr_alive(), alive_at_start + 3);
	mdev_unregister_parent(&tp->mparent);
	assert_int_equal(slot_removes, 2);
	assert_int_equal(device_nr_alive(), alive_at_start + 1);
	assert_false(exists("/sys/class/mdev_bus/tpar0"));
	assert_false(exists(TYPES_DIR));
	assert_false(exists("/sys/bus/mdev/devices/" UUID_A));
	assert_false(tp->slot_used[0] || tp->slot_used[1]);
	/* registering again works, and unregistering twice is harmless */
	assert_int_equal(mdev_register_parent(&tp->mparent, &tp->dev, &slotdrv, tp->types, 2), 0);
	read_attr(SMALL_DIR "/available_instances", "2\n");
}

static void test_register_parent_errors(void **state)
{
	struct mdev_parent other;
	struct device *unbound;

	/* already a parent */
	assert_int_equal(mdev_register_parent(&other, &tp->dev, &slotdrv, tp->types, 2),
			 -EEXIST);
	assert_true(exists(SMALL_DIR));
	assert_int_equal(mdev_register_parent(&other, &tp->dev, &slotdrv, tp->types, 0),
			 -EINVAL);
	assert_int_equal(mdev_register_parent(&other, NULL, &slotdrv, tp->types, 2), -EINVAL);

	/* a device without a driver has no name for its types */
	unbound = calloc(1, sizeof(*unbound));
	device_initialize(unbound);
	unbound->release = (void (*)(struct device *))free;
	dev_set_name(unbound, "lonely");
	assert_int_equal(device_add(unbound), 0);
	assert_int_equal(mdev_register_parent(&other, unbound, &slotdrv, tp->types, 2), -EINVAL);
	assert_false(exists("/sys/devices/lonely/mdev_supported_types"));
	device_unregister(unbound);

	/* a driver without probe is refused */
	struct mdev_driver broken = { .device_api = "vfio-pci", .driver = { .name = "b" } };
	assert_int_equal(mdev_register_driver(&broken), -EINVAL);
}

static void test_remove_api_errors(void **state)
{
	uuid_t u;
	struct mdev_device *mdev;

	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A), 36);
	uuid_parse(UUID_A, u);
	mdev = mdev_find_device(u);
	assert_non_null(mdev);
	assert_int_equal(mdev_device_remove(mdev), 0);
	/* our reference keeps the memory: a second remove is refused */
	assert_int_equal(mdev_device_remove(mdev), -EAGAIN);
	put_device(&mdev->dev);
	assert_int_equal(device_nr_alive(), alive_at_start + 1);
}

static void test_removed_mdev_outlives_its_parent(void **state)
{
	struct mdev_device *mdev;
	uuid_t u;

	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A), 36);
	assert_int_equal(write_str(BIG_DIR "/create", UUID_B), 36);
	uuid_parse(UUID_A, u);
	mdev = mdev_find_device(u);
	assert_non_null(mdev);
	/* a user (say a vfio device with an open client) keeps it */
	assert_int_equal(mdev_device_remove(mdev), 0);
	assert_null(mdev->type);
	mdev_unregister_parent(&tp->mparent);
	/* the parent driver may now reuse its types: poison them */
	memset(&tp->small, 0xa5, sizeof(tp->small));
	memset(&tp->big, 0xa5, sizeof(tp->big));
	tp->small.sysfs_name = "small";
	tp->big.sysfs_name = "big";
	tp->small.pretty_name = tp->big.pretty_name = NULL;
	/* a new parent registration walks the mdevs without touching the zombie */
	assert_int_equal(mdev_register_parent(&tp->mparent, &tp->dev, &slotdrv, tp->types, 2), 0);
	assert_int_equal(write_str(SMALL_DIR "/create", UUID_B), 36);
	/* the zombie's UUID stays taken until its last reference goes */
	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A), -EEXIST);
	put_device(&mdev->dev);
	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A), 36);
	mdev_unregister_parent(&tp->mparent);
	assert_int_equal(device_nr_alive(), alive_at_start + 1);
}

static void test_unbind_then_remove(void **state)
{
	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A), 36);
	/* an administrator unbinds the driver: remove() runs, the mdev stays */
	assert_int_equal(write_str("/sys/bus/mdev/drivers/slotdrv/unbind", UUID_A), 36);
	assert_int_equal(slot_removes, 1);
	assert_true(exists(PARENT_DIR "/" UUID_A));
	/* and binds it again: the match says slotdrv drives it */
	assert_int_equal(write_str("/sys/bus/mdev/drivers/slotdrv/bind", UUID_A), 36);
	assert_int_equal(slot_probes, 2);
	assert_int_equal(write_str(PARENT_DIR "/" UUID_A "/remove", "1"), 1);
	assert_int_equal(slot_removes, 2);
}

/* ---- core-counted instances ------------------------------------------------ */

static void test_core_counts_instances(void **state)
{
	/* no show_description: no description attribute */
	assert_false(exists(SMALL_DIR "/description"));
	read_attr(SMALL_DIR "/available_instances", "3\n");
	assert_int_equal(write_str(SMALL_DIR "/create", UUID_A), 36);
	assert_int_equal(write_str(BIG_DIR "/create", UUID_B), 36);
	/* the count is per parent, shared by its types */
	read_attr(SMALL_DIR "/available_instances", "1\n");
	read_attr(BIG_DIR "/available_instances", "1\n");
	assert_int_equal(write_str(BIG_DIR "/create", UUID_C), 36);
	read_attr(BIG_DIR "/available_instances", "0\n");
	assert_int_equal(write_str(SMALL_DIR "/create", "11111111-2222-4333-8444-555555555555"),
			 -EUSERS);
	assert_int_equal(count_probes, 3);
	assert_int_equal(write_str(PARENT_DIR "/" UUID_B "/remove", "1"), 1);
	read_attr(SMALL_DIR "/available_instances", "1\n");
	/* unregistering the parent gives the rest back too */
	mdev_unregister_parent(&tp->mparent);
	assert_int_equal(tp->mparent.available_instances, 3);
	assert_int_equal(device_nr_alive(), alive_at_start + 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_parent_layout, setup_slot, teardown_slot),
		cmocka_unit_test_setup_teardown(test_create_remove, setup_slot, teardown_slot),
		cmocka_unit_test_setup_teardown(test_create_names_lower_case, setup_slot, teardown_slot),
		cmocka_unit_test_setup_teardown(test_create_malformed, setup_slot, teardown_slot),
		cmocka_unit_test_setup_teardown(test_create_duplicate, setup_slot, teardown_slot),
		cmocka_unit_test_setup_teardown(test_create_exhausted, setup_slot, teardown_slot),
		cmocka_unit_test_setup_teardown(test_create_probe_error, setup_slot, teardown_slot),
		cmocka_unit_test_setup_teardown(test_unregister_parent_removes_mdevs, setup_slot,
						teardown_slot),
		cmocka_unit_test_setup_teardown(test_register_parent_errors, setup_slot, teardown_slot),
		cmocka_unit_test_setup_teardown(test_remove_api_errors, setup_slot, teardown_slot),
		cmocka_unit_test_setup_teardown(test_removed_mdev_outlives_its_parent, setup_slot,
						teardown_slot),
		cmocka_unit_test_setup_teardown(test_unbind_then_remove, setup_slot, teardown_slot),
		cmocka_unit_test_setup_teardown(test_core_counts_instances, setup_count, teardown_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
