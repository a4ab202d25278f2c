// SPDX-License-Identifier: GPL-2.0-only
/*
 * Device control: the command interface (CMD/CMDSTS), GENCTRL, enabling and
 * disabling the device and its WQs, and writing GRPCFG/WQCFG from the
 * software configuration (or reading it back on a read-only configuration).
 * Source: DSA Architecture Specification rev 2.0 sections 5.1, 9.2; the
 * semantics of the kernel's drivers/dma/idxd/device.c.
 */
#include <errno.h>
#include <sched.h>
#include <string.h>
#include <time.h>

#include "idxd/idxd_priv.h"
#include "lib/log.h"

/* ---- small helpers ------------------------------------------------------ */

unsigned int idxd_ilog2(uint64_t v)
{
	return v ? 63 - (unsigned int)__builtin_clzll(v) : 0;
}

uint64_t idxd_roundup_pow_of_two(uint64_t v)
{
	if (v <= 1)
		return 1;
	if (v > (1ULL << 63))
		return 0;
	return 1ULL << (idxd_ilog2(v - 1) + 1);
}

unsigned int idxd_group_num_engines(const struct idxd_group *group)
{
	struct idxd_device *idxd = group->idxd;
	unsigned int i, n = 0;

	for (i = 0; i < idxd->max_engines; i++)
		n += idxd->engines[i]->group == group;
	return n;
}

unsigned int idxd_total_wq_size(const struct idxd_device *idxd)
{
	unsigned int i, n = 0;

	for (i = 0; i < idxd->max_wqs; i++)
		n += idxd->wqs[i]->conf.size;
	return n;
}

/* Read buffers not reserved by any group. */
unsigned int idxd_free_rdbufs(const struct idxd_device *idxd)
{
	unsigned int i, n = 0;

	for (i = 0; i < idxd->max_groups; i++)
		n += idxd->groups[i]->conf.rdbufs_reserved;
	return n > idxd->max_rdbufs ? 0 : idxd->max_rdbufs - n;
}

/* The power-on software configuration of a WQ and of a group. */
void idxd_wq_conf_init(struct idxd_wq *wq)
{
	struct idxd_device *idxd = wq->idxd;
	struct idxd_wq_conf *c = &wq->conf;

	memset(c, 0, sizeof(*c));
	c->type = IDXD_WQT_NONE;
	/* ENABLE_WQ refuses priority 0: start at the lowest valid one */
	c->priority = 1;
	c->max_xfer_bytes = WQ_DEFAULT_MAX_XFER < idxd->max_xfer_bytes ?
			    WQ_DEFAULT_MAX_XFER : idxd->max_xfer_bytes;
	c->max_batch_size = WQ_DEFAULT_MAX_BATCH < idxd->max_batch_size ?
			    WQ_DEFAULT_MAX_BATCH : idxd->max_batch_size;
	memcpy(c->op_config, idxd->hw.opcap.bits, sizeof(c->op_config));
}

void idxd_group_conf_init(struct idxd_group *group)
{
	memset(&group->conf, 0, sizeof(group->conf));
	/* Traffic classes A = B = 1 on version 1 and 2 devices, as Linux. */
	group->conf.tc_a = 1;
	group->conf.tc_b = 1;
}

/* Every WQ, group and engine back to its power-on software configuration. */
void idxd_device_clear_conf(struct idxd_device *idxd)
{
	unsigned int i;

	for (i = 0; i < idxd->max_wqs; i++)
		idxd_wq_conf_init(idxd->wqs[i]);
	for (i = 0; i < idxd->max_groups; i++)
		idxd_group_conf_init(idxd->groups[i]);
	for (i = 0; i < idxd->max_engines; i++)
		idxd->engines[i]->group = NULL;
}

/* ---- commands ------------------------------------------------------------- */

bool idxd_hw_is_halted(struct idxd_device *idxd)
{
	union gensts_reg gensts;

	gensts.bits = ioread32(idxd->reg_base, IDXD_GENSTATS_OFFSET);
	return gensts.state == IDXD_DEVICE_STATE_HALT;
}

static uint64_t elapsed_ms(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - start->tv_sec) * 1000 +
	       (now.tv_nsec - start->tv_nsec) / 1000000;
}

/*
 * Poll CMDSTS until the active bit clears. The model runs a command inside
 * the CMD write, so the first read normally finds it done; the bound only
 * keeps a wedged device from hanging the event loop.
 */
static int idxd_cmd_wait(struct idxd_device *idxd, uint32_t *sts)
{
	struct timespec start;
	uint32_t v;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		v = ioread32(idxd->reg_base, IDXD_CMDSTS_OFFSET);
		if (v == ~0U)
			return -ENODEV;		/* nobody answers the read */
		if (!(v & IDXD_CMDSTS_ACTIVE)) {
			*sts = v;
			return 0;
		}
		if (elapsed_ms(&start) > IDXD_CMD_TIMEOUT_MS)
			return -ETIMEDOUT;
		sched_yield();
	}
}

/**
 * idxd_cmd_exec - run one administrative command and wait for it.
 * @idxd: the PF; @cmd: IDXD_CMD_*; @operand: bits 19:0 of CMD.
 * @status: receives the raw CMDSTS (may be NULL).
 *
 * The one path every command takes: wait for a previous command, write CMD
 * (without int_req: completion is polled), poll CMDSTS.active, record the
 * outcome in cmd_status (0 on success, the raw CMDSTS on an error).
 * A halted device runs nothing and reports IDXD_CMDSTS_HW_ERR.
 *
 * Return: 0, -EIO (the device reported an error), -ENODEV (PF removed or
 * not answering), -ETIMEDOUT (CMDSTS stayed active).
 */
int idxd_cmd_exec(struct idxd_device *idxd, enum idxd_cmd cmd, uint32_t operand,
		  uint32_t *status)
{
	union idxd_command_reg reg = { .bits = 0 };
	uint32_t sts;
	int rc;

	if (idxd->removed)
		return -ENODEV;
	if (idxd_hw_is_halted(idxd)) {
		dev_warn(&idxd->conf_dev, "device is halted: command %u not sent", cmd);
		sts = IDXD_CMDSTS_HW_ERR;
		goto out;
	}
	rc = idxd_cmd_wait(idxd, &sts);
	if (rc)
		return rc;
	reg.cmd = cmd;
	reg.operand = operand;
	dev_dbg(&idxd->conf_dev, "command %u operand %#x", cmd, operand);
	iowrite32(reg.bits, idxd->reg_base, IDXD_CMD_OFFSET);
	rc = idxd_cmd_wait(idxd, &sts);
	if (rc) {
		dev_err(&idxd->conf_dev, "command %u did not complete: %d", cmd, rc);
		return rc;
	}
out:
	if (status)
		*status = sts;
	idxd->cmd_status = (sts & IDXD_CMDSTS_ERR_MASK) ? sts : 0;
	if (sts & IDXD_CMDSTS_ERR_MASK) {
		dev_dbg(&idxd->conf_dev, "command %u failed: CMDSTS %#x", cmd, sts);
		return -EIO;
	}
	return 0;
}

void idxd_unmask_error_interrupts(struct idxd_device *idxd)
{
	union genctrl_reg genctrl;

	genctrl.bits = ioread32(idxd->reg_base, IDXD_GENCTRL_OFFSET);
	genctrl.softerr_int_en = 1;
	genctrl.halt_int_en = 1;
	iowrite32(genctrl.bits, idxd->reg_base, IDXD_GENCTRL_OFFSET);
}

void idxd_mask_error_interrupts(struct idxd_device *idxd)
{
	union genctrl_reg genctrl;

	genctrl.bits = ioread32(idxd->reg_base, IDXD_GENCTRL_OFFSET);
	genctrl.softerr_int_en = 0;
	genctrl.halt_int_en = 0;
	iowrite32(genctrl.bits, idxd->reg_base, IDXD_GENCTRL_OFFSET);
}

/*
 * idxd_device_reset - RESET_DEVICE: the device returns to its disabled
 * power-on state (GENCTRL included, so the error interrupts are unmasked
 * again). Return: 0, -ENXIO (halted), or the command's error.
 */
int idxd_device_reset(struct idxd_device *idxd)
{
	int rc;

	if (idxd_hw_is_halted(idxd)) {
		dev_warn(&idxd->conf_dev, "device is halted");
		return -ENXIO;
	}
	rc = idxd_cmd_exec(idxd, IDXD_CMD_RESET_DEVICE, 0, NULL);
	if (rc)
		return rc;
	idxd_unmask_error_interrupts(idxd);
	return 0;
}

/* ---- WQ commands --------------------------------------------------------- */

/*
 * idxd_wq_hw_cmd - a WQ command on @wq: ENABLE_WQ takes the WQ index,
 * DISABLE/DRAIN/ABORT/RESET_WQ the mask operand.
 */
int idxd_wq_hw_cmd(struct idxd_wq *wq, enum idxd_cmd cmd, uint32_t *status)
{
	uint32_t operand = cmd == IDXD_CMD_ENABLE_WQ ? wq->id : idxd_wq_mask_operand(wq->id);

	return idxd_cmd_exec(wq->idxd, cmd, operand, status);
}

/* Whether the hardware WQ is enabled: WQCFG.wq_state. */
bool idxd_wq_hw_state_enabled(struct idxd_wq *wq)
{
	struct idxd_device *idxd = wq->idxd;
	union wqcfg cfg;

	if (idxd->removed)
		return false;
	cfg.bits[WQCFG_OCCUP_IDX] = ioread32(idxd->reg_base,
					     idxd_wqcfg_offset(idxd, wq->id, WQCFG_OCCUP_IDX));
	return cfg.bits[WQCFG_OCCUP_IDX] != ~0U && cfg.wq_state == IDXD_WQCFG_STATE_ENABLED;
}

/* ---- writing the configuration ---------------------------------------------- */

/*
 * PASID and privilege of a WQ at enable: a shared WQ takes the PASID from
 * each ENQCMD descriptor (pasid_en with PASID 0); a dedicated WQ runs without
 * PASID until someone programs one (an mdev's, by idxd_wq_enable_pasid()).
 * Only kernel WQs are privileged.
 */
static void idxd_wq_pasid_setup(struct idxd_wq *wq, union wqcfg *cfg)
{
	cfg->pasid = 0;
	cfg->pasid_en = !idxd_wq_dedicated(wq) && wq->idxd->pasid_enabled;
	cfg->priv = wq->conf.type == IDXD_WQT_KERNEL;
}

/* The dwords of WQCFG this driver writes: 0-3, and op_config when present. */
static bool idxd_wqcfg_dword_written(const struct idxd_device *idxd, unsigned int i)
{
	if (i <= 3)
		return true;
	return i >= 8 && idxd->wqcfg_size >= 64 && idxd->hw.wq_cap.op_config;
}

/**
 * idxd_wq_config_write - program WQCFG of @wq from its software
 * configuration (read-modify-write: fields this driver does not own keep
 * what the device holds). The hardware accepts it only while the WQ is
 * disabled, and the size only while the device is disabled.
 * Return: 0, or -EOPNOTSUPP (device not configurable).
 */
int idxd_wq_config_write(struct idxd_wq *wq)
{
	struct idxd_device *idxd = wq->idxd;
	const struct idxd_wq_conf *c = &wq->conf;
	unsigned int i, n = idxd->wqcfg_size / 4;
	union wqcfg cfg;

	if (!idxd->configurable)
		return -EOPNOTSUPP;
	memset(&cfg, 0, sizeof(cfg));
	for (i = 0; i < n && i < ARRAY_SIZE(cfg.bits); i++)
		cfg.bits[i] = ioread32(idxd->reg_base, idxd_wqcfg_offset(idxd, wq->id, i));
	cfg.wq_size = c->size;
	cfg.wq_thresh = c->threshold;
	cfg.mode = c->dedicated;
	cfg.bof = idxd->hw.gen_cap.block_on_fault && c->bof;
	cfg.wq_ats_disable = idxd->hw.wq_cap.wq_ats_support && c->ats_disable;
	cfg.wq_prs_disable = idxd->hw.wq_cap.wq_prs_support && c->prs_disable;
	cfg.priority = c->priority;
	idxd_wq_pasid_setup(wq, &cfg);
	cfg.max_xfer_shift = idxd_ilog2(c->max_xfer_bytes);
	cfg.max_batch_shift = idxd_ilog2(c->max_batch_size);
	if (idxd_wqcfg_dword_written(idxd, 8))
		memcpy(cfg.op_config, c->op_config, sizeof(cfg.op_config));
	for (i = 0; i < n && i < ARRAY_SIZE(cfg.bits); i++)
		if (idxd_wqcfg_dword_written(idxd, i))
			iowrite32(cfg.bits[i], idxd->reg_base, idxd_wqcfg_offset(idxd, wq->id, i));
	wq->wqcfg = cfg;
	return 0;
}

/* GRPCFG.flags of @group from its configuration. */
static uint64_t idxd_group_flags(struct idxd_group *group)
{
	struct idxd_device *idxd = group->idxd;
	const struct idxd_group_conf *c = &group->conf;
	union group_flags f = { .bits = 0 };

	f.tc_a = c->tc_a < 0 ? 0 : c->tc_a;
	f.tc_b = c->tc_b < 0 ? 1 : c->tc_b;
	f.use_rdbuf_limit = c->use_rdbuf_limit;
	f.rdbufs_reserved = c->rdbufs_reserved;
	f.rdbufs_allowed = c->rdbufs_allowed ? c->rdbufs_allowed : idxd->max_rdbufs;
	f.desc_progress_limit = c->desc_progress_limit;
	f.batch_progress_limit = c->batch_progress_limit;
	return f.bits;
}

static void idxd_group_config_write(struct idxd_group *group)
{
	struct idxd_device *idxd = group->idxd;
	uint64_t base = idxd_grpcfg_offset(idxd, group->id);
	unsigned int i;

	for (i = 0; i < GRPWQCFG_STRIDES; i++)
		iowrite64(group->grpcfg.wqs[i], idxd->reg_base, base + GRPCFG_WQS_OFFSET + i * 8);
	iowrite64(group->grpcfg.engines, idxd->reg_base, base + GRPCFG_ENGINES_OFFSET);
	iowrite64(group->grpcfg.flags.bits, idxd->reg_base, base + GRPCFG_FLAGS_OFFSET);
}

/*
 * Build every group's GRPCFG from the WQ and engine assignments and check
 * what the driver itself must refuse. Sets cmd_status on a refusal.
 */
static int idxd_groups_setup(struct idxd_device *idxd)
{
	unsigned int i, configured = 0;
	struct idxd_group *group;
	struct idxd_wq *wq;

	for (i = 0; i < idxd->max_groups; i++) {
		group = idxd->groups[i];
		memset(&group->grpcfg, 0, sizeof(group->grpcfg));
		group->grpcfg.flags.bits = idxd_group_flags(group);
	}
	for (i = 0; i < idxd->max_engines; i++)
		if (idxd->engines[i]->group)
			idxd->engines[i]->group->grpcfg.engines |= 1ULL << i;
	for (i = 0; i < idxd->max_wqs; i++) {
		wq = idxd->wqs[i];
		if (!wq->conf.group)
			continue;
		if ((!idxd_wq_dedicated(wq) && !idxd->hw.wq_cap.shared_mode) ||
		    (idxd_wq_dedicated(wq) && !idxd->hw.wq_cap.dedicated_mode)) {
			idxd->cmd_status = IDXD_SCMD_WQ_NO_SWQ_SUPPORT;
			dev_warn(&idxd->conf_dev, "%s: mode not supported by the device",
				 dev_name(&wq->conf_dev));
			return -EINVAL;
		}
		wq->conf.group->grpcfg.wqs[i / 64] |= 1ULL << (i % 64);
		configured++;
	}
	if (!configured) {
		idxd->cmd_status = IDXD_SCMD_WQ_NONE_CONFIGURED;
		return -EINVAL;
	}
	return 0;
}

/* Write GENCFG, every grouped WQ's WQCFG and every GRPCFG. */
static int idxd_device_config(struct idxd_device *idxd)
{
	union gencfg_reg gencfg;
	unsigned int i;
	int rc;

	rc = idxd_groups_setup(idxd);
	if (rc)
		return rc;
	if (idxd->hw.group_cap.rdbuf_limit && idxd->rdbuf_limit) {
		gencfg.bits = ioread32(idxd->reg_base, IDXD_GENCFG_OFFSET);
		gencfg.rdbuf_limit = idxd->rdbuf_limit;
		iowrite32(gencfg.bits, idxd->reg_base, IDXD_GENCFG_OFFSET);
	}
	for (i = 0; i < idxd->max_wqs; i++) {
		if (!idxd->wqs[i]->conf.group)
			continue;
		rc = idxd_wq_config_write(idxd->wqs[i]);
		if (rc)
			return rc;
	}
	for (i = 0; i < idxd->max_groups; i++)
		idxd_group_config_write(idxd->groups[i]);
	return 0;
}

/* ---- reading a read-only configuration back ------------------------------ */

static void idxd_group_load_config(struct idxd_group *group)
{
	struct idxd_device *idxd = group->idxd;
	uint64_t base = idxd_grpcfg_offset(idxd, group->id);
	struct idxd_group_conf *c = &group->conf;
	unsigned int i;

	for (i = 0; i < GRPWQCFG_STRIDES; i++)
		group->grpcfg.wqs[i] = ioread64(idxd->reg_base, base + GRPCFG_WQS_OFFSET + i * 8);
	group->grpcfg.engines = ioread64(idxd->reg_base, base + GRPCFG_ENGINES_OFFSET);
	group->grpcfg.flags.bits = ioread64(idxd->reg_base, base + GRPCFG_FLAGS_OFFSET);
	for (i = 0; i < idxd->max_wqs; i++)
		if (group->grpcfg.wqs[i / 64] & (1ULL << (i % 64)))
			idxd->wqs[i]->conf.group = group;
	for (i = 0; i < idxd->max_engines && i < 64; i++)
		if (group->grpcfg.engines & (1ULL << i))
			idxd->engines[i]->group = group;
	c->tc_a = group->grpcfg.flags.tc_a;
	c->tc_b = group->grpcfg.flags.tc_b;
	c->use_rdbuf_limit = group->grpcfg.flags.use_rdbuf_limit;
	c->rdbufs_reserved = group->grpcfg.flags.rdbufs_reserved;
	c->rdbufs_allowed = group->grpcfg.flags.rdbufs_allowed;
	c->desc_progress_limit = group->grpcfg.flags.desc_progress_limit;
	c->batch_progress_limit = group->grpcfg.flags.batch_progress_limit;
}

static void idxd_wq_load_config(struct idxd_wq *wq)
{
	struct idxd_device *idxd = wq->idxd;
	struct idxd_wq_conf *c = &wq->conf;
	unsigned int i, n = idxd->wqcfg_size / 4;

	memset(&wq->wqcfg, 0, sizeof(wq->wqcfg));
	for (i = 0; i < n && i < ARRAY_SIZE(wq->wqcfg.bits); i++)
		wq->wqcfg.bits[i] = ioread32(idxd->reg_base, idxd_wqcfg_offset(idxd, wq->id, i));
	c->size = wq->wqcfg.wq_size;
	c->threshold = wq->wqcfg.wq_thresh;
	c->dedicated = wq->wqcfg.mode;
	c->bof = wq->wqcfg.bof;
	c->ats_disable = wq->wqcfg.wq_ats_disable;
	c->prs_disable = wq->wqcfg.wq_prs_disable;
	c->priority = wq->wqcfg.priority;
	c->max_xfer_bytes = 1ULL << wq->wqcfg.max_xfer_shift;
	c->max_batch_size = 1U << wq->wqcfg.max_batch_shift;
}

/**
 * idxd_device_load_config - a device whose configuration is read-only
 * (GENCAP.config_en = 0) comes configured: take its GENCFG, GRPCFG and
 * WQCFG into the software configuration so the attributes show it.
 * Return: 0.
 */
int idxd_device_load_config(struct idxd_device *idxd)
{
	union gencfg_reg gencfg;
	unsigned int i;

	gencfg.bits = ioread32(idxd->reg_base, IDXD_GENCFG_OFFSET);
	idxd->rdbuf_limit = gencfg.rdbuf_limit;
	for (i = 0; i < idxd->max_groups; i++)
		idxd_group_load_config(idxd->groups[i]);
	for (i = 0; i < idxd->max_wqs; i++)
		idxd_wq_load_config(idxd->wqs[i]);
	return 0;
}

/* ---- the device ------------------------------------------------------------- */

/**
 * idxd_device_enable - what binding dsa<N> to the "idxd" driver does:
 * write the configuration (when configurable) and run ENABLE_DEVICE.
 * cmd_status tells why it failed: IDXD_SCMD_* for the driver's refusals,
 * the raw CMDSTS for the device's.
 * Return: 0, -EBUSY (not disabled), -EINVAL (configuration refused),
 * -EIO (ENABLE_DEVICE failed), -ENODEV, -ETIMEDOUT.
 */
int idxd_device_enable(struct idxd_device *idxd)
{
	union gensts_reg gensts;
	int rc;

	gensts.bits = ioread32(idxd->reg_base, IDXD_GENSTATS_OFFSET);
	if (idxd->state != IDXD_DEV_DISABLED ||
	    gensts.state != IDXD_DEVICE_STATE_DISABLED) {
		/* enabled or halted behind the driver's back: not ours to touch */
		idxd->cmd_status = IDXD_SCMD_DEV_ENABLED;
		return -EBUSY;
	}
	if (idxd->configurable) {
		rc = idxd_device_config(idxd);
		if (rc)
			return rc;
	}
	rc = idxd_cmd_exec(idxd, IDXD_CMD_ENABLE_DEVICE, 0, NULL);
	if (rc) {
		dev_warn(&idxd->conf_dev, "enable failed: CMDSTS %#x", idxd->cmd_status);
		return rc;
	}
	idxd->state = IDXD_DEV_ENABLED;
	idxd->cmd_status = 0;
	dev_info(&idxd->conf_dev, "enabled");
	return 0;
}

/**
 * idxd_device_disable - unbinding dsa<N>: disable every WQ still enabled
 * (unbinding it from its driver), then DISABLE_DEVICE and, on a
 * configurable device, RESET_DEVICE so the registers return to their reset
 * values and, as Linux does (idxd_device_clear_state), the software
 * configuration of its WQs, groups and engines returns to the power-on
 * one: `accel-config disable-device; accel-config load-config` starts clean.
 */
void idxd_device_disable(struct idxd_device *idxd)
{
	unsigned int i;

	for (i = 0; i < idxd->max_wqs; i++) {
		struct device *wq_dev = &idxd->wqs[i]->conf_dev;

		if (!wq_dev->driver)
			continue;
		dev_warn(&idxd->conf_dev, "%s still enabled: disabling it", dev_name(wq_dev));
		device_release_driver(wq_dev);
	}
	/* An mdev WQ left enabled without a driver cannot exist; be sure. */
	idxd_mdev_aux_del(idxd);
	if (idxd->state == IDXD_DEV_ENABLED &&
	    idxd_cmd_exec(idxd, IDXD_CMD_DISABLE_DEVICE, 0, NULL))
		dev_warn(&idxd->conf_dev, "disable failed: CMDSTS %#x", idxd->cmd_status);
	if (idxd->configurable && !idxd->removed) {
		idxd_device_reset(idxd);
		idxd_device_clear_conf(idxd);
	}
	idxd->state = IDXD_DEV_DISABLED;
	dev_info(&idxd->conf_dev, "disabled");
}

/* ---- WQs ------------------------------------------------------------------------ */

/* The driver's checks before a WQ of @type may be enabled (cmd_status set). */
static int idxd_wq_enable_check(struct idxd_wq *wq, enum idxd_wq_type type)
{
	struct idxd_device *idxd = wq->idxd;
	const struct idxd_wq_conf *c = &wq->conf;

	if (idxd->state != IDXD_DEV_ENABLED) {
		idxd->cmd_status = IDXD_SCMD_DEV_NOT_ENABLED;
		return -ENXIO;
	}
	if (wq->state != IDXD_WQ_DISABLED || wq->owned) {
		idxd->cmd_status = IDXD_SCMD_WQ_ENABLED;
		return -EBUSY;
	}
	if (c->type != type ||
	    (c->driver_name[0] && strcmp(c->driver_name, idxd_wq_type_driver(type)->name))) {
		idxd->cmd_status = IDXD_SCMD_WQ_NO_DRV_NAME;
		return -EINVAL;
	}
	if (!c->group) {
		idxd->cmd_status = IDXD_SCMD_WQ_NO_GRP;
		return -EINVAL;
	}
	if (!c->name[0]) {
		idxd->cmd_status = IDXD_SCMD_WQ_NO_NAME;
		return -EINVAL;
	}
	if (!c->size) {
		idxd->cmd_status = IDXD_SCMD_WQ_NO_SIZE;
		return -EINVAL;
	}
	if (!idxd_wq_dedicated(wq)) {
		/* an mdev is one dedicated WQ (idxd-1dwq-v1) */
		if (type == IDXD_WQT_MDEV || !idxd->hw.wq_cap.shared_mode) {
			idxd->cmd_status = IDXD_SCMD_WQ_NO_SWQ_SUPPORT;
			return -EINVAL;
		}
		if (!idxd->pasid_enabled) {
			idxd->cmd_status = IDXD_SCMD_WQ_NO_SVM;
			return -EINVAL;
		}
		if (!c->threshold) {
			idxd->cmd_status = IDXD_SCMD_WQ_NO_THRESH;
			return -EINVAL;
		}
	}
	return 0;
}

/**
 * idxd_drv_enable_wq - what binding a WQ to the driver of @type does:
 * check, write its WQCFG and, except for an mdev WQ, run ENABLE_WQ. An mdev
 * WQ stays disabled in hardware until its mediated device programs a PASID
 * (idxd_wq_enable_pasid()); it counts as enabled for the host.
 * Return: 0, or -errno with cmd_status set (see idxd_wq_enable_check()),
 * -EIO with the raw CMDSTS when ENABLE_WQ failed.
 */
int idxd_drv_enable_wq(struct idxd_wq *wq, enum idxd_wq_type type)
{
	struct idxd_device *idxd = wq->idxd;
	int rc;

	rc = idxd_wq_enable_check(wq, type);
	if (rc)
		return rc;
	if (idxd->configurable)
		idxd_wq_config_write(wq);
	if (type != IDXD_WQT_MDEV) {
		rc = idxd_wq_hw_cmd(wq, IDXD_CMD_ENABLE_WQ, NULL);
		if (rc) {
			dev_warn(&wq->conf_dev, "enable failed: CMDSTS %#x", idxd->cmd_status);
			return rc;
		}
	}
	wq->state = IDXD_WQ_ENABLED;
	idxd->cmd_status = 0;
	dev_dbg(&wq->conf_dev, "enabled as %s", idxd_wq_type_name(type));
	return 0;
}

/*
 * idxd_drv_disable_wq - unbinding a WQ: DISABLE_WQ (which lets the
 * descriptors in flight finish) if the hardware WQ is enabled.
 */
void idxd_drv_disable_wq(struct idxd_wq *wq)
{
	if (idxd_wq_hw_state_enabled(wq) && idxd_wq_hw_cmd(wq, IDXD_CMD_DISABLE_WQ, NULL))
		dev_warn(&wq->conf_dev, "disable failed: CMDSTS %#x", wq->idxd->cmd_status);
	wq->state = IDXD_WQ_DISABLED;
	dev_dbg(&wq->conf_dev, "disabled");
}
