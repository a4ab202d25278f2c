// SPDX-License-Identifier: GPL-2.0-only
/*
 * siovd built without libfuse3 (libfuse3-dev): --sysfs reports that FUSE
 * is not available.
 */
#include <errno.h>
#include <stddef.h>

#include "fuse/sysfs_fuse.h"
#include "lib/log.h"

struct sysfs_fuse *sysfs_fuse_mount(struct evloop *loop, const char *mountpoint)
{
	pr_err("siovd was built without libfuse3: cannot serve the sysfs tree at %s",
	       mountpoint ? mountpoint : "(null)");
	errno = ENODEV;
	return NULL;
}

void sysfs_fuse_unmount(struct sysfs_fuse *fs)
{
}

bool sysfs_fuse_connected(const struct sysfs_fuse *fs)
{
	return false;
}

const char *sysfs_fuse_mountpoint(const struct sysfs_fuse *fs)
{
	return NULL;
}
