/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The vfio-user wire format: message header, command numbers, header flags
 * and the payload of every command siovd speaks, as packed structs.
 *
 * Shared by the server (src/vfio/user) and the client library (lib/vdsa);
 * it includes nothing of siovd, only <linux/vfio.h> for the structures the
 * protocol borrows from the kernel ABI.
 *
 * All fields are in host byte order (the protocol's rule for AF_UNIX). All
 * sizes are bytes. A message is the 16-byte header followed by a payload;
 * vfio_user_header.msg_size counts both. File descriptors travel as
 * SCM_RIGHTS ancillary data attached to the message's first byte.
 *
 * Source: QEMU docs/interop/vfio-user.rst, protocol version 0.1.
 */
#ifndef SIOVD_UAPI_VFIO_USER_H
#define SIOVD_UAPI_VFIO_USER_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/vfio.h>

#define VFIO_USER_MAJOR			0
#define VFIO_USER_MINOR			1

/* Command numbers ("Commands" table of the specification). */
enum vfio_user_command {
	VFIO_USER_VERSION			= 1,
	VFIO_USER_DMA_MAP			= 2,
	VFIO_USER_DMA_UNMAP			= 3,
	VFIO_USER_DEVICE_GET_INFO		= 4,
	VFIO_USER_DEVICE_GET_REGION_INFO	= 5,
	VFIO_USER_DEVICE_GET_REGION_IO_FDS	= 6,
	VFIO_USER_DEVICE_GET_IRQ_INFO		= 7,
	VFIO_USER_DEVICE_SET_IRQS		= 8,
	VFIO_USER_REGION_READ			= 9,
	VFIO_USER_REGION_WRITE			= 10,
	VFIO_USER_DMA_READ			= 11,
	VFIO_USER_DMA_WRITE			= 12,
	VFIO_USER_DEVICE_RESET			= 13,
	VFIO_USER_REGION_WRITE_MULTI		= 15,
	VFIO_USER_DEVICE_FEATURE		= 16,
	VFIO_USER_MIG_DATA_READ			= 17,
	VFIO_USER_MIG_DATA_WRITE		= 18,
	VFIO_USER_MAX,
};

/* vfio_user_header.flags */
#define VFIO_USER_F_TYPE_MASK		0x0000000fU
#define VFIO_USER_F_TYPE_COMMAND	0x0U
#define VFIO_USER_F_TYPE_REPLY		0x1U
#define VFIO_USER_F_NO_REPLY		0x00000010U
#define VFIO_USER_F_ERROR		0x00000020U
#define VFIO_USER_F_KNOWN		(VFIO_USER_F_TYPE_MASK | VFIO_USER_F_NO_REPLY | \
					 VFIO_USER_F_ERROR)

/*
 * struct vfio_user_header - precedes every message.
 * @msg_id: chosen by the sender, echoed in the reply.
 * @command: enum vfio_user_command, echoed in the reply.
 * @msg_size: bytes of the whole message, header included (>= 16).
 * @flags: VFIO_USER_F_*.
 * @error_no: positive errno of a reply with VFIO_USER_F_ERROR; reserved
 *	(zero) in commands.
 */
struct vfio_user_header {
	uint16_t msg_id;
	uint16_t command;
	uint32_t msg_size;
	uint32_t flags;
	uint32_t error_no;
} __attribute__((packed));

/*
 * VFIO_USER_VERSION request and reply: @major/@minor followed by an optional
 * NUL-terminated UTF-8 JSON object {"capabilities": {...}} whose members are
 * named below.
 */
struct vfio_user_version {
	uint16_t major;
	uint16_t minor;
	char data[];
} __attribute__((packed));

#define VFIO_USER_CAP			"capabilities"
#define VFIO_USER_CAP_MAX_MSG_FDS	"max_msg_fds"
#define VFIO_USER_CAP_MAX_DATA_XFER	"max_data_xfer_size"
#define VFIO_USER_CAP_PGSIZES		"pgsizes"
#define VFIO_USER_CAP_MAX_DMA_MAPS	"max_dma_maps"
#define VFIO_USER_CAP_MIGRATION		"migration"
#define VFIO_USER_CAP_TWIN_SOCKET	"twin_socket"
#define VFIO_USER_CAP_TWIN_SUPPORTED	"supported"
#define VFIO_USER_CAP_WRITE_MULTIPLE	"write_multiple"

/* Values a peer assumes when the other side does not name a capability. */
#define VFIO_USER_DEFAULT_MAX_MSG_FDS		1
#define VFIO_USER_DEFAULT_MAX_DATA_XFER		(1024 * 1024)
#define VFIO_USER_DEFAULT_MAX_DMA_MAPS		65535
#define VFIO_USER_DEFAULT_PGSIZES		4096

/*
 * VFIO_USER_DMA_MAP request (the reply has no payload). With an fd in the
 * ancillary data, [@offset, @offset + @size) of that fd backs DMA addresses
 * [@addr, @addr + @size).
 */
#define VFIO_USER_F_DMA_REGION_READ	(1U << 0)
#define VFIO_USER_F_DMA_REGION_WRITE	(1U << 1)
struct vfio_user_dma_map {
	uint32_t argsz;		/* sizeof(struct vfio_user_dma_map) */
	uint32_t flags;
	uint64_t offset;	/* in the fd */
	uint64_t addr;		/* DMA (IO virtual) address */
	uint64_t size;
} __attribute__((packed));

/* VFIO_USER_DMA_UNMAP request and reply (the reply echoes the request). */
struct vfio_user_dma_unmap {
	uint32_t argsz;		/* request: room for the reply payload */
	uint32_t flags;		/* none defined */
	uint64_t addr;
	uint64_t size;
} __attribute__((packed));

/*
 * VFIO_USER_DEVICE_GET_INFO request and reply: the first 16 bytes of
 * <linux/vfio.h>'s struct vfio_device_info (the protocol has no cap_offset).
 */
struct vfio_user_device_info {
	uint32_t argsz;
	uint32_t flags;		/* VFIO_DEVICE_FLAGS_* */
	uint32_t num_regions;
	uint32_t num_irqs;
} __attribute__((packed));

/*
 * VFIO_USER_DEVICE_GET_REGION_INFO uses struct vfio_region_info; the reply
 * may be followed by the capability chain (VFIO_REGION_INFO_CAP_*) and carries
 * the mmap fd when VFIO_REGION_INFO_FLAG_MMAP is set and argsz allowed the
 * whole reply. VFIO_USER_DEVICE_GET_IRQ_INFO uses struct vfio_irq_info and
 * VFIO_USER_DEVICE_SET_IRQS struct vfio_irq_set (with DATA_EVENTFD the fds
 * are ancillary data, not payload).
 */

/* VFIO_USER_REGION_READ / VFIO_USER_REGION_WRITE request and reply. */
struct vfio_user_region_access {
	uint64_t offset;	/* within the region */
	uint32_t region;	/* region index */
	uint32_t count;		/* bytes, <= max_data_xfer_size */
	uint8_t data[];		/* read reply / write request */
} __attribute__((packed));

/* VFIO_USER_DMA_READ / VFIO_USER_DMA_WRITE (server -> client; not used). */
struct vfio_user_dma_access {
	uint64_t addr;
	uint64_t count;
	uint8_t data[];
} __attribute__((packed));

/* VFIO_USER_REGION_WRITE_MULTI (not negotiated by siovd). */
struct vfio_user_write_multi_entry {
	uint64_t offset;
	uint32_t region;
	uint32_t count;		/* <= 8 */
	uint8_t data[8];
} __attribute__((packed));

/* ---- layout checks ------------------------------------------------------ */

static_assert(sizeof(struct vfio_user_header) == 16, "header");
static_assert(offsetof(struct vfio_user_header, command) == 2, "header.command");
static_assert(offsetof(struct vfio_user_header, msg_size) == 4, "header.msg_size");
static_assert(offsetof(struct vfio_user_header, flags) == 8, "header.flags");
static_assert(offsetof(struct vfio_user_header, error_no) == 12, "header.error");
static_assert(sizeof(struct vfio_user_version) == 4, "version");
static_assert(sizeof(struct vfio_user_dma_map) == 32, "dma_map");
static_assert(offsetof(struct vfio_user_dma_map, offset) == 8, "dma_map.offset");
static_assert(offsetof(struct vfio_user_dma_map, addr) == 16, "dma_map.addr");
static_assert(offsetof(struct vfio_user_dma_map, size) == 24, "dma_map.size");
static_assert(sizeof(struct vfio_user_dma_unmap) == 24, "dma_unmap");
static_assert(offsetof(struct vfio_user_dma_unmap, addr) == 8, "dma_unmap.addr");
static_assert(offsetof(struct vfio_user_dma_unmap, size) == 16, "dma_unmap.size");
static_assert(sizeof(struct vfio_user_device_info) == 16, "device_info");
static_assert(offsetof(struct vfio_user_device_info, num_irqs) ==
	      offsetof(struct vfio_device_info, num_irqs), "device_info prefix");
static_assert(sizeof(struct vfio_region_info) == 32, "region_info");
static_assert(offsetof(struct vfio_region_info, cap_offset) == 12, "region_info.cap_offset");
static_assert(offsetof(struct vfio_region_info, size) == 16, "region_info.size");
static_assert(offsetof(struct vfio_region_info, offset) == 24, "region_info.offset");
static_assert(sizeof(struct vfio_info_cap_header) == 8, "cap_header");
static_assert(sizeof(struct vfio_region_info_cap_sparse_mmap) == 16, "sparse_mmap");
static_assert(sizeof(struct vfio_region_sparse_mmap_area) == 16, "sparse_mmap_area");
static_assert(sizeof(struct vfio_irq_info) == 16, "irq_info");
static_assert(offsetof(struct vfio_irq_info, count) == 12, "irq_info.count");
static_assert(sizeof(struct vfio_irq_set) == 20, "irq_set");
static_assert(offsetof(struct vfio_irq_set, count) == 16, "irq_set.count");
static_assert(sizeof(struct vfio_user_region_access) == 16, "region_access");
static_assert(offsetof(struct vfio_user_region_access, region) == 8, "region_access.region");
static_assert(offsetof(struct vfio_user_region_access, count) == 12, "region_access.count");
static_assert(sizeof(struct vfio_user_dma_access) == 16, "dma_access");
static_assert(sizeof(struct vfio_user_write_multi_entry) == 24, "write_multi");

#endif
