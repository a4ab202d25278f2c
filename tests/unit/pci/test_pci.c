// SPDX-License-Identifier: GPL-2.0-only
/*
 * The PCI core and the irq core on top of it, against a small real PCI
 * function model defined here (config space with MSI-X, PASID and the SIOV
 * DVSEC; BAR0 holding the MSI-X table; vectors fired by MSI writes to the
 * remapping unit).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <cmocka.h>

#include "irq/irq.h"
#include "irq/msi.h"
#include "irq/remap.h"
#include "lib/evloop.h"
#include "pci/pci.h"
#include "spec/pci_siov.h"

/* ---- the function model -------------------------------------------------- */

#define TF_MSIX_CAP	0x40
#define TF_PASID_CAP	0x100
#define TF_DVSEC_CAP	0x110
#define TF_BAR0_SIZE	0x2000
#define TF_MSIX_TABLE	0x1000
#define TF_MSIX_PBA	0x1800
#define TF_NVEC		4
#define TF_RID		0x50
#define DEVP		"/sys/bus/pci/devices/0000:00:0a.0/"

struct tfunc {
	uint8_t cfg[4096];
	uint8_t wmask[4096];
	uint8_t bar0[TF_BAR0_SIZE];
	struct irq_remap *ir;
};

static void put16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }

static void tfunc_init(struct tfunc *f, struct irq_remap *ir)
{
	memset(f, 0, sizeof(*f));
	f->ir = ir;
	put16(f->cfg + PCI_VENDOR_ID, 0x1234);
	put16(f->cfg + PCI_DEVICE_ID, 0x5678);
	put32(f->cfg + PCI_CLASS_REVISION, 0x08800003);
	put16(f->cfg + PCI_SUBSYSTEM_VENDOR_ID, 0x8086);
	put16(f->cfg + PCI_SUBSYSTEM_ID, 0x0001);
	put16(f->cfg + PCI_STATUS, PCI_STATUS_CAP_LIST);
	f->cfg[PCI_CAPABILITY_LIST] = TF_MSIX_CAP;
	put16(f->wmask + PCI_COMMAND, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* MSI-X, last in the list */
	f->cfg[TF_MSIX_CAP] = PCI_CAP_ID_MSIX;
	f->cfg[TF_MSIX_CAP + 1] = 0;
	put16(f->cfg + TF_MSIX_CAP + PCI_MSIX_FLAGS, TF_NVEC - 1);
	put16(f->wmask + TF_MSIX_CAP + PCI_MSIX_FLAGS, PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL);
	put32(f->cfg + TF_MSIX_CAP + PCI_MSIX_TABLE, TF_MSIX_TABLE | 0);
	put32(f->cfg + TF_MSIX_CAP + PCI_MSIX_PBA, TF_MSIX_PBA | 0);
	/* PASID extended capability, then the SIOV DVSEC */
	put32(f->cfg + TF_PASID_CAP, PCI_EXT_CAP_ID_PASID | 1 << 16 | TF_DVSEC_CAP << 20);
	put16(f->cfg + TF_PASID_CAP + PCI_PASID_CAP, 20 << 8);
	put16(f->wmask + TF_PASID_CAP + PCI_PASID_CTRL, PCI_PASID_CTRL_ENABLE);
	put32(f->cfg + TF_DVSEC_CAP, PCI_EXT_CAP_ID_DVSEC | 1 << 16);
	put32(f->cfg + TF_DVSEC_CAP + PCI_DVSEC_HEADER1,
	      PCI_VENDOR_ID_INTEL | PCI_DVSEC_INTEL_SIOV_LEN << 20);
	put32(f->cfg + TF_DVSEC_CAP + PCI_DVSEC_HEADER2, PCI_DVSEC_ID_INTEL_SIOV);
	put32(f->cfg + TF_DVSEC_CAP + PCI_DVSEC_INTEL_SIOV_CAP, PCI_DVSEC_INTEL_SIOV_CAP_IMS);
	/* every MSI-X entry starts masked */
	for (int i = 0; i < TF_NVEC; i++)
		put32(f->bar0 + TF_MSIX_TABLE + i * 16 + PCI_MSIX_ENTRY_VECTOR_CTRL, 1);
}

static int tf_cfg_read(void *hw, unsigned int off, unsigned int len, uint32_t *val)
{
	struct tfunc *f = hw;

	*val = 0;
	if (off + len > 4096)
		return -EINVAL;
	memcpy(val, f->cfg + off, len);
	return 0;
}

static int tf_cfg_write(void *hw, unsigned int off, unsigned int len, uint32_t val)
{
	struct tfunc *f = hw;
	uint8_t *v = (uint8_t *)&val;

	if (off + len > 4096)
		return -EINVAL;
	for (unsigned int i = 0; i < len; i++)
		f->cfg[off + i] = (f->cfg[off + i] & ~f->wmask[off + i]) | (v[i] & f->wmask[off + i]);
	return 0;
}

static int tf_mmio_read(void *hw, int bar, uint64_t off, unsigned int len, uint64_t *val)
{
	struct tfunc *f = hw;

	*val = 0;
	if (bar != 0)
		return -ENODEV;
	if (off + len > TF_BAR0_SIZE)
		return -ERANGE;
	memcpy(val, f->bar0 + off, len);
	return 0;
}

static int tf_mmio_write(void *hw, int bar, uint64_t off, unsigned int len, uint64_t val)
{
	struct tfunc *f = hw;

	if (bar != 0)
		return -ENODEV;
	if (off + len > TF_BAR0_SIZE)
		return -ERANGE;
	memcpy(f->bar0 + off, &val, len);
	return 0;
}

static int tf_bar_info(void *hw, int bar, struct pci_func_bar_info *info)
{
	memset(info, 0, sizeof(*info));
	if (bar == 0)
		info->size = TF_BAR0_SIZE;
	return 0;
}

static unsigned int flrs;

/* Function Level Reset: configuration space and MSI-X table at power-on. */
static int tf_flr(void *hw)
{
	struct tfunc *f = hw;

	flrs++;
	tfunc_init(f, f->ir);
	return 0;
}

static const struct pci_func_ops tf_ops = {
	.cfg_read = tf_cfg_read,
	.cfg_write = tf_cfg_write,
	.mmio_read = tf_mmio_read,
	.mmio_write = tf_mmio_write,
	.bar_info = tf_bar_info,
	.flr = tf_flr,
};

/* The model raises vector @n: an MSI write, unless masked. Return: as remap. */
static int tfunc_fire(struct tfunc *f, unsigned int n)
{
	uint8_t *e = f->bar0 + TF_MSIX_TABLE + n * 16;
	uint16_t flags;
	uint32_t lo, hi, data, ctrl;

	memcpy(&flags, f->cfg + TF_MSIX_CAP + PCI_MSIX_FLAGS, 2);
	memcpy(&lo, e, 4);
	memcpy(&hi, e + 4, 4);
	memcpy(&data, e + 8, 4);
	memcpy(&ctrl, e + 12, 4);
	if (!(flags & PCI_MSIX_FLAGS_ENABLE) || (flags & PCI_MSIX_FLAGS_MASKALL) || (ctrl & 1))
		return -EAGAIN;
	return irq_remap_msi_write(f->ir, TF_RID, (uint64_t)hi << 32 | lo, data);
}

/* ---- fixture ------------------------------------------------------------- */

struct fix {
	struct evloop *loop;
	struct irq_remap *ir;
	struct tfunc f;
	struct pci_dev *pdev;
};

static int setup(void **state)
{
	static struct fix fx;

	fx.loop = evloop_create();
	fx.ir = irq_remap_create(256);
	assert_int_equal(sysfs_init(), 0);
	assert_int_equal(irq_core_init(fx.loop, fx.ir), 0);
	assert_int_equal(pci_bus_init(), 0);
	tfunc_init(&fx.f, fx.ir);
	fx.pdev = pci_dev_create(0, 0, TF_RID, &tf_ops, &fx.f, NULL);
	assert_non_null(fx.pdev);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fix *fx = *state;

	pci_dev_remove(fx->pdev);
	pci_bus_exit();
	assert_int_equal(irq_nr_allocated(), 0);
	assert_int_equal(irq_remap_nr_allocated(fx->ir), 0);
	irq_core_exit();
	irq_remap_destroy(fx->ir);
	evloop_destroy(fx->loop);
	sysfs_exit();
	return 0;
}

/* ---- a driver ------------------------------------------------------------ */

static int probes;
static const struct pci_device_id *probed_id;

static int t_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	probes++;
	probed_id = id;
	return 0;
}

static void t_remove(struct pci_dev *pdev)
{
	probes--;
}

static const struct pci_device_id t_ids[] = {
	{ PCI_DEVICE(0x1234, 0x5678), .driver_data = 42 },
	{ 0 },
};

static const struct pci_device_id vfio_ids[] = {
	{ PCI_DRIVER_OVERRIDE_DEVICE_VFIO(0x1234, 0x5678) },
	{ 0 },
};

static void test_identity_and_sysfs(void **state)
{
	struct fix *fx = *state;
	char buf[128];

	assert_int_equal(fx->pdev->vendor, 0x1234);
	assert_int_equal(fx->pdev->device, 0x5678);
	assert_int_equal(fx->pdev->class, 0x088000);
	assert_int_equal(fx->pdev->revision, 3);
	assert_int_equal(pci_dev_id(fx->pdev), TF_RID);
	assert_int_equal(pci_dev_add(fx->pdev), 0);
	assert_string_equal(dev_name(&fx->pdev->dev), "0000:00:0a.0");
	assert_int_equal(sysfs_read("/sys/bus/pci/devices/0000:00:0a.0/vendor", buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "0x1234\n", 7);
	assert_int_equal(sysfs_read("/sys/devices/pci0000:00/0000:00:0a.0/class", buf, sizeof(buf)), 9);
	assert_memory_equal(buf, "0x088000\n", 9);
	assert_true(sysfs_read("/sys/bus/pci/devices/0000:00:0a.0/modalias", buf, sizeof(buf)) > 0);
	assert_memory_equal(buf, "pci:v00001234d00005678sv00008086sd00000001bc08sc80i00\n", 54);
}

static void test_match_and_vfio_flavour(void **state)
{
	struct fix *fx = *state;
	struct pci_driver drv = { .name = "tdrv", .id_table = t_ids, .probe = t_probe,
				  .remove = t_remove };
	struct pci_driver vdrv = { .name = "vfio-pci", .id_table = vfio_ids, .probe = t_probe,
				   .remove = t_remove };
	char buf[128];

	assert_int_equal(pci_dev_add(fx->pdev), 0);
	/* the override-only id does not match by itself */
	assert_int_equal(pci_register_driver(&vdrv), 0);
	assert_int_equal(probes, 0);
	assert_int_equal(pci_register_driver(&drv), 0);
	assert_int_equal(probes, 1);
	assert_int_equal(probed_id->driver_data, 42);
	/* steer to vfio: unbind, override, bind */
	assert_int_equal(sysfs_write("/sys/bus/pci/devices/0000:00:0a.0/driver/unbind",
				     "0000:00:0a.0", 12), 12);
	assert_int_equal(sysfs_write("/sys/bus/pci/devices/0000:00:0a.0/driver_override",
				     "vfio-pci\n", 9), 9);
	assert_int_equal(sysfs_write("/sys/bus/pci/drivers/tdrv/bind", "0000:00:0a.0", 12),
			 -ENODEV);
	assert_int_equal(sysfs_write("/sys/bus/pci/drivers/vfio-pci/bind", "0000:00:0a.0", 12),
			 12);
	assert_ptr_equal(probed_id, &vfio_ids[0]);

	/*
	 * The vfio flavour (seed 002): no driver named, yet only override-only
	 * ids match, and the modalias names the vfio_pci: form.
	 */
	assert_int_equal(sysfs_write("/sys/bus/pci/drivers/vfio-pci/unbind", "0000:00:0a.0", 12),
			 12);
	assert_int_equal(sysfs_write(DEVP "driver_override", "", 0), 0);
	assert_int_equal(sysfs_write(DEVP "driver_flavour", "vfio\n", 5), 5);
	assert_int_equal(sysfs_read(DEVP "driver_flavour", buf, sizeof(buf)), 5);
	assert_memory_equal(buf, "vfio\n", 5);
	assert_true(sysfs_read(DEVP "modalias", buf, sizeof(buf)) > 0);
	assert_memory_equal(buf, "vfio_pci:v00001234d00005678sv00008086sd00000001bc08sc80i00\n", 59);
	assert_int_equal(sysfs_write("/sys/bus/pci/drivers/tdrv/bind", "0000:00:0a.0", 12),
			 -ENODEV);
	assert_int_equal(sysfs_write("/sys/bus/pci/drivers_probe", "0000:00:0a.0", 12), 12);
	assert_ptr_equal(fx->pdev->dev.driver, &vdrv.driver);
	assert_ptr_equal(probed_id, &vfio_ids[0]);
	assert_int_equal(sysfs_write(DEVP "driver_flavour", "dma", 3), -EINVAL);
	/* back: the ordinary driver, the ordinary modalias */
	assert_int_equal(sysfs_write("/sys/bus/pci/drivers/vfio-pci/unbind", "0000:00:0a.0", 12),
			 12);
	assert_int_equal(sysfs_write(DEVP "driver_flavour", "\n", 1), 1);
	assert_int_equal(sysfs_write("/sys/bus/pci/drivers_probe", "0000:00:0a.0", 12), 12);
	assert_ptr_equal(fx->pdev->dev.driver, &drv.driver);
	assert_true(sysfs_read(DEVP "modalias", buf, sizeof(buf)) > 0);
	assert_memory_equal(buf, "pci:", 4);
	pci_unregister_driver(&drv);
	pci_unregister_driver(&vdrv);
	assert_int_equal(probes, 0);
}

/* ---- function reset ---------------------------------------------------------- */

static char reset_log[8];

static void t_reset_prepare(struct pci_dev *pdev)
{
	strcat(reset_log, "p");
}

static void t_reset_done(struct pci_dev *pdev)
{
	strcat(reset_log, "d");
}

static const struct pci_error_handlers t_err = {
	.reset_prepare = t_reset_prepare,
	.reset_done = t_reset_done,
};

/*
 * A reset through sysfs: the driver prepares, the function loses its state,
 * the core writes back the command register, PASID and every MSI-X vector
 * (message and mask), the driver finishes. Targets are untouched.
 */
static void test_reset_restores(void **state)
{
	struct fix *fx = *state;
	struct pci_driver drv = { .name = "tdrv", .id_table = t_ids, .probe = t_probe,
				  .remove = t_remove, .err_handler = &t_err };
	uint8_t before[TF_NVEC * 16];
	uint16_t cmd, flags, ctrl;
	uint64_t count;
	int virq, efd;

	assert_int_equal(pci_dev_add(fx->pdev), 0);
	assert_int_equal(pci_register_driver(&drv), 0);
	assert_int_equal(pci_enable_device_mem(fx->pdev), 0);
	assert_int_equal(pci_enable_pasid(fx->pdev), 0);
	assert_int_equal(pci_alloc_irq_vectors(fx->pdev, 1, TF_NVEC, PCI_IRQ_MSIX), TF_NVEC);
	virq = pci_irq_vector(fx->pdev, 1);
	efd = eventfd(0, EFD_NONBLOCK);
	assert_int_equal(irq_set_eventfd(virq, efd), 0);
	enable_irq(virq);
	memcpy(before, fx->f.bar0 + TF_MSIX_TABLE, sizeof(before));

	reset_log[0] = '\0';
	flrs = 0;
	assert_int_equal(sysfs_write(DEVP "reset", "1", 1), 1);
	assert_int_equal(flrs, 1);
	assert_string_equal(reset_log, "pd");
	assert_memory_equal(fx->f.bar0 + TF_MSIX_TABLE, before, sizeof(before));
	assert_int_equal(pci_read_config_word(fx->pdev, PCI_COMMAND, &cmd), 0);
	assert_true(cmd & PCI_COMMAND_MEMORY);
	assert_int_equal(pci_read_config_word(fx->pdev, TF_MSIX_CAP + PCI_MSIX_FLAGS, &flags), 0);
	assert_true(flags & PCI_MSIX_FLAGS_ENABLE);
	assert_false(flags & PCI_MSIX_FLAGS_MASKALL);
	assert_int_equal(pci_read_config_word(fx->pdev, TF_PASID_CAP + PCI_PASID_CTRL, &ctrl), 0);
	assert_int_equal(ctrl, PCI_PASID_CTRL_ENABLE);
	/* the vector fires into the same eventfd; the masked one stays masked */
	assert_int_equal(tfunc_fire(&fx->f, 1), 0);
	assert_int_equal(read(efd, &count, sizeof(count)), sizeof(count));
	assert_int_equal(tfunc_fire(&fx->f, 2), -EAGAIN);
	assert_int_equal(sysfs_write(DEVP "reset", "2", 1), -EINVAL);

	pci_free_irq_vectors(fx->pdev);
	close(efd);
	pci_unregister_driver(&drv);
}

static void test_capabilities(void **state)
{
	struct fix *fx = *state;
	uint16_t ctrl;

	assert_int_equal(pci_find_capability(fx->pdev, PCI_CAP_ID_MSIX), TF_MSIX_CAP);
	assert_int_equal(pci_find_capability(fx->pdev, PCI_CAP_ID_EXP), 0);
	assert_int_equal(pci_find_ext_capability(fx->pdev, PCI_EXT_CAP_ID_PASID), TF_PASID_CAP);
	assert_int_equal(pci_find_dvsec_capability(fx->pdev, 0x8086, PCI_DVSEC_ID_INTEL_SIOV),
			 TF_DVSEC_CAP);
	assert_int_equal(pci_find_dvsec_capability(fx->pdev, 0x8086, 1), 0);
	assert_true(pci_siov_supported(fx->pdev));
	assert_true(pci_ims_supported(fx->pdev));
	put32(fx->f.cfg + TF_DVSEC_CAP + PCI_DVSEC_INTEL_SIOV_CAP, 0);
	assert_false(pci_ims_supported(fx->pdev));
	assert_int_equal(pci_enable_pasid(fx->pdev), 0);
	assert_int_equal(pci_read_config_word(fx->pdev, TF_PASID_CAP + PCI_PASID_CTRL, &ctrl), 0);
	assert_int_equal(ctrl, PCI_PASID_CTRL_ENABLE);
	assert_int_equal(pci_read_config_word(fx->pdev, 4095, &ctrl), -EINVAL);
	assert_int_equal(ctrl, 0xffff);
}

static void test_mmio(void **state)
{
	struct fix *fx = *state;
	struct pci_iomem *io = pci_iomap(fx->pdev, 0, 0);

	assert_non_null(io);
	assert_null(pci_iomap(fx->pdev, 2, 0));
	assert_int_equal(io->len, TF_BAR0_SIZE);
	iowrite32(0xdeadbeef, io, 0x10);
	assert_int_equal(ioread32(io, 0x10), 0xdeadbeef);
	iowrite64(0x0123456789abcdefULL, io, 0x18);
	assert_int_equal(ioread64(io, 0x18), 0x0123456789abcdefULL);
	assert_int_equal(ioread16(io, 0x1a), 0x89ab);
	/* outside the BAR: all-ones, and a dropped write */
	assert_int_equal(ioread32(io, TF_BAR0_SIZE), 0xffffffffU);
	iowrite32(1, io, TF_BAR0_SIZE - 2);
	assert_int_equal(iosubmit_cmds512(io, 0, fx->f.bar0), -EOPNOTSUPP);
	/* nothing of it can be mapped, so nothing is revoked either */
	{
		uint64_t fd_off;
		int fd;

		assert_int_equal(pci_iomem_mmap_fd(io, 0, 4096, &fd, &fd_off), -ENODEV);
		assert_int_equal(pci_iomem_mmap_revoke(io, 0, 4096), -ENODEV);
	}
	pci_iounmap(io);
}

static uint64_t revoked_off, revoked_len;
static int revoked_bar = -1;

static int tf_bar_mmap(void *hw, int bar, uint64_t off, uint64_t len, int *fd, uint64_t *fd_off)
{
	return -ENODEV;
}

static int tf_bar_revoke(void *hw, int bar, uint64_t off, uint64_t len)
{
	revoked_bar = bar;
	revoked_off = off;
	revoked_len = len;
	return -ENOENT;
}

/*
 * bar_mmap hands out what only bar_revoke can take back: a function with
 * one and not the other is refused; with both, a revoke reaches the
 * function with the range (inside the mapped BAR) and its answer.
 */
static void test_mmap_needs_revoke(void **state)
{
	struct fix *fx = *state;
	struct pci_func_ops ops = tf_ops;
	struct pci_iomem *io;
	struct pci_dev *pdev;

	ops.bar_mmap = tf_bar_mmap;
	errno = 0;
	assert_null(pci_dev_create(0, 0, TF_RID + 1, &ops, &fx->f, NULL));
	assert_int_equal(errno, EINVAL);
	ops.bar_mmap = NULL;
	ops.bar_revoke = tf_bar_revoke;
	errno = 0;
	assert_null(pci_dev_create(0, 0, TF_RID + 1, &ops, &fx->f, NULL));
	assert_int_equal(errno, EINVAL);
	ops.bar_mmap = tf_bar_mmap;
	pdev = pci_dev_create(0, 0, TF_RID + 1, &ops, &fx->f, NULL);
	assert_non_null(pdev);
	io = pci_iomap(pdev, 0, 0);
	assert_non_null(io);
	assert_int_equal(pci_iomem_mmap_revoke(io, 4096, 4096), -ENOENT);
	assert_int_equal(revoked_bar, 0);
	assert_int_equal(revoked_off, 4096);
	assert_int_equal(revoked_len, 4096);
	revoked_bar = -1;
	assert_int_equal(pci_iomem_mmap_revoke(io, TF_BAR0_SIZE - 4096, 8192), -ENODEV);
	assert_int_equal(pci_iomem_mmap_revoke(io, 4096, UINT64_MAX), -ENODEV);
	assert_int_equal(revoked_bar, -1);
	pci_iounmap(io);
	pci_dev_remove(pdev);
}

static int handled;

static void handler(unsigned int irq, void *arg)
{
	handled++;
	assert_ptr_equal(arg, &handled);
}

static void test_msix_vectors(void **state)
{
	struct fix *fx = *state;
	struct irq_data *d;
	uint64_t count;
	int virq, efd, n;
	uint16_t flags;

	assert_int_equal(pci_msix_vec_count(fx->pdev), TF_NVEC);
	assert_int_equal(pci_alloc_irq_vectors(fx->pdev, 5, 8, PCI_IRQ_MSIX), -ENOSPC);
	n = pci_alloc_irq_vectors(fx->pdev, 1, 8, PCI_IRQ_MSIX);
	assert_int_equal(n, TF_NVEC);
	assert_int_equal(irq_nr_allocated(), TF_NVEC);
	assert_int_equal(pci_read_config_word(fx->pdev, TF_MSIX_CAP + PCI_MSIX_FLAGS, &flags), 0);
	assert_true(flags & PCI_MSIX_FLAGS_ENABLE);
	assert_false(flags & PCI_MSIX_FLAGS_MASKALL);

	/* vector 1: the table entry holds a remappable-format message, masked */
	virq = pci_irq_vector(fx->pdev, 1);
	assert_true(virq > 0);
	d = irq_get_irq_data(virq);
	assert_int_equal(d->hwirq, 1);
	{
		uint32_t lo, ctrl;

		memcpy(&lo, fx->f.bar0 + TF_MSIX_TABLE + 16, 4);
		memcpy(&ctrl, fx->f.bar0 + TF_MSIX_TABLE + 16 + 12, 4);
		assert_int_equal(lo & 0xfff00000, 0xfee00000);
		assert_true(lo & MSI_ADDR_IR_FORMAT);
		assert_int_equal(lo, (uint32_t)d->msg.address);
		assert_int_equal(ctrl, 1);
	}
	assert_int_equal(tfunc_fire(&fx->f, 1), -EAGAIN);

	/* a threaded handler runs on the loop, not in the device's write */
	assert_int_equal(request_irq(virq, handler, &handled), 0);
	assert_int_equal(request_irq(virq, handler, &handled), -EBUSY);
	enable_irq(virq);
	assert_false(irq_is_masked(virq));
	assert_int_equal(tfunc_fire(&fx->f, 1), 0);
	assert_int_equal(tfunc_fire(&fx->f, 1), 0);
	assert_int_equal(handled, 0);
	assert_int_equal(evloop_run_once(fx->loop, 1000), 1);
	assert_int_equal(handled, 1);		/* two fires, coalesced */
	free_irq(virq);

	/* direct eventfd target (the VFIO bypass) */
	efd = eventfd(0, EFD_NONBLOCK);
	assert_int_equal(irq_set_eventfd(virq, efd), 0);
	assert_int_equal(request_irq(virq, handler, &handled), -EBUSY);
	assert_int_equal(tfunc_fire(&fx->f, 1), 0);
	assert_int_equal(read(efd, &count, sizeof(count)), sizeof(count));
	assert_int_equal(count, 1);
	disable_irq(virq);
	assert_int_equal(tfunc_fire(&fx->f, 1), -EAGAIN);
	/* a vector without a consumer is dropped by the remapping unit */
	enable_irq(pci_irq_vector(fx->pdev, 2));
	assert_int_equal(tfunc_fire(&fx->f, 2), -ENODEV);

	pci_free_irq_vectors(fx->pdev);
	close(efd);
	assert_int_equal(pci_irq_vector(fx->pdev, 1), -EINVAL);
	assert_int_equal(pci_read_config_word(fx->pdev, TF_MSIX_CAP + PCI_MSIX_FLAGS, &flags), 0);
	assert_false(flags & PCI_MSIX_FLAGS_ENABLE);
}

/* A subdevice allocating from its parent's domain (the IMS pattern). */
static void test_domain_sharing(void **state)
{
	struct fix *fx = *state;
	struct device sub = { 0 };
	union msi_instance_cookie cookie = { .value = 77 };
	struct msi_map a, b;

	assert_int_equal(pci_alloc_irq_vectors(fx->pdev, 1, 2, PCI_IRQ_MSIX), 2);
	device_initialize(&sub);
	assert_int_equal(msi_device_domain_share(&sub, MSI_SECONDARY_DOMAIN, &fx->pdev->dev,
						 MSI_SECONDARY_DOMAIN), -ENOENT);
	assert_int_equal(msi_device_domain_share(&sub, MSI_SECONDARY_DOMAIN, &fx->pdev->dev,
						 MSI_DEFAULT_DOMAIN), 0);
	/* slots 0 and 1 are the parent's: the subdevice gets the next free one */
	a = msi_domain_alloc_irq_at(&sub, MSI_SECONDARY_DOMAIN, MSI_ANY_INDEX, &cookie);
	assert_int_equal(a.index, 2);
	assert_int_equal(irq_get_irq_data(a.virq)->cookie.value, 77);
	assert_ptr_equal(irq_get_irq_data(a.virq)->dev, &sub);
	b = msi_domain_alloc_irq_at(&sub, MSI_SECONDARY_DOMAIN, 2, NULL);
	assert_int_equal(b.index, -EBUSY);
	b = msi_domain_alloc_irq_at(&sub, MSI_SECONDARY_DOMAIN, MSI_ANY_INDEX, NULL);
	assert_int_equal(b.index, 3);
	b = msi_domain_alloc_irq_at(&sub, MSI_SECONDARY_DOMAIN, MSI_ANY_INDEX, NULL);
	assert_int_equal(b.index, -ENOSPC);
	assert_int_equal(msi_domain_nr_irqs(&sub, MSI_SECONDARY_DOMAIN), 2);
	assert_int_equal(msi_domain_nr_irqs(&fx->pdev->dev, MSI_DEFAULT_DOMAIN), 2);
	msi_domain_free_irq(&sub, MSI_SECONDARY_DOMAIN, 2);
	assert_int_equal(msi_get_virq(&sub, MSI_SECONDARY_DOMAIN, 2), -ENOENT);
	msi_device_domains_release(&sub);
	assert_int_equal(irq_nr_allocated(), 2);
	pci_free_irq_vectors(fx->pdev);
}

static void test_bad_template(void **state)
{
	struct fix *fx = *state;
	static const struct msi_domain_template no_chip = { .name = "bad" };

	assert_int_equal(msi_create_device_irq_domain(&fx->pdev->dev, MSI_SECONDARY_DOMAIN,
						      &no_chip, 4, NULL, 0), -EINVAL);
	assert_int_equal(msi_create_device_irq_domain(&fx->pdev->dev, 9, &no_chip, 4, NULL, 0),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity_and_sysfs, setup, teardown),
		cmocka_unit_test_setup_teardown(test_match_and_vfio_flavour, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capabilities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mmap_needs_revoke, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msix_vectors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_reset_restores, setup, teardown),
		cmocka_unit_test_setup_teardown(test_domain_sharing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_template, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
