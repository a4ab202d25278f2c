// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libvdsa: the user-space driver of a virtual DSA with one dedicated WQ,
 * and of a whole DSA function that it configures itself (PF mode).
 *
 * Every register access is a trapped REGION_READ/REGION_WRITE of 4 or 8
 * bytes on BAR0; every device command goes through vdsa_dev_cmd(), which
 * waits for CMDSTS.active to clear and returns -EBUSY on timeout and -EINVAL
 * when CMDSTS reports an error (kept for vdsa_dev_cmd_status()).
 */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <time.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "spec/dsa.h"
#include "vdsa_priv.h"

#define VDSA_IRQ_VECTOR		1	/* completions; 0 is errors/commands */
#define VDSA_NR_EVENTFDS	2
#define VDSA_SLOTS_PER_PAGE	(DSA_PORTAL_SIZE / DSA_DESC_SIZE)
#define VDSA_MAX_PRIORITY	15	/* WQCFG.priority is 4 bits */

struct vdsa_dev {
	struct vdsa_conn *conn;
	struct vdsa_dev_info info;
	uint32_t cmdsts;
	uint32_t wqcfg_off;		/* BAR0 offset of WQCFG[0] */
	uint32_t wqcfg_stride;
	uint32_t grpcfg_off;		/* BAR0 offset of GRPCFG[0] */
	int efd[VDSA_NR_EVENTFDS];
	bool irqs_set;
	bool wq_enabled;
	bool dev_enabled;
	bool handle_requested;
	uint8_t *portal;		/* mmap-ed portal page 0, or NULL */
	unsigned int slot;		/* next slot of the portal page */
	unsigned int outstanding;
};

static uint64_t vdsa_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int vdsa_dev_mmio_read(struct vdsa_dev *dev, uint32_t offset, unsigned int size, uint64_t *val)
{
	uint32_t v32;
	int rc;

	if (size == 8)
		return vdsa_conn_region_read(dev->conn, VFIO_PCI_BAR0_REGION_INDEX, offset, val, 8);
	if (size != 4)
		return -EINVAL;
	rc = vdsa_conn_region_read(dev->conn, VFIO_PCI_BAR0_REGION_INDEX, offset, &v32, 4);
	*val = v32;
	return rc;
}

int vdsa_dev_mmio_write(struct vdsa_dev *dev, uint32_t offset, unsigned int size, uint64_t val)
{
	uint32_t v32 = (uint32_t)val;

	if (size == 8)
		return vdsa_conn_region_write(dev->conn, VFIO_PCI_BAR0_REGION_INDEX, offset, &val, 8);
	if (size != 4)
		return -EINVAL;
	return vdsa_conn_region_write(dev->conn, VFIO_PCI_BAR0_REGION_INDEX, offset, &v32, 4);
}

static int vdsa_read32(struct vdsa_dev *dev, uint32_t offset, uint32_t *val)
{
	uint64_t v = 0;
	int rc = vdsa_dev_mmio_read(dev, offset, 4, &v);

	*val = (uint32_t)v;
	return rc;
}

/* CMDSTS.active cleared within VDSA_CMD_TIMEOUT_MS? Return: 0 or -EBUSY. */
static int vdsa_cmd_wait(struct vdsa_dev *dev, uint32_t *sts)
{
	uint64_t deadline = vdsa_now_ms() + VDSA_CMD_TIMEOUT_MS;
	unsigned int polls = 0;
	int rc;

	for (;;) {
		rc = vdsa_read32(dev, IDXD_CMDSTS_OFFSET, sts);
		if (rc)
			return rc;
		if (!(*sts & IDXD_CMDSTS_ACTIVE))
			return 0;
		if (vdsa_now_ms() > deadline)
			return -EBUSY;
		if (++polls > 16)
			usleep(100);
	}
}

/*
 * vdsa_dev_cmd - run device command @cmd with @operand (DSA spec 9.2.10).
 * @result: CMDSTS bits 23:8 on success, if not NULL.
 * Return: 0; -EBUSY (did not complete); -EINVAL (CMDSTS error); -errno.
 */
static int vdsa_dev_cmd(struct vdsa_dev *dev, enum idxd_cmd cmd, uint32_t operand,
			uint32_t *result)
{
	union idxd_command_reg reg = { .bits = 0 };
	uint32_t sts;
	int rc;

	/* Software writes CMD only while no command is active. */
	rc = vdsa_cmd_wait(dev, &sts);
	if (rc)
		return rc;
	reg.cmd = cmd;
	reg.operand = operand;
	rc = vdsa_dev_mmio_write(dev, IDXD_CMD_OFFSET, 4, reg.bits);
	if (rc)
		return rc;
	rc = vdsa_cmd_wait(dev, &sts);
	if (rc)
		return rc;
	dev->cmdsts = sts;
	if (sts & IDXD_CMDSTS_ERR_MASK)
		return -EINVAL;
	if (result)
		*result = (sts >> IDXD_CMDSTS_RES_SHIFT) & 0xffff;
	return 0;
}

static int vdsa_read_wqcfg(struct vdsa_dev *dev, union wqcfg *wq)
{
	unsigned int i, n = dev->wqcfg_stride / 4;
	int rc;

	memset(wq, 0, sizeof(*wq));
	if (n > 16)
		n = 16;
	for (i = 0; i < n; i++) {
		rc = vdsa_read32(dev, dev->wqcfg_off + 4 * i, &wq->bits[i]);
		if (rc)
			return rc;
	}
	return 0;
}

static int vdsa_gensts_state(struct vdsa_dev *dev, unsigned int *state)
{
	union gensts_reg gensts;
	int rc = vdsa_read32(dev, IDXD_GENSTATS_OFFSET, &gensts.bits);

	*state = gensts.state;
	return rc;
}

/* The device the vdcm presents: PCI, BAR0, BAR2 portals, config, MSI-X >= 2. */
static int vdsa_dev_check(struct vdsa_dev *dev)
{
	const struct vdsa_region *bar0, *bar2;
	struct vfio_device_info info;
	struct vfio_irq_info irq;
	int rc;

	rc = vdsa_conn_device_info(dev->conn, &info);
	if (rc)
		return rc;
	if (!(info.flags & VFIO_DEVICE_FLAGS_PCI) || info.num_regions <= VFIO_PCI_CONFIG_REGION_INDEX ||
	    info.num_irqs <= VFIO_PCI_MSIX_IRQ_INDEX)
		return -ENODEV;
	if (vdsa_conn_region_info(dev->conn, VFIO_PCI_BAR0_REGION_INDEX, &bar0) ||
	    vdsa_conn_region_info(dev->conn, VFIO_PCI_BAR2_REGION_INDEX, &bar2))
		return -ENODEV;
	if (bar0->size < IDXD_SWERR_OFFSET + sizeof(union sw_err_reg) ||
	    bar2->size < DSA_PORTAL_SIZE || !(bar2->flags & VFIO_REGION_INFO_FLAG_WRITE))
		return -ENODEV;
	rc = vdsa_conn_irq_info(dev->conn, VFIO_PCI_MSIX_IRQ_INDEX, &irq);
	if (rc)
		return rc;
	if (irq.count < VDSA_NR_EVENTFDS || !(irq.flags & VFIO_IRQ_INFO_EVENTFD))
		return -ENODEV;
	dev->info.nr_vectors = irq.count;
	return 0;
}

static int vdsa_pci_enable(struct vdsa_dev *dev);

/*
 * A device left enabled by an earlier client (a server that keeps device
 * state across sessions; siovd resets an mdev when its client goes) is
 * reset to a known state (which clears the command register: enable
 * decoding again).
 */
static int vdsa_dev_quiesce(struct vdsa_dev *dev)
{
	unsigned int state;
	int rc;

	rc = vdsa_gensts_state(dev, &state);
	if (rc || state == IDXD_DEVICE_STATE_DISABLED)
		return rc;
	rc = vdsa_conn_reset(dev->conn);
	if (rc)
		return rc;
	rc = vdsa_pci_enable(dev);
	if (rc)
		return rc;
	rc = vdsa_gensts_state(dev, &state);
	if (rc)
		return rc;
	return state == IDXD_DEVICE_STATE_DISABLED ? 0 : -EBUSY;
}

static int vdsa_pci_enable(struct vdsa_dev *dev)
{
	uint16_t cmd, flags;
	uint8_t pos, id, status;
	unsigned int hops;
	int rc;

	rc = vdsa_conn_config_read(dev->conn, PCI_COMMAND, &cmd, 2);
	if (rc)
		return rc;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	rc = vdsa_conn_config_write(dev->conn, PCI_COMMAND, &cmd, 2);
	if (rc)
		return rc;
	/* MSI-X Enable in the capability's Message Control, if there is one. */
	rc = vdsa_conn_config_read(dev->conn, PCI_STATUS, &status, 1);
	if (rc || !(status & PCI_STATUS_CAP_LIST))
		return rc;
	rc = vdsa_conn_config_read(dev->conn, PCI_CAPABILITY_LIST, &pos, 1);
	for (hops = 0; !rc && pos >= 0x40 && hops < 48; hops++) {
		rc = vdsa_conn_config_read(dev->conn, pos, &id, 1);
		if (rc)
			break;
		if (id == PCI_CAP_ID_MSIX) {
			rc = vdsa_conn_config_read(dev->conn, pos + PCI_MSIX_FLAGS, &flags, 2);
			if (rc)
				break;
			flags |= PCI_MSIX_FLAGS_ENABLE;
			flags &= ~PCI_MSIX_FLAGS_MASKALL;
			return vdsa_conn_config_write(dev->conn, pos + PCI_MSIX_FLAGS, &flags, 2);
		}
		rc = vdsa_conn_config_read(dev->conn, pos + PCI_CAP_LIST_NEXT, &pos, 1);
	}
	return rc;
}

/* The capability registers and where the configuration tables are. */
static int vdsa_dev_read_caps(struct vdsa_dev *dev)
{
	union offsets_reg offsets;
	union wq_cap_reg wqcap;
	union gen_cap_reg gencap;
	uint64_t v;
	int rc;

	rc = vdsa_dev_mmio_read(dev, IDXD_VER_OFFSET, 4, &v);
	if (rc)
		return rc;
	dev->info.version = (uint32_t)v;
	if (!dev->info.version || dev->info.version == UINT32_MAX)
		return -ENODEV;
	if ((rc = vdsa_dev_mmio_read(dev, IDXD_GENCAP_OFFSET, 8, &gencap.bits)) ||
	    (rc = vdsa_dev_mmio_read(dev, IDXD_WQCAP_OFFSET, 8, &wqcap.bits)) ||
	    (rc = vdsa_dev_mmio_read(dev, IDXD_OPCAP_OFFSET, 8, &dev->info.opcap0)) ||
	    (rc = vdsa_dev_mmio_read(dev, IDXD_TABLE_OFFSET, 8, &offsets.bits[0])))
		return rc;
	dev->info.gencap = gencap.bits;
	dev->info.wqcap = wqcap.bits;
	if (!wqcap.num_wqs || !offsets.wqcfg)
		return -ENODEV;
	dev->wqcfg_off = offsets.wqcfg * IDXD_TABLE_MULT;
	dev->wqcfg_stride = 32U << wqcap.wqcfg_size;
	dev->grpcfg_off = offsets.grpcfg * IDXD_TABLE_MULT;
	return 0;
}

/* WQ 0 as configured: dedicated (mode 1) and given a size. */
static int vdsa_dev_read_wq0(struct vdsa_dev *dev)
{
	union gen_cap_reg gencap = { .bits = dev->info.gencap };
	union wqcfg wq;
	int rc;

	rc = vdsa_read_wqcfg(dev, &wq);
	if (rc)
		return rc;
	if (!wq.wq_size || !wq.mode)
		return -ENOTSUP;
	dev->info.wq_size = wq.wq_size;
	dev->info.max_xfer_size = 1U << (wq.max_xfer_shift ? wq.max_xfer_shift :
					 gencap.max_xfer_shift);
	return 0;
}

/* ---- PF mode: the configuration this driver writes itself ---------------- */

static int vdsa_pf_check_config(struct vdsa_dev *dev, const struct vdsa_pf_config *in,
				struct vdsa_pf_config *cfg)
{
	union wq_cap_reg wqcap = { .bits = dev->info.wqcap };
	union engine_cap_reg engcap;
	union group_cap_reg grpcap;
	int rc;

	if ((rc = vdsa_dev_mmio_read(dev, IDXD_ENGCAP_OFFSET, 8, &engcap.bits)) ||
	    (rc = vdsa_dev_mmio_read(dev, IDXD_GRPCAP_OFFSET, 8, &grpcap.bits)))
		return rc;
	if (!grpcap.num_groups || !engcap.num_engines || !wqcap.total_wq_size ||
	    !wqcap.dedicated_mode || !dev->grpcfg_off)
		return -ENODEV;
	*cfg = in ? *in : (struct vdsa_pf_config){ 0 };
	if (!cfg->nr_engines)
		cfg->nr_engines = engcap.num_engines > 64 ? 64 : engcap.num_engines;
	if (!cfg->wq_size)
		cfg->wq_size = wqcap.total_wq_size < 16 ? wqcap.total_wq_size : 16;
	if (!cfg->priority)
		cfg->priority = 1;
	if (cfg->nr_engines > engcap.num_engines || cfg->nr_engines > 64 ||
	    cfg->wq_size > wqcap.total_wq_size || cfg->priority > VDSA_MAX_PRIORITY)
		return -EINVAL;
	return 0;
}

/*
 * WQCFG[0] read-modify-write (the fields a driver owns) and GRPCFG[0]: the
 * WQ and the first @nr_engines engines in group 0.
 */
static int vdsa_pf_write_config(struct vdsa_dev *dev, const struct vdsa_pf_config *cfg)
{
	union gen_cap_reg gencap = { .bits = dev->info.gencap };
	unsigned int i, n = dev->wqcfg_stride / 4;
	uint64_t engines;
	union wqcfg wq;
	int rc;

	rc = vdsa_read_wqcfg(dev, &wq);
	if (rc)
		return rc;
	wq.wq_size = cfg->wq_size;
	wq.wq_thresh = 0;
	wq.mode = 1;
	wq.bof = 0;
	wq.priority = cfg->priority;
	wq.pasid_en = 0;
	wq.pasid = 0;
	wq.priv = 0;
	wq.max_xfer_shift = gencap.max_xfer_shift;
	wq.max_batch_shift = gencap.max_batch_shift;
	for (i = 0; i < n && i < 4; i++) {
		rc = vdsa_dev_mmio_write(dev, dev->wqcfg_off + 4 * i, 4, wq.bits[i]);
		if (rc)
			return rc;
	}
	engines = cfg->nr_engines >= 64 ? ~0ULL : (1ULL << cfg->nr_engines) - 1;
	if ((rc = vdsa_dev_mmio_write(dev, dev->grpcfg_off + GRPCFG_WQS_OFFSET, 8, 1)) ||
	    (rc = vdsa_dev_mmio_write(dev, dev->grpcfg_off + GRPCFG_ENGINES_OFFSET, 8, engines)))
		return rc;
	return 0;
}

static int vdsa_pf_configure(struct vdsa_dev *dev, const struct vdsa_pf_config *in)
{
	union gen_cap_reg gencap = { .bits = dev->info.gencap };
	struct vdsa_pf_config cfg;
	int rc;

	if (!gencap.config_en)
		return -ENOTSUP;	/* the host fixed the configuration */
	rc = vdsa_pf_check_config(dev, in, &cfg);
	if (rc)
		return rc;
	rc = vdsa_pf_write_config(dev, &cfg);
	if (rc)
		return rc;
	return vdsa_dev_read_wq0(dev);
}

/* A function reset for a known state; it clears the command register. */
static int vdsa_pf_reset(struct vdsa_dev *dev)
{
	int rc = vdsa_conn_reset(dev->conn);

	return rc ? rc : vdsa_pci_enable(dev);
}

static int vdsa_dev_setup_irqs(struct vdsa_dev *dev)
{
	union genctrl_reg ctrl = { .bits = 0 };
	unsigned int i;
	int rc;

	for (i = 0; i < VDSA_NR_EVENTFDS; i++) {
		dev->efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
		if (dev->efd[i] < 0)
			return -errno;
	}
	rc = vdsa_conn_set_irq_eventfds(dev->conn, VFIO_PCI_MSIX_IRQ_INDEX, 0,
					VDSA_NR_EVENTFDS, dev->efd);
	if (rc)
		return rc;
	dev->irqs_set = true;
	dev->info.irq_vector = VDSA_IRQ_VECTOR;
	/* vector 0 for software errors and a halt */
	ctrl.softerr_int_en = 1;
	ctrl.halt_int_en = 1;
	return vdsa_dev_mmio_write(dev, IDXD_GENCTRL_OFFSET, 4, ctrl.bits);
}

/* REQUEST_INT_HANDLE for the completion vector, if the device has it. */
static int vdsa_dev_request_handle(struct vdsa_dev *dev)
{
	union gen_cap_reg gencap = { .bits = dev->info.gencap };
	uint32_t cmdcap = 0, handle;
	int rc;

	/* Without the command, the handle of an MSI-X vector is its index. */
	dev->info.int_handle = VDSA_IRQ_VECTOR;
	if (gencap.cmd_cap) {
		rc = vdsa_read32(dev, IDXD_CMDCAP_OFFSET, &cmdcap);
		if (rc)
			return rc;
	}
	if (!(cmdcap & (1U << IDXD_CMD_REQUEST_INT_HANDLE)))
		return 0;
	rc = vdsa_dev_cmd(dev, IDXD_CMD_REQUEST_INT_HANDLE, VDSA_IRQ_VECTOR, &handle);
	if (rc)
		return rc;
	dev->info.int_handle = (uint16_t)handle;
	dev->handle_requested = true;
	return 0;
}

static int vdsa_dev_enable(struct vdsa_dev *dev)
{
	unsigned int state;
	union wqcfg wq;
	int rc;

	rc = vdsa_dev_cmd(dev, IDXD_CMD_ENABLE_DEVICE, 0, NULL);
	if (rc)
		return rc;
	dev->dev_enabled = true;
	rc = vdsa_gensts_state(dev, &state);
	if (rc)
		return rc;
	if (state != IDXD_DEVICE_STATE_ENABLED)
		return -EIO;

	rc = vdsa_dev_cmd(dev, IDXD_CMD_ENABLE_WQ, 0, NULL);
	if (rc)
		return rc;
	dev->wq_enabled = true;
	rc = vdsa_read_wqcfg(dev, &wq);
	if (rc)
		return rc;
	if (wq.wq_state != IDXD_WQCFG_STATE_ENABLED)
		return -EIO;
	return vdsa_dev_request_handle(dev);
}

int vdsa_dev_handle_revoked(struct vdsa_dev *dev)
{
	uint32_t cause;
	int rc;

	if (!dev)
		return -EINVAL;
	rc = vdsa_read32(dev, IDXD_INTCAUSE_OFFSET, &cause);
	if (rc)
		return rc;
	if (!(cause & IDXD_INTC_INT_HANDLE_REVOKED))
		return 0;
	rc = vdsa_dev_mmio_write(dev, IDXD_INTCAUSE_OFFSET, 4, IDXD_INTC_INT_HANDLE_REVOKED);
	if (rc)
		return rc;
	/* the old handle is gone, not released */
	dev->handle_requested = false;
	/*
	 * siovd revokes handles in a reset of the PF, which also restarts the
	 * WQ: its mapped portal begins again at slot 0, with nothing pending.
	 */
	dev->slot = 0;
	dev->outstanding = 0;
	rc = vdsa_dev_request_handle(dev);
	return rc ? rc : 1;
}

static void vdsa_dev_map_portal(struct vdsa_dev *dev)
{
	const struct vdsa_region *bar2;
	size_t len;
	void *addr;
	unsigned int i;

	if (vdsa_conn_region_info(dev->conn, VFIO_PCI_BAR2_REGION_INDEX, &bar2) || bar2->fd < 0)
		return;
	/* Page 0 of WQ 0: the unlimited MSI-X portal. */
	for (i = 0; i < bar2->nr_areas; i++) {
		if (bar2->areas[i].offset != 0 || bar2->areas[i].size < DSA_PORTAL_SIZE)
			continue;
		if (vdsa_conn_region_mmap(dev->conn, VFIO_PCI_BAR2_REGION_INDEX, i, &addr, &len))
			return;
		dev->portal = addr;
		dev->info.portal_mmap = true;
		return;
	}
}

static struct vdsa_dev *vdsa_dev_alloc(struct vdsa_conn *conn)
{
	struct vdsa_dev *dev = calloc(1, sizeof(*dev));

	if (!dev)
		return NULL;
	dev->conn = conn;
	dev->efd[0] = dev->efd[1] = -1;
	return dev;
}

int vdsa_dev_open(struct vdsa_conn *conn, struct vdsa_dev **devp)
{
	struct vdsa_dev *dev;
	int rc;

	if (!conn || !devp)
		return -EINVAL;
	dev = vdsa_dev_alloc(conn);
	if (!dev)
		return -ENOMEM;
	if ((rc = vdsa_dev_check(dev)) ||
	    (rc = vdsa_pci_enable(dev)) ||
	    (rc = vdsa_dev_quiesce(dev)) ||
	    (rc = vdsa_dev_read_caps(dev)) ||
	    (rc = vdsa_dev_read_wq0(dev)) ||
	    (rc = vdsa_dev_setup_irqs(dev)) ||
	    (rc = vdsa_dev_enable(dev)))
		goto out_close;
	vdsa_dev_map_portal(dev);
	*devp = dev;
	return 0;

out_close:
	vdsa_dev_close(dev);
	return rc;
}

int vdsa_pf_open(struct vdsa_conn *conn, const struct vdsa_pf_config *cfg,
		 struct vdsa_dev **devp)
{
	struct vdsa_dev *dev;
	int rc;

	if (!conn || !devp)
		return -EINVAL;
	dev = vdsa_dev_alloc(conn);
	if (!dev)
		return -ENOMEM;
	if ((rc = vdsa_dev_check(dev)) ||
	    (rc = vdsa_pci_enable(dev)) ||
	    (rc = vdsa_pf_reset(dev)) ||
	    (rc = vdsa_dev_read_caps(dev)) ||
	    (rc = vdsa_pf_configure(dev, cfg)) ||
	    (rc = vdsa_dev_setup_irqs(dev)) ||
	    (rc = vdsa_dev_enable(dev)))
		goto out_close;
	vdsa_dev_map_portal(dev);
	*devp = dev;
	return 0;

out_close:
	vdsa_dev_close(dev);
	return rc;
}

void vdsa_dev_close(struct vdsa_dev *dev)
{
	unsigned int i;

	if (!dev)
		return;
	if (dev->handle_requested)
		vdsa_dev_cmd(dev, IDXD_CMD_RELEASE_INT_HANDLE, dev->info.int_handle, NULL);
	if (dev->wq_enabled)
		vdsa_dev_cmd(dev, IDXD_CMD_DISABLE_WQ, idxd_wq_mask_operand(0), NULL);
	if (dev->dev_enabled)
		vdsa_dev_cmd(dev, IDXD_CMD_DISABLE_DEVICE, 0, NULL);
	if (dev->irqs_set)
		vdsa_conn_disable_irqs(dev->conn, VFIO_PCI_MSIX_IRQ_INDEX);
	for (i = 0; i < VDSA_NR_EVENTFDS; i++)
		if (dev->efd[i] >= 0)
			close(dev->efd[i]);
	free(dev);
}

const struct vdsa_dev_info *vdsa_dev_info(const struct vdsa_dev *dev)
{
	return &dev->info;
}

uint32_t vdsa_dev_cmd_status(const struct vdsa_dev *dev)
{
	return dev->cmdsts;
}

int vdsa_dev_eventfd(const struct vdsa_dev *dev, unsigned int vector)
{
	return vector < VDSA_NR_EVENTFDS ? dev->efd[vector] : -1;
}

/* ---- submission and completion -------------------------------------------- */

/* Write one descriptor into the next slot of the mmap-ed portal page. */
static int vdsa_portal_store(struct vdsa_dev *dev, const struct dsa_hw_desc *d)
{
	uint64_t q[DSA_DESC_SIZE / 8], *slot;
	uint64_t deadline = 0;
	unsigned int i, spins = 0;

	memcpy(q, d, sizeof(q));
	if (!q[0])
		return -EINVAL;
	slot = (uint64_t *)(dev->portal + (size_t)dev->slot * DSA_DESC_SIZE);
	/* The device zeroes the first qword once it has taken the slot. */
	while (__atomic_load_n(&slot[0], __ATOMIC_ACQUIRE)) {
		if (++spins < 1024)
			continue;
		if (!deadline)
			deadline = vdsa_now_ms() + VDSA_CMD_TIMEOUT_MS;
		else if (vdsa_now_ms() > deadline)
			return -ETIMEDOUT;
		sched_yield();
	}
	for (i = 1; i < DSA_DESC_SIZE / 8; i++)
		__atomic_store_n(&slot[i], q[i], __ATOMIC_RELAXED);
	__atomic_store_n(&slot[0], q[0], __ATOMIC_RELEASE);
	dev->slot = (dev->slot + 1) % VDSA_SLOTS_PER_PAGE;
	return 0;
}

int vdsa_submit(struct vdsa_dev *dev, const struct dsa_hw_desc *d, enum vdsa_portal mode)
{
	int rc;

	if (dev->outstanding >= dev->info.wq_size)
		return -EBUSY;
	if (mode == VDSA_PORTAL_MMAP) {
		if (!dev->portal)
			return -ENOTSUP;
		rc = vdsa_portal_store(dev, d);
	} else {
		rc = vdsa_conn_region_write(dev->conn, VFIO_PCI_BAR2_REGION_INDEX,
					    dsa_portal_offset(0, DSA_PORTAL_UNLIMITED, DSA_IRQ_MSIX),
					    d, DSA_DESC_SIZE);
	}
	if (rc)
		return rc;
	dev->outstanding++;
	return 0;
}

void vdsa_retire(struct vdsa_dev *dev)
{
	if (dev->outstanding)
		dev->outstanding--;
}

unsigned int vdsa_outstanding(const struct vdsa_dev *dev)
{
	return dev->outstanding;
}

static int vdsa_wait_irq(struct vdsa_dev *dev, int timeout_ms)
{
	struct pollfd pfd = { .fd = dev->efd[VDSA_IRQ_VECTOR], .events = POLLIN };
	uint64_t v;
	int n;

	n = poll(&pfd, 1, timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	if (n && read(pfd.fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return -errno;
	return 0;
}

/* A spin-wait hint: leave the core's resources to its sibling and the device. */
static inline void vdsa_cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ volatile("" ::: "memory");
#endif
}

/*
 * Polling: VDSA_SPIN_BURST pause-spins between clock reads (a pause is
 * ~50 ns on current cores, so a burst is under 2 us: what a short
 * descriptor takes end to end), then a sched_yield() per burst. The yield returns at
 * once when nothing else is runnable on this CPU; when the device's engine
 * thread shares it (a loaded machine does that), it lets the engine run
 * instead of spinning against it.
 */
#define VDSA_SPIN_BURST	32

int vdsa_wait(struct vdsa_dev *dev, const struct dsa_completion_record *comp,
	      enum vdsa_wait mode, int timeout_ms)
{
	uint64_t start = 0, now;
	unsigned int spins = 0;
	uint8_t status;
	int left, rc;

	for (;;) {
		status = vdsa_comp_status(comp);
		if (status) {
			vdsa_retire(dev);
			return status;
		}
		if (!timeout_ms)
			return -ETIMEDOUT;
		if (mode == VDSA_WAIT_POLL && ++spins % VDSA_SPIN_BURST) {
			vdsa_cpu_relax();
			continue;
		}
		now = vdsa_now_ms();
		if (!start)
			start = now;
		if (timeout_ms >= 0 && now - start >= (uint64_t)timeout_ms)
			return -ETIMEDOUT;
		left = timeout_ms < 0 ? 100 : (int)(timeout_ms - (now - start));
		if (mode == VDSA_WAIT_IRQ) {
			/* Re-check at least every 100 ms in case a vector was lost. */
			rc = vdsa_wait_irq(dev, left > 100 ? 100 : left);
			if (rc)
				return rc;
		} else {
			sched_yield();
		}
	}
}
