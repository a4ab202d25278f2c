/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * End-to-end test harness: a real siovd process in a private run directory,
 * and a control-socket client (the protocol of src/daemon/control.h).
 * The siovd binary comes from the SIOVD environment variable (meson sets it).
 */
#ifndef SIOVD_TESTS_E2E_H
#define SIOVD_TESTS_E2E_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct e2e_daemon {
	pid_t pid;
	char rundir[128];
	char log[160];
};

/*
 * e2e_start - start siovd with extra @args (NULL-terminated, may be NULL)
 * and wait until its control socket answers. Return: 0 or -errno.
 */
int e2e_start(struct e2e_daemon *d, const char *const *args);
/*
 * e2e_restart - start siovd again in the same run directory (after
 * e2e_crash() or e2e_stop() kept it: a stop removes it only when clean, so
 * use e2e_crash()). Return: as e2e_start.
 */
int e2e_restart(struct e2e_daemon *d, const char *const *args);
/* SIGKILL and wait, keeping the run directory (a crash). */
void e2e_crash(struct e2e_daemon *d);
/* SIGTERM and wait. Return: the exit status (0 clean), or -1 if killed. */
int e2e_stop(struct e2e_daemon *d);
/* SIGKILL, wait, and remove the run directory. */
void e2e_kill(struct e2e_daemon *d);
/* Print the daemon's log to stderr (on failures). */
void e2e_dump_log(struct e2e_daemon *d);

/*
 * cmocka fixtures for tests sharing one daemon per test: e2e_setup() starts
 * siovd with its default profile (a static e2e_daemon in *@state; -1 if it
 * does not start); e2e_teardown() stops it, and if the stop is not clean
 * kills it, so that no daemon is left behind, and fails (-1).
 */
int e2e_setup(void **state);
int e2e_teardown(void **state);

/*
 * e2e_ctl - one control request ("read PATH", "write PATH VALUE", ...).
 * Return: the status (0 or -errno from siovd); the payload (NUL-terminated,
 * trailing newline stripped) in @out when not NULL.
 */
int e2e_ctl(struct e2e_daemon *d, char *out, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Path of mdev @uuid's vfio-user socket. */
void e2e_mdev_sock(struct e2e_daemon *d, const char *uuid, char *buf, size_t size);
/* Create an mdev of type idxd-1dwq-v1 on 0000:00:0a.0. Return: as e2e_ctl. */
int e2e_mdev_create(struct e2e_daemon *d, const char *uuid);
int e2e_mdev_remove(struct e2e_daemon *d, const char *uuid);

/* A counter of the "stats" command ("devices", "virqs", ...), or -1. */
long e2e_stat(struct e2e_daemon *d, const char *name);
/* Whether /sys/module/@module says "live". */
bool e2e_module_loaded(struct e2e_daemon *d, const char *module);
/* Write @text to the file @path (a profile for --config). Return: 0 or -errno. */
int e2e_write_file(const char *path, const char *text);
/*
 * e2e_start_profile - e2e_start() with "--config FILE", FILE a temporary
 * copy of the accel-config JSON @profile (removed once siovd has read it).
 * Return: as e2e_start(), or the errors of writing the file.
 */
int e2e_start_profile(struct e2e_daemon *d, const char *profile);
/* Whether @path exists in the host file system (stat(2) succeeds). */
bool e2e_exists(const char *path);

#define E2E_TYPE_DIR \
	"/sys/class/mdev_bus/0000:00:0a.0/mdev_supported_types/idxd-1dwq-v1"

#endif
