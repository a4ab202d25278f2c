// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtual DSA: its configuration space and BARs, the emulated BAR0
 * registers, and the virtual device commands.
 *
 * BAR0 is a register file of bytes with a write mask and a write-1-to-clear
 * mask per byte (the same idea as the virtual configuration space), so that
 * accesses of 1, 2, 4 or 8 bytes need no per-register code; only CMD has a
 * side effect. The configuration is read-only (GENCAP.config_en = 0, seed
 * 000): the host configured the WQ; the client enables the device and the
 * WQ and asks for interrupt handles. Every command that touches the
 * hardware goes through the idxd interface (idxd/idxd.h); when the PF
 * refuses, the client sees the PF's CMDSTS error code.
 *
 * Command semantics mirror the PF model (src/hw/dsa/cmd.c), for a device
 * with one dedicated WQ whose PASID the client does not see.
 *
 * Source: DSA Architecture Specification rev 2.0 ch. 9 (registers, command
 * interface); the seeds' "virtual device commands emulation" design.
 */
#include <errno.h>
#include <string.h>

#include "lib/log.h"
#include "pci/pci.h"
#include "vfio/idxd/vdcm.h"

/* Commands the virtual device implements (CMDCAP bits). */
#define VDCM_CMDCAP		(GENMASK(IDXD_CMD_RELEASE_INT_HANDLE, IDXD_CMD_ENABLE_DEVICE))
#define VDCM_GENCFG_WMASK	0x000010ffU	/* rdbuf_limit, user_int_en */
#define VDCM_GENCTRL_WMASK	0x00000003U	/* softerr_int_en, halt_int_en */
#define VDCM_INTCAUSE_W1C	(IDXD_INTC_ERR | IDXD_INTC_CMD | IDXD_INTC_OCCUPY | \
				 IDXD_INTC_PERFMON_OVFL | IDXD_INTC_HALT_STATE | \
				 IDXD_INTC_EVL | IDXD_INTC_INT_HANDLE_REVOKED)
#define VDCM_MSIX_PERM_WMASK	0xfffff00cU	/* ignore, pasid_en, pasid */
#define CMD_STATUS(err, result)	((uint32_t)(err) | (uint32_t)(result) << IDXD_CMDSTS_RES_SHIFT)

/* ---- the register file ------------------------------------------------------ */

static void regs_put(uint8_t *a, unsigned int off, unsigned int len, uint64_t v)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		a[off + i] = (uint8_t)(v >> (8 * i));
}

static uint64_t reg_read(struct vdcm_idxd *vd, unsigned int off, unsigned int len)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < len; i++)
		v |= (uint64_t)vd->regs[off + i] << (8 * i);
	return v;
}

/* Lay out a register: value, writable bits, write-1-to-clear bits. */
static void reg_init(struct vdcm_idxd *vd, unsigned int off, unsigned int len,
		     uint64_t val, uint64_t wmask, uint64_t w1c)
{
	regs_put(vd->regs, off, len, val);
	regs_put(vd->regs_wmask, off, len, wmask);
	regs_put(vd->regs_w1c, off, len, w1c);
}

/* The device's own update of a register (no masks). */
static void reg_set(struct vdcm_idxd *vd, unsigned int off, unsigned int len, uint64_t val)
{
	regs_put(vd->regs, off, len, val);
}

static unsigned int vdcm_dev_state(struct vdcm_idxd *vd)
{
	return reg_read(vd, IDXD_GENSTATS_OFFSET, 4) & 0x3;
}

static void vdcm_set_dev_state(struct vdcm_idxd *vd, unsigned int state)
{
	union gensts_reg st = { .bits = 0 };

	st.state = state;
	reg_set(vd, IDXD_GENSTATS_OFFSET, 4, st.bits);
}

/* WQCFG as the client sees it: the host's, PASID hidden, our wq_state. */
static void vdcm_wqcfg_update(struct vdcm_idxd *vd)
{
	union wqcfg cfg = vd->host_wqcfg;
	unsigned int len = min(vd->wqcfg_stride, (unsigned int)sizeof(cfg));

	cfg.pasid = 0;
	cfg.pasid_en = 0;
	cfg.priv = 0;
	cfg.wq_state = vd->wq_enabled ? IDXD_WQCFG_STATE_ENABLED : IDXD_WQCFG_STATE_DISABLED;
	memcpy(vd->regs + VDCM_WQCFG_OFFSET, &cfg, len);
}

/* The capability registers: the PF's, narrowed to one WQ, group and engine. */
static void vdcm_regs_init_caps(struct vdcm_idxd *vd)
{
	union gen_cap_reg gencap = vd->caps.gen_cap;
	union wq_cap_reg wqcap = vd->caps.wq_cap;
	union group_cap_reg grpcap = vd->caps.group_cap;
	union engine_cap_reg engcap = vd->caps.engine_cap;
	unsigned int i;

	gencap.config_en = 0;		/* read-only configuration */
	gencap.max_ims_mult = 0;	/* the virtual device has no IMS */
	gencap.evl_support = 0;
	wqcap.num_wqs = 1;
	wqcap.total_wq_size = vd->host_wqcfg.wq_size;
	wqcap.shared_mode = 0;
	wqcap.dedicated_mode = 1;
	grpcap.num_groups = 1;
	engcap.num_engines = 1;

	reg_init(vd, IDXD_VER_OFFSET, 4, vd->caps.version, 0, 0);
	reg_init(vd, IDXD_GENCAP_OFFSET, 8, gencap.bits, 0, 0);
	reg_init(vd, IDXD_WQCAP_OFFSET, 8, wqcap.bits, 0, 0);
	reg_init(vd, IDXD_GRPCAP_OFFSET, 8, grpcap.bits, 0, 0);
	reg_init(vd, IDXD_ENGCAP_OFFSET, 8, engcap.bits, 0, 0);
	for (i = 0; i < 4; i++)
		reg_init(vd, IDXD_OPCAP_OFFSET + 8 * i, 8, vd->caps.opcap.bits[i], 0, 0);
	reg_init(vd, IDXD_CMDCAP_OFFSET, 4,
		 gencap.cmd_cap ? vd->caps.cmd_cap & VDCM_CMDCAP : 0, 0, 0);
}

/* Every register and table at its initial value. */
static void vdcm_regs_init(struct vdcm_idxd *vd)
{
	union offsets_reg offsets = { .bits = { 0, 0 } };
	unsigned int i;

	memset(vd->regs, 0, sizeof(vd->regs));
	memset(vd->regs_wmask, 0, sizeof(vd->regs_wmask));
	memset(vd->regs_w1c, 0, sizeof(vd->regs_w1c));
	vdcm_regs_init_caps(vd);

	offsets.grpcfg = VDCM_GRPCFG_OFFSET / IDXD_TABLE_MULT;
	offsets.wqcfg = VDCM_WQCFG_OFFSET / IDXD_TABLE_MULT;
	offsets.msix_perm = VDCM_MSIX_PERM_OFFSET / IDXD_TABLE_MULT;
	reg_init(vd, IDXD_TABLE_OFFSET, 8, offsets.bits[0], 0, 0);
	reg_init(vd, IDXD_TABLE_OFFSET + 8, 8, offsets.bits[1], 0, 0);
	reg_init(vd, IDXD_GENCFG_OFFSET, 4, 0, VDCM_GENCFG_WMASK, 0);
	reg_init(vd, IDXD_GENCTRL_OFFSET, 4, 0, VDCM_GENCTRL_WMASK, 0);
	reg_init(vd, IDXD_INTCAUSE_OFFSET, 4, 0, 0, VDCM_INTCAUSE_W1C);
	/* SWERR: valid and overflow are cleared by writing them back */
	reg_init(vd, IDXD_SWERR_OFFSET, 1, 0, 0, IDXD_SWERR_ACK);

	/* group 0 = WQ 0 + engine 0, with the host group's flags */
	reg_init(vd, VDCM_GRPCFG_OFFSET + GRPCFG_WQS_OFFSET, 8, 1, 0, 0);
	reg_init(vd, VDCM_GRPCFG_OFFSET + GRPCFG_ENGINES_OFFSET, 8, 1, 0, 0);
	reg_init(vd, VDCM_GRPCFG_OFFSET + GRPCFG_FLAGS_OFFSET, 8,
		 vd->host_grpcfg.flags.bits, 0, 0);
	vdcm_wqcfg_update(vd);
	for (i = 0; i < vd->nvec; i++)
		reg_init(vd, VDCM_MSIX_PERM_OFFSET + i * IDXD_MSIX_PERM_STRIDE, 4, 0,
			 VDCM_MSIX_PERM_WMASK, 0);
	vdcm_set_dev_state(vd, vd->lost ? IDXD_DEVICE_STATE_HALT : IDXD_DEVICE_STATE_DISABLED);
}

/* ---- composing the device --------------------------------------------------- */

/**
 * vdcm_compose - the virtual DSA's identity, BARs, capabilities and BAR0,
 * from the PF's capabilities and the host's configuration of the WQ.
 * Return: 0, or the vfio-pci-core builders' -errno.
 */
int vdcm_compose(struct vdcm_idxd *vd)
{
	struct vfio_pci_core_device *core = &vd->core;
	struct pci_dev *pf = vd->pf;
	int rc;

	vfio_pci_core_set_ids(core, DSA_PCI_VENDOR_ID, DSA_PCI_DEVICE_ID,
			      pf->subsystem_vendor, pf->subsystem_device, DSA_PCI_CLASS,
			      pf->revision);
	rc = vfio_pci_core_setup_bar(core, DSA_MMIO_BAR, vdcm_bar0_size(vd->nvec),
				     VFIO_PCI_BAR_64BIT, &vdcm_bar0_regops);
	if (!rc)
		rc = vfio_pci_core_setup_bar(core, DSA_WQ_BAR, VDCM_BAR2_SIZE, VFIO_PCI_BAR_64BIT,
					     vd->portal_mmap ? &vdcm_bar2_regops :
							       &vdcm_bar2_trapped_regops);
	/* page 0 (unlimited, MSI-X) maps the PF's IMS portal of the WQ */
	if (!rc && vd->portal_mmap)
		rc = vfio_pci_core_add_sparse_mmap(core, VFIO_PCI_BAR2_REGION_INDEX, 0,
						   DSA_PORTAL_SIZE);
	if (rc)
		return rc;
	rc = vfio_pci_core_add_pcie_cap(core, PCI_EXP_TYPE_RC_END);
	if (rc < 0)
		return rc;
	rc = vfio_pci_core_add_msix_cap(core, vd->nvec, DSA_MMIO_BAR,
					VDCM_MSIX_TABLE_OFFSET, DSA_MMIO_BAR,
					vdcm_pba_offset(vd->nvec));
	if (rc < 0)
		return rc;
	core->irq_ops = &vdcm_irq_ops;

	idxd_get_hw_caps(vd->idxd, &vd->caps);
	idxd_wq_get_wqcfg(vd->wq, &vd->host_wqcfg);
	idxd_wq_get_grpcfg(vd->wq, &vd->host_grpcfg);
	vd->wqcfg_stride = 32U << vd->caps.wq_cap.wqcfg_size;
	vdcm_regs_init(vd);
	return 0;
}

/* ---- virtual commands ------------------------------------------------------- */

/* The client's view of a PF command result. */
static uint32_t vdcm_pf_status(int rc, uint32_t pf_cmdsts)
{
	if (!rc)
		return CMD_STATUS(IDXD_CMDSTS_SUCCESS, 0);
	if (rc == -EIO)
		return pf_cmdsts & ~IDXD_CMDSTS_ACTIVE;
	return CMD_STATUS(IDXD_CMDSTS_HW_ERR, 0);
}

static bool vdcm_dev_enabled(struct vdcm_idxd *vd)
{
	return vdcm_dev_state(vd) == IDXD_DEVICE_STATE_ENABLED;
}

static void vdcm_set_wq_enabled(struct vdcm_idxd *vd, bool enabled)
{
	vd->wq_enabled = enabled;
	vdcm_wqcfg_update(vd);
}

static uint32_t vdcm_cmd_enable_device(struct vdcm_idxd *vd)
{
	unsigned int state = vdcm_dev_state(vd);

	if (state == IDXD_DEVICE_STATE_ENABLED)
		return IDXD_CMDSTS_ERR_DEV_ENABLED;
	if (state == IDXD_DEVICE_STATE_HALT)
		return IDXD_CMDSTS_HW_ERR;
	if (!vfio_pci_core_bus_master(&vd->core))
		return IDXD_CMDSTS_ERR_BUSMASTER_EN;
	vdcm_set_dev_state(vd, IDXD_DEVICE_STATE_ENABLED);
	return IDXD_CMDSTS_SUCCESS;
}

/* Disable the hardware WQ (drained) if it is on. */
static uint32_t vdcm_wq_off(struct vdcm_idxd *vd)
{
	uint32_t pf = 0;
	int rc = 0;

	if (idxd_wq_hw_enabled(vd->wq))
		rc = idxd_wq_disable(vd->wq, &pf);
	if (!rc)
		vdcm_set_wq_enabled(vd, false);
	return vdcm_pf_status(rc, pf);
}

static uint32_t vdcm_cmd_disable_device(struct vdcm_idxd *vd)
{
	uint32_t sts;

	if (!vdcm_dev_enabled(vd))
		return IDXD_CMDSTS_ERR_DIS_DEV_EN;
	sts = vdcm_wq_off(vd);
	if (sts)
		return sts;
	vdcm_set_dev_state(vd, IDXD_DEVICE_STATE_DISABLED);
	return IDXD_CMDSTS_SUCCESS;
}

/* DRAIN/ABORT of everything the client can have submitted: its one WQ. */
static uint32_t vdcm_wq_flush(struct vdcm_idxd *vd, bool abort)
{
	uint32_t pf = 0;
	int rc;

	if (!vd->wq_enabled)
		return IDXD_CMDSTS_SUCCESS;
	rc = abort ? idxd_wq_abort(vd->wq, &pf) : idxd_wq_drain(vd->wq, &pf);
	return vdcm_pf_status(rc, pf);
}

static uint32_t vdcm_cmd_enable_wq(struct vdcm_idxd *vd, uint32_t operand)
{
	uint32_t pf = 0;
	int rc;

	if (operand != 0)
		return IDXD_CMDSTS_INVAL_WQIDX;
	if (!vdcm_dev_enabled(vd))
		return IDXD_CMDSTS_ERR_DEV_NOTEN;
	if (vd->wq_enabled)
		return IDXD_CMDSTS_ERR_WQ_ENABLED;
	rc = idxd_wq_enable_pasid(vd->wq, vd->pasid, &pf);
	if (rc == -EBUSY)
		return IDXD_CMDSTS_ERR_WQ_ENABLED;
	if (rc)
		return vdcm_pf_status(rc, pf);
	vdcm_set_wq_enabled(vd, true);
	return IDXD_CMDSTS_SUCCESS;
}

/* DISABLE/DRAIN/ABORT/RESET_WQ: the operand must name exactly WQ 0. */
static uint32_t vdcm_cmd_wq_mask(struct vdcm_idxd *vd, unsigned int cmd, uint32_t operand)
{
	uint32_t pf = 0;
	int rc = 0;

	if (!vdcm_dev_enabled(vd))
		return IDXD_CMDSTS_ERR_DEV_NOT_EN;
	if (operand != idxd_wq_mask_operand(0))
		return IDXD_CMDSTS_INVAL_WQIDX;
	switch (cmd) {
	case IDXD_CMD_DISABLE_WQ:
		return vdcm_wq_off(vd);
	case IDXD_CMD_DRAIN_WQ:
		return vdcm_wq_flush(vd, false);
	case IDXD_CMD_ABORT_WQ:
		return vdcm_wq_flush(vd, true);
	default:	/* RESET_WQ: abort, disable; the host's WQCFG stays */
		if (vd->wq_enabled || idxd_wq_hw_enabled(vd->wq))
			rc = idxd_wq_reset(vd->wq, &pf);
		if (!rc)
			vdcm_set_wq_enabled(vd, false);
		return vdcm_pf_status(rc, pf);
	}
}

static uint32_t vdcm_cmd_request_int_handle(struct vdcm_idxd *vd, uint32_t operand)
{
	unsigned int v = operand & 0xffff;
	struct vdcm_vector *vec;
	uint32_t pf = 0;
	uint16_t handle;
	int rc;

	/* vector 0 is emulated, and the virtual device has no IMS */
	if ((operand & ~0xffffU) || v == 0 || v >= vd->nvec)
		return IDXD_CMDSTS_ERR_INVAL_INT_IDX;
	vec = &vd->vec[v];
	if (vec->has_handle)
		return IDXD_CMDSTS_ERR_NO_HANDLE;	/* one handle per entry */
	if (vdcm_vector_get_ims(vd, v))
		return IDXD_CMDSTS_ERR_NO_HANDLE;
	rc = idxd_request_int_handle(vd->idxd, (unsigned int)vec->ims_index, true, &handle, &pf);
	if (rc)
		return vdcm_pf_status(rc, pf);
	vec->has_handle = true;
	vec->handle = handle;
	return CMD_STATUS(IDXD_CMDSTS_SUCCESS, handle);
}

static uint32_t vdcm_cmd_release_int_handle(struct vdcm_idxd *vd, uint32_t operand)
{
	uint16_t handle = operand & 0xffff;
	uint32_t pf = 0;
	unsigned int v;
	int rc;

	if (operand & ~0xffffU)
		return IDXD_CMDSTS_ERR_INVAL_INT_IDX;
	for (v = 1; v < vd->nvec; v++)
		if (vd->vec[v].has_handle && vd->vec[v].handle == handle)
			break;
	if (v == vd->nvec)
		return IDXD_CMDSTS_ERR_INVAL_INT_IDX;
	rc = idxd_release_int_handle(vd->idxd, handle, true, &pf);
	if (rc)
		return vdcm_pf_status(rc, pf);
	vd->vec[v].has_handle = false;
	return IDXD_CMDSTS_SUCCESS;
}

static uint32_t vdcm_cmd_exec(struct vdcm_idxd *vd, unsigned int cmd, uint32_t operand)
{
	switch (cmd) {
	case IDXD_CMD_ENABLE_DEVICE:
		return vdcm_cmd_enable_device(vd);
	case IDXD_CMD_DISABLE_DEVICE:
		return vdcm_cmd_disable_device(vd);
	case IDXD_CMD_DRAIN_ALL:
	case IDXD_CMD_DRAIN_PASID:	/* the dedicated WQ holds only its PASID */
		return vdcm_wq_flush(vd, false);
	case IDXD_CMD_ABORT_ALL:
	case IDXD_CMD_ABORT_PASID:
		return vdcm_wq_flush(vd, true);
	case IDXD_CMD_RESET_DEVICE:
		vdcm_reset_device(vd);
		return IDXD_CMDSTS_SUCCESS;
	case IDXD_CMD_ENABLE_WQ:
		return vdcm_cmd_enable_wq(vd, operand);
	case IDXD_CMD_DISABLE_WQ:
	case IDXD_CMD_DRAIN_WQ:
	case IDXD_CMD_ABORT_WQ:
	case IDXD_CMD_RESET_WQ:
		return vdcm_cmd_wq_mask(vd, cmd, operand);
	case IDXD_CMD_REQUEST_INT_HANDLE:
		return vdcm_cmd_request_int_handle(vd, operand);
	case IDXD_CMD_RELEASE_INT_HANDLE:
		return vdcm_cmd_release_int_handle(vd, operand);
	default:
		return IDXD_CMDSTS_INVAL_CMD;
	}
}

/* Raise the emulated vector 0 for @cause if the client asked for it. */
static void vdcm_raise(struct vdcm_idxd *vd, uint32_t cause, bool want)
{
	reg_set(vd, IDXD_INTCAUSE_OFFSET, 4, reg_read(vd, IDXD_INTCAUSE_OFFSET, 4) | cause);
	if (want)
		vfio_pci_core_trigger(&vd->core, 0);
}

/* A write of the whole CMD register: run it to completion. */
static void vdcm_cmd(struct vdcm_idxd *vd, uint32_t val)
{
	union idxd_command_reg cmd = { .bits = val };
	uint32_t sts;

	reg_set(vd, IDXD_CMD_OFFSET, 4, val);
	if (vd->lost && cmd.cmd != IDXD_CMD_RESET_DEVICE)
		sts = IDXD_CMDSTS_HW_ERR;
	else
		sts = vdcm_cmd_exec(vd, cmd.cmd, cmd.operand);
	reg_set(vd, IDXD_CMD_OFFSET, 4, val);	/* a reset cleared it */
	reg_set(vd, IDXD_CMDSTS_OFFSET, 4, sts);
	dev_dbg(&vd->mdev->dev, "vdcm: command %u operand %#x -> CMDSTS %#x",
		cmd.cmd, cmd.operand, sts);
	if (cmd.int_req)
		vdcm_raise(vd, IDXD_INTC_CMD, true);
}

/**
 * vdcm_bar0_rw - the BAR0 region's trapped access: 1, 2, 4 or 8 bytes,
 * naturally aligned. Reads return the register file (zero past the
 * permission table); writes change writable bits, clear W1C bits written as
 * 1, and a write covering all of CMD runs the command.
 * Return: @count, or -EINVAL for another size or alignment.
 */
ssize_t vdcm_bar0_rw(struct vfio_pci_core_device *core, unsigned int index,
		     char *buf, size_t count, uint64_t off, bool iswrite)
{
	struct vdcm_idxd *vd = to_vdcm(core);
	bool is_cmd;
	uint32_t cmd = 0;
	unsigned int i, o;
	uint8_t v;

	if ((count != 1 && count != 2 && count != 4 && count != 8) || !IS_ALIGNED(off, count))
		return -EINVAL;
	if (off >= VDCM_REGS_SIZE) {
		if (!iswrite)
			memset(buf, 0, count);
		return (ssize_t)count;
	}
	if (!iswrite) {
		memcpy(buf, vd->regs + off, count);
		return (ssize_t)count;
	}
	is_cmd = off <= IDXD_CMD_OFFSET && off + count >= IDXD_CMD_OFFSET + 4;
	if (is_cmd)
		memcpy(&cmd, buf + (IDXD_CMD_OFFSET - off), 4);
	for (i = 0; i < count; i++) {
		o = (unsigned int)off + i;
		v = (uint8_t)buf[i];
		vd->regs[o] = (vd->regs[o] & ~vd->regs_wmask[o]) | (v & vd->regs_wmask[o]);
		vd->regs[o] &= ~(v & vd->regs_w1c[o]);
	}
	if (is_cmd)
		vdcm_cmd(vd, cmd);
	return (ssize_t)count;
}

/* ---- reset and errors --------------------------------------------------------- */

/**
 * vdcm_reset_device - see vdcm.h. The IMS entries stay allocated (and wired,
 * if the client wired them): they belong to the client's MSI-X setup.
 *
 * A software error of the WQ that the PF has logged but not yet reported
 * (its error interrupt is serviced on the event loop, after us) is taken
 * now, once the WQ reset has ended everything it held, and so lands in
 * the registers the reset is about to clear, as a reset clears SWERR on
 * the device. Reported later, it would appear after the reset: at the end
 * of a session, in the next client's SWERR, with the last client's
 * addresses, and raise the next client's vector 0.
 */
void vdcm_reset_device(struct vdcm_idxd *vd)
{
	if (!vd->lost && (vd->wq_enabled || idxd_wq_hw_enabled(vd->wq)) &&
	    idxd_wq_reset(vd->wq, NULL))
		dev_warn(&vd->mdev->dev, "vdcm: reset of %s failed", idxd_wq_name(vd->wq));
	idxd_wq_flush_errors(vd->wq);
	vdcm_vectors_release(vd, false);
	vd->wq_enabled = false;
	vdcm_regs_init(vd);
}

/**
 * vdcm_bus_master_off - see vdcm.h. As the PF does when its own Bus Master
 * goes off while enabled: the device halts (GENSTS halt, reset type "reset
 * device"), the WQ is disabled on the PF (what was queued drains first),
 * INTCAUSE.HALT_STATE with vector 0 if asked. RESET_DEVICE brings it back.
 */
void vdcm_bus_master_off(struct vdcm_idxd *vd)
{
	union genctrl_reg ctrl = { .bits = (uint32_t)reg_read(vd, IDXD_GENCTRL_OFFSET, 4) };

	if (vd->lost || !vdcm_dev_enabled(vd))
		return;
	if (vd->wq_enabled && idxd_wq_hw_enabled(vd->wq) && idxd_wq_disable(vd->wq, NULL))
		dev_warn(&vd->mdev->dev, "vdcm: disabling %s failed", idxd_wq_name(vd->wq));
	vdcm_set_wq_enabled(vd, false);
	vdcm_set_dev_state(vd, IDXD_DEVICE_STATE_HALT);
	dev_info(&vd->mdev->dev, "vdcm: bus mastering off while enabled: halted");
	vdcm_raise(vd, IDXD_INTC_HALT_STATE, ctrl.halt_int_en);
}

/**
 * vdcm_handles_revoked - see vdcm.h. The PF's handles behind every vector
 * are gone (the IMS entries themselves stay, restored by the PF driver):
 * the client learns it as DSA 1.1 specifies, INTCAUSE.int_handle_revoked
 * with vector 0, and asks again with REQUEST_INT_HANDLE; until then its
 * descriptors naming an old handle complete with "invalid handle".
 */
void vdcm_handles_revoked(void *arg)
{
	struct vdcm_idxd *vd = arg;
	unsigned int v;

	for (v = 1; v < vd->nvec; v++)
		vd->vec[v].has_handle = false;
	dev_info(&vd->mdev->dev, "vdcm: interrupt handles revoked by a reset of %s",
		 idxd_name(vd->idxd));
	vdcm_raise(vd, IDXD_INTC_INT_HANDLE_REVOKED, true);
}

/**
 * vdcm_wq_error - see vdcm.h. A software error naming our WQ is reported
 * in the virtual SWERR (WQ index 0, PASID hidden; overflow when one is
 * already pending) with INTCAUSE.ERR; the loss of the WQ (PF halted or the
 * host took it back) halts the virtual device with INTCAUSE.HALT_STATE.
 */
void vdcm_wq_error(void *arg, const union sw_err_reg *swerr)
{
	struct vdcm_idxd *vd = arg;
	union genctrl_reg ctrl = { .bits = (uint32_t)reg_read(vd, IDXD_GENCTRL_OFFSET, 4) };
	union sw_err_reg cur, sw;
	unsigned int i;

	if (!swerr) {
		dev_warn(&vd->mdev->dev, "vdcm: %s lost, device halted", idxd_wq_name(vd->wq));
		vd->lost = true;
		vdcm_set_wq_enabled(vd, false);
		vdcm_set_dev_state(vd, IDXD_DEVICE_STATE_HALT);
		vdcm_raise(vd, IDXD_INTC_HALT_STATE, ctrl.halt_int_en);
		return;
	}
	for (i = 0; i < 4; i++)
		cur.bits[i] = reg_read(vd, IDXD_SWERR_OFFSET + 8 * i, 8);
	if (cur.valid) {
		cur.overflow = 1;
		reg_set(vd, IDXD_SWERR_OFFSET, 8, cur.bits[0]);
	} else {
		sw = *swerr;
		sw.valid = 1;
		sw.overflow = 0;
		if (sw.wq_idx_valid)
			sw.wq_idx = 0;
		sw.pasid = 0;
		sw.priv = 0;
		for (i = 0; i < 4; i++)
			reg_set(vd, IDXD_SWERR_OFFSET + 8 * i, 8, sw.bits[i]);
	}
	vdcm_raise(vd, IDXD_INTC_ERR, ctrl.softerr_int_en);
}
