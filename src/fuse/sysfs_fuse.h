/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The attribute tree (src/sysfs) served as a FUSE filesystem, so that tools
 * written for the kernel's sysfs (accel-config, mdevctl, a shell) manage
 * siovd unmodified. The mount's root is the tree's "/sys": MOUNTPOINT/bus/dsa
 * is /sys/bus/dsa. `siovctl shell` grafts it onto /sys in a private mount
 * namespace (docs/sysfs.md).
 *
 * Semantics are those of sysfs (kernfs), not of a disk filesystem:
 *  - no caching: entry, attribute and negative-entry timeouts are 0, every
 *    open file is direct I/O, no writeback cache, no readdir cache;
 *  - a read at offset 0 runs show() once and keeps the page for the reads
 *    that follow at higher offsets on the same open file (seq_file);
 *  - every write(2) is one store(): the value replaces the attribute
 *    whatever the file offset, more than SYSFS_PAGE_SIZE bytes is -E2BIG,
 *    and the store's error (or short count) is what write(2) returns. The
 *    state change happens before the reply: bind, unbind, create and remove
 *    are synchronous;
 *  - truncation (O_TRUNC, truncate(2)) is accepted and does nothing;
 *    creating, removing, renaming or linking names is refused (-EACCES for
 *    creat/mknod, -EPERM otherwise), as sysfs refuses it;
 *  - opening an attribute for an access its mode lacks fails with -EACCES
 *    even for root (kernfs rule); reads of an attribute removed while open
 *    fail with -ENODEV;
 *  - mounted with allow_other and default_permissions, nosuid, nodev,
 *    noexec; files belong to siovd's effective uid and gid (root for the
 *    kernel's sysfs), modes are the tree's (0644, 0444, 0200, ...);
 *  - symlinks read as the tree stores them: relative, as the kernel makes
 *    them.
 *
 * Threading: every request is served on the event-loop thread that owns
 * the attribute tree (the session's /dev/fuse descriptor is one more
 * epoll source), so no locking is needed. Nothing here may run on another
 * thread.
 */
#ifndef SIOVD_FUSE_SYSFS_FUSE_H
#define SIOVD_FUSE_SYSFS_FUSE_H

#include <stdbool.h>

struct evloop;
struct sysfs_fuse;

/**
 * sysfs_fuse_mount - serve the attribute tree at @mountpoint
 * @loop: the event loop whose thread owns the tree; requests are served
 *        from it
 * @mountpoint: absolute or relative directory; created (with its parents,
 *        mode 0755) when missing. A stale mount left there by a siovd that
 *        died ("Transport endpoint is not connected") is detached first; a
 *        live FUSE mount is not touched.
 *
 * Mounts as root through mount(2) and otherwise through fusermount3 (which
 * needs user_allow_other in /etc/fuse.conf for allow_other).
 *
 * Return: the mount, or NULL with errno: ENODEV (no FUSE: /dev/fuse missing,
 * or siovd built without libfuse3), EACCES/EPERM (no permission to mount),
 * EBUSY (a live FUSE filesystem is mounted there already), ENOTDIR, ENOMEM,
 * EIO (libfuse refused; it logged why).
 * Undo with sysfs_fuse_unmount().
 */
struct sysfs_fuse *sysfs_fuse_mount(struct evloop *loop, const char *mountpoint);

/**
 * sysfs_fuse_unmount - stop serving, detach the mount, free everything
 * @fs: from sysfs_fuse_mount(), or NULL (nothing to do)
 *
 * Processes that still have files open get -ENOTCONN from then on. Call it
 * on the event-loop thread, before the attribute tree is torn down.
 */
void sysfs_fuse_unmount(struct sysfs_fuse *fs);

/**
 * sysfs_fuse_connected - whether the kernel side is still attached
 * @fs: the mount
 *
 * Return: false once the filesystem was unmounted from outside (umount,
 * fusermount3 -u) or the connection aborted; siovd keeps running without it.
 */
bool sysfs_fuse_connected(const struct sysfs_fuse *fs);

/**
 * sysfs_fuse_mountpoint - the directory the tree is mounted on
 * @fs: the mount
 *
 * Return: the absolute path, valid until sysfs_fuse_unmount().
 */
const char *sysfs_fuse_mountpoint(const struct sysfs_fuse *fs);

#endif
