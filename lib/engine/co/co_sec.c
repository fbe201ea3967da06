// SPDX-License-Identifier: MIT
/*
 * Security contexts of a connection: the legs of the exchange through
 * the provider, and the protection of each request, response and fault
 * fragment.  The engine owns the PDU; the provider sees the region of the
 * fragment its signature covers ([MS-RPCE] 2.2.2.11): the whole fragment
 * up to the signature, with the stub data and its padding as the body.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <lrpc/status.h>
#include "engine/co/co_sec.h"
#include "ndr/buf.h"

/*
 * Providers return -rpc_s_access_denied (5) for a refused identity; on
 * the engines' paths statuses below 1700 are errno values (status.h),
 * so it travels as -EACCES, which the API boundary names back.
 */
static int errno_of(int ret)
{
	return ret == -rpc_s_access_denied ? -EACCES : ret;
}

int __rpc_co_sec_start(struct co_sec *s, bool server, uint8_t type,
		       uint8_t level, uint32_t ctx_id,
		       const struct rpc_auth_identity *id)
{
	const struct rpc_auth_provider *ap = __rpc_auth_find(type);
	int ret;

	if (!ap || type == RPC_AUTHN_NONE)
		return -rpc_s_unknown_authn_service;
	if (level < RPC_AUTH_LEVEL_CONNECT || level > RPC_AUTH_LEVEL_PKT_PRIVACY)
		return -rpc_s_unsupported_authn_level;
	memset(s, 0, sizeof(*s));
	ret = ap->new_ctx(server, level, id, &s->ctx);
	if (ret < 0)
		return errno_of(ret);
	s->ap = ap;
	s->id = ctx_id;
	s->used = true;
	s->info.authn_svc = type;
	s->info.level = level;
	pthread_mutex_init(&s->tx_lock, NULL);
	pthread_mutex_init(&s->op_lock, NULL);
	return 0;
}

int __rpc_co_sec_step(struct co_sec *s, const uint8_t *tok, size_t len,
		      struct ndr_buf *out)
{
	struct rpc_auth_token in = { tok, len };
	int ret;

	if (s->established || s->failed)
		return -rpc_s_protocol_error;
	ret = s->ap->step(s->ctx, tok ? &in : NULL, out);
	if (ret < 0) {
		s->failed = true;
		return errno_of(ret);
	}
	if (ret == 1) {
		s->sig = s->ap->sig_size(s->ctx);
		if (s->sig > CO_SIG_MAX) {
			s->failed = true;
			return -rpc_s_protocol_error;
		}
		if (s->ap->peer_name)
			s->ap->peer_name(s->ctx, &s->info.principal);
		s->established = true;
	}
	return ret;
}

void __rpc_co_sec_end(struct co_sec *s)
{
	if (!s->used)
		return;
	if (s->ctx)
		s->ap->free_ctx(s->ctx);
	free(s->info.principal);
	pthread_mutex_destroy(&s->tx_lock);
	pthread_mutex_destroy(&s->op_lock);
	memset(s, 0, sizeof(*s));
}

/* Octets of the fixed part before the stub of a fragment. */
static size_t stub_offset(uint8_t ptype, uint8_t pfc_flags)
{
	if (ptype == RPC_PT_REQUEST)
		return RPC_REQUEST_HDR_LEN +
		       (pfc_flags & RPC_PFC_OBJECT_UUID ? 16 : 0);
	return ptype == RPC_PT_FAULT ? RPC_FAULT_HDR_LEN : RPC_RESPONSE_HDR_LEN;
}

int __rpc_co_sec_encode(struct ndr_buf *out, const struct rpc_co_enc *e,
			struct rpc_pdu *pdu, struct co_sec *s)
{
	static const uint8_t zero[CO_SIG_MAX];
	struct rpc_auth_region r;
	size_t start = out->len, body, sig_at;
	uint8_t *p;
	int ret;

	if (!__rpc_co_sec_protects(s))
		return __rpc_co_encode(out, e, pdu);
	pdu->has_auth = true;
	pdu->auth.auth_type = s->info.authn_svc;
	pdu->auth.auth_level = s->info.level;
	pdu->auth.auth_context_id = s->id;
	pdu->auth.value = zero;
	pdu->hdr.auth_len = (uint16_t)s->sig;
	ret = __rpc_co_encode(out, e, pdu);
	if (ret < 0)
		return ret;
	p = out->data + start;
	sig_at = (size_t)ret - s->sig;
	body = stub_offset(e->ptype, e->pfc_flags);
	r.whole = p;
	r.whole_len = sig_at;
	r.body = p + body;
	r.body_len = sig_at - RPC_AUTH_HDR_LEN - body;
	r.header_signing = s->header_signing;
	pthread_mutex_lock(&s->op_lock);
	if (s->info.level == RPC_AUTH_LEVEL_PKT_PRIVACY)
		ret = s->ap->seal(s->ctx, &r, p + sig_at) < 0 ? -1 : ret;
	else
		ret = s->ap->sign(s->ctx, &r, p + sig_at) < 0 ? -1 : ret;
	pthread_mutex_unlock(&s->op_lock);
	if (ret < 0) {
		out->len = start;
		return -EACCES;
	}
	return ret;
}

int __rpc_co_sec_check(uint8_t *buf, size_t len, struct rpc_pdu *pdu,
		       struct co_sec *s)
{
	const struct rpc_auth_verifier *a = &pdu->auth;
	struct rpc_auth_region r;
	size_t sig_at;
	int ret;

	if (!__rpc_co_sec_protects(s))
		return 0;
	if (!pdu->has_auth || a->auth_type != s->info.authn_svc ||
	    a->auth_level != s->info.level || a->auth_context_id != s->id ||
	    pdu->hdr.auth_len < s->sig)
		return -rpc_s_protocol_error;
	sig_at = len - pdu->hdr.auth_len;
	r.whole = buf;
	r.whole_len = sig_at;
	r.body = (uint8_t *)pdu->stub;
	r.body_len = pdu->stub_len + a->auth_pad_length;
	r.header_signing = s->header_signing;
	if (r.body < buf || r.body + r.body_len + RPC_AUTH_HDR_LEN != buf + sig_at)
		return -rpc_s_protocol_error;
	pthread_mutex_lock(&s->op_lock);
	if (s->info.level == RPC_AUTH_LEVEL_PKT_PRIVACY)
		ret = s->ap->unseal(s->ctx, &r, buf + sig_at,
				    pdu->hdr.auth_len);
	else
		ret = s->ap->verify(s->ctx, &r, buf + sig_at,
				    pdu->hdr.auth_len);
	pthread_mutex_unlock(&s->op_lock);
	return ret < 0 ? -EACCES : 0;
}
