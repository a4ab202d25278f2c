// SPDX-License-Identifier: GPL-2.0-only
/*
 * Attribute writes: sequences of writes (and reads) of arbitrary values to
 * every attribute of the tree — idxd device/group/WQ/engine attributes,
 * bind/unbind, driver_override, mdev create/remove — on the running machine.
 * Input: records of [attribute index: 2 bytes][op+length: 1 byte][value].
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "sysfs/sysfs.h"

#define MAX_ATTRS	4096

static char *attrs[MAX_ATTRS];
static unsigned int nattrs;

struct walk {
	const char *dir;
	int depth;
};

static int collect(void *arg, const char *name, const struct sysfs_stat *st)
{
	struct walk *w = arg, sub;
	char path[1024];

	if (snprintf(path, sizeof(path), "%s/%s", w->dir, name) >= (int)sizeof(path))
		return 0;
	if (st->type == SYSFS_TYPE_FILE && nattrs < MAX_ATTRS) {
		attrs[nattrs++] = strdup(path);
	} else if (st->type == SYSFS_TYPE_DIR && w->depth < 12) {
		/* walk real directories only: links lead back into the tree */
		sub.dir = path;
		sub.depth = w->depth + 1;
		sysfs_readdir(path, collect, &sub);
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_in in = { data, size };
	char value[256], buf[4096];

	fuzz_machine_get(true);
	if (!nattrs) {
		struct walk w = { "/sys", 0 };

		sysfs_readdir("/sys", collect, &w);
	}
	while (in.left >= 3) {
		unsigned int idx = fuzz_take(&in, 2) % nattrs;
		unsigned int op = fuzz_take(&in, 1);
		size_t len = op & 0x7f;

		if (len > in.left)
			len = in.left;
		if (op & 0x80) {
			sysfs_read(attrs[idx], buf, sizeof(buf));
			continue;
		}
		memcpy(value, in.p, len);
		in.p += len;
		in.left -= len;
		sysfs_write(attrs[idx], value, len);
	}
	return 0;
}
