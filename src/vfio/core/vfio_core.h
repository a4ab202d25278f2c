/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * VFIO core set-up: what the daemon calls once, around everything else that
 * uses vfio/vfio.h.
 */
#ifndef SIOVD_VFIO_CORE_VFIO_CORE_H
#define SIOVD_VFIO_CORE_VFIO_CORE_H

struct iommu;

/**
 * vfio_core_init - give the VFIO core the platform IOMMU.
 * @iommu: the IOMMU sessions allocate their I/O address space (an
 *	iommu_domain) on; must outlive vfio_core_exit().
 *
 * Call once, on the event-loop thread, before the first vfio_session_open().
 * Devices and frontends may register before it; sessions opened without it
 * fail with ENODEV. Undone by vfio_core_exit().
 */
void vfio_core_init(struct iommu *iommu);

/**
 * vfio_core_exit - forget the IOMMU.
 *
 * Every device must have been unregistered (which ends every session) and
 * every frontend unregistered; leftovers are reported at warn level.
 */
void vfio_core_exit(void);

#endif
