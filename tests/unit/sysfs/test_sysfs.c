// SPDX-License-Identifier: GPL-2.0-only
/* The attribute tree: layout, show/store, groups, links, removal rules. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "sysfs/sysfs.h"

struct owner {
	int value;
	struct sysfs_dir *self;		/* removed by the "remove" store */
	int stores;
};

static const struct attribute attr_value = { .name = "value", .mode = 0644 };
static const struct attribute attr_ro = { .name = "ro", .mode = 0444 };
static const struct attribute attr_remove = { .name = "remove", .mode = 0200 };
static const struct attribute attr_hidden = { .name = "hidden", .mode = 0444 };

static ssize_t t_show(void *owner, const struct attribute *attr, char *buf)
{
	struct owner *o = owner;

	return snprintf(buf, SYSFS_PAGE_SIZE, "%d\n", o->value);
}

static ssize_t t_store(void *owner, const struct attribute *attr, const char *buf,
		       size_t count)
{
	struct owner *o = owner;
	int v;

	o->stores++;
	if (attr == &attr_remove) {
		sysfs_remove_dir(o->self);
		return count;
	}
	if (sscanf(buf, "%d", &v) != 1)
		return -EINVAL;
	o->value = v;
	return count;
}

static const struct sysfs_ops t_ops = { .show = t_show, .store = t_store };

static int setup(void **state)
{
	return sysfs_init();
}

static int teardown(void **state)
{
	sysfs_exit();
	return 0;
}

static void test_read_write(void **state)
{
	struct owner o = { .value = 7 };
	struct sysfs_dir *d;
	char buf[64];
	ssize_t n;

	d = sysfs_mkdir(sysfs_mkdir_path("/sys/bus/dsa/devices"), "dsa0", &o, &t_ops);
	assert_non_null(d);
	assert_int_equal(sysfs_create_file(d, &attr_value), 0);
	assert_int_equal(sysfs_create_file(d, &attr_ro), 0);
	assert_int_equal(sysfs_create_file(d, &attr_value), -EEXIST);

	n = sysfs_read("/sys/bus/dsa/devices/dsa0/value", buf, sizeof(buf));
	assert_int_equal(n, 2);
	assert_memory_equal(buf, "7\n", 2);
	assert_int_equal(sysfs_write("/sys/bus/dsa/devices/dsa0/value", "42\n", 3), 3);
	assert_int_equal(o.value, 42);
	assert_int_equal(sysfs_write("/sys/bus/dsa/devices/dsa0/value", "x", 1), -EINVAL);
	assert_int_equal(o.value, 42);
	/* mode forbids: nothing reaches the owner */
	assert_int_equal(sysfs_write("/sys/bus/dsa/devices/dsa0/ro", "1", 1), -EACCES);
	assert_int_equal(o.stores, 2);
	assert_int_equal(sysfs_read("/sys/bus/dsa/devices/dsa0", buf, sizeof(buf)), -EISDIR);
	assert_int_equal(sysfs_read("/sys/bus/dsa/devices/nope/value", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(sysfs_read("/sys/bus/dsa/devices/dsa0/value/x", buf, sizeof(buf)), -ENOTDIR);
	assert_int_equal(sysfs_read("/proc/x", buf, sizeof(buf)), -ENOENT);
	/* as kernfs: a page reaches the store whole, a longer write is cut to one */
	{
		static char big[SYSFS_PAGE_SIZE + 100];

		memset(big, ' ', sizeof(big));
		big[sizeof(big) - 1] = '9';	/* beyond the page: never seen */
		big[0] = '5';
		assert_int_equal(sysfs_write("/sys/bus/dsa/devices/dsa0/value", big,
					     SYSFS_PAGE_SIZE), SYSFS_PAGE_SIZE);
		assert_int_equal(o.value, 5);
		assert_int_equal(sysfs_write("/sys/bus/dsa/devices/dsa0/value", big, sizeof(big)),
				 SYSFS_PAGE_SIZE);
		assert_int_equal(o.value, 5);
	}
}

static void test_links(void **state)
{
	struct owner o = { .value = 1 };
	struct sysfs_dir *dev, *bus;
	struct sysfs_stat st;
	char buf[256];

	dev = sysfs_mkdir(sysfs_mkdir_path("/sys/devices/pci0000:00/0000:00:0a.0"), "dsa0", &o,
			  &t_ops);
	assert_non_null(dev);
	assert_int_equal(sysfs_create_file(dev, &attr_value), 0);
	bus = sysfs_mkdir_path("/sys/bus/dsa/devices");
	assert_int_equal(sysfs_create_link(bus, dev, "dsa0"), 0);
	assert_int_equal(sysfs_create_link(dev, sysfs_mkdir_path("/sys/bus/dsa"), "subsystem"), 0);

	assert_int_equal(sysfs_readlink("/sys/bus/dsa/devices/dsa0", buf, sizeof(buf)),
			 (int)strlen("../../../devices/pci0000:00/0000:00:0a.0/dsa0"));
	assert_string_equal(buf, "../../../devices/pci0000:00/0000:00:0a.0/dsa0");
	assert_int_equal(sysfs_readlink("/sys/devices/pci0000:00/0000:00:0a.0/dsa0/subsystem",
					buf, sizeof(buf)), (int)strlen("../../../../bus/dsa"));
	assert_string_equal(buf, "../../../../bus/dsa");
	/* reading through a link; lstat sees the link itself */
	assert_int_equal(sysfs_read("/sys/bus/dsa/devices/dsa0/value", buf, sizeof(buf)), 2);
	assert_int_equal(sysfs_lstat("/sys/bus/dsa/devices/dsa0", &st), 0);
	assert_int_equal(st.type, SYSFS_TYPE_LINK);
	assert_int_equal(sysfs_stat("/sys/bus/dsa/devices/dsa0", &st), 0);
	assert_int_equal(st.type, SYSFS_TYPE_DIR);
	assert_true(sysfs_realpath("/sys/bus/dsa/devices/dsa0/subsystem/devices/dsa0/../dsa0",
				   buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "/sys/devices/pci0000:00/0000:00:0a.0/dsa0");
	assert_int_equal(sysfs_readlink("/sys/bus/dsa/devices", buf, sizeof(buf)), -EINVAL);

	/* a link to a removed directory no longer resolves */
	sysfs_remove_dir(dev);
	assert_int_equal(sysfs_readlink("/sys/bus/dsa/devices/dsa0", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(sysfs_read("/sys/bus/dsa/devices/dsa0/value", buf, sizeof(buf)), -ENOENT);
	sysfs_remove_link(bus, "dsa0");
	assert_int_equal(sysfs_lstat("/sys/bus/dsa/devices/dsa0", &st), -ENOENT);
}

static void test_link_loop(void **state)
{
	struct sysfs_dir *a = sysfs_mkdir_path("/sys/a");
	char buf[16];

	assert_int_equal(sysfs_create_link(a, a, "self"), 0);
	/* a/self/self/... resolves (it is a directory); a dangling chain does not loop */
	assert_int_equal(sysfs_read("/sys/a/self/self/self/x", buf, sizeof(buf)), -ENOENT);
}

struct names {
	char list[512];
};

static int collect(void *arg, const char *name, const struct sysfs_stat *st)
{
	struct names *n = arg;

	strcat(n->list, name);
	strcat(n->list, st->type == SYSFS_TYPE_DIR ? "/ " : " ");
	return 0;
}

static uint16_t hide_hidden(void *owner, const struct attribute *attr)
{
	return attr == &attr_hidden ? 0 : attr->mode;
}

static void test_groups_and_readdir(void **state)
{
	static const struct attribute *const attrs[] = { &attr_value, &attr_ro, &attr_hidden, NULL };
	static const struct attribute_group plain = { .attrs = attrs, .is_visible = hide_hidden };
	static const struct attribute_group named = { .name = "power", .attrs = attrs };
	struct owner o = { .value = 3 };
	struct names n = { "" };
	struct sysfs_dir *d;
	char buf[16];

	d = sysfs_mkdir(NULL, "grp", &o, &t_ops);
	assert_int_equal(sysfs_create_group(d, &plain), 0);
	assert_int_equal(sysfs_create_group(d, &named), 0);
	/* all or nothing: a clash leaves no partial group */
	assert_int_equal(sysfs_create_group(d, &plain), -EEXIST);
	assert_int_equal(sysfs_readdir("/sys/grp", collect, &n), 0);
	assert_string_equal(n.list, "power/ ro value ");
	assert_int_equal(sysfs_read("/sys/grp/power/value", buf, sizeof(buf)), 2);
	sysfs_remove_group(d, &plain);
	sysfs_remove_group(d, &named);
	n.list[0] = '\0';
	assert_int_equal(sysfs_readdir("/sys/grp", collect, &n), 0);
	assert_string_equal(n.list, "");
	assert_int_equal(sysfs_readdir("/sys/grp/nope", collect, &n), -ENOENT);
}

static void test_store_removes_own_dir(void **state)
{
	struct owner o = { 0 };
	struct sysfs_stat st;

	o.self = sysfs_mkdir(NULL, "mdev", &o, &t_ops);
	assert_non_null(o.self);
	assert_int_equal(sysfs_create_file(o.self, &attr_remove), 0);
	assert_int_equal(sysfs_create_file(o.self, &attr_value), 0);
	/* The store removes the directory holding the file being written. */
	assert_int_equal(sysfs_write("/sys/mdev/remove", "1\n", 2), 2);
	assert_int_equal(sysfs_stat("/sys/mdev", &st), -ENOENT);
	assert_null(sysfs_get_child(NULL, "mdev"));
}

static void test_bad_names(void **state)
{
	assert_null(sysfs_mkdir(NULL, "a/b", NULL, NULL));
	assert_int_equal(errno, EINVAL);
	assert_null(sysfs_mkdir(NULL, "..", NULL, NULL));
	assert_non_null(sysfs_mkdir(NULL, "dup", NULL, NULL));
	assert_null(sysfs_mkdir(NULL, "dup", NULL, NULL));
	assert_int_equal(errno, EEXIST);
	assert_null(sysfs_mkdir_path("/etc/x"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_link_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_groups_and_readdir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_store_removes_own_dir, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_names, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
