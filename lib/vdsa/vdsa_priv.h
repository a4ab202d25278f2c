/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvdsa internals. The library includes nothing of siovd but the wire
 * format (uapi/vfio-user.h) and the DSA register layout (spec/dsa.h).
 */
#ifndef VDSA_PRIV_H
#define VDSA_PRIV_H

#include <sys/uio.h>

#include "uapi/vfio-user.h"
#include "vdsa.h"

#define VDSA_PAGE_SIZE		4096UL
#define VDSA_CLIENT_MAX_FDS	8	/* fds we accept in one reply */
#define VDSA_REGION_INFO_MAX	(64 * 1024)

struct vdsa_mapping {
	struct vdsa_mapping *next;
	uint32_t index;
	unsigned int area;
	void *addr;
	size_t len;
};

struct vdsa_region_slot {
	bool valid;
	struct vdsa_region r;
};

struct vdsa_conn {
	int fd;
	uint16_t next_id;
	struct vdsa_server_caps caps;
	uint32_t num_regions;
	uint32_t num_irqs;
	struct vdsa_region_slot *regions;	/* num_regions entries */
	struct vdsa_mapping *mappings;
	struct vdsa_buf *bufs;
	uint64_t next_iova;
};

/*
 * vdsa_call - one request and its reply.
 * @req/@nreq: request payload pieces; @fds/@nfds sent with it.
 * @rep/@nrep: where the reply payload goes, in order; @rep_len receives its
 *	length. A payload larger than the pieces is an -EPROTO.
 * @rfd: receives the reply's fd (the caller owns it), or -1; may be NULL
 *	(then any fd is closed).
 * Return: 0, the server's -errno, or a transport -errno.
 */
int vdsa_call(struct vdsa_conn *c, uint16_t cmd, const struct iovec *req, int nreq,
	      const int *fds, unsigned int nfds, const struct iovec *rep, int nrep,
	      size_t *rep_len, int *rfd);

#endif
