// SPDX-License-Identifier: GPL-2.0-only
/*
 * The descriptor decoder and engines of the DSA model on arbitrary
 * descriptors, against a sandboxed address space: one 1 MiB window of test
 * memory mapped at a fixed IOVA, everything else unmapped. The device is
 * reached only through its PCI function ops, as a driver would.
 *
 * Input: records of [flags: 1 byte][descriptor: 64 bytes]. Flag bit 0 folds
 * every address field into the window (so that operations run instead of
 * faulting), bits 1-2 pick the WQ (dedicated, dedicated with PASID, shared)
 * and bit 3 the portal page. After each input the WQs are drained, so every
 * descriptor has finished before the next input.
 */
#include <linux/idxd.h>
#include <linux/pci_regs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "fuzz.h"
#include "hw/dsa/dsa.h"
#include "iommu/iommu.h"
#include "irq/remap.h"
#include "spec/dsa.h"

#define RID		0x50
#define PASID		7
#define WIN_IOVA	0x40000000ULL
#define WIN_SIZE	(1UL << 20)

static struct dsa_hw *hw;
static const struct pci_func_ops *ops = &dsa_hw_pci_ops;
static uint8_t *win;
static uint32_t wqcfg_base, grpcfg_base;

static void wr32(uint64_t off, uint32_t v)
{
	ops->mmio_write(hw, DSA_MMIO_BAR, off, 4, v);
}

static void wr64(uint64_t off, uint64_t v)
{
	ops->mmio_write(hw, DSA_MMIO_BAR, off, 8, v);
}

static uint32_t cmd(unsigned int c, uint32_t operand)
{
	union idxd_command_reg r = { .bits = 0 };
	uint64_t sts = 0;

	r.cmd = c;
	r.operand = operand;
	wr32(IDXD_CMD_OFFSET, r.bits);
	ops->mmio_read(hw, DSA_MMIO_BAR, IDXD_CMDSTS_OFFSET, 4, &sts);
	return (uint32_t)sts;
}

static void wq_setup(unsigned int wq, bool dedicated, bool pasid)
{
	union wqcfg c;
	unsigned int i;

	memset(&c, 0, sizeof(c));
	c.wq_size = 16;
	c.mode = dedicated;
	c.priority = 1;
	c.max_xfer_shift = 20;
	c.max_batch_shift = 5;
	c.pasid_en = pasid;
	c.pasid = pasid ? PASID : 0;
	if (!dedicated)
		c.wq_thresh = 16;
	for (i = 0; i < 8; i++)
		wr32(wqcfg_base + wq * 32 + 4 * i, c.bits[i]);
}

static void setup(void)
{
	struct iommu *iommu = iommu_create();
	struct irq_remap *ir = irq_remap_create(1024);
	struct dsa_hw_params p;
	struct iommu_domain *dom;
	uint64_t offs = 0;
	unsigned int pasid_cap = 0, pos;
	uint32_t hdr;

	dsa_hw_params_default(&p);
	hw = dsa_hw_create(&p, iommu, ir, RID);
	win = mmap(NULL, WIN_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	dom = iommu_domain_alloc(iommu);
	if (!hw || win == MAP_FAILED || !dom ||
	    iommu_map(dom, WIN_IOVA, win, WIN_SIZE, IOMMU_READ | IOMMU_WRITE) ||
	    iommu_attach_device_pasid(dom, RID, IOMMU_NO_PASID) ||
	    iommu_attach_device_pasid(dom, RID, PASID))
		abort();
	ops->cfg_write(hw, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* PASID capability enable, needed for PASID-enabled and shared WQs */
	for (pos = 0x100; pos; pos = PCI_EXT_CAP_NEXT(hdr)) {
		ops->cfg_read(hw, pos, 4, &hdr);
		if (PCI_EXT_CAP_ID(hdr) == PCI_EXT_CAP_ID_PASID) {
			pasid_cap = pos;
			break;
		}
		if (!hdr)
			break;
	}
	if (pasid_cap)
		ops->cfg_write(hw, pasid_cap + PCI_PASID_CTRL, 2, PCI_PASID_CTRL_ENABLE);
	ops->mmio_read(hw, DSA_MMIO_BAR, IDXD_TABLE_OFFSET, 8, &offs);
	grpcfg_base = (offs & 0xffff) * IDXD_TABLE_MULT;
	wqcfg_base = ((offs >> 16) & 0xffff) * IDXD_TABLE_MULT;
	wq_setup(0, true, false);
	wq_setup(1, true, true);
	wq_setup(2, false, true);
	wr64(grpcfg_base + GRPCFG_WQS_OFFSET, 0x7);
	wr64(grpcfg_base + GRPCFG_ENGINES_OFFSET, 0x3);
	cmd(IDXD_CMD_ENABLE_DEVICE, 0);
	cmd(IDXD_CMD_ENABLE_WQ, 0);
	cmd(IDXD_CMD_ENABLE_WQ, 1);
	cmd(IDXD_CMD_ENABLE_WQ, 2);
}

static uint64_t fold(uint64_t addr)
{
	return WIN_IOVA + (addr % WIN_SIZE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	struct dsa_hw_desc d;
	unsigned int wq;

	if (!hw)
		setup();
	while (in.left >= 1 + sizeof(d)) {
		unsigned int flags = fuzz_take(&in, 1);

		memcpy(&d, in.p, sizeof(d));
		in.p += sizeof(d);
		in.left -= sizeof(d);
		if (flags & 1) {
			d.completion_addr = fold(d.completion_addr) & ~31ULL;
			d.src_addr = fold(d.src_addr);
			d.dst_addr = fold(d.dst_addr);
			d.dest2 = fold(d.dest2);
			if (d.xfer_size > WIN_SIZE / 4)
				d.xfer_size %= WIN_SIZE / 4;
		}
		wq = ((flags >> 1) & 3) % 3;
		ops->mmio_write_block(hw, DSA_WQ_BAR,
				      dsa_portal_offset(wq, (flags >> 3) & 1, (flags >> 4) & 1),
				      &d, sizeof(d));
	}
	cmd(IDXD_CMD_DRAIN_WQ, 0x7);
	/* acknowledge software errors so that the next input starts clean */
	wr64(IDXD_SWERR_OFFSET, IDXD_SWERR_ACK);
	wr32(IDXD_INTCAUSE_OFFSET, ~0U);
	return 0;
}
