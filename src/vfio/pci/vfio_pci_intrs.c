// SPDX-License-Identifier: GPL-2.0-only
/*
 * MSI-X for emulated functions: the capability, the emulated table and PBA,
 * per-vector eventfd/mask/pending state driven by VFIO_DEVICE_SET_IRQS, and
 * vfio_pci_core_trigger() for vectors the variant emulates.
 *
 * The core keeps its own dup of every wired eventfd, so it can signal an
 * emulated vector and the SET_IRQS loopback triggers without asking the
 * variant; a variant that routes a vector elsewhere (an IMS entry's IRTE)
 * learns of each change through struct vfio_pci_core_irq_ops.
 *
 * Source: Linux drivers/vfio/pci/vfio_pci_intrs.c (semantics of
 * vfio_pci_set_msi_trigger() and vfio_msi_set_block()); PCI Local Bus 3.0
 * 6.8.2 (MSI-X capability, table, PBA).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/log.h"
#include "vfio/pci/vfio_pci_priv.h"

#define MSIX_MAX_VECTORS	2048
#define MSIX_CTRL_WMASK		(PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL)

static uint64_t msix_table_size(unsigned int nvec)
{
	return (uint64_t)nvec * PCI_MSIX_ENTRY_SIZE;
}

static uint64_t msix_pba_size(unsigned int nvec)
{
	return DIV_ROUND_UP(nvec, 64) * 8;
}

/* A BAR that was set up, and not the upper half of a 64-bit one. */
static bool msix_bar_ok(struct vfio_pci_core_device *core, unsigned int bar,
			uint64_t off, uint64_t len)
{
	if (bar >= VFIO_PCI_NUM_BARS || !core->regions[bar].size)
		return false;
	return IS_ALIGNED(off, 8) && off < core->regions[bar].size &&
	       len <= core->regions[bar].size - off;
}

/**
 * vfio_pci_core_add_msix_cap - see vfio_pci_core.h.
 */
int vfio_pci_core_add_msix_cap(struct vfio_pci_core_device *core, unsigned int nvec,
			       unsigned int table_bar, uint64_t table_offset,
			       unsigned int pba_bar, uint64_t pba_offset)
{
	unsigned int i;
	int off;

	if (core->msix_cap)
		return -EEXIST;
	if (!nvec || nvec > MSIX_MAX_VECTORS)
		return -EINVAL;
	if (!msix_bar_ok(core, table_bar, table_offset, msix_table_size(nvec)) ||
	    !msix_bar_ok(core, pba_bar, pba_offset, msix_pba_size(nvec)) ||
	    table_offset > UINT32_MAX || pba_offset > UINT32_MAX)
		return -EINVAL;
	if (table_bar == pba_bar && table_offset < pba_offset + msix_pba_size(nvec) &&
	    pba_offset < table_offset + msix_table_size(nvec))
		return -EINVAL;

	core->msix_table = calloc(nvec, PCI_MSIX_ENTRY_SIZE);
	core->msix_ctx = calloc(nvec, sizeof(*core->msix_ctx));
	if (!core->msix_table || !core->msix_ctx) {
		vfio_pci_msix_free(core);
		return -ENOMEM;
	}
	off = vfio_pci_core_add_cap(core, PCI_CAP_ID_MSIX, PCI_CAP_MSIX_SIZEOF);
	if (off < 0) {
		vfio_pci_msix_free(core);
		return off;
	}
	core->msix_nvec = nvec;
	for (i = 0; i < nvec; i++)
		core->msix_ctx[i].trigger = -1;
	vfio_pci_core_config_set(core, off + PCI_MSIX_FLAGS, 2, nvec - 1, MSIX_CTRL_WMASK, 0);
	vfio_pci_core_config_set(core, off + PCI_MSIX_TABLE, 4,
				 (uint32_t)table_offset | table_bar, 0, 0);
	vfio_pci_core_config_set(core, off + PCI_MSIX_PBA, 4,
				 (uint32_t)pba_offset | pba_bar, 0, 0);
	core->msix_cap = (unsigned int)off;
	core->msix_table_bar = table_bar;
	core->msix_table_offset = table_offset;
	core->msix_pba_bar = pba_bar;
	core->msix_pba_offset = pba_offset;
	vfio_pci_msix_table_reset(core);
	return off;
}

void vfio_pci_msix_free(struct vfio_pci_core_device *core)
{
	unsigned int i;

	for (i = 0; core->msix_ctx && i < core->msix_nvec; i++)
		if (core->msix_ctx[i].trigger >= 0)
			close(core->msix_ctx[i].trigger);
	free(core->msix_ctx);
	free(core->msix_table);
	core->msix_ctx = NULL;
	core->msix_table = NULL;
	core->msix_nvec = 0;
	core->msix_cap = 0;
	core->msix_enabled = false;
}

void vfio_pci_msix_table_reset(struct vfio_pci_core_device *core)
{
	unsigned int i;

	if (!core->msix_table)
		return;
	memset(core->msix_table, 0, msix_table_size(core->msix_nvec));
	for (i = 0; i < core->msix_nvec; i++)
		core->msix_table[i * PCI_MSIX_ENTRY_SIZE + PCI_MSIX_ENTRY_VECTOR_CTRL] =
			PCI_MSIX_ENTRY_CTRL_MASKBIT;
}

unsigned int vfio_pci_irq_count(struct vfio_pci_core_device *core, unsigned int index)
{
	/* No INTx pin, no MSI capability, no error or request signalling. */
	return index == VFIO_PCI_MSIX_IRQ_INDEX ? core->msix_nvec : 0;
}

/* ---- delivery ----------------------------------------------------------------- */

static void msix_signal(int fd)
{
	uint64_t one = 1;

	/* An eventfd write fails only when the counter would overflow. */
	if (write(fd, &one, sizeof(one)) != sizeof(one))
		pr_debug("vfio-pci: eventfd %d not signalled\n", fd);
}

/**
 * vfio_pci_core_trigger - see vfio_pci_core.h.
 */
int vfio_pci_core_trigger(struct vfio_pci_core_device *core, unsigned int vector)
{
	struct vfio_pci_irq_ctx *ctx;

	if (vector >= core->msix_nvec)
		return -EINVAL;
	ctx = &core->msix_ctx[vector];
	if (!core->msix_enabled || ctx->trigger < 0)
		return -ENOENT;
	if (ctx->masked) {
		ctx->pending = true;
		return 0;
	}
	msix_signal(ctx->trigger);
	return 0;
}

/**
 * vfio_pci_core_msix_masked - see vfio_pci_core.h.
 */
bool vfio_pci_core_msix_masked(struct vfio_pci_core_device *core, unsigned int vector)
{
	return vector < core->msix_nvec && core->msix_ctx[vector].masked;
}

/* ---- SET_IRQS ----------------------------------------------------------------- */

/* Wire @vector to a dup of @fd (-1: unwire). Return: 0, -EBADF, hook error. */
static int msix_set_vector(struct vfio_pci_core_device *core, unsigned int vector, int fd)
{
	const struct vfio_pci_core_irq_ops *ops = core->irq_ops;
	struct vfio_pci_irq_ctx *ctx = &core->msix_ctx[vector];
	int dupfd, rc;

	if (ctx->trigger >= 0) {
		if (ops && ops->msix_set)
			ops->msix_set(core, vector, -1);
		close(ctx->trigger);
		ctx->trigger = -1;
	}
	if (fd < 0)
		return 0;
	dupfd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dupfd < 0)
		return -EBADF;
	if (ops && ops->msix_set) {
		rc = ops->msix_set(core, vector, dupfd);
		if (rc) {
			close(dupfd);
			return rc;
		}
	}
	ctx->trigger = dupfd;
	return 0;
}

void vfio_pci_msix_disable(struct vfio_pci_core_device *core)
{
	unsigned int i;

	for (i = 0; i < core->msix_nvec; i++) {
		msix_set_vector(core, i, -1);
		core->msix_ctx[i].masked = false;
		core->msix_ctx[i].pending = false;
	}
	core->msix_enabled = false;
}

static int msix_set_block(struct vfio_pci_core_device *core, unsigned int start,
			  unsigned int count, const int32_t *fds)
{
	unsigned int i;
	int rc;

	for (i = 0; i < count; i++) {
		rc = msix_set_vector(core, start + i, fds[i]);
		if (rc) {
			while (i--)
				msix_set_vector(core, start + i, -1);
			return rc;
		}
	}
	return 0;
}

static int msix_trigger(struct vfio_pci_core_device *core, const struct vfio_irq_set *hdr,
			const void *data)
{
	uint32_t type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	const uint8_t *bools = data;
	unsigned int i;
	bool enabling;
	int rc;

	if (core->msix_enabled && !hdr->count && type == VFIO_IRQ_SET_DATA_NONE) {
		vfio_pci_msix_disable(core);
		return 0;
	}
	if (type == VFIO_IRQ_SET_DATA_EVENTFD) {
		enabling = !core->msix_enabled;
		core->msix_enabled = true;
		rc = msix_set_block(core, hdr->start, hdr->count, data);
		if (rc && enabling)
			vfio_pci_msix_disable(core);
		return rc;
	}
	/* loopback: signal the wired vectors */
	if (!core->msix_enabled)
		return -EINVAL;
	for (i = 0; i < hdr->count; i++) {
		struct vfio_pci_irq_ctx *ctx = &core->msix_ctx[hdr->start + i];

		if (ctx->trigger < 0)
			continue;
		if (type == VFIO_IRQ_SET_DATA_NONE || bools[i])
			msix_signal(ctx->trigger);
	}
	return 0;
}

static int msix_mask(struct vfio_pci_core_device *core, const struct vfio_irq_set *hdr,
		     const void *data, bool mask)
{
	const struct vfio_pci_core_irq_ops *ops = core->irq_ops;
	uint32_t type = hdr->flags & VFIO_IRQ_SET_DATA_TYPE_MASK;
	const uint8_t *bools = data;
	struct vfio_pci_irq_ctx *ctx;
	unsigned int i, v;

	if (type == VFIO_IRQ_SET_DATA_EVENTFD || !core->msix_enabled)
		return -EINVAL;
	for (i = 0; i < hdr->count; i++) {
		if (type == VFIO_IRQ_SET_DATA_BOOL && !bools[i])
			continue;
		v = hdr->start + i;
		ctx = &core->msix_ctx[v];
		if (ctx->masked == mask)
			continue;
		ctx->masked = mask;
		if (mask) {
			if (ops && ops->msix_mask)
				ops->msix_mask(core, v);
			continue;
		}
		if (ops && ops->msix_unmask)
			ops->msix_unmask(core, v);
		if (ctx->pending) {
			ctx->pending = false;
			if (ctx->trigger >= 0)
				msix_signal(ctx->trigger);
		}
	}
	return 0;
}

int vfio_pci_set_irqs(struct vfio_pci_core_device *core, const struct vfio_irq_set *hdr,
		      const void *data)
{
	if (hdr->index != VFIO_PCI_MSIX_IRQ_INDEX)
		return -EINVAL;
	switch (hdr->flags & VFIO_IRQ_SET_ACTION_TYPE_MASK) {
	case VFIO_IRQ_SET_ACTION_TRIGGER:
		return msix_trigger(core, hdr, data);
	case VFIO_IRQ_SET_ACTION_MASK:
		return msix_mask(core, hdr, data, true);
	case VFIO_IRQ_SET_ACTION_UNMASK:
		return msix_mask(core, hdr, data, false);
	default:
		return -EINVAL;
	}
}

/* ---- the emulated table and PBA ---------------------------------------------- */

static bool range_hits(uint64_t off, size_t count, uint64_t start, uint64_t len)
{
	return off < start + len && start < off + count;
}

static ssize_t msix_table_rw(struct vfio_pci_core_device *core, char *buf, size_t count,
			     uint64_t off, bool iswrite)
{
	unsigned int i, o, field;
	uint8_t v;

	if (!iswrite) {
		memcpy(buf, core->msix_table + off, count);
		return (ssize_t)count;
	}
	for (i = 0; i < count; i++) {
		o = (unsigned int)off + i;
		field = o % PCI_MSIX_ENTRY_SIZE;
		v = (uint8_t)buf[i];
		if (field == PCI_MSIX_ENTRY_LOWER_ADDR)
			v &= ~3;	/* dword-aligned message address */
		else if (field == PCI_MSIX_ENTRY_VECTOR_CTRL)
			v &= PCI_MSIX_ENTRY_CTRL_MASKBIT;
		else if (field > PCI_MSIX_ENTRY_VECTOR_CTRL)
			v = 0;		/* reserved bits of vector control */
		core->msix_table[o] = v;
	}
	return (ssize_t)count;
}

static ssize_t msix_pba_rw(struct vfio_pci_core_device *core, char *buf, size_t count,
			   uint64_t off, bool iswrite)
{
	uint8_t pba[MSIX_MAX_VECTORS / 8] = { 0 };
	unsigned int v;

	if (iswrite)
		return (ssize_t)count;	/* read-only: the write is dropped */
	for (v = 0; v < core->msix_nvec; v++)
		if (core->msix_ctx[v].pending)
			pba[v / 8] |= 1U << (v % 8);
	memcpy(buf, pba + off, count);
	return (ssize_t)count;
}

ssize_t vfio_pci_msix_rw(struct vfio_pci_core_device *core, unsigned int bar,
			 char *buf, size_t count, uint64_t off, bool iswrite)
{
	bool in_table = bar == core->msix_table_bar &&
		range_hits(off, count, core->msix_table_offset, msix_table_size(core->msix_nvec));
	bool in_pba = bar == core->msix_pba_bar &&
		range_hits(off, count, core->msix_pba_offset, msix_pba_size(core->msix_nvec));
	uint64_t start, len;

	if (!core->msix_cap || (!in_table && !in_pba))
		return 0;
	start = in_table ? core->msix_table_offset : core->msix_pba_offset;
	len = in_table ? msix_table_size(core->msix_nvec) : msix_pba_size(core->msix_nvec);
	/* dword or qword, naturally aligned, wholly inside (PCIe 6.1.4.2) */
	if ((count != 4 && count != 8) || !IS_ALIGNED(off, count) ||
	    off < start || off + count > start + len)
		return -EINVAL;
	if (in_table)
		return msix_table_rw(core, buf, count, off - start, iswrite);
	return msix_pba_rw(core, buf, count, off - start, iswrite);
}
