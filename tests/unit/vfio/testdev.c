// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test vfio_device (see vfio_test.h): a small but real device with the
 * regions and interrupts a PCI function has, implemented the way a VFIO
 * driver implements them (the kernel's ioctl structs and rules).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <linux/pci_regs.h>

#include "iommu/iommu.h"
#include "vfio_test.h"

static uint32_t td_reg(struct testdev *td, unsigned int off)
{
	uint32_t v;

	memcpy(&v, td->bar0 + off, sizeof(v));
	return v;
}

static void td_set_reg(struct testdev *td, unsigned int off, uint32_t v)
{
	memcpy(td->bar0 + off, &v, sizeof(v));
}

static void td_fire(struct testdev *td, unsigned int vec)
{
	uint64_t one = 1;

	if (vec >= TD_NUM_VECTORS)
		return;
	if (td->masked[vec]) {
		td->pending[vec] = true;
		return;
	}
	if (td->trigger[vec] >= 0 && write(td->trigger[vec], &one, sizeof(one)) < 0)
		return;
}

/* DMA through the session's IOAS, as a device model does. */
static void td_dma(struct testdev *td, uint32_t cmd)
{
	uint64_t iova = td_reg(td, TD_REG_DMA_IOVA_LO) |
			((uint64_t)td_reg(td, TD_REG_DMA_IOVA_HI) << 32);
	uint32_t len = td_reg(td, TD_REG_DMA_LEN), sum = 0, i;
	uint64_t fault = 0;
	struct iommu_dma dma;
	uint8_t *buf;
	int rc;

	buf = malloc(len ? len : 1);
	if (!buf) {
		td_set_reg(td, TD_REG_DMA_STATUS, ENOMEM);
		return;
	}
	memset(buf, td_reg(td, TD_REG_DMA_PATTERN) & 0xff, len);
	iommu_dma_begin(td->iommu, TD_RID, IOMMU_NO_PASID, &dma);
	if (cmd == TD_DMA_FILL)
		rc = iommu_dma_write(&dma, iova, buf, len, &fault, NULL);
	else
		rc = iommu_dma_read(&dma, iova, buf, len, &fault, NULL);
	iommu_dma_end(&dma);
	if (!rc && cmd == TD_DMA_SUM)
		for (i = 0; i < len; i++)
			sum += buf[i];
	free(buf);
	td_set_reg(td, TD_REG_DMA_STATUS, rc ? (uint32_t)-rc : 0);
	td_set_reg(td, TD_REG_DMA_RESULT, sum);
	td_set_reg(td, TD_REG_DMA_FAULT_LO, (uint32_t)fault);
	td_set_reg(td, TD_REG_DMA_FAULT_HI, (uint32_t)(fault >> 32));
}

static void td_bar0_write(struct testdev *td, uint64_t off, const char *buf, size_t count)
{
	uint32_t v;

	if (off < TD_REG_ID + 4)
		return;		/* the ID register is read-only */
	if (count == 4 && off == TD_REG_IRQ_FIRE) {
		memcpy(&v, buf, 4);
		td_fire(td, v);
		return;
	}
	if (count == 4 && off == TD_REG_DMA_CMD) {
		memcpy(&v, buf, 4);
		td_dma(td, v);
		return;
	}
	memcpy(td->bar0 + off, buf, count);
}

/* Backing store of region @index and its size; NULL for none. */
static uint8_t *td_region(struct testdev *td, uint64_t index, size_t *size)
{
	switch (index) {
	case VFIO_PCI_BAR0_REGION_INDEX:
		*size = TD_BAR0_SIZE;
		return td->bar0;
	case VFIO_PCI_BAR2_REGION_INDEX:
		*size = TD_BAR2_SIZE;
		return td->bar2;
	case VFIO_PCI_CONFIG_REGION_INDEX:
		*size = TD_CONFIG_SIZE;
		return td->config;
	default:
		return NULL;
	}
}

static ssize_t td_read(struct vfio_device *vdev, char *buf, size_t count, uint64_t *ppos)
{
	uint64_t off = *ppos & VFIO_PCI_OFFSET_MASK;
	uint8_t *base;
	size_t size;

	base = td_region(to_testdev(vdev), VFIO_PCI_OFFSET_TO_INDEX(*ppos), &size);
	if (!base)
		return -EINVAL;
	if (off >= size || count > size - off)
		return -EFAULT;
	memcpy(buf, base + off, count);
	*ppos += count;
	return (ssize_t)count;
}

static ssize_t td_write(struct vfio_device *vdev, const char *buf, size_t count,
			uint64_t *ppos)
{
	struct testdev *td = to_testdev(vdev);
	uint64_t index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	uint64_t off = *ppos & VFIO_PCI_OFFSET_MASK;
	uint8_t *base;
	size_t size;

	base = td_region(td, index, &size);
	if (!base)
		return -EINVAL;
	if (off >= size || count > size - off)
		return -EFAULT;
	if (index == VFIO_PCI_BAR0_REGION_INDEX) {
		td_bar0_write(td, off, buf, count);
	} else if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
		/* Only the command register is writable. */
		if (off == PCI_COMMAND && count == 2)
			memcpy(base + off, buf, 2);
	} else {
		memcpy(base + off, buf, count);
	}
	*ppos += count;
	return (ssize_t)count;
}

static long td_get_region_info(struct testdev *td, struct vfio_region_info *info)
{
	struct vfio_region_info_cap_sparse_mmap *sparse;
	size_t need = sizeof(*info) + sizeof(*sparse) + sizeof(sparse->areas[0]);

	if (info->argsz < sizeof(*info))
		return -EINVAL;
	info->cap_offset = 0;
	info->offset = VFIO_PCI_INDEX_TO_OFFSET(info->index);
	switch (info->index) {
	case VFIO_PCI_BAR0_REGION_INDEX:
		info->size = TD_BAR0_SIZE;
		info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		return 0;
	case VFIO_PCI_CONFIG_REGION_INDEX:
		info->size = TD_CONFIG_SIZE;
		info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
		return 0;
	case VFIO_PCI_BAR2_REGION_INDEX:
		info->size = TD_BAR2_SIZE;
		info->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			      VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS;
		if (info->argsz < need) {
			info->argsz = need;
			return 0;
		}
		sparse = (void *)(info + 1);
		sparse->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
		sparse->header.version = 1;
		sparse->header.next = 0;
		sparse->nr_areas = 1;
		sparse->areas[0].offset = 0;
		sparse->areas[0].size = 4096;
		info->cap_offset = sizeof(*info);
		return 0;
	default:
		if (info->index >= VFIO_PCI_NUM_REGIONS)
			return -EINVAL;
		info->size = 0;
		info->flags = 0;
		return 0;
	}
}

static long td_get_irq_info(struct vfio_irq_info *info)
{
	if (info->argsz < sizeof(*info) || info->index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	info->flags = 0;
	info->count = 0;
	if (info->index == VFIO_PCI_MSIX_IRQ_INDEX) {
		info->flags = VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
			      VFIO_IRQ_INFO_NORESIZE;
		info->count = TD_NUM_VECTORS;
	}
	return 0;
}

static void td_set_trigger(struct testdev *td, unsigned int vec, int fd)
{
	if (td->trigger[vec] >= 0)
		close(td->trigger[vec]);
	/* tests read it from their own thread (testdev_nr_triggers) */
	__atomic_store_n(&td->trigger[vec], fd >= 0 ? dup(fd) : -1, __ATOMIC_RELEASE);
}

static long td_set_irqs(struct testdev *td, struct vfio_irq_set *set)
{
	uint32_t i, vec;
	int32_t fd;
	bool on;

	if (set->index != VFIO_PCI_MSIX_IRQ_INDEX)
		return -EINVAL;
	if (set->count == 0) {
		for (i = 0; i < TD_NUM_VECTORS; i++)
			td_set_trigger(td, i, -1);
		return 0;
	}
	if (set->start + set->count > TD_NUM_VECTORS)
		return -EINVAL;
	for (i = 0; i < set->count; i++) {
		vec = set->start + i;
		on = true;
		if (set->flags & VFIO_IRQ_SET_DATA_BOOL)
			on = set->data[i];
		if (set->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
			if (!(set->flags & VFIO_IRQ_SET_ACTION_TRIGGER))
				return -EINVAL;
			memcpy(&fd, set->data + i * sizeof(fd), sizeof(fd));
			td_set_trigger(td, vec, fd);
			continue;
		}
		if (!on)
			continue;
		if (set->flags & VFIO_IRQ_SET_ACTION_MASK) {
			td->masked[vec] = true;
		} else if (set->flags & VFIO_IRQ_SET_ACTION_UNMASK) {
			td->masked[vec] = false;
			if (td->pending[vec]) {
				td->pending[vec] = false;
				td_fire(td, vec);
			}
		} else {
			td_fire(td, vec);
		}
	}
	return 0;
}

static long td_ioctl(struct vfio_device *vdev, unsigned int cmd, void *arg)
{
	struct testdev *td = to_testdev(vdev);
	struct vfio_device_info *info = arg;

	switch (cmd) {
	case VFIO_DEVICE_GET_INFO:
		if (info->argsz < offsetofend(struct vfio_device_info, num_irqs))
			return -EINVAL;
		info->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
		info->num_regions = VFIO_PCI_NUM_REGIONS;
		info->num_irqs = VFIO_PCI_NUM_IRQS;
		return 0;
	case VFIO_DEVICE_GET_REGION_INFO:
		return td_get_region_info(td, arg);
	case VFIO_DEVICE_GET_IRQ_INFO:
		return td_get_irq_info(arg);
	case VFIO_DEVICE_SET_IRQS:
		return td_set_irqs(td, arg);
	case VFIO_DEVICE_RESET:
		__atomic_add_fetch(&td->nr_reset, 1, __ATOMIC_RELEASE);
		td_set_reg(td, TD_REG_SCRATCH, 0);
		return 0;
	default:
		return -ENOTTY;
	}
}

static int td_region_mmap(struct vfio_device *vdev, unsigned int index, int *fd,
			  uint64_t *fd_offset)
{
	if (index != VFIO_PCI_BAR2_REGION_INDEX)
		return -EINVAL;
	*fd = to_testdev(vdev)->memfd;
	*fd_offset = 0;
	return 0;
}

static int td_open(struct vfio_device *vdev)
{
	struct testdev *td = to_testdev(vdev);

	if (td->fail_open)
		return -EIO;
	__atomic_add_fetch(&td->nr_open, 1, __ATOMIC_RELEASE);
	return 0;
}

static void td_close(struct vfio_device *vdev)
{
	struct testdev *td = to_testdev(vdev);
	unsigned int i;

	for (i = 0; i < TD_NUM_VECTORS; i++) {
		td_set_trigger(td, i, -1);
		td->masked[i] = false;
		td->pending[i] = false;
	}
	/* read by test threads with acquire loads */
	__atomic_add_fetch(&td->nr_close, 1, __ATOMIC_RELEASE);
}

static int td_attach(struct vfio_device *vdev, struct iommu_domain *dom)
{
	struct testdev *td = to_testdev(vdev);
	int rc = iommu_attach_device_pasid(dom, TD_RID, IOMMU_NO_PASID);

	if (rc)
		return rc;
	td->dom = dom;
	__atomic_add_fetch(&td->nr_attach, 1, __ATOMIC_RELEASE);
	return 0;
}

static void td_detach(struct vfio_device *vdev)
{
	struct testdev *td = to_testdev(vdev);

	iommu_detach_device_pasid(td->iommu, TD_RID, IOMMU_NO_PASID);
	td->dom = NULL;
	__atomic_add_fetch(&td->nr_detach, 1, __ATOMIC_RELEASE);
}

static void td_dma_unmap(struct vfio_device *vdev, uint64_t iova, uint64_t length)
{
	struct testdev *td = to_testdev(vdev);

	if (td->nr_unmaps < TD_MAX_UNMAPS) {
		td->unmaps[td->nr_unmaps].iova = iova;
		td->unmaps[td->nr_unmaps].size = length;
	}
	__atomic_add_fetch(&td->nr_unmaps, 1, __ATOMIC_RELEASE);
}

static int td_init(struct vfio_device *vdev)
{
	struct testdev *td = to_testdev(vdev);
	unsigned int i;

	td->memfd = -1;
	for (i = 0; i < TD_NUM_VECTORS; i++)
		td->trigger[i] = -1;
	return 0;
}

static void td_release(struct vfio_device *vdev)
{
	struct testdev *td = to_testdev(vdev);
	unsigned int i;

	for (i = 0; i < TD_NUM_VECTORS; i++)
		td_set_trigger(td, i, -1);
	if (td->bar2)
		munmap(td->bar2, TD_BAR2_SIZE);
	if (td->memfd >= 0)
		close(td->memfd);
	if (td->released)
		(*td->released)++;
	put_device(&td->dev);
}

static const struct vfio_device_ops td_ops = {
	.name = "testdev",
	.init = td_init,
	.release = td_release,
	.open_device = td_open,
	.close_device = td_close,
	.read = td_read,
	.write = td_write,
	.ioctl = td_ioctl,
	.region_mmap = td_region_mmap,
	.attach_ioas = td_attach,
	.detach_ioas = td_detach,
	.dma_unmap = td_dma_unmap,
};

/* The struct device is embedded; its memory goes with the vfio_device. */
static void td_dev_release(struct device *dev)
{
}

struct testdev *testdev_create(struct iommu *iommu, const char *name)
{
	struct testdev *td;
	uint16_t w;

	td = vfio_alloc_device(struct testdev, vdev, NULL, &td_ops);
	if (!td)
		return NULL;
	td->vdev.dev = &td->dev;
	device_initialize(&td->dev);
	td->dev.release = td_dev_release;
	if (dev_set_name(&td->dev, "%s", name))
		goto out_put;
	td->iommu = iommu;
	td_set_reg(td, TD_REG_ID, TD_ID);
	w = 0x8086;
	memcpy(td->config + PCI_VENDOR_ID, &w, 2);
	w = 0x0b25;
	memcpy(td->config + PCI_DEVICE_ID, &w, 2);
	td->memfd = vfio_test_memfd(TD_BAR2_SIZE);
	if (td->memfd < 0)
		goto out_put;
	td->bar2 = mmap(NULL, TD_BAR2_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, td->memfd, 0);
	if (td->bar2 == MAP_FAILED) {
		td->bar2 = NULL;
		goto out_put;
	}
	return td;

out_put:
	vfio_put_device(&td->vdev);
	return NULL;
}

unsigned int testdev_nr_triggers(const struct testdev *td)
{
	unsigned int i, n = 0;

	for (i = 0; i < TD_NUM_VECTORS; i++)
		n += __atomic_load_n(&td->trigger[i], __ATOMIC_ACQUIRE) >= 0;
	return n;
}
