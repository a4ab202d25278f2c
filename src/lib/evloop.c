// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "lib/evloop.h"

struct evloop {
	int epfd;
	struct ev_source wake;		/* eventfd: stop and queued work */
	atomic_int stopping;
	bool dirty;			/* a source was deleted mid-batch */
	pthread_mutex_t work_lock;	/* protects work */
	struct list_head work;
};

static void evloop_run_work(struct evloop *loop)
{
	LIST_HEAD(todo);
	struct ev_work *w, *n;

	pthread_mutex_lock(&loop->work_lock);
	if (!list_empty(&loop->work)) {
		todo.next = loop->work.next;
		todo.prev = loop->work.prev;
		todo.next->prev = &todo;
		todo.prev->next = &todo;
		INIT_LIST_HEAD(&loop->work);
	}
	pthread_mutex_unlock(&loop->work_lock);

	list_for_each_entry_safe(w, n, &todo, node) {
		list_del_init(&w->node);
		w->fn(w);
	}
}

static void evloop_wake_handler(struct ev_source *src, uint32_t events)
{
	struct evloop *loop = container_of(src, struct evloop, wake);
	uint64_t v;

	if (read(src->fd, &v, sizeof(v)) < 0 && errno != EAGAIN)
		return;
	evloop_run_work(loop);
}

struct evloop *evloop_create(void)
{
	struct evloop *loop = calloc(1, sizeof(*loop));

	if (!loop)
		return NULL;
	INIT_LIST_HEAD(&loop->work);
	pthread_mutex_init(&loop->work_lock, NULL);
	loop->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (loop->epfd < 0)
		goto out_free;
	loop->wake.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (loop->wake.fd < 0)
		goto out_close_ep;
	loop->wake.handler = evloop_wake_handler;
	if (evloop_add(loop, &loop->wake, EPOLLIN))
		goto out_close_wake;
	return loop;

out_close_wake:
	close(loop->wake.fd);
out_close_ep:
	close(loop->epfd);
out_free:
	pthread_mutex_destroy(&loop->work_lock);
	free(loop);
	return NULL;
}

void evloop_destroy(struct evloop *loop)
{
	if (!loop)
		return;
	evloop_run_work(loop);
	close(loop->wake.fd);
	close(loop->epfd);
	pthread_mutex_destroy(&loop->work_lock);
	free(loop);
}

static int evloop_ctl(struct evloop *loop, int op, struct ev_source *src,
		      uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = src };

	if (epoll_ctl(loop->epfd, op, src->fd, &ev))
		return -errno;
	return 0;
}

int evloop_add(struct evloop *loop, struct ev_source *src, uint32_t events)
{
	return evloop_ctl(loop, EPOLL_CTL_ADD, src, events);
}

int evloop_mod(struct evloop *loop, struct ev_source *src, uint32_t events)
{
	return evloop_ctl(loop, EPOLL_CTL_MOD, src, events);
}

void evloop_del(struct evloop *loop, struct ev_source *src)
{
	epoll_ctl(loop->epfd, EPOLL_CTL_DEL, src->fd, NULL);
	loop->dirty = true;
}

int evloop_run_once(struct evloop *loop, int timeout_ms)
{
	struct epoll_event evs[32];
	int n, i;

	n = epoll_wait(loop->epfd, evs, ARRAY_SIZE(evs), timeout_ms);
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	loop->dirty = false;
	for (i = 0; i < n; i++) {
		struct ev_source *src = evs[i].data.ptr;

		src->handler(src, evs[i].events);
		/* Level-triggered: anything skipped is reported again. */
		if (loop->dirty)
			return i + 1;
	}
	return n;
}

int evloop_run(struct evloop *loop)
{
	int rc;

	while (!atomic_load(&loop->stopping)) {
		rc = evloop_run_once(loop, -1);
		if (rc < 0)
			return rc;
	}
	atomic_store(&loop->stopping, 0);
	return 0;
}

void evloop_stop(struct evloop *loop)
{
	uint64_t one = 1;

	atomic_store(&loop->stopping, 1);
	if (write(loop->wake.fd, &one, sizeof(one)) < 0)
		return;
}

void evloop_queue_work(struct evloop *loop, struct ev_work *work)
{
	uint64_t one = 1;

	pthread_mutex_lock(&loop->work_lock);
	list_add_tail(&work->node, &loop->work);
	pthread_mutex_unlock(&loop->work_lock);
	if (write(loop->wake.fd, &one, sizeof(one)) < 0)
		return;
}
