// SPDX-License-Identifier: GPL-2.0-only
/*
 * Create Delta Record and Apply Delta Record (DSA spec rev 2.0, chapter 8
 * "Descriptor Formats"; record format in include/spec/dsa.h).
 *
 * Create compares source 1 (src_addr) with source 2 (src2_addr) 8 bytes at
 * a time and, for every word that differs, appends a 10-byte entry (word
 * offset, source-2 word) at delta_addr, up to max_delta_size bytes. Result:
 * 0 the sources are equal, 1 a record was written (its size in the
 * completion record's delta_rec_size), 2 it would not fit (the record holds
 * the entries that fit). With Check Result, a result whose bit is clear in
 * expected_res_mask completes with "success, false predicate".
 *
 * Apply writes each entry's word at destination + 8 * offset, so that a
 * copy of source 1 becomes source 2. Offsets must increase
 * (DSA_COMP_DR_OFFSET_NOINC) and stay inside the transfer size
 * (DSA_COMP_DR_OFFSET_ERANGE); entries before a bad one are applied.
 *
 * Both need 8-byte aligned buffers (DSA_COMP_ADDR_ALIGN), a size that is a
 * multiple of 8 and at most 512 KiB (DSA_COMP_XFER_ERANGE), and record sizes
 * that are whole entries (DSA_COMP_DR_ERANGE). On a page fault
 * bytes_completed is the source bytes compared (Create) or the record bytes
 * applied (Apply); Create also reports the record bytes written so far.
 */
#include <string.h>

#include "hw/dsa/dsa_priv.h"

#define WORDS_PER_PASS	512	/* 4 KiB of each source per translation */
#define ENTRY_BATCH	64

static uint8_t delta_xfer_check(const struct dsa_hw_desc *d)
{
	if (d->xfer_size % 8 || d->xfer_size > DSA_DELTA_MAX_XFER)
		return DSA_COMP_XFER_ERANGE;
	return 0;
}

struct delta_out {
	struct dsa_entry_buf {
		struct dsa_delta_entry e[ENTRY_BATCH];
		unsigned int n;
	} buf;
	uint64_t addr;			/* where the next entry goes */
	uint32_t written, max;		/* record bytes */
};

static int delta_flush(struct dsa_exec *x, struct delta_out *o, uint64_t *fa)
{
	size_t len = (size_t)o->buf.n * DSA_DELTA_ENTRY_SIZE, done = 0;
	int rc = iommu_dma_write(&x->dma, o->addr, o->buf.e, len, fa, &done);

	/* whole entries only count */
	done -= done % DSA_DELTA_ENTRY_SIZE;
	o->addr += done;
	o->written += (uint32_t)done;
	o->buf.n = 0;
	return rc;
}

/* Compare one contiguous run of words. Return: false when the record is full. */
static bool delta_run(const uint64_t *a, const uint64_t *b, uint64_t word0, size_t nwords,
		      struct delta_out *o, size_t *done)
{
	size_t i;

	for (i = 0; i < nwords; i++) {
		if (a[i] == b[i])
			continue;
		if (o->written + (o->buf.n + 1) * DSA_DELTA_ENTRY_SIZE > o->max) {
			*done = i;
			return false;
		}
		o->buf.e[o->buf.n].offset = (uint16_t)(word0 + i);
		o->buf.e[o->buf.n].data = b[i];
		if (++o->buf.n == ENTRY_BATCH) {
			*done = i + 1;
			return true;
		}
	}
	*done = nwords;
	return true;
}

static uint8_t create_result(const struct dsa_hw_desc *d, struct dsa_completion_record *cr,
			     uint8_t result)
{
	cr->result = result;
	if ((d->flags & IDXD_OP_FLAG_CR) && !(d->expected_res_mask & (1U << result)))
		return DSA_COMP_SUCCESS_PRED;
	return DSA_COMP_SUCCESS;
}

uint8_t dsa_op_cr_delta(struct dsa_exec *x, const struct dsa_hw_desc *d,
			struct dsa_completion_record *cr)
{
	struct delta_out o = { .addr = d->delta_addr, .max = d->max_delta_size };
	uint64_t len = d->xfer_size, off = 0, fa;
	uint8_t st;
	bool room = true;

	if ((d->src_addr | d->src2_addr) & 7)
		return DSA_COMP_ADDR_ALIGN;
	st = delta_xfer_check(d);
	if (st)
		return st;
	if (d->max_delta_size % DSA_DELTA_ENTRY_SIZE || d->max_delta_size < DSA_DELTA_MIN_RECORD ||
	    d->max_delta_size > x->wq->max_xfer)
		return DSA_COMP_DR_ERANGE;
	if (dsa_overlap(d->delta_addr, d->max_delta_size, d->src_addr, len) ||
	    dsa_overlap(d->delta_addr, d->max_delta_size, d->src2_addr, len))
		return DSA_COMP_OVERLAP_BUFFERS;
	while (off < len && room) {
		void *h1, *h2;
		size_t n, done;

		n = dsa_xlat(x, d->src_addr + off, min(len - off, (uint64_t)WORDS_PER_PASS * 8),
			     IOMMU_READ, &h1);
		if (!n) {
			st = dsa_fault(cr, d->src_addr + off, off, false);
			goto out_flush;
		}
		n = dsa_xlat(x, d->src2_addr + off, n, IOMMU_READ, &h2);
		if (n < 8) {
			/* a word straddling two mappings: one word through a bounce */
			uint64_t w1, w2;

			if (iommu_dma_read(&x->dma, d->src_addr + off, &w1, 8, &fa, NULL) ||
			    iommu_dma_read(&x->dma, d->src2_addr + off, &w2, 8, &fa, NULL)) {
				st = dsa_fault(cr, fa, off, false);
				goto out_flush;
			}
			room = delta_run(&w1, &w2, off / 8, 1, &o, &done);
			off += done * 8;
		} else {
			room = delta_run(h1, h2, off / 8, n / 8, &o, &done);
			off += done * 8;
		}
		if (o.buf.n == ENTRY_BATCH && delta_flush(x, &o, &fa)) {
			st = dsa_fault(cr, fa, off, true);
			goto out_record;
		}
	}
out_flush:
	if (o.buf.n && delta_flush(x, &o, &fa) && !st)
		st = dsa_fault(cr, fa, off, true);
out_record:
	cr->delta_rec_size = o.written;
	if (st)
		return st;
	if (!room) {
		cr->bytes_completed = (uint32_t)off;
		return create_result(d, cr, DSA_DELTA_RESULT_OVERFLOW);
	}
	return create_result(d, cr, o.written ? DSA_DELTA_RESULT_DIFF : DSA_DELTA_RESULT_EQUAL);
}

uint8_t dsa_op_ap_delta(struct dsa_exec *x, const struct dsa_hw_desc *d,
			struct dsa_completion_record *cr)
{
	struct dsa_delta_entry e[ENTRY_BATCH];
	uint32_t size = d->delta_rec_size, done = 0;
	int32_t last = -1;
	uint64_t fa;
	uint8_t st;

	if (d->dst_addr & 7)
		return DSA_COMP_ADDR_ALIGN;
	st = delta_xfer_check(d);
	if (st)
		return st;
	if (!size || size % DSA_DELTA_ENTRY_SIZE || size > x->wq->max_xfer)
		return DSA_COMP_DR_ERANGE;
	if (dsa_overlap(d->src_addr, size, d->dst_addr, d->xfer_size))
		return DSA_COMP_OVERLAP_BUFFERS;
	while (done < size) {
		unsigned int n = min((size - done) / DSA_DELTA_ENTRY_SIZE, (uint32_t)ENTRY_BATCH), i;

		if (iommu_dma_read(&x->dma, d->src_addr + done, e, n * DSA_DELTA_ENTRY_SIZE, &fa,
				   NULL))
			return dsa_fault(cr, fa, done, false);
		for (i = 0; i < n; i++) {
			uint64_t at = (uint64_t)e[i].offset * 8;

			if ((int32_t)e[i].offset <= last) {
				cr->bytes_completed = done;
				return DSA_COMP_DR_OFFSET_NOINC;
			}
			if (at + 8 > d->xfer_size) {
				cr->bytes_completed = done;
				return DSA_COMP_DR_OFFSET_ERANGE;
			}
			if (iommu_dma_write(&x->dma, d->dst_addr + at, &e[i].data, 8, &fa, NULL))
				return dsa_fault(cr, fa, done, true);
			last = e[i].offset;
			done += DSA_DELTA_ENTRY_SIZE;
		}
	}
	return DSA_COMP_SUCCESS;
}
