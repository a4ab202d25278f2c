// SPDX-License-Identifier: GPL-2.0-only
/*
 * Descriptor checking, dispatch, block on fault, Batch, and completion (DSA
 * spec rev 2.0, chapter 8; formats from <linux/idxd.h> and
 * include/spec/dsa.h). The operations themselves live in ops_mem.c,
 * ops_dif.c and ops_delta.c.
 *
 * Everything here runs on an engine thread inside the iommu DMA window of
 * the descriptor (struct dsa_exec). The only place a window is closed and
 * reopened mid-descriptor is block on fault, which waits outside it.
 *
 * Checks, in this order, before an operation starts:
 *   completion record address 32-byte aligned       DSA_COMP_CRA_ALIGN
 *   opcode in OPCAP and in the WQ's op_config;
 *     no Batch or Drain inside a batch              DSA_COMP_BAD_OPCODE
 *   flags the operation and WQ allow, and flag
 *     combinations (RCR needs CRAV)                 DSA_COMP_INVALID_FLAGS
 *   reserved fields zero                            DSA_COMP_NOZERO_RESERVE
 *   priv only on a privileged shared WQ             DSA_COMP_PRIV_BAD
 *   interrupt handle valid when RCI is set          DSA_COMP_INT_HANDLE_INVAL
 *   transfer size in 1..WQ maximum                  DSA_COMP_XFER_ERANGE
 * then each operation checks its own parameters (alignment, sizes,
 * overlapping buffers).
 *
 * Block on fault (flag bit 1, allowed when the WQ has WQCFG.bof): before an
 * operation touches memory, every range it will access is walked; while one
 * does not translate, the engine leaves the window, waits for the owner of
 * the address space to map it (the platform's page-request path), and walks
 * again. Unresolved within page_req_timeout_ms, or faulting later anyway,
 * the descriptor completes with DSA_COMP_PAGE_FAULT_IR (the page request
 * failed). An abort of the WQ or PASID abandons a waiting descriptor.
 */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "hw/dsa/dsa_priv.h"
#include "lib/log.h"

/* Flags every operation accepts (hints the model may ignore included). */
#define FLAGS_COMMON	(IDXD_OP_FLAG_FENCE | IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | \
			 IDXD_OP_FLAG_RCI | IDXD_OP_FLAG_CC | IDXD_OP_FLAG_ADDR1_TCS | \
			 IDXD_OP_FLAG_ADDR2_TCS | IDXD_OP_FLAG_ADDR3_TCS | \
			 IDXD_OP_FLAG_CR_TCS | IDXD_OP_FLAG_STORD)
#define FLAGS_CRC	(DSA_OP_FLAG_CRC_READ_SEED | DSA_OP_FLAG_CRC_BYPASS_REFLECT | \
			 DSA_OP_FLAG_CRC_BYPASS_DATA_REFLECT)

#define BOF_SLEEP_MIN_US	10
#define BOF_SLEEP_MAX_US	1000

bool dsa_opcode_supported(const struct dsa_hw *hw, unsigned int op)
{
	switch (op) {
	case DSA_OPCODE_NOOP:
	case DSA_OPCODE_DRAIN:
	case DSA_OPCODE_MEMMOVE:
	case DSA_OPCODE_MEMFILL:
	case DSA_OPCODE_COMPARE:
	case DSA_OPCODE_COMPVAL:
	case DSA_OPCODE_CR_DELTA:
	case DSA_OPCODE_AP_DELTA:
	case DSA_OPCODE_DUALCAST:
	case DSA_OPCODE_CRCGEN:
	case DSA_OPCODE_COPY_CRC:
	case DSA_OPCODE_DIF_CHECK:
	case DSA_OPCODE_DIF_INS:
	case DSA_OPCODE_DIF_STRP:
	case DSA_OPCODE_DIF_UPDT:
	case DSA_OPCODE_CFLUSH:
		return true;
	case DSA_OPCODE_TRANSL_FETCH:
	case DSA_OPCODE_DIX_GEN:
		return hw->p.version >= DEVICE_VERSION_2;
	case DSA_OPCODE_BATCH:
		return hw->p.max_batch_shift >= 1;
	}
	return false;
}

static bool op_writes_memory(unsigned int op)
{
	switch (op) {
	case DSA_OPCODE_MEMMOVE:
	case DSA_OPCODE_MEMFILL:
	case DSA_OPCODE_CR_DELTA:
	case DSA_OPCODE_AP_DELTA:
	case DSA_OPCODE_DUALCAST:
	case DSA_OPCODE_COPY_CRC:
	case DSA_OPCODE_DIF_INS:
	case DSA_OPCODE_DIF_STRP:
	case DSA_OPCODE_DIF_UPDT:
	case DSA_OPCODE_DIX_GEN:
		return true;
	}
	return false;
}

static bool op_has_xfer(unsigned int op)
{
	return op != DSA_OPCODE_NOOP && op != DSA_OPCODE_BATCH && op != DSA_OPCODE_DRAIN;
}

static uint32_t allowed_flags(const struct dsa_exec *x, unsigned int op)
{
	uint32_t f = FLAGS_COMMON;

	/* block on fault: a WQ with it enabled; reserved for Batch and Drain */
	if (x->wq->bof && op != DSA_OPCODE_BATCH && op != DSA_OPCODE_DRAIN)
		f |= IDXD_OP_FLAG_BOF;
	if (x->hw->gencap.dest_readback && op_writes_memory(op))
		f |= IDXD_OP_FLAG_DRDBK;
	switch (op) {
	case DSA_OPCODE_COMPARE:
	case DSA_OPCODE_COMPVAL:
	case DSA_OPCODE_CR_DELTA:
		f |= IDXD_OP_FLAG_CR;
		break;
	case DSA_OPCODE_CRCGEN:
	case DSA_OPCODE_COPY_CRC:
		f |= FLAGS_CRC;
		break;
	case DSA_OPCODE_MEMFILL:
		if (x->hw->p.version >= DEVICE_VERSION_2)
			f |= DSA_OP_FLAG_FILL_PATTERN_16B;
		break;
	}
	return f;
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

static bool zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/* Reserved operation-specific bytes (40..63) of the operations that define them. */
static uint8_t op_reserved_check(const struct dsa_hw_desc *d)
{
	const uint8_t *o = d->op_specific;

	switch (d->opcode) {
	case DSA_OPCODE_CRCGEN:
	case DSA_OPCODE_COPY_CRC:
		return zero(o + 4, 4) ? 0 : DSA_COMP_NOZERO_RESERVE;
	case DSA_OPCODE_CR_DELTA:
		return zero(o + 12, 4) && zero(o + 17, 7) ? 0 : DSA_COMP_NOZERO_RESERVE;
	case DSA_OPCODE_AP_DELTA:
		return zero(o + 4, 20) ? 0 : DSA_COMP_NOZERO_RESERVE;
	case DSA_OPCODE_TRANSL_FETCH:
		return zero(o, 8) && zero(o + 12, 12) ? 0 : DSA_COMP_NOZERO_RESERVE;
	case DSA_OPCODE_DIF_CHECK:
	case DSA_OPCODE_DIF_INS:
	case DSA_OPCODE_DIF_STRP:
	case DSA_OPCODE_DIF_UPDT:
	case DSA_OPCODE_DIX_GEN:
		return dsa_dif_check_desc(d);
	}
	return 0;
}

static bool op_enabled(const struct dsa_exec *x, unsigned int op)
{
	if (!dsa_opcode_supported(x->hw, op) || !(x->wq->op_config[op / 64] & (1ULL << (op % 64))))
		return false;
	return !x->in_batch || (op != DSA_OPCODE_BATCH && op != DSA_OPCODE_DRAIN);
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
	uint8_t st;

	if ((d->flags & IDXD_OP_FLAG_CRAV) && (d->completion_addr & (DSA_COMP_RECORD_ALIGN - 1)))
		return DSA_COMP_CRA_ALIGN;
	if (!op_enabled(x, d->opcode))
		return DSA_COMP_BAD_OPCODE;
	bad = d->flags & ~allowed_flags(x, d->opcode);
	if ((d->flags & IDXD_OP_FLAG_RCR) && !(d->flags & IDXD_OP_FLAG_CRAV))
		bad |= IDXD_OP_FLAG_RCR;
	if (bad) {
		cr->invalid_flags = bad;
		return DSA_COMP_INVALID_FLAGS;
	}
	if ((!x->wq->dedicated && !x->in_batch && d->rsvd) || d->rsvd1)
		return DSA_COMP_NOZERO_RESERVE;
	st = op_reserved_check(d);
	if (st)
		return st;
	if (!x->wq->dedicated && !x->in_batch && d->priv && !x->wq->priv)
		return DSA_COMP_PRIV_BAD;
	if ((d->flags & IDXD_OP_FLAG_RCI) && !int_handle_ok(x, d->int_handle))
		return DSA_COMP_INT_HANDLE_INVAL;
	if (op_has_xfer(d->opcode) && (d->xfer_size == 0 || d->xfer_size > x->wq->max_xfer))
		return DSA_COMP_XFER_ERANGE;
	return 0;
}

/* ---- memory ranges, block on fault, destination readback -------------------------- */

static unsigned int add(struct dsa_range *r, unsigned int n, uint64_t a, uint64_t len, int prot)
{
	r[n] = (struct dsa_range){ a, len, prot };
	return n + 1;
}

/* What a checked descriptor will access. Return: the number of ranges. */
static unsigned int op_ranges(const struct dsa_hw_desc *d, struct dsa_range *r)
{
	uint64_t len = d->xfer_size;
	unsigned int n = 0;

	switch (d->opcode) {
	case DSA_OPCODE_MEMMOVE:
		n = add(r, n, d->src_addr, len, IOMMU_READ);
		return add(r, n, d->dst_addr, len, IOMMU_WRITE);
	case DSA_OPCODE_MEMFILL:
		return add(r, n, d->dst_addr, len, IOMMU_WRITE);
	case DSA_OPCODE_COMPARE:
		n = add(r, n, d->src_addr, len, IOMMU_READ);
		return add(r, n, d->src2_addr, len, IOMMU_READ);
	case DSA_OPCODE_COMPVAL:
	case DSA_OPCODE_TRANSL_FETCH:
		return add(r, n, d->src_addr, len, IOMMU_READ);
	case DSA_OPCODE_CFLUSH:
		return add(r, n, d->dst_addr, len, IOMMU_READ);
	case DSA_OPCODE_CR_DELTA:
		n = add(r, n, d->src_addr, len, IOMMU_READ);
		n = add(r, n, d->src2_addr, len, IOMMU_READ);
		return add(r, n, d->delta_addr, d->max_delta_size, IOMMU_WRITE);
	case DSA_OPCODE_AP_DELTA:
		n = add(r, n, d->src_addr, d->delta_rec_size, IOMMU_READ);
		return add(r, n, d->dst_addr, len, IOMMU_WRITE);
	case DSA_OPCODE_DUALCAST:
		n = add(r, n, d->src_addr, len, IOMMU_READ);
		n = add(r, n, d->dst_addr, len, IOMMU_WRITE);
		return add(r, n, d->dest2, len, IOMMU_WRITE);
	case DSA_OPCODE_COPY_CRC:
		n = add(r, n, d->dst_addr, len, IOMMU_WRITE);
		fallthrough;
	case DSA_OPCODE_CRCGEN:
		n = add(r, n, d->src_addr, len, IOMMU_READ);
		if (d->flags & DSA_OP_FLAG_CRC_READ_SEED)
			n = add(r, n, d->seed_addr, 4, IOMMU_READ);
		return n;
	case DSA_OPCODE_DIF_CHECK:
	case DSA_OPCODE_DIF_INS:
	case DSA_OPCODE_DIF_STRP:
	case DSA_OPCODE_DIF_UPDT:
	case DSA_OPCODE_DIX_GEN:
		return dsa_dif_ranges(d, r);
	case DSA_OPCODE_BATCH:
		return add(r, n, d->desc_list_addr, (uint64_t)d->desc_count * DSA_DESC_SIZE,
			   IOMMU_READ);
	}
	return 0;
}

/* First address of @r that does not translate with its permission, if any. */
static bool range_missing(struct dsa_exec *x, const struct dsa_range *r, uint64_t *fa)
{
	uint64_t off = 0;
	void *h;

	while (off < r->len) {
		size_t n = dsa_xlat(x, r->addr + off, r->len - off, r->prot, &h);

		if (!n) {
			*fa = r->addr + off;
			return true;
		}
		off += n;
	}
	return false;
}

static uint64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/*
 * Block on fault: return 0 once every range translates, DSA_STATUS_ABANDONED
 * if an abort (or a halt) came first, or DSA_COMP_PAGE_FAULT_IR when the
 * page request timed out. Waits outside the window.
 */
static uint8_t bof_wait(struct dsa_exec *x, const struct dsa_hw_desc *d,
			struct dsa_completion_record *cr)
{
	struct dsa_range r[DSA_MAX_RANGES];
	unsigned int n = op_ranges(d, r), i, sleep_us = BOF_SLEEP_MIN_US;
	uint64_t deadline = 0, fa;

	for (;;) {
		for (i = 0; i < n; i++)
			if (range_missing(x, &r[i], &fa))
				break;
		if (i == n)
			return 0;
		if (!deadline) {
			deadline = now_ms() + x->hw->p.page_req_timeout_ms;
		} else if (now_ms() >= deadline) {
			cr->fault_addr = fa;
			cr->bytes_completed = 0;
			return DSA_COMP_PAGE_FAULT_IR |
			       (r[i].prot & IOMMU_WRITE ? DSA_COMP_STATUS_WRITE : 0);
		}
		if (dsa_wq_aborting(x->wq, x->pasid) || !dsa_running(x->hw))
			return DSA_STATUS_ABANDONED;
		iommu_dma_end(&x->dma);
		usleep(sleep_us);
		sleep_us = min(sleep_us * 2, (unsigned int)BOF_SLEEP_MAX_US);
		iommu_dma_begin(x->hw->iommu, x->hw->rid, x->pasid, &x->dma);
	}
}

/* Destination readback: read what was written back through the IOMMU. */
static uint8_t readback(struct dsa_exec *x, const struct dsa_hw_desc *d,
			struct dsa_completion_record *cr)
{
	struct dsa_range r[DSA_MAX_RANGES];
	unsigned int n = op_ranges(d, r), i;
	uint64_t fa;

	for (i = 0; i < n; i++) {
		if (!(r[i].prot & IOMMU_WRITE))
			continue;
		r[i].prot = IOMMU_READ;
		if (range_missing(x, &r[i], &fa))
			return dsa_fault(cr, fa, d->xfer_size, false);
	}
	return DSA_COMP_SUCCESS;
}

/* ---- Batch --------------------------------------------------------------------- */

/* Check, run and complete one descriptor of a batch. Return: its status. */
static uint8_t batch_one(struct dsa_exec *x, const struct dsa_hw_desc *sub, unsigned int idx)
{
	struct dsa_completion_record cr;
	uint8_t st;

	memset(&cr, 0, sizeof(cr));
	x->batch_idx = idx;
	st = dsa_desc_check(x, sub, &cr);
	if (!st)
		st = dsa_op_run(x, sub, &cr);
	dsa_desc_complete(x, sub, &cr, st);
	return st;
}

#define BATCH_FETCH	32	/* list entries read by one DMA */

/*
 * Batch: the list is read by DMA BATCH_FETCH descriptors at a time (one
 * translation per fetch, not per descriptor); a fetch that faults part way
 * yields the whole descriptors before the fault, and the next fetch, at the
 * first descriptor not read, reports the fault. Each runs with
 * the batch's PASID and privilege and writes its own record and interrupt.
 * A descriptor with Fence waits for those before it (they ran in order) and
 * is abandoned, with the rest, after a failure or false predicate. Status:
 * SUCCESS if every descriptor succeeded, else BATCH_FAIL; descs_completed
 * (bytes_completed) is the number processed.
 */
static uint8_t op_batch(struct dsa_exec *x, const struct dsa_hw_desc *d,
			struct dsa_completion_record *cr)
{
	struct dsa_hw_desc list[BATCH_FETCH];
	uint32_t i, first = 0, have = 0;
	bool failed = false;
	uint8_t st = DSA_COMP_SUCCESS;
	uint64_t fa;

	if (d->desc_list_addr & (DSA_DESC_SIZE - 1))
		return DSA_COMP_DESCLIST_ALIGN;
	if (d->desc_count < 2 || d->desc_count > x->wq->max_batch)
		return DSA_COMP_DESC_CNT_ERANGE;
	x->in_batch = true;
	for (i = 0; i < d->desc_count; i++) {
		const struct dsa_hw_desc *sub;

		if (i == first + have) {
			uint64_t at = d->desc_list_addr + (uint64_t)i * DSA_DESC_SIZE;
			/* whole descriptors before 2^64: a fetch never wraps */
			uint64_t room = (UINT64_MAX - at) / DSA_DESC_SIZE + 1;
			uint32_t want = (uint32_t)min((uint64_t)min(d->desc_count - i,
								   (uint32_t)BATCH_FETCH), room);
			size_t done = 0;

			fa = at;
			iommu_dma_read(&x->dma, at, list, (size_t)want * DSA_DESC_SIZE, &fa, &done);
			first = i;
			have = (uint32_t)(done / DSA_DESC_SIZE);
			if (!have) {
				cr->fault_addr = fa;
				st = DSA_COMP_BATCH_PAGE_FAULT;
				break;
			}
		}
		sub = &list[i - first];
		if ((sub->flags & IDXD_OP_FLAG_FENCE) && failed)
			break;
		if (dsa_wq_aborting(x->wq, x->pasid)) {
			st = DSA_STATUS_ABANDONED;
			break;
		}
		switch (batch_one(x, sub, i)) {
		case DSA_COMP_SUCCESS:
			break;
		case DSA_STATUS_ABANDONED:
			st = DSA_STATUS_ABANDONED;
			goto out;
		default:
			failed = true;
		}
	}
out:
	x->in_batch = false;
	cr->bytes_completed = i;	/* descriptors processed */
	if (st != DSA_COMP_SUCCESS)
		return st;
	return failed ? DSA_COMP_BATCH_FAIL : DSA_COMP_SUCCESS;
}

/* ---- dispatch ----------------------------------------------------------------------- */

static uint8_t op_dispatch(struct dsa_exec *x, const struct dsa_hw_desc *d,
			   struct dsa_completion_record *cr)
{
	switch (d->opcode) {
	case DSA_OPCODE_NOOP:
	case DSA_OPCODE_DRAIN:		/* the waiting happened before the window */
		return DSA_COMP_SUCCESS;
	case DSA_OPCODE_BATCH:
		return op_batch(x, d, cr);
	case DSA_OPCODE_MEMMOVE:
		return dsa_op_memmove(x, d, cr);
	case DSA_OPCODE_MEMFILL:
		return dsa_op_memfill(x, d, cr);
	case DSA_OPCODE_COMPARE:
		return dsa_op_compare(x, d, cr);
	case DSA_OPCODE_COMPVAL:
		return dsa_op_compval(x, d, cr);
	case DSA_OPCODE_CR_DELTA:
		return dsa_op_cr_delta(x, d, cr);
	case DSA_OPCODE_AP_DELTA:
		return dsa_op_ap_delta(x, d, cr);
	case DSA_OPCODE_DUALCAST:
		return dsa_op_dualcast(x, d, cr);
	case DSA_OPCODE_CRCGEN:
		return dsa_op_crc(x, d, cr, false);
	case DSA_OPCODE_COPY_CRC:
		return dsa_op_crc(x, d, cr, true);
	case DSA_OPCODE_DIF_CHECK:
	case DSA_OPCODE_DIF_INS:
	case DSA_OPCODE_DIF_STRP:
	case DSA_OPCODE_DIF_UPDT:
	case DSA_OPCODE_DIX_GEN:
		return dsa_op_dif(x, d, cr);
	case DSA_OPCODE_CFLUSH:
		return dsa_op_cflush(x, d, cr);
	case DSA_OPCODE_TRANSL_FETCH:
		return dsa_op_transl_fetch(x, d, cr);
	}
	return DSA_COMP_BAD_OPCODE;
}

static bool is_page_fault(uint8_t st)
{
	st &= DSA_COMP_STATUS_MASK;
	return st == DSA_COMP_PAGE_FAULT_NOBOF || st == DSA_COMP_PAGE_FAULT_IR;
}

/**
 * dsa_op_run - execute a checked descriptor in @x's window (block on fault
 * and destination readback included).
 * Return: the completion status, or DSA_STATUS_ABANDONED (report nothing);
 * @cr holds the operation's fields.
 */
uint8_t dsa_op_run(struct dsa_exec *x, const struct dsa_hw_desc *d,
		   struct dsa_completion_record *cr)
{
	bool bof = d->flags & IDXD_OP_FLAG_BOF;
	uint8_t st;

	if (bof) {
		st = bof_wait(x, d, cr);
		if (st)
			return st;
	}
	st = op_dispatch(x, d, cr);
	if (bof && is_page_fault(st))	/* mapped, then unmapped again */
		return DSA_COMP_PAGE_FAULT_IR | (st & DSA_COMP_STATUS_WRITE);
	if ((st == DSA_COMP_SUCCESS || st == DSA_COMP_SUCCESS_PRED) &&
	    (d->flags & IDXD_OP_FLAG_DRDBK)) {
		uint8_t rb = readback(x, d, cr);

		if (rb != DSA_COMP_SUCCESS)
			return rb;
	}
	return st;
}

/* ---- completion ------------------------------------------------------------------- */

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

	if (iommu_dma_translate(&x->dma, addr, DSA_COMP_RECORD_SIZE, IOMMU_WRITE, &hva) ==
	    DSA_COMP_RECORD_SIZE) {
		memcpy((uint8_t *)hva + 1, raw + 1, DSA_COMP_RECORD_SIZE - 1);
	} else {
		if (iommu_dma_write(&x->dma, addr + 1, raw + 1, DSA_COMP_RECORD_SIZE - 1, NULL, NULL))
			return -EFAULT;
		if (!iommu_dma_translate(&x->dma, addr, 1, IOMMU_WRITE, &hva))
			return -EFAULT;
	}
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
 * written, then the completion interrupt (RCI with a valid handle). An
 * abandoned descriptor reports nothing.
 */
void dsa_desc_complete(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr, uint8_t status)
{
	bool ok = true;

	if (status == DSA_STATUS_ABANDONED)
		return;
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
