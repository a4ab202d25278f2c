// SPDX-License-Identifier: GPL-2.0-only
/*
 * Buses and drivers: registration, the /sys/bus/<bus> tree, bind/unbind
 * attributes. Source: Linux drivers/base/bus.c and driver.c, reduced.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "base/base.h"
#include "lib/log.h"

struct sysfs_dir *bus_devices_root(struct bus_type *bus)
{
	char path[256];

	snprintf(path, sizeof(path), "/sys/devices/%s", bus->dev_root);
	return sysfs_mkdir_path(path);
}

/*
 * The device of @bus named by a write to bind, unbind or drivers_probe (a
 * newline ends the name), with a reference the caller puts.
 * Return: 0, -EINVAL (no name or one too long) or -ENODEV.
 */
static int attr_get_device(struct bus_type *bus, const char *buf, struct device **dev)
{
	size_t len = strcspn(buf, "\n");
	char name[256];

	if (!len || len >= sizeof(name))
		return -EINVAL;
	memcpy(name, buf, len);
	name[len] = '\0';
	*dev = bus_find_device_by_name(bus, name);
	return *dev ? 0 : -ENODEV;
}

/* /sys/bus/<bus>/drivers_probe: bind (and load the driver of) a device. */
static ssize_t drivers_probe_store(struct bus_type *bus, const char *buf, size_t count)
{
	struct device *dev;
	int rc;

	rc = attr_get_device(bus, buf, &dev);
	if (rc)
		return rc;
	rc = bus_probe_device(dev);
	put_device(dev);
	return rc < 0 ? rc : (ssize_t)count;
}

static const struct attribute bus_attr_drivers_probe = { .name = "drivers_probe", .mode = 0200 };

static ssize_t bus_attr_store(void *owner, const struct attribute *attr,
			      const char *buf, size_t count)
{
	if (attr == &bus_attr_drivers_probe)
		return drivers_probe_store(owner, buf, count);
	return -EIO;
}

static const struct sysfs_ops bus_sysfs_ops = {
	.store = bus_attr_store,
};

int bus_register(struct bus_type *bus)
{
	struct sysfs_dir *buses;

	if (!bus || !bus->name || bus->registered)
		return -EINVAL;
	INIT_LIST_HEAD(&bus->devices);
	INIT_LIST_HEAD(&bus->drivers);
	buses = sysfs_mkdir_path("/sys/bus");
	if (!buses)
		return -ENOMEM;
	bus->dir = sysfs_mkdir(buses, bus->name, bus, &bus_sysfs_ops);
	if (!bus->dir)
		return -errno;
	bus->devices_dir = sysfs_mkdir(bus->dir, "devices", NULL, NULL);
	bus->drivers_dir = sysfs_mkdir(bus->dir, "drivers", NULL, NULL);
	if (!bus->devices_dir || !bus->drivers_dir ||
	    sysfs_create_file(bus->dir, &bus_attr_drivers_probe)) {
		sysfs_remove_dir(bus->dir);
		return -ENOMEM;
	}
	bus->registered = true;
	return 0;
}

void bus_unregister(struct bus_type *bus)
{
	if (!bus || !bus->registered)
		return;
	if (!list_empty(&bus->devices) || !list_empty(&bus->drivers))
		pr_warn("bus %s unregistered while in use", bus->name);
	sysfs_remove_dir(bus->dir);
	bus->dir = bus->devices_dir = bus->drivers_dir = NULL;
	bus->registered = false;
}

static struct device *bus_find_by_name(struct bus_type *bus, const char *name)
{
	struct device *dev;

	list_for_each_entry(dev, &bus->devices, bus_node)
		if (!strcmp(dev->name, name))
			return dev;
	return NULL;
}

struct device *bus_find_device_by_name(struct bus_type *bus, const char *name)
{
	return get_device(bus_find_by_name(bus, name));
}

int bus_for_each_dev(struct bus_type *bus, void *data,
		     int (*fn)(struct device *dev, void *data))
{
	struct device *dev, *n;
	int rc;

	list_for_each_entry_safe(dev, n, &bus->devices, bus_node) {
		rc = fn(dev, data);
		if (rc)
			return rc;
	}
	return 0;
}

int bus_add_device(struct device *dev)
{
	struct bus_type *bus = dev->bus;
	int rc;

	if (!bus->registered)
		return -EINVAL;
	if (bus_find_by_name(bus, dev->name))
		return -EEXIST;
	rc = sysfs_create_link(bus->devices_dir, dev->dir, dev->name);
	if (rc)
		return rc;
	rc = sysfs_create_link(dev->dir, bus->dir, "subsystem");
	if (rc) {
		sysfs_remove_link(bus->devices_dir, dev->name);
		return rc;
	}
	list_add_tail(&dev->bus_node, &bus->devices);
	return 0;
}

void bus_remove_device(struct device *dev)
{
	struct bus_type *bus = dev->bus;

	list_del_init(&dev->bus_node);
	sysfs_remove_link(dev->dir, "subsystem");
	sysfs_remove_link(bus->devices_dir, dev->name);
}

/* ---- drivers ------------------------------------------------------------ */

struct device_driver *driver_find(const char *name, struct bus_type *bus)
{
	struct device_driver *drv;

	list_for_each_entry(drv, &bus->drivers, node)
		if (!strcmp(drv->name, name))
			return drv;
	return NULL;
}

static ssize_t bind_store(struct device_driver *drv, const char *buf, size_t count)
{
	struct device *dev;
	int rc;

	rc = attr_get_device(drv->bus, buf, &dev);
	if (rc)
		return rc;
	rc = device_driver_attach(drv, dev);
	put_device(dev);
	return rc ? rc : (ssize_t)count;
}

static ssize_t unbind_store(struct device_driver *drv, const char *buf, size_t count)
{
	struct device *dev;
	int rc;

	rc = attr_get_device(drv->bus, buf, &dev);
	if (rc)
		return rc;
	if (dev->driver != drv) {
		put_device(dev);
		return -ENODEV;
	}
	rc = drv->may_unbind ? drv->may_unbind(dev) : 0;
	if (rc) {
		dev_info(dev, "%s refuses the unbind: %d", drv->name, rc);
		put_device(dev);
		return rc;
	}
	device_release_driver(dev);
	put_device(dev);
	return count;
}

static const struct attribute drv_attr_bind = { .name = "bind", .mode = 0200 };
static const struct attribute drv_attr_unbind = { .name = "unbind", .mode = 0200 };

static ssize_t drv_attr_store(void *owner, const struct attribute *attr,
			      const char *buf, size_t count)
{
	if (attr == &drv_attr_bind)
		return bind_store(owner, buf, count);
	if (attr == &drv_attr_unbind)
		return unbind_store(owner, buf, count);
	return -EIO;
}

static const struct sysfs_ops drv_sysfs_ops = {
	.store = drv_attr_store,
};

static int bind_matching(struct device *dev, void *data)
{
	struct device_driver *drv = data;
	int rc;

	if (dev->driver || !device_driver_matches(dev, drv))
		return 0;
	rc = driver_probe_device(drv, dev);
	if (rc && rc != -ENODEV && rc != -ENXIO)
		dev_warn(dev, "probe by %s failed: %d", drv->name, rc);
	return 0;
}

int driver_register(struct device_driver *drv)
{
	struct bus_type *bus = drv->bus;
	int rc;

	if (!drv->name || !bus || !bus->registered || drv->registered)
		return -EINVAL;
	if (driver_find(drv->name, bus))
		return -EEXIST;
	drv->dir = sysfs_mkdir(bus->drivers_dir, drv->name, drv, &drv_sysfs_ops);
	if (!drv->dir)
		return -errno;
	rc = sysfs_create_file(drv->dir, &drv_attr_bind);
	if (!rc)
		rc = sysfs_create_file(drv->dir, &drv_attr_unbind);
	if (rc) {
		sysfs_remove_dir(drv->dir);
		return rc;
	}
	list_add_tail(&drv->node, &bus->drivers);
	drv->registered = true;
	if (!bus->no_autoprobe)
		bus_for_each_dev(bus, drv, bind_matching);
	return 0;
}

static int unbind_bound(struct device *dev, void *data)
{
	if (dev->driver == data)
		device_release_driver(dev);
	return 0;
}

void driver_unregister(struct device_driver *drv)
{
	if (!drv || !drv->registered)
		return;
	bus_for_each_dev(drv->bus, drv, unbind_bound);
	list_del_init(&drv->node);
	sysfs_remove_dir(drv->dir);
	drv->dir = NULL;
	drv->registered = false;
}
