// SPDX-License-Identifier: MIT
/*
 * Writes the committed seed corpus (fuzz/ndr/corpus/): the marshalled
 * [in] and [out] data of every lrpctest operation in each syntax and
 * byte order, and pickled values.  Build and run by hand:
 *   cc -D_GNU_SOURCE -Ilib/include -Itests/ndr -o /tmp/mkseeds fuzz/ndr/mkseeds.c \
 *      tests/ndr/lrpctest_tables.c lib/ndr/[a-z]*.c lib/status.c && /tmp/mkseeds
 */
#include <stdio.h>
#include <stdlib.h>
#include "fuzz_common.h"

static void put(const char *dir, const char *name, uint8_t sel, const struct ndr_buf *b)
{
	char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "fuzz/ndr/corpus/%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		exit(1);
	}
	fwrite(&sel, 1, 1, f);
	fwrite(b->data, 1, b->len, f);
	fclose(f);
}

int main(void)
{
	static int32_t vals[3] = { 1, -2, 3 }, five = 5, *pa = &five;
	static series_t s = { 3, vals, "seed" };
	static uint16_t wtxt[] = { 'h', 'i', 0 }, *wp = wtxt;
	static struct { polygon_t p; point_t pts[3]; } poly = { { 3 }, { { 0, 0 }, { 4, 0 }, { 0, 3 } } };
	static node_t n3 = { 3, NULL }, n2 = { 2, &n3 }, n1 = { 1, &n2 };
	static int32_t win[64] = { 1, 2, 3 };
	shape_u sh = { .polygon = &poly.p };
	int op, out, n64, be;
	struct ndr_buf b;
	struct client c;
	void *v[8];
	char name[64];

	ndr_buf_init(&b);
	for (op = 0; op < FUZZ_NPROCS; op++) {
		for (out = 0; out < 2; out++) {
			for (n64 = 0; n64 < 2; n64++) {
				for (be = 0; be < 2; be++) {
					client_args(&c, op, v);
					c.len = c.n = 3;
					c.kind = SHAPE_POLYGON;
					c.ws = wtxt;
					if (op == OP_TestSumSeries) v[0] = &s;
					if (op == OP_TestUpperW) { v[0] = wtxt; v[1] = &wp; }
					if (op == OP_TestShapeArea) v[1] = &sh;
					if (op == OP_TestListSum) v[0] = &n1;
					if (op == OP_TestAlias) { v[0] = &pa; v[1] = &pa; }
					if (op == OP_TestWindowSum) v[1] = win;
					if (op == FUZZ_OP_INPLACE) {
						c.n = 16;
						strcpy(c.s, "sized");
						c.w[0] = 'w';
						memcpy(c.blob.data, "\1\2\3\4", 4);
					}
					if (op == FUZZ_OP_TWINS) {
						c.blob.n = 2;
						c.tw = (struct ftwins){ &c.blob, &c.blob, c.s, 16 };
						strcpy(c.s, "twins");
					}
					b.len = 0;
					if (ndr_marshal_call(fuzz_proc(op), out ? NDR_DIR_OUT : NDR_DIR_IN,
							     v, n64, be ? NDR_F_BIG_ENDIAN : 0, &b) < 0) {
						fprintf(stderr, "op %d failed\n", op);
						return 1;
					}
					snprintf(name, sizeof(name), "%s-%s-%s-%s",
						 fuzz_proc(op)->name, out ? "out" : "in",
						 n64 ? "ndr64" : "ndr20", be ? "be" : "le");
					put("fuzz_ndr_call", name, SEL(op, out, n64, be), &b);
				}
			}
		}
	}
	/* pickles: selector = index in fuzz_ndr_pickle's table */
	b.len = 0;
	ndr_encode_type(&lrpctest_series, &s, NDR_SYNTAX_NDR20, 0, &b);
	put("fuzz_ndr_pickle", "series-v1", 1, &b);
	b.len = 0;
	ndr_encode_type(&lrpctest_series, &s, NDR_SYNTAX_NDR64, 0, &b);
	put("fuzz_ndr_pickle", "series-v2", 1, &b);
	b.len = 0;
	ndr_encode_type(&lrpctest_node, &n1, NDR_SYNTAX_NDR20, NDR_F_BIG_ENDIAN, &b);
	put("fuzz_ndr_pickle", "node-v1-be", 2, &b);
	b.len = 0;
	ndr_encode_type(&lrpctest_polygon, &poly, NDR_SYNTAX_NDR64, 0, &b);
	put("fuzz_ndr_pickle", "polygon-v2", 4, &b);
	b.len = 0;
	ndr_encode_type(&ndr_type_hyper, &s, NDR_SYNTAX_NDR20, 0, &b);
	put("fuzz_ndr_pickle", "hyper-v1", 5, &b);
	ndr_buf_release(&b);
	return 0;
}
