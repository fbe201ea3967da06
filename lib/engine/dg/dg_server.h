/* SPDX-License-Identifier: MIT */
/*
 * The connectionless server engine ([C706] chapter 10, 12.5), what its
 * files share: dg_server.c (engine hooks, the socket, the PDUs a client
 * sends), dg_server_reply.c (the calls: running them, the response
 * cache, its fragments, facks and retransmissions), dg_activity.c (the
 * activity table: lookup, caps, ageing, the groups by client address),
 * dg_server_conv.c (the conversation-manager callback).
 *
 * One mutex, dg->lock, guards the table and every activity in it: the
 * leader takes it per datagram, a worker to answer its call, the timer
 * to retransmit and to age.  It is never held while a manager runs, and
 * srv->lock is never taken under it.
 */
#ifndef LRPC_ENGINE_DG_SERVER_H
#define LRPC_ENGINE_DG_SERVER_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include "engine/dg/dg_pdu.h"
#include "runtime/server_int.h"

/* ---- bounds ------------------------------------------------------------ */
#define DG_ACT_MAX		4096	/* activities known at once */
#define DG_ACT_HASH		4096	/* buckets (a power of two) */
#define DG_ACT_IN_MAX		(32u << 20)	/* one call's [in] octets */
#define DG_TOTAL_MAX		(256u << 20)	/* all reassemblies and
						   cached responses */
#define DG_RECV_IDLE_MS		30000	/* a half-received call */
#define DG_CACHE_MS		30000	/* an unacknowledged response */
#define DG_IDEM_CACHE_MS	3000	/* ... of an idempotent call */
#define DG_ACT_IDLE_MS		180000	/* an activity with nothing going */
#define DG_TICK_MS		100	/* the timer */
#define DG_RTO_MS		300	/* first retransmission of a response
					   fragment nobody facked */
#define DG_RTO_MAX_MS		4000
#define DG_RETRIES_MAX		12	/* then wait for a ping */
#define DG_WINDOW_INIT		8	/* response fragments before a fack */
#define DG_WINDOW_MAX		64
#define DG_WINDOW_KB		64	/* what our facks offer */
#define DG_PEER_HASH		256
#define DG_CONV_MAX		128	/* conversation callbacks at once */
#define DG_CONV_TIMEOUT_MS	3000	/* one callback, at most */

/*
 * A client address (its socket): the association group of the context
 * handles its calls create, as the connection-oriented engine has one
 * per association.  It lives while an activity from that address does,
 * so its handles run down once the client has been silent for
 * DG_ACT_IDLE_MS (or crowded out of the table).
 */
struct dg_peer {
	struct dg_peer *next;
	struct sockaddr_storage addr;
	socklen_t len;
	struct assoc_group *group;
	unsigned int refs;		/* activities */
};

enum dg_act_state {
	DG_A_IDLE,		/* no call, or its answer forgotten */
	DG_A_RECV,		/* request fragments arriving */
	DG_A_RUNNING,		/* the manager runs (a->call) */
	DG_A_DONE,		/* answered: the answer cached (or none:
				   [maybe]) until an ack or a time-out */
};

struct dg_srv_act {
	struct dg_srv_act *hnext;		/* bucket */
	struct dg_srv_act *lprev, *lnext;	/* least recently used first */
	rpc_uuid_t id;
	uint16_t hint;			/* its bucket: our ahint */
	int fd;				/* the socket it came through */
	struct sockaddr_storage peer;
	socklen_t plen;
	struct dg_peer *pg;		/* its group, from its first call */
	enum dg_act_state state;
	bool have_seq;
	bool verified;			/* we know its sequence numbers: a
					   call of it ran, or the client
					   told us (conv callback) */
	uint32_t seq;			/* of its current (or last) call */
	struct dg_hdr req;		/* first fragment's header */
	struct dg_reasm rs;		/* DG_A_RECV, fragmented */
	bool rs_live;
	struct rpc_call_ctx *call;	/* DG_A_RUNNING */
	/* the answer: ptype RESPONSE, FAULT or REJECT; body octets */
	uint8_t rtype;			/* 0: none ([maybe]) */
	uint8_t *resp;
	size_t rlen;
	uint32_t nfrags;
	uint8_t *acked;			/* nfrags bits */
	uint16_t *sent_serial;		/* per fragment: its last serial */
	uint32_t una;			/* first fragment not acknowledged */
	uint32_t next;			/* first fragment never sent */
	uint32_t window;		/* fragments in flight at most */
	bool inflight;			/* fragments sent, not all facked
					   (counted in dg->nflight) */
	unsigned int retries;
	int64_t sent_ms, rto_ms;
	uint16_t serial;		/* of the next datagram we send */
	int64_t last_ms;		/* last datagram from the client */
	int64_t done_ms;
	size_t bytes;			/* counted in dg->bytes */
};

struct dg_stats {
	atomic_uint_fast64_t malformed;		/* dropped: undecodable */
	atomic_uint_fast64_t stale;		/* dropped: an older call */
	atomic_uint_fast64_t refused;		/* table or memory full */
	atomic_uint_fast64_t dup_requests;	/* not run again */
	atomic_uint_fast64_t resent;		/* response fragments */
	atomic_uint_fast64_t evicted;		/* activities forgotten early */
	atomic_uint_fast64_t executed;		/* calls handed to a manager */
	atomic_uint_fast64_t conv_calls;	/* callbacks asked */
	atomic_uint_fast64_t conv_failed;	/* ... and not answered */
};

struct dg_srv {
	struct dg_srv *next;		/* every server with a dg listener */
	struct rpc_server *srv;
	pthread_mutex_t lock;
	uint32_t boot;			/* server boot time, in every PDU */
	struct rpc_event_source timer_src;
	int tfd;
	struct conn *conn;		/* what call->conn points at */
	/* the association groups (context handles) by client address */
	struct dg_peer *peers[DG_PEER_HASH];
	struct dg_srv_act *hash[DG_ACT_HASH];
	struct dg_srv_act *lru_head, *lru_tail;
	unsigned int nacts;
	unsigned int nflight;		/* activities with fragments in flight */
	size_t bytes;			/* reassemblies, cached answers */
	size_t call_bytes;		/* request bodies of running calls */
	unsigned int nconv;		/* callback threads */
	struct dg_conv_wait *conv_waits;	/* their callbacks */
	pthread_cond_t conv_cv;		/* one ended */
	/* Tests only: no conv callback, a client's word is taken (the raw
	 * datagram tests of dg_server_test.c do not answer callbacks) */
	atomic_bool no_callback;
	struct dg_stats st;
};

/* A conversation-manager callback waiting for its answer (on its own
 * thread's stack; dg->conv_waits, under dg->lock). */
struct dg_conv_wait {
	struct dg_conv_wait *next;
	rpc_uuid_t act;			/* the callback's own activity */
	uint32_t seq;			/* ... and sequence number */
	struct sockaddr_storage to;	/* the client called back */
	pthread_cond_t cv;		/* an answer came */
	uint8_t ptype;			/* of the answer; 0: none yet */
	bool be;
	uint16_t len;
	uint8_t body[32];		/* the longest conv answer: 24 */
};

/* A call of this engine: the runtime's call and where to answer it. */
struct dg_call {
	struct rpc_call_ctx c;
	struct dg_srv *dg;
	struct dg_srv_act *act;
	uint8_t *in;			/* the request body (c.in borrows it) */
	size_t inlen;			/* counted in dg->call_bytes */
	struct sockaddr_storage peer;	/* the client: rpc_call_ctx_binding */
};

/* ---- dg_activity.c ------------------------------------------------------ */
/* dg->lock held for all of these. */
struct dg_srv_act *__rpc_dg_act_find(struct dg_srv *dg, const rpc_uuid_t *id);
/* A new activity (evicting the least recently used idle one when the
 * table is full), or NULL when it cannot be had. */
struct dg_srv_act *__rpc_dg_act_new(struct dg_srv *dg, const rpc_uuid_t *id);
/* Traffic from a's client: it is the most recently used. */
void __rpc_dg_act_touch(struct dg_srv *dg, struct dg_srv_act *a, int64_t now);
/* The association group of a's calls (its client address's), or NULL
 * (out of memory). */
struct assoc_group *__rpc_dg_act_group(struct dg_srv *dg, struct dg_srv_act *a);
/* Forget a's reassembly and its cached answer (not its sequence number). */
void __rpc_dg_act_clear(struct dg_srv *dg, struct dg_srv_act *a);
/* Octets held by a changed by delta (reassembly or cache). */
void __rpc_dg_act_account(struct dg_srv *dg, struct dg_srv_act *a, ssize_t delta);
/* The timer: retransmit, forget what aged. */
void __rpc_dg_act_age(struct dg_srv *dg, int64_t now);
/* Free every activity (no call runs any more). */
void __rpc_dg_act_free_all(struct dg_srv *dg);

/* ---- dg_server_reply.c ------------------------------------------------- */
/* dg->lock held: send one datagram of ptype about a's current call. */
void __rpc_dg_send(struct dg_srv *dg, struct dg_srv_act *a, uint8_t ptype,
		   uint8_t flags1, uint16_t fragnum, const uint8_t *body,
		   size_t n);
/* dg->lock held: answer a's call with status (a fault, or a reject for
 * the [C706] communication statuses) and cache it. */
void __rpc_dg_answer_status(struct dg_srv *dg, struct dg_srv_act *a,
			    uint32_t status);
/* dg->lock held: (re)send response fragments from a->una, a window. */
void __rpc_dg_resend(struct dg_srv *dg, struct dg_srv_act *a, int64_t now);
/* dg->lock held: a fack for a's response. */
void __rpc_dg_fack_in(struct dg_srv *dg, struct dg_srv_act *a,
		      const struct dg_hdr *h, const uint8_t *body, size_t n,
		      int64_t now);
/* a's complete request body (malloc'ed, taken): a call for the leader's
 * ready list, or NULL with the answer sent (unknown interface ...).
 * dg->lock held. */
struct rpc_call_ctx *__rpc_dg_call_new(struct dg_srv *dg, struct dg_srv_act *a,
				       uint8_t *body, size_t len);
void __rpc_dg_call_free(struct rpc_call_ctx *call);

/* ---- dg_server.c ------------------------------------------------------- */
/* The engine's state of srv, or NULL (tests read its counters). */
struct dg_srv *__rpc_dg_srv_of(struct rpc_server *srv);

/* ---- dg_server_conv.c -------------------------------------------------- */
/* Ask the client at peer, from the server's socket fd, for activity
 * act's current sequence number (conv_who_are_you2, else
 * conv_who_are_you): 0 with *seq, or < 0 (-ETIMEDOUT: no answer in
 * DG_CONV_TIMEOUT_MS; or its status: nca_s_bad_actid,
 * nca_s_wrong_boot_time ...).  Blocks; the leader routes the answer. */
int __rpc_dg_conv_ask(struct dg_srv *dg, int fd,
		      const struct sockaddr_storage *peer, socklen_t plen,
		      const rpc_uuid_t *act, uint32_t *seq);
/* dg->lock held: a server's PDU (h, body) came from `from` to a server
 * socket: true when it answers a waiting callback (taken), false when
 * it is nobody's. */
bool __rpc_dg_conv_in(struct dg_srv *dg, const struct sockaddr_storage *from,
		      const struct dg_hdr *h, const uint8_t *body);
/* Run call (a's, unverified) once its client vouched for it, on a thread
 * of its own; false when too many callbacks wait already. */
bool __rpc_dg_conv_start(struct dg_srv *dg, struct rpc_call_ctx *call,
			 struct dg_srv_act *a);

extern const struct rpc_server_engine __rpc_dg_server_engine;

#endif /* LRPC_ENGINE_DG_SERVER_H */
