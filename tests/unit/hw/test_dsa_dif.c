// SPDX-License-Identifier: GPL-2.0-only
/*
 * DIF operations (DSA spec rev 2.0, chapter 8; DIX Generate of 2.0):
 * DIF Check, Insert, Strip, Update and DIX Generate on all four block
 * sizes, every DIF flag, the record's tags and dif_status, partial
 * completion on a page fault and resuming from the record, buffers split
 * across mappings (blocks not contiguous in host memory), and the
 * descriptor errors. The expected protection information is computed here
 * from the T10 definition (CRC-16, polynomial 0x8bb7, MSB first; tags
 * big-endian), not with the model's code or library.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "dsa_harness.h"

#define CR0	0x0000		/* completion records */
#define SRC	0x100000	/* 1 MiB apart: room for 64 KiB of blocks and DIFs */
#define DST	0x200000
#define REF	0x300000	/* expected output built by the test */
#define AREA	0x100000

static const uint32_t block_sizes[4] = { 512, 520, 4096, 4104 };

static int setup(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));

	h_setup(h, NULL);
	h_start(h, 1, 32, 1);
	*state = h;
	return 0;
}

static struct dsa_completion_record *rec(struct harness *h)
{
	return h_ptr(h, CR0);
}

/* Submit @d (its record at CR0, cleared first) and wait for it. */
static uint8_t run(struct harness *h, struct dsa_hw_desc *d)
{
	memset(rec(h), 0, sizeof(struct dsa_completion_record));
	assert_int_equal(h_submit(h, 0, 0, d), 0);
	return h_wait(rec(h));
}

/* ---- the T10 definition ---------------------------------------------------------- */

static uint16_t crc16_t10(const uint8_t *p, size_t n, uint16_t crc)
{
	size_t i;
	int b;

	for (i = 0; i < n; i++) {
		crc ^= (uint16_t)(p[i] << 8);
		for (b = 0; b < 8; b++)
			crc = (crc & 0x8000) ? (uint16_t)((crc << 1) ^ 0x8bb7) : (uint16_t)(crc << 1);
	}
	return crc;
}

static uint16_t guard(const uint8_t *p, size_t n, uint8_t flags)
{
	uint16_t g = crc16_t10(p, n, (flags & DSA_DIF_FLAG_INVERT_CRC_SEED) ? 0xffff : 0);

	return (flags & DSA_DIF_FLAG_INVERT_CRC_RESULT) ? (uint16_t)~g : g;
}

static void put_dif(uint8_t *o, uint16_t g, uint16_t app, uint32_t ref)
{
	o[0] = (uint8_t)(g >> 8);
	o[1] = (uint8_t)g;
	o[2] = (uint8_t)(app >> 8);
	o[3] = (uint8_t)app;
	o[4] = (uint8_t)(ref >> 24);
	o[5] = (uint8_t)(ref >> 16);
	o[6] = (uint8_t)(ref >> 8);
	o[7] = (uint8_t)ref;
}

static void fill_data(uint8_t *p, size_t n, unsigned int seed)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 31 + seed * 7 + (i >> 9));
}

/*
 * Protected layout: @n blocks of @bs data bytes, each followed by its DIF
 * (guard per @flags, app tag @app (+1 per block with @app_inc), ref tag
 * @ref (+1 per block unless @ref_fixed)).
 */
static void protect(uint8_t *out, const uint8_t *data, unsigned int n, uint32_t bs,
		    uint8_t flags, uint16_t app, bool app_inc, uint32_t ref, bool ref_fixed)
{
	unsigned int k;

	for (k = 0; k < n; k++) {
		uint8_t *o = out + (size_t)k * (bs + 8);

		memcpy(o, data + (size_t)k * bs, bs);
		put_dif(o + bs, guard(o, bs, flags), app, ref);
		if (app_inc)
			app++;
		if (!ref_fixed)
			ref++;
	}
}

static void dif_desc(struct harness *h, struct dsa_hw_desc *d, unsigned int op, uint32_t len)
{
	h_desc(h, d, op, rec(h));
	d->src_addr = H_IOVA + SRC;
	d->dst_addr = H_IOVA + DST;
	d->xfer_size = len;
}

/* ---- DIF Insert ------------------------------------------------------------------------ */

static void test_dif_insert_block_sizes(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;
	unsigned int i, n = 3;

	for (i = 0; i < 4; i++) {
		uint32_t bs = block_sizes[i];

		fill_data(h_ptr(h, SRC), n * bs, i);
		memset(h_ptr(h, DST), 0xee, n * (bs + 8) + 8);
		protect(h_ptr(h, REF), h_ptr(h, SRC), n, bs, 0, 0x1234, false, 100, false);
		dif_desc(h, &d, DSA_OPCODE_DIF_INS, n * bs);
		d.dif_ins_flags = (uint8_t)i;
		d.ins_ref_tag_seed = 100;
		d.ins_app_tag_seed = 0x1234;
		assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
		assert_memory_equal(h_ptr(h, DST), h_ptr(h, REF), n * (bs + 8));
		assert_int_equal(((uint8_t *)h_ptr(h, DST))[n * (bs + 8)], 0xee);
		/* the record: tags of the next block */
		assert_int_equal(rec(h)->dif_ins_ref_tag, 100 + n);
		assert_int_equal(rec(h)->dif_ins_app_tag, 0x1234);
		assert_int_equal(rec(h)->dif_ins_app_tag_mask, 0);
	}
}

static void test_dif_insert_flags(void **state)
{
	struct harness *h = *state;
	uint32_t bs = 512, n = 4;
	struct dsa_hw_desc d;
	uint8_t *ref = h_ptr(h, REF);
	unsigned int k;

	fill_data(h_ptr(h, SRC), n * bs, 9);
	/* inverted CRC seed and result; fixed ref tag; incrementing, masked app tag */
	dif_desc(h, &d, DSA_OPCODE_DIF_INS, n * bs);
	d.dif_ins_flags = DSA_DIF_FLAG_INVERT_CRC_SEED | DSA_DIF_FLAG_INVERT_CRC_RESULT;
	d.dest_dif_flag = DSA_DIF_DST_REF_TAG_FIXED | DSA_DIF_DST_APP_TAG_INC;
	d.ins_ref_tag_seed = 0xdeadbeef;
	d.ins_app_tag_seed = 0x10ff;
	d.ins_app_tag_mask = 0x000f;	/* masked bits are written as 0 */
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	for (k = 0; k < n; k++) {
		const uint8_t *data = (const uint8_t *)h_ptr(h, SRC) + k * bs;

		put_dif(ref, guard(data, bs, DSA_DIF_FLAG_INVERT_CRC_SEED |
				   DSA_DIF_FLAG_INVERT_CRC_RESULT),
			(uint16_t)((0x10ff + k) & ~0x000f), 0xdeadbeef);
		assert_memory_equal((uint8_t *)h_ptr(h, DST) + k * (bs + 8) + bs, ref, 8);
	}
	assert_int_equal(rec(h)->dif_ins_ref_tag, 0xdeadbeef);
	assert_int_equal(rec(h)->dif_ins_app_tag, 0x10ff + n);
	assert_int_equal(rec(h)->dif_ins_app_tag_mask, 0x000f);
}

/* ---- DIF Check ------------------------------------------------------------------------- */

static void check_desc(struct harness *h, struct dsa_hw_desc *d, unsigned int n, uint32_t bs,
		       uint8_t bsflag)
{
	dif_desc(h, d, DSA_OPCODE_DIF_CHECK, n * (bs + 8));
	d->dst_addr = 0;
	d->dif_chk_flags = bsflag;
	d->chk_ref_tag_seed = 7;
	d->chk_app_tag_seed = 0xabcd;
}

static void test_dif_check(void **state)
{
	struct harness *h = *state;
	uint8_t *src = h_ptr(h, SRC);
	struct dsa_hw_desc d;
	unsigned int i, n = 4;

	for (i = 0; i < 4; i++) {
		uint32_t bs = block_sizes[i];

		fill_data(h_ptr(h, REF), n * bs, i);
		protect(src, h_ptr(h, REF), n, bs, 0, 0xabcd, false, 7, false);
		check_desc(h, &d, n, bs, (uint8_t)i);
		assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
		assert_int_equal(rec(h)->dif_chk_ref_tag, 7 + n);
		assert_int_equal(rec(h)->dif_chk_app_tag, 0xabcd);
		assert_int_equal(rec(h)->result, 0);

		/* a corrupt block 2: the checks that fail, bytes before it, its tags */
		src[2 * (bs + 8) + 5] ^= 1;
		check_desc(h, &d, n, bs, (uint8_t)i);
		assert_int_equal(run(h, &d), DSA_COMP_DIF_ERR);
		assert_int_equal(rec(h)->dif_status, DSA_DIF_ERR_GUARD);
		assert_int_equal(rec(h)->bytes_completed, 2 * (bs + 8));
		assert_int_equal(rec(h)->dif_chk_ref_tag, 7 + 2);
		assert_int_equal(rec(h)->dif_chk_app_tag, 0xabcd);
		src[2 * (bs + 8) + 5] ^= 1;
	}
}

static void test_dif_check_tags(void **state)
{
	struct harness *h = *state;
	uint32_t bs = 520, n = 3;
	uint8_t *src = h_ptr(h, SRC), *dif1 = src + (bs + 8) + bs;
	struct dsa_hw_desc d;

	fill_data(h_ptr(h, REF), n * bs, 3);
	protect(src, h_ptr(h, REF), n, bs, 0, 0xabcd, false, 7, false);
	/* app tag and ref tag of block 1 wrong */
	dif1[3] ^= 0x10;
	dif1[7] ^= 0x01;
	check_desc(h, &d, n, bs, 1);
	assert_int_equal(run(h, &d), DSA_COMP_DIF_ERR);
	assert_int_equal(rec(h)->dif_status, DSA_DIF_ERR_APP_TAG | DSA_DIF_ERR_REF_TAG);
	assert_int_equal(rec(h)->bytes_completed, bs + 8);
	/* the mask exempts app tag bits; reference tag checking disabled */
	check_desc(h, &d, n, bs, 1);
	d.chk_app_tag_mask = 0x0010;
	d.src_dif_flags = DSA_DIF_SRC_REF_CHK_DIS;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	dif1[3] ^= 0x10;
	dif1[7] ^= 0x01;

	/* guard check disabled */
	src[0] ^= 0xff;
	check_desc(h, &d, n, bs, 1);
	d.src_dif_flags = DSA_DIF_SRC_GUARD_CHK_DIS;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	src[0] ^= 0xff;

	/* fixed ref tag and incrementing app tag, inverted CRC */
	protect(src, h_ptr(h, REF), n, bs,
		DSA_DIF_FLAG_INVERT_CRC_SEED | DSA_DIF_FLAG_INVERT_CRC_RESULT, 0xabcd, true, 7, true);
	check_desc(h, &d, n, bs, 1 | DSA_DIF_FLAG_INVERT_CRC_SEED | DSA_DIF_FLAG_INVERT_CRC_RESULT);
	d.src_dif_flags = DSA_DIF_SRC_REF_TAG_FIXED | DSA_DIF_SRC_APP_TAG_INC;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_int_equal(rec(h)->dif_chk_ref_tag, 7);
	assert_int_equal(rec(h)->dif_chk_app_tag, 0xabcd + n);
	/* the same data checked with incrementing ref tags fails at block 1 */
	check_desc(h, &d, n, bs, 1 | DSA_DIF_FLAG_INVERT_CRC_SEED | DSA_DIF_FLAG_INVERT_CRC_RESULT);
	d.src_dif_flags = DSA_DIF_SRC_APP_TAG_INC;
	assert_int_equal(run(h, &d), DSA_COMP_DIF_ERR);
	assert_int_equal(rec(h)->dif_status, DSA_DIF_ERR_REF_TAG);
	assert_int_equal(rec(h)->bytes_completed, bs + 8);
}

static void test_dif_check_f_detect(void **state)
{
	struct harness *h = *state;
	uint32_t bs = 512, n = 3;
	uint8_t *src = h_ptr(h, SRC), *dif1 = src + (bs + 8) + bs;
	struct dsa_hw_desc d;

	fill_data(h_ptr(h, REF), n * bs, 5);
	protect(src, h_ptr(h, REF), n, bs, 0, 0xabcd, false, 7, false);
	/* app tag all ones: not checked with app-tag F detect */
	memset(dif1 + 2, 0xff, 2);
	dif1[0] ^= 0x55;	/* its guard is wrong too */
	check_desc(h, &d, n, bs, 0);
	assert_int_equal(run(h, &d), DSA_COMP_DIF_ERR);
	assert_int_equal(rec(h)->dif_status, DSA_DIF_ERR_GUARD | DSA_DIF_ERR_APP_TAG);
	check_desc(h, &d, n, bs, 0);
	d.src_dif_flags = DSA_DIF_SRC_APP_F_DETECT;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	/* app and ref tag all ones: app+ref F detect; app-only F detect also exempts it */
	memset(dif1 + 2, 0xff, 6);
	check_desc(h, &d, n, bs, 0);
	d.src_dif_flags = DSA_DIF_SRC_APP_REF_F_DETECT;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	/* an all-ones DIF: detected and exempt, or an error when enabled */
	memset(dif1, 0xff, 8);
	check_desc(h, &d, n, bs, 0);
	d.src_dif_flags = DSA_DIF_SRC_ALL_F_DETECT;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	check_desc(h, &d, n, bs, 0);
	d.src_dif_flags = DSA_DIF_SRC_ALL_F_DETECT | DSA_DIF_SRC_ALL_F_ERR_EN;
	assert_int_equal(run(h, &d), DSA_COMP_DIF_ERR);
	assert_int_equal(rec(h)->dif_status, DSA_DIF_ERR_ALL_F);
	assert_int_equal(rec(h)->bytes_completed, bs + 8);
}

/* ---- DIF Strip, DIF Update, DIX Generate ---------------------------------------------------- */

static void test_dif_strip(void **state)
{
	struct harness *h = *state;
	uint8_t *data = h_ptr(h, REF);
	struct dsa_hw_desc d;
	unsigned int i, n = 3;

	for (i = 0; i < 4; i++) {
		uint32_t bs = block_sizes[i];

		fill_data(data, n * bs, 20 + i);
		protect(h_ptr(h, SRC), data, n, bs, 0, 1, false, 0xfffffffe, false);
		memset(h_ptr(h, DST), 0, n * bs + 8);
		dif_desc(h, &d, DSA_OPCODE_DIF_STRP, n * (bs + 8));
		d.dif_chk_flags = (uint8_t)i;
		d.chk_ref_tag_seed = 0xfffffffe;	/* wraps through 0 */
		d.chk_app_tag_seed = 1;
		assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
		assert_memory_equal(h_ptr(h, DST), data, n * bs);
		assert_int_equal(((uint8_t *)h_ptr(h, DST))[n * bs], 0);
		assert_int_equal(rec(h)->dif_chk_ref_tag, 0xfffffffe + n);
	}
}

static void test_dif_update(void **state)
{
	struct harness *h = *state;
	uint32_t bs = 4096, n = 3;
	uint8_t *data = h_ptr(h, REF), *dst = h_ptr(h, DST), expect[8];
	struct dsa_hw_desc d;
	unsigned int k;

	fill_data(data, n * bs, 30);
	protect(h_ptr(h, SRC), data, n, bs, 0, 0x1111, false, 50, false);
	dif_desc(h, &d, DSA_OPCODE_DIF_UPDT, n * (bs + 8));
	d.dif_upd_flags = 2 | DSA_DIF_FLAG_INVERT_CRC_RESULT;
	d.src_upd_flags = 0;
	d.upd_dest_flags = DSA_DIF_DST_APP_TAG_INC;
	d.src_ref_tag_seed = 50;
	d.src_app_tag_seed = 0x1111;
	d.dest_ref_tag_seed = 900;
	d.dest_app_tag_seed = 0x2222;
	/* the source DIFs were made without the inverted result: guard errors */
	assert_int_equal(run(h, &d), DSA_COMP_DIF_ERR);
	assert_int_equal(rec(h)->dif_status, DSA_DIF_ERR_GUARD);
	assert_int_equal(rec(h)->bytes_completed, 0);
	protect(h_ptr(h, SRC), data, n, bs, DSA_DIF_FLAG_INVERT_CRC_RESULT, 0x1111, false, 50,
		false);
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	for (k = 0; k < n; k++) {
		const uint8_t *o = dst + k * (bs + 8);

		assert_memory_equal(o, data + k * bs, bs);
		put_dif(expect, guard(data + k * bs, bs, DSA_DIF_FLAG_INVERT_CRC_RESULT),
			(uint16_t)(0x2222 + k), 900 + k);
		assert_memory_equal(o + bs, expect, 8);
	}
	assert_int_equal(rec(h)->dif_upd_src_ref_tag, 50 + n);
	assert_int_equal(rec(h)->dif_upd_src_app_tag, 0x1111);
	assert_int_equal(rec(h)->dif_upd_dest_ref_tag, 900 + n);
	assert_int_equal(rec(h)->dif_upd_dest_app_tag, 0x2222 + n);

	/* pass-through: guard, app and ref tag copied from the source */
	memset(dst, 0, n * (bs + 8));
	d.upd_dest_flags = DSA_DIF_DST_GUARD_PASS | DSA_DIF_DST_APP_PASS | DSA_DIF_DST_REF_PASS;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_memory_equal(dst, h_ptr(h, SRC), n * (bs + 8));
}

static void test_dix_generate(void **state)
{
	struct harness *h = *state;
	uint32_t bs = 520, n = 5;
	uint8_t *data = h_ptr(h, SRC), *dst = h_ptr(h, DST), expect[8];
	struct dsa_hw_desc d;
	unsigned int k;

	fill_data(data, n * bs, 40);
	memset(dst, 0xee, n * 8 + 8);
	dif_desc(h, &d, DSA_OPCODE_DIX_GEN, n * bs);
	d.dif_ins_flags = 1;
	d.ins_ref_tag_seed = 3;
	d.ins_app_tag_seed = 0x4242;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	/* the DIFs alone, 8 bytes per block */
	for (k = 0; k < n; k++) {
		put_dif(expect, guard(data + k * bs, bs, 0), 0x4242, 3 + k);
		assert_memory_equal(dst + 8 * k, expect, 8);
	}
	assert_int_equal(dst[8 * n], 0xee);
	assert_int_equal(rec(h)->dif_ins_ref_tag, 3 + n);
}

/* ---- errors, faults, resuming ------------------------------------------------------------------ */

static void test_dif_errors(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;

	/* not a whole number of blocks (with DIFs for a protected source) */
	dif_desc(h, &d, DSA_OPCODE_DIF_CHECK, 512);
	assert_int_equal(run(h, &d), DSA_COMP_XFER_ERANGE);
	dif_desc(h, &d, DSA_OPCODE_DIF_INS, 520);
	assert_int_equal(run(h, &d), DSA_COMP_XFER_ERANGE);
	/* reserved bits and bytes */
	dif_desc(h, &d, DSA_OPCODE_DIF_INS, 512);
	d.dif_ins_flags = 0x10;
	assert_int_equal(run(h, &d), DSA_COMP_NOZERO_RESERVE);
	dif_desc(h, &d, DSA_OPCODE_DIF_INS, 512);
	d.dest_dif_flag = DSA_DIF_DST_REF_PASS;	/* no source DIF to pass */
	assert_int_equal(run(h, &d), DSA_COMP_NOZERO_RESERVE);
	dif_desc(h, &d, DSA_OPCODE_DIF_CHECK, 520);
	d.dif_chk_res = 1;
	assert_int_equal(run(h, &d), DSA_COMP_NOZERO_RESERVE);
	/* overlapping buffers */
	dif_desc(h, &d, DSA_OPCODE_DIF_STRP, 2 * 520);
	d.dst_addr = d.src_addr + 512;
	assert_int_equal(run(h, &d), DSA_COMP_OVERLAP_BUFFERS);
	/* DIF-only flags on other operations, other flags on DIF operations */
	dif_desc(h, &d, DSA_OPCODE_DIF_CHECK, 520);
	d.flags |= IDXD_OP_FLAG_CR;
	assert_int_equal(run(h, &d), DSA_COMP_INVALID_FLAGS);
	assert_int_equal(rec(h)->invalid_flags, IDXD_OP_FLAG_CR);
}

static void test_dif_page_fault_resume(void **state)
{
	struct harness *h = *state;
	uint32_t bs = 4096, n = 4;
	uint8_t *data = h_ptr(h, REF);
	struct dsa_hw_desc d;

	/* three blocks end where the mapped memory does; the fourth faults */
	fill_data(data, n * bs, 50);
	protect(h_ptr(h, H_MEM_SIZE - 3 * (bs + 8)), data, 3, bs, 0, 0x77, false, 1000, false);
	dif_desc(h, &d, DSA_OPCODE_DIF_STRP, n * (bs + 8));
	d.src_addr = H_IOVA + H_MEM_SIZE - 3 * (bs + 8);
	d.dif_chk_flags = 2;
	d.chk_ref_tag_seed = 1000;
	d.chk_app_tag_seed = 0x77;
	assert_int_equal(run(h, &d), DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(rec(h)->fault_addr, H_IOVA + H_MEM_SIZE);
	/* whole blocks only, and the tags to resume with */
	assert_int_equal(rec(h)->bytes_completed, 3 * (bs + 8));
	assert_int_equal(rec(h)->dif_chk_ref_tag, 1003);
	assert_int_equal(rec(h)->dif_chk_app_tag, 0x77);
	assert_memory_equal(h_ptr(h, DST), data, 3 * bs);

	/* software resumes: addresses advanced by whole blocks, tags from the record */
	protect(h_ptr(h, SRC), data + 3 * bs, 1, bs, 0, 0x77, false, 1003, false);
	d.src_addr = H_IOVA + SRC;
	d.dst_addr = H_IOVA + DST + 3 * bs;
	d.xfer_size = bs + 8;
	d.chk_ref_tag_seed = rec(h)->dif_chk_ref_tag;
	d.chk_app_tag_seed = rec(h)->dif_chk_app_tag;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_memory_equal(h_ptr(h, DST), data, 4 * bs);
}

/* ---- buffers split across mappings ------------------------------------------------- */

/*
 * An IOVA range made of two mappings of non-adjacent host memory, split
 * @first bytes in: the device sees one buffer, the blocks across the split
 * are not contiguous in host memory.
 */
struct split {
	uint64_t iova;
	uint8_t *a, *b;
	size_t first;
};

static void split_map(struct harness *h, struct split *sp, uint64_t iova, uint64_t off_a,
		      uint64_t off_b, size_t first, size_t rest)
{
	sp->iova = iova;
	sp->a = h_ptr(h, off_a);
	sp->b = h_ptr(h, off_b);
	sp->first = first;
	assert_int_equal(iommu_map(h->dom, iova, sp->a, first, IOMMU_READ | IOMMU_WRITE), 0);
	assert_int_equal(iommu_map(h->dom, iova + first, sp->b, rest, IOMMU_READ | IOMMU_WRITE), 0);
}

static void split_put(const struct split *sp, const uint8_t *buf, size_t n)
{
	memcpy(sp->a, buf, n < sp->first ? n : sp->first);
	if (n > sp->first)
		memcpy(sp->b, buf + sp->first, n - sp->first);
}

static void split_get(const struct split *sp, uint8_t *buf, size_t n)
{
	memcpy(buf, sp->a, n < sp->first ? n : sp->first);
	if (n > sp->first)
		memcpy(buf + sp->first, sp->b, n - sp->first);
}

static void test_dif_split_mappings(void **state)
{
	struct harness *h = *state;
	uint32_t bs = 520, n = 20;
	uint8_t *data = h_ptr(h, REF), *want = h_ptr(h, REF + 0x20000);
	uint8_t *got = h_ptr(h, REF + 0x40000);
	struct split src, dst;
	struct dsa_hw_desc d;

	/* source split 4 KiB in (block 7 across it), destination 8 KiB in (block 15) */
	split_map(h, &src, H_IOVA + (32ULL << 20), 0x400000, 0x500000, 4096, 16384);
	split_map(h, &dst, H_IOVA + (40ULL << 20), 0x600000, 0x700000, 8192, 16384);

	/* Insert: every block, the split ones included, as the T10 definition says */
	fill_data(data, n * bs, 9);
	protect(want, data, n, bs, 0, 0x4242, false, 500, false);
	split_put(&src, data, n * bs);
	dif_desc(h, &d, DSA_OPCODE_DIF_INS, n * bs);
	d.src_addr = src.iova;
	d.dst_addr = dst.iova;
	d.dif_ins_flags = 1;		/* 520-byte blocks */
	d.ins_ref_tag_seed = 500;
	d.ins_app_tag_seed = 0x4242;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	split_get(&dst, got, n * (bs + 8));
	assert_memory_equal(got, want, n * (bs + 8));
	assert_int_equal(rec(h)->dif_ins_ref_tag, 500 + n);

	/* Strip of that back to a split source buffer: the original data */
	memset(src.a, 0, 4096);
	memset(src.b, 0, 16384);
	dif_desc(h, &d, DSA_OPCODE_DIF_STRP, n * (bs + 8));
	d.src_addr = dst.iova;
	d.dst_addr = src.iova;
	d.dif_chk_flags = 1;
	d.chk_ref_tag_seed = 500;
	d.chk_app_tag_seed = 0x4242;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	split_get(&src, got, n * bs);
	assert_memory_equal(got, data, n * bs);

	/* Check with a corrupt block after the split one: stops there, whole blocks before */
	dst.b[16 * (bs + 8) - dst.first + 3] ^= 0x10;
	dif_desc(h, &d, DSA_OPCODE_DIF_CHECK, n * (bs + 8));
	d.src_addr = dst.iova;
	d.dst_addr = 0;
	d.dif_chk_flags = 1;
	d.chk_ref_tag_seed = 500;
	d.chk_app_tag_seed = 0x4242;
	assert_int_equal(run(h, &d), DSA_COMP_DIF_ERR);
	assert_int_equal(rec(h)->dif_status, DSA_DIF_ERR_GUARD);
	assert_int_equal(rec(h)->bytes_completed, 16 * (bs + 8));
	assert_int_equal(rec(h)->dif_chk_ref_tag, 516);

	assert_int_equal(iommu_unmap(h->dom, src.iova, 4096), 0);
	assert_int_equal(iommu_unmap(h->dom, src.iova + 4096, 16384), 0);
	assert_int_equal(iommu_unmap(h->dom, dst.iova, 8192), 0);
	assert_int_equal(iommu_unmap(h->dom, dst.iova + 8192, 16384), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_dif_insert_block_sizes, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dif_insert_flags, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dif_check, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dif_check_tags, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dif_check_f_detect, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dif_strip, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dif_update, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dix_generate, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dif_errors, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dif_page_fault_resume, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dif_split_mappings, setup, h_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
