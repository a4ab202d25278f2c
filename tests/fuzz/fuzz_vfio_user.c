// SPDX-License-Identifier: GPL-2.0-only
/*
 * The vfio-user message handler: whole client sessions of arbitrary
 * messages against the real server of an mdev (the vdcm behind it), over a
 * real socket with real fd passing.
 *
 * Input: records of [length: 2 bytes][flags: 1 byte][bytes: length].
 * Flags: bit 0 sends the record with a 1 MiB memfd attached (what DMA_MAP
 * carries), bit 1 reconnects before the record, bit 2 sends a valid VERSION
 * first on a fresh connection. After each record the event loop runs and
 * every reply (and any fd it carries) is read and dropped. The connection is
 * closed at the end, so the server's disconnect path runs for every input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "fuzz.h"
#include "uapi/vfio-user.h"

static int memfd = -1;

static int fuzz_connect(struct fuzz_machine *m)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (snprintf(sun.sun_path, sizeof(sun.sun_path), "%s", m->sock) >=
	    (int)sizeof(sun.sun_path)) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (fd < 0 || connect(fd, (struct sockaddr *)&sun, sizeof(sun))) {
		if (fd >= 0)
			close(fd);
		return -1;
	}
	fuzz_machine_pump(m);
	return fd;
}

static void drain_replies(int fd)
{
	char buf[65536], cbuf[CMSG_SPACE(sizeof(int) * 16)];
	struct iovec iov = { buf, sizeof(buf) };
	struct msghdr msg;
	struct cmsghdr *c;

	for (;;) {
		memset(&msg, 0, sizeof(msg));
		msg.msg_iov = &iov;
		msg.msg_iovlen = 1;
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		if (recvmsg(fd, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC) <= 0)
			return;
		for (c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
			if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
				int *fds = (int *)CMSG_DATA(c);
				size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);

				while (n--)
					close(fds[n]);
			}
		}
	}
}

static void send_record(int fd, const uint8_t *p, size_t len, bool with_fd)
{
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { (void *)p, len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *c;

	if (with_fd) {
		msg.msg_control = cbuf;
		msg.msg_controllen = sizeof(cbuf);
		c = CMSG_FIRSTHDR(&msg);
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = SCM_RIGHTS;
		c->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(c), &memfd, sizeof(int));
	}
	if (len)
		sendmsg(fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
}

static void send_version(int fd)
{
	static const char caps[] = "{\"capabilities\":{\"max_msg_fds\":8}}";
	uint8_t buf[sizeof(struct vfio_user_header) + sizeof(struct vfio_user_version) +
		    sizeof(caps)];
	struct vfio_user_header *h = (void *)buf;
	struct vfio_user_version *v = (void *)(h + 1);

	memset(buf, 0, sizeof(buf));
	h->command = VFIO_USER_VERSION;
	h->msg_size = sizeof(buf);
	v->major = VFIO_USER_MAJOR;
	v->minor = VFIO_USER_MINOR;
	memcpy(v + 1, caps, sizeof(caps));
	send_record(fd, buf, sizeof(buf), false);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_machine *m = fuzz_machine_get(true);
	struct fuzz_in in = { data, size };
	int fd = -1;

	if (memfd < 0) {
		memfd = memfd_create("fuzz-dma", MFD_CLOEXEC | MFD_ALLOW_SEALING);
		if (memfd < 0 || ftruncate(memfd, 1 << 20))
			abort();
	}
	while (in.left >= 3) {
		size_t len = fuzz_take(&in, 2);
		unsigned int flags = fuzz_take(&in, 1);

		if (len > in.left)
			len = in.left;
		if (fd >= 0 && (flags & 2)) {
			close(fd);
			fuzz_machine_pump(m);
			fd = -1;
		}
		if (fd < 0) {
			fd = fuzz_connect(m);
			if (fd < 0)
				break;
			if (flags & 4)
				send_version(fd);
		}
		send_record(fd, in.p, len, flags & 1);
		in.p += len;
		in.left -= len;
		fuzz_machine_pump(m);
		drain_replies(fd);
	}
	if (fd >= 0)
		close(fd);
	fuzz_machine_pump(m);
	return 0;
}
