// SPDX-License-Identifier: GPL-2.0-only
/* VFIO_USER_DEVICE_GET_IRQ_INFO. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vfio_test.h"

static int setup(void **state)
{
	return vfio_test_ctx_alloc(state, "irqinfo0");
}

static int irq_info(struct vfio_test_ctx *c, uint32_t index, uint32_t argsz, struct vfio_irq_info *out)
{
	struct vfio_irq_info req = { .argsz = argsz, .index = index };
	struct rc_reply rep;
	int err;

	err = rc_call(&c->rc, VFIO_USER_DEVICE_GET_IRQ_INFO, &req, sizeof(req), NULL, 0, &rep);
	if (!err) {
		assert_int_equal(rep.size, sizeof(*out));
		*out = *(struct vfio_irq_info *)rep.payload;
	}
	rc_reply_free(&rep);
	return err;
}

static void test_irq_info(void **state)
{
	struct vfio_test_ctx *c = *state;
	struct vfio_irq_info info;

	assert_int_equal(irq_info(c, VFIO_PCI_MSIX_IRQ_INDEX, 16, &info), 0);
	assert_int_equal(info.argsz, 16);
	assert_int_equal(info.index, VFIO_PCI_MSIX_IRQ_INDEX);
	assert_int_equal(info.count, TD_NUM_VECTORS);
	assert_int_equal(info.flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE |
				     VFIO_IRQ_INFO_NORESIZE);
	assert_int_equal(irq_info(c, VFIO_PCI_INTX_IRQ_INDEX, 64, &info), 0);
	assert_int_equal(info.argsz, 16);
	assert_int_equal(info.count, 0);
}

static void test_irq_info_errors(void **state)
{
	struct vfio_test_ctx *c = *state;
	struct vfio_irq_info info, req = { .argsz = 16 };

	assert_int_equal(irq_info(c, VFIO_PCI_NUM_IRQS, 16, &info), EINVAL);
	assert_int_equal(irq_info(c, 0x80000000, 16, &info), EINVAL);
	assert_int_equal(irq_info(c, VFIO_PCI_MSIX_IRQ_INDEX, 15, &info), EINVAL);
	assert_int_equal(rc_call(&c->rc, VFIO_USER_DEVICE_GET_IRQ_INFO, &req, 12, NULL, 0, NULL),
			 EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_irq_info, setup, vfio_test_ctx_free),
		cmocka_unit_test_setup_teardown(test_irq_info_errors, setup, vfio_test_ctx_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
