// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci: whole-function assignment, the second user of vfio-pci-core
 * (seed 003). A PCI function bound to it (driver_override "vfio-pci", or
 * driver_flavour "vfio") is served as a VFIO device named after it
 * ("0000:00:0a.0"); the vfio-user transport gives it a socket. The client
 * owns the function: it configures the device itself through its registers
 * (for a DSA: GRPCFG, WQCFG, enabling, as DPDK's or SPDK's user-space idxd
 * drivers do).
 *
 * What the core emulates and what reaches the function:
 *  - Configuration space: the core's virtual copy with the function's ids,
 *    its BARs (sizing emulated), a PCI Express capability and the MSI-X
 *    capability at the function's own table and PBA. Bus Master is passed
 *    through (it gates the function's DMA); Memory Space stays on in the
 *    function and is enforced by the core (-EIO while the client has it
 *    off). PASID, ATS and the SIOV DVSEC are not offered: the client's DMA
 *    is untagged, through the session's address space at the function's
 *    requester id.
 *  - BARs: trapped 1/2/4/8-byte accesses go to the function's MMIO; a
 *    64-byte write is one posted 64-byte write (a DSA portal takes
 *    descriptors that way). A region travels to the client with one fd,
 *    and that fd reaches nothing but what it was asked for
 *    (pci_func_ops.bar_mmap), so a BAR is offered for mmap whole when one
 *    file of the function backs it whole, else only its first page when
 *    one backs that (a DSA backs each portal page with a file of its own:
 *    BAR2 offers WQ 0's unlimited MSI-X portal, the rest is trapped).
 *  - MSI-X: at open the function's vectors are allocated in the host's
 *    MSI-X domain, masked; SET_IRQS points a vector's IRTE straight at the
 *    client's eventfd and unmasks it (no siovd code per interrupt); the
 *    core keeps the client's view of the table.
 *  - Reset (VFIO_DEVICE_RESET, and at close): the core's virtual state
 *    (configuration space to its registration image, MSI-X off and its
 *    table masked), then a function reset (FLR) through the PCI core,
 *    which restores the host's MSI-X programming. The next client finds
 *    both as after an FLR.
 *  - Close also revokes what was handed out for mmap
 *    (pci_iomem_mmap_revoke()): a departed client's mappings reach nothing,
 *    the next client gets new files. A reset keeps them.
 *
 * Lifetime: probe allocates and registers the vfio device (holding a
 * reference on the pci_dev until release); remove unregisters it (ending
 * an open session) and gives the function back reset, decoding off.
 *
 * Threading: event-loop thread (the VFIO core's rule).
 * Source: Linux drivers/vfio/pci/vfio_pci.c and vfio_pci_core.c behaviour.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/module.h"
#include "iommu/iommu.h"
#include "irq/irq.h"
#include "lib/log.h"
#include "pci/pci.h"
#include "vfio/pci/vfio_pci.h"
#include "vfio/pci/vfio_pci_core.h"

#define VFIO_PCI_PORTAL_WRITE	64	/* bytes of one posted block write */

/**
 * struct vfio_pci_device - one assigned function.
 * @core: vfio-pci-core state (first: vfio_alloc_device()).
 * @pdev: the function; @bar: its mapped BARs.
 * @mmap_len: bytes from the start of each BAR that one fd of the function
 *	backs, offered for mmap; 0 = trapped only.
 * @nvec: MSI-X vectors; @irq_on: vectors allocated (between open and close).
 * @dom: the session's DMA domain while attached.
 */
struct vfio_pci_device {
	struct vfio_pci_core_device core;
	struct pci_dev *pdev;
	struct pci_iomem *bar[VFIO_PCI_NUM_BARS];
	uint64_t mmap_len[VFIO_PCI_NUM_BARS];
	unsigned int nvec;
	bool irq_on;
	struct iommu_domain *dom;
};

static_assert(offsetof(struct vfio_pci_device, core) == 0, "vfio-pci-core first");

static struct vfio_pci_device *to_vpci(struct vfio_pci_core_device *core)
{
	return container_of(core, struct vfio_pci_device, core);
}

static struct vfio_pci_device *vdev_to_vpci(struct vfio_device *vdev)
{
	return to_vpci(to_vfio_pci_core(vdev));
}

/* ---- BARs ------------------------------------------------------------------------ */

static ssize_t vfio_pci_bar_rw(struct vfio_pci_core_device *core, unsigned int index,
			       char *buf, size_t count, uint64_t off, bool iswrite)
{
	struct pci_iomem *io = to_vpci(core)->bar[index];
	uint64_t v = 0;
	int rc;

	if (count == VFIO_PCI_PORTAL_WRITE && iswrite && IS_ALIGNED(off, count)) {
		rc = iosubmit_cmds512(io, off, buf);
		return rc ? rc : (ssize_t)count;
	}
	if ((count != 1 && count != 2 && count != 4 && count != 8) || !IS_ALIGNED(off, count))
		return -EINVAL;
	if (iswrite) {
		memcpy(&v, buf, count);
		switch (count) {
		case 1: iowrite8((uint8_t)v, io, off); break;
		case 2: iowrite16((uint16_t)v, io, off); break;
		case 4: iowrite32((uint32_t)v, io, off); break;
		default: iowrite64(v, io, off); break;
		}
		return (ssize_t)count;
	}
	switch (count) {
	case 1: v = ioread8(io, off); break;
	case 2: v = ioread16(io, off); break;
	case 4: v = ioread32(io, off); break;
	default: v = ioread64(io, off); break;
	}
	memcpy(buf, &v, count);
	return (ssize_t)count;
}

static int vfio_pci_bar_mmap(struct vfio_pci_core_device *core, unsigned int index,
			     int *fd, uint64_t *fd_offset)
{
	struct vfio_pci_device *vp = to_vpci(core);

	return pci_iomem_mmap_fd(vp->bar[index], 0, vp->mmap_len[index], fd, fd_offset);
}

static const struct vfio_pci_regops vfio_pci_bar_regops = {
	.rw = vfio_pci_bar_rw,
};

static const struct vfio_pci_regops vfio_pci_bar_mmap_regops = {
	.rw = vfio_pci_bar_rw,
	.mmap = vfio_pci_bar_mmap,
};

/* ---- MSI-X: vectors of the host's domain, IRTEs at the client's eventfds ----------- */

static int vfio_pci_msix_set(struct vfio_pci_core_device *core, unsigned int v, int fd)
{
	struct vfio_pci_device *vp = to_vpci(core);
	int virq = pci_irq_vector(vp->pdev, v);
	int rc;

	if (virq < 0)
		return fd < 0 ? 0 : -EINVAL;
	if (fd < 0) {
		disable_irq((unsigned int)virq);
		irq_set_eventfd((unsigned int)virq, -1);
		return 0;
	}
	rc = irq_set_eventfd((unsigned int)virq, fd);
	if (rc)
		return rc;
	if (!vfio_pci_core_msix_masked(core, v))
		enable_irq((unsigned int)virq);
	return 0;
}

static void vfio_pci_msix_mask(struct vfio_pci_core_device *core, unsigned int v)
{
	int virq = pci_irq_vector(to_vpci(core)->pdev, v);

	if (virq > 0)
		disable_irq((unsigned int)virq);
}

static void vfio_pci_msix_unmask(struct vfio_pci_core_device *core, unsigned int v)
{
	int virq = pci_irq_vector(to_vpci(core)->pdev, v);

	if (virq > 0)
		enable_irq((unsigned int)virq);
}

static const struct vfio_pci_core_irq_ops vfio_pci_irq_ops = {
	.msix_set = vfio_pci_msix_set,
	.msix_mask = vfio_pci_msix_mask,
	.msix_unmask = vfio_pci_msix_unmask,
};

/* ---- composing the virtual function ------------------------------------------------ */

/*
 * How much of @io, from its start, one fd of the function backs: all of
 * it, else its first unit (a function that backs pages with files of their
 * own), else nothing (pci_resource_mmap_unit(): asked, not handed out).
 */
static uint64_t vfio_pci_mmap_len(struct pci_iomem *io)
{
	return min(pci_resource_mmap_unit(io->pdev, io->bar), io->len);
}

static int vfio_pci_setup_bars(struct vfio_pci_device *vp)
{
	struct pci_dev *pdev = vp->pdev;
	unsigned long flags;
	unsigned int bar;
	int rc;

	for (bar = 0; bar < VFIO_PCI_NUM_BARS; bar++) {
		flags = pci_resource_flags(pdev, (int)bar);
		if (!flags)
			continue;
		vp->bar[bar] = pci_iomap(pdev, (int)bar, 0);
		if (!vp->bar[bar])
			return -errno;
		vp->mmap_len[bar] = vfio_pci_mmap_len(vp->bar[bar]);
		rc = vfio_pci_core_setup_bar(&vp->core, bar, vp->bar[bar]->len,
					     (flags & IORESOURCE_MEM_64 ? VFIO_PCI_BAR_64BIT : 0) |
					     (flags & IORESOURCE_PREFETCH ? VFIO_PCI_BAR_PREFETCH : 0),
					     vp->mmap_len[bar] ? &vfio_pci_bar_mmap_regops :
								 &vfio_pci_bar_regops);
		if (rc)
			return rc;
		if (flags & IORESOURCE_MEM_64)
			bar++;		/* the upper half is not a BAR of its own */
	}
	return 0;
}

/*
 * What each mappable BAR's fd backs (vfio_pci_mmap_len()); nothing of a BAR
 * holding the MSI-X table or PBA.
 */
static int vfio_pci_setup_mmaps(struct vfio_pci_device *vp, unsigned int tbar,
				unsigned int pbar)
{
	unsigned int bar;
	int rc;

	for (bar = 0; bar < VFIO_PCI_NUM_BARS; bar++) {
		const struct vfio_pci_region *r = &vp->core.regions[bar];

		if (!r->size || !(r->flags & VFIO_REGION_INFO_FLAG_MMAP) ||
		    (vp->nvec && (bar == tbar || bar == pbar)))
			continue;
		rc = vfio_pci_core_add_sparse_mmap(&vp->core, bar, 0, vp->mmap_len[bar]);
		if (rc)
			return rc;
	}
	return 0;
}

static int vfio_pci_compose(struct vfio_pci_device *vp)
{
	struct pci_dev *pdev = vp->pdev;
	unsigned int tbar = 0, pbar = 0;
	uint32_t toff = 0, poff = 0;
	int n, rc;

	vfio_pci_core_set_ids(&vp->core, pdev->vendor, pdev->device, pdev->subsystem_vendor,
			      pdev->subsystem_device, pdev->class, pdev->revision);
	rc = vfio_pci_setup_bars(vp);
	if (rc)
		return rc;
	rc = vfio_pci_core_add_pcie_cap(&vp->core, PCI_EXP_TYPE_RC_END);
	if (rc < 0)
		return rc;
	n = pci_msix_vec_count(pdev);
	if (n > 0 && !pci_msix_table_info(pdev, &tbar, &toff, &pbar, &poff)) {
		rc = vfio_pci_core_add_msix_cap(&vp->core, (unsigned int)n, tbar, toff, pbar,
						poff);
		if (rc < 0)
			return rc;
		vp->nvec = (unsigned int)n;
	}
	vp->core.irq_ops = &vfio_pci_irq_ops;
	return vfio_pci_setup_mmaps(vp, tbar, pbar);
}

/* ---- vfio_device_ops --------------------------------------------------------------- */

/* The function back in its reset state, decoding on for trapped access. */
static void vfio_pci_function_reset(struct vfio_pci_device *vp)
{
	if (pci_reset_function(vp->pdev))
		dev_warn(&vp->pdev->dev, "vfio-pci: function reset failed");
	pci_enable_device_mem(vp->pdev);
}

static int vfio_pci_open_device(struct vfio_device *vdev)
{
	struct vfio_pci_device *vp = vdev_to_vpci(vdev);
	int rc;

	rc = vfio_pci_core_open_device(vdev);
	if (rc || !vp->nvec)
		return rc;
	rc = pci_alloc_irq_vectors(vp->pdev, vp->nvec, vp->nvec, PCI_IRQ_MSIX);
	if (rc < 0)
		return rc;
	vp->irq_on = true;
	return 0;
}

/*
 * Take back every BAR range handed out for mmap (as the kernel zaps the
 * user mappings of a closed device): what the departed client still writes
 * through its mappings reaches nothing, and the next client is handed new
 * files. -ENOENT (never handed out since the last revoke) is nothing to do.
 */
static void vfio_pci_revoke_mmaps(struct vfio_pci_device *vp)
{
	unsigned int bar;
	int rc;

	for (bar = 0; bar < VFIO_PCI_NUM_BARS; bar++) {
		if (!vp->mmap_len[bar])
			continue;
		rc = pci_iomem_mmap_revoke(vp->bar[bar], 0, vp->mmap_len[bar]);
		if (rc && rc != -ENOENT)
			dev_warn(&vp->pdev->dev, "vfio-pci: BAR%u mmap not revoked: %d", bar, rc);
	}
}

/*
 * The client is gone: its mappings revoked, eventfds unwired, the core's
 * virtual state back to its image (configuration space as registered,
 * MSI-X off, its table masked: the core's VFIO_DEVICE_RESET), the vectors
 * freed, the function reset. Both halves are reset, as Linux's
 * vfio-pci-core disables and resets a device its last user closed: the
 * function alone would leave the next client reading the last client's
 * Bus Master and Memory Space in PCI_COMMAND while the function has them
 * off. VFIO_DEVICE_RESET does not revoke: the client stays and keeps its
 * mappings.
 */
static void vfio_pci_close_device(struct vfio_device *vdev)
{
	struct vfio_pci_device *vp = vdev_to_vpci(vdev);

	vfio_pci_revoke_mmaps(vp);
	vfio_pci_core_close_device(vdev);
	if (vfio_pci_core_ioctl(vdev, VFIO_DEVICE_RESET, NULL))
		dev_warn(&vp->pdev->dev, "vfio-pci: virtual state not reset at close");
	if (vp->irq_on) {
		pci_free_irq_vectors(vp->pdev);
		vp->irq_on = false;
	}
	vfio_pci_function_reset(vp);
	pci_clear_master(vp->pdev);
}

/* Config writes pass Bus Master through: it gates the function's DMA. */
static ssize_t vfio_pci_write(struct vfio_device *vdev, const char *buf, size_t count,
			      uint64_t *ppos)
{
	struct vfio_pci_device *vp = vdev_to_vpci(vdev);
	uint64_t off = *ppos & VFIO_PCI_OFFSET_MASK;
	bool cfg = VFIO_PCI_OFFSET_TO_INDEX(*ppos) == VFIO_PCI_CONFIG_REGION_INDEX;
	ssize_t rc = vfio_pci_core_write(vdev, buf, count, ppos);

	if (rc > 0 && cfg && off <= PCI_COMMAND + 1 && off + count > PCI_COMMAND) {
		if (vfio_pci_core_bus_master(&vp->core))
			pci_set_master(vp->pdev);
		else
			pci_clear_master(vp->pdev);
	}
	return rc;
}

/* VFIO_DEVICE_RESET: the core's state, then the function itself. */
static long vfio_pci_ioctl(struct vfio_device *vdev, unsigned int cmd, void *arg)
{
	struct vfio_pci_device *vp = vdev_to_vpci(vdev);
	long rc = vfio_pci_core_ioctl(vdev, cmd, arg);

	if (cmd == VFIO_DEVICE_RESET && !rc) {
		vfio_pci_function_reset(vp);
		pci_clear_master(vp->pdev);
	}
	return rc;
}

/* The session's address space translates the function's untagged DMA. */
static int vfio_pci_attach_ioas(struct vfio_device *vdev, struct iommu_domain *dom)
{
	struct vfio_pci_device *vp = vdev_to_vpci(vdev);
	int rc;

	if (vp->dom)
		return -EBUSY;
	rc = iommu_attach_device_pasid(dom, pci_dev_id(vp->pdev), IOMMU_NO_PASID);
	if (!rc)
		vp->dom = dom;
	return rc;
}

static void vfio_pci_detach_ioas(struct vfio_device *vdev)
{
	struct vfio_pci_device *vp = vdev_to_vpci(vdev);

	if (!vp->dom)
		return;
	iommu_detach_device_pasid(vp->pdev->iommu, pci_dev_id(vp->pdev), IOMMU_NO_PASID);
	vp->dom = NULL;
}

static void vfio_pci_release(struct vfio_device *vdev)
{
	vfio_pci_core_release_dev(vdev);
	put_device(vdev->dev);		/* probe's reference */
}

static const struct vfio_device_ops vfio_pci_ops = {
	.name = "vfio-pci",
	.init = vfio_pci_core_init_dev,
	.release = vfio_pci_release,
	.open_device = vfio_pci_open_device,
	.close_device = vfio_pci_close_device,
	.read = vfio_pci_core_read,
	.write = vfio_pci_write,
	.ioctl = vfio_pci_ioctl,
	.region_mmap = vfio_pci_core_region_mmap,
	.attach_ioas = vfio_pci_attach_ioas,
	.detach_ioas = vfio_pci_detach_ioas,
};

/* ---- the PCI driver ------------------------------------------------------------------ */

static void vfio_pci_unmap_bars(struct vfio_pci_device *vp)
{
	unsigned int bar;

	for (bar = 0; bar < VFIO_PCI_NUM_BARS; bar++) {
		pci_iounmap(vp->bar[bar]);
		vp->bar[bar] = NULL;
	}
}

static int vfio_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct vfio_pci_device *vp;
	int rc;

	rc = pci_enable_device_mem(pdev);
	if (rc)
		return rc;
	vp = vfio_alloc_device(struct vfio_pci_device, core.vdev, &pdev->dev, &vfio_pci_ops);
	if (!vp) {
		rc = -errno;
		goto out_disable_device;
	}
	get_device(&pdev->dev);		/* dropped by vfio_pci_release() */
	vp->pdev = pdev;
	rc = vfio_pci_compose(vp);
	if (rc)
		goto out_put_vdev;
	rc = vfio_pci_core_register_device(&vp->core);
	if (rc)
		goto out_put_vdev;
	dev_set_drvdata(&pdev->dev, vp);
	dev_info(&pdev->dev, "vfio-pci: assigned whole, %u MSI-X vectors", vp->nvec);
	return 0;

out_put_vdev:
	vfio_pci_unmap_bars(vp);
	vfio_put_device(&vp->core.vdev);
out_disable_device:
	pci_disable_device(pdev);
	return rc;
}

static void vfio_pci_remove(struct pci_dev *pdev)
{
	struct vfio_pci_device *vp = dev_get_drvdata(&pdev->dev);

	vfio_pci_core_unregister_device(&vp->core);	/* ends a session */
	vfio_pci_unmap_bars(vp);
	pci_disable_device(pdev);
	dev_info(&pdev->dev, "vfio-pci: released");
	vfio_put_device(&vp->core.vdev);
}

/* Any function, but only when steered here (driver_override or flavour). */
static const struct pci_device_id vfio_pci_table[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(PCI_ANY_ID, PCI_ANY_ID) },
	{ 0 },
};
MODULE_DEVICE_TABLE(pci, vfio_pci_table);

static struct pci_driver vfio_pci_driver = {
	.name = "vfio-pci",
	.id_table = vfio_pci_table,
	.probe = vfio_pci_probe,
	.remove = vfio_pci_remove,
};

/**
 * vfio_pci_init - see vfio_pci.h.
 */
int vfio_pci_init(void)
{
	return pci_register_driver(&vfio_pci_driver);
}

/**
 * vfio_pci_exit - see vfio_pci.h.
 */
void vfio_pci_exit(void)
{
	pci_unregister_driver(&vfio_pci_driver);
}
