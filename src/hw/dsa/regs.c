// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR0: the architected register file (DSA spec 9.2) and the tables it
 * points to (GRPCFG, WQCFG, MSI-X permissions, MSI-X table and PBA, IMS).
 *
 * Every access is broken into 32-bit register slots; a 1- or 2-byte access
 * touches the bytes it names only (a byte mask), an 8-byte access is two
 * slots, low first. Access types per register:
 *   RO    VERSION, GENCAP, WQCAP, GRPCAP, ENGCAP, OPCAP, OFFSETS, GENSTS,
 *         CMDSTS, CMDCAP, SWERR (but its first dword), PBA
 *   RW    GENCFG (while the device is disabled), GENCTRL
 *   RW1C  INTCAUSE; SWERR valid and overflow bits
 *   WO    CMD (a full 32-bit write executes the command; reads return the
 *         last command written)
 *   RW-L  GRPCFG (config_en and device disabled), WQCFG (config_en and WQ
 *         disabled; wq_size only while the device is disabled)
 * Reserved offsets read 0 and ignore writes. Called with hw->lock held.
 */
#include <errno.h>
#include <string.h>

#include "hw/dsa/dsa_priv.h"

/*
 * WQCFG writable bits per dword; dwords 8..15 (op_config, 64-byte entries
 * of version 2) take the bits of supported operations (OPCAP).
 */
static const uint32_t wqcfg_wmask[8] = {
	[0] = 0x0000ffff,	/* wq_size */
	[1] = 0x0000ffff,	/* wq_thresh */
	[2] = 0x3ffffff3,	/* mode, bof, priority, pasid, pasid_en, priv */
	[3] = 0x000001ff,	/* max_xfer_shift, max_batch_shift */
};

#define MSIX_PERM_WMASK		0xfffff00cU	/* ignore, pasid_en, pasid */
#define IMS_CTRL_WMASK		(IMS_CTRL_VECTOR_MASKBIT | IMS_CTRL_PASID_ENABLE | \
				 IMS_CTRL_PASID_MASK)
#define GENCTRL_WMASK		0x3U		/* softerr_int_en, halt_int_en */
#define GENCFG_WMASK		0x1000U		/* user_int_en */
#define GENCFG_RDBUF_WMASK	0x00ffU		/* rdbuf_limit (GRPCAP.rdbuf_limit) */
#define GRPFLAGS_WMASK		0x3fU		/* tc_a, tc_b */
/* use_rdbuf_limit, rdbufs_reserved, rdbufs_allowed (GRPCAP.rdbuf_ctrl) */
#define GRPFLAGS_RDBUF_WMASK	0x0ff0ff80U
#define GRPFLAGS_HI_WMASK	0x33U		/* desc_ and batch_progress_limit */

static uint32_t bytemask_bits(unsigned int bytemask)
{
	uint32_t m = 0;
	unsigned int i;

	for (i = 0; i < 4; i++)
		if (bytemask & (1U << i))
			m |= 0xffU << (8 * i);
	return m;
}

static inline uint32_t merge(uint32_t old, uint32_t val, uint32_t wmask)
{
	return (old & ~wmask) | (val & wmask);
}

/* ---- fixed registers (0x00..0xff) --------------------------------------- */

static uint32_t regs_read(struct dsa_hw *hw, unsigned int off)
{
	switch (off) {
	case IDXD_VER_OFFSET:
		return hw->p.version;
	case IDXD_GENCAP_OFFSET: case IDXD_GENCAP_OFFSET + 4:
		return (uint32_t)(hw->gencap.bits >> (8 * (off & 4)));
	case IDXD_WQCAP_OFFSET: case IDXD_WQCAP_OFFSET + 4:
		return (uint32_t)(hw->wqcap.bits >> (8 * (off & 4)));
	case IDXD_GRPCAP_OFFSET: case IDXD_GRPCAP_OFFSET + 4:
		return (uint32_t)(hw->grpcap.bits >> (8 * (off & 4)));
	case IDXD_ENGCAP_OFFSET: case IDXD_ENGCAP_OFFSET + 4:
		return (uint32_t)(hw->engcap.bits >> (8 * (off & 4)));
	case IDXD_GENCFG_OFFSET:
		return hw->gencfg;
	case IDXD_GENCTRL_OFFSET:
		return atomic_load(&hw->genctrl);
	case IDXD_GENSTATS_OFFSET:
		return atomic_load(&hw->gensts);
	case IDXD_INTCAUSE_OFFSET:
		return atomic_load(&hw->intcause);
	case IDXD_CMD_OFFSET:
		return hw->cmd;
	case IDXD_CMDSTS_OFFSET:
		return atomic_load(&hw->cmdsts);
	case IDXD_CMDCAP_OFFSET:
		return hw->cmdcap;
	}
	if (off >= IDXD_OPCAP_OFFSET && off < IDXD_OPCAP_OFFSET + sizeof(struct opcap)) {
		unsigned int i = (off - IDXD_OPCAP_OFFSET) / 8;

		return (uint32_t)(hw->opcap.bits[i] >> (8 * (off & 4)));
	}
	if (off >= IDXD_TABLE_OFFSET && off < IDXD_TABLE_OFFSET + sizeof(union offsets_reg)) {
		unsigned int i = (off - IDXD_TABLE_OFFSET) / 8;

		return (uint32_t)(hw->offsets.bits[i] >> (8 * (off & 4)));
	}
	if (off >= IDXD_SWERR_OFFSET && off < IDXD_SWERR_OFFSET + sizeof(union sw_err_reg)) {
		unsigned int i = (off - IDXD_SWERR_OFFSET) / 8;
		uint32_t v;

		pthread_mutex_lock(&hw->err_lock);
		v = (uint32_t)(hw->swerr[i] >> (8 * (off & 4)));
		pthread_mutex_unlock(&hw->err_lock);
		return v;
	}
	return 0;
}

static void swerr_write(struct dsa_hw *hw, uint32_t val)
{
	pthread_mutex_lock(&hw->err_lock);
	hw->swerr[0] &= ~(uint64_t)(val & IDXD_SWERR_ACK);
	/* once valid is clear the record is free for the next error */
	if (!(hw->swerr[0] & IDXD_SWERR_VALID)) {
		hw->swerr[0] &= IDXD_SWERR_OVERFLOW;
		hw->swerr[1] = hw->swerr[2] = hw->swerr[3] = 0;
	}
	pthread_mutex_unlock(&hw->err_lock);
}

static void regs_write(struct dsa_hw *hw, unsigned int off, uint32_t val, unsigned int bytes)
{
	uint32_t m = bytemask_bits(bytes);

	switch (off) {
	case IDXD_GENCFG_OFFSET:
		if (!dsa_dev_enabled(hw))
			hw->gencfg = merge(hw->gencfg, val, m & (GENCFG_WMASK |
				(hw->grpcap.rdbuf_limit ? GENCFG_RDBUF_WMASK : 0)));
		break;
	case IDXD_GENCTRL_OFFSET:
		atomic_store(&hw->genctrl, merge(atomic_load(&hw->genctrl), val, GENCTRL_WMASK & m));
		break;
	case IDXD_INTCAUSE_OFFSET:
		atomic_fetch_and(&hw->intcause, ~(val & m));
		break;
	case IDXD_CMD_OFFSET:
		/* a command is issued by a full 32-bit write only */
		if (bytes == 0xf)
			dsa_cmd_write(hw, val);
		break;
	case IDXD_SWERR_OFFSET:
		swerr_write(hw, val & m);
		break;
	}
}

/* ---- GRPCFG ------------------------------------------------------------------ */

static uint32_t grpcfg_wmask(struct dsa_hw *hw, unsigned int dw)
{
	unsigned int first;

	if (dw < 8) {			/* WQ bitmap: bits of existing WQs */
		first = dw * 32;
		if (first >= hw->p.num_wqs)
			return 0;
		return hw->p.num_wqs - first >= 32 ? ~0U : (1U << (hw->p.num_wqs - first)) - 1;
	}
	if (dw == 8 || dw == 9) {	/* engine bitmap */
		first = (dw - 8) * 32;
		if (first >= hw->p.num_engines)
			return 0;
		return hw->p.num_engines - first >= 32 ? ~0U :
		       (1U << (hw->p.num_engines - first)) - 1;
	}
	if (dw == 10)
		return GRPFLAGS_WMASK | (hw->grpcap.rdbuf_ctrl ? GRPFLAGS_RDBUF_WMASK : 0);
	if (dw == 11 && hw->grpcap.progress_limit)
		return GRPFLAGS_HI_WMASK;
	return 0;
}

static void grpcfg_write(struct dsa_hw *hw, unsigned int rel, uint32_t val, uint32_t m)
{
	unsigned int grp = rel / GRPCFG_SIZE, dw = (rel % GRPCFG_SIZE) / 4;
	uint32_t *slot = &hw->grpcfg[grp * DSA_GRPCFG_DWORDS + dw];

	if (!hw->p.config_en || dsa_dev_enabled(hw))
		return;
	*slot = merge(*slot, val, grpcfg_wmask(hw, dw) & m);
}

/* ---- WQCFG ----------------------------------------------------------------- */

static uint32_t wqcfg_dword_wmask(struct dsa_hw *hw, unsigned int dw)
{
	if (dw < 8)
		return wqcfg_wmask[dw];
	if (!hw->wqcap.op_config)
		return 0;
	return (uint32_t)(hw->opcap.bits[(dw - 8) / 2] >> (32 * (dw % 2)));
}

static uint32_t wqcfg_read(struct dsa_hw *hw, unsigned int rel)
{
	unsigned int wqi = rel / hw->wqcfg_stride, dw = (rel % hw->wqcfg_stride) / 4;
	struct dsa_wq *wq = &hw->wqs[wqi];
	unsigned int st;

	if (dw != WQCFG_OCCUP_IDX)
		return hw->wqcfg[wqi * DSA_WQCFG_DWORDS + dw];
	/* occupancy and wq_state are computed, never stored */
	st = atomic_load(&wq->state);
	return (st != DSA_WQ_DISABLED ? dsa_wq_occupancy_reported(hw, wq) & WQCFG_OCCUP_MASK : 0) |
	       ((uint32_t)(st != DSA_WQ_DISABLED ? IDXD_WQCFG_STATE_ENABLED :
			   IDXD_WQCFG_STATE_DISABLED) << 30);
}

static void wqcfg_write(struct dsa_hw *hw, unsigned int rel, uint32_t val, uint32_t m)
{
	unsigned int wqi = rel / hw->wqcfg_stride, dw = (rel % hw->wqcfg_stride) / 4;
	uint32_t *slot = &hw->wqcfg[wqi * DSA_WQCFG_DWORDS + dw];

	if (!hw->p.config_en || atomic_load(&hw->wqs[wqi].state) != DSA_WQ_DISABLED)
		return;
	if (dw == 0 && dsa_dev_enabled(hw))
		return;		/* the WQ size partition changes only while disabled */
	*slot = merge(*slot, val, wqcfg_dword_wmask(hw, dw) & m);
}

/* ---- MSI-X and IMS message stores ---------------------------------------------- */

static uint32_t irq_entry_read(struct dsa_irq_entry *e, unsigned int dw, bool ims)
{
	switch (dw) {
	case 0: return atomic_load(&e->addr_lo);
	case 1: return atomic_load(&e->addr_hi);
	case 2: return atomic_load(&e->data);
	}
	/* MSI-X shows only the mask bit; its pending bit lives in the PBA */
	return atomic_load(&e->ctrl) & (ims ? ~0U : DSA_IRQ_MASKED);
}

/*
 * Update the writable bits of a control word, keeping the pending bit the
 * engines may set concurrently. Return: true when the entry became unmasked.
 */
static bool irq_ctrl_write(struct dsa_irq_entry *e, uint32_t val, uint32_t wmask)
{
	uint32_t old = atomic_load(&e->ctrl), new;

	do {
		new = merge(old, val, wmask);
	} while (!atomic_compare_exchange_weak(&e->ctrl, &old, new));
	return (old & DSA_IRQ_MASKED) && !(new & DSA_IRQ_MASKED);
}

static void irq_entry_write(struct dsa_irq_entry *e, unsigned int dw, uint32_t val,
			    uint32_t m, uint32_t ctrl_wmask, bool *unmasked)
{
	switch (dw) {
	case 0:
		atomic_store(&e->addr_lo, merge(atomic_load(&e->addr_lo), val, m & ~3U));
		break;
	case 1:
		atomic_store(&e->addr_hi, merge(atomic_load(&e->addr_hi), val, m));
		break;
	case 2:
		atomic_store(&e->data, merge(atomic_load(&e->data), val, m));
		break;
	default:
		*unmasked = irq_ctrl_write(e, val, ctrl_wmask & m);
	}
}

static uint32_t pba_read(struct dsa_hw *hw, unsigned int rel)
{
	unsigned int first = (rel / 4) * 32, i;
	uint32_t v = 0;

	for (i = 0; i < 32 && first + i < hw->p.msix_vectors; i++)
		if (atomic_load(&hw->msix[first + i].ctrl) & DSA_IRQ_PENDING)
			v |= 1U << i;
	return v;
}

/* ---- dispatch ------------------------------------------------------------------ */

static bool in_table(uint64_t off, uint32_t base, uint64_t size, unsigned int *rel)
{
	if (!size || off < base || off - base >= size)
		return false;
	*rel = (unsigned int)(off - base);
	return true;
}

static uint32_t bar0_read32(struct dsa_hw *hw, uint64_t off)
{
	const struct dsa_hw_params *p = &hw->p;
	unsigned int rel;

	if (off < DSA_REG_SPACE)
		return regs_read(hw, (unsigned int)off);
	if (in_table(off, hw->off_grpcfg, (uint64_t)p->num_groups * GRPCFG_SIZE, &rel))
		return hw->grpcfg[rel / 4];
	if (in_table(off, hw->off_wqcfg, (uint64_t)p->num_wqs * hw->wqcfg_stride, &rel))
		return wqcfg_read(hw, rel);
	if (in_table(off, hw->off_msix_perm, (uint64_t)p->msix_vectors * IDXD_MSIX_PERM_STRIDE, &rel))
		return rel % IDXD_MSIX_PERM_STRIDE ? 0 :
		       atomic_load(&hw->msix_perm[rel / IDXD_MSIX_PERM_STRIDE]);
	if (in_table(off, hw->off_msix, (uint64_t)p->msix_vectors * DSA_MSIX_ENTRY_SIZE, &rel))
		return irq_entry_read(&hw->msix[rel / DSA_MSIX_ENTRY_SIZE], (rel % 16) / 4, false);
	if (in_table(off, hw->off_pba, DIV_ROUND_UP(p->msix_vectors, 64) * 8ULL, &rel))
		return pba_read(hw, rel);
	if (in_table(off, hw->off_ims, (uint64_t)p->ims_entries * IDXD_IMS_ENTRY_SIZE, &rel))
		return irq_entry_read(&hw->ims[rel / IDXD_IMS_ENTRY_SIZE], (rel % 16) / 4, true);
	return 0;
}

static void bar0_write32(struct dsa_hw *hw, uint64_t off, uint32_t val, unsigned int bytes)
{
	const struct dsa_hw_params *p = &hw->p;
	uint32_t m = bytemask_bits(bytes);
	bool unmasked = false;
	unsigned int rel, idx;

	if (off < DSA_REG_SPACE) {
		regs_write(hw, (unsigned int)off, val, bytes);
	} else if (in_table(off, hw->off_grpcfg, (uint64_t)p->num_groups * GRPCFG_SIZE, &rel)) {
		grpcfg_write(hw, rel, val, m);
	} else if (in_table(off, hw->off_wqcfg, (uint64_t)p->num_wqs * hw->wqcfg_stride, &rel)) {
		wqcfg_write(hw, rel, val, m);
	} else if (in_table(off, hw->off_msix_perm,
			    (uint64_t)p->msix_vectors * IDXD_MSIX_PERM_STRIDE, &rel)) {
		if (rel % IDXD_MSIX_PERM_STRIDE == 0) {
			atomic_uint *perm = &hw->msix_perm[rel / IDXD_MSIX_PERM_STRIDE];

			atomic_store(perm, merge(atomic_load(perm), val, MSIX_PERM_WMASK & m));
		}
	} else if (in_table(off, hw->off_msix, (uint64_t)p->msix_vectors * DSA_MSIX_ENTRY_SIZE,
			    &rel)) {
		idx = rel / DSA_MSIX_ENTRY_SIZE;
		irq_entry_write(&hw->msix[idx], (rel % 16) / 4, val, m, DSA_IRQ_MASKED, &unmasked);
		if (unmasked)
			dsa_msix_unmasked(hw, idx);
	} else if (in_table(off, hw->off_ims, (uint64_t)p->ims_entries * IDXD_IMS_ENTRY_SIZE,
			    &rel)) {
		idx = rel / IDXD_IMS_ENTRY_SIZE;
		irq_entry_write(&hw->ims[idx], (rel % 16) / 4, val, m, IMS_CTRL_WMASK, &unmasked);
		if (unmasked)
			dsa_ims_unmasked(hw, idx);
	}
}

/**
 * dsa_bar0_read - a naturally aligned 1/2/4/8-byte read of BAR0.
 * The caller checked length, alignment and range. Return: 0.
 */
int dsa_bar0_read(struct dsa_hw *hw, uint64_t off, unsigned int len, uint64_t *val)
{
	uint64_t dw = off & ~3ULL;

	if (len == 8) {
		*val = bar0_read32(hw, off) | ((uint64_t)bar0_read32(hw, off + 4) << 32);
		return 0;
	}
	*val = (bar0_read32(hw, dw) >> (8 * (off & 3))) & (len == 4 ? ~0U : (1U << (8 * len)) - 1);
	return 0;
}

/**
 * dsa_bar0_write - a naturally aligned 1/2/4/8-byte write of BAR0; an
 * 8-byte write is two 32-bit writes, low dword first. Return: 0.
 */
int dsa_bar0_write(struct dsa_hw *hw, uint64_t off, unsigned int len, uint64_t val)
{
	unsigned int shift = 8 * (off & 3);

	if (len == 8) {
		bar0_write32(hw, off, (uint32_t)val, 0xf);
		bar0_write32(hw, off + 4, (uint32_t)(val >> 32), 0xf);
		return 0;
	}
	bar0_write32(hw, off & ~3ULL, (uint32_t)(val << shift),
		     ((1U << len) - 1) << (off & 3));
	return 0;
}

/**
 * dsa_wqcfg_op_config_reset - WQCFG op_config of WQ @w to its reset value:
 * every supported operation allowed (version 2; version 1 has no field).
 */
void dsa_wqcfg_op_config_reset(struct dsa_hw *hw, unsigned int w)
{
	if (hw->wqcap.op_config)
		memcpy(&hw->wqcfg[w * DSA_WQCFG_DWORDS + 8], hw->opcap.bits, sizeof(hw->opcap.bits));
}

/**
 * dsa_regs_reset - device reset of BAR0 state (RESET_DEVICE and FLR):
 * GENCFG, GENCTRL, INTCAUSE, CMD, CMDSTS, SWERR, GRPCFG, WQCFG and the
 * interrupt handles. The device must already be disabled.
 */
void dsa_regs_reset(struct dsa_hw *hw)
{
	unsigned int w;

	hw->gencfg = 0;
	atomic_store(&hw->genctrl, 0);
	atomic_store(&hw->gensts, IDXD_DEVICE_STATE_DISABLED);
	atomic_store(&hw->intcause, 0);
	hw->cmd = 0;
	atomic_store(&hw->cmdsts, 0);
	pthread_mutex_lock(&hw->err_lock);
	memset(hw->swerr, 0, sizeof(hw->swerr));
	pthread_mutex_unlock(&hw->err_lock);
	memset(hw->grpcfg, 0, (size_t)hw->p.num_groups * GRPCFG_SIZE);
	memset(hw->wqcfg, 0, (size_t)hw->p.num_wqs * DSA_WQCFG_DWORDS * 4);
	for (w = 0; w < hw->p.num_wqs; w++)
		dsa_wqcfg_op_config_reset(hw, w);
	dsa_handles_clear(hw);
}
