// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user server: the frontend, one listening socket per device, accept.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "lib/log.h"
#include "vfio/user/user_priv.h"

#define VFIO_USER_BACKLOG		16
#define VFIO_USER_ACCEPTS_PER_EVENT	16

static const struct vfio_user_limits vfio_user_default_limits = {
	.max_msg_fds = 8,
	.max_data_xfer_size = VFIO_USER_DEFAULT_MAX_DATA_XFER,
	.max_tx_queued = 8 * 1024 * 1024,
	.max_pending = 4,
};

static void vfio_user_listen_handler(struct ev_source *src, uint32_t events)
{
	struct vfio_user_endpoint *ep = container_of(src, struct vfio_user_endpoint, listen);
	int i, fd;

	for (i = 0; i < VFIO_USER_ACCEPTS_PER_EVENT; i++) {
		fd = accept4(src->fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			if (errno != EAGAIN && errno != EINTR && errno != ECONNABORTED)
				pr_warn("vfio-user: %s: accept: %s\n", ep->path, strerror(errno));
			return;
		}
		vfio_user_conn_accept(ep, fd);
	}
}

/*
 * A socket file left by a daemon that is gone refuses connections; replace
 * it. Anything else at @path is not ours.
 * Return: 0 (path free now), -EADDRINUSE (someone listens), -EEXIST.
 */
static int vfio_user_clear_stale(const char *path, const struct sockaddr_un *sun)
{
	struct stat st;
	int fd, rc;

	if (lstat(path, &st))
		return 0;
	if (!S_ISSOCK(st.st_mode))
		return -EEXIST;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	rc = connect(fd, (const struct sockaddr *)sun, sizeof(*sun));
	if (rc == 0 || errno != ECONNREFUSED) {
		close(fd);
		return -EADDRINUSE;
	}
	close(fd);
	if (unlink(path))
		return -errno;
	return 0;
}

static int vfio_user_listen(struct vfio_user_endpoint *ep)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd, rc;

	if (strlen(ep->path) >= sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	strcpy(sun.sun_path, ep->path);
	rc = vfio_user_clear_stale(ep->path, &sun);
	if (rc)
		return rc;

	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	/* Linux creates the socket file with the socket inode's mode. */
	if (fchmod(fd, 0600))
		goto out_errno;
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)))
		goto out_errno;
	if (chmod(ep->path, 0600) || listen(fd, VFIO_USER_BACKLOG))
		goto out_unlink;
	ep->listen.fd = fd;
	ep->listen.handler = vfio_user_listen_handler;
	rc = evloop_add(ep->srv->loop, &ep->listen, EPOLLIN);
	if (rc) {
		errno = -rc;
		goto out_unlink;
	}
	return 0;

out_unlink:
	rc = -errno;
	unlink(ep->path);
	close(fd);
	return rc;
out_errno:
	rc = -errno;
	close(fd);
	return rc;
}

static void vfio_user_endpoint_free(struct vfio_user_endpoint *ep)
{
	vfio_put_device(ep->vdev);
	free(ep->path);
	free(ep);
}

static int vfio_user_device_added(struct vfio_frontend *fe, struct vfio_device *vdev)
{
	struct vfio_user_server *srv = container_of(fe, struct vfio_user_server, fe);
	struct vfio_user_endpoint *ep;
	int rc;

	ep = calloc(1, sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	INIT_LIST_HEAD(&ep->conns);
	ep->srv = srv;
	ep->listen.fd = -1;
	vfio_get_device(vdev);
	ep->vdev = vdev;
	if (asprintf(&ep->path, "%s/%s.sock", srv->sock_dir, vfio_device_name(vdev)) < 0) {
		ep->path = NULL;
		rc = -ENOMEM;
		goto out_free;
	}
	rc = vfio_user_listen(ep);
	if (rc) {
		pr_err("vfio-user: cannot listen on %s: %s\n", ep->path, strerror(-rc));
		goto out_free;
	}
	vdev->transport_data = ep;
	list_add_tail(&ep->node, &srv->endpoints);
	pr_info("vfio-user: %s: serving on %s\n", vfio_device_name(vdev), ep->path);
	return 0;

out_free:
	vfio_user_endpoint_free(ep);
	return rc;
}

static void vfio_user_endpoint_destroy(struct vfio_user_endpoint *ep)
{
	struct vfio_user_conn *c, *n;

	list_for_each_entry_safe(c, n, &ep->conns, node)
		vfio_user_conn_destroy(c);
	evloop_del(ep->srv->loop, &ep->listen);
	close(ep->listen.fd);
	unlink(ep->path);
	list_del_init(&ep->node);
	if (ep->vdev->transport_data == ep)
		ep->vdev->transport_data = NULL;
	pr_info("vfio-user: %s: socket %s removed\n", vfio_device_name(ep->vdev), ep->path);
	vfio_user_endpoint_free(ep);
}

static void vfio_user_device_removed(struct vfio_frontend *fe, struct vfio_device *vdev)
{
	struct vfio_user_server *srv = container_of(fe, struct vfio_user_server, fe);
	struct vfio_user_endpoint *ep;

	list_for_each_entry(ep, &srv->endpoints, node) {
		if (ep->vdev == vdev) {
			vfio_user_endpoint_destroy(ep);
			return;
		}
	}
}

static bool vfio_user_limits_valid(const struct vfio_user_limits *lim)
{
	return lim->max_msg_fds >= 1 && lim->max_msg_fds <= VFIO_USER_FDS_LIMIT &&
	       lim->max_data_xfer_size >= 8 &&
	       lim->max_data_xfer_size <= 64 * 1024 * 1024 &&
	       lim->max_tx_queued >= 64 * 1024 &&
	       lim->max_pending >= 1 && lim->max_pending <= 64;
}

int vfio_user_server_set_limits(struct vfio_user_server *srv,
				const struct vfio_user_limits *lim)
{
	if (!srv || !lim || !vfio_user_limits_valid(lim))
		return -EINVAL;
	srv->lim = *lim;
	return 0;
}

void vfio_user_server_get_limits(const struct vfio_user_server *srv,
				 struct vfio_user_limits *lim)
{
	*lim = srv->lim;
}

struct vfio_user_server *vfio_user_server_create(struct evloop *loop, const char *sock_dir)
{
	struct vfio_user_server *srv;
	int rc;

	if (!loop || !sock_dir || !*sock_dir) {
		errno = EINVAL;
		return NULL;
	}
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		goto out_nomem;
	srv->sock_dir = strdup(sock_dir);
	if (!srv->sock_dir)
		goto out_free;
	srv->loop = loop;
	srv->lim = vfio_user_default_limits;
	INIT_LIST_HEAD(&srv->endpoints);
	srv->fe.name = "vfio-user";
	srv->fe.device_added = vfio_user_device_added;
	srv->fe.device_removed = vfio_user_device_removed;
	rc = vfio_register_frontend(&srv->fe);
	if (rc) {
		free(srv->sock_dir);
		free(srv);
		errno = -rc;
		return NULL;
	}
	return srv;

out_free:
	free(srv);
out_nomem:
	errno = ENOMEM;
	return NULL;
}

void vfio_user_server_destroy(struct vfio_user_server *srv)
{
	struct vfio_user_endpoint *ep, *n;

	if (!srv)
		return;
	/* Unregistering calls device_removed for every device. */
	vfio_unregister_frontend(&srv->fe);
	list_for_each_entry_safe(ep, n, &srv->endpoints, node)
		vfio_user_endpoint_destroy(ep);
	free(srv->sock_dir);
	free(srv);
}
