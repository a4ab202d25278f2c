/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The attribute tree: a kernfs-like tree of directories, attribute files
 * (show/store callbacks) and relative symlinks, rooted at "/sys" and laid out
 * at the kernel's own paths. The driver core puts devices, buses, drivers and
 * classes in it; drivers add their attribute groups. The daemon serves it to
 * siovctl over the control socket (later also through FUSE).
 *
 * Semantics follow sysfs: a read returns what show() printed (at most
 * SYSFS_PAGE_SIZE bytes); a write hands store() the value as one
 * NUL-terminated string (at most SYSFS_PAGE_SIZE bytes, trailing newline
 * kept, as kernfs does: a longer write is cut to one page) and returns what
 * store() returned. Modes are the
 * kernel's: 0444 read-only, 0644 read-write, 0200 write-only.
 *
 * Lifetime: directories and files are owned by the tree. sysfs_remove_dir()
 * unlinks a directory and everything below it at once (the paths vanish);
 * memory is freed when the last in-progress access finishes, so a store()
 * may remove its own directory (an mdev's "remove"). Symlinks keep their
 * target's node (not its owner) alive; a link to a removed directory reads
 * as -ENOENT. The owner pointer given at mkdir must stay valid until the
 * directory is removed.
 *
 * Threading: event-loop thread only (no locking inside).
 */
#ifndef SIOVD_SYSFS_SYSFS_H
#define SIOVD_SYSFS_SYSFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SYSFS_PAGE_SIZE		4096

struct attribute {
	const char *name;
	uint16_t mode;
};

/*
 * struct sysfs_ops - how a directory's attributes reach their owner (the
 * kobject ktype's sysfs_ops). show() writes at most SYSFS_PAGE_SIZE bytes
 * and returns the length or -errno; store() returns @count or -errno.
 */
struct sysfs_ops {
	ssize_t (*show)(void *owner, const struct attribute *attr, char *buf);
	ssize_t (*store)(void *owner, const struct attribute *attr,
			 const char *buf, size_t count);
};

/*
 * struct attribute_group - attributes created together, in a subdirectory
 * @name if set. @is_visible may return 0 to hide an attribute or a mode to
 * override its own.
 */
struct attribute_group {
	const char *name;
	const struct attribute *const *attrs;
	uint16_t (*is_visible)(void *owner, const struct attribute *attr);
};

struct sysfs_dir;

/* Build an empty tree with /sys. Return: 0 or -ENOMEM. */
int sysfs_init(void);
/* Tear the whole tree down. */
void sysfs_exit(void);
struct sysfs_dir *sysfs_root(void);

/*
 * sysfs_mkdir - create directory @name in @parent (NULL: /sys) whose
 * attributes call @ops with @owner. Return: the directory, or NULL with
 * errno EEXIST, EINVAL (bad name), ENOMEM.
 */
struct sysfs_dir *sysfs_mkdir(struct sysfs_dir *parent, const char *name,
			      void *owner, const struct sysfs_ops *ops);
/*
 * sysfs_mkdir_path - the directory at @path (absolute, "/sys/..."), creating
 * missing plain directories on the way (no owner). Return: it, or NULL.
 */
struct sysfs_dir *sysfs_mkdir_path(const char *path);
/* The directory @name in @parent, or NULL (symlinks are not followed). */
struct sysfs_dir *sysfs_get_child(struct sysfs_dir *parent, const char *name);
void sysfs_remove_dir(struct sysfs_dir *dir);
/*
 * sysfs_dir_get / sysfs_dir_put - keep a directory's memory valid beyond
 * its removal (a removed directory is dead: every operation on it fails or
 * does nothing). An owner that may find its directory removed from above
 * (a device whose parent went first) holds such a reference.
 */
struct sysfs_dir *sysfs_dir_get(struct sysfs_dir *dir);
void sysfs_dir_put(struct sysfs_dir *dir);
const char *sysfs_dir_name(const struct sysfs_dir *dir);
/* Absolute path of @dir into @buf. Return: length, or -ENAMETOOLONG. */
int sysfs_dir_path(const struct sysfs_dir *dir, char *buf, size_t size);

/* Return: 0, -EEXIST, -ENOMEM. */
int sysfs_create_file(struct sysfs_dir *dir, const struct attribute *attr);
void sysfs_remove_file(struct sysfs_dir *dir, const char *name);
/* All or nothing. Return: 0, -EEXIST, -ENOMEM. */
int sysfs_create_group(struct sysfs_dir *dir, const struct attribute_group *grp);
int sysfs_create_groups(struct sysfs_dir *dir, const struct attribute_group *const *groups);
void sysfs_remove_group(struct sysfs_dir *dir, const struct attribute_group *grp);
void sysfs_remove_groups(struct sysfs_dir *dir, const struct attribute_group *const *groups);

/* A symlink @name in @dir pointing at @target, stored relative. */
int sysfs_create_link(struct sysfs_dir *dir, struct sysfs_dir *target, const char *name);
void sysfs_remove_link(struct sysfs_dir *dir, const char *name);

/* ---- access by path: siovctl, FUSE, tests ------------------------------ */

enum sysfs_type { SYSFS_TYPE_DIR, SYSFS_TYPE_FILE, SYSFS_TYPE_LINK };

struct sysfs_stat {
	enum sysfs_type type;
	uint16_t mode;
};

/*
 * Paths are absolute ("/sys/bus/dsa/devices/dsa0/state"); "." and ".." and
 * symlinks in the middle are resolved; the last component's symlink is
 * followed except by sysfs_lstat()/sysfs_readlink().
 * Return: 0 or bytes, or -errno: -ENOENT, -ENOTDIR, -EISDIR, -EACCES (mode
 * forbids the access), -ELOOP, -ENAMETOOLONG, or what show/store returned.
 */
int sysfs_stat(const char *path, struct sysfs_stat *st);
int sysfs_lstat(const char *path, struct sysfs_stat *st);
ssize_t sysfs_read(const char *path, char *buf, size_t size);
ssize_t sysfs_write(const char *path, const char *buf, size_t count);
int sysfs_readlink(const char *path, char *buf, size_t size);
/* Calls @fn for every entry, sorted by name; stops at a non-zero return. */
int sysfs_readdir(const char *path,
		  int (*fn)(void *arg, const char *name, const struct sysfs_stat *st),
		  void *arg);

/* Canonical absolute path of @path with every symlink resolved. */
int sysfs_realpath(const char *path, char *buf, size_t size);

#endif
