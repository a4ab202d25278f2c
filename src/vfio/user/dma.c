// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_USER_DMA_MAP / VFIO_USER_DMA_UNMAP: client memory passed as an fd,
 * mapped into the daemon and entered into the session's IOAS.
 *
 * Only fd-backed maps are implemented: without an fd the device would have
 * to reach the memory with DMA_READ/DMA_WRITE messages, which siovd does not
 * do, so such a map fails (ENOTSUP) rather than pretending to work.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iommu/iommu.h"
#include "lib/log.h"
#include "vfio/user/user_priv.h"

#define VFIO_USER_DMA_FLAGS	(VFIO_USER_F_DMA_REGION_READ | VFIO_USER_F_DMA_REGION_WRITE)

static int vfio_user_dma_check(const struct vfio_user_conn *c, const struct vfio_user_msg *m)
{
	const struct vfio_user_dma_map *req = m->payload;

	if (m->size != sizeof(*req) || req->argsz < sizeof(*req))
		return -EINVAL;
	if ((req->flags & ~VFIO_USER_DMA_FLAGS) || !(req->flags & VFIO_USER_DMA_FLAGS))
		return -EINVAL;
	if (!req->size || req->addr + (req->size - 1) < req->addr)
		return -EINVAL;
	if (req->offset + (req->size - 1) < req->offset)
		return -EINVAL;
	if (!m->nfds)
		return -ENOTSUP;
	if (m->nfds != 1)
		return -EINVAL;
	return 0;
}

/*
 * Touching a page beyond the end of a file raises SIGBUS; refuse a map
 * that already extends past the end of a regular file (memfd, hugetlbfs).
 */
/*
 * A client's memory file must not shrink under the device: a DMA into pages
 * that vanished would be SIGBUS in the daemon, not a fault for the client.
 * Files are sealed against shrinking (F_SEAL_SHRINK, as QEMU's memfd backend
 * does itself); a file that cannot be sealed (not a memfd, or one created
 * without MFD_ALLOW_SEALING) is refused with EPERM. Only then is its size
 * checked, so the check stays true.
 */
static int vfio_user_dma_check_fd(int fd, uint64_t offset, uint64_t size)
{
	struct stat st;
	int seals;

	if (fstat(fd, &st))
		return -errno;
	if (!S_ISREG(st.st_mode))
		return 0;
	if (fcntl(fd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		seals = fcntl(fd, F_GET_SEALS);
		if (seals < 0 || !(seals & F_SEAL_SHRINK)) {
			pr_warn("vfio-user: DMA_MAP of a file that cannot be sealed against "
				"shrinking refused (use a memfd with MFD_ALLOW_SEALING)\n");
			return -EPERM;
		}
	}
	if (fstat(fd, &st))
		return -errno;
	if ((uint64_t)st.st_size < offset + size)
		return -EINVAL;
	return 0;
}

/**
 * vfio_user_handle_dma_map - DMA_MAP with one fd. Errors: EINVAL (sizes,
 * flags, range wraps, fd too short, more than one fd), EPERM (a file that
 * cannot be sealed against shrinking), ENOTSUP (no fd),
 * EEXIST (overlaps a mapping), ENOSPC (max_dma_maps reached), or mmap's
 * errno (EACCES for an fd that does not allow the access, ENODEV for an
 * fd that cannot be mapped).
 */
int vfio_user_handle_dma_map(struct vfio_user_conn *c, const struct vfio_user_msg *m,
			     struct vfio_user_reply *r)
{
	const struct vfio_user_dma_map *req = m->payload;
	struct vfio_user_dma *dma;
	uint64_t pgoff, delta;
	int prot = 0, iprot = 0, rc;
	void *map;

	rc = vfio_user_dma_check(c, m);
	if (rc)
		return rc;
	rc = vfio_user_dma_check_fd(m->fds[0], req->offset, req->size);
	if (rc)
		return rc;
	if (req->flags & VFIO_USER_F_DMA_REGION_READ) {
		prot |= PROT_READ;
		iprot |= IOMMU_READ;
	}
	if (req->flags & VFIO_USER_F_DMA_REGION_WRITE) {
		prot |= PROT_WRITE;
		iprot |= IOMMU_WRITE;
	}
	dma = calloc(1, sizeof(*dma));
	if (!dma)
		return -ENOMEM;
	pgoff = req->offset & ~(uint64_t)(SIOVD_PAGE_SIZE - 1);
	delta = req->offset - pgoff;
	if (req->size > SIZE_MAX - delta) {
		rc = -EINVAL;
		goto out_free;
	}
	dma->map_len = req->size + delta;
	map = mmap(NULL, dma->map_len, prot, MAP_SHARED, m->fds[0], (off_t)pgoff);
	if (map == MAP_FAILED) {
		rc = -errno;
		goto out_free;
	}
	dma->map = map;
	rc = vfio_session_dma_map(c->session, req->addr, req->size, (uint8_t *)map + delta, iprot);
	if (rc)
		goto out_unmap;
	dma->iova = req->addr;
	dma->size = req->size;
	list_add_tail(&dma->node, &c->dmas);
	return 0;

out_unmap:
	munmap(dma->map, dma->map_len);
out_free:
	free(dma);
	return rc;
}

/**
 * vfio_user_handle_dma_unmap - DMA_UNMAP of exactly one earlier map; when
 * the reply is sent no DMA touches the range and the server has dropped its
 * mapping. The reply echoes the request. Errors: EINVAL (sizes, argsz below
 * 24, any flag), ENOENT (no map with that address and size).
 */
int vfio_user_handle_dma_unmap(struct vfio_user_conn *c, const struct vfio_user_msg *m,
			       struct vfio_user_reply *r)
{
	const struct vfio_user_dma_unmap *req = m->payload;
	struct vfio_user_dma_unmap *rep;
	struct vfio_user_dma *dma;
	int rc;

	if (m->size != sizeof(*req) || req->argsz < sizeof(*req) || req->flags)
		return -EINVAL;
	list_for_each_entry(dma, &c->dmas, node)
		if (dma->iova == req->addr && dma->size == req->size)
			break;
	if (&dma->node == &c->dmas)
		return -ENOENT;
	rep = vfio_user_reply_payload(r, sizeof(*rep));
	if (!rep)
		return -ENOMEM;
	rc = vfio_session_dma_unmap(c->session, req->addr, req->size);
	if (rc)
		return rc;
	list_del_init(&dma->node);
	munmap(dma->map, dma->map_len);
	free(dma);
	*rep = *req;
	rep->argsz = sizeof(*rep);
	return 0;
}

/* The session is closed: no DMA can reach the memory any more; unmap it. */
void vfio_user_dma_release_all(struct vfio_user_conn *c)
{
	struct vfio_user_dma *dma, *n;

	list_for_each_entry_safe(dma, n, &c->dmas, node) {
		list_del_init(&dma->node);
		munmap(dma->map, dma->map_len);
		free(dma);
	}
}
