// SPDX-License-Identifier: GPL-2.0-only
/*
 * The dsa bus and its drivers (the kernel's drivers/dma/idxd/bus.c model):
 * PFs ("dsa<N>"), WQs, groups and engines are devices on it; nothing binds
 * by itself (no_autoprobe). Writing a name to a driver's bind file enables
 * the object, unbind disables it:
 *   idxd       binds dsa<N>: writes the configuration, ENABLE_DEVICE
 *   dmaengine  binds WQs of type "kernel": ENABLE_WQ, nothing more (siovd
 *              has no dmaengine clients)
 *   user       binds WQs of type "user": ENABLE_WQ (no character device)
 *   mdev       binds WQs of type "mdev": checks and WQCFG only; the hardware
 *              WQ is enabled by the vdcm with its PASID. The first one
 *              creates the auxiliary device idxd.mdev.<N>, the last one
 *              deletes it.
 * While a mediated device owns a WQ (seed 000), the host may not take it:
 * an unbind through sysfs of the WQ, or of its dsa<N>, is refused with
 * -EBUSY (may_unbind). Removing the PF (PCI unbind, hot-unplug, unloading
 * idxd) cannot be refused; it deletes idxd.mdev.<N> first, so the vdcm
 * removes the mdevs and gives their WQs back before they are disabled.
 * A WQ matches the three WQ drivers; its probe refuses the ones its type
 * (and driver_name) does not name, with IDXD_SCMD_WQ_NO_DRV_NAME.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/module.h"
#include "idxd/idxd_priv.h"
#include "lib/log.h"

struct idxd_dsa_driver {
	const struct device_type *type;		/* objects it binds */
	enum idxd_wq_type wq_type;		/* for WQ drivers */
	struct device_driver drv;
};

static inline struct idxd_dsa_driver *to_idxd_dsa_driver(struct device_driver *drv)
{
	return container_of(drv, struct idxd_dsa_driver, drv);
}

static const char *const idxd_wq_type_names[IDXD_WQT_MAX] = {
	[IDXD_WQT_NONE] = "none",
	[IDXD_WQT_KERNEL] = "kernel",
	[IDXD_WQT_USER] = "user",
	[IDXD_WQT_MDEV] = "mdev",
};

const char *idxd_wq_type_name(enum idxd_wq_type type)
{
	return type < IDXD_WQT_MAX ? idxd_wq_type_names[type] : "unknown";
}

static bool dsa_bus_match(struct device *dev, struct device_driver *drv)
{
	return dev->type && dev->type == to_idxd_dsa_driver(drv)->type;
}

struct bus_type dsa_bus_type = {
	.name = "dsa",
	.match = dsa_bus_match,
	.no_autoprobe = true,
};

/* ---- device types: attributes and release ---------------------------------- */

static void idxd_conf_device_release(struct device *dev);

static void idxd_conf_wq_release(struct device *dev)
{
	struct idxd_wq *wq = confdev_to_wq(dev);

	put_device(&wq->idxd->conf_dev);
	free(wq);
}

static void idxd_conf_group_release(struct device *dev)
{
	struct idxd_group *group = confdev_to_group(dev);

	put_device(&group->idxd->conf_dev);
	free(group);
}

static void idxd_conf_engine_release(struct device *dev)
{
	struct idxd_engine *engine = confdev_to_engine(dev);

	put_device(&engine->idxd->conf_dev);
	free(engine);
}

const struct device_type dsa_device_type = {
	.name = "dsa",
	.groups = idxd_attribute_groups,
	.release = idxd_conf_device_release,
};

const struct device_type idxd_wq_device_type = {
	.name = "wq",
	.groups = idxd_wq_attribute_groups,
	.release = idxd_conf_wq_release,
};

const struct device_type idxd_group_device_type = {
	.name = "group",
	.groups = idxd_group_attribute_groups,
	.release = idxd_conf_group_release,
};

const struct device_type idxd_engine_device_type = {
	.name = "engine",
	.groups = idxd_engine_attribute_groups,
	.release = idxd_conf_engine_release,
};

/* Device ids: "dsa<N>" takes the lowest free N, as the kernel's IDA. */
static bool idxd_ids[IDXD_MAX_DEVICES];

int idxd_id_alloc(void)
{
	int i;

	for (i = 0; i < IDXD_MAX_DEVICES; i++) {
		if (!idxd_ids[i]) {
			idxd_ids[i] = true;
			return i;
		}
	}
	return -ENOSPC;
}

void idxd_id_free(int id)
{
	if (id >= 0 && id < IDXD_MAX_DEVICES)
		idxd_ids[id] = false;
}

static void idxd_conf_device_release(struct device *dev)
{
	struct idxd_device *idxd = confdev_to_idxd(dev);

	free(idxd->wqs);
	free(idxd->groups);
	free(idxd->engines);
	idxd_id_free(idxd->id);
	free(idxd);
}

/* ---- the "idxd" driver: PFs ------------------------------------------------- */

static int idxd_device_drv_probe(struct device *dev)
{
	return idxd_device_enable(confdev_to_idxd(dev));
}

static void idxd_device_drv_remove(struct device *dev)
{
	idxd_device_disable(confdev_to_idxd(dev));
}

/* Disabling the PF disables its WQs: not while an mdev owns one. */
static int idxd_device_drv_may_unbind(struct device *dev)
{
	struct idxd_device *idxd = confdev_to_idxd(dev);
	unsigned int i;

	for (i = 0; i < idxd->max_wqs; i++) {
		if (idxd->wqs[i]->owned) {
			dev_info(dev, "%s is owned by a mediated device: not disabled",
				 dev_name(&idxd->wqs[i]->conf_dev));
			return -EBUSY;
		}
	}
	return 0;
}

static struct idxd_dsa_driver idxd_drv = {
	.type = &dsa_device_type,
	.drv = {
		.name = "idxd",
		.bus = &dsa_bus_type,
		.owner = THIS_MODULE,
		.probe = idxd_device_drv_probe,
		.remove = idxd_device_drv_remove,
		.may_unbind = idxd_device_drv_may_unbind,
	},
};

/* ---- WQ drivers ---------------------------------------------------------------- */

static int idxd_wq_drv_probe(struct device *dev)
{
	struct idxd_dsa_driver *d = to_idxd_dsa_driver(dev->driver);

	return idxd_drv_enable_wq(confdev_to_wq(dev), d->wq_type);
}

static void idxd_wq_drv_remove(struct device *dev)
{
	idxd_drv_disable_wq(confdev_to_wq(dev));
}

static int idxd_mdev_drv_probe(struct device *dev)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	struct idxd_device *idxd = wq->idxd;
	int rc;

	rc = idxd_drv_enable_wq(wq, IDXD_WQT_MDEV);
	if (rc)
		return rc;
	if (idxd->mdev_aux)
		return 0;
	rc = idxd_mdev_aux_add(idxd);
	if (rc) {
		wq->state = IDXD_WQ_DISABLED;
		idxd->cmd_status = IDXD_SCMD_WQ_RES_ALLOC_ERR;
		dev_err(dev, "creating the mdev auxiliary device failed: %d", rc);
	}
	return rc;
}

/* The host may not disable a WQ a mediated device owns (sysfs unbind). */
static int idxd_mdev_drv_may_unbind(struct device *dev)
{
	if (!confdev_to_wq(dev)->owned)
		return 0;
	dev_info(dev, "owned by a mediated device: not disabled");
	return -EBUSY;
}

/*
 * Unbinding an mdev WQ. A forced unbind (the PF going away) may find it
 * owned: with the last mdev WQ the auxiliary device goes first (the vdcm
 * removes its mdevs and gives the WQs back); otherwise the owner hears of
 * it through its error handler (NULL, as for a halt) and its further WQ
 * calls fail with -ENODEV.
 */
static void idxd_mdev_drv_remove(struct device *dev)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	struct idxd_device *idxd = wq->idxd;

	if (idxd_mdev_wqs_enabled(idxd) <= 1)
		idxd_mdev_aux_del(idxd);
	if (wq->owned) {
		dev_warn(dev, "disabled while owned by a mediated device: revoked");
		idxd_wq_report_error(wq, NULL);
	}
	idxd_drv_disable_wq(wq);
}

static struct idxd_dsa_driver idxd_dmaengine_drv = {
	.type = &idxd_wq_device_type,
	.wq_type = IDXD_WQT_KERNEL,
	.drv = {
		.name = "dmaengine",
		.bus = &dsa_bus_type,
		.owner = THIS_MODULE,
		.probe = idxd_wq_drv_probe,
		.remove = idxd_wq_drv_remove,
	},
};

static struct idxd_dsa_driver idxd_user_drv = {
	.type = &idxd_wq_device_type,
	.wq_type = IDXD_WQT_USER,
	.drv = {
		.name = "user",
		.bus = &dsa_bus_type,
		.owner = THIS_MODULE,
		.probe = idxd_wq_drv_probe,
		.remove = idxd_wq_drv_remove,
	},
};

static struct idxd_dsa_driver idxd_mdev_drv = {
	.type = &idxd_wq_device_type,
	.wq_type = IDXD_WQT_MDEV,
	.drv = {
		.name = "mdev",
		.bus = &dsa_bus_type,
		.owner = THIS_MODULE,
		.probe = idxd_mdev_drv_probe,
		.remove = idxd_mdev_drv_remove,
		.may_unbind = idxd_mdev_drv_may_unbind,
	},
};

static struct idxd_dsa_driver *const idxd_dsa_drivers[] = {
	&idxd_drv, &idxd_dmaengine_drv, &idxd_user_drv, &idxd_mdev_drv,
};

struct device_driver *idxd_device_driver(void)
{
	return &idxd_drv.drv;
}

struct device_driver *idxd_wq_type_driver(enum idxd_wq_type type)
{
	switch (type) {
	case IDXD_WQT_KERNEL:
		return &idxd_dmaengine_drv.drv;
	case IDXD_WQT_USER:
		return &idxd_user_drv.drv;
	case IDXD_WQT_MDEV:
		return &idxd_mdev_drv.drv;
	default:
		return NULL;
	}
}

/**
 * idxd_bus_init - register the dsa bus and its four drivers.
 * Return: 0 or -errno, with nothing left registered.
 */
int idxd_bus_init(void)
{
	unsigned int i;
	int rc;

	rc = bus_register(&dsa_bus_type);
	if (rc)
		return rc;
	for (i = 0; i < ARRAY_SIZE(idxd_dsa_drivers); i++) {
		rc = driver_register(&idxd_dsa_drivers[i]->drv);
		if (rc)
			goto out_unregister_drivers;
	}
	return 0;

out_unregister_drivers:
	while (i--)
		driver_unregister(&idxd_dsa_drivers[i]->drv);
	bus_unregister(&dsa_bus_type);
	return rc;
}

/* idxd_bus_exit - every PF must be gone (the PCI driver unregistered). */
void idxd_bus_exit(void)
{
	unsigned int i = ARRAY_SIZE(idxd_dsa_drivers);

	while (i--)
		driver_unregister(&idxd_dsa_drivers[i]->drv);
	bus_unregister(&dsa_bus_type);
}
