// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <linux/pci_regs.h>
#include <poll.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "dsa_harness.h"

#define WAIT_LIMIT_MS	20000	/* liveness bound only; no test measures time */

void h_setup(struct harness *h, const struct dsa_hw_params *p)
{
	uint64_t offs;

	memset(h, 0, sizeof(*h));
	if (p) {
		h->p = *p;
	} else {
		dsa_hw_params_dsa2(&h->p);
		h->p.page_req_timeout_ms = WAIT_LIMIT_MS;
	}
	h->iommu = iommu_create();
	h->ir = irq_remap_create(4096);
	assert_non_null(h->iommu);
	assert_non_null(h->ir);
	h->hw = dsa_hw_create(&h->p, h->iommu, h->ir, H_RID);
	assert_non_null(h->hw);
	h->ops = &dsa_hw_pci_ops;
	h->mem = mmap(NULL, H_MEM_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(h->mem != MAP_FAILED);
	h->dom = iommu_domain_alloc(h->iommu);
	assert_int_equal(iommu_map(h->dom, H_IOVA, h->mem, H_MEM_SIZE, IOMMU_READ | IOMMU_WRITE), 0);
	assert_int_equal(iommu_attach_device_pasid(h->dom, H_RID, IOMMU_NO_PASID), 0);

	h_cfg_wr(h, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	offs = h_rd64(h, IDXD_TABLE_OFFSET);
	h->grpcfg = (uint32_t)(offs & 0xffff) * IDXD_TABLE_MULT;
	h->wqcfg = (uint32_t)((offs >> 16) & 0xffff) * IDXD_TABLE_MULT;
	h->msix_perm = (uint32_t)((offs >> 32) & 0xffff) * IDXD_TABLE_MULT;
	h->ims = (uint32_t)((offs >> 48) & 0xffff) * IDXD_TABLE_MULT;
	h->wqcfg_stride = 32U << ((h_rd64(h, IDXD_WQCAP_OFFSET) >> 24) & 0xf);
	{
		unsigned int c = h_find_cap(h, PCI_CAP_ID_MSIX, false);

		h->msix_table = h_cfg_rd(h, c + PCI_MSIX_TABLE, 4) & ~7U;
		h->msix_pba = h_cfg_rd(h, c + PCI_MSIX_PBA, 4) & ~7U;
	}
}

int h_fixture_setup(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));

	assert_non_null(h);
	h_setup(h, NULL);
	*state = h;
	return 0;
}

int h_fixture_teardown(void **state)
{
	h_teardown(*state);
	free(*state);
	return 0;
}

void h_teardown(struct harness *h)
{
	unsigned int i;

	dsa_hw_destroy(h->hw);
	if (h->hole_mapped)
		iommu_unmap(h->dom, H_HOLE, H_HOLE_SIZE);
	for (i = 0; i < h->nr_irtes; i++)
		irq_remap_free(h->ir, (unsigned int)h->irtes[i]);
	iommu_detach_device_pasid(h->iommu, H_RID, IOMMU_NO_PASID);
	iommu_domain_free(h->dom);
	iommu_destroy(h->iommu);
	irq_remap_destroy(h->ir);
	munmap(h->mem, H_MEM_SIZE);
}

uint8_t *h_map_portal(struct harness *h, unsigned int wq, unsigned int page)
{
	uint64_t off = dsa_portal_offset(wq, DSA_PORTAL_UNLIMITED, DSA_IRQ_MSIX) +
		       (uint64_t)page * DSA_PORTAL_SIZE;
	uint64_t fd_off;
	void *p;
	int fd;

	assert_int_equal(h->ops->bar_mmap(h->hw, DSA_WQ_BAR, off, DSA_PORTAL_SIZE, &fd, &fd_off),
			 0);
	p = mmap(NULL, DSA_PORTAL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)fd_off);
	assert_true(p != MAP_FAILED);
	return p;
}

uint32_t h_cfg_rd(struct harness *h, unsigned int off, unsigned int len)
{
	uint32_t v = 0;

	assert_int_equal(h->ops->cfg_read(h->hw, off, len, &v), 0);
	return v;
}

void h_cfg_wr(struct harness *h, unsigned int off, unsigned int len, uint32_t val)
{
	assert_int_equal(h->ops->cfg_write(h->hw, off, len, val), 0);
}

unsigned int h_find_cap(struct harness *h, unsigned int id, bool ext)
{
	unsigned int off, n;

	if (!ext) {
		for (off = h_cfg_rd(h, PCI_CAPABILITY_LIST, 1), n = 0; off && n < 48;
		     off = h_cfg_rd(h, off + PCI_CAP_LIST_NEXT, 1), n++)
			if (h_cfg_rd(h, off + PCI_CAP_LIST_ID, 1) == id)
				return off;
		return 0;
	}
	for (off = 0x100, n = 0; off && n < 64; n++) {
		uint32_t hdr = h_cfg_rd(h, off, 4);

		if (PCI_EXT_CAP_ID(hdr) == id)
			return off;
		off = PCI_EXT_CAP_NEXT(hdr);
	}
	return 0;
}

uint64_t h_rd(struct harness *h, uint64_t off, unsigned int len)
{
	uint64_t v = 0;

	assert_int_equal(h->ops->mmio_read(h->hw, DSA_MMIO_BAR, off, len, &v), 0);
	return v;
}

void h_wr(struct harness *h, uint64_t off, unsigned int len, uint64_t val)
{
	assert_int_equal(h->ops->mmio_write(h->hw, DSA_MMIO_BAR, off, len, val), 0);
}

uint32_t h_cmd(struct harness *h, unsigned int cmd, uint32_t operand)
{
	union idxd_command_reg c = { .bits = 0 };
	uint32_t sts;

	c.cmd = cmd;
	c.operand = operand;
	h_wr32(h, IDXD_CMD_OFFSET, c.bits);
	sts = h_rd32(h, IDXD_CMDSTS_OFFSET);
	assert_int_equal(sts & IDXD_CMDSTS_ACTIVE, 0);
	return sts;
}

void h_grpcfg(struct harness *h, unsigned int grp, uint64_t wqs, uint64_t engines)
{
	uint64_t base = h->grpcfg + (uint64_t)grp * GRPCFG_SIZE;

	h_wr64(h, base + GRPCFG_WQS_OFFSET, wqs);
	h_wr64(h, base + GRPCFG_ENGINES_OFFSET, engines);
}

void h_wqcfg(struct harness *h, unsigned int wq, const union wqcfg *c)
{
	uint64_t base = h_wqcfg_off(h, wq, 0);
	unsigned int i;

	for (i = 0; i < 8; i++)
		h_wr32(h, base + 4 * i, c->bits[i]);
}

void h_wqcfg_dedicated(union wqcfg *c, uint16_t size)
{
	memset(c, 0, sizeof(*c));
	c->wq_size = size;
	c->mode = 1;
	c->priority = 1;
	c->max_xfer_shift = 31;
	c->max_batch_shift = 10;
}

void h_start(struct harness *h, unsigned int nwqs, uint16_t size, unsigned int nengines)
{
	union wqcfg c;
	unsigned int i;

	h_wqcfg_dedicated(&c, size);
	c.bof = ((union gen_cap_reg){ .bits = h_rd64(h, IDXD_GENCAP_OFFSET) }).block_on_fault;
	for (i = 0; i < nwqs; i++)
		h_wqcfg(h, i, &c);
	h_grpcfg(h, 0, (1ULL << nwqs) - 1, (1ULL << nengines) - 1);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_DEVICE, 0), 0);
	for (i = 0; i < nwqs; i++)
		assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, i), 0);
}

int h_submit(struct harness *h, unsigned int wq, unsigned int page, const struct dsa_hw_desc *d)
{
	uint64_t off = (uint64_t)wq * DSA_PORTALS_PER_WQ * DSA_PORTAL_SIZE +
		       (uint64_t)page * DSA_PORTAL_SIZE;

	return h->ops->mmio_write_block(h->hw, DSA_WQ_BAR, off, d, sizeof(*d));
}

unsigned int h_occupancy(struct harness *h, unsigned int wq)
{
	return h_rd32(h, h_wqcfg_off(h, wq, WQCFG_OCCUP_IDX)) & WQCFG_OCCUP_MASK;
}

static void sleep_us(long us);

void h_block(struct harness *h, unsigned int wq, uint32_t pasid,
	     struct dsa_completion_record *cr)
{
	struct dsa_hw_desc d;
	long i;

	h_desc(h, &d, DSA_OPCODE_MEMFILL, cr);
	d.flags |= IDXD_OP_FLAG_BOF;
	d.dst_addr = H_HOLE;
	d.pattern = 0x0123456789abcdefULL;
	d.xfer_size = 8;
	d.pasid = pasid;
	assert_int_equal(h_submit(h, wq, 0, &d), 0);
	for (i = 0; i < WAIT_LIMIT_MS * 10L && h_occupancy(h, wq); i++)
		sleep_us(100);
	assert_int_equal(h_occupancy(h, wq), 0);
}

void h_unblock(struct harness *h)
{
	assert_int_equal(iommu_map(h->dom, H_HOLE, h->mem + H_MEM_SIZE - H_HOLE_SIZE, H_HOLE_SIZE, IOMMU_READ | IOMMU_WRITE), 0);
	h->hole_mapped = true;
}

static void sleep_us(long us)
{
	struct timespec ts = { us / 1000000, (us % 1000000) * 1000 };

	nanosleep(&ts, NULL);
}

uint8_t h_wait(const struct dsa_completion_record *cr)
{
	const _Atomic uint8_t *st = (const _Atomic uint8_t *)&cr->status;
	long i;

	for (i = 0; i < WAIT_LIMIT_MS * 10L; i++) {
		uint8_t s = atomic_load_explicit(st, memory_order_acquire);

		if (s)
			return s;
		sleep_us(100);
	}
	return 0;
}

void h_desc(struct harness *h, struct dsa_hw_desc *d, unsigned int opcode,
	    struct dsa_completion_record *cr)
{
	memset(d, 0, sizeof(*d));
	d->opcode = opcode;
	d->flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
	d->completion_addr = h_iova(h, cr);
	memset(cr, 0, sizeof(*cr));
}

int h_irte(struct harness *h, struct msi_msg *msg, int *efd)
{
	int idx = irq_remap_alloc(h->ir, H_RID);

	assert_true(idx >= 0);
	assert_true(h->nr_irtes < 32);
	h->irtes[h->nr_irtes++] = idx;
	*efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(*efd >= 0);
	assert_int_equal(irq_remap_set_eventfd(h->ir, (unsigned int)idx, *efd), 0);
	irq_remap_compose_msg((unsigned int)idx, msg);
	return idx;
}

void h_msix_program(struct harness *h, unsigned int vec, const struct msi_msg *msg)
{
	uint64_t e = h->msix_table + (uint64_t)vec * 16;
	unsigned int c = h_find_cap(h, PCI_CAP_ID_MSIX, false);

	h_wr64(h, e + PCI_MSIX_ENTRY_LOWER_ADDR, msg->address);
	h_wr32(h, e + PCI_MSIX_ENTRY_DATA, msg->data);
	h_wr32(h, e + PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
	h_cfg_wr(h, c + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
}

void h_ims_program(struct harness *h, unsigned int idx, const struct msi_msg *msg, uint32_t ctrl)
{
	uint64_t e = h->ims + (uint64_t)idx * IDXD_IMS_ENTRY_SIZE;

	h_wr64(h, e + IDXD_IMS_ADDR_OFFSET, msg->address);
	h_wr32(h, e + IDXD_IMS_DATA_OFFSET, msg->data);
	h_wr32(h, e + IDXD_IMS_CTRL_OFFSET, ctrl);
}

uint64_t h_ev(int efd)
{
	uint64_t v = 0;

	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

uint64_t h_ev_wait(int efd)
{
	struct pollfd pfd = { .fd = efd, .events = POLLIN };

	if (poll(&pfd, 1, WAIT_LIMIT_MS) != 1)
		return 0;
	return h_ev(efd);
}
