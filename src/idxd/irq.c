// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PF's interrupts: MSI-X vector 0 (the device's own: software errors,
 * halt) and the IMS irq domain whose message store is the IDXD IMS table
 * (seeds 000 and 001: the PF driver owns the domain and its irq_chip; the
 * subdevices allocate from it). Source: DSA spec rev 2.0 sections 3.7
 * (interrupt message storage) and 9.2 (INTCAUSE, SWERR, IMS entries).
 */
#include <errno.h>

#include "idxd/idxd_priv.h"
#include "iommu/iommu.h"
#include "irq/msi.h"
#include "lib/log.h"

/* ---- MSI-X vector 0 --------------------------------------------------------- */

static void idxd_read_swerr(struct idxd_device *idxd, union sw_err_reg *swerr)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(swerr->bits); i++)
		swerr->bits[i] = ioread64(idxd->reg_base, IDXD_SWERR_OFFSET + i * 8);
}

/* INTCAUSE said a software error is logged: take it, free the register. */
static void idxd_handle_swerr(struct idxd_device *idxd)
{
	union sw_err_reg swerr;

	idxd_read_swerr(idxd, &swerr);
	/* write 1 to clear valid and overflow: the device may log the next one */
	iowrite64(IDXD_SWERR_ACK, idxd->reg_base, IDXD_SWERR_OFFSET);
	if (!swerr.valid)
		return;
	idxd->sw_err = swerr;
	dev_warn(&idxd->conf_dev, "software error %#x%s, op %#x, wq %d, pasid %#x, addr %#llx",
		 (unsigned int)swerr.error, swerr.overflow ? " (overflow)" : "",
		 (unsigned int)swerr.operation, swerr.wq_idx_valid ? (int)swerr.wq_idx : -1,
		 (unsigned int)swerr.pasid, (unsigned long long)swerr.fault_addr);
	if (swerr.wq_idx_valid && swerr.wq_idx < idxd->max_wqs)
		idxd_wq_report_error(idxd->wqs[swerr.wq_idx], &swerr);
}

/**
 * idxd_swerr_flush - handle now a software error the device has logged
 * and the misc interrupt has not handled yet: INTCAUSE.ERR cleared, SWERR
 * taken and routed as idxd_misc_irq() would (to the error handler of the
 * WQ it names). The interrupt, when its handler runs later, finds the
 * cause gone. The device fills SWERR before it sets INTCAUSE.ERR, and a
 * WQ command (abort, drain, disable, reset) completes only after the
 * descriptors it waited for reported their errors, so after such a
 * command every error of those descriptors is handled when this returns.
 * Event-loop thread, like the interrupt handler.
 */
void idxd_swerr_flush(struct idxd_device *idxd)
{
	uint32_t cause;

	if (idxd->removed)
		return;
	cause = ioread32(idxd->reg_base, IDXD_INTCAUSE_OFFSET);
	if (cause == ~0U || !(cause & IDXD_INTC_ERR))
		return;
	iowrite32(IDXD_INTC_ERR, idxd->reg_base, IDXD_INTCAUSE_OFFSET);
	idxd_handle_swerr(idxd);
}

static void idxd_handle_halt(struct idxd_device *idxd)
{
	unsigned int i;

	if (!idxd_hw_is_halted(idxd))
		return;
	dev_err(&idxd->conf_dev, "device halted (GENSTS %#x)",
		ioread32(idxd->reg_base, IDXD_GENSTATS_OFFSET));
	idxd->state = IDXD_DEV_HALTED;
	for (i = 0; i < idxd->max_wqs; i++)
		idxd_wq_report_error(idxd->wqs[i], NULL);
}

/**
 * idxd_misc_irq - the handler of MSI-X vector 0, on the event-loop thread:
 * read INTCAUSE and write the causes back to clear them, then route a
 * software error to the error handler of the WQ it names (and record it in
 * the device's "errors" attribute), tell every WQ's owner of a halt, and of
 * interrupt handles the device revoked.
 */
void idxd_misc_irq(unsigned int irq, void *arg)
{
	struct idxd_device *idxd = arg;
	uint32_t cause;

	if (idxd->removed)
		return;
	cause = ioread32(idxd->reg_base, IDXD_INTCAUSE_OFFSET);
	if (!cause || cause == ~0U)
		return;
	iowrite32(cause, idxd->reg_base, IDXD_INTCAUSE_OFFSET);
	if (cause & IDXD_INTC_ERR)
		idxd_handle_swerr(idxd);
	if (cause & IDXD_INTC_HALT_STATE)
		idxd_handle_halt(idxd);
	if (cause & IDXD_INTC_INT_HANDLE_REVOKED) {
		unsigned int i;

		/* the device revoked them itself: the owners ask again */
		dev_warn(&idxd->conf_dev, "interrupt handles revoked");
		for (i = 0; i < idxd->max_wqs; i++)
			idxd_wq_report_revoked(idxd->wqs[i]);
	}
	dev_dbg(&idxd->conf_dev, "interrupt cause %#x", cause);
}

/* ---- the IMS domain ------------------------------------------------------- */

static uint64_t idxd_ims_entry(const struct idxd_device *idxd, unsigned int slot)
{
	return idxd->ims_offset + (uint64_t)slot * IDXD_IMS_ENTRY_SIZE;
}

/* The PASID an allocation's cookie carries; 0 or out of range = none. */
static bool idxd_ims_cookie_pasid(const struct irq_data *d, uint32_t *pasid)
{
	uint64_t v = d->cookie.value;

	if (!v || v > IOMMU_PASID_MAX)
		return false;
	*pasid = (uint32_t)v;
	return true;
}

/* Update the control word of @d's slot and read it back (flush). */
static void idxd_ims_ctrl_update(struct irq_data *d, uint32_t clear, uint32_t set)
{
	struct idxd_device *idxd = d->chip_data;
	uint64_t off = idxd_ims_entry(idxd, d->hwirq) + IDXD_IMS_CTRL_OFFSET;
	uint32_t ctrl;

	if (idxd->removed)
		return;
	ctrl = ioread32(idxd->reg_base, off);
	ctrl = (ctrl & ~clear & ~IMS_CTRL_PENDING) | set;
	iowrite32(ctrl, idxd->reg_base, off);
	ioread32(idxd->reg_base, off);
}

static void idxd_ims_mask(struct irq_data *d)
{
	idxd_ims_ctrl_update(d, 0, IMS_CTRL_VECTOR_MASKBIT);
}

static void idxd_ims_unmask(struct irq_data *d)
{
	idxd_ims_ctrl_update(d, IMS_CTRL_VECTOR_MASKBIT, 0);
}

/*
 * The message and the PASID: an entry with PASID enable accepts only
 * descriptors of that PASID naming it in their interrupt handle.
 */
static void idxd_ims_write_msg(struct irq_data *d, const struct msi_msg *msg)
{
	struct idxd_device *idxd = d->chip_data;
	uint64_t base = idxd_ims_entry(idxd, d->hwirq);
	uint32_t pasid, set = 0;

	if (idxd->removed)
		return;
	iowrite32((uint32_t)msg->address, idxd->reg_base, base + IDXD_IMS_ADDR_OFFSET);
	iowrite32((uint32_t)(msg->address >> 32), idxd->reg_base, base + IDXD_IMS_ADDR_OFFSET + 4);
	iowrite32(msg->data, idxd->reg_base, base + IDXD_IMS_DATA_OFFSET);
	if (idxd_ims_cookie_pasid(d, &pasid))
		set = IMS_CTRL_PASID_ENABLE | pasid << IMS_CTRL_PASID_SHIFT;
	idxd_ims_ctrl_update(d, IMS_CTRL_PASID_ENABLE | IMS_CTRL_PASID_MASK, set);
}

static const struct msi_domain_template idxd_ims_template = {
	.name = "IDXD-IMS",
	.chip = {
		.name = "IDXD-IMS",
		.irq_mask = idxd_ims_mask,
		.irq_unmask = idxd_ims_unmask,
		.irq_write_msi_msg = idxd_ims_write_msg,
	},
};

/**
 * idxd_ims_domain_create - the PF's IMS domain (MSI_SECONDARY_DOMAIN of
 * the PCI device), ims_size slots, every entry masked first. Called only
 * when pci_ims_supported() and GENCAP advertises IMS entries.
 * Return: 0 or the error of msi_create_device_irq_domain().
 */
/* Every entry masked (PASID off), flushed by one read back. */
static void idxd_ims_mask_all(struct idxd_device *idxd)
{
	unsigned int i;

	for (i = 0; i < idxd->ims_size; i++) {
		uint64_t off = idxd_ims_entry(idxd, i) + IDXD_IMS_CTRL_OFFSET;

		iowrite32(IMS_CTRL_VECTOR_MASKBIT, idxd->reg_base, off);
	}
	if (idxd->ims_size)
		ioread32(idxd->reg_base, idxd_ims_entry(idxd, 0) + IDXD_IMS_CTRL_OFFSET);
}

/**
 * idxd_ims_restore - after a function reset cleared the IMS table: mask
 * every entry, then write each allocated one again (message, PASID, mask
 * state) through the domain. The subdevices' virqs, IRTEs and eventfds do
 * not change.
 */
void idxd_ims_restore(struct idxd_device *idxd)
{
	if (!idxd->ims_size)
		return;
	idxd_ims_mask_all(idxd);
	msi_domain_restore_irqs(&idxd->pdev->dev, MSI_SECONDARY_DOMAIN);
}

int idxd_ims_domain_create(struct idxd_device *idxd)
{
	idxd_ims_mask_all(idxd);
	return msi_create_device_irq_domain(&idxd->pdev->dev, MSI_SECONDARY_DOMAIN,
					    &idxd_ims_template, idxd->ims_size, idxd,
					    pci_dev_id(idxd->pdev));
}

void idxd_ims_domain_remove(struct idxd_device *idxd)
{
	msi_remove_device_irq_domain(&idxd->pdev->dev, MSI_SECONDARY_DOMAIN);
}
