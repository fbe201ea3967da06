/* SPDX-License-Identifier: MIT */
/* Shared by the NDR fuzz targets and their seed generator. */
#ifndef NDR_FUZZ_COMMON_H
#define NDR_FUZZ_COMMON_H

#include <string.h>
#include <lrpc/ndr.h>
#include "lrpctest_tables.h"

/*
 * Beyond lrpctest, two operations for what its tables do not reach:
 * [in, out] buffers written in place and sized strings (FUZZ_OP_INPLACE),
 * full pointers to a conformant struct (FUZZ_OP_TWINS).
 */
struct fblob { uint32_t n; uint8_t data[4]; };	/* room for 4 */
static const struct ndr_type fz_blob_data = { .kind = NDR_K_ARRAY, .align = 1, .a = {
	.elem = &ndr_type_byte, .flags = NDR_AF_CONFORMANT,
	.size_is = { .src = NDR_EXPR_FIELD, .index = 0 } } };
static const struct ndr_member fz_blob_m[] = { { &ndr_type_ulong, 0 }, { &fz_blob_data, 4 } };
static const struct ndr_type fz_blob = { .kind = NDR_K_STRUCT, .flags = NDR_TF_CONFORMANT,
	.align = 4, .size = 4, .s = { fz_blob_m, 2 } };
static const struct ndr_type fz_sized = { .kind = NDR_K_STRING, .align = 1,
	.str = { .size_is = { .src = NDR_EXPR_PARAM, .index = 0 } } };
static const struct ndr_type fz_wmax = { .kind = NDR_K_STRING,
	.flags = NDR_TF_WIDE | NDR_TF_MAX_IS, .align = 2,
	.str = { .size_is = { .src = NDR_EXPR_PARAM, .index = 0 } } };
static const struct ndr_type fz_plain = { .kind = NDR_K_STRING, .align = 1 };
static const struct ndr_type fz_longs = { .kind = NDR_K_ARRAY, .align = 4, .a = {
	.elem = &ndr_type_long, .flags = NDR_AF_CONFORMANT,
	.size_is = { .src = NDR_EXPR_PARAM, .index = 5 } } };
#define FZ_IO (NDR_PF_IN | NDR_PF_OUT | NDR_PF_REF)
static const struct ndr_param fz_inplace_params[] = {
	{ "n", &ndr_type_ulong, NDR_PF_IN }, { "s", &fz_sized, FZ_IO },
	{ "w", &fz_wmax, FZ_IO }, { "word", &fz_plain, FZ_IO }, { "blob", &fz_blob, FZ_IO },
	{ "cnt", &ndr_type_ulong, FZ_IO }, { "a", &fz_longs, NDR_PF_OUT | NDR_PF_REF },
};

struct ftwins { struct fblob *a, *b; char *label; uint32_t cap; };
static const struct ndr_type fz_blob_p = { .kind = NDR_K_POINTER, .align = 8, .size = 8,
	.p = { &fz_blob, NDR_PTR_FULL } };
static const struct ndr_type fz_label = { .kind = NDR_K_STRING, .align = 1,
	.str = { .size_is = { .src = NDR_EXPR_FIELD, .index = 3 } } };
static const struct ndr_type fz_label_p = { .kind = NDR_K_POINTER, .align = 8, .size = 8,
	.p = { &fz_label, NDR_PTR_UNIQUE } };
static const struct ndr_member fz_twins_m[] = {
	{ &fz_blob_p, 0 }, { &fz_blob_p, 8 }, { &fz_label_p, 16 }, { &ndr_type_ulong, 24 } };
static const struct ndr_type fz_twins = { .kind = NDR_K_STRUCT, .align = 8,
	.size = sizeof(struct ftwins), .s = { fz_twins_m, 4 } };
static const struct ndr_param fz_twins_params[] = { { "t", &fz_twins, FZ_IO } };

static const struct ndr_proc fuzz_extra_procs[] = {
	{ "FuzzInPlace", LRPCTEST_NPROCS, 7, fz_inplace_params, NULL },
	{ "FuzzTwins", LRPCTEST_NPROCS + 1, 1, fz_twins_params, NULL },
};
#define FUZZ_OP_INPLACE	LRPCTEST_NPROCS
#define FUZZ_OP_TWINS	(LRPCTEST_NPROCS + 1)
#define FUZZ_NPROCS	(LRPCTEST_NPROCS + 2)

static inline const struct ndr_proc *fuzz_proc(int op)
{
	return op < LRPCTEST_NPROCS ? &lrpctest_procs[op] :
				      &fuzz_extra_procs[op - LRPCTEST_NPROCS];
}

/*
 * Input layout of fuzz_ndr_call: one selector octet, then stub data.
 *   bits 0-4  operation (mod FUZZ_NPROCS, see fuzz_proc())
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
	char s[16], word[4];		/* FUZZ_OP_INPLACE: n = 16 */
	uint16_t w[17];
	struct fblob blob;
	struct ftwins tw;
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
	case FUZZ_OP_INPLACE:
		strcpy(c->word, "abc");
		c->blob.n = 4;
		v[0] = &c->n; v[1] = c->s; v[2] = c->w; v[3] = c->word; v[4] = &c->blob;
		v[5] = &c->len; v[6] = c->longs;
		break;
	case FUZZ_OP_TWINS: v[0] = &c->tw; break;
	}
}

#endif
