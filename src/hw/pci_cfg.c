// SPDX-License-Identifier: GPL-2.0-only
/*
 * PCI Express configuration space builder: see pci_cfg.h.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include <string.h>

#include "hw/pci_cfg.h"
#include "lib/compiler.h"

void pci_cfg_set(struct pci_cfg *cfg, unsigned int off, unsigned int len, uint32_t val)
{
	unsigned int i;

	for (i = 0; i < len && off + i < PCI_CFG_SPACE_EXP_SIZE; i++)
		cfg->data[off + i] = (uint8_t)(val >> (8 * i));
}

void pci_cfg_set_wmask(struct pci_cfg *cfg, unsigned int off, unsigned int len, uint32_t mask)
{
	unsigned int i;

	for (i = 0; i < len && off + i < PCI_CFG_SPACE_EXP_SIZE; i++)
		cfg->wmask[off + i] = (uint8_t)(mask >> (8 * i));
}

void pci_cfg_set_w1cmask(struct pci_cfg *cfg, unsigned int off, unsigned int len, uint32_t mask)
{
	unsigned int i;

	for (i = 0; i < len && off + i < PCI_CFG_SPACE_EXP_SIZE; i++)
		cfg->w1cmask[off + i] = (uint8_t)(mask >> (8 * i));
}

uint32_t pci_cfg_get(const struct pci_cfg *cfg, unsigned int off, unsigned int len)
{
	uint32_t v = 0;
	unsigned int i;

	for (i = 0; i < len && off + i < PCI_CFG_SPACE_EXP_SIZE; i++)
		v |= (uint32_t)cfg->data[off + i] << (8 * i);
	return v;
}

void pci_cfg_init(struct pci_cfg *cfg, uint16_t vendor, uint16_t device,
		  uint32_t class, uint8_t revision)
{
	memset(cfg, 0, sizeof(*cfg));
	pci_cfg_set(cfg, PCI_VENDOR_ID, 2, vendor);
	pci_cfg_set(cfg, PCI_DEVICE_ID, 2, device);
	pci_cfg_set(cfg, PCI_COMMAND, 2, 0);
	pci_cfg_set_wmask(cfg, PCI_COMMAND, 2,
			  PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	pci_cfg_set(cfg, PCI_STATUS, 2, PCI_STATUS_CAP_LIST);
	/* error bits of the status register are RW1C */
	pci_cfg_set_w1cmask(cfg, PCI_STATUS, 2,
			    PCI_STATUS_DETECTED_PARITY | PCI_STATUS_SIG_SYSTEM_ERROR |
			    PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_REC_TARGET_ABORT |
			    PCI_STATUS_SIG_TARGET_ABORT | PCI_STATUS_PARITY);
	pci_cfg_set(cfg, PCI_REVISION_ID, 1, revision);
	pci_cfg_set(cfg, PCI_CLASS_PROG, 1, class & 0xff);
	pci_cfg_set(cfg, PCI_CLASS_DEVICE, 2, class >> 8);
	pci_cfg_set(cfg, PCI_HEADER_TYPE, 1, PCI_HEADER_TYPE_NORMAL);
	pci_cfg_set(cfg, PCI_SUBSYSTEM_VENDOR_ID, 2, vendor);
	pci_cfg_set(cfg, PCI_SUBSYSTEM_ID, 2, 0);
	pci_cfg_set_wmask(cfg, PCI_CACHE_LINE_SIZE, 1, 0xff);
	pci_cfg_set_wmask(cfg, PCI_INTERRUPT_LINE, 1, 0xff);
	cfg->next_cap = PCI_CAPABILITY_LIST;
}

int pci_cfg_set_bar(struct pci_cfg *cfg, int bar, uint64_t size, bool is_64,
		    bool prefetchable)
{
	unsigned int off;
	uint64_t mask;
	uint32_t flags;

	if (bar < 0 || bar > 5 || (is_64 && bar > 4) || size < 16 || (size & (size - 1)))
		return -EINVAL;
	if (!is_64 && size > (1ULL << 31))
		return -EINVAL;
	off = PCI_BASE_ADDRESS_0 + 4 * bar;
	flags = PCI_BASE_ADDRESS_SPACE_MEMORY |
		(is_64 ? PCI_BASE_ADDRESS_MEM_TYPE_64 : PCI_BASE_ADDRESS_MEM_TYPE_32) |
		(prefetchable ? PCI_BASE_ADDRESS_MEM_PREFETCH : 0);
	mask = ~(size - 1);
	pci_cfg_set(cfg, off, 4, flags);
	pci_cfg_set_wmask(cfg, off, 4, (uint32_t)mask & ~0xfU);
	if (is_64) {
		pci_cfg_set(cfg, off + 4, 4, 0);
		pci_cfg_set_wmask(cfg, off + 4, 4, (uint32_t)(mask >> 32));
	}
	cfg->bar_size[bar] = size;
	cfg->bar_is_64[bar] = is_64;
	return 0;
}

uint64_t pci_cfg_bar_addr(const struct pci_cfg *cfg, int bar)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
	uint64_t addr;

	if (bar < 0 || bar > 5 || !cfg->bar_size[bar])
		return 0;
	addr = pci_cfg_get(cfg, off, 4) & PCI_BASE_ADDRESS_MEM_MASK;
	if (cfg->bar_is_64[bar])
		addr |= (uint64_t)pci_cfg_get(cfg, off + 4, 4) << 32;
	return addr;
}

int pci_cfg_add_cap(struct pci_cfg *cfg, uint8_t id, unsigned int off, unsigned int size)
{
	if (off < PCI_STD_HEADER_SIZEOF || off + size > PCI_CFG_SPACE_SIZE || (off & 3) || size < 2)
		return -EINVAL;
	pci_cfg_set(cfg, cfg->next_cap, 1, off);
	pci_cfg_set(cfg, off + PCI_CAP_LIST_ID, 1, id);
	pci_cfg_set(cfg, off + PCI_CAP_LIST_NEXT, 1, 0);
	cfg->next_cap = (uint8_t)(off + PCI_CAP_LIST_NEXT);
	return 0;
}

int pci_cfg_add_ext_cap(struct pci_cfg *cfg, uint16_t id, uint8_t version,
			unsigned int off, unsigned int size)
{
	uint32_t hdr;

	if (off < PCI_CFG_SPACE_SIZE || off + size > PCI_CFG_SPACE_EXP_SIZE || (off & 3) || size < 4)
		return -EINVAL;
	if (cfg->last_ext_cap) {
		hdr = pci_cfg_get(cfg, cfg->last_ext_cap, 4);
		hdr = (hdr & 0x000fffff) | (off << 20);
		pci_cfg_set(cfg, cfg->last_ext_cap, 4, hdr);
	} else if (off != PCI_CFG_SPACE_SIZE) {
		return -EINVAL;		/* the list starts at 0x100 */
	}
	pci_cfg_set(cfg, off, 4, (uint32_t)id | ((uint32_t)(version & 0xf) << 16));
	cfg->last_ext_cap = off;
	return 0;
}

void pci_cfg_seal(struct pci_cfg *cfg)
{
	memcpy(cfg->reset, cfg->data, sizeof(cfg->reset));
}

void pci_cfg_reset(struct pci_cfg *cfg)
{
	memcpy(cfg->data, cfg->reset, sizeof(cfg->data));
}

static int pci_cfg_check(unsigned int off, unsigned int len)
{
	if ((len != 1 && len != 2 && len != 4) || off >= PCI_CFG_SPACE_EXP_SIZE ||
	    off + len > PCI_CFG_SPACE_EXP_SIZE || (off & (len - 1)))
		return -EINVAL;
	return 0;
}

int pci_cfg_read(const struct pci_cfg *cfg, unsigned int off, unsigned int len, uint32_t *val)
{
	if (pci_cfg_check(off, len) || !val)
		return -EINVAL;
	*val = pci_cfg_get(cfg, off, len);
	return 0;
}

int pci_cfg_write(struct pci_cfg *cfg, unsigned int off, unsigned int len, uint32_t val)
{
	unsigned int i;

	if (pci_cfg_check(off, len))
		return -EINVAL;
	for (i = 0; i < len; i++) {
		uint8_t b = (uint8_t)(val >> (8 * i));
		uint8_t wm = cfg->wmask[off + i], cm = cfg->w1cmask[off + i];
		uint8_t cur = cfg->data[off + i];

		cur = (uint8_t)((cur & ~wm) | (b & wm));
		cur &= (uint8_t)~(b & cm);
		cfg->data[off + i] = cur;
	}
	return 0;
}
