// SPDX-License-Identifier: GPL-2.0-only
/* VFIO_USER_REGION_READ: data, bounds, limits and exact errnos. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <linux/pci_regs.h>

#include "vfio/user/vfio_user.h"
#include "vfio_test.h"

static int setup_xfer(void **state, uint32_t max_xfer)
{
	struct vfio_test_ctx *c = calloc(1, sizeof(*c));
	struct vfio_user_limits lim;

	vfio_test_env_setup(&c->env, "rread0");
	vfio_user_server_get_limits(c->env.srv, &lim);
	lim.max_data_xfer_size = max_xfer;
	assert_int_equal(vfio_user_server_set_limits(c->env.srv, &lim), 0);
	vfio_test_connect(&c->env, &c->rc);
	*state = c;
	return 0;
}

static int setup(void **state)
{
	return setup_xfer(state, VFIO_USER_DEFAULT_MAX_DATA_XFER);
}

static int setup_small(void **state)
{
	return setup_xfer(state, 4096);
}

static void test_read_registers_and_config(void **state)
{
	struct vfio_test_ctx *c = *state;
	struct vfio_user_region_access ra = { .offset = TD_REG_ID, .region = 0, .count = 4 };
	struct vfio_user_region_access *echo;
	struct rc_reply rep;
	uint16_t ids[2];
	uint32_t v;

	assert_int_equal(rc_call(&c->rc, VFIO_USER_REGION_READ, &ra, sizeof(ra), NULL, 0, &rep), 0);
	/* The reply repeats offset, region and count, then the data. */
	assert_int_equal(rep.size, sizeof(ra) + 4);
	echo = (void *)rep.payload;
	assert_int_equal(echo->offset, TD_REG_ID);
	assert_int_equal(echo->region, 0);
	assert_int_equal(echo->count, 4);
	memcpy(&v, echo->data, 4);
	assert_int_equal(v, TD_ID);
	rc_reply_free(&rep);

	assert_int_equal(rc_region_read(&c->rc, VFIO_PCI_CONFIG_REGION_INDEX, PCI_VENDOR_ID,
					ids, 4), 0);
	assert_int_equal(ids[0], 0x8086);
	assert_int_equal(ids[1], 0x0b25);
}

static void test_read_large(void **state)
{
	struct vfio_test_ctx *c = *state;
	uint8_t *data = malloc(TD_BAR2_SIZE);
	unsigned int i;

	/* 16 KiB in one reply: more than one write of the socket may take. */
	for (i = 0; i < TD_BAR2_SIZE; i++)
		c->env.td->bar2[i] = (uint8_t)(i * 7);
	assert_int_equal(rc_region_read(&c->rc, VFIO_PCI_BAR2_REGION_INDEX, 0, data,
					TD_BAR2_SIZE), 0);
	assert_memory_equal(data, c->env.td->bar2, TD_BAR2_SIZE);
	free(data);
}

static void test_read_outside(void **state)
{
	struct vfio_test_ctx *c = *state;
	uint8_t buf[16];

	assert_int_equal(rc_region_read(&c->rc, 0, TD_BAR0_SIZE - 2, buf, 4), EFAULT);
	assert_int_equal(rc_region_read(&c->rc, 0, TD_BAR0_SIZE, buf, 1), EFAULT);
	assert_int_equal(rc_region_read(&c->rc, 0, 1ULL << 40, buf, 4), EFAULT);
	assert_int_equal(rc_region_read(&c->rc, 0, UINT64_MAX - 1, buf, 4), EFAULT);
	/* No such region; a region that exists but cannot be read. */
	assert_int_equal(rc_region_read(&c->rc, VFIO_PCI_NUM_REGIONS, 0, buf, 4), EINVAL);
	assert_int_equal(rc_region_read(&c->rc, VFIO_PCI_BAR1_REGION_INDEX, 0, buf, 4), EACCES);
	assert_int_equal(rc_region_read(&c->rc, 0, 0, buf, 0), EINVAL);
}

static void test_read_bad_payload(void **state)
{
	struct vfio_test_ctx *c = *state;
	uint8_t req[24] = { 0 };
	struct vfio_user_region_access *ra = (void *)req;

	ra->count = 4;
	assert_int_equal(rc_call(&c->rc, VFIO_USER_REGION_READ, req, 12, NULL, 0, NULL), EINVAL);
	assert_int_equal(rc_call(&c->rc, VFIO_USER_REGION_READ, req, 24, NULL, 0, NULL), EINVAL);
}

static void test_read_max_xfer(void **state)
{
	struct vfio_test_ctx *c = *state;
	uint8_t *buf = malloc(8192);

	assert_int_equal(rc_region_read(&c->rc, VFIO_PCI_BAR2_REGION_INDEX, 0, buf, 4096), 0);
	assert_int_equal(rc_region_read(&c->rc, VFIO_PCI_BAR2_REGION_INDEX, 0, buf, 4097), EINVAL);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_registers_and_config, setup,
						vfio_test_ctx_free),
		cmocka_unit_test_setup_teardown(test_read_large, setup, vfio_test_ctx_free),
		cmocka_unit_test_setup_teardown(test_read_outside, setup, vfio_test_ctx_free),
		cmocka_unit_test_setup_teardown(test_read_bad_payload, setup, vfio_test_ctx_free),
		cmocka_unit_test_setup_teardown(test_read_max_xfer, setup_small,
						vfio_test_ctx_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
