// SPDX-License-Identifier: MIT
/*
 * Connection-oriented PDU codec ([C706] 12.6, [MS-RPCE] 2.2.2).
 *
 * Decoding treats every octet as hostile: each field is read only after
 * checking it lies inside frag_len, lengths are computed in size_t, and
 * the auth trailer must fit between the fixed header and frag_len.  The
 * byte order comes from drep[0]; we send little endian unless a binding
 * asks for big endian.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/runtime_int.h"
#include "engine/co/pdu.h"
#include "transport/transport.h"
#include "ndr/buf.h"
#include "auth/provider.h"

/* BTFN: 6cb71c2c-9812-4540-XXXX-XXXXXXXXXXXX, bitmask in octets 8..15 */
bool __rpc_is_btfn(const rpc_uuid_t *u, uint8_t *bitmask)
{
	if (u->time_low != 0x6cb71c2c || u->time_mid != 0x9812 ||
	    u->time_hi_and_version != 0x4540)
		return false;
	if (bitmask)
		*bitmask = u->clock_seq_hi_and_reserved;
	return true;
}

void __rpc_btfn_uuid(rpc_uuid_t *u, uint8_t bitmask)
{
	memset(u, 0, sizeof(*u));
	u->time_low = 0x6cb71c2c;
	u->time_mid = 0x9812;
	u->time_hi_and_version = 0x4540;
	u->clock_seq_hi_and_reserved = bitmask;
}

/* ---- decoding -------------------------------------------------------- */

struct rd {
	const uint8_t *p;
	size_t len;	/* body end (excludes the auth trailer) */
	size_t off;
	bool be;
};

static bool rd_has(const struct rd *r, size_t n)
{
	return r->off <= r->len && n <= r->len - r->off;
}

static uint8_t rd8(struct rd *r)
{
	return r->p[r->off++];
}

static uint16_t rd16(struct rd *r)
{
	uint16_t v = __rpc_get16(r->p + r->off, r->be);

	r->off += 2;
	return v;
}

static uint32_t rd32(struct rd *r)
{
	uint32_t v = __rpc_get32(r->p + r->off, r->be);

	r->off += 4;
	return v;
}

static void rd_syntax(struct rd *r, struct rpc_syntax_id *s)
{
	uint32_t v;

	rpc_uuid_from_wire(&s->uuid, r->p + r->off, r->be);
	r->off += 16;
	v = rd32(r);
	s->major = (uint16_t)v;
	s->minor = (uint16_t)(v >> 16);
}

int __rpc_co_peek(const uint8_t *h, size_t len, uint16_t *frag_len)
{
	bool be;
	uint16_t fl, al;

	if (len < RPC_CO_HDR_LEN)
		return -EAGAIN;
	if (h[0] != 5 || h[1] > 1)
		return -rpc_s_protocol_error;
	if ((h[4] >> 4) > 1)
		return -rpc_s_protocol_error;
	be = !(h[4] >> 4);
	fl = __rpc_get16(h + 8, be);
	al = __rpc_get16(h + 10, be);
	if (fl < RPC_CO_HDR_LEN)
		return -rpc_s_protocol_error;
	if (al && (size_t)al + RPC_AUTH_HDR_LEN + RPC_CO_HDR_LEN > fl)
		return -rpc_s_protocol_error;
	*frag_len = fl;
	return 0;
}

static int decode_bind(struct rd *r, struct rpc_pdu *pdu)
{
	unsigned int i, j;

	if (!rd_has(r, 12))
		return -rpc_s_protocol_error;
	pdu->bind.max_xmit_frag = rd16(r);
	pdu->bind.max_recv_frag = rd16(r);
	pdu->bind.assoc_group_id = rd32(r);
	pdu->bind.n_ctx = rd8(r);
	r->off += 3;
	if (pdu->bind.n_ctx > RPC_MAX_PCTX)
		return -rpc_s_out_of_resources;
	for (i = 0; i < pdu->bind.n_ctx; i++) {
		struct rpc_pctx *c = &pdu->bind.ctx[i];

		if (!rd_has(r, 24))
			return -rpc_s_protocol_error;
		c->ctx_id = rd16(r);
		c->n_tsyn = rd8(r);
		r->off += 1;
		rd_syntax(r, &c->abstract);
		if (c->n_tsyn > RPC_MAX_TSYN)
			return -rpc_s_out_of_resources;
		if (!rd_has(r, (size_t)c->n_tsyn * 20))
			return -rpc_s_protocol_error;
		for (j = 0; j < c->n_tsyn; j++)
			rd_syntax(r, &c->tsyn[j]);
	}
	return 0;
}

static int decode_bind_ack(struct rd *r, struct rpc_pdu *pdu)
{
	unsigned int i;
	uint16_t sl;

	if (!rd_has(r, 10))
		return -rpc_s_protocol_error;
	pdu->bind_ack.max_xmit_frag = rd16(r);
	pdu->bind_ack.max_recv_frag = rd16(r);
	pdu->bind_ack.assoc_group_id = rd32(r);
	sl = rd16(r);
	if (!rd_has(r, sl))
		return -rpc_s_protocol_error;
	if (sl > RPC_SEC_ADDR_MAX + 1)
		return -rpc_s_protocol_error;
	memcpy(pdu->bind_ack.sec_addr, r->p + r->off, sl);
	pdu->bind_ack.sec_addr[sl ? sl - 1 : 0] = 0;	/* port_spec has a NUL */
	r->off += sl;
	r->off = (r->off + 3) & ~(size_t)3;
	if (!rd_has(r, 4))
		return -rpc_s_protocol_error;
	pdu->bind_ack.n_results = rd8(r);
	r->off += 3;
	if (pdu->bind_ack.n_results > RPC_MAX_RESULTS)
		return -rpc_s_out_of_resources;
	if (!rd_has(r, (size_t)pdu->bind_ack.n_results * 24))
		return -rpc_s_protocol_error;
	for (i = 0; i < pdu->bind_ack.n_results; i++) {
		struct rpc_pres_result *res = &pdu->bind_ack.res[i];

		res->result = rd16(r);
		res->reason = rd16(r);
		rd_syntax(r, &res->tsyn);
	}
	return 0;
}

int __rpc_co_decode(const uint8_t *buf, size_t len, struct rpc_pdu *pdu)
{
	struct rd r;
	uint16_t fl;
	size_t body_end;
	int ret;

	memset(pdu, 0, offsetof(struct rpc_pdu, bind));
	pdu->stub = NULL;
	pdu->stub_len = 0;
	ret = __rpc_co_peek(buf, len, &fl);
	if (ret < 0)
		return ret == -EAGAIN ? -rpc_s_protocol_error : ret;
	if (fl != len)
		return -rpc_s_protocol_error;
	pdu->big_endian = !(buf[4] >> 4);
	r.be = pdu->big_endian;
	r.p = buf;
	pdu->hdr.rpc_vers = buf[0];
	pdu->hdr.rpc_minor = buf[1];
	pdu->hdr.ptype = buf[2];
	pdu->hdr.pfc_flags = buf[3];
	memcpy(pdu->hdr.drep, buf + 4, 4);
	pdu->hdr.frag_len = fl;
	pdu->hdr.auth_len = __rpc_get16(buf + 10, r.be);
	pdu->hdr.call_id = __rpc_get32(buf + 12, r.be);

	body_end = len;
	if (pdu->hdr.auth_len) {
		const uint8_t *a;

		body_end = len - pdu->hdr.auth_len - RPC_AUTH_HDR_LEN;
		a = buf + body_end;
		pdu->has_auth = true;
		pdu->auth.auth_type = a[0];
		pdu->auth.auth_level = a[1];
		pdu->auth.auth_pad_length = a[2];
		pdu->auth.auth_reserved = a[3];
		pdu->auth.auth_context_id = __rpc_get32(a + 4, r.be);
		pdu->auth.value = a + RPC_AUTH_HDR_LEN;
	}
	r.len = body_end;
	r.off = RPC_CO_HDR_LEN;

	switch (pdu->hdr.ptype) {
	case RPC_PT_BIND:
	case RPC_PT_ALTER_CONTEXT:
		memset(&pdu->bind, 0, sizeof(pdu->bind));
		return decode_bind(&r, pdu);
	case RPC_PT_BIND_ACK:
	case RPC_PT_ALTER_CONTEXT_RESP:
		memset(&pdu->bind_ack, 0, sizeof(pdu->bind_ack));
		return decode_bind_ack(&r, pdu);
	case RPC_PT_BIND_NAK: {
		unsigned int i;

		memset(&pdu->bind_nak, 0, sizeof(pdu->bind_nak));
		if (!rd_has(&r, 2))
			return -rpc_s_protocol_error;
		pdu->bind_nak.reason = rd16(&r);
		if (!rd_has(&r, 1))
			return 0;	/* versions are optional in practice */
		pdu->bind_nak.n_versions = rd8(&r);
		if (!rd_has(&r, (size_t)pdu->bind_nak.n_versions * 2))
			return -rpc_s_protocol_error;
		for (i = 0; i < pdu->bind_nak.n_versions; i++) {
			uint8_t maj = rd8(&r), min = rd8(&r);

			if (i < 8) {
				pdu->bind_nak.versions[i][0] = maj;
				pdu->bind_nak.versions[i][1] = min;
			}
		}
		if (pdu->bind_nak.n_versions > 8)
			pdu->bind_nak.n_versions = 8;
		return 0;
	}
	case RPC_PT_REQUEST:
		if (!rd_has(&r, 8))
			return -rpc_s_protocol_error;
		pdu->request.alloc_hint = rd32(&r);
		pdu->request.ctx_id = rd16(&r);
		pdu->request.opnum = rd16(&r);
		memset(&pdu->request.object, 0, sizeof(pdu->request.object));
		if (pdu->hdr.pfc_flags & RPC_PFC_OBJECT_UUID) {
			if (!rd_has(&r, 16))
				return -rpc_s_protocol_error;
			rpc_uuid_from_wire(&pdu->request.object, buf + r.off,
					   r.be);
			r.off += 16;
		}
		break;
	case RPC_PT_RESPONSE:
	case RPC_PT_FAULT:
		if (!rd_has(&r, 8))
			return -rpc_s_protocol_error;
		pdu->response.alloc_hint = rd32(&r);
		pdu->response.ctx_id = rd16(&r);
		pdu->response.cancel_count = rd8(&r);
		pdu->response.flags = rd8(&r);
		pdu->response.status = 0;
		if (pdu->hdr.ptype == RPC_PT_FAULT) {
			if (!rd_has(&r, 4))
				return -rpc_s_protocol_error;
			pdu->response.status = rd32(&r);
			/* 4 reserved octets; some peers omit them */
			r.off = rd_has(&r, 4) ? r.off + 4 : r.len;
		}
		break;
	case RPC_PT_AUTH3:
		/* 4 pad octets, then the auth verifier */
		if (!rd_has(&r, 4) && !pdu->has_auth)
			return -rpc_s_protocol_error;
		return 0;
	case RPC_PT_SHUTDOWN:
	case RPC_PT_CO_CANCEL:
	case RPC_PT_ORPHANED:
		return 0;
	default:
		return -rpc_s_protocol_error;
	}
	/* request / response / fault: the stub, less the auth padding */
	pdu->stub = buf + r.off;
	pdu->stub_len = r.len - r.off;
	if (pdu->has_auth) {
		if (pdu->auth.auth_pad_length > pdu->stub_len)
			return -rpc_s_protocol_error;
		pdu->stub_len -= pdu->auth.auth_pad_length;
	}
	return 0;
}

/* ---- encoding -------------------------------------------------------- */

struct wr {
	struct ndr_buf *b;
	size_t start;
	bool be;
	int err;
};

static inline void wr_put(struct wr *w, const void *p, size_t n)
{
	if (!w->err)
		w->err = __ndr_buf_put(w->b, p, n);
}

static void wr8(struct wr *w, uint8_t v)
{
	wr_put(w, &v, 1);
}

static void wr16(struct wr *w, uint16_t v)
{
	uint8_t o[2];

	if (w->be) {
		o[0] = v >> 8; o[1] = (uint8_t)v;
	} else {
		o[0] = (uint8_t)v; o[1] = v >> 8;
	}
	wr_put(w, o, 2);
}

static void wr32(struct wr *w, uint32_t v)
{
	uint8_t o[4];

	if (w->be) {
		o[0] = v >> 24; o[1] = v >> 16; o[2] = v >> 8; o[3] = (uint8_t)v;
	} else {
		o[0] = (uint8_t)v; o[1] = v >> 8; o[2] = v >> 16; o[3] = v >> 24;
	}
	wr_put(w, o, 4);
}

static void wr_syntax(struct wr *w, const struct rpc_syntax_id *s)
{
	uint8_t u[16];

	rpc_uuid_to_wire(&s->uuid, u, w->be);
	wr_put(w, u, 16);
	wr32(w, (uint32_t)s->major | (uint32_t)s->minor << 16);
}

static void wr_pad4(struct wr *w)
{
	static const uint8_t z[4];
	size_t off = w->b->len - w->start;

	if (off & 3)
		wr_put(w, z, 4 - (off & 3));
}

static void set16(struct wr *w, size_t at, uint16_t v)
{
	uint8_t *p = w->b->data + w->start + at;

	if (w->be) {
		p[0] = v >> 8; p[1] = (uint8_t)v;
	} else {
		p[0] = (uint8_t)v; p[1] = v >> 8;
	}
}

/*
 * Padding, sec_trailer and auth value ([MS-RPCE] 2.2.2.11): the padding
 * is the provider-independent part, so it is computed here; the value
 * (pdu->hdr.auth_len octets at pdu->auth.value) is the provider's token
 * or signature.
 */
static void wr_sec_trailer(struct wr *w, uint8_t ptype, const struct rpc_pdu *pdu)
{
	static const uint8_t z[16];
	bool stub = ptype == RPC_PT_REQUEST || ptype == RPC_PT_RESPONSE ||
		    ptype == RPC_PT_FAULT;
	unsigned int pad = __rpc_auth_pad(ptype, stub ? pdu->stub_len :
					  w->b->len - w->start);

	wr_put(w, z, pad);
	wr8(w, pdu->auth.auth_type);
	wr8(w, pdu->auth.auth_level);
	wr8(w, (uint8_t)pad);
	wr8(w, 0);
	wr32(w, pdu->auth.auth_context_id);
	if (pdu->hdr.auth_len)
		wr_put(w, pdu->auth.value, pdu->hdr.auth_len);
	set16(w, 10, pdu->hdr.auth_len);
}

int __rpc_co_encode(struct ndr_buf *out, const struct rpc_co_enc *e,
		    const struct rpc_pdu *pdu)
{
	struct wr w = { .b = out, .start = out->len, .be = e->big_endian };
	uint8_t drep[4] = { e->big_endian ? 0x00 : 0x10, 0, 0, 0 };
	size_t len;
	unsigned int i, j;

	wr8(&w, 5);
	wr8(&w, 0);
	wr8(&w, e->ptype);
	wr8(&w, e->pfc_flags);
	wr_put(&w, drep, 4);
	wr16(&w, 0);		/* frag_len, set below */
	wr16(&w, 0);		/* auth_len, set below */
	wr32(&w, e->call_id);

	switch (e->ptype) {
	case RPC_PT_BIND:
	case RPC_PT_ALTER_CONTEXT:
		wr16(&w, pdu->bind.max_xmit_frag);
		wr16(&w, pdu->bind.max_recv_frag);
		wr32(&w, pdu->bind.assoc_group_id);
		wr8(&w, pdu->bind.n_ctx);
		wr8(&w, 0);
		wr16(&w, 0);
		for (i = 0; i < pdu->bind.n_ctx && i < RPC_MAX_PCTX; i++) {
			const struct rpc_pctx *c = &pdu->bind.ctx[i];

			wr16(&w, c->ctx_id);
			wr8(&w, c->n_tsyn);
			wr8(&w, 0);
			wr_syntax(&w, &c->abstract);
			for (j = 0; j < c->n_tsyn && j < RPC_MAX_TSYN; j++)
				wr_syntax(&w, &c->tsyn[j]);
		}
		break;
	case RPC_PT_BIND_ACK:
	case RPC_PT_ALTER_CONTEXT_RESP: {
		size_t sl = strnlen(pdu->bind_ack.sec_addr, RPC_SEC_ADDR_MAX);

		wr16(&w, pdu->bind_ack.max_xmit_frag);
		wr16(&w, pdu->bind_ack.max_recv_frag);
		wr32(&w, pdu->bind_ack.assoc_group_id);
		/* an empty secondary address is sent as length 0 */
		wr16(&w, (uint16_t)(sl ? sl + 1 : 0));
		if (sl) {
			wr_put(&w, pdu->bind_ack.sec_addr, sl);
			wr8(&w, 0);
		}
		wr_pad4(&w);
		wr8(&w, pdu->bind_ack.n_results);
		wr8(&w, 0);
		wr16(&w, 0);
		for (i = 0; i < pdu->bind_ack.n_results && i < RPC_MAX_RESULTS;
		     i++) {
			wr16(&w, pdu->bind_ack.res[i].result);
			wr16(&w, pdu->bind_ack.res[i].reason);
			wr_syntax(&w, &pdu->bind_ack.res[i].tsyn);
		}
		break;
	}
	case RPC_PT_BIND_NAK:
		wr16(&w, pdu->bind_nak.reason);
		wr8(&w, pdu->bind_nak.n_versions);
		for (i = 0; i < pdu->bind_nak.n_versions && i < 8; i++) {
			wr8(&w, pdu->bind_nak.versions[i][0]);
			wr8(&w, pdu->bind_nak.versions[i][1]);
		}
		wr_pad4(&w);
		break;
	case RPC_PT_REQUEST:
		wr32(&w, pdu->request.alloc_hint);
		wr16(&w, pdu->request.ctx_id);
		wr16(&w, pdu->request.opnum);
		if (e->pfc_flags & RPC_PFC_OBJECT_UUID) {
			uint8_t u[16];

			rpc_uuid_to_wire(&pdu->request.object, u, w.be);
			wr_put(&w, u, 16);
		}
		wr_put(&w, pdu->stub, pdu->stub_len);
		break;
	case RPC_PT_RESPONSE:
	case RPC_PT_FAULT:
		wr32(&w, pdu->response.alloc_hint);
		wr16(&w, pdu->response.ctx_id);
		wr8(&w, pdu->response.cancel_count);
		wr8(&w, pdu->response.flags);
		if (e->ptype == RPC_PT_FAULT) {
			wr32(&w, pdu->response.status);
			wr32(&w, 0);
		}
		wr_put(&w, pdu->stub, pdu->stub_len);
		break;
	case RPC_PT_AUTH3:
		wr32(&w, 0);
		break;
	case RPC_PT_SHUTDOWN:
	case RPC_PT_CO_CANCEL:
	case RPC_PT_ORPHANED:
		break;
	default:
		return -EINVAL;
	}
	if (pdu->has_auth)
		wr_sec_trailer(&w, e->ptype, pdu);
	if (w.err) {
		out->len = w.start;
		return w.err;
	}
	len = out->len - w.start;
	if (len > RPC_MAX_FRAG) {
		out->len = w.start;
		return -E2BIG;
	}
	set16(&w, 8, (uint16_t)len);
	return (int)len;
}
