// SPDX-License-Identifier: MIT
/*
 * The client's side of authentication on a connection ([MS-RPCE]
 * 3.3.1.5.2): the security context of a new connection from the binding's
 * settings, the sec_trailer of its bind (and of the alter_context and
 * auth3 legs that follow), and the check of every answer.  One context
 * per connection (auth_context_id 0): a binding has one identity.
 */
#include <errno.h>
#include <string.h>
#include "engine/co/co_client_int.h"
#include "engine/co/co_client_auth.h"
#include "ndr/buf.h"

int __rpc_co_cli_auth_begin(struct co_client *c, struct ndr_buf *tok)
{
	struct rpc_auth_identity id = {
		.principal = c->auth.server_princ,
		.user = c->auth.user,
		.domain = c->auth.domain,
		.password = c->auth.password,
	};
	int ret;

	__rpc_co_sec_end(&c->sec);
	ret = __rpc_co_sec_start(&c->sec, false, c->auth.authn_svc,
				 c->auth.level, 0, &id);
	if (ret < 0)
		return ret;
	ret = __rpc_co_sec_step(&c->sec, NULL, 0, tok);
	if (ret < 0)
		return ret;
	if (ret == 1 && !tok->len)
		return -rpc_s_protocol_error;	/* a bind needs a token */
	return 0;
}

void __rpc_co_cli_auth_trailer(struct co_client *c, struct rpc_pdu *pdu,
			       const struct ndr_buf *tok)
{
	pdu->has_auth = true;
	pdu->auth.auth_type = c->sec.info.authn_svc;
	pdu->auth.auth_level = c->sec.info.level;
	pdu->auth.auth_context_id = c->sec.id;
	pdu->auth.value = tok->data;
	pdu->hdr.auth_len = (uint16_t)tok->len;
}

int __rpc_co_cli_auth_answer(struct co_client *c, const struct rpc_pdu *ans,
			     struct ndr_buf *out)
{
	const struct rpc_auth_verifier *a = &ans->auth;
	int ret;

	out->len = 0;
	if (ans->hdr.ptype == RPC_PT_BIND_ACK)
		c->sec.header_signing =
			(ans->hdr.pfc_flags & RPC_PFC_PENDING_CANCEL) &&
			c->sec.info.level >= RPC_AUTH_LEVEL_PKT;
	if (c->sec.established)
		return ans->has_auth ? -rpc_s_protocol_error : 1;
	if (!ans->has_auth || a->auth_type != c->sec.info.authn_svc ||
	    a->auth_level != c->sec.info.level ||
	    a->auth_context_id != c->sec.id)
		return -rpc_s_protocol_error;
	ret = __rpc_co_sec_step(&c->sec, a->value, ans->hdr.auth_len, out);
	return ret;
}

int __rpc_co_cli_auth_check(struct co_client *c, uint8_t *f, size_t len,
			    struct rpc_pdu *pdu)
{
	bool answer = pdu->hdr.ptype == RPC_PT_RESPONSE ||
		      pdu->hdr.ptype == RPC_PT_FAULT;

	if (!answer) {
		/* bind-type answers carry tokens only while we ask */
		if (pdu->has_auth && pdu->hdr.ptype != RPC_PT_BIND_NAK &&
		    (!c->sec.used || c->sec.established))
			return -rpc_s_protocol_error;
		return 0;
	}
	if (!__rpc_co_sec_protects(&c->sec)) {
		/* connect level, or no context: no trailers at all */
		return pdu->has_auth && !c->sec.established ?
		       -rpc_s_protocol_error : 0;
	}
	/* a fault may come unsigned (Windows and Samba send some so) */
	if (!pdu->has_auth && pdu->hdr.ptype == RPC_PT_FAULT)
		return 0;
	return __rpc_co_sec_check(f, len, pdu, &c->sec);
}
