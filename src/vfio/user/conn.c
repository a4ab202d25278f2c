// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user connections: non-blocking receive of whole messages with their
 * fds, bounded reply queue, teardown.
 *
 * Framing: the server reads exactly the bytes of the current message (the
 * header, then msg_size - 16 more), never into the next one, so fds that
 * arrive while a message is read belong to that message: the kernel hands
 * a sender's SCM_RIGHTS over with the first byte of its sendmsg() and stops
 * a read after the segment that carried them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "lib/log.h"
#include "vfio/user/user_priv.h"

struct vfio_user_txbuf *vfio_user_txbuf_alloc(size_t payload)
{
	struct vfio_user_txbuf *tb;

	tb = calloc(1, sizeof(*tb) + sizeof(struct vfio_user_header) + payload);
	if (!tb)
		return NULL;
	INIT_LIST_HEAD(&tb->node);
	tb->len = sizeof(struct vfio_user_header) + payload;
	tb->fd = -1;
	return tb;
}

void vfio_user_txbuf_free(struct vfio_user_txbuf *tb)
{
	if (!tb)
		return;
	if (tb->fd >= 0)
		close(tb->fd);
	free(tb);
}

static void vfio_user_rx_reset(struct vfio_user_conn *c)
{
	unsigned int i;

	for (i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	c->nfds = 0;
	c->fds_lost = false;
	c->hdr_got = 0;
	c->body_len = 0;
	c->body_got = 0;
	/* Do not keep a large buffer around for one large message. */
	if (c->body_cap > VFIO_USER_MSG_MIN_LIMIT) {
		free(c->body);
		c->body = NULL;
		c->body_cap = 0;
	}
}

static void vfio_user_take_fds(struct vfio_user_conn *c, struct msghdr *mh)
{
	struct cmsghdr *cm;
	unsigned int i, n;
	int *fds;

	if (mh->msg_flags & MSG_CTRUNC)
		c->fds_lost = true;
	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		fds = (int *)CMSG_DATA(cm);
		for (i = 0; i < n; i++) {
			int fd;

			memcpy(&fd, &fds[i], sizeof(fd));
			if (c->nfds < c->lim.max_msg_fds) {
				c->fds[c->nfds++] = fd;
			} else {
				close(fd);
				c->fds_lost = true;
			}
		}
	}
}

/* Return: bytes read (> 0), 0 on EOF, -EAGAIN, or -errno. */
static ssize_t vfio_user_recv(struct vfio_user_conn *c, void *buf, size_t len)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * VFIO_USER_FDS_LIMIT)];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
	};
	ssize_t n;

	do {
		n = recvmsg(c->src.fd, &mh, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
	} while (n < 0 && errno == EINTR);
	if (n < 0)
		return -errno;
	vfio_user_take_fds(c, &mh);
	return n;
}

/*
 * The header is complete: check what the framing depends on. A size that
 * cannot be framed ends the connection after an error reply.
 */
static int vfio_user_rx_header(struct vfio_user_conn *c)
{
	size_t body = 0;

	if (c->hdr.msg_size < sizeof(struct vfio_user_header) ||
	    c->hdr.msg_size > c->max_msg_size) {
		pr_warn("vfio-user: %s: message size %u out of [16, %zu], closing\n",
			c->ep->path, c->hdr.msg_size, c->max_msg_size);
		vfio_user_send_error(c, c->hdr.msg_id, c->hdr.command, -EINVAL);
		c->closing = true;
		return -EINVAL;
	}
	body = c->hdr.msg_size - sizeof(struct vfio_user_header);
	if (body > c->body_cap) {
		uint8_t *p = realloc(c->body, body);

		if (!p) {
			vfio_user_send_error(c, c->hdr.msg_id, c->hdr.command, -ENOMEM);
			c->closing = true;
			return -ENOMEM;
		}
		c->body = p;
		c->body_cap = body;
	}
	c->body_len = body;
	c->body_got = 0;
	return 0;
}

/*
 * Read toward the current message. Return: 1 when a message is complete,
 * 0 when the socket has no more data now, -errno when the connection must
 * end (EOF is -ECONNRESET).
 */
static int vfio_user_rx_step(struct vfio_user_conn *c)
{
	ssize_t n;
	int rc;

	if (c->hdr_got < sizeof(c->hdr)) {
		n = vfio_user_recv(c, (uint8_t *)&c->hdr + c->hdr_got,
				   sizeof(c->hdr) - c->hdr_got);
		if (n == -EAGAIN)
			return 0;
		if (n <= 0)
			return n ? (int)n : -ECONNRESET;
		c->hdr_got += n;
		if (c->hdr_got < sizeof(c->hdr))
			return 0;
		rc = vfio_user_rx_header(c);
		if (rc)
			return rc;
	}
	if (c->body_got < c->body_len) {
		n = vfio_user_recv(c, c->body + c->body_got, c->body_len - c->body_got);
		if (n == -EAGAIN)
			return 0;
		if (n <= 0)
			return n ? (int)n : -ECONNRESET;
		c->body_got += n;
		if (c->body_got < c->body_len)
			return 0;
	}
	return 1;
}

/*
 * Poll for what the connection waits for: requests unless it is closing,
 * writability while replies are queued.
 */
static void vfio_user_update_events(struct vfio_user_conn *c)
{
	uint32_t want = (c->closing ? 0 : EPOLLIN) | (list_empty(&c->txq) ? 0 : EPOLLOUT);

	if (want == c->events)
		return;
	if (evloop_mod(c->ep->srv->loop, &c->src, want))
		c->dead = true;
	c->events = want;
}

static ssize_t vfio_user_send(struct vfio_user_conn *c, struct vfio_user_txbuf *tb)
{
	union {
		char buf[CMSG_SPACE(sizeof(int))];
		struct cmsghdr align;
	} ctl;
	struct iovec iov = { .iov_base = tb->data + tb->off, .iov_len = tb->len - tb->off };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;
	ssize_t n;

	if (tb->off == 0 && tb->fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &tb->fd, sizeof(int));
	}
	do {
		n = sendmsg(c->src.fd, &mh, MSG_DONTWAIT | MSG_NOSIGNAL);
	} while (n < 0 && errno == EINTR);
	return n < 0 ? -errno : n;
}

/* Write queued replies until done or the socket is full. */
static void vfio_user_flush(struct vfio_user_conn *c)
{
	struct vfio_user_txbuf *tb;
	ssize_t n;

	while (!list_empty(&c->txq) && !c->dead) {
		tb = list_first_entry(&c->txq, struct vfio_user_txbuf, node);
		n = vfio_user_send(c, tb);
		if (n == -EAGAIN)
			return;
		if (n < 0) {
			c->dead = true;
			return;
		}
		if (tb->off == 0 && tb->fd >= 0) {
			close(tb->fd);
			tb->fd = -1;
		}
		tb->off += n;
		c->tx_queued -= n;
		if (tb->off == tb->len) {
			list_del_init(&tb->node);
			vfio_user_txbuf_free(tb);
		}
	}
}

/**
 * vfio_user_conn_queue - queue a reply (ownership of @tb passes) and try to
 * send it. A client whose unread replies exceed max_tx_queued is dropped.
 */
void vfio_user_conn_queue(struct vfio_user_conn *c, struct vfio_user_txbuf *tb)
{
	list_add_tail(&tb->node, &c->txq);
	c->tx_queued += tb->len;
	vfio_user_flush(c);
	if (c->tx_queued > c->lim.max_tx_queued && !c->dead) {
		pr_warn("vfio-user: %s: client pid %d does not read its replies (%zu bytes queued), dropping it\n",
			c->ep->path, (int)c->pid, c->tx_queued);
		c->dead = true;
	}
}

static void vfio_user_conn_rx(struct vfio_user_conn *c)
{
	int i, rc;

	for (i = 0; i < VFIO_USER_MSGS_PER_EVENT && !c->dead && !c->closing; i++) {
		rc = vfio_user_rx_step(c);
		if (rc == 0)
			return;
		if (rc < 0) {
			if (rc != -ECONNRESET && !c->closing)
				pr_warn("vfio-user: %s: receive: %s\n", c->ep->path, strerror(-rc));
			if (!c->closing)
				c->dead = true;
			return;
		}
		vfio_user_dispatch(c);
		vfio_user_rx_reset(c);
	}
}

static void vfio_user_conn_handler(struct ev_source *src, uint32_t events)
{
	struct vfio_user_conn *c = container_of(src, struct vfio_user_conn, src);

	if (events & EPOLLOUT)
		vfio_user_flush(c);
	if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && !c->dead)
		vfio_user_conn_rx(c);
	if (c->closing && list_empty(&c->txq))
		c->dead = true;
	if (!c->dead)
		vfio_user_update_events(c);
	if (c->dead)
		vfio_user_conn_destroy(c);
}

void vfio_user_conn_accept(struct vfio_user_endpoint *ep, int fd)
{
	struct vfio_user_server *srv = ep->srv;
	struct vfio_user_conn *c;
	struct ucred cred = { .pid = 0 };
	socklen_t len = sizeof(cred);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len))
		memset(&cred, 0, sizeof(cred));
	if (ep->nr_pending >= srv->lim.max_pending) {
		pr_warn("vfio-user: %s: too many pending connections, refusing pid %d\n",
			ep->path, (int)cred.pid);
		close(fd);
		return;
	}
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->ep = ep;
	c->lim = srv->lim;
	c->max_msg_size = sizeof(struct vfio_user_header) +
			  sizeof(struct vfio_user_region_access) + c->lim.max_data_xfer_size;
	if (c->max_msg_size < VFIO_USER_MSG_MIN_LIMIT)
		c->max_msg_size = VFIO_USER_MSG_MIN_LIMIT;
	c->pid = cred.pid;
	c->uid = cred.uid;
	c->gid = cred.gid;
	c->peer_max_msg_fds = VFIO_USER_DEFAULT_MAX_MSG_FDS;
	INIT_LIST_HEAD(&c->txq);
	INIT_LIST_HEAD(&c->dmas);
	c->src.fd = fd;
	c->src.handler = vfio_user_conn_handler;
	c->events = EPOLLIN;
	if (evloop_add(srv->loop, &c->src, c->events)) {
		close(fd);
		free(c);
		return;
	}
	list_add_tail(&c->node, &ep->conns);
	ep->nr_pending++;
	pr_info("vfio-user: %s: client pid %d uid %u gid %u connected\n",
		vfio_device_name(ep->vdev), (int)c->pid, (unsigned int)c->uid,
		(unsigned int)c->gid);
}

/**
 * vfio_user_conn_destroy - end a connection: its session (if it owns the
 * device) is closed, which removes every DMA mapping and releases the
 * device's IRQ eventfds; then the client memory is unmapped and the socket
 * closed.
 */
void vfio_user_conn_destroy(struct vfio_user_conn *c)
{
	struct vfio_user_endpoint *ep = c->ep;
	struct vfio_user_txbuf *tb, *n;

	evloop_del(ep->srv->loop, &c->src);
	close(c->src.fd);
	if (c->session)
		vfio_user_session_end(c);
	else
		ep->nr_pending--;
	vfio_user_rx_reset(c);
	free(c->body);
	list_for_each_entry_safe(tb, n, &c->txq, node)
		vfio_user_txbuf_free(tb);
	list_del_init(&c->node);
	pr_info("vfio-user: %s: client pid %d disconnected\n",
		vfio_device_name(ep->vdev), (int)c->pid);
	free(c);
}
