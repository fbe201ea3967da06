/* SPDX-License-Identifier: MIT */
/*
 * C types and hand-written NDR tables for the conformance interface
 * (idl/lrpctest.idl, uuid 4c4b2e1a-8f5d-4d3b-9a6e-2b7c1d0e5f91 v1.0).
 * The IDL compiler's output is compared with these.
 */
#ifndef LRPCTEST_TABLES_H
#define LRPCTEST_TABLES_H

#include <stdint.h>
#include <lrpc/ndr.h>

#define LRPCTEST_PING_MAGIC 0x50494e47
#define LRPCTEST_NPROCS 17

typedef struct _point { int32_t x, y; } point_t;
typedef struct _series {
	uint32_t count;
	int32_t *values;
	char *label;
} series_t;
typedef struct _node {
	int32_t value;
	struct _node *next;
} node_t;
typedef enum { SHAPE_CIRCLE = 1, SHAPE_RECT = 2, SHAPE_POLYGON = 3 } shape_kind_t;
typedef struct _rect { double w, h; } rect_t;
typedef struct _polygon {
	uint32_t npoints;
	point_t points[];
} polygon_t;
typedef union _shape {
	double radius;
	rect_t rect;
	polygon_t *polygon;
} shape_u;
typedef struct ndr_context_handle counter_handle_t;

enum {
	OP_TestPing, OP_TestAdd, OP_TestEcho, OP_TestSumSeries, OP_TestUpperW,
	OP_TestShapeArea, OP_TestListSum, OP_TestAlias, OP_TestCounterOpen,
	OP_TestCounterNext, OP_TestCounterClose, OP_TestSleep, OP_TestFault,
	OP_TestFill, OP_TestReverse, OP_TestWindowSum, OP_TestTally,
};

extern const struct ndr_proc lrpctest_procs[LRPCTEST_NPROCS];
extern const struct ndr_type lrpctest_point, lrpctest_series, lrpctest_node,
	lrpctest_rect, lrpctest_polygon, lrpctest_shape;

#endif
