// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mount: a libfuse low-level session whose /dev/fuse descriptor is an
 * event-loop source, so that requests are served on the thread that owns
 * the attribute tree.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fuse/fuse_priv.h"
#include "fuse/sysfs_fuse.h"
#include "lib/log.h"

#ifndef FUSE_SUPER_MAGIC
#define FUSE_SUPER_MAGIC	0x65735546
#endif

/*
 * sysfs mounts nosuid,nodev,noexec; the tools run as root, hence
 * allow_other, and the kernel checks modes (default_permissions).
 */
#define SFUSE_MOUNT_OPTS \
	"allow_other,default_permissions,nosuid,nodev,noexec,fsname=siovd,subtype=siovd"

extern char **environ;

/* Set while a mount that is already gone is taken down: libfuse's complaint is noise. */
static bool sfuse_log_quiet;

/* libfuse's messages go to siovd's log. */
static void sfuse_log(enum fuse_log_level level, const char *fmt, va_list ap)
{
	enum log_level l = sfuse_log_quiet ? LOG_DEBUG :
			   level <= FUSE_LOG_ERR ? LOG_ERR :
			   level <= FUSE_LOG_WARNING ? LOG_WARN :
			   level <= FUSE_LOG_INFO ? LOG_INFO : LOG_DEBUG;
	char msg[512];
	size_t n;

	vsnprintf(msg, sizeof(msg), fmt, ap);
	n = strlen(msg);
	if (n && msg[n - 1] == '\n')
		msg[n - 1] = '\0';
	log_msg(l, "fuse", "%s", msg);
}

static int mkdir_p(char *path)
{
	char *p;

	for (p = path + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(path, 0755) && errno != EEXIST) {
			*p = '/';
			return -errno;
		}
		*p = '/';
	}
	if (mkdir(path, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

/* Detach the dead mount a killed siovd left at @path. */
static int unmount_stale(const char *path)
{
	char *const argv[] = { "fusermount3", "-u", "-z", (char *)path, NULL };
	int status;
	pid_t pid;

	if (geteuid() == 0)
		return umount2(path, MNT_DETACH) ? -errno : 0;
	if (posix_spawnp(&pid, "fusermount3", NULL, NULL, argv, environ))
		return -EPERM;
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status))
		return -EPERM;
	return 0;
}

/*
 * Make @path a directory we may mount on: create it when missing, detach a
 * stale FUSE mount, refuse a live one. Return: 0 or -errno.
 */
static int prepare_mountpoint(char *path)
{
	struct statfs sfs;
	struct stat st, parent;
	char *slash;
	int rc;

	if (stat(path, &st)) {
		if (errno == ENOTCONN) {
			pr_warn("%s: detaching the stale mount of a siovd that died", path);
			rc = unmount_stale(path);
			if (rc)
				return rc;
			return prepare_mountpoint(path);
		}
		if (errno != ENOENT)
			return -errno;
		return mkdir_p(path);
	}
	if (!S_ISDIR(st.st_mode))
		return -ENOTDIR;
	if (statfs(path, &sfs) || sfs.f_type != FUSE_SUPER_MAGIC)
		return 0;
	slash = strrchr(path, '/');
	if (slash == path)
		return 0;
	*slash = '\0';
	rc = stat(path, &parent);
	*slash = '/';
	/* A FUSE root with a different device than its parent: mounted there. */
	if (!rc && parent.st_dev != st.st_dev)
		return -EBUSY;
	return 0;
}

/* Can this process use FUSE at all? Return: 0, -ENODEV, -EACCES. */
static int fuse_available(void)
{
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return errno == ENOENT || errno == ENXIO ? -ENODEV : -errno;
	close(fd);
	return 0;
}

static void sfuse_lost(struct sysfs_fuse *fs)
{
	if (!fs->connected)
		return;
	fs->connected = false;
	evloop_del(fs->loop, &fs->src);
	pr_warn("sysfs mount %s: unmounted or aborted; no longer serving it", fs->mountpoint);
}

static void sfuse_event(struct ev_source *src, uint32_t events)
{
	struct sysfs_fuse *fs = container_of(src, struct sysfs_fuse, src);
	int i, rc;

	for (i = 0; i < SFUSE_BATCH; i++) {
		rc = fuse_session_receive_buf(fs->se, &fs->buf);
		if (rc == -EAGAIN || rc == -EINTR)
			return;
		if (rc <= 0 || fuse_session_exited(fs->se)) {
			if (rc < 0)
				pr_err("sysfs mount %s: %s", fs->mountpoint, strerror(-rc));
			sfuse_lost(fs);
			return;
		}
		fuse_session_process_buf(fs->se, &fs->buf);
	}
}

static struct fuse_session *session_new(struct sysfs_fuse *fs)
{
	char *argv[] = { "siovd", "-o", SFUSE_MOUNT_OPTS, NULL };
	struct fuse_args args = FUSE_ARGS_INIT(3, argv);
	struct fuse_session *se;

	se = fuse_session_new(&args, &sfuse_ops, sizeof(sfuse_ops), fs);
	fuse_opt_free_args(&args);
	return se;
}

struct sysfs_fuse *sysfs_fuse_mount(struct evloop *loop, const char *mountpoint)
{
	char path[PATH_MAX];
	struct sysfs_fuse *fs;
	int rc, flags;

	if (!loop || !mountpoint || !*mountpoint) {
		errno = EINVAL;
		return NULL;
	}
	if (snprintf(path, sizeof(path), "%s", mountpoint) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	rc = fuse_available();
	if (!rc)
		rc = prepare_mountpoint(path);
	if (rc) {
		errno = -rc;
		return NULL;
	}
	fs = calloc(1, sizeof(*fs));
	if (!fs) {
		errno = ENOMEM;
		return NULL;
	}
	fs->loop = loop;
	fs->src.fd = -1;
	fs->src.handler = sfuse_event;
	fs->uid = geteuid();
	fs->gid = getegid();
	clock_gettime(CLOCK_REALTIME, &fs->mounted_at);
	sfuse_inodes_init(fs);
	fs->mountpoint = realpath(path, NULL);
	if (!fs->mountpoint) {
		rc = -errno;
		goto out_free_fs;
	}
	fuse_set_log_func(sfuse_log);
	fs->se = session_new(fs);
	if (!fs->se) {
		rc = -EIO;
		goto out_free_mountpoint;
	}
	if (fuse_session_mount(fs->se, fs->mountpoint)) {
		rc = -EIO;
		goto out_destroy_session;
	}
	fs->src.fd = fuse_session_fd(fs->se);
	flags = fcntl(fs->src.fd, F_GETFL);
	if (flags < 0 || fcntl(fs->src.fd, F_SETFL, flags | O_NONBLOCK)) {
		rc = -errno;
		goto out_unmount;
	}
	rc = evloop_add(loop, &fs->src, EPOLLIN);
	if (rc)
		goto out_unmount;
	fs->connected = true;
	pr_info("serving the sysfs tree at %s", fs->mountpoint);
	return fs;

out_unmount:
	fuse_session_unmount(fs->se);
out_destroy_session:
	fuse_session_destroy(fs->se);
out_free_mountpoint:
	free(fs->mountpoint);
out_free_fs:
	free(fs);
	errno = -rc;
	return NULL;
}

void sysfs_fuse_unmount(struct sysfs_fuse *fs)
{
	if (!fs)
		return;
	if (fs->connected)
		evloop_del(fs->loop, &fs->src);
	sfuse_log_quiet = !fs->connected;
	fuse_session_unmount(fs->se);
	sfuse_log_quiet = false;
	fs->connected = false;
	fuse_session_destroy(fs->se);
	free(fs->buf.mem);
	sfuse_inodes_release(fs);
	free(fs->mountpoint);
	free(fs);
}

bool sysfs_fuse_connected(const struct sysfs_fuse *fs)
{
	return fs && fs->connected;
}

const char *sysfs_fuse_mountpoint(const struct sysfs_fuse *fs)
{
	return fs->mountpoint;
}
