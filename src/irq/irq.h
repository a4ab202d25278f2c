/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The irq core: virtual irq numbers (virqs), irq chips, and how an interrupt
 * reaches its consumer.
 *
 * A virq is allocated by an MSI domain (irq/msi.h) together with an IRTE of
 * the platform's remapping unit (irq/remap.h). The domain's irq_chip writes
 * the remappable message into the device's message store (MSI-X table, IDXD
 * IMS table) and masks/unmasks it there. A consumer then either
 *  - request_irq()s a handler, which runs on the event-loop thread (all
 *    handlers are "threaded": a device thread only writes an eventfd), or
 *  - irq_set_eventfd()s a client's eventfd, which the IRTE then targets
 *    directly (VFIO's irq bypass: no siovd code runs per interrupt).
 * A freshly allocated virq is masked; enable_irq() unmasks it.
 *
 * Threading: every function here runs on the event-loop thread (the control
 * plane), except that chip callbacks may sleep on the device's MMIO.
 *
 * Source: the kernel's kernel/irq (irq_chip, irq_data, request_irq) and
 * include/linux/msi.h, reduced.
 */
#ifndef SIOVD_IRQ_IRQ_H
#define SIOVD_IRQ_IRQ_H

#include <stdbool.h>
#include <stdint.h>

#include "irq/remap.h"

struct evloop;
struct irq_domain;
struct device;

/* Per-allocation cookie handed to the chip: IDXD IMS puts the PASID here. */
union msi_instance_cookie {
	uint64_t value;
	void *ptr;
};

/*
 * struct irq_data - what a chip callback sees of one interrupt. Owned by the
 * irq core; valid from allocation until free.
 * @irq: the virq; @hwirq: the slot in the domain (MSI-X vector, IMS index);
 * @chip_data: the domain_data given at domain creation;
 * @cookie: the allocation's instance cookie; @msg: the composed message;
 * @dev: the device that allocated it (may differ from the domain's owner:
 * a subdevice allocating from its parent's IMS domain).
 */
struct irq_data {
	unsigned int irq;
	unsigned int hwirq;
	struct irq_domain *domain;
	void *chip_data;
	union msi_instance_cookie cookie;
	struct msi_msg msg;
	struct device *dev;
};

/*
 * struct irq_chip - the device-specific message store. All three callbacks
 * are required (checked at domain creation); mask and unmask must flush
 * (read back) so the state has reached the device when they return.
 */
struct irq_chip {
	const char *name;
	void (*irq_mask)(struct irq_data *d);
	void (*irq_unmask)(struct irq_data *d);
	void (*irq_write_msi_msg)(struct irq_data *d, const struct msi_msg *msg);
};

typedef void (*irq_handler_t)(unsigned int irq, void *arg);

/*
 * irq_core_init - set up the irq core for the platform's remapping unit
 * @ir, delivering threaded handlers on @loop. Return: 0 or -errno.
 * irq_core_exit - undo; every virq must have been freed.
 */
int irq_core_init(struct evloop *loop, struct irq_remap *ir);
void irq_core_exit(void);
struct irq_remap *irq_core_remap(void);

/* Number of allocated virqs (leak accounting). */
unsigned int irq_nr_allocated(void);

/*
 * request_irq - run @handler(@irq, @arg) on the event-loop thread each time
 * the interrupt fires (coalesced: several fires before the loop runs give one
 * call). Does not unmask. Return: 0, -EINVAL (no such virq), -EBUSY
 * (already has a handler or an eventfd).
 */
int request_irq(unsigned int irq, irq_handler_t handler, void *arg);
void free_irq(unsigned int irq);

/*
 * irq_set_eventfd - deliver the interrupt straight to @eventfd (dup()ed), or
 * detach with -1. Return: 0, -EINVAL, -EBUSY (a handler is requested),
 * -EBADF.
 */
int irq_set_eventfd(unsigned int irq, int eventfd);

/* Mask/unmask at the device through the chip. */
void enable_irq(unsigned int irq);
void disable_irq(unsigned int irq);
bool irq_is_masked(unsigned int irq);

/* The irq_data of a virq, or NULL. */
struct irq_data *irq_get_irq_data(unsigned int irq);

#endif
