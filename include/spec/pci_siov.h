/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Intel Scalable I/O Virtualization: the DVSEC a SIOV-capable endpoint
 * carries so that system software can detect it, and IMS support, without
 * a device driver (Intel Scalable I/O Virtualization Technical
 * Specification, section 3.7). Layout: a DVSEC extended capability
 * (PCI_EXT_CAP_ID_DVSEC) with vendor 0x8086 and DVSEC id 5; the capability
 * dword at +0x14 has bit 0 set when the function supports IMS.
 */
#ifndef SIOVD_SPEC_PCI_SIOV_H
#define SIOVD_SPEC_PCI_SIOV_H

#define PCI_DVSEC_ID_INTEL_SIOV		0x0005
#define PCI_DVSEC_INTEL_SIOV_CAP	0x14
#define PCI_DVSEC_INTEL_SIOV_CAP_IMS	0x00000001
#define PCI_DVSEC_INTEL_SIOV_LEN	0x18	/* bytes, incl. the DVSEC headers */

#endif
