// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libvdsa: the vfio-user client. Blocking AF_UNIX stream socket, one
 * request outstanding at a time, replies matched by message id.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>
#include <json-c/json.h>

#include "vdsa_priv.h"

/* ---- transport ------------------------------------------------------------ */

static int vdsa_sendmsg_all(int fd, struct iovec *iov, int niov, const int *fds,
			    unsigned int nfds)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * 253)];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = niov };
	struct cmsghdr *cm;
	ssize_t n;

	if (nfds > 253)
		return -EINVAL;
	if (nfds) {
		memset(&ctl, 0, sizeof(ctl));
		mh.msg_control = ctl.buf;
		mh.msg_controllen = CMSG_SPACE(sizeof(int) * nfds);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int) * nfds);
		memcpy(CMSG_DATA(cm), fds, sizeof(int) * nfds);
	}
	while (mh.msg_iovlen) {
		n = sendmsg(fd, &mh, MSG_NOSIGNAL);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		/* The fds went with the first byte. */
		mh.msg_control = NULL;
		mh.msg_controllen = 0;
		while (mh.msg_iovlen && (size_t)n >= mh.msg_iov->iov_len) {
			n -= mh.msg_iov->iov_len;
			mh.msg_iov++;
			mh.msg_iovlen--;
		}
		if (mh.msg_iovlen) {
			mh.msg_iov->iov_base = (char *)mh.msg_iov->iov_base + n;
			mh.msg_iov->iov_len -= n;
		}
	}
	return 0;
}

static void vdsa_take_fd(struct msghdr *mh, int *rfd)
{
	struct cmsghdr *cm;
	unsigned int i, k;
	int fd;

	for (cm = CMSG_FIRSTHDR(mh); cm; cm = CMSG_NXTHDR(mh, cm)) {
		if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
			continue;
		k = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (i = 0; i < k; i++) {
			memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
			if (rfd && *rfd < 0)
				*rfd = fd;
			else
				close(fd);
		}
	}
}

/* Read exactly the bytes @iov describes. Return: 0, -ECONNRESET on EOF, -errno. */
static int vdsa_recv_all(int fd, struct iovec *iov, int niov, int *rfd)
{
	union {
		char buf[CMSG_SPACE(sizeof(int) * VDSA_CLIENT_MAX_FDS)];
		struct cmsghdr align;
	} ctl;
	struct msghdr mh;
	ssize_t n;

	while (niov) {
		if (!iov->iov_len) {
			iov++;
			niov--;
			continue;
		}
		memset(&mh, 0, sizeof(mh));
		mh.msg_iov = iov;
		mh.msg_iovlen = niov;
		mh.msg_control = ctl.buf;
		mh.msg_controllen = sizeof(ctl.buf);
		n = recvmsg(fd, &mh, MSG_CMSG_CLOEXEC);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ECONNRESET;
		vdsa_take_fd(&mh, rfd);
		while (niov && (size_t)n >= iov->iov_len) {
			n -= iov->iov_len;
			iov++;
			niov--;
		}
		if (niov) {
			iov->iov_base = (char *)iov->iov_base + n;
			iov->iov_len -= n;
		}
	}
	return 0;
}

/* Read and drop @len bytes of a payload nobody wants. */
static int vdsa_discard(int fd, size_t len, int *rfd)
{
	char scratch[4096];
	struct iovec iov;
	int rc;

	while (len) {
		iov.iov_base = scratch;
		iov.iov_len = len < sizeof(scratch) ? len : sizeof(scratch);
		len -= iov.iov_len;
		rc = vdsa_recv_all(fd, &iov, 1, rfd);
		if (rc)
			return rc;
	}
	return 0;
}

static int vdsa_recv_reply(struct vdsa_conn *c, uint16_t id, uint16_t cmd,
			   const struct iovec *rep, int nrep, size_t *rep_len, int *rfd)
{
	struct vfio_user_header hdr;
	struct iovec iov[8], h = { .iov_base = &hdr, .iov_len = sizeof(hdr) };
	size_t payload, room = 0, left;
	int i, n = 0, rc;

	rc = vdsa_recv_all(c->fd, &h, 1, rfd);
	if (rc)
		return rc;
	if (hdr.msg_size < sizeof(hdr))
		return -EPROTO;
	payload = hdr.msg_size - sizeof(hdr);
	if (hdr.msg_id != id || hdr.command != cmd ||
	    (hdr.flags & VFIO_USER_F_TYPE_MASK) != VFIO_USER_F_TYPE_REPLY) {
		vdsa_discard(c->fd, payload, NULL);
		return -EPROTO;
	}
	if (hdr.flags & VFIO_USER_F_ERROR) {
		rc = vdsa_discard(c->fd, payload, NULL);
		if (rc)
			return rc;
		return hdr.error_no ? -(int)hdr.error_no : -EIO;
	}
	left = payload;
	for (i = 0; i < nrep && i < 8 && left; i++) {
		iov[n] = rep[i];
		if (iov[n].iov_len > left)
			iov[n].iov_len = left;
		left -= iov[n].iov_len;
		room += iov[n].iov_len;
		n++;
	}
	rc = vdsa_recv_all(c->fd, iov, n, rfd);
	if (rc)
		return rc;
	if (left) {
		vdsa_discard(c->fd, left, NULL);
		return -EPROTO;
	}
	if (rep_len)
		*rep_len = room;
	return 0;
}

int vdsa_call(struct vdsa_conn *c, uint16_t cmd, const struct iovec *req, int nreq,
	      const int *fds, unsigned int nfds, const struct iovec *rep, int nrep,
	      size_t *rep_len, int *rfd)
{
	struct vfio_user_header hdr = { .command = cmd, .flags = VFIO_USER_F_TYPE_COMMAND };
	struct iovec iov[8];
	size_t size = sizeof(hdr);
	int i, rc;

	if (nreq > 7 || nrep > 8)
		return -EINVAL;
	if (rfd)
		*rfd = -1;
	for (i = 0; i < nreq; i++) {
		iov[i + 1] = req[i];
		size += req[i].iov_len;
	}
	if (size > UINT32_MAX)
		return -EINVAL;
	hdr.msg_id = c->next_id++;
	hdr.msg_size = (uint32_t)size;
	iov[0].iov_base = &hdr;
	iov[0].iov_len = sizeof(hdr);
	rc = vdsa_sendmsg_all(c->fd, iov, nreq + 1, fds, nfds);
	if (rc)
		return rc;
	rc = vdsa_recv_reply(c, hdr.msg_id, cmd, rep, nrep, rep_len, rfd);
	if (rc && rfd && *rfd >= 0) {
		close(*rfd);
		*rfd = -1;
	}
	return rc;
}

/* ---- VERSION --------------------------------------------------------------- */

static char *vdsa_version_json(void)
{
	struct json_object *root = json_object_new_object();
	struct json_object *caps = json_object_new_object();
	char *s = NULL;

	if (!root || !caps) {
		json_object_put(root);
		json_object_put(caps);
		return NULL;
	}
	json_object_object_add(caps, VFIO_USER_CAP_MAX_MSG_FDS,
			       json_object_new_int64(VDSA_CLIENT_MAX_FDS));
	json_object_object_add(caps, VFIO_USER_CAP_MAX_DATA_XFER,
			       json_object_new_int64(VFIO_USER_DEFAULT_MAX_DATA_XFER));
	json_object_object_add(root, VFIO_USER_CAP, caps);
	s = strdup(json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
	json_object_put(root);
	return s;
}

static int vdsa_cap_u64(struct json_object *caps, const char *key, uint64_t *val)
{
	struct json_object *o;

	if (!caps || !json_object_object_get_ex(caps, key, &o))
		return 0;
	if (!json_object_is_type(o, json_type_int) || json_object_get_int64(o) < 0)
		return -EPROTO;
	*val = (uint64_t)json_object_get_int64(o);
	return 0;
}

static int vdsa_parse_server_caps(struct vdsa_conn *c, const char *json)
{
	uint64_t fds = VFIO_USER_DEFAULT_MAX_MSG_FDS, xfer = VFIO_USER_DEFAULT_MAX_DATA_XFER;
	uint64_t pgs = VFIO_USER_DEFAULT_PGSIZES, maps = VFIO_USER_DEFAULT_MAX_DMA_MAPS;
	struct json_object *root, *caps = NULL;
	int rc = -EPROTO;

	root = json_tokener_parse(json);
	if (!root || !json_object_is_type(root, json_type_object))
		goto out_put;
	if (json_object_object_get_ex(root, VFIO_USER_CAP, &caps) &&
	    !json_object_is_type(caps, json_type_object))
		goto out_put;
	if (vdsa_cap_u64(caps, VFIO_USER_CAP_MAX_MSG_FDS, &fds) ||
	    vdsa_cap_u64(caps, VFIO_USER_CAP_MAX_DATA_XFER, &xfer) ||
	    vdsa_cap_u64(caps, VFIO_USER_CAP_PGSIZES, &pgs) ||
	    vdsa_cap_u64(caps, VFIO_USER_CAP_MAX_DMA_MAPS, &maps))
		goto out_put;
	if (!fds || !xfer || fds > UINT32_MAX || xfer > UINT32_MAX || maps > UINT32_MAX)
		goto out_put;
	c->caps.max_msg_fds = (uint32_t)fds;
	c->caps.max_data_xfer_size = (uint32_t)xfer;
	c->caps.pgsizes = pgs;
	c->caps.max_dma_maps = (uint32_t)maps;
	rc = 0;
out_put:
	json_object_put(root);
	return rc;
}

static int vdsa_negotiate(struct vdsa_conn *c)
{
	struct vfio_user_version v = { .major = VFIO_USER_MAJOR, .minor = VFIO_USER_MINOR };
	struct vfio_user_version rv;
	char reply[4096];
	struct iovec req[2], rep[2];
	size_t len = 0;
	char *json;
	int rc;

	json = vdsa_version_json();
	if (!json)
		return -ENOMEM;
	req[0] = (struct iovec){ .iov_base = &v, .iov_len = sizeof(v) };
	req[1] = (struct iovec){ .iov_base = json, .iov_len = strlen(json) + 1 };
	rep[0] = (struct iovec){ .iov_base = &rv, .iov_len = sizeof(rv) };
	rep[1] = (struct iovec){ .iov_base = reply, .iov_len = sizeof(reply) - 1 };
	rc = vdsa_call(c, VFIO_USER_VERSION, req, 2, NULL, 0, rep, 2, &len, NULL);
	free(json);
	if (rc)
		return rc;
	if (len < sizeof(rv))
		return -EPROTO;
	if (rv.major != VFIO_USER_MAJOR || rv.minor > VFIO_USER_MINOR)
		return -ENOTSUP;
	c->caps.major = rv.major;
	c->caps.minor = rv.minor;
	c->caps.max_msg_fds = VFIO_USER_DEFAULT_MAX_MSG_FDS;
	c->caps.max_data_xfer_size = VFIO_USER_DEFAULT_MAX_DATA_XFER;
	c->caps.pgsizes = VFIO_USER_DEFAULT_PGSIZES;
	c->caps.max_dma_maps = VFIO_USER_DEFAULT_MAX_DMA_MAPS;
	len -= sizeof(rv);
	if (!len)
		return 0;
	/* NUL-terminated JSON that fills the rest of the reply. */
	if (reply[len - 1] != '\0' || strlen(reply) != len - 1)
		return -EPROTO;
	return vdsa_parse_server_caps(c, reply);
}

/* ---- connection -------------------------------------------------------------- */

int vdsa_conn_open(const char *path, struct vdsa_conn **connp)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct vfio_device_info info;
	struct vdsa_conn *c;
	int rc;

	if (!path || !connp || strlen(path) >= sizeof(sun.sun_path))
		return -EINVAL;
	strcpy(sun.sun_path, path);
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->next_id = 1;
	c->next_iova = VDSA_IOVA_BASE;
	c->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c->fd < 0) {
		rc = -errno;
		goto out_free;
	}
	if (connect(c->fd, (struct sockaddr *)&sun, sizeof(sun))) {
		rc = -errno;
		goto out_close;
	}
	rc = vdsa_negotiate(c);
	if (rc)
		goto out_close;
	rc = vdsa_conn_device_info(c, &info);
	if (rc)
		goto out_close;
	c->regions = calloc(info.num_regions ? info.num_regions : 1, sizeof(*c->regions));
	if (!c->regions) {
		rc = -ENOMEM;
		goto out_close;
	}
	c->num_regions = info.num_regions;
	c->num_irqs = info.num_irqs;
	*connp = c;
	return 0;

out_close:
	close(c->fd);
out_free:
	free(c);
	return rc;
}

void vdsa_conn_close(struct vdsa_conn *c)
{
	struct vdsa_mapping *m, *mn;
	struct vdsa_buf *b, *bn;
	uint32_t i;

	if (!c)
		return;
	for (m = c->mappings; m; m = mn) {
		mn = m->next;
		munmap(m->addr, m->len);
		free(m);
	}
	/* Closing the socket ends every DMA map; only our side is left. */
	close(c->fd);
	for (b = c->bufs; b; b = bn) {
		bn = b->next;
		munmap(b->va, b->size);
		free(b);
	}
	for (i = 0; i < c->num_regions; i++)
		if (c->regions[i].valid && c->regions[i].r.fd >= 0)
			close(c->regions[i].r.fd);
	free(c->regions);
	free(c);
}

const struct vdsa_server_caps *vdsa_conn_caps(const struct vdsa_conn *c)
{
	return &c->caps;
}

int vdsa_conn_device_info(struct vdsa_conn *c, struct vfio_device_info *info)
{
	struct vfio_user_device_info req = { .argsz = sizeof(req) }, rep;
	struct iovec qi = { &req, sizeof(req) }, ri = { &rep, sizeof(rep) };
	size_t len = 0;
	int rc;

	rc = vdsa_call(c, VFIO_USER_DEVICE_GET_INFO, &qi, 1, NULL, 0, &ri, 1, &len, NULL);
	if (rc)
		return rc;
	if (len != sizeof(rep))
		return -EPROTO;
	memset(info, 0, sizeof(*info));
	info->argsz = sizeof(rep);
	info->flags = rep.flags;
	info->num_regions = rep.num_regions;
	info->num_irqs = rep.num_irqs;
	return 0;
}

int vdsa_conn_irq_info(struct vdsa_conn *c, uint32_t index, struct vfio_irq_info *info)
{
	struct vfio_irq_info req = { .argsz = sizeof(req), .index = index };
	struct iovec qi = { &req, sizeof(req) }, ri = { info, sizeof(*info) };
	size_t len = 0;
	int rc;

	rc = vdsa_call(c, VFIO_USER_DEVICE_GET_IRQ_INFO, &qi, 1, NULL, 0, &ri, 1, &len, NULL);
	if (rc)
		return rc;
	return len == sizeof(*info) ? 0 : -EPROTO;
}

int vdsa_conn_reset(struct vdsa_conn *c)
{
	return vdsa_call(c, VFIO_USER_DEVICE_RESET, NULL, 0, NULL, 0, NULL, 0, NULL, NULL);
}
