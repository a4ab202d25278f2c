/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Per-device MSI irq domains (the kernel's end state: an array of domains per
 * device, MSI-X in the default slot, IMS in the secondary one).
 *
 * A driver creates a domain on the device it owns from a const template (the
 * irq_chip of its message store) and a hardware size (number of slots).
 * Allocation picks a free slot (or the one asked for), allocates an IRTE and
 * a virq, composes the message, writes it through the chip and leaves the
 * slot masked; it returns {index, virq} by value, with -errno in index on
 * failure.
 *
 * Subdevices (Gleixner's option A, seed 001): a subdevice with its own struct
 * device is given access to its parent's domain with msi_device_domain_share();
 * it then allocates and frees through the same generic calls on itself, its
 * allocations are recorded on it (so they are visible and freed per
 * subdevice), while the slots come from the parent's store.
 *
 * Lifetime: msi_domain_free_irqs_all() on every device that allocated, then
 * msi_remove_device_irq_domain() on the owner. A device must have freed its
 * interrupts and dropped shared domains (msi_device_domains_release())
 * before it is released.
 *
 * Threading: event-loop thread only.
 */
#ifndef SIOVD_IRQ_MSI_H
#define SIOVD_IRQ_MSI_H

#include <limits.h>

#include "irq/irq.h"

enum msi_domain_ids {
	MSI_DEFAULT_DOMAIN = 0,		/* PCI MSI-X */
	MSI_SECONDARY_DOMAIN = 1,	/* IMS */
	MSI_MAX_DEVICE_IRQDOMAINS,
};

#define MSI_ANY_INDEX		UINT_MAX

struct msi_map {
	int index;		/* slot, or -errno */
	int virq;
};

/*
 * struct msi_domain_template - const description a driver passes; the core
 * copies it per device. The chip must have mask, unmask and write_msi_msg.
 */
struct msi_domain_template {
	const char *name;
	struct irq_chip chip;
};

/*
 * msi_create_device_irq_domain - create domain @domid on @dev.
 * @hwsize: number of slots (1..65536); @domain_data: chip_data for the chip;
 * @rid: requester id the device signals with (IRTE source check).
 * Return: 0, -EINVAL (bad template or id), -EEXIST, -ENOMEM.
 */
int msi_create_device_irq_domain(struct device *dev, unsigned int domid,
				 const struct msi_domain_template *tmpl,
				 unsigned int hwsize, void *domain_data,
				 uint16_t rid);
void msi_remove_device_irq_domain(struct device *dev, unsigned int domid);

/*
 * msi_device_domain_share - let subdevice @sub allocate from domain @domid of
 * @owner, as its own domain @sub_domid. Return: 0, -ENOENT, -EEXIST.
 */
int msi_device_domain_share(struct device *sub, unsigned int sub_domid,
			    struct device *owner, unsigned int domid);

/*
 * msi_domain_alloc_irq_at - allocate one interrupt in @dev's domain @domid at
 * slot @index, or the lowest free slot with MSI_ANY_INDEX. @icookie may be
 * NULL. Return: {slot, virq}, or {-errno, 0}: -ENOENT (no domain), -EBUSY
 * (slot taken), -ENOSPC (no free slot or IRTE), -EINVAL.
 */
struct msi_map msi_domain_alloc_irq_at(struct device *dev, unsigned int domid,
				       unsigned int index,
				       const union msi_instance_cookie *icookie);

/* Free the interrupt @dev allocated at slot @index of @domid. */
void msi_domain_free_irq(struct device *dev, unsigned int domid, unsigned int index);
/* Free every interrupt @dev allocated in @domid. */
void msi_domain_free_irqs_all(struct device *dev, unsigned int domid);
/* Drop all domain references and bookkeeping of @dev (call before release). */
void msi_device_domains_release(struct device *dev);

/*
 * msi_domain_restore_irqs - write every allocated slot of domain @domid of
 * @dev (the owner; subdevices' allocations in a shared domain included)
 * into the message store again, message first, then the mask state: what a
 * device lost in a function reset. Interrupts keep their virqs, IRTEs and
 * targets.
 */
void msi_domain_restore_irqs(struct device *dev, unsigned int domid);

/* The virq @dev holds at slot @index of @domid, or -ENOENT. */
int msi_get_virq(struct device *dev, unsigned int domid, unsigned int index);
/* Number of interrupts @dev holds in @domid. */
unsigned int msi_domain_nr_irqs(struct device *dev, unsigned int domid);

#endif
