// SPDX-License-Identifier: GPL-2.0-only
/*
 * The accel-config loader: every configuration Debian ships loads unmodified
 * and programs the GRPCFG/WQCFG values the JSON asks for (the expectation
 * is computed here from the JSON, the registers read through the PCI core);
 * the embedded default profile; malformed input is refused with a message
 * and leaves the configuration as it was.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "idxd/idxd_config.h"
#include "idxd_test.h"

#define DEV	"/sys/bus/dsa/devices/"
#define CONTRIB_DIR	"/etc/accel-config/contrib/configs"
#define TEST_DIR	IDXD_CONFIGS_DIR

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	assert_true(n > 0);
	rewind(f);
	buf = malloc((size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static int64_t jint(struct json_object *o, const char *key, int64_t dflt)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_int64(v) : dflt;
}

static const char *jstr(struct json_object *o, const char *key, const char *dflt)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_string(v) : dflt;
}

static unsigned int ilog2_up(uint64_t v)
{
	unsigned int s = 0;

	while ((1ULL << s) < v)
		s++;
	return s;
}

static unsigned int obj_id(const char *name)
{
	const char *dot = strchr(name, '.');

	assert_non_null(dot);
	return (unsigned int)strtoul(dot + 1, NULL, 10);
}

/* Expected registers of one device object, computed from the JSON alone. */
struct expect {
	struct grpcfg grp[16];
	union wqcfg wq[16];
	bool wq_set[16];
};

static void expect_wq(struct expect *e, struct json_object *w, unsigned int group,
		      union gen_cap_reg gen)
{
	unsigned int id = obj_id(jstr(w, "dev", NULL));
	bool dedicated = !strcmp(jstr(w, "mode", "shared"), "dedicated");
	union wqcfg *c = &e->wq[id];
	uint64_t xfer = (uint64_t)jint(w, "max_transfer_size", 2 << 20);
	uint64_t batch = (uint64_t)jint(w, "max_batch_size", 32);

	e->grp[group].wqs[id / 64] |= 1ULL << (id % 64);
	e->wq_set[id] = true;
	c->wq_size = (uint16_t)jint(w, "size", 0);
	c->wq_thresh = dedicated ? 0 : (uint16_t)jint(w, "threshold", 0);
	c->mode = dedicated;
	c->bof = gen.block_on_fault && jint(w, "block_on_fault", 0);
	c->priority = (uint32_t)jint(w, "priority", 1);
	c->pasid_en = !dedicated;		/* shared: PASIDs come with ENQCMD */
	c->priv = !strcmp(jstr(w, "type", "none"), "kernel");
	c->max_xfer_shift = ilog2_up(xfer < (1ULL << gen.max_xfer_shift) ? xfer :
				     1ULL << gen.max_xfer_shift);
	c->max_batch_shift = ilog2_up(batch);
	/* every WQ of the stock profiles has a type and a size: enabled */
	c->wq_state = IDXD_WQCFG_STATE_ENABLED;
}

static void expect_device(struct expect *e, struct json_object *jdev, union gen_cap_reg gen)
{
	struct json_object *groups, *list;
	size_t i, j;

	memset(e, 0, sizeof(*e));
	for (i = 0; i < 16; i++) {
		/* version 1: traffic classes stay A = 1, B = 1 */
		e->grp[i].flags.tc_a = 1;
		e->grp[i].flags.tc_b = 1;
	}
	if (!json_object_object_get_ex(jdev, "groups", &groups))
		return;
	for (i = 0; i < json_object_array_length(groups); i++) {
		struct json_object *g = json_object_array_get_idx(groups, i);
		unsigned int gid = obj_id(jstr(g, "dev", NULL));

		if (json_object_object_get_ex(g, "grouped_engines", &list))
			for (j = 0; j < json_object_array_length(list); j++)
				e->grp[gid].engines |= 1ULL << obj_id(jstr(
					json_object_array_get_idx(list, j), "dev", NULL));
		if (json_object_object_get_ex(g, "grouped_workqueues", &list))
			for (j = 0; j < json_object_array_length(list); j++)
				expect_wq(e, json_object_array_get_idx(list, j), gid, gen);
	}
}

static void check_device(struct idxd_test *t, unsigned int i, struct json_object *jdev)
{
	union gen_cap_reg gen = { .bits = reg64(t, i, IDXD_GENCAP_OFFSET) };
	union wq_cap_reg wqc = { .bits = reg64(t, i, IDXD_WQCAP_OFFSET) };
	union group_cap_reg grc = { .bits = reg64(t, i, IDXD_GRPCAP_OFFSET) };
	struct expect e;
	struct grpcfg g;
	union wqcfg c;
	unsigned int n;

	expect_device(&e, jdev, gen);
	assert_int_equal(gensts_state(t, i), IDXD_DEVICE_STATE_ENABLED);
	for (n = 0; n < grc.num_groups; n++) {
		read_grpcfg(t, i, n, &g);
		assert_memory_equal(&g, &e.grp[n], sizeof(g));
	}
	for (n = 0; n < wqc.num_wqs; n++) {
		read_wqcfg(t, i, n, &c);
		if (!e.wq_set[n]) {
			assert_int_equal(c.wq_size, 0);
			assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_DISABLED);
			continue;
		}
		/* the architected part of WQCFG: dwords 0-3 and the state */
		assert_int_equal(c.bits[0], e.wq[n].bits[0]);
		assert_int_equal(c.bits[1], e.wq[n].bits[1]);
		assert_int_equal(c.bits[2], e.wq[n].bits[2]);
		assert_int_equal(c.bits[3], e.wq[n].bits[3]);
		assert_int_equal(c.wq_state, e.wq[n].wq_state);
	}
}

/* Load @path with enable on a fresh machine and check every device it names. */
static void load_profile(const char *path)
{
	struct dsa_hw_params p;
	struct json_object *root;
	struct idxd_test t;
	char err[256];
	size_t len, i;
	char *text;

	print_message("profile %s\n", path);
	text = slurp(path, &len);
	/* two DSAs, the second with 8 engines (the IAX test profile names engine1.7) */
	dsa_hw_params_default(&p);
	p.num_engines = 8;
	idxd_test_up(&t, &p, 2);
	assert_int_equal(idxd_config_load(text, len, true, err, sizeof(err)), 0);
	root = json_tokener_parse(text);
	assert_non_null(root);
	for (i = 0; i < json_object_array_length(root); i++) {
		struct json_object *jdev = json_object_array_get_idx(root, i);
		const char *name = jstr(jdev, "dev", "");

		check_device(&t, (unsigned int)strtoul(name + 3, NULL, 10), jdev);
	}
	json_object_put(root);
	free(text);
	idxd_test_down(&t);
}

static unsigned int load_dir(const char *dir)
{
	struct dirent *de;
	unsigned int n = 0;
	char path[512];
	DIR *d = opendir(dir);

	assert_non_null(d);
	while ((de = readdir(d))) {
		size_t l = strlen(de->d_name);

		if (l < 5 || strcmp(de->d_name + l - 5, ".conf"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		load_profile(path);
		n++;
	}
	closedir(d);
	return n;
}

static void test_debian_contrib_profiles(void **state)
{
	(void)state;
	assert_int_equal(load_dir(CONTRIB_DIR), 4);
}

static void test_debian_test_profiles(void **state)
{
	(void)state;
	assert_int_equal(load_dir(TEST_DIR), 2);
}

/* ---- the embedded profile --------------------------------------------------------- */

static void test_default_profile(void **state)
{
	struct json_object *root;
	struct idxd_test t;
	union wqcfg c;
	char err[256];

	(void)state;
	root = json_tokener_parse(idxd_default_config);
	assert_non_null(root);
	assert_true(json_object_is_type(root, json_type_array));
	json_object_put(root);

	idxd_test_up(&t, NULL, 1);
	assert_int_equal(idxd_config_load(idxd_default_config, strlen(idxd_default_config), true,
					  err, sizeof(err)), 0);
	assert_string_equal(attr(DEV "dsa0/state"), "enabled");
	assert_string_equal(attr(DEV "wq0.0/type"), "mdev");
	assert_string_equal(attr(DEV "wq0.0/name"), "mdev0");
	assert_string_equal(attr(DEV "wq0.0/driver_name"), "mdev");
	assert_string_equal(attr(DEV "wq0.0/priority"), "10");
	assert_string_equal(attr(DEV "wq0.1/name"), "mdev1");
	assert_string_equal(attr(DEV "wq0.2/mode"), "shared");
	assert_string_equal(attr(DEV "wq0.2/threshold"), "30");
	assert_string_equal(attr(DEV "group0.2/work_queues"), "wq0.2");
	assert_string_equal(attr(DEV "group0.1/engines"), "engine0.1");
	/* mdev WQs: enabled for the host, waiting in hardware for a PASID */
	assert_string_equal(attr(DEV "wq0.0/state"), "enabled");
	assert_string_equal(attr(DEV "wq0.1/state"), "enabled");
	read_wqcfg(&t, 0, 0, &c);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_DISABLED);
	assert_int_equal(c.wq_size, 16);
	read_wqcfg(&t, 0, 2, &c);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_ENABLED);
	assert_int_equal(c.wq_size, 32);
	assert_int_equal(c.wq_thresh, 30);
	assert_string_equal(attr("/sys/bus/auxiliary/devices/idxd.mdev.0/uevent"),
			    "MODALIAS=auxiliary:idxd.mdev");
	idxd_test_down(&t);
}

/* ---- refusals ------------------------------------------------------------------------ */

static int load(const char *json, bool enable, char *err, size_t errlen)
{
	return idxd_config_load(json, strlen(json), enable, err, errlen);
}

static void test_malformed(void **state)
{
	char err[256];

	(void)state;
	assert_int_equal(load("", false, err, sizeof(err)), -EINVAL);
	assert_int_equal(load("[{\"dev\":\"dsa0\"", false, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "JSON"));
	assert_int_equal(load("{\"dev\":\"dsa0\"}", false, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "array"));
	assert_int_equal(load("[] x", false, err, sizeof(err)), -EINVAL);
	assert_int_equal(load("[{}]", false, err, sizeof(err)), -EINVAL);
	assert_int_equal(load("[{\"dev\":\"dsa7\"}]", false, err, sizeof(err)), -ENODEV);
	assert_non_null(strstr(err, "dsa7"));
	assert_int_equal(load("[{\"dev\":\"dsa0\"},{\"dev\":\"dsa0\"}]", false, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(load("[{\"dev\":\"dsa0\",\"groups\":{}}]", false, err, sizeof(err)),
			 -EINVAL);
	assert_int_equal(load("[{\"dev\":\"dsa0\",\"groups\":[{\"dev\":\"group0.9\"}]}]", false,
			      err, sizeof(err)), -ENODEV);
	assert_int_equal(load("[{\"dev\":\"dsa0\",\"groups\":[{\"dev\":\"group1.0\"}]}]", false,
			      err, sizeof(err)), -ENODEV);
	assert_int_equal(load("[{\"dev\":\"dsa0\",\"ungrouped_workqueues\":[{\"dev\":\"wq0.x\"}]}]",
			      false, err, sizeof(err)), -ENODEV);
	/* unknown keys name themselves */
	assert_int_equal(load("[{\"dev\":\"dsa0\",\"ungrouped_workqueues\":[{\"dev\":\"wq0.1\","
			      "\"sise\":8}]}]", false, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "wq0.1"));
	assert_non_null(strstr(err, "sise"));
	assert_int_equal(load("[{\"dev\":\"dsa0\",\"colour\":1}]", false, err, sizeof(err)),
			 -EINVAL);
	assert_non_null(strstr(err, "colour"));
	/* values of the wrong JSON type */
	assert_int_equal(load("[{\"dev\":\"dsa0\",\"ungrouped_workqueues\":[{\"dev\":\"wq0.1\","
			      "\"size\":[8]}]}]", false, err, sizeof(err)), -EINVAL);
	/* a member's group_id must be the group it is listed in */
	assert_int_equal(load("[{\"dev\":\"dsa0\",\"groups\":[{\"dev\":\"group0.1\","
			      "\"grouped_workqueues\":[{\"dev\":\"wq0.1\",\"group_id\":2}]}]}]",
			      false, err, sizeof(err)), -EINVAL);
	/* nothing of it stuck */
	assert_string_equal(attr(DEV "wq0.1/size"), "0");
	assert_string_equal(attr(DEV "wq0.1/group_id"), "-1");
}

/* A value refused half-way restores everything the load had changed. */
static void test_rollback(void **state)
{
	char err[256];

	(void)state;
	assert_true(attr_set("7", DEV "wq0.3/size") > 0);
	assert_int_equal(load("[{\"dev\":\"dsa0\",\"groups\":[{\"dev\":\"group0.0\","
			      "\"grouped_engines\":[{\"dev\":\"engine0.0\"}],"
			      "\"grouped_workqueues\":[{\"dev\":\"wq0.0\",\"size\":100,"
			      "\"mode\":\"dedicated\",\"name\":\"a\",\"type\":\"user\"},"
			      "{\"dev\":\"wq0.1\",\"size\":100}]}]}]",
			      false, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "wq0.1: size = 100"));
	assert_string_equal(attr(DEV "wq0.0/size"), "0");
	assert_string_equal(attr(DEV "wq0.0/group_id"), "-1");
	assert_string_equal(attr(DEV "wq0.0/mode"), "shared");
	assert_string_equal(attr(DEV "wq0.0/type"), "none");
	assert_string_equal(attr(DEV "engine0.0/group_id"), "-1");
	assert_string_equal(attr(DEV "wq0.3/size"), "7");
}

/* save-config's read-only keys are ignored, the old token names taken. */
static void test_readonly_and_legacy_keys(void **state)
{
	struct idxd_test *t = *state;
	char err[256];
	union wqcfg c;

	(void)t;
	assert_int_equal(load("[{\"dev\":\"dsa0\",\"max_groups\":99,\"state\":\"enabled\","
			      "\"version\":\"0x100\",\"clients\":3,\"work_queue_size\":128,"
			      "\"token_limit\":0,\"configurable\":1,\"op_cap\":\"1\","
			      "\"groups\":[{\"dev\":\"group0.0\",\"tokens_reserved\":0,"
			      "\"use_token_limit\":0,\"tokens_allowed\":8,\"traffic_class_a\":1,"
			      "\"grouped_engines\":[{\"dev\":\"engine0.3\",\"group_id\":0}],"
			      "\"grouped_workqueues\":[{\"dev\":\"wq0.4\",\"mode\":\"dedicated\","
			      "\"size\":8,\"priority\":4,\"state\":\"disabled\",\"cdev_minor\":4,"
			      "\"clients\":0,\"type\":\"user\",\"name\":\"x\",\"threshold\":0,"
			      "\"block_on_fault\":0,\"ats_disable\":0}]}]}]",
			      true, err, sizeof(err)), 0);
	assert_string_equal(attr(DEV "wq0.4/state"), "enabled");
	assert_string_equal(attr(DEV "engine0.3/group_id"), "0");
	read_wqcfg(t, 0, 4, &c);
	assert_int_equal(c.wq_size, 8);
	assert_int_equal(c.priority, 4);
	assert_int_equal(c.wq_state, IDXD_WQCFG_STATE_ENABLED);
	/* an enabled device takes no configuration */
	assert_int_equal(load("[{\"dev\":\"dsa0\",\"ungrouped_workqueues\":[{\"dev\":\"wq0.5\","
			      "\"size\":1}]}]", false, err, sizeof(err)), -EPERM);
	assert_non_null(strstr(err, "wq0.5"));
}

/* An enable failure is reported with the device's reason. */
static void test_enable_failure(void **state)
{
	char err[256];

	(void)state;
	/* a shared WQ without threshold */
	assert_int_equal(load("[{\"dev\":\"dsa0\",\"groups\":[{\"dev\":\"group0.0\","
			      "\"grouped_engines\":[{\"dev\":\"engine0.0\"}],"
			      "\"grouped_workqueues\":[{\"dev\":\"wq0.0\",\"size\":4,"
			      "\"type\":\"user\",\"name\":\"a\"}]}]}]",
			      true, err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "wq0.0: enable failed"));
	assert_non_null(strstr(err, "0x80060000"));
	assert_string_equal(attr(DEV "dsa0/state"), "enabled");
	assert_string_equal(attr(DEV "wq0.0/state"), "disabled");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_debian_contrib_profiles),
		cmocka_unit_test(test_debian_test_profiles),
		cmocka_unit_test(test_default_profile),
		idxd_unit_test(test_malformed),
		idxd_unit_test(test_rollback),
		idxd_unit_test(test_readonly_and_legacy_keys),
		idxd_unit_test(test_enable_failure),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
