/* SPDX-License-Identifier: MIT */
/*
 * What the server runtime's parts share (server_api.c, workers.c,
 * call_ctx.c, assoc_group.c, context_handle.c, mgmt.c) and what engines
 * see of the server.  Includes nothing of engine/ or transport/.
 */
#ifndef LRPC_SERVER_INT_H
#define LRPC_SERVER_INT_H

#include <pthread.h>
#include <stdatomic.h>
#include "runtime/runtime_int.h"
#include "runtime/engine.h"

#define SRV_MAX_IFS		64
#define SRV_MAX_LISTENERS	16
#define SRV_ENDPOINT_MAX	48	/* longest endpoint of any transport:
					   ncalrpc's (RPC_LOCAL_EP_MAX) */
#define SRV_SEC_ADDR_MAX	64	/* RPC_SEC_ADDR_MAX (engine/co/pdu.h) */

/* Raw dispatch (built-in interfaces): append the [out] stub octets. */
typedef int (*rpc_raw_dispatch_fn)(struct rpc_call_ctx *call, uint16_t opnum,
				   const uint8_t *in, size_t inlen,
				   struct ndr_buf *out);

struct srv_if {
	const struct rpc_interface *iface;
	rpc_raw_dispatch_fn raw;	/* ops without a thunk in iface->thunks */
	uint32_t syntaxes;		/* SYN_* */
	rpc_if_callback_fn callback;	/* may refuse a call (auth_api.c) */
	void *callback_arg;
};

/* A call's security, as its engine established it (engine/co/co_sec.h
 * holds it; the call points at it for as long as it runs). */
struct call_auth {
	uint8_t authn_svc;		/* RPC_C_AUTHN_* */
	uint8_t level;			/* RPC_C_AUTHN_LEVEL_* */
	char *principal;		/* the authenticated peer, or NULL */
};

/* verification_trailer.c: take the request's verification trailer off
 * its stub data (call->in.len shrinks; *pad zero octets before it may be
 * alignment): 1, 0 when there is none, -1 when it contradicts the call. */
int __rpc_vt_strip(struct rpc_call_ctx *call, size_t *pad);

/* Whether this build has a provider for authn_svc (auth/auth_registry.c). */
bool __rpc_authn_supported(unsigned int authn_svc);

/* What rpc_server_register_auth_info registered, per provider. */
#define SRV_MAX_AUTH	8
struct srv_auth {
	uint8_t authn_svc;
	char *principal;		/* NULL: any key of the keytab */
	char *keytab;			/* NULL: the default keytab */
};

struct rpc_transport_ops;

/* A listening socket (engine/co/co_conn.c rpc_server_use_protseq). */
struct srv_listener {
	struct rpc_event_source src;	/* in the epoll set */
	int fd;
	const struct rpc_transport_ops *ops;
	char endpoint[SRV_ENDPOINT_MAX + 1];
	char sec_addr[SRV_SEC_ADDR_MAX + 1];
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

/* A caller as the kernel (or SO_PEERCRED) tells it. */
struct rpc_peer_cred {
	pid_t pid;
	uid_t uid;
	gid_t gid;
};

/* What the engine that received a call does with it (call_ctx.c runs
 * it): send the answer, the fault when fault != 0 (dne: the call did
 * not execute; out is NULL then), else the [out] stub data; then done:
 * the call is over, unlink and free it. */
struct rpc_call_ops {
	void (*reply)(struct rpc_call_ctx *call, uint32_t fault, bool dne,
		      const struct ndr_buf *out);
	void (*done)(struct rpc_call_ctx *call);
	/* The caller as a binding (rpc_call_ctx_binding), set in
	 * call->binding, for an engine without a connected socket to ask
	 * (datagrams); NULL: the connection's peer. */
	struct rpc_binding *(*binding)(struct rpc_call_ctx *call);
};

struct conn;

struct rpc_call_ctx {
	struct rpc_call_ctx *next;		/* conn->calls */
	struct rpc_call_ctx *rnext;		/* the leader's ready list */
	struct conn *conn;			/* the engine's connection */
	const struct rpc_call_ops *ops;
	struct rpc_server *srv;
	struct assoc_group *group;		/* its connection's */
	uint32_t call_id;
	uint16_t ctx_id;
	uint16_t opnum;
	uint8_t pfc_flags;		/* of the first fragment */
	uint8_t drep[4];
	bool be;
	bool receiving;			/* still in reassembly */
	bool maybe;
	uint8_t syntax;
	uint32_t fault;			/* preset fault: skip the manager */
	struct srv_if iface;
	rpc_uuid_t object;
	struct ndr_buf in;
	atomic_bool cancelled;
	atomic_bool orphaned;
	struct ndr_arena *arena;		/* &arena_s once used */
	struct ndr_arena arena_s;
	struct rpc_binding *binding;	/* rpc_call_ctx_binding() */
	bool has_cred;			/* kernel path: cred from the message */
	struct rpc_peer_cred cred;
	struct sctx_holds sctx;		/* context handles it uses */
	const struct call_auth *auth;	/* NULL: unauthenticated */
	uint8_t in_pad;			/* alignment before a stripped
					   verification trailer */
};

struct job {
	struct job *next;
	struct rpc_call_ctx *call;
};

struct srv_guard;

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
	struct conn *conns;		/* the CO engine's open connections */
	char *princ_name;
	bool allow_remote_stop;
	int nauth;			/* under lock */
	struct srv_auth auth[SRV_MAX_AUTH];
	uint8_t min_auth_level;		/* rpc_server_set_min_auth_level */
	struct srv_guard *guard;	/* the CO engine's; under lock */

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


/* auth_api.c: a copy of what srv registered for authn_svc (strings
 * strdup'ed, free with __rpc_srv_auth_free), or -rpc_s_unknown_authn_service. */
int __rpc_srv_auth_get(struct rpc_server *srv, uint8_t authn_svc,
		       struct srv_auth *out);
void __rpc_srv_auth_free(struct srv_auth *a);
/* Whether the call may run: its level against the server's minimum,
 * then the interface's callback.  0 or the fault to answer. */
uint32_t __rpc_call_admit(struct rpc_call_ctx *call);

/* call_ctx.c: what context_handle.c needs of a call */
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

/* ---- call_ctx.c: running a call ----------------------------------------- */
/* A fault status for a negative errno or status from the NDR engine. */
uint32_t __rpc_to_fault(int ret);
/* Run call and answer it through call->ops (a worker or the leader). */
void __rpc_call_execute(struct rpc_call_ctx *call);
/* Run the manager: the [out] stub data is appended to out; returns 0 or
 * the fault status (*dne: the call did not execute). */
uint32_t __rpc_call_run(struct rpc_call_ctx *call, const void *in,
			size_t inlen, struct ndr_buf *out, bool *dne);
void __rpc_call_cancel(struct rpc_call_ctx *call);

/* ---- workers.c: the threads and the epoll loop -------------------------- */
/* The leader's complete requests: an engine's ready() adds each call it
 * completed; the leader runs the first itself and queues the rest. */
extern __thread struct rpc_call_ctx *__rpc_ready_head, **__rpc_ready_tail;

static inline void __rpc_ready_add(struct rpc_call_ctx *call)
{
	if (!__rpc_ready_head)
		__rpc_ready_tail = &__rpc_ready_head;
	call->rnext = NULL;
	*__rpc_ready_tail = call;
	__rpc_ready_tail = &call->rnext;
}

/* srv->lock held: one more worker thread. */
void __rpc_workers_spawn_locked(struct rpc_server *srv);
/* After rpc_server_wait saw the stop: wait for the threads and drop the
 * connections (engines' drain). */
void __rpc_workers_teardown(struct rpc_server *srv);

/* ---- server_api.c ------------------------------------------------------ */
/* l was added to srv->listeners (not yet counted): the engines' listen
 * hooks; 0 or < 0. */
int __rpc_server_engines_listen(struct rpc_server *srv, struct srv_listener *l);

#endif
