/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Internals of the DSA model, shared by its files only:
 *   device.c  creation, configuration space, pci_func_ops, FLR
 *   regs.c    BAR0 register file
 *   cmd.c     the command unit (CMD/CMDSTS)
 *   irq.c     MSI-X and IMS message stores, interrupt handles, SWERR
 *   wq.c      WQ rings, portal submission (trapped and mmap), drain
 *   engine.c  engine threads, WQ arbitration and descriptor dispatch
 *   ops.c     descriptor checks, block on fault, completion, batch
 *   ops_mem.c data movement and CRC: memmove, fill, compare, dualcast,
 *             CRC, cache flush, translation fetch
 *   ops_dif.c DIF check/insert/strip/update and DIX generate
 *   ops_delta.c create and apply delta record
 *
 * Locking:
 *   hw->lock      control plane: config space, BAR0, commands. Held while a
 *                 command drains WQs. Never taken by engines or by BAR2
 *                 submissions.
 *   hw->err_lock  SWERR updates (error path only).
 * Engines read only atomics and WQ snapshots published by ENABLE_WQ with
 * a release store of wq->state. They never wait for anything inside an
 * iommu DMA window (the window's rwlock prefers writers).
 */
#ifndef SIOVD_HW_DSA_DSA_PRIV_H
#define SIOVD_HW_DSA_DSA_PRIV_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <linux/idxd.h>

#include "hw/dsa/dsa.h"
#include "hw/pci_cfg.h"
#include "iommu/iommu.h"
#include "lib/compiler.h"
#include "spec/dsa.h"

/* Layouts the model relies on from <linux/idxd.h>. */
static_assert(sizeof(struct dsa_hw_desc) == DSA_DESC_SIZE, "descriptor");
static_assert(offsetof(struct dsa_hw_desc, completion_addr) == 8, "desc completion_addr");
static_assert(offsetof(struct dsa_hw_desc, src_addr) == 16, "desc src_addr");
static_assert(offsetof(struct dsa_hw_desc, dst_addr) == 24, "desc dst_addr");
static_assert(offsetof(struct dsa_hw_desc, xfer_size) == 32, "desc xfer_size");
static_assert(offsetof(struct dsa_hw_desc, int_handle) == 36, "desc int_handle");
static_assert(offsetof(struct dsa_hw_desc, rsvd1) == 38, "desc rsvd1");
static_assert(offsetof(struct dsa_hw_desc, op_specific) == 40, "desc op_specific");
static_assert(offsetof(struct dsa_hw_desc, crc_seed) == 40, "desc crc_seed");
static_assert(offsetof(struct dsa_hw_desc, seed_addr) == 48, "desc seed_addr");
static_assert(offsetof(struct dsa_hw_desc, dest2) == 40, "desc dest2");
static_assert(offsetof(struct dsa_hw_desc, expected_res) == 40, "desc expected_res");
static_assert(sizeof(struct dsa_completion_record) == DSA_COMP_RECORD_SIZE, "comp record");
static_assert(offsetof(struct dsa_completion_record, result) == 1, "cr result");
static_assert(offsetof(struct dsa_completion_record, bytes_completed) == 4, "cr bytes");
static_assert(offsetof(struct dsa_completion_record, fault_addr) == 8, "cr fault_addr");
static_assert(offsetof(struct dsa_completion_record, crc_val) == 16, "cr crc_val");

#define DSA_REG_SPACE		0x100	/* fixed registers end; tables follow */
#define DSA_SLOTS_PER_PORTAL	(DSA_PORTAL_SIZE / DSA_DESC_SIZE)	/* 64 */
#define DSA_WQ_PORTAL_BYTES	(DSA_PORTALS_PER_WQ * DSA_PORTAL_SIZE)
#define DSA_WQCFG_DWORDS	16	/* storage per WQ; the BAR stride is hw->wqcfg_stride */
#define DSA_GRPCFG_DWORDS	(GRPCFG_SIZE / 4)
#define DSA_MSIX_ENTRY_SIZE	16
#define DSA_TOTAL_RDBUFS	96	/* GRPCAP.total_rdbufs */

/* dsa_op_run() status meaning "abandoned by an abort": nothing is reported. */
#define DSA_STATUS_ABANDONED	0xff

/* Interrupt entry control word: bit 0 mask (architected); bit 1 pending. */
#define DSA_IRQ_MASKED		IMS_CTRL_VECTOR_MASKBIT
#define DSA_IRQ_PENDING		IMS_CTRL_PENDING

/* MSI-X table entry or IMS entry, as 32-bit atomics read by engines. */
struct dsa_irq_entry {
	atomic_uint addr_lo;
	atomic_uint addr_hi;
	atomic_uint data;
	atomic_uint ctrl;
};

/* WQ states of the model (WQCFG.wq_state shows DISABLING as enabled). */
enum dsa_wq_state {
	DSA_WQ_DISABLED = 0,
	DSA_WQ_ENABLED,
	DSA_WQ_DISABLING,	/* no new trapped submissions; draining */
};

/* One ring slot (Vyukov's bounded MPMC queue). */
struct dsa_ring_cell {
	atomic_ullong seq;
	uint32_t page;		/* portal page within the WQ: prot * 2 + irq type */
	uint32_t rsvd;
	struct dsa_hw_desc desc;
};

struct dsa_group;
struct dsa_engine;

struct dsa_wq {
	unsigned int id;
	atomic_uint state;			/* enum dsa_wq_state */
	/* snapshot of WQCFG taken by ENABLE_WQ, read-only while enabled */
	bool dedicated;
	bool priv;
	bool pasid_en;
	uint32_t pasid;
	uint32_t size;
	uint32_t thresh;
	uint32_t max_xfer;			/* bytes */
	uint32_t max_batch;			/* descriptors */
	bool bof;				/* block on fault enabled */
	unsigned int priority;			/* 1..15: arbitration weight */
	uint64_t op_config[4];			/* operations allowed (OPCAP on version 1) */
	/* ring of @size cells, allocated by ENABLE_DEVICE */
	struct dsa_ring_cell *cells;
	uint32_t cap;
	_Atomic uint64_t tail;			/* enqueue position */
	_Atomic uint64_t head;			/* dequeue position */
	atomic_uint submitters;			/* trapped submissions in progress */
	atomic_uint abort;			/* drop instead of execute */
	atomic_uint abort_pasid;		/* drop this PASID + 1; 0 = none */
	/* mmap portal polling, owned by @poller */
	struct dsa_engine *poller;
	/* portal pages handed out by bar_mmap and not revoked since (bit per page) */
	atomic_uint mapped;
	/* odd while @poller is in a pass over the mapped pages (dsa_portal_poll()) */
	atomic_ullong poll_seq;
	/* pages revoked whose new file could not be made yet (bit per page; hw->lock) */
	unsigned int stale;
	atomic_uint cursor[DSA_PORTALS_PER_WQ];
	/* pages warned about slots written out of order (dsa_portal_check_order()) */
	atomic_uint stray_warned;
	atomic_ullong page_gen[DSA_PORTALS_PER_WQ];	/* passes that saw the page out */
	atomic_ullong taken[DSA_PORTALS_PER_WQ];	/* slots consumed */
	struct dsa_group *group;
};

struct dsa_group {
	unsigned int id;
	unsigned int nr_wqs;
	struct dsa_wq **wqs;			/* WQs of the group, set at enable */
	unsigned int nr_engines;
	atomic_uint wake_seq;			/* futex: bumped by submitters */
	atomic_uint sleepers;
};

struct dsa_engine {
	struct dsa_hw *hw;
	unsigned int id;
	struct dsa_group *group;		/* NULL: in no group with WQs */
	bool started;				/* thread running */
	pthread_t thread;
	atomic_bool stop;
	/* weighted round robin over the group's WQs: where and how many left */
	unsigned int rr_next;
	unsigned int rr_credit;
	/* what the engine executes, for DRAIN (see dsa_wait_engines()) */
	_Atomic(struct dsa_wq *) busy_wq;
	atomic_ullong busy_pos;
};

struct dsa_hw {
	struct dsa_hw_params p;
	struct iommu *iommu;
	struct irq_remap *ir;
	uint16_t rid;

	pthread_mutex_t lock;
	pthread_mutex_t err_lock;

	/* configuration space and what engines need of it */
	struct pci_cfg cfg;
	unsigned int cap_pcie, cap_msix, ecap_pasid, ecap_dvsec;
	atomic_uint pci_command;		/* PCI_COMMAND mirror */
	atomic_uint msix_ctrl;			/* MSI-X Message Control mirror */
	atomic_uint pasid_ctrl;			/* PASID Control mirror */

	/* BAR layout (bytes) */
	uint64_t bar0_size, bar2_size;
	uint32_t off_grpcfg, off_wqcfg, off_msix_perm, off_msix, off_pba, off_ims;
	unsigned int wqcfg_stride;		/* 32 (version 1) or 64 bytes */

	/* read-only capability registers */
	union gen_cap_reg gencap;
	union wq_cap_reg wqcap;
	union group_cap_reg grpcap;
	union engine_cap_reg engcap;
	struct opcap opcap;
	union offsets_reg offsets;
	uint32_t cmdcap;

	/* control and status */
	uint32_t gencfg;
	atomic_uint genctrl;
	atomic_uint gensts;
	atomic_uint intcause;
	uint32_t cmd;
	atomic_uint cmdsts;
	uint64_t swerr[4];			/* under err_lock */

	/* configuration tables (control plane, under lock) */
	uint32_t *grpcfg;			/* num_groups x 16 dwords */
	uint32_t *wqcfg;			/* num_wqs x 8 dwords */
	atomic_uint *msix_perm;			/* one dword per vector */
	struct dsa_irq_entry *msix;
	struct dsa_irq_entry *ims;
	atomic_ullong *msix_handles;		/* bit set: handle valid */
	atomic_ullong *ims_handles;

	struct dsa_wq *wqs;
	struct dsa_group *groups;
	struct dsa_engine *engines;

	/*
	 * BAR2 backing: one memfd of DSA_PORTAL_SIZE bytes per portal page
	 * (@portal_fds[wq * DSA_PORTALS_PER_WQ + page]), each mapped shared at
	 * its place in one contiguous reservation @portal of @nr_portal_pages
	 * pages. A page's fd is what bar_mmap hands out for it: a client
	 * holding it reaches that page and no other. bar_revoke replaces a
	 * page's file (and fd) with a new one mapped over the old, under
	 * @lock. Set up by dsa_hw_create(), released by dsa_hw_destroy().
	 */
	unsigned int nr_portal_pages;
	int *portal_fds;
	uint8_t *portal;
};

static inline bool dsa_dev_enabled(struct dsa_hw *hw)
{
	return (atomic_load(&hw->gensts) & 3) == IDXD_DEVICE_STATE_ENABLED;
}

static inline bool dsa_dev_halted(struct dsa_hw *hw)
{
	return (atomic_load(&hw->gensts) & 3) == IDXD_DEVICE_STATE_HALT;
}

/* device.c */
void dsa_hw_reset_locked(struct dsa_hw *hw, bool flr);
bool dsa_bus_master(struct dsa_hw *hw);
bool dsa_running(struct dsa_hw *hw);

/* regs.c */
int dsa_bar0_read(struct dsa_hw *hw, uint64_t off, unsigned int len, uint64_t *val);
int dsa_bar0_write(struct dsa_hw *hw, uint64_t off, unsigned int len, uint64_t val);
void dsa_regs_reset(struct dsa_hw *hw);
void dsa_wqcfg_op_config_reset(struct dsa_hw *hw, unsigned int w);

/* cmd.c */
void dsa_cmd_write(struct dsa_hw *hw, uint32_t val);
int dsa_device_disable_locked(struct dsa_hw *hw, bool abort);

/* irq.c */
void dsa_msix_fire(struct dsa_hw *hw, unsigned int vec);
void dsa_ims_fire(struct dsa_hw *hw, unsigned int idx);
void dsa_msix_unmasked(struct dsa_hw *hw, unsigned int vec);
void dsa_ims_unmasked(struct dsa_hw *hw, unsigned int idx);
void dsa_msix_all_unmasked(struct dsa_hw *hw);
void dsa_irq_bus_master_on(struct dsa_hw *hw);
void dsa_irq_tables_reset(struct dsa_hw *hw);
bool dsa_handle_valid(atomic_ullong *bitmap, unsigned int idx);
void dsa_handle_set(atomic_ullong *bitmap, unsigned int idx, bool valid);
void dsa_handles_clear(struct dsa_hw *hw);

struct dsa_swerr_info {
	uint8_t error;
	uint8_t opcode;
	bool desc_valid;
	bool wq_valid;
	bool batch;
	bool fault_rw;
	bool priv;
	unsigned int wq;
	uint32_t pasid;
	uint16_t batch_idx;
	uint32_t invalid_flags;
	uint64_t fault_addr;
};
void dsa_swerr_report(struct dsa_hw *hw, const struct dsa_swerr_info *e);

/* wq.c */
int dsa_wq_rings_alloc(struct dsa_hw *hw);
void dsa_wq_rings_free(struct dsa_hw *hw);
void dsa_wq_reset_ring(struct dsa_hw *hw, struct dsa_wq *wq);
bool dsa_ring_dequeue(struct dsa_wq *wq, struct dsa_ring_cell *out, uint64_t *pos,
		      struct dsa_engine *e);
void dsa_ring_done(struct dsa_engine *e, uint64_t pos);
unsigned int dsa_portal_poll(struct dsa_hw *hw, struct dsa_wq *wq);
void dsa_portal_check_order(struct dsa_hw *hw, struct dsa_wq *wq);
int dsa_portal_submit(struct dsa_hw *hw, uint64_t off, const void *buf);
void dsa_wq_drain(struct dsa_hw *hw, struct dsa_wq *wq);
uint32_t dsa_wq_occupancy(struct dsa_wq *wq);
uint32_t dsa_wq_occupancy_reported(struct dsa_hw *hw, struct dsa_wq *wq);
void dsa_group_wake(struct dsa_group *g);
void dsa_portal_mapped(struct dsa_hw *hw, uint64_t off, uint64_t len);
void dsa_portal_unmapped(struct dsa_hw *hw, unsigned int page);

/* engine.c */
int dsa_engines_start(struct dsa_hw *hw);
void dsa_engines_stop(struct dsa_hw *hw);
void dsa_wait_engines(struct dsa_hw *hw, struct dsa_wq *wq, uint64_t pos,
		      const struct dsa_engine *self);
bool dsa_wq_aborting(struct dsa_wq *wq, uint32_t pasid);

/* ops.c: one descriptor inside an open window */
struct dsa_exec {
	struct dsa_hw *hw;
	struct dsa_wq *wq;
	struct iommu_dma dma;
	uint32_t pasid;				/* effective, or IOMMU_NO_PASID */
	bool priv;
	unsigned int page;			/* portal page it came through */
	bool in_batch;
	uint16_t batch_idx;			/* index of the descriptor in its batch */
};

/* One memory range an operation touches (block on fault pre-walks them). */
struct dsa_range {
	uint64_t addr;
	uint64_t len;
	int prot;
};
#define DSA_MAX_RANGES		4

uint8_t dsa_op_run(struct dsa_exec *x, const struct dsa_hw_desc *d,
		   struct dsa_completion_record *cr);
uint8_t dsa_desc_check(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr);
void dsa_desc_complete(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr, uint8_t status);
bool dsa_opcode_supported(const struct dsa_hw *hw, unsigned int opcode);

/* helpers shared by the operation files */
static inline uint8_t dsa_fault(struct dsa_completion_record *cr, uint64_t addr, uint64_t done,
				bool write)
{
	cr->fault_addr = addr;
	cr->bytes_completed = (uint32_t)done;
	return DSA_COMP_PAGE_FAULT_NOBOF | (write ? DSA_COMP_STATUS_WRITE : 0);
}

/* Distance-based overlap test of two ranges; no wrap-around math. */
static inline bool dsa_overlap(uint64_t a, uint64_t alen, uint64_t b, uint64_t blen)
{
	if (!alen || !blen)
		return false;
	return a <= b ? b - a < alen : a - b < blen;
}

size_t dsa_xlat(struct dsa_exec *x, uint64_t iova, uint64_t len, int prot, void **hva);

/* ops_mem.c */
uint8_t dsa_op_memmove(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr);
uint8_t dsa_op_memfill(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr);
uint8_t dsa_op_compare(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr);
uint8_t dsa_op_compval(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr);
uint8_t dsa_op_dualcast(struct dsa_exec *x, const struct dsa_hw_desc *d,
			struct dsa_completion_record *cr);
uint8_t dsa_op_crc(struct dsa_exec *x, const struct dsa_hw_desc *d,
		   struct dsa_completion_record *cr, bool copy);
uint8_t dsa_op_cflush(struct dsa_exec *x, const struct dsa_hw_desc *d,
		      struct dsa_completion_record *cr);
uint8_t dsa_op_transl_fetch(struct dsa_exec *x, const struct dsa_hw_desc *d,
			    struct dsa_completion_record *cr);

/* ops_dif.c */
uint8_t dsa_op_dif(struct dsa_exec *x, const struct dsa_hw_desc *d,
		   struct dsa_completion_record *cr);
uint8_t dsa_dif_check_desc(const struct dsa_hw_desc *d);
unsigned int dsa_dif_ranges(const struct dsa_hw_desc *d, struct dsa_range *r);

/* ops_delta.c */
uint8_t dsa_op_cr_delta(struct dsa_exec *x, const struct dsa_hw_desc *d,
			struct dsa_completion_record *cr);
uint8_t dsa_op_ap_delta(struct dsa_exec *x, const struct dsa_hw_desc *d,
			struct dsa_completion_record *cr);

#endif
