// SPDX-License-Identifier: GPL-2.0-only
/*
 * Work queues: the descriptor ring of each WQ, the two ways descriptors
 * reach it through BAR2, and draining.
 *
 * The ring is a bounded multi-producer multi-consumer queue (Vyukov): each
 * cell carries a sequence number that says whether it is free for position
 * p (seq == p) or holds the descriptor of position p (seq == p + 1).
 * Producers are trapped submitters (any thread) and the WQ's mmap poller;
 * consumers are the engines of the WQ's group. No locks.
 *
 * Trapped path: dsa_portal_submit() enqueues the 64 bytes of a
 * mmio_write_block() and wakes the group's engines if they sleep.
 *
 * Mmap path (docs/dsa-model.md has the client's side): each portal page is
 * 64 slots of 64 bytes, consumed strictly in order from a cursor. The WQ's
 * poller engine polls the pages handed out by bar_mmap and not revoked
 * since (dsa_portal_mapped(), dsa_portal_unmapped(): nobody can have
 * written the others, or what was written there must not run): it loads
 * the first qword of the slot at the cursor with acquire; non-zero means a
 * descriptor is there. It counts the full slots from the cursor, claims
 * ring cells for them together, copies each descriptor into its cell,
 * clears bytes 8..63 and then the first qword with a release store, and
 * advances. A slot is left alone while the ring is full (back-pressure,
 * nothing lost).
 *
 * Revoke (bar_revoke): the page's bit is cleared and a polling pass that
 * may have seen it set is waited for (poll_seq), so the page's file can be
 * swapped and its cursor reset while no engine reads either.
 *
 * Drain (DRAIN/ABORT/DISABLE commands): first make sure every slot written
 * before the command is in the ring - for each page handed out, wait for two polling
 * passes that saw the page out (empty slot or a full lap), or for 64 slots
 * taken from it, whichever comes first (a page holds at most 64, so a
 * client flooding its portal cannot hold a drain forever). Then take the
 * ring tail and wait until every position before it was dequeued and no
 * engine still executes one (dsa_wait_engines()).
 */
#include <errno.h>
#include <linux/futex.h>
#include <limits.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "hw/dsa/dsa_priv.h"
#include "lib/log.h"

#define DRAIN_POLL_NS		20000	/* 20 us between drain checks */

/* ---- rings ---------------------------------------------------------------- */

int dsa_wq_rings_alloc(struct dsa_hw *hw)
{
	unsigned int w;

	for (w = 0; w < hw->p.num_wqs; w++) {
		struct dsa_wq *wq = &hw->wqs[w];
		uint32_t size = ((const union wqcfg *)&hw->wqcfg[w * DSA_WQCFG_DWORDS])->wq_size;

		free(wq->cells);
		wq->cells = NULL;
		wq->cap = 0;
		if (!size)
			continue;
		wq->cells = calloc(size, sizeof(*wq->cells));
		if (!wq->cells)
			return -ENOMEM;
		wq->cap = size;
	}
	return 0;
}

void dsa_wq_rings_free(struct dsa_hw *hw)
{
	unsigned int w;

	for (w = 0; w < hw->p.num_wqs; w++) {
		free(hw->wqs[w].cells);
		hw->wqs[w].cells = NULL;
		hw->wqs[w].cap = 0;
	}
}

static uint8_t *portal_page(struct dsa_hw *hw, struct dsa_wq *wq, unsigned int page)
{
	return hw->portal + (size_t)wq->id * DSA_WQ_PORTAL_BYTES + (size_t)page * DSA_PORTAL_SIZE;
}

/* Whether slot @slot of the portal page at @base holds a descriptor (acquire). */
static bool slot_full(const uint8_t *base, unsigned int slot)
{
	return atomic_load_explicit((_Atomic uint64_t *)(void *)(base + (size_t)slot * DSA_DESC_SIZE),
				    memory_order_acquire) != 0;
}

/* Empty ring, cursors at slot 0, portal pages cleared. WQ disabled. */
void dsa_wq_reset_ring(struct dsa_hw *hw, struct dsa_wq *wq)
{
	unsigned int i;

	for (i = 0; i < wq->cap; i++)
		atomic_store(&wq->cells[i].seq, i);
	atomic_store(&wq->head, 0);
	atomic_store(&wq->tail, 0);
	atomic_store(&wq->abort, 0);
	atomic_store(&wq->abort_pasid, 0);
	for (i = 0; i < DSA_PORTALS_PER_WQ; i++) {
		atomic_store(&wq->cursor[i], 0);
		atomic_store(&wq->page_gen[i], 0);
		atomic_store(&wq->taken[i], 0);
	}
	atomic_store(&wq->stray_warned, 0);
	/*
	 * The pages are shared with clients and with a poller that may still
	 * be finishing a pass begun before the WQ was disabled: clear them with
	 * the same atomic word accesses everyone else uses.
	 */
	{
		_Atomic uint64_t *w = (_Atomic uint64_t *)(void *)portal_page(hw, wq, 0);

		for (i = 0; i < DSA_WQ_PORTAL_BYTES / sizeof(*w); i++)
			atomic_store_explicit(&w[i], 0, memory_order_relaxed);
	}
}

uint32_t dsa_wq_occupancy(struct dsa_wq *wq)
{
	uint64_t head = atomic_load(&wq->head), tail = atomic_load(&wq->tail);

	return tail > head ? (uint32_t)min(tail - head, (uint64_t)wq->cap) : 0;
}

/**
 * dsa_wq_occupancy_reported - the occupancy WQCFG reports (WQCAP.occupancy):
 * the descriptors in the WQ's ring plus those written to its mapped portal
 * pages that the poller has not taken yet - it takes them in batches, when
 * the ring runs low (engine.c, poll_low()) - at most the WQ's size. For
 * register reads, not the engines' path: it loads the first qword of every
 * slot of each handed-out page. A snapshot: a slot being moved into the
 * ring may count twice for a moment, within the bound.
 */
uint32_t dsa_wq_occupancy_reported(struct dsa_hw *hw, struct dsa_wq *wq)
{
	unsigned int mapped = atomic_load_explicit(&wq->mapped, memory_order_relaxed);
	uint32_t n = dsa_wq_occupancy(wq);
	unsigned int page, slot;

	for (page = 0; mapped; page++, mapped >>= 1) {
		const uint8_t *base;

		if (!(mapped & 1))
			continue;
		base = portal_page(hw, wq, page);
		for (slot = 0; slot < DSA_SLOTS_PER_PORTAL; slot++)
			n += slot_full(base, slot);
	}
	return min(n, wq->size);
}

/*
 * Claim up to @want consecutive cells from the tail with one compare-and-
 * swap (a poller moving several portal slots pays one locked operation).
 *
 * Full means wq_size descriptors not yet taken by an engine (tail - head),
 * as the architecture counts WQ occupancy. A cell is reusable only once the
 * engine that took its previous descriptor has copied it out and released
 * it, a few instructions after taking it; an engine preempted in between
 * holds the cell although the WQ has room. Then a producer with @wait (a
 * trapped submission, which a dedicated WQ may not drop) yields until the
 * cell is released; the poller does not wait (the slots stay in the page
 * for its next pass).
 * Return: how many were claimed, *@pos_out the first; 0 when full.
 */
static unsigned int ring_reserve(struct dsa_wq *wq, unsigned int want, uint64_t *pos_out,
				 bool wait)
{
	uint64_t pos = atomic_load_explicit(&wq->tail, memory_order_relaxed);

	for (;;) {
		uint64_t head = atomic_load_explicit(&wq->head, memory_order_acquire);
		unsigned int n = 0, room;
		int64_t dif = 0;

		if (pos - head >= wq->cap) {
			/* full, unless @pos was stale */
			uint64_t now = atomic_load_explicit(&wq->tail, memory_order_relaxed);

			if (now == pos)
				return 0;
			pos = now;
			continue;
		}
		room = (unsigned int)(wq->cap - (pos - head));
		while (n < min(want, room)) {
			struct dsa_ring_cell *c = &wq->cells[(pos + n) % wq->cap];

			dif = (int64_t)(atomic_load_explicit(&c->seq, memory_order_acquire) -
					(pos + n));
			if (dif)
				break;
			n++;
		}
		if (n) {
			/* a failed exchange reloads @pos: another producer went first */
			if (atomic_compare_exchange_weak_explicit(&wq->tail, &pos, pos + n,
								  memory_order_relaxed,
								  memory_order_relaxed)) {
				*pos_out = pos;
				return n;
			}
		} else if (dif < 0) {
			/* room, but the cell is still held by the engine that took it */
			if (!wait)
				return 0;
			sched_yield();
			pos = atomic_load_explicit(&wq->tail, memory_order_relaxed);
		} else {
			pos = atomic_load_explicit(&wq->tail, memory_order_relaxed);
		}
	}
}

static void ring_publish(struct dsa_ring_cell *c, uint64_t pos)
{
	atomic_store_explicit(&c->seq, pos + 1, memory_order_release);
}

/* Announce that @e may hold positions of @wq from @pos on (see dsa_wait_engines()). */
static void announce(struct dsa_engine *e, struct dsa_wq *wq)
{
	atomic_store_explicit(&e->busy_pos, 0, memory_order_relaxed);
	/* visible before head is read (store-load) */
	atomic_store_explicit(&e->busy_wq, wq, memory_order_seq_cst);
}

/**
 * dsa_ring_dequeue - take the oldest descriptor of @wq for engine @e.
 * The engine announces that it may hold positions of @wq (e->busy_wq, see
 * dsa_wait_engines()) before it reads the head, and keeps the announcement
 * across consecutive descriptors of @wq: e->busy_pos is always at most the
 * lowest position it may still execute (the one taken, then that plus one
 * once complete: dsa_ring_done()). It withdraws it when @wq is found
 * empty. With one engine in the group there is no other consumer and the
 * head moves with a plain store; otherwise with a compare-and-swap.
 * Return: true with *@out filled and *@pos_out its position, false when
 * the ring is empty.
 */
bool dsa_ring_dequeue(struct dsa_wq *wq, struct dsa_ring_cell *out, uint64_t *pos_out,
		      struct dsa_engine *e)
{
	bool sole = wq->group->nr_engines == 1;
	uint64_t pos = atomic_load_explicit(&wq->head, memory_order_relaxed);

	if (atomic_load_explicit(&wq->tail, memory_order_relaxed) == pos) {
		/* nothing queued: nothing to announce, and nothing held */
		if (atomic_load_explicit(&e->busy_wq, memory_order_relaxed) == wq)
			atomic_store_explicit(&e->busy_wq, NULL, memory_order_release);
		return false;
	}
	if (atomic_load_explicit(&e->busy_wq, memory_order_relaxed) != wq) {
		announce(e, wq);
		pos = atomic_load_explicit(&wq->head, memory_order_seq_cst);
	}
	for (;;) {
		struct dsa_ring_cell *c = &wq->cells[pos % wq->cap];
		uint64_t seq = atomic_load_explicit(&c->seq, memory_order_acquire);
		int64_t dif = (int64_t)(seq - (pos + 1));

		if (dif == 0) {
			if (sole)
				atomic_store_explicit(&wq->head, pos + 1, memory_order_release);
			else if (!atomic_compare_exchange_weak_explicit(&wq->head, &pos, pos + 1,
									memory_order_seq_cst,
									memory_order_relaxed))
				continue;
			*out = *c;
			atomic_store_explicit(&c->seq, pos + wq->cap, memory_order_release);
			atomic_store_explicit(&e->busy_pos, pos, memory_order_release);
			*pos_out = pos;
			return true;
		} else if (dif < 0) {
			atomic_store_explicit(&e->busy_wq, NULL, memory_order_release);
			return false;
		} else {
			pos = atomic_load_explicit(&wq->head, memory_order_relaxed);
		}
	}
}

/*
 * dsa_ring_done - the descriptor at @pos, taken by @e, is complete (its
 * record and interrupt are out): a drain that reads busy_pos past it no
 * longer waits for it.
 */
void dsa_ring_done(struct dsa_engine *e, uint64_t pos)
{
	atomic_store_explicit(&e->busy_pos, pos + 1, memory_order_release);
}

/* ---- waking engines --------------------------------------------------------- */

/* Wake the engines of @g if any sleeps; no syscall while they poll. */
void dsa_group_wake(struct dsa_group *g)
{
	atomic_fetch_add(&g->wake_seq, 1);
	if (atomic_load(&g->sleepers))
		syscall(SYS_futex, &g->wake_seq, FUTEX_WAKE_PRIVATE, INT_MAX, NULL, NULL, 0);
}

/* ---- trapped submission ------------------------------------------------------- */

static void report_dropped(struct dsa_hw *hw, struct dsa_wq *wq, const void *buf, uint8_t err)
{
	const struct dsa_hw_desc *d = buf;
	struct dsa_swerr_info e = {
		.error = err,
		.opcode = d->opcode,
		.desc_valid = true,
		.wq_valid = true,
		.wq = wq->id,
		.pasid = d->pasid,
		.priv = d->priv,
	};

	dsa_swerr_report(hw, &e);
}

/**
 * dsa_portal_submit - a 64-byte posted write to BAR2 offset @off.
 * Disabled WQ: dropped, reported in SWERR. Dedicated WQ full: dropped,
 * reported in SWERR (MOVDIR64B cannot be refused). Shared WQ full, or at
 * its threshold through a limited portal: -EAGAIN (the ENQCMD retry
 * status), nothing enqueued. Offsets past the last WQ are ignored.
 * Lock-free; wakes the group's engines only if they sleep.
 */
int dsa_portal_submit(struct dsa_hw *hw, uint64_t off, const void *buf)
{
	unsigned int wqi = (unsigned int)(off / DSA_WQ_PORTAL_BYTES);
	unsigned int page = (unsigned int)((off % DSA_WQ_PORTAL_BYTES) / DSA_PORTAL_SIZE);
	struct dsa_ring_cell *c;
	struct dsa_wq *wq;
	uint64_t pos;
	int ret = 0;

	if (wqi >= hw->p.num_wqs)
		return 0;
	wq = &hw->wqs[wqi];
	atomic_fetch_add(&wq->submitters, 1);
	if (atomic_load_explicit(&wq->state, memory_order_acquire) != DSA_WQ_ENABLED ||
	    dsa_dev_halted(hw)) {
		report_dropped(hw, wq, buf, DSA_SWERR_WQ_NOT_ENABLED);
		goto out;
	}
	if (!wq->dedicated && (page & (DSA_PORTAL_LIMITED * 2)) &&
	    dsa_wq_occupancy(wq) >= wq->thresh) {
		ret = -EAGAIN;
		goto out;
	}
	if (!ring_reserve(wq, 1, &pos, true)) {
		if (wq->dedicated)
			report_dropped(hw, wq, buf, DSA_SWERR_DWQ_FULL);
		else
			ret = -EAGAIN;
		goto out;
	}
	c = &wq->cells[pos % wq->cap];
	memcpy(&c->desc, buf, DSA_DESC_SIZE);
	c->page = page;
	ring_publish(c, pos);
	dsa_group_wake(wq->group);
out:
	atomic_fetch_sub(&wq->submitters, 1);
	return ret;
}

/* ---- mmap portal polling ------------------------------------------------------ */

/*
 * Move what is in the slots of one page into the ring: the full slots
 * from the cursor on, claimed in the ring together. Counts the pass in
 * page_gen unless the ring filled first. Return: descriptors moved.
 */
static unsigned int poll_page(struct dsa_hw *hw, struct dsa_wq *wq, unsigned int page)
{
	uint8_t *base = portal_page(hw, wq, page);
	unsigned int cur = atomic_load_explicit(&wq->cursor[page], memory_order_relaxed);
	unsigned int k = 0, full, got, i;
	uint64_t pos;

	/* at most one lap: everything written before this pass started */
	while (k < DSA_SLOTS_PER_PORTAL) {
		/* acquire: the body written before the first qword is visible */
		for (full = 0; k + full < DSA_SLOTS_PER_PORTAL; full++)
			if (!slot_full(base, (cur + full) % DSA_SLOTS_PER_PORTAL))
				break;
		if (!full)
			break;
		got = ring_reserve(wq, full, &pos, false);
		for (i = 0; i < got; i++) {
			uint8_t *slot = base + (size_t)cur * DSA_DESC_SIZE;
			_Atomic uint64_t *q0 = (_Atomic uint64_t *)(void *)slot;
			struct dsa_ring_cell *c = &wq->cells[(pos + i) % wq->cap];
			uint64_t first = atomic_load_explicit(q0, memory_order_relaxed);

			memcpy(&c->desc, &first, sizeof(first));
			memcpy((uint8_t *)&c->desc + sizeof(first), slot + sizeof(first),
			       DSA_DESC_SIZE - sizeof(first));
			c->page = page;
			ring_publish(c, pos + i);
			/* hand the slot back: body first, then the first qword */
			memset(slot + sizeof(first), 0, DSA_DESC_SIZE - sizeof(first));
			atomic_store_explicit(q0, 0, memory_order_release);
			cur = (cur + 1) % DSA_SLOTS_PER_PORTAL;
		}
		k += got;
		if (got) {
			atomic_store_explicit(&wq->cursor[page], cur, memory_order_relaxed);
			/* only this poller writes these counters: no locked increments */
			atomic_store_explicit(&wq->taken[page],
					      atomic_load_explicit(&wq->taken[page],
								   memory_order_relaxed) + got,
					      memory_order_release);
		}
		if (got < full)
			return k;	/* the ring is full: not a whole pass */
	}
	atomic_store_explicit(&wq->page_gen[page],
			      atomic_load_explicit(&wq->page_gen[page], memory_order_relaxed) + 1,
			      memory_order_release);
	return k;
}

/*
 * A pass of the poller over @wq's handed-out pages is bracketed by
 * poll_seq turning odd and even again. Turning odd is ordered before the
 * load of the pages (both seq_cst, against the clear and the load in
 * dsa_portal_unmapped()): either the pass sees a revoked page's bit
 * cleared, or the revoke sees the pass and waits for its end. Only the
 * poller writes poll_seq. Return: the pages to look at; *@seq for
 * pass_end().
 */
static unsigned int pass_begin(struct dsa_wq *wq, uint64_t *seq)
{
	*seq = atomic_load_explicit(&wq->poll_seq, memory_order_relaxed);
	atomic_store_explicit(&wq->poll_seq, *seq + 1, memory_order_seq_cst);
	return atomic_load_explicit(&wq->mapped, memory_order_seq_cst);
}

/* release: what the pass did (cursor, slots) is seen by a revoke that waited */
static void pass_end(struct dsa_wq *wq, uint64_t seq)
{
	atomic_store_explicit(&wq->poll_seq, seq + 2, memory_order_release);
}

/**
 * dsa_portal_poll - one polling pass over the mmap portal pages of @wq
 * that were handed out (dsa_portal_mapped()), by its poller engine only.
 * Return: the number of descriptors moved into the ring.
 */
unsigned int dsa_portal_poll(struct dsa_hw *hw, struct dsa_wq *wq)
{
	unsigned int mapped, page, n = 0;
	uint64_t seq;

	/* nothing handed out: no page is read, no revoke waits for this pass */
	if (!atomic_load_explicit(&wq->mapped, memory_order_relaxed))
		return 0;
	mapped = pass_begin(wq, &seq);
	for (page = 0; mapped; page++, mapped >>= 1)
		if (mapped & 1)
			n += poll_page(hw, wq, page);
	pass_end(wq, seq);
	return n;
}

/* One page: is a slot other than the cursor's full while the cursor's is empty? */
static int stray_slot(struct dsa_hw *hw, struct dsa_wq *wq, unsigned int page,
		      unsigned int cur)
{
	const uint8_t *base = portal_page(hw, wq, page);
	unsigned int slot;

	if (slot_full(base, cur))
		return -1;		/* in order so far, or back-pressure */
	for (slot = 0; slot < DSA_SLOTS_PER_PORTAL; slot++) {
		if (slot == cur || !slot_full(base, slot))
			continue;
		/*
		 * Seen with acquire: an in-order writer stored the cursor's slot
		 * before this one, so it would be visible now.
		 */
		return slot_full(base, cur) ? -1 : (int)slot;
	}
	return -1;
}

/**
 * dsa_portal_check_order - warn, once per page until the page is revoked
 * or the WQ enabled again, when a handed-out page of @wq holds a
 * descriptor in a slot other than the one the device waits at, which is
 * empty: the client does not write the slots in order (docs/dsa-model.md,
 * the mapped-portal protocol), and those descriptors wait there. For the
 * poller engine of @wq while idle: a pass of its own (poll_seq), so that a
 * revoke never swaps a page under it. Reads only.
 */
void dsa_portal_check_order(struct dsa_hw *hw, struct dsa_wq *wq)
{
	unsigned int mapped, page;
	uint64_t seq;

	if (!(atomic_load_explicit(&wq->mapped, memory_order_relaxed) &
	      ~atomic_load_explicit(&wq->stray_warned, memory_order_relaxed)))
		return;
	mapped = pass_begin(wq, &seq) & ~atomic_load_explicit(&wq->stray_warned,
							       memory_order_relaxed);
	for (page = 0; mapped; page++, mapped >>= 1) {
		unsigned int cur;
		int slot;

		if (!(mapped & 1))
			continue;
		cur = atomic_load_explicit(&wq->cursor[page], memory_order_relaxed);
		slot = stray_slot(hw, wq, page, cur);
		if (slot < 0)
			continue;
		atomic_fetch_or(&wq->stray_warned, 1U << page);
		pr_warn("dsa: WQ %u portal page %u: a descriptor in slot %d while the device waits at slot %u: the mapped portal takes its slots in order, so it waits there\n",
			wq->id, page, slot, cur);
	}
	pass_end(wq, seq);
}

/**
 * dsa_portal_mapped - the BAR2 range [@off, @off + @len) was handed out
 * for mapping: from now on the engines poll its portal pages. A mapping
 * outlives resets and WQ reconfiguration, so the pages stay polled until
 * bar_revoke takes them back (dsa_portal_unmapped()); a page never handed
 * out cannot hold a descriptor and costs nothing. Wakes the groups
 * concerned so that their pollers switch to short sleeps. Called with
 * hw->lock (the WQs' group bindings).
 */
void dsa_portal_mapped(struct dsa_hw *hw, uint64_t off, uint64_t len)
{
	uint64_t p, first = off / DSA_PORTAL_SIZE, end;

	if (!len)
		return;
	end = (off + len - 1) / DSA_PORTAL_SIZE + 1;
	for (p = first; p < end && p / DSA_PORTALS_PER_WQ < hw->p.num_wqs; p++) {
		struct dsa_wq *wq = &hw->wqs[p / DSA_PORTALS_PER_WQ];
		unsigned int bit = 1U << (p % DSA_PORTALS_PER_WQ);

		if (atomic_fetch_or(&wq->mapped, bit) & bit)
			continue;
		if (wq->group)
			dsa_group_wake(wq->group);
	}
}

/**
 * dsa_portal_unmapped - BAR2 portal page @page (index in BAR2, below
 * hw->nr_portal_pages) was handed out and is being revoked: the engines stop
 * polling it. Returns once no polling pass reads the page any more (a pass
 * under way is waited for: it takes at most one lap of each page and never
 * blocks), with the page's cursor back at slot 0, where a client of the
 * page's next file starts (docs/dsa-model.md). The page's page_gen and
 * taken counters go on counting: a drain compares them only with its own
 * snapshot, and runs under hw->lock, like this. Called with hw->lock.
 */
void dsa_portal_unmapped(struct dsa_hw *hw, unsigned int page)
{
	struct dsa_wq *wq = &hw->wqs[page / DSA_PORTALS_PER_WQ];
	unsigned int p = page % DSA_PORTALS_PER_WQ;
	uint64_t seq;

	atomic_fetch_and_explicit(&wq->mapped, ~(1U << p), memory_order_seq_cst);
	seq = atomic_load_explicit(&wq->poll_seq, memory_order_seq_cst);
	if (seq & 1)
		while (atomic_load_explicit(&wq->poll_seq, memory_order_acquire) == seq)
			sched_yield();
	atomic_store_explicit(&wq->cursor[p], 0, memory_order_relaxed);
	atomic_fetch_and(&wq->stray_warned, ~(1U << p));
}

/* ---- drain ---------------------------------------------------------------------- */

static void drain_pause(struct dsa_wq *wq)
{
	struct timespec ts = { 0, DRAIN_POLL_NS };

	dsa_group_wake(wq->group);
	nanosleep(&ts, NULL);
}

/**
 * dsa_wq_drain - return once every descriptor submitted to @wq before the
 * call (trapped, or written to its mmap portals) has completed, or was
 * dropped if an abort is in progress. Called by commands, with hw->lock.
 * With bus mastering off or the device halted no engine runs: gives up
 * (logged).
 */
/* Everything written to mapped page @p before the snapshot is in the ring. */
static bool page_flushed(struct dsa_wq *wq, unsigned int p, const uint64_t *gen0,
			 const uint64_t *taken0)
{
	/* never handed out before the snapshot: nobody can have written it */
	if (!(atomic_load(&wq->mapped) & (1U << p)))
		return true;
	return atomic_load(&wq->page_gen[p]) >= gen0[p] + 2 ||
	       atomic_load(&wq->taken[p]) >= taken0[p] + DSA_SLOTS_PER_PORTAL;
}

void dsa_wq_drain(struct dsa_hw *hw, struct dsa_wq *wq)
{
	uint64_t gen0[DSA_PORTALS_PER_WQ], taken0[DSA_PORTALS_PER_WQ], tail;
	unsigned int p;

	if (!wq->group || !wq->cells)
		return;
	/* a disabling WQ takes no new trapped writes; let those under way land */
	if (atomic_load(&wq->state) == DSA_WQ_DISABLING)
		while (atomic_load(&wq->submitters))
			sched_yield();
	for (p = 0; p < DSA_PORTALS_PER_WQ; p++) {
		gen0[p] = atomic_load(&wq->page_gen[p]);
		taken0[p] = atomic_load(&wq->taken[p]);
	}
	for (p = 0; p < DSA_PORTALS_PER_WQ; p++) {
		while (!page_flushed(wq, p, gen0, taken0)) {
			if (!dsa_running(hw))
				goto out_stuck;
			drain_pause(wq);
		}
	}
	tail = atomic_load(&wq->tail);
	while (atomic_load(&wq->head) < tail) {
		if (!dsa_running(hw))
			goto out_stuck;
		drain_pause(wq);
	}
	dsa_wait_engines(hw, wq, tail, NULL);
	return;

out_stuck:
	pr_warn("dsa: WQ %u: drain while the device cannot run (bus mastering off or halted), %u descriptors left\n",
		wq->id, dsa_wq_occupancy(wq));
}
