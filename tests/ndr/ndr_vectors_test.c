// SPDX-License-Identifier: MIT
/*
 * Byte-exact vectors that do not come from our own encoder:
 *  - vectors/impacket_vectors.h: produced by impacket's NDR encoder
 *    (vectors/gen_vectors.py); padding zero-filled for comparison, and
 *    the original marker-filled padding (*_marked) to check that the
 *    decoder ignores padding contents;
 *  - hand-derived below from the rules of [C706] ch. 14 and [MS-RPCE]
 *    2.2.5 (each vector's comment gives the layout), including the
 *    NDR64 trailing-gap example of [MS-RPCE] 4.8 and the pickling header
 *    of [MS-RPCE] 2.2.6.
 * Each vector is unmarshalled (and the values checked) and the same
 * values are marshalled and compared octet by octet.
 */
#include <stdlib.h>
#include <string.h>
#include <lrpc/ndr.h>
/* the harness compares int literals with size_t results */
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"
#include "lrpctest_tables.h"
#include "ndr_test.h"
#include "vectors/impacket_vectors.h"

static const uint8_t LE[4] = { 0x10, 0, 0, 0 }, BE[4] = { 0, 0, 0, 0 };

struct vec {
	const uint8_t *zero, *marked;
	size_t len;
};
#define V(n) { n, n##_marked, sizeof(n) }

/* marshal args and compare with v; unmarshal v (both paddings) into fresh slots */
static int check_vec(struct __test_metadata *_metadata, int op, enum ndr_dir dir,
		     enum ndr_syntax syn, void **args, const struct vec *v,
		     void **out, struct ndr_arena *a)
{
	const struct ndr_proc *p = &lrpctest_procs[op];
	struct ndr_buf b;
	ssize_t n;
	size_t i;

	ndr_buf_init(&b);
	n = ndr_marshal_call(p, dir, args, syn, 0, &b);
	EXPECT_EQ(v->len, n);
	for (i = 0; n > 0 && i < v->len && i < (size_t)n; i++)
		EXPECT_EQ(v->zero[i], b.data[i]) TH_LOG("%s octet %zu", p->name, i);
	ndr_buf_release(&b);
	if (v->marked) {
		memset(out, 0, (p->nparams + 1) * sizeof(void *));
		EXPECT_EQ(0, ndr_unmarshal_call(p, dir, out, syn, LE, v->marked, v->len, a));
	}
	memset(out, 0, (p->nparams + 1) * sizeof(void *));
	return ndr_unmarshal_call(p, dir, out, syn, LE, v->zero, v->len, a);
}

FIXTURE(vec) { struct ndr_arena a; void *out[8]; };
FIXTURE_SETUP(vec) { ndr_arena_init(&self->a, 0); }
FIXTURE_TEARDOWN(vec) { ndr_arena_release(&self->a); NDR_LEAK_CHECK(); }

TEST_F(vec, impacket_add_echo)
{
	int32_t a = -7, b = 0x12345678;
	uint32_t len = 5;
	uint8_t data[5] = "hello";
	void *aa[4] = { &a, &b, NULL, NULL }, *ea[4] = { &len, data, NULL, NULL };
	struct vec v20 = V(vec_add_in_ndr20), v64 = V(vec_add_in_ndr64);
	struct vec e20 = V(vec_echo_in_ndr20), e64 = V(vec_echo_in_ndr64);

	ASSERT_EQ(0, check_vec(_metadata, OP_TestAdd, NDR_DIR_IN, NDR_SYNTAX_NDR20, aa, &v20, self->out, &self->a));
	ASSERT_EQ(0x12345678, *(int32_t *)self->out[1]);
	ASSERT_EQ(0, check_vec(_metadata, OP_TestAdd, NDR_DIR_IN, NDR_SYNTAX_NDR64, aa, &v64, self->out, &self->a));
	ASSERT_EQ(0, check_vec(_metadata, OP_TestEcho, NDR_DIR_IN, NDR_SYNTAX_NDR20, ea, &e20, self->out, &self->a));
	ASSERT_EQ(0, memcmp(self->out[1], "hello", 5));
	ASSERT_EQ(0, check_vec(_metadata, OP_TestEcho, NDR_DIR_IN, NDR_SYNTAX_NDR64, ea, &e64, self->out, &self->a));
	ASSERT_EQ(0, memcmp(self->out[1], "hello", 5));
}

TEST_F(vec, impacket_series)
{
	int32_t vals[3] = { 10, -20, 30 };
	series_t s = { 3, vals, "hi" };
	int64_t total = -5;
	int32_t ret = 2;
	void *ia[3] = { &s, NULL, NULL }, *oa[3] = { NULL, &total, &ret };
	struct vec i20 = V(vec_sumseries_in_ndr20), i64 = V(vec_sumseries_in_ndr64);
	struct vec o20 = V(vec_sumseries_out_ndr20), o64 = V(vec_sumseries_out_ndr64);
	series_t *r;

	ASSERT_EQ(0, check_vec(_metadata, OP_TestSumSeries, NDR_DIR_IN, NDR_SYNTAX_NDR20, ia, &i20, self->out, &self->a));
	r = self->out[0];
	ASSERT_EQ(-20, r->values[1]);
	ASSERT_STREQ("hi", r->label);
	ASSERT_EQ(0, check_vec(_metadata, OP_TestSumSeries, NDR_DIR_IN, NDR_SYNTAX_NDR64, ia, &i64, self->out, &self->a));
	r = self->out[0];
	ASSERT_EQ(30, r->values[2]);
	ASSERT_EQ(0, check_vec(_metadata, OP_TestSumSeries, NDR_DIR_OUT, NDR_SYNTAX_NDR20, oa, &o20, self->out, &self->a));
	ASSERT_EQ(-5, *(int64_t *)self->out[1]);
	ASSERT_EQ(0, check_vec(_metadata, OP_TestSumSeries, NDR_DIR_OUT, NDR_SYNTAX_NDR64, oa, &o64, self->out, &self->a));
}

TEST_F(vec, impacket_strings_handles_arrays)
{
	uint16_t text[3] = { 'a', 'B', 0 };
	counter_handle_t h = { 0, { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 } };
	int32_t ret = 0, rv[3] = { 3, 2, 1 }, win[64] = { 7, 8, 9 };
	uint32_t n = 3, rret = 3, length = 3;
	void *ua[3] = { text, NULL, NULL }, *ca[3] = { NULL, &h, &ret };
	void *ra[3] = { &n, rv, &rret }, *wa[3] = { &length, win, NULL };
	struct vec u20 = V(vec_upperw_in_ndr20), u64 = V(vec_upperw_in_ndr64);
	struct vec c20 = V(vec_counteropen_out_ndr20), c64 = V(vec_counteropen_out_ndr64);
	struct vec w20 = V(vec_windowsum_in_ndr20), w64 = V(vec_windowsum_in_ndr64);
	int32_t cv[3];

	ASSERT_EQ(0, check_vec(_metadata, OP_TestUpperW, NDR_DIR_IN, NDR_SYNTAX_NDR20, ua, &u20, self->out, &self->a));
	ASSERT_EQ('B', ((uint16_t *)self->out[0])[1]);
	ASSERT_EQ(0, check_vec(_metadata, OP_TestUpperW, NDR_DIR_IN, NDR_SYNTAX_NDR64, ua, &u64, self->out, &self->a));
	ASSERT_EQ(0, check_vec(_metadata, OP_TestCounterOpen, NDR_DIR_OUT, NDR_SYNTAX_NDR20, ca, &c20, self->out, &self->a));
	ASSERT_EQ(16, ((counter_handle_t *)self->out[1])->uuid[15]);
	ASSERT_EQ(0, check_vec(_metadata, OP_TestCounterOpen, NDR_DIR_OUT, NDR_SYNTAX_NDR64, ca, &c64, self->out, &self->a));
	/* a client receiving [out] values: its own n sizes the array */
	self->out[0] = &n;
	self->out[1] = cv;
	self->out[2] = &rret;
	ASSERT_EQ(0, ndr_unmarshal_call(&lrpctest_procs[OP_TestReverse], NDR_DIR_OUT, self->out,
					NDR_SYNTAX_NDR20, LE, vec_reverse_out_ndr20,
					sizeof(vec_reverse_out_ndr20), &self->a));
	ASSERT_EQ(1, cv[2]);
	ASSERT_EQ(0, ndr_unmarshal_call(&lrpctest_procs[OP_TestReverse], NDR_DIR_OUT, self->out,
					NDR_SYNTAX_NDR64, LE, vec_reverse_out_ndr64_marked,
					sizeof(vec_reverse_out_ndr64), &self->a));
	ASSERT_EQ(3, cv[0]);
	/* ... and as a server would marshal them */
	self->out[0] = NULL;
	{
		struct ndr_buf b;

		ndr_buf_init(&b);
		ASSERT_EQ(sizeof(vec_reverse_out_ndr20),
			  ndr_marshal_call(&lrpctest_procs[OP_TestReverse], NDR_DIR_OUT, ra,
					   NDR_SYNTAX_NDR20, 0, &b));
		ASSERT_EQ(0, memcmp(b.data, vec_reverse_out_ndr20, b.len));
		b.len = 0;
		ASSERT_EQ(sizeof(vec_reverse_out_ndr64),
			  ndr_marshal_call(&lrpctest_procs[OP_TestReverse], NDR_DIR_OUT, ra,
					   NDR_SYNTAX_NDR64, 0, &b));
		ASSERT_EQ(0, memcmp(b.data, vec_reverse_out_ndr64, b.len));
		ndr_buf_release(&b);
	}
	ASSERT_EQ(0, check_vec(_metadata, OP_TestWindowSum, NDR_DIR_IN, NDR_SYNTAX_NDR20, wa, &w20, self->out, &self->a));
	ASSERT_EQ(9, ((int32_t *)self->out[1])[2]);
	ASSERT_EQ(0, check_vec(_metadata, OP_TestWindowSum, NDR_DIR_IN, NDR_SYNTAX_NDR64, wa, &w64, self->out, &self->a));
	ASSERT_EQ(8, ((int32_t *)self->out[1])[1]);
}

/* ---- hand-derived ---- */

/*
 * TestListSum, 3 nodes.  head is a top-level [ref]: no referent id; the
 * node's embedded unique `next` is an id, its referent deferred after
 * the node (C706 14.3.12.3).  NDR64: 8-octet ids, struct aligned to 8.
 */
static const uint8_t list_ndr20[] = {
	1, 0, 0, 0, 0x00, 0x00, 0x02, 0x00,
	2, 0, 0, 0, 0x04, 0x00, 0x02, 0x00,
	3, 0, 0, 0, 0, 0, 0, 0,
};
static const uint8_t list_ndr64[] = {
	1, 0, 0, 0, 0, 0, 0, 0, 0x00, 0x00, 0x02, 0x00, 0, 0, 0, 0,
	2, 0, 0, 0, 0, 0, 0, 0, 0x04, 0x00, 0x02, 0x00, 0, 0, 0, 0,
	3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
};

/*
 * TestShapeArea(kind = SHAPE_RECT {1.5, -2}).  NDR20: kind is an enum16
 * (2 octets), the non-encapsulated union repeats the discriminant as its
 * switch_type (2), the rect_t arm is aligned to its own 8.  NDR64: enums
 * are 4 octets, the union is aligned to 8 (largest of discriminant and
 * arms), the arm to the largest arm alignment (8).
 */
static const uint8_t rect_ndr20[] = {
	2, 0, 2, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0xc0,
};
static const uint8_t rect_ndr64[] = {
	2, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0xf8, 0x3f, 0, 0, 0, 0, 0, 0, 0, 0xc0,
};
/*
 * SHAPE_POLYGON with 3 points: the arm is an embedded unique pointer; its
 * referent, a conformant struct, puts the max count first (C706 14.3.7.1).
 */
static const uint8_t poly_ndr20[] = {
	3, 0, 3, 0, 0x00, 0x00, 0x02, 0x00,
	3, 0, 0, 0, 3, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd, 0xff, 0xff, 0xff,
};
static const uint8_t poly_ndr64[] = {
	3, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0,
	0x00, 0x00, 0x02, 0x00, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0,
	3, 0, 0, 0,
	0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xfd, 0xff, 0xff, 0xff,
};

/*
 * TestAlias(a = b = &5): full pointers, one referent id twice and the
 * referent once (the lrpctest contract).  NDR64: 8-octet ids.
 */
static const uint8_t alias_ndr20[] = {
	0x00, 0x00, 0x02, 0x00, 5, 0, 0, 0, 0x00, 0x00, 0x02, 0x00,
};
static const uint8_t alias_ndr64[] = {
	0x00, 0x00, 0x02, 0x00, 0, 0, 0, 0, 5, 0, 0, 0, 0, 0, 0, 0,
	0x00, 0x00, 0x02, 0x00, 0, 0, 0, 0,
};

/* TestAdd(-7, 0x12345678) big-endian: drep 0x00 */
static const uint8_t add_be[] = { 0xff, 0xff, 0xff, 0xf9, 0x12, 0x34, 0x56, 0x78 };

TEST_F(vec, hand_list_shape_alias)
{
	node_t n3 = { 3, NULL }, n2 = { 2, &n3 }, n1 = { 1, &n2 };
	polygon_t *poly = malloc(sizeof(*poly) + 3 * sizeof(point_t));
	shape_u sh = { .rect = { 1.5, -2 } };
	int kind = SHAPE_RECT;
	int32_t five = 5, *pa = &five, a = -7, b = 0x12345678;
	void *la[4] = { &n1, NULL, NULL, NULL }, *sa[4] = { &kind, &sh, NULL, NULL };
	void *aa[3] = { &pa, &pa, NULL }, *ad[4] = { &a, &b, NULL, NULL };
	struct vec l20 = { list_ndr20, NULL, sizeof(list_ndr20) };
	struct vec l64 = { list_ndr64, NULL, sizeof(list_ndr64) };
	struct vec r20 = { rect_ndr20, NULL, sizeof(rect_ndr20) };
	struct vec r64 = { rect_ndr64, NULL, sizeof(rect_ndr64) };
	struct vec p20 = { poly_ndr20, NULL, sizeof(poly_ndr20) };
	struct vec p64 = { poly_ndr64, NULL, sizeof(poly_ndr64) };
	struct vec a20 = { alias_ndr20, NULL, sizeof(alias_ndr20) };
	struct vec a64 = { alias_ndr64, NULL, sizeof(alias_ndr64) };
	struct ndr_buf buf;
	node_t *h;

	ASSERT_EQ(0, check_vec(_metadata, OP_TestListSum, NDR_DIR_IN, NDR_SYNTAX_NDR20, la, &l20, self->out, &self->a));
	h = self->out[0];
	ASSERT_EQ(3, h->next->next->value);
	ASSERT_EQ(0, check_vec(_metadata, OP_TestListSum, NDR_DIR_IN, NDR_SYNTAX_NDR64, la, &l64, self->out, &self->a));
	ASSERT_EQ(0, check_vec(_metadata, OP_TestShapeArea, NDR_DIR_IN, NDR_SYNTAX_NDR20, sa, &r20, self->out, &self->a));
	ASSERT_EQ(-2, ((shape_u *)self->out[1])->rect.h);
	ASSERT_EQ(0, check_vec(_metadata, OP_TestShapeArea, NDR_DIR_IN, NDR_SYNTAX_NDR64, sa, &r64, self->out, &self->a));
	kind = SHAPE_POLYGON;
	poly->npoints = 3;
	poly->points[0] = (point_t){ 0, 0 };
	poly->points[1] = (point_t){ 4, 0 };
	poly->points[2] = (point_t){ 0, -3 };
	sh.polygon = poly;
	ASSERT_EQ(0, check_vec(_metadata, OP_TestShapeArea, NDR_DIR_IN, NDR_SYNTAX_NDR20, sa, &p20, self->out, &self->a));
	ASSERT_EQ(4, ((shape_u *)self->out[1])->polygon->points[1].x);
	ASSERT_EQ(0, check_vec(_metadata, OP_TestShapeArea, NDR_DIR_IN, NDR_SYNTAX_NDR64, sa, &p64, self->out, &self->a));
	ASSERT_EQ(-3, ((shape_u *)self->out[1])->polygon->points[2].y);
	ASSERT_EQ(0, check_vec(_metadata, OP_TestAlias, NDR_DIR_IN, NDR_SYNTAX_NDR20, aa, &a20, self->out, &self->a));
	ASSERT_EQ(*(int32_t **)self->out[0], *(int32_t **)self->out[1]);
	ASSERT_EQ(0, check_vec(_metadata, OP_TestAlias, NDR_DIR_IN, NDR_SYNTAX_NDR64, aa, &a64, self->out, &self->a));
	ASSERT_EQ(5, **(int32_t **)self->out[1]);

	ndr_buf_init(&buf);
	ASSERT_EQ(8, ndr_marshal_call(&lrpctest_procs[OP_TestAdd], NDR_DIR_IN, ad,
				      NDR_SYNTAX_NDR20, NDR_F_BIG_ENDIAN, &buf));
	ASSERT_EQ(0, memcmp(buf.data, add_be, 8));
	memset(self->out, 0, sizeof(self->out));
	ASSERT_EQ(0, ndr_unmarshal_call(&lrpctest_procs[OP_TestAdd], NDR_DIR_IN, self->out,
					NDR_SYNTAX_NDR20, BE, add_be, 8, &self->a));
	ASSERT_EQ(-7, *(int32_t *)self->out[0]);
	ndr_buf_release(&buf);
	free(poly);
}

/* [MS-RPCE] 4.8: struct { long l; short s; } has a 2-octet trailing gap in NDR64 */
struct withpad { int32_t l; int16_t s; };
static const struct ndr_member withpad_m[] = {
	{ &ndr_type_long, 0 }, { &ndr_type_short, 4 },
};
static const struct ndr_type withpad_t = {
	.kind = NDR_K_STRUCT, .align = 4, .size = sizeof(struct withpad), .s = { withpad_m, 2 },
};

TEST_F(vec, ms_rpce_trailing_gap_and_pickle_header)
{
	static const uint8_t gap64[] = { 1, 0, 0, 0, 2, 0, 0, 0 };
	/* [MS-RPCE] 2.2.6.1/2.2.6.2: version 1, little-endian, header length
	   8, filler 0xcccccccc; object length 8, filler 0; then point_t */
	static const uint8_t pickled[] = {
		0x01, 0x10, 0x08, 0x00, 0xcc, 0xcc, 0xcc, 0xcc,
		0x08, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
		0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00,
	};
	struct withpad w = { 1, 2 };
	point_t p = { 1, 2 }, *rp = NULL;
	struct ndr_buf b;

	ndr_buf_init(&b);
	ASSERT_EQ(8, ndr_marshal_type(&withpad_t, &w, NDR_SYNTAX_NDR64, 0, &b));
	ASSERT_EQ(0, memcmp(b.data, gap64, 8));
	b.len = 0;
	ASSERT_EQ(6, ndr_marshal_type(&withpad_t, &w, NDR_SYNTAX_NDR20, 0, &b));
	b.len = 0;
	ASSERT_EQ(sizeof(pickled), ndr_encode_type(&lrpctest_point, &p, NDR_SYNTAX_NDR20, 0, &b));
	ASSERT_EQ(0, memcmp(b.data, pickled, sizeof(pickled)));
	ASSERT_EQ(sizeof(pickled), ndr_decode_type(&lrpctest_point, (void **)&rp, pickled,
						   sizeof(pickled), &self->a));
	ASSERT_EQ(2, rp->y);
	ndr_buf_release(&b);
}

/*
 * Deferral order (C706 14.3.12.3, as MIDL and Samba write it): the
 * referents of a struct's pointers follow the struct, depth-first -- a
 * referent's own referents come before the next sibling's referent --
 * and ids are handed out in wire order.
 *   struct pair { node_t *a, *b; }  a -> {1, -> {2, NULL}},  b -> {3, NULL}
 */
struct pair { node_t *a, *b; };
static const struct ndr_type node_uptr = { .kind = NDR_K_POINTER, .align = 8, .size = 8,
	.p = { &lrpctest_node, NDR_PTR_UNIQUE } };
static const struct ndr_member pair_m[] = { { &node_uptr, 0 }, { &node_uptr, 8 } };
static const struct ndr_type pair_t = { .kind = NDR_K_STRUCT, .align = 8,
	.size = sizeof(struct pair), .s = { pair_m, 2 } };

TEST_F(vec, deferral_is_depth_first)
{
	static const uint8_t want[] = {
		0x00, 0x00, 0x02, 0x00, 0x04, 0x00, 0x02, 0x00,	/* ids of a, b */
		1, 0, 0, 0, 0x08, 0x00, 0x02, 0x00,		/* *a, id of a->next */
		2, 0, 0, 0, 0, 0, 0, 0,				/* *a->next */
		3, 0, 0, 0, 0, 0, 0, 0,				/* *b */
	};
	node_t a2 = { 2, NULL }, a1 = { 1, &a2 }, b1 = { 3, NULL };
	struct pair p = { &a1, &b1 }, *r = NULL;
	struct ndr_buf b;

	ndr_buf_init(&b);
	ASSERT_EQ(sizeof(want), ndr_marshal_type(&pair_t, &p, NDR_SYNTAX_NDR20, 0, &b));
	ASSERT_EQ(0, memcmp(b.data, want, sizeof(want)));
	ASSERT_EQ(sizeof(want), ndr_unmarshal_type(&pair_t, (void **)&r, NDR_SYNTAX_NDR20, LE,
						   want, sizeof(want), &self->a));
	ASSERT_EQ(2, r->a->next->value);
	ASSERT_EQ(3, r->b->value);
	ndr_buf_release(&b);
}

TEST_HARNESS_MAIN
