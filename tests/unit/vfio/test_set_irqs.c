// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_USER_DEVICE_SET_IRQS: MSI-X eventfds (also split across messages),
 * trigger/mask/unmask with DATA_NONE and DATA_BOOL, disable, de-assign, and
 * the validation errors.
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "vfio/user/vfio_user.h"
#include "vfio_test.h"

struct ctx {
	struct vfio_test_env env;
	struct rawclient rc;
	int efd[TD_NUM_VECTORS];
};

static int setup_limits(void **state, uint32_t max_fds)
{
	struct ctx *c = calloc(1, sizeof(*c));
	struct vfio_user_limits lim;
	unsigned int i;

	vfio_test_env_setup(&c->env, "irqs0");
	vfio_user_server_get_limits(c->env.srv, &lim);
	lim.max_msg_fds = max_fds;
	assert_int_equal(vfio_user_server_set_limits(c->env.srv, &lim), 0);
	vfio_test_connect(&c->env, &c->rc);
	for (i = 0; i < TD_NUM_VECTORS; i++)
		c->efd[i] = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	*state = c;
	return 0;
}

static int setup(void **state)
{
	return setup_limits(state, 8);
}

static int setup_two_fds(void **state)
{
	return setup_limits(state, 2);
}

static int teardown(void **state)
{
	struct ctx *c = *state;
	unsigned int i;

	rc_close(&c->rc);
	vfio_test_env_teardown(&c->env);
	for (i = 0; i < TD_NUM_VECTORS; i++)
		close(c->efd[i]);
	free(c);
	return 0;
}

static int set_irqs(struct ctx *c, uint32_t flags, uint32_t index, uint32_t start,
		    uint32_t count, const void *data, size_t data_len,
		    const int *fds, unsigned int nfds)
{
	struct vfio_irq_set *set = calloc(1, sizeof(*set) + data_len);
	int err;

	set->argsz = sizeof(*set) + data_len;
	set->flags = flags;
	set->index = index;
	set->start = start;
	set->count = count;
	if (data_len)
		memcpy(set->data, data, data_len);
	err = rc_call(&c->rc, VFIO_USER_DEVICE_SET_IRQS, set, sizeof(*set) + data_len,
		      fds, nfds, NULL);
	free(set);
	return err;
}

#define EVENTFD_TRIGGER	(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER)
#define MSIX		VFIO_PCI_MSIX_IRQ_INDEX

static void fire(struct ctx *c, uint32_t vec)
{
	assert_int_equal(rc_region_write(&c->rc, 0, TD_REG_IRQ_FIRE, &vec, 4), 0);
}

/* Bitmap of the eventfds that fired since the last call (and reset them). */
static unsigned int fired(struct ctx *c)
{
	unsigned int i, mask = 0;
	uint64_t v;

	for (i = 0; i < TD_NUM_VECTORS; i++)
		if (read(c->efd[i], &v, sizeof(v)) == sizeof(v) && v)
			mask |= 1U << i;
	return mask;
}

static void test_eventfds_fire(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, MSIX, 0, 4, NULL, 0, c->efd, 4), 0);
	assert_int_equal(testdev_nr_triggers(c->env.td), 4);
	fire(c, 2);
	assert_int_equal(fired(c), 1U << 2);
	fire(c, 0);
	fire(c, 3);
	assert_int_equal(fired(c), (1U << 0) | (1U << 3));
	/* The client triggers itself: DATA_NONE and DATA_BOOL. */
	assert_int_equal(set_irqs(c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
				  MSIX, 1, 1, NULL, 0, NULL, 0), 0);
	assert_int_equal(fired(c), 1U << 1);
	assert_int_equal(set_irqs(c, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER,
				  MSIX, 0, 4, (uint8_t[]){ 0, 1, 0, 1 }, 4, NULL, 0), 0);
	assert_int_equal(fired(c), (1U << 1) | (1U << 3));
}

static void test_mask_unmask(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, MSIX, 0, 4, NULL, 0, c->efd, 4), 0);
	assert_int_equal(set_irqs(c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
				  MSIX, 1, 1, NULL, 0, NULL, 0), 0);
	fire(c, 1);
	assert_int_equal(fired(c), 0);
	/* Unmasking delivers what was held back. */
	assert_int_equal(set_irqs(c, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_UNMASK,
				  MSIX, 0, 2, (uint8_t[]){ 0, 1 }, 2, NULL, 0), 0);
	assert_int_equal(fired(c), 1U << 1);
}

static void test_disable_and_deassign(void **state)
{
	struct ctx *c = *state;

	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, MSIX, 0, 4, NULL, 0, c->efd, 4), 0);
	/* No fds: de-assign vectors 1..2. */
	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, MSIX, 1, 2, NULL, 0, NULL, 0), 0);
	assert_int_equal(testdev_nr_triggers(c->env.td), 2);
	fire(c, 1);
	fire(c, 3);
	assert_int_equal(fired(c), 1U << 3);
	/* count 0 with DATA_NONE | TRIGGER disables the whole index. */
	assert_int_equal(set_irqs(c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
				  MSIX, 0, 0, NULL, 0, NULL, 0), 0);
	assert_int_equal(testdev_nr_triggers(c->env.td), 0);
	fire(c, 3);
	assert_int_equal(fired(c), 0);
}

static void test_split_across_messages(void **state)
{
	struct ctx *c = *state;

	/* The server takes 2 fds per message: four vectors need two messages. */
	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, MSIX, 0, 4, NULL, 0, c->efd, 4), EINVAL);
	assert_int_equal(testdev_nr_triggers(c->env.td), 0);
	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, MSIX, 0, 2, NULL, 0, c->efd, 2), 0);
	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, MSIX, 2, 2, NULL, 0, c->efd + 2, 2), 0);
	assert_int_equal(testdev_nr_triggers(c->env.td), 4);
	fire(c, 0);
	fire(c, 3);
	assert_int_equal(fired(c), (1U << 0) | (1U << 3));
}

static void test_set_irqs_errors(void **state)
{
	struct ctx *c = *state;
	struct vfio_irq_set set = {
		.argsz = 16, .flags = EVENTFD_TRIGGER, .index = MSIX, .count = 1,
	};

	/* Bad index: no such index, and an index with no vectors. */
	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, VFIO_PCI_NUM_IRQS, 0, 1, NULL, 0,
				  c->efd, 1), EINVAL);
	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, VFIO_PCI_INTX_IRQ_INDEX, 0, 1, NULL, 0,
				  c->efd, 1), EINVAL);
	/* Bad flags: two data types, no action, two actions, unknown bits. */
	assert_int_equal(set_irqs(c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL |
				  VFIO_IRQ_SET_ACTION_TRIGGER, MSIX, 0, 1, "\1", 1, NULL, 0), EINVAL);
	assert_int_equal(set_irqs(c, VFIO_IRQ_SET_DATA_NONE, MSIX, 0, 1, NULL, 0, NULL, 0),
			 EINVAL);
	assert_int_equal(set_irqs(c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK |
				  VFIO_IRQ_SET_ACTION_UNMASK, MSIX, 0, 1, NULL, 0, NULL, 0), EINVAL);
	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER | 0x40, MSIX, 0, 1, NULL, 0, c->efd, 1),
			 EINVAL);
	/* Out of range start/count, count 0 other than disable. */
	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, MSIX, 3, 2, NULL, 0, c->efd, 2), EINVAL);
	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, MSIX, 4, 1, NULL, 0, c->efd, 1), EINVAL);
	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, MSIX, 0xffffffff, 2, NULL, 0, NULL, 0),
			 EINVAL);
	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, MSIX, 0, 0, NULL, 0, NULL, 0), EINVAL);
	/* fds that do not match the count; fds with DATA_NONE; missing bools. */
	assert_int_equal(set_irqs(c, EVENTFD_TRIGGER, MSIX, 0, 3, NULL, 0, c->efd, 2), EINVAL);
	assert_int_equal(set_irqs(c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
				  MSIX, 0, 1, NULL, 0, c->efd, 1), EINVAL);
	assert_int_equal(set_irqs(c, VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER,
				  MSIX, 0, 4, "\1\1", 2, NULL, 0), EINVAL);
	/* argsz below the struct, short payload. */
	assert_int_equal(rc_call(&c->rc, VFIO_USER_DEVICE_SET_IRQS, &set, sizeof(set), c->efd, 1,
				 NULL), EINVAL);
	set.argsz = sizeof(set);
	assert_int_equal(rc_call(&c->rc, VFIO_USER_DEVICE_SET_IRQS, &set, 12, c->efd, 1, NULL),
			 EINVAL);
	/* Nothing was set by any of them. */
	assert_int_equal(testdev_nr_triggers(c->env.td), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_eventfds_fire, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mask_unmask, setup, teardown),
		cmocka_unit_test_setup_teardown(test_disable_and_deassign, setup, teardown),
		cmocka_unit_test_setup_teardown(test_split_across_messages, setup_two_fds, teardown),
		cmocka_unit_test_setup_teardown(test_set_irqs_errors, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
