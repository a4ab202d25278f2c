// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user dispatch: header rules common to every command, one switch to
 * the per-command handlers, and the one place where a negative errno
 * becomes the reply's error field.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "lib/log.h"
#include "vfio/user/user_priv.h"

/**
 * vfio_user_reply_errno - the errno a reply carries for handler result
 * @err (negative errno). -ENOTTY from a driver's ioctl (the kernel's
 * "command not supported") becomes ENOTSUP, which is what it means on the
 * wire; anything that is not a plausible errno becomes EIO.
 */
uint32_t vfio_user_reply_errno(int err)
{
	if (err >= 0 || err < -4095)
		return EIO;
	if (err == -ENOTTY)
		return ENOTSUP;
	return (uint32_t)-err;
}

/*
 * vfio_user_reply_payload - give the reply a payload of @size bytes (zeroed),
 * replacing any earlier one. Return: the payload, or NULL (out of memory).
 */
void *vfio_user_reply_payload(struct vfio_user_reply *r, size_t size)
{
	vfio_user_txbuf_free(r->buf);
	r->buf = vfio_user_txbuf_alloc(size);
	if (!r->buf)
		return NULL;
	return r->buf->data + sizeof(struct vfio_user_header);
}

static void vfio_user_fill_header(struct vfio_user_txbuf *tb, uint16_t msg_id,
				  uint16_t command, int err)
{
	struct vfio_user_header hdr = {
		.msg_id = msg_id,
		.command = command,
		.msg_size = (uint32_t)tb->len,
		.flags = VFIO_USER_F_TYPE_REPLY,
	};

	if (err) {
		hdr.flags |= VFIO_USER_F_ERROR;
		hdr.error_no = vfio_user_reply_errno(err);
	}
	memcpy(tb->data, &hdr, sizeof(hdr));
}

/* Queue a header-only error reply (the specification's only error form). */
void vfio_user_send_error(struct vfio_user_conn *c, uint16_t msg_id,
			  uint16_t command, int err)
{
	struct vfio_user_txbuf *tb = vfio_user_txbuf_alloc(0);

	if (!tb) {
		c->dead = true;
		return;
	}
	vfio_user_fill_header(tb, msg_id, command, err);
	vfio_user_conn_queue(c, tb);
}

/* Which commands may carry fds, and how many at most. */
static bool vfio_user_fds_allowed(uint16_t command)
{
	return command == VFIO_USER_DMA_MAP || command == VFIO_USER_DEVICE_SET_IRQS;
}

static int vfio_user_check_header(struct vfio_user_conn *c)
{
	const struct vfio_user_header *hdr = &c->hdr;

	if (hdr->flags & ~VFIO_USER_F_KNOWN)
		return -EINVAL;
	/* We send no commands, so the client has nothing to reply to. */
	if ((hdr->flags & VFIO_USER_F_TYPE_MASK) != VFIO_USER_F_TYPE_COMMAND)
		return -EINVAL;
	if (hdr->flags & VFIO_USER_F_ERROR)
		return -EINVAL;
	if (c->fds_lost)
		return -EINVAL;
	if (c->nfds && !vfio_user_fds_allowed(hdr->command))
		return -EINVAL;
	return 0;
}

static int vfio_user_handle(struct vfio_user_conn *c, const struct vfio_user_msg *m,
			    struct vfio_user_reply *r)
{
	switch (m->hdr->command) {
	case VFIO_USER_VERSION:
		return vfio_user_handle_version(c, m, r);
	case VFIO_USER_DMA_MAP:
		return vfio_user_handle_dma_map(c, m, r);
	case VFIO_USER_DMA_UNMAP:
		return vfio_user_handle_dma_unmap(c, m, r);
	case VFIO_USER_DEVICE_GET_INFO:
		return vfio_user_handle_device_get_info(c, m, r);
	case VFIO_USER_DEVICE_GET_REGION_INFO:
		return vfio_user_handle_region_info(c, m, r);
	case VFIO_USER_DEVICE_GET_IRQ_INFO:
		return vfio_user_handle_irq_info(c, m, r);
	case VFIO_USER_DEVICE_SET_IRQS:
		return vfio_user_handle_set_irqs(c, m, r);
	case VFIO_USER_REGION_READ:
		return vfio_user_handle_region_read(c, m, r);
	case VFIO_USER_REGION_WRITE:
		return vfio_user_handle_region_write(c, m, r);
	case VFIO_USER_DEVICE_RESET:
		return vfio_user_handle_device_reset(c, m, r);
	default:
		/*
		 * GET_REGION_IO_FDS, DMA_READ/WRITE (server to client),
		 * REGION_WRITE_MULTI (not negotiated), DEVICE_FEATURE and
		 * migration are not implemented.
		 */
		return -ENOSYS;
	}
}

/**
 * vfio_user_dispatch - run the complete message in @c's receive state and
 * queue its reply. A message before VERSION, or a failed VERSION, marks the
 * connection closing.
 */
void vfio_user_dispatch(struct vfio_user_conn *c)
{
	struct vfio_user_msg m = {
		.hdr = &c->hdr, .payload = c->body, .size = c->body_len,
		.fds = c->fds, .nfds = c->nfds,
	};
	struct vfio_user_reply r = { .buf = NULL, .fd = -1 };
	bool no_reply = c->hdr.flags & VFIO_USER_F_NO_REPLY;
	int rc;

	rc = vfio_user_check_header(c);
	if (!rc && !c->negotiated && c->hdr.command != VFIO_USER_VERSION) {
		pr_warn("vfio-user: %s: command %u before VERSION, closing\n",
			c->ep->path, c->hdr.command);
		c->closing = true;
		rc = -EINVAL;
	}
	if (!rc)
		rc = vfio_user_handle(c, &m, &r);

	if (rc) {
		pr_debug("vfio-user: %s: command %u id %u failed: %s\n", c->ep->path,
			 c->hdr.command, c->hdr.msg_id, strerror(-rc));
		vfio_user_txbuf_free(r.buf);
		if (!no_reply || c->closing)
			vfio_user_send_error(c, c->hdr.msg_id, c->hdr.command, rc);
		return;
	}
	if (no_reply) {
		vfio_user_txbuf_free(r.buf);
		return;
	}
	if (!r.buf && !vfio_user_reply_payload(&r, 0)) {
		c->dead = true;
		return;
	}
	vfio_user_fill_header(r.buf, c->hdr.msg_id, c->hdr.command, 0);
	if (r.fd >= 0) {
		r.buf->fd = fcntl(r.fd, F_DUPFD_CLOEXEC, 0);
		if (r.buf->fd < 0) {
			vfio_user_txbuf_free(r.buf);
			vfio_user_send_error(c, c->hdr.msg_id, c->hdr.command, -errno);
			return;
		}
	}
	vfio_user_conn_queue(c, r.buf);
}
