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

#define CONTROL_MAX_LINE	8192
#define CONTROL_SOCK_NAME	"control.sock"

struct evloop;
struct control_server;

/* Listen on @path (replacing a stale socket). Return: server or NULL + errno. */
struct control_server *control_server_create(struct evloop *loop, const char *path);
/* Close every client and the listening socket; unlink it. */
void control_server_destroy(struct control_server *srv);

#endif
