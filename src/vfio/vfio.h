/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VFIO core: struct vfio_device and the ops a VFIO driver implements, and the
 * client-session side a transport (the vfio-user server) drives.
 *
 * A driver (the idxd vdcm, vfio-pci) embeds struct vfio_device at
 * offset 0 of its own struct, allocates it with vfio_alloc_device(), and
 * registers it. Registered devices are announced to transports (frontends);
 * the vfio-user server creates one socket per device, named after the
 * device (dev_name(vdev->dev): the mdev UUID).
 *
 * Ops follow the kernel's vfio_device_ops: read/write take an offset that
 * encodes the region index in its top bits (VFIO_PCI_OFFSET_SHIFT), and ioctl
 * takes the kernel's VFIO_DEVICE_* commands with the <linux/vfio.h> struct in
 * memory (argsz filled in by the transport, already bounded by it). What
 * does not exist in the kernel ABI because there an fd is the device:
 * region_mmap() names the fd (and offset in it) a client maps for an mmap-able
 * region, and the DMA address space is an iommu_domain handed to the driver
 * with attach_ioas().
 *
 * Lifetime: vfio_alloc_device() -> vfio_register_device() -> (sessions) ->
 * vfio_unregister_device() -> vfio_put_device(); release() runs at the last
 * put, then the core frees the memory. Unregister waits for (forces) the end
 * of the open session.
 *
 * Threading: event-loop thread only; ops are called with no core lock held
 * and may call back into the core.
 *
 * Source: Linux include/linux/vfio.h (v6.1), include/uapi/linux/vfio.h.
 */
#ifndef SIOVD_VFIO_VFIO_H
#define SIOVD_VFIO_VFIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/vfio.h>

#include "base/device.h"
#include "lib/kref.h"
#include "lib/list.h"

/* Region index in bits 63:40 of the offset, byte offset in the low 40 bits. */
#define VFIO_PCI_OFFSET_SHIFT		40
#define VFIO_PCI_OFFSET_TO_INDEX(off)	((off) >> VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_INDEX_TO_OFFSET(idx)	((uint64_t)(idx) << VFIO_PCI_OFFSET_SHIFT)
#define VFIO_PCI_OFFSET_MASK		((1ULL << VFIO_PCI_OFFSET_SHIFT) - 1)

struct iommu_domain;
struct vfio_device;

struct vfio_device_ops {
	const char *name;
	/* init/release: after allocation and before the memory is freed. */
	int (*init)(struct vfio_device *vdev);
	void (*release)(struct vfio_device *vdev);
	/* A client session starts/ends. close_device must undo everything. */
	int (*open_device)(struct vfio_device *vdev);
	void (*close_device)(struct vfio_device *vdev);
	/*
	 * read/write: @count bytes at *@ppos (region index << 40 | offset).
	 * Return: bytes done, or -errno (-EINVAL bad region/size, -EFAULT
	 * outside the region).
	 */
	ssize_t (*read)(struct vfio_device *vdev, char *buf, size_t count, uint64_t *ppos);
	ssize_t (*write)(struct vfio_device *vdev, const char *buf, size_t count, uint64_t *ppos);
	/*
	 * ioctl: VFIO_DEVICE_GET_INFO, _GET_REGION_INFO (capability chain
	 * appended after the struct when argsz allows, as the kernel does),
	 * _GET_IRQ_INFO, _SET_IRQS (data follows the struct; eventfds as int,
	 * owned by the caller and valid only during the call, as in the
	 * kernel: a driver that keeps one dup()s it), _RESET.
	 * Return: 0 or -errno (-ENOTTY unknown command).
	 */
	long (*ioctl)(struct vfio_device *vdev, unsigned int cmd, void *arg);
	/*
	 * region_mmap: the fd backing mmap-able region @index and the byte
	 * offset in it where the region starts. The fd stays owned by the
	 * driver (the transport dup()s or sends it). Return: 0 or -EINVAL.
	 */
	int (*region_mmap)(struct vfio_device *vdev, unsigned int index,
			   int *fd, uint64_t *fd_offset);
	/*
	 * attach_ioas/detach_ioas: the session's DMA address space. The driver
	 * routes the device's DMA through @dom (e.g. attaches it to its PASID).
	 */
	int (*attach_ioas)(struct vfio_device *vdev, struct iommu_domain *dom);
	void (*detach_ioas)(struct vfio_device *vdev);
	/* dma_unmap: [iova, iova+length) is about to go away; stop using it. */
	void (*dma_unmap)(struct vfio_device *vdev, uint64_t iova, uint64_t length);
};

struct vfio_device {
	struct device *dev;		/* the device this vfio_device serves */
	const struct vfio_device_ops *ops;
	struct kref kref;
	struct list_head node;		/* core's list of registered devices */
	bool registered;
	unsigned int open_count;	/* 0 or 1: one session at a time */
	struct vfio_session *session;	/* the open session, or NULL */
	void *transport_data;		/* owned by the frontend */
};

/*
 * vfio_alloc_device - allocate the driver's struct of @size bytes whose first
 * member is a struct vfio_device, and run ops->init.
 * Return: the vfio_device, or NULL (-ENOMEM, or init failed: errno set).
 */
struct vfio_device *_vfio_alloc_device(size_t size, struct device *dev,
				       const struct vfio_device_ops *ops);
#define vfio_alloc_device(dev_struct, member, dev, ops)			\
	({ static_assert(offsetof(dev_struct, member) == 0, "vfio_device first"); \
	   (dev_struct *)_vfio_alloc_device(sizeof(dev_struct), dev, ops); })
void vfio_get_device(struct vfio_device *vdev);
void vfio_put_device(struct vfio_device *vdev);

/*
 * vfio_register_device - make @vdev available to clients (frontends are
 * told). vfio_unregister_device - end any open session, withdraw it.
 * Return: 0, -EEXIST (a device with the same name is registered), -EINVAL.
 */
int vfio_register_device(struct vfio_device *vdev);
void vfio_unregister_device(struct vfio_device *vdev);
const char *vfio_device_name(const struct vfio_device *vdev);

/* ---- frontends (transports) -------------------------------------------- */

struct vfio_frontend {
	const char *name;
	/* A device was registered / is being unregistered. */
	int (*device_added)(struct vfio_frontend *fe, struct vfio_device *vdev);
	void (*device_removed)(struct vfio_frontend *fe, struct vfio_device *vdev);
	struct list_head node;
};

/* Registering replays device_added for every registered device. */
int vfio_register_frontend(struct vfio_frontend *fe);
void vfio_unregister_frontend(struct vfio_frontend *fe);

/* ---- client sessions ----------------------------------------------------- */

/*
 * A session is one client's use of a device: an I/O address space (the
 * client's DMA map, an iommu_domain) and the device opened on it.
 */
struct vfio_session;

/*
 * vfio_session_open - start a session on @vdev: pin the module of the
 * driver bound to vdev->dev (try_module_get: unloading it is refused with
 * -EBUSY until the session ends), allocate its IOAS, call open_device and
 * attach_ioas. Return: the session, or NULL with errno: EBUSY (already
 * open), ENODEV (unregistered, or its module is being unloaded), ENOMEM, or
 * the driver's error.
 */
struct vfio_session *vfio_session_open(struct vfio_device *vdev);
/* End it: detach, close_device, drop every DMA mapping, free the IOAS. */
void vfio_session_close(struct vfio_session *s);

/*
 * vfio_session_dma_map - map client memory [@vaddr, +@size) at @iova
 * (@prot: IOMMU_READ|IOMMU_WRITE). The memory stays owned by the caller
 * until the matching unmap (or close) returns.
 * Return: 0, -EINVAL, -EEXIST (overlap), -ENOSPC (too many maps).
 */
int vfio_session_dma_map(struct vfio_session *s, uint64_t iova, uint64_t size,
			 void *vaddr, int prot);
/*
 * vfio_session_dma_unmap - tell the driver (ops->dma_unmap), then remove the
 * mapping; when this returns no DMA touches the range. Return: 0, -ENOENT.
 */
int vfio_session_dma_unmap(struct vfio_session *s, uint64_t iova, uint64_t size);
struct vfio_device *vfio_session_device(struct vfio_session *s);
struct iommu_domain *vfio_session_domain(struct vfio_session *s);

#endif
