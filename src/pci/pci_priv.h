/* SPDX-License-Identifier: GPL-2.0-only */
/* Private to the PCI core (src/pci). */
#ifndef SIOVD_PCI_PCI_PRIV_H
#define SIOVD_PCI_PCI_PRIV_H

#include "pci/pci.h"

/* Raw BAR access for the core itself (MSI-X table). Return: 0 or -errno. */
int pci_bar_read(struct pci_dev *pdev, int bar, uint64_t off, unsigned int len,
		 uint64_t *val);
int pci_bar_write(struct pci_dev *pdev, int bar, uint64_t off, unsigned int len,
		  uint64_t val);

/* After a function reset: MSI-X enable and every allocated vector again. */
void pci_restore_msix_state(struct pci_dev *pdev);

#endif
