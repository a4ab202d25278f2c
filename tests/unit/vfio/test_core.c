// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO core: registration, frontends, sessions, reference counting.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "iommu/iommu.h"
#include "vfio/core/vfio_core.h"
#include "vfio_test.h"

struct fe_log {
	struct vfio_frontend fe;
	char added[8][64];
	unsigned int nr_added;
	char removed[8][64];
	unsigned int nr_removed;
	int fail_on;			/* fail device_added for the n-th call (1-based) */
	unsigned int calls;
};

static int fe_added(struct vfio_frontend *fe, struct vfio_device *vdev)
{
	struct fe_log *l = container_of(fe, struct fe_log, fe);

	if ((int)++l->calls == l->fail_on)
		return -ENOSPC;
	strcpy(l->added[l->nr_added++ % 8], vfio_device_name(vdev));
	return 0;
}

static void fe_removed(struct vfio_frontend *fe, struct vfio_device *vdev)
{
	struct fe_log *l = container_of(fe, struct fe_log, fe);

	strcpy(l->removed[l->nr_removed++ % 8], vfio_device_name(vdev));
}

static void fe_init(struct fe_log *l)
{
	memset(l, 0, sizeof(*l));
	l->fe.name = "log";
	l->fe.device_added = fe_added;
	l->fe.device_removed = fe_removed;
}

static struct iommu *core_setup(void)
{
	struct iommu *iommu = iommu_create();

	assert_non_null(iommu);
	vfio_core_init(iommu);
	return iommu;
}

static void core_teardown(struct iommu *iommu)
{
	vfio_core_exit();
	iommu_destroy(iommu);
}

static void test_register_unique_names(void **state)
{
	struct iommu *iommu = core_setup();
	struct testdev *a = testdev_create(iommu, "dev-a");
	struct testdev *b = testdev_create(iommu, "dev-a");
	struct testdev *c = testdev_create(iommu, "../evil");

	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_int_equal(vfio_register_device(&a->vdev), 0);
	assert_int_equal(vfio_register_device(&a->vdev), -EINVAL);
	assert_int_equal(vfio_register_device(&b->vdev), -EEXIST);
	/* A name that is not a plain file name cannot become a socket. */
	assert_int_equal(vfio_register_device(&c->vdev), -EINVAL);
	assert_string_equal(vfio_device_name(&a->vdev), "dev-a");

	vfio_unregister_device(&a->vdev);
	vfio_unregister_device(&a->vdev);	/* idempotent */
	/* The name is free again. */
	assert_int_equal(vfio_register_device(&b->vdev), 0);
	vfio_unregister_device(&b->vdev);
	vfio_put_device(&a->vdev);
	vfio_put_device(&b->vdev);
	vfio_put_device(&c->vdev);
	core_teardown(iommu);
}

static long dummy_ioctl(struct vfio_device *v, unsigned int cmd, void *arg)
{
	return -ENOTTY;
}

static ssize_t dummy_read(struct vfio_device *v, char *b, size_t n, uint64_t *p)
{
	return -EINVAL;
}

static void test_alloc_checks_ops(void **state)
{
	static const struct vfio_device_ops no_ioctl = { .read = dummy_read };
	static const struct vfio_device_ops half_pair = {
		.read = dummy_read, .ioctl = dummy_ioctl,
		.write = (void *)dummy_read, .attach_ioas = (void *)dummy_ioctl,
	};

	errno = 0;
	assert_null(_vfio_alloc_device(sizeof(struct vfio_device), NULL, &no_ioctl));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(_vfio_alloc_device(sizeof(struct vfio_device), NULL, &half_pair));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(_vfio_alloc_device(4, NULL, &half_pair));
	assert_int_equal(errno, EINVAL);
}

static void test_frontend_replay_and_removal(void **state)
{
	struct iommu *iommu = core_setup();
	struct testdev *a = testdev_create(iommu, "a");
	struct testdev *b = testdev_create(iommu, "b");
	struct fe_log l1, l2;

	fe_init(&l1);
	fe_init(&l2);
	assert_int_equal(vfio_register_device(&a->vdev), 0);
	assert_int_equal(vfio_register_device(&b->vdev), 0);
	/* Registering replays every registered device. */
	assert_int_equal(vfio_register_frontend(&l1.fe), 0);
	assert_int_equal(vfio_register_frontend(&l1.fe), -EEXIST);
	assert_int_equal(l1.nr_added, 2);
	assert_string_equal(l1.added[0], "a");
	assert_string_equal(l1.added[1], "b");

	/* A failing replay is undone and reported. */
	l2.fail_on = 2;
	assert_int_equal(vfio_register_frontend(&l2.fe), -ENOSPC);
	assert_int_equal(l2.nr_added, 1);
	assert_int_equal(l2.nr_removed, 1);
	assert_string_equal(l2.removed[0], "a");

	vfio_unregister_device(&a->vdev);
	assert_int_equal(l1.nr_removed, 1);
	assert_string_equal(l1.removed[0], "a");

	/* Unregistering the frontend removes what is still registered. */
	vfio_unregister_frontend(&l1.fe);
	assert_int_equal(l1.nr_removed, 2);
	assert_string_equal(l1.removed[1], "b");

	vfio_unregister_device(&b->vdev);
	assert_int_equal(l1.nr_removed, 2);
	vfio_put_device(&a->vdev);
	vfio_put_device(&b->vdev);
	core_teardown(iommu);
}

static void test_register_fails_when_frontend_refuses(void **state)
{
	struct iommu *iommu = core_setup();
	struct testdev *a = testdev_create(iommu, "a");
	struct fe_log l1, l2;

	fe_init(&l1);
	fe_init(&l2);
	l2.fail_on = 1;
	assert_int_equal(vfio_register_frontend(&l1.fe), 0);
	assert_int_equal(vfio_register_frontend(&l2.fe), 0);
	assert_int_equal(vfio_register_device(&a->vdev), -ENOSPC);
	/* l1 accepted it and is told it went away again. */
	assert_int_equal(l1.nr_added, 1);
	assert_int_equal(l1.nr_removed, 1);
	assert_false(a->vdev.registered);
	assert_null(vfio_session_open(&a->vdev));
	assert_int_equal(errno, ENODEV);
	vfio_unregister_frontend(&l1.fe);
	vfio_unregister_frontend(&l2.fe);
	vfio_put_device(&a->vdev);
	core_teardown(iommu);
}

static void test_session_open_close(void **state)
{
	struct iommu *iommu = core_setup();
	struct testdev *td = testdev_create(iommu, "s");
	struct vfio_session *s;
	uint8_t buf[3 * 4096];

	assert_int_equal(vfio_register_device(&td->vdev), 0);
	s = vfio_session_open(&td->vdev);
	assert_non_null(s);
	assert_ptr_equal(vfio_session_device(s), &td->vdev);
	assert_non_null(vfio_session_domain(s));
	assert_ptr_equal(td->dom, vfio_session_domain(s));
	assert_int_equal(td->nr_open, 1);
	assert_int_equal(td->nr_attach, 1);

	/* One session at a time. */
	assert_null(vfio_session_open(&td->vdev));
	assert_int_equal(errno, EBUSY);

	assert_int_equal(vfio_session_dma_map(s, 0x10000, 4096, buf, IOMMU_READ), 0);
	assert_int_equal(vfio_session_dma_map(s, 0x20000, 8192, buf + 4096,
					      IOMMU_READ | IOMMU_WRITE), 0);
	assert_int_equal(iommu_domain_nr_mappings(vfio_session_domain(s)), 2);
	/* Overlaps, bad arguments, wrap-around. */
	assert_int_equal(vfio_session_dma_map(s, 0x20fff, 1, buf, IOMMU_READ), -EEXIST);
	assert_int_equal(vfio_session_dma_map(s, 0x1f000, 0x1001, buf, IOMMU_READ), -EEXIST);
	assert_int_equal(vfio_session_dma_map(s, 0x30000, 0, buf, IOMMU_READ), -EINVAL);
	assert_int_equal(vfio_session_dma_map(s, 0x30000, 16, buf, 0), -EINVAL);
	assert_int_equal(vfio_session_dma_map(s, 0x30000, 16, buf, 4), -EINVAL);
	assert_int_equal(vfio_session_dma_map(s, UINT64_MAX - 1, 4, buf, IOMMU_READ), -EINVAL);
	/* Unmap needs the exact range. */
	assert_int_equal(vfio_session_dma_unmap(s, 0x10000, 2048), -ENOENT);
	assert_int_equal(vfio_session_dma_unmap(s, 0x10800, 4096), -ENOENT);
	assert_int_equal(vfio_session_dma_unmap(s, 0x10000, 4096), 0);
	assert_int_equal(td->nr_unmaps, 1);
	assert_int_equal(td->unmaps[0].iova, 0x10000);
	assert_int_equal(td->unmaps[0].size, 4096);
	assert_int_equal(vfio_session_dma_unmap(s, 0x10000, 4096), -ENOENT);

	/* Close undoes the rest: detach, close, unmap (with notification). */
	vfio_session_close(s);
	assert_int_equal(td->nr_detach, 1);
	assert_int_equal(td->nr_close, 1);
	assert_int_equal(td->nr_unmaps, 2);
	assert_int_equal(td->unmaps[1].iova, 0x20000);
	assert_int_equal(td->unmaps[1].size, 8192);
	assert_null(td->dom);

	/* And the device can be opened again. */
	s = vfio_session_open(&td->vdev);
	assert_non_null(s);
	assert_int_equal(iommu_domain_nr_mappings(vfio_session_domain(s)), 0);
	vfio_session_close(s);

	vfio_unregister_device(&td->vdev);
	vfio_put_device(&td->vdev);
	core_teardown(iommu);
}

static void test_session_open_failure_undone(void **state)
{
	struct iommu *iommu = core_setup();
	struct testdev *td = testdev_create(iommu, "f");

	assert_int_equal(vfio_register_device(&td->vdev), 0);
	td->fail_open = true;
	assert_null(vfio_session_open(&td->vdev));
	assert_int_equal(errno, EIO);
	assert_int_equal(td->vdev.open_count, 0);
	td->fail_open = false;
	/* Without the IOMMU there is no address space to give a session. */
	vfio_core_exit();
	assert_null(vfio_session_open(&td->vdev));
	assert_int_equal(errno, ENODEV);
	vfio_core_init(iommu);
	vfio_unregister_device(&td->vdev);
	vfio_put_device(&td->vdev);
	core_teardown(iommu);
}

static void test_unregister_forces_session_end(void **state)
{
	struct iommu *iommu = core_setup();
	struct testdev *td = testdev_create(iommu, "u");
	unsigned int released = 0;
	struct vfio_session *s;
	uint8_t buf[4096];

	td->released = &released;
	assert_int_equal(vfio_register_device(&td->vdev), 0);
	s = vfio_session_open(&td->vdev);
	assert_non_null(s);
	assert_int_equal(vfio_session_dma_map(s, 0x1000, sizeof(buf), buf, IOMMU_WRITE), 0);

	vfio_unregister_device(&td->vdev);
	/* The device side is torn down ... */
	assert_int_equal(td->nr_close, 1);
	assert_int_equal(td->nr_detach, 1);
	assert_int_equal(td->nr_unmaps, 1);
	assert_null(td->vdev.session);
	/* ... the session is a shell that refuses work ... */
	assert_null(vfio_session_domain(s));
	assert_int_equal(vfio_session_dma_map(s, 0x9000, 16, buf, IOMMU_READ), -ENODEV);
	assert_int_equal(vfio_session_dma_unmap(s, 0x1000, sizeof(buf)), -ENODEV);
	/* ... and keeps the device memory alive until it is closed. */
	vfio_put_device(&td->vdev);
	assert_int_equal(released, 0);
	vfio_session_close(s);
	assert_int_equal(released, 1);
	core_teardown(iommu);
}

static void test_refcount_release_once(void **state)
{
	struct iommu *iommu = core_setup();
	struct testdev *td = testdev_create(iommu, "r");
	unsigned int released = 0;
	unsigned int alive = device_nr_alive();

	td->released = &released;
	assert_int_equal(kref_read(&td->vdev.kref), 1);
	vfio_get_device(&td->vdev);
	assert_int_equal(vfio_register_device(&td->vdev), 0);
	assert_int_equal(kref_read(&td->vdev.kref), 3);
	vfio_unregister_device(&td->vdev);
	assert_int_equal(kref_read(&td->vdev.kref), 2);
	vfio_put_device(&td->vdev);
	assert_int_equal(released, 0);
	vfio_put_device(&td->vdev);
	assert_int_equal(released, 1);
	/* release() dropped the embedded struct device as well. */
	assert_int_equal(device_nr_alive(), alive - 1);
	core_teardown(iommu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_register_unique_names),
		cmocka_unit_test(test_alloc_checks_ops),
		cmocka_unit_test(test_frontend_replay_and_removal),
		cmocka_unit_test(test_register_fails_when_frontend_refuses),
		cmocka_unit_test(test_session_open_close),
		cmocka_unit_test(test_session_open_failure_undone),
		cmocka_unit_test(test_unregister_forces_session_end),
		cmocka_unit_test(test_refcount_release_once),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
