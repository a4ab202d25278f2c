// SPDX-License-Identifier: GPL-2.0-only
/*
 * VFIO_USER_VERSION: version and capability negotiation (JSON via json-c),
 * and the start of the client's session on success.
 */
#include <errno.h>
#include <string.h>
#include <json-c/json.h>

#include "iommu/iommu.h"
#include "lib/log.h"
#include "vfio/user/user_priv.h"

/* A member that must be a non-negative integer, when present. */
static int vfio_user_cap_uint(struct json_object *caps, const char *key, uint64_t *val)
{
	struct json_object *o;
	int64_t v;

	if (!json_object_object_get_ex(caps, key, &o))
		return 0;
	if (!json_object_is_type(o, json_type_int))
		return -EINVAL;
	v = json_object_get_int64(o);
	if (v < 0)
		return -EINVAL;
	*val = (uint64_t)v;
	return 0;
}

static int vfio_user_cap_type(struct json_object *caps, const char *key, json_type type)
{
	struct json_object *o;

	if (!json_object_object_get_ex(caps, key, &o))
		return 0;
	return json_object_is_type(o, type) ? 0 : -EINVAL;
}

/* twin_socket is an object per the specification; accept a bare boolean. */
static int vfio_user_cap_twin(struct json_object *caps)
{
	struct json_object *o;

	if (!json_object_object_get_ex(caps, VFIO_USER_CAP_TWIN_SOCKET, &o))
		return 0;
	if (json_object_is_type(o, json_type_boolean))
		return 0;
	if (!json_object_is_type(o, json_type_object))
		return -EINVAL;
	return vfio_user_cap_type(o, VFIO_USER_CAP_TWIN_SUPPORTED, json_type_boolean);
}

/*
 * Parse the client's NUL-terminated JSON. Only max_msg_fds matters to us
 * (how many fds a reply may carry); the rest is type-checked.
 */
static int vfio_user_parse_caps(struct vfio_user_conn *c, const char *json, size_t len)
{
	struct json_tokener *tok;
	struct json_object *root, *caps;
	uint64_t fds = VFIO_USER_DEFAULT_MAX_MSG_FDS, ignored;
	int rc = -EINVAL;

	tok = json_tokener_new();
	if (!tok)
		return -ENOMEM;
	root = json_tokener_parse_ex(tok, json, (int)len);
	if (!root)
		goto out_tok;
	/* One complete object and nothing after it. */
	if (json_tokener_get_error(tok) != json_tokener_success ||
	    json_tokener_get_parse_end(tok) != len ||
	    !json_object_is_type(root, json_type_object))
		goto out_put;
	rc = 0;
	if (!json_object_object_get_ex(root, VFIO_USER_CAP, &caps))
		goto out_put;
	rc = -EINVAL;
	if (!json_object_is_type(caps, json_type_object))
		goto out_put;
	if (vfio_user_cap_uint(caps, VFIO_USER_CAP_MAX_MSG_FDS, &fds) ||
	    vfio_user_cap_uint(caps, VFIO_USER_CAP_MAX_DATA_XFER, &ignored) ||
	    vfio_user_cap_uint(caps, VFIO_USER_CAP_PGSIZES, &ignored) ||
	    vfio_user_cap_uint(caps, VFIO_USER_CAP_MAX_DMA_MAPS, &ignored) ||
	    vfio_user_cap_type(caps, VFIO_USER_CAP_MIGRATION, json_type_object) ||
	    vfio_user_cap_type(caps, VFIO_USER_CAP_WRITE_MULTIPLE, json_type_boolean) ||
	    vfio_user_cap_twin(caps))
		goto out_put;
	c->peer_max_msg_fds = fds > UINT32_MAX ? UINT32_MAX : (uint32_t)fds;
	rc = 0;
out_put:
	json_object_put(root);
out_tok:
	json_tokener_free(tok);
	return rc;
}

/* Our capabilities; migration is omitted (not supported). */
static struct json_object *vfio_user_our_caps(const struct vfio_user_conn *c)
{
	struct json_object *root, *caps, *twin;

	root = json_object_new_object();
	caps = json_object_new_object();
	twin = json_object_new_object();
	if (!root || !caps || !twin) {
		json_object_put(root);
		json_object_put(caps);
		json_object_put(twin);
		return NULL;
	}
	json_object_object_add(caps, VFIO_USER_CAP_MAX_MSG_FDS,
			       json_object_new_int64(c->lim.max_msg_fds));
	json_object_object_add(caps, VFIO_USER_CAP_MAX_DATA_XFER,
			       json_object_new_int64(c->lim.max_data_xfer_size));
	json_object_object_add(caps, VFIO_USER_CAP_PGSIZES,
			       json_object_new_int64(SIOVD_PAGE_SIZE));
	json_object_object_add(caps, VFIO_USER_CAP_MAX_DMA_MAPS,
			       json_object_new_int64(IOMMU_DOMAIN_MAX_MAPPINGS));
	json_object_object_add(twin, VFIO_USER_CAP_TWIN_SUPPORTED,
			       json_object_new_boolean(0));
	json_object_object_add(caps, VFIO_USER_CAP_TWIN_SOCKET, twin);
	json_object_object_add(caps, VFIO_USER_CAP_WRITE_MULTIPLE,
			       json_object_new_boolean(0));
	json_object_object_add(root, VFIO_USER_CAP, caps);
	return root;
}

static int vfio_user_version_reply(struct vfio_user_conn *c, uint16_t minor,
				   struct vfio_user_reply *r)
{
	struct vfio_user_version *v;
	struct json_object *root;
	const char *json;
	size_t len;
	int rc = -ENOMEM;

	root = vfio_user_our_caps(c);
	if (!root)
		return -ENOMEM;
	json = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN);
	if (!json)
		goto out_put;
	len = strlen(json) + 1;
	v = vfio_user_reply_payload(r, sizeof(*v) + len);
	if (!v)
		goto out_put;
	v->major = VFIO_USER_MAJOR;
	v->minor = minor;
	memcpy(v->data, json, len);
	rc = 0;
out_put:
	json_object_put(root);
	return rc;
}

static int vfio_user_version_check(struct vfio_user_conn *c, const struct vfio_user_msg *m)
{
	const struct vfio_user_version *v = m->payload;
	size_t len;

	if (m->size < sizeof(*v))
		return -EINVAL;
	if (v->major != VFIO_USER_MAJOR)
		return -ENOTSUP;
	len = m->size - sizeof(*v);
	if (!len)
		return 0;
	/* JSON text, then exactly one NUL at the very end. */
	if (v->data[len - 1] != '\0' || strlen(v->data) != len - 1)
		return -EINVAL;
	return vfio_user_parse_caps(c, v->data, len - 1);
}

/**
 * vfio_user_handle_version - negotiate, then open the device for this
 * client. Errors: EINVAL (short payload, bad JSON or capability types,
 * repeated VERSION), ENOTSUP (major version other than 0), EBUSY (another
 * client owns the device), or the session's error. Any error but a
 * repeated VERSION closes the connection after the reply.
 */
int vfio_user_handle_version(struct vfio_user_conn *c, const struct vfio_user_msg *m,
			     struct vfio_user_reply *r)
{
	const struct vfio_user_version *v = m->payload;
	uint16_t minor;
	int rc;

	if (c->negotiated)
		return -EINVAL;
	rc = vfio_user_version_check(c, m);
	if (rc)
		goto out_close;
	minor = v->minor < VFIO_USER_MINOR ? v->minor : VFIO_USER_MINOR;
	rc = vfio_user_version_reply(c, minor, r);
	if (rc)
		goto out_close;
	rc = vfio_user_session_start(c);
	if (rc)
		goto out_close;
	c->negotiated = true;
	return 0;

out_close:
	c->closing = true;
	return rc;
}
