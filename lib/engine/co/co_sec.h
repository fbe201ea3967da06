/* SPDX-License-Identifier: MIT */
/*
 * Security contexts on a connection (co_sec.c), for the client and the
 * server alike: one context per auth_context_id, its provider and level,
 * and the protection of request, response and fault fragments -- the
 * sec_trailer, its padding and the signature, sealed or signed through
 * the provider (auth/provider.h, [MS-RPCE] 2.2.2.11, 3.3.1.5.2).
 */
#ifndef LRPC_CO_SEC_H
#define LRPC_CO_SEC_H

#include <pthread.h>
#include "auth/provider.h"
#include "engine/co/pdu.h"
#include "runtime/server_int.h"

#define CO_SEC_MAX	4	/* security contexts per connection */
#define CO_SIG_MAX	128	/* the largest signature we carry */

struct co_sec {
	struct call_auth info;		/* type, level, peer: what calls see */
	const struct rpc_auth_provider *ap;
	struct rpc_auth_ctx *ctx;
	uint32_t id;			/* auth_context_id */
	bool used;
	bool established;
	bool failed;			/* a leg failed: calls are refused */
	bool header_signing;		/* PFC_SUPPORT_HEADER_SIGN agreed */
	size_t sig;			/* signature octets per fragment */
	/* fragments are signed in the order they go on the wire */
	pthread_mutex_t tx_lock;
	/* one provider call at a time: a sender and the reader share it */
	pthread_mutex_t op_lock;
};

/* Fragments of a context at this level carry a signature. */
static inline bool __rpc_co_sec_protects(const struct co_sec *s)
{
	return s && s->established && s->info.level >= RPC_AUTH_LEVEL_PKT;
}

/* Octets a protected fragment spends on protection: stub padding,
 * sec_trailer and signature. */
static inline size_t __rpc_co_sec_overhead(const struct co_sec *s)
{
	return __rpc_co_sec_protects(s) ? 15 + RPC_AUTH_HDR_LEN + s->sig : 0;
}

/* Start a context: the provider of @type at @level as @id says. */
int __rpc_co_sec_start(struct co_sec *s, bool server, uint8_t type,
		       uint8_t level, uint32_t ctx_id,
		       const struct rpc_auth_identity *id);
/* One leg (provider step); on 1 the context is established. */
int __rpc_co_sec_step(struct co_sec *s, const uint8_t *tok, size_t len,
		      struct ndr_buf *out);
void __rpc_co_sec_end(struct co_sec *s);

/*
 * Append one request, response or fault fragment.  Unprotected (no
 * context, or below packet level): as __rpc_co_encode.  Protected: with
 * the sec_trailer and the signature, sealed at privacy level.
 */
int __rpc_co_sec_encode(struct ndr_buf *out, const struct rpc_co_enc *e,
			struct rpc_pdu *pdu, struct co_sec *s);
/*
 * Check a received fragment of @s: its trailer names @s's type, level and
 * context; signature verified, body unsealed in place (pdu->stub then
 * points at the clear text).  0, or -EACCES (tampered,
 * replayed, out of order), -rpc_s_protocol_error (no or wrong trailer).
 */
int __rpc_co_sec_check(uint8_t *buf, size_t len, struct rpc_pdu *pdu,
		       struct co_sec *s);

#endif /* LRPC_CO_SEC_H */
