// SPDX-License-Identifier: GPL-2.0-only
/*
 * libvdsa's vfio-user client against the in-process server and the test
 * device of tests/unit/vfio, the server's event loop running in its own
 * thread (the library blocks on its socket like any client).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/pci_regs.h>

#include "iommu/iommu.h"
#include "lib/evloop.h"
#include "vfio/user/vfio_user.h"
#include "vfio_test.h"
#include "vdsa.h"

struct harness {
	struct vfio_test_env env;
	pthread_t thread;
	atomic_bool stop;
	struct vdsa_conn *conn;
};

static void *loop_main(void *arg)
{
	struct harness *h = arg;

	while (!atomic_load(&h->stop))
		evloop_run_once(h->env.loop, 20);
	return NULL;
}

static int start(void **state, uint32_t max_fds, uint32_t max_xfer)
{
	struct harness *h = calloc(1, sizeof(*h));
	struct vfio_user_limits lim;

	vfio_test_env_setup(&h->env, "vdsa-client0");
	vfio_user_server_get_limits(h->env.srv, &lim);
	lim.max_msg_fds = max_fds;
	lim.max_data_xfer_size = max_xfer;
	assert_int_equal(vfio_user_server_set_limits(h->env.srv, &lim), 0);
	assert_int_equal(pthread_create(&h->thread, NULL, loop_main, h), 0);
	assert_int_equal(vdsa_conn_open(h->env.path, &h->conn), 0);
	*state = h;
	return 0;
}

static int setup(void **state)
{
	return start(state, 8, VFIO_USER_DEFAULT_MAX_DATA_XFER);
}

static int setup_small(void **state)
{
	return start(state, 2, 4096);
}

static int teardown(void **state)
{
	struct harness *h = *state;

	vdsa_conn_close(h->conn);
	atomic_store(&h->stop, true);
	pthread_join(h->thread, NULL);
	vfio_test_env_teardown(&h->env);
	free(h);
	return 0;
}

/* The server thread updates the device; wait (bounded) for @cond. */
#define WAIT_FOR(cond)								\
	do {									\
		int __i;							\
		for (__i = 0; __i < 5000 && !(cond); __i++)			\
			usleep(1000);						\
		assert_true(cond);						\
	} while (0)

static uint32_t td_load(const unsigned int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void reg_write(struct harness *h, uint32_t off, uint32_t v)
{
	assert_int_equal(vdsa_conn_region_write(h->conn, 0, off, &v, 4), 0);
}

static uint32_t reg_read(struct harness *h, uint32_t off)
{
	uint32_t v = 0;

	assert_int_equal(vdsa_conn_region_read(h->conn, 0, off, &v, 4), 0);
	return v;
}

static uint32_t device_dma(struct harness *h, uint32_t cmd, uint64_t iova, uint32_t len,
			   uint8_t pattern)
{
	reg_write(h, TD_REG_DMA_IOVA_LO, (uint32_t)iova);
	reg_write(h, TD_REG_DMA_IOVA_HI, (uint32_t)(iova >> 32));
	reg_write(h, TD_REG_DMA_LEN, len);
	reg_write(h, TD_REG_DMA_PATTERN, pattern);
	reg_write(h, TD_REG_DMA_CMD, cmd);
	return reg_read(h, TD_REG_DMA_STATUS);
}

/* ---- negotiation and device info ----------------------------------------- */

static void test_negotiation(void **state)
{
	struct harness *h = *state;
	const struct vdsa_server_caps *caps = vdsa_conn_caps(h->conn);
	struct vfio_device_info info;
	struct vdsa_conn *second;

	assert_int_equal(caps->major, 0);
	assert_int_equal(caps->minor, 1);
	assert_int_equal(caps->max_msg_fds, 8);
	assert_int_equal(caps->max_data_xfer_size, VFIO_USER_DEFAULT_MAX_DATA_XFER);
	assert_int_equal(caps->pgsizes, 4096);
	assert_int_equal(caps->max_dma_maps, 65535);
	assert_int_equal(vdsa_conn_device_info(h->conn, &info), 0);
	assert_int_equal(info.flags, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(info.num_regions, VFIO_PCI_NUM_REGIONS);
	assert_int_equal(info.num_irqs, VFIO_PCI_NUM_IRQS);
	/* The device has its client: a second one is told so. */
	assert_int_equal(vdsa_conn_open(h->env.path, &second), -EBUSY);
	assert_int_equal(td_load(&h->env.td->nr_open), 1);
}

static void test_open_errors(void **state)
{
	struct harness *h = *state;
	struct vdsa_conn *c;
	char path[200];

	snprintf(path, sizeof(path), "%s/nobody.sock", h->env.dir);
	assert_int_equal(vdsa_conn_open(path, &c), -ENOENT);
	assert_int_equal(vdsa_conn_open(NULL, &c), -EINVAL);
}

static void test_reconnect_after_close(void **state)
{
	struct harness *h = *state;
	int efd = eventfd(0, EFD_CLOEXEC);
	struct vdsa_buf *buf;

	assert_int_equal(vdsa_buf_alloc(h->conn, 4096, &buf), 0);
	assert_int_equal(vdsa_conn_set_irq_eventfds(h->conn, VFIO_PCI_MSIX_IRQ_INDEX, 0, 1,
						    &efd), 0);
	reg_write(h, TD_REG_SCRATCH, 0xabcd);
	vdsa_conn_close(h->conn);
	h->conn = NULL;
	/* The server ends the session: maps and eventfds go, state stays. */
	WAIT_FOR(td_load(&h->env.td->nr_close) == 1);
	assert_int_equal(td_load(&h->env.td->nr_unmaps), 1);
	assert_int_equal(vdsa_conn_open(h->env.path, &h->conn), 0);
	assert_int_equal(reg_read(h, TD_REG_SCRATCH), 0xabcd);
	assert_int_equal(testdev_nr_triggers(h->env.td), 0);
	close(efd);
}

/* ---- regions --------------------------------------------------------------- */

static void test_region_info(void **state)
{
	struct harness *h = *state;
	const struct vdsa_region *r, *again;

	assert_int_equal(vdsa_conn_region_info(h->conn, VFIO_PCI_BAR0_REGION_INDEX, &r), 0);
	assert_int_equal(r->size, TD_BAR0_SIZE);
	assert_int_equal(r->flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);
	assert_int_equal(r->fd, -1);
	assert_int_equal(r->nr_areas, 0);

	/* The capability chain needs a second request; the fd comes with it. */
	assert_int_equal(vdsa_conn_region_info(h->conn, VFIO_PCI_BAR2_REGION_INDEX, &r), 0);
	assert_int_equal(r->size, TD_BAR2_SIZE);
	assert_true(r->flags & VFIO_REGION_INFO_FLAG_MMAP);
	assert_true(r->fd >= 0);
	assert_int_equal(r->nr_areas, 1);
	assert_int_equal(r->areas[0].offset, 0);
	assert_int_equal(r->areas[0].size, 4096);
	assert_int_equal(vdsa_conn_region_info(h->conn, VFIO_PCI_BAR2_REGION_INDEX, &again), 0);
	assert_ptr_equal(again, r);

	assert_int_equal(vdsa_conn_region_info(h->conn, VFIO_PCI_NUM_REGIONS, &r), -EINVAL);
}

static void test_region_read_write(void **state)
{
	struct harness *h = *state;
	uint16_t ids[2], cmd = PCI_COMMAND_MASTER, back = 0;
	uint8_t buf[8];

	assert_int_equal(reg_read(h, TD_REG_ID), TD_ID);
	reg_write(h, TD_REG_SCRATCH, 0x600df00d);
	assert_int_equal(reg_read(h, TD_REG_SCRATCH), 0x600df00d);
	assert_int_equal(vdsa_conn_config_read(h->conn, PCI_VENDOR_ID, ids, 4), 0);
	assert_int_equal(ids[0], 0x8086);
	assert_int_equal(ids[1], 0x0b25);
	assert_int_equal(vdsa_conn_config_write(h->conn, PCI_COMMAND, &cmd, 2), 0);
	assert_int_equal(vdsa_conn_config_read(h->conn, PCI_COMMAND, &back, 2), 0);
	assert_int_equal(back, cmd);
	/* The server's errnos come back as they are. */
	assert_int_equal(vdsa_conn_region_read(h->conn, 0, TD_BAR0_SIZE - 4, buf, 8), -EFAULT);
	assert_int_equal(vdsa_conn_region_write(h->conn, VFIO_PCI_BAR1_REGION_INDEX, 0, buf, 4),
			 -EACCES);
	assert_int_equal(vdsa_conn_region_read(h->conn, 0, 0, buf, 0), -EINVAL);
}

static void test_region_chunked(void **state)
{
	struct harness *h = *state;
	uint8_t *out = malloc(TD_BAR2_SIZE), *in = malloc(TD_BAR2_SIZE);
	unsigned int i;

	/* 16 KiB through a server that moves 4 KiB per message. */
	assert_int_equal(vdsa_conn_caps(h->conn)->max_data_xfer_size, 4096);
	for (i = 0; i < TD_BAR2_SIZE; i++)
		out[i] = (uint8_t)(i ^ (i >> 8));
	assert_int_equal(vdsa_conn_region_write(h->conn, VFIO_PCI_BAR2_REGION_INDEX, 0, out,
						TD_BAR2_SIZE), 0);
	assert_memory_equal(h->env.td->bar2, out, TD_BAR2_SIZE);
	assert_int_equal(vdsa_conn_region_read(h->conn, VFIO_PCI_BAR2_REGION_INDEX, 0, in,
					       TD_BAR2_SIZE), 0);
	assert_memory_equal(in, out, TD_BAR2_SIZE);
	free(out);
	free(in);
}

static void test_region_mmap(void **state)
{
	struct harness *h = *state;
	void *addr, *again;
	size_t len, len2;

	assert_int_equal(vdsa_conn_region_mmap(h->conn, VFIO_PCI_BAR2_REGION_INDEX, 0, &addr,
					       &len), 0);
	assert_int_equal(len, 4096);
	/* A store through the mapping is a store into the device's memory. */
	memcpy((uint8_t *)addr + 256, "slot", 4);
	assert_memory_equal(h->env.td->bar2 + 256, "slot", 4);
	assert_int_equal(vdsa_conn_region_mmap(h->conn, VFIO_PCI_BAR2_REGION_INDEX, 0, &again,
					       &len2), 0);
	assert_ptr_equal(again, addr);
	assert_int_equal(vdsa_conn_region_mmap(h->conn, VFIO_PCI_BAR2_REGION_INDEX, 1, &addr,
					       &len), -ENOTSUP);
	assert_int_equal(vdsa_conn_region_mmap(h->conn, VFIO_PCI_BAR0_REGION_INDEX, 0, &addr,
					       &len), -ENOTSUP);
}

/* ---- DMA ------------------------------------------------------------------ */

static void test_dma_round_trip(void **state)
{
	struct harness *h = *state;
	struct vdsa_buf *a, *b;
	uint8_t *p;

	assert_int_equal(vdsa_buf_alloc(h->conn, 5000, &a), 0);
	assert_int_equal(a->size, 8192);
	assert_int_equal(a->iova, VDSA_IOVA_BASE);
	assert_int_equal(vdsa_buf_alloc(h->conn, 4096, &b), 0);
	assert_int_equal(b->iova, VDSA_IOVA_BASE + 8192 + VDSA_IOVA_GUARD);
	assert_int_equal(iommu_domain_nr_mappings(h->env.td->dom), 2);

	/* The device writes into the buffer; the client sees it. */
	assert_int_equal(device_dma(h, TD_DMA_FILL, a->iova + 100, 1000, 0x5e), 0);
	p = a->va;
	assert_int_equal(p[99], 0);
	assert_int_equal(p[100], 0x5e);
	assert_int_equal(p[1099], 0x5e);
	assert_int_equal(p[1100], 0);
	/* The client writes; the device reads. */
	memset(b->va, 2, 10);
	assert_int_equal(device_dma(h, TD_DMA_SUM, b->iova, 10, 0), 0);
	assert_int_equal(reg_read(h, TD_REG_DMA_RESULT), 20);
	/* The guard after a buffer is not mapped. */
	assert_int_equal(device_dma(h, TD_DMA_SUM, a->iova + a->size, 1, 0), EFAULT);

	/* Unmap: the driver is told and the device loses access. */
	assert_int_equal(vdsa_buf_free(a), 0);
	assert_int_equal(h->env.td->nr_unmaps, 1);
	assert_int_equal(h->env.td->unmaps[0].iova, VDSA_IOVA_BASE);
	assert_int_equal(h->env.td->unmaps[0].size, 8192);
	assert_int_equal(device_dma(h, TD_DMA_FILL, VDSA_IOVA_BASE, 16, 1), EFAULT);
	assert_int_equal(vdsa_buf_free(b), 0);
	assert_int_equal(iommu_domain_nr_mappings(h->env.td->dom), 0);
}

static void test_dma_errors(void **state)
{
	struct harness *h = *state;
	int fd = vfio_test_memfd(8192);

	assert_int_equal(vdsa_conn_dma_map(h->conn, fd, 0, 0x1000000, 8192, VDSA_DMA_READ), 0);
	assert_int_equal(vdsa_conn_dma_map(h->conn, fd, 0, 0x1001000, 4096,
					   VDSA_DMA_READ | VDSA_DMA_WRITE), -EEXIST);
	assert_int_equal(vdsa_conn_dma_map(h->conn, fd, 0, 0x2000000, 4096, 0), -EINVAL);
	assert_int_equal(vdsa_conn_dma_unmap(h->conn, 0x1000000, 4096), -ENOENT);
	assert_int_equal(vdsa_conn_dma_unmap(h->conn, 0x1000000, 8192), 0);
	assert_int_equal(vdsa_conn_dma_unmap(h->conn, 0x1000000, 8192), -ENOENT);
	close(fd);
}

/* ---- interrupts and reset -------------------------------------------------- */

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	if (poll(&p, 1, 0) != 1)
		return false;
	return read(fd, &v, sizeof(v)) == sizeof(v) && v;
}

static void test_irq_eventfds(void **state)
{
	struct harness *h = *state;
	int efd[TD_NUM_VECTORS];
	unsigned int i;

	for (i = 0; i < TD_NUM_VECTORS; i++)
		efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	/* Four vectors, two fds per message: the library splits. */
	assert_int_equal(vdsa_conn_caps(h->conn)->max_msg_fds, 2);
	assert_int_equal(vdsa_conn_set_irq_eventfds(h->conn, VFIO_PCI_MSIX_IRQ_INDEX, 0,
						    TD_NUM_VECTORS, efd), 0);
	assert_int_equal(testdev_nr_triggers(h->env.td), TD_NUM_VECTORS);
	/* The device's interrupt is signalled before its register write is acked. */
	reg_write(h, TD_REG_IRQ_FIRE, 3);
	assert_true(readable(efd[3]));
	assert_false(readable(efd[0]));
	/* Masked vectors hold the interrupt back until unmasked. */
	assert_int_equal(vdsa_conn_set_irqs(h->conn, VFIO_IRQ_SET_DATA_NONE |
					    VFIO_IRQ_SET_ACTION_MASK, VFIO_PCI_MSIX_IRQ_INDEX,
					    2, 1, NULL), 0);
	reg_write(h, TD_REG_IRQ_FIRE, 2);
	assert_false(readable(efd[2]));
	assert_int_equal(vdsa_conn_set_irqs(h->conn, VFIO_IRQ_SET_DATA_BOOL |
					    VFIO_IRQ_SET_ACTION_UNMASK, VFIO_PCI_MSIX_IRQ_INDEX,
					    2, 2, (const uint8_t[]){ 1, 0 }), 0);
	assert_true(readable(efd[2]));
	/* De-assign one, then disable all. */
	assert_int_equal(vdsa_conn_set_irq_eventfds(h->conn, VFIO_PCI_MSIX_IRQ_INDEX, 1, 1,
						    NULL), 0);
	assert_int_equal(testdev_nr_triggers(h->env.td), TD_NUM_VECTORS - 1);
	assert_int_equal(vdsa_conn_disable_irqs(h->conn, VFIO_PCI_MSIX_IRQ_INDEX), 0);
	assert_int_equal(testdev_nr_triggers(h->env.td), 0);
	reg_write(h, TD_REG_IRQ_FIRE, 3);
	assert_false(readable(efd[3]));
	/* Out of range. */
	assert_int_equal(vdsa_conn_set_irq_eventfds(h->conn, VFIO_PCI_MSIX_IRQ_INDEX, 3, 2, efd),
			 -EINVAL);
	for (i = 0; i < TD_NUM_VECTORS; i++)
		close(efd[i]);
}

static void test_irq_info_and_reset(void **state)
{
	struct harness *h = *state;
	struct vfio_irq_info info;

	assert_int_equal(vdsa_conn_irq_info(h->conn, VFIO_PCI_MSIX_IRQ_INDEX, &info), 0);
	assert_int_equal(info.count, TD_NUM_VECTORS);
	assert_true(info.flags & VFIO_IRQ_INFO_EVENTFD);
	assert_int_equal(vdsa_conn_irq_info(h->conn, VFIO_PCI_NUM_IRQS, &info), -EINVAL);
	reg_write(h, TD_REG_SCRATCH, 1);
	assert_int_equal(vdsa_conn_reset(h->conn), 0);
	assert_int_equal(h->env.td->nr_reset, 1);
	assert_int_equal(reg_read(h, TD_REG_SCRATCH), 0);
}

/* The DSA driver refuses a device that is not a virtual DSA. */
static void test_dev_open_rejects_other_device(void **state)
{
	struct harness *h = *state;
	struct vdsa_dev *dev = NULL;

	assert_int_equal(vdsa_dev_open(h->conn, &dev), -ENODEV);
	assert_null(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_negotiation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reconnect_after_close, setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_info, setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_read_write, setup, teardown),
		cmocka_unit_test_setup_teardown(test_region_chunked, setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_region_mmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_round_trip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_irq_eventfds, setup_small, teardown),
		cmocka_unit_test_setup_teardown(test_irq_info_and_reset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dev_open_rejects_other_device, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
