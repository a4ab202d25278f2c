// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_USER_DMA_MAP: fd-backed maps reach the device through the IOMMU;
 * exact errnos for every refusal.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "iommu/iommu.h"
#include "vfio_test.h"

struct ctx {
	struct vfio_test_env env;
	struct rawclient rc;
	int memfd;
	uint8_t *mem;			/* the client's view of memfd */
};

#define MEM_SIZE	(4 * 4096)
#define RW		(VFIO_USER_F_DMA_REGION_READ | VFIO_USER_F_DMA_REGION_WRITE)

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));

	vfio_test_env_setup(&c->env, "dmamap0");
	vfio_test_connect(&c->env, &c->rc);
	c->memfd = vfio_test_memfd(MEM_SIZE);
	assert_true(c->memfd >= 0);
	c->mem = mmap(NULL, MEM_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, c->memfd, 0);
	assert_true(c->mem != MAP_FAILED);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	rc_close(&c->rc);
	vfio_test_env_teardown(&c->env);
	munmap(c->mem, MEM_SIZE);
	close(c->memfd);
	free(c);
	return 0;
}

static int dma_map(struct ctx *c, uint32_t flags, uint64_t offset, uint64_t iova,
		   uint64_t size, const int *fds, unsigned int nfds)
{
	struct vfio_user_dma_map map = {
		.argsz = sizeof(map), .flags = flags, .offset = offset, .addr = iova, .size = size,
	};

	return rc_call(&c->rc, VFIO_USER_DMA_MAP, &map, sizeof(map), fds, nfds, NULL);
}

static void reg_write(struct ctx *c, uint32_t off, uint32_t v)
{
	assert_int_equal(rc_region_write(&c->rc, 0, off, &v, 4), 0);
}

static uint32_t reg_read(struct ctx *c, uint32_t off)
{
	uint32_t v = 0;

	assert_int_equal(rc_region_read(&c->rc, 0, off, &v, 4), 0);
	return v;
}

/* Let the test device DMA; Return: its status register (0 or errno). */
static uint32_t device_dma(struct ctx *c, uint32_t cmd, uint64_t iova, uint32_t len,
			   uint8_t pattern)
{
	reg_write(c, TD_REG_DMA_IOVA_LO, (uint32_t)iova);
	reg_write(c, TD_REG_DMA_IOVA_HI, (uint32_t)(iova >> 32));
	reg_write(c, TD_REG_DMA_LEN, len);
	reg_write(c, TD_REG_DMA_PATTERN, pattern);
	reg_write(c, TD_REG_DMA_CMD, cmd);
	return reg_read(c, TD_REG_DMA_STATUS);
}

static void test_map_reaches_device(void **state)
{
	struct ctx *c = *state;
	uint32_t i, sum = 0;

	assert_int_equal(dma_map(c, RW, 0, 0x100000000ULL, MEM_SIZE, &c->memfd, 1), 0);
	assert_int_equal(iommu_domain_nr_mappings(c->env.td->dom), 1);
	/* The device writes; the client sees it in its own mapping. */
	assert_int_equal(device_dma(c, TD_DMA_FILL, 0x100000000ULL + 4096, 8192, 0xa5), 0);
	assert_int_equal(c->mem[4095], 0);
	assert_int_equal(c->mem[4096], 0xa5);
	assert_int_equal(c->mem[4096 + 8191], 0xa5);
	assert_int_equal(c->mem[3 * 4096], 0);
	/* The client writes; the device reads it. */
	for (i = 0; i < 100; i++) {
		c->mem[i] = (uint8_t)i;
		sum += i;
	}
	assert_int_equal(device_dma(c, TD_DMA_SUM, 0x100000000ULL, 100, 0), 0);
	assert_int_equal(reg_read(c, TD_REG_DMA_RESULT), sum);
	/* Outside the map the device faults, at the first byte it missed. */
	assert_int_equal(device_dma(c, TD_DMA_FILL, 0x100000000ULL + MEM_SIZE - 16, 32, 1),
			 EFAULT);
	assert_int_equal(reg_read(c, TD_REG_DMA_FAULT_LO), (uint32_t)(MEM_SIZE));
	assert_int_equal(reg_read(c, TD_REG_DMA_FAULT_HI), 1);
}

static void test_map_unaligned_offset(void **state)
{
	struct ctx *c = *state;

	/* 100 bytes into the fd, not page aligned: the server maps around it. */
	assert_int_equal(dma_map(c, RW, 4096 + 100, 0x5000, 512, &c->memfd, 1), 0);
	assert_int_equal(device_dma(c, TD_DMA_FILL, 0x5000, 512, 0x3c), 0);
	assert_int_equal(c->mem[4096 + 99], 0);
	assert_int_equal(c->mem[4096 + 100], 0x3c);
	assert_int_equal(c->mem[4096 + 611], 0x3c);
	assert_int_equal(c->mem[4096 + 612], 0);
}

static void test_map_read_only(void **state)
{
	struct ctx *c = *state;

	/* Readable by the device only: its writes fault, its reads work. */
	assert_int_equal(dma_map(c, VFIO_USER_F_DMA_REGION_READ, 0, 0x10000, 4096,
				 &c->memfd, 1), 0);
	assert_int_equal(device_dma(c, TD_DMA_FILL, 0x10000, 16, 0xff), EFAULT);
	assert_int_equal(c->mem[0], 0);
	c->mem[0] = 7;
	assert_int_equal(device_dma(c, TD_DMA_SUM, 0x10000, 16, 0), 0);
	assert_int_equal(reg_read(c, TD_REG_DMA_RESULT), 7);
}

static void test_map_overlap(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(dma_map(c, RW, 0, 0x10000, 8192, &c->memfd, 1), 0);
	assert_int_equal(dma_map(c, RW, 0, 0x11000, 8192, &c->memfd, 1), EEXIST);
	assert_int_equal(dma_map(c, RW, 0, 0x0f000, 4097, &c->memfd, 1), EEXIST);
	assert_int_equal(dma_map(c, RW, 0, 0x10000, 8192, &c->memfd, 1), EEXIST);
	/* Adjacent is fine. */
	assert_int_equal(dma_map(c, RW, 0, 0x12000, 4096, &c->memfd, 1), 0);
	assert_int_equal(iommu_domain_nr_mappings(c->env.td->dom), 2);
}

static void test_map_without_fd(void **state)
{
	struct ctx *c = *state;

	/* No DMA_READ/WRITE support: refuse instead of pretending. */
	assert_int_equal(dma_map(c, RW, 0, 0x10000, 4096, NULL, 0), ENOTSUP);
	assert_int_equal(iommu_domain_nr_mappings(c->env.td->dom), 0);
}

static void test_map_bad_arguments(void **state)
{
	struct ctx *c = *state;
	int two[2] = { c->memfd, c->memfd };
	char path[64];
	int pfd[2];
	struct vfio_user_dma_map map = {
		.argsz = 16, .flags = RW, .addr = 0x10000, .size = 4096,
	};

	assert_int_equal(dma_map(c, RW, 0, 0x10000, 4096, two, 2), EINVAL);
	assert_int_equal(dma_map(c, 0, 0, 0x10000, 4096, &c->memfd, 1), EINVAL);
	assert_int_equal(dma_map(c, RW | 4, 0, 0x10000, 4096, &c->memfd, 1), EINVAL);
	assert_int_equal(dma_map(c, RW, 0, 0x10000, 0, &c->memfd, 1), EINVAL);
	assert_int_equal(dma_map(c, RW, 0, UINT64_MAX - 100, 4096, &c->memfd, 1), EINVAL);
	/* Past the end of the file: the device would hit SIGBUS. */
	assert_int_equal(dma_map(c, RW, 4096, 0x10000, MEM_SIZE, &c->memfd, 1), EINVAL);
	assert_int_equal(rc_call(&c->rc, VFIO_USER_DMA_MAP, &map, sizeof(map), &c->memfd, 1,
				 NULL), EINVAL);
	map.argsz = sizeof(map);
	assert_int_equal(rc_call(&c->rc, VFIO_USER_DMA_MAP, &map, sizeof(map) - 8, &c->memfd, 1,
				 NULL), EINVAL);
	/* An fd that cannot be mapped at all. */
	pfd[0] = eventfd(0, EFD_CLOEXEC);
	assert_int_equal(dma_map(c, RW, 0, 0x10000, 4096, &pfd[0], 1), ENODEV);
	close(pfd[0]);
	/* An fd that does not allow what the flags ask: read-only, map writable. */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", c->memfd);
	pfd[1] = open(path, O_RDONLY | O_CLOEXEC);
	assert_true(pfd[1] >= 0);
	assert_int_equal(dma_map(c, RW, 0, 0x10000, 4096, &pfd[1], 1), EACCES);
	assert_int_equal(dma_map(c, VFIO_USER_F_DMA_REGION_READ, 0, 0x10000, 4096, &pfd[1], 1), 0);
	close(pfd[1]);
	assert_int_equal(iommu_domain_nr_mappings(c->env.td->dom), 1);
}

static void test_map_too_many_fds(void **state)
{
	struct ctx *c = *state;
	int fds[12];
	unsigned int i;

	/* More fds than max_msg_fds (8): the message is refused whole. */
	for (i = 0; i < 12; i++)
		fds[i] = c->memfd;
	assert_int_equal(dma_map(c, RW, 0, 0x10000, 4096, fds, 12), EINVAL);
	assert_int_equal(dma_map(c, RW, 0, 0x10000, 4096, fds, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_reaches_device, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_unaligned_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_read_only, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_without_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_bad_arguments, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_too_many_fds, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
