// SPDX-License-Identifier: MIT
/*
 * Guards of the kernel path's server (issue 20): the settings of the
 * socket path (engine/co/co_guard.c), so one setting governs both.
 *
 *  - RPC_SERVER_LIMIT_CONNS_PER_UID: lpc_server.c on_connect counts the
 *    uid the module stamped on the connect in co_guard.c's table, with
 *    the AF_UNIX fallback's SO_PEERCRED uids; over it, a rejected
 *    connect carrying the bind_nak local_limit_exceeded;
 *  - RPC_SERVER_LIMIT_CALLS_PER_CONN: calls running on one connection
 *    (c->ncalls, otherwise unused by a kernel connection), lpc_srv.h;
 *    one more is the fault nca_s_server_too_busy, did not execute;
 *  - RPC_SERVER_TIMEOUT_IDLE: a reaper thread, while connections exist,
 *    closes the connection fd of those with no call running and no
 *    message for that long (c->g.rx_ms).  The module then refuses what
 *    the client sends with ECONNRESET before queueing it, and
 *    lpc_client.c reconnects.  It wakes every quarter of the time-out,
 *    at most a second, as co_guard.c's timer does.
 *
 * The other time-outs have nothing to bound here: the connect carries
 * the bind and is answered at once (BIND), the module delivers whole
 * messages (PDU), and a reply is handed to the module in the ioctl that
 * receives the next message, charged to the client's uid (its octets
 * and its view), never waiting for the client to read it (SEND).
 */
#include <pthread.h>
#include <stdlib.h>
#include "engine/lpc/lpc_srv.h"

#define LPC_REAP_MAX_MS		1000	/* the reaper's longest sleep */
#define LPC_REAP_MIN_MS		10
#define LPC_REAP_BATCH		64	/* closed per pass, outside the lock */

/* RPC_SERVER_TIMEOUT_IDLE as now set (0: none); srv->lock, never taken
 * with ls->lock held here (lock order: co_int.h). */
static unsigned int idle_ms(struct rpc_server *srv)
{
	unsigned int ms;

	pthread_mutex_lock(&srv->lock);
	ms = srv->guard->timeout_ms[RPC_SERVER_TIMEOUT_IDLE];
	pthread_mutex_unlock(&srv->lock);
	return ms;
}

/* Unlink up to LPC_REAP_BATCH connections idle for idle ms into dead
 * (ls->lock held): no call running, no message since. */
static int reap_collect(struct lpc_srv *ls, unsigned int idle, int64_t now,
			struct lpc_conn **dead)
{
	struct lpc_conn **pp, *lc;
	int i, n = 0;

	for (i = 0; i < LPC_HASH && n < LPC_REAP_BATCH; i++)
		for (pp = &ls->conns[i]; (lc = *pp) && n < LPC_REAP_BATCH; ) {
			struct conn *c = lc->c;

			if (__atomic_load_n(&c->ncalls, __ATOMIC_ACQUIRE) ||
			    now - __atomic_load_n(&c->g.rx_ms, __ATOMIC_RELAXED) <
			    (int64_t)idle) {
				pp = &lc->next;
				continue;
			}
			*pp = lc->next;
			ls->nconns--;
			dead[n++] = lc;
		}
	return n;
}

/*
 * Close the connections idle for RPC_SERVER_TIMEOUT_IDLE, as co_guard.c
 * does on the socket path: the module resets a connection whose fd the
 * server closed (no PORT_CLOSED follows), so everything it held goes
 * here.  A port thread that raced the close and took a message for it
 * finds no connection and faults the call (the client already has
 * ECONNRESET).  Sleeps without a time-out while there is no connection.
 */
static void *reaper(void *arg)
{
	struct lpc_srv *ls = arg;
	struct lpc_conn *dead[LPC_REAP_BATCH];

	for (;;) {
		unsigned int idle = idle_ms(ls->srv), tick;
		int n, i;

		tick = idle ? idle / 4 : LPC_REAP_MAX_MS;
		if (tick > LPC_REAP_MAX_MS)
			tick = LPC_REAP_MAX_MS;
		if (tick < LPC_REAP_MIN_MS)
			tick = LPC_REAP_MIN_MS;
		pthread_mutex_lock(&ls->lock);
		if (!atomic_load(&ls->stop)) {
			if (ls->nconns)
				__rpc_cond_wait_ns(&ls->reap_cv, &ls->lock,
						   (int64_t)tick * 1000000);
			else
				pthread_cond_wait(&ls->reap_cv, &ls->lock);
		}
		if (atomic_load(&ls->stop))
			break;
		n = idle ? reap_collect(ls, idle, __rpc_now_ms(), dead) : 0;
		pthread_mutex_unlock(&ls->lock);
		for (i = 0; i < n; i++) {
			const uint64_t id = dead[i]->id;

			__rpc_lpc_view_drop(&ls->views, &id);
			__rpc_guard_uid_put(ls->srv, dead[i]->uid_slot);
			/* the last reference closes the connection fd and
			 * leaves the group: its context handles run down */
			__rpc_conn_put(dead[i]->c);
			free(dead[i]);
		}
	}
	ls->reaping = false;
	pthread_cond_broadcast(&ls->cv);
	pthread_mutex_unlock(&ls->lock);
	return NULL;
}

void __rpc_lpc_reaper_start_locked(struct lpc_srv *ls)
{
	pthread_attr_t a;
	pthread_t t;

	if (ls->reaping)
		return;		/* still there from before a stop: it goes on */
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	/* rundowns of context handles (managers' code) run on it: a port
	 * thread's stack */
	pthread_attr_setstacksize(&a, 256 << 10);
	ls->reaping = !pthread_create(&t, &a, reaper, ls);
	pthread_attr_destroy(&a);
}
