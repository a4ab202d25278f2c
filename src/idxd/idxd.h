/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The idxd PF driver's exported interface (the kernel's
 * EXPORT_SYMBOL_NS(..., IDXD)): everything the VFIO side (src/vfio/idxd, the
 * vdcm) may ask of the PF. The vdcm never touches a PF register; it reaches
 * the device only through these calls, which the PF driver implements with
 * its own MMIO, command submission and IMS domain (seeds 000, 001, 004).
 *
 * How the VFIO side gets here: for a PF with at least one enabled WQ of type
 * "mdev", the PF driver creates the auxiliary device "idxd.mdev.<dev id>"
 * whose wrapper struct idxd_mdev_aux carries the struct idxd_device. The
 * vdcm binds to it and from then on holds WQs through idxd_mdev_wq_get().
 *
 * Objects: struct idxd_device (a PF) and struct idxd_wq are opaque here.
 * An idxd_device stays valid while its aux device exists; a WQ obtained with
 * idxd_mdev_wq_get() stays valid until idxd_mdev_wq_put().
 *
 * Command results: calls that run a device command return 0 on success,
 * -EIO when the device reported an error (then *cmdsts, if not NULL, holds
 * the raw CMDSTS so the vdcm can report the architected error code to its
 * client), -EBUSY/-EINVAL/-ENODEV for refusals by the driver itself.
 *
 * Threading: event-loop thread only, except idxd_wq_submit() which may run
 * on any thread.
 */
#ifndef SIOVD_IDXD_IDXD_H
#define SIOVD_IDXD_IDXD_H

#include <stdbool.h>
#include <stdint.h>

#include "base/auxiliary.h"
#include "spec/dsa.h"

/* The idxd module's exported interface (namespace IDXD): visible to modules. */
#pragma GCC visibility push(default)

struct idxd_device;
struct idxd_wq;
struct pci_dev;

/* The auxiliary device a PF creates for its VFIO part: "idxd.mdev.<id>". */
struct idxd_mdev_aux {
	struct auxiliary_device adev;
	struct idxd_device *idxd;
};

static inline struct idxd_mdev_aux *to_idxd_mdev_aux(struct auxiliary_device *adev)
{
	return container_of(adev, struct idxd_mdev_aux, adev);
}

/*
 * struct idxd_hw_caps - the PF's capability registers as read at probe, for
 * composing a virtual device that reports the same silicon.
 */
struct idxd_hw_caps {
	uint32_t version;
	union gen_cap_reg gen_cap;
	union wq_cap_reg wq_cap;
	union group_cap_reg group_cap;
	union engine_cap_reg engine_cap;
	struct opcap opcap;
	uint32_t cmd_cap;
	unsigned int msix_vectors;	/* MSI-X table size of the PF */
	unsigned int ims_size;		/* IMS entries of the PF (0: no IMS) */
};

/* ---- the PF --------------------------------------------------------------- */

/* The PF's pci_dev: its requester id and IOMMU for PASID attach. */
struct pci_dev *idxd_pci_dev(struct idxd_device *idxd);
/* Its device name ("dsa0"). */
const char *idxd_name(struct idxd_device *idxd);
void idxd_get_hw_caps(struct idxd_device *idxd, struct idxd_hw_caps *caps);

/* ---- WQs for mediated devices --------------------------------------------- */

/*
 * Number of enabled dedicated WQs of type "mdev" not owned by an mdev
 * (the idxd-1dwq-v1 type's available_instances).
 */
unsigned int idxd_mdev_wq_available(struct idxd_device *idxd);

/*
 * idxd_mdev_wq_get - take ownership of a free enabled dedicated "mdev" WQ.
 * While owned, the host refuses to disable or reconfigure it (-EBUSY).
 * Return: the WQ, or NULL with errno ENOSPC (none free).
 */
struct idxd_wq *idxd_mdev_wq_get(struct idxd_device *idxd);
/* Give it back: the hardware WQ is disabled (drained) if the vdcm left it on. */
void idxd_mdev_wq_put(struct idxd_wq *wq);

/* The WQ's index on the PF, and its name ("wq0.1"). */
unsigned int idxd_wq_id(struct idxd_wq *wq);
const char *idxd_wq_name(struct idxd_wq *wq);
/* Copy of the WQ's configuration as programmed in the PF's WQCFG. */
void idxd_wq_get_wqcfg(struct idxd_wq *wq, union wqcfg *cfg);
/* The GRPCFG of the WQ's group (for the virtual device's read-only view). */
void idxd_wq_get_grpcfg(struct idxd_wq *wq, struct grpcfg *cfg);

/*
 * idxd_wq_enable_pasid - program the WQ's PASID (pasid_en = 1, priv = 0) and
 * enable the hardware WQ. The WQ must be disabled in hardware.
 * Return: 0, -EIO with *cmdsts, -EBUSY (enabled), -EINVAL (bad PASID).
 */
int idxd_wq_enable_pasid(struct idxd_wq *wq, uint32_t pasid, uint32_t *cmdsts);
/* Hardware WQ commands on the owned WQ (drain waits for completion). */
int idxd_wq_disable(struct idxd_wq *wq, uint32_t *cmdsts);
int idxd_wq_drain(struct idxd_wq *wq, uint32_t *cmdsts);
/*
 * idxd_wq_abort - ABORT_WQ on the owned WQ, enabled in hardware. Returns once
 * every descriptor submitted before the call has completed or was abandoned
 * (no completion record, no interrupt): those no engine started, and one
 * waiting for a page on a block-on-fault WQ; from then on no engine
 * executes any of them. The WQ stays enabled. The vdcm's close relies on
 * this to keep a departed client's work off the next client's memory.
 * Return: 0, -EINVAL (not owned), -ENODEV (taken back), -EIO with *cmdsts.
 */
int idxd_wq_abort(struct idxd_wq *wq, uint32_t *cmdsts);
int idxd_wq_reset(struct idxd_wq *wq, uint32_t *cmdsts);
/* Whether the hardware WQ is enabled (WQCFG.wq_state). */
bool idxd_wq_hw_enabled(struct idxd_wq *wq);

/*
 * idxd_wq_submit - write one 64-byte descriptor to the WQ's IMS portal
 * (the trapped path of a client's portal write). Any thread.
 * Return: 0 or -errno from the MMIO write.
 */
int idxd_wq_submit(struct idxd_wq *wq, const void *desc);

/*
 * idxd_wq_portal_mmap - the fd and byte offset of the WQ's unlimited IMS
 * portal page (DSA_PORTAL_SIZE bytes) for a client to map. The fd backs that
 * page alone (no other WQ's portals, no MSI-X portal), so it may be handed
 * to the client that owns the WQ. The fd stays owned by the PF.
 * Return: 0, -EINVAL or -ENODEV.
 */
int idxd_wq_portal_mmap(struct idxd_wq *wq, int *fd, uint64_t *fd_offset);

/*
 * idxd_wq_portal_revoke - take back the page idxd_wq_portal_mmap() handed
 * out: writes through any mapping of that fd no longer reach the device,
 * the fd is closed, and the next idxd_wq_portal_mmap() gives a new page
 * (its slot 0 is the first the device takes). Slots not yet taken are
 * dropped. Call it when the client goes (disconnect, mdev removal), never
 * on a reset of a client that stays. idxd_mdev_wq_put() does it too.
 * Return: 0, -ENOENT (nothing handed out since the last revoke), -EINVAL,
 * -ENODEV (PF removed), or -errno when the new page cannot be made (the old
 * one is cut off all the same).
 */
int idxd_wq_portal_revoke(struct idxd_wq *wq);

/*
 * idxd_wq_set_error_handler - call @fn(@arg, @swerr) on the event-loop thread
 * for each software error the PF reports naming this WQ, and @fn(@arg, NULL)
 * when the PF halts. NULL @fn removes it. An error is reported from the
 * PF's error interrupt, whose handler runs on the event loop some time
 * after the device logged it, or earlier by idxd_wq_flush_errors().
 */
void idxd_wq_set_error_handler(struct idxd_wq *wq,
			       void (*fn)(void *arg, const union sw_err_reg *swerr),
			       void *arg);

/*
 * idxd_wq_flush_errors - report now, before returning, a software error the
 * PF has logged and its error interrupt has not handled yet (to the handler
 * of the WQ it names, this one's or another's), rather than from the
 * interrupt later, when the WQ may serve its owner's next client. After
 * idxd_wq_abort(), idxd_wq_reset(), idxd_wq_disable() or idxd_wq_drain()
 * returned, every error of the descriptors they waited for is reported by
 * then; so is one the PF logged when idxd_wq_submit() found the WQ
 * disabled. The PF has one SWERR register: an error logged while it held
 * another is only its overflow bit. Event-loop thread.
 * Return: 0, -EINVAL (NULL), -ENODEV (PF removed).
 */
int idxd_wq_flush_errors(struct idxd_wq *wq);

/*
 * idxd_wq_set_revoke_handler - call @fn(@arg) on the event-loop thread
 * after a host-side reset of the PF (the PCI "reset" attribute) revoked the
 * PF's interrupt handles. The PF driver has restored what it owns by then
 * (configuration, IMS entries, the WQ enabled again with its PASID); the
 * owner re-requests its handles with idxd_request_int_handle(). NULL @fn
 * removes it; idxd_mdev_wq_put() does too.
 */
void idxd_wq_set_revoke_handler(struct idxd_wq *wq, void (*fn)(void *arg), void *arg);

/* ---- interrupts ---------------------------------------------------------- */

/*
 * idxd_ims_share - give subdevice @sub (an mdev's struct device) access to
 * the PF's IMS domain as its MSI_SECONDARY_DOMAIN, so it allocates IMS
 * entries through the generic msi_domain_alloc_irq_at() on itself, with the
 * PASID in the instance cookie. Return: 0, -ENODEV (PF without IMS).
 */
int idxd_ims_share(struct idxd_device *idxd, struct device *sub);

/*
 * idxd_request_int_handle / idxd_release_int_handle - REQUEST/RELEASE_INT_HANDLE
 * on the PF for an IMS (@ims true) or MSI-X entry @index.
 * Return: 0 with *handle, or the command errors above.
 */
int idxd_request_int_handle(struct idxd_device *idxd, unsigned int index, bool ims,
			    uint16_t *handle, uint32_t *cmdsts);
int idxd_release_int_handle(struct idxd_device *idxd, uint16_t handle, bool ims,
			    uint32_t *cmdsts);

#pragma GCC visibility pop

#endif
