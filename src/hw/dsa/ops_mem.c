// SPDX-License-Identifier: GPL-2.0-only
/*
 * Data movement and CRC operations (DSA spec rev 2.0, chapter 8): Memory Move,
 * Memory Fill (8- and 16-byte patterns), Compare, Compare Pattern,
 * Memory Copy with Dualcast, CRC Generation, Copy with CRC Generation,
 * Cache Flush and Translation Fetch.
 *
 * Each runs on an engine thread inside the descriptor's iommu window and
 * reaches memory only through dsa_xlat() (a host pointer for the longest
 * contiguous mapped run) or iommu_dma_read()/iommu_dma_write(). A fault ends
 * the operation with DSA_COMP_PAGE_FAULT_NOBOF (bit 7 for a write), the
 * faulting address and bytes_completed, the bytes done before it, so that
 * software can resume by advancing the addresses by that many bytes.
 *
 * CRC-32C comes from ISA-L: crc32_iscsi() is the reflected CRC with no
 * pre/post inversion, and DSA inverts both (the accel-config tests compute
 * the expected value as ~crc(~seed)), so a CRC with seed S is
 * ~crc32_iscsi(data, len, ~S), chained chunk by chunk. With "bypass CRC
 * inversion and reflection" the seed and result are bit-reversed instead of
 * inverted; with "bypass data reflection" each data byte enters MSB first,
 * which is the reflected CRC of the bit-reversed bytes.
 */
#include <isa-l/crc.h>
#include <string.h>

#include "hw/dsa/dsa_priv.h"

#define CHUNK_MAX		(1U << 30)	/* crc32_iscsi() takes an int length */
#define BOUNCE_SIZE		4096
#define CACHELINE		64

size_t dsa_xlat(struct dsa_exec *x, uint64_t iova, uint64_t len, int prot, void **hva)
{
	return iommu_dma_translate(&x->dma, iova, (size_t)min(len, (uint64_t)CHUNK_MAX), prot, hva);
}

/* ---- Memory Move -------------------------------------------------------------- */

static uint8_t copy_forward(struct dsa_exec *x, uint64_t src, uint64_t dst, uint64_t len,
			    struct dsa_completion_record *cr)
{
	uint64_t off = 0;

	while (off < len) {
		void *hs, *hd;
		size_t ns, nd;

		ns = dsa_xlat(x, src + off, len - off, IOMMU_READ, &hs);
		if (!ns)
			return dsa_fault(cr, src + off, off, false);
		nd = dsa_xlat(x, dst + off, ns, IOMMU_WRITE, &hd);
		if (!nd)
			return dsa_fault(cr, dst + off, off, true);
		memmove(hd, hs, nd);
		off += nd;
	}
	return DSA_COMP_SUCCESS;
}

/*
 * Overlapping move to a higher address: copied from the end in 4 KiB
 * chunks, result = 1 (descending). On a fault bytes_completed counts the
 * bytes done from the end: software resumes with the same addresses and
 * the transfer size reduced by that much.
 */
static uint8_t copy_backward(struct dsa_exec *x, uint64_t src, uint64_t dst, uint64_t len,
			     struct dsa_completion_record *cr)
{
	uint8_t bounce[BOUNCE_SIZE];
	uint64_t end = len, fa;

	cr->result = 1;
	while (end) {
		uint64_t n = min(end, (uint64_t)BOUNCE_SIZE), start = end - n;

		if (iommu_dma_read(&x->dma, src + start, bounce, n, &fa, NULL))
			return dsa_fault(cr, fa, len - end, false);
		if (iommu_dma_write(&x->dma, dst + start, bounce, n, &fa, NULL))
			return dsa_fault(cr, fa, len - end, true);
		end = start;
	}
	return DSA_COMP_SUCCESS;
}

uint8_t dsa_op_memmove(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr)
{
	uint64_t len = d->xfer_size;

	if (d->dst_addr > d->src_addr && dsa_overlap(d->src_addr, len, d->dst_addr, len))
		return copy_backward(x, d->src_addr, d->dst_addr, len, cr);
	return copy_forward(x, d->src_addr, d->dst_addr, len, cr);
}

/* ---- Memory Fill ---------------------------------------------------------------- */

uint8_t dsa_op_memfill(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr)
{
	uint8_t pat[BOUNCE_SIZE + 16];
	uint64_t len = d->xfer_size, off = 0, lo = d->pattern, hi;
	unsigned int plen = 8, i;

	if (d->flags & DSA_OP_FLAG_FILL_PATTERN_16B) {
		plen = 16;
		hi = dsa_desc_pattern_upper(d);
		memcpy(pat + 8, &hi, 8);
	}
	memcpy(pat, &lo, 8);
	for (i = plen; i < sizeof(pat); i++)
		pat[i] = pat[i - plen];
	while (off < len) {
		uint8_t *hd;
		size_t n, done;

		n = dsa_xlat(x, d->dst_addr + off, len - off, IOMMU_WRITE, (void **)&hd);
		if (!n)
			return dsa_fault(cr, d->dst_addr + off, off, true);
		for (done = 0; done < n;) {
			size_t k = min(n - done, (size_t)BOUNCE_SIZE);

			memcpy(hd + done, pat + (off + done) % plen, k);
			done += k;
		}
		off += n;
	}
	return DSA_COMP_SUCCESS;
}

/* ---- Compare, Compare Pattern ------------------------------------------------------ */

static size_t first_diff(const uint8_t *a, const uint8_t *b, size_t n)
{
	size_t i = 0;

	while (i < n && a[i] == b[i])
		i++;
	return i;
}

/* The result of a compare: 0 equal / 1 different at bytes_completed. */
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

uint8_t dsa_op_compare(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr)
{
	uint64_t len = d->xfer_size, off = 0;

	while (off < len) {
		void *h1, *h2;
		size_t n1, n2;

		n1 = dsa_xlat(x, d->src_addr + off, len - off, IOMMU_READ, &h1);
		if (!n1)
			return dsa_fault(cr, d->src_addr + off, off, false);
		n2 = dsa_xlat(x, d->src2_addr + off, n1, IOMMU_READ, &h2);
		if (!n2)
			return dsa_fault(cr, d->src2_addr + off, off, false);
		if (memcmp(h1, h2, n2))
			return compare_done(d, cr, true, off + first_diff(h1, h2, n2));
		off += n2;
	}
	return compare_done(d, cr, false, 0);
}

uint8_t dsa_op_compval(struct dsa_exec *x, const struct dsa_hw_desc *d,
		       struct dsa_completion_record *cr)
{
	uint64_t len = d->xfer_size, off = 0;
	uint8_t pat[8];

	memcpy(pat, &d->comp_pattern, sizeof(pat));
	while (off < len) {
		const uint8_t *h;
		size_t n, i;

		n = dsa_xlat(x, d->src_addr + off, len - off, IOMMU_READ, (void **)&h);
		if (!n)
			return dsa_fault(cr, d->src_addr + off, off, false);
		for (i = 0; i < n; i++)
			if (h[i] != pat[(off + i) % 8])
				return compare_done(d, cr, true, off + i);
		off += n;
	}
	return compare_done(d, cr, false, 0);
}

/* ---- Memory Copy with Dualcast -------------------------------------------------------- */

uint8_t dsa_op_dualcast(struct dsa_exec *x, const struct dsa_hw_desc *d,
			struct dsa_completion_record *cr)
{
	uint64_t len = d->xfer_size, off = 0, d1 = d->dst_addr, d2 = d->dest2;

	/* both destinations must share their offset within a 4 KiB page */
	if ((d1 ^ d2) & 0xfff)
		return DSA_COMP_DCAST_ERR;
	if (dsa_overlap(d->src_addr, len, d1, len) || dsa_overlap(d->src_addr, len, d2, len) ||
	    dsa_overlap(d1, len, d2, len))
		return DSA_COMP_OVERLAP_BUFFERS;
	while (off < len) {
		void *hs, *h1, *h2;
		size_t n;

		n = dsa_xlat(x, d->src_addr + off, len - off, IOMMU_READ, &hs);
		if (!n)
			return dsa_fault(cr, d->src_addr + off, off, false);
		n = dsa_xlat(x, d1 + off, n, IOMMU_WRITE, &h1);
		if (!n)
			return dsa_fault(cr, d1 + off, off, true);
		n = dsa_xlat(x, d2 + off, n, IOMMU_WRITE, &h2);
		if (!n)
			return dsa_fault(cr, d2 + off, off, true);
		memcpy(h1, hs, n);
		memcpy(h2, hs, n);
		off += n;
	}
	return DSA_COMP_SUCCESS;
}

/* ---- CRC Generation, Copy with CRC Generation --------------------------------------------- */

static uint32_t bitrev32(uint32_t v)
{
	v = ((v >> 1) & 0x55555555U) | ((v & 0x55555555U) << 1);
	v = ((v >> 2) & 0x33333333U) | ((v & 0x33333333U) << 2);
	v = ((v >> 4) & 0x0f0f0f0fU) | ((v & 0x0f0f0f0fU) << 4);
	return __builtin_bswap32(v);
}

static uint8_t bitrev8(uint8_t b)
{
	return (uint8_t)(bitrev32(b) >> 24);
}

static uint32_t crc_update(uint32_t state, const uint8_t *p, size_t n, bool data_msb_first)
{
	uint8_t rev[BOUNCE_SIZE];
	size_t done, i;

	if (!data_msb_first)
		return crc32_iscsi((unsigned char *)p, (int)n, state);
	for (done = 0; done < n; done += i) {
		size_t k = min(n - done, sizeof(rev));

		for (i = 0; i < k; i++)
			rev[i] = bitrev8(p[done + i]);
		state = crc32_iscsi(rev, (int)k, state);
	}
	return state;
}

static uint8_t crc_seed(struct dsa_exec *x, const struct dsa_hw_desc *d,
			struct dsa_completion_record *cr, uint32_t *seed)
{
	uint64_t fa;

	*seed = d->crc_seed;
	if (!(d->flags & DSA_OP_FLAG_CRC_READ_SEED))
		return DSA_COMP_SUCCESS;
	if (iommu_dma_read(&x->dma, d->seed_addr, seed, sizeof(*seed), &fa, NULL))
		return dsa_fault(cr, fa, 0, false);
	return DSA_COMP_SUCCESS;
}

/*
 * CRC-32C over the source, copying it to the destination with @copy.
 * On a fault crc_val holds the CRC of the bytes completed, so software
 * resumes with it as the seed.
 */
uint8_t dsa_op_crc(struct dsa_exec *x, const struct dsa_hw_desc *d,
		   struct dsa_completion_record *cr, bool copy)
{
	bool no_reflect = d->flags & DSA_OP_FLAG_CRC_BYPASS_REFLECT;
	bool msb_first = d->flags & DSA_OP_FLAG_CRC_BYPASS_DATA_REFLECT;
	uint64_t len = d->xfer_size, off = 0;
	uint32_t seed, state;
	uint8_t st;

	if (copy && dsa_overlap(d->src_addr, len, d->dst_addr, len))
		return DSA_COMP_OVERLAP_BUFFERS;
	st = crc_seed(x, d, cr, &seed);
	if (st != DSA_COMP_SUCCESS)
		return st;
	state = no_reflect ? bitrev32(seed) : ~seed;
	while (off < len) {
		void *hs, *hd = NULL;
		size_t n;

		n = dsa_xlat(x, d->src_addr + off, len - off, IOMMU_READ, &hs);
		if (!n) {
			st = dsa_fault(cr, d->src_addr + off, off, false);
			break;
		}
		if (copy) {
			n = dsa_xlat(x, d->dst_addr + off, n, IOMMU_WRITE, &hd);
			if (!n) {
				st = dsa_fault(cr, d->dst_addr + off, off, true);
				break;
			}
			memcpy(hd, hs, n);
		}
		state = crc_update(state, hs, n, msb_first);
		off += n;
	}
	cr->crc_val = no_reflect ? bitrev32(state) : (uint32_t)~state;
	return st;
}

/* ---- Cache Flush ----------------------------------------------------------------------- */

static void flush_lines(void *p, size_t n)
{
#if defined(__x86_64__) || defined(__i386__)
	uintptr_t a = (uintptr_t)p & ~(uintptr_t)(CACHELINE - 1), end = (uintptr_t)p + n;

	for (; a < end; a += CACHELINE)
		__builtin_ia32_clflush((const void *)a);
	__builtin_ia32_mfence();
#else
	(void)p;
	(void)n;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
#endif
}

/*
 * Cache Flush: write back the lines of [dst, dst + xfer_size) to memory.
 * Cache Control (flag bit 8) asks to keep them cached; the model writes
 * them back and evicts either way (a stronger form of the same guarantee).
 */
uint8_t dsa_op_cflush(struct dsa_exec *x, const struct dsa_hw_desc *d,
		      struct dsa_completion_record *cr)
{
	uint64_t len = d->xfer_size, off = 0;

	while (off < len) {
		void *h;
		size_t n = dsa_xlat(x, d->dst_addr + off, len - off, IOMMU_READ, &h);

		if (!n)
			return dsa_fault(cr, d->dst_addr + off, off, false);
		flush_lines(h, n);
		off += n;
	}
	return DSA_COMP_SUCCESS;
}

/* ---- Translation Fetch (DSA 2.0) ---------------------------------------------------------- */

/*
 * Translation Fetch: walk the translations of [src_addr, src_addr +
 * region_size) every region_stride bytes (0: every 4 KiB page) without
 * touching memory. The first address without a translation ends it with a
 * page fault, bytes_completed being its distance from the start.
 */
uint8_t dsa_op_transl_fetch(struct dsa_exec *x, const struct dsa_hw_desc *d,
			    struct dsa_completion_record *cr)
{
	uint64_t stride = dsa_desc_region_stride(d), len = d->xfer_size, off = 0;
	void *h;

	if (!stride)
		stride = SIOVD_PAGE_SIZE;
	for (; off < len; off += stride) {
		if (!dsa_xlat(x, d->src_addr + off, 1, IOMMU_READ, &h))
			return dsa_fault(cr, d->src_addr + off, off, false);
	}
	return DSA_COMP_SUCCESS;
}
