// SPDX-License-Identifier: GPL-2.0-only
/*
 * The driver core: device lifetime, sysfs layout, matching, bind/unbind,
 * driver_override, no-autoprobe buses, classes and the auxiliary bus.
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

/* ---- a small bus with a name-prefix match ------------------------------- */

struct tdev {
	struct device dev;
	const char *kind;
	int *released;
};

struct tdrv {
	struct device_driver drv;
	const char *kind;
	int probes, removes;
	int probe_rc;
};

static bool t_match(struct device *dev, struct device_driver *drv)
{
	struct tdev *t = container_of(dev, struct tdev, dev);
	struct tdrv *d = container_of(drv, struct tdrv, drv);

	return !strcmp(t->kind, d->kind);
}

static int t_modalias(struct device *dev, char *buf, size_t size)
{
	return snprintf(buf, size, "t:%s", container_of(dev, struct tdev, dev)->kind);
}

static struct bus_type tbus = {
	.name = "tbus",
	.match = t_match,
	.modalias = t_modalias,
	.driver_override = true,
};

static int t_probe(struct device *dev)
{
	struct tdrv *d = container_of(dev->driver, struct tdrv, drv);

	d->probes++;
	if (d->probe_rc)
		return d->probe_rc;
	dev_set_drvdata(dev, d);
	return 0;
}

static void t_remove(struct device *dev)
{
	container_of(dev->driver, struct tdrv, drv)->removes++;
}

static void t_release(struct device *dev)
{
	struct tdev *t = container_of(dev, struct tdev, dev);

	(*t->released)++;
	free(t);
}

static struct tdev *tdev_new(const char *name, const char *kind, int *released)
{
	struct tdev *t = calloc(1, sizeof(*t));

	t->kind = kind;
	t->released = released;
	t->dev.bus = &tbus;
	t->dev.release = t_release;
	device_initialize(&t->dev);
	assert_int_equal(dev_set_name(&t->dev, "%s", name), 0);
	return t;
}

static int setup(void **state)
{
	assert_int_equal(sysfs_init(), 0);
	tbus.no_autoprobe = false;
	return bus_register(&tbus);
}

static int teardown(void **state)
{
	bus_unregister(&tbus);
	sysfs_exit();
	return 0;
}

static void test_lifetime_and_layout(void **state)
{
	unsigned int alive = device_nr_alive();
	int released = 0;
	struct tdev *a = tdev_new("a0", "a", &released);
	struct tdev *child;
	char buf[128];

	assert_int_equal(device_add(&a->dev), 0);
	assert_int_equal(sysfs_readlink("/sys/bus/tbus/devices/a0", buf, sizeof(buf)),
			 (int)strlen("../../../devices/a0"));
	assert_string_equal(buf, "../../../devices/a0");
	assert_int_equal(sysfs_readlink("/sys/devices/a0/subsystem", buf, sizeof(buf)),
			 (int)strlen("../../bus/tbus"));
	assert_string_equal(buf, "../../bus/tbus");
	assert_true(sysfs_read("/sys/devices/a0/modalias", buf, sizeof(buf)) > 0);
	assert_memory_equal(buf, "t:a\n", 4);

	/* a child lives in its parent's directory and pins it */
	child = tdev_new("c0", "c", &released);
	child->dev.parent = &a->dev;
	assert_int_equal(device_add(&child->dev), 0);
	assert_int_equal(sysfs_readlink("/sys/bus/tbus/devices/c0", buf, sizeof(buf)) > 0, 1);
	assert_string_equal(buf, "../../../devices/a0/c0");
	/* same name twice on a bus */
	{
		int r2 = 0;
		struct tdev *dup = tdev_new("a0", "a", &r2);

		dup->dev.parent = &child->dev;
		assert_int_equal(device_add(&dup->dev), -EEXIST);
		put_device(&dup->dev);
		assert_int_equal(r2, 1);
	}
	device_unregister(&a->dev);
	assert_int_equal(released, 0);		/* the child still holds it */
	device_unregister(&child->dev);
	assert_int_equal(released, 2);
	assert_int_equal(device_nr_alive(), alive);
}

static void test_match_probe_remove(void **state)
{
	struct tdrv da = { .drv = { .name = "drv_a", .bus = &tbus, .probe = t_probe,
				    .remove = t_remove }, .kind = "a" };
	int released = 0;
	struct tdev *a = tdev_new("a1", "a", &released);
	struct tdev *b = tdev_new("b1", "b", &released);
	char buf[128];

	assert_int_equal(device_add(&a->dev), 0);
	assert_int_equal(device_add(&b->dev), 0);
	/* registering a driver binds the matching device only */
	assert_int_equal(driver_register(&da.drv), 0);
	assert_int_equal(driver_register(&da.drv), -EINVAL);
	assert_ptr_equal(a->dev.driver, &da.drv);
	assert_null(b->dev.driver);
	assert_ptr_equal(dev_get_drvdata(&a->dev), &da);
	assert_true(sysfs_readlink("/sys/devices/a1/driver", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "../../bus/tbus/drivers/drv_a");
	assert_true(sysfs_readlink("/sys/bus/tbus/drivers/drv_a/a1", buf, sizeof(buf)) > 0);
	assert_true(sysfs_read("/sys/devices/a1/uevent", buf, sizeof(buf)) > 0);
	assert_non_null(strstr(buf, "DRIVER=drv_a\n"));
	/* uevent is writable as in the kernel: known actions only */
	assert_int_equal(sysfs_write("/sys/devices/a1/uevent", "change\n", 7), 7);
	assert_int_equal(sysfs_write("/sys/devices/a1/uevent", "explode", 7), -EINVAL);

	/* unbind / bind attributes */
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers/drv_a/unbind", "b1\n", 3), -ENODEV);
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers/drv_a/unbind", "a1\n", 3), 3);
	assert_null(a->dev.driver);
	assert_int_equal(da.removes, 1);
	assert_int_equal(sysfs_readlink("/sys/devices/a1/driver", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers/drv_a/bind", "b1", 2), -ENODEV);
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers/drv_a/bind", "zz", 2), -ENODEV);
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers/drv_a/bind", "a1", 2), 2);
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers/drv_a/bind", "a1", 2), -EBUSY);

	/* a failing probe leaves nothing bound */
	device_release_driver(&a->dev);
	da.probe_rc = -EIO;
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers/drv_a/bind", "a1", 2), -EIO);
	assert_null(a->dev.driver);
	assert_int_equal(sysfs_readlink("/sys/devices/a1/driver", buf, sizeof(buf)), -ENOENT);
	da.probe_rc = 0;

	assert_int_equal(device_attach(&a->dev), 1);
	driver_unregister(&da.drv);
	assert_null(a->dev.driver);
	assert_int_equal(da.removes, 3);
	device_unregister(&a->dev);
	device_unregister(&b->dev);
	assert_int_equal(released, 2);
}

static void test_driver_override(void **state)
{
	struct tdrv da = { .drv = { .name = "drv_a", .bus = &tbus, .probe = t_probe,
				    .remove = t_remove }, .kind = "a" };
	struct tdrv dv = { .drv = { .name = "vfio", .bus = &tbus, .probe = t_probe,
				    .remove = t_remove }, .kind = "none" };
	int released = 0;
	struct tdev *a = tdev_new("a2", "a", &released);
	char buf[64];

	assert_int_equal(driver_register(&dv.drv), 0);
	assert_int_equal(device_add(&a->dev), 0);
	assert_null(a->dev.driver);
	assert_int_equal(sysfs_read("/sys/devices/a2/driver_override", buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "(null)\n", 7);
	/* steer it: only the named driver may bind, even without an id match */
	assert_int_equal(sysfs_write("/sys/devices/a2/driver_override", "vfio\n", 5), 5);
	assert_int_equal(driver_register(&da.drv), 0);
	assert_null(a->dev.driver);
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers/drv_a/bind", "a2", 2), -ENODEV);
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers/vfio/bind", "a2", 2), 2);
	assert_ptr_equal(a->dev.driver, &dv.drv);
	assert_int_equal(sysfs_read("/sys/devices/a2/driver_override", buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "vfio\n", 5);
	/* clearing with a newline */
	device_release_driver(&a->dev);
	assert_int_equal(sysfs_write("/sys/devices/a2/driver_override", "\n", 1), 1);
	assert_null(a->dev.driver_override);
	assert_int_equal(device_attach(&a->dev), 1);
	assert_ptr_equal(a->dev.driver, &da.drv);
	driver_unregister(&da.drv);
	driver_unregister(&dv.drv);
	device_unregister(&a->dev);
}

static int veto_rc;

static int t_may_unbind(struct device *dev)
{
	return veto_rc;
}

/*
 * A driver may refuse an unbind asked for through sysfs; removal of the
 * device or of the driver still unbinds. drivers_probe binds like
 * device_add() does.
 */
static void test_unbind_veto_and_drivers_probe(void **state)
{
	struct tdrv da = { .drv = { .name = "drv_a", .bus = &tbus, .probe = t_probe,
				    .remove = t_remove, .may_unbind = t_may_unbind },
			   .kind = "a" };
	int released = 0;
	struct tdev *a = tdev_new("a5", "a", &released);

	assert_int_equal(device_add(&a->dev), 0);
	assert_null(a->dev.driver);
	assert_int_equal(driver_register(&da.drv), 0);
	assert_ptr_equal(a->dev.driver, &da.drv);
	veto_rc = -EBUSY;
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers/drv_a/unbind", "a5", 2), -EBUSY);
	assert_ptr_equal(a->dev.driver, &da.drv);
	assert_int_equal(da.removes, 0);
	veto_rc = 0;
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers/drv_a/unbind", "a5\n", 3), 3);
	assert_null(a->dev.driver);
	assert_int_equal(da.removes, 1);
	/* drivers_probe: the unbound device binds again */
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers_probe", "a5\n", 3), 3);
	assert_ptr_equal(a->dev.driver, &da.drv);
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers_probe", "zz", 2), -ENODEV);
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers_probe", "\n", 1), -EINVAL);
	/* a forced unbind is not asked */
	veto_rc = -EBUSY;
	driver_unregister(&da.drv);
	assert_null(a->dev.driver);
	assert_int_equal(da.removes, 2);
	veto_rc = 0;
	device_unregister(&a->dev);
	assert_int_equal(released, 1);
}

static void test_no_autoprobe(void **state)
{
	struct tdrv da = { .drv = { .name = "drv_a", .bus = &tbus, .probe = t_probe,
				    .remove = t_remove }, .kind = "a" };
	int released = 0;
	struct tdev *a = tdev_new("a3", "a", &released);

	tbus.no_autoprobe = true;
	assert_int_equal(driver_register(&da.drv), 0);
	assert_int_equal(device_add(&a->dev), 0);
	assert_null(a->dev.driver);
	assert_int_equal(da.probes, 0);
	assert_int_equal(sysfs_write("/sys/bus/tbus/drivers/drv_a/bind", "a3\n", 3), 3);
	assert_ptr_equal(a->dev.driver, &da.drv);
	device_unregister(&a->dev);
	driver_unregister(&da.drv);
	assert_int_equal(da.removes, 1);
}

struct events {
	struct device_notifier nb;
	char log[256];
};

static void note_event(struct device_notifier *nb, enum device_event ev, struct device *dev)
{
	struct events *e = container_of(nb, struct events, nb);
	size_t n = strlen(e->log);

	snprintf(e->log + n, sizeof(e->log) - n, "%s:%s%s ", ev == DEVICE_EVENT_ADD ? "add" : "del",
		 dev_name(dev), dev->driver ? "+drv" : "");
}

static void test_notifiers(void **state)
{
	struct tdrv da = { .drv = { .name = "drv_a", .bus = &tbus, .probe = t_probe,
				    .remove = t_remove }, .kind = "a" };
	struct events e = { .nb = { .fn = note_event } };
	int released = 0;
	struct tdev *a, *b;

	assert_int_equal(driver_register(&da.drv), 0);
	device_notifier_register(&e.nb);
	a = tdev_new("n0", "a", &released);
	b = tdev_new("n1", "b", &released);
	assert_int_equal(device_add(&a->dev), 0);
	assert_int_equal(device_add(&b->dev), 0);
	device_unregister(&a->dev);
	device_notifier_unregister(&e.nb);
	device_unregister(&b->dev);
	/* add after the probe (bound), del before the driver goes; none once unregistered */
	assert_string_equal(e.log, "add:n0+drv add:n1 del:n0+drv ");
	driver_unregister(&da.drv);
	assert_int_equal(released, 2);
}

static void test_class(void **state)
{
	struct class cls = { .name = "mdev_bus" };
	int released = 0;
	struct tdev *a = tdev_new("0000:00:0a.0", "a", &released);
	char buf[128];

	assert_int_equal(class_register(&cls), 0);
	assert_int_equal(device_add(&a->dev), 0);
	assert_int_equal(class_link_add(&cls, &a->dev), 0);
	assert_true(sysfs_readlink("/sys/class/mdev_bus/0000:00:0a.0", buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "../../devices/0000:00:0a.0");
	class_link_remove(&cls, &a->dev);
	class_unregister(&cls);
	device_unregister(&a->dev);
}

/* ---- auxiliary bus ------------------------------------------------------- */

struct parent_shared {
	struct auxiliary_device adev;
	int token;
	int *released;
};

static int aux_probes, aux_removes;
static const struct auxiliary_device_id *aux_seen_id;

static int aux_probe(struct auxiliary_device *adev, const struct auxiliary_device_id *id)
{
	aux_probes++;
	aux_seen_id = id;
	return container_of(adev, struct parent_shared, adev)->token == 7 ? 0 : -EINVAL;
}

static void aux_remove(struct auxiliary_device *adev)
{
	aux_removes++;
}

static void aux_release(struct device *dev)
{
	struct parent_shared *s = container_of(to_auxiliary_dev(dev), struct parent_shared, adev);

	(*s->released)++;
	free(s);
}

static void test_auxiliary(void **state)
{
	static const struct auxiliary_device_id ids[] = { { .name = "idxd.mdev" }, { "" } };
	struct auxiliary_driver drv = { .name = "vdcm", .probe = aux_probe,
					.remove = aux_remove, .id_table = ids };
	struct parent_shared *s;
	int released = 0, preleased = 0;
	struct tdev *parent = tdev_new("pf", "p", &preleased);
	struct auxiliary_device *found;
	char buf[128];

	assert_int_equal(auxiliary_bus_init(), 0);
	assert_int_equal(device_add(&parent->dev), 0);
	assert_int_equal(__auxiliary_driver_register(&drv, NULL, "vfio_idxd"), 0);

	s = calloc(1, sizeof(*s));
	s->token = 7;
	s->released = &released;
	s->adev.name = "mdev";
	s->adev.id = 3;
	/* init refuses a device without parent or release */
	assert_int_equal(auxiliary_device_init(&s->adev), -EINVAL);
	s->adev.dev.parent = &parent->dev;
	assert_int_equal(auxiliary_device_init(&s->adev), -EINVAL);
	s->adev.dev.release = aux_release;
	assert_int_equal(auxiliary_device_init(&s->adev), 0);
	assert_int_equal(__auxiliary_device_add(&s->adev, "idxd"), 0);
	assert_string_equal(dev_name(&s->adev.dev), "idxd.mdev.3");
	assert_int_equal(aux_probes, 1);
	assert_ptr_equal(aux_seen_id, &ids[0]);
	assert_true(sysfs_read("/sys/bus/auxiliary/devices/idxd.mdev.3/modalias", buf,
			       sizeof(buf)) > 0);
	assert_memory_equal(buf, "auxiliary:idxd.mdev\n", 20);
	assert_true(sysfs_readlink("/sys/bus/auxiliary/devices/idxd.mdev.3/driver", buf,
				   sizeof(buf)) > 0);
	assert_string_equal(buf, "../../../bus/auxiliary/drivers/vfio_idxd.vdcm");
	found = auxiliary_find_device("idxd.mdev.3");
	assert_ptr_equal(found, &s->adev);
	put_device(&found->dev);

	/* delete then uninit: the last put frees through release() */
	auxiliary_device_delete(&s->adev);
	assert_int_equal(aux_removes, 1);
	assert_int_equal(released, 0);
	auxiliary_device_uninit(&s->adev);
	assert_int_equal(released, 1);
	auxiliary_driver_unregister(&drv);
	device_unregister(&parent->dev);
	auxiliary_bus_exit();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_lifetime_and_layout, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_probe_remove, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_override, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unbind_veto_and_drivers_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_autoprobe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notifiers, setup, teardown),
		cmocka_unit_test_setup_teardown(test_class, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auxiliary, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
