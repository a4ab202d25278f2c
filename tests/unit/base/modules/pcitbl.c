// SPDX-License-Identifier: GPL-2.0-only
/*
 * Test module "pcitbl": only a pci id table, for the alias format siov-depmod
 * writes (exact ids, PCI_ANY_ID, class with mask, override-only entries).
 */
#include "base/module.h"
#include "pci/pci.h"

static const struct pci_device_id pcitbl_ids[] = {
	{ PCI_DEVICE(0x8086, 0x0b25) },
	{ PCI_DEVICE(0x8086, PCI_ANY_ID), .class = 0x088000, .class_mask = 0xffff00 },
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x1af4, 0x1041) },
	{ 0 },
};
MODULE_DEVICE_TABLE(pci, pcitbl_ids);

MODULE_LICENSE("GPL");
DEFINE_MODULE(NULL, NULL);
