// SPDX-License-Identifier: GPL-2.0-only
/*
 * End to end, vfio-pci-core's second user: the whole DSA PF taken from idxd
 * and assigned over vfio-user, first steered by driver_flavour "vfio"
 * (matching only override-only ids, the modalias turning "vfio_pci:" and
 * loading vfio_pci by its alias), then by driver_override "vfio-pci"
 * (loading it by name). libvdsa in PF mode configures group 0, WQ 0 and the
 * engines itself through the registers, then runs and verifies operations
 * with completions polled and by interrupt (MSI-X of the PF, remapped to
 * the client's eventfd). A client that went reaches nothing through the
 * portal mapping it kept: closing revoked it, and the next client finds the
 * configuration space reset, whatever the last one left in it. An open
 * client pins vfio_pci; once it is gone the function goes back to idxd
 * with nothing leaked.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <isa-l.h>
#include <linux/pci_regs.h>

#include "e2e.h"
#include "spec/dsa.h"
#include "vdsa.h"
#include "test_mem.h"

#define PF		"0000:00:0a.0"
#define PF_DEV		"/sys/bus/pci/devices/" PF

static void pf_sock(struct e2e_daemon *d, char *buf, size_t size)
{
	snprintf(buf, size, "%s/vfio-user/%s.sock", d->rundir, PF);
}

/* One operation through PF mode; the result checked by the caller. */
static int run_desc(struct vdsa_dev *dev, struct dsa_hw_desc *d,
		    struct dsa_completion_record *cr, enum vdsa_portal portal,
		    enum vdsa_wait wait)
{
	int rc;

	memset(cr, 0, sizeof(*cr));
	if (wait == VDSA_WAIT_IRQ)
		vdsa_desc_set_irq(d, vdsa_dev_info(dev)->int_handle);
	rc = vdsa_submit(dev, d, portal);
	if (rc)
		return rc;
	return vdsa_wait(dev, cr, wait, 5000);
}

/*
 * What the client may map: nothing of BAR0 (trapped); of BAR2 only WQ 0's
 * unlimited MSI-X portal, through a file of that one page (every portal
 * page of the PF is a file of its own and a region travels with one fd:
 * the other pages are trapped).
 */
static void check_mmaps(struct vdsa_conn *conn)
{
	const struct vdsa_region *r;
	struct stat st;

	assert_int_equal(vdsa_conn_region_info(conn, VFIO_PCI_BAR0_REGION_INDEX, &r), 0);
	assert_false(r->flags & VFIO_REGION_INFO_FLAG_MMAP);
	assert_int_equal(r->nr_areas, 0);
	assert_int_equal(vdsa_conn_region_info(conn, VFIO_PCI_BAR2_REGION_INDEX, &r), 0);
	assert_true(r->flags & VFIO_REGION_INFO_FLAG_MMAP);
	assert_int_equal(r->size, 8 * DSA_PORTALS_PER_WQ * DSA_PORTAL_SIZE);
	assert_int_equal(r->nr_areas, 1);
	assert_int_equal(r->areas[0].offset, 0);
	assert_int_equal(r->areas[0].size, DSA_PORTAL_SIZE);
	assert_true(r->fd >= 0);
	assert_int_equal(r->fd_offset, 0);
	assert_int_equal(fstat(r->fd, &st), 0);
	assert_int_equal(st.st_size, DSA_PORTAL_SIZE);
}

/* Bring the whole PF up in PF mode and verify MEMMOVE and CRC_GEN. */
static void pf_workload(const char *sock)
{
	struct vdsa_pf_config bad = { .wq_size = 100000 };
	struct vdsa_pf_config cfg = { .nr_engines = 2, .wq_size = 32, .priority = 5 };
	struct dsa_completion_record *cr;
	struct vdsa_buf *buf, *comp;
	struct vdsa_conn *conn;
	struct vdsa_dev *dev;
	struct dsa_hw_desc d;
	uint8_t *va;
	unsigned int i;

	assert_int_equal(vdsa_conn_open(sock, &conn), 0);
	/* out of the device's range: refused, nothing half done */
	assert_int_equal(vdsa_pf_open(conn, &bad, &dev), -EINVAL);
	assert_int_equal(vdsa_pf_open(conn, &cfg, &dev), 0);
	assert_int_equal(vdsa_dev_info(dev)->wq_size, 32);
	assert_true(vdsa_dev_info(dev)->portal_mmap);
	check_mmaps(conn);
	assert_int_equal(vdsa_buf_alloc(conn, 1 << 16, &buf), 0);
	assert_int_equal(vdsa_buf_alloc(conn, 4096, &comp), 0);
	cr = comp->va;
	va = buf->va;
	for (i = 0; i < 4096; i++)
		va[i] = (uint8_t)(i * 13 + 7);
	vdsa_desc_memmove(&d, comp->iova, buf->iova + 8192, buf->iova, 4096);
	assert_int_equal(run_desc(dev, &d, cr, VDSA_PORTAL_MMAP, VDSA_WAIT_POLL),
			 DSA_COMP_SUCCESS);
	assert_memory_equal(va, va + 8192, 4096);
	memset(va + 8192, 0, 4096);
	vdsa_desc_memmove(&d, comp->iova, buf->iova + 8192, buf->iova, 4096);
	assert_int_equal(run_desc(dev, &d, cr, VDSA_PORTAL_TRAPPED, VDSA_WAIT_IRQ),
			 DSA_COMP_SUCCESS);
	assert_memory_equal(va, va + 8192, 4096);
	vdsa_desc_crcgen(&d, comp->iova, buf->iova, 4096, 0);
	assert_int_equal(run_desc(dev, &d, cr, VDSA_PORTAL_MMAP, VDSA_WAIT_IRQ),
			 DSA_COMP_SUCCESS);
	assert_int_equal((uint32_t)cr->crc_val, ~crc32_iscsi(va, 4096, ~0U));
	vdsa_dev_close(dev);
	vdsa_conn_close(conn);
}

/*
 * Client A keeps a mapping of the PF's portal page (and a copy of the fd)
 * after it disconnected. Client B then owns the function, with its memory
 * at the IOVAs the FILLs A writes there name: none of them runs (B's buffer
 * and record stay as they were, A's slots are never taken), B was handed a
 * new page, and B's own descriptors run through it.
 */
static void pf_stale_portal(const char *sock)
{
	struct vdsa_pf_config cfg = { .nr_engines = 1, .wq_size = 32, .priority = 1 };
	const unsigned int slots = DSA_PORTAL_SIZE / DSA_DESC_SIZE;
	struct dsa_completion_record *cr, *bcr;
	const struct vdsa_region *r;
	struct vdsa_buf *buf, *comp;
	struct vdsa_conn *conn;
	struct vdsa_dev *dev;
	struct stat st_a, st_b;
	struct dsa_hw_desc d;
	uint64_t first;
	unsigned int i;
	uint8_t *stale;
	int fd;

	assert_int_equal(vdsa_conn_open(sock, &conn), 0);
	assert_int_equal(vdsa_pf_open(conn, &cfg, &dev), 0);
	assert_int_equal(vdsa_conn_region_info(conn, VFIO_PCI_BAR2_REGION_INDEX, &r), 0);
	fd = dup(r->fd);
	assert_true(fd >= 0);
	assert_int_equal(fstat(fd, &st_a), 0);
	stale = mmap(NULL, DSA_PORTAL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	assert_true(stale != MAP_FAILED);
	vdsa_dev_close(dev);
	vdsa_conn_close(conn);

	/* B: the server may still be closing A's session */
	for (i = 0; i < 100 && vdsa_conn_open(sock, &conn) == -EBUSY; i++)
		usleep(20000);
	assert_int_equal(vdsa_pf_open(conn, &cfg, &dev), 0);
	assert_int_equal(vdsa_conn_region_info(conn, VFIO_PCI_BAR2_REGION_INDEX, &r), 0);
	assert_int_equal(fstat(r->fd, &st_b), 0);
	assert_false(st_b.st_dev == st_a.st_dev && st_b.st_ino == st_a.st_ino);
	assert_int_equal(vdsa_buf_alloc(conn, 1 << 16, &buf), 0);
	assert_int_equal(vdsa_buf_alloc(conn, 4096, &comp), 0);
	cr = comp->va;
	bcr = (void *)((uint8_t *)comp->va + 0x800);
	memset(buf->va, 0xb0, 4096);
	memset(bcr, 0, sizeof(*bcr));

	vdsa_desc_fill(&d, comp->iova + 0x800, buf->iova, 0x5a5a5a5a5a5a5a5aULL, 4096);
	memcpy(&first, &d, 8);
	for (i = 0; i < slots; i++) {
		uint8_t *slot = stale + i * DSA_DESC_SIZE;

		if (atomic_load_explicit((_Atomic uint64_t *)(void *)slot, memory_order_acquire))
			continue;
		memcpy(slot + 8, (const uint8_t *)&d + 8, DSA_DESC_SIZE - 8);
		atomic_store_explicit((_Atomic uint64_t *)(void *)slot, first, memory_order_release);
	}
	vdsa_desc_memmove(&d, comp->iova, buf->iova + 8192, buf->iova + 4096, 4096);
	assert_int_equal(run_desc(dev, &d, cr, VDSA_PORTAL_MMAP, VDSA_WAIT_POLL),
			 DSA_COMP_SUCCESS);
	for (i = 0; i < 50; i++) {
		assert_true(test_all_bytes(buf->va, 0xb0, 4096));
		assert_true(test_all_bytes(bcr, 0, sizeof(*bcr)));
		usleep(10000);
	}
	for (i = 0; i < slots; i++)
		assert_int_not_equal(atomic_load_explicit((_Atomic uint64_t *)(void *)
							  (stale + i * DSA_DESC_SIZE),
							  memory_order_acquire), 0);
	assert_int_equal(run_desc(dev, &d, cr, VDSA_PORTAL_MMAP, VDSA_WAIT_POLL),
			 DSA_COMP_SUCCESS);
	vdsa_dev_close(dev);
	vdsa_conn_close(conn);
	munmap(stale, DSA_PORTAL_SIZE);
	close(fd);
}

/* Connect to @sock; the server may still be closing the last session. */
static struct vdsa_conn *conn_open_retry(const char *sock)
{
	struct vdsa_conn *conn = NULL;
	unsigned int i;
	int rc;

	for (i = 0; i < 100 && (rc = vdsa_conn_open(sock, &conn)) == -EBUSY; i++)
		usleep(20000);
	assert_int_equal(rc, 0);
	return conn;
}

/* The MSI-X capability's offset in configuration image @cfg, or 0. */
static unsigned int msix_cap(const uint8_t *cfg)
{
	unsigned int pos = cfg[PCI_CAPABILITY_LIST] & ~3U, n;

	for (n = 0; pos && n < 48; n++) {
		if (cfg[pos] == PCI_CAP_ID_MSIX)
			return pos;
		pos = cfg[pos + PCI_CAP_LIST_NEXT] & ~3U;
	}
	return 0;
}

static uint16_t cfg16(const uint8_t *cfg, unsigned int off)
{
	return (uint16_t)(cfg[off] | cfg[off + 1] << 8);
}

/*
 * A client turns on Memory Space, Bus Master and MSI-X in the function's
 * configuration space and disconnects without resetting it. The next
 * client reads the configuration space of a reset function (PCI_COMMAND 0,
 * MSI-X off: the image the last close left for this client too), not what
 * the last client wrote, which the function itself no longer has (its Bus
 * Master was cleared by the reset at close).
 */
static void pf_config_reset(const char *sock)
{
	static uint8_t fresh[PCI_CFG_SPACE_EXP_SIZE], left[PCI_CFG_SPACE_EXP_SIZE];
	static uint8_t next[PCI_CFG_SPACE_EXP_SIZE];
	const uint16_t cmd = PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	struct vdsa_conn *conn = conn_open_retry(sock);
	unsigned int cap;
	uint16_t flags;

	assert_int_equal(vdsa_conn_config_read(conn, 0, fresh, sizeof(fresh)), 0);
	assert_int_equal(cfg16(fresh, PCI_COMMAND), 0);
	cap = msix_cap(fresh);
	assert_int_not_equal(cap, 0);
	flags = cfg16(fresh, cap + PCI_MSIX_FLAGS);
	assert_false(flags & PCI_MSIX_FLAGS_ENABLE);
	flags |= PCI_MSIX_FLAGS_ENABLE;
	assert_int_equal(vdsa_conn_config_write(conn, PCI_COMMAND, &cmd, 2), 0);
	assert_int_equal(vdsa_conn_config_write(conn, cap + PCI_MSIX_FLAGS, &flags, 2), 0);
	assert_int_equal(vdsa_conn_config_read(conn, 0, left, sizeof(left)), 0);
	assert_int_equal(cfg16(left, PCI_COMMAND), cmd);
	assert_true(cfg16(left, cap + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_ENABLE);
	vdsa_conn_close(conn);

	conn = conn_open_retry(sock);
	assert_int_equal(vdsa_conn_config_read(conn, 0, next, sizeof(next)), 0);
	assert_int_equal(cfg16(next, PCI_COMMAND), 0);
	assert_false(cfg16(next, cap + PCI_MSIX_FLAGS) & PCI_MSIX_FLAGS_ENABLE);
	assert_memory_equal(next, fresh, sizeof(fresh));
	vdsa_conn_close(conn);
}

static void wait_refcnt_zero(struct e2e_daemon *d, const char *module)
{
	char v[32] = "";
	int i;

	for (i = 0; i < 200; i++) {
		if (!e2e_ctl(d, v, sizeof(v), "read /sys/module/%s/refcnt", module) &&
		    !strcmp(v, "0"))
			return;
		usleep(10000);
	}
	fail_msg("%s still referenced: %s", module, v);
}

static void test_flavour_vfio(void **state)
{
	struct e2e_daemon *d = *state;
	long devices = e2e_stat(d, "devices"), virqs = e2e_stat(d, "virqs");
	long irtes = e2e_stat(d, "irtes"), fds = e2e_stat(d, "fds");
	struct vdsa_conn *conn;
	char sock[256], v[256];

	pf_sock(d, sock, sizeof(sock));
	assert_false(e2e_module_loaded(d, "vfio_pci"));
	assert_int_equal(e2e_ctl(d, NULL, 0, "write " PF_DEV "/driver_flavour vfio"), 0);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " PF_DEV "/driver_flavour"), 0);
	assert_string_equal(v, "vfio");
	/* steering does not unbind: idxd keeps it until asked */
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "readlink " PF_DEV "/driver"), 0);
	assert_non_null(strstr(v, "drivers/idxd"));
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " PF_DEV "/modalias"), 0);
	assert_string_equal(v, "vfio_pci:v00008086d00000B25sv00008086sd00000000bc08sc80i00");
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/pci/drivers/idxd/unbind " PF), 0);
	assert_int_equal(e2e_ctl(d, NULL, 0, "ls /sys/class/mdev_bus/" PF), -ENOENT);
	/* idxd's ordinary id no longer matches a device steered to vfio */
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/pci/drivers/idxd/bind " PF), -ENODEV);
	/* drivers_probe: the vfio_pci: modalias loads vfio_pci, which binds */
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/pci/drivers_probe " PF), 0);
	assert_true(e2e_module_loaded(d, "vfio_pci"));
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "readlink " PF_DEV "/driver"), 0);
	assert_non_null(strstr(v, "drivers/vfio-pci"));
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "readlink /sys/module/vfio_pci_core/holders/vfio_pci"),
			 0);
	assert_true(e2e_exists(sock));

	pf_workload(sock);

	/* an open client pins vfio_pci */
	assert_int_equal(vdsa_conn_open(sock, &conn), 0);
	assert_int_equal(e2e_ctl(d, NULL, 0, "rmmod vfio_pci"), -EBUSY);
	vdsa_conn_close(conn);
	wait_refcnt_zero(d, "vfio_pci");
	assert_int_equal(e2e_ctl(d, NULL, 0, "rmmod vfio_pci"), 0);
	assert_false(e2e_exists(sock));
	assert_int_equal(e2e_ctl(d, NULL, 0, "readlink " PF_DEV "/driver"), -ENOENT);

	/* back to idxd: the flavour cleared, the ordinary modalias */
	assert_int_equal(e2e_ctl(d, NULL, 0, "write " PF_DEV "/driver_flavour "), 0);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read " PF_DEV "/modalias"), 0);
	assert_string_equal(v, "pci:v00008086d00000B25sv00008086sd00000000bc08sc80i00");
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/pci/drivers_probe " PF), 0);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/bus/dsa/devices/dsa0/state"), 0);
	assert_string_equal(v, "disabled");
	/* the function and its interrupts as before; unconfigured, no idxd.mdev.0 */
	assert_int_equal(e2e_stat(d, "virqs"), virqs);
	assert_int_equal(e2e_stat(d, "irtes"), irtes);
	assert_int_equal(e2e_stat(d, "fds"), fds);
	assert_int_equal(e2e_stat(d, "devices"), devices - 1);
}

static void test_driver_override(void **state)
{
	struct e2e_daemon *d = *state;
	char sock[256], v[256];

	pf_sock(d, sock, sizeof(sock));
	assert_int_equal(e2e_ctl(d, NULL, 0, "write " PF_DEV "/driver_override vfio-pci"), 0);
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/pci/drivers/idxd/unbind " PF), 0);
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/pci/drivers/idxd/bind " PF), -ENODEV);
	/* the override names the driver: its module is loaded by name */
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/pci/drivers_probe " PF), 0);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "readlink " PF_DEV "/driver"), 0);
	assert_non_null(strstr(v, "drivers/vfio-pci"));
	pf_workload(sock);
	/* a second run starts from the function reset the first left */
	pf_workload(sock);
	/* and the first client's portal mapping is dead to the second */
	pf_stale_portal(sock);
	/* nor does the configuration space a client leaves reach the next */
	pf_config_reset(sock);
	/* unbind and clear: idxd takes it back */
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/pci/drivers/vfio-pci/unbind " PF), 0);
	assert_false(e2e_exists(sock));
	assert_int_equal(e2e_ctl(d, NULL, 0, "write " PF_DEV "/driver_override "), 0);
	assert_int_equal(e2e_ctl(d, NULL, 0, "write /sys/bus/pci/drivers/idxd/bind " PF), 0);
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read /sys/bus/dsa/devices/dsa0/state"), 0);
	assert_string_equal(v, "disabled");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_flavour_vfio, e2e_setup, e2e_teardown),
		cmocka_unit_test_setup_teardown(test_driver_override, e2e_setup, e2e_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
