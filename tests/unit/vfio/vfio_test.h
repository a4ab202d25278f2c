/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Test support for the VFIO core and the vfio-user server:
 *
 * - testdev: a small real vfio_device. Regions: BAR0 (index 0, 256 bytes,
 *   trapped registers, below), BAR2 (index 2, 16 KiB backed by a memfd,
 *   page 0 offered as a sparse mmap area), config space (index 7, 256
 *   bytes, only the command register writable). IRQs: MSI-X with 4
 *   vectors, eventfd triggers, maskable. Its DMA goes through the session's
 *   iommu_domain, attached at (rid, no PASID). It counts and records what
 *   the core asks of it.
 * - env: IOMMU, VFIO core, event loop, a temporary socket directory, the
 *   vfio-user server and one registered testdev.
 * - rawclient: a byte-level vfio-user client on a non-blocking socket that
 *   runs the server's event loop while it waits (single-threaded tests).
 */
#ifndef SIOVD_TESTS_VFIO_TEST_H
#define SIOVD_TESTS_VFIO_TEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/device.h"
#include "uapi/vfio-user.h"
#include "vfio/vfio.h"

struct evloop;
struct iommu;
struct vfio_user_server;

/* BAR0 registers of the test device (32-bit). */
#define TD_REG_ID		0x00	/* RO: TD_ID */
#define TD_REG_SCRATCH		0x04	/* RW, cleared by reset */
#define TD_REG_IRQ_FIRE		0x08	/* WO: trigger MSI-X vector <value> */
#define TD_REG_DMA_IOVA_LO	0x10
#define TD_REG_DMA_IOVA_HI	0x14
#define TD_REG_DMA_LEN		0x18
#define TD_REG_DMA_PATTERN	0x1c	/* low byte is the fill value */
#define TD_REG_DMA_CMD		0x20	/* WO: TD_DMA_FILL or TD_DMA_SUM */
#define TD_REG_DMA_RESULT	0x24	/* RO: byte sum of a TD_DMA_SUM */
#define TD_REG_DMA_STATUS	0x28	/* RO: 0 or a positive errno */
#define TD_REG_DMA_FAULT_LO	0x2c	/* RO: faulting IOVA */
#define TD_REG_DMA_FAULT_HI	0x30
#define TD_ID			0x5105d001U
#define TD_DMA_FILL		1	/* write the pattern to [iova, +len) */
#define TD_DMA_SUM		2	/* read [iova, +len), sum the bytes */

#define TD_BAR0_SIZE		256
#define TD_BAR2_SIZE		(4 * 4096)
#define TD_CONFIG_SIZE		256
#define TD_NUM_VECTORS		4
#define TD_RID			0x0a00
#define TD_MAX_UNMAPS		64

struct testdev {
	struct vfio_device vdev;	/* first: vfio_alloc_device */
	struct device dev;
	struct iommu *iommu;
	uint8_t bar0[TD_BAR0_SIZE];
	uint8_t config[TD_CONFIG_SIZE];
	int memfd;			/* BAR2 */
	uint8_t *bar2;
	int trigger[TD_NUM_VECTORS];	/* dup()ed eventfds, -1 none */
	bool masked[TD_NUM_VECTORS];
	bool pending[TD_NUM_VECTORS];
	struct iommu_domain *dom;	/* attached IOAS */

	/* what the core asked, for the tests to check */
	unsigned int nr_open, nr_close, nr_attach, nr_detach, nr_reset;
	unsigned int nr_unmaps;
	struct { uint64_t iova, size; } unmaps[TD_MAX_UNMAPS];
	bool fail_open;			/* open_device returns -EIO */
	unsigned int *released;		/* ++ in release, if set */
};

struct testdev *testdev_create(struct iommu *iommu, const char *name);
static inline struct testdev *to_testdev(struct vfio_device *vdev)
{
	return (struct testdev *)vdev;
}
unsigned int testdev_nr_triggers(const struct testdev *td);

struct vfio_test_env {
	struct iommu *iommu;
	struct evloop *loop;
	struct vfio_user_server *srv;
	char dir[64];
	char path[160];			/* socket of td */
	struct testdev *td;
};

/* Builds everything above with one registered testdev named @name. */
void vfio_test_env_setup(struct vfio_test_env *env, const char *name);
void vfio_test_env_teardown(struct vfio_test_env *env);

/*
 * cmocka fixtures: *@state becomes a calloc'ed env with one testdev named
 * @name (vfio_test_env_setup); vfio_test_env_free() tears it down and frees it.
 */
int vfio_test_env_alloc(void **state, const char *name);
int vfio_test_env_free(void **state);

/* ---- raw client ---------------------------------------------------------- */

#define RC_MAX_FDS		16

struct rawclient {
	int fd;
	struct evloop *loop;		/* run while waiting; NULL: just block */
	uint16_t next_id;
};

struct rc_reply {
	struct vfio_user_header hdr;
	uint8_t *payload;		/* malloc'ed, hdr.msg_size - 16 bytes */
	size_t size;
	int fds[RC_MAX_FDS];
	unsigned int nfds;
};

int rc_connect(struct rawclient *rc, struct evloop *loop, const char *path);
void rc_close(struct rawclient *rc);
/* Send raw bytes (with fds on the first byte). Return: 0 or -errno. */
int rc_send_raw(struct rawclient *rc, const void *buf, size_t len,
		const int *fds, unsigned int nfds);
/* Send a command; Return: its message id, or -errno. */
int rc_send(struct rawclient *rc, uint16_t cmd, uint32_t flags,
	    const void *payload, size_t len, const int *fds, unsigned int nfds);
/* Receive one message. Return: 0, -ECONNRESET on EOF, -errno. */
int rc_recv(struct rawclient *rc, struct rc_reply *rep);
void rc_reply_free(struct rc_reply *rep);
/*
 * rc_call - send a command and receive its reply (checked to echo id and
 * command). Return: the reply's errno (0 on success), or negative on a
 * transport failure.
 */
int rc_call(struct rawclient *rc, uint16_t cmd, const void *payload, size_t len,
	    const int *fds, unsigned int nfds, struct rc_reply *rep);
/* VERSION with @json (NULL: none). Return: as rc_call. */
int rc_version(struct rawclient *rc, const char *json, struct rc_reply *rep);
/* Run the loop until the server has closed the connection. Return: true. */
bool rc_wait_closed(struct rawclient *rc);
/* Run the loop once without waiting long (lets the server react). */
void rc_pump(struct rawclient *rc);

/* Connected and negotiated client on env's device. */
void vfio_test_connect(struct vfio_test_env *env, struct rawclient *rc);

/* What most protocol tests start from: the env and a negotiated client on its testdev. */
struct vfio_test_ctx {
	struct vfio_test_env env;
	struct rawclient rc;
};

/*
 * cmocka fixtures: *@state becomes a calloc'ed vfio_test_ctx with a testdev
 * named @name and the client connected (vfio_test_connect);
 * vfio_test_ctx_free() closes the client, tears the env down and frees it.
 */
int vfio_test_ctx_alloc(void **state, const char *name);
int vfio_test_ctx_free(void **state);

/* REGION_READ/WRITE helpers. Return: reply errno or -errno. */
int rc_region_write(struct rawclient *rc, uint32_t region, uint64_t offset,
		    const void *data, uint32_t count);
int rc_region_read(struct rawclient *rc, uint32_t region, uint64_t offset,
		   void *data, uint32_t count);

/* A memfd of @size bytes. */
int vfio_test_memfd(size_t size);

#endif
