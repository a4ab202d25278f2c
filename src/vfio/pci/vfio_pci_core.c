// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci-core: the vfio_device_ops members a variant plugs in (init,
 * release, open/close, read/write dispatch by region, ioctl, region mmap),
 * the region table and registration. Config space lives in
 * vfio_pci_config.c, MSI-X in vfio_pci_intrs.c.
 *
 * ioctl: one switch, one small helper per command; each helper validates
 * argsz against its minsz (offsetofend of the last mandatory member) and
 * unknown flag bits before acting, as Linux vfio_pci_core.c does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "vfio/pci/vfio_pci_priv.h"

/* The ABI structs this file fills in, as the kernel lays them out. */
static_assert(sizeof(struct vfio_device_info) == 20, "vfio_device_info");
static_assert(offsetof(struct vfio_device_info, num_irqs) == 12, "vfio_device_info");
static_assert(sizeof(struct vfio_region_info) == 32, "vfio_region_info");
static_assert(offsetof(struct vfio_region_info, offset) == 24, "vfio_region_info");
static_assert(sizeof(struct vfio_irq_info) == 16, "vfio_irq_info");
static_assert(sizeof(struct vfio_irq_set) == 20, "vfio_irq_set");
static_assert(offsetof(struct vfio_irq_set, data) == 20, "vfio_irq_set data");
static_assert(sizeof(struct vfio_info_cap_header) == 8, "vfio_info_cap_header");
static_assert(sizeof(struct vfio_region_info_cap_sparse_mmap) == 16, "sparse mmap cap");
static_assert(sizeof(struct vfio_region_sparse_mmap_area) == 16, "sparse mmap area");

/* ---- lifecycle ----------------------------------------------------------------- */

/**
 * vfio_pci_core_init_dev - see vfio_pci_core.h.
 */
int vfio_pci_core_init_dev(struct vfio_device *vdev)
{
	struct vfio_pci_core_device *core = to_vfio_pci_core(vdev);
	struct vfio_pci_region *cfg = &core->regions[VFIO_PCI_CONFIG_REGION_INDEX];

	vfio_pci_config_init(core);
	cfg->size = VFIO_PCI_CFG_SIZE;
	cfg->flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	return 0;
}

/**
 * vfio_pci_core_release_dev - see vfio_pci_core.h.
 */
void vfio_pci_core_release_dev(struct vfio_device *vdev)
{
	struct vfio_pci_core_device *core = to_vfio_pci_core(vdev);
	unsigned int i;

	vfio_pci_msix_free(core);
	for (i = 0; i < VFIO_PCI_NUM_REGIONS; i++) {
		free(core->regions[i].areas);
		core->regions[i].areas = NULL;
		core->regions[i].nr_areas = 0;
	}
}

/**
 * vfio_pci_core_open_device - see vfio_pci_core.h.
 */
int vfio_pci_core_open_device(struct vfio_device *vdev)
{
	return 0;
}

/**
 * vfio_pci_core_close_device - see vfio_pci_core.h.
 */
void vfio_pci_core_close_device(struct vfio_device *vdev)
{
	vfio_pci_msix_disable(to_vfio_pci_core(vdev));
}

/**
 * vfio_pci_core_register_device - see vfio_pci_core.h.
 */
int vfio_pci_core_register_device(struct vfio_pci_core_device *core)
{
	int rc;

	memcpy(core->cfg_reset, core->config, sizeof(core->config));
	rc = vfio_register_device(&core->vdev);
	if (rc)
		return rc;
	core->registered = true;
	return 0;
}

/**
 * vfio_pci_core_unregister_device - see vfio_pci_core.h. Idempotent.
 */
void vfio_pci_core_unregister_device(struct vfio_pci_core_device *core)
{
	if (!core->registered)
		return;
	vfio_unregister_device(&core->vdev);
	core->registered = false;
}

/* ---- regions ------------------------------------------------------------------- */

/**
 * vfio_pci_core_add_sparse_mmap - see vfio_pci_core.h.
 */
int vfio_pci_core_add_sparse_mmap(struct vfio_pci_core_device *core, unsigned int index,
				  uint64_t offset, uint64_t size)
{
	struct vfio_region_sparse_mmap_area *areas;
	struct vfio_pci_region *r;

	if (index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	r = &core->regions[index];
	if (!r->ops || !r->ops->mmap || !size || offset >= r->size ||
	    size > r->size - offset || !IS_ALIGNED(offset, SIOVD_PAGE_SIZE) ||
	    !IS_ALIGNED(size, SIOVD_PAGE_SIZE))
		return -EINVAL;
	areas = realloc(r->areas, (r->nr_areas + 1) * sizeof(*areas));
	if (!areas)
		return -ENOMEM;
	areas[r->nr_areas].offset = offset;
	areas[r->nr_areas].size = size;
	r->areas = areas;
	r->nr_areas++;
	return 0;
}

/**
 * vfio_pci_core_region_mmap - see vfio_pci_core.h.
 */
int vfio_pci_core_region_mmap(struct vfio_device *vdev, unsigned int index,
			      int *fd, uint64_t *fd_offset)
{
	struct vfio_pci_core_device *core = to_vfio_pci_core(vdev);
	struct vfio_pci_region *r;

	if (index >= VFIO_PCI_NUM_REGIONS || !fd || !fd_offset)
		return -EINVAL;
	r = &core->regions[index];
	if (!r->size || !(r->flags & VFIO_REGION_INFO_FLAG_MMAP) || !r->ops || !r->ops->mmap)
		return -EINVAL;
	return r->ops->mmap(core, index, fd, fd_offset);
}

static ssize_t vfio_pci_rw(struct vfio_pci_core_device *core, char *buf, size_t count,
			   uint64_t *ppos, bool iswrite)
{
	unsigned int index = VFIO_PCI_OFFSET_TO_INDEX(*ppos);
	uint64_t off = *ppos & VFIO_PCI_OFFSET_MASK;
	struct vfio_pci_region *r;
	ssize_t done;

	if (index >= VFIO_PCI_NUM_REGIONS || !count || !buf)
		return -EINVAL;
	r = &core->regions[index];
	if (!r->size)
		return -EINVAL;
	if (off >= r->size || count > r->size - off)
		return -EFAULT;

	if (index == VFIO_PCI_CONFIG_REGION_INDEX) {
		vfio_pci_config_rw(core, buf, count, (unsigned int)off, iswrite);
		done = (ssize_t)count;
	} else if (index <= VFIO_PCI_BAR5_REGION_INDEX) {
		/* As vfio-pci: no MMIO while memory decoding is off. */
		if (!vfio_pci_core_memory_enabled(core))
			return -EIO;
		done = vfio_pci_msix_rw(core, index, buf, count, off, iswrite);
		if (!done) {
			if (!r->ops || !r->ops->rw)
				return -EINVAL;
			done = r->ops->rw(core, index, buf, count, off, iswrite);
		}
	} else {
		return -EINVAL;
	}
	if (done > 0)
		*ppos += (uint64_t)done;
	return done;
}

/**
 * vfio_pci_core_read - see vfio_pci_core.h.
 */
ssize_t vfio_pci_core_read(struct vfio_device *vdev, char *buf, size_t count,
			   uint64_t *ppos)
{
	return vfio_pci_rw(to_vfio_pci_core(vdev), buf, count, ppos, false);
}

/**
 * vfio_pci_core_write - see vfio_pci_core.h. The buffer is not modified; the
 * cast serves the shared read/write path.
 */
ssize_t vfio_pci_core_write(struct vfio_device *vdev, const char *buf, size_t count,
			    uint64_t *ppos)
{
	return vfio_pci_rw(to_vfio_pci_core(vdev), (char *)buf, count, ppos, true);
}

/* ---- ioctl --------------------------------------------------------------------- */

static long vfio_pci_ioctl_get_info(struct vfio_pci_core_device *core,
				    struct vfio_device_info *info)
{
	const size_t minsz = offsetofend(struct vfio_device_info, num_irqs);

	if (info->argsz < minsz)
		return -EINVAL;
	info->flags = VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET;
	info->num_regions = VFIO_PCI_NUM_REGIONS;
	info->num_irqs = VFIO_PCI_NUM_IRQS;
	/* no device capabilities */
	if (info->argsz >= offsetofend(struct vfio_device_info, cap_offset))
		info->cap_offset = 0;
	return 0;
}

static size_t sparse_cap_size(const struct vfio_pci_region *r)
{
	return sizeof(struct vfio_region_info_cap_sparse_mmap) +
	       r->nr_areas * sizeof(struct vfio_region_sparse_mmap_area);
}

/* The capability chain (one sparse-mmap capability) right after @info. */
static void sparse_cap_fill(const struct vfio_pci_region *r, struct vfio_region_info *info)
{
	struct vfio_region_info_cap_sparse_mmap *cap = (void *)(info + 1);
	unsigned int i;

	memset(cap, 0, sparse_cap_size(r));
	cap->header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	cap->header.version = 1;
	cap->header.next = 0;
	cap->nr_areas = r->nr_areas;
	for (i = 0; i < r->nr_areas; i++)
		cap->areas[i] = r->areas[i];
}

static long vfio_pci_ioctl_get_region_info(struct vfio_pci_core_device *core,
					   struct vfio_region_info *info)
{
	const size_t minsz = offsetofend(struct vfio_region_info, offset);
	const struct vfio_pci_region *r;
	size_t need;

	if (info->argsz < minsz || info->index >= VFIO_PCI_NUM_REGIONS)
		return -EINVAL;
	r = &core->regions[info->index];
	info->offset = VFIO_PCI_INDEX_TO_OFFSET(info->index);
	info->size = r->size;
	info->flags = r->size ? r->flags : 0;
	info->cap_offset = 0;
	if (!r->size || !r->nr_areas)
		return 0;

	info->flags |= VFIO_REGION_INFO_FLAG_CAPS;
	need = sizeof(*info) + sparse_cap_size(r);
	if (info->argsz < need) {
		/* the client retries with the size it needs */
		info->argsz = (uint32_t)need;
		return 0;
	}
	sparse_cap_fill(r, info);
	info->cap_offset = sizeof(*info);
	return 0;
}

static long vfio_pci_ioctl_get_irq_info(struct vfio_pci_core_device *core,
					struct vfio_irq_info *info)
{
	const size_t minsz = offsetofend(struct vfio_irq_info, count);

	if (info->argsz < minsz || info->index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	info->count = vfio_pci_irq_count(core, info->index);
	info->flags = VFIO_IRQ_INFO_EVENTFD;
	switch (info->index) {
	case VFIO_PCI_INTX_IRQ_INDEX:
		info->flags |= VFIO_IRQ_INFO_MASKABLE | VFIO_IRQ_INFO_AUTOMASKED;
		break;
	case VFIO_PCI_MSIX_IRQ_INDEX:
		/* vectors are wired one by one and masked: no NORESIZE */
		info->flags |= VFIO_IRQ_INFO_MASKABLE;
		break;
	default:
		info->flags |= VFIO_IRQ_INFO_NORESIZE;
		break;
	}
	return 0;
}

/* The kernel's vfio_set_irqs_validate_and_prepare(), with exact errnos. */
static long vfio_pci_set_irqs_validate(struct vfio_pci_core_device *core,
				       const struct vfio_irq_set *hdr)
{
	const size_t minsz = offsetofend(struct vfio_irq_set, count);
	uint32_t action = hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;
	unsigned int max;
	size_t size;

	if (hdr->argsz < minsz)
		return -EINVAL;
	if (hdr->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK))
		return -EINVAL;
	switch (hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK) {
	case VFIO_IRQ_SET_DATA_NONE:
		size = 0;
		break;
	case VFIO_IRQ_SET_DATA_BOOL:
		size = sizeof(uint8_t);
		break;
	case VFIO_IRQ_SET_DATA_EVENTFD:
		size = sizeof(int32_t);
		break;
	default:
		return -EINVAL;		/* none, or more than one data type */
	}
	if (action != VFIO_IRQ_SET_ACTION_MASK && action != VFIO_IRQ_SET_ACTION_UNMASK &&
	    action != VFIO_IRQ_SET_ACTION_TRIGGER)
		return -EINVAL;		/* none, or more than one action */
	if (hdr->index >= VFIO_PCI_NUM_IRQS)
		return -EINVAL;
	max = vfio_pci_irq_count(core, hdr->index);
	if (hdr->start >= max || hdr->count > max - hdr->start)
		return -EINVAL;
	if (size && hdr->argsz - minsz < (size_t)hdr->count * size)
		return -EINVAL;
	return 0;
}

static long vfio_pci_ioctl_set_irqs(struct vfio_pci_core_device *core,
				    struct vfio_irq_set *hdr)
{
	long rc = vfio_pci_set_irqs_validate(core, hdr);

	if (rc)
		return rc;
	return vfio_pci_set_irqs(core, hdr, hdr->data);
}

static long vfio_pci_ioctl_reset(struct vfio_pci_core_device *core)
{
	/* A function reset: MSI-X off, table masked, config as at power-on. */
	vfio_pci_msix_disable(core);
	vfio_pci_msix_table_reset(core);
	vfio_pci_config_reset(core);
	return 0;
}

/**
 * vfio_pci_core_ioctl - see vfio_pci_core.h.
 */
long vfio_pci_core_ioctl(struct vfio_device *vdev, unsigned int cmd, void *arg)
{
	struct vfio_pci_core_device *core = to_vfio_pci_core(vdev);

	switch (cmd) {
	case VFIO_DEVICE_RESET:
		return vfio_pci_ioctl_reset(core);
	case VFIO_DEVICE_GET_INFO:
		return arg ? vfio_pci_ioctl_get_info(core, arg) : -EFAULT;
	case VFIO_DEVICE_GET_REGION_INFO:
		return arg ? vfio_pci_ioctl_get_region_info(core, arg) : -EFAULT;
	case VFIO_DEVICE_GET_IRQ_INFO:
		return arg ? vfio_pci_ioctl_get_irq_info(core, arg) : -EFAULT;
	case VFIO_DEVICE_SET_IRQS:
		return arg ? vfio_pci_ioctl_set_irqs(core, arg) : -EFAULT;
	default:
		return -ENOTTY;
	}
}
