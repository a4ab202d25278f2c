/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test support for libvdsa's DSA driver: the real emulated DSA function
 * (src/hw/dsa) assigned whole to a vfio-user client, the way vfio-pci
 * assigns a physical function, with its WQ 0 preconfigured as a dedicated
 * WQ (what the vdcm's virtual device presents: a configured, dedicated WQ).
 *
 * Regions: BAR0 (trapped 1/2/4/8-byte MMIO), BAR2 (64-byte portal writes,
 * page 0 of WQ 0 offered as a sparse mmap area backed by the model's portal
 * memfd), config space. MSI-X vectors are routed to the client's eventfds
 * through the interrupt-remapping unit: SET_IRQS allocates an IRTE per
 * vector and programs the function's MSI-X table entry with its message.
 * DMA goes through the session's IOAS attached at (rid, no PASID). Reset is
 * a Function Level Reset followed by the preconfiguration again.
 *
 * dsa_pt_server: the IOMMU, the remapping unit, one such device and the
 * vfio-user server, with the event loop on its own thread (so that a
 * blocking client such as libvdsa can run on the caller's thread).
 */
#ifndef SIOVD_TESTS_DSA_PT_H
#define SIOVD_TESTS_DSA_PT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>

#include "base/device.h"
#include "vfio/vfio.h"

struct dsa_hw;
struct evloop;
struct iommu;
struct irq_remap;
struct vfio_user_server;

#define DSA_PT_RID		0x0a00
#define DSA_PT_MAX_VECTORS	64

struct dsa_pt {
	struct vfio_device vdev;	/* first */
	struct device dev;
	struct dsa_hw *hw;
	struct iommu *iommu;
	struct irq_remap *ir;
	uint16_t wq_size;
	unsigned int nr_vectors;
	uint64_t bar0_size, bar2_size;
	uint32_t msix_table;		/* BAR0 offset of the MSI-X table */
	int irte[DSA_PT_MAX_VECTORS];	/* -1: none */
};

/* A DSA function (default parameters) with WQ 0 dedicated, @wq_size slots. */
struct dsa_pt *dsa_pt_create(struct iommu *iommu, struct irq_remap *ir, const char *name,
			     uint16_t wq_size);

struct dsa_pt_server {
	struct iommu *iommu;
	struct irq_remap *ir;
	struct evloop *loop;
	struct vfio_user_server *srv;
	struct dsa_pt *pt;
	char dir[64];
	char path[160];
	pthread_t thread;
	atomic_bool stop;
};

/* Build everything and start the loop thread. Return: 0 or -errno. */
int dsa_pt_server_start(struct dsa_pt_server *s, const char *name, uint16_t wq_size);
void dsa_pt_server_stop(struct dsa_pt_server *s);

#endif
