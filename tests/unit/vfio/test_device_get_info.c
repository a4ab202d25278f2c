// SPDX-License-Identifier: GPL-2.0-only
/* VFIO_USER_DEVICE_GET_INFO. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vfio_test.h"

static int setup(void **state)
{
	return vfio_test_ctx_alloc(state, "info0");
}

static void check_info(struct vfio_test_ctx *c, uint32_t argsz)
{
	struct vfio_user_device_info req = { .argsz = argsz }, *info;
	struct rc_reply rep;

	assert_int_equal(rc_call(&c->rc, VFIO_USER_DEVICE_GET_INFO, &req, sizeof(req), NULL, 0,
				 &rep), 0);
	assert_int_equal(rep.size, 16);
	info = (void *)rep.payload;
	assert_int_equal(info->argsz, 16);
	assert_int_equal(info->flags, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(info->num_regions, VFIO_PCI_NUM_REGIONS);
	assert_int_equal(info->num_irqs, VFIO_PCI_NUM_IRQS);
	assert_int_equal(rep.nfds, 0);
	rc_reply_free(&rep);
}

static void test_get_info(void **state)
{
	check_info(*state, 16);
	/* A client with the kernel's 24-byte struct gets the 16 bytes that exist. */
	check_info(*state, sizeof(struct vfio_device_info));
}

static void test_get_info_errors(void **state)
{
	struct vfio_test_ctx *c = *state;
	struct vfio_user_device_info req = { .argsz = 12 };

	assert_int_equal(rc_call(&c->rc, VFIO_USER_DEVICE_GET_INFO, &req, sizeof(req), NULL, 0,
				 NULL), EINVAL);
	req.argsz = 16;
	assert_int_equal(rc_call(&c->rc, VFIO_USER_DEVICE_GET_INFO, &req, 8, NULL, 0, NULL),
			 EINVAL);
	assert_int_equal(rc_call(&c->rc, VFIO_USER_DEVICE_GET_INFO, NULL, 0, NULL, 0, NULL),
			 EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_get_info, setup, vfio_test_ctx_free),
		cmocka_unit_test_setup_teardown(test_get_info_errors, setup, vfio_test_ctx_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
