// SPDX-License-Identifier: GPL-2.0-only
/*
 * The pci bus: slots, matching, probe/remove, sysfs identity attributes.
 * Source: Linux drivers/pci/pci-driver.c (matching rules incl. override-only
 * ids and driver_override), pci-sysfs.c (attribute formats), probe.c.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "irq/msi.h"
#include "lib/kstrto.h"
#include "lib/log.h"
#include "pci/pci.h"
#include "pci/pci_priv.h"
#include "spec/pci_siov.h"

/* ---- matching ------------------------------------------------------------ */

static bool pci_id_matches(const struct pci_device_id *id, const struct pci_dev *pdev)
{
	return (id->vendor == PCI_ANY_ID || id->vendor == pdev->vendor) &&
	       (id->device == PCI_ANY_ID || id->device == pdev->device) &&
	       (id->subvendor == PCI_ANY_ID || id->subvendor == pdev->subsystem_vendor) &&
	       (id->subdevice == PCI_ANY_ID || id->subdevice == pdev->subsystem_device) &&
	       !((id->class ^ pdev->class) & id->class_mask);
}

const struct pci_device_id *pci_match_id(const struct pci_device_id *ids,
					 struct pci_dev *pdev, const char *drv_name)
{
	bool overridden = pdev->dev.driver_override && drv_name &&
			  !strcmp(pdev->dev.driver_override, drv_name);
	bool vfio = pdev->vfio_flavour && !pdev->dev.driver_override;

	for (; ids && (ids->vendor || ids->subvendor || ids->class_mask); ids++) {
		if (!pci_id_matches(ids, pdev))
			continue;
		/* Override-only ids bind only when steered there... */
		if (ids->override_only && !overridden && !vfio)
			continue;
		/* ...and a device steered to VFIO takes nothing else. */
		if (vfio && !ids->override_only)
			continue;
		return ids;
	}
	return NULL;
}

static bool pci_bus_match(struct device *dev, struct device_driver *drv)
{
	struct pci_driver *pdrv = to_pci_driver(drv);

	return pci_match_id(pdrv->id_table, to_pci_dev(dev), drv->name);
}

/* driver_override binds even without an id match: probe sees this id. */
static const struct pci_device_id pci_device_id_any = {
	PCI_DEVICE(PCI_ANY_ID, PCI_ANY_ID),
};

static int pci_bus_probe(struct device *dev)
{
	struct pci_driver *pdrv = to_pci_driver(dev->driver);
	struct pci_dev *pdev = to_pci_dev(dev);
	const struct pci_device_id *id;

	id = pci_match_id(pdrv->id_table, pdev, pdrv->name);
	if (!id)
		id = &pci_device_id_any;
	return pdrv->probe(pdev, id);
}

static void pci_bus_remove(struct device *dev)
{
	struct pci_driver *pdrv = to_pci_driver(dev->driver);

	if (pdrv->remove)
		pdrv->remove(to_pci_dev(dev));
}

static int pci_modalias(struct device *dev, char *buf, size_t size)
{
	struct pci_dev *pdev = to_pci_dev(dev);

	return snprintf(buf, size, "%s:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X",
			pdev->vfio_flavour ? "vfio_pci" : "pci",
			pdev->vendor, pdev->device, pdev->subsystem_vendor,
			pdev->subsystem_device, (pdev->class >> 16) & 0xff,
			(pdev->class >> 8) & 0xff, pdev->class & 0xff);
}

/* ---- identity attributes (pci-sysfs.c formats) -------------------------- */

#define PCI_ID_ATTR(field, fmt)						\
static ssize_t field##_show(struct device *dev, struct device_attribute *a, \
			    char *buf)					\
{									\
	return snprintf(buf, SYSFS_PAGE_SIZE, fmt "\n", to_pci_dev(dev)->field); \
}									\
static DEVICE_ATTR_RO(field)

PCI_ID_ATTR(vendor, "0x%04x");
PCI_ID_ATTR(device, "0x%04x");
PCI_ID_ATTR(subsystem_vendor, "0x%04x");
PCI_ID_ATTR(subsystem_device, "0x%04x");
PCI_ID_ATTR(class, "0x%06x");
PCI_ID_ATTR(revision, "0x%02x");

/* driver_flavour: "vfio" steers the device to VFIO drivers (seed 002). */
static ssize_t driver_flavour_show(struct device *dev, struct device_attribute *a, char *buf)
{
	return snprintf(buf, SYSFS_PAGE_SIZE, "%s\n", to_pci_dev(dev)->vfio_flavour ? "vfio" : "");
}

static ssize_t driver_flavour_store(struct device *dev, struct device_attribute *a,
				    const char *buf, size_t count)
{
	struct pci_dev *pdev = to_pci_dev(dev);

	if (sysfs_streq(buf, "vfio"))
		pdev->vfio_flavour = true;
	else if (sysfs_streq(buf, ""))
		pdev->vfio_flavour = false;
	else
		return -EINVAL;
	return count;
}
static DEVICE_ATTR_RW(driver_flavour);

/* reset: writing 1 resets the function (pci-sysfs.c's reset_store). */
static ssize_t reset_store(struct device *dev, struct device_attribute *a,
			   const char *buf, size_t count)
{
	unsigned int v;
	int rc;

	rc = kstrtouint(buf, 0, &v);
	if (rc)
		return rc;
	if (v != 1)
		return -EINVAL;
	rc = pci_reset_function(to_pci_dev(dev));
	return rc ? rc : (ssize_t)count;
}
static DEVICE_ATTR_WO(reset);

static const struct attribute *const pci_dev_attrs[] = {
	&dev_attr_driver_flavour.attr,
	&dev_attr_reset.attr,
	&dev_attr_vendor.attr,
	&dev_attr_device.attr,
	&dev_attr_subsystem_vendor.attr,
	&dev_attr_subsystem_device.attr,
	&dev_attr_class.attr,
	&dev_attr_revision.attr,
	NULL,
};

static const struct attribute_group pci_dev_group = { .attrs = pci_dev_attrs };
static const struct attribute_group *const pci_dev_groups[] = { &pci_dev_group, NULL };

struct bus_type pci_bus_type = {
	.name = "pci",
	.match = pci_bus_match,
	.probe = pci_bus_probe,
	.remove = pci_bus_remove,
	.modalias = pci_modalias,
	.driver_override = true,
	.dev_groups = pci_dev_groups,
};

/* ---- host bridges: /sys/devices/pci<domain>:<bus> ------------------------- */

struct pci_host {
	struct device dev;
	uint16_t domain;
	uint8_t bus;
	struct list_head node;
};

static LIST_HEAD(pci_hosts);

static void pci_host_release(struct device *dev)
{
	free(container_of(dev, struct pci_host, dev));
}

static struct device *pci_host_get(uint16_t domain, uint8_t bus)
{
	struct pci_host *h;

	list_for_each_entry(h, &pci_hosts, node)
		if (h->domain == domain && h->bus == bus)
			return &h->dev;
	h = calloc(1, sizeof(*h));
	if (!h)
		return NULL;
	h->domain = domain;
	h->bus = bus;
	h->dev.release = pci_host_release;
	device_initialize(&h->dev);
	if (dev_set_name(&h->dev, "pci%04x:%02x", domain, bus) || device_add(&h->dev)) {
		put_device(&h->dev);
		return NULL;
	}
	list_add_tail(&h->node, &pci_hosts);
	return &h->dev;
}

int pci_bus_init(void)
{
	return bus_register(&pci_bus_type);
}

void pci_bus_exit(void)
{
	struct pci_host *h, *n;

	list_for_each_entry_safe(h, n, &pci_hosts, node) {
		list_del_init(&h->node);
		device_unregister(&h->dev);
	}
	bus_unregister(&pci_bus_type);
}

int __pci_register_driver(struct pci_driver *drv, struct module *owner)
{
	if (!drv->name || !drv->probe || !drv->id_table)
		return -EINVAL;
	drv->driver.name = drv->name;
	drv->driver.bus = &pci_bus_type;
	drv->driver.owner = owner;
	return driver_register(&drv->driver);
}

void pci_unregister_driver(struct pci_driver *drv)
{
	driver_unregister(&drv->driver);
}

/* ---- slots ---------------------------------------------------------------- */

static void pci_dev_release(struct device *dev)
{
	msi_device_domains_release(dev);
	free(to_pci_dev(dev));
}

static int pci_read_identity(struct pci_dev *pdev)
{
	uint32_t id, class, sub;
	int rc;

	rc = pci_read_config_dword(pdev, PCI_VENDOR_ID, &id);
	if (!rc)
		rc = pci_read_config_dword(pdev, PCI_CLASS_REVISION, &class);
	if (!rc)
		rc = pci_read_config_dword(pdev, PCI_SUBSYSTEM_VENDOR_ID, &sub);
	if (rc)
		return rc;
	if ((id & 0xffff) == 0xffff || (id & 0xffff) == 0)
		return -ENODEV;
	pdev->vendor = id & 0xffff;
	pdev->device = id >> 16;
	pdev->revision = class & 0xff;
	pdev->class = class >> 8;
	pdev->subsystem_vendor = sub & 0xffff;
	pdev->subsystem_device = sub >> 16;
	return 0;
}

struct pci_dev *pci_dev_create(uint16_t domain, uint8_t bus, uint8_t devfn,
			       const struct pci_func_ops *ops, void *hw,
			       struct iommu *iommu)
{
	struct pci_dev *pdev;
	int rc;

	/* what bar_mmap hands out must be revocable: both or neither */
	if (!ops || !ops->cfg_read || !ops->cfg_write || !ops->mmio_read ||
	    !ops->mmio_write || !ops->bar_info || !ops->bar_mmap != !ops->bar_revoke) {
		errno = EINVAL;
		return NULL;
	}
	pdev = calloc(1, sizeof(*pdev));
	if (!pdev) {
		errno = ENOMEM;
		return NULL;
	}
	pdev->domain_nr = domain;
	pdev->bus_nr = bus;
	pdev->devfn = devfn;
	pdev->ops = ops;
	pdev->hw = hw;
	pdev->iommu = iommu;
	pdev->dev.bus = &pci_bus_type;
	pdev->dev.release = pci_dev_release;
	device_initialize(&pdev->dev);
	rc = dev_set_name(&pdev->dev, "%04x:%02x:%02x.%d", domain, bus,
			  PCI_SLOT(devfn), PCI_FUNC(devfn));
	if (!rc)
		rc = pci_read_identity(pdev);
	if (rc) {
		put_device(&pdev->dev);
		errno = -rc;
		return NULL;
	}
	return pdev;
}

int pci_dev_add(struct pci_dev *pdev)
{
	pdev->host = pci_host_get(pdev->domain_nr, pdev->bus_nr);
	if (!pdev->host)
		return -ENOMEM;
	pdev->dev.parent = pdev->host;
	return device_add(&pdev->dev);
}

void pci_dev_remove(struct pci_dev *pdev)
{
	if (!pdev)
		return;
	device_del(&pdev->dev);
	put_device(&pdev->dev);
}

/* ---- configuration space -------------------------------------------------- */

static int cfg_read(struct pci_dev *pdev, unsigned int where, unsigned int len,
		    uint32_t *val)
{
	if (where + len > PCI_CFG_SPACE_EXP_SIZE || (where & (len - 1)))
		return -EINVAL;
	return pdev->ops->cfg_read(pdev->hw, where, len, val);
}

static int cfg_write(struct pci_dev *pdev, unsigned int where, unsigned int len,
		     uint32_t val)
{
	if (where + len > PCI_CFG_SPACE_EXP_SIZE || (where & (len - 1)))
		return -EINVAL;
	return pdev->ops->cfg_write(pdev->hw, where, len, val);
}

int pci_read_config_byte(struct pci_dev *pdev, unsigned int where, uint8_t *val)
{
	uint32_t v = 0xff;
	int rc = cfg_read(pdev, where, 1, &v);

	*val = rc ? 0xff : (uint8_t)v;
	return rc;
}

int pci_read_config_word(struct pci_dev *pdev, unsigned int where, uint16_t *val)
{
	uint32_t v = 0xffff;
	int rc = cfg_read(pdev, where, 2, &v);

	*val = rc ? 0xffff : (uint16_t)v;
	return rc;
}

int pci_read_config_dword(struct pci_dev *pdev, unsigned int where, uint32_t *val)
{
	uint32_t v = ~0U;
	int rc = cfg_read(pdev, where, 4, &v);

	*val = rc ? ~0U : v;
	return rc;
}

int pci_write_config_byte(struct pci_dev *pdev, unsigned int where, uint8_t val)
{
	return cfg_write(pdev, where, 1, val);
}

int pci_write_config_word(struct pci_dev *pdev, unsigned int where, uint16_t val)
{
	return cfg_write(pdev, where, 2, val);
}

int pci_write_config_dword(struct pci_dev *pdev, unsigned int where, uint32_t val)
{
	return cfg_write(pdev, where, 4, val);
}

unsigned int pci_find_capability(struct pci_dev *pdev, int cap)
{
	uint16_t status;
	uint8_t pos, id;
	int ttl = 48;

	if (pci_read_config_word(pdev, PCI_STATUS, &status) ||
	    !(status & PCI_STATUS_CAP_LIST))
		return 0;
	if (pci_read_config_byte(pdev, PCI_CAPABILITY_LIST, &pos))
		return 0;
	while (ttl-- && pos >= 0x40) {
		pos &= ~3;
		if (pci_read_config_byte(pdev, pos + PCI_CAP_LIST_ID, &id) || id == 0xff)
			return 0;
		if (id == cap)
			return pos;
		if (pci_read_config_byte(pdev, pos + PCI_CAP_LIST_NEXT, &pos))
			return 0;
	}
	return 0;
}

/* Walk extended capabilities from @start (0: the first) for @cap. */
static unsigned int ext_cap_next(struct pci_dev *pdev, unsigned int start, int cap)
{
	unsigned int pos = start ? PCI_EXT_CAP_NEXT(0) : PCI_CFG_SPACE_SIZE;
	int ttl = (PCI_CFG_SPACE_EXP_SIZE - PCI_CFG_SPACE_SIZE) / 8;
	uint32_t header;

	if (start) {
		if (pci_read_config_dword(pdev, start, &header))
			return 0;
		pos = PCI_EXT_CAP_NEXT(header);
	}
	while (ttl-- && pos >= PCI_CFG_SPACE_SIZE) {
		if (pci_read_config_dword(pdev, pos, &header) || !header || header == ~0U)
			return 0;
		if ((int)PCI_EXT_CAP_ID(header) == cap && pos != start)
			return pos;
		pos = PCI_EXT_CAP_NEXT(header);
	}
	return 0;
}

unsigned int pci_find_ext_capability(struct pci_dev *pdev, int cap)
{
	return ext_cap_next(pdev, 0, cap);
}

unsigned int pci_find_dvsec_capability(struct pci_dev *pdev, uint16_t vendor, uint16_t dvsec)
{
	unsigned int pos = 0;
	uint32_t hdr1, hdr2;

	while ((pos = ext_cap_next(pdev, pos, PCI_EXT_CAP_ID_DVSEC))) {
		if (pci_read_config_dword(pdev, pos + PCI_DVSEC_HEADER1, &hdr1) ||
		    pci_read_config_dword(pdev, pos + PCI_DVSEC_HEADER2, &hdr2))
			return 0;
		if (PCI_DVSEC_HEADER1_VID(hdr1) == vendor &&
		    PCI_DVSEC_HEADER2_ID(hdr2) == dvsec)
			return pos;
	}
	return 0;
}

bool pci_siov_supported(struct pci_dev *pdev)
{
	return pci_find_dvsec_capability(pdev, PCI_VENDOR_ID_INTEL, PCI_DVSEC_ID_INTEL_SIOV);
}

bool pci_ims_supported(struct pci_dev *pdev)
{
	unsigned int pos;
	uint32_t cap;

	pos = pci_find_dvsec_capability(pdev, PCI_VENDOR_ID_INTEL, PCI_DVSEC_ID_INTEL_SIOV);
	if (!pos || pci_read_config_dword(pdev, pos + PCI_DVSEC_INTEL_SIOV_CAP, &cap))
		return false;
	return cap & PCI_DVSEC_INTEL_SIOV_CAP_IMS;
}

static int pci_command_update(struct pci_dev *pdev, uint16_t set, uint16_t clear)
{
	uint16_t cmd;
	int rc;

	rc = pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	if (rc)
		return rc;
	return pci_write_config_word(pdev, PCI_COMMAND, (cmd & ~clear) | set);
}

int pci_enable_device_mem(struct pci_dev *pdev)
{
	return pci_command_update(pdev, PCI_COMMAND_MEMORY, 0);
}

void pci_disable_device(struct pci_dev *pdev)
{
	pci_command_update(pdev, 0, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

void pci_set_master(struct pci_dev *pdev)
{
	pci_command_update(pdev, PCI_COMMAND_MASTER, 0);
}

void pci_clear_master(struct pci_dev *pdev)
{
	pci_command_update(pdev, 0, PCI_COMMAND_MASTER);
}

int pci_enable_pasid(struct pci_dev *pdev)
{
	unsigned int pos = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_PASID);
	int rc;

	if (!pos)
		return -ENODEV;
	rc = pci_write_config_word(pdev, pos + PCI_PASID_CTRL, PCI_PASID_CTRL_ENABLE);
	if (!rc)
		pdev->pasid_enabled = true;
	return rc;
}

void pci_disable_pasid(struct pci_dev *pdev)
{
	unsigned int pos = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_PASID);

	if (pos)
		pci_write_config_word(pdev, pos + PCI_PASID_CTRL, 0);
	pdev->pasid_enabled = false;
}

static const struct pci_error_handlers *pci_err_handler(struct pci_dev *pdev)
{
	return pdev->dev.driver ? to_pci_driver(pdev->dev.driver)->err_handler : NULL;
}

/* What the core restores after a reset: command, PASID, MSI-X. */
static void pci_restore_state(struct pci_dev *pdev, uint16_t cmd)
{
	pci_write_config_word(pdev, PCI_COMMAND, cmd);
	if (pdev->pasid_enabled)
		pci_enable_pasid(pdev);
	pci_restore_msix_state(pdev);
}

int pci_reset_function(struct pci_dev *pdev)
{
	const struct pci_error_handlers *err = pci_err_handler(pdev);
	uint16_t cmd;
	int rc;

	if (!pdev->ops->flr)
		return -ENOTTY;
	if (err && err->reset_prepare)
		err->reset_prepare(pdev);
	pci_read_config_word(pdev, PCI_COMMAND, &cmd);
	rc = pdev->ops->flr(pdev->hw);
	pci_restore_state(pdev, cmd);
	if (err && err->reset_done)
		err->reset_done(pdev);
	dev_info(&pdev->dev, "function reset: %d", rc);
	return rc;
}

uint64_t pci_resource_len(struct pci_dev *pdev, int bar)
{
	struct pci_func_bar_info info;

	if (bar < 0 || bar >= PCI_FUNC_NUM_BARS || pdev->ops->bar_info(pdev->hw, bar, &info))
		return 0;
	return info.size;
}

uint64_t pci_resource_mmap_unit(struct pci_dev *pdev, int bar)
{
	struct pci_func_bar_info info;

	if (bar < 0 || bar >= PCI_FUNC_NUM_BARS || !pdev->ops->bar_mmap ||
	    pdev->ops->bar_info(pdev->hw, bar, &info))
		return 0;
	return min(info.mmap_unit, info.size);
}

unsigned long pci_resource_flags(struct pci_dev *pdev, int bar)
{
	struct pci_func_bar_info info;
	unsigned long flags = IORESOURCE_MEM;

	if (bar < 0 || bar >= PCI_FUNC_NUM_BARS || pdev->ops->bar_info(pdev->hw, bar, &info) ||
	    !info.size)
		return 0;
	if (info.is_64bit)
		flags |= IORESOURCE_MEM_64;
	if (info.prefetchable)
		flags |= IORESOURCE_PREFETCH;
	return flags;
}
