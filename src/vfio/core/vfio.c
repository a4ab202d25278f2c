// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO core: vfio_device allocation and lifetime, registration, frontends
 * (transports) and client sessions (an IOAS plus the device opened on it).
 *
 * Object lifetime:
 *  - A vfio_device is born with one reference (the allocator's). While
 *    registered the core holds one more; a session holds one too, so the
 *    memory outlives a session that was forced to end by unregistration.
 *    The last vfio_put_device() calls ops->release and frees the memory.
 *  - A session is created by vfio_session_open() and freed by
 *    vfio_session_close(), always by its opener. If its device is
 *    unregistered first, the core tears the device side down (detach,
 *    close_device, DMA unmap, domain free) and leaves a dead shell that
 *    only vfio_session_close() may touch.
 *
 * Threading: everything here runs on the event-loop thread (vfio.h). No
 * lock is taken, so an op may call back into the core.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/module.h"
#include "iommu/iommu.h"
#include "lib/log.h"
#include "vfio/core/vfio_core.h"
#include "vfio/vfio.h"

struct vfio_dma {
	struct list_head node;
	uint64_t iova;
	uint64_t size;
	void *vaddr;
	int prot;
};

struct vfio_session {
	struct vfio_device *vdev;	/* holds a reference */
	struct module *owner;		/* the driver's module, pinned while open */
	struct iommu_domain *dom;	/* NULL once dead */
	struct list_head dmas;		/* struct vfio_dma, by insertion */
	unsigned int nr_dmas;
	bool dead;			/* device side torn down by unregister */
};

static struct iommu *vfio_iommu;
static LIST_HEAD(vfio_devices);
static LIST_HEAD(vfio_frontends);

void vfio_core_init(struct iommu *iommu)
{
	vfio_iommu = iommu;
}

void vfio_core_exit(void)
{
	if (!list_empty(&vfio_devices))
		pr_warn("vfio: exit with devices still registered\n");
	if (!list_empty(&vfio_frontends))
		pr_warn("vfio: exit with frontends still registered\n");
	vfio_iommu = NULL;
}

/* ---- devices ------------------------------------------------------------ */

static bool vfio_ops_valid(const struct vfio_device_ops *ops)
{
	if (!ops || !ops->read || !ops->write || !ops->ioctl)
		return false;
	/* Optional pairs are all-or-nothing. */
	if (!ops->open_device != !ops->close_device)
		return false;
	if (!ops->attach_ioas != !ops->detach_ioas)
		return false;
	return true;
}

/**
 * _vfio_alloc_device - see vfio.h. Sets errno on failure: EINVAL (bad
 * arguments or ops table), ENOMEM, or the negated return of ops->init.
 */
struct vfio_device *_vfio_alloc_device(size_t size, struct device *dev,
				       const struct vfio_device_ops *ops)
{
	struct vfio_device *vdev;
	int rc;

	if (size < sizeof(*vdev) || !vfio_ops_valid(ops)) {
		errno = EINVAL;
		return NULL;
	}
	vdev = calloc(1, size);
	if (!vdev) {
		errno = ENOMEM;
		return NULL;
	}
	vdev->dev = dev;
	vdev->ops = ops;
	kref_init(&vdev->kref);
	INIT_LIST_HEAD(&vdev->node);
	if (ops->init) {
		rc = ops->init(vdev);
		if (rc) {
			free(vdev);
			errno = rc < 0 ? -rc : EINVAL;
			return NULL;
		}
	}
	return vdev;
}

void vfio_get_device(struct vfio_device *vdev)
{
	kref_get(&vdev->kref);
}

static void vfio_device_release(struct kref *kref)
{
	struct vfio_device *vdev = container_of(kref, struct vfio_device, kref);

	if (vdev->ops->release)
		vdev->ops->release(vdev);
	free(vdev);
}

void vfio_put_device(struct vfio_device *vdev)
{
	if (vdev)
		kref_put(&vdev->kref, vfio_device_release);
}

const char *vfio_device_name(const struct vfio_device *vdev)
{
	if (!vdev || !vdev->dev)
		return NULL;
	return dev_name(vdev->dev);
}

/*
 * The name becomes a socket file name (<name>.sock): allow what UUIDs and
 * device names use, nothing that walks the file system.
 */
static bool vfio_name_valid(const char *name)
{
	size_t i, len = name ? strlen(name) : 0;

	if (!len || len > 200 || name[0] == '.')
		return false;
	for (i = 0; i < len; i++) {
		char ch = name[i];

		if (!isalnum((unsigned char)ch) && ch != '.' && ch != '_' &&
		    ch != '-' && ch != ':')
			return false;
	}
	return true;
}

static struct vfio_device *vfio_find_device(const char *name)
{
	struct vfio_device *vdev;

	list_for_each_entry(vdev, &vfio_devices, node)
		if (!strcmp(vfio_device_name(vdev), name))
			return vdev;
	return NULL;
}

/* Tell frontends before @stop (exclusive, NULL for all), newest first. */
static void vfio_frontends_remove(struct vfio_device *vdev, struct vfio_frontend *stop)
{
	struct vfio_frontend *fe;
	struct list_head *pos;

	if (stop)
		pos = stop->node.prev;
	else
		pos = vfio_frontends.prev;
	for (; pos != &vfio_frontends; pos = pos->prev) {
		fe = list_entry(pos, struct vfio_frontend, node);
		fe->device_removed(fe, vdev);
	}
}

/**
 * vfio_register_device - see vfio.h.
 *
 * Every frontend's device_added runs; if one fails, those that succeeded
 * get device_removed and its error is returned. Undone by
 * vfio_unregister_device().
 */
int vfio_register_device(struct vfio_device *vdev)
{
	struct vfio_frontend *fe;
	const char *name;
	int rc;

	name = vfio_device_name(vdev);
	if (!vdev || vdev->registered || !vfio_name_valid(name))
		return -EINVAL;
	if (vfio_find_device(name))
		return -EEXIST;

	list_add_tail(&vdev->node, &vfio_devices);
	vdev->registered = true;
	vfio_get_device(vdev);

	list_for_each_entry(fe, &vfio_frontends, node) {
		rc = fe->device_added(fe, vdev);
		if (rc) {
			pr_warn("vfio: %s: frontend %s refused the device (%d)\n",
				name, fe->name, rc);
			vfio_frontends_remove(vdev, fe);
			goto out_unlist;
		}
	}
	return 0;

out_unlist:
	list_del_init(&vdev->node);
	vdev->registered = false;
	vfio_put_device(vdev);
	return rc;
}

static void vfio_session_teardown(struct vfio_session *s);

/**
 * vfio_unregister_device - see vfio.h.
 *
 * Frontends are told first (newest first) so that they end their sessions
 * themselves; a session still open afterwards is torn down by the core and
 * left dead for its owner to close. Idempotent.
 */
void vfio_unregister_device(struct vfio_device *vdev)
{
	if (!vdev || !vdev->registered)
		return;
	vfio_frontends_remove(vdev, NULL);
	if (vdev->session) {
		dev_warn(vdev->dev, "vfio: forcing the end of an open session\n");
		vfio_session_teardown(vdev->session);
	}
	list_del_init(&vdev->node);
	vdev->registered = false;
	vfio_put_device(vdev);
}

/* ---- frontends ----------------------------------------------------------- */

/**
 * vfio_register_frontend - see vfio.h.
 * Return: 0; -EINVAL (missing callbacks); -EEXIST (already registered); or
 * the first device_added error, after undoing the replay.
 */
int vfio_register_frontend(struct vfio_frontend *fe)
{
	struct vfio_frontend *f;
	struct vfio_device *vdev, *undo;
	int rc;

	if (!fe || !fe->device_added || !fe->device_removed)
		return -EINVAL;
	list_for_each_entry(f, &vfio_frontends, node)
		if (f == fe)
			return -EEXIST;

	list_for_each_entry(vdev, &vfio_devices, node) {
		rc = fe->device_added(fe, vdev);
		if (rc)
			goto out_undo;
	}
	list_add_tail(&fe->node, &vfio_frontends);
	return 0;

out_undo:
	list_for_each_entry(undo, &vfio_devices, node) {
		if (undo == vdev)
			break;
		fe->device_removed(fe, undo);
	}
	return rc;
}

/* Tells @fe that every registered device goes away, then forgets it. */
void vfio_unregister_frontend(struct vfio_frontend *fe)
{
	struct vfio_frontend *f;
	struct vfio_device *vdev;
	bool found = false;

	if (!fe)
		return;
	list_for_each_entry(f, &vfio_frontends, node)
		if (f == fe)
			found = true;
	if (!found)
		return;
	list_del_init(&fe->node);
	list_for_each_entry(vdev, &vfio_devices, node)
		fe->device_removed(fe, vdev);
}

/* ---- sessions ------------------------------------------------------------ */

/**
 * vfio_session_open - see vfio.h. Undone by vfio_session_close().
 */
struct vfio_session *vfio_session_open(struct vfio_device *vdev)
{
	struct vfio_session *s;
	int rc;

	if (!vdev) {
		errno = EINVAL;
		return NULL;
	}
	if (!vdev->registered || !vfio_iommu) {
		errno = ENODEV;
		return NULL;
	}
	if (vdev->open_count) {
		errno = EBUSY;
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		errno = ENOMEM;
		return NULL;
	}
	INIT_LIST_HEAD(&s->dmas);
	s->vdev = vdev;
	/* the driver's code must stay while a client uses it (rmmod: -EBUSY) */
	s->owner = vdev->dev && vdev->dev->driver ? vdev->dev->driver->owner : NULL;
	if (!try_module_get(s->owner)) {
		rc = -ENODEV;
		goto out_free;
	}
	s->dom = iommu_domain_alloc(vfio_iommu);
	if (!s->dom) {
		rc = -ENOMEM;
		goto out_put_module;
	}
	if (vdev->ops->open_device) {
		rc = vdev->ops->open_device(vdev);
		if (rc)
			goto out_free_domain;
	}
	if (vdev->ops->attach_ioas) {
		rc = vdev->ops->attach_ioas(vdev, s->dom);
		if (rc)
			goto out_close_device;
	}
	vfio_get_device(vdev);
	vdev->open_count = 1;
	vdev->session = s;
	return s;

out_close_device:
	if (vdev->ops->close_device)
		vdev->ops->close_device(vdev);
out_free_domain:
	iommu_domain_free(s->dom);
out_put_module:
	module_put(s->owner);
out_free:
	free(s);
	errno = rc < 0 ? -rc : EIO;
	return NULL;
}

/* Remove one mapping: driver first, then the IOMMU (which waits for DMA). */
static void vfio_dma_remove(struct vfio_session *s, struct vfio_dma *dma)
{
	struct vfio_device *vdev = s->vdev;
	int rc;

	if (vdev->ops->dma_unmap)
		vdev->ops->dma_unmap(vdev, dma->iova, dma->size);
	rc = iommu_unmap(s->dom, dma->iova, dma->size);
	if (rc)
		dev_warn(vdev->dev, "vfio: unmap of iova 0x%llx size 0x%llx failed (%d)\n",
			 (unsigned long long)dma->iova, (unsigned long long)dma->size, rc);
	list_del_init(&dma->node);
	s->nr_dmas--;
	free(dma);
}

/* Undo open in reverse; the session memory stays for vfio_session_close(). */
static void vfio_session_teardown(struct vfio_session *s)
{
	struct vfio_device *vdev = s->vdev;
	struct vfio_dma *dma, *n;

	if (vdev->ops->detach_ioas)
		vdev->ops->detach_ioas(vdev);
	if (vdev->ops->close_device)
		vdev->ops->close_device(vdev);
	list_for_each_entry_safe(dma, n, &s->dmas, node)
		vfio_dma_remove(s, dma);
	iommu_domain_free(s->dom);
	s->dom = NULL;
	s->dead = true;
	vdev->session = NULL;
	vdev->open_count = 0;
	module_put(s->owner);
	s->owner = NULL;
}

/**
 * vfio_session_close - see vfio.h. After it returns the device may be
 * opened again and no DMA touches any memory the session mapped.
 */
void vfio_session_close(struct vfio_session *s)
{
	if (!s)
		return;
	if (!s->dead)
		vfio_session_teardown(s);
	vfio_put_device(s->vdev);
	free(s);
}

static bool vfio_dma_overlaps(struct vfio_session *s, uint64_t iova, uint64_t last)
{
	struct vfio_dma *dma;

	list_for_each_entry(dma, &s->dmas, node)
		if (iova <= dma->iova + dma->size - 1 && dma->iova <= last)
			return true;
	return false;
}

/**
 * vfio_session_dma_map - see vfio.h. Also -ENODEV on a session whose device
 * was unregistered, -ENOMEM.
 */
int vfio_session_dma_map(struct vfio_session *s, uint64_t iova, uint64_t size,
			 void *vaddr, int prot)
{
	struct vfio_dma *dma;
	int rc;

	if (!s || !vaddr || !size)
		return -EINVAL;
	if (!prot || (prot & ~(IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;
	if (iova + (size - 1) < iova)
		return -EINVAL;		/* wraps past 2^64 */
	if (s->dead)
		return -ENODEV;
	if (vfio_dma_overlaps(s, iova, iova + (size - 1)))
		return -EEXIST;
	if (s->nr_dmas >= IOMMU_DOMAIN_MAX_MAPPINGS)
		return -ENOSPC;

	dma = calloc(1, sizeof(*dma));
	if (!dma)
		return -ENOMEM;
	rc = iommu_map(s->dom, iova, vaddr, size, prot);
	if (rc) {
		free(dma);
		return rc;
	}
	dma->iova = iova;
	dma->size = size;
	dma->vaddr = vaddr;
	dma->prot = prot;
	list_add_tail(&dma->node, &s->dmas);
	s->nr_dmas++;
	return 0;
}

/**
 * vfio_session_dma_unmap - see vfio.h. @iova and @size must name exactly one
 * earlier mapping. Also -ENODEV on a dead session.
 */
int vfio_session_dma_unmap(struct vfio_session *s, uint64_t iova, uint64_t size)
{
	struct vfio_dma *dma;

	if (!s)
		return -EINVAL;
	if (s->dead)
		return -ENODEV;
	list_for_each_entry(dma, &s->dmas, node) {
		if (dma->iova == iova && dma->size == size) {
			vfio_dma_remove(s, dma);
			return 0;
		}
	}
	return -ENOENT;
}

struct vfio_device *vfio_session_device(struct vfio_session *s)
{
	return s ? s->vdev : NULL;
}

/* Return: the session's IOAS, or NULL once the device was unregistered. */
struct iommu_domain *vfio_session_domain(struct vfio_session *s)
{
	return s ? s->dom : NULL;
}
