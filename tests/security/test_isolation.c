// SPDX-License-Identifier: GPL-2.0-only
/*
 * Isolation, end to end: a real siovd with two mdevs and a client on each
 * that tries to get out of its box (issue 5, "Isolation").
 *  - descriptors naming memory outside the client's DMA map fault, for the
 *    source, the destination, the completion record, a batch list and a
 *    delta record, for
 *    ranges that straddle the end of a mapping and that wrap past 2^64;
 *  - PASID and privilege fields a client puts in descriptors of its
 *    dedicated WQ are ignored;
 *  - a client cannot raise the other mdev's interrupts with its handle;
 *  - a client cannot reach PF registers: regions end where the virtual
 *    device ends, the configuration it sees is read-only;
 *  - the BAR2 fd a client is handed backs its own portal page and nothing
 *    else: no file offset reaches another mdev's (or the host's) portal,
 *    and the file can be neither grown nor shrunk;
 *  - a client that went (disconnected, or its mdev removed) reaches nothing
 *    through the portal mapping it kept: the next client of the mdev, or
 *    of the WQ, has a new page, and the old one's writes never run;
 *  - a block-on-fault descriptor a client left waiting for a page never
 *    runs in the memory the next client of the mdev maps at that address:
 *    the close aborted it and reset the device;
 *  - DMA_UNMAP while descriptors are in flight: nothing is written to the
 *    range once the unmap has returned;
 *  - sockets are 0600 and the peer's credentials are logged.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/pci_regs.h>

#include "e2e.h"
#include "e2e_client.h"
#include "spec/dsa.h"
#include "vdsa.h"
#include "test_mem.h"

static const char *uuid_a = "3c0d5e1f-2a4b-4c6d-8e9f-a0b1c2d3e4f5";
static const char *uuid_b = "4d1e6f2a-3b5c-4d7e-9f0a-b1c2d3e4f5a6";

static struct e2e_daemon d;
static char sock_a[256], sock_b[256];
static struct e2e_client *open_clients[4];

static int setup(void **state)
{
	if (e2e_start(&d, NULL))
		return -1;
	if (e2e_mdev_create(&d, uuid_a) || e2e_mdev_create(&d, uuid_b))
		return -1;
	e2e_mdev_sock(&d, uuid_a, sock_a, sizeof(sock_a));
	e2e_mdev_sock(&d, uuid_b, sock_b, sizeof(sock_b));
	return 0;
}

static int teardown(void **state)
{
	return e2e_stop(&d);
}

/* Remember @c (connected) for close_leftovers(). */
static void remember(struct e2e_client *c)
{
	int i;

	for (i = 0; i < 4; i++)
		if (!open_clients[i]) {
			open_clients[i] = c;
			break;
		}
}

/* e2e_client_open(), remembering @c for close_leftovers(). */
static void client_open(struct e2e_client *c, const char *sock)
{
	e2e_client_open(c, sock);
	remember(c);
}

static void client_close(struct e2e_client *c)
{
	int i;

	for (i = 0; i < 4; i++)
		if (open_clients[i] == c)
			open_clients[i] = NULL;
	e2e_client_close(c);
}

/* After a failed test: close what it left open so the next one can connect. */
static int close_leftovers(void **state)
{
	int i;

	for (i = 0; i < 4; i++)
		if (open_clients[i])
			client_close(open_clients[i]);
	return 0;
}

static struct dsa_completion_record *rec(struct e2e_client *c)
{
	return c->comp->va;
}

/* Submit @desc (completion record in c->comp) and wait. Return: status. */
static int run(struct e2e_client *c, struct dsa_hw_desc *desc, enum vdsa_portal portal)
{
	int rc;

	memset(rec(c), 0, sizeof(*rec(c)));
	rc = vdsa_submit(c->dev, desc, portal);
	if (rc)
		return rc;
	rc = vdsa_wait(c->dev, rec(c), VDSA_WAIT_POLL, 5000);
	return rc < 0 ? rc : rc & DSA_COMP_STATUS_MASK;
}

static int memmove_status(struct e2e_client *c, uint64_t dst, uint64_t src, uint32_t len,
			  uint64_t *fault)
{
	struct dsa_hw_desc desc;
	int st;

	vdsa_desc_memmove(&desc, c->comp->iova, dst, src, len);
	st = run(c, &desc, VDSA_PORTAL_MMAP);
	*fault = rec(c)->fault_addr;
	return st;
}

static void test_every_address_faults(void **state)
{
	static struct e2e_client c;
	uint64_t fault, end, base;

	client_open(&c, sock_a);
	base = c.buf->iova;
	end = c.buf->iova + c.buf->size;	/* never mapped (guard) */

	/* source, destination, outside and straddling the end */
	assert_int_equal(memmove_status(&c, base, end + 0x10000, 64, &fault),
			 DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(fault, end + 0x10000);
	assert_int_equal(memmove_status(&c, end + 64, base, 64, &fault),
			 DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(fault, end + 64);
	assert_int_equal(memmove_status(&c, base, end - 100, 300, &fault),
			 DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(fault, end);
	assert_int_equal(rec(&c)->bytes_completed, 100);
	assert_int_equal(memmove_status(&c, end - 64, base, 128, &fault),
			 DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(fault, end);
	/* a range that wraps past 2^64 never reaches low addresses */
	assert_int_not_equal(memmove_status(&c, base, 0xffffffffffffff00ULL, 0x200, &fault),
			     DSA_COMP_SUCCESS);
	assert_int_not_equal(memmove_status(&c, 0xffffffffffffffc0ULL, base, 0x100, &fault),
			     DSA_COMP_SUCCESS);
	client_close(&c);
}

/*
 * SWERR of @c's device once it holds an error (polled for up to 1 s); then
 * @c retires its descriptors.
 */
static uint64_t wait_swerr(struct e2e_client *c)
{
	uint64_t v;
	int i;

	for (i = 0; i < 500; i++) {
		assert_int_equal(vdsa_dev_mmio_read(c->dev, IDXD_SWERR_OFFSET, 8, &v), 0);
		if (v & IDXD_SWERR_VALID)
			break;
		usleep(2000);
	}
	vdsa_retire(c->dev);
	return v;
}

static void test_completion_record_outside(void **state)
{
	struct dsa_hw_desc desc;
	static struct e2e_client c;
	union sw_err_reg swerr;
	uint64_t v;

	client_open(&c, sock_a);
	/* no record can be written: the error goes to the (virtual) SWERR */
	/* past every buffer this client mapped (buffers sit above VDSA_IOVA_BASE) */
	vdsa_desc_memmove(&desc, 0x7ff000000000ULL, c.buf->iova + 4096, c.buf->iova, 64);
	assert_int_equal(vdsa_submit(c.dev, &desc, VDSA_PORTAL_TRAPPED), 0);
	swerr.bits[0] = wait_swerr(&c);
	assert_true(swerr.valid);
	assert_int_equal(swerr.error, DSA_COMP_CRA_XLAT);
	assert_int_equal(vdsa_dev_mmio_read(c.dev, IDXD_SWERR_OFFSET + 16, 8, &v), 0);
	assert_int_equal(v, 0x7ff000000000ULL);
	assert_int_equal(vdsa_dev_mmio_write(c.dev, IDXD_SWERR_OFFSET, 8, IDXD_SWERR_ACK), 0);
	assert_int_equal(vdsa_dev_mmio_read(c.dev, IDXD_SWERR_OFFSET, 8, &v), 0);
	assert_false(v & IDXD_SWERR_VALID);
	/* a misaligned record is refused the same way, not written */
	vdsa_desc_nop(&desc, c.comp->iova + 8);
	assert_int_equal(vdsa_submit(c.dev, &desc, VDSA_PORTAL_TRAPPED), 0);
	swerr.bits[0] = wait_swerr(&c);
	assert_int_equal(swerr.error, DSA_COMP_CRA_ALIGN);
	client_close(&c);
}

static void test_batch_list_outside(void **state)
{
	struct dsa_hw_desc desc;
	static struct e2e_client c;
	uint64_t opcap;
	int st;

	client_open(&c, sock_a);
	opcap = vdsa_dev_info(c.dev)->opcap0;
	if (!(opcap & (1ULL << DSA_OPCODE_BATCH))) {
		client_close(&c);
		skip();
	}
	memset(&desc, 0, sizeof(desc));
	desc.opcode = DSA_OPCODE_BATCH;
	desc.flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
	desc.completion_addr = c.comp->iova;
	desc.desc_list_addr = 0x7ff000002000ULL;
	desc.desc_count = 4;
	st = run(&c, &desc, VDSA_PORTAL_MMAP);
	assert_true(st == DSA_COMP_BATCH_PAGE_FAULT || st == DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(rec(&c)->fault_addr, 0x7ff000002000ULL);
	client_close(&c);
}

/* Create Delta writing its delta record outside the map: a fault there. */
static void test_delta_record_outside(void **state)
{
	struct dsa_hw_desc desc;
	static struct e2e_client c;
	int st;

	client_open(&c, sock_a);
	if (!(vdsa_dev_info(c.dev)->opcap0 & (1ULL << DSA_OPCODE_CR_DELTA))) {
		client_close(&c);
		skip();
	}
	memset(c.buf->va, 1, 4096);
	memset((char *)c.buf->va + 4096, 2, 4096);	/* differs: a delta to write */
	memset(&desc, 0, sizeof(desc));
	desc.opcode = DSA_OPCODE_CR_DELTA;
	desc.flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
	desc.completion_addr = c.comp->iova;
	desc.src_addr = c.buf->iova;
	desc.src2_addr = c.buf->iova + 4096;
	desc.xfer_size = 4096;
	desc.delta_addr = 0x7ff000004000ULL;
	desc.max_delta_size = 5120;	/* whole 10-byte entries */
	st = run(&c, &desc, VDSA_PORTAL_MMAP);
	assert_int_equal(st, DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(rec(&c)->fault_addr, 0x7ff000004000ULL);
	client_close(&c);
}

static void test_dwq_ignores_pasid_and_priv(void **state)
{
	struct dsa_hw_desc desc;
	static struct e2e_client c;
	char *va;

	client_open(&c, sock_a);
	va = c.buf->va;
	memset(va, 0x42, 4096);
	memset(va + 4096, 0, 4096);
	vdsa_desc_memmove(&desc, c.comp->iova, c.buf->iova + 4096, c.buf->iova, 4096);
	desc.pasid = 0xfffff;		/* someone else's address space, if honoured */
	desc.priv = 1;
	assert_int_equal(run(&c, &desc, VDSA_PORTAL_MMAP), DSA_COMP_SUCCESS);
	assert_memory_equal(va, va + 4096, 4096);
	desc.pasid = 1;
	assert_int_equal(run(&c, &desc, VDSA_PORTAL_TRAPPED), DSA_COMP_SUCCESS);
	client_close(&c);
}

static bool eventfd_fired(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	uint64_t v;

	if (poll(&p, 1, ms) != 1)
		return false;
	return read(fd, &v, sizeof(v)) == sizeof(v);
}

static void test_no_foreign_interrupts(void **state)
{
	static struct e2e_client a, b;
	struct dsa_hw_desc desc;
	uint16_t ha, hb;

	client_open(&a, sock_a);
	client_open(&b, sock_b);
	ha = vdsa_dev_info(a.dev)->int_handle;
	hb = vdsa_dev_info(b.dev)->int_handle;
	assert_int_not_equal(ha, hb);
	/* A names B's interrupt handle: refused, and B hears nothing */
	vdsa_desc_nop(&desc, a.comp->iova);
	vdsa_desc_set_irq(&desc, hb);
	assert_int_equal(run(&a, &desc, VDSA_PORTAL_MMAP), DSA_COMP_INT_HANDLE_INVAL);
	assert_false(eventfd_fired(vdsa_dev_eventfd(b.dev, 1), 100));
	/* with its own handle, A's vector fires and B's does not */
	vdsa_desc_nop(&desc, a.comp->iova);
	vdsa_desc_set_irq(&desc, ha);
	assert_int_equal(run(&a, &desc, VDSA_PORTAL_MMAP), DSA_COMP_SUCCESS);
	assert_true(eventfd_fired(vdsa_dev_eventfd(a.dev, 1), 2000));
	assert_false(eventfd_fired(vdsa_dev_eventfd(b.dev, 1), 100));
	client_close(&a);
	client_close(&b);
}

static void test_pf_unreachable(void **state)
{
	const struct vdsa_region *r0;
	static struct e2e_client c;
	uint64_t before, after, v;
	unsigned int idx;
	uint32_t w;

	client_open(&c, sock_a);
	assert_int_equal(vdsa_conn_region_info(c.conn, VFIO_PCI_BAR0_REGION_INDEX, &r0), 0);
	/* nothing beyond the virtual BAR0, and no other BARs */
	assert_int_equal(vdsa_conn_region_read(c.conn, VFIO_PCI_BAR0_REGION_INDEX, r0->size, &v, 8),
			 -EFAULT);
	assert_int_equal(vdsa_conn_region_read(c.conn, VFIO_PCI_BAR0_REGION_INDEX,
					       0xffffffffffffff00ULL, &v, 8), -EFAULT);
	for (idx = VFIO_PCI_BAR1_REGION_INDEX; idx <= VFIO_PCI_BAR5_REGION_INDEX; idx++) {
		if (idx == VFIO_PCI_BAR2_REGION_INDEX)
			continue;
		assert_int_not_equal(vdsa_conn_region_read(c.conn, idx, 0, &w, 4), 0);
	}
	/* the WQ configuration is read-only to the client */
	assert_int_equal(vdsa_dev_mmio_read(c.dev, IDXD_TABLE_OFFSET, 8, &v), 0);
	{
		uint64_t wqcfg = ((v >> 16) & 0xffff) * IDXD_TABLE_MULT;

		assert_int_equal(vdsa_dev_mmio_read(c.dev, wqcfg, 8, &before), 0);
		vdsa_dev_mmio_write(c.dev, wqcfg, 8, 0x0000ffff0000ffffULL);
		assert_int_equal(vdsa_dev_mmio_read(c.dev, wqcfg, 8, &after), 0);
		assert_int_equal(before, after);
	}
	/* the PF's size is not what the client sees: one WQ, no IMS */
	assert_int_equal(vdsa_dev_mmio_read(c.dev, IDXD_WQCAP_OFFSET, 8, &v), 0);
	assert_int_equal(((union wq_cap_reg){ .bits = v }).num_wqs, 1);
	client_close(&c);
}

#define SWEEP_PAGES	64	/* file offsets tried: twice the PF's BAR2 */
#define SWEEP_COMP	0x800	/* completion record of the sweep's descriptors */

/*
 * In a child (a page the file does not back is SIGBUS on touch): map the
 * page at file offset @off of @fd and write @d into every free slot of it.
 * Return: true when the page could be written, false when it could not be
 * mapped or touched.
 */
static bool poke_page(int fd, off_t off, const struct dsa_hw_desc *d)
{
	int status;
	pid_t pid;

	pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		unsigned int i;
		uint64_t first;
		uint8_t *p;

		/* die of it: cmocka's handler would go on with the tests here */
		signal(SIGBUS, SIG_DFL);
		signal(SIGSEGV, SIG_DFL);
		p = mmap(NULL, DSA_PORTAL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, off);
		if (p == MAP_FAILED)
			_exit(2);
		memcpy(&first, d, 8);
		for (i = 0; i < DSA_PORTAL_SIZE / DSA_DESC_SIZE; i++) {
			uint8_t *slot = p + i * DSA_DESC_SIZE;
			_Atomic uint64_t *q0 = (_Atomic uint64_t *)(void *)slot;

			if (atomic_load_explicit(q0, memory_order_acquire))
				continue;
			memcpy(slot + 8, (const uint8_t *)d + 8, DSA_DESC_SIZE - 8);
			atomic_store_explicit(q0, first, memory_order_release);
		}
		_exit(0);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	if (WIFSIGNALED(status)) {
		assert_int_equal(WTERMSIG(status), SIGBUS);
		return false;
	}
	assert_true(WIFEXITED(status));
	assert_true(WEXITSTATUS(status) == 0 || WEXITSTATUS(status) == 2);
	return WEXITSTATUS(status) == 0;
}

/*
 * Client A holds the fd of its BAR2 region (vfio-user REGION_INFO). It is a
 * file of one page, sealed. Through every file offset it tries (any page
 * the file might back: another mdev's portal, the host's, an MSI-X portal),
 * A writes FILL descriptors aimed at the IOVA where B keeps its buffer (the
 * two clients' maps have the same layout, so the same IOVA is A's buffer on
 * A's own WQ). Only A's own page takes them, A's buffer is filled (the
 * descriptors work), and B's buffer and records stay as they were while B's
 * page is polled (B's client mapped it).
 */
static void test_portal_fd_confined(void **state)
{
	static struct e2e_client a, b;
	const struct vdsa_region *r;
	struct dsa_hw_desc desc;
	unsigned int page, reached = 0, i;
	uint8_t *acomp, *bcomp;
	struct stat st;

	client_open(&a, sock_a);
	client_open(&b, sock_b);
	assert_true(vdsa_dev_info(b.dev)->portal_mmap);
	assert_int_equal(a.buf->iova, b.buf->iova);
	assert_int_equal(a.comp->iova, b.comp->iova);
	acomp = (uint8_t *)a.comp->va + SWEEP_COMP;
	bcomp = (uint8_t *)b.comp->va + SWEEP_COMP;
	memset(a.buf->va, 0, 4096);
	memset(b.buf->va, 0xb0, 4096);
	memset(acomp, 0, 32);
	memset(bcomp, 0, 32);

	assert_int_equal(vdsa_conn_region_info(a.conn, VFIO_PCI_BAR2_REGION_INDEX, &r), 0);
	assert_true(r->fd >= 0);
	assert_int_equal(r->fd_offset, 0);
	assert_int_equal(fstat(r->fd, &st), 0);
	assert_int_equal(st.st_size, DSA_PORTAL_SIZE);
	assert_int_equal(ftruncate(r->fd, (off_t)SWEEP_PAGES * DSA_PORTAL_SIZE), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(ftruncate(r->fd, 0), -1);
	assert_int_equal(errno, EPERM);

	vdsa_desc_fill(&desc, b.comp->iova + SWEEP_COMP, b.buf->iova, 0x5a5a5a5a5a5a5a5aULL,
		       4096);
	for (page = 0; page < SWEEP_PAGES; page++)
		if (poke_page(r->fd, (off_t)page * DSA_PORTAL_SIZE, &desc)) {
			assert_int_equal(page, 0);
			reached++;
		}
	assert_int_equal(reached, 1);

	/* A's own page ran them: A's buffer */
	for (i = 0; i < 500 && !test_all_bytes(a.buf->va, 0x5a, 4096); i++)
		usleep(10000);
	assert_true(test_all_bytes(a.buf->va, 0x5a, 4096));
	assert_int_equal(((struct dsa_completion_record *)acomp)->status, DSA_COMP_SUCCESS);
	/* and nothing of B's, however long we wait */
	for (i = 0; i < 50; i++) {
		assert_true(test_all_bytes(b.buf->va, 0xb0, 4096));
		assert_true(test_all_bytes(bcomp, 0, 32));
		usleep(10000);
	}
	client_close(&a);
	client_close(&b);
}

/*
 * What a departed client keeps of its portal: a copy of its BAR2 fd (it may
 * have passed the fd to any process before it went) and a mapping of it.
 */
struct stale_portal {
	int fd;
	uint8_t *page;
	struct stat st;
};

static void stale_grab(struct e2e_client *c, struct stale_portal *s)
{
	const struct vdsa_region *r;

	assert_int_equal(vdsa_conn_region_info(c->conn, VFIO_PCI_BAR2_REGION_INDEX, &r), 0);
	assert_true(r->fd >= 0);
	s->fd = dup(r->fd);
	assert_true(s->fd >= 0);
	s->page = mmap(NULL, DSA_PORTAL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, s->fd,
		       (off_t)r->fd_offset);
	assert_true(s->page != MAP_FAILED);
	assert_int_equal(fstat(s->fd, &s->st), 0);
}

static void stale_release(struct stale_portal *s)
{
	munmap(s->page, DSA_PORTAL_SIZE);
	close(s->fd);
}

/* @d into every free slot of the stale page, as the slot protocol says. */
static void stale_write(struct stale_portal *s, const struct dsa_hw_desc *d)
{
	unsigned int i;
	uint64_t first;

	memcpy(&first, d, 8);
	for (i = 0; i < DSA_PORTAL_SIZE / DSA_DESC_SIZE; i++) {
		uint8_t *slot = s->page + i * DSA_DESC_SIZE;
		_Atomic uint64_t *q0 = (_Atomic uint64_t *)(void *)slot;

		if (atomic_load_explicit(q0, memory_order_acquire))
			continue;
		memcpy(slot + 8, (const uint8_t *)d + 8, DSA_DESC_SIZE - 8);
		atomic_store_explicit(q0, first, memory_order_release);
	}
}

/* Slots of the stale page still holding a descriptor (never taken). */
static unsigned int stale_full(struct stale_portal *s)
{
	unsigned int i, n = 0;

	for (i = 0; i < DSA_PORTAL_SIZE / DSA_DESC_SIZE; i++)
		n += atomic_load_explicit((_Atomic uint64_t *)(void *)(s->page + i * DSA_DESC_SIZE),
					  memory_order_acquire) != 0;
	return n;
}

/*
 * @b is the client that has the WQ now; @s what the one before it kept.
 * The stale page writes FILLs aimed at @b's buffer and record (the same
 * IOVAs as its own were, since both clients map alike): none of them may
 * run, under @b's PASID or at all, while @b's own page is polled. @b was
 * handed a new file, and its descriptors work through it before and after.
 */
static void check_stale_portal_dead(struct e2e_client *b, struct stale_portal *s)
{
	const struct vdsa_region *r;
	struct dsa_hw_desc desc;
	uint8_t *bcomp = (uint8_t *)b->comp->va + SWEEP_COMP;
	struct stat st;
	unsigned int i;

	assert_true(vdsa_dev_info(b->dev)->portal_mmap);
	assert_int_equal(vdsa_conn_region_info(b->conn, VFIO_PCI_BAR2_REGION_INDEX, &r), 0);
	assert_int_equal(fstat(r->fd, &st), 0);
	assert_false(st.st_dev == s->st.st_dev && st.st_ino == s->st.st_ino);
	memset(b->buf->va, 0xb0, 4096);
	memset(bcomp, 0, 32);
	/* B's page is in use (polled) before the stale writes land */
	vdsa_desc_memmove(&desc, b->comp->iova, b->buf->iova + 8192, b->buf->iova + 4096, 64);
	assert_int_equal(run(b, &desc, VDSA_PORTAL_MMAP), DSA_COMP_SUCCESS);

	vdsa_desc_fill(&desc, b->comp->iova + SWEEP_COMP, b->buf->iova, 0x5a5a5a5a5a5a5a5aULL,
		       4096);
	stale_write(s, &desc);
	assert_int_equal(stale_full(s), DSA_PORTAL_SIZE / DSA_DESC_SIZE);
	for (i = 0; i < 50; i++) {
		assert_true(test_all_bytes(b->buf->va, 0xb0, 4096));
		assert_true(test_all_bytes(bcomp, 0, 32));
		usleep(10000);
	}
	/* nobody took them: the device no longer reads that file */
	assert_int_equal(stale_full(s), DSA_PORTAL_SIZE / DSA_DESC_SIZE);
	/* and B's own work still goes through its page */
	vdsa_desc_memmove(&desc, b->comp->iova, b->buf->iova + 8192, b->buf->iova + 4096, 64);
	assert_int_equal(run(b, &desc, VDSA_PORTAL_MMAP), DSA_COMP_SUCCESS);
	assert_true(test_all_bytes(b->buf->va, 0xb0, 4096));
}

/*
 * Client A keeps a mapping of its portal page (and the fd) after it
 * disconnected; client B then opens the same mdev, whose WQ runs under the
 * same PASID, now into B's memory. The portal A was handed was revoked
 * when its session closed: nothing A writes there reaches the device.
 */
static void test_portal_revoked_on_close(void **state)
{
	static struct e2e_client a, b;
	struct stale_portal s;
	uint64_t buf_iova, comp_iova;

	client_open(&a, sock_a);
	stale_grab(&a, &s);
	buf_iova = a.buf->iova;
	comp_iova = a.comp->iova;
	client_close(&a);
	/* B's open succeeds once A's session is torn down */
	client_open(&b, sock_a);
	assert_int_equal(b.buf->iova, buf_iova);
	assert_int_equal(b.comp->iova, comp_iova);
	check_stale_portal_dead(&b, &s);
	client_close(&b);
	stale_release(&s);
}

static void mdev_wq(const char *uuid, char *buf, size_t size)
{
	assert_int_equal(e2e_ctl(&d, buf, size, "read /sys/bus/mdev/devices/%s/wq", uuid), 0);
}

/*
 * The mdev of a connected client A is removed (its session is ended from
 * the server's side) and its WQ given to a new mdev, whose client C maps
 * its own portal: A's mapping of the old page reaches nothing.
 */
static const char *uuid_c = "5e2f7a3b-4c6d-4e8f-a0b1-c2d3e4f5a6b7";

static void test_portal_revoked_on_remove(void **state)
{
	static struct e2e_client a, c;
	char wq_a[64], wq_c[64], sock_c[256];
	struct stale_portal s;

	client_open(&a, sock_a);
	stale_grab(&a, &s);
	mdev_wq(uuid_a, wq_a, sizeof(wq_a));
	assert_int_equal(e2e_mdev_remove(&d, uuid_a), 0);
	client_close(&a);
	assert_int_equal(e2e_mdev_create(&d, uuid_c), 0);
	mdev_wq(uuid_c, wq_c, sizeof(wq_c));
	assert_string_equal(wq_c, wq_a);
	e2e_mdev_sock(&d, uuid_c, sock_c, sizeof(sock_c));
	client_open(&c, sock_c);
	check_stale_portal_dead(&c, &s);
	client_close(&c);
	stale_release(&s);
	/* the fixture's mdevs as the other tests expect them */
	assert_int_equal(e2e_mdev_remove(&d, uuid_c), 0);
	assert_int_equal(e2e_mdev_create(&d, uuid_a), 0);
}

/* After a failure there: uuid_a back in place of uuid_c for the tests after it. */
static int restore_mdevs(void **state)
{
	close_leftovers(state);
	e2e_mdev_remove(&d, uuid_c);
	e2e_mdev_create(&d, uuid_a);
	return 0;
}

/* ---- a departed client's block-on-fault descriptor ------------------------ */

/* dsa0 with one dedicated mdev WQ that blocks on faults (WQCFG.bof). */
static const char bof_profile[] =
	"[{\"dev\":\"dsa0\",\"groups\":[{\"dev\":\"group0.0\",\"grouped_workqueues\":["
	"{\"dev\":\"wq0.0\",\"mode\":\"dedicated\",\"size\":16,\"group_id\":0,"
	"\"type\":\"mdev\",\"name\":\"bof0\",\"block_on_fault\":1}],"
	"\"grouped_engines\":[{\"dev\":\"engine0.0\",\"group_id\":0}]}]}]\n";

static const char *uuid_bof = "6f3a8b4c-5d7e-4f9a-b1c2-d3e4f5a6b7c8";
static struct e2e_daemon bd;
static char sock_bof[256];

#define BOF_IOVA	0x400000000ULL	/* never in client A's map */
#define BOF_SIZE	4096
#define BOF_PATTERN	0x5a5a5a5a5a5a5a5aULL

/* A second siovd, on bof_profile, with one mdev on its WQ. */
static int setup_bof(void **state)
{
	int rc = e2e_start_profile(&bd, bof_profile);

	if (!rc)
		rc = e2e_mdev_create(&bd, uuid_bof);
	if (rc)
		return -1;
	e2e_mdev_sock(&bd, uuid_bof, sock_bof, sizeof(sock_bof));
	return 0;
}

static int teardown_bof(void **state)
{
	close_leftovers(state);
	if (e2e_stop(&bd)) {
		e2e_kill(&bd);
		return -1;
	}
	return 0;
}

/*
 * Client A (a child process): a MEMFILL with block on fault at BOF_IOVA,
 * which it never maps, submitted through the trapped portal (in the WQ once
 * the write is answered); still waiting 50 ms later; then A dies without a
 * word. Exit status 0 when it got that far.
 */
static void bof_client_a(void)
{
	struct vdsa_conn *conn = NULL;
	struct vdsa_dev *dev;
	struct vdsa_buf *comp;
	struct dsa_hw_desc d;
	int rc, tries;

	for (tries = 0; tries < 100; tries++) {
		rc = vdsa_conn_open(sock_bof, &conn);
		if (rc != -EBUSY && rc != -ECONNRESET)
			break;
		usleep(20000);
	}
	if (rc || vdsa_dev_open(conn, &dev) || vdsa_buf_alloc(conn, 4096, &comp))
		_exit(10);
	memset(comp->va, 0, 32);
	vdsa_desc_fill(&d, comp->iova, BOF_IOVA, BOF_PATTERN, BOF_SIZE);
	d.flags |= IDXD_OP_FLAG_BOF;
	if (vdsa_submit(dev, &d, VDSA_PORTAL_TRAPPED))
		_exit(11);
	usleep(50000);
	if (((volatile uint8_t *)comp->va)[0])
		_exit(12);	/* it did not wait: the test would prove nothing */
	_exit(0);		/* no goodbye: the kernel closes the socket */
}

/*
 * Client A leaves a block-on-fault descriptor waiting for a page of the
 * mdev's PASID space; client B opens the mdev next and maps its own memory
 * at that very IOVA (and its completion buffer where A's was). The close
 * of A's session aborted A's descriptor and reset the device: B finds it
 * as after an FLR (command register clear), A's FILL never lands in B's
 * memory, and B's own descriptors, block on fault included, run once B
 * enabled the device itself.
 */
static void test_bof_waiter_dropped_at_close(void **state)
{
	static struct e2e_client b;
	struct dsa_hw_desc desc;
	uint16_t cmd = 0xffff;
	uint8_t *page;
	pid_t pid;
	int status, fd, i, rc, tries;

	pid = fork();
	assert_true(pid >= 0);
	if (!pid)
		bof_client_a();
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);

	/* B, by hand up to its first DMA_MAP: its memory at BOF_IOVA at once */
	memset(&b, 0, sizeof(b));
	for (tries = 0; tries < 100; tries++) {
		rc = vdsa_conn_open(sock_bof, &b.conn);
		if (rc != -EBUSY && rc != -ECONNRESET)
			break;
		usleep(20000);
	}
	assert_int_equal(rc, 0);
	remember(&b);
	fd = memfd_create("bof", MFD_ALLOW_SEALING);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, BOF_SIZE), 0);
	page = mmap(NULL, BOF_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(page != MAP_FAILED);
	memset(page, 0xb0, BOF_SIZE);
	assert_int_equal(vdsa_conn_dma_map(b.conn, fd, 0, BOF_IOVA, BOF_SIZE,
					   VDSA_DMA_READ | VDSA_DMA_WRITE), 0);
	/* the completion buffer at the IOVA A's had */
	assert_int_equal(vdsa_buf_alloc(b.conn, 4096, &b.comp), 0);
	memset(b.comp->va, 0, 4096);
	/* reset as after an FLR: decoding and bus mastering off */
	assert_int_equal(vdsa_conn_config_read(b.conn, PCI_COMMAND, &cmd, 2), 0);
	assert_int_equal(cmd, 0);
	for (i = 0; i < 30; i++) {
		usleep(10000);
		assert_true(test_all_bytes(page, 0xb0, BOF_SIZE));
		assert_true(test_all_bytes(b.comp->va, 0, 32));
	}
	/* B enables the device itself; still nothing of A's */
	assert_int_equal(vdsa_dev_open(b.conn, &b.dev), 0);
	assert_int_equal(vdsa_buf_alloc(b.conn, 1 << 16, &b.buf), 0);
	usleep(50000);
	assert_true(test_all_bytes(page, 0xb0, BOF_SIZE));
	assert_true(test_all_bytes(b.comp->va, 0, 32));
	/* B's own work: a copy, and a block-on-fault fill of its page */
	memset(b.buf->va, 0x3c, 1024);
	vdsa_desc_memmove(&desc, b.comp->iova, b.buf->iova + 1024, b.buf->iova, 1024);
	assert_int_equal(run(&b, &desc, VDSA_PORTAL_MMAP), DSA_COMP_SUCCESS);
	assert_true(test_all_bytes((uint8_t *)b.buf->va + 1024, 0x3c, 1024));
	vdsa_desc_fill(&desc, b.comp->iova, BOF_IOVA, BOF_PATTERN, BOF_SIZE);
	desc.flags |= IDXD_OP_FLAG_BOF;
	assert_int_equal(run(&b, &desc, VDSA_PORTAL_MMAP), DSA_COMP_SUCCESS);
	assert_true(test_all_bytes(page, 0x5a, BOF_SIZE));
	client_close(&b);
	munmap(page, BOF_SIZE);
	close(fd);
}

static void test_unmap_while_in_flight(void **state)
{
	static struct e2e_client c;
	struct dsa_hw_desc desc;
	struct vdsa_buf *comp;
	size_t size = 2 << 20;	/* the WQ's max transfer */
	uint64_t iova = 0x200000000ULL;
	unsigned char *src, *dst;
	int sfd, dfd, i, n = 8;
	int done = 0, faulted = 0;
	uint8_t st;

	client_open(&c, sock_b);
	assert_int_equal(vdsa_buf_alloc(c.conn, 4096, &comp), 0);
	sfd = memfd_create("src", MFD_ALLOW_SEALING);
	dfd = memfd_create("dst", MFD_ALLOW_SEALING);
	assert_int_equal(ftruncate(sfd, size), 0);
	assert_int_equal(ftruncate(dfd, size), 0);
	src = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, sfd, 0);
	dst = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dfd, 0);
	memset(src, 0xab, size);
	assert_int_equal(vdsa_conn_dma_map(c.conn, sfd, 0, iova, size, VDSA_DMA_READ), 0);
	assert_int_equal(vdsa_conn_dma_map(c.conn, dfd, 0, iova + size, size,
					   VDSA_DMA_READ | VDSA_DMA_WRITE), 0);
	memset(comp->va, 0, 4096);
	/* n large copies into dst, then pull dst away while they run */
	for (i = 0; i < n; i++) {
		vdsa_desc_memmove(&desc, comp->iova + 32 * i, iova + size, iova, size);
		assert_int_equal(vdsa_submit(c.dev, &desc, VDSA_PORTAL_MMAP), 0);
	}
	assert_int_equal(vdsa_conn_dma_unmap(c.conn, iova + size, size), 0);
	/* from here on the device must not write dst: scribble and watch */
	memset(dst, 0x11, size);
	for (i = 0; i < n; i++) {
		struct dsa_completion_record *r = (void *)((char *)comp->va + 32 * i);

		assert_true(vdsa_wait(c.dev, r, VDSA_WAIT_POLL, 20000) > 0);
		st = r->status & DSA_COMP_STATUS_MASK;
		if (st != DSA_COMP_SUCCESS && st != DSA_COMP_PAGE_FAULT_NOBOF)
			fail_msg("descriptor %d: status %#x", i, st);
		done += st == DSA_COMP_SUCCESS;
		faulted += st == DSA_COMP_PAGE_FAULT_NOBOF;
	}
	printf("# unmap in flight: %d copies finished before it, %d faulted after\n", done,
	       faulted);
	for (size_t k = 0; k < size; k += 4096)
		assert_int_equal(dst[k], 0x11);
	for (size_t k = 0; k < size; k++)
		if (dst[k] != 0x11)
			fail_msg("dst written at %zu after the unmap returned", k);
	munmap(src, size);
	munmap(dst, size);
	close(sfd);
	close(dfd);
	client_close(&c);
}

/*
 * A client cannot pull memory away from under the device by shrinking its
 * file (a DMA into vanished pages would be SIGBUS in the daemon): mapped
 * files are sealed against shrinking, and one that cannot be sealed is
 * refused.
 */
static void test_memory_cannot_shrink(void **state)
{
	static struct e2e_client c;
	int fd;

	client_open(&c, sock_a);
	fd = memfd_create("unsealable", 0);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	assert_int_equal(vdsa_conn_dma_map(c.conn, fd, 0, 0x300000000ULL, 1 << 20,
					   VDSA_DMA_READ | VDSA_DMA_WRITE), -EPERM);
	close(fd);
	fd = memfd_create("sealable", MFD_ALLOW_SEALING);
	assert_int_equal(ftruncate(fd, 1 << 20), 0);
	assert_int_equal(vdsa_conn_dma_map(c.conn, fd, 0, 0x300000000ULL, 1 << 20,
					   VDSA_DMA_READ | VDSA_DMA_WRITE), 0);
	assert_int_equal(ftruncate(fd, 4096), -1);
	assert_int_equal(errno, EPERM);
	assert_int_equal(vdsa_conn_dma_unmap(c.conn, 0x300000000ULL, 1 << 20), 0);
	close(fd);
	client_close(&c);
}

static void test_socket_mode_and_peer(void **state)
{
	char cmd[512];
	static struct e2e_client c;
	struct stat st;

	assert_int_equal(stat(sock_a, &st), 0);
	assert_int_equal(st.st_mode & 0777, 0600);
	client_open(&c, sock_a);
	client_close(&c);
	snprintf(cmd, sizeof(cmd), "grep -q 'pid %d' '%s'", getpid(), d.log);
	assert_int_equal(system(cmd), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_every_address_faults, close_leftovers),
		cmocka_unit_test_teardown(test_completion_record_outside, close_leftovers),
		cmocka_unit_test_teardown(test_batch_list_outside, close_leftovers),
		cmocka_unit_test_teardown(test_delta_record_outside, close_leftovers),
		cmocka_unit_test_teardown(test_dwq_ignores_pasid_and_priv, close_leftovers),
		cmocka_unit_test_teardown(test_no_foreign_interrupts, close_leftovers),
		cmocka_unit_test_teardown(test_pf_unreachable, close_leftovers),
		cmocka_unit_test_teardown(test_portal_fd_confined, close_leftovers),
		cmocka_unit_test_teardown(test_portal_revoked_on_close, close_leftovers),
		cmocka_unit_test_teardown(test_portal_revoked_on_remove, restore_mdevs),
		cmocka_unit_test_setup_teardown(test_bof_waiter_dropped_at_close, setup_bof,
						teardown_bof),
		cmocka_unit_test_teardown(test_unmap_while_in_flight, close_leftovers),
		cmocka_unit_test_teardown(test_memory_cannot_shrink, close_leftovers),
		cmocka_unit_test_teardown(test_socket_mode_and_peer, close_leftovers),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
