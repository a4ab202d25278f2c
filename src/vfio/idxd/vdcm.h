/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to the vdcm (src/vfio/idxd): the virtual DSA device and what its
 * files share. main.c binds (auxiliary and mdev drivers), vdev.c emulates
 * the virtual BAR0 and its commands, ops.c holds the vfio_device_ops, the
 * BAR2 portal and the interrupt wiring.
 *
 * The virtual device (one per mdev):
 *   config space  8086:0b25, class 088000, revision and subsystem of the PF;
 *                 BAR0 64-bit vdcm_bar0_size() (registers), BAR2 64-bit
 *                 VDCM_BAR2_SIZE (the four portal pages of its one WQ);
 *                 PCI Express (RCiEP) and MSI-X with N vectors, N the
 *                 vfio_idxd parameter msix_vectors when the mdev was created
 *                 (default VDCM_MSIX_VECTORS, at most VDCM_MSIX_VECTORS_MAX).
 *   BAR0          0x000 architected registers, GRPCFG at 0x400, WQCFG at
 *                 0x500, MSI-X permission table at 0x600, MSI-X table at
 *                 0x2000 and PBA after it on the next page (both emulated
 *                 by vfio-pci-core).
 *   MSI-X         vector 0 emulated (command completion, errors); vectors
 *                 1..N-1 each backed on demand by one IMS entry of the PF,
 *                 allocated on the mdev's struct device with the PASID as
 *                 cookie when the client wires or asks a handle for it
 *                 (seed 001's on-demand expansion). Across mdevs they may
 *                 outnumber the 2048 MSI-X entries a function can have: the
 *                 PF's IMS size (GENCAP) is the limit.
 *
 * Lifetime: mdev probe takes a WQ, a PASID and the PF's IMS domain, then
 * allocates the vdcm_idxd with vfio_alloc_device() (which holds a reference
 * on the mdev's device until release) and registers it; mdev remove
 * unregisters it, gives everything back and drops the allocation's
 * reference. The memory goes at the last vfio_put_device().
 * Nothing of a client session passes to the next client: close_device
 * revokes the BAR2 portal page (vdcm_portal_revoke(): a departed client's
 * mapping reaches nothing, the next client maps a new page), aborts the WQ
 * (what the client submitted is dropped, block-on-fault waiters included,
 * none runs once it returns) and resets the function as VFIO_DEVICE_RESET
 * does, before the next session can attach its DMA space: the next client
 * finds the device as after an FLR, with no error of the last session
 * still to come from the PF. A reset while the client stays keeps
 * the page mapped.
 *
 * Threading: event-loop thread, like the VFIO core and the idxd interface.
 */
#ifndef SIOVD_VFIO_IDXD_VDCM_H
#define SIOVD_VFIO_IDXD_VDCM_H

#include <stdbool.h>
#include <stdint.h>

#include "idxd/idxd.h"
#include "spec/dsa.h"
#include "vfio/mdev/mdev.h"
#include "vfio/pci/vfio_pci_core.h"

struct iommu;
struct iommu_domain;

#define VDCM_MSIX_VECTORS	9	/* default: 1 emulated + 8 IMS-backed, as the PF */
#define VDCM_MSIX_VECTORS_MAX	512	/* the permission table fits below 0x2000 */
#define VDCM_BAR2_SIZE		(DSA_PORTALS_PER_WQ * DSA_PORTAL_SIZE)
#define VDCM_GRPCFG_OFFSET	0x400
#define VDCM_WQCFG_OFFSET	0x500
#define VDCM_MSIX_PERM_OFFSET	0x600
#define VDCM_MSIX_TABLE_OFFSET	0x2000
#define VDCM_REGS_SIZE		VDCM_MSIX_TABLE_OFFSET	/* what vdev.c emulates */

static_assert(VDCM_GRPCFG_OFFSET % IDXD_TABLE_MULT == 0, "GRPCFG in OFFSETS units");
static_assert(VDCM_WQCFG_OFFSET % IDXD_TABLE_MULT == 0, "WQCFG in OFFSETS units");
static_assert(VDCM_MSIX_PERM_OFFSET % IDXD_TABLE_MULT == 0, "MSIXPERM in OFFSETS units");
static_assert(VDCM_WQCFG_OFFSET - VDCM_GRPCFG_OFFSET >= GRPCFG_SIZE, "one group");
static_assert(VDCM_MSIX_PERM_OFFSET - VDCM_WQCFG_OFFSET >= sizeof(union wqcfg), "one WQ");
static_assert(VDCM_MSIX_PERM_OFFSET + VDCM_MSIX_VECTORS_MAX * IDXD_MSIX_PERM_STRIDE <=
	      VDCM_MSIX_TABLE_OFFSET, "permission table");

/* The PBA's offset in BAR0 for @nvec vectors: the page after the table. */
static inline uint64_t vdcm_pba_offset(unsigned int nvec)
{
	return VDCM_MSIX_TABLE_OFFSET + ALIGN_UP((uint64_t)nvec * 16, SIOVD_PAGE_SIZE);
}

/* BAR0's size for @nvec vectors: registers, table and PBA, a power of two. */
static inline uint64_t vdcm_bar0_size(unsigned int nvec)
{
	uint64_t end = vdcm_pba_offset(nvec) + SIOVD_PAGE_SIZE, size = 0x4000;

	while (size < end)
		size <<= 1;
	return size;
}

/* vfio_idxd's parameter msix_vectors (/sys/module/vfio_idxd/parameters). */
extern unsigned int vdcm_msix_vectors;
/*
 * vfio_idxd's parameter portal_mmap: 1 (default) offers page 0 of BAR2 for
 * mmap (the mapped portal: in-order slots, docs/dsa-model.md); 0 traps every
 * portal write (any offset, exact semantics). Read when an mdev is created.
 */
extern unsigned int vdcm_portal_mmap;

/* One MSI-X vector of the virtual device that an IMS entry backs. */
struct vdcm_vector {
	int ims_index;		/* slot in the PF's IMS, -1 none yet */
	int virq;
	bool wired;		/* the client gave it an eventfd */
	bool has_handle;	/* REQUEST_INT_HANDLE done on the PF */
	uint16_t handle;
};

/**
 * struct vdcm_idxd - one virtual DSA.
 * @core: vfio-pci-core state (first: vfio_alloc_device()).
 * @mdev: the mdev it serves; @idxd, @wq: the PF and the WQ it owns;
 * @pf: the PF's pci_dev (requester id, IOMMU); @pasid: its PASID;
 * @dom: the session's DMA domain while attached, else NULL.
 * @regs/@regs_wmask/@regs_w1c: BAR0 below the MSI-X table.
 * @wq_enabled: the virtual WQ's state (mirrored in WQCFG.wq_state).
 * @lost: the PF took the WQ back or halted; commands fail from then on.
 */
struct vdcm_idxd {
	struct vfio_pci_core_device core;
	struct mdev_device *mdev;
	struct idxd_device *idxd;
	struct idxd_wq *wq;
	struct pci_dev *pf;
	uint32_t pasid;
	struct iommu_domain *dom;

	struct idxd_hw_caps caps;
	union wqcfg host_wqcfg;		/* the host's, at probe */
	struct grpcfg host_grpcfg;
	unsigned int wqcfg_stride;	/* bytes, 32 << WQCAP.wqcfg_size */

	uint8_t regs[VDCM_REGS_SIZE];
	uint8_t regs_wmask[VDCM_REGS_SIZE];
	uint8_t regs_w1c[VDCM_REGS_SIZE];
	bool wq_enabled;
	bool lost;

	unsigned int nvec;
	struct vdcm_vector *vec;	/* nvec entries */
	bool portal_mmap;		/* vdcm_portal_mmap when created */
};

static_assert(offsetof(struct vdcm_idxd, core) == 0, "vfio-pci-core first");

static inline struct vdcm_idxd *to_vdcm(struct vfio_pci_core_device *core)
{
	return container_of(core, struct vdcm_idxd, core);
}

/* ---- vdev.c: the virtual device ---- */

/* Compose config space, BARs, capabilities and BAR0. Return: 0 or -errno. */
int vdcm_compose(struct vdcm_idxd *vd);
/* BAR0 trapped access (the region's rw). */
ssize_t vdcm_bar0_rw(struct vfio_pci_core_device *core, unsigned int index,
		     char *buf, size_t count, uint64_t off, bool iswrite);
/*
 * Reset the virtual device as RESET_DEVICE does: hardware WQ reset, a
 * software error the PF logged for the WQ and has not reported yet taken
 * (idxd_wq_flush_errors(): none shows up after the reset), every interrupt
 * handle released, registers to their initial values.
 */
void vdcm_reset_device(struct vdcm_idxd *vd);
/* The PF's error report for our WQ (idxd_wq_set_error_handler()). */
void vdcm_wq_error(void *arg, const union sw_err_reg *swerr);
/* The PF revoked its interrupt handles (idxd_wq_set_revoke_handler()). */
void vdcm_handles_revoked(void *arg);
/* The client turned Bus Master off in the virtual command register. */
void vdcm_bus_master_off(struct vdcm_idxd *vd);

/* ---- ops.c: vfio ops, portal, interrupts ---- */

extern const struct vfio_device_ops vdcm_vfio_ops;
extern const struct vfio_pci_regops vdcm_bar0_regops;
extern const struct vfio_pci_regops vdcm_bar2_regops;
extern const struct vfio_pci_regops vdcm_bar2_trapped_regops;
extern const struct vfio_pci_core_irq_ops vdcm_irq_ops;

/*
 * The IMS entry of vector @v (1..nvec-1), allocated on demand.
 * Return: 0 or -errno (-ENOSPC: the PF's IMS is full).
 */
int vdcm_vector_get_ims(struct vdcm_idxd *vd, unsigned int v);
/* Release every interrupt handle; with @free_ims also free the IMS entries. */
void vdcm_vectors_release(struct vdcm_idxd *vd, bool free_ims);
/*
 * Take back the portal page handed out to a client (idxd_wq_portal_revoke()):
 * when the client goes (close_device) and when the mdev does (remove),
 * never on a reset. Failures are logged: the old page is cut off anyway.
 */
void vdcm_portal_revoke(struct vdcm_idxd *vd);

#endif
