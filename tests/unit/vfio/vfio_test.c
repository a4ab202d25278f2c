// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test environment and the raw vfio-user client (see vfio_test.h).
 */
#include <errno.h>
#include <poll.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <setjmp.h>
#include <cmocka.h>

#include "iommu/iommu.h"
#include "lib/evloop.h"
#include "vfio/core/vfio_core.h"
#include "vfio/user/vfio_user.h"
#include "vfio_test.h"

/* Upper bound of loop turns a wait may take before the test fails. */
#define RC_MAX_TURNS		5000

/* Room for an SCM_RIGHTS message of RC_MAX_FDS descriptors, aligned. */
union rc_cmsg {
	char buf[CMSG_SPACE(sizeof(int) * RC_MAX_FDS)];
	struct cmsghdr align;
};

int vfio_test_memfd(size_t size)
{
	int fd = memfd_create("vfio-test", MFD_CLOEXEC | MFD_ALLOW_SEALING);

	if (fd < 0)
		return -1;
	if (ftruncate(fd, (off_t)size)) {
		close(fd);
		return -1;
	}
	return fd;
}

void vfio_test_env_setup(struct vfio_test_env *env, const char *name)
{
	memset(env, 0, sizeof(*env));
	env->iommu = iommu_create();
	assert_non_null(env->iommu);
	vfio_core_init(env->iommu);
	env->loop = evloop_create();
	assert_non_null(env->loop);
	strcpy(env->dir, "/tmp/siovd-vfio-XXXXXX");
	assert_non_null(mkdtemp(env->dir));
	env->srv = vfio_user_server_create(env->loop, env->dir);
	assert_non_null(env->srv);
	if (!name)
		return;
	env->td = testdev_create(env->iommu, name);
	assert_non_null(env->td);
	assert_int_equal(vfio_register_device(&env->td->vdev), 0);
	snprintf(env->path, sizeof(env->path), "%s/%s.sock", env->dir, name);
}

void vfio_test_env_teardown(struct vfio_test_env *env)
{
	if (env->td) {
		vfio_unregister_device(&env->td->vdev);
		vfio_put_device(&env->td->vdev);
	}
	vfio_user_server_destroy(env->srv);
	evloop_destroy(env->loop);
	vfio_core_exit();
	iommu_destroy(env->iommu);
	rmdir(env->dir);
}

int vfio_test_env_alloc(void **state, const char *name)
{
	struct vfio_test_env *env = calloc(1, sizeof(*env));

	vfio_test_env_setup(env, name);
	*state = env;
	return 0;
}

int vfio_test_env_free(void **state)
{
	vfio_test_env_teardown(*state);
	free(*state);
	return 0;
}

/* ---- raw client ---------------------------------------------------------- */

int rc_connect(struct rawclient *rc, struct evloop *loop, const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	memset(rc, 0, sizeof(*rc));
	rc->fd = -1;
	rc->loop = loop;
	rc->next_id = 1;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | (loop ? SOCK_NONBLOCK : 0), 0);
	if (fd < 0)
		return -errno;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	/* A listening AF_UNIX socket completes connect() from its backlog. */
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		int err = -errno;

		close(fd);
		return err;
	}
	rc->fd = fd;
	rc_pump(rc);
	return 0;
}

void rc_close(struct rawclient *rc)
{
	if (rc->fd >= 0)
		close(rc->fd);
	rc->fd = -1;
	/* Let the server see the hang-up. */
	if (rc->loop)
		while (evloop_run_once(rc->loop, 0) > 0)
			;
}

void rc_pump(struct rawclient *rc)
{
	if (rc->loop)
		evloop_run_once(rc->loop, 1);
}

static void rc_wait(struct rawclient *rc, unsigned int *turns)
{
	if (++*turns > RC_MAX_TURNS)
		fail_msg("vfio-user server did not make progress");
	if (rc->loop)
		evloop_run_once(rc->loop, 2);
}

int rc_send_raw(struct rawclient *rc, const void *buf, size_t len,
		const int *fds, unsigned int nfds)
{
	union rc_cmsg ctl;
	size_t done = 0;
	unsigned int turns = 0;
	ssize_t n;

	while (done < len) {
		struct iovec iov = { .iov_base = (char *)buf + done, .iov_len = len - done };
		struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };

		if (!done && nfds) {
			struct cmsghdr *cm;

			memset(&ctl, 0, sizeof(ctl));
			mh.msg_control = ctl.buf;
			mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
			cm = CMSG_FIRSTHDR(&mh);
			cm->cmsg_level = SOL_SOCKET;
			cm->cmsg_type = SCM_RIGHTS;
			cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
			memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
		}
		n = sendmsg(rc->fd, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EAGAIN) {
			rc_wait(rc, &turns);
			continue;
		}
		if (n < 0)
			return -errno;
		done += n;
	}
	return 0;
}

int rc_send(struct rawclient *rc, uint16_t cmd, uint32_t flags,
	    const void *payload, size_t len, const int *fds, unsigned int nfds)
{
	struct vfio_user_header *hdr;
	uint16_t id = rc->next_id++;
	uint8_t *buf;
	int rc_;

	buf = calloc(1, sizeof(*hdr) + len);
	if (!buf)
		return -ENOMEM;
	hdr = (void *)buf;
	hdr->msg_id = id;
	hdr->command = cmd;
	hdr->msg_size = (uint32_t)(sizeof(*hdr) + len);
	hdr->flags = flags;
	if (len)
		memcpy(buf + sizeof(*hdr), payload, len);
	rc_ = rc_send_raw(rc, buf, sizeof(*hdr) + len, fds, nfds);
	free(buf);
	return rc_ ? rc_ : id;
}

/* Read exactly @len bytes, collecting fds. Return: 0, -ECONNRESET, -errno. */
static int rc_read_full(struct rawclient *rc, void *buf, size_t len, struct rc_reply *rep)
{
	union rc_cmsg ctl;
	unsigned int turns = 0;
	size_t done = 0;
	ssize_t n;

	while (done < len) {
		struct iovec iov = { .iov_base = (char *)buf + done, .iov_len = len - done };
		struct msghdr mh = {
			.msg_iov = &iov, .msg_iovlen = 1,
			.msg_control = ctl.buf, .msg_controllen = sizeof(ctl.buf),
		};
		struct cmsghdr *cm;

		n = recvmsg(rc->fd, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EAGAIN) {
			rc_wait(rc, &turns);
			continue;
		}
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		for (cm = CMSG_FIRSTHDR(&mh); cm; cm = CMSG_NXTHDR(&mh, cm)) {
			unsigned int i, k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);

			for (i = 0; i < k; i++) {
				int fd;

				memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
				if (rep->nfds < RC_MAX_FDS)
					rep->fds[rep->nfds++] = fd;
				else
					close(fd);
			}
		}
		done += n;
	}
	return 0;
}

int rc_recv(struct rawclient *rc, struct rc_reply *rep)
{
	int err;

	memset(rep, 0, sizeof(*rep));
	err = rc_read_full(rc, &rep->hdr, sizeof(rep->hdr), rep);
	if (err)
		return err;
	if (rep->hdr.msg_size < sizeof(rep->hdr))
		return -EPROTO;
	rep->size = rep->hdr.msg_size - sizeof(rep->hdr);
	rep->payload = calloc(1, rep->size + 1);
	if (!rep->payload)
		return -ENOMEM;
	return rc_read_full(rc, rep->payload, rep->size, rep);
}

void rc_reply_free(struct rc_reply *rep)
{
	unsigned int i;

	for (i = 0; i < rep->nfds; i++)
		close(rep->fds[i]);
	rep->nfds = 0;
	free(rep->payload);
	rep->payload = NULL;
}

int rc_call(struct rawclient *rc, uint16_t cmd, const void *payload, size_t len,
	    const int *fds, unsigned int nfds, struct rc_reply *rep)
{
	struct rc_reply local;
	int id, err;

	if (!rep)
		rep = &local;
	id = rc_send(rc, cmd, 0, payload, len, fds, nfds);
	if (id < 0)
		return id;
	err = rc_recv(rc, rep);
	if (err)
		return err;
	assert_int_equal(rep->hdr.msg_id, id);
	assert_int_equal(rep->hdr.command, cmd);
	assert_int_equal(rep->hdr.flags & VFIO_USER_F_TYPE_MASK, VFIO_USER_F_TYPE_REPLY);
	if (rep->hdr.flags & VFIO_USER_F_ERROR) {
		/* The specification: an error reply is the header alone. */
		assert_int_equal(rep->hdr.msg_size, sizeof(rep->hdr));
		err = (int)rep->hdr.error_no;
		assert_true(err > 0);
	}
	if (rep == &local)
		rc_reply_free(&local);
	return err;
}

int rc_version(struct rawclient *rc, const char *json, struct rc_reply *rep)
{
	size_t jlen = json ? strlen(json) + 1 : 0;
	struct vfio_user_version *v;
	int err;

	v = calloc(1, sizeof(*v) + jlen);
	assert_non_null(v);
	v->major = VFIO_USER_MAJOR;
	v->minor = VFIO_USER_MINOR;
	if (json)
		memcpy(v->data, json, jlen);
	err = rc_call(rc, VFIO_USER_VERSION, v, sizeof(*v) + jlen, NULL, 0, rep);
	free(v);
	return err;
}

bool rc_wait_closed(struct rawclient *rc)
{
	struct rc_reply rep;
	int err;

	/* Drain whatever the server still sends, until EOF. */
	for (;;) {
		err = rc_recv(rc, &rep);
		rc_reply_free(&rep);
		if (err == -ECONNRESET || err == -EPIPE)
			return true;
		if (err < 0 && err != -EPROTO)
			return true;
	}
}

void vfio_test_connect(struct vfio_test_env *env, struct rawclient *rc)
{
	assert_int_equal(rc_connect(rc, env->loop, env->path), 0);
	assert_int_equal(rc_version(rc, "{\"capabilities\":{\"max_msg_fds\":8}}", NULL), 0);
}

int vfio_test_ctx_alloc(void **state, const char *name)
{
	struct vfio_test_ctx *c = calloc(1, sizeof(*c));

	vfio_test_env_setup(&c->env, name);
	vfio_test_connect(&c->env, &c->rc);
	*state = c;
	return 0;
}

int vfio_test_ctx_free(void **state)
{
	struct vfio_test_ctx *c = *state;

	rc_close(&c->rc);
	vfio_test_env_teardown(&c->env);
	free(c);
	return 0;
}

int rc_region_write(struct rawclient *rc, uint32_t region, uint64_t offset,
		    const void *data, uint32_t count)
{
	struct vfio_user_region_access *ra;
	int err;

	ra = calloc(1, sizeof(*ra) + count);
	assert_non_null(ra);
	ra->offset = offset;
	ra->region = region;
	ra->count = count;
	memcpy(ra->data, data, count);
	err = rc_call(rc, VFIO_USER_REGION_WRITE, ra, sizeof(*ra) + count, NULL, 0, NULL);
	free(ra);
	return err;
}

int rc_region_read(struct rawclient *rc, uint32_t region, uint64_t offset,
		   void *data, uint32_t count)
{
	struct vfio_user_region_access ra = { .offset = offset, .region = region, .count = count };
	struct rc_reply rep;
	int err;

	err = rc_call(rc, VFIO_USER_REGION_READ, &ra, sizeof(ra), NULL, 0, &rep);
	if (!err) {
		assert_int_equal(rep.size, sizeof(ra) + count);
		memcpy(data, rep.payload + sizeof(ra), count);
	}
	rc_reply_free(&rep);
	return err;
}
