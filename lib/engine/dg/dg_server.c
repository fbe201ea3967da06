// SPDX-License-Identifier: MIT
/*
 * The connectionless (ncadg_ip_udp) server engine: its listen hook claims
 * the datagram listeners rpc_server_use_protseq opens (their source in
 * the epoll set reads datagrams instead of accepting), a timer ages the
 * activity table and retransmits, and each datagram a client sends is
 * handled on the leader ([C706] 10, the server's protocol machines):
 *
 *   request   fragments reassembled, facked unless NOFACK; once whole, a
 *             call for the leader's ready list; the same call again:
 *             "working" while it runs, its cached answer once done; an
 *             older sequence number: dropped
 *   ping      working / the answer again / nocall (with a fack body of
 *             the fragments held, when receiving)
 *   ack       the cached answer is forgotten
 *   cl_cancel the running call is cancelled; cancel_ack
 *   fack      moves the window of a fragmented response
 *
 * Calls and answers: dg_server_reply.c; the table: dg_activity.c.
 *
 * A non-idempotent call from an activity the server has no record of
 * runs only after the conversation-manager callback: dg_server_conv.c.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>
#include "engine/co/co_int.h"
#include "engine/dg/dg_server.h"
#include "transport/transport.h"

#define container_of(p, type, m) ((type *)((char *)(p) - offsetof(type, m)))

static pthread_mutex_t servers_lock = PTHREAD_MUTEX_INITIALIZER;
static struct dg_srv *servers;
/* the leader reads one datagram at a time (one leader per server; a
 * thread is the leader of one server only) */
static __thread uint8_t *rxbuf;

struct dg_srv *__rpc_dg_srv_of(struct rpc_server *srv)
{
	struct dg_srv *dg;

	pthread_mutex_lock(&servers_lock);
	for (dg = servers; dg; dg = dg->next)
		if (dg->srv == srv)
			break;
	pthread_mutex_unlock(&servers_lock);
	return dg;
}

static bool is_datagram(const struct srv_listener *l)
{
	return l->ops && l->ops->datagram;
}

/* ---- answers without an activity --------------------------------------- */

/* A reject, nocall or the like to a request we keep nothing of. */
static void reply_to(struct dg_srv *dg, int fd,
		     const struct sockaddr_storage *peer, socklen_t plen,
		     const struct dg_hdr *req, uint8_t ptype,
		     const uint8_t *body, size_t n)
{
	uint8_t pkt[DG_HDR_LEN + 64];
	struct dg_hdr h = *req;

	if (n > sizeof(pkt) - DG_HDR_LEN)
		return;
	h.ptype = ptype;
	h.flags1 = 0;
	h.flags2 = 0;
	dg_drep_local(h.drep);
	h.server_boot = dg->boot;
	h.ihint = DG_NO_HINT;
	h.ahint = DG_NO_HINT;
	h.len = (uint16_t)n;
	h.fragnum = 0;
	h.auth_proto = 0;
	h.serial = 0;
	dg_hdr_encode(&h, pkt);
	if (n)
		memcpy(pkt + DG_HDR_LEN, body, n);
	if (sendto(fd, pkt, DG_HDR_LEN + n, MSG_DONTWAIT | MSG_NOSIGNAL,
		   (const struct sockaddr *)peer, plen) > 0)
		atomic_fetch_add(&dg->srv->pkts_out, 1);
}

static void reject_to(struct dg_srv *dg, int fd,
		      const struct sockaddr_storage *peer, socklen_t plen,
		      const struct dg_hdr *req, uint32_t status)
{
	uint8_t b[4];

	dg_status_encode(status, false, b);
	reply_to(dg, fd, peer, plen, req, DG_PT_REJECT, b, 4);
}

/* ---- requests ----------------------------------------------------------- */

/* The fack a fragment without NOFACK asks for: what a holds. */
static void send_fack(struct dg_srv *dg, struct dg_srv_act *a, uint8_t ptype,
		      uint16_t serial)
{
	uint8_t body[20 + 4 * DG_SELACK_MAX];
	struct dg_fack f;
	size_t n;

	memset(&f, 0, sizeof(f));
	f.vers = DG_FACK_VERS;
	f.window_size = DG_WINDOW_KB;
	f.max_tsdu = DG_RECV_MAX;
	f.max_frag_size = DG_MAX_PDU;
	f.serial_num = serial;
	if (a->rs_live)
		dg_reasm_selack(&a->rs, &f);
	n = dg_fack_encode(&f, dg_hdr_be(&a->req), body);
	__rpc_dg_send(dg, a, ptype, 0,
		      a->rs_live && a->rs.inorder >= 0 ?
		      (uint16_t)a->rs.inorder : 0xffff, body, n);
}

/* Another fragment of a's call: 1 with the whole body in *out, 0 kept,
 * < 0 dropped or answered. */
static int add_fragment(struct dg_srv *dg, struct dg_srv_act *a,
			const struct dg_hdr *h, const uint8_t *body,
			uint8_t **out, size_t *len)
{
	size_t before;
	int r;

	if (!(h->flags1 & DG_F1_FRAG)) {
		if (a->rs_live)
			return -EPROTO;		/* contradicts what we hold */
		*out = malloc(h->len ? h->len : 1);
		if (!*out)
			return -ENOMEM;
		memcpy(*out, body, h->len);
		*len = h->len;
		return 1;
	}
	if (h->opnum != a->req.opnum ||
	    rpc_uuid_compare(&h->if_id, &a->req.if_id)) {
		atomic_fetch_add(&dg->st.malformed, 1);
		return -EPROTO;
	}
	if (dg->bytes + h->len > DG_TOTAL_MAX) {
		atomic_fetch_add(&dg->st.refused, 1);
		return -ENOMEM;	/* dropped: the client sends it again */
	}
	if (!a->rs_live) {
		dg_reasm_init(&a->rs, DG_ACT_IN_MAX);
		a->rs_live = true;
	}
	before = a->rs.bytes;
	r = dg_reasm_add(&a->rs, h->fragnum, body, h->len,
			 h->flags1 & DG_F1_LASTFRAG);
	__rpc_dg_act_account(dg, a, (ssize_t)(a->rs.bytes - before));
	if (r == -EPROTO) {
		__rpc_dg_answer_status(dg, a, nca_s_proto_error);
		return r;
	}
	if (r == -EMSGSIZE) {
		__rpc_dg_answer_status(dg, a, nca_s_fault_remote_no_memory);
		return r;
	}
	if (r < 0)
		return r;
	if (!(h->flags1 & DG_F1_NOFACK))
		send_fack(dg, a, DG_PT_FACK, h->serial);
	if (r == 0)
		return 0;
	before = a->rs.bytes;
	r = dg_reasm_take(&a->rs, out, len);
	__rpc_dg_act_account(dg, a, -(ssize_t)before);
	dg_reasm_free(&a->rs);
	a->rs_live = false;
	return r < 0 ? r : 1;
}

/* The same call again (a retransmission): no second execution. */
static void duplicate(struct dg_srv *dg, struct dg_srv_act *a, int64_t now)
{
	atomic_fetch_add(&dg->st.dup_requests, 1);
	switch (a->state) {
	case DG_A_RUNNING:
		__rpc_dg_send(dg, a, DG_PT_WORKING, 0, 0, NULL, 0);
		break;
	case DG_A_DONE:
		a->next = a->una;
		__rpc_dg_resend(dg, a, now);
		break;
	default:	/* acknowledged and forgotten: an old copy */
		atomic_fetch_add(&dg->st.stale, 1);
		break;
	}
}

static struct rpc_call_ctx *on_request(struct dg_srv *dg, int fd,
				       const struct sockaddr_storage *peer,
				       socklen_t plen, const struct dg_hdr *h,
				       const uint8_t *body, int64_t now,
				       bool *ask)
{
	struct rpc_call_ctx *call = NULL;
	struct dg_srv_act *a;
	uint8_t *in;
	size_t len;

	if (h->server_boot && h->server_boot != dg->boot) {
		/* meant for an earlier instance of this server */
		reject_to(dg, fd, peer, plen, h, nca_s_wrong_boot_time);
		return NULL;
	}
	if (h->auth_proto) {
		reject_to(dg, fd, peer, plen, h, nca_s_unspec_reject);
		return NULL;
	}
	pthread_mutex_lock(&dg->lock);
	a = __rpc_dg_act_find(dg, &h->act_id);
	if (!a) {
		a = __rpc_dg_act_new(dg, &h->act_id);
		if (!a) {
			pthread_mutex_unlock(&dg->lock);
			atomic_fetch_add(&dg->st.refused, 1);
			reject_to(dg, fd, peer, plen, h,
				  nca_s_server_too_busy);
			return NULL;
		}
	} else if (a->have_seq) {
		int32_t d = (int32_t)(h->seqnum - a->seq);

		if (d < 0) {
			atomic_fetch_add(&dg->st.stale, 1);
			goto out;
		}
		if (d == 0 && a->state != DG_A_RECV) {
			__rpc_dg_act_touch(dg, a, now);
			duplicate(dg, a, now);
			goto out;
		}
		if (d > 0 && a->state == DG_A_RUNNING) {
			/* the client gave up on the call still running
			 * and started the next: it has to wait */
			atomic_fetch_add(&dg->st.refused, 1);
			goto out;
		}
		if (d > 0)	/* a new call acknowledges the last */
			__rpc_dg_act_clear(dg, a);
	}
	if (a->state == DG_A_IDLE) {
		a->seq = h->seqnum;
		a->have_seq = true;
		a->req = *h;
		a->state = DG_A_RECV;
	}
	a->fd = fd;
	memcpy(&a->peer, peer, plen);
	a->plen = plen;
	__rpc_dg_act_touch(dg, a, now);
	if (add_fragment(dg, a, h, body, &in, &len) == 1) {
		if (dg->bytes + dg->call_bytes + len > DG_TOTAL_MAX) {
			free(in);
			__rpc_dg_answer_status(dg, a, nca_s_server_too_busy);
		} else {
			call = __rpc_dg_call_new(dg, a, in, len);
			/* at most once: who is this? ([C706] 10.2) */
			*ask = call && !a->verified && !atomic_load(&dg->no_callback) &&
			       !(a->req.flags1 & (DG_F1_IDEMPOTENT |
						  DG_F1_MAYBE |
						  DG_F1_BROADCAST));
			if (call && !*ask)
				a->verified = true;
		}
	} else if (a->state == DG_A_RECV && !a->rs_live) {
		a->state = DG_A_IDLE;	/* nothing kept of it */
	}
out:
	pthread_mutex_unlock(&dg->lock);
	return call;
}

/* ---- the other PDUs from a client --------------------------------------- */

static void on_ping(struct dg_srv *dg, int fd,
		    const struct sockaddr_storage *peer, socklen_t plen,
		    const struct dg_hdr *h, int64_t now)
{
	struct dg_srv_act *a;

	pthread_mutex_lock(&dg->lock);
	a = __rpc_dg_act_find(dg, &h->act_id);
	if (!a || !a->have_seq || a->seq != h->seqnum) {
		pthread_mutex_unlock(&dg->lock);
		reply_to(dg, fd, peer, plen, h, DG_PT_NOCALL, NULL, 0);
		return;
	}
	__rpc_dg_act_touch(dg, a, now);
	switch (a->state) {
	case DG_A_RECV:		/* what we hold of its fragments */
		send_fack(dg, a, DG_PT_NOCALL, h->serial);
		break;
	case DG_A_RUNNING:
		__rpc_dg_send(dg, a, DG_PT_WORKING, 0, 0, NULL, 0);
		break;
	case DG_A_DONE:
		if (a->rtype) {
			a->next = a->una;
			__rpc_dg_resend(dg, a, now);
			atomic_fetch_add(&dg->st.resent, 1);
		} else {	/* [maybe]: nothing to send */
			__rpc_dg_send(dg, a, DG_PT_NOCALL, 0, 0, NULL, 0);
		}
		break;
	default:
		__rpc_dg_send(dg, a, DG_PT_NOCALL, 0, 0, NULL, 0);
		break;
	}
	pthread_mutex_unlock(&dg->lock);
}

/* ack, cl_cancel, fack: about a's current call, or nothing. */
static void on_client_pdu(struct dg_srv *dg, int fd,
			  const struct sockaddr_storage *peer, socklen_t plen,
			  const struct dg_hdr *h, const uint8_t *body,
			  int64_t now)
{
	struct dg_cancel c;
	struct dg_srv_act *a;

	pthread_mutex_lock(&dg->lock);
	a = __rpc_dg_act_find(dg, &h->act_id);
	if (a && a->have_seq && a->seq == h->seqnum) {
		__rpc_dg_act_touch(dg, a, now);
		switch (h->ptype) {
		case DG_PT_ACK:
			if (a->state == DG_A_DONE)
				__rpc_dg_act_clear(dg, a);
			break;
		case DG_PT_FACK:
			if (a->state == DG_A_DONE)
				__rpc_dg_fack_in(dg, a, h, body, h->len, now);
			break;
		case DG_PT_CL_CANCEL:
			if (a->state == DG_A_RUNNING && a->call)
				__rpc_call_cancel(a->call);
			break;
		}
	}
	pthread_mutex_unlock(&dg->lock);
	if (h->ptype == DG_PT_CL_CANCEL &&
	    !dg_cancel_decode(body, h->len, dg_hdr_be(h), false, &c)) {
		uint8_t b[16];
		size_t n;

		/* we take cancels whenever a call runs */
		c.vers = 0;
		c.server_is_accepting = true;
		n = dg_cancel_encode(&c, false, true, b);
		reply_to(dg, fd, peer, plen, h, DG_PT_CANCEL_ACK, b, n);
	}
}

static struct rpc_call_ctx *on_datagram(struct dg_srv *dg, int fd,
					const struct sockaddr_storage *peer,
					socklen_t plen, const uint8_t *p,
					size_t n, int64_t now, bool *ask)
{
	struct dg_hdr h;

	if (dg_hdr_decode(p, n, &h) < 0) {
		atomic_fetch_add(&dg->st.malformed, 1);
		return NULL;
	}
	switch (h.ptype) {
	case DG_PT_REQUEST:
		return on_request(dg, fd, peer, plen, &h, p + DG_HDR_LEN, now,
				  ask);
	case DG_PT_PING:
		on_ping(dg, fd, peer, plen, &h, now);
		break;
	case DG_PT_ACK:
	case DG_PT_FACK:
	case DG_PT_CL_CANCEL:
		on_client_pdu(dg, fd, peer, plen, &h, p + DG_HDR_LEN, now);
		break;
	case DG_PT_RESPONSE:
	case DG_PT_FAULT:
	case DG_PT_REJECT:
	case DG_PT_WORKING:
	case DG_PT_NOCALL:
		/* a client answering a conv callback of ours */
		pthread_mutex_lock(&dg->lock);
		if (!__rpc_dg_conv_in(dg, peer, &h, p + DG_HDR_LEN))
			atomic_fetch_add(&dg->st.malformed, 1);
		pthread_mutex_unlock(&dg->lock);
		break;
	default:	/* a server's PDU: not ours to answer */
		atomic_fetch_add(&dg->st.malformed, 1);
		break;
	}
	return NULL;
}

/* A call whose client must vouch for it first (dg_server_conv.c). */
static void conv(struct dg_srv *dg, struct rpc_call_ctx *call)
{
	struct dg_call *dc = (struct dg_call *)call;

	atomic_fetch_add(&dg->st.conv_calls, 1);
	if (__rpc_dg_conv_start(dg, call, dc->act))
		return;
	pthread_mutex_lock(&dg->lock);
	if (dc->act->call == call)
		__rpc_dg_answer_status(dg, dc->act, nca_s_server_too_busy);
	pthread_mutex_unlock(&dg->lock);
	call->ops->done(call);
}

/* The leader: the socket of l is readable. */
static void sock_ready(struct rpc_server *srv, struct rpc_event_source *src,
		       uint32_t events)
{
	struct srv_listener *l = container_of(src, struct srv_listener, src);
	struct dg_srv *dg = __rpc_dg_srv_of(srv);
	int i;

	if (!dg)
		return;
	if (!rxbuf) {
		rxbuf = malloc(DG_RECV_MAX);
		if (!rxbuf)
			return;
	}
	/* a bounded burst per wake-up; the set is level-triggered */
	for (i = 0; i < 64; i++) {
		struct sockaddr_storage peer;
		socklen_t plen = sizeof(peer);
		struct rpc_call_ctx *call;
		bool ask = false;
		ssize_t r = recvfrom(l->fd, rxbuf, DG_RECV_MAX,
				     MSG_DONTWAIT | MSG_TRUNC,
				     (struct sockaddr *)&peer, &plen);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return;		/* EAGAIN, or an ICMP error */
		}
		atomic_fetch_add(&srv->pkts_in, 1);
		if ((size_t)r > DG_RECV_MAX) {
			atomic_fetch_add(&dg->st.malformed, 1);
			continue;
		}
		call = on_datagram(dg, l->fd, &peer, plen, rxbuf, (size_t)r,
				   __rpc_now_ms(), &ask);
		if (call && ask) {
			conv(dg, call);
		} else if (call) {
			__rpc_ready_add(call);
			return;		/* run it now */
		}
	}
}

static void timer_ready(struct rpc_server *srv, struct rpc_event_source *src,
			uint32_t events)
{
	struct dg_srv *dg = container_of(src, struct dg_srv, timer_src);
	uint64_t ticks;

	if (read(dg->tfd, &ticks, sizeof(ticks)) < 0 && errno != EAGAIN)
		return;
	pthread_mutex_lock(&dg->lock);
	__rpc_dg_act_age(dg, __rpc_now_ms());
	pthread_mutex_unlock(&dg->lock);
}

/* ---- engine hooks ------------------------------------------------------- */

static void dg_free_one(struct dg_srv *dg)
{
	if (dg->tfd >= 0) {
		epoll_ctl(dg->srv->epfd, EPOLL_CTL_DEL, dg->tfd, NULL);
		close(dg->tfd);
	}
	__rpc_dg_act_free_all(dg);
	pthread_cond_destroy(&dg->conv_cv);
	if (dg->conn)
		__rpc_conn_put(dg->conn);
	pthread_mutex_destroy(&dg->lock);
	free(dg);
}

/* The engine's state for srv, made at its first datagram listener. */
static struct dg_srv *dg_create(struct rpc_server *srv, struct srv_listener *l)
{
	struct itimerspec its = {
		.it_interval = { 0, DG_TICK_MS * 1000000L },
		.it_value = { 0, DG_TICK_MS * 1000000L },
	};
	struct epoll_event e = { .events = EPOLLIN };
	struct dg_srv *dg = calloc(1, sizeof(*dg));
	struct timespec now;

	if (!dg)
		return NULL;
	dg->srv = srv;
	pthread_mutex_init(&dg->lock, NULL);
	pthread_cond_init(&dg->conv_cv, NULL);
	/* [C706]: the server's boot time, seconds; never 0 (a client's
	 * "do not know yet") */
	clock_gettime(CLOCK_REALTIME, &now);
	dg->boot = (uint32_t)now.tv_sec ? (uint32_t)now.tv_sec : 1;
	dg->timer_src.ready = timer_ready;
	dg->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	dg->conn = __rpc_conn_new(srv, l);
	e.data.ptr = &dg->timer_src;
	if (dg->tfd < 0 || !dg->conn ||
	    timerfd_settime(dg->tfd, 0, &its, NULL) < 0 ||
	    epoll_ctl(srv->epfd, EPOLL_CTL_ADD, dg->tfd, &e) < 0) {
		if (dg->tfd >= 0)
			close(dg->tfd);
		dg->tfd = -1;
		dg_free_one(dg);
		return NULL;
	}
	pthread_mutex_lock(&servers_lock);
	dg->next = servers;
	servers = dg;
	pthread_mutex_unlock(&servers_lock);
	return dg;
}

/* rpc_server_use_protseq opened l: a datagram socket is ours, read by
 * sock_ready instead of the stream engine's accept. */
static int dg_listen(struct rpc_server *srv, struct srv_listener *l)
{
	int sz = 1 << 20;

	if (!is_datagram(l))
		return 0;
	if (!__rpc_dg_srv_of(srv) && !dg_create(srv, l))
		return -rpc_s_out_of_resources;
	/* bursts of fragments from many clients wait in the socket */
	setsockopt(l->fd, SOL_SOCKET, SO_RCVBUF, &sz, sizeof(sz));
	setsockopt(l->fd, SOL_SOCKET, SO_SNDBUF, &sz, sizeof(sz));
	l->src.ready = sock_ready;
	return 0;
}

/* Teardown, the leader gone: let the calls finish until deadline, then
 * cancel what still runs (the runtime waits for its threads after). */
static void dg_drain(struct rpc_server *srv, int64_t deadline)
{
	struct dg_srv *dg = __rpc_dg_srv_of(srv);
	struct timespec nap = { 0, 10 * 1000000 };
	struct dg_srv_act *a;

	if (!dg)
		return;
	while (__rpc_now_ms() < deadline) {
		bool busy;

		pthread_mutex_lock(&srv->lock);
		busy = atomic_load(&srv->running) || srv->jq_head;
		pthread_mutex_unlock(&srv->lock);
		if (!busy)
			break;
		nanosleep(&nap, NULL);
	}
	pthread_mutex_lock(&dg->lock);
	for (a = dg->lru_head; a; a = a->lnext)
		if (a->call) {
			atomic_store(&a->call->orphaned, true);
			__rpc_call_cancel(a->call);
		}
	/* the callback threads are the engine's own: each ends within
	 * DG_CONV_TIMEOUT_MS and the call it then runs */
	while (dg->nconv)
		pthread_cond_wait(&dg->conv_cv, &dg->lock);
	pthread_mutex_unlock(&dg->lock);
}

static void dg_free(struct rpc_server *srv)
{
	struct dg_srv **pp, *dg = NULL;

	pthread_mutex_lock(&servers_lock);
	for (pp = &servers; *pp; pp = &(*pp)->next)
		if ((*pp)->srv == srv) {
			dg = *pp;
			*pp = dg->next;
			break;
		}
	pthread_mutex_unlock(&servers_lock);
	if (dg)
		dg_free_one(dg);
}

const struct rpc_server_engine __rpc_dg_server_engine = {
	.name = "dg",
	.listen = dg_listen,
	.drain = dg_drain,
	.free = dg_free,
};
