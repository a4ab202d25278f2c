// SPDX-License-Identifier: GPL-2.0-only
/*
 * Restart without loss (siovd --state DIR): the profile siovd applied and
 * every mdev's definition are kept in the state directory (state.h), and
 * recreated with the same UUIDs — hence the same vfio-user socket paths —
 * when siovd starts again after a stop or a crash. A client that was
 * connected sees its socket close, reconnects, resets the device and maps
 * its memory again (the vfio-user spec's server-disconnect behaviour).
 *
 * Definitions follow the mdevs through a device notifier: a new mdev is
 * saved once its create has finished (from queued work, so the store that
 * created it has returned and its links exist), a removed one is forgotten.
 * On shutdown the notifier goes first, so tearing the mdevs down does not
 * forget them.
 */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/device.h"
#include "daemon/persist.h"
#include "daemon/state.h"
#include "lib/evloop.h"
#include "lib/log.h"
#include "sysfs/sysfs.h"

struct siovd_persist {
	struct siovd_state *st;
	struct evloop *loop;
	struct device_notifier nb;
	struct list_head pending;	/* save work queued, not yet run */
	bool restoring;
};

struct save_work {
	struct ev_work work;
	struct siovd_persist *p;
	struct list_head node;
	char uuid[37];
};

static bool is_mdev(struct device *dev)
{
	return dev->bus && !strcmp(dev->bus->name, "mdev") && strlen(dev_name(dev)) == 36;
}

/* The last path component of the symlink at @path into @out. */
static int link_base(const char *path, char *out, size_t size)
{
	char target[512];
	int n = sysfs_readlink(path, target, sizeof(target));

	if (n < 0)
		return n;
	snprintf(out, size, "%s", basename(target));
	return 0;
}

/* Describe mdev @uuid from the tree. Return: 0 or -errno (it is gone). */
static int describe(const char *uuid, struct siovd_mdev_def *def)
{
	char path[256], target[512], *slash;
	ssize_t n;
	int rc;

	memset(def, 0, sizeof(*def));
	snprintf(def->uuid, sizeof(def->uuid), "%s", uuid);
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/mdev_type", uuid);
	rc = link_base(path, def->type, sizeof(def->type));
	if (rc)
		return rc;
	/* .../devices/pci0000:00/0000:00:0a.0/UUID: the parent is the directory above */
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s", uuid);
	rc = sysfs_realpath(path, target, sizeof(target));
	if (rc < 0)
		return rc;
	slash = strrchr(target, '/');
	if (!slash)
		return -EINVAL;
	*slash = '\0';
	snprintf(def->parent, sizeof(def->parent), "%s", basename(target));
	snprintf(path, sizeof(path), "/sys/bus/mdev/devices/%s/wq", uuid);
	n = sysfs_read(path, def->wq, sizeof(def->wq) - 1);
	def->wq[n > 0 ? n : 0] = '\0';
	def->wq[strcspn(def->wq, "\n")] = '\0';
	return 0;
}

static void save_fn(struct ev_work *work)
{
	struct save_work *w = container_of(work, struct save_work, work);
	struct siovd_mdev_def def;
	int rc;

	list_del_init(&w->node);
	if (w->p && !describe(w->uuid, &def)) {
		rc = siovd_state_mdev_save(w->p->st, &def);
		if (rc)
			pr_err("state: cannot save mdev %s: %s", w->uuid, strerror(-rc));
	}
	free(w);
}

static void notify(struct device_notifier *nb, enum device_event ev, struct device *dev)
{
	struct siovd_persist *p = container_of(nb, struct siovd_persist, nb);
	struct save_work *w;
	int rc;

	if (!is_mdev(dev))
		return;
	if (ev == DEVICE_EVENT_DEL) {
		rc = siovd_state_mdev_forget(p->st, dev_name(dev));
		if (rc && rc != -ENOENT)
			pr_err("state: cannot forget mdev %s: %s", dev_name(dev), strerror(-rc));
		return;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return;
	w->p = p;
	w->work.fn = save_fn;
	snprintf(w->uuid, sizeof(w->uuid), "%s", dev_name(dev));
	list_add_tail(&w->node, &p->pending);
	evloop_queue_work(p->loop, &w->work);
}

struct siovd_persist *siovd_persist_start(struct evloop *loop, const char *dir)
{
	struct siovd_persist *p = calloc(1, sizeof(*p));

	if (!p)
		return NULL;
	p->st = siovd_state_open(dir);
	if (!p->st) {
		free(p);
		return NULL;
	}
	p->loop = loop;
	INIT_LIST_HEAD(&p->pending);
	p->nb.fn = notify;
	device_notifier_register(&p->nb);
	return p;
}

void siovd_persist_stop(struct siovd_persist *p)
{
	struct save_work *w, *n;

	if (!p)
		return;
	device_notifier_unregister(&p->nb);
	/* queued saves still run (the loop owns them): detach them from us */
	list_for_each_entry_safe(w, n, &p->pending, node) {
		list_del_init(&w->node);
		w->p = NULL;
	}
	siovd_state_close(p->st);
	free(p);
}

char *siovd_persist_config(struct siovd_persist *p, size_t *len)
{
	return p ? siovd_state_load_config(p->st, len) : NULL;
}

void siovd_persist_save_config(struct siovd_persist *p, const char *json, size_t len)
{
	int rc;

	if (!p)
		return;
	rc = siovd_state_save_config(p->st, json, len);
	if (rc)
		pr_err("state: cannot save the profile: %s", strerror(-rc));
}

int siovd_persist_restore_mdevs(struct siovd_persist *p)
{
	struct siovd_mdev_def *defs;
	char path[256];
	int n, i, rc, restored = 0;
	ssize_t w;

	if (!p)
		return 0;
	n = siovd_state_mdev_list(p->st, &defs);
	if (n < 0)
		return n;
	for (i = 0; i < n; i++) {
		rc = snprintf(path, sizeof(path),
			      "/sys/class/mdev_bus/%s/mdev_supported_types/%s/create",
			      defs[i].parent, defs[i].type);
		if (rc >= (int)sizeof(path))
			continue;
		w = sysfs_write(path, defs[i].uuid, strlen(defs[i].uuid));
		if (w < 0) {
			pr_err("state: cannot recreate mdev %s on %s: %s", defs[i].uuid,
			       defs[i].parent, strerror((int)-w));
			continue;
		}
		pr_info("state: recreated mdev %s (%s)", defs[i].uuid, defs[i].type);
		restored++;
	}
	free(defs);
	return restored;
}
