/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * siovctl shell: run a command in a private mount namespace where siovd's
 * sysfs tree (served through FUSE by `siovd --sysfs DIR`) is grafted onto
 * /sys, so that accel-config, mdevctl and a shell manage siovd as they
 * would manage the kernel.
 */
#ifndef SIOVCTL_SHELL_H
#define SIOVCTL_SHELL_H

/* Exit codes beyond the command's own. */
#define SHELL_EXIT_GONE		3	/* the mount is not (or no longer) served */
#define SHELL_EXIT_SETUP	4	/* no mount namespace, or a graft failed */

/**
 * siovctl_shell - graft the tree at @mnt onto /sys and run @argv there
 * @rundir: siovd's run directory; RUNDIR/sysfs names the mount when @mnt
 *          is NULL
 * @mnt: the mountpoint given to `siovd --sysfs`, or NULL
 * @argv: NULL-terminated command; NULL or empty runs $SHELL (or /bin/sh)
 * @verbose: print each graft on stderr
 *
 * The calling process enters a new mount namespace (and a user namespace
 * first when not root); mounts never propagate back to the host.
 *
 * Return: the command's exit status (128 + signal when killed), or
 * SHELL_EXIT_GONE when the mount is not served before the command or has
 * stopped being served when it ends (siovd died), or SHELL_EXIT_SETUP.
 */
int siovctl_shell(const char *rundir, const char *mnt, char *const *argv, int verbose);

#endif
