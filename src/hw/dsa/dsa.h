/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated Intel DSA physical function: the silicon siovd serves.
 *
 * A struct dsa_hw is one PCI function. Everything a driver can do with it
 * goes through dsa_hw_pci_ops (include "hw/pci_func.h"): 4 KiB of PCIe
 * configuration space, BAR0 (the architected registers, GRPCFG/WQCFG tables,
 * MSI-X permission table, MSI-X table and PBA, IMS table), BAR2 (four 4 KiB
 * portals per WQ) reached by trapped 64-byte writes or by mapping the memfd
 * that backs it (see docs/dsa-model.md for the portal polling protocol), and
 * Function Level Reset. Nothing else of the model is visible.
 *
 * Upstream the model only masters DMA with iommu_dma_*() under its requester
 * id and the PASID of each request, and only signals interrupts with
 * irq_remap_msi_write() using the message programmed in its MSI-X or IMS
 * table entry.
 *
 * Lifetime: dsa_hw_create() .. dsa_hw_destroy(). The iommu and the
 * remapping unit must outlive the device. Engine threads exist only while
 * the device is enabled (ENABLE_DEVICE .. DISABLE_DEVICE/RESET_DEVICE/FLR/
 * destroy).
 *
 * Threading: every pci_func_ops callback may be called from any thread.
 * Configuration-space and BAR0 accesses are serialised by a per-device
 * mutex (a command runs to completion inside its CMD write, and DRAIN/
 * ABORT/DISABLE wait there for the engines); BAR2 submissions take no lock.
 *
 * Source: Intel DSA Architecture Specification rev 2.0 (chapters 3, 5, 8, 9),
 * register and field names from the kernel's drivers/dma/idxd/registers.h,
 * descriptor and completion-record formats from <linux/idxd.h>.
 */
#ifndef SIOVD_HW_DSA_DSA_H
#define SIOVD_HW_DSA_DSA_H

#include <stdbool.h>
#include <stdint.h>

#include "hw/pci_func.h"

struct iommu;
struct irq_remap;
struct dsa_hw;

/**
 * struct dsa_hw_params - the capabilities the device reports.
 * @num_wqs: 1..255 (WQCAP.num_wqs); BAR2 holds 4 portal pages per WQ.
 * @num_groups: 1..255 (GRPCAP.num_groups).
 * @num_engines: 1..64 (ENGCAP.num_engines; GRPCFG has a 64-bit engine map).
 * @total_wq_size: 1..65535 descriptor slots shared by all WQs (WQCAP).
 * @max_xfer_shift: 0..31, largest transfer 2^shift bytes (GENCAP).
 * @max_batch_shift: 0..15, largest batch 2^shift descriptors (GENCAP);
 *	below 1 the BATCH operation is not offered.
 * @msix_vectors: 1..2048 MSI-X table entries; vector 0 is the device's
 *	own (command completion, software errors).
 * @ims_entries: 0..16128, a multiple of 256 (GENCAP.max_ims_mult).
 * @config_en: 1 when GRPCFG/WQCFG are software-writable (GENCAP.config_en).
 * @version: VERSION register, DEVICE_VERSION_1 or DEVICE_VERSION_2. Version 2
 *	adds 64-byte WQCFG entries with a per-WQ operation bitmap (op_config),
 *	progress limits, Translation Fetch, DIX Generate and 16-byte fill
 *	patterns.
 * @block_on_fault: GENCAP.block_on_fault: WQs may enable it (WQCFG.bof)
 *	and descriptors use it (flag bit 1); see @page_req_timeout_ms.
 * @rdbuf_ctrl: GRPCAP read-buffer controls (total_rdbufs 96, per-group
 *	reserved/allowed counts, GENCFG.rdbuf_limit): accepted, checked at
 *	ENABLE_DEVICE, no effect on execution.
 * @page_req_timeout_ms: 1..600000; how long a block-on-fault descriptor
 *	waits for a faulting address to become mapped before its page request
 *	is deemed failed (status DSA_COMP_PAGE_FAULT_IR). The platform has no
 *	page-request interface: the model re-walks the IOMMU until the owner of
 *	the address space maps the page.
 * @portal_poll_max_us: 0..1000000; the longest an idle engine sleeps
 *	between two polls of a mapped portal page that can receive work (a
 *	store there wakes no one), so about the longest the first descriptor
 *	after idleness waits on the mapped path; 0 takes the default, 1000.
 *	Not architectural: a property of the model's engines (docs/dsa-model.md).
 * @portal_busy_poll: engines that poll such a page never sleep: each costs
 *	a CPU while a client's portal is mapped and its WQ enabled, and takes
 *	the first descriptor after idleness within microseconds (poll mode).
 */
struct dsa_hw_params {
	unsigned int num_wqs;
	unsigned int num_groups;
	unsigned int num_engines;
	unsigned int total_wq_size;
	unsigned int max_xfer_shift;
	unsigned int max_batch_shift;
	unsigned int msix_vectors;
	unsigned int ims_entries;
	bool config_en;
	uint32_t version;
	bool block_on_fault;
	bool rdbuf_ctrl;
	unsigned int page_req_timeout_ms;
	unsigned int portal_poll_max_us;
	bool portal_busy_poll;
};

/*
 * SWERR error codes the model uses for events that have no completion
 * status: a descriptor written to a portal of a WQ that is not enabled, and
 * one written to a full dedicated WQ. Both are dropped. (Errors of a
 * descriptor without a completion record carry its completion status code.)
 */
#define DSA_SWERR_WQ_NOT_ENABLED	0x30
#define DSA_SWERR_DWQ_FULL		0x31

/**
 * dsa_hw_params_default - the DSA of siovd's first slice, whose registers
 * the other layers were built against: version 1.0 (32-byte WQCFG), 8 WQs
 * sharing 128 slots, 4 groups, 4 engines, 9 MSI-X vectors, 2048 IMS
 * entries, 2 GiB transfers, batches of 1024, configurable, no read-buffer
 * controls, no block on fault; every DSA 1.0 operation.
 */
void dsa_hw_params_default(struct dsa_hw_params *p);

/**
 * dsa_hw_params_dsa2 - the whole model: dsa_hw_params_default() as a
 * version 2.0 device (64-byte WQCFG with op_config, progress limits,
 * Translation Fetch, DIX Generate, 16-byte fill patterns) with block on
 * fault (page requests answered within 1 s) and read-buffer controls.
 */
void dsa_hw_params_dsa2(struct dsa_hw_params *p);

/**
 * dsa_hw_create - build a DSA PF in its power-on state (memory decoding and
 * bus mastering off, device disabled, all MSI-X and IMS entries masked).
 * @p: capabilities (copied); @iommu: DMA goes through it; @ir: interrupts are
 * written to it; @rid: the function's requester id for both.
 * Return: the device, or NULL with errno EINVAL (bad @p or NULL upstream),
 * ENOMEM or the error of memfd_create()/mmap().
 */
struct dsa_hw *dsa_hw_create(const struct dsa_hw_params *p, struct iommu *iommu,
			     struct irq_remap *ir, uint16_t rid);

/**
 * dsa_hw_destroy - stop the engines (outstanding descriptors are abandoned
 * without completion) and free the device and its portal memfd.
 */
void dsa_hw_destroy(struct dsa_hw *hw);

/* The function's bus interface; the void *hw argument is the struct dsa_hw *. */
extern const struct pci_func_ops dsa_hw_pci_ops;

#endif
