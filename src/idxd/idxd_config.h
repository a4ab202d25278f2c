/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The accel-config loader: applies a configuration in the JSON format that
 * `accel-config save-config` writes (and `accel-config load-config` reads)
 * to the PFs of the idxd driver, through the same validation as the sysfs
 * attribute stores. See docs/idxd-driver.md for the accepted keys.
 *
 * Format: an array of device objects {"dev":"dsa0", <device keys>,
 * "groups":[{"dev":"group0.0", <group keys>, "grouped_workqueues":[{"dev":
 * "wq0.0", <wq keys>}...], "grouped_engines":[{"dev":"engine0.0",
 * "group_id":0}...]}...], "ungrouped_workqueues":[...],
 * "ungrouped_engines":[...]}. The deprecated token_* names are accepted.
 * Keys that save-config writes but that are read-only (state, clients,
 * cdev_minor, max_*, ...) are ignored. json-c parses in its default,
 * non-strict mode, so trailing commas (one Debian profile has them) load.
 *
 * Threading: event-loop thread (it writes attributes and binds drivers).
 */
#ifndef SIOVD_IDXD_IDXD_CONFIG_H
#define SIOVD_IDXD_IDXD_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

/* Visible outside the idxd module: the daemon takes them with symbol_get(). */
#pragma GCC visibility push(default)

/**
 * idxd_config_load - apply a save-config JSON text.
 * @json: the text, @len bytes (need not be NUL-terminated).
 * @enable: then enable every device named in it (bind to "idxd") and every
 *	WQ named in it that has a type and a size (bind to the driver its
 *	driver_name, or else its type, names).
 * @err: receives a one-line message naming the object and key that failed
 *	(may be NULL); @errlen: its size in bytes.
 *
 * The configuration step is all or nothing: when a key is refused, the
 * software configuration of every device named in the text is restored to
 * what it was before the call. Enabling is not undone: what was enabled
 * before the failing bind stays enabled.
 *
 * Return: 0; -EINVAL (malformed JSON, unknown key, value refused),
 * -ENODEV (no such device or object), -EBUSY (object enabled or owned by
 * an mdev), -EPERM (device not configurable), -EOPNOTSUPP, -ENOMEM, or the
 * error of a failed enable (the device's cmd_status says why).
 */
int idxd_config_load(const char *json, size_t len, bool enable, char *err, size_t errlen);

/*
 * idxd_default_config - the daemon's profile when none is given (JSON text,
 * NUL-terminated): dsa0 with three groups of one engine each; wq0.0 and
 * wq0.1 dedicated, 16 entries, type mdev, for mediated devices; wq0.2
 * shared, 32 entries, type user.
 */
extern const char idxd_default_config[];

#pragma GCC visibility pop

#endif
