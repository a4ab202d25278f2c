// SPDX-License-Identifier: GPL-2.0-only
/*
 * siovd: hosts emulated DSA devices, drives them with the idxd PF driver and
 * serves the virtual DSA devices (mdevs of type idxd-1dwq-v1) over vfio-user.
 *
 *   siovd [--config FILE] [--rundir DIR] [--moddir DIR] [--sysfs DIR] [--state DIR] [-v]
 *
 * Start-up order: the machine (platform: sysfs, IOMMU, interrupt remapping,
 * irq core, pci and auxiliary buses), the module loader on the module
 * directory (modules.alias, modules.dep), the VFIO core and the vfio-user
 * transport (built in), then the DSAs the accel-config profile names (FILE,
 * or idxd's embedded default with two dedicated mdev WQs on dsa0) are
 * plugged in: each PCI function's modalias loads the idxd module, which
 * probes it. The profile is applied and enabled through idxd's loader
 * (symbol_get()); a WQ of type mdev creates idxd.mdev.<N>, whose modalias
 * loads vfio_idxd (and with it mdev and vfio_pci_core). No VFIO module is
 * loaded for a profile without mdev WQs. Then the control socket is served
 * until SIGTERM/SIGINT, when everything is torn down in reverse (every
 * module unloaded, newest first) and the process exits 0.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>
#include <json-c/json.h>

#include "daemon/control.h"
#include "daemon/persist.h"
#include "fuse/sysfs_fuse.h"
#include "base/device.h"
#include "base/module.h"
#include "idxd/idxd_config.h"
#include "iommu/iommu.h"
#include "irq/irq.h"
#include "irq/remap.h"
#include "lib/evloop.h"
#include "lib/kstrto.h"
#include "lib/log.h"
#include "platform/platform.h"
#include "vfio/core/vfio_core.h"
#include "vfio/user/vfio_user.h"

struct siovd {
	const char *config_path;
	const char *moddir;
	const char *sysfs_mnt;		/* --sysfs */
	const char *state_dir;		/* --state */
	struct siovd_persist *persist;
	struct sysfs_fuse *sysfs_fuse;
	char rundir[256];
	struct evloop *loop;
	struct platform platform;
	struct vfio_user_server *vfio_user;
	struct control_server *control;
	struct ev_source sigfd;
	int portal_poll_us;		/* --portal-poll-us: -1 default, 0 poll mode */
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: siovd [--config FILE] [--rundir DIR] [--moddir DIR] [--sysfs DIR]\n"
		"             [--state DIR] [--portal-poll-us US] [-v]\n"
		"  --config FILE  accel-config JSON profile (save-config format);\n"
		"                 default: the embedded profile (dsa0, two dedicated mdev WQs)\n"
		"  --rundir DIR   sockets: DIR/control.sock, DIR/vfio-user/UUID.sock;\n"
		"                 default /run/siovd as root, $XDG_RUNTIME_DIR/siovd otherwise\n"
		"  --moddir DIR   driver modules and their index (modules.alias, modules.dep);\n"
		"                 default " SIOVD_MODULE_DIR "\n"
		"  --sysfs DIR    serve the sysfs tree through FUSE at DIR (DIR/bus/dsa is\n"
		"                 /sys/bus/dsa); `siovctl shell` grafts it onto /sys\n"
		"  --state DIR    keep the profile and the mdev definitions in DIR and recreate\n"
		"                 them (same UUIDs and sockets) when siovd starts again;\n"
		"                 without --config the saved profile is applied\n"
		"  --portal-poll-us US\n"
		"                 longest sleep, 1..1000000 us, of an idle engine watching a\n"
		"                 client's mapped portal page (a store there wakes no one, so\n"
		"                 the first descriptor after idleness waits up to about this\n"
		"                 long); 0: poll mode, such engines never sleep (a CPU each\n"
		"                 while a portal is mapped). Default 1000\n"
		"  -v             more logging (-vv: debug)\n");
}

static int parse_args(struct siovd *d, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "rundir", required_argument, NULL, 'r' },
		{ "moddir", required_argument, NULL, 'm' },
		{ "sysfs", required_argument, NULL, 'S' },
		{ "state", required_argument, NULL, 's' },
		{ "portal-poll-us", required_argument, NULL, 'P' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c, verbose = 0;

	siovd_default_rundir(d->rundir, sizeof(d->rundir));
	d->portal_poll_us = -1;
	d->moddir = SIOVD_MODULE_DIR;
	while ((c = getopt_long(argc, argv, "c:r:m:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			d->config_path = optarg;
			break;
		case 'm':
			d->moddir = optarg;
			break;
		case 'S':
			d->sysfs_mnt = optarg;
			break;
		case 's':
			d->state_dir = optarg;
			break;
		case 'P': {
			unsigned int us;

			if (kstrtouint(optarg, 10, &us) || us > 1000000) {
				fprintf(stderr, "siovd: --portal-poll-us takes 0..1000000\n");
				return -EINVAL;
			}
			d->portal_poll_us = (int)us;
			break;
		}
		case 'r':
			if (strlen(optarg) >= sizeof(d->rundir)) {
				fprintf(stderr, "siovd: --rundir too long\n");
				return -EINVAL;
			}
			strcpy(d->rundir, optarg);
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	if (verbose)
		log_set_level(verbose > 1 ? LOG_DEBUG : LOG_INFO);
	return 0;
}

static int mkdir_p(const char *path, mode_t mode)
{
	char buf[256];
	char *p;

	if (strlen(path) >= sizeof(buf))
		return -ENAMETOOLONG;
	strcpy(buf, path);
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, mode) && errno != EEXIST)
		return -errno;
	return 0;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "r");
	char *buf = NULL;
	size_t cap = 0, n;

	if (!f)
		return NULL;
	*len = 0;
	do {
		if (*len + 4096 + 1 > cap) {
			char *p = realloc(buf, cap = cap * 2 + 8192);

			if (!p) {
				free(buf);
				fclose(f);
				errno = ENOMEM;
				return NULL;
			}
			buf = p;
		}
		n = fread(buf + *len, 1, 4096, f);
		*len += n;
	} while (n);
	buf[*len] = '\0';
	fclose(f);
	return buf;
}

/*
 * The DSA functions the profile names: one more than the highest N of its
 * "dsaN"/"iaxN" devices (at least 1, at most PLATFORM_MAX_DSA). The Debian
 * test profiles configure iax1, which the idxd loader maps to dsa1; such a
 * stand-in gets the 8 engines of an IAX so that the profile loads unmodified.
 * Malformed JSON counts as one plain DSA: the loader reports it properly.
 */
static unsigned int config_devices(const char *json, size_t len, bool iax[PLATFORM_MAX_DSA])
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root, *dev, *name;
	unsigned int n = 1, i, id;
	const char *s;

	if (!tok)
		return 1;
	root = json_tokener_parse_ex(tok, json, (int)len);
	json_tokener_free(tok);
	if (!root || !json_object_is_type(root, json_type_array))
		goto out;
	for (i = 0; i < json_object_array_length(root); i++) {
		dev = json_object_array_get_idx(root, i);
		if (!json_object_object_get_ex(dev, "dev", &name))
			continue;
		s = json_object_get_string(name);
		if (!s || (sscanf(s, "dsa%u", &id) != 1 && sscanf(s, "iax%u", &id) != 1) ||
		    id >= PLATFORM_MAX_DSA)
			continue;
		iax[id] = !strncmp(s, "iax", 3);
		if (id + 1 > n)
			n = id + 1;
	}
out:
	json_object_put(root);
	return n;
}

/* Plug in the DSAs the profile needs. Return: 0 or -errno. */
static int plug_devices(struct siovd *d, const char *json, size_t len)
{
	bool iax[PLATFORM_MAX_DSA] = { false };
	unsigned int ndev = config_devices(json, len, iax);
	struct dsa_hw_params params;

	while (d->platform.nr_dsa < ndev) {
		/* the whole DSA 2.0 model: what a Sapphire Rapids DSA offers */
		dsa_hw_params_dsa2(&params);
		if (iax[d->platform.nr_dsa])
			params.num_engines = 8;
		if (d->portal_poll_us == 0)
			params.portal_busy_poll = true;
		else if (d->portal_poll_us > 0)
			params.portal_poll_max_us = (unsigned int)d->portal_poll_us;
		if (!platform_add_dsa(&d->platform, &params)) {
			pr_err("cannot plug in DSA %u: %s", d->platform.nr_dsa, strerror(errno));
			return -errno;
		}
	}
	return 0;
}

/*
 * Plug in the DSAs of the profile (the first one's modalias loads idxd),
 * then apply the profile with idxd's accel-config loader, taken from the
 * module with symbol_get() as a kernel caller of an optional module would.
 * The embedded default profile lives in idxd too: one DSA is plugged in
 * first to load it.
 */
static int load_config(struct siovd *d)
{
	const char (*deflt)[] = NULL;
	int (*load)(const char *json, size_t len, bool enable, char *err, size_t errlen);
	const char *json = "[]";
	size_t len = 2;
	char err[512] = "";
	char *buf = NULL;
	int rc;

	if (d->config_path) {
		buf = read_file(d->config_path, &len);
		if (!buf) {
			rc = -errno;
			pr_err("cannot read %s: %s", d->config_path, strerror(errno));
			return rc;
		}
		json = buf;
	} else if ((buf = siovd_persist_config(d->persist, &len))) {
		pr_info("state: applying the profile saved in %s", d->state_dir);
		json = buf;
	}
	rc = plug_devices(d, json, len);
	if (rc)
		goto out_free;
	load = symbol_get(idxd_config_load);
	if (!buf)
		deflt = symbol_get(idxd_default_config);
	if (!load || (!buf && !deflt)) {
		pr_err("the idxd module did not load (modules in %s)", d->moddir);
		rc = -ENOENT;
		goto out_put;
	}
	if (deflt) {
		json = *deflt;
		len = strlen(json);
	}
	rc = load(json, len, true, err, sizeof(err));
	if (rc)
		pr_err("%s: %s", d->config_path ? d->config_path : buf ? "saved profile" :
		       "default profile", *err ? err : strerror(-rc));
	else
		siovd_persist_save_config(d->persist, json, len);
out_put:
	if (load)
		symbol_put(idxd_config_load);
	if (deflt)
		symbol_put(idxd_default_config);
out_free:
	free(buf);
	return rc;
}

/* Count the entries of /proc/self/fd (open file descriptors). */
static int count_fds(void)
{
	struct dirent *e;
	DIR *dir = opendir("/proc/self/fd");
	int n = 0;

	if (!dir)
		return -errno;
	while ((e = readdir(dir)))
		n += e->d_name[0] != '.';
	closedir(dir);
	return n - 1;	/* the directory's own fd */
}

/* The "stats" control command: resource counters for leak checks. */
static int siovd_stats(char *buf, size_t size, void *arg)
{
	struct siovd *d = arg;
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return snprintf(buf, size,
			"fds %d\ndevices %u\nvirqs %u\nirtes %u\npasids %u\nmaxrss_kb %ld\n",
			count_fds(), device_nr_alive(), irq_nr_allocated(),
			irq_remap_nr_allocated(d->platform.ir), iommu_pasid_count(d->platform.iommu),
			ru.ru_maxrss);
}

static void signal_handler(struct ev_source *src, uint32_t events)
{
	struct siovd *d = container_of(src, struct siovd, sigfd);
	struct signalfd_siginfo si;

	if (read(src->fd, &si, sizeof(si)) != sizeof(si))
		return;
	pr_info("signal %u: shutting down", si.ssi_signo);
	evloop_stop(d->loop);
}

static int setup_signals(struct siovd *d)
{
	sigset_t set;

	signal(SIGPIPE, SIG_IGN);
	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	/* Blocked before any thread starts, so engines inherit the mask. */
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	d->sigfd.fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (d->sigfd.fd < 0)
		return -errno;
	d->sigfd.handler = signal_handler;
	return evloop_add(d->loop, &d->sigfd, EPOLLIN);
}

static int start_drivers(struct siovd *d)
{
	char path[512];
	int rc;

	vfio_core_init(d->platform.iommu);
	snprintf(path, sizeof(path), "%s/vfio-user", d->rundir);
	rc = mkdir_p(path, 0700);
	if (rc)
		return rc;
	d->vfio_user = vfio_user_server_create(d->loop, path);
	if (!d->vfio_user)
		return -errno;
	return 0;
}

/* The transport first (no new sessions), then every module, newest first. */
static void stop_drivers(struct siovd *d)
{
	vfio_user_server_destroy(d->vfio_user);
	d->vfio_user = NULL;
	module_loader_exit();
}

/* ---- --sysfs: the attribute tree through FUSE (src/fuse) ---------------- */

/*
 * Mount the complete tree (after the profile) before the control socket
 * answers, so that whoever waits for the socket finds the mount serving.
 * RUNDIR/sysfs points at the mountpoint: `siovctl shell` finds it there.
 */
static int siovd_sysfs_serve(struct siovd *d)
{
	char link[512];

	if (!d->sysfs_mnt)
		return 0;
	d->sysfs_fuse = sysfs_fuse_mount(d->loop, d->sysfs_mnt);
	if (!d->sysfs_fuse) {
		pr_err("cannot serve the sysfs tree at %s: %s", d->sysfs_mnt, strerror(errno));
		return -errno;
	}
	snprintf(link, sizeof(link), "%s/sysfs", d->rundir);
	unlink(link);
	if (symlink(sysfs_fuse_mountpoint(d->sysfs_fuse), link))
		pr_warn("cannot link %s to the mount: %s", link, strerror(errno));
	printf("siovd: sysfs tree at %s\n", sysfs_fuse_mountpoint(d->sysfs_fuse));
	return 0;
}

/* Unmount before anything the tree shows goes away. */
static void siovd_sysfs_stop(struct siovd *d)
{
	char link[512];

	if (!d->sysfs_fuse)
		return;
	sysfs_fuse_unmount(d->sysfs_fuse);
	d->sysfs_fuse = NULL;
	snprintf(link, sizeof(link), "%s/sysfs", d->rundir);
	unlink(link);
}

static int siovd_start(struct siovd *d)
{
	char path[512];
	int rc;

	rc = mkdir_p(d->rundir, 0700);
	if (rc) {
		pr_err("cannot create %s: %s", d->rundir, strerror(-rc));
		return rc;
	}
	rc = setup_signals(d);
	if (rc)
		return rc;
	rc = platform_init(&d->platform, d->loop);
	if (rc)
		return rc;
	if (d->state_dir) {
		d->persist = siovd_persist_start(d->loop, d->state_dir);
		if (!d->persist) {
			rc = -errno;
			pr_err("state directory %s: %s", d->state_dir, strerror(errno));
			return rc;
		}
	}
	rc = module_loader_init(d->moddir);
	if (rc) {
		pr_err("module directory %s: %s", d->moddir, strerror(-rc));
		return rc;
	}
	rc = start_drivers(d);
	if (rc) {
		pr_err("driver start-up failed: %s", strerror(-rc));
		return rc;
	}
	rc = load_config(d);
	if (rc)
		return rc;
	siovd_persist_restore_mdevs(d->persist);
	rc = siovd_sysfs_serve(d);
	if (rc)
		return rc;
	snprintf(path, sizeof(path), "%s/%s", d->rundir, CONTROL_SOCK_NAME);
	d->control = control_server_create(d->loop, path);
	if (!d->control) {
		rc = -errno;
		pr_err("control socket %s: %s", path, strerror(errno));
		return rc;
	}
	control_server_set_stats(d->control, siovd_stats, d);
	printf("siovd: ready, control socket %s\n", path);
	fflush(stdout);
	return 0;
}

static void siovd_stop(struct siovd *d)
{
	/* first: tearing the mdevs down below must not forget them */
	siovd_persist_stop(d->persist);
	d->persist = NULL;
	siovd_sysfs_stop(d);
	control_server_destroy(d->control);
	d->control = NULL;
	stop_drivers(d);
	if (d->platform.loop)
		platform_exit(&d->platform);
	vfio_core_exit();
}

int main(int argc, char **argv)
{
	struct siovd d = { .sigfd.fd = -1 };
	int rc;

	if (parse_args(&d, argc, argv))
		return 2;
	d.loop = evloop_create();
	if (!d.loop) {
		perror("siovd: event loop");
		return 1;
	}
	rc = siovd_start(&d);
	if (!rc)
		rc = evloop_run(d.loop);
	siovd_stop(&d);
	if (d.sigfd.fd >= 0) {
		evloop_del(d.loop, &d.sigfd);
		close(d.sigfd.fd);
	}
	evloop_destroy(d.loop);
	return rc ? 1 : 0;
}
