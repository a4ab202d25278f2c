/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The auxiliary bus: how one PCI driver exposes parts of its function to
 * drivers of other subsystems (seed 004; Linux drivers/base/auxiliary.c).
 *
 * The parent driver allocates a wrapper struct that embeds an
 * auxiliary_device and the shared objects, names it with @name and a unique
 * @id, and registers it:
 *     auxiliary_device_init()  -> on failure the caller frees the memory
 *     auxiliary_device_add()   -> on failure call auxiliary_device_uninit()
 *     ... auxiliary_device_delete(); auxiliary_device_uninit();
 * After init succeeds only uninit (the last put_device) may free, through
 * the device's release(), which the parent supplies.
 * The device is named "<modname>.<name>.<id>" (e.g. "idxd.mdev.0"); a driver
 * matches on "<modname>.<name>" through its id table. The parent deletes all
 * its auxiliary devices before its own remove() finishes.
 *
 * Parent and auxiliary driver talk only through the parent's wrapper struct
 * (declared in a shared header) and the parent's exported functions; the
 * bus carries no domain-specific ops.
 *
 * Threading: event-loop thread only.
 */
#ifndef SIOVD_BASE_AUXILIARY_H
#define SIOVD_BASE_AUXILIARY_H

#include <stdint.h>

#include "base/device.h"
#include "base/module.h"

#define AUXILIARY_NAME_SIZE	32

struct auxiliary_device_id {
	char name[AUXILIARY_NAME_SIZE];		/* "<modname>.<name>" */
	unsigned long driver_data;
};

struct auxiliary_device {
	struct device dev;
	const char *name;
	uint32_t id;
};

struct auxiliary_driver {
	int (*probe)(struct auxiliary_device *adev, const struct auxiliary_device_id *id);
	void (*remove)(struct auxiliary_device *adev);
	const char *name;
	const struct auxiliary_device_id *id_table;	/* ends with an empty name */
	struct device_driver driver;
};

static inline struct auxiliary_device *to_auxiliary_dev(struct device *dev)
{
	return container_of(dev, struct auxiliary_device, dev);
}

static inline struct auxiliary_driver *to_auxiliary_drv(struct device_driver *drv)
{
	return container_of(drv, struct auxiliary_driver, driver);
}

extern struct bus_type auxiliary_bus_type;

/* Register the bus (once, at start-up). Return: 0 or -errno. */
int auxiliary_bus_init(void);
void auxiliary_bus_exit(void);

/*
 * auxiliary_device_init - check @adev (name set, parent set, release set)
 * and initialise its device. Return: 0 or -EINVAL.
 */
int auxiliary_device_init(struct auxiliary_device *adev);
/* Name it "<modname>.<name>.<id>" and add it. Return: 0 or -errno. */
int __auxiliary_device_add(struct auxiliary_device *adev, const char *modname);
#define auxiliary_device_add(adev)	__auxiliary_device_add(adev, KBUILD_MODNAME)

static inline void auxiliary_device_uninit(struct auxiliary_device *adev)
{
	put_device(&adev->dev);
}

static inline void auxiliary_device_delete(struct auxiliary_device *adev)
{
	device_del(&adev->dev);
}

/*
 * auxiliary_driver_register - @modname prefixes the driver's name; @owner
 * (the caller's THIS_MODULE) owns the driver.
 * Return: 0, -EINVAL (no probe or no id table), -EEXIST.
 */
int __auxiliary_driver_register(struct auxiliary_driver *auxdrv, struct module *owner,
				const char *modname);
#define auxiliary_driver_register(auxdrv) \
	__auxiliary_driver_register(auxdrv, THIS_MODULE, KBUILD_MODNAME)
void auxiliary_driver_unregister(struct auxiliary_driver *auxdrv);

/* A device on the bus named @name, with a reference the caller puts. */
struct auxiliary_device *auxiliary_find_device(const char *name);

#endif
