// SPDX-License-Identifier: GPL-2.0-only
/*
 * The virtual device's emulation (the vdcm on vfio-pci-core): random
 * access sequences to its config space, virtual BAR0 registers and BAR2
 * portals through the vfio_device ops, within an open session, as the
 * vfio-user server would issue them.
 *
 * Input: records of [region: 1 byte][size: 1 byte][offset: 4 bytes]
 * [value: 8 bytes]. Region 0..2 selects config space, BAR0, BAR2; bit 7 of
 * the region byte makes the access a read. The size byte picks 1, 2, 4, 8
 * or 64 bytes (a 64-byte write is a descriptor; its bytes repeat the
 * value). A record with region 0xff resets the device (VFIO_DEVICE_RESET);
 * one with region 0xfe ends the session and opens a new one (the close
 * path: portal revoked, WQ aborted, pending errors taken, device reset),
 * as a client leaving and the next one arriving would.
 */
#include <linux/vfio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "vfio/vfio.h"

static struct vfio_session *session;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const unsigned int sizes[] = { 1, 2, 4, 8, 64 };
	static const unsigned int regions[] = { VFIO_PCI_CONFIG_REGION_INDEX,
						VFIO_PCI_BAR0_REGION_INDEX,
						VFIO_PCI_BAR2_REGION_INDEX };
	struct fuzz_machine *m = fuzz_machine_get(true);
	struct fuzz_in in = { data, size };
	struct vfio_device *vdev = m->vdev;
	uint8_t buf[64];

	if (!session) {
		session = vfio_session_open(vdev);
		if (!session)
			abort();
	}
	while (in.left >= 14) {
		unsigned int r = fuzz_take(&in, 1);
		unsigned int len = sizes[fuzz_take(&in, 1) % 5];
		uint64_t off = fuzz_take(&in, 4);
		uint64_t val = fuzz_take(&in, 8);
		uint64_t pos;
		unsigned int i;

		if (r == 0xff) {
			vdev->ops->ioctl(vdev, VFIO_DEVICE_RESET, NULL);
			continue;
		}
		if (r == 0xfe) {
			vfio_session_close(session);
			session = vfio_session_open(vdev);
			if (!session)
				abort();	/* the harness's own failure, not the input's */
			continue;
		}
		pos = VFIO_PCI_INDEX_TO_OFFSET(regions[(r & 0x7f) % 3]) | off;
		for (i = 0; i < len; i++)
			buf[i] = (uint8_t)(val >> (8 * (i % 8)));
		if (r & 0x80)
			vdev->ops->read(vdev, (char *)buf, len, &pos);
		else
			vdev->ops->write(vdev, (const char *)buf, len, &pos);
	}
	fuzz_machine_pump(m);
	return 0;
}
