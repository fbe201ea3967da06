// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the [in] and [out] stub data of every lrpctest
 * operation and of fuzz_common.h's two extra ones, NDR20 and NDR64, both
 * byte orders (selector octet: see fuzz_common.h).  Whatever unmarshals must marshal again, and that
 * encoding must unmarshal and re-encode to the same octets.
 */
#include <stdlib.h>
#include "fuzz_common.h"

static void check_reencode(const struct ndr_proc *p, enum ndr_dir dir, void **v,
			   enum ndr_syntax syn, unsigned int flags, const uint8_t drep[4])
{
	struct ndr_buf b1, b2;
	struct ndr_arena a;
	void *w[8], *cv[8];
	struct client c;
	int op = (int)p->opnum;

	ndr_buf_init(&b1);
	ndr_buf_init(&b2);
	ndr_arena_init(&a, 64 << 20);
	if (ndr_marshal_call(p, dir, v, syn, flags, &b1) < 0)
		abort();
	if (dir == NDR_DIR_OUT) {
		/* the same client state as the first decode */
		client_args(&c, op, cv);
		memcpy(w, cv, sizeof(w));
	} else {
		memset(w, 0, sizeof(w));
	}
	if (ndr_unmarshal_call(p, dir, w, syn, drep, b1.data, b1.len, &a))
		abort();
	if (ndr_marshal_call(p, dir, w, syn, flags, &b2) < 0)
		abort();
	if (b1.len != b2.len || (b1.len && memcmp(b1.data, b2.data, b1.len)))
		abort();
	ndr_buf_release(&b1);
	ndr_buf_release(&b2);
	ndr_arena_release(&a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t drep[4] = { NDR_DREP_LITTLE_ENDIAN, 0, 0, 0 };
	enum ndr_syntax syn;
	const struct ndr_proc *p;
	struct ndr_arena a;
	struct client c;
	enum ndr_dir dir;
	void *v[8];
	int op;

	if (!size)
		return 0;
	op = (data[0] & 0x1f) % FUZZ_NPROCS;
	dir = (data[0] & 0x20) ? NDR_DIR_OUT : NDR_DIR_IN;
	syn = (data[0] & 0x40) ? NDR_SYNTAX_NDR64 : NDR_SYNTAX_NDR20;
	if (data[0] & 0x80)
		drep[0] = NDR_DREP_BIG_ENDIAN;
	p = fuzz_proc(op);

	/* a server's limit: generous for lrpctest, small for a fuzzer */
	ndr_arena_init(&a, 16 << 20);
	if (dir == NDR_DIR_OUT)
		client_args(&c, op, v);
	else
		memset(v, 0, sizeof(v));
	if (ndr_unmarshal_call(p, dir, v, syn, drep, data + 1, size - 1, &a) == 0)
		check_reencode(p, dir, v, syn, drep[0] ? 0 : NDR_F_BIG_ENDIAN, drep);
	ndr_arena_release(&a);
	return 0;
}
