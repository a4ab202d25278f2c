// SPDX-License-Identifier: GPL-2.0-only
/*
 * vfio-pci-core through a small variant driver of the test's own ("tvar"):
 * a 64-bit BAR0 of registers (scratch memory, every trapped access counted)
 * holding the MSI-X table and PBA, a 32-bit BAR2 whose first page is
 * mmap-able from a memfd, a PCI Express and an MSI-X capability with four
 * vectors, and irq hooks that record what the core tells them. Driven
 * through the vfio_device ops exactly as a transport would.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "vfio/pci/vfio_pci_core.h"

/* The <linux/vfio.h> layouts the core and its clients rely on. */
static_assert(sizeof(struct vfio_device_info) == 20, "vfio_device_info");
static_assert(offsetof(struct vfio_region_info, cap_offset) == 12, "cap_offset");
static_assert(offsetof(struct vfio_region_info, size) == 16, "size");
static_assert(offsetof(struct vfio_region_info, offset) == 24, "offset");
static_assert(sizeof(struct vfio_irq_info) == 16, "vfio_irq_info");
static_assert(offsetof(struct vfio_irq_set, data) == 20, "vfio_irq_set data");
static_assert(sizeof(struct vfio_region_info_cap_sparse_mmap) == 16, "sparse cap");
static_assert(offsetof(struct vfio_region_info_cap_sparse_mmap, areas) == 16, "areas");

#define NVEC		4
#define BAR0_SIZE	0x4000
#define BAR2_SIZE	0x2000
#define TABLE_OFF	0x2000
#define PBA_OFF		0x3000
#define CFG(off)	(VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX) + (off))
#define BAR0(off)	(VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_BAR0_REGION_INDEX) + (off))
#define BAR2(off)	(VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_BAR2_REGION_INDEX) + (off))

/* ---- the test variant -------------------------------------------------------- */

struct tvar {
	struct vfio_pci_core_device core;
	uint8_t regs[BAR0_SIZE];
	unsigned int bar0_accesses;
	uint64_t last_off;
	int memfd;
	/* what the irq hooks saw */
	int wired[NVEC];		/* 1 wired, 0 not */
	unsigned int set_calls, mask_calls, unmask_calls;
	int refuse_vector;		/* msix_set fails for it, -1 none */
};

static struct tvar *to_tvar(struct vfio_pci_core_device *core)
{
	return container_of(core, struct tvar, core);
}

static ssize_t tvar_bar0_rw(struct vfio_pci_core_device *core, unsigned int index,
			    char *buf, size_t count, uint64_t off, bool iswrite)
{
	struct tvar *t = to_tvar(core);

	t->bar0_accesses++;
	t->last_off = off;
	if (iswrite)
		memcpy(t->regs + off, buf, count);
	else
		memcpy(buf, t->regs + off, count);
	return (ssize_t)count;
}

static ssize_t tvar_bar2_rw(struct vfio_pci_core_device *core, unsigned int index,
			    char *buf, size_t count, uint64_t off, bool iswrite)
{
	if (count != 8)
		return -EINVAL;
	if (!iswrite)
		memset(buf, 0xa5, count);
	return (ssize_t)count;
}

static int tvar_bar2_mmap(struct vfio_pci_core_device *core, unsigned int index,
			  int *fd, uint64_t *fd_offset)
{
	*fd = to_tvar(core)->memfd;
	*fd_offset = 0x10000;
	return 0;
}

static const struct vfio_pci_regops tvar_bar0_ops = { .rw = tvar_bar0_rw };
static const struct vfio_pci_regops tvar_bar2_ops = {
	.rw = tvar_bar2_rw, .mmap = tvar_bar2_mmap,
};

static int tvar_msix_set(struct vfio_pci_core_device *core, unsigned int vector, int fd)
{
	struct tvar *t = to_tvar(core);

	t->set_calls++;
	if (fd >= 0 && (int)vector == t->refuse_vector)
		return -ENOSPC;
	/* the fd handed over must be a live descriptor */
	if (fd >= 0)
		assert_true(fcntl(fd, F_GETFD) >= 0);
	t->wired[vector] = fd >= 0;
	return 0;
}

static void tvar_msix_mask(struct vfio_pci_core_device *core, unsigned int vector)
{
	to_tvar(core)->mask_calls++;
}

static void tvar_msix_unmask(struct vfio_pci_core_device *core, unsigned int vector)
{
	to_tvar(core)->unmask_calls++;
}

static const struct vfio_pci_core_irq_ops tvar_irq_ops = {
	.msix_set = tvar_msix_set,
	.msix_mask = tvar_msix_mask,
	.msix_unmask = tvar_msix_unmask,
};

static int tvar_init(struct vfio_device *vdev)
{
	struct vfio_pci_core_device *core = to_vfio_pci_core(vdev);
	struct tvar *t = to_tvar(core);

	vfio_pci_core_init_dev(vdev);
	t->refuse_vector = -1;
	t->memfd = memfd_create("tvar-bar2", MFD_CLOEXEC);
	if (t->memfd < 0)
		return -errno;
	core->irq_ops = &tvar_irq_ops;
	vfio_pci_core_set_ids(core, 0x8086, 0x0b25, 0x8086, 0x1234, 0x088000, 0x01);
	if (vfio_pci_core_setup_bar(core, 0, BAR0_SIZE,
				    VFIO_PCI_BAR_64BIT | VFIO_PCI_BAR_PREFETCH, &tvar_bar0_ops) ||
	    vfio_pci_core_setup_bar(core, 2, BAR2_SIZE, 0, &tvar_bar2_ops) ||
	    vfio_pci_core_add_sparse_mmap(core, VFIO_PCI_BAR2_REGION_INDEX, 0, 4096) ||
	    vfio_pci_core_add_pcie_cap(core, PCI_EXP_TYPE_RC_END) != 0x40 ||
	    vfio_pci_core_add_msix_cap(core, NVEC, 0, TABLE_OFF, 0, PBA_OFF) < 0) {
		close(t->memfd);
		vfio_pci_core_release_dev(vdev);
		return -EINVAL;
	}
	return 0;
}

static void tvar_release(struct vfio_device *vdev)
{
	close(to_tvar(to_vfio_pci_core(vdev))->memfd);
	vfio_pci_core_release_dev(vdev);
}

static const struct vfio_device_ops tvar_ops = {
	.name = "tvar",
	.init = tvar_init,
	.release = tvar_release,
	.open_device = vfio_pci_core_open_device,
	.close_device = vfio_pci_core_close_device,
	.read = vfio_pci_core_read,
	.write = vfio_pci_core_write,
	.ioctl = vfio_pci_core_ioctl,
	.region_mmap = vfio_pci_core_region_mmap,
};

/* ---- fixture ------------------------------------------------------------------ */

static struct device tdev;
static struct tvar *t;
static struct vfio_device *vdev;

static void tdev_release(struct device *dev)
{
}

static int setup(void **state)
{
	memset(&tdev, 0, sizeof(tdev));
	device_initialize(&tdev);
	tdev.release = tdev_release;
	dev_set_name(&tdev, "tvar0");
	t = vfio_alloc_device(struct tvar, core.vdev, &tdev, &tvar_ops);
	if (!t)
		return -1;
	vdev = &t->core.vdev;
	return vfio_pci_core_register_device(&t->core);
}

static int teardown(void **state)
{
	vfio_pci_core_unregister_device(&t->core);
	vfio_put_device(vdev);
	put_device(&tdev);
	return 0;
}

/* ---- helpers ------------------------------------------------------------------- */

static uint32_t cfg_read(unsigned int off, unsigned int len)
{
	uint64_t pos = CFG(off);
	uint32_t v = 0;

	assert_int_equal(vdev->ops->read(vdev, (char *)&v, len, &pos), len);
	assert_int_equal(pos, CFG(off) + len);
	return v;
}

static void cfg_write(unsigned int off, unsigned int len, uint32_t v)
{
	uint64_t pos = CFG(off);

	assert_int_equal(vdev->ops->write(vdev, (const char *)&v, len, &pos), len);
}

static ssize_t rw(uint64_t pos, void *buf, size_t len, bool iswrite)
{
	if (iswrite)
		return vdev->ops->write(vdev, buf, len, &pos);
	return vdev->ops->read(vdev, buf, len, &pos);
}

static void enable_memory(void)
{
	cfg_write(PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
}

static long set_irqs(uint32_t flags, uint32_t start, uint32_t count, const void *data,
		     size_t data_len)
{
	char buf[sizeof(struct vfio_irq_set) + 64];
	struct vfio_irq_set *s = (void *)buf;

	memset(buf, 0, sizeof(buf));
	s->argsz = sizeof(*s) + data_len;
	s->flags = flags;
	s->index = VFIO_PCI_MSIX_IRQ_INDEX;
	s->start = start;
	s->count = count;
	if (data_len)
		memcpy(s->data, data, data_len);
	return vdev->ops->ioctl(vdev, VFIO_DEVICE_SET_IRQS, s);
}

static long wire(uint32_t start, uint32_t count, const int32_t *fds)
{
	return set_irqs(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER, start, count,
			fds, count * sizeof(int32_t));
}

/* The eventfd's counter, 0 when it was not signalled (non-blocking). */
static uint64_t drain(int efd)
{
	uint64_t v = 0;

	if (read(efd, &v, sizeof(v)) != sizeof(v))
		return 0;
	return v;
}

/* ---- config space --------------------------------------------------------------- */

static void test_config_header(void **state)
{
	uint8_t all[VFIO_PCI_CFG_SIZE];
	uint64_t pos;

	assert_int_equal(cfg_read(PCI_VENDOR_ID, 2), 0x8086);
	assert_int_equal(cfg_read(PCI_DEVICE_ID, 2), 0x0b25);
	assert_int_equal(cfg_read(PCI_CLASS_REVISION, 4), 0x08800001);
	assert_int_equal(cfg_read(PCI_SUBSYSTEM_ID, 2), 0x1234);
	assert_int_equal(cfg_read(PCI_HEADER_TYPE, 1), 0);
	assert_int_equal(cfg_read(PCI_INTERRUPT_PIN, 1), 0);

	/* ids and class are read-only */
	cfg_write(PCI_VENDOR_ID, 4, 0xdeadbeef);
	cfg_write(PCI_CLASS_REVISION, 4, 0);
	assert_int_equal(cfg_read(PCI_VENDOR_ID, 4), 0x0b258086);
	assert_int_equal(cfg_read(PCI_CLASS_REVISION, 4), 0x08800001);

	/* command: only the emulated bits stick */
	cfg_write(PCI_COMMAND, 2, 0xffff);
	assert_int_equal(cfg_read(PCI_COMMAND, 2),
			 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_PARITY |
			 PCI_COMMAND_SERR | PCI_COMMAND_INTX_DISABLE);
	cfg_write(PCI_COMMAND, 2, 0);
	assert_int_equal(cfg_read(PCI_COMMAND, 2), 0);

	/* scratch registers */
	cfg_write(PCI_INTERRUPT_LINE, 1, 0x5a);
	assert_int_equal(cfg_read(PCI_INTERRUPT_LINE, 1), 0x5a);

	/* any size and alignment inside the 4 KiB */
	assert_int_equal(cfg_read(PCI_VENDOR_ID + 1, 3), 0x0b2580);
	pos = CFG(0);
	assert_int_equal(vdev->ops->read(vdev, (char *)all, sizeof(all), &pos), sizeof(all));
	assert_int_equal(all[PCI_DEVICE_ID], 0x25);
	assert_int_equal(cfg_read(0xffd, 3), 0);
	/* outside it, or empty */
	assert_int_equal(rw(CFG(0xffe), all, 4, false), -EFAULT);
	assert_int_equal(rw(CFG(0x1000), all, 1, true), -EFAULT);
	assert_int_equal(rw(CFG(0), all, 0, false), -EINVAL);
}

static void test_config_status_w1c(void **state)
{
	/* error bits are write-1-to-clear; the capability bit is read-only */
	vfio_pci_core_config_set(&t->core, PCI_STATUS, 2,
				 PCI_STATUS_CAP_LIST | PCI_STATUS_DETECTED_PARITY |
				 PCI_STATUS_REC_MASTER_ABORT,
				 0, PCI_STATUS_DETECTED_PARITY | PCI_STATUS_REC_MASTER_ABORT);
	cfg_write(PCI_STATUS, 2, 0);
	assert_int_equal(cfg_read(PCI_STATUS, 2), PCI_STATUS_CAP_LIST |
			 PCI_STATUS_DETECTED_PARITY | PCI_STATUS_REC_MASTER_ABORT);
	cfg_write(PCI_STATUS, 2, PCI_STATUS_REC_MASTER_ABORT | PCI_STATUS_CAP_LIST);
	assert_int_equal(cfg_read(PCI_STATUS, 2),
			 PCI_STATUS_CAP_LIST | PCI_STATUS_DETECTED_PARITY);
	/* a byte write to the high half */
	cfg_write(PCI_STATUS + 1, 1, PCI_STATUS_DETECTED_PARITY >> 8);
	assert_int_equal(cfg_read(PCI_STATUS, 2), PCI_STATUS_CAP_LIST);
}

static void test_bar_sizing(void **state)
{
	const uint32_t bar0_type = PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH;

	assert_int_equal(cfg_read(PCI_BASE_ADDRESS_0, 4), bar0_type);
	assert_int_equal(cfg_read(PCI_BASE_ADDRESS_2, 4), 0);

	cfg_write(PCI_BASE_ADDRESS_0, 4, 0xffffffff);
	cfg_write(PCI_BASE_ADDRESS_1, 4, 0xffffffff);
	cfg_write(PCI_BASE_ADDRESS_2, 4, 0xffffffff);
	cfg_write(PCI_BASE_ADDRESS_3, 4, 0xffffffff);
	cfg_write(PCI_BASE_ADDRESS_5, 4, 0xffffffff);
	cfg_write(PCI_ROM_ADDRESS, 4, 0xffffffff);
	assert_int_equal(cfg_read(PCI_BASE_ADDRESS_0, 4), (uint32_t)~(BAR0_SIZE - 1) | bar0_type);
	assert_int_equal(cfg_read(PCI_BASE_ADDRESS_1, 4), 0xffffffff);
	assert_int_equal(cfg_read(PCI_BASE_ADDRESS_2, 4), (uint32_t)~(BAR2_SIZE - 1));
	assert_int_equal(cfg_read(PCI_BASE_ADDRESS_3, 4), 0);	/* not implemented */
	assert_int_equal(cfg_read(PCI_BASE_ADDRESS_5, 4), 0);
	assert_int_equal(cfg_read(PCI_ROM_ADDRESS, 4), 0);

	/* program addresses: low bits below the size stay 0 */
	cfg_write(PCI_BASE_ADDRESS_0, 4, 0xfebf1234);
	cfg_write(PCI_BASE_ADDRESS_1, 4, 0x00000020);
	cfg_write(PCI_BASE_ADDRESS_2, 2, 0x7fff);
	cfg_write(PCI_BASE_ADDRESS_2 + 2, 2, 0xfe00);
	assert_int_equal(cfg_read(PCI_BASE_ADDRESS_0, 4), 0xfebf0000 | bar0_type);
	assert_int_equal(cfg_read(PCI_BASE_ADDRESS_1, 4), 0x20);
	assert_int_equal(cfg_read(PCI_BASE_ADDRESS_2, 4), 0xfe006000);
}

static void test_capabilities(void **state)
{
	unsigned int pcie, msix;
	int ecap, ecap2;

	assert_true(cfg_read(PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	pcie = cfg_read(PCI_CAPABILITY_LIST, 1);
	assert_int_equal(pcie, 0x40);
	assert_int_equal(cfg_read(pcie, 1), PCI_CAP_ID_EXP);
	assert_int_equal(cfg_read(pcie + PCI_EXP_FLAGS, 2), 2 | PCI_EXP_TYPE_RC_END << 4);
	msix = cfg_read(pcie + PCI_CAP_LIST_NEXT, 1);
	assert_int_equal(msix, ALIGN_UP(0x40 + PCI_CAP_EXP_ENDPOINT_SIZEOF_V2, 4));
	assert_int_equal(cfg_read(msix, 1), PCI_CAP_ID_MSIX);
	assert_int_equal(cfg_read(msix + PCI_CAP_LIST_NEXT, 1), 0);
	/* the capability list itself is read-only */
	cfg_write(PCI_CAPABILITY_LIST, 1, 0x80);
	cfg_write(pcie + PCI_CAP_LIST_NEXT, 1, 0);
	assert_int_equal(cfg_read(PCI_CAPABILITY_LIST, 1), 0x40);
	assert_int_equal(cfg_read(pcie + PCI_CAP_LIST_NEXT, 1), msix);

	/* device control: some fields writable; device status: W1C */
	cfg_write(pcie + PCI_EXP_DEVCTL, 2, 0xffff);
	assert_int_equal(cfg_read(pcie + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_BCR_FLR, 0);
	assert_int_equal(cfg_read(pcie + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_READRQ,
			 PCI_EXP_DEVCTL_READRQ);
	assert_int_equal(cfg_read(pcie + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR, 0);

	/* extended capabilities chain from 0x100 */
	ecap = vfio_pci_core_add_ext_cap(&t->core, PCI_EXT_CAP_ID_PASID, 1, 8);
	ecap2 = vfio_pci_core_add_ext_cap(&t->core, PCI_EXT_CAP_ID_DVSEC, 1, 12);
	assert_int_equal(ecap, 0x100);
	assert_int_equal(ecap2, 0x108);
	assert_int_equal(cfg_read(0x100, 4), PCI_EXT_CAP_ID_PASID | 1 << 16 | 0x108 << 20);
	assert_int_equal(cfg_read(0x108, 4), PCI_EXT_CAP_ID_DVSEC | 1 << 16);
}

static void test_capability_space_runs_out(void **state)
{
	int off, last = 0;

	while ((off = vfio_pci_core_add_cap(&t->core, PCI_CAP_ID_VNDR, 16)) > 0)
		last = off;
	assert_int_equal(off, -ENOSPC);
	assert_true(last + 16 <= 0x100);
	assert_int_equal(vfio_pci_core_add_cap(&t->core, PCI_CAP_ID_VNDR, 1), -EINVAL);
	assert_int_equal(vfio_pci_core_add_ext_cap(&t->core, 0x23, 1, 0x1000), -ENOSPC);
}

static void test_msix_capability(void **state)
{
	unsigned int msix = t->core.msix_cap;

	assert_int_equal(cfg_read(msix + PCI_MSIX_FLAGS, 2), NVEC - 1);
	assert_int_equal(cfg_read(msix + PCI_MSIX_TABLE, 4), TABLE_OFF | 0);
	assert_int_equal(cfg_read(msix + PCI_MSIX_PBA, 4), PBA_OFF | 0);
	/* enable and function mask are writable, the table size is not */
	cfg_write(msix + PCI_MSIX_FLAGS, 2, 0xffff);
	assert_int_equal(cfg_read(msix + PCI_MSIX_FLAGS, 2),
			 PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL | (NVEC - 1));
	cfg_write(msix + PCI_MSIX_FLAGS + 1, 1, PCI_MSIX_FLAGS_ENABLE >> 8);
	assert_int_equal(cfg_read(msix + PCI_MSIX_FLAGS, 2), PCI_MSIX_FLAGS_ENABLE | (NVEC - 1));
	cfg_write(msix + PCI_MSIX_TABLE, 4, 0);
	assert_int_equal(cfg_read(msix + PCI_MSIX_TABLE, 4), TABLE_OFF);
}

/* ---- BAR access -------------------------------------------------------------------- */

static void test_bar_access(void **state)
{
	uint32_t v = 0x11223344, r = 0;
	uint64_t q;

	/* memory decoding off: no MMIO */
	assert_int_equal(rw(BAR0(0x100), &v, 4, true), -EIO);
	assert_int_equal(t->bar0_accesses, 0);
	enable_memory();
	assert_int_equal(rw(BAR0(0x100), &v, 4, true), 4);
	assert_int_equal(rw(BAR0(0x100), &r, 4, false), 4);
	assert_int_equal(r, 0x11223344);
	assert_int_equal(t->bar0_accesses, 2);
	assert_int_equal(t->last_off, 0x100);
	/* the last byte, and past the end */
	assert_int_equal(rw(BAR0(BAR0_SIZE - 1), &r, 1, false), 1);
	assert_int_equal(rw(BAR0(BAR0_SIZE - 2), &r, 4, false), -EFAULT);
	assert_int_equal(rw(BAR0(BAR0_SIZE), &r, 1, false), -EFAULT);
	/* regions that do not exist */
	assert_int_equal(rw(VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_BAR1_REGION_INDEX), &r, 4, false),
			 -EINVAL);
	assert_int_equal(rw(VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_ROM_REGION_INDEX), &r, 4, false),
			 -EINVAL);
	assert_int_equal(rw(VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_NUM_REGIONS), &r, 4, false),
			 -EINVAL);
	/* the variant's own size rules */
	assert_int_equal(rw(BAR2(8), &q, 8, false), 8);
	assert_int_equal(q, 0xa5a5a5a5a5a5a5a5ULL);
	assert_int_equal(rw(BAR2(8), &r, 4, false), -EINVAL);
}

static void test_msix_table_emulated(void **state)
{
	uint32_t v;
	uint64_t q;
	uint16_t w = 0;
	unsigned int i;

	enable_memory();
	/* every entry starts masked */
	for (i = 0; i < NVEC; i++) {
		assert_int_equal(rw(BAR0(TABLE_OFF + i * 16 + 12), &v, 4, false), 4);
		assert_int_equal(v, PCI_MSIX_ENTRY_CTRL_MASKBIT);
	}
	q = 0xfee00000 | 0x13;
	assert_int_equal(rw(BAR0(TABLE_OFF + 16), &q, 8, true), 8);
	v = 0x4041;
	assert_int_equal(rw(BAR0(TABLE_OFF + 16 + 8), &v, 4, true), 4);
	v = 0xfffffff0;		/* unmask; reserved bits stay 0 */
	assert_int_equal(rw(BAR0(TABLE_OFF + 16 + 12), &v, 4, true), 4);
	assert_int_equal(rw(BAR0(TABLE_OFF + 16), &q, 8, false), 8);
	assert_int_equal(q, 0xfee00010);
	assert_int_equal(rw(BAR0(TABLE_OFF + 16 + 8), &q, 8, false), 8);
	assert_int_equal(q, 0x4041);
	/* sizes other than dword/qword, misaligned, or straddling the end */
	assert_int_equal(rw(BAR0(TABLE_OFF), &w, 2, false), -EINVAL);
	assert_int_equal(rw(BAR0(TABLE_OFF + 4), &q, 8, false), -EINVAL);
	assert_int_equal(rw(BAR0(TABLE_OFF + NVEC * 16 - 4), &q, 8, false), -EINVAL);
	/* the PBA is read-only and nothing is pending */
	q = ~0ULL;
	assert_int_equal(rw(BAR0(PBA_OFF), &q, 8, true), 8);
	assert_int_equal(rw(BAR0(PBA_OFF), &q, 8, false), 8);
	assert_int_equal(q, 0);
	/* none of that reached the variant */
	assert_int_equal(t->bar0_accesses, 0);
	/* right after the table: the variant's again */
	assert_int_equal(rw(BAR0(TABLE_OFF + NVEC * 16), &v, 4, false), 4);
	assert_int_equal(t->bar0_accesses, 1);
}

/* ---- ioctls ------------------------------------------------------------------------ */

static void test_ioctl_get_info(void **state)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_INFO, &info), 0);
	assert_int_equal(info.flags, VFIO_DEVICE_FLAGS_PCI | VFIO_DEVICE_FLAGS_RESET);
	assert_int_equal(info.num_regions, VFIO_PCI_NUM_REGIONS);
	assert_int_equal(info.num_irqs, VFIO_PCI_NUM_IRQS);
	assert_int_equal(info.cap_offset, 0);
	/* the v1 struct without cap_offset is fine */
	info.argsz = offsetofend(struct vfio_device_info, num_irqs);
	info.cap_offset = 0x55;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_INFO, &info), 0);
	assert_int_equal(info.cap_offset, 0x55);
	info.argsz = offsetofend(struct vfio_device_info, num_irqs) - 1;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_INFO, &info), -EINVAL);
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_INFO, NULL), -EFAULT);
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_PCI_HOT_RESET, &info), -ENOTTY);
	assert_int_equal(vdev->ops->ioctl(vdev, 0x1234, NULL), -ENOTTY);
}

static void test_ioctl_region_info(void **state)
{
	char buf[256];
	struct vfio_region_info *info = (void *)buf;
	struct vfio_region_info_cap_sparse_mmap *cap;

	memset(buf, 0, sizeof(buf));
	info->argsz = sizeof(*info) - 1;
	info->index = VFIO_PCI_CONFIG_REGION_INDEX;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_REGION_INFO, info), -EINVAL);
	info->argsz = sizeof(*info);
	info->index = VFIO_PCI_NUM_REGIONS;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_REGION_INFO, info), -EINVAL);

	info->index = VFIO_PCI_CONFIG_REGION_INDEX;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_REGION_INFO, info), 0);
	assert_int_equal(info->size, VFIO_PCI_CFG_SIZE);
	assert_int_equal(info->offset, VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX));
	assert_int_equal(info->flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);

	info->index = VFIO_PCI_BAR0_REGION_INDEX;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_REGION_INFO, info), 0);
	assert_int_equal(info->size, BAR0_SIZE);
	assert_int_equal(info->flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);
	info->index = VFIO_PCI_BAR1_REGION_INDEX;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_REGION_INFO, info), 0);
	assert_int_equal(info->size, 0);
	assert_int_equal(info->flags, 0);

	/* too small for the capability chain: argsz grows, no cap_offset */
	info->index = VFIO_PCI_BAR2_REGION_INDEX;
	info->argsz = sizeof(*info);
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_REGION_INFO, info), 0);
	assert_int_equal(info->size, BAR2_SIZE);
	assert_int_equal(info->flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
			 VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS);
	assert_int_equal(info->argsz, sizeof(*info) + sizeof(*cap) + sizeof(cap->areas[0]));
	assert_int_equal(info->cap_offset, 0);
	/* retry with what it asked for */
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_REGION_INFO, info), 0);
	assert_int_equal(info->cap_offset, sizeof(*info));
	cap = (void *)(buf + info->cap_offset);
	assert_int_equal(cap->header.id, VFIO_REGION_INFO_CAP_SPARSE_MMAP);
	assert_int_equal(cap->header.version, 1);
	assert_int_equal(cap->header.next, 0);
	assert_int_equal(cap->nr_areas, 1);
	assert_int_equal(cap->areas[0].offset, 0);
	assert_int_equal(cap->areas[0].size, 4096);
}

static void test_region_mmap(void **state)
{
	int fd = -1;
	uint64_t off = 0;

	assert_int_equal(vdev->ops->region_mmap(vdev, VFIO_PCI_BAR2_REGION_INDEX, &fd, &off), 0);
	assert_int_equal(fd, t->memfd);
	assert_int_equal(off, 0x10000);
	assert_int_equal(vdev->ops->region_mmap(vdev, VFIO_PCI_BAR0_REGION_INDEX, &fd, &off),
			 -EINVAL);
	assert_int_equal(vdev->ops->region_mmap(vdev, VFIO_PCI_CONFIG_REGION_INDEX, &fd, &off),
			 -EINVAL);
	assert_int_equal(vdev->ops->region_mmap(vdev, 42, &fd, &off), -EINVAL);
}

static void test_ioctl_irq_info(void **state)
{
	struct vfio_irq_info info = { .argsz = sizeof(info) };

	info.index = VFIO_PCI_MSIX_IRQ_INDEX;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_IRQ_INFO, &info), 0);
	assert_int_equal(info.count, NVEC);
	assert_int_equal(info.flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_MASKABLE);
	info.index = VFIO_PCI_INTX_IRQ_INDEX;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_IRQ_INFO, &info), 0);
	assert_int_equal(info.count, 0);
	info.index = VFIO_PCI_MSI_IRQ_INDEX;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_IRQ_INFO, &info), 0);
	assert_int_equal(info.count, 0);
	assert_int_equal(info.flags, VFIO_IRQ_INFO_EVENTFD | VFIO_IRQ_INFO_NORESIZE);
	info.index = VFIO_PCI_NUM_IRQS;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_IRQ_INFO, &info), -EINVAL);
	info.index = VFIO_PCI_MSIX_IRQ_INDEX;
	info.argsz = offsetofend(struct vfio_irq_info, count) - 1;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_GET_IRQ_INFO, &info), -EINVAL);
}

static void test_set_irqs_validation(void **state)
{
	const uint32_t trig = VFIO_IRQ_SET_ACTION_TRIGGER;
	struct vfio_irq_set s = { 0 };
	int32_t fds[NVEC + 1] = { -1, -1, -1, -1, -1 };

	/* argsz below the header */
	s.argsz = sizeof(s) - 1;
	s.flags = VFIO_IRQ_SET_DATA_NONE | trig;
	s.index = VFIO_PCI_MSIX_IRQ_INDEX;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_SET_IRQS, &s), -EINVAL);
	/* unknown flag bit, two data types, no data type, two actions, none */
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_NONE | trig | (1 << 6), 0, 0, NULL, 0),
			 -EINVAL);
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_DATA_BOOL | trig,
				  0, 0, NULL, 0), -EINVAL);
	assert_int_equal(set_irqs(trig, 0, 0, NULL, 0), -EINVAL);
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_NONE | trig | VFIO_IRQ_SET_ACTION_MASK,
				  0, 1, NULL, 0), -EINVAL);
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_NONE, 0, 1, NULL, 0), -EINVAL);
	/* ranges */
	assert_int_equal(wire(NVEC, 1, fds), -EINVAL);
	assert_int_equal(wire(2, 3, fds), -EINVAL);
	assert_int_equal(wire(0, NVEC + 1, fds), -EINVAL);
	/* data shorter than count says */
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_EVENTFD | trig, 0, 2, fds, 4), -EINVAL);
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_BOOL | trig, 0, 2, fds, 1), -EINVAL);
	/* indexes with no interrupts, and past the last */
	s.argsz = sizeof(s);
	s.flags = VFIO_IRQ_SET_DATA_NONE | trig;
	s.index = VFIO_PCI_INTX_IRQ_INDEX;
	s.count = 0;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_SET_IRQS, &s), -EINVAL);
	s.index = VFIO_PCI_REQ_IRQ_INDEX;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_SET_IRQS, &s), -EINVAL);
	s.index = VFIO_PCI_NUM_IRQS;
	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_SET_IRQS, &s), -EINVAL);
	/* disabling what is not enabled, as the kernel */
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_NONE | trig, 0, 0, NULL, 0), -EINVAL);
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_NONE | trig, 0, 1, NULL, 0), -EINVAL);
	assert_int_equal(t->set_calls, 0);
}

static void test_set_irqs_trigger(void **state)
{
	int efd[2] = { eventfd(0, EFD_NONBLOCK), eventfd(0, EFD_NONBLOCK) };
	int32_t fds[2] = { efd[0], efd[1] }, none = -1;
	uint8_t bools[2] = { 0, 1 };

	/* nothing wired: emulated interrupts are lost */
	assert_int_equal(vfio_pci_core_trigger(&t->core, 0), -ENOENT);
	assert_int_equal(vfio_pci_core_trigger(&t->core, NVEC), -EINVAL);

	assert_int_equal(wire(0, 2, fds), 0);
	assert_int_equal(t->wired[0] + t->wired[1], 2);
	/* the core holds its own dup: the client may close its fds */
	assert_int_equal(vfio_pci_core_trigger(&t->core, 1), 0);
	assert_int_equal(drain(efd[1]), 1);
	assert_int_equal(drain(efd[0]), 0);
	assert_int_equal(vfio_pci_core_trigger(&t->core, 2), -ENOENT);

	/* loopback triggers: DATA_NONE signals the range, DATA_BOOL the chosen */
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
				  0, 2, NULL, 0), 0);
	assert_int_equal(drain(efd[0]), 1);
	assert_int_equal(drain(efd[1]), 1);
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_TRIGGER,
				  0, 2, bools, 2), 0);
	assert_int_equal(drain(efd[0]), 0);
	assert_int_equal(drain(efd[1]), 1);

	/* -1 unwires one vector; re-wiring replaces */
	assert_int_equal(wire(0, 1, &none), 0);
	assert_int_equal(t->wired[0], 0);
	assert_int_equal(vfio_pci_core_trigger(&t->core, 0), -ENOENT);
	assert_int_equal(wire(0, 1, &fds[1]), 0);
	assert_int_equal(vfio_pci_core_trigger(&t->core, 0), 0);
	assert_int_equal(drain(efd[1]), 1);

	/* count 0 with DATA_NONE disables MSI-X: every vector unwired */
	t->set_calls = 0;
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
				  0, 0, NULL, 0), 0);
	assert_int_equal(t->set_calls, 2);
	assert_int_equal(t->wired[0] + t->wired[1], 0);
	assert_int_equal(vfio_pci_core_trigger(&t->core, 1), -ENOENT);
	close(efd[0]);
	close(efd[1]);
}

static void test_set_irqs_bad_fd(void **state)
{
	int efd = eventfd(0, EFD_NONBLOCK);
	int32_t fds[2] = { efd, 1000 };		/* 1000 is not open */

	assert_int_equal(fcntl(1000, F_GETFD), -1);
	assert_int_equal(wire(0, 2, fds), -EBADF);
	/* the first vector was unwound and MSI-X stays disabled */
	assert_int_equal(t->wired[0], 0);
	assert_int_equal(vfio_pci_core_trigger(&t->core, 0), -ENOENT);
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_TRIGGER,
				  0, 0, NULL, 0), -EINVAL);
	close(efd);
}

static void test_set_irqs_variant_refuses(void **state)
{
	int efd = eventfd(0, EFD_NONBLOCK);
	int32_t fds[NVEC] = { efd, efd, efd, efd };

	t->refuse_vector = 2;
	assert_int_equal(wire(0, NVEC, fds), -ENOSPC);
	assert_int_equal(t->wired[0] + t->wired[1] + t->wired[2] + t->wired[3], 0);
	assert_int_equal(vfio_pci_core_trigger(&t->core, 0), -ENOENT);
	/* while enabled, a refused block leaves MSI-X enabled */
	assert_int_equal(wire(0, 1, fds), 0);
	assert_int_equal(wire(1, 3, fds + 1), -ENOSPC);
	assert_int_equal(t->wired[0], 1);
	assert_int_equal(t->wired[1], 0);
	assert_int_equal(vfio_pci_core_trigger(&t->core, 0), 0);
	assert_int_equal(drain(efd), 1);
	close(efd);
}

static void test_set_irqs_mask(void **state)
{
	int efd = eventfd(0, EFD_NONBLOCK);
	int32_t fds[2] = { efd, efd };
	uint8_t bools[2] = { 1, 0 };
	uint64_t pba;

	enable_memory();
	/* masking needs MSI-X enabled, and takes no eventfds */
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
				  0, 1, NULL, 0), -EINVAL);
	assert_int_equal(wire(0, 2, fds), 0);
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_MASK,
				  0, 1, fds, 4), -EINVAL);

	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_BOOL | VFIO_IRQ_SET_ACTION_MASK,
				  0, 2, bools, 2), 0);
	assert_int_equal(t->mask_calls, 1);
	assert_true(vfio_pci_core_msix_masked(&t->core, 0));
	assert_false(vfio_pci_core_msix_masked(&t->core, 1));

	/* a masked vector latches in the PBA */
	assert_int_equal(vfio_pci_core_trigger(&t->core, 0), 0);
	assert_int_equal(drain(efd), 0);
	assert_int_equal(rw(BAR0(PBA_OFF), &pba, 8, false), 8);
	assert_int_equal(pba, 1);
	/* masking again does not call the variant again */
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
				  0, 1, NULL, 0), 0);
	assert_int_equal(t->mask_calls, 1);

	/* unmask delivers the pending one */
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK,
				  0, 2, NULL, 0), 0);
	assert_int_equal(t->unmask_calls, 1);
	assert_int_equal(drain(efd), 1);
	assert_int_equal(rw(BAR0(PBA_OFF), &pba, 8, false), 8);
	assert_int_equal(pba, 0);
	assert_int_equal(vfio_pci_core_trigger(&t->core, 0), 0);
	assert_int_equal(drain(efd), 1);
	close(efd);
}

static void test_reset(void **state)
{
	int efd = eventfd(0, EFD_NONBLOCK);
	int32_t fds[1] = { efd };
	uint32_t v = 0;

	enable_memory();
	cfg_write(PCI_BASE_ADDRESS_0, 4, 0xfebf0000);
	assert_int_equal(rw(BAR0(TABLE_OFF + 12), &v, 4, true), 4);
	assert_int_equal(wire(0, 1, fds), 0);
	t->set_calls = 0;

	assert_int_equal(vdev->ops->ioctl(vdev, VFIO_DEVICE_RESET, NULL), 0);
	assert_int_equal(t->set_calls, 1);
	assert_int_equal(t->wired[0], 0);
	assert_int_equal(vfio_pci_core_trigger(&t->core, 0), -ENOENT);
	assert_int_equal(cfg_read(PCI_COMMAND, 2), 0);
	assert_int_equal(cfg_read(PCI_BASE_ADDRESS_0, 4),
			 PCI_BASE_ADDRESS_MEM_TYPE_64 | PCI_BASE_ADDRESS_MEM_PREFETCH);
	assert_int_equal(cfg_read(PCI_VENDOR_ID, 4), 0x0b258086);
	assert_int_equal(cfg_read(t->core.msix_cap + PCI_MSIX_FLAGS, 2), NVEC - 1);
	enable_memory();
	assert_int_equal(rw(BAR0(TABLE_OFF + 12), &v, 4, false), 4);
	assert_int_equal(v, PCI_MSIX_ENTRY_CTRL_MASKBIT);
	close(efd);
}

static void test_close_device_keeps_state(void **state)
{
	int efd = eventfd(0, EFD_NONBLOCK);
	int32_t fds[2] = { efd, efd };

	assert_int_equal(vdev->ops->open_device(vdev), 0);
	enable_memory();
	assert_int_equal(wire(0, 2, fds), 0);
	assert_int_equal(set_irqs(VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK,
				  1, 1, NULL, 0), 0);
	vdev->ops->close_device(vdev);
	assert_int_equal(t->wired[0] + t->wired[1], 0);
	assert_false(vfio_pci_core_msix_masked(&t->core, 1));
	assert_int_equal(vfio_pci_core_trigger(&t->core, 0), -ENOENT);
	/* the configuration the first client left is still there */
	assert_int_equal(cfg_read(PCI_COMMAND, 2), PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* a second client wires again */
	assert_int_equal(vdev->ops->open_device(vdev), 0);
	assert_int_equal(wire(0, 1, fds), 0);
	assert_int_equal(vfio_pci_core_trigger(&t->core, 0), 0);
	assert_int_equal(drain(efd), 1);
	vdev->ops->close_device(vdev);
	close(efd);
}

static void test_compose_errors(void **state)
{
	struct vfio_pci_core_device *core = &t->core;

	/* taken, odd 64-bit, upper half of BAR0, bad sizes and flags */
	assert_int_equal(vfio_pci_core_setup_bar(core, 0, 4096, 0, &tvar_bar0_ops), -EINVAL);
	assert_int_equal(vfio_pci_core_setup_bar(core, 3, 4096, VFIO_PCI_BAR_64BIT,
						 &tvar_bar0_ops), -EINVAL);
	assert_int_equal(vfio_pci_core_setup_bar(core, 1, 4096, 0, &tvar_bar0_ops), -EINVAL);
	assert_int_equal(vfio_pci_core_setup_bar(core, 4, 3000, 0, &tvar_bar0_ops), -EINVAL);
	assert_int_equal(vfio_pci_core_setup_bar(core, 4, 8, 0, &tvar_bar0_ops), -EINVAL);
	assert_int_equal(vfio_pci_core_setup_bar(core, 4, 4096, 0x80, &tvar_bar0_ops), -EINVAL);
	assert_int_equal(vfio_pci_core_setup_bar(core, 6, 4096, 0, &tvar_bar0_ops), -EINVAL);
	assert_int_equal(vfio_pci_core_setup_bar(core, 4, 4096, 0, NULL), -EINVAL);
	assert_int_equal(vfio_pci_core_setup_bar(core, 4, 4096, VFIO_PCI_BAR_64BIT,
						 &tvar_bar0_ops), 0);
	/* sparse areas: page aligned, inside, and only with an mmap callback */
	assert_int_equal(vfio_pci_core_add_sparse_mmap(core, VFIO_PCI_BAR2_REGION_INDEX,
						       100, 4096), -EINVAL);
	assert_int_equal(vfio_pci_core_add_sparse_mmap(core, VFIO_PCI_BAR2_REGION_INDEX,
						       4096, 8192), -EINVAL);
	assert_int_equal(vfio_pci_core_add_sparse_mmap(core, VFIO_PCI_BAR0_REGION_INDEX,
						       0, 4096), -EINVAL);
	assert_int_equal(vfio_pci_core_add_sparse_mmap(core, VFIO_PCI_BAR2_REGION_INDEX,
						       4096, 4096), 0);
	/* a second MSI-X capability */
	assert_int_equal(vfio_pci_core_add_msix_cap(core, 2, 0, 0, 0, 0x100), -EEXIST);
}

static void test_msix_cap_errors(void **state)
{
	struct vfio_pci_core_device *core = &t->core;
	unsigned int cap = core->msix_cap;

	/* pretend there is none yet, to check the geometry rules */
	core->msix_cap = 0;
	assert_int_equal(vfio_pci_core_add_msix_cap(core, 0, 0, 0, 0, 0x100), -EINVAL);
	assert_int_equal(vfio_pci_core_add_msix_cap(core, 2049, 0, 0, 0, 0x100), -EINVAL);
	/* overlapping table and PBA */
	assert_int_equal(vfio_pci_core_add_msix_cap(core, 8, 0, 0, 0, 0x40), -EINVAL);
	/* outside the BAR, in a BAR that does not exist, misaligned */
	assert_int_equal(vfio_pci_core_add_msix_cap(core, 8, 0, BAR0_SIZE - 64, 0, 0), -EINVAL);
	assert_int_equal(vfio_pci_core_add_msix_cap(core, 8, 5, 0, 0, 0x100), -EINVAL);
	assert_int_equal(vfio_pci_core_add_msix_cap(core, 8, 0, 4, 0, 0x100), -EINVAL);
	core->msix_cap = cap;
	assert_int_equal(core->msix_nvec, NVEC);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_config_header),
		T(test_config_status_w1c),
		T(test_bar_sizing),
		T(test_capabilities),
		T(test_capability_space_runs_out),
		T(test_msix_capability),
		T(test_bar_access),
		T(test_msix_table_emulated),
		T(test_ioctl_get_info),
		T(test_ioctl_region_info),
		T(test_region_mmap),
		T(test_ioctl_irq_info),
		T(test_set_irqs_validation),
		T(test_set_irqs_trigger),
		T(test_set_irqs_bad_fd),
		T(test_set_irqs_variant_refuses),
		T(test_set_irqs_mask),
		T(test_reset),
		T(test_close_device_keeps_state),
		T(test_compose_errors),
		T(test_msix_cap_errors),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
