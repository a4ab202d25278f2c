// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_vdsa: what offloading to a virtual DSA costs and gives, measured
 * through siovd end to end (vfio-user, the vdcm, the emulated engines), each
 * figure next to a baseline measured in the same run on the same machine:
 *
 *   MEMMOVE throughput at 4 KiB .. 64 MiB   vs memcpy of the same buffers
 *   64-byte MEMMOVE offload rate (mmap portal, pipelined, polling)
 *                                           vs a lock-free SPSC ring
 *                                              between two threads
 *   submit-to-completion latency p50/p99:
 *     mmap portal + polling                 vs SPSC ring round trip
 *     mmap portal + interrupt (IMS)         vs eventfd round trip
 *     trapped portal + polling              vs AF_UNIX socket round trip
 *
 *   bench_vdsa --socket PATH [--quick]
 *
 * Output: one line per figure with both values and their ratio. Wall-clock
 * figures vary with the machine and its load; the ratios are the point.
 */
#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "vdsa.h"

#define COMP_STRIDE	64	/* completion records, 32-byte aligned */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void percentiles(uint64_t *v, size_t n, double *p50, double *p99)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	*p50 = v[n / 2] / 1000.0;
	*p99 = v[(n * 99) / 100] / 1000.0;
}

struct bench {
	struct vdsa_conn *conn;
	struct vdsa_dev *dev;
	const struct vdsa_dev_info *info;
	struct vdsa_buf *src, *dst, *comp;
	size_t bufsize;
	bool quick;
};

static struct dsa_completion_record *comp_rec(struct bench *b, unsigned int i)
{
	return (struct dsa_completion_record *)((char *)b->comp->va + i * COMP_STRIDE);
}

static uint64_t comp_iova(struct bench *b, unsigned int i)
{
	return b->comp->iova + i * COMP_STRIDE;
}

/*
 * Copy @size bytes src -> dst with descriptors of at most max_xfer_size,
 * keeping up to wq_size outstanding. Return: 0 or -errno / -status.
 */
static int offload_copy(struct bench *b, size_t size, enum vdsa_portal portal)
{
	unsigned int depth = b->info->wq_size, head = 0, tail = 0, nchunks, i;
	size_t chunk = b->info->max_xfer_size;
	struct dsa_hw_desc d;
	int rc;

	nchunks = (size + chunk - 1) / chunk;
	for (i = 0; i < nchunks || tail < head;) {
		while (i < nchunks && head - tail < depth) {
			size_t off = (size_t)i * chunk;
			size_t len = size - off < chunk ? size - off : chunk;
			unsigned int slot = head % depth;

			memset(comp_rec(b, slot), 0, sizeof(struct dsa_completion_record));
			vdsa_desc_memmove(&d, comp_iova(b, slot), b->dst->iova + off,
					  b->src->iova + off, len);
			rc = vdsa_submit(b->dev, &d, portal);
			if (rc)
				return rc;
			head++;
			i++;
		}
		rc = vdsa_wait(b->dev, comp_rec(b, tail % depth), VDSA_WAIT_POLL, 10000);
		if (rc < 0)
			return rc;
		if ((rc & DSA_COMP_STATUS_MASK) != DSA_COMP_SUCCESS)
			return -rc;
		tail++;
	}
	return 0;
}

static void bench_memmove(struct bench *b)
{
	static const size_t sizes[] = { 4096, 65536, 1 << 20, 64 << 20 };
	unsigned int s;

	printf("%-34s %14s %14s %8s\n", "MEMMOVE throughput (MB/s)", "siovd", "memcpy", "ratio");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t size = sizes[s];
		uint64_t bytes_target = b->quick ? (64ULL << 20) : (1ULL << 30);
		unsigned int reps = bytes_target / size, r;
		uint64_t t0, t_dev, t_cpu;
		char label[64];

		if (size > b->bufsize)
			continue;
		if (reps < 4)
			reps = 4;
		memset(b->src->va, 0x5a, size);
		/* warm both paths once */
		if (offload_copy(b, size, VDSA_PORTAL_MMAP)) {
			printf("memmove %zu: offload failed\n", size);
			return;
		}
		memcpy(b->dst->va, b->src->va, size);

		t0 = now_ns();
		for (r = 0; r < reps; r++)
			if (offload_copy(b, size, VDSA_PORTAL_MMAP))
				return;
		t_dev = now_ns() - t0;
		if (memcmp(b->dst->va, b->src->va, size)) {
			printf("memmove %zu: MISMATCH\n", size);
			exit(1);
		}
		t0 = now_ns();
		for (r = 0; r < reps; r++) {
			memcpy(b->dst->va, b->src->va, size);
			__asm__ volatile("" ::: "memory");
		}
		t_cpu = now_ns() - t0;
		snprintf(label, sizeof(label), "  %zu KiB", size >> 10);
		printf("%-34s %14.0f %14.0f %8.2f\n", label,
		       (double)size * reps / t_dev * 1e3, (double)size * reps / t_cpu * 1e3,
		       (double)t_cpu / t_dev);
	}
}

/* ---- the SPSC ring baseline ---------------------------------------------- */

#define RING_SLOTS	64

struct ring {
	_Alignas(64) atomic_uint_fast64_t head;		/* producer */
	_Alignas(64) atomic_uint_fast64_t tail;		/* consumer */
	_Alignas(64) unsigned char slot[RING_SLOTS][64];
	_Alignas(64) unsigned char dst[RING_SLOTS][64];
	atomic_bool stop;
};

static void *ring_consumer(void *arg)
{
	struct ring *r = arg;
	uint64_t t = 0;

	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		if (atomic_load_explicit(&r->head, memory_order_acquire) == t)
			continue;
		/* the "engine": copy 64 bytes, publish completion */
		memcpy(r->dst[t % RING_SLOTS], r->slot[t % RING_SLOTS], 64);
		atomic_store_explicit(&r->tail, ++t, memory_order_release);
	}
	return NULL;
}

/* Pipelined rate (ops/s) and, with @lat, ping-pong latencies. */
static double ring_run(uint64_t ops, uint64_t *lat)
{
	struct ring *r = aligned_alloc(64, sizeof(*r));
	uint64_t h = 0, t0, i;
	pthread_t th;
	double rate;

	memset(r, 0, sizeof(*r));
	pthread_create(&th, NULL, ring_consumer, r);
	t0 = now_ns();
	for (i = 0; i < ops; i++) {
		uint64_t ts = now_ns();

		while (h - atomic_load_explicit(&r->tail, memory_order_acquire) >= (lat ? 1 : RING_SLOTS))
			;
		memset(r->slot[h % RING_SLOTS], (int)i, 64);
		atomic_store_explicit(&r->head, ++h, memory_order_release);
		if (lat) {
			while (atomic_load_explicit(&r->tail, memory_order_acquire) != h)
				;
			lat[i] = now_ns() - ts;
		}
	}
	while (atomic_load_explicit(&r->tail, memory_order_acquire) != h)
		;
	rate = ops * 1e9 / (now_ns() - t0);
	atomic_store(&r->stop, true);
	pthread_join(th, NULL);
	free(r);
	return rate;
}

static double offload_rate_64(struct bench *b, uint64_t ops)
{
	unsigned int depth = b->info->wq_size;
	uint64_t head = 0, tail = 0, t0;
	struct dsa_hw_desc d;

	t0 = now_ns();
	while (tail < ops) {
		while (head < ops && head - tail < depth) {
			unsigned int slot = head % depth;

			memset(comp_rec(b, slot), 0, 32);
			vdsa_desc_memmove(&d, comp_iova(b, slot), b->dst->iova + slot * 64,
					  b->src->iova + slot * 64, 64);
			if (vdsa_submit(b->dev, &d, VDSA_PORTAL_MMAP))
				return -1;
			head++;
		}
		if (vdsa_wait(b->dev, comp_rec(b, tail % depth), VDSA_WAIT_POLL, 10000) !=
		    (DSA_COMP_SUCCESS | 0))
			return -1;
		tail++;
	}
	return ops * 1e9 / (now_ns() - t0);
}

static int latency_64(struct bench *b, enum vdsa_portal portal, enum vdsa_wait wait,
		      uint64_t *lat, unsigned int n)
{
	struct dsa_completion_record *c = comp_rec(b, 0);
	struct dsa_hw_desc d;
	unsigned int i;
	uint64_t t0;
	int rc;

	for (i = 0; i < n; i++) {
		memset(c, 0, 32);
		vdsa_desc_memmove(&d, comp_iova(b, 0), b->dst->iova, b->src->iova, 64);
		if (wait == VDSA_WAIT_IRQ)
			vdsa_desc_set_irq(&d, b->info->int_handle);
		t0 = now_ns();
		rc = vdsa_submit(b->dev, &d, portal);
		if (rc)
			return rc;
		rc = vdsa_wait(b->dev, c, wait, 10000);
		lat[i] = now_ns() - t0;
		if (rc != DSA_COMP_SUCCESS)
			return rc < 0 ? rc : -EIO;
	}
	return 0;
}

/* eventfd ping-pong between two threads: the raw cost of one interrupt hop. */
struct pingpong {
	int a, b;	/* fds: main -> peer, peer -> main */
	unsigned int n;
	bool sock;
};

static void *pp_peer(void *arg)
{
	struct pingpong *p = arg;
	uint64_t v;
	char buf[64];
	unsigned int i;

	for (i = 0; i < p->n; i++) {
		if (p->sock) {
			if (read(p->b, buf, 64) != 64 || write(p->b, buf, 64) != 64)
				break;
		} else {
			if (read(p->a, &v, 8) != 8 || write(p->b, &v, 8) != 8)
				break;
		}
	}
	return NULL;
}

static void pingpong_run(bool sock, uint64_t *lat, unsigned int n)
{
	struct pingpong p = { .n = n, .sock = sock };
	char buf[64] = { 0 };
	uint64_t v = 1, t0;
	pthread_t th;
	unsigned int i;
	int sv[2];

	if (sock) {
		socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
		p.a = sv[0];
		p.b = sv[1];
	} else {
		p.a = eventfd(0, 0);
		p.b = eventfd(0, 0);
	}
	pthread_create(&th, NULL, pp_peer, &p);
	for (i = 0; i < n; i++) {
		t0 = now_ns();
		if (sock) {
			if (write(p.a, buf, 64) != 64 || read(p.a, buf, 64) != 64)
				break;
		} else {
			if (write(p.a, &v, 8) != 8 || read(p.b, &v, 8) != 8)
				break;
		}
		lat[i] = now_ns() - t0;
	}
	pthread_join(th, NULL);
	close(p.a);
	close(p.b);
}

static void print_lat(const char *label, uint64_t *dev, uint64_t *base, unsigned int n,
		      const char *base_name)
{
	double d50, d99, b50, b99;

	percentiles(dev, n, &d50, &d99);
	percentiles(base, n, &b50, &b99);
	printf("%-34s %6.1f/%-7.1f %6.1f/%-7.1f %8.2f  (baseline: %s)\n", label, d50, d99, b50,
	       b99, b50 / d50, base_name);
}

static void bench_small(struct bench *b)
{
	unsigned int n = b->quick ? 2000 : 20000;
	uint64_t *lat = calloc(n, sizeof(*lat)), *base = calloc(n, sizeof(*base));
	double dev_rate, ring_rate;
	uint64_t ops = b->quick ? 20000 : 200000;

	dev_rate = offload_rate_64(b, ops);
	ring_rate = ring_run(ops, NULL);
	printf("\n%-34s %14s %14s %8s\n", "64-byte MEMMOVE rate (ops/s)", "siovd", "SPSC ring",
	       "ratio");
	printf("%-34s %14.0f %14.0f %8.2f\n", "  mmap portal, polling, pipelined", dev_rate,
	       ring_rate, dev_rate / ring_rate);

	printf("\n%-34s %14s %14s %8s\n", "latency p50/p99 (us)", "siovd", "baseline", "ratio");
	if (!latency_64(b, VDSA_PORTAL_MMAP, VDSA_WAIT_POLL, lat, n)) {
		ring_run(n, base);
		print_lat("  mmap portal, polling", lat, base, n, "SPSC ring round trip");
	}
	if (!latency_64(b, VDSA_PORTAL_MMAP, VDSA_WAIT_IRQ, lat, n)) {
		pingpong_run(false, base, n);
		print_lat("  mmap portal, interrupt (IMS)", lat, base, n, "eventfd round trip");
	}
	if (!latency_64(b, VDSA_PORTAL_TRAPPED, VDSA_WAIT_POLL, lat, n)) {
		pingpong_run(true, base, n);
		print_lat("  trapped portal, polling", lat, base, n, "AF_UNIX round trip");
	}
	free(lat);
	free(base);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "quick", no_argument, NULL, 'q' },
		{ 0 },
	};
	struct bench b = { .bufsize = 64 << 20 };
	const char *sock = NULL;
	int c, rc;

	while ((c = getopt_long(argc, argv, "s:q", opts, NULL)) != -1) {
		if (c == 's')
			sock = optarg;
		else if (c == 'q')
			b.quick = true;
		else
			return 2;
	}
	if (!sock) {
		fprintf(stderr, "usage: bench_vdsa --socket PATH [--quick]\n");
		return 2;
	}
	if (b.quick)
		b.bufsize = 1 << 20;
	rc = vdsa_conn_open(sock, &b.conn);
	if (!rc)
		rc = vdsa_dev_open(b.conn, &b.dev);
	if (!rc)
		rc = vdsa_buf_alloc(b.conn, b.bufsize, &b.src);
	if (!rc)
		rc = vdsa_buf_alloc(b.conn, b.bufsize, &b.dst);
	if (!rc)
		rc = vdsa_buf_alloc(b.conn, 4096 * 4, &b.comp);
	if (rc) {
		fprintf(stderr, "bench_vdsa: %s: %s\n", sock, strerror(-rc));
		return 3;
	}
	b.info = vdsa_dev_info(b.dev);
	printf("virtual DSA: WQ size %u, max transfer %u bytes, %u MSI-X vectors\n\n",
	       b.info->wq_size, b.info->max_xfer_size, b.info->nr_vectors);
	bench_memmove(&b);
	bench_small(&b);
	vdsa_dev_close(b.dev);
	vdsa_conn_close(b.conn);
	return 0;
}
