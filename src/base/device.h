/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The driver core: buses, devices, drivers, classes; matching, probe and
 * remove; reference-counted devices; sysfs presence at the kernel's paths.
 *
 * Layout in the attribute tree (as the kernel makes it):
 *   /sys/devices/<parent path>/<name>/         the device, with "uevent"
 *        .../subsystem -> ../../bus/<bus>      (relative links)
 *        .../driver    -> ../../bus/<bus>/drivers/<drv>   while bound
 *        .../driver_override                   (buses that allow it)
 *   /sys/bus/<bus>/devices/<name> -> the device
 *   /sys/bus/<bus>/drivers/<drv>/{bind,unbind,<name> -> device}
 *   /sys/class/<class>/<name> -> a device (class_link_add)
 * A device without parent lives in /sys/devices (or /sys/devices/<dev_root>
 * when its bus names one, e.g. "virtual").
 *
 * Lifetime (the rules of drivers/base): device_initialize() gives the
 * caller a reference; device_add() makes the device visible and tries to
 * bind it; device_del() unbinds and hides it; put_device() drops a
 * reference and the last one calls ->release(), which frees the memory.
 * After device_initialize() an error path must use put_device(), never
 * free(). device_register() = initialize + add; device_unregister() =
 * del + put. A driver's probe() either succeeds with the device bound or
 * fails leaving nothing behind; remove() undoes probe().
 *
 * One device, one driver. Matching: driver_override (if set) names the only
 * driver that may bind; otherwise bus->match(). A bus may mark ids
 * "override only" (the vfio flavour): those match only through
 * driver_override. Bind and unbind attributes follow the kernel: writing a
 * device name to a driver's bind binds it (-ENODEV no such device, -EBUSY
 * already bound or probe deferred), unbind unbinds it. Beyond the kernel, a
 * driver may refuse an unbind asked for through the unbind attribute
 * (may_unbind(), e.g. -EBUSY for a WQ an mdev owns); unbinds forced by the
 * removal of the device or the driver are never refused.
 * /sys/bus/<bus>/drivers_probe binds a named unbound device as device_add()
 * would (and loads its driver).
 *
 * Driver modules (base/module.h): when device_add() or drivers_probe finds
 * no driver for a device of an autoprobing bus, the core asks the module
 * loader for the device's driver_override name, or else for its modalias
 * (bus->modalias(): "pci:v...", "auxiliary:idxd.mdev"); the module's init
 * registers its driver, which binds the device. That replaces the kernel's
 * uevent, udev and modprobe round trip with a synchronous call.
 *
 * Lifetimes: a device is reference counted (below). A driver is static
 * memory of its module (@owner, NULL when built in), registered from the
 * module's init until its exit; the driver core keeps no reference to it
 * after driver_unregister(), which unbinds every device first. Users that
 * must keep a driver's code loaded while they run (an open VFIO session)
 * pin its module with try_module_get(drv->owner).
 *
 * Threading: event-loop thread only, except get_device/put_device which
 * are atomic. Probe and remove run synchronously inside the call that
 * triggered them; they may add and remove other devices (children, aux
 * devices) but must not unregister their own bus or driver.
 */
#ifndef SIOVD_BASE_DEVICE_H
#define SIOVD_BASE_DEVICE_H

#include <stdbool.h>
#include <stddef.h>

#include "lib/compiler.h"
#include "lib/kref.h"
#include "lib/list.h"
#include "sysfs/sysfs.h"

struct device;
struct device_driver;
struct module;

struct bus_type {
	const char *name;
	/* Directory under /sys/devices for parentless devices, or NULL. */
	const char *dev_root;
	/* Return: true when @drv can drive @dev (ignoring driver_override). */
	bool (*match)(struct device *dev, struct device_driver *drv);
	/* Bus-level probe/remove wrap the driver's (optional). */
	int (*probe)(struct device *dev);
	void (*remove)(struct device *dev);
	/* modalias of @dev into @buf. Return: length or -errno (optional). */
	int (*modalias)(struct device *dev, char *buf, size_t size);
	/* Offer driver_override on devices of this bus. */
	bool driver_override;
	/*
	 * Devices bind only through an explicit bind (the dsa bus: a device
	 * or WQ is enabled by writing its name to a driver's bind file).
	 */
	bool no_autoprobe;
	const struct attribute_group *const *dev_groups;

	/* private to the driver core */
	struct list_head devices;
	struct list_head drivers;
	struct sysfs_dir *dir, *devices_dir, *drivers_dir;
	bool registered;
};

struct device_driver {
	const char *name;
	struct bus_type *bus;
	struct module *owner;		/* THIS_MODULE; NULL when built in */
	int (*probe)(struct device *dev);
	void (*remove)(struct device *dev);
	/*
	 * may_unbind - asked before an unbind requested through the unbind
	 * attribute (optional). Return: 0 to let it happen, -EBUSY (or
	 * another -errno) to refuse it; the device stays bound.
	 */
	int (*may_unbind)(struct device *dev);
	const struct attribute_group *const *groups;
	/* private to the driver core */
	struct list_head node;
	struct sysfs_dir *dir;
	bool registered;
};

struct device_type {
	const char *name;
	const struct attribute_group *const *groups;
	void (*release)(struct device *dev);
};

struct device {
	struct device *parent;
	struct bus_type *bus;
	struct device_driver *driver;	/* bound driver, or NULL */
	const struct device_type *type;
	const struct attribute_group *const *groups;
	void (*release)(struct device *dev);
	void *driver_data;
	void *platform_data;
	char *driver_override;		/* owned; NULL = none */

	/* private to the driver core */
	char *name;
	struct kref kref;
	struct list_head bus_node;
	struct list_head children;
	struct list_head sibling;
	struct sysfs_dir *dir;
	bool added;
	/* owned by the irq layer (irq/msi.h) */
	void *msi_data;
};

/* ---- buses and drivers ------------------------------------------------- */

/* Return: 0, -EEXIST, -ENOMEM. */
int bus_register(struct bus_type *bus);
/* All devices and drivers must be gone. */
void bus_unregister(struct bus_type *bus);

/* Registering binds every matching unbound device. Return: 0, -EEXIST, -EINVAL. */
int driver_register(struct device_driver *drv);
/* Unbinds every device bound to @drv. */
void driver_unregister(struct device_driver *drv);

/*
 * bus_find_device_by_name - a device on @bus named @name, with a reference
 * the caller puts. Return: the device or NULL.
 */
struct device *bus_find_device_by_name(struct bus_type *bus, const char *name);
/* Iterate devices of @bus; stops at a non-zero return and returns it. */
int bus_for_each_dev(struct bus_type *bus, void *data,
		     int (*fn)(struct device *dev, void *data));
struct device_driver *driver_find(const char *name, struct bus_type *bus);

/* ---- devices ----------------------------------------------------------- */

void device_initialize(struct device *dev);
int dev_set_name(struct device *dev, const char *fmt, ...) __printf(2, 3);
const char *dev_name(const struct device *dev);
/* Return: 0, -EINVAL (no name), -EEXIST (name taken on the bus), -ENOMEM. */
int device_add(struct device *dev);
void device_del(struct device *dev);
int device_register(struct device *dev);
void device_unregister(struct device *dev);
struct device *get_device(struct device *dev);
void put_device(struct device *dev);

/*
 * device_attach - bind @dev to a matching driver of its bus.
 * Return: 1 bound, 0 no driver matched, -errno a probe failed.
 */
int device_attach(struct device *dev);
/*
 * bus_probe_device - bind @dev to a matching driver, loading the driver's
 * module first when none is registered (device_add() and drivers_probe).
 * Return: 1 bound, 0 still no driver, -errno a probe failed.
 */
int bus_probe_device(struct device *dev);
/* Bind @dev to @drv (the bind attribute). Return: 0, -EBUSY, -ENODEV, probe error. */
int device_driver_attach(struct device_driver *drv, struct device *dev);
void device_release_driver(struct device *dev);
/* Whether @drv may bind @dev, honouring driver_override. */
bool device_driver_matches(struct device *dev, struct device_driver *drv);

/* Set driver_override (NULL or "" clears). Return: 0, -EINVAL, -ENOMEM. */
int device_set_driver_override(struct device *dev, const char *name);

static inline void *dev_get_drvdata(const struct device *dev)
{
	return dev->driver_data;
}

static inline void dev_set_drvdata(struct device *dev, void *data)
{
	dev->driver_data = data;
}

/* Attribute groups on a device's directory. */
int device_add_groups(struct device *dev, const struct attribute_group *const *groups);
void device_remove_groups(struct device *dev, const struct attribute_group *const *groups);

/*
 * struct device_attribute - a device's attribute, show/store in the
 * kernel's signature. Use DEVICE_ATTR_RO/RW/WO.
 */
struct device_attribute {
	struct attribute attr;
	ssize_t (*show)(struct device *dev, struct device_attribute *attr, char *buf);
	ssize_t (*store)(struct device *dev, struct device_attribute *attr,
			 const char *buf, size_t count);
};

#define __ATTR(_name, _mode, _show, _store) \
	{ .attr = { .name = #_name, .mode = _mode }, .show = _show, .store = _store }
#define DEVICE_ATTR_RO(_name) \
	struct device_attribute dev_attr_##_name = __ATTR(_name, 0444, _name##_show, NULL)
#define DEVICE_ATTR_RW(_name) \
	struct device_attribute dev_attr_##_name = __ATTR(_name, 0644, _name##_show, _name##_store)
#define DEVICE_ATTR_WO(_name) \
	struct device_attribute dev_attr_##_name = __ATTR(_name, 0200, NULL, _name##_store)

/* The sysfs_ops used for device directories (dispatch to device_attribute). */
extern const struct sysfs_ops dev_sysfs_ops;

/* ---- classes ------------------------------------------------------------ */

struct class {
	const char *name;
	/* private */
	struct sysfs_dir *dir;
};

int class_register(struct class *cls);
void class_unregister(struct class *cls);
/* /sys/class/<cls>/<dev name> -> @dev's directory. Return: 0 or -errno. */
int class_link_add(struct class *cls, struct device *dev);
void class_link_remove(struct class *cls, struct device *dev);

/* Snapshot counters for leak accounting and tests. */
unsigned int device_nr_alive(void);

/* ---- device notifiers -------------------------------------------------- */

/*
 * The kernel's bus notifiers (BUS_NOTIFY_ADD_DEVICE, BUS_NOTIFY_DEL_DEVICE),
 * for every bus at once: @fn is called after a device was added (and, where
 * the bus autoprobes, probed) and before a device is deleted. The callback
 * must not add or delete devices itself (queue work for that); the device is
 * valid for the duration of the call only. Event-loop thread.
 */
enum device_event {
	DEVICE_EVENT_ADD,
	DEVICE_EVENT_DEL,
};

struct device_notifier {
	void (*fn)(struct device_notifier *nb, enum device_event event, struct device *dev);
	struct list_head node;
};

void device_notifier_register(struct device_notifier *nb);
void device_notifier_unregister(struct device_notifier *nb);

#endif
