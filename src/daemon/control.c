// SPDX-License-Identifier: GPL-2.0-only
/* The control socket: attribute access for siovctl (protocol in control.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "base/module.h"
#include "daemon/control.h"
#include "lib/evloop.h"
#include "lib/list.h"
#include "lib/log.h"
#include "sysfs/sysfs.h"

struct control_server {
	struct evloop *loop;
	struct ev_source listen;
	char *path;
	struct list_head clients;
	int (*stats)(char *buf, size_t size, void *arg);
	void *stats_arg;
};

struct control_client {
	struct control_server *srv;
	struct ev_source ev;
	struct list_head node;
	size_t len;
	char buf[CONTROL_MAX_LINE];
};

/* A growable reply payload. */
struct reply {
	char *data;
	size_t len, cap;
	int err;
};

static void reply_add(struct reply *r, const char *s, size_t n)
{
	char *p;

	if (r->err)
		return;
	if (r->len + n > r->cap) {
		size_t cap = (r->len + n) * 2 + 256;

		p = realloc(r->data, cap);
		if (!p) {
			r->err = -ENOMEM;
			return;
		}
		r->data = p;
		r->cap = cap;
	}
	memcpy(r->data + r->len, s, n);
	r->len += n;
}

static int send_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = send(fd, p, n, MSG_NOSIGNAL);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= w;
	}
	return 0;
}

/* Send "<status> <len>\n<payload>". Return: 0 or -errno. */
static int send_reply(int fd, int status, const char *payload, size_t len)
{
	char hdr[64];
	int n = snprintf(hdr, sizeof(hdr), "%d %zu\n", status, len);
	int rc = send_all(fd, hdr, n);

	return rc ? rc : send_all(fd, payload, len);
}

static int send_error(int fd, int err)
{
	const char *msg = strerror(-err);

	return send_reply(fd, err, msg, strlen(msg));
}

struct ls_ctx {
	const char *dir;
	struct reply *out;
};

static int ls_entry(void *arg, const char *name, const struct sysfs_stat *st)
{
	struct ls_ctx *ls = arg;
	char path[1024], target[1024];

	reply_add(ls->out, name, strlen(name));
	if (st->type == SYSFS_TYPE_DIR)
		reply_add(ls->out, "/", 1);
	if (st->type == SYSFS_TYPE_LINK) {
		snprintf(path, sizeof(path), "%s/%s", ls->dir, name);
		if (sysfs_readlink(path, target, sizeof(target)) < 0)
			strcpy(target, "?");
		reply_add(ls->out, " -> ", 4);
		reply_add(ls->out, target, strlen(target));
	}
	reply_add(ls->out, "\n", 1);
	return 0;
}

static int do_ls(const char *path, struct reply *out)
{
	struct ls_ctx ls = { .dir = path, .out = out };
	int rc = sysfs_readdir(path, ls_entry, &ls);

	return rc ? rc : out->err;
}

void control_server_set_stats(struct control_server *srv,
			      int (*fn)(char *buf, size_t size, void *arg), void *arg)
{
	srv->stats = fn;
	srv->stats_arg = arg;
}

/* Execute one request line (NUL-terminated, no newline). */
static int control_handle(struct control_server *srv, int fd, char *line)
{
	char buf[SYSFS_PAGE_SIZE];
	struct reply out = { 0 };
	char *cmd = line, *path, *value = NULL;
	ssize_t n;
	int rc;

	path = strchr(line, ' ');
	if (path) {
		*path++ = '\0';
		value = strchr(path, ' ');
		if (value)
			*value++ = '\0';
	}
	if (!strcmp(cmd, "ping") && !path)
		return send_reply(fd, 0, "", 0);
	if (!strcmp(cmd, "stats") && !path) {
		n = srv->stats ? srv->stats(buf, sizeof(buf), srv->stats_arg) : -ENOSYS;
		return n < 0 ? send_error(fd, n) : send_reply(fd, 0, buf, n);
	}
	if (!path || !*path)
		return send_error(fd, -EINVAL);

	if (!strcmp(cmd, "read") && !value) {
		n = sysfs_read(path, buf, sizeof(buf));
		return n < 0 ? send_error(fd, n) : send_reply(fd, 0, buf, n);
	}
	if (!strcmp(cmd, "write") && value) {
		n = sysfs_write(path, value, strlen(value));
		if (n >= 0)
			pr_info("control: %s <- %s", path, value);
		return n < 0 ? send_error(fd, n) : send_reply(fd, 0, "", 0);
	}
	if (!strcmp(cmd, "readlink") && !value) {
		rc = sysfs_readlink(path, buf, sizeof(buf));
		return rc < 0 ? send_error(fd, rc) : send_reply(fd, 0, buf, rc);
	}
	if (!strcmp(cmd, "modprobe") && !value) {
		rc = request_module("%s", path);
		pr_info("control: modprobe %s: %d", path, rc);
		return rc ? send_error(fd, rc) : send_reply(fd, 0, "", 0);
	}
	if (!strcmp(cmd, "rmmod") && !value) {
		rc = delete_module(path);
		pr_info("control: rmmod %s: %d", path, rc);
		return rc ? send_error(fd, rc) : send_reply(fd, 0, "", 0);
	}
	if (!strcmp(cmd, "ls") && !value) {
		rc = do_ls(path, &out);
		rc = rc ? send_error(fd, rc) : send_reply(fd, 0, out.data ? out.data : "", out.len);
		free(out.data);
		return rc;
	}
	return send_error(fd, -EINVAL);
}

static void client_close(struct control_client *c)
{
	evloop_del(c->srv->loop, &c->ev);
	close(c->ev.fd);
	list_del_init(&c->node);
	free(c);
}

static void client_handler(struct ev_source *src, uint32_t events)
{
	struct control_client *c = container_of(src, struct control_client, ev);
	char *nl;
	ssize_t n;

	n = recv(src->fd, c->buf + c->len, sizeof(c->buf) - c->len, MSG_DONTWAIT);
	if (n <= 0) {
		if (n < 0 && (errno == EAGAIN || errno == EINTR))
			return;
		client_close(c);
		return;
	}
	c->len += n;
	while ((nl = memchr(c->buf, '\n', c->len))) {
		*nl = '\0';
		if (control_handle(c->srv, src->fd, c->buf)) {
			client_close(c);
			return;
		}
		c->len -= nl + 1 - c->buf;
		memmove(c->buf, nl + 1, c->len);
	}
	if (c->len == sizeof(c->buf)) {
		send_error(src->fd, -E2BIG);
		client_close(c);
	}
}

static void listen_handler(struct ev_source *src, uint32_t events)
{
	struct control_server *srv = container_of(src, struct control_server, listen);
	struct control_client *c;
	int fd;

	fd = accept4(src->fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
	if (fd < 0)
		return;
	c = calloc(1, sizeof(*c));
	if (!c) {
		close(fd);
		return;
	}
	c->srv = srv;
	c->ev.fd = fd;
	c->ev.handler = client_handler;
	if (evloop_add(srv->loop, &c->ev, EPOLLIN)) {
		close(fd);
		free(c);
		return;
	}
	list_add_tail(&c->node, &srv->clients);
}

struct control_server *control_server_create(struct evloop *loop, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct control_server *srv;
	mode_t old;
	int fd, rc;

	if (strlen(path) >= sizeof(sun.sun_path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	strcpy(sun.sun_path, path);
	srv = calloc(1, sizeof(*srv));
	if (!srv)
		return NULL;
	INIT_LIST_HEAD(&srv->clients);
	srv->loop = loop;
	srv->path = strdup(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || !srv->path)
		goto out_free;
	unlink(path);
	old = umask(0177);
	rc = bind(fd, (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (rc || listen(fd, 16))
		goto out_close;
	srv->listen.fd = fd;
	srv->listen.handler = listen_handler;
	if (evloop_add(loop, &srv->listen, EPOLLIN))
		goto out_unlink;
	return srv;

out_unlink:
	unlink(path);
out_close:
	rc = errno;
	close(fd);
	errno = rc;
out_free:
	free(srv->path);
	free(srv);
	return NULL;
}

void control_server_destroy(struct control_server *srv)
{
	struct control_client *c, *n;

	if (!srv)
		return;
	list_for_each_entry_safe(c, n, &srv->clients, node)
		client_close(c);
	evloop_del(srv->loop, &srv->listen);
	close(srv->listen.fd);
	unlink(srv->path);
	free(srv->path);
	free(srv);
}
