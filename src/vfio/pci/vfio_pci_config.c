// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtual configuration space: a 4 KiB byte array with a write mask and
 * a write-1-to-clear mask per byte, the type-0 header, BAR registers with
 * sizing semantics, and capability list builders.
 *
 * Why byte masks: every field semantics the header needs (read-only ids,
 * writable command bits, W1C status bits, BAR address bits above the size)
 * is a per-bit property, so one generic write path handles accesses of any
 * size and alignment without per-register cases, as the kernel's
 * vfio_pci_config.c permission tables do per dword.
 *
 * Source: PCI Local Bus 3.0 ch. 6 (header, BAR sizing, capability list),
 * PCIe Base 5.0 7.5.3 (PCI Express capability), 7.6 (extended capabilities).
 */
#include <errno.h>
#include <string.h>

#include "vfio/pci/vfio_pci_priv.h"

#define PCI_STD_CAP_START	0x40
#define PCI_EXT_CAP_START	0x100

/* Writable command bits; no I/O BARs, so PCI_COMMAND_IO stays 0. */
#define VFIO_PCI_COMMAND_WMASK	(PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | \
				 PCI_COMMAND_PARITY | PCI_COMMAND_SERR | \
				 PCI_COMMAND_INTX_DISABLE)
#define VFIO_PCI_STATUS_W1C	(PCI_STATUS_PARITY | PCI_STATUS_SIG_TARGET_ABORT | \
				 PCI_STATUS_REC_TARGET_ABORT | PCI_STATUS_REC_MASTER_ABORT | \
				 PCI_STATUS_SIG_SYSTEM_ERROR | PCI_STATUS_DETECTED_PARITY)

static void cfg_put(uint8_t *a, unsigned int off, unsigned int len, uint32_t v)
{
	unsigned int i;

	for (i = 0; i < len; i++)
		a[off + i] = (uint8_t)(v >> (8 * i));
}

/**
 * vfio_pci_core_config_set - see vfio_pci_core.h.
 */
int vfio_pci_core_config_set(struct vfio_pci_core_device *core, unsigned int off,
			     unsigned int len, uint32_t val, uint32_t wmask, uint32_t w1c)
{
	if ((len != 1 && len != 2 && len != 4) || off >= VFIO_PCI_CFG_SIZE ||
	    len > VFIO_PCI_CFG_SIZE - off)
		return -EINVAL;
	cfg_put(core->config, off, len, val);
	cfg_put(core->cfg_wmask, off, len, wmask);
	cfg_put(core->cfg_w1c, off, len, w1c);
	return 0;
}

/**
 * vfio_pci_core_config_read - see vfio_pci_core.h.
 */
uint32_t vfio_pci_core_config_read(struct vfio_pci_core_device *core, unsigned int off,
				   unsigned int len)
{
	uint32_t v = 0;
	unsigned int i;

	if ((len != 1 && len != 2 && len != 4) || off >= VFIO_PCI_CFG_SIZE ||
	    len > VFIO_PCI_CFG_SIZE - off)
		return 0;
	for (i = 0; i < len; i++)
		v |= (uint32_t)core->config[off + i] << (8 * i);
	return v;
}

bool vfio_pci_core_memory_enabled(struct vfio_pci_core_device *core)
{
	return vfio_pci_core_config_read(core, PCI_COMMAND, 2) & PCI_COMMAND_MEMORY;
}

bool vfio_pci_core_bus_master(struct vfio_pci_core_device *core)
{
	return vfio_pci_core_config_read(core, PCI_COMMAND, 2) & PCI_COMMAND_MASTER;
}

void vfio_pci_config_init(struct vfio_pci_core_device *core)
{
	memset(core->config, 0, sizeof(core->config));
	memset(core->cfg_wmask, 0, sizeof(core->cfg_wmask));
	memset(core->cfg_w1c, 0, sizeof(core->cfg_w1c));
	vfio_pci_core_config_set(core, PCI_COMMAND, 2, 0, VFIO_PCI_COMMAND_WMASK, 0);
	vfio_pci_core_config_set(core, PCI_STATUS, 2, 0, 0, VFIO_PCI_STATUS_W1C);
	/* cache line size and interrupt line are scratch registers */
	vfio_pci_core_config_set(core, PCI_CACHE_LINE_SIZE, 1, 0, 0xff, 0);
	vfio_pci_core_config_set(core, PCI_INTERRUPT_LINE, 1, 0, 0xff, 0);
	vfio_pci_core_config_set(core, PCI_HEADER_TYPE, 1, PCI_HEADER_TYPE_NORMAL, 0, 0);
	core->cap_free = PCI_STD_CAP_START;
	core->cap_last = 0;
	core->ecap_free = PCI_EXT_CAP_START;
	core->ecap_last = 0;
	memcpy(core->cfg_reset, core->config, sizeof(core->config));
}

/**
 * vfio_pci_core_set_ids - see vfio_pci_core.h.
 */
void vfio_pci_core_set_ids(struct vfio_pci_core_device *core, uint16_t vendor,
			   uint16_t device, uint16_t subsys_vendor, uint16_t subsys_device,
			   uint32_t class_code, uint8_t revision)
{
	vfio_pci_core_config_set(core, PCI_VENDOR_ID, 2, vendor, 0, 0);
	vfio_pci_core_config_set(core, PCI_DEVICE_ID, 2, device, 0, 0);
	vfio_pci_core_config_set(core, PCI_SUBSYSTEM_VENDOR_ID, 2, subsys_vendor, 0, 0);
	vfio_pci_core_config_set(core, PCI_SUBSYSTEM_ID, 2, subsys_device, 0, 0);
	vfio_pci_core_config_set(core, PCI_REVISION_ID, 4,
				 revision | (class_code & 0xffffff) << 8, 0, 0);
}

/**
 * vfio_pci_core_setup_bar - see vfio_pci_core.h. The BAR's address bits
 * below its size and its type bits are read-only, which is all BAR sizing
 * needs: writing all-ones reads back ~(size - 1) with the type bits.
 */
int vfio_pci_core_setup_bar(struct vfio_pci_core_device *core, unsigned int bar,
			    uint64_t size, unsigned int flags,
			    const struct vfio_pci_regops *ops)
{
	bool is64 = flags & VFIO_PCI_BAR_64BIT;
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
	uint32_t type = PCI_BASE_ADDRESS_SPACE_MEMORY;
	uint64_t mask;

	if (bar >= VFIO_PCI_NUM_BARS || (is64 && (bar & 1)) || !ops ||
	    (flags & ~(VFIO_PCI_BAR_64BIT | VFIO_PCI_BAR_PREFETCH)))
		return -EINVAL;
	if (size < 16 || (size & (size - 1)) || (!is64 && size > (1ULL << 31)))
		return -EINVAL;
	if (core->regions[bar].size || (is64 && core->regions[bar + 1].size))
		return -EINVAL;
	/* the upper half of a 64-bit BAR is not a BAR of its own */
	if ((bar & 1) && core->regions[bar - 1].size &&
	    (vfio_pci_core_config_read(core, off - 4, 4) & PCI_BASE_ADDRESS_MEM_TYPE_64))
		return -EINVAL;

	if (is64)
		type |= PCI_BASE_ADDRESS_MEM_TYPE_64;
	if (flags & VFIO_PCI_BAR_PREFETCH)
		type |= PCI_BASE_ADDRESS_MEM_PREFETCH;
	mask = ~(size - 1) & ~0xfULL;
	vfio_pci_core_config_set(core, off, 4, type, (uint32_t)mask, 0);
	if (is64)
		vfio_pci_core_config_set(core, off + 4, 4, 0, (uint32_t)(mask >> 32), 0);

	core->regions[bar].size = size;
	core->regions[bar].ops = ops;
	core->regions[bar].flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE;
	if (ops->mmap)
		core->regions[bar].flags |= VFIO_REGION_INFO_FLAG_MMAP;
	return 0;
}

/**
 * vfio_pci_core_add_cap - see vfio_pci_core.h.
 */
int vfio_pci_core_add_cap(struct vfio_pci_core_device *core, uint8_t cap_id,
			  unsigned int len)
{
	unsigned int off = ALIGN_UP(core->cap_free, 4);

	if (len < 2)
		return -EINVAL;
	if (off + len > PCI_EXT_CAP_START)
		return -ENOSPC;
	vfio_pci_core_config_set(core, off, 1, cap_id, 0, 0);
	vfio_pci_core_config_set(core, off + PCI_CAP_LIST_NEXT, 1, 0, 0, 0);
	if (core->cap_last) {
		core->config[core->cap_last + PCI_CAP_LIST_NEXT] = (uint8_t)off;
	} else {
		core->config[PCI_CAPABILITY_LIST] = (uint8_t)off;
		core->config[PCI_STATUS] |= PCI_STATUS_CAP_LIST;
	}
	core->cap_last = off;
	core->cap_free = off + len;
	return (int)off;
}

/**
 * vfio_pci_core_add_ext_cap - see vfio_pci_core.h.
 */
int vfio_pci_core_add_ext_cap(struct vfio_pci_core_device *core, uint16_t cap_id,
			      uint8_t version, unsigned int len)
{
	unsigned int off = ALIGN_UP(core->ecap_free, 4);
	uint32_t hdr;

	if (len < 4 || version > 0xf)
		return -EINVAL;
	if (off + len > VFIO_PCI_CFG_SIZE)
		return -ENOSPC;
	vfio_pci_core_config_set(core, off, 4, cap_id | (uint32_t)version << 16, 0, 0);
	if (core->ecap_last) {
		hdr = vfio_pci_core_config_read(core, core->ecap_last, 4);
		hdr = (hdr & 0x000fffff) | off << 20;
		cfg_put(core->config, core->ecap_last, 4, hdr);
	}
	core->ecap_last = off;
	core->ecap_free = off + len;
	return (int)off;
}

/**
 * vfio_pci_core_add_pcie_cap - see vfio_pci_core.h.
 */
int vfio_pci_core_add_pcie_cap(struct vfio_pci_core_device *core, uint8_t type)
{
	const uint16_t devctl_wmask = PCI_EXP_DEVCTL_CERE | PCI_EXP_DEVCTL_NFERE |
		PCI_EXP_DEVCTL_FERE | PCI_EXP_DEVCTL_URRE | PCI_EXP_DEVCTL_RELAX_EN |
		PCI_EXP_DEVCTL_PAYLOAD | PCI_EXP_DEVCTL_EXT_TAG | PCI_EXP_DEVCTL_NOSNOOP_EN |
		PCI_EXP_DEVCTL_READRQ;
	const uint16_t devsta_w1c = PCI_EXP_DEVSTA_CED | PCI_EXP_DEVSTA_NFED |
		PCI_EXP_DEVSTA_FED | PCI_EXP_DEVSTA_URD;
	int off;

	if (type > 0xf)
		return -EINVAL;
	off = vfio_pci_core_add_cap(core, PCI_CAP_ID_EXP, PCI_CAP_EXP_ENDPOINT_SIZEOF_V2);
	if (off < 0)
		return off;
	vfio_pci_core_config_set(core, off + PCI_EXP_FLAGS, 2,
				 2 | (uint16_t)type << 4, 0, 0);
	/* max payload 128 bytes, no FLR: resets go through VFIO_DEVICE_RESET */
	vfio_pci_core_config_set(core, off + PCI_EXP_DEVCAP, 4, 0, 0, 0);
	/* reset value: relaxed ordering and no snoop on, 512-byte read request */
	vfio_pci_core_config_set(core, off + PCI_EXP_DEVCTL, 2,
				 PCI_EXP_DEVCTL_RELAX_EN | PCI_EXP_DEVCTL_NOSNOOP_EN |
				 (2 << 12), devctl_wmask, 0);
	vfio_pci_core_config_set(core, off + PCI_EXP_DEVSTA, 2, 0, 0, devsta_w1c);
	return off;
}

/* ---- access ------------------------------------------------------------------- */

void vfio_pci_config_rw(struct vfio_pci_core_device *core, char *buf, size_t count,
			unsigned int off, bool iswrite)
{
	unsigned int i, o;
	uint8_t v;

	if (!iswrite) {
		memcpy(buf, core->config + off, count);
		return;
	}
	for (i = 0; i < count; i++) {
		o = off + i;
		v = (uint8_t)buf[i];
		core->config[o] = (core->config[o] & ~core->cfg_wmask[o]) |
				  (v & core->cfg_wmask[o]);
		core->config[o] &= ~(v & core->cfg_w1c[o]);
	}
}

void vfio_pci_config_reset(struct vfio_pci_core_device *core)
{
	memcpy(core->config, core->cfg_reset, sizeof(core->config));
}
