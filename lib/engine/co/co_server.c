// SPDX-License-Identifier: MIT
/*
 * Connection-oriented server engine.  A pool of threads (leader/follower,
 * up to max_calls) shares one level-triggered epoll set: the leader reads
 * and frames the PDUs of every connection (non-blocking), answers binds
 * inline, and runs a complete request itself; a standby takes the
 * leadership over if that call takes long (see "Threads" below).  Responses go to a per-connection output queue that
 * the calling thread flushes, or the leader drains on EPOLLOUT; a
 * connection whose queue is large or that has too many calls running is
 * not read from until it drains, so a slow or hostile client only delays
 * itself.
 *
 * Locks, in the order they nest: a connection's c->bind_lock (the kernel
 * path's binds, one at a time), srv->lock, then c->lock (reap_expired and
 * teardown walk srv->conns and look into each connection).  Nothing takes
 * srv->lock while it holds a c->lock: a bind looks up interfaces and
 * association groups (srv->lock) first and takes c->lock only to install
 * the result.  lpc_server.c's locks are never taken under either.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include "runtime/server_int.h"
#include "engine/lpc/lpc_int.h"
#include "ndr/spare.h"
#include "ndr/buf.h"

enum { TAG_LISTENER = 1, TAG_CONN, TAG_EVENT, TAG_TIMER };

struct outbuf {
	struct outbuf *next;
	size_t len, off;
	struct ndr_buf big;	/* a large buffer taken over, else data[] */
	uint8_t data[];
};

static void outbuf_free(struct outbuf *o)
{
	__ndr_buf_free(&o->big);
	free(o);
}

struct pctx_entry {
	uint16_t ctx_id;
	uint8_t syntax;			/* enum ndr_syntax */
	const struct srv_if *ifp;	/* snapshot at bind time */
	struct srv_if iface;
};

struct rpc_call_ctx {
	struct rpc_call_ctx *next;		/* conn->calls */
	struct rpc_call_ctx *rnext;		/* the leader's ready list */
	struct conn *conn;
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
};

struct conn {
	int tag;			/* TAG_CONN */
	struct conn *next, *prev;	/* srv->conns, under srv->lock */
	struct rpc_server *srv;
	const struct srv_listener *lst;
	int fd;
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

static void conn_put(struct conn *c);
static void conn_update_events(struct conn *c);
static void submit(struct rpc_server *srv, struct rpc_call_ctx *call);

/* ---- call helpers for managers ----------------------------------------- */

int rpc_call_ctx_syntax(const struct rpc_call_ctx *call)
{
	return call->syntax;
}

bool rpc_call_ctx_big_endian(const struct rpc_call_ctx *call)
{
	return call->be;
}

bool rpc_call_ctx_cancelled(const struct rpc_call_ctx *call)
{
	return atomic_load(&call->cancelled);
}

void rpc_call_ctx_object(const struct rpc_call_ctx *call, rpc_uuid_t *obj)
{
	*obj = call->object;
}

struct rpc_server *rpc_call_ctx_server(const struct rpc_call_ctx *call)
{
	return call->conn->srv;
}

uint16_t rpc_call_ctx_opnum(const struct rpc_call_ctx *call)
{
	return call->opnum;
}

/* For context_handle.c */
struct assoc_group *__rpc_call_group(const struct rpc_call_ctx *call)
{
	return call->conn->group;
}

struct sctx_holds *__rpc_call_holds(struct rpc_call_ctx *call)
{
	return &call->sctx;
}

const struct rpc_interface *__rpc_call_iface(const struct rpc_call_ctx *call)
{
	return call->iface.iface;
}

/* The call this thread executes, and a fault its manager asked for. */
static __thread struct rpc_call_ctx *cur_call;
static __thread bool cur_fault_set;
static __thread uint32_t cur_fault;

struct rpc_call_ctx *rpc_call_ctx_current(void)
{
	return cur_call;
}

void rpc_server_fault(uint32_t status)
{
	cur_fault_set = true;
	cur_fault = status;
}

static struct ndr_arena *call_arena(struct rpc_call_ctx *call)
{
	if (!call->arena) {
		ndr_arena_init(&call->arena_s, 0);
		call->arena = &call->arena_s;
	}
	return call->arena;
}

void *rpc_ss_allocate(size_t size)
{
	struct ndr_arena *a;

	if (!cur_call)
		return NULL;
	a = call_arena(cur_call);
	return a ? ndr_arena_alloc(a, size ? size : 1) : NULL;
}

handle_t rpc_call_ctx_binding(struct rpc_call_ctx *call)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	char host[INET6_ADDRSTRLEN], s[INET6_ADDRSTRLEN + 40];
	unsigned int port;

	if (call->binding)
		return call->binding;
	if (call->conn->lst->ops == &__rpc_transport_unix) {
		snprintf(s, sizeof(s), "ncalrpc:[%s]", call->conn->lst->endpoint);
		if (rpc_binding_from_string(s, &call->binding) < 0)
			call->binding = NULL;
		return call->binding;
	}
	if (getpeername(call->conn->fd, (struct sockaddr *)&ss, &sl))
		return NULL;
	if (ss.ss_family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;

		inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
		port = ntohs(a->sin6_port);
	} else if (ss.ss_family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&ss;

		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		port = ntohs(a->sin_port);
	} else {
		return NULL;
	}
	snprintf(s, sizeof(s), "%s:%s[%u]", call->conn->lst->ops->protseq,
		 host, port);
	if (rpc_binding_from_string(s, &call->binding) < 0)
		call->binding = NULL;
	return call->binding;
}

/* A released call context is kept per thread (spare.h). */
__rpc_hot static struct rpc_call_ctx *call_alloc(void)
{
	struct rpc_call_ctx *call = __lrpc_spare_take(LRPC_SPARE_CALL);

	if (!call)
		return calloc(1, sizeof(*call));
	memset(call, 0, sizeof(*call));
	return call;
}

__rpc_hot static void call_free(struct rpc_call_ctx *call)
{
	__rpc_sctx_release_call(call);
	atomic_fetch_sub(&call->conn->rx_bytes, call->in.len);
	__ndr_buf_free(&call->in);
	if (call->arena)
		ndr_arena_release(call->arena);
	rpc_binding_free(call->binding);
	if (!__lrpc_spare_keep(LRPC_SPARE_CALL, call))
		free(call);
}

/* ---- output -------------------------------------------------------------- */

/* c->lock held. */
static void conn_flush_locked(struct conn *c)
{
	while (c->oq_head && !c->closing) {
		struct outbuf *o = c->oq_head;
		ssize_t r = send(c->fd, (o->big.data ? o->big.data : o->data) +
				 o->off, o->len - o->off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN) {
				shutdown(c->fd, SHUT_RDWR);	/* loop sees EOF */
				c->close_after_flush = false;
			}
			break;
		}
		o->off += (size_t)r;
		c->oq_bytes -= (size_t)r;
		c->g.tx_ms = __rpc_now_ms();
		if (o->off == o->len) {
			c->oq_head = o->next;
			if (!c->oq_head)
				c->oq_tail = NULL;
			outbuf_free(o);
		}
	}
	if (!c->oq_head && c->close_after_flush)
		shutdown(c->fd, SHUT_RDWR);
	conn_update_events(c);
}

/*
 * Queue the encoded PDUs in b (c->lock held), then flush.  A large b is
 * taken over (b is left empty): it is a mapping (ndr/buf.h), unmapped
 * when sent or when the connection goes.
 */
static int conn_queue_locked(struct conn *c, struct ndr_buf *b)
{
	bool take = b->cap >= NDR_BUF_MAP_MIN;
	struct outbuf *o;

	if (c->closing)
		return -ECONNRESET;
	o = malloc(sizeof(*o) + (take ? 0 : b->len));
	if (!o)
		return -ENOMEM;
	o->len = b->len;
	if (take) {
		o->big = *b;
		b->data = NULL;
		b->len = b->cap = 0;
	} else {
		memset(&o->big, 0, sizeof(o->big));
		memcpy(o->data, b->data, b->len);
	}
	o->off = 0;
	o->next = NULL;
	if (!c->oq_head)
		c->g.tx_ms = __rpc_now_ms();	/* the send time-out starts */
	if (c->oq_tail)
		c->oq_tail->next = o;
	else
		c->oq_head = o;
	c->oq_tail = o;
	c->oq_bytes += o->len;
	atomic_fetch_add(&c->srv->pkts_out, 1);
	conn_flush_locked(c);
	return 0;
}

static int conn_send(struct conn *c, struct ndr_buf *b)
{
	int ret;

	pthread_mutex_lock(&c->lock);
	ret = conn_queue_locked(c, b);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* rpc_server_set_limit may change it while connections run */
static unsigned int guard_max_calls(struct rpc_server *srv)
{
	return __atomic_load_n(&srv->guard.max_calls, __ATOMIC_RELAXED);
}

/* c->lock held. */
static void conn_update_events(struct conn *c)
{
	uint32_t ev = 0;
	struct epoll_event e;

	if (c->closing)
		return;
	/* over the calls cap a few more are read, to be refused */
	if (c->oq_bytes < CONN_OUTQ_HIGH &&
	    c->ncalls < guard_max_calls(c->srv) + GUARD_CALLS_OVER &&
	    !c->close_after_flush)
		ev |= EPOLLIN;
	if (c->oq_head)
		ev |= EPOLLOUT;
	if (ev == c->events)
		return;
	c->events = ev;
	e.events = ev | EPOLLRDHUP;
	e.data.ptr = c;
	epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->fd, &e);
}

/* An answer cannot be queued: end the connection (the loop sees EOF and
 * closes it), so the client does not wait for what will never come. */
static void conn_abort(struct conn *c)
{
	pthread_mutex_lock(&c->lock);
	if (!c->closing)
		shutdown(c->fd, SHUT_RDWR);
	pthread_mutex_unlock(&c->lock);
}

static void send_fault(struct conn *c, uint32_t call_id, uint16_t ctx_id,
		       uint32_t status, bool did_not_execute, bool be)
{
	struct rpc_pdu pdu;
	struct rpc_co_enc e = {
		.ptype = RPC_PT_FAULT,
		.pfc_flags = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG |
			     (did_not_execute ? RPC_PFC_DID_NOT_EXECUTE : 0),
		.big_endian = be,
		.call_id = call_id,
	};
	struct ndr_buf b = { 0 };

	int ret = -ENOMEM;

	memset(&pdu, 0, sizeof(pdu));
	pdu.response.ctx_id = ctx_id;
	pdu.response.status = status;
	if (__rpc_co_encode(&b, &e, &pdu) > 0)
		ret = conn_send(c, &b);
	__ndr_buf_free(&b);
	atomic_fetch_add(&c->srv->calls_out, 1);
	if (ret < 0)
		conn_abort(c);
}

/* A protocol error: tell the peer (when there is a call to blame) and
 * close once the fault is out. */
static void proto_error(struct conn *c, uint32_t call_id, bool be)
{
	send_fault(c, call_id, 0, nca_s_proto_error, true, be);
	pthread_mutex_lock(&c->lock);
	c->close_after_flush = true;
	conn_flush_locked(c);
	pthread_mutex_unlock(&c->lock);
}

/* ---- worker side: execute a call ------------------------------------- */

static uint32_t to_fault(int ret)
{
	uint32_t v = (uint32_t)-ret;

	if (v >= 1700)
		return v;
	switch (-v) {
	case -ENOMEM:
		return nca_s_fault_remote_no_memory;
	case -E2BIG:
		return nca_s_out_args_too_big;
	case -ECANCELED:
		return nca_s_fault_cancel;
	case -EINVAL:
		return rpc_x_bad_stub_data;
	}
	return nca_s_fault_unspec;
}

/*
 * Unmarshal, run the thunk, marshal.  Returns 0, or -1 with *fault set.
 * Statuses that managers (rpc_server_fault) and thunks (negative
 * returns) give travel verbatim, even small ones that look like errno;
 * only -ENOMEM from a thunk (its runtime helpers) is mapped.
 */
__rpc_hot static int run_thunk(struct rpc_call_ctx *call, struct ndr_buf *out,
		     uint32_t *fault)
{
	const struct rpc_interface *s = call->iface.iface;
	const struct ndr_proc *proc = &s->procs[call->opnum];
	struct ndr_arena *arena;
	void **args;
	ssize_t n;
	int ret;

	*fault = 0;
	if (!s->thunks[call->opnum]) {
		*fault = nca_s_op_rng_error;
		return -1;
	}
	arena = call_arena(call);
	args = arena ? ndr_arena_alloc(arena, (proc->nparams + 1) *
				       sizeof(void *)) : NULL;
	if (args && proc->ret)
		args[proc->nparams] = ndr_arena_alloc(arena, proc->ret->size ?
						      proc->ret->size : 8);
	if (!args || (proc->ret && !args[proc->nparams])) {
		*fault = nca_s_fault_remote_no_memory;
		return -1;
	}
	ret = ndr_unmarshal_call(proc, NDR_DIR_IN, args, call->syntax,
				 call->drep, call->in.data, call->in.len, arena);
	if (ret < 0) {
		*fault = to_fault(ret);
		return -1;
	}
	cur_fault_set = false;
	ret = s->thunks[call->opnum](args, call);
	if (ret < 0) {
		*fault = ret == -ENOMEM ? nca_s_fault_remote_no_memory
					: (uint32_t)-ret;
		return -1;
	}
	if (cur_fault_set) {
		*fault = cur_fault ? cur_fault : nca_s_fault_unspec;
		return -1;
	}
	n = ndr_marshal_call(proc, NDR_DIR_OUT, args, call->syntax,
			     call->be ? NDR_F_BIG_ENDIAN : 0, out);
	if (n < 0) {
		*fault = to_fault((int)n);
		return -1;
	}
	return 0;
}

static void send_response(struct rpc_call_ctx *call, const struct ndr_buf *out)
{
	struct conn *c = call->conn;
	struct ndr_buf b = { 0 };
	size_t chunk, off = 0, npdus = 0;
	int ret = 0;

	/* stub octets per fragment: a multiple of 8; all fragments are
	 * queued as one buffer */
	chunk = ((size_t)c->max_xmit - RPC_RESPONSE_HDR_LEN) & ~(size_t)7;
	do {
		size_t n = out->len - off < chunk ? out->len - off : chunk;
		struct rpc_pdu pdu;
		struct rpc_co_enc e = {
			.ptype = RPC_PT_RESPONSE,
			.pfc_flags = (off ? 0 : RPC_PFC_FIRST_FRAG) |
				     (off + n == out->len ? RPC_PFC_LAST_FRAG : 0),
			.big_endian = call->be,
			.call_id = call->call_id,
		};

		memset(&pdu, 0, offsetof(struct rpc_pdu, bind) +
		       sizeof(pdu.response));
		pdu.response.alloc_hint = (uint32_t)(out->len - off);
		pdu.response.ctx_id = call->ctx_id;
		pdu.stub = out->data + off;
		pdu.stub_len = n;
		ret = __rpc_co_encode(&b, &e, &pdu);
		if (ret < 0)
			break;
		off += n;
		npdus++;
	} while (off < out->len);
	/* conn_send() counts one PDU; all or nothing of b is queued */
	if (ret >= 0)
		ret = conn_send(c, &b);
	if (!ret && npdus > 1)
		atomic_fetch_add(&c->srv->pkts_out, npdus - 1);
	__ndr_buf_free(&b);
	/* nothing of the answer was queued (out of memory encoding or
	 * queueing it): a fault instead, or the connection ends */
	if (ret < 0)
		send_fault(c, call->call_id, call->ctx_id, to_fault(ret),
			   false, call->be);
	else
		atomic_fetch_add(&c->srv->calls_out, 1);
}

/* Run the manager of call: 0 or the fault to send (*dnep: it did not
 * execute). */
__rpc_hot static uint32_t run_call(struct rpc_call_ctx *call, struct ndr_buf *out,
			 bool *dnep)
{
	const struct rpc_interface *s = call->iface.iface;
	uint32_t fault = call->fault;
	bool dne = fault != 0;
	int ret;

	if (!fault && call->opnum >= s->nprocs) {
		fault = nca_s_op_rng_error;
		dne = true;
	}
	if (!fault) {
		cur_call = call;
		/* an interface with thunks may leave single operations
		 * to its raw dispatch (a NULL thunk) */
		if (call->iface.raw && (!s->thunks || !s->thunks[call->opnum])) {
			ret = call->iface.raw(call, call->opnum, call->in.data,
					      call->in.len, out);
			if (ret < 0)
				fault = to_fault(ret);
		} else {
			run_thunk(call, out, &fault);
		}
		cur_call = NULL;
		/* [out] values are marshalled: the next call on a handle
		 * may run */
		__rpc_sctx_release_call(call);
		if (fault == nca_s_op_rng_error)
			dne = true;
	}
	if (fault && atomic_load(&call->cancelled) &&
	    fault == nca_s_fault_unspec)
		fault = nca_s_fault_cancel;
	*dnep = dne;
	return fault;
}

/* Unlink call from c's list of calls and free it. */
static void call_unlink_free(struct conn *c, struct rpc_call_ctx *call)
{
	struct rpc_call_ctx **pp;

	pthread_mutex_lock(&c->lock);
	for (pp = &c->calls; *pp; pp = &(*pp)->next)
		if (*pp == call) {
			*pp = call->next;
			c->ncalls--;
			break;
		}
	conn_update_events(c);
	pthread_mutex_unlock(&c->lock);
	call_free(call);
}

static void execute_call(struct rpc_call_ctx *call);

static void execute(struct rpc_call_ctx *call)
{
	struct rpc_server *srv = call->conn->srv;

	atomic_fetch_add(&srv->running, 1);
	execute_call(call);
	atomic_fetch_sub(&srv->running, 1);
}

static void execute_call(struct rpc_call_ctx *call)
{
	struct conn *c = call->conn;
	struct ndr_buf out = { 0 };
	bool dne;
	uint32_t fault = run_call(call, &out, &dne);

	if (atomic_load(&call->orphaned) || call->maybe) {
		/* nobody waits for this answer */
	} else if (fault) {
		send_fault(c, call->call_id, call->ctx_id, fault, dne, call->be);
	} else {
		send_response(call, &out);
	}
	__ndr_buf_free(&out);

	call_unlink_free(c, call);
	conn_put(c);
}

/*
 * Threads: leader/follower with lazy hand-off.  One thread at a time (the
 * leader) waits in epoll_wait() and reads; a complete request it runs
 * itself, at once, and then goes on leading: a short call costs no
 * thread switch at all.  A standby thread watches: when the leader's
 * call has run for LEAD_TAKEOVER_NS, the standby takes the leadership
 * (the epoll set and the reading) and the old leader, once its call is
 * done, becomes a follower.  So a long or blocking call delays other
 * connections by about that much, never more.  The standby ticks every
 * millisecond only within a second of the last call; idle, it sleeps.
 * The epoll set is level-triggered, so a new leader sees whatever the
 * old one did not read.  Calls that cannot start at once (more than one
 * request read in one go) are queued for the followers.
 */
#define LEAD_TAKEOVER_NS	(2 * 1000000LL)

static int64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void *srv_thread(void *arg);

/* srv->lock held */
static void spawn_locked(struct rpc_server *srv)
{
	pthread_t t;
	pthread_attr_t a;

	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 256 << 10);
	if (!pthread_create(&t, &a, srv_thread, srv))
		srv->nthreads++;
	pthread_attr_destroy(&a);
}

/* Queue a call for the next free thread. */
static void submit(struct rpc_server *srv, struct rpc_call_ctx *call)
{
	struct job *j = calloc(1, sizeof(*j));

	if (!j) {
		send_fault(call->conn, call->call_id, call->ctx_id,
			   nca_s_server_too_busy, true, call->be);
		call->maybe = true;	/* unlink and drop */
		call->fault = nca_s_server_too_busy;
		execute(call);
		return;
	}
	j->call = call;
	pthread_mutex_lock(&srv->lock);
	if (srv->jq_tail)
		srv->jq_tail->next = j;
	else
		srv->jq_head = j;
	srv->jq_tail = j;
	srv->jq_len++;
	/* idle threads may not have woken for earlier jobs yet */
	if (srv->jq_len > srv->nidle && srv->nthreads < srv->max_threads)
		spawn_locked(srv);
	pthread_cond_signal(&srv->work_cv);
	pthread_mutex_unlock(&srv->lock);
}

/* The leader's complete requests, from conn_read(). */
static __thread struct rpc_call_ctx *ready_head, **ready_tail;

static void ready_add(struct rpc_call_ctx *call)
{
	if (!ready_head)
		ready_tail = &ready_head;
	call->rnext = NULL;
	*ready_tail = call;
	ready_tail = &call->rnext;
}

static void accept_conns(struct rpc_server *srv, struct srv_listener *l);
static bool conn_read(struct conn *c);
static void conn_close(struct conn *c);
static void reap_expired(struct rpc_server *srv);

/* Lead until the server stops (false) or a standby takes the leadership
 * while this thread runs a call (true). */
static bool lead(struct rpc_server *srv)
{
	struct epoll_event ev[64];

	while (!atomic_load(&srv->stop)) {
		int n = epoll_wait(srv->epfd, ev, 64, -1), i;

		for (i = 0; i < n && !ready_head; i++) {
			int tag = *(int *)ev[i].data.ptr;
			struct conn *c;
			bool ok = true;

			if (tag == TAG_LISTENER) {
				accept_conns(srv, ev[i].data.ptr);
				continue;
			}
			if (tag == TAG_TIMER) {
				if (__rpc_guard_tick(srv))
					reap_expired(srv);
				continue;
			}
			if (tag != TAG_CONN)
				continue;
			c = ev[i].data.ptr;
			if (ev[i].events & EPOLLOUT) {
				pthread_mutex_lock(&c->lock);
				conn_flush_locked(c);
				pthread_mutex_unlock(&c->lock);
			}
			if (ev[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP |
					    EPOLLERR))
				ok = conn_read(c);
			if (ev[i].events & (EPOLLHUP | EPOLLERR))
				ok = false;
			if (!ok)
				conn_close(c);
		}
		if (ready_head) {
			struct rpc_call_ctx *call = ready_head, *more;
			unsigned int gen;
			bool taken;

			more = call->rnext;
			ready_head = NULL;
			while (more) {
				struct rpc_call_ctx *m = more;

				more = m->rnext;
				submit(srv, m);
			}
			pthread_mutex_lock(&srv->lock);
			gen = srv->lead_gen;
			srv->lead_exec = true;
			srv->lead_exec_since = mono_ns();
			srv->last_exec = srv->lead_exec_since;
			if (srv->standby && srv->standby_idle)
				pthread_cond_signal(&srv->standby_cv);
			else if (!srv->standby && srv->nidle)
				pthread_cond_signal(&srv->work_cv);
			else if (!srv->standby &&
				 srv->nthreads < srv->max_threads)
				spawn_locked(srv);
			pthread_mutex_unlock(&srv->lock);
			execute(call);
			pthread_mutex_lock(&srv->lock);
			taken = srv->lead_gen != gen;
			if (!taken)
				srv->lead_exec = false;
			pthread_mutex_unlock(&srv->lock);
			if (taken)
				return true;
		}
	}
	return false;
}

/* srv->lock held; runs lead() and gives the leadership back when done */
static void lead_locked(struct rpc_server *srv)
{
	bool lost;

	srv->leader = true;
	pthread_mutex_unlock(&srv->lock);
	lost = lead(srv);
	if (!lost)
		__rpc_lpc_stop(srv);	/* stopping: kernel ports too */
	pthread_mutex_lock(&srv->lock);
	if (!lost) {
		srv->leader = false;	/* stopping */
		pthread_cond_broadcast(&srv->idle_cv);
	}
}

/* srv->lock held: watch the leader; true when this thread took over */
static bool standby_locked(struct rpc_server *srv)
{
	srv->standby = true;
	while (!atomic_load(&srv->stop) && !srv->jq_head && srv->leader) {
		int64_t now = mono_ns();

		if (srv->lead_exec &&
		    now - srv->lead_exec_since > LEAD_TAKEOVER_NS) {
			srv->lead_gen++;
			srv->lead_exec = false;
			srv->standby = false;
			/* someone else watches the new leader */
			if (srv->nidle)
				pthread_cond_signal(&srv->work_cv);
			else if (srv->nthreads < srv->max_threads)
				spawn_locked(srv);
			return true;
		}
		if (now - srv->last_exec > 1000000000LL) {
			srv->standby_idle = true;
			pthread_cond_wait(&srv->standby_cv, &srv->lock);
			srv->standby_idle = false;
		} else {
			__rpc_cond_wait_ns(&srv->standby_cv, &srv->lock,
					   1000000);
		}
	}
	srv->standby = false;
	return false;
}

static void *srv_thread(void *arg)
{
	struct rpc_server *srv = arg;

	pthread_mutex_lock(&srv->lock);
	for (;;) {
		struct job *j = srv->jq_head;

		if (j) {
			srv->jq_head = j->next;
			if (!srv->jq_head)
				srv->jq_tail = NULL;
			srv->jq_len--;
			pthread_mutex_unlock(&srv->lock);
			execute(j->call);
			free(j);
			pthread_mutex_lock(&srv->lock);
			continue;
		}
		if (atomic_load(&srv->stop))
			break;
		if (!srv->leader) {
			lead_locked(srv);
			continue;
		}
		if (!srv->standby) {
			/* the leadership moves without srv->leader changing */
			if (standby_locked(srv))
				lead_locked(srv);
			continue;
		}
		{
			srv->nidle++;
			if (__rpc_cond_wait_ns(&srv->work_cv, &srv->lock,
					       30 * 1000000000LL) == ETIMEDOUT &&
			    !srv->jq_head && srv->leader && srv->nthreads > 4) {
				srv->nidle--;
				break;
			}
			srv->nidle--;
		}
	}
	srv->nthreads--;
	pthread_cond_broadcast(&srv->idle_cv);
	pthread_mutex_unlock(&srv->lock);
	return NULL;
}

/* ---- loop side: binds, requests, cancels ------------------------------ */

static const struct srv_if *find_if(struct rpc_server *srv,
				    const struct rpc_syntax_id *id,
				    struct srv_if *copy)
{
	const struct srv_if *found = NULL;
	int i;

	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nifs; i++) {
		const struct rpc_syntax_id *r = &srv->ifs[i].iface->id;

		if (!rpc_uuid_compare(&r->uuid, &id->uuid) &&
		    r->major == id->major &&
		    id->minor <= r->minor) {
			found = &srv->ifs[i];
			*copy = *found;
			break;
		}
	}
	pthread_mutex_unlock(&srv->lock);
	return found;
}

static bool syntax_eq(const struct rpc_syntax_id *a,
		      const struct rpc_syntax_id *b)
{
	return !rpc_uuid_compare(&a->uuid, &b->uuid) &&
	       a->major == b->major && a->minor == b->minor;
}

/* The syntax (NDR_SYNTAX_*) we would pick from a context, or -1. */
static int pick_syntax(const struct rpc_pctx *pc, uint32_t allowed)
{
	int pick = -1;
	unsigned int j;

	for (j = 0; j < pc->n_tsyn; j++) {
		if ((allowed & SYN_NDR64) &&
		    syntax_eq(&pc->tsyn[j], &rpc_syntax_ndr64))
			return NDR_SYNTAX_NDR64;
		if ((allowed & SYN_NDR20) &&
		    syntax_eq(&pc->tsyn[j], &rpc_syntax_ndr20))
			pick = NDR_SYNTAX_NDR20;
	}
	return pick;
}

/*
 * Fill res[] for the contexts of a bind/alter_context, adding accepted
 * ones to the connection.  A client that offers NDR20 and NDR64 for one
 * interface in separate contexts gets exactly one accepted (NDR64, as
 * Windows does); the others are rejected with
 * proposed_transfer_syntaxes_not_supported.
 */
static void negotiate(struct conn *c, const struct rpc_pdu *in,
		      struct rpc_pdu *out)
{
	unsigned int i, j;

	out->bind_ack.n_results = in->bind.n_ctx;
	for (i = 0; i < in->bind.n_ctx; i++) {
		const struct rpc_pctx *pc = &in->bind.ctx[i];
		struct rpc_pres_result *r = &out->bind_ack.res[i];
		struct srv_if iface;
		uint8_t bits;
		int pick, k;
		bool better = false;

		memset(r, 0, sizeof(*r));
		if (pc->n_tsyn == 1 && __rpc_is_btfn(&pc->tsyn[0].uuid, &bits)) {
			r->result = RPC_RESULT_NEGOTIATE_ACK;
			r->reason = bits & (RPC_BTFN_SEC_CTX_MULTIPLEXING |
					    RPC_BTFN_KEEP_CONN_ON_ORPHAN);
			continue;
		}
		r->result = RPC_RESULT_PROVIDER_REJECTION;
		if (!find_if(c->srv, &pc->abstract, &iface)) {
			r->reason = RPC_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED;
			continue;
		}
		pick = pick_syntax(pc, iface.syntaxes);
		/* another context of this bind for the same interface wins
		 * when it has a better syntax, or the same one earlier */
		for (j = 0; pick >= 0 && j < in->bind.n_ctx && !better; j++) {
			const struct rpc_pctx *o = &in->bind.ctx[j];
			int op;

			if (j == i || !syntax_eq(&o->abstract, &pc->abstract))
				continue;
			op = pick_syntax(o, iface.syntaxes);
			better = op > pick || (op == pick && j < i);
		}
		if (pick < 0 || better) {
			r->reason = RPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED;
			continue;
		}
		/* replace a context id that is bound again; c->lock against
		 * __rpc_call_new (find_if above took srv->lock, not under it) */
		pthread_mutex_lock(&c->lock);
		for (k = 0; k < c->nctx; k++)
			if (c->ctx[k].ctx_id == pc->ctx_id)
				break;
		if (k == c->nctx && c->nctx == CONN_MAX_CTX) {
			pthread_mutex_unlock(&c->lock);
			r->reason = RPC_REASON_LOCAL_LIMIT_EXCEEDED;
			continue;
		}
		c->ctx[k].ctx_id = pc->ctx_id;
		c->ctx[k].syntax = (uint8_t)pick;
		c->ctx[k].iface = iface;
		if (k == c->nctx)
			c->nctx++;
		pthread_mutex_unlock(&c->lock);
		r->result = RPC_RESULT_ACCEPT;
		r->reason = 0;
		r->tsyn = pick == NDR_SYNTAX_NDR64 ? rpc_syntax_ndr64
						   : rpc_syntax_ndr20;
	}
}

int __rpc_encode_bind_nak(struct ndr_buf *b, uint32_t call_id,
			  uint16_t reason, bool be)
{
	struct rpc_pdu pdu;
	struct rpc_co_enc e = {
		.ptype = RPC_PT_BIND_NAK,
		.pfc_flags = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
		.big_endian = be,
		.call_id = call_id,
	};

	memset(&pdu, 0, sizeof(pdu));
	pdu.bind_nak.reason = reason;
	pdu.bind_nak.n_versions = 1;
	pdu.bind_nak.versions[0][0] = 5;
	pdu.bind_nak.versions[0][1] = 0;
	return __rpc_co_encode(b, &e, &pdu);
}

static void send_bind_nak(struct conn *c, uint32_t call_id, uint16_t reason,
			  bool be)
{
	struct ndr_buf b = { 0 };

	if (__rpc_encode_bind_nak(&b, call_id, reason, be) > 0)
		conn_send(c, &b);
	__ndr_buf_free(&b);
	pthread_mutex_lock(&c->lock);
	c->close_after_flush = true;
	conn_flush_locked(c);
	pthread_mutex_unlock(&c->lock);
}

static uint16_t clamp_frag(uint16_t v)
{
	if (v < RPC_MIN_FRAG)
		return RPC_MIN_FRAG;
	return v > SRV_MAX_FRAG ? SRV_MAX_FRAG : v;
}

/*
 * The answer to a bind or alter_context, encoded into b: 0 (bind_ack,
 * alter_context_resp), a bind_nak reason + 1 (nothing encoded), or -1
 * for a protocol error.
 */
static int bind_answer(struct conn *c, const struct rpc_pdu *in,
		       struct ndr_buf *b)
{
	struct rpc_pdu *out;
	struct rpc_co_enc e = {
		.pfc_flags = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
		.big_endian = in->big_endian,
		.call_id = in->hdr.call_id,
	};
	bool alter = in->hdr.ptype == RPC_PT_ALTER_CONTEXT;
	int ret;

	if (in->has_auth)	/* no security providers yet */
		return alter ? -1 : RPC_NAK_AUTHENTICATION_TYPE_NOT_RECOGNIZED + 1;
	if (alter != c->bound)
		return alter ? -1 : RPC_NAK_REASON_NOT_SPECIFIED + 1;
	out = calloc(1, sizeof(*out));
	if (!out)
		return RPC_NAK_LOCAL_LIMIT_EXCEEDED + 1;
	if (!alter) {
		/* group_join takes srv->lock: not under c->lock */
		struct assoc_group *g = __rpc_group_join(c->srv,
							 in->bind.assoc_group_id);

		if (!g) {
			free(out);
			return RPC_NAK_REASON_NOT_SPECIFIED + 1;
		}
		pthread_mutex_lock(&c->lock);
		c->group = g;
		/* frag sizes are never below MustRecvFragSize */
		c->max_xmit = clamp_frag(in->bind.max_recv_frag);
		c->max_recv = clamp_frag(in->bind.max_xmit_frag);
		c->bound = true;
		pthread_mutex_unlock(&c->lock);
		snprintf(out->bind_ack.sec_addr, sizeof(out->bind_ack.sec_addr),
			 "%s", c->lst->sec_addr);
		e.ptype = RPC_PT_BIND_ACK;
		/* the client may use concurrent multiplexing if it asks */
		e.pfc_flags |= in->hdr.pfc_flags & RPC_PFC_CONC_MPX;
	} else {
		e.ptype = RPC_PT_ALTER_CONTEXT_RESP;
	}
	out->bind_ack.max_xmit_frag = c->max_xmit;
	out->bind_ack.max_recv_frag = c->max_recv;
	out->bind_ack.assoc_group_id = c->group->id;
	negotiate(c, in, out);
	ret = __rpc_co_encode(b, &e, out);
	free(out);
	return ret > 0 ? 0 : RPC_NAK_LOCAL_LIMIT_EXCEEDED + 1;
}

static void handle_bind(struct conn *c, const struct rpc_pdu *in)
{
	struct ndr_buf b = { 0 };
	int ret = bind_answer(c, in, &b);

	if (ret < 0)
		proto_error(c, in->hdr.call_id, in->big_endian);
	else if (ret > 0)
		send_bind_nak(c, in->hdr.call_id, (uint16_t)(ret - 1),
			      in->big_endian);
	else
		conn_send(c, &b);
	__ndr_buf_free(&b);
}

static struct rpc_call_ctx *find_call(struct conn *c, uint32_t call_id)
{
	struct rpc_call_ctx *call;

	for (call = c->calls; call; call = call->next)
		if (call->call_id == call_id)
			return call;
	return NULL;
}

__rpc_hot static const struct pctx_entry *find_ctx(struct conn *c, uint16_t id)
{
	int i;

	for (i = 0; i < c->nctx; i++)
		if (c->ctx[i].ctx_id == id)
			return &c->ctx[i];
	return NULL;
}

static void handle_request(struct conn *c, const struct rpc_pdu *in)
{
	uint8_t fl = in->hdr.pfc_flags;
	struct rpc_call_ctx *call;
	bool over;
	int ret;

	if (!c->bound || in->has_auth) {
		proto_error(c, in->hdr.call_id, in->big_endian);
		return;
	}
	pthread_mutex_lock(&c->lock);
	call = find_call(c, in->hdr.call_id);
	if (call && !call->receiving)
		call = NULL;	/* a new call may reuse a running call's id? no */
	over = c->ncalls >= guard_max_calls(c->srv);
	pthread_mutex_unlock(&c->lock);

	if (fl & RPC_PFC_FIRST_FRAG) {
		const struct pctx_entry *pc;

		if (call) {
			proto_error(c, in->hdr.call_id, in->big_endian);
			return;
		}
		call = call_alloc();
		if (!call) {
			send_fault(c, in->hdr.call_id, in->request.ctx_id,
				   nca_s_fault_remote_no_memory, true,
				   in->big_endian);
			return;
		}
		call->conn = c;
		call->call_id = in->hdr.call_id;
		call->ctx_id = in->request.ctx_id;
		call->opnum = in->request.opnum;
		call->pfc_flags = fl;
		call->maybe = fl & RPC_PFC_MAYBE;
		memcpy(call->drep, in->hdr.drep, 4);
		call->be = in->big_endian;
		call->receiving = true;
		call->object = in->request.object;
		call->in.limit = CALL_MAX_IN;
		pc = find_ctx(c, call->ctx_id);
		if (over) {	/* refused, did not execute */
			call->fault = nca_s_server_too_busy;
		} else if (!pc) {
			call->fault = nca_s_unk_if;
		} else {
			call->iface = pc->iface;
			call->syntax = pc->syntax;
		}
		if (!call->fault && in->request.alloc_hint)
			__ndr_buf_reserve(&call->in,
					  in->request.alloc_hint <
					  CALL_PREALLOC_MAX ?
					  in->request.alloc_hint :
					  CALL_PREALLOC_MAX);
		if (fl & RPC_PFC_PENDING_CANCEL)
			atomic_store(&call->cancelled, true);
		pthread_mutex_lock(&c->lock);
		call->next = c->calls;
		c->calls = call;
		c->ncalls++;
		conn_update_events(c);
		pthread_mutex_unlock(&c->lock);
		atomic_fetch_add(&c->srv->calls_in, 1);
	} else {
		if (!call) {
			/* a fragment of a call we do not know */
			proto_error(c, in->hdr.call_id, in->big_endian);
			return;
		}
		if (call->ctx_id != in->request.ctx_id ||
		    call->opnum != in->request.opnum) {
			proto_error(c, in->hdr.call_id, in->big_endian);
			return;
		}
		if (fl & RPC_PFC_PENDING_CANCEL)
			atomic_store(&call->cancelled, true);
	}
	if (!call->fault) {
		/* all calls of a connection together hold at most guard.max_rx */
		if (atomic_load(&c->rx_bytes) + in->stub_len >
		    __atomic_load_n(&c->srv->guard.max_rx, __ATOMIC_RELAXED))
			ret = -E2BIG;
		else
			ret = __ndr_buf_put(&call->in, in->stub, in->stub_len);
		if (ret < 0) {
			call->fault = ret == -E2BIG ? nca_s_fault_remote_no_memory
						    : to_fault(ret);
			atomic_fetch_sub(&c->rx_bytes, call->in.len);
			__ndr_buf_free(&call->in);
		} else {
			atomic_fetch_add(&c->rx_bytes, in->stub_len);
		}
	}
	if (fl & RPC_PFC_LAST_FRAG) {
		call->receiving = false;
		atomic_fetch_add(&c->refs, 1);
		ready_add(call);
	}
}

static void handle_cancel(struct conn *c, const struct rpc_pdu *in,
			  bool orphan)
{
	struct rpc_call_ctx *call;

	pthread_mutex_lock(&c->lock);
	call = find_call(c, in->hdr.call_id);
	if (call) {
		atomic_store(&call->cancelled, true);
		if (orphan)
			atomic_store(&call->orphaned, true);
	}
	pthread_mutex_unlock(&c->lock);
	if (call && orphan && call->receiving) {
		/* drop the half-received call */
		call_unlink_free(c, call);
	}
}

/* One complete frame; returns false when the connection is done. */
static void handle_frame(struct conn *c, const uint8_t *buf, size_t len)
{
	struct rpc_pdu *pdu;
	int ret;

	atomic_fetch_add(&c->srv->pkts_in, 1);
	if (c->g.refused) {	/* over the address or uid cap */
		if (buf[2] == RPC_PT_BIND)
			send_bind_nak(c, __rpc_get32(buf + 12, !(buf[4] >> 4)),
				      RPC_NAK_LOCAL_LIMIT_EXCEEDED,
				      !(buf[4] >> 4));
		else
			shutdown(c->fd, SHUT_RDWR);
		return;
	}
	pdu = malloc(sizeof(*pdu));
	if (!pdu) {
		shutdown(c->fd, SHUT_RDWR);
		return;
	}
	ret = __rpc_co_decode(buf, len, pdu);
	if (ret < 0) {
		bool be = !(buf[4] >> 4);
		uint32_t call_id = __rpc_get32(buf + 12, be);

		if (buf[2] == RPC_PT_BIND)
			send_bind_nak(c, call_id,
				      ret == -rpc_s_out_of_resources ?
				      RPC_NAK_LOCAL_LIMIT_EXCEEDED :
				      RPC_NAK_REASON_NOT_SPECIFIED, be);
		else
			proto_error(c, call_id, be);
		free(pdu);
		return;
	}
	switch (pdu->hdr.ptype) {
	case RPC_PT_BIND:
	case RPC_PT_ALTER_CONTEXT:
		handle_bind(c, pdu);
		break;
	case RPC_PT_REQUEST:
		handle_request(c, pdu);
		break;
	case RPC_PT_CO_CANCEL:
		handle_cancel(c, pdu, false);
		break;
	case RPC_PT_ORPHANED:
		handle_cancel(c, pdu, true);
		break;
	default:
		/* auth3 without a security context, or a server PDU */
		proto_error(c, pdu->hdr.call_id, pdu->big_endian);
		break;
	}
	free(pdu);
}

/* Read what is there (bounded per wake-up for fairness). */
static bool conn_read(struct conn *c)
{
	size_t budget = 256 << 10;
	int64_t now = __rpc_now_ms();

	while (budget) {
		ssize_t r;

		if (c->close_after_flush) {
			bool drained;

			pthread_mutex_lock(&c->lock);
			drained = !c->oq_head;
			pthread_mutex_unlock(&c->lock);
			return !drained;
		}
		if (c->hlen < RPC_CO_HDR_LEN) {
			r = recv(c->fd, c->hdr + c->hlen,
				 RPC_CO_HDR_LEN - c->hlen, MSG_DONTWAIT);
		} else {
			r = recv(c->fd, c->frame + c->fgot, c->flen - c->fgot,
				 MSG_DONTWAIT);
		}
		if (r < 0)
			return errno == EAGAIN || errno == EINTR;
		if (r == 0)
			return false;
		if (!c->hlen)
			c->g.pdu_ms = now;	/* the PDU time-out starts */
		c->g.rx_ms = now;
		budget = (size_t)r > budget ? 0 : budget - (size_t)r;
		if (c->hlen < RPC_CO_HDR_LEN) {
			uint16_t fl;
			int ret;

			c->hlen += (size_t)r;
			if (c->hlen < RPC_CO_HDR_LEN)
				continue;
			ret = __rpc_co_peek(c->hdr, c->hlen, &fl);
			if (ret < 0 ||
			    (c->bound && fl > c->max_recv && fl > SRV_MAX_FRAG))
				return false;	/* garbage: just close */
			c->frame = malloc(fl);
			if (!c->frame)
				return false;
			memcpy(c->frame, c->hdr, RPC_CO_HDR_LEN);
			c->flen = fl;
			c->fgot = RPC_CO_HDR_LEN;
		} else {
			c->fgot += (size_t)r;
		}
		if (c->fgot == c->flen) {
			uint8_t *f = c->frame;

			c->frame = NULL;
			c->hlen = 0;
			handle_frame(c, f, c->flen);
			free(f);
			/* run the call now; the level-triggered set tells the
			 * next leader about anything still unread */
			if (ready_head)
				return true;
			pthread_mutex_lock(&c->lock);
			r = !(c->events & EPOLLIN);
			pthread_mutex_unlock(&c->lock);
			if (r)
				return true;	/* paused: back-pressure */
		}
	}
	return true;
}

/* ---- connections ----------------------------------------------------- */

__rpc_hot static void conn_put(struct conn *c)
{
	struct rpc_server *srv = c->srv;

	if (atomic_fetch_sub(&c->refs, 1) != 1)
		return;
	while (c->oq_head) {
		struct outbuf *o = c->oq_head;

		c->oq_head = o->next;
		outbuf_free(o);
	}
	if (c->fd >= 0)
		close(c->fd);
	free(c->frame);
	if (c->group)
		__rpc_group_leave(srv, c->group);
	if (c->fd >= 0)
		__rpc_guard_release(srv, &c->g);
	pthread_mutex_destroy(&c->lock);
	pthread_mutex_destroy(&c->bind_lock);
	free(c);
}

static void conn_close(struct conn *c)
{
	struct rpc_server *srv = c->srv;
	struct rpc_call_ctx *call, *recv_calls = NULL, **pp;

	pthread_mutex_lock(&c->lock);
	c->closing = true;
	epoll_ctl(srv->epfd, EPOLL_CTL_DEL, c->fd, NULL);
	shutdown(c->fd, SHUT_RDWR);
	for (pp = &c->calls; (call = *pp); ) {
		atomic_store(&call->cancelled, true);
		atomic_store(&call->orphaned, true);
		if (call->receiving) {
			*pp = call->next;
			c->ncalls--;
			call->next = recv_calls;
			recv_calls = call;
		} else {
			pp = &call->next;
		}
	}
	pthread_mutex_unlock(&c->lock);
	while ((call = recv_calls)) {
		recv_calls = call->next;
		call_free(call);
	}
	pthread_mutex_lock(&srv->lock);
	if (c->prev)
		c->prev->next = c->next;
	else
		srv->conns = c->next;
	if (c->next)
		c->next->prev = c->prev;
	srv->nconns--;
	pthread_mutex_unlock(&srv->lock);
	conn_put(c);
}

static void accept_conns(struct rpc_server *srv, struct srv_listener *l)
{
	for (int i = 0; i < 64; i++) {
		struct sockaddr_storage ss;
		socklen_t sl = sizeof(ss);
		struct epoll_event e;
		struct conn *c;
		int fd, one = 1;

		fd = accept4(l->fd, (struct sockaddr *)&ss, &sl,
			     SOCK_NONBLOCK | SOCK_CLOEXEC);
		if (fd < 0) {
			__rpc_guard_accept_failed(srv, errno);
			return;
		}
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		c = calloc(1, sizeof(*c));
		if (!c) {
			close(fd);
			continue;
		}
		if (__rpc_guard_admit(srv, &c->g, fd, &ss) < 0) {
			free(c);
			close(fd);
			continue;
		}
		c->tag = TAG_CONN;
		c->srv = srv;
		c->lst = l;
		c->fd = fd;
		atomic_init(&c->refs, 1);
		pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->bind_lock, NULL);
		c->max_xmit = c->max_recv = RPC_MIN_FRAG;
		c->events = EPOLLIN;
		e.events = EPOLLIN | EPOLLRDHUP;
		e.data.ptr = c;
		pthread_mutex_lock(&srv->lock);
		c->next = srv->conns;
		if (c->next)
			c->next->prev = c;
		srv->conns = c;
		srv->nconns++;
		pthread_mutex_unlock(&srv->lock);
		if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &e) < 0)
			conn_close(c);
	}
}

/* Close the connections whose bind, PDU, idle or send time-out passed
 * (see co_guard.c); the leader only, like every conn_close. */
static void reap_expired(struct rpc_server *srv)
{
	struct conn *c, *dead[64];
	int64_t now = __rpc_now_ms();
	int n = 0, i;

	pthread_mutex_lock(&srv->lock);
	for (c = srv->conns; c && n < 64; c = c->next) {
		bool exp;

		pthread_mutex_lock(&c->lock);
		exp = !c->closing &&
		      __rpc_guard_expired(&srv->guard, &c->g, c->bound,
					  c->ncalls != 0, c->hlen != 0,
					  c->oq_head != NULL, now);
		pthread_mutex_unlock(&c->lock);
		if (exp)
			dead[n++] = c;
	}
	pthread_mutex_unlock(&srv->lock);
	for (i = 0; i < n; i++)
		conn_close(dead[i]);
}

/*
 * After stop: nothing is read any more (no leader), so no new calls
 * start.  The calls running or queued get STOP_GRACE_MS to finish and
 * their answers to go out; then the connections are dropped, which
 * cancels what is left, and every thread is waited for.
 */
#define STOP_GRACE_MS	5000

static void teardown(struct rpc_server *srv)
{
	int64_t deadline = __rpc_now_ms() + STOP_GRACE_MS;
	struct timespec nap = { 0, 10 * 1000000 };
	int i;

	__rpc_lpc_stop(srv);	/* the leader did too, unless none was left */

	pthread_mutex_lock(&srv->lock);
	pthread_cond_broadcast(&srv->work_cv);	/* followers: run the queue */
	pthread_cond_broadcast(&srv->standby_cv);
	while (srv->leader)
		pthread_cond_wait(&srv->idle_cv, &srv->lock);
	pthread_mutex_unlock(&srv->lock);
	for (i = 0; i < srv->nlisteners; i++)
		epoll_ctl(srv->epfd, EPOLL_CTL_DEL, srv->listeners[i].fd, NULL);
	while (__rpc_now_ms() < deadline) {
		struct conn *c;
		bool busy;

		pthread_mutex_lock(&srv->lock);
		busy = atomic_load(&srv->running) || srv->jq_head;
		for (c = srv->conns; c && !busy; c = c->next) {
			pthread_mutex_lock(&c->lock);
			conn_flush_locked(c);
			busy = c->oq_head != NULL;
			pthread_mutex_unlock(&c->lock);
		}
		pthread_mutex_unlock(&srv->lock);
		if (!busy)
			break;
		nanosleep(&nap, NULL);
	}
	for (;;) {
		struct conn *c;

		pthread_mutex_lock(&srv->lock);
		c = srv->conns;
		pthread_mutex_unlock(&srv->lock);
		if (!c)
			break;
		conn_close(c);
	}
	pthread_mutex_lock(&srv->lock);
	pthread_cond_broadcast(&srv->work_cv);
	pthread_cond_broadcast(&srv->standby_cv);
	while (srv->nthreads)
		pthread_cond_wait(&srv->idle_cv, &srv->lock);
	pthread_mutex_unlock(&srv->lock);
	atomic_store(&srv->listening, false);
}

/* ---- server API ------------------------------------------------------ */

int rpc_server_create(struct rpc_server **out)
{
	struct rpc_server *srv = calloc(1, sizeof(*srv));
	struct epoll_event e = { .events = EPOLLIN };
	static const int evtag = TAG_EVENT;
	int ret;

	if (!srv)
		return -ENOMEM;
	srv->guard.tfd = -1;
	pthread_mutex_init(&srv->lock, NULL);
	__rpc_cond_init(&srv->work_cv);
	__rpc_cond_init(&srv->idle_cv);
	__rpc_cond_init(&srv->standby_cv);
	srv->epfd = epoll_create1(EPOLL_CLOEXEC);
	srv->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (srv->epfd < 0 || srv->evfd < 0) {
		ret = -errno;
		goto fail;
	}
	e.data.ptr = (void *)&evtag;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, srv->evfd, &e) < 0) {
		ret = -errno;
		goto fail;
	}
	ret = __rpc_guard_init(srv, TAG_TIMER);
	if (ret < 0)
		goto fail;
	srv->princ_name = strdup("");
	if (!srv->princ_name) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = __rpc_server_register_raw(srv, &mgmt_v1_0_s_ifspec, NULL,
					SYN_NDR20 | SYN_NDR64);
	if (ret < 0)
		goto fail;
	*out = srv;
	return 0;
fail:
	__rpc_guard_free(srv);
	if (srv->epfd >= 0)
		close(srv->epfd);
	if (srv->evfd >= 0)
		close(srv->evfd);
	free(srv->princ_name);
	free(srv);
	return ret;
}

int rpc_server_use_protseq(struct rpc_server *srv, const char *protseq,
			   const char *netaddr, const char *endpoint,
			   char **binding)
{
	const struct rpc_transport_ops *ops;
	struct srv_listener *l;
	struct epoll_event e = { .events = EPOLLIN };
	int ret, fd;

	if (!srv || !protseq)
		return -EINVAL;
	ops = __rpc_transport_find(protseq);
	if (!ops)
		return -rpc_s_protseq_not_supported;
	if (srv->nlisteners == SRV_MAX_LISTENERS)
		return -rpc_s_out_of_resources;
	l = &srv->listeners[srv->nlisteners];
	ret = ops->listen(netaddr, endpoint, &fd, l->endpoint,
			  sizeof(l->endpoint));
	if (ret < 0)
		return ret;
	l->tag = TAG_LISTENER;
	l->fd = fd;
	l->ops = ops;
	ops->sec_addr(l->endpoint, l->sec_addr, sizeof(l->sec_addr));
	e.data.ptr = l;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
		ret = -errno;
		close(fd);
		return ret;
	}
	/* ncalrpc: the kernel port beside the AF_UNIX socket */
	ret = ops == &__rpc_transport_unix ? __rpc_lpc_listen(srv, l) : 0;
	if (ret < 0) {
		epoll_ctl(srv->epfd, EPOLL_CTL_DEL, fd, NULL);
		close(fd);
		return ret;
	}
	srv->nlisteners++;
	if (binding) {
		struct rpc_string_binding sb = {
			.protseq = (char *)protseq,
			.netaddr = (char *)(netaddr && *netaddr ? netaddr :
					    ops->default_netaddr),
			.endpoint = l->endpoint,
		};

		ret = rpc_string_binding_compose(&sb, binding);
		if (ret < 0)
			return ret;
	}
	return 0;
}

int __rpc_server_register_raw(struct rpc_server *srv,
			      const struct rpc_interface *iface,
			      rpc_raw_dispatch_fn raw, uint32_t syntaxes)
{
	int i, ret = 0;

	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nifs; i++)
		if (!rpc_uuid_compare(&srv->ifs[i].iface->id.uuid,
				      &iface->id.uuid) &&
		    srv->ifs[i].iface->id.major == iface->id.major) {
			ret = -rpc_s_type_already_registered;
			goto out;
		}
	if (srv->nifs == SRV_MAX_IFS) {
		ret = -rpc_s_out_of_resources;
		goto out;
	}
	srv->ifs[srv->nifs].iface = iface;
	srv->ifs[srv->nifs].raw = raw;
	srv->ifs[srv->nifs].syntaxes = syntaxes;
	srv->nifs++;
out:
	pthread_mutex_unlock(&srv->lock);
	return ret;
}

int rpc_server_register_if(struct rpc_server *srv,
			   const struct rpc_interface *iface)
{
	uint32_t i;

	if (!srv || !iface || !iface->thunks || (iface->nprocs && !iface->procs))
		return -EINVAL;
	for (i = 0; i < iface->nprocs; i++)
		if (iface->procs[i].opnum != i || ndr_proc_check(&iface->procs[i]))
			return -EINVAL;
	return __rpc_server_register_raw(srv, iface, NULL,
					 SYN_NDR20 | SYN_NDR64);
}

int rpc_server_unregister_if(struct rpc_server *srv,
			     const struct rpc_interface *ifs)
{
	int i, ret = -rpc_s_unknown_if;

	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nifs; i++)
		if (srv->ifs[i].iface == ifs) {
			memmove(&srv->ifs[i], &srv->ifs[i + 1],
				(size_t)(srv->nifs - i - 1) * sizeof(srv->ifs[0]));
			srv->nifs--;
			ret = 0;
			break;
		}
	pthread_mutex_unlock(&srv->lock);
	return ret;
}

void __rpc_server_if_ids(struct rpc_server *srv, struct rpc_syntax_id *ids,
			 int *n, int max)
{
	int i;

	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nifs && i < max; i++)
		ids[i] = srv->ifs[i].iface->id;
	*n = i;
	pthread_mutex_unlock(&srv->lock);
}

int rpc_server_listen(struct rpc_server *srv, unsigned int max_calls)
{
	uint64_t v;
	int ret;

	if (!srv)
		return -EINVAL;
	if (!srv->nlisteners)
		return -rpc_s_no_protseqs_registered;
	if (atomic_load(&srv->listening) || srv->loop_started)
		return -rpc_s_already_listening;
	srv->max_threads = max_calls ? max_calls : 256;
	atomic_store(&srv->stop, false);
	/* the last stop's wake-up; a stop from now on keeps its flag */
	while (read(srv->evfd, &v, sizeof(v)) > 0)
		;
	atomic_store(&srv->listening, true);
	pthread_mutex_lock(&srv->lock);
	spawn_locked(srv);
	ret = srv->nthreads ? 0 : -EAGAIN;
	pthread_mutex_unlock(&srv->lock);
	if (ret) {
		atomic_store(&srv->listening, false);
		return ret;
	}
	srv->loop_started = true;
	return __rpc_lpc_start(srv, srv->max_threads);
}

/*
 * Async-signal-safe (lrpc-epmd calls it from its SIGTERM handler): an
 * atomic flag and a write to the eventfd, nothing that locks or
 * allocates.  The eventfd stays readable until teardown drains it, so
 * the leader's epoll_wait and rpc_server_wait's poll wake and see the
 * flag; the leader then stops the kernel ports (__rpc_lpc_stop, which
 * locks), and teardown does the rest.
 */
int rpc_server_stop_listening(struct rpc_server *srv)
{
	uint64_t one = 1;
	int saved = errno, ret = 0;

	if (!srv)
		return -EINVAL;
	if (!atomic_load(&srv->listening))
		return -rpc_s_not_listening;
	atomic_store(&srv->stop, true);
	if (write(srv->evfd, &one, sizeof(one)) < 0 && errno != EAGAIN)
		ret = -errno;
	errno = saved;
	return ret;
}

int rpc_server_wait(struct rpc_server *srv)
{
	struct pollfd p;

	if (!srv || !srv->loop_started)
		return -rpc_s_not_listening;
	p.fd = srv->evfd;
	p.events = POLLIN;
	while (!atomic_load(&srv->stop))
		poll(&p, 1, 1000);	/* the eventfd; the flag decides */
	/* the kernel path's managers run on threads of their own */
	__rpc_lpc_wait(srv);
	teardown(srv);
	srv->loop_started = false;
	return 0;
}

bool rpc_server_is_listening(const struct rpc_server *srv)
{
	return srv && atomic_load(&srv->listening) && !atomic_load(&srv->stop);
}

int rpc_server_stats(const struct rpc_server *srv, struct rpc_server_stats *st)
{
	struct rpc_server *s = (struct rpc_server *)srv;

	memset(st, 0, sizeof(*st));
	st->calls_in = atomic_load(&s->calls_in);
	st->calls_out = atomic_load(&s->calls_out);
	st->pkts_in = atomic_load(&s->pkts_in);
	st->pkts_out = atomic_load(&s->pkts_out);
	pthread_mutex_lock(&s->lock);
	st->connections = s->nconns;
	st->assoc_groups = s->ngroups;
	st->context_handles = s->nhandles;
	pthread_mutex_unlock(&s->lock);
	return 0;
}

int rpc_server_set_princ_name(struct rpc_server *srv, const char *name)
{
	char *n = strdup(name ? name : "");

	if (!n)
		return -ENOMEM;
	pthread_mutex_lock(&srv->lock);
	free(srv->princ_name);
	srv->princ_name = n;
	pthread_mutex_unlock(&srv->lock);
	return 0;
}

int rpc_server_allow_remote_stop(struct rpc_server *srv, bool allow)
{
	srv->allow_remote_stop = allow;
	return 0;
}

void rpc_server_free(struct rpc_server *srv)
{
	int i;

	if (!srv)
		return;
	if (srv->loop_started) {
		rpc_server_stop_listening(srv);
		rpc_server_wait(srv);
	}
	__rpc_lpc_free(srv);
	for (i = 0; i < srv->nlisteners; i++)
		close(srv->listeners[i].fd);
	__rpc_group_free_all(srv);
	__rpc_guard_free(srv);
	close(srv->epfd);
	close(srv->evfd);
	free(srv->princ_name);
	pthread_mutex_destroy(&srv->lock);
	pthread_cond_destroy(&srv->work_cv);
	pthread_cond_destroy(&srv->idle_cv);
	pthread_cond_destroy(&srv->standby_cv);
	free(srv);
}

/* ---- the kernel path's connections and calls (lpc_server.c) ------------- */

struct conn *__rpc_conn_new(struct rpc_server *srv,
			    const struct srv_listener *lst)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
	c->tag = TAG_CONN;
	c->srv = srv;
	c->lst = lst;
	c->fd = -1;
	atomic_init(&c->refs, 1);
	pthread_mutex_init(&c->lock, NULL);
	pthread_mutex_init(&c->bind_lock, NULL);
	c->max_xmit = c->max_recv = RPC_MIN_FRAG;
	return c;
}

void __rpc_conn_set_fd(struct conn *c, int fd)
{
	c->fd = fd;
}

__rpc_hot void __rpc_conn_get(struct conn *c)
{
	atomic_fetch_add(&c->refs, 1);
}

__rpc_hot void __rpc_conn_put(struct conn *c)
{
	conn_put(c);
}

int __rpc_conn_bind(struct conn *c, const struct rpc_pdu *in,
		    struct ndr_buf *out)
{
	int ret;

	/* bind_answer installs what it negotiated under c->lock (against
	 * __rpc_call_new); its srv->lock lookups are not taken under it */
	pthread_mutex_lock(&c->bind_lock);
	ret = bind_answer(c, in, out);
	pthread_mutex_unlock(&c->bind_lock);
	if (ret > 0)
		ret = __rpc_encode_bind_nak(out, in->hdr.call_id,
					    (uint16_t)(ret - 1),
					    in->big_endian) > 0 ? 0 : -ENOMEM;
	return ret < 0 ? -rpc_s_protocol_error : 0;
}

__rpc_hot struct rpc_call_ctx *__rpc_call_new(struct conn *c, uint16_t ctx_id,
				    uint16_t opnum, const uint8_t drep[4],
				    const rpc_uuid_t *object,
				    const struct rpc_peer_cred *cred)
{
	struct rpc_call_ctx *call = call_alloc();
	const struct pctx_entry *pc;

	if (!call)
		return NULL;
	call->conn = c;
	call->ctx_id = ctx_id;
	call->opnum = opnum;
	memcpy(call->drep, drep, 4);
	call->be = !(drep[0] & 0x10);
	if (object)
		call->object = *object;
	if (cred) {
		call->cred = *cred;
		call->has_cred = true;
	}
	pthread_mutex_lock(&c->lock);
	pc = c->bound ? find_ctx(c, ctx_id) : NULL;
	if (!pc) {
		call->fault = nca_s_unk_if;
	} else {
		call->iface = pc->iface;
		call->syntax = pc->syntax;
	}
	pthread_mutex_unlock(&c->lock);
	return call;
}

__rpc_hot uint32_t __rpc_call_run(struct rpc_call_ctx *call, const void *in,
			size_t inlen, struct ndr_buf *out, bool *dne)
{
	uint32_t fault;

	call->in.data = (uint8_t *)in;	/* borrowed, never freed here */
	call->in.len = inlen;
	fault = run_call(call, out, dne);
	memset(&call->in, 0, sizeof(call->in));
	return fault;
}

void __rpc_call_cancel(struct rpc_call_ctx *call)
{
	atomic_store(&call->cancelled, true);
}

__rpc_hot void __rpc_call_free(struct rpc_call_ctx *call)
{
	call_free(call);
}

int rpc_call_ctx_peer_cred(const struct rpc_call_ctx *call, pid_t *pid,
			   uid_t *uid, gid_t *gid)
{
	struct rpc_peer_cred pc;

	if (!call)
		return -EINVAL;
	if (call->has_cred) {
		pc = call->cred;
	} else if (call->conn->lst->ops == &__rpc_transport_unix) {
		struct ucred uc;
		socklen_t l = sizeof(uc);

		if (getsockopt(call->conn->fd, SOL_SOCKET, SO_PEERCRED, &uc, &l))
			return -errno;
		pc.pid = uc.pid;
		pc.uid = uc.uid;
		pc.gid = uc.gid;
	} else {
		return -EOPNOTSUPP;	/* a network caller */
	}
	if (pid)
		*pid = pc.pid;
	if (uid)
		*uid = pc.uid;
	if (gid)
		*gid = pc.gid;
	return 0;
}
