// SPDX-License-Identifier: GPL-2.0-only
/*
 * Descriptor features of the DSA architecture (spec rev 2.0, chapter 8)
 * beyond the basic operations: block on fault (WQCFG.bof and flag bit 1,
 * blocking until the page is mapped, the failed page request, abort while
 * blocked), destination readback, the flag rules (which operation takes
 * which flag, RCR only with CRAV), per-WQ operation configuration
 * (op_config), 16-byte fill patterns, the CRC variants (seed from memory,
 * bypassed reflections), Cache Flush, Translation Fetch, batch size limits
 * per WQ, the record's status written last, and the version 1.0 profile.
 * Expected values come from the definitions (CRC-32C polynomial, fill
 * pattern), computed here bit by bit.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>

#include "dsa_harness.h"

#define CR0	0x0000		/* completion records, 32 bytes apart */
#define SRC	0x100000
#define DST	0x200000
#define LIST	0x300000

static int setup(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));

	h_setup(h, NULL);
	h_start(h, 1, 32, 1);
	*state = h;
	return 0;
}

static struct dsa_completion_record *rec(struct harness *h, unsigned int i)
{
	return h_ptr(h, CR0 + 32 * i);
}

static uint8_t run(struct harness *h, struct dsa_hw_desc *d)
{
	memset(rec(h, 0), 0, sizeof(struct dsa_completion_record));
	assert_int_equal(h_submit(h, 0, 0, d), 0);
	return h_wait(rec(h, 0));
}

static void move_desc(struct harness *h, struct dsa_hw_desc *d, uint64_t dst, uint64_t src,
		      uint32_t len)
{
	h_desc(h, d, DSA_OPCODE_MEMMOVE, rec(h, 0));
	d->src_addr = src;
	d->dst_addr = dst;
	d->xfer_size = len;
}

static union sw_err_reg swerr_wait(struct harness *h)
{
	union sw_err_reg e;
	unsigned int i, k;

	for (i = 0; i < 40000; i++) {
		for (k = 0; k < 4; k++)
			e.bits[k] = h_rd64(h, IDXD_SWERR_OFFSET + 8 * k);
		if (e.valid)
			return e;
		usleep(500);
	}
	fail_msg("no SWERR");
	return e;
}

/* ---- block on fault ------------------------------------------------------------------ */

static void test_bof_blocks_until_mapped(void **state)
{
	struct harness *h = *state;
	uint8_t *src = h_ptr(h, SRC), *page = h_ptr(h, H_MEM_SIZE - H_HOLE_SIZE);
	struct dsa_hw_desc d;
	unsigned int i;

	for (i = 0; i < H_HOLE_SIZE; i++)
		src[i] = (uint8_t)(i * 3 + 1);
	memset(page, 0, H_HOLE_SIZE);
	move_desc(h, &d, H_HOLE, H_IOVA + SRC, H_HOLE_SIZE);
	d.flags |= IDXD_OP_FLAG_BOF;
	memset(rec(h, 0), 0, 32);
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	/* taken by the engine, and it cannot complete before the page exists */
	for (i = 0; i < 200000 && h_occupancy(h, 0); i++)
		usleep(100);
	assert_int_equal(h_occupancy(h, 0), 0);
	assert_int_equal(rec(h, 0)->status, 0);
	h_unblock(h);
	assert_int_equal(h_wait(rec(h, 0)), DSA_COMP_SUCCESS);
	assert_memory_equal(page, src, H_HOLE_SIZE);
}

static void test_bof_off_partial_completion(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;

	/* without the flag: partial completion at the first unmapped byte */
	move_desc(h, &d, H_IOVA + H_MEM_SIZE - 1024, H_IOVA + SRC, 4096);
	assert_int_equal(run(h, &d), DSA_COMP_PAGE_FAULT_NOBOF | DSA_COMP_STATUS_WRITE);
	assert_int_equal(rec(h, 0)->bytes_completed, 1024);
	assert_int_equal(rec(h, 0)->fault_addr, H_IOVA + H_MEM_SIZE);
}

static void test_bof_page_request_fails(void **state)
{
	struct dsa_hw_params p;
	struct harness h;
	struct dsa_hw_desc d;

	dsa_hw_params_dsa2(&p);
	p.page_req_timeout_ms = 20;
	h_setup(&h, &p);
	h_start(&h, 1, 16, 1);
	/* never mapped: the page request fails, status 0x04 with the fault */
	move_desc(&h, &d, H_HOLE + 64, H_IOVA + SRC, 128);
	d.flags |= IDXD_OP_FLAG_BOF;
	assert_int_equal(run(&h, &d), DSA_COMP_PAGE_FAULT_IR | DSA_COMP_STATUS_WRITE);
	assert_int_equal(rec(&h, 0)->fault_addr, H_HOLE + 64);
	assert_int_equal(rec(&h, 0)->bytes_completed, 0);
	/* a source fault is a read */
	move_desc(&h, &d, H_IOVA + DST, H_HOLE, 128);
	d.flags |= IDXD_OP_FLAG_BOF;
	assert_int_equal(run(&h, &d), DSA_COMP_PAGE_FAULT_IR);
	assert_int_equal(rec(&h, 0)->fault_addr, H_HOLE);
	h_teardown(&h);
}

static void test_bof_abort_while_blocked(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;

	h_block(h, 0, 0, rec(h, 5));
	/* an abort abandons the blocked descriptor: no record, ever */
	assert_int_equal(h_cmd(h, IDXD_CMD_ABORT_WQ, idxd_wq_mask_operand(0)), 0);
	h_unblock(h);
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 0));
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_int_equal(h_cmd(h, IDXD_CMD_DRAIN_WQ, idxd_wq_mask_operand(0)), 0);
	assert_int_equal(rec(h, 5)->status, 0);
}

static void test_bof_flag_rules(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;
	union wqcfg c;

	/* reserved in Batch and Drain descriptors */
	h_desc(h, &d, DSA_OPCODE_DRAIN, rec(h, 0));
	d.flags |= IDXD_OP_FLAG_BOF;
	assert_int_equal(run(h, &d), DSA_COMP_INVALID_FLAGS);
	assert_int_equal(rec(h, 0)->invalid_flags, IDXD_OP_FLAG_BOF);
	h_desc(h, &d, DSA_OPCODE_BATCH, rec(h, 0));
	d.flags |= IDXD_OP_FLAG_BOF;
	d.desc_list_addr = H_IOVA + LIST;
	d.desc_count = 2;
	assert_int_equal(run(h, &d), DSA_COMP_INVALID_FLAGS);
	/* reserved on a WQ without WQCFG.bof */
	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_WQ, idxd_wq_mask_operand(0)), 0);
	h_wqcfg_dedicated(&c, 32);
	h_wqcfg(h, 0, &c);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 0), 0);
	move_desc(h, &d, H_IOVA + DST, H_IOVA + SRC, 64);
	d.flags |= IDXD_OP_FLAG_BOF;
	assert_int_equal(run(h, &d), DSA_COMP_INVALID_FLAGS);
	assert_int_equal(rec(h, 0)->invalid_flags, IDXD_OP_FLAG_BOF);
}

/* ---- flags ----------------------------------------------------------------------- */

static void test_dest_readback(void **state)
{
	struct harness *h = *state;
	uint8_t *page = h_ptr(h, H_MEM_SIZE - H_HOLE_SIZE);
	struct dsa_hw_desc d;

	move_desc(h, &d, H_IOVA + DST, H_IOVA + SRC, 4096);
	d.flags |= IDXD_OP_FLAG_DRDBK;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	/* only operations that write memory take it */
	h_desc(h, &d, DSA_OPCODE_COMPARE, rec(h, 0));
	d.src_addr = H_IOVA + SRC;
	d.src2_addr = H_IOVA + DST;
	d.xfer_size = 64;
	d.flags |= IDXD_OP_FLAG_DRDBK;
	assert_int_equal(run(h, &d), DSA_COMP_INVALID_FLAGS);
	assert_int_equal(rec(h, 0)->invalid_flags, IDXD_OP_FLAG_DRDBK);
	/* a destination the device may write but not read: the readback faults */
	assert_int_equal(iommu_map(h->dom, H_HOLE, page, H_HOLE_SIZE, IOMMU_WRITE), 0);
	h->hole_mapped = true;
	move_desc(h, &d, H_HOLE, H_IOVA + SRC, 256);
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	d.flags |= IDXD_OP_FLAG_DRDBK;
	assert_int_equal(run(h, &d), DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(rec(h, 0)->fault_addr, H_HOLE);
	assert_int_equal(rec(h, 0)->bytes_completed, 256);
}

static void test_flag_rules(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;
	union sw_err_reg e;

	/* Check Result only where there is a result */
	move_desc(h, &d, H_IOVA + DST, H_IOVA + SRC, 64);
	d.flags |= IDXD_OP_FLAG_CR;
	assert_int_equal(run(h, &d), DSA_COMP_INVALID_FLAGS);
	assert_int_equal(rec(h, 0)->invalid_flags, IDXD_OP_FLAG_CR);
	/* operation-specific flags belong to their operation */
	move_desc(h, &d, H_IOVA + DST, H_IOVA + SRC, 64);
	d.flags |= DSA_OP_FLAG_CRC_READ_SEED;
	assert_int_equal(run(h, &d), DSA_COMP_INVALID_FLAGS);
	assert_int_equal(rec(h, 0)->invalid_flags, DSA_OP_FLAG_CRC_READ_SEED);
	/* hints are accepted everywhere: cache control, traffic classes, strict order */
	move_desc(h, &d, H_IOVA + DST, H_IOVA + SRC, 64);
	d.flags |= IDXD_OP_FLAG_CC | IDXD_OP_FLAG_STORD | IDXD_OP_FLAG_ADDR1_TCS |
		   IDXD_OP_FLAG_ADDR2_TCS | IDXD_OP_FLAG_CR_TCS;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	/* steering tags are not supported */
	move_desc(h, &d, H_IOVA + DST, H_IOVA + SRC, 64);
	d.flags |= IDXD_OP_FLAG_DSTS;
	assert_int_equal(run(h, &d), DSA_COMP_INVALID_FLAGS);
	/* Request Completion Record needs a record address: SWERR names the bit */
	move_desc(h, &d, H_IOVA + DST, H_IOVA + SRC, 64);
	d.flags = IDXD_OP_FLAG_RCR;
	d.completion_addr = 0;
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	e = swerr_wait(h);
	assert_int_equal(e.error, DSA_COMP_INVALID_FLAGS);
	assert_int_equal(e.invalid_flags, IDXD_OP_FLAG_RCR);
	assert_int_equal(e.operation, DSA_OPCODE_MEMMOVE);
}

static void test_op_config(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;
	uint64_t opcap = h_rd64(h, IDXD_OPCAP_OFFSET);

	/* WQ 0 without Memory Move: the descriptor is an unsupported operation */
	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_WQ, idxd_wq_mask_operand(0)), 0);
	h_wr64(h, h_wqcfg_off(h, 0, 8), opcap & ~(1ULL << DSA_OPCODE_MEMMOVE));
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 0), 0);
	move_desc(h, &d, H_IOVA + DST, H_IOVA + SRC, 64);
	assert_int_equal(run(h, &d), DSA_COMP_BAD_OPCODE);
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 0));
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	/* RESET_WQ returns op_config to every supported operation */
	assert_int_equal(h_cmd(h, IDXD_CMD_RESET_WQ, idxd_wq_mask_operand(0)), 0);
	assert_int_equal(h_rd64(h, h_wqcfg_off(h, 0, 8)), opcap);
}

/* ---- operations of DSA 2.0 and operation variants ------------------------------------ */

static void test_fill_16_byte_pattern(void **state)
{
	struct harness *h = *state;
	uint8_t *t = h_ptr(h, DST), pat[16];
	uint64_t lo = 0x0706050403020100ULL, hi = 0x0f0e0d0c0b0a0908ULL;
	struct dsa_hw_desc d;
	unsigned int i;

	memcpy(pat, &lo, 8);
	memcpy(pat + 8, &hi, 8);
	memset(t, 0xee, 6000);
	h_desc(h, &d, DSA_OPCODE_MEMFILL, rec(h, 0));
	d.flags |= DSA_OP_FLAG_FILL_PATTERN_16B;
	d.pattern = lo;
	memcpy((uint8_t *)&d + DSA_DESC_PATTERN_UPPER_OFFSET, &hi, 8);
	d.dst_addr = H_IOVA + DST + 5;
	d.xfer_size = 5000;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_int_equal(t[4], 0xee);
	for (i = 0; i < 5000; i++)
		assert_int_equal(t[5 + i], pat[i % 16]);
	assert_int_equal(t[5005], 0xee);
}

/* CRC-32C bit by bit: reflected (LSB first, 0x82f63b78) or MSB first (0x1edc6f41). */
static uint32_t crc_lsb(uint32_t c, const uint8_t *p, size_t n)
{
	int b;

	while (n--) {
		c ^= *p++;
		for (b = 0; b < 8; b++)
			c = (c & 1) ? (c >> 1) ^ 0x82f63b78U : c >> 1;
	}
	return c;
}

static uint32_t crc_msb(uint32_t c, const uint8_t *p, size_t n)
{
	int b;

	while (n--) {
		c ^= (uint32_t)*p++ << 24;
		for (b = 0; b < 8; b++)
			c = (c & 0x80000000U) ? (c << 1) ^ 0x1edc6f41U : c << 1;
	}
	return c;
}

static uint32_t rev32(uint32_t v)
{
	uint32_t r = 0;
	int i;

	for (i = 0; i < 32; i++)
		r |= ((v >> i) & 1) << (31 - i);
	return r;
}

static void test_crc_variants(void **state)
{
	struct harness *h = *state;
	uint8_t *s = h_ptr(h, SRC);
	uint32_t seed = 0x12345678, *seedmem = h_ptr(h, LIST);
	struct dsa_hw_desc d;
	unsigned int i, len = 3001;

	for (i = 0; i < len; i++)
		s[i] = (uint8_t)(i * 7 + (i >> 8));
	/* the standard CRC-32C: inverted seed and result, reflected */
	h_desc(h, &d, DSA_OPCODE_CRCGEN, rec(h, 0));
	d.src_addr = H_IOVA + SRC;
	d.xfer_size = len;
	d.crc_seed = seed;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_int_equal((uint32_t)rec(h, 0)->crc_val, ~crc_lsb(~seed, s, len));
	/* the seed read from memory */
	*seedmem = seed;
	d.crc_seed = 0;
	d.seed_addr = H_IOVA + LIST;
	d.flags |= DSA_OP_FLAG_CRC_READ_SEED;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_int_equal((uint32_t)rec(h, 0)->crc_val, ~crc_lsb(~seed, s, len));
	/* no seed/result inversion and reflection */
	h_desc(h, &d, DSA_OPCODE_CRCGEN, rec(h, 0));
	d.src_addr = H_IOVA + SRC;
	d.xfer_size = len;
	d.crc_seed = seed;
	d.flags |= DSA_OP_FLAG_CRC_BYPASS_REFLECT;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_int_equal((uint32_t)rec(h, 0)->crc_val, rev32(crc_lsb(rev32(seed), s, len)));
	/* both bypassed: the MSB-first CRC-32C from the seed, nothing inverted */
	d.flags |= DSA_OP_FLAG_CRC_BYPASS_DATA_REFLECT;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_int_equal((uint32_t)rec(h, 0)->crc_val, crc_msb(seed, s, len));
	/* data MSB first only */
	d.flags &= ~DSA_OP_FLAG_CRC_BYPASS_REFLECT;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_int_equal((uint32_t)rec(h, 0)->crc_val, ~rev32(crc_msb(rev32(~seed), s, len)));
	/* reserved bytes 44..47 */
	d.crc_rsvd = 1;
	assert_int_equal(run(h, &d), DSA_COMP_NOZERO_RESERVE);
}

static void test_cache_flush(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;

	h_desc(h, &d, DSA_OPCODE_CFLUSH, rec(h, 0));
	d.dst_addr = H_IOVA + DST + 3;
	d.xfer_size = 70000;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	d.flags |= IDXD_OP_FLAG_CC;	/* keep the lines cached */
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	d.dst_addr = H_IOVA + H_MEM_SIZE - 4096;
	d.xfer_size = 8192;
	assert_int_equal(run(h, &d), DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(rec(h, 0)->bytes_completed, 4096);
	assert_int_equal(rec(h, 0)->fault_addr, H_IOVA + H_MEM_SIZE);
}

static void test_translation_fetch(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;
	uint32_t stride = 8192;

	h_desc(h, &d, DSA_OPCODE_TRANSL_FETCH, rec(h, 0));
	d.src_addr = H_IOVA + SRC;
	d.xfer_size = 1 << 20;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	/* the first page without a translation, every @stride bytes */
	d.src_addr = H_IOVA + H_MEM_SIZE - 5 * 8192 + 100;
	memcpy((uint8_t *)&d + DSA_DESC_REGION_STRIDE_OFFSET, &stride, 4);
	assert_int_equal(run(h, &d), DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(rec(h, 0)->bytes_completed, 5 * 8192);
	assert_int_equal(rec(h, 0)->fault_addr, H_IOVA + H_MEM_SIZE + 100);
	/* reserved bytes 40..47 */
	h_desc(h, &d, DSA_OPCODE_TRANSL_FETCH, rec(h, 0));
	d.src_addr = H_IOVA + SRC;
	d.xfer_size = 4096;
	d.op_specific[0] = 1;
	assert_int_equal(run(h, &d), DSA_COMP_NOZERO_RESERVE);
}

/* ---- limits and the record ------------------------------------------------------------- */

static void test_batch_size_per_wq(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc *list = h_ptr(h, LIST), d;
	union wqcfg c;
	unsigned int i;

	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_WQ, idxd_wq_mask_operand(0)), 0);
	h_wqcfg_dedicated(&c, 32);
	c.max_batch_shift = 2;		/* batches of at most 4 */
	h_wqcfg(h, 0, &c);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 0), 0);
	for (i = 0; i < 5; i++)
		h_desc(h, &list[i], DSA_OPCODE_NOOP, rec(h, 1 + i));
	h_desc(h, &d, DSA_OPCODE_BATCH, rec(h, 0));
	d.desc_list_addr = H_IOVA + LIST;
	d.desc_count = 5;
	assert_int_equal(run(h, &d), DSA_COMP_DESC_CNT_ERANGE);
	d.desc_count = 4;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_int_equal(rec(h, 0)->bytes_completed, 4);	/* descriptors completed */
	for (i = 0; i < 4; i++)
		assert_int_equal(rec(h, 1 + i)->status, DSA_COMP_SUCCESS);
	assert_int_equal(rec(h, 5)->status, 0);
}

static void test_status_written_last(void **state)
{
	struct harness *h = *state;
	uint8_t *s = h_ptr(h, SRC);
	struct dsa_hw_desc d;
	unsigned int i;

	for (i = 0; i < 64; i++)
		s[i] = (uint8_t)i;
	/* whoever sees the status sees the whole record */
	for (i = 0; i < 300; i++) {
		const _Atomic uint8_t *st = (const _Atomic uint8_t *)&rec(h, i % 16)->status;

		h_desc(h, &d, DSA_OPCODE_CRCGEN, rec(h, i % 16));
		d.src_addr = H_IOVA + SRC;
		d.xfer_size = 64;
		d.crc_seed = i;
		assert_int_equal(h_submit(h, 0, 0, &d), 0);
		while (!atomic_load_explicit(st, memory_order_acquire))
			;
		assert_int_equal((uint32_t)rec(h, i % 16)->crc_val, ~crc_lsb(~i, s, 64));
	}
}

/* ---- the version 1.0 profile ------------------------------------------------------------ */

static void test_version1_profile(void **state)
{
	struct dsa_hw_params p;
	struct harness h;
	struct dsa_hw_desc d;
	union gen_cap_reg gc;
	union wq_cap_reg wc;
	union group_cap_reg grc;
	uint64_t opcap;

	dsa_hw_params_default(&p);
	h_setup(&h, &p);
	gc.bits = h_rd64(&h, IDXD_GENCAP_OFFSET);
	wc.bits = h_rd64(&h, IDXD_WQCAP_OFFSET);
	grc.bits = h_rd64(&h, IDXD_GRPCAP_OFFSET);
	opcap = h_rd64(&h, IDXD_OPCAP_OFFSET);
	assert_int_equal(h_rd32(&h, IDXD_VER_OFFSET), DEVICE_VERSION_1);
	assert_int_equal(wc.wqcfg_size, 0);
	assert_int_equal(wc.op_config, 0);
	assert_int_equal(gc.block_on_fault, 0);
	assert_int_equal(grc.rdbuf_ctrl | grc.rdbuf_limit | grc.progress_limit, 0);
	assert_int_equal(grc.total_rdbufs, 0);
	/* DSA 1.0 operations, not those of 2.0 */
	assert_true(opcap & (1ULL << DSA_OPCODE_DIF_CHECK));
	assert_true(opcap & (1ULL << DSA_OPCODE_CR_DELTA));
	assert_true(opcap & (1ULL << DSA_OPCODE_CFLUSH));
	assert_false(opcap & (1ULL << DSA_OPCODE_TRANSL_FETCH));
	assert_false(opcap & (1ULL << DSA_OPCODE_DIX_GEN));
	/* WQCFG: 32-byte entries; read-buffer fields read-only */
	h_wr64(&h, h.grpcfg + GRPCFG_FLAGS_OFFSET, ~0ULL);
	assert_int_equal(h_rd64(&h, h.grpcfg + GRPCFG_FLAGS_OFFSET), 0x3f);
	h_start(&h, 2, 16, 1);
	assert_int_equal(h_rd32(&h, h.wqcfg + 32) & 0xffff, 16);
	h_desc(&h, &d, DSA_OPCODE_TRANSL_FETCH, rec(&h, 0));
	d.src_addr = H_IOVA;
	d.xfer_size = 4096;
	assert_int_equal(run(&h, &d), DSA_COMP_BAD_OPCODE);
	h_desc(&h, &d, DSA_OPCODE_MEMFILL, rec(&h, 0));
	d.dst_addr = H_IOVA + DST;
	d.xfer_size = 64;
	d.flags |= DSA_OP_FLAG_FILL_PATTERN_16B;
	assert_int_equal(run(&h, &d), DSA_COMP_INVALID_FLAGS);
	h_desc(&h, &d, DSA_OPCODE_MEMFILL, rec(&h, 0));
	d.dst_addr = H_IOVA + DST;
	d.xfer_size = 64;
	d.flags |= IDXD_OP_FLAG_BOF;
	assert_int_equal(run(&h, &d), DSA_COMP_INVALID_FLAGS);
	h_teardown(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bof_blocks_until_mapped, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bof_off_partial_completion, setup, h_fixture_teardown),
		cmocka_unit_test(test_bof_page_request_fails),
		cmocka_unit_test_setup_teardown(test_bof_abort_while_blocked, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bof_flag_rules, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dest_readback, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_flag_rules, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_op_config, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_fill_16_byte_pattern, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_crc_variants, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_cache_flush, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_translation_fetch, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_batch_size_per_wq, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_status_written_last, setup, h_fixture_teardown),
		cmocka_unit_test(test_version1_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
