/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Restart without loss: siovd's profile and mdev definitions kept in a state
 * directory and recreated at start-up (persist.c). Every function accepts a
 * NULL @p (no --state given) and then does nothing.
 *
 * Threading: event-loop thread.
 */
#ifndef SIOVD_DAEMON_PERSIST_H
#define SIOVD_DAEMON_PERSIST_H

#include <stddef.h>

struct evloop;
struct siovd_persist;

/* Open @dir and follow mdev creation and removal. Return: it or NULL + errno. */
struct siovd_persist *siovd_persist_start(struct evloop *loop, const char *dir);
/* Stop following (before the mdevs are torn down at shutdown) and close. */
void siovd_persist_stop(struct siovd_persist *p);

/* The profile applied last time (malloc()ed), or NULL. */
char *siovd_persist_config(struct siovd_persist *p, size_t *len);
void siovd_persist_save_config(struct siovd_persist *p, const char *json, size_t len);

/* Recreate every saved mdev. Return: how many were recreated, or -errno. */
int siovd_persist_restore_mdevs(struct siovd_persist *p);

#endif
