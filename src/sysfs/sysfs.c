// SPDX-License-Identifier: GPL-2.0-only
/*
 * The attribute tree. Nodes are directories, attribute files or symlinks.
 * Each node is reference counted: one reference for being linked in the
 * tree, one per symlink that targets it, one per access in progress. A
 * removed node is unlinked at once (marked dead) and freed at its last put.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lib/list.h"
#include "sysfs/sysfs.h"

#define SYSFS_MAX_DEPTH		64
#define SYSFS_MAX_LINKS		40
#define PATH_MAX_SYSFS		1024

struct sysfs_dir {
	char *name;
	enum sysfs_type type;
	uint16_t mode;
	unsigned int refs;
	bool dead;
	struct sysfs_dir *parent;	/* NULL for /sys and dead nodes */
	struct list_head sibling;	/* in parent->children, sorted by name */
	/* directory */
	struct list_head children;
	void *owner;
	const struct sysfs_ops *ops;
	/* file */
	const struct attribute *attr;
	/* link */
	struct sysfs_dir *target;
};

static struct sysfs_dir *root;

static void node_get(struct sysfs_dir *n)
{
	n->refs++;
}

static void node_put(struct sysfs_dir *n)
{
	if (--n->refs)
		return;
	if (n->type == SYSFS_TYPE_LINK && n->target)
		node_put(n->target);
	free(n->name);
	free(n);
}

static bool valid_name(const char *name)
{
	return name && *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && strlen(name) < 256;
}

static struct sysfs_dir *node_new(const char *name, enum sysfs_type type,
				  uint16_t mode)
{
	struct sysfs_dir *n = calloc(1, sizeof(*n));

	if (!n)
		return NULL;
	n->name = strdup(name);
	if (!n->name) {
		free(n);
		return NULL;
	}
	n->type = type;
	n->mode = mode;
	n->refs = 1;
	INIT_LIST_HEAD(&n->children);
	INIT_LIST_HEAD(&n->sibling);
	return n;
}

static struct sysfs_dir *child_find(struct sysfs_dir *dir, const char *name)
{
	struct sysfs_dir *c;

	list_for_each_entry(c, &dir->children, sibling)
		if (!strcmp(c->name, name))
			return c;
	return NULL;
}

/* Link @n into @dir in name order. Return: 0 or -EEXIST. */
static int child_insert(struct sysfs_dir *dir, struct sysfs_dir *n)
{
	struct sysfs_dir *c;
	int cmp;

	list_for_each_entry(c, &dir->children, sibling) {
		cmp = strcmp(c->name, n->name);
		if (!cmp)
			return -EEXIST;
		if (cmp > 0)
			break;
	}
	/* insert before c (or at the tail when the loop ran out) */
	n->sibling.next = &c->sibling;
	n->sibling.prev = c->sibling.prev;
	c->sibling.prev->next = &n->sibling;
	c->sibling.prev = &n->sibling;
	n->parent = dir;
	return 0;
}

/* Unlink @n and everything below it; drop the tree's reference. */
static void node_unlink(struct sysfs_dir *n)
{
	struct sysfs_dir *c, *tmp;

	list_for_each_entry_safe(c, tmp, &n->children, sibling)
		node_unlink(c);
	list_del_init(&n->sibling);
	n->parent = NULL;
	n->dead = true;
	node_put(n);
}

int sysfs_init(void)
{
	if (root)
		return 0;
	root = node_new("sys", SYSFS_TYPE_DIR, 0755);
	return root ? 0 : -ENOMEM;
}

void sysfs_exit(void)
{
	if (!root)
		return;
	node_unlink(root);
	root = NULL;
}

struct sysfs_dir *sysfs_root(void)
{
	return root;
}

struct sysfs_dir *sysfs_mkdir(struct sysfs_dir *parent, const char *name,
			      void *owner, const struct sysfs_ops *ops)
{
	struct sysfs_dir *n;
	int rc;

	if (!parent)
		parent = root;
	if (!parent || parent->dead || parent->type != SYSFS_TYPE_DIR ||
	    !valid_name(name)) {
		errno = EINVAL;
		return NULL;
	}
	n = node_new(name, SYSFS_TYPE_DIR, 0755);
	if (!n) {
		errno = ENOMEM;
		return NULL;
	}
	n->owner = owner;
	n->ops = ops;
	rc = child_insert(parent, n);
	if (rc) {
		node_put(n);
		errno = -rc;
		return NULL;
	}
	return n;
}

struct sysfs_dir *sysfs_get_child(struct sysfs_dir *parent, const char *name)
{
	struct sysfs_dir *c;

	if (!parent)
		parent = root;
	c = parent ? child_find(parent, name) : NULL;
	return c && c->type == SYSFS_TYPE_DIR ? c : NULL;
}

struct sysfs_dir *sysfs_mkdir_path(const char *path)
{
	char buf[PATH_MAX_SYSFS];
	struct sysfs_dir *dir = root, *next;
	char *tok, *save;

	if (!root || strncmp(path, "/sys", 4) || (path[4] && path[4] != '/') ||
	    strlen(path) >= sizeof(buf)) {
		errno = EINVAL;
		return NULL;
	}
	strcpy(buf, path + 4);
	for (tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		next = child_find(dir, tok);
		if (next && next->type != SYSFS_TYPE_DIR) {
			errno = ENOTDIR;
			return NULL;
		}
		if (!next)
			next = sysfs_mkdir(dir, tok, NULL, NULL);
		if (!next)
			return NULL;
		dir = next;
	}
	return dir;
}

void sysfs_remove_dir(struct sysfs_dir *dir)
{
	if (!dir || dir->dead || dir == root)
		return;
	node_unlink(dir);
}

struct sysfs_dir *sysfs_dir_get(struct sysfs_dir *dir)
{
	if (dir)
		node_get(dir);
	return dir;
}

void sysfs_dir_put(struct sysfs_dir *dir)
{
	if (dir)
		node_put(dir);
}

const char *sysfs_dir_name(const struct sysfs_dir *dir)
{
	return dir->name;
}

static int node_path(const struct sysfs_dir *n, char *buf, size_t size)
{
	const struct sysfs_dir *chain[SYSFS_MAX_DEPTH];
	size_t len = 0, l;
	int depth = 0, i;

	for (; n; n = n->parent) {
		if (depth == SYSFS_MAX_DEPTH)
			return -ENAMETOOLONG;
		chain[depth++] = n;
	}
	for (i = depth - 1; i >= 0; i--) {
		l = strlen(chain[i]->name);
		if (len + l + 2 > size)
			return -ENAMETOOLONG;
		buf[len++] = '/';
		memcpy(buf + len, chain[i]->name, l);
		len += l;
	}
	buf[len] = '\0';
	return (int)len;
}

int sysfs_dir_path(const struct sysfs_dir *dir, char *buf, size_t size)
{
	if (dir->dead)
		return -ENOENT;
	return node_path(dir, buf, size);
}

int sysfs_create_file(struct sysfs_dir *dir, const struct attribute *attr)
{
	struct sysfs_dir *n;
	int rc;

	if (!dir || dir->dead || !attr || !valid_name(attr->name))
		return -EINVAL;
	n = node_new(attr->name, SYSFS_TYPE_FILE, attr->mode);
	if (!n)
		return -ENOMEM;
	n->attr = attr;
	rc = child_insert(dir, n);
	if (rc)
		node_put(n);
	return rc;
}

void sysfs_remove_file(struct sysfs_dir *dir, const char *name)
{
	struct sysfs_dir *n = dir ? child_find(dir, name) : NULL;

	if (n && n->type == SYSFS_TYPE_FILE)
		node_unlink(n);
}

/* Remove the first @n visible attributes of @grp created in @dir. */
static void group_remove_first(struct sysfs_dir *dir, const struct attribute_group *grp,
			       size_t n)
{
	const struct attribute *const *a;
	struct sysfs_dir *node;

	for (a = grp->attrs; a && *a && n; a++) {
		node = child_find(dir, (*a)->name);
		if (node && node->type == SYSFS_TYPE_FILE && node->attr == *a) {
			node_unlink(node);
			n--;
		}
	}
}

static int group_create_files(struct sysfs_dir *dir, const struct attribute_group *grp)
{
	const struct attribute *const *a;
	size_t created = 0;
	uint16_t mode;
	int rc;

	for (a = grp->attrs; a && *a; a++) {
		mode = (*a)->mode;
		if (grp->is_visible) {
			mode = grp->is_visible(dir->owner, *a);
			if (!mode)
				continue;
		}
		rc = sysfs_create_file(dir, *a);
		if (rc) {
			/* all or nothing: undo only what this call created */
			group_remove_first(dir, grp, created);
			return rc;
		}
		child_find(dir, (*a)->name)->mode = mode;
		created++;
	}
	return 0;
}

static void group_remove_files(struct sysfs_dir *dir, const struct attribute_group *grp)
{
	group_remove_first(dir, grp, SIZE_MAX);
}

int sysfs_create_group(struct sysfs_dir *dir, const struct attribute_group *grp)
{
	struct sysfs_dir *target = dir;
	int rc;

	if (!dir || dir->dead || !grp)
		return -EINVAL;
	if (grp->name) {
		target = sysfs_mkdir(dir, grp->name, dir->owner, dir->ops);
		if (!target)
			return -errno;
	}
	rc = group_create_files(target, grp);
	if (rc && grp->name)
		node_unlink(target);
	return rc;
}

void sysfs_remove_group(struct sysfs_dir *dir, const struct attribute_group *grp)
{
	struct sysfs_dir *sub;

	if (!dir || !grp)
		return;
	if (grp->name) {
		sub = sysfs_get_child(dir, grp->name);
		if (sub)
			node_unlink(sub);
		return;
	}
	group_remove_files(dir, grp);
}

int sysfs_create_groups(struct sysfs_dir *dir, const struct attribute_group *const *groups)
{
	int i, rc;

	for (i = 0; groups && groups[i]; i++) {
		rc = sysfs_create_group(dir, groups[i]);
		if (rc) {
			while (--i >= 0)
				sysfs_remove_group(dir, groups[i]);
			return rc;
		}
	}
	return 0;
}

void sysfs_remove_groups(struct sysfs_dir *dir, const struct attribute_group *const *groups)
{
	int i;

	for (i = 0; groups && groups[i]; i++)
		sysfs_remove_group(dir, groups[i]);
}

int sysfs_create_link(struct sysfs_dir *dir, struct sysfs_dir *target, const char *name)
{
	struct sysfs_dir *n;
	int rc;

	if (!dir || dir->dead || !target || target->dead || !valid_name(name))
		return -EINVAL;
	n = node_new(name, SYSFS_TYPE_LINK, 0777);
	if (!n)
		return -ENOMEM;
	n->target = target;
	node_get(target);
	rc = child_insert(dir, n);
	if (rc)
		node_put(n);
	return rc;
}

void sysfs_remove_link(struct sysfs_dir *dir, const char *name)
{
	struct sysfs_dir *n = dir ? child_find(dir, name) : NULL;

	if (n && n->type == SYSFS_TYPE_LINK)
		node_unlink(n);
}

/* ---- path resolution ---------------------------------------------------- */

/*
 * Resolve @path to a node. @follow_last: follow a symlink in the last
 * component. Return: the node (no reference taken) or NULL with *@err.
 */
static struct sysfs_dir *resolve(const char *path, bool follow_last, int *err)
{
	char buf[PATH_MAX_SYSFS];
	struct sysfs_dir *cur = root, *next;
	char *tok, *save, *rest;
	int links = 0;

	if (!root || !path || strncmp(path, "/sys", 4) || (path[4] && path[4] != '/')) {
		*err = -ENOENT;
		return NULL;
	}
	if (strlen(path) >= sizeof(buf)) {
		*err = -ENAMETOOLONG;
		return NULL;
	}
	strcpy(buf, path + 4);
	for (tok = strtok_r(buf, "/", &save); tok; tok = strtok_r(NULL, "/", &save)) {
		if (cur->type != SYSFS_TYPE_DIR) {
			*err = -ENOTDIR;
			return NULL;
		}
		if (!strcmp(tok, "."))
			continue;
		if (!strcmp(tok, "..")) {
			if (cur->parent)
				cur = cur->parent;
			continue;
		}
		next = child_find(cur, tok);
		if (!next) {
			*err = -ENOENT;
			return NULL;
		}
		rest = save;
		while (next->type == SYSFS_TYPE_LINK &&
		       (follow_last || (rest && *rest))) {
			if (++links > SYSFS_MAX_LINKS) {
				*err = -ELOOP;
				return NULL;
			}
			if (next->target->dead) {
				*err = -ENOENT;
				return NULL;
			}
			next = next->target;
		}
		cur = next;
	}
	return cur;
}

static void fill_stat(const struct sysfs_dir *n, struct sysfs_stat *st)
{
	st->type = n->type;
	st->mode = n->mode;
}

/* stat(2) or, without @follow_last, lstat(2). Return: 0 or as resolve(). */
static int stat_path(const char *path, bool follow_last, struct sysfs_stat *st)
{
	int err = 0;
	struct sysfs_dir *n = resolve(path, follow_last, &err);

	if (!n)
		return err;
	fill_stat(n, st);
	return 0;
}

int sysfs_stat(const char *path, struct sysfs_stat *st)
{
	return stat_path(path, true, st);
}

int sysfs_lstat(const char *path, struct sysfs_stat *st)
{
	return stat_path(path, false, st);
}

/*
 * The attribute file at @path if its mode has a bit of @perm (0444 to read,
 * 0222 to write) and its directory has sysfs_ops. Return: the node (no
 * reference taken) or NULL with *@err: as resolve(), -EISDIR or -EACCES.
 */
static struct sysfs_dir *resolve_attr(const char *path, uint16_t perm, int *err)
{
	struct sysfs_dir *n = resolve(path, true, err);

	if (!n)
		return NULL;
	if (n->type == SYSFS_TYPE_DIR) {
		*err = -EISDIR;
		return NULL;
	}
	if (!(n->mode & perm) || !n->parent->ops) {
		*err = -EACCES;
		return NULL;
	}
	return n;
}

ssize_t sysfs_read(const char *path, char *buf, size_t size)
{
	char page[SYSFS_PAGE_SIZE + 1];
	struct sysfs_dir *n, *dir;
	int err = 0;
	ssize_t len;

	n = resolve_attr(path, 0444, &err);
	if (!n)
		return err;
	dir = n->parent;
	if (!dir->ops->show)
		return -EACCES;
	node_get(n);
	memset(page, 0, sizeof(page));
	len = dir->ops->show(dir->owner, n->attr, page);
	node_put(n);
	if (len < 0)
		return len;
	if (len > SYSFS_PAGE_SIZE)
		len = SYSFS_PAGE_SIZE;
	if ((size_t)len > size)
		len = size;
	memcpy(buf, page, len);
	return len;
}

ssize_t sysfs_write(const char *path, const char *buf, size_t count)
{
	char page[SYSFS_PAGE_SIZE + 1];
	struct sysfs_dir *n, *dir;
	int err = 0;
	ssize_t rc;

	n = resolve_attr(path, 0222, &err);
	if (!n)
		return err;
	dir = n->parent;
	if (!dir->ops->store)
		return -EACCES;
	/* as kernfs: at most one page reaches the store (a longer write is short) */
	if (count > SYSFS_PAGE_SIZE)
		count = SYSFS_PAGE_SIZE;
	memcpy(page, buf, count);
	page[count] = '\0';
	/* The store may remove @n's directory: keep @n, not @dir, alive. */
	node_get(n);
	rc = dir->ops->store(dir->owner, n->attr, page, count);
	node_put(n);
	return rc;
}

static int rel_path(const struct sysfs_dir *from, const struct sysfs_dir *to,
		    char *buf, size_t size)
{
	char fp[PATH_MAX_SYSFS], tp[PATH_MAX_SYSFS];
	size_t common = 0, i, len = 0;
	int rc;

	rc = node_path(from, fp, sizeof(fp));
	if (rc < 0)
		return rc;
	rc = node_path(to, tp, sizeof(tp));
	if (rc < 0)
		return rc;
	strcat(fp, "/");
	strcat(tp, "/");
	for (i = 0; fp[i] && fp[i] == tp[i]; i++)
		if (fp[i] == '/')
			common = i + 1;
	for (i = common; fp[i]; i++) {
		if (fp[i] != '/')
			continue;
		if (len + 3 >= size)
			return -ENAMETOOLONG;
		memcpy(buf + len, "../", 3);
		len += 3;
	}
	i = strlen(tp + common);
	if (len + i >= size)
		return -ENAMETOOLONG;
	memcpy(buf + len, tp + common, i);
	len += i;
	if (len && buf[len - 1] == '/')
		len--;
	buf[len] = '\0';
	return (int)len;
}

int sysfs_readlink(const char *path, char *buf, size_t size)
{
	struct sysfs_dir *n;
	int err = 0;

	n = resolve(path, false, &err);
	if (!n)
		return err;
	if (n->type != SYSFS_TYPE_LINK)
		return -EINVAL;
	if (n->target->dead)
		return -ENOENT;
	return rel_path(n->parent, n->target, buf, size);
}

int sysfs_readdir(const char *path,
		  int (*fn)(void *arg, const char *name, const struct sysfs_stat *st),
		  void *arg)
{
	struct sysfs_dir *n, *c, *tmp;
	struct sysfs_stat st;
	int err = 0, rc = 0;

	n = resolve(path, true, &err);
	if (!n)
		return err;
	if (n->type != SYSFS_TYPE_DIR)
		return -ENOTDIR;
	node_get(n);
	list_for_each_entry_safe(c, tmp, &n->children, sibling) {
		fill_stat(c, &st);
		rc = fn(arg, c->name, &st);
		if (rc || n->dead)
			break;
	}
	node_put(n);
	return rc;
}

int sysfs_realpath(const char *path, char *buf, size_t size)
{
	struct sysfs_dir *n;
	int err = 0;

	n = resolve(path, true, &err);
	if (!n)
		return err;
	return node_path(n, buf, size);
}
