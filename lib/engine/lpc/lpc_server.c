// SPDX-License-Identifier: MIT
/*
 * ncalrpc through /dev/lrpc, server side (see local_int.h for the wire).
 *
 * Each kernel port has its own threads, each looping in one
 * LRPC_IOC_REPLY_RECV: the reply to the call it ran and the receive of
 * the next message in one syscall, then the call runs inline in that
 * thread -- no hand-off.  When a thread takes a message and no other
 * thread of the port is left waiting, it starts one more (up to the
 * server's max_calls), so slow calls never hold up the port; threads
 * beyond LPC_MIN_THREADS that stay idle exit.  The first LPC_MIN_THREADS
 * wait without a time-out (no timer armed per call): stopping shuts
 * the port down (LRPC_IOC_PORT_SHUTDOWN), which wakes them.  A module
 * without LRPC_F_SHUTDOWN gets LPC_IDLE_NS waits instead.
 *
 * Connections and calls reuse the connection-oriented engine's objects
 * (engine/co/co_int.h): a kernel connection is a struct conn (its
 * presentation contexts, its association group and so its context
 * handles), a call a struct rpc_call_ctx run by __rpc_call_run().  The
 * runtime reaches this engine only through __rpc_lpc_server_engine
 * (runtime/engine.h, lib/engines.c).
 *
 * Its guards (issue 20: idle time-out, calls per connection, connections
 * per uid) are in lpc_guard.c.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/lrpc.h>
#include "engine/lpc/lpc_int.h"
#include "engine/lpc/lpc_srv.h"

#define LPC_MIN_THREADS		2
#define LPC_IDLE_NS		1000000000LL	/* wake-up of an extra thread */
#define LPC_IDLE_EXIT		30		/* idle wake-ups, then exit */
#define LPC_STOP_GRACE_MS	5000	/* calls left to finish on a stop */

static pthread_mutex_t servers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct lpc_srv *servers;

static struct lpc_srv *lpc_of(struct rpc_server *srv, bool create)
{
	struct lpc_srv *ls;

	pthread_mutex_lock(&servers_lock);
	for (ls = servers; ls; ls = ls->next)
		if (ls->srv == srv)
			break;
	if (!ls && create) {
		ls = calloc(1, sizeof(*ls));
		if (ls) {
			ls->srv = srv;
			pthread_mutex_init(&ls->lock, NULL);
			__rpc_cond_init(&ls->cv);
			__rpc_cond_init(&ls->reap_cv);
			__rpc_lpc_view_cache_init(&ls->views);
			ls->next = servers;
			servers = ls;
		}
	}
	pthread_mutex_unlock(&servers_lock);
	return ls;
}

int __rpc_lpc_listen(struct rpc_server *srv, struct srv_listener *lst)
{
	struct lrpc_port_create pc = { 0 };
	struct lpc_srv *ls;
	int dev, fd;

	if (lst->ops != &__rpc_transport_unix)
		return 0;	/* only ncalrpc has a kernel port */
	dev = __rpc_lpc_dev(NULL);
	if (dev < 0 || __rpc_lpc_disabled())
		return 0;
	ls = lpc_of(srv, true);
	if (!ls)
		return -ENOMEM;
	if (ls->nports == LPC_MAX_PORTS)
		return -rpc_s_out_of_resources;
	if ((size_t)snprintf(pc.name, sizeof(pc.name), LPC_PORT_PREFIX "%s",
			     lst->endpoint) >= sizeof(pc.name))
		return -rpc_s_invalid_endpoint_format;
	pc.mode = LRPC_MODE_ALL;
	/* names are scoped by owner (LRPC_F_USER_NAMES): a name in use is
	 * this user's; another user's holder showed at the socket already */
	fd = ioctl(dev, LRPC_IOC_PORT_CREATE, &pc);
	if (fd < 0) {
		int err = errno;

		if (err == EINVAL)
			return -rpc_s_invalid_endpoint_format;
		return err == EADDRINUSE || err == EACCES || err == EPERM ?
		       __rpc_endpoint_errno(err) : -err;
	}
	ls->ports[ls->nports].ls = ls;
	ls->ports[ls->nports].lst = lst;
	ls->ports[ls->nports].fd = fd;
	ls->nports++;
	return 0;
}

/* ---- connections ------------------------------------------------------ */

__rpc_hot static struct conn *conn_find(struct lpc_srv *ls, uint64_t id, bool unlink)
{
	struct lpc_conn **pp, *lc;
	struct conn *c = NULL;

	pthread_mutex_lock(&ls->lock);
	for (pp = &ls->conns[id % LPC_HASH]; (lc = *pp); pp = &lc->next)
		if (lc->id == id) {
			c = lc->c;
			if (unlink) {
				*pp = lc->next;
				ls->nconns--;
			} else
				__rpc_conn_get(c);
			break;
		}
	pthread_mutex_unlock(&ls->lock);
	if (lc && unlink) {
		__rpc_guard_uid_put(ls->srv, lc->uid_slot);
		free(lc);
	}
	return c;
}

/* A connect request: its payload is a bind PDU, the answer a bind_ack.
 * Over the cap of connections per uid (co_guard.c, shared with the
 * AF_UNIX fallback) the answer is the bind_nak the socket path gives,
 * local_limit_exceeded, in a rejected connect. */
static void on_connect(struct lpc_port *p, const struct lrpc_msg_info *m,
		       const uint8_t *data)
{
	struct lpc_srv *ls = p->ls;
	struct lrpc_accept a = { .msg_id = m->msg_id };
	struct rpc_pdu *pdu = malloc(sizeof(*pdu));
	struct ndr_buf out = { 0 };
	struct guard_addr *slot = NULL;
	struct lpc_conn *lc = NULL;
	struct conn *c = NULL;
	int fd, ret = -ENOMEM;

	if (!pdu)
		goto reject;
	ret = __rpc_co_decode(data, m->len, pdu);
	if (ret < 0 || pdu->hdr.ptype != RPC_PT_BIND)
		goto reject;
	if (__rpc_guard_uid_get(ls->srv, m->uid, &slot) < 0) {
		__rpc_encode_bind_nak(&out, pdu->hdr.call_id,
				      RPC_NAK_LOCAL_LIMIT_EXCEEDED,
				      pdu->big_endian);
		goto reject;
	}
	c = __rpc_conn_new(ls->srv, p->lst);
	lc = malloc(sizeof(*lc));
	if (!c || !lc)
		goto reject;
	ret = __rpc_conn_bind(c, pdu, &out);
	if (ret < 0 || out.len > LRPC_CONNECT_DATA_MAX)
		goto reject;
	/* in the table before the client can send its first call */
	lc->id = m->conn_id;
	lc->c = c;
	lc->uid_slot = slot;
	c->g.born_ms = c->g.rx_ms = __rpc_now_ms();	/* idle from now */
	pthread_mutex_lock(&ls->lock);
	lc->next = ls->conns[lc->id % LPC_HASH];
	ls->conns[lc->id % LPC_HASH] = lc;
	if (!ls->nconns++)
		pthread_cond_signal(&ls->reap_cv);	/* it had nothing to do */
	pthread_mutex_unlock(&ls->lock);
	a.data = (uintptr_t)out.data;
	a.len = (uint32_t)out.len;
	fd = ioctl(p->fd, LRPC_IOC_ACCEPT, &a);
	if (fd < 0) {
		conn_find(ls, m->conn_id, true);
		__rpc_conn_put(c);
	} else {
		__rpc_conn_set_fd(c, fd);
	}
	__ndr_buf_free(&out);
	free(pdu);
	return;
reject:
	free(lc);
	if (c)
		__rpc_conn_put(c);
	__rpc_guard_uid_put(ls->srv, slot);
	a.flags = LRPC_ACCEPT_F_REJECT;
	a.data = (uintptr_t)out.data;	/* a bind_nak, when there is one */
	a.len = out.len <= LRPC_CONNECT_DATA_MAX ? (uint32_t)out.len : 0;
	ioctl(p->fd, LRPC_IOC_ACCEPT, &a);
	__ndr_buf_free(&out);
	free(pdu);
}

static void on_cancel(struct lpc_srv *ls, uint64_t msg_id)
{
	struct lpc_running *r;

	pthread_mutex_lock(&ls->lock);
	for (r = ls->running; r; r = r->next)
		if (r->msg_id == msg_id)
			__rpc_call_cancel(r->call);
	pthread_mutex_unlock(&ls->lock);
}

/* ---- calls -------------------------------------------------------------- */

/* What a thread answers with: out holds header + inline stub data. */
struct lpc_reply {
	uint64_t id;
	struct ndr_buf out;
	struct lrpc_view_attach va;
	uid_t client_euid;	/* kernel-stamped: seal [out] against it? */
	bool view;
};

__rpc_hot static void reply_header(struct lpc_reply *r, uint8_t type, uint32_t status,
			 uint8_t flags, const uint8_t drep[4])
{
	struct lpc_hdr *h;

	if (__ndr_buf_reserve(&r->out, sizeof(*h)) < 0)
		return;
	if (r->out.len < sizeof(*h))
		r->out.len = sizeof(*h);
	h = (struct lpc_hdr *)r->out.data;
	memset(h, 0, sizeof(*h));
	h->magic = LPC_MAGIC;
	h->type = type;
	h->flags = flags;
	h->status = status;
	memcpy(h->drep, drep, 4);
	h->stub_len = r->out.len - sizeof(*h);
}

static void reply_fault(struct lpc_reply *r, uint32_t status, bool dne)
{
	static const uint8_t le[4] = { 0x10 };

	r->out.len = 0;
	reply_header(r, LPC_T_FAULT, status, dne ? LPC_F_DNE : 0, le);
}

/* An alter_context: the payload is the CO PDU, so is the answer. */
static void on_alter(struct conn *c, const uint8_t *data, size_t len,
		     struct lpc_reply *r)
{
	struct rpc_pdu *pdu = malloc(sizeof(*pdu));

	r->out.len = 0;
	if (!pdu || __rpc_co_decode(data, len, pdu) < 0 ||
	    pdu->hdr.ptype != RPC_PT_ALTER_CONTEXT ||
	    __rpc_conn_bind(c, pdu, &r->out) < 0)
		reply_fault(r, nca_s_proto_error, true);
	free(pdu);
}

__rpc_hot static void on_request(struct lpc_port *p, const struct lrpc_msg_info *m,
		       uint8_t *data, struct lpc_reply *r)
{
	struct lpc_srv *ls = p->ls;
	const struct lpc_hdr *h = (const struct lpc_hdr *)data;
	struct lpc_running run = { .msg_id = m->msg_id };
	struct rpc_peer_cred cred = {
		.pid = m->tgid, .uid = m->uid, .gid = m->gid,
	};
	const uint8_t *stub;
	struct lpc_view *map = NULL;
	size_t hlen;
	uint32_t fault;
	rpc_uuid_t obj;
	struct conn *c;
	bool dne;

	r->id = m->msg_id;
	r->client_euid = m->uid;
	c = conn_find(ls, m->conn_id, false);
	if (!c) {
		reply_fault(r, nca_s_proto_error, true);
		if (__rpc_lpc_has_view(m))
			close(m->view_fd);
		return;
	}
	__rpc_lpc_touch(c);	/* any message is traffic (lpc_guard.c) */
	if (m->len && data[0] != LPC_MAGIC) {
		if (__rpc_lpc_has_view(m))	/* not one we expect */
			reply_fault(r, nca_s_proto_error, true);
		else
			on_alter(c, data, m->len, r);
		goto out;
	}
	hlen = sizeof(*h) + (m->len >= sizeof(*h) &&
			     (h->flags & LPC_F_OBJECT) ? 16 : 0);
	if (m->len < hlen || h->type != LPC_T_REQUEST ||
	    (h->flags & ~LPC_F_ALL) ||
	    (!(h->flags & LPC_F_VIEW) && (h->stub_len != m->len - hlen ||
					  __rpc_lpc_has_view(m))) ||
	    ((h->flags & LPC_F_VIEW) &&
	     (m->view_fd < 0 || h->stub_len > m->view_len))) {
		reply_fault(r, nca_s_proto_error, true);
		goto out;
	}
	if (!__rpc_lpc_call_begin(ls, c)) {	/* over CALLS_PER_CONN */
		reply_fault(r, nca_s_server_too_busy, true);
		goto out;
	}
	if (h->flags & LPC_F_OBJECT)
		memcpy(&obj, data + sizeof(*h), 16);
	run.call = __rpc_call_new(c, h->ctx_id, h->opnum, h->drep,
				  (h->flags & LPC_F_OBJECT) ? &obj : NULL,
				  &cred);
	if (!run.call) {
		reply_fault(r, nca_s_fault_remote_no_memory, true);
		goto out_count;
	}
	stub = data + hlen;
	if (h->flags & LPC_F_VIEW) {
		stub = __rpc_lpc_view_get(&ls->views, m, (size_t)h->stub_len, &map);
		if (!stub) {
			__rpc_call_free(run.call);
			reply_fault(r, nca_s_fault_remote_no_memory, true);
			goto out_count;
		}
	}
	pthread_mutex_lock(&ls->lock);
	run.next = ls->running;
	ls->running = &run;
	pthread_mutex_unlock(&ls->lock);

	/* room for the header in front of the [out] stub data; reserve
	 * before len counts it (reserve takes len <= cap) */
	r->out.len = 0;
	if (__ndr_buf_reserve(&r->out, sizeof(struct lpc_hdr)) == 0)
		r->out.len = sizeof(struct lpc_hdr);
	fault = r->out.len ? __rpc_call_run(run.call, stub,
					    (size_t)h->stub_len, &r->out, &dne)
			   : nca_s_fault_remote_no_memory;

	pthread_mutex_lock(&ls->lock);
	{
		struct lpc_running **pp;

		for (pp = &ls->running; *pp; pp = &(*pp)->next)
			if (*pp == &run) {
				*pp = run.next;
				break;
			}
	}
	pthread_mutex_unlock(&ls->lock);
	if (map)
		__rpc_lpc_view_put(&ls->views, map);
	if (h->flags & LPC_F_MAYBE) {
		r->id = 0;
	} else if (fault) {
		reply_fault(r, fault, dne);
	} else {
		const struct lrpc_features *feat;
		uint8_t drep[4] = { 0x10 };

		__rpc_lpc_dev(&feat);
		if (rpc_call_ctx_big_endian(run.call))
			drep[0] = 0;
		if (r->out.len > feat->max_inline_size) {
			/* large [out]: in a section the client maps */
			int sfd = __rpc_lpc_section(r->out.data + sizeof(*h),
						    r->out.len - sizeof(*h));

			if (sfd < 0) {
				reply_fault(r, nca_s_out_args_too_big, false);
			} else {
				size_t n = r->out.len - sizeof(*h);

				memset(&r->va, 0, sizeof(r->va));
				r->va.fd = sfd;
				/* immutable once sent: the client maps it
				 * and unmarshals from it in place */
				if (__rpc_lpc_seal_for(r->client_euid))
					r->va.flags = LRPC_VIEW_F_SEAL;
				r->view = true;
				r->out.len = sizeof(*h);
				reply_header(r, LPC_T_RESPONSE, 0, LPC_F_VIEW,
					     drep);
				((struct lpc_hdr *)r->out.data)->stub_len = n;
			}
		} else {
			reply_header(r, LPC_T_RESPONSE, 0, 0, drep);
		}
	}
	__rpc_call_free(run.call);
out_count:
	__rpc_lpc_call_end(c);
out:
	if (__rpc_lpc_has_view(m))
		close(m->view_fd);
	__rpc_conn_put(c);
}

/* ---- threads ------------------------------------------------------------ */

static void *port_thread(void *arg);

static void spawn(struct lpc_port *p)
{
	struct lpc_srv *ls = p->ls;
	pthread_attr_t a;
	pthread_t t;

	pthread_mutex_lock(&ls->lock);
	if (ls->nthreads >= ls->max_threads || atomic_load(&ls->stop)) {
		pthread_mutex_unlock(&ls->lock);
		return;
	}
	ls->nthreads++;
	atomic_fetch_add(&p->nthreads, 1);
	atomic_fetch_add(&p->nidle, 1);
	pthread_mutex_unlock(&ls->lock);
	pthread_attr_init(&a);
	pthread_attr_setdetachstate(&a, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&a, 256 << 10);
	if (pthread_create(&t, &a, port_thread, p)) {
		pthread_mutex_lock(&ls->lock);
		ls->nthreads--;
		atomic_fetch_sub(&p->nthreads, 1);
		atomic_fetch_sub(&p->nidle, 1);
		pthread_cond_broadcast(&ls->cv);
		pthread_mutex_unlock(&ls->lock);
	}
	pthread_attr_destroy(&a);
}

__rpc_hot static void reply_done(struct lpc_reply *r)
{
	if (r->view)
		close(r->va.fd);
	r->view = false;
	r->id = 0;
}

__rpc_hot static void *port_thread(void *arg)
{
	struct lpc_port *p = arg;
	struct lpc_srv *ls = p->ls;
	const struct lrpc_features *feat;
	struct lpc_reply r = { 0 };
	struct ndr_buf in = { 0 };	/* received messages, len stays 0 */
	uint8_t *buf;
	int idle = 0;

	__rpc_lpc_dev(&feat);
	buf = __ndr_buf_grow(&in, feat->max_inline_size) ? NULL : in.data;
	while (buf) {
		struct lrpc_reply_recv rr = { 0 };
		bool stop = atomic_load(&ls->stop);
		int ret;

		if (stop && !r.id)
			break;
		rr.reply_id = r.id;
		if (r.id) {
			rr.reply_data = (uintptr_t)r.out.data;
			rr.reply_len = (uint32_t)r.out.len;
			rr.view = r.view ? (uintptr_t)&r.va : 0;
		}
		/* a reply's section fd is closed before this thread waits
		 * again: the wait may be long, and the kernel holds the view */
		rr.flags = stop || r.view ? LRPC_REPLY_F_NORECV :
			   feat->features & LRPC_F_RECV_VIEWS ?
			   LRPC_REPLY_F_VIEWS : 0;
		rr.data = (uintptr_t)buf;
		rr.size = (uint32_t)in.cap;
		rr.timeout_ns = (feat->features & LRPC_F_SHUTDOWN) &&
				atomic_load(&p->nthreads) <= LPC_MIN_THREADS ?
				-1 : LPC_IDLE_NS;
		ret = ioctl(p->fd, LRPC_IOC_REPLY_RECV, &rr) < 0 ? -errno : 0;
		if (r.id) {
			reply_done(&r);
			if (ret == -ENOENT || ret == -ENOBUFS ||
			    (!stop && (rr.flags & LRPC_REPLY_F_NORECV)))
				continue;	/* reply phase: nothing received */
		}
		if (stop)
			break;
		if (ret == -ESHUTDOWN)
			break;
		if (ret == -ETIMEDOUT || ret == -EAGAIN) {
			if (++idle >= LPC_IDLE_EXIT &&
			    atomic_load(&p->nthreads) > LPC_MIN_THREADS)
				break;
			continue;
		}
		if (ret == -EMSGSIZE && rr.msg.len > in.cap) {
			if (!__ndr_buf_grow(&in, rr.msg.len))
				buf = in.data;
			continue;
		}
		if (ret < 0) {
			if (ret != -EINTR)
				break;
			continue;
		}
		idle = 0;
		if (atomic_fetch_sub(&p->nidle, 1) == 1)
			spawn(p);	/* nobody left waiting on the port */
		switch (rr.msg.kind) {
		case LRPC_MSG_CONNECT_REQUEST:
			on_connect(p, &rr.msg, buf);
			break;
		case LRPC_MSG_REQUEST:
			on_request(p, &rr.msg, buf, &r);
			break;
		case LRPC_MSG_PORT_CLOSED: {
			const uint64_t id = rr.msg.conn_id;
			struct conn *c = conn_find(ls, id, true);

			__rpc_lpc_view_drop(&ls->views, &id);
			if (c)
				__rpc_conn_put(c);	/* runs down its handles */
			break;
		}
		case LRPC_MSG_CANCEL:
			on_cancel(ls, rr.msg.msg_id);
			break;
		default:
			break;
		}
		/* only a request may bring a view (on_request closes it) */
		if (rr.msg.kind != LRPC_MSG_REQUEST &&
		    __rpc_lpc_has_view(&rr.msg))
			close(rr.msg.view_fd);
		atomic_fetch_add(&p->nidle, 1);
	}
	__ndr_buf_free(&r.out);
	__ndr_buf_free(&in);
	pthread_mutex_lock(&ls->lock);
	atomic_fetch_sub(&p->nidle, 1);
	atomic_fetch_sub(&p->nthreads, 1);
	ls->nthreads--;
	pthread_cond_broadcast(&ls->cv);
	pthread_mutex_unlock(&ls->lock);
	return NULL;
}

/* Wake (flags 0) or re-arm (LRPC_SHUTDOWN_F_RESUME) the port's waits. */
static void port_shutdown(struct lpc_port *p, uint32_t flags)
{
	struct lrpc_port_shutdown sd = { .flags = flags };
	const struct lrpc_features *feat;

	if (__rpc_lpc_dev(&feat) >= 0 && (feat->features & LRPC_F_SHUTDOWN))
		ioctl(p->fd, LRPC_IOC_PORT_SHUTDOWN, &sd);
}

int __rpc_lpc_start(struct rpc_server *srv, unsigned int max_calls)
{
	struct lpc_srv *ls = lpc_of(srv, false);
	int i, k;

	if (!ls || !ls->nports)
		return 0;
	atomic_store(&ls->stop, false);
	for (i = 0; i < ls->nports; i++)
		port_shutdown(&ls->ports[i], LRPC_SHUTDOWN_F_RESUME);
	ls->max_threads = (max_calls ? max_calls : 256) +
			  (unsigned int)ls->nports * LPC_MIN_THREADS;
	ls->started = true;
	pthread_mutex_lock(&ls->lock);
	__rpc_lpc_reaper_start_locked(ls);
	pthread_mutex_unlock(&ls->lock);
	for (i = 0; i < ls->nports; i++)
		for (k = 0; k < LPC_MIN_THREADS; k++)
			spawn(&ls->ports[i]);
	return 0;
}

void __rpc_lpc_stop(struct rpc_server *srv)
{
	struct lpc_srv *ls = lpc_of(srv, false);
	int i;

	if (!ls)
		return;
	atomic_store(&ls->stop, true);
	pthread_mutex_lock(&ls->lock);
	pthread_cond_broadcast(&ls->reap_cv);
	pthread_mutex_unlock(&ls->lock);
	for (i = 0; i < ls->nports; i++)
		port_shutdown(&ls->ports[i], 0);
}

/*
 * Wait until no thread of the server's ports runs (nor its reaper), so
 * no manager does and no rundown runs:
 * a thread that runs a call replies and exits once it returns.  Calls
 * get LPC_STOP_GRACE_MS, as the socket path's do, then are cancelled
 * (rpc_call_ctx_cancelled()) and waited for.
 */
void __rpc_lpc_wait(struct rpc_server *srv)
{
	struct lpc_srv *ls = lpc_of(srv, false);
	int64_t deadline = __rpc_now_ms() + LPC_STOP_GRACE_MS;
	bool cancelled = false;

	if (!ls)
		return;
	__rpc_lpc_stop(srv);	/* again: the stop may have raced a start */
	pthread_mutex_lock(&ls->lock);
	while (ls->nthreads || ls->reaping) {
		if (!cancelled && __rpc_now_ms() >= deadline) {
			struct lpc_running *r;

			for (r = ls->running; r; r = r->next)
				__rpc_call_cancel(r->call);
			cancelled = true;
		}
		__rpc_cond_wait_ns(&ls->cv, &ls->lock, 100 * 1000000LL);
	}
	pthread_mutex_unlock(&ls->lock);
}

void __rpc_lpc_free(struct rpc_server *srv)
{
	struct lpc_srv *ls = lpc_of(srv, false), **pp;
	int i;

	if (!ls)
		return;
	__rpc_lpc_wait(srv);
	for (i = 0; i < ls->nports; i++)
		close(ls->ports[i].fd);
	__rpc_lpc_view_drop(&ls->views, NULL);
	for (i = 0; i < LPC_HASH; i++)
		while (ls->conns[i]) {
			struct lpc_conn *lc = ls->conns[i];

			ls->conns[i] = lc->next;
			__rpc_conn_put(lc->c);
			__rpc_guard_uid_put(srv, lc->uid_slot);
			free(lc);
		}
	pthread_mutex_lock(&servers_lock);
	for (pp = &servers; *pp; pp = &(*pp)->next)
		if (*pp == ls) {
			*pp = ls->next;
			break;
		}
	pthread_mutex_unlock(&servers_lock);
	pthread_mutex_destroy(&ls->lock);
	pthread_mutex_destroy(&ls->views.lock);
	pthread_cond_destroy(&ls->cv);
	pthread_cond_destroy(&ls->reap_cv);
	free(ls);
}

/* Before the connection-oriented engine in lib/engines.c: its
 * connections give their uid slots back to that engine's guards. */
const struct rpc_server_engine __rpc_lpc_server_engine = {
	.name = "lpc",
	.listen = __rpc_lpc_listen,
	.start = __rpc_lpc_start,
	.stop = __rpc_lpc_stop,
	.wait = __rpc_lpc_wait,
	.free = __rpc_lpc_free,
};
