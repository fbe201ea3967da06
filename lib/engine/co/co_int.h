/* SPDX-License-Identifier: MIT */
/*
 * The connection-oriented server engine's internals: its connections
 * (co_conn.c: accept, read, flush, close, reap), their PDUs (co_server.c:
 * binds, requests, cancels, responses, faults) and their guards
 * (co_guard.c).  The local engine (engine/lpc) reuses connections and
 * calls without a socket through the __rpc_conn_* and __rpc_call_*
 * functions at the end.
 *
 * Locks, in the order they nest: a connection's c->bind_lock (the kernel
 * path's binds, one at a time), srv->lock, then c->lock (reap and
 * teardown walk srv->conns and look into each connection).  Nothing takes
 * srv->lock while it holds a c->lock: a bind looks up interfaces and
 * association groups (srv->lock) first and takes c->lock only to install
 * the result.  lpc_server.c's locks are never taken under either.
 */
#ifndef LRPC_CO_INT_H
#define LRPC_CO_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include "runtime/server_int.h"
#include "engine/co/pdu.h"
#include "transport/transport.h"

#define CONN_MAX_CTX		64	/* presentation contexts per connection */
#define CONN_MAX_CALLS		256	/* calls receiving or running */
#define CONN_OUTQ_HIGH		(4u << 20)	/* stop reading above this */
#define CALL_MAX_IN		(96u << 20)	/* reassembled request stub */
#define CALL_PREALLOC_MAX	(64u << 10)	/* trust in alloc_hint */
#define CONN_MAX_RX		(128u << 20)	/* request octets held per
						   connection, all calls */
#define SRV_MAX_FRAG		65528	/* largest fragment we accept/send */

_Static_assert(SRV_SEC_ADDR_MAX == RPC_SEC_ADDR_MAX,
	       "a listener holds a secondary address");
_Static_assert(SRV_ENDPOINT_MAX >= RPC_LOCAL_EP_MAX,
	       "a listener holds every local endpoint");

/* Connection guards (co_guard.c): time-outs, caps, fd exhaustion. */
#define GUARD_NTIMEOUTS		4	/* enum rpc_server_timeout */
#define GUARD_ADDR_BUCKETS	256
#define GUARD_REFUSING_MAX	64	/* refused, waiting for their bind */
#define GUARD_REFUSE_MS		1000	/* ... for at most this long */
#define GUARD_CALLS_OVER	16	/* refused calls read beyond the cap */

struct guard_addr;
struct co_sec;

struct conn_guard {			/* in each connection */
	int64_t born_ms;		/* accepted */
	int64_t rx_ms;			/* last octet received */
	int64_t pdu_ms;			/* first octet of the partial PDU */
	int64_t tx_ms;			/* output queued or last drained */
	struct guard_addr *addr;	/* counted against its address/uid */
	bool refused;			/* over the address/uid cap: bind_nak */
};

struct srv_guard {			/* srv->guard */
	struct rpc_event_source src;	/* the timerfd in the epoll set */
	int tfd;			/* timerfd, armed while needed */
	unsigned int tick_ms;		/* its period when armed, 0: off */
	unsigned int timeout_ms[GUARD_NTIMEOUTS];
	unsigned int max_per_addr, max_per_uid, max_calls;
	size_t max_rx;
	bool paused;			/* listeners off: out of fds */
	int64_t paused_ms, logged_ms;
	unsigned int nrefusing;
	struct guard_addr *addrs[GUARD_ADDR_BUCKETS];
	/* memory back after a burst (co_guard.c trim_check) */
	unsigned int peak_conns;	/* most connections since the last trim */
	uint64_t quiet_pkts;		/* pkts_in when the quiet began */
	int64_t quiet_ms, trimmed_ms;
};

struct outbuf {
	struct outbuf *next;
	size_t len, off;
	struct ndr_buf big;	/* a large buffer taken over, else data[] */
	uint8_t data[];
};

struct pctx_entry {
	uint16_t ctx_id;
	uint8_t syntax;			/* enum ndr_syntax */
	const struct srv_if *ifp;	/* snapshot at bind time */
	struct srv_if iface;
};

struct conn {
	struct rpc_event_source src;	/* in the epoll set (a socket) */
	struct conn *next, *prev;	/* srv->conns, under srv->lock */
	struct rpc_server *srv;
	const struct srv_listener *lst;
	int fd;
	bool has_peer;			/* AF_UNIX: who connected, as */
	struct rpc_peer_cred peer;	/* SO_PEERCRED told at accept */
	atomic_int refs;
	pthread_mutex_t lock;		/* outq, calls, events, closing */
	pthread_mutex_t bind_lock;	/* __rpc_conn_bind: one at a time */

	/* receive state: loop thread only */
	uint8_t hdr[RPC_CO_HDR_LEN];
	size_t hlen;
	uint8_t *frame;
	size_t flen, fgot;

	/* association: loop thread writes, workers read after bind */
	bool bound;
	uint16_t max_xmit, max_recv;
	struct assoc_group *group;
	int nctx;
	struct pctx_entry ctx[CONN_MAX_CTX];
	struct co_sec *sec;	/* CO_SEC_MAX security contexts, or NULL */

	struct rpc_call_ctx *calls;		/* receiving and running */
	unsigned int ncalls;
	struct outbuf *oq_head, *oq_tail;
	size_t oq_bytes;
	atomic_size_t rx_bytes;		/* request stub octets held */
	uint32_t events;
	bool closing;
	bool close_after_flush;
	struct conn_guard g;		/* times: c->lock; the rest: srv->lock */
};

/* rpc_server_set_limit may change it while connections run */
static inline unsigned int __rpc_co_max_calls(struct rpc_server *srv)
{
	return __atomic_load_n(&srv->guard->max_calls, __ATOMIC_RELAXED);
}

/* ---- co_conn.c ---------------------------------------------------------- */
extern const struct rpc_server_engine __rpc_co_server_engine;

struct rpc_call_ctx *__rpc_co_call_alloc(void);
void __rpc_co_call_free(struct rpc_call_ctx *call);
/* Unlink call from c's list of calls and free it. */
void __rpc_co_call_unlink_free(struct conn *c, struct rpc_call_ctx *call);
/* c->lock held: send what is queued; the epoll events c needs now. */
void __rpc_co_flush_locked(struct conn *c);
void __rpc_co_update_events(struct conn *c);
/* Queue the encoded PDUs in b (taken over when large) and flush. */
int __rpc_co_send(struct conn *c, struct ndr_buf *b);
/* An answer cannot be queued: end the connection. */
void __rpc_co_abort(struct conn *c);
/* Close the connections whose time-outs passed (the leader only). */
void __rpc_co_reap(struct rpc_server *srv);

/* ---- co_server.c -------------------------------------------------------- */
/* One complete frame of c (the leader, from conn_read). */
void __rpc_co_frame(struct conn *c, uint8_t *buf, size_t len);

/* ---- co_guard.c; srv->lock is not held by the caller of any of these ---- */
int __rpc_guard_init(struct rpc_server *srv);
void __rpc_guard_free(struct rpc_server *srv);
int __rpc_guard_admit(struct rpc_server *srv, struct conn_guard *g, int fd,
		      const struct sockaddr_storage *ss);
void __rpc_guard_release(struct rpc_server *srv, struct conn_guard *g);
/* A kernel connection of uid (lpc_server.c): 0 and *slot to give back to
 * __rpc_guard_uid_put(), or -1 over RPC_SERVER_LIMIT_CONNS_PER_UID. */
int __rpc_guard_uid_get(struct rpc_server *srv, uid_t uid,
			struct guard_addr **slot);
void __rpc_guard_uid_put(struct rpc_server *srv, struct guard_addr *slot);
void __rpc_guard_accept_failed(struct rpc_server *srv, int err);
bool __rpc_guard_tick(struct rpc_server *srv);
int __rpc_guard_expired(const struct srv_guard *gd, const struct conn_guard *g,
			bool bound, bool busy, bool partial, bool sending,
			int64_t now);

/* ---- for the kernel path (lpc_server.c): connections and calls of this
 * engine without a socket ------------------------------------------------ */
struct conn *__rpc_conn_new(struct rpc_server *srv,
			    const struct srv_listener *lst);
void __rpc_conn_set_fd(struct conn *c, int fd);
void __rpc_conn_get(struct conn *c);
/* The last put leaves the association group (rundown of its handles). */
void __rpc_conn_put(struct conn *c);
/* The answer to a bind or alter_context (bind_ack, alter_context_resp
 * or bind_nak), encoded into out; < 0 when there is none to give. */
int __rpc_conn_bind(struct conn *c, const struct rpc_pdu *in,
		    struct ndr_buf *out);
/* A bind_nak with reason (RPC_NAK_*) answering call_id: > 0, or < 0. */
int __rpc_encode_bind_nak(struct ndr_buf *b, uint32_t call_id,
			  uint16_t reason, bool be);
struct rpc_call_ctx *__rpc_call_new(struct conn *c, uint16_t ctx_id,
				    uint16_t opnum, const uint8_t drep[4],
				    const rpc_uuid_t *object,
				    const struct rpc_peer_cred *cred);
void __rpc_call_free(struct rpc_call_ctx *call);

#endif /* LRPC_CO_INT_H */
