/* SPDX-License-Identifier: MIT */
/* Server-side internals shared by co_server.c, server.c and mgmt.c. */
#ifndef LRPC_SERVER_INT_H
#define LRPC_SERVER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include <sys/socket.h>
#include "runtime/runtime_int.h"
#include "engine/co/pdu.h"
#include "transport/transport.h"

#define SRV_MAX_IFS		64
#define SRV_MAX_LISTENERS	16
#define CONN_MAX_CTX		64	/* presentation contexts per connection */
#define CONN_MAX_CALLS		256	/* calls receiving or running */
#define CONN_OUTQ_HIGH		(4u << 20)	/* stop reading above this */
#define CALL_MAX_IN		(96u << 20)	/* reassembled request stub */
#define CALL_PREALLOC_MAX	(64u << 10)	/* trust in alloc_hint */
#define CONN_MAX_RX		(128u << 20)	/* request octets held per
						   connection, all calls */
#define SRV_MAX_FRAG		65528	/* largest fragment we accept/send */
#define SRV_ENDPOINT_MAX	48	/* longest endpoint of any transport:
					   ncalrpc's (RPC_LOCAL_EP_MAX) */

/* Raw dispatch (built-in interfaces): append the [out] stub octets. */
typedef int (*rpc_raw_dispatch_fn)(struct rpc_call_ctx *call, uint16_t opnum,
				   const uint8_t *in, size_t inlen,
				   struct ndr_buf *out);

struct srv_if {
	const struct rpc_interface *iface;
	rpc_raw_dispatch_fn raw;	/* ops without a thunk in iface->thunks */
	uint32_t syntaxes;		/* SYN_* */
};

struct srv_listener {
	int tag;			/* epoll tag: TAG_LISTENER */
	int fd;
	const struct rpc_transport_ops *ops;
	char endpoint[SRV_ENDPOINT_MAX + 1];
	char sec_addr[RPC_SEC_ADDR_MAX + 1];
};

/* Connection guards (co_guard.c): time-outs, caps, fd exhaustion. */
#define GUARD_NTIMEOUTS		4	/* enum rpc_server_timeout */
#define GUARD_ADDR_BUCKETS	256
#define GUARD_REFUSING_MAX	64	/* refused, waiting for their bind */
#define GUARD_REFUSE_MS		1000	/* ... for at most this long */
#define GUARD_CALLS_OVER	16	/* refused calls read beyond the cap */

struct guard_addr;

struct conn_guard {			/* in each connection */
	int64_t born_ms;		/* accepted */
	int64_t rx_ms;			/* last octet received */
	int64_t pdu_ms;			/* first octet of the partial PDU */
	int64_t tx_ms;			/* output queued or last drained */
	struct guard_addr *addr;	/* counted against its address/uid */
	bool refused;			/* over the address/uid cap: bind_nak */
};

struct srv_guard {
	int tag;			/* epoll tag: TAG_TIMER */
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

/* Association groups and server context handles (assoc_group.c,
 * context_handle.c); every field under srv->lock. */
struct assoc_group {
	struct assoc_group *next;
	uint32_t id;
	unsigned int nconns;
	struct ctx_handle *handles;	/* open handles */
};

struct ctx_handle {
	struct ctx_handle *next;	/* in its group, while open */
	rpc_uuid_t uuid;
	struct rpc_syntax_id iface;	/* the interface that created it */
	void *user;			/* NULL once closed by a manager */
	rpc_rundown_fn rundown;
	unsigned int refs;		/* its group's while open + holders */
	bool open;
	const struct rpc_call_ctx *owner;	/* the call serialized on it */
	pthread_cond_t cv;		/* owner gone, or closed */
};

/* The context handles one call holds until it ends. */
#define CALL_MAX_SCTX		8
struct sctx_holds {
	unsigned int n;
	struct ctx_handle *h[CALL_MAX_SCTX];
};

struct job {
	struct job *next;
	struct rpc_call_ctx *call;
};

struct rpc_server {
	pthread_mutex_t lock;
	int epfd;
	int evfd;
	int nlisteners;
	struct srv_listener listeners[SRV_MAX_LISTENERS];
	int nifs;
	struct srv_if ifs[SRV_MAX_IFS];
	struct assoc_group *groups;
	uint32_t next_group;
	unsigned int ngroups, nhandles, nconns;
	struct conn *conns;		/* all open connections */
	char *princ_name;
	bool allow_remote_stop;
	struct srv_guard guard;		/* under lock */

	/* worker pool */
	pthread_cond_t work_cv;
	pthread_cond_t idle_cv;
	struct job *jq_head, *jq_tail;
	unsigned int nthreads, nidle, max_threads, jq_len;
	bool leader;			/* a thread holds the leadership */
	bool lead_exec;			/* ... and runs a call, since: */
	int64_t lead_exec_since;	/* CLOCK_MONOTONIC ns */
	int64_t last_exec;
	unsigned int lead_gen;		/* bumped when a standby takes over */
	bool standby, standby_idle;
	pthread_cond_t standby_cv;
	atomic_uint running;		/* calls executing */

	bool loop_started;
	atomic_bool stop;
	atomic_bool listening;

	atomic_uint_fast64_t calls_in, calls_out, pkts_in, pkts_out;
};

/* The mgmt interface every server answers: generated from idl/mgmt.idl
 * (lib/stubs.mk), manager routines in mgmt.c. */
extern const struct rpc_interface mgmt_v1_0_s_ifspec;
int __rpc_server_register_raw(struct rpc_server *srv,
			      const struct rpc_interface *iface,
			      rpc_raw_dispatch_fn raw, uint32_t syntaxes);
void __rpc_server_if_ids(struct rpc_server *srv, struct rpc_syntax_id *ids,
			 int *n, int max);


/* co_server.c: what context_handle.c needs of a call */
struct assoc_group *__rpc_call_group(const struct rpc_call_ctx *call);
struct sctx_holds *__rpc_call_holds(struct rpc_call_ctx *call);
const struct rpc_interface *__rpc_call_iface(const struct rpc_call_ctx *call);

/* assoc_group.c: join (id 0: a new group) or NULL; leave runs the group's
 * handles down when its last connection goes; free_all at server free. */
struct assoc_group *__rpc_group_join(struct rpc_server *srv, uint32_t id);
void __rpc_group_leave(struct rpc_server *srv, struct assoc_group *g);
void __rpc_group_free_all(struct rpc_server *srv);

/* context_handle.c: drop what call holds (at its end; again is harmless);
 * close a group's handles (srv->lock held), returning those whose last
 * reference that was, for __rpc_sctx_rundown() outside the lock. */
void __rpc_sctx_release_call(struct rpc_call_ctx *call);
struct ctx_handle *__rpc_sctx_close_group_locked(struct rpc_server *srv,
						 struct assoc_group *g);
void __rpc_sctx_rundown(struct ctx_handle *list, bool run);

/* co_guard.c; srv->lock is not held by the caller of any of these */
int __rpc_guard_init(struct rpc_server *srv, int tag);
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
#endif
