// SPDX-License-Identifier: MIT
/*
 * make check-ndr-idl: the tables lrpc-idl generates for idl/lrpctest.idl
 * must pass ndr_proc_check() and marshal every operation, both
 * directions, both syntaxes and byte orders, to the same octets as the
 * hand-written reference tables (tests/ndr/lrpctest_tables.c).
 */
#include <stdlib.h>
/* the harness compares int literals with size_t results */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "../../fuzz/ndr/fuzz_common.h"

extern const struct ndr_proc lrpctest_v1_0_procs[LRPCTEST_NPROCS];

TEST(generated_tables_match_reference)
{
	static int32_t vals[3] = { 1, -2, 3 }, five = 5, *pa = &five;
	static series_t s = { 3, vals, "seed" };
	static uint16_t wtxt[] = { 'h', 'i', 0 }, *wp = wtxt;
	static struct { polygon_t p; point_t pts[3]; } poly = {
		{ 3 }, { { 0, 0 }, { 4, 0 }, { 0, 3 } } };
	static node_t n3 = { 3, NULL }, n2 = { 2, &n3 }, n1 = { 1, &n2 };
	static int32_t win[64] = { 1, 2, 3 };
	shape_u sh = { .polygon = &poly.p };
	int op, out, n64, be;
	struct ndr_buf b1, b2;
	struct client c;
	void *v[8];

	ndr_buf_init(&b1);
	ndr_buf_init(&b2);
	for (op = 0; op < LRPCTEST_NPROCS; op++) {
		ASSERT_EQ(0, ndr_proc_check(&lrpctest_v1_0_procs[op])) TH_LOG("op %d", op);
		ASSERT_EQ(lrpctest_procs[op].nparams, lrpctest_v1_0_procs[op].nparams);
		for (out = 0; out < 2; out++)
		for (n64 = 0; n64 < 2; n64++)
		for (be = 0; be < 2; be++) {
			client_args(&c, op, v);
			c.len = c.n = 3;
			c.kind = SHAPE_POLYGON;
			if (op == OP_TestSumSeries) v[0] = &s;
			if (op == OP_TestUpperW) { v[0] = wtxt; v[1] = &wp; }
			if (op == OP_TestShapeArea) v[1] = &sh;
			if (op == OP_TestListSum) v[0] = &n1;
			if (op == OP_TestAlias) { v[0] = &pa; v[1] = &pa; }
			if (op == OP_TestWindowSum) v[1] = win;
			b1.len = b2.len = 0;
			ASSERT_LE(0, ndr_marshal_call(&lrpctest_procs[op], out ? NDR_DIR_OUT : NDR_DIR_IN,
						      v, n64, be ? NDR_F_BIG_ENDIAN : 0, &b1));
			ASSERT_LE(0, ndr_marshal_call(&lrpctest_v1_0_procs[op],
						      out ? NDR_DIR_OUT : NDR_DIR_IN, v, n64,
						      be ? NDR_F_BIG_ENDIAN : 0, &b2))
				TH_LOG("op %d out %d ndr64 %d be %d", op, out, n64, be);
			ASSERT_EQ(b1.len, b2.len) TH_LOG("op %d out %d ndr64 %d be %d", op, out, n64, be);
			ASSERT_EQ(0, b1.len ? memcmp(b1.data, b2.data, b1.len) : 0)
				TH_LOG("op %d out %d ndr64 %d be %d", op, out, n64, be);
		}
	}
	ndr_buf_release(&b1);
	ndr_buf_release(&b2);
}

TEST_HARNESS_MAIN
