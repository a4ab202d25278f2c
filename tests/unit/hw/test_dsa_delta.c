// SPDX-License-Identifier: GPL-2.0-only
/*
 * Create Delta Record and Apply Delta Record (DSA spec rev 2.0, chapter 8):
 * the record format (10-byte entries: 16-bit offset in 8-byte
 * words, then the word of source 2), the result values and delta_rec_size,
 * Check Result with the expected-result mask, overflow of the maximum
 * record size, applying a record, and every error the operations define.
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

#define CR0	0x0000
#define SRC1	0x100000
#define SRC2	0x200000
#define DELTA	0x300000
#define DST	0x400000

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

static uint8_t run(struct harness *h, struct dsa_hw_desc *d)
{
	memset(rec(h), 0, sizeof(struct dsa_completion_record));
	assert_int_equal(h_submit(h, 0, 0, d), 0);
	return h_wait(rec(h));
}

static void create_desc(struct harness *h, struct dsa_hw_desc *d, uint32_t len, uint32_t max)
{
	h_desc(h, d, DSA_OPCODE_CR_DELTA, rec(h));
	d->src_addr = H_IOVA + SRC1;
	d->src2_addr = H_IOVA + SRC2;
	d->xfer_size = len;
	d->delta_addr = H_IOVA + DELTA;
	d->max_delta_size = max;
}

static void apply_desc(struct harness *h, struct dsa_hw_desc *d, uint32_t len, uint32_t rsize)
{
	h_desc(h, d, DSA_OPCODE_AP_DELTA, rec(h));
	d->src_addr = H_IOVA + DELTA;
	d->dst_addr = H_IOVA + DST;
	d->xfer_size = len;
	d->delta_rec_size = rsize;
}

/* Source 1 and 2 equal but for the 8-byte words listed. */
static void sources(struct harness *h, size_t len, const unsigned int *words, unsigned int n)
{
	uint64_t *a = h_ptr(h, SRC1), *b = h_ptr(h, SRC2);
	unsigned int i;

	for (i = 0; i < len / 8; i++)
		a[i] = b[i] = 0x0101010101010101ULL * (i & 0x7f);
	for (i = 0; i < n; i++)
		b[words[i]] = 0xc0ffee0000000000ULL | words[i];
}

static void entry(const uint8_t *rec_bytes, unsigned int i, uint16_t *off, uint64_t *data)
{
	memcpy(off, rec_bytes + i * 10, 2);
	memcpy(data, rec_bytes + i * 10 + 2, 8);
}

static void test_create_and_apply(void **state)
{
	struct harness *h = *state;
	static const unsigned int words[] = { 0, 5, 6, 511, 4095 };
	const uint8_t *r = h_ptr(h, DELTA);
	struct dsa_hw_desc d;
	unsigned int i;
	uint16_t off;
	uint64_t data;

	/* equal sources: result 0, nothing written */
	sources(h, 32768, NULL, 0);
	memset(h_ptr(h, DELTA), 0xee, 100);
	create_desc(h, &d, 32768, 800);
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_int_equal(rec(h)->result, DSA_DELTA_RESULT_EQUAL);
	assert_int_equal(rec(h)->delta_rec_size, 0);
	assert_int_equal(r[0], 0xee);

	/* differences: one entry per differing word, in order */
	sources(h, 32768, words, 5);
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_int_equal(rec(h)->result, DSA_DELTA_RESULT_DIFF);
	assert_int_equal(rec(h)->delta_rec_size, 5 * DSA_DELTA_ENTRY_SIZE);
	for (i = 0; i < 5; i++) {
		entry(r, i, &off, &data);
		assert_int_equal(off, words[i]);
		assert_int_equal(data, 0xc0ffee0000000000ULL | words[i]);
	}
	assert_int_equal(r[50], 0xee);

	/* applied to a copy of source 1, the record makes it source 2 */
	memcpy(h_ptr(h, DST), h_ptr(h, SRC1), 32768);
	apply_desc(h, &d, 32768, rec(h)->delta_rec_size);
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_memory_equal(h_ptr(h, DST), h_ptr(h, SRC2), 32768);
}

static void test_create_overflow_and_check_result(void **state)
{
	struct harness *h = *state;
	unsigned int words[20], i;
	struct dsa_hw_desc d;

	for (i = 0; i < 20; i++)
		words[i] = 3 * i + 1;
	sources(h, 4096, words, 20);
	/* room for 8 entries: result 2, the record holds the 8 that fit */
	create_desc(h, &d, 4096, 80);
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_int_equal(rec(h)->result, DSA_DELTA_RESULT_OVERFLOW);
	assert_int_equal(rec(h)->delta_rec_size, 80);

	/* Check Result: bit n of the mask accepts result n */
	create_desc(h, &d, 4096, 80);
	d.flags |= IDXD_OP_FLAG_CR;
	d.expected_res_mask = 1U << DSA_DELTA_RESULT_DIFF;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS_PRED);
	assert_int_equal(rec(h)->result, DSA_DELTA_RESULT_OVERFLOW);
	d.expected_res_mask = 1U << DSA_DELTA_RESULT_OVERFLOW | 1U << DSA_DELTA_RESULT_DIFF;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	create_desc(h, &d, 4096, 200);
	d.flags |= IDXD_OP_FLAG_CR;
	d.expected_res_mask = 1U << DSA_DELTA_RESULT_EQUAL;
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS_PRED);
	assert_int_equal(rec(h)->result, DSA_DELTA_RESULT_DIFF);
	assert_int_equal(rec(h)->delta_rec_size, 200);
}

static void test_create_errors(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;

	sources(h, 4096, NULL, 0);
	/* 8-byte aligned sources */
	create_desc(h, &d, 4096, 80);
	d.src_addr += 4;
	assert_int_equal(run(h, &d), DSA_COMP_ADDR_ALIGN);
	create_desc(h, &d, 4096, 80);
	d.src2_addr += 1;
	assert_int_equal(run(h, &d), DSA_COMP_ADDR_ALIGN);
	/* sizes: a multiple of 8, at most 512 KiB */
	create_desc(h, &d, 4092, 80);
	assert_int_equal(run(h, &d), DSA_COMP_XFER_ERANGE);
	create_desc(h, &d, DSA_DELTA_MAX_XFER + 8, 80);
	assert_int_equal(run(h, &d), DSA_COMP_XFER_ERANGE);
	/* the maximum record size: whole entries, at least 80 bytes */
	create_desc(h, &d, 4096, 85);
	assert_int_equal(run(h, &d), DSA_COMP_DR_ERANGE);
	create_desc(h, &d, 4096, 70);
	assert_int_equal(run(h, &d), DSA_COMP_DR_ERANGE);
	/* the record may not overlap a source */
	create_desc(h, &d, 4096, 80);
	d.delta_addr = H_IOVA + SRC2 + 4000;
	assert_int_equal(run(h, &d), DSA_COMP_OVERLAP_BUFFERS);
	/* reserved bytes */
	create_desc(h, &d, 4096, 80);
	d.delt_rsvd = 1;
	assert_int_equal(run(h, &d), DSA_COMP_NOZERO_RESERVE);
}

static void put_entry(uint8_t *r, unsigned int i, uint16_t off, uint64_t data)
{
	memcpy(r + i * 10, &off, 2);
	memcpy(r + i * 10 + 2, &data, 8);
}

static void test_apply_errors(void **state)
{
	struct harness *h = *state;
	uint8_t *r = h_ptr(h, DELTA);
	uint64_t *dst = h_ptr(h, DST);
	struct dsa_hw_desc d;

	memset(dst, 0, 4096);
	/* offsets must increase: entries before the bad one are applied */
	put_entry(r, 0, 3, 0x33);
	put_entry(r, 1, 7, 0x77);
	put_entry(r, 2, 7, 0x78);
	apply_desc(h, &d, 4096, 30);
	assert_int_equal(run(h, &d), DSA_COMP_DR_OFFSET_NOINC);
	assert_int_equal(rec(h)->bytes_completed, 20);
	assert_int_equal(dst[3], 0x33);
	assert_int_equal(dst[7], 0x77);
	/* and stay inside the transfer size */
	put_entry(r, 2, 512, 0x99);
	assert_int_equal(run(h, &d), DSA_COMP_DR_OFFSET_ERANGE);
	assert_int_equal(rec(h)->bytes_completed, 20);
	apply_desc(h, &d, 4104, 30);
	assert_int_equal(run(h, &d), DSA_COMP_SUCCESS);
	assert_int_equal(dst[512], 0x99);
	/* record size: whole entries, not 0 */
	apply_desc(h, &d, 4096, 25);
	assert_int_equal(run(h, &d), DSA_COMP_DR_ERANGE);
	apply_desc(h, &d, 4096, 0);
	assert_int_equal(run(h, &d), DSA_COMP_DR_ERANGE);
	/* destination 8-byte aligned, size a multiple of 8 */
	apply_desc(h, &d, 4096, 10);
	d.dst_addr += 2;
	assert_int_equal(run(h, &d), DSA_COMP_ADDR_ALIGN);
	apply_desc(h, &d, 4095, 10);
	assert_int_equal(run(h, &d), DSA_COMP_XFER_ERANGE);
	/* record and destination may not overlap */
	apply_desc(h, &d, 4096, 10);
	d.dst_addr = H_IOVA + DELTA;
	assert_int_equal(run(h, &d), DSA_COMP_OVERLAP_BUFFERS);
}

static void test_delta_page_faults(void **state)
{
	struct harness *h = *state;
	static const unsigned int words[] = { 1, 2, 600 };
	struct dsa_hw_desc d;

	/* source 2 runs into unmapped memory after 4 KiB of the 8 compared */
	sources(h, 8192, words, 3);
	memcpy(h_ptr(h, H_MEM_SIZE - 4096), h_ptr(h, SRC2), 4096);
	create_desc(h, &d, 8192, 800);
	d.src2_addr = H_IOVA + H_MEM_SIZE - 4096;
	assert_int_equal(run(h, &d), DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(rec(h)->fault_addr, H_IOVA + H_MEM_SIZE);
	assert_int_equal(rec(h)->bytes_completed, 4096);
	/* the entries of the words compared are in the record */
	assert_int_equal(rec(h)->delta_rec_size, 2 * DSA_DELTA_ENTRY_SIZE);

	/* apply: the record itself faults */
	apply_desc(h, &d, 4096, 20);
	d.src_addr = H_IOVA + H_MEM_SIZE - 10;
	assert_int_equal(run(h, &d), DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(rec(h)->bytes_completed, 0);
	assert_int_equal(rec(h)->fault_addr, H_IOVA + H_MEM_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_create_and_apply, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_create_overflow_and_check_result, setup,
						h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_create_errors, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_apply_errors, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_delta_page_faults, setup, h_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
