/* SPDX-License-Identifier: MIT */
/*
 * The connection-oriented client's state (co_client.c: connect, bind,
 * calls; co_recv.c: the reader and the calls waiting for answers).
 */
#ifndef LRPC_CO_CLIENT_INT_H
#define LRPC_CO_CLIENT_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include "engine/co/bind_answer.h"
#include "engine/co/co_sec.h"
#include "runtime/binding.h"
#include "ndr/buf.h"

#define CLI_MAX_CTX		32
#define CLI_MAX_OUT		(256u << 20)	/* reassembled response */
#define CLI_DEFAULT_FRAG	RPC_DEFAULT_FRAG
#define CLI_ORPHANS		16

struct pending {
	struct pending *next;
	uint32_t call_id;
	uint32_t alias;		/* the peer's call_id for it (when aliased) */
	bool aliased;
	bool sent;		/* its first PDU is (being) written */
	bool is_bind;		/* waits for bind_ack / alter_context_resp */
	bool done;
	bool got_first;
	int status;		/* < 0: error */
	uint32_t fault;
	uint8_t drep[4];
	struct ndr_buf stub;
	uint8_t *frame;		/* bind-type answers: the whole PDU */
	size_t flen;
};

struct cli_ctx {
	struct rpc_syntax_id iface;
	uint16_t ctx_id;
	int syntax;		/* < 0: rejected, -status */
};

/* A binding handle's connection (its engine state, runtime/engine.h). */
struct co_client {
	struct rpc_binding *bh;	/* settings: __rpc_binding_opts() */
	const struct rpc_string_binding *sb;
	const struct rpc_transport_ops *ops;
	bool be;
	uint32_t offer;		/* SYN_NDR20 | SYN_NDR64 */
	bool btfn;
	uint16_t max_frag;

	pthread_mutex_t setup;	/* connect, bind, alter_context */
	pthread_mutex_t send_lock;
	pthread_mutex_t lock;	/* everything below */
	pthread_cond_t cv;
	int fd;
	bool broken;
	bool reader;
	int64_t last_call_ms;	/* when the last call began (monotonic) */
	uint16_t max_xmit, max_recv;
	uint32_t assoc_group;
	uint8_t btfn_bits;
	atomic_uint next_call_id;
	int nctx;
	struct cli_ctx ctx[CLI_MAX_CTX];
	uint16_t next_ctx_id;
	struct pending *pending;
	/* call_ids of calls given up on, whose answers may still come */
	uint32_t orphans[CLI_ORPHANS];
	unsigned int norphans;
	/* authentication: the binding's settings when the connection was
	 * made, and its one security context */
	bool want_auth;
	struct binding_auth auth;
	struct co_sec sec;
	/* receive buffer of the reader: whole PDUs are decoded in place */
	uint8_t *rb;
	size_t rlen;
};

#define CLI_RBUF	(RPC_MAX_FRAG + 1 + 16384)

/* c->lock held: fail every pending call and forget the connection. */
void __rpc_co_cli_drop(struct co_client *c, int err);
/* Wait for p (c->lock held), reading for everybody when nobody does.
 * Returns 0 when done, -ETIMEDOUT. */
int __rpc_co_cli_wait(struct co_client *c, struct pending *p,
		      int64_t deadline);
/* p waits for an answer (c->lock not held). */
void __rpc_co_cli_add(struct co_client *c, struct pending *p);
/* c->lock held */
void __rpc_co_cli_remove(struct co_client *c, struct pending *p);
/* c->lock held: p is given up on; an answer to it may still come. */
void __rpc_co_cli_orphan(struct co_client *c, struct pending *p);

#endif /* LRPC_CO_CLIENT_INT_H */
