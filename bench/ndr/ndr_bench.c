// SPDX-License-Identifier: MIT
/*
 * NDR marshalling benchmark (make bench-ndr).  Prints ratios:
 *  - a conformant array of 1M longs (TestReverse's values) marshalled and
 *    unmarshalled, against memcpy of the same 4 MB (target >= 0.5x);
 *  - linked lists of 10^4..10^6 nodes (TestListSum): ns per node must
 *    stay flat (linear time, no recursion);
 *  - the per-call cost of marshalling a null call (TestPing) both ways.
 * Each figure is the best of several runs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <lrpc/ndr.h>
#include "lrpctest_tables.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec * 1e-9;
}

#define BEST(runs, expr) ({ double _b = 1e9; for (int _i = 0; _i < (runs); _i++) { \
	double _t = now(); expr; _t = now() - _t; if (_t < _b) _b = _t; } _b; })

static void die(const char *what, long ret)
{
	fprintf(stderr, "%s failed: %ld\n", what, ret);
	exit(1);
}

static const uint8_t LE[4] = { 0x10, 0, 0, 0 };

static void bench_array(void)
{
	const uint32_t n = 1000000;
	int32_t *vals = malloc(n * 4), *dst = malloc(n * 4), *back = malloc(n * 4);
	uint32_t cn = n, ret = 0;
	void *ca[3] = { &cn, vals, &ret }, *sa[3], *co[3] = { &cn, back, &ret };
	struct ndr_buf b;
	struct ndr_arena a;
	double tm, tmar, tun, tout;
	long r = 0;

	for (uint32_t i = 0; i < n; i++)
		vals[i] = (int32_t)(i * 2654435761u);
	ndr_buf_init(&b);
	ndr_arena_init(&a, 0);
	/* warm the buffers so page faults are not measured twice */
	memcpy(dst, vals, n * 4);
	r = ndr_marshal_call(&lrpctest_procs[OP_TestReverse], NDR_DIR_IN, ca,
			     NDR_SYNTAX_NDR20, 0, &b);
	if (r < 0)
		die("marshal", r);

	tm = BEST(20, memcpy(dst, vals, n * 4); __asm__ volatile("" ::: "memory"));
	tmar = BEST(20, b.len = 0; r = ndr_marshal_call(&lrpctest_procs[OP_TestReverse],
			NDR_DIR_IN, ca, NDR_SYNTAX_NDR20, 0, &b); if (r < 0) die("marshal", r));
	/* server side: fresh arena memory per call, as in a real server */
	tun = BEST(20, memset(sa, 0, sizeof(sa));
		   r = ndr_unmarshal_call(&lrpctest_procs[OP_TestReverse], NDR_DIR_IN, sa,
			NDR_SYNTAX_NDR20, LE, b.data, b.len, &a);
		   if (r) die("unmarshal", r); ndr_arena_release(&a));
	/* client side [in,out]: straight into the caller's array */
	b.len = 0;
	r = ndr_marshal_call(&lrpctest_procs[OP_TestReverse], NDR_DIR_OUT, ca,
			     NDR_SYNTAX_NDR20, 0, &b);
	if (r < 0)
		die("marshal out", r);
	memcpy(back, vals, n * 4);
	tout = BEST(20, r = ndr_unmarshal_call(&lrpctest_procs[OP_TestReverse], NDR_DIR_OUT, co,
			NDR_SYNTAX_NDR20, LE, b.data, b.len, &a);
		    if (r) die("unmarshal out", r); ndr_arena_release(&a));
	if (memcmp(back, vals, n * 4))
		die("compare", 0);
	printf("1M longs (4 MB): memcpy %.3f ms\n", tm * 1e3);
	printf("  marshal            %.3f ms  = %.2fx memcpy speed\n", tmar * 1e3, tm / tmar);
	printf("  unmarshal (server) %.3f ms  = %.2fx memcpy speed (incl. arena alloc)\n",
	       tun * 1e3, tm / tun);
	printf("  unmarshal (client) %.3f ms  = %.2fx memcpy speed (in place)\n",
	       tout * 1e3, tm / tout);
	printf("  marshal+unmarshal  = %.2fx of 2 memcpys\n", 2 * tm / (tmar + tun));
	ndr_buf_release(&b);
	free(vals);
	free(dst);
	free(back);
}

static void bench_list(void)
{
	static const int sizes[] = { 10000, 100000, 1000000 };

	for (unsigned int k = 0; k < 3; k++) {
		int n = sizes[k];
		node_t *nodes = calloc(n, sizeof(*nodes));
		void *ca[4] = { nodes, NULL, NULL, NULL }, *sa[4];
		struct ndr_buf b;
		struct ndr_arena a;
		double tm, tu;
		long r = 0;

		for (int i = 0; i < n; i++) {
			nodes[i].value = i;
			nodes[i].next = i + 1 < n ? &nodes[i + 1] : NULL;
		}
		ndr_buf_init(&b);
		ndr_arena_init(&a, 0);
		tm = BEST(5, b.len = 0; r = ndr_marshal_call(&lrpctest_procs[OP_TestListSum],
				NDR_DIR_IN, ca, NDR_SYNTAX_NDR20, 0, &b); if (r < 0) die("list", r));
		tu = BEST(5, memset(sa, 0, sizeof(sa));
			  r = ndr_unmarshal_call(&lrpctest_procs[OP_TestListSum], NDR_DIR_IN, sa,
				NDR_SYNTAX_NDR20, LE, b.data, b.len, &a);
			  if (r) die("list unmarshal", r); ndr_arena_release(&a));
		printf("list of %7d nodes: marshal %7.2f ms (%5.1f ns/node), unmarshal %7.2f ms (%5.1f ns/node)\n",
		       n, tm * 1e3, tm * 1e9 / n, tu * 1e3, tu * 1e9 / n);
		ndr_buf_release(&b);
		free(nodes);
	}
}

static void bench_null(void)
{
	const int iters = 1000000;
	uint32_t magic = LRPCTEST_PING_MAGIC, got = 0;
	void *in[1] = { NULL }, *out[1] = { &magic }, *cout[1] = { &got }, *sin[1];
	struct ndr_buf b;
	struct ndr_arena a;
	double t;
	long r = 0;

	ndr_buf_init(&b);
	ndr_arena_init(&a, 0);
	t = BEST(3, for (int i = 0; i < iters; i++) {
		b.len = 0;
		r = ndr_marshal_call(&lrpctest_procs[OP_TestPing], NDR_DIR_IN, in,
				     NDR_SYNTAX_NDR20, 0, &b);
		sin[0] = NULL;
		r |= ndr_unmarshal_call(&lrpctest_procs[OP_TestPing], NDR_DIR_IN, sin,
					NDR_SYNTAX_NDR20, LE, b.data, b.len, &a);
		b.len = 0;
		r |= ndr_marshal_call(&lrpctest_procs[OP_TestPing], NDR_DIR_OUT, out,
				      NDR_SYNTAX_NDR20, 0, &b);
		r |= ndr_unmarshal_call(&lrpctest_procs[OP_TestPing], NDR_DIR_OUT, cout,
					NDR_SYNTAX_NDR20, LE, b.data, b.len, &a);
		ndr_arena_release(&a);
		if (r < 0)
			die("null call", r);
	});
	printf("null call (TestPing): %.0f ns for [in] + [out], marshal and unmarshal\n",
	       t * 1e9 / iters);
	ndr_buf_release(&b);
}

int main(void)
{
	bench_array();
	bench_list();
	bench_null();
	return 0;
}
