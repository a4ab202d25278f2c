// SPDX-License-Identifier: GPL-2.0-only
/*
 * Devices: initialise, name, add, delete, reference counting, binding to a
 * driver, and the device directory's attributes (uevent, modalias,
 * driver_override). Source: Linux drivers/base/core.c and dd.c, reduced.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/base.h"
#include "base/module.h"
#include "lib/kstrto.h"
#include "lib/log.h"

static atomic_uint devices_alive;

unsigned int device_nr_alive(void)
{
	return atomic_load(&devices_alive);
}

/* ---- the device directory's sysfs_ops ----------------------------------- */

static ssize_t dev_attr_show(void *owner, const struct attribute *attr, char *buf)
{
	struct device_attribute *da = container_of(attr, struct device_attribute, attr);

	if (!da->show)
		return -EIO;
	return da->show(owner, da, buf);
}

static ssize_t dev_attr_store(void *owner, const struct attribute *attr,
			      const char *buf, size_t count)
{
	struct device_attribute *da = container_of(attr, struct device_attribute, attr);

	if (!da->store)
		return -EIO;
	return da->store(owner, da, buf, count);
}

const struct sysfs_ops dev_sysfs_ops = {
	.show = dev_attr_show,
	.store = dev_attr_store,
};

static ssize_t uevent_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	char alias[256];
	int n = 0;

	if (dev->driver)
		n += snprintf(buf + n, SYSFS_PAGE_SIZE - n, "DRIVER=%s\n", dev->driver->name);
	if (dev->bus && dev->bus->modalias &&
	    dev->bus->modalias(dev, alias, sizeof(alias)) > 0)
		n += snprintf(buf + n, SYSFS_PAGE_SIZE - n, "MODALIAS=%s\n", alias);
	return n;
}
/*
 * A write of an action name asks the kernel to synthesize that uevent
 * (Documentation/ABI/testing/sysfs-uevent). siovd has no uevent listeners:
 * a known action is accepted and nothing is sent; anything else is -EINVAL.
 */
static ssize_t uevent_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	static const char *const actions[] = { "add", "remove", "change", "move", "online",
					       "offline", "bind", "unbind" };
	size_t len = strcspn(buf, " \n");
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(actions); i++)
		if (len == strlen(actions[i]) && !strncmp(buf, actions[i], len))
			return count;
	return -EINVAL;
}
static DEVICE_ATTR_RW(uevent);

static ssize_t modalias_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	int n = dev->bus->modalias(dev, buf, SYSFS_PAGE_SIZE - 1);

	if (n < 0)
		return n;
	buf[n++] = '\n';
	return n;
}
static DEVICE_ATTR_RO(modalias);

static ssize_t driver_override_show(struct device *dev, struct device_attribute *attr,
				    char *buf)
{
	return snprintf(buf, SYSFS_PAGE_SIZE, "%s\n",
			dev->driver_override ? dev->driver_override : "(null)");
}

static ssize_t driver_override_store(struct device *dev, struct device_attribute *attr,
				     const char *buf, size_t count)
{
	int rc = device_set_driver_override(dev, buf);

	return rc ? rc : (ssize_t)count;
}
static DEVICE_ATTR_RW(driver_override);

int device_set_driver_override(struct device *dev, const char *name)
{
	size_t len = name ? strcspn(name, "\n") : 0;
	char *s = NULL;

	if (len >= SYSFS_PAGE_SIZE - 1)
		return -EINVAL;
	if (len) {
		s = strndup(name, len);
		if (!s)
			return -ENOMEM;
	}
	free(dev->driver_override);
	dev->driver_override = s;
	return 0;
}

/* ---- lifetime ------------------------------------------------------------ */

void device_initialize(struct device *dev)
{
	kref_init(&dev->kref);
	INIT_LIST_HEAD(&dev->bus_node);
	INIT_LIST_HEAD(&dev->children);
	INIT_LIST_HEAD(&dev->sibling);
	atomic_fetch_add(&devices_alive, 1);
}

int dev_set_name(struct device *dev, const char *fmt, ...)
{
	va_list ap;
	char *name;
	int rc;

	va_start(ap, fmt);
	rc = vasprintf(&name, fmt, ap);
	va_end(ap);
	if (rc < 0)
		return -ENOMEM;
	free(dev->name);
	dev->name = name;
	return 0;
}

const char *dev_name(const struct device *dev)
{
	return dev && dev->name ? dev->name : "(no name)";
}

struct device *get_device(struct device *dev)
{
	if (dev)
		kref_get(&dev->kref);
	return dev;
}

static void device_release(struct kref *kref)
{
	struct device *dev = container_of(kref, struct device, kref);
	char *name = dev->name;

	free(dev->driver_override);
	dev->driver_override = NULL;
	atomic_fetch_sub(&devices_alive, 1);
	if (dev->release)
		dev->release(dev);
	else if (dev->type && dev->type->release)
		dev->type->release(dev);
	else
		pr_err("device %s has no release(): leaked", name ? name : "?");
	free(name);
}

void put_device(struct device *dev)
{
	if (dev)
		kref_put(&dev->kref, device_release);
}

/* ---- add / del ------------------------------------------------------------ */

static int device_add_attrs(struct device *dev)
{
	int rc;

	rc = sysfs_create_file(dev->dir, &dev_attr_uevent.attr);
	if (!rc && dev->bus && dev->bus->modalias)
		rc = sysfs_create_file(dev->dir, &dev_attr_modalias.attr);
	if (!rc && dev->bus && dev->bus->driver_override)
		rc = sysfs_create_file(dev->dir, &dev_attr_driver_override.attr);
	if (!rc && dev->bus)
		rc = sysfs_create_groups(dev->dir, dev->bus->dev_groups);
	if (!rc && dev->type)
		rc = sysfs_create_groups(dev->dir, dev->type->groups);
	if (!rc)
		rc = sysfs_create_groups(dev->dir, dev->groups);
	return rc;
}

static LIST_HEAD(device_notifiers);

void device_notifier_register(struct device_notifier *nb)
{
	list_add_tail(&nb->node, &device_notifiers);
}

void device_notifier_unregister(struct device_notifier *nb)
{
	list_del_init(&nb->node);
}

static void device_notify(enum device_event event, struct device *dev)
{
	struct device_notifier *nb, *n;

	list_for_each_entry_safe(nb, n, &device_notifiers, node)
		nb->fn(nb, event, dev);
}

int device_add(struct device *dev)
{
	struct sysfs_dir *parent_dir;
	int rc;

	if (!dev || !dev->name || dev->added)
		return -EINVAL;
	if (dev->parent)
		parent_dir = dev->parent->dir;
	else if (dev->bus && dev->bus->dev_root)
		parent_dir = bus_devices_root(dev->bus);
	else
		parent_dir = sysfs_mkdir_path("/sys/devices");
	if (!parent_dir)
		return -ENOMEM;

	dev->dir = sysfs_mkdir(parent_dir, dev->name, dev, &dev_sysfs_ops);
	if (!dev->dir)
		return -errno;
	/* The directory may be removed from above (a parent deleted first). */
	sysfs_dir_get(dev->dir);
	rc = device_add_attrs(dev);
	if (rc)
		goto out_remove_dir;
	if (dev->bus) {
		rc = bus_add_device(dev);
		if (rc)
			goto out_remove_dir;
	}
	get_device(dev->parent);
	if (dev->parent)
		list_add_tail(&dev->sibling, &dev->parent->children);
	dev->added = true;
	if (dev->bus && !dev->bus->no_autoprobe) {
		rc = bus_probe_device(dev);
		if (rc < 0)
			dev_dbg(dev, "no driver bound: %d", rc);
	}
	device_notify(DEVICE_EVENT_ADD, dev);
	return 0;

out_remove_dir:
	sysfs_remove_dir(dev->dir);
	sysfs_dir_put(dev->dir);
	dev->dir = NULL;
	return rc;
}

void device_del(struct device *dev)
{
	if (!dev || !dev->added)
		return;
	if (!list_empty(&dev->children))
		dev_warn(dev, "deleted before its children");
	device_notify(DEVICE_EVENT_DEL, dev);
	device_release_driver(dev);
	if (dev->bus)
		bus_remove_device(dev);
	sysfs_remove_dir(dev->dir);
	sysfs_dir_put(dev->dir);
	dev->dir = NULL;
	dev->added = false;
	if (dev->parent) {
		list_del_init(&dev->sibling);
		put_device(dev->parent);
	}
}

int device_register(struct device *dev)
{
	device_initialize(dev);
	return device_add(dev);
}

void device_unregister(struct device *dev)
{
	device_del(dev);
	put_device(dev);
}

int device_add_groups(struct device *dev, const struct attribute_group *const *groups)
{
	return sysfs_create_groups(dev->dir, groups);
}

void device_remove_groups(struct device *dev, const struct attribute_group *const *groups)
{
	sysfs_remove_groups(dev->dir, groups);
}

/* ---- binding -------------------------------------------------------------- */

bool device_driver_matches(struct device *dev, struct device_driver *drv)
{
	if (dev->bus != drv->bus)
		return false;
	if (dev->driver_override)
		return !strcmp(dev->driver_override, drv->name);
	return dev->bus->match && dev->bus->match(dev, drv);
}

static int driver_sysfs_add(struct device *dev)
{
	int rc;

	rc = sysfs_create_link(dev->driver->dir, dev->dir, dev->name);
	if (rc)
		return rc;
	rc = sysfs_create_link(dev->dir, dev->driver->dir, "driver");
	if (rc)
		sysfs_remove_link(dev->driver->dir, dev->name);
	return rc;
}

static void driver_sysfs_remove(struct device *dev)
{
	sysfs_remove_link(dev->dir, "driver");
	sysfs_remove_link(dev->driver->dir, dev->name);
}

int driver_probe_device(struct device_driver *drv, struct device *dev)
{
	int rc;

	dev->driver = drv;
	rc = driver_sysfs_add(dev);
	if (rc)
		goto out_clear;
	if (dev->bus->probe)
		rc = dev->bus->probe(dev);
	else if (drv->probe)
		rc = drv->probe(dev);
	if (rc)
		goto out_sysfs;
	rc = sysfs_create_groups(dev->dir, drv->groups);
	if (rc)
		goto out_remove;
	dev_dbg(dev, "bound to %s", drv->name);
	return 0;

out_remove:
	if (dev->bus->remove)
		dev->bus->remove(dev);
	else if (drv->remove)
		drv->remove(dev);
out_sysfs:
	driver_sysfs_remove(dev);
out_clear:
	dev->driver = NULL;
	dev_set_drvdata(dev, NULL);
	return rc;
}

int device_attach(struct device *dev)
{
	struct device_driver *drv;
	int rc;

	if (dev->driver)
		return 1;
	list_for_each_entry(drv, &dev->bus->drivers, node) {
		if (!device_driver_matches(dev, drv))
			continue;
		rc = driver_probe_device(drv, dev);
		if (rc == 0)
			return 1;
		/* -ENODEV/-ENXIO: the driver declined, try the next one */
		if (rc != -ENODEV && rc != -ENXIO)
			return rc;
	}
	return 0;
}

/*
 * Ask the module loader for @dev's driver: by the driver_override name, or
 * else by the modalias. Return: request_module()'s result.
 */
static int device_request_driver(struct device *dev)
{
	char alias[256];

	if (dev->driver_override)
		return request_module("%s", dev->driver_override);
	if (!dev->bus->modalias || dev->bus->modalias(dev, alias, sizeof(alias)) <= 0)
		return -ENOENT;
	return request_module("%s", alias);
}

int bus_probe_device(struct device *dev)
{
	int rc;

	if (!dev->bus || !dev->added)
		return -EINVAL;
	rc = device_attach(dev);
	if (rc)
		return rc;
	rc = device_request_driver(dev);
	if (rc && rc != -ENOENT)
		dev_warn(dev, "loading its driver failed: %d", rc);
	/* a module's driver binds as it registers; a loaded one may match now */
	if (dev->driver)
		return 1;
	return device_attach(dev);
}

int device_driver_attach(struct device_driver *drv, struct device *dev)
{
	if (dev->driver)
		return -EBUSY;
	if (!device_driver_matches(dev, drv))
		return -ENODEV;
	return driver_probe_device(drv, dev);
}

void device_release_driver(struct device *dev)
{
	struct device_driver *drv = dev->driver;

	if (!drv)
		return;
	sysfs_remove_groups(dev->dir, drv->groups);
	if (dev->bus->remove)
		dev->bus->remove(dev);
	else if (drv->remove)
		drv->remove(dev);
	driver_sysfs_remove(dev);
	dev->driver = NULL;
	dev_set_drvdata(dev, NULL);
}
