// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libvdsa: DMA maps and the memfd-backed buffers the library places in
 * the device's I/O address space.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vdsa_priv.h"

int vdsa_conn_dma_map(struct vdsa_conn *c, int fd, uint64_t fd_offset, uint64_t iova,
		      uint64_t size, uint32_t flags)
{
	struct vfio_user_dma_map map = {
		.argsz = sizeof(map), .offset = fd_offset, .addr = iova, .size = size,
	};
	struct iovec qi = { &map, sizeof(map) };

	if (fd < 0 || !size || (flags & ~(VDSA_DMA_READ | VDSA_DMA_WRITE)) || !flags)
		return -EINVAL;
	if (flags & VDSA_DMA_READ)
		map.flags |= VFIO_USER_F_DMA_REGION_READ;
	if (flags & VDSA_DMA_WRITE)
		map.flags |= VFIO_USER_F_DMA_REGION_WRITE;
	return vdsa_call(c, VFIO_USER_DMA_MAP, &qi, 1, &fd, 1, NULL, 0, NULL, NULL);
}

int vdsa_conn_dma_unmap(struct vdsa_conn *c, uint64_t iova, uint64_t size)
{
	struct vfio_user_dma_unmap req = { .argsz = sizeof(req), .addr = iova, .size = size };
	struct vfio_user_dma_unmap echo;
	struct iovec qi = { &req, sizeof(req) }, ri = { &echo, sizeof(echo) };
	size_t len = 0;
	int rc;

	rc = vdsa_call(c, VFIO_USER_DMA_UNMAP, &qi, 1, NULL, 0, &ri, 1, &len, NULL);
	if (rc)
		return rc;
	if (len != sizeof(echo) || echo.addr != iova || echo.size != size)
		return -EPROTO;
	return 0;
}

int vdsa_buf_alloc(struct vdsa_conn *c, size_t size, struct vdsa_buf **bufp)
{
	struct vdsa_buf *b;
	int fd, rc;

	if (!size || size > (1ULL << 40))
		return -EINVAL;
	size = (size + VDSA_PAGE_SIZE - 1) & ~(VDSA_PAGE_SIZE - 1);
	b = calloc(1, sizeof(*b));
	if (!b)
		return -ENOMEM;
	fd = memfd_create("vdsa-dma", MFD_CLOEXEC | MFD_ALLOW_SEALING);
	if (fd < 0) {
		rc = -errno;
		goto out_free;
	}
	if (ftruncate(fd, (off_t)size)) {
		rc = -errno;
		goto out_close;
	}
	b->va = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (b->va == MAP_FAILED) {
		rc = -errno;
		goto out_close;
	}
	b->size = size;
	b->iova = c->next_iova;
	b->conn = c;
	rc = vdsa_conn_dma_map(c, fd, 0, b->iova, size, VDSA_DMA_READ | VDSA_DMA_WRITE);
	if (rc)
		goto out_unmap;
	/* The server and our mapping hold the memory; the fd is not needed. */
	close(fd);
	c->next_iova += size + VDSA_IOVA_GUARD;
	b->next = c->bufs;
	c->bufs = b;
	*bufp = b;
	return 0;

out_unmap:
	munmap(b->va, size);
out_close:
	close(fd);
out_free:
	free(b);
	return rc;
}

int vdsa_buf_free(struct vdsa_buf *b)
{
	struct vdsa_buf **pp;
	int rc;

	if (!b)
		return 0;
	rc = vdsa_conn_dma_unmap(b->conn, b->iova, b->size);
	for (pp = &b->conn->bufs; *pp; pp = &(*pp)->next) {
		if (*pp == b) {
			*pp = b->next;
			break;
		}
	}
	munmap(b->va, b->size);
	free(b);
	return rc;
}
