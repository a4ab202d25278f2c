// SPDX-License-Identifier: GPL-2.0-only
/* siovd's persistent state: atomic files in a state directory (state.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "daemon/state.h"
#include "lib/log.h"

#define TMP_SUFFIX	".tmp"

struct siovd_state {
	int dirfd;
	int mdevfd;
	uint64_t seq;		/* next creation sequence number */
};

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= w;
	}
	return 0;
}

/* Write @name in @dirfd atomically: temporary file, fsync, rename, fsync dir. */
static int write_atomic(int dirfd, const char *name, const char *data, size_t len)
{
	char tmp[128];
	int fd, rc;

	if (snprintf(tmp, sizeof(tmp), "%s" TMP_SUFFIX, name) >= (int)sizeof(tmp))
		return -ENAMETOOLONG;
	fd = openat(dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	rc = write_all(fd, data, len);
	if (!rc && fsync(fd))
		rc = -errno;
	close(fd);
	if (!rc && renameat(dirfd, tmp, dirfd, name))
		rc = -errno;
	if (rc) {
		unlinkat(dirfd, tmp, 0);
		return rc;
	}
	return fsync(dirfd) ? -errno : 0;
}

/* Remove leftover temporary files of a crash in the middle of a write. */
static void remove_tmp_files(int dirfd)
{
	struct dirent *e;
	DIR *d;
	int fd = dup(dirfd);
	size_t n;

	if (fd < 0)
		return;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return;
	}
	while ((e = readdir(d))) {
		n = strlen(e->d_name);
		if (n > strlen(TMP_SUFFIX) &&
		    !strcmp(e->d_name + n - strlen(TMP_SUFFIX), TMP_SUFFIX))
			unlinkat(dirfd, e->d_name, 0);
	}
	closedir(d);
}

struct siovd_state *siovd_state_open(const char *dir)
{
	struct siovd_mdev_def *defs;
	struct siovd_state *st;
	int n, i, err;

	if (mkdir(dir, 0700) && errno != EEXIST)
		return NULL;
	st = calloc(1, sizeof(*st));
	if (!st)
		return NULL;
	st->mdevfd = -1;
	st->seq = 1;
	st->dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->dirfd < 0)
		goto out_free;
	if (mkdirat(st->dirfd, "mdevs", 0700) && errno != EEXIST)
		goto out_close;
	st->mdevfd = openat(st->dirfd, "mdevs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (st->mdevfd < 0)
		goto out_close;
	remove_tmp_files(st->dirfd);
	remove_tmp_files(st->mdevfd);
	n = siovd_state_mdev_list(st, &defs);
	for (i = 0; i < n; i++)
		if (defs[i].seq >= st->seq)
			st->seq = defs[i].seq + 1;
	if (n >= 0)
		free(defs);
	return st;

out_close:
	err = errno;
	close(st->dirfd);
	errno = err;
out_free:
	err = errno;
	free(st);
	errno = err;
	return NULL;
}

void siovd_state_close(struct siovd_state *st)
{
	if (!st)
		return;
	close(st->mdevfd);
	close(st->dirfd);
	free(st);
}

char *siovd_state_load_config(struct siovd_state *st, size_t *len)
{
	int fd = openat(st->dirfd, "config.json", O_RDONLY | O_CLOEXEC);
	char *buf = NULL;
	struct stat sb;
	ssize_t n;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) || sb.st_size > (16 << 20))
		goto out;
	buf = malloc(sb.st_size + 1);
	if (!buf)
		goto out;
	n = read(fd, buf, sb.st_size);
	if (n != sb.st_size) {
		free(buf);
		buf = NULL;
		errno = EIO;
		goto out;
	}
	buf[n] = '\0';
	*len = n;
out:
	close(fd);
	return buf;
}

int siovd_state_save_config(struct siovd_state *st, const char *json, size_t len)
{
	return write_atomic(st->dirfd, "config.json", json, len);
}

int siovd_state_mdev_save(struct siovd_state *st, const struct siovd_mdev_def *def)
{
	struct json_object *o = json_object_new_object();
	char name[64];
	const char *text;
	int rc;

	if (!o)
		return -ENOMEM;
	json_object_object_add(o, "uuid", json_object_new_string(def->uuid));
	json_object_object_add(o, "parent", json_object_new_string(def->parent));
	json_object_object_add(o, "type", json_object_new_string(def->type));
	json_object_object_add(o, "wq", json_object_new_string(def->wq));
	json_object_object_add(o, "seq", json_object_new_int64(def->seq ? (int64_t)def->seq :
							       (int64_t)st->seq++));
	text = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY);
	snprintf(name, sizeof(name), "%s.json", def->uuid);
	rc = write_atomic(st->mdevfd, name, text, strlen(text));
	json_object_put(o);
	return rc;
}

int siovd_state_mdev_forget(struct siovd_state *st, const char *uuid)
{
	char name[64];

	snprintf(name, sizeof(name), "%s.json", uuid);
	if (unlinkat(st->mdevfd, name, 0))
		return -errno;
	return fsync(st->mdevfd) ? -errno : 0;
}

static bool copy_str(struct json_object *o, const char *key, char *dst, size_t size)
{
	struct json_object *v;
	const char *s;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return false;
	s = json_object_get_string(v);
	if (strlen(s) >= size)
		return false;
	strcpy(dst, s);
	return true;
}

/* Parse one definition file. Return: true when it is well-formed. */
static bool parse_def(int dirfd, const char *name, struct siovd_mdev_def *def)
{
	struct json_object *o, *seq;
	char buf[4096];
	ssize_t n;
	bool ok;
	int fd;

	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	o = json_tokener_parse(buf);
	memset(def, 0, sizeof(*def));
	ok = o && copy_str(o, "uuid", def->uuid, sizeof(def->uuid)) &&
	     copy_str(o, "parent", def->parent, sizeof(def->parent)) &&
	     copy_str(o, "type", def->type, sizeof(def->type)) &&
	     copy_str(o, "wq", def->wq, sizeof(def->wq)) &&
	     json_object_object_get_ex(o, "seq", &seq);
	if (ok)
		def->seq = (uint64_t)json_object_get_int64(seq);
	json_object_put(o);
	return ok;
}

static int cmp_seq(const void *a, const void *b)
{
	const struct siovd_mdev_def *x = a, *y = b;

	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

int siovd_state_mdev_list(struct siovd_state *st, struct siovd_mdev_def **defs)
{
	struct siovd_mdev_def *v = NULL, *p;
	int n = 0, cap = 0, fd;
	struct dirent *e;
	DIR *d;

	fd = dup(st->mdevfd);
	if (fd < 0)
		return -errno;
	d = fdopendir(fd);
	if (!d) {
		close(fd);
		return -errno;
	}
	rewinddir(d);
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);

		if (len < 6 || strcmp(e->d_name + len - 5, ".json"))
			continue;
		if (n == cap) {
			p = realloc(v, (cap = cap * 2 + 8) * sizeof(*v));
			if (!p) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = p;
		}
		if (parse_def(st->mdevfd, e->d_name, &v[n]))
			n++;
		else
			pr_warn("state: ignoring malformed mdev definition %s", e->d_name);
	}
	closedir(d);
	if (n > 1)		/* v is NULL when the directory held none */
		qsort(v, n, sizeof(*v), cmp_seq);
	*defs = v;
	return n;
}
