// SPDX-License-Identifier: GPL-2.0-only
/* The vfio_pci module's descriptor (linked only into vfio_pci.so). */
#include "base/module.h"
#include "vfio/pci/vfio_pci.h"

MODULE_DESCRIPTION("vfio-pci: whole PCI functions as VFIO devices, on vfio-pci-core");
MODULE_LICENSE("GPL");
DEFINE_MODULE(vfio_pci_init, vfio_pci_exit);
