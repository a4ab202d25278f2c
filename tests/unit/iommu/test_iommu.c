// SPDX-License-Identifier: GPL-2.0-only
/*
 * Unit tests of the platform IOMMU (src/iommu): mapping rules, translation,
 * faults, attach/detach, the PASID allocator and the in-flight rule (unmap
 * and detach wait for open DMA windows; writers are preferred).
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "iommu/iommu.h"
#include "test_thread.h"

#define RID	0x0a00
#define RID2	0x0a01

struct fixture {
	struct iommu *iommu;
	struct iommu_domain *dom;
	uint8_t *mem;		/* 64 KiB of test memory */
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	f->iommu = iommu_create();
	f->dom = iommu_domain_alloc(f->iommu);
	f->mem = calloc(1, 65536);
	assert_non_null(f->iommu);
	assert_non_null(f->dom);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	iommu_domain_free(f->dom);
	iommu_destroy(f->iommu);
	free(f->mem);
	free(f);
	return 0;
}

static void test_map_invalid(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(iommu_map(f->dom, 0x1000, f->mem, 0, IOMMU_READ), -EINVAL);
	assert_int_equal(iommu_map(f->dom, 0x1000, f->mem, 16, 0), -EINVAL);
	assert_int_equal(iommu_map(f->dom, 0x1000, f->mem, 16, 4), -EINVAL);
	assert_int_equal(iommu_map(f->dom, 0x1000, NULL, 16, IOMMU_READ), -EINVAL);
	/* last byte would be 2^64: wraps */
	assert_int_equal(iommu_map(f->dom, UINT64_MAX - 15, f->mem, 17, IOMMU_READ), -EINVAL);
	assert_int_equal(iommu_map(f->dom, 1, f->mem, UINT64_MAX, IOMMU_READ), -EINVAL);
	assert_int_equal(iommu_domain_nr_mappings(f->dom), 0);
	/* exactly up to the top is fine */
	assert_int_equal(iommu_map(f->dom, UINT64_MAX - 15, f->mem, 16, IOMMU_READ), 0);
	assert_int_equal(iommu_domain_nr_mappings(f->dom), 1);
	assert_int_equal(iommu_unmap(f->dom, UINT64_MAX - 15, 16), 0);
}

static void test_map_overlap(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(iommu_map(f->dom, 0x1000, f->mem, 0x1000, IOMMU_READ), 0);
	assert_int_equal(iommu_map(f->dom, 0x1000, f->mem, 0x1000, IOMMU_READ), -EEXIST);
	assert_int_equal(iommu_map(f->dom, 0x0800, f->mem, 0x0801, IOMMU_READ), -EEXIST);
	assert_int_equal(iommu_map(f->dom, 0x1fff, f->mem, 0x10, IOMMU_READ), -EEXIST);
	assert_int_equal(iommu_map(f->dom, 0x1100, f->mem, 0x10, IOMMU_READ), -EEXIST);
	assert_int_equal(iommu_map(f->dom, 0x0000, f->mem, 0x10000, IOMMU_READ), -EEXIST);
	/* adjacent on both sides: no overlap */
	assert_int_equal(iommu_map(f->dom, 0x0800, f->mem, 0x0800, IOMMU_READ), 0);
	assert_int_equal(iommu_map(f->dom, 0x2000, f->mem, 0x0800, IOMMU_READ), 0);
	assert_int_equal(iommu_domain_nr_mappings(f->dom), 3);

	/* unmap needs exact start and size */
	assert_int_equal(iommu_unmap(f->dom, 0x1000, 0x800), -ENOENT);
	assert_int_equal(iommu_unmap(f->dom, 0x1001, 0xfff), -ENOENT);
	assert_int_equal(iommu_unmap(f->dom, 0x1000, 0), -ENOENT);
	assert_int_equal(iommu_unmap(f->dom, 0x1000, 0x1000), 0);
	assert_int_equal(iommu_unmap(f->dom, 0x1000, 0x1000), -ENOENT);
	assert_int_equal(iommu_unmap(f->dom, 0x0800, 0x0800), 0);
	assert_int_equal(iommu_unmap(f->dom, 0x2000, 0x0800), 0);
	assert_int_equal(iommu_domain_nr_mappings(f->dom), 0);
}

static void test_translate(void **state)
{
	struct fixture *f = *state;
	struct iommu_dma dma;
	void *hva = NULL;

	assert_int_equal(iommu_map(f->dom, 0x10000, f->mem, 0x1000, IOMMU_READ | IOMMU_WRITE), 0);
	assert_int_equal(iommu_map(f->dom, 0x20000, f->mem + 0x1000, 0x1000, IOMMU_READ), 0);
	assert_int_equal(iommu_attach_device_pasid(f->dom, RID, 5), 0);

	iommu_dma_begin(f->iommu, RID, 5, &dma);
	assert_int_equal(iommu_dma_translate(&dma, 0x10010, 16, IOMMU_READ, &hva), 16);
	assert_ptr_equal(hva, f->mem + 0x10);
	/* straddling the end of the mapping: only the covered part */
	assert_int_equal(iommu_dma_translate(&dma, 0x10ff0, 64, IOMMU_WRITE, &hva), 16);
	assert_ptr_equal(hva, f->mem + 0xff0);
	/* holes and missing permission fault */
	assert_int_equal(iommu_dma_translate(&dma, 0x11000, 1, IOMMU_READ, &hva), 0);
	assert_int_equal(iommu_dma_translate(&dma, 0xffff, 1, IOMMU_READ, &hva), 0);
	assert_int_equal(iommu_dma_translate(&dma, 0x20000, 8, IOMMU_WRITE, &hva), 0);
	assert_int_equal(iommu_dma_translate(&dma, 0x20000, 8, IOMMU_READ, &hva), 8);
	/* back and forth between mappings: each time the right one */
	assert_int_equal(iommu_dma_translate(&dma, 0x10020, 8, IOMMU_READ, &hva), 8);
	assert_ptr_equal(hva, f->mem + 0x20);
	assert_int_equal(iommu_dma_translate(&dma, 0x20ff8, 64, IOMMU_READ, &hva), 8);
	assert_ptr_equal(hva, f->mem + 0x1ff8);
	assert_int_equal(iommu_dma_translate(&dma, 0x20fff + 1, 1, IOMMU_READ, &hva), 0);
	assert_int_equal(iommu_dma_translate(&dma, 0x10000, 1, IOMMU_WRITE, &hva), 1);
	assert_ptr_equal(hva, f->mem);
	iommu_dma_end(&dma);

	/* a mapping replaced between two windows: the new one, not the last seen */
	iommu_dma_begin(f->iommu, RID, 5, &dma);
	assert_int_equal(iommu_dma_translate(&dma, 0x20000, 8, IOMMU_READ, &hva), 8);
	iommu_dma_end(&dma);
	assert_int_equal(iommu_unmap(f->dom, 0x20000, 0x1000), 0);
	assert_int_equal(iommu_map(f->dom, 0x20000, f->mem + 0x3000, 0x1000, IOMMU_READ), 0);
	iommu_dma_begin(f->iommu, RID, 5, &dma);
	assert_int_equal(iommu_dma_translate(&dma, 0x20000, 8, IOMMU_READ, &hva), 8);
	assert_ptr_equal(hva, f->mem + 0x3000);
	iommu_dma_end(&dma);

	/* other PASIDs, untagged requests and other RIDs see nothing */
	iommu_dma_begin(f->iommu, RID, 6, &dma);
	assert_int_equal(iommu_dma_translate(&dma, 0x10010, 16, IOMMU_READ, &hva), 0);
	iommu_dma_end(&dma);
	iommu_dma_begin(f->iommu, RID, IOMMU_NO_PASID, &dma);
	assert_int_equal(iommu_dma_translate(&dma, 0x10010, 16, IOMMU_READ, &hva), 0);
	iommu_dma_end(&dma);
	iommu_dma_begin(f->iommu, RID2, 5, &dma);
	assert_int_equal(iommu_dma_translate(&dma, 0x10010, 16, IOMMU_READ, &hva), 0);
	iommu_dma_end(&dma);

	iommu_detach_device_pasid(f->iommu, RID, 5);
	iommu_dma_begin(f->iommu, RID, 5, &dma);
	assert_null(dma.dom);
	assert_int_equal(iommu_dma_translate(&dma, 0x10010, 16, IOMMU_READ, &hva), 0);
	iommu_dma_end(&dma);
}

static void test_translate_top_of_space(void **state)
{
	struct fixture *f = *state;
	struct iommu_dma dma;
	void *hva;
	uint8_t buf[32];
	uint64_t fault = 0;
	size_t done = 99;

	assert_int_equal(iommu_map(f->dom, UINT64_MAX - 15, f->mem, 16, IOMMU_READ), 0);
	assert_int_equal(iommu_attach_device_pasid(f->dom, RID, IOMMU_NO_PASID), 0);
	iommu_dma_begin(f->iommu, RID, IOMMU_NO_PASID, &dma);
	assert_int_equal(iommu_dma_translate(&dma, UINT64_MAX - 7, 1000, IOMMU_READ, &hva), 8);
	assert_ptr_equal(hva, f->mem + 8);
	assert_int_equal(iommu_dma_read(&dma, UINT64_MAX - 15, buf, 16, &fault, &done), 0);
	assert_int_equal(done, 16);
	/* a range that would wrap to 0 is refused before anything moves */
	assert_int_equal(iommu_dma_read(&dma, UINT64_MAX - 15, buf, 17, &fault, &done), -EINVAL);
	assert_int_equal(done, 0);
	iommu_dma_end(&dma);
	iommu_detach_device_pasid(f->iommu, RID, IOMMU_NO_PASID);
}

static void test_dma_fault(void **state)
{
	struct fixture *f = *state;
	struct iommu_dma dma;
	uint8_t buf[0x3000];
	uint64_t fault = 0;
	size_t done = 0;
	unsigned int i;

	for (i = 0; i < 0x3000; i++)
		f->mem[i] = (uint8_t)(i * 7);
	/* two adjacent mappings at discontiguous host addresses, then a hole */
	assert_int_equal(iommu_map(f->dom, 0x40000, f->mem + 0x2000, 0x1000, IOMMU_READ), 0);
	assert_int_equal(iommu_map(f->dom, 0x41000, f->mem, 0x1000, IOMMU_READ | IOMMU_WRITE), 0);
	assert_int_equal(iommu_attach_device_pasid(f->dom, RID, 1), 0);
	iommu_dma_begin(f->iommu, RID, 1, &dma);

	assert_int_equal(iommu_dma_read(&dma, 0x40ff0, buf, 0x20, &fault, &done), 0);
	assert_int_equal(done, 0x20);
	assert_memory_equal(buf, f->mem + 0x2ff0, 0x10);
	assert_memory_equal(buf + 0x10, f->mem, 0x10);

	/* read crossing into the hole faults at its first byte */
	assert_int_equal(iommu_dma_read(&dma, 0x41ff8, buf, 0x20, &fault, &done), -EFAULT);
	assert_int_equal(fault, 0x42000);
	assert_int_equal(done, 8);
	assert_memory_equal(buf, f->mem + 0xff8, 8);

	/* write to the read-only mapping faults at once */
	memset(buf, 0xee, 16);
	assert_int_equal(iommu_dma_write(&dma, 0x40000, buf, 16, &fault, &done), -EFAULT);
	assert_int_equal(fault, 0x40000);
	assert_int_equal(done, 0);
	assert_int_not_equal(f->mem[0x2000], 0xee);
	/* write into the writable one, crossing its end into the hole */
	assert_int_equal(iommu_dma_write(&dma, 0x41ffc, buf, 16, &fault, NULL), -EFAULT);
	assert_int_equal(fault, 0x42000);
	assert_int_equal(f->mem[0xfff], 0xee);
	iommu_dma_end(&dma);
	iommu_detach_device_pasid(f->iommu, RID, 1);
}

static void test_many_mappings_sorted(void **state)
{
	struct fixture *f = *state;
	struct iommu_dma dma;
	unsigned int i, n = 512;
	void *hva;

	/* insert in a scrambled order; lookups must find every one */
	for (i = 0; i < n; i++) {
		unsigned int k = (i * 37) % n;

		assert_int_equal(iommu_map(f->dom, (uint64_t)k * 0x1000, f->mem + k * 64,
					   64, IOMMU_READ), 0);
	}
	assert_int_equal(iommu_domain_nr_mappings(f->dom), n);
	assert_int_equal(iommu_attach_device_pasid(f->dom, RID, 9), 0);
	iommu_dma_begin(f->iommu, RID, 9, &dma);
	for (i = 0; i < n; i++) {
		assert_int_equal(iommu_dma_translate(&dma, (uint64_t)i * 0x1000 + 8, 100,
						     IOMMU_READ, &hva), 56);
		assert_ptr_equal(hva, f->mem + i * 64 + 8);
		assert_int_equal(iommu_dma_translate(&dma, (uint64_t)i * 0x1000 + 64, 1,
						     IOMMU_READ, &hva), 0);
	}
	iommu_dma_end(&dma);
	iommu_detach_device_pasid(f->iommu, RID, 9);
	for (i = 0; i < n; i++)
		assert_int_equal(iommu_unmap(f->dom, (uint64_t)i * 0x1000, 64), 0);
}

static void test_mapping_limit(void **state)
{
	struct fixture *f = *state;
	unsigned int i;

	for (i = 0; i < IOMMU_DOMAIN_MAX_MAPPINGS; i++)
		assert_int_equal(iommu_map(f->dom, (uint64_t)i * 16, f->mem, 16, IOMMU_READ), 0);
	assert_int_equal(iommu_map(f->dom, (uint64_t)i * 16, f->mem, 16, IOMMU_READ), -ENOSPC);
	assert_int_equal(iommu_domain_nr_mappings(f->dom), IOMMU_DOMAIN_MAX_MAPPINGS);
	/* freeing the domain drops the remaining mappings (checked by ASan) */
}

static void test_attach_rules(void **state)
{
	struct fixture *f = *state;
	struct iommu_domain *d2 = iommu_domain_alloc(f->iommu);
	struct iommu_dma dma;
	void *hva;

	assert_int_equal(iommu_attach_device_pasid(f->dom, RID, IOMMU_PASID_MAX + 1), -EINVAL);
	assert_int_equal(iommu_attach_device_pasid(f->dom, RID, 0), 0);
	assert_int_equal(iommu_attach_device_pasid(d2, RID, 0), -EBUSY);
	assert_int_equal(iommu_attach_device_pasid(f->dom, RID, 0), -EBUSY);
	/* the same domain may serve several (rid, pasid) */
	assert_int_equal(iommu_attach_device_pasid(f->dom, RID2, IOMMU_PASID_MAX), 0);
	assert_int_equal(iommu_attach_device_pasid(d2, RID, IOMMU_NO_PASID), 0);

	assert_int_equal(iommu_map(d2, 0x1000, f->mem, 16, IOMMU_READ), 0);
	iommu_dma_begin(f->iommu, RID, IOMMU_NO_PASID, &dma);
	assert_int_equal(iommu_dma_translate(&dma, 0x1000, 16, IOMMU_READ, &hva), 16);
	iommu_dma_end(&dma);
	iommu_dma_begin(f->iommu, RID, 0, &dma);
	assert_int_equal(iommu_dma_translate(&dma, 0x1000, 16, IOMMU_READ, &hva), 0);
	iommu_dma_end(&dma);

	iommu_detach_device_pasid(f->iommu, RID, 0);
	assert_int_equal(iommu_attach_device_pasid(d2, RID, 0), 0);
	/* detach of something never attached is harmless */
	iommu_detach_device_pasid(f->iommu, 0xffff, 77);
	iommu_detach_device_pasid(f->iommu, RID, 0);
	iommu_detach_device_pasid(f->iommu, RID, IOMMU_NO_PASID);
	iommu_detach_device_pasid(f->iommu, RID2, IOMMU_PASID_MAX);
	iommu_domain_free(d2);
}

static void test_free_attached_domain(void **state)
{
	struct fixture *f = *state;
	struct iommu_domain *d2 = iommu_domain_alloc(f->iommu);
	struct iommu_dma dma;

	assert_int_equal(iommu_attach_device_pasid(d2, RID, 3), 0);
	/* a caller bug: must detach rather than leave a dangling pointer */
	iommu_domain_free(d2);
	iommu_dma_begin(f->iommu, RID, 3, &dma);
	assert_null(dma.dom);
	iommu_dma_end(&dma);
	assert_int_equal(iommu_attach_device_pasid(f->dom, RID, 3), 0);
	iommu_detach_device_pasid(f->iommu, RID, 3);
}

static void test_pasid_alloc(void **state)
{
	struct fixture *f = *state;
	int a, b, c;
	unsigned int i;

	a = iommu_pasid_alloc(f->iommu);
	b = iommu_pasid_alloc(f->iommu);
	assert_true(a >= 1 && b >= 1 && a != b);
	assert_int_equal(iommu_pasid_count(f->iommu), 2);
	iommu_pasid_free(f->iommu, (uint32_t)a);
	iommu_pasid_free(f->iommu, (uint32_t)a);	/* double free: logged, no effect */
	iommu_pasid_free(f->iommu, 0);
	assert_int_equal(iommu_pasid_count(f->iommu), 1);
	iommu_pasid_free(f->iommu, (uint32_t)b);

	/* exhaust the space: every PASID 1..MAX exactly once, never 0 */
	for (i = 0; i < IOMMU_PASID_MAX; i++) {
		c = iommu_pasid_alloc(f->iommu);
		assert_true(c >= 1 && c <= (int)IOMMU_PASID_MAX);
	}
	assert_int_equal(iommu_pasid_count(f->iommu), IOMMU_PASID_MAX);
	assert_int_equal(iommu_pasid_alloc(f->iommu), -ENOSPC);
	iommu_pasid_free(f->iommu, 4242);
	assert_int_equal(iommu_pasid_alloc(f->iommu), 4242);
	for (i = 1; i <= IOMMU_PASID_MAX; i++)
		iommu_pasid_free(f->iommu, i);
	assert_int_equal(iommu_pasid_count(f->iommu), 0);
}

/* ---- the in-flight rule --------------------------------------------------- */

struct window_thread {
	struct fixture *f;
	uint32_t pasid;
	atomic_int opened;
	atomic_int release;
	atomic_int result;	/* translation result seen inside the window */
	atomic_int done;
	atomic_int tid;
};

/*
 * Wait until thread @tid is blocked on a lock: asleep in futex(2) on three
 * looks 20 ms apart (a sanitizer runtime may sleep briefly on its own
 * locks on the way; a blocked thread stays).
 */
static void wait_blocked(atomic_int *tid, atomic_int *done)
{
	int i, seen = 0;

	for (i = 0; i < 20000; i++) {
		int t = atomic_load(tid);

		assert_int_equal(atomic_load(done), 0);
		seen = t && test_thread_in_futex(t) ? seen + 1 : 0;
		if (seen == 3)
			return;
		usleep(seen ? 20000 : 500);
	}
	fail_msg("thread never blocked");
}

static void *window_holder(void *arg)
{
	struct window_thread *w = arg;
	struct iommu_dma dma;
	void *hva;

	atomic_store(&w->tid, (int)syscall(SYS_gettid));
	iommu_dma_begin(w->f->iommu, RID, w->pasid, &dma);
	atomic_store(&w->result, (int)iommu_dma_translate(&dma, 0x1000, 16, IOMMU_READ, &hva));
	atomic_store(&w->opened, 1);
	while (!atomic_load(&w->release))
		usleep(100);
	iommu_dma_end(&dma);
	atomic_store(&w->done, 1);
	return NULL;
}

struct unmap_thread {
	struct fixture *f;
	atomic_int tid;
	atomic_int done;
	int ret;
	bool detach;
};

static void *unmapper(void *arg)
{
	struct unmap_thread *u = arg;

	atomic_store(&u->tid, (int)syscall(SYS_gettid));
	if (u->detach)
		iommu_detach_device_pasid(u->f->iommu, RID, 2);
	else
		u->ret = iommu_unmap(u->f->dom, 0x1000, 0x1000);
	atomic_store(&u->done, 1);
	return NULL;
}

static void test_unmap_waits_for_window(void **state)
{
	struct fixture *f = *state;
	struct window_thread w = { .f = f, .pasid = 2 };
	struct window_thread late = { .f = f, .pasid = 2 };
	struct unmap_thread u = { .f = f };
	pthread_t tw, tu, tl;

	assert_int_equal(iommu_map(f->dom, 0x1000, f->mem, 0x1000, IOMMU_READ), 0);
	assert_int_equal(iommu_attach_device_pasid(f->dom, RID, 2), 0);

	pthread_create(&tw, NULL, window_holder, &w);
	while (!atomic_load(&w.opened))
		usleep(100);
	assert_int_equal(atomic_load(&w.result), 16);

	pthread_create(&tu, NULL, unmapper, &u);
	wait_blocked(&u.tid, &u.done);		/* blocked while the window is open */

	/* a window opened now queues behind the waiting writer */
	pthread_create(&tl, NULL, window_holder, &late);
	wait_blocked(&late.tid, &late.opened);
	assert_int_equal(atomic_load(&u.done), 0);

	/* still waiting while the window is open (it went to sleep above) */
	assert_int_equal(atomic_load(&u.done), 0);
	atomic_store(&w.release, 1);
	pthread_join(tu, NULL);
	assert_int_equal(u.ret, 0);
	pthread_join(tw, NULL);

	/* writer preference: the late window saw the mapping already gone */
	while (!atomic_load(&late.opened))
		usleep(100);
	assert_int_equal(atomic_load(&late.result), 0);
	atomic_store(&late.release, 1);
	pthread_join(tl, NULL);
	iommu_detach_device_pasid(f->iommu, RID, 2);
}

static void test_detach_waits_for_window(void **state)
{
	struct fixture *f = *state;
	struct window_thread w = { .f = f, .pasid = 2 };
	struct unmap_thread u = { .f = f, .detach = true };
	pthread_t tw, tu;

	assert_int_equal(iommu_map(f->dom, 0x1000, f->mem, 0x1000, IOMMU_READ), 0);
	assert_int_equal(iommu_attach_device_pasid(f->dom, RID, 2), 0);
	pthread_create(&tw, NULL, window_holder, &w);
	while (!atomic_load(&w.opened))
		usleep(100);
	pthread_create(&tu, NULL, unmapper, &u);
	wait_blocked(&u.tid, &u.done);
	/*
	 * Blocked while the window is open; done is set by the window thread
	 * after iommu_dma_end(), so it cannot be checked against the detach.
	 */
	assert_int_equal(atomic_load(&u.done), 0);
	atomic_store(&w.release, 1);
	pthread_join(tu, NULL);
	pthread_join(tw, NULL);
	assert_int_equal(iommu_unmap(f->dom, 0x1000, 0x1000), 0);
}

/* DMA in several threads against map/unmap/attach/detach churn (ASan/UBSan). */
struct churn {
	struct fixture *f;
	atomic_int stop;
	atomic_long windows;
};

static void *dma_churn(void *arg)
{
	struct churn *c = arg;
	uint8_t buf[64];

	while (!atomic_load(&c->stop)) {
		struct iommu_dma dma;
		uint64_t fault;
		size_t done;

		iommu_dma_begin(c->f->iommu, RID, 7, &dma);
		if (iommu_dma_read(&dma, 0x8000, buf, sizeof(buf), &fault, &done) == 0)
			assert_int_equal(buf[0], 0x5a);
		else
			assert_int_equal(fault, 0x8000);
		iommu_dma_end(&dma);
		atomic_fetch_add(&c->windows, 1);
	}
	return NULL;
}

static void test_concurrent_churn(void **state)
{
	struct fixture *f = *state;
	struct churn c = { .f = f };
	pthread_t t[2];
	unsigned int i;

	memset(f->mem, 0x5a, 4096);
	for (i = 0; i < 2; i++)
		pthread_create(&t[i], NULL, dma_churn, &c);
	for (i = 0; i < 2000; i++) {
		struct iommu_domain *d = iommu_domain_alloc(f->iommu);
		uint8_t *mem = malloc(4096);

		memset(mem, 0x5a, 4096);
		assert_int_equal(iommu_map(d, 0x8000, mem, 4096, IOMMU_READ), 0);
		assert_int_equal(iommu_attach_device_pasid(d, RID, 7), 0);
		if (i & 1)
			assert_int_equal(iommu_unmap(d, 0x8000, 4096), 0);
		iommu_detach_device_pasid(f->iommu, RID, 7);
		/* after detach no window can reach d or mem any more */
		memset(mem, 0, 4096);
		free(mem);
		iommu_domain_free(d);
	}
	atomic_store(&c.stop, 1);
	for (i = 0; i < 2; i++)
		pthread_join(t[i], NULL);
	assert_true(atomic_load(&c.windows) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_map_invalid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_map_overlap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_translate_top_of_space, setup, teardown),
		cmocka_unit_test_setup_teardown(test_dma_fault, setup, teardown),
		cmocka_unit_test_setup_teardown(test_many_mappings_sorted, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mapping_limit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_attach_rules, setup, teardown),
		cmocka_unit_test_setup_teardown(test_free_attached_domain, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pasid_alloc, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unmap_waits_for_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_detach_waits_for_window, setup, teardown),
		cmocka_unit_test_setup_teardown(test_concurrent_churn, setup, teardown),
	};

	return cmocka_run_group_tests_name("iommu", tests, NULL, NULL);
}
