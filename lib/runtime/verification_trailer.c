// SPDX-License-Identifier: MIT
/*
 * The security verification trailer ([MS-RPCE] 2.2.2.13, 3.1.1.5.4):
 * what authenticated clients (Windows, Samba) append to a request's stub
 * data so that the server can check, under the request's signature, the
 * parts of the call that the signature does not cover without header
 * signing -- the PDU header fields and the presentation context.  The
 * server finds it at the end of the stub data, checks each command
 * against the call, and hands the stub data without it to the stubs.
 */
#include <string.h>
#include "runtime/server_int.h"

static const uint8_t vt_magic[8] = {
	0x8a, 0xe3, 0x13, 0x71, 0x02, 0xf4, 0x36, 0x71
};

enum {
	VT_BITMASK_1 = 1,
	VT_PCONTEXT = 2,
	VT_HEADER2 = 3,
	VT_COMMAND_MASK = 0x3fff,
	VT_COMMAND_END = 0x4000,
	VT_MUST_PROCESS = 0x8000,
};
#define VT_SEARCH	512	/* a trailer is shorter than this */

/* An interface matches by uuid and major version (a client may bind a
 * lower minor one); a transfer syntax exactly. */
static bool syntax_is(const uint8_t *p, bool be, const struct rpc_syntax_id *s,
		      bool exact)
{
	uint32_t v = __rpc_get32(p + 16, be);
	rpc_uuid_t u;

	rpc_uuid_from_wire(&u, p, be);
	return !rpc_uuid_compare(&u, &s->uuid) && (v & 0xffff) == s->major &&
	       (!exact || v >> 16 == s->minor);
}

/*
 * The commands from @p to @end, checked against @call: 1 when they are a
 * well-formed list that ends exactly at @end, 0 when not (no trailer
 * here), -1 when well-formed but contradicting the call.
 */
static int vt_commands(const struct rpc_call_ctx *call, const uint8_t *p,
		       const uint8_t *end)
{
	bool be = call->be, bad = false;

	while (end - p >= 4) {
		uint16_t cmd = __rpc_get16(p, be), len = __rpc_get16(p + 2, be);
		const uint8_t *d = p + 4;

		if (len > end - d)
			return 0;
		switch (cmd & VT_COMMAND_MASK) {
		case VT_BITMASK_1:
			if (len != 4)
				return 0;
			break;
		case VT_PCONTEXT:
			if (len != 40)
				return 0;
			bad |= !syntax_is(d, be, &call->iface.iface->id,
					  false) ||
			       !syntax_is(d + 20, be,
					  call->syntax == NDR_SYNTAX_NDR64 ?
					  &rpc_syntax_ndr64 : &rpc_syntax_ndr20,
					  true);
			break;
		case VT_HEADER2:
			if (len != 16)
				return 0;
			bad |= d[0] != 0 /* request */ ||
			       memcmp(d + 4, call->drep, 2) ||
			       __rpc_get32(d + 8, be) != call->call_id ||
			       __rpc_get16(d + 12, be) != call->ctx_id ||
			       __rpc_get16(d + 14, be) != call->opnum;
			break;
		default:
			/* one we do not know: fine unless we must process it */
			bad |= (cmd & VT_MUST_PROCESS) != 0;
			break;
		}
		p = d + len;
		if (cmd & VT_COMMAND_END)
			return p == end ? (bad ? -1 : 1) : 0;
	}
	return 0;
}

int __rpc_vt_strip(struct rpc_call_ctx *call, size_t *pad)
{
	const uint8_t *data = call->in.data;
	size_t len = call->in.len, off, low;

	*pad = 0;
	if (len < sizeof(vt_magic) + 4 || !call->iface.iface)
		return 0;
	low = len > VT_SEARCH ? len - VT_SEARCH : 0;
	/* 4-aligned within the stub data, the last one that parses */
	for (off = (len - sizeof(vt_magic) - 4) & ~(size_t)3; off >= low;
	     off -= 4) {
		if (!memcmp(data + off, vt_magic, sizeof(vt_magic))) {
			int r = vt_commands(call, data + off + sizeof(vt_magic),
					    data + len);

			if (r < 0)
				return -1;
			if (r > 0) {
				call->in.len = off;
				*pad = off ? 3 : 0;
				return 1;
			}
		}
		if (off < 4)
			break;
	}
	return 0;
}
