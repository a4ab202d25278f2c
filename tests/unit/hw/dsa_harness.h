/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test harness for the DSA model: a real iommu with one domain of test
 * memory, a real interrupt-remapping table, and the device reached only
 * through dsa_hw_pci_ops, as a driver would.
 */
#ifndef SIOVD_TESTS_HW_DSA_HARNESS_H
#define SIOVD_TESTS_HW_DSA_HARNESS_H

#include <assert.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/idxd.h>

#include "hw/dsa/dsa.h"
#include "iommu/iommu.h"
#include "irq/remap.h"
#include "spec/dsa.h"

/* The descriptor and record layouts the tests build by hand. */
static_assert(sizeof(struct dsa_hw_desc) == 64, "descriptor");
static_assert(offsetof(struct dsa_hw_desc, completion_addr) == 8, "completion_addr");
static_assert(offsetof(struct dsa_hw_desc, src_addr) == 16, "src_addr");
static_assert(offsetof(struct dsa_hw_desc, dst_addr) == 24, "dst_addr");
static_assert(offsetof(struct dsa_hw_desc, xfer_size) == 32, "xfer_size");
static_assert(offsetof(struct dsa_hw_desc, int_handle) == 36, "int_handle");
static_assert(offsetof(struct dsa_hw_desc, crc_seed) == 40, "crc_seed");
static_assert(offsetof(struct dsa_hw_desc, seed_addr) == 48, "seed_addr");
static_assert(offsetof(struct dsa_hw_desc, dest2) == 40, "dest2");
static_assert(sizeof(struct dsa_completion_record) == 32, "completion record");
static_assert(offsetof(struct dsa_completion_record, bytes_completed) == 4, "bytes_completed");
static_assert(offsetof(struct dsa_completion_record, fault_addr) == 8, "fault_addr");
static_assert(offsetof(struct dsa_completion_record, crc_val) == 16, "crc_val");
static_assert(sizeof(union sw_err_reg) == 32, "SWERR");

#define H_RID		0x0100
#define H_IOVA		0x100000000ULL		/* test memory starts here */
#define H_MEM_SIZE	(16UL << 20)
#define H_HOLE		(H_IOVA + (64ULL << 20))	/* unmapped until h_unblock() */
#define H_HOLE_SIZE	4096

struct harness {
	struct dsa_hw_params p;
	struct iommu *iommu;
	struct irq_remap *ir;
	struct dsa_hw *hw;
	const struct pci_func_ops *ops;
	struct iommu_domain *dom;	/* attached to (H_RID, IOMMU_NO_PASID) */
	uint8_t *mem;
	uint32_t grpcfg, wqcfg, msix_perm, ims;	/* BAR0 table offsets */
	uint32_t msix_table, msix_pba;
	uint32_t wqcfg_stride;		/* 32 << WQCAP.wqcfg_size */
	int irtes[32];			/* freed by h_teardown() */
	unsigned int nr_irtes;
	bool hole_mapped;		/* H_HOLE maps the last page of mem */
};

/*
 * Build everything; @p NULL = dsa_hw_params_dsa2() with a 20 s page-request timeout
 * (a liveness bound for h_block()). Memory decode and bus master on.
 */
void h_setup(struct harness *h, const struct dsa_hw_params *p);
/*
 * cmocka fixtures: a harness of h_setup(h, NULL) allocated into *@state;
 * h_fixture_teardown() tears it down and frees it.
 */
int h_fixture_setup(void **state);
int h_fixture_teardown(void **state);
void h_teardown(struct harness *h);

uint32_t h_cfg_rd(struct harness *h, unsigned int off, unsigned int len);
void h_cfg_wr(struct harness *h, unsigned int off, unsigned int len, uint32_t val);
/* offset of the capability @id (standard list), or of extended capability @id with @ext */
unsigned int h_find_cap(struct harness *h, unsigned int id, bool ext);

uint64_t h_rd(struct harness *h, uint64_t off, unsigned int len);
void h_wr(struct harness *h, uint64_t off, unsigned int len, uint64_t val);
static inline uint32_t h_rd32(struct harness *h, uint64_t off) { return (uint32_t)h_rd(h, off, 4); }
static inline uint64_t h_rd64(struct harness *h, uint64_t off) { return h_rd(h, off, 8); }
static inline void h_wr32(struct harness *h, uint64_t off, uint32_t v) { h_wr(h, off, 4, v); }
static inline void h_wr64(struct harness *h, uint64_t off, uint64_t v) { h_wr(h, off, 8, v); }

/* Issue a command; return CMDSTS. */
uint32_t h_cmd(struct harness *h, unsigned int cmd, uint32_t operand);
static inline uint8_t h_cmd_err(struct harness *h, unsigned int cmd, uint32_t operand)
{
	return (uint8_t)(h_cmd(h, cmd, operand) & IDXD_CMDSTS_ERR_MASK);
}

void h_grpcfg(struct harness *h, unsigned int grp, uint64_t wqs, uint64_t engines);
/* Write dwords 0..7 of WQ @wq's WQCFG (op_config, if any, keeps its value). */
void h_wqcfg(struct harness *h, unsigned int wq, const union wqcfg *c);
/* BAR0 offset of WQCFG dword @dw of WQ @wq. */
static inline uint64_t h_wqcfg_off(struct harness *h, unsigned int wq, unsigned int dw)
{
	return h->wqcfg + (uint64_t)wq * h->wqcfg_stride + 4 * dw;
}
/* A dedicated WQ config of @size slots, priority 1, max shifts from GENCAP. */
void h_wqcfg_dedicated(union wqcfg *c, uint16_t size);

/*
 * Group 0 = WQs [0, nwqs) each of @size slots (dedicated, block on fault
 * when the device has it), engines
 * [0, nengines); enable the device and the WQs. Asserts success.
 */
void h_start(struct harness *h, unsigned int nwqs, uint16_t size, unsigned int nengines);

/* Test memory <-> IOVA. */
static inline uint64_t h_iova(struct harness *h, const void *p)
{
	return H_IOVA + (uint64_t)((const uint8_t *)p - h->mem);
}
static inline void *h_ptr(struct harness *h, uint64_t off) { return h->mem + off; }

/* Trapped 64-byte submission to WQ @wq, portal page @page. */
int h_submit(struct harness *h, unsigned int wq, unsigned int page, const struct dsa_hw_desc *d);

/*
 * Map portal page @page (0..3) of WQ @wq as a driver would: bar_mmap for
 * that page alone, then mmap of the fd it hands out. Asserts success.
 * Undone by munmap(ptr, DSA_PORTAL_SIZE).
 */
uint8_t *h_map_portal(struct harness *h, unsigned int wq, unsigned int page);

/*
 * Hold the engine serving WQ @wq: submit (trapped, portal page 0) a
 * block-on-fault fill of H_HOLE with its record at @cr, and return once an
 * engine has taken it; it waits there until h_unblock(). @pasid is the
 * descriptor's (shared WQs; H_HOLE must be mappable there). The WQ needs
 * WQCFG.bof (h_wqcfg_dedicated() sets it).
 */
void h_block(struct harness *h, unsigned int wq, uint32_t pasid,
	     struct dsa_completion_record *cr);
/* Map H_HOLE (to the last page of test memory): the held descriptor completes. */
void h_unblock(struct harness *h);
/* WQ @wq's occupancy (WQCFG). */
unsigned int h_occupancy(struct harness *h, unsigned int wq);

/* Wait (bounded) until the record's status is non-zero; return it, 0 on timeout. */
uint8_t h_wait(const struct dsa_completion_record *cr);

/* A descriptor with a completion record at @cr (CRAV|RCR). */
void h_desc(struct harness *h, struct dsa_hw_desc *d, unsigned int opcode,
	    struct dsa_completion_record *cr);

/* Interrupt plumbing: an IRTE for H_RID targeting a new eventfd. */
int h_irte(struct harness *h, struct msi_msg *msg, int *efd);
/* Program MSI-X vector @vec with @msg, unmasked; MSI-X enabled. */
void h_msix_program(struct harness *h, unsigned int vec, const struct msi_msg *msg);
/* Program IMS entry @idx with @msg and @ctrl. */
void h_ims_program(struct harness *h, unsigned int idx, const struct msi_msg *msg, uint32_t ctrl);
/* Read and reset an eventfd; 0 if nothing arrived. */
uint64_t h_ev(int efd);
/* Wait (bounded) for an eventfd count; return it (0 on timeout). */
uint64_t h_ev_wait(int efd);

#endif
