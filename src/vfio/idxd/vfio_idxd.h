/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * vfio_idxd: the idxd virtual device composition module (vdcm), a vfio-pci
 * variant driver in the VFIO subsystem (seeds 000, 002, 003). It binds to
 * the auxiliary device "idxd.mdev.<N>" that the idxd PF driver creates for a
 * DSA with enabled dedicated WQs of type "mdev", registers the PF as an mdev
 * parent with the type "idxd-1dwq-v1", and serves each mdev as a virtual
 * DSA with one dedicated WQ (see docs/theory-of-operation.md).
 *
 * As a module (vfio_idxd.so, loaded by the alias "auxiliary:idxd.mdev"),
 * its init and exit run at load and unload, after its dependencies idxd,
 * mdev and vfio_pci_core are loaded; it imports namespace IDXD and reaches
 * the PF only through idxd.h. Tests that link it in call them directly, in
 * the order platform_init() .. mdev_init() .. vfio_idxd_init() ..
 * vfio_idxd_exit() .. mdev_exit(); vfio_idxd_init() may come before or
 * after idxd_driver_init(): the auxiliary devices bind whenever both exist.
 * idxd_driver_exit() deletes the auxiliary devices, which removes their
 * mdevs first. Unloading the module is refused while a client has one of
 * its mdevs open (the session pins it).
 *
 * Threading: event-loop thread.
 */
#ifndef SIOVD_VFIO_IDXD_VFIO_IDXD_H
#define SIOVD_VFIO_IDXD_VFIO_IDXD_H

/**
 * vfio_idxd_init - register the mdev driver "vfio_idxd" and the auxiliary
 * driver "vfio_idxd.mdev" (which binds every existing "idxd.mdev.<N>").
 * The mdev core must be initialised (mdev_init()).
 * Return: 0, or -errno (-EEXIST already loaded, -EINVAL mdev core missing);
 * on error nothing stays registered. Undone by vfio_idxd_exit().
 */
int vfio_idxd_init(void);

/**
 * vfio_idxd_exit - unregister both drivers: every parent is unregistered,
 * which removes its mdevs (their vfio devices end their sessions). Safe to
 * call when not loaded.
 */
void vfio_idxd_exit(void);

#endif
