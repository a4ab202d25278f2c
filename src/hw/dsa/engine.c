// SPDX-License-Identifier: GPL-2.0-only
/*
 * Engines: one thread per engine of a group that has WQs, from
 * ENABLE_DEVICE until the device is disabled, reset or destroyed.
 *
 * An engine loops over the WQs of its group: it polls the mmap portals of
 * the WQs it is the poller of, then takes at most one descriptor from each
 * WQ's ring and executes it (round robin between WQs). Per descriptor it
 * touches only atomics, the iommu window's rwlock and, for an interrupt, the
 * remapping unit's one eventfd write.
 *
 * Adaptive polling: after a pass that found nothing, an engine spins for a
 * short while, then sleeps on the group's futex with a timeout that doubles
 * from 16 us up to 1 ms, so an idle device costs almost nothing. A trapped
 * submission wakes it at once (a futex wake only when someone sleeps);
 * descriptors written to mapped portals are seen within the timeout.
 * Engines that poll no mapped portal sleep up to 50 ms: trapped submitters
 * wake them, and so does a poller that finds more work than it takes.
 */
#include <errno.h>
#include <linux/futex.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hw/dsa/dsa_priv.h"
#include "lib/log.h"

#define SPIN_PASSES		64
#define SLEEP_MIN_NS		16000ULL
#define SLEEP_MAX_NS		1000000ULL	/* engines that poll mapped portals */
#define SLEEP_MAX_NS_NOPOLL	50000000ULL	/* others are woken when work comes */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

/**
 * dsa_wait_engines - wait until no engine of @wq's group other than @self
 * executes a descriptor of @wq from a ring position below @pos.
 * Engines announce (wq, position 0) before they try to dequeue and the real
 * position right after, so one that has taken a position below @pos cannot
 * be missed. Never called inside an iommu window.
 */
void dsa_wait_engines(struct dsa_hw *hw, struct dsa_wq *wq, uint64_t pos,
		      const struct dsa_engine *self)
{
	unsigned int i;

	for (i = 0; i < hw->p.num_engines; i++) {
		struct dsa_engine *e = &hw->engines[i];

		if (e == self || e->group != wq->group)
			continue;
		while (atomic_load(&e->busy_wq) == wq && atomic_load(&e->busy_pos) < pos)
			sched_yield();
	}
}

static bool wq_aborting(struct dsa_wq *wq, uint32_t pasid)
{
	uint32_t ap = atomic_load_explicit(&wq->abort_pasid, memory_order_relaxed);

	return atomic_load_explicit(&wq->abort, memory_order_relaxed) ||
	       (ap && pasid != IOMMU_NO_PASID && ap - 1 == pasid);
}

/* Execute one descriptor taken from ring position @pos of @wq. */
static void engine_exec(struct dsa_engine *e, struct dsa_wq *wq,
			const struct dsa_ring_cell *cell, uint64_t pos)
{
	const struct dsa_hw_desc *d = &cell->desc;
	struct dsa_completion_record cr;
	struct dsa_exec x = {
		.hw = e->hw,
		.wq = wq,
		.page = cell->page,
	};
	uint8_t status;

	/* dedicated WQs ignore the descriptor's PASID and priv fields */
	if (wq->dedicated) {
		x.pasid = wq->pasid_en ? wq->pasid : IOMMU_NO_PASID;
		x.priv = wq->priv;
	} else {
		x.pasid = d->pasid;
		x.priv = d->priv;
	}
	if (wq_aborting(wq, x.pasid))
		return;		/* abandoned without completion */
	if (d->opcode == DSA_OPCODE_DRAIN)
		dsa_wait_engines(e->hw, wq, pos, e);	/* outside the window */

	memset(&cr, 0, sizeof(cr));
	iommu_dma_begin(e->hw->iommu, e->hw->rid, x.pasid, &x.dma);
	status = dsa_desc_check(&x, d, &cr);
	if (!status)
		status = dsa_op_run(&x, d, &cr);
	dsa_desc_complete(&x, d, &cr, status);
	iommu_dma_end(&x.dma);
}

/* One round over the group's WQs. Return: descriptors handled. */
static unsigned int engine_pass(struct dsa_engine *e)
{
	struct dsa_group *g = e->group;
	unsigned int i, n = 0;

	for (i = 0; i < g->nr_wqs; i++) {
		struct dsa_wq *wq = g->wqs[i];
		struct dsa_ring_cell cell;
		uint64_t pos;

		if (atomic_load_explicit(&wq->state, memory_order_acquire) == DSA_WQ_DISABLED)
			continue;
		if (wq->poller == e && dsa_portal_poll(e->hw, wq) &&
		    dsa_wq_occupancy(wq) > 1)
			dsa_group_wake(g);	/* more than this engine takes now */
		if (dsa_ring_dequeue(wq, &cell, &pos, e)) {
			engine_exec(e, wq, &cell, pos);
			atomic_store(&e->busy_wq, NULL);
			n++;
		}
	}
	return n;
}

static void engine_idle(struct dsa_engine *e, uint32_t seq, unsigned int *idle)
{
	struct dsa_group *g = e->group;
	struct timespec ts;
	uint64_t ns;

	if (*idle < SPIN_PASSES) {
		(*idle)++;
		cpu_relax();
		return;
	}
	ns = SLEEP_MIN_NS << min(*idle - SPIN_PASSES, 20U);
	if (ns > (e->polls ? SLEEP_MAX_NS : SLEEP_MAX_NS_NOPOLL))
		ns = e->polls ? SLEEP_MAX_NS : SLEEP_MAX_NS_NOPOLL;
	else
		(*idle)++;
	ts.tv_sec = (time_t)(ns / 1000000000ULL);
	ts.tv_nsec = (long)(ns % 1000000000ULL);
	atomic_fetch_add(&g->sleepers, 1);
	/* returns at once if a submitter bumped wake_seq since @seq was read */
	syscall(SYS_futex, &g->wake_seq, FUTEX_WAIT_PRIVATE, seq, &ts, NULL, 0);
	atomic_fetch_sub(&g->sleepers, 1);
}

static void *engine_main(void *arg)
{
	struct dsa_engine *e = arg;
	unsigned int idle = 0;

	while (!atomic_load_explicit(&e->stop, memory_order_acquire)) {
		uint32_t seq = atomic_load(&e->group->wake_seq);
		unsigned int n = dsa_bus_master(e->hw) ? engine_pass(e) : 0;

		if (n) {
			idle = 0;
			continue;
		}
		engine_idle(e, seq, &idle);
	}
	return NULL;
}

/**
 * dsa_engines_start - start a thread for every engine in a group with WQs.
 * Undone by dsa_engines_stop(). Return: 0 or -errno (nothing left running).
 */
int dsa_engines_start(struct dsa_hw *hw)
{
	unsigned int i, w;
	int ret;

	for (i = 0; i < hw->p.num_engines; i++) {
		struct dsa_engine *e = &hw->engines[i];
		char name[16];

		if (!e->group)
			continue;
		e->polls = false;
		for (w = 0; w < e->group->nr_wqs; w++)
			e->polls |= e->group->wqs[w]->poller == e;
		atomic_store(&e->stop, false);
		atomic_store(&e->busy_wq, NULL);
		ret = pthread_create(&e->thread, NULL, engine_main, e);
		if (ret) {
			dsa_engines_stop(hw);
			return -ret;
		}
		e->started = true;
		snprintf(name, sizeof(name), "dsa-eng%u", i % 100);
		pthread_setname_np(e->thread, name);
	}
	return 0;
}

/* Stop and join every engine thread. Descriptors left in rings stay there. */
void dsa_engines_stop(struct dsa_hw *hw)
{
	unsigned int i;

	for (i = 0; i < hw->p.num_engines; i++)
		if (hw->engines[i].started)
			atomic_store_explicit(&hw->engines[i].stop, true, memory_order_release);
	for (i = 0; i < hw->p.num_groups; i++)
		dsa_group_wake(&hw->groups[i]);
	for (i = 0; i < hw->p.num_engines; i++) {
		struct dsa_engine *e = &hw->engines[i];

		if (!e->started)
			continue;
		pthread_join(e->thread, NULL);
		e->started = false;
		atomic_store(&e->busy_wq, NULL);
	}
}
