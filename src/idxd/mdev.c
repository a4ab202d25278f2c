// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the PF driver exports to the VFIO side (idxd.h, the IDXD namespace):
 * the auxiliary device idxd.mdev.<N>, WQ ownership for mediated devices,
 * WQ commands with a PASID, submission and portal mapping, IMS sharing,
 * interrupt handles, error notification. The vdcm never touches a PF
 * register; every register access it needs happens here.
 *
 * Ownership: idxd_mdev_wq_get() marks a WQ owned and takes a reference on
 * its device; idxd_mdev_wq_put() disables the hardware WQ if it is still
 * enabled and drops both. While owned, the host cannot reconfigure the WQ
 * (-EBUSY). Should the host disable it anyway (an unbind, which the driver
 * core does not let a driver refuse), the owner's error handler is called
 * with NULL and its further calls fail with -ENODEV until it puts the WQ.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "idxd/idxd_priv.h"
#include "iommu/iommu.h"
#include "irq/msi.h"
#include "base/module.h"
#include "lib/log.h"

/* ---- the auxiliary device ------------------------------------------------------ */

static void idxd_mdev_aux_release(struct device *dev)
{
	struct idxd_mdev_aux *aux = to_idxd_mdev_aux(to_auxiliary_dev(dev));

	put_device(&aux->idxd->conf_dev);
	free(aux);
}

/**
 * idxd_mdev_aux_add - create "idxd.mdev.<id>" (child of the PCI device),
 * which the vdcm binds to. It holds a reference on the idxd_device until
 * its release. Return: 0, -ENOMEM, or the auxiliary bus's error.
 */
int idxd_mdev_aux_add(struct idxd_device *idxd)
{
	struct idxd_mdev_aux *aux;
	int rc;

	aux = calloc(1, sizeof(*aux));
	if (!aux)
		return -ENOMEM;
	aux->idxd = idxd;
	aux->adev.name = "mdev";
	aux->adev.id = (uint32_t)idxd->id;
	aux->adev.dev.parent = &idxd->pdev->dev;
	aux->adev.dev.release = idxd_mdev_aux_release;
	rc = auxiliary_device_init(&aux->adev);
	if (rc) {
		free(aux);
		return rc;
	}
	/* from here on release() frees, and drops this reference */
	get_device(&idxd->conf_dev);
	idxd->mdev_aux = aux;
	rc = auxiliary_device_add(&aux->adev);
	if (rc) {
		idxd->mdev_aux = NULL;
		auxiliary_device_uninit(&aux->adev);
		return rc;
	}
	dev_info(&idxd->conf_dev, "%s created", dev_name(&aux->adev.dev));
	return 0;
}

/* idxd_mdev_aux_del - delete it (the vdcm's remove runs and puts its WQs). */
void idxd_mdev_aux_del(struct idxd_device *idxd)
{
	struct idxd_mdev_aux *aux = idxd->mdev_aux;

	if (!aux)
		return;
	dev_info(&idxd->conf_dev, "%s deleted", dev_name(&aux->adev.dev));
	auxiliary_device_delete(&aux->adev);
	idxd->mdev_aux = NULL;
	auxiliary_device_uninit(&aux->adev);
}

/* Enabled WQs of type mdev (owned or not). */
unsigned int idxd_mdev_wqs_enabled(struct idxd_device *idxd)
{
	unsigned int i, n = 0;

	for (i = 0; i < idxd->max_wqs; i++)
		n += idxd->wqs[i]->conf.type == IDXD_WQT_MDEV &&
		     idxd->wqs[i]->state == IDXD_WQ_ENABLED;
	return n;
}

/* Tell @wq's owner of a software error (@swerr) or of the WQ's loss (NULL). */
void idxd_wq_report_error(struct idxd_wq *wq, const union sw_err_reg *swerr)
{
	if (wq->err_fn)
		wq->err_fn(wq->err_arg, swerr);
}

/* Tell @wq's owner that the PF's interrupt handles were revoked. */
void idxd_wq_report_revoked(struct idxd_wq *wq)
{
	if (wq->owned && wq->revoke_fn)
		wq->revoke_fn(wq->revoke_arg);
}

/* ---- the PF -------------------------------------------------------------------- */

/**
 * idxd_pci_dev - the PF's PCI device (requester id, IOMMU, MSI domains).
 * Return: it, or NULL for a NULL @idxd.
 */
struct pci_dev *idxd_pci_dev(struct idxd_device *idxd)
{
	return idxd ? idxd->pdev : NULL;
}
EXPORT_SYMBOL_NS(idxd_pci_dev, IDXD);

/** idxd_name - "dsa<N>"; valid as long as @idxd. */
const char *idxd_name(struct idxd_device *idxd)
{
	return idxd ? dev_name(&idxd->conf_dev) : "(null)";
}
EXPORT_SYMBOL_NS(idxd_name, IDXD);

/**
 * idxd_get_hw_caps - the capability registers read at probe, the MSI-X
 * table size and the number of IMS entries (0 without IMS).
 */
void idxd_get_hw_caps(struct idxd_device *idxd, struct idxd_hw_caps *caps)
{
	if (!idxd || !caps)
		return;
	memset(caps, 0, sizeof(*caps));
	caps->version = idxd->hw.version;
	caps->gen_cap = idxd->hw.gen_cap;
	caps->wq_cap = idxd->hw.wq_cap;
	caps->group_cap = idxd->hw.group_cap;
	caps->engine_cap = idxd->hw.engine_cap;
	caps->opcap = idxd->hw.opcap;
	caps->cmd_cap = idxd->hw.cmd_cap;
	caps->msix_vectors = idxd->msix_vectors;
	caps->ims_size = idxd->ims_size;
}
EXPORT_SYMBOL_NS(idxd_get_hw_caps, IDXD);

/* ---- WQs for mediated devices ------------------------------------------------------- */

static bool idxd_wq_mdev_free(const struct idxd_wq *wq)
{
	return wq->conf.type == IDXD_WQT_MDEV && wq->state == IDXD_WQ_ENABLED &&
	       idxd_wq_dedicated(wq) && !wq->owned;
}

/**
 * idxd_mdev_wq_available - enabled dedicated mdev WQs nobody owns: the
 * idxd-1dwq-v1 type's available_instances. Return: the count (0 for NULL).
 */
unsigned int idxd_mdev_wq_available(struct idxd_device *idxd)
{
	unsigned int i, n = 0;

	if (!idxd || idxd->removed)
		return 0;
	for (i = 0; i < idxd->max_wqs; i++)
		n += idxd_wq_mdev_free(idxd->wqs[i]);
	return n;
}
EXPORT_SYMBOL_NS(idxd_mdev_wq_available, IDXD);

/**
 * idxd_mdev_wq_get - claim the lowest-numbered free mdev WQ of @idxd.
 * The WQ stays valid until idxd_mdev_wq_put().
 * Return: the WQ, or NULL with errno ENOSPC (none free) or EINVAL.
 */
struct idxd_wq *idxd_mdev_wq_get(struct idxd_device *idxd)
{
	unsigned int i;

	if (!idxd) {
		errno = EINVAL;
		return NULL;
	}
	for (i = 0; !idxd->removed && i < idxd->max_wqs; i++) {
		struct idxd_wq *wq = idxd->wqs[i];

		if (!idxd_wq_mdev_free(wq))
			continue;
		wq->owned = true;
		get_device(&wq->conf_dev);
		dev_dbg(&wq->conf_dev, "claimed by a mediated device");
		return wq;
	}
	errno = ENOSPC;
	return NULL;
}
EXPORT_SYMBOL_NS(idxd_mdev_wq_get, IDXD);

/* The WQ's PASID fields in WQCFG (dword 2), written when it is disabled. */
void idxd_wq_write_pasid(struct idxd_wq *wq, bool enable, uint32_t pasid)
{
	struct idxd_device *idxd = wq->idxd;
	uint64_t off = idxd_wqcfg_offset(idxd, wq->id, WQCFG_PASID_IDX);
	union wqcfg cfg;

	cfg.bits[WQCFG_PASID_IDX] = ioread32(idxd->reg_base, off);
	cfg.pasid_en = enable;
	cfg.pasid = enable ? pasid : 0;
	cfg.priv = 0;
	iowrite32(cfg.bits[WQCFG_PASID_IDX], idxd->reg_base, off);
	wq->wqcfg.bits[WQCFG_PASID_IDX] = cfg.bits[WQCFG_PASID_IDX];
}

/**
 * idxd_mdev_wq_put - give back a WQ from idxd_mdev_wq_get(): its portal
 * page is revoked if the owner left it handed out (the next owner's
 * client must not share it with the last one's), the hardware WQ is
 * disabled (DISABLE_WQ lets what is in flight finish) if still enabled,
 * its PASID is cleared, a software error still pending is handled while
 * the handler is this owner's (idxd_swerr_flush(): from the interrupt,
 * later, it could reach the WQ's next owner), then the handler removed.
 */
void idxd_mdev_wq_put(struct idxd_wq *wq)
{
	struct idxd_device *idxd;
	int rc;

	if (!wq || !wq->owned)
		return;
	idxd = wq->idxd;
	if (!idxd->removed) {
		rc = idxd_wq_portal_revoke(wq);
		if (rc && rc != -ENOENT)
			dev_warn(&wq->conf_dev, "portal revoke failed: %d", rc);
		if (idxd_wq_hw_state_enabled(wq) &&
		    idxd_wq_hw_cmd(wq, IDXD_CMD_DISABLE_WQ, NULL))
			dev_warn(&wq->conf_dev, "disable failed: CMDSTS %#x", idxd->cmd_status);
		if (!idxd_wq_hw_state_enabled(wq))
			idxd_wq_write_pasid(wq, false, 0);
		idxd_swerr_flush(idxd);
	}
	wq->err_fn = NULL;
	wq->err_arg = NULL;
	wq->revoke_fn = NULL;
	wq->revoke_arg = NULL;
	wq->owned = false;
	dev_dbg(&wq->conf_dev, "released by its mediated device");
	put_device(&wq->conf_dev);
}
EXPORT_SYMBOL_NS(idxd_mdev_wq_put, IDXD);

/* An owned WQ the host has not taken back. Return: 0, -EINVAL, -ENODEV. */
static int idxd_wq_check_owned(struct idxd_wq *wq)
{
	if (!wq || !wq->owned)
		return -EINVAL;
	if (wq->idxd->removed || wq->state != IDXD_WQ_ENABLED)
		return -ENODEV;
	return 0;
}

/** idxd_wq_id - the WQ's index on its PF. */
unsigned int idxd_wq_id(struct idxd_wq *wq)
{
	return wq ? wq->id : 0;
}
EXPORT_SYMBOL_NS(idxd_wq_id, IDXD);

/** idxd_wq_name - "wq<N>.<M>"; valid as long as @wq. */
const char *idxd_wq_name(struct idxd_wq *wq)
{
	return wq ? dev_name(&wq->conf_dev) : "(null)";
}
EXPORT_SYMBOL_NS(idxd_wq_name, IDXD);

/**
 * idxd_wq_get_wqcfg - the WQ's WQCFG as the PF holds it now (read from
 * BAR0; the bytes past the PF's WQCFG stride read as zero).
 */
void idxd_wq_get_wqcfg(struct idxd_wq *wq, union wqcfg *cfg)
{
	struct idxd_device *idxd;
	unsigned int i;

	if (!wq || !cfg)
		return;
	idxd = wq->idxd;
	memset(cfg, 0, sizeof(*cfg));
	if (idxd->removed) {
		*cfg = wq->wqcfg;
		return;
	}
	for (i = 0; i < idxd->wqcfg_size / 4 && i < ARRAY_SIZE(cfg->bits); i++)
		cfg->bits[i] = ioread32(idxd->reg_base, idxd_wqcfg_offset(idxd, wq->id, i));
}
EXPORT_SYMBOL_NS(idxd_wq_get_wqcfg, IDXD);

/** idxd_wq_get_grpcfg - GRPCFG of the WQ's group, read from BAR0. */
void idxd_wq_get_grpcfg(struct idxd_wq *wq, struct grpcfg *cfg)
{
	struct idxd_device *idxd;
	uint64_t base;
	unsigned int i;

	if (!wq || !cfg)
		return;
	idxd = wq->idxd;
	memset(cfg, 0, sizeof(*cfg));
	if (!wq->conf.group)
		return;
	if (idxd->removed) {
		*cfg = wq->conf.group->grpcfg;
		return;
	}
	base = idxd_grpcfg_offset(idxd, wq->conf.group->id);
	for (i = 0; i < GRPWQCFG_STRIDES; i++)
		cfg->wqs[i] = ioread64(idxd->reg_base, base + GRPCFG_WQS_OFFSET + i * 8);
	cfg->engines = ioread64(idxd->reg_base, base + GRPCFG_ENGINES_OFFSET);
	cfg->flags.bits = ioread64(idxd->reg_base, base + GRPCFG_FLAGS_OFFSET);
}
EXPORT_SYMBOL_NS(idxd_wq_get_grpcfg, IDXD);

/**
 * idxd_wq_enable_pasid - program @pasid into the owned WQ (pasid_en = 1,
 * priv = 0) and run ENABLE_WQ.
 * Return: 0; -EINVAL (not owned, or @pasid 0 or above IOMMU_PASID_MAX: 0 is
 * the RID's own), -EBUSY (hardware WQ enabled), -ENODEV (taken back),
 * -EIO with *@cmdsts.
 */
int idxd_wq_enable_pasid(struct idxd_wq *wq, uint32_t pasid, uint32_t *cmdsts)
{
	int rc = idxd_wq_check_owned(wq);

	if (rc)
		return rc;
	if (!pasid || pasid > IOMMU_PASID_MAX)
		return -EINVAL;
	if (idxd_wq_hw_state_enabled(wq))
		return -EBUSY;
	idxd_wq_write_pasid(wq, true, pasid);
	return idxd_wq_hw_cmd(wq, IDXD_CMD_ENABLE_WQ, cmdsts);
}
EXPORT_SYMBOL_NS(idxd_wq_enable_pasid, IDXD);

/** idxd_wq_disable - DISABLE_WQ on the owned WQ. Return: as idxd_wq_enable_pasid(). */
int idxd_wq_disable(struct idxd_wq *wq, uint32_t *cmdsts)
{
	int rc = idxd_wq_check_owned(wq);

	return rc ? rc : idxd_wq_hw_cmd(wq, IDXD_CMD_DISABLE_WQ, cmdsts);
}
EXPORT_SYMBOL_NS(idxd_wq_disable, IDXD);

/** idxd_wq_drain - DRAIN_WQ: returns when the descriptors submitted before completed. */
int idxd_wq_drain(struct idxd_wq *wq, uint32_t *cmdsts)
{
	int rc = idxd_wq_check_owned(wq);

	return rc ? rc : idxd_wq_hw_cmd(wq, IDXD_CMD_DRAIN_WQ, cmdsts);
}
EXPORT_SYMBOL_NS(idxd_wq_drain, IDXD);

/**
 * idxd_wq_abort - ABORT_WQ: descriptors not yet started are dropped, one
 * blocked on a fault is abandoned, and the command completes (CMDSTS) only
 * when no engine executes any descriptor submitted before it (DSA spec,
 * Abort WQ). Return: as idxd_wq_enable_pasid().
 */
int idxd_wq_abort(struct idxd_wq *wq, uint32_t *cmdsts)
{
	int rc = idxd_wq_check_owned(wq);

	return rc ? rc : idxd_wq_hw_cmd(wq, IDXD_CMD_ABORT_WQ, cmdsts);
}
EXPORT_SYMBOL_NS(idxd_wq_abort, IDXD);

/**
 * idxd_wq_reset - RESET_WQ; the WQ's configuration is then written again
 * (without PASID), so it can be enabled with idxd_wq_enable_pasid().
 */
int idxd_wq_reset(struct idxd_wq *wq, uint32_t *cmdsts)
{
	int rc = idxd_wq_check_owned(wq);

	if (rc)
		return rc;
	rc = idxd_wq_hw_cmd(wq, IDXD_CMD_RESET_WQ, cmdsts);
	if (!rc && wq->idxd->configurable)
		idxd_wq_config_write(wq);
	return rc;
}
EXPORT_SYMBOL_NS(idxd_wq_reset, IDXD);

/** idxd_wq_hw_enabled - WQCFG.wq_state of the WQ (false for NULL). */
bool idxd_wq_hw_enabled(struct idxd_wq *wq)
{
	return wq && idxd_wq_hw_state_enabled(wq);
}
EXPORT_SYMBOL_NS(idxd_wq_hw_enabled, IDXD);

/**
 * idxd_wq_submit - one 64-byte descriptor to the WQ's unlimited IMS portal
 * (MOVDIR64B). Any thread: it reads only what probe fixed. A WQ that is not
 * enabled in hardware drops the descriptor and logs a software error.
 * Return: 0, -EINVAL (NULL), or the MMIO write's -errno.
 */
int idxd_wq_submit(struct idxd_wq *wq, const void *desc)
{
	if (!wq || !desc)
		return -EINVAL;
	return iosubmit_cmds512(wq->idxd->wq_base,
				dsa_portal_offset(wq->id, DSA_PORTAL_UNLIMITED, DSA_IRQ_IMS),
				desc);
}
EXPORT_SYMBOL_NS(idxd_wq_submit, IDXD);

/**
 * idxd_wq_portal_mmap - fd and offset of the WQ's unlimited IMS portal page
 * (DSA_PORTAL_SIZE bytes) for a client to map. Exactly that page is asked
 * of the PF, whose fd then backs nothing else; the fd stays the PF's.
 * Return: 0, -EINVAL, -ENODEV.
 */
int idxd_wq_portal_mmap(struct idxd_wq *wq, int *fd, uint64_t *fd_offset)
{
	if (!wq || !fd || !fd_offset)
		return -EINVAL;
	if (wq->idxd->removed)
		return -ENODEV;
	return pci_iomem_mmap_fd(wq->idxd->wq_base,
				 dsa_portal_offset(wq->id, DSA_PORTAL_UNLIMITED, DSA_IRQ_IMS),
				 DSA_PORTAL_SIZE, fd, fd_offset);
}
EXPORT_SYMBOL_NS(idxd_wq_portal_mmap, IDXD);

/**
 * idxd_wq_portal_revoke - take back the portal page idxd_wq_portal_mmap()
 * handed out for @wq: from now on nothing written through a mapping of
 * that fd reaches the device (whoever still holds it), the fd is closed,
 * and the next idxd_wq_portal_mmap() gives a new, empty page whose first
 * slot is the first the device takes. Slots written and not yet taken are
 * dropped. For when the WQ's client goes (it disconnected, its mdev is
 * removed, the WQ is given back); not for a reset of a client that stays.
 * Return: 0; -ENOENT (nothing handed out since the last revoke: nothing to
 * do); -EINVAL (NULL); -ENODEV (PF removed: its device no longer runs);
 * another -errno when the new page cannot be made (-EMFILE, -ENOMEM): the
 * old one is cut off all the same, and the next idxd_wq_portal_mmap()
 * tries again.
 */
int idxd_wq_portal_revoke(struct idxd_wq *wq)
{
	if (!wq)
		return -EINVAL;
	if (wq->idxd->removed)
		return -ENODEV;
	return pci_iomem_mmap_revoke(wq->idxd->wq_base,
				     dsa_portal_offset(wq->id, DSA_PORTAL_UNLIMITED, DSA_IRQ_IMS),
				     DSA_PORTAL_SIZE);
}
EXPORT_SYMBOL_NS(idxd_wq_portal_revoke, IDXD);

/**
 * idxd_wq_flush_errors - see idxd.h. The PF's one SWERR register serves
 * every WQ: an error found there that names another WQ goes to that WQ's
 * owner, as from the interrupt.
 */
int idxd_wq_flush_errors(struct idxd_wq *wq)
{
	if (!wq)
		return -EINVAL;
	if (wq->idxd->removed)
		return -ENODEV;
	idxd_swerr_flush(wq->idxd);
	return 0;
}
EXPORT_SYMBOL_NS(idxd_wq_flush_errors, IDXD);

/**
 * idxd_wq_set_error_handler - @fn(@arg, swerr) for each software error the
 * PF logs naming this WQ, @fn(@arg, NULL) when the PF halts or the host
 * takes the WQ back; on the event-loop thread. NULL @fn removes it.
 */
void idxd_wq_set_error_handler(struct idxd_wq *wq,
			       void (*fn)(void *arg, const union sw_err_reg *swerr),
			       void *arg)
{
	if (!wq)
		return;
	wq->err_fn = fn;
	wq->err_arg = fn ? arg : NULL;
}
EXPORT_SYMBOL_NS(idxd_wq_set_error_handler, IDXD);

/**
 * idxd_wq_set_revoke_handler - @fn(@arg) on the event-loop thread when a
 * reset of the PF on the host side revoked every interrupt handle of the
 * PF (the DSA 1.1 INTCAUSE.int_handle_revoked event). By then the PF is
 * working again: the IMS entries hold their messages and PASIDs, an owned
 * WQ that was enabled is enabled with its PASID; the owner asks for the
 * handles it needs again (idxd_request_int_handle()). NULL @fn removes it.
 */
void idxd_wq_set_revoke_handler(struct idxd_wq *wq, void (*fn)(void *arg), void *arg)
{
	if (!wq)
		return;
	wq->revoke_fn = fn;
	wq->revoke_arg = fn ? arg : NULL;
}
EXPORT_SYMBOL_NS(idxd_wq_set_revoke_handler, IDXD);

/* ---- interrupts --------------------------------------------------------------- */

/**
 * idxd_ims_share - let @sub allocate IMS entries of the PF as its own
 * MSI_SECONDARY_DOMAIN (msi_domain_alloc_irq_at() with the PASID as the
 * instance cookie). Undone by msi_device_domains_release(@sub).
 * Return: 0, -EINVAL, -ENODEV (no IMS), or msi_device_domain_share()'s error.
 */
int idxd_ims_share(struct idxd_device *idxd, struct device *sub)
{
	int rc;

	if (!idxd || !sub)
		return -EINVAL;
	if (!idxd->ims_size || idxd->removed)
		return -ENODEV;
	rc = msi_device_domain_share(sub, MSI_SECONDARY_DOMAIN, &idxd->pdev->dev,
				     MSI_SECONDARY_DOMAIN);
	return rc == -ENOENT ? -ENODEV : rc;
}
EXPORT_SYMBOL_NS(idxd_ims_share, IDXD);

/**
 * idxd_request_int_handle - REQUEST_INT_HANDLE for IMS entry (@ims) or
 * MSI-X vector @index. A device without the command (CMDCAP) takes the
 * index itself as the handle, as Linux does.
 * Return: 0 with *@handle; -EINVAL (index out of range); -EIO with *@cmdsts.
 */
int idxd_request_int_handle(struct idxd_device *idxd, unsigned int index, bool ims,
			    uint16_t *handle, uint32_t *cmdsts)
{
	uint32_t sts = 0;
	int rc;

	if (!idxd || !handle || index > 0xffff ||
	    index >= (ims ? idxd->ims_size : idxd->msix_vectors))
		return -EINVAL;
	if (!idxd->request_int_handles) {
		*handle = (uint16_t)index;
		return 0;
	}
	rc = idxd_cmd_exec(idxd, IDXD_CMD_REQUEST_INT_HANDLE,
			   index | (ims ? CMD_INT_HANDLE_IMS : 0), &sts);
	if (cmdsts)
		*cmdsts = sts;
	if (!rc)
		*handle = (uint16_t)(sts >> IDXD_CMDSTS_RES_SHIFT);
	return rc;
}
EXPORT_SYMBOL_NS(idxd_request_int_handle, IDXD);

/** idxd_release_int_handle - RELEASE_INT_HANDLE. Return: as the request. */
int idxd_release_int_handle(struct idxd_device *idxd, uint16_t handle, bool ims,
			    uint32_t *cmdsts)
{
	if (!idxd)
		return -EINVAL;
	if (!idxd->request_int_handles)
		return 0;
	return idxd_cmd_exec(idxd, IDXD_CMD_RELEASE_INT_HANDLE,
			     handle | (ims ? CMD_INT_HANDLE_IMS : 0), cmdsts);
}
EXPORT_SYMBOL_NS(idxd_release_int_handle, IDXD);
