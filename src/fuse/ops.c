// SPDX-License-Identifier: GPL-2.0-only
/*
 * The low-level FUSE operations: each request is answered from the
 * attribute tree's path API on the event-loop thread, with sysfs (kernfs)
 * semantics (see sysfs_fuse.h). Every reply carries zero timeouts; every
 * open file is direct I/O.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>

#include "fuse/fuse_priv.h"
#include "lib/log.h"

/* The size sysfs reports for every attribute file. */
#define SFUSE_ATTR_SIZE		SYSFS_PAGE_SIZE

/**
 * struct sfuse_file - an open attribute
 * @page: what show() printed at the last read at offset 0
 * @len: bytes in @page
 * @valid: @page holds a show() result (reads at offset > 0 use it)
 */
struct sfuse_file {
	char page[SYSFS_PAGE_SIZE];
	size_t len;
	bool valid;
};

/* struct sfuse_dirent / sfuse_dir - a directory listing taken at offset 0 */
struct sfuse_dirent {
	char *name;
	mode_t type;
	uint64_t ino;
};

struct sfuse_dir {
	struct sfuse_dirent *ents;
	size_t nr, cap;
	const char *path;	/* the listed directory, for d_ino */
};

static struct sysfs_fuse *req_fs(fuse_req_t req)
{
	return fuse_req_userdata(req);
}

static mode_t type_bits(enum sysfs_type type)
{
	switch (type) {
	case SYSFS_TYPE_DIR:
		return S_IFDIR;
	case SYSFS_TYPE_LINK:
		return S_IFLNK;
	case SYSFS_TYPE_FILE:
	default:
		return S_IFREG;
	}
}

static int count_subdir(void *arg, const char *name, const struct sysfs_stat *st)
{
	unsigned int *n = arg;

	*n += st->type == SYSFS_TYPE_DIR;
	return 0;
}

/* stat of @path as sysfs shows it: nlink counts subdirectories, as kernfs does. */
static void fill_attr(struct sysfs_fuse *fs, const char *path, const struct sysfs_stat *st,
		      struct stat *out)
{
	unsigned int subdirs = 0;

	memset(out, 0, sizeof(*out));
	out->st_ino = sfuse_path_hash(path);
	out->st_mode = type_bits(st->type) | (st->mode & 07777);
	out->st_nlink = 1;
	if (st->type == SYSFS_TYPE_DIR) {
		sysfs_readdir(path, count_subdir, &subdirs);
		out->st_nlink = 2 + subdirs;
	}
	out->st_uid = fs->uid;
	out->st_gid = fs->gid;
	out->st_size = st->type == SYSFS_TYPE_FILE ? SFUSE_ATTR_SIZE : 0;
	out->st_blksize = SYSFS_PAGE_SIZE;
	out->st_atim = fs->mounted_at;
	out->st_mtim = fs->mounted_at;
	out->st_ctim = fs->mounted_at;
}

/* ---- names --------------------------------------------------------------- */

static void sfuse_init(void *userdata, struct fuse_conn_info *conn)
{
	/* Nothing may be cached or merged: every access reaches the tree. */
	conn->want &= ~(FUSE_CAP_WRITEBACK_CACHE | FUSE_CAP_ASYNC_READ | FUSE_CAP_ASYNC_DIO |
			FUSE_CAP_AUTO_INVAL_DATA | FUSE_CAP_SPLICE_READ | FUSE_CAP_SPLICE_WRITE |
			FUSE_CAP_SPLICE_MOVE | FUSE_CAP_READDIRPLUS |
			FUSE_CAP_READDIRPLUS_AUTO | FUSE_CAP_CACHE_SYMLINKS);
	/* O_TRUNC arrives in open() instead of as a separate truncate. */
	if (conn->capable & FUSE_CAP_ATOMIC_O_TRUNC)
		conn->want |= FUSE_CAP_ATOMIC_O_TRUNC;
	conn->time_gran = 1;
}

static void sfuse_lookup(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	struct sysfs_fuse *fs = req_fs(req);
	struct sfuse_inode *dir = sfuse_inode(fs, parent), *inode;
	struct fuse_entry_param e = { 0 };
	char path[SFUSE_PATH_MAX];
	struct sysfs_stat st;
	int rc;

	rc = sfuse_child_path(dir, name, path, sizeof(path));
	if (rc >= 0)
		rc = sysfs_lstat(path, &st);
	if (rc < 0) {
		/* No negative entry is kept either: the error has no timeout. */
		fuse_reply_err(req, -rc);
		return;
	}
	inode = sfuse_inode_get(fs, path, st.type);
	if (!inode) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	e.ino = sfuse_ino(fs, inode);
	e.generation = inode->generation;
	e.attr_timeout = 0;
	e.entry_timeout = 0;
	fill_attr(fs, path, &st, &e.attr);
	inode->nlookup++;
	if (fuse_reply_entry(req, &e))
		sfuse_inode_forget(fs, inode, 1);	/* the kernel did not take it */
}

static void sfuse_forget(fuse_req_t req, fuse_ino_t ino, uint64_t nlookup)
{
	struct sysfs_fuse *fs = req_fs(req);

	sfuse_inode_forget(fs, sfuse_inode(fs, ino), nlookup);
	fuse_reply_none(req);
}

static void sfuse_forget_multi(fuse_req_t req, size_t count,
			       struct fuse_forget_data *forgets)
{
	struct sysfs_fuse *fs = req_fs(req);
	size_t i;

	for (i = 0; i < count; i++)
		sfuse_inode_forget(fs, sfuse_inode(fs, forgets[i].ino), forgets[i].nlookup);
	fuse_reply_none(req);
}

/*
 * The node at @inode's path, if it is still the node the kernel looked up.
 * Return: 0, or -ENOENT when it went away or was replaced.
 */
static int inode_stat(struct sfuse_inode *inode, struct sysfs_stat *st)
{
	int rc = sysfs_lstat(inode->path, st);

	if (!rc && st->type != inode->type)
		rc = -ENOENT;
	return rc;
}

static void sfuse_getattr(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct sysfs_fuse *fs = req_fs(req);
	struct sfuse_inode *inode = sfuse_inode(fs, ino);
	struct sysfs_stat st;
	struct stat attr;
	int rc = inode_stat(inode, &st);

	if (rc) {
		fuse_reply_err(req, -rc);
		return;
	}
	fill_attr(fs, inode->path, &st, &attr);
	fuse_reply_attr(req, &attr, 0);
}

/*
 * Only truncation is accepted, and it does nothing (kernfs ignores a size
 * change); modes, owners and times are fixed.
 */
static void sfuse_setattr(fuse_req_t req, fuse_ino_t ino, struct stat *want, int to_set,
			  struct fuse_file_info *fi)
{
	struct sysfs_fuse *fs = req_fs(req);
	struct sfuse_inode *inode = sfuse_inode(fs, ino);
	struct sysfs_stat st;
	struct stat attr;
	int rc = inode_stat(inode, &st);

	if (rc) {
		fuse_reply_err(req, -rc);
		return;
	}
	if (to_set & ~(FUSE_SET_ATTR_SIZE | FUSE_SET_ATTR_CTIME)) {
		fuse_reply_err(req, EPERM);
		return;
	}
	if ((to_set & FUSE_SET_ATTR_SIZE) && st.type == SYSFS_TYPE_DIR) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	fill_attr(fs, inode->path, &st, &attr);
	fuse_reply_attr(req, &attr, 0);
}

static void sfuse_readlink(fuse_req_t req, fuse_ino_t ino)
{
	struct sfuse_inode *inode = sfuse_inode(req_fs(req), ino);
	char target[SFUSE_PATH_MAX];
	int rc = sysfs_readlink(inode->path, target, sizeof(target));

	if (rc < 0) {
		fuse_reply_err(req, -rc);
		return;
	}
	fuse_reply_readlink(req, target);
}

/* sysfs has no creat/mknod (-EACCES from the VFS) and refuses the rest. */
static void sfuse_mknod(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
			dev_t rdev)
{
	fuse_reply_err(req, EACCES);
}

static void sfuse_create(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode,
			 struct fuse_file_info *fi)
{
	fuse_reply_err(req, EACCES);
}

static void sfuse_mkdir(fuse_req_t req, fuse_ino_t parent, const char *name, mode_t mode)
{
	fuse_reply_err(req, EPERM);
}

static void sfuse_unlink(fuse_req_t req, fuse_ino_t parent, const char *name)
{
	fuse_reply_err(req, EPERM);
}

static void sfuse_symlink(fuse_req_t req, const char *link, fuse_ino_t parent,
			  const char *name)
{
	fuse_reply_err(req, EPERM);
}

static void sfuse_rename(fuse_req_t req, fuse_ino_t parent, const char *name,
			 fuse_ino_t newparent, const char *newname, unsigned int flags)
{
	fuse_reply_err(req, EPERM);
}

static void sfuse_link(fuse_req_t req, fuse_ino_t ino, fuse_ino_t newparent,
		       const char *newname)
{
	fuse_reply_err(req, EPERM);
}

/* ---- attribute files --------------------------------------------------- */

/*
 * kernfs refuses an open for an access the attribute's mode lacks, even to
 * root (who passes the VFS permission check), so the error shows at open.
 */
static void sfuse_open(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct sfuse_inode *inode = sfuse_inode(req_fs(req), ino);
	int acc = fi->flags & O_ACCMODE;
	struct sfuse_file *f;
	struct sysfs_stat st;
	int rc = inode_stat(inode, &st);

	if (rc) {
		fuse_reply_err(req, -rc);
		return;
	}
	if (st.type == SYSFS_TYPE_DIR) {
		fuse_reply_err(req, EISDIR);
		return;
	}
	if (((acc == O_RDONLY || acc == O_RDWR) && !(st.mode & 0444)) ||
	    ((acc == O_WRONLY || acc == O_RDWR) && !(st.mode & 0222))) {
		fuse_reply_err(req, EACCES);
		return;
	}
	f = calloc(1, sizeof(*f));
	if (!f) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	fi->fh = (uintptr_t)f;
	fi->direct_io = 1;
	fi->keep_cache = 0;
	if (fuse_reply_open(req, fi))
		free(f);
}

/* An attribute removed while open reads as -ENODEV, as in kernfs. */
static int open_file_errno(int rc)
{
	return rc == -ENOENT ? ENODEV : -rc;
}

static void sfuse_read(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
		       struct fuse_file_info *fi)
{
	struct sfuse_inode *inode = sfuse_inode(req_fs(req), ino);
	struct sfuse_file *f = (struct sfuse_file *)(uintptr_t)fi->fh;
	ssize_t len;

	if (off == 0 || !f->valid) {
		len = sysfs_read(inode->path, f->page, sizeof(f->page));
		if (len < 0) {
			f->valid = false;
			fuse_reply_err(req, open_file_errno((int)len));
			return;
		}
		f->len = (size_t)len;
		f->valid = true;
	}
	if (off < 0 || (size_t)off >= f->len) {
		fuse_reply_buf(req, NULL, 0);
		return;
	}
	fuse_reply_buf(req, f->page + off, min(size, f->len - (size_t)off));
}

/* One write(2), one store(), whatever the offset; the store's answer is the reply. */
static void sfuse_write(fuse_req_t req, fuse_ino_t ino, const char *buf, size_t size,
			off_t off, struct fuse_file_info *fi)
{
	struct sfuse_inode *inode = sfuse_inode(req_fs(req), ino);
	struct sfuse_file *f = (struct sfuse_file *)(uintptr_t)fi->fh;
	ssize_t rc;

	if (size > SYSFS_PAGE_SIZE) {
		fuse_reply_err(req, E2BIG);
		return;
	}
	f->valid = false;
	rc = sysfs_write(inode->path, buf, size);
	if (rc < 0) {
		fuse_reply_err(req, open_file_errno((int)rc));
		return;
	}
	fuse_reply_write(req, min((size_t)rc, size));
}

static void sfuse_flush(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

static void sfuse_fsync(fuse_req_t req, fuse_ino_t ino, int datasync,
			struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

static void sfuse_release(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	free((void *)(uintptr_t)fi->fh);
	fuse_reply_err(req, 0);
}

/* ---- directories ------------------------------------------------------- */

static void dir_clear(struct sfuse_dir *d)
{
	size_t i;

	for (i = 0; i < d->nr; i++)
		free(d->ents[i].name);
	d->nr = 0;
}

static int dir_add(struct sfuse_dir *d, const char *name, mode_t type, uint64_t ino)
{
	struct sfuse_dirent *ents;

	if (d->nr == d->cap) {
		ents = realloc(d->ents, (d->cap * 2 + 16) * sizeof(*ents));
		if (!ents)
			return -ENOMEM;
		d->ents = ents;
		d->cap = d->cap * 2 + 16;
	}
	d->ents[d->nr].name = strdup(name);
	if (!d->ents[d->nr].name)
		return -ENOMEM;
	d->ents[d->nr].type = type;
	d->ents[d->nr].ino = ino;
	d->nr++;
	return 0;
}

static int dir_fill_one(void *arg, const char *name, const struct sysfs_stat *st)
{
	struct sfuse_dir *d = arg;
	char path[SFUSE_PATH_MAX];

	if (snprintf(path, sizeof(path), "%s/%s", d->path, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	return dir_add(d, name, type_bits(st->type), sfuse_path_hash(path));
}

/* st_ino of the directory above @path ("/sys" for "/sys" itself) */
static uint64_t parent_hash(const char *path)
{
	char parent[SFUSE_PATH_MAX];
	size_t len = strrchr(path, '/') - path;

	if (len < 4)
		return sfuse_path_hash(path);
	snprintf(parent, sizeof(parent), "%.*s", (int)len, path);
	return sfuse_path_hash(parent);
}

/* List @inode's directory afresh ("." and ".." first, then sorted names). */
static int dir_fill(struct sfuse_inode *inode, struct sfuse_dir *d)
{
	struct sysfs_stat st;
	int rc = inode_stat(inode, &st);

	dir_clear(d);
	if (rc)
		return rc;
	if (st.type != SYSFS_TYPE_DIR)
		return -ENOTDIR;
	d->path = inode->path;
	/* d_ino 0 would hide an entry from readdir(3) */
	rc = dir_add(d, ".", S_IFDIR, sfuse_path_hash(inode->path));
	if (!rc)
		rc = dir_add(d, "..", S_IFDIR, parent_hash(inode->path));
	if (!rc)
		rc = sysfs_readdir(inode->path, dir_fill_one, d);
	if (rc)
		dir_clear(d);
	return rc;
}

static void sfuse_opendir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct sfuse_inode *inode = sfuse_inode(req_fs(req), ino);
	struct sfuse_dir *d = calloc(1, sizeof(*d));
	int rc;

	if (!d) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	rc = dir_fill(inode, d);
	if (rc) {
		free(d->ents);
		free(d);
		fuse_reply_err(req, -rc);
		return;
	}
	fi->fh = (uintptr_t)d;
	fi->cache_readdir = 0;
	fi->keep_cache = 0;
	if (fuse_reply_open(req, fi)) {
		dir_clear(d);
		free(d->ents);
		free(d);
	}
}

static void sfuse_readdir(fuse_req_t req, fuse_ino_t ino, size_t size, off_t off,
			  struct fuse_file_info *fi)
{
	struct sfuse_inode *inode = sfuse_inode(req_fs(req), ino);
	struct sfuse_dir *d = (struct sfuse_dir *)(uintptr_t)fi->fh;
	size_t used = 0, n, i;
	struct stat st = { 0 };
	char *buf;
	int rc;

	/* A rewind lists again, as a sysfs directory would show the present. */
	if (off == 0 && (rc = dir_fill(inode, d))) {
		fuse_reply_err(req, -rc);
		return;
	}
	buf = malloc(size);
	if (!buf) {
		fuse_reply_err(req, ENOMEM);
		return;
	}
	for (i = off < 0 ? d->nr : (size_t)off; i < d->nr; i++) {
		st.st_ino = d->ents[i].ino;
		st.st_mode = d->ents[i].type;
		n = fuse_add_direntry(req, buf + used, size - used, d->ents[i].name, &st,
				      (off_t)(i + 1));
		if (n > size - used)
			break;
		used += n;
	}
	fuse_reply_buf(req, buf, used);
	free(buf);
}

static void sfuse_releasedir(fuse_req_t req, fuse_ino_t ino, struct fuse_file_info *fi)
{
	struct sfuse_dir *d = (struct sfuse_dir *)(uintptr_t)fi->fh;

	dir_clear(d);
	free(d->ents);
	free(d);
	fuse_reply_err(req, 0);
}

static void sfuse_fsyncdir(fuse_req_t req, fuse_ino_t ino, int datasync,
			   struct fuse_file_info *fi)
{
	fuse_reply_err(req, 0);
}

static void sfuse_statfs(fuse_req_t req, fuse_ino_t ino)
{
	struct statvfs sv = {
		.f_bsize = SYSFS_PAGE_SIZE,
		.f_frsize = SYSFS_PAGE_SIZE,
		.f_namemax = 255,
	};

	fuse_reply_statfs(req, &sv);
}

const struct fuse_lowlevel_ops sfuse_ops = {
	.init = sfuse_init,
	.lookup = sfuse_lookup,
	.forget = sfuse_forget,
	.forget_multi = sfuse_forget_multi,
	.getattr = sfuse_getattr,
	.setattr = sfuse_setattr,
	.readlink = sfuse_readlink,
	.mknod = sfuse_mknod,
	.mkdir = sfuse_mkdir,
	.unlink = sfuse_unlink,
	.rmdir = sfuse_unlink,
	.symlink = sfuse_symlink,
	.rename = sfuse_rename,
	.link = sfuse_link,
	.open = sfuse_open,
	.read = sfuse_read,
	.write = sfuse_write,
	.flush = sfuse_flush,
	.release = sfuse_release,
	.fsync = sfuse_fsync,
	.opendir = sfuse_opendir,
	.readdir = sfuse_readdir,
	.releasedir = sfuse_releasedir,
	.fsyncdir = sfuse_fsyncdir,
	.statfs = sfuse_statfs,
	.create = sfuse_create,
};
