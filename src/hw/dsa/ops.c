// SPDX-License-Identifier: GPL-2.0-only
/*
 * Descriptor checking, the operations, and completion (DSA spec ch. 8,
 * formats from <linux/idxd.h>).
 *
 * Everything here runs on an engine thread inside the iommu DMA window of
 * the descriptor (struct dsa_exec): all memory the device touches is reached
 * through iommu_dma_translate()/iommu_dma_read()/iommu_dma_write() of that
 * window, and an address no mapping covers ends the operation with a page
 * fault status, the faulting address and the bytes completed.
 *
 * Operations (exactly those OPCAP advertises): NOOP, BATCH, DRAIN, MEMMOVE,
 * MEMFILL, COMPARE, COMPVAL (compare pattern), DUALCAST, CRCGEN, COPY_CRC.
 * CRC-32C comes from ISA-L: crc32_iscsi() is the raw reflected CRC with no
 * pre/post inversion, and DSA inverts both (the accel-config tests compute
 * the expected value as ~crc(~seed)), so a CRC with seed S is
 * ~crc32_iscsi(data, len, ~S), chained chunk by chunk.
 */
#include <errno.h>
#include <isa-l/crc.h>
#include <string.h>

#include "hw/dsa/dsa_priv.h"
#include "lib/log.h"

#define CHUNK_MAX		(1U << 30)	/* crc32_iscsi() takes an int length */
#define BOUNCE_SIZE		4096

/* Flags every operation accepts (hints the model may ignore included). */
#define FLAGS_COMMON	(IDXD_OP_FLAG_FENCE | IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | \
			 IDXD_OP_FLAG_RCI | IDXD_OP_FLAG_CC | IDXD_OP_FLAG_ADDR1_TCS | \
			 IDXD_OP_FLAG_ADDR2_TCS | IDXD_OP_FLAG_ADDR3_TCS | \
			 IDXD_OP_FLAG_CR_TCS | IDXD_OP_FLAG_STORD)

bool dsa_opcode_supported(const struct dsa_hw *hw, unsigned int op)
{
	switch (op) {
	case DSA_OPCODE_NOOP:
	case DSA_OPCODE_DRAIN:
	case DSA_OPCODE_MEMMOVE:
	case DSA_OPCODE_MEMFILL:
	case DSA_OPCODE_COMPARE:
	case DSA_OPCODE_COMPVAL:
	case DSA_OPCODE_DUALCAST:
	case DSA_OPCODE_CRCGEN:
	case DSA_OPCODE_COPY_CRC:
		return true;
	case DSA_OPCODE_BATCH:
		return hw->p.max_batch_shift >= 1;
	}
	return false;
}

static uint32_t allowed_flags(unsigned int op)
{
	switch (op) {
	case DSA_OPCODE_COMPARE:
	case DSA_OPCODE_COMPVAL:
		return FLAGS_COMMON | IDXD_OP_FLAG_CR;
	case DSA_OPCODE_CRCGEN:
	case DSA_OPCODE_COPY_CRC:
		return FLAGS_COMMON | DSA_OP_FLAG_CRC_READ_SEED;
	}
	return FLAGS_COMMON;
}

static bool op_has_xfer(unsigned int op)
{
	return op == DSA_OPCODE_MEMMOVE || op == DSA_OPCODE_MEMFILL ||
	       op == DSA_OPCODE_COMPARE || op == DSA_OPCODE_COMPVAL ||
	       op == DSA_OPCODE_DUALCAST || op == DSA_OPCODE_CRCGEN ||
	       op == DSA_OPCODE_COPY_CRC;
}

/* Does an interrupt entry serve this descriptor's PASID? */
static bool pasid_allows(uint32_t ctl, uint32_t en_bit, uint32_t pasid)
{
	if (!(ctl & en_bit))
		return true;
	return pasid != IOMMU_NO_PASID && (ctl >> IMS_CTRL_PASID_SHIFT) == pasid;
}

static bool int_handle_ok(struct dsa_exec *x, uint16_t h)
{
	struct dsa_hw *hw = x->hw;

	if (x->page & DSA_IRQ_IMS)
		return h < hw->p.ims_entries && dsa_handle_valid(hw->ims_handles, h) &&
		       pasid_allows(atomic_load(&hw->ims[h].ctrl), IMS_CTRL_PASID_ENABLE, x->pasid);
	return h < hw->p.msix_vectors && dsa_handle_valid(hw->msix_handles, h) &&
	       pasid_allows(atomic_load(&hw->msix_perm[h]), 1U << 3, x->pasid);
}

/**
 * dsa_desc_check - the checks made before an operation starts.
 * Return: 0 to go on, or the completion status (with cr->invalid_flags for
 * DSA_COMP_INVALID_FLAGS).
 */
uint8_t dsa_desc_check(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr)
{
	uint32_t bad;

	if ((d->flags & IDXD_OP_FLAG_CRAV) && (d->completion_addr & (DSA_COMP_RECORD_ALIGN - 1)))
		return DSA_COMP_CRA_ALIGN;
	if (!dsa_opcode_supported(x->hw, d->opcode) ||
	    (x->in_batch && d->opcode == DSA_OPCODE_BATCH))
		return DSA_COMP_BAD_OPCODE;
	bad = d->flags & ~allowed_flags(d->opcode);
	if (bad) {
		cr->invalid_flags = bad;
		return DSA_COMP_INVALID_FLAGS;
	}
	if ((!x->wq->dedicated && !x->in_batch && d->rsvd) || d->rsvd1)
		return DSA_COMP_NOZERO_RESERVE;
	if (!x->wq->dedicated && !x->in_batch && d->priv && !x->wq->priv)
		return DSA_COMP_PRIV_BAD;
	if ((d->flags & IDXD_OP_FLAG_RCI) && !int_handle_ok(x, d->int_handle))
		return DSA_COMP_INT_HANDLE_INVAL;
	if (op_has_xfer(d->opcode) && (d->xfer_size == 0 || d->xfer_size > x->wq->max_xfer))
		return DSA_COMP_XFER_ERANGE;
	return 0;
}

/* ---- helpers ----------------------------------------------------------------- */

static uint8_t fault(struct dsa_completion_record *cr, uint64_t addr, uint64_t done, bool write)
{
	cr->fault_addr = addr;
	cr->bytes_completed = (uint32_t)done;
	return DSA_COMP_PAGE_FAULT_NOBOF | (write ? DSA_COMP_STATUS_WRITE : 0);
}

static size_t xlat(struct dsa_exec *x, uint64_t iova, uint64_t len, int prot, void **hva)
{
	return iommu_dma_translate(&x->dma, iova, (size_t)min(len, (uint64_t)CHUNK_MAX), prot, hva);
}

/* Distance-based overlap test of two @len-byte ranges; no wrap-around math. */
static bool overlap(uint64_t a, uint64_t b, uint64_t len)
{
	return a <= b ? b - a < len : a - b < len;
}

/* ---- operations ---------------------------------------------------------------- */

static uint8_t copy_forward(struct dsa_exec *x, uint64_t src, uint64_t dst, uint64_t len,
			    struct dsa_completion_record *cr)
{
	uint64_t off = 0;

	while (off < len) {
		void *hs, *hd;
		size_t ns, nd;

		ns = xlat(x, src + off, len - off, IOMMU_READ, &hs);
		if (!ns)
			return fault(cr, src + off, off, false);
		nd = xlat(x, dst + off, ns, IOMMU_WRITE, &hd);
		if (!nd)
			return fault(cr, dst + off, off, true);
		memmove(hd, hs, nd);
		off += nd;
	}
	return DSA_COMP_SUCCESS;
}

/* Overlapping move to a higher address: bounce 4 KiB chunks from the end. */
static uint8_t copy_backward(struct dsa_exec *x, uint64_t src, uint64_t dst, uint64_t len,
			     struct dsa_completion_record *cr)
{
	uint8_t bounce[BOUNCE_SIZE];
	uint64_t end = len, fa;

	cr->result = 1;		/* direction: descending */
	while (end) {
		uint64_t n = min(end, (uint64_t)BOUNCE_SIZE), start = end - n;

		if (iommu_dma_read(&x->dma, src + start, bounce, n, &fa, NULL))
			return fault(cr, fa, len - end, false);
		if (iommu_dma_write(&x->dma, dst + start, bounce, n, &fa, NULL))
			return fault(cr, fa, len - end, true);
		end = start;
	}
	return DSA_COMP_SUCCESS;
}

static uint8_t op_memmove(struct dsa_exec *x, const struct dsa_hw_desc *d,
			  struct dsa_completion_record *cr)
{
	uint64_t len = d->xfer_size;

	if (d->dst_addr > d->src_addr && overlap(d->src_addr, d->dst_addr, len))
		return copy_backward(x, d->src_addr, d->dst_addr, len, cr);
	return copy_forward(x, d->src_addr, d->dst_addr, len, cr);
}

static uint8_t op_memfill(struct dsa_exec *x, const struct dsa_hw_desc *d,
			  struct dsa_completion_record *cr)
{
	uint64_t len = d->xfer_size, off = 0;
	uint8_t pat[8];

	memcpy(pat, &d->pattern, sizeof(pat));
	while (off < len) {
		uint8_t *hd;
		size_t n, i;

		n = xlat(x, d->dst_addr + off, len - off, IOMMU_WRITE, (void **)&hd);
		if (!n)
			return fault(cr, d->dst_addr + off, off, true);
		for (i = 0; i < n; i++)
			hd[i] = pat[(off + i) % 8];
		off += n;
	}
	return DSA_COMP_SUCCESS;
}

static size_t first_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i = 0;

	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* The result of a compare: 0 equal, 1 different at bytes_completed. */
static uint8_t compare_done(const struct dsa_hw_desc *d, struct dsa_completion_record *cr,
			    bool differ, uint64_t at)
{
	cr->result = differ;
	if (differ)
		cr->bytes_completed = (uint32_t)at;
	/* Check Result: a result other than the expected one is a false predicate */
	if ((d->flags & IDXD_OP_FLAG_CR) && cr->result != (d->expected_res & 1))
		return DSA_COMP_SUCCESS_PRED;
	return DSA_COMP_SUCCESS;
}

static uint8_t op_compare(struct dsa_exec *x, const struct dsa_hw_desc *d,
			  struct dsa_completion_record *cr)
{
	uint64_t len = d->xfer_size, off = 0;

	while (off < len) {
		void *h1, *h2;
		size_t n1, n2, i;

		n1 = xlat(x, d->src_addr + off, len - off, IOMMU_READ, &h1);
		if (!n1)
			return fault(cr, d->src_addr + off, off, false);
		n2 = xlat(x, d->src2_addr + off, n1, IOMMU_READ, &h2);
		if (!n2)
			return fault(cr, d->src2_addr + off, off, false);
		if (memcmp(h1, h2, n2)) {
			i = first_diff(h1, h2, n2);
			return compare_done(d, cr, true, off + i);
		}
		off += n2;
	}
	return compare_done(d, cr, false, 0);
}

static uint8_t op_compval(struct dsa_exec *x, const struct dsa_hw_desc *d,
			  struct dsa_completion_record *cr)
{
	uint64_t len = d->xfer_size, off = 0;
	uint8_t pat[8];

	memcpy(pat, &d->comp_pattern, sizeof(pat));
	while (off < len) {
		const uint8_t *h;
		size_t n, i;

		n = xlat(x, d->src_addr + off, len - off, IOMMU_READ, (void **)&h);
		if (!n)
			return fault(cr, d->src_addr + off, off, false);
		for (i = 0; i < n; i++)
			if (h[i] != pat[(off + i) % 8])
				return compare_done(d, cr, true, off + i);
		off += n;
	}
	return compare_done(d, cr, false, 0);
}

static uint8_t crc_seed(struct dsa_exec *x, const struct dsa_hw_desc *d,
			struct dsa_completion_record *cr, uint32_t *seed)
{
	uint64_t fa;

	*seed = d->crc_seed;
	if (!(d->flags & DSA_OP_FLAG_CRC_READ_SEED))
		return DSA_COMP_SUCCESS;
	if (iommu_dma_read(&x->dma, d->seed_addr, seed, sizeof(*seed), &fa, NULL))
		return fault(cr, fa, 0, false);
	return DSA_COMP_SUCCESS;
}

/* CRC-32C over the source, copying it to @dst unless @dst is 0 with !copy. */
static uint8_t crc_run(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr, bool copy)
{
	uint64_t len = d->xfer_size, off = 0;
	uint32_t seed, state;
	uint8_t st;

	st = crc_seed(x, d, cr, &seed);
	if (st != DSA_COMP_SUCCESS)
		return st;
	state = ~seed;
	while (off < len) {
		void *hs, *hd = NULL;
		size_t n;

		n = xlat(x, d->src_addr + off, len - off, IOMMU_READ, &hs);
		if (!n) {
			st = fault(cr, d->src_addr + off, off, false);
			break;
		}
		if (copy) {
			n = xlat(x, d->dst_addr + off, n, IOMMU_WRITE, &hd);
			if (!n) {
				st = fault(cr, d->dst_addr + off, off, true);
				break;
			}
			memcpy(hd, hs, n);
		}
		state = crc32_iscsi(hs, (int)n, state);
		off += n;
	}
	/* on a fault the partial CRC lets software resume with it as the seed */
	cr->crc_val = (uint32_t)~state;
	return st;
}

static uint8_t op_crcgen(struct dsa_exec *x, const struct dsa_hw_desc *d,
			 struct dsa_completion_record *cr)
{
	return crc_run(x, d, cr, false);
}

static uint8_t op_copy_crc(struct dsa_exec *x, const struct dsa_hw_desc *d,
			   struct dsa_completion_record *cr)
{
	if (overlap(d->src_addr, d->dst_addr, d->xfer_size))
		return DSA_COMP_OVERLAP_BUFFERS;
	return crc_run(x, d, cr, true);
}

static uint8_t op_dualcast(struct dsa_exec *x, const struct dsa_hw_desc *d,
			   struct dsa_completion_record *cr)
{
	uint64_t len = d->xfer_size, off = 0, d1 = d->dst_addr, d2 = d->dest2;

	/* both destinations must share their offset within a 4 KiB page */
	if ((d1 ^ d2) & 0xfff)
		return DSA_COMP_DCAST_ERR;
	if (overlap(d->src_addr, d1, len) || overlap(d->src_addr, d2, len) || overlap(d1, d2, len))
		return DSA_COMP_OVERLAP_BUFFERS;
	while (off < len) {
		void *hs, *h1, *h2;
		size_t n;

		n = xlat(x, d->src_addr + off, len - off, IOMMU_READ, &hs);
		if (!n)
			return fault(cr, d->src_addr + off, off, false);
		n = xlat(x, d1 + off, n, IOMMU_WRITE, &h1);
		if (!n)
			return fault(cr, d1 + off, off, true);
		n = xlat(x, d2 + off, n, IOMMU_WRITE, &h2);
		if (!n)
			return fault(cr, d2 + off, off, true);
		memcpy(h1, hs, n);
		memcpy(h2, hs, n);
		off += n;
	}
	return DSA_COMP_SUCCESS;
}

/* Check, run and complete one descriptor of a batch. Return: its status. */
static uint8_t batch_one(struct dsa_exec *x, const struct dsa_hw_desc *sub, unsigned int idx)
{
	struct dsa_completion_record cr;
	uint8_t st;

	memset(&cr, 0, sizeof(cr));
	st = dsa_desc_check(x, sub, &cr);
	if (!st)
		st = dsa_op_run(x, sub, &cr);
	x->batch_idx = idx;
	dsa_desc_complete(x, sub, &cr, st);
	return st;
}

static uint8_t op_batch(struct dsa_exec *x, const struct dsa_hw_desc *d,
			struct dsa_completion_record *cr)
{
	struct dsa_exec sub_x = *x;
	bool failed = false;
	uint32_t i;
	uint64_t fa;

	if (d->desc_list_addr & (DSA_DESC_SIZE - 1))
		return DSA_COMP_DESCLIST_ALIGN;
	if (d->desc_count < 2 || d->desc_count > x->wq->max_batch)
		return DSA_COMP_DESC_CNT_ERANGE;
	sub_x.in_batch = true;
	for (i = 0; i < d->desc_count; i++) {
		struct dsa_hw_desc sub;

		if (iommu_dma_read(&x->dma, d->desc_list_addr + (uint64_t)i * DSA_DESC_SIZE,
				   &sub, sizeof(sub), &fa, NULL)) {
			cr->fault_addr = fa;
			cr->bytes_completed = i;
			return DSA_COMP_BATCH_PAGE_FAULT;
		}
		/* a fence waits for the ones before; after a failure it abandons */
		if ((sub.flags & IDXD_OP_FLAG_FENCE) && failed)
			break;
		if (batch_one(&sub_x, &sub, i) != DSA_COMP_SUCCESS)
			failed = true;
	}
	cr->bytes_completed = i;	/* descriptors completed */
	return failed ? DSA_COMP_BATCH_FAIL : DSA_COMP_SUCCESS;
}

/**
 * dsa_op_run - execute a checked descriptor in @x's window.
 * Return: the completion status; @cr holds the operation's fields.
 */
uint8_t dsa_op_run(struct dsa_exec *x, const struct dsa_hw_desc *d,
		   struct dsa_completion_record *cr)
{
	switch (d->opcode) {
	case DSA_OPCODE_NOOP:
	case DSA_OPCODE_DRAIN:		/* the waiting happened before the window */
		return DSA_COMP_SUCCESS;
	case DSA_OPCODE_BATCH:
		return op_batch(x, d, cr);
	case DSA_OPCODE_MEMMOVE:
		return op_memmove(x, d, cr);
	case DSA_OPCODE_MEMFILL:
		return op_memfill(x, d, cr);
	case DSA_OPCODE_COMPARE:
		return op_compare(x, d, cr);
	case DSA_OPCODE_COMPVAL:
		return op_compval(x, d, cr);
	case DSA_OPCODE_DUALCAST:
		return op_dualcast(x, d, cr);
	case DSA_OPCODE_CRCGEN:
		return op_crcgen(x, d, cr);
	case DSA_OPCODE_COPY_CRC:
		return op_copy_crc(x, d, cr);
	}
	return DSA_COMP_BAD_OPCODE;
}

/* ---- completion --------------------------------------------------------------- */

/*
 * Write the 32-byte record: bytes 1..31 first, then the status byte with a
 * release store so a driver polling the status sees a complete record.
 * Return: 0, or -EFAULT when any of it could not be written.
 */
static int write_record(struct dsa_exec *x, uint64_t addr, struct dsa_completion_record *cr,
			uint8_t status)
{
	const uint8_t *raw = (const uint8_t *)cr;
	void *hva;

	if (iommu_dma_write(&x->dma, addr + 1, raw + 1, DSA_COMP_RECORD_SIZE - 1, NULL, NULL))
		return -EFAULT;
	if (!iommu_dma_translate(&x->dma, addr, 1, IOMMU_WRITE, &hva))
		return -EFAULT;
	atomic_store_explicit((_Atomic uint8_t *)hva, status, memory_order_release);
	return 0;
}

static void report_swerr(struct dsa_exec *x, const struct dsa_hw_desc *d,
			 const struct dsa_completion_record *cr, uint8_t error, uint64_t fa)
{
	struct dsa_swerr_info e = {
		.error = error & DSA_COMP_STATUS_MASK,
		.opcode = d->opcode,
		.desc_valid = true,
		.wq_valid = true,
		.batch = x->in_batch,
		.fault_rw = (error & DSA_COMP_STATUS_WRITE) != 0,
		.priv = x->priv,
		.wq = x->wq->id,
		.pasid = x->pasid,
		.batch_idx = x->in_batch ? x->batch_idx : 0,
		.invalid_flags = cr->invalid_flags,
		.fault_addr = fa,
	};

	dsa_swerr_report(x->hw, &e);
}

static void raise_completion_irq(struct dsa_exec *x, uint16_t h)
{
	if (!int_handle_ok(x, h))
		return;		/* the descriptor failed before its handle was checked */
	if (x->page & DSA_IRQ_IMS) {
		dsa_ims_fire(x->hw, h);
	} else if (!(atomic_load(&x->hw->msix_perm[h]) & (1U << 2))) {	/* ignore bit */
		dsa_msix_fire(x->hw, h);
	}
}

/**
 * dsa_desc_complete - report the outcome of a descriptor: the completion
 * record (with CRAV: on any status but success, and on success with RCR),
 * SWERR when there is no record to carry an error or the record cannot be
 * written, then the completion interrupt (RCI with a valid handle).
 */
void dsa_desc_complete(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr, uint8_t status)
{
	bool ok = true;

	if (status == DSA_COMP_CRA_ALIGN) {
		report_swerr(x, d, cr, status, d->completion_addr);
		ok = false;
	} else if (d->flags & IDXD_OP_FLAG_CRAV) {
		if ((status != DSA_COMP_SUCCESS || (d->flags & IDXD_OP_FLAG_RCR)) &&
		    write_record(x, d->completion_addr, cr, status)) {
			/* SWERR names the record's address */
			report_swerr(x, d, cr, DSA_COMP_CRA_XLAT, d->completion_addr);
			ok = false;
		}
	} else if (status != DSA_COMP_SUCCESS && status != DSA_COMP_SUCCESS_PRED) {
		report_swerr(x, d, cr, status, cr->fault_addr);
	}
	if (ok && (d->flags & IDXD_OP_FLAG_RCI))
		raise_completion_irq(x, d->int_handle);
}
