/* SPDX-License-Identifier: GPL-2.0-only */
/* Private to the driver core (src/base): what core.c, bus.c and class.c share. */
#ifndef SIOVD_BASE_BASE_H
#define SIOVD_BASE_BASE_H

#include "base/device.h"

/* Bind @dev to @drv and probe. Return: 0 or the probe's -errno. */
int driver_probe_device(struct device_driver *drv, struct device *dev);
/* The directory parentless devices of @bus live in (/sys/devices/<root>). */
struct sysfs_dir *bus_devices_root(struct bus_type *bus);
int bus_add_device(struct device *dev);
void bus_remove_device(struct device *dev);

#endif
