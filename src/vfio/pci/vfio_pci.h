/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio-pci: the plain PCI driver of whole-function assignment over
 * vfio-pci-core (see vfio_pci.c). As a module (vfio_pci.so) it is loaded by
 * its override-only alias "vfio_pci:v*d*sv*sd*bc*sc*i*" (a device with
 * driver_flavour "vfio") or by name (driver_override "vfio-pci"); tests
 * that link it in call these directly.
 *
 * Threading: event-loop thread.
 */
#ifndef SIOVD_VFIO_PCI_VFIO_PCI_H
#define SIOVD_VFIO_PCI_VFIO_PCI_H

/**
 * vfio_pci_init - register the PCI driver "vfio-pci" (its id table is
 * override-only: it binds only devices steered to it).
 * Return: 0, or pci_register_driver()'s -errno. Undone by vfio_pci_exit().
 */
int vfio_pci_init(void);

/* vfio_pci_exit - unregister it: every assigned function is released. */
void vfio_pci_exit(void);

#endif
