// SPDX-License-Identifier: GPL-2.0-only
/*
 * The accel-config JSON loader (src/idxd/config.c) on arbitrary input.
 * Byte 0 selects enable; the rest is the profile text. After each input
 * every dsa object is unbound again so that the next input starts from a
 * disabled, configurable device (with whatever configuration was left).
 */
#include <stdio.h>
#include <string.h>

#include "fuzz.h"
#include "idxd/idxd_config.h"
#include "sysfs/sysfs.h"

static int unbind_one(void *arg, const char *name, const struct sysfs_stat *st)
{
	char path[512], drv[256];

	snprintf(path, sizeof(path), "/sys/bus/dsa/devices/%s/driver", name);
	if (sysfs_realpath(path, drv, sizeof(drv)) < 0)
		return 0;
	/* WQs first (their names start with "wq"), the devices after them */
	if (*(const char *)arg != name[0])
		return 0;
	snprintf(path, sizeof(path), "%s/unbind", drv);
	sysfs_write(path, name, strlen(name));
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512];

	fuzz_machine_get(false);
	if (!size)
		return 0;
	idxd_config_load((const char *)data + 1, size - 1, data[0] & 1, err, sizeof(err));
	sysfs_readdir("/sys/bus/dsa/devices", unbind_one, "w");
	sysfs_readdir("/sys/bus/dsa/devices", unbind_one, "d");
	return 0;
}
