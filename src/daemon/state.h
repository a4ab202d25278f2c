/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * siovd's persistent state (siovd --state DIR), in the spirit of mdevctl's
 * persistent definitions: what must survive a restart or a crash so that
 * clients find their devices again.
 *
 *   DIR/config.json        the accel-config profile siovd applied last
 *   DIR/mdevs/UUID.json    one mdev: {"uuid", "parent", "type", "wq", "seq"}
 *
 * Every file is written atomically: a temporary file in the same directory,
 * fsync, rename over the old name, fsync of the directory. A crash at any
 * point leaves either the old or the new file, never a torn one; leftover
 * temporary files are removed when the state is opened.
 *
 * Threading: event-loop thread. Errors are negative errno.
 */
#ifndef SIOVD_DAEMON_STATE_H
#define SIOVD_DAEMON_STATE_H

#include <stddef.h>
#include <stdint.h>

struct siovd_state;

struct siovd_mdev_def {
	char uuid[37];
	char parent[64];	/* "0000:00:0a.0" */
	char type[64];		/* "idxd-1dwq-v1" */
	char wq[32];		/* "wq0.1" at the time it was saved, may be "" */
	uint64_t seq;		/* creation order */
};

/* Open (creating) the state directory @dir. Return: the state or NULL + errno. */
struct siovd_state *siovd_state_open(const char *dir);
void siovd_state_close(struct siovd_state *st);

/* The saved profile, malloc()ed and NUL-terminated, or NULL (errno ENOENT). */
char *siovd_state_load_config(struct siovd_state *st, size_t *len);
int siovd_state_save_config(struct siovd_state *st, const char *json, size_t len);

/* Save (replace) or forget one mdev definition. */
int siovd_state_mdev_save(struct siovd_state *st, const struct siovd_mdev_def *def);
int siovd_state_mdev_forget(struct siovd_state *st, const char *uuid);

/*
 * siovd_state_mdev_list - every saved definition in creation order
 * (malformed files are skipped with a warning). @defs is malloc()ed.
 * Return: the number of definitions, or -errno.
 */
int siovd_state_mdev_list(struct siovd_state *st, struct siovd_mdev_def **defs);

#endif
