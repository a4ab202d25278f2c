// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR2 backing and bar_mmap: every 4 KiB portal page is a file of its own,
 * and what bar_mmap hands out for a page reaches that page and nothing else
 * (pci_func.h: the fd gives access to nothing outside the requested range
 * rounded out to pages). A client handed its WQ's page must not be able to
 * reach another WQ's page through the file, by offset, by size, or by
 * growing it; and must not be able to shrink it under the engines. The
 * engines still poll the page through the device's own mapping.
 * bar_revoke takes a page back: the file handed out before is cut off from
 * the device for good, and the page gets a new one.
 * Through dsa_hw_pci_ops only.
 */
#include <errno.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "dsa_harness.h"
#include "test_thread.h"
#include "test_mem.h"

#define NR_WQS		8			/* dsa_hw_params_dsa2() */
#define NR_PAGES	(NR_WQS * DSA_PORTALS_PER_WQ)
#define DSA_SLOTS_PER_PAGE	(DSA_PORTAL_SIZE / DSA_DESC_SIZE)

static int bar2_mmap(struct harness *h, uint64_t off, uint64_t len, int *fd, uint64_t *fd_off)
{
	return h->ops->bar_mmap(h->hw, DSA_WQ_BAR, off, len, fd, fd_off);
}

/* Every page: its own file of one page, named after it, sealed. */
static void test_page_fds(void **state)
{
	struct harness *h = *state;
	struct stat st[NR_PAGES];
	char link[64], name[128], want[64];
	unsigned int i, j;
	uint64_t fd_off;
	int fd, seals;
	ssize_t n;

	assert_int_equal(h->p.num_wqs, NR_WQS);
	for (i = 0; i < NR_PAGES; i++) {
		assert_int_equal(bar2_mmap(h, (uint64_t)i * DSA_PORTAL_SIZE, DSA_PORTAL_SIZE, &fd,
					   &fd_off), 0);
		assert_int_equal(fd_off, 0);
		assert_int_equal(fstat(fd, &st[i]), 0);
		assert_int_equal(st[i].st_size, DSA_PORTAL_SIZE);
		for (j = 0; j < i; j++)
			assert_false(st[j].st_dev == st[i].st_dev && st[j].st_ino == st[i].st_ino);

		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, name, sizeof(name) - 1);
		assert_true(n > 0);
		name[n] = '\0';
		snprintf(want, sizeof(want), "/memfd:siovd-dsa-wq%u-portal%u ",
			 i / DSA_PORTALS_PER_WQ, i % DSA_PORTALS_PER_WQ);
		assert_non_null(strstr(name, want));

		/* neither shrunk under the engines nor grown over more memory */
		seals = fcntl(fd, F_GET_SEALS);
		assert_int_equal(seals & (F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL),
				 F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_SEAL);
		assert_int_equal(ftruncate(fd, 2 * DSA_PORTAL_SIZE), -1);
		assert_int_equal(errno, EPERM);
		assert_int_equal(ftruncate(fd, 0), -1);
		assert_int_equal(errno, EPERM);
		assert_int_equal(fcntl(fd, F_ADD_SEALS, F_SEAL_WRITE), -1);
	}

	/* part of a page: the page's file, the offset inside it */
	assert_int_equal(bar2_mmap(h, 5 * DSA_PORTAL_SIZE + 128, 64, &fd, &fd_off), 0);
	assert_int_equal(fd_off, 128);
	{
		struct stat s;

		assert_int_equal(fstat(fd, &s), 0);
		assert_int_equal(s.st_ino, st[5].st_ino);
	}
}

/* Nothing spanning two pages is handed out: no one file backs it. */
static void test_spanning_refused(void **state)
{
	struct harness *h = *state;
	struct pci_func_bar_info info;
	uint64_t fd_off = 77;
	int fd = -77;

	assert_int_equal(h->ops->bar_info(h->hw, DSA_WQ_BAR, &info), 0);
	assert_int_equal(bar2_mmap(h, 0, 2 * DSA_PORTAL_SIZE, &fd, &fd_off), -EOPNOTSUPP);
	assert_int_equal(bar2_mmap(h, DSA_PORTAL_SIZE - 64, 128, &fd, &fd_off), -EOPNOTSUPP);
	assert_int_equal(bar2_mmap(h, 0, DSA_PORTALS_PER_WQ * DSA_PORTAL_SIZE, &fd, &fd_off),
			 -EOPNOTSUPP);
	/* WQ 0's last page and WQ 1's first */
	assert_int_equal(bar2_mmap(h, 3 * DSA_PORTAL_SIZE, 2 * DSA_PORTAL_SIZE, &fd, &fd_off),
			 -EOPNOTSUPP);
	assert_int_equal(bar2_mmap(h, 0, info.size, &fd, &fd_off), -EOPNOTSUPP);
	/* nothing came back */
	assert_int_equal(fd, -77);
	assert_int_equal(fd_off, 77);
	/* the last byte of a page is still that page alone */
	assert_int_equal(bar2_mmap(h, 2 * DSA_PORTAL_SIZE - 1, 1, &fd, &fd_off), 0);
	assert_int_equal(fd_off, DSA_PORTAL_SIZE - 1);
}

/* BAR2 is a power of two: past the last WQ's portals nothing backs it. */
static void test_past_last_wq(void **state)
{
	struct dsa_hw_params p;
	struct pci_func_bar_info info;
	struct harness h;
	uint64_t fd_off;
	int fd;

	(void)state;
	dsa_hw_params_dsa2(&p);
	p.num_wqs = 3;
	p.page_req_timeout_ms = 20000;
	h_setup(&h, &p);
	assert_int_equal(h.ops->bar_info(h.hw, DSA_WQ_BAR, &info), 0);
	assert_int_equal(info.size, 4 * DSA_PORTALS_PER_WQ * DSA_PORTAL_SIZE);
	/* what bar_mmap's fds back, told without handing anything out */
	assert_int_equal(info.mmap_unit, DSA_PORTAL_SIZE);
	assert_int_equal(h.ops->bar_info(h.hw, DSA_MMIO_BAR, &info), 0);
	assert_int_equal(info.mmap_unit, 0);
	assert_int_equal(bar2_mmap(&h, 11 * DSA_PORTAL_SIZE, DSA_PORTAL_SIZE, &fd, &fd_off), 0);
	assert_int_equal(bar2_mmap(&h, 12 * DSA_PORTAL_SIZE, DSA_PORTAL_SIZE, &fd, &fd_off),
			 -ENODEV);
	assert_int_equal(bar2_mmap(&h, 15 * DSA_PORTAL_SIZE, DSA_PORTAL_SIZE, &fd, &fd_off),
			 -ENODEV);
	h_teardown(&h);
}

/* The slot protocol of the mmap portal: body, then the first qword with release. */
static void slot_write(uint8_t *slot, const struct dsa_hw_desc *d)
{
	uint64_t first;

	memcpy(slot + 8, (const uint8_t *)d + 8, DSA_DESC_SIZE - 8);
	memcpy(&first, d, 8);
	atomic_store_explicit((_Atomic uint64_t *)(void *)slot, first, memory_order_release);
}

/*
 * A descriptor written through the mapping of a handed-out fd is what the
 * device sees: the engine polls its own mapping of the same file. Every
 * page of WQ 1 (unlimited and limited, MSI-X and IMS).
 */
static void test_handed_out_page_executes(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = h_ptr(h, 0x1000);
	uint8_t *src = h_ptr(h, 0x10000), *dst = h_ptr(h, 0x20000);
	struct dsa_hw_desc d;
	unsigned int page, i;
	uint8_t *p;

	h_start(h, 2, 32, 1);
	for (i = 0; i < 4096; i++)
		src[i] = (uint8_t)(i * 7 + 3);
	for (page = 0; page < DSA_PORTALS_PER_WQ; page++) {
		memset(dst, 0, 4096);
		memset(cr, 0, sizeof(*cr));
		p = h_map_portal(h, 1, page);
		h_desc(h, &d, DSA_OPCODE_MEMMOVE, cr);
		d.src_addr = h_iova(h, src);
		d.dst_addr = h_iova(h, dst);
		d.xfer_size = 4096;
		slot_write(p, &d);
		assert_int_equal(h_wait(cr), DSA_COMP_SUCCESS);
		assert_memory_equal(dst, src, 4096);
		/* consumed: handed back zeroed */
		assert_int_equal(atomic_load((_Atomic uint64_t *)(void *)p), 0);
		munmap(p, DSA_PORTAL_SIZE);
	}
}

static unsigned int count_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	unsigned int n = 0;

	assert_non_null(dir);
	while (readdir(dir))
		n++;
	closedir(dir);
	return n;
}

/* Mappings of portal files in this process. */
static unsigned int count_portal_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned int n = 0;
	char line[512];

	assert_non_null(f);
	while (fgets(line, sizeof(line), f))
		n += strstr(line, "/memfd:siovd-dsa-wq") != NULL;
	fclose(f);
	return n;
}

static int lowest_free_fd(void)
{
	int fd = dup(0);

	assert_true(fd >= 0);
	close(fd);
	return fd;
}

/*
 * Running out of fds while creating the portal files (on the first one,
 * and part-way through) fails the creation with EMFILE and leaves no fd and
 * no mapping behind.
 */
static void test_create_out_of_fds(void **state)
{
	struct harness *h = *state;
	unsigned int fds = count_fds(), maps = count_portal_maps();
	struct rlimit old, lim;
	struct dsa_hw_params p;
	struct dsa_hw *hw;
	int room;

	assert_int_equal(maps, NR_PAGES);	/* the harness's device */
	dsa_hw_params_dsa2(&p);
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old), 0);
	for (room = 0; room <= 5; room += 5) {
		lim = old;
		lim.rlim_cur = (rlim_t)(lowest_free_fd() + room);
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &lim), 0);
		errno = 0;
		hw = dsa_hw_create(&p, h->iommu, h->ir, H_RID + 1);
		assert_int_equal(setrlimit(RLIMIT_NOFILE, &old), 0);
		if (hw)
			dsa_hw_destroy(hw);
		assert_null(hw);
		assert_int_equal(errno, EMFILE);
		assert_int_equal(count_fds(), fds);
		assert_int_equal(count_portal_maps(), maps);
	}
	/* and with room, it works and goes away whole */
	hw = dsa_hw_create(&p, h->iommu, h->ir, H_RID + 1);
	assert_non_null(hw);
	assert_int_equal(count_fds(), fds + NR_PAGES);
	assert_int_equal(count_portal_maps(), 2 * NR_PAGES);
	dsa_hw_destroy(hw);
	assert_int_equal(count_fds(), fds);
	assert_int_equal(count_portal_maps(), maps);
}

/* ---- bar_revoke -------------------------------------------------------------- */

static uint64_t page_off(unsigned int wq, unsigned int page)
{
	return ((uint64_t)wq * DSA_PORTALS_PER_WQ + page) * DSA_PORTAL_SIZE;
}

static int bar2_revoke(struct harness *h, uint64_t off, uint64_t len)
{
	return h->ops->bar_revoke(h->hw, DSA_WQ_BAR, off, len);
}

/*
 * A client's mapping of portal page @page of WQ @wq: bar_mmap, then mmap of
 * a copy of the fd (as the transport sends a copy), kept in *@fd with its
 * stat in *@st; *@model_fd is the model's own fd. Undone by munmap + close.
 */
static uint8_t *client_map(struct harness *h, unsigned int wq, unsigned int page, int *fd,
			   int *model_fd, struct stat *st)
{
	uint64_t fd_off;
	uint8_t *p;
	int mfd;

	assert_int_equal(bar2_mmap(h, page_off(wq, page), DSA_PORTAL_SIZE, &mfd, &fd_off), 0);
	assert_int_equal(fd_off, 0);
	*fd = fcntl(mfd, F_DUPFD_CLOEXEC, 0);
	assert_true(*fd >= 0);
	if (model_fd)
		*model_fd = mfd;
	assert_int_equal(fstat(*fd, st), 0);
	p = mmap(NULL, DSA_PORTAL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	assert_true(p != MAP_FAILED);
	return p;
}

static void client_unmap(uint8_t *p, int fd)
{
	munmap(p, DSA_PORTAL_SIZE);
	close(fd);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

static uint64_t slot_q0(const uint8_t *page, unsigned int slot)
{
	return atomic_load_explicit((const _Atomic uint64_t *)(const void *)
				    (page + (size_t)slot * DSA_DESC_SIZE), memory_order_acquire);
}

/* A FILL of @len bytes of @dst with @byte repeated, its record at @cr. */
static void fill_desc(struct harness *h, struct dsa_hw_desc *d, void *dst, uint32_t len,
		      uint8_t byte, struct dsa_completion_record *cr)
{
	h_desc(h, d, DSA_OPCODE_MEMFILL, cr);
	d->pattern = 0x0101010101010101ULL * byte;
	d->dst_addr = h_iova(h, dst);
	d->xfer_size = len;
}

/*
 * For @ms: the stale descriptor's record stays 0, its destination stays
 * as it was (zero), the slots of the old page stay full (never taken).
 */
static void assert_never_runs(const struct dsa_completion_record *cr, const void *dst,
			      size_t len, const uint8_t *old, unsigned int slots, unsigned int ms)
{
	unsigned int i, k;

	for (i = 0; i < ms / 10; i++) {
		assert_int_equal(atomic_load((const _Atomic uint8_t *)&cr->status), 0);
		assert_true(test_all_bytes(dst, 0, len));
		for (k = 0; k < slots; k++)
			assert_int_not_equal(slot_q0(old, k), 0);
		usleep(10000);
	}
}

/*
 * Every page of WQ 1: a client's mapping works until bar_revoke; after it,
 * what is written through that mapping never runs (record 0, destination
 * untouched, slots never taken), while a new bar_mmap of the page hands
 * out another file whose slot 0 is the first taken (the cursor started
 * again) and whose descriptors run. The model's fd of the old file is
 * closed; a copy of it still reaches the old file, and only that.
 */
static void test_revoke_cuts_off_old_file(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr0 = h_ptr(h, 0x1000), *cr1 = h_ptr(h, 0x1040);
	uint8_t *dst0 = h_ptr(h, 0x10000), *dst1 = h_ptr(h, 0x20000);
	struct stat st_old, st_new, st;
	int fd_old, fd_new, model_fd;
	uint8_t *old, *new;
	struct dsa_hw_desc d;
	unsigned int page;

	h_start(h, 2, 32, 1);
	for (page = 0; page < DSA_PORTALS_PER_WQ; page++) {
		memset(dst0, 0, 4096);
		memset(dst1, 0, 4096);
		old = client_map(h, 1, page, &fd_old, &model_fd, &st_old);
		/* works: slot 0 taken, the device's cursor moves to slot 1 */
		fill_desc(h, &d, dst0, 4096, 0x11, cr0);
		slot_write(old, &d);
		assert_int_equal(h_wait(cr0), DSA_COMP_SUCCESS);
		assert_true(test_all_bytes(dst0, 0x11, 4096));

		assert_int_equal(bar2_revoke(h, page_off(1, page), DSA_PORTAL_SIZE), 0);
		assert_int_equal(fcntl(model_fd, F_GETFD), -1);
		assert_int_equal(errno, EBADF);
		assert_int_equal(fstat(fd_old, &st), 0);
		assert_true(same_file(&st, &st_old));

		/* the stale client writes where the old cursor was, and at slot 0 */
		fill_desc(h, &d, dst1, 4096, 0x5a, cr1);
		slot_write(old + DSA_DESC_SIZE, &d);
		slot_write(old, &d);

		new = client_map(h, 1, page, &fd_new, NULL, &st_new);
		assert_false(same_file(&st_new, &st_old));
		assert_true(test_all_bytes(new, 0, DSA_PORTAL_SIZE));
		fill_desc(h, &d, dst0, 4096, 0x22, cr0);
		slot_write(new, &d);
		assert_int_equal(h_wait(cr0), DSA_COMP_SUCCESS);
		assert_true(test_all_bytes(dst0, 0x22, 4096));
		assert_int_equal(slot_q0(new, 0), 0);

		assert_never_runs(cr1, dst1, 4096, old, 2, 100);
		client_unmap(old, fd_old);
		client_unmap(new, fd_new);
	}
}

/*
 * Errors: a page never handed out, or not since its last revoke, -ENOENT;
 * a range spanning pages -EOPNOTSUPP; BAR0, other BARs and BAR2 past the
 * portals -ENODEV; an empty range -EINVAL. Part of a page is its page.
 */
static void test_revoke_errors(void **state)
{
	struct harness *h = *state;
	struct pci_func_bar_info info;
	uint64_t fd_off;
	int fd;

	assert_int_equal(h->ops->bar_info(h->hw, DSA_WQ_BAR, &info), 0);
	assert_int_equal(bar2_revoke(h, page_off(2, 1), DSA_PORTAL_SIZE), -ENOENT);
	assert_int_equal(bar2_revoke(h, 0, 2 * DSA_PORTAL_SIZE), -EOPNOTSUPP);
	assert_int_equal(bar2_revoke(h, DSA_PORTAL_SIZE - 64, 128), -EOPNOTSUPP);
	assert_int_equal(bar2_revoke(h, 0, info.size), -EOPNOTSUPP);
	assert_int_equal(bar2_revoke(h, page_off(2, 1), 0), -EINVAL);
	assert_int_equal(bar2_revoke(h, info.size, DSA_PORTAL_SIZE), -ENODEV);
	assert_int_equal(bar2_revoke(h, info.size - DSA_PORTAL_SIZE, 2 * DSA_PORTAL_SIZE),
			 -ENODEV);
	assert_int_equal(h->ops->bar_revoke(h->hw, DSA_MMIO_BAR, 0, DSA_PORTAL_SIZE), -ENODEV);
	assert_int_equal(h->ops->bar_revoke(h->hw, 4, 0, DSA_PORTAL_SIZE), -ENODEV);
	assert_int_equal(h->ops->bar_revoke(h->hw, -1, 0, DSA_PORTAL_SIZE), -ENODEV);

	/* handed out as a part, revoked as another part of the same page: once */
	assert_int_equal(bar2_mmap(h, page_off(2, 1) + 128, 64, &fd, &fd_off), 0);
	assert_int_equal(bar2_revoke(h, page_off(2, 1) + 4032, 64), 0);
	assert_int_equal(bar2_revoke(h, page_off(2, 1), DSA_PORTAL_SIZE), -ENOENT);
	/* the neighbours were never handed out */
	assert_int_equal(bar2_revoke(h, page_off(2, 0), DSA_PORTAL_SIZE), -ENOENT);
	assert_int_equal(bar2_revoke(h, page_off(2, 2), DSA_PORTAL_SIZE), -ENOENT);
}

/*
 * Out of fds when the new file is made: the revoke fails with EMFILE, but
 * the old file is cut off all the same (what is written there never runs)
 * and is not handed out again: bar_mmap fails the same way until it can
 * make the new file, then hands it out.
 */
static void test_revoke_out_of_fds(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr0 = h_ptr(h, 0x1000), *cr1 = h_ptr(h, 0x1040);
	uint8_t *dst0 = h_ptr(h, 0x10000), *dst1 = h_ptr(h, 0x20000);
	struct stat st_old, st_new;
	struct rlimit old_lim, lim;
	int fd_old, fd_new, fd, rc;
	uint8_t *old, *new;
	struct dsa_hw_desc d;
	uint64_t fd_off;

	h_start(h, 1, 32, 1);
	memset(dst0, 0, 4096);
	memset(dst1, 0, 4096);
	old = client_map(h, 0, 0, &fd_old, NULL, &st_old);

	assert_int_equal(getrlimit(RLIMIT_NOFILE, &old_lim), 0);
	lim = old_lim;
	lim.rlim_cur = (rlim_t)lowest_free_fd();
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &lim), 0);
	rc = bar2_revoke(h, page_off(0, 0), DSA_PORTAL_SIZE);
	fd = -1;
	if (rc == -EMFILE)
		rc = bar2_mmap(h, page_off(0, 0), DSA_PORTAL_SIZE, &fd, &fd_off);
	assert_int_equal(setrlimit(RLIMIT_NOFILE, &old_lim), 0);
	assert_int_equal(rc, -EMFILE);
	assert_int_equal(fd, -1);

	fill_desc(h, &d, dst1, 4096, 0x5a, cr1);
	slot_write(old, &d);
	assert_never_runs(cr1, dst1, 4096, old, 1, 100);

	/* with room again: a new file, and it works */
	new = client_map(h, 0, 0, &fd_new, NULL, &st_new);
	assert_false(same_file(&st_new, &st_old));
	fill_desc(h, &d, dst0, 4096, 0x22, cr0);
	slot_write(new, &d);
	assert_int_equal(h_wait(cr0), DSA_COMP_SUCCESS);
	assert_true(test_all_bytes(dst0, 0x22, 4096));
	assert_never_runs(cr1, dst1, 4096, old, 1, 50);
	/* that was the revoke's second try: nothing left to revoke but the new file */
	assert_int_equal(bar2_revoke(h, page_off(0, 0), DSA_PORTAL_SIZE), 0);
	assert_int_equal(bar2_revoke(h, page_off(0, 0), DSA_PORTAL_SIZE), -ENOENT);
	client_unmap(old, fd_old);
	client_unmap(new, fd_new);
}

/*
 * Drain and revoke: a revoked page full of stale descriptors does not hold
 * a drain (nobody will take them), and a page handed out again is not
 * skipped: a descriptor written there before DRAIN_WQ has completed when
 * the drain returns.
 */
static void test_revoke_and_drain(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr0 = h_ptr(h, 0x1000), *cr1 = h_ptr(h, 0x1040);
	uint8_t *dst0 = h_ptr(h, 0x10000), *dst1 = h_ptr(h, 0x20000);
	struct stat st_old, st_new;
	int fd_old, fd_new;
	uint8_t *old, *new;
	struct dsa_hw_desc d;
	unsigned int i;

	h_start(h, 1, 32, 1);
	memset(dst1, 0, 4096);
	old = client_map(h, 0, 0, &fd_old, NULL, &st_old);
	assert_int_equal(bar2_revoke(h, page_off(0, 0), DSA_PORTAL_SIZE), 0);
	fill_desc(h, &d, dst1, 4096, 0x5a, cr1);
	for (i = 0; i < DSA_SLOTS_PER_PAGE; i++)
		slot_write(old + (size_t)i * DSA_DESC_SIZE, &d);
	assert_int_equal(h_cmd(h, IDXD_CMD_DRAIN_WQ, idxd_wq_mask_operand(0)), 0);

	new = client_map(h, 0, 0, &fd_new, NULL, &st_new);
	for (i = 0; i < 8; i++) {
		memset(dst0, 0, 4096);
		fill_desc(h, &d, dst0, 4096, (uint8_t)(0x30 + i), cr0);
		slot_write(new + (size_t)i * DSA_DESC_SIZE, &d);
		assert_int_equal(h_cmd(h, IDXD_CMD_DRAIN_WQ, idxd_wq_mask_operand(0)), 0);
		assert_int_equal(atomic_load((_Atomic uint8_t *)&cr0->status), DSA_COMP_SUCCESS);
		assert_true(test_all_bytes(dst0, (uint8_t)(0x30 + i), 4096));
	}
	assert_never_runs(cr1, dst1, 4096, old, DSA_SLOTS_PER_PAGE, 50);
	client_unmap(old, fd_old);
	client_unmap(new, fd_new);
}

#define STORM_DESCS	4096	/* more than a cycle writes before its revoke */
#define STORM_LEN	64
#define STORM_CYCLES	40U

struct storm {
	struct harness *h;
	uint8_t *page;
	uint8_t *dst;				/* STORM_DESCS x STORM_LEN */
	struct dsa_completion_record *cr;	/* STORM_DESCS records */
	atomic_uint written;
	atomic_bool stop;
	unsigned int limit;			/* the writer stops after this many */
};

static uint8_t storm_byte(unsigned int i)
{
	return (uint8_t)(i % 255 + 1);
}

/*
 * A client writing descriptors through its mapping as fast as the device
 * takes them, until told to stop (its next slot stays full once the page
 * is revoked: nobody takes them any more), or after 2 s stuck. It writes
 * at most s->limit, two pages' worth past the revoke point, and then
 * waits for the stop: on a loaded machine the revoking thread may not run
 * until long after that point, and the writer must not run out of
 * descriptors (or records) first.
 */
static void *test_revoke_storm_writer(void *arg)
{
	struct storm *s = arg;
	struct dsa_hw_desc d;
	unsigned int i, waited;

	for (i = 0; i < STORM_DESCS && !atomic_load(&s->stop); i++) {
		if (i == s->limit) {
			while (!atomic_load(&s->stop))
				usleep(100);
			return NULL;
		}
		uint8_t *slot = s->page + (size_t)(i % DSA_SLOTS_PER_PAGE) * DSA_DESC_SIZE;

		for (waited = 0; slot_q0(slot, 0); waited++) {
			if (waited >= 200000 || atomic_load(&s->stop))
				return NULL;
			usleep(10);
		}
		fill_desc(s->h, &d, s->dst + (size_t)i * STORM_LEN, STORM_LEN, storm_byte(i),
			  &s->cr[i]);
		slot_write(slot, &d);
		atomic_store(&s->written, i + 1);
	}
	return NULL;
}

static unsigned int storm_done(struct storm *s)
{
	unsigned int n = 0;

	while (n < STORM_DESCS && atomic_load((_Atomic uint8_t *)&s->cr[n].status))
		n++;
	return n;
}

/*
 * One cycle: a client maps the page and writes as fast as it can; after
 * its @target-th descriptor, at whatever point the engine's polling is,
 * the page is revoked. Every descriptor ran whole (SUCCESS, destination
 * filled) or not at all (record 0, destination untouched); with one engine
 * the ones that ran are the first ones; none ran torn (half old file, half
 * new: an error in SWERR, or a stalled cursor); none ran after the revoke
 * and the drain returned. Return: how many ran.
 */
static unsigned int storm_cycle(struct harness *h, struct storm *s, unsigned int target)
{
	unsigned int i, done, written;
	struct stat st;
	pthread_t t;
	int fd;

	memset(s->dst, 0, (size_t)STORM_DESCS * STORM_LEN);
	memset(s->cr, 0, (size_t)STORM_DESCS * sizeof(*s->cr));
	atomic_store(&s->written, 0);
	atomic_store(&s->stop, false);
	s->limit = target + 2 * DSA_SLOTS_PER_PAGE;
	s->page = client_map(h, 0, 0, &fd, NULL, &st);
	assert_int_equal(pthread_create(&t, NULL, test_revoke_storm_writer, s), 0);
	for (i = 0; i < 2000000 && atomic_load(&s->written) < target; i++)
		sched_yield();
	assert_int_equal(bar2_revoke(h, page_off(0, 0), DSA_PORTAL_SIZE), 0);
	/* what was taken before the revoke is done once the drain returns */
	assert_int_equal(h_cmd(h, IDXD_CMD_DRAIN_WQ, idxd_wq_mask_operand(0)), 0);
	done = storm_done(s);
	usleep(2000);
	atomic_store(&s->stop, true);
	pthread_join(t, NULL);
	written = atomic_load(&s->written);
	assert_true(written >= target);
	assert_true(written < STORM_DESCS);
	for (i = 0; i < written; i++) {
		uint8_t st_i = atomic_load((_Atomic uint8_t *)&s->cr[i].status);
		const uint8_t *dst = s->dst + (size_t)i * STORM_LEN;

		if (i < done) {
			assert_int_equal(st_i, DSA_COMP_SUCCESS);
			assert_true(test_all_bytes(dst, storm_byte(i), STORM_LEN));
		} else {
			assert_int_equal(st_i, 0);
			assert_true(test_all_bytes(dst, 0, STORM_LEN));
		}
	}
	assert_int_equal(storm_done(s), done);
	assert_false(h_rd64(h, IDXD_SWERR_OFFSET) & IDXD_SWERR_VALID);
	client_unmap(s->page, fd);
	return done;
}

/*
 * WQCFG's occupancy counts what a client wrote to its mapped portal page
 * and the device has not taken yet (the poller takes slots in batches,
 * when the ring runs low), as well as what waits in the WQ: the engine is
 * held by a block-on-fault descriptor, so nothing is taken meanwhile.
 */
static void test_occupancy_counts_mapped_slots(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *hold = h_ptr(h, 0x1000), *cr = h_ptr(h, 0x2000);
	struct dsa_hw_desc d;
	uint8_t *page;
	unsigned int i;

	h_start(h, 1, 16, 1);
	page = h_map_portal(h, 0, 0);
	h_block(h, 0, 0, hold);
	assert_int_equal(h_occupancy(h, 0), 0);
	for (i = 0; i < 5; i++) {
		h_desc(h, &d, DSA_OPCODE_NOOP, &cr[i]);
		slot_write(page + (size_t)i * DSA_DESC_SIZE, &d);
	}
	assert_int_equal(h_occupancy(h, 0), 5);
	for (i = 5; i < 7; i++) {
		h_desc(h, &d, DSA_OPCODE_NOOP, &cr[i]);
		assert_int_equal(h_submit(h, 0, 0, &d), 0);
	}
	assert_int_equal(h_occupancy(h, 0), 7);
	h_unblock(h);
	assert_int_equal(h_wait(hold), DSA_COMP_SUCCESS);
	for (i = 0; i < 7; i++)
		assert_int_equal(h_wait(&cr[i]), DSA_COMP_SUCCESS);
	assert_int_equal(h_occupancy(h, 0), 0);
	munmap(page, DSA_PORTAL_SIZE);
}

/* stderr into a temporary file; returns it, *@saved the real stderr. */
static int stderr_capture(int *saved)
{
	char path[] = "/tmp/dsa-portal-log.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	fflush(stderr);
	*saved = dup(2);
	assert_true(*saved >= 0);
	assert_int_equal(dup2(fd, 2), 2);
	return fd;
}

static void stderr_restore(int fd, int saved)
{
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
}

/* What was captured in @fd so far, NUL-terminated, in @buf. */
static const char *captured(int fd, char *buf, size_t size)
{
	ssize_t n;

	fflush(stderr);
	n = pread(fd, buf, size - 1, 0);
	buf[n > 0 ? n : 0] = '\0';
	return buf;
}

static unsigned int count_of(const char *hay, const char *needle)
{
	unsigned int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

/*
 * A client that writes slot 5 of a fresh page, where the device waits at
 * slot 0, gets a warning (once) and its descriptor waits: the slots are
 * taken in order. Once slots 0-4 are written the device reaches slot 5
 * and all six run.
 */
static void test_out_of_order_slot_warned(void **state)
{
	struct harness *h = *state;
	struct dsa_completion_record *cr = h_ptr(h, 0x1000);
	static char log[8192];
	struct dsa_hw_desc d;
	uint8_t *page;
	unsigned int i;
	int fd, saved;

	h_start(h, 1, 16, 1);
	page = h_map_portal(h, 0, 0);
	fd = stderr_capture(&saved);
	h_desc(h, &d, DSA_OPCODE_NOOP, &cr[5]);
	slot_write(page + 5 * DSA_DESC_SIZE, &d);
	/* liveness bound only: the idle engine checks after 50 us */
	for (i = 0; i < 2000 && !strstr(captured(fd, log, sizeof(log)), "slot 5"); i++)
		usleep(1000);
	usleep(20000);		/* more idle checks: still one warning */
	captured(fd, log, sizeof(log));
	stderr_restore(fd, saved);
	assert_int_equal(count_of(log, "portal page 0: a descriptor in slot 5 while the device waits at slot 0"), 1);
	assert_int_equal(__atomic_load_n(&cr[5].status, __ATOMIC_ACQUIRE), 0);
	for (i = 0; i < 5; i++) {
		h_desc(h, &d, DSA_OPCODE_NOOP, &cr[i]);
		slot_write(page + (size_t)i * DSA_DESC_SIZE, &d);
	}
	for (i = 0; i < 6; i++)
		assert_int_equal(h_wait(&cr[i]), DSA_COMP_SUCCESS);
	munmap(page, DSA_PORTAL_SIZE);
}

/* Of @n looks at thread @tid, 1 ms apart, how many found it asleep in futex(2). */
static unsigned int futex_looks(int tid, unsigned int n)
{
	unsigned int i, asleep = 0;

	for (i = 0; i < n; i++) {
		asleep += test_thread_in_futex(tid);
		usleep(1000);
	}
	return asleep;
}

/*
 * An idle engine watching a mapped portal page of an enabled WQ: by
 * default it sleeps between polls (a store into the page wakes no one, so
 * it comes back at most portal_poll_max_us later); in poll mode it never
 * sleeps while it has such a page, and sleeps again once the WQ is off.
 * Either way a descriptor written to the page after idleness runs.
 */
static void poll_mode_case(bool busy)
{
	struct dsa_completion_record *cr;
	struct dsa_hw_params p;
	struct dsa_hw_desc d;
	struct harness h;
	uint8_t *page;
	int tid;

	dsa_hw_params_dsa2(&p);
	p.page_req_timeout_ms = 20000;
	p.portal_busy_poll = busy;
	h_setup(&h, &p);
	h_start(&h, 1, 16, 1);
	cr = h_ptr(&h, 0x1000);
	page = h_map_portal(&h, 0, 0);
	h_desc(&h, &d, DSA_OPCODE_NOOP, &cr[0]);
	slot_write(page, &d);
	assert_int_equal(h_wait(&cr[0]), DSA_COMP_SUCCESS);
	usleep(20000);				/* well past the 50 us spin */
	tid = test_thread_by_name("dsa-eng0");
	assert_true(tid > 0);
	if (busy)
		assert_int_equal(futex_looks(tid, 50), 0);
	else
		assert_true(futex_looks(tid, 50) > 0);
	h_desc(&h, &d, DSA_OPCODE_NOOP, &cr[1]);
	slot_write(page + DSA_DESC_SIZE, &d);
	assert_int_equal(h_wait(&cr[1]), DSA_COMP_SUCCESS);
	/* nothing to watch once the WQ is off: poll mode sleeps too */
	assert_int_equal(h_cmd(&h, IDXD_CMD_DISABLE_WQ, idxd_wq_mask_operand(0)), 0);
	usleep(20000);
	assert_true(futex_looks(tid, 50) > 0);
	munmap(page, DSA_PORTAL_SIZE);
	h_teardown(&h);
}

static void test_idle_engine_sleeps(void **state)
{
	(void)state;
	poll_mode_case(false);
}

static void test_poll_mode_never_sleeps(void **state)
{
	(void)state;
	poll_mode_case(true);
}

/*
 * Revoke while the engine polls the page and the client keeps writing,
 * STORM_CYCLES times at different points of the stream; each cycle's
 * client maps the page anew and starts at slot 0, which works only if
 * the revoke left the cursor at slot 0 and no pass running over it.
 */
static void test_revoke_while_polled(void **state)
{
	struct harness *h = *state;
	struct storm s = { .h = h };
	unsigned int c, ran = 0, target;

	h_start(h, 1, 32, 1);
	s.dst = h_ptr(h, 0x100000);
	s.cr = h_ptr(h, 0x200000);
	for (c = 0; c < STORM_CYCLES; c++) {
		target = 1 + (c * 37) % 300;
		ran += storm_cycle(h, &s, target);
	}
	printf("# %u cycles, %u descriptors ran before their revoke\n", STORM_CYCLES, ran);
	assert_true(ran > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_page_fds, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_spanning_refused, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test(test_past_last_wq),
		cmocka_unit_test_setup_teardown(test_handed_out_page_executes, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_create_out_of_fds, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_revoke_cuts_off_old_file, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_revoke_errors, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_revoke_out_of_fds, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_revoke_and_drain, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_occupancy_counts_mapped_slots, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_out_of_order_slot_warned, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test(test_idle_engine_sleeps),
		cmocka_unit_test(test_poll_mode_never_sleeps),
		cmocka_unit_test_setup_teardown(test_revoke_while_polled, h_fixture_setup, h_fixture_teardown),
	};

	return cmocka_run_group_tests_name("dsa_portal", tests, NULL, NULL);
}
