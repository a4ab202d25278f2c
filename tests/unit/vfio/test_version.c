// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_USER_VERSION: negotiation, capabilities (json-c on both sides of the
 * test), and the errors that end a connection.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <setjmp.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "vfio_test.h"

static int setup(void **state)
{
	return vfio_test_env_alloc(state, "ver0");
}

static int64_t cap_int(struct json_object *caps, const char *key)
{
	struct json_object *o;

	assert_true(json_object_object_get_ex(caps, key, &o));
	assert_true(json_object_is_type(o, json_type_int));
	return json_object_get_int64(o);
}

static void test_negotiate(void **state)
{
	struct vfio_test_env *env = *state;
	struct vfio_user_version *v;
	struct json_object *root, *caps, *o, *twin;
	struct rawclient rc;
	struct rc_reply rep;

	assert_int_equal(rc_connect(&rc, env->loop, env->path), 0);
	assert_int_equal(rc_version(&rc, "{\"capabilities\":{\"max_msg_fds\":4,"
				    "\"max_data_xfer_size\":65536,\"pgsizes\":4096,"
				    "\"twin_socket\":{\"supported\":true},"
				    "\"write_multiple\":true}}", &rep), 0);
	assert_true(rep.size > sizeof(*v));
	v = (void *)rep.payload;
	assert_int_equal(v->major, 0);
	assert_int_equal(v->minor, 1);
	/* NUL-terminated JSON that ends the message. */
	assert_int_equal(rep.payload[rep.size - 1], '\0');
	assert_int_equal(strlen(v->data), rep.size - sizeof(*v) - 1);
	root = json_tokener_parse(v->data);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "capabilities", &caps));
	assert_int_equal(cap_int(caps, "max_msg_fds"), 8);
	assert_int_equal(cap_int(caps, "max_data_xfer_size"), 1048576);
	assert_int_equal(cap_int(caps, "pgsizes"), 4096);
	assert_int_equal(cap_int(caps, "max_dma_maps"), 65535);
	assert_false(json_object_object_get_ex(caps, "migration", &o));
	assert_true(json_object_object_get_ex(caps, "write_multiple", &o));
	assert_false(json_object_get_boolean(o));
	/* We do not do twin-socket mode even when the client offers it. */
	assert_true(json_object_object_get_ex(caps, "twin_socket", &twin));
	assert_true(json_object_object_get_ex(twin, "supported", &o));
	assert_false(json_object_get_boolean(o));
	assert_int_equal(rep.nfds, 0);
	json_object_put(root);
	rc_reply_free(&rep);

	/* A second VERSION is refused, but the session goes on. */
	assert_int_equal(rc_version(&rc, NULL, NULL), EINVAL);
	assert_int_equal(env->td->nr_open, 1);
	assert_int_equal(rc_region_read(&rc, 0, TD_REG_ID, &(uint32_t){0}, 4), 0);
	rc_close(&rc);
	assert_int_equal(env->td->nr_close, 1);
}

static void test_no_json_and_lower_minor(void **state)
{
	struct vfio_test_env *env = *state;
	struct vfio_user_version req = { .major = 0, .minor = 0 };
	struct vfio_user_version *v;
	struct rawclient rc;
	struct rc_reply rep;

	assert_int_equal(rc_connect(&rc, env->loop, env->path), 0);
	assert_int_equal(rc_call(&rc, VFIO_USER_VERSION, &req, sizeof(req), NULL, 0, &rep), 0);
	v = (void *)rep.payload;
	assert_int_equal(v->major, 0);
	/* The reply's minor is at most the proposed one. */
	assert_int_equal(v->minor, 0);
	rc_reply_free(&rep);
	rc_close(&rc);
}

static void expect_refused(struct vfio_test_env *env, const void *payload, size_t len,
			   int err)
{
	struct rawclient rc;

	assert_int_equal(rc_connect(&rc, env->loop, env->path), 0);
	assert_int_equal(rc_call(&rc, VFIO_USER_VERSION, payload, len, NULL, 0, NULL), err);
	assert_true(rc_wait_closed(&rc));
	rc_close(&rc);
	/* Nothing was opened. */
	assert_int_equal(env->td->nr_open, 0);
}

static void expect_json_refused(struct vfio_test_env *env, const char *json, size_t len)
{
	struct vfio_user_version *v = calloc(1, sizeof(*v) + len);

	v->minor = 1;
	memcpy(v->data, json, len);
	expect_refused(env, v, sizeof(*v) + len, EINVAL);
	free(v);
}

static void test_bad_major(void **state)
{
	struct vfio_user_version req = { .major = 1, .minor = 0 };

	expect_refused(*state, &req, sizeof(req), ENOTSUP);
}

static void test_short_payload(void **state)
{
	uint16_t major = 0;

	expect_refused(*state, &major, sizeof(major), EINVAL);
}

static void test_bad_json(void **state)
{
	struct vfio_test_env *env = *state;
	static const char *const bad[] = {
		"{\"capabilities\":",			/* truncated */
		"[1, 2]",				/* not an object */
		"{\"capabilities\":7}",			/* capabilities not an object */
		"{\"capabilities\":{\"max_msg_fds\":\"8\"}}",	/* wrong type */
		"{\"capabilities\":{\"max_msg_fds\":-1}}",	/* negative */
		"{\"capabilities\":{\"write_multiple\":1}}",
		"{\"capabilities\":{\"twin_socket\":[]}}",
		"{} {}",				/* trailing text */
	};
	unsigned int i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		expect_json_refused(env, bad[i], strlen(bad[i]) + 1);
	/* Not NUL-terminated, and bytes after the NUL. */
	expect_json_refused(env, "{}", 2);
	expect_json_refused(env, "{}\0x", 4);
}

static void test_unknown_capabilities_ignored(void **state)
{
	struct vfio_test_env *env = *state;
	struct rawclient rc;

	assert_int_equal(rc_connect(&rc, env->loop, env->path), 0);
	assert_int_equal(rc_version(&rc, "{\"capabilities\":{\"future\":[1]},\"x\":1}", NULL), 0);
	rc_close(&rc);
}

static void test_client_takes_no_fds(void **state)
{
	struct vfio_test_env *env = *state;
	struct vfio_region_info req = {
		.argsz = 256, .index = VFIO_PCI_BAR2_REGION_INDEX,
	};
	struct vfio_region_info *info;
	struct rawclient rc;
	struct rc_reply rep;

	assert_int_equal(rc_connect(&rc, env->loop, env->path), 0);
	assert_int_equal(rc_version(&rc, "{\"capabilities\":{\"max_msg_fds\":0}}", NULL), 0);
	assert_int_equal(rc_call(&rc, VFIO_USER_DEVICE_GET_REGION_INFO, &req, sizeof(req),
				 NULL, 0, &rep), 0);
	info = (void *)rep.payload;
	/* No fd can reach this client, so nothing is offered for mmap. */
	assert_int_equal(info->flags & VFIO_REGION_INFO_FLAG_MMAP, 0);
	assert_int_equal(rep.nfds, 0);
	rc_reply_free(&rep);
	rc_close(&rc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_negotiate, setup, vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_no_json_and_lower_minor, setup,
						vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_bad_major, setup, vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_short_payload, setup, vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_bad_json, setup, vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_unknown_capabilities_ignored, setup,
						vfio_test_env_free),
		cmocka_unit_test_setup_teardown(test_client_takes_no_fds, setup,
						vfio_test_env_free),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
