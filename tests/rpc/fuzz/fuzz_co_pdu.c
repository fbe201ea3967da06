// SPDX-License-Identifier: MIT
/*
 * libFuzzer: the connection-oriented PDU codec.  The input is a byte
 * stream cut into frames the way both engines do (__rpc_co_peek); every
 * frame is decoded, re-encoded and decoded again, and the two decodes
 * must agree on the fields that matter.  (The first octet is a flags
 * octet shared with the other rpc fuzzers' seeds, and skipped here.)
 */
#include <stdlib.h>
#include <string.h>
#include "runtime/runtime_int.h"
#include "engine/co/pdu.h"
#include "transport/transport.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rpc_pdu a, b;

	if (!size)
		return 0;
	data++;
	size--;
	while (size >= RPC_CO_HDR_LEN) {
		uint16_t fl;
		uint8_t *f;

		if (__rpc_co_peek(data, size, &fl) < 0 || fl > size)
			break;
		f = malloc(fl);		/* exact size: ASan sees overreads */
		memcpy(f, data, fl);
		if (__rpc_co_decode(f, fl, &a) == 0 && !a.has_auth) {
			struct rpc_co_enc e = { a.hdr.ptype, a.hdr.pfc_flags,
						a.big_endian, a.hdr.call_id };
			struct ndr_buf out = { 0 };
			int n = __rpc_co_encode(&out, &e, &a);

			if (n > 0 && __rpc_co_decode(out.data, (size_t)n, &b) == 0) {
				if (a.hdr.ptype != b.hdr.ptype ||
				    a.hdr.call_id != b.hdr.call_id ||
				    a.stub_len != b.stub_len ||
				    (a.stub_len &&
				     memcmp(a.stub, b.stub, a.stub_len)))
					abort();
			}
			__ndr_buf_free(&out);
		}
		free(f);
		data += fl;
		size -= fl;
	}
	return 0;
}
