// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libvdsa: regions (info with capabilities, trapped access, mmap) and
 * interrupts (SET_IRQS).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vdsa_priv.h"

/* Fill @r's mmap areas from the capability chain of the reply @info. */
static int vdsa_parse_region_caps(struct vdsa_region *r, const uint8_t *info, size_t len)
{
	const struct vfio_region_info *ri = (const void *)info;
	struct vfio_region_info_cap_sparse_mmap sp;
	struct vfio_info_cap_header hdr;
	uint32_t off = ri->cap_offset, i, hops = 0;

	while (off) {
		if (off < sizeof(*ri) || off > len || len - off < sizeof(hdr) || ++hops > 32)
			return -EPROTO;
		memcpy(&hdr, info + off, sizeof(hdr));
		if (hdr.id == VFIO_REGION_INFO_CAP_SPARSE_MMAP) {
			if (len - off < sizeof(sp))
				return -EPROTO;
			memcpy(&sp, info + off, sizeof(sp));
			if (sp.nr_areas > VDSA_MAX_SPARSE_AREAS ||
			    (len - off - sizeof(sp)) / sizeof(sp.areas[0]) < sp.nr_areas)
				return -EPROTO;
			for (i = 0; i < sp.nr_areas; i++)
				memcpy(&r->areas[i], info + off + sizeof(sp) + i * sizeof(sp.areas[0]),
				       sizeof(sp.areas[0]));
			r->nr_areas = sp.nr_areas;
		}
		off = hdr.next;
	}
	return 0;
}

static int vdsa_region_query(struct vdsa_conn *c, uint32_t index, uint32_t argsz,
			     uint8_t *buf, size_t *len, int *fd)
{
	struct vfio_region_info req = { .argsz = argsz, .index = index };
	struct iovec qi = { &req, sizeof(req) }, ri = { buf, argsz };

	return vdsa_call(c, VFIO_USER_DEVICE_GET_REGION_INFO, &qi, 1, NULL, 0, &ri, 1, len, fd);
}

static int vdsa_region_fetch(struct vdsa_conn *c, uint32_t index, struct vdsa_region *r)
{
	struct vfio_region_info fixed, *info;
	uint8_t *buf = (uint8_t *)&fixed;
	size_t len = 0;
	int rc, fd = -1;

	rc = vdsa_region_query(c, index, sizeof(fixed), buf, &len, &fd);
	if (rc)
		return rc;
	if (len != sizeof(fixed))
		goto out_proto;
	if (fixed.argsz > sizeof(fixed)) {
		/* Ask again with room for the capability chain (and the fd). */
		if (fd >= 0)
			close(fd);
		fd = -1;
		if (fixed.argsz > VDSA_REGION_INFO_MAX)
			return -EPROTO;
		buf = calloc(1, fixed.argsz);
		if (!buf)
			return -ENOMEM;
		rc = vdsa_region_query(c, index, fixed.argsz, buf, &len, &fd);
		if (rc)
			goto out_free;
	}
	info = (struct vfio_region_info *)buf;
	memset(r, 0, sizeof(*r));
	r->index = index;
	r->flags = info->flags;
	r->size = info->size;
	r->fd_offset = info->offset;
	r->fd = -1;
	if (len < sizeof(*info) || info->index != index)
		goto out_proto;
	if (info->flags & VFIO_REGION_INFO_FLAG_CAPS) {
		rc = vdsa_parse_region_caps(r, buf, len);
		if (rc)
			goto out_free;
	}
	if (info->flags & VFIO_REGION_INFO_FLAG_MMAP) {
		if (fd < 0)
			goto out_proto;
		r->fd = fd;
		fd = -1;
		if (!r->nr_areas) {
			r->nr_areas = 1;
			r->areas[0].offset = 0;
			r->areas[0].size = r->size;
		}
	}
	rc = 0;
	goto out_free;

out_proto:
	rc = -EPROTO;
out_free:
	if (fd >= 0)
		close(fd);
	if (buf != (uint8_t *)&fixed)
		free(buf);
	return rc;
}

int vdsa_conn_region_info(struct vdsa_conn *c, uint32_t index,
			  const struct vdsa_region **regionp)
{
	struct vdsa_region_slot *slot;
	int rc;

	if (index >= c->num_regions)
		return -EINVAL;
	slot = &c->regions[index];
	if (!slot->valid) {
		rc = vdsa_region_fetch(c, index, &slot->r);
		if (rc)
			return rc;
		slot->valid = true;
	}
	*regionp = &slot->r;
	return 0;
}

static int vdsa_region_rw(struct vdsa_conn *c, uint32_t index, uint64_t offset,
			  void *buf, size_t count, bool write)
{
	struct vfio_user_region_access ra = { .region = index };
	struct vfio_user_region_access echo;
	struct iovec qi[2], ri[2];
	size_t done = 0, chunk, len;
	int rc;

	if (!count)
		return -EINVAL;
	while (done < count) {
		chunk = count - done;
		if (chunk > c->caps.max_data_xfer_size)
			chunk = c->caps.max_data_xfer_size;
		ra.offset = offset + done;
		ra.count = (uint32_t)chunk;
		qi[0] = (struct iovec){ &ra, sizeof(ra) };
		qi[1] = (struct iovec){ (char *)buf + done, chunk };
		ri[0] = (struct iovec){ &echo, sizeof(echo) };
		ri[1] = (struct iovec){ (char *)buf + done, chunk };
		if (write)
			rc = vdsa_call(c, VFIO_USER_REGION_WRITE, qi, 2, NULL, 0, ri, 1, &len, NULL);
		else
			rc = vdsa_call(c, VFIO_USER_REGION_READ, qi, 1, NULL, 0, ri, 2, &len, NULL);
		if (rc)
			return rc;
		if (len != sizeof(echo) + (write ? 0 : chunk) || echo.count != chunk)
			return -EPROTO;
		done += chunk;
	}
	return 0;
}

int vdsa_conn_region_read(struct vdsa_conn *c, uint32_t index, uint64_t offset,
			  void *buf, size_t count)
{
	return vdsa_region_rw(c, index, offset, buf, count, false);
}

int vdsa_conn_region_write(struct vdsa_conn *c, uint32_t index, uint64_t offset,
			   const void *buf, size_t count)
{
	return vdsa_region_rw(c, index, offset, (void *)buf, count, true);
}

int vdsa_conn_config_read(struct vdsa_conn *c, uint32_t offset, void *buf, size_t count)
{
	return vdsa_region_rw(c, VFIO_PCI_CONFIG_REGION_INDEX, offset, buf, count, false);
}

int vdsa_conn_config_write(struct vdsa_conn *c, uint32_t offset, const void *buf,
			   size_t count)
{
	return vdsa_region_rw(c, VFIO_PCI_CONFIG_REGION_INDEX, offset, (void *)buf, count, true);
}

int vdsa_conn_region_mmap(struct vdsa_conn *c, uint32_t index, unsigned int area,
			  void **addrp, size_t *lenp)
{
	const struct vdsa_region *r;
	struct vdsa_mapping *m;
	void *addr;
	int rc;

	for (m = c->mappings; m; m = m->next) {
		if (m->index == index && m->area == area) {
			*addrp = m->addr;
			*lenp = m->len;
			return 0;
		}
	}
	rc = vdsa_conn_region_info(c, index, &r);
	if (rc)
		return rc;
	if (r->fd < 0 || area >= r->nr_areas || !r->areas[area].size)
		return -ENOTSUP;
	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	addr = mmap(NULL, r->areas[area].size, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd,
		    (off_t)(r->fd_offset + r->areas[area].offset));
	if (addr == MAP_FAILED) {
		rc = -errno;
		free(m);
		return rc;
	}
	m->index = index;
	m->area = area;
	m->addr = addr;
	m->len = r->areas[area].size;
	m->next = c->mappings;
	c->mappings = m;
	*addrp = m->addr;
	*lenp = m->len;
	return 0;
}

/* ---- interrupts ----------------------------------------------------------- */

static int vdsa_set_irqs_msg(struct vdsa_conn *c, uint32_t flags, uint32_t index,
			     uint32_t start, uint32_t count, const void *data, size_t data_len,
			     const int *fds, unsigned int nfds)
{
	struct vfio_irq_set set = {
		.argsz = (uint32_t)(sizeof(set) + data_len), .flags = flags,
		.index = index, .start = start, .count = count,
	};
	struct iovec qi[2] = { { &set, sizeof(set) }, { (void *)data, data_len } };

	return vdsa_call(c, VFIO_USER_DEVICE_SET_IRQS, qi, data_len ? 2 : 1, fds, nfds,
			 NULL, 0, NULL, NULL);
}

int vdsa_conn_set_irq_eventfds(struct vdsa_conn *c, uint32_t index, uint32_t start,
			       uint32_t count, const int *fds)
{
	const uint32_t flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	uint32_t done = 0, n;
	int rc;

	if (!count)
		return -EINVAL;
	if (!fds)
		return vdsa_set_irqs_msg(c, flags, index, start, count, NULL, 0, NULL, 0);
	/* The server takes max_msg_fds per message: send the set in pieces. */
	while (done < count) {
		n = count - done;
		if (n > c->caps.max_msg_fds)
			n = c->caps.max_msg_fds;
		rc = vdsa_set_irqs_msg(c, flags, index, start + done, n, NULL, 0, fds + done, n);
		if (rc)
			return rc;
		done += n;
	}
	return 0;
}

int vdsa_conn_set_irqs(struct vdsa_conn *c, uint32_t flags, uint32_t index,
		       uint32_t start, uint32_t count, const uint8_t *bools)
{
	if (flags & VFIO_IRQ_SET_DATA_EVENTFD)
		return -EINVAL;
	if ((flags & VFIO_IRQ_SET_DATA_BOOL) && !bools)
		return -EINVAL;
	return vdsa_set_irqs_msg(c, flags, index, start, count, bools,
				 (flags & VFIO_IRQ_SET_DATA_BOOL) ? count : 0, NULL, 0);
}

int vdsa_conn_disable_irqs(struct vdsa_conn *c, uint32_t index)
{
	return vdsa_set_irqs_msg(c, VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
				 index, 0, 0, NULL, 0, NULL, 0);
}
