// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "e2e.h"

static int ctl_connect(struct e2e_daemon *d)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd;

	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s/control.sock", d->rundir) >=
	    (int)sizeof(sun.sun_path))
		return -ENAMETOOLONG;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Start siovd in d->rundir (log appended) and wait for its control socket. */
static int e2e_spawn(struct e2e_daemon *d, const char *const *args)
{
	const char *siovd = getenv("SIOVD");
	const char *argv[32];
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	int i = 0, fd, tries;
	pid_t parent;

	if (!siovd)
		return -ENOENT;
	argv[i++] = siovd;
	argv[i++] = "--rundir";
	argv[i++] = d->rundir;
	argv[i++] = "-v";
	while (args && *args && i < 30)
		argv[i++] = *args++;
	argv[i] = NULL;
	parent = getpid();
	d->pid = fork();
	if (d->pid < 0)
		return -errno;
	if (!d->pid) {
		/*
		 * A test killed or timed out (meson's SIGTERM, a crash under
		 * ASan) must not leave its daemon running: its engines would
		 * keep polling and skew every later run on the machine.
		 */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(126);
		fd = open(d->log, O_WRONLY | O_CREAT | O_APPEND, 0600);
		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execv(siovd, (char *const *)argv);
		_exit(127);
	}
	for (tries = 0; tries < 1500; tries++) {
		int status;

		if (waitpid(d->pid, &status, WNOHANG) == d->pid) {
			d->pid = 0;
			e2e_dump_log(d);
			return -ECHILD;
		}
		fd = ctl_connect(d);
		if (fd >= 0) {
			close(fd);
			return 0;
		}
		nanosleep(&ts, NULL);
	}
	return -ETIMEDOUT;
}

int e2e_start(struct e2e_daemon *d, const char *const *args)
{
	snprintf(d->rundir, sizeof(d->rundir), "/tmp/siovd-e2e.XXXXXX");
	if (!mkdtemp(d->rundir))
		return -errno;
	if (snprintf(d->log, sizeof(d->log), "%s/siovd.log", d->rundir) >= (int)sizeof(d->log))
		return -ENAMETOOLONG;
	return e2e_spawn(d, args);
}

int e2e_restart(struct e2e_daemon *d, const char *const *args)
{
	if (d->pid > 0)
		return -EBUSY;
	return e2e_spawn(d, args);
}

void e2e_crash(struct e2e_daemon *d)
{
	if (d->pid <= 0)
		return;
	kill(d->pid, SIGKILL);
	waitpid(d->pid, NULL, 0);
	d->pid = 0;
}

/* Remove d->rundir and what is in it. Return: 0 or -1. */
static int rundir_remove(struct e2e_daemon *d)
{
	char cmd[200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", d->rundir);
	return system(cmd) ? -1 : 0;
}

int e2e_stop(struct e2e_daemon *d)
{
	int status = 0;

	if (d->pid <= 0)
		return -1;
	kill(d->pid, SIGTERM);
	if (waitpid(d->pid, &status, 0) != d->pid)
		return -1;
	d->pid = 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return rundir_remove(d);
	e2e_dump_log(d);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void e2e_kill(struct e2e_daemon *d)
{
	e2e_crash(d);
	rundir_remove(d);	/* best effort: nothing else to undo */
}

int e2e_setup(void **state)
{
	static struct e2e_daemon d;

	if (e2e_start(&d, NULL))
		return -1;
	*state = &d;
	return 0;
}

int e2e_teardown(void **state)
{
	struct e2e_daemon *d = *state;
	int rc = e2e_stop(d);

	if (rc)
		e2e_kill(d);
	return rc ? -1 : 0;
}

void e2e_dump_log(struct e2e_daemon *d)
{
	char buf[4096];
	FILE *f = fopen(d->log, "r");
	size_t n;

	if (!f)
		return;
	fprintf(stderr, "---- siovd log %s ----\n", d->log);
	while ((n = fread(buf, 1, sizeof(buf), f)))
		fwrite(buf, 1, n, stderr);
	fprintf(stderr, "---- end of log ----\n");
	fclose(f);
}

static int read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;

	while (n < size - 1) {
		if (read(fd, buf + n, 1) != 1)
			return -EIO;
		if (buf[n++] == '\n')
			break;
	}
	buf[n] = '\0';
	return 0;
}

int e2e_ctl(struct e2e_daemon *d, char *out, size_t size, const char *fmt, ...)
{
	char req[8192], hdr[64], *payload;
	size_t len, got = 0;
	va_list ap;
	int fd, n, status;

	va_start(ap, fmt);
	n = vsnprintf(req, sizeof(req) - 1, fmt, ap);
	va_end(ap);
	req[n++] = '\n';
	fd = ctl_connect(d);
	if (fd < 0)
		return fd;
	if (write(fd, req, n) != n || read_line(fd, hdr, sizeof(hdr)) ||
	    sscanf(hdr, "%d %zu", &status, &len) != 2) {
		close(fd);
		return -EIO;
	}
	payload = malloc(len + 1);
	while (payload && got < len) {
		ssize_t r = read(fd, payload + got, len - got);

		if (r <= 0)
			break;
		got += r;
	}
	close(fd);
	if (!payload || got != len) {
		free(payload);
		return -EIO;
	}
	payload[len] = '\0';
	if (len && payload[len - 1] == '\n')
		payload[len - 1] = '\0';
	if (out)
		snprintf(out, size, "%s", payload);
	free(payload);
	return status;
}

void e2e_mdev_sock(struct e2e_daemon *d, const char *uuid, char *buf, size_t size)
{
	snprintf(buf, size, "%s/vfio-user/%s.sock", d->rundir, uuid);
}

int e2e_mdev_create(struct e2e_daemon *d, const char *uuid)
{
	return e2e_ctl(d, NULL, 0, "write %s/create %s", E2E_TYPE_DIR, uuid);
}

int e2e_mdev_remove(struct e2e_daemon *d, const char *uuid)
{
	return e2e_ctl(d, NULL, 0, "write /sys/bus/mdev/devices/%s/remove 1", uuid);
}

long e2e_stat(struct e2e_daemon *d, const char *name)
{
	char out[1024], *p;
	size_t len = strlen(name);

	if (e2e_ctl(d, out, sizeof(out), "stats"))
		return -1;
	for (p = out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, name, len) && p[len] == ' ')
			return strtol(p + len + 1, NULL, 10);
	return -1;
}

bool e2e_module_loaded(struct e2e_daemon *d, const char *module)
{
	char v[64];

	return !e2e_ctl(d, v, sizeof(v), "read /sys/module/%s/initstate", module) &&
	       !strcmp(v, "live");
}

bool e2e_exists(const char *path)
{
	struct stat st;

	return !stat(path, &st);
}

int e2e_write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -errno;
	rc = fputs(text, f) < 0 ? -EIO : 0;
	if (fclose(f))
		rc = -errno;
	return rc;
}

int e2e_start_profile(struct e2e_daemon *d, const char *profile)
{
	char path[] = "/tmp/siovd-e2e-profile.XXXXXX";
	const char *args[] = { "--config", path, NULL };
	int fd, rc;

	fd = mkstemp(path);
	if (fd < 0)
		return -errno;
	close(fd);
	rc = e2e_write_file(path, profile);
	if (!rc)
		rc = e2e_start(d, args);
	unlink(path);
	return rc;
}
