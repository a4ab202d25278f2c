// SPDX-License-Identifier: GPL-2.0-only
/*
 * Interrupt remapping: the IRTE table that turns a device's MSI write into an
 * eventfd write (VT-d remappable format, spec 5.1.2.2 and 9.10).
 *
 * Each IRTE holds its state in atomics so that delivery (the hot path) takes
 * no lock:
 *   @state  bit 16 present, bits 15:0 the source id (requester id) allowed
 *           to raise it;
 *   @fd     the dup()ed target eventfd, or -1;
 *   @inuse  deliveries in progress, counted in one of two slots chosen by
 *           @epoch.
 * A delivery reads @epoch, increments that @inuse slot and reads @epoch
 * again: if it changed, it gives the slot back and starts over. Then it loads
 * @state and @fd, writes the eventfd and decrements the slot. A writer
 * (retarget, free) swaps @state/@fd first, then flips @epoch and waits for
 * the old slot to drain before it closes the old fd. With sequentially
 * consistent ordering, a delivery whose second read of @epoch came before
 * the flip incremented before the flip, so the writer waits for it; one
 * whose read came after it loads the new @fd. The re-check matters when two
 * writers flip @epoch back to where a slow delivery read it: counted in the
 * slot the second writer does not wait for, it would still hold the fd the
 * second writer closes (ThreadSanitizer found that one). Deliveries starting
 * after a flip count in the other slot, so the old one drains even under a
 * constant stream of interrupts (a single counter might never reach 0).
 * Writers are serialised by ir->lock.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdlib.h>
#include <unistd.h>

#include "irq/remap.h"
#include "lib/compiler.h"
#include "lib/log.h"

#define IRTE_PRESENT		(1U << 16)
#define IRTE_SID_MASK		0xffffU
#define IR_MAX_ENTRIES		65536U

struct irte {
	atomic_uint state;
	atomic_int fd;
	atomic_uint epoch;
	atomic_uint inuse[2];
};

struct irq_remap {
	unsigned int nr_entries;
	pthread_mutex_t lock;		/* serialises configuration */
	unsigned int nr_allocated;	/* under lock */
	unsigned int hint;		/* under lock: next index to try */
	struct irte *irte;
	atomic_ullong delivered;
	atomic_ullong blocked;
	atomic_ullong no_target;
};

/**
 * irq_remap_create - a remapping table of @nr_entries IRTEs, all not present.
 * @nr_entries: 1..65536 (the 16-bit handle of the remappable format).
 * Return: the table (free with irq_remap_destroy()), or NULL with errno
 * EINVAL or ENOMEM.
 */
struct irq_remap *irq_remap_create(unsigned int nr_entries)
{
	struct irq_remap *ir;
	unsigned int i;

	if (nr_entries == 0 || nr_entries > IR_MAX_ENTRIES) {
		errno = EINVAL;
		return NULL;
	}
	ir = calloc(1, sizeof(*ir));
	if (!ir)
		return NULL;
	ir->irte = calloc(nr_entries, sizeof(*ir->irte));
	if (!ir->irte) {
		free(ir);
		errno = ENOMEM;
		return NULL;
	}
	for (i = 0; i < nr_entries; i++)
		atomic_init(&ir->irte[i].fd, -1);
	ir->nr_entries = nr_entries;
	pthread_mutex_init(&ir->lock, NULL);
	return ir;
}

/* Every IRTE should have been freed; leftovers are logged and closed. */
void irq_remap_destroy(struct irq_remap *ir)
{
	unsigned int i;

	if (!ir)
		return;
	if (ir->nr_allocated)
		pr_warn("irq_remap: destroy with %u IRTEs allocated\n", ir->nr_allocated);
	for (i = 0; i < ir->nr_entries; i++) {
		int fd = atomic_load(&ir->irte[i].fd);

		if (fd >= 0)
			close(fd);
	}
	pthread_mutex_destroy(&ir->lock);
	free(ir->irte);
	free(ir);
}

/**
 * irq_remap_alloc - allocate a present IRTE for requests of source id @rid.
 * The IRTE has no target until irq_remap_set_eventfd(). Thread-safe.
 * Undone by irq_remap_free().
 * Return: the IRTE index, -EINVAL (NULL table) or -ENOSPC.
 */
int irq_remap_alloc(struct irq_remap *ir, uint16_t rid)
{
	unsigned int n, idx;
	int ret = -ENOSPC;

	if (!ir)
		return -EINVAL;
	pthread_mutex_lock(&ir->lock);
	idx = ir->hint;
	for (n = 0; n < ir->nr_entries; n++, idx = (idx + 1) % ir->nr_entries) {
		struct irte *e = &ir->irte[idx];

		if (atomic_load(&e->state) & IRTE_PRESENT)
			continue;
		atomic_store(&e->fd, -1);
		atomic_store(&e->state, IRTE_PRESENT | rid);
		ir->nr_allocated++;
		ir->hint = (idx + 1) % ir->nr_entries;
		ret = (int)idx;
		break;
	}
	pthread_mutex_unlock(&ir->lock);
	return ret;
}

/* After a swap: wait for deliveries that may still use the old state of @e. */
static void irte_quiesce(struct irte *e)
{
	unsigned int old = atomic_fetch_xor_explicit(&e->epoch, 1, memory_order_seq_cst) & 1;

	while (atomic_load_explicit(&e->inuse[old], memory_order_seq_cst))
		sched_yield();
}

/**
 * irq_remap_free - make IRTE @index not present and close its target.
 * Returns once no delivery through it is in progress. Freeing an index that
 * is out of range or not present is logged and ignored.
 */
void irq_remap_free(struct irq_remap *ir, unsigned int index)
{
	struct irte *e;
	int old;

	if (!ir || index >= ir->nr_entries) {
		pr_warn("irq_remap: free of bad IRTE %u\n", index);
		return;
	}
	e = &ir->irte[index];
	pthread_mutex_lock(&ir->lock);
	if (!(atomic_load(&e->state) & IRTE_PRESENT)) {
		pthread_mutex_unlock(&ir->lock);
		pr_warn("irq_remap: free of IRTE %u that is not present\n", index);
		return;
	}
	atomic_store_explicit(&e->state, 0, memory_order_seq_cst);
	old = atomic_exchange_explicit(&e->fd, -1, memory_order_seq_cst);
	irte_quiesce(e);
	if (old >= 0)
		close(old);
	ir->nr_allocated--;
	pthread_mutex_unlock(&ir->lock);
}

/**
 * irq_remap_compose_msg - the remappable-format message for IRTE @index:
 * handle[14:0] in address bits 19:5, handle[15] in bit 2, format bit 4 set,
 * no sub-handle (SHV clear, data 0).
 */
void irq_remap_compose_msg(unsigned int index, struct msi_msg *msg)
{
	msg->address = MSI_ADDR_BASE | MSI_ADDR_IR_FORMAT |
		       ((uint64_t)(index & 0x7fff) << MSI_ADDR_IR_HANDLE_SHIFT) |
		       ((index & 0x8000) ? MSI_ADDR_IR_HANDLE_HI : 0);
	msg->data = 0;
}

/**
 * irq_remap_set_eventfd - deliver IRTE @index to a dup() of @eventfd from now
 * on, or to nothing with -1. Returns once no delivery to the old target is
 * in progress (the old dup is closed), so the caller may close its own fd.
 * Return: 0, -EINVAL (bad index, not present), -EBADF (dup failed).
 */
int irq_remap_set_eventfd(struct irq_remap *ir, unsigned int index, int eventfd)
{
	struct irte *e;
	int newfd = -1, old;

	if (!ir || index >= ir->nr_entries)
		return -EINVAL;
	if (eventfd < -1)
		return -EBADF;
	if (eventfd >= 0) {
		newfd = dup(eventfd);
		if (newfd < 0)
			return -EBADF;
	}
	e = &ir->irte[index];
	pthread_mutex_lock(&ir->lock);
	if (!(atomic_load(&e->state) & IRTE_PRESENT)) {
		pthread_mutex_unlock(&ir->lock);
		if (newfd >= 0)
			close(newfd);
		return -EINVAL;
	}
	old = atomic_exchange_explicit(&e->fd, newfd, memory_order_seq_cst);
	irte_quiesce(e);
	if (old >= 0)
		close(old);
	pthread_mutex_unlock(&ir->lock);
	return 0;
}

/*
 * Decode a remappable-format MSI address (and data for a sub-handle) into
 * an IRTE index. Return: the index, or -1 when the write is not a valid
 * remappable interrupt request.
 */
static long msi_decode(uint64_t address, uint32_t data)
{
	long handle;

	if ((address & ~0xffffffffULL) ||
	    (address & MSI_ADDR_BASE_MASK) != MSI_ADDR_BASE ||
	    !(address & MSI_ADDR_IR_FORMAT))
		return -1;
	handle = (long)((address >> MSI_ADDR_IR_HANDLE_SHIFT) & 0x7fff);
	if (address & MSI_ADDR_IR_HANDLE_HI)
		handle |= 0x8000;
	if (address & MSI_ADDR_IR_SHV)
		handle += data & 0xffff;	/* VT-d: handle + sub-handle */
	return handle;
}

/**
 * irq_remap_msi_write - the remapping unit receiving a device's MSI write.
 * @rid: the requester id of the writing device (checked against the IRTE's
 * source id).
 *
 * Hot path: lock-free, one eventfd write(2) when delivered, none otherwise.
 * Return: 0 delivered; -EPERM blocked (not an interrupt address, not
 * remappable format, handle out of range or not present, wrong source id);
 * -ENODEV present without a target (dropped).
 */
int irq_remap_msi_write(struct irq_remap *ir, uint16_t rid, uint64_t address,
			uint32_t data)
{
	static const uint64_t one = 1;
	unsigned int state, slot;
	struct irte *e;
	long idx;
	int fd, ret;

	idx = msi_decode(address, data);
	if (idx < 0 || (unsigned long)idx >= ir->nr_entries) {
		atomic_fetch_add_explicit(&ir->blocked, 1, memory_order_relaxed);
		return -EPERM;
	}
	e = &ir->irte[idx];
	for (;;) {
		slot = atomic_load_explicit(&e->epoch, memory_order_seq_cst) & 1;
		atomic_fetch_add_explicit(&e->inuse[slot], 1, memory_order_seq_cst);
		if ((atomic_load_explicit(&e->epoch, memory_order_seq_cst) & 1) == slot)
			break;
		/* a writer flipped the epoch meanwhile: count in the current slot */
		atomic_fetch_sub_explicit(&e->inuse[slot], 1, memory_order_release);
	}
	state = atomic_load_explicit(&e->state, memory_order_seq_cst);
	if (!(state & IRTE_PRESENT) || (state & IRTE_SID_MASK) != rid) {
		ret = -EPERM;
		atomic_fetch_add_explicit(&ir->blocked, 1, memory_order_relaxed);
		goto out;
	}
	fd = atomic_load_explicit(&e->fd, memory_order_seq_cst);
	if (fd < 0) {
		ret = -ENODEV;
		atomic_fetch_add_explicit(&ir->no_target, 1, memory_order_relaxed);
		goto out;
	}
	/* An eventfd write only fails at counter overflow: still "raised". */
	if (write(fd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		pr_debug("irq_remap: eventfd write for IRTE %ld failed\n", idx);
	atomic_fetch_add_explicit(&ir->delivered, 1, memory_order_relaxed);
	ret = 0;
out:
	atomic_fetch_sub_explicit(&e->inuse[slot], 1, memory_order_release);
	return ret;
}

void irq_remap_get_stats(struct irq_remap *ir, struct irq_remap_stats *st)
{
	st->delivered = atomic_load_explicit(&ir->delivered, memory_order_relaxed);
	st->blocked = atomic_load_explicit(&ir->blocked, memory_order_relaxed);
	st->no_target = atomic_load_explicit(&ir->no_target, memory_order_relaxed);
}

unsigned int irq_remap_nr_allocated(struct irq_remap *ir)
{
	unsigned int n;

	pthread_mutex_lock(&ir->lock);
	n = ir->nr_allocated;
	pthread_mutex_unlock(&ir->lock);
	return n;
}
