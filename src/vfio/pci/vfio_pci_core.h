/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-pci-core: a library, not a driver (seed 003). It implements the
 * VFIO PCI device ABI of <linux/vfio.h> for a PCI function that a variant
 * driver emulates: a virtual configuration space, a region table, MSI-X
 * interrupts driven by VFIO_DEVICE_SET_IRQS, and the VFIO_DEVICE_* ioctls.
 * Its exported vfio_pci_core_<op>() functions have exactly the signatures of
 * the struct vfio_device_ops members, so a variant's ops table is mostly
 * core functions and it wraps only what it changes (for example ioctl, to
 * act on VFIO_DEVICE_RESET before falling through to the core).
 *
 * What the core emulates itself:
 *  - Configuration space, 4 KiB: bytes plus a per-byte write mask and a
 *    per-byte write-1-to-clear mask. Accesses of any size and alignment
 *    inside the 4 KiB are allowed (the VFIO ABI permits them). A write
 *    changes only writable bits and clears only W1C bits written as 1.
 *    The standard header is set up by vfio_pci_core_init_dev(): command
 *    register (memory space, bus master, parity, SERR, INTx disable
 *    writable), status (error bits W1C), no INTx pin, no expansion ROM.
 *  - BARs set up with vfio_pci_core_setup_bar(): the BAR registers have
 *    sizing semantics (writing all-ones reads back the size mask with the
 *    type bits), and the matching region forwards trapped accesses to the
 *    variant's struct vfio_pci_regops. As in Linux vfio-pci, BAR accesses
 *    fail with -EIO while the command register's memory space bit is off.
 *  - Capabilities: a PCI Express capability, an MSI-X capability, and
 *    helpers to add any other standard or extended capability.
 *  - MSI-X: the table and PBA inside their BAR are emulated by the core
 *    (the table is storage for the VMM's view; delivery is decided by
 *    SET_IRQS, as in vfio-pci where the VMM owns the table); per vector an
 *    eventfd, a mask and a pending bit. The variant is told through its
 *    struct vfio_pci_core_irq_ops when a vector is wired, unwired, masked or
 *    unmasked, so it can route a hardware-backed vector (an IMS entry)
 *    straight to the eventfd; vectors the variant emulates are raised with
 *    vfio_pci_core_trigger().
 *
 * SET_IRQS follows Linux vfio_pci_intrs.c: TRIGGER with DATA_EVENTFD wires
 * (fd -1 unwires) a block of vectors and enables MSI-X; with DATA_NONE and
 * count 0 disables MSI-X; with DATA_NONE/DATA_BOOL and count > 0 signals the
 * vectors (loopback). Beyond the kernel, MSI-X vectors are maskable:
 * ACTION_MASK/UNMASK with DATA_NONE or DATA_BOOL; an emulated interrupt
 * raised while masked is latched in the PBA and delivered at unmask.
 *
 * Lifetime: the variant embeds struct vfio_pci_core_device at offset 0 of
 * its struct and allocates it with vfio_alloc_device(); its ops->init calls
 * vfio_pci_core_init_dev() and its ops->release calls
 * vfio_pci_core_release_dev(). It composes the device (ids, BARs,
 * capabilities, regions), then vfio_pci_core_register_device() snapshots
 * the configuration space as the reset image and registers the vfio_device;
 * vfio_pci_core_unregister_device() withdraws it. A client session:
 * open_device, then close_device, which unwires every eventfd but keeps
 * the rest of the device state for the next client (vfio-user rules).
 *
 * Threading: the event-loop thread only, like the VFIO core; the variant's
 * callbacks are called with no lock held and may call back into the core.
 *
 * Source: Linux drivers/vfio/pci/vfio_pci_core.c, vfio_pci_config.c,
 * vfio_pci_intrs.c, include/linux/vfio_pci_core.h (v6.1) for behaviour;
 * PCI Local Bus 3.0 and PCIe Base 5.0 for the configuration space.
 */
#ifndef SIOVD_VFIO_PCI_VFIO_PCI_CORE_H
#define SIOVD_VFIO_PCI_VFIO_PCI_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vfio/vfio.h"

/* The vfio_pci_core module's interface: visible to other modules (base/module.h). */
#pragma GCC visibility push(default)

#define VFIO_PCI_CFG_SIZE		4096	/* PCI_CFG_SPACE_EXP_SIZE */
#define VFIO_PCI_NUM_BARS		6

/* Flags of vfio_pci_core_setup_bar(). */
#define VFIO_PCI_BAR_64BIT		(1U << 0)
#define VFIO_PCI_BAR_PREFETCH		(1U << 1)

struct vfio_pci_core_device;

/**
 * struct vfio_pci_regops - a variant's handling of one region.
 * @rw: a trapped access of @count bytes at byte @off of region @index
 *	(already checked to lie inside the region; MSI-X table and PBA
 *	accesses never reach it). Return: @count, or -errno (-EINVAL for a
 *	size or alignment the region does not support).
 * @mmap: the fd and the byte offset in it where region @index starts, for a
 *	client to map the sparse areas (optional). The fd stays owned by the
 *	variant. Return: 0 or -errno.
 */
struct vfio_pci_regops {
	ssize_t (*rw)(struct vfio_pci_core_device *core, unsigned int index,
		      char *buf, size_t count, uint64_t off, bool iswrite);
	int (*mmap)(struct vfio_pci_core_device *core, unsigned int index,
		    int *fd, uint64_t *fd_offset);
};

/**
 * struct vfio_pci_region - one entry of the region table.
 * @size: bytes; 0 = the region does not exist.
 * @flags: VFIO_REGION_INFO_FLAG_READ/WRITE/MMAP as reported to clients.
 * @ops: the variant's callbacks (BAR regions), NULL for the config region.
 * @nr_areas, @areas: the mmap-able parts (sparse mmap capability), owned
 *	by the core.
 */
struct vfio_pci_region {
	uint64_t size;
	uint32_t flags;
	const struct vfio_pci_regops *ops;
	unsigned int nr_areas;
	struct vfio_region_sparse_mmap_area *areas;
};

/**
 * struct vfio_pci_core_irq_ops - how the core tells a variant about MSI-X
 * vector changes driven by the client. All callbacks are optional.
 * @msix_set: vector @vector now signals eventfd @fd, or nothing when @fd is
 *	-1. The fd is the core's own dup, valid until the next msix_set of
 *	that vector (the variant dups it again if it keeps it, e.g. through
 *	irq_set_eventfd()). A vector that is masked stays masked: check
 *	vfio_pci_core_msix_masked(). Return: 0, or -errno to refuse (the
 *	SET_IRQS fails and the core unwinds the vectors set so far). Unwiring
 *	(@fd == -1) cannot fail.
 * @msix_mask/@msix_unmask: the client masked or unmasked @vector.
 */
struct vfio_pci_core_irq_ops {
	int (*msix_set)(struct vfio_pci_core_device *core, unsigned int vector, int fd);
	void (*msix_mask)(struct vfio_pci_core_device *core, unsigned int vector);
	void (*msix_unmask)(struct vfio_pci_core_device *core, unsigned int vector);
};

/* Per-vector MSI-X state; private to the core. */
struct vfio_pci_irq_ctx {
	int trigger;		/* the core's dup of the client's eventfd, or -1 */
	bool masked;
	bool pending;
};

/**
 * struct vfio_pci_core_device - an emulated PCI function served through
 * VFIO. Embedded at offset 0 of the variant's struct.
 * @vdev: the VFIO device (first member; checked at build time).
 * @irq_ops: set by the variant before registration (may stay NULL).
 * @config, @cfg_wmask, @cfg_w1c: configuration space and its masks; use
 *	vfio_pci_core_config_set() to lay out fields, not direct writes.
 * @regions: indexed by VFIO_PCI_*_REGION_INDEX.
 * The remaining members are private to the core.
 */
struct vfio_pci_core_device {
	struct vfio_device vdev;
	const struct vfio_pci_core_irq_ops *irq_ops;

	uint8_t config[VFIO_PCI_CFG_SIZE];
	uint8_t cfg_wmask[VFIO_PCI_CFG_SIZE];
	uint8_t cfg_w1c[VFIO_PCI_CFG_SIZE];
	uint8_t cfg_reset[VFIO_PCI_CFG_SIZE];	/* image restored by a reset */

	struct vfio_pci_region regions[VFIO_PCI_NUM_REGIONS];

	/* capability list building */
	unsigned int cap_free;		/* next free byte for a standard cap */
	unsigned int cap_last;		/* offset of the last standard cap, 0 none */
	unsigned int ecap_free;		/* next free byte for an extended cap */
	unsigned int ecap_last;		/* offset of the last extended cap, 0 none */

	/* MSI-X */
	unsigned int msix_cap;		/* capability offset, 0 = no MSI-X */
	unsigned int msix_nvec;
	unsigned int msix_table_bar, msix_pba_bar;
	uint64_t msix_table_offset, msix_pba_offset;
	uint8_t *msix_table;		/* msix_nvec * PCI_MSIX_ENTRY_SIZE bytes */
	struct vfio_pci_irq_ctx *msix_ctx;
	bool msix_enabled;		/* by SET_IRQS, not the config bit */

	bool registered;
};

static_assert(offsetof(struct vfio_pci_core_device, vdev) == 0,
	      "struct vfio_device must be first (vfio_alloc_device)");

static inline struct vfio_pci_core_device *to_vfio_pci_core(struct vfio_device *vdev)
{
	return container_of(vdev, struct vfio_pci_core_device, vdev);
}

/* ---- vfio_device_ops members ----------------------------------------------- */

/**
 * vfio_pci_core_init_dev - ops->init: an empty type-0 function (no ids, no
 * BARs, no capabilities), the config region, MSI-X absent.
 * Return: 0. Undone by vfio_pci_core_release_dev().
 */
int vfio_pci_core_init_dev(struct vfio_device *vdev);

/**
 * vfio_pci_core_release_dev - ops->release: free what the core allocated
 * (sparse areas, MSI-X state, eventfd dups). No variant callback runs.
 */
void vfio_pci_core_release_dev(struct vfio_device *vdev);

/**
 * vfio_pci_core_open_device - ops->open_device: a client session starts.
 * The device keeps the state the previous client left (vfio-user: a new
 * client resets or re-enables it). Return: 0.
 */
int vfio_pci_core_open_device(struct vfio_device *vdev);

/**
 * vfio_pci_core_close_device - ops->close_device: disable MSI-X as SET_IRQS
 * count 0 would (msix_set(v, -1) for every wired vector, masks and pending
 * bits cleared); the configuration space and regions keep their state.
 */
void vfio_pci_core_close_device(struct vfio_device *vdev);

/**
 * vfio_pci_core_read - ops->read: @count bytes at *@ppos (region index in
 * bits 63:40) into @buf; *@ppos advances by the bytes read.
 *
 * Config region: any size and alignment inside the 4 KiB. BAR regions: the
 * MSI-X table (4 or 8 bytes, aligned) and PBA are emulated; everything else
 * goes to the region's rw callback.
 *
 * Return: bytes read; -EINVAL (no such region, count 0, no rw callback, bad
 * MSI-X access size); -EFAULT (outside the region); -EIO (a BAR while memory
 * space is disabled); or the variant's error.
 */
ssize_t vfio_pci_core_read(struct vfio_device *vdev, char *buf, size_t count,
			   uint64_t *ppos);

/**
 * vfio_pci_core_write - ops->write: as vfio_pci_core_read() the other way.
 * Config writes honour the write and W1C masks (read-only bits unchanged).
 * Return: bytes written, or the errors of vfio_pci_core_read().
 */
ssize_t vfio_pci_core_write(struct vfio_device *vdev, const char *buf, size_t count,
			    uint64_t *ppos);

/**
 * vfio_pci_core_ioctl - ops->ioctl: VFIO_DEVICE_GET_INFO, GET_REGION_INFO
 * (with the sparse mmap capability chain when argsz allows; argsz grows to
 * what is needed otherwise), GET_IRQ_INFO, SET_IRQS, RESET.
 * @arg: the <linux/vfio.h> struct, at least its argsz bytes of memory
 *	(the transport bounds argsz); unused by RESET.
 *
 * Each command computes its minsz with offsetofend and rejects
 * argsz < minsz and unknown flag bits with -EINVAL.
 *
 * RESET restores the configuration space to its registration image,
 * disables MSI-X (unwiring every vector through msix_set) and masks every
 * MSI-X table entry; a variant wraps ioctl to reset its own state too.
 *
 * Return: 0; -EINVAL (bad argsz, flags, index, range); -EFAULT (NULL @arg);
 * -EBADF (a SET_IRQS eventfd that cannot be duplicated); -ENOTTY (unknown
 * command); or the variant's msix_set error.
 */
long vfio_pci_core_ioctl(struct vfio_device *vdev, unsigned int cmd, void *arg);

/**
 * vfio_pci_core_region_mmap - ops->region_mmap: the region's mmap callback.
 * Return: 0, or -EINVAL (no such region or it is not mmap-able), or the
 * variant's error.
 */
int vfio_pci_core_region_mmap(struct vfio_device *vdev, unsigned int index,
			      int *fd, uint64_t *fd_offset);

/* ---- composing the device (before registration) ---------------------------- */

/**
 * vfio_pci_core_set_ids - vendor, device, subsystem ids, class code
 * (base << 16 | sub << 8 | prog-if) and revision; all read-only.
 */
void vfio_pci_core_set_ids(struct vfio_pci_core_device *core, uint16_t vendor,
			   uint16_t device, uint16_t subsys_vendor, uint16_t subsys_device,
			   uint32_t class_code, uint8_t revision);

/**
 * vfio_pci_core_setup_bar - a memory BAR of @size bytes (power of two,
 * >= 16) at BAR @bar, 64-bit when @flags has VFIO_PCI_BAR_64BIT (then @bar
 * must be even and BAR @bar+1 is its upper half), trapped through @ops
 * (region flags READ|WRITE, plus MMAP when @ops->mmap exists).
 * Return: 0, or -EINVAL (bad @bar, @size or @flags; BAR already set up).
 */
int vfio_pci_core_setup_bar(struct vfio_pci_core_device *core, unsigned int bar,
			    uint64_t size, unsigned int flags,
			    const struct vfio_pci_regops *ops);

/**
 * vfio_pci_core_add_sparse_mmap - offer [@offset, @offset + @size) of region
 * @index for mmap (page aligned, inside the region; the region needs an
 * mmap callback). Return: 0, -EINVAL, -ENOMEM.
 */
int vfio_pci_core_add_sparse_mmap(struct vfio_pci_core_device *core, unsigned int index,
				  uint64_t offset, uint64_t size);

/**
 * vfio_pci_core_config_set - lay out @len (1, 2 or 4) bytes at @off:
 * value @val, writable bits @wmask, write-1-to-clear bits @w1c.
 * Return: 0 or -EINVAL (outside the 4 KiB, bad @len).
 */
int vfio_pci_core_config_set(struct vfio_pci_core_device *core, unsigned int off,
			     unsigned int len, uint32_t val, uint32_t wmask, uint32_t w1c);

/**
 * vfio_pci_core_config_read - the current @len (1, 2 or 4) bytes at @off
 * (little-endian), 0 outside the 4 KiB.
 */
uint32_t vfio_pci_core_config_read(struct vfio_pci_core_device *core, unsigned int off,
				   unsigned int len);

/**
 * vfio_pci_core_add_cap - append a standard capability of @len bytes
 * (>= 2) with id @cap_id to the list (4-byte aligned, between 0x40 and
 * 0xff); the id and next pointer are filled in, the body is zero and
 * read-only until set with vfio_pci_core_config_set().
 * Return: the capability's offset, or -ENOSPC, -EINVAL.
 */
int vfio_pci_core_add_cap(struct vfio_pci_core_device *core, uint8_t cap_id,
			  unsigned int len);

/**
 * vfio_pci_core_add_ext_cap - append an extended capability (id @cap_id,
 * version @version, @len >= 4 bytes) from 0x100 on; the header is filled in.
 * Return: its offset, or -ENOSPC, -EINVAL.
 */
int vfio_pci_core_add_ext_cap(struct vfio_pci_core_device *core, uint16_t cap_id,
			      uint8_t version, unsigned int len);

/**
 * vfio_pci_core_add_pcie_cap - a PCI Express capability, version 2, of
 * device/port type @type (PCI_EXP_TYPE_ENDPOINT, PCI_EXP_TYPE_RC_END...):
 * 128-byte max payload, no FLR; Device Control's error-reporting, relaxed
 * ordering, payload, extended tag, no-snoop and read request fields
 * writable; Device Status error bits W1C.
 * Return: the capability's offset, or the errors of vfio_pci_core_add_cap().
 */
int vfio_pci_core_add_pcie_cap(struct vfio_pci_core_device *core, uint8_t type);

/**
 * vfio_pci_core_add_msix_cap - an MSI-X capability with @nvec (1..2048)
 * vectors, the table at @table_offset of BAR @table_bar and the PBA at
 * @pba_offset of BAR @pba_bar (8-byte aligned, inside BARs already set up,
 * not overlapping). Message Control's enable and function-mask bits are
 * writable (virtual: delivery follows SET_IRQS). Every table entry starts
 * masked, as after reset.
 * Return: the capability's offset; -EINVAL; -EEXIST (MSI-X already there);
 * -ENOMEM; -ENOSPC.
 */
int vfio_pci_core_add_msix_cap(struct vfio_pci_core_device *core, unsigned int nvec,
			       unsigned int table_bar, uint64_t table_offset,
			       unsigned int pba_bar, uint64_t pba_offset);

/**
 * vfio_pci_core_register_device - snapshot the configuration space as the
 * reset image and vfio_register_device(). Undone by
 * vfio_pci_core_unregister_device().
 * Return: 0, or the errors of vfio_register_device().
 */
int vfio_pci_core_register_device(struct vfio_pci_core_device *core);
void vfio_pci_core_unregister_device(struct vfio_pci_core_device *core);

/* ---- running ----------------------------------------------------------------- */

/**
 * vfio_pci_core_trigger - raise emulated MSI-X vector @vector: signal its
 * eventfd, or latch it in the PBA while the vector is masked.
 * Return: 0 (signalled or latched); -ENOENT (MSI-X disabled or no eventfd:
 * the interrupt is lost, as a message nobody listens to); -EINVAL (no such
 * vector).
 */
int vfio_pci_core_trigger(struct vfio_pci_core_device *core, unsigned int vector);

/* Whether the client masked @vector (SET_IRQS ACTION_MASK). */
bool vfio_pci_core_msix_masked(struct vfio_pci_core_device *core, unsigned int vector);

/* Command register bits the variant checks (e.g. bus master for ENABLE). */
bool vfio_pci_core_memory_enabled(struct vfio_pci_core_device *core);
bool vfio_pci_core_bus_master(struct vfio_pci_core_device *core);

#pragma GCC visibility pop

#endif
