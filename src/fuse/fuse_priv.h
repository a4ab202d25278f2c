/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Private to src/fuse: the mount, its inode table and the low-level ops.
 *
 * Inodes are paths. The attribute tree is addressed by path (sysfs_lstat(),
 * sysfs_read(), ...), so a FUSE inode is the absolute tree path it was
 * looked up at ("/sys/bus/dsa/devices/dsa0"), plus the node type seen then.
 * The FUSE node id is the inode's address (FUSE_ROOT_ID for "/sys");
 * st_ino is a hash of the path, so that it stays the same across forgets.
 *
 * Lifetime: an inode lives while the kernel holds lookups on it (nlookup,
 * counted per successful entry reply, dropped by FORGET) and is freed at
 * its last forget or at unmount. A path whose node changed type is given a
 * new inode; the old one leaves the path index and waits for its forget.
 */
#ifndef SIOVD_FUSE_FUSE_PRIV_H
#define SIOVD_FUSE_FUSE_PRIV_H

#define FUSE_USE_VERSION 312

#include <fuse_lowlevel.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "lib/evloop.h"
#include "lib/list.h"
#include "sysfs/sysfs.h"

/* Longest tree path we hand to the sysfs layer (its own limit is 1024). */
#define SFUSE_PATH_MAX		1024
/* Requests served per wake-up before other sources get a turn. */
#define SFUSE_BATCH		64

/**
 * struct sfuse_inode - one looked-up path
 * @path: absolute tree path, "/sys" for the root
 * @type: node type at lookup time
 * @nlookup: lookups the kernel holds
 * @generation: FUSE generation, fixed for the inode's life (a reused
 *              address with a new generation is a new node to the kernel;
 *              a changed generation on a live node makes it "bad")
 * @indexed: still the path index's inode for @path
 * @node: in sysfs_fuse.inodes (all inodes, for unmount)
 */
struct sfuse_inode {
	char *path;
	enum sysfs_type type;
	uint64_t nlookup;
	uint64_t generation;
	bool indexed;
	struct list_head node;
};

/**
 * struct sysfs_fuse - one mount of the tree
 * @se: the libfuse session
 * @loop: event loop serving it
 * @src: the session's /dev/fuse descriptor as an epoll source (-1 when
 *       not polled)
 * @buf: receive buffer, allocated by libfuse at the first request
 * @mountpoint: absolute path
 * @index: tsearch() tree of struct sfuse_inode, by path
 * @inodes: every inode except @root
 * @root: "/sys", never forgotten
 * @uid: owner of every node (siovd's euid)
 * @gid: group of every node (siovd's egid)
 * @mounted_at: the times every node reports
 * @generation: the last inode's generation
 * @connected: the kernel side is attached
 */
struct sysfs_fuse {
	struct fuse_session *se;
	struct evloop *loop;
	struct ev_source src;
	struct fuse_buf buf;
	char *mountpoint;
	void *index;
	struct list_head inodes;
	struct sfuse_inode root;
	uid_t uid;
	gid_t gid;
	struct timespec mounted_at;
	uint64_t generation;
	bool connected;
};

extern const struct fuse_lowlevel_ops sfuse_ops;

/* inode.c */
void sfuse_inodes_init(struct sysfs_fuse *fs);
void sfuse_inodes_release(struct sysfs_fuse *fs);
struct sfuse_inode *sfuse_inode(struct sysfs_fuse *fs, fuse_ino_t ino);
fuse_ino_t sfuse_ino(struct sysfs_fuse *fs, struct sfuse_inode *inode);
struct sfuse_inode *sfuse_inode_get(struct sysfs_fuse *fs, const char *path,
				    enum sysfs_type type);
void sfuse_inode_forget(struct sysfs_fuse *fs, struct sfuse_inode *inode, uint64_t n);
int sfuse_child_path(const struct sfuse_inode *parent, const char *name, char *buf,
		     size_t size);
uint64_t sfuse_path_hash(const char *path);

#endif
