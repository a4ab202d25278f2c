// SPDX-License-Identifier: GPL-2.0-only
/*
 * Resource limits: a client that floods messages, or never reads its
 * replies, cannot starve the others. One client works mdev B (register
 * reads through REGION_READ, copies through the portal) while another floods
 * mdev A; the test measures B's latency without and with the flood and
 * prints both (it never asserts on time), checks that B's work all
 * completed, that the client that never reads is dropped, and that an
 * oversized message is refused without the daemon reading it.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "e2e.h"
#include "spec/dsa.h"
#include "uapi/vfio-user.h"
#include "vdsa.h"

static const char *uuid_a = "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f";
static const char *uuid_b = "8d9e0f1a-2b3c-4d4e-9f5a-6b7c8d9e0f1a";

#define SAMPLES 2000

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* p50 and p99 (us) of @n register reads on @dev. */
static void measure(struct vdsa_dev *dev, double *p50, double *p99)
{
	static uint64_t lat[SAMPLES];
	uint64_t v, t;
	int i;

	for (i = 0; i < SAMPLES; i++) {
		t = now_ns();
		assert_int_equal(vdsa_dev_mmio_read(dev, IDXD_GENSTATS_OFFSET, 4, &v), 0);
		lat[i] = now_ns() - t;
		assert_int_equal(v & 3, IDXD_DEVICE_STATE_ENABLED);
	}
	qsort(lat, SAMPLES, sizeof(lat[0]), cmp);
	*p50 = lat[SAMPLES / 2] / 1000.0;
	*p99 = lat[SAMPLES * 99 / 100] / 1000.0;
}

struct flood {
	char sock[256];
	atomic_bool stop;
	bool read_replies;
	long sent;
	atomic_bool dropped;
};

static int connect_to(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path) >= (int)sizeof(sun.sun_path) ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		close(fd);
		return -1;
	}
	return fd;
}

static void send_version(int fd)
{
	struct {
		struct vfio_user_header h;
		struct vfio_user_version v;
	} __attribute__((packed)) m = {
		.h = { .msg_id = 1, .command = VFIO_USER_VERSION, .msg_size = sizeof(m) },
		.v = { .major = VFIO_USER_MAJOR, .minor = VFIO_USER_MINOR },
	};
	char buf[1024];

	assert_int_equal(send(fd, &m, sizeof(m), 0), sizeof(m));
	assert_true(recv(fd, buf, sizeof(buf), 0) > 0);
}

/*
 * Flood mdev A with REGION_READs of its whole config space (4 KiB replies,
 * so that a client that never reads fills the server's reply bound fast).
 */
static void *flood_main(void *arg)
{
	struct flood *f = arg;
	struct {
		struct vfio_user_header h;
		struct vfio_user_region_access a;
	} __attribute__((packed)) m = {
		.h = { .command = VFIO_USER_REGION_READ, .msg_size = sizeof(m) },
		.a = { .offset = 0, .region = VFIO_PCI_CONFIG_REGION_INDEX, .count = 4096 },
	};
	char sink[65536];
	int fd = connect_to(f->sock);

	assert_true(fd >= 0);
	send_version(fd);
	while (!atomic_load(&f->stop)) {
		struct pollfd p = { .fd = fd, .events = POLLOUT | (f->read_replies ? POLLIN : 0) };

		if (poll(&p, 1, 100) <= 0)
			continue;
		if (p.revents & (POLLHUP | POLLERR)) {
			atomic_store(&f->dropped, true);
			break;
		}
		if (p.revents & POLLIN && recv(fd, sink, sizeof(sink), MSG_DONTWAIT) == 0) {
			atomic_store(&f->dropped, true);
			break;
		}
		if (p.revents & POLLOUT) {
			m.h.msg_id++;
			if (send(fd, &m, sizeof(m), MSG_DONTWAIT | MSG_NOSIGNAL) < 0 &&
			    errno != EAGAIN) {
				atomic_store(&f->dropped, true);
				break;
			}
			f->sent++;
		}
	}
	close(fd);
	return NULL;
}

static void open_dev(const char *sock, struct vdsa_conn **conn, struct vdsa_dev **dev)
{
	int rc, tries;

	for (tries = 0; tries < 100; tries++) {
		rc = vdsa_conn_open(sock, conn);
		if (rc != -EBUSY)
			break;
		usleep(20000);
	}
	assert_int_equal(rc, 0);
	assert_int_equal(vdsa_dev_open(*conn, dev), 0);
}

static void run_flood(struct e2e_daemon *d, struct vdsa_dev *dev, const char *sock_a,
		      bool read_replies)
{
	struct flood f = { .read_replies = read_replies };
	double p50, p99, q50, q99;
	pthread_t t;
	int i;

	measure(dev, &p50, &p99);
	snprintf(f.sock, sizeof(f.sock), "%s", sock_a);
	assert_int_equal(pthread_create(&t, NULL, flood_main, &f), 0);
	usleep(100000);
	measure(dev, &q50, &q99);
	/* a client that never reads its replies is dropped within a while */
	for (i = 0; i < 2000 && !read_replies && !atomic_load(&f.dropped); i++)
		usleep(10000);
	atomic_store(&f.stop, true);
	pthread_join(t, NULL);
	printf("# %s: other client's register read p50/p99 %.1f/%.1f us idle, "
	       "%.1f/%.1f us under the flood (%ld messages sent)%s\n",
	       read_replies ? "flood that reads its replies" : "flood that never reads",
	       p50, p99, q50, q99, f.sent, atomic_load(&f.dropped) ? ", flooder dropped" : "");
	if (!read_replies)
		assert_true(atomic_load(&f.dropped));
	assert_int_equal(e2e_ctl(d, NULL, 0, "ping"), 0);
}

static void test_flood_does_not_starve(void **state)
{
	struct e2e_daemon d;
	char sock_a[256], sock_b[256];
	struct vdsa_conn *conn;
	struct vdsa_dev *dev;

	assert_int_equal(e2e_start(&d, NULL), 0);
	assert_int_equal(e2e_mdev_create(&d, uuid_a), 0);
	assert_int_equal(e2e_mdev_create(&d, uuid_b), 0);
	e2e_mdev_sock(&d, uuid_a, sock_a, sizeof(sock_a));
	e2e_mdev_sock(&d, uuid_b, sock_b, sizeof(sock_b));
	open_dev(sock_b, &conn, &dev);
	run_flood(&d, dev, sock_a, true);
	run_flood(&d, dev, sock_a, false);
	vdsa_dev_close(dev);
	vdsa_conn_close(conn);
	assert_int_equal(e2e_stop(&d), 0);
}

static void test_oversized_message(void **state)
{
	struct vfio_user_header h = { .msg_id = 9, .command = VFIO_USER_REGION_WRITE,
				      .msg_size = 0x40000000 };
	struct e2e_daemon d;
	char sock[256];
	char buf[64];
	int fd;
	ssize_t n;

	assert_int_equal(e2e_start(&d, NULL), 0);
	assert_int_equal(e2e_mdev_create(&d, uuid_a), 0);
	e2e_mdev_sock(&d, uuid_a, sock, sizeof(sock));
	fd = connect_to(sock);
	send_version(fd);
	/* a header announcing 1 GiB: refused at the header, not read or buffered */
	assert_int_equal(send(fd, &h, sizeof(h), 0), sizeof(h));
	n = recv(fd, buf, sizeof(buf), 0);
	if (n >= (ssize_t)sizeof(h)) {
		struct vfio_user_header *r = (void *)buf;

		assert_true(r->flags & VFIO_USER_F_ERROR);
		assert_true(r->error_no == E2BIG || r->error_no == EINVAL);
	}
	close(fd);
	assert_int_equal(e2e_ctl(&d, NULL, 0, "ping"), 0);
	assert_int_equal(e2e_stop(&d), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_flood_does_not_starve),
		cmocka_unit_test(test_oversized_message),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
