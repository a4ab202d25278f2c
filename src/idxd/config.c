// SPDX-License-Identifier: GPL-2.0-only
/*
 * The accel-config loader: a `save-config` JSON text applied through the
 * attribute stores (sysfs.c), then optionally enabled by binding drivers,
 * as `accel-config load-config [-e]` does on Linux. json-c parses it.
 *
 * Two passes over the text: the first checks its shape (every object name
 * resolves, every key is known, every value has a JSON type an attribute
 * can take) without changing anything; the second writes the values. A
 * store that refuses a value aborts the load and restores the software
 * configuration of every device named, so a bad profile loses nothing.
 *
 * Keys are applied as accel-config applies them, including its skips: no
 * threshold for a dedicated WQ, no traffic classes before DSA 2.0, no
 * use_read_buffer_limit without a global limit, -1 meaning "leave it".
 * Keys for a feature the device lacks (block_on_fault, ats_disable,
 * prs_disable, op_config, the read buffer controls, event_log_size) are
 * skipped too, with a warning when the profile asks for the feature, so
 * that the stock profiles load on every DSA.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <json-c/json.h>

#include "idxd/idxd_config.h"
#include "idxd/idxd_priv.h"
#include "lib/log.h"

enum cfg_kind { CFG_DEVICE, CFG_GROUP, CFG_WQ, CFG_ENGINE };

static const char *const cfg_prefix[] = {
	[CFG_DEVICE] = "dsa", [CFG_GROUP] = "group", [CFG_WQ] = "wq", [CFG_ENGINE] = "engine",
};

/* Keys save-config writes that are no attribute of ours: ignored. */
static const char *const cfg_ignored_keys[] = {
	"work_queue_size", "iaa_cap", "mdevs", NULL,
};

/* The order in which WQ keys are applied: each one may depend on those before. */
static const char *const cfg_wq_order[] = {
	"group_id", "mode", "size", "priority", "block_on_fault", "ats_disable",
	"prs_disable", "max_batch_size", "max_transfer_size", "op_config", "type",
	"name", "driver_name", "threshold", NULL,
};

struct cfg_dev {
	struct idxd_device *idxd;
	struct json_object *jdev;
	/* the software configuration before the load */
	unsigned int rdbuf_limit;
	struct idxd_wq_conf *wqs;
	struct idxd_group_conf *groups;
	struct idxd_group **engine_groups;
};

struct cfg_ctx {
	char *err;
	size_t errlen;
	bool apply;
	struct cfg_dev devs[IDXD_MAX_DEVICES];
	unsigned int ndevs;
	struct idxd_wq **wqs;		/* WQs named, for enabling */
	unsigned int nwqs, wqs_cap;
};

static int __printf(3, 4) cfg_error(struct cfg_ctx *ctx, int rc, const char *fmt, ...)
{
	va_list ap;

	if (ctx->err && ctx->errlen) {
		va_start(ap, fmt);
		vsnprintf(ctx->err, ctx->errlen, fmt, ap);
		va_end(ap);
	}
	return rc;
}

static bool str_in(const char *s, const char *const *list)
{
	for (; *list; list++)
		if (!strcmp(s, *list))
			return true;
	return false;
}

/* ---- names --------------------------------------------------------------- */

/* "<prefix><devid>.<id>" exactly, with @id below @max. Return: 0 or -ENODEV. */
static int cfg_parse_name(const char *name, enum cfg_kind kind, int devid,
			  unsigned int max, unsigned int *id)
{
	size_t plen = strlen(cfg_prefix[kind]);
	int d, n = 0;

	if (strncmp(name, cfg_prefix[kind], plen) ||
	    sscanf(name + plen, "%d.%u%n", &d, id, &n) != 2 || name[plen + n] ||
	    d != devid || *id >= max)
		return -ENODEV;
	return 0;
}

/*
 * The PF a device object names. "iax<N>" (the Debian test profiles have
 * one) names no DSA; as the kernel numbers DSA and IAX devices from one id
 * space, it is taken as dsa<N> when that exists, with a warning.
 */
static struct idxd_device *cfg_find_device(const char *name)
{
	struct idxd_device *idxd = idxd_find_device(name);
	char alias[32];
	int id, n = 0;

	if (idxd || strncmp(name, "iax", 3) || sscanf(name + 3, "%d%n", &id, &n) != 1 ||
	    name[3 + n])
		return idxd;
	snprintf(alias, sizeof(alias), "dsa%d", id);
	idxd = idxd_find_device(alias);
	if (idxd)
		pr_warn("accel-config: %s: no IAX devices here; configuring %s", name, alias);
	return idxd;
}

static const char *cfg_dev_name(struct json_object *obj)
{
	struct json_object *jname;

	if (!json_object_is_type(obj, json_type_object) ||
	    !json_object_object_get_ex(obj, "dev", &jname) ||
	    !json_object_is_type(jname, json_type_string))
		return NULL;
	return json_object_get_string(jname);
}

/* ---- values ------------------------------------------------------------------ */

/* A JSON scalar as an attribute string. Return: 0 or -EINVAL. */
static int cfg_value(struct json_object *v, char *buf, size_t size)
{
	double d;

	switch (json_object_get_type(v)) {
	case json_type_int:
		snprintf(buf, size, "%" PRId64, json_object_get_int64(v));
		return 0;
	case json_type_boolean:
		snprintf(buf, size, "%d", json_object_get_boolean(v) ? 1 : 0);
		return 0;
	case json_type_double:
		d = json_object_get_double(v);
		if (d != (double)(int64_t)d)
			return -EINVAL;
		snprintf(buf, size, "%" PRId64, (int64_t)d);
		return 0;
	case json_type_string:
		if ((size_t)json_object_get_string_len(v) >= size)
			return -EINVAL;
		snprintf(buf, size, "%s", json_object_get_string(v));
		return 0;
	default:
		return -EINVAL;
	}
}

static int64_t cfg_int(struct json_object *v)
{
	return json_object_get_int64(v);
}

/* ---- skips (accel-config's and missing features) --------------------------------- */

static bool cfg_skip_feature(const char *obj, const char *key, struct json_object *v, bool has)
{
	if (has)
		return false;
	if (cfg_int(v) > 0 || (json_object_is_type(v, json_type_string) &&
			       strcmp(json_object_get_string(v), "0")))
		pr_warn("accel-config: %s: %s ignored: the device does not support it", obj, key);
	return true;
}

static bool cfg_skip(struct device *dev, enum cfg_kind kind, const char *key,
		     struct json_object *v)
{
	const char *obj = dev_name(dev);
	struct idxd_device *idxd;
	struct idxd_wq *wq;

	switch (kind) {
	case CFG_DEVICE:
		idxd = confdev_to_idxd(dev);
		if (!strcmp(key, "read_buffer_limit") || !strcmp(key, "token_limit"))
			return cfg_skip_feature(obj, key, v, idxd->hw.group_cap.rdbuf_limit);
		if (!strcmp(key, "event_log_size"))
			return cfg_skip_feature(obj, key, v, idxd->hw.gen_cap.evl_support);
		return false;
	case CFG_GROUP:
		idxd = confdev_to_group(dev)->idxd;
		if (strstr(key, "read_buffers_") || strstr(key, "tokens_"))
			return cfg_int(v) == -1 || cfg_skip_feature(obj, key, v, idxd->max_rdbufs);
		if (!strcmp(key, "use_read_buffer_limit") || !strcmp(key, "use_token_limit"))
			return !idxd->rdbuf_limit;
		if (strstr(key, "traffic_class_"))
			return cfg_int(v) == -1 || idxd->hw.version < DEVICE_VERSION_2;
		if (strstr(key, "progress_limit"))
			return cfg_skip_feature(obj, key, v, idxd->hw.group_cap.progress_limit);
		return false;
	case CFG_WQ:
		wq = confdev_to_wq(dev);
		idxd = wq->idxd;
		if (!strcmp(key, "threshold"))
			return idxd_wq_dedicated(wq);
		if (!strcmp(key, "block_on_fault"))
			return cfg_skip_feature(obj, key, v, idxd->hw.gen_cap.block_on_fault);
		if (!strcmp(key, "ats_disable"))
			return cfg_skip_feature(obj, key, v, idxd->hw.wq_cap.wq_ats_support);
		if (!strcmp(key, "prs_disable"))
			return cfg_skip_feature(obj, key, v, idxd->hw.wq_cap.wq_prs_support);
		if (!strcmp(key, "op_config"))
			return !idxd->hw.wq_cap.op_config;
		return false;
	default:
		return false;
	}
}

/* ---- one key ------------------------------------------------------------------ */

static const struct attribute_group *const *cfg_groups(enum cfg_kind kind)
{
	switch (kind) {
	case CFG_DEVICE:
		return idxd_attribute_groups;
	case CFG_GROUP:
		return idxd_group_attribute_groups;
	case CFG_WQ:
		return idxd_wq_attribute_groups;
	default:
		return idxd_engine_attribute_groups;
	}
}

static bool cfg_structural(enum cfg_kind kind, const char *key)
{
	static const char *const dev_keys[] = {
		"dev", "groups", "ungrouped_workqueues", "ungrouped_engines", NULL,
	};
	static const char *const group_keys[] = {
		"dev", "grouped_workqueues", "grouped_engines", NULL,
	};

	if (kind == CFG_DEVICE)
		return str_in(key, dev_keys);
	if (kind == CFG_GROUP)
		return str_in(key, group_keys);
	return !strcmp(key, "dev");
}

/*
 * Check (first pass) or apply (second pass) @key = @v on @dev: a writable
 * attribute gets the value through its store, a read-only one or a key
 * save-config writes for information is ignored, anything else is refused.
 */
static int cfg_key(struct cfg_ctx *ctx, struct device *dev, enum cfg_kind kind,
		   const char *key, struct json_object *v)
{
	struct device_attribute *attr;
	char buf[SYSFS_PAGE_SIZE];
	ssize_t rc;

	if (cfg_structural(kind, key))
		return 0;
	attr = idxd_find_attr(cfg_groups(kind), key);
	if (!attr) {
		if (str_in(key, cfg_ignored_keys))
			return 0;
		if (kind != CFG_DEVICE || strcmp(key, "event_log_size"))
			return cfg_error(ctx, -EINVAL, "%s: unknown key \"%s\"", dev_name(dev),
					 key);
		/* an event log is a DSA 2.0 feature this driver does not drive */
		if (!ctx->apply || cfg_skip(dev, kind, key, v))
			return 0;
		return cfg_error(ctx, -EOPNOTSUPP, "%s: %s: not supported", dev_name(dev), key);
	}
	if (!(attr->attr.mode & 0200) || !attr->store)
		return 0;
	if (cfg_value(v, buf, sizeof(buf)))
		return cfg_error(ctx, -EINVAL, "%s: %s: not a number or string", dev_name(dev),
				 key);
	if (!ctx->apply || cfg_skip(dev, kind, key, v))
		return 0;
	rc = attr->store(dev, attr, buf, strlen(buf));
	if (rc < 0)
		return cfg_error(ctx, (int)rc, "%s: %s = %s: %s", dev_name(dev), key, buf,
				 strerror((int)-rc));
	return 0;
}

/* All keys of @obj: those in @order first, in that order, then the rest. */
static int cfg_keys(struct cfg_ctx *ctx, struct device *dev, enum cfg_kind kind,
		    struct json_object *obj, const char *const *order)
{
	static const char *const none[] = { NULL };
	struct json_object *v;
	const char *const *k;
	int rc;

	for (k = order ? order : none; *k; k++) {
		if (!json_object_object_get_ex(obj, *k, &v))
			continue;
		rc = cfg_key(ctx, dev, kind, *k, v);
		if (rc)
			return rc;
	}
	json_object_object_foreach(obj, key, val) {
		if (order && str_in(key, order))
			continue;
		rc = cfg_key(ctx, dev, kind, key, val);
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- objects --------------------------------------------------------------------- */

static int cfg_remember_wq(struct cfg_ctx *ctx, struct idxd_wq *wq)
{
	struct idxd_wq **n;
	unsigned int i;

	for (i = 0; i < ctx->nwqs; i++)
		if (ctx->wqs[i] == wq)
			return 0;
	if (ctx->nwqs == ctx->wqs_cap) {
		n = realloc(ctx->wqs, (ctx->wqs_cap + 16) * sizeof(*n));
		if (!n)
			return -ENOMEM;
		ctx->wqs = n;
		ctx->wqs_cap += 16;
	}
	ctx->wqs[ctx->nwqs++] = wq;
	return 0;
}

/*
 * Set the group of a WQ or engine listed in a group (@group_id >= 0); a
 * "group_id" key of its own must agree with the list it is in.
 */
static int cfg_member_group(struct cfg_ctx *ctx, struct device *dev, enum cfg_kind kind,
			    struct json_object *obj, int group_id)
{
	struct device_attribute *attr;
	struct json_object *v;
	char buf[16];
	ssize_t rc;

	if (group_id < 0)
		return 0;
	if (json_object_object_get_ex(obj, "group_id", &v) &&
	    (!json_object_is_type(v, json_type_int) || cfg_int(v) != group_id))
		return cfg_error(ctx, -EINVAL, "%s: group_id %s but listed in group %d",
				 dev_name(dev), json_object_get_string(v), group_id);
	if (!ctx->apply)
		return 0;
	attr = idxd_find_attr(cfg_groups(kind), "group_id");
	snprintf(buf, sizeof(buf), "%d", group_id);
	rc = attr->store(dev, attr, buf, strlen(buf));
	if (rc < 0)
		return cfg_error(ctx, (int)rc, "%s: group_id = %s: %s", dev_name(dev), buf,
				 strerror((int)-rc));
	return 0;
}

/* A WQ or engine object (@kind) of @idxd, in group @group_id or none (-1). */
static int cfg_member(struct cfg_ctx *ctx, struct idxd_device *idxd, enum cfg_kind kind,
		      struct json_object *obj, int group_id)
{
	unsigned int max = kind == CFG_WQ ? idxd->max_wqs : idxd->max_engines, id;
	const char *name = cfg_dev_name(obj);
	struct device *dev;
	int rc;

	if (!name)
		return cfg_error(ctx, -EINVAL, "%s: a %s without \"dev\"",
				 dev_name(&idxd->conf_dev), cfg_prefix[kind]);
	if (cfg_parse_name(name, kind, idxd->id, max, &id))
		return cfg_error(ctx, -ENODEV, "%s: no %s %s", dev_name(&idxd->conf_dev),
				 cfg_prefix[kind], name);
	dev = kind == CFG_WQ ? &idxd->wqs[id]->conf_dev : &idxd->engines[id]->conf_dev;
	rc = cfg_member_group(ctx, dev, kind, obj, group_id);
	if (rc)
		return rc;
	if (kind == CFG_WQ) {
		rc = cfg_remember_wq(ctx, idxd->wqs[id]);
		if (rc)
			return rc;
	}
	return cfg_keys(ctx, dev, kind, obj, kind == CFG_WQ ? cfg_wq_order : NULL);
}

static int cfg_array(struct cfg_ctx *ctx, struct idxd_device *idxd, struct json_object *parent,
		     const char *key, enum cfg_kind kind, int group_id)
{
	struct json_object *arr;
	size_t i, n;
	int rc;

	if (!json_object_object_get_ex(parent, key, &arr))
		return 0;
	if (!json_object_is_type(arr, json_type_array))
		return cfg_error(ctx, -EINVAL, "%s: \"%s\" is not an array",
				 dev_name(&idxd->conf_dev), key);
	n = json_object_array_length(arr);
	for (i = 0; i < n; i++) {
		struct json_object *obj = json_object_array_get_idx(arr, i);

		if (kind == CFG_GROUP) {
			const char *name = cfg_dev_name(obj);
			unsigned int id;

			if (!name || cfg_parse_name(name, CFG_GROUP, idxd->id, idxd->max_groups, &id))
				return cfg_error(ctx, -ENODEV, "%s: no group %s",
						 dev_name(&idxd->conf_dev), name ? name : "(unnamed)");
			rc = cfg_keys(ctx, &idxd->groups[id]->conf_dev, CFG_GROUP, obj, NULL);
			if (!rc)
				rc = cfg_array(ctx, idxd, obj, "grouped_engines", CFG_ENGINE, (int)id);
			if (!rc)
				rc = cfg_array(ctx, idxd, obj, "grouped_workqueues", CFG_WQ, (int)id);
		} else {
			rc = cfg_member(ctx, idxd, kind, obj, group_id);
		}
		if (rc)
			return rc;
	}
	return 0;
}

static int cfg_device(struct cfg_ctx *ctx, struct cfg_dev *cd)
{
	struct idxd_device *idxd = cd->idxd;
	int rc;

	rc = cfg_keys(ctx, &idxd->conf_dev, CFG_DEVICE, cd->jdev, NULL);
	if (!rc)
		rc = cfg_array(ctx, idxd, cd->jdev, "groups", CFG_GROUP, -1);
	if (!rc)
		rc = cfg_array(ctx, idxd, cd->jdev, "ungrouped_engines", CFG_ENGINE, -1);
	if (!rc)
		rc = cfg_array(ctx, idxd, cd->jdev, "ungrouped_workqueues", CFG_WQ, -1);
	return rc;
}

/* ---- snapshot ----------------------------------------------------------------------- */

static int cfg_snapshot(struct cfg_dev *cd)
{
	struct idxd_device *idxd = cd->idxd;
	unsigned int i;

	cd->wqs = calloc(idxd->max_wqs, sizeof(*cd->wqs));
	cd->groups = calloc(idxd->max_groups, sizeof(*cd->groups));
	cd->engine_groups = calloc(idxd->max_engines, sizeof(*cd->engine_groups));
	if (!cd->wqs || !cd->groups || !cd->engine_groups)
		return -ENOMEM;
	cd->rdbuf_limit = idxd->rdbuf_limit;
	for (i = 0; i < idxd->max_wqs; i++)
		cd->wqs[i] = idxd->wqs[i]->conf;
	for (i = 0; i < idxd->max_groups; i++)
		cd->groups[i] = idxd->groups[i]->conf;
	for (i = 0; i < idxd->max_engines; i++)
		cd->engine_groups[i] = idxd->engines[i]->group;
	return 0;
}

static void cfg_restore(struct cfg_dev *cd)
{
	struct idxd_device *idxd = cd->idxd;
	unsigned int i;

	if (!cd->wqs || !cd->groups || !cd->engine_groups)
		return;
	idxd->rdbuf_limit = cd->rdbuf_limit;
	for (i = 0; i < idxd->max_wqs; i++)
		idxd->wqs[i]->conf = cd->wqs[i];
	for (i = 0; i < idxd->max_groups; i++)
		idxd->groups[i]->conf = cd->groups[i];
	for (i = 0; i < idxd->max_engines; i++)
		idxd->engines[i]->group = cd->engine_groups[i];
}

static void cfg_release(struct cfg_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < ctx->ndevs; i++) {
		free(ctx->devs[i].wqs);
		free(ctx->devs[i].groups);
		free(ctx->devs[i].engine_groups);
		put_device(&ctx->devs[i].idxd->conf_dev);
	}
	free(ctx->wqs);
}

/* ---- the whole text ------------------------------------------------------------------ */

static int cfg_parse(struct cfg_ctx *ctx, const char *json, size_t len,
		     struct json_object **root)
{
	struct json_tokener *tok;
	enum json_tokener_error jerr;
	size_t end;

	if (!json || !len || len > INT32_MAX)
		return cfg_error(ctx, -EINVAL, "empty configuration");
	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	*root = json_tokener_parse_ex(tok, json, (int)len);
	jerr = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	if (!*root || jerr != json_tokener_success) {
		json_object_put(*root);
		*root = NULL;
		return cfg_error(ctx, -EINVAL, "JSON: %s at byte %zu",
				 jerr == json_tokener_continue ? "unexpected end" :
				 json_tokener_error_desc(jerr), end);
	}
	for (; end < len; end++) {
		if (json[end] != ' ' && json[end] != '\n' && json[end] != '\t' &&
		    json[end] != '\r' && json[end] != '\0') {
			json_object_put(*root);
			*root = NULL;
			return cfg_error(ctx, -EINVAL, "JSON: trailing text at byte %zu", end);
		}
	}
	if (!json_object_is_type(*root, json_type_array)) {
		json_object_put(*root);
		*root = NULL;
		return cfg_error(ctx, -EINVAL, "JSON: expected an array of devices");
	}
	return 0;
}

/* Resolve and snapshot every device object of the array. */
static int cfg_devices(struct cfg_ctx *ctx, struct json_object *root)
{
	size_t i, n = json_object_array_length(root);
	unsigned int j;

	for (i = 0; i < n; i++) {
		struct json_object *jdev = json_object_array_get_idx(root, i);
		const char *name = cfg_dev_name(jdev);
		struct idxd_device *idxd;

		if (!name)
			return cfg_error(ctx, -EINVAL, "device %zu: no \"dev\" name", i);
		idxd = cfg_find_device(name);
		if (!idxd)
			return cfg_error(ctx, -ENODEV, "%s: no such device", name);
		for (j = 0; j < ctx->ndevs; j++) {
			if (ctx->devs[j].idxd == idxd) {
				put_device(&idxd->conf_dev);
				return cfg_error(ctx, -EINVAL, "%s: named twice", name);
			}
		}
		if (ctx->ndevs == IDXD_MAX_DEVICES) {
			put_device(&idxd->conf_dev);
			return cfg_error(ctx, -EINVAL, "too many devices");
		}
		ctx->devs[ctx->ndevs].idxd = idxd;
		ctx->devs[ctx->ndevs].jdev = jdev;
		if (cfg_snapshot(&ctx->devs[ctx->ndevs++]))
			return -ENOMEM;
	}
	return 0;
}

static int cfg_enable(struct cfg_ctx *ctx)
{
	unsigned int i;
	int rc;

	for (i = 0; i < ctx->ndevs; i++) {
		struct idxd_device *idxd = ctx->devs[i].idxd;

		if (idxd->conf_dev.driver)
			continue;
		rc = device_driver_attach(idxd_device_driver(), &idxd->conf_dev);
		if (rc)
			return cfg_error(ctx, rc, "%s: enable failed: %s (cmd_status %#x)",
					 dev_name(&idxd->conf_dev), strerror(-rc),
					 idxd->cmd_status);
	}
	for (i = 0; i < ctx->nwqs; i++) {
		struct idxd_wq *wq = ctx->wqs[i];
		struct device_driver *drv;

		if (wq->conf.type == IDXD_WQT_NONE || !wq->conf.size || wq->conf_dev.driver)
			continue;
		drv = wq->conf.driver_name[0] ? driver_find(wq->conf.driver_name, &dsa_bus_type) :
						idxd_wq_type_driver(wq->conf.type);
		if (!drv)
			return cfg_error(ctx, -EINVAL, "%s: no driver \"%s\"",
					 dev_name(&wq->conf_dev), wq->conf.driver_name);
		rc = device_driver_attach(drv, &wq->conf_dev);
		if (rc)
			return cfg_error(ctx, rc, "%s: enable failed: %s (cmd_status %#x)",
					 dev_name(&wq->conf_dev), strerror(-rc),
					 wq->idxd->cmd_status);
	}
	return 0;
}

int idxd_config_load(const char *json, size_t len, bool enable, char *err, size_t errlen)
{
	struct cfg_ctx *ctx;
	struct json_object *root = NULL;
	unsigned int i;
	int rc;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	ctx->err = err;
	ctx->errlen = errlen;
	if (err && errlen)
		err[0] = '\0';
	rc = cfg_parse(ctx, json, len, &root);
	if (!rc)
		rc = cfg_devices(ctx, root);
	for (i = 0; !rc && i < ctx->ndevs; i++)
		rc = cfg_device(ctx, &ctx->devs[i]);
	ctx->apply = true;
	ctx->nwqs = 0;
	for (i = 0; !rc && i < ctx->ndevs; i++)
		rc = cfg_device(ctx, &ctx->devs[i]);
	if (rc) {
		for (i = 0; i < ctx->ndevs; i++)
			cfg_restore(&ctx->devs[i]);
	} else if (enable) {
		rc = cfg_enable(ctx);
	}
	if (rc)
		pr_warn("accel-config: %s", err && errlen ? err : "load failed");
	cfg_release(ctx);
	json_object_put(root);
	free(ctx);
	return rc;
}
