// SPDX-License-Identifier: GPL-2.0-only
/*
 * Engines: one thread per engine of a group that has WQs, from
 * ENABLE_DEVICE until the device is disabled, reset or destroyed.
 *
 * Arbitration. An engine serves the WQs of its group by weighted round
 * robin: it takes up to WQCFG.priority descriptors in a row from one WQ
 * before moving to the next WQ that has work, so under load a WQ of
 * priority p gets p/sum(priorities) of the engine (DSA spec rev 2.0, WQ
 * priority in the group arbitration). Before each pick it moves what clients wrote to the mapped
 * portals of the WQs it polls into their rings, for each WQ whose ring runs
 * low.
 *
 * DMA windows. Consecutive descriptors of the same PASID share one iommu
 * window (at most WINDOW_BURST of them): the window is closed when the
 * engine finds no work, before a Drain descriptor waits, when the PASID
 * changes, and by block on fault while it waits. So an unmap waits for at
 * most a burst of descriptors, and nothing waits inside a window.
 *
 * Waking. After its last descriptor an engine keeps polling for SPIN_NS
 * (a client that submits again within that time, say after handling a
 * completion interrupt, finds it awake), yielding its CPU every IDLE_YIELD
 * passes (a client waiting on the same CPU gets to run), then sleeps on the
 * group's futex: an engine that polls a mapped portal page that can receive
 * work (handed out by bar_mmap, WQ enabled) with a timeout doubling from
 * 16 us to dsa_hw_params.portal_poll_max_us, 1 ms by default (a store into
 * a mapped portal cannot wake anyone: after long idleness it waits for the
 * next poll), the others until a trapped submission, a poller with surplus
 * work, a command, ENABLE_WQ or a new mapping wakes them (at most 50 ms).
 * An idle device costs no CPU beyond those timeouts. In poll mode
 * (dsa_hw_params.portal_busy_poll) an engine with such a page never
 * sleeps: it keeps polling, yielding every IDLE_YIELD passes.
 *
 * Per descriptor the path holds no lock and makes no system call: the
 * poller polls a WQ's pages only when its ring runs low (poll_low()) and
 * claims the ring cells for all the full slots of a page with one
 * compare-and-swap; an engine announces once that it serves a WQ and keeps
 * the announcement while it takes consecutive descriptors of it (see
 * dsa_ring_dequeue()); the sole engine of a group moves the head with a
 * plain store.
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

#define SPIN_NS			50000ULL	/* keep polling this long after work */
#define SLEEP_MIN_NS		16000ULL
#define SLEEP_MAX_NS		1000000ULL	/* engines that poll mapped portals, by default */
#define SLEEP_MAX_NS_NOPOLL	50000000ULL	/* others are woken when work comes */
#define WINDOW_BURST		64		/* descriptors per iommu window */
#define IDLE_YIELD		16		/* idle passes between clock reads and yields */

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#endif
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
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

/* Descriptors of @wq (of @pasid) are to be dropped rather than executed. */
bool dsa_wq_aborting(struct dsa_wq *wq, uint32_t pasid)
{
	uint32_t ap = atomic_load_explicit(&wq->abort_pasid, memory_order_relaxed);

	return atomic_load_explicit(&wq->abort, memory_order_relaxed) ||
	       (ap && pasid != IOMMU_NO_PASID && ap - 1 == pasid);
}

/* The iommu window an engine keeps open across a burst of descriptors. */
struct engine_window {
	struct iommu_dma dma;
	uint32_t pasid;
	bool open;
	unsigned int uses;
};

static void window_close(struct engine_window *w)
{
	if (w->open)
		iommu_dma_end(&w->dma);
	w->open = false;
}

static void window_get(struct dsa_hw *hw, struct engine_window *w, uint32_t pasid)
{
	if (w->open && (w->pasid != pasid || w->uses >= WINDOW_BURST))
		window_close(w);
	if (!w->open) {
		iommu_dma_begin(hw->iommu, hw->rid, pasid, &w->dma);
		w->pasid = pasid;
		w->open = true;
		w->uses = 0;
	}
	w->uses++;
}

/* Execute one descriptor taken from ring position @pos of @wq. */
static void engine_exec(struct dsa_engine *e, struct dsa_wq *wq,
			const struct dsa_ring_cell *cell, uint64_t pos, struct engine_window *w)
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
	if (dsa_wq_aborting(wq, x.pasid))
		return;		/* abandoned without completion */
	if (d->opcode == DSA_OPCODE_DRAIN) {
		window_close(w);
		dsa_wait_engines(e->hw, wq, pos, e);
	}
	memset(&cr, 0, sizeof(cr));
	window_get(e->hw, w, x.pasid);
	x.dma = w->dma;
	status = dsa_desc_check(&x, d, &cr);
	if (!status)
		status = dsa_op_run(&x, d, &cr);
	dsa_desc_complete(&x, d, &cr, status);
	w->dma = x.dma;		/* block on fault may have reopened it */
}

/*
 * Poll @wq's mapped portal pages only when fewer descriptors than this are
 * queued in its ring (a quarter of the WQ, at least one). Each descriptor
 * a client writes costs the engine a transfer of the slot's cache line
 * from the client's CPU and another to hand the slot back; polling once per
 * descriptor put both on the engine's path, with its stores queued behind
 * them. Polling in batches lets the transfers of consecutive slots overlap,
 * and changes no order: what is queued runs before the slots anyway.
 */
static inline uint64_t poll_low(const struct dsa_wq *wq)
{
	return wq->cap >= 4 ? wq->cap / 4 : 1;
}

/* Move the next WQ of the weighted round robin into place. */
static void rr_advance(struct dsa_engine *e)
{
	struct dsa_group *g = e->group;

	e->rr_next = (e->rr_next + 1) % g->nr_wqs;
	e->rr_credit = 0;	/* taken from its priority once it is seen enabled */
}

/* One pick: poll the mapped portals, then one descriptor by WRR. Return: 1 or 0. */
static unsigned int engine_pass(struct dsa_engine *e, struct engine_window *w)
{
	struct dsa_group *g = e->group;
	unsigned int i;

	for (i = 0; i < g->nr_wqs; i++) {
		struct dsa_wq *wq = g->wqs[i];

		if (wq->poller != e ||
		    atomic_load_explicit(&wq->state, memory_order_acquire) == DSA_WQ_DISABLED)
			continue;
		/* enough queued: the slots wait, to be taken in a batch */
		if (dsa_wq_occupancy(wq) >= poll_low(wq))
			continue;
		/* more than this engine takes now: wake a sleeping peer */
		if (dsa_portal_poll(e->hw, wq) && g->nr_engines > 1 &&
		    atomic_load_explicit(&g->sleepers, memory_order_relaxed) &&
		    dsa_wq_occupancy(wq) > 1)
			dsa_group_wake(g);
	}
	for (i = 0; i < g->nr_wqs; i++) {
		struct dsa_wq *wq = g->wqs[e->rr_next];
		struct dsa_ring_cell cell;
		uint64_t pos;

		/* the WQ's settings are only read once its enable is seen (acquire) */
		if (atomic_load_explicit(&wq->state, memory_order_acquire) == DSA_WQ_DISABLED) {
			rr_advance(e);
			continue;
		}
		if (!e->rr_credit) {
			unsigned int prio = __atomic_load_n(&wq->priority, __ATOMIC_RELAXED);

			e->rr_credit = prio ? prio : 1;
		}
		if (dsa_ring_dequeue(wq, &cell, &pos, e)) {
			engine_exec(e, wq, &cell, pos, w);
			/* done: its completion is visible to a drain that sees this */
			dsa_ring_done(e, pos);
			if (--e->rr_credit == 0)
				rr_advance(e);
			return 1;
		}
		rr_advance(e);
	}
	return 0;
}

/*
 * Does @e poll a mapped portal page that can receive work: one of an
 * enabled WQ that it polls, handed out by bar_mmap? Only those need the
 * short sleeps: a store there wakes no one.
 */
static bool engine_polls(struct dsa_engine *e)
{
	struct dsa_group *g = e->group;
	unsigned int i;

	for (i = 0; i < g->nr_wqs; i++) {
		struct dsa_wq *wq = g->wqs[i];

		if (wq->poller == e && atomic_load_explicit(&wq->mapped, memory_order_relaxed) &&
		    atomic_load_explicit(&wq->state, memory_order_relaxed) != DSA_WQ_DISABLED)
			return true;
	}
	return false;
}

/* Check the order of the mapped portals @e polls (dsa_portal_check_order()). */
static void engine_check_portals(struct dsa_engine *e)
{
	struct dsa_group *g = e->group;
	unsigned int i;

	for (i = 0; i < g->nr_wqs; i++) {
		struct dsa_wq *wq = g->wqs[i];

		if (wq->poller == e &&
		    atomic_load_explicit(&wq->state, memory_order_acquire) != DSA_WQ_DISABLED)
			dsa_portal_check_order(e->hw, wq);
	}
}

/* The longest sleep of an engine that polls a mapped page (dsa_hw_params). */
static uint64_t poll_sleep_max_ns(const struct dsa_hw *hw)
{
	return hw->p.portal_poll_max_us ? hw->p.portal_poll_max_us * 1000ULL : SLEEP_MAX_NS;
}

static void engine_sleep(struct dsa_engine *e, uint32_t seq, unsigned int *naps)
{
	struct dsa_group *g = e->group;
	uint64_t cap = engine_polls(e) ? poll_sleep_max_ns(e->hw) : SLEEP_MAX_NS_NOPOLL;
	uint64_t ns = SLEEP_MIN_NS << min(*naps, 20U);
	struct timespec ts;

	if (ns >= cap)
		ns = cap;
	else
		(*naps)++;
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
	struct engine_window w = { .open = false };
	uint64_t idle_since = 0;
	unsigned int naps = 0, spins = 0;

	while (!atomic_load_explicit(&e->stop, memory_order_acquire)) {
		uint32_t seq = atomic_load(&e->group->wake_seq);

		if (dsa_running(e->hw) && engine_pass(e, &w)) {
			idle_since = 0;
			naps = 0;
			continue;
		}
		window_close(&w);
		/*
		 * Idle: keep polling for SPIN_NS, reading the clock every
		 * IDLE_YIELD passes, and yielding there: a client waiting for
		 * its completions may share this CPU (a busy machine puts both
		 * on one), and spinning would keep it from submitting more; on
		 * a CPU shared with other work, what runs in the gap does not
		 * preempt the engine later, when it has work. Nothing else
		 * runnable here: the yield returns at once.
		 */
		if (!idle_since) {
			idle_since = now_ns();
			spins = 0;
		}
		if (++spins % IDLE_YIELD) {
			cpu_relax();
			continue;
		}
		if (now_ns() - idle_since < SPIN_NS) {
			sched_yield();
			continue;
		}
		/* idle a while: a slot written out of order would wait for ever */
		engine_check_portals(e);
		/* poll mode: an engine with a mapped portal to watch keeps watching */
		if (e->hw->p.portal_busy_poll && engine_polls(e)) {
			sched_yield();
			continue;
		}
		/* nothing held while asleep: no drain waits on a stale announcement */
		atomic_store_explicit(&e->busy_wq, NULL, memory_order_release);
		engine_sleep(e, seq, &naps);
		/* woken without work: one pass, then back to sleep */
		spins = IDLE_YIELD - 1;
	}
	window_close(&w);
	return NULL;
}

/**
 * dsa_engines_start - start a thread for every engine in a group with WQs.
 * Undone by dsa_engines_stop(). Return: 0 or -errno (nothing left running).
 */
int dsa_engines_start(struct dsa_hw *hw)
{
	unsigned int i;
	int ret;

	for (i = 0; i < hw->p.num_engines; i++) {
		struct dsa_engine *e = &hw->engines[i];
		char name[16];

		if (!e->group)
			continue;
		e->rr_next = 0;
		e->rr_credit = 0;
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
