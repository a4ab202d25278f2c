/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interrupt remapping: the platform unit that turns a device's MSI write into
 * an interrupt delivered somewhere. Devices only ever write messages; the
 * message names an interrupt remapping table entry (IRTE), and the IRTE says
 * where the interrupt goes. Retargeting an interrupt (a new client eventfd,
 * a host handler) changes the IRTE and never touches the device.
 *
 * Message format (Intel VT-d "remappable format", VT-d spec 5.1.2.2):
 *   address = 0xFEE00000 | handle[14:0] << 5 | 1 << 4 (format) | handle[15] << 2
 *   data    = 0 (no sub-handle)
 * A write whose address is outside 0xFEExxxxx, not in remappable format,
 * names an IRTE that is not present, or comes from a requester id other
 * than the one the IRTE was allocated for, is blocked and counted (a device
 * cannot raise another device's interrupts).
 *
 * Delivery: an IRTE targets an eventfd; delivery writes 1 to it. The fd is
 * dup()ed by irq_remap_set_eventfd() and owned by the table.
 *
 * Threading: irq_remap_msi_write() is the hot path. It runs on any device
 * thread, takes no lock and makes exactly one syscall (the eventfd write).
 * Configuration calls may run concurrently with it from any thread;
 * irq_remap_set_eventfd() and irq_remap_free() return only when no
 * delivery to the old target is still in progress, so the caller may close
 * its fd afterwards.
 */
#ifndef SIOVD_IRQ_REMAP_H
#define SIOVD_IRQ_REMAP_H

#include <stdint.h>

#define MSI_ADDR_BASE			0xfee00000ULL
#define MSI_ADDR_BASE_MASK		0xfff00000ULL
#define MSI_ADDR_IR_FORMAT		(1U << 4)
#define MSI_ADDR_IR_SHV			(1U << 3)
#define MSI_ADDR_IR_HANDLE_HI		(1U << 2)
#define MSI_ADDR_IR_HANDLE_SHIFT	5

struct msi_msg {
	uint64_t address;
	uint32_t data;
};

struct irq_remap;

struct irq_remap_stats {
	uint64_t delivered;	/* eventfd writes done */
	uint64_t blocked;	/* malformed, not present, or wrong source id */
	uint64_t no_target;	/* present but no eventfd set: dropped */
};

/* @nr_entries: 1..65536. Return: the table, or NULL (-ENOMEM/-EINVAL). */
struct irq_remap *irq_remap_create(unsigned int nr_entries);
/* Every IRTE must have been freed. */
void irq_remap_destroy(struct irq_remap *ir);

/*
 * irq_remap_alloc - allocate a present IRTE for interrupts of requester @rid,
 * with no target yet. Return: the IRTE index, or -ENOSPC.
 */
int irq_remap_alloc(struct irq_remap *ir, uint16_t rid);

/* Free an IRTE; waits for deliveries in progress. */
void irq_remap_free(struct irq_remap *ir, unsigned int index);

/* The MSI message a device must write to raise IRTE @index. */
void irq_remap_compose_msg(unsigned int index, struct msi_msg *msg);

/*
 * irq_remap_set_eventfd - deliver IRTE @index to @eventfd (dup()ed), or
 * stop delivering when @eventfd is -1. Waits for deliveries in progress to
 * the old target. Return: 0, -EINVAL (bad index or not present), -EBADF.
 */
int irq_remap_set_eventfd(struct irq_remap *ir, unsigned int index, int eventfd);

/*
 * irq_remap_msi_write - a device's MSI write reaching the remapping unit.
 * Return: 0 when delivered, -EPERM when blocked, -ENODEV when the IRTE has
 * no target (dropped, as an interrupt with nowhere to go).
 */
int irq_remap_msi_write(struct irq_remap *ir, uint16_t rid, uint64_t address,
			uint32_t data);

void irq_remap_get_stats(struct irq_remap *ir, struct irq_remap_stats *st);
/* Number of allocated IRTEs (leak accounting). */
unsigned int irq_remap_nr_allocated(struct irq_remap *ir);

#endif
