/* SPDX-License-Identifier: MIT */
/*
 * The server's seam to its protocol engines.  The runtime (server_api.c,
 * workers.c) calls every engine of __rpc_server_engines[] (lib/engines.c,
 * the one place that names them) through these hooks and knows none of
 * them by name; an engine leaves a hook NULL when it has nothing to do.
 *
 * Engines add the fds they serve (listeners, connections, timers) to the
 * server's epoll set with a struct rpc_event_source as data.ptr; the
 * leader (workers.c) calls its ready() with the epoll events.
 */
#ifndef LRPC_ENGINE_H
#define LRPC_ENGINE_H

#include <stdint.h>

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
