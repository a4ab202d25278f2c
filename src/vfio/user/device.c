// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user device commands, translated to the driver's ioctl with the
 * kernel's VFIO_DEVICE_* structs: GET_INFO, GET_REGION_INFO, GET_IRQ_INFO,
 * SET_IRQS, RESET. Also the session a successful VERSION starts.
 *
 * argsz rule (both directions): in a request it is the room the client has
 * for the reply payload; the reply's argsz is the size the full reply needs.
 * Input flags of GET_* requests are ignored, as the kernel ignores them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lib/log.h"
#include "vfio/user/user_priv.h"

/* The driver's ioctl; these commands return 0 or -errno (else: -EIO). */
static int vfio_user_ioctl(struct vfio_user_conn *c, unsigned int cmd, void *arg)
{
	struct vfio_device *vdev = vfio_user_conn_vdev(c);
	long rc = vdev->ops->ioctl(vdev, cmd, arg);

	if (rc > 0 || rc < -4095)
		return -EIO;
	return rc;
}

/* ---- session ------------------------------------------------------------- */

/**
 * vfio_user_session_start - make @c the owner of its device: open the
 * session and learn the region and irq counts.
 * Return: 0, -EBUSY (another connection owns the device), the session's
 * errno, or the driver's GET_INFO error.
 */
int vfio_user_session_start(struct vfio_user_conn *c)
{
	struct vfio_user_endpoint *ep = c->ep;
	struct vfio_device_info info = { .argsz = offsetofend(struct vfio_device_info, num_irqs) };
	int rc;

	if (ep->owner)
		return -EBUSY;
	c->session = vfio_session_open(ep->vdev);
	if (!c->session)
		return -errno;
	rc = vfio_user_ioctl(c, VFIO_DEVICE_GET_INFO, &info);
	if (rc)
		goto out_close;
	rc = -ENOMEM;
	c->regions = calloc(info.num_regions ? info.num_regions : 1, sizeof(*c->regions));
	if (!c->regions)
		goto out_close;
	c->num_regions = info.num_regions;
	c->num_irqs = info.num_irqs;
	ep->owner = c;
	ep->nr_pending--;
	return 0;

out_close:
	vfio_session_close(c->session);
	c->session = NULL;
	return rc;
}

/* Undo vfio_user_session_start(): session first, then the client memory. */
void vfio_user_session_end(struct vfio_user_conn *c)
{
	vfio_session_close(c->session);
	c->session = NULL;
	vfio_user_dma_release_all(c);
	free(c->regions);
	c->regions = NULL;
	c->num_regions = 0;
	if (c->ep->owner == c)
		c->ep->owner = NULL;
}

/**
 * vfio_user_region_lookup - flags and size of region @index, asked of the
 * driver once per session. Return: 0, or -EINVAL (no such region).
 */
int vfio_user_region_lookup(struct vfio_user_conn *c, uint32_t index,
			    struct vfio_user_region_cache **rcp)
{
	struct vfio_region_info info = { .argsz = sizeof(info), .index = index };
	struct vfio_user_region_cache *rc;
	int err;

	if (index >= c->num_regions)
		return -EINVAL;
	rc = &c->regions[index];
	if (!rc->valid) {
		err = vfio_user_ioctl(c, VFIO_DEVICE_GET_REGION_INFO, &info);
		if (err)
			return err;
		rc->flags = info.flags;
		rc->size = info.size;
		rc->valid = true;
	}
	*rcp = rc;
	return 0;
}

/* ---- GET_INFO ------------------------------------------------------------ */

int vfio_user_handle_device_get_info(struct vfio_user_conn *c, const struct vfio_user_msg *m,
				     struct vfio_user_reply *r)
{
	const struct vfio_user_device_info *req = m->payload;
	struct vfio_device_info info = { .argsz = offsetofend(struct vfio_device_info, num_irqs) };
	struct vfio_user_device_info *rep;
	int rc;

	if (m->size < sizeof(*req) || req->argsz < sizeof(*rep))
		return -EINVAL;
	rc = vfio_user_ioctl(c, VFIO_DEVICE_GET_INFO, &info);
	if (rc)
		return rc;
	rep = vfio_user_reply_payload(r, sizeof(*rep));
	if (!rep)
		return -ENOMEM;
	rep->argsz = sizeof(*rep);
	/* The protocol has no device capability chain. */
	rep->flags = info.flags & ~VFIO_DEVICE_FLAGS_CAPS;
	rep->num_regions = info.num_regions;
	rep->num_irqs = info.num_irqs;
	return 0;
}

/* ---- GET_REGION_INFO ---------------------------------------------------- */

/*
 * The driver reports the full size in argsz when the capabilities do not
 * fit (the kernel's rule), so one call with the bare struct learns it and a
 * second call, only when needed, fetches the chain.
 */
static int vfio_user_region_info_full(struct vfio_user_conn *c, uint32_t index,
				      uint32_t room, struct vfio_region_info **infop,
				      uint32_t *needed)
{
	struct vfio_region_info probe = { .argsz = sizeof(probe), .index = index };
	struct vfio_region_info *info;
	int rc;

	rc = vfio_user_ioctl(c, VFIO_DEVICE_GET_REGION_INFO, &probe);
	if (rc)
		return rc;
	*needed = probe.argsz > sizeof(probe) ? probe.argsz : sizeof(probe);
	if (*needed > VFIO_USER_REGION_INFO_MAX)
		return -EIO;
	info = calloc(1, *needed);
	if (!info)
		return -ENOMEM;
	if (*needed == sizeof(probe) || room < *needed) {
		/* Fixed part only: no capabilities, argsz says what is needed. */
		memcpy(info, &probe, sizeof(probe));
		info->cap_offset = 0;
	} else {
		info->argsz = *needed;
		info->index = index;
		rc = vfio_user_ioctl(c, VFIO_DEVICE_GET_REGION_INFO, info);
		if (rc) {
			free(info);
			return rc;
		}
	}
	info->argsz = *needed;
	*infop = info;
	return 0;
}

/**
 * vfio_user_handle_region_info - GET_REGION_INFO. With argsz below the full
 * size the reply is the fixed 32 bytes (argsz = full size, cap_offset 0,
 * no fd); otherwise the capability chain follows and an mmap-able region's
 * fd rides along, with offset = where the region starts in that fd.
 * Errors: EINVAL (short payload, argsz < 32, no such region), EIO (driver
 * claims MMAP without an fd).
 */
int vfio_user_handle_region_info(struct vfio_user_conn *c, const struct vfio_user_msg *m,
				 struct vfio_user_reply *r)
{
	const struct vfio_region_info *req = m->payload;
	struct vfio_device *vdev = vfio_user_conn_vdev(c);
	struct vfio_region_info *info = NULL;
	uint64_t fd_offset = 0;
	uint32_t needed = 0, len;
	int rc, fd = -1;
	void *rep;

	if (m->size < sizeof(*req) || req->argsz < sizeof(*req))
		return -EINVAL;
	if (req->index >= c->num_regions)
		return -EINVAL;
	rc = vfio_user_region_info_full(c, req->index, req->argsz, &info, &needed);
	if (rc)
		return rc;
	if (info->flags & VFIO_REGION_INFO_FLAG_MMAP) {
		rc = -EIO;
		if (!vdev->ops->region_mmap ||
		    vdev->ops->region_mmap(vdev, req->index, &fd, &fd_offset) || fd < 0) {
			dev_warn(vdev->dev, "vfio-user: region %u is mmap-able without an fd\n",
				 req->index);
			goto out_free;
		}
		/* A client that takes no fds cannot map anything. */
		if (!c->peer_max_msg_fds)
			info->flags &= ~VFIO_REGION_INFO_FLAG_MMAP;
	}
	info->offset = fd_offset;
	len = req->argsz >= needed ? needed : sizeof(*info);
	rc = -ENOMEM;
	rep = vfio_user_reply_payload(r, len);
	if (!rep)
		goto out_free;
	memcpy(rep, info, len);
	if (len == needed && (info->flags & VFIO_REGION_INFO_FLAG_MMAP))
		r->fd = fd;
	rc = 0;
out_free:
	free(info);
	return rc;
}

/* ---- GET_IRQ_INFO -------------------------------------------------------- */

int vfio_user_handle_irq_info(struct vfio_user_conn *c, const struct vfio_user_msg *m,
			      struct vfio_user_reply *r)
{
	const struct vfio_irq_info *req = m->payload;
	struct vfio_irq_info info = { .argsz = sizeof(info) };
	struct vfio_irq_info *rep;
	int rc;

	if (m->size < sizeof(*req) || req->argsz < sizeof(*req))
		return -EINVAL;
	if (req->index >= c->num_irqs)
		return -EINVAL;
	info.index = req->index;
	rc = vfio_user_ioctl(c, VFIO_DEVICE_GET_IRQ_INFO, &info);
	if (rc)
		return rc;
	rep = vfio_user_reply_payload(r, sizeof(*rep));
	if (!rep)
		return -ENOMEM;
	*rep = info;
	rep->argsz = sizeof(*rep);
	return 0;
}

/* ---- SET_IRQS ------------------------------------------------------------ */

static bool vfio_user_one_bit(uint32_t v)
{
	return v && !(v & (v - 1));
}

/*
 * The kernel's vfio_set_irqs_validate_and_prepare() rules, checked here so
 * that every driver sees only well-formed requests: one data type, one
 * action, a known index, start + count within the index's count (count 0
 * only to disable: DATA_NONE | ACTION_TRIGGER), the BOOL array present, as
 * many fds as vectors (or none, to de-assign).
 */
static int vfio_user_set_irqs_check(struct vfio_user_conn *c, const struct vfio_user_msg *m)
{
	const struct vfio_irq_set *req = m->payload;
	struct vfio_irq_info info = { .argsz = sizeof(info) };
	uint32_t data = req->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	uint32_t action = req->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK;

	if (req->argsz < sizeof(*req))
		return -EINVAL;
	if (req->flags & ~(VFIO_IRQ_SET_DATA_TYPE_MASK | VFIO_IRQ_SET_ACTION_TYPE_MASK))
		return -EINVAL;
	if (!vfio_user_one_bit(data) || !vfio_user_one_bit(action))
		return -EINVAL;
	if (req->index >= c->num_irqs)
		return -EINVAL;
	info.index = req->index;
	if (vfio_user_ioctl(c, VFIO_DEVICE_GET_IRQ_INFO, &info))
		return -EINVAL;
	if (!req->count) {
		if (data != VFIO_IRQ_SET_DATA_NONE || action != VFIO_IRQ_SET_ACTION_TRIGGER)
			return -EINVAL;
		if (req->start)
			return -EINVAL;
	} else if (req->start >= info.count || req->count > info.count - req->start) {
		return -EINVAL;
	}
	if (data == VFIO_IRQ_SET_DATA_BOOL && m->size - sizeof(*req) < req->count)
		return -EINVAL;
	if (data == VFIO_IRQ_SET_DATA_EVENTFD && m->nfds && m->nfds != req->count)
		return -EINVAL;
	if (data != VFIO_IRQ_SET_DATA_EVENTFD && m->nfds)
		return -EINVAL;
	return 0;
}

/**
 * vfio_user_handle_set_irqs - SET_IRQS. Eventfds arrive as ancillary data
 * and are handed to the driver as the kernel's int32 array (no fds: -1 for
 * each, de-assigning); the server closes its copies afterwards. Errors:
 * EINVAL (see vfio_user_set_irqs_check), or the driver's error.
 */
int vfio_user_handle_set_irqs(struct vfio_user_conn *c, const struct vfio_user_msg *m,
			      struct vfio_user_reply *r)
{
	const struct vfio_irq_set *req = m->payload;
	struct vfio_irq_set *set;
	size_t data_len = 0;
	uint32_t i;
	int32_t fd;
	int rc;

	if (m->size < sizeof(*req))
		return -EINVAL;
	rc = vfio_user_set_irqs_check(c, m);
	if (rc)
		return rc;
	if (req->flags & VFIO_IRQ_SET_DATA_BOOL)
		data_len = req->count;
	else if (req->flags & VFIO_IRQ_SET_DATA_EVENTFD)
		data_len = (size_t)req->count * sizeof(int32_t);
	set = calloc(1, sizeof(*set) + data_len);
	if (!set)
		return -ENOMEM;
	*set = *req;
	set->argsz = sizeof(*set) + data_len;
	if (req->flags & VFIO_IRQ_SET_DATA_BOOL) {
		memcpy(set->data, req->data, data_len);
	} else if (req->flags & VFIO_IRQ_SET_DATA_EVENTFD) {
		for (i = 0; i < req->count; i++) {
			fd = m->nfds ? m->fds[i] : -1;
			memcpy(set->data + i * sizeof(fd), &fd, sizeof(fd));
		}
	}
	rc = vfio_user_ioctl(c, VFIO_DEVICE_SET_IRQS, set);
	free(set);
	return rc;
}

/* ---- RESET --------------------------------------------------------------- */

/* DEVICE_RESET: no payload either way. Errors: the driver's (ENOTSUP if none). */
int vfio_user_handle_device_reset(struct vfio_user_conn *c, const struct vfio_user_msg *m,
				  struct vfio_user_reply *r)
{
	if (m->size)
		return -EINVAL;
	return vfio_user_ioctl(c, VFIO_DEVICE_RESET, NULL);
}
