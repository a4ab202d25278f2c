// SPDX-License-Identifier: GPL-2.0-only
/*
 * MSI-X as the device's default MSI domain: the irq_chip writes the table
 * entries in the BAR the MSI-X capability names and masks through the
 * vector control word (flushed by a read back). Source: PCI Local Bus spec
 * 3.0 section 6.8.2 (MSI-X), Linux drivers/pci/msi/msi.c semantics.
 */
#include <errno.h>

#include "irq/msi.h"
#include "pci/pci_priv.h"

static uint64_t msix_entry(struct pci_dev *pdev, unsigned int nr)
{
	return pdev->msix_table_offset + (uint64_t)nr * PCI_MSIX_ENTRY_SIZE;
}

static void msix_set_mask(struct irq_data *d, bool masked)
{
	struct pci_dev *pdev = d->chip_data;
	uint64_t off = msix_entry(pdev, d->hwirq) + PCI_MSIX_ENTRY_VECTOR_CTRL;
	uint64_t ctrl = 0;

	pci_bar_read(pdev, pdev->msix_table_bar, off, 4, &ctrl);
	if (masked)
		ctrl |= PCI_MSIX_ENTRY_CTRL_MASKBIT;
	else
		ctrl &= ~(uint64_t)PCI_MSIX_ENTRY_CTRL_MASKBIT;
	pci_bar_write(pdev, pdev->msix_table_bar, off, 4, ctrl);
	/* flush: the mask state has reached the device when we return */
	pci_bar_read(pdev, pdev->msix_table_bar, off, 4, &ctrl);
}

static void msix_mask(struct irq_data *d)
{
	msix_set_mask(d, true);
}

static void msix_unmask(struct irq_data *d)
{
	msix_set_mask(d, false);
}

static void msix_write_msg(struct irq_data *d, const struct msi_msg *msg)
{
	struct pci_dev *pdev = d->chip_data;
	uint64_t base = msix_entry(pdev, d->hwirq);
	int bar = pdev->msix_table_bar;

	pci_bar_write(pdev, bar, base + PCI_MSIX_ENTRY_LOWER_ADDR, 4, (uint32_t)msg->address);
	pci_bar_write(pdev, bar, base + PCI_MSIX_ENTRY_UPPER_ADDR, 4, msg->address >> 32);
	pci_bar_write(pdev, bar, base + PCI_MSIX_ENTRY_DATA, 4, msg->data);
}

static const struct msi_domain_template pci_msix_template = {
	.name = "PCI-MSIX",
	.chip = {
		.name = "PCI-MSIX",
		.irq_mask = msix_mask,
		.irq_unmask = msix_unmask,
		.irq_write_msi_msg = msix_write_msg,
	},
};

static int msix_discover(struct pci_dev *pdev)
{
	unsigned int pos = pci_find_capability(pdev, PCI_CAP_ID_MSIX);
	uint16_t flags;
	uint32_t table;

	if (!pos || pci_read_config_word(pdev, pos + PCI_MSIX_FLAGS, &flags) ||
	    pci_read_config_dword(pdev, pos + PCI_MSIX_TABLE, &table))
		return -EINVAL;
	pdev->msix_cap = pos;
	pdev->msix_table_size = (flags & PCI_MSIX_FLAGS_QSIZE) + 1;
	pdev->msix_table_bar = table & PCI_MSIX_TABLE_BIR;
	pdev->msix_table_offset = table & PCI_MSIX_TABLE_OFFSET;
	return 0;
}

int pci_msix_vec_count(struct pci_dev *pdev)
{
	if (msix_discover(pdev))
		return -EINVAL;
	return pdev->msix_table_size;
}

static void msix_ctrl(struct pci_dev *pdev, uint16_t set, uint16_t clear)
{
	uint16_t flags;

	pci_read_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, &flags);
	pci_write_config_word(pdev, pdev->msix_cap + PCI_MSIX_FLAGS, (flags & ~clear) | set);
}

int pci_alloc_irq_vectors(struct pci_dev *pdev, unsigned int min_vecs,
			  unsigned int max_vecs, unsigned int flags)
{
	unsigned int n, i;
	struct msi_map map;
	int rc;

	if (flags != PCI_IRQ_MSIX || !min_vecs || min_vecs > max_vecs || pdev->msix_enabled)
		return -EINVAL;
	if (msix_discover(pdev))
		return -EINVAL;
	if (pdev->msix_table_size < min_vecs)
		return -ENOSPC;
	n = max_vecs < pdev->msix_table_size ? max_vecs : pdev->msix_table_size;
	rc = msi_create_device_irq_domain(&pdev->dev, MSI_DEFAULT_DOMAIN, &pci_msix_template,
					  pdev->msix_table_size, pdev, pci_dev_id(pdev));
	if (rc)
		return rc;
	/* Enable with the function masked while the table is programmed. */
	msix_ctrl(pdev, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 0);
	for (i = 0; i < n; i++) {
		map = msi_domain_alloc_irq_at(&pdev->dev, MSI_DEFAULT_DOMAIN, i, NULL);
		if (map.index < 0) {
			rc = map.index;
			goto out_free;
		}
	}
	msix_ctrl(pdev, 0, PCI_MSIX_FLAGS_MASKALL);
	pdev->msix_enabled = true;
	return (int)n;

out_free:
	msix_ctrl(pdev, 0, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	msi_remove_device_irq_domain(&pdev->dev, MSI_DEFAULT_DOMAIN);
	return rc;
}

void pci_free_irq_vectors(struct pci_dev *pdev)
{
	if (!pdev->msix_enabled)
		return;
	msi_remove_device_irq_domain(&pdev->dev, MSI_DEFAULT_DOMAIN);
	msix_ctrl(pdev, 0, PCI_MSIX_FLAGS_ENABLE);
	pdev->msix_enabled = false;
}

int pci_msix_table_info(struct pci_dev *pdev, unsigned int *table_bar, uint32_t *table_off,
			unsigned int *pba_bar, uint32_t *pba_off)
{
	uint32_t pba;

	if (msix_discover(pdev) ||
	    pci_read_config_dword(pdev, pdev->msix_cap + PCI_MSIX_PBA, &pba))
		return -EINVAL;
	*table_bar = pdev->msix_table_bar;
	*table_off = pdev->msix_table_offset;
	*pba_bar = pba & PCI_MSIX_PBA_BIR;
	*pba_off = pba & PCI_MSIX_PBA_OFFSET;
	return 0;
}

void pci_restore_msix_state(struct pci_dev *pdev)
{
	if (!pdev->msix_enabled)
		return;
	/* as at allocation: enabled and function-masked while programming */
	msix_ctrl(pdev, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL, 0);
	msi_domain_restore_irqs(&pdev->dev, MSI_DEFAULT_DOMAIN);
	msix_ctrl(pdev, 0, PCI_MSIX_FLAGS_MASKALL);
}

int pci_irq_vector(struct pci_dev *pdev, unsigned int nr)
{
	int virq = msi_get_virq(&pdev->dev, MSI_DEFAULT_DOMAIN, nr);

	return virq < 0 ? -EINVAL : virq;
}
