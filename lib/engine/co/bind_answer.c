// SPDX-License-Identifier: MIT
/*
 * A client's bind / alter_context offer and its reading of the answer,
 * and fault statuses as return values (see bind_answer.h).
 */
#include <errno.h>
#include <string.h>
#include "engine/co/bind_answer.h"

int __rpc_bind_offer(struct rpc_pdu *pdu, const struct rpc_syntax_id *iface,
		     const struct rpc_bind_offer *o, uint16_t *next_ctx_id,
		     uint16_t ids[RPC_BIND_MAX_OFFER])
{
	int n = 0, s;

	pdu->bind.max_xmit_frag = o->max_frag;
	pdu->bind.max_recv_frag = o->max_frag;
	pdu->bind.assoc_group_id = o->alter ? 0 : o->assoc_group;
	for (s = 0; s < RPC_BIND_MAX_OFFER; s++) {
		struct rpc_pctx *c = &pdu->bind.ctx[n];

		if ((s == 0 && !(o->syntaxes & SYN_NDR20)) ||
		    (s == 1 && !(o->syntaxes & SYN_NDR64)) ||
		    (s == 2 && (o->alter || !o->btfn)))
			continue;
		ids[n] = (*next_ctx_id)++;
		c->ctx_id = ids[n];
		c->n_tsyn = 1;
		c->abstract = *iface;
		if (s == 0) {
			c->tsyn[0] = rpc_syntax_ndr20;
		} else if (s == 1) {
			c->tsyn[0] = rpc_syntax_ndr64;
		} else {
			__rpc_btfn_uuid(&c->tsyn[0].uuid,
					RPC_BTFN_SEC_CTX_MULTIPLEXING |
					RPC_BTFN_KEEP_CONN_ON_ORPHAN);
			c->tsyn[0].major = 1;
		}
		n++;
	}
	pdu->bind.n_ctx = (uint8_t)n;
	return n;
}

int __rpc_bind_nak_status(uint16_t reason)
{
	switch (reason) {
	case RPC_NAK_TEMPORARY_CONGESTION:
	case RPC_NAK_LOCAL_LIMIT_EXCEEDED:
		return -rpc_s_server_too_busy;
	case RPC_NAK_AUTHENTICATION_TYPE_NOT_RECOGNIZED:
		return -rpc_s_unknown_authn_service;
	case RPC_NAK_PROTOCOL_VERSION_NOT_SUPPORTED:
		return -rpc_s_protocol_error;
	case RPC_NAK_INVALID_CHECKSUM:	/* the credentials were refused */
		return -EACCES;
	}
	return -rpc_s_call_failed_dne;
}

int __rpc_bind_read(const struct rpc_pdu *pdu, bool alter,
		    const uint16_t *ids, int n, struct rpc_bind_accepted *acc)
{
	int i, result = -rpc_s_unknown_if;

	memset(acc, 0, sizeof(*acc));
	if (pdu->hdr.ptype == RPC_PT_BIND_NAK)
		return __rpc_bind_nak_status(pdu->bind_nak.reason);
	if (pdu->hdr.ptype != (alter ? RPC_PT_ALTER_CONTEXT_RESP
				     : RPC_PT_BIND_ACK) ||
	    pdu->bind_ack.n_results != n)
		return -rpc_s_protocol_error;
	for (i = 0; i < n; i++) {
		const struct rpc_pres_result *r = &pdu->bind_ack.res[i];

		if (r->result == RPC_RESULT_NEGOTIATE_ACK) {
			acc->btfn_acked = true;
			acc->btfn_bits = (uint8_t)r->reason;
			continue;
		}
		if (r->result != RPC_RESULT_ACCEPT) {
			if (result == -rpc_s_unknown_if &&
			    r->reason == RPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED)
				result = -rpc_s_unsupported_trans_syn;
			continue;
		}
		if (result >= 0)
			continue;	/* the server picked more than one */
		acc->ctx_id = ids[i];
		acc->syntax = !rpc_uuid_compare(&r->tsyn.uuid,
						&rpc_syntax_ndr64.uuid) ?
			      NDR_SYNTAX_NDR64 : NDR_SYNTAX_NDR20;
		result = 0;
	}
	return result;
}

int __rpc_fault_ret(uint32_t status)
{
	if (status == nca_s_fault_cancel)
		return -rpc_s_call_cancelled;
	if (!status || status > INT32_MAX)
		return -rpc_s_call_failed;
	return -(int)status;
}
