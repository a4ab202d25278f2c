// SPDX-License-Identifier: GPL-2.0-only
/*
 * The platform IOMMU: per-RID PASID tables pointing at I/O address spaces.
 *
 * Structure (VT-d scalable mode, reduced):
 *   iommu -> bus[256] -> context[256 devfn] -> PASID directory[2^14]
 *         -> PASID table[64] -> struct iommu_domain
 * plus one "RID_PASID" slot per context for untagged requests
 * (IOMMU_NO_PASID). Tables are allocated on first attach and live until
 * iommu_destroy(); their slots are atomic pointers so the DMA side can walk
 * them without a lock.
 *
 * Locks and their order:
 *   iommu->lock   (mutex)  table allocation, attach/detach bookkeeping, the
 *                          domain list and the PASID allocator;
 *   dom->rwlock   (rwlock, writers preferred) the mapping array; readers
 *                          are DMA windows, writers are map/unmap/detach.
 * iommu->lock may be held while taking dom->rwlock for writing (detach),
 * never the other way round. DMA windows take only dom->rwlock.
 *
 * The lookup race: a window loads the domain pointer of (rid, pasid) and
 * then read-locks it, while a detach may clear that slot and the domain may
 * then be freed. Each context therefore counts lookups in progress
 * (ctx->lookups, in memory that is never freed before the iommu): a window
 * increments it before loading the slot and decrements it once it holds the
 * read lock; a detach clears the slot, waits for the count to drop to zero
 * and then takes the domain's write lock once. After that no window can
 * still reach the domain through that slot.
 */
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "iommu/iommu.h"
#include "lib/compiler.h"
#include "lib/list.h"
#include "lib/log.h"

#define PASID_TABLE_BITS	6
#define PASID_TABLE_SIZE	(1U << PASID_TABLE_BITS)	/* entries per table */
#define PASID_DIR_SIZE		(1U << (IOMMU_PASID_BITS - PASID_TABLE_BITS))
#define PASID_BITMAP_WORDS	((IOMMU_PASID_MAX + 1) / 64)

struct iommu_mapping {
	uint64_t iova;
	uint64_t last;		/* inclusive: iova + size - 1, never wraps */
	uint8_t *hva;
	int prot;
};

struct pasid_table {
	_Atomic(struct iommu_domain *) entry[PASID_TABLE_SIZE];
};

struct iommu_ctx {
	atomic_uint lookups;			/* windows between load and rdlock */
	_Atomic(struct iommu_domain *) rid_dom;	/* IOMMU_NO_PASID */
	_Atomic(struct pasid_table *) dir[PASID_DIR_SIZE];
};

struct iommu_bus {
	_Atomic(struct iommu_ctx *) devfn[256];
};

/* One (rid, pasid) a domain is attached at. */
struct iommu_attachment {
	struct list_head node;
	uint16_t rid;
	uint32_t pasid;
};

struct iommu_domain {
	struct iommu *iommu;
	struct list_head node;		/* in iommu->domains */
	struct list_head attachments;	/* under iommu->lock */
	pthread_rwlock_t rwlock;
	struct iommu_mapping *maps;	/* sorted by iova, disjoint */
	unsigned int nr_maps;
	unsigned int cap_maps;
};

struct iommu {
	pthread_mutex_t lock;
	_Atomic(struct iommu_bus *) bus[256];
	struct list_head domains;
	uint64_t *pasid_bitmap;		/* bit set = allocated */
	uint32_t pasid_hint;
	unsigned int nr_pasids;
};

/* ---- object lifetime --------------------------------------------------- */

struct iommu *iommu_create(void)
{
	struct iommu *iommu = calloc(1, sizeof(*iommu));

	if (!iommu)
		return NULL;
	iommu->pasid_bitmap = calloc(PASID_BITMAP_WORDS, sizeof(uint64_t));
	if (!iommu->pasid_bitmap) {
		free(iommu);
		return NULL;
	}
	pthread_mutex_init(&iommu->lock, NULL);
	INIT_LIST_HEAD(&iommu->domains);
	iommu->pasid_hint = 1;
	return iommu;
}

static void iommu_free_tables(struct iommu *iommu)
{
	unsigned int b, d, i;

	for (b = 0; b < 256; b++) {
		struct iommu_bus *bus = atomic_load(&iommu->bus[b]);

		if (!bus)
			continue;
		for (d = 0; d < 256; d++) {
			struct iommu_ctx *ctx = atomic_load(&bus->devfn[d]);

			if (!ctx)
				continue;
			for (i = 0; i < PASID_DIR_SIZE; i++)
				free(atomic_load(&ctx->dir[i]));
			free(ctx);
		}
		free(bus);
	}
}

void iommu_destroy(struct iommu *iommu)
{
	if (!iommu)
		return;
	while (!list_empty(&iommu->domains)) {
		struct iommu_domain *dom =
			list_first_entry(&iommu->domains, struct iommu_domain, node);

		pr_warn("iommu: destroy with a live domain (%u mappings)\n", dom->nr_maps);
		iommu_domain_free(dom);
	}
	iommu_free_tables(iommu);
	pthread_mutex_destroy(&iommu->lock);
	free(iommu->pasid_bitmap);
	free(iommu);
}

struct iommu_domain *iommu_domain_alloc(struct iommu *iommu)
{
	pthread_rwlockattr_t attr;
	struct iommu_domain *dom;

	if (!iommu)
		return NULL;
	dom = calloc(1, sizeof(*dom));
	if (!dom)
		return NULL;
	dom->iommu = iommu;
	INIT_LIST_HEAD(&dom->attachments);
	/* Writers first: a stream of DMA windows must not starve an unmap. */
	pthread_rwlockattr_init(&attr);
	pthread_rwlockattr_setkind_np(&attr, PTHREAD_RWLOCK_PREFER_WRITER_NONRECURSIVE_NP);
	pthread_rwlock_init(&dom->rwlock, &attr);
	pthread_rwlockattr_destroy(&attr);

	pthread_mutex_lock(&iommu->lock);
	list_add_tail(&dom->node, &iommu->domains);
	pthread_mutex_unlock(&iommu->lock);
	return dom;
}

static void iommu_detach_locked(struct iommu *iommu, uint16_t rid, uint32_t pasid);

void iommu_domain_free(struct iommu_domain *dom)
{
	struct iommu *iommu;

	if (!dom)
		return;
	iommu = dom->iommu;
	pthread_mutex_lock(&iommu->lock);
	/* Freeing an attached domain is a caller bug; detach rather than dangle. */
	while (!list_empty(&dom->attachments)) {
		struct iommu_attachment *at =
			list_first_entry(&dom->attachments, struct iommu_attachment, node);

		pr_warn("iommu: freeing domain still attached to rid %#x pasid %#x\n",
			at->rid, at->pasid);
		iommu_detach_locked(iommu, at->rid, at->pasid);
	}
	list_del_init(&dom->node);
	pthread_mutex_unlock(&iommu->lock);

	pthread_rwlock_destroy(&dom->rwlock);
	free(dom->maps);
	free(dom);
}

/* ---- mappings ----------------------------------------------------------- */

/* Index of the first mapping whose last byte is >= @iova (may be nr_maps). */
static unsigned int dom_lower_bound(const struct iommu_domain *dom, uint64_t iova)
{
	unsigned int lo = 0, hi = dom->nr_maps;

	while (lo < hi) {
		unsigned int mid = lo + (hi - lo) / 2;

		if (dom->maps[mid].last < iova)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int dom_reserve(struct iommu_domain *dom)
{
	struct iommu_mapping *maps;
	unsigned int cap;

	if (dom->nr_maps < dom->cap_maps)
		return 0;
	if (dom->nr_maps >= IOMMU_DOMAIN_MAX_MAPPINGS)
		return -ENOSPC;
	cap = dom->cap_maps ? dom->cap_maps * 2 : 16;
	if (cap > IOMMU_DOMAIN_MAX_MAPPINGS)
		cap = IOMMU_DOMAIN_MAX_MAPPINGS;
	maps = realloc(dom->maps, (size_t)cap * sizeof(*maps));
	if (!maps)
		return -ENOMEM;
	dom->maps = maps;
	dom->cap_maps = cap;
	return 0;
}

/**
 * iommu_map - map [@iova, @iova + @size) to host memory at @vaddr.
 * @dom: the domain; @iova: device address; @vaddr: host address (not owned);
 * @size: bytes, >= 1, [@iova, @iova + @size - 1] must not wrap past 2^64;
 * @prot: IOMMU_READ and/or IOMMU_WRITE, nothing else.
 *
 * Takes the domain's write lock, so it waits for open DMA windows.
 * Undone by iommu_unmap() with the same @iova and @size.
 *
 * Return: 0, -EINVAL, -EEXIST (overlap), -ENOSPC (IOMMU_DOMAIN_MAX_MAPPINGS
 * reached), -ENOMEM.
 */
int iommu_map(struct iommu_domain *dom, uint64_t iova, void *vaddr,
	      uint64_t size, int prot)
{
	struct iommu_mapping m;
	unsigned int pos;
	int ret;

	if (!dom || !vaddr || size == 0)
		return -EINVAL;
	if (!prot || (prot & ~(IOMMU_READ | IOMMU_WRITE)))
		return -EINVAL;
	if (size - 1 > UINT64_MAX - iova)		/* last byte past 2^64 */
		return -EINVAL;
	if ((uintptr_t)vaddr + (size - 1) < (uintptr_t)vaddr)
		return -EINVAL;
	m.iova = iova;
	m.last = iova + (size - 1);
	m.hva = vaddr;
	m.prot = prot;

	pthread_rwlock_wrlock(&dom->rwlock);
	pos = dom_lower_bound(dom, iova);
	/* maps[pos] is the first mapping ending at or after iova. */
	if (pos < dom->nr_maps && dom->maps[pos].iova <= m.last) {
		ret = -EEXIST;
		goto out_unlock;
	}
	ret = dom_reserve(dom);
	if (ret)
		goto out_unlock;
	memmove(&dom->maps[pos + 1], &dom->maps[pos],
		(size_t)(dom->nr_maps - pos) * sizeof(m));
	dom->maps[pos] = m;
	dom->nr_maps++;
out_unlock:
	pthread_rwlock_unlock(&dom->rwlock);
	return ret;
}

/**
 * iommu_unmap - remove the mapping that starts at @iova and spans @size bytes.
 *
 * Takes the domain's write lock: returns only after every DMA window open on
 * @dom has closed, so the old memory is no longer touched by any device.
 *
 * Return: 0, or -ENOENT when no mapping has exactly that start and size
 * (also for size 0 or a wrapping range, which no mapping can have).
 */
int iommu_unmap(struct iommu_domain *dom, uint64_t iova, uint64_t size)
{
	unsigned int pos;
	int ret = -ENOENT;

	if (!dom)
		return -EINVAL;
	if (size == 0 || size - 1 > UINT64_MAX - iova)
		return -ENOENT;

	pthread_rwlock_wrlock(&dom->rwlock);
	pos = dom_lower_bound(dom, iova);
	if (pos < dom->nr_maps && dom->maps[pos].iova == iova &&
	    dom->maps[pos].last == iova + (size - 1)) {
		memmove(&dom->maps[pos], &dom->maps[pos + 1],
			(size_t)(dom->nr_maps - pos - 1) * sizeof(dom->maps[0]));
		dom->nr_maps--;
		ret = 0;
	}
	pthread_rwlock_unlock(&dom->rwlock);
	return ret;
}

unsigned int iommu_domain_nr_mappings(struct iommu_domain *dom)
{
	unsigned int n;

	if (!dom)
		return 0;
	pthread_rwlock_rdlock(&dom->rwlock);
	n = dom->nr_maps;
	pthread_rwlock_unlock(&dom->rwlock);
	return n;
}

/* ---- PASID allocator ---------------------------------------------------- */

/**
 * iommu_pasid_alloc - allocate a PASID from the platform-wide space.
 *
 * Next-fit over a bitmap of 2^20 bits; PASID 0 is reserved (RID_PASID) and
 * never returned. Thread-safe. Undone by iommu_pasid_free().
 *
 * Return: a PASID in [1, IOMMU_PASID_MAX], -EINVAL (NULL @iommu) or -ENOSPC.
 */
int iommu_pasid_alloc(struct iommu *iommu)
{
	uint32_t n, pasid;
	int ret = -ENOSPC;

	if (!iommu)
		return -EINVAL;
	pthread_mutex_lock(&iommu->lock);
	pasid = iommu->pasid_hint;
	for (n = 0; n < IOMMU_PASID_MAX; n++) {
		uint64_t bit = 1ULL << (pasid % 64);

		if (!(iommu->pasid_bitmap[pasid / 64] & bit)) {
			iommu->pasid_bitmap[pasid / 64] |= bit;
			iommu->nr_pasids++;
			iommu->pasid_hint = pasid == IOMMU_PASID_MAX ? 1 : pasid + 1;
			ret = (int)pasid;
			break;
		}
		pasid = pasid == IOMMU_PASID_MAX ? 1 : pasid + 1;
	}
	pthread_mutex_unlock(&iommu->lock);
	return ret;
}

/* Free a PASID from iommu_pasid_alloc(); freeing one not allocated is logged. */
void iommu_pasid_free(struct iommu *iommu, uint32_t pasid)
{
	uint64_t bit;

	if (!iommu || pasid == 0 || pasid > IOMMU_PASID_MAX) {
		pr_warn("iommu: free of invalid PASID %#x\n", pasid);
		return;
	}
	bit = 1ULL << (pasid % 64);
	pthread_mutex_lock(&iommu->lock);
	if (iommu->pasid_bitmap[pasid / 64] & bit) {
		iommu->pasid_bitmap[pasid / 64] &= ~bit;
		iommu->nr_pasids--;
	} else {
		pr_warn("iommu: free of unallocated PASID %#x\n", pasid);
	}
	pthread_mutex_unlock(&iommu->lock);
}

unsigned int iommu_pasid_count(struct iommu *iommu)
{
	unsigned int n;

	if (!iommu)
		return 0;
	pthread_mutex_lock(&iommu->lock);
	n = iommu->nr_pasids;
	pthread_mutex_unlock(&iommu->lock);
	return n;
}

/* ---- context and PASID tables -------------------------------------------- */

static struct iommu_ctx *ctx_lookup(struct iommu *iommu, uint16_t rid)
{
	struct iommu_bus *bus = atomic_load_explicit(&iommu->bus[rid >> 8],
						     memory_order_acquire);

	if (!bus)
		return NULL;
	return atomic_load_explicit(&bus->devfn[rid & 0xff], memory_order_acquire);
}

/* The slot of (@ctx, @pasid), allocating its table when @alloc. Under iommu->lock. */
static _Atomic(struct iommu_domain *) *ctx_slot(struct iommu_ctx *ctx, uint32_t pasid,
						bool alloc)
{
	struct pasid_table *tbl;

	if (pasid == IOMMU_NO_PASID)
		return &ctx->rid_dom;
	tbl = atomic_load_explicit(&ctx->dir[pasid >> PASID_TABLE_BITS], memory_order_acquire);
	if (!tbl && alloc) {
		tbl = calloc(1, sizeof(*tbl));
		if (!tbl)
			return NULL;
		atomic_store_explicit(&ctx->dir[pasid >> PASID_TABLE_BITS], tbl,
				      memory_order_release);
	}
	return tbl ? &tbl->entry[pasid & (PASID_TABLE_SIZE - 1)] : NULL;
}

/* The context of @rid, allocated if needed. Under iommu->lock. */
static struct iommu_ctx *ctx_get(struct iommu *iommu, uint16_t rid)
{
	struct iommu_bus *bus = atomic_load(&iommu->bus[rid >> 8]);
	struct iommu_ctx *ctx;

	if (!bus) {
		bus = calloc(1, sizeof(*bus));
		if (!bus)
			return NULL;
		atomic_store_explicit(&iommu->bus[rid >> 8], bus, memory_order_release);
	}
	ctx = atomic_load(&bus->devfn[rid & 0xff]);
	if (!ctx) {
		ctx = calloc(1, sizeof(*ctx));
		if (!ctx)
			return NULL;
		atomic_store_explicit(&bus->devfn[rid & 0xff], ctx, memory_order_release);
	}
	return ctx;
}

/**
 * iommu_attach_device_pasid - route requests of (@rid, @pasid) to @dom.
 * @pasid: 0..IOMMU_PASID_MAX, or IOMMU_NO_PASID for untagged requests.
 * Undone by iommu_detach_device_pasid(). Thread-safe.
 * Return: 0, -EINVAL, -EBUSY (already attached), -ENOMEM.
 */
int iommu_attach_device_pasid(struct iommu_domain *dom, uint16_t rid, uint32_t pasid)
{
	_Atomic(struct iommu_domain *) *slot;
	struct iommu_attachment *at;
	struct iommu_ctx *ctx;
	struct iommu *iommu;
	int ret = 0;

	if (!dom || (pasid > IOMMU_PASID_MAX && pasid != IOMMU_NO_PASID))
		return -EINVAL;
	iommu = dom->iommu;
	at = calloc(1, sizeof(*at));
	if (!at)
		return -ENOMEM;
	at->rid = rid;
	at->pasid = pasid;

	pthread_mutex_lock(&iommu->lock);
	ctx = ctx_get(iommu, rid);
	slot = ctx ? ctx_slot(ctx, pasid, true) : NULL;
	if (!slot) {
		ret = -ENOMEM;
		goto out_free;
	}
	if (atomic_load(slot)) {
		ret = -EBUSY;
		goto out_free;
	}
	list_add_tail(&at->node, &dom->attachments);
	atomic_store_explicit(slot, dom, memory_order_seq_cst);
	pthread_mutex_unlock(&iommu->lock);
	return 0;

out_free:
	pthread_mutex_unlock(&iommu->lock);
	free(at);
	return ret;
}

/* Under iommu->lock. Clears the slot and waits until no window uses it. */
static void iommu_detach_locked(struct iommu *iommu, uint16_t rid, uint32_t pasid)
{
	_Atomic(struct iommu_domain *) *slot;
	struct iommu_attachment *at, *tmp;
	struct iommu_domain *dom;
	struct iommu_ctx *ctx;

	ctx = ctx_lookup(iommu, rid);
	slot = ctx ? ctx_slot(ctx, pasid, false) : NULL;
	if (!slot)
		return;
	dom = atomic_exchange_explicit(slot, NULL, memory_order_seq_cst);
	if (!dom)
		return;
	/* Windows that loaded the old pointer are about to read-lock it. */
	while (atomic_load_explicit(&ctx->lookups, memory_order_seq_cst))
		sched_yield();
	/* ... and those holding it finish before the write lock is granted. */
	pthread_rwlock_wrlock(&dom->rwlock);
	pthread_rwlock_unlock(&dom->rwlock);

	list_for_each_entry_safe(at, tmp, &dom->attachments, node) {
		if (at->rid == rid && at->pasid == pasid) {
			list_del_init(&at->node);
			free(at);
			break;
		}
	}
}

/**
 * iommu_detach_device_pasid - stop translating (@rid, @pasid); later requests
 * fault. Returns after every DMA window on the old domain has closed.
 * Detaching something not attached does nothing.
 */
void iommu_detach_device_pasid(struct iommu *iommu, uint16_t rid, uint32_t pasid)
{
	if (!iommu)
		return;
	pthread_mutex_lock(&iommu->lock);
	iommu_detach_locked(iommu, rid, pasid);
	pthread_mutex_unlock(&iommu->lock);
}

/* ---- DMA windows ---------------------------------------------------------- */

/**
 * iommu_dma_begin - open a DMA window for requests of (@rid, @pasid).
 *
 * Read-locks the domain attached there (if any) until iommu_dma_end(); no
 * other lock, no syscall on the uncontended path. Windows must not nest on
 * one thread (the lock prefers writers).
 */
void iommu_dma_begin(struct iommu *iommu, uint16_t rid, uint32_t pasid,
		     struct iommu_dma *dma)
{
	_Atomic(struct iommu_domain *) *slot;
	struct iommu_domain *dom = NULL;
	struct iommu_ctx *ctx;

	dma->dom = NULL;
	dma->hit = NULL;
	if (!iommu || (pasid > IOMMU_PASID_MAX && pasid != IOMMU_NO_PASID))
		return;
	ctx = ctx_lookup(iommu, rid);
	if (!ctx)
		return;
	atomic_fetch_add_explicit(&ctx->lookups, 1, memory_order_seq_cst);
	slot = ctx_slot(ctx, pasid, false);
	if (slot)
		dom = atomic_load_explicit(slot, memory_order_seq_cst);
	if (dom)
		pthread_rwlock_rdlock(&dom->rwlock);
	atomic_fetch_sub_explicit(&ctx->lookups, 1, memory_order_release);
	dma->dom = dom;
}

void iommu_dma_end(struct iommu_dma *dma)
{
	if (dma->dom)
		pthread_rwlock_unlock(&dma->dom->rwlock);
	dma->dom = NULL;
	dma->hit = NULL;
}

/**
 * iommu_dma_translate - host address of @iova for an access of up to @len
 * bytes with @prot, inside an open window.
 *
 * The range is clamped to the end of the 2^64 address space and to the end
 * of the mapping that holds @iova: the return value says how many bytes are
 * contiguous in host memory. A mapping without the needed permission faults
 * like a hole.
 *
 * Return: 1..@len bytes with *@hva set, or 0 when @iova faults (or @len is 0).
 */
size_t iommu_dma_translate(struct iommu_dma *dma, uint64_t iova, size_t len,
			   int prot, void **hva)
{
	const struct iommu_domain *dom = dma->dom;
	const struct iommu_mapping *m;
	uint64_t avail;
	unsigned int pos;

	if (!dom || len == 0 || !prot)
		return 0;
	/*
	 * The mapping of the last translation first: a descriptor's buffers
	 * and record mostly lie in the mappings its neighbours used. Valid for
	 * the window: the read lock keeps the mappings as they are.
	 */
	m = dma->hit;
	if (!m || iova < m->iova || iova > m->last) {
		pos = dom_lower_bound(dom, iova);
		if (pos >= dom->nr_maps)
			return 0;
		m = &dom->maps[pos];
		if (m->iova > iova)
			return 0;
		dma->hit = m;
	}
	if ((m->prot & prot) != prot)
		return 0;
	avail = m->last - iova;		/* bytes after the first: no overflow */
	if ((uint64_t)len - 1 > avail)
		len = (size_t)(avail + 1);
	*hva = m->hva + (iova - m->iova);
	return len;
}

static int iommu_dma_copy(struct iommu_dma *dma, uint64_t iova, void *buf,
			  const void *cbuf, size_t len, int prot,
			  uint64_t *fault_addr, size_t *done)
{
	size_t off = 0;

	/* A range wrapping past 2^64 is refused before any byte moves. */
	if (len && (uint64_t)len - 1 > UINT64_MAX - iova) {
		if (done)
			*done = 0;
		return -EINVAL;
	}
	while (off < len) {
		void *hva;
		size_t n = iommu_dma_translate(dma, iova + off, len - off, prot, &hva);

		if (!n) {
			if (fault_addr)
				*fault_addr = iova + off;
			if (done)
				*done = off;
			return -EFAULT;
		}
		if (prot == IOMMU_READ)
			memcpy((uint8_t *)buf + off, hva, n);
		else
			memcpy(hva, (const uint8_t *)cbuf + off, n);
		off += n;
	}
	if (done)
		*done = off;
	return 0;
}

/**
 * iommu_dma_read - copy @len bytes at @iova (device reads) into @buf.
 * Return: 0; -EFAULT with *@fault_addr = first IOVA that could not be read,
 * the bytes before it copied and counted in *@done; -EINVAL when the range
 * wraps past 2^64 (nothing copied). @fault_addr and @done may be NULL.
 */
int iommu_dma_read(struct iommu_dma *dma, uint64_t iova, void *buf, size_t len,
		   uint64_t *fault_addr, size_t *done)
{
	return iommu_dma_copy(dma, iova, buf, NULL, len, IOMMU_READ, fault_addr, done);
}

/* iommu_dma_write - like iommu_dma_read(), the device writing @buf at @iova. */
int iommu_dma_write(struct iommu_dma *dma, uint64_t iova, const void *buf,
		    size_t len, uint64_t *fault_addr, size_t *done)
{
	return iommu_dma_copy(dma, iova, NULL, buf, len, IOMMU_WRITE, fault_addr, done);
}
