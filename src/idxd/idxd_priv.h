/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to the idxd PF driver (src/idxd): the objects of the dsa bus and
 * what the driver's files share. Nothing outside src/idxd includes this;
 * other layers use idxd.h (the vdcm), idxd_module.h (the daemon) and
 * idxd_config.h (the accel-config loader).
 *
 * Object model (the kernel's drivers/dma/idxd):
 *   struct idxd_device  one PF, device "dsa<N>" on the dsa bus, child of the
 *                       PCI device; bound to the "idxd" dsa driver = enabled
 *   struct idxd_wq      "wq<N>.<M>", child of dsa<N>; bound to the driver its
 *                       type names ("user", "dmaengine", "mdev") = enabled
 *   struct idxd_group   "group<N>.<M>", never bound
 *   struct idxd_engine  "engine<N>.<M>", never bound
 *
 * Lifetime: the PCI probe allocates the idxd_device (device_initialize of
 * its conf_dev; from then on only put_device() frees it) and, once the
 * capabilities are known, one object per WQ, group and engine. Each of those
 * holds a reference on the idxd_device's conf_dev that its release() drops,
 * so a WQ still referenced by the vdcm keeps its PF's memory valid. The PCI
 * remove unregisters them all (unbinding, i.e. disabling, what is enabled)
 * and drops the probe's reference; the memory goes with the last put.
 *
 * Configuration state: the software configuration (the attributes) lives in
 * the *_conf members; the registers are written from it when the device or a
 * WQ is enabled. A snapshot of the *_conf members is what the accel-config
 * loader restores when a profile fails half-way.
 *
 * Threading: everything runs on the event-loop thread, except
 * idxd_wq_submit(), which only reads members fixed at probe.
 */
#ifndef SIOVD_IDXD_IDXD_PRIV_H
#define SIOVD_IDXD_IDXD_PRIV_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <linux/idxd.h>

#include "base/device.h"
#include "idxd/idxd.h"
#include "pci/pci.h"
#include "spec/dsa.h"

/* Driver-name mismatch on WQ enable; in <linux/idxd.h> since Linux 6.7. */
#ifndef IDXD_SCMD_WQ_NO_DRV_NAME
#define IDXD_SCMD_WQ_NO_DRV_NAME	0x80200000
#endif

#define WQ_NAME_SIZE			1024	/* bytes, without the NUL */
#define DRIVER_NAME_SIZE		128
#define IDXD_MAX_PRIORITY		0xf
#define IDXD_MAX_OPCAP_BITS		256
#define WQ_DEFAULT_MAX_XFER		(2ULL << 20)	/* bytes */
#define WQ_DEFAULT_MAX_BATCH		32U		/* descriptors */
#define IDXD_CMD_TIMEOUT_MS		5000
#define IDXD_MAX_DEVICES		64

enum idxd_dev_state {
	IDXD_DEV_DISABLED = 0,
	IDXD_DEV_ENABLED,
	IDXD_DEV_HALTED,
};

enum idxd_wq_state {
	IDXD_WQ_DISABLED = 0,
	IDXD_WQ_ENABLED,
};

enum idxd_wq_type {
	IDXD_WQT_NONE = 0,
	IDXD_WQT_KERNEL,
	IDXD_WQT_USER,
	IDXD_WQT_MDEV,
	IDXD_WQT_MAX,
};

/* The capability registers as read at probe. */
struct idxd_hw {
	uint32_t version;
	union gen_cap_reg gen_cap;
	union wq_cap_reg wq_cap;
	union group_cap_reg group_cap;
	union engine_cap_reg engine_cap;
	struct opcap opcap;
	union offsets_reg offsets;
	uint32_t cmd_cap;
};

/* Software configuration of a group (its attributes). */
struct idxd_group_conf {
	unsigned int rdbufs_reserved;
	unsigned int rdbufs_allowed;	/* 0: all of the device's */
	bool use_rdbuf_limit;
	int tc_a, tc_b;
	unsigned int desc_progress_limit;
	unsigned int batch_progress_limit;
};

struct idxd_group {
	struct device conf_dev;
	struct idxd_device *idxd;
	unsigned int id;
	struct idxd_group_conf conf;
	struct grpcfg grpcfg;		/* what was last written */
};

struct idxd_engine {
	struct device conf_dev;
	struct idxd_device *idxd;
	unsigned int id;
	struct idxd_group *group;	/* configuration: NULL = none */
};

/* Software configuration of a WQ (its attributes). */
struct idxd_wq_conf {
	struct idxd_group *group;
	enum idxd_wq_type type;
	bool dedicated;
	bool bof;
	bool ats_disable;
	bool prs_disable;
	unsigned int size;
	unsigned int threshold;
	unsigned int priority;
	uint64_t max_xfer_bytes;
	uint32_t max_batch_size;
	uint64_t op_config[4];
	char name[WQ_NAME_SIZE + 1];
	char driver_name[DRIVER_NAME_SIZE + 1];
};

struct idxd_wq {
	struct device conf_dev;
	struct idxd_device *idxd;
	unsigned int id;
	struct idxd_wq_conf conf;
	enum idxd_wq_state state;	/* software: bound to its driver */
	union wqcfg wqcfg;		/* what was last written */
	/* a mediated device's claim (idxd_mdev_wq_get .. _put) */
	bool owned;
	void (*err_fn)(void *arg, const union sw_err_reg *swerr);
	void *err_arg;
	void (*revoke_fn)(void *arg);
	void *revoke_arg;
	/* the hardware state a function reset must bring back */
	bool reset_hw_enabled;
	uint32_t reset_pasid;		/* 0: none */
};

struct idxd_device {
	struct device conf_dev;
	int id;
	struct pci_dev *pdev;
	struct pci_iomem *reg_base;	/* BAR0 */
	struct pci_iomem *wq_base;	/* BAR2 */
	struct idxd_hw hw;

	/* derived from the capabilities; byte offsets in BAR0 */
	uint64_t grpcfg_offset, wqcfg_offset, msix_perm_offset, ims_offset;
	unsigned int wqcfg_size;	/* WQCFG stride in bytes */
	unsigned int max_groups, max_wqs, max_engines, max_wq_size, max_rdbufs;
	uint32_t max_batch_size;
	uint64_t max_xfer_bytes;
	unsigned int ims_size, msix_vectors;

	/* software configuration of the device */
	unsigned int rdbuf_limit;

	enum idxd_dev_state state;
	bool configurable;
	bool pasid_enabled;
	bool request_int_handles;
	bool removed;			/* MMIO gone: every command fails */
	uint32_t cmd_status;
	union sw_err_reg sw_err;	/* the last software error */
	int misc_irq;			/* virq of MSI-X vector 0, or -1 */

	struct idxd_wq **wqs;
	struct idxd_group **groups;
	struct idxd_engine **engines;
	struct idxd_mdev_aux *mdev_aux;
};

static inline struct idxd_device *confdev_to_idxd(struct device *dev)
{
	return container_of(dev, struct idxd_device, conf_dev);
}

static inline struct idxd_wq *confdev_to_wq(struct device *dev)
{
	return container_of(dev, struct idxd_wq, conf_dev);
}

static inline struct idxd_group *confdev_to_group(struct device *dev)
{
	return container_of(dev, struct idxd_group, conf_dev);
}

static inline struct idxd_engine *confdev_to_engine(struct device *dev)
{
	return container_of(dev, struct idxd_engine, conf_dev);
}

/* Byte offsets in BAR0 of WQCFG dword @i of WQ @wq and GRPCFG of group @g. */
static inline uint64_t idxd_wqcfg_offset(const struct idxd_device *idxd, unsigned int wq,
					 unsigned int i)
{
	return idxd->wqcfg_offset + (uint64_t)wq * idxd->wqcfg_size + i * 4;
}

static inline uint64_t idxd_grpcfg_offset(const struct idxd_device *idxd, unsigned int g)
{
	return idxd->grpcfg_offset + (uint64_t)g * GRPCFG_SIZE;
}

static inline bool idxd_wq_dedicated(const struct idxd_wq *wq)
{
	return wq->conf.dedicated;
}

#define sysfs_emit(buf, ...)	snprintf((buf), SYSFS_PAGE_SIZE, __VA_ARGS__)

/* ---- the dsa bus (bus.c) ------------------------------------------------ */

extern struct bus_type dsa_bus_type;
extern const struct device_type dsa_device_type;
extern const struct device_type idxd_wq_device_type;
extern const struct device_type idxd_group_device_type;
extern const struct device_type idxd_engine_device_type;

int idxd_bus_init(void);
void idxd_bus_exit(void);
/* The dsa driver a WQ of @type binds to ("user", "dmaengine", "mdev"). */
struct device_driver *idxd_wq_type_driver(enum idxd_wq_type type);
struct device_driver *idxd_device_driver(void);
const char *idxd_wq_type_name(enum idxd_wq_type type);
/* "dsa<N>" ids: the lowest free N (-ENOSPC), and its release. */
int idxd_id_alloc(void);
void idxd_id_free(int id);

/* ---- commands and configuration (device.c) ------------------------------ */

int idxd_cmd_exec(struct idxd_device *idxd, enum idxd_cmd cmd, uint32_t operand,
		  uint32_t *status);
void idxd_unmask_error_interrupts(struct idxd_device *idxd);
void idxd_mask_error_interrupts(struct idxd_device *idxd);
bool idxd_hw_is_halted(struct idxd_device *idxd);
int idxd_device_reset(struct idxd_device *idxd);
int idxd_device_enable(struct idxd_device *idxd);
void idxd_device_disable(struct idxd_device *idxd);
int idxd_device_load_config(struct idxd_device *idxd);
int idxd_drv_enable_wq(struct idxd_wq *wq, enum idxd_wq_type type);
void idxd_drv_disable_wq(struct idxd_wq *wq);
int idxd_wq_config_write(struct idxd_wq *wq);
int idxd_wq_hw_cmd(struct idxd_wq *wq, enum idxd_cmd cmd, uint32_t *status);
bool idxd_wq_hw_state_enabled(struct idxd_wq *wq);
unsigned int idxd_group_num_engines(const struct idxd_group *group);
unsigned int idxd_total_wq_size(const struct idxd_device *idxd);
unsigned int idxd_free_rdbufs(const struct idxd_device *idxd);
void idxd_wq_conf_init(struct idxd_wq *wq);
void idxd_device_clear_conf(struct idxd_device *idxd);
void idxd_group_conf_init(struct idxd_group *group);
unsigned int idxd_ilog2(uint64_t v);
uint64_t idxd_roundup_pow_of_two(uint64_t v);

/* ---- attributes (sysfs.c) ----------------------------------------------- */

extern const struct attribute_group *const idxd_attribute_groups[];
extern const struct attribute_group *const idxd_wq_attribute_groups[];
extern const struct attribute_group *const idxd_group_attribute_groups[];
extern const struct attribute_group *const idxd_engine_attribute_groups[];
/* The attribute named @name among @groups, or NULL. */
struct device_attribute *idxd_find_attr(const struct attribute_group *const *groups,
					const char *name);
/* The 256-bit "%*pb" format of the kernel: 8 comma-separated words. */
int idxd_bitmap256_print(char *buf, size_t size, const uint64_t bits[4]);
int idxd_bitmap256_parse(const char *buf, uint64_t bits[4]);

/* ---- interrupts (irq.c) ------------------------------------------------- */

void idxd_misc_irq(unsigned int irq, void *arg);
/* Handle a logged software error now rather than when its interrupt runs. */
void idxd_swerr_flush(struct idxd_device *idxd);
int idxd_ims_domain_create(struct idxd_device *idxd);
void idxd_ims_domain_remove(struct idxd_device *idxd);
/* After a function reset: every IMS entry masked, the allocated ones again. */
void idxd_ims_restore(struct idxd_device *idxd);

/* ---- the VFIO side (mdev.c) --------------------------------------------- */

int idxd_mdev_aux_add(struct idxd_device *idxd);
void idxd_mdev_aux_del(struct idxd_device *idxd);
unsigned int idxd_mdev_wqs_enabled(struct idxd_device *idxd);
void idxd_wq_report_error(struct idxd_wq *wq, const union sw_err_reg *swerr);
void idxd_wq_report_revoked(struct idxd_wq *wq);
/* Program the WQ's PASID fields in WQCFG (the WQ disabled). */
void idxd_wq_write_pasid(struct idxd_wq *wq, bool enable, uint32_t pasid);

/* ---- device lookup (init.c) --------------------------------------------- */

/* The PF named @name ("dsa0"), with a reference on its conf_dev, or NULL. */
struct idxd_device *idxd_find_device(const char *name);

#endif
