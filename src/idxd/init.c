// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PCI driver "idxd" (8086:0b25) and the module's init/exit.
 *
 * Probe, in the order a real driver uses: enable memory decoding and bus
 * mastering, map BAR0 (registers) and BAR2 (portals), read the capability
 * registers, RESET_DEVICE, MSI-X with vector 0's handler and the error
 * interrupts unmasked, PASID if the capability exists, the IMS domain if the
 * SIOV DVSEC says IMS, then the dsa bus objects (dsa<N> and its WQs,
 * engines and groups). Remove undoes it in reverse.
 * Source: the kernel's drivers/dma/idxd/init.c (order and checks).
 */
#include <errno.h>
#include <stdlib.h>

#include "idxd/idxd_module.h"
#include "idxd/idxd_priv.h"
#include "irq/irq.h"
#include "lib/log.h"

/* ---- capabilities ----------------------------------------------------------- */

static void idxd_read_caps(struct idxd_device *idxd)
{
	struct pci_iomem *regs = idxd->reg_base;
	struct idxd_hw *hw = &idxd->hw;
	unsigned int i;

	hw->version = ioread32(regs, IDXD_VER_OFFSET);
	hw->gen_cap.bits = ioread64(regs, IDXD_GENCAP_OFFSET);
	hw->wq_cap.bits = ioread64(regs, IDXD_WQCAP_OFFSET);
	hw->group_cap.bits = ioread64(regs, IDXD_GRPCAP_OFFSET);
	hw->engine_cap.bits = ioread64(regs, IDXD_ENGCAP_OFFSET);
	for (i = 0; i < ARRAY_SIZE(hw->opcap.bits); i++)
		hw->opcap.bits[i] = ioread64(regs, IDXD_OPCAP_OFFSET + i * 8);
	for (i = 0; i < ARRAY_SIZE(hw->offsets.bits); i++)
		hw->offsets.bits[i] = ioread64(regs, IDXD_TABLE_OFFSET + i * 8);
	hw->cmd_cap = hw->gen_cap.cmd_cap ? ioread32(regs, IDXD_CMDCAP_OFFSET) : 0;

	idxd->max_wqs = hw->wq_cap.num_wqs;
	idxd->max_wq_size = hw->wq_cap.total_wq_size;
	idxd->wqcfg_size = 32U << hw->wq_cap.wqcfg_size;
	idxd->max_groups = hw->group_cap.num_groups;
	idxd->max_rdbufs = hw->group_cap.total_rdbufs;
	idxd->max_engines = hw->engine_cap.num_engines;
	idxd->max_xfer_bytes = 1ULL << hw->gen_cap.max_xfer_shift;
	idxd->max_batch_size = 1U << hw->gen_cap.max_batch_shift;
	idxd->configurable = hw->gen_cap.config_en;
	idxd->request_int_handles = hw->cmd_cap & BIT(IDXD_CMD_REQUEST_INT_HANDLE);
	idxd->grpcfg_offset = (uint64_t)hw->offsets.grpcfg * IDXD_TABLE_MULT;
	idxd->wqcfg_offset = (uint64_t)hw->offsets.wqcfg * IDXD_TABLE_MULT;
	idxd->msix_perm_offset = (uint64_t)hw->offsets.msix_perm * IDXD_TABLE_MULT;
	idxd->ims_offset = (uint64_t)hw->offsets.ims * IDXD_TABLE_MULT;
	idxd->ims_size = hw->gen_cap.max_ims_mult * IDXD_IMS_MULT;
	dev_dbg(&idxd->pdev->dev, "version %#x, %u WQs (%u entries), %u groups, %u engines",
		hw->version, idxd->max_wqs, idxd->max_wq_size, idxd->max_groups,
		idxd->max_engines);
}

/* A device whose tables do not fit its BAR0 is not one we can drive. */
static int idxd_check_caps(struct idxd_device *idxd)
{
	uint64_t bar0 = idxd->reg_base->len;

	if (idxd->hw.version == ~0U || !idxd->max_wqs || !idxd->max_groups ||
	    !idxd->max_engines || idxd->max_engines > 64 || idxd->wqcfg_size > 64 ||
	    idxd->grpcfg_offset + (uint64_t)idxd->max_groups * GRPCFG_SIZE > bar0 ||
	    idxd->wqcfg_offset + (uint64_t)idxd->max_wqs * idxd->wqcfg_size > bar0 ||
	    (idxd->ims_size &&
	     idxd->ims_offset + (uint64_t)idxd->ims_size * IDXD_IMS_ENTRY_SIZE > bar0) ||
	    (uint64_t)idxd->max_wqs * DSA_PORTALS_PER_WQ * DSA_PORTAL_SIZE > idxd->wq_base->len) {
		dev_err(&idxd->pdev->dev, "capabilities describe an impossible layout");
		return -ENODEV;
	}
	return 0;
}

/* ---- the dsa bus objects --------------------------------------------------- */

static void idxd_conf_dev_init(struct device *dev, struct idxd_device *idxd,
			       const struct device_type *type)
{
	dev->parent = &idxd->conf_dev;
	dev->bus = &dsa_bus_type;
	dev->type = type;
	device_initialize(dev);
	get_device(&idxd->conf_dev);	/* dropped by the object's release */
}

/* Allocate one WQ, group and engine object each, named after @idxd. */
static int idxd_alloc_objects(struct idxd_device *idxd)
{
	unsigned int i;

	idxd->wqs = calloc(idxd->max_wqs, sizeof(*idxd->wqs));
	idxd->groups = calloc(idxd->max_groups, sizeof(*idxd->groups));
	idxd->engines = calloc(idxd->max_engines, sizeof(*idxd->engines));
	if (!idxd->wqs || !idxd->groups || !idxd->engines)
		return -ENOMEM;
	for (i = 0; i < idxd->max_groups; i++) {
		struct idxd_group *g = calloc(1, sizeof(*g));

		if (!g)
			return -ENOMEM;
		g->idxd = idxd;
		g->id = i;
		idxd_group_conf_init(g);
		idxd_conf_dev_init(&g->conf_dev, idxd, &idxd_group_device_type);
		idxd->groups[i] = g;
		if (dev_set_name(&g->conf_dev, "group%d.%u", idxd->id, i))
			return -ENOMEM;
	}
	for (i = 0; i < idxd->max_engines; i++) {
		struct idxd_engine *e = calloc(1, sizeof(*e));

		if (!e)
			return -ENOMEM;
		e->idxd = idxd;
		e->id = i;
		idxd_conf_dev_init(&e->conf_dev, idxd, &idxd_engine_device_type);
		idxd->engines[i] = e;
		if (dev_set_name(&e->conf_dev, "engine%d.%u", idxd->id, i))
			return -ENOMEM;
	}
	for (i = 0; i < idxd->max_wqs; i++) {
		struct idxd_wq *wq = calloc(1, sizeof(*wq));

		if (!wq)
			return -ENOMEM;
		wq->idxd = idxd;
		wq->id = i;
		idxd_wq_conf_init(wq);
		idxd_conf_dev_init(&wq->conf_dev, idxd, &idxd_wq_device_type);
		idxd->wqs[i] = wq;
		if (dev_set_name(&wq->conf_dev, "wq%d.%u", idxd->id, i))
			return -ENOMEM;
	}
	return 0;
}

/* Drop the objects' initial references (those never added, or deleted). */
static void idxd_put_objects(struct idxd_device *idxd)
{
	unsigned int i;

	for (i = 0; idxd->wqs && i < idxd->max_wqs && idxd->wqs[i]; i++)
		put_device(&idxd->wqs[i]->conf_dev);
	for (i = 0; idxd->engines && i < idxd->max_engines && idxd->engines[i]; i++)
		put_device(&idxd->engines[i]->conf_dev);
	for (i = 0; idxd->groups && i < idxd->max_groups && idxd->groups[i]; i++)
		put_device(&idxd->groups[i]->conf_dev);
}

/*
 * Delete the objects from the dsa bus: WQs first (unbinding an enabled WQ
 * disables it), then engines, groups, and dsa<N> (which disables the PF).
 */
static void idxd_del_objects(struct idxd_device *idxd)
{
	unsigned int i;

	for (i = 0; i < idxd->max_wqs; i++)
		device_del(&idxd->wqs[i]->conf_dev);
	for (i = 0; i < idxd->max_engines; i++)
		device_del(&idxd->engines[i]->conf_dev);
	for (i = 0; i < idxd->max_groups; i++)
		device_del(&idxd->groups[i]->conf_dev);
	device_del(&idxd->conf_dev);
}

static int idxd_add_objects(struct idxd_device *idxd)
{
	unsigned int i;
	int rc;

	rc = device_add(&idxd->conf_dev);
	if (rc)
		return rc;
	for (i = 0; !rc && i < idxd->max_wqs; i++)
		rc = device_add(&idxd->wqs[i]->conf_dev);
	for (i = 0; !rc && i < idxd->max_engines; i++)
		rc = device_add(&idxd->engines[i]->conf_dev);
	for (i = 0; !rc && i < idxd->max_groups; i++)
		rc = device_add(&idxd->groups[i]->conf_dev);
	if (rc)
		idxd_del_objects(idxd);	/* device_del() skips what was not added */
	return rc;
}

/* ---- interrupts --------------------------------------------------------- */

static int idxd_setup_interrupts(struct idxd_device *idxd)
{
	struct pci_dev *pdev = idxd->pdev;
	int n, rc;

	n = pci_msix_vec_count(pdev);
	if (n < 1) {
		dev_err(&pdev->dev, "no MSI-X");
		return -ENODEV;
	}
	rc = pci_alloc_irq_vectors(pdev, 1, (unsigned int)n, PCI_IRQ_MSIX);
	if (rc < 0)
		return rc;
	idxd->msix_vectors = (unsigned int)n;
	idxd->misc_irq = pci_irq_vector(pdev, 0);
	rc = request_irq((unsigned int)idxd->misc_irq, idxd_misc_irq, idxd);
	if (rc)
		goto out_free_vectors;
	enable_irq((unsigned int)idxd->misc_irq);
	idxd_unmask_error_interrupts(idxd);
	return 0;

out_free_vectors:
	pci_free_irq_vectors(pdev);
	idxd->misc_irq = -1;
	return rc;
}

static void idxd_cleanup_interrupts(struct idxd_device *idxd)
{
	idxd_mask_error_interrupts(idxd);
	free_irq((unsigned int)idxd->misc_irq);
	pci_free_irq_vectors(idxd->pdev);
	idxd->misc_irq = -1;
}

/* ---- probe and remove ---------------------------------------------------- */

static struct idxd_device *idxd_alloc(struct pci_dev *pdev)
{
	struct idxd_device *idxd = calloc(1, sizeof(*idxd));

	if (!idxd)
		return NULL;
	idxd->id = idxd_id_alloc();
	if (idxd->id < 0) {
		free(idxd);
		return NULL;
	}
	idxd->pdev = pdev;
	idxd->misc_irq = -1;
	idxd->conf_dev.parent = &pdev->dev;
	idxd->conf_dev.bus = &dsa_bus_type;
	idxd->conf_dev.type = &dsa_device_type;
	device_initialize(&idxd->conf_dev);
	if (dev_set_name(&idxd->conf_dev, "dsa%d", idxd->id)) {
		put_device(&idxd->conf_dev);
		return NULL;
	}
	return idxd;
}

static int idxd_map_bars(struct idxd_device *idxd)
{
	idxd->reg_base = pci_iomap(idxd->pdev, DSA_MMIO_BAR, 0);
	if (!idxd->reg_base)
		return -errno;
	idxd->wq_base = pci_iomap(idxd->pdev, DSA_WQ_BAR, 0);
	if (!idxd->wq_base) {
		int rc = -errno;

		pci_iounmap(idxd->reg_base);
		idxd->reg_base = NULL;
		return rc;
	}
	return 0;
}

static void idxd_unmap_bars(struct idxd_device *idxd)
{
	pci_iounmap(idxd->wq_base);
	pci_iounmap(idxd->reg_base);
	idxd->wq_base = idxd->reg_base = NULL;
}

/* PASID capability, IMS domain: the SIOV parts of the function. */
static int idxd_setup_siov(struct idxd_device *idxd)
{
	struct pci_dev *pdev = idxd->pdev;
	int rc;

	if (pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_PASID)) {
		rc = pci_enable_pasid(pdev);
		if (rc)
			return rc;
		idxd->pasid_enabled = true;
	}
	if (!pci_ims_supported(pdev))
		idxd->ims_size = 0;
	if (!idxd->ims_size)
		return 0;
	rc = idxd_ims_domain_create(idxd);
	if (rc && idxd->pasid_enabled) {
		pci_disable_pasid(pdev);
		idxd->pasid_enabled = false;
	}
	return rc;
}

static void idxd_cleanup_siov(struct idxd_device *idxd)
{
	if (idxd->ims_size)
		idxd_ims_domain_remove(idxd);
	if (idxd->pasid_enabled)
		pci_disable_pasid(idxd->pdev);
	idxd->pasid_enabled = false;
}

static int idxd_pci_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct idxd_device *idxd;
	int rc;

	idxd = idxd_alloc(pdev);
	if (!idxd)
		return -ENOMEM;
	rc = pci_enable_device_mem(pdev);
	if (rc)
		goto out_put_idxd;
	pci_set_master(pdev);
	rc = idxd_map_bars(idxd);
	if (rc)
		goto out_disable_device;
	idxd_read_caps(idxd);
	rc = idxd_check_caps(idxd);
	if (rc)
		goto out_unmap_bars;
	rc = idxd_device_reset(idxd);
	if (rc)
		goto out_unmap_bars;
	rc = idxd_setup_interrupts(idxd);
	if (rc)
		goto out_unmap_bars;
	rc = idxd_setup_siov(idxd);
	if (rc)
		goto out_cleanup_interrupts;
	rc = idxd_alloc_objects(idxd);
	if (rc)
		goto out_put_objects;
	if (!idxd->configurable)
		idxd_device_load_config(idxd);
	rc = idxd_add_objects(idxd);
	if (rc)
		goto out_put_objects;
	dev_set_drvdata(&pdev->dev, idxd);
	dev_info(&pdev->dev, "%s: %u WQs, %u groups, %u engines, %u IMS entries%s",
		 dev_name(&idxd->conf_dev), idxd->max_wqs, idxd->max_groups,
		 idxd->max_engines, idxd->ims_size,
		 idxd->configurable ? "" : ", read-only configuration");
	return 0;

out_put_objects:
	idxd_put_objects(idxd);
	idxd_cleanup_siov(idxd);
out_cleanup_interrupts:
	idxd_cleanup_interrupts(idxd);
out_unmap_bars:
	idxd_unmap_bars(idxd);
out_disable_device:
	pci_disable_device(pdev);
out_put_idxd:
	put_device(&idxd->conf_dev);
	dev_err(&pdev->dev, "probe failed: %d", rc);
	return rc;
}

static void idxd_pci_remove(struct pci_dev *pdev)
{
	struct idxd_device *idxd = dev_get_drvdata(&pdev->dev);

	if (!idxd)
		return;
	idxd_del_objects(idxd);
	idxd_put_objects(idxd);
	idxd_cleanup_siov(idxd);
	idxd_cleanup_interrupts(idxd);
	idxd->removed = true;
	idxd_unmap_bars(idxd);
	pci_disable_device(pdev);
	dev_info(&pdev->dev, "%s removed", dev_name(&idxd->conf_dev));
	put_device(&idxd->conf_dev);
}

/* ---- function reset (the PCI "reset" attribute) ------------------------------ */

/* Before the reset: what the hardware must look like again afterwards. */
static void idxd_reset_prepare(struct pci_dev *pdev)
{
	struct idxd_device *idxd = dev_get_drvdata(&pdev->dev);
	unsigned int i;

	if (!idxd)
		return;
	for (i = 0; i < idxd->max_wqs; i++) {
		struct idxd_wq *wq = idxd->wqs[i];

		wq->reset_hw_enabled = idxd_wq_hw_state_enabled(wq);
		wq->reset_pasid = wq->wqcfg.pasid_en ? wq->wqcfg.pasid : 0;
	}
	idxd_mask_error_interrupts(idxd);
	dev_info(&idxd->conf_dev, "function reset: saving state");
}

/* The WQs that were enabled in hardware, an owned one with its PASID. */
static int idxd_reset_enable_wqs(struct idxd_device *idxd)
{
	unsigned int i;
	int rc;

	for (i = 0; i < idxd->max_wqs; i++) {
		struct idxd_wq *wq = idxd->wqs[i];

		if (wq->state != IDXD_WQ_ENABLED || !wq->reset_hw_enabled)
			continue;
		if (wq->reset_pasid)
			idxd_wq_write_pasid(wq, true, wq->reset_pasid);
		rc = idxd_wq_hw_cmd(wq, IDXD_CMD_ENABLE_WQ, NULL);
		if (rc) {
			dev_err(&wq->conf_dev, "not enabled again after the reset: %d", rc);
			return rc;
		}
	}
	return 0;
}

/*
 * After the reset (the PCI core restored MSI-X and PASID): the error
 * interrupts, the IMS table, the configuration and what was enabled. The
 * interrupt handles are gone: every owner hears so (DSA 1.1 revocation) and
 * asks again; an owner whose WQ could not be brought back hears it is lost.
 */
static void idxd_reset_done(struct pci_dev *pdev)
{
	struct idxd_device *idxd = dev_get_drvdata(&pdev->dev);
	unsigned int i;
	int rc = 0;

	if (!idxd)
		return;
	idxd_unmask_error_interrupts(idxd);
	idxd_ims_restore(idxd);
	if (idxd->state == IDXD_DEV_ENABLED) {
		idxd->state = IDXD_DEV_DISABLED;
		rc = idxd->configurable ? idxd_device_enable(idxd) : -EOPNOTSUPP;
		if (!rc)
			rc = idxd_reset_enable_wqs(idxd);
	}
	for (i = 0; i < idxd->max_wqs; i++) {
		if (rc)
			idxd_wq_report_error(idxd->wqs[i], NULL);
		else
			idxd_wq_report_revoked(idxd->wqs[i]);
	}
	dev_info(&idxd->conf_dev, "function reset: %s", rc ? "not restored" : "restored");
}

static const struct pci_error_handlers idxd_err_handler = {
	.reset_prepare = idxd_reset_prepare,
	.reset_done = idxd_reset_done,
};

static const struct pci_device_id idxd_pci_tbl[] = {
	{ PCI_DEVICE(DSA_PCI_VENDOR_ID, DSA_PCI_DEVICE_ID) },
	{ 0 },
};
MODULE_DEVICE_TABLE(pci, idxd_pci_tbl);

static struct pci_driver idxd_pci_driver = {
	.name = "idxd",
	.id_table = idxd_pci_tbl,
	.probe = idxd_pci_probe,
	.remove = idxd_pci_remove,
	.err_handler = &idxd_err_handler,
};

/* ---- lookup ------------------------------------------------------------------ */

static bool idxd_loaded;

struct idxd_device *idxd_find_device(const char *name)
{
	struct device *dev;

	if (!idxd_loaded)
		return NULL;
	dev = bus_find_device_by_name(&dsa_bus_type, name);
	if (!dev)
		return NULL;
	if (dev->type != &dsa_device_type) {
		put_device(dev);
		return NULL;
	}
	return confdev_to_idxd(dev);
}

/* ---- module init/exit -------------------------------------------------------- */

int idxd_driver_init(void)
{
	int rc;

	if (idxd_loaded)
		return -EEXIST;
	rc = idxd_bus_init();
	if (rc)
		return rc;
	idxd_loaded = true;
	rc = pci_register_driver(&idxd_pci_driver);
	if (rc)
		goto out_bus_exit;
	return 0;

out_bus_exit:
	idxd_loaded = false;
	idxd_bus_exit();
	return rc;
}

void idxd_driver_exit(void)
{
	if (!idxd_loaded)
		return;
	pci_unregister_driver(&idxd_pci_driver);
	idxd_loaded = false;
	idxd_bus_exit();
}
