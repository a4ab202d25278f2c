// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_engine: the emulated DSA's engines alone, without vfio-user or the
 * vdcm in the way: the device model in this process, one WQ with one
 * engine, descriptors written to its mapped portal page as a client does,
 * completions polled. Each figure next to the same work done by this
 * thread on the same buffers (memcpy, ISA-L crc32_iscsi):
 *
 *   bench_engine [--quick] [--noop] [--rounds N] [--cpus CLIENT,ENGINE]
 *
 * What this isolates: the engine's per-descriptor cost and its copy speed.
 * bench_vdsa measures the same operations end to end. Each figure is the
 * median of N paired rounds (engine, then this core, alternating), with the
 * best round next to it; --cpus pins this thread and the engine thread to
 * the given CPUs (the same CPU for both shows the cost of sharing one).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <sched.h>
#include <isa-l/crc.h>
#include <linux/idxd.h>
#include <linux/pci_regs.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#include "hw/dsa/dsa.h"
#include "iommu/iommu.h"
#include "irq/remap.h"
#include "spec/dsa.h"

#define RID		0x0100
#define IOVA		0x100000000ULL
#define WQ_SIZE		32
#define MAX_ROUNDS	31

struct eng {
	struct iommu *iommu;
	struct irq_remap *ir;
	struct dsa_hw *hw;
	struct iommu_domain *dom;
	uint8_t *mem, *portal;
	size_t memsize;
	unsigned int slot;	/* next portal slot */
	struct dsa_completion_record *cr;	/* WQ_SIZE records at the start of mem */
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void wr(struct eng *e, uint64_t off, unsigned int len, uint64_t v)
{
	dsa_hw_pci_ops.mmio_write(e->hw, DSA_MMIO_BAR, off, len, v);
}

static uint64_t rd(struct eng *e, uint64_t off, unsigned int len)
{
	uint64_t v = 0;

	dsa_hw_pci_ops.mmio_read(e->hw, DSA_MMIO_BAR, off, len, &v);
	return v;
}

static uint32_t cmd(struct eng *e, unsigned int c, uint32_t operand)
{
	union idxd_command_reg r = { .bits = 0 };

	r.cmd = c;
	r.operand = operand;
	wr(e, IDXD_CMD_OFFSET, 4, r.bits);
	return (uint32_t)rd(e, IDXD_CMDSTS_OFFSET, 4);
}

static int eng_setup(struct eng *e, size_t memsize)
{
	struct dsa_hw_params p;
	union offsets_reg offs;
	union wqcfg c;
	uint64_t off;
	int fd;

	memset(e, 0, sizeof(*e));
	dsa_hw_params_default(&p);
	e->iommu = iommu_create();
	e->ir = irq_remap_create(64);
	e->hw = dsa_hw_create(&p, e->iommu, e->ir, RID);
	e->memsize = memsize;
	e->mem = mmap(NULL, memsize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (!e->hw || e->mem == MAP_FAILED)
		return -ENOMEM;
	e->dom = iommu_domain_alloc(e->iommu);
	if (iommu_map(e->dom, IOVA, e->mem, memsize, IOMMU_READ | IOMMU_WRITE) ||
	    iommu_attach_device_pasid(e->dom, RID, IOMMU_NO_PASID))
		return -EIO;
	dsa_hw_pci_ops.cfg_write(e->hw, PCI_COMMAND, 2, PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER);
	offs.bits[0] = rd(e, IDXD_TABLE_OFFSET, 8);
	memset(&c, 0, sizeof(c));
	c.wq_size = WQ_SIZE;
	c.mode = 1;
	c.priority = 1;
	c.max_xfer_shift = 31;
	c.max_batch_shift = 5;
	for (off = 0; off < 8; off++)
		wr(e, offs.wqcfg * IDXD_TABLE_MULT + 4 * off, 4, c.bits[off]);
	wr(e, offs.grpcfg * IDXD_TABLE_MULT + GRPCFG_WQS_OFFSET, 8, 1);
	wr(e, offs.grpcfg * IDXD_TABLE_MULT + GRPCFG_ENGINES_OFFSET, 8, 1);
	if (cmd(e, IDXD_CMD_ENABLE_DEVICE, 0) || cmd(e, IDXD_CMD_ENABLE_WQ, 0))
		return -EIO;
	if (dsa_hw_pci_ops.bar_mmap(e->hw, DSA_WQ_BAR, 0, DSA_PORTAL_SIZE, &fd, &off))
		return -EIO;
	e->portal = mmap(NULL, DSA_PORTAL_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)off);
	if (e->portal == MAP_FAILED)
		return -errno;
	e->cr = (struct dsa_completion_record *)e->mem;
	return 0;
}

static void eng_teardown(struct eng *e)
{
	munmap(e->portal, DSA_PORTAL_SIZE);
	dsa_hw_destroy(e->hw);
	iommu_detach_device_pasid(e->iommu, RID, IOMMU_NO_PASID);
	iommu_domain_free(e->dom);
	iommu_destroy(e->iommu);
	irq_remap_destroy(e->ir);
	munmap(e->mem, e->memsize);
}

/* The mapped-portal protocol of docs/dsa-model.md: body, then the first qword. */
static void submit(struct eng *e, const struct dsa_hw_desc *d)
{
	uint8_t *slot = e->portal + (size_t)e->slot * DSA_DESC_SIZE;
	_Atomic uint64_t *q0 = (_Atomic uint64_t *)(void *)slot;
	uint64_t first;

	while (atomic_load_explicit(q0, memory_order_acquire))
		;
	memcpy(slot + 8, (const uint8_t *)d + 8, DSA_DESC_SIZE - 8);
	memcpy(&first, d, 8);
	atomic_store_explicit(q0, first, memory_order_release);
	e->slot = (e->slot + 1) % (DSA_PORTAL_SIZE / DSA_DESC_SIZE);
}

/* Poll the status byte as libvdsa does: bursts of 32 pauses, a yield between bursts. */
static uint8_t wait_rec(struct dsa_completion_record *cr)
{
	const _Atomic uint8_t *st = (const _Atomic uint8_t *)&cr->status;
	unsigned int spins = 0;
	uint8_t s;

	while (!(s = atomic_load_explicit(st, memory_order_acquire))) {
		if (++spins % 32)
			__builtin_ia32_pause();
		else
			sched_yield();
	}
	return s;
}

/* @n descriptors like @tmpl, WQ_SIZE in flight. Return: ns, 0 on an error. */
static uint64_t stream(struct eng *e, const struct dsa_hw_desc *tmpl, size_t n)
{
	size_t head = 0, tail = 0;
	uint64_t t0 = now_ns();
	struct dsa_hw_desc d = *tmpl;

	while (tail < n) {
		while (head < n && head - tail < WQ_SIZE) {
			memset(&e->cr[head % WQ_SIZE], 0, sizeof(e->cr[0]));
			d.completion_addr = IOVA + (head % WQ_SIZE) * 32;
			submit(e, &d);
			head++;
		}
		if (wait_rec(&e->cr[tail % WQ_SIZE]) != DSA_COMP_SUCCESS)
			return 0;
		tail++;
	}
	return now_ns() - t0;
}

/* Pin the calling thread, and every engine thread of this process, to CPUs. */
static int pin(int client_cpu, int engine_cpu)
{
	cpu_set_t set;
	struct dirent *de;
	DIR *dir;

	CPU_ZERO(&set);
	CPU_SET(client_cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		return -errno;
	dir = opendir("/proc/self/task");
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		char path[300], comm[32] = "";
		FILE *f;

		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strncmp(comm, "dsa-eng", 7)) {
			CPU_ZERO(&set);
			CPU_SET(engine_cpu, &set);
			sched_setaffinity(atoi(de->d_name), sizeof(set), &set);
		}
		fclose(f);
	}
	closedir(dir);
	return 0;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median and maximum of @n values (sorts @v). */
static void med_max(double *v, unsigned int n, double *med, double *max)
{
	qsort(v, n, sizeof(*v), cmp_double);
	*med = n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
	*max = v[n - 1];
}

static uint64_t cpu_memcpy(struct eng *e, size_t dst, size_t src, size_t size, size_t reps)
{
	uint64_t t0 = now_ns();
	size_t r;

	for (r = 0; r < reps; r++) {
		memcpy(e->mem + dst, e->mem + src, size);
		__asm__ volatile("" ::: "memory");
	}
	return now_ns() - t0;
}

static uint64_t cpu_crc(struct eng *e, size_t src, size_t size, size_t reps)
{
	volatile uint32_t sink = 0;
	uint64_t t0 = now_ns();
	size_t r;

	for (r = 0; r < reps; r++)
		sink += crc32_iscsi(e->mem + src, (int)size, ~0U);
	(void)sink;
	return now_ns() - t0;
}

/* One throughput figure in @rounds paired rounds; prints engine and core MB/s and ratios. */
static int figure(struct eng *e, const char *name, const struct dsa_hw_desc *d, size_t dst,
		  size_t src, size_t reps, unsigned int rounds)
{
	double dev[MAX_ROUNDS], cpu[MAX_ROUNDS], ratio[MAX_ROUNDS], dm, dx, cm, cx, rm, rx;
	struct dsa_hw_desc nop = { .opcode = DSA_OPCODE_NOOP,
				   .flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR };
	size_t size = d->xfer_size;
	unsigned int r;

	if (!stream(e, d, 4))
		return -1;
	for (r = 0; r < rounds; r++) {
		uint64_t t_dev, t_cpu = 0;

		if (r % 2)
			t_cpu = d->opcode == DSA_OPCODE_MEMMOVE ? cpu_memcpy(e, dst, src, size, reps) :
								cpu_crc(e, src, size, reps);
		/* wake the engine first: a throughput figure, not its wake-up (bench_vdsa.c) */
		if (!stream(e, &nop, 1))
			return -1;
		t_dev = stream(e, d, reps);
		if (!(r % 2))
			t_cpu = d->opcode == DSA_OPCODE_MEMMOVE ? cpu_memcpy(e, dst, src, size, reps) :
								cpu_crc(e, src, size, reps);
		if (!t_dev)
			return -1;
		dev[r] = (double)size * reps / t_dev * 1e3;
		cpu[r] = (double)size * reps / t_cpu * 1e3;
		ratio[r] = (double)t_cpu / t_dev;
	}
	med_max(dev, rounds, &dm, &dx);
	med_max(cpu, rounds, &cm, &cx);
	med_max(ratio, rounds, &rm, &rx);
	printf("  %-8s %-10zu %9.0f %9.0f %9.0f %9.0f %7.2f %7.2f\n", name, size, dm, dx, cm, cx,
	       rm, rx);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "quick", no_argument, NULL, 'q' },
		{ "noop", no_argument, NULL, 'n' },
		{ "rounds", required_argument, NULL, 'r' },
		{ "cpus", required_argument, NULL, 'c' },
		{ 0 },
	};
	static const size_t sizes[] = { 4096, 65536, 1 << 20, 16 << 20 };
	bool quick = false, noop_only = false;
	int client_cpu = -1, engine_cpu = -1, c;
	unsigned int rounds = 0, r;
	size_t src = 16 << 20, dst = 64 << 20, s;
	struct dsa_hw_desc d;
	struct eng e;

	while ((c = getopt_long(argc, argv, "qnr:c:", opts, NULL)) != -1) {
		if (c == 'q') {
			quick = true;
		} else if (c == 'n') {
			noop_only = true;
		} else if (c == 'r') {
			rounds = (unsigned int)atoi(optarg);
			if (rounds < 1 || rounds > MAX_ROUNDS) {
				fprintf(stderr, "bench_engine: --rounds takes 1..%d\n", MAX_ROUNDS);
				return 2;
			}
		} else if (c == 'c') {
			if (sscanf(optarg, "%d,%d", &client_cpu, &engine_cpu) != 2 || client_cpu < 0 ||
			    engine_cpu < 0) {
				fprintf(stderr, "bench_engine: --cpus CLIENT,ENGINE\n");
				return 2;
			}
		} else {
			fprintf(stderr, "usage: bench_engine [--quick] [--noop] [--rounds N] "
				"[--cpus CLIENT,ENGINE]\n");
			return 2;
		}
	}
	if (!rounds)
		rounds = quick ? 3 : 7;
	if (eng_setup(&e, 160 << 20)) {
		fprintf(stderr, "bench_engine: device set-up failed\n");
		return 1;
	}
	if (client_cpu >= 0 && pin(client_cpu, engine_cpu)) {
		fprintf(stderr, "bench_engine: cannot pin to CPUs %d,%d\n", client_cpu, engine_cpu);
		return 1;
	}
	memset(e.mem + src, 0x5a, 16 << 20);
	printf("engine alone: median and best of %u paired rounds\n", rounds);
	printf("  %-19s %9s %9s %9s %9s %7s %7s\n", "(MB/s)", "engine", "best", "core", "best",
	       "ratio", "best");
	for (s = 0; !noop_only && s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		size_t size = sizes[s], reps = ((quick ? 32ULL : 256ULL) << 20) / size;

		if (reps < 8)
			reps = 8;
		memset(&d, 0, sizeof(d));
		d.opcode = DSA_OPCODE_MEMMOVE;
		d.flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
		d.src_addr = IOVA + src;
		d.dst_addr = IOVA + dst;
		d.xfer_size = (uint32_t)size;
		if (figure(&e, "MEMMOVE", &d, dst, src, reps, rounds))
			goto out_fail;
		d.opcode = DSA_OPCODE_CRCGEN;
		d.dst_addr = 0;
		if (figure(&e, "CRC_GEN", &d, dst, src, reps, rounds))
			goto out_fail;
	}
	memset(&d, 0, sizeof(d));
	d.opcode = DSA_OPCODE_NOOP;
	d.flags = IDXD_OP_FLAG_CRAV | IDXD_OP_FLAG_RCR;
	{
		size_t n = quick ? 100000 : 500000;
		double rate[MAX_ROUNDS], med, best;

		for (r = 0; r < rounds; r++) {
			uint64_t t = stream(&e, &d, n);

			if (!t)
				goto out_fail;
			rate[r] = n * 1e9 / t;
		}
		med_max(rate, rounds, &med, &best);
		printf("  NOOP rate: median %.0f ops/s (%.0f ns per descriptor), best %.0f (%.0f ns)\n",
		       med, 1e9 / med, best, 1e9 / best);
	}
	eng_teardown(&e);
	return 0;

out_fail:
	fprintf(stderr, "bench_engine: a descriptor failed\n");
	eng_teardown(&e);
	return 1;
}
