// SPDX-License-Identifier: GPL-2.0-only
/*
 * End to end, issue 6: the unmodified Debian accel-config and mdevctl, and
 * a plain shell, manage a real siovd through its sysfs tree served with
 * FUSE (`siovd --sysfs DIR`) and grafted onto /sys by `siovctl shell` in a
 * private mount namespace. What the tools do is checked against siovd's
 * own state, read over the control socket.
 *
 * Skips (exit 77) with the reason where FUSE cannot be mounted; a test
 * whose tool is not installed skips alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "e2e.h"

#define OUT_MAX		(256 * 1024)
#define SHELL_EXIT_GONE	3	/* tools/siovctl/shell.h */
#define APP_PROFILE	"/etc/accel-config/contrib/configs/app_profile.conf"
#define TYPE_DIR	"/sys/class/mdev_bus/0000:00:0a.0/mdev_supported_types/idxd-1dwq-v1"

struct fx {
	struct e2e_daemon d;
	char mnt[64];
	char *out;
};

static bool have(const char *tool)
{
	char path[128];

	snprintf(path, sizeof(path), "/usr/bin/%s", tool);
	if (!access(path, X_OK))
		return true;
	snprintf(path, sizeof(path), "/usr/sbin/%s", tool);
	return !access(path, X_OK);
}

/* Start siovd (default profile, or @config) serving its tree at fx->mnt. */
static int fx_start(struct fx *fx, const char *config)
{
	const char *args[] = { "--sysfs", fx->mnt, NULL, NULL, NULL };

	if (config) {
		args[2] = "--config";
		args[3] = config;
	}
	return e2e_start(&fx->d, args);
}

static int setup(void **state)
{
	struct fx *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	fx->out = malloc(OUT_MAX);
	snprintf(fx->mnt, sizeof(fx->mnt), "/tmp/siovd-fuse-mnt.XXXXXX");
	if (!fx->out || !mkdtemp(fx->mnt) || fx_start(fx, NULL))
		return -1;
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fx *fx = *state;
	int rc = 0;

	if (fx->d.pid > 0 && e2e_stop(&fx->d))
		rc = -1;
	umount2(fx->mnt, MNT_DETACH);	/* only after a failure */
	rmdir(fx->mnt);
	free(fx->out);
	free(fx);
	return rc;
}

/*
 * Run @script with sh in siovd's namespace (siovctl shell). Captures
 * stdout (and stderr too when @merge) in fx->out, NUL-terminated.
 * Return: the helper's exit status, or -1.
 */
static int ns_run(struct fx *fx, bool merge, const char *fmt, ...)
{
	const char *siovctl = getenv("SIOVCTL");
	char script[4096];
	size_t len = 0;
	int pfd[2], status;
	va_list ap;
	ssize_t n;
	pid_t pid;

	va_start(ap, fmt);
	vsnprintf(script, sizeof(script), fmt, ap);
	va_end(ap);
	if (!siovctl || pipe2(pfd, O_CLOEXEC))
		return -1;
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		dup2(pfd[1], 1);
		if (merge)
			dup2(pfd[1], 2);
		execl(siovctl, siovctl, "--rundir", fx->d.rundir, "shell", "--", "sh", "-c",
		      script, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	while ((n = read(pfd[0], fx->out + len, OUT_MAX - 1 - len)) > 0)
		len += n;
	close(pfd[0]);
	fx->out[len] = '\0';
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	if (WEXITSTATUS(status) && getenv("V"))
		fprintf(stderr, "[%s] -> %d\n%s\n", script, WEXITSTATUS(status), fx->out);
	return WEXITSTATUS(status);
}

static void expect_attr(struct fx *fx, const char *path, const char *want)
{
	char v[256];

	assert_int_equal(e2e_ctl(&fx->d, v, sizeof(v), "read %s", path), 0);
	if (strcmp(v, want))
		fail_msg("%s is \"%s\", expected \"%s\"", path, v, want);
}

static void expect_output(struct fx *fx, const char *needle)
{
	if (!strstr(fx->out, needle))
		fail_msg("expected \"%s\" in:\n%s", needle, fx->out);
}

/* ---- accel-config ----------------------------------------------------------- */

/* dev name -> object, for every object with "dev" anywhere below @o */
static void index_devs(struct json_object *o, struct json_object *idx)
{
	struct json_object *dev;
	size_t i;

	if (json_object_is_type(o, json_type_array)) {
		for (i = 0; i < json_object_array_length(o); i++)
			index_devs(json_object_array_get_idx(o, i), idx);
		return;
	}
	if (!json_object_is_type(o, json_type_object))
		return;
	if (json_object_object_get_ex(o, "dev", &dev))
		json_object_object_add(idx, json_object_get_string(dev), json_object_get(o));
	json_object_object_foreach(o, key, val) {
		(void)key;
		index_devs(val, idx);
	}
}

static struct json_object *parse_list(struct fx *fx)
{
	struct json_object *list = json_tokener_parse(fx->out);

	if (!list)
		fail_msg("accel-config list printed no JSON:\n%s", fx->out);
	return list;
}

/* Every scalar the profile sets reads back the same in accel-config list. */
static void compare_with_profile(const char *profile, struct json_object *list)
{
	struct json_object *p = json_object_from_file(profile);
	struct json_object *want = json_object_new_object(), *got = json_object_new_object();
	struct json_object *o, *v;

	assert_non_null(p);
	index_devs(p, want);
	index_devs(list, got);
	json_object_object_foreach(want, dev, obj) {
		if (!json_object_object_get_ex(got, dev, &o))
			fail_msg("%s: %s is not in accel-config list", profile, dev);
		json_object_object_foreach(obj, key, val) {
			if (json_object_is_type(val, json_type_array) ||
			    json_object_is_type(val, json_type_object))
				continue;
			if (!json_object_object_get_ex(o, key, &v))
				fail_msg("%s: %s has no %s in accel-config list", profile, dev, key);
			if (strcmp(json_object_get_string(val), json_object_get_string(v)))
				fail_msg("%s: %s %s is %s, the profile says %s", profile, dev, key,
					 json_object_get_string(v), json_object_get_string(val));
		}
		if (!strncmp(dev, "wq", 2) && json_object_object_get_ex(o, "state", &v))
			assert_string_equal(json_object_get_string(v), "enabled");
	}
	json_object_put(want);
	json_object_put(got);
	json_object_put(p);
}

/* Back to an unconfigured dsa0, with echo into the attributes. */
#define CLEAN_SLATE \
	"accel-config disable-device dsa0 >/dev/null 2>&1; cd /sys/bus/dsa/devices && " \
	"for w in wq0.*; do echo -1 > $w/group_id && echo 0 > $w/size && " \
	"echo none > $w/type || exit 1; done; " \
	"for e in engine0.*; do echo -1 > $e/group_id || exit 1; done; cd /; "

static void test_accel_config_list(void **state)
{
	struct fx *fx = *state;
	struct json_object *list, *idx = json_object_new_object(), *dsa, *v;
	const char *attrs[] = { "max_groups", "max_work_queues", "max_engines", "gen_cap",
				"version", "ims_size", "max_batch_size", "max_transfer_size",
				"configurable", "pasid_enabled", "state", NULL };
	char path[128];
	int i;

	if (!have("accel-config"))
		skip();
	assert_int_equal(ns_run(fx, false, "accel-config list"), 0);
	list = parse_list(fx);
	index_devs(list, idx);
	assert_true(json_object_object_get_ex(idx, "dsa0", &dsa));
	/* the tool read what siovd holds */
	for (i = 0; attrs[i]; i++) {
		assert_true(json_object_object_get_ex(dsa, attrs[i], &v));
		snprintf(path, sizeof(path), "/sys/bus/dsa/devices/dsa0/%s", attrs[i]);
		expect_attr(fx, path, json_object_get_string(v));
	}
	assert_true(json_object_object_get_ex(idx, "wq0.0", &v));
	assert_true(json_object_object_get_ex(idx, "engine0.0", &v));
	json_object_put(idx);
	json_object_put(list);
}

static bool names_iax(const char *profile)
{
	struct json_object *p = json_object_from_file(profile), *idx = json_object_new_object();
	bool iax = false;

	if (p)
		index_devs(p, idx);
	json_object_object_foreach(idx, dev, obj) {
		(void)obj;
		iax |= !strncmp(dev, "iax", 3);
	}
	json_object_put(idx);
	json_object_put(p);
	return iax;
}

/*
 * accel-config load-config [-e] of the unmodified @profile on a clean dsa0
 * (siovd's DSA is the whole DSA 2.0 model: read-buffer controls and block on
 * fault included, as on Sapphire Rapids); @used names the profile loaded.
 */
static void load_profile(struct fx *fx, const char *profile, bool enable, char *used,
			 size_t size)
{
	snprintf(used, size, "%s", profile);
	if (ns_run(fx, true, CLEAN_SLATE "accel-config load-config %s -c %s",
		   enable ? "-e" : "", profile))
		fail_msg("load-config %s:\n%s", profile, fx->out);
}

/* load-config of every Debian dsa0 profile, then list equals the profile. */
static void test_load_profiles(void **state)
{
	struct fx *fx = *state;
	struct json_object *list;
	char used[256];
	glob_t g = { 0 };
	size_t i, n = 0;

	if (!have("accel-config"))
		skip();
	glob("/etc/accel-config/contrib/configs/*.conf", 0, NULL, &g);
	glob("/usr/libexec/accel-config/test/configs/*.conf", GLOB_APPEND, NULL, &g);
	for (i = 0; i < g.gl_pathc; i++) {
		/* siovd has no IAA: accel-config finds no iax1 (docs/sysfs.md) */
		if (names_iax(g.gl_pathv[i]))
			continue;
		load_profile(fx, g.gl_pathv[i], true, used, sizeof(used));
		expect_attr(fx, "/sys/bus/dsa/devices/dsa0/state", "enabled");
		assert_int_equal(ns_run(fx, false, "accel-config list"), 0);
		list = parse_list(fx);
		compare_with_profile(used, list);
		json_object_put(list);
		n++;
	}
	globfree(&g);
	assert_true(n >= 4);
}

static void test_enable_disable(void **state)
{
	struct fx *fx = *state;
	char used[256];

	if (!have("accel-config"))
		skip();
	load_profile(fx, APP_PROFILE, false, used, sizeof(used));
	expect_attr(fx, "/sys/bus/dsa/devices/dsa0/state", "disabled");
	assert_int_equal(ns_run(fx, true, "accel-config enable-device dsa0"), 0);
	expect_output(fx, "enabled 1 device(s) out of 1");
	expect_attr(fx, "/sys/bus/dsa/devices/dsa0/state", "enabled");
	expect_attr(fx, "/sys/bus/dsa/devices/wq0.1/state", "disabled");
	assert_int_equal(ns_run(fx, true, "accel-config enable-wq dsa0/wq0.1"), 0);
	expect_attr(fx, "/sys/bus/dsa/devices/wq0.1/state", "enabled");
	/* bound: the driver link the tools follow to unbind */
	assert_int_equal(ns_run(fx, false, "readlink /sys/bus/dsa/devices/wq0.1/driver"), 0);
	expect_output(fx, "bus/dsa/drivers/user");
	assert_int_equal(ns_run(fx, true, "accel-config disable-wq dsa0/wq0.1"), 0);
	expect_attr(fx, "/sys/bus/dsa/devices/wq0.1/state", "disabled");
	assert_int_equal(ns_run(fx, true, "accel-config enable-wq dsa0/wq0.0 dsa0/wq0.1"), 0);
	expect_attr(fx, "/sys/bus/dsa/devices/wq0.0/state", "enabled");
	assert_int_equal(ns_run(fx, true, "accel-config disable-device dsa0"), 0);
	expect_attr(fx, "/sys/bus/dsa/devices/dsa0/state", "disabled");
	expect_attr(fx, "/sys/bus/dsa/devices/wq0.0/state", "disabled");
}

static void test_wrong_values_refused(void **state)
{
	struct fx *fx = *state;
	char used[256];

	if (!have("accel-config"))
		skip();
	load_profile(fx, APP_PROFILE, false, used, sizeof(used));
	/* a WQ without a group, then the device enabled */
	assert_int_equal(ns_run(fx, true, "accel-config config-wq dsa0/wq0.7 --type=user "
				"--name=x --driver-name=user --wq-size=4 --mode=dedicated && "
				"accel-config enable-device dsa0 && "
				"accel-config enable-wq dsa0/wq0.1"), 0);
	/* a value out of range: the store's errno, through libaccfg */
	assert_true(ns_run(fx, true, "accel-config config-wq dsa0/wq0.7 --priority=99") != 0);
	expect_output(fx, "priority attribute write failed: Invalid argument");
	expect_attr(fx, "/sys/bus/dsa/devices/wq0.7/priority", "1");
	/* an enabled WQ cannot change */
	assert_true(ns_run(fx, true, "accel-config config-wq dsa0/wq0.1 --wq-size=4") != 0);
	expect_output(fx, "size attribute write failed: Operation not permitted");
	expect_attr(fx, "/sys/bus/dsa/devices/wq0.1/size", "32");
	/* enabling fails and the tool decodes cmd_status, set before bind returned */
	assert_true(ns_run(fx, true, "accel-config enable-wq dsa0/wq0.7") != 0);
	expect_output(fx, "Error[0x80030000] dsa0/wq0.7: wq error - group not set");
	expect_attr(fx, "/sys/bus/dsa/devices/wq0.7/state", "disabled");
	/* the shell: echo gets the error, cat the unchanged value */
	assert_true(ns_run(fx, true, "echo bogus > /sys/bus/dsa/devices/wq0.7/mode") != 0);
	assert_int_equal(ns_run(fx, false, "cat /sys/bus/dsa/devices/wq0.7/mode"), 0);
	assert_string_equal(fx->out, "dedicated\n");
	assert_int_equal(ns_run(fx, true, "echo 7 > /sys/bus/dsa/devices/wq0.7/priority && "
				"cat /sys/bus/dsa/devices/wq0.7/priority"), 0);
	assert_string_equal(fx->out, "7\n");
	expect_attr(fx, "/sys/bus/dsa/devices/wq0.7/priority", "7");
}

/* ---- mdevctl and the shell ---------------------------------------------- */

/* The embedded profile again: a fresh siovd with its two mdev WQs. */
static void restart_default(struct fx *fx)
{
	assert_int_equal(e2e_stop(&fx->d), 0);
	assert_int_equal(fx_start(fx, NULL), 0);
}

static void test_mdevctl(void **state)
{
	const char *uuid = "5a1f1c0e-6d2b-4f7e-9a55-0123456789ab";
	struct fx *fx = *state;
	char line[256];

	if (!have("mdevctl"))
		skip();
	restart_default(fx);
	assert_int_equal(ns_run(fx, true, "mdevctl types"), 0);
	expect_output(fx, "0000:00:0a.0");
	expect_output(fx, "idxd-1dwq-v1");
	expect_output(fx, "Available instances: 2");
	expect_output(fx, "Device API: vfio-pci");

	assert_int_equal(ns_run(fx, true, "mdevctl start -u %s -p 0000:00:0a.0 -t idxd-1dwq-v1",
				uuid), 0);
	assert_int_equal(e2e_ctl(&fx->d, line, sizeof(line), "readlink /sys/bus/mdev/devices/%s",
				 uuid), 0);
	expect_attr(fx, TYPE_DIR "/available_instances", "1");
	assert_int_equal(ns_run(fx, true, "mdevctl list"), 0);
	snprintf(line, sizeof(line), "%s 0000:00:0a.0 idxd-1dwq-v1", uuid);
	expect_output(fx, line);

	/* the same UUID twice is refused */
	assert_true(ns_run(fx, true, "mdevctl start -u %s -p 0000:00:0a.0 -t idxd-1dwq-v1",
			   uuid) != 0);
	expect_output(fx, "already exists");

	assert_int_equal(ns_run(fx, true, "mdevctl stop -u %s", uuid), 0);
	assert_int_equal(e2e_ctl(&fx->d, NULL, 0, "readlink /sys/bus/mdev/devices/%s", uuid),
			 -ENOENT);
	expect_attr(fx, TYPE_DIR "/available_instances", "2");
	assert_int_equal(ns_run(fx, false, "mdevctl list"), 0);
	assert_null(strstr(fx->out, uuid));
}

/* The seeds' workflow: echo the UUID into create; the mdev serves libvdsa. */
static void test_shell_create_serves_vdsa(void **state)
{
	const char *uuid = "0c3b8d4e-2f1a-4b6c-8d9e-fedcba987654";
	const char *vdsa = getenv("VDSA");
	struct fx *fx = *state;
	char sock[256], cmd[512];

	restart_default(fx);
	assert_int_equal(ns_run(fx, true, "echo %s > %s/create", uuid, TYPE_DIR), 0);
	assert_int_equal(ns_run(fx, false, "readlink -f /sys/bus/mdev/devices/%s/mdev_type",
				uuid), 0);
	assert_string_equal(fx->out, "/sys/devices/pci0000:00/0000:00:0a.0/"
			    "mdev_supported_types/idxd-1dwq-v1\n");
	e2e_mdev_sock(&fx->d, uuid, sock, sizeof(sock));
	assert_non_null(vdsa);
	snprintf(cmd, sizeof(cmd), "'%s' --socket '%s' --op all --mode both --portal both "
		 "--iterations 4 >/dev/null", vdsa, sock);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(ns_run(fx, true, "echo 1 > /sys/bus/mdev/devices/%s/remove", uuid), 0);
	assert_int_equal(access(sock, F_OK), -1);
	assert_int_equal(ns_run(fx, true, "test -e /sys/bus/mdev/devices/%s", uuid), 1);
}

/* siovd killed: the mount errs, the helper says so; restarted, it serves. */
static void test_daemon_death_and_restart(void **state)
{
	struct fx *fx = *state;

	assert_int_equal(ns_run(fx, true, "cat /sys/bus/dsa/devices/dsa0/state"), 0);
	kill(fx->d.pid, SIGKILL);
	waitpid(fx->d.pid, NULL, 0);
	fx->d.pid = 0;
	assert_int_equal(ns_run(fx, true, "true"), SHELL_EXIT_GONE);
	expect_output(fx, "not served");
	e2e_kill(&fx->d);	/* its run directory */
	assert_int_equal(fx_start(fx, NULL), 0);
	assert_int_equal(ns_run(fx, false, "cat /sys/bus/dsa/devices/dsa0/state"), 0);
	assert_string_equal(fx->out, "enabled\n");
}

/*
 * FUSE needs /dev/fuse and, for root, a private mount namespace (the
 * test's mounts vanish with it). Return: NULL, or why it cannot run.
 */
static const char *fuse_unusable(void)
{
	int fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);

	if (fd < 0)
		return "/dev/fuse cannot be opened";
	close(fd);
	if (geteuid() != 0)
		return "siovctl shell as a user needs user namespaces; run as root";
	if (unshare(CLONE_NEWNS))
		return "no mount namespace (unshare -m refused)";
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return "cannot make the mount namespace private";
	return NULL;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_accel_config_list),
		cmocka_unit_test(test_load_profiles),
		cmocka_unit_test(test_enable_disable),
		cmocka_unit_test(test_wrong_values_refused),
		cmocka_unit_test(test_mdevctl),
		cmocka_unit_test(test_shell_create_serves_vdsa),
		cmocka_unit_test(test_daemon_death_and_restart),
	};
	const char *why = fuse_unusable();
	struct fx probe = { 0 };

	if (why) {
		printf("SKIP: FUSE cannot be mounted here: %s\n", why);
		return 77;
	}
	/* a kernel that refuses the FUSE mount (e.g. in a container) */
	snprintf(probe.mnt, sizeof(probe.mnt), "/tmp/siovd-fuse-probe.XXXXXX");
	if (!mkdtemp(probe.mnt))
		return 1;
	if (fx_start(&probe, NULL)) {
		printf("SKIP: FUSE cannot be mounted here: siovd --sysfs %s failed\n", probe.mnt);
		rmdir(probe.mnt);
		return 77;
	}
	e2e_stop(&probe.d);
	rmdir(probe.mnt);
	return cmocka_run_group_tests(tests, setup, teardown);
}
