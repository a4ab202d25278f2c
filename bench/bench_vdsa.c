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
 *                                              between two threads, as many
 *                                              items in flight as the WQ
 *                                              holds, both sides waiting
 *                                              as libvdsa and the engines do
 *   submit-to-completion latency p50/p99:
 *     mmap portal + polling                 vs SPSC ring round trip
 *     mmap portal + interrupt (IMS)         vs eventfd round trip
 *     trapped portal + polling              vs AF_UNIX socket round trip
 *
 *   bench_vdsa --socket PATH [--quick] [--rounds N] [--only memmove,crc,dif,small|none]
 *              [--peer-cpu N] [--baseline-cpu N] [--siovd-pid PID] [--hold SECONDS]
 *              [--csv FILE]
 *
 * Throughput figures keep the WQ full (up to wq_size descriptors in
 * flight, as a driver streaming work does) and run on the same buffers as
 * their baseline, the baseline on this thread's core (or --baseline-cpu's).
 * Every figure is measured in N paired rounds (default 7, --quick 3): the device and its
 * baseline back to back, in alternating order, so that what else runs on
 * the machine at that moment weighs on both; the figure is the median of
 * the per-round ratios (latencies: percentiles of the pooled samples of
 * alternating blocks). Output: one line per figure with both values and
 * the ratio; --csv also writes "figure,size,siovd,baseline,ratio" rows for
 * the plot. --peer-cpu puts the second thread of the two-thread baselines
 * (ring consumer, eventfd and socket peers) on CPU N: with this program on
 * one CPU and siovd on N, each baseline thread runs where its device
 * counterpart (client, engine) does. --baseline-cpu runs the throughput
 * baselines on CPU N instead of this thread's core (this thread moves there
 * for each baseline phase): with N the engine's CPU, engine and baseline
 * compare on one core. --hold keeps the device open, its
 * portal mapped, for that long before exiting (idle cost with a client).
 * Wall-clock figures vary with the machine and its load; the ratios are the
 * point.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <isa-l/crc.h>
#include <pthread.h>
#include <sched.h>
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
#define MAX_ROUNDS	31

enum { FIG_MEMMOVE = 1, FIG_CRC = 2, FIG_DIF = 4, FIG_SMALL = 8, FIG_ALL = 15, FIG_NONE = 16 };

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
	struct vdsa_buf *list;	/* BATCH descriptor lists, one per WQ entry */
	size_t bufsize;
	bool quick;
	unsigned int rounds;	/* paired rounds per figure, 1..MAX_ROUNDS */
	unsigned int only;	/* FIG_* bits to run */
	FILE *csv;
};

/* "figure,size,siovd,baseline,ratio": ratio is the median of the per-round ratios. */
static void csv_row(struct bench *b, const char *fig, size_t size, double dev, double base,
		    double ratio)
{
	if (b->csv)
		fprintf(b->csv, "%s,%zu,%.1f,%.1f,%.3f\n", fig, size, dev, base, ratio);
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

/*
 * Paired rounds. A figure is measured in b->rounds rounds; each round times
 * the device and then the baseline on the same work (every other round the
 * baseline first), back to back, so that what else the machine does at
 * that moment weighs on both. The figure is the median of the per-round
 * ratios, next to the medians of both throughputs.
 */
struct rounds {
	double dev[MAX_ROUNDS], base[MAX_ROUNDS], ratio[MAX_ROUNDS];
	/* with --siovd-pid: CPU-time ratio and the engine's runqueue share */
	double cpu_ratio[MAX_ROUNDS], eng_wait[MAX_ROUNDS], cli_wait[MAX_ROUNDS];
	unsigned int n;
};

/*
 * Where the time goes. The scheduler accounts each thread's time on a CPU
 * and its time runnable but waiting for one (/proc/.../schedstat). With
 * siovd's pid (--siovd-pid) each throughput round also reports:
 *  - the CPU-time ratio: bytes per second of engine CPU time against bytes
 *    per second of this thread's CPU time in the baseline, which is what
 *    the engine achieves with the CPU it got (its overhead alone);
 *  - the engine's runqueue share: of the time it wanted to run during the
 *    device phase, how much it waited for its CPU (contention).
 */
struct cputime {
	uint64_t run, wait;	/* ns */
};

static int siovd_pid = -1;

static void schedstat_add(const char *path, struct cputime *t)
{
	unsigned long long run, wait;
	FILE *f = fopen(path, "r");

	if (!f)
		return;
	if (fscanf(f, "%llu %llu", &run, &wait) == 2) {
		t->run += run;
		t->wait += wait;
	}
	fclose(f);
}

/* Summed schedstat of siovd's engine threads (comm "dsa-eng*"). */
static void engine_time(struct cputime *t)
{
	char path[300], comm[32];
	struct dirent *de;
	DIR *dir;

	memset(t, 0, sizeof(*t));
	if (siovd_pid < 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/task", siovd_pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((de = readdir(dir))) {
		FILE *f;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/comm", siovd_pid, de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, "dsa-eng", 7)) {
			snprintf(path, sizeof(path), "/proc/%d/task/%s/schedstat", siovd_pid,
				 de->d_name);
			schedstat_add(path, t);
		}
		fclose(f);
	}
	closedir(dir);
}

/*
 * This thread: CPU time from its CPU clock (schedstat's lags by up to a
 * scheduler tick while the thread runs), runqueue wait from schedstat
 * (updated whenever the thread gets a CPU).
 */
static void self_time(struct cputime *t)
{
	struct timespec ts;

	memset(t, 0, sizeof(*t));
	schedstat_add("/proc/thread-self/schedstat", t);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	t->run = (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(const double *v, unsigned int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/*
 * Repetitions of @size bytes per round: 256 MiB of work (quick: 32 MiB), at
 * least 4, so that a round lasts several scheduler ticks.
 */
static unsigned int reps_for(struct bench *b, size_t size)
{
	uint64_t target = b->quick ? (32ULL << 20) : (256ULL << 20);
	unsigned int reps = (unsigned int)(target / size);

	return reps < 4 ? 4 : reps;
}

/*
 * Wake the engine before a timed phase: a NOOP through the mapped portal,
 * waited for. An engine idle for a while sleeps in steps of up to 1 ms and
 * a store into a mapped portal cannot wake it (docs/dsa-model.md), so
 * without this a device phase would start with up to 1 ms of nothing: the
 * mapped path's first-descriptor latency, which the latency figures
 * measure, not its throughput. Return: 0 or -errno.
 */
static int wake_engine(struct bench *b)
{
	struct dsa_hw_desc d;
	int rc;

	memset(comp_rec(b, 0), 0, sizeof(struct dsa_completion_record));
	vdsa_desc_nop(&d, comp_iova(b, 0));
	rc = vdsa_submit(b->dev, &d, VDSA_PORTAL_MMAP);
	if (rc)
		return rc;
	rc = vdsa_wait(b->dev, comp_rec(b, 0), VDSA_WAIT_POLL, 10000);
	return rc < 0 ? rc : 0;
}

/* Time @reps repetitions of a job on the device. Return: ns, 0 on failure. */
static uint64_t time_stream(struct bench *b, const struct job *j, unsigned int reps, fill_fn f)
{
	uint64_t t0;

	if (wake_engine(b))
		return 0;
	t0 = now_ns();

	if (stream(b, (size_t)reps * j->per_rep, f, j))
		return 0;
	return now_ns() - t0;
}

/* The baseline of a figure: @reps repetitions on this core. Return: ns, 0 on failure. */
typedef uint64_t (*cpu_fn)(struct bench *b, const struct job *j, unsigned int reps);

/* CPU the throughput baselines run on (--baseline-cpu), -1: this thread's own */
static int base_cpu = -1;

/*
 * Run a throughput baseline, on base_cpu when one was given: this thread
 * moves there for the baseline and back afterwards, so the baseline and
 * the engine use the same core (the engine sleeps meanwhile).
 */
static uint64_t run_baseline(struct bench *b, const struct job *j, unsigned int reps, cpu_fn cpu)
{
	cpu_set_t own, set;
	uint64_t t;

	if (base_cpu < 0 || sched_getaffinity(0, sizeof(own), &own))
		return cpu(b, j, reps);
	CPU_ZERO(&set);
	CPU_SET(base_cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return cpu(b, j, reps);
	t = cpu(b, j, reps);
	sched_setaffinity(0, sizeof(own), &own);
	return t;
}

/*
 * Measure one throughput figure: a warm-up of each side, then the paired
 * rounds. Return: 0, or -1 when the device failed.
 */
static int measure_tput(struct bench *b, const struct job *j, fill_fn f, cpu_fn cpu,
			struct rounds *out)
{
	unsigned int reps = reps_for(b, j->size), r;

	if (!time_stream(b, j, 1, f) || !run_baseline(b, j, 1, cpu))
		return -1;
	for (r = 0; r < b->rounds; r++) {
		struct cputime e0, e1, c0, c1, d0, d1;
		uint64_t t_dev = 0, t_cpu = 0, e_run;

		if (r % 2) {
			self_time(&c0);
			t_cpu = run_baseline(b, j, reps, cpu);
			self_time(&c1);
		}
		engine_time(&e0);
		self_time(&d0);
		t_dev = time_stream(b, j, reps, f);
		self_time(&d1);
		/*
		 * An engine's schedstat is current once it passed through the
		 * scheduler: an idle engine yields every few microseconds.
		 */
		if (siovd_pid >= 0)
			usleep(200);
		engine_time(&e1);
		if (!(r % 2)) {
			self_time(&c0);
			t_cpu = run_baseline(b, j, reps, cpu);
			self_time(&c1);
		}
		if (!t_dev || !t_cpu)
			return -1;
		out->dev[r] = (double)j->size * reps / t_dev * 1e3;	/* MB/s */
		out->base[r] = (double)j->size * reps / t_cpu * 1e3;
		out->ratio[r] = (double)t_cpu / t_dev;
		e_run = e1.run - e0.run;
		out->cpu_ratio[r] = e_run ? (double)(c1.run - c0.run) / e_run : 0;
		out->eng_wait[r] = e_run ? (double)(e1.wait - e0.wait) / (e_run + e1.wait - e0.wait) : 0;
		out->cli_wait[r] = (double)(d1.wait - d0.wait) / (d1.run - d0.run + d1.wait - d0.wait + 1);
	}
	out->n = b->rounds;
	return 0;
}

static void print_tput(struct bench *b, const char *fig, const char *what, size_t size,
		       const struct rounds *m)
{
	double lo = m->ratio[0], hi = m->ratio[0];
	char label[64];
	unsigned int i;

	for (i = 1; i < m->n; i++) {
		lo = m->ratio[i] < lo ? m->ratio[i] : lo;
		hi = m->ratio[i] > hi ? m->ratio[i] : hi;
	}
	snprintf(label, sizeof(label), "  %s%zu KiB", what, size >> 10);
	printf("%-34s %14.0f %14.0f %8.2f  (%.2f..%.2f)", label, median(m->dev, m->n),
	       median(m->base, m->n), median(m->ratio, m->n), lo, hi);
	if (siovd_pid >= 0)
		printf("  cpu-time %.2f, waited: engine %2.0f%% client %2.0f%%",
		       median(m->cpu_ratio, m->n), 100 * median(m->eng_wait, m->n),
		       100 * median(m->cli_wait, m->n));
	printf("\n");
	csv_row(b, fig, size, median(m->dev, m->n), median(m->base, m->n), median(m->ratio, m->n));
	if (b->csv && siovd_pid >= 0)
		fprintf(b->csv, "%s-cpu,%zu,,,%.3f,%.3f\n", fig, size, median(m->cpu_ratio, m->n),
			median(m->eng_wait, m->n));
}

static uint64_t cpu_memcpy(struct bench *b, const struct job *j, unsigned int reps)
{
	uint64_t t0 = now_ns();
	unsigned int r;

	for (r = 0; r < reps; r++) {
		memcpy(b->dst->va, b->src->va, j->size);
		__asm__ volatile("" ::: "memory");
	}
	return now_ns() - t0;
}

/*
 * MEMMOVE in BATCHes: each descriptor a BATCH of BATCH_N 4 KiB moves, one
 * completion record per batch, against the same moves by memcpy(). Where
 * the per-descriptor cost of small transfers goes: one portal write and one
 * record per batch instead of per move (DSA spec rev 2.0, Batch).
 */
#define BATCH_N		16
#define BATCH_UNIT	4096

static void fill_batch(struct bench *b, struct dsa_hw_desc *d, uint64_t comp, size_t i,
		       const void *arg)
{
	unsigned int slot = (unsigned int)(i % b->info->wq_size);

	(void)arg;
	memset(d, 0, sizeof(*d));
	d->opcode = DSA_OPCODE_BATCH;
	d->flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
	d->completion_addr = comp;
	d->desc_list_addr = b->list->iova + (uint64_t)slot * BATCH_N * sizeof(*d);
	d->desc_count = BATCH_N;
}

/* The members of every list: move unit k of the 64 KiB, no record of its own. */
static void batch_lists_init(struct bench *b)
{
	unsigned int s, k;

	for (s = 0; s < b->info->wq_size; s++) {
		struct dsa_hw_desc *m = (struct dsa_hw_desc *)b->list->va + (size_t)s * BATCH_N;

		for (k = 0; k < BATCH_N; k++) {
			memset(&m[k], 0, sizeof(m[k]));
			m[k].opcode = DSA_OPCODE_MEMMOVE;
			m[k].src_addr = b->src->iova + (uint64_t)k * BATCH_UNIT;
			m[k].dst_addr = b->dst->iova + (uint64_t)k * BATCH_UNIT;
			m[k].xfer_size = BATCH_UNIT;
		}
	}
}

static uint64_t cpu_memcpy_units(struct bench *b, const struct job *j, unsigned int reps)
{
	uint64_t t0 = now_ns();
	unsigned int r, k;

	for (r = 0; r < reps; r++) {
		for (k = 0; k < BATCH_N; k++)
			memcpy((char *)b->dst->va + (size_t)k * j->bs,
			       (const char *)b->src->va + (size_t)k * j->bs, j->bs);
		__asm__ volatile("" ::: "memory");
	}
	return now_ns() - t0;
}

static void bench_batch(struct bench *b)
{
	size_t size = (size_t)BATCH_N * BATCH_UNIT;
	struct rounds m;
	struct job j;

	job_init(&j, b, size, 0);
	j.bs = BATCH_UNIT;	/* the baseline's unit */
	batch_lists_init(b);
	memset(b->src->va, 0x6b, size);
	memset(b->dst->va, 0, size);
	if (measure_tput(b, &j, fill_batch, cpu_memcpy_units, &m) ||
	    (memset(b->dst->va, 0, size), stream(b, j.per_rep, fill_batch, &j)) ||
	    memcmp(b->dst->va, b->src->va, size)) {
		printf("memmove batch: offload failed or MISMATCH\n");
		exit(1);
	}
	print_tput(b, "memmove-batch16", "16 x 4 KiB in a BATCH: ", size, &m);
}

static void bench_memmove(struct bench *b)
{
	static const size_t sizes[] = { 4096, 65536, 1 << 20, 64 << 20 };
	unsigned int s;

	printf("%-34s %14s %14s %8s\n", "MEMMOVE throughput (MB/s)", "siovd", "memcpy", "ratio");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t size = sizes[s];
		struct rounds m;
		struct job j;

		if (size > b->bufsize)
			continue;
		job_init(&j, b, size, 0);
		memset(b->src->va, 0x5a, size);
		memset(b->dst->va, 0, size);
		if (measure_tput(b, &j, fill_memmove, cpu_memcpy, &m) ||
		    (memset(b->dst->va, 0, size), stream(b, j.per_rep, fill_memmove, &j)) ||
		    memcmp(b->dst->va, b->src->va, size)) {
			printf("memmove %zu: offload failed or MISMATCH\n", size);
			exit(1);
		}
		print_tput(b, "memmove", "", size, &m);
	}
	bench_batch(b);
}

static uint64_t cpu_crc(struct bench *b, const struct job *j, unsigned int reps)
{
	volatile uint32_t sink = 0;
	uint64_t t0 = now_ns();
	unsigned int r;

	for (r = 0; r < reps; r++)
		sink += crc32_iscsi(b->src->va, (int)j->size, ~0U);
	(void)sink;
	return now_ns() - t0;
}

static void bench_crc(struct bench *b)
{
	static const size_t sizes[] = { 4096, 65536, 1 << 20 };
	unsigned int s;

	printf("\n%-34s %14s %14s %8s\n", "CRC_GEN throughput (MB/s)", "siovd", "ISA-L", "ratio");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t size = sizes[s];
		struct rounds m;
		uint32_t want;
		struct job j;

		job_init(&j, b, size, 0);
		memset(b->src->va, 0xa5, size);
		want = ~crc32_iscsi(b->src->va, (int)size, ~0U);
		if (measure_tput(b, &j, fill_crc, cpu_crc, &m) || stream(b, 1, fill_crc, &j) ||
		    (uint32_t)comp_rec(b, 0)->crc_val != want) {
			printf("crc %zu: offload failed or wrong CRC\n", size);
			exit(1);
		}
		print_tput(b, "crc", "", size, &m);
	}
}

static void put_be(uint8_t *p, uint64_t v, int n)
{
	while (n--)
		*p++ = (uint8_t)(v >> (8 * n));
}

/*
 * The CPU's DIF Insert of @size bytes: what ISA-L gives a driver without
 * DSA, done the fastest way it allows (memcpy and crc16_t10dif() of each
 * block run about twice as fast as crc16_t10dif_copy() here; the device
 * model does the same).
 */
static void cpu_dif_insert(uint8_t *dst, const uint8_t *src, size_t size)
{
	size_t k;

	for (k = 0; k < size / 4096; k++) {
		uint8_t *o = dst + k * 4104;
		uint16_t g;

		memcpy(o, src + k * 4096, 4096);
		g = crc16_t10dif(0, src + k * 4096, 4096);

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

/* DIF baselines: @j->size is the data (insert) or protected (check) size. */
static uint64_t cpu_dif_ins(struct bench *b, const struct job *j, unsigned int reps)
{
	uint64_t t0 = now_ns();
	unsigned int r;

	for (r = 0; r < reps; r++) {
		cpu_dif_insert(b->dst->va, b->src->va, j->size);
		__asm__ volatile("" ::: "memory");
	}
	return now_ns() - t0;
}

static uint64_t cpu_dif_chk(struct bench *b, const struct job *j, unsigned int reps)
{
	uint64_t t0 = now_ns();
	unsigned int r;

	for (r = 0; r < reps; r++)
		if (cpu_dif_check(b->dst->va, j->size))
			return 0;
	return now_ns() - t0;
}

static void bench_dif(struct bench *b)
{
	static const size_t sizes[] = { 65536, 1 << 20 };
	unsigned int s;

	printf("\n%-34s %14s %14s %8s\n", "DIF throughput, 4 KiB blocks (MB/s)", "siovd", "ISA-L",
	       "ratio");
	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t size = sizes[s], psize = size / 4096 * 4104;
		struct rounds m;
		struct job j;
		uint8_t *ref;

		if (psize > b->bufsize)
			continue;
		memset(b->src->va, 0x3c, size);
		/* Insert, against the CPU doing the same */
		job_init(&j, b, size, 4096);
		ref = malloc(psize);
		if (!ref)
			exit(1);
		cpu_dif_insert(ref, b->src->va, size);
		if (measure_tput(b, &j, fill_dif_insert, cpu_dif_ins, &m) ||
		    (memset(b->dst->va, 0, psize), stream(b, j.per_rep, fill_dif_insert, &j)) ||
		    memcmp(ref, b->dst->va, psize)) {
			printf("dif insert %zu: offload failed or wrong DIFs\n", size);
			exit(1);
		}
		free(ref);
		print_tput(b, "dif-insert", "insert ", size, &m);
		/* Check of the protected data, counted in protected bytes on both sides */
		job_init(&j, b, psize, 4104);
		if (measure_tput(b, &j, fill_dif_check, cpu_dif_chk, &m)) {
			printf("dif check %zu: offload failed\n", size);
			exit(1);
		}
		print_tput(b, "dif-check", "check ", size, &m);
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

/*
 * How both sides of the ring wait: as libvdsa's polling (bursts of 32
 * pause-spins, a yield between bursts) and an idle engine (a yield every 16
 * passes) do, so that on a loaded machine the baseline and the device meet
 * the same scheduler.
 */
/* CPU the baselines' second thread runs on (--peer-cpu), -1: anywhere */
static int peer_cpu = -1;

/* Start a baseline's second thread, on peer_cpu when one was given. */
static void peer_start(pthread_t *th, void *(*fn)(void *), void *arg)
{
	pthread_attr_t attr;
	cpu_set_t set;

	pthread_attr_init(&attr);
	if (peer_cpu >= 0) {
		CPU_ZERO(&set);
		CPU_SET(peer_cpu, &set);
		pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
	}
	if (pthread_create(th, &attr, fn, arg)) {
		fprintf(stderr, "bench_vdsa: cannot start a baseline thread\n");
		exit(1);
	}
	pthread_attr_destroy(&attr);
}

#define RING_CLIENT_BURST	32
#define RING_ENGINE_BURST	16

static void ring_relax(unsigned int *spins, unsigned int burst)
{
	if (++*spins % burst)
		__builtin_ia32_pause();
	else
		sched_yield();
}

static void *ring_consumer(void *arg)
{
	struct ring *r = arg;
	unsigned int spins = 0;
	uint64_t t = 0;

	while (!atomic_load_explicit(&r->stop, memory_order_relaxed)) {
		if (atomic_load_explicit(&r->head, memory_order_acquire) == t) {
			ring_relax(&spins, RING_ENGINE_BURST);
			continue;
		}
		/* the "engine": copy 64 bytes, publish completion */
		memcpy(r->dst[t % RING_SLOTS], r->slot[t % RING_SLOTS], 64);
		atomic_store_explicit(&r->tail, ++t, memory_order_release);
	}
	return NULL;
}

/*
 * Pipelined rate (ops/s) with up to @depth items in flight (the device's
 * WQ size: the same window as the device gets) and, with @lat, ping-pong
 * latencies (one in flight).
 */
static double ring_run(uint64_t ops, unsigned int depth, uint64_t *lat)
{
	struct ring *r = aligned_alloc(64, sizeof(*r));
	unsigned int spins = 0;
	uint64_t h = 0, t0, i;
	pthread_t th;
	double rate;

	if (!r)
		exit(1);
	if (lat || depth > RING_SLOTS)
		depth = lat ? 1 : RING_SLOTS;
	memset(r, 0, sizeof(*r));
	peer_start(&th, ring_consumer, r);
	t0 = now_ns();
	for (i = 0; i < ops; i++) {
		uint64_t ts = now_ns();

		while (h - atomic_load_explicit(&r->tail, memory_order_acquire) >= depth)
			ring_relax(&spins, RING_CLIENT_BURST);
		memset(r->slot[h % RING_SLOTS], (int)i, 64);
		atomic_store_explicit(&r->head, ++h, memory_order_release);
		if (lat) {
			while (atomic_load_explicit(&r->tail, memory_order_acquire) != h)
				ring_relax(&spins, RING_CLIENT_BURST);
			lat[i] = now_ns() - ts;
		}
	}
	while (atomic_load_explicit(&r->tail, memory_order_acquire) != h)
		ring_relax(&spins, RING_CLIENT_BURST);
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

static void pingpong_run(bool sock, uint64_t *lat, unsigned int n, unsigned int idle_us)
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
	peer_start(&th, pp_peer, &p);
	for (i = 0; i < n; i++) {
		if (idle_us)
			usleep(idle_us);
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
	csv_row(b, fig, 50, d50, b50, b50 / d50);
	csv_row(b, fig, 99, d99, b99, b99 / d99);
	printf("%-34s %6.1f/%-7.1f %6.1f/%-7.1f %8.2f  (baseline: %s)\n", label, d50, d99, b50,
	       b99, b50 / d50, base_name);
}

/*
 * Latency of one kind: @n samples of each side, taken in b->rounds
 * alternating blocks so that both see the same moments of the machine;
 * percentiles of the pooled samples. Return: 0 or the device's error.
 */
static int measure_lat(struct bench *b, enum vdsa_portal portal, enum vdsa_wait wait,
		       int base_kind, uint64_t *lat, uint64_t *base, unsigned int n)
{
	unsigned int k = n / b->rounds, r;
	int rc;

	for (r = 0; r < b->rounds; r++) {
		if (r % 2 == 0) {
			rc = latency_64(b, portal, wait, lat + r * k, k);
			if (rc)
				return rc;
		}
		if (base_kind == 0)
			ring_run(k, 1, base + r * k);
		else
			pingpong_run(base_kind == 2, base + r * k, k, 0);
		if (r % 2 == 1) {
			rc = latency_64(b, portal, wait, lat + r * k, k);
			if (rc)
				return rc;
		}
	}
	return 0;
}

/*
 * First-descriptor latency after @idle_us of idleness: a 64-byte MEMMOVE
 * through the mapped portal, polled, against an eventfd round trip to a
 * peer blocked for as long. An idle engine sleeps in steps growing to 1 ms
 * and a store into a mapped page wakes nobody (docs/dsa-model.md, the
 * mmap-portal trade-off): this is what the first descriptor of a burst
 * pays, which the throughput figures leave out. Pooled, alternating blocks.
 */
static void bench_wake(struct bench *b, unsigned int idle_us)
{
	unsigned int n = b->quick ? 40 : 200, k = n / b->rounds, r, i;
	uint64_t *lat = calloc(n, sizeof(*lat)), *base = calloc(n, sizeof(*base));
	char label[64];

	if (!lat || !base)
		exit(1);
	for (r = 0; r < b->rounds; r++) {
		for (i = 0; i < k; i++) {
			usleep(idle_us);
			if (latency_64(b, VDSA_PORTAL_MMAP, VDSA_WAIT_POLL, lat + r * k + i, 1)) {
				printf("idle latency failed\n");
				exit(1);
			}
		}
		pingpong_run(false, base + r * k, k, idle_us);
	}
	snprintf(label, sizeof(label), "  mmap portal, polling, %u ms idle", idle_us / 1000);
	print_lat(b, "lat-mmap-idle", label, lat, base, k * b->rounds,
		  "eventfd round trip, peer idle as long");
	free(lat);
	free(base);
}

static void bench_small(struct bench *b)
{
	unsigned int n = b->quick ? 3000 : 30000, k, r;
	uint64_t *lat = calloc(n, sizeof(*lat)), *base = calloc(n, sizeof(*base));
	uint64_t ops = (b->quick ? 30000 : 300000) / b->rounds;
	struct rounds m = { .n = b->rounds };

	if (!lat || !base)
		exit(1);
	for (r = 0; r < b->rounds; r++) {
		if (r % 2)
			m.base[r] = ring_run(ops, b->info->wq_size, NULL);
		m.dev[r] = offload_rate_64(b, ops);
		if (!(r % 2))
			m.base[r] = ring_run(ops, b->info->wq_size, NULL);
		if (m.dev[r] < 0) {
			printf("64-byte offload failed\n");
			exit(1);
		}
		m.ratio[r] = m.dev[r] / m.base[r];
	}
	printf("\n%-34s %14s %14s %8s\n", "64-byte MEMMOVE rate (ops/s)", "siovd", "SPSC ring",
	       "ratio");
	printf("%-34s %14.0f %14.0f %8.2f\n", "  mmap portal, polling, pipelined",
	       median(m.dev, m.n), median(m.base, m.n), median(m.ratio, m.n));
	csv_row(b, "rate64", 64, median(m.dev, m.n), median(m.base, m.n), median(m.ratio, m.n));

	k = n / b->rounds * b->rounds;
	printf("\n%-34s %14s %14s %8s\n", "latency p50/p99 (us)", "siovd", "baseline", "ratio");
	if (!measure_lat(b, VDSA_PORTAL_MMAP, VDSA_WAIT_POLL, 0, lat, base, n))
		print_lat(b, "lat-mmap-poll", "  mmap portal, polling", lat, base, k,
			  "SPSC ring round trip");
	if (!measure_lat(b, VDSA_PORTAL_MMAP, VDSA_WAIT_IRQ, 1, lat, base, n))
		print_lat(b, "lat-mmap-irq", "  mmap portal, interrupt (IMS)", lat, base, k,
			  "eventfd round trip");
	if (!measure_lat(b, VDSA_PORTAL_TRAPPED, VDSA_WAIT_POLL, 2, lat, base, n))
		print_lat(b, "lat-trapped-poll", "  trapped portal, polling", lat, base, k,
			  "AF_UNIX round trip");
	bench_wake(b, 5000);
	free(lat);
	free(base);
}

/* Return: FIG_* bits, FIG_NONE for "none", 0 on an unknown name. */
static unsigned int parse_only(const char *arg)
{
	static const char *const names[] = { "memmove", "crc", "dif", "small" };
	unsigned int mask = 0, i;
	char *list = strdup(arg), *save = NULL, *tok;

	if (!strcmp(arg, "none")) {
		free(list);
		return FIG_NONE;
	}
	for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < 4 && strcmp(tok, names[i]); i++)
			;
		if (i == 4) {
			fprintf(stderr, "bench_vdsa: unknown figure group '%s' (memmove, crc, dif, small, none)\n",
				tok);
			free(list);
			return 0;
		}
		mask |= 1U << i;
	}
	free(list);
	return mask;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "quick", no_argument, NULL, 'q' },
		{ "csv", required_argument, NULL, 'c' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "only", required_argument, NULL, 'o' },
		{ "peer-cpu", required_argument, NULL, 'p' },
		{ "siovd-pid", required_argument, NULL, 'i' },
		{ "hold", required_argument, NULL, 'H' },
		{ "baseline-cpu", required_argument, NULL, 'B' },
		{ 0 },
	};
	struct bench b = { .bufsize = 64 << 20, .only = FIG_ALL };
	const char *sock = NULL;
	unsigned int hold = 0;
	int c, rc;

	while ((c = getopt_long(argc, argv, "s:qc:r:o:p:i:H:B:", opts, NULL)) != -1) {
		if (c == 's') {
			sock = optarg;
		} else if (c == 'q') {
			b.quick = true;
		} else if (c == 'r') {
			b.rounds = (unsigned int)strtoul(optarg, NULL, 10);
			if (b.rounds < 1 || b.rounds > MAX_ROUNDS) {
				fprintf(stderr, "bench_vdsa: --rounds takes 1..%d\n", MAX_ROUNDS);
				return 2;
			}
		} else if (c == 'H') {
			hold = (unsigned int)atoi(optarg);
		} else if (c == 'i') {
			siovd_pid = atoi(optarg);
		} else if (c == 'p') {
			peer_cpu = atoi(optarg);
		} else if (c == 'B') {
			base_cpu = atoi(optarg);
		} else if (c == 'o') {
			b.only = parse_only(optarg);
			if (!b.only)
				return 2;
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
		fprintf(stderr, "usage: bench_vdsa --socket PATH [--quick] [--rounds N] "
			"[--only memmove,crc,dif,small|none] [--peer-cpu N] [--baseline-cpu N] [--siovd-pid PID] "
			"[--hold SECONDS] [--csv FILE]\n");
		return 2;
	}
	if (!b.rounds)
		b.rounds = b.quick ? 3 : 7;
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
	if (!rc)
		rc = vdsa_buf_alloc(b.conn, (size_t)vdsa_dev_info(b.dev)->wq_size * BATCH_N *
				    sizeof(struct dsa_hw_desc), &b.list);
	if (rc) {
		fprintf(stderr, "bench_vdsa: %s: %s\n", sock, strerror(-rc));
		return 3;
	}
	b.info = vdsa_dev_info(b.dev);
	printf("virtual DSA: WQ size %u, max transfer %u bytes, %u MSI-X vectors\n\n",
	       b.info->wq_size, b.info->max_xfer_size, b.info->nr_vectors);
	printf("each figure: median of %u paired rounds (device, then baseline, alternating);\n"
	       "throughput ratios with the lowest and highest round in brackets\n", b.rounds);
	if (siovd_pid >= 0)
		printf("cpu-time: the ratio per second of CPU time the engine and this thread got;\n"
		       "waited: share of runnable time the engine and this client spent waiting\n"
		       "for a CPU during the device phase\n");
	printf("\n");
	if (b.only & FIG_MEMMOVE)
		bench_memmove(&b);
	if (b.only & FIG_CRC)
		bench_crc(&b);
	if (b.only & FIG_DIF)
		bench_dif(&b);
	if (b.only & FIG_SMALL)
		bench_small(&b);
	/* an attached, idle client: what the device costs while nothing happens */
	if (hold)
		sleep(hold);
	if (b.csv)
		fclose(b.csv);
	vdsa_dev_close(b.dev);
	vdsa_conn_close(b.conn);
	return 0;
}
