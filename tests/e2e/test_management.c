// SPDX-License-Identifier: GPL-2.0-only
/*
 * End to end, management: a real siovd on its embedded profile, driven over
 * its control socket at the kernel's sysfs paths: the DSA as configured, the
 * mdev type, create/remove by UUID with the vfio-user socket appearing and
 * going, refused writes, and a clean SIGTERM.
 */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "e2e.h"

static const char *uuid_a = "2b4b9bd6-5b11-4c2e-8f5e-0b7a3c8a51f0";
static const char *uuid_b = "6f1c2d3e-4a5b-4c6d-8e7f-901a2b3c4d5e";
static const char *uuid_c = "7d7e5a0c-1a8b-4f2d-9c3e-5d6f7a8b9c0d";

static int teardown(void **state)
{
	struct e2e_daemon *d = *state;

	/* siovd exits 0 on SIGTERM after closing its clients */
	assert_int_equal(e2e_stop(d), 0);
	return 0;
}

static void test_default_profile(void **state)
{
	struct e2e_daemon *d = *state;
	char v[256];

	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/bus/dsa/devices/dsa0/state"), 0);
	assert_string_equal(v, "enabled");
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/bus/dsa/devices/wq0.0/type"), 0);
	assert_string_equal(v, "mdev");
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/bus/dsa/devices/wq0.1/mode"), 0);
	assert_string_equal(v, "dedicated");
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/bus/dsa/devices/wq0.0/state"), 0);
	assert_string_equal(v, "enabled");
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "readlink /sys/bus/dsa/devices/dsa0"), 0);
	assert_string_equal(v, "../../../devices/pci0000:00/0000:00:0a.0/dsa0");
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/bus/pci/devices/0000:00:0a.0/device"),
			 0);
	assert_string_equal(v, "0x0b25");
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " E2E_TYPE_DIR "/name"), 0);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " E2E_TYPE_DIR "/device_api"), 0);
	assert_string_equal(v, "vfio-pci");
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " E2E_TYPE_DIR "/available_instances"), 0);
	assert_string_equal(v, "2");
}

static void test_refused_writes(void **state)
{
	struct e2e_daemon *d = *state;
	char v[256];

	/* bad values are refused with the errno and change nothing */
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/dsa/devices/wq0.2/size banana"),
			 -EINVAL);
	/* the kernel's rule: no reconfiguration of an enabled device (-EPERM) */
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/dsa/devices/wq0.0/size 8"), -EPERM);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/bus/dsa/devices/wq0.0/size"), 0);
	assert_string_equal(v, "16");
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/dsa/devices/dsa0/max_groups 9"),
			 -EACCES);
	assert_int_equal(e2e_ctl(d, NULL, 0, "read /sys/bus/dsa/devices/nope/state"), -ENOENT);
	assert_int_equal(e2e_ctl(d, NULL, 0, "bogus /sys"), -EINVAL);
	assert_int_equal(e2e_ctl(d, NULL, 0, "write " E2E_TYPE_DIR "/create not-a-uuid"), -EINVAL);
	/* and the daemon still answers */
	assert_int_equal(e2e_ctl(d, NULL, 0, "ping"), 0);
}

static void test_create_remove(void **state)
{
	struct e2e_daemon *d = *state;
	char sock_a[256], sock_b[256], v[256], path[256];

	e2e_mdev_sock(d, uuid_a, sock_a, sizeof(sock_a));
	e2e_mdev_sock(d, uuid_b, sock_b, sizeof(sock_b));
	assert_int_equal(e2e_mdev_create(d, uuid_a), 0);
	assert_true(e2e_exists(sock_a));
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " E2E_TYPE_DIR "/available_instances"), 0);
	assert_string_equal(v, "1");
	assert_int_equal(e2e_mdev_create(d, uuid_a), -EEXIST);
	assert_int_equal(e2e_mdev_create(d, uuid_b), 0);
	assert_true(e2e_exists(sock_b));
	/* two dedicated mdev WQs: the third instance is refused */
	assert_int_equal(e2e_mdev_create(d, uuid_c), -EUSERS);

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/mdev_type", uuid_a);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "readlink %s", path), 0);
	assert_non_null(strstr(v, "mdev_supported_types/idxd-1dwq-v1"));
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "readlink /sys/bus/mdev/devices/%s", uuid_a), 0);
	assert_non_null(strstr(v, "devices/pci0000:00/0000:00:0a.0/"));

	assert_int_equal(e2e_mdev_remove(d, uuid_a), 0);
	assert_false(e2e_exists(sock_a));
	assert_int_equal(e2e_mdev_remove(d, uuid_a), -ENOENT);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " E2E_TYPE_DIR "/available_instances"), 0);
	assert_string_equal(v, "1");
	/*
	 * The WQ of a live mdev cannot be reconfigured from the host (-EBUSY);
	 * the other, enabled and free, refuses as any enabled WQ does (-EPERM).
	 */
	{
		int r0 = e2e_ctl(d, NULL, 0, "write /sys/bus/dsa/devices/wq0.0/name x");
		int r1 = e2e_ctl(d, NULL, 0, "write /sys/bus/dsa/devices/wq0.1/name x");

		assert_true((r0 == -EBUSY && r1 == -EPERM) || (r0 == -EPERM && r1 == -EBUSY));
	}
	/* leave uuid_b alive: SIGTERM must tear it down cleanly */
}

/* ---- concurrent requests ----------------------------------------------------- */

#define RACERS	8

/*
 * Run @n children that wait on one pipe, then each send request @reqs[i]
 * at once; collect their statuses in @rc.
 */
static void race(struct e2e_daemon *d, unsigned int n, char reqs[][160], int *rc)
{
	int go[2], res[2];
	pid_t pid[RACERS];
	unsigned int i;

	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(res), 0);
	for (i = 0; i < n; i++) {
		pid[i] = fork();
		assert_true(pid[i] >= 0);
		if (pid[i] == 0) {
			char c;
			struct { unsigned int i; int rc; } r = { i, 0 };

			close(go[1]);
			if (read(go[0], &c, 1) < 0)	/* EOF: go */
				_exit(1);
			r.rc = e2e_ctl(d, NULL, 0, "%s", reqs[i]);
			_exit(write(res[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
		}
	}
	close(go[0]);
	close(res[1]);
	/* closing the write end releases every child at once */
	close(go[1]);
	for (i = 0; i < n; i++) {
		struct { unsigned int i; int rc; } r;

		assert_int_equal(read(res[0], &r, sizeof(r)), sizeof(r));
		assert_true(r.i < n);
		rc[r.i] = r.rc;
	}
	close(res[0]);
	/* only our racers: siovd is a child of this process too */
	for (i = 0; i < n; i++)
		assert_int_equal(waitpid(pid[i], NULL, 0), pid[i]);
}

static unsigned int count_rc(const int *rc, unsigned int n, int want)
{
	unsigned int i, k = 0;

	for (i = 0; i < n; i++)
		k += rc[i] == want;
	return k;
}

/*
 * available_instances, create and remove stay consistent when many clients
 * ask at once: exactly as many creates succeed as there are instances,
 * one create of a UUID wins, one remove of an mdev wins.
 */
static void test_concurrent_create_remove(void **state)
{
	struct e2e_daemon *d = *state;
	char reqs[RACERS][160], v[64];
	long devices = e2e_stat(d, "devices");
	int rc[RACERS];
	unsigned int i;

	for (i = 0; i < RACERS; i++)
		snprintf(reqs[i], sizeof(reqs[i]),
			 "write " E2E_TYPE_DIR "/create 3c7e1d2a-0b4f-4e6a-9d1c-2f3a4b5c6d%02x", i);
	race(d, RACERS, reqs, rc);
	assert_int_equal(count_rc(rc, RACERS, 0), 2);
	assert_int_equal(count_rc(rc, RACERS, -EUSERS), RACERS - 2);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " E2E_TYPE_DIR "/available_instances"), 0);
	assert_string_equal(v, "0");
	/* remove the two winners, each by many removers at once */
	for (i = 0; i < RACERS; i++) {
		if (rc[i])
			continue;
		char uuid[64];
		unsigned int j;
		int rrc[RACERS];

		snprintf(uuid, sizeof(uuid), "3c7e1d2a-0b4f-4e6a-9d1c-2f3a4b5c6d%02x", i);
		for (j = 0; j < RACERS; j++)
			snprintf(reqs[j], sizeof(reqs[j]), "write /sys/bus/mdev/devices/%s/remove 1",
				 uuid);
		race(d, RACERS, reqs, rrc);
		assert_int_equal(count_rc(rrc, RACERS, 0), 1);
		assert_int_equal(count_rc(rrc, RACERS, -ENOENT), RACERS - 1);
	}
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " E2E_TYPE_DIR "/available_instances"), 0);
	assert_string_equal(v, "2");
	/* one UUID asked by everyone: one mdev */
	for (i = 0; i < RACERS; i++)
		snprintf(reqs[i], sizeof(reqs[i]), "write " E2E_TYPE_DIR "/create %s", uuid_c);
	race(d, RACERS, reqs, rc);
	assert_int_equal(count_rc(rc, RACERS, 0), 1);
	assert_int_equal(count_rc(rc, RACERS, -EEXIST), RACERS - 1);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " E2E_TYPE_DIR "/available_instances"), 0);
	assert_string_equal(v, "1");
	assert_int_equal(e2e_mdev_remove(d, uuid_c), 0);
	assert_int_equal(e2e_stat(d, "devices"), devices);
}

/*
 * A test process that dies without stopping its daemon (killed by meson's
 * timeout, a crash) takes the daemon with it: no siovd is left to poll
 * portals and skew later runs on the machine.
 */
static void test_harness_death_kills_daemon(void **state)
{
	struct e2e_daemon d = { 0 };
	int pfd[2], status, i;
	pid_t harness;

	(void)state;
	/* orphans come to us, so we can see how the daemon ended */
	assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	assert_int_equal(pipe(pfd), 0);
	harness = fork();
	assert_true(harness >= 0);
	if (!harness) {
		close(pfd[0]);
		if (e2e_start(&d, NULL))
			_exit(1);
		if (write(pfd[1], &d, sizeof(d)) != sizeof(d))
			_exit(2);
		_exit(0);	/* dies with its daemon running */
	}
	close(pfd[1]);
	assert_int_equal(read(pfd[0], &d, sizeof(d)), sizeof(d));
	close(pfd[0]);
	assert_int_equal(waitpid(harness, &status, 0), harness);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	assert_true(d.pid > 0);
	/* reparented to us and killed by the parent-death signal (5 s) */
	for (i = 0; i < 500 && waitpid(d.pid, &status, WNOHANG) == 0; i++)
		usleep(10000);
	if (i == 500) {
		kill(d.pid, SIGKILL);
		waitpid(d.pid, &status, 0);
		status = 0;
	}
	assert_true(WIFSIGNALED(status));
	assert_int_equal(WTERMSIG(status), SIGKILL);
	d.pid = 0;
	e2e_kill(&d);		/* the run directory */
	prctl(PR_SET_CHILD_SUBREAPER, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_default_profile, e2e_setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused_writes, e2e_setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_remove, e2e_setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_create_remove, e2e_setup, teardown),
		cmocka_unit_test(test_harness_death_kills_daemon),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
