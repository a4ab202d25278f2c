// SPDX-License-Identifier: GPL-2.0-only
/* lib/: kstrto parsing rules, kref, the event loop and its work queue. */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <cmocka.h>

#include "lib/evloop.h"
#include "lib/kref.h"
#include "lib/kstrto.h"

static void test_kstrto(void **state)
{
	unsigned int u;
	uint64_t v;
	bool b;
	int i;

	assert_int_equal(kstrtou64("42\n", 0, &v), 0);
	assert_int_equal(v, 42);
	assert_int_equal(kstrtou64("0x10", 0, &v), 0);
	assert_int_equal(v, 16);
	assert_int_equal(kstrtou64("42\n\n", 0, &v), -EINVAL);
	assert_int_equal(kstrtou64(" 42", 0, &v), -EINVAL);
	assert_int_equal(kstrtou64("-1", 0, &v), -EINVAL);
	assert_int_equal(kstrtou64("", 0, &v), -EINVAL);
	assert_int_equal(kstrtou64("4x", 0, &v), -EINVAL);
	assert_int_equal(kstrtou64("99999999999999999999999", 0, &v), -ERANGE);
	assert_int_equal(kstrtouint("4294967296", 0, &u), -ERANGE);
	assert_int_equal(kstrtoint("-1\n", 0, &i), 0);
	assert_int_equal(i, -1);
	assert_int_equal(kstrtoint("2147483648", 0, &i), -ERANGE);
	assert_int_equal(kstrtobool("on\n", &b), 0);
	assert_true(b);
	assert_int_equal(kstrtobool("0", &b), 0);
	assert_false(b);
	assert_int_equal(kstrtobool("maybe", &b), -EINVAL);
	assert_true(sysfs_streq("user\n", "user"));
	assert_true(sysfs_streq("user", "user\n"));
	assert_false(sysfs_streq("use", "user"));
	assert_false(sysfs_streq("user\n\n", "user"));
}

static int released;

static void rel(struct kref *k)
{
	released++;
}

static void test_kref(void **state)
{
	struct kref k;

	kref_init(&k);
	kref_get(&k);
	assert_false(kref_put(&k, rel));
	assert_int_equal(kref_read(&k), 1);
	assert_true(kref_put(&k, rel));
	assert_int_equal(released, 1);
}

struct ctx {
	struct evloop *loop;
	struct ev_source src;
	struct ev_work work;
	int hits, works;
};

static void on_readable(struct ev_source *src, uint32_t events)
{
	struct ctx *c = container_of(src, struct ctx, src);
	uint64_t v;

	assert_int_equal(read(src->fd, &v, sizeof(v)), sizeof(v));
	c->hits++;
}

static void on_work(struct ev_work *w)
{
	struct ctx *c = container_of(w, struct ctx, work);

	c->works++;
	evloop_stop(c->loop);
}

static void *queue_from_thread(void *arg)
{
	struct ctx *c = arg;

	evloop_queue_work(c->loop, &c->work);
	return NULL;
}

static void test_evloop(void **state)
{
	struct ctx c = { 0 };
	uint64_t one = 1;
	pthread_t t;

	c.loop = evloop_create();
	assert_non_null(c.loop);
	c.src.fd = eventfd(0, EFD_NONBLOCK);
	c.src.handler = on_readable;
	assert_int_equal(evloop_add(c.loop, &c.src, EPOLLIN), 0);
	assert_int_equal(evloop_add(c.loop, &c.src, EPOLLIN), -EEXIST);
	assert_int_equal(write(c.src.fd, &one, sizeof(one)), sizeof(one));
	assert_int_equal(evloop_run_once(c.loop, 1000), 1);
	assert_int_equal(c.hits, 1);
	/* nothing pending: times out */
	assert_int_equal(evloop_run_once(c.loop, 0), 0);
	/* work queued from another thread runs on the loop and stops it */
	c.work.fn = on_work;
	assert_int_equal(pthread_create(&t, NULL, queue_from_thread, &c), 0);
	assert_int_equal(evloop_run(c.loop), 0);
	pthread_join(t, NULL);
	assert_int_equal(c.works, 1);
	evloop_del(c.loop, &c.src);
	close(c.src.fd);
	evloop_destroy(c.loop);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kstrto),
		cmocka_unit_test(test_kref),
		cmocka_unit_test(test_evloop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
