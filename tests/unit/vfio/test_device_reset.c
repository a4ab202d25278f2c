// SPDX-License-Identifier: GPL-2.0-only
/* VFIO_USER_DEVICE_RESET. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vfio_test.h"

static void test_reset(void **state)
{
	struct vfio_test_env env;
	struct rawclient rc;
	struct rc_reply rep;
	uint32_t v = 0x55;

	vfio_test_env_setup(&env, "reset0");
	vfio_test_connect(&env, &rc);
	assert_int_equal(rc_region_write(&rc, 0, TD_REG_SCRATCH, &v, 4), 0);
	assert_int_equal(rc_call(&rc, VFIO_USER_DEVICE_RESET, NULL, 0, NULL, 0, &rep), 0);
	/* No payload in the reply either. */
	assert_int_equal(rep.size, 0);
	rc_reply_free(&rep);
	assert_int_equal(env.td->nr_reset, 1);
	assert_int_equal(rc_region_read(&rc, 0, TD_REG_SCRATCH, &v, 4), 0);
	assert_int_equal(v, 0);
	/* A payload where none is defined. */
	assert_int_equal(rc_call(&rc, VFIO_USER_DEVICE_RESET, &v, 4, NULL, 0, NULL), EINVAL);
	assert_int_equal(env.td->nr_reset, 1);
	rc_close(&rc);
	vfio_test_env_teardown(&env);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_reset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
