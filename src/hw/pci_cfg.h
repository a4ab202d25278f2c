/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A PCI Express configuration space builder for device models.
 *
 * The space is 4 KiB of bytes with, per byte, a mask of bits software may
 * write (RW) and a mask of bits that are write-1-to-clear (RW1C); everything
 * else is read-only and writes to it are dropped, as the PCI spec requires.
 * A model builds the space once (header, BARs, capability chains), snapshots
 * it as the reset state with pci_cfg_seal(), and afterwards calls
 * pci_cfg_read()/pci_cfg_write() from its pci_func_ops, reacting to the
 * registers it cares about (command, MSI-X control, ...) after a write.
 *
 * BAR sizing falls out of the masks: a memory BAR's address bits below its
 * size are read-only zero, so writing all-ones reads back the size mask with
 * the type bits.
 *
 * Source: PCI Local Bus 3.0 ch. 6 (header type 0, BARs, capability list),
 * PCI Express Base 4.0 ch. 7.6-7.9 (extended capabilities).
 *
 * Threading: none; the owning model serialises access.
 */
#ifndef SIOVD_HW_PCI_CFG_H
#define SIOVD_HW_PCI_CFG_H

#include <linux/pci_regs.h>
#include <stdbool.h>
#include <stdint.h>

/* PCI_CFG_SPACE_SIZE (256) and PCI_CFG_SPACE_EXP_SIZE (4096) come from pci_regs.h */

struct pci_cfg {
	uint8_t data[PCI_CFG_SPACE_EXP_SIZE];
	uint8_t wmask[PCI_CFG_SPACE_EXP_SIZE];	/* RW bits */
	uint8_t w1cmask[PCI_CFG_SPACE_EXP_SIZE];	/* RW1C bits */
	uint8_t reset[PCI_CFG_SPACE_EXP_SIZE];	/* values after reset */
	uint8_t next_cap;			/* offset of the link to fill next */
	unsigned int last_ext_cap;		/* 0: none yet */
	uint64_t bar_size[6];			/* 0: not implemented */
	bool bar_is_64[6];
};

/**
 * pci_cfg_init - an empty type 0 header with the given identity, status
 * "capabilities list" set, command RW bits memory space, bus master and
 * INTx disable. No BARs, no capabilities.
 * @class: 24-bit class code (base << 16 | sub << 8 | prog-if).
 */
void pci_cfg_init(struct pci_cfg *cfg, uint16_t vendor, uint16_t device,
		  uint32_t class, uint8_t revision);

/**
 * pci_cfg_set_bar - declare memory BAR @bar of @size bytes (power of two,
 * >= 16); a 64-bit BAR also takes @bar + 1. Return: 0 or -EINVAL.
 */
int pci_cfg_set_bar(struct pci_cfg *cfg, int bar, uint64_t size, bool is_64,
		    bool prefetchable);

/**
 * pci_cfg_add_cap - link a capability of @size bytes at @off (in 0x40..0xff,
 * dword aligned) into the standard list. The caller then fills its body.
 * Return: 0 or -EINVAL.
 */
int pci_cfg_add_cap(struct pci_cfg *cfg, uint8_t id, unsigned int off, unsigned int size);

/**
 * pci_cfg_add_ext_cap - link an extended capability at @off (0x100..0xffc,
 * dword aligned) into the extended list. Return: 0 or -EINVAL.
 */
int pci_cfg_add_ext_cap(struct pci_cfg *cfg, uint16_t id, uint8_t version,
			unsigned int off, unsigned int size);

/* Raw builders: set bytes, and their RW / RW1C masks (little-endian). */
void pci_cfg_set(struct pci_cfg *cfg, unsigned int off, unsigned int len, uint32_t val);
void pci_cfg_set_wmask(struct pci_cfg *cfg, unsigned int off, unsigned int len, uint32_t mask);
void pci_cfg_set_w1cmask(struct pci_cfg *cfg, unsigned int off, unsigned int len, uint32_t mask);
uint32_t pci_cfg_get(const struct pci_cfg *cfg, unsigned int off, unsigned int len);

/* Record the current contents as the reset state. */
void pci_cfg_seal(struct pci_cfg *cfg);
/* Return every register to the sealed reset state. */
void pci_cfg_reset(struct pci_cfg *cfg);

/**
 * pci_cfg_read / pci_cfg_write - software access.
 * @off: 0..4095, @len: 1, 2 or 4 and naturally aligned.
 * Writes change only RW bits and clear RW1C bits written as 1.
 * Return: 0 or -EINVAL.
 */
int pci_cfg_read(const struct pci_cfg *cfg, unsigned int off, unsigned int len, uint32_t *val);
int pci_cfg_write(struct pci_cfg *cfg, unsigned int off, unsigned int len, uint32_t val);

/* The address programmed into memory BAR @bar (type bits masked off). */
uint64_t pci_cfg_bar_addr(const struct pci_cfg *cfg, int bar);

#endif
