// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-user connections: socket files, one client per device, disconnect
 * and reconnect, device removal, pending-connection bound.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "iommu/iommu.h"
#include "lib/evloop.h"
#include "vfio/user/vfio_user.h"
#include "vfio_test.h"

static int setup(void **state)
{
	return vfio_test_env_alloc(state, "6f1e4bd2-2e4b-4b4e-9a43-0ed1c0a2b001");
}

static void test_socket_file(void **state)
{
	struct vfio_test_env *env = *state;
	struct stat st;

	assert_int_equal(lstat(env->path, &st), 0);
	assert_true(S_ISSOCK(st.st_mode));
	assert_int_equal(st.st_mode & 0777, 0600);
}

static void test_second_client_refused(void **state)
{
	struct vfio_test_env *env = *state;
	struct rawclient a, b;
	uint32_t id = 0;

	vfio_test_connect(env, &a);
	assert_int_equal(rc_connect(&b, env->loop, env->path), 0);
	assert_int_equal(rc_version(&b, NULL, NULL), EBUSY);
	assert_true(rc_wait_closed(&b));
	rc_close(&b);
	/* The owner is not disturbed. */
	assert_int_equal(rc_region_read(&a, 0, TD_REG_ID, &id, 4), 0);
	assert_int_equal(id, TD_ID);
	assert_int_equal(env->td->nr_open, 1);
	assert_int_equal(env->td->nr_close, 0);
	rc_close(&a);
}

static void map_one(struct rawclient *rc, int memfd, uint64_t iova, uint64_t size)
{
	struct vfio_user_dma_map map = {
		.argsz = sizeof(map), .addr = iova, .size = size,
		.flags = VFIO_USER_F_DMA_REGION_READ | VFIO_USER_F_DMA_REGION_WRITE,
	};

	assert_int_equal(rc_call(rc, VFIO_USER_DMA_MAP, &map, sizeof(map), &memfd, 1, NULL), 0);
}

static void set_triggers(struct rawclient *rc, const int *efd, unsigned int n)
{
	struct vfio_irq_set set = {
		.argsz = sizeof(set), .index = VFIO_PCI_MSIX_IRQ_INDEX, .start = 0, .count = n,
		.flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER,
	};

	assert_int_equal(rc_call(rc, VFIO_USER_DEVICE_SET_IRQS, &set, sizeof(set), efd, n, NULL), 0);
}

static void test_disconnect_and_reconnect(void **state)
{
	struct vfio_test_env *env = *state;
	struct testdev *td = env->td;
	struct rawclient a, b;
	uint32_t scratch = 0xc0ffee, v = 0;
	int memfd = vfio_test_memfd(8192);
	int efd[2] = { eventfd(0, EFD_CLOEXEC), eventfd(0, EFD_CLOEXEC) };

	vfio_test_connect(env, &a);
	map_one(&a, memfd, 0x100000, 4096);
	map_one(&a, memfd, 0x200000, 8192);
	set_triggers(&a, efd, 2);
	assert_int_equal(testdev_nr_triggers(td), 2);
	assert_int_equal(rc_region_write(&a, 0, TD_REG_SCRATCH, &scratch, 4), 0);
	assert_int_equal(iommu_domain_nr_mappings(td->dom), 2);

	/* The client goes away without a word. */
	rc_close(&a);
	/* Every DMA mapping is gone (the driver was told), IRQ fds closed ... */
	assert_int_equal(td->nr_close, 1);
	assert_int_equal(td->nr_detach, 1);
	assert_int_equal(td->nr_unmaps, 2);
	assert_int_equal(testdev_nr_triggers(td), 0);
	assert_null(td->dom);
	assert_int_equal(td->vdev.open_count, 0);

	/* ... but the device state is kept, and a new client can use it. */
	vfio_test_connect(env, &b);
	assert_int_equal(td->nr_open, 2);
	assert_int_equal(rc_region_read(&b, 0, TD_REG_SCRATCH, &v, 4), 0);
	assert_int_equal(v, scratch);
	/* The old IOVAs mean nothing to the new session. */
	assert_int_equal(iommu_domain_nr_mappings(td->dom), 0);
	map_one(&b, memfd, 0x100000, 4096);
	rc_close(&b);
	close(memfd);
	close(efd[0]);
	close(efd[1]);
}

static void test_client_hangs_up_before_version(void **state)
{
	struct vfio_test_env *env = *state;
	struct rawclient a, b;

	assert_int_equal(rc_connect(&a, env->loop, env->path), 0);
	rc_close(&a);
	assert_int_equal(env->td->nr_open, 0);
	vfio_test_connect(env, &b);
	rc_close(&b);
}

static void test_device_removal_disconnects(void **state)
{
	struct vfio_test_env *env = *state;
	struct testdev *td = env->td;
	struct rawclient a;
	struct stat st;

	vfio_test_connect(env, &a);
	vfio_unregister_device(&td->vdev);
	assert_int_equal(td->nr_close, 1);
	/* The socket file is gone and the client sees the end of the stream. */
	assert_int_equal(lstat(env->path, &st), -1);
	assert_true(rc_wait_closed(&a));
	rc_close(&a);
	/* Registering again serves it again. */
	assert_int_equal(vfio_register_device(&td->vdev), 0);
	assert_int_equal(lstat(env->path, &st), 0);
	vfio_test_connect(env, &a);
	rc_close(&a);
}

static void test_pending_bound(void **state)
{
	struct vfio_test_env *env = *state;
	struct vfio_user_limits lim;
	struct rawclient rc[4], owner;
	unsigned int i;

	vfio_user_server_get_limits(env->srv, &lim);
	lim.max_pending = 2;
	assert_int_equal(vfio_user_server_set_limits(env->srv, &lim), 0);
	for (i = 0; i < 3; i++)
		assert_int_equal(rc_connect(&rc[i], env->loop, env->path), 0);
	/* The third one is closed right away. */
	assert_true(rc_wait_closed(&rc[2]));
	rc_close(&rc[2]);
	/* The others still count; once one leaves, a new client fits. */
	rc_close(&rc[0]);
	assert_int_equal(rc_connect(&owner, env->loop, env->path), 0);
	assert_int_equal(rc_version(&owner, NULL, NULL), 0);
	rc_close(&owner);
	rc_close(&rc[1]);
}

static void test_limits_checked(void **state)
{
	struct vfio_test_env *env = *state;
	struct vfio_user_limits lim, bad;

	vfio_user_server_get_limits(env->srv, &lim);
	bad = lim;
	bad.max_msg_fds = 0;
	assert_int_equal(vfio_user_server_set_limits(env->srv, &bad), -EINVAL);
	bad = lim;
	bad.max_msg_fds = 254;
	assert_int_equal(vfio_user_server_set_limits(env->srv, &bad), -EINVAL);
	bad = lim;
	bad.max_tx_queued = 100;
	assert_int_equal(vfio_user_server_set_limits(env->srv, &bad), -EINVAL);
	bad = lim;
	bad.max_pending = 0;
	assert_int_equal(vfio_user_server_set_limits(env->srv, &bad), -EINVAL);
}

static void test_stale_socket_replaced(void **state)
{
	struct vfio_test_env *env = *state;
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct testdev *td2;
	char path[100];
	struct rawclient rc;
	int fd;

	/* A socket file nobody listens on, as a crashed daemon leaves it. */
	snprintf(path, sizeof(path), "%s/stale.sock", env->dir);
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_int_equal(bind(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	close(fd);
	td2 = testdev_create(env->iommu, "stale");
	assert_int_equal(vfio_register_device(&td2->vdev), 0);
	assert_int_equal(rc_connect(&rc, env->loop, path), 0);
	assert_int_equal(rc_version(&rc, NULL, NULL), 0);
	rc_close(&rc);
	vfio_unregister_device(&td2->vdev);
	vfio_put_device(&td2->vdev);

	/* A regular file is not ours to remove: the device is refused. */
	fd = creat(path, 0600);
	close(fd);
	td2 = testdev_create(env->iommu, "stale");
	assert_int_equal(vfio_register_device(&td2->vdev), -EEXIST);
	vfio_put_device(&td2->vdev);
	unlink(path);
}

static void test_server_destroy_cleans_up(void **state)
{
	struct vfio_test_env *env = *state;
	struct rawclient a;
	struct stat st;

	vfio_test_connect(env, &a);
	vfio_user_server_destroy(env->srv);
	env->srv = NULL;
	assert_int_equal(env->td->nr_close, 1);
	assert_int_equal(lstat(env->path, &st), -1);
	assert_true(rc_wait_closed(&a));
	rc_close(&a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_socket_file, setup, vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_second_client_refused, setup,
						vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_disconnect_and_reconnect, setup,
						vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_client_hangs_up_before_version, setup,
						vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_device_removal_disconnects, setup,
						vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_pending_bound, setup, vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_limits_checked, setup, vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_stale_socket_replaced, setup,
						vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_server_destroy_cleans_up, setup,
						vfio_test_env_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
