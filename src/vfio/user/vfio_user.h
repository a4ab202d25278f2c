/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vfio-user server: serves every registered vfio_device to one client
 * at a time over an AF_UNIX stream socket, translating vfio-user messages
 * (include/uapi/vfio-user.h) into the device's vfio_device_ops.
 *
 * Sockets: one listening socket per registered device, at
 * <sock_dir>/<device name>.sock, mode 0600, created when the device is
 * registered (or, for devices registered earlier, when the server is
 * created) and unlinked when the device is unregistered or the server is
 * destroyed.
 *
 * Connections: any number may connect; the first whose VERSION succeeds
 * opens the device's session (vfio_session_open) and owns the device until
 * it disconnects. Another client's VERSION then fails with EBUSY and the
 * server closes that connection. On disconnect the session is closed
 * (vfio_session_close: IRQ eventfds released by close_device, every DMA
 * mapping removed, the client's memory unmapped); device state is kept and a
 * new client may connect.
 *
 * Eventfds of SET_IRQS: after the ioctl returns, the server closes the fds
 * it received, as the kernel's VFIO_DEVICE_SET_IRQS leaves the caller's fds
 * alone: a driver that keeps an eventfd dup()s it (the kernel takes an
 * eventfd_ctx reference) and closes it in close_device or when it is
 * replaced.
 *
 * Errors: handlers return negative errno; the reply carries the positive
 * value (docs/vfio-user.md lists which). A malformed stream is answered
 * where a header could be read and then closed; the daemon never blocks on
 * a client (non-blocking sockets, replies queued up to a bound, beyond which
 * the client is dropped).
 *
 * Threading: event-loop thread only, like the VFIO core.
 */
#ifndef SIOVD_VFIO_USER_VFIO_USER_H
#define SIOVD_VFIO_USER_VFIO_USER_H

#include <stddef.h>
#include <stdint.h>

struct evloop;
struct vfio_user_server;

/**
 * struct vfio_user_limits - per-connection limits of a server.
 * @max_msg_fds: fds accepted in one message (advertised as max_msg_fds);
 *	1..253 (SCM_MAX_FD). Default 8.
 * @max_data_xfer_size: bytes of one REGION_READ/REGION_WRITE (advertised as
 *	max_data_xfer_size); 8..64 MiB. Default 1 MiB.
 * @max_tx_queued: bytes of replies queued for one client that does not read
 *	them; a client above it is dropped. >= 64 KiB. Default 8 MiB.
 * @max_pending: connections per device still before a successful VERSION;
 *	a connection beyond it is closed at once. 1..64. Default 4.
 */
struct vfio_user_limits {
	uint32_t max_msg_fds;
	uint32_t max_data_xfer_size;
	size_t max_tx_queued;
	unsigned int max_pending;
};

/**
 * vfio_user_server_create - start serving VFIO devices over vfio-user.
 * @loop: the event loop that runs every socket of the server; must outlive
 *	the server.
 * @sock_dir: existing directory for the sockets (copied).
 *
 * Registers the server as a VFIO frontend, so every device registered now
 * or later gets its socket. A stale socket file of the same name (no one
 * listening) is replaced; any other existing file is left alone and that
 * device fails to register with -EEXIST.
 *
 * Return: the server, or NULL with errno set (EINVAL, ENOMEM, or a socket
 * error for an already registered device). Undone by
 * vfio_user_server_destroy().
 */
struct vfio_user_server *vfio_user_server_create(struct evloop *loop, const char *sock_dir);

/**
 * vfio_user_server_destroy - disconnect every client (closing its session),
 * remove every socket and unregister the frontend. NULL is a no-op.
 */
void vfio_user_server_destroy(struct vfio_user_server *srv);

/**
 * vfio_user_server_set_limits - change the limits for connections accepted
 * from now on.
 * Return: 0, or -EINVAL if a value is out of the documented range.
 */
int vfio_user_server_set_limits(struct vfio_user_server *srv,
				const struct vfio_user_limits *lim);

/* The limits in force (defaults until changed). */
void vfio_user_server_get_limits(const struct vfio_user_server *srv,
				 struct vfio_user_limits *lim);

#endif
