// SPDX-License-Identifier: GPL-2.0-only
/*
 * The emulated DSA function as a vfio_device (see dsa_pt.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "hw/dsa/dsa.h"
#include "iommu/iommu.h"
#include "irq/remap.h"
#include "lib/evloop.h"
#include "spec/dsa.h"
#include "vfio/core/vfio_core.h"
#include "vfio/user/vfio_user.h"
#include "dsa_pt.h"

#define PT_CONFIG_SIZE		4096

static struct dsa_pt *to_pt(struct vfio_device *vdev)
{
	return (struct dsa_pt *)vdev;
}

static int pt_mmio_rd(struct dsa_pt *pt, uint64_t off, unsigned int len, uint64_t *v)
{
	return dsa_hw_pci_ops.mmio_read(pt->hw, DSA_MMIO_BAR, off, len, v);
}

static int pt_mmio_wr(struct dsa_pt *pt, uint64_t off, unsigned int len, uint64_t v)
{
	return dsa_hw_pci_ops.mmio_write(pt->hw, DSA_MMIO_BAR, off, len, v);
}

/* Run @fn with memory decoding on, as firmware touching the BAR would. */
static int pt_with_decode(struct dsa_pt *pt, int (*fn)(struct dsa_pt *pt, void *arg), void *arg)
{
	uint32_t cmd = 0;
	int rc;

	rc = dsa_hw_pci_ops.cfg_read(pt->hw, PCI_COMMAND, 2, &cmd);
	if (rc)
		return rc;
	if (!(cmd & PCI_COMMAND_MEMORY)) {
		rc = dsa_hw_pci_ops.cfg_write(pt->hw, PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY);
		if (rc)
			return rc;
	}
	rc = fn(pt, arg);
	if (!(cmd & PCI_COMMAND_MEMORY))
		dsa_hw_pci_ops.cfg_write(pt->hw, PCI_COMMAND, 2, cmd);
	return rc;
}

/* WQ 0 dedicated with group 0 and engine 0: the host's configuration. */
static int pt_preconfigure(struct dsa_pt *pt, void *arg)
{
	uint64_t offs, gencap;
	uint32_t grpcfg, wqcfg;
	union gen_cap_reg gc;
	union wqcfg c;
	unsigned int i;
	int rc;

	if ((rc = pt_mmio_rd(pt, IDXD_TABLE_OFFSET, 8, &offs)) ||
	    (rc = pt_mmio_rd(pt, IDXD_GENCAP_OFFSET, 8, &gencap)))
		return rc;
	gc.bits = gencap;
	grpcfg = (uint32_t)(offs & 0xffff) * IDXD_TABLE_MULT;
	wqcfg = (uint32_t)((offs >> 16) & 0xffff) * IDXD_TABLE_MULT;
	memset(&c, 0, sizeof(c));
	c.wq_size = pt->wq_size;
	c.mode = 1;
	c.priority = 1;
	c.max_xfer_shift = gc.max_xfer_shift;
	c.max_batch_shift = gc.max_batch_shift;
	for (i = 0; i < 8; i++) {
		rc = pt_mmio_wr(pt, wqcfg + 4 * i, 4, c.bits[i]);
		if (rc)
			return rc;
	}
	if ((rc = pt_mmio_wr(pt, grpcfg + GRPCFG_WQS_OFFSET, 8, 1)) ||
	    (rc = pt_mmio_wr(pt, grpcfg + GRPCFG_ENGINES_OFFSET, 8, 1)))
		return rc;
	return 0;
}

static int pt_find_msix_table(struct dsa_pt *pt)
{
	uint32_t pos = 0, id, table, n;

	dsa_hw_pci_ops.cfg_read(pt->hw, PCI_CAPABILITY_LIST, 1, &pos);
	for (n = 0; pos && n < 48; n++) {
		dsa_hw_pci_ops.cfg_read(pt->hw, pos + PCI_CAP_LIST_ID, 1, &id);
		if (id == PCI_CAP_ID_MSIX) {
			dsa_hw_pci_ops.cfg_read(pt->hw, pos + PCI_MSIX_TABLE, 4, &table);
			pt->msix_table = table & PCI_MSIX_TABLE_OFFSET;
			dsa_hw_pci_ops.cfg_read(pt->hw, pos + PCI_MSIX_FLAGS, 2, &n);
			pt->nr_vectors = (n & PCI_MSIX_FLAGS_QSIZE) + 1;
			if (pt->nr_vectors > DSA_PT_MAX_VECTORS)
				pt->nr_vectors = DSA_PT_MAX_VECTORS;
			return 0;
		}
		dsa_hw_pci_ops.cfg_read(pt->hw, pos + PCI_CAP_LIST_NEXT, 1, &pos);
	}
	return -ENODEV;
}

/* ---- regions ------------------------------------------------------------ */

static ssize_t pt_cfg_rw(struct dsa_pt *pt, uint64_t off, char *rbuf, const char *wbuf,
			 size_t count)
{
	size_t done = 0, len;
	uint32_t v;
	int rc;

	if (off >= PT_CONFIG_SIZE || count > PT_CONFIG_SIZE - off)
		return -EFAULT;
	while (done < count) {
		/* Largest naturally aligned access that fits. */
		len = ((off + done) % 4 == 0 && count - done >= 4) ? 4 :
		      ((off + done) % 2 == 0 && count - done >= 2) ? 2 : 1;
		if (rbuf) {
			rc = dsa_hw_pci_ops.cfg_read(pt->hw, (unsigned int)(off + done),
						     (unsigned int)len, &v);
			memcpy(rbuf + done, &v, len);
		} else {
			v = 0;
			memcpy(&v, wbuf + done, len);
			rc = dsa_hw_pci_ops.cfg_write(pt->hw, (unsigned int)(off + done),
						      (unsigned int)len, v);
		}
		if (rc)
			return rc;
		done += len;
	}
	return (ssize_t)count;
}

static ssize_t pt_bar_rw(struct dsa_pt *pt, int bar, uint64_t off, char *rbuf,
			 const char *wbuf, size_t count)
{
	uint64_t size = bar == DSA_MMIO_BAR ? pt->bar0_size : pt->bar2_size;
	uint64_t v = 0;
	int rc;

	if (off >= size || count > size - off)
		return -EFAULT;
	if (bar == DSA_WQ_BAR && wbuf) {
		if (count != DSA_DESC_SIZE)
			return -EINVAL;
		rc = dsa_hw_pci_ops.mmio_write_block(pt->hw, bar, off, wbuf, count);
	} else if (count != 1 && count != 2 && count != 4 && count != 8) {
		return -EINVAL;
	} else if (rbuf) {
		rc = dsa_hw_pci_ops.mmio_read(pt->hw, bar, off, (unsigned int)count, &v);
		memcpy(rbuf, &v, count);
	} else {
		memcpy(&v, wbuf, count);
		rc = dsa_hw_pci_ops.mmio_write(pt->hw, bar, off, (unsigned int)count, v);
	}
	if (rc == -ERANGE)
		return -EFAULT;
	return rc ? rc : (ssize_t)count;
}

static ssize_t pt_rw(struct vfio_device *vdev, char *rbuf, const char *wbuf, size_t count,
		     uint64_t *ppos)
{
	struct dsa_pt *pt = to_pt(vdev);
	uint64_t index = VFIO_PCI_OFFSET_TO_INDEX(*ppos), off = *ppos & VFIO_PCI_OFFSET_MASK;
	ssize_t n;

	switch (index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		n = pt_cfg_rw(pt, off, rbuf, wbuf, count);
		break;
	case VFIO_PCI_BAR0_REGION_INDEX:
		n = pt_bar_rw(pt, DSA_MMIO_BAR, off, rbuf, wbuf, count);
		break;
	case VFIO_PCI_BAR2_REGION_INDEX:
		n = pt_bar_rw(pt, DSA_WQ_BAR, off, rbuf, wbuf, count);
		break;
	default:
		return -EINVAL;
	}
	if (n > 0)
		*ppos += n;
	return n;
}

static ssize_t pt_read(struct vfio_device *vdev, char *buf, size_t count, uint64_t *ppos)
{
	return pt_rw(vdev, buf, NULL, count, ppos);
}

static ssize_t pt_write(struct vfio_device *vdev, const char *buf, size_t count, uint64_t *ppos)
{
	return pt_rw(vdev, NULL, buf, count, ppos);
}

static long pt_region_info(struct dsa_pt *pt, struct vfio_region_info *info)
{
	struct vfio_region_info_cap_sparse_mmap *sp;
	size_t need = sizeof(*info) + sizeof(*sp) + sizeof(sp->areas[0]);

	if (info->argsz < sizeof(*info) || info->index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	info->offset = VFIO_PCI_INDEX_TO_OFFSET(info->index);
	info->cap_offset = 0;
	info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	switch (info->index) {
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info->size = PT_CONFIG_SIZE;
		return 0;
	case VFIO_PCI_BAR0_REGION_INDEX:
		info->size = pt->bar0_size;
		return 0;
	case VFIO_PCI_BAR2_REGION_INDEX:
		info->size = pt->bar2_size;
		info->flags |= VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS;
		if (info->argsz < need) {
			info->argsz = need;
			return 0;
		}
		sp = (void *)(info + 1);
		memset(sp, 0, sizeof(*sp) + sizeof(sp->areas[0]));
		sp->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
		sp->header.version = 1;
		sp->nr_areas = 1;
		sp->areas[0].offset = 0;
		sp->areas[0].size = DSA_PORTAL_SIZE;
		info->cap_offset = sizeof(*info);
		return 0;
	default:
		info->size = 0;
		info->flags = 0;
		return 0;
	}
}

/* ---- MSI-X -------------------------------------------------------------- */

struct pt_vec {
	unsigned int vec;
	int irte;	/* -1: mask the entry */
};

static int pt_program_entry(struct dsa_pt *pt, void *arg)
{
	const struct pt_vec *pv = arg;
	uint64_t e = pt->msix_table + (uint64_t)pv->vec * PCI_MSIX_ENTRY_SIZE;
	struct msi_msg msg;
	int rc;

	if (pv->irte < 0)
		return pt_mmio_wr(pt, e + PCI_MSIX_ENTRY_VECTOR_CTRL, 4,
				  PCI_MSIX_ENTRY_CTRL_MASKBIT);
	irq_remap_compose_msg((unsigned int)pv->irte, &msg);
	if ((rc = pt_mmio_wr(pt, e + PCI_MSIX_ENTRY_LOWER_ADDR, 4, (uint32_t)msg.address)) ||
	    (rc = pt_mmio_wr(pt, e + PCI_MSIX_ENTRY_UPPER_ADDR, 4, msg.address >> 32)) ||
	    (rc = pt_mmio_wr(pt, e + PCI_MSIX_ENTRY_DATA, 4, msg.data)))
		return rc;
	return pt_mmio_wr(pt, e + PCI_MSIX_ENTRY_VECTOR_CTRL, 4, 0);
}

static int pt_set_vector(struct dsa_pt *pt, unsigned int vec, int fd)
{
	struct pt_vec pv = { .vec = vec, .irte = -1 };
	int rc;

	if (fd < 0) {
		if (pt->irte[vec] >= 0) {
			pt_with_decode(pt, pt_program_entry, &pv);
			irq_remap_free(pt->ir, (unsigned int)pt->irte[vec]);
			pt->irte[vec] = -1;
		}
		return 0;
	}
	if (pt->irte[vec] < 0) {
		rc = irq_remap_alloc(pt->ir, DSA_PT_RID);
		if (rc < 0)
			return rc;
		pt->irte[vec] = rc;
	}
	rc = irq_remap_set_eventfd(pt->ir, (unsigned int)pt->irte[vec], fd);
	if (rc)
		return rc;
	pv.irte = pt->irte[vec];
	return pt_with_decode(pt, pt_program_entry, &pv);
}

static long pt_set_irqs(struct dsa_pt *pt, struct vfio_irq_set *set)
{
	uint32_t i;
	int32_t fd;
	int rc;

	if (set->index != VFIO_PCI_MSIX_IRQ_INDEX)
		return -EINVAL;
	if (!set->count) {
		for (i = 0; i < pt->nr_vectors; i++)
			pt_set_vector(pt, i, -1);
		return 0;
	}
	if (!(set->flags & VFIO_IRQ_SET_DATA_EVENTFD) ||
	    !(set->flags & VFIO_IRQ_SET_ACTION_TRIGGER))
		return -EINVAL;
	for (i = 0; i < set->count; i++) {
		memcpy(&fd, set->data + i * sizeof(fd), sizeof(fd));
		rc = pt_set_vector(pt, set->start + i, fd);
		if (rc)
			return rc;
	}
	return 0;
}

static long pt_ioctl(struct vfio_device *vdev, unsigned int cmd, void *arg)
{
	struct dsa_pt *pt = to_pt(vdev);
	struct vfio_device_info *di = arg;
	struct vfio_irq_info *ii = arg;
	int rc;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		di->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
		di->num_regions = VFIO_PCI_NUM_REGIONS;
		di->num_irqs = VFIO_PCI_NUM_IRQS;
		return 0;
	case VFIO_DEVICE_GET_REGION_INFO:
		return pt_region_info(pt, arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		if (ii->index >= VFIO_PCI_NUM_IRQS)
			return -EINVAL;
		ii->flags = 0;
		ii->count = 0;
		if (ii->index == VFIO_PCI_MSIX_IRQ_INDEX) {
			ii->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE;
			ii->count = pt->nr_vectors;
		}
		return 0;
	case VFIO_DEVICE_SET_IRQS:
		return pt_set_irqs(pt, arg);
	case VFIO_DEVICE_RESET:
		rc = dsa_hw_pci_ops.flr(pt->hw);
		if (rc)
			return rc;
		for (rc = 0; rc < (int)pt->nr_vectors; rc++)
			if (pt->irte[rc] >= 0)
				pt_set_vector(pt, (unsigned int)rc, -1);
		return pt_with_decode(pt, pt_preconfigure, NULL);
	default:
		return -ENOTTY;
	}
}

static int pt_region_mmap(struct vfio_device *vdev, unsigned int index, int *fd,
			  uint64_t *fd_offset)
{
	if (index != VFIO_PCI_BAR2_REGION_INDEX)
		return -EINVAL;
	return dsa_hw_pci_ops.bar_mmap(to_pt(vdev)->hw, DSA_WQ_BAR, 0, DSA_PORTAL_SIZE, fd,
				       fd_offset);
}

static void pt_close(struct vfio_device *vdev)
{
	struct dsa_pt *pt = to_pt(vdev);
	unsigned int i;

	for (i = 0; i < pt->nr_vectors; i++)
		pt_set_vector(pt, i, -1);
}

static int pt_open(struct vfio_device *vdev)
{
	return 0;
}

static int pt_attach(struct vfio_device *vdev, struct iommu_domain *dom)
{
	return iommu_attach_device_pasid(dom, DSA_PT_RID, IOMMU_NO_PASID);
}

static void pt_detach(struct vfio_device *vdev)
{
	iommu_detach_device_pasid(to_pt(vdev)->iommu, DSA_PT_RID, IOMMU_NO_PASID);
}

static void pt_release(struct vfio_device *vdev)
{
	struct dsa_pt *pt = to_pt(vdev);

	if (pt->hw) {
		pt_close(vdev);
		dsa_hw_destroy(pt->hw);
	}
	put_device(&pt->dev);
}

static const struct vfio_device_ops pt_ops = {
	.name = "dsa-passthrough",
	.release = pt_release,
	.open_device = pt_open,
	.close_device = pt_close,
	.read = pt_read,
	.write = pt_write,
	.ioctl = pt_ioctl,
	.region_mmap = pt_region_mmap,
	.attach_ioas = pt_attach,
	.detach_ioas = pt_detach,
};

static void pt_dev_release(struct device *dev)
{
}

struct dsa_pt *dsa_pt_create(struct iommu *iommu, struct irq_remap *ir, const char *name,
			     uint16_t wq_size)
{
	struct pci_func_bar_info bi;
	struct dsa_hw_params p;
	struct dsa_pt *pt;
	unsigned int i;

	pt = vfio_alloc_device(struct dsa_pt, vdev, NULL, &pt_ops);
	if (!pt)
		return NULL;
	pt->vdev.dev = &pt->dev;
	device_initialize(&pt->dev);
	pt->dev.release = pt_dev_release;
	pt->iommu = iommu;
	pt->ir = ir;
	pt->wq_size = wq_size;
	for (i = 0; i < DSA_PT_MAX_VECTORS; i++)
		pt->irte[i] = -1;
	dsa_hw_params_default(&p);
	pt->hw = dsa_hw_create(&p, iommu, ir, DSA_PT_RID);
	if (!pt->hw || dev_set_name(&pt->dev, "%s", name))
		goto out_put;
	if (dsa_hw_pci_ops.bar_info(pt->hw, DSA_MMIO_BAR, &bi))
		goto out_put;
	pt->bar0_size = bi.size;
	if (dsa_hw_pci_ops.bar_info(pt->hw, DSA_WQ_BAR, &bi))
		goto out_put;
	pt->bar2_size = bi.size;
	if (pt_find_msix_table(pt) || pt_with_decode(pt, pt_preconfigure, NULL))
		goto out_put;
	return pt;

out_put:
	vfio_put_device(&pt->vdev);
	return NULL;
}

/* ---- server with a loop thread -------------------------------------------- */

static void *pt_loop_main(void *arg)
{
	struct dsa_pt_server *s = arg;

	while (!atomic_load(&s->stop))
		evloop_run_once(s->loop, 20);
	return NULL;
}

int dsa_pt_server_start(struct dsa_pt_server *s, const char *name, uint16_t wq_size)
{
	int rc;

	memset(s, 0, sizeof(*s));
	s->iommu = iommu_create();
	s->ir = irq_remap_create(1024);
	s->loop = evloop_create();
	if (!s->iommu || !s->ir || !s->loop)
		return -ENOMEM;
	vfio_core_init(s->iommu);
	strcpy(s->dir, "/tmp/siovd-vdsa-XXXXXX");
	if (!mkdtemp(s->dir))
		return -errno;
	s->srv = vfio_user_server_create(s->loop, s->dir);
	if (!s->srv)
		return -errno;
	s->pt = dsa_pt_create(s->iommu, s->ir, name, wq_size);
	if (!s->pt)
		return -ENODEV;
	rc = vfio_register_device(&s->pt->vdev);
	if (rc)
		return rc;
	snprintf(s->path, sizeof(s->path), "%s/%s.sock", s->dir, name);
	rc = pthread_create(&s->thread, NULL, pt_loop_main, s);
	return -rc;
}

void dsa_pt_server_stop(struct dsa_pt_server *s)
{
	atomic_store(&s->stop, true);
	pthread_join(s->thread, NULL);
	if (s->pt) {
		vfio_unregister_device(&s->pt->vdev);
		vfio_put_device(&s->pt->vdev);
	}
	vfio_user_server_destroy(s->srv);
	evloop_destroy(s->loop);
	vfio_core_exit();
	irq_remap_destroy(s->ir);
	iommu_destroy(s->iommu);
	rmdir(s->dir);
}
