// SPDX-License-Identifier: MIT
/*
 * Type serialization ("pickling", [MS-RPCE] 2.2.6 and 2.2.7): one value
 * with the headers Windows' MesEncode/MesDecode use, so a blob can be
 * stored or sent outside an RPC call.
 *
 * Version 1 (NDR20): 8-octet common header { 1, drep, 8 (LE16),
 * 0xcccccccc } then, for constructed types, an 8-octet private header
 * { ObjectBufferLength, 0 } in the stream's byte order; primitive types
 * have no private header (2.2.6.3).  The object is padded to 8.
 *
 * Version 2 (NDR64): 64-octet common header { 2, 0x10, 0x40 (LE16),
 * 0xcccccccc, 16 x 0xcc, transfer syntax id (20), interface id (20) }.
 * The private header we write is 16 octets { ObjectBufferLength (u64),
 * 0 (u64) }; that layout is our reading of 2.2.7.2 and has not been
 * checked against a Windows-produced blob (see lib/ndr/README).
 */
#include <stdlib.h>
#include "ndr_int.h"
#include "buf.h"

static const uint8_t ndr64_syntax[20] = {
	0x33, 0x05, 0x71, 0x71, 0xba, 0xbe, 0x37, 0x49,
	0x83, 0x19, 0xb5, 0xdb, 0xef, 0x9c, 0xcc, 0x36, 1, 0, 0, 0,
};
static const uint8_t ndr20_syntax[20] = {
	0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11,
	0x9f, 0xe8, 0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 2, 0, 0, 0,
};

static void put_le(uint8_t *d, uint64_t v, size_t w, bool be)
{
	size_t i;

	for (i = 0; i < w; i++)
		d[be ? w - 1 - i : i] = (uint8_t)(v >> (8 * i));
}

static uint64_t get_le(const uint8_t *d, size_t w, bool be)
{
	uint64_t v = 0;
	size_t i;

	for (i = 0; i < w; i++)
		v |= (uint64_t)d[be ? w - 1 - i : i] << (8 * i);
	return v;
}

ssize_t ndr_encode_type(const struct ndr_type *t, const void *mem,
			enum ndr_syntax syntax, unsigned int flags,
			struct ndr_buf *out)
{
	bool be = flags & NDR_F_BIG_ENDIAN, prim;
	size_t start = out->len, hlen, plen, body, pad;
	ssize_t n;
	uint8_t *h;

	if (!t || (out->len & 7) || (flags & ~NDR_F_ALL))
		return -EINVAL;
	if (syntax == NDR_SYNTAX_NDR64 && be)
		return -EINVAL;	/* version 2 is little-endian only */
	prim = __ndr_is_base(t->kind);
	hlen = syntax == NDR_SYNTAX_NDR64 ? 64 : 8;
	plen = prim ? 0 : syntax == NDR_SYNTAX_NDR64 ? 16 : 8;
	if (__ndr_buf_reserve(out, hlen + plen))
		return -ENOMEM;
	h = out->data + start;
	memset(h, 0xcc, hlen);
	h[0] = syntax == NDR_SYNTAX_NDR64 ? 2 : 1;
	h[1] = be ? NDR_DREP_BIG_ENDIAN : NDR_DREP_LITTLE_ENDIAN;
	put_le(h + 2, hlen, 2, false);
	if (syntax == NDR_SYNTAX_NDR64) {
		memcpy(h + 24, ndr64_syntax, 20);
		memset(h + 44, 0, 20);	/* interface id: unknown here */
	}
	memset(h + hlen, 0, plen);
	out->len += hlen + plen;
	n = ndr_marshal_type(t, mem, syntax, flags, out);
	if (n < 0) {
		out->len = start;
		return n;
	}
	body = (size_t)n;
	pad = (8 - (body & 7)) & 7;
	if (__ndr_buf_reserve(out, pad)) {
		out->len = start;
		return -ENOMEM;
	}
	memset(out->data + out->len, 0, pad);
	out->len += pad;
	if (plen)
		put_le(out->data + start + hlen, body + pad,
		       syntax == NDR_SYNTAX_NDR64 ? 8 : 4, be);
	return (ssize_t)(out->len - start);
}

ssize_t ndr_decode_type(const struct ndr_type *t, void **memp,
			const void *data, size_t len,
			struct ndr_arena *arena)
{
	const uint8_t *d = data;
	enum ndr_syntax syntax;
	size_t hlen, plen, obj;
	uint8_t drep[4] = { 0 };
	ssize_t n;
	bool be;

	if (!t || !memp || !arena || (!d && len))
		return -EINVAL;
	if (len < 8)
		return BAD_STUB;
	hlen = (size_t)get_le(d + 2, 2, false);
	if (d[0] == 1 && hlen == 8) {
		syntax = NDR_SYNTAX_NDR20;
	} else if (d[0] == 2 && hlen == 64) {
		if (len < 64)
			return BAD_STUB;
		if (!memcmp(d + 24, ndr64_syntax, 20))
			syntax = NDR_SYNTAX_NDR64;
		else if (!memcmp(d + 24, ndr20_syntax, 20))
			syntax = NDR_SYNTAX_NDR20;
		else
			return -(int)rpc_s_unsupported_trans_syn;
	} else {
		return -(int)rpc_x_wrong_es_version;
	}
	drep[0] = d[1];
	be = (d[1] >> 4) == 0;
	if (__ndr_is_base(t->kind)) {
		plen = 0;
		obj = len - hlen;
	} else {
		plen = syntax == NDR_SYNTAX_NDR64 && d[0] == 2 ? 16 : 8;
		if (len - hlen < plen)
			return BAD_STUB;
		obj = (size_t)get_le(d + hlen, plen == 16 ? 8 : 4, be);
		if (obj > len - hlen - plen || (obj & 7))
			return BAD_STUB;
	}
	n = ndr_unmarshal_type(t, memp, syntax, drep, d + hlen + plen, obj, arena);
	if (n < 0)
		return n;
	/* what follows the value inside the object is padding only */
	if (obj - (size_t)n >= 8 && plen)
		return BAD_STUB;
	if (!plen)
		obj = ((size_t)n + 7) & ~(size_t)7;
	if (obj > len - hlen)
		return BAD_STUB;
	return (ssize_t)(hlen + plen + obj);
}
