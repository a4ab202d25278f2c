/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The emulated machine: what firmware and the chipset provide before any
 * driver runs. It owns the platform IOMMU, the interrupt-remapping unit and
 * the event loop's irq core, registers the core buses (pci, auxiliary) and
 * plugs DSA function models into PCI slots. Drivers are modules
 * (base/module.h): plugging a DSA in loads idxd by its modalias when the
 * module loader is up; tests register built-in drivers themselves.
 *
 * The first DSA sits in slot 0000:00:0a.0, as in the seeds' examples; the
 * next ones in 0b, 0c, ...
 *
 * Lifetime: platform_init() .. platform_exit(); exit hot-unplugs every PCI
 * function first, so drivers must still be registered when it runs (their
 * remove() runs then) or have been unregistered before.
 *
 * Threading: event-loop thread.
 */
#ifndef SIOVD_PLATFORM_PLATFORM_H
#define SIOVD_PLATFORM_PLATFORM_H

#include <stdint.h>

#include "hw/dsa/dsa.h"

#define PLATFORM_MAX_DSA	8
#define PLATFORM_DSA_SLOT	0x0a
#define PLATFORM_IRTE_COUNT	65536

struct evloop;
struct iommu;
struct irq_remap;
struct pci_dev;

struct platform {
	struct evloop *loop;
	struct iommu *iommu;
	struct irq_remap *ir;
	unsigned int nr_dsa;
	struct dsa_hw *dsa_hw[PLATFORM_MAX_DSA];
	struct pci_dev *dsa_pdev[PLATFORM_MAX_DSA];
};

/*
 * platform_init - build the machine on @loop: sysfs tree, IOMMU, remapping
 * unit, irq core, pci and auxiliary buses. Return: 0 or -errno (everything
 * undone).
 */
int platform_init(struct platform *p, struct evloop *loop);

/*
 * platform_add_dsa - create a DSA function model with @params (NULL: the
 * defaults) and plug it into the next slot; drivers registered by then
 * probe it. Return: the slot's pci_dev, or NULL with errno.
 */
struct pci_dev *platform_add_dsa(struct platform *p, const struct dsa_hw_params *params);

/* Unplug every function, then tear the machine down. */
void platform_exit(struct platform *p);

#endif
