/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The mediated device (mdev) core: the lifecycle model by which a parent
 * driver offers software-defined slices of its device ("types") that an
 * administrator instantiates by writing a UUID to sysfs. The shape is the
 * kernel's v6.1 API (include/linux/mdev.h, drivers/vfio/mdev/,
 * Documentation/driver-api/vfio-mediated-device.rst); the code is ours.
 *
 * Sysfs, at the kernel's paths:
 *   /sys/class/mdev_bus/<parent>  -> the parent device's directory
 *   <parent dir>/mdev_supported_types/<drv>-<sysfs_name>/
 *        name, available_instances, device_api, description (when the
 *        driver has show_description), create (0200), devices/<uuid> links
 *   <parent dir>/<uuid>/          the mdev: mdev_type -> its type directory,
 *        remove (0200), subsystem, driver, uevent
 *   /sys/bus/mdev/devices/<uuid>  -> the mdev
 * <drv> is the name of the driver bound to the parent device
 * (dev_driver_string()), e.g. "idxd-1dwq-v1" for a DSA PF bound to "idxd".
 *
 * Lifetime:
 *  - mdev_init() registers the "mdev" bus and the "mdev_bus" class once;
 *    mdev_exit() undoes it after every parent and driver is gone.
 *  - A driver of mdevs registers its struct mdev_driver, then registers
 *    each parent with mdev_register_parent(). mdev_unregister_parent()
 *    removes every mdev of that parent (their remove() runs) before it
 *    returns; the parent struct and its types may be freed afterwards.
 *  - Writing a UUID to "create" creates the mdev and binds it to the
 *    parent's driver synchronously: the write fails with the probe's error
 *    and nothing is left behind. Writing a non-zero number to "remove"
 *    unbinds and deletes it synchronously (the store removes its own
 *    directory). The struct mdev_device is freed at its last put_device().
 *  - Instances: with get_available() the driver counts them itself (the
 *    core refuses a create while it reports 0); without it the core counts
 *    max_instances per parent, taking one at create and giving it back at
 *    remove.
 *
 * Threading: event-loop thread only (the driver core's rule). There are no
 * locks: create, remove and parent unregistration cannot interleave.
 */
#ifndef SIOVD_VFIO_MDEV_MDEV_H
#define SIOVD_VFIO_MDEV_MDEV_H

#include <stdbool.h>
#include <sys/types.h>
#include <uuid/uuid.h>

#include "base/device.h"
#include "base/module.h"
#include "lib/list.h"

/* The mdev module's interface: visible to other modules (base/module.h). */
#pragma GCC visibility push(default)

struct mdev_parent;

/**
 * struct mdev_type - one kind of mdev a parent offers.
 * @sysfs_name: the type's name in sysfs, after "<driver name>-" (e.g.
 *	"1dwq-v1"); set by the parent driver, must stay valid while registered.
 * @pretty_name: what the "name" attribute shows; NULL shows @sysfs_name.
 *
 * The remaining members are the core's, valid between mdev_register_parent()
 * and mdev_unregister_parent(). The parent driver owns the memory (usually
 * embedded in its per-parent struct; reach it back with container_of()).
 */
struct mdev_type {
	const char *sysfs_name;
	const char *pretty_name;
	/* private to the core */
	struct mdev_parent *parent;
	struct sysfs_dir *dir;		/* .../mdev_supported_types/<name> */
	struct sysfs_dir *devices_dir;	/* .../<name>/devices */
};

/**
 * struct mdev_parent - a device that can be carved into mdevs. Owned by the
 * parent driver (embedded in its own struct); every member is filled in by
 * mdev_register_parent().
 * @dev: the parent device (a PCI function); it must stay registered until
 *	mdev_unregister_parent() returns.
 * @mdev_driver: the driver every mdev of this parent binds to.
 * @types: the types, @nr_types of them.
 * @available_instances: remaining instances when the driver has no
 *	get_available() (starts at mdev_driver->max_instances).
 */
struct mdev_parent {
	struct device *dev;
	struct mdev_driver *mdev_driver;
	struct mdev_type **types;
	unsigned int nr_types;
	unsigned int available_instances;
	/* private to the core */
	struct sysfs_dir *types_dir;	/* <parent dir>/mdev_supported_types */
	bool unregistering;
	bool class_linked;
};

/**
 * struct mdev_device - one mediated device.
 * @dev: its device on the "mdev" bus, named by the UUID (lower case), child
 *	of the parent device.
 * @uuid: the UUID written to "create".
 * @type: the type it was created from; NULL once the mdev was removed (a
 *	reference may keep the struct alive after its parent and types went).
 *
 * Allocated and freed by the core; the bound driver keeps its state in
 * drvdata (dev_set_drvdata()) or in objects it allocates itself.
 */
struct mdev_device {
	struct device dev;
	uuid_t uuid;
	struct mdev_type *type;
	/* private to the core */
	struct list_head next;		/* in the core's list of mdevs */
	bool active;			/* created and not being removed */
};

static inline struct mdev_device *to_mdev_device(struct device *dev)
{
	return container_of(dev, struct mdev_device, dev);
}

/**
 * struct mdev_driver - the driver of the mdevs of one or more parents.
 * @device_api: what the type's "device_api" attribute shows, e.g.
 *	VFIO_DEVICE_API_PCI_STRING ("vfio-pci"). Required.
 * @max_instances: instances per parent when @get_available is NULL.
 * @probe: bind to a new mdev: create its vfio_device and register it.
 *	Return: 0, or -errno (the create fails with it). Required.
 * @remove: undo probe. Required.
 * @get_available: instances of @mtype that can still be created (optional).
 * @show_description: the type's "description" into @buf (at most
 *	SYSFS_PAGE_SIZE bytes); return the length or -errno (optional; without
 *	it the attribute does not exist).
 * @driver: its driver on the mdev bus; set .name. The core sets .bus.
 */
struct mdev_driver {
	const char *device_api;
	unsigned int max_instances;
	int (*probe)(struct mdev_device *mdev);
	void (*remove)(struct mdev_device *mdev);
	unsigned int (*get_available)(struct mdev_type *mtype);
	ssize_t (*show_description)(struct mdev_type *mtype, char *buf);
	struct device_driver driver;
};

static inline struct mdev_driver *to_mdev_driver(struct device_driver *drv)
{
	return container_of(drv, struct mdev_driver, driver);
}

extern struct bus_type mdev_bus_type;

/**
 * mdev_init - register the "mdev" bus and the "mdev_bus" class.
 *
 * Call once at start-up, after sysfs_init(), before any mdev driver or
 * parent registers. Undone by mdev_exit().
 *
 * Return: 0, or -errno from bus_register()/class_register() (nothing left
 * registered).
 */
int mdev_init(void);

/**
 * mdev_exit - unregister the bus and the class. Every parent and mdev
 * driver must have been unregistered.
 */
void mdev_exit(void);

/**
 * mdev_register_driver - register @drv on the mdev bus.
 * @drv: the driver; probe, remove and device_api are required, and
 *	driver.name. Must stay valid until mdev_unregister_driver().
 *
 * @owner: the caller's module (THIS_MODULE, through the macro).
 *
 * Return: 0; -EINVAL (missing callbacks or name, bus not registered);
 * -EEXIST (a driver with that name exists); -ENOMEM.
 */
int __mdev_register_driver(struct mdev_driver *drv, struct module *owner);
#define mdev_register_driver(drv)	__mdev_register_driver(drv, THIS_MODULE)

/**
 * mdev_unregister_driver - unbind every mdev bound to @drv (their remove()
 * runs) and unregister it. Parents using @drv should have been unregistered
 * first, so that no mdev is left without a driver.
 */
void mdev_unregister_driver(struct mdev_driver *drv);

/**
 * mdev_register_parent - offer @types of @dev as mdevs driven by @mdev_driver.
 * @parent: memory owned by the caller, filled in here; valid until
 *	mdev_unregister_parent() returns.
 * @dev: the parent device; it must be added (have a sysfs directory) and be
 *	bound to a driver, whose name prefixes the type directories.
 * @mdev_driver: a registered mdev driver.
 * @types: @nr_types (>= 1) types with unique sysfs_name; the array and the
 *	types must stay valid until mdev_unregister_parent().
 *
 * Creates <dev>/mdev_supported_types/<drv>-<sysfs_name>/ for each type and
 * the /sys/class/mdev_bus/<dev> link.
 *
 * Return: 0; -EINVAL (bad arguments, @dev not added or not bound, mdev core
 * not initialised); -EEXIST (@dev already is a parent, or two types share
 * a name); -ENOMEM. Nothing is left behind on error.
 */
int mdev_register_parent(struct mdev_parent *parent, struct device *dev,
			 struct mdev_driver *mdev_driver, struct mdev_type **types,
			 unsigned int nr_types);

/**
 * mdev_unregister_parent - remove every mdev of @parent (the driver's
 * remove() runs for each), then its sysfs entries and class link.
 * Idempotent on a parent that is not registered.
 */
void mdev_unregister_parent(struct mdev_parent *parent);

/**
 * mdev_device_create - create an mdev of @type named @uuid and bind it to
 * the parent's driver (what a write to "create" does).
 *
 * Return: 0; -EEXIST (an mdev with @uuid exists); -EUSERS (no instance
 * available, as the kernel reports); -ENODEV (the parent is being
 * unregistered); -ENOMEM; or the driver's probe error. On error nothing is
 * left behind and the instance count is unchanged.
 */
int mdev_device_create(struct mdev_type *type, const uuid_t uuid);

/**
 * mdev_device_remove - unbind and delete @mdev (what a write to "remove"
 * does). The memory goes at the last put_device().
 *
 * Return: 0; -ENODEV (@mdev is not a live mdev); -EAGAIN (it is still being
 * created or already being removed).
 */
int mdev_device_remove(struct mdev_device *mdev);

/**
 * mdev_find_device - the mdev named @uuid, with a reference the caller
 * drops with put_device(&mdev->dev). Return: the mdev or NULL.
 */
struct mdev_device *mdev_find_device(const uuid_t uuid);

/* The parent device of @mtype (the kernel's mtype_get_parent_dev()). */
static inline struct device *mtype_get_parent_dev(struct mdev_type *mtype)
{
	return mtype->parent->dev;
}

static inline struct device *mdev_dev(struct mdev_device *mdev)
{
	return &mdev->dev;
}

static inline void *mdev_get_drvdata(struct mdev_device *mdev)
{
	return dev_get_drvdata(&mdev->dev);
}

static inline void mdev_set_drvdata(struct mdev_device *mdev, void *data)
{
	dev_set_drvdata(&mdev->dev, data);
}

#pragma GCC visibility pop

#endif
