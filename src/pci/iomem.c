// SPDX-License-Identifier: GPL-2.0-only
/*
 * BAR mapping and MMIO accessors: every access becomes one mmio call on the
 * function in the slot, which is all a driver ever gets of the silicon.
 */
#include <errno.h>
#include <stdlib.h>

#include "lib/log.h"
#include "pci/pci_priv.h"

int pci_bar_read(struct pci_dev *pdev, int bar, uint64_t off, unsigned int len,
		 uint64_t *val)
{
	return pdev->ops->mmio_read(pdev->hw, bar, off, len, val);
}

int pci_bar_write(struct pci_dev *pdev, int bar, uint64_t off, unsigned int len,
		  uint64_t val)
{
	return pdev->ops->mmio_write(pdev->hw, bar, off, len, val);
}

struct pci_iomem *pci_iomap(struct pci_dev *pdev, int bar, uint64_t maxlen)
{
	uint64_t len = pci_resource_len(pdev, bar);
	struct pci_iomem *io;

	if (!len) {
		errno = ENODEV;
		return NULL;
	}
	io = calloc(1, sizeof(*io));
	if (!io) {
		errno = ENOMEM;
		return NULL;
	}
	io->pdev = pdev;
	io->bar = bar;
	io->len = maxlen && maxlen < len ? maxlen : len;
	return io;
}

void pci_iounmap(struct pci_iomem *io)
{
	free(io);
}

static uint64_t io_read(const struct pci_iomem *io, uint64_t off, unsigned int len)
{
	uint64_t val = 0;
	int rc = -ERANGE;

	if (off + len <= io->len)
		rc = pci_bar_read(io->pdev, io->bar, off, len, &val);
	if (rc) {
		dev_dbg(&io->pdev->dev, "MMIO read BAR%d+%#llx/%u failed: %d", io->bar,
			(unsigned long long)off, len, rc);
		return len == 8 ? ~0ULL : (1ULL << (len * 8)) - 1;
	}
	return val;
}

static void io_write(const struct pci_iomem *io, uint64_t off, unsigned int len,
		     uint64_t val)
{
	int rc = -ERANGE;

	if (off + len <= io->len)
		rc = pci_bar_write(io->pdev, io->bar, off, len, val);
	if (rc)
		dev_dbg(&io->pdev->dev, "MMIO write BAR%d+%#llx/%u failed: %d", io->bar,
			(unsigned long long)off, len, rc);
}

uint8_t ioread8(const struct pci_iomem *io, uint64_t off)
{
	return (uint8_t)io_read(io, off, 1);
}

uint16_t ioread16(const struct pci_iomem *io, uint64_t off)
{
	return (uint16_t)io_read(io, off, 2);
}

uint32_t ioread32(const struct pci_iomem *io, uint64_t off)
{
	return (uint32_t)io_read(io, off, 4);
}

uint64_t ioread64(const struct pci_iomem *io, uint64_t off)
{
	return io_read(io, off, 8);
}

void iowrite8(uint8_t val, const struct pci_iomem *io, uint64_t off)
{
	io_write(io, off, 1, val);
}

void iowrite16(uint16_t val, const struct pci_iomem *io, uint64_t off)
{
	io_write(io, off, 2, val);
}

void iowrite32(uint32_t val, const struct pci_iomem *io, uint64_t off)
{
	io_write(io, off, 4, val);
}

void iowrite64(uint64_t val, const struct pci_iomem *io, uint64_t off)
{
	io_write(io, off, 8, val);
}

int iosubmit_cmds512(const struct pci_iomem *io, uint64_t off, const void *desc)
{
	struct pci_dev *pdev = io->pdev;

	if (off + 64 > io->len)
		return -ERANGE;
	if (!pdev->ops->mmio_write_block)
		return -EOPNOTSUPP;
	return pdev->ops->mmio_write_block(pdev->hw, io->bar, off, desc, 64);
}

int pci_iomem_mmap_fd(const struct pci_iomem *io, uint64_t off, uint64_t len,
		      int *fd, uint64_t *fd_off)
{
	struct pci_dev *pdev = io->pdev;

	if (off + len > io->len || off + len < off || !pdev->ops->bar_mmap)
		return -ENODEV;
	return pdev->ops->bar_mmap(pdev->hw, io->bar, off, len, fd, fd_off);
}

int pci_iomem_mmap_revoke(const struct pci_iomem *io, uint64_t off, uint64_t len)
{
	struct pci_dev *pdev = io->pdev;

	if (off + len > io->len || off + len < off || !pdev->ops->bar_revoke)
		return -ENODEV;
	return pdev->ops->bar_revoke(pdev->hw, io->bar, off, len);
}
