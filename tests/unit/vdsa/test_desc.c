// SPDX-License-Identifier: GPL-2.0-only
/*
 * libvdsa descriptor builders: the fields of <linux/idxd.h>'s descriptor
 * as the DSA specification places them, checked byte-wise too.
 */
#include <assert.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vdsa.h"

static_assert(sizeof(struct dsa_hw_desc) == 64, "descriptor");
static_assert(sizeof(struct dsa_completion_record) == 32, "completion record");
static_assert(offsetof(struct dsa_hw_desc, completion_addr) == 8, "completion_addr");
static_assert(offsetof(struct dsa_hw_desc, src_addr) == 16, "src_addr");
static_assert(offsetof(struct dsa_hw_desc, dst_addr) == 24, "dst_addr");
static_assert(offsetof(struct dsa_hw_desc, xfer_size) == 32, "xfer_size");
static_assert(offsetof(struct dsa_hw_desc, int_handle) == 36, "int_handle");
static_assert(offsetof(struct dsa_hw_desc, crc_seed) == 40, "crc_seed");
static_assert(offsetof(struct dsa_completion_record, bytes_completed) == 4, "bytes");
static_assert(offsetof(struct dsa_completion_record, fault_addr) == 8, "fault_addr");
static_assert(offsetof(struct dsa_completion_record, crc_val) == 16, "crc_val");

#define BASE_FLAGS	(IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR)

static uint64_t qword(const struct dsa_hw_desc *d, unsigned int i)
{
	uint64_t q;

	memcpy(&q, (const uint8_t *)d + 8 * i, 8);
	return q;
}

static void test_nop_and_drain(void **state)
{
	struct dsa_hw_desc d;

	memset(&d, 0xff, sizeof(d));
	vdsa_desc_nop(&d, 0x1000);
	assert_int_equal(d.opcode, DSA_OPCODE_NOOP);
	assert_int_equal(d.flags, BASE_FLAGS);
	assert_int_equal(d.completion_addr, 0x1000);
	assert_int_equal(d.pasid, 0);
	/* Opcode in bits 63:56 and flags in 55:32 of the first qword: non-zero. */
	assert_int_equal(qword(&d, 0), (uint64_t)BASE_FLAGS << 32);
	assert_int_equal(qword(&d, 2), 0);
	assert_int_equal(qword(&d, 7), 0);

	vdsa_desc_drain(&d, 0x2000);
	assert_int_equal(qword(&d, 0), ((uint64_t)DSA_OPCODE_DRAIN << 56) |
				       ((uint64_t)BASE_FLAGS << 32));
	assert_int_equal(qword(&d, 1), 0x2000);
}

static void test_memmove_fill_compare(void **state)
{
	struct dsa_hw_desc d;

	vdsa_desc_memmove(&d, 0x40, 0xd000, 0x5000, 4096);
	assert_int_equal(d.opcode, DSA_OPCODE_MEMMOVE);
	assert_int_equal(qword(&d, 2), 0x5000);
	assert_int_equal(qword(&d, 3), 0xd000);
	assert_int_equal(d.xfer_size, 4096);

	vdsa_desc_fill(&d, 0x40, 0xd000, 0x1122334455667788ULL, 100);
	assert_int_equal(d.opcode, DSA_OPCODE_MEMFILL);
	/* The pattern sits where a source address would. */
	assert_int_equal(qword(&d, 2), 0x1122334455667788ULL);
	assert_int_equal(qword(&d, 3), 0xd000);
	assert_int_equal(d.xfer_size, 100);

	vdsa_desc_compare(&d, 0x40, 0x1000, 0x2000, 64);
	assert_int_equal(d.opcode, DSA_OPCODE_COMPARE);
	assert_int_equal(qword(&d, 2), 0x1000);
	assert_int_equal(qword(&d, 3), 0x2000);
	assert_int_equal(d.flags, BASE_FLAGS);
}

static void test_crcgen_and_irq(void **state)
{
	struct dsa_hw_desc d;
	uint32_t seed;

	vdsa_desc_crcgen(&d, 0x80, 0x3000, 512, 0xdeadbeef);
	assert_int_equal(d.opcode, DSA_OPCODE_CRCGEN);
	assert_int_equal(d.src_addr, 0x3000);
	assert_int_equal(d.xfer_size, 512);
	memcpy(&seed, (uint8_t *)&d + 40, 4);
	assert_int_equal(seed, 0xdeadbeef);
	assert_int_equal(qword(&d, 3), 0);

	vdsa_desc_set_irq(&d, 0x1234);
	assert_int_equal(d.flags, BASE_FLAGS | IDXD_OP_FLAG_RCI);
	assert_int_equal(d.int_handle, 0x1234);
	assert_int_equal(((uint8_t *)&d)[36], 0x34);
	assert_int_equal(((uint8_t *)&d)[37], 0x12);
}

static void test_comp_status_reads_record(void **state)
{
	struct dsa_completion_record cr;

	memset(&cr, 0, sizeof(cr));
	assert_int_equal(vdsa_comp_status(&cr), 0);
	cr.status = DSA_COMP_PAGE_FAULT_NOBOF | DSA_COMP_STATUS_WRITE;
	assert_int_equal(vdsa_comp_status(&cr), 0x83);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nop_and_drain),
		cmocka_unit_test(test_memmove_fill_compare),
		cmocka_unit_test(test_crcgen_and_irq),
		cmocka_unit_test(test_comp_status_reads_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
