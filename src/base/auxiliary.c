// SPDX-License-Identifier: GPL-2.0-only
/*
 * The auxiliary bus. Source: Linux drivers/base/auxiliary.c (semantics, not
 * code): naming "<modname>.<name>.<id>", matching on the name before the last
 * dot against the driver's id table, modalias "auxiliary:<modname>.<name>".
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/auxiliary.h"
#include "lib/log.h"

/* Length of "<modname>.<name>" in a device name "<modname>.<name>.<id>". */
static size_t aux_match_len(const char *devname)
{
	const char *dot = strrchr(devname, '.');

	return dot ? (size_t)(dot - devname) : strlen(devname);
}

static const struct auxiliary_device_id *
auxiliary_match_id(const struct auxiliary_device_id *id, const struct auxiliary_device *adev)
{
	const char *name = dev_name(&adev->dev);
	size_t len = aux_match_len(name);

	for (; id && id->name[0]; id++)
		if (strlen(id->name) == len && !strncmp(id->name, name, len))
			return id;
	return NULL;
}

static bool auxiliary_match(struct device *dev, struct device_driver *drv)
{
	return auxiliary_match_id(to_auxiliary_drv(drv)->id_table, to_auxiliary_dev(dev));
}

static int auxiliary_bus_probe(struct device *dev)
{
	struct auxiliary_driver *auxdrv = to_auxiliary_drv(dev->driver);
	struct auxiliary_device *adev = to_auxiliary_dev(dev);

	return auxdrv->probe(adev, auxiliary_match_id(auxdrv->id_table, adev));
}

static void auxiliary_bus_remove(struct device *dev)
{
	struct auxiliary_driver *auxdrv = to_auxiliary_drv(dev->driver);

	if (auxdrv->remove)
		auxdrv->remove(to_auxiliary_dev(dev));
}

static int auxiliary_modalias(struct device *dev, char *buf, size_t size)
{
	const char *name = dev_name(dev);

	return snprintf(buf, size, "auxiliary:%.*s", (int)aux_match_len(name), name);
}

struct bus_type auxiliary_bus_type = {
	.name = "auxiliary",
	.match = auxiliary_match,
	.probe = auxiliary_bus_probe,
	.remove = auxiliary_bus_remove,
	.modalias = auxiliary_modalias,
	.driver_override = true,
};

int auxiliary_bus_init(void)
{
	return bus_register(&auxiliary_bus_type);
}

void auxiliary_bus_exit(void)
{
	bus_unregister(&auxiliary_bus_type);
}

int auxiliary_device_init(struct auxiliary_device *adev)
{
	struct device *dev = &adev->dev;

	if (!dev->parent) {
		pr_err("auxiliary device has no parent");
		return -EINVAL;
	}
	if (!adev->name) {
		dev_err(dev->parent, "auxiliary device has no name");
		return -EINVAL;
	}
	if (!dev->release && !(dev->type && dev->type->release)) {
		dev_err(dev->parent, "auxiliary device %s has no release()", adev->name);
		return -EINVAL;
	}
	dev->bus = &auxiliary_bus_type;
	device_initialize(dev);
	return 0;
}

int __auxiliary_device_add(struct auxiliary_device *adev, const char *modname)
{
	struct device *dev = &adev->dev;
	int rc;

	if (!modname) {
		dev_err(dev->parent, "auxiliary device modname is NULL");
		return -EINVAL;
	}
	rc = dev_set_name(dev, "%s.%s.%u", modname, adev->name, adev->id);
	if (rc)
		return rc;
	rc = device_add(dev);
	if (rc)
		dev_err(dev, "adding auxiliary device failed: %d", rc);
	return rc;
}

int __auxiliary_driver_register(struct auxiliary_driver *auxdrv, struct module *owner,
				const char *modname)
{
	char *name;
	int rc;

	if (!auxdrv->probe || !auxdrv->id_table)
		return -EINVAL;
	if (auxdrv->name)
		rc = asprintf(&name, "%s.%s", modname, auxdrv->name);
	else
		rc = asprintf(&name, "%s", modname);
	if (rc < 0)
		return -ENOMEM;
	auxdrv->driver.name = name;
	auxdrv->driver.bus = &auxiliary_bus_type;
	auxdrv->driver.owner = owner;
	rc = driver_register(&auxdrv->driver);
	if (rc) {
		free(name);
		auxdrv->driver.name = NULL;
	}
	return rc;
}

void auxiliary_driver_unregister(struct auxiliary_driver *auxdrv)
{
	driver_unregister(&auxdrv->driver);
	free((char *)auxdrv->driver.name);
	auxdrv->driver.name = NULL;
}

struct auxiliary_device *auxiliary_find_device(const char *name)
{
	struct device *dev = bus_find_device_by_name(&auxiliary_bus_type, name);

	return dev ? to_auxiliary_dev(dev) : NULL;
}
