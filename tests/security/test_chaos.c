// SPDX-License-Identifier: GPL-2.0-only
/*
 * Fault survival: clients killed at random points, a few hundred times,
 * against a real siovd — during negotiation, right after DMA_MAP, with
 * descriptors outstanding, with interrupts pending — and afterwards the
 * daemon serves a new client and nothing leaked: open fds, devices, virqs,
 * IRTEs and PASIDs (siovd's "stats" control command) are back to what they
 * were after one clean session, and both mdevs are still available for use.
 *
 * SIOVD_CHAOS_ITERATIONS sets the number of kills (default 200).
 */
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "e2e.h"
#include "uapi/vfio-user.h"
#include "vdsa.h"

static const char *uuids[2] = { "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d",
				"6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e" };

enum kill_point {
	KP_CONNECT,		/* connected, said nothing */
	KP_HALF_VERSION,	/* half a VERSION message */
	KP_DMA_MAP,		/* negotiated, memory mapped */
	KP_OUTSTANDING,		/* device enabled, descriptors queued */
	KP_IRQ_PENDING,		/* completion interrupts fired, never read */
	KP_RANDOM,		/* a full session, killed from outside at a random time */
	KP_COUNT,
};

static int raw_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path) >= (int)sizeof(sun.sun_path) ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
		_exit(10);
	return fd;
}

static int open_dev(const char *sock, struct vdsa_conn **conn, struct vdsa_dev **dev)
{
	int rc, tries;

	for (tries = 0; tries < 200; tries++) {
		rc = vdsa_conn_open(sock, conn);
		if (rc != -EBUSY && rc != -ECONNRESET)
			break;
		usleep(5000);
	}
	return rc ? rc : vdsa_dev_open(*conn, dev);
}

/* The child: get to @kp and die there (or be killed on the way). */
static void child(const char *sock, enum kill_point kp)
{
	struct vdsa_conn *conn;
	struct vdsa_dev *dev;
	struct vdsa_buf *buf;
	struct dsa_hw_desc d;
	int fd, i;

	if (kp == KP_CONNECT || kp == KP_HALF_VERSION) {
		struct vfio_user_header h = { .msg_id = 1, .command = VFIO_USER_VERSION,
					      .msg_size = 64 };

		fd = raw_connect(sock);
		if (kp == KP_HALF_VERSION && write(fd, &h, sizeof(h)) != sizeof(h))
			_exit(11);
		_exit(0);
	}
	if (kp == KP_DMA_MAP) {
		if (vdsa_conn_open(sock, &conn) || vdsa_buf_alloc(conn, 1 << 20, &buf))
			_exit(12);
		_exit(0);
	}
	if (open_dev(sock, &conn, &dev) || vdsa_buf_alloc(conn, 1 << 20, &buf))
		_exit(13);
	for (i = 0; i < 16; i++) {
		vdsa_desc_memmove(&d, buf->iova + 32 * i, buf->iova + (512 << 10),
				  buf->iova + 4096, 256 << 10);
		if (kp == KP_IRQ_PENDING)
			vdsa_desc_set_irq(&d, vdsa_dev_info(dev)->int_handle);
		if (vdsa_submit(dev, &d, i % 2 ? VDSA_PORTAL_MMAP : VDSA_PORTAL_TRAPPED))
			break;
	}
	if (kp == KP_IRQ_PENDING)
		usleep(20000);		/* let the interrupts fire into our eventfd */
	if (kp == KP_RANDOM)
		pause();		/* the parent kills us */
	_exit(0);
}

struct stats {
	long fds, devices, virqs, irtes, pasids;
};

static void read_stats(struct e2e_daemon *d, struct stats *s)
{
	char buf[512], *line;

	assert_int_equal(e2e_ctl(d, buf, sizeof(buf), "stats"), 0);
	memset(s, 0, sizeof(*s));
	for (line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		sscanf(line, "fds %ld", &s->fds);
		sscanf(line, "devices %ld", &s->devices);
		sscanf(line, "virqs %ld", &s->virqs);
		sscanf(line, "irtes %ld", &s->irtes);
		sscanf(line, "pasids %ld", &s->pasids);
	}
}

/* One complete, clean session on @sock: bring up, copy, verify, close. */
static void clean_session(const char *sock)
{
	struct vdsa_conn *conn;
	struct vdsa_dev *dev;
	struct vdsa_buf *buf;
	struct dsa_hw_desc d;
	char *va;

	assert_int_equal(open_dev(sock, &conn, &dev), 0);
	assert_int_equal(vdsa_buf_alloc(conn, 1 << 16, &buf), 0);
	va = buf->va;
	memset(va + 4096, 0x5c, 4096);
	vdsa_desc_memmove(&d, buf->iova, buf->iova + 8192, buf->iova + 4096, 4096);
	vdsa_desc_set_irq(&d, vdsa_dev_info(dev)->int_handle);
	assert_int_equal(vdsa_submit(dev, &d, VDSA_PORTAL_MMAP), 0);
	assert_int_equal(vdsa_wait(dev, buf->va, VDSA_WAIT_IRQ, 5000), DSA_COMP_SUCCESS);
	assert_memory_equal(va + 8192, va + 4096, 4096);
	vdsa_dev_close(dev);
	vdsa_conn_close(conn);
}

static void wait_stats(struct e2e_daemon *d, const struct stats *want, struct stats *got)
{
	int i;

	/* the daemon finishes a dead client's teardown on its own schedule */
	for (i = 0; i < 200; i++) {
		read_stats(d, got);
		if (!memcmp(got, want, sizeof(*got)))
			return;
		usleep(10000);
	}
}

static void test_kill_clients(void **state)
{
	const char *env = getenv("SIOVD_CHAOS_ITERATIONS");
	int iterations = env ? atoi(env) : 200;
	int counts[KP_COUNT] = { 0 };
	struct e2e_daemon d;
	struct stats base, after;
	char socks[2][256];
	int i, status;

	srand(1234);
	assert_int_equal(e2e_start(&d, NULL), 0);
	for (i = 0; i < 2; i++) {
		assert_int_equal(e2e_mdev_create(&d, uuids[i]), 0);
		e2e_mdev_sock(&d, uuids[i], socks[i], sizeof(socks[i]));
		clean_session(socks[i]);
	}
	read_stats(&d, &base);

	for (i = 0; i < iterations; i++) {
		enum kill_point kp = rand() % KP_COUNT;
		const char *sock = socks[rand() % 2];
		pid_t pid = fork();

		if (!pid)
			child(sock, kp);
		counts[kp]++;
		/* half the time, kill it from outside wherever it is */
		if (kp == KP_RANDOM || rand() % 2) {
			usleep(rand() % 3000);
			kill(pid, SIGKILL);
		}
		assert_int_equal(waitpid(pid, &status, 0), pid);
		if (WIFEXITED(status) && WEXITSTATUS(status) >= 10)
			fail_msg("iteration %d: client could not reach kill point %d (%d)", i, kp,
				 WEXITSTATUS(status));
	}
	printf("# %d clients killed: connect %d, half VERSION %d, after DMA_MAP %d, "
	       "descriptors outstanding %d, interrupts pending %d, random %d\n", iterations,
	       counts[KP_CONNECT], counts[KP_HALF_VERSION], counts[KP_DMA_MAP],
	       counts[KP_OUTSTANDING], counts[KP_IRQ_PENDING], counts[KP_RANDOM]);

	/* the daemon serves new clients on both mdevs, and nothing leaked */
	for (i = 0; i < 2; i++)
		clean_session(socks[i]);
	wait_stats(&d, &base, &after);
	printf("# stats before/after: fds %ld/%ld devices %ld/%ld virqs %ld/%ld irtes %ld/%ld "
	       "pasids %ld/%ld\n", base.fds, after.fds, base.devices, after.devices, base.virqs,
	       after.virqs, base.irtes, after.irtes, base.pasids, after.pasids);
	assert_int_equal(after.fds, base.fds);
	assert_int_equal(after.devices, base.devices);
	assert_int_equal(after.virqs, base.virqs);
	assert_int_equal(after.irtes, base.irtes);
	assert_int_equal(after.pasids, base.pasids);
	for (i = 0; i < 2; i++)
		assert_int_equal(e2e_mdev_remove(&d, uuids[i]), 0);
	assert_int_equal(e2e_stop(&d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kill_clients),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
