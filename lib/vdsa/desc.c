// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libvdsa: descriptor builders (<linux/idxd.h> layout, DSA spec ch. 8).
 */
#include <string.h>

#include "vdsa_priv.h"

static void vdsa_desc_init(struct dsa_hw_desc *d, uint8_t opcode, uint64_t comp)
{
	memset(d, 0, sizeof(*d));
	d->opcode = opcode;
	d->flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
	d->completion_addr = comp;
}

void vdsa_desc_nop(struct dsa_hw_desc *d, uint64_t comp)
{
	vdsa_desc_init(d, DSA_OPCODE_NOOP, comp);
}

void vdsa_desc_drain(struct dsa_hw_desc *d, uint64_t comp)
{
	vdsa_desc_init(d, DSA_OPCODE_DRAIN, comp);
}

void vdsa_desc_memmove(struct dsa_hw_desc *d, uint64_t comp, uint64_t dst, uint64_t src,
		       uint32_t len)
{
	vdsa_desc_init(d, DSA_OPCODE_MEMMOVE, comp);
	d->src_addr = src;
	d->dst_addr = dst;
	d->xfer_size = len;
}

void vdsa_desc_fill(struct dsa_hw_desc *d, uint64_t comp, uint64_t dst, uint64_t pattern,
		    uint32_t len)
{
	vdsa_desc_init(d, DSA_OPCODE_MEMFILL, comp);
	d->pattern = pattern;
	d->dst_addr = dst;
	d->xfer_size = len;
}

void vdsa_desc_compare(struct dsa_hw_desc *d, uint64_t comp, uint64_t src1, uint64_t src2,
		       uint32_t len)
{
	vdsa_desc_init(d, DSA_OPCODE_COMPARE, comp);
	d->src_addr = src1;
	d->src2_addr = src2;
	d->xfer_size = len;
}

void vdsa_desc_crcgen(struct dsa_hw_desc *d, uint64_t comp, uint64_t src, uint32_t len,
		      uint32_t seed)
{
	vdsa_desc_init(d, DSA_OPCODE_CRCGEN, comp);
	d->src_addr = src;
	d->xfer_size = len;
	d->crc_seed = seed;
}

void vdsa_desc_set_irq(struct dsa_hw_desc *d, uint16_t int_handle)
{
	d->flags |= IDXD_OP_FLAG_RCI;
	d->int_handle = int_handle;
}
