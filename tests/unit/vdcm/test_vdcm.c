// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vdcm on the real machine: an emulated DSA in slot 0000:00:0a.0, the
 * idxd driver loaded with its default profile (wq0.0 and wq0.1 dedicated,
 * type mdev, enabled), the mdev core and vfio_idxd. An mdev is created
 * through sysfs and its vfio_device is driven through its ops as a
 * transport would: a session with DMA-mapped test memory, configuration
 * writes, BAR0 registers, the enable sequence, interrupt handles, MEMMOVE
 * descriptors through the trapped portal and the mmap'ed portal page with
 * completion records and interrupts delivered through IMS to eventfds,
 * virtual command errors, a page fault, reset, and no leaks at the end.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/idxd.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>

#include "base/device.h"
#include "idxd/idxd_config.h"
#include "idxd/idxd_module.h"
#include "iommu/iommu.h"
#include "irq/irq.h"
#include "lib/evloop.h"
#include "platform/platform.h"
#include "spec/dsa.h"
#include "sysfs/sysfs.h"
#include "vfio/core/vfio_core.h"
#include "vfio/mdev/mdev.h"
#include "vfio/vfio.h"
#include "vfio/idxd/vdcm.h"		/* vdcm_msix_vectors, the module parameter */
#include "vfio/idxd/vfio_idxd.h"
#include "irq/msi.h"
#include "pci/pci.h"

static_assert(sizeof(struct dsa_hw_desc) == DSA_DESC_SIZE, "descriptor");
static_assert(sizeof(struct dsa_completion_record) == DSA_COMP_RECORD_SIZE, "completion");
static_assert(offsetof(struct dsa_hw_desc, int_handle) == 36, "int_handle");
static_assert(offsetof(struct dsa_completion_record, fault_addr) == 8, "fault_addr");

#define PF_DIR		"/sys/class/mdev_bus/0000:00:0a.0"
#define TYPE_DIR	PF_DIR "/mdev_supported_types/idxd-1dwq-v1"
#define UUID_1		"83b8f4f2-509f-382f-3c1e-e6bfe0fa1001"
#define UUID_2		"83b8f4f2-509f-382f-3c1e-e6bfe0fa1002"
#define UUID_3		"83b8f4f2-509f-382f-3c1e-e6bfe0fa1003"

#define NVEC		9
#define BAR0(off)	(VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_BAR0_REGION_INDEX) + (off))
#define BAR2(off)	(VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_BAR2_REGION_INDEX) + (off))
#define CFG(off)	(VFIO_PCI_INDEX_TO_OFFSET(VFIO_PCI_CONFIG_REGION_INDEX) + (off))

/* Client memory, DMA-mapped at IOVA_BASE. */
#define IOVA_BASE	0x10000000ULL
#define MEM_SIZE	(64 * 1024)
#define SRC_OFF		0x0000
#define DST_OFF		0x4000
#define COMP_OFF	0x8000
#define XFER		4096

/* ---- a frontend that only remembers the device, as a transport would ---- */

static struct vfio_device *fe_vdev;
static unsigned int fe_removed;

static int fe_device_added(struct vfio_frontend *fe, struct vfio_device *vdev)
{
	fe_vdev = vdev;
	return 0;
}

static void fe_device_removed(struct vfio_frontend *fe, struct vfio_device *vdev)
{
	if (fe_vdev == vdev)
		fe_vdev = NULL;
	fe_removed++;
}

static struct vfio_frontend test_fe = {
	.name = "test",
	.device_added = fe_device_added,
	.device_removed = fe_device_removed,
};

/* ---- the machine ----------------------------------------------------------- */

static struct evloop *loop;
static struct platform plat;
static unsigned int irqs_at_start, pasids_at_start, alive_at_start;
static uint8_t *mem;
static struct vfio_session *cur_session;	/* closed by teardown if a test failed */

static struct vfio_session *open_s(struct vfio_device *v)
{
	cur_session = vfio_session_open(v);
	return cur_session;
}

static void close_s(void)
{
	vfio_session_close(cur_session);
	cur_session = NULL;
}

/* The machine with one DSA of @params (NULL: defaults) configured by @profile. */
static int setup_machine(const struct dsa_hw_params *params, const char *profile)
{
	char err[256] = "";
	int rc;

	loop = evloop_create();
	if (!loop || platform_init(&plat, loop))
		return -1;
	vfio_core_init(plat.iommu);
	if (mdev_init() || vfio_idxd_init() || idxd_driver_init())
		return -1;
	if (!platform_add_dsa(&plat, params))
		return -1;
	rc = idxd_config_load(profile, strlen(profile), true, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "config: %d %s\n", rc, err);
		return -1;
	}
	if (vfio_register_frontend(&test_fe))
		return -1;
	fe_vdev = NULL;
	fe_removed = 0;
	irqs_at_start = irq_nr_allocated();
	pasids_at_start = iommu_pasid_count(plat.iommu);
	alive_at_start = device_nr_alive();
	mem = aligned_alloc(4096, MEM_SIZE);
	memset(mem, 0, MEM_SIZE);
	return 0;
}

static int setup(void **state)
{
	return setup_machine(NULL, idxd_default_config);
}

/* The machine with a default DSA but for its @ims_entries IMS entries. */
static int setup_ims(unsigned int ims_entries, const char *profile)
{
	struct dsa_hw_params p;

	dsa_hw_params_default(&p);
	p.ims_entries = ims_entries;
	return setup_machine(&p, profile);
}

static int teardown(void **state)
{
	close_s();
	vfio_unregister_frontend(&test_fe);
	vdcm_msix_vectors = VDCM_MSIX_VECTORS;
	vfio_idxd_exit();
	idxd_driver_exit();
	mdev_exit();
	vfio_core_exit();
	platform_exit(&plat);
	evloop_destroy(loop);
	free(mem);
	return 0;
}

/* ---- helpers ------------------------------------------------------------------- */

static ssize_t write_str(const char *path, const char *s)
{
	return sysfs_write(path, s, strlen(s));
}

static void read_attr(const char *path, char *buf, size_t size)
{
	ssize_t n = sysfs_read(path, buf, size - 1);

	assert_true(n >= 0);
	buf[n] = '\0';
}

static void expect_attr(const char *path, const char *expect)
{
	char buf[256];

	read_attr(path, buf, sizeof(buf));
	assert_string_equal(buf, expect);
}

static struct vfio_device *create_mdev(const char *uuid)
{
	assert_int_equal(write_str(TYPE_DIR "/create", uuid), (ssize_t)strlen(uuid));
	assert_non_null(fe_vdev);
	assert_string_equal(vfio_device_name(fe_vdev), uuid);
	return fe_vdev;
}

static uint64_t rd(struct vfio_device *v, uint64_t pos, unsigned int len)
{
	uint64_t val = 0;

	assert_int_equal(v->ops->read(v, (char *)&val, len, &pos), len);
	return val;
}

static void wr(struct vfio_device *v, uint64_t pos, unsigned int len, uint64_t val)
{
	assert_int_equal(v->ops->write(v, (const char *)&val, len, &pos), len);
}

/* Run a virtual command; return the virtual CMDSTS. */
static uint32_t vcmd(struct vfio_device *v, unsigned int cmd, uint32_t operand, bool int_req)
{
	union idxd_command_reg c = { .bits = 0 };

	c.cmd = cmd;
	c.operand = operand;
	c.int_req = int_req;
	wr(v, BAR0(IDXD_CMD_OFFSET), 4, c.bits);
	return (uint32_t)rd(v, BAR0(IDXD_CMDSTS_OFFSET), 4);
}

static long set_eventfds(struct vfio_device *v, unsigned int start, unsigned int count,
			 const int *fds)
{
	char buf[sizeof(struct vfio_irq_set) + NVEC * sizeof(int32_t)];
	struct vfio_irq_set *s = (void *)buf;

	s->argsz = sizeof(*s) + count * sizeof(int32_t);
	s->flags = VFIO_IRQ_SET_DATA_EVENTFD | VFIO_IRQ_SET_ACTION_TRIGGER;
	s->index = VFIO_PCI_MSIX_IRQ_INDEX;
	s->start = start;
	s->count = count;
	memcpy(s->data, fds, count * sizeof(int32_t));
	return v->ops->ioctl(v, VFIO_DEVICE_SET_IRQS, s);
}

/* Wait for @efd to be signalled (bounded, so a lost interrupt fails). */
static uint64_t wait_eventfd(int efd)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };
	uint64_t v = 0;

	if (poll(&p, 1, 10000) != 1)
		return 0;
	assert_int_equal(read(efd, &v, sizeof(v)), sizeof(v));
	return v;
}

static bool eventfd_quiet(int efd)
{
	struct pollfd p = { .fd = efd, .events = POLLIN };

	return poll(&p, 1, 0) == 0;
}

/* Wait for the completion record to be written (bounded). */
static uint8_t wait_completion(volatile struct dsa_completion_record *cr)
{
	struct timespec ts = { 0, 100000 };
	unsigned int i;

	/* the device writes the status byte last, with a release store */
	for (i = 0; i < 100000 && !__atomic_load_n(&cr->status, __ATOMIC_ACQUIRE); i++)
		nanosleep(&ts, NULL);
	return __atomic_load_n(&cr->status, __ATOMIC_ACQUIRE);
}

static void memmove_desc(struct dsa_hw_desc *d, uint64_t src, uint64_t dst, uint16_t handle)
{
	memset(d, 0, sizeof(*d));
	d->opcode = DSA_OPCODE_MEMMOVE;
	d->flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | IDXD_OP_FLAG_RCI;
	d->completion_addr = IOVA_BASE + COMP_OFF;
	d->src_addr = src;
	d->dst_addr = dst;
	d->xfer_size = XFER;
	d->int_handle = handle;
}

static void fill_src(uint8_t seed)
{
	unsigned int i;

	for (i = 0; i < XFER; i++)
		mem[SRC_OFF + i] = (uint8_t)(seed + i * 7);
	memset(mem + DST_OFF, 0, XFER);
	memset(mem + COMP_OFF, 0, DSA_COMP_RECORD_SIZE);
}

static struct dsa_completion_record *comp(void)
{
	return (struct dsa_completion_record *)(mem + COMP_OFF);
}

/* Memory and bus master on, device and WQ enabled. */
static void enable_all(struct vfio_device *v)
{
	wr(v, CFG(PCI_COMMAND), 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_DEVICE, 0, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_WQ, 0, false), IDXD_CMDSTS_SUCCESS);
}

/* Session @s of @v opened: the client memory mapped at IOVA_BASE, then enable_all(). */
static void map_and_enable(struct vfio_device *v, struct vfio_session *s)
{
	assert_non_null(s);
	assert_int_equal(vfio_session_dma_map(s, IOVA_BASE, MEM_SIZE, mem,
					      IOMMU_READ | IOMMU_WRITE), 0);
	enable_all(v);
}

static uint16_t request_handle(struct vfio_device *v, unsigned int vector)
{
	uint32_t sts = vcmd(v, IDXD_CMD_REQUEST_INT_HANDLE, vector, false);

	assert_int_equal(sts & IDXD_CMDSTS_ERR_MASK, IDXD_CMDSTS_SUCCESS);
	return (uint16_t)(sts >> IDXD_CMDSTS_RES_SHIFT);
}

/* REGION_INFO of BAR2 into @buf (@size bytes: room for the capabilities). */
static struct vfio_region_info *bar2_region_info(struct vfio_device *v, char *buf, size_t size)
{
	struct vfio_region_info *ri = (void *)buf;

	memset(buf, 0, size);
	ri->argsz = (uint32_t)size;
	ri->index = VFIO_PCI_BAR2_REGION_INDEX;
	assert_int_equal(v->ops->ioctl(v, VFIO_DEVICE_GET_REGION_INFO, ri), 0);
	return ri;
}

/* Software errors of @v reported: vector 0 wired to @efd, GENCTRL.softerr_int_en. */
static void err_irq_on(struct vfio_device *v, int efd)
{
	assert_int_equal(set_eventfds(v, 0, 1, &efd), 0);
	wr(v, BAR0(IDXD_GENCTRL_OFFSET), 4, 1);		/* softerr_int_en */
}

static void assert_no_leak(void)
{
	assert_int_equal(irq_nr_allocated(), irqs_at_start);
	assert_int_equal(iommu_pasid_count(plat.iommu), pasids_at_start);
	assert_int_equal(device_nr_alive(), alive_at_start);
}

/* ---- tests ----------------------------------------------------------------------- */

static void test_type_appears(void **state)
{
	char buf[256];

	expect_attr(TYPE_DIR "/available_instances", "2\n");
	expect_attr(TYPE_DIR "/device_api", "vfio-pci\n");
	expect_attr(TYPE_DIR "/name", "1dwq-v1\n");
	read_attr(TYPE_DIR "/description", buf, sizeof(buf));
	assert_non_null(strstr(buf, "dsa0"));
	assert_int_equal(sysfs_readlink(PF_DIR, buf, sizeof(buf)) > 0, true);
}

static void test_create_remove_accounting(void **state)
{
	assert_int_equal(write_str(TYPE_DIR "/create", UUID_1 "\n"), 37);
	expect_attr(TYPE_DIR "/available_instances", "1\n");
	assert_int_equal(iommu_pasid_count(plat.iommu), pasids_at_start + 1);
	assert_int_equal(write_str(TYPE_DIR "/create", UUID_2), 36);
	expect_attr(TYPE_DIR "/available_instances", "0\n");
	/* both WQs are taken */
	assert_int_equal(write_str(TYPE_DIR "/create", UUID_3), -EUSERS);
	assert_int_equal(write_str(TYPE_DIR "/create", UUID_2), -EEXIST);
	assert_int_equal(write_str(TYPE_DIR "/create", "nope"), -EINVAL);

	assert_int_equal(write_str("/sys/bus/mdev/devices/" UUID_1 "/remove", "1"), 1);
	expect_attr(TYPE_DIR "/available_instances", "1\n");
	assert_int_equal(write_str(TYPE_DIR "/create", UUID_3), 36);
	assert_int_equal(write_str(PF_DIR "/" UUID_2 "/remove", "1\n"), 2);
	assert_int_equal(write_str(PF_DIR "/" UUID_3 "/remove", "1\n"), 2);
	expect_attr(TYPE_DIR "/available_instances", "2\n");
	assert_int_equal(fe_removed, 3);
	assert_no_leak();
}

static void test_virtual_config_and_bar0(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	union gen_cap_reg gencap;
	union wq_cap_reg wqcap;
	union offsets_reg offsets;
	union wqcfg wqcfg;
	char buf[128];
	struct vfio_region_info *ri = (void *)buf;
	struct vfio_region_info_cap_sparse_mmap *cap;
	unsigned int i;

	/* identity */
	assert_int_equal(rd(v, CFG(PCI_VENDOR_ID), 2), DSA_PCI_VENDOR_ID);
	assert_int_equal(rd(v, CFG(PCI_DEVICE_ID), 2), DSA_PCI_DEVICE_ID);
	assert_int_equal(rd(v, CFG(PCI_CLASS_REVISION), 4) >> 8, DSA_PCI_CLASS);
	/* BAR0 and BAR2 are 64-bit and size like one */
	wr(v, CFG(PCI_BASE_ADDRESS_0), 4, 0xffffffff);
	assert_int_equal(rd(v, CFG(PCI_BASE_ADDRESS_0), 4),
			 (uint32_t)~(0x4000 - 1) | PCI_BASE_ADDRESS_MEM_TYPE_64);
	ri = bar2_region_info(v, buf, sizeof(buf));
	assert_int_equal(ri->size, 4 * DSA_PORTAL_SIZE);
	assert_true(ri->flags & VFIO_REGION_INFO_FLAG_MMAP);
	assert_int_equal(ri->cap_offset, sizeof(*ri));
	cap = (void *)(buf + ri->cap_offset);
	assert_int_equal(cap->nr_areas, 1);
	assert_int_equal(cap->areas[0].offset, 0);
	assert_int_equal(cap->areas[0].size, DSA_PORTAL_SIZE);

	wr(v, CFG(PCI_COMMAND), 2, PCI_COMMAND_MEMORY);
	gencap.bits = rd(v, BAR0(IDXD_GENCAP_OFFSET), 8);
	assert_int_equal(gencap.config_en, 0);
	assert_int_equal(gencap.max_ims_mult, 0);
	wqcap.bits = rd(v, BAR0(IDXD_WQCAP_OFFSET), 8);
	assert_int_equal(wqcap.num_wqs, 1);
	assert_int_equal(wqcap.total_wq_size, 16);
	assert_int_equal(wqcap.dedicated_mode, 1);
	assert_int_equal(wqcap.shared_mode, 0);
	assert_int_equal(rd(v, BAR0(IDXD_GRPCAP_OFFSET), 8) & 0xff, 1);
	assert_int_equal(rd(v, BAR0(IDXD_ENGCAP_OFFSET), 8) & 0xff, 1);
	/* MEMMOVE is offered */
	assert_true(rd(v, BAR0(IDXD_OPCAP_OFFSET), 8) & (1ULL << DSA_OPCODE_MEMMOVE));
	offsets.bits[0] = rd(v, BAR0(IDXD_TABLE_OFFSET), 8);
	offsets.bits[1] = rd(v, BAR0(IDXD_TABLE_OFFSET + 8), 8);
	assert_int_equal(offsets.grpcfg * IDXD_TABLE_MULT, 0x400);
	assert_int_equal(offsets.wqcfg * IDXD_TABLE_MULT, 0x500);
	assert_int_equal(offsets.msix_perm * IDXD_TABLE_MULT, 0x600);
	assert_int_equal(offsets.ims, 0);
	/* group 0 = WQ 0 + engine 0 */
	assert_int_equal(rd(v, BAR0(0x400 + GRPCFG_WQS_OFFSET), 8), 1);
	assert_int_equal(rd(v, BAR0(0x400 + GRPCFG_ENGINES_OFFSET), 8), 1);
	/* WQCFG: the host's dedicated WQ, PASID hidden, disabled */
	for (i = 0; i < 8; i++)
		wqcfg.bits[i] = (uint32_t)rd(v, BAR0(0x500 + 4 * i), 4);
	assert_int_equal(wqcfg.wq_size, 16);
	assert_int_equal(wqcfg.mode, 1);
	assert_int_equal(wqcfg.pasid_en, 0);
	assert_int_equal(wqcfg.pasid, 0);
	assert_int_equal(wqcfg.wq_state, IDXD_WQCFG_STATE_DISABLED);
	/* read-only: the client cannot resize or retarget it */
	wr(v, BAR0(0x500), 4, 0xffff);
	wr(v, BAR0(0x508), 4, 0xffffffff);
	assert_int_equal(rd(v, BAR0(0x500), 4), 16);
	assert_int_equal((uint32_t)rd(v, BAR0(0x508), 4), wqcfg.bits[2]);
	/* GENCTRL and the permission table are writable, GENSTS is not */
	wr(v, BAR0(IDXD_GENCTRL_OFFSET), 4, 0xffffffff);
	assert_int_equal(rd(v, BAR0(IDXD_GENCTRL_OFFSET), 4), 3);
	wr(v, BAR0(IDXD_GENSTATS_OFFSET), 4, 1);
	assert_int_equal(rd(v, BAR0(IDXD_GENSTATS_OFFSET), 4), IDXD_DEVICE_STATE_DISABLED);
	wr(v, BAR0(0x600 + 8), 4, 0x12345008);
	assert_int_equal(rd(v, BAR0(0x600 + 8), 4), 0x12345008);
	/* bad access sizes */
	assert_int_equal(v->ops->read(v, buf, 3, &(uint64_t){ BAR0(0) }), -EINVAL);
	assert_int_equal(v->ops->read(v, buf, 4, &(uint64_t){ BAR0(2) }), -EINVAL);
	/* the MSI-X capability: 9 vectors, table in BAR0 at 0x2000 */
	assert_int_equal(rd(v, BAR0(0x2000 + 12), 4), PCI_MSIX_ENTRY_CTRL_MASKBIT);
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

static void test_command_errors(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);

	assert_non_null(s);
	wr(v, CFG(PCI_COMMAND), 2, PCI_COMMAND_MEMORY);
	/* ENABLE_WQ before ENABLE_DEVICE */
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_WQ, 0, false), IDXD_CMDSTS_ERR_DEV_NOTEN);
	assert_int_equal(vcmd(v, IDXD_CMD_DISABLE_WQ, 1, false), IDXD_CMDSTS_ERR_DEV_NOT_EN);
	assert_int_equal(vcmd(v, IDXD_CMD_DISABLE_DEVICE, 0, false), IDXD_CMDSTS_ERR_DIS_DEV_EN);
	/* ENABLE_DEVICE needs bus mastering */
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_DEVICE, 0, false),
			 IDXD_CMDSTS_ERR_BUSMASTER_EN);
	wr(v, CFG(PCI_COMMAND), 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_DEVICE, 0, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(rd(v, BAR0(IDXD_GENSTATS_OFFSET), 4), IDXD_DEVICE_STATE_ENABLED);
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_DEVICE, 0, false), IDXD_CMDSTS_ERR_DEV_ENABLED);
	/* bad WQ indexes */
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_WQ, 1, false), IDXD_CMDSTS_INVAL_WQIDX);
	assert_int_equal(vcmd(v, IDXD_CMD_DISABLE_WQ, 2, false), IDXD_CMDSTS_INVAL_WQIDX);
	assert_int_equal(vcmd(v, IDXD_CMD_DRAIN_WQ, 0, false), IDXD_CMDSTS_INVAL_WQIDX);
	assert_int_equal(vcmd(v, IDXD_CMD_RESET_WQ, 1 | 1 << 16, false), IDXD_CMDSTS_INVAL_WQIDX);
	/* bad interrupt indexes: the emulated vector 0, past the table, IMS */
	assert_int_equal(vcmd(v, IDXD_CMD_REQUEST_INT_HANDLE, 0, false),
			 IDXD_CMDSTS_ERR_INVAL_INT_IDX);
	assert_int_equal(vcmd(v, IDXD_CMD_REQUEST_INT_HANDLE, NVEC, false),
			 IDXD_CMDSTS_ERR_INVAL_INT_IDX);
	assert_int_equal(vcmd(v, IDXD_CMD_REQUEST_INT_HANDLE, 1 | CMD_INT_HANDLE_IMS, false),
			 IDXD_CMDSTS_ERR_INVAL_INT_IDX);
	assert_int_equal(vcmd(v, IDXD_CMD_RELEASE_INT_HANDLE, 0x7777, false),
			 IDXD_CMDSTS_ERR_INVAL_INT_IDX);
	/* unknown command */
	assert_int_equal(vcmd(v, 0, 0, false), IDXD_CMDSTS_INVAL_CMD);
	assert_int_equal(vcmd(v, 20, 0, false), IDXD_CMDSTS_INVAL_CMD);

	/* the WQ: enable, twice, disable, then disable again is harmless */
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_WQ, 0, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(rd(v, BAR0(0x500 + 24), 4) >> 30, IDXD_WQCFG_STATE_ENABLED);
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_WQ, 0, false), IDXD_CMDSTS_ERR_WQ_ENABLED);
	assert_int_equal(vcmd(v, IDXD_CMD_DRAIN_WQ, 1, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(vcmd(v, IDXD_CMD_ABORT_WQ, 1, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(vcmd(v, IDXD_CMD_DRAIN_ALL, 0, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(vcmd(v, IDXD_CMD_DRAIN_PASID, 5, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(vcmd(v, IDXD_CMD_DISABLE_WQ, 1, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(rd(v, BAR0(0x500 + 24), 4) >> 30, IDXD_WQCFG_STATE_DISABLED);
	assert_int_equal(vcmd(v, IDXD_CMD_DISABLE_WQ, 1, false), IDXD_CMDSTS_SUCCESS);
	/* RESET_WQ keeps the host's configuration: it can be enabled again */
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_WQ, 0, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(vcmd(v, IDXD_CMD_RESET_WQ, 1, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(rd(v, BAR0(0x500), 4), 16);
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_WQ, 0, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(vcmd(v, IDXD_CMD_DISABLE_DEVICE, 0, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(rd(v, BAR0(IDXD_GENSTATS_OFFSET), 4), IDXD_DEVICE_STATE_DISABLED);
	assert_int_equal(rd(v, BAR0(0x500 + 24), 4) >> 30, IDXD_WQCFG_STATE_DISABLED);

	close_s();
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

static void test_command_interrupt(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	assert_non_null(s);
	assert_int_equal(set_eventfds(v, 0, 1, &efd), 0);
	wr(v, CFG(PCI_COMMAND), 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	/* without int_req: no interrupt */
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_DEVICE, 0, false), IDXD_CMDSTS_SUCCESS);
	assert_true(eventfd_quiet(efd));
	assert_int_equal(rd(v, BAR0(IDXD_INTCAUSE_OFFSET), 4), 0);
	/* with int_req, even when the command fails: INTCAUSE.CMD and vector 0 */
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_WQ, 3, true), IDXD_CMDSTS_INVAL_WQIDX);
	assert_int_equal(wait_eventfd(efd), 1);
	assert_int_equal(rd(v, BAR0(IDXD_INTCAUSE_OFFSET), 4), IDXD_INTC_CMD);
	/* write 1 to clear */
	wr(v, BAR0(IDXD_INTCAUSE_OFFSET), 4, 0);
	assert_int_equal(rd(v, BAR0(IDXD_INTCAUSE_OFFSET), 4), IDXD_INTC_CMD);
	wr(v, BAR0(IDXD_INTCAUSE_OFFSET), 4, IDXD_INTC_CMD);
	assert_int_equal(rd(v, BAR0(IDXD_INTCAUSE_OFFSET), 4), 0);
	close_s();
	close(efd);
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

static void test_memmove_trapped_and_mmap(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	int efd[2] = { eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC),
		       eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) };
	struct dsa_hw_desc d;
	uint16_t handle;
	uint64_t fd_off = 0;
	uint8_t *portal;
	int fd = -1;

	map_and_enable(v, s);
	assert_int_equal(set_eventfds(v, 0, 2, efd), 0);
	handle = request_handle(v, 1);
	/* one handle per vector */
	assert_int_equal(vcmd(v, IDXD_CMD_REQUEST_INT_HANDLE, 1, false),
			 IDXD_CMDSTS_ERR_NO_HANDLE);
	assert_int_equal(irq_nr_allocated(), irqs_at_start + 1);

	/* trapped: a 64-byte write anywhere 64-byte aligned in BAR2 */
	fill_src(1);
	memmove_desc(&d, IOVA_BASE + SRC_OFF, IOVA_BASE + DST_OFF, handle);
	assert_int_equal(v->ops->write(v, (const char *)&d, 32, &(uint64_t){ BAR2(0x40) }),
			 -EINVAL);
	assert_int_equal(v->ops->write(v, (const char *)&d, 64, &(uint64_t){ BAR2(0x20) }),
			 -EINVAL);
	assert_int_equal(v->ops->write(v, (const char *)&d, 64, &(uint64_t){ BAR2(0x3040) }),
			 64);
	assert_int_equal(wait_completion(comp()), DSA_COMP_SUCCESS);
	assert_int_equal(comp()->bytes_completed, 0);
	assert_memory_equal(mem + DST_OFF, mem + SRC_OFF, XFER);
	/* the interrupt came through the IMS entry to vector 1's eventfd */
	assert_int_equal(wait_eventfd(efd[1]), 1);
	assert_true(eventfd_quiet(efd[0]));
	/* portal reads are all-ones */
	assert_int_equal(rd(v, BAR2(0), 8), ~0ULL);

	/* mmap'ed: page 0 is the PF's IMS portal of our WQ */
	assert_int_equal(v->ops->region_mmap(v, VFIO_PCI_BAR2_REGION_INDEX, &fd, &fd_off), 0);
	/* the fd is that page's own file: the client reaches no other portal */
	{
		struct stat st;

		assert_int_equal(fd_off, 0);
		assert_int_equal(fstat(fd, &st), 0);
		assert_int_equal(st.st_size, DSA_PORTAL_SIZE);
	}
	portal = mmap(NULL, DSA_PORTAL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)fd_off);
	assert_true(portal != MAP_FAILED);
	fill_src(2);
	memmove_desc(&d, IOVA_BASE + SRC_OFF, IOVA_BASE + DST_OFF, handle);
	/* slot 0: the body first, then the first qword with release */
	memcpy(portal + 8, (uint8_t *)&d + 8, DSA_DESC_SIZE - 8);
	atomic_store_explicit((_Atomic uint64_t *)(void *)portal, *(uint64_t *)(void *)&d,
			      memory_order_release);
	assert_int_equal(wait_completion(comp()), DSA_COMP_SUCCESS);
	assert_memory_equal(mem + DST_OFF, mem + SRC_OFF, XFER);
	assert_int_equal(wait_eventfd(efd[1]), 1);
	munmap(portal, DSA_PORTAL_SIZE);

	/* masking vector 1 holds the interrupt back until unmask */
	{
		char buf[sizeof(struct vfio_irq_set)];
		struct vfio_irq_set *m = (void *)buf;

		m->argsz = sizeof(*m);
		m->flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_MASK;
		m->index = VFIO_PCI_MSIX_IRQ_INDEX;
		m->start = 1;
		m->count = 1;
		assert_int_equal(v->ops->ioctl(v, VFIO_DEVICE_SET_IRQS, m), 0);
		fill_src(3);
		memmove_desc(&d, IOVA_BASE + SRC_OFF, IOVA_BASE + DST_OFF, handle);
		assert_int_equal(v->ops->write(v, (const char *)&d, 64,
					       &(uint64_t){ BAR2(0) }), 64);
		assert_int_equal(wait_completion(comp()), DSA_COMP_SUCCESS);
		assert_true(eventfd_quiet(efd[1]));
		m->flags = VFIO_IRQ_SET_DATA_NONE | VFIO_IRQ_SET_ACTION_UNMASK;
		assert_int_equal(v->ops->ioctl(v, VFIO_DEVICE_SET_IRQS, m), 0);
		assert_int_equal(wait_eventfd(efd[1]), 1);
	}

	/* release the handle; a second release is refused */
	assert_int_equal(vcmd(v, IDXD_CMD_RELEASE_INT_HANDLE, handle, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(vcmd(v, IDXD_CMD_RELEASE_INT_HANDLE, handle, false),
			 IDXD_CMDSTS_ERR_INVAL_INT_IDX);

	close_s();
	close(efd[0]);
	close(efd[1]);
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

static void test_handle_isolation(void **state)
{
	struct vfio_device *a = create_mdev(UUID_1);
	struct vfio_device *b = create_mdev(UUID_2);
	struct vfio_session *sa = vfio_session_open(a);
	struct vfio_session *sb = open_s(b);
	struct dsa_hw_desc d;
	uint16_t handle_a;

	assert_non_null(sa);
	assert_non_null(sb);
	enable_all(a);
	handle_a = request_handle(a, 1);
	/* b is a second client with its own memory map and WQ */
	assert_int_equal(vfio_session_dma_map(sb, IOVA_BASE, MEM_SIZE, mem,
					      IOMMU_READ | IOMMU_WRITE), 0);
	enable_all(b);
	fill_src(6);
	memmove_desc(&d, IOVA_BASE + SRC_OFF, IOVA_BASE + DST_OFF, handle_a);
	assert_int_equal(b->ops->write(b, (const char *)&d, 64, &(uint64_t){ BAR2(0) }), 64);
	/* a's IMS entry carries a's PASID: b cannot raise it */
	assert_int_equal(wait_completion(comp()), DSA_COMP_INT_HANDLE_INVAL);
	vfio_session_close(sa);
	close_s();
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_int_equal(write_str(PF_DIR "/" UUID_2 "/remove", "1"), 1);
	assert_no_leak();
}

static void test_page_fault(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	const uint64_t bad = 0xdead0000ULL;
	struct dsa_hw_desc d;

	map_and_enable(v, s);
	fill_src(4);
	memmove_desc(&d, bad, IOVA_BASE + DST_OFF, 0);
	d.flags &= ~IDXD_OP_FLAG_RCI;
	assert_int_equal(v->ops->write(v, (const char *)&d, 64, &(uint64_t){ BAR2(0) }), 64);
	assert_int_equal(wait_completion(comp()) & DSA_COMP_STATUS_MASK,
			 DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(comp()->fault_addr, bad);
	close_s();
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

static void test_dma_is_per_session(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	struct dsa_hw_desc d;

	assert_non_null(s);
	/* a second session on the same device is refused */
	assert_null(vfio_session_open(v));
	assert_int_equal(errno, EBUSY);
	assert_int_equal(vfio_session_dma_map(s, IOVA_BASE, MEM_SIZE, mem,
					      IOMMU_READ | IOMMU_WRITE), 0);
	enable_all(v);
	close_s();

	/*
	 * Neither the device state nor the DMA space survives the client: the
	 * next one finds the device reset, as after an FLR, and enables it.
	 */
	s = open_s(v);
	assert_non_null(s);
	assert_int_equal(rd(v, CFG(PCI_COMMAND), 2), 0);
	wr(v, CFG(PCI_COMMAND), 2, PCI_COMMAND_MEMORY);
	assert_int_equal(rd(v, BAR0(IDXD_GENSTATS_OFFSET), 4), IDXD_DEVICE_STATE_DISABLED);
	assert_int_equal(rd(v, BAR0(0x500 + 24), 4) >> 30, IDXD_WQCFG_STATE_DISABLED);
	enable_all(v);
	fill_src(5);
	memmove_desc(&d, IOVA_BASE + SRC_OFF, IOVA_BASE + DST_OFF, 0);
	d.flags &= ~IDXD_OP_FLAG_RCI;
	d.completion_addr = IOVA_BASE + COMP_OFF;
	assert_int_equal(v->ops->write(v, (const char *)&d, 64, &(uint64_t){ BAR2(0) }), 64);
	/* nothing mapped in the new session: the record cannot even be written */
	assert_int_equal(vcmd(v, IDXD_CMD_DRAIN_WQ, 1, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(comp()->status, 0);
	close_s();
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

/*
 * The client's mapping of its BAR2 page: region_mmap's fd (a copy, as the
 * transport sends one), mapped; *@st its file. Undone by munmap + close.
 */
static uint8_t *client_portal(struct vfio_device *v, int *fd, struct stat *st)
{
	uint64_t fd_off = 1;
	uint8_t *p;
	int mfd;

	assert_int_equal(v->ops->region_mmap(v, VFIO_PCI_BAR2_REGION_INDEX, &mfd, &fd_off), 0);
	assert_int_equal(fd_off, 0);
	*fd = fcntl(mfd, F_DUPFD_CLOEXEC, 0);
	assert_true(*fd >= 0);
	assert_int_equal(fstat(*fd, st), 0);
	p = mmap(NULL, DSA_PORTAL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	assert_true(p != MAP_FAILED);
	return p;
}

/* Slot 0 of the mapped @portal: the body first, then the first qword with release. */
static void portal_write(uint8_t *portal, const struct dsa_hw_desc *d)
{
	uint64_t first;

	memcpy(&first, d, sizeof(first));
	memcpy(portal + 8, (const uint8_t *)d + 8, DSA_DESC_SIZE - 8);
	atomic_store_explicit((_Atomic uint64_t *)(void *)portal, first, memory_order_release);
}

static bool same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

#define STALE_DST	0xa000
#define STALE_COMP	(COMP_OFF + 0x40)

/*
 * A MEMMOVE of SRC_OFF to STALE_DST with its record at STALE_COMP, written
 * to slot 0 of @old (a departed client's mapping): for 100 ms it does not
 * run (record 0, destination zero) and the slot stays full.
 */
static void assert_stale_dead(uint8_t *old)
{
	struct dsa_completion_record *cr = (void *)(mem + STALE_COMP);
	struct dsa_hw_desc d;
	unsigned int i;

	memset(mem + STALE_DST, 0, XFER);
	memset(cr, 0, sizeof(*cr));
	memmove_desc(&d, IOVA_BASE + SRC_OFF, IOVA_BASE + STALE_DST, 0);
	d.flags &= ~IDXD_OP_FLAG_RCI;
	d.completion_addr = IOVA_BASE + STALE_COMP;
	portal_write(old, &d);
	for (i = 0; i < 100; i++) {
		assert_int_equal(__atomic_load_n(&cr->status, __ATOMIC_ACQUIRE), 0);
		usleep(1000);
	}
	for (i = 0; i < XFER; i++)
		assert_int_equal(mem[STALE_DST + i], 0);
	assert_int_not_equal(atomic_load((_Atomic uint64_t *)(void *)old), 0);
}

/* A MEMMOVE with no interrupt through slot 0 of @portal runs. */
static void assert_portal_runs(uint8_t *portal, uint8_t seed)
{
	struct dsa_hw_desc d;

	fill_src(seed);
	memmove_desc(&d, IOVA_BASE + SRC_OFF, IOVA_BASE + DST_OFF, 0);
	d.flags &= ~IDXD_OP_FLAG_RCI;
	portal_write(portal, &d);
	assert_int_equal(wait_completion(comp()), DSA_COMP_SUCCESS);
	assert_memory_equal(mem + DST_OFF, mem + SRC_OFF, XFER);
}

/*
 * The portal page a client was handed stays its own across resets (the
 * virtual RESET_DEVICE and VFIO_DEVICE_RESET: a VMM maps regions once),
 * and is taken back when its session closes: the next client of the mdev
 * is handed a new file, and what is written through the old mapping never
 * runs under the WQ's PASID, now the new client's. The same when the mdev
 * is removed under an open session and its WQ goes to a new mdev.
 */
static void test_portal_revoked_at_close(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	struct stat st1, st2, st;
	int fd1, fd2, fd;
	uint8_t *p1, *p2, *p;
	char wq1[64], wq2[64];

	map_and_enable(v, s);
	p1 = client_portal(v, &fd1, &st1);
	assert_portal_runs(p1, 1);
	assert_int_equal(vcmd(v, IDXD_CMD_RESET_DEVICE, 0, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(v->ops->ioctl(v, VFIO_DEVICE_RESET, NULL), 0);
	enable_all(v);
	p = client_portal(v, &fd, &st);
	assert_true(same_file(&st, &st1));
	munmap(p, DSA_PORTAL_SIZE);
	close(fd);
	/* ENABLE_WQ started the page's slots again */
	assert_portal_runs(p1, 2);
	close_s();

	/*
	 * The next client of the mdev finds the device reset (as after an
	 * FLR); it maps its memory, enables the device, maps its page - a new
	 * file - and starts at its slot 0.
	 */
	s = open_s(v);
	assert_non_null(s);
	assert_int_equal(rd(v, CFG(PCI_COMMAND), 2), 0);
	map_and_enable(v, s);
	p2 = client_portal(v, &fd2, &st2);
	assert_false(same_file(&st2, &st1));
	assert_portal_runs(p2, 3);
	assert_stale_dead(p1);
	assert_portal_runs(p2 + DSA_DESC_SIZE, 4);

	/* the mdev removed under the open session, its WQ given to another */
	read_attr("/sys/bus/mdev/devices/" UUID_1 "/wq", wq1, sizeof(wq1));
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	close_s();
	v = create_mdev(UUID_2);
	read_attr("/sys/bus/mdev/devices/" UUID_2 "/wq", wq2, sizeof(wq2));
	assert_string_equal(wq2, wq1);
	s = open_s(v);
	map_and_enable(v, s);
	p = client_portal(v, &fd, &st);
	assert_false(same_file(&st, &st2));
	assert_false(same_file(&st, &st1));
	assert_portal_runs(p, 5);
	assert_stale_dead(p2 + 2 * DSA_DESC_SIZE);
	close_s();
	munmap(p, DSA_PORTAL_SIZE);
	munmap(p1, DSA_PORTAL_SIZE);
	munmap(p2, DSA_PORTAL_SIZE);
	close(fd);
	close(fd1);
	close(fd2);
	assert_int_equal(write_str(PF_DIR "/" UUID_2 "/remove", "1"), 1);
	assert_no_leak();
}

static void test_device_reset(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int fds[2] = { efd, efd };

	assert_non_null(s);
	enable_all(v);
	assert_int_equal(set_eventfds(v, 0, 2, fds), 0);
	request_handle(v, 1);
	request_handle(v, 2);
	assert_int_equal(irq_nr_allocated(), irqs_at_start + 2);

	/* RESET_DEVICE: handles released, registers reset, IMS entries kept */
	assert_int_equal(vcmd(v, IDXD_CMD_RESET_DEVICE, 0, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(rd(v, BAR0(IDXD_GENSTATS_OFFSET), 4), IDXD_DEVICE_STATE_DISABLED);
	assert_int_equal(rd(v, BAR0(0x500 + 24), 4) >> 30, IDXD_WQCFG_STATE_DISABLED);
	assert_int_equal(irq_nr_allocated(), irqs_at_start + 2);
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_DEVICE, 0, false), IDXD_CMDSTS_SUCCESS);
	request_handle(v, 1);

	/* VFIO_DEVICE_RESET: the function too, and every IMS entry goes */
	assert_int_equal(v->ops->ioctl(v, VFIO_DEVICE_RESET, NULL), 0);
	assert_int_equal(irq_nr_allocated(), irqs_at_start);
	assert_int_equal(rd(v, CFG(PCI_COMMAND), 2), 0);
	wr(v, CFG(PCI_COMMAND), 2, PCI_COMMAND_MEMORY);
	assert_int_equal(rd(v, BAR0(IDXD_GENSTATS_OFFSET), 4), IDXD_DEVICE_STATE_DISABLED);
	assert_int_equal(rd(v, BAR0(IDXD_CMDSTS_OFFSET), 4), 0);
	/* and it works again from scratch */
	enable_all(v);
	request_handle(v, 1);
	close_s();
	close(efd);
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

/* Run the event loop (where the PF's own interrupt handler runs) until @efd fires. */
static uint64_t loop_until(int efd)
{
	unsigned int i;

	for (i = 0; i < 1000; i++) {
		if (!eventfd_quiet(efd))
			return wait_eventfd(efd);
		evloop_run_once(loop, 10);
	}
	return 0;
}

static void test_software_error(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	const uint64_t bad = 0xbad00000ULL;
	union sw_err_reg sw;
	struct dsa_hw_desc d;
	unsigned int i;

	assert_non_null(s);
	enable_all(v);
	err_irq_on(v, efd);
	/* no completion record: the fault can only be reported in SWERR */
	memmove_desc(&d, bad, IOVA_BASE + DST_OFF, 0);
	d.flags = 0;
	d.completion_addr = 0;
	assert_int_equal(v->ops->write(v, (const char *)&d, 64, &(uint64_t){ BAR2(0) }), 64);
	assert_int_equal(loop_until(efd), 1);
	assert_true(rd(v, BAR0(IDXD_INTCAUSE_OFFSET), 4) & IDXD_INTC_ERR);
	for (i = 0; i < 4; i++)
		sw.bits[i] = rd(v, BAR0(IDXD_SWERR_OFFSET + 8 * i), 8);
	assert_int_equal(sw.valid, 1);
	assert_int_equal(sw.error & DSA_COMP_STATUS_MASK, DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(sw.wq_idx_valid, 1);
	assert_int_equal(sw.wq_idx, 0);		/* the client's WQ index */
	assert_int_equal(sw.pasid, 0);		/* the host's PASID stays hidden */
	assert_int_equal(sw.operation, DSA_OPCODE_MEMMOVE);
	assert_int_equal(sw.fault_addr, bad);
	/* a second error before the client acknowledged: overflow */
	assert_int_equal(v->ops->write(v, (const char *)&d, 64, &(uint64_t){ BAR2(0) }), 64);
	assert_int_equal(loop_until(efd), 1);
	sw.bits[0] = rd(v, BAR0(IDXD_SWERR_OFFSET), 8);
	assert_int_equal(sw.overflow, 1);
	/* the acknowledgement clears valid and overflow */
	wr(v, BAR0(IDXD_SWERR_OFFSET), 4, IDXD_SWERR_ACK);
	sw.bits[0] = rd(v, BAR0(IDXD_SWERR_OFFSET), 8);
	assert_int_equal(sw.valid, 0);
	assert_int_equal(sw.overflow, 0);
	close_s();
	close(efd);
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

static void test_owned_wq_kept_until_pf_removal(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	char buf[64];

	assert_non_null(s);
	enable_all(v);
	assert_int_equal(set_eventfds(v, 0, 1, &efd), 0);
	wr(v, BAR0(IDXD_GENCTRL_OFFSET), 4, 2);		/* halt_int_en */
	/* the administrator may not disable the owned WQ, nor the PF (-EBUSY) */
	assert_int_equal(write_str("/sys/bus/dsa/drivers/mdev/unbind", "wq0.0"), -EBUSY);
	assert_int_equal(write_str("/sys/bus/dsa/drivers/idxd/unbind", "dsa0"), -EBUSY);
	read_attr("/sys/bus/dsa/devices/wq0.0/state", buf, sizeof(buf));
	assert_string_equal(buf, "enabled\n");
	assert_int_equal(rd(v, BAR0(IDXD_GENSTATS_OFFSET), 4) & 3, IDXD_DEVICE_STATE_ENABLED);
	assert_true(eventfd_quiet(efd));
	assert_int_equal(vcmd(v, IDXD_CMD_DRAIN_WQ, idxd_wq_mask_operand(0), false),
			 IDXD_CMDSTS_SUCCESS);
	/*
	 * Removing the PF cannot be refused (a PCI unbind): the mdev on wq0.0
	 * hears of the loss first (virtual halt), then both are removed.
	 */
	assert_int_equal(write_str("/sys/bus/pci/drivers/idxd/unbind", "0000:00:0a.0"), 12);
	assert_int_equal(loop_until(efd), 1);
	/*
	 * The session ended with the mdev, whose close reset the device as
	 * every close does: into the halt state, its WQ being lost. The
	 * vfio device is a shell.
	 */
	assert_int_equal(fe_removed, 1);
	assert_null(vfio_session_domain(s));
	wr(v, CFG(PCI_COMMAND), 2, PCI_COMMAND_MEMORY);
	assert_int_equal(rd(v, BAR0(IDXD_GENSTATS_OFFSET), 4) & 3, IDXD_DEVICE_STATE_HALT);
	assert_int_equal(rd(v, BAR0(0x500 + 24), 4) >> 30, IDXD_WQCFG_STATE_DISABLED);
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_WQ, 0, false), IDXD_CMDSTS_HW_ERR);
	close_s();
	close(efd);
	/* the PF comes back; with its profile applied again nothing is missing */
	assert_int_equal(write_str("/sys/bus/pci/drivers/idxd/bind", "0000:00:0a.0"), 12);
	assert_int_equal(idxd_config_load(idxd_default_config, strlen(idxd_default_config), true,
					  NULL, 0), 0);
	expect_attr(TYPE_DIR "/available_instances", "2\n");
	assert_no_leak();
}

/* ---- interrupts: on-demand IMS, remapping, revocation, scale, gating ---- */

static unsigned int mdev_ims_count(const char *uuid)
{
	struct mdev_device *mdev;
	unsigned int n;
	uuid_t u;

	assert_int_equal(uuid_parse(uuid, u), 0);
	mdev = mdev_find_device(u);
	assert_non_null(mdev);
	n = msi_domain_nr_irqs(&mdev->dev, MSI_SECONDARY_DOMAIN);
	put_device(&mdev->dev);
	return n;
}

/*
 * Seed 001's on-demand expansion: an mdev starts with no IMS entry; each
 * vector gets one when the client wires it or asks a handle for it.
 */
static void test_ims_on_demand(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int fds[NVEC] = { efd, efd, efd, efd, efd, efd, efd, efd, efd };

	assert_non_null(s);
	assert_int_equal(mdev_ims_count(UUID_1), 0);
	enable_all(v);
	assert_int_equal(set_eventfds(v, 0, 2, fds), 0);	/* vector 0 is emulated */
	assert_int_equal(mdev_ims_count(UUID_1), 1);
	assert_int_equal(irq_nr_allocated(), irqs_at_start + 1);
	/* the client enables more vectors later */
	assert_int_equal(set_eventfds(v, 2, 4, fds), 0);
	assert_int_equal(mdev_ims_count(UUID_1), 5);
	/* a handle for a vector not wired yet takes its entry too */
	request_handle(v, 7);
	assert_int_equal(mdev_ims_count(UUID_1), 6);
	assert_int_equal(irq_nr_allocated(), irqs_at_start + 6);
	/* unwiring keeps the entries (the client may wire them again) */
	assert_int_equal(set_eventfds(v, 2, 1, (int[]){ -1 }), 0);
	assert_int_equal(mdev_ims_count(UUID_1), 6);
	/* a device reset gives them all back */
	assert_int_equal(v->ops->ioctl(v, VFIO_DEVICE_RESET, NULL), 0);
	assert_int_equal(mdev_ims_count(UUID_1), 0);
	close_s();
	close(efd);
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

/* The PF's IMS table, read through the PF's own BAR0. */
static void read_ims_table(uint32_t *buf, size_t words)
{
	struct pci_iomem *io = pci_iomap(plat.dsa_pdev[0], DSA_MMIO_BAR, 0);
	union offsets_reg o;
	size_t i;

	assert_non_null(io);
	o.bits[0] = ioread64(io, IDXD_TABLE_OFFSET);
	o.bits[1] = ioread64(io, IDXD_TABLE_OFFSET + 8);
	for (i = 0; i < words; i++)
		buf[i] = ioread32(io, (uint64_t)o.ims * IDXD_TABLE_MULT + i * 4);
	pci_iounmap(io);
}

/* Run a MEMMOVE with interrupt @handle through the trapped portal. */
static uint8_t memmove_irq(struct vfio_device *v, uint16_t handle, uint8_t seed)
{
	struct dsa_hw_desc d;

	fill_src(seed);
	memmove_desc(&d, IOVA_BASE + SRC_OFF, IOVA_BASE + DST_OFF, handle);
	assert_int_equal(v->ops->write(v, (const char *)&d, 64, &(uint64_t){ BAR2(0) }), 64);
	return wait_completion(comp());
}

/*
 * Interrupt remapping: the IMS entry names an IRTE; the client's new
 * eventfd changes the IRTE only. The device's table stays byte for byte.
 */
static void test_retarget_without_device(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	int a = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC), b = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	uint32_t before[4 * 4], after[4 * 4];
	struct irq_remap_stats st0, st1;
	uint16_t handle;

	map_and_enable(v, s);
	assert_int_equal(set_eventfds(v, 0, 2, (int[]){ a, a }), 0);
	handle = request_handle(v, 1);
	assert_int_equal(memmove_irq(v, handle, 1), DSA_COMP_SUCCESS);
	assert_int_equal(wait_eventfd(a), 1);
	read_ims_table(before, ARRAY_SIZE(before));
	/* the remappable message: 0xFEE..., format bit, an IRTE handle */
	assert_int_equal(before[0] & 0xfff00000, 0xfee00000);
	assert_true(before[0] & MSI_ADDR_IR_FORMAT);

	assert_int_equal(set_eventfds(v, 1, 1, (int[]){ b }), 0);
	read_ims_table(after, ARRAY_SIZE(after));
	assert_memory_equal(before, after, sizeof(before));
	irq_remap_get_stats(plat.ir, &st0);
	assert_int_equal(memmove_irq(v, handle, 2), DSA_COMP_SUCCESS);
	assert_int_equal(wait_eventfd(b), 1);
	assert_true(eventfd_quiet(a));
	irq_remap_get_stats(plat.ir, &st1);
	assert_int_equal(st1.delivered, st0.delivered + 1);
	close_s();
	close(a);
	close(b);
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

/*
 * A host-side reset of the PF (the PCI "reset" attribute) revokes every
 * interrupt handle (DSA 1.1): the client sees INTCAUSE.int_handle_revoked
 * on vector 0, its old handle is refused, it asks again and goes on. The
 * PF driver restored the configuration, the IMS entries and the WQ.
 */
static void test_handle_revocation(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	int efd[2] = { eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC),
		       eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) };
	uint16_t handle;
	char buf[64];

	map_and_enable(v, s);
	assert_int_equal(set_eventfds(v, 0, 2, efd), 0);
	handle = request_handle(v, 1);
	assert_int_equal(memmove_irq(v, handle, 1), DSA_COMP_SUCCESS);
	assert_int_equal(wait_eventfd(efd[1]), 1);

	assert_int_equal(write_str("/sys/bus/pci/devices/0000:00:0a.0/reset", "1"), 1);
	assert_int_equal(wait_eventfd(efd[0]), 1);
	assert_true(rd(v, BAR0(IDXD_INTCAUSE_OFFSET), 4) & IDXD_INTC_INT_HANDLE_REVOKED);
	/* the host put its side back */
	read_attr("/sys/bus/dsa/devices/dsa0/state", buf, sizeof(buf));
	assert_string_equal(buf, "enabled\n");
	read_attr("/sys/bus/dsa/devices/wq0.2/state", buf, sizeof(buf));
	assert_string_equal(buf, "enabled\n");
	assert_int_equal(rd(v, BAR0(IDXD_GENSTATS_OFFSET), 4) & 3, IDXD_DEVICE_STATE_ENABLED);
	/* the old handle is refused by the device; the data still moves */
	assert_int_equal(memmove_irq(v, handle, 2), DSA_COMP_INT_HANDLE_INVAL);
	assert_true(eventfd_quiet(efd[1]));
	/* acknowledge, ask again, carry on */
	wr(v, BAR0(IDXD_INTCAUSE_OFFSET), 4, IDXD_INTC_INT_HANDLE_REVOKED);
	assert_false(rd(v, BAR0(IDXD_INTCAUSE_OFFSET), 4) & IDXD_INTC_INT_HANDLE_REVOKED);
	handle = request_handle(v, 1);
	assert_int_equal(memmove_irq(v, handle, 3), DSA_COMP_SUCCESS);
	assert_memory_equal(mem + DST_OFF, mem + SRC_OFF, XFER);
	assert_int_equal(wait_eventfd(efd[1]), 1);
	close_s();
	close(efd[0]);
	close(efd[1]);
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

/* dsa0 with five dedicated mdev WQs of 16 entries; 4096 IMS entries. */
static const char scale_profile[] =
	"[{\"dev\":\"dsa0\",\"groups\":[{\"dev\":\"group0.0\",\"grouped_workqueues\":["
	"{\"dev\":\"wq0.0\",\"mode\":\"dedicated\",\"size\":16,\"type\":\"mdev\",\"name\":\"m0\"},"
	"{\"dev\":\"wq0.1\",\"mode\":\"dedicated\",\"size\":16,\"type\":\"mdev\",\"name\":\"m1\"},"
	"{\"dev\":\"wq0.2\",\"mode\":\"dedicated\",\"size\":16,\"type\":\"mdev\",\"name\":\"m2\"},"
	"{\"dev\":\"wq0.3\",\"mode\":\"dedicated\",\"size\":16,\"type\":\"mdev\",\"name\":\"m3\"},"
	"{\"dev\":\"wq0.4\",\"mode\":\"dedicated\",\"size\":16,\"type\":\"mdev\",\"name\":\"m4\"}],"
	"\"grouped_engines\":[{\"dev\":\"engine0.0\"},{\"dev\":\"engine0.1\"}]}]}]";

static int setup_scale(void **state)
{
	return setup_ims(4096, scale_profile);
}

/*
 * More vectors across mdevs than one function's MSI-X can have (2048):
 * five mdevs of 512 vectors take 5 * 511 = 2555 IMS entries of the PF
 * (GENCAP: 4096), each with its own handle, and the last one interrupts.
 */
static void test_ims_beyond_msix(void **state)
{
	static const char *const uuids[] = {
		"83b8f4f2-509f-382f-3c1e-e6bfe0fa2000", "83b8f4f2-509f-382f-3c1e-e6bfe0fa2001",
		"83b8f4f2-509f-382f-3c1e-e6bfe0fa2002", "83b8f4f2-509f-382f-3c1e-e6bfe0fa2003",
		"83b8f4f2-509f-382f-3c1e-e6bfe0fa2004",
	};
	struct vfio_device *v[5];
	struct vfio_session *s = NULL;
	unsigned int i, vec, total = 0;
	struct vfio_irq_info info;
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	uint16_t handle = 0;

	vdcm_msix_vectors = VDCM_MSIX_VECTORS_MAX;
	assert_true(pci_msix_vec_count(plat.dsa_pdev[0]) <= 2048);
	for (i = 0; i < 5; i++) {
		v[i] = create_mdev(uuids[i]);
		info = (struct vfio_irq_info){ .argsz = sizeof(info),
					       .index = VFIO_PCI_MSIX_IRQ_INDEX };
		assert_int_equal(v[i]->ops->ioctl(v[i], VFIO_DEVICE_GET_IRQ_INFO, &info), 0);
		assert_int_equal(info.count, VDCM_MSIX_VECTORS_MAX);
		if (i == 4) {
			s = open_s(v[i]);
			assert_non_null(s);
			assert_int_equal(vfio_session_dma_map(s, IOVA_BASE, MEM_SIZE, mem,
							      IOMMU_READ | IOMMU_WRITE), 0);
		}
		enable_all(v[i]);
		for (vec = 1; vec < VDCM_MSIX_VECTORS_MAX; vec++)
			handle = request_handle(v[i], vec);
		total += mdev_ims_count(uuids[i]);
	}
	assert_int_equal(total, 5 * (VDCM_MSIX_VECTORS_MAX - 1));
	assert_true(total > 2048);
	assert_int_equal(irq_nr_allocated(), irqs_at_start + total);
	/* vector 512 does not exist on a device of 512 */
	assert_int_equal(vcmd(v[0], IDXD_CMD_REQUEST_INT_HANDLE, VDCM_MSIX_VECTORS_MAX, false),
			 IDXD_CMDSTS_ERR_INVAL_INT_IDX);
	/* the last vector of the last mdev delivers */
	assert_int_equal(set_eventfds(v[4], VDCM_MSIX_VECTORS_MAX - 1, 1, &efd), 0);
	assert_int_equal(memmove_irq(v[4], handle, 9), DSA_COMP_SUCCESS);
	assert_int_equal(wait_eventfd(efd), 1);
	close_s();
	close(efd);
	for (i = 0; i < 5; i++) {
		char path[256];

		snprintf(path, sizeof(path), PF_DIR "/%s/remove", uuids[i]);
		assert_int_equal(write_str(path, "1"), 1);
	}
	assert_no_leak();
}

/* A DSA without IMS (no SIOV DVSEC IMS bit, GENCAP 0): no IMS domain. */
static int setup_no_ims(void **state)
{
	return setup_ims(0, idxd_default_config);
}

static void test_no_ims_no_mdev(void **state)
{
	uuid_t u;

	assert_false(pci_ims_supported(plat.dsa_pdev[0]));
	assert_true(pci_siov_supported(plat.dsa_pdev[0]));
	/* the WQs are there, but an mdev needs IMS for its vectors */
	expect_attr(TYPE_DIR "/available_instances", "2\n");
	assert_int_equal(write_str(TYPE_DIR "/create", UUID_1), -ENODEV);
	assert_int_equal(uuid_parse(UUID_1, u), 0);
	assert_null(mdev_find_device(u));
	assert_no_leak();
}

/*
 * A halt of the PF (here: the host turned its bus mastering off under it)
 * reaches the mdev as a halt of the virtual device with its interrupt.
 */
static void test_pf_halt_reaches_mdev(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);

	assert_non_null(s);
	enable_all(v);
	assert_int_equal(set_eventfds(v, 0, 1, &efd), 0);
	wr(v, BAR0(IDXD_GENCTRL_OFFSET), 4, 2);		/* halt_int_en */
	pci_clear_master(plat.dsa_pdev[0]);
	/* its halt interrupt waits for bus mastering: MSI is a memory write */
	pci_set_master(plat.dsa_pdev[0]);
	/* the PF's vector 0 runs on the loop; the vdcm raises ours */
	assert_int_equal(loop_until(efd), 1);
	assert_int_equal(rd(v, BAR0(IDXD_GENSTATS_OFFSET), 4) & 3, IDXD_DEVICE_STATE_HALT);
	assert_true(rd(v, BAR0(IDXD_INTCAUSE_OFFSET), 4) & IDXD_INTC_HALT_STATE);
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_WQ, 0, false), IDXD_CMDSTS_HW_ERR);
	close_s();
	close(efd);
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
}

/*
 * The vdcm intercepts configuration writes: Bus Master off under an enabled
 * virtual device halts it, as the PF does; RESET_DEVICE brings it back.
 */
static void test_bus_master_off_halts(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	int efd[2] = { eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC),
		       eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC) };
	uint16_t handle;

	map_and_enable(v, s);
	assert_int_equal(set_eventfds(v, 0, 2, efd), 0);
	wr(v, BAR0(IDXD_GENCTRL_OFFSET), 4, 2);		/* halt_int_en */
	/* Bus Master off while enabled */
	wr(v, CFG(PCI_COMMAND), 2, PCI_COMMAND_MEMORY);
	assert_int_equal(wait_eventfd(efd[0]), 1);
	assert_int_equal(rd(v, BAR0(IDXD_GENSTATS_OFFSET), 4) & 3, IDXD_DEVICE_STATE_HALT);
	assert_true(rd(v, BAR0(IDXD_INTCAUSE_OFFSET), 4) & IDXD_INTC_HALT_STATE);
	assert_int_equal(rd(v, BAR0(0x500 + 24), 4) >> 30, IDXD_WQCFG_STATE_DISABLED);
	assert_int_equal(vcmd(v, IDXD_CMD_ENABLE_DEVICE, 0, false), IDXD_CMDSTS_HW_ERR);
	/* recovery: Bus Master on, RESET_DEVICE, enable again, work */
	assert_int_equal(vcmd(v, IDXD_CMD_RESET_DEVICE, 0, false), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(rd(v, BAR0(IDXD_GENSTATS_OFFSET), 4) & 3, IDXD_DEVICE_STATE_DISABLED);
	enable_all(v);
	handle = request_handle(v, 1);
	assert_int_equal(memmove_irq(v, handle, 4), DSA_COMP_SUCCESS);
	assert_int_equal(wait_eventfd(efd[1]), 1);
	/* turning it off while disabled halts nothing */
	assert_int_equal(vcmd(v, IDXD_CMD_DISABLE_DEVICE, 0, false), IDXD_CMDSTS_SUCCESS);
	wr(v, CFG(PCI_COMMAND), 2, PCI_COMMAND_MEMORY);
	assert_int_equal(rd(v, BAR0(IDXD_GENSTATS_OFFSET), 4) & 3, IDXD_DEVICE_STATE_DISABLED);
	close_s();
	close(efd[0]);
	close(efd[1]);
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

static void test_remove_with_open_session(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int fds[2] = { efd, efd };

	map_and_enable(v, s);
	assert_int_equal(set_eventfds(v, 0, 2, fds), 0);
	request_handle(v, 1);
	/* removing the mdev ends the session and gives everything back */
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_null(vfio_session_domain(s));
	close_s();
	close(efd);
	expect_attr(TYPE_DIR "/available_instances", "2\n");
	assert_no_leak();
}

static void test_unload_with_mdevs(void **state)
{
	create_mdev(UUID_1);
	create_mdev(UUID_2);
	/* unloading vfio_idxd removes the parent and its mdevs */
	vfio_idxd_exit();
	assert_int_equal(fe_removed, 2);
	assert_int_equal(sysfs_stat(TYPE_DIR, &(struct sysfs_stat){ 0 }), -ENOENT);
	assert_no_leak();
	/* and loading it again offers the WQs again */
	assert_int_equal(vfio_idxd_init(), 0);
	expect_attr(TYPE_DIR "/available_instances", "2\n");
}

/* dsa0 (DSA 2.0) with one dedicated mdev WQ of 16 entries that blocks on faults. */
static const char bof_profile[] =
	"[{\"dev\":\"dsa0\",\"groups\":[{\"dev\":\"group0.0\",\"grouped_workqueues\":["
	"{\"dev\":\"wq0.0\",\"mode\":\"dedicated\",\"size\":16,\"type\":\"mdev\",\"name\":\"m0\","
	"\"block_on_fault\":1}],"
	"\"grouped_engines\":[{\"dev\":\"engine0.0\"}]}]}]";

static int setup_bof(void **state)
{
	struct dsa_hw_params p;

	dsa_hw_params_dsa2(&p);
	return setup_machine(&p, bof_profile);
}

#define BOF_IOVA	0x40000000ULL	/* outside the first client's map */
#define BOF_PATTERN	0x5a5a5a5a5a5a5a5aULL

/* A MEMFILL of XFER bytes at @dst that blocks on faults, its record at COMP_OFF. */
static void bof_fill_desc(struct dsa_hw_desc *d, uint64_t dst)
{
	memset(d, 0, sizeof(*d));
	d->opcode = DSA_OPCODE_MEMFILL;
	d->flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR | IDXD_OP_FLAG_BOF;
	d->completion_addr = IOVA_BASE + COMP_OFF;
	d->pattern = BOF_PATTERN;
	d->dst_addr = dst;
	d->xfer_size = XFER;
}

/* The PF's WQCFG of the WQ behind mdev @uuid, read through the PF's own BAR0. */
static void read_host_wqcfg(const char *uuid, union wqcfg *cfg)
{
	struct pci_iomem *io = pci_iomap(plat.dsa_pdev[0], DSA_MMIO_BAR, 0);
	char path[128], name[32];
	unsigned int dev, id, i, stride;
	union wq_cap_reg wqcap;
	union offsets_reg o;
	uint64_t base;

	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/wq", uuid);
	read_attr(path, name, sizeof(name));
	assert_int_equal(sscanf(name, "wq%u.%u", &dev, &id), 2);
	assert_non_null(io);
	o.bits[0] = ioread64(io, IDXD_TABLE_OFFSET);
	o.bits[1] = ioread64(io, IDXD_TABLE_OFFSET + 8);
	wqcap.bits = ioread64(io, IDXD_WQCAP_OFFSET);
	stride = 32U << wqcap.wqcfg_size;
	base = (uint64_t)o.wqcfg * IDXD_TABLE_MULT + (uint64_t)id * stride;
	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < stride / 4 && i < ARRAY_SIZE(cfg->bits); i++)
		cfg->bits[i] = ioread32(io, base + 4 * i);
	pci_iounmap(io);
}

/* What a client can read of the virtual device: config space, BAR0, MSI-X table. */
struct vdev_image {
	uint32_t cfg[VFIO_PCI_CFG_SIZE / 4];
	uint64_t regs[VDCM_REGS_SIZE / 8];
	uint32_t msix[NVEC * 4];
};

/* Config space as it is, then BAR0 with memory decoding turned on for the reads. */
static void read_image(struct vfio_device *v, struct vdev_image *im)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(im->cfg); i++)
		im->cfg[i] = (uint32_t)rd(v, CFG(4 * i), 4);
	wr(v, CFG(PCI_COMMAND), 2, PCI_COMMAND_MEMORY);
	for (i = 0; i < ARRAY_SIZE(im->regs); i++)
		im->regs[i] = rd(v, BAR0(8 * i), 8);
	for (i = 0; i < ARRAY_SIZE(im->msix); i++)
		im->msix[i] = (uint32_t)rd(v, BAR0(VDCM_MSIX_TABLE_OFFSET + 4 * i), 4);
	wr(v, CFG(PCI_COMMAND), 2, (uint16_t)im->cfg[PCI_COMMAND / 4]);
}

/*
 * A client goes with a block-on-fault descriptor waiting for a page it
 * never mapped. Its session's close aborts the WQ and resets the virtual
 * device as an FLR would: the next client finds every register, the
 * configuration space and the MSI-X table as on a new mdev, no IMS entry
 * left, the host WQ disabled and empty; and when it maps its memory at the
 * address the old descriptor waited for, that descriptor never runs into
 * it. Its own descriptors, block on fault included, run once it enabled
 * the device itself.
 */
static void test_close_aborts_and_resets(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	static struct vdev_image fresh, after;
	int efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int fds[2] = { efd, efd };
	static uint8_t page[XFER] __attribute__((aligned(4096)));
	struct vfio_session *s;
	struct dsa_hw_desc d;
	union wqcfg host, vcfg;
	unsigned int i;

	read_image(v, &fresh);
	assert_int_equal(fresh.regs[IDXD_GENSTATS_OFFSET / 8] & 3, IDXD_DEVICE_STATE_DISABLED);
	s = open_s(v);
	map_and_enable(v, s);
	/* the host's WQCFG.bof shows through */
	vcfg.bits[2] = (uint32_t)rd(v, BAR0(VDCM_WQCFG_OFFSET + 8), 4);
	assert_int_equal(vcfg.bof, 1);
	/* leave as much state behind as a client can */
	assert_int_equal(set_eventfds(v, 0, 2, fds), 0);
	request_handle(v, 1);
	wr(v, BAR0(IDXD_GENCTRL_OFFSET), 4, 3);
	wr(v, BAR0(VDCM_MSIX_PERM_OFFSET + 8), 4, 0x12345008);
	wr(v, BAR0(VDCM_MSIX_TABLE_OFFSET + 16), 4, 0xfee00000);
	wr(v, BAR0(VDCM_MSIX_TABLE_OFFSET + 16 + 8), 4, 0x41);
	wr(v, BAR0(VDCM_MSIX_TABLE_OFFSET + 16 + 12), 4, 0);
	assert_int_equal(vcmd(v, IDXD_CMD_DRAIN_WQ, 1, true), IDXD_CMDSTS_SUCCESS);
	assert_int_equal(wait_eventfd(efd), 1);
	assert_int_equal(irq_nr_allocated(), irqs_at_start + 1);

	/* the descriptor waits for BOF_IOVA to be mapped */
	memset(mem + COMP_OFF, 0, DSA_COMP_RECORD_SIZE);
	bof_fill_desc(&d, BOF_IOVA);
	assert_int_equal(v->ops->write(v, (const char *)&d, 64, &(uint64_t){ BAR2(0) }), 64);
	usleep(50000);
	assert_int_equal(__atomic_load_n(&comp()->status, __ATOMIC_ACQUIRE), 0);
	close_s();

	/* the host's WQ: nothing queued, disabled */
	read_host_wqcfg(UUID_1, &host);
	assert_int_equal(host.wq_state, IDXD_WQCFG_STATE_DISABLED);
	assert_int_equal(host.occupancy, 0);
	/* the virtual device: as created (an FLR's state) */
	read_image(v, &after);
	assert_memory_equal(after.cfg, fresh.cfg, sizeof(fresh.cfg));
	assert_memory_equal(after.regs, fresh.regs, sizeof(fresh.regs));
	assert_memory_equal(after.msix, fresh.msix, sizeof(fresh.msix));
	assert_int_equal(irq_nr_allocated(), irqs_at_start);
	assert_int_equal(mdev_ims_count(UUID_1), 0);

	/* the next client maps memory where the old descriptor waited */
	s = open_s(v);
	assert_non_null(s);
	memset(page, 0xb0, XFER);
	memset(mem + COMP_OFF, 0, DSA_COMP_RECORD_SIZE);
	assert_int_equal(vfio_session_dma_map(s, IOVA_BASE, MEM_SIZE, mem,
					      IOMMU_READ | IOMMU_WRITE), 0);
	assert_int_equal(vfio_session_dma_map(s, BOF_IOVA, XFER, page,
					      IOMMU_READ | IOMMU_WRITE), 0);
	for (i = 0; i < 20; i++) {
		usleep(10000);
		assert_int_equal(__atomic_load_n(&comp()->status, __ATOMIC_ACQUIRE), 0);
	}
	for (i = 0; i < XFER; i++)
		assert_int_equal(page[i], 0xb0);
	/* it enables the device itself; its own work runs, block on fault too */
	enable_all(v);
	fill_src(7);
	memmove_desc(&d, IOVA_BASE + SRC_OFF, IOVA_BASE + DST_OFF, 0);
	d.flags &= ~IDXD_OP_FLAG_RCI;
	assert_int_equal(v->ops->write(v, (const char *)&d, 64, &(uint64_t){ BAR2(0) }), 64);
	assert_int_equal(wait_completion(comp()), DSA_COMP_SUCCESS);
	assert_memory_equal(mem + DST_OFF, mem + SRC_OFF, XFER);
	memset(mem + COMP_OFF, 0, DSA_COMP_RECORD_SIZE);
	bof_fill_desc(&d, BOF_IOVA);
	assert_int_equal(v->ops->write(v, (const char *)&d, 64, &(uint64_t){ BAR2(0) }), 64);
	assert_int_equal(wait_completion(comp()), DSA_COMP_SUCCESS);
	for (i = 0; i < XFER; i++)
		assert_int_equal(page[i], 0x5a);
	close_s();
	close(efd);
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

/* INTCAUSE of the PF, read through its own BAR0 (the PF driver's view). */
static uint32_t pf_intcause(void)
{
	struct pci_iomem *io = pci_iomap(plat.dsa_pdev[0], DSA_MMIO_BAR, 0);
	uint32_t v;

	assert_non_null(io);
	v = ioread32(io, IDXD_INTCAUSE_OFFSET);
	pci_iounmap(io);
	return v;
}

/* Wait (bounded) until the PF has logged a software error not yet handled. */
static void wait_pf_swerr(void)
{
	unsigned int i;

	for (i = 0; i < 10000 && !(pf_intcause() & IDXD_INTC_ERR); i++)
		usleep(1000);
	assert_true(pf_intcause() & IDXD_INTC_ERR);
}

/*
 * The next client of @v opens a session and asks for error interrupts
 * (vector 0 on @efd, GENCTRL.softerr_int_en) before the event loop has
 * serviced the PF's error interrupt the last session left pending; then
 * the loop runs. The PF's interrupt is handled, and nothing of it reaches
 * this client: SWERR and INTCAUSE read zero, @efd stays quiet.
 */
static void assert_next_session_clean(struct vfio_device *v, int efd)
{
	struct vfio_session *s = open_s(v);
	union sw_err_reg sw;
	unsigned int i;

	assert_non_null(s);
	wr(v, CFG(PCI_COMMAND), 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	err_irq_on(v, efd);
	for (i = 0; i < 20; i++)
		evloop_run_once(loop, 10);
	assert_false(pf_intcause() & IDXD_INTC_ERR);	/* the PF's handler ran */
	for (i = 0; i < 4; i++)
		sw.bits[i] = rd(v, BAR0(IDXD_SWERR_OFFSET + 8 * i), 8);
	assert_int_equal(sw.bits[0], 0);
	assert_int_equal(sw.bits[1], 0);
	assert_int_equal(sw.bits[2], 0);
	assert_int_equal(sw.bits[3], 0);
	assert_int_equal(rd(v, BAR0(IDXD_INTCAUSE_OFFSET), 4), 0);
	assert_true(eventfd_quiet(efd));
	close_s();
}

/* The end of the carried-over-SWERR cases: the next session is clean, then cleanup. */
static void swerr_case_end(struct vfio_device *v, int old_efd, int new_efd)
{
	assert_next_session_clean(v, new_efd);
	close(old_efd);
	close(new_efd);
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();
}

/*
 * A descriptor of a session that runs between the detach of its DMA space
 * and the WQ's abort at close faults, and the PF logs the error (SWERR
 * with the session's completion-record IOVA) and raises its own error
 * interrupt, whose handler runs on the event loop: after close_device
 * returned. That error must not show up in the next client's virtual
 * SWERR nor raise its vector 0. The core's first step of a close, the
 * detach, is taken by hand here so the descriptor runs in that window
 * every time; the core's own detach then finds nothing to do.
 */
static void test_swerr_after_detach_not_carried_over(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	int old_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int new_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	struct dsa_hw_desc d;

	map_and_enable(v, s);
	err_irq_on(v, old_efd);
	v->ops->detach_ioas(v);
	fill_src(6);
	memmove_desc(&d, IOVA_BASE + SRC_OFF, IOVA_BASE + DST_OFF, 0);
	d.flags &= ~IDXD_OP_FLAG_RCI;
	assert_int_equal(v->ops->write(v, (const char *)&d, 64, &(uint64_t){ BAR2(0) }), 64);
	wait_pf_swerr();
	/* the record could not be written: the error is the PF's SWERR alone */
	assert_int_equal(__atomic_load_n(&comp()->status, __ATOMIC_ACQUIRE), 0);
	assert_true(eventfd_quiet(old_efd));
	close_s();
	swerr_case_end(v, old_efd, new_efd);
}

/*
 * The same when no abort runs at close: the client disabled its WQ and
 * then wrote a descriptor to it, which the PF drops and logs as a software
 * error (WQ not enabled) at once; the client goes before the event loop
 * serviced the PF's interrupt.
 */
static void test_swerr_of_disabled_wq_not_carried_over(void **state)
{
	struct vfio_device *v = create_mdev(UUID_1);
	struct vfio_session *s = open_s(v);
	int old_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	int new_efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	union wqcfg host;
	struct dsa_hw_desc d;

	map_and_enable(v, s);
	err_irq_on(v, old_efd);
	assert_int_equal(vcmd(v, IDXD_CMD_DISABLE_WQ, 1, false), IDXD_CMDSTS_SUCCESS);
	read_host_wqcfg(UUID_1, &host);
	assert_int_equal(host.wq_state, IDXD_WQCFG_STATE_DISABLED);
	fill_src(8);
	memmove_desc(&d, IOVA_BASE + SRC_OFF, IOVA_BASE + DST_OFF, 0);
	assert_int_equal(v->ops->write(v, (const char *)&d, 64, &(uint64_t){ BAR2(0) }), 64);
	wait_pf_swerr();
	assert_true(eventfd_quiet(old_efd));
	close_s();
	swerr_case_end(v, old_efd, new_efd);
}

/*
 * vfio_idxd's portal_mmap=0: the mdev created then offers no BAR2 mmap
 * (no MMAP flag, no sparse areas, region_mmap refused), and every
 * descriptor written through the trapped path reaches the WQ, also when a
 * driver writes each one to the same portal offset, back to back, as
 * DPDK's idxd PMD does. The parameter is read when the mdev is created.
 */
static void test_portal_mmap_off(void **state)
{
	struct vfio_device *v;
	char buf[128];
	struct vfio_region_info *ri = (void *)buf;
	struct dsa_hw_desc d;
	uint64_t fd_off;
	unsigned int k;
	int fd;

	vdcm_portal_mmap = 0;
	v = create_mdev(UUID_1);
	vdcm_portal_mmap = 1;
	ri = bar2_region_info(v, buf, sizeof(buf));
	assert_int_equal(ri->size, 4 * DSA_PORTAL_SIZE);
	assert_int_equal(ri->flags, VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE);
	assert_int_equal(ri->cap_offset, 0);
	assert_int_equal(v->ops->region_mmap(v, VFIO_PCI_BAR2_REGION_INDEX, &fd, &fd_off),
			 -EINVAL);

	map_and_enable(v, open_s(v));
	memset(mem + COMP_OFF, 0, 8 * DSA_COMP_RECORD_SIZE);
	for (k = 0; k < 8; k++) {
		memset(&d, 0, sizeof(d));
		d.opcode = DSA_OPCODE_NOOP;
		d.flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
		d.completion_addr = IOVA_BASE + COMP_OFF + k * DSA_COMP_RECORD_SIZE;
		assert_int_equal(v->ops->write(v, (const char *)&d, 64, &(uint64_t){ BAR2(0) }),
				 64);
	}
	for (k = 0; k < 8; k++)
		assert_int_equal(wait_completion((struct dsa_completion_record *)
						 (mem + COMP_OFF + k * DSA_COMP_RECORD_SIZE)),
				 DSA_COMP_SUCCESS);
	close_s();
	assert_int_equal(write_str(PF_DIR "/" UUID_1 "/remove", "1"), 1);
	assert_no_leak();

	/* mdevs created with the default offer the page again */
	v = create_mdev(UUID_1);
	ri = bar2_region_info(v, buf, sizeof(buf));
	assert_true(ri->flags & VFIO_REGION_INFO_FLAG_MMAP);
}

int main(void)
{
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
	const struct CMUnitTest tests[] = {
		T(test_type_appears),
		T(test_create_remove_accounting),
		T(test_virtual_config_and_bar0),
		T(test_command_errors),
		T(test_command_interrupt),
		T(test_memmove_trapped_and_mmap),
		T(test_handle_isolation),
		T(test_page_fault),
		T(test_dma_is_per_session),
		T(test_device_reset),
		T(test_portal_revoked_at_close),
		T(test_software_error),
		T(test_owned_wq_kept_until_pf_removal),
		T(test_remove_with_open_session),
		T(test_unload_with_mdevs),
		T(test_pf_halt_reaches_mdev),
		T(test_bus_master_off_halts),
		T(test_ims_on_demand),
		T(test_retarget_without_device),
		T(test_handle_revocation),
		cmocka_unit_test_setup_teardown(test_ims_beyond_msix, setup_scale, teardown),
		cmocka_unit_test_setup_teardown(test_no_ims_no_mdev, setup_no_ims, teardown),
		cmocka_unit_test_setup_teardown(test_close_aborts_and_resets, setup_bof,
						teardown),
		T(test_swerr_after_detach_not_carried_over),
		T(test_swerr_of_disabled_wq_not_carried_over),
		T(test_portal_mmap_off),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
