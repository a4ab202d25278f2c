// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the interrupt-remapping unit (src/irq/remap.c): message
 * format, delivery to real eventfds, retargeting, blocked writes, stats, and
 * freeing or retargeting while other threads deliver.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <setjmp.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <cmocka.h>

#include "irq/remap.h"

#define RID	0x0a00
#define RID2	0x0b00

/* Drain @fd and return the counter (0 when nothing was written). */
static uint64_t ev_count(int fd)
{
	uint64_t v = 0;

	if (read(fd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

static int new_eventfd(void)
{
	int fd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	assert_true(fd >= 0);
	return fd;
}

static void test_create_limits(void **state)
{
	struct irq_remap *ir;

	assert_null(irq_remap_create(0));
	assert_null(irq_remap_create(65537));
	ir = irq_remap_create(65536);
	assert_non_null(ir);
	irq_remap_destroy(ir);
}

static void test_compose(void **state)
{
	struct msi_msg m;

	irq_remap_compose_msg(0, &m);
	assert_int_equal(m.address, 0xfee00010ULL);
	assert_int_equal(m.data, 0);
	irq_remap_compose_msg(0x1234, &m);
	assert_int_equal(m.address, 0xfee00000ULL | (0x1234 << 5) | 0x10);
	irq_remap_compose_msg(0x8001, &m);
	assert_int_equal(m.address, 0xfee00000ULL | (1 << 5) | 0x10 | 0x4);
}

static void test_deliver_and_retarget(void **state)
{
	struct irq_remap *ir = irq_remap_create(64);
	struct irq_remap_stats st;
	struct msi_msg m;
	int a = new_eventfd(), b = new_eventfd();
	int idx;

	idx = irq_remap_alloc(ir, RID);
	assert_true(idx >= 0);
	assert_int_equal(irq_remap_nr_allocated(ir), 1);
	irq_remap_compose_msg((unsigned int)idx, &m);

	/* present, no target: dropped */
	assert_int_equal(irq_remap_msi_write(ir, RID, m.address, m.data), -ENODEV);

	assert_int_equal(irq_remap_set_eventfd(ir, (unsigned int)idx, a), 0);
	assert_int_equal(irq_remap_msi_write(ir, RID, m.address, m.data), 0);
	assert_int_equal(irq_remap_msi_write(ir, RID, m.address, m.data), 0);
	assert_int_equal(ev_count(a), 2);

	/* retarget; the caller may close its fd, the table holds a dup */
	assert_int_equal(irq_remap_set_eventfd(ir, (unsigned int)idx, b), 0);
	assert_int_equal(irq_remap_msi_write(ir, RID, m.address, m.data), 0);
	assert_int_equal(ev_count(a), 0);
	close(b);
	assert_int_equal(irq_remap_msi_write(ir, RID, m.address, m.data), 0);

	/* detach */
	assert_int_equal(irq_remap_set_eventfd(ir, (unsigned int)idx, -1), 0);
	assert_int_equal(irq_remap_msi_write(ir, RID, m.address, m.data), -ENODEV);

	irq_remap_get_stats(ir, &st);
	assert_int_equal(st.delivered, 4);
	assert_int_equal(st.no_target, 2);
	assert_int_equal(st.blocked, 0);

	assert_int_equal(irq_remap_set_eventfd(ir, 64, a), -EINVAL);
	assert_int_equal(irq_remap_set_eventfd(ir, (unsigned int)idx + 1, a), -EINVAL);
	assert_int_equal(irq_remap_set_eventfd(ir, (unsigned int)idx, 1000000), -EBADF);

	irq_remap_free(ir, (unsigned int)idx);
	assert_int_equal(irq_remap_nr_allocated(ir), 0);
	irq_remap_destroy(ir);
	close(a);
}

static void test_blocked_writes(void **state)
{
	struct irq_remap *ir = irq_remap_create(16);
	struct irq_remap_stats st;
	struct msi_msg m;
	int a = new_eventfd();
	int idx = irq_remap_alloc(ir, RID);

	irq_remap_compose_msg((unsigned int)idx, &m);
	assert_int_equal(irq_remap_set_eventfd(ir, (unsigned int)idx, a), 0);

	/* not an interrupt address, not remappable format, above 4 GiB */
	assert_int_equal(irq_remap_msi_write(ir, RID, 0x12345000, 0), -EPERM);
	assert_int_equal(irq_remap_msi_write(ir, RID, m.address & ~0x10ULL, 0), -EPERM);
	assert_int_equal(irq_remap_msi_write(ir, RID, m.address | (1ULL << 32), 0), -EPERM);
	/* wrong source id: a device cannot raise another device's interrupt */
	assert_int_equal(irq_remap_msi_write(ir, RID2, m.address, m.data), -EPERM);
	/* handle out of range, and a handle not present */
	irq_remap_compose_msg(16, &m);
	assert_int_equal(irq_remap_msi_write(ir, RID, m.address, 0), -EPERM);
	irq_remap_compose_msg(5, &m);
	assert_int_equal(irq_remap_msi_write(ir, RID, m.address, 0), -EPERM);
	/* sub-handle: handle 0 + data 5 names IRTE 5 (not present) */
	irq_remap_compose_msg((unsigned int)idx, &m);
	assert_int_equal(irq_remap_msi_write(ir, RID, m.address | MSI_ADDR_IR_SHV, 5), -EPERM);
	assert_int_equal(ev_count(a), 0);

	/* freed entry */
	irq_remap_free(ir, (unsigned int)idx);
	irq_remap_compose_msg((unsigned int)idx, &m);
	assert_int_equal(irq_remap_msi_write(ir, RID, m.address, m.data), -EPERM);
	irq_remap_free(ir, (unsigned int)idx);		/* double free: logged */

	irq_remap_get_stats(ir, &st);
	assert_int_equal(st.blocked, 8);
	assert_int_equal(st.delivered, 0);
	assert_int_equal(ev_count(a), 0);
	irq_remap_destroy(ir);
	close(a);
}

static void test_alloc_exhaustion(void **state)
{
	struct irq_remap *ir = irq_remap_create(4);
	int i, idx[4];

	for (i = 0; i < 4; i++) {
		idx[i] = irq_remap_alloc(ir, RID);
		assert_true(idx[i] >= 0 && idx[i] < 4);
	}
	assert_int_equal(irq_remap_alloc(ir, RID), -ENOSPC);
	irq_remap_free(ir, (unsigned int)idx[2]);
	assert_int_equal(irq_remap_alloc(ir, RID2), idx[2]);
	for (i = 0; i < 4; i++)
		irq_remap_free(ir, (unsigned int)idx[i]);
	assert_int_equal(irq_remap_nr_allocated(ir), 0);
	irq_remap_destroy(ir);
}

/* ---- concurrency ----------------------------------------------------------- */

struct deliverer {
	struct irq_remap *ir;
	struct msi_msg msg;
	atomic_int stop;
	atomic_long ok, blocked, no_target;
};

static void *deliver_loop(void *arg)
{
	struct deliverer *d = arg;

	while (!atomic_load(&d->stop)) {
		int r = irq_remap_msi_write(d->ir, RID, d->msg.address, d->msg.data);

		if (r == 0)
			atomic_fetch_add(&d->ok, 1);
		else if (r == -EPERM)
			atomic_fetch_add(&d->blocked, 1);
		else if (r == -ENODEV)
			atomic_fetch_add(&d->no_target, 1);
		else
			fail();
	}
	return NULL;
}

/*
 * Retarget in a loop while two threads deliver: every old fd is closed by
 * the table right after set_eventfd() returns, and we close our own copies
 * at once; a delivery racing with that would write to a closed (or reused)
 * fd. Each counter read afterwards must stay 0 on the old target.
 */
static void test_retarget_while_delivering(void **state)
{
	struct deliverer d = { 0 };
	pthread_t t[2];
	uint64_t total = 0;
	int idx, i, cur;

	d.ir = irq_remap_create(8);
	idx = irq_remap_alloc(d.ir, RID);
	irq_remap_compose_msg((unsigned int)idx, &d.msg);
	cur = new_eventfd();
	assert_int_equal(irq_remap_set_eventfd(d.ir, (unsigned int)idx, cur), 0);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, deliver_loop, &d);
	for (i = 0; i < 2000; i++) {
		int next = new_eventfd();

		assert_int_equal(irq_remap_set_eventfd(d.ir, (unsigned int)idx, next), 0);
		/* after the call no delivery can reach @cur any more */
		total += ev_count(cur);
		assert_int_equal(ev_count(cur), 0);
		close(cur);
		cur = next;
	}
	atomic_store(&d.stop, 1);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	total += ev_count(cur);
	/* every successful delivery landed on exactly one of our eventfds */
	assert_int_equal(total, (uint64_t)atomic_load(&d.ok));
	assert_int_equal(atomic_load(&d.blocked), 0);
	irq_remap_free(d.ir, (unsigned int)idx);
	irq_remap_destroy(d.ir);
	close(cur);
}

static void test_free_while_delivering(void **state)
{
	struct deliverer d = { 0 };
	pthread_t t[2];
	int idx, i, fd;

	d.ir = irq_remap_create(8);
	for (i = 0; i < 500; i++) {
		idx = irq_remap_alloc(d.ir, RID);
		assert_int_equal(idx, 0 + (i % 8));
		fd = new_eventfd();
		assert_int_equal(irq_remap_set_eventfd(d.ir, (unsigned int)idx, fd), 0);
		irq_remap_compose_msg((unsigned int)idx, &d.msg);
		atomic_store(&d.stop, 0);
		pthread_create(&t[0], NULL, deliver_loop, &d);
		pthread_create(&t[1], NULL, deliver_loop, &d);
		while (atomic_load(&d.ok) == 0)
			sched_yield();
		irq_remap_free(d.ir, (unsigned int)idx);
		/* freed: nothing reaches fd from now on */
		ev_count(fd);
		usleep(100);
		assert_int_equal(ev_count(fd), 0);
		close(fd);
		atomic_store(&d.stop, 1);
		pthread_join(t[0], NULL);
		pthread_join(t[1], NULL);
		atomic_store(&d.ok, 0);
	}
	assert_true(atomic_load(&d.blocked) > 0);
	assert_int_equal(irq_remap_nr_allocated(d.ir), 0);
	irq_remap_destroy(d.ir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_create_limits),
		cmocka_unit_test(test_compose),
		cmocka_unit_test(test_deliver_and_retarget),
		cmocka_unit_test(test_blocked_writes),
		cmocka_unit_test(test_alloc_exhaustion),
		cmocka_unit_test(test_retarget_while_delivering),
		cmocka_unit_test(test_free_while_delivering),
	};

	return cmocka_run_group_tests_name("irq_remap", tests, NULL, NULL);
}
