// SPDX-License-Identifier: GPL-2.0-only
/*
 * The irq core: virq descriptors, consumers (threaded handlers or a direct
 * eventfd target), mask/unmask through the domain's chip.
 *
 * Delivery never runs siovd code on the device thread: the IRTE of a virq
 * targets an eventfd. For a requested handler the core owns that eventfd and
 * watches it on the event loop (a threaded irq); for irq_set_eventfd() the
 * IRTE targets the consumer's eventfd directly.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "irq/internal.h"
#include "lib/evloop.h"
#include "lib/log.h"

struct irq_desc {
	struct irq_data data;
	int irte;			/* remapping table entry */
	bool masked;
	bool direct;			/* IRTE targets a consumer's eventfd */
	irq_handler_t handler;
	void *arg;
	struct ev_source ev;		/* threaded handler: our eventfd */
};

static struct {
	struct evloop *loop;
	struct irq_remap *ir;
	struct irq_desc **descs;	/* index = virq; 0 is never used */
	unsigned int capacity;
	unsigned int allocated;
} core;

int irq_core_init(struct evloop *loop, struct irq_remap *ir)
{
	if (!loop || !ir)
		return -EINVAL;
	if (core.ir)
		return -EBUSY;
	core.loop = loop;
	core.ir = ir;
	return 0;
}

void irq_core_exit(void)
{
	if (core.allocated)
		pr_warn("irq core exit with %u virqs allocated", core.allocated);
	free(core.descs);
	core.descs = NULL;
	core.capacity = 0;
	core.allocated = 0;
	core.loop = NULL;
	core.ir = NULL;
}

struct irq_remap *irq_core_remap(void)
{
	return core.ir;
}

unsigned int irq_nr_allocated(void)
{
	return core.allocated;
}

static struct irq_desc *irq_to_desc(unsigned int irq)
{
	return irq < core.capacity ? core.descs[irq] : NULL;
}

struct irq_data *irq_get_irq_data(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);

	return desc ? &desc->data : NULL;
}

/* Lowest free virq >= 1, growing the table. Return: virq or -ENOMEM. */
static int virq_reserve(void)
{
	unsigned int i, cap;
	struct irq_desc **d;

	for (i = 1; i < core.capacity; i++)
		if (!core.descs[i])
			return (int)i;
	cap = core.capacity ? core.capacity * 2 : 64;
	d = realloc(core.descs, cap * sizeof(*d));
	if (!d)
		return -ENOMEM;
	for (i = core.capacity; i < cap; i++)
		d[i] = NULL;
	i = core.capacity ? core.capacity : 1;
	core.descs = d;
	core.capacity = cap;
	return (int)i;
}

int irq_domain_alloc_virq(struct irq_domain *dom, unsigned int hwirq,
			  struct device *dev, const union msi_instance_cookie *cookie)
{
	struct irq_desc *desc;
	int virq, irte;

	if (!core.ir)
		return -ENODEV;
	virq = virq_reserve();
	if (virq < 0)
		return virq;
	desc = calloc(1, sizeof(*desc));
	if (!desc)
		return -ENOMEM;
	irte = irq_remap_alloc(core.ir, dom->rid);
	if (irte < 0) {
		free(desc);
		return irte;
	}
	desc->irte = irte;
	desc->ev.fd = -1;
	desc->data.irq = virq;
	desc->data.hwirq = hwirq;
	desc->data.domain = dom;
	desc->data.chip_data = dom->domain_data;
	desc->data.dev = dev;
	if (cookie)
		desc->data.cookie = *cookie;
	irq_remap_compose_msg(irte, &desc->data.msg);
	core.descs[virq] = desc;
	core.allocated++;

	/* Program the store masked; consumers unmask with enable_irq(). */
	dom->chip.irq_mask(&desc->data);
	desc->masked = true;
	dom->chip.irq_write_msi_msg(&desc->data, &desc->data.msg);
	return virq;
}

void irq_domain_free_virq(unsigned int virq)
{
	struct irq_desc *desc = irq_to_desc(virq);

	if (!desc)
		return;
	if (desc->handler)
		free_irq(virq);
	if (desc->direct)
		irq_set_eventfd(virq, -1);
	disable_irq(virq);
	irq_remap_free(core.ir, desc->irte);
	core.descs[virq] = NULL;
	core.allocated--;
	free(desc);
}

void irq_domain_restore(struct irq_domain *dom)
{
	struct irq_desc *desc;
	unsigned int i;

	for (i = 1; i < core.capacity; i++) {
		desc = core.descs[i];
		if (!desc || desc->data.domain != dom)
			continue;
		dom->chip.irq_mask(&desc->data);
		dom->chip.irq_write_msi_msg(&desc->data, &desc->data.msg);
		if (!desc->masked)
			dom->chip.irq_unmask(&desc->data);
	}
}

static void irq_thread_fn(struct ev_source *src, uint32_t events)
{
	struct irq_desc *desc = container_of(src, struct irq_desc, ev);
	uint64_t count;

	if (read(src->fd, &count, sizeof(count)) != sizeof(count))
		return;
	desc->handler(desc->data.irq, desc->arg);
}

int request_irq(unsigned int irq, irq_handler_t handler, void *arg)
{
	struct irq_desc *desc = irq_to_desc(irq);
	int efd, rc;

	if (!desc || !handler)
		return -EINVAL;
	if (desc->handler || desc->direct)
		return -EBUSY;
	efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (efd < 0)
		return -errno;
	desc->ev.fd = efd;
	desc->ev.handler = irq_thread_fn;
	rc = evloop_add(core.loop, &desc->ev, EPOLLIN);
	if (rc)
		goto out_close;
	rc = irq_remap_set_eventfd(core.ir, desc->irte, efd);
	if (rc)
		goto out_del;
	desc->handler = handler;
	desc->arg = arg;
	return 0;

out_del:
	evloop_del(core.loop, &desc->ev);
out_close:
	close(efd);
	desc->ev.fd = -1;
	return rc;
}

void free_irq(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);

	if (!desc || !desc->handler)
		return;
	irq_remap_set_eventfd(core.ir, desc->irte, -1);
	evloop_del(core.loop, &desc->ev);
	close(desc->ev.fd);
	desc->ev.fd = -1;
	desc->handler = NULL;
	desc->arg = NULL;
}

int irq_set_eventfd(unsigned int irq, int eventfd)
{
	struct irq_desc *desc = irq_to_desc(irq);
	int rc;

	if (!desc)
		return -EINVAL;
	if (desc->handler)
		return -EBUSY;
	rc = irq_remap_set_eventfd(core.ir, desc->irte, eventfd);
	if (rc)
		return rc;
	desc->direct = eventfd >= 0;
	return 0;
}

void enable_irq(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);

	if (!desc || !desc->masked)
		return;
	desc->data.domain->chip.irq_unmask(&desc->data);
	desc->masked = false;
}

void disable_irq(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);

	if (!desc || desc->masked)
		return;
	desc->data.domain->chip.irq_mask(&desc->data);
	desc->masked = true;
}

bool irq_is_masked(unsigned int irq)
{
	struct irq_desc *desc = irq_to_desc(irq);

	return !desc || desc->masked;
}
