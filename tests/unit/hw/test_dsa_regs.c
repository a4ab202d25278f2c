// SPDX-License-Identifier: GPL-2.0-only
/*
 * The DSA model's bus interface: configuration space (identity,
 * capabilities, BAR sizing, read-only bits), the BAR0 register file with
 * each register's access type, the tables, and the pci_func_ops error
 * contract. Everything through dsa_hw_pci_ops.
 */
#include <errno.h>
#include <linux/pci_regs.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "dsa_harness.h"

static void test_identity(void **state)
{
	struct harness *h = *state;

	assert_int_equal(h_cfg_rd(h, PCI_VENDOR_ID, 2), 0x8086);
	assert_int_equal(h_cfg_rd(h, PCI_DEVICE_ID, 2), 0x0b25);
	assert_int_equal(h_cfg_rd(h, PCI_CLASS_REVISION, 4) >> 8, 0x088000);
	assert_int_equal(h_cfg_rd(h, PCI_HEADER_TYPE, 1), PCI_HEADER_TYPE_NORMAL);
	assert_true(h_cfg_rd(h, PCI_STATUS, 2) & PCI_STATUS_CAP_LIST);
	/* read-only: writes dropped */
	h_cfg_wr(h, PCI_VENDOR_ID, 4, 0x12345678);
	assert_int_equal(h_cfg_rd(h, PCI_VENDOR_ID, 4), 0x0b258086);
	h_cfg_wr(h, PCI_CLASS_REVISION, 4, 0);
	assert_int_equal(h_cfg_rd(h, PCI_CLASS_REVISION, 4) >> 8, 0x088000);
	/* bad offsets and sizes */
	{
		uint32_t v;

		assert_int_equal(h->ops->cfg_read(h->hw, 4096, 4, &v), -EINVAL);
		assert_int_equal(h->ops->cfg_read(h->hw, 2, 4, &v), -EINVAL);
		assert_int_equal(h->ops->cfg_read(h->hw, 0, 3, &v), -EINVAL);
		assert_int_equal(h->ops->cfg_write(h->hw, 4094, 4, 0), -EINVAL);
	}
}

static void test_command_register(void **state)
{
	struct harness *h = *state;
	uint64_t v;

	h_cfg_wr(h, PCI_COMMAND, 2, 0xffff);
	assert_int_equal(h_cfg_rd(h, PCI_COMMAND, 2),
			 PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER | PCI_COMMAND_INTX_DISABLE);
	h_cfg_wr(h, PCI_COMMAND, 2, 0);
	/* memory decoding off: BAR accesses fail */
	assert_int_equal(h->ops->mmio_read(h->hw, 0, 0, 4, &v), -ENODEV);
	assert_int_equal(h->ops->mmio_write(h->hw, 0, IDXD_GENCTRL_OFFSET, 4, 1), -ENODEV);
	h_cfg_wr(h, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(h->ops->mmio_read(h->hw, 0, 0, 4, &v), 0);
}

/* Size a 64-bit memory BAR the way a PCI core does. */
static uint64_t bar_size(struct harness *h, int bar, uint32_t *type)
{
	unsigned int off = PCI_BASE_ADDRESS_0 + 4 * bar;
	uint32_t lo, hi;

	h_cfg_wr(h, off, 4, 0xffffffff);
	h_cfg_wr(h, off + 4, 4, 0xffffffff);
	lo = h_cfg_rd(h, off, 4);
	hi = h_cfg_rd(h, off + 4, 4);
	*type = lo & 0xf;
	h_cfg_wr(h, off, 4, 0);
	h_cfg_wr(h, off + 4, 4, 0);
	return ~(((uint64_t)hi << 32) | (lo & ~0xfU)) + 1;
}

static void test_bar_sizing(void **state)
{
	struct harness *h = *state;
	struct pci_func_bar_info info;
	uint32_t type;
	uint64_t sz;
	int bar;

	sz = bar_size(h, 0, &type);
	assert_int_equal(type, PCI_BASE_ADDRESS_MEM_TYPE_64);
	assert_int_equal(h->ops->bar_info(h->hw, 0, &info), 0);
	assert_int_equal(info.size, sz);
	assert_true(info.is_64bit);
	assert_true(sz >= 0x10000 && !(sz & (sz - 1)));

	sz = bar_size(h, 2, &type);
	assert_int_equal(type, PCI_BASE_ADDRESS_MEM_TYPE_64);
	/* four 4 KiB portals per WQ, rounded to a power of two */
	assert_int_equal(sz, 8 * 4 * 4096);
	assert_int_equal(h->ops->bar_info(h->hw, 2, &info), 0);
	assert_int_equal(info.size, sz);

	/* an address sticks */
	h_cfg_wr(h, PCI_BASE_ADDRESS_2, 4, 0xfe000000);
	h_cfg_wr(h, PCI_BASE_ADDRESS_3, 4, 0x1);
	assert_int_equal(h_cfg_rd(h, PCI_BASE_ADDRESS_2, 4), 0xfe000000 | PCI_BASE_ADDRESS_MEM_TYPE_64);
	assert_int_equal(h_cfg_rd(h, PCI_BASE_ADDRESS_3, 4), 1);

	/* BAR4/5 are not implemented */
	for (bar = 4; bar < 6; bar++) {
		h_cfg_wr(h, PCI_BASE_ADDRESS_0 + 4 * bar, 4, 0xffffffff);
		assert_int_equal(h_cfg_rd(h, PCI_BASE_ADDRESS_0 + 4 * bar, 4), 0);
		assert_int_equal(h->ops->bar_info(h->hw, bar, &info), 0);
		assert_int_equal(info.size, 0);
	}
	assert_int_equal(h->ops->bar_info(h->hw, 6, &info), -EINVAL);
}

static void test_capabilities(void **state)
{
	struct harness *h = *state;
	unsigned int pcie = h_find_cap(h, PCI_CAP_ID_EXP, false);
	unsigned int msix = h_find_cap(h, PCI_CAP_ID_MSIX, false);
	unsigned int pasid = h_find_cap(h, PCI_EXT_CAP_ID_PASID, true);
	unsigned int dvsec = h_find_cap(h, PCI_EXT_CAP_ID_DVSEC, true);
	uint32_t v;

	assert_true(pcie && msix && pasid && dvsec);
	/* PCIe: integrated endpoint with FLR */
	assert_int_equal((h_cfg_rd(h, pcie + PCI_EXP_FLAGS, 2) & PCI_EXP_FLAGS_TYPE) >> 4,
			 PCI_EXP_TYPE_RC_END);
	assert_true(h_cfg_rd(h, pcie + PCI_EXP_DEVCAP, 4) & PCI_EXP_DEVCAP_FLR);

	/* MSI-X: 9 vectors, table and PBA in BAR0, only enable+mask writable */
	v = h_cfg_rd(h, msix + PCI_MSIX_FLAGS, 2);
	assert_int_equal(v & PCI_MSIX_FLAGS_QSIZE, 8);
	assert_int_equal(h_cfg_rd(h, msix + PCI_MSIX_TABLE, 4) & PCI_MSIX_TABLE_BIR, 0);
	assert_int_equal(h_cfg_rd(h, msix + PCI_MSIX_PBA, 4) & PCI_MSIX_PBA_BIR, 0);
	h_cfg_wr(h, msix + PCI_MSIX_FLAGS, 2, 0xffff);
	assert_int_equal(h_cfg_rd(h, msix + PCI_MSIX_FLAGS, 2),
			 PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL | 8);
	h_cfg_wr(h, msix + PCI_MSIX_FLAGS, 2, 0);

	/* PASID: 20 bits, privileged mode, enable writable */
	v = h_cfg_rd(h, pasid + PCI_PASID_CAP, 2);
	assert_int_equal((v >> 8) & 0x1f, 20);
	assert_true(v & PCI_PASID_CAP_PRIV);
	h_cfg_wr(h, pasid + PCI_PASID_CAP, 2, 0);
	assert_int_equal(h_cfg_rd(h, pasid + PCI_PASID_CAP, 2), v);
	assert_int_equal(h_cfg_rd(h, pasid + PCI_PASID_CTRL, 2), 0);
	h_cfg_wr(h, pasid + PCI_PASID_CTRL, 2, 0xffff);
	assert_int_equal(h_cfg_rd(h, pasid + PCI_PASID_CTRL, 2),
			 PCI_PASID_CTRL_ENABLE | PCI_PASID_CTRL_PRIV);

	/* Intel SIOV DVSEC: vendor 0x8086, id 5, IMS supported */
	assert_int_equal(PCI_DVSEC_HEADER1_VID(h_cfg_rd(h, dvsec + PCI_DVSEC_HEADER1, 4)), 0x8086);
	assert_true(PCI_DVSEC_HEADER1_LEN(h_cfg_rd(h, dvsec + PCI_DVSEC_HEADER1, 4)) >= 0x18);
	assert_int_equal(PCI_DVSEC_HEADER2_ID(h_cfg_rd(h, dvsec + PCI_DVSEC_HEADER2, 2)),
			 PCI_DVSEC_ID_INTEL_SIOV);
	assert_int_equal(h_cfg_rd(h, dvsec + PCI_DVSEC_INTEL_SIOV_CAP, 4) &
			 PCI_DVSEC_INTEL_SIOV_CAP_IMS, 1);
}

static void test_capability_registers(void **state)
{
	struct harness *h = *state;
	union gen_cap_reg gc = { .bits = h_rd64(h, IDXD_GENCAP_OFFSET) };
	union wq_cap_reg wc = { .bits = h_rd64(h, IDXD_WQCAP_OFFSET) };
	union group_cap_reg grc = { .bits = h_rd64(h, IDXD_GRPCAP_OFFSET) };
	union engine_cap_reg ec = { .bits = h_rd64(h, IDXD_ENGCAP_OFFSET) };
	uint64_t opcap[4];
	unsigned int i;

	assert_int_equal(h_rd32(h, IDXD_VER_OFFSET), DEVICE_VERSION_2);
	assert_int_equal(gc.cmd_cap, 1);
	assert_int_equal(gc.config_en, 1);
	assert_int_equal(gc.max_xfer_shift, 31);
	assert_int_equal(gc.max_batch_shift, 10);
	assert_int_equal(gc.max_ims_mult * IDXD_IMS_MULT, 2048);
	/* block on fault, overlapping copies, cache control, readback */
	assert_int_equal(gc.block_on_fault, 1);
	assert_int_equal(gc.overlap_copy, 1);
	assert_int_equal(gc.cache_control_mem, 1);
	assert_int_equal(gc.cache_control_cache, 1);
	assert_int_equal(gc.dest_readback, 1);
	/* not implemented: drain readback, event log, batch continuation */
	assert_int_equal(gc.drain_readback, 0);
	assert_int_equal(gc.evl_support, 0);
	assert_int_equal(gc.batch_continuation, 0);
	assert_int_equal(wc.num_wqs, 8);
	assert_int_equal(wc.total_wq_size, 128);
	assert_int_equal(wc.wqcfg_size, 1);		/* 64-byte WQCFG */
	assert_int_equal(wc.op_config, 1);
	assert_int_equal(wc.shared_mode, 1);
	assert_int_equal(wc.dedicated_mode, 1);
	assert_int_equal(wc.priority, 1);
	assert_int_equal(wc.occupancy, 1);
	assert_int_equal(grc.num_groups, 4);
	assert_int_equal(grc.total_rdbufs, 96);
	assert_int_equal(grc.rdbuf_ctrl, 1);
	assert_int_equal(grc.rdbuf_limit, 1);
	assert_int_equal(grc.progress_limit, 1);
	assert_int_equal(ec.num_engines, 4);

	/* OPCAP lists exactly the implemented operations */
	for (i = 0; i < 4; i++)
		opcap[i] = h_rd64(h, IDXD_OPCAP_OFFSET + 8 * i);
	assert_int_equal(opcap[0], (1ULL << DSA_OPCODE_NOOP) | (1ULL << DSA_OPCODE_BATCH) |
			 (1ULL << DSA_OPCODE_DRAIN) | (1ULL << DSA_OPCODE_MEMMOVE) |
			 (1ULL << DSA_OPCODE_MEMFILL) | (1ULL << DSA_OPCODE_COMPARE) |
			 (1ULL << DSA_OPCODE_COMPVAL) | (1ULL << DSA_OPCODE_CR_DELTA) |
			 (1ULL << DSA_OPCODE_AP_DELTA) | (1ULL << DSA_OPCODE_DUALCAST) |
			 (1ULL << DSA_OPCODE_TRANSL_FETCH) |
			 (1ULL << DSA_OPCODE_CRCGEN) | (1ULL << DSA_OPCODE_COPY_CRC) |
			 (1ULL << DSA_OPCODE_DIF_CHECK) | (1ULL << DSA_OPCODE_DIF_INS) |
			 (1ULL << DSA_OPCODE_DIF_STRP) | (1ULL << DSA_OPCODE_DIF_UPDT) |
			 (1ULL << DSA_OPCODE_DIX_GEN) | (1ULL << DSA_OPCODE_CFLUSH));
	assert_int_equal(opcap[1] | opcap[2] | opcap[3], 0);

	/* CMDCAP: commands 1..14 */
	assert_int_equal(h_rd32(h, IDXD_CMDCAP_OFFSET), 0x7ffe);

	/* OFFSETS: tables inside BAR0, in 256-byte units, non-overlapping */
	assert_true(h->grpcfg >= 0x100 && h->wqcfg >= h->grpcfg + 4 * GRPCFG_SIZE);
	assert_true(h->msix_perm >= h->wqcfg + 8 * h->wqcfg_stride);
	assert_true(h->ims > h->msix_perm && h->ims % 0x100 == 0);
	assert_true(h->msix_table > h->msix_perm && h->msix_pba > h->msix_table);

	/* 8-byte and 4-byte views agree; sub-dword reads */
	assert_int_equal(h_rd32(h, IDXD_GENCAP_OFFSET), (uint32_t)gc.bits);
	assert_int_equal(h_rd32(h, IDXD_GENCAP_OFFSET + 4), (uint32_t)(gc.bits >> 32));
	assert_int_equal(h_rd(h, IDXD_VER_OFFSET + 1, 1), 0x02);
	assert_int_equal(h_rd(h, IDXD_WQCAP_OFFSET + 2, 2), (wc.bits >> 16) & 0xffff);

	/* all read-only: writes dropped */
	h_wr64(h, IDXD_GENCAP_OFFSET, 0);
	h_wr32(h, IDXD_VER_OFFSET, 0);
	h_wr64(h, IDXD_WQCAP_OFFSET, 0);
	h_wr64(h, IDXD_OPCAP_OFFSET, 0);
	h_wr64(h, IDXD_TABLE_OFFSET, 0);
	h_wr32(h, IDXD_CMDCAP_OFFSET, 0);
	h_wr32(h, IDXD_GENSTATS_OFFSET, 3);
	h_wr32(h, IDXD_CMDSTS_OFFSET, 0xff);
	assert_int_equal(h_rd64(h, IDXD_GENCAP_OFFSET), gc.bits);
	assert_int_equal(h_rd32(h, IDXD_VER_OFFSET), DEVICE_VERSION_2);
	assert_int_equal(h_rd64(h, IDXD_WQCAP_OFFSET), wc.bits);
	assert_int_equal(h_rd64(h, IDXD_OPCAP_OFFSET), opcap[0]);
	assert_int_equal(h_rd32(h, IDXD_CMDCAP_OFFSET), 0x7ffe);
	assert_int_equal(h_rd32(h, IDXD_GENSTATS_OFFSET), IDXD_DEVICE_STATE_DISABLED);
	assert_int_equal(h_rd32(h, IDXD_CMDSTS_OFFSET), 0);

	/* unimplemented offsets read 0 and ignore writes */
	h_wr32(h, 0xe0, 0xffffffff);
	h_wr32(h, 0x200, 0xffffffff);
	assert_int_equal(h_rd32(h, 0xe0), 0);
	assert_int_equal(h_rd32(h, 0x200), 0);
	assert_int_equal(h_rd32(h, IDXD_CMD_OFFSET + 4), 0);
}

static void test_control_registers(void **state)
{
	struct harness *h = *state;

	/* GENCTRL: RW, only its defined bits */
	h_wr32(h, IDXD_GENCTRL_OFFSET, 0xffffffff);
	assert_int_equal(h_rd32(h, IDXD_GENCTRL_OFFSET), 0x3);
	h_wr(h, IDXD_GENCTRL_OFFSET, 1, 0x1);
	assert_int_equal(h_rd32(h, IDXD_GENCTRL_OFFSET), 0x1);

	/* GENCFG: RW while disabled (user_int_en, rdbuf_limit), locked while enabled */
	h_wr32(h, IDXD_GENCFG_OFFSET, 0xffffffff);
	assert_int_equal(h_rd32(h, IDXD_GENCFG_OFFSET), 0x10ff);
	h_start(h, 1, 16, 1);
	h_wr32(h, IDXD_GENCFG_OFFSET, 0);
	assert_int_equal(h_rd32(h, IDXD_GENCFG_OFFSET), 0x10ff);

	/* INTCAUSE: RW1C. A command with int_req sets CMD. */
	{
		union idxd_command_reg c = { .bits = 0 };

		c.cmd = IDXD_CMD_DRAIN_ALL;
		c.int_req = 1;
		h_wr32(h, IDXD_CMD_OFFSET, c.bits);
		assert_int_equal(h_rd32(h, IDXD_CMD_OFFSET), c.bits);	/* last command */
	}
	assert_int_equal(h_rd32(h, IDXD_INTCAUSE_OFFSET), IDXD_INTC_CMD);
	h_wr32(h, IDXD_INTCAUSE_OFFSET, 0);		/* 0 clears nothing */
	h_wr32(h, IDXD_INTCAUSE_OFFSET, IDXD_INTC_ERR);	/* another bit */
	assert_int_equal(h_rd32(h, IDXD_INTCAUSE_OFFSET), IDXD_INTC_CMD);
	h_wr32(h, IDXD_INTCAUSE_OFFSET, IDXD_INTC_CMD);
	assert_int_equal(h_rd32(h, IDXD_INTCAUSE_OFFSET), 0);
}

static void test_swerr(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_desc d;
	union sw_err_reg e;
	unsigned int i;

	h_start(h, 2, 16, 1);
	assert_int_equal(h_cmd(h, IDXD_CMD_DISABLE_WQ, idxd_wq_mask_operand(1)), 0);
	memset(&d, 0, sizeof(d));
	d.opcode = DSA_OPCODE_MEMMOVE;
	d.pasid = 77;
	/* a descriptor to a disabled WQ is dropped and reported */
	assert_int_equal(h_submit(h, 1, 0, &d), 0);
	for (i = 0; i < 4; i++)
		e.bits[i] = h_rd64(h, IDXD_SWERR_OFFSET + 8 * i);
	assert_int_equal(e.valid, 1);
	assert_int_equal(e.overflow, 0);
	assert_int_equal(e.desc_valid, 1);
	assert_int_equal(e.wq_idx_valid, 1);
	assert_int_equal(e.wq_idx, 1);
	assert_int_equal(e.error, DSA_SWERR_WQ_NOT_ENABLED);
	assert_int_equal(e.operation, DSA_OPCODE_MEMMOVE);
	assert_int_equal(e.pasid, 77);
	assert_true(h_rd32(h, IDXD_INTCAUSE_OFFSET) & IDXD_INTC_ERR);

	/* a second error while valid: overflow, record unchanged */
	d.opcode = DSA_OPCODE_NOOP;
	assert_int_equal(h_submit(h, 1, 0, &d), 0);
	e.bits[0] = h_rd64(h, IDXD_SWERR_OFFSET);
	assert_int_equal(e.overflow, 1);
	assert_int_equal(e.operation, DSA_OPCODE_MEMMOVE);

	/* RO fields ignore writes; valid/overflow are write-1-to-clear */
	h_wr64(h, IDXD_SWERR_OFFSET + 8, ~0ULL);
	h_wr64(h, IDXD_SWERR_OFFSET, 0);
	e.bits[0] = h_rd64(h, IDXD_SWERR_OFFSET);
	assert_int_equal(e.valid, 1);
	h_wr64(h, IDXD_SWERR_OFFSET, IDXD_SWERR_ACK);
	for (i = 0; i < 4; i++)
		assert_int_equal(h_rd64(h, IDXD_SWERR_OFFSET + 8 * i), 0);

	/* next error is recorded again */
	assert_int_equal(h_submit(h, 1, 0, &d), 0);
	e.bits[0] = h_rd64(h, IDXD_SWERR_OFFSET);
	assert_int_equal(e.valid, 1);
	assert_int_equal(e.overflow, 0);
	assert_int_equal(e.operation, DSA_OPCODE_NOOP);
}

static void test_grpcfg_wqcfg_access(void **state)
{
	struct harness *h = *state;
	uint64_t g = h->grpcfg, w = h->wqcfg;
	union wqcfg c;
	unsigned int i;

	/*
	 * GRPCFG: only bits of existing WQs/engines; flags: traffic classes,
	 * read-buffer controls (GRPCAP.rdbuf_ctrl), progress limits (2.0)
	 */
	h_wr64(h, g + GRPCFG_WQS_OFFSET, ~0ULL);
	h_wr64(h, g + GRPCFG_WQS_OFFSET + 8, ~0ULL);
	h_wr64(h, g + GRPCFG_ENGINES_OFFSET, ~0ULL);
	h_wr64(h, g + GRPCFG_FLAGS_OFFSET, ~0ULL);
	h_wr64(h, g + 48, ~0ULL);
	assert_int_equal(h_rd64(h, g + GRPCFG_WQS_OFFSET), 0xff);
	assert_int_equal(h_rd64(h, g + GRPCFG_WQS_OFFSET + 8), 0);
	assert_int_equal(h_rd64(h, g + GRPCFG_ENGINES_OFFSET), 0xf);
	{
		union group_flags f = { .bits = h_rd64(h, g + GRPCFG_FLAGS_OFFSET) };

		assert_int_equal(f.tc_a, 7);
		assert_int_equal(f.tc_b, 7);
		assert_int_equal(f.use_rdbuf_limit, 1);
		assert_int_equal(f.rdbufs_reserved, 0xff);
		assert_int_equal(f.rdbufs_allowed, 0xff);
		assert_int_equal(f.desc_progress_limit, 3);
		assert_int_equal(f.batch_progress_limit, 3);
		assert_int_equal(f.rsvd | f.rsvd2 | f.rsvd3 | f.rsvd4 | f.rsvd5, 0);
	}
	assert_int_equal(h_rd64(h, g + 48), 0);

	/*
	 * WQCFG: writable fields only; occupancy and state read-only; the
	 * 64-byte entry of version 2 ends with op_config, which starts with
	 * every supported operation allowed and takes only OPCAP's bits
	 */
	for (i = 8; i < 16; i++)
		assert_int_equal(h_rd32(h, w + 4 * i),
				 (uint32_t)(h_rd64(h, IDXD_OPCAP_OFFSET + 8 * ((i - 8) / 2)) >>
					    (32 * (i % 2))));
	for (i = 0; i < 16; i++)
		h_wr32(h, w + 4 * i, 0xffffffff);
	for (i = 0; i < 16; i++)
		c.bits[i] = h_rd32(h, w + 4 * i);
	for (i = 0; i < 4; i++)
		assert_int_equal(c.op_config[i], h_rd64(h, IDXD_OPCAP_OFFSET + 8 * i));
	assert_int_equal(c.wq_size, 0xffff);
	assert_int_equal(c.wq_thresh, 0xffff);
	assert_int_equal(c.mode, 1);
	assert_int_equal(c.priority, 0xf);
	assert_int_equal(c.pasid, 0xfffff);
	assert_int_equal(c.bof, 1);
	assert_int_equal(c.wq_ats_disable, 0);
	assert_int_equal(c.max_xfer_shift, 31);
	assert_int_equal(c.max_batch_shift, 15);
	assert_int_equal(c.bits[4] | c.bits[5] | c.bits[6] | c.bits[7], 0);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_DISABLED);

	/* enabled: GRPCFG locked; enabled WQ's WQCFG locked, others (not size) writable */
	h_grpcfg(h, 0, 0, 0);
	h_wr64(h, g + GRPCFG_FLAGS_OFFSET, 0);
	for (i = 0; i < 8; i++)
		h_wr32(h, w + 4 * i, 0);
	h_start(h, 1, 16, 1);
	h_wr64(h, g + GRPCFG_WQS_OFFSET, 0x3);
	assert_int_equal(h_rd64(h, g + GRPCFG_WQS_OFFSET), 0x1);
	h_wr32(h, w, 99);
	assert_int_equal(h_rd32(h, w) & 0xffff, 16);
	c.bits[WQCFG_OCCUP_IDX] = h_rd32(h, w + 4 * WQCFG_OCCUP_IDX);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_ENABLED);
	h_wr32(h, w + h->wqcfg_stride + 8, 0x10);	/* WQ 1 priority: allowed */
	assert_int_equal(h_rd32(h, w + h->wqcfg_stride + 8), 0x10);
	h_wr32(h, w + h->wqcfg_stride, 8);		/* WQ 1 size: only with the device disabled */
	assert_int_equal(h_rd32(h, w + h->wqcfg_stride), 0);
}

static void test_config_en_zero(void **state)
{
	struct dsa_hw_params p;
	struct harness h;

	dsa_hw_params_default(&p);
	p.config_en = false;
	h_setup(&h, &p);
	assert_int_equal(((union gen_cap_reg){ .bits = h_rd64(&h, IDXD_GENCAP_OFFSET) }).config_en, 0);
	h_wr64(&h, h.grpcfg, 1);
	h_wr32(&h, h.wqcfg, 8);
	assert_int_equal(h_rd64(&h, h.grpcfg), 0);
	assert_int_equal(h_rd32(&h, h.wqcfg), 0);
	h_teardown(&h);
}

static void test_irq_tables(void **state)
{
	struct harness *h = *state;
	uint64_t e = h->msix_table + 16 * 3, ims = h->ims + 16 * 5;

	/* MSI-X: masked at reset; address low bits RO; vector control only mask */
	assert_int_equal(h_rd32(h, e + PCI_MSIX_ENTRY_VECTOR_CTRL), 1);
	h_wr64(h, e, 0xfee00013ULL | (0x12ULL << 32));
	h_wr32(h, e + 8, 0xabcd);
	h_wr32(h, e + 12, 0xfffffffe);
	assert_int_equal(h_rd64(h, e), 0xfee00010ULL | (0x12ULL << 32));
	assert_int_equal(h_rd32(h, e + 8), 0xabcd);
	assert_int_equal(h_rd32(h, e + 12), 0);
	h_wr32(h, e + 12, 1);
	h_wr32(h, h->msix_pba, 0xffffffff);	/* PBA is read-only */
	assert_int_equal(h_rd32(h, h->msix_pba), 0);

	/* MSI-X permissions: ignore, pasid_en, pasid */
	h_wr32(h, h->msix_perm + 8, 0xffffffff);
	assert_int_equal(h_rd32(h, h->msix_perm + 8), 0xfffff00c);
	assert_int_equal(h_rd32(h, h->msix_perm + 12), 0);

	/* IMS: masked at reset; pending read-only; PASID fields writable */
	assert_int_equal(h_rd32(h, ims + IDXD_IMS_CTRL_OFFSET), IMS_CTRL_VECTOR_MASKBIT);
	h_wr32(h, ims + IDXD_IMS_CTRL_OFFSET, 0xffffffff);
	assert_int_equal(h_rd32(h, ims + IDXD_IMS_CTRL_OFFSET),
			 IMS_CTRL_VECTOR_MASKBIT | IMS_CTRL_PASID_ENABLE | IMS_CTRL_PASID_MASK);
	h_wr64(h, ims, 0xfee01230ULL);
	h_wr32(h, ims + IDXD_IMS_DATA_OFFSET, 7);
	assert_int_equal(h_rd64(h, ims), 0xfee01230ULL);
	assert_int_equal(h_rd32(h, ims + IDXD_IMS_DATA_OFFSET), 7);
	/* the last IMS entry is inside BAR0 */
	assert_int_equal(h_rd32(h, h->ims + 16 * 2047 + 12), IMS_CTRL_VECTOR_MASKBIT);
}

static void test_ops_errors(void **state)
{
	struct harness *h = *state;
	struct pci_func_bar_info info;
	uint8_t buf[64] = { 0 };
	uint64_t v, fd_off;
	int fd;

	h->ops->bar_info(h->hw, 0, &info);
	assert_int_equal(h->ops->mmio_read(h->hw, 0, 0, 3, &v), -EINVAL);
	assert_int_equal(h->ops->mmio_read(h->hw, 0, 2, 4, &v), -EINVAL);
	assert_int_equal(h->ops->mmio_read(h->hw, 0, info.size, 4, &v), -ERANGE);
	assert_int_equal(h->ops->mmio_write(h->hw, 0, info.size - 4, 8, 0), -EINVAL);
	assert_int_equal(h->ops->mmio_read(h->hw, 1, 0, 4, &v), -ENODEV);
	assert_int_equal(h->ops->mmio_read(h->hw, 4, 0, 4, &v), -ENODEV);
	assert_int_equal(h->ops->mmio_read(h->hw, 6, 0, 4, &v), -EINVAL);
	assert_int_equal(h->ops->mmio_write_block(h->hw, 0, 0, buf, 64), -EOPNOTSUPP);
	assert_int_equal(h->ops->mmio_write_block(h->hw, 2, 32, buf, 64), -EINVAL);
	assert_int_equal(h->ops->mmio_write_block(h->hw, 2, 0, buf, 32), -EINVAL);
	assert_int_equal(h->ops->mmio_write_block(h->hw, 2, 8 * 16384, buf, 64), -ERANGE);
	/* portals read as zero; narrow writes to them are dropped */
	assert_int_equal(h->ops->mmio_read(h->hw, 2, 0, 8, &v), 0);
	assert_int_equal(v, 0);
	assert_int_equal(h->ops->mmio_write(h->hw, 2, 0, 8, ~0ULL), 0);

	/* only BAR2 is mappable, one portal page at a time (test_dsa_portal) */
	assert_int_equal(h->ops->bar_mmap(h->hw, 0, 0, 4096, &fd, &fd_off), -ENODEV);
	assert_int_equal(h->ops->bar_mmap(h->hw, 2, 0, 1ULL << 40, &fd, &fd_off), -ENODEV);
	assert_int_equal(h->ops->bar_mmap(h->hw, 2, 8 * 16384, 4096, &fd, &fd_off), -ENODEV);
	assert_int_equal(h->ops->bar_mmap(h->hw, 2, 16384, 16384, &fd, &fd_off), -EOPNOTSUPP);
	assert_int_equal(h->ops->bar_mmap(h->hw, 2, 16384, 0, &fd, &fd_off), -EINVAL);
	assert_int_equal(h->ops->bar_mmap(h->hw, 2, 16384, 4096, &fd, &fd_off), 0);
	assert_int_equal(fd_off, 0);
	{
		struct stat st;

		assert_int_equal(fstat(fd, &st), 0);
		assert_int_equal(st.st_size, 4096);
	}
}

static void test_flr(void **state)
{
	struct harness *h = *state;
	unsigned int pcie = h_find_cap(h, PCI_CAP_ID_EXP, false);
	unsigned int msix = h_find_cap(h, PCI_CAP_ID_MSIX, false);
	uint32_t devctl;

	h_start(h, 1, 16, 1);
	h_wr32(h, h->msix_table + PCI_MSIX_ENTRY_VECTOR_CTRL, 0);
	h_cfg_wr(h, msix + PCI_MSIX_FLAGS, 2, PCI_MSIX_FLAGS_ENABLE);
	h_wr32(h, h->ims + IDXD_IMS_CTRL_OFFSET, 0);
	assert_int_equal(h_rd32(h, IDXD_GENSTATS_OFFSET), IDXD_DEVICE_STATE_ENABLED);

	devctl = h_cfg_rd(h, pcie + PCI_EXP_DEVCTL, 2);
	h_cfg_wr(h, pcie + PCI_EXP_DEVCTL, 2, devctl | PCI_EXP_DEVCTL_BCR_FLR);
	/* Initiate FLR reads 0; the function is back to power-on state */
	assert_int_equal(h_cfg_rd(h, pcie + PCI_EXP_DEVCTL, 2) & PCI_EXP_DEVCTL_BCR_FLR, 0);
	assert_int_equal(h_cfg_rd(h, PCI_COMMAND, 2), 0);
	assert_int_equal(h_cfg_rd(h, msix + PCI_MSIX_FLAGS, 2) & PCI_MSIX_FLAGS_ENABLE, 0);
	h_cfg_wr(h, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	assert_int_equal(h_rd32(h, IDXD_GENSTATS_OFFSET), IDXD_DEVICE_STATE_DISABLED);
	assert_int_equal(h_rd32(h, h->wqcfg), 0);
	assert_int_equal(h_rd64(h, h->grpcfg), 0);
	assert_int_equal(h_rd32(h, h->msix_table + PCI_MSIX_ENTRY_VECTOR_CTRL), 1);
	assert_int_equal(h_rd32(h, h->ims + IDXD_IMS_CTRL_OFFSET), IMS_CTRL_VECTOR_MASKBIT);

	/* and the ops entry point does the same */
	h_start(h, 1, 16, 1);
	assert_int_equal(h->ops->flr(h->hw), 0);
	assert_int_equal(h_cfg_rd(h, PCI_COMMAND, 2), 0);
}

static void test_bad_params(void **state)
{
	struct harness *h = *state;
	struct dsa_hw_params p;

	dsa_hw_params_default(&p);
	p.ims_entries = 100;
	assert_null(dsa_hw_create(&p, h->iommu, h->ir, 1));
	dsa_hw_params_default(&p);
	p.num_engines = 65;
	assert_null(dsa_hw_create(&p, h->iommu, h->ir, 1));
	dsa_hw_params_default(&p);
	p.num_wqs = 0;
	assert_null(dsa_hw_create(&p, h->iommu, h->ir, 1));
	dsa_hw_params_default(&p);
	p.portal_poll_max_us = 1000001;		/* more than a second */
	assert_null(dsa_hw_create(&p, h->iommu, h->ir, 1));
	dsa_hw_params_default(&p);
	p.version = 0x300;
	assert_null(dsa_hw_create(&p, h->iommu, h->ir, 1));
	dsa_hw_params_default(&p);
	assert_null(dsa_hw_create(&p, NULL, h->ir, 1));
	assert_null(dsa_hw_create(NULL, h->iommu, h->ir, 1));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_identity, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_command_register, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bar_sizing, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_capabilities, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_capability_registers, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_control_registers, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_swerr, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_grpcfg_wqcfg_access, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test(test_config_en_zero),
		cmocka_unit_test_setup_teardown(test_irq_tables, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_ops_errors, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_flr, h_fixture_setup, h_fixture_teardown),
		cmocka_unit_test_setup_teardown(test_bad_params, h_fixture_setup, h_fixture_teardown),
	};

	return cmocka_run_group_tests_name("dsa_regs", tests, NULL, NULL);
}
