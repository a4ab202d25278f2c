// SPDX-License-Identifier: GPL-2.0-only
/*
 * The attributes of the dsa bus objects, with the kernel's names and
 * formats (Documentation/ABI/stable/sysfs-driver-dma-idxd; the formats of
 * drivers/dma/idxd/sysfs.c: "%#x" version, "%#llx" gen_cap, 256-bit "%*pb"
 * bitmaps for op_cap, op_config and errors, "-1" for no group, ...).
 *
 * Every store checks in one order: the value parses (-EINVAL), the device's
 * configuration is writable (-EPERM, GENCAP.config_en = 0), an mdev does not
 * own the WQ (-EBUSY: the seeds' rule for mdev WQs), the object may change
 * now (-EPERM as in the kernel: it is enabled, or its device is enabled
 * where the value is fixed at device enable), the value fits (-EINVAL), the
 * device has the feature (-EOPNOTSUPP).
 * The accel-config loader (config.c) goes through these same stores.
 */
#include <ctype.h>
#include <errno.h>
#include <string.h>

#include "idxd/idxd_priv.h"
#include "lib/kstrto.h"
#include "lib/log.h"

/* ---- bitmaps in the kernel's "%*pb" format ---------------------------------- */

/* Most significant 32-bit word first, 8 hex digits each, comma separated. */
int idxd_bitmap256_print(char *buf, size_t size, const uint64_t bits[4])
{
	int i, n = 0;

	for (i = 7; i >= 0; i--)
		n += snprintf(buf + n, size > (size_t)n ? size - n : 0, "%08x%s",
			      (uint32_t)(bits[i / 2] >> (32 * (i % 2))), i ? "," : "");
	return n;
}

/*
 * The inverse (the kernel's bitmap_parse): comma-separated groups of 1..8
 * hex digits, most significant first, at most 8 groups; a trailing newline
 * is allowed. Return: 0 or -EINVAL.
 */
int idxd_bitmap256_parse(const char *buf, uint64_t bits[4])
{
	size_t len = strcspn(buf, "\n");
	uint32_t words[8] = { 0 };
	unsigned int nwords = 0, i, digits;
	const char *p = buf, *end = buf + len;

	if (!len || (buf[len] && buf[len + 1]))
		return -EINVAL;
	while (p < end) {
		uint32_t w = 0;

		for (digits = 0; p < end && *p != ','; p++, digits++) {
			if (!isxdigit((unsigned char)*p) || digits == 8)
				return -EINVAL;
			w = w << 4 | (uint32_t)(isdigit((unsigned char)*p) ? *p - '0' :
						tolower((unsigned char)*p) - 'a' + 10);
		}
		if (!digits || nwords == 8)
			return -EINVAL;
		memmove(words + 1, words, sizeof(words) - sizeof(words[0]));
		words[0] = w;
		nwords++;
		if (p < end && ++p == end)
			return -EINVAL;		/* trailing comma */
	}
	memset(bits, 0, 4 * sizeof(bits[0]));
	for (i = 0; i < nwords; i++)
		bits[i / 2] |= (uint64_t)words[i] << (32 * (i % 2));
	return 0;
}

/* Copy an attribute string without surrounding white space. */
static int attr_strim(const char *buf, char *out, size_t size)
{
	const char *s = buf, *e = buf + strlen(buf);

	while (s < e && isspace((unsigned char)*s))
		s++;
	while (e > s && isspace((unsigned char)e[-1]))
		e--;
	if (e == s || (size_t)(e - s) >= size)
		return -EINVAL;
	memcpy(out, s, e - s);
	out[e - s] = '\0';
	return 0;
}

/* A 256-bit bitmap attribute value, with its newline. */
static ssize_t bitmap256_show(char *buf, const uint64_t bits[4])
{
	int n = idxd_bitmap256_print(buf, SYSFS_PAGE_SIZE, bits);

	return n + sysfs_emit(buf + n, "\n");
}

struct device_attribute *idxd_find_attr(const struct attribute_group *const *groups,
					const char *name)
{
	const struct attribute *const *a;

	for (; groups && *groups; groups++)
		for (a = (*groups)->attrs; a && *a; a++)
			if (!strcmp((*a)->name, name))
				return container_of(*a, struct device_attribute, attr);
	return NULL;
}

/* ---- state checks ------------------------------------------------------------- */

/* A configuration value of the device itself, its groups or engines. */
static int idxd_conf_check(struct idxd_device *idxd)
{
	if (!idxd->configurable)
		return -EPERM;
	if (idxd->state != IDXD_DEV_DISABLED)
		return -EPERM;
	return 0;
}

/* A WQ value that may change while the device is enabled. */
static int idxd_wq_idle(struct idxd_wq *wq)
{
	if (wq->owned)
		return -EBUSY;
	return wq->state != IDXD_WQ_DISABLED ? -EPERM : 0;
}

static int idxd_wq_conf_check(struct idxd_wq *wq)
{
	if (!wq->idxd->configurable)
		return -EPERM;
	return idxd_wq_idle(wq);
}

/* A WQ value fixed at device enable (size, group). */
static int idxd_wq_dev_conf_check(struct idxd_wq *wq)
{
	int rc = idxd_wq_conf_check(wq);

	if (!rc && wq->idxd->state != IDXD_DEV_DISABLED)
		rc = -EPERM;
	return rc;
}

/* ---- device attributes ----------------------------------------------------------- */

#define IDXD_SHOW(_name, _fmt, _expr)						\
static ssize_t _name##_show(struct device *dev, struct device_attribute *attr,	\
			    char *buf)						\
{										\
	struct idxd_device *idxd = confdev_to_idxd(dev);			\
										\
	(void)idxd;								\
	return sysfs_emit(buf, _fmt "\n", _expr);				\
}

IDXD_SHOW(version, "%#x", idxd->hw.version)
IDXD_SHOW(max_groups, "%u", idxd->max_groups)
IDXD_SHOW(max_work_queues, "%u", idxd->max_wqs)
IDXD_SHOW(max_work_queues_size, "%u", idxd->max_wq_size)
IDXD_SHOW(max_engines, "%u", idxd->max_engines)
IDXD_SHOW(numa_node, "%d", -1)
IDXD_SHOW(ims_size, "%u", idxd->ims_size)
IDXD_SHOW(max_batch_size, "%u", idxd->max_batch_size)
IDXD_SHOW(max_transfer_size, "%llu", (unsigned long long)idxd->max_xfer_bytes)
IDXD_SHOW(gen_cap, "%#llx", (unsigned long long)idxd->hw.gen_cap.bits)
IDXD_SHOW(configurable, "%u", idxd->configurable)
IDXD_SHOW(pasid_enabled, "%u", idxd->pasid_enabled)
IDXD_SHOW(max_read_buffers, "%u", idxd->max_rdbufs)
IDXD_SHOW(cdev_major, "%u", 0U)
IDXD_SHOW(cmd_status, "%#x", idxd->cmd_status)
IDXD_SHOW(read_buffer_limit, "%u", idxd->rdbuf_limit)

static ssize_t op_cap_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return bitmap256_show(buf, confdev_to_idxd(dev)->hw.opcap.bits);
}

static ssize_t errors_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	return bitmap256_show(buf, confdev_to_idxd(dev)->sw_err.bits);
}

static ssize_t clients_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct idxd_device *idxd = confdev_to_idxd(dev);
	unsigned int i, n = 0;

	for (i = 0; i < idxd->max_wqs; i++)
		n += idxd->wqs[i]->owned;
	return sysfs_emit(buf, "%u\n", n);
}

static ssize_t state_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	static const char *const names[] = {
		[IDXD_DEV_DISABLED] = "disabled",
		[IDXD_DEV_ENABLED] = "enabled",
		[IDXD_DEV_HALTED] = "halted",
	};

	return sysfs_emit(buf, "%s\n", names[confdev_to_idxd(dev)->state]);
}

static ssize_t read_buffer_limit_store(struct device *dev, struct device_attribute *attr,
				       const char *buf, size_t count)
{
	struct idxd_device *idxd = confdev_to_idxd(dev);
	unsigned int val;
	int rc;

	if (kstrtouint(buf, 10, &val))
		return -EINVAL;
	rc = idxd_conf_check(idxd);
	if (rc)
		return rc;
	if (val > idxd->hw.group_cap.total_rdbufs)
		return -EINVAL;
	if (!idxd->hw.group_cap.rdbuf_limit)
		return -EOPNOTSUPP;
	idxd->rdbuf_limit = val;
	return count;
}

static ssize_t cmd_status_store(struct device *dev, struct device_attribute *attr,
				const char *buf, size_t count)
{
	confdev_to_idxd(dev)->cmd_status = 0;
	return count;
}

static DEVICE_ATTR_RO(version);
static DEVICE_ATTR_RO(max_groups);
static DEVICE_ATTR_RO(max_work_queues);
static DEVICE_ATTR_RO(max_work_queues_size);
static DEVICE_ATTR_RO(max_engines);
static DEVICE_ATTR_RO(numa_node);
static DEVICE_ATTR_RO(ims_size);
static DEVICE_ATTR_RO(max_batch_size);
static DEVICE_ATTR_RO(max_transfer_size);
static DEVICE_ATTR_RO(op_cap);
static DEVICE_ATTR_RO(gen_cap);
static DEVICE_ATTR_RO(configurable);
static DEVICE_ATTR_RO(clients);
static DEVICE_ATTR_RO(pasid_enabled);
static DEVICE_ATTR_RO(state);
static DEVICE_ATTR_RO(errors);
static DEVICE_ATTR_RO(max_read_buffers);
static DEVICE_ATTR_RW(read_buffer_limit);
static DEVICE_ATTR_RO(cdev_major);
static DEVICE_ATTR_RW(cmd_status);
/* The deprecated names of the read buffer attributes. */
static struct device_attribute dev_attr_max_tokens =
	__ATTR(max_tokens, 0444, max_read_buffers_show, NULL);
static struct device_attribute dev_attr_token_limit =
	__ATTR(token_limit, 0644, read_buffer_limit_show, read_buffer_limit_store);

static const struct attribute *const idxd_device_attributes[] = {
	&dev_attr_version.attr,
	&dev_attr_max_groups.attr,
	&dev_attr_max_work_queues.attr,
	&dev_attr_max_work_queues_size.attr,
	&dev_attr_max_engines.attr,
	&dev_attr_numa_node.attr,
	&dev_attr_ims_size.attr,
	&dev_attr_max_batch_size.attr,
	&dev_attr_max_transfer_size.attr,
	&dev_attr_op_cap.attr,
	&dev_attr_gen_cap.attr,
	&dev_attr_configurable.attr,
	&dev_attr_clients.attr,
	&dev_attr_pasid_enabled.attr,
	&dev_attr_state.attr,
	&dev_attr_errors.attr,
	&dev_attr_max_tokens.attr,
	&dev_attr_max_read_buffers.attr,
	&dev_attr_token_limit.attr,
	&dev_attr_read_buffer_limit.attr,
	&dev_attr_cdev_major.attr,
	&dev_attr_cmd_status.attr,
	NULL,
};

static const struct attribute_group idxd_device_attribute_group = {
	.attrs = idxd_device_attributes,
};

const struct attribute_group *const idxd_attribute_groups[] = {
	&idxd_device_attribute_group,
	NULL,
};

/* ---- group attributes ------------------------------------------------------------- */

static ssize_t group_members(char *buf, const char *prefix, struct idxd_device *idxd,
			     struct idxd_group *group, bool wqs)
{
	unsigned int i, n = wqs ? idxd->max_wqs : idxd->max_engines;
	int len = 0;

	for (i = 0; i < n; i++) {
		struct idxd_group *g = wqs ? idxd->wqs[i]->conf.group : idxd->engines[i]->group;

		if (g == group)
			len += snprintf(buf + len, SYSFS_PAGE_SIZE - len, "%s%d.%u ",
					prefix, idxd->id, i);
		if (len >= SYSFS_PAGE_SIZE - 1)
			return SYSFS_PAGE_SIZE - 1;
	}
	if (!len)
		return 0;
	buf[len - 1] = '\n';
	return len;
}

static ssize_t group_work_queues_show(struct device *dev, struct device_attribute *attr,
				      char *buf)
{
	struct idxd_group *group = confdev_to_group(dev);

	return group_members(buf, "wq", group->idxd, group, true);
}

static ssize_t group_engines_show(struct device *dev, struct device_attribute *attr,
				  char *buf)
{
	struct idxd_group *group = confdev_to_group(dev);

	return group_members(buf, "engine", group->idxd, group, false);
}

#define GROUP_SHOW(_name, _fmt, _field)						\
static ssize_t group_##_name##_show(struct device *dev,				\
				    struct device_attribute *attr, char *buf)	\
{										\
	return sysfs_emit(buf, _fmt "\n", confdev_to_group(dev)->conf._field);	\
}

GROUP_SHOW(read_buffers_reserved, "%u", rdbufs_reserved)
GROUP_SHOW(read_buffers_allowed, "%u", rdbufs_allowed)
GROUP_SHOW(use_read_buffer_limit, "%u", use_rdbuf_limit)
GROUP_SHOW(traffic_class_a, "%d", tc_a)
GROUP_SHOW(traffic_class_b, "%d", tc_b)
GROUP_SHOW(desc_progress_limit, "%u", desc_progress_limit)
GROUP_SHOW(batch_progress_limit, "%u", batch_progress_limit)

/* Parse an unsigned group value and check the group may change. */
static int group_store_uint(struct idxd_group *group, const char *buf, unsigned int *val)
{
	if (kstrtouint(buf, 10, val))
		return -EINVAL;
	return idxd_conf_check(group->idxd);
}

static ssize_t group_read_buffers_reserved_store(struct device *dev,
						 struct device_attribute *attr,
						 const char *buf, size_t count)
{
	struct idxd_group *group = confdev_to_group(dev);
	struct idxd_device *idxd = group->idxd;
	unsigned int val;
	int rc;

	rc = group_store_uint(group, buf, &val);
	if (rc)
		return rc;
	if (val > idxd->max_rdbufs || val > idxd_free_rdbufs(idxd) + group->conf.rdbufs_reserved)
		return -EINVAL;
	group->conf.rdbufs_reserved = val;
	return count;
}

static ssize_t group_read_buffers_allowed_store(struct device *dev,
						struct device_attribute *attr,
						const char *buf, size_t count)
{
	struct idxd_group *group = confdev_to_group(dev);
	struct idxd_device *idxd = group->idxd;
	unsigned int val;
	int rc;

	rc = group_store_uint(group, buf, &val);
	if (rc)
		return rc;
	if (val < 4 * idxd_group_num_engines(group) ||
	    val > group->conf.rdbufs_reserved + idxd_free_rdbufs(idxd))
		return -EINVAL;
	group->conf.rdbufs_allowed = val;
	return count;
}

static ssize_t group_use_read_buffer_limit_store(struct device *dev,
						 struct device_attribute *attr,
						 const char *buf, size_t count)
{
	struct idxd_group *group = confdev_to_group(dev);
	unsigned int val;
	int rc;

	rc = group_store_uint(group, buf, &val);
	if (rc)
		return rc;
	/* there is no global limit to use */
	if (val && !group->idxd->rdbuf_limit)
		return -EINVAL;
	group->conf.use_rdbuf_limit = !!val;
	return count;
}

static ssize_t group_tc_store(struct idxd_group *group, const char *buf, size_t count,
			      int *tc)
{
	int val, rc;

	if (kstrtoint(buf, 10, &val))
		return -EINVAL;
	rc = idxd_conf_check(group->idxd);
	if (rc)
		return rc;
	if (val < 0 || val > 7)
		return -EINVAL;
	*tc = val;
	return count;
}

static ssize_t group_progress_store(struct idxd_group *group, const char *buf, size_t count,
				    unsigned int *limit)
{
	unsigned int val;
	int rc;

	rc = group_store_uint(group, buf, &val);
	if (rc)
		return rc;
	if (val > 3)
		return -EINVAL;
	*limit = val;
	return count;
}

/* The store of group attribute @_name: @_set checks and sets conf.@_field. */
#define GROUP_STORE(_name, _set, _field)					\
static ssize_t group_##_name##_store(struct device *dev,			\
				     struct device_attribute *attr,		\
				     const char *buf, size_t count)		\
{										\
	struct idxd_group *group = confdev_to_group(dev);			\
										\
	return _set(group, buf, count, &group->conf._field);			\
}

GROUP_STORE(traffic_class_a, group_tc_store, tc_a)
GROUP_STORE(traffic_class_b, group_tc_store, tc_b)
GROUP_STORE(desc_progress_limit, group_progress_store, desc_progress_limit)
GROUP_STORE(batch_progress_limit, group_progress_store, batch_progress_limit)

#define GROUP_ATTR_RW(_attr, _name) \
	static struct device_attribute dev_attr_group_##_attr = \
		__ATTR(_attr, 0644, group_##_name##_show, group_##_name##_store)

static struct device_attribute dev_attr_group_work_queues =
	__ATTR(work_queues, 0444, group_work_queues_show, NULL);
static struct device_attribute dev_attr_group_engines =
	__ATTR(engines, 0444, group_engines_show, NULL);
GROUP_ATTR_RW(read_buffers_reserved, read_buffers_reserved);
GROUP_ATTR_RW(tokens_reserved, read_buffers_reserved);
GROUP_ATTR_RW(read_buffers_allowed, read_buffers_allowed);
GROUP_ATTR_RW(tokens_allowed, read_buffers_allowed);
GROUP_ATTR_RW(use_read_buffer_limit, use_read_buffer_limit);
GROUP_ATTR_RW(use_token_limit, use_read_buffer_limit);
GROUP_ATTR_RW(traffic_class_a, traffic_class_a);
GROUP_ATTR_RW(traffic_class_b, traffic_class_b);
GROUP_ATTR_RW(desc_progress_limit, desc_progress_limit);
GROUP_ATTR_RW(batch_progress_limit, batch_progress_limit);

static const struct attribute *const idxd_group_attributes[] = {
	&dev_attr_group_work_queues.attr,
	&dev_attr_group_engines.attr,
	&dev_attr_group_use_token_limit.attr,
	&dev_attr_group_use_read_buffer_limit.attr,
	&dev_attr_group_tokens_allowed.attr,
	&dev_attr_group_read_buffers_allowed.attr,
	&dev_attr_group_tokens_reserved.attr,
	&dev_attr_group_read_buffers_reserved.attr,
	&dev_attr_group_traffic_class_a.attr,
	&dev_attr_group_traffic_class_b.attr,
	&dev_attr_group_desc_progress_limit.attr,
	&dev_attr_group_batch_progress_limit.attr,
	NULL,
};

/* The progress limits exist only on devices with GRPCAP.progress_limit. */
static uint16_t idxd_group_attr_visible(void *owner, const struct attribute *attr)
{
	struct idxd_group *group = confdev_to_group(owner);

	if ((attr == &dev_attr_group_desc_progress_limit.attr ||
	     attr == &dev_attr_group_batch_progress_limit.attr) &&
	    !group->idxd->hw.group_cap.progress_limit)
		return 0;
	return attr->mode;
}

static const struct attribute_group idxd_group_attribute_group = {
	.attrs = idxd_group_attributes,
	.is_visible = idxd_group_attr_visible,
};

const struct attribute_group *const idxd_group_attribute_groups[] = {
	&idxd_group_attribute_group,
	NULL,
};

/* ---- engine attributes ------------------------------------------------------------- */

static ssize_t engine_group_id_show(struct device *dev, struct device_attribute *attr,
				    char *buf)
{
	struct idxd_engine *engine = confdev_to_engine(dev);

	return sysfs_emit(buf, "%d\n", engine->group ? (int)engine->group->id : -1);
}

static ssize_t engine_group_id_store(struct device *dev, struct device_attribute *attr,
				     const char *buf, size_t count)
{
	struct idxd_engine *engine = confdev_to_engine(dev);
	struct idxd_device *idxd = engine->idxd;
	int id, rc;

	if (kstrtoint(buf, 10, &id))
		return -EINVAL;
	rc = idxd_conf_check(idxd);
	if (rc)
		return rc;
	if (id < -1 || id >= (int)idxd->max_groups)
		return -EINVAL;
	engine->group = id < 0 ? NULL : idxd->groups[id];
	return count;
}

static struct device_attribute dev_attr_engine_group =
	__ATTR(group_id, 0644, engine_group_id_show, engine_group_id_store);

static const struct attribute *const idxd_engine_attributes[] = {
	&dev_attr_engine_group.attr,
	NULL,
};

static const struct attribute_group idxd_engine_attribute_group = {
	.attrs = idxd_engine_attributes,
};

const struct attribute_group *const idxd_engine_attribute_groups[] = {
	&idxd_engine_attribute_group,
	NULL,
};

/* ---- WQ attributes ------------------------------------------------------------------- */

#define WQ_SHOW(_name, _fmt, _expr)						\
static ssize_t wq_##_name##_show(struct device *dev,				\
				 struct device_attribute *attr, char *buf)	\
{										\
	struct idxd_wq *wq = confdev_to_wq(dev);				\
										\
	(void)wq;								\
	return sysfs_emit(buf, _fmt "\n", _expr);				\
}

WQ_SHOW(clients, "%d", wq->owned ? 1 : 0)
WQ_SHOW(state, "%s", wq->state == IDXD_WQ_ENABLED ? "enabled" : "disabled")
WQ_SHOW(mode, "%s", idxd_wq_dedicated(wq) ? "dedicated" : "shared")
WQ_SHOW(size, "%u", wq->conf.size)
WQ_SHOW(priority, "%u", wq->conf.priority)
WQ_SHOW(block_on_fault, "%u", wq->conf.bof)
WQ_SHOW(threshold, "%u", wq->conf.threshold)
WQ_SHOW(type, "%s", idxd_wq_type_name(wq->conf.type))
WQ_SHOW(name, "%s", wq->conf.name)
WQ_SHOW(driver_name, "%s", wq->conf.driver_name)
WQ_SHOW(cdev_minor, "%d", -1)
WQ_SHOW(max_transfer_size, "%llu", (unsigned long long)wq->conf.max_xfer_bytes)
WQ_SHOW(max_batch_size, "%u", wq->conf.max_batch_size)
WQ_SHOW(ats_disable, "%u", wq->conf.ats_disable)
WQ_SHOW(prs_disable, "%u", wq->conf.prs_disable)

static ssize_t wq_group_id_show(struct device *dev, struct device_attribute *attr, char *buf)
{
	struct idxd_wq *wq = confdev_to_wq(dev);

	if (wq->conf.group)
		return sysfs_emit(buf, "%u\n", wq->conf.group->id);
	return sysfs_emit(buf, "-1\n");
}

/* Parse an unsigned WQ value in @base and check the WQ may change. */
static int wq_store_uint(struct idxd_wq *wq, const char *buf, unsigned int base,
			 unsigned int *val)
{
	if (kstrtouint(buf, base, val))
		return -EINVAL;
	return idxd_wq_conf_check(wq);
}

/* Parse a boolean WQ value and check the WQ may change. */
static int wq_store_bool(struct idxd_wq *wq, const char *buf, bool *val)
{
	if (kstrtobool(buf, val))
		return -EINVAL;
	return idxd_wq_conf_check(wq);
}

/*
 * Parse a WQ value rounded up to a power of two (the kernel rounds these
 * values up) and check the WQ may change.
 */
static int wq_store_pow2(struct idxd_wq *wq, const char *buf, uint64_t *val)
{
	if (kstrtou64(buf, 0, val) || !*val)
		return -EINVAL;
	*val = idxd_roundup_pow_of_two(*val);
	if (!*val)
		return -EINVAL;
	return idxd_wq_conf_check(wq);
}

/*
 * Set the WQ string @dst of @size bytes (with its NUL) from @buf without
 * surrounding white space, while the WQ is idle.
 */
static ssize_t wq_string_store(struct idxd_wq *wq, const char *buf, size_t count,
			       char *dst, size_t size)
{
	char s[WQ_NAME_SIZE + 1];
	int rc;

	if (size > sizeof(s) || attr_strim(buf, s, size))
		return -EINVAL;
	rc = idxd_wq_idle(wq);
	if (rc)
		return rc;
	strcpy(dst, s);
	return count;
}

static ssize_t wq_group_id_store(struct device *dev, struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	struct idxd_device *idxd = wq->idxd;
	int id, rc;

	if (kstrtoint(buf, 10, &id))
		return -EINVAL;
	rc = idxd_wq_dev_conf_check(wq);
	if (rc)
		return rc;
	if (id < -1 || id >= (int)idxd->max_groups)
		return -EINVAL;
	wq->conf.group = id < 0 ? NULL : idxd->groups[id];
	return count;
}

static ssize_t wq_mode_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	bool dedicated;
	int rc;

	if (sysfs_streq(buf, "dedicated"))
		dedicated = true;
	else if (sysfs_streq(buf, "shared"))
		dedicated = false;
	else
		return -EINVAL;
	rc = idxd_wq_conf_check(wq);
	if (rc)
		return rc;
	wq->conf.dedicated = dedicated;
	if (dedicated)
		wq->conf.threshold = 0;
	return count;
}

static ssize_t wq_size_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	struct idxd_device *idxd = wq->idxd;
	unsigned int size;
	int rc;

	if (kstrtouint(buf, 10, &size))
		return -EINVAL;
	rc = idxd_wq_dev_conf_check(wq);
	if (rc)
		return rc;
	/* the WQs share the device's total_wq_size entries */
	if ((uint64_t)size + idxd_total_wq_size(idxd) - wq->conf.size > idxd->max_wq_size)
		return -EINVAL;
	wq->conf.size = size;
	return count;
}

static ssize_t wq_priority_store(struct device *dev, struct device_attribute *attr,
				 const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	unsigned int prio;
	int rc;

	rc = wq_store_uint(wq, buf, 10, &prio);
	if (rc)
		return rc;
	if (prio > IDXD_MAX_PRIORITY)
		return -EINVAL;
	wq->conf.priority = prio;
	return count;
}

static ssize_t wq_block_on_fault_store(struct device *dev, struct device_attribute *attr,
				       const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	bool bof;
	int rc;

	rc = wq_store_bool(wq, buf, &bof);
	if (rc)
		return rc;
	if (bof && (!wq->idxd->hw.gen_cap.block_on_fault || wq->conf.prs_disable))
		return -EOPNOTSUPP;
	wq->conf.bof = bof;
	return count;
}

static ssize_t wq_threshold_store(struct device *dev, struct device_attribute *attr,
				  const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	unsigned int val;
	int rc;

	rc = wq_store_uint(wq, buf, 0, &val);
	if (rc)
		return rc;
	/* only a shared WQ has a threshold, at least 1 and at most its size */
	if (!val || val > wq->conf.size || idxd_wq_dedicated(wq))
		return -EINVAL;
	wq->conf.threshold = val;
	return count;
}

static ssize_t wq_type_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	enum idxd_wq_type type;
	int rc;

	for (type = IDXD_WQT_NONE; type < IDXD_WQT_MAX; type++)
		if (sysfs_streq(buf, idxd_wq_type_name(type)))
			break;
	if (type == IDXD_WQT_MAX)
		return -EINVAL;
	rc = idxd_wq_idle(wq);
	if (rc)
		return rc;
	/* a new type clears the name, as Linux does */
	if (type != wq->conf.type)
		memset(wq->conf.name, 0, sizeof(wq->conf.name));
	wq->conf.type = type;
	return count;
}

static ssize_t wq_name_store(struct device *dev, struct device_attribute *attr,
			     const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);

	return wq_string_store(wq, buf, count, wq->conf.name, sizeof(wq->conf.name));
}

static ssize_t wq_driver_name_store(struct device *dev, struct device_attribute *attr,
				    const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);

	return wq_string_store(wq, buf, count, wq->conf.driver_name,
			       sizeof(wq->conf.driver_name));
}

static ssize_t wq_max_transfer_size_store(struct device *dev, struct device_attribute *attr,
					  const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	uint64_t val;
	int rc;

	rc = wq_store_pow2(wq, buf, &val);
	if (rc)
		return rc;
	if (val > wq->idxd->max_xfer_bytes)
		return -EINVAL;
	wq->conf.max_xfer_bytes = val;
	return count;
}

static ssize_t wq_max_batch_size_store(struct device *dev, struct device_attribute *attr,
				       const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	uint64_t val;
	int rc;

	rc = wq_store_pow2(wq, buf, &val);
	if (rc)
		return rc;
	if (val > wq->idxd->max_batch_size)
		return -EINVAL;
	wq->conf.max_batch_size = (uint32_t)val;
	return count;
}

static ssize_t wq_ats_disable_store(struct device *dev, struct device_attribute *attr,
				    const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	bool val;
	int rc;

	rc = wq_store_bool(wq, buf, &val);
	if (rc)
		return rc;
	if (val && !wq->idxd->hw.wq_cap.wq_ats_support)
		return -EOPNOTSUPP;
	wq->conf.ats_disable = val;
	return count;
}

static ssize_t wq_prs_disable_store(struct device *dev, struct device_attribute *attr,
				    const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	bool val;
	int rc;

	rc = wq_store_bool(wq, buf, &val);
	if (rc)
		return rc;
	if (!wq->idxd->hw.wq_cap.wq_prs_support)
		return -EOPNOTSUPP;
	wq->conf.prs_disable = val;
	if (val)
		wq->conf.bof = false;	/* no page requests: no blocking on faults */
	return count;
}

static ssize_t wq_occupancy_show(struct device *dev, struct device_attribute *attr,
				 char *buf)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	struct idxd_device *idxd = wq->idxd;
	uint32_t v;

	if (!idxd->hw.wq_cap.occupancy)
		return -EOPNOTSUPP;
	if (idxd->removed)
		return -ENODEV;
	v = ioread32(idxd->reg_base, idxd_wqcfg_offset(idxd, wq->id, WQCFG_OCCUP_IDX));
	return sysfs_emit(buf, "%u\n", v & WQCFG_OCCUP_MASK);
}

static ssize_t wq_op_config_show(struct device *dev, struct device_attribute *attr,
				 char *buf)
{
	return bitmap256_show(buf, confdev_to_wq(dev)->conf.op_config);
}

static ssize_t wq_op_config_store(struct device *dev, struct device_attribute *attr,
				  const char *buf, size_t count)
{
	struct idxd_wq *wq = confdev_to_wq(dev);
	uint64_t bits[4];
	unsigned int i;
	int rc;

	if (idxd_bitmap256_parse(buf, bits))
		return -EINVAL;
	rc = idxd_wq_conf_check(wq);
	if (rc)
		return rc;
	for (i = 0; i < 4; i++)
		if (bits[i] & ~wq->idxd->hw.opcap.bits[i])
			return -EINVAL;		/* an operation the device lacks */
	memcpy(wq->conf.op_config, bits, sizeof(bits));
	return count;
}

#define WQ_ATTR_RO(_name) \
	static struct device_attribute dev_attr_wq_##_name = \
		__ATTR(_name, 0444, wq_##_name##_show, NULL)
#define WQ_ATTR_RW(_name) \
	static struct device_attribute dev_attr_wq_##_name = \
		__ATTR(_name, 0644, wq_##_name##_show, wq_##_name##_store)

WQ_ATTR_RO(clients);
WQ_ATTR_RO(state);
WQ_ATTR_RW(group_id);
WQ_ATTR_RW(mode);
WQ_ATTR_RW(size);
WQ_ATTR_RW(priority);
WQ_ATTR_RW(block_on_fault);
WQ_ATTR_RW(threshold);
WQ_ATTR_RW(type);
WQ_ATTR_RW(name);
WQ_ATTR_RW(driver_name);
WQ_ATTR_RO(cdev_minor);
WQ_ATTR_RW(max_transfer_size);
WQ_ATTR_RW(max_batch_size);
WQ_ATTR_RW(ats_disable);
WQ_ATTR_RW(prs_disable);
WQ_ATTR_RO(occupancy);
WQ_ATTR_RW(op_config);

static const struct attribute *const idxd_wq_attributes[] = {
	&dev_attr_wq_clients.attr,
	&dev_attr_wq_state.attr,
	&dev_attr_wq_group_id.attr,
	&dev_attr_wq_mode.attr,
	&dev_attr_wq_size.attr,
	&dev_attr_wq_priority.attr,
	&dev_attr_wq_block_on_fault.attr,
	&dev_attr_wq_threshold.attr,
	&dev_attr_wq_type.attr,
	&dev_attr_wq_name.attr,
	&dev_attr_wq_driver_name.attr,
	&dev_attr_wq_cdev_minor.attr,
	&dev_attr_wq_max_transfer_size.attr,
	&dev_attr_wq_max_batch_size.attr,
	&dev_attr_wq_ats_disable.attr,
	&dev_attr_wq_prs_disable.attr,
	&dev_attr_wq_occupancy.attr,
	&dev_attr_wq_op_config.attr,
	NULL,
};

/* Attributes of WQCAP features exist only where the device has them. */
static uint16_t idxd_wq_attr_visible(void *owner, const struct attribute *attr)
{
	const union wq_cap_reg *cap = &confdev_to_wq(owner)->idxd->hw.wq_cap;

	if ((attr == &dev_attr_wq_op_config.attr && !cap->op_config) ||
	    (attr == &dev_attr_wq_prs_disable.attr && !cap->wq_prs_support))
		return 0;
	return attr->mode;
}

static const struct attribute_group idxd_wq_attribute_group = {
	.attrs = idxd_wq_attributes,
	.is_visible = idxd_wq_attr_visible,
};

const struct attribute_group *const idxd_wq_attribute_groups[] = {
	&idxd_wq_attribute_group,
	NULL,
};
