// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DSA PF as a PCI function: creation, configuration space, the
 * pci_func_ops table, BAR layout and Function Level Reset.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/pci_regs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hw/dsa/dsa_priv.h"
#include "lib/log.h"

/* Configuration-space placement of the capabilities. */
#define DSA_CAP_PCIE		0x40
#define DSA_CAP_MSIX		0x80
#define DSA_ECAP_PASID		0x100
#define DSA_ECAP_DVSEC		0x110
#define DSA_DVSEC_LEN		0x18

#define DSA_BAR0_MIN		0x10000ULL
#define DSA_REGS_END		0x400		/* GRPCFG starts here */

#ifndef PCI_EXT_CAP_ID_DVSEC
#define PCI_EXT_CAP_ID_DVSEC	0x23
#endif

void dsa_hw_params_default(struct dsa_hw_params *p)
{
	memset(p, 0, sizeof(*p));
	p->num_wqs = 8;
	p->num_groups = 4;
	p->num_engines = 4;
	p->total_wq_size = 128;
	p->max_xfer_shift = 31;
	p->max_batch_shift = 10;
	p->msix_vectors = 9;
	p->ims_entries = 2048;
	p->config_en = true;
	p->version = DEVICE_VERSION_1;
	p->page_req_timeout_ms = 1000;
	p->portal_poll_max_us = 1000;
}

void dsa_hw_params_dsa2(struct dsa_hw_params *p)
{
	dsa_hw_params_default(p);
	p->version = DEVICE_VERSION_2;
	p->block_on_fault = true;
	p->rdbuf_ctrl = true;
}

static bool dsa_params_valid(const struct dsa_hw_params *p)
{
	return p->num_wqs >= 1 && p->num_wqs <= 255 &&
	       p->num_groups >= 1 && p->num_groups <= 255 &&
	       p->num_engines >= 1 && p->num_engines <= 64 &&
	       p->total_wq_size >= 1 && p->total_wq_size <= 0xffff &&
	       p->max_xfer_shift <= 31 && p->max_batch_shift <= 15 &&
	       p->msix_vectors >= 1 && p->msix_vectors <= 2048 &&
	       p->ims_entries % IDXD_IMS_MULT == 0 && p->ims_entries / IDXD_IMS_MULT <= 63 &&
	       (p->version == DEVICE_VERSION_1 || p->version == DEVICE_VERSION_2) &&
	       p->page_req_timeout_ms >= 1 && p->page_req_timeout_ms <= 600000 &&
	       p->portal_poll_max_us <= 1000000;
}

static uint64_t roundup_pow2(uint64_t v)
{
	uint64_t r = 1;

	while (r < v)
		r <<= 1;
	return r;
}

/* Place the BAR0 tables (OFFSETS counts 256-byte units) and size the BARs. */
static void dsa_layout(struct dsa_hw *hw)
{
	const struct dsa_hw_params *p = &hw->p;
	uint64_t off = DSA_REGS_END;

	hw->wqcfg_stride = p->version >= DEVICE_VERSION_2 ? 64 : 32;
	hw->off_grpcfg = (uint32_t)off;
	off = ALIGN_UP(off + (uint64_t)p->num_groups * GRPCFG_SIZE, IDXD_TABLE_MULT);
	hw->off_wqcfg = (uint32_t)off;
	off = ALIGN_UP(off + (uint64_t)p->num_wqs * hw->wqcfg_stride, IDXD_TABLE_MULT);
	hw->off_msix_perm = (uint32_t)off;
	off = ALIGN_UP(off + (uint64_t)p->msix_vectors * IDXD_MSIX_PERM_STRIDE, SIOVD_PAGE_SIZE);
	hw->off_msix = (uint32_t)off;
	off = ALIGN_UP(off + (uint64_t)p->msix_vectors * DSA_MSIX_ENTRY_SIZE, SIOVD_PAGE_SIZE);
	hw->off_pba = (uint32_t)off;
	off = ALIGN_UP(off + DIV_ROUND_UP(p->msix_vectors, 64) * 8ULL, SIOVD_PAGE_SIZE);
	hw->off_ims = p->ims_entries ? (uint32_t)off : 0;
	off += (uint64_t)p->ims_entries * IDXD_IMS_ENTRY_SIZE;
	hw->bar0_size = roundup_pow2(max(off, DSA_BAR0_MIN));
	hw->bar2_size = roundup_pow2((uint64_t)p->num_wqs * DSA_WQ_PORTAL_BYTES);
}

/* The read-only capability registers, derived from the parameters. */
static void dsa_caps_init(struct dsa_hw *hw)
{
	const struct dsa_hw_params *p = &hw->p;
	unsigned int op;

	hw->gencap.block_on_fault = p->block_on_fault;
	hw->gencap.overlap_copy = 1;
	hw->gencap.cache_control_mem = 1;
	hw->gencap.cache_control_cache = 1;
	hw->gencap.cmd_cap = 1;
	hw->gencap.dest_readback = 1;
	hw->gencap.max_xfer_shift = p->max_xfer_shift;
	hw->gencap.max_batch_shift = p->max_batch_shift;
	hw->gencap.max_ims_mult = p->ims_entries / IDXD_IMS_MULT;
	hw->gencap.config_en = p->config_en;

	hw->wqcap.total_wq_size = p->total_wq_size;
	hw->wqcap.num_wqs = p->num_wqs;
	hw->wqcap.wqcfg_size = hw->wqcfg_stride == 64 ? 1 : 0;
	hw->wqcap.shared_mode = 1;
	hw->wqcap.dedicated_mode = 1;
	hw->wqcap.priority = 1;
	hw->wqcap.occupancy = 1;
	hw->wqcap.op_config = p->version >= DEVICE_VERSION_2;

	hw->grpcap.num_groups = p->num_groups;
	hw->grpcap.total_rdbufs = p->rdbuf_ctrl ? DSA_TOTAL_RDBUFS : 0;
	hw->grpcap.rdbuf_ctrl = p->rdbuf_ctrl;
	hw->grpcap.rdbuf_limit = p->rdbuf_ctrl;
	hw->grpcap.progress_limit = p->version >= DEVICE_VERSION_2;
	hw->engcap.num_engines = p->num_engines;

	for (op = 0; op < 256; op++)
		if (dsa_opcode_supported(hw, op))
			hw->opcap.bits[op / 64] |= 1ULL << (op % 64);

	hw->offsets.grpcfg = hw->off_grpcfg / IDXD_TABLE_MULT;
	hw->offsets.wqcfg = hw->off_wqcfg / IDXD_TABLE_MULT;
	hw->offsets.msix_perm = hw->off_msix_perm / IDXD_TABLE_MULT;
	hw->offsets.ims = hw->off_ims / IDXD_TABLE_MULT;
	hw->offsets.perfmon = 0;

	/* bit n: command n is supported (1..RELEASE_INT_HANDLE) */
	hw->cmdcap = GENMASK(IDXD_CMD_RELEASE_INT_HANDLE, IDXD_CMD_ENABLE_DEVICE);
}

static void dsa_cfg_build_pcie(struct pci_cfg *cfg)
{
	unsigned int c = DSA_CAP_PCIE;

	pci_cfg_add_cap(cfg, PCI_CAP_ID_EXP, c, PCI_CAP_EXP_ENDPOINT_SIZEOF_V2);
	pci_cfg_set(cfg, c + PCI_EXP_FLAGS, 2, 2 | (PCI_EXP_TYPE_RC_END << 4));
	pci_cfg_set(cfg, c + PCI_EXP_DEVCAP, 4, PCI_EXP_DEVCAP_FLR | PCI_EXP_DEVCAP_RBER);
	/* device control: everything but Initiate FLR is plain RW */
	pci_cfg_set(cfg, c + PCI_EXP_DEVCTL, 2, PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN);
	pci_cfg_set_wmask(cfg, c + PCI_EXP_DEVCTL, 2, 0xffff);
	pci_cfg_set_w1cmask(cfg, c + PCI_EXP_DEVSTA, 2,
			    PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED |
			    PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD);
	pci_cfg_set(cfg, c + PCI_EXP_DEVCAP2, 4, PCI_EXP_DEVCAP2_COMP_TMOUT_DIS);
	pci_cfg_set_wmask(cfg, c + PCI_EXP_DEVCTL2, 2, PCI_EXP_DEVCTL2_COMP_TMOUT_DIS);
}

static void dsa_cfg_build_msix(struct dsa_hw *hw)
{
	struct pci_cfg *cfg = &hw->cfg;
	unsigned int c = DSA_CAP_MSIX;

	pci_cfg_add_cap(cfg, PCI_CAP_ID_MSIX, c, PCI_CAP_MSIX_SIZEOF);
	pci_cfg_set(cfg, c + PCI_MSIX_FLAGS, 2, (hw->p.msix_vectors - 1) & PCI_MSIX_FLAGS_QSIZE);
	pci_cfg_set_wmask(cfg, c + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	pci_cfg_set(cfg, c + PCI_MSIX_TABLE, 4, hw->off_msix | DSA_MMIO_BAR);
	pci_cfg_set(cfg, c + PCI_MSIX_PBA, 4, hw->off_pba | DSA_MMIO_BAR);
}

static void dsa_cfg_build_ext(struct dsa_hw *hw)
{
	struct pci_cfg *cfg = &hw->cfg;
	unsigned int c = DSA_ECAP_PASID, d = DSA_ECAP_DVSEC;

	pci_cfg_add_ext_cap(cfg, PCI_EXT_CAP_ID_PASID, 1, c, PCI_EXT_CAP_PASID_SIZEOF);
	pci_cfg_set(cfg, c + PCI_PASID_CAP, 2, PCI_PASID_CAP_PRIV | (IOMMU_PASID_BITS << 8));
	pci_cfg_set_wmask(cfg, c + PCI_PASID_CTRL, 2, PCI_PASID_CTRL_ENABLE | PCI_PASID_CTRL_PRIV);

	pci_cfg_add_ext_cap(cfg, PCI_EXT_CAP_ID_DVSEC, 1, d, DSA_DVSEC_LEN);
	pci_cfg_set(cfg, d + PCI_DVSEC_HEADER1, 4,
		    DSA_PCI_VENDOR_ID | ((uint32_t)DSA_DVSEC_LEN << 20));
	pci_cfg_set(cfg, d + PCI_DVSEC_HEADER2, 2, PCI_DVSEC_ID_INTEL_SIOV);
	pci_cfg_set(cfg, d + 0x0c, 4, 0x1);		/* supported page sizes: 4 KiB */
	pci_cfg_set(cfg, d + 0x10, 4, 0x1);		/* system page size: 4 KiB */
	pci_cfg_set_wmask(cfg, d + 0x10, 4, 0x1);
	pci_cfg_set(cfg, d + PCI_DVSEC_INTEL_SIOV_CAP, 4,
		    hw->p.ims_entries ? PCI_DVSEC_INTEL_SIOV_CAP_IMS : 0);
}

static void dsa_cfg_build(struct dsa_hw *hw)
{
	struct pci_cfg *cfg = &hw->cfg;

	pci_cfg_init(cfg, DSA_PCI_VENDOR_ID, DSA_PCI_DEVICE_ID, DSA_PCI_CLASS, 0);
	pci_cfg_set_bar(cfg, DSA_MMIO_BAR, hw->bar0_size, true, false);
	pci_cfg_set_bar(cfg, DSA_WQ_BAR, hw->bar2_size, true, false);
	dsa_cfg_build_pcie(cfg);
	dsa_cfg_build_msix(hw);
	dsa_cfg_build_ext(hw);
	pci_cfg_seal(cfg);
	hw->cap_pcie = DSA_CAP_PCIE;
	hw->cap_msix = DSA_CAP_MSIX;
	hw->ecap_pasid = DSA_ECAP_PASID;
	hw->ecap_dvsec = DSA_ECAP_DVSEC;
}

/* Refresh what engines read of config space, after any change to it. */
static void dsa_cfg_mirror(struct dsa_hw *hw)
{
	atomic_store(&hw->pci_command, pci_cfg_get(&hw->cfg, PCI_COMMAND, 2));
	atomic_store(&hw->msix_ctrl, pci_cfg_get(&hw->cfg, hw->cap_msix + PCI_MSIX_FLAGS, 2));
	atomic_store(&hw->pasid_ctrl, pci_cfg_get(&hw->cfg, hw->ecap_pasid + PCI_PASID_CTRL, 2));
}

bool dsa_bus_master(struct dsa_hw *hw)
{
	return atomic_load_explicit(&hw->pci_command, memory_order_relaxed) & PCI_COMMAND_MASTER;
}

/* Engines execute: the device is enabled (not halted) and may master the bus. */
bool dsa_running(struct dsa_hw *hw)
{
	return dsa_dev_enabled(hw) && dsa_bus_master(hw);
}

static bool dsa_mem_decode(struct dsa_hw *hw)
{
	return atomic_load_explicit(&hw->pci_command, memory_order_relaxed) & PCI_COMMAND_MEMORY;
}

/* ---- creation --------------------------------------------------------- */

static int dsa_alloc_tables(struct dsa_hw *hw)
{
	const struct dsa_hw_params *p = &hw->p;
	unsigned int i;

	hw->grpcfg = calloc((size_t)p->num_groups * DSA_GRPCFG_DWORDS, 4);
	hw->wqcfg = calloc((size_t)p->num_wqs * DSA_WQCFG_DWORDS, 4);
	hw->msix_perm = calloc(p->msix_vectors, sizeof(*hw->msix_perm));
	hw->msix = calloc(p->msix_vectors, sizeof(*hw->msix));
	hw->ims = calloc(max(p->ims_entries, 1U), sizeof(*hw->ims));
	hw->msix_handles = calloc(DIV_ROUND_UP(p->msix_vectors, 64), sizeof(*hw->msix_handles));
	hw->ims_handles = calloc(DIV_ROUND_UP(max(p->ims_entries, 1U), 64), sizeof(*hw->ims_handles));
	hw->wqs = calloc(p->num_wqs, sizeof(*hw->wqs));
	hw->groups = calloc(p->num_groups, sizeof(*hw->groups));
	hw->engines = calloc(p->num_engines, sizeof(*hw->engines));
	if (!hw->grpcfg || !hw->wqcfg || !hw->msix_perm || !hw->msix || !hw->ims ||
	    !hw->msix_handles || !hw->ims_handles || !hw->wqs || !hw->groups || !hw->engines)
		return -ENOMEM;
	for (i = 0; i < p->num_wqs; i++)
		hw->wqs[i].id = i;
	for (i = 0; i < p->num_groups; i++)
		hw->groups[i].id = i;
	for (i = 0; i < p->num_engines; i++) {
		hw->engines[i].hw = hw;
		hw->engines[i].id = i;
	}
	return 0;
}

static void dsa_free_tables(struct dsa_hw *hw)
{
	unsigned int i;

	for (i = 0; hw->groups && i < hw->p.num_groups; i++)
		free(hw->groups[i].wqs);
	free(hw->grpcfg);
	free(hw->wqcfg);
	free(hw->msix_perm);
	free(hw->msix);
	free(hw->ims);
	free(hw->msix_handles);
	free(hw->ims_handles);
	free(hw->wqs);
	free(hw->groups);
	free(hw->engines);
}

/*
 * A new file for portal page @i (WQ i / 4, page i % 4): a memfd of one
 * page, sealed so that whoever holds it can neither shrink it (the engines
 * would take SIGBUS polling it) nor grow it. Return: the fd, or -errno
 * with nothing left behind.
 */
static int dsa_portal_file_create(unsigned int i)
{
	char name[48];
	int fd, ret;

	snprintf(name, sizeof(name), "siovd-dsa-wq%u-portal%u", i / DSA_PORTALS_PER_WQ,
		 i % DSA_PORTALS_PER_WQ);
	fd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, DSA_PORTAL_SIZE) < 0 ||
	    fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/*
 * Map @fd shared over portal page @i of the reservation at @base, in place
 * of whatever was there (one mmap(): a thread reading the page sees the
 * old file or the new one, never a hole). Return: 0 or -errno.
 */
static int dsa_portal_file_map(uint8_t *base, unsigned int i, int fd)
{
	void *mem = mmap(base + (size_t)i * DSA_PORTAL_SIZE, DSA_PORTAL_SIZE,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED, fd, 0);

	return mem == MAP_FAILED ? -errno : 0;
}

/* Portal page @i's first file, mapped. Return: the fd, or -errno. */
static int dsa_portal_page_init(uint8_t *base, unsigned int i)
{
	int fd = dsa_portal_file_create(i), ret;

	if (fd < 0)
		return fd;
	ret = dsa_portal_file_map(base, i, fd);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

/*
 * Give portal page @i a new, empty file in place of the one handed out:
 * the new one is mapped over the old, then the model's fd of the old one
 * is closed (its holders keep a file nobody reads). The page must not be
 * polled (dsa_portal_unmapped()). Called with hw->lock.
 * Return: 0, or -errno with the old file still in place.
 */
static int dsa_portal_page_replace(struct dsa_hw *hw, unsigned int i)
{
	int fd = dsa_portal_file_create(i), ret;

	if (fd < 0)
		return fd;
	ret = dsa_portal_file_map(hw->portal, i, fd);
	if (ret) {
		/* a failed MAP_FIXED may have unmapped the old page: put it back */
		if (dsa_portal_file_map(hw->portal, i, hw->portal_fds[i]))
			pr_err("dsa: portal page %u lost its mapping\n", i);
		close(fd);
		return ret;
	}
	close(hw->portal_fds[i]);
	hw->portal_fds[i] = fd;
	return 0;
}

/*
 * BAR2 backing (see struct dsa_hw): the portal pages of every WQ, each its
 * own file, in one contiguous range so that the engines address a page as
 * hw->portal + offset. The range is reserved inaccessible first and each
 * page mapped over its part of it. BAR2 past the last WQ's pages (it is
 * sized to a power of two) has no backing.
 * Return: 0, or -errno with nothing left behind.
 */
static int dsa_portal_init(struct dsa_hw *hw)
{
	unsigned int i, n = hw->p.num_wqs * DSA_PORTALS_PER_WQ;
	size_t size = (size_t)n * DSA_PORTAL_SIZE;
	uint8_t *base;
	int ret;

	hw->portal_fds = calloc(n, sizeof(*hw->portal_fds));
	if (!hw->portal_fds)
		return -ENOMEM;
	base = mmap(NULL, size, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base == MAP_FAILED) {
		ret = -errno;
		goto out_free_fds;
	}
	for (i = 0; i < n; i++) {
		ret = dsa_portal_page_init(base, i);
		if (ret < 0)
			goto out_close_pages;
		hw->portal_fds[i] = ret;
	}
	hw->portal = base;
	hw->nr_portal_pages = n;
	return 0;

out_close_pages:
	while (i--)
		close(hw->portal_fds[i]);
	munmap(base, size);
out_free_fds:
	free(hw->portal_fds);
	hw->portal_fds = NULL;
	return ret;
}

/* Undoes dsa_portal_init(): the mappings and reservation, then the files. */
static void dsa_portal_exit(struct dsa_hw *hw)
{
	unsigned int i;

	if (!hw->portal)
		return;
	munmap(hw->portal, (size_t)hw->nr_portal_pages * DSA_PORTAL_SIZE);
	for (i = 0; i < hw->nr_portal_pages; i++)
		close(hw->portal_fds[i]);
	free(hw->portal_fds);
	hw->portal_fds = NULL;
	hw->portal = NULL;
	hw->nr_portal_pages = 0;
}

struct dsa_hw *dsa_hw_create(const struct dsa_hw_params *p, struct iommu *iommu,
			     struct irq_remap *ir, uint16_t rid)
{
	struct dsa_hw *hw;
	int ret;

	if (!p || !iommu || !ir || !dsa_params_valid(p)) {
		errno = EINVAL;
		return NULL;
	}
	hw = calloc(1, sizeof(*hw));
	if (!hw) {
		errno = ENOMEM;
		return NULL;
	}
	hw->p = *p;
	hw->iommu = iommu;
	hw->ir = ir;
	hw->rid = rid;
	pthread_mutex_init(&hw->lock, NULL);
	pthread_mutex_init(&hw->err_lock, NULL);

	ret = dsa_alloc_tables(hw);
	if (ret)
		goto out_destroy;
	dsa_layout(hw);
	ret = dsa_portal_init(hw);
	if (ret)
		goto out_destroy;
	dsa_caps_init(hw);
	dsa_cfg_build(hw);
	dsa_cfg_mirror(hw);
	dsa_regs_reset(hw);
	dsa_irq_tables_reset(hw);
	return hw;

out_destroy:
	dsa_hw_destroy(hw);
	errno = -ret;
	return NULL;
}

void dsa_hw_destroy(struct dsa_hw *hw)
{
	if (!hw)
		return;
	pthread_mutex_lock(&hw->lock);
	if (hw->engines && (dsa_dev_enabled(hw) || dsa_dev_halted(hw)))
		dsa_device_disable_locked(hw, true);
	pthread_mutex_unlock(&hw->lock);
	dsa_portal_exit(hw);
	dsa_free_tables(hw);
	pthread_mutex_destroy(&hw->err_lock);
	pthread_mutex_destroy(&hw->lock);
	free(hw);
}

/**
 * dsa_hw_reset_locked - device reset; with @flr also Function Level Reset:
 * configuration space, MSI-X/IMS tables and portal memory return to their
 * power-on state. A software RESET_DEVICE (@flr false) keeps configuration
 * space, the MSI-X table, the MSI-X permissions and the IMS table.
 * Called with hw->lock held.
 */
void dsa_hw_reset_locked(struct dsa_hw *hw, bool flr)
{
	if (dsa_dev_enabled(hw) || dsa_dev_halted(hw))
		dsa_device_disable_locked(hw, true);
	dsa_regs_reset(hw);
	if (!flr)
		return;
	pci_cfg_reset(&hw->cfg);
	dsa_cfg_mirror(hw);
	dsa_irq_tables_reset(hw);
	memset(hw->portal, 0, (size_t)hw->nr_portal_pages * DSA_PORTAL_SIZE);
}

/* ---- pci_func_ops ------------------------------------------------------- */

static int dsa_cfg_read(void *opaque, unsigned int off, unsigned int len, uint32_t *val)
{
	struct dsa_hw *hw = opaque;
	int ret;

	pthread_mutex_lock(&hw->lock);
	ret = pci_cfg_read(&hw->cfg, off, len, val);
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

/*
 * Bus mastering turned off while the device is enabled: the device cannot
 * reach memory any more and halts (GENSTS.state = Halt, reset type
 * software: RESET_DEVICE recovers it), flagging INTCAUSE.HALT_STATE and, with
 * GENCTRL.halt_int_en, raising vector 0 (pending until it can be sent).
 * Turned back on: interrupt messages held back meanwhile are sent.
 */
static void dsa_bus_master_changed(struct dsa_hw *hw, uint32_t old_cmd)
{
	bool was = old_cmd & PCI_COMMAND_MASTER, is = dsa_bus_master(hw);
	union genctrl_reg ctl;

	if (was && !is && dsa_dev_enabled(hw)) {
		atomic_store(&hw->gensts, IDXD_DEVICE_STATE_HALT |
			     (IDXD_DEVICE_RESET_SOFTWARE << 2));
		pr_warn("dsa: bus mastering disabled while enabled: device halted\n");
		atomic_fetch_or(&hw->intcause, IDXD_INTC_HALT_STATE);
		ctl.bits = atomic_load(&hw->genctrl);
		if (ctl.halt_int_en)
			dsa_msix_fire(hw, 0);
	} else if (!was && is) {
		dsa_irq_bus_master_on(hw);
	}
}

static int dsa_cfg_write(void *opaque, unsigned int off, unsigned int len, uint32_t val)
{
	struct dsa_hw *hw = opaque;
	unsigned int devctl = hw->cap_pcie + PCI_EXP_DEVCTL;
	uint32_t old_msix, new_msix, old_cmd;
	int ret;

	pthread_mutex_lock(&hw->lock);
	old_msix = atomic_load(&hw->msix_ctrl);
	ret = pci_cfg_write(&hw->cfg, off, len, val);
	if (ret)
		goto out_unlock;
	if (pci_cfg_get(&hw->cfg, devctl, 2) & PCI_EXP_DEVCTL_BCR_FLR) {
		/* Initiate FLR always reads 0; the reset happens now */
		pci_cfg_set(&hw->cfg, devctl, 2,
			    pci_cfg_get(&hw->cfg, devctl, 2) & ~PCI_EXP_DEVCTL_BCR_FLR);
		dsa_hw_reset_locked(hw, true);
		goto out_unlock;
	}
	old_cmd = atomic_load(&hw->pci_command);
	dsa_cfg_mirror(hw);
	dsa_bus_master_changed(hw, old_cmd);
	new_msix = atomic_load(&hw->msix_ctrl);
	if ((new_msix & PCI_MSIX_FLAGS_ENABLE) && !(new_msix & PCI_MSIX_FLAGS_MASKALL) &&
	    (!(old_msix & PCI_MSIX_FLAGS_ENABLE) || (old_msix & PCI_MSIX_FLAGS_MASKALL)))
		dsa_msix_all_unmasked(hw);
out_unlock:
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

static uint64_t dsa_bar_size(struct dsa_hw *hw, int bar)
{
	if (bar == DSA_MMIO_BAR)
		return hw->bar0_size;
	if (bar == DSA_WQ_BAR)
		return hw->bar2_size;
	return 0;
}

/* Common checks of a trapped BAR access. Return: 0 or -errno. */
static int dsa_mmio_check(struct dsa_hw *hw, int bar, uint64_t off, uint64_t len)
{
	uint64_t size;

	if (bar < 0 || bar >= PCI_FUNC_NUM_BARS)
		return -EINVAL;
	size = dsa_bar_size(hw, bar);
	if (!size)
		return -ENODEV;
	if (off >= size || len > size - off)
		return -ERANGE;
	if (!dsa_mem_decode(hw))
		return -ENODEV;
	return 0;
}

static int dsa_mmio_read(void *opaque, int bar, uint64_t off, unsigned int len, uint64_t *val)
{
	struct dsa_hw *hw = opaque;
	int ret;

	if ((len != 1 && len != 2 && len != 4 && len != 8) || (off & (len - 1)) || !val)
		return -EINVAL;
	ret = dsa_mmio_check(hw, bar, off, len);
	if (ret)
		return ret;
	if (bar == DSA_WQ_BAR) {
		*val = 0;		/* portals read as zero */
		return 0;
	}
	pthread_mutex_lock(&hw->lock);
	ret = dsa_bar0_read(hw, off, len, val);
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

static int dsa_mmio_write(void *opaque, int bar, uint64_t off, unsigned int len, uint64_t val)
{
	struct dsa_hw *hw = opaque;
	int ret;

	if ((len != 1 && len != 2 && len != 4 && len != 8) || (off & (len - 1)))
		return -EINVAL;
	ret = dsa_mmio_check(hw, bar, off, len);
	if (ret)
		return ret;
	if (bar == DSA_WQ_BAR)
		return 0;	/* a portal only takes 64-byte writes; others are dropped */
	pthread_mutex_lock(&hw->lock);
	ret = dsa_bar0_write(hw, off, len, val);
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

static int dsa_mmio_write_block(void *opaque, int bar, uint64_t off, const void *buf, size_t len)
{
	struct dsa_hw *hw = opaque;
	int ret;

	if (len != DSA_DESC_SIZE || (off & (DSA_DESC_SIZE - 1)) || !buf)
		return -EINVAL;
	ret = dsa_mmio_check(hw, bar, off, len);
	if (ret)
		return ret;
	if (bar != DSA_WQ_BAR)
		return -EOPNOTSUPP;
	return dsa_portal_submit(hw, off, buf);
}

/*
 * The portal page [@off, @off + @len) of BAR @bar lies in, for bar_mmap
 * and bar_revoke: only BAR2 and only inside one page. Return: 0 with
 * *@page (index in BAR2), *@wq its WQ and *@bit its bit in the WQ's page
 * masks; -ENODEV (not BAR2, or past the last portal page), -EOPNOTSUPP
 * (spans pages), -EINVAL (empty).
 */
static int dsa_bar2_page(struct dsa_hw *hw, int bar, uint64_t off, uint64_t len,
			 unsigned int *page, struct dsa_wq **wq, unsigned int *bit)
{
	uint64_t p;

	if (bar != DSA_WQ_BAR)
		return -ENODEV;
	if (off >= hw->bar2_size || len > hw->bar2_size - off)
		return -ENODEV;
	if (!len)
		return -EINVAL;
	p = off / DSA_PORTAL_SIZE;
	if ((off + len - 1) / DSA_PORTAL_SIZE != p)
		return -EOPNOTSUPP;
	if (p >= hw->nr_portal_pages)
		return -ENODEV;
	*page = (unsigned int)p;
	*wq = &hw->wqs[p / DSA_PORTALS_PER_WQ];
	*bit = 1U << (p % DSA_PORTALS_PER_WQ);
	return 0;
}

/*
 * bar_mmap (see pci_func.h): only BAR2, and only inside one portal page,
 * which comes with that page's own file: one WQ's page never carries
 * another's. [@off, @off + @len) spanning pages gets -EOPNOTSUPP (a client
 * maps the pages it is given one by one), BAR0 and BAR2 past the last
 * portal page -ENODEV, an empty range -EINVAL. A page revoked without a
 * new file gets one first (or the error of making it). The page is polled
 * from now on (dsa_portal_mapped()).
 */
static int dsa_bar_mmap(void *opaque, int bar, uint64_t off, uint64_t len, int *fd,
			uint64_t *fd_off)
{
	struct dsa_hw *hw = opaque;
	unsigned int page, bit;
	struct dsa_wq *wq;
	int ret;

	if (!fd || !fd_off)
		return -ENODEV;
	ret = dsa_bar2_page(hw, bar, off, len, &page, &wq, &bit);
	if (ret)
		return ret;
	pthread_mutex_lock(&hw->lock);
	if (wq->stale & bit) {
		ret = dsa_portal_page_replace(hw, page);
		if (ret)
			goto out_unlock;
		wq->stale &= ~bit;
	}
	dsa_portal_mapped(hw, off, len);
	*fd = hw->portal_fds[page];
	*fd_off = off % DSA_PORTAL_SIZE;
out_unlock:
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

/*
 * bar_revoke (see pci_func.h), on the ranges bar_mmap takes: the page
 * stops being polled (the engines have left it when this returns: what its
 * file holds is dropped), its cursor goes back to slot 0, and it gets a new
 * empty file mapped over the old one; the old fd is closed. -ENOENT for a
 * page not handed out since it got its file. If the new file cannot be
 * made the page stays unpolled, marked stale, and the error is returned:
 * bar_mmap tries again before it hands anything out.
 */
static int dsa_bar_revoke(void *opaque, int bar, uint64_t off, uint64_t len)
{
	struct dsa_hw *hw = opaque;
	unsigned int page, bit;
	struct dsa_wq *wq;
	int ret;

	ret = dsa_bar2_page(hw, bar, off, len, &page, &wq, &bit);
	if (ret)
		return ret;
	pthread_mutex_lock(&hw->lock);
	if (atomic_load(&wq->mapped) & bit) {
		dsa_portal_unmapped(hw, page);
		wq->stale |= bit;
	} else if (!(wq->stale & bit)) {
		ret = -ENOENT;
		goto out_unlock;
	}
	ret = dsa_portal_page_replace(hw, page);
	if (!ret)
		wq->stale &= ~bit;
	else
		pr_warn("dsa: portal page %u revoked, no new file yet: %d\n", page, ret);
out_unlock:
	pthread_mutex_unlock(&hw->lock);
	return ret;
}

static int dsa_bar_info(void *opaque, int bar, struct pci_func_bar_info *info)
{
	struct dsa_hw *hw = opaque;

	if (bar < 0 || bar >= PCI_FUNC_NUM_BARS || !info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->size = dsa_bar_size(hw, bar);
	info->is_64bit = info->size != 0;
	/* BAR2: each portal page its own file (dsa_bar_mmap()) */
	if (bar == DSA_WQ_BAR)
		info->mmap_unit = DSA_PORTAL_SIZE;
	return 0;
}

static int dsa_flr(void *opaque)
{
	struct dsa_hw *hw = opaque;

	pthread_mutex_lock(&hw->lock);
	dsa_hw_reset_locked(hw, true);
	pthread_mutex_unlock(&hw->lock);
	return 0;
}

const struct pci_func_ops dsa_hw_pci_ops = {
	.cfg_read = dsa_cfg_read,
	.cfg_write = dsa_cfg_write,
	.mmio_read = dsa_mmio_read,
	.mmio_write = dsa_mmio_write,
	.mmio_write_block = dsa_mmio_write_block,
	.bar_mmap = dsa_bar_mmap,
	.bar_revoke = dsa_bar_revoke,
	.bar_info = dsa_bar_info,
	.flr = dsa_flr,
};
