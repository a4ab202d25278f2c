// SPDX-License-Identifier: GPL-2.0-only
/*
 * Data Integrity Field operations (DSA spec rev 2.0, chapter 8 "Descriptor
 * Formats"): DIF Check, DIF Insert, DIF Strip, DIF Update, and DIX Generate
 * of DSA 2.0.
 *
 * Data comes in blocks of 512, 520, 4096 or 4104 bytes (DIF flags bits
 * 1:0). A protected block is followed by its 8-byte DIF: the guard, the
 * CRC-16 T10-DIF of the block (ISA-L's crc16_t10dif, which starts from the
 * value given and neither reflects nor inverts; "invert CRC seed" starts it
 * from 0xffff, "invert CRC result" stores its complement), the application
 * tag and the reference tag, all big-endian.
 *
 *   DIF Check   source: blocks + DIFs (xfer_size counts both); no output
 *   DIF Strip   as Check, and the blocks without DIFs go to the destination
 *   DIF Insert  source: bare blocks (xfer_size); destination: blocks + DIFs
 *   DIF Update  source and destination: blocks + DIFs; source DIFs checked,
 *               destination DIFs computed (or passed through per field)
 *   DIX Generate source: bare blocks; destination: the DIFs alone, 8 bytes
 *               per block (a separate metadata buffer)
 *
 * Source DIFs are checked field by field: the guard (unless disabled), the
 * application tag under its mask (mask bits set are not compared), the
 * reference tag (unless disabled). Tags start at the descriptor's seeds and
 * advance per block: the reference tag increments unless "fixed", the
 * application tag increments only if "incrementing". All-ones DIFs can be
 * exempt from checking (F detect) or be an error. A mismatch ends the
 * operation with DSA_COMP_DIF_ERR, the failed checks in the record's
 * dif_status byte and bytes_completed = source bytes of the blocks before it.
 * Generated application tags are the seed with the mask bits cleared.
 *
 * Whatever the outcome, the record carries the tags the next unprocessed
 * block would use, so software resumes a partial completion by advancing
 * the addresses by whole blocks and taking those tags as the new seeds.
 */
#include <isa-l/crc.h>
#include <string.h>

#include "hw/dsa/dsa_priv.h"

#define DIF_MAX_BLOCK	(4104 + DSA_DIF_SIZE)

struct dif_op {
	unsigned int opcode;
	uint32_t bs;			/* data bytes per block */
	uint8_t flags;			/* DIF flags (byte 42) */
	uint8_t sflags;			/* source DIF flags (byte 40) */
	uint8_t dflags;			/* destination DIF flags (byte 41) */
	uint32_t src_ref, dst_ref;	/* tags of the current block */
	uint16_t src_app, dst_app;
	uint16_t src_mask, dst_mask;
	bool src_dif, dst_dif, dst_data;	/* what each block has / produces */
};

static bool has_src_check(unsigned int op)
{
	return op == DSA_OPCODE_DIF_CHECK || op == DSA_OPCODE_DIF_STRP ||
	       op == DSA_OPCODE_DIF_UPDT;
}

static bool has_dst_gen(unsigned int op)
{
	return op == DSA_OPCODE_DIF_INS || op == DSA_OPCODE_DIF_UPDT ||
	       op == DSA_OPCODE_DIX_GEN;
}

static bool bytes_zero(const uint8_t *p, size_t n)
{
	while (n--)
		if (*p++)
			return false;
	return true;
}

/*
 * The reserved parts of a DIF descriptor's operation-specific bytes
 * (40..63). Return: 0 or DSA_COMP_NOZERO_RESERVE.
 */
uint8_t dsa_dif_check_desc(const struct dsa_hw_desc *d)
{
	const uint8_t *o = d->op_specific;	/* byte 40 of the descriptor */

	if (o[2] & DSA_DIF_FLAGS_RSVD)
		return DSA_COMP_NOZERO_RESERVE;
	switch (d->opcode) {
	case DSA_OPCODE_DIF_CHECK:
	case DSA_OPCODE_DIF_STRP:
		/* byte 41, 43..47 and 56..63 */
		if (o[1] || !bytes_zero(o + 3, 5) || !bytes_zero(o + 16, 8))
			return DSA_COMP_NOZERO_RESERVE;
		break;
	case DSA_OPCODE_DIF_INS:
	case DSA_OPCODE_DIX_GEN:
		/* byte 40, 43..55; destination pass-through bits have no source */
		if (o[0] || !bytes_zero(o + 3, 13) ||
		    (o[1] & (DSA_DIF_DST_RSVD | DSA_DIF_DST_PASS_MASK)))
			return DSA_COMP_NOZERO_RESERVE;
		break;
	case DSA_OPCODE_DIF_UPDT:
		if (!bytes_zero(o + 3, 5) || (o[1] & DSA_DIF_DST_RSVD))
			return DSA_COMP_NOZERO_RESERVE;
		break;
	}
	return 0;
}

static void dif_op_init(struct dif_op *p, const struct dsa_hw_desc *d)
{
	memset(p, 0, sizeof(*p));
	p->opcode = d->opcode;
	p->flags = d->op_specific[2];
	p->bs = dsa_dif_block_size(p->flags);
	switch (d->opcode) {
	case DSA_OPCODE_DIF_CHECK:
	case DSA_OPCODE_DIF_STRP:
		p->sflags = d->src_dif_flags;
		p->src_ref = d->chk_ref_tag_seed;
		p->src_app = d->chk_app_tag_seed;
		p->src_mask = d->chk_app_tag_mask;
		break;
	case DSA_OPCODE_DIF_INS:
	case DSA_OPCODE_DIX_GEN:
		p->dflags = d->dest_dif_flag;
		p->dst_ref = d->ins_ref_tag_seed;
		p->dst_app = d->ins_app_tag_seed;
		p->dst_mask = d->ins_app_tag_mask;
		break;
	case DSA_OPCODE_DIF_UPDT:
		p->sflags = d->src_upd_flags;
		p->dflags = d->upd_dest_flags;
		p->src_ref = d->src_ref_tag_seed;
		p->src_app = d->src_app_tag_seed;
		p->src_mask = d->src_app_tag_mask;
		p->dst_ref = d->dest_ref_tag_seed;
		p->dst_app = d->dest_app_tag_seed;
		p->dst_mask = d->dest_app_tag_mask;
		break;
	}
	p->src_dif = has_src_check(d->opcode);
	p->dst_dif = has_dst_gen(d->opcode);
	p->dst_data = d->opcode != DSA_OPCODE_DIF_CHECK && d->opcode != DSA_OPCODE_DIX_GEN;
}

static uint32_t src_step(const struct dif_op *p)
{
	return p->bs + (p->src_dif ? DSA_DIF_SIZE : 0);
}

static uint32_t dst_step(const struct dif_op *p)
{
	return (p->dst_data ? p->bs : 0) + (p->dst_dif ? DSA_DIF_SIZE : 0);
}

/*
 * The memory ranges of a DIF descriptor, for block on fault. Return: the
 * number filled (0 when the transfer size is not a whole number of blocks:
 * the operation reports that itself).
 */
unsigned int dsa_dif_ranges(const struct dsa_hw_desc *d, struct dsa_range *r)
{
	struct dif_op p;
	uint64_t blocks;

	dif_op_init(&p, d);
	if (!d->xfer_size || d->xfer_size % src_step(&p))
		return 0;
	blocks = d->xfer_size / src_step(&p);
	r[0] = (struct dsa_range){ d->src_addr, d->xfer_size, IOMMU_READ };
	if (!dst_step(&p))
		return 1;
	r[1] = (struct dsa_range){ d->dst_addr, blocks * dst_step(&p), IOMMU_WRITE };
	return 2;
}

static uint16_t be16(const uint8_t *b)
{
	return (uint16_t)(b[0] << 8 | b[1]);
}

static uint32_t be32(const uint8_t *b)
{
	return (uint32_t)b[0] << 24 | (uint32_t)b[1] << 16 | (uint32_t)b[2] << 8 | b[3];
}

static void put_be16(uint8_t *b, uint16_t v)
{
	b[0] = (uint8_t)(v >> 8);
	b[1] = (uint8_t)v;
}

static void put_be32(uint8_t *b, uint32_t v)
{
	put_be16(b, (uint16_t)(v >> 16));
	put_be16(b + 2, (uint16_t)v);
}

/*
 * Copy one block. The sizes are the four DIF block sizes, each a constant
 * here so that the compiler inlines the copy (a string move) instead of
 * calling memcpy(): a protected block lands 8 bytes further in the
 * destination than in the source for each block before it, and with
 * source and destination that close modulo 4 KiB the library's vector loop
 * stalls on false store-to-load dependencies (4 KiB aliasing), which cost
 * DIF Insert and Strip more than half their speed here.
 */
static inline void block_copy(uint8_t *dst, const uint8_t *src, uint32_t bs)
{
	switch (bs) {
	case 512:
		memcpy(dst, src, 512);
		break;
	case 520:
		memcpy(dst, src, 520);
		break;
	case 4096:
		memcpy(dst, src, 4096);
		break;
	default:
		memcpy(dst, src, 4104);
		break;
	}
}

/*
 * The guard of a block, copying its data to @dst when not NULL. A copy and
 * ISA-L's crc16_t10dif() run at about twice the speed of its
 * crc16_t10dif_copy() on current cores (the block is in L1 for the second
 * pass), so the model does that.
 */
static uint16_t guard_of(const struct dif_op *p, uint8_t *dst, const uint8_t *src)
{
	uint16_t init = (p->flags & DSA_DIF_FLAG_INVERT_CRC_SEED) ? 0xffff : 0;
	uint16_t crc;

	if (dst)
		block_copy(dst, src, p->bs);
	crc = crc16_t10dif(init, src, p->bs);
	return (p->flags & DSA_DIF_FLAG_INVERT_CRC_RESULT) ? (uint16_t)~crc : crc;
}

/* Check one source DIF against the expected tags. Return: dif_status bits. */
static uint8_t dif_verify(const struct dif_op *p, const uint8_t *dif, uint16_t guard)
{
	uint16_t app = be16(dif + 2);
	uint32_t ref = be32(dif + 4);
	uint8_t err = 0;

	if ((p->sflags & DSA_DIF_SRC_ALL_F_DETECT) && app == 0xffff && ref == 0xffffffff &&
	    be16(dif) == 0xffff)
		return (p->sflags & DSA_DIF_SRC_ALL_F_ERR_EN) ? DSA_DIF_ERR_ALL_F : 0;
	if ((p->sflags & DSA_DIF_SRC_APP_F_DETECT) && app == 0xffff)
		return 0;
	if ((p->sflags & DSA_DIF_SRC_APP_REF_F_DETECT) && app == 0xffff && ref == 0xffffffff)
		return 0;
	if (!(p->sflags & DSA_DIF_SRC_GUARD_CHK_DIS) && be16(dif) != guard)
		err |= DSA_DIF_ERR_GUARD;
	if ((app ^ p->src_app) & (uint16_t)~p->src_mask)
		err |= DSA_DIF_ERR_APP_TAG;
	if (!(p->sflags & DSA_DIF_SRC_REF_CHK_DIS) && ref != p->src_ref)
		err |= DSA_DIF_ERR_REF_TAG;
	return err;
}

/* Build the destination DIF of a block; @sdif is the source DIF (update). */
static void dif_generate(const struct dif_op *p, uint8_t *out, uint16_t guard, const uint8_t *sdif)
{
	put_be16(out, guard);
	put_be16(out + 2, p->dst_app & (uint16_t)~p->dst_mask);
	put_be32(out + 4, p->dst_ref);
	if (!sdif)
		return;
	if (p->dflags & DSA_DIF_DST_GUARD_PASS)
		memcpy(out, sdif, 2);
	if (p->dflags & DSA_DIF_DST_APP_PASS)
		memcpy(out + 2, sdif + 2, 2);
	if (p->dflags & DSA_DIF_DST_REF_PASS)
		memcpy(out + 4, sdif + 4, 4);
}

static void dif_advance(struct dif_op *p)
{
	if (!(p->sflags & DSA_DIF_SRC_REF_TAG_FIXED))
		p->src_ref++;
	if (p->sflags & DSA_DIF_SRC_APP_TAG_INC)
		p->src_app++;
	if (!(p->dflags & DSA_DIF_DST_REF_TAG_FIXED))
		p->dst_ref++;
	if (p->dflags & DSA_DIF_DST_APP_TAG_INC)
		p->dst_app++;
}

/* The record fields: tags of the next block to process. */
static void dif_record(const struct dif_op *p, struct dsa_completion_record *cr)
{
	switch (p->opcode) {
	case DSA_OPCODE_DIF_CHECK:
	case DSA_OPCODE_DIF_STRP:
		cr->dif_chk_ref_tag = p->src_ref;
		cr->dif_chk_app_tag_mask = p->src_mask;
		cr->dif_chk_app_tag = p->src_app;
		break;
	case DSA_OPCODE_DIF_INS:
	case DSA_OPCODE_DIX_GEN:
		cr->dif_ins_ref_tag = p->dst_ref;
		cr->dif_ins_app_tag_mask = p->dst_mask;
		cr->dif_ins_app_tag = p->dst_app;
		break;
	case DSA_OPCODE_DIF_UPDT:
		cr->dif_upd_src_ref_tag = p->src_ref;
		cr->dif_upd_src_app_tag_mask = p->src_mask;
		cr->dif_upd_src_app_tag = p->src_app;
		cr->dif_upd_dest_ref_tag = p->dst_ref;
		cr->dif_upd_dest_app_tag_mask = p->dst_mask;
		cr->dif_upd_dest_app_tag = p->dst_app;
		break;
	}
}

/*
 * One block whose source @s and destination @o (NULL: none) are host
 * memory: guard, check of the source DIF, destination DIF.
 * Return: 0, or DSA_COMP_DIF_ERR with dif_status in cr->result.
 */
static uint8_t dif_compute(const struct dif_op *p, const uint8_t *s, uint8_t *o,
			   struct dsa_completion_record *cr)
{
	uint8_t err;
	uint16_t guard = guard_of(p, o && p->dst_data ? o : NULL, s);

	if (p->src_dif) {
		err = dif_verify(p, s + p->bs, guard);
		if (err) {
			cr->result = err;	/* dif_status */
			return DSA_COMP_DIF_ERR;
		}
	}
	if (p->dst_dif)
		dif_generate(p, o + (p->dst_data ? p->bs : 0), guard,
			     p->opcode == DSA_OPCODE_DIF_UPDT ? s + p->bs : NULL);
	return 0;
}

/*
 * One block that is not contiguous in host memory on both sides: the source
 * in place when it is, else through @sbuf, the destination in place, else
 * built in @dbuf and written.
 * Return: 0, a page fault status (fault_addr set, bytes_completed left to
 * the caller), or DSA_COMP_DIF_ERR with dif_status set.
 */
static uint8_t dif_block(struct dsa_exec *x, struct dif_op *p, uint64_t src, uint64_t dst,
			 uint8_t *sbuf, uint8_t *dbuf, struct dsa_completion_record *cr)
{
	uint32_t sn = src_step(p), dn = dst_step(p);
	const uint8_t *s;
	uint8_t *o = NULL, st;
	uint64_t fa;
	void *h;

	if (dsa_xlat(x, src, sn, IOMMU_READ, &h) == sn) {
		s = h;
	} else {
		if (iommu_dma_read(&x->dma, src, sbuf, sn, &fa, NULL))
			return dsa_fault(cr, fa, 0, false);
		s = sbuf;
	}
	if (dn)
		o = dsa_xlat(x, dst, dn, IOMMU_WRITE, &h) == dn ? h : dbuf;
	st = dif_compute(p, s, o, cr);
	if (st)
		return st;
	if (o == dbuf && iommu_dma_write(&x->dma, dst, dbuf, dn, &fa, NULL))
		return dsa_fault(cr, fa, 0, true);
	return 0;
}

/*
 * Whole blocks from block @k on that are contiguous in host memory on both
 * sides, with their host addresses. Return: how many (0: block @k needs
 * dif_block()).
 */
static uint64_t dif_span(struct dsa_exec *x, const struct dif_op *p, const struct dsa_hw_desc *d,
			 uint64_t k, uint64_t blocks, const uint8_t **s, uint8_t **o)
{
	uint64_t ss = src_step(p), ds = dst_step(p), n;
	void *h;

	n = dsa_xlat(x, d->src_addr + k * ss, (blocks - k) * ss, IOMMU_READ, &h) / ss;
	*s = h;
	*o = NULL;
	if (!n || !ds)
		return n;
	n = min(n, (uint64_t)dsa_xlat(x, d->dst_addr + k * ds, n * ds, IOMMU_WRITE, &h) / ds);
	*o = h;
	return n;
}

/**
 * dsa_op_dif - DIF Check, Insert, Strip, Update or DIX Generate.
 * Blocks are processed in place span by span (one translation per
 * contiguous run of both buffers); a block across the end of a mapping, or
 * one that faults, goes through bounce buffers.
 * Return: the completion status; @cr carries tags, dif_status and the
 * partial completion.
 */
uint8_t dsa_op_dif(struct dsa_exec *x, const struct dsa_hw_desc *d,
		   struct dsa_completion_record *cr)
{
	uint8_t sbuf[DIF_MAX_BLOCK], dbuf[DIF_MAX_BLOCK], st = DSA_COMP_SUCCESS;
	uint64_t blocks, k = 0, n, i;
	struct dif_op p;

	dif_op_init(&p, d);
	if (d->xfer_size % src_step(&p))
		return DSA_COMP_XFER_ERANGE;
	blocks = d->xfer_size / src_step(&p);
	if (dst_step(&p) &&
	    dsa_overlap(d->src_addr, d->xfer_size, d->dst_addr, blocks * dst_step(&p)))
		return DSA_COMP_OVERLAP_BUFFERS;
	while (k < blocks) {
		const uint8_t *s;
		uint8_t *o;

		n = dif_span(x, &p, d, k, blocks, &s, &o);
		if (!n) {
			st = dif_block(x, &p, d->src_addr + k * src_step(&p),
				       d->dst_addr + k * dst_step(&p), sbuf, dbuf, cr);
			if (st)
				break;
			dif_advance(&p);
			k++;
			continue;
		}
		for (i = 0; i < n; i++, k++) {
			st = dif_compute(&p, s + i * src_step(&p),
					 o ? o + i * dst_step(&p) : NULL, cr);
			if (st)
				goto out;
			dif_advance(&p);
		}
	}
out:
	if (st)
		cr->bytes_completed = (uint32_t)(k * src_step(&p));
	dif_record(&p, cr);
	return st ? st : DSA_COMP_SUCCESS;
}
