/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The idxd driver's module init and exit (the kernel's module_init/
 * module_exit of drivers/dma/idxd): DEFINE_MODULE() in module.c names them
 * for the loader, which runs them when idxd.so is loaded (a DSA's modalias)
 * and unloaded; tests that link the driver in call them directly.
 *
 * Loading registers, in this order: the dsa bus (/sys/bus/dsa, no
 * autoprobe: its objects are enabled only by a write to a driver's bind
 * file), its drivers "idxd" (PFs), "dmaengine", "user" and "mdev" (WQs of
 * those types), and last the PCI driver "idxd" for
 * 8086:0b25, which probes every DSA already plugged in. DSAs plugged in
 * later (platform_add_dsa()) are probed as they arrive.
 *
 * Order with the platform: platform_init() .. idxd_driver_init() ..
 * (platform_add_dsa() before or after) .. idxd_driver_exit() ..
 * platform_exit(). Unloading removes every PF (disabling what is enabled and
 * deleting the "idxd.mdev.<N>" auxiliary devices, so the vdcm lets go of its
 * WQs first) and then unregisters the drivers and the bus.
 *
 * Threading: event-loop thread.
 */
#ifndef SIOVD_IDXD_IDXD_MODULE_H
#define SIOVD_IDXD_IDXD_MODULE_H

/**
 * idxd_driver_init - load the idxd driver.
 * Return: 0, or -errno (-EEXIST already loaded, -ENOMEM, -EINVAL when the
 * platform's buses are not up); on error nothing stays registered.
 */
int idxd_driver_init(void);

/**
 * idxd_driver_exit - unload it: remove every PF, unregister the drivers and
 * the dsa bus. Safe to call when not loaded.
 */
void idxd_driver_exit(void);

#endif
