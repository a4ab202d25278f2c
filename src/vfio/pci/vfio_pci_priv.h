/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to vfio-pci-core: what vfio_pci_core.c, vfio_pci_config.c and
 * vfio_pci_intrs.c share. Variants include only vfio_pci_core.h.
 */
#ifndef SIOVD_VFIO_PCI_VFIO_PCI_PRIV_H
#define SIOVD_VFIO_PCI_VFIO_PCI_PRIV_H

#include "vfio/pci/vfio_pci_core.h"

/* ---- vfio_pci_config.c ---- */

/* Set up the type-0 header of an empty function. */
void vfio_pci_config_init(struct vfio_pci_core_device *core);
/*
 * Config-space access of @count bytes at @off (already checked to lie in
 * the 4 KiB). Writes honour the write and W1C masks.
 */
void vfio_pci_config_rw(struct vfio_pci_core_device *core, char *buf, size_t count,
			unsigned int off, bool iswrite);
/* Restore the registration image. */
void vfio_pci_config_reset(struct vfio_pci_core_device *core);

/* ---- vfio_pci_intrs.c ---- */

/* Number of interrupts of VFIO irq index @index (0 for those we lack). */
unsigned int vfio_pci_irq_count(struct vfio_pci_core_device *core, unsigned int index);
/*
 * VFIO_DEVICE_SET_IRQS after validation: @hdr checked, @data holds
 * hdr->count elements of the data type. Return: 0 or -errno.
 */
int vfio_pci_set_irqs(struct vfio_pci_core_device *core, const struct vfio_irq_set *hdr,
		      const void *data);
/* Unwire every vector and forget masks and pending bits. */
void vfio_pci_msix_disable(struct vfio_pci_core_device *core);
/* Every table entry masked, addresses and data zero (reset state). */
void vfio_pci_msix_table_reset(struct vfio_pci_core_device *core);
/*
 * If [@off, @off + @count) of BAR @bar touches the MSI-X table or PBA,
 * emulate the access and return its result (bytes or -EINVAL); else
 * return 0 and leave it to the variant.
 */
ssize_t vfio_pci_msix_rw(struct vfio_pci_core_device *core, unsigned int bar,
			 char *buf, size_t count, uint64_t off, bool iswrite);
/* Free the MSI-X state (closing eventfd dups, no variant callback). */
void vfio_pci_msix_free(struct vfio_pci_core_device *core);

#endif
