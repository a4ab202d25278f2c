// SPDX-License-Identifier: GPL-2.0-only
/*
 * The command unit (DSA spec 9.2.9-9.2.11: CMD, CMDSTS, CMDCAP).
 *
 * A 32-bit write to CMD runs the command to completion before the write
 * returns: CMDSTS.active is never observed set by a driver. Each command has
 * a small *_check() function that makes the whole error decision (the
 * architected CMDSTS error code, or success) before anything changes, and a
 * body that acts. With CMD.int_req set, completion also sets INTCAUSE.CMD
 * and raises MSI-X vector 0.
 *
 * Error codes the architecture leaves to the implementation are assigned
 * here as follows (ENABLE_DEVICE):
 *   IDXD_CMDSTS_ERR_WQ_SIZE_ERANGE  WQ sizes add up to more than WQCAP.total
 *   IDXD_CMDSTS_ERR_GRP_CONFIG      a WQ with a non-zero size is in no group
 *   IDXD_CMDSTS_ERR_GRP_CONFIG2     a WQ is in more than one group
 *   IDXD_CMDSTS_ERR_GRP_CONFIG3     a group has WQs but no engine
 *   IDXD_CMDSTS_ERR_GRP_CONFIG4     an engine is in more than one group
 *   IDXD_CMDSTS_ERR_CONFIG          read buffers reserved by the groups add up
 *                                   to more than GRPCAP.total_rdbufs, or a
 *                                   group may use more than there are
 * A halted device (GENSTS.state = Halt) takes RESET_DEVICE and
 * DISABLE_DEVICE only; other commands fail with IDXD_CMDSTS_HW_ERR.
 * All called with hw->lock held.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>

#include "hw/dsa/dsa_priv.h"
#include "lib/log.h"

#define CMD_STATUS(err, result)	((uint32_t)(err) | ((uint32_t)(result) << IDXD_CMDSTS_RES_SHIFT))

static const union wqcfg *wqcfg_of(struct dsa_hw *hw, unsigned int wq)
{
	return (const union wqcfg *)&hw->wqcfg[wq * DSA_WQCFG_DWORDS];
}

static bool grp_has_wq(struct dsa_hw *hw, unsigned int grp, unsigned int wq)
{
	return hw->grpcfg[grp * DSA_GRPCFG_DWORDS + wq / 32] & (1U << (wq % 32));
}

static uint64_t grp_engines(struct dsa_hw *hw, unsigned int grp)
{
	const uint32_t *g = &hw->grpcfg[grp * DSA_GRPCFG_DWORDS];

	return g[8] | ((uint64_t)g[9] << 32);
}

static bool wq_enabled(struct dsa_hw *hw, unsigned int wq)
{
	return atomic_load(&hw->wqs[wq].state) != DSA_WQ_DISABLED;
}

/* ---- ENABLE_DEVICE / DISABLE_DEVICE / RESET_DEVICE ---------------------- */

static uint8_t enable_device_check_groups(struct dsa_hw *hw)
{
	unsigned int g, w, groups;
	uint64_t seen_engines = 0;

	for (w = 0; w < hw->p.num_wqs; w++) {
		for (groups = 0, g = 0; g < hw->p.num_groups; g++)
			groups += grp_has_wq(hw, g, w);
		if (groups > 1)
			return IDXD_CMDSTS_ERR_GRP_CONFIG2;
		if (groups == 0 && wqcfg_of(hw, w)->wq_size)
			return IDXD_CMDSTS_ERR_GRP_CONFIG;
	}
	for (g = 0; g < hw->p.num_groups; g++) {
		uint64_t eng = grp_engines(hw, g);
		bool has_wq = false;

		for (w = 0; w < hw->p.num_wqs; w++)
			has_wq |= grp_has_wq(hw, g, w);
		if (has_wq && !eng)
			return IDXD_CMDSTS_ERR_GRP_CONFIG3;
		if (eng & seen_engines)
			return IDXD_CMDSTS_ERR_GRP_CONFIG4;
		seen_engines |= eng;
	}
	return IDXD_CMDSTS_SUCCESS;
}

static uint8_t enable_device_check_rdbufs(struct dsa_hw *hw)
{
	unsigned int g, reserved = 0;

	for (g = 0; g < hw->p.num_groups; g++) {
		union group_flags f;

		f.bits = hw->grpcfg[g * DSA_GRPCFG_DWORDS + 10] |
			 (uint64_t)hw->grpcfg[g * DSA_GRPCFG_DWORDS + 11] << 32;
		reserved += f.rdbufs_reserved;
		if (f.rdbufs_allowed > hw->grpcap.total_rdbufs)
			return IDXD_CMDSTS_ERR_CONFIG;
	}
	return reserved > hw->grpcap.total_rdbufs ? IDXD_CMDSTS_ERR_CONFIG : IDXD_CMDSTS_SUCCESS;
}

static uint8_t enable_device_check(struct dsa_hw *hw)
{
	unsigned int w, total = 0;
	uint8_t err;

	if (dsa_dev_enabled(hw))
		return IDXD_CMDSTS_ERR_DEV_ENABLED;
	if (!dsa_bus_master(hw))
		return IDXD_CMDSTS_ERR_BUSMASTER_EN;
	for (w = 0; w < hw->p.num_wqs; w++)
		total += wqcfg_of(hw, w)->wq_size;
	if (total > hw->p.total_wq_size)
		return IDXD_CMDSTS_ERR_WQ_SIZE_ERANGE;
	err = enable_device_check_groups(hw);
	return err ? err : enable_device_check_rdbufs(hw);
}

/* Bind WQs and engines to their groups for the engines' use. */
static int enable_device_bind(struct dsa_hw *hw)
{
	struct dsa_engine *list[64];
	unsigned int g, w, e;

	for (w = 0; w < hw->p.num_wqs; w++) {
		hw->wqs[w].group = NULL;
		hw->wqs[w].poller = NULL;
	}
	for (e = 0; e < hw->p.num_engines; e++)
		hw->engines[e].group = NULL;
	for (g = 0; g < hw->p.num_groups; g++) {
		struct dsa_group *grp = &hw->groups[g];

		free(grp->wqs);
		grp->wqs = calloc(hw->p.num_wqs, sizeof(*grp->wqs));
		if (!grp->wqs)
			return -ENOMEM;
		grp->nr_wqs = 0;
		grp->nr_engines = 0;
		for (w = 0; w < hw->p.num_wqs; w++) {
			if (!grp_has_wq(hw, g, w))
				continue;
			grp->wqs[grp->nr_wqs++] = &hw->wqs[w];
			hw->wqs[w].group = grp;
		}
		for (e = 0; e < hw->p.num_engines; e++) {
			if (!(grp_engines(hw, g) & (1ULL << e)) || !grp->nr_wqs)
				continue;
			hw->engines[e].group = grp;
			list[grp->nr_engines++] = &hw->engines[e];
		}
		/* WQ k of the group has its mmap portals polled by engine k mod n */
		for (w = 0; grp->nr_engines && w < grp->nr_wqs; w++)
			grp->wqs[w]->poller = list[w % grp->nr_engines];
	}
	return 0;
}

static uint32_t cmd_enable_device(struct dsa_hw *hw, uint32_t operand)
{
	uint8_t err = enable_device_check(hw);

	if (err)
		return CMD_STATUS(err, 0);
	if (enable_device_bind(hw) || dsa_wq_rings_alloc(hw))
		goto out_hw_err;
	atomic_store(&hw->gensts, IDXD_DEVICE_STATE_ENABLED);
	if (dsa_engines_start(hw)) {
		atomic_store(&hw->gensts, IDXD_DEVICE_STATE_DISABLED);
		goto out_hw_err;
	}
	return CMD_STATUS(IDXD_CMDSTS_SUCCESS, 0);

out_hw_err:
	dsa_wq_rings_free(hw);
	return CMD_STATUS(IDXD_CMDSTS_HW_ERR, 0);
}

/* Disable (drain, or with @abort discard) every WQ, then stop the engines. */
static void wq_disable(struct dsa_hw *hw, struct dsa_wq *wq, bool abort);

int dsa_device_disable_locked(struct dsa_hw *hw, bool abort)
{
	unsigned int w;

	for (w = 0; w < hw->p.num_wqs; w++)
		if (wq_enabled(hw, w))
			wq_disable(hw, &hw->wqs[w], abort);
	dsa_engines_stop(hw);
	dsa_wq_rings_free(hw);
	atomic_store(&hw->gensts, IDXD_DEVICE_STATE_DISABLED);
	return 0;
}

static uint32_t cmd_disable_device(struct dsa_hw *hw, uint32_t operand)
{
	if (dsa_dev_halted(hw)) {
		dsa_device_disable_locked(hw, true);
		return CMD_STATUS(IDXD_CMDSTS_SUCCESS, 0);
	}
	if (!dsa_dev_enabled(hw))
		return CMD_STATUS(IDXD_CMDSTS_ERR_DIS_DEV_EN, 0);
	dsa_device_disable_locked(hw, false);
	return CMD_STATUS(IDXD_CMDSTS_SUCCESS, 0);
}

static uint32_t cmd_reset_device(struct dsa_hw *hw, uint32_t operand)
{
	dsa_hw_reset_locked(hw, false);
	return CMD_STATUS(IDXD_CMDSTS_SUCCESS, 0);
}

/* ---- device-wide and per-PASID drain/abort ------------------------------ */

static void wq_abort(struct dsa_hw *hw, struct dsa_wq *wq, uint32_t pasid_plus1)
{
	if (pasid_plus1)
		atomic_store(&wq->abort_pasid, pasid_plus1);
	else
		atomic_store(&wq->abort, 1);
	dsa_wq_drain(hw, wq);
	atomic_store(&wq->abort, 0);
	atomic_store(&wq->abort_pasid, 0);
}

static uint32_t cmd_drain_all(struct dsa_hw *hw, uint32_t operand)
{
	unsigned int w;

	for (w = 0; w < hw->p.num_wqs; w++)
		if (wq_enabled(hw, w))
			dsa_wq_drain(hw, &hw->wqs[w]);
	return CMD_STATUS(IDXD_CMDSTS_SUCCESS, 0);
}

static uint32_t cmd_abort_all(struct dsa_hw *hw, uint32_t operand)
{
	unsigned int w;

	for (w = 0; w < hw->p.num_wqs; w++)
		if (wq_enabled(hw, w))
			wq_abort(hw, &hw->wqs[w], 0);
	return CMD_STATUS(IDXD_CMDSTS_SUCCESS, 0);
}

/* A WQ can hold descriptors of @pasid: a shared WQ, or a dedicated one bound to it. */
static bool wq_may_hold_pasid(struct dsa_wq *wq, uint32_t pasid)
{
	return !wq->dedicated || (wq->pasid_en && wq->pasid == pasid);
}

static uint32_t cmd_drain_pasid(struct dsa_hw *hw, uint32_t operand)
{
	uint32_t pasid = operand & IOMMU_PASID_MAX;
	unsigned int w;

	for (w = 0; w < hw->p.num_wqs; w++)
		if (wq_enabled(hw, w) && wq_may_hold_pasid(&hw->wqs[w], pasid))
			dsa_wq_drain(hw, &hw->wqs[w]);
	return CMD_STATUS(IDXD_CMDSTS_SUCCESS, 0);
}

static uint32_t cmd_abort_pasid(struct dsa_hw *hw, uint32_t operand)
{
	uint32_t pasid = operand & IOMMU_PASID_MAX;
	unsigned int w;

	for (w = 0; w < hw->p.num_wqs; w++) {
		struct dsa_wq *wq = &hw->wqs[w];

		if (!wq_enabled(hw, w) || !wq_may_hold_pasid(wq, pasid))
			continue;
		/* a dedicated WQ holds only that PASID: abort it whole */
		wq_abort(hw, wq, wq->dedicated ? 0 : pasid + 1);
	}
	return CMD_STATUS(IDXD_CMDSTS_SUCCESS, 0);
}

/* ---- ENABLE_WQ ------------------------------------------------------------ */

static uint8_t enable_wq_check(struct dsa_hw *hw, uint32_t wqi)
{
	const union wqcfg *c;
	union gen_cap_reg gc = hw->gencap;

	if (wqi >= hw->p.num_wqs)
		return IDXD_CMDSTS_INVAL_WQIDX;
	if (!dsa_dev_enabled(hw))
		return IDXD_CMDSTS_ERR_DEV_NOTEN;
	if (wq_enabled(hw, wqi))
		return IDXD_CMDSTS_ERR_WQ_ENABLED;
	c = wqcfg_of(hw, wqi);
	if (!c->wq_size)
		return IDXD_CMDSTS_ERR_WQ_SIZE;
	if (!c->priority)
		return IDXD_CMDSTS_ERR_WQ_PRIOR;
	if ((c->mode && !hw->wqcap.dedicated_mode) || (!c->mode && !hw->wqcap.shared_mode))
		return IDXD_CMDSTS_ERR_WQ_MODE;
	if (c->bof && !gc.block_on_fault)
		return IDXD_CMDSTS_ERR_BOF_EN;
	if (c->pasid_en && !(atomic_load(&hw->pasid_ctrl) & PCI_PASID_CTRL_ENABLE))
		return IDXD_CMDSTS_ERR_PASID_EN;
	if (!c->mode && !c->pasid_en)
		return IDXD_CMDSTS_ERR_PASID_EN;	/* a shared WQ needs PASIDs */
	if (c->max_batch_shift > gc.max_batch_shift)
		return IDXD_CMDSTS_ERR_MAX_BATCH_SIZE;
	if (c->max_xfer_shift > gc.max_xfer_shift)
		return IDXD_CMDSTS_ERR_MAX_XFER_SIZE;
	return IDXD_CMDSTS_SUCCESS;
}

static uint32_t cmd_enable_wq(struct dsa_hw *hw, uint32_t operand)
{
	uint8_t err = enable_wq_check(hw, operand);
	struct dsa_wq *wq;
	const union wqcfg *c;

	if (err)
		return CMD_STATUS(err, 0);
	wq = &hw->wqs[operand];
	c = wqcfg_of(hw, operand);
	wq->dedicated = c->mode;
	wq->priv = c->priv;
	wq->pasid_en = c->pasid_en;
	wq->pasid = c->pasid;
	wq->size = c->wq_size;
	wq->thresh = c->wq_thresh;
	wq->max_xfer = c->max_xfer_shift >= 31 ? 1U << 31 : 1U << c->max_xfer_shift;
	wq->max_batch = 1U << c->max_batch_shift;
	wq->bof = c->bof;
	/* engines of the group may read it for an earlier enable: relaxed atomic */
	__atomic_store_n(&wq->priority, c->priority, __ATOMIC_RELAXED);
	if (hw->wqcap.op_config)
		memcpy(wq->op_config, c->op_config, sizeof(wq->op_config));
	else
		memcpy(wq->op_config, hw->opcap.bits, sizeof(wq->op_config));
	dsa_wq_reset_ring(hw, wq);
	/* publishes the snapshot to engines and submitters */
	atomic_store_explicit(&wq->state, DSA_WQ_ENABLED, memory_order_release);
	/* a poller that slept long (nothing to poll) switches to short sleeps */
	if (wq->group)
		dsa_group_wake(wq->group);
	return CMD_STATUS(IDXD_CMDSTS_SUCCESS, 0);
}

/* ---- DISABLE/DRAIN/ABORT/RESET_WQ (operand: WQ mask | block << 16) --------- */

static uint8_t wq_mask_check(struct dsa_hw *hw, uint32_t operand)
{
	unsigned int first = ((operand >> 16) & 0xf) * 16;
	uint32_t mask = operand & 0xffff;

	if (!dsa_dev_enabled(hw))
		return IDXD_CMDSTS_ERR_DEV_NOT_EN;
	if (!mask || first >= hw->p.num_wqs ||
	    (hw->p.num_wqs - first < 16 && (mask >> (hw->p.num_wqs - first))))
		return IDXD_CMDSTS_INVAL_WQIDX;
	return IDXD_CMDSTS_SUCCESS;
}

static void wq_disable(struct dsa_hw *hw, struct dsa_wq *wq, bool abort)
{
	atomic_store(&wq->state, DSA_WQ_DISABLING);
	if (abort)
		wq_abort(hw, wq, 0);
	else
		dsa_wq_drain(hw, wq);
	atomic_store(&wq->state, DSA_WQ_DISABLED);
}

enum wq_mask_op { WQ_OP_DISABLE, WQ_OP_DRAIN, WQ_OP_ABORT, WQ_OP_RESET };

static void wq_reset_config(struct dsa_hw *hw, unsigned int w)
{
	uint32_t *c = &hw->wqcfg[w * DSA_WQCFG_DWORDS];

	/* everything but the size partition, which only a device reset clears */
	memset(c + 1, 0, (DSA_WQCFG_DWORDS - 1) * 4);
	dsa_wqcfg_op_config_reset(hw, w);
}

static uint32_t cmd_wq_mask(struct dsa_hw *hw, uint32_t operand, enum wq_mask_op op)
{
	uint8_t err = wq_mask_check(hw, operand);
	unsigned int first = ((operand >> 16) & 0xf) * 16, i;

	if (err)
		return CMD_STATUS(err, 0);
	for (i = 0; i < 16; i++) {
		unsigned int w = first + i;

		if (!(operand & (1U << i)))
			continue;
		switch (op) {
		case WQ_OP_DISABLE:
			if (wq_enabled(hw, w))
				wq_disable(hw, &hw->wqs[w], false);
			break;
		case WQ_OP_DRAIN:
			if (wq_enabled(hw, w))
				dsa_wq_drain(hw, &hw->wqs[w]);
			break;
		case WQ_OP_ABORT:
			if (wq_enabled(hw, w))
				wq_abort(hw, &hw->wqs[w], 0);
			break;
		case WQ_OP_RESET:
			if (wq_enabled(hw, w))
				wq_disable(hw, &hw->wqs[w], true);
			wq_reset_config(hw, w);
			break;
		}
	}
	return CMD_STATUS(IDXD_CMDSTS_SUCCESS, 0);
}

/* ---- REQUEST/RELEASE_INT_HANDLE ----------------------------------------------- */

static atomic_ullong *handle_table(struct dsa_hw *hw, uint32_t operand, unsigned int *limit)
{
	if (operand & CMD_INT_HANDLE_IMS) {
		*limit = hw->p.ims_entries;
		return hw->ims_handles;
	}
	*limit = hw->p.msix_vectors;
	return hw->msix_handles;
}

static uint8_t request_int_handle_check(struct dsa_hw *hw, uint32_t operand)
{
	unsigned int idx = operand & 0xffff, limit;
	atomic_ullong *tbl = handle_table(hw, operand, &limit);

	if (idx >= limit || (operand & ~(0xffffU | CMD_INT_HANDLE_IMS)))
		return IDXD_CMDSTS_ERR_INVAL_INT_IDX;
	/* handles are the identity of their entry: one per entry */
	if (dsa_handle_valid(tbl, idx))
		return IDXD_CMDSTS_ERR_NO_HANDLE;
	return IDXD_CMDSTS_SUCCESS;
}

static uint32_t cmd_request_int_handle(struct dsa_hw *hw, uint32_t operand)
{
	uint8_t err = request_int_handle_check(hw, operand);
	unsigned int idx = operand & 0xffff, limit;

	if (err)
		return CMD_STATUS(err, 0);
	dsa_handle_set(handle_table(hw, operand, &limit), idx, true);
	return CMD_STATUS(IDXD_CMDSTS_SUCCESS, idx);
}

static uint8_t release_int_handle_check(struct dsa_hw *hw, uint32_t operand)
{
	unsigned int idx = operand & 0xffff, limit;
	atomic_ullong *tbl = handle_table(hw, operand, &limit);

	if (idx >= limit || (operand & ~(0xffffU | CMD_INT_HANDLE_IMS)) ||
	    !dsa_handle_valid(tbl, idx))
		return IDXD_CMDSTS_ERR_INVAL_INT_IDX;
	return IDXD_CMDSTS_SUCCESS;
}

static uint32_t cmd_release_int_handle(struct dsa_hw *hw, uint32_t operand)
{
	uint8_t err = release_int_handle_check(hw, operand);
	unsigned int limit;

	if (err)
		return CMD_STATUS(err, 0);
	dsa_handle_set(handle_table(hw, operand, &limit), operand & 0xffff, false);
	return CMD_STATUS(IDXD_CMDSTS_SUCCESS, 0);
}

/* ---- dispatch ------------------------------------------------------------------ */

static uint32_t cmd_exec(struct dsa_hw *hw, unsigned int cmd, uint32_t operand)
{
	switch (cmd) {
	case IDXD_CMD_ENABLE_DEVICE:	return cmd_enable_device(hw, operand);
	case IDXD_CMD_DISABLE_DEVICE:	return cmd_disable_device(hw, operand);
	case IDXD_CMD_DRAIN_ALL:	return cmd_drain_all(hw, operand);
	case IDXD_CMD_ABORT_ALL:	return cmd_abort_all(hw, operand);
	case IDXD_CMD_RESET_DEVICE:	return cmd_reset_device(hw, operand);
	case IDXD_CMD_ENABLE_WQ:	return cmd_enable_wq(hw, operand);
	case IDXD_CMD_DISABLE_WQ:	return cmd_wq_mask(hw, operand, WQ_OP_DISABLE);
	case IDXD_CMD_DRAIN_WQ:		return cmd_wq_mask(hw, operand, WQ_OP_DRAIN);
	case IDXD_CMD_ABORT_WQ:		return cmd_wq_mask(hw, operand, WQ_OP_ABORT);
	case IDXD_CMD_RESET_WQ:		return cmd_wq_mask(hw, operand, WQ_OP_RESET);
	case IDXD_CMD_DRAIN_PASID:	return cmd_drain_pasid(hw, operand);
	case IDXD_CMD_ABORT_PASID:	return cmd_abort_pasid(hw, operand);
	case IDXD_CMD_REQUEST_INT_HANDLE: return cmd_request_int_handle(hw, operand);
	case IDXD_CMD_RELEASE_INT_HANDLE: return cmd_release_int_handle(hw, operand);
	}
	return CMD_STATUS(IDXD_CMDSTS_INVAL_CMD, 0);
}

/**
 * dsa_cmd_write - a driver's 32-bit write of CMD: execute and complete.
 * CMDSTS is active only while the command runs, under hw->lock, so no
 * reader sees it set.
 */
void dsa_cmd_write(struct dsa_hw *hw, uint32_t val)
{
	union idxd_command_reg c = { .bits = val };
	uint32_t sts;

	hw->cmd = val;
	atomic_store(&hw->cmdsts, IDXD_CMDSTS_ACTIVE);
	if (dsa_dev_halted(hw) && c.cmd != IDXD_CMD_RESET_DEVICE &&
	    c.cmd != IDXD_CMD_DISABLE_DEVICE)
		sts = CMD_STATUS(IDXD_CMDSTS_HW_ERR, 0);
	else
		sts = cmd_exec(hw, c.cmd, c.operand);
	atomic_store(&hw->cmdsts, sts);
	if (c.int_req) {
		atomic_fetch_or(&hw->intcause, IDXD_INTC_CMD);
		dsa_msix_fire(hw, 0);
	}
}
