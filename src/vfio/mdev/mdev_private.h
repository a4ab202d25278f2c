/* SPDX-License-Identifier: GPL-2.0-only */
/* Private to the mdev core: what mdev_core.c and mdev_sysfs.c share. */
#ifndef SIOVD_VFIO_MDEV_MDEV_PRIVATE_H
#define SIOVD_VFIO_MDEV_MDEV_PRIVATE_H

#include "vfio/mdev/mdev.h"

/* Length of a UUID in its text form, without the NUL. */
#define UUID_STRING_LEN		36

extern const struct attribute_group *const mdev_device_groups[];

/* The type directories of @parent, and their removal (reverse order). */
int parent_create_sysfs_files(struct mdev_parent *parent);
void parent_remove_sysfs_files(struct mdev_parent *parent);

/* The mdev's mdev_type link and the type's devices/<uuid> link. */
int mdev_create_sysfs_files(struct mdev_device *mdev);
void mdev_remove_sysfs_files(struct mdev_device *mdev);

#endif
