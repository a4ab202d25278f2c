/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's event loop: epoll over file descriptors, level-triggered,
 * plus a thread-safe work queue that runs callbacks on the loop thread.
 *
 * Threading: siovd's control plane (control socket, vfio-user sockets, sysfs
 * stores, mdev create/remove) runs on the one thread that calls
 * evloop_run(). Other threads (engines, interrupt delivery) hand work to it
 * with evloop_queue_work().
 *
 * Lifetime: an ev_source is owned by its caller; it must stay valid from
 * evloop_add() until evloop_del() returns. evloop_del() may be called from a
 * handler, for any source: the loop re-polls before touching another source.
 */
#ifndef SIOVD_LIB_EVLOOP_H
#define SIOVD_LIB_EVLOOP_H

#include <stdint.h>
#include <sys/epoll.h>

#include "lib/list.h"

struct evloop;
struct ev_source;

typedef void (*ev_handler_t)(struct ev_source *src, uint32_t events);

struct ev_source {
	int fd;
	ev_handler_t handler;
};

struct ev_work {
	struct list_head node;
	void (*fn)(struct ev_work *work);
};

/* Return: a new loop, or NULL with errno set. */
struct evloop *evloop_create(void);
void evloop_destroy(struct evloop *loop);

/* @events: EPOLLIN/EPOLLOUT/... Return: 0 or -errno (-EEXIST if added twice). */
int evloop_add(struct evloop *loop, struct ev_source *src, uint32_t events);
int evloop_mod(struct evloop *loop, struct ev_source *src, uint32_t events);
void evloop_del(struct evloop *loop, struct ev_source *src);

/*
 * evloop_run - dispatch events until evloop_stop().
 * Return: 0 after a stop, -errno if epoll failed.
 */
int evloop_run(struct evloop *loop);

/*
 * evloop_run_once - dispatch the events ready within @timeout_ms
 * (-1 waits forever). Return: number of handlers run, or -errno.
 */
int evloop_run_once(struct evloop *loop, int timeout_ms);

/* Thread-safe and async-signal-safe. */
void evloop_stop(struct evloop *loop);

/*
 * evloop_queue_work - run @work->fn(@work) on the loop thread, once.
 * Thread-safe. @work must stay valid until its fn ran; queueing a work item
 * that is already queued is a bug.
 */
void evloop_queue_work(struct evloop *loop, struct ev_work *work);

#endif
