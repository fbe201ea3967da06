/* SPDX-License-Identifier: MIT */
/*
 * The local engine's server, what lpc_server.c (ports, threads, calls)
 * and lpc_guard.c (its guards) share.  Lock order: ls->lock is never
 * taken under srv->lock or a connection's locks (co_int.h).
 */
#ifndef LRPC_LPC_SRV_H
#define LRPC_LPC_SRV_H

#include <pthread.h>
#include <stdatomic.h>
#include "engine/lpc/lpc_int.h"
#include "engine/lpc/lpc_views.h"
#include "engine/co/co_int.h"

#define LPC_HASH		256
#define LPC_MAX_PORTS		SRV_MAX_LISTENERS

struct lpc_conn {
	struct lpc_conn *next;
	uint64_t id;
	struct conn *c;
	struct guard_addr *uid_slot;	/* RPC_SERVER_LIMIT_CONNS_PER_UID */
};

struct lpc_running {
	struct lpc_running *next;
	uint64_t msg_id;
	struct rpc_call_ctx *call;
};

struct lpc_srv;

struct lpc_port {
	struct lpc_srv *ls;
	struct srv_listener *lst;
	int fd;
	atomic_uint nthreads, nidle;
};

struct lpc_srv {
	struct lpc_srv *next;		/* all servers with kernel ports */
	struct rpc_server *srv;
	pthread_mutex_t lock;		/* conns, running, the reaper */
	pthread_cond_t cv;		/* a thread exited */
	pthread_cond_t reap_cv;		/* the first connection, or stop */
	struct lpc_conn *conns[LPC_HASH];
	unsigned int nconns;
	struct lpc_running *running;
	struct lpc_view_cache views;	/* its own lock */
	unsigned int max_threads, nthreads;
	atomic_bool stop;
	bool started;
	bool reaping;			/* the reaper thread runs */
	int nports;
	struct lpc_port ports[LPC_MAX_PORTS];
};

/* ---- lpc_guard.c ------------------------------------------------------- */

/*
 * A request on c begins (RPC_SERVER_LIMIT_CALLS_PER_CONN): false when c
 * already runs as many as the cap allows; it does not run then.  Each
 * running call holds a port thread: one client must leave threads to
 * the others.  The module's max_pending (1024) is above any thread count.
 */
static inline bool __rpc_lpc_call_begin(struct lpc_srv *ls, struct conn *c)
{
	if (__atomic_add_fetch(&c->ncalls, 1, __ATOMIC_RELAXED) <=
	    __rpc_co_max_calls(ls->srv))
		return true;
	__atomic_sub_fetch(&c->ncalls, 1, __ATOMIC_RELAXED);
	return false;
}

/* Traffic on c: RPC_SERVER_TIMEOUT_IDLE counts from now. */
static inline void __rpc_lpc_touch(struct conn *c)
{
	__atomic_store_n(&c->g.rx_ms, __rpc_now_ms(), __ATOMIC_RELAXED);
}

/* The call __rpc_lpc_call_begin() let in is over: idle from its end, so
 * a call longer than the time-out is not idleness. */
static inline void __rpc_lpc_call_end(struct conn *c)
{
	__rpc_lpc_touch(c);
	__atomic_sub_fetch(&c->ncalls, 1, __ATOMIC_RELEASE);	/* after rx_ms */
}

/* Start the idle reaper unless it runs (ls->lock held); on_connect
 * signals ls->reap_cv for the first connection, a stop broadcasts it. */
void __rpc_lpc_reaper_start_locked(struct lpc_srv *ls);

#endif /* LRPC_LPC_SRV_H */
