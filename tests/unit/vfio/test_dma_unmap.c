// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_USER_DMA_UNMAP: exact ranges only, the driver is told, the device
 * loses access, the reply echoes the request.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "iommu/iommu.h"
#include "vfio_test.h"

struct ctx {
	struct vfio_test_env env;
	struct rawclient rc;
	int memfd;
};

static int setup(void **state)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct vfio_user_dma_map map = {
		.argsz = sizeof(map), .addr = 0x40000, .size = 8192,
		.flags = VFIO_USER_F_DMA_REGION_READ | VFIO_USER_F_DMA_REGION_WRITE,
	};

	vfio_test_env_setup(&c->env, "dmaunmap0");
	vfio_test_connect(&c->env, &c->rc);
	c->memfd = vfio_test_memfd(8192);
	assert_int_equal(rc_call(&c->rc, VFIO_USER_DMA_MAP, &map, sizeof(map), &c->memfd, 1,
				 NULL), 0);
	*state = c;
	return 0;
}

static int teardown(void **state)
{
	struct ctx *c = *state;

	rc_close(&c->rc);
	vfio_test_env_teardown(&c->env);
	close(c->memfd);
	free(c);
	return 0;
}

static int unmap(struct ctx *c, uint32_t argsz, uint32_t flags, uint64_t addr, uint64_t size,
		 struct rc_reply *rep)
{
	struct vfio_user_dma_unmap req = {
		.argsz = argsz, .flags = flags, .addr = addr, .size = size,
	};

	return rc_call(&c->rc, VFIO_USER_DMA_UNMAP, &req, sizeof(req), NULL, 0, rep);
}

static void test_unmap(void **state)
{
	struct ctx *c = *state;
	struct vfio_user_dma_unmap *echo;
	struct rc_reply rep;
	uint32_t v;

	assert_int_equal(unmap(c, sizeof(*echo), 0, 0x40000, 8192, &rep), 0);
	assert_int_equal(rep.size, sizeof(*echo));
	echo = (void *)rep.payload;
	assert_int_equal(echo->argsz, sizeof(*echo));
	assert_int_equal(echo->flags, 0);
	assert_int_equal(echo->addr, 0x40000);
	assert_int_equal(echo->size, 8192);
	rc_reply_free(&rep);
	/* The driver was told before the mapping went. */
	assert_int_equal(c->env.td->nr_unmaps, 1);
	assert_int_equal(c->env.td->unmaps[0].iova, 0x40000);
	assert_int_equal(c->env.td->unmaps[0].size, 8192);
	assert_int_equal(iommu_domain_nr_mappings(c->env.td->dom), 0);
	/* The device's DMA there now faults. */
	v = 0x40000;
	assert_int_equal(rc_region_write(&c->rc, 0, TD_REG_DMA_IOVA_LO, &v, 4), 0);
	v = 16;
	assert_int_equal(rc_region_write(&c->rc, 0, TD_REG_DMA_LEN, &v, 4), 0);
	v = TD_DMA_FILL;
	assert_int_equal(rc_region_write(&c->rc, 0, TD_REG_DMA_CMD, &v, 4), 0);
	assert_int_equal(rc_region_read(&c->rc, 0, TD_REG_DMA_STATUS, &v, 4), 0);
	assert_int_equal(v, EFAULT);
	/* Once only. */
	assert_int_equal(unmap(c, sizeof(*echo), 0, 0x40000, 8192, NULL), ENOENT);
}

static void test_unmap_unknown_range(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(unmap(c, 24, 0, 0x50000, 8192, NULL), ENOENT);
	/* Part of a map, or more than it, is not the map. */
	assert_int_equal(unmap(c, 24, 0, 0x40000, 4096, NULL), ENOENT);
	assert_int_equal(unmap(c, 24, 0, 0x41000, 4096, NULL), ENOENT);
	assert_int_equal(unmap(c, 24, 0, 0x40000, 8193, NULL), ENOENT);
	assert_int_equal(c->env.td->nr_unmaps, 0);
	assert_int_equal(iommu_domain_nr_mappings(c->env.td->dom), 1);
}

static void test_unmap_bad_arguments(void **state)
{
	struct ctx *c = *state;
	struct vfio_user_dma_unmap req = { .argsz = 24, .addr = 0x40000, .size = 8192 };

	/* GET_DIRTY_BITMAP and anything else: no flags are defined. */
	assert_int_equal(unmap(c, 24, 1, 0x40000, 8192, NULL), EINVAL);
	assert_int_equal(unmap(c, 24, 0x80, 0x40000, 8192, NULL), EINVAL);
	/* No room for the reply. */
	assert_int_equal(unmap(c, 16, 0, 0x40000, 8192, NULL), EINVAL);
	/* Short payload. */
	assert_int_equal(rc_call(&c->rc, VFIO_USER_DMA_UNMAP, &req, 16, NULL, 0, NULL), EINVAL);
	assert_int_equal(iommu_domain_nr_mappings(c->env.td->dom), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_unmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_unknown_range, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_bad_arguments, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
