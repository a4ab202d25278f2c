// SPDX-License-Identifier: GPL-2.0-only
/* VFIO_USER_REGION_WRITE: data reaches the device, bounds, exact errnos. */
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

static int setup(void **state)
{
	return vfio_test_ctx_alloc(state, "rwrite0");
}

static void test_write_reaches_device(void **state)
{
	struct vfio_test_ctx *c = *state;
	struct {
		struct vfio_user_region_access ra;
		uint32_t v;
	} __attribute__((packed)) req = {
		.ra = { .offset = TD_REG_SCRATCH, .region = 0, .count = 4 }, .v = 0xdeadbeef,
	};
	struct vfio_user_region_access *echo;
	struct rc_reply rep;
	uint16_t cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER, back = 0;
	uint32_t v = 0;

	assert_int_equal(rc_call(&c->rc, VFIO_USER_REGION_WRITE, &req, sizeof(req), NULL, 0,
				 &rep), 0);
	/* The reply is offset, region and count, without data. */
	assert_int_equal(rep.size, sizeof(*echo));
	echo = (void *)rep.payload;
	assert_int_equal(echo->offset, TD_REG_SCRATCH);
	assert_int_equal(echo->region, 0);
	assert_int_equal(echo->count, 4);
	rc_reply_free(&rep);
	assert_int_equal(rc_region_read(&c->rc, 0, TD_REG_SCRATCH, &v, 4), 0);
	assert_int_equal(v, 0xdeadbeef);

	assert_int_equal(rc_region_write(&c->rc, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND,
					 &cmd, 2), 0);
	assert_int_equal(rc_region_read(&c->rc, VFIO_PCI_CONFIG_REGION_INDEX, PCI_COMMAND,
					&back, 2), 0);
	assert_int_equal(back, cmd);
}

static void test_write_portal_sized(void **state)
{
	struct vfio_test_ctx *c = *state;
	uint8_t desc[64], *big;
	unsigned int i;

	/* A 64-byte descriptor-sized write at a 64-byte aligned offset. */
	for (i = 0; i < sizeof(desc); i++)
		desc[i] = (uint8_t)(0x40 + i);
	assert_int_equal(rc_region_write(&c->rc, VFIO_PCI_BAR2_REGION_INDEX, 4096 + 128, desc,
					 64), 0);
	assert_memory_equal(c->env.td->bar2 + 4096 + 128, desc, 64);
	/* And the whole region in one message. */
	big = malloc(TD_BAR2_SIZE);
	memset(big, 0x77, TD_BAR2_SIZE);
	assert_int_equal(rc_region_write(&c->rc, VFIO_PCI_BAR2_REGION_INDEX, 0, big,
					 TD_BAR2_SIZE), 0);
	assert_memory_equal(c->env.td->bar2, big, TD_BAR2_SIZE);
	free(big);
}

static void test_write_outside(void **state)
{
	struct vfio_test_ctx *c = *state;
	uint8_t buf[8] = { 0 };

	assert_int_equal(rc_region_write(&c->rc, 0, TD_BAR0_SIZE - 4, buf, 8), EFAULT);
	assert_int_equal(rc_region_write(&c->rc, 0, 1ULL << 41, buf, 4), EFAULT);
	assert_int_equal(rc_region_write(&c->rc, 0, UINT64_MAX - 3, buf, 8), EFAULT);
	assert_int_equal(rc_region_write(&c->rc, VFIO_PCI_NUM_REGIONS + 3, 0, buf, 4), EINVAL);
	assert_int_equal(rc_region_write(&c->rc, VFIO_PCI_ROM_REGION_INDEX, 0, buf, 4), EACCES);
	assert_int_equal(rc_region_write(&c->rc, 0, 0, buf, 0), EINVAL);
}

static void test_write_count_mismatch(void **state)
{
	struct vfio_test_ctx *c = *state;
	struct {
		struct vfio_user_region_access ra;
		uint8_t data[8];
	} __attribute__((packed)) req = {
		.ra = { .offset = TD_REG_SCRATCH, .region = 0, .count = 4 },
	};

	/* count says 4, the message carries 8; then 2. */
	assert_int_equal(rc_call(&c->rc, VFIO_USER_REGION_WRITE, &req, sizeof(req), NULL, 0,
				 NULL), EINVAL);
	assert_int_equal(rc_call(&c->rc, VFIO_USER_REGION_WRITE, &req, sizeof(req.ra) + 2, NULL,
				 0, NULL), EINVAL);
	assert_int_equal(rc_call(&c->rc, VFIO_USER_REGION_WRITE, &req, 8, NULL, 0, NULL), EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_write_reaches_device, setup,
						vfio_test_ctx_free),
		cmocka_unit_test_setup_teardown(test_write_portal_sized, setup, vfio_test_ctx_free),
		cmocka_unit_test_setup_teardown(test_write_outside, setup, vfio_test_ctx_free),
		cmocka_unit_test_setup_teardown(test_write_count_mismatch, setup,
						vfio_test_ctx_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
