/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's control socket (RUNDIR/control.sock, mode 0600): siovctl
 * reads and writes attributes of the sysfs tree at the kernel's own paths.
 *
 * Protocol, one request per line (at most CONTROL_MAX_LINE bytes):
 *   read PATH            -> the attribute's contents
 *   write PATH VALUE     -> VALUE is the rest of the line, stored as is
 *   ls PATH              -> one entry per line: "name", "name/" (directory)
 *                           or "name -> target" (symlink)
 *   readlink PATH        -> the link's relative target
 *   stats                -> the daemon's resource counters, "name value" lines
 *                           (open fds, devices, virqs, IRTEs, PASIDs, ...),
 *                           for leak checks; -ENOSYS without a provider
 *   modprobe NAME        -> empty: the module NAME (or every module whose
 *                           alias matches NAME) is loaded with its
 *                           dependencies (base/module.h request_module())
 *   rmmod NAME           -> empty: the module is unloaded; -EBUSY while it
 *                           is in use, -ENOENT when not loaded
 *   ping                 -> empty
 * Every reply is a header line "<status> <length>\n" followed by <length>
 * bytes: status 0 and the payload, or a negative errno and a message.
 * A malformed request gets -EINVAL; a client that sends an over-long line
 * gets -E2BIG and is disconnected; nothing a client sends stops the daemon.
 *
 * Threading: event-loop thread.
 */
#ifndef SIOVD_DAEMON_CONTROL_H
#define SIOVD_DAEMON_CONTROL_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#define CONTROL_MAX_LINE	8192
#define CONTROL_SOCK_NAME	"control.sock"

/*
 * siovd_default_rundir - the run directory siovd and siovctl agree on
 * without --rundir: /run/siovd as root, $XDG_RUNTIME_DIR/siovd otherwise,
 * /tmp/siovd-<uid> without XDG_RUNTIME_DIR. Return: snprintf's length.
 */
static inline int siovd_default_rundir(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");

	if (geteuid() == 0)
		return snprintf(buf, size, "/run/siovd");
	if (xdg && *xdg)
		return snprintf(buf, size, "%s/siovd", xdg);
	return snprintf(buf, size, "/tmp/siovd-%u", (unsigned int)geteuid());
}

struct evloop;
struct control_server;

/* Listen on @path (replacing a stale socket). Return: server or NULL + errno. */
struct control_server *control_server_create(struct evloop *loop, const char *path);
/*
 * control_server_set_stats - the provider of the "stats" command: @fn
 * prints "name value\n" lines into @buf (at most @size bytes) and returns
 * the length or -errno.
 */
void control_server_set_stats(struct control_server *srv,
			      int (*fn)(char *buf, size_t size, void *arg), void *arg);

/* Close every client and the listening socket; unlink it. */
void control_server_destroy(struct control_server *srv);

#endif
