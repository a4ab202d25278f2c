// SPDX-License-Identifier: GPL-2.0-only
/*
 * Classes: /sys/class/<name>/ holding links to devices of that class
 * (mdev_bus is the one siovd needs). Source: Linux drivers/base/class.c.
 */
#include <errno.h>

#include "base/device.h"

int class_register(struct class *cls)
{
	struct sysfs_dir *classes;

	if (!cls || !cls->name || cls->dir)
		return -EINVAL;
	classes = sysfs_mkdir_path("/sys/class");
	if (!classes)
		return -ENOMEM;
	cls->dir = sysfs_mkdir(classes, cls->name, NULL, NULL);
	return cls->dir ? 0 : -errno;
}

void class_unregister(struct class *cls)
{
	if (!cls || !cls->dir)
		return;
	sysfs_remove_dir(cls->dir);
	cls->dir = NULL;
}

int class_link_add(struct class *cls, struct device *dev)
{
	if (!cls->dir || !dev->dir)
		return -EINVAL;
	return sysfs_create_link(cls->dir, dev->dir, dev_name(dev));
}

void class_link_remove(struct class *cls, struct device *dev)
{
	if (cls->dir)
		sysfs_remove_link(cls->dir, dev_name(dev));
}
