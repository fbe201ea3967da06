/* SPDX-License-Identifier: MIT */
/*
 * The seam between the runtime and its protocol engines (connection-
 * oriented, local, datagram).  The runtime knows no engine by name:
 * it walks the tables of lib/engines.c, the one place that names them.
 *
 * Client side: a binding handle takes its calls to one engine, chosen at
 * its first use (rpc_call_raw, rpc_binding_syntax): the engines of
 * __rpc_client_engines are asked in order, and the first whose select
 * takes the binding keeps it, with the state select made for it.  The
 * local engine (engine/lpc) takes ncalrpc bindings whose server has a
 * kernel port and local ncacn_ip_tcp bindings routed there; the
 * connection-oriented engine (engine/co), last, takes the rest.
 *
 * Server side: the runtime (server_api.c, workers.c) calls every engine
 * of __rpc_server_engines through its hooks; an engine leaves a hook NULL
 * when it has nothing to do.  Engines add the fds they serve (listeners,
 * connections, timers) to the server's epoll set with a struct
 * rpc_event_source as data.ptr; the leader (workers.c) calls its ready()
 * with the epoll events.
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

/* NULL-terminated, in the order select is asked (lib/engines.c). */
extern const struct rpc_client_engine *const __rpc_client_engines[];

struct rpc_server;
struct srv_listener;

struct rpc_event_source {
	/* on the leader thread; NULL: only wakes the leader (the eventfd) */
	void (*ready)(struct rpc_server *srv, struct rpc_event_source *src,
		      uint32_t events);
};

struct rpc_server_engine {
	const char *name;
	/* rpc_server_create: 0 or < 0 (free is called either way) */
	int (*init)(struct rpc_server *srv);
	/* rpc_server_use_protseq added listener l: ports of its own beside
	 * it (the kernel port beside ncalrpc's socket); 0 or < 0 */
	int (*listen)(struct rpc_server *srv, struct srv_listener *l);
	/* rpc_server_listen: start serving, max_calls threads at most */
	int (*start)(struct rpc_server *srv, unsigned int max_calls);
	/* the server stops: returns at once; the leader calls it when it
	 * sees the stop flag, teardown again (never from a signal handler) */
	void (*stop)(struct rpc_server *srv);
	/* rpc_server_wait, before the teardown: none of its managers runs
	 * any more on threads of its own once it returns */
	void (*wait)(struct rpc_server *srv);
	/* teardown, the leader gone: let what runs finish until deadline_ms
	 * (CLOCK_MONOTONIC), then drop the connections */
	void (*drain)(struct rpc_server *srv, int64_t deadline_ms);
	/* rpc_server_free; also after a failed init */
	void (*free)(struct rpc_server *srv);
};

/* NULL-terminated, in the order the hooks are called (lib/engines.c). */
extern const struct rpc_server_engine *const __rpc_server_engines[];

#define rpc_for_each_engine(ep) \
	for (const struct rpc_server_engine *const *ep = __rpc_server_engines; \
	     *ep; ep++)

#endif /* LRPC_ENGINE_H */
