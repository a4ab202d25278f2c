// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vfio_idxd module's descriptor (linked only into vfio_idxd.so). It is
 * loaded by the alias "auxiliary:idxd.mdev" of its auxiliary id table when
 * the idxd driver creates idxd.mdev.<N>, and it reaches the PF only through
 * the IDXD namespace.
 */
#include "base/module.h"
#include "vfio/idxd/vfio_idxd.h"

MODULE_IMPORT_NS(IDXD);
MODULE_DESCRIPTION("idxd vdcm: mdevs of type idxd-1dwq-v1 as vfio-pci devices");
MODULE_LICENSE("GPL");
DEFINE_MODULE(vfio_idxd_init, vfio_idxd_exit);
