// SPDX-License-Identifier: GPL-2.0-only
/*
 * End to end, data path: a real siovd with two mdevs, clients through
 * libvdsa over real vfio-user sockets.
 *  - the vdsa tool runs every operation in both completion modes over both
 *    portal paths and verifies them;
 *  - a bad source address gets the page-fault status with the fault address
 *    and the daemon keeps serving;
 *  - malformed vfio-user messages get error replies and no crash;
 *  - a client disconnects abruptly and a new client works;
 *  - two mdevs used at once by two clients; a descriptor from one naming
 *    the other's memory faults and the other's memory is untouched.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "e2e.h"
#include "e2e_client.h"
#include "uapi/vfio-user.h"
#include "vdsa.h"

static const char *uuid_a = "0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
static const char *uuid_b = "1b2c3d4e-5f6a-4b7c-9d8e-0f1a2b3c4d5e";

struct fix {
	struct e2e_daemon d;
	char sock_a[256], sock_b[256];
};

static int setup(void **state)
{
	static struct fix fx;

	if (e2e_start(&fx.d, NULL))
		return -1;
	if (e2e_mdev_create(&fx.d, uuid_a) || e2e_mdev_create(&fx.d, uuid_b)) {
		e2e_dump_log(&fx.d);
		return -1;
	}
	e2e_mdev_sock(&fx.d, uuid_a, fx.sock_a, sizeof(fx.sock_a));
	e2e_mdev_sock(&fx.d, uuid_b, fx.sock_b, sizeof(fx.sock_b));
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fix *fx = *state;

	assert_int_equal(e2e_stop(&fx->d), 0);
	return 0;
}

static int run_vdsa(const char *sock, const char *args)
{
	const char *vdsa = getenv("VDSA");
	char cmd[1024];
	int status;

	snprintf(cmd, sizeof(cmd), "'%s' --socket '%s' %s", vdsa, sock, args);
	status = system(cmd);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_every_operation(void **state)
{
	struct fix *fx = *state;

	assert_int_equal(run_vdsa(fx->sock_a, "--op all --mode both --portal both --iterations 20"),
			 0);
	assert_int_equal(run_vdsa(fx->sock_b, "--op all --mode both --portal both --size 65536"), 0);
	assert_int_equal(run_vdsa(fx->sock_a, "--bad-address"), 0);
}

/*
 * /sys/module/vfio_idxd/parameters/portal_mmap = 0: mdevs created then
 * offer no portal mmap (libvdsa finds none and refuses the mmap path), and
 * every operation runs through the trapped portal; out-of-range values are
 * refused; mdevs created after it is set back offer the page again.
 */
static void test_portal_mmap_param(void **state)
{
	static const char *param = "/sys/module/vfio_idxd/parameters/portal_mmap";
	static const char *uuid = "2c3d4e5f-6a7b-4c8d-9e0f-1a2b3c4d5e6f";
	struct e2e_daemon own = { 0 }, *d = &own;
	struct e2e_client c;
	struct dsa_hw_desc dsc;
	char v[16], sock[256];

	(void)state;
	assert_int_equal(e2e_start(d, NULL), 0);	/* its own: both mdev WQs free */
	assert_int_equal(e2e_ctl(d, v, sizeof(v), "read %s", param), 0);
	assert_string_equal(v, "1");
	assert_int_equal(e2e_ctl(d, NULL, 0, "write %s 2", param), -EINVAL);
	assert_int_equal(e2e_ctl(d, NULL, 0, "write %s 0", param), 0);
	assert_int_equal(e2e_mdev_create(d, uuid), 0);
	e2e_mdev_sock(d, uuid, sock, sizeof(sock));
	e2e_client_open(&c, sock);
	assert_false(vdsa_dev_info(c.dev)->portal_mmap);
	vdsa_desc_nop(&dsc, c.comp->iova);
	assert_int_equal(vdsa_submit(c.dev, &dsc, VDSA_PORTAL_MMAP), -ENOTSUP);
	e2e_client_close(&c);
	assert_int_equal(run_vdsa(sock, "--op all --mode both --portal trapped"), 0);
	assert_int_equal(e2e_mdev_remove(d, uuid), 0);
	assert_int_equal(e2e_ctl(d, NULL, 0, "write %s 1", param), 0);
	assert_int_equal(e2e_mdev_create(d, uuid), 0);
	e2e_client_open(&c, sock);
	assert_true(vdsa_dev_info(c.dev)->portal_mmap);
	e2e_client_close(&c);
	assert_int_equal(e2e_mdev_remove(d, uuid), 0);
	assert_int_equal(e2e_stop(d), 0);
}

/*
 * --portal-poll-us: out-of-range values keep siovd from starting; in poll
 * mode (0) and with a short sleep every operation runs through both
 * portals, and an mmap descriptor after idleness is still taken.
 */
static void test_portal_poll_option(void **state)
{
	static const char *const bad[][3] = {
		{ "--portal-poll-us", "1000001", NULL },
		{ "--portal-poll-us", "-1", NULL },
		{ "--portal-poll-us", "1ms", NULL },
	};
	static const char *const good[][3] = {
		{ "--portal-poll-us", "0", NULL },
		{ "--portal-poll-us", "50", NULL },
	};
	struct e2e_daemon d = { 0 };
	char sock[256];
	unsigned int i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(e2e_start(&d, bad[i]), -ECHILD);
		e2e_kill(&d);		/* the run directory */
	}
	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		assert_int_equal(e2e_start(&d, good[i]), 0);
		assert_int_equal(e2e_mdev_create(&d, uuid_a), 0);
		e2e_mdev_sock(&d, uuid_a, sock, sizeof(sock));
		assert_int_equal(run_vdsa(sock, "--op all --mode poll --portal both"), 0);
		usleep(20000);		/* idle: the engine is back to sleep, or polling */
		assert_int_equal(run_vdsa(sock, "--op memmove --mode poll --portal mmap"), 0);
		assert_int_equal(e2e_stop(&d), 0);
	}
}

/* Run one MEMMOVE; return the completion status, fault address in @fault. */
static int client_memmove(struct e2e_client *c, uint64_t dst, uint64_t src, uint32_t len,
			  enum vdsa_portal portal, uint64_t *fault)
{
	struct dsa_completion_record *cr = c->comp->va;
	struct dsa_hw_desc d;
	int rc;

	memset(cr, 0, sizeof(*cr));
	vdsa_desc_memmove(&d, c->comp->iova, dst, src, len);
	rc = vdsa_submit(c->dev, &d, portal);
	if (rc)
		return rc;
	rc = vdsa_wait(c->dev, cr, VDSA_WAIT_POLL, 5000);
	if (fault)
		*fault = cr->fault_addr;
	return rc;
}

static void test_page_fault_keeps_serving(void **state)
{
	struct fix *fx = *state;
	struct e2e_client c;
	uint64_t fault = 0, bad;
	char *va;

	e2e_client_open(&c, fx->sock_a);
	va = c.buf->va;
	bad = c.buf->iova + c.buf->size + 0x100000;	/* beyond every mapping */
	assert_int_equal(client_memmove(&c, c.buf->iova, bad, 256, VDSA_PORTAL_MMAP, &fault) &
			 DSA_COMP_STATUS_MASK, DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(fault, bad);
	/* a range straddling the end of the mapping faults at the first byte out */
	assert_int_equal(client_memmove(&c, c.buf->iova, c.buf->iova + c.buf->size - 128, 256,
					VDSA_PORTAL_TRAPPED, &fault) & DSA_COMP_STATUS_MASK,
			 DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(fault, c.buf->iova + c.buf->size);
	/* and the same client goes on working */
	memset(va, 0x11, 4096);
	memset(va + 4096, 0, 4096);
	assert_int_equal(client_memmove(&c, c.buf->iova + 4096, c.buf->iova, 4096,
					VDSA_PORTAL_MMAP, NULL), DSA_COMP_SUCCESS);
	assert_memory_equal(va, va + 4096, 4096);
	e2e_client_close(&c);
}

static void test_isolation_between_mdevs(void **state)
{
	struct fix *fx = *state;
	struct vdsa_buf *secret;
	struct e2e_client a, b;
	uint64_t fault = 0;

	e2e_client_open(&a, fx->sock_a);
	e2e_client_open(&b, fx->sock_b);
	/* A has one more buffer than B: an IOVA B has never mapped */
	assert_int_equal(vdsa_buf_alloc(a.conn, 4096, &secret), 0);
	memset(secret->va, 0x5e, 4096);
	memset(b.buf->va, 0, 4096);
	assert_int_equal(client_memmove(&b, b.buf->iova, secret->iova, 4096, VDSA_PORTAL_MMAP,
					&fault) & DSA_COMP_STATUS_MASK, DSA_COMP_PAGE_FAULT_NOBOF);
	assert_int_equal(fault, secret->iova);
	/* B cannot write there either, and A's memory is untouched */
	assert_int_equal(client_memmove(&b, secret->iova, b.buf->iova, 4096, VDSA_PORTAL_TRAPPED,
					&fault) & DSA_COMP_STATUS_MASK, DSA_COMP_PAGE_FAULT_NOBOF);
	for (int i = 0; i < 4096; i++)
		assert_int_equal(((unsigned char *)secret->va)[i], 0x5e);
	/* both keep working at once */
	memset(a.buf->va, 0xa1, 4096);
	memset(b.buf->va, 0xb2, 4096);
	assert_int_equal(client_memmove(&a, a.buf->iova + 8192, a.buf->iova, 4096,
					VDSA_PORTAL_MMAP, NULL), DSA_COMP_SUCCESS);
	assert_int_equal(client_memmove(&b, b.buf->iova + 8192, b.buf->iova, 4096,
					VDSA_PORTAL_MMAP, NULL), DSA_COMP_SUCCESS);
	assert_memory_equal((char *)a.buf->va + 8192, a.buf->va, 4096);
	assert_memory_equal((char *)b.buf->va + 8192, b.buf->va, 4096);
	e2e_client_close(&a);
	e2e_client_close(&b);
}

static int raw_connect(const char *path)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", path) >= (int)sizeof(sun.sun_path)) {
		close(fd);
		return -ENAMETOOLONG;
	}
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		close(fd);
		return -errno;
	}
	return fd;
}

/* Send a header (+ @extra bytes of zeros); return the reply's errno or -errno. */
static int raw_request(int fd, uint16_t cmd, uint32_t size, size_t extra)
{
	struct vfio_user_header h = { .msg_id = 7, .command = cmd, .msg_size = size };
	struct vfio_user_header r;
	char pad[256] = { 0 };

	if (send(fd, &h, sizeof(h), MSG_NOSIGNAL) != sizeof(h))
		return -EPIPE;
	if (extra && send(fd, pad, extra, MSG_NOSIGNAL) != (ssize_t)extra)
		return -EPIPE;
	if (recv(fd, &r, sizeof(r), MSG_WAITALL) != sizeof(r))
		return -ECONNRESET;
	assert_int_equal(r.msg_id, 7);
	assert_int_equal(r.command, cmd);
	assert_int_equal(r.flags & VFIO_USER_F_TYPE_MASK, VFIO_USER_F_TYPE_REPLY);
	return r.flags & VFIO_USER_F_ERROR ? (int)r.error_no : 0;
}

static void test_malformed_messages(void **state)
{
	struct fix *fx = *state;
	struct e2e_client b;
	int fd;

	/* B is in use while A's socket gets garbage */
	e2e_client_open(&b, fx->sock_b);

	/* a command before VERSION */
	fd = raw_connect(fx->sock_a);
	assert_true(fd >= 0);
	assert_int_equal(raw_request(fd, VFIO_USER_DEVICE_GET_INFO, 16 + 16, 16), EINVAL);
	close(fd);
	/* an unknown command, a bad argsz, an oversized message */
	fd = raw_connect(fx->sock_a);
	{
		struct {
			struct vfio_user_header h;
			struct vfio_user_version v;
		} __attribute__((packed)) ver = {
			.h = { .msg_id = 1, .command = VFIO_USER_VERSION,
			       .msg_size = sizeof(ver) },
			.v = { .major = 0, .minor = 1 },
		};
		struct vfio_user_header r;
		char rest[512];

		assert_int_equal(send(fd, &ver, sizeof(ver), 0), sizeof(ver));
		assert_int_equal(recv(fd, &r, sizeof(r), MSG_WAITALL), sizeof(r));
		assert_false(r.flags & VFIO_USER_F_ERROR);
		assert_true(r.msg_size - sizeof(r) < sizeof(rest));
		assert_int_equal(recv(fd, rest, r.msg_size - sizeof(r), MSG_WAITALL),
				 (ssize_t)(r.msg_size - sizeof(r)));
	}
	assert_int_equal(raw_request(fd, 99, 16, 0), ENOSYS);
	/* GET_INFO whose argsz (first word of the payload) is 0 */
	assert_int_equal(raw_request(fd, VFIO_USER_DEVICE_GET_INFO, 16 + 16, 16), EINVAL);
	/* a message shorter than its header claims, then a huge one: the server closes */
	assert_int_not_equal(raw_request(fd, VFIO_USER_DEVICE_GET_INFO, 8, 0), 0);
	close(fd);
	fd = raw_connect(fx->sock_a);
	{
		int r = raw_request(fd, VFIO_USER_VERSION, 0x7fffffff, 0);

		assert_true(r == EINVAL || r == E2BIG || r == -ECONNRESET);
	}
	close(fd);

	/* B was served throughout, and A serves a proper client now */
	memset(b.buf->va, 0x3c, 1024);
	assert_int_equal(client_memmove(&b, b.buf->iova + 1024, b.buf->iova, 1024,
					VDSA_PORTAL_TRAPPED, NULL), DSA_COMP_SUCCESS);
	e2e_client_close(&b);
	assert_int_equal(run_vdsa(fx->sock_a, "--op memmove --mode poll --portal mmap"), 0);
	assert_int_equal(e2e_ctl(&fx->d, NULL, 0, "ping"), 0);
}

static void test_disconnect_reconnect(void **state)
{
	struct fix *fx = *state;
	struct dsa_hw_desc d;
	struct e2e_client c;
	pid_t pid;
	int status;

	/* a client that dies with its device enabled and descriptors queued */
	pid = fork();
	if (!pid) {
		struct e2e_client k;

		e2e_client_open(&k, fx->sock_a);
		for (int i = 0; i < 8; i++) {
			vdsa_desc_memmove(&d, k.comp->iova + 64 * i, k.buf->iova + 32768,
					  k.buf->iova, 32768);
			if (vdsa_submit(k.dev, &d, VDSA_PORTAL_MMAP))
				break;
		}
		_exit(0);	/* no goodbye: the kernel closes the socket */
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* a new client finds the device reset (as after an FLR), enables it and works */
	e2e_client_open(&c, fx->sock_a);
	memset(c.buf->va, 0x77, 4096);
	assert_int_equal(client_memmove(&c, c.buf->iova + 4096, c.buf->iova, 4096,
					VDSA_PORTAL_MMAP, NULL), DSA_COMP_SUCCESS);
	assert_memory_equal((char *)c.buf->va + 4096, c.buf->va, 4096);
	e2e_client_close(&c);
}

/* One MEMMOVE of 4 KiB with a completion interrupt through @handle. */
static int memmove_irq(struct e2e_client *c, uint16_t handle, enum vdsa_portal portal)
{
	struct dsa_completion_record *cr = c->comp->va;
	struct dsa_hw_desc d;
	int rc;

	memset(cr, 0, sizeof(*cr));
	vdsa_desc_memmove(&d, c->comp->iova, c->buf->iova + 8192, c->buf->iova, 4096);
	vdsa_desc_set_irq(&d, handle);
	rc = vdsa_submit(c->dev, &d, portal);
	if (rc)
		return rc;
	return vdsa_wait(c->dev, cr, VDSA_WAIT_IRQ, 5000);
}

/*
 * A reset of the PF on the host side revokes the interrupt handles (DSA
 * 1.1): vector 0 says so, the old handle is refused, libvdsa takes a new
 * one and the client carries on. Last: it resets the PF under the others.
 */
static void test_handle_revoked_after_host_reset(void **state)
{
	struct fix *fx = *state;
	struct pollfd p = { .events = POLLIN };
	struct e2e_client c;
	uint16_t old;
	uint64_t v;

	e2e_client_open(&c, fx->sock_a);
	memset(c.buf->va, 0x5a, 4096);
	old = vdsa_dev_info(c.dev)->int_handle;
	assert_int_equal(memmove_irq(&c, old, VDSA_PORTAL_MMAP), DSA_COMP_SUCCESS);
	assert_int_equal(vdsa_dev_handle_revoked(c.dev), 0);

	assert_int_equal(e2e_ctl(&fx->d, NULL, 0,
				 "write /sys/bus/pci/devices/0000:00:0a.0/reset 1"), 0);
	p.fd = vdsa_dev_eventfd(c.dev, 0);
	assert_int_equal(poll(&p, 1, 5000), 1);
	assert_int_equal(read(p.fd, &v, sizeof(v)), sizeof(v));
	assert_int_equal(memmove_irq(&c, old, VDSA_PORTAL_TRAPPED) & DSA_COMP_STATUS_MASK,
			 DSA_COMP_INT_HANDLE_INVAL);
	assert_int_equal(vdsa_dev_handle_revoked(c.dev), 1);
	assert_int_equal(vdsa_dev_handle_revoked(c.dev), 0);
	memset((char *)c.buf->va + 8192, 0, 4096);
	assert_int_equal(memmove_irq(&c, vdsa_dev_info(c.dev)->int_handle, VDSA_PORTAL_MMAP),
			 DSA_COMP_SUCCESS);
	assert_memory_equal(c.buf->va, (char *)c.buf->va + 8192, 4096);
	assert_int_equal(memmove_irq(&c, vdsa_dev_info(c.dev)->int_handle, VDSA_PORTAL_TRAPPED),
			 DSA_COMP_SUCCESS);
	e2e_client_close(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_operation),
		cmocka_unit_test(test_page_fault_keeps_serving),
		cmocka_unit_test(test_isolation_between_mdevs),
		cmocka_unit_test(test_malformed_messages),
		cmocka_unit_test(test_disconnect_reconnect),
		cmocka_unit_test(test_handle_revoked_after_host_reset),
		cmocka_unit_test(test_portal_poll_option),
		cmocka_unit_test(test_portal_mmap_param),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
