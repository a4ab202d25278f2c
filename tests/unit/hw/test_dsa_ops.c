// SPDX-License-Identifier: GPL-2.0-only
/*
 * DSA operations and completion: each opcode's architected result and
 * completion record, page faults, descriptor errors, SWERR, PASID
 * selection for dedicated and shared WQs, MSI-X and IMS completion
 * interrupts with interrupt-handle checks, WQ full, and the mmap portal
 * protocol. Through dsa_hw_pci_ops only; memory is reached through a real
 * iommu domain.
 */
#include <errno.h>
#include <isa-l/crc.h>
#include <linux/pci_regs.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "dsa_harness.h"

/* Offsets in test memory. */
#define CR0	0x0000		/* completion records, 32 bytes apart */
#define SRC	0x10000
#define DST	0x20000
#define DST2	0x30000
#define LIST	0x40000

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

static void fill_src(struct harness *h, size_t len)
{
	uint8_t *s = h_ptr(h, SRC);
	size_t i;

	for (i = 0; i < len; i++)
		s[i] = (uint8_t)(i * 13 + 7);
}

/* Submit @d on WQ 0 (MSI-X unlimited portal) and wait for its record. */
static uint8_t run(struct harness *h, struct dsa_hw_desc *d, struct dsa_completion_record *cr)
{
	assert_int_equal(h_submit(h, 0, 0, d), 0);
	return h_wait(cr);
}

/*
 * Run a NOP through WQ 0 and wait for it: with one engine executing in
 * order, everything submitted before (interrupts included) is done.
 */
static void sync_engine(struct harness *h)
{
	struct dsa_completion_record *cr = h_ptr(h, CR0 + 32 * 127);
	struct dsa_hw_desc d;

	h_desc(h, &d, DSA_OPCODE_NOOP, cr);
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	assert_int_equal(h_wait(cr), DSA_COMP_SUCCESS);
}

static union sw_err_reg swerr(struct harness *h)
{
	union sw_err_reg e;
	unsigned int i;

	for (i = 0; i < 4; i++)
		e.bits[i] = h_rd64(h, IDXD_SWERR_OFFSET + 8 * i);
	return e;
}

static void swerr_clear(struct harness *h)
{
	h_wr64(h, IDXD_SWERR_OFFSET, IDXD_SWERR_ACK);
	h_wr32(h, IDXD_INTCAUSE_OFFSET, IDXD_INTC_ERR);
}

/* Wait until SWERR shows a record (errors without records are async). */
static union sw_err_reg swerr_wait(struct harness *h)
{
	unsigned int i;

	for (i = 0; i < 40000; i++) {
		union sw_err_reg e = swerr(h);

		if (e.valid)
			return e;
		usleep(500);
	}
	fail_msg("no SWERR");
	return swerr(h);
}

/* ---- operations --------------------------------------------------------------- */

static void test_nop_and_rcr(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;
	struct msi_msg msg;
	int efd;

	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 0));
	assert_int_equal(run(h, &d, rec(h, 0)), DSA_COMP_SUCCESS);

	/* success without RCR: no record, but the interrupt still comes */
	h_irte(h, &msg, &efd);
	h_msix_program(h, 1, &msg);
	assert_int_equal(h_cmd(h, IDXD_CMD_REQUEST_INT_HANDLE, 1), 1 << 8);
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 1));
	d.flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCI;
	d.int_handle = 1;
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	assert_int_equal(h_ev_wait(efd), 1);
	sync_engine(h);
	assert_int_equal(rec(h, 1)->status, 0);
	close(efd);
}

static void test_memmove(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = rec(h, 0);
	struct dsa_hw_desc d;
	uint8_t *s = h_ptr(h, SRC), *t = h_ptr(h, DST);
	uint8_t ref[4096];

	fill_src(h, 8192);
	h_desc(h, &d, DSA_OPCODE_MEMMOVE, cr);
	d.src_addr = H_IOVA + SRC;
	d.dst_addr = H_IOVA + DST;
	d.xfer_size = 5000;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	assert_memory_equal(t, s, 5000);
	assert_int_equal(t[5000], 0);

	/* overlapping, destination above the source: copied as if via a buffer */
	memcpy(ref, s, 4096);
	h_desc(h, &d, DSA_OPCODE_MEMMOVE, cr);
	d.src_addr = H_IOVA + SRC;
	d.dst_addr = H_IOVA + SRC + 100;
	d.xfer_size = 4096;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	assert_memory_equal(s + 100, ref, 4096);

	/* overlapping, destination below */
	fill_src(h, 8192);
	memcpy(ref, s + 100, 4096);
	h_desc(h, &d, DSA_OPCODE_MEMMOVE, cr);
	d.src_addr = H_IOVA + SRC + 100;
	d.dst_addr = H_IOVA + SRC;
	d.xfer_size = 4096;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	assert_memory_equal(s, ref, 4096);
}

static void test_memfill(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = rec(h, 0);
	uint8_t *t = h_ptr(h, DST);
	struct dsa_hw_desc d;
	unsigned int i;

	h_desc(h, &d, DSA_OPCODE_MEMFILL, cr);
	d.pattern = 0x0807060504030201ULL;
	d.dst_addr = H_IOVA + DST + 3;
	d.xfer_size = 1001;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	assert_int_equal(t[2], 0);
	for (i = 0; i < 1001; i++)
		assert_int_equal(t[3 + i], (i % 8) + 1);
	assert_int_equal(t[3 + 1001], 0);
}

static void test_compare(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = rec(h, 0);
	uint8_t *s = h_ptr(h, SRC), *t = h_ptr(h, DST);
	struct dsa_hw_desc d;

	fill_src(h, 4096);
	memcpy(t, s, 4096);
	h_desc(h, &d, DSA_OPCODE_COMPARE, cr);
	d.src_addr = H_IOVA + SRC;
	d.src2_addr = H_IOVA + DST;
	d.xfer_size = 4096;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	assert_int_equal(cr->result, 0);

	t[1234] ^= 1;
	memset(cr, 0, sizeof(*cr));
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	assert_int_equal(cr->result, 1);
	assert_int_equal(cr->bytes_completed, 1234);

	/* Check Result: the mismatch was not the expected result */
	memset(cr, 0, sizeof(*cr));
	d.flags |= IDXD_OP_FLAG_CR;
	d.expected_res = 0;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS_PRED);
	memset(cr, 0, sizeof(*cr));
	d.expected_res = 1;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
}

static void test_compval(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = rec(h, 0);
	uint64_t *s = h_ptr(h, SRC);
	struct dsa_hw_desc d;
	unsigned int i;

	for (i = 0; i < 512; i++)
		s[i] = 0x1122334455667788ULL;
	h_desc(h, &d, DSA_OPCODE_COMPVAL, cr);
	d.src_addr = H_IOVA + SRC;
	d.comp_pattern = 0x1122334455667788ULL;
	d.xfer_size = 4096;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	assert_int_equal(cr->result, 0);
	((uint8_t *)s)[777] = 0;
	memset(cr, 0, sizeof(*cr));
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	assert_int_equal(cr->result, 1);
	assert_int_equal(cr->bytes_completed, 777);
}

/* CRC-32C as DSA defines it, from ISA-L: ~crc(~seed). */
static uint32_t crc32c(const void *p, size_t n, uint32_t seed)
{
	return ~crc32_iscsi((unsigned char *)p, (int)n, ~seed);
}

static void test_crcgen(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = rec(h, 0);
	uint8_t *s = h_ptr(h, SRC);
	uint32_t *seedp = h_ptr(h, DST);
	struct dsa_hw_desc d;
	uint32_t part;

	/* the standard check value of CRC-32C */
	memcpy(s, "123456789", 9);
	h_desc(h, &d, DSA_OPCODE_CRCGEN, cr);
	d.src_addr = H_IOVA + SRC;
	d.xfer_size = 9;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	assert_int_equal(cr->crc_val, 0xe3069283);

	/* a seed continues a CRC: crc(A|B) = crc(B, seed = crc(A)) */
	fill_src(h, 10000);
	memset(cr, 0, sizeof(*cr));
	d.xfer_size = 4000;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	part = (uint32_t)cr->crc_val;
	assert_int_equal(part, crc32c(s, 4000, 0));
	memset(cr, 0, sizeof(*cr));
	d.src_addr = H_IOVA + SRC + 4000;
	d.xfer_size = 6000;
	d.crc_seed = part;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	assert_int_equal(cr->crc_val, crc32c(s, 10000, 0));

	/* the seed read from memory */
	*seedp = part;
	memset(cr, 0, sizeof(*cr));
	d.crc_seed = 0;
	d.flags |= 0x10000;
	d.seed_addr = H_IOVA + DST;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	assert_int_equal(cr->crc_val, crc32c(s, 10000, 0));
}

static void test_copy_crc(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = rec(h, 0);
	uint8_t *s = h_ptr(h, SRC), *t = h_ptr(h, DST);
	struct dsa_hw_desc d;

	fill_src(h, 3000);
	h_desc(h, &d, DSA_OPCODE_COPY_CRC, cr);
	d.src_addr = H_IOVA + SRC;
	d.dst_addr = H_IOVA + DST;
	d.xfer_size = 3000;
	d.crc_seed = 0x12345678;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	assert_memory_equal(t, s, 3000);
	assert_int_equal(cr->crc_val, crc32c(s, 3000, 0x12345678));

	memset(cr, 0, sizeof(*cr));
	d.dst_addr = H_IOVA + SRC + 1000;
	assert_int_equal(run(h, &d, cr), DSA_COMP_OVERLAP_BUFFERS);
}

static void test_dualcast(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = rec(h, 0);
	uint8_t *s = h_ptr(h, SRC);
	struct dsa_hw_desc d;

	fill_src(h, 2048);
	h_desc(h, &d, DSA_OPCODE_DUALCAST, cr);
	d.src_addr = H_IOVA + SRC;
	d.dst_addr = H_IOVA + DST + 0x10;
	d.dest2 = H_IOVA + DST2 + 0x10;
	d.xfer_size = 2048;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
	assert_memory_equal(h_ptr(h, DST + 0x10), s, 2048);
	assert_memory_equal(h_ptr(h, DST2 + 0x10), s, 2048);

	/* destinations must share bits 11:0 */
	memset(cr, 0, sizeof(*cr));
	d.dest2 = H_IOVA + DST2 + 0x20;
	assert_int_equal(run(h, &d, cr), DSA_COMP_DCAST_ERR);
}

static void test_drain_desc(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;

	h_desc(h, &d, DSA_OPCODE_MEMFILL, rec(h, 0));
	d.dst_addr = H_IOVA + DST;
	d.xfer_size = 1 << 20;
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	h_desc(h, &d, DSA_OPCODE_DRAIN, rec(h, 1));
	assert_int_equal(run(h, &d, rec(h, 1)), DSA_COMP_SUCCESS);
	/* the fill before the drain is complete when the drain is */
	assert_int_equal(rec(h, 0)->status, DSA_COMP_SUCCESS);
}

static void test_batch(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *bcr = rec(h, 0);
	struct dsa_hw_desc *list = h_ptr(h, LIST), d;

	fill_src(h, 256);
	h_desc(h, &list[0], DSA_OPCODE_MEMMOVE, rec(h, 1));
	list[0].src_addr = H_IOVA + SRC;
	list[0].dst_addr = H_IOVA + DST;
	list[0].xfer_size = 256;
	h_desc(h, &list[1], DSA_OPCODE_MEMFILL, rec(h, 2));
	list[1].dst_addr = H_IOVA + DST2;
	list[1].xfer_size = 64;
	list[1].pattern = ~0ULL;
	h_desc(h, &list[2], DSA_OPCODE_NOOP, rec(h, 3));

	h_desc(h, &d, DSA_OPCODE_BATCH, bcr);
	d.desc_list_addr = H_IOVA + LIST;
	d.desc_count = 3;
	assert_int_equal(run(h, &d, bcr), DSA_COMP_SUCCESS);
	assert_int_equal(bcr->bytes_completed, 3);
	assert_int_equal(rec(h, 1)->status, DSA_COMP_SUCCESS);
	assert_int_equal(rec(h, 2)->status, DSA_COMP_SUCCESS);
	assert_int_equal(rec(h, 3)->status, DSA_COMP_SUCCESS);
	assert_memory_equal(h_ptr(h, DST), h_ptr(h, SRC), 256);
	assert_int_equal(*(uint64_t *)h_ptr(h, DST2), ~0ULL);

	/* a failure, then a fenced descriptor: the rest is abandoned */
	memset(rec(h, 0), 0, 4 * 32);
	list[0].opcode = 0x0b;		/* no such operation */
	list[1].flags |= IDXD_OP_FLAG_FENCE;
	assert_int_equal(run(h, &d, bcr), DSA_COMP_BATCH_FAIL);
	assert_int_equal(bcr->bytes_completed, 1);
	assert_int_equal(rec(h, 1)->status, DSA_COMP_BAD_OPCODE);
	assert_int_equal(rec(h, 2)->status, 0);
	assert_int_equal(rec(h, 3)->status, 0);

	/* a batch in a batch is not an operation */
	memset(rec(h, 0), 0, 4 * 32);
	list[0].opcode = DSA_OPCODE_BATCH;
	list[1].flags &= ~IDXD_OP_FLAG_FENCE;
	assert_int_equal(run(h, &d, bcr), DSA_COMP_BATCH_FAIL);
	assert_int_equal(bcr->bytes_completed, 3);
	assert_int_equal(rec(h, 1)->status, DSA_COMP_BAD_OPCODE);
	assert_int_equal(rec(h, 3)->status, DSA_COMP_SUCCESS);

	/* neither is a Drain */
	memset(rec(h, 0), 0, 4 * 32);
	list[0].opcode = DSA_OPCODE_DRAIN;
	assert_int_equal(run(h, &d, bcr), DSA_COMP_BATCH_FAIL);
	assert_int_equal(rec(h, 1)->status, DSA_COMP_BAD_OPCODE);
	assert_int_equal(rec(h, 3)->status, DSA_COMP_SUCCESS);

	/* descriptor count and list checks */
	memset(bcr, 0, 32);
	d.desc_count = 1;
	assert_int_equal(run(h, &d, bcr), DSA_COMP_DESC_CNT_ERANGE);
	memset(bcr, 0, 32);
	d.desc_count = 1025;
	assert_int_equal(run(h, &d, bcr), DSA_COMP_DESC_CNT_ERANGE);
	memset(bcr, 0, 32);
	d.desc_count = 2;
	d.desc_list_addr = H_IOVA + LIST + 32;
	assert_int_equal(run(h, &d, bcr), DSA_COMP_DESCLIST_ALIGN);
	/* the list runs off the end of the mapping */
	memset(bcr, 0, 32);
	d.desc_list_addr = H_IOVA + H_MEM_SIZE - 64;
	memset(h_ptr(h, H_MEM_SIZE - 64), 0, 64);
	assert_int_equal(run(h, &d, bcr), DSA_COMP_BATCH_PAGE_FAULT);
	assert_int_equal(bcr->fault_addr, H_IOVA + H_MEM_SIZE);
	assert_int_equal(bcr->bytes_completed, 1);
	/* a list at the top of the address space: the fault names its first
	 * descriptor, however long the list would run past 2^64 */
	memset(bcr, 0, 32);
	d.desc_list_addr = 0xffffffffffffffc0ULL;
	d.desc_count = 8;
	assert_int_equal(run(h, &d, bcr), DSA_COMP_BATCH_PAGE_FAULT);
	assert_int_equal(bcr->fault_addr, 0xffffffffffffffc0ULL);
	assert_int_equal(bcr->bytes_completed, 0);
}

/* ---- faults and descriptor errors ------------------------------------------------ */

static void test_page_faults(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = rec(h, 0);
	uint8_t *ro = aligned_alloc(4096, 4096);
	struct dsa_hw_desc d;

	/* source runs past the end of the mapped memory */
	fill_src(h, 16);
	h_desc(h, &d, DSA_OPCODE_MEMMOVE, cr);
	d.src_addr = H_IOVA + H_MEM_SIZE - 100;
	d.dst_addr = H_IOVA + DST;
	d.xfer_size = 300;
	assert_int_equal(run(h, &d, cr), DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(cr->fault_addr, H_IOVA + H_MEM_SIZE);
	assert_int_equal(cr->bytes_completed, 100);

	/* destination: the write bit is set in the status */
	memset(cr, 0, sizeof(*cr));
	d.src_addr = H_IOVA + SRC;
	d.dst_addr = 0x5000;
	assert_int_equal(run(h, &d, cr), DSA_COMP_PAGE_FAULT_NOBOF | DSA_COMP_STATUS_WRITE);
	assert_int_equal(cr->fault_addr, 0x5000);
	assert_int_equal(cr->bytes_completed, 0);

	/* read-only mapping: writes fault */
	assert_int_equal(iommu_map(h->dom, 0x7000000, ro, 4096, IOMMU_READ), 0);
	memset(cr, 0, sizeof(*cr));
	d.dst_addr = 0x7000000;
	assert_int_equal(run(h, &d, cr), DSA_COMP_PAGE_FAULT_NOBOF | DSA_COMP_STATUS_WRITE);
	assert_int_equal(cr->fault_addr, 0x7000000);
	assert_int_equal(iommu_unmap(h->dom, 0x7000000, 4096), 0);
	free(ro);

	/* CRC on a fault reports bytes completed and the partial CRC */
	memset(cr, 0, sizeof(*cr));
	h_desc(h, &d, DSA_OPCODE_CRCGEN, cr);
	d.src_addr = H_IOVA + H_MEM_SIZE - 64;
	d.xfer_size = 128;
	assert_int_equal(run(h, &d, cr), DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(cr->bytes_completed, 64);
	assert_int_equal(cr->crc_val, crc32c(h_ptr(h, H_MEM_SIZE - 64), 64, 0));
}

static void test_desc_errors(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = rec(h, 0);
	struct dsa_hw_desc d;

	h_desc(h, &d, 0x0b, cr);
	assert_int_equal(run(h, &d, cr), DSA_COMP_BAD_OPCODE);

	h_desc(h, &d, 0x42, cr);
	assert_int_equal(run(h, &d, cr), DSA_COMP_BAD_OPCODE);

	h_desc(h, &d, DSA_OPCODE_MEMMOVE, cr);
	d.src_addr = H_IOVA + SRC;
	d.dst_addr = H_IOVA + DST;
	d.xfer_size = 64;
	d.flags |= IDXD_OP_FLAG_CRSTS | IDXD_OP_FLAG_CR | 0x400000;
	assert_int_equal(run(h, &d, cr), DSA_COMP_INVALID_FLAGS);
	assert_int_equal(cr->invalid_flags, IDXD_OP_FLAG_CRSTS | IDXD_OP_FLAG_CR | 0x400000);

	h_desc(h, &d, DSA_OPCODE_MEMMOVE, cr);
	d.src_addr = H_IOVA + SRC;
	d.dst_addr = H_IOVA + DST;
	d.xfer_size = 0;
	assert_int_equal(run(h, &d, cr), DSA_COMP_XFER_ERANGE);

	h_desc(h, &d, DSA_OPCODE_NOOP, cr);
	d.rsvd1 = 1;
	assert_int_equal(run(h, &d, cr), DSA_COMP_NOZERO_RESERVE);

	/* interrupt handle never requested */
	h_desc(h, &d, DSA_OPCODE_NOOP, cr);
	d.flags |= IDXD_OP_FLAG_RCI;
	d.int_handle = 2;
	assert_int_equal(run(h, &d, cr), DSA_COMP_INT_HANDLE_INVAL);
}

static void test_xfer_limit(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = rec(h, 0);
	struct dsa_hw_desc d;
	union wqcfg c;

	/* WQ 0 limited to 4 KiB transfers */
	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_WQ, 1), 0);
	h_wqcfg_dedicated(&c, 32);
	c.max_xfer_shift = 12;
	h_wqcfg(h, 0, &c);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 0), 0);
	h_desc(h, &d, DSA_OPCODE_MEMFILL, cr);
	d.dst_addr = H_IOVA + DST;
	d.xfer_size = 4097;
	assert_int_equal(run(h, &d, cr), DSA_COMP_XFER_ERANGE);
	memset(cr, 0, sizeof(*cr));
	d.xfer_size = 4096;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
}

static void test_swerr_paths(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;
	union sw_err_reg e;
	struct msi_msg msg;
	int efd;

	h_irte(h, &msg, &efd);
	h_msix_program(h, 0, &msg);
	h_wr32(h, IDXD_GENCTRL_OFFSET, 1);	/* softerr_int_en */

	/* an error without a completion record */
	memset(&d, 0, sizeof(d));
	d.opcode = DSA_OPCODE_MEMMOVE;
	d.src_addr = 0x9000;
	d.dst_addr = H_IOVA + DST;
	d.xfer_size = 64;
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	e = swerr_wait(h);
	assert_int_equal(e.error, DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(e.fault_rw, 0);
	assert_int_equal(e.fault_addr, 0x9000);
	assert_int_equal(e.operation, DSA_OPCODE_MEMMOVE);
	assert_int_equal(e.wq_idx_valid, 1);
	assert_int_equal(e.wq_idx, 0);
	assert_true(h_rd32(h, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_ERR);
	assert_int_equal(h_ev_wait(efd), 1);
	swerr_clear(h);

	/* completion record misaligned */
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 0));
	d.completion_addr += 8;
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	e = swerr_wait(h);
	assert_int_equal(e.error, DSA_COMP_CRA_ALIGN);
	assert_int_equal(h_ev_wait(efd), 1);
	swerr_clear(h);

	/* completion record not mapped */
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 0));
	d.completion_addr = 0x8000;
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	e = swerr_wait(h);
	assert_int_equal(e.error, DSA_COMP_CRA_XLAT);
	assert_int_equal(e.fault_addr, 0x8000);
	swerr_clear(h);

	/* invalid flags without a record: flags land in SWERR */
	memset(&d, 0, sizeof(d));
	d.opcode = DSA_OPCODE_NOOP;
	d.flags = IDXD_OP_FLAG_DRDBK;
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	e = swerr_wait(h);
	assert_int_equal(e.error, DSA_COMP_INVALID_FLAGS);
	assert_int_equal(e.invalid_flags, IDXD_OP_FLAG_DRDBK);
	swerr_clear(h);

	/* with softerr_int_en clear: SWERR and INTCAUSE, but no interrupt */
	h_wr32(h, IDXD_GENCTRL_OFFSET, 0);
	h_ev(efd);
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	swerr_wait(h);
	assert_true(h_rd32(h, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_ERR);
	assert_int_equal(h_ev(efd), 0);
	close(efd);
}

/* ---- PASIDs ------------------------------------------------------------------------ */

static void enable_pasid_cap(struct harness *h)
{
	unsigned int c = h_find_cap(h, PCI_EXT_CAP_ID_PASID, true);

	h_cfg_wr(h, c + PCI_PASID_CTRL, 2, PCI_PASID_CTRL_ENABLE);
}

static void test_dedicated_ignores_desc_pasid(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = rec(h, 0);
	struct dsa_hw_desc d;

	h_desc(h, &d, DSA_OPCODE_NOOP, cr);
	d.pasid = 77;
	d.priv = 1;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);
}

static void test_dedicated_wq_pasid(void **state)
{
	struct harness *h = *state;
	struct iommu_domain *dom2 = iommu_domain_alloc(h->iommu);
	uint8_t *mem2 = aligned_alloc(4096, 65536);
	struct dsa_completion_record *cr2 = (void *)mem2;
	struct dsa_hw_desc d;
	union wqcfg c;

	memset(mem2, 0, 65536);
	/* PASID 9's address space puts other memory at the same IOVAs */
	assert_int_equal(iommu_map(dom2, H_IOVA, mem2, 65536, IOMMU_READ | IOMMU_WRITE), 0);
	assert_int_equal(iommu_attach_device_pasid(dom2, H_RID, 9), 0);
	enable_pasid_cap(h);
	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_WQ, 1), 0);
	h_wqcfg_dedicated(&c, 32);
	c.pasid_en = 1;
	c.pasid = 9;
	h_wqcfg(h, 0, &c);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 0), 0);

	h_desc(h, &d, DSA_OPCODE_MEMFILL, rec(h, 0));
	d.dst_addr = H_IOVA + 0x1000;
	d.xfer_size = 64;
	d.pattern = 0x4141414141414141ULL;
	d.pasid = 3;		/* ignored: the WQ's PASID applies */
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	assert_int_equal(h_wait(cr2), DSA_COMP_SUCCESS);
	assert_int_equal(mem2[0x1000], 0x41);
	assert_int_equal(rec(h, 0)->status, 0);
	assert_int_equal(*(uint8_t *)h_ptr(h, 0x1000), 0);

	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_WQ, 1), 0);
	iommu_detach_device_pasid(h->iommu, H_RID, 9);
	iommu_domain_free(dom2);
	free(mem2);
}

/* Reconfigure WQ 0 as a shared WQ (the size needs the device disabled). */
static void shared_wq(struct harness *h, bool priv, uint16_t thresh, uint16_t size)
{
	union wqcfg c;

	enable_pasid_cap(h);
	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_DEVICE, 0), 0);
	h_wqcfg_dedicated(&c, size);
	c.mode = 0;
	c.pasid_en = 1;
	c.priv = priv;
	c.bof = 1;
	c.wq_thresh = thresh;
	h_wqcfg(h, 0, &c);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_DEVICE, 0), 0);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 0), 0);
}

static void test_shared_wq_pasid(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = rec(h, 0);
	struct dsa_hw_desc d;
	union sw_err_reg e;

	assert_int_equal(iommu_attach_device_pasid(h->dom, H_RID, 12), 0);
	shared_wq(h, false, 0, 32);

	h_desc(h, &d, DSA_OPCODE_NOOP, cr);
	d.pasid = 12;
	assert_int_equal(run(h, &d, cr), DSA_COMP_SUCCESS);

	/* privileged descriptor on a user WQ */
	memset(cr, 0, sizeof(*cr));
	d.priv = 1;
	assert_int_equal(run(h, &d, cr), DSA_COMP_PRIV_BAD);

	/* reserved bits of the PASID dword */
	memset(cr, 0, sizeof(*cr));
	d.priv = 0;
	d.rsvd = 1;
	assert_int_equal(run(h, &d, cr), DSA_COMP_NOZERO_RESERVE);

	/* a PASID with no address space: not even the record can be written */
	d.rsvd = 0;
	d.pasid = 13;
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	e = swerr_wait(h);
	assert_int_equal(e.error, DSA_COMP_CRA_XLAT);
	assert_int_equal(e.pasid, 13);
	iommu_detach_device_pasid(h->iommu, H_RID, 12);
}

/* ---- interrupts ------------------------------------------------------------------ */

static void test_msix_completion(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;
	struct msi_msg msg;
	int efd;

	h_irte(h, &msg, &efd);
	h_msix_program(h, 2, &msg);
	assert_int_equal(h_cmd(h, IDXD_CMD_REQUEST_INT_HANDLE, 2), 2 << 8);
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 0));
	d.flags |= IDXD_OP_FLAG_RCI;
	d.int_handle = 2;
	assert_int_equal(run(h, &d, rec(h, 0)), DSA_COMP_SUCCESS);
	assert_int_equal(h_ev_wait(efd), 1);

	/* masked vector: pending in the PBA, delivered on unmask */
	h_wr32(h, h->msix_table + 2 * 16 + PCI_MSIX_ENTRY_VECTOR_CTRL, 1);
	memset(rec(h, 0), 0, 32);
	assert_int_equal(run(h, &d, rec(h, 0)), DSA_COMP_SUCCESS);
	sync_engine(h);
	assert_int_equal(h_ev(efd), 0);
	assert_int_equal(h_rd32(h, h->msix_pba), 1U << 2);
	h_wr32(h, h->msix_table + 2 * 16 + PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
	assert_int_equal(h_ev(efd), 1);
	assert_int_equal(h_rd32(h, h->msix_pba), 0);

	/* function mask works the same */
	{
		unsigned int c = h_find_cap(h, PCI_CAP_ID_MSIX, false);

		h_cfg_wr(h, c + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
		memset(rec(h, 0), 0, 32);
		assert_int_equal(run(h, &d, rec(h, 0)), DSA_COMP_SUCCESS);
		sync_engine(h);
		assert_int_equal(h_ev(efd), 0);
		h_cfg_wr(h, c + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
		assert_int_equal(h_ev(efd), 1);
	}

	/* permission table: ignore drops it; PASID enable needs a match */
	h_wr32(h, h->msix_perm + 2 * 8, 1U << 2);
	memset(rec(h, 0), 0, 32);
	assert_int_equal(run(h, &d, rec(h, 0)), DSA_COMP_SUCCESS);
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 1));		/* a later one, no irq */
	assert_int_equal(run(h, &d, rec(h, 1)), DSA_COMP_SUCCESS);
	assert_int_equal(h_ev(efd), 0);
	h_wr32(h, h->msix_perm + 2 * 8, (1U << 3) | (5U << 12));
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 0));
	d.flags |= IDXD_OP_FLAG_RCI;
	d.int_handle = 2;
	assert_int_equal(run(h, &d, rec(h, 0)), DSA_COMP_INT_HANDLE_INVAL);

	/* released handle */
	h_wr32(h, h->msix_perm + 2 * 8, 0);
	assert_int_equal(h_cmd(h, IDXD_CMD_RELEASE_INT_HANDLE, 2), 0);
	memset(rec(h, 0), 0, 32);
	assert_int_equal(run(h, &d, rec(h, 0)), DSA_COMP_INT_HANDLE_INVAL);
	sync_engine(h);
	assert_int_equal(h_ev(efd), 0);
	close(efd);
}

static void test_ims_completion(void **state)
{
	struct harness *h = *state;
	uint64_t ctrl_off = h->ims + 40 * IDXD_IMS_ENTRY_SIZE + IDXD_IMS_CTRL_OFFSET;
	struct dsa_hw_desc d;
	struct msi_msg msg;
	int efd;

	h_irte(h, &msg, &efd);
	h_ims_program(h, 40, &msg, 0);
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 0));
	d.flags |= IDXD_OP_FLAG_RCI;
	d.int_handle = 40;
	/* IMS page of the portal (irq type 1), handle not yet valid */
	assert_int_equal(h_submit(h, 0, DSA_IRQ_IMS, &d), 0);
	assert_int_equal(h_wait(rec(h, 0)), DSA_COMP_INT_HANDLE_INVAL);
	/* an MSI-X handle of the same number does not serve the IMS page */
	assert_int_equal(h_cmd(h, IDXD_CMD_REQUEST_INT_HANDLE, 40 & 7), (40 & 7) << 8);
	assert_int_equal(h_cmd(h, IDXD_CMD_REQUEST_INT_HANDLE, CMD_INT_HANDLE_IMS | 40), 40 << 8);
	memset(rec(h, 0), 0, 32);
	assert_int_equal(h_submit(h, 0, DSA_IRQ_IMS, &d), 0);
	assert_int_equal(h_wait(rec(h, 0)), DSA_COMP_SUCCESS);
	assert_int_equal(h_ev_wait(efd), 1);

	/* the MSI-X page with handle 40 is invalid (9 vectors) */
	memset(rec(h, 0), 0, 32);
	assert_int_equal(run(h, &d, rec(h, 0)), DSA_COMP_INT_HANDLE_INVAL);

	/* masked: ctrl pending bit, delivered on unmask */
	h_wr32(h, ctrl_off, IMS_CTRL_VECTOR_MASKBIT);
	memset(rec(h, 0), 0, 32);
	assert_int_equal(h_submit(h, 0, DSA_IRQ_IMS, &d), 0);
	assert_int_equal(h_wait(rec(h, 0)), DSA_COMP_SUCCESS);
	sync_engine(h);
	assert_int_equal(h_ev(efd), 0);
	assert_int_equal(h_rd32(h, ctrl_off), IMS_CTRL_VECTOR_MASKBIT | IMS_CTRL_PENDING);
	h_wr32(h, ctrl_off, 0);
	assert_int_equal(h_ev(efd), 1);
	assert_int_equal(h_rd32(h, ctrl_off), 0);

	/* PASID-enabled entry: only descriptors of that PASID (here: none) */
	h_wr32(h, ctrl_off, IMS_CTRL_PASID_ENABLE | (7U << IMS_CTRL_PASID_SHIFT));
	memset(rec(h, 0), 0, 32);
	assert_int_equal(h_submit(h, 0, DSA_IRQ_IMS, &d), 0);
	assert_int_equal(h_wait(rec(h, 0)), DSA_COMP_INT_HANDLE_INVAL);
	sync_engine(h);
	assert_int_equal(h_ev(efd), 0);
	close(efd);
}

static void test_ims_pasid_match(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;
	struct msi_msg msg;
	int efd;

	assert_int_equal(iommu_attach_device_pasid(h->dom, H_RID, 7), 0);
	shared_wq(h, false, 0, 32);
	h_irte(h, &msg, &efd);
	h_ims_program(h, 3, &msg, IMS_CTRL_PASID_ENABLE | (7U << IMS_CTRL_PASID_SHIFT));
	assert_int_equal(h_cmd(h, IDXD_CMD_REQUEST_INT_HANDLE, CMD_INT_HANDLE_IMS | 3), 3 << 8);
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 0));
	d.flags |= IDXD_OP_FLAG_RCI;
	d.int_handle = 3;
	d.pasid = 7;
	assert_int_equal(h_submit(h, 0, DSA_IRQ_IMS, &d), 0);
	assert_int_equal(h_wait(rec(h, 0)), DSA_COMP_SUCCESS);
	assert_int_equal(h_ev_wait(efd), 1);
	iommu_detach_device_pasid(h->iommu, H_RID, 7);
	close(efd);
}

/* ---- full WQs ---------------------------------------------------------------------- */

static void test_wq_full(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;
	union sw_err_reg e;
	unsigned int i;

	/* the engine is held: the ring fills */
	h_block(h, 0, 0, rec(h, 40));
	for (i = 0; i < 32; i++) {
		h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, i));
		assert_int_equal(h_submit(h, 0, 0, &d), 0);
	}
	assert_int_equal(h_occupancy(h, 0), 32);
	assert_int_equal(swerr(h).valid, 0);
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 32));
	assert_int_equal(h_submit(h, 0, 0, &d), 0);	/* posted: cannot be refused */
	e = swerr(h);
	assert_int_equal(e.valid, 1);
	assert_int_equal(e.error, DSA_SWERR_DWQ_FULL);
	h_unblock(h);
	assert_int_equal(h_wait(rec(h, 40)), DSA_COMP_SUCCESS);
	for (i = 0; i < 32; i++)
		assert_int_equal(h_wait(rec(h, i)), DSA_COMP_SUCCESS);
	assert_int_equal(h_cmd(h, IDXD_CMD_DRAIN_ALL, 0), 0);
	assert_int_equal(rec(h, 32)->status, 0);	/* dropped */
}

static void test_swq_full_and_threshold(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;
	unsigned int i;

	assert_int_equal(iommu_attach_device_pasid(h->dom, H_RID, 4), 0);
	shared_wq(h, false, 2, 4);
	h_block(h, 0, 4, rec(h, 40));
	for (i = 0; i < 4; i++) {
		h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, i));
		d.pasid = 4;
		/* limited portal (prot 1) takes work only below the threshold */
		if (i >= 2)
			assert_int_equal(h_submit(h, 0, 2, &d), -EAGAIN);
		assert_int_equal(h_submit(h, 0, i < 2 ? 2 : 0, &d), 0);
		assert_int_equal(h_occupancy(h, 0), i + 1);
	}
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 4));
	d.pasid = 4;
	assert_int_equal(h_submit(h, 0, 0, &d), -EAGAIN);	/* ENQCMD retry */
	assert_int_equal(swerr(h).valid, 0);
	h_unblock(h);
	for (i = 0; i < 4; i++)
		assert_int_equal(h_wait(rec(h, i)), DSA_COMP_SUCCESS);
	/* accepted on retry once there is room */
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	assert_int_equal(h_wait(rec(h, 4)), DSA_COMP_SUCCESS);
	iommu_detach_device_pasid(h->iommu, H_RID, 4);
}

/* ---- mmap portal ---------------------------------------------------------------------- */

static void mmap_submit(uint8_t *slot, const struct dsa_hw_desc *d)
{
	_Atomic uint64_t *q0 = (_Atomic uint64_t *)(void *)slot;
	uint64_t first;

	while (atomic_load_explicit(q0, memory_order_acquire))
		usleep(10);
	memcpy(slot + 8, (const uint8_t *)d + 8, 56);
	memcpy(&first, d, 8);
	atomic_store_explicit(q0, first, memory_order_release);
}

static void test_mmap_portal(void **state)
{
	struct harness *h = *state;
	uint8_t *page0, *page1;
	struct dsa_hw_desc d;
	unsigned int i;

	page0 = h_map_portal(h, 0, 0);

	/* 70 descriptors: the cursor wraps from slot 63 to slot 0 */
	for (i = 0; i < 70; i++) {
		h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, i));
		mmap_submit(page0 + (i % 64) * 64, &d);
		assert_int_equal(h_wait(rec(h, i)), DSA_COMP_SUCCESS);
	}
	/* consumed slots are handed back zeroed */
	for (i = 0; i < DSA_PORTAL_SIZE; i++)
		assert_int_equal(page0[i], 0);

	/* each portal page has its own cursor: the IMS page starts at slot 0 */
	page1 = h_map_portal(h, 0, 1);
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 100));
	mmap_submit(page1, &d);
	assert_int_equal(h_wait(rec(h, 100)), DSA_COMP_SUCCESS);
	munmap(page1, DSA_PORTAL_SIZE);
	munmap(page0, DSA_PORTAL_SIZE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_nop_and_rcr, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_memmove, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_memfill, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_compare, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_compval, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_crcgen, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_copy_crc, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dualcast, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_drain_desc, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_batch, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_page_faults, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_desc_errors, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_xfer_limit, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_swerr_paths, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dedicated_ignores_desc_pasid, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_dedicated_wq_pasid, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_shared_wq_pasid, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_msix_completion, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_ims_completion, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_ims_pasid_match, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_wq_full, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_swq_full_and_threshold, setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_mmap_portal, setup, h_fixture_teardown),
	};

	return cmocka_run_group_tests_name("dsa_ops", tests, NULL, NULL);
}
