/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to the vfio-user server: its objects and the command handlers.
 *
 *   vfio_user_server   the frontend; owns the endpoints
 *   vfio_user_endpoint one per registered vfio_device: the listening socket;
 *                      owns its connections; holds a device reference
 *   vfio_user_conn     one accepted client socket; at most one connection
 *                      of an endpoint (the owner) has a session
 *
 * A connection is never freed inside its own request handling: handlers and
 * the transport mark it dead (error: close now) or closing (close once the
 * queued replies are sent), and the socket's event handler frees it last.
 */
#ifndef SIOVD_VFIO_USER_USER_PRIV_H
#define SIOVD_VFIO_USER_USER_PRIV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "lib/evloop.h"
#include "lib/list.h"
#include "uapi/vfio-user.h"
#include "vfio/user/vfio_user.h"
#include "vfio/vfio.h"

/* Upper bound on max_msg_fds: the kernel's SCM_MAX_FD. */
#define VFIO_USER_FDS_LIMIT		253
/* Room for VERSION JSON and SET_IRQS bool arrays besides REGION_WRITE data. */
#define VFIO_USER_MSG_MIN_LIMIT		(64 * 1024)
/* Largest GET_REGION_INFO reply (fixed part plus capability chain). */
#define VFIO_USER_REGION_INFO_MAX	(64 * 1024)
/* Messages handled per readiness event before other sockets get a turn. */
#define VFIO_USER_MSGS_PER_EVENT	16

struct vfio_user_server {
	struct vfio_frontend fe;
	struct evloop *loop;
	char *sock_dir;
	struct vfio_user_limits lim;
	struct list_head endpoints;
};

struct vfio_user_endpoint {
	struct list_head node;
	struct vfio_user_server *srv;
	struct vfio_device *vdev;		/* reference held */
	char *path;
	struct ev_source listen;
	struct list_head conns;
	unsigned int nr_pending;		/* conns without a session */
	struct vfio_user_conn *owner;		/* the conn with the session */
};

/* A queued reply; @fd (a dup, or -1) travels with its first byte. */
struct vfio_user_txbuf {
	struct list_head node;
	size_t len;
	size_t off;
	int fd;
	uint8_t data[];
};

/* Client memory the server mapped for DMA_MAP. */
struct vfio_user_dma {
	struct list_head node;
	uint64_t iova;
	uint64_t size;
	void *map;
	size_t map_len;
};

struct vfio_user_region_cache {
	bool valid;
	uint32_t flags;
	uint64_t size;
};

struct vfio_user_conn {
	struct list_head node;
	struct vfio_user_endpoint *ep;
	struct ev_source src;
	struct vfio_user_limits lim;		/* snapshot taken at accept */
	size_t max_msg_size;
	pid_t pid;
	uid_t uid;
	gid_t gid;
	bool dead;				/* drop now */
	bool closing;				/* drop once tx is empty */
	uint32_t events;			/* registered with the loop */

	/* negotiation and the device */
	bool negotiated;
	uint32_t peer_max_msg_fds;
	struct vfio_session *session;
	uint32_t num_regions;
	uint32_t num_irqs;
	struct vfio_user_region_cache *regions;

	/* receive state of the message being read */
	struct vfio_user_header hdr;
	size_t hdr_got;
	uint8_t *body;
	size_t body_cap;
	size_t body_len;
	size_t body_got;
	int fds[VFIO_USER_FDS_LIMIT];
	unsigned int nfds;
	bool fds_lost;				/* more fds than allowed, or truncated */

	/* replies not yet written */
	struct list_head txq;
	size_t tx_queued;

	struct list_head dmas;			/* struct vfio_user_dma */
};

/* A complete request as handlers see it. Fds are closed after the handler. */
struct vfio_user_msg {
	const struct vfio_user_header *hdr;
	const void *payload;
	size_t size;				/* payload bytes */
	const int *fds;
	unsigned int nfds;
};

/* What a handler answers: an optional payload and an optional fd. */
struct vfio_user_reply {
	struct vfio_user_txbuf *buf;		/* header room + payload, or NULL */
	int fd;					/* not owned; -1 for none */
};

/* ---- server.c / conn.c -------------------------------------------------- */
void vfio_user_conn_accept(struct vfio_user_endpoint *ep, int fd);
void vfio_user_conn_destroy(struct vfio_user_conn *c);
void vfio_user_conn_queue(struct vfio_user_conn *c, struct vfio_user_txbuf *tb);
struct vfio_user_txbuf *vfio_user_txbuf_alloc(size_t payload);
void vfio_user_txbuf_free(struct vfio_user_txbuf *tb);

/* ---- dispatch.c ---------------------------------------------------------- */
void vfio_user_dispatch(struct vfio_user_conn *c);
void *vfio_user_reply_payload(struct vfio_user_reply *r, size_t size);
void vfio_user_send_error(struct vfio_user_conn *c, uint16_t msg_id,
			  uint16_t command, int err);
uint32_t vfio_user_reply_errno(int err);

/* ---- handlers: one per command ------------------------------------------- */
int vfio_user_handle_version(struct vfio_user_conn *c, const struct vfio_user_msg *m,
			     struct vfio_user_reply *r);
int vfio_user_handle_dma_map(struct vfio_user_conn *c, const struct vfio_user_msg *m,
			     struct vfio_user_reply *r);
int vfio_user_handle_dma_unmap(struct vfio_user_conn *c, const struct vfio_user_msg *m,
			       struct vfio_user_reply *r);
int vfio_user_handle_device_get_info(struct vfio_user_conn *c, const struct vfio_user_msg *m,
				     struct vfio_user_reply *r);
int vfio_user_handle_region_info(struct vfio_user_conn *c, const struct vfio_user_msg *m,
				 struct vfio_user_reply *r);
int vfio_user_handle_irq_info(struct vfio_user_conn *c, const struct vfio_user_msg *m,
			      struct vfio_user_reply *r);
int vfio_user_handle_set_irqs(struct vfio_user_conn *c, const struct vfio_user_msg *m,
			      struct vfio_user_reply *r);
int vfio_user_handle_region_read(struct vfio_user_conn *c, const struct vfio_user_msg *m,
				 struct vfio_user_reply *r);
int vfio_user_handle_region_write(struct vfio_user_conn *c, const struct vfio_user_msg *m,
				  struct vfio_user_reply *r);
int vfio_user_handle_device_reset(struct vfio_user_conn *c, const struct vfio_user_msg *m,
				  struct vfio_user_reply *r);

/* ---- session helpers (device.c, dma.c) ----------------------------------- */
int vfio_user_session_start(struct vfio_user_conn *c);
void vfio_user_session_end(struct vfio_user_conn *c);
int vfio_user_region_lookup(struct vfio_user_conn *c, uint32_t index,
			    struct vfio_user_region_cache **rcp);
void vfio_user_dma_release_all(struct vfio_user_conn *c);

static inline struct vfio_device *vfio_user_conn_vdev(struct vfio_user_conn *c)
{
	return c->ep->vdev;
}

#endif
