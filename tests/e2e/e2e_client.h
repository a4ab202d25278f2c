/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A libvdsa client of one mdev for the end-to-end and security tests: its
 * connection, its device, a 64 KiB data buffer and a 4 KiB buffer for
 * completion records, all in the client's DMA map.
 */
#ifndef SIOVD_TESTS_E2E_CLIENT_H
#define SIOVD_TESTS_E2E_CLIENT_H

#include "vdsa.h"

struct e2e_client {
	struct vdsa_conn *conn;
	struct vdsa_dev *dev;
	struct vdsa_buf *buf, *comp;
};

/*
 * e2e_client_open - connect @c to the vfio-user socket @sock (retrying for
 * up to 2 s while the server still closes a previous session), open the
 * device and allocate both buffers. Fails the test on an error. Undone by
 * e2e_client_close().
 */
void e2e_client_open(struct e2e_client *c, const char *sock);
void e2e_client_close(struct e2e_client *c);

#endif
