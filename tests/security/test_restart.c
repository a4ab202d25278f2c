// SPDX-License-Identifier: GPL-2.0-only
/*
 * Restart without loss (siovd --state DIR): siovd is killed with SIGKILL
 * while a client keeps copies running through an mdev, started again on the
 * same state directory, and then
 *  - both mdevs are back with the same UUIDs, sockets and WQs, and the
 *    profile is the saved one (no --config on the second start);
 *  - the client, whose socket closed under it, reconnects, resets the
 *    device, maps its memory again and its copies verify;
 *  - the state directory holds only whole files (no torn or temporary one);
 *  - a removed mdev stays removed across a clean restart, a kept one stays.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "e2e.h"
#include "vdsa.h"

static const char *uuids[2] = { "9e0f1a2b-3c4d-4e5f-8a6b-7c8d9e0f1a2b",
				"0f1a2b3c-4d5e-4f6a-9b7c-8d9e0f1a2b3c" };

/* One verified 64 KiB copy on a freshly opened device. Return: 0 or -errno. */
static int one_session(const char *sock, unsigned int rounds)
{
	struct vdsa_conn *conn;
	struct vdsa_dev *dev;
	struct vdsa_buf *buf;
	struct dsa_hw_desc d;
	unsigned int r;
	char *va;
	int rc;

	rc = vdsa_conn_open(sock, &conn);
	if (rc)
		return rc;
	rc = vdsa_dev_open(conn, &dev);
	if (!rc)
		rc = vdsa_buf_alloc(conn, 1 << 18, &buf);
	for (r = 0; !rc && r < rounds; r++) {
		va = buf->va;
		memset(va + 4096, (int)(r & 0xff), 65536);
		memset(buf->va, 0, 64);
		vdsa_desc_memmove(&d, buf->iova, buf->iova + 131072, buf->iova + 4096, 65536);
		rc = vdsa_submit(dev, &d, VDSA_PORTAL_MMAP);
		if (!rc) {
			rc = vdsa_wait(dev, buf->va, VDSA_WAIT_POLL, 500);
			rc = rc == DSA_COMP_SUCCESS ? 0 : rc < 0 ? rc : -EIO;
		}
		if (!rc && memcmp(va + 131072, va + 4096, 65536))
			rc = -EILSEQ;
	}
	if (!rc || rc == -EILSEQ)
		vdsa_dev_close(dev);
	vdsa_conn_close(conn);
	return rc;
}

/*
 * The client: copies in a loop; when siovd goes away it keeps trying to
 * reconnect, and exits 0 once a whole session works again (after having
 * seen the failure), 1 if it never recovers.
 */
static int client(const char *sock)
{
	bool failed = false;
	int i, rc;

	for (i = 0; i < 4000; i++) {
		rc = one_session(sock, 20);
		if (rc == -EILSEQ)
			return 2;		/* a copy lied: never acceptable */
		if (rc)
			failed = true;
		else if (failed)
			return 0;		/* recovered after the crash */
		if (rc)
			usleep(5000);
	}
	return 1;
}

static void read_wq(struct e2e_daemon *d, const char *uuid, char *wq, size_t size)
{
	assert_int_equal(e2e_ctl(d, wq, size, "read /sys/bus/mdev/devices/%s/wq", uuid), 0);
}

static void check_state_files(const char *dir)
{
	char path[512];
	struct dirent *e;
	DIR *dp;
	int n = 0;

	snprintf(path, sizeof(path), "%s/config.json", dir);
	{
		struct json_object *cfg = json_object_from_file(path);

		assert_non_null(cfg);
		json_object_put(cfg);
	}
	snprintf(path, sizeof(path), "%s/mdevs", dir);
	dp = opendir(path);
	assert_non_null(dp);
	while ((e = readdir(dp))) {
		struct json_object *o;
		char f[1024];

		if (e->d_name[0] == '.')
			continue;
		if (strstr(e->d_name, ".tmp"))
			fail_msg("temporary file %s left in the state directory", e->d_name);
		snprintf(f, sizeof(f), "%s/%s", path, e->d_name);
		o = json_object_from_file(f);
		if (!o)
			fail_msg("torn definition %s", f);
		json_object_put(o);
		n++;
	}
	closedir(dp);
	assert_int_equal(n, 2);
}

static void test_crash_and_restart(void **state)
{
	char statedir[160], sock[256], wq_before[2][32], wq_after[2][32], v[64];
	const char *args[] = { "--state", statedir, NULL };
	struct e2e_daemon d;
	int i, status;
	pid_t pid;

	snprintf(statedir, sizeof(statedir), "/tmp/siovd-state.XXXXXX");
	assert_non_null(mkdtemp(statedir));
	assert_int_equal(e2e_start(&d, args), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(e2e_mdev_create(&d, uuids[i]), 0);
		read_wq(&d, uuids[i], wq_before[i], sizeof(wq_before[i]));
	}
	e2e_mdev_sock(&d, uuids[0], sock, sizeof(sock));
	assert_int_equal(one_session(sock, 2), 0);

	/* a client under load, then SIGKILL in the middle of it */
	pid = fork();
	if (!pid)
		_exit(client(sock));
	usleep(300000);
	e2e_crash(&d);
	check_state_files(statedir);
	usleep(100000);

	/* started again on the state alone: the saved profile, the same mdevs */
	assert_int_equal(e2e_restart(&d, args), 0);
	for (i = 0; i < 2; i++) {
		char s[256];
		struct stat st;

		e2e_mdev_sock(&d, uuids[i], s, sizeof(s));
		assert_int_equal(stat(s, &st), 0);
		read_wq(&d, uuids[i], wq_after[i], sizeof(wq_after[i]));
		assert_string_equal(wq_after[i], wq_before[i]);
	}
	assert_int_equal(e2e_ctl(&d, v, sizeof(v), "read " E2E_TYPE_DIR "/available_instances"),
			 0);
	assert_string_equal(v, "0");

	/* the client recovered by itself: reconnect, reset, map again, verify */
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	/* a removed mdev stays removed across a clean restart, the other stays */
	assert_int_equal(e2e_mdev_remove(&d, uuids[1]), 0);
	kill(d.pid, SIGTERM);
	assert_int_equal(waitpid(d.pid, &status, 0), d.pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	d.pid = 0;
	assert_int_equal(e2e_restart(&d, args), 0);
	assert_int_equal(e2e_ctl(&d, v, sizeof(v), "readlink /sys/bus/mdev/devices/%s", uuids[0]),
			 0);
	assert_int_not_equal(e2e_ctl(&d, v, sizeof(v), "readlink /sys/bus/mdev/devices/%s",
				     uuids[1]), 0);
	assert_int_equal(one_session(sock, 2), 0);
	assert_int_equal(e2e_stop(&d), 0);
	{
		char cmd[200];

		snprintf(cmd, sizeof(cmd), "rm -rf '%s'", statedir);
		assert_int_equal(system(cmd), 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_crash_and_restart),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
