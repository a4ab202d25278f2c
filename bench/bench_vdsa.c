// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_vdsa: what offloading to a virtual DSA costs and gives, measured
 * through siovd end to end (vfio-user, the vdcm, the emulated engines), each
 * figure next to a baseline measured in the same run on the same machine:
 *
 *   MEMMOVE throughput at 4 KiB .. 64 MiB   vs memcpy of the same buffers
 *   CRC_GEN throughput                      vs ISA-L crc32_iscsi() called directly
 *   DIF_INSERT / DIF_CHECK throughput (4 KiB blocks)
 *                                           vs ISA-L crc16_t10dif(_copy)() + tags
 *   64-byte MEMMOVE offload rate (mmap portal, pipelined, polling)
 *                                           vs a lock-free SPSC ring
 *                                              between two threads
 *   submit-to-completion latency p50/p99:
 *     mmap portal + polling                 vs SPSC ring round trip
 *     mmap portal + interrupt (IMS)         vs eventfd round trip
 *     trapped portal + polling              vs AF_UNIX socket round trip
 *
 *   bench_vdsa --socket PATH [--quick] [--csv FILE]
 *
 * Throughput figures keep the WQ full (up to wq_size descriptors in
 * flight, as a driver streaming work does) and run on the same buffers as
 * their baseline, one CPU core each. Output: one line per figure with both
 * values and their ratio; --csv also writes them as "figure,size,siovd,
 * baseline" rows for the plot. Wall-clock figures vary with the machine and
 * its load; the ratios are the point.
 */
#include <errno.h>
#include <getopt.h>
#include <isa-l/crc.h>
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
	FILE *csv;
};

static void csv_row(struct bench *b, const char *fig, size_t size, double dev, double base)
{
	if (b->csv)
		fprintf(b->csv, "%s,%zu,%.1f,%.1f\n", fig, size, dev, base);
}

static struct dsa_completion_record *comp_rec(struct bench *b, unsigned int i)
{
	return (struct dsa_completion_record *)((char *)b->comp->va + i * COMP_STRIDE);
}

static uint64_t comp_iova(struct bench *b, unsigned int i)
{
	return b->comp->iova + i * COMP_STRIDE;
}

/*
 * A stream of @n descriptors, descriptor i built by @fill; up to wq_size in
 * flight, completions polled in order. Return: 0, -errno, or -status.
 */
typedef void (*fill_fn)(struct bench *b, struct dsa_hw_desc *d, uint64_t comp, size_t i,
			const void *arg);

static int stream(struct bench *b, size_t n, fill_fn fill, const void *arg)
{
	unsigned int depth = b->info->wq_size;
	size_t head = 0, tail = 0;
	struct dsa_hw_desc d;
	int rc;

	while (tail < n) {
		while (head < n && head - tail < depth) {
			unsigned int slot = head % depth;

			memset(comp_rec(b, slot), 0, sizeof(struct dsa_completion_record));
			fill(b, &d, comp_iova(b, slot), head, arg);
			rc = vdsa_submit(b->dev, &d, VDSA_PORTAL_MMAP);
			if (rc)
				return rc;
			head++;
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

/* What one repetition of a figure covers: @size bytes in chunks of @chunk. */
struct job {
	size_t size, chunk, per_rep;
	uint32_t bs;		/* DIF block size */
};

static void job_init(struct job *j, struct bench *b, size_t size, size_t unit)
{
	j->size = size;
	j->chunk = b->info->max_xfer_size;
	if (unit)
		j->chunk -= j->chunk % unit;
	if (j->chunk > size)
		j->chunk = size;
	j->per_rep = (size + j->chunk - 1) / j->chunk;
	j->bs = 4096;
}

/* Chunk @i of the stream: offset and length within the repetition. */
static size_t job_chunk(const struct job *j, size_t i, size_t *len)
{
	size_t off = (i % j->per_rep) * j->chunk;

	*len = j->size - off < j->chunk ? j->size - off : j->chunk;
	return off;
}

static void fill_memmove(struct bench *b, struct dsa_hw_desc *d, uint64_t comp, size_t i,
			 const void *arg)
{
	size_t len, off = job_chunk(arg, i, &len);

	vdsa_desc_memmove(d, comp, b->dst->iova + off, b->src->iova + off, (uint32_t)len);
}

static void fill_crc(struct bench *b, struct dsa_hw_desc *d, uint64_t comp, size_t i,
		     const void *arg)
{
	size_t len, off = job_chunk(arg, i, &len);

	vdsa_desc_crcgen(d, comp, b->src->iova + off, (uint32_t)len, 0);
}

/* DIF Insert: src blocks -> dst blocks + DIFs (4 KiB blocks, ref tag = block). */
static void fill_dif_insert(struct bench *b, struct dsa_hw_desc *d, uint64_t comp, size_t i,
			    const void *arg)
{
	const struct job *j = arg;
	size_t len, off = job_chunk(j, i, &len);

	memset(d, 0, sizeof(*d));
	d->opcode = DSA_OPCODE_DIF_INS;
	d->flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
	d->completion_addr = comp;
	d->src_addr = b->src->iova + off;
	d->dst_addr = b->dst->iova + off / j->bs * (j->bs + 8);
	d->xfer_size = (uint32_t)len;
	d->dif_ins_flags = 2;		/* 4096-byte blocks */
	d->ins_ref_tag_seed = (uint32_t)(off / j->bs);
	d->ins_app_tag_seed = 0x5a5a;
}

/* DIF Check of what DIF Insert produced (dst as the source). */
static void fill_dif_check(struct bench *b, struct dsa_hw_desc *d, uint64_t comp, size_t i,
			   const void *arg)
{
	const struct job *j = arg;
	size_t len, off = job_chunk(j, i, &len);

	memset(d, 0, sizeof(*d));
	d->opcode = DSA_OPCODE_DIF_CHECK;
	d->flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
	d->completion_addr = comp;
	d->src_addr = b->dst->iova + off;
	d->xfer_size = (uint32_t)len;
	d->dif_chk_flags = 2;
	d->chk_ref_tag_seed = (uint32_t)(off / (j->bs + 8));
	d->chk_app_tag_seed = 0x5a5a;
}

static unsigned int reps_for(struct bench *b, size_t size)
{
	uint64_t target = b->quick ? (64ULL << 20) : (1ULL << 30);
	unsigned int reps = (unsigned int)(target / size);

	return reps < 4 ? 4 : reps;
}

/* Time @reps repetitions of a job on the device. Return: ns, 0 on failure. */
static uint64_t time_stream(struct bench *b, const struct job *j, unsigned int reps, fill_fn f)
{
	uint64_t t0;

	if (stream(b, j->per_rep, f, j))	/* warm up */
		return 0;
	t0 = now_ns();
	if (stream(b, (size_t)reps * j->per_rep, f, j))
		return 0;
	return now_ns() - t0;
}

static void print_tput(struct bench *b, const char *fig, const char *what, size_t size,
		       uint64_t t_dev, uint64_t t_cpu, unsigned int reps)
{
	char label[64];

	snprintf(label, sizeof(label), "  %s%zu KiB", what, size >> 10);
	printf("%-34s %14.0f %14.0f %8.2f\n", label, (double)size * reps / t_dev * 1e3,
	       (double)size * reps / t_cpu * 1e3, (double)t_cpu / t_dev);
	csv_row(b, fig, size, (double)size * reps / t_dev * 1e3, (double)size * reps / t_cpu * 1e3);
}

static void bench_memmove(struct bench *b)
{
	static const size_t sizes[] = { 4096, 65536, 1 << 20, 64 << 20 };
	unsigned int s;

	printf("%-34s %14s %14s %8s\n", "MEMMOVE throughput (MB/s)", "siovd", "memcpy", "ratio");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t size = sizes[s];
		unsigned int reps = reps_for(b, size), r;
		uint64_t t0, t_dev, t_cpu;
		struct job j;

		if (size > b->bufsize)
			continue;
		job_init(&j, b, size, 0);
		memset(b->src->va, 0x5a, size);
		memset(b->dst->va, 0, size);
		t_dev = time_stream(b, &j, reps, fill_memmove);
		if (!t_dev || memcmp(b->dst->va, b->src->va, size)) {
			printf("memmove %zu: offload failed or MISMATCH\n", size);
			exit(1);
		}
		memcpy(b->dst->va, b->src->va, size);
		t0 = now_ns();
		for (r = 0; r < reps; r++) {
			memcpy(b->dst->va, b->src->va, size);
			__asm__ volatile("" ::: "memory");
		}
		t_cpu = now_ns() - t0;
		print_tput(b, "memmove", "", size, t_dev, t_cpu, reps);
	}
}

static void bench_crc(struct bench *b)
{
	static const size_t sizes[] = { 4096, 65536, 1 << 20 };
	unsigned int s;

	printf("\n%-34s %14s %14s %8s\n", "CRC_GEN throughput (MB/s)", "siovd", "ISA-L", "ratio");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t size = sizes[s];
		unsigned int reps = reps_for(b, size), r;
		volatile uint32_t sink = 0;
		uint32_t want;
		uint64_t t0, t_dev, t_cpu;
		struct job j;

		job_init(&j, b, size, 0);
		memset(b->src->va, 0xa5, size);
		t_dev = time_stream(b, &j, reps, fill_crc);
		want = ~crc32_iscsi(b->src->va, (int)size, ~0U);
		if (!t_dev || stream(b, 1, fill_crc, &j) ||
		    (uint32_t)comp_rec(b, 0)->crc_val != want) {
			printf("crc %zu: offload failed or wrong CRC\n", size);
			exit(1);
		}
		t0 = now_ns();
		for (r = 0; r < reps; r++)
			sink += crc32_iscsi(b->src->va, (int)size, ~0U);
		t_cpu = now_ns() - t0;
		print_tput(b, "crc", "", size, t_dev, t_cpu, reps);
		(void)sink;
	}
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	while (n--)
		*p++ = (uint8_t)(v >> (8 * n));
}

/* The CPU's DIF Insert of @size bytes: what ISA-L gives a driver without DSA. */
static void cpu_dif_insert(uint8_t *dst, const uint8_t *src, size_t size)
{
	size_t k;

	for (k = 0; k < size / 4096; k++) {
		uint8_t *o = dst + k * 4104;
		uint16_t g = crc16_t10dif_copy(0, o, (uint8_t *)src + k * 4096, 4096);

		put_be(o + 4096, g, 2);
		put_be(o + 4098, 0x5a5a, 2);
		put_be(o + 4100, k, 4);
	}
}

static int cpu_dif_check(const uint8_t *src, size_t size)
{
	size_t k;
	int bad = 0;

	for (k = 0; k < size / 4104; k++) {
		const uint8_t *p = src + k * 4104;
		uint16_t g = crc16_t10dif(0, p, 4096);

		bad |= p[4096] != (uint8_t)(g >> 8) || p[4097] != (uint8_t)g ||
		       p[4098] != 0x5a || p[4099] != 0x5a || p[4103] != (uint8_t)k;
	}
	return bad;
}

static void bench_dif(struct bench *b)
{
	static const size_t sizes[] = { 65536, 1 << 20 };
	unsigned int s;

	printf("\n%-34s %14s %14s %8s\n", "DIF throughput, 4 KiB blocks (MB/s)", "siovd", "ISA-L",
	       "ratio");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t size = sizes[s], psize = size / 4096 * 4104;
		unsigned int reps = reps_for(b, size), r;
		uint64_t t0, t_dev, t_cpu;
		struct job j;
		uint8_t *ref;

		if (psize > b->bufsize)
			continue;
		memset(b->src->va, 0x3c, size);
		/* Insert, against the CPU doing the same */
		job_init(&j, b, size, 4096);
		t_dev = time_stream(b, &j, reps, fill_dif_insert);
		ref = malloc(psize);
		cpu_dif_insert(ref, b->src->va, size);
		if (!t_dev || memcmp(ref, b->dst->va, psize)) {
			printf("dif insert %zu: offload failed or wrong DIFs\n", size);
			exit(1);
		}
		free(ref);
		t0 = now_ns();
		for (r = 0; r < reps; r++)
			cpu_dif_insert(b->dst->va, b->src->va, size);
		t_cpu = now_ns() - t0;
		print_tput(b, "dif-insert", "insert ", size, t_dev, t_cpu, reps);
		/* Check of the protected data, counting the data bytes */
		job_init(&j, b, psize, 4104);
		t_dev = time_stream(b, &j, reps, fill_dif_check);
		if (!t_dev) {
			printf("dif check %zu: offload failed\n", size);
			exit(1);
		}
		t0 = now_ns();
		for (r = 0; r < reps; r++)
			if (cpu_dif_check(b->dst->va, psize))
				exit(1);
		t_cpu = now_ns() - t0;
		print_tput(b, "dif-check", "check ", size, t_dev, t_cpu, reps);
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

static void print_lat(struct bench *b, const char *fig, const char *label, uint64_t *dev,
		      uint64_t *base, unsigned int n, const char *base_name)
{
	double d50, d99, b50, b99;

	percentiles(dev, n, &d50, &d99);
	percentiles(base, n, &b50, &b99);
	csv_row(b, fig, 50, d50, b50);
	csv_row(b, fig, 99, d99, b99);
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
	csv_row(b, "rate64", 64, dev_rate, ring_rate);

	printf("\n%-34s %14s %14s %8s\n", "latency p50/p99 (us)", "siovd", "baseline", "ratio");
	if (!latency_64(b, VDSA_PORTAL_MMAP, VDSA_WAIT_POLL, lat, n)) {
		ring_run(n, base);
		print_lat(b, "lat-mmap-poll", "  mmap portal, polling", lat, base, n, "SPSC ring round trip");
	}
	if (!latency_64(b, VDSA_PORTAL_MMAP, VDSA_WAIT_IRQ, lat, n)) {
		pingpong_run(false, base, n);
		print_lat(b, "lat-mmap-irq", "  mmap portal, interrupt (IMS)", lat, base, n, "eventfd round trip");
	}
	if (!latency_64(b, VDSA_PORTAL_TRAPPED, VDSA_WAIT_POLL, lat, n)) {
		pingpong_run(true, base, n);
		print_lat(b, "lat-trapped-poll", "  trapped portal, polling", lat, base, n, "AF_UNIX round trip");
	}
	free(lat);
	free(base);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "quick", no_argument, NULL, 'q' },
		{ "csv", required_argument, NULL, 'c' },
		{ 0 },
	};
	struct bench b = { .bufsize = 64 << 20 };
	const char *sock = NULL;
	int c, rc;

	while ((c = getopt_long(argc, argv, "s:qc:", opts, NULL)) != -1) {
		if (c == 's') {
			sock = optarg;
		} else if (c == 'q') {
			b.quick = true;
		} else if (c == 'c') {
			b.csv = fopen(optarg, "w");
			if (!b.csv) {
				perror(optarg);
				return 2;
			}
		} else {
			return 2;
		}
	}
	if (!sock) {
		fprintf(stderr, "usage: bench_vdsa --socket PATH [--quick] [--csv FILE]\n");
		return 2;
	}
	if (b.quick)
		b.bufsize = 2 << 20;
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
	bench_crc(&b);
	bench_dif(&b);
	bench_small(&b);
	if (b.csv)
		fclose(b.csv);
	vdsa_dev_close(b.dev);
	vdsa_conn_close(b.conn);
	return 0;
}
