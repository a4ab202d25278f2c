// SPDX-License-Identifier: GPL-2.0-only
/*
 * Per-device MSI domains: creation from a const template, sharing with
 * subdevices, slot allocation returning {index, virq}, per-device records.
 * Source: the kernel's kernel/irq/msi.c per-device domain API (v6.2+), which
 * is where the IMS work of seeds 000/001 ended up.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/device.h"
#include "irq/internal.h"
#include "lib/log.h"

struct msi_alloc {
	struct list_head node;
	unsigned int domid;
	unsigned int index;
	int virq;
};

struct msi_device_data {
	struct irq_domain *domains[MSI_MAX_DEVICE_IRQDOMAINS];
	struct list_head allocs;
};

static struct msi_device_data *msi_data(struct device *dev, bool create)
{
	struct msi_device_data *md = dev->msi_data;

	if (md || !create)
		return md;
	md = calloc(1, sizeof(*md));
	if (!md)
		return NULL;
	INIT_LIST_HEAD(&md->allocs);
	dev->msi_data = md;
	return md;
}

/* Free @dev's bookkeeping once it holds no domain and no interrupt. */
static void msi_data_free_unused(struct device *dev)
{
	struct msi_device_data *md = dev->msi_data;
	unsigned int i;

	if (!md || !list_empty(&md->allocs))
		return;
	for (i = 0; i < MSI_MAX_DEVICE_IRQDOMAINS; i++)
		if (md->domains[i])
			return;
	free(md);
	dev->msi_data = NULL;
}

static struct irq_domain *dev_domain(struct device *dev, unsigned int domid)
{
	struct msi_device_data *md = msi_data(dev, false);

	if (!md || domid >= MSI_MAX_DEVICE_IRQDOMAINS)
		return NULL;
	return md->domains[domid];
}

static void domain_put(struct irq_domain *dom)
{
	if (--dom->refs)
		return;
	free(dom->used);
	free(dom->name);
	free(dom);
}

int msi_create_device_irq_domain(struct device *dev, unsigned int domid,
				 const struct msi_domain_template *tmpl,
				 unsigned int hwsize, void *domain_data,
				 uint16_t rid)
{
	struct msi_device_data *md;
	struct irq_domain *dom;

	if (!dev || domid >= MSI_MAX_DEVICE_IRQDOMAINS || !tmpl ||
	    !hwsize || hwsize > 65536)
		return -EINVAL;
	/* The message store is device specific: all three callbacks or none. */
	if (!tmpl->chip.irq_mask || !tmpl->chip.irq_unmask ||
	    !tmpl->chip.irq_write_msi_msg)
		return -EINVAL;
	md = msi_data(dev, true);
	if (!md)
		return -ENOMEM;
	if (md->domains[domid])
		return -EEXIST;
	dom = calloc(1, sizeof(*dom));
	if (!dom)
		return -ENOMEM;
	dom->used = calloc(hwsize, 1);
	dom->name = strdup(tmpl->name ? tmpl->name : "msi");
	if (!dom->used || !dom->name) {
		free(dom->used);
		free(dom->name);
		free(dom);
		return -ENOMEM;
	}
	dom->chip = tmpl->chip;
	dom->hwsize = hwsize;
	dom->domain_data = domain_data;
	dom->rid = rid;
	dom->owner = dev;
	dom->refs = 1;
	md->domains[domid] = dom;
	return 0;
}

void msi_remove_device_irq_domain(struct device *dev, unsigned int domid)
{
	struct irq_domain *dom = dev_domain(dev, domid);

	if (!dom)
		return;
	msi_domain_free_irqs_all(dev, domid);
	if (dom->nr_allocated)
		dev_warn(dev, "irq domain %s removed with %u interrupts held by subdevices",
			 dom->name, dom->nr_allocated);
	((struct msi_device_data *)dev->msi_data)->domains[domid] = NULL;
	domain_put(dom);
	msi_data_free_unused(dev);
}

int msi_device_domain_share(struct device *sub, unsigned int sub_domid,
			    struct device *owner, unsigned int domid)
{
	struct irq_domain *dom = dev_domain(owner, domid);
	struct msi_device_data *md;

	if (!dom || dom->owner != owner)
		return -ENOENT;
	if (sub_domid >= MSI_MAX_DEVICE_IRQDOMAINS)
		return -EINVAL;
	md = msi_data(sub, true);
	if (!md)
		return -ENOMEM;
	if (md->domains[sub_domid])
		return -EEXIST;
	dom->refs++;
	md->domains[sub_domid] = dom;
	return 0;
}

static int slot_pick(struct irq_domain *dom, unsigned int index)
{
	unsigned int i;

	if (index != MSI_ANY_INDEX) {
		if (index >= dom->hwsize)
			return -EINVAL;
		return dom->used[index] ? -EBUSY : (int)index;
	}
	for (i = 0; i < dom->hwsize; i++)
		if (!dom->used[i])
			return (int)i;
	return -ENOSPC;
}

struct msi_map msi_domain_alloc_irq_at(struct device *dev, unsigned int domid,
				       unsigned int index,
				       const union msi_instance_cookie *icookie)
{
	struct irq_domain *dom = dev_domain(dev, domid);
	struct msi_map map = { .index = -ENOENT };
	struct msi_alloc *a;
	int slot, virq;

	if (!dom)
		return map;
	slot = slot_pick(dom, index);
	if (slot < 0) {
		map.index = slot;
		return map;
	}
	a = calloc(1, sizeof(*a));
	if (!a) {
		map.index = -ENOMEM;
		return map;
	}
	virq = irq_domain_alloc_virq(dom, slot, dev, icookie);
	if (virq < 0) {
		free(a);
		map.index = virq;
		return map;
	}
	dom->used[slot] = 1;
	dom->nr_allocated++;
	a->domid = domid;
	a->index = slot;
	a->virq = virq;
	list_add_tail(&a->node, &((struct msi_device_data *)dev->msi_data)->allocs);
	map.index = slot;
	map.virq = virq;
	return map;
}

static void msi_alloc_free(struct device *dev, struct msi_alloc *a)
{
	struct irq_domain *dom = dev_domain(dev, a->domid);

	irq_domain_free_virq(a->virq);
	dom->used[a->index] = 0;
	dom->nr_allocated--;
	list_del_init(&a->node);
	free(a);
}

static struct msi_alloc *msi_alloc_find(struct device *dev, unsigned int domid,
					unsigned int index)
{
	struct msi_device_data *md = msi_data(dev, false);
	struct msi_alloc *a;

	if (!md)
		return NULL;
	list_for_each_entry(a, &md->allocs, node)
		if (a->domid == domid && a->index == index)
			return a;
	return NULL;
}

void msi_domain_free_irq(struct device *dev, unsigned int domid, unsigned int index)
{
	struct msi_alloc *a = msi_alloc_find(dev, domid, index);

	if (a)
		msi_alloc_free(dev, a);
}

void msi_domain_free_irqs_all(struct device *dev, unsigned int domid)
{
	struct msi_device_data *md = msi_data(dev, false);
	struct msi_alloc *a, *n;

	if (!md)
		return;
	list_for_each_entry_safe(a, n, &md->allocs, node)
		if (a->domid == domid)
			msi_alloc_free(dev, a);
}

void msi_device_domains_release(struct device *dev)
{
	struct msi_device_data *md = msi_data(dev, false);
	unsigned int i;

	if (!md)
		return;
	for (i = 0; i < MSI_MAX_DEVICE_IRQDOMAINS; i++) {
		if (!md->domains[i])
			continue;
		msi_domain_free_irqs_all(dev, i);
		domain_put(md->domains[i]);
		md->domains[i] = NULL;
	}
	free(md);
	dev->msi_data = NULL;
}

void msi_domain_restore_irqs(struct device *dev, unsigned int domid)
{
	struct irq_domain *dom = dev_domain(dev, domid);

	if (dom && dom->owner == dev)
		irq_domain_restore(dom);
}

int msi_get_virq(struct device *dev, unsigned int domid, unsigned int index)
{
	struct msi_alloc *a = msi_alloc_find(dev, domid, index);

	return a ? a->virq : -ENOENT;
}

unsigned int msi_domain_nr_irqs(struct device *dev, unsigned int domid)
{
	struct msi_device_data *md = msi_data(dev, false);
	struct msi_alloc *a;
	unsigned int n = 0;

	if (!md)
		return 0;
	list_for_each_entry(a, &md->allocs, node)
		n += a->domid == domid;
	return n;
}
