/* SPDX-License-Identifier: MIT */
/*
 * The client side of a protocol engine, as the binding handle sees it.
 *
 * A binding handle takes its calls to one engine, chosen at its first use
 * (rpc_call_raw, rpc_binding_syntax): the engines of __rpc_client_engines
 * are asked in order, and the first whose select takes the binding keeps
 * it, with the state select made for it.  The local engine (engine/lpc)
 * takes ncalrpc bindings whose server has a kernel port and local
 * ncacn_ip_tcp bindings routed there; the connection-oriented engine
 * (engine/co), last, takes the rest.  The table is in client_engines.c,
 * above runtime/ and engine/: runtime/ knows no engine by name.
 */
#ifndef LRPC_ENGINE_H
#define LRPC_ENGINE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <lrpc/rpc.h>

struct rpc_client_engine {
	const char *name;
	/* rpc_binding_from_string: check (and keep) the binding options
	 * this engine reads.  < 0 fails the creation.  Optional. */
	int (*init)(struct rpc_binding *b);
	/* At b's first use (b->setup held): 1 with *state set when this
	 * engine takes b's calls, 0 when it leaves them to the next, < 0
	 * an error for the call (the choice is made again at the next). */
	int (*select)(struct rpc_binding *b, const struct rpc_syntax_id *iface,
		      void **state);
	/* NDR_SYNTAX_* negotiated for iface, or < 0. */
	int (*syntax)(struct rpc_binding *b, void *state,
		      const struct rpc_syntax_id *iface);
	int (*call)(struct rpc_binding *b, void *state,
		    const struct rpc_syntax_id *iface, uint16_t opnum,
		    const void *in, size_t inlen, struct rpc_reply *reply);
	/* 0, or -rpc_s_no_call_active. */
	int (*cancel)(struct rpc_binding *b, void *state);
	uint32_t (*assoc_group)(const struct rpc_binding *b, const void *state);
	/* rpc_binding_reset (b->setup held): drop the connection.  true:
	 * state stays and the engine keeps b; false: state is freed and
	 * the choice is made again at the next use. */
	bool (*reset)(struct rpc_binding *b, void *state);
	/* The binding's last reference is gone: free state. */
	void (*close)(struct rpc_binding *b, void *state);
};

/* NULL-terminated, in the order select is asked (client_engines.c). */
extern const struct rpc_client_engine *const __rpc_client_engines[];

#endif /* LRPC_ENGINE_H */
