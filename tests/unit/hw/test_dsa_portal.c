// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR2 backing and bar_mmap: every 4 KiB portal page is a file of its own,
 * and what bar_mmap hands out for a page reaches that page and nothing else
 * (pci_func.h: the fd gives access to nothing outside the requested range
 * rounded out to pages). A client handed its WQ's page must not be able to
 * reach another WQ's page through the file, by offset, by size, or by
 * growing it; and must not be able to shrink it under the engines. The
 * engines still poll the page through the device's own mapping.
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
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "dsa_harness.h"

#define NR_WQS		8			/* dsa_hw_params_dsa2() */
#define NR_PAGES	(NR_WQS * DSA_PORTALS_PER_WQ)

static int setup(void **state)
{
	struct harness *h = calloc(1, sizeof(*h));

	h_setup(h, NULL);
	*state = h;
	return 0;
}

static int teardown(void **state)
{
	h_teardown(*state);
	free(*state);
	return 0;
}

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_page_fds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spanning_refused, setup, teardown),
		cmocka_unit_test(test_past_last_wq),
		cmocka_unit_test_setup_teardown(test_handed_out_page_executes, setup, teardown),
		cmocka_unit_test_setup_teardown(test_create_out_of_fds, setup, teardown),
	};

	return cmocka_run_group_tests_name("dsa_portal", tests, NULL, NULL);
}
