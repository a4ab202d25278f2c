// SPDX-License-Identifier: GPL-2.0-only
/* The mdev module's descriptor (linked only into mdev.so). */
#include "base/module.h"
#include "vfio/mdev/mdev.h"

MODULE_DESCRIPTION("Mediated device core: the mdev bus, parents, types");
MODULE_LICENSE("GPL");
DEFINE_MODULE(mdev_init, mdev_exit);
