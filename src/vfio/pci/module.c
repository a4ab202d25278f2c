// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vfio_pci_core module's descriptor (linked only into vfio_pci_core.so):
 * a library, with nothing to set up at load.
 */
#include "base/module.h"

MODULE_DESCRIPTION("vfio-pci-core: the VFIO PCI device ABI as a library for variant drivers");
MODULE_LICENSE("GPL");
DEFINE_MODULE(NULL, NULL);
