// SPDX-License-Identifier: GPL-2.0-only
/*
 * The interface the vdcm uses (idxd.h), driven as the vdcm drives it: a
 * test auxiliary driver binds to idxd.mdev.<N> and takes WQs. Covers the
 * auxiliary device's life cycle, WQ ownership, PASID enable, WQ commands,
 * the IMS irq chip (table contents through MMIO, masking), interrupt
 * handles, a completion interrupt delivered through IMS, and software
 * errors routed to the WQ that caused them.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <linux/idxd.h>

#include "base/auxiliary.h"
#include "idxd/idxd.h"
#include "idxd/idxd_config.h"
#include "idxd/idxd_module.h"
#include "idxd/idxd_priv.h"		/* the WQ's device, for forced unbinds */
#include "idxd_test.h"
#include "irq/msi.h"
#include "lib/evloop.h"
#include "sysfs/sysfs.h"

#define DEV	"/sys/bus/dsa/devices/"

/* ---- a vdcm stand-in: what the aux driver contract requires of it ---------- */

static struct {
	struct idxd_device *idxd;
	struct idxd_wq *held[8];
	unsigned int nheld;
	int probes, removes;
} vdcm;

static int vdcm_probe(struct auxiliary_device *adev, const struct auxiliary_device_id *id)
{
	vdcm.idxd = to_idxd_mdev_aux(adev)->idxd;
	vdcm.probes++;
	return 0;
}

/* The parent deletes us: give every WQ back before returning. */
static void vdcm_remove(struct auxiliary_device *adev)
{
	while (vdcm.nheld)
		idxd_mdev_wq_put(vdcm.held[--vdcm.nheld]);
	vdcm.idxd = NULL;
	vdcm.removes++;
}

static const struct auxiliary_device_id vdcm_ids[] = {
	{ .name = "idxd.mdev" },
	{ .name = "" },
};

static struct auxiliary_driver vdcm_drv = {
	.name = "vdcm_test",
	.probe = vdcm_probe,
	.remove = vdcm_remove,
	.id_table = vdcm_ids,
};

static struct idxd_wq *vdcm_get(void)
{
	struct idxd_wq *wq = idxd_mdev_wq_get(vdcm.idxd);

	if (wq)
		vdcm.held[vdcm.nheld++] = wq;
	return wq;
}

static void vdcm_put(struct idxd_wq *wq)
{
	unsigned int i;

	for (i = 0; i < vdcm.nheld; i++) {
		if (vdcm.held[i] == wq) {
			vdcm.held[i] = vdcm.held[--vdcm.nheld];
			idxd_mdev_wq_put(wq);
			return;
		}
	}
	fail_msg("WQ not held");
}

/* ---- machine ------------------------------------------------------------------ */

static int setup(void **state)
{
	char err[256];

	memset(&vdcm, 0, sizeof(vdcm));
	idxd_test_setup(state);
	assert_int_equal(__auxiliary_driver_register(&vdcm_drv, NULL, "test"), 0);
	/* the daemon's default profile: wq0.0, wq0.1 mdev; wq0.2 shared user */
	assert_int_equal(idxd_config_load(idxd_default_config, strlen(idxd_default_config),
					  true, err, sizeof(err)), 0);
	return 0;
}

static int teardown(void **state)
{
	auxiliary_driver_unregister(&vdcm_drv);
	assert_int_equal(vdcm.nheld, 0);
	return idxd_test_teardown(state);
}

static bool aux_present(void)
{
	struct auxiliary_device *adev = auxiliary_find_device("idxd.mdev.0");

	if (!adev)
		return false;
	put_device(&adev->dev);
	return true;
}

/* ---- the auxiliary device -------------------------------------------------------- */

static void test_aux_lifecycle(void **state)
{
	struct idxd_test *t = *state;
	struct sysfs_stat st;
	union wqcfg c;

	/* enabled for mediated devices: enabled for the host, off in hardware */
	assert_string_equal(attr(DEV "wq0.0/state"), "enabled");
	read_wqcfg(t, 0, 0, &c);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_DISABLED);
	assert_int_equal(c.wq_size, 16);
	assert_int_equal(c.priority, 10);
	assert_int_equal(c.mode, 1);
	assert_int_equal(c.pasid_en, 0);
	read_wqcfg(t, 0, 2, &c);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_ENABLED);

	assert_true(aux_present());
	assert_int_equal(vdcm.probes, 1);
	assert_non_null(vdcm.idxd);
	assert_int_equal(sysfs_stat("/sys/bus/auxiliary/devices/idxd.mdev.0", &st), 0);
	assert_int_equal(sysfs_stat("/sys/devices/pci0000:00/0000:00:0a.0/idxd.mdev.0", &st), 0);
	assert_string_equal(attr("/sys/bus/auxiliary/devices/idxd.mdev.0/modalias"),
			    "auxiliary:idxd.mdev");

	/* the first mdev WQ of two goes: the device stays */
	assert_true(dsa_unbind("mdev", "wq0.0") > 0);
	assert_true(aux_present());
	assert_int_equal(vdcm.removes, 0);
	/* the last one goes: so does the device */
	assert_true(dsa_unbind("mdev", "wq0.1") > 0);
	assert_false(aux_present());
	assert_int_equal(vdcm.removes, 1);
	assert_int_equal(sysfs_stat("/sys/bus/auxiliary/devices/idxd.mdev.0", &st), -ENOENT);
	/* the first one back creates it again */
	assert_true(dsa_bind("mdev", "wq0.1") > 0);
	assert_true(aux_present());
	assert_int_equal(vdcm.probes, 2);
	/* disabling the PF takes it too */
	assert_true(dsa_unbind("idxd", "dsa0") > 0);
	assert_false(aux_present());
	assert_int_equal(vdcm.removes, 2);
	assert_string_equal(attr(DEV "wq0.1/state"), "disabled");
}

static void test_hw_caps(void **state)
{
	struct idxd_test *t = *state;
	struct idxd_hw_caps caps;
	unsigned int i;

	assert_ptr_equal(idxd_pci_dev(vdcm.idxd), t->p.dsa_pdev[0]);
	assert_string_equal(idxd_name(vdcm.idxd), "dsa0");
	idxd_get_hw_caps(vdcm.idxd, &caps);
	assert_int_equal(caps.version, reg32(t, 0, IDXD_VER_OFFSET));
	assert_int_equal(caps.gen_cap.bits, reg64(t, 0, IDXD_GENCAP_OFFSET));
	assert_int_equal(caps.wq_cap.bits, reg64(t, 0, IDXD_WQCAP_OFFSET));
	assert_int_equal(caps.group_cap.bits, reg64(t, 0, IDXD_GRPCAP_OFFSET));
	assert_int_equal(caps.engine_cap.bits, reg64(t, 0, IDXD_ENGCAP_OFFSET));
	for (i = 0; i < 4; i++)
		assert_int_equal(caps.opcap.bits[i], reg64(t, 0, IDXD_OPCAP_OFFSET + i * 8));
	assert_int_equal(caps.cmd_cap, reg32(t, 0, IDXD_CMDCAP_OFFSET));
	assert_int_equal(caps.msix_vectors, pci_msix_vec_count(t->p.dsa_pdev[0]));
	assert_int_equal(caps.ims_size, caps.gen_cap.max_ims_mult * 256);
	assert_true(caps.ims_size > 0);
}

/* ---- WQ ownership ------------------------------------------------------------------- */

static void test_wq_get_put(void **state)
{
	struct idxd_test *t = *state;
	struct idxd_wq *a, *b;
	struct grpcfg g, hg;
	union wqcfg c, hc;

	assert_int_equal(idxd_mdev_wq_available(vdcm.idxd), 2);
	a = vdcm_get();
	assert_non_null(a);
	assert_int_equal(idxd_wq_id(a), 0);
	assert_string_equal(idxd_wq_name(a), "wq0.0");
	assert_int_equal(idxd_mdev_wq_available(vdcm.idxd), 1);
	assert_string_equal(attr(DEV "wq0.0/clients"), "1");
	assert_string_equal(attr(DEV "dsa0/clients"), "1");
	b = vdcm_get();
	assert_non_null(b);
	assert_int_equal(idxd_wq_id(b), 1);
	assert_int_equal(idxd_mdev_wq_available(vdcm.idxd), 0);
	errno = 0;
	assert_null(idxd_mdev_wq_get(vdcm.idxd));
	assert_int_equal(errno, ENOSPC);

	/* what the vdcm shows its client: the PF's registers */
	idxd_wq_get_wqcfg(b, &c);
	read_wqcfg(t, 0, 1, &hc);
	assert_memory_equal(&c, &hc, sizeof(c));
	assert_int_equal(c.wq_size, 16);
	idxd_wq_get_grpcfg(b, &g);
	read_grpcfg(t, 0, 1, &hg);
	assert_memory_equal(&g, &hg, sizeof(g));
	assert_int_equal(g.wqs[0], 1ULL << 1);
	assert_int_equal(g.engines, 1ULL << 1);

	vdcm_put(a);
	assert_int_equal(idxd_mdev_wq_available(vdcm.idxd), 1);
	assert_string_equal(attr(DEV "wq0.0/clients"), "0");
	/* the one given back is the one handed out next */
	a = vdcm_get();
	assert_int_equal(idxd_wq_id(a), 0);
	vdcm_put(a);
	vdcm_put(b);
	assert_int_equal(idxd_mdev_wq_available(vdcm.idxd), 2);
	/* bad input: no crash, an error */
	assert_null(idxd_mdev_wq_get(NULL));
	assert_int_equal(idxd_mdev_wq_available(NULL), 0);
	idxd_mdev_wq_put(NULL);
	assert_int_equal(idxd_wq_enable_pasid(NULL, 1, NULL), -EINVAL);
	assert_int_equal(idxd_wq_submit(NULL, &c), -EINVAL);
}

static void test_enable_pasid(void **state)
{
	struct idxd_test *t = *state;
	struct idxd_wq *wq = vdcm_get();
	uint32_t sts = 0xdead;
	union wqcfg c;

	assert_non_null(wq);
	assert_false(idxd_wq_hw_enabled(wq));
	assert_int_equal(idxd_wq_enable_pasid(wq, 0, &sts), -EINVAL);
	assert_int_equal(idxd_wq_enable_pasid(wq, 1U << 20, &sts), -EINVAL);
	assert_int_equal(idxd_wq_enable_pasid(wq, 0x4321, &sts), 0);
	assert_int_equal(sts, 0);
	read_wqcfg(t, 0, 0, &c);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_ENABLED);
	assert_int_equal(c.pasid_en, 1);
	assert_int_equal(c.pasid, 0x4321);
	assert_int_equal(c.priv, 0);
	assert_int_equal(c.mode, 1);
	assert_true(idxd_wq_hw_enabled(wq));
	assert_int_equal(idxd_wq_enable_pasid(wq, 0x4321, &sts), -EBUSY);

	assert_int_equal(idxd_wq_drain(wq, &sts), 0);
	assert_int_equal(idxd_wq_abort(wq, &sts), 0);
	assert_true(idxd_wq_hw_enabled(wq));
	assert_int_equal(idxd_wq_disable(wq, &sts), 0);
	assert_false(idxd_wq_hw_enabled(wq));
	/* DISABLE_WQ of a disabled WQ: the device does not mind */
	assert_int_equal(idxd_wq_disable(wq, &sts), 0);
	/* a reset clears WQCFG in the device; the WQ can be enabled again */
	assert_int_equal(idxd_wq_enable_pasid(wq, 7, &sts), 0);
	assert_int_equal(idxd_wq_reset(wq, &sts), 0);
	assert_false(idxd_wq_hw_enabled(wq));
	read_wqcfg(t, 0, 0, &c);
	assert_int_equal(c.priority, 10);
	assert_int_equal(c.pasid_en, 0);
	assert_int_equal(idxd_wq_enable_pasid(wq, 9, &sts), 0);
	read_wqcfg(t, 0, 0, &c);
	assert_int_equal(c.pasid, 9);
	/* give it back enabled: the PF disables it and clears the PASID */
	vdcm_put(wq);
	read_wqcfg(t, 0, 0, &c);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_DISABLED);
	assert_int_equal(c.pasid_en, 0);
	assert_int_equal(c.pasid, 0);
	/* a WQ not owned takes no commands */
	assert_int_equal(idxd_wq_enable_pasid(wq, 9, &sts), -EINVAL);
}

static struct {
	int calls, nulls;
	union sw_err_reg last;
} errs;

static void on_error(void *arg, const union sw_err_reg *swerr)
{
	assert_ptr_equal(arg, &errs);
	errs.calls++;
	if (swerr)
		errs.last = *swerr;
	else
		errs.nulls++;
}

/* An owned WQ cannot be reconfigured or taken back by the host (-EBUSY). */
static void test_owned_host_disable(void **state)
{
	struct idxd_wq *a, *b;
	char err[256];
	static const char profile[] =
		"[{\"dev\":\"dsa0\",\"groups\":[{\"dev\":\"group0.0\",\"grouped_workqueues\":"
		"[{\"dev\":\"wq0.0\",\"priority\":3}]}]}]";

	(void)state;
	memset(&errs, 0, sizeof(errs));
	a = vdcm_get();
	idxd_wq_set_error_handler(a, on_error, &errs);
	assert_int_equal(attr_set("3", DEV "wq0.0/priority"), -EBUSY);
	assert_int_equal(attr_set("user", DEV "wq0.0/type"), -EBUSY);
	assert_int_equal(attr_set("x", DEV "wq0.0/name"), -EBUSY);
	assert_int_equal(attr_set("shared", DEV "wq0.0/mode"), -EBUSY);
	assert_int_equal(attr_set("4096", DEV "wq0.0/max_transfer_size"), -EBUSY);
	assert_int_equal(idxd_config_load(profile, strlen(profile), false, err, sizeof(err)),
			 -EBUSY);
	assert_non_null(strstr(err, "wq0.0"));
	assert_string_equal(attr(DEV "wq0.0/priority"), "10");

	/* the host may not disable it, nor the PF under it: -EBUSY, nothing lost */
	assert_int_equal(idxd_wq_enable_pasid(a, 5, NULL), 0);
	assert_int_equal(dsa_unbind("mdev", "wq0.0"), -EBUSY);
	assert_int_equal(dsa_unbind("idxd", "dsa0"), -EBUSY);
	assert_int_equal(errs.nulls, 0);
	assert_true(idxd_wq_hw_enabled(a));
	assert_string_equal(attr(DEV "wq0.0/state"), "enabled");
	assert_string_equal(attr(DEV "dsa0/state"), "enabled");
	assert_int_equal(idxd_wq_drain(a, NULL), 0);

	/* a forced unbind (the PF going away) cannot be refused: the owner loses it */
	device_release_driver(&a->conf_dev);
	assert_int_equal(errs.nulls, 1);
	assert_false(idxd_wq_hw_enabled(a));
	assert_int_equal(idxd_wq_enable_pasid(a, 5, NULL), -ENODEV);
	assert_int_equal(idxd_wq_drain(a, NULL), -ENODEV);
	assert_true(aux_present());		/* wq0.1 still serves */
	assert_int_equal(dsa_bind("mdev", "wq0.0"), -EBUSY);	/* not until given back */
	vdcm_put(a);
	assert_true(dsa_bind("mdev", "wq0.0") > 0);

	/* the last mdev WQ: the aux device goes first, the vdcm gives back */
	b = vdcm_get();
	a = vdcm_get();
	assert_non_null(a);
	assert_non_null(b);
	device_release_driver(&b->conf_dev);
	assert_true(aux_present());
	device_release_driver(&a->conf_dev);
	assert_false(aux_present());
	assert_int_equal(vdcm.nheld, 0);
	assert_string_equal(attr(DEV "wq0.0/clients"), "0");
}

/* ---- interrupts -------------------------------------------------------------------- */

static void sub_release(struct device *dev)
{
	(void)dev;
}

static uint64_t ims_entry(struct idxd_test *t, unsigned int slot)
{
	union offsets_reg o;

	o.bits[0] = reg64(t, 0, IDXD_TABLE_OFFSET);
	o.bits[1] = reg64(t, 0, IDXD_TABLE_OFFSET + 8);
	return (uint64_t)o.ims * IDXD_TABLE_MULT + (uint64_t)slot * IDXD_IMS_ENTRY_SIZE;
}

static void test_ims_chip(void **state)
{
	struct idxd_test *t = *state;
	union msi_instance_cookie ck = { .value = 0x1234 };
	struct device sub = { .release = sub_release };
	struct irq_data *d;
	struct msi_map m1, m2;
	uint64_t e;
	uint32_t ctrl;

	device_initialize(&sub);
	assert_int_equal(idxd_ims_share(vdcm.idxd, &sub), 0);
	m1 = msi_domain_alloc_irq_at(&sub, MSI_SECONDARY_DOMAIN, MSI_ANY_INDEX, &ck);
	assert_true(m1.index >= 0);
	d = irq_get_irq_data((unsigned int)m1.virq);
	assert_non_null(d);
	e = ims_entry(t, (unsigned int)m1.index);
	assert_int_equal(reg32(t, 0, e + IDXD_IMS_ADDR_OFFSET), (uint32_t)d->msg.address);
	assert_int_equal(reg32(t, 0, e + IDXD_IMS_ADDR_OFFSET + 4), d->msg.address >> 32);
	assert_int_equal(reg32(t, 0, e + IDXD_IMS_DATA_OFFSET), d->msg.data);
	assert_int_equal(d->msg.address & MSI_ADDR_BASE_MASK, MSI_ADDR_BASE);
	ctrl = reg32(t, 0, e + IDXD_IMS_CTRL_OFFSET);
	assert_true(ctrl & IMS_CTRL_VECTOR_MASKBIT);
	assert_true(ctrl & IMS_CTRL_PASID_ENABLE);
	assert_int_equal(ctrl >> IMS_CTRL_PASID_SHIFT, 0x1234);
	enable_irq((unsigned int)m1.virq);
	ctrl = reg32(t, 0, e + IDXD_IMS_CTRL_OFFSET);
	assert_false(ctrl & IMS_CTRL_VECTOR_MASKBIT);
	assert_int_equal(ctrl >> IMS_CTRL_PASID_SHIFT, 0x1234);
	disable_irq((unsigned int)m1.virq);
	assert_true(reg32(t, 0, e + IDXD_IMS_CTRL_OFFSET) & IMS_CTRL_VECTOR_MASKBIT);

	/* without a cookie: no PASID in the entry */
	m2 = msi_domain_alloc_irq_at(&sub, MSI_SECONDARY_DOMAIN, MSI_ANY_INDEX, NULL);
	assert_true(m2.index >= 0);
	assert_int_not_equal(m2.index, m1.index);
	ctrl = reg32(t, 0, ims_entry(t, (unsigned int)m2.index) + IDXD_IMS_CTRL_OFFSET);
	assert_false(ctrl & IMS_CTRL_PASID_ENABLE);
	assert_true(ctrl & IMS_CTRL_VECTOR_MASKBIT);
	assert_int_equal(msi_domain_nr_irqs(&sub, MSI_SECONDARY_DOMAIN), 2);
	/* a subdevice may not share twice, a NULL one not at all */
	assert_int_equal(idxd_ims_share(vdcm.idxd, &sub), -EEXIST);
	assert_int_equal(idxd_ims_share(vdcm.idxd, NULL), -EINVAL);

	msi_domain_free_irqs_all(&sub, MSI_SECONDARY_DOMAIN);
	msi_device_domains_release(&sub);
	put_device(&sub);
}

static void test_int_handles(void **state)
{
	uint16_t h = 0xffff;
	uint32_t sts = 0;

	(void)state;
	assert_int_equal(idxd_request_int_handle(vdcm.idxd, 5, true, &h, &sts), 0);
	assert_int_equal(h, 5);
	/* one handle per entry: the device says no */
	assert_int_equal(idxd_request_int_handle(vdcm.idxd, 5, true, &h, &sts), -EIO);
	assert_int_equal(sts & IDXD_CMDSTS_ERR_MASK, IDXD_CMDSTS_ERR_NO_HANDLE);
	assert_int_equal(strtoul(attr(DEV "dsa0/cmd_status"), NULL, 0) & 0xff,
			 IDXD_CMDSTS_ERR_NO_HANDLE);
	assert_int_equal(idxd_release_int_handle(vdcm.idxd, 5, true, &sts), 0);
	assert_int_equal(idxd_release_int_handle(vdcm.idxd, 5, true, &sts), -EIO);
	assert_int_equal(sts & IDXD_CMDSTS_ERR_MASK, IDXD_CMDSTS_ERR_INVAL_INT_IDX);
	/* MSI-X entries have their own handles */
	assert_int_equal(idxd_request_int_handle(vdcm.idxd, 5, false, &h, &sts), 0);
	assert_int_equal(idxd_release_int_handle(vdcm.idxd, h, false, &sts), 0);
	/* indexes the PF does not have */
	assert_int_equal(idxd_request_int_handle(vdcm.idxd, 2048, true, &h, &sts), -EINVAL);
	assert_int_equal(idxd_request_int_handle(vdcm.idxd, 9, false, &h, &sts), -EINVAL);
	assert_int_equal(idxd_request_int_handle(NULL, 0, true, &h, &sts), -EINVAL);
}

static bool errs_seen(void *arg)
{
	return errs.calls >= *(int *)arg;
}

static bool efd_ready(void *arg)
{
	uint64_t v;

	return read(*(int *)arg, &v, sizeof(v)) == sizeof(v);
}

/* A NOOP asking for a completion interrupt through IMS handle @h. */
static void noop_desc(struct dsa_hw_desc *desc, uint16_t h)
{
	memset(desc, 0, sizeof(*desc));
	desc->opcode = DSA_OPCODE_NOOP;
	desc->flags = IDXD_OP_FLAG_RCI;
	desc->int_handle = h;
}

/* The whole path: descriptor -> IMS entry (PASID checked) -> eventfd; errors -> handler. */
static void test_ims_interrupt_and_swerr(void **state)
{
	struct idxd_test *t = *state;
	struct device sub = { .release = sub_release };
	union msi_instance_cookie good = { .value = 0x77 }, bad = { .value = 0x78 };
	struct dsa_hw_desc desc;
	struct idxd_wq *wq;
	struct msi_map m, mbad;
	uint16_t h, hbad;
	int efd, want;

	memset(&errs, 0, sizeof(errs));
	wq = vdcm_get();
	idxd_wq_set_error_handler(wq, on_error, &errs);

	/* submitted while the WQ is off in hardware: dropped, a software error */
	noop_desc(&desc, 0);
	assert_int_equal(idxd_wq_submit(wq, &desc), 0);
	want = 1;
	assert_true(run_until(t, errs_seen, &want));
	assert_int_equal(errs.last.error, DSA_SWERR_WQ_NOT_ENABLED);
	assert_true(errs.last.wq_idx_valid);
	assert_int_equal(errs.last.wq_idx, idxd_wq_id(wq));
	assert_string_not_equal(attr(DEV "dsa0/errors"),
				"00000000,00000000,00000000,00000000,00000000,00000000,00000000,00000000");

	assert_int_equal(idxd_wq_enable_pasid(wq, 0x77, NULL), 0);
	device_initialize(&sub);
	assert_int_equal(idxd_ims_share(vdcm.idxd, &sub), 0);
	m = msi_domain_alloc_irq_at(&sub, MSI_SECONDARY_DOMAIN, MSI_ANY_INDEX, &good);
	mbad = msi_domain_alloc_irq_at(&sub, MSI_SECONDARY_DOMAIN, MSI_ANY_INDEX, &bad);
	assert_true(m.index >= 0 && mbad.index >= 0);
	assert_int_equal(idxd_request_int_handle(vdcm.idxd, (unsigned int)m.index, true, &h, NULL), 0);
	assert_int_equal(idxd_request_int_handle(vdcm.idxd, (unsigned int)mbad.index, true, &hbad,
						 NULL), 0);
	efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	assert_true(efd >= 0);
	assert_int_equal(irq_set_eventfd((unsigned int)m.virq, efd), 0);
	enable_irq((unsigned int)m.virq);

	/* the IMS entry's PASID is the WQ's: the interrupt arrives */
	noop_desc(&desc, h);
	assert_int_equal(idxd_wq_submit(wq, &desc), 0);

	assert_true(run_until(t, efd_ready, &efd));
	assert_int_equal(idxd_wq_drain(wq, NULL), 0);

	/* another PASID's entry: refused by the device, reported as ours */
	noop_desc(&desc, hbad);
	assert_int_equal(idxd_wq_submit(wq, &desc), 0);
	want = 2;
	assert_true(run_until(t, errs_seen, &want));
	assert_int_equal(errs.last.error, DSA_COMP_INT_HANDLE_INVAL);
	assert_int_equal(errs.last.wq_idx, idxd_wq_id(wq));
	assert_int_equal(errs.last.pasid, 0x77);
	assert_false(efd_ready(&efd));
	assert_int_equal(errs.nulls, 0);

	assert_int_equal(idxd_release_int_handle(vdcm.idxd, h, true, NULL), 0);
	assert_int_equal(idxd_release_int_handle(vdcm.idxd, hbad, true, NULL), 0);
	msi_domain_free_irqs_all(&sub, MSI_SECONDARY_DOMAIN);
	msi_device_domains_release(&sub);
	put_device(&sub);
	close(efd);
	vdcm_put(wq);
}

/* A second owner's error handler. */
static int next_owner_errs;

static void on_error_next(void *arg, const union sw_err_reg *swerr)
{
	assert_ptr_equal(arg, &next_owner_errs);
	next_owner_errs++;
}

/* Spin the event loop for about @ms milliseconds. */
static void run_for(struct idxd_test *t, unsigned int ms)
{
	unsigned int i;

	for (i = 0; i < ms / 10; i++)
		evloop_run_once(t->loop, 10);
}

/*
 * idxd_wq_flush_errors: a software error the PF logged is reported to the
 * WQ's handler before the call returns, not when the event loop services
 * the PF's error interrupt; the interrupt then finds nothing. A WQ given
 * back with an error still pending reports it to the owner that gives it
 * back (or to nobody), never to the WQ's next owner.
 */
static void test_flush_errors(void **state)
{
	struct idxd_test *t = *state;
	struct dsa_hw_desc desc;
	struct idxd_wq *wq, *next;

	memset(&errs, 0, sizeof(errs));
	next_owner_errs = 0;
	wq = vdcm_get();
	assert_non_null(wq);
	idxd_wq_set_error_handler(wq, on_error, &errs);
	assert_int_equal(idxd_wq_flush_errors(NULL), -EINVAL);
	assert_int_equal(idxd_wq_flush_errors(wq), 0);	/* nothing pending */
	assert_int_equal(errs.calls, 0);

	/* the WQ is off in hardware: the PF drops the descriptor and logs it */
	noop_desc(&desc, 0);
	assert_int_equal(idxd_wq_submit(wq, &desc), 0);
	assert_true(reg32(t, 0, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_ERR);
	assert_int_equal(errs.calls, 0);
	assert_int_equal(idxd_wq_flush_errors(wq), 0);
	assert_int_equal(errs.calls, 1);
	assert_int_equal(errs.last.error, DSA_SWERR_WQ_NOT_ENABLED);
	assert_int_equal(errs.last.wq_idx, idxd_wq_id(wq));
	assert_false(reg32(t, 0, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_ERR);
	assert_false(reg64(t, 0, IDXD_SWERR_OFFSET) & IDXD_SWERR_VALID);
	run_for(t, 200);
	assert_int_equal(errs.calls, 1);	/* the interrupt found it handled */

	/* given back with an error pending, taken by the next owner */
	assert_int_equal(idxd_wq_submit(wq, &desc), 0);
	assert_true(reg32(t, 0, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_ERR);
	vdcm_put(wq);
	assert_int_equal(errs.calls, 2);
	next = vdcm_get();
	assert_ptr_equal(next, wq);
	idxd_wq_set_error_handler(next, on_error_next, &next_owner_errs);
	run_for(t, 200);
	assert_int_equal(next_owner_errs, 0);
	assert_int_equal(errs.calls, 2);
	vdcm_put(next);
}

static void test_portal_mmap(void **state)
{
	struct idxd_wq *wq = vdcm_get();
	uint64_t off = 0;
	struct stat st;
	int fd = -1;

	(void)state;
	assert_int_equal(idxd_wq_portal_mmap(wq, &fd, &off), 0);
	assert_true(fd >= 0);
	/* the page's own file: nothing of another WQ's portals behind it */
	assert_int_equal(off, 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_int_equal(st.st_size, DSA_PORTAL_SIZE);
	assert_int_equal(idxd_wq_portal_mmap(wq, NULL, &off), -EINVAL);
	vdcm_put(wq);
}

/*
 * idxd_wq_portal_revoke: the page handed out gets a new file (the old fd is
 * the PF's no more), once; nothing to do for a page not handed out since.
 * Giving the WQ back revokes a page its owner left handed out, so the next
 * owner is handed a new one.
 */
static void test_portal_revoke(void **state)
{
	struct idxd_wq *wq = vdcm_get();
	struct stat st1, st2, st3;
	unsigned int id;
	uint64_t off;
	int fd;

	(void)state;
	assert_int_equal(idxd_wq_portal_revoke(NULL), -EINVAL);
	assert_int_equal(idxd_wq_portal_revoke(wq), -ENOENT);
	assert_int_equal(idxd_wq_portal_mmap(wq, &fd, &off), 0);
	assert_int_equal(fstat(fd, &st1), 0);
	assert_int_equal(idxd_wq_portal_revoke(wq), 0);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(idxd_wq_portal_revoke(wq), -ENOENT);
	assert_int_equal(idxd_wq_portal_mmap(wq, &fd, &off), 0);
	assert_int_equal(fstat(fd, &st2), 0);
	assert_false(st2.st_ino == st1.st_ino && st2.st_dev == st1.st_dev);

	/* left handed out, and the WQ given back: the next owner has a new page */
	id = idxd_wq_id(wq);
	vdcm_put(wq);
	wq = vdcm_get();
	assert_int_equal(idxd_wq_id(wq), id);
	assert_int_equal(idxd_wq_portal_revoke(wq), -ENOENT);
	assert_int_equal(idxd_wq_portal_mmap(wq, &fd, &off), 0);
	assert_int_equal(fstat(fd, &st3), 0);
	assert_false(st3.st_ino == st2.st_ino && st3.st_dev == st2.st_dev);
	vdcm_put(wq);
}

/* Unloading the driver with WQs owned: the vdcm is told first, nothing leaks. */
static void test_unload_with_owned_wqs(void **state)
{
	struct idxd_wq *a = vdcm_get(), *b = vdcm_get();

	(void)state;
	assert_non_null(a);
	assert_non_null(b);
	assert_int_equal(idxd_wq_enable_pasid(a, 3, NULL), 0);
	idxd_driver_exit();
	assert_int_equal(vdcm.nheld, 0);
	assert_int_equal(vdcm.removes, 1);
	assert_false(aux_present());
	/* loading again finds the same DSA, as new */
	assert_int_equal(idxd_driver_init(), 0);
	assert_string_equal(attr(DEV "dsa0/state"), "disabled");
	assert_string_equal(attr(DEV "wq0.0/type"), "none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_aux_lifecycle, setup, teardown),
		cmocka_unit_test_setup_teardown(test_hw_caps, setup, teardown),
		cmocka_unit_test_setup_teardown(test_wq_get_put, setup, teardown),
		cmocka_unit_test_setup_teardown(test_enable_pasid, setup, teardown),
		cmocka_unit_test_setup_teardown(test_owned_host_disable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ims_chip, setup, teardown),
		cmocka_unit_test_setup_teardown(test_int_handles, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ims_interrupt_and_swerr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_flush_errors, setup, teardown),
		cmocka_unit_test_setup_teardown(test_portal_mmap, setup, teardown),
		cmocka_unit_test_setup_teardown(test_portal_revoke, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unload_with_owned_wqs, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
