/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel Data Streaming Accelerator: the architected register interface.
 *
 * Source: Intel DSA Architecture Specification rev 2.0, chapter 9
 * ("Registers"), with register and field names as the Linux kernel spells
 * them in drivers/dma/idxd/registers.h. Descriptor and completion-record
 * formats, opcodes, flags and status codes are not repeated here: they come
 * from <linux/idxd.h>.
 *
 * This header describes silicon. Both sides include it: the device model
 * (src/hw/dsa) to implement the registers, and the PF driver (src/idxd) and
 * the client library (lib/vdsa) to program them. Everything is little-endian
 * and siovd only builds for little-endian hosts (checked below).
 */
#ifndef SIOVD_SPEC_DSA_H
#define SIOVD_SPEC_DSA_H

#include <assert.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/idxd.h>

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
	      "register unions assume a little-endian host");

/* ---- PCI identity (DSA on Sapphire Rapids) ---------------------------- */
#define DSA_PCI_VENDOR_ID		0x8086
#define DSA_PCI_DEVICE_ID		0x0b25
#define DSA_PCI_CLASS			0x088000	/* base 08h, sub 80h */
#define DSA_MMIO_BAR			0		/* BAR0: registers */
#define DSA_WQ_BAR			2		/* BAR2: WQ portals */

/* DSA carries the Intel Scalable IOV DVSEC with IMS supported. */
#include "spec/pci_siov.h"

/* ---- BAR2 portals ------------------------------------------------------ */
#define DSA_PORTAL_SIZE			4096
#define DSA_PORTALS_PER_WQ		4
#define DSA_DESC_SIZE			64
#define DSA_COMP_RECORD_SIZE		32
#define DSA_COMP_RECORD_ALIGN		32

enum dsa_portal_prot { DSA_PORTAL_UNLIMITED = 0, DSA_PORTAL_LIMITED = 1 };
enum dsa_irq_type { DSA_IRQ_MSIX = 0, DSA_IRQ_IMS = 1 };

/* Byte offset in BAR2 of the portal page of @wq with @prot and @irq type. */
static inline uint64_t dsa_portal_offset(unsigned int wq, enum dsa_portal_prot prot,
					 enum dsa_irq_type irq)
{
	return ((uint64_t)wq * DSA_PORTALS_PER_WQ + prot * 2 + irq) * DSA_PORTAL_SIZE;
}

/* ---- BAR0 register offsets -------------------------------------------- */
#define IDXD_VER_OFFSET			0x00
#define IDXD_GENCAP_OFFSET		0x10
#define IDXD_WQCAP_OFFSET		0x20
#define IDXD_GRPCAP_OFFSET		0x30
#define IDXD_ENGCAP_OFFSET		0x38
#define IDXD_OPCAP_OFFSET		0x40	/* 256 bits */
#define IDXD_TABLE_OFFSET		0x60	/* OFFSETS, 128 bits */
#define IDXD_GENCFG_OFFSET		0x80
#define IDXD_GENCTRL_OFFSET		0x88
#define IDXD_GENSTATS_OFFSET		0x90
#define IDXD_INTCAUSE_OFFSET		0x98
#define IDXD_CMD_OFFSET			0xa0
#define IDXD_CMDSTS_OFFSET		0xa8
#define IDXD_CMDCAP_OFFSET		0xb0
#define IDXD_SWERR_OFFSET		0xc0	/* 256 bits */

#define IDXD_TABLE_MULT			0x100	/* OFFSETS fields count 256 bytes */

#define DEVICE_VERSION_1		0x100
#define DEVICE_VERSION_2		0x200

union gen_cap_reg {
	struct {
		uint64_t block_on_fault:1;
		uint64_t overlap_copy:1;
		uint64_t cache_control_mem:1;
		uint64_t cache_control_cache:1;
		uint64_t cmd_cap:1;
		uint64_t rsvd:3;
		uint64_t dest_readback:1;
		uint64_t drain_readback:1;
		uint64_t rsvd2:3;
		uint64_t evl_support:2;
		uint64_t batch_continuation:1;
		uint64_t max_xfer_shift:5;
		uint64_t max_batch_shift:4;
		uint64_t max_ims_mult:6;	/* IMS entries = 256 * mult */
		uint64_t config_en:1;		/* 0: read-only configuration */
		uint64_t rsvd3:32;
	};
	uint64_t bits;
};
#define IDXD_IMS_MULT			256

union wq_cap_reg {
	struct {
		uint64_t total_wq_size:16;
		uint64_t num_wqs:8;
		uint64_t wqcfg_size:4;		/* WQCFG stride = 32 << wqcfg_size */
		uint64_t rsvd:20;
		uint64_t shared_mode:1;
		uint64_t dedicated_mode:1;
		uint64_t wq_ats_support:1;
		uint64_t priority:1;
		uint64_t occupancy:1;
		uint64_t occupancy_int:1;
		uint64_t op_config:1;
		uint64_t wq_prs_support:1;
		uint64_t rsvd4:8;
	};
	uint64_t bits;
};
#define IDXD_WQCFG_MIN			5	/* log2 of the smallest stride */

union group_cap_reg {
	struct {
		uint64_t num_groups:8;
		uint64_t total_rdbufs:8;
		uint64_t rdbuf_ctrl:1;
		uint64_t rdbuf_limit:1;
		uint64_t progress_limit:1;
		uint64_t rsvd:45;
	};
	uint64_t bits;
};

union engine_cap_reg {
	struct {
		uint64_t num_engines:8;
		uint64_t rsvd:56;
	};
	uint64_t bits;
};

struct opcap {
	uint64_t bits[4];
};

union offsets_reg {
	struct {
		uint64_t grpcfg:16;		/* all in IDXD_TABLE_MULT units */
		uint64_t wqcfg:16;
		uint64_t msix_perm:16;
		uint64_t ims:16;
		uint64_t perfmon:16;
		uint64_t rsvd:48;
	};
	uint64_t bits[2];
};

union gencfg_reg {
	struct {
		uint32_t rdbuf_limit:8;
		uint32_t rsvd:4;
		uint32_t user_int_en:1;
		uint32_t evl_en:1;
		uint32_t rsvd2:18;
	};
	uint32_t bits;
};

union genctrl_reg {
	struct {
		uint32_t softerr_int_en:1;
		uint32_t halt_int_en:1;
		uint32_t evl_int_en:1;
		uint32_t rsvd:29;
	};
	uint32_t bits;
};

union gensts_reg {
	struct {
		uint32_t state:2;
		uint32_t reset_type:2;
		uint32_t rsvd:28;
	};
	uint32_t bits;
};

enum idxd_device_status_state {
	IDXD_DEVICE_STATE_DISABLED = 0,
	IDXD_DEVICE_STATE_ENABLED,
	IDXD_DEVICE_STATE_DRAIN,
	IDXD_DEVICE_STATE_HALT,
};

enum idxd_device_reset_type {
	IDXD_DEVICE_RESET_SOFTWARE = 0,
	IDXD_DEVICE_RESET_FLR,
	IDXD_DEVICE_RESET_WARM,
	IDXD_DEVICE_RESET_COLD,
};

/* INTCAUSE: write 1 to clear. */
#define IDXD_INTC_ERR			0x01
#define IDXD_INTC_CMD			0x02
#define IDXD_INTC_OCCUPY		0x04
#define IDXD_INTC_PERFMON_OVFL		0x08
#define IDXD_INTC_HALT_STATE		0x10
#define IDXD_INTC_EVL			0x20
#define IDXD_INTC_INT_HANDLE_REVOKED	0x80000000

union idxd_command_reg {
	struct {
		uint32_t operand:20;
		uint32_t cmd:5;
		uint32_t rsvd:6;
		uint32_t int_req:1;
	};
	uint32_t bits;
};

enum idxd_cmd {
	IDXD_CMD_ENABLE_DEVICE = 1,
	IDXD_CMD_DISABLE_DEVICE,
	IDXD_CMD_DRAIN_ALL,
	IDXD_CMD_ABORT_ALL,
	IDXD_CMD_RESET_DEVICE,
	IDXD_CMD_ENABLE_WQ,
	IDXD_CMD_DISABLE_WQ,
	IDXD_CMD_DRAIN_WQ,
	IDXD_CMD_ABORT_WQ,
	IDXD_CMD_RESET_WQ,
	IDXD_CMD_DRAIN_PASID,
	IDXD_CMD_ABORT_PASID,
	IDXD_CMD_REQUEST_INT_HANDLE,
	IDXD_CMD_RELEASE_INT_HANDLE,
};

/*
 * Operand of DISABLE/DRAIN/ABORT/RESET_WQ: a 16-bit mask of WQs in bits
 * 15:0 and the index of the 16-WQ block in bits 19:16. ENABLE_WQ takes the
 * WQ index itself.
 */
static inline uint32_t idxd_wq_mask_operand(unsigned int wq)
{
	return (1U << (wq % 16)) | ((wq / 16) << 16);
}

/* Operand flag of REQUEST/RELEASE_INT_HANDLE: the index names an IMS entry. */
#define CMD_INT_HANDLE_IMS		0x10000

union cmdsts_reg {
	struct {
		uint8_t err;
		uint16_t result;
		uint8_t rsvd:7;
		uint8_t active:1;
	} __attribute__((packed));
	uint32_t bits;
};
#define IDXD_CMDSTS_ACTIVE		0x80000000
#define IDXD_CMDSTS_ERR_MASK		0xff
#define IDXD_CMDSTS_RES_SHIFT		8

enum idxd_cmdsts_err {
	IDXD_CMDSTS_SUCCESS = 0,
	IDXD_CMDSTS_INVAL_CMD,
	IDXD_CMDSTS_INVAL_WQIDX,
	IDXD_CMDSTS_HW_ERR,
	/* enable device */
	IDXD_CMDSTS_ERR_DEV_ENABLED = 0x10,
	IDXD_CMDSTS_ERR_CONFIG,
	IDXD_CMDSTS_ERR_BUSMASTER_EN,
	IDXD_CMDSTS_ERR_PASID_INVAL,
	IDXD_CMDSTS_ERR_WQ_SIZE_ERANGE,
	IDXD_CMDSTS_ERR_GRP_CONFIG,
	IDXD_CMDSTS_ERR_GRP_CONFIG2,
	IDXD_CMDSTS_ERR_GRP_CONFIG3,
	IDXD_CMDSTS_ERR_GRP_CONFIG4,
	/* enable WQ */
	IDXD_CMDSTS_ERR_DEV_NOTEN = 0x20,
	IDXD_CMDSTS_ERR_WQ_ENABLED,
	IDXD_CMDSTS_ERR_WQ_SIZE,
	IDXD_CMDSTS_ERR_WQ_PRIOR,
	IDXD_CMDSTS_ERR_WQ_MODE,
	IDXD_CMDSTS_ERR_BOF_EN,
	IDXD_CMDSTS_ERR_PASID_EN,
	IDXD_CMDSTS_ERR_MAX_BATCH_SIZE,
	IDXD_CMDSTS_ERR_MAX_XFER_SIZE,
	/* disable device */
	IDXD_CMDSTS_ERR_DIS_DEV_EN = 0x31,
	/* disable, drain, abort, reset WQ */
	IDXD_CMDSTS_ERR_DEV_NOT_EN,
	/* request interrupt handle */
	IDXD_CMDSTS_ERR_INVAL_INT_IDX = 0x41,
	IDXD_CMDSTS_ERR_NO_HANDLE,
};

#define IDXD_SWERR_VALID		0x00000001
#define IDXD_SWERR_OVERFLOW		0x00000002
#define IDXD_SWERR_ACK			(IDXD_SWERR_VALID | IDXD_SWERR_OVERFLOW)

union sw_err_reg {
	struct {
		uint64_t valid:1;
		uint64_t overflow:1;
		uint64_t desc_valid:1;
		uint64_t wq_idx_valid:1;
		uint64_t batch:1;
		uint64_t fault_rw:1;
		uint64_t priv:1;
		uint64_t rsvd:1;
		uint64_t error:8;
		uint64_t wq_idx:8;
		uint64_t rsvd2:8;
		uint64_t operation:8;
		uint64_t pasid:20;
		uint64_t rsvd3:4;

		uint64_t batch_idx:16;
		uint64_t rsvd4:16;
		uint64_t invalid_flags:32;

		uint64_t fault_addr;

		uint64_t rsvd5;
	};
	uint64_t bits[4];
};

/* MSI-X permission table: one entry per MSI-X vector, 8-byte stride. */
#define IDXD_MSIX_PERM_STRIDE		8
union msix_perm {
	struct {
		uint32_t rsvd:2;
		uint32_t ignore:1;
		uint32_t pasid_en:1;
		uint32_t rsvd2:8;
		uint32_t pasid:20;
	};
	uint32_t bits;
};

/* GRPCFG: one 64-byte entry per group. */
#define GRPCFG_SIZE			64
#define GRPWQCFG_STRIDES		4
#define GRPCFG_WQS_OFFSET		0	/* 256-bit WQ bitmap */
#define GRPCFG_ENGINES_OFFSET		32	/* 64-bit engine bitmap */
#define GRPCFG_FLAGS_OFFSET		40

union group_flags {
	struct {
		uint64_t tc_a:3;
		uint64_t tc_b:3;
		uint64_t rsvd:1;
		uint64_t use_rdbuf_limit:1;
		uint64_t rdbufs_reserved:8;
		uint64_t rsvd2:4;
		uint64_t rdbufs_allowed:8;
		uint64_t rsvd3:4;
		uint64_t desc_progress_limit:2;
		uint64_t rsvd4:2;
		uint64_t batch_progress_limit:2;
		uint64_t rsvd5:26;
	};
	uint64_t bits;
};

struct grpcfg {
	uint64_t wqs[4];
	uint64_t engines;
	union group_flags flags;
	uint64_t rsvd[2];
};

/* WQCFG: one entry per WQ, stride 32 << WQCAP.wqcfg_size bytes. */
union wqcfg {
	struct {
		/* bytes 0-3 */
		uint16_t wq_size;
		uint16_t rsvd;

		/* bytes 4-7 */
		uint16_t wq_thresh;
		uint16_t rsvd1;

		/* bytes 8-11 */
		uint32_t mode:1;		/* 1 dedicated, 0 shared */
		uint32_t bof:1;
		uint32_t wq_ats_disable:1;
		uint32_t wq_prs_disable:1;
		uint32_t priority:4;
		uint32_t pasid:20;
		uint32_t pasid_en:1;
		uint32_t priv:1;
		uint32_t rsvd3:2;

		/* bytes 12-15 */
		uint32_t max_xfer_shift:5;
		uint32_t max_batch_shift:4;
		uint32_t rsvd4:23;

		/* bytes 16-19 */
		uint16_t occupancy_inth;
		uint16_t occupancy_table_sel:1;
		uint16_t rsvd5:15;

		/* bytes 20-23 */
		uint16_t occupancy_limit;
		uint16_t occupancy_int_en:1;
		uint16_t rsvd6:15;

		/* bytes 24-27 */
		uint16_t occupancy;
		uint16_t occupancy_int:1;
		uint16_t rsvd7:12;
		uint16_t mode_support:1;
		uint16_t wq_state:2;

		/* bytes 28-31 */
		uint32_t rsvd8;

		/* bytes 32-63 (present when the stride is 64) */
		uint64_t op_config[4];
	};
	uint32_t bits[16];
};

#define WQCFG_PASID_IDX			2	/* dword holding mode..priv */
#define WQCFG_OCCUP_IDX			6	/* dword holding occupancy, wq_state */
#define WQCFG_OCCUP_MASK		0xffff

enum idxd_wqcfg_state {
	IDXD_WQCFG_STATE_DISABLED = 0,
	IDXD_WQCFG_STATE_ENABLED = 1,
};

/* IMS table: 16-byte entries at OFFSETS.ims. */
#define IDXD_IMS_ENTRY_SIZE		16
#define IDXD_IMS_ADDR_OFFSET		0	/* 64-bit message address */
#define IDXD_IMS_DATA_OFFSET		8	/* 32-bit message data */
#define IDXD_IMS_CTRL_OFFSET		12	/* 32-bit control */
#define IMS_CTRL_VECTOR_MASKBIT		0x00000001
#define IMS_CTRL_PENDING		0x00000002
#define IMS_CTRL_PASID_ENABLE		0x00000008
#define IMS_CTRL_PASID_SHIFT		12
#define IMS_CTRL_PASID_MASK		0xfffff000


/* ---- DSA 2.0 and operation details <linux/idxd.h> of Debian (6.1) lacks ------
 *
 * Names follow the kernel's current include/uapi/linux/idxd.h where it has
 * them; the rest follow the DSA architecture specification rev 2.0
 * (chapter 8, "Descriptor formats"). Defined after <linux/idxd.h> is
 * parsed, so a newer header's enumerators of the same value do not clash.
 */
#define DSA_OPCODE_TRANSL_FETCH		0x0a	/* translation fetch (DSA 2.0) */
#define DSA_OPCODE_DIX_GEN		0x17	/* DIX generate (DSA 2.0) */
#define DSA_COMP_DRAIN_EVL		0x26
#define DSA_COMP_BATCH_EVL_ERR		0x27

/* Operation-specific descriptor flags (bits 16..23 of the flags field). */
#define DSA_OP_FLAG_CRC_READ_SEED	0x010000	/* CRC seed from seed_addr */
#define DSA_OP_FLAG_CRC_BYPASS_REFLECT	0x020000	/* no seed/result inversion+reflection */
#define DSA_OP_FLAG_CRC_BYPASS_DATA_REFLECT 0x040000	/* bit 7 of each byte is the MSB */
#define DSA_OP_FLAG_FILL_PATTERN_16B	0x010000	/* Memory Fill: 16-byte pattern (2.0) */

/*
 * Descriptor fields at fixed offsets that the 6.1 structure spells
 * differently (DSA 2.0): the upper half of a 16-byte fill pattern at byte
 * 40 (pattern_upper), the region stride of a translation fetch at byte 48
 * (region_stride; the region address and size use src_addr/xfer_size).
 */
#define DSA_DESC_PATTERN_UPPER_OFFSET	40
#define DSA_DESC_REGION_STRIDE_OFFSET	48

static inline uint64_t dsa_desc_pattern_upper(const struct dsa_hw_desc *d)
{
	uint64_t v;

	__builtin_memcpy(&v, (const uint8_t *)d + DSA_DESC_PATTERN_UPPER_OFFSET, sizeof(v));
	return v;
}

static inline uint32_t dsa_desc_region_stride(const struct dsa_hw_desc *d)
{
	uint32_t v;

	__builtin_memcpy(&v, (const uint8_t *)d + DSA_DESC_REGION_STRIDE_OFFSET, sizeof(v));
	return v;
}

/*
 * Create/Apply Delta Record: the record is a sequence of 10-byte entries,
 * each the offset of an 8-byte word (in units of 8 bytes) that differs,
 * followed by that word of the second source. Offsets increase. Sources
 * and the destination are 8-byte aligned, sizes multiples of 8, at most
 * DSA_DELTA_MAX_XFER bytes (the largest offset a 16-bit entry names).
 */
struct dsa_delta_entry {
	uint16_t offset;		/* in 8-byte words */
	uint64_t data;
} __attribute__((packed));
#define DSA_DELTA_ENTRY_SIZE		10
#define DSA_DELTA_MAX_XFER		0x80000
#define DSA_DELTA_MIN_RECORD		80	/* smallest maximum record size */
/* Create Delta result: buffers equal / record written / record would overflow. */
#define DSA_DELTA_RESULT_EQUAL		0
#define DSA_DELTA_RESULT_DIFF		1
#define DSA_DELTA_RESULT_OVERFLOW	2

/*
 * DIF (T10 protection information): each data block of 512, 520, 4096 or
 * 4104 bytes is followed by 8 bytes: guard (CRC-16 T10-DIF of the block),
 * application tag and reference tag, all big-endian.
 */
#define DSA_DIF_SIZE			8
/* Byte 42 (dif_chk_flags, dif_ins_flags, dif_upd_flags): the DIF flags. */
#define DSA_DIF_FLAG_BLK_SIZE_MASK	0x03	/* 0: 512, 1: 520, 2: 4096, 3: 4104 */
#define DSA_DIF_FLAG_INVERT_CRC_SEED	0x04	/* guard CRC starts at 0xffff */
#define DSA_DIF_FLAG_INVERT_CRC_RESULT	0x08	/* guard is the CRC inverted */
#define DSA_DIF_FLAGS_RSVD		0xf0
/* Byte 40 (src_dif_flags, src_upd_flags): how source DIFs are checked. */
#define DSA_DIF_SRC_ALL_F_ERR_EN	0x01	/* an all-ones DIF is an error */
#define DSA_DIF_SRC_ALL_F_DETECT	0x02	/* an all-ones DIF is detected */
#define DSA_DIF_SRC_APP_F_DETECT	0x04	/* app tag 0xffff: block not checked */
#define DSA_DIF_SRC_APP_REF_F_DETECT	0x08	/* app and ref tag all ones: not checked */
#define DSA_DIF_SRC_APP_TAG_INC		0x10	/* app tag increments per block */
#define DSA_DIF_SRC_GUARD_CHK_DIS	0x20
#define DSA_DIF_SRC_REF_CHK_DIS		0x40
#define DSA_DIF_SRC_REF_TAG_FIXED	0x80	/* else the ref tag increments */
/* Byte 41 (dest_dif_flag, upd_dest_flags): how destination DIFs are made. */
#define DSA_DIF_DST_RSVD		0x07
#define DSA_DIF_DST_APP_PASS		0x08	/* DIF Update: copy the source app tag */
#define DSA_DIF_DST_APP_TAG_INC		0x10
#define DSA_DIF_DST_GUARD_PASS		0x20	/* DIF Update: copy the source guard */
#define DSA_DIF_DST_REF_PASS		0x40	/* DIF Update: copy the source ref tag */
#define DSA_DIF_DST_REF_TAG_FIXED	0x80
#define DSA_DIF_DST_PASS_MASK		(DSA_DIF_DST_APP_PASS | DSA_DIF_DST_GUARD_PASS | \
					 DSA_DIF_DST_REF_PASS)
/* Completion record byte 1 (dif_status) of a DIF error (status DSA_COMP_DIF_ERR). */
#define DSA_DIF_ERR_GUARD		0x01
#define DSA_DIF_ERR_APP_TAG		0x02
#define DSA_DIF_ERR_REF_TAG		0x04
#define DSA_DIF_ERR_ALL_F		0x08

static inline uint32_t dsa_dif_block_size(uint8_t dif_flags)
{
	static const uint16_t sizes[4] = { 512, 520, 4096, 4104 };

	return sizes[dif_flags & DSA_DIF_FLAG_BLK_SIZE_MASK];
}

/* Size, field and offset checks of every register layout above. */
static_assert(sizeof(union gen_cap_reg) == 8, "GENCAP");
static_assert(sizeof(union wq_cap_reg) == 8, "WQCAP");
static_assert(sizeof(union group_cap_reg) == 8, "GRPCAP");
static_assert(sizeof(union engine_cap_reg) == 8, "ENGCAP");
static_assert(sizeof(struct opcap) == 32, "OPCAP");
static_assert(sizeof(union offsets_reg) == 16, "OFFSETS");
static_assert(sizeof(union gencfg_reg) == 4, "GENCFG");
static_assert(sizeof(union genctrl_reg) == 4, "GENCTRL");
static_assert(sizeof(union gensts_reg) == 4, "GENSTS");
static_assert(sizeof(union idxd_command_reg) == 4, "CMD");
static_assert(sizeof(union cmdsts_reg) == 4, "CMDSTS");
static_assert(sizeof(union sw_err_reg) == 32, "SWERR");
static_assert(sizeof(union msix_perm) == 4, "MSIXPERM");
static_assert(sizeof(union group_flags) == 8, "GRPFLAGS");
static_assert(sizeof(struct grpcfg) == GRPCFG_SIZE, "GRPCFG");
static_assert(offsetof(struct grpcfg, engines) == GRPCFG_ENGINES_OFFSET, "GRPENGCFG");
static_assert(offsetof(struct grpcfg, flags) == GRPCFG_FLAGS_OFFSET, "GRPFLGCFG");
static_assert(sizeof(union wqcfg) == 64, "WQCFG");
static_assert(offsetof(union wqcfg, op_config) == 32, "WQCFG op_config");
static_assert(IDXD_TABLE_OFFSET + sizeof(union offsets_reg) <= IDXD_GENCFG_OFFSET, "OFFSETS");
static_assert(sizeof(struct dsa_delta_entry) == DSA_DELTA_ENTRY_SIZE, "delta entry");
static_assert(DSA_DESC_REGION_STRIDE_OFFSET + 4 <= 64, "region stride");

#endif
