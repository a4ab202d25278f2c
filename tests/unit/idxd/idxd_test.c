// SPDX-License-Identifier: GPL-2.0-only
/* The idxd tests' machine and helpers (see idxd_test.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "base/device.h"
#include "idxd/idxd_module.h"
#include "idxd_test.h"
#include "irq/irq.h"
#include "lib/evloop.h"
#include "sysfs/sysfs.h"

void idxd_test_up(struct idxd_test *t, const struct dsa_hw_params *params, unsigned int n)
{
	unsigned int i;

	memset(t, 0, sizeof(*t));
	t->loop = evloop_create();
	assert_non_null(t->loop);
	assert_int_equal(platform_init(&t->p, t->loop), 0);
	assert_int_equal(idxd_driver_init(), 0);
	for (i = 0; i < n; i++) {
		struct pci_dev *pdev = platform_add_dsa(&t->p, params);

		assert_non_null(pdev);
		t->bar0[i] = pci_iomap(pdev, DSA_MMIO_BAR, 0);
		assert_non_null(t->bar0[i]);
	}
	t->ndsa = n;
}

void idxd_test_down(struct idxd_test *t)
{
	unsigned int i;

	for (i = 0; i < t->ndsa; i++)
		pci_iounmap(t->bar0[i]);
	idxd_driver_exit();
	/* every PF is gone: all its interrupts and devices with it */
	assert_int_equal(irq_nr_allocated(), 0);
	platform_exit(&t->p);
	evloop_destroy(t->loop);
	assert_int_equal(device_nr_alive(), 0);
}

int idxd_test_setup(void **state)
{
	struct idxd_test *t = calloc(1, sizeof(*t));

	idxd_test_up(t, NULL, 1);
	*state = t;
	return 0;
}

int idxd_test_teardown(void **state)
{
	idxd_test_down(*state);
	free(*state);
	return 0;
}

const char *attr(const char *fmt, ...)
{
	static char buf[SYSFS_PAGE_SIZE + 1];
	char path[512];
	va_list ap;
	ssize_t n;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	n = sysfs_read(path, buf, SYSFS_PAGE_SIZE);
	if (n < 0) {
		snprintf(buf, sizeof(buf), "<error %zd>", n);
		return buf;
	}
	buf[n] = '\0';
	if (n && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	return buf;
}

ssize_t attr_set(const char *val, const char *fmt, ...)
{
	char path[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return sysfs_write(path, val, strlen(val));
}

ssize_t dsa_bind(const char *drv, const char *obj)
{
	return attr_set(obj, "/sys/bus/dsa/drivers/%s/bind", drv);
}

ssize_t dsa_unbind(const char *drv, const char *obj)
{
	return attr_set(obj, "/sys/bus/dsa/drivers/%s/unbind", drv);
}

uint32_t reg32(struct idxd_test *t, unsigned int i, uint64_t off)
{
	return ioread32(t->bar0[i], off);
}

uint64_t reg64(struct idxd_test *t, unsigned int i, uint64_t off)
{
	return ioread64(t->bar0[i], off);
}

/* Table positions from the OFFSETS register, as the spec defines them. */
uint64_t grpcfg_base(struct idxd_test *t, unsigned int i, unsigned int group)
{
	union offsets_reg o;

	o.bits[0] = reg64(t, i, IDXD_TABLE_OFFSET);
	return (uint64_t)o.grpcfg * IDXD_TABLE_MULT + (uint64_t)group * GRPCFG_SIZE;
}

uint64_t wqcfg_base(struct idxd_test *t, unsigned int i, unsigned int wq)
{
	union offsets_reg o;
	union wq_cap_reg cap;

	o.bits[0] = reg64(t, i, IDXD_TABLE_OFFSET);
	cap.bits = reg64(t, i, IDXD_WQCAP_OFFSET);
	return (uint64_t)o.wqcfg * IDXD_TABLE_MULT + (uint64_t)wq * (32U << cap.wqcfg_size);
}

void read_wqcfg(struct idxd_test *t, unsigned int i, unsigned int wq, union wqcfg *cfg)
{
	union wq_cap_reg cap;
	unsigned int d;

	cap.bits = reg64(t, i, IDXD_WQCAP_OFFSET);
	memset(cfg, 0, sizeof(*cfg));
	for (d = 0; d < (32U << cap.wqcfg_size) / 4 && d < 16; d++)
		cfg->bits[d] = reg32(t, i, wqcfg_base(t, i, wq) + d * 4);
}

void read_grpcfg(struct idxd_test *t, unsigned int i, unsigned int group, struct grpcfg *cfg)
{
	uint64_t base = grpcfg_base(t, i, group);
	unsigned int w;

	memset(cfg, 0, sizeof(*cfg));
	for (w = 0; w < 4; w++)
		cfg->wqs[w] = reg64(t, i, base + w * 8);
	cfg->engines = reg64(t, i, base + GRPCFG_ENGINES_OFFSET);
	cfg->flags.bits = reg64(t, i, base + GRPCFG_FLAGS_OFFSET);
}

uint32_t gensts_state(struct idxd_test *t, unsigned int i)
{
	union gensts_reg g = { .bits = reg32(t, i, IDXD_GENSTATS_OFFSET) };

	return g.state;
}

bool run_until(struct idxd_test *t, bool (*cond)(void *arg), void *arg)
{
	int i;

	/* bounded by iterations, not by time: each waits at most 100 ms */
	for (i = 0; i < 100; i++) {
		if (cond(arg))
			return true;	/* cond may consume what it saw: ask once */
		evloop_run_once(t->loop, 100);
	}
	return false;
}

void config_dwq(unsigned int dev, unsigned int wq, unsigned int group, unsigned int engine,
		unsigned int size, const char *type, const char *name)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%u", group);
	assert_true(attr_set(buf, "/sys/bus/dsa/devices/engine%u.%u/group_id", dev, engine) > 0);
	assert_true(attr_set(buf, "/sys/bus/dsa/devices/wq%u.%u/group_id", dev, wq) > 0);
	assert_true(attr_set("dedicated", "/sys/bus/dsa/devices/wq%u.%u/mode", dev, wq) > 0);
	snprintf(buf, sizeof(buf), "%u", size);
	assert_true(attr_set(buf, "/sys/bus/dsa/devices/wq%u.%u/size", dev, wq) > 0);
	assert_true(attr_set(type, "/sys/bus/dsa/devices/wq%u.%u/type", dev, wq) > 0);
	assert_true(attr_set(name, "/sys/bus/dsa/devices/wq%u.%u/name", dev, wq) > 0);
}
