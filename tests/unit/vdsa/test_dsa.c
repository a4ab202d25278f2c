// SPDX-License-Identifier: GPL-2.0-only
/*
 * libvdsa's DSA driver against the emulated DSA function served over
 * vfio-user (dsa_pt.h): bring-up, every operation in poll and interrupt
 * mode through both portals, results checked on the CPU (CRC-32C with
 * ISA-L), page faults, the outstanding bound, the mmap slot ring under a
 * long run, and re-opening after a client vanished with the device on.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <isa-l.h>
#include <sys/wait.h>
#include <unistd.h>

#include "spec/dsa.h"

#include "dsa_pt.h"
#include "vdsa.h"

#define WQ_SIZE		16
#define BUF_SIZE	(64 * 1024)
#define TIMEOUT_MS	20000	/* liveness bound only */

struct t {
	struct dsa_pt_server s;
	struct vdsa_conn *conn;
	struct vdsa_dev *dev;
	struct vdsa_buf *a, *b, *comp;
};

static int setup(void **state)
{
	struct t *t = calloc(1, sizeof(*t));

	assert_int_equal(dsa_pt_server_start(&t->s, "dsa-pt0", WQ_SIZE), 0);
	assert_int_equal(vdsa_conn_open(t->s.path, &t->conn), 0);
	assert_int_equal(vdsa_dev_open(t->conn, &t->dev), 0);
	assert_int_equal(vdsa_buf_alloc(t->conn, BUF_SIZE, &t->a), 0);
	assert_int_equal(vdsa_buf_alloc(t->conn, BUF_SIZE, &t->b), 0);
	/* One 32-byte completion record per possible outstanding descriptor. */
	assert_int_equal(vdsa_buf_alloc(t->conn, 4096, &t->comp), 0);
	*state = t;
	return 0;
}

static int teardown(void **state)
{
	struct t *t = *state;

	vdsa_dev_close(t->dev);
	vdsa_conn_close(t->conn);
	dsa_pt_server_stop(&t->s);
	free(t);
	return 0;
}

static struct dsa_completion_record *cr(struct t *t, unsigned int i)
{
	return (struct dsa_completion_record *)((uint8_t *)t->comp->va + 32 * i);
}

static uint64_t cr_iova(struct t *t, unsigned int i)
{
	return t->comp->iova + 32 * i;
}

static int run(struct t *t, struct dsa_hw_desc *d, enum vdsa_wait mode, enum vdsa_portal portal)
{
	int rc;

	memset(cr(t, 0), 0, 32);
	if (mode == VDSA_WAIT_IRQ)
		vdsa_desc_set_irq(d, vdsa_dev_info(t->dev)->int_handle);
	rc = vdsa_submit(t->dev, d, portal);
	if (rc)
		return rc;
	return vdsa_wait(t->dev, cr(t, 0), mode, TIMEOUT_MS);
}

static void test_bring_up(void **state)
{
	struct t *t = *state;
	const struct vdsa_dev_info *info = vdsa_dev_info(t->dev);

	assert_int_equal(info->version, DEVICE_VERSION_1);
	assert_int_equal(info->wq_size, WQ_SIZE);
	assert_int_equal(info->max_xfer_size, 1U << 31);
	assert_true(info->nr_vectors >= 2);
	assert_int_equal(info->irq_vector, 1);
	/* REQUEST_INT_HANDLE for MSI-X vector 1 hands back index 1. */
	assert_int_equal(info->int_handle, 1);
	assert_true(info->portal_mmap);
	assert_int_equal(vdsa_dev_cmd_status(t->dev) & 0xff, 0);
	assert_true(vdsa_dev_eventfd(t->dev, 1) >= 0);
}

static void check_ops(struct t *t, enum vdsa_wait mode, enum vdsa_portal portal)
{
	uint8_t *a = t->a->va, *b = t->b->va;
	struct dsa_hw_desc d;
	uint32_t len = 5000, i, seed = 0x1badcafe;
	uint64_t pattern = 0x0102030405060708ULL;

	vdsa_desc_nop(&d, cr_iova(t, 0));
	assert_int_equal(run(t, &d, mode, portal), DSA_COMP_SUCCESS);
	vdsa_desc_drain(&d, cr_iova(t, 0));
	assert_int_equal(run(t, &d, mode, portal), DSA_COMP_SUCCESS);

	for (i = 0; i < len; i++)
		a[i] = (uint8_t)(i * 31 + 7);
	memset(b, 0, len);
	vdsa_desc_memmove(&d, cr_iova(t, 0), t->b->iova, t->a->iova, len);
	assert_int_equal(run(t, &d, mode, portal), DSA_COMP_SUCCESS);
	assert_memory_equal(a, b, len);

	vdsa_desc_fill(&d, cr_iova(t, 0), t->b->iova, pattern, len);
	assert_int_equal(run(t, &d, mode, portal), DSA_COMP_SUCCESS);
	for (i = 0; i < len; i++)
		assert_int_equal(b[i], (uint8_t)(pattern >> (8 * (i % 8))));

	memcpy(b, a, len);
	vdsa_desc_compare(&d, cr_iova(t, 0), t->a->iova, t->b->iova, len);
	assert_int_equal(run(t, &d, mode, portal), DSA_COMP_SUCCESS);
	assert_int_equal(cr(t, 0)->result, 0);
	b[4321] ^= 1;
	vdsa_desc_compare(&d, cr_iova(t, 0), t->a->iova, t->b->iova, len);
	assert_int_equal(run(t, &d, mode, portal), DSA_COMP_SUCCESS);
	assert_int_equal(cr(t, 0)->result, 1);
	assert_int_equal(cr(t, 0)->bytes_completed, 4321);

	/* Seed 0 is the plain CRC-32C; others follow the DSA inversion rule. */
	vdsa_desc_crcgen(&d, cr_iova(t, 0), t->a->iova, len, 0);
	assert_int_equal(run(t, &d, mode, portal), DSA_COMP_SUCCESS);
	assert_int_equal((uint32_t)cr(t, 0)->crc_val,
			 crc32_iscsi(a, (int)len, 0xffffffff) ^ 0xffffffff);
	vdsa_desc_crcgen(&d, cr_iova(t, 0), t->a->iova, len, seed);
	assert_int_equal(run(t, &d, mode, portal), DSA_COMP_SUCCESS);
	assert_int_equal((uint32_t)cr(t, 0)->crc_val, ~crc32_iscsi(a, (int)len, ~seed));
	assert_int_equal(vdsa_outstanding(t->dev), 0);
}

static void test_poll_trapped(void **state)
{
	check_ops(*state, VDSA_WAIT_POLL, VDSA_PORTAL_TRAPPED);
}

static void test_poll_mmap(void **state)
{
	check_ops(*state, VDSA_WAIT_POLL, VDSA_PORTAL_MMAP);
}

static void test_irq_trapped(void **state)
{
	check_ops(*state, VDSA_WAIT_IRQ, VDSA_PORTAL_TRAPPED);
}

static void test_irq_mmap(void **state)
{
	check_ops(*state, VDSA_WAIT_IRQ, VDSA_PORTAL_MMAP);
}

static void test_bad_address(void **state)
{
	struct t *t = *state;
	uint64_t bad = t->a->iova + t->a->size;	/* the unmapped guard */
	struct dsa_hw_desc d;
	int st;

	vdsa_desc_memmove(&d, cr_iova(t, 0), t->b->iova, bad, 4096);
	st = run(t, &d, VDSA_WAIT_POLL, VDSA_PORTAL_TRAPPED);
	assert_int_equal(st & DSA_COMP_STATUS_MASK, DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(cr(t, 0)->fault_addr, bad);
	assert_int_equal(cr(t, 0)->bytes_completed, 0);
	/* Half inside, half outside: the fault names the first missing byte. */
	vdsa_desc_memmove(&d, cr_iova(t, 0), t->b->iova, bad - 100, 200);
	st = run(t, &d, VDSA_WAIT_IRQ, VDSA_PORTAL_MMAP);
	assert_int_equal(st & DSA_COMP_STATUS_MASK, DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(cr(t, 0)->fault_addr, bad);
	assert_int_equal(cr(t, 0)->bytes_completed, 100);
}

static void test_outstanding_bound(void **state)
{
	struct t *t = *state;
	struct dsa_hw_desc d;
	unsigned int i;

	memset(t->comp->va, 0, 4096);
	for (i = 0; i < WQ_SIZE; i++) {
		vdsa_desc_nop(&d, cr_iova(t, i));
		assert_int_equal(vdsa_submit(t->dev, &d, VDSA_PORTAL_MMAP), 0);
	}
	vdsa_desc_nop(&d, cr_iova(t, WQ_SIZE));
	assert_int_equal(vdsa_submit(t->dev, &d, VDSA_PORTAL_TRAPPED), -EBUSY);
	assert_int_equal(vdsa_outstanding(t->dev), WQ_SIZE);
	for (i = 0; i < WQ_SIZE; i++)
		assert_int_equal(vdsa_wait(t->dev, cr(t, i), VDSA_WAIT_POLL, TIMEOUT_MS),
				 DSA_COMP_SUCCESS);
	assert_int_equal(vdsa_outstanding(t->dev), 0);
}

/*
 * Many descriptors through the 64-slot ring, WQ_SIZE in flight: each
 * memmove copies a distinct 64-byte block, so a descriptor lost, torn or
 * run twice shows as a wrong block or a record never (or doubly) written.
 */
static void test_mmap_ring_long_run(void **state)
{
	struct t *t = *state;
	uint8_t *a = t->a->va, *b = t->b->va;
	const unsigned int total = 1000, blocks = BUF_SIZE / 64;
	unsigned int sub = 0, done = 0, i;
	struct dsa_hw_desc d;

	for (i = 0; i < BUF_SIZE; i++)
		a[i] = (uint8_t)(i / 64 + i);
	memset(b, 0, BUF_SIZE);
	memset(t->comp->va, 0, 4096);
	while (done < total) {
		while (sub < total && sub - done < WQ_SIZE) {
			unsigned int blk = sub % blocks;

			memset(cr(t, sub % WQ_SIZE), 0, 32);
			vdsa_desc_memmove(&d, cr_iova(t, sub % WQ_SIZE), t->b->iova + 64 * blk,
					  t->a->iova + 64 * blk, 64);
			assert_int_equal(vdsa_submit(t->dev, &d, VDSA_PORTAL_MMAP), 0);
			sub++;
		}
		assert_int_equal(vdsa_wait(t->dev, cr(t, done % WQ_SIZE), VDSA_WAIT_POLL,
					   TIMEOUT_MS), DSA_COMP_SUCCESS);
		done++;
	}
	assert_memory_equal(a, b, 64 * (total < blocks ? total : blocks));
	assert_int_equal(vdsa_outstanding(t->dev), 0);
}

static void test_reopen_after_client_vanished(void **state)
{
	struct t *t = *state;
	struct dsa_hw_desc d;
	int status = -1;
	pid_t pid;

	/* Our client steps aside; another process takes the device ... */
	vdsa_dev_close(t->dev);
	vdsa_conn_close(t->conn);
	t->dev = NULL;
	t->conn = NULL;
	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		struct vdsa_conn *c;
		struct vdsa_dev *dev;

		/* ... brings it up and dies without disabling anything. */
		if (vdsa_conn_open(t->s.path, &c) || vdsa_dev_open(c, &dev))
			_exit(1);
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* The server may still be ending that session: retry while it is busy. */
	for (int i = 0; i < 1000 && vdsa_conn_open(t->s.path, &t->conn) == -EBUSY; i++)
		usleep(2000);
	assert_non_null(t->conn);
	/* The device is found enabled, reset and brought up again. */
	assert_int_equal(vdsa_dev_open(t->conn, &t->dev), 0);
	assert_int_equal(vdsa_buf_alloc(t->conn, 4096, &t->comp), 0);
	vdsa_desc_nop(&d, cr_iova(t, 0));
	assert_int_equal(run(t, &d, VDSA_WAIT_IRQ, VDSA_PORTAL_MMAP), DSA_COMP_SUCCESS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_bring_up, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_trapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_poll_mmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irq_trapped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irq_mmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_address, setup, teardown),
		cmocka_unit_test_setup_teardown(test_outstanding_bound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_ring_long_run, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reopen_after_client_vanished, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
