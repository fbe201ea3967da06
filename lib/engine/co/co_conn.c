// SPDX-License-Identifier: MIT
/*
 * Connections of the connection-oriented server engine: the listeners
 * (rpc_server_use_protseq) and what they accept, reading and framing
 * PDUs (non-blocking, on the leader), the per-connection output queue
 * the answering thread flushes (or the leader on EPOLLOUT), closing,
 * reaping the expired, and the drain at teardown.  A connection whose
 * queue is large or that has too many calls running is not read from
 * until it drains, so a slow or hostile client only delays itself.  The
 * PDUs themselves: co_server.c.  Locks: co_int.h.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include "engine/co/co_int.h"
#include "engine/co/co_server_auth.h"
#include "ndr/spare.h"
#include "ndr/buf.h"

#define container_of(p, type, m) ((type *)((char *)(p) - offsetof(type, m)))

static void outbuf_free(struct outbuf *o)
{
	__ndr_buf_free(&o->big);
	free(o);
}

/* A released call context is kept per thread (spare.h). */
__rpc_hot struct rpc_call_ctx *__rpc_co_call_alloc(void)
{
	struct rpc_call_ctx *call = __lrpc_spare_take(LRPC_SPARE_CALL);

	if (!call)
		return calloc(1, sizeof(*call));
	memset(call, 0, sizeof(*call));
	return call;
}

__rpc_hot void __rpc_co_call_free(struct rpc_call_ctx *call)
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

/* ---- what a manager asks of its connection ------------------------------ */

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

		/* an IPv4 client of a listener on every address ([::]) is
		 * the IPv4 address it is, not ::ffff:a.b.c.d */
		if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr))
			inet_ntop(AF_INET, &a->sin6_addr.s6_addr[12], host,
				  sizeof(host));
		else
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

int rpc_call_ctx_peer_cred(const struct rpc_call_ctx *call, pid_t *pid,
			   uid_t *uid, gid_t *gid)
{
	struct rpc_peer_cred pc;

	if (!call)
		return -EINVAL;
	if (call->has_cred)
		pc = call->cred;
	else if (call->conn && call->conn->has_peer)
		pc = call->conn->peer;
	else
		return -EOPNOTSUPP;	/* a network caller */
	if (pid)
		*pid = pc.pid;
	if (uid)
		*uid = pc.uid;
	if (gid)
		*gid = pc.gid;
	return 0;
}

/* ---- output -------------------------------------------------------------- */

/* c->lock held. */
void __rpc_co_flush_locked(struct conn *c)
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
	__rpc_co_update_events(c);
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
	__rpc_co_flush_locked(c);
	return 0;
}

int __rpc_co_send(struct conn *c, struct ndr_buf *b)
{
	int ret;

	pthread_mutex_lock(&c->lock);
	ret = conn_queue_locked(c, b);
	pthread_mutex_unlock(&c->lock);
	return ret;
}

/* c->lock held. */
void __rpc_co_update_events(struct conn *c)
{
	uint32_t ev = 0;
	struct epoll_event e;

	if (c->closing)
		return;
	/* over the calls cap a few more are read, to be refused */
	if (c->oq_bytes < CONN_OUTQ_HIGH &&
	    c->ncalls < __rpc_co_max_calls(c->srv) + GUARD_CALLS_OVER &&
	    !c->close_after_flush)
		ev |= EPOLLIN;
	if (c->oq_head)
		ev |= EPOLLOUT;
	if (ev == c->events)
		return;
	c->events = ev;
	e.events = ev | EPOLLRDHUP;
	e.data.ptr = &c->src;
	epoll_ctl(c->srv->epfd, EPOLL_CTL_MOD, c->fd, &e);
}

/* An answer cannot be queued: end the connection (the loop sees EOF and
 * closes it), so the client does not wait for what will never come. */
void __rpc_co_abort(struct conn *c)
{
	pthread_mutex_lock(&c->lock);
	if (!c->closing)
		shutdown(c->fd, SHUT_RDWR);
	pthread_mutex_unlock(&c->lock);
}

/* Unlink call from c's list of calls and free it. */
void __rpc_co_call_unlink_free(struct conn *c, struct rpc_call_ctx *call)
{
	struct rpc_call_ctx **pp;

	pthread_mutex_lock(&c->lock);
	for (pp = &c->calls; *pp; pp = &(*pp)->next)
		if (*pp == call) {
			*pp = call->next;
			c->ncalls--;
			break;
		}
	__rpc_co_update_events(c);
	pthread_mutex_unlock(&c->lock);
	__rpc_co_call_free(call);
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
	__rpc_co_auth_free(c);
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
		__rpc_co_call_free(call);
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
			__rpc_co_frame(c, f, c->flen);
			free(f);
			/* run the call now; the level-triggered set tells the
			 * next leader about anything still unread */
			if (__rpc_ready_head)
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

/* The leader: c is ready (its fd is in the level-triggered set). */
static void conn_ready(struct rpc_server *srv, struct rpc_event_source *src,
		       uint32_t events)
{
	struct conn *c = container_of(src, struct conn, src);
	bool ok = true;

	if (events & EPOLLOUT) {
		pthread_mutex_lock(&c->lock);
		__rpc_co_flush_locked(c);
		pthread_mutex_unlock(&c->lock);
	}
	if (events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR))
		ok = conn_read(c);
	if (events & (EPOLLHUP | EPOLLERR))
		ok = false;
	if (!ok)
		conn_close(c);
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
		c->src.ready = conn_ready;
		c->srv = srv;
		c->lst = l;
		c->fd = fd;
		if (l->ops == &__rpc_transport_unix) {
			/* fixed at connect(): asked once, not per call */
			struct ucred uc;
			socklen_t ul = sizeof(uc);

			if (!getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &ul)) {
				c->peer = (struct rpc_peer_cred){
					uc.pid, uc.uid, uc.gid };
				c->has_peer = true;
			}
		}
		atomic_init(&c->refs, 1);
		pthread_mutex_init(&c->lock, NULL);
		pthread_mutex_init(&c->bind_lock, NULL);
		c->max_xmit = c->max_recv = RPC_MIN_FRAG;
		c->events = EPOLLIN;
		e.events = EPOLLIN | EPOLLRDHUP;
		e.data.ptr = &c->src;
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

static void listener_ready(struct rpc_server *srv, struct rpc_event_source *src,
			   uint32_t events)
{
	accept_conns(srv, container_of(src, struct srv_listener, src));
}

/* Close the connections whose bind, PDU, idle or send time-out passed
 * (see co_guard.c); the leader only, like every conn_close. */
void __rpc_co_reap(struct rpc_server *srv)
{
	struct conn *c, *dead[64];
	int64_t now = __rpc_now_ms();
	int n = 0, i;

	pthread_mutex_lock(&srv->lock);
	for (c = srv->conns; c && n < 64; c = c->next) {
		bool exp;

		pthread_mutex_lock(&c->lock);
		exp = !c->closing &&
		      __rpc_guard_expired(srv->guard, &c->g, c->bound,
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
 * Teardown, the leader gone (runtime/workers.c): nothing is read any
 * more, so no new calls start.  The calls running or queued get until
 * deadline to finish and their answers to go out; then the connections
 * are dropped, which cancels what is left.
 */
static void co_drain(struct rpc_server *srv, int64_t deadline)
{
	struct timespec nap = { 0, 10 * 1000000 };

	while (__rpc_now_ms() < deadline) {
		struct conn *c;
		bool busy;

		pthread_mutex_lock(&srv->lock);
		busy = atomic_load(&srv->running) || srv->jq_head;
		for (c = srv->conns; c && !busy; c = c->next) {
			pthread_mutex_lock(&c->lock);
			__rpc_co_flush_locked(c);
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
	l->src.ready = listener_ready;
	l->fd = fd;
	l->ops = ops;
	ops->sec_addr(l->endpoint, l->sec_addr, sizeof(l->sec_addr));
	/* the other engines' ports beside it (ncalrpc's kernel port); an
	 * engine may claim the socket itself (the datagram engine sets
	 * l->src.ready): before it is in the set, so accept never sees it */
	ret = __rpc_server_engines_listen(srv, l);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	e.data.ptr = &l->src;
	if (epoll_ctl(srv->epfd, EPOLL_CTL_ADD, fd, &e) < 0) {
		ret = -errno;
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

/* ---- the kernel path's connections (lpc_server.c) ---------------------- */

struct conn *__rpc_conn_new(struct rpc_server *srv,
			    const struct srv_listener *lst)
{
	struct conn *c = calloc(1, sizeof(*c));

	if (!c)
		return NULL;
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

__rpc_hot void __rpc_call_free(struct rpc_call_ctx *call)
{
	__rpc_co_call_free(call);
}

/* Its guards' timer (co_guard.c) is its only source besides the sockets;
 * it has no threads of its own.  Freed after the local engine, whose
 * connections give their uid slots back to the guards. */
const struct rpc_server_engine __rpc_co_server_engine = {
	.name = "co",
	.init = __rpc_guard_init,
	.drain = co_drain,
	.free = __rpc_guard_free,
};
