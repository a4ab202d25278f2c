/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The platform IOMMU: DMA remapping by (requester id, PASID).
 *
 * Model (Intel VT-d scalable mode, reduced to what siovd needs): each PCI
 * requester id (RID = bus << 8 | devfn) has a PASID table; each PASID entry,
 * and the RID's own requests without PASID, point to an I/O address space,
 * a struct iommu_domain, that maps IOVA ranges to host virtual memory with
 * read/write permissions. A device model's DMA is translated through the
 * domain of the (RID, PASID) it issues; an address that no mapping covers,
 * or covers without the needed permission, is a fault reported with the
 * faulting IOVA, never a host access.
 *
 * Lifetime: iommu_create() .. iommu_destroy(); a domain from
 * iommu_domain_alloc() is freed by iommu_domain_free() after it was detached
 * from every (RID, PASID). Mappings do not own the host memory: the caller
 * keeps it valid until iommu_unmap() has returned.
 *
 * Threading and the in-flight rule: configuration calls (alloc, attach,
 * detach, map, unmap) may come from any thread. DMA runs inside an
 * iommu_dma_begin() .. iommu_dma_end() window, during which the domain's
 * mappings cannot change: iommu_unmap() and iommu_detach_device_pasid()
 * wait for every open window on that domain to close, so when they return no
 * device can touch the old memory any more. Windows are short (one
 * descriptor) and must not block on anything but memory access.
 * Writers are preferred, so a stream of DMA cannot starve an unmap.
 *
 * Source: Intel VT-d spec 3.x ch. 9 (scalable-mode PASID table), and the
 * kernel's iommu_attach_device_pasid()/iommu_map() API shape.
 */
#ifndef SIOVD_IOMMU_IOMMU_H
#define SIOVD_IOMMU_IOMMU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define IOMMU_READ		(1 << 0)	/* device may read (DMA to device) */
#define IOMMU_WRITE		(1 << 1)	/* device may write */

#define IOMMU_NO_PASID		0xffffffffU	/* requests without a PASID prefix */
#define IOMMU_PASID_BITS	20
#define IOMMU_PASID_MAX		((1U << IOMMU_PASID_BITS) - 1)

/* Upper bound on mappings per domain (vfio-user max_dma_maps). */
#define IOMMU_DOMAIN_MAX_MAPPINGS	65535

struct iommu;
struct iommu_domain;

/* Return: a new IOMMU with no device contexts, or NULL (-ENOMEM). */
struct iommu *iommu_create(void);
/* All domains must have been detached and freed. */
void iommu_destroy(struct iommu *iommu);

/* Return: an empty domain, or NULL (-ENOMEM). */
struct iommu_domain *iommu_domain_alloc(struct iommu *iommu);
/* The domain must be detached everywhere; remaining mappings are dropped. */
void iommu_domain_free(struct iommu_domain *dom);

/*
 * iommu_map - map [@iova, @iova + @size) to host memory at @vaddr.
 * @size: bytes, > 0; no alignment is required (vfio-user allows any).
 * @prot: IOMMU_READ | IOMMU_WRITE, at least one.
 * Return: 0; -EINVAL (size 0, range wraps past 2^64, bad prot);
 * -EEXIST (overlaps an existing mapping); -ENOSPC (too many mappings);
 * -ENOMEM.
 */
int iommu_map(struct iommu_domain *dom, uint64_t iova, void *vaddr,
	      uint64_t size, int prot);

/*
 * iommu_unmap - remove the mapping that starts at @iova with exactly @size.
 * Waits for open DMA windows on @dom (see the in-flight rule above).
 * Return: 0, or -ENOENT when no mapping has that start and size.
 */
int iommu_unmap(struct iommu_domain *dom, uint64_t iova, uint64_t size);

/* Number of mappings in @dom (for leak accounting and tests). */
unsigned int iommu_domain_nr_mappings(struct iommu_domain *dom);

/*
 * iommu_pasid_alloc / iommu_pasid_free - the platform's global PASID space.
 * PASID 0 is never handed out (it is the RID_PASID of scalable mode).
 * Return: a PASID in [1, IOMMU_PASID_MAX], or -ENOSPC.
 */
int iommu_pasid_alloc(struct iommu *iommu);
void iommu_pasid_free(struct iommu *iommu, uint32_t pasid);
/* Number of PASIDs allocated (for leak accounting). */
unsigned int iommu_pasid_count(struct iommu *iommu);

/*
 * iommu_attach_device_pasid - translate requests of @rid tagged @pasid
 * (or IOMMU_NO_PASID for untagged requests) through @dom.
 * Return: 0; -EBUSY if that (rid, pasid) already has a domain; -EINVAL for
 * a PASID out of range; -ENOMEM.
 */
int iommu_attach_device_pasid(struct iommu_domain *dom, uint16_t rid, uint32_t pasid);

/*
 * iommu_detach_device_pasid - undo an attach; from now on requests of
 * (@rid, @pasid) fault. Waits for open DMA windows on the old domain.
 */
void iommu_detach_device_pasid(struct iommu *iommu, uint16_t rid, uint32_t pasid);

/* ---- the device side: DMA windows ------------------------------------- */

/*
 * struct iommu_dma - one open DMA window. Lives on the caller's stack;
 * its fields are private to the iommu layer.
 */
struct iommu_dma {
	struct iommu_domain *dom;	/* NULL: nothing attached, all faults */
	const struct iommu_mapping *hit;	/* last translated mapping, or NULL */
};

/*
 * iommu_dma_begin - open a DMA window for requests of (@rid, @pasid).
 * Always succeeds; with nothing attached every translation faults.
 * Must be paired with iommu_dma_end() on the same thread.
 */
void iommu_dma_begin(struct iommu *iommu, uint16_t rid, uint32_t pasid,
		     struct iommu_dma *dma);
void iommu_dma_end(struct iommu_dma *dma);

/*
 * iommu_dma_translate - host address of @iova for an access of up to @len
 * bytes needing @prot.
 * Return: the number of bytes (1..@len) contiguous in host memory starting
 * at @iova, with *@hva set; 0 when @iova itself faults. A range that
 * continues in an adjacent mapping needs a further call.
 */
size_t iommu_dma_translate(struct iommu_dma *dma, uint64_t iova, size_t len,
			   int prot, void **hva);

/*
 * iommu_dma_read / iommu_dma_write - copy between the device and the
 * address space of the window.
 * Return: 0, or -EFAULT with *@fault_addr set to the first IOVA that could
 * not be accessed; bytes before it were transferred (@done, if not NULL,
 * says how many).
 */
int iommu_dma_read(struct iommu_dma *dma, uint64_t iova, void *buf, size_t len,
		   uint64_t *fault_addr, size_t *done);
int iommu_dma_write(struct iommu_dma *dma, uint64_t iova, const void *buf,
		    size_t len, uint64_t *fault_addr, size_t *done);

#endif
