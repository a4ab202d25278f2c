/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Shared pieces of the fuzz harnesses (libFuzzer entry points; the same
 * harnesses build with gcc as corpus-replay programs for make check).
 *
 * The machine: what siovd builds at start-up (tests/fuzz/machine.c follows
 * src/daemon/main.c): the platform with one DSA, the drivers, the embedded
 * default profile enabled, optionally an mdev with its vfio-user socket.
 * It is built once per process and kept; every input runs against it, so a
 * harness also checks that state left behind by earlier inputs is survivable,
 * as it must be for a daemon serving many clients.
 */
#ifndef SIOVD_TESTS_FUZZ_H
#define SIOVD_TESTS_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct evloop;
struct vfio_device;

struct fuzz_machine {
	struct evloop *loop;
	struct vfio_device *vdev;	/* the mdev's vfio device, if created */
	char rundir[64];
	char sock[160];			/* its vfio-user socket */
	char uuid[40];
};

/* Build the machine (once); with @mdev, create one mdev. Aborts on failure. */
struct fuzz_machine *fuzz_machine_get(bool mdev);
/* Run the event loop until nothing is ready (bounded). */
void fuzz_machine_pump(struct fuzz_machine *m);

/* A little reader over the fuzz input. */
struct fuzz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint64_t fuzz_take(struct fuzz_in *in, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes && in->left; i++, in->p++, in->left--)
		v |= (uint64_t)*in->p << (8 * i);
	return v;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif
