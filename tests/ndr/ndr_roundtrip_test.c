// SPDX-License-Identifier: MIT
/*
 * Round trips of every type class through marshal and unmarshal, in
 * NDR20 and NDR64, little- and big-endian: the lrpctest operations as a
 * client and a server would drive them, then extra tables for the type
 * classes lrpctest does not use.
 */
#include <stdlib.h>
#include <string.h>
#include <lrpc/ndr.h>
/* the harness compares int literals with size_t results */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "lrpctest_tables.h"
#include "ndr_test.h"

FIXTURE(rt) {
	struct ndr_arena arena;
	struct ndr_buf buf;
	uint8_t drep[4];
};

FIXTURE_VARIANT(rt) {
	enum ndr_syntax syntax;
	unsigned int flags;
};

FIXTURE_VARIANT_ADD(rt, ndr20_le) { NDR_SYNTAX_NDR20, 0 };
FIXTURE_VARIANT_ADD(rt, ndr20_be) { NDR_SYNTAX_NDR20, NDR_F_BIG_ENDIAN };
FIXTURE_VARIANT_ADD(rt, ndr64_le) { NDR_SYNTAX_NDR64, 0 };
FIXTURE_VARIANT_ADD(rt, ndr64_be) { NDR_SYNTAX_NDR64, NDR_F_BIG_ENDIAN };

FIXTURE_SETUP(rt)
{
	ndr_arena_init(&self->arena, 0);
	ndr_buf_init(&self->buf);
	memset(self->drep, 0, 4);
	self->drep[0] = (variant->flags & NDR_F_BIG_ENDIAN) ? NDR_DREP_BIG_ENDIAN :
							      NDR_DREP_LITTLE_ENDIAN;
}

FIXTURE_TEARDOWN(rt)
{
	ndr_arena_release(&self->arena);
	ndr_buf_release(&self->buf);
	NDR_LEAK_CHECK();
}

/* Client marshals [in], server unmarshals into sargs (zeroed by caller). */
static int call_in(FIXTURE_DATA(rt) *self, const FIXTURE_VARIANT(rt) *variant,
		   int op, void **cargs, void **sargs)
{
	ssize_t n;

	self->buf.len = 0;
	n = ndr_marshal_call(&lrpctest_procs[op], NDR_DIR_IN, cargs, variant->syntax,
			     variant->flags, &self->buf);
	if (n < 0)
		return (int)n;
	return ndr_unmarshal_call(&lrpctest_procs[op], NDR_DIR_IN, sargs, variant->syntax,
				  self->drep, self->buf.data, self->buf.len, &self->arena);
}

static int call_out(FIXTURE_DATA(rt) *self, const FIXTURE_VARIANT(rt) *variant,
		    int op, void **sargs, void **cargs)
{
	ssize_t n;

	self->buf.len = 0;
	n = ndr_marshal_call(&lrpctest_procs[op], NDR_DIR_OUT, sargs, variant->syntax,
			     variant->flags, &self->buf);
	if (n < 0)
		return (int)n;
	return ndr_unmarshal_call(&lrpctest_procs[op], NDR_DIR_OUT, cargs, variant->syntax,
				  self->drep, self->buf.data, self->buf.len, &self->arena);
}

TEST_F(rt, tables_check)
{
	int i;

	for (i = 0; i < LRPCTEST_NPROCS; i++)
		ASSERT_EQ(0, ndr_proc_check(&lrpctest_procs[i])) TH_LOG("op %d", i);
}

TEST_F(rt, ping_and_add)
{
	uint32_t magic = LRPCTEST_PING_MAGIC, cmagic = 0;
	int32_t a = -7, b = 0x7fffffff, sum = 0, ret = 0;
	void *sp[1] = { &magic }, *cp[1] = { &cmagic };
	void *ca[4] = { &a, &b, &sum, &ret }, *sa[4] = { 0 };

	ASSERT_EQ(0, call_out(self, variant, OP_TestPing, sp, cp));
	ASSERT_EQ(4, self->buf.len);
	ASSERT_EQ(LRPCTEST_PING_MAGIC, cmagic);

	ASSERT_EQ(0, call_in(self, variant, OP_TestAdd, ca, sa));
	ASSERT_EQ(8, self->buf.len);
	ASSERT_EQ(-7, *(int32_t *)sa[0]);
	ASSERT_EQ(0x7fffffff, *(int32_t *)sa[1]);
	ASSERT_NE(NULL, sa[2]);		/* [out] storage for the manager */
	ASSERT_NE(NULL, sa[3]);
	*(int32_t *)sa[2] = (int32_t)((uint32_t)a + (uint32_t)b);
	ASSERT_EQ(0, call_out(self, variant, OP_TestAdd, sa, ca));
	ASSERT_EQ(0x7ffffff8, sum);
	ASSERT_EQ(0, ret);
}

TEST_F(rt, echo_fill_reverse)
{
	uint8_t in[1000], out[1000];
	uint32_t len = sizeof(in), rlen = 0, n = 5;
	int32_t vals[5] = { 1, -2, 3, -4, 5 };
	void *ca[4] = { &len, in, out, &rlen }, *sa[4] = { 0 };
	void *cr[3] = { &n, vals, &rlen }, *sr[3] = { 0 };
	uint8_t seed = 3;
	void *cf[4] = { &len, &seed, out, &rlen }, *sf[4] = { 0 };
	uint32_t i;

	for (i = 0; i < len; i++)
		in[i] = (uint8_t)(i * 7);
	ASSERT_EQ(0, call_in(self, variant, OP_TestEcho, ca, sa));
	ASSERT_EQ(len, *(uint32_t *)sa[0]);
	ASSERT_EQ(0, memcmp(sa[1], in, len));
	ASSERT_NE(NULL, sa[2]);		/* sized from len */
	for (i = 0; i < len; i++)
		((uint8_t *)sa[2])[i] = ((uint8_t *)sa[1])[i] ^ 0xa5;
	*(uint32_t *)sa[3] = len;
	ASSERT_EQ(0, call_out(self, variant, OP_TestEcho, sa, ca));
	for (i = 0; i < len; i++)
		ASSERT_EQ(in[i] ^ 0xa5, out[i]);
	ASSERT_EQ(len, rlen);

	ASSERT_EQ(0, call_in(self, variant, OP_TestFill, cf, sf));
	ASSERT_EQ(3, *(uint8_t *)sf[1]);
	for (i = 0; i < len; i++)
		((uint8_t *)sf[2])[i] = (uint8_t)(3 + 31 * i);
	ASSERT_EQ(0, call_out(self, variant, OP_TestFill, sf, cf));
	ASSERT_EQ((uint8_t)(3 + 31 * 999), out[999]);

	ASSERT_EQ(0, call_in(self, variant, OP_TestReverse, cr, sr));
	for (i = 0; i < n; i++)
		((int32_t *)sr[1])[i] = vals[n - 1 - i];
	ASSERT_EQ(0, call_out(self, variant, OP_TestReverse, sr, cr));
	ASSERT_EQ(5, vals[0]);
	ASSERT_EQ(1, vals[4]);
}

TEST_F(rt, sum_series)
{
	int32_t v[4] = { 10, -20, 30, 0x7fffffff };
	series_t s = { 4, v, "label" }, s0 = { 0, NULL, NULL };
	int64_t total = 0;
	void *ca[3] = { &s, &total, NULL }, *sa[3] = { 0 };
	void *ca0[3] = { &s0, &total, NULL }, *sa0[3] = { 0 };
	series_t *r;

	ASSERT_EQ(0, call_in(self, variant, OP_TestSumSeries, ca, sa));
	r = sa[0];
	ASSERT_EQ(4, r->count);
	ASSERT_EQ(0, memcmp(r->values, v, sizeof(v)));
	ASSERT_STREQ("label", r->label);
	ASSERT_EQ(0, call_in(self, variant, OP_TestSumSeries, ca0, sa0));
	r = sa0[0];
	ASSERT_EQ(0, r->count);
	ASSERT_EQ(NULL, r->values);
	ASSERT_EQ(NULL, r->label);
}

TEST_F(rt, upper_w)
{
	uint16_t text[] = { 'a', 'B', 0x263a, 'z', 0 }, *upper = NULL;
	int32_t ret = 0;
	void *ca[3] = { text, &upper, &ret }, *sa[3] = { 0 };
	uint16_t *r;

	ASSERT_EQ(0, call_in(self, variant, OP_TestUpperW, ca, sa));
	r = sa[0];
	ASSERT_EQ(0, memcmp(r, text, sizeof(text)));
	ASSERT_NE(NULL, sa[1]);
	ASSERT_EQ(NULL, *(uint16_t **)sa[1]);
	*(uint16_t **)sa[1] = r;
	r[0] = 'A';
	r[3] = 'Z';
	*(int32_t *)sa[2] = 2;
	ASSERT_EQ(0, call_out(self, variant, OP_TestUpperW, sa, ca));
	ASSERT_NE(NULL, upper);
	ASSERT_EQ('A', upper[0]);
	ASSERT_EQ(0x263a, upper[2]);
	ASSERT_EQ(0, upper[4]);
	ASSERT_EQ(2, ret);
}

TEST_F(rt, shape_area_all_arms)
{
	polygon_t *poly = malloc(sizeof(*poly) + 3 * sizeof(point_t));
	shape_u sh;
	int kind;
	double area;
	void *ca[4] = { &kind, &sh, &area, NULL }, *sa[4];
	shape_u *r;

	ASSERT_NE(NULL, poly);
	kind = SHAPE_CIRCLE;
	sh.radius = 2.5;
	memset(sa, 0, sizeof(sa));
	ASSERT_EQ(0, call_in(self, variant, OP_TestShapeArea, ca, sa));
	ASSERT_EQ(SHAPE_CIRCLE, *(int *)sa[0]);
	ASSERT_EQ(2.5, ((shape_u *)sa[1])->radius);

	kind = SHAPE_RECT;
	sh.rect = (rect_t){ 3.0, -4.5 };
	memset(sa, 0, sizeof(sa));
	ASSERT_EQ(0, call_in(self, variant, OP_TestShapeArea, ca, sa));
	ASSERT_EQ(-4.5, ((shape_u *)sa[1])->rect.h);

	kind = SHAPE_POLYGON;
	poly->npoints = 3;
	poly->points[0] = (point_t){ 0, 0 };
	poly->points[1] = (point_t){ 4, 0 };
	poly->points[2] = (point_t){ 0, -3 };
	sh.polygon = poly;
	memset(sa, 0, sizeof(sa));
	ASSERT_EQ(0, call_in(self, variant, OP_TestShapeArea, ca, sa));
	r = sa[1];
	ASSERT_NE(NULL, r->polygon);
	ASSERT_EQ(3, r->polygon->npoints);
	ASSERT_EQ(-3, r->polygon->points[2].y);

	sh.polygon = NULL;	/* a unique pointer arm may be NULL */
	memset(sa, 0, sizeof(sa));
	ASSERT_EQ(0, call_in(self, variant, OP_TestShapeArea, ca, sa));
	ASSERT_EQ(NULL, ((shape_u *)sa[1])->polygon);

	kind = 4;		/* no such arm */
	self->buf.len = 0;
	ASSERT_EQ(-(int)nca_s_fault_invalid_tag,
		  ndr_marshal_call(&lrpctest_procs[OP_TestShapeArea], NDR_DIR_IN, ca,
				   variant->syntax, variant->flags, &self->buf));
	free(poly);
}

TEST_F(rt, list_100000_nodes)
{
	const int n = 100000;
	node_t *nodes = calloc(n, sizeof(*nodes)), *p;
	int32_t count = 0;
	int64_t sum = 0, want = 0;
	void *ca[4] = { nodes, &count, &sum, NULL }, *sa[4] = { 0 };
	int i;

	ASSERT_NE(NULL, nodes);
	for (i = 0; i < n; i++) {
		nodes[i].value = i * 3 - 5;
		nodes[i].next = i + 1 < n ? &nodes[i + 1] : NULL;
		want += nodes[i].value;
	}
	ASSERT_EQ(0, call_in(self, variant, OP_TestListSum, ca, sa));
	for (i = 0, p = sa[0]; p; p = p->next, i++)
		sum += p->value;
	ASSERT_EQ(n, i);
	ASSERT_EQ(want, sum);
	free(nodes);
}

TEST_F(rt, alias_full_pointers)
{
	int32_t x = 5, y = 6, *a = &x, *b = &x;
	void *ca[3] = { &a, &b, NULL }, *sa[3] = { 0 };
	size_t same;

	ASSERT_EQ(0, call_in(self, variant, OP_TestAlias, ca, sa));
	same = self->buf.len;
	ASSERT_EQ(*(int32_t **)sa[0], *(int32_t **)sa[1]);
	ASSERT_EQ(5, **(int32_t **)sa[0]);

	b = &y;
	memset(sa, 0, sizeof(sa));
	ASSERT_EQ(0, call_in(self, variant, OP_TestAlias, ca, sa));
	ASSERT_GT(self->buf.len, same);	/* second referent on the wire */
	ASSERT_NE(*(int32_t **)sa[0], *(int32_t **)sa[1]);
	ASSERT_EQ(6, **(int32_t **)sa[1]);

	b = NULL;
	memset(sa, 0, sizeof(sa));
	ASSERT_EQ(0, call_in(self, variant, OP_TestAlias, ca, sa));
	ASSERT_EQ(NULL, *(int32_t **)sa[1]);
}

TEST_F(rt, context_handles)
{
	counter_handle_t h = { 0 }, hin = { 0x01020304, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
							  11, 12, 13, 14, 15, 16 } };
	int32_t start = 41, value = 0, ret = -1;
	void *co[3] = { &start, &h, &ret }, *so[3] = { 0 };
	void *cn[3] = { &hin, &value, &ret }, *sn[3] = { 0 };
	void *cc[2] = { &hin, &ret }, *sc[2] = { 0 };

	ASSERT_EQ(0, call_in(self, variant, OP_TestCounterOpen, co, so));
	*(counter_handle_t *)so[1] = hin;
	ASSERT_EQ(0, call_out(self, variant, OP_TestCounterOpen, so, co));
	ASSERT_EQ(20 + 4, self->buf.len);
	ASSERT_EQ(0, memcmp(&h, &hin, sizeof(h)));
	ASSERT_EQ(0, call_in(self, variant, OP_TestCounterNext, cn, sn));
	ASSERT_EQ(0, memcmp(sn[0], &hin, sizeof(hin)));
	ASSERT_EQ(0, call_in(self, variant, OP_TestCounterClose, cc, sc));
	memset(sc[0], 0, sizeof(counter_handle_t));
	ASSERT_EQ(0, call_out(self, variant, OP_TestCounterClose, sc, cc));
	ASSERT_EQ(0, hin.attributes);
	ASSERT_EQ(0, hin.uuid[15]);
}

TEST_F(rt, window_sleep_fault_tally)
{
	int32_t win[64];
	uint32_t length = 10, ms = 600000, st = 0x1234, amount = 0xffffffff;
	void *cw[3] = { &length, win, NULL }, *sw[3] = { 0 };
	void *cs[2] = { &ms, NULL }, *ss[2] = { 0 };
	void *cf[2] = { &st, NULL }, *sf[2] = { 0 };
	void *ct[3] = { &amount, NULL, NULL }, *stl[3] = { 0 };
	int i;

	for (i = 0; i < 64; i++)
		win[i] = i + 1;
	ASSERT_EQ(0, call_in(self, variant, OP_TestWindowSum, cw, sw));
	/* length, then offset and actual count, then 10 of the 64 longs */
	ASSERT_EQ(variant->syntax == NDR_SYNTAX_NDR64 ? 4 + 4 + 16 + 40 : 4 + 8 + 40,
		  self->buf.len);
	ASSERT_EQ(10, ((int32_t *)sw[1])[9]);
	ASSERT_EQ(0, ((int32_t *)sw[1])[10]);	/* not transmitted */
	ASSERT_EQ(0, call_in(self, variant, OP_TestSleep, cs, ss));
	ASSERT_EQ(600000, *(uint32_t *)ss[0]);
	ASSERT_EQ(0, call_in(self, variant, OP_TestFault, cf, sf));
	ASSERT_EQ(0x1234, *(uint32_t *)sf[0]);
	ASSERT_EQ(0, call_in(self, variant, OP_TestTally, ct, stl));
	ASSERT_EQ(0xffffffff, *(uint32_t *)stl[0]);
}

/* ---- type classes lrpctest does not use ---- */

struct allbase {
	uint8_t by; char ch; uint8_t bo; int8_t sm; uint16_t wc; int16_t sh;
	uint16_t us; int32_t lo; uint32_t ul; uint32_t es; int64_t hy;
	uint64_t uh; float fl; double db; int e16; int e32;
};
#define M(t, f) { &ndr_type_##t, offsetof(struct allbase, f) }
static const struct ndr_member allbase_m[] = {
	M(byte, by), M(char, ch), M(boolean, bo), M(small, sm), M(wchar, wc),
	M(short, sh), M(ushort, us), M(long, lo), M(ulong, ul), M(error_status, es),
	M(hyper, hy), M(uhyper, uh), M(float, fl), M(double, db), M(enum16, e16),
	M(enum32, e32),
};
static const struct ndr_type allbase_t = {
	.kind = NDR_K_STRUCT, .align = 8, .size = sizeof(struct allbase), .name = "allbase",
	.s = { allbase_m, 16 },
};

static int rt_type(FIXTURE_DATA(rt) *self, const FIXTURE_VARIANT(rt) *variant,
		   const struct ndr_type *t, const void *v, void **out)
{
	ssize_t n;

	self->buf.len = 0;
	*out = NULL;
	n = ndr_marshal_type(t, v, variant->syntax, variant->flags, &self->buf);
	if (n < 0)
		return (int)n;
	n = ndr_unmarshal_type(t, out, variant->syntax, self->drep, self->buf.data,
			       self->buf.len, &self->arena);
	if (n < 0)
		return (int)n;
	return n == (ssize_t)self->buf.len ? 0 : -1;
}

TEST_F(rt, base_types)
{
	struct allbase v = { 0xfe, 'q', 1, -100, 0xd83d, -30000, 65000, -2000000000,
			     4000000000u, 0x1c000007, -1234567890123LL, 0xfedcba9876543210ull,
			     1.5f, -2.25e300, 0x7fff, -5 }, *r;

	ASSERT_EQ(0, rt_type(self, variant, &allbase_t, &v, (void **)&r));
	ASSERT_EQ(0, memcmp(&v, r, offsetof(struct allbase, fl)));
	ASSERT_EQ(v.fl, r->fl);
	ASSERT_EQ(v.db, r->db);
	ASSERT_EQ(v.e16, r->e16);
	ASSERT_EQ(v.e32, r->e32);
	v.e16 = 0x8000;
	self->buf.len = 0;
	ASSERT_EQ(-(int)rpc_x_enum_value_out_of_range,
		  ndr_marshal_type(&allbase_t, &v, variant->syntax, variant->flags, &self->buf));
}

/* multi-dimensional fixed array of structs, and [size_is(n)] long a[][3] */
struct grid {
	point_t g[2][3];
	uint32_t n;
	int32_t (*rows)[3];
};
static const struct ndr_type pt3 = {
	.kind = NDR_K_ARRAY, .align = 4, .size = 3 * sizeof(point_t), .name = "point[3]",
	.a = { .elem = &lrpctest_point, .fixed = 3 },
};
static const struct ndr_type pt23 = {
	.kind = NDR_K_ARRAY, .align = 4, .size = 6 * sizeof(point_t), .name = "point[2][3]",
	.a = { .elem = &pt3, .fixed = 2 },
};
static const struct ndr_type long3 = {
	.kind = NDR_K_ARRAY, .align = 4, .size = 12, .name = "long[3]",
	.a = { .elem = &ndr_type_long, .fixed = 3 },
};
static const struct ndr_type rows_arr = {
	.kind = NDR_K_ARRAY, .align = 4, .name = "long[n*1][3]",
	.a = { .elem = &long3, .flags = NDR_AF_CONFORMANT,
	       .size_is = { .src = NDR_EXPR_FIELD, .index = 1, .op = NDR_OP_MUL, .k = 1 } },
};
static const struct ndr_type rows_ptr = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .p = { &rows_arr, NDR_PTR_REF },
};
static const struct ndr_member grid_m[] = {
	{ &pt23, offsetof(struct grid, g) }, { &ndr_type_ulong, offsetof(struct grid, n) },
	{ &rows_ptr, offsetof(struct grid, rows) },
};
static const struct ndr_type grid_t = {
	.kind = NDR_K_STRUCT, .align = 8, .size = sizeof(struct grid), .s = { grid_m, 3 },
};

TEST_F(rt, multidim_arrays)
{
	int32_t rows[2][3] = { { 1, 2, 3 }, { 4, 5, 6 } };
	struct grid v = { .n = 2, .rows = rows }, *r;
	int i, j;

	for (i = 0; i < 2; i++)
		for (j = 0; j < 3; j++)
			v.g[i][j] = (point_t){ i, j * 10 };
	ASSERT_EQ(0, rt_type(self, variant, &grid_t, &v, (void **)&r));
	ASSERT_EQ(0, memcmp(r->g, v.g, sizeof(v.g)));
	ASSERT_EQ(6, r->rows[1][2]);
	v.rows = NULL;		/* embedded [ref] */
	self->buf.len = 0;
	ASSERT_EQ(-(int)rpc_x_null_ref_pointer,
		  ndr_marshal_type(&grid_t, &v, variant->syntax, variant->flags, &self->buf));
}

/* encapsulated union with a default arm and an empty arm */
struct eu {
	int16_t d;
	union { int64_t h; uint8_t b; float f; } u;
};
static const struct ndr_union_arm eu_arms[] = {
	{ 1, &ndr_type_hyper }, { 2, &ndr_type_byte }, { 3, NULL },
};
static const struct ndr_type eu_t = {
	.kind = NDR_K_UNION, .flags = NDR_TF_ENCAPSULATED, .align = 8,
	.size = sizeof(struct eu), .name = "eu",
	.u = { .switch_type = &ndr_type_short, .arms = eu_arms, .narms = 3,
	       .has_default = 1, .default_arm = &ndr_type_float,
	       .arm_offset = offsetof(struct eu, u) },
};
static const struct ndr_type eu_nodef_t = {
	.kind = NDR_K_UNION, .flags = NDR_TF_ENCAPSULATED, .align = 8,
	.size = sizeof(struct eu), .name = "eu",
	.u = { .switch_type = &ndr_type_short, .arms = eu_arms, .narms = 3,
	       .arm_offset = offsetof(struct eu, u) },
};

TEST_F(rt, encapsulated_union_default_arm)
{
	struct eu v = { 1, { .h = -99 } }, *r;

	ASSERT_EQ(0, rt_type(self, variant, &eu_t, &v, (void **)&r));
	ASSERT_EQ(1, r->d);
	ASSERT_EQ(-99, r->u.h);
	v.d = 2;
	v.u.b = 0xab;
	ASSERT_EQ(0, rt_type(self, variant, &eu_t, &v, (void **)&r));
	ASSERT_EQ(0xab, r->u.b);
	v.d = 3;		/* empty arm: the discriminant only */
	ASSERT_EQ(0, rt_type(self, variant, &eu_t, &v, (void **)&r));
	ASSERT_EQ(3, r->d);
	v.d = 77;		/* default arm */
	v.u.f = 0.5f;
	ASSERT_EQ(0, rt_type(self, variant, &eu_t, &v, (void **)&r));
	ASSERT_EQ(77, r->d);
	ASSERT_EQ(0.5f, r->u.f);
	ASSERT_EQ(-(int)nca_s_fault_invalid_tag, rt_type(self, variant, &eu_nodef_t, &v, (void **)&r));
}

/* conformant-varying array (size_is, length_is, first_is), max_is,
   fixed [string], full pointers aliasing inside a struct, ptr to ptr */
struct mix {
	uint32_t max, len, first;
	int16_t *cv;			/* [size_is(max), length_is(len), first_is(first)] */
	char name[8];			/* [string] char name[8] */
	int32_t *p1, *p2;		/* [ptr] */
	int32_t **pp;			/* [unique] long ** */
	uint16_t *ws;			/* [string, unique] wchar_t * */
	uint32_t mi;
	uint8_t *mx;			/* [max_is(mi / 2)] byte * */
};
#define FLD(i) { .src = NDR_EXPR_FIELD, .index = (i) }
static const struct ndr_type cv_arr = {
	.kind = NDR_K_ARRAY, .align = 2, .a = { .elem = &ndr_type_short,
	.flags = NDR_AF_CONFORMANT | NDR_AF_VARYING, .size_is = FLD(0), .length_is = FLD(1),
	.first_is = FLD(2) },
};
static const struct ndr_type cv_ptr = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .p = { &cv_arr, NDR_PTR_UNIQUE },
};
static const struct ndr_type name8 = {
	.kind = NDR_K_STRING, .align = 1, .size = 8, .str = { 8 },
};
static const struct ndr_type lfull = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .p = { &ndr_type_long, NDR_PTR_FULL },
};
static const struct ndr_type lptr = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .p = { &ndr_type_long, NDR_PTR_UNIQUE },
};
static const struct ndr_type lpptr = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .p = { &lptr, NDR_PTR_UNIQUE },
};
static const struct ndr_type wstr = {
	.kind = NDR_K_STRING, .flags = NDR_TF_WIDE, .align = 2,
};
static const struct ndr_type wstr_ptr = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .p = { &wstr, NDR_PTR_UNIQUE },
};
static const struct ndr_type mx_arr = {
	.kind = NDR_K_ARRAY, .align = 1, .a = { .elem = &ndr_type_byte,
	.flags = NDR_AF_CONFORMANT | NDR_AF_MAX_IS,
	.size_is = { .src = NDR_EXPR_FIELD, .index = 9, .op = NDR_OP_DIV, .k = 2 } },
};
static const struct ndr_type mx_ptr = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .p = { &mx_arr, NDR_PTR_UNIQUE },
};
static const struct ndr_member mix_m[] = {
	{ &ndr_type_ulong, offsetof(struct mix, max) },
	{ &ndr_type_ulong, offsetof(struct mix, len) },
	{ &ndr_type_ulong, offsetof(struct mix, first) },
	{ &cv_ptr, offsetof(struct mix, cv) },
	{ &name8, offsetof(struct mix, name) },
	{ &lfull, offsetof(struct mix, p1) },
	{ &lfull, offsetof(struct mix, p2) },
	{ &lpptr, offsetof(struct mix, pp) },
	{ &wstr_ptr, offsetof(struct mix, ws) },
	{ &ndr_type_ulong, offsetof(struct mix, mi) },
	{ &mx_ptr, offsetof(struct mix, mx) },
};
static const struct ndr_type mix_t = {
	.kind = NDR_K_STRUCT, .align = 8, .size = sizeof(struct mix), .s = { mix_m, 11 },
};

TEST_F(rt, varying_strings_full_ptr_to_ptr)
{
	int16_t cv[10] = { 0, 0, 0, 31, 32, 33, 0, 0, 0, 0 };
	int32_t x = 77, *px = &x;
	uint16_t ws[] = { 'h', 'i', 0 };
	uint8_t mx[4] = { 9, 8, 7, 6 };
	struct mix v = { 10, 3, 3, cv, "abc", &x, &x, &px, ws, 6, mx }, *r;

	ASSERT_EQ(0, rt_type(self, variant, &mix_t, &v, (void **)&r));
	ASSERT_EQ(32, r->cv[4]);
	ASSERT_EQ(0, r->cv[2]);
	ASSERT_STREQ("abc", r->name);
	ASSERT_EQ(r->p1, r->p2);
	ASSERT_EQ(77, *r->p1);
	ASSERT_EQ(77, **r->pp);
	ASSERT_EQ('i', r->ws[1]);
	ASSERT_EQ(6, r->mx[3]);

	memcpy(v.name, "12345678", 8);	/* no room for the NUL */
	self->buf.len = 0;
	ASSERT_EQ(-EINVAL, ndr_marshal_type(&mix_t, &v, variant->syntax, variant->flags,
					    &self->buf));
}

/* expressions: size_is(*pn), (n + 1), (n - 1) */
static const struct ndr_type arr_deref = {
	.kind = NDR_K_ARRAY, .align = 4, .a = { .elem = &ndr_type_long,
	.flags = NDR_AF_CONFORMANT, .size_is = { .src = NDR_EXPR_PARAM, .index = 0, .deref = 1 } },
};
static const struct ndr_type arr_plus = {
	.kind = NDR_K_ARRAY, .align = 4, .a = { .elem = &ndr_type_long,
	.flags = NDR_AF_CONFORMANT,
	.size_is = { .src = NDR_EXPR_PARAM, .index = 1, .op = NDR_OP_ADD, .k = 1 } },
};
static const struct ndr_type arr_minus = {
	.kind = NDR_K_ARRAY, .align = 4, .a = { .elem = &ndr_type_long,
	.flags = NDR_AF_CONFORMANT,
	.size_is = { .src = NDR_EXPR_PARAM, .index = 1, .op = NDR_OP_SUB, .k = 1 } },
};
static const struct ndr_type lref = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .p = { &ndr_type_long, NDR_PTR_UNIQUE },
};
static const struct ndr_param expr_params[] = {
	{ "pn", &lref, NDR_PF_IN }, { "n", &ndr_type_long, NDR_PF_IN },
	{ "a", &arr_deref, NDR_PF_IN | NDR_PF_REF }, { "b", &arr_plus, NDR_PF_IN | NDR_PF_REF },
	{ "c", &arr_minus, NDR_PF_IN | NDR_PF_REF },
};
static const struct ndr_proc expr_proc = { "Expr", 0, 5, expr_params, NULL };

TEST_F(rt, size_is_expressions)
{
	int32_t k = 3, n = 2, *pn = &k, a[3] = { 1, 2, 3 }, b[3] = { 4, 5, 6 }, c[1] = { 7 };
	void *ca[5] = { &pn, &n, a, b, c }, *sa[5] = { 0 };

	ASSERT_EQ(0, ndr_proc_check(&expr_proc));
	ASSERT_LT(0, ndr_marshal_call(&expr_proc, NDR_DIR_IN, ca, variant->syntax,
				      variant->flags, &self->buf));
	ASSERT_EQ(0, ndr_unmarshal_call(&expr_proc, NDR_DIR_IN, sa, variant->syntax,
					self->drep, self->buf.data, self->buf.len, &self->arena));
	ASSERT_EQ(3, ((int32_t *)sa[2])[2]);
	ASSERT_EQ(6, ((int32_t *)sa[3])[2]);
	ASSERT_EQ(7, ((int32_t *)sa[4])[0]);
}

TEST_F(rt, pickle_both_versions)
{
	int32_t v[3] = { 1, 2, 3 };
	series_t s = { 3, v, "pickled" }, *r = NULL;
	int32_t prim = -42, *pr = NULL;
	ssize_t n;

	if (variant->syntax == NDR_SYNTAX_NDR64 && (variant->flags & NDR_F_BIG_ENDIAN)) {
		ASSERT_EQ(-EINVAL, ndr_encode_type(&lrpctest_series, &s, variant->syntax,
						   variant->flags, &self->buf));
		return;
	}
	n = ndr_encode_type(&lrpctest_series, &s, variant->syntax, variant->flags, &self->buf);
	ASSERT_LT(0, n);
	ASSERT_EQ(0, n % 8);
	ASSERT_EQ(variant->syntax == NDR_SYNTAX_NDR64 ? 2 : 1, self->buf.data[0]);
	ASSERT_EQ(n, ndr_decode_type(&lrpctest_series, (void **)&r, self->buf.data, n,
				     &self->arena));
	ASSERT_EQ(3, r->values[2]);
	ASSERT_STREQ("pickled", r->label);

	self->buf.len = 0;
	n = ndr_encode_type(&ndr_type_long, &prim, variant->syntax, variant->flags, &self->buf);
	ASSERT_EQ(variant->syntax == NDR_SYNTAX_NDR64 ? 72 : 16, n);
	ASSERT_EQ(n, ndr_decode_type(&ndr_type_long, (void **)&pr, self->buf.data, n,
				     &self->arena));
	ASSERT_EQ(-42, *pr);
}

/* an array of unique pointers to strings: [size_is(n)] [string] char *names[] */
struct names { uint32_t n; char **v; };
static const struct ndr_type cstr = { .kind = NDR_K_STRING, .align = 1 };
static const struct ndr_type cstr_ptr = { .kind = NDR_K_POINTER, .align = 8, .size = 8,
	.p = { &cstr, NDR_PTR_UNIQUE } };
static const struct ndr_type names_arr = { .kind = NDR_K_ARRAY, .align = 8, .a = {
	.elem = &cstr_ptr, .flags = NDR_AF_CONFORMANT,
	.size_is = { .src = NDR_EXPR_FIELD, .index = 0 } } };
static const struct ndr_type names_ptr = { .kind = NDR_K_POINTER, .align = 8, .size = 8,
	.p = { &names_arr, NDR_PTR_UNIQUE } };
static const struct ndr_member names_m[] = { { &ndr_type_ulong, 0 }, { &names_ptr, 8 } };
static const struct ndr_type names_t = { .kind = NDR_K_STRUCT, .align = 8, .size = 16,
	.s = { names_m, 2 } };

TEST_F(rt, array_of_pointers)
{
	char *v[4] = { "one", NULL, "three", "" };
	struct names in = { 4, v }, *r;

	ASSERT_EQ(0, rt_type(self, variant, &names_t, &in, (void **)&r));
	ASSERT_EQ(4, r->n);
	ASSERT_STREQ("one", r->v[0]);
	ASSERT_EQ(NULL, r->v[1]);
	ASSERT_STREQ("three", r->v[2]);
	ASSERT_STREQ("", r->v[3]);
}

/*
 * C706 14.3.10: full pointers to a conformant struct.  The same referent
 * id twice is one object, sent once; an alias may come before its
 * referent has been read (the referent is deferred).
 */
static const struct ndr_type blob_fptr = { .kind = NDR_K_POINTER, .align = 8, .size = 8,
	.p = { &blob_t, NDR_PTR_FULL } };
struct twins { struct blob *a, *b, *c; };
static const struct ndr_member twins_m[] = {
	{ &blob_fptr, 0 }, { &blob_fptr, 8 }, { &blob_fptr, 16 } };
static const struct ndr_type twins_t = { .kind = NDR_K_STRUCT, .align = 8,
	.size = sizeof(struct twins), .s = { twins_m, 3 } };

TEST_F(rt, full_pointers_to_conformant_struct)
{
	/* ids 1, 1, 2; blob {2: aa bb} once, pad, blob {1: cc} */
	static const uint8_t wire20[] = {
		0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x02, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0xaa, 0xbb, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0xcc,
	};
	struct blob *b = calloc(1, sizeof(*b) + 2), *c = calloc(1, sizeof(*c) + 1);
	struct twins v = { b, b, c }, *r;

	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, c);
	b->n = 2;
	b->data[0] = 0xaa;
	b->data[1] = 0xbb;
	c->n = 1;
	c->data[0] = 0xcc;
	ASSERT_EQ(0, rt_type(self, variant, &twins_t, &v, (void **)&r));
	if (variant->syntax == NDR_SYNTAX_NDR20 && !variant->flags) {
		ASSERT_EQ(sizeof(wire20), self->buf.len);
		ASSERT_EQ(0, memcmp(wire20, self->buf.data, sizeof(wire20)));
	}
	ASSERT_NE(NULL, r->a);
	ASSERT_EQ(r->a, r->b);
	ASSERT_NE(r->a, r->c);
	ASSERT_EQ(2, r->a->n);
	ASSERT_EQ(0xbb, r->a->data[1]);
	ASSERT_EQ(1, r->c->n);
	ASSERT_EQ(0xcc, r->c->data[0]);

	/* an alias after a NULL, and the last pointer the first's alias */
	v = (struct twins){ c, NULL, c };
	ASSERT_EQ(0, rt_type(self, variant, &twins_t, &v, (void **)&r));
	ASSERT_EQ(NULL, r->b);
	ASSERT_EQ(r->a, r->c);
	ASSERT_EQ(0xcc, r->c->data[0]);
	free(b);
	free(c);
}

/* [string, size_is(n)] and [string, max_is(n)]: conformant-varying */
struct sstr { uint32_t n; char *s; uint16_t *w; };
static const struct ndr_type sized_str = { .kind = NDR_K_STRING, .align = 1,
	.str = { .size_is = { .src = NDR_EXPR_FIELD, .index = 0 } } };
static const struct ndr_type max_wstr = { .kind = NDR_K_STRING,
	.flags = NDR_TF_WIDE | NDR_TF_MAX_IS, .align = 2,
	.str = { .size_is = { .src = NDR_EXPR_FIELD, .index = 0 } } };
static const struct ndr_type sized_str_p = { .kind = NDR_K_POINTER, .align = 8, .size = 8,
	.p = { &sized_str, NDR_PTR_UNIQUE } };
static const struct ndr_type max_wstr_p = { .kind = NDR_K_POINTER, .align = 8, .size = 8,
	.p = { &max_wstr, NDR_PTR_UNIQUE } };
static const struct ndr_member sstr_m[] = {
	{ &ndr_type_ulong, 0 }, { &sized_str_p, 8 }, { &max_wstr_p, 16 } };
static const struct ndr_type sstr_t = { .kind = NDR_K_STRUCT, .align = 8,
	.size = sizeof(struct sstr), .s = { sstr_m, 3 } };

TEST_F(rt, sized_strings)
{
	/* id, id; "ab" max 8: 8, 0, 3; L"x" max 9: 9, 0, 2 */
	static const uint8_t wire20[] = {
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x02, 0x00,
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00,
		'a', 'b', 0x00, 0x00,
		0x09, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
		'x', 0x00, 0x00, 0x00,
	};
	char s[8] = "ab";
	uint16_t w[9] = { 'x', 0 };
	struct sstr v = { 8, s, w }, *r;

	ASSERT_EQ(0, rt_type(self, variant, &sstr_t, &v, (void **)&r));
	if (variant->syntax == NDR_SYNTAX_NDR20 && !variant->flags) {
		ASSERT_EQ(sizeof(wire20), self->buf.len);
		ASSERT_EQ(0, memcmp(wire20, self->buf.data, sizeof(wire20)));
	}
	ASSERT_STREQ("ab", r->s);
	ASSERT_EQ('x', r->w[0]);
	ASSERT_EQ(0, r->w[1]);

	/* size 0: no room for a NUL, max 0 and actual 0 */
	v.n = 0;
	v.w = NULL;
	ASSERT_EQ(0, rt_type(self, variant, &sstr_t, &v, (void **)&r));
	ASSERT_NE(NULL, r->s);
	ASSERT_EQ(0, r->s[0]);

	/* no NUL within the size: the caller's error */
	v.n = 2;
	self->buf.len = 0;
	ASSERT_EQ(-EINVAL, ndr_marshal_type(&sstr_t, &v, variant->syntax, variant->flags,
					    &self->buf));
}

/* [size_is(n), first_is(f), last_is(l)] long *a: elements f..l */
static const struct ndr_type lastis_arr = { .kind = NDR_K_ARRAY, .align = 4, .a = {
	.elem = &ndr_type_long, .flags = NDR_AF_CONFORMANT | NDR_AF_VARYING,
	.size_is = { .src = NDR_EXPR_PARAM, .index = 0 },
	.first_is = { .src = NDR_EXPR_PARAM, .index = 1 },
	.last_is = { .src = NDR_EXPR_PARAM, .index = 2 } } };
static const struct ndr_param lastis_params[] = {
	{ "n", &ndr_type_ulong, NDR_PF_IN }, { "f", &ndr_type_ulong, NDR_PF_IN },
	{ "l", &ndr_type_long, NDR_PF_IN }, { "a", &lastis_arr, NDR_PF_IN | NDR_PF_REF },
};
static const struct ndr_proc lastis_proc = { "LastIs", 0, 4, lastis_params, NULL };

TEST_F(rt, last_is)
{
	int32_t a[6] = { 10, 11, 12, 13, 14, 15 }, l = 3;
	uint32_t n = 6, f = 2;
	void *ca[4] = { &n, &f, &l, a }, *sa[4] = { 0 };
	size_t cnt = variant->syntax == NDR_SYNTAX_NDR64 ? 8 : 4;

	ASSERT_EQ(0, ndr_proc_check(&lastis_proc));
	ASSERT_LT(0, ndr_marshal_call(&lastis_proc, NDR_DIR_IN, ca, variant->syntax,
				      variant->flags, &self->buf));
	/* n f l, then max, offset 2, actual 2, two longs */
	ASSERT_EQ(12 + (variant->syntax == NDR_SYNTAX_NDR64 ? 4 : 0) + 3 * cnt + 8,
		  self->buf.len);
	ASSERT_EQ(0, ndr_unmarshal_call(&lastis_proc, NDR_DIR_IN, sa, variant->syntax,
					self->drep, self->buf.data, self->buf.len, &self->arena));
	ASSERT_EQ(12, ((int32_t *)sa[3])[2]);
	ASSERT_EQ(13, ((int32_t *)sa[3])[3]);
	ASSERT_EQ(0, ((int32_t *)sa[3])[4]);

	/* last_is = first_is - 1: nothing */
	l = 1;
	self->buf.len = 0;
	memset(sa, 0, sizeof(sa));
	ASSERT_LT(0, ndr_marshal_call(&lastis_proc, NDR_DIR_IN, ca, variant->syntax,
				      variant->flags, &self->buf));
	ASSERT_EQ(0, ndr_unmarshal_call(&lastis_proc, NDR_DIR_IN, sa, variant->syntax,
					self->drep, self->buf.data, self->buf.len, &self->arena));
	/* beyond the array, or before first_is - 1 */
	l = 6;
	self->buf.len = 0;
	ASSERT_EQ(-(int)nca_s_fault_invalid_bound,
		  ndr_marshal_call(&lastis_proc, NDR_DIR_IN, ca, variant->syntax,
				   variant->flags, &self->buf));
	l = 0;
	ASSERT_EQ(-(int)nca_s_fault_invalid_bound,
		  ndr_marshal_call(&lastis_proc, NDR_DIR_IN, ca, variant->syntax,
				   variant->flags, &self->buf));
}

TEST_HARNESS_MAIN
