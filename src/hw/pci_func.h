/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a PCI function exposes on the bus: configuration space, memory BARs
 * (trapped MMIO and, where the silicon allows, memory a driver may map) and
 * nothing else. The PCI core (src/pci) and vfio-pci's whole-function
 * assignment reach a device model only through these callbacks; drivers never
 * see the model's structs.
 *
 * The device model masters DMA through the platform IOMMU (src/iommu) and
 * signals interrupts by MSI writes to the interrupt-remapping unit
 * (src/irq/remap.h): that is its upstream side, wired in when it is created.
 *
 * Threading: every callback may be called from any thread; the model
 * serialises what it must. Callbacks never call back into the caller.
 */
#ifndef SIOVD_HW_PCI_FUNC_H
#define SIOVD_HW_PCI_FUNC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCI_FUNC_NUM_BARS	6

struct pci_func_bar_info {
	uint64_t size;		/* bytes, power of two; 0 = BAR not implemented */
	bool is_64bit;
	bool prefetchable;
	/*
	 * bytes one fd of bar_mmap backs, from each multiple of it (a power of
	 * two, at most @size; @size: the whole BAR in one file); 0 = the BAR
	 * cannot be mapped
	 */
	uint64_t mmap_unit;
};

struct pci_func_ops {
	/*
	 * cfg_read/cfg_write - configuration space access.
	 * @off: byte offset 0..4095, @len: 1, 2 or 4, naturally aligned.
	 * Reads outside implemented space return all-ones; writes to read-only
	 * bits are dropped, as the PCI spec requires.
	 * Return: 0, or -EINVAL for a bad offset/length.
	 */
	int (*cfg_read)(void *hw, unsigned int off, unsigned int len, uint32_t *val);
	int (*cfg_write)(void *hw, unsigned int off, unsigned int len, uint32_t val);

	/*
	 * mmio_read/mmio_write - trapped access to a memory BAR.
	 * @bar: 0..5, @off: byte offset in the BAR, @len: 1, 2, 4 or 8, naturally
	 * aligned. A write may execute a command synchronously (the DSA command
	 * unit does) before it returns.
	 * Return: 0, -EINVAL (bad length/alignment), -ERANGE (outside the BAR),
	 * -ENODEV (BAR not implemented, or memory decoding disabled).
	 */
	int (*mmio_read)(void *hw, int bar, uint64_t off, unsigned int len, uint64_t *val);
	int (*mmio_write)(void *hw, int bar, uint64_t off, unsigned int len, uint64_t val);

	/*
	 * mmio_write_block - one atomic 64-byte posted write (MOVDIR64B/ENQCMD
	 * semantics): the way descriptors reach a DSA portal.
	 * @len must be 64 and @off 64-byte aligned.
	 * Return: 0, or the errors of mmio_write; -EOPNOTSUPP where the BAR has
	 * no portal semantics.
	 */
	int (*mmio_write_block)(void *hw, int bar, uint64_t off, const void *buf, size_t len);

	/*
	 * bar_mmap - memory backing part of a BAR that a driver may map
	 * (resourceN of sysfs), [@off, @off + @len) with @len > 0.
	 * The fd is handed on to whoever is allowed that range, an untrusted
	 * vfio-user client included, and the file offset it is given is only
	 * advice: the fd must give access to nothing outside the requested
	 * range rounded out to whole pages (its size, and what it backs,
	 * end there, and it cannot be grown). A model that cannot keep to
	 * that for a range refuses it; callers ask for what they will hand
	 * out, never for more.
	 * The fd is owned by the model and stays valid until bar_revoke of
	 * that range or the model's end: callers dup() it if they keep it
	 * longer (the transport does as it sends it).
	 * bar_info's mmap_unit says what one fd backs without handing
	 * anything out (a range handed out is polled, on a DSA).
	 * A model that implements bar_mmap implements bar_revoke too.
	 * Return: 0 with @fd and the byte offset @fd_off of @off inside it;
	 * -ENODEV when that part of the BAR cannot be mapped; -EOPNOTSUPP
	 * when each part could be, but no one file backs the whole range
	 * (ask for smaller pieces); -EINVAL for an empty range; another
	 * -errno (-EMFILE, -ENOMEM) when a revoked range's new backing
	 * cannot be made (see bar_revoke).
	 */
	int (*bar_mmap)(void *hw, int bar, uint64_t off, uint64_t len, int *fd, uint64_t *fd_off);

	/*
	 * bar_revoke - take back what bar_mmap handed out for [@off, @off +
	 * @len), a range bar_mmap takes (one file's). The kernel zaps a BAR's
	 * user mappings when a VFIO device is closed; a model cannot reach
	 * into its clients' address spaces, so it swaps the backing instead:
	 * once this returns, nothing written through a mapping of a file
	 * handed out before reaches the function, however long its holders
	 * keep it, and that file is never handed out again. The range gets a
	 * new, empty file, which the next bar_mmap hands out; the model
	 * closes its fd of the old one (a copy someone kept reaches only the
	 * dead file). What the old file held that the function had not yet
	 * taken is dropped. Anything the model keeps per range (a portal's
	 * position) starts afresh: see the model's documentation.
	 * Callers revoke when whoever was given the range loses it (its
	 * client disconnects, its device goes away), never on a reset of a
	 * client that stays: a VMM maps regions once.
	 * Return: 0; -ENOENT when nothing was handed out for the range since
	 * the model was created or since its last revoke (nothing to do);
	 * -ENODEV, -EOPNOTSUPP, -EINVAL as bar_mmap; another -errno (-EMFILE,
	 * -ENOMEM) when the new file cannot be made: the old one is already
	 * cut off from the function and is not handed out again, and the
	 * next bar_mmap of the range (or bar_revoke) tries again.
	 */
	int (*bar_revoke)(void *hw, int bar, uint64_t off, uint64_t len);

	/* bar_info - size and type of a BAR. Return: 0 or -EINVAL. */
	int (*bar_info)(void *hw, int bar, struct pci_func_bar_info *info);

	/* flr - Function Level Reset. Return: 0 or -errno. */
	int (*flr)(void *hw);
};

#endif
