// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_USER_REGION_READ / VFIO_USER_REGION_WRITE: trapped accesses to a
 * region, forwarded to the driver's read/write at (index << 40 | offset).
 */
#include <errno.h>
#include <string.h>

#include "vfio/user/user_priv.h"

/*
 * Checks shared by read and write. Errors: EINVAL (count 0 or above
 * max_data_xfer_size, no such region), EACCES (the region does not allow
 * this direction), EFAULT (any byte outside the region).
 */
static int vfio_user_access_check(struct vfio_user_conn *c,
				  const struct vfio_user_region_access *ra, uint32_t need)
{
	struct vfio_user_region_cache *rc;
	int err;

	if (!ra->count || ra->count > c->lim.max_data_xfer_size)
		return -EINVAL;
	err = vfio_user_region_lookup(c, ra->region, &rc);
	if (err)
		return err;
	if (!(rc->flags & need))
		return -EACCES;
	if (ra->offset >= rc->size || ra->count > rc->size - ra->offset)
		return -EFAULT;
	/* The region index travels in the offset's top bits. */
	if (ra->offset > VFIO_PCI_OFFSET_MASK || ra->region > (UINT64_MAX >> VFIO_PCI_OFFSET_SHIFT))
		return -EFAULT;
	return 0;
}

/* Loop over short transfers; a driver that makes no progress gets EIO. */
static int vfio_user_rw(struct vfio_user_conn *c, const struct vfio_user_region_access *ra,
			void *buf, bool write)
{
	struct vfio_device *vdev = vfio_user_conn_vdev(c);
	uint64_t pos = VFIO_PCI_INDEX_TO_OFFSET(ra->region) | ra->offset;
	size_t done = 0;
	ssize_t n;

	while (done < ra->count) {
		if (write)
			n = vdev->ops->write(vdev, (const char *)buf + done, ra->count - done, &pos);
		else
			n = vdev->ops->read(vdev, (char *)buf + done, ra->count - done, &pos);
		if (n < 0)
			return (int)n;
		if (n == 0 || (size_t)n > ra->count - done)
			return -EIO;
		done += n;
		pos = VFIO_PCI_INDEX_TO_OFFSET(ra->region) | (ra->offset + done);
	}
	return 0;
}

/* REGION_READ: 16-byte request; reply = the request header + count bytes. */
int vfio_user_handle_region_read(struct vfio_user_conn *c, const struct vfio_user_msg *m,
				 struct vfio_user_reply *r)
{
	const struct vfio_user_region_access *req = m->payload;
	struct vfio_user_region_access *rep;
	int rc;

	if (m->size != sizeof(*req))
		return -EINVAL;
	rc = vfio_user_access_check(c, req, VFIO_REGION_INFO_FLAG_READ);
	if (rc)
		return rc;
	rep = vfio_user_reply_payload(r, sizeof(*rep) + req->count);
	if (!rep)
		return -ENOMEM;
	*rep = *req;
	return vfio_user_rw(c, req, rep->data, false);
}

/* REGION_WRITE: request header + exactly count bytes; reply = the header. */
int vfio_user_handle_region_write(struct vfio_user_conn *c, const struct vfio_user_msg *m,
				  struct vfio_user_reply *r)
{
	const struct vfio_user_region_access *req = m->payload;
	struct vfio_user_region_access *rep;
	int rc;

	if (m->size < sizeof(*req) || m->size - sizeof(*req) != req->count)
		return -EINVAL;
	rc = vfio_user_access_check(c, req, VFIO_REGION_INFO_FLAG_WRITE);
	if (rc)
		return rc;
	rc = vfio_user_rw(c, req, (void *)req->data, true);
	if (rc)
		return rc;
	rep = vfio_user_reply_payload(r, sizeof(*rep));
	if (!rep)
		return -ENOMEM;
	*rep = *req;
	return 0;
}
