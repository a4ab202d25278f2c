// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mdev core: the "mdev" bus, parents, and the create/remove lifecycle.
 * Semantics follow Linux drivers/vfio/mdev/mdev_core.c (v6.1); see mdev.h
 * for the object lifetimes.
 *
 * Binding: the bus does not autoprobe. mdev_device_create() attaches the
 * new device to its parent's driver explicitly so that a probe error
 * reaches the writer of "create" (device_add() would swallow it). The bus
 * match still says which driver may drive an mdev, so an administrator's
 * unbind/bind through /sys/bus/mdev/drivers/<drv>/ works as in the kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "vfio/mdev/mdev_private.h"

/* Every mdev from creation until its release; owned by the core. */
static LIST_HEAD(mdev_list);
static bool mdev_initialised;

static struct class mdev_bus_class = {
	.name = "mdev_bus",
};

static bool mdev_match(struct device *dev, struct device_driver *drv)
{
	return to_mdev_device(dev)->type->parent->mdev_driver == to_mdev_driver(drv);
}

static int mdev_probe(struct device *dev)
{
	return to_mdev_driver(dev->driver)->probe(to_mdev_device(dev));
}

static void mdev_remove(struct device *dev)
{
	to_mdev_driver(dev->driver)->remove(to_mdev_device(dev));
}

struct bus_type mdev_bus_type = {
	.name = "mdev",
	.match = mdev_match,
	.probe = mdev_probe,
	.remove = mdev_remove,
	.no_autoprobe = true,
};

/**
 * mdev_init - see mdev.h.
 */
int mdev_init(void)
{
	int rc;

	if (mdev_initialised)
		return -EEXIST;
	rc = bus_register(&mdev_bus_type);
	if (rc)
		return rc;
	rc = class_register(&mdev_bus_class);
	if (rc)
		goto out_bus;
	mdev_initialised = true;
	return 0;

out_bus:
	bus_unregister(&mdev_bus_type);
	return rc;
}

/**
 * mdev_exit - see mdev.h.
 */
void mdev_exit(void)
{
	if (!mdev_initialised)
		return;
	if (!list_empty(&mdev_list))
		pr_warn("mdev: exit with mdevs still alive\n");
	class_unregister(&mdev_bus_class);
	bus_unregister(&mdev_bus_type);
	mdev_initialised = false;
}

/* ---- drivers ---------------------------------------------------------------- */

/**
 * mdev_register_driver - see mdev.h.
 */
int __mdev_register_driver(struct mdev_driver *drv, struct module *owner)
{
	if (!drv || !drv->probe || !drv->remove || !drv->device_api || !drv->driver.name)
		return -EINVAL;
	if (!mdev_initialised)
		return -EINVAL;
	drv->driver.bus = &mdev_bus_type;
	drv->driver.owner = owner;
	return driver_register(&drv->driver);
}

/**
 * mdev_unregister_driver - see mdev.h.
 */
void mdev_unregister_driver(struct mdev_driver *drv)
{
	if (drv)
		driver_unregister(&drv->driver);
}

/* ---- instances ------------------------------------------------------------ */

/*
 * Take one instance of @type for a create. With get_available() the driver
 * accounts (its probe takes the resource); the core only refuses when the
 * driver says none is left. Return: 0 or -EUSERS.
 */
static int mdev_take_instance(struct mdev_type *type)
{
	struct mdev_parent *parent = type->parent;
	struct mdev_driver *drv = parent->mdev_driver;

	if (drv->get_available)
		return drv->get_available(type) ? 0 : -EUSERS;
	if (!parent->available_instances)
		return -EUSERS;
	parent->available_instances--;
	return 0;
}

static void mdev_give_instance(struct mdev_type *type)
{
	struct mdev_parent *parent = type->parent;

	if (!parent->mdev_driver->get_available)
		parent->available_instances++;
}

/* ---- parents -------------------------------------------------------------- */

/**
 * mdev_register_parent - see mdev.h.
 */
int mdev_register_parent(struct mdev_parent *parent, struct device *dev,
			 struct mdev_driver *mdev_driver, struct mdev_type **types,
			 unsigned int nr_types)
{
	int rc;

	if (!parent || !dev || !mdev_driver || !types || !nr_types)
		return -EINVAL;
	if (!mdev_initialised || !dev->dir || !dev->driver)
		return -EINVAL;
	if (!mdev_driver->driver.registered)
		return -EINVAL;

	memset(parent, 0, sizeof(*parent));
	parent->dev = dev;
	parent->mdev_driver = mdev_driver;
	parent->types = types;
	parent->nr_types = nr_types;
	parent->available_instances = mdev_driver->max_instances;

	rc = parent_create_sysfs_files(parent);
	if (rc)
		return rc;
	rc = class_link_add(&mdev_bus_class, dev);
	if (rc)
		goto out_remove_files;
	parent->class_linked = true;
	get_device(dev);
	dev_dbg(dev, "mdev: registered as a parent (%u types)\n", nr_types);
	return 0;

out_remove_files:
	parent_remove_sysfs_files(parent);
	return rc;
}

static void mdev_device_remove_common(struct mdev_device *mdev)
{
	struct mdev_type *type = mdev->type;

	mdev_remove_sysfs_files(mdev);
	device_del(&mdev->dev);
	mdev_give_instance(type);
	/*
	 * Someone may still hold a reference (a vfio device whose client has
	 * not closed yet); the parent driver may free the type once it has
	 * unregistered, so the zombie forgets it.
	 */
	mdev->type = NULL;
	/* Balances device_initialize() in mdev_device_create(). */
	put_device(&mdev->dev);
}

/**
 * mdev_unregister_parent - see mdev.h.
 */
void mdev_unregister_parent(struct mdev_parent *parent)
{
	struct mdev_device *mdev, *n;

	if (!parent || !parent->class_linked)
		return;
	parent->unregistering = true;
	list_for_each_entry_safe(mdev, n, &mdev_list, next) {
		/* check active first: a removed mdev may outlive its type */
		if (!mdev->active || mdev->type->parent != parent)
			continue;
		mdev->active = false;
		mdev_device_remove_common(mdev);
	}
	class_link_remove(&mdev_bus_class, parent->dev);
	parent->class_linked = false;
	parent_remove_sysfs_files(parent);
	dev_dbg(parent->dev, "mdev: unregistered as a parent\n");
	put_device(parent->dev);
	parent->unregistering = false;
}

/* ---- mdevs ---------------------------------------------------------------- */

static struct mdev_device *mdev_lookup(const uuid_t uuid)
{
	struct mdev_device *mdev;

	list_for_each_entry(mdev, &mdev_list, next)
		if (!uuid_compare(mdev->uuid, uuid))
			return mdev;
	return NULL;
}

/**
 * mdev_find_device - see mdev.h.
 */
struct mdev_device *mdev_find_device(const uuid_t uuid)
{
	struct mdev_device *mdev = mdev_lookup(uuid);

	if (!mdev || !mdev->active)
		return NULL;
	get_device(&mdev->dev);
	return mdev;
}

static void mdev_device_release(struct device *dev)
{
	struct mdev_device *mdev = to_mdev_device(dev);

	list_del_init(&mdev->next);
	free(mdev);
}

/**
 * mdev_device_create - see mdev.h.
 */
int mdev_device_create(struct mdev_type *type, const uuid_t uuid)
{
	struct mdev_parent *parent = type->parent;
	struct mdev_device *mdev;
	char name[UUID_STRING_LEN + 1];
	int rc;

	if (mdev_lookup(uuid))
		return -EEXIST;
	if (parent->unregistering)
		return -ENODEV;
	rc = mdev_take_instance(type);
	if (rc)
		return rc;

	mdev = calloc(1, sizeof(*mdev));
	if (!mdev) {
		rc = -ENOMEM;
		goto out_give;
	}
	device_initialize(&mdev->dev);
	mdev->dev.parent = parent->dev;
	mdev->dev.bus = &mdev_bus_type;
	mdev->dev.release = mdev_device_release;
	mdev->dev.groups = mdev_device_groups;
	mdev->type = type;
	uuid_copy(mdev->uuid, uuid);
	list_add(&mdev->next, &mdev_list);

	uuid_unparse_lower(uuid, name);
	rc = dev_set_name(&mdev->dev, "%s", name);
	if (rc)
		goto out_put;
	rc = device_add(&mdev->dev);
	if (rc)
		goto out_put;
	rc = device_driver_attach(&parent->mdev_driver->driver, &mdev->dev);
	if (rc)
		goto out_del;
	rc = mdev_create_sysfs_files(mdev);
	if (rc)
		goto out_del;

	mdev->active = true;
	dev_dbg(&mdev->dev, "mdev: created\n");
	return 0;

out_del:
	device_del(&mdev->dev);
out_put:
	put_device(&mdev->dev);
out_give:
	mdev_give_instance(type);
	return rc;
}

/**
 * mdev_device_remove - see mdev.h.
 */
int mdev_device_remove(struct mdev_device *mdev)
{
	struct mdev_device *tmp;
	bool found = false;

	list_for_each_entry(tmp, &mdev_list, next)
		if (tmp == mdev)
			found = true;
	if (!found)
		return -ENODEV;
	if (!mdev->active)
		return -EAGAIN;
	mdev->active = false;
	mdev_device_remove_common(mdev);
	return 0;
}
