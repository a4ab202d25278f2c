// SPDX-License-Identifier: GPL-2.0-only
/*
 * vdsa - exercise a virtual DSA over vfio-user with libvdsa: run DSA
 * operations, verify every result independently of the device, measure.
 *
 *   vdsa --socket PATH [--op nop|drain|memmove|fill|compare|crc|all]
 *        [--mode poll|irq|both] [--portal trapped|mmap|both]
 *        [--size BYTES] [--iterations N] [--bad-address] [--pf]
 *
 * --pf drives a whole DSA function (siovd's vfio-pci assignment): libvdsa
 * configures it itself (vdsa_pf_open(): group 0, WQ 0 dedicated, all
 * engines) instead of taking the vdcm's preconfigured WQ.
 *
 * Verification: MEMMOVE by memcmp of source and destination; FILL by
 * checking every byte against the 8-byte pattern; COMPARE on equal buffers
 * (result 0) and on buffers with one byte changed (result 1 and
 * bytes_completed at that offset); CRC_GEN against ISA-L's crc32_iscsi
 * with the DSA seed convention (seed and result inverted); NOP and DRAIN by
 * their status. --bad-address submits a MEMMOVE whose source is an IOVA
 * outside every DMA map and expects DSA_COMP_PAGE_FAULT_NOBOF with that
 * address in fault_addr.
 *
 * Exit status: 0 all verified; 1 a result was wrong; 2 usage; 3 the device
 * could not be reached or brought up.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <isa-l.h>

#include "vdsa.h"

#define WAIT_TIMEOUT_MS		5000

enum vdsa_op { OP_NOP, OP_DRAIN, OP_MEMMOVE, OP_FILL, OP_COMPARE, OP_CRC, NR_OPS };

static const char *const op_names[NR_OPS] = {
	"nop", "drain", "memmove", "fill", "compare", "crc",
};

struct opts {
	const char *socket;
	unsigned int ops;		/* bitmap of enum vdsa_op */
	unsigned int modes;		/* bit 0 poll, bit 1 irq */
	unsigned int portals;		/* bit 0 trapped, bit 1 mmap */
	size_t size;
	unsigned long iterations;
	bool bad_address;
	bool pf;			/* whole DSA: vdsa_pf_open() */
};

struct ctx {
	struct vdsa_conn *conn;
	struct vdsa_dev *dev;
	struct vdsa_buf *src, *src2, *dst, *comp;
	size_t size;
	uint32_t seed;			/* xorshift state for test data */
};

struct result {
	double *lat_us;
	unsigned long n;
	double busy_s;			/* sum of latencies */
	bool ok;
	char why[160];
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: vdsa --socket PATH [--op nop|drain|memmove|fill|compare|crc|all]\n"
		"            [--mode poll|irq|both] [--portal trapped|mmap|both]\n"
		"            [--size BYTES] [--iterations N] [--bad-address] [--pf]\n");
}

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

static uint32_t rnd(struct ctx *c)
{
	uint32_t x = c->seed;

	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	c->seed = x;
	return x;
}

static void fill_random(struct ctx *c, uint8_t *p, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)rnd(c);
}

static int parse_choice(const char *arg, const char *const *names, unsigned int n,
			unsigned int *mask)
{
	unsigned int i;

	if (!strcmp(arg, "all") || !strcmp(arg, "both")) {
		*mask = (1U << n) - 1;
		return 0;
	}
	for (i = 0; i < n; i++) {
		if (!strcmp(arg, names[i])) {
			*mask = 1U << i;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const char *const modes[] = { "poll", "irq" };
	static const char *const portals[] = { "trapped", "mmap" };
	static const struct option lo[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "op", required_argument, NULL, 'o' },
		{ "mode", required_argument, NULL, 'm' },
		{ "portal", required_argument, NULL, 'p' },
		{ "size", required_argument, NULL, 'z' },
		{ "iterations", required_argument, NULL, 'n' },
		{ "bad-address", no_argument, NULL, 'b' },
		{ "pf", no_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int ch;

	*o = (struct opts){ .ops = (1U << NR_OPS) - 1, .modes = 3, .portals = 3,
			    .size = 4096, .iterations = 100 };
	while ((ch = getopt_long(argc, argv, "s:o:m:p:z:n:bPh", lo, NULL)) != -1) {
		switch (ch) {
		case 's':
			o->socket = optarg;
			break;
		case 'o':
			if (parse_choice(optarg, op_names, NR_OPS, &o->ops))
				return -EINVAL;
			break;
		case 'm':
			if (parse_choice(optarg, modes, 2, &o->modes))
				return -EINVAL;
			break;
		case 'p':
			if (parse_choice(optarg, portals, 2, &o->portals))
				return -EINVAL;
			break;
		case 'z':
			errno = 0;
			o->size = strtoul(optarg, &end, 0);
			if (errno || *end || !o->size || o->size > (1UL << 31))
				return -EINVAL;
			break;
		case 'n':
			errno = 0;
			o->iterations = strtoul(optarg, &end, 0);
			if (errno || *end || !o->iterations || o->iterations > 100000000UL)
				return -EINVAL;
			break;
		case 'b':
			o->bad_address = true;
			break;
		case 'P':
			o->pf = true;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		default:
			return -EINVAL;
		}
	}
	if (!o->socket || optind != argc)
		return -EINVAL;
	return 0;
}

/* ---- one operation ------------------------------------------------------- */

static struct dsa_completion_record *comp_va(struct ctx *c)
{
	return c->comp->va;
}

/* Submit @d, wait for its record; Return: status byte or -errno. */
static int run_desc(struct ctx *c, struct dsa_hw_desc *d, enum vdsa_wait mode,
		    enum vdsa_portal portal, double *lat_us)
{
	double t0, t1;
	int rc;

	memset(c->comp->va, 0, sizeof(struct dsa_completion_record));
	if (mode == VDSA_WAIT_IRQ)
		vdsa_desc_set_irq(d, vdsa_dev_info(c->dev)->int_handle);
	t0 = now_us();
	rc = vdsa_submit(c->dev, d, portal);
	if (rc)
		return rc;
	rc = vdsa_wait(c->dev, comp_va(c), mode, WAIT_TIMEOUT_MS);
	t1 = now_us();
	*lat_us = t1 - t0;
	return rc;
}

static bool check_status(struct result *r, int st, const char *what)
{
	if (st < 0) {
		snprintf(r->why, sizeof(r->why), "%s: %s", what, strerror(-st));
		return false;
	}
	if ((st & DSA_COMP_STATUS_MASK) != DSA_COMP_SUCCESS) {
		snprintf(r->why, sizeof(r->why), "%s: completion status 0x%02x", what, st);
		return false;
	}
	return true;
}

static bool verify_fill(struct result *r, const uint8_t *dst, size_t n, uint64_t pattern)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (dst[i] != (uint8_t)(pattern >> (8 * (i % 8)))) {
			snprintf(r->why, sizeof(r->why), "fill: byte %zu is 0x%02x", i, dst[i]);
			return false;
		}
	}
	return true;
}

/* One iteration of @op; appends its latency samples to @r. */
static bool run_one(struct ctx *c, enum vdsa_op op, enum vdsa_wait mode,
		    enum vdsa_portal portal, unsigned long it, struct result *r)
{
	struct dsa_completion_record *cr = comp_va(c);
	uint8_t *src = c->src->va, *src2 = c->src2->va, *dst = c->dst->va;
	uint32_t len = (uint32_t)c->size, expect;
	struct dsa_hw_desc d;
	uint64_t pattern;
	size_t at;
	int st;

	switch (op) {
	case OP_NOP:
	case OP_DRAIN:
		if (op == OP_NOP)
			vdsa_desc_nop(&d, c->comp->iova);
		else
			vdsa_desc_drain(&d, c->comp->iova);
		st = run_desc(c, &d, mode, portal, &r->lat_us[r->n]);
		r->n++;
		return check_status(r, st, op_names[op]);
	case OP_MEMMOVE:
		fill_random(c, src, len);
		memset(dst, 0xee, len);
		vdsa_desc_memmove(&d, c->comp->iova, c->dst->iova, c->src->iova, len);
		st = run_desc(c, &d, mode, portal, &r->lat_us[r->n++]);
		if (!check_status(r, st, "memmove"))
			return false;
		if (memcmp(src, dst, len)) {
			snprintf(r->why, sizeof(r->why), "memmove: destination differs");
			return false;
		}
		return true;
	case OP_FILL:
		pattern = 0x0123456789abcdefULL ^ ((uint64_t)rnd(c) << 32 | it);
		memset(dst, 0, len);
		vdsa_desc_fill(&d, c->comp->iova, c->dst->iova, pattern, len);
		st = run_desc(c, &d, mode, portal, &r->lat_us[r->n++]);
		return check_status(r, st, "fill") && verify_fill(r, dst, len, pattern);
	case OP_COMPARE:
		fill_random(c, src, len);
		memcpy(src2, src, len);
		vdsa_desc_compare(&d, c->comp->iova, c->src->iova, c->src2->iova, len);
		st = run_desc(c, &d, mode, portal, &r->lat_us[r->n++]);
		if (!check_status(r, st, "compare"))
			return false;
		if (cr->result != 0) {
			snprintf(r->why, sizeof(r->why), "compare: equal buffers gave result %u",
				 cr->result);
			return false;
		}
		/* A deliberate mismatch: the device must name its offset. */
		at = (len / 2 + it) % len;
		src2[at] ^= 0x5a;
		vdsa_desc_compare(&d, c->comp->iova, c->src->iova, c->src2->iova, len);
		st = run_desc(c, &d, mode, portal, &r->lat_us[r->n++]);
		if (!check_status(r, st, "compare mismatch"))
			return false;
		if (cr->result != 1 || cr->bytes_completed != at) {
			snprintf(r->why, sizeof(r->why),
				 "compare: mismatch at %zu reported as result %u offset %u",
				 at, cr->result, cr->bytes_completed);
			return false;
		}
		return true;
	case OP_CRC:
		fill_random(c, src, len);
		c->seed |= 1;
		expect = it ? rnd(c) : 0;	/* the first uses seed 0: plain CRC-32C */
		vdsa_desc_crcgen(&d, c->comp->iova, c->src->iova, len, expect);
		st = run_desc(c, &d, mode, portal, &r->lat_us[r->n++]);
		if (!check_status(r, st, "crc"))
			return false;
		/* DSA: the seed is inverted on entry and the result on exit. */
		expect = ~crc32_iscsi(src, (int)len, ~expect);
		if ((uint32_t)cr->crc_val != expect) {
			snprintf(r->why, sizeof(r->why), "crc: device 0x%08x, ISA-L 0x%08x",
				 (uint32_t)cr->crc_val, expect);
			return false;
		}
		return true;
	default:
		return false;
	}
}

/* ---- reporting ------------------------------------------------------------ */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double percentile(double *v, unsigned long n, double p)
{
	unsigned long i;

	if (!n)
		return 0;
	i = (unsigned long)(p * (double)(n - 1) + 0.5);
	return v[i < n ? i : n - 1];
}

static void print_header(void)
{
	printf("%-8s %-5s %-8s %10s %12s %10s %10s %10s  %s\n", "op", "mode", "portal",
	       "size", "ops/s", "MB/s", "p50(us)", "p99(us)", "verified");
}

static void print_row(enum vdsa_op op, enum vdsa_wait mode, enum vdsa_portal portal,
		      size_t size, struct result *r)
{
	bool moves_data = op != OP_NOP && op != OP_DRAIN;
	double ops = r->busy_s > 0 ? r->n / r->busy_s : 0;
	char mbs[32];

	qsort(r->lat_us, r->n, sizeof(double), cmp_double);
	if (moves_data)
		snprintf(mbs, sizeof(mbs), "%.1f", ops * (double)size / 1e6);
	else
		snprintf(mbs, sizeof(mbs), "-");
	printf("%-8s %-5s %-8s %10zu %12.0f %10s %10.1f %10.1f  %s%s%s\n", op_names[op],
	       mode == VDSA_WAIT_POLL ? "poll" : "irq",
	       portal == VDSA_PORTAL_TRAPPED ? "trapped" : "mmap",
	       moves_data ? size : 0, ops, mbs, percentile(r->lat_us, r->n, 0.50),
	       percentile(r->lat_us, r->n, 0.99), r->ok ? "yes" : "no",
	       r->ok ? "" : " - ", r->ok ? "" : r->why);
}

static bool run_case(struct ctx *c, const struct opts *o, enum vdsa_op op,
		     enum vdsa_wait mode, enum vdsa_portal portal)
{
	struct result r = { .ok = true };
	unsigned long it, i;

	r.lat_us = calloc(2 * o->iterations, sizeof(double));
	if (!r.lat_us) {
		fprintf(stderr, "vdsa: out of memory\n");
		return false;
	}
	if (portal == VDSA_PORTAL_MMAP && !vdsa_dev_info(c->dev)->portal_mmap) {
		r.ok = false;
		snprintf(r.why, sizeof(r.why), "the server offers no mmap portal");
	}
	for (it = 0; r.ok && it < o->iterations; it++)
		r.ok = run_one(c, op, mode, portal, it, &r);
	for (i = 0; i < r.n; i++)
		r.busy_s += r.lat_us[i] / 1e6;
	print_row(op, mode, portal, c->size, &r);
	free(r.lat_us);
	return r.ok;
}

/* MEMMOVE from an unmapped IOVA: the device must report the page fault. */
static bool run_bad_address(struct ctx *c, enum vdsa_wait mode, enum vdsa_portal portal)
{
	struct dsa_completion_record *cr = comp_va(c);
	/* The guard gap after a buffer is never mapped. */
	uint64_t bad = c->src->iova + c->src->size;
	struct dsa_hw_desc d;
	double lat;
	bool ok;
	int st;

	if (portal == VDSA_PORTAL_MMAP && !vdsa_dev_info(c->dev)->portal_mmap) {
		printf("bad-address %-5s %-8s: no - the server offers no mmap portal\n",
		       mode == VDSA_WAIT_POLL ? "poll" : "irq", "mmap");
		return false;
	}
	vdsa_desc_memmove(&d, c->comp->iova, c->dst->iova, bad, (uint32_t)c->size);
	st = run_desc(c, &d, mode, portal, &lat);
	ok = st > 0 && (st & DSA_COMP_STATUS_MASK) == DSA_COMP_PAGE_FAULT_NOBOF &&
	     cr->fault_addr == bad && cr->bytes_completed == 0;
	printf("bad-address %-5s %-8s: status 0x%02x fault_addr 0x%" PRIx64
	       " (expected 0x%02x at 0x%" PRIx64 ") bytes_completed %u: %s\n",
	       mode == VDSA_WAIT_POLL ? "poll" : "irq",
	       portal == VDSA_PORTAL_TRAPPED ? "trapped" : "mmap",
	       st > 0 ? st : 0, (uint64_t)cr->fault_addr, DSA_COMP_PAGE_FAULT_NOBOF, bad,
	       cr->bytes_completed, ok ? "yes" : "no");
	if (st < 0)
		fprintf(stderr, "vdsa: bad-address: %s\n", strerror(-st));
	return ok;
}

static int setup(struct ctx *c, const struct opts *o)
{
	const struct vdsa_dev_info *info;
	int rc;

	rc = vdsa_conn_open(o->socket, &c->conn);
	if (rc) {
		fprintf(stderr, "vdsa: %s: %s\n", o->socket, strerror(-rc));
		return rc;
	}
	rc = o->pf ? vdsa_pf_open(c->conn, NULL, &c->dev) : vdsa_dev_open(c->conn, &c->dev);
	if (rc) {
		fprintf(stderr, "vdsa: device bring-up failed: %s\n", strerror(-rc));
		return rc;
	}
	info = vdsa_dev_info(c->dev);
	if (o->size > info->max_xfer_size) {
		fprintf(stderr, "vdsa: --size %zu exceeds the WQ's max transfer size %u\n",
			o->size, info->max_xfer_size);
		return -EINVAL;
	}
	c->size = o->size;
	if ((rc = vdsa_buf_alloc(c->conn, o->size, &c->src)) ||
	    (rc = vdsa_buf_alloc(c->conn, o->size, &c->src2)) ||
	    (rc = vdsa_buf_alloc(c->conn, o->size, &c->dst)) ||
	    (rc = vdsa_buf_alloc(c->conn, 4096, &c->comp))) {
		fprintf(stderr, "vdsa: DMA buffers: %s\n", strerror(-rc));
		return rc;
	}
	printf("device: version 0x%x, wq size %u, max transfer %u, int handle %u, mmap portal %s\n",
	       info->version, info->wq_size, info->max_xfer_size, info->int_handle,
	       info->portal_mmap ? "yes" : "no");
	return 0;
}

int main(int argc, char **argv)
{
	struct ctx c = { .seed = 0x9e3779b9 };
	struct opts o;
	bool ok = true;
	int op, m, p, rc;

	if (parse_opts(argc, argv, &o)) {
		usage(stderr);
		return 2;
	}
	rc = setup(&c, &o);
	if (rc) {
		vdsa_dev_close(c.dev);
		vdsa_conn_close(c.conn);
		return rc == -EINVAL ? 2 : 3;
	}
	if (!o.bad_address)
		print_header();
	for (m = 0; m < 2; m++) {
		if (!(o.modes & (1U << m)))
			continue;
		for (p = 0; p < 2; p++) {
			if (!(o.portals & (1U << p)))
				continue;
			if (o.bad_address) {
				ok &= run_bad_address(&c, (enum vdsa_wait)m, (enum vdsa_portal)p);
				continue;
			}
			for (op = 0; op < NR_OPS; op++)
				if (o.ops & (1U << op))
					ok &= run_case(&c, &o, (enum vdsa_op)op, (enum vdsa_wait)m,
						       (enum vdsa_portal)p);
		}
	}
	vdsa_dev_close(c.dev);
	vdsa_conn_close(c.conn);
	return ok ? 0 : 1;
}
