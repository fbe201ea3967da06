// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: type serialization blobs (ndr_decode_type) of the
 * lrpctest types; the first octet picks the type.  A decoded value must
 * encode again.
 */
#include <stdlib.h>
#include "fuzz_common.h"

static const struct ndr_type *const types[] = {
	&lrpctest_point, &lrpctest_series, &lrpctest_node, &lrpctest_rect,
	&lrpctest_polygon, &ndr_type_hyper, &ndr_type_context_handle,
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct ndr_type *t;
	struct ndr_arena a;
	struct ndr_buf b;
	void *v = NULL;
	ssize_t n;

	if (!size)
		return 0;
	t = types[data[0] % (sizeof(types) / sizeof(types[0]))];
	ndr_arena_init(&a, 16 << 20);
	n = ndr_decode_type(t, &v, data + 1, size - 1, &a);
	if (n >= 0) {
		ndr_buf_init(&b);
		/* version 2 is little-endian only; version 1 either way */
		if (ndr_encode_type(t, v, data[1] == 2 ? NDR_SYNTAX_NDR64 : NDR_SYNTAX_NDR20,
				    data[2] == 0x10 || data[1] == 2 ? 0 : NDR_F_BIG_ENDIAN, &b) < 0)
			abort();
		ndr_buf_release(&b);
	}
	ndr_arena_release(&a);
	return 0;
}
