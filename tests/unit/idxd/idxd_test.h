/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The machine the idxd tests run on: the real platform (sysfs, IOMMU,
 * remapping unit, irq core, pci and auxiliary buses), emulated DSAs plugged
 * into it and the idxd driver loaded. Tests see the device only as a driver
 * or a user would: attributes by path, registers by MMIO through the PCI
 * core (their own mapping of BAR0), the exported idxd.h interface.
 */
#ifndef SIOVD_TESTS_IDXD_TEST_H
#define SIOVD_TESTS_IDXD_TEST_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "hw/dsa/dsa.h"
#include "pci/pci.h"
#include "platform/platform.h"
#include "spec/dsa.h"

/* Driver-name mismatch on WQ enable; in <linux/idxd.h> since Linux 6.7. */
#ifndef IDXD_SCMD_WQ_NO_DRV_NAME
#define IDXD_SCMD_WQ_NO_DRV_NAME	0x80200000
#endif

struct idxd_test {
	struct evloop *loop;
	struct platform p;
	unsigned int ndsa;
	struct pci_iomem *bar0[PLATFORM_MAX_DSA];	/* the test's own mappings */
};

/* The test machine with @n DSAs of @params (NULL: defaults), driver loaded. */
void idxd_test_up(struct idxd_test *t, const struct dsa_hw_params *params, unsigned int n);
/* Unload the driver, unplug, tear down; asserts nothing leaked. */
void idxd_test_down(struct idxd_test *t);
/*
 * cmocka fixtures: *@state becomes a calloc'ed idxd_test with one default
 * DSA (idxd_test_up); idxd_test_teardown() takes it down and frees it.
 */
int idxd_test_setup(void **state);
int idxd_test_teardown(void **state);
/* A cmocka test of @f on the machine of idxd_test_setup(). */
#define idxd_unit_test(f) \
	cmocka_unit_test_setup_teardown(f, idxd_test_setup, idxd_test_teardown)

/* Attribute access: the value without its newline into a static buffer. */
const char *attr(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Write @val to the attribute at the path; Return: bytes or -errno. */
ssize_t attr_set(const char *val, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Bind/unbind @obj with dsa driver @drv. Return: bytes or -errno. */
ssize_t dsa_bind(const char *drv, const char *obj);
ssize_t dsa_unbind(const char *drv, const char *obj);

/* Registers of DSA @i, read through the PCI core. */
uint32_t reg32(struct idxd_test *t, unsigned int i, uint64_t off);
uint64_t reg64(struct idxd_test *t, unsigned int i, uint64_t off);
uint64_t grpcfg_base(struct idxd_test *t, unsigned int i, unsigned int group);
uint64_t wqcfg_base(struct idxd_test *t, unsigned int i, unsigned int wq);
void read_wqcfg(struct idxd_test *t, unsigned int i, unsigned int wq, union wqcfg *cfg);
void read_grpcfg(struct idxd_test *t, unsigned int i, unsigned int group, struct grpcfg *cfg);
uint32_t gensts_state(struct idxd_test *t, unsigned int i);

/* Run the event loop until @cond(@arg) holds or a generous bound passes. */
bool run_until(struct idxd_test *t, bool (*cond)(void *arg), void *arg);

/* A full configuration with one dedicated WQ per group, through sysfs. */
void config_dwq(unsigned int dev, unsigned int wq, unsigned int group, unsigned int engine,
		unsigned int size, const char *type, const char *name);

#endif
