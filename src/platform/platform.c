// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>

#include "base/auxiliary.h"
#include "iommu/iommu.h"
#include "irq/irq.h"
#include "irq/remap.h"
#include "pci/pci.h"
#include "platform/platform.h"
#include "sysfs/sysfs.h"

int platform_init(struct platform *p, struct evloop *loop)
{
	int rc;

	memset(p, 0, sizeof(*p));
	p->loop = loop;
	rc = sysfs_init();
	if (rc)
		return rc;
	p->iommu = iommu_create();
	if (!p->iommu) {
		rc = -ENOMEM;
		goto out_sysfs;
	}
	p->ir = irq_remap_create(PLATFORM_IRTE_COUNT);
	if (!p->ir) {
		rc = -ENOMEM;
		goto out_iommu;
	}
	rc = irq_core_init(loop, p->ir);
	if (rc)
		goto out_remap;
	rc = pci_bus_init();
	if (rc)
		goto out_irq;
	rc = auxiliary_bus_init();
	if (rc)
		goto out_pci;
	return 0;

out_pci:
	pci_bus_exit();
out_irq:
	irq_core_exit();
out_remap:
	irq_remap_destroy(p->ir);
out_iommu:
	iommu_destroy(p->iommu);
out_sysfs:
	sysfs_exit();
	return rc;
}

struct pci_dev *platform_add_dsa(struct platform *p, const struct dsa_hw_params *params)
{
	uint8_t devfn = PCI_DEVFN(PLATFORM_DSA_SLOT + p->nr_dsa, 0);
	struct dsa_hw_params defaults;
	struct pci_dev *pdev;
	struct dsa_hw *hw;
	int rc;

	if (p->nr_dsa == PLATFORM_MAX_DSA) {
		errno = ENOSPC;
		return NULL;
	}
	if (!params) {
		dsa_hw_params_default(&defaults);
		params = &defaults;
	}
	hw = dsa_hw_create(params, p->iommu, p->ir, devfn);
	if (!hw)
		return NULL;
	pdev = pci_dev_create(0, 0, devfn, &dsa_hw_pci_ops, hw, p->iommu);
	if (!pdev)
		goto out_hw;
	rc = pci_dev_add(pdev);
	if (rc) {
		put_device(&pdev->dev);
		errno = -rc;
		goto out_hw;
	}
	p->dsa_hw[p->nr_dsa] = hw;
	p->dsa_pdev[p->nr_dsa] = pdev;
	p->nr_dsa++;
	return pdev;

out_hw:
	rc = errno;
	dsa_hw_destroy(hw);
	errno = rc;
	return NULL;
}

void platform_exit(struct platform *p)
{
	while (p->nr_dsa) {
		p->nr_dsa--;
		pci_dev_remove(p->dsa_pdev[p->nr_dsa]);
		dsa_hw_destroy(p->dsa_hw[p->nr_dsa]);
		p->dsa_pdev[p->nr_dsa] = NULL;
		p->dsa_hw[p->nr_dsa] = NULL;
	}
	auxiliary_bus_exit();
	pci_bus_exit();
	irq_core_exit();
	irq_remap_destroy(p->ir);
	iommu_destroy(p->iommu);
	sysfs_exit();
}
