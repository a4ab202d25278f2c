// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DSA command unit: every command with its success and error CMDSTS,
 * interrupt handles, and the drain/abort semantics, through
 * dsa_hw_pci_ops only.
 *
 * To hold descriptors in a WQ deterministically, the tests park the engine
 * in front of its DMA window: the test opens a window on the domain and
 * another thread waits to unmap in it, so (writers first) the engine's
 * window blocks until the test lets go.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "dsa_harness.h"
#include "test_thread.h"

static uint32_t gensts(struct harness *h)
{
	return h_rd32(h, IDXD_GENSTATS_OFFSET) & 3;
}

static unsigned int wq_state(struct harness *h, unsigned int wq)
{
	return h_rd32(h, h_wqcfg_off(h, wq, WQCFG_OCCUP_IDX)) >> 30;
}

static void test_invalid_command(void **state)
{
	struct harness *h = *state;

	assert_int_equal(h_cmd_err(h, 0, 0), IDXD_CMDSTS_INVAL_CMD);
	assert_int_equal(h_cmd_err(h, 15, 0), IDXD_CMDSTS_INVAL_CMD);
	assert_int_equal(h_cmd_err(h, 31, 0), IDXD_CMDSTS_INVAL_CMD);
	/* a 16-bit write to CMD issues nothing */
	h_wr(h, IDXD_CMD_OFFSET, 2, 0);
	h_wr(h, IDXD_CMD_OFFSET + 2, 2, IDXD_CMD_ENABLE_DEVICE << 4);
	assert_int_equal(gensts(h), IDXD_DEVICE_STATE_DISABLED);
}

static void test_enable_device_errors(void **state)
{
	struct harness *h = *state;
	union wqcfg c;

	h_wqcfg_dedicated(&c, 16);
	h_wqcfg(h, 0, &c);

	/* WQ 0 has a size but no group */
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_DEVICE, 0), IDXD_CMDSTS_ERR_GRP_CONFIG);
	/* in two groups */
	h_grpcfg(h, 0, 1, 1);
	h_grpcfg(h, 1, 1, 2);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_DEVICE, 0), IDXD_CMDSTS_ERR_GRP_CONFIG2);
	/* a group with WQs and no engine */
	h_grpcfg(h, 1, 0, 0);
	h_grpcfg(h, 0, 1, 0);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_DEVICE, 0), IDXD_CMDSTS_ERR_GRP_CONFIG3);
	/* an engine in two groups */
	h_grpcfg(h, 0, 1, 1);
	h_grpcfg(h, 2, 0, 1);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_DEVICE, 0), IDXD_CMDSTS_ERR_GRP_CONFIG4);
	h_grpcfg(h, 2, 0, 0);
	/* sizes add up past WQCAP.total_wq_size (128) */
	c.wq_size = 120;
	h_wqcfg(h, 1, &c);
	h_grpcfg(h, 0, 3, 1);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_DEVICE, 0), IDXD_CMDSTS_ERR_WQ_SIZE_ERANGE);
	c.wq_size = 112;
	h_wqcfg(h, 1, &c);
	/* bus mastering off */
	h_cfg_wr(h, PCI_COMMAND, 2, PCI_COMMAND_MEMORY);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_DEVICE, 0), IDXD_CMDSTS_ERR_BUSMASTER_EN);
	h_cfg_wr(h, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(gensts(h), IDXD_DEVICE_STATE_DISABLED);

	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_DEVICE, 0), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(gensts(h), IDXD_DEVICE_STATE_ENABLED);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_DEVICE, 0), IDXD_CMDSTS_ERR_DEV_ENABLED);
}

static void test_disable_and_reset_device(void **state)
{
	struct harness *h = *state;

	assert_int_equal(h_cmd_err(h, IDXD_CMD_DISABLE_DEVICE, 0), IDXD_CMDSTS_ERR_DIS_DEV_EN);
	h_start(h, 2, 16, 2);
	assert_int_equal(wq_state(h, 1), IDXD_WQCFG_STATE_ENABLED);
	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_DEVICE, 0), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(gensts(h), IDXD_DEVICE_STATE_DISABLED);
	assert_int_equal(wq_state(h, 0), IDXD_WQCFG_STATE_DISABLED);
	assert_int_equal(wq_state(h, 1), IDXD_WQCFG_STATE_DISABLED);
	/* configuration survives a disable ... */
	assert_int_equal(h_rd32(h, h->wqcfg) & 0xffff, 16);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_DEVICE, 0), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 0), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(h_cmd(h, IDXD_CMD_REQUEST_INT_HANDLE, 1), 1 << 8);
	h_wr32(h, IDXD_GENCTRL_OFFSET, 1);

	/* ... and not a reset: everything back to defaults, WQs disabled */
	assert_int_equal(h_cmd(h, IDXD_CMD_RESET_DEVICE, 0), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(gensts(h), IDXD_DEVICE_STATE_DISABLED);
	assert_int_equal(wq_state(h, 0), IDXD_WQCFG_STATE_DISABLED);
	assert_int_equal(h_rd32(h, h->wqcfg), 0);
	assert_int_equal(h_rd64(h, h->grpcfg), 0);
	assert_int_equal(h_rd32(h, IDXD_GENCTRL_OFFSET), 0);
	/* the handle was revoked: it can be requested again */
	assert_int_equal(h_cmd(h, IDXD_CMD_REQUEST_INT_HANDLE, 1), 1 << 8);
	/* reset of a disabled device is fine too */
	assert_int_equal(h_cmd(h, IDXD_CMD_RESET_DEVICE, 0), IDXD_CMDSTS_SUCCESS);
}

static void test_enable_wq_errors(void **state)
{
	struct harness *h = *state;
	unsigned int pasid = h_find_cap(h, PCI_EXT_CAP_ID_PASID, true);
	union wqcfg c;
	unsigned int w;

	h_wqcfg_dedicated(&c, 8);
	for (w = 0; w < 8; w++)
		h_wqcfg(h, w, &c);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_WQ, 0), IDXD_CMDSTS_ERR_DEV_NOTEN);
	h_grpcfg(h, 0, 0xff, 1);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_DEVICE, 0), 0);

	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_WQ, 8), IDXD_CMDSTS_INVAL_WQIDX);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_WQ, 0xfffff), IDXD_CMDSTS_INVAL_WQIDX);

	/* each WQ gets one configuration error (size fixed while enabled) */
	c.priority = 0;
	h_wqcfg(h, 1, &c);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_WQ, 1), IDXD_CMDSTS_ERR_WQ_PRIOR);
	/* block on fault is supported (GENCAP): a WQ may enable it */
	h_wqcfg_dedicated(&c, 8);
	c.bof = 1;
	h_wqcfg(h, 2, &c);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 2), 0);
	h_wqcfg_dedicated(&c, 8);
	c.pasid_en = 1;
	c.pasid = 3;
	h_wqcfg(h, 3, &c);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_WQ, 3), IDXD_CMDSTS_ERR_PASID_EN);
	h_wqcfg_dedicated(&c, 8);
	c.mode = 0;		/* shared needs PASIDs */
	h_wqcfg(h, 4, &c);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_WQ, 4), IDXD_CMDSTS_ERR_PASID_EN);
	h_wqcfg_dedicated(&c, 8);
	c.max_batch_shift = 11;
	h_wqcfg(h, 5, &c);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_WQ, 5), IDXD_CMDSTS_ERR_MAX_BATCH_SIZE);

	/* with the PASID capability enabled the PASID WQs are fine */
	h_cfg_wr(h, pasid + PCI_PASID_CTRL, 2, PCI_PASID_CTRL_ENABLE);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 3), 0);
	h_wqcfg_dedicated(&c, 8);
	c.mode = 0;
	c.pasid_en = 1;
	h_wqcfg(h, 4, &c);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 4), 0);

	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 0), 0);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_WQ, 0), IDXD_CMDSTS_ERR_WQ_ENABLED);
	assert_int_equal(wq_state(h, 0), IDXD_WQCFG_STATE_ENABLED);
	assert_int_equal(wq_state(h, 1), IDXD_WQCFG_STATE_DISABLED);

	/* size 0: WQ 6 configured with size 0 while the device is disabled */
	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_DEVICE, 0), 0);
	h_wqcfg_dedicated(&c, 0);
	h_wqcfg(h, 6, &c);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_DEVICE, 0), 0);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_WQ, 6), IDXD_CMDSTS_ERR_WQ_SIZE);
}

static void test_enable_wq_max_xfer(void **state)
{
	struct dsa_hw_params p;
	struct harness h;
	union wqcfg c;

	dsa_hw_params_default(&p);
	p.max_xfer_shift = 20;
	h_setup(&h, &p);
	h_wqcfg_dedicated(&c, 8);
	c.max_xfer_shift = 21;
	c.max_batch_shift = 5;
	h_wqcfg(&h, 0, &c);
	h_grpcfg(&h, 0, 1, 1);
	assert_int_equal(h_cmd(&h, IDXD_CMD_ENABLE_DEVICE, 0), 0);
	assert_int_equal(h_cmd_err(&h, IDXD_CMD_ENABLE_WQ, 0), IDXD_CMDSTS_ERR_MAX_XFER_SIZE);
	/* no block on fault on this device (GENCAP): a WQ asking for it is refused */
	c.max_xfer_shift = 20;
	c.bof = 1;
	h_wqcfg(&h, 0, &c);
	assert_int_equal(h_cmd_err(&h, IDXD_CMD_ENABLE_WQ, 0), IDXD_CMDSTS_ERR_BOF_EN);
	c.bof = 0;
	h_wqcfg(&h, 0, &c);
	assert_int_equal(h_cmd(&h, IDXD_CMD_ENABLE_WQ, 0), 0);
	h_teardown(&h);
}

static void test_wq_mask_commands(void **state)
{
	struct harness *h = *state;
	static const unsigned int cmds[] = {
		IDXD_CMD_DISABLE_WQ, IDXD_CMD_DRAIN_WQ, IDXD_CMD_ABORT_WQ, IDXD_CMD_RESET_WQ,
	};
	unsigned int i;

	for (i = 0; i < 4; i++)
		assert_int_equal(h_cmd_err(h, cmds[i], idxd_wq_mask_operand(0)),
				 IDXD_CMDSTS_ERR_DEV_NOT_EN);
	h_start(h, 4, 16, 1);
	for (i = 0; i < 4; i++) {
		assert_int_equal(h_cmd_err(h, cmds[i], idxd_wq_mask_operand(8)),
				 IDXD_CMDSTS_INVAL_WQIDX);
		assert_int_equal(h_cmd_err(h, cmds[i], idxd_wq_mask_operand(16)),
				 IDXD_CMDSTS_INVAL_WQIDX);
		assert_int_equal(h_cmd_err(h, cmds[i], 0), IDXD_CMDSTS_INVAL_WQIDX);
	}
	assert_int_equal(h_cmd(h, IDXD_CMD_DRAIN_WQ, 0x3), 0);
	assert_int_equal(h_cmd(h, IDXD_CMD_ABORT_WQ, 0x3), 0);
	assert_int_equal(wq_state(h, 0), IDXD_WQCFG_STATE_ENABLED);

	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_WQ, 0x6), 0);
	assert_int_equal(wq_state(h, 0), IDXD_WQCFG_STATE_ENABLED);
	assert_int_equal(wq_state(h, 1), IDXD_WQCFG_STATE_DISABLED);
	assert_int_equal(wq_state(h, 2), IDXD_WQCFG_STATE_DISABLED);
	assert_int_equal(wq_state(h, 3), IDXD_WQCFG_STATE_ENABLED);
	/* disabling a disabled WQ is harmless */
	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_WQ, 0x2), 0);
	/* and it can be enabled again */
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 1), 0);

	/* reset WQ: disabled, its configuration cleared but the size kept */
	assert_int_equal(h_cmd(h, IDXD_CMD_RESET_WQ, idxd_wq_mask_operand(3)), 0);
	assert_int_equal(wq_state(h, 3), IDXD_WQCFG_STATE_DISABLED);
	assert_int_equal(h_rd32(h, h_wqcfg_off(h, 3, 0)) & 0xffff, 16);
	assert_int_equal(h_rd32(h, h_wqcfg_off(h, 3, 2)), 0);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_ENABLE_WQ, 3), IDXD_CMDSTS_ERR_WQ_PRIOR);

	/* device-wide and PASID variants */
	assert_int_equal(h_cmd(h, IDXD_CMD_DRAIN_ALL, 0), 0);
	assert_int_equal(h_cmd(h, IDXD_CMD_ABORT_ALL, 0), 0);
	assert_int_equal(h_cmd(h, IDXD_CMD_DRAIN_PASID, 5), 0);
	assert_int_equal(h_cmd(h, IDXD_CMD_ABORT_PASID, 5), 0);
	assert_int_equal(wq_state(h, 0), IDXD_WQCFG_STATE_ENABLED);
}

static void test_int_handles(void **state)
{
	struct harness *h = *state;

	assert_int_equal(h_cmd(h, IDXD_CMD_REQUEST_INT_HANDLE, 1), 1 << 8);
	assert_int_equal(h_cmd(h, IDXD_CMD_REQUEST_INT_HANDLE, 8), 8 << 8);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_REQUEST_INT_HANDLE, 1), IDXD_CMDSTS_ERR_NO_HANDLE);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_REQUEST_INT_HANDLE, 9), IDXD_CMDSTS_ERR_INVAL_INT_IDX);
	assert_int_equal(h_cmd(h, IDXD_CMD_REQUEST_INT_HANDLE, CMD_INT_HANDLE_IMS | 2047),
			 2047 << 8);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_REQUEST_INT_HANDLE, CMD_INT_HANDLE_IMS | 2048),
			 IDXD_CMDSTS_ERR_INVAL_INT_IDX);
	/* MSI-X and IMS handles are separate spaces */
	assert_int_equal(h_cmd(h, IDXD_CMD_REQUEST_INT_HANDLE, CMD_INT_HANDLE_IMS | 1), 1 << 8);

	assert_int_equal(h_cmd(h, IDXD_CMD_RELEASE_INT_HANDLE, 1), 0);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_RELEASE_INT_HANDLE, 1), IDXD_CMDSTS_ERR_INVAL_INT_IDX);
	assert_int_equal(h_cmd_err(h, IDXD_CMD_RELEASE_INT_HANDLE, 9), IDXD_CMDSTS_ERR_INVAL_INT_IDX);
	assert_int_equal(h_cmd(h, IDXD_CMD_RELEASE_INT_HANDLE, CMD_INT_HANDLE_IMS | 1), 0);
	assert_int_equal(h_cmd(h, IDXD_CMD_REQUEST_INT_HANDLE, 1), 1 << 8);
}

static void test_cmd_interrupt(void **state)
{
	struct harness *h = *state;
	union idxd_command_reg c = { .bits = 0 };
	struct msi_msg msg;
	int efd;

	h_irte(h, &msg, &efd);
	h_msix_program(h, 0, &msg);
	c.cmd = IDXD_CMD_REQUEST_INT_HANDLE;
	c.operand = 3;
	c.int_req = 1;
	h_wr32(h, IDXD_CMD_OFFSET, c.bits);
	assert_int_equal(h_ev(efd), 1);
	assert_int_equal(h_rd32(h, IDXD_CMDSTS_OFFSET), 3 << 8);
	assert_int_equal(h_rd32(h, IDXD_INTCAUSE_OFFSET), IDXD_INTC_CMD);
	/* without int_req: nothing */
	assert_int_equal(h_cmd(h, IDXD_CMD_RELEASE_INT_HANDLE, 3), 0);
	assert_int_equal(h_ev(efd), 0);
	close(efd);
}

/* ---- drain and abort with a parked engine ----------------------------------- */

struct park {
	struct harness *h;
	struct iommu_dma dma;
	pthread_t unmapper;
	atomic_int tid;
	uint8_t *spare;
};

static void *park_unmap(void *arg)
{
	struct park *pk = arg;

	atomic_store(&pk->tid, (int)syscall(SYS_gettid));
	assert_int_equal(iommu_unmap(pk->h->dom, 0x10000, 4096), 0);
	return NULL;
}

static void wait_sleeping(atomic_int *tid)
{
	int i;

	for (i = 0; i < 40000; i++) {
		int t = atomic_load(tid);

		if (t && test_thread_state(t) == 'S')
			return;
		usleep(500);
	}
	fail_msg("thread never blocked");
}

/* From now on any new DMA window on the test domain blocks. */
static void park_engines(struct harness *h, struct park *pk)
{
	memset(pk, 0, sizeof(*pk));
	pk->h = h;
	pk->spare = calloc(1, 4096);
	assert_int_equal(iommu_map(h->dom, 0x10000, pk->spare, 4096, IOMMU_READ), 0);
	iommu_dma_begin(h->iommu, H_RID, IOMMU_NO_PASID, &pk->dma);
	pthread_create(&pk->unmapper, NULL, park_unmap, pk);
	wait_sleeping(&pk->tid);
}

static void unpark_engines(struct park *pk)
{
	iommu_dma_end(&pk->dma);
	pthread_join(pk->unmapper, NULL);
	free(pk->spare);
}

struct cmd_thread {
	struct harness *h;
	unsigned int cmd;
	uint32_t operand;
	atomic_int tid;
	atomic_int done;
	uint32_t sts;
};

static void *cmd_thread_fn(void *arg)
{
	struct cmd_thread *ct = arg;

	atomic_store(&ct->tid, (int)syscall(SYS_gettid));
	ct->sts = h_cmd(ct->h, ct->cmd, ct->operand);
	atomic_store(&ct->done, 1);
	return NULL;
}

#define NDESC 8

static void submit_nops(struct harness *h, unsigned int wq, struct dsa_completion_record *cr,
			unsigned int n, const uint32_t *pasids)
{
	struct dsa_hw_desc d;
	unsigned int i;

	for (i = 0; i < n; i++) {
		h_desc(h, &d, DSA_OPCODE_NOOP, &cr[i]);
		if (pasids)
			d.pasid = pasids[i];
		assert_int_equal(h_submit(h, wq, 0, &d), 0);
	}
}

/* Occupancy is visible in WQCFG while descriptors wait. */
static unsigned int occupancy(struct harness *h, unsigned int wq)
{
	return h_rd32(h, h_wqcfg_off(h, wq, WQCFG_OCCUP_IDX)) & 0xffff;
}

static void test_drain_waits(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = h_ptr(h, 0x1000);
	struct cmd_thread ct = { .h = h, .cmd = IDXD_CMD_DRAIN_WQ,
				 .operand = idxd_wq_mask_operand(0) };
	struct park pk;
	pthread_t t;
	unsigned int i;

	h_start(h, 1, 16, 1);
	park_engines(h, &pk);
	submit_nops(h, 0, cr, NDESC, NULL);
	/* the engine holds one descriptor in front of its window, the rest wait */
	for (i = 0; i < 20000 && occupancy(h, 0) != NDESC - 1; i++)
		usleep(500);
	assert_int_equal(occupancy(h, 0), NDESC - 1);

	pthread_create(&t, NULL, cmd_thread_fn, &ct);
	wait_sleeping(&ct.tid);
	assert_int_equal(atomic_load(&ct.done), 0);	/* nothing can have completed */
	for (i = 0; i < NDESC; i++)
		assert_int_equal(cr[i].status, 0);
	unpark_engines(&pk);
	pthread_join(t, NULL);
	assert_int_equal(ct.sts, 0);
	/* drain returned: every descriptor before it is complete */
	for (i = 0; i < NDESC; i++)
		assert_int_equal(cr[i].status, DSA_COMP_SUCCESS);
	assert_int_equal(occupancy(h, 0), 0);
}

static void test_abort_drops(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = h_ptr(h, 0x1000);
	struct cmd_thread ct = { .h = h, .cmd = IDXD_CMD_ABORT_WQ,
				 .operand = idxd_wq_mask_operand(0) };
	struct dsa_hw_desc d;
	struct park pk;
	pthread_t t;
	unsigned int i;

	h_start(h, 1, 16, 1);
	park_engines(h, &pk);
	submit_nops(h, 0, cr, NDESC, NULL);
	for (i = 0; i < 20000 && occupancy(h, 0) != NDESC - 1; i++)
		usleep(500);
	pthread_create(&t, NULL, cmd_thread_fn, &ct);
	wait_sleeping(&ct.tid);
	unpark_engines(&pk);
	pthread_join(t, NULL);
	assert_int_equal(ct.sts, 0);
	/* the one already taken completes; the queued ones are abandoned */
	assert_int_equal(cr[0].status, DSA_COMP_SUCCESS);
	for (i = 1; i < NDESC; i++)
		assert_int_equal(cr[i].status, 0);
	assert_int_equal(occupancy(h, 0), 0);
	/* the WQ keeps working */
	h_desc(h, &d, DSA_OPCODE_NOOP, &cr[1]);
	assert_int_equal(h_submit(h, 0, 0, &d), 0);
	assert_int_equal(h_wait(&cr[1]), DSA_COMP_SUCCESS);
}

static void test_disable_wq_drains(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = h_ptr(h, 0x1000);
	struct cmd_thread ct = { .h = h, .cmd = IDXD_CMD_DISABLE_WQ,
				 .operand = idxd_wq_mask_operand(0) };
	struct park pk;
	pthread_t t;
	unsigned int i;

	h_start(h, 1, 16, 1);
	park_engines(h, &pk);
	submit_nops(h, 0, cr, NDESC, NULL);
	pthread_create(&t, NULL, cmd_thread_fn, &ct);
	wait_sleeping(&ct.tid);
	unpark_engines(&pk);
	pthread_join(t, NULL);
	for (i = 0; i < NDESC; i++)
		assert_int_equal(cr[i].status, DSA_COMP_SUCCESS);
	assert_int_equal(wq_state(h, 0), IDXD_WQCFG_STATE_DISABLED);
}

static void test_abort_pasid_shared_wq(void **state)
{
	struct harness *h = *state;
	unsigned int pasid_cap = h_find_cap(h, PCI_EXT_CAP_ID_PASID, true);
	struct dsa_completion_record *cr = h_ptr(h, 0x1000);
	struct cmd_thread ct = { .h = h, .cmd = IDXD_CMD_ABORT_PASID, .operand = 5 };
	uint32_t pasids[NDESC] = { 6, 5, 6, 5, 6, 5, 6, 5 };
	struct park pk;
	union wqcfg c;
	pthread_t t;
	unsigned int i;

	assert_int_equal(iommu_attach_device_pasid(h->dom, H_RID, 5), 0);
	assert_int_equal(iommu_attach_device_pasid(h->dom, H_RID, 6), 0);
	h_cfg_wr(h, pasid_cap + PCI_PASID_CTRL, 2, PCI_PASID_CTRL_ENABLE);
	h_wqcfg_dedicated(&c, 16);
	c.mode = 0;
	c.pasid_en = 1;
	h_wqcfg(h, 0, &c);
	h_grpcfg(h, 0, 1, 1);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_DEVICE, 0), 0);
	assert_int_equal(h_cmd(h, IDXD_CMD_ENABLE_WQ, 0), 0);

	park_engines(h, &pk);
	submit_nops(h, 0, cr, NDESC, pasids);
	for (i = 0; i < 20000 && occupancy(h, 0) != NDESC - 1; i++)
		usleep(500);
	pthread_create(&t, NULL, cmd_thread_fn, &ct);
	wait_sleeping(&ct.tid);
	unpark_engines(&pk);
	pthread_join(t, NULL);
	assert_int_equal(ct.sts, 0);
	/* PASID 6 completes; PASID 5 queued behind the parked one is dropped */
	for (i = 0; i < NDESC; i++)
		assert_int_equal(cr[i].status, pasids[i] == 6 ? DSA_COMP_SUCCESS : 0);
	iommu_detach_device_pasid(h->iommu, H_RID, 5);
	iommu_detach_device_pasid(h->iommu, H_RID, 6);
}

struct flooder {
	uint8_t *page;
	struct harness *h;
	atomic_int stop;
	unsigned long sent;
};

/* Keep a mapped portal page as full as the protocol allows. */
static void *flood(void *arg)
{
	struct flooder *f = arg;
	struct dsa_hw_desc d;
	unsigned int slot = 0;

	h_desc(f->h, &d, DSA_OPCODE_NOOP, h_ptr(f->h, 0x2000));
	while (!atomic_load(&f->stop)) {
		_Atomic uint64_t *q0 = (_Atomic uint64_t *)(void *)(f->page + slot * 64);
		uint64_t first;

		if (atomic_load_explicit(q0, memory_order_acquire))
			continue;
		memcpy(f->page + slot * 64 + 8, (uint8_t *)&d + 8, 56);
		memcpy(&first, &d, 8);
		atomic_store_explicit(q0, first, memory_order_release);
		slot = (slot + 1) % 64;
		f->sent++;
	}
	return NULL;
}

/* A client flooding its portal cannot keep DRAIN_WQ from returning. */
static void test_drain_under_flood(void **state)
{
	struct harness *h = *state;
	struct flooder f = { .h = h };
	pthread_t t;
	unsigned int i;

	h_start(h, 1, 16, 1);
	f.page = h_map_portal(h, 0, 0);
	pthread_create(&t, NULL, flood, &f);
	for (i = 0; i < 20; i++) {
		assert_int_equal(h_cmd(h, IDXD_CMD_DRAIN_WQ, idxd_wq_mask_operand(0)), 0);
		assert_int_equal(h_cmd(h, IDXD_CMD_ABORT_WQ, idxd_wq_mask_operand(0)), 0);
	}
	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_WQ, idxd_wq_mask_operand(0)), 0);
	atomic_store(&f.stop, 1);
	pthread_join(t, NULL);
	assert_true(f.sent > 0);
	munmap(f.page, DSA_PORTAL_SIZE);
}

/*
 * Two engines share a WQ, descriptors come through the trapped path and a
 * mapped portal page, each copying 64 KiB (long enough for a drain to find
 * them under way): every DRAIN_WQ returns only once all descriptors
 * submitted before it are complete, whichever engine took them.
 */
static void test_drain_two_engines(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = h_ptr(h, 0x1000);
	const uint32_t len = 65536, per_round = 12;
	unsigned int round, i, slot = 0;
	struct dsa_hw_desc d;
	uint64_t fd_off;
	uint8_t *page;
	int fd;

	h_start(h, 1, 32, 2);
	assert_int_equal(h->ops->bar_mmap(h->hw, DSA_WQ_BAR, 0, 4096, &fd, &fd_off), 0);
	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)fd_off);
	assert_true(page != MAP_FAILED);
	for (round = 0; round < 100; round++) {
		memset(cr, 0, per_round * sizeof(*cr));
		for (i = 0; i < per_round; i++) {
			h_desc(h, &d, DSA_OPCODE_MEMMOVE, &cr[i]);
			d.src_addr = H_IOVA + 0x100000 + (uint64_t)i * len;
			d.dst_addr = H_IOVA + 0x800000 + (uint64_t)i * len;
			d.xfer_size = len;
			if (i % 2) {
				_Atomic uint64_t *q0 = (_Atomic uint64_t *)(void *)(page + slot * 64);
				uint64_t first;

				while (atomic_load_explicit(q0, memory_order_acquire))
					sched_yield();
				memcpy(page + slot * 64 + 8, (uint8_t *)&d + 8, 56);
				memcpy(&first, &d, 8);
				atomic_store_explicit(q0, first, memory_order_release);
				slot = (slot + 1) % 64;
			} else {
				assert_int_equal(h_submit(h, 0, 0, &d), 0);
			}
		}
		assert_int_equal(h_cmd(h, IDXD_CMD_DRAIN_WQ, idxd_wq_mask_operand(0)), 0);
		for (i = 0; i < per_round; i++)
			assert_int_equal(cr[i].status, DSA_COMP_SUCCESS);
	}
	munmap(page, 4096);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_invalid_command, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_enable_device_errors, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_disable_and_reset_device, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_enable_wq_errors, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test(test_enable_wq_max_xfer),
		cmocka_unit_test_setup_teardown(test_wq_mask_commands, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_int_handles, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_cmd_interrupt, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_drain_waits, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_abort_drops, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_disable_wq_drains, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_abort_pasid_shared_wq, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_drain_under_flood, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_drain_two_engines, h_fixture_setup, h_fixture_teardown),
	};

	return cmocka_run_group_tests_name("dsa_cmd", tests, NULL, NULL);
}
