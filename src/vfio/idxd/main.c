// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio_idxd: binding. The auxiliary driver for "idxd.mdev" makes the PF an
 * mdev parent with the type "1dwq-v1"; the mdev driver turns each mdev into
 * a registered virtual DSA (vdcm_idxd). The split is the one the seeds'
 * review asked for: VFIO code in the VFIO subsystem, reached from the PF
 * driver through the auxiliary bus and the PF's exported interface only.
 *
 * Resources of one mdev, taken in probe and given back in remove in
 * reverse order: a dedicated WQ (idxd_mdev_wq_get), a PASID, the PF's IMS
 * domain shared to the mdev's device, the vfio device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "base/module.h"
#include "iommu/iommu.h"
#include "irq/msi.h"
#include "lib/log.h"
#include "pci/pci.h"
#include "vfio/idxd/vdcm.h"
#include "vfio/idxd/vfio_idxd.h"

/* One PF offering mdevs: the auxiliary device's drvdata. */
struct vdcm_parent {
	struct mdev_parent parent;
	struct mdev_type type;
	struct mdev_type *types[1];
	struct idxd_device *idxd;
};

static struct vdcm_parent *to_vdcm_parent(struct mdev_type *mtype)
{
	return container_of(mtype, struct vdcm_parent, type);
}

/* ---- the mdev driver ------------------------------------------------------------- */

static unsigned int vdcm_get_available(struct mdev_type *mtype)
{
	return idxd_mdev_wq_available(to_vdcm_parent(mtype)->idxd);
}

static ssize_t vdcm_show_description(struct mdev_type *mtype, char *buf)
{
	return snprintf(buf, SYSFS_PAGE_SIZE,
			"1 dedicated WQ of %s, read-only configuration\n",
			idxd_name(to_vdcm_parent(mtype)->idxd));
}

/* Undo of the resource steps of probe, for a vd that holds them all. */
static void vdcm_free_resources(struct vdcm_idxd *vd)
{
	struct iommu *iommu = vd->pf->iommu;
	struct device *dev = &vd->mdev->dev;

	idxd_wq_set_error_handler(vd->wq, NULL, NULL);
	idxd_wq_set_revoke_handler(vd->wq, NULL, NULL);
	/* close_device took it back from a client; this is for any other path */
	vdcm_portal_revoke(vd);
	vdcm_vectors_release(vd, true);
	if (!vd->lost && idxd_wq_hw_enabled(vd->wq) && idxd_wq_disable(vd->wq, NULL))
		dev_warn(dev, "vdcm: disabling %s failed", idxd_wq_name(vd->wq));
	msi_domain_free_irqs_all(dev, MSI_SECONDARY_DOMAIN);
	msi_device_domains_release(dev);
	idxd_mdev_wq_put(vd->wq);
	iommu_pasid_free(iommu, vd->pasid);
}

/*
 * The vfio side of a new mdev: allocate the virtual device (it holds a
 * reference on the mdev's device until its release) and compose it.
 * Return: it, or NULL with errno.
 */
static struct vdcm_idxd *vdcm_create(struct mdev_device *mdev, struct idxd_device *idxd,
				     struct idxd_wq *wq, uint32_t pasid)
{
	struct vdcm_idxd *vd;
	unsigned int v;
	int rc;

	vd = vfio_alloc_device(struct vdcm_idxd, core.vdev, &mdev->dev, &vdcm_vfio_ops);
	if (!vd)
		return NULL;
	get_device(&mdev->dev);		/* dropped by vdcm_release() */
	vd->mdev = mdev;
	vd->idxd = idxd;
	vd->wq = wq;
	vd->pf = idxd_pci_dev(idxd);
	vd->pasid = pasid;
	vd->nvec = vdcm_msix_vectors;
	vd->portal_mmap = vdcm_portal_mmap != 0;
	vd->vec = calloc(vd->nvec, sizeof(*vd->vec));
	if (!vd->vec) {
		vfio_put_device(&vd->core.vdev);
		errno = ENOMEM;
		return NULL;
	}
	for (v = 0; v < vd->nvec; v++)
		vd->vec[v].ims_index = -1;
	rc = vdcm_compose(vd);
	if (rc) {
		vfio_put_device(&vd->core.vdev);
		errno = -rc;
		return NULL;
	}
	return vd;
}

static int vdcm_mdev_probe(struct mdev_device *mdev)
{
	struct idxd_device *idxd = to_vdcm_parent(mdev->type)->idxd;
	struct iommu *iommu = idxd_pci_dev(idxd)->iommu;
	struct vdcm_idxd *vd;
	struct idxd_wq *wq;
	int pasid, rc;

	wq = idxd_mdev_wq_get(idxd);
	if (!wq)
		return -errno;
	pasid = iommu_pasid_alloc(iommu);
	if (pasid < 0) {
		rc = pasid;
		goto out_put_wq;
	}
	rc = idxd_ims_share(idxd, &mdev->dev);
	if (rc)
		goto out_free_pasid;
	vd = vdcm_create(mdev, idxd, wq, (uint32_t)pasid);
	if (!vd) {
		rc = -errno;
		goto out_release_ims;
	}
	idxd_wq_set_error_handler(wq, vdcm_wq_error, vd);
	idxd_wq_set_revoke_handler(wq, vdcm_handles_revoked, vd);
	rc = vfio_pci_core_register_device(&vd->core);
	if (rc) {
		/* gives back the WQ, the PASID and the IMS domain too */
		vdcm_free_resources(vd);
		vfio_put_device(&vd->core.vdev);
		return rc;
	}
	mdev_set_drvdata(mdev, vd);
	dev_info(&mdev->dev, "vdcm: virtual DSA on %s, PASID %u", idxd_wq_name(wq), vd->pasid);
	return 0;

out_release_ims:
	msi_device_domains_release(&mdev->dev);
out_free_pasid:
	iommu_pasid_free(iommu, (uint32_t)pasid);
out_put_wq:
	idxd_mdev_wq_put(wq);
	return rc;
}

static void vdcm_mdev_remove(struct mdev_device *mdev)
{
	struct vdcm_idxd *vd = mdev_get_drvdata(mdev);

	/* ends the session: eventfds unwired, DMA domain detached */
	vfio_pci_core_unregister_device(&vd->core);
	vdcm_free_resources(vd);
	dev_info(&mdev->dev, "vdcm: removed");
	vfio_put_device(&vd->core.vdev);
}

/*
 * <mdev>/wq: the PF WQ backing this virtual DSA ("wq0.1"), so that an
 * operator (and siovd's persistent definitions) can tell which one it is.
 */
static ssize_t wq_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct vdcm_idxd *vd = mdev_get_drvdata(to_mdev_device(dev));

	return vd ? snprintf(buf, SYSFS_PAGE_SIZE, "%s\n", idxd_wq_name(vd->wq)) : -ENODEV;
}
static DEVICE_ATTR_RO(wq);

static const struct attribute *const vdcm_dev_attrs[] = { &dev_attr_wq.attr, NULL };
static const struct attribute_group vdcm_dev_group = { .attrs = vdcm_dev_attrs };
static const struct attribute_group *const vdcm_dev_groups[] = { &vdcm_dev_group, NULL };

static struct mdev_driver vdcm_mdev_driver = {
	.device_api = VFIO_DEVICE_API_PCI_STRING,
	.probe = vdcm_mdev_probe,
	.remove = vdcm_mdev_remove,
	.get_available = vdcm_get_available,
	.show_description = vdcm_show_description,
	.driver = { .name = KBUILD_MODNAME, .groups = vdcm_dev_groups },
};

/* ---- the auxiliary driver -------------------------------------------------------- */

static int vdcm_aux_probe(struct auxiliary_device *adev, const struct auxiliary_device_id *id)
{
	struct vdcm_parent *vp;
	int rc;

	vp = calloc(1, sizeof(*vp));
	if (!vp)
		return -ENOMEM;
	vp->idxd = to_idxd_mdev_aux(adev)->idxd;
	vp->type.sysfs_name = "1dwq-v1";
	vp->types[0] = &vp->type;
	rc = mdev_register_parent(&vp->parent, adev->dev.parent, &vdcm_mdev_driver,
				  vp->types, 1);
	if (rc) {
		free(vp);
		return rc;
	}
	dev_set_drvdata(&adev->dev, vp);
	return 0;
}

static void vdcm_aux_remove(struct auxiliary_device *adev)
{
	struct vdcm_parent *vp = dev_get_drvdata(&adev->dev);

	mdev_unregister_parent(&vp->parent);
	free(vp);
}

static const struct auxiliary_device_id vdcm_aux_id_table[] = {
	{ .name = "idxd.mdev" },
	{ .name = "" },
};
MODULE_DEVICE_TABLE(auxiliary, vdcm_aux_id_table);

static struct auxiliary_driver vdcm_aux_driver = {
	.name = "mdev",
	.probe = vdcm_aux_probe,
	.remove = vdcm_aux_remove,
	.id_table = vdcm_aux_id_table,
};

/* ---- module init/exit --------------------------------------------------------------- */

/*
 * MSI-X vectors of the virtual devices created from now on: vector 0 and
 * up to 511 IMS-backed ones (/sys/module/vfio_idxd/parameters/msix_vectors).
 */
unsigned int vdcm_msix_vectors = VDCM_MSIX_VECTORS;
module_param_uint(msix_vectors, vdcm_msix_vectors, 2, VDCM_MSIX_VECTORS_MAX, 0644);

/*
 * Whether the virtual devices created from now on offer their portal page
 * for mmap (/sys/module/vfio_idxd/parameters/portal_mmap). The mapped page
 * is polled and its slots are taken in order, which fits drivers that
 * rotate through the page as the kernel's idxd does; a driver that writes
 * every descriptor to one fixed offset (DPDK's idxd PMD) would overwrite
 * slots the device has not taken and needs 0: each write then reaches the
 * WQ through the trapped path, at any offset.
 */
unsigned int vdcm_portal_mmap = 1;
module_param_uint(portal_mmap, vdcm_portal_mmap, 0, 1, 0644);

static bool vfio_idxd_loaded;

/**
 * vfio_idxd_init - see vfio_idxd.h.
 */
int vfio_idxd_init(void)
{
	int rc;

	if (vfio_idxd_loaded)
		return -EEXIST;
	rc = mdev_register_driver(&vdcm_mdev_driver);
	if (rc)
		return rc;
	rc = auxiliary_driver_register(&vdcm_aux_driver);
	if (rc) {
		mdev_unregister_driver(&vdcm_mdev_driver);
		return rc;
	}
	vfio_idxd_loaded = true;
	return 0;
}

/**
 * vfio_idxd_exit - see vfio_idxd.h.
 */
void vfio_idxd_exit(void)
{
	if (!vfio_idxd_loaded)
		return;
	auxiliary_driver_unregister(&vdcm_aux_driver);
	mdev_unregister_driver(&vdcm_mdev_driver);
	vfio_idxd_loaded = false;
}
