// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vdcm's vfio_device_ops (mostly vfio-pci-core's own functions: seed
 * 003's "wrap only what changes": write for the command register, ioctl for
 * the reset, close for the end of a client's session - portal revocation,
 * WQ abort, function reset - and release), the BAR2 portal, DMA attach, and
 * how the virtual MSI-X vectors become IMS entries of the PF.
 *
 * Interrupt path of a vector v >= 1: REQUEST_INT_HANDLE or the client's
 * SET_IRQS allocates an IMS entry on the mdev's own struct device (the PF's
 * IMS domain is shared to it, seed 001 option A) with the PASID as cookie;
 * SET_IRQS points the entry's IRTE at the client's eventfd
 * (irq_set_eventfd) and unmasks it. From then on a completion interrupt
 * goes device -> IMS entry -> remapping unit -> eventfd with no vdcm code
 * on the path. Vector 0 is emulated: vfio_pci_core_trigger().
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/iommu.h"
#include "irq/msi.h"
#include "lib/log.h"
#include "pci/pci.h"
#include "vfio/idxd/vdcm.h"

/* ---- IMS-backed vectors -------------------------------------------------------- */

/**
 * vdcm_vector_get_ims - see vdcm.h.
 */
int vdcm_vector_get_ims(struct vdcm_idxd *vd, unsigned int v)
{
	union msi_instance_cookie cookie = { .value = vd->pasid };
	struct vdcm_vector *vec = &vd->vec[v];
	struct msi_map map;

	if (v == 0 || v >= vd->nvec)
		return -EINVAL;
	if (vec->ims_index >= 0)
		return 0;
	map = msi_domain_alloc_irq_at(&vd->mdev->dev, MSI_SECONDARY_DOMAIN, MSI_ANY_INDEX,
				      &cookie);
	if (map.index < 0)
		return map.index;
	vec->ims_index = map.index;
	vec->virq = map.virq;
	dev_dbg(&vd->mdev->dev, "vdcm: vector %u -> IMS entry %d (virq %d)",
		v, map.index, map.virq);
	return 0;
}

static void vdcm_vector_unwire(struct vdcm_vector *vec)
{
	if (!vec->wired)
		return;
	disable_irq((unsigned int)vec->virq);
	irq_set_eventfd((unsigned int)vec->virq, -1);
	vec->wired = false;
}

/**
 * vdcm_vectors_release - see vdcm.h. A handle the PF cannot release (the
 * WQ was lost) is forgotten all the same: the PF reclaims it on its reset.
 */
void vdcm_vectors_release(struct vdcm_idxd *vd, bool free_ims)
{
	unsigned int v;

	for (v = 1; v < vd->nvec; v++) {
		struct vdcm_vector *vec = &vd->vec[v];

		if (vec->has_handle &&
		    idxd_release_int_handle(vd->idxd, vec->handle, true, NULL))
			dev_dbg(&vd->mdev->dev, "vdcm: handle %u not released", vec->handle);
		vec->has_handle = false;
		if (!free_ims || vec->ims_index < 0)
			continue;
		vdcm_vector_unwire(vec);
		msi_domain_free_irq(&vd->mdev->dev, MSI_SECONDARY_DOMAIN,
				    (unsigned int)vec->ims_index);
		vec->ims_index = -1;
		vec->virq = 0;
	}
}

static int vdcm_msix_set(struct vfio_pci_core_device *core, unsigned int v, int fd)
{
	struct vdcm_idxd *vd = to_vdcm(core);
	struct vdcm_vector *vec = &vd->vec[v];
	int rc;

	if (v == 0)
		return 0;	/* emulated: the core keeps the eventfd */
	if (fd < 0) {
		if (vec->ims_index >= 0)
			vdcm_vector_unwire(vec);
		return 0;
	}
	rc = vdcm_vector_get_ims(vd, v);
	if (rc)
		return rc;
	rc = irq_set_eventfd((unsigned int)vec->virq, fd);
	if (rc)
		return rc;
	vec->wired = true;
	if (!vfio_pci_core_msix_masked(core, v))
		enable_irq((unsigned int)vec->virq);
	return 0;
}

static void vdcm_msix_mask(struct vfio_pci_core_device *core, unsigned int v)
{
	struct vdcm_vector *vec = &to_vdcm(core)->vec[v];

	if (v && vec->wired)
		disable_irq((unsigned int)vec->virq);
}

static void vdcm_msix_unmask(struct vfio_pci_core_device *core, unsigned int v)
{
	struct vdcm_vector *vec = &to_vdcm(core)->vec[v];

	if (v && vec->wired)
		enable_irq((unsigned int)vec->virq);
}

const struct vfio_pci_core_irq_ops vdcm_irq_ops = {
	.msix_set = vdcm_msix_set,
	.msix_mask = vdcm_msix_mask,
	.msix_unmask = vdcm_msix_unmask,
};

/* ---- BARs ---------------------------------------------------------------------- */

/*
 * BAR2: a 64-byte write at any 64-byte-aligned offset of the four portal
 * pages is one descriptor for the WQ (MOVDIR64B); reads return all-ones,
 * as a portal does.
 */
static ssize_t vdcm_bar2_rw(struct vfio_pci_core_device *core, unsigned int index,
			    char *buf, size_t count, uint64_t off, bool iswrite)
{
	int rc;

	if (!iswrite) {
		memset(buf, 0xff, count);
		return (ssize_t)count;
	}
	if (count != DSA_DESC_SIZE || !IS_ALIGNED(off, DSA_DESC_SIZE))
		return -EINVAL;
	rc = idxd_wq_submit(to_vdcm(core)->wq, buf);
	return rc ? rc : (ssize_t)count;
}

/*
 * Page 0 of BAR2 is the PF's IMS portal page of the WQ: handed out to the
 * client with every REGION_INFO of BAR2 until vdcm_portal_revoke().
 */
static int vdcm_bar2_mmap(struct vfio_pci_core_device *core, unsigned int index,
			  int *fd, uint64_t *fd_offset)
{
	return idxd_wq_portal_mmap(to_vdcm(core)->wq, fd, fd_offset);
}

/**
 * vdcm_portal_revoke - see vdcm.h. -ENOENT (no page handed out since the
 * last revoke: the client never asked, or it was already taken back) is
 * not an error.
 */
void vdcm_portal_revoke(struct vdcm_idxd *vd)
{
	int rc = idxd_wq_portal_revoke(vd->wq);

	if (rc && rc != -ENOENT)
		dev_warn(&vd->mdev->dev, "vdcm: portal of %s not revoked: %d",
			 idxd_wq_name(vd->wq), rc);
}

const struct vfio_pci_regops vdcm_bar0_regops = {
	.rw = vdcm_bar0_rw,
};

const struct vfio_pci_regops vdcm_bar2_regops = {
	.rw = vdcm_bar2_rw,
	.mmap = vdcm_bar2_mmap,
};

/* BAR2 without mmap (portal_mmap=0): every descriptor write is trapped. */
const struct vfio_pci_regops vdcm_bar2_trapped_regops = {
	.rw = vdcm_bar2_rw,
};

/* ---- vfio_device_ops --------------------------------------------------------------- */

static void vdcm_release(struct vfio_device *vdev)
{
	struct vdcm_idxd *vd = to_vdcm(to_vfio_pci_core(vdev));

	free(vd->vec);
	vd->vec = NULL;
	vfio_pci_core_release_dev(vdev);
	/* the reference vdcm_mdev_probe() took for this allocation */
	put_device(vdev->dev);
}

/*
 * Configuration writes go to the core's virtual configuration space; what
 * the device model must see is the command register: Bus Master turned off
 * under an enabled device halts it, as on the PF.
 */
static ssize_t vdcm_write(struct vfio_device *vdev, const char *buf, size_t count,
			  uint64_t *ppos)
{
	struct vdcm_idxd *vd = to_vdcm(to_vfio_pci_core(vdev));
	bool cfg = VFIO_PCI_OFFSET_TO_INDEX(*ppos) == VFIO_PCI_CONFIG_REGION_INDEX;
	uint64_t off = *ppos & VFIO_PCI_OFFSET_MASK;
	bool master = vfio_pci_core_bus_master(&vd->core);
	ssize_t rc = vfio_pci_core_write(vdev, buf, count, ppos);

	if (rc > 0 && cfg && off <= PCI_COMMAND + 1 && off + count > PCI_COMMAND &&
	    master && !vfio_pci_core_bus_master(&vd->core))
		vdcm_bus_master_off(vd);
	return rc;
}

/*
 * A function reset (VFIO_DEVICE_RESET, and the end of a session): the core
 * resets its part (configuration space to its initial image, MSI-X off
 * and its table masked, which unwires every IMS entry), then the device
 * behind it: the hardware WQ reset (RESET_WQ aborts what it holds, then
 * disables it), handles released, IMS entries freed, registers to their
 * initial values. Return: 0 or the core's -errno (then nothing of the
 * device was touched).
 */
static long vdcm_function_reset(struct vdcm_idxd *vd)
{
	long rc = vfio_pci_core_ioctl(&vd->core.vdev, VFIO_DEVICE_RESET, NULL);

	if (rc)
		return rc;
	vdcm_reset_device(vd);
	vdcm_vectors_release(vd, true);
	return 0;
}

static long vdcm_ioctl(struct vfio_device *vdev, unsigned int cmd, void *arg)
{
	struct vdcm_idxd *vd = to_vdcm(to_vfio_pci_core(vdev));

	if (cmd == VFIO_DEVICE_RESET)
		return vdcm_function_reset(vd);
	return vfio_pci_core_ioctl(vdev, cmd, arg);
}

/*
 * Drop what the departed client left in the WQ: ABORT_WQ through the PF
 * driver (idxd_wq_abort()), which returns once every descriptor submitted
 * before it has completed or was abandoned, one blocked on a fault
 * included, and no engine runs one any more. Nothing to do when the
 * hardware WQ is off (a disable drained it) or lost to the host.
 */
static void vdcm_wq_abort(struct vdcm_idxd *vd)
{
	int rc;

	if (vd->lost || !idxd_wq_hw_enabled(vd->wq))
		return;
	rc = idxd_wq_abort(vd->wq, NULL);
	if (rc)
		dev_warn(&vd->mdev->dev, "vdcm: abort of %s failed: %d",
			 idxd_wq_name(vd->wq), rc);
}

/*
 * The client is gone (it disconnected, or the mdev is being removed). As
 * vfio-pci resets a function its last user closed, nothing of the session
 * may outlive it, for the next client runs under the same PASID:
 *  1. the portal page it was handed is taken back (vdcm_portal_revoke()):
 *     what it - or any process it passed the fd to - writes there from now
 *     on reaches nothing; the next client maps a new page;
 *  2. the WQ is aborted (vdcm_wq_abort()): descriptors it submitted that
 *     no engine started are dropped, and so is one waiting for a page on a
 *     block-on-fault WQ; none is executing when the abort returns;
 *  3. the core unwires its eventfds, and the function is reset
 *     (vdcm_function_reset()), so the next client finds the device as
 *     after an FLR (a lost WQ's: halted) and enables it itself; the reset
 *     takes the session's software errors the PF has not reported yet
 *     (vdcm_reset_device()), which would otherwise reach the next client
 *     from the PF's error interrupt, serviced after this returns.
 * The core detached the session's DMA space before this (a descriptor that
 * runs in between faults), and attaches the next session's only after it
 * returns. Resets while the client stays (VFIO_DEVICE_RESET, the virtual
 * RESET_DEVICE) do not revoke the page: a VMM maps its regions once.
 */
static void vdcm_close_device(struct vfio_device *vdev)
{
	struct vdcm_idxd *vd = to_vdcm(to_vfio_pci_core(vdev));

	vdcm_portal_revoke(vd);
	vdcm_wq_abort(vd);
	vfio_pci_core_close_device(vdev);
	if (vdcm_function_reset(vd))
		dev_warn(&vd->mdev->dev, "vdcm: function reset at close failed");
}

/* The session's address space becomes what the WQ's PASID translates through. */
static int vdcm_attach_ioas(struct vfio_device *vdev, struct iommu_domain *dom)
{
	struct vdcm_idxd *vd = to_vdcm(to_vfio_pci_core(vdev));
	int rc;

	if (vd->dom)
		return -EBUSY;
	rc = iommu_attach_device_pasid(dom, pci_dev_id(vd->pf), vd->pasid);
	if (rc)
		return rc;
	vd->dom = dom;
	return 0;
}

/* From here on the WQ's DMA faults; the IOMMU waits for DMA in flight. */
static void vdcm_detach_ioas(struct vfio_device *vdev)
{
	struct vdcm_idxd *vd = to_vdcm(to_vfio_pci_core(vdev));

	if (!vd->dom)
		return;
	iommu_detach_device_pasid(vd->pf->iommu, pci_dev_id(vd->pf), vd->pasid);
	vd->dom = NULL;
}

const struct vfio_device_ops vdcm_vfio_ops = {
	.name = "vfio-idxd",
	.init = vfio_pci_core_init_dev,
	.release = vdcm_release,
	.open_device = vfio_pci_core_open_device,
	.close_device = vdcm_close_device,
	.read = vfio_pci_core_read,
	.write = vdcm_write,
	.ioctl = vdcm_ioctl,
	.region_mmap = vfio_pci_core_region_mmap,
	.attach_ioas = vdcm_attach_ioas,
	.detach_ioas = vdcm_detach_ioas,
};
