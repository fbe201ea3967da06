// SPDX-License-Identifier: MIT
/*
 * Hand-written tables for idl/lrpctest.idl: what tools/idl must emit.
 * Every use of a [range], size_is or switch_is is its own type, because
 * those attributes live in the descriptor.
 */
#include <stddef.h>
#include "lrpctest_tables.h"

#define PARAM(i) { .src = NDR_EXPR_PARAM, .index = (i) }
#define FIELD(i) { .src = NDR_EXPR_FIELD, .index = (i) }

#define ULONG_RANGE(n, lo, hi) \
	static const struct ndr_type n = { .kind = NDR_K_ULONG, .flags = NDR_TF_RANGE, \
		.align = 4, .size = 4, .name = #n, .range = { lo, hi } }

ULONG_RANGE(ulong_0_1000000, 0, 1000000);
ULONG_RANGE(ulong_0_65536, 0, 65536);
ULONG_RANGE(ulong_0_64m, 0, 67108864);
ULONG_RANGE(ulong_0_600000, 0, 600000);
ULONG_RANGE(ulong_0_64, 0, 64);

/* point_t */
static const struct ndr_member point_members[] = {
	{ &ndr_type_long, offsetof(point_t, x) },
	{ &ndr_type_long, offsetof(point_t, y) },
};
const struct ndr_type lrpctest_point = {
	.kind = NDR_K_STRUCT, .align = _Alignof(point_t), .size = sizeof(point_t),
	.name = "point_t", .s = { point_members, 2 },
};

/* series_t: [size_is(count)] long *values; [string] char *label */
static const struct ndr_type series_values_arr = {
	.kind = NDR_K_ARRAY, .align = 4, .name = "long[count]",
	.a = { .elem = &ndr_type_long, .flags = NDR_AF_CONFORMANT, .size_is = FIELD(0) },
};
static const struct ndr_type series_values_ptr = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .name = "long *values",
	.p = { &series_values_arr, NDR_PTR_UNIQUE },
};
static const struct ndr_type char_string = {
	.kind = NDR_K_STRING, .align = 1, .name = "[string] char",
};
static const struct ndr_type char_string_ptr = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .name = "[string] char *",
	.p = { &char_string, NDR_PTR_UNIQUE },
};
static const struct ndr_member series_members[] = {
	{ &ulong_0_1000000, offsetof(series_t, count) },
	{ &series_values_ptr, offsetof(series_t, values) },
	{ &char_string_ptr, offsetof(series_t, label) },
};
const struct ndr_type lrpctest_series = {
	.kind = NDR_K_STRUCT, .align = _Alignof(series_t), .size = sizeof(series_t),
	.name = "series_t", .s = { series_members, 3 },
};

/* node_t: a recursive type through a unique pointer */
static const struct ndr_type node_ptr = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .name = "node_t *",
	.p = { &lrpctest_node, NDR_PTR_UNIQUE },
};
static const struct ndr_member node_members[] = {
	{ &ndr_type_long, offsetof(node_t, value) },
	{ &node_ptr, offsetof(node_t, next) },
};
const struct ndr_type lrpctest_node = {
	.kind = NDR_K_STRUCT, .align = _Alignof(node_t), .size = sizeof(node_t),
	.name = "node_t", .s = { node_members, 2 },
};

/* rect_t, polygon_t, shape_u */
static const struct ndr_member rect_members[] = {
	{ &ndr_type_double, offsetof(rect_t, w) },
	{ &ndr_type_double, offsetof(rect_t, h) },
};
const struct ndr_type lrpctest_rect = {
	.kind = NDR_K_STRUCT, .align = _Alignof(rect_t), .size = sizeof(rect_t),
	.name = "rect_t", .s = { rect_members, 2 },
};
static const struct ndr_type polygon_points = {
	.kind = NDR_K_ARRAY, .align = 4, .name = "point_t[npoints]",
	.a = { .elem = &lrpctest_point, .flags = NDR_AF_CONFORMANT, .size_is = FIELD(0) },
};
static const struct ndr_member polygon_members[] = {
	{ &ulong_0_65536, offsetof(polygon_t, npoints) },
	{ &polygon_points, offsetof(polygon_t, points) },
};
const struct ndr_type lrpctest_polygon = {
	.kind = NDR_K_STRUCT, .flags = NDR_TF_CONFORMANT, .align = _Alignof(polygon_t),
	.size = sizeof(polygon_t), .name = "polygon_t", .s = { polygon_members, 2 },
};
static const struct ndr_type polygon_ptr = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .name = "polygon_t *",
	.p = { &lrpctest_polygon, NDR_PTR_UNIQUE },
};
static const struct ndr_union_arm shape_arms[] = {
	{ SHAPE_CIRCLE, &ndr_type_double },
	{ SHAPE_RECT, &lrpctest_rect },
	{ SHAPE_POLYGON, &polygon_ptr },
};
/* as used by TestShapeArea: [switch_is(kind)] with kind parameter 0 */
const struct ndr_type lrpctest_shape = {
	.kind = NDR_K_UNION, .align = _Alignof(shape_u), .size = sizeof(shape_u),
	.name = "shape_u", .u = { .switch_type = &ndr_type_enum16, .arms = shape_arms,
				  .narms = 3, .switch_is = PARAM(0) },
};

/* parameter types */
#define BYTES_OF(n, i) \
	static const struct ndr_type n = { .kind = NDR_K_ARRAY, .align = 1, .name = #n, \
		.a = { .elem = &ndr_type_byte, .flags = NDR_AF_CONFORMANT, .size_is = PARAM(i) } }
BYTES_OF(bytes_len0, 0);
static const struct ndr_type longs_n0 = {
	.kind = NDR_K_ARRAY, .align = 4, .name = "long[n]",
	.a = { .elem = &ndr_type_long, .flags = NDR_AF_CONFORMANT, .size_is = PARAM(0) },
};
static const struct ndr_type window64 = {
	.kind = NDR_K_ARRAY, .align = 4, .size = 64 * 4, .name = "long[64] length_is",
	.a = { .elem = &ndr_type_long, .fixed = 64, .flags = NDR_AF_VARYING,
	       .length_is = PARAM(0) },
};
static const struct ndr_type wchar_string = {
	.kind = NDR_K_STRING, .flags = NDR_TF_WIDE, .align = 2, .name = "[string] wchar_t",
};
static const struct ndr_type wchar_string_ptr = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .name = "[string] wchar_t *",
	.p = { &wchar_string, NDR_PTR_UNIQUE },
};
static const struct ndr_type long_full_ptr = {
	.kind = NDR_K_POINTER, .align = 8, .size = 8, .name = "[ptr] long *",
	.p = { &ndr_type_long, NDR_PTR_FULL },
};

#define IN NDR_PF_IN
#define OUT NDR_PF_OUT
#define REF NDR_PF_REF
#define P(n, t, f) { #n, t, f }
#define PROC(op, ps, r) [OP_##op] = { #op, OP_##op, sizeof(ps) / sizeof(ps[0]), ps, r }

static const struct ndr_param p_add[] = {
	P(a, &ndr_type_long, IN), P(b, &ndr_type_long, IN),
	P(sum, &ndr_type_long, OUT | REF),
};
static const struct ndr_param p_echo[] = {
	P(len, &ulong_0_64m, IN), P(data_in, &bytes_len0, IN | REF),
	P(data_out, &bytes_len0, OUT | REF),
};
static const struct ndr_param p_sumseries[] = {
	P(s, &lrpctest_series, IN | REF), P(total, &ndr_type_hyper, OUT | REF),
};
static const struct ndr_param p_upperw[] = {
	P(text, &wchar_string, IN | REF), P(upper, &wchar_string_ptr, OUT | REF),
};
static const struct ndr_param p_shapearea[] = {
	P(kind, &ndr_type_enum16, IN), P(shape, &lrpctest_shape, IN | REF),
	P(area, &ndr_type_double, OUT | REF),
};
static const struct ndr_param p_listsum[] = {
	P(head, &lrpctest_node, IN | REF), P(count, &ndr_type_long, OUT | REF),
	P(sum, &ndr_type_hyper, OUT | REF),
};
static const struct ndr_param p_alias[] = {
	P(a, &long_full_ptr, IN), P(b, &long_full_ptr, IN),
};
static const struct ndr_param p_open[] = {
	P(start, &ndr_type_long, IN), P(h, &ndr_type_context_handle, OUT | REF),
};
static const struct ndr_param p_next[] = {
	P(h, &ndr_type_context_handle, IN), P(value, &ndr_type_long, OUT | REF),
};
static const struct ndr_param p_close[] = {
	P(h, &ndr_type_context_handle, IN | OUT | REF),
};
static const struct ndr_param p_sleep[] = { P(milliseconds, &ulong_0_600000, IN) };
static const struct ndr_param p_fault[] = { P(status, &ndr_type_ulong, IN) };
static const struct ndr_param p_fill[] = {
	P(len, &ulong_0_64m, IN), P(seed, &ndr_type_byte, IN),
	P(data, &bytes_len0, OUT | REF),
};
static const struct ndr_param p_reverse[] = {
	P(n, &ulong_0_1000000, IN), P(values, &longs_n0, IN | OUT | REF),
};
static const struct ndr_param p_window[] = {
	P(length, &ulong_0_64, IN), P(window, &window64, IN | REF),
};
static const struct ndr_param p_tally[] = {
	P(amount, &ndr_type_ulong, IN), P(total, &ndr_type_hyper, OUT | REF),
};

const struct ndr_proc lrpctest_procs[LRPCTEST_NPROCS] = {
	[OP_TestPing] = { "TestPing", OP_TestPing, 0, NULL, &ndr_type_ulong },
	PROC(TestAdd, p_add, &ndr_type_long),
	PROC(TestEcho, p_echo, &ndr_type_ulong),
	PROC(TestSumSeries, p_sumseries, &ndr_type_long),
	PROC(TestUpperW, p_upperw, &ndr_type_long),
	PROC(TestShapeArea, p_shapearea, &ndr_type_long),
	PROC(TestListSum, p_listsum, &ndr_type_long),
	PROC(TestAlias, p_alias, &ndr_type_long),
	PROC(TestCounterOpen, p_open, &ndr_type_long),
	PROC(TestCounterNext, p_next, &ndr_type_long),
	PROC(TestCounterClose, p_close, &ndr_type_long),
	PROC(TestSleep, p_sleep, &ndr_type_long),
	PROC(TestFault, p_fault, &ndr_type_long),
	PROC(TestFill, p_fill, &ndr_type_ulong),
	PROC(TestReverse, p_reverse, &ndr_type_ulong),
	PROC(TestWindowSum, p_window, &ndr_type_long),
	PROC(TestTally, p_tally, &ndr_type_long),
};
