// SPDX-License-Identifier: GPL-2.0-only
/*
 * End to end, profiles: siovd started with each unmodified Debian
 * accel-config profile (every .conf in /etc/accel-config/contrib/configs and
 * /usr/libexec/accel-config/test/configs) comes up with every WQ the
 * profile names enabled with the profile's size, mode, type and name, and
 * every engine in its group, as read back over the control socket.
 */
#include <errno.h>
#include <glob.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "e2e.h"

/* iaxN of the Debian test profiles stands in as dsaN */
static void obj_path(const char *dev, char *buf, size_t size)
{
	snprintf(buf, size, "/sys/bus/dsa/devices/%s", dev);
}

static void expect_attr(struct e2e_daemon *d, const char *dev, const char *attr,
			const char *want)
{
	char path[256], v[256];

	obj_path(dev, path, sizeof(path));
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read %s/%s", path, attr), 0);
	if (strcmp(v, want))
		fail_msg("%s/%s: %s, profile says %s", dev, attr, v, want);
}

static void check_wq(struct e2e_daemon *d, struct json_object *wq)
{
	struct json_object *o;
	const char *dev;
	char num[32];

	assert_true(json_object_object_get_ex(wq, "dev", &o));
	dev = json_object_get_string(o);
	expect_attr(d, dev, "state", "enabled");
	if (json_object_object_get_ex(wq, "size", &o)) {
		snprintf(num, sizeof(num), "%d", json_object_get_int(o));
		expect_attr(d, dev, "size", num);
	}
	if (json_object_object_get_ex(wq, "group_id", &o)) {
		snprintf(num, sizeof(num), "%d", json_object_get_int(o));
		expect_attr(d, dev, "group_id", num);
	}
	if (json_object_object_get_ex(wq, "mode", &o))
		expect_attr(d, dev, "mode", json_object_get_string(o));
	if (json_object_object_get_ex(wq, "type", &o))
		expect_attr(d, dev, "type", json_object_get_string(o));
	if (json_object_object_get_ex(wq, "name", &o))
		expect_attr(d, dev, "name", json_object_get_string(o));
}

static void check_group(struct e2e_daemon *d, struct json_object *grp)
{
	struct json_object *list, *o;
	size_t i;

	if (json_object_object_get_ex(grp, "grouped_workqueues", &list))
		for (i = 0; i < json_object_array_length(list); i++)
			check_wq(d, json_object_array_get_idx(list, i));
	if (json_object_object_get_ex(grp, "grouped_engines", &list))
		for (i = 0; i < json_object_array_length(list); i++) {
			struct json_object *eng = json_object_array_get_idx(list, i);
			char num[32];

			assert_true(json_object_object_get_ex(eng, "group_id", &o));
			snprintf(num, sizeof(num), "%d", json_object_get_int(o));
			assert_true(json_object_object_get_ex(eng, "dev", &o));
			expect_attr(d, json_object_get_string(o), "group_id", num);
		}
}

static void check_profile(const char *path)
{
	const char *args[] = { "--config", path, NULL };
	struct json_object *root, *dev, *groups;
	struct e2e_daemon d;
	size_t i, j;

	root = json_object_from_file(path);
	assert_non_null(root);
	assert_int_equal(e2e_start(&d, args), 0);
	for (i = 0; i < json_object_array_length(root); i++) {
		dev = json_object_array_get_idx(root, i);
		if (!json_object_object_get_ex(dev, "groups", &groups))
			continue;
		for (j = 0; j < json_object_array_length(groups); j++)
			check_group(&d, json_object_array_get_idx(groups, j));
	}
	assert_int_equal(e2e_stop(&d), 0);
	json_object_put(root);
}

static void test_debian_profiles(void **state)
{
	const char *patterns[] = { "/etc/accel-config/contrib/configs/*.conf",
				   "/usr/libexec/accel-config/test/configs/*.conf" };
	size_t i, n = 0;
	glob_t g;

	for (i = 0; i < 2; i++) {
		if (glob(patterns[i], 0, NULL, &g))
			fail_msg("no profiles at %s (make check installs accel-config-test)",
				 patterns[i]);
		for (size_t k = 0; k < g.gl_pathc; k++, n++) {
			printf("# profile %s\n", g.gl_pathv[k]);
			check_profile(g.gl_pathv[k]);
		}
		globfree(&g);
	}
	assert_true(n >= 6);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_profiles),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
