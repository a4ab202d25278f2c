// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupt generation: the MSI-X table (PCI 3.0 6.8.2) and the IMS table
 * (DSA spec 3.7, 9.2.x), interrupt handles, and the SWERR register.
 *
 * Masking without locks. An entry's control word holds the mask bit and a
 * pending bit. An engine raising a deliverable entry sends its message at
 * once: every raise is one message, nothing is merged. If the entry looks
 * masked, the engine sets pending and looks again; if it has been unmasked
 * meanwhile, it claims pending back (atomic fetch-and) and sends. Whoever
 * unmasks (a BAR0 write, MSI-X enable, function unmask) changes the mask
 * first and then claims pending the same way. An interrupt message is a
 * memory write: with bus mastering off every entry behaves as masked, and
 * turning it back on claims what is pending. Both sides use sequentially
 * consistent atomics, so a raise racing with an unmask is delivered exactly
 * once, by one of them, and a raise while masked stays pending (PBA bit /
 * IMS ctrl bit 1) until the unmask, where several merge into one.
 */
#include <errno.h>
#include <linux/pci_regs.h>

#include "hw/dsa/dsa_priv.h"
#include "irq/remap.h"
#include "lib/log.h"

static void irq_send(struct dsa_hw *hw, struct dsa_irq_entry *e)
{
	uint64_t addr = atomic_load_explicit(&e->addr_lo, memory_order_relaxed) |
			((uint64_t)atomic_load_explicit(&e->addr_hi, memory_order_relaxed) << 32);
	uint32_t data = atomic_load_explicit(&e->data, memory_order_relaxed);

	/* A blocked or targetless message is the platform's business. */
	irq_remap_msi_write(hw->ir, hw->rid, addr, data);
}

static bool msix_function_ok(struct dsa_hw *hw)
{
	uint32_t c = atomic_load(&hw->msix_ctrl);

	return (c & PCI_MSIX_FLAGS_ENABLE) && !(c & PCI_MSIX_FLAGS_MASKALL) && dsa_bus_master(hw);
}

/* Claim the pending bit of a deliverable entry and send it. */
static void irq_claim(struct dsa_hw *hw, struct dsa_irq_entry *e)
{
	if (atomic_fetch_and(&e->ctrl, ~DSA_IRQ_PENDING) & DSA_IRQ_PENDING)
		irq_send(hw, e);
}

/**
 * dsa_msix_fire - raise MSI-X vector @vec: delivered now, or left pending
 * while the vector, the function or MSI-X is masked/disabled.
 * Lock-free; callable from engines.
 */
void dsa_msix_fire(struct dsa_hw *hw, unsigned int vec)
{
	struct dsa_irq_entry *e;

	if (vec >= hw->p.msix_vectors)
		return;
	e = &hw->msix[vec];
	if (!(atomic_load(&e->ctrl) & DSA_IRQ_MASKED) && msix_function_ok(hw)) {
		irq_send(hw, e);
		return;
	}
	if (atomic_fetch_or(&e->ctrl, DSA_IRQ_PENDING) & DSA_IRQ_MASKED)
		return;
	if (msix_function_ok(hw))
		irq_claim(hw, e);
}

/* dsa_ims_fire - like dsa_msix_fire() for IMS entry @idx. */
void dsa_ims_fire(struct dsa_hw *hw, unsigned int idx)
{
	struct dsa_irq_entry *e;

	if (idx >= hw->p.ims_entries)
		return;
	e = &hw->ims[idx];
	if (!(atomic_load(&e->ctrl) & DSA_IRQ_MASKED) && dsa_bus_master(hw)) {
		irq_send(hw, e);
		return;
	}
	if (atomic_fetch_or(&e->ctrl, DSA_IRQ_PENDING) & DSA_IRQ_MASKED)
		return;
	if (dsa_bus_master(hw))
		irq_claim(hw, e);
}

/* The mask bit of vector @vec was just cleared. */
void dsa_msix_unmasked(struct dsa_hw *hw, unsigned int vec)
{
	if (msix_function_ok(hw))
		irq_claim(hw, &hw->msix[vec]);
}

void dsa_ims_unmasked(struct dsa_hw *hw, unsigned int idx)
{
	if (dsa_bus_master(hw))
		irq_claim(hw, &hw->ims[idx]);
}

/* Bus mastering was just turned on: send what is pending and unmasked. */
void dsa_irq_bus_master_on(struct dsa_hw *hw)
{
	unsigned int i;

	dsa_msix_all_unmasked(hw);
	for (i = 0; i < hw->p.ims_entries; i++)
		if (!(atomic_load(&hw->ims[i].ctrl) & DSA_IRQ_MASKED))
			irq_claim(hw, &hw->ims[i]);
}

/* MSI-X was just enabled or function-unmasked: send what is pending. */
void dsa_msix_all_unmasked(struct dsa_hw *hw)
{
	unsigned int i;

	if (!msix_function_ok(hw))
		return;
	for (i = 0; i < hw->p.msix_vectors; i++)
		if (!(atomic_load(&hw->msix[i].ctrl) & DSA_IRQ_MASKED))
			irq_claim(hw, &hw->msix[i]);
}

/* FLR state: every entry masked, nothing pending, no permissions. */
void dsa_irq_tables_reset(struct dsa_hw *hw)
{
	unsigned int i;

	for (i = 0; i < hw->p.msix_vectors; i++) {
		atomic_store(&hw->msix[i].addr_lo, 0);
		atomic_store(&hw->msix[i].addr_hi, 0);
		atomic_store(&hw->msix[i].data, 0);
		atomic_store(&hw->msix[i].ctrl, DSA_IRQ_MASKED);
		atomic_store(&hw->msix_perm[i], 0);
	}
	for (i = 0; i < hw->p.ims_entries; i++) {
		atomic_store(&hw->ims[i].addr_lo, 0);
		atomic_store(&hw->ims[i].addr_hi, 0);
		atomic_store(&hw->ims[i].data, 0);
		atomic_store(&hw->ims[i].ctrl, DSA_IRQ_MASKED);
	}
}

/* ---- interrupt handles -------------------------------------------------- */

bool dsa_handle_valid(atomic_ullong *bitmap, unsigned int idx)
{
	return atomic_load_explicit(&bitmap[idx / 64], memory_order_acquire) &
	       (1ULL << (idx % 64));
}

void dsa_handle_set(atomic_ullong *bitmap, unsigned int idx, bool valid)
{
	if (valid)
		atomic_fetch_or(&bitmap[idx / 64], 1ULL << (idx % 64));
	else
		atomic_fetch_and(&bitmap[idx / 64], ~(1ULL << (idx % 64)));
}

void dsa_handles_clear(struct dsa_hw *hw)
{
	unsigned int i;

	for (i = 0; i < DIV_ROUND_UP(hw->p.msix_vectors, 64); i++)
		atomic_store(&hw->msix_handles[i], 0);
	for (i = 0; i < DIV_ROUND_UP(hw->p.ims_entries, 64); i++)
		atomic_store(&hw->ims_handles[i], 0);
}

/* ---- SWERR -------------------------------------------------------------- */

static void swerr_fill(uint64_t sw[4], const struct dsa_swerr_info *e)
{
	union sw_err_reg r = { .bits = { 0 } };

	r.valid = 1;
	r.desc_valid = e->desc_valid;
	r.wq_idx_valid = e->wq_valid;
	r.batch = e->batch;
	r.fault_rw = e->fault_rw;
	r.priv = e->priv;
	r.error = e->error;
	r.wq_idx = e->wq_valid ? e->wq : 0;
	r.operation = e->desc_valid ? e->opcode : 0;
	r.pasid = e->pasid == IOMMU_NO_PASID ? 0 : e->pasid;
	r.batch_idx = e->batch_idx;
	r.invalid_flags = e->invalid_flags;
	r.fault_addr = e->fault_addr;
	sw[0] = r.bits[0] | (sw[0] & IDXD_SWERR_OVERFLOW);
	sw[1] = r.bits[1];
	sw[2] = r.bits[2];
	sw[3] = r.bits[3];
}

/**
 * dsa_swerr_report - record a software error: into SWERR when it is free,
 * else only its overflow bit; then INTCAUSE.ERR and, with
 * GENCTRL.softerr_int_en, MSI-X vector 0. Error path only (takes err_lock).
 */
void dsa_swerr_report(struct dsa_hw *hw, const struct dsa_swerr_info *e)
{
	union genctrl_reg ctl;

	pthread_mutex_lock(&hw->err_lock);
	if (hw->swerr[0] & IDXD_SWERR_VALID)
		hw->swerr[0] |= IDXD_SWERR_OVERFLOW;
	else
		swerr_fill(hw->swerr, e);
	pthread_mutex_unlock(&hw->err_lock);

	atomic_fetch_or(&hw->intcause, IDXD_INTC_ERR);
	ctl.bits = atomic_load(&hw->genctrl);
	if (ctl.softerr_int_en)
		dsa_msix_fire(hw, 0);
}
