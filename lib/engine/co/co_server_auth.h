/* SPDX-License-Identifier: MIT */
/*
 * The server's authentication on a connection (co_server_auth.c), called
 * by co_server.c on the leader, in the order PDUs arrive.
 */
#ifndef LRPC_CO_SERVER_AUTH_H
#define LRPC_CO_SERVER_AUTH_H

#include "engine/co/co_sec.h"

struct conn;

/*
 * The auth leg of a bind or alter_context: 0 with the token to answer in
 * @tok (maybe none) and whether the peers sign headers, a bind_nak
 * reason + 1, or -1 for a protocol error (alter_context).
 */
int __rpc_co_auth_bind(struct conn *c, const struct rpc_pdu *in,
		       struct ndr_buf *tok, bool *header_signing);
/* Put @tok into the answer @out as its sec_trailer (nothing if empty). */
void __rpc_co_auth_answer(struct conn *c, const struct rpc_pdu *in,
			  const struct ndr_buf *tok, struct rpc_pdu *out);
/* An auth3: 0, or -rpc_s_protocol_error (no such leg expected). */
int __rpc_co_auth3(struct conn *c, const struct rpc_pdu *in);
/*
 * A request fragment: the context it names (or the connection's, at
 * connect level) in *out, its signature checked and body unsealed in
 * @buf.  0, or -EACCES: the call is refused and the
 * connection ends.
 */
int __rpc_co_auth_request(struct conn *c, uint8_t *buf, size_t len,
			  struct rpc_pdu *in, struct co_sec **out);
void __rpc_co_auth_free(struct conn *c);

#endif /* LRPC_CO_SERVER_AUTH_H */
