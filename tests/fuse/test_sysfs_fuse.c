// SPDX-License-Identifier: GPL-2.0-only
/*
 * The FUSE layer against a real kernel mount: an attribute tree served from
 * an event-loop thread, used through ordinary file system calls from the
 * test thread. Skips (exit 77) where FUSE cannot be mounted.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <semaphore.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "fuse/sysfs_fuse.h"
#include "lib/evloop.h"
#include "sysfs/sysfs.h"

#define FUSE_SUPER_MAGIC	0x65735546

/* One object directory with every kind of attribute. */
struct obj {
	struct sysfs_dir *dir;
	char value[SYSFS_PAGE_SIZE];
	size_t len;
	unsigned int shows, stores;
	char last[SYSFS_PAGE_SIZE];
	size_t last_len;
};

static const struct attribute a_value = { .name = "value", .mode = 0644 };
static const struct attribute a_ro = { .name = "ro", .mode = 0444 };
static const struct attribute a_wo = { .name = "wo", .mode = 0200 };
static const struct attribute a_fail = { .name = "fail", .mode = 0644 };
static const struct attribute a_big = { .name = "big", .mode = 0444 };
static const struct attribute a_remove = { .name = "remove", .mode = 0200 };
static const struct attribute a_create = { .name = "create", .mode = 0200 };

static struct evloop *loop;
static pthread_t loop_thread;
static struct sysfs_fuse *mnt;
static char mntdir[64];
static struct obj obj0, child;
static struct sysfs_dir *devices, *links;

static ssize_t t_show(void *owner, const struct attribute *attr, char *buf)
{
	struct obj *o = owner;
	int i;

	o->shows++;
	if (attr == &a_fail)
		return snprintf(buf, SYSFS_PAGE_SIZE, "fixed\n");
	if (attr == &a_big) {
		/* 3000 bytes whose content names the show() call */
		for (i = 0; i < 3000; i++)
			buf[i] = 'a' + (o->shows % 26);
		buf[2999] = '\n';
		return 3000;
	}
	if (attr == &a_ro)
		return snprintf(buf, SYSFS_PAGE_SIZE, "%u\n", o->stores);
	memcpy(buf, o->value, o->len);
	return (ssize_t)o->len;
}

static const struct sysfs_ops t_ops;

static ssize_t t_store(void *owner, const struct attribute *attr, const char *buf,
		       size_t count)
{
	struct obj *o = owner;

	o->stores++;
	memcpy(o->last, buf, count);
	o->last_len = count;
	if (attr == &a_fail)
		return -EINVAL;
	if (attr == &a_remove) {
		sysfs_remove_dir(o->dir);
		o->dir = NULL;
		return count;
	}
	if (attr == &a_create) {
		char name[64];

		snprintf(name, sizeof(name), "%.*s", (int)strcspn(buf, "\n"), buf);
		child.dir = sysfs_mkdir(devices, name, &child, &t_ops);
		if (!child.dir)
			return -errno;
		sysfs_create_file(child.dir, &a_value);
		sysfs_create_file(child.dir, &a_remove);
		return count;
	}
	memcpy(o->value, buf, count);
	o->len = count;
	return count;
}

static const struct sysfs_ops t_ops = { .show = t_show, .store = t_store };

/* ---- running code on the loop thread ------------------------------------ */

struct loop_call {
	struct ev_work work;
	void (*fn)(void *arg);
	void *arg;
	sem_t done;
};

static void loop_call_fn(struct ev_work *w)
{
	struct loop_call *c = container_of(w, struct loop_call, work);

	c->fn(c->arg);
	sem_post(&c->done);
}

/* Run @fn(@arg) on the thread that owns the tree, and wait for it. */
static void on_loop(void (*fn)(void *arg), void *arg)
{
	struct loop_call c = { .work.fn = loop_call_fn, .fn = fn, .arg = arg };

	sem_init(&c.done, 0, 0);
	evloop_queue_work(loop, &c.work);
	while (sem_wait(&c.done) && errno == EINTR)
		;
	sem_destroy(&c.done);
}

static void copy_obj0(void *arg)
{
	memcpy(arg, &obj0, sizeof(obj0));
}

/* obj0 as the loop thread left it (its stores run there). */
static struct obj *obj0_now(void)
{
	static struct obj snap;

	on_loop(copy_obj0, &snap);
	return &snap;
}

static void *loop_main(void *arg)
{
	evloop_run(loop);
	return NULL;
}

/* ---- the tree ----------------------------------------------------------- */

static void build_tree(void)
{
	struct sysfs_dir *bus;

	assert_int_equal(sysfs_init(), 0);
	devices = sysfs_mkdir(NULL, "devices", NULL, NULL);
	assert_non_null(devices);
	memset(&obj0, 0, sizeof(obj0));
	obj0.dir = sysfs_mkdir(devices, "obj0", &obj0, &t_ops);
	assert_non_null(obj0.dir);
	memcpy(obj0.value, "initial\n", 8);
	obj0.len = 8;
	assert_int_equal(sysfs_create_file(obj0.dir, &a_value), 0);
	assert_int_equal(sysfs_create_file(obj0.dir, &a_ro), 0);
	assert_int_equal(sysfs_create_file(obj0.dir, &a_wo), 0);
	assert_int_equal(sysfs_create_file(obj0.dir, &a_fail), 0);
	assert_int_equal(sysfs_create_file(obj0.dir, &a_big), 0);
	assert_int_equal(sysfs_create_file(obj0.dir, &a_create), 0);
	assert_non_null(sysfs_mkdir(obj0.dir, "sub", &obj0, &t_ops));
	bus = sysfs_mkdir_path("/sys/bus/test/devices");
	assert_non_null(bus);
	links = bus;
	assert_int_equal(sysfs_create_link(bus, obj0.dir, "obj0"), 0);
}

static void do_mount(void *arg)
{
	mnt = sysfs_fuse_mount(loop, mntdir);
	*(int *)arg = mnt ? 0 : -errno;
}

static void do_unmount(void *arg)
{
	sysfs_fuse_unmount(mnt);
	mnt = NULL;
}

static int setup(void **state)
{
	int rc;

	build_tree();
	loop = evloop_create();
	if (!loop)
		return -1;
	if (pthread_create(&loop_thread, NULL, loop_main, NULL))
		return -1;
	on_loop(do_mount, &rc);
	return rc;
}

static void do_sysfs_exit(void *arg)
{
	sysfs_exit();
}

static int teardown(void **state)
{
	on_loop(do_unmount, NULL);
	on_loop(do_sysfs_exit, NULL);
	evloop_stop(loop);
	pthread_join(loop_thread, NULL);
	evloop_destroy(loop);
	return 0;
}

static void mpath(char *buf, size_t size, const char *rel)
{
	snprintf(buf, size, "%s/%s", mntdir, rel);
}

static ssize_t read_file(const char *rel, char *buf, size_t size)
{
	char path[256];
	ssize_t n;
	int fd;

	mpath(path, sizeof(path), rel);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, size - 1);
	if (n < 0)
		n = -errno;
	else
		buf[n] = '\0';
	close(fd);
	return n;
}

static ssize_t write_file(const char *rel, int flags, const char *val)
{
	char path[256];
	ssize_t n;
	int fd;

	mpath(path, sizeof(path), rel);
	fd = open(path, O_WRONLY | flags);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		n = -errno;
	close(fd);
	return n;
}

static int stat_rel(const char *rel, struct stat *st, bool follow)
{
	char path[256];

	mpath(path, sizeof(path), rel);
	return (follow ? stat(path, st) : lstat(path, st)) ? -errno : 0;
}

/* ---- tests -------------------------------------------------------------- */

static void test_mount_is_fuse(void **state)
{
	struct statfs sfs;

	assert_true(sysfs_fuse_connected(mnt));
	assert_string_equal(sysfs_fuse_mountpoint(mnt), mntdir);
	assert_int_equal(statfs(mntdir, &sfs), 0);
	assert_int_equal(sfs.f_type, FUSE_SUPER_MAGIC);
}

static void test_readdir(void **state)
{
	const char *want[] = { ".", "..", "big", "create", "fail", "ro", "sub", "value", "wo" };
	unsigned char types[] = { DT_DIR, DT_DIR, DT_REG, DT_REG, DT_REG, DT_REG, DT_DIR,
				  DT_REG, DT_REG };
	char path[256];
	struct dirent *e;
	size_t i = 0;
	DIR *d;

	mpath(path, sizeof(path), "devices/obj0");
	d = opendir(path);
	assert_non_null(d);
	while ((e = readdir(d))) {
		assert_true(i < sizeof(want) / sizeof(want[0]));
		assert_string_equal(e->d_name, want[i]);
		assert_int_equal(e->d_type, types[i]);
		i++;
	}
	assert_int_equal(i, sizeof(want) / sizeof(want[0]));
	/* a rewind lists the present again */
	rewinddir(d);
	assert_non_null(e = readdir(d));
	assert_string_equal(e->d_name, ".");
	closedir(d);

	mpath(path, sizeof(path), "");
	d = opendir(path);
	assert_non_null(d);
	i = 0;
	while ((e = readdir(d)))
		i += !strcmp(e->d_name, "bus") || !strcmp(e->d_name, "devices");
	closedir(d);
	assert_int_equal(i, 2);
}

/*
 * ls -l: lstat of each entry between getdents calls. Lookups that create
 * inodes must not change what the kernel knows of the directory (a new
 * generation would make its inode bad: -EIO).
 */
static void test_readdir_with_lookups(void **state)
{
	char path[256], entry[512];
	struct dirent *e;
	struct stat st;
	int n = 0;
	DIR *d;

	mpath(path, sizeof(path), "devices/obj0");
	d = opendir(path);
	assert_non_null(d);
	errno = 0;
	while ((e = readdir(d))) {
		snprintf(entry, sizeof(entry), "%s/%s", path, e->d_name);
		assert_int_equal(lstat(entry, &st), 0);
		assert_int_equal(stat(path, &st), 0);
		n++;
		errno = 0;
	}
	assert_int_equal(errno, 0);
	assert_int_equal(n, 9);
	closedir(d);
}

static void test_stat_modes(void **state)
{
	struct stat st;

	assert_int_equal(stat_rel("devices/obj0/value", &st, true), 0);
	assert_true(S_ISREG(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0644);
	assert_int_equal(st.st_size, 4096);
	assert_int_equal(st.st_uid, geteuid());
	assert_int_equal(st.st_nlink, 1);
	assert_int_equal(stat_rel("devices/obj0/ro", &st, true), 0);
	assert_int_equal(st.st_mode & 07777, 0444);
	assert_int_equal(stat_rel("devices/obj0/wo", &st, true), 0);
	assert_int_equal(st.st_mode & 07777, 0200);
	assert_int_equal(stat_rel("devices/obj0", &st, true), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(st.st_mode & 07777, 0755);
	assert_int_equal(st.st_nlink, 3);	/* ".", the entry, "sub" */
	assert_int_equal(stat_rel("bus/test/devices/obj0", &st, false), 0);
	assert_true(S_ISLNK(st.st_mode));
	assert_int_equal(stat_rel("bus/test/devices/obj0", &st, true), 0);
	assert_true(S_ISDIR(st.st_mode));
	assert_int_equal(stat_rel("devices/none", &st, false), -ENOENT);
	assert_int_equal(stat_rel("devices/obj0/value/x", &st, false), -ENOTDIR);
}

static void test_symlink_relative(void **state)
{
	char path[256], target[256], real[512], want[512];
	ssize_t n;

	mpath(path, sizeof(path), "bus/test/devices/obj0");
	n = readlink(path, target, sizeof(target) - 1);
	assert_true(n > 0);
	target[n] = '\0';
	assert_string_equal(target, "../../../devices/obj0");
	assert_non_null(realpath(path, real));
	snprintf(want, sizeof(want), "%s/devices/obj0", mntdir);
	assert_string_equal(real, want);
	/* through the link */
	n = read_file("bus/test/devices/obj0/value", target, sizeof(target));
	assert_int_equal(n, 8);
	assert_string_equal(target, "initial\n");
}

static void test_read_snapshot(void **state)
{
	char buf[4096], path[256];
	unsigned int shows;
	ssize_t n, total = 0;
	int fd;

	mpath(path, sizeof(path), "devices/obj0/big");
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	shows = obj0_now()->shows;
	/* small reads: one show(), the same page throughout */
	while ((n = read(fd, buf + total, 100)) > 0)
		total += n;
	assert_int_equal(total, 3000);
	assert_int_equal(obj0_now()->shows, shows + 1);
	assert_int_equal(buf[0], buf[2998]);
	assert_int_equal(buf[2999], '\n');
	/* reading from offset 0 again shows again */
	assert_int_equal(pread(fd, buf, sizeof(buf), 0), 3000);
	assert_int_equal(obj0_now()->shows, shows + 2);
	assert_int_equal(pread(fd, buf, sizeof(buf), 5000), 0);
	close(fd);
}

static void test_write_is_one_store(void **state)
{
	char path[256], buf[64];
	unsigned int stores = obj0_now()->stores;
	int fd;

	/* echo: O_TRUNC accepted, the newline reaches the store as in the kernel */
	assert_int_equal(write_file("devices/obj0/value", O_CREAT | O_TRUNC, "one\n"), 4);
	assert_int_equal(obj0_now()->stores, stores + 1);
	assert_int_equal(obj0_now()->last_len, 4);
	assert_memory_equal(obj0_now()->last, "one\n", 4);
	assert_int_equal(read_file("devices/obj0/value", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "one\n");

	/* each write(2) on the same file is its own store, the offset ignored */
	mpath(path, sizeof(path), "devices/obj0/value");
	fd = open(path, O_WRONLY);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "two", 3), 3);
	assert_int_equal(write(fd, "three", 5), 5);
	assert_int_equal(pwrite(fd, "four", 4, 1000), 4);
	close(fd);
	assert_int_equal(obj0_now()->stores, stores + 4);
	assert_int_equal(obj0_now()->last_len, 4);
	assert_memory_equal(obj0_now()->last, "four", 4);
	assert_int_equal(read_file("devices/obj0/value", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "four");

	/* a write-only attribute takes writes */
	assert_int_equal(write_file("devices/obj0/wo", 0, "x"), 1);
	assert_int_equal(obj0_now()->stores, stores + 5);
}

static void test_write_errors(void **state)
{
	char big[SYSFS_PAGE_SIZE + 2], buf[64];
	unsigned int stores = obj0_now()->stores;

	/* the store's error is write(2)'s, and the value stays */
	assert_int_equal(write_file("devices/obj0/fail", 0, "bad"), -EINVAL);
	assert_int_equal(obj0_now()->stores, stores + 1);
	assert_int_equal(read_file("devices/obj0/fail", buf, sizeof(buf)), 6);
	assert_string_equal(buf, "fixed\n");
	/* more than a page never reaches the store */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	assert_int_equal(write_file("devices/obj0/value", 0, big), -E2BIG);
	assert_int_equal(obj0_now()->stores, stores + 1);
}

static void test_truncate_is_noop(void **state)
{
	char path[256], buf[64];
	unsigned int stores;

	assert_int_equal(write_file("devices/obj0/value", 0, "kept"), 4);
	stores = obj0_now()->stores;
	mpath(path, sizeof(path), "devices/obj0/value");
	assert_int_equal(truncate(path, 0), 0);
	assert_int_equal(truncate(path, 100), 0);
	assert_int_equal(obj0_now()->stores, stores);
	assert_int_equal(read_file("devices/obj0/value", buf, sizeof(buf)), 4);
	assert_string_equal(buf, "kept");
	/* O_TRUNC without a write changes nothing either */
	assert_true(write_file("devices/obj0/value", O_TRUNC, "") == 0);
	assert_int_equal(read_file("devices/obj0/value", buf, sizeof(buf)), 4);
}

static void test_open_modes(void **state)
{
	char path[256];

	/* kernfs: the mode decides, even for root */
	mpath(path, sizeof(path), "devices/obj0/ro");
	assert_int_equal(open(path, O_WRONLY), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(open(path, O_RDWR), -1);
	assert_int_equal(errno, EACCES);
	mpath(path, sizeof(path), "devices/obj0/wo");
	assert_int_equal(open(path, O_RDONLY), -1);
	assert_int_equal(errno, EACCES);
}

static void test_namespace_is_fixed(void **state)
{
	char path[256], path2[256];

	mpath(path, sizeof(path), "devices/obj0/newfile");
	assert_int_equal(open(path, O_WRONLY | O_CREAT, 0644), -1);
	assert_int_equal(errno, EACCES);
	assert_int_equal(mkdir(path, 0755), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(symlink("value", path), -1);
	assert_int_equal(errno, EPERM);
	mpath(path, sizeof(path), "devices/obj0/value");
	assert_int_equal(unlink(path), -1);
	assert_int_equal(errno, EPERM);
	mpath(path2, sizeof(path2), "devices/obj0/value2");
	assert_int_equal(rename(path, path2), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(link(path, path2), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(chmod(path, 0666), -1);
	assert_int_equal(errno, EPERM);
	mpath(path, sizeof(path), "devices/obj0/sub");
	assert_int_equal(rmdir(path), -1);
	assert_int_equal(errno, EPERM);
}

static void add_late(void *arg)
{
	struct sysfs_dir *d = sysfs_mkdir(devices, "late", &obj0, &t_ops);

	*(int *)arg = d ? sysfs_create_file(d, &a_ro) : -errno;
}

static void remove_late(void *arg)
{
	sysfs_remove_dir(sysfs_get_child(devices, "late"));
}

static void set_value(void *arg)
{
	obj0.len = (size_t)snprintf(obj0.value, sizeof(obj0.value), "%s", (char *)arg);
}

/* No entry, attribute or negative cache: what the tree says now is seen now. */
static void test_no_caching(void **state)
{
	struct stat st;
	char buf[64];
	int rc;

	assert_int_equal(stat_rel("devices/late/ro", &st, true), -ENOENT);
	on_loop(add_late, &rc);
	assert_int_equal(rc, 0);
	assert_int_equal(stat_rel("devices/late/ro", &st, true), 0);
	assert_int_equal(read_file("devices/late/ro", buf, sizeof(buf)) > 0, 1);
	on_loop(remove_late, NULL);
	assert_int_equal(stat_rel("devices/late/ro", &st, true), -ENOENT);
	assert_int_equal(stat_rel("devices/late", &st, true), -ENOENT);
	on_loop(add_late, &rc);
	assert_int_equal(stat_rel("devices/late", &st, true), 0);
	on_loop(remove_late, NULL);

	on_loop(set_value, "changed behind the mount\n");
	assert_int_equal(read_file("devices/obj0/value", buf, sizeof(buf)), 25);
	assert_string_equal(buf, "changed behind the mount\n");
}

/* create and remove are synchronous: the directory exists (or not) on return. */
static void test_synchronous_create_remove(void **state)
{
	struct stat st;
	char buf[64], path[256];
	int fd;

	assert_int_equal(write_file("devices/obj0/create", O_TRUNC, "child0\n"), 7);
	assert_int_equal(stat_rel("devices/child0/value", &st, true), 0);
	assert_int_equal(write_file("devices/child0/value", 0, "hi"), 2);
	assert_int_equal(read_file("devices/child0/value", buf, sizeof(buf)), 2);

	/* a file held open across the removal reads -ENODEV, as in kernfs */
	mpath(path, sizeof(path), "devices/child0/value");
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(write_file("devices/child0/remove", 0, "1"), 1);
	assert_int_equal(stat_rel("devices/child0", &st, true), -ENOENT);
	assert_int_equal(read(fd, buf, sizeof(buf)), -1);
	assert_int_equal(errno, ENODEV);
	close(fd);

	/* the same name again is a new directory */
	assert_int_equal(write_file("devices/obj0/create", 0, "child0"), 6);
	assert_int_equal(stat_rel("devices/child0", &st, true), 0);
	assert_int_equal(write_file("devices/child0/remove", 0, "1"), 1);
	/* a second create of a live name is the store's error */
	assert_int_equal(write_file("devices/obj0/create", 0, "sub2"), 4);
	assert_int_equal(write_file("devices/obj0/create", 0, "sub2"), -EEXIST);
	assert_int_equal(write_file("devices/sub2/remove", 0, "1"), 1);
}

/* ---- the mount outside the normal life: stale, unmounted ---------------- */

struct mount_args {
	const char *dir;
	struct sysfs_fuse *m;
	int err;
};

static void mount_at(void *arg)
{
	struct mount_args *a = arg;

	a->m = sysfs_fuse_mount(loop, a->dir);
	a->err = a->m ? 0 : errno;
}

static void unmount_it(void *arg)
{
	sysfs_fuse_unmount(arg);
}

static void poll_connected(void *arg)
{
	*(bool *)arg = sysfs_fuse_connected(mnt);
}

/* A child process that serves its copy of the tree at @dir until killed. */
static pid_t serve_in_child(const char *dir)
{
	struct statfs sfs = { 0 };
	struct evloop *l;
	pid_t pid, parent;
	int i;

	parent = getpid();
	pid = fork();
	if (pid < 0)
		return pid;
	if (!pid) {
		/* no mount left behind by a killed test */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(1);
		l = evloop_create();
		if (!l || !sysfs_fuse_mount(l, dir))
			_exit(1);
		evloop_run(l);
		_exit(0);
	}
	for (i = 0; i < 500; i++) {
		if (!statfs(dir, &sfs) && sfs.f_type == FUSE_SUPER_MAGIC)
			return pid;
		usleep(10000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	return -1;
}

/*
 * A siovd killed while mounted leaves a dead mount (ENOTCONN); mounting
 * there again detaches it and serves. A live mount is not taken over.
 */
static void test_stale_mount_replaced(void **state)
{
	char dir[64] = "/tmp/siovd-fuse-stale.XXXXXX", path[128], buf[64];
	struct mount_args a = { .dir = dir };
	struct statfs sfs;
	struct stat st;
	int status, fd;
	pid_t pid;

	assert_non_null(mkdtemp(dir));
	pid = serve_in_child(dir);
	assert_true(pid > 0);
	on_loop(mount_at, &a);
	assert_null(a.m);
	assert_int_equal(a.err, EBUSY);
	kill(pid, SIGKILL);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_int_equal(stat(dir, &st), -1);
	assert_int_equal(errno, ENOTCONN);

	on_loop(mount_at, &a);
	assert_non_null(a.m);
	snprintf(path, sizeof(path), "%s/devices/obj0/fail", dir);
	fd = open(path, O_RDONLY);
	assert_true(fd >= 0);
	assert_int_equal(read(fd, buf, sizeof(buf)), 6);
	close(fd);
	on_loop(unmount_it, a.m);
	assert_int_equal(statfs(dir, &sfs), 0);
	assert_true(sfs.f_type != FUSE_SUPER_MAGIC);
	rmdir(dir);
}

static void test_live_mount_refused(void **state)
{
	char dir[64] = "/tmp/siovd-fuse-live.XXXXXX";
	struct mount_args a = { .dir = dir };
	pid_t pid;

	assert_non_null(mkdtemp(dir));
	pid = serve_in_child(dir);
	assert_true(pid > 0);
	on_loop(mount_at, &a);
	assert_null(a.m);
	assert_int_equal(a.err, EBUSY);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	umount2(dir, MNT_DETACH);
	rmdir(dir);
}

static void test_unmounted_from_outside(void **state)
{
	char path[256];
	struct stat st;
	bool connected = true;
	int i;

	if (geteuid() != 0)
		skip();
	assert_int_equal(umount2(mntdir, MNT_DETACH), 0);
	/* the loop notices at its next read of /dev/fuse */
	for (i = 0; i < 500 && connected; i++) {
		on_loop(poll_connected, &connected);
		if (connected)
			usleep(10000);
	}
	assert_false(connected);
	mpath(path, sizeof(path), "devices");
	assert_int_equal(stat(path, &st), -1);
}

/*
 * FUSE is usable when /dev/fuse opens and a private mount namespace can
 * be had (root) or fusermount3 is there (users). Return: NULL, or why not.
 */
static const char *fuse_unusable(void)
{
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return "/dev/fuse cannot be opened";
	close(fd);
	if (geteuid() == 0) {
		/* our mounts vanish with the test, whatever happens */
		if (unshare(CLONE_NEWNS))
			return "no mount namespace (unshare -m refused)";
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			return "cannot make the mount namespace private";
		return NULL;
	}
	if (access("/usr/bin/fusermount3", X_OK) && access("/bin/fusermount3", X_OK))
		return "not root and no fusermount3";
	return NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mount_is_fuse),
		cmocka_unit_test(test_readdir),
		cmocka_unit_test(test_readdir_with_lookups),
		cmocka_unit_test(test_stat_modes),
		cmocka_unit_test(test_symlink_relative),
		cmocka_unit_test(test_read_snapshot),
		cmocka_unit_test(test_write_is_one_store),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_truncate_is_noop),
		cmocka_unit_test(test_open_modes),
		cmocka_unit_test(test_namespace_is_fixed),
		cmocka_unit_test(test_no_caching),
		cmocka_unit_test(test_synchronous_create_remove),
		cmocka_unit_test(test_stale_mount_replaced),
		cmocka_unit_test(test_live_mount_refused),
		cmocka_unit_test(test_unmounted_from_outside),
	};
	const char *why = fuse_unusable();
	int rc;

	if (why) {
		printf("SKIP: FUSE cannot be mounted here: %s\n", why);
		return 77;
	}
	snprintf(mntdir, sizeof(mntdir), "/tmp/siovd-fuse.XXXXXX");
	if (!mkdtemp(mntdir))
		return 1;
	rc = cmocka_run_group_tests(tests, setup, teardown);
	rmdir(mntdir);
	return rc;
}
