// SPDX-License-Identifier: GPL-2.0-only
/*
 * The idxd module's descriptor: linked only into idxd.so (the static
 * library that tests link has none, which makes the driver "built in").
 * Its aliases come from the PCI id table in init.c; what it exports to the
 * VFIO side is in namespace IDXD (idxd.h, mdev.c).
 */
#include "base/module.h"
#include "idxd/idxd_module.h"

MODULE_DESCRIPTION("Intel DSA PF driver: dsa bus, attributes, IMS domain, mdev WQs");
MODULE_LICENSE("GPL");
DEFINE_MODULE(idxd_driver_init, idxd_driver_exit);
