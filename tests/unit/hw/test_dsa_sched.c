// SPDX-License-Identifier: GPL-2.0-only
/*
 * How the device shares its engines and how it stops (DSA spec rev 2.0:
 * groups and WQ priority, error handling and the Halt state, GRPCFG/GENCFG):
 * priority-weighted arbitration between the WQs of a group, engines serving
 * only their group, read-buffer controls accepted and checked at
 * ENABLE_DEVICE, and the Halt state (bus mastering lost while enabled):
 * GENSTS, INTCAUSE, the halt interrupt, the commands a halted device takes,
 * and recovery by RESET_DEVICE.
 *
 * Execution order is observed through memory: each descriptor is a batch
 * that first copies a shared "last executed" word into its own slot and
 * then writes its id there, so the slots form the list of who ran after
 * whom.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <unistd.h>
#include <cmocka.h>

#include "dsa_harness.h"

#define CR0	0x0000		/* completion records, 32 bytes apart */
#define LAST	0x10000		/* id of the last descriptor executed */
#define IDS	0x11000		/* 8-byte id of each descriptor */
#define PREV	0x12000		/* what each found in LAST */
#define LISTS	0x20000		/* 2-descriptor batch lists, 128 bytes apart */
#define NONE	0xffffffffffffffffULL

static struct dsa_completion_record *rec(struct harness *h, unsigned int i)
{
	return h_ptr(h, CR0 + 32 * i);
}

static void move8(struct harness *h, struct dsa_hw_desc *d, uint64_t dst, uint64_t src)
{
	memset(d, 0, sizeof(*d));
	d->opcode = DSA_OPCODE_MEMMOVE;
	d->src_addr = H_IOVA + src;
	d->dst_addr = H_IOVA + dst;
	d->xfer_size = 8;
	(void)h;
}

/* Descriptor @id: a batch "PREV[id] = LAST; LAST = id", record @id. */
static void logged_desc(struct harness *h, struct dsa_hw_desc *d, unsigned int id)
{
	struct dsa_hw_desc *list = h_ptr(h, LISTS + 128 * id);

	((uint64_t *)h_ptr(h, IDS))[id] = id;
	move8(h, &list[0], PREV + 8 * id, LAST);
	move8(h, &list[1], LAST, IDS + 8 * id);
	h_desc(h, d, DSA_OPCODE_BATCH, rec(h, id));
	d->desc_list_addr = H_IOVA + LISTS + 128 * id;
	d->desc_count = 2;
}

/* The ids in execution order, from the PREV links; @n descriptors in all. */
static void exec_order(struct harness *h, unsigned int n, unsigned int *order)
{
	uint64_t *prev = h_ptr(h, PREV), cur = *(uint64_t *)h_ptr(h, LAST);
	int i;

	for (i = (int)n - 1; i >= 0; i--) {
		assert_true(cur < n);
		order[i] = (unsigned int)cur;
		cur = prev[cur];
	}
	assert_int_equal(cur, NONE);
}

static void wq_config(struct harness *h, unsigned int wq, uint16_t size, unsigned int prio)
{
	union wqcfg c;

	h_wqcfg_dedicated(&c, size);
	c.priority = prio;
	c.bof = 1;
	h_wqcfg(h, wq, &c);
}

static void test_priority_arbitration(void **state)
{
	struct harness *h = *state;
	unsigned int order[17], i, a = 0, b = 0;
	struct dsa_hw_desc d;

	/* one engine, WQ 0 of priority 1 and WQ 1 of priority 4 */
	wq_config(h, 0, 16, 1);
	wq_config(h, 1, 16, 4);
	h_grpcfg(h, 0, 0x3, 0x1);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_DEVICE, 0), 0);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 0), 0);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 1), 0);
	*(uint64_t *)h_ptr(h, LAST) = NONE;
	/* hold the engine, queue 8 descriptors on each WQ, let it go */
	h_block(h, 0, 0, rec(h, 20));
	for (i = 0; i < 16; i++) {
		logged_desc(h, &d, i);
		assert_int_equal(h_submit(h, i < 8 ? 0 : 1, 0, &d), 0);
	}
	assert_int_equal(h_occupancy(h, 0), 8);
	assert_int_equal(h_occupancy(h, 1), 8);
	h_unblock(h);
	for (i = 0; i < 16; i++)
		assert_int_equal(h_wait(rec(h, i)), DSA_COMP_SUCCESS);
	exec_order(h, 16, order);
	/* while both WQs had work, WQ 1 got four times WQ 0's share, in order */
	for (i = 0; i < 16 && b < 8; i++) {
		if (order[i] < 8) {
			assert_int_equal(order[i], a);
			a++;
		} else {
			assert_int_equal(order[i], 8 + b);
			b++;
		}
	}
	assert_true(a >= 1);		/* WQ 0 is not starved */
	assert_true(a <= 3);		/* 8 of WQ 1 take about 2 turns of WQ 0 */
}

static void test_engines_serve_their_group(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;

	/* group 0: WQ 0 and engine 0; group 1: WQ 1 and engine 1 */
	wq_config(h, 0, 16, 1);
	wq_config(h, 1, 16, 1);
	h_grpcfg(h, 0, 0x1, 0x1);
	h_grpcfg(h, 1, 0x2, 0x2);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_DEVICE, 0), 0);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 0), 0);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 1), 0);
	h_block(h, 0, 0, rec(h, 20));
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 1));
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	/* group 1's engine runs WQ 1's work; WQ 0's waits for engine 0 */
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 2));
	assert_int_equal(h_submit(h, 1, 0, &d), 0);
	assert_int_equal(h_wait(rec(h, 2)), DSA_COMP_SUCCESS);
	assert_int_equal(rec(h, 1)->status, 0);
	assert_int_equal(h_occupancy(h, 0), 1);
	h_unblock(h);
	assert_int_equal(h_wait(rec(h, 1)), DSA_COMP_SUCCESS);
}

static void test_read_buffer_controls(void **state)
{
	struct harness *h = *state;
	union group_flags f = { .bits = 0 };

	/* GENCFG.rdbuf_limit and the group fields are accepted... */
	h_wr32(h, IDXD_GENCFG_OFFSET, 40);
	assert_int_equal(h_rd32(h, IDXD_GENCFG_OFFSET) & 0xff, 40);
	wq_config(h, 0, 16, 1);
	h_grpcfg(h, 0, 0x1, 0x1);
	h_grpcfg(h, 1, 0, 0x2);
	f.use_rdbuf_limit = 1;
	f.rdbufs_reserved = 60;
	f.rdbufs_allowed = 96;
	h_wr64(h, h->grpcfg + GRPCFG_FLAGS_OFFSET, f.bits);
	assert_int_equal(h_rd64(h, h->grpcfg + GRPCFG_FLAGS_OFFSET), f.bits);
	/* ...and checked at ENABLE_DEVICE: reservations within GRPCAP.total_rdbufs */
	f.rdbufs_allowed = 8;
	f.rdbufs_reserved = 40;
	h_wr64(h, h->grpcfg + GRPCFG_SIZE + GRPCFG_FLAGS_OFFSET, f.bits);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_DEVICE, 0), IDXD_CMDSTS_ERR_CONFIG);
	f.rdbufs_reserved = 36;
	h_wr64(h, h->grpcfg + GRPCFG_SIZE + GRPCFG_FLAGS_OFFSET, f.bits);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_DEVICE, 0), 0);
	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_DEVICE, 0), 0);
	f.rdbufs_reserved = 0;
	f.rdbufs_allowed = 97;		/* more than there are */
	h_wr64(h, h->grpcfg + GRPCFG_SIZE + GRPCFG_FLAGS_OFFSET, f.bits);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_DEVICE, 0), IDXD_CMDSTS_ERR_CONFIG);
}

static void test_halt(void **state)
{
	struct harness *h = *state;
	union gensts_reg sts;
	struct dsa_hw_desc d;
	struct msi_msg msg;
	int efd;

	h_start(h, 1, 16, 1);
	h_irte(h, &msg, &efd);
	h_msix_program(h, 0, &msg);
	h_wr32(h, IDXD_GENCTRL_OFFSET, 0x2);	/* halt_int_en */
	/* the device loses bus mastering while enabled: it halts */
	h_cfg_wr(h, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	sts.bits = h_rd32(h, IDXD_GENSTATS_OFFSET);
	assert_int_equal(sts.state, IDXD_DEVICE_STATE_HALT);
	assert_int_equal(sts.reset_type, IDXD_DEVICE_RESET_SOFTWARE);
	assert_true(h_rd32(h, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_HALT_STATE);
	/* its interrupt is a memory write: it waits for bus mastering */
	assert_int_equal(h_ev(efd), 0);
	h_cfg_wr(h, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(h_ev_wait(efd), 1);
	/* still halted: commands but the resets fail; descriptors are dropped */
	assert_int_equal(h_rd32(h, IDXD_GENSTATS_OFFSET) & 3, IDXD_DEVICE_STATE_HALT);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_DRAIN_ALL, 0), IDXD_CMDSTS_HW_ERR);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_WQ, 0), IDXD_CMDSTS_HW_ERR);
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 0));
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	/* RESET_DEVICE (the reset type software) brings it back */
	assert_int_equal(h_cmd(h, IDXD_CMD_RESET_DEVICE, 0), 0);
	assert_int_equal(h_rd32(h, IDXD_GENSTATS_OFFSET) & 3, IDXD_DEVICE_STATE_DISABLED);
	assert_int_equal(rec(h, 0)->status, 0);
	h_start(h, 1, 16, 1);
	h_desc(h, &d, DSA_OPCODE_NOOP, rec(h, 1));
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	assert_int_equal(h_wait(rec(h, 1)), DSA_COMP_SUCCESS);
	close(efd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_priority_arbitration, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_engines_serve_their_group, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_read_buffer_controls, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_halt, h_fixture_setup, h_fixture_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
