/* SPDX-License-Identifier: GPL-2.0-only */
/* Private to the irq core (src/irq): what irq.c and msi.c share. */
#ifndef SIOVD_IRQ_INTERNAL_H
#define SIOVD_IRQ_INTERNAL_H

#include "irq/msi.h"

/*
 * struct irq_domain - one device's message store: its chip, its slots.
 * Owned by the device that created it; shared (refs) with subdevices.
 */
struct irq_domain {
	char *name;
	struct irq_chip chip;
	unsigned int hwsize;
	unsigned char *used;		/* hwsize bytes: slot allocated */
	void *domain_data;
	uint16_t rid;
	struct device *owner;
	unsigned int refs;		/* owner + each sharing subdevice */
	unsigned int nr_allocated;
};

/*
 * irq_domain_alloc_virq - allocate a virq and an IRTE for slot @hwirq of
 * @dom on behalf of @dev, write the message through the chip, leave it
 * masked. Return: the virq (> 0) or -errno.
 */
int irq_domain_alloc_virq(struct irq_domain *dom, unsigned int hwirq,
			  struct device *dev, const union msi_instance_cookie *cookie);
/* Undo irq_domain_alloc_virq(): detach consumers, mask, free IRTE and virq. */
void irq_domain_free_virq(unsigned int virq);
/* Program every virq of @dom into its store again: message, then mask state. */
void irq_domain_restore(struct irq_domain *dom);

#endif
