/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The PCI core: the pci bus type, struct pci_dev, id-table matching (with the
 * override-only "vfio" flavour of seed 002), configuration-space accessors,
 * capability and DVSEC lookup (SIOV/IMS detection, seed 000), BAR mapping
 * with MMIO accessors, MSI-X as the device's default MSI domain, PASID
 * enable, function reset.
 *
 * A pci_dev is a slot holding a function model (src/hw) reached only through
 * its struct pci_func_ops: every accessor here turns into a cfg or mmio call
 * on it. The platform (the daemon) creates the pci_dev with
 * pci_dev_create() and plugs it in with pci_dev_add(); drivers bind to it
 * through pci_register_driver().
 *
 * Sysfs: /sys/devices/pci<domain>:<bus>/<domain>:<bus>:<dev>.<fn>/ with
 * vendor, device, class, subsystem_vendor, subsystem_device, revision,
 * modalias ("pci:v%08Xd%08Xsv%08Xsd%08Xbc%02Xsc%02Xi%02X"), driver_override,
 * driver_flavour and reset; /sys/bus/pci/devices/<name>.
 *
 * Binding (the kernel's pci_match_device(), plus seed 002's flavour):
 *  - driver_override set: only the driver of that name binds, through its
 *    matching id (override-only ids included) or else any id.
 *  - otherwise, driver_flavour "vfio" (a device steered to VFIO): only
 *    override-only ids (PCI_DRIVER_OVERRIDE_DEVICE_VFIO) match, and the
 *    device's modalias reads "vfio_pci:v...", so that autoloading finds the
 *    VFIO drivers of the device (their override-only table entries become
 *    "vfio_pci:" aliases), the generic vfio_pci last resort included;
 *  - otherwise ordinary ids match and override-only ids never do.
 * Setting either attribute does not unbind: unbind, then drivers_probe (or
 * bind), as in the kernel.
 *
 * Reset (the "reset" attribute, pci_reset_function()): the bound driver's
 * reset_prepare, the function's Function Level Reset, the core restores what
 * it owns (command register, PASID enable, MSI-X enable and every allocated
 * vector's message and mask), then the driver's reset_done restores the
 * rest (an IMS table, the device's configuration).
 *
 * Threading: event-loop thread, except the MMIO accessors, which are as
 * thread-safe as the model's callbacks (they are).
 */
#ifndef SIOVD_PCI_PCI_H
#define SIOVD_PCI_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include <linux/pci_regs.h>

#include "base/device.h"
#include "base/module.h"
#include "hw/pci_func.h"

struct iommu;

#define PCI_ANY_ID			(~0U)
#define PCI_VENDOR_ID_INTEL		0x8086
/* pci_device_id.override_only: match only through driver_override "vfio..." */
#define PCI_ID_F_VFIO_DRIVER_OVERRIDE	1

struct pci_device_id {
	uint32_t vendor, device;
	uint32_t subvendor, subdevice;
	uint32_t class, class_mask;
	unsigned long driver_data;
	uint32_t override_only;
};

#define PCI_DEVICE(vend, dev) \
	.vendor = (vend), .device = (dev), \
	.subvendor = PCI_ANY_ID, .subdevice = PCI_ANY_ID
#define PCI_DRIVER_OVERRIDE_DEVICE_VFIO(vend, dev) \
	PCI_DEVICE(vend, dev), .override_only = PCI_ID_F_VFIO_DRIVER_OVERRIDE

struct pci_dev {
	struct device dev;
	uint16_t vendor, device;
	uint16_t subsystem_vendor, subsystem_device;
	uint32_t class;			/* base << 16 | sub << 8 | prog-if */
	uint8_t revision;
	uint16_t domain_nr;
	uint8_t bus_nr;
	uint8_t devfn;
	/* the function in the slot */
	const struct pci_func_ops *ops;
	void *hw;
	struct iommu *iommu;		/* the platform IOMMU the function masters through */
	/* MSI-X as discovered at enable */
	uint8_t msix_cap;
	uint16_t msix_table_size;
	uint8_t msix_table_bar;
	uint32_t msix_table_offset;
	bool msix_enabled;
	bool pasid_enabled;
	bool vfio_flavour;		/* driver_flavour "vfio" */
	/* private */
	struct device *host;		/* pci<domain>:<bus> */
};

static inline struct pci_dev *to_pci_dev(struct device *dev)
{
	return container_of(dev, struct pci_dev, dev);
}

#define PCI_SLOT(devfn)		(((devfn) >> 3) & 0x1f)
#define PCI_FUNC(devfn)		((devfn) & 0x07)
#define PCI_DEVFN(slot, func)	((((slot) & 0x1f) << 3) | ((func) & 0x07))

/* Requester id: bus << 8 | devfn. */
static inline uint16_t pci_dev_id(const struct pci_dev *pdev)
{
	return (uint16_t)(pdev->bus_nr << 8 | pdev->devfn);
}

/*
 * struct pci_error_handlers - the driver's part of a function reset
 * (pci_reset_function()). reset_prepare runs before the reset (the device
 * still answers), reset_done after the core restored its own state.
 */
struct pci_error_handlers {
	void (*reset_prepare)(struct pci_dev *pdev);
	void (*reset_done)(struct pci_dev *pdev);
};

struct pci_driver {
	const char *name;
	const struct pci_device_id *id_table;	/* ends with vendor == 0 */
	int (*probe)(struct pci_dev *pdev, const struct pci_device_id *id);
	void (*remove)(struct pci_dev *pdev);
	const struct pci_error_handlers *err_handler;	/* optional */
	struct device_driver driver;
};

static inline struct pci_driver *to_pci_driver(struct device_driver *drv)
{
	return container_of(drv, struct pci_driver, driver);
}

extern struct bus_type pci_bus_type;

int pci_bus_init(void);
void pci_bus_exit(void);

/*
 * pci_register_driver - register @drv, owned by the caller's module.
 * Return: 0, -EINVAL (no probe or id table), -EEXIST.
 */
int __pci_register_driver(struct pci_driver *drv, struct module *owner);
#define pci_register_driver(drv)	__pci_register_driver(drv, THIS_MODULE)
void pci_unregister_driver(struct pci_driver *drv);

/*
 * pci_match_id - the entry of @ids matching @pdev, or NULL. Override-only
 * entries match only when the device's driver_override names @drv_name.
 */
const struct pci_device_id *pci_match_id(const struct pci_device_id *ids,
					 struct pci_dev *pdev, const char *drv_name);

/*
 * pci_dev_create - a slot at @domain:@bus:@devfn holding the function
 * (@ops, @hw), mastering through @iommu. Reads the identity from config
 * space. Not yet visible: pci_dev_add() plugs it in (and probes).
 * Return: the device (caller holds the initial reference) or NULL + errno
 * (EINVAL: a mandatory callback missing, or bar_mmap without bar_revoke).
 */
struct pci_dev *pci_dev_create(uint16_t domain, uint8_t bus, uint8_t devfn,
			       const struct pci_func_ops *ops, void *hw,
			       struct iommu *iommu);
int pci_dev_add(struct pci_dev *pdev);
/* Hot-unplug: unbind, remove, drop the creator's reference. */
void pci_dev_remove(struct pci_dev *pdev);

/* ---- configuration space: 0 or -errno (-EINVAL bad offset/size) ---------- */
int pci_read_config_byte(struct pci_dev *pdev, unsigned int where, uint8_t *val);
int pci_read_config_word(struct pci_dev *pdev, unsigned int where, uint16_t *val);
int pci_read_config_dword(struct pci_dev *pdev, unsigned int where, uint32_t *val);
int pci_write_config_byte(struct pci_dev *pdev, unsigned int where, uint8_t val);
int pci_write_config_word(struct pci_dev *pdev, unsigned int where, uint16_t val);
int pci_write_config_dword(struct pci_dev *pdev, unsigned int where, uint32_t val);

/* Offset of capability @cap (PCI_CAP_ID_*), or 0. */
unsigned int pci_find_capability(struct pci_dev *pdev, int cap);
/* Offset of extended capability @cap (PCI_EXT_CAP_ID_*), or 0. */
unsigned int pci_find_ext_capability(struct pci_dev *pdev, int cap);
/* Offset of the DVSEC of @vendor with id @dvsec, or 0. */
unsigned int pci_find_dvsec_capability(struct pci_dev *pdev, uint16_t vendor, uint16_t dvsec);
/* Intel Scalable IOV DVSEC present / advertising IMS (SIOV spec 3.7). */
bool pci_siov_supported(struct pci_dev *pdev);
bool pci_ims_supported(struct pci_dev *pdev);

/* Memory space decoding on/off. Return: 0 or -errno. */
int pci_enable_device_mem(struct pci_dev *pdev);
void pci_disable_device(struct pci_dev *pdev);
void pci_set_master(struct pci_dev *pdev);
void pci_clear_master(struct pci_dev *pdev);
/* PASID capability enable. Return: 0, -ENODEV (no capability). */
int pci_enable_pasid(struct pci_dev *pdev);
void pci_disable_pasid(struct pci_dev *pdev);
/*
 * pci_reset_function - reset the function (FLR) with the bound driver's
 * reset_prepare/reset_done around it and the core's state restored (see
 * above). Return: 0, -ENOTTY (no FLR), or the reset's -errno.
 */
int pci_reset_function(struct pci_dev *pdev);

/* Size of BAR @bar in bytes, 0 when not implemented. */
uint64_t pci_resource_len(struct pci_dev *pdev, int bar);

/* pci_resource_flags() bits, the kernel's IORESOURCE_* values. */
#define IORESOURCE_MEM			0x00000200
#define IORESOURCE_PREFETCH		0x00002000
#define IORESOURCE_MEM_64		0x00100000
/* IORESOURCE_* flags of BAR @bar, 0 when not implemented. */
unsigned long pci_resource_flags(struct pci_dev *pdev, int bar);
/*
 * pci_resource_mmap_unit - how many bytes from the start of BAR @bar one fd
 * of pci_iomem_mmap_fd() backs (struct pci_func_bar_info.mmap_unit): the
 * BAR's size when one file backs all of it, 0 when it cannot be mapped.
 */
uint64_t pci_resource_mmap_unit(struct pci_dev *pdev, int bar);

/* ---- MMIO ---------------------------------------------------------------- */

/*
 * struct pci_iomem - a mapped BAR (what pci_iomap() gives a driver). MMIO
 * accessors take it and a byte offset. Reads that fail return all-ones
 * (as a PCI read that nobody claims does); writes that fail are dropped.
 * Both are logged at debug level.
 */
struct pci_iomem {
	struct pci_dev *pdev;
	int bar;
	uint64_t len;
};

/* Return: the mapping, or NULL (-ENODEV BAR absent, -ENOMEM). */
struct pci_iomem *pci_iomap(struct pci_dev *pdev, int bar, uint64_t maxlen);
void pci_iounmap(struct pci_iomem *io);

uint8_t ioread8(const struct pci_iomem *io, uint64_t off);
uint16_t ioread16(const struct pci_iomem *io, uint64_t off);
uint32_t ioread32(const struct pci_iomem *io, uint64_t off);
uint64_t ioread64(const struct pci_iomem *io, uint64_t off);
void iowrite8(uint8_t val, const struct pci_iomem *io, uint64_t off);
void iowrite16(uint16_t val, const struct pci_iomem *io, uint64_t off);
void iowrite32(uint32_t val, const struct pci_iomem *io, uint64_t off);
void iowrite64(uint64_t val, const struct pci_iomem *io, uint64_t off);
/*
 * iosubmit_cmds512 - one 64-byte posted write (MOVDIR64B) of @desc at @off.
 * Return: 0 or -errno (the model refused it: -EINVAL, -ERANGE, -EOPNOTSUPP).
 */
int iosubmit_cmds512(const struct pci_iomem *io, uint64_t off, const void *desc);
/*
 * pci_iomem_mmap_fd - the fd and offset that back [@off, @off + @len) of the
 * BAR, for handing to a client that maps it. The fd reaches nothing outside
 * that range rounded out to pages (struct pci_func_ops.bar_mmap), so ask
 * for exactly what the client may map. The fd stays owned by the function.
 * Return: 0, -ENODEV (not mappable), -EOPNOTSUPP (no single fd backs the
 * whole range), -EINVAL (empty range).
 */
int pci_iomem_mmap_fd(const struct pci_iomem *io, uint64_t off, uint64_t len,
		      int *fd, uint64_t *fd_off);
/*
 * pci_iomem_mmap_revoke - take back what pci_iomem_mmap_fd() handed out for
 * [@off, @off + @len) (the same range): once it returns, writes through any
 * mapping of the fd handed out before no longer reach the function, and the
 * next pci_iomem_mmap_fd() of the range gives a new file
 * (struct pci_func_ops.bar_revoke). For a driver whose client loses the
 * range: it disconnected, or its device is going away; not for a reset of
 * a client that stays. The fd handed out before is closed.
 * Return: 0; -ENOENT (nothing handed out since the last revoke: nothing to
 * do); -ENODEV, -EOPNOTSUPP, -EINVAL as pci_iomem_mmap_fd(); another -errno
 * when the new file cannot be made (the old one is cut off all the same).
 */
int pci_iomem_mmap_revoke(const struct pci_iomem *io, uint64_t off, uint64_t len);

/* ---- MSI-X: the device's default MSI domain ------------------------------- */

#define PCI_IRQ_MSIX		(1 << 2)

/*
 * pci_alloc_irq_vectors - enable MSI-X and allocate vectors 0..n-1 for
 * n in [@min_vecs, @max_vecs] (bounded by the table size), each a virq
 * (masked until enable_irq()). Return: n, or -errno (-ENOSPC fewer than
 * @min_vecs, -EINVAL no MSI-X or bad flags).
 */
int pci_alloc_irq_vectors(struct pci_dev *pdev, unsigned int min_vecs,
			  unsigned int max_vecs, unsigned int flags);
void pci_free_irq_vectors(struct pci_dev *pdev);
/* The virq of vector @nr, or -EINVAL. */
int pci_irq_vector(struct pci_dev *pdev, unsigned int nr);
/* Number of MSI-X table entries, or -EINVAL without MSI-X. */
int pci_msix_vec_count(struct pci_dev *pdev);

/*
 * pci_msix_table_info - where the MSI-X table and PBA live (BAR and byte
 * offset), as a VFIO driver reports them. Return: 0 or -EINVAL (no MSI-X).
 */
int pci_msix_table_info(struct pci_dev *pdev, unsigned int *table_bar, uint32_t *table_off,
			unsigned int *pba_bar, uint32_t *pba_off);

#endif
