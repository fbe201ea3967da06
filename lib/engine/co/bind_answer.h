/* SPDX-License-Identifier: MIT */
/*
 * The client's half of presentation negotiation, and fault statuses:
 * one copy for the connection-oriented engine (co_client.c, a socket)
 * and the local one (lpc_client.c, /dev/lrpc), which carry the same
 * bind, alter_context, bind_ack, alter_context_resp, bind_nak and fault
 * contents.  Two copies had drifted (an HRESULT-style fault was success
 * on the kernel path, bind_nak reasons read differently).  The server's
 * half is bind_answer() in co_server.c, which both engines already call.
 */
#ifndef LRPC_BIND_ANSWER_H
#define LRPC_BIND_ANSWER_H

#include <stdbool.h>
#include <stdint.h>
#include "runtime/runtime_int.h"
#include "engine/co/pdu.h"
#include "transport/transport.h"

#define RPC_BIND_MAX_OFFER	3	/* NDR20, NDR64, feature negotiation */

/* What a client offers in a bind or alter_context. */
struct rpc_bind_offer {
	uint32_t syntaxes;	/* SYN_NDR20 | SYN_NDR64 */
	bool btfn;		/* bind time feature negotiation (bind only) */
	bool alter;		/* alter_context, else bind */
	uint16_t max_frag;	/* max_xmit_frag = max_recv_frag */
	uint32_t assoc_group;	/* bind only: the group to join, 0: new */
};

/* The context the server accepted. */
struct rpc_bind_accepted {
	uint16_t ctx_id;
	int syntax;		/* NDR_SYNTAX_* */
	bool btfn_acked;	/* a negotiate_ack came, with btfn_bits */
	uint8_t btfn_bits;
};

/*
 * Fill pdu (zeroed by the caller) with the bind or alter_context that
 * offers iface: one context per transfer syntax, then the feature
 * negotiation context; their ids are taken from *next_ctx_id and stored
 * in ids[].  Returns the number of contexts.
 */
int __rpc_bind_offer(struct rpc_pdu *pdu, const struct rpc_syntax_id *iface,
		     const struct rpc_bind_offer *o, uint16_t *next_ctx_id,
		     uint16_t ids[RPC_BIND_MAX_OFFER]);

/*
 * Read the decoded answer to an offer of the n contexts ids[]: 0 with
 * *acc (the first context accepted); -rpc_s_unknown_if or
 * -rpc_s_unsupported_trans_syn when none was (the association stands);
 * else the association does not: a bind_nak's status
 * (__rpc_bind_nak_status) or -rpc_s_protocol_error.
 */
int __rpc_bind_read(const struct rpc_pdu *pdu, bool alter,
		    const uint16_t *ids, int n, struct rpc_bind_accepted *acc);

/* What a bind_nak with reason (RPC_NAK_*) returns: < 0. */
int __rpc_bind_nak_status(uint16_t reason);

/* A fault's status as kept in rpc_reply.fault (0 on the wire reads as
 * nca_s_fault_unspec). */
static inline uint32_t __rpc_fault_status(uint32_t wire)
{
	return wire ? wire : nca_s_fault_unspec;
}

/*
 * What a call answered with fault status returns, always < 0: -status,
 * -rpc_s_call_cancelled for nca_s_fault_cancel, -rpc_s_call_failed for
 * HRESULT-style statuses (>= 0x80000000), which do not fit a negative
 * int (rpc_reply.fault has them verbatim).
 */
int __rpc_fault_ret(uint32_t status);

#endif /* LRPC_BIND_ANSWER_H */
