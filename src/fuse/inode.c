// SPDX-License-Identifier: GPL-2.0-only
/*
 * The inode table: tree paths the kernel has looked up, indexed by path
 * with glibc's tsearch(), freed at their last FORGET.
 */
#include <errno.h>
#include <search.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuse/fuse_priv.h"

static int inode_cmp(const void *a, const void *b)
{
	const struct sfuse_inode *x = a, *y = b;

	return strcmp(x->path, y->path);
}

void sfuse_inodes_init(struct sysfs_fuse *fs)
{
	fs->index = NULL;
	INIT_LIST_HEAD(&fs->inodes);
	fs->root.path = "/sys";
	fs->root.type = SYSFS_TYPE_DIR;
	fs->root.nlookup = 1;
	fs->root.indexed = false;
	INIT_LIST_HEAD(&fs->root.node);
}

static void inode_free(struct sfuse_inode *inode)
{
	free(inode->path);
	free(inode);
}

static void inode_unindex(struct sysfs_fuse *fs, struct sfuse_inode *inode)
{
	if (!inode->indexed)
		return;
	tdelete(inode, &fs->index, inode_cmp);
	inode->indexed = false;
}

/* Free every inode the kernel still holds: the mount is gone. */
void sfuse_inodes_release(struct sysfs_fuse *fs)
{
	struct sfuse_inode *inode, *tmp;

	list_for_each_entry_safe(inode, tmp, &fs->inodes, node) {
		inode_unindex(fs, inode);
		list_del_init(&inode->node);
		inode_free(inode);
	}
}

/*
 * The kernel names inodes only by ids we gave it in entry replies, and
 * holds each until it forgets it, so the id is the inode's address.
 */
struct sfuse_inode *sfuse_inode(struct sysfs_fuse *fs, fuse_ino_t ino)
{
	if (ino == FUSE_ROOT_ID)
		return &fs->root;
	return (struct sfuse_inode *)(uintptr_t)ino;
}

fuse_ino_t sfuse_ino(struct sysfs_fuse *fs, struct sfuse_inode *inode)
{
	if (inode == &fs->root)
		return FUSE_ROOT_ID;
	return (fuse_ino_t)(uintptr_t)inode;
}

/*
 * sfuse_inode_get - the inode for @path, created when the path has none or
 * its node changed type. The caller counts the lookup once the kernel took
 * the entry (nlookup). Return: the inode, or NULL (out of memory).
 */
struct sfuse_inode *sfuse_inode_get(struct sysfs_fuse *fs, const char *path,
				    enum sysfs_type type)
{
	struct sfuse_inode key = { .path = (char *)path }, *inode, **slot;

	if (!strcmp(path, fs->root.path))
		return &fs->root;
	slot = tfind(&key, &fs->index, inode_cmp);
	if (slot) {
		inode = *slot;
		if (inode->type == type)
			return inode;
		/* A new node at an old path: the old inode waits for its forget. */
		inode_unindex(fs, inode);
	}
	inode = calloc(1, sizeof(*inode));
	if (!inode)
		return NULL;
	inode->path = strdup(path);
	if (!inode->path)
		goto out_free_inode;
	inode->type = type;
	slot = tsearch(inode, &fs->index, inode_cmp);
	if (!slot)
		goto out_free_path;
	inode->indexed = true;
	list_add_tail(&inode->node, &fs->inodes);
	inode->generation = ++fs->generation;
	return inode;

out_free_path:
	free(inode->path);
out_free_inode:
	free(inode);
	return NULL;
}

/* Drop @n of the kernel's lookups; the last one frees the inode. */
void sfuse_inode_forget(struct sysfs_fuse *fs, struct sfuse_inode *inode, uint64_t n)
{
	if (inode == &fs->root)
		return;
	inode->nlookup = n >= inode->nlookup ? 0 : inode->nlookup - n;
	if (inode->nlookup)
		return;
	inode_unindex(fs, inode);
	list_del_init(&inode->node);
	inode_free(inode);
}

/* "@parent->path/@name" into @buf. Return: length, or -ENAMETOOLONG. */
int sfuse_child_path(const struct sfuse_inode *parent, const char *name, char *buf,
		     size_t size)
{
	int n = snprintf(buf, size, "%s/%s", parent->path, name);

	if (n < 0 || (size_t)n >= size)
		return -ENAMETOOLONG;
	return n;
}

/* FNV-1a of the path: st_ino and d_ino, stable for a path, never 0 or 1. */
uint64_t sfuse_path_hash(const char *path)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	for (; *path; path++) {
		h ^= (unsigned char)*path;
		h *= 0x100000001b3ULL;
	}
	return h > FUSE_ROOT_ID ? h : h + 2;
}
