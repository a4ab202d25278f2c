// SPDX-License-Identifier: GPL-2.0-only
/*
 * Stress: several threads submit tens of thousands of descriptors through
 * both paths at once - trapped 64-byte writes (two threads sharing one WQ)
 * and mapped portals (one writer per portal page, several pages per WQ) -
 * to two groups of two engines each. Each descriptor is a MEMMOVE or a NOP
 * with its own completion record and a completion interrupt.
 *
 * Checked afterwards:
 *  - not lost: every record has status SUCCESS;
 *  - not torn: every MEMMOVE copied its own 64-byte source (which carries
 *    its id) to its own destination, so a descriptor mixing two writes'
 *    bytes would show up as a wrong destination or a missing record;
 *  - not run twice: the interrupt eventfd counted exactly one completion
 *    interrupt per descriptor (and the remapping unit delivered that many);
 *  - no SWERR.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>

#include "dsa_harness.h"

#define PER_THREAD	8000
#define WINDOW		12		/* outstanding descriptors per submitter */
#define NSUB		6
#define TOTAL		(NSUB * PER_THREAD)

/* Test memory layout (offsets). */
#define REC_BASE	0x000000	/* TOTAL x 32 bytes */
#define SRC_BASE	0x200000	/* TOTAL x 64 bytes */
#define DST_BASE	0x600000	/* TOTAL x 64 bytes */

static_assert(REC_BASE + TOTAL * 32 <= SRC_BASE, "records fit");
static_assert(SRC_BASE + TOTAL * 64 <= DST_BASE, "sources fit");
static_assert(DST_BASE + TOTAL * 64 <= H_MEM_SIZE, "destinations fit");

struct submitter {
	struct harness *h;
	unsigned int id;
	unsigned int wq;
	unsigned int page;
	uint8_t *portal;	/* NULL: trapped path */
	int failures;
};

static struct dsa_completion_record *rec_of(struct harness *h, unsigned int n)
{
	return h_ptr(h, REC_BASE + (size_t)n * 32);
}

static uint8_t rec_status(const struct dsa_completion_record *cr)
{
	return atomic_load_explicit((const _Atomic uint8_t *)&cr->status, memory_order_acquire);
}

static void build(struct harness *h, unsigned int n, struct dsa_hw_desc *d)
{
	uint64_t *src = h_ptr(h, SRC_BASE + (size_t)n * 64);
	unsigned int i;

	memset(d, 0, sizeof(*d));
	d->flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | IDXD_OP_FLAG_RCI;
	d->int_handle = 1;
	d->completion_addr = H_IOVA + REC_BASE + (uint64_t)n * 32;
	if (n % 3 == 0) {
		d->opcode = DSA_OPCODE_NOOP;
		return;
	}
	for (i = 0; i < 8; i++)
		src[i] = ((uint64_t)n << 8) | i;
	d->opcode = DSA_OPCODE_MEMMOVE;
	d->src_addr = H_IOVA + SRC_BASE + (uint64_t)n * 64;
	d->dst_addr = H_IOVA + DST_BASE + (uint64_t)n * 64;
	d->xfer_size = 64;
}

static void portal_write(uint8_t *slot, const struct dsa_hw_desc *d)
{
	_Atomic uint64_t *q0 = (_Atomic uint64_t *)(void *)slot;
	uint64_t first;

	/* the slot is ours again once the device cleared its first qword */
	while (atomic_load_explicit(q0, memory_order_acquire))
		sched_yield();
	memcpy(slot + 8, (const uint8_t *)d + 8, DSA_DESC_SIZE - 8);
	memcpy(&first, d, sizeof(first));
	atomic_store_explicit(q0, first, memory_order_release);
}

static void *submit_loop(void *arg)
{
	struct submitter *s = arg;
	struct harness *h = s->h;
	unsigned int i, base = s->id * PER_THREAD, slot = 0;

	for (i = 0; i < PER_THREAD; i++) {
		struct dsa_hw_desc d;
		unsigned int n = base + i;

		/* keep at most WINDOW outstanding: the WQ never overflows */
		if (i >= WINDOW)
			while (!rec_status(rec_of(h, n - WINDOW)))
				sched_yield();
		build(h, n, &d);
		if (s->portal) {
			portal_write(s->portal + (size_t)slot * DSA_DESC_SIZE, &d);
			slot = (slot + 1) % 64;
		} else if (h_submit(h, s->wq, s->page, &d)) {
			s->failures++;
		}
	}
	return NULL;
}

static void test_stress_both_paths(void **state)
{
	struct dsa_hw_params p;
	struct harness h;
	struct irq_remap_stats st;
	struct submitter sub[NSUB];
	pthread_t t[NSUB];
	struct msi_msg msg;
	union wqcfg c;
	uint64_t irqs = 0;
	uint8_t *pages[3];
	unsigned int i, w, bad_status = 0, bad_data = 0;
	int efd;

	dsa_hw_params_default(&p);
	h_setup(&h, &p);
	h_wqcfg_dedicated(&c, 32);
	for (w = 0; w < 4; w++)
		h_wqcfg(&h, w, &c);
	h_grpcfg(&h, 0, 0x3, 0x3);	/* WQ 0,1 - engines 0,1 */
	h_grpcfg(&h, 1, 0xc, 0xc);	/* WQ 2,3 - engines 2,3 */
	assert_int_equal(h_cmd(&h, IDXD_CMD_ENABLE_DEVICE, 0), 0);
	for (w = 0; w < 4; w++)
		assert_int_equal(h_cmd(&h, IDXD_CMD_ENABLE_WQ, w), 0);
	h_irte(&h, &msg, &efd);
	h_msix_program(&h, 1, &msg);
	assert_int_equal(h_cmd(&h, IDXD_CMD_REQUEST_INT_HANDLE, 1), 1 << 8);

	/* each portal page comes on its own */
	pages[0] = h_map_portal(&h, 1, 0);
	pages[1] = h_map_portal(&h, 1, 2);
	pages[2] = h_map_portal(&h, 3, 0);

	/* trapped: two threads share WQ 0, one on WQ 2 (limited portal page) */
	sub[0] = (struct submitter){ .h = &h, .id = 0, .wq = 0, .page = 0 };
	sub[1] = (struct submitter){ .h = &h, .id = 1, .wq = 0, .page = 0 };
	sub[2] = (struct submitter){ .h = &h, .id = 2, .wq = 2, .page = 2 };
	/* mapped: two pages of WQ 1, one page of WQ 3 */
	sub[3] = (struct submitter){ .h = &h, .id = 3, .portal = pages[0] };
	sub[4] = (struct submitter){ .h = &h, .id = 4, .portal = pages[1] };
	sub[5] = (struct submitter){ .h = &h, .id = 5, .portal = pages[2] };
	for (i = 0; i < NSUB; i++)
		pthread_create(&t[i], NULL, submit_loop, &sub[i]);
	for (i = 0; i < NSUB; i++)
		pthread_join(t[i], NULL);
	for (i = 0; i < NSUB; i++)
		assert_int_equal(sub[i].failures, 0);

	/* wait for the tail of every submitter, then drain everything */
	for (i = 0; i < TOTAL; i++)
		if (!h_wait(rec_of(&h, i)))
			break;
	assert_int_equal(h_cmd(&h, IDXD_CMD_DRAIN_ALL, 0), 0);

	for (i = 0; i < TOTAL; i++) {
		const uint64_t *dst = h_ptr(&h, DST_BASE + (size_t)i * 64);
		unsigned int k;

		if (rec_of(&h, i)->status != DSA_COMP_SUCCESS) {
			bad_status++;
			continue;
		}
		for (k = 0; k < 8; k++) {
			uint64_t want = i % 3 == 0 ? 0 : (((uint64_t)i << 8) | k);

			if (dst[k] != want) {
				bad_data++;
				break;
			}
		}
	}
	if (bad_status || bad_data)
		fail_msg("%u records missing/failed, %u destinations wrong", bad_status, bad_data);

	/* every completion interrupt exactly once: nothing ran twice */
	for (i = 0; i < 20000 && irqs < TOTAL; i++) {
		uint64_t v = h_ev(efd);

		irqs += v;
		if (!v)
			usleep(500);
	}
	irqs += h_ev(efd);
	assert_int_equal(irqs, TOTAL);
	irq_remap_get_stats(h.ir, &st);
	assert_int_equal(st.delivered, TOTAL);
	assert_int_equal(st.blocked, 0);
	assert_int_equal(h_rd64(&h, IDXD_SWERR_OFFSET) & IDXD_SWERR_VALID, 0);
	/* mapped portals all handed back */
	for (w = 0; w < 3; w++) {
		for (i = 0; i < DSA_PORTAL_SIZE; i += 8)
			assert_int_equal(*(uint64_t *)(pages[w] + i), 0);
		munmap(pages[w], DSA_PORTAL_SIZE);
	}
	close(efd);
	h_teardown(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress_both_paths),
	};

	return cmocka_run_group_tests_name("dsa_stress", tests, NULL, NULL);
}
