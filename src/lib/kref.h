/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reference counts, the kernel's kref: init to 1, get, put with a release
 * callback that runs exactly once when the count drops to zero. Thread-safe
 * (atomic); the object must not be used after the put that released it.
 */
#ifndef SIOVD_LIB_KREF_H
#define SIOVD_LIB_KREF_H

#include <stdatomic.h>
#include <stdbool.h>

struct kref {
	atomic_uint refcount;
};

static inline void kref_init(struct kref *k)
{
	atomic_init(&k->refcount, 1);
}

static inline unsigned int kref_read(const struct kref *k)
{
	return atomic_load_explicit(&k->refcount, memory_order_relaxed);
}

static inline void kref_get(struct kref *k)
{
	atomic_fetch_add_explicit(&k->refcount, 1, memory_order_relaxed);
}

/* Return: true when this put released the object. */
static inline bool kref_put(struct kref *k, void (*release)(struct kref *k))
{
	if (atomic_fetch_sub_explicit(&k->refcount, 1, memory_order_acq_rel) == 1) {
		release(k);
		return true;
	}
	return false;
}

#endif
