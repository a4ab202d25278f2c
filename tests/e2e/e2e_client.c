// SPDX-License-Identifier: GPL-2.0-only
/* The tests' libvdsa client (see e2e_client.h). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "e2e_client.h"

void e2e_client_open(struct e2e_client *c, const char *sock)
{
	int rc, tries;

	memset(c, 0, sizeof(*c));
	/* the server may still be closing the previous session */
	for (tries = 0; tries < 100; tries++) {
		rc = vdsa_conn_open(sock, &c->conn);
		if (rc != -EBUSY && rc != -ECONNRESET)
			break;
		usleep(20000);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(vdsa_dev_open(c->conn, &c->dev), 0);
	assert_int_equal(vdsa_buf_alloc(c->conn, 1 << 16, &c->buf), 0);
	assert_int_equal(vdsa_buf_alloc(c->conn, 4096, &c->comp), 0);
}

void e2e_client_close(struct e2e_client *c)
{
	vdsa_dev_close(c->dev);
	vdsa_conn_close(c->conn);
}
