/* SPDX-License-Identifier: MIT */
/* Shared by the NDR fuzz targets and their seed generator. */
#ifndef NDR_FUZZ_COMMON_H
#define NDR_FUZZ_COMMON_H

#include <string.h>
#include <lrpc/ndr.h>
#include "lrpctest_tables.h"

/*
 * Input layout of fuzz_ndr_call: one selector octet, then stub data.
 *   bits 0-4  operation (mod 17)
 *   bit 5     0: [in] data as a server gets it, 1: [out] data at a client
 *   bit 6     NDR64
 *   bit 7     big-endian drep
 */
#define SEL(op, out, n64, be) ((op) | ((out) << 5) | ((n64) << 6) | ((be) << 7))

/* A client's own values: what sizes its [out] arrays. */
struct client {
	int32_t a, b, l, r;
	uint32_t len, n;
	int64_t h;
	uint8_t bytes[16], seed;
	int32_t longs[16];
	uint16_t *ws;
	double d;
	int kind;
	counter_handle_t ch;
};

static inline void client_args(struct client *c, int op, void **v)
{
	memset(c, 0, sizeof(*c));
	memset(v, 0, 8 * sizeof(void *));
	c->len = 16;
	c->n = 16;
	switch (op) {
	case OP_TestPing: v[0] = &c->len; break;
	case OP_TestAdd: v[0] = &c->a; v[1] = &c->b; v[2] = &c->l; v[3] = &c->r; break;
	case OP_TestEcho: v[0] = &c->len; v[1] = c->bytes; v[2] = c->bytes; v[3] = &c->n; break;
	case OP_TestSumSeries: v[1] = &c->h; v[2] = &c->r; break;
	case OP_TestUpperW: v[1] = &c->ws; v[2] = &c->r; break;
	case OP_TestShapeArea: v[0] = &c->kind; v[2] = &c->d; v[3] = &c->r; break;
	case OP_TestListSum: v[1] = &c->l; v[2] = &c->h; v[3] = &c->r; break;
	case OP_TestAlias: v[2] = &c->r; break;
	case OP_TestCounterOpen: v[0] = &c->a; v[1] = &c->ch; v[2] = &c->r; break;
	case OP_TestCounterNext: v[0] = &c->ch; v[1] = &c->l; v[2] = &c->r; break;
	case OP_TestCounterClose: v[0] = &c->ch; v[1] = &c->r; break;
	case OP_TestSleep: case OP_TestFault: v[0] = &c->len; v[1] = &c->r; break;
	case OP_TestFill: v[0] = &c->len; v[1] = &c->seed; v[2] = c->bytes; v[3] = &c->n; break;
	case OP_TestReverse: v[0] = &c->n; v[1] = c->longs; v[2] = &c->len; break;
	case OP_TestWindowSum: v[0] = &c->len; v[2] = &c->r; break;
	case OP_TestTally: v[0] = &c->len; v[1] = &c->h; v[2] = &c->r; break;
	}
}

#endif
