// SPDX-License-Identifier: GPL-2.0-only
/* The fuzz machine: siovd's start-up sequence (src/daemon/main.c), in-process. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "idxd/idxd_config.h"
#include "idxd/idxd_module.h"
#include "lib/evloop.h"
#include "platform/platform.h"
#include "sysfs/sysfs.h"
#include "vfio/core/vfio_core.h"
#include "vfio/idxd/vfio_idxd.h"
#include "vfio/mdev/mdev.h"
#include "vfio/user/vfio_user.h"
#include "vfio/vfio.h"

#define TYPE_DIR "/sys/class/mdev_bus/0000:00:0a.0/mdev_supported_types/idxd-1dwq-v1"

static struct fuzz_machine machine;
static struct platform platform;
static bool built, has_mdev;

static int capture_added(struct vfio_frontend *fe, struct vfio_device *vdev)
{
	machine.vdev = vdev;
	return 0;
}

static void capture_removed(struct vfio_frontend *fe, struct vfio_device *vdev)
{
	if (machine.vdev == vdev)
		machine.vdev = NULL;
}

static struct vfio_frontend capture = {
	.name = "fuzz",
	.device_added = capture_added,
	.device_removed = capture_removed,
};

static void die(const char *what)
{
	fprintf(stderr, "fuzz machine: %s failed\n", what);
	abort();
}

static void build(void)
{
	char dir[128], err[256];

	snprintf(machine.rundir, sizeof(machine.rundir), "/tmp/siovd-fuzz.XXXXXX");
	if (!mkdtemp(machine.rundir))
		die("mkdtemp");
	snprintf(dir, sizeof(dir), "%s/vfio-user", machine.rundir);
	if (mkdir(dir, 0700))
		die("mkdir");
	machine.loop = evloop_create();
	if (!machine.loop || platform_init(&platform, machine.loop))
		die("platform_init");
	vfio_core_init(platform.iommu);
	if (!vfio_user_server_create(machine.loop, dir))
		die("vfio_user_server_create");
	if (vfio_register_frontend(&capture))
		die("frontend");
	if (idxd_driver_init() || mdev_init() || vfio_idxd_init())
		die("driver init");
	if (!platform_add_dsa(&platform, NULL))
		die("platform_add_dsa");
	if (idxd_config_load(idxd_default_config, strlen(idxd_default_config), true, err,
			     sizeof(err)))
		die(err);
	built = true;
}

struct fuzz_machine *fuzz_machine_get(bool mdev)
{
	char path[256];

	if (!built)
		build();
	if (mdev && !has_mdev) {
		snprintf(machine.uuid, sizeof(machine.uuid), "5e1f0c2a-9b8d-4e7f-a6c5-d4b3a2918070");
		snprintf(path, sizeof(path), "%s/create", TYPE_DIR);
		if (sysfs_write(path, machine.uuid, strlen(machine.uuid)) < 0 || !machine.vdev)
			die("mdev create");
		snprintf(machine.sock, sizeof(machine.sock), "%s/vfio-user/%s.sock",
			 machine.rundir, machine.uuid);
		has_mdev = true;
	}
	return &machine;
}

void fuzz_machine_pump(struct fuzz_machine *m)
{
	int i;

	for (i = 0; i < 1000; i++)
		if (evloop_run_once(m->loop, 0) <= 0)
			break;
}
