// SPDX-License-Identifier: GPL-2.0-only
/*
 * The mdev core's sysfs: the type directories under a parent, their
 * attributes (create, name, available_instances, device_api, description),
 * the devices/ links, and each mdev's mdev_type link and remove attribute.
 * Layout and attribute semantics: Linux drivers/vfio/mdev/mdev_sysfs.c and
 * Documentation/driver-api/vfio-mediated-device.rst.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "lib/kstrto.h"
#include "lib/log.h"
#include "vfio/mdev/mdev_private.h"

/* ---- type attributes ------------------------------------------------------ */

struct mdev_type_attribute {
	struct attribute attr;
	ssize_t (*show)(struct mdev_type *mtype, char *buf);
	ssize_t (*store)(struct mdev_type *mtype, const char *buf, size_t count);
};

#define MDEV_TYPE_ATTR_RO(_name)					\
	static const struct mdev_type_attribute mdev_type_attr_##_name = {	\
		.attr = { .name = #_name, .mode = 0444 }, .show = _name##_show }
#define MDEV_TYPE_ATTR_WO(_name)					\
	static const struct mdev_type_attribute mdev_type_attr_##_name = {	\
		.attr = { .name = #_name, .mode = 0200 }, .store = _name##_store }

static ssize_t mdev_type_attr_show(void *owner, const struct attribute *attr, char *buf)
{
	const struct mdev_type_attribute *a =
		container_of(attr, struct mdev_type_attribute, attr);

	return a->show ? a->show(owner, buf) : -EIO;
}

static ssize_t mdev_type_attr_store(void *owner, const struct attribute *attr,
				    const char *buf, size_t count)
{
	const struct mdev_type_attribute *a =
		container_of(attr, struct mdev_type_attribute, attr);

	return a->store ? a->store(owner, buf, count) : -EIO;
}

static const struct sysfs_ops mdev_type_sysfs_ops = {
	.show = mdev_type_attr_show,
	.store = mdev_type_attr_store,
};

/*
 * The kernel takes exactly a UUID, optionally followed by one more byte
 * (echo's newline); we accept only a newline there.
 */
static ssize_t create_store(struct mdev_type *mtype, const char *buf, size_t count)
{
	char str[UUID_STRING_LEN + 1];
	uuid_t uuid;
	int rc;

	if (count != UUID_STRING_LEN &&
	    !(count == UUID_STRING_LEN + 1 && buf[UUID_STRING_LEN] == '\n'))
		return -EINVAL;
	memcpy(str, buf, UUID_STRING_LEN);
	str[UUID_STRING_LEN] = '\0';
	if (uuid_parse(str, uuid))
		return -EINVAL;
	rc = mdev_device_create(mtype, uuid);
	return rc ? rc : (ssize_t)count;
}
MDEV_TYPE_ATTR_WO(create);

static ssize_t device_api_show(struct mdev_type *mtype, char *buf)
{
	return snprintf(buf, SYSFS_PAGE_SIZE, "%s\n", mtype->parent->mdev_driver->device_api);
}
MDEV_TYPE_ATTR_RO(device_api);

static ssize_t name_show(struct mdev_type *mtype, char *buf)
{
	return snprintf(buf, SYSFS_PAGE_SIZE, "%s\n",
			mtype->pretty_name ? mtype->pretty_name : mtype->sysfs_name);
}
MDEV_TYPE_ATTR_RO(name);

static ssize_t available_instances_show(struct mdev_type *mtype, char *buf)
{
	struct mdev_parent *parent = mtype->parent;
	struct mdev_driver *drv = parent->mdev_driver;
	unsigned int n;

	n = drv->get_available ? drv->get_available(mtype) : parent->available_instances;
	return snprintf(buf, SYSFS_PAGE_SIZE, "%u\n", n);
}
MDEV_TYPE_ATTR_RO(available_instances);

static ssize_t description_show(struct mdev_type *mtype, char *buf)
{
	return mtype->parent->mdev_driver->show_description(mtype, buf);
}
MDEV_TYPE_ATTR_RO(description);

static const struct attribute *const mdev_type_attrs[] = {
	&mdev_type_attr_create.attr,
	&mdev_type_attr_device_api.attr,
	&mdev_type_attr_name.attr,
	&mdev_type_attr_available_instances.attr,
	&mdev_type_attr_description.attr,
	NULL,
};

static uint16_t mdev_type_attr_visible(void *owner, const struct attribute *attr)
{
	struct mdev_type *mtype = owner;

	if (attr == &mdev_type_attr_description.attr &&
	    !mtype->parent->mdev_driver->show_description)
		return 0;
	return attr->mode;
}

static const struct attribute_group mdev_type_group = {
	.attrs = mdev_type_attrs,
	.is_visible = mdev_type_attr_visible,
};

/* ---- type directories ----------------------------------------------------- */

static int mdev_type_add(struct mdev_parent *parent, struct mdev_type *type)
{
	char name[256];
	int rc;

	if (!type->sysfs_name)
		return -EINVAL;
	rc = snprintf(name, sizeof(name), "%s-%s", parent->dev->driver->name, type->sysfs_name);
	if (rc < 0 || (size_t)rc >= sizeof(name))
		return -EINVAL;
	type->parent = parent;
	type->dir = sysfs_mkdir(parent->types_dir, name, type, &mdev_type_sysfs_ops);
	if (!type->dir)
		return -errno;
	rc = sysfs_create_group(type->dir, &mdev_type_group);
	if (rc)
		goto out_remove_dir;
	type->devices_dir = sysfs_mkdir(type->dir, "devices", NULL, NULL);
	if (!type->devices_dir) {
		rc = -errno;
		goto out_remove_dir;
	}
	return 0;

out_remove_dir:
	sysfs_remove_dir(type->dir);
	type->dir = NULL;
	return rc;
}

static void mdev_type_remove(struct mdev_type *type)
{
	sysfs_remove_dir(type->dir);
	type->dir = NULL;
	type->devices_dir = NULL;
}

int parent_create_sysfs_files(struct mdev_parent *parent)
{
	unsigned int i;
	int rc;

	parent->types_dir = sysfs_mkdir(parent->dev->dir, "mdev_supported_types", NULL, NULL);
	if (!parent->types_dir)
		return -errno;
	for (i = 0; i < parent->nr_types; i++) {
		rc = mdev_type_add(parent, parent->types[i]);
		if (rc)
			goto out_remove;
	}
	return 0;

out_remove:
	while (i--)
		mdev_type_remove(parent->types[i]);
	sysfs_remove_dir(parent->types_dir);
	parent->types_dir = NULL;
	return rc;
}

void parent_remove_sysfs_files(struct mdev_parent *parent)
{
	unsigned int i = parent->nr_types;

	while (i--)
		mdev_type_remove(parent->types[i]);
	sysfs_remove_dir(parent->types_dir);
	parent->types_dir = NULL;
}

/* ---- the mdev's own attributes -------------------------------------------- */

static ssize_t remove_store(struct device *dev, struct device_attribute *attr,
			    const char *buf, size_t count)
{
	unsigned int val;
	int rc;

	if (kstrtouint(buf, 0, &val))
		return -EINVAL;
	if (!val)
		return count;
	/* Removes the directory this file lives in; sysfs keeps the node. */
	rc = mdev_device_remove(to_mdev_device(dev));
	return rc ? rc : (ssize_t)count;
}
static DEVICE_ATTR_WO(remove);

static const struct attribute *const mdev_device_attrs[] = {
	&dev_attr_remove.attr,
	NULL,
};

static const struct attribute_group mdev_device_group = {
	.attrs = mdev_device_attrs,
};

const struct attribute_group *const mdev_device_groups[] = {
	&mdev_device_group,
	NULL,
};

int mdev_create_sysfs_files(struct mdev_device *mdev)
{
	struct mdev_type *type = mdev->type;
	int rc;

	rc = sysfs_create_link(type->devices_dir, mdev->dev.dir, dev_name(&mdev->dev));
	if (rc)
		return rc;
	rc = sysfs_create_link(mdev->dev.dir, type->dir, "mdev_type");
	if (rc)
		sysfs_remove_link(type->devices_dir, dev_name(&mdev->dev));
	return rc;
}

void mdev_remove_sysfs_files(struct mdev_device *mdev)
{
	sysfs_remove_link(mdev->dev.dir, "mdev_type");
	sysfs_remove_link(mdev->type->devices_dir, dev_name(&mdev->dev));
}
