/* SPDX-License-Identifier: MIT */
/*
 * The client's authentication on a connection (co_client_auth.c), for
 * co_client.c (the legs) and co_recv.c (the answers).
 */
#ifndef LRPC_CO_CLIENT_AUTH_H
#define LRPC_CO_CLIENT_AUTH_H

#include "engine/co/co_client_int.h"

/* A new context from c->auth, and the token of its first leg. */
int __rpc_co_cli_auth_begin(struct co_client *c, struct ndr_buf *tok);
/* The sec_trailer carrying tok in a bind, alter_context or auth3. */
void __rpc_co_cli_auth_trailer(struct co_client *c, struct rpc_pdu *pdu,
			       const struct ndr_buf *tok);
/* The server's leg in a bind_ack / alter_context_resp: 1 established
 * (a token left in out goes in an auth3), 0 another alter_context leg
 * with out, < 0 failed. */
int __rpc_co_cli_auth_answer(struct co_client *c, const struct rpc_pdu *ans,
			     struct ndr_buf *out);
/* An answer the reader got (c->lock held): its trailer checked and its
 * body unsealed in place; < 0 ends the connection. */
int __rpc_co_cli_auth_check(struct co_client *c, uint8_t *f, size_t len,
			    struct rpc_pdu *pdu);

#endif /* LRPC_CO_CLIENT_AUTH_H */
