// SPDX-License-Identifier: MIT
/*
 * Hostile input: every check of the unmarshaller, each with the exact
 * status it must give.  Leaks are caught by running this under ASan
 * (make check-ndr-asan); the arena's byte count shows that oversized
 * counts are refused before anything is allocated for them.
 */
#include <stdlib.h>
#include <string.h>
#include <lrpc/ndr.h>
/* the harness compares int literals with size_t results */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "lrpctest_tables.h"
#include "ndr_test.h"

#define BAD_STUB	(-(int)rpc_x_bad_stub_data)
#define BAD_BOUND	(-(int)nca_s_fault_invalid_bound)
#define BAD_TAG		(-(int)nca_s_fault_invalid_tag)

static const uint8_t LE[4] = { 0x10, 0, 0, 0 };

/* Sample values for every operation, both directions. */
static int32_t a = 1, b = 2, sum = 3, vals[4] = { 1, 2, 3, 4 }, ret;
static uint32_t len = 4, n = 4, ms = 5, st = 6, magic = LRPCTEST_PING_MAGIC;
static uint8_t data[4] = { 1, 2, 3, 4 }, seed = 9;
static series_t series = { 4, vals, "lbl" };
static int64_t hyp = -1;
static uint16_t text[] = { 'x', 'y', 0 }, *upper = text;
static int kind = SHAPE_POLYGON;
static shape_u shape;
static struct { polygon_t p; point_t pts[3]; } poly = { { 3 }, { { 1, 2 }, { 3, 4 }, { 5, 6 } } };
static node_t n2 = { 2, NULL }, n1 = { 1, &n2 };
static int32_t *pa = &a, *pb = &a;
static counter_handle_t h = { 0, { 1, 2, 3 } };
static int32_t window[64] = { 1, 2, 3 };

static void sample(int op, void **v)
{
	shape.polygon = &poly.p;
	memset(v, 0, 8 * sizeof(void *));
	switch (op) {
	case OP_TestPing: v[0] = &magic; break;
	case OP_TestAdd: v[0] = &a; v[1] = &b; v[2] = &sum; v[3] = &ret; break;
	case OP_TestEcho: v[0] = &len; v[1] = data; v[2] = data; v[3] = &len; break;
	case OP_TestSumSeries: v[0] = &series; v[1] = &hyp; v[2] = &ret; break;
	case OP_TestUpperW: v[0] = text; v[1] = &upper; v[2] = &ret; break;
	case OP_TestShapeArea: v[0] = &kind; v[1] = &shape; v[2] = &hyp; v[3] = &ret; break;
	case OP_TestListSum: v[0] = &n1; v[1] = &sum; v[2] = &hyp; v[3] = &ret; break;
	case OP_TestAlias: v[0] = &pa; v[1] = &pb; v[2] = &ret; break;
	case OP_TestCounterOpen: v[0] = &a; v[1] = &h; v[2] = &ret; break;
	case OP_TestCounterNext: v[0] = &h; v[1] = &sum; v[2] = &ret; break;
	case OP_TestCounterClose: v[0] = &h; v[1] = &ret; break;
	case OP_TestSleep: v[0] = &ms; v[1] = &ret; break;
	case OP_TestFault: v[0] = &st; v[1] = &ret; break;
	case OP_TestFill: v[0] = &len; v[1] = &seed; v[2] = data; v[3] = &len; break;
	case OP_TestReverse: v[0] = &n; v[1] = vals; v[2] = &n; break;
	case OP_TestWindowSum: v[0] = &n; v[1] = window; v[2] = &ret; break;
	case OP_TestTally: v[0] = &st; v[1] = &hyp; v[2] = &ret; break;
	}
}

FIXTURE(h) {
	struct ndr_arena a;
	struct ndr_buf b;
	void *out[8];
};
FIXTURE_VARIANT(h) { enum ndr_syntax syntax; };
FIXTURE_VARIANT_ADD(h, ndr20) { NDR_SYNTAX_NDR20 };
FIXTURE_VARIANT_ADD(h, ndr64) { NDR_SYNTAX_NDR64 };
FIXTURE_SETUP(h)
{
	ndr_arena_init(&self->a, 0);
	ndr_buf_init(&self->b);
}
FIXTURE_TEARDOWN(h)
{
	ndr_arena_release(&self->a);
	ndr_buf_release(&self->b);
	NDR_LEAK_CHECK();
}

/* Unmarshal as the receiving side would: server for [in], client for [out]. */
static int recv_call(FIXTURE_DATA(h) *self, enum ndr_syntax syn, int op,
		     enum ndr_dir dir, const uint8_t *d, size_t l)
{
	memset(self->out, 0, sizeof(self->out));
	if (dir == NDR_DIR_OUT) {
		/* the client's [in] values that size its [out] arrays */
		void *s[8];

		sample(op, s);
		memcpy(self->out, s, sizeof(s));
		if (op == OP_TestEcho || op == OP_TestFill || op == OP_TestReverse) {
			static uint8_t cb[4];
			static int32_t cv[4];

			self->out[op == OP_TestReverse ? 1 : 2] = op == OP_TestReverse ?
				(void *)cv : (void *)cb;
		}
	}
	return ndr_unmarshal_call(&lrpctest_procs[op], dir, self->out, syn, LE, d, l, &self->a);
}

static int send_call(FIXTURE_DATA(h) *self, enum ndr_syntax syn, int op, enum ndr_dir dir)
{
	void *v[8];

	sample(op, v);
	self->b.len = 0;
	return (int)ndr_marshal_call(&lrpctest_procs[op], dir, v, syn, 0, &self->b);
}

TEST_F(h, every_truncation_and_leftover_octet)
{
	int op, dir, ret;
	size_t cut, full;
	uint8_t *copy;

	for (op = 0; op < LRPCTEST_NPROCS; op++) {
		for (dir = NDR_DIR_IN; dir <= NDR_DIR_OUT; dir++) {
			ASSERT_LE(0, send_call(self, variant->syntax, op, dir));
			full = self->b.len;
			copy = malloc(full + 1);
			ASSERT_NE(NULL, copy);
			if (full)
				memcpy(copy, self->b.data, full);
			ASSERT_EQ(0, recv_call(self, variant->syntax, op, dir, copy, full))
				TH_LOG("op %d dir %d", op, dir);
			for (cut = 0; cut < full; cut++) {
				ret = recv_call(self, variant->syntax, op, dir, copy, cut);
				ASSERT_EQ(BAD_STUB, ret) TH_LOG("op %d dir %d cut %zu", op, dir, cut);
			}
			copy[full] = 0;
			ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, op, dir, copy, full + 1))
				TH_LOG("leftover op %d dir %d", op, dir);
			free(copy);
			ndr_arena_release(&self->a);
		}
	}
}

static void put32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void put64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

TEST_F(h, conformance_mismatch_and_huge_counts)
{
	bool n64 = variant->syntax == NDR_SYNTAX_NDR64;
	size_t cs = n64 ? 8 : 4, coff = n64 ? 8 : 4;	/* TestEcho: len, [pad], max */
	uint8_t *d;

	ASSERT_LT(0, send_call(self, variant->syntax, OP_TestEcho, NDR_DIR_IN));
	d = self->b.data;
	/* conformance != size_is(len) */
	put32(d + coff, 5);
	ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestEcho, NDR_DIR_IN, d, self->b.len));
	/* a huge count: refused before any allocation */
	if (n64)
		put64(d + coff, 0xffffffffffffffull);
	else
		put32(d + coff, 0xffffffff);
	ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestEcho, NDR_DIR_IN, d, self->b.len));
	ASSERT_GT(4096, self->a.used);
	if (n64) {
		/* 2^32 + 4 must not pass for 4 (no 32-bit truncation) */
		put64(d + coff, 0x100000004ull);
		ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestEcho, NDR_DIR_IN, d, self->b.len));
	}
	(void)cs;
}

TEST_F(h, series_count_bounded_by_buffer)
{
	/* count within [range] and equal to the conformance, but the
	   elements are not there: no 4 MB allocation may happen */
	bool n64 = variant->syntax == NDR_SYNTAX_NDR64;
	uint8_t *d;
	size_t conf;

	ASSERT_LT(0, send_call(self, variant->syntax, OP_TestSumSeries, NDR_DIR_IN));
	d = self->b.data;
	conf = n64 ? 24 : 12;		/* after count, values id, label id */
	put32(d, 1000000);
	if (n64)
		put64(d + conf, 1000000);
	else
		put32(d + conf, 1000000);
	ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestSumSeries, NDR_DIR_IN,
				      d, self->b.len));
	ASSERT_GT(4096, self->a.used);
	/* over the member's [range] */
	put32(d, 1000001);
	ASSERT_EQ(BAD_BOUND, recv_call(self, variant->syntax, OP_TestSumSeries, NDR_DIR_IN,
				       d, self->b.len));
	/* count != conformance */
	put32(d, 3);
	if (n64)
		put64(d + conf, 4);
	else
		put32(d + conf, 4);
	ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestSumSeries, NDR_DIR_IN,
				      d, self->b.len));
}

TEST_F(h, range_violations)
{
	uint32_t big = 67108865, l65 = 65, ms2 = 600001;
	void *e[4] = { &big, data, NULL, NULL }, *w[3] = { &l65, window, NULL };
	void *s[2] = { &ms2, NULL };
	uint8_t *d;

	/* the marshaller does not check [range]: the receiver must */
	ASSERT_LT(0, ndr_marshal_call(&lrpctest_procs[OP_TestSleep], NDR_DIR_IN, s,
				      variant->syntax, 0, &self->b));
	ASSERT_EQ(BAD_BOUND, recv_call(self, variant->syntax, OP_TestSleep, NDR_DIR_IN,
				       self->b.data, self->b.len));
	self->b.len = 0;
	ASSERT_LT(0, send_call(self, variant->syntax, OP_TestEcho, NDR_DIR_IN));
	d = self->b.data;
	put32(d, big);
	ASSERT_EQ(BAD_BOUND, recv_call(self, variant->syntax, OP_TestEcho, NDR_DIR_IN, d, self->b.len));
	(void)e;
	self->b.len = 0;
	ASSERT_EQ(-(int)nca_s_fault_invalid_bound,
		  (int)ndr_marshal_call(&lrpctest_procs[OP_TestWindowSum], NDR_DIR_IN, w,
					variant->syntax, 0, &self->b));
	ASSERT_LT(0, send_call(self, variant->syntax, OP_TestWindowSum, NDR_DIR_IN));
	put32(self->b.data, 65);
	ASSERT_EQ(BAD_BOUND, recv_call(self, variant->syntax, OP_TestWindowSum, NDR_DIR_IN,
				       self->b.data, self->b.len));
}

TEST_F(h, varying_offset_and_actual)
{
	bool n64 = variant->syntax == NDR_SYNTAX_NDR64;
	size_t off = n64 ? 8 : 4, act = n64 ? 16 : 8;
	uint8_t *d;

	ASSERT_LT(0, send_call(self, variant->syntax, OP_TestWindowSum, NDR_DIR_IN));
	d = self->b.data;
	put32(d + off, 1);		/* non-zero offset, no first_is */
	ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestWindowSum, NDR_DIR_IN, d, self->b.len));
	put32(d + off, 0);
	put32(d + act, 3);		/* actual count 3 != length_is 4 */
	ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestWindowSum, NDR_DIR_IN, d, self->b.len));
	put32(d, 3);			/* length 3: now consistent, 1 element left over */
	ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestWindowSum, NDR_DIR_IN, d, self->b.len));
	ASSERT_EQ(0, recv_call(self, variant->syntax, OP_TestWindowSum, NDR_DIR_IN, d, self->b.len - 4));
}

TEST_F(h, union_tags)
{
	bool n64 = variant->syntax == NDR_SYNTAX_NDR64;
	size_t disc = n64 ? 8 : 2;
	uint8_t *d;

	ASSERT_LT(0, send_call(self, variant->syntax, OP_TestShapeArea, NDR_DIR_IN));
	d = self->b.data;
	d[0] = 4;			/* kind 4 with discriminant 3 */
	ASSERT_EQ(BAD_TAG, recv_call(self, variant->syntax, OP_TestShapeArea, NDR_DIR_IN, d, self->b.len));
	d[disc] = 4;			/* both 4: no such arm */
	ASSERT_EQ(BAD_TAG, recv_call(self, variant->syntax, OP_TestShapeArea, NDR_DIR_IN, d, self->b.len));
	d[0] = 3;			/* kind 3, discriminant 4 */
	ASSERT_EQ(BAD_TAG, recv_call(self, variant->syntax, OP_TestShapeArea, NDR_DIR_IN, d, self->b.len));
	d[disc] = 3;
	d[1] = 0x80;			/* enum16 0x8003 */
	ASSERT_EQ(-(int)rpc_x_enum_value_out_of_range,
		  recv_call(self, variant->syntax, OP_TestShapeArea, NDR_DIR_IN, d, self->b.len));
	d[1] = 0;
	ASSERT_EQ(0, recv_call(self, variant->syntax, OP_TestShapeArea, NDR_DIR_IN, d, self->b.len));
}

TEST_F(h, strings)
{
	bool n64 = variant->syntax == NDR_SYNTAX_NDR64;
	size_t cs = n64 ? 8 : 4, chars = 3 * cs;
	uint8_t *d, good[64];
	size_t l;

	ASSERT_LT(0, send_call(self, variant->syntax, OP_TestUpperW, NDR_DIR_IN));
	l = self->b.len;
	memcpy(good, self->b.data, l);
	d = self->b.data;
#define RESET() memcpy(d, good, l)
	put32(d + cs, 1);		/* offset != 0 */
	ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestUpperW, NDR_DIR_IN, d, l));
	RESET();
	put32(d, 2);			/* actual 3 > max 2 */
	ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestUpperW, NDR_DIR_IN, d, l));
	RESET();
	d[chars + 4] = 'z';		/* no terminator */
	ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestUpperW, NDR_DIR_IN, d, l));
	RESET();
	d[chars + 2] = 0;		/* NUL before the end */
	ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestUpperW, NDR_DIR_IN, d, l));
	RESET();
	put32(d, 0);			/* empty: no room for the terminator */
	put32(d + 2 * cs, 0);
	ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestUpperW, NDR_DIR_IN, d, 3 * cs));
	RESET();
	if (n64) {			/* max 2^40: fine, actual 2^40: not there */
		put64(d, 1ull << 40);
		ASSERT_EQ(0, recv_call(self, variant->syntax, OP_TestUpperW, NDR_DIR_IN, d, l));
		put64(d + 2 * cs, 1ull << 40);
		ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestUpperW, NDR_DIR_IN, d, l));
	}
	RESET();
	ASSERT_EQ(0, recv_call(self, variant->syntax, OP_TestUpperW, NDR_DIR_IN, d, l));
#undef RESET
}

TEST_F(h, pointer_chains_and_ids)
{
	/* 200000 nodes received in linear time, no recursion: and a chain
	   that claims one more node than the buffer holds */
	const int cnt = 200000;
	node_t *nodes = calloc(cnt, sizeof(*nodes));
	void *v[4] = { nodes, NULL, NULL, NULL };
	bool n64 = variant->syntax == NDR_SYNTAX_NDR64;
	size_t node = n64 ? 16 : 8;
	uint8_t *d;
	int i;

	ASSERT_NE(NULL, nodes);
	for (i = 0; i < cnt; i++)
		nodes[i].next = i + 1 < cnt ? &nodes[i + 1] : NULL;
	ASSERT_LT(0, ndr_marshal_call(&lrpctest_procs[OP_TestListSum], NDR_DIR_IN, v,
				      variant->syntax, 0, &self->b));
	ASSERT_EQ(cnt * node, self->b.len);
	ASSERT_EQ(0, recv_call(self, variant->syntax, OP_TestListSum, NDR_DIR_IN,
			       self->b.data, self->b.len));
	d = self->b.data;
	d[self->b.len - (n64 ? 8 : 4)] = 1;	/* last next != NULL */
	ASSERT_EQ(BAD_STUB, recv_call(self, variant->syntax, OP_TestListSum, NDR_DIR_IN,
				      d, self->b.len));
	free(nodes);
	ndr_arena_release(&self->a);

	/* full pointers: a repeated id is the same referent; referent ids
	   are never interpreted as anything else */
	ASSERT_LT(0, send_call(self, variant->syntax, OP_TestAlias, NDR_DIR_IN));
	ASSERT_EQ(0, recv_call(self, variant->syntax, OP_TestAlias, NDR_DIR_IN,
			       self->b.data, self->b.len));
	ASSERT_EQ(self->out[0] ? *(void **)self->out[0] : NULL, *(void **)self->out[1]);
}

/* an embedded [ref] pointer must not arrive NULL; a full pointer id must
   not name referents of two types */
struct refs { int32_t *r; int32_t *f; int16_t *g; };
static const struct ndr_type rptr = { .kind = NDR_K_POINTER, .align = 8, .size = 8,
	.p = { &ndr_type_long, NDR_PTR_REF } };
static const struct ndr_type fptr = { .kind = NDR_K_POINTER, .align = 8, .size = 8,
	.p = { &ndr_type_long, NDR_PTR_FULL } };
static const struct ndr_type gptr = { .kind = NDR_K_POINTER, .align = 8, .size = 8,
	.p = { &ndr_type_short, NDR_PTR_FULL } };
static const struct ndr_member refs_m[] = { { &rptr, 0 }, { &fptr, 8 }, { &gptr, 16 } };
static const struct ndr_type refs_t = { .kind = NDR_K_STRUCT, .align = 8,
	.size = sizeof(struct refs), .s = { refs_m, 3 } };

TEST_F(h, null_ref_and_id_type_confusion)
{
	int32_t x = 1;
	int16_t y = 2;
	struct refs v = { &x, &x, &y }, *r = NULL;
	size_t ps = variant->syntax == NDR_SYNTAX_NDR64 ? 8 : 4;
	uint8_t *d;

	ASSERT_LT(0, ndr_marshal_type(&refs_t, &v, variant->syntax, 0, &self->b));
	d = self->b.data;
	ASSERT_LT(0, ndr_unmarshal_type(&refs_t, (void **)&r, variant->syntax, LE, d,
					self->b.len, &self->a));
	memcpy(d + 2 * ps, d + ps, ps);	/* g's id := f's id */
	r = NULL;
	ASSERT_EQ(BAD_STUB, ndr_unmarshal_type(&refs_t, (void **)&r, variant->syntax, LE, d,
					       self->b.len, &self->a));
	memset(d, 0, ps);		/* embedded [ref] NULL */
	r = NULL;
	ASSERT_EQ(BAD_STUB, ndr_unmarshal_type(&refs_t, (void **)&r, variant->syntax, LE, d,
					       self->b.len, &self->a));
	v.r = NULL;
	self->b.len = 0;
	ASSERT_EQ(-(int)rpc_x_null_ref_pointer,
		  ndr_marshal_type(&refs_t, &v, variant->syntax, 0, &self->b));
}

/* conformant-varying: max is not bounded by the octets (only actual
   elements travel) so the arena limit is what stops it */
struct cvs { uint32_t max, len; int32_t *p; };
static const struct ndr_type cva = { .kind = NDR_K_ARRAY, .align = 4, .a = {
	.elem = &ndr_type_long, .flags = NDR_AF_CONFORMANT | NDR_AF_VARYING,
	.size_is = { .src = NDR_EXPR_FIELD, .index = 0 },
	.length_is = { .src = NDR_EXPR_FIELD, .index = 1 } } };
static const struct ndr_type cvp = { .kind = NDR_K_POINTER, .align = 8, .size = 8,
	.p = { &cva, NDR_PTR_UNIQUE } };
static const struct ndr_member cvs_m[] = {
	{ &ndr_type_ulong, 0 }, { &ndr_type_ulong, 4 }, { &cvp, 8 } };
static const struct ndr_type cvs_t = { .kind = NDR_K_STRUCT, .align = 8, .size = 16,
	.s = { cvs_m, 3 } };

TEST_F(h, arena_limit)
{
	int32_t e[1] = { 7 };
	struct cvs v = { 1, 1, e }, *r = NULL;
	bool n64 = variant->syntax == NDR_SYNTAX_NDR64;
	size_t conf = n64 ? 16 : 12;

	ASSERT_LT(0, ndr_marshal_type(&cvs_t, &v, variant->syntax, 0, &self->b));
	put32(self->b.data, 0x7fffffff);	/* max: 8 GiB of longs */
	if (n64)
		put64(self->b.data + conf, 0x7fffffff);
	else
		put32(self->b.data + conf, 0x7fffffff);
	ASSERT_EQ(-(int)nca_s_fault_remote_no_memory,
		  ndr_unmarshal_type(&cvs_t, (void **)&r, variant->syntax, LE, self->b.data,
				     self->b.len, &self->a));
	ASSERT_GT(4096, self->a.used);
}

TEST_F(h, drep)
{
	uint8_t drep[4] = { 0x20, 0, 0, 0 };
	void *v[4] = { 0 };

	ASSERT_LT(0, send_call(self, variant->syntax, OP_TestAdd, NDR_DIR_IN));
	ASSERT_EQ(BAD_STUB, ndr_unmarshal_call(&lrpctest_procs[OP_TestAdd], NDR_DIR_IN, v,
					       variant->syntax, drep, self->b.data,
					       self->b.len, &self->a));
	drep[0] = 0x11;			/* little-endian, EBCDIC */
	ASSERT_EQ(-(int)nca_s_fault_codeset_conv_error,
		  ndr_unmarshal_call(&lrpctest_procs[OP_TestAdd], NDR_DIR_IN, v, variant->syntax,
				     drep, self->b.data, self->b.len, &self->a));
	drep[0] = 0x10;
	drep[1] = 1;			/* VAX floats */
	ASSERT_EQ(-(int)nca_s_fault_fp_error,
		  ndr_unmarshal_call(&lrpctest_procs[OP_TestAdd], NDR_DIR_IN, v, variant->syntax,
				     drep, self->b.data, self->b.len, &self->a));
	drep[1] = 0;
	drep[0] = 0x00;			/* big-endian: fine, other numbers */
	ASSERT_EQ(0, ndr_unmarshal_call(&lrpctest_procs[OP_TestAdd], NDR_DIR_IN, v,
					variant->syntax, drep, self->b.data, self->b.len,
					&self->a));
	ASSERT_EQ(0x01000000, *(int32_t *)v[0]);
}

TEST_F(h, client_out_conformance_must_match)
{
	uint32_t l = 4;
	uint8_t buf[4];
	void *v[4] = { &l, NULL, buf, NULL };

	ASSERT_LT(0, send_call(self, variant->syntax, OP_TestFill, NDR_DIR_OUT));
	l = 3;			/* the client asked for 3, the server sent 4 */
	ASSERT_EQ(BAD_STUB, ndr_unmarshal_call(&lrpctest_procs[OP_TestFill], NDR_DIR_OUT, v,
					       variant->syntax, LE, self->b.data, self->b.len,
					       &self->a));
}

TEST_F(h, pickle_headers)
{
	point_t p = { 1, 2 }, *r = NULL;
	ssize_t n;

	n = ndr_encode_type(&lrpctest_point, &p, variant->syntax, 0, &self->b);
	ASSERT_LT(0, n);
	self->b.data[0] = 3;
	ASSERT_EQ(-(int)rpc_x_wrong_es_version,
		  ndr_decode_type(&lrpctest_point, (void **)&r, self->b.data, n, &self->a));
	self->b.data[0] = variant->syntax == NDR_SYNTAX_NDR64 ? 2 : 1;
	ASSERT_EQ(BAD_STUB, ndr_decode_type(&lrpctest_point, (void **)&r, self->b.data, n - 8,
					    &self->a));
	ASSERT_EQ(BAD_STUB, ndr_decode_type(&lrpctest_point, (void **)&r, self->b.data, 7,
					    &self->a));
	ASSERT_EQ(n, ndr_decode_type(&lrpctest_point, (void **)&r, self->b.data, n, &self->a));
}

/* full pointers to a conformant struct: an alias read before its referent
   is set only once the referent is; after a failure it stays NULL */
static const struct ndr_type fblob_p = { .kind = NDR_K_POINTER, .align = 8, .size = 8,
	.p = { &blob_t, NDR_PTR_FULL } };
static const struct ndr_member fpair_m[] = { { &fblob_p, 0 }, { &fblob_p, 8 } };
static const struct ndr_type fpair_t = { .kind = NDR_K_STRUCT, .align = 8, .size = 16,
	.s = { fpair_m, 2 } };

TEST_F(h, full_pointer_alias_of_conformant_referent)
{
	struct { uint32_t n; uint8_t d[4]; } b = { 4, { 1, 2, 3, 4 } };
	struct { void *a, *b; } v = { &b, &b }, *r = NULL;
	size_t ps = variant->syntax == NDR_SYNTAX_NDR64 ? 8 : 4;
	uint8_t *d;

	ASSERT_LT(0, ndr_marshal_type(&fpair_t, &v, variant->syntax, 0, &self->b));
	d = self->b.data;
	ASSERT_EQ(self->b.len, ndr_unmarshal_type(&fpair_t, (void **)&r, variant->syntax, LE,
						  d, self->b.len, &self->a));
	ASSERT_EQ(r->a, r->b);
	ASSERT_EQ(4, ((struct blob *)r->b)->data[3]);
	/* the referent claims more octets than there are */
	put32(d + 2 * ps, 5);
	r = NULL;
	ASSERT_EQ(BAD_STUB, ndr_unmarshal_type(&fpair_t, (void **)&r, variant->syntax, LE, d,
					       self->b.len, &self->a));
	ASSERT_NE(NULL, r);
	ASSERT_EQ(NULL, r->b);		/* the alias was never pointed anywhere */
}

/* [string, size_is(n)] char *s as a call's [in]: its max is n */
static const struct ndr_type hs_str = { .kind = NDR_K_STRING, .align = 1,
	.str = { .size_is = { .src = NDR_EXPR_PARAM, .index = 0 } } };
static const struct ndr_type hs_wmax = { .kind = NDR_K_STRING,
	.flags = NDR_TF_WIDE | NDR_TF_MAX_IS, .align = 2,
	.str = { .size_is = { .src = NDR_EXPR_PARAM, .index = 0 } } };
static const struct ndr_param hs_params[] = {
	{ "n", &ndr_type_ulong, NDR_PF_IN }, { "s", &hs_str, NDR_PF_IN | NDR_PF_REF },
};
static const struct ndr_param hw_params[] = {
	{ "n", &ndr_type_ulong, NDR_PF_IN }, { "w", &hs_wmax, NDR_PF_IN | NDR_PF_REF },
};
static const struct ndr_proc hs_proc = { "SizedString", 0, 2, hs_params, NULL };
static const struct ndr_proc hw_proc = { "MaxIsString", 0, 2, hw_params, NULL };

TEST_F(h, sized_strings)
{
	bool n64 = variant->syntax == NDR_SYNTAX_NDR64;
	size_t cs = n64 ? 8 : 4, s0 = cs;	/* n, then max offset actual */
	uint32_t nn = 4;
	char str[4] = "abc";
	uint16_t w[5] = { 'a', 0 };
	void *v[2] = { &nn, str };
	uint8_t good[64], *d;
	size_t l;

#define PUTC(o, x) (n64 ? put64(d + s0 + (o) * cs, (x)) : put32(d + s0 + (o) * cs, (x)))
#define RECV(p, len) ndr_unmarshal_call(&(p), NDR_DIR_IN, self->out, variant->syntax, LE, \
					d, (len), &self->a)
	ASSERT_LT(0, ndr_marshal_call(&hs_proc, NDR_DIR_IN, v, variant->syntax, 0, &self->b));
	l = self->b.len;
	d = self->b.data;
	memcpy(good, d, l);
	memset(self->out, 0, sizeof(self->out));
	ASSERT_EQ(0, RECV(hs_proc, l));
	PUTC(0, 5);				/* max != size_is */
	memset(self->out, 0, sizeof(self->out));
	ASSERT_EQ(BAD_STUB, RECV(hs_proc, l));
	memcpy(d, good, l);
	PUTC(2, 0);				/* actual 0 with room for a NUL */
	memset(self->out, 0, sizeof(self->out));
	ASSERT_EQ(BAD_STUB, RECV(hs_proc, s0 + 3 * cs));
	memcpy(d, good, l);
	PUTC(2, 5);				/* actual > max */
	memset(self->out, 0, sizeof(self->out));
	ASSERT_EQ(BAD_STUB, RECV(hs_proc, l));
	/* size_is 0: max 0 actual 0 only */
	put32(d, 0);
	PUTC(0, 0);
	PUTC(1, 0);
	PUTC(2, 0);
	memset(self->out, 0, sizeof(self->out));
	ASSERT_EQ(0, RECV(hs_proc, s0 + 3 * cs));
	ASSERT_EQ(0, ((char *)self->out[1])[0]);
	PUTC(2, 1);
	memset(self->out, 0, sizeof(self->out));
	ASSERT_EQ(BAD_STUB, RECV(hs_proc, s0 + 3 * cs + 1));
	/* a size_is far beyond the octets: the server's buffer is that big,
	   so the arena limit stops it, before anything is allocated */
	put32(d, 0x7fffffff);
	PUTC(0, 0x7fffffff);
	PUTC(2, 1);
	d[s0 + 3 * cs] = 0;
	memset(self->out, 0, sizeof(self->out));
	ASSERT_EQ(-(int)nca_s_fault_remote_no_memory, RECV(hs_proc, s0 + 3 * cs + 1));
	ASSERT_GT(4096, self->a.used);

	/* max_is(n): max is n + 1, never 0 */
	self->b.len = 0;
	v[1] = w;
	ASSERT_LT(0, ndr_marshal_call(&hw_proc, NDR_DIR_IN, v, variant->syntax, 0, &self->b));
	d = self->b.data;
	memset(self->out, 0, sizeof(self->out));
	ASSERT_EQ(0, RECV(hw_proc, self->b.len));
	put32(d, 0xffffffff);			/* n + 1 wraps to 0 */
	PUTC(0, 0);
	memset(self->out, 0, sizeof(self->out));
	ASSERT_EQ(BAD_STUB, RECV(hw_proc, self->b.len));
#undef PUTC
#undef RECV
}

TEST(status_names)
{
	ASSERT_STREQ("rpc_x_bad_stub_data", rpc_status_name(0x6f7));
	ASSERT_STREQ("nca_s_fault_invalid_bound", rpc_status_name(-0x1c000007));
	ASSERT_STREQ("nca_s_fault_remote_no_memory", rpc_status_name(0x1c00001b));
	ASSERT_STREQ("ept_s_not_registered", rpc_status_name(0x16c9a0d6));
	ASSERT_STREQ("ENOMEM", rpc_status_name(-ENOMEM));
	ASSERT_STREQ("unknown", rpc_status_name(0x1c0000ff));
}

TEST_HARNESS_MAIN
