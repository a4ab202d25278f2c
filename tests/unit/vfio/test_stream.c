// SPDX-License-Identifier: GPL-2.0-only
/*
 * The message stream: framing errors, header rules, unknown commands,
 * no-reply, partial and pipelined messages, a client that does not read.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <setjmp.h>
#include <cmocka.h>

#include "lib/evloop.h"
#include "vfio/user/vfio_user.h"
#include "vfio_test.h"

static int setup(void **state)
{
	return vfio_test_env_alloc(state, "stream0");
}

/* Send a bare header; expect an error reply with @err, then the close. */
static void expect_fatal_header(struct vfio_test_env *env, bool negotiate,
				struct vfio_user_header hdr, int err)
{
	struct rawclient rc;
	struct rc_reply rep;

	if (negotiate)
		vfio_test_connect(env, &rc);
	else
		assert_int_equal(rc_connect(&rc, env->loop, env->path), 0);
	assert_int_equal(rc_send_raw(&rc, &hdr, sizeof(hdr), NULL, 0), 0);
	assert_int_equal(rc_recv(&rc, &rep), 0);
	assert_int_equal(rep.hdr.msg_id, hdr.msg_id);
	assert_int_equal(rep.hdr.command, hdr.command);
	assert_int_equal(rep.hdr.flags, VFIO_USER_F_TYPE_REPLY | VFIO_USER_F_ERROR);
	assert_int_equal(rep.hdr.error_no, err);
	assert_int_equal(rep.hdr.msg_size, sizeof(rep.hdr));
	rc_reply_free(&rep);
	assert_true(rc_wait_closed(&rc));
	rc_close(&rc);
}

static void test_short_message(void **state)
{
	struct vfio_user_header hdr = { .msg_id = 7, .command = VFIO_USER_VERSION, .msg_size = 8 };

	expect_fatal_header(*state, false, hdr, EINVAL);
	hdr.command = VFIO_USER_REGION_READ;
	expect_fatal_header(*state, true, hdr, EINVAL);
}

static void test_oversized_message(void **state)
{
	struct vfio_user_header hdr = {
		.msg_id = 9, .command = VFIO_USER_REGION_WRITE,
		.msg_size = 16 + 16 + VFIO_USER_DEFAULT_MAX_DATA_XFER + 1,
	};

	expect_fatal_header(*state, true, hdr, EINVAL);
	hdr.msg_size = 0xffffffff;
	expect_fatal_header(*state, false, hdr, EINVAL);
}

static void test_command_before_version(void **state)
{
	struct vfio_test_env *env = *state;
	struct vfio_user_device_info info = { .argsz = sizeof(info) };
	struct rawclient rc;

	assert_int_equal(rc_connect(&rc, env->loop, env->path), 0);
	assert_int_equal(rc_call(&rc, VFIO_USER_DEVICE_GET_INFO, &info, sizeof(info),
				 NULL, 0, NULL), EINVAL);
	assert_true(rc_wait_closed(&rc));
	rc_close(&rc);
	assert_int_equal(env->td->nr_open, 0);
}

static void test_unknown_commands(void **state)
{
	struct vfio_test_env *env = *state;
	static const uint16_t cmds[] = {
		0, VFIO_USER_DEVICE_GET_REGION_IO_FDS, VFIO_USER_DMA_READ, VFIO_USER_DMA_WRITE,
		14, VFIO_USER_REGION_WRITE_MULTI, VFIO_USER_DEVICE_FEATURE,
		VFIO_USER_MIG_DATA_READ, VFIO_USER_MIG_DATA_WRITE, 99, 0xffff,
	};
	uint8_t junk[24] = { 1, 2, 3 };
	struct rawclient rc;
	unsigned int i;
	uint32_t id = 0;

	vfio_test_connect(env, &rc);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		assert_int_equal(rc_call(&rc, cmds[i], junk, sizeof(junk), NULL, 0, NULL), ENOSYS);
	/* The connection is fine after them. */
	assert_int_equal(rc_region_read(&rc, 0, TD_REG_ID, &id, 4), 0);
	assert_int_equal(id, TD_ID);
	rc_close(&rc);
}

static void test_header_flags(void **state)
{
	struct vfio_test_env *env = *state;
	struct vfio_user_region_access ra = { .offset = 0, .region = 0, .count = 4 };
	struct rawclient rc;
	struct rc_reply rep;
	int id;

	vfio_test_connect(env, &rc);
	/* A "reply" from the client: the server sent no command. */
	id = rc_send(&rc, VFIO_USER_REGION_READ, VFIO_USER_F_TYPE_REPLY, &ra, sizeof(ra), NULL, 0);
	assert_int_equal(rc_recv(&rc, &rep), 0);
	assert_int_equal(rep.hdr.msg_id, id);
	assert_int_equal(rep.hdr.error_no, EINVAL);
	rc_reply_free(&rep);
	/* Unknown flag bits; the error bit in a command. */
	rc_send(&rc, VFIO_USER_REGION_READ, 0x100, &ra, sizeof(ra), NULL, 0);
	assert_int_equal(rc_recv(&rc, &rep), 0);
	assert_int_equal(rep.hdr.error_no, EINVAL);
	rc_reply_free(&rep);
	rc_send(&rc, VFIO_USER_REGION_READ, VFIO_USER_F_ERROR, &ra, sizeof(ra), NULL, 0);
	assert_int_equal(rc_recv(&rc, &rep), 0);
	assert_int_equal(rep.hdr.error_no, EINVAL);
	rc_reply_free(&rep);
	rc_close(&rc);
}

static void test_fds_where_none_belong(void **state)
{
	struct vfio_test_env *env = *state;
	struct vfio_user_region_access ra = { .offset = 0, .region = 0, .count = 4 };
	int efd = eventfd(0, EFD_CLOEXEC);
	struct rawclient rc;

	vfio_test_connect(env, &rc);
	assert_int_equal(rc_call(&rc, VFIO_USER_REGION_READ, &ra, sizeof(ra), &efd, 1, NULL),
			 EINVAL);
	assert_int_equal(rc_call(&rc, VFIO_USER_REGION_READ, &ra, sizeof(ra), NULL, 0, NULL), 0);
	rc_close(&rc);
	close(efd);
}

static void test_no_reply(void **state)
{
	struct vfio_test_env *env = *state;
	struct {
		struct vfio_user_region_access ra;
		uint32_t v;
	} __attribute__((packed)) wr = {
		.ra = { .offset = TD_REG_SCRATCH, .region = 0, .count = 4 }, .v = 0x1234,
	};
	struct vfio_user_region_access bad = { .offset = 4096, .region = 0, .count = 4 };
	struct rawclient rc;
	struct rc_reply rep;
	uint32_t v = 0;
	int id;

	vfio_test_connect(env, &rc);
	/* Neither the success nor the failure of a no-reply command answers. */
	rc_send(&rc, VFIO_USER_REGION_WRITE, VFIO_USER_F_NO_REPLY, &wr, sizeof(wr), NULL, 0);
	rc_send(&rc, VFIO_USER_REGION_READ, VFIO_USER_F_NO_REPLY, &bad, sizeof(bad), NULL, 0);
	id = rc_send(&rc, VFIO_USER_REGION_READ, 0, &wr.ra, sizeof(wr.ra), NULL, 0);
	assert_int_equal(rc_recv(&rc, &rep), 0);
	/* The next reply is the answer to the third message, which ran last. */
	assert_int_equal(rep.hdr.msg_id, id);
	assert_int_equal(rep.hdr.flags, VFIO_USER_F_TYPE_REPLY);
	memcpy(&v, rep.payload + sizeof(wr.ra), 4);
	assert_int_equal(v, 0x1234);
	rc_reply_free(&rep);
	rc_close(&rc);
}

static void test_partial_and_pipelined(void **state)
{
	struct vfio_test_env *env = *state;
	struct vfio_user_region_access ra = { .offset = TD_REG_ID, .region = 0, .count = 4 };
	struct vfio_user_header hdr = {
		.msg_id = 0x55, .command = VFIO_USER_REGION_READ, .msg_size = 32,
	};
	uint8_t msg[32], burst[3 * 32];
	struct rawclient rc;
	struct rc_reply rep;
	unsigned int i;
	uint32_t v;

	vfio_test_connect(env, &rc);
	memcpy(msg, &hdr, 16);
	memcpy(msg + 16, &ra, 16);
	/* One byte at a time, with the server running in between. */
	for (i = 0; i < sizeof(msg); i++) {
		assert_int_equal(rc_send_raw(&rc, msg + i, 1, NULL, 0), 0);
		rc_pump(&rc);
	}
	assert_int_equal(rc_recv(&rc, &rep), 0);
	assert_int_equal(rep.hdr.msg_id, 0x55);
	memcpy(&v, rep.payload + 16, 4);
	assert_int_equal(v, TD_ID);
	rc_reply_free(&rep);

	/* Three messages in one write: three replies, in order. */
	for (i = 0; i < 3; i++) {
		hdr.msg_id = 0x60 + i;
		memcpy(burst + 32 * i, &hdr, 16);
		memcpy(burst + 32 * i + 16, &ra, 16);
	}
	assert_int_equal(rc_send_raw(&rc, burst, sizeof(burst), NULL, 0), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(rc_recv(&rc, &rep), 0);
		assert_int_equal(rep.hdr.msg_id, 0x60 + i);
		assert_int_equal(rep.hdr.flags, VFIO_USER_F_TYPE_REPLY);
		rc_reply_free(&rep);
	}
	rc_close(&rc);
}

static void test_client_not_reading_is_dropped(void **state)
{
	struct vfio_test_env *env = *state;
	struct vfio_user_region_access ra = {
		.offset = 0, .region = VFIO_PCI_BAR2_REGION_INDEX, .count = TD_BAR2_SIZE,
	};
	struct vfio_user_limits lim;
	struct rawclient rc;
	unsigned int i;
	int sz = 4096;

	vfio_user_server_get_limits(env->srv, &lim);
	lim.max_tx_queued = 64 * 1024;
	assert_int_equal(vfio_user_server_set_limits(env->srv, &lim), 0);
	vfio_test_connect(env, &rc);
	assert_int_equal(setsockopt(rc.fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz)), 0);
	/* 64 replies of 16 KiB: far more than socket buffers plus the bound. */
	for (i = 0; i < 64 && env->td->nr_close == 0; i++) {
		rc_send(&rc, VFIO_USER_REGION_READ, 0, &ra, sizeof(ra), NULL, 0);
		rc_pump(&rc);
	}
	/* The daemon did not block; it let the client go and closed the session. */
	assert_int_equal(env->td->nr_close, 1);
	assert_null(env->td->vdev.session);
	assert_true(rc_wait_closed(&rc));
	rc_close(&rc);
}

/*
 * Garbage after a good start: random commands, flags, sizes and bytes.
 * Whatever the server answers, it must survive, end the session cleanly
 * and serve the next client.
 */
static void test_garbage_stream(void **state)
{
	struct vfio_test_env *env = *state;
	struct vfio_user_region_access ra = { .offset = TD_REG_ID, .region = 0, .count = 4 };
	uint8_t msg[16 + 300];
	struct vfio_user_header *hdr = (void *)msg;
	uint32_t x = 12345, v = 0;
	struct rawclient rc;
	struct rc_reply rep;
	unsigned int i, j, len;
	int id, err;

	vfio_test_connect(env, &rc);
	for (i = 0; i < 300; i++) {
		len = 16 + (x % 300);
		for (j = 0; j < len; j++) {
			x ^= x << 13;
			x ^= x >> 17;
			x ^= x << 5;
			msg[j] = (uint8_t)x;
		}
		hdr->command = (uint16_t)(1 + x % 20);
		hdr->msg_size = len;
		hdr->flags &= VFIO_USER_F_NO_REPLY | (x & 0x40);
		if (rc_send_raw(&rc, msg, len, NULL, 0))
			break;
		rc_pump(&rc);
	}
	/* A last real request; read until its answer or the end of the stream. */
	id = rc_send(&rc, VFIO_USER_REGION_READ, 0, &ra, sizeof(ra), NULL, 0);
	for (;;) {
		err = rc_recv(&rc, &rep);
		if (err) {
			rc_reply_free(&rep);
			break;
		}
		j = rep.hdr.msg_id == id && rep.hdr.command == VFIO_USER_REGION_READ;
		rc_reply_free(&rep);
		if (id > 0 && j)
			break;
	}
	rc_close(&rc);
	assert_int_equal(env->td->nr_open, env->td->nr_close);
	assert_int_equal(env->td->vdev.open_count, 0);
	vfio_test_connect(env, &rc);
	assert_int_equal(rc_region_read(&rc, 0, TD_REG_ID, &v, 4), 0);
	assert_int_equal(v, TD_ID);
	rc_close(&rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_short_message, setup, vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_oversized_message, setup, vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_command_before_version, setup,
						vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_unknown_commands, setup, vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_header_flags, setup, vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_fds_where_none_belong, setup,
						vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_no_reply, setup, vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_partial_and_pipelined, setup,
						vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_client_not_reading_is_dropped, setup,
						vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_garbage_stream, setup, vfio_test_env_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
