/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * libvdsa - drive a virtual Intel DSA served over vfio-user.
 *
 * Two layers:
 *
 * 1. A vfio-user client (struct vdsa_conn): connect to a server's socket,
 *    negotiate the protocol version, query device, region and interrupt
 *    information, read and write regions, map client memory for the
 *    device's DMA (memfd-backed buffers, IOVAs chosen by the library),
 *    route MSI-X vectors to eventfds, reset the device, mmap the areas a
 *    region offers. Nothing in it is DSA specific.
 *
 * 2. A user-space driver for the virtual DSA that siovd's vdcm presents
 *    (struct vdsa_dev): bring the device and its one dedicated work queue
 *    up, obtain an interrupt handle, build descriptors, submit them through
 *    the trapped portal (REGION_WRITE) or the mmap-ed portal page, and wait
 *    for completion records by polling or by interrupt (eventfd).
 *    In PF mode (vdsa_pf_open()) the same driver takes a whole DSA function
 *    assigned with vfio-pci and configures it itself through its registers
 *    (GRPCFG, WQCFG), as DPDK's and SPDK's user-space idxd drivers do.
 *
 * Conventions: functions return 0 (or a count) on success and a negative
 * errno on failure; errnos that the server reports come back unchanged
 * (for example -EFAULT for an access outside a region, -EEXIST for an
 * overlapping DMA map). Sizes are bytes, times milliseconds. Pointers
 * returned by the library stay owned by it unless said otherwise.
 *
 * Thread-safety: a connection and everything made from it (buffers, the
 * device) must be used by one thread at a time; separate connections are
 * independent. The only exception is reading a completion record, which
 * any thread may do (vdsa_comp_status()).
 *
 * Wire format: QEMU docs/interop/vfio-user.rst, version 0.1, with the
 * <linux/vfio.h> structures. Device: Intel DSA architecture specification
 * rev 2.0 and <linux/idxd.h>.
 */
#ifndef VDSA_H
#define VDSA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/idxd.h>
#include <linux/vfio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ======================= part 1: vfio-user client ======================= */

struct vdsa_conn;

/**
 * struct vdsa_server_caps - what the server announced in its VERSION reply
 * (protocol defaults where it said nothing).
 * @major, @minor: negotiated protocol version (0.1 or lower minor).
 * @max_msg_fds: fds the server accepts in one message (>= 1).
 * @max_data_xfer_size: bytes of one region read or write message.
 * @pgsizes: page sizes allowed for DMA maps, or'ed together.
 * @max_dma_maps: DMA maps the server keeps at once.
 */
struct vdsa_server_caps {
	uint16_t major;
	uint16_t minor;
	uint32_t max_msg_fds;
	uint32_t max_data_xfer_size;
	uint64_t pgsizes;
	uint32_t max_dma_maps;
};

/**
 * vdsa_conn_open - connect to the vfio-user socket at @path and negotiate.
 * @path: AF_UNIX socket path.
 * @connp: receives the connection; release it with vdsa_conn_close().
 *
 * Return: 0; -ENOENT/-ECONNREFUSED (nobody listens); -EBUSY (another
 * client owns the device); -ENOTSUP (incompatible protocol version);
 * -EPROTO (malformed reply); -ENOMEM; other socket errors.
 */
int vdsa_conn_open(const char *path, struct vdsa_conn **connp);

/**
 * vdsa_conn_close - disconnect. Every buffer of the connection that was not
 * freed is released, every region mapping is unmapped. The server then
 * drops the client's DMA maps and interrupt eventfds and keeps the device
 * state. NULL is a no-op.
 */
void vdsa_conn_close(struct vdsa_conn *conn);

/* The server's announced capabilities; valid until vdsa_conn_close(). */
const struct vdsa_server_caps *vdsa_conn_caps(const struct vdsa_conn *conn);

/**
 * vdsa_conn_device_info - VFIO_USER_DEVICE_GET_INFO.
 * @info: filled: flags (VFIO_DEVICE_FLAGS_*), num_regions, num_irqs;
 *	argsz = 16, cap_offset = 0.
 * Return: 0 or -errno.
 */
int vdsa_conn_device_info(struct vdsa_conn *conn, struct vfio_device_info *info);

#define VDSA_MAX_SPARSE_AREAS	8

/**
 * struct vdsa_region - a region as the server describes it.
 * @index: region index (VFIO_PCI_*_REGION_INDEX).
 * @flags: VFIO_REGION_INFO_FLAG_*.
 * @size: bytes.
 * @fd: mmap-able regions: the fd to map (owned by the connection), else -1.
 * @fd_offset: where the region starts in @fd.
 * @nr_areas, @areas: the parts that may be mmap-ed (offsets within the
 *	region); the sparse mmap capability if the server sent one, else the
 *	whole region when it is mmap-able, else none.
 */
struct vdsa_region {
	uint32_t index;
	uint32_t flags;
	uint64_t size;
	int fd;
	uint64_t fd_offset;
	unsigned int nr_areas;
	struct vfio_region_sparse_mmap_area areas[VDSA_MAX_SPARSE_AREAS];
};

/**
 * vdsa_conn_region_info - VFIO_USER_DEVICE_GET_REGION_INFO with the
 * capability chain (asked again with the size the server says it needs).
 * @regionp: receives a description cached in the connection, valid until
 *	vdsa_conn_close().
 * Return: 0; -EINVAL (no such region); -EPROTO; -errno.
 */
int vdsa_conn_region_info(struct vdsa_conn *conn, uint32_t index,
			  const struct vdsa_region **regionp);

/**
 * vdsa_conn_irq_info - VFIO_USER_DEVICE_GET_IRQ_INFO for irq @index.
 * Return: 0 (with @info filled) or -errno (-EINVAL: no such index).
 */
int vdsa_conn_irq_info(struct vdsa_conn *conn, uint32_t index, struct vfio_irq_info *info);

/**
 * vdsa_conn_region_read / vdsa_conn_region_write - trapped access of
 * @count bytes at @offset in region @index; split into messages of at most
 * max_data_xfer_size (each is one device access: registers want one
 * message of 4 or 8 bytes).
 * Return: 0; -EFAULT (outside the region); -EACCES (direction not allowed);
 * -EINVAL; -errno.
 */
int vdsa_conn_region_read(struct vdsa_conn *conn, uint32_t index, uint64_t offset,
			  void *buf, size_t count);
int vdsa_conn_region_write(struct vdsa_conn *conn, uint32_t index, uint64_t offset,
			   const void *buf, size_t count);

/* PCI configuration space: region VFIO_PCI_CONFIG_REGION_INDEX. */
int vdsa_conn_config_read(struct vdsa_conn *conn, uint32_t offset, void *buf, size_t count);
int vdsa_conn_config_write(struct vdsa_conn *conn, uint32_t offset, const void *buf,
			   size_t count);

/**
 * vdsa_conn_region_mmap - map mmap-able area @area of region @index.
 * @addrp, @lenp: receive the mapping (read/write, shared with the device)
 *	and its length; owned by the connection, unmapped by
 *	vdsa_conn_close(). Mapping the same area again returns the same one.
 * Return: 0; -ENOTSUP (the region offers no such area); -errno of mmap().
 */
int vdsa_conn_region_mmap(struct vdsa_conn *conn, uint32_t index, unsigned int area,
			  void **addrp, size_t *lenp);

/**
 * vdsa_conn_set_irq_eventfds - signal vectors [@start, @start + @count) of
 * irq @index (e.g. VFIO_PCI_MSIX_IRQ_INDEX) on @fds[0..count-1]; @fds NULL
 * de-assigns them. Split into several messages when @count exceeds the
 * server's max_msg_fds. The caller keeps its fds (the server holds its own
 * references). Return: 0 or -errno (-EINVAL for a range the irq lacks).
 */
int vdsa_conn_set_irq_eventfds(struct vdsa_conn *conn, uint32_t index, uint32_t start,
			       uint32_t count, const int *fds);

/**
 * vdsa_conn_set_irqs - VFIO_USER_DEVICE_SET_IRQS without fds.
 * @flags: VFIO_IRQ_SET_DATA_NONE or _DATA_BOOL, with one ACTION_ flag.
 * @bools: with DATA_BOOL, @count bytes (non-zero: act on that vector).
 * Return: 0 or -errno.
 */
int vdsa_conn_set_irqs(struct vdsa_conn *conn, uint32_t flags, uint32_t index,
		       uint32_t start, uint32_t count, const uint8_t *bools);

/* Disable every vector of irq @index (count 0, DATA_NONE | TRIGGER). */
int vdsa_conn_disable_irqs(struct vdsa_conn *conn, uint32_t index);

/* VFIO_USER_DEVICE_RESET. Return: 0 or -errno. */
int vdsa_conn_reset(struct vdsa_conn *conn);

/* DMA_MAP flags: what the device may do with the memory. */
#define VDSA_DMA_READ		(1U << 0)
#define VDSA_DMA_WRITE		(1U << 1)

/**
 * vdsa_conn_dma_map - let the device reach [@fd_offset, +@size) of @fd at
 * IOVA @iova (VFIO_USER_DMA_MAP; the fd travels to the server, the caller
 * keeps its own). For memory the library manages use vdsa_buf_alloc().
 * Return: 0; -EEXIST (overlaps a map); -EINVAL; -ENOSPC; -errno.
 */
int vdsa_conn_dma_map(struct vdsa_conn *conn, int fd, uint64_t fd_offset, uint64_t iova,
		      uint64_t size, uint32_t flags);

/**
 * vdsa_conn_dma_unmap - end the map at exactly @iova, @size. When it
 * returns the device no longer touches the memory.
 * Return: 0; -ENOENT (no such map); -errno.
 */
int vdsa_conn_dma_unmap(struct vdsa_conn *conn, uint64_t iova, uint64_t size);

/*
 * IOVA layout of vdsa_buf_alloc(): buffers are placed upward from
 * VDSA_IOVA_BASE, each followed by VDSA_IOVA_GUARD unmapped bytes, so
 * buf->iova + buf->size is never mapped (a known-bad address).
 */
#define VDSA_IOVA_BASE		0x10000000ULL
#define VDSA_IOVA_GUARD		0x1000ULL

/**
 * struct vdsa_buf - client memory the device can reach.
 * @va: the client's mapping (read/write), page aligned.
 * @iova: the device's address of @va.
 * @size: bytes, a multiple of 4096.
 * The fields are read-only for the caller.
 */
struct vdsa_buf {
	void *va;
	uint64_t iova;
	size_t size;
	struct vdsa_conn *conn;
	struct vdsa_buf *next;
};

/**
 * vdsa_buf_alloc - allocate @size bytes (rounded up to 4096) of zeroed
 * shared memory (a memfd), map it for device reads and writes, and return
 * it. Free it with vdsa_buf_free() (or leave it to vdsa_conn_close()).
 * Return: 0 or -errno (-ENOMEM, -ENOSPC, the server's error).
 */
int vdsa_buf_alloc(struct vdsa_conn *conn, size_t size, struct vdsa_buf **bufp);

/**
 * vdsa_buf_free - unmap @buf from the device, then release the memory.
 * Return: 0, or the unmap's -errno (the memory is released anyway).
 */
int vdsa_buf_free(struct vdsa_buf *buf);

/* ===================== part 2: the virtual DSA driver ===================== */

struct vdsa_dev;

enum vdsa_portal {
	VDSA_PORTAL_TRAPPED,	/* REGION_WRITE of 64 bytes to BAR2 */
	VDSA_PORTAL_MMAP,	/* store into the mmap-ed portal page */
};

enum vdsa_wait {
	VDSA_WAIT_POLL,		/* spin on the completion record */
	VDSA_WAIT_IRQ,		/* block on the completion vector's eventfd */
};

/**
 * struct vdsa_dev_info - what bring-up learned.
 * @version: VERSION register.
 * @gencap, @wqcap, @opcap0: GENCAP, WQCAP, first 64 bits of OPCAP.
 * @wq_size: descriptors the dedicated WQ 0 holds (WQCFG[0].wq_size), also
 *	the bound on outstanding descriptors.
 * @max_xfer_size: bytes per descriptor (1 << WQCFG[0].max_xfer_shift).
 * @nr_vectors: MSI-X vectors of the device.
 * @irq_vector: the MSI-X vector completion interrupts use (1).
 * @int_handle: the interrupt handle for descriptors (from
 *	REQUEST_INT_HANDLE, or the vector index if the device has no such
 *	command).
 * @portal_mmap: the first portal page is mmap-ed (VDSA_PORTAL_MMAP works).
 */
struct vdsa_dev_info {
	uint32_t version;
	uint64_t gencap;
	uint64_t wqcap;
	uint64_t opcap0;
	uint32_t wq_size;
	uint32_t max_xfer_size;
	uint32_t nr_vectors;
	uint32_t irq_vector;
	uint16_t int_handle;
	bool portal_mmap;
};

/* Completion wait for a device command (CMDSTS.active to clear). */
#define VDSA_CMD_TIMEOUT_MS	2000

/**
 * vdsa_dev_open - bring the virtual DSA behind @conn up.
 *
 * Steps (DSA spec ch. 3, 9): check the device (PCI, BAR0, BAR2, config,
 * MSI-X with >= 2 vectors); set Memory Space and Bus Master in the PCI
 * command register; if the device is enabled (a server that keeps the state
 * an earlier client left, as the vfio-user specification allows; siovd's
 * mdevs come reset), reset it (VFIO_USER_DEVICE_RESET) and set the command
 * register again; read the
 * capabilities and WQCFG[0]
 * (it must be a configured dedicated WQ: GENCAP.config_en is 0 and the
 * configuration read-only); route MSI-X vectors 0 (errors, commands) and 1
 * (completions) to eventfds and set MSI-X Enable; ENABLE_DEVICE (check
 * CMDSTS and GENSTS.state); ENABLE_WQ 0 (check CMDSTS and
 * WQCFG[0].wq_state); REQUEST_INT_HANDLE for vector 1; mmap portal page 0
 * when the server offers it.
 *
 * @devp: receives the device; vdsa_dev_close() undoes everything.
 * Return: 0; -ENODEV (not a virtual DSA as described); -ENOTSUP (WQ 0 not
 * a configured dedicated WQ); -EINVAL (a command failed: see
 * vdsa_dev_cmd_status()); -EBUSY (a command did not complete in
 * VDSA_CMD_TIMEOUT_MS); -EIO (state register disagrees after a command);
 * the connection's -errno.
 */
int vdsa_dev_open(struct vdsa_conn *conn, struct vdsa_dev **devp);

/**
 * struct vdsa_pf_config - how vdsa_pf_open() configures a whole DSA: one
 * group (group 0) with WQ 0, dedicated, and the first @nr_engines engines.
 * @nr_engines: 1..ENGCAP.num_engines; 0 means all of them.
 * @wq_size: WQ 0's entries, 1..WQCAP.total_wq_size; 0 means 16 (or the
 *	total when smaller).
 * @priority: WQ 0's priority 1..15; 0 means 1.
 */
struct vdsa_pf_config {
	unsigned int nr_engines;
	unsigned int wq_size;
	unsigned int priority;
};

/**
 * vdsa_pf_open - bring up a whole DSA function behind @conn (siovd's
 * vfio-pci assignment), configuring it from @cfg (NULL: all defaults).
 *
 * Steps (SPDK's order): check the device as vdsa_dev_open() does; Memory
 * Space and Bus Master on; VFIO_USER_DEVICE_RESET (a function reset: a
 * known state) and the command register again; read the capabilities
 * (GENCAP.config_en must be 1); program WQCFG[0] (read-modify-write: size,
 * dedicated, priority, the device's transfer and batch limits, no PASID)
 * and GRPCFG[0] (WQ 0 and the engines); route MSI-X vectors 0 and 1 to
 * eventfds with GENCTRL's error and halt interrupts on; ENABLE_DEVICE,
 * ENABLE_WQ 0, REQUEST_INT_HANDLE for MSI-X vector 1 when CMDCAP has it;
 * mmap the portal page of WQ 0 when offered. From then on every other call
 * of this part works as on a virtual DSA.
 *
 * Return: 0; -ENOTSUP (configuration read-only); -EINVAL (@cfg out of the
 * device's range, or a command failed: vdsa_dev_cmd_status()); the errors
 * of vdsa_dev_open().
 */
int vdsa_pf_open(struct vdsa_conn *conn, const struct vdsa_pf_config *cfg,
		 struct vdsa_dev **devp);

/**
 * vdsa_dev_close - release the interrupt handle, disable WQ 0 and the
 * device, disable the interrupts, free the device. Descriptors still
 * outstanding are drained by the disable. The connection stays open.
 */
void vdsa_dev_close(struct vdsa_dev *dev);

/**
 * vdsa_dev_handle_revoked - the DSA 1.1 interrupt handle revocation: when
 * INTCAUSE says the device revoked the interrupt handles (a reset on the
 * host side), clear the cause and request a new handle for the completion
 * vector (REQUEST_INT_HANDLE); vdsa_dev_info()->int_handle is updated.
 * Descriptors that completed with DSA_COMP_INT_HANDLE_INVAL may then be
 * submitted again with the new handle; descriptors in flight at the reset
 * are lost (the WQ restarted: the mapped portal begins again at slot 0 and
 * nothing counts as outstanding). Call it when vector 0 fires, or after
 * such a completion.
 * Return: 1 a new handle was taken; 0 nothing was revoked; -errno (a
 * command failed: -EINVAL with vdsa_dev_cmd_status()).
 */
int vdsa_dev_handle_revoked(struct vdsa_dev *dev);

const struct vdsa_dev_info *vdsa_dev_info(const struct vdsa_dev *dev);

/* CMDSTS of the last device command (error code in bits 7:0). */
uint32_t vdsa_dev_cmd_status(const struct vdsa_dev *dev);

/**
 * vdsa_dev_mmio_read / vdsa_dev_mmio_write - one trapped BAR0 access of
 * @size (4 or 8) bytes. Return: 0 or -errno (-EINVAL for another size).
 */
int vdsa_dev_mmio_read(struct vdsa_dev *dev, uint32_t offset, unsigned int size,
		       uint64_t *val);
int vdsa_dev_mmio_write(struct vdsa_dev *dev, uint32_t offset, unsigned int size,
			uint64_t val);

/* The eventfd of MSI-X vector @vector (0 or 1), owned by the device; -1 if none. */
int vdsa_dev_eventfd(const struct vdsa_dev *dev, unsigned int vector);

/* ---- descriptors -------------------------------------------------------- */

/*
 * Descriptor helpers: zero @d and fill it for one operation with the
 * completion record at IOVA @comp (32-byte aligned) requested
 * (IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR). Addresses are IOVAs, lengths
 * bytes (<= max_xfer_size).
 */
void vdsa_desc_nop(struct dsa_hw_desc *d, uint64_t comp);
void vdsa_desc_drain(struct dsa_hw_desc *d, uint64_t comp);
void vdsa_desc_memmove(struct dsa_hw_desc *d, uint64_t comp, uint64_t dst, uint64_t src,
		       uint32_t len);
/* FILL: byte i of dst gets byte (i % 8) of @pattern (little-endian). */
void vdsa_desc_fill(struct dsa_hw_desc *d, uint64_t comp, uint64_t dst, uint64_t pattern,
		    uint32_t len);
/* COMPARE: result 0 equal; 1 different, bytes_completed = first differing offset. */
void vdsa_desc_compare(struct dsa_hw_desc *d, uint64_t comp, uint64_t src1, uint64_t src2,
		       uint32_t len);
/*
 * CRC_GEN: CRC-32C (Castagnoli, reflected) of [src, +len) into the record's
 * crc_val. DSA inverts the seed on entry and the result on exit, so seed 0
 * gives the standard CRC-32C; in ISA-L terms the result is
 * ~crc32_iscsi(data, len, ~seed).
 */
void vdsa_desc_crcgen(struct dsa_hw_desc *d, uint64_t comp, uint64_t src, uint32_t len,
		      uint32_t seed);
/* Ask for a completion interrupt through @int_handle (IDXD_OP_FLAG_RCI). */
void vdsa_desc_set_irq(struct dsa_hw_desc *d, uint16_t int_handle);

/**
 * vdsa_submit - hand one descriptor to WQ 0.
 * @mode: VDSA_PORTAL_TRAPPED sends a 64-byte REGION_WRITE to BAR2 offset 0;
 *	VDSA_PORTAL_MMAP writes the next of the 64 slots of the mmap-ed
 *	portal page (slots strictly in order; bytes 8..63 first, then the
 *	first 8 with a release store; a slot is reused only once the device
 *	has zeroed its first qword).
 *
 * At most wq_size descriptors may be outstanding; each is retired by the
 * vdsa_wait() that sees its completion (or vdsa_retire()).
 * Return: 0; -EBUSY (wq_size outstanding); -ENOTSUP (no mmap portal);
 * -EINVAL (a descriptor whose first qword is zero cannot be seen by the
 * device); -ETIMEDOUT (the slot was not freed within VDSA_CMD_TIMEOUT_MS);
 * the connection's -errno.
 */
int vdsa_submit(struct vdsa_dev *dev, const struct dsa_hw_desc *d, enum vdsa_portal mode);

/* Completion status byte of @comp (0 while pending); acquire load. */
static inline uint8_t vdsa_comp_status(const struct dsa_completion_record *comp)
{
	return __atomic_load_n((const uint8_t *)&comp->status, __ATOMIC_ACQUIRE);
}

/**
 * vdsa_wait - wait until the completion record @comp (the client's mapping
 * of a descriptor's completion_addr) is written, then retire one
 * outstanding descriptor.
 * @timeout_ms: < 0 waits forever.
 * Return: the status byte (DSA_COMP_* | DSA_COMP_STATUS_WRITE bit, > 0);
 * -ETIMEDOUT; -errno of poll/read on the eventfd.
 */
int vdsa_wait(struct vdsa_dev *dev, const struct dsa_completion_record *comp,
	      enum vdsa_wait mode, int timeout_ms);

/* Retire one outstanding descriptor whose completion the caller observed. */
void vdsa_retire(struct vdsa_dev *dev);

/* Descriptors submitted and not yet retired. */
unsigned int vdsa_outstanding(const struct vdsa_dev *dev);

#ifdef __cplusplus
}
#endif

#endif
