// SPDX-License-Identifier: GPL-2.0-only
/*
 * The idxd PF driver on the real machine: probe, the dsa bus objects and
 * their attributes, store validation, enabling the device and its WQs
 * (checked register by register through MMIO), cmd_status on failures.
 */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <linux/idxd.h>

#include "idxd/idxd_priv.h"
#include "idxd_test.h"
#include "sysfs/sysfs.h"

#define DEV	"/sys/bus/dsa/devices/"

static bool path_exists(const char *path)
{
	struct sysfs_stat st;

	return sysfs_stat(path, &st) == 0;
}

/* The 256-bit "%*pb" format, computed independently from 4 words. */
static void bitmap_str(char *buf, const uint64_t w[4])
{
	int i, n = 0;

	for (i = 3; i >= 0; i--)
		n += sprintf(buf + n, "%08x,%08x%s", (uint32_t)(w[i] >> 32), (uint32_t)w[i],
			     i ? "," : "");
}

/* ---- probe ----------------------------------------------------------------- */

static void test_probe_objects(void **state)
{
	char path[128];
	unsigned int i;

	(void)state;
	assert_true(path_exists("/sys/devices/pci0000:00/0000:00:0a.0/dsa0/wq0.1"));
	assert_true(path_exists("/sys/devices/pci0000:00/0000:00:0a.0/dsa0/engine0.3"));
	assert_true(path_exists("/sys/devices/pci0000:00/0000:00:0a.0/dsa0/group0.3"));
	assert_true(path_exists(DEV "wq0.1"));
	assert_true(path_exists(DEV "dsa0/state"));
	/* built in here: /sys/module/idxd exists only when the loader loads idxd.so */
	assert_false(path_exists("/sys/module/idxd"));
	for (i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), DEV "wq0.%u/size", i);
		assert_true(path_exists(path));
	}
	assert_false(path_exists(DEV "wq0.8"));
	assert_false(path_exists(DEV "engine0.4"));
	assert_false(path_exists(DEV "group0.4"));
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/sys/bus/dsa/drivers/%s/bind",
			 (const char *[]){ "idxd", "user", "dmaengine", "mdev" }[i]);
		assert_true(path_exists(path));
	}
	assert_string_equal(attr("/sys/bus/pci/devices/0000:00:0a.0/dsa0/state"), "disabled");
	assert_true(path_exists("/sys/bus/pci/drivers/idxd/0000:00:0a.0"));
}

static void test_probe_reads_caps(void **state)
{
	struct idxd_test *t = *state;
	union gen_cap_reg gen = { .bits = reg64(t, 0, IDXD_GENCAP_OFFSET) };
	union wq_cap_reg wq = { .bits = reg64(t, 0, IDXD_WQCAP_OFFSET) };
	union group_cap_reg grp = { .bits = reg64(t, 0, IDXD_GRPCAP_OFFSET) };
	union engine_cap_reg eng = { .bits = reg64(t, 0, IDXD_ENGCAP_OFFSET) };
	uint64_t opcap[4];
	char buf[256];
	unsigned int i;

	snprintf(buf, sizeof(buf), "%#x", reg32(t, 0, IDXD_VER_OFFSET));
	assert_string_equal(attr(DEV "dsa0/version"), buf);
	snprintf(buf, sizeof(buf), "%#" PRIx64, gen.bits);
	assert_string_equal(attr(DEV "dsa0/gen_cap"), buf);
	snprintf(buf, sizeof(buf), "%u", (unsigned int)wq.num_wqs);
	assert_string_equal(attr(DEV "dsa0/max_work_queues"), buf);
	snprintf(buf, sizeof(buf), "%u", (unsigned int)wq.total_wq_size);
	assert_string_equal(attr(DEV "dsa0/max_work_queues_size"), buf);
	snprintf(buf, sizeof(buf), "%u", (unsigned int)grp.num_groups);
	assert_string_equal(attr(DEV "dsa0/max_groups"), buf);
	snprintf(buf, sizeof(buf), "%u", (unsigned int)grp.total_rdbufs);
	assert_string_equal(attr(DEV "dsa0/max_read_buffers"), buf);
	assert_string_equal(attr(DEV "dsa0/max_tokens"), buf);
	snprintf(buf, sizeof(buf), "%u", (unsigned int)eng.num_engines);
	assert_string_equal(attr(DEV "dsa0/max_engines"), buf);
	snprintf(buf, sizeof(buf), "%u", 1U << gen.max_batch_shift);
	assert_string_equal(attr(DEV "dsa0/max_batch_size"), buf);
	snprintf(buf, sizeof(buf), "%llu", 1ULL << gen.max_xfer_shift);
	assert_string_equal(attr(DEV "dsa0/max_transfer_size"), buf);
	snprintf(buf, sizeof(buf), "%u", (unsigned int)gen.max_ims_mult * 256);
	assert_string_equal(attr(DEV "dsa0/ims_size"), buf);
	snprintf(buf, sizeof(buf), "%u", (unsigned int)gen.config_en);
	assert_string_equal(attr(DEV "dsa0/configurable"), buf);
	for (i = 0; i < 4; i++)
		opcap[i] = reg64(t, 0, IDXD_OPCAP_OFFSET + i * 8);
	assert_true(opcap[0] != 0);
	bitmap_str(buf, opcap);
	assert_string_equal(attr(DEV "dsa0/op_cap"), buf);
}

/* What probe leaves in the function: enabled decoding/mastering, MSI-X, PASID, reset. */
static void test_probe_state(void **state)
{
	struct idxd_test *t = *state;
	struct pci_dev *pdev = t->p.dsa_pdev[0];
	union genctrl_reg ctl = { .bits = reg32(t, 0, IDXD_GENCTRL_OFFSET) };
	unsigned int pos;
	uint16_t cmd, v;

	assert_int_equal(pci_read_config_word(pdev, PCI_COMMAND, &cmd), 0);
	assert_true(cmd & PCI_COMMAND_MEMORY);
	assert_true(cmd & PCI_COMMAND_MASTER);
	assert_true(pdev->msix_enabled);
	pos = pci_find_ext_capability(pdev, PCI_EXT_CAP_ID_PASID);
	assert_true(pos);
	assert_int_equal(pci_read_config_word(pdev, pos + PCI_PASID_CTRL, &v), 0);
	assert_true(v & PCI_PASID_CTRL_ENABLE);
	assert_string_equal(attr(DEV "dsa0/pasid_enabled"), "1");
	assert_int_equal(gensts_state(t, 0), IDXD_DEVICE_STATE_DISABLED);
	assert_true(ctl.softerr_int_en);
	assert_true(ctl.halt_int_en);
	/* the last command was RESET_DEVICE: it cleared CMD and succeeded */
	assert_int_equal(reg32(t, 0, IDXD_CMD_OFFSET), 0);
	assert_int_equal(reg32(t, 0, IDXD_CMDSTS_OFFSET), 0);
}

/* ---- attribute formats ---------------------------------------------------------- */

static void test_attr_formats(void **state)
{
	(void)state;
	assert_string_equal(attr(DEV "dsa0/state"), "disabled");
	assert_string_equal(attr(DEV "dsa0/numa_node"), "-1");
	assert_string_equal(attr(DEV "dsa0/cmd_status"), "0");
	assert_string_equal(attr(DEV "dsa0/clients"), "0");
	assert_string_equal(attr(DEV "dsa0/cdev_major"), "0");
	assert_string_equal(attr(DEV "dsa0/read_buffer_limit"), "0");
	assert_string_equal(attr(DEV "dsa0/errors"),
			    "00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000");
	assert_string_equal(attr(DEV "wq0.0/group_id"), "-1");
	assert_string_equal(attr(DEV "wq0.0/state"), "disabled");
	assert_string_equal(attr(DEV "wq0.0/mode"), "shared");
	assert_string_equal(attr(DEV "wq0.0/type"), "none");
	assert_string_equal(attr(DEV "wq0.0/name"), "");
	assert_string_equal(attr(DEV "wq0.0/driver_name"), "");
	assert_string_equal(attr(DEV "wq0.0/cdev_minor"), "-1");
	assert_string_equal(attr(DEV "wq0.0/size"), "0");
	assert_string_equal(attr(DEV "wq0.0/priority"), "1");
	assert_string_equal(attr(DEV "wq0.0/threshold"), "0");
	assert_string_equal(attr(DEV "wq0.0/block_on_fault"), "0");
	assert_string_equal(attr(DEV "wq0.0/ats_disable"), "0");
	assert_string_equal(attr(DEV "wq0.0/clients"), "0");
	assert_string_equal(attr(DEV "wq0.0/occupancy"), "0");
	assert_string_equal(attr(DEV "wq0.0/max_transfer_size"), "2097152");
	assert_string_equal(attr(DEV "wq0.0/max_batch_size"), "32");
	assert_string_equal(attr(DEV "engine0.0/group_id"), "-1");
	assert_string_equal(attr(DEV "group0.0/engines"), "");
	assert_string_equal(attr(DEV "group0.0/work_queues"), "");
	assert_string_equal(attr(DEV "group0.0/traffic_class_a"), "1");
	assert_string_equal(attr(DEV "group0.0/traffic_class_b"), "1");
	assert_string_equal(attr(DEV "group0.0/read_buffers_reserved"), "0");
	assert_string_equal(attr(DEV "group0.0/read_buffers_allowed"), "0");
	assert_string_equal(attr(DEV "group0.0/use_read_buffer_limit"), "0");

	/* group membership lists, "wq<d>.<n>" separated by spaces */
	config_dwq(0, 1, 2, 0, 4, "user", "a");
	config_dwq(0, 3, 2, 2, 4, "user", "b");
	assert_string_equal(attr(DEV "group0.2/work_queues"), "wq0.1 wq0.3");
	assert_string_equal(attr(DEV "group0.2/engines"), "engine0.0 engine0.2");
	assert_string_equal(attr(DEV "wq0.1/group_id"), "2");
	assert_string_equal(attr(DEV "wq0.1/mode"), "dedicated");
	assert_true(attr_set(" app one \n", DEV "wq0.1/name") > 0);
	assert_string_equal(attr(DEV "wq0.1/name"), "app one");
	assert_true(attr_set("3000", DEV "wq0.1/max_transfer_size") > 0);
	assert_string_equal(attr(DEV "wq0.1/max_transfer_size"), "4096");
	assert_true(attr_set("0x11", DEV "wq0.1/max_batch_size") > 0);
	assert_string_equal(attr(DEV "wq0.1/max_batch_size"), "32");
	assert_true(attr_set("1", DEV "dsa0/cmd_status") > 0);
	assert_string_equal(attr(DEV "dsa0/cmd_status"), "0");
	/* read-only attributes refuse writes */
	assert_int_equal(attr_set("1", DEV "dsa0/version"), -EACCES);
	assert_int_equal(attr_set("1", DEV "wq0.1/state"), -EACCES);
}

/* ---- store validation ---------------------------------------------------------------- */

static void test_store_values(void **state)
{
	(void)state;
	/* unparsable */
	assert_int_equal(attr_set("x", DEV "wq0.0/size"), -EINVAL);
	assert_int_equal(attr_set("-1", DEV "wq0.0/size"), -EINVAL);
	assert_int_equal(attr_set("1x", DEV "wq0.0/priority"), -EINVAL);
	assert_int_equal(attr_set("maybe", DEV "wq0.0/block_on_fault"), -EINVAL);
	assert_int_equal(attr_set("dedicate", DEV "wq0.0/mode"), -EINVAL);
	assert_int_equal(attr_set("users", DEV "wq0.0/type"), -EINVAL);
	assert_int_equal(attr_set("", DEV "wq0.0/name"), -EINVAL);
	assert_int_equal(attr_set(" \n", DEV "wq0.0/driver_name"), -EINVAL);
	assert_int_equal(attr_set("0", DEV "wq0.0/max_transfer_size"), -EINVAL);
	/* WQCAP.op_config is 0 on this device: no such attribute */
	assert_int_equal(attr_set("1", DEV "wq0.0/op_config"), -ENOENT);
	assert_int_equal(attr_set("0", DEV "wq0.0/prs_disable"), -ENOENT);
	/* out of range */
	assert_int_equal(attr_set("129", DEV "wq0.0/size"), -EINVAL);
	assert_true(attr_set("100", DEV "wq0.0/size") > 0);
	assert_int_equal(attr_set("29", DEV "wq0.1/size"), -EINVAL);
	assert_true(attr_set("28", DEV "wq0.1/size") > 0);
	assert_true(attr_set("90", DEV "wq0.0/size") > 0);	/* its own size is not counted twice */
	assert_int_equal(attr_set("16", DEV "wq0.0/priority"), -EINVAL);
	assert_true(attr_set("15", DEV "wq0.0/priority") > 0);
	assert_int_equal(attr_set("4", DEV "wq0.0/group_id"), -EINVAL);
	assert_int_equal(attr_set("-2", DEV "wq0.0/group_id"), -EINVAL);
	assert_true(attr_set("3", DEV "wq0.0/group_id") > 0);
	assert_true(attr_set("-1", DEV "wq0.0/group_id") > 0);
	assert_string_equal(attr(DEV "wq0.0/group_id"), "-1");
	assert_int_equal(attr_set("4", DEV "engine0.0/group_id"), -EINVAL);
	assert_int_equal(attr_set("-2", DEV "engine0.0/group_id"), -EINVAL);
	assert_int_equal(attr_set("4294967296", DEV "wq0.0/max_transfer_size"), -EINVAL);
	assert_int_equal(attr_set("2048", DEV "wq0.0/max_batch_size"), -EINVAL);
	assert_int_equal(attr_set("8", DEV "group0.0/traffic_class_a"), -EINVAL);
	assert_int_equal(attr_set("-1", DEV "group0.0/traffic_class_b"), -EINVAL);
	assert_true(attr_set("3", DEV "group0.0/traffic_class_b") > 0);
	assert_string_equal(attr(DEV "group0.0/traffic_class_b"), "3");
	/* no read buffers on this device: nothing to reserve or limit */
	assert_int_equal(attr_set("1", DEV "group0.0/read_buffers_reserved"), -EINVAL);
	assert_int_equal(attr_set("1", DEV "group0.0/use_read_buffer_limit"), -EINVAL);
	assert_int_equal(attr_set("1", DEV "dsa0/read_buffer_limit"), -EINVAL);
	/* threshold: shared WQs only, 1..size */
	assert_true(attr_set("dedicated", DEV "wq0.0/mode") > 0);
	assert_int_equal(attr_set("4", DEV "wq0.0/threshold"), -EINVAL);
	assert_true(attr_set("shared", DEV "wq0.0/mode") > 0);
	assert_int_equal(attr_set("0", DEV "wq0.0/threshold"), -EINVAL);
	assert_int_equal(attr_set("91", DEV "wq0.0/threshold"), -EINVAL);
	assert_true(attr_set("0x5a", DEV "wq0.0/threshold") > 0);
	assert_string_equal(attr(DEV "wq0.0/threshold"), "90");
	assert_true(attr_set("dedicated", DEV "wq0.0/mode") > 0);
	assert_string_equal(attr(DEV "wq0.0/threshold"), "0");
	/* features this device does not have */
	assert_int_equal(attr_set("1", DEV "wq0.0/block_on_fault"), -EOPNOTSUPP);
	assert_true(attr_set("0", DEV "wq0.0/block_on_fault") > 0);
	assert_int_equal(attr_set("1", DEV "wq0.0/ats_disable"), -EOPNOTSUPP);
	/* names longer than the kernel's limits */
	{
		char longname[1100];

		memset(longname, 'a', sizeof(longname) - 1);
		longname[sizeof(longname) - 1] = '\0';
		assert_int_equal(attr_set(longname, DEV "wq0.0/name"), -EINVAL);
		longname[1024] = '\0';
		assert_true(attr_set(longname, DEV "wq0.0/name") > 0);
		longname[129] = '\0';
		assert_int_equal(attr_set(longname, DEV "wq0.0/driver_name"), -EINVAL);
	}
	/* changing the type clears the name */
	assert_true(attr_set("app", DEV "wq0.0/name") > 0);
	assert_true(attr_set("user", DEV "wq0.0/type") > 0);
	assert_string_equal(attr(DEV "wq0.0/name"), "");
	assert_true(attr_set("mdev", DEV "wq0.0/type") > 0);
	assert_string_equal(attr(DEV "wq0.0/type"), "mdev");
}

/* Once enabled, what is fixed at enable refuses to change (-EPERM, as in the kernel). */
static void test_store_busy(void **state)
{
	(void)state;
	config_dwq(0, 0, 0, 0, 16, "user", "app");
	assert_true(dsa_bind("idxd", "dsa0") > 0);
	/* device enabled: the partition of WQs, groups and engines is fixed */
	assert_int_equal(attr_set("8", DEV "wq0.1/size"), -EPERM);
	assert_int_equal(attr_set("1", DEV "wq0.1/group_id"), -EPERM);
	assert_int_equal(attr_set("1", DEV "engine0.1/group_id"), -EPERM);
	assert_int_equal(attr_set("2", DEV "group0.1/traffic_class_a"), -EPERM);
	assert_int_equal(attr_set("0", DEV "dsa0/read_buffer_limit"), -EPERM);
	/* a disabled WQ of an enabled device still takes its other settings */
	assert_true(attr_set("5", DEV "wq0.1/priority") > 0);
	assert_true(attr_set("user", DEV "wq0.1/type") > 0);
	/* an enabled WQ takes nothing */
	assert_true(dsa_bind("user", "wq0.0") > 0);
	assert_int_equal(attr_set("5", DEV "wq0.0/priority"), -EPERM);
	assert_int_equal(attr_set("shared", DEV "wq0.0/mode"), -EPERM);
	assert_int_equal(attr_set("kernel", DEV "wq0.0/type"), -EPERM);
	assert_int_equal(attr_set("x", DEV "wq0.0/name"), -EPERM);
	assert_int_equal(attr_set("user", DEV "wq0.0/driver_name"), -EPERM);
	assert_int_equal(attr_set("1024", DEV "wq0.0/max_transfer_size"), -EPERM);
	assert_int_equal(attr_set("8", DEV "wq0.0/max_batch_size"), -EPERM);
	assert_true(dsa_unbind("user", "wq0.0") > 0);
	assert_true(attr_set("5", DEV "wq0.0/priority") > 0);
	assert_true(dsa_unbind("idxd", "dsa0") > 0);
	assert_true(attr_set("8", DEV "wq0.1/size") > 0);
}

/* A device with a read-only configuration refuses -EPERM, reads it back. */
static void test_readonly_config(void **state)
{
	struct dsa_hw_params p;
	struct idxd_test t;

	(void)state;
	dsa_hw_params_default(&p);
	p.config_en = false;
	idxd_test_up(&t, &p, 1);
	assert_string_equal(attr(DEV "dsa0/configurable"), "0");
	assert_int_equal(attr_set("8", DEV "wq0.0/size"), -EPERM);
	assert_int_equal(attr_set("1", DEV "wq0.0/group_id"), -EPERM);
	assert_int_equal(attr_set("dedicated", DEV "wq0.0/mode"), -EPERM);
	assert_int_equal(attr_set("3", DEV "wq0.0/priority"), -EPERM);
	assert_int_equal(attr_set("0", DEV "engine0.0/group_id"), -EPERM);
	assert_int_equal(attr_set("2", DEV "group0.0/traffic_class_a"), -EPERM);
	assert_int_equal(attr_set("0", DEV "dsa0/read_buffer_limit"), -EPERM);
	/* type and name stay settable: they are software-only */
	assert_true(attr_set("user", DEV "wq0.0/type") > 0);
	assert_true(attr_set("app", DEV "wq0.0/name") > 0);
	/* its configuration is what the registers hold: here, after reset, none */
	assert_string_equal(attr(DEV "wq0.0/size"), "0");
	assert_string_equal(attr(DEV "wq0.0/group_id"), "-1");
	assert_string_equal(attr(DEV "engine0.0/group_id"), "-1");
	/* enabling writes nothing: the device enables as configured */
	assert_true(dsa_bind("idxd", "dsa0") > 0);
	assert_string_equal(attr(DEV "dsa0/state"), "enabled");
	assert_int_equal(dsa_bind("user", "wq0.0"), -EINVAL);
	assert_int_equal(strtoul(attr(DEV "dsa0/cmd_status"), NULL, 0), IDXD_SCMD_WQ_NO_GRP);
	idxd_test_down(&t);
}

/* ---- enabling ----------------------------------------------------------------------- */

static void test_enable_device_and_wqs(void **state)
{
	struct idxd_test *t = *state;
	struct grpcfg g;
	union wqcfg c;

	config_dwq(0, 0, 0, 0, 16, "user", "app0");
	assert_true(attr_set("7", DEV "wq0.0/priority") > 0);
	assert_true(attr_set("4096", DEV "wq0.0/max_transfer_size") > 0);
	assert_true(attr_set("8", DEV "wq0.0/max_batch_size") > 0);
	/* a shared kernel WQ in group 1 with two engines */
	assert_true(attr_set("1", DEV "engine0.1/group_id") > 0);
	assert_true(attr_set("1", DEV "engine0.2/group_id") > 0);
	assert_true(attr_set("1", DEV "wq0.5/group_id") > 0);
	assert_true(attr_set("32", DEV "wq0.5/size") > 0);
	assert_true(attr_set("20", DEV "wq0.5/threshold") > 0);
	assert_true(attr_set("kernel", DEV "wq0.5/type") > 0);
	assert_true(attr_set("dmaengine", DEV "wq0.5/name") > 0);
	assert_true(attr_set("2", DEV "group0.1/traffic_class_a") > 0);

	assert_int_equal(dsa_bind("idxd", "dsa0"), 4);
	assert_string_equal(attr(DEV "dsa0/state"), "enabled");
	assert_int_equal(gensts_state(t, 0), IDXD_DEVICE_STATE_ENABLED);
	assert_string_equal(attr(DEV "dsa0/driver/unbind"), "<error -13>");	/* link works */

	read_grpcfg(t, 0, 0, &g);
	assert_int_equal(g.wqs[0], 1ULL << 0);
	assert_int_equal(g.engines, 1ULL << 0);
	assert_int_equal(g.flags.tc_a, 1);
	assert_int_equal(g.flags.tc_b, 1);
	read_grpcfg(t, 0, 1, &g);
	assert_int_equal(g.wqs[0], 1ULL << 5);
	assert_int_equal(g.engines, (1ULL << 1) | (1ULL << 2));
	assert_int_equal(g.flags.tc_a, 2);
	read_grpcfg(t, 0, 2, &g);
	assert_int_equal(g.wqs[0] | g.engines, 0);

	read_wqcfg(t, 0, 0, &c);
	assert_int_equal(c.wq_size, 16);
	assert_int_equal(c.mode, 1);
	assert_int_equal(c.priority, 7);
	assert_int_equal(c.max_xfer_shift, 12);
	assert_int_equal(c.max_batch_shift, 3);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_DISABLED);
	read_wqcfg(t, 0, 5, &c);
	assert_int_equal(c.wq_size, 32);
	assert_int_equal(c.wq_thresh, 20);
	assert_int_equal(c.mode, 0);

	assert_int_equal(dsa_bind("user", "wq0.0"), 5);
	assert_string_equal(attr(DEV "wq0.0/state"), "enabled");
	read_wqcfg(t, 0, 0, &c);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_ENABLED);
	assert_int_equal(c.pasid_en, 0);
	assert_int_equal(c.priv, 0);
	assert_string_equal(attr(DEV "wq0.0/driver/bind"), "<error -13>");

	assert_true(dsa_bind("dmaengine", "wq0.5") > 0);
	read_wqcfg(t, 0, 5, &c);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_ENABLED);
	assert_int_equal(c.pasid_en, 1);	/* a shared WQ takes PASIDs from ENQCMD */
	assert_int_equal(c.priv, 1);		/* a kernel WQ is privileged */

	assert_true(dsa_unbind("user", "wq0.0") > 0);
	read_wqcfg(t, 0, 0, &c);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_DISABLED);
	assert_string_equal(attr(DEV "wq0.0/state"), "disabled");
	/* enabling again works from the kept configuration */
	assert_true(dsa_bind("user", "wq0.0") > 0);

	/* unbinding the device disables its WQs first, then resets it */
	assert_true(dsa_unbind("idxd", "dsa0") > 0);
	assert_int_equal(gensts_state(t, 0), IDXD_DEVICE_STATE_DISABLED);
	assert_string_equal(attr(DEV "wq0.0/state"), "disabled");
	assert_string_equal(attr(DEV "wq0.5/state"), "disabled");
	read_wqcfg(t, 0, 0, &c);
	assert_int_equal(c.wq_size, 0);
	/* as Linux: the software configuration returns to power-on too */
	assert_string_equal(attr(DEV "wq0.0/size"), "0");
	assert_string_equal(attr(DEV "wq0.0/group_id"), "-1");
	assert_string_equal(attr(DEV "wq0.0/type"), "none");
	assert_string_equal(attr(DEV "engine0.0/group_id"), "-1");
	assert_int_equal(dsa_bind("idxd", "dsa0"), -EINVAL);
	config_dwq(0, 0, 0, 0, 16, "user", "app0");
	assert_true(dsa_bind("idxd", "dsa0") > 0);
	read_wqcfg(t, 0, 0, &c);
	assert_int_equal(c.wq_size, 16);
}

/* Refusals set cmd_status before the write returns. */
static void test_enable_failures(void **state)
{
	struct idxd_test *t = *state;
	char buf[32];

	/* nothing configured */
	assert_int_equal(dsa_bind("idxd", "dsa0"), -EINVAL);
	snprintf(buf, sizeof(buf), "%#x", IDXD_SCMD_WQ_NONE_CONFIGURED);
	assert_string_equal(attr(DEV "dsa0/cmd_status"), buf);

	/* a WQ before its device */
	config_dwq(0, 0, 0, 0, 16, "user", "app0");
	assert_int_equal(dsa_bind("user", "wq0.0"), -ENXIO);
	snprintf(buf, sizeof(buf), "%#x", IDXD_SCMD_DEV_NOT_ENABLED);
	assert_string_equal(attr(DEV "dsa0/cmd_status"), buf);

	/* a group with a WQ and no engine: the device refuses (raw CMDSTS) */
	assert_true(attr_set("1", DEV "wq0.1/group_id") > 0);
	assert_int_equal(dsa_bind("idxd", "dsa0"), -EIO);
	snprintf(buf, sizeof(buf), "%#x", IDXD_CMDSTS_ERR_GRP_CONFIG3);
	assert_string_equal(attr(DEV "dsa0/cmd_status"), buf);
	assert_int_equal(reg32(t, 0, IDXD_CMDSTS_OFFSET) & 0xff, IDXD_CMDSTS_ERR_GRP_CONFIG3);
	assert_string_equal(attr(DEV "dsa0/state"), "disabled");
	assert_true(attr_set("x", DEV "dsa0/cmd_status") > 0);
	assert_string_equal(attr(DEV "dsa0/cmd_status"), "0");
	assert_true(attr_set("-1", DEV "wq0.1/group_id") > 0);
	assert_true(dsa_bind("idxd", "dsa0") > 0);
	assert_string_equal(attr(DEV "dsa0/cmd_status"), "0");

	/* binding an enabled device again: the driver core says busy */
	assert_int_equal(dsa_bind("idxd", "dsa0"), -EBUSY);

	/* the WQ checks, each with its code */
	struct {
		const char *drv, *wq;
		int rc;
		uint32_t scmd;
	} cases[] = {
		{ "user", "wq0.2", -EINVAL, IDXD_SCMD_WQ_NO_DRV_NAME },	/* type none */
		{ "dmaengine", "wq0.0", -EINVAL, IDXD_SCMD_WQ_NO_DRV_NAME },	/* type user */
		{ "idxd", "wq0.0", -ENODEV, 0 },	/* not a PF driver's object */
	};
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(attr_set("7", DEV "dsa0/cmd_status") > 0, 1);
		assert_int_equal(dsa_bind(cases[i].drv, cases[i].wq), cases[i].rc);
		snprintf(buf, sizeof(buf), "%#x", cases[i].scmd);
		assert_string_equal(attr(DEV "dsa0/cmd_status"), buf);
	}
	/* WQ 3: no group, then no name, then no size */
	assert_true(attr_set("user", DEV "wq0.3/type") > 0);
	assert_int_equal(dsa_bind("user", "wq0.3"), -EINVAL);
	snprintf(buf, sizeof(buf), "%#x", IDXD_SCMD_WQ_NO_GRP);
	assert_string_equal(attr(DEV "dsa0/cmd_status"), buf);
	assert_true(dsa_unbind("idxd", "dsa0") > 0);
	/* disabling cleared the configuration: set it up again */
	config_dwq(0, 0, 0, 0, 16, "user", "app0");
	assert_true(attr_set("user", DEV "wq0.3/type") > 0);
	assert_true(attr_set("0", DEV "wq0.3/group_id") > 0);
	assert_true(dsa_bind("idxd", "dsa0") > 0);
	assert_int_equal(dsa_bind("user", "wq0.3"), -EINVAL);
	snprintf(buf, sizeof(buf), "%#x", IDXD_SCMD_WQ_NO_NAME);
	assert_string_equal(attr(DEV "dsa0/cmd_status"), buf);
	assert_true(attr_set("app3", DEV "wq0.3/name") > 0);
	assert_int_equal(dsa_bind("user", "wq0.3"), -EINVAL);
	snprintf(buf, sizeof(buf), "%#x", IDXD_SCMD_WQ_NO_SIZE);
	assert_string_equal(attr(DEV "dsa0/cmd_status"), buf);
	/* an mdev must be a dedicated WQ */
	assert_true(dsa_unbind("idxd", "dsa0") > 0);
	config_dwq(0, 0, 0, 0, 16, "user", "app0");
	assert_true(attr_set("0", DEV "wq0.3/group_id") > 0);
	assert_true(attr_set("8", DEV "wq0.3/size") > 0);
	assert_true(attr_set("mdev", DEV "wq0.3/type") > 0);
	assert_true(attr_set("m", DEV "wq0.3/name") > 0);
	assert_true(attr_set("shared", DEV "wq0.3/mode") > 0);
	assert_true(attr_set("4", DEV "wq0.3/threshold") > 0);
	assert_true(dsa_bind("idxd", "dsa0") > 0);
	assert_int_equal(dsa_bind("mdev", "wq0.3"), -EINVAL);
	snprintf(buf, sizeof(buf), "%#x", IDXD_SCMD_WQ_NO_SWQ_SUPPORT);
	assert_string_equal(attr(DEV "dsa0/cmd_status"), buf);
	/* driver_name must name the driver bound */
	assert_true(attr_set("dmaengine", DEV "wq0.0/driver_name") > 0);
	assert_int_equal(dsa_bind("user", "wq0.0"), -EINVAL);
	snprintf(buf, sizeof(buf), "%#x", IDXD_SCMD_WQ_NO_DRV_NAME);
	assert_string_equal(attr(DEV "dsa0/cmd_status"), buf);
	assert_true(attr_set("user", DEV "wq0.0/driver_name") > 0);
	assert_true(dsa_bind("user", "wq0.0") > 0);
	assert_string_equal(attr(DEV "dsa0/cmd_status"), "0");
	/* enabling it twice: the driver core refuses, nothing changes */
	assert_int_equal(dsa_bind("user", "wq0.0"), -EBUSY);
	assert_int_equal(gensts_state(t, 0), IDXD_DEVICE_STATE_ENABLED);
}

/* A shared WQ needs PASID, threshold; with them the hardware takes it. */
static void test_shared_wq(void **state)
{
	struct idxd_test *t = *state;
	char buf[32];
	union wqcfg c;

	config_dwq(0, 2, 0, 0, 8, "user", "swq");
	assert_true(attr_set("shared", DEV "wq0.2/mode") > 0);
	assert_true(dsa_bind("idxd", "dsa0") > 0);
	assert_int_equal(dsa_bind("user", "wq0.2"), -EINVAL);
	snprintf(buf, sizeof(buf), "%#x", IDXD_SCMD_WQ_NO_THRESH);
	assert_string_equal(attr(DEV "dsa0/cmd_status"), buf);
	assert_true(attr_set("6", DEV "wq0.2/threshold") > 0);
	assert_true(dsa_bind("user", "wq0.2") > 0);
	read_wqcfg(t, 0, 2, &c);
	assert_int_equal(c.mode, 0);
	assert_int_equal(c.wq_thresh, 6);
	assert_int_equal(c.pasid_en, 1);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_ENABLED);
}

/* The "%*pb" bitmap format of op_cap/op_config, both ways. */
static void test_bitmap_format(void **state)
{
	uint64_t in[4] = { 0x00000001000000feULL, 0, 0x8000000000000000ULL, 0x12 }, out[4];
	char buf[128];

	(void)state;
	idxd_bitmap256_print(buf, sizeof(buf), in);
	assert_string_equal(buf, "00000000,00000012,80000000,00000000,00000000,00000000,"
			    "00000001,000000fe");
	assert_int_equal(idxd_bitmap256_parse(buf, out), 0);
	assert_memory_equal(in, out, sizeof(in));
	/* short forms: fewer words, fewer digits, a newline */
	assert_int_equal(idxd_bitmap256_parse("1,Ff\n", out), 0);
	assert_int_equal(out[0], 0x1000000ffULL);
	assert_int_equal(out[1] | out[2] | out[3], 0);
	assert_int_equal(idxd_bitmap256_parse("", out), -EINVAL);
	assert_int_equal(idxd_bitmap256_parse("1,", out), -EINVAL);
	assert_int_equal(idxd_bitmap256_parse(",1", out), -EINVAL);
	assert_int_equal(idxd_bitmap256_parse("123456789", out), -EINVAL);
	assert_int_equal(idxd_bitmap256_parse("g", out), -EINVAL);
	assert_int_equal(idxd_bitmap256_parse("1,2,3,4,5,6,7,8,9", out), -EINVAL);
	assert_int_equal(idxd_bitmap256_parse("1\n\n", out), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bitmap_format),
		idxd_unit_test(test_probe_objects),
		idxd_unit_test(test_probe_reads_caps),
		idxd_unit_test(test_probe_state),
		idxd_unit_test(test_attr_formats),
		idxd_unit_test(test_store_values),
		idxd_unit_test(test_store_busy),
		cmocka_unit_test(test_readonly_config),
		idxd_unit_test(test_enable_device_and_wqs),
		idxd_unit_test(test_enable_failures),
		idxd_unit_test(test_shared_wq),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
