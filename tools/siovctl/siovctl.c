// SPDX-License-Identifier: GPL-2.0-only
/*
 * siovctl: read and write siovd's attributes at the kernel's sysfs paths
 * over the daemon's control socket.
 *
 *   siovctl [--rundir DIR] [--timeout SECS] read PATH
 *   siovctl [--rundir DIR] [--timeout SECS] write PATH VALUE
 *   siovctl [--rundir DIR] [--timeout SECS] ls [PATH]
 *   siovctl [--rundir DIR] [--timeout SECS] readlink PATH
 *   siovctl [--rundir DIR] [--timeout SECS] ping
 *   siovctl [--rundir DIR] [--timeout SECS] stats
 *   siovctl [--rundir DIR] [--timeout SECS] modprobe NAME|ALIAS
 *   siovctl [--rundir DIR] [--timeout SECS] rmmod NAME
 *   siovctl [--rundir DIR] shell [--sysfs DIR] [-v] [--] [CMD [ARG...]]
 *
 * Exit status: 0 on success, 1 when siovd refused (the errno is printed),
 * 2 on usage errors, 3 when the daemon cannot be reached.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "daemon/control.h"
#include "shell.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: siovctl [--rundir DIR] [--timeout SECS] COMMAND\n"
		"  read PATH          print an attribute (e.g. /sys/bus/dsa/devices/wq0.0/state)\n"
		"  write PATH VALUE   store VALUE into an attribute\n"
		"  ls [PATH]          list a directory (default /sys)\n"
		"  readlink PATH      print a symlink's target\n"
		"  ping               check that siovd answers\n"
		"  stats              resource counters (fds, devices, virqs, IRTEs, PASIDs)\n"
		"  modprobe NAME      load a driver module (by name or modalias) and its deps\n"
		"  rmmod NAME         unload a driver module (refused while it is in use)\n"
		"  shell [--sysfs DIR] [-v] [--] [CMD...]\n"
		"                     run CMD (default $SHELL) in a private mount namespace where\n"
		"                     the tree `siovd --sysfs DIR` serves is grafted onto /sys\n"
		"                     (accel-config, mdevctl); exit 3 when siovd stops serving it\n"
		"  --timeout SECS     keep retrying to connect for SECS seconds\n");
}

static int connect_daemon(const char *rundir, double timeout)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct timespec pause = { 0, 50 * 1000 * 1000 };
	double waited = 0;
	int fd;

	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/%s", rundir,
		     CONTROL_SOCK_NAME) >= (int)sizeof(sun.sun_path)) {
		fprintf(stderr, "siovctl: rundir path too long\n");
		return -1;
	}
	for (;;) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			break;
		if (!connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
			return fd;
		close(fd);
		if (waited >= timeout)
			break;
		nanosleep(&pause, NULL);
		waited += 0.05;
	}
	fprintf(stderr, "siovctl: cannot reach siovd at %s: %s\n", sun.sun_path,
		strerror(errno));
	return -1;
}

static int write_all(int fd, const char *p, size_t n)
{
	ssize_t w;

	while (n) {
		w = write(fd, p, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		n -= w;
	}
	return 0;
}

/* Read the "<status> <len>\n" header and the payload. Return: status, or 1 on I/O error. */
static int read_reply(int fd, char **payload, size_t *len)
{
	char hdr[64];
	size_t h = 0, got = 0;
	long status;
	ssize_t n;

	while (h < sizeof(hdr) - 1) {
		n = read(fd, hdr + h, 1);
		if (n <= 0)
			return 1;
		if (hdr[h++] == '\n')
			break;
	}
	hdr[h] = '\0';
	if (sscanf(hdr, "%ld %zu", &status, len) != 2 || *len > (1 << 24))
		return 1;
	*payload = malloc(*len + 1);
	if (!*payload)
		return 1;
	while (got < *len) {
		n = read(fd, *payload + got, *len - got);
		if (n <= 0)
			return 1;
		got += n;
	}
	(*payload)[*len] = '\0';
	return (int)status;
}

/* siovctl shell [--sysfs DIR] [-v] [--] [CMD [ARG...]] */
static int shell_main(const char *rundir, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "sysfs", required_argument, NULL, 's' },
		{ "verbose", no_argument, NULL, 'v' },
		{ 0 },
	};
	const char *mnt = NULL;
	int c, verbose = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+s:v", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			mnt = optarg;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	return siovctl_shell(rundir, mnt, argv + optind, verbose);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "rundir", required_argument, NULL, 'r' },
		{ "timeout", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char rundir[256], *req = NULL, *payload = NULL;
	double timeout = 0;
	const char *cmd, *path;
	size_t len = 0;
	int c, fd, status;

	siovd_default_rundir(rundir, sizeof(rundir));
	/* "+": options end at the command (its arguments may start with '-') */
	while ((c = getopt_long(argc, argv, "+r:t:h", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			snprintf(rundir, sizeof(rundir), "%s", optarg);
			break;
		case 't':
			timeout = atof(optarg);
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind];
	if (!strcmp(cmd, "shell"))
		return shell_main(rundir, argc - optind, argv + optind);
	path = optind + 1 < argc ? argv[optind + 1] : NULL;
	if ((!strcmp(cmd, "ping") || !strcmp(cmd, "stats")) && optind + 1 == argc)
		c = asprintf(&req, "%s\n", cmd);
	else if (!strcmp(cmd, "ls") && optind + 2 >= argc)
		c = asprintf(&req, "ls %s\n", path ? path : "/sys");
	else if ((!strcmp(cmd, "read") || !strcmp(cmd, "readlink") || !strcmp(cmd, "modprobe") ||
		  !strcmp(cmd, "rmmod")) && optind + 2 == argc)
		c = asprintf(&req, "%s %s\n", cmd, path);
	else if (!strcmp(cmd, "write") && optind + 3 == argc && !strchr(argv[optind + 2], '\n'))
		c = asprintf(&req, "write %s %s\n", path, argv[optind + 2]);
	else {
		usage(stderr);
		return 2;
	}
	if (c < 0 || (path && strchr(path, ' '))) {
		fprintf(stderr, "siovctl: bad path\n");
		return 2;
	}
	fd = connect_daemon(rundir, timeout);
	if (fd < 0)
		return 3;
	if (write_all(fd, req, strlen(req))) {
		perror("siovctl: send");
		return 3;
	}
	status = read_reply(fd, &payload, &len);
	close(fd);
	if (status == 1) {
		fprintf(stderr, "siovctl: no reply from siovd\n");
		return 3;
	}
	if (status < 0) {
		fprintf(stderr, "siovctl: %s %s: %s\n", cmd, path ? path : "", payload);
		free(payload);
		free(req);
		return 1;
	}
	if (len)
		fwrite(payload, 1, len, stdout);
	if (len && !strcmp(cmd, "readlink"))
		putchar('\n');
	free(payload);
	free(req);
	return 0;
}
