// SPDX-License-Identifier: GPL-2.0-only
/*
 * End to end, the subsystem split as the daemon runs it: drivers are
 * modules loaded by modalias (a PF with only kernel and user WQs loads no
 * VFIO module; enabling an mdev WQ loads vfio_idxd with mdev and
 * vfio_pci_core), /sys/module with holders and reference counts, and the
 * refusals and clean teardowns around the auxiliary bus: rmmod of a module
 * in use is -EBUSY (idxd while vfio_idxd uses it, vfio_idxd while a client
 * has an mdev open), rmmod of an idle vfio_idxd and an unbind of
 * idxd.mdev.<N> remove the mdevs with nothing left behind, and modprobe
 * brings the mdev type back.
 */
#include <errno.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "e2e.h"
#include "vdsa.h"

static const char *uuid_a = "5a0e4c1e-2b7f-4c19-9d3a-6f2e8b1c4d70";
static const char *uuid_b = "5a0e4c1e-2b7f-4c19-9d3a-6f2e8b1c4d71";

/* dsa0: wq0.0 and wq0.1 dedicated user WQs, wq0.2 a dedicated kernel WQ. */
static const char user_kernel_profile[] =
	"[{\"dev\":\"dsa0\",\"groups\":["
	"{\"dev\":\"group0.0\",\"grouped_workqueues\":[{\"dev\":\"wq0.0\",\"mode\":\"dedicated\","
	"\"size\":16,\"group_id\":0,\"type\":\"user\",\"name\":\"app0\"}],"
	"\"grouped_engines\":[{\"dev\":\"engine0.0\",\"group_id\":0}]},"
	"{\"dev\":\"group0.1\",\"grouped_workqueues\":[{\"dev\":\"wq0.1\",\"mode\":\"dedicated\","
	"\"size\":16,\"group_id\":1,\"type\":\"user\",\"name\":\"app1\"}],"
	"\"grouped_engines\":[{\"dev\":\"engine0.1\",\"group_id\":1}]},"
	"{\"dev\":\"group0.2\",\"grouped_workqueues\":[{\"dev\":\"wq0.2\",\"mode\":\"dedicated\","
	"\"size\":16,\"group_id\":2,\"type\":\"kernel\",\"name\":\"dmaengine0\","
	"\"driver_name\":\"dmaengine\"}],"
	"\"grouped_engines\":[{\"dev\":\"engine0.2\",\"group_id\":2}]}]}]\n";

static const char *const vfio_modules[] = { "vfio_idxd", "vfio_pci_core", "mdev", "vfio_pci" };

/* siovd on a profile of user and kernel WQs only (wq0.1 dedicated). */
static int setup_user_kernel(void **state)
{
	static struct e2e_daemon d;
	int rc = e2e_start_profile(&d, user_kernel_profile);

	*state = &d;
	return rc;
}

/* A PF of user and kernel WQs loads idxd only; an mdev WQ loads vfio_idxd. */
static void test_vfio_loaded_on_demand(void **state)
{
	struct e2e_daemon *d = *state;
	char v[256];
	unsigned int i;

	assert_true(e2e_module_loaded(d, "idxd"));
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/bus/dsa/devices/wq0.2/state"), 0);
	assert_string_equal(v, "enabled");
	for (i = 0; i < sizeof(vfio_modules) / sizeof(vfio_modules[0]); i++)
		assert_int_equal(e2e_ctl(d, NULL, 0, "read /sys/module/%s/initstate",
					 vfio_modules[i]), -ENOENT);
	assert_int_equal(e2e_ctl(d, NULL, 0, "ls /sys/bus/auxiliary/devices/idxd.mdev.0"),
			 -ENOENT);
	assert_int_equal(e2e_ctl(d, NULL, 0, "ls /sys/class/mdev_bus"), -ENOENT);

	/* turn wq0.1 into an mdev WQ: disable, retype, enable */
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/dsa/drivers/user/unbind wq0.1"), 0);
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/dsa/devices/wq0.1/type mdev"), 0);
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/dsa/devices/wq0.1/name vm0"), 0);
	assert_false(e2e_module_loaded(d, "vfio_idxd"));
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/dsa/drivers/mdev/bind wq0.1"), 0);
	/* the auxiliary device's modalias loaded vfio_idxd and what it needs */
	assert_true(e2e_module_loaded(d, "vfio_idxd"));
	assert_true(e2e_module_loaded(d, "mdev"));
	assert_true(e2e_module_loaded(d, "vfio_pci_core"));
	assert_false(e2e_module_loaded(d, "vfio_pci"));
	assert_int_equal(e2e_ctl(d, v, sizeof(v),
				 "readlink /sys/bus/auxiliary/devices/idxd.mdev.0/driver"), 0);
	assert_non_null(strstr(v, "drivers/vfio_idxd.mdev"));
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " E2E_TYPE_DIR "/available_instances"),
			 0);
	assert_string_equal(v, "1");
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/module/idxd/refcnt"), 0);
	assert_string_equal(v, "1");
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "readlink /sys/module/idxd/holders/vfio_idxd"),
			 0);
	assert_string_equal(v, "../../vfio_idxd");
	assert_int_equal(e2e_mdev_create(d, uuid_a), 0);
}

/* Unloading: refused while in use, clean when idle; modprobe restores. */
static void test_rmmod_busy_and_clean(void **state)
{
	struct e2e_daemon *d = *state;
	long devices, virqs, irtes, pasids, fds;
	struct vdsa_conn *conn;
	char sock[256], v[64];

	devices = e2e_stat(d, "devices");
	virqs = e2e_stat(d, "virqs");
	irtes = e2e_stat(d, "irtes");
	pasids = e2e_stat(d, "pasids");
	fds = e2e_stat(d, "fds");
	assert_true(devices > 0 && virqs >= 0 && irtes >= 0 && pasids >= 0 && fds > 0);

	/* idxd is held by vfio_idxd: its holder must go first */
	assert_int_equal(e2e_ctl(d, NULL, 0, "rmmod idxd"), -EBUSY);
	assert_true(e2e_module_loaded(d, "idxd"));
	assert_int_equal(e2e_ctl(d, NULL, 0, "rmmod nosuchmodule"), -ENOENT);

	/* a client with an mdev open pins vfio_idxd */
	assert_int_equal(e2e_mdev_create(d, uuid_a), 0);
	assert_int_equal(e2e_mdev_create(d, uuid_b), 0);
	e2e_mdev_sock(d, uuid_a, sock, sizeof(sock));
	assert_int_equal(vdsa_conn_open(sock, &conn), 0);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/module/vfio_idxd/refcnt"), 0);
	assert_string_equal(v, "1");
	assert_int_equal(e2e_ctl(d, NULL, 0, "rmmod vfio_idxd"), -EBUSY);
	assert_true(e2e_exists(sock));
	vdsa_conn_close(conn);
	/* the server notices the hang-up on its loop: wait for the count */
	for (int i = 0; i < 200; i++) {
		if (!e2e_ctl(d, v, sizeof(v), "read /sys/module/vfio_idxd/refcnt") &&
		    !strcmp(v, "0"))
			break;
		usleep(10000);
	}
	assert_string_equal(v, "0");

	/* idle: unloading removes both mdevs and everything they held */
	assert_int_equal(e2e_ctl(d, NULL, 0, "rmmod vfio_idxd"), 0);
	assert_false(e2e_module_loaded(d, "vfio_idxd"));
	assert_false(e2e_exists(sock));
	assert_int_equal(e2e_ctl(d, NULL, 0, "ls /sys/bus/mdev/devices/%s", uuid_b), -ENOENT);
	assert_int_equal(e2e_ctl(d, NULL, 0, "ls /sys/class/mdev_bus/0000:00:0a.0"), -ENOENT);
	assert_int_equal(e2e_ctl(d, NULL, 0, "read /sys/bus/auxiliary/devices/idxd.mdev.0/uevent"),
			 0);
	assert_int_equal(e2e_stat(d, "devices"), devices);
	assert_int_equal(e2e_stat(d, "virqs"), virqs);
	assert_int_equal(e2e_stat(d, "irtes"), irtes);
	assert_int_equal(e2e_stat(d, "pasids"), pasids);
	assert_int_equal(e2e_stat(d, "fds"), fds);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/bus/dsa/devices/wq0.0/clients"), 0);
	assert_string_equal(v, "0");

	/* the library modules stay until asked; idxd is free again */
	assert_true(e2e_module_loaded(d, "mdev"));
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/module/idxd/refcnt"), 0);
	assert_string_equal(v, "0");

	/* modprobe by the aux device's alias binds it again */
	assert_int_equal(e2e_ctl(d, NULL, 0, "modprobe auxiliary:idxd.mdev"), 0);
	assert_true(e2e_module_loaded(d, "vfio_idxd"));
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " E2E_TYPE_DIR "/available_instances"),
			 0);
	assert_string_equal(v, "2");
	assert_int_equal(e2e_mdev_create(d, uuid_a), 0);
	assert_int_equal(e2e_ctl(d, NULL, 0, "modprobe no_such_thing"), -ENOENT);
}

/* Unbinding the auxiliary device removes the mdevs; binding restores. */
static void test_aux_unbind_tears_down(void **state)
{
	struct e2e_daemon *d = *state;
	long devices = e2e_stat(d, "devices"), pasids = e2e_stat(d, "pasids");
	struct vdsa_conn *conn;
	char sock[256], v[64];

	assert_int_equal(e2e_mdev_create(d, uuid_a), 0);
	e2e_mdev_sock(d, uuid_a, sock, sizeof(sock));
	assert_int_equal(vdsa_conn_open(sock, &conn), 0);
	/* an unbind cannot be refused: the open session is ended */
	assert_int_equal(e2e_ctl(d, NULL, 0,
				 "write /sys/bus/auxiliary/drivers/vfio_idxd.mdev/unbind idxd.mdev.0"),
			 0);
	assert_false(e2e_exists(sock));
	assert_int_equal(e2e_ctl(d, NULL, 0, "ls /sys/bus/mdev/devices/%s", uuid_a), -ENOENT);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/module/vfio_idxd/refcnt"), 0);
	assert_string_equal(v, "0");
	vdsa_conn_close(conn);
	assert_int_equal(e2e_stat(d, "devices"), devices);
	assert_int_equal(e2e_stat(d, "pasids"), pasids);
	assert_int_equal(e2e_ctl(d, NULL, 0,
				 "write /sys/bus/auxiliary/drivers/vfio_idxd.mdev/bind idxd.mdev.0"),
			 0);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " E2E_TYPE_DIR "/available_instances"),
			 0);
	assert_string_equal(v, "2");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_vfio_loaded_on_demand, setup_user_kernel,
						e2e_teardown),
		cmocka_unit_test_setup_teardown(test_rmmod_busy_and_clean, e2e_setup, e2e_teardown),
		cmocka_unit_test_setup_teardown(test_aux_unbind_tears_down, e2e_setup,
						e2e_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
