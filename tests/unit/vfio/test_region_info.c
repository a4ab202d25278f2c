// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_USER_DEVICE_GET_REGION_INFO: fixed part, argsz negotiation of the
 * capability chain, the sparse mmap capability and the fd.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vfio_test.h"

#define SPARSE_INFO_SIZE	(sizeof(struct vfio_region_info) + \
				 sizeof(struct vfio_region_info_cap_sparse_mmap) + \
				 sizeof(struct vfio_region_sparse_mmap_area))

static int setup(void **state)
{
	return vfio_test_ctx_alloc(state, "rinfo0");
}

static int region_info(struct vfio_test_ctx *c, uint32_t index, uint32_t argsz, struct rc_reply *rep)
{
	struct vfio_region_info req = { .argsz = argsz, .index = index };

	return rc_call(&c->rc, VFIO_USER_DEVICE_GET_REGION_INFO, &req, sizeof(req), NULL, 0, rep);
}

static void test_trapped_region(void **state)
{
	struct vfio_test_ctx *c = *state;
	struct vfio_region_info *info;
	struct rc_reply rep;

	assert_int_equal(region_info(c, VFIO_PCI_BAR0_REGION_INDEX, 1024, &rep), 0);
	assert_int_equal(rep.size, sizeof(*info));
	info = (void *)rep.payload;
	assert_int_equal(info->argsz, sizeof(*info));
	assert_int_equal(info->index, VFIO_PCI_BAR0_REGION_INDEX);
	assert_int_equal(info->flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);
	assert_int_equal(info->size, TD_BAR0_SIZE);
	assert_int_equal(info->cap_offset, 0);
	/* The kernel's index<<40 offset means nothing on the wire. */
	assert_int_equal(info->offset, 0);
	assert_int_equal(rep.nfds, 0);
	rc_reply_free(&rep);

	assert_int_equal(region_info(c, VFIO_PCI_CONFIG_REGION_INDEX, 32, &rep), 0);
	info = (void *)rep.payload;
	assert_int_equal(info->size, TD_CONFIG_SIZE);
	rc_reply_free(&rep);

	/* A region the device does not implement has size 0. */
	assert_int_equal(region_info(c, VFIO_PCI_BAR1_REGION_INDEX, 32, &rep), 0);
	info = (void *)rep.payload;
	assert_int_equal(info->size, 0);
	assert_int_equal(info->flags, 0);
	rc_reply_free(&rep);
}

static void test_small_argsz_gets_fixed_part(void **state)
{
	struct vfio_test_ctx *c = *state;
	struct vfio_region_info *info;
	struct rc_reply rep;

	assert_int_equal(region_info(c, VFIO_PCI_BAR2_REGION_INDEX, 32, &rep), 0);
	assert_int_equal(rep.size, 32);
	info = (void *)rep.payload;
	/* argsz says how much the full reply needs. */
	assert_int_equal(info->argsz, SPARSE_INFO_SIZE);
	assert_true(info->flags & VFIO_REGION_INFO_FLAG_CAPS);
	assert_true(info->flags & VFIO_REGION_INFO_FLAG_MMAP);
	assert_int_equal(info->cap_offset, 0);
	assert_int_equal(info->size, TD_BAR2_SIZE);
	/* No fd without the full reply. */
	assert_int_equal(rep.nfds, 0);
	rc_reply_free(&rep);

	/* One byte short is still short. */
	assert_int_equal(region_info(c, VFIO_PCI_BAR2_REGION_INDEX, SPARSE_INFO_SIZE - 1, &rep), 0);
	assert_int_equal(rep.size, 32);
	assert_int_equal(rep.nfds, 0);
	rc_reply_free(&rep);
}

static void test_sparse_mmap_and_fd(void **state)
{
	struct vfio_test_ctx *c = *state;
	struct vfio_region_info_cap_sparse_mmap *sparse;
	struct vfio_region_info *info;
	struct rc_reply rep;
	uint8_t *map, back[8];

	assert_int_equal(region_info(c, VFIO_PCI_BAR2_REGION_INDEX, 4096, &rep), 0);
	assert_int_equal(rep.size, SPARSE_INFO_SIZE);
	info = (void *)rep.payload;
	assert_int_equal(info->argsz, SPARSE_INFO_SIZE);
	assert_int_equal(info->cap_offset, sizeof(*info));
	sparse = (void *)(rep.payload + info->cap_offset);
	assert_int_equal(sparse->header.id, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	assert_int_equal(sparse->header.version, 1);
	assert_int_equal(sparse->header.next, 0);
	assert_int_equal(sparse->nr_areas, 1);
	assert_int_equal(sparse->areas[0].offset, 0);
	assert_int_equal(sparse->areas[0].size, 4096);
	assert_int_equal(rep.nfds, 1);

	/* The fd maps the region: what the client stores, the device sees. */
	map = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, rep.fds[0],
		   (off_t)(info->offset + sparse->areas[0].offset));
	assert_true(map != MAP_FAILED);
	memcpy(map + 64, "portal!", 8);
	assert_int_equal(rc_region_read(&c->rc, VFIO_PCI_BAR2_REGION_INDEX, 64, back, 8), 0);
	assert_memory_equal(back, "portal!", 8);
	munmap(map, 4096);
	rc_reply_free(&rep);
}

static void test_region_info_errors(void **state)
{
	struct vfio_test_ctx *c = *state;
	struct vfio_region_info req = { .argsz = 32, .index = 0 };

	assert_int_equal(region_info(c, VFIO_PCI_NUM_REGIONS, 32, NULL), EINVAL);
	assert_int_equal(region_info(c, 0xffffffff, 32, NULL), EINVAL);
	assert_int_equal(region_info(c, 0, 31, NULL), EINVAL);
	assert_int_equal(rc_call(&c->rc, VFIO_USER_DEVICE_GET_REGION_INFO, &req, 16, NULL, 0,
				 NULL), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_trapped_region, setup, vfio_test_ctx_free),
		cmocka_unit_test_setup_teardown(test_small_argsz_gets_fixed_part, setup,
						vfio_test_ctx_free),
		cmocka_unit_test_setup_teardown(test_sparse_mmap_and_fd, setup, vfio_test_ctx_free),
		cmocka_unit_test_setup_teardown(test_region_info_errors, setup, vfio_test_ctx_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
