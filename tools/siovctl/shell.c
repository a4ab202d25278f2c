// SPDX-License-Identifier: GPL-2.0-only
/*
 * siovctl shell: the namespace helper for siovd's FUSE-served sysfs tree.
 *
 * In a new mount namespace (slave to the host, so nothing leaks out), the
 * served tree is grafted onto the real /sys:
 *
 *  - /sys/bus/dsa, /sys/bus/mdev, /sys/class/mdev_bus, /sys/module/idxd and
 *    every PCI function the tree has under /sys/devices/pci0000:00 replace
 *    what real sysfs has there (a bind mount of the served directory);
 *  - every other served entry real sysfs lacks (/sys/bus/auxiliary,
 *    /sys/bus/pci/drivers/idxd, /sys/bus/pci/devices/0000:00:0a.0, ...) is
 *    added; entries real sysfs has stay real.
 *
 * Adding an entry to a real sysfs directory needs a "shadow": a tmpfs
 * mounted over the directory, holding a bind mount (or a copy, for a
 * symlink) of each real entry plus the new ones, made read-only once
 * built. Real entries therefore stay visible and live. Served entries are
 * live too (bind mounts of the FUSE mount), except the symlinks added to a
 * shadow, which are copies: their targets never change while the object
 * exists.
 *
 * The relative symlinks the kernel makes (and the tree serves) resolve in
 * the grafted /sys exactly as in the kernel's.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "shell.h"

#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC	0x65735546
#endif

#define SHELL_MAX_GRAFTS	256
#define SHELL_MAX_SHADOWS	32

/* Served paths that always replace real sysfs's (relative to /sys). */
static const char *const owned[] = {
	"bus/dsa", "bus/mdev", "class/mdev_bus", "module/idxd", NULL,
};
/* Every served directory under this one replaces its real namesake. */
#define OWNED_PCI_ROOT	"devices/pci0000:00"

struct graft {
	char rel[PATH_MAX];	/* relative to the mount and to /sys */
	mode_t type;		/* S_IFDIR, S_IFREG, S_IFLNK of the served entry */
	bool shadow;		/* needs its parent shadowed */
};

struct plan {
	const char *mnt;
	struct graft grafts[SHELL_MAX_GRAFTS];
	int nr;
	char shadows[SHELL_MAX_SHADOWS][PATH_MAX];	/* under /sys, top down */
	int nr_shadows;
	int verbose;
};

/* snprintf for paths. Return: 0, or -ENAMETOOLONG (the path is cut). */
static int __attribute__((format(printf, 3, 4)))
pathf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n < 0 || (size_t)n >= size ? -ENAMETOOLONG : 0;
}

static int errmsg(const char *what, const char *path, int err)
{
	fprintf(stderr, "siovctl shell: %s %s: %s\n", what, path, strerror(err));
	return -err;
}

/* ---- where the tree is served ------------------------------------------ */

/*
 * The mountpoint, checked to be a FUSE mount that answers.
 * Return: 0, -ENOTCONN (siovd gone), -ENOENT (nothing served there).
 */
static int check_served(const char *mnt)
{
	char path[PATH_MAX];
	struct statfs sfs;
	struct stat st;

	if (statfs(mnt, &sfs))
		return -errno;
	if (sfs.f_type != FUSE_SUPER_MAGIC)
		return -ENOENT;
	pathf(path, sizeof(path), "%s/bus/dsa", mnt);
	if (stat(path, &st))
		return -errno;
	return 0;
}

static int find_mount(const char *rundir, const char *mnt, char *buf, size_t size)
{
	char link[PATH_MAX];
	int rc;

	if (!mnt) {
		pathf(link, sizeof(link), "%s/sysfs", rundir);
		mnt = link;
	}
	if (!realpath(mnt, buf)) {
		rc = errno;
		if (rc == ENOTCONN) {
			snprintf(buf, size, "%s", mnt);
			return -ENOTCONN;
		}
		fprintf(stderr, "siovctl shell: no sysfs mount at %s (%s): start siovd with "
			"--sysfs DIR, or give --sysfs DIR\n", mnt, strerror(rc));
		return -ENOENT;
	}
	return 0;
}

/* ---- planning: what to graft where ------------------------------------- */

static bool is_owned(const char *rel, mode_t type)
{
	const char *const *o;
	size_t n = strlen(OWNED_PCI_ROOT);

	for (o = owned; *o; o++)
		if (!strcmp(rel, *o))
			return true;
	return type == S_IFDIR && !strncmp(rel, OWNED_PCI_ROOT "/", n + 1) &&
	       !strchr(rel + n + 1, '/');
}

static int plan_add(struct plan *p, const char *rel, mode_t type, bool shadow)
{
	struct graft *g;

	if (p->nr == SHELL_MAX_GRAFTS)
		return errmsg("too many entries to graft at", rel, E2BIG);
	g = &p->grafts[p->nr++];
	snprintf(g->rel, sizeof(g->rel), "%s", rel);
	g->type = type;
	g->shadow = shadow;
	return 0;
}

/*
 * A served entry @rel whose real counterpart is @real_type (0: none):
 * graft it, descend into it, or leave the real one.
 */
static int plan_entry(struct plan *p, const char *rel, mode_t type, mode_t real_type);

static int plan_dir(struct plan *p, const char *rel)
{
	char served[PATH_MAX], real[PATH_MAX], crel[PATH_MAX];
	struct stat st, rst;
	struct dirent *e;
	DIR *d;
	int rc = 0;

	pathf(served, sizeof(served), "%s/%s", p->mnt, rel);
	d = opendir(served);
	if (!d)
		return errmsg("cannot list", served, errno);
	while (!rc && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (pathf(crel, sizeof(crel), "%s%s%s", rel, *rel ? "/" : "", e->d_name) ||
		    pathf(served, sizeof(served), "%s/%s", p->mnt, crel) ||
		    pathf(real, sizeof(real), "/sys/%s", crel)) {
			rc = errmsg("path too long:", crel, ENAMETOOLONG);
			break;
		}
		if (lstat(served, &st))
			continue;	/* went away meanwhile */
		rc = plan_entry(p, crel, st.st_mode & S_IFMT,
				lstat(real, &rst) ? 0 : rst.st_mode & S_IFMT);
	}
	closedir(d);
	return rc;
}

static int plan_entry(struct plan *p, const char *rel, mode_t type, mode_t real_type)
{
	bool owned_entry = is_owned(rel, type);

	if (type != S_IFDIR && type != S_IFREG && type != S_IFLNK)
		return 0;
	if (!real_type)
		return plan_add(p, rel, type, true);
	if (owned_entry)
		/* over the real one when both are directories or files */
		return plan_add(p, rel, type, type != real_type || type == S_IFLNK);
	if (type == S_IFDIR && real_type == S_IFDIR)
		return plan_dir(p, rel);
	return 0;	/* real sysfs keeps its own */
}

/* Shadows: the parents of the grafts that add or replace a name, top down. */
static int plan_shadows(struct plan *p)
{
	char parent[PATH_MAX], *slash;
	int i, j;

	for (i = 0; i < p->nr; i++) {
		if (!p->grafts[i].shadow)
			continue;
		pathf(parent, sizeof(parent), "/sys/%s", p->grafts[i].rel);
		slash = strrchr(parent, '/');
		*slash = '\0';
		for (j = 0; j < p->nr_shadows && strcmp(p->shadows[j], parent); j++)
			;
		if (j < p->nr_shadows)
			continue;
		if (p->nr_shadows == SHELL_MAX_SHADOWS)
			return errmsg("too many directories to shadow at", parent, E2BIG);
		snprintf(p->shadows[p->nr_shadows++], PATH_MAX, "%s", parent);
	}
	/* parents before children: fewer slashes first (stable selection sort) */
	for (i = 0; i < p->nr_shadows; i++)
		for (j = i + 1; j < p->nr_shadows; j++) {
			char tmp[PATH_MAX];
			int di = 0, dj = 0;
			const char *c;

			for (c = p->shadows[i]; *c; c++)
				di += *c == '/';
			for (c = p->shadows[j]; *c; c++)
				dj += *c == '/';
			if (dj < di) {
				strcpy(tmp, p->shadows[i]);
				strcpy(p->shadows[i], p->shadows[j]);
				strcpy(p->shadows[j], tmp);
			}
		}
	return 0;
}

/* ---- building -------------------------------------------------------------- */

/* An empty file or directory to mount on. */
static int make_mountpoint(const char *path, mode_t type)
{
	int fd;

	if (type == S_IFDIR)
		return mkdir(path, 0755) && errno != EEXIST ? -errno : 0;
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

/* Copy the real entry @name of the directory open at @dirfd into the shadow @dir. */
static int shadow_entry(int dirfd, const char *dir, const char *name)
{
	char src[PATH_MAX], dst[PATH_MAX], target[PATH_MAX];
	struct stat st;
	ssize_t n;
	int rc;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW))
		return 0;
	if (pathf(dst, sizeof(dst), "%s/%s", dir, name))
		return -ENAMETOOLONG;
	if (S_ISLNK(st.st_mode)) {
		n = readlinkat(dirfd, name, target, sizeof(target) - 1);
		if (n < 0)
			return 0;
		target[n] = '\0';
		return symlink(target, dst) ? -errno : 0;
	}
	if (!S_ISDIR(st.st_mode) && !S_ISREG(st.st_mode))
		return 0;
	rc = make_mountpoint(dst, st.st_mode & S_IFMT);
	if (rc)
		return rc;
	if (pathf(src, sizeof(src), "/proc/self/fd/%d/%s", dirfd, name))
		return -ENAMETOOLONG;
	return mount(src, dst, NULL, MS_BIND | MS_REC, NULL) ? -errno : 0;
}

/*
 * Cover the real directory @dir with a tmpfs holding its entries (bind
 * mounts of the real ones, copies of its symlinks).
 */
static int shadow_dir(const char *dir)
{
	char **names = NULL;
	size_t nr = 0, i;
	struct dirent *e;
	int fd, rc = 0;
	DIR *d;

	fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		return errmsg("cannot open", dir, errno);
	d = opendir(dir);
	if (!d) {
		close(fd);
		return errmsg("cannot list", dir, errno);
	}
	while ((e = readdir(d))) {
		char **more;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		more = realloc(names, (nr + 1) * sizeof(*names));
		if (!more || !(more[nr] = strdup(e->d_name))) {
			names = more ? more : names;
			rc = -ENOMEM;
			break;
		}
		names = more;
		nr++;
	}
	closedir(d);
	if (!rc && mount("siovd-shadow", dir, "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
			 "mode=0755,size=1m"))
		rc = errmsg("cannot mount a tmpfs over", dir, errno);
	for (i = 0; i < nr; i++) {
		if (!rc && (rc = shadow_entry(fd, dir, names[i])))
			errmsg("cannot keep the real entry", names[i], -rc);
		free(names[i]);
	}
	free(names);
	close(fd);
	return rc;
}

/* Remove what a shadow holds at @path (a bind mount or a symlink copy). */
static void shadow_clear(const char *path)
{
	struct stat st;

	if (lstat(path, &st))
		return;
	umount2(path, MNT_DETACH);
	if (S_ISDIR(st.st_mode))
		rmdir(path);
	else
		unlink(path);
}

static bool in_shadow(const struct plan *p, const char *path)
{
	char parent[PATH_MAX], *slash;
	int i;

	pathf(parent, sizeof(parent), "%s", path);
	slash = strrchr(parent, '/');
	*slash = '\0';
	for (i = 0; i < p->nr_shadows; i++)
		if (!strcmp(p->shadows[i], parent))
			return true;
	return false;
}

static int graft_one(const struct plan *p, const struct graft *g)
{
	char src[PATH_MAX], dst[PATH_MAX], target[PATH_MAX];
	ssize_t n;
	int rc;

	if (pathf(src, sizeof(src), "%s/%s", p->mnt, g->rel) ||
	    pathf(dst, sizeof(dst), "/sys/%s", g->rel))
		return errmsg("path too long:", g->rel, ENAMETOOLONG);
	if (in_shadow(p, dst))
		shadow_clear(dst);
	if (g->type == S_IFLNK) {
		n = readlink(src, target, sizeof(target) - 1);
		if (n < 0)
			return errmsg("cannot read the link", src, errno);
		target[n] = '\0';
		if (symlink(target, dst))
			return errmsg("cannot link", dst, errno);
	} else {
		rc = make_mountpoint(dst, g->type);
		if (rc)
			return errmsg("cannot make a mountpoint at", dst, -rc);
		if (mount(src, dst, NULL, MS_BIND, NULL))
			return errmsg("cannot bind the tree onto", dst, errno);
	}
	if (p->verbose)
		fprintf(stderr, "siovctl shell: %s -> %s\n", dst, src);
	return 0;
}

static int build(struct plan *p)
{
	int i, rc;

	for (i = 0; i < p->nr_shadows; i++) {
		rc = shadow_dir(p->shadows[i]);
		if (rc)
			return rc;
	}
	for (i = 0; i < p->nr; i++) {
		rc = graft_one(p, &p->grafts[i]);
		if (rc)
			return rc;
	}
	/* sysfs has no room for new names: neither have the shadows */
	for (i = 0; i < p->nr_shadows; i++)
		mount(NULL, p->shadows[i], NULL,
		      MS_REMOUNT | MS_BIND | MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL);
	return 0;
}

/* ---- the namespace ----------------------------------------------------- */

static int write_proc(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n == (ssize_t)strlen(text) ? 0 : -EIO;
}

/*
 * A private mount namespace. Users who are not root get a user namespace
 * too, mapping root to themselves: FUSE still sees their own uid.
 */
static int enter_namespace(void)
{
	uid_t uid = geteuid();
	gid_t gid = getegid();
	char map[64];

	if (uid != 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS))
			return errmsg("cannot create a user and mount namespace", "", errno);
		pathf(map, sizeof(map), "0 %u 1", (unsigned int)uid);
		if (write_proc("/proc/self/uid_map", map))
			return errmsg("cannot map", "uid", EPERM);
		write_proc("/proc/self/setgroups", "deny");
		pathf(map, sizeof(map), "0 %u 1", (unsigned int)gid);
		if (write_proc("/proc/self/gid_map", map))
			return errmsg("cannot map", "gid", EPERM);
	} else if (unshare(CLONE_NEWNS)) {
		return errmsg("cannot create a mount namespace", "", errno);
	}
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL))
		return errmsg("cannot make the namespace a slave of", "/", errno);
	return 0;
}

/* Run @argv; return its status as a shell reports it. */
static int run(char *const *argv)
{
	struct sigaction ign = { .sa_handler = SIG_IGN }, oint, oquit;
	const char *shell = getenv("SHELL");
	char *const sh[] = { (char *)(shell && *shell ? shell : "/bin/sh"), NULL };
	int status;
	pid_t pid;

	if (!argv || !argv[0])
		argv = sh;
	sigaction(SIGINT, &ign, &oint);
	sigaction(SIGQUIT, &ign, &oquit);
	pid = fork();
	if (pid < 0) {
		errmsg("cannot fork for", argv[0], errno);
		return SHELL_EXIT_SETUP;
	}
	if (!pid) {
		sigaction(SIGINT, &oint, NULL);
		sigaction(SIGQUIT, &oquit, NULL);
		execvp(argv[0], argv);
		fprintf(stderr, "siovctl shell: %s: %s\n", argv[0], strerror(errno));
		_exit(errno == ENOENT ? 127 : 126);
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return SHELL_EXIT_SETUP;
	sigaction(SIGINT, &oint, NULL);
	sigaction(SIGQUIT, &oquit, NULL);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static int report_gone(const char *mnt, int err)
{
	fprintf(stderr, "siovctl shell: the sysfs tree at %s is not served (%s): "
		"siovd died or unmounted it\n", mnt, strerror(err));
	return SHELL_EXIT_GONE;
}

int siovctl_shell(const char *rundir, const char *mnt, char *const *argv, int verbose)
{
	static struct plan plan;
	char root[PATH_MAX];
	struct stat st;
	int rc, status;

	rc = find_mount(rundir, mnt, root, sizeof(root));
	if (rc == -ENOTCONN)
		return report_gone(root, ENOTCONN);
	if (rc)
		return SHELL_EXIT_GONE;
	rc = check_served(root);
	if (rc == -ENOENT) {
		fprintf(stderr, "siovctl shell: %s is not a siovd sysfs mount\n", root);
		return SHELL_EXIT_GONE;
	}
	if (rc)
		return report_gone(root, -rc);
	memset(&plan, 0, sizeof(plan));
	plan.mnt = root;
	plan.verbose = verbose;
	if (enter_namespace() || plan_dir(&plan, "") || plan_shadows(&plan) || build(&plan))
		return SHELL_EXIT_SETUP;
	status = run(argv);
	/* the grafts, not the mountpoint: a restarted siovd is a new mount */
	if (stat("/sys/bus/dsa/drivers", &st))
		return report_gone(root, errno);
	return status;
}
