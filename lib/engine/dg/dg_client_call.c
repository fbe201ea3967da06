// SPDX-License-Identifier: MIT
/*
 * One call of the datagram client ([C706] 10.2, 10.3, 12.5): the [in]
 * octets go in request fragments of at most DG_MAX_BODY octets, a window
 * of them at a time; the server's facks (the highest fragment it has in
 * order, and a selective-ack bitmask beyond it) move the window and show
 * the holes, which are sent again.  A fragment is sent again only for a
 * fack that came after its last transmission (serial numbers), or after
 * a time-out that doubles each time nothing comes (the first one follows
 * the measured round trip).  Once the server has the whole request
 * (a working, a response fragment, a fack of every fragment), silence is
 * met with pings.  The response's fragments are reassembled in any order,
 * facked as the server asks and when a hole shows; a non-idempotent
 * call's complete answer is acknowledged (ack), so that the server drops
 * the copy it keeps for retransmission.
 *
 * The call ends with the response, a fault, a reject, the binding's call
 * time-out (rpc_s_timeout), a server silent for the communications
 * time-out (its level's bind bound, com_timeout.c: rpc_s_comm_failure),
 * a server that keeps answering nocall (rpc_s_comm_failure), or a server
 * that is not the one that answered the binding's earlier calls
 * (nca_s_wrong_boot_time: it restarted; the call is never sent to it
 * again, so it never runs twice; rpc_binding_reset accepts the new one).
 * [maybe] calls are sent once and not waited for.  A [broadcast] call
 * ([C706] 10.1.2: idempotent, its [in] octets in one datagram) goes to
 * the binding's address with SO_BROADCAST, so a broadcast address
 * (ncadg_ip_udp:192.168.1.255[port]) reaches every server there; the
 * first server to answer, from whatever address, carries the rest of
 * the call, and its boot time does not bind the binding's.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "engine/dg/dg_client.h"
#include "engine/co/bind_answer.h"

#define CALL_INLINE_FRAGS	4

struct call {
	struct dg_client *c;
	struct dg_act *a;
	struct dg_hdr h;		/* the request header, as sent */
	struct sockaddr_storage srv;
	socklen_t srvlen;
	bool idempotent, maybe, broadcast;
	bool srv_chosen;		/* broadcast: the server that answered */

	const uint8_t *in;
	size_t inlen;
	uint32_t nfrags;
	uint8_t *acked;			/* per fragment: the server has it */
	uint16_t *sent_serial;		/* per fragment: its last serial */
	/* a small request's (no allocation on the common path) */
	uint8_t acked_in[CALL_INLINE_FRAGS];
	uint16_t serial_in[CALL_INLINE_FRAGS];
	uint32_t next_new;		/* first fragment never sent */
	uint32_t window;		/* fragments in flight at most */
	uint16_t serial;		/* of the next datagram we send */
	bool server_has_all;		/* the request is complete there */
	bool retransmitted;		/* no round-trip sample from it */
	unsigned int nocalls;		/* bare nocalls: the request again */

	struct dg_reasm out;
	bool got_out;			/* a response fragment came */

	int64_t t0_us;			/* first transmission */
	int64_t rto_us, timer_us;	/* current time-out, when it fires */
	int64_t heard_us;		/* last datagram of the server */
	int64_t silence_us;		/* com time-out: < 0 none */
	int64_t deadline_us;		/* call time-out: < 0 none */

	unsigned int cancels_done;	/* cancels asked that were sent */
	uint32_t cancel_id;
	bool cancel_acked;

	uint8_t pkt[DG_MAX_PDU];
};

static int64_t now_us(void)
{
	return __rpc_now_ns() / 1000;
}

/* ---- sending ----------------------------------------------------------- */

static void send_dgram(struct call *k, const void *p, size_t n)
{
	/* a full socket buffer is a lost datagram: the timers cover it */
	(void)sendto(k->a->fd, p, n, MSG_DONTWAIT,
		     (const struct sockaddr *)&k->srv, k->srvlen);
}

/* A datagram of the call with no stub data: ptype, body[0..n). */
static void send_ctl(struct call *k, uint8_t ptype, uint8_t flags1,
		     uint16_t fragnum, const uint8_t *body, size_t n)
{
	struct dg_hdr h = k->h;

	h.ptype = ptype;
	h.flags1 = flags1 | (k->idempotent ? DG_F1_IDEMPOTENT : 0);
	h.len = (uint16_t)n;
	h.fragnum = fragnum;
	h.serial = k->serial++;
	dg_hdr_encode(&h, k->pkt);
	if (n)
		memcpy(k->pkt + DG_HDR_LEN, body, n);
	send_dgram(k, k->pkt, DG_HDR_LEN + n);
}

/* Request fragment i; fack: ask the server to acknowledge it. */
static void send_frag(struct call *k, uint32_t i, bool fack)
{
	struct dg_hdr h = k->h;
	size_t off = (size_t)i * DG_MAX_BODY;
	size_t n = k->inlen - off < DG_MAX_BODY ? k->inlen - off : DG_MAX_BODY;

	if (k->nfrags > 1)
		h.flags1 |= DG_F1_FRAG |
			    (i == k->nfrags - 1 ? DG_F1_LASTFRAG : 0);
	if (!fack)
		h.flags1 |= DG_F1_NOFACK;
	if (k->cancels_done)
		h.flags2 |= DG_F2_CANCEL_PENDING;
	h.len = (uint16_t)n;
	h.fragnum = (uint16_t)i;
	h.serial = k->serial;
	k->sent_serial[i] = k->serial++;
	pthread_mutex_lock(&k->c->lock);
	h.server_boot = k->c->boot;
	h.ihint = k->c->ihint;
	pthread_mutex_unlock(&k->c->lock);
	h.ahint = k->a->ahint;
	dg_hdr_encode(&h, k->pkt);
	memcpy(k->pkt + DG_HDR_LEN, k->in + off, n);
	send_dgram(k, k->pkt, DG_HDR_LEN + n);
}

static uint32_t in_flight(const struct call *k)
{
	uint32_t i, n = 0;

	for (i = 0; i < k->next_new; i++)
		n += !k->acked[i];
	return n;
}

/* New fragments while the window has room; the burst's last one asks
 * for a fack (as does the request's last fragment), except a request of
 * one fragment, whose answer is its acknowledgement (sent again, it asks
 * for one). */
static void send_window(struct call *k)
{
	uint32_t fl = in_flight(k), n, i;

	if (k->next_new >= k->nfrags || fl >= k->window)
		return;
	n = k->window - fl;
	if (n > k->nfrags - k->next_new)
		n = k->nfrags - k->next_new;
	for (i = 0; i < n; i++, k->next_new++)
		send_frag(k, k->next_new, i == n - 1 && k->nfrags > 1);
}

static void send_fack(struct call *k, uint16_t prompt_serial)
{
	struct dg_fack f = {
		.vers = DG_FACK_VERS,
		.window_size = DG_CLI_RECV_WINDOW_KB,
		.max_tsdu = DG_RECV_MAX,
		.max_frag_size = DG_MAX_PDU,
		.serial_num = prompt_serial,
	};
	uint8_t body[20 + 4 * DG_SELACK_MAX];
	size_t n;

	dg_reasm_selack(&k->out, &f);
	n = dg_fack_encode(&f, dg_hdr_be(&k->h), body);
	send_ctl(k, DG_PT_FACK, 0, (uint16_t)k->out.inorder, body, n);
}

static void send_cancel(struct call *k)
{
	struct dg_cancel cc = { .vers = 0, .cancel_id = k->cancel_id };
	uint8_t body[16];
	size_t n = dg_cancel_encode(&cc, dg_hdr_be(&k->h), false, body);

	send_ctl(k, DG_PT_CL_CANCEL, 0, 0, body, n);
}

/* ---- timers ------------------------------------------------------------ */

static int64_t base_rto(const struct call *k)
{
	int64_t r = 4 * (int64_t)atomic_load(&k->c->srtt_us);

	return r < DG_CLI_RTO_MIN_US ? DG_CLI_RTO_MIN_US :
	       r > DG_CLI_RTO_MAX_US ? DG_CLI_RTO_MAX_US : r;
}

/* The server answered: a round-trip sample (Karn: never from a call
 * that sent anything twice; the binding's first one replaces the guess). */
static void heard(struct call *k, int64_t now)
{
	if (!k->retransmitted && k->t0_us) {
		unsigned int s = atomic_load(&k->c->srtt_us);
		int64_t sample = now - k->t0_us;

		if (!atomic_exchange(&k->c->rtt_known, true))
			s = (unsigned int)sample;
		atomic_store(&k->c->srtt_us,
			     (unsigned int)((7 * (int64_t)s + sample) / 8));
		k->t0_us = 0;
	}
	k->heard_us = now;
}

/* The call moved on: the back-off starts over. */
static void progress(struct call *k, int64_t now)
{
	k->rto_us = base_rto(k);
	k->timer_us = now + k->rto_us;
}

/* Nothing came in time: send again what the server may lack, or ask
 * whether it is still there.  < 0 ends the call. */
static int timer_fired(struct call *k, int64_t now)
{
	uint32_t i;

	if (k->silence_us >= 0 && now - k->heard_us >= k->silence_us)
		return -rpc_s_comm_failure;
	k->retransmitted = true;
	if (k->cancels_done && !k->cancel_acked)
		send_cancel(k);
	if (k->got_out) {
		send_fack(k, 0);	/* shows the server what we lack */
	} else if (!k->server_has_all) {
		/* the oldest fragment it lacks, asking for a fack; the
		 * window shrinks: the network lost something */
		for (i = 0; i < k->next_new && k->acked[i]; i++)
			;
		if (i < k->next_new)
			send_frag(k, i, true);
		else if (k->next_new == k->nfrags)
			send_ctl(k, DG_PT_PING, 0, 0, NULL, 0);
		k->window = k->window > 2 ? k->window / 2 : 1;
		send_window(k);
	} else {
		send_ctl(k, DG_PT_PING, 0, 0, NULL, 0);
	}
	k->rto_us = k->rto_us * 2 > DG_CLI_RTO_MAX_US ? DG_CLI_RTO_MAX_US :
		    k->rto_us * 2;
	k->timer_us = now + k->rto_us;
	return 0;
}

/* ---- what the server sends --------------------------------------------- */

/* Whether serial a was sent before b (16-bit serial arithmetic). */
static bool serial_before(uint16_t a, uint16_t b)
{
	return (int16_t)(a - b) < 0;
}

/* A fack (or a nocall with a fack body): what the server has. */
static void take_fack(struct call *k, const struct dg_hdr *h,
		      const uint8_t *body)
{
	struct dg_fack f;
	/* fragnum is the highest fragment in order there (0xffff: none);
	 * the selective acks start right after it */
	uint32_t base = h->fragnum == 0xffff ? 0 : (uint32_t)h->fragnum + 1;
	uint32_t i, hi, top;
	bool have_body = h->len && !dg_fack_decode(body, h->len,
						   dg_hdr_be(h), &f);

	/* fragnum: every fragment up to it is in (0xffff: none yet) */
	if (h->fragnum != 0xffff || k->nfrags == DG_MAX_FRAGS)
		for (i = 0; i <= h->fragnum && i < k->next_new; i++)
			k->acked[i] = 1;
	hi = h->fragnum == 0xffff ? 0 : h->fragnum;
	if (!have_body)
		goto more;
	for (i = 0; i < f.selack_len && i < DG_SELACK_MAX; i++) {
		uint32_t w = f.selack[i], bit;

		for (bit = 0; bit < 32; bit++) {
			uint32_t n = base + 32 * i + bit;

			if (!(w & (1u << bit)) || n >= k->next_new)
				continue;
			k->acked[n] = 1;
			if (n > hi)
				hi = n;
		}
	}
	/* holes below what it has, sent before the fragment that prompted
	 * this fack: lost */
	top = hi < k->next_new ? hi : k->next_new;
	for (i = 0; i < top; i++)
		if (!k->acked[i] &&
		    serial_before(k->sent_serial[i], f.serial_num))
			send_frag(k, i, i == top - 1);
	/* its receive window (kilobytes); 0: pause, the timer probes */
	{
		uint32_t w = (uint32_t)f.window_size * 1024 / DG_MAX_PDU;

		k->window = !f.window_size ? 0 : w < 1 ? 1 :
			    w > DG_CLI_WINDOW_MAX ? DG_CLI_WINDOW_MAX : w;
	}
more:
	for (i = 0; i < k->nfrags && k->acked[i]; i++)
		;
	if (i == k->nfrags)
		k->server_has_all = true;
	send_window(k);
}

/* A response fragment: 1 when the response is complete, 0, or < 0. */
static int take_response(struct call *k, const struct dg_hdr *h,
			 const uint8_t *body)
{
	bool frag = h->flags1 & DG_F1_FRAG;
	bool last = !frag || (h->flags1 & DG_F1_LASTFRAG);
	int ret;

	if (!frag && h->fragnum)
		return 0;	/* a lone fragment is fragment 0 */
	k->server_has_all = true;
	k->got_out = true;
	k->a->ahint = h->ahint;
	pthread_mutex_lock(&k->c->lock);
	k->c->ihint = h->ihint;
	pthread_mutex_unlock(&k->c->lock);
	ret = dg_reasm_add(&k->out, h->fragnum, body, h->len, last);
	if (ret == -EMSGSIZE)
		return -rpc_s_out_of_resources;
	if (ret < 0 && ret != -ENOMEM)
		return 0;	/* a contradiction: dropped */
	if (ret < 0)
		return ret;
	if (ret == 1)
		return 1;
	/* the server asks for a fack, or a hole showed below this one */
	if (!(h->flags1 & DG_F1_NOFACK) || k->out.inorder < (int32_t)h->fragnum)
		send_fack(k, h->serial);
	return 0;
}

/*
 * What a reject's status returns: what the connection-oriented engine
 * returns for the same condition (an unknown interface is its refused
 * presentation context; an operation out of range its fault, kept in
 * reply->fault), else the status.
 */
static int reject_ret(uint32_t st, struct rpc_reply *reply)
{
	switch (st) {
	case nca_s_unk_if:
		return -rpc_s_unknown_if;
	case nca_s_op_rng_error:
		reply->fault = st;
		return __rpc_fault_ret(st);
	case nca_s_server_too_busy:
		return -rpc_s_server_too_busy;
	case nca_s_proto_error:
	case nca_s_rpc_version_mismatch:
		return -rpc_s_protocol_error;
	case nca_s_wrong_boot_time:
	case nca_s_you_crashed:
		return -nca_s_wrong_boot_time;
	case nca_s_who_are_you_failed:
	case nca_s_bad_actid:
		return -rpc_s_comm_failure;
	default:
		return st && st <= INT32_MAX ? -(int)st : -rpc_s_call_failed;
	}
}

/*
 * One datagram p[0..n) from `from`: 1 when the call is over (the result
 * in *result), 0 to go on.
 */
static int take(struct call *k, const uint8_t *p, size_t n,
		const struct sockaddr_storage *from, socklen_t fromlen,
		struct rpc_reply *reply, int *result)
{
	struct dg_hdr h;
	const uint8_t *body = p + DG_HDR_LEN;
	struct dg_cancel cc;
	uint32_t st;
	int ret;

	if (dg_hdr_decode(p, n, &h) < 0)
		return 0;
	if (h.ptype == DG_PT_REQUEST) {
		__rpc_dg_conv_answer(k->c, k->a, &k->srv, &h, body, from,
				     fromlen);
		return 0;
	}
	if (rpc_uuid_compare(&h.act_id, &k->a->id) || h.seqnum != k->h.seqnum)
		return 0;	/* not ours: an old call's */
	if (k->broadcast && !k->srv_chosen && fromlen <= sizeof(k->srv) &&
	    (h.ptype == DG_PT_RESPONSE || h.ptype == DG_PT_FAULT ||
	     h.ptype == DG_PT_WORKING || h.ptype == DG_PT_FACK)) {
		/* the first server that takes the call carries it */
		memcpy(&k->srv, from, fromlen);
		k->srvlen = fromlen;
		k->srv_chosen = true;
	}
	if (!__rpc_dg_from_server(&k->srv, from, false))
		return 0;	/* a stranger's */
	ret = k->broadcast ? 0 : __rpc_dg_check_boot(k->c, h.server_boot);
	if (ret < 0) {
		*result = ret;
		return 1;
	}
	heard(k, now_us());
	if (h.ptype != DG_PT_WORKING)
		progress(k, now_us());
	switch (h.ptype) {
	case DG_PT_RESPONSE:
		ret = take_response(k, &h, body);
		if (!ret)
			return 0;
		if (ret > 0) {
			memcpy(reply->drep, h.drep, 3);
			reply->drep[3] = 0;
			ret = dg_reasm_take(&k->out, &reply->data, &reply->len);
		}
		*result = ret;
		return 1;
	case DG_PT_FACK:
		take_fack(k, &h, body);
		return 0;
	case DG_PT_WORKING:
		/* it runs the call: the pings go on backing off (at most
		 * DG_CLI_RTO_MAX_US apart) while it works */
		k->server_has_all = true;
		k->timer_us = now_us() + k->rto_us;
		return 0;
	case DG_PT_NOCALL:
		if (h.len) {
			take_fack(k, &h, body);
			return 0;
		}
		if (k->got_out && !k->idempotent) {
			/* it answered and forgot: running it again could
			 * run it twice */
			*result = -rpc_s_comm_failure;
			return 1;
		}
		/* it has none of it: everything again, a few times (a
		 * server that keeps forgetting it is not working) */
		if (++k->nocalls > DG_CLI_MAX_NOCALLS) {
			*result = -rpc_s_comm_failure;
			return 1;
		}
		memset(k->acked, 0, k->nfrags);
		k->server_has_all = false;
		k->next_new = 0;
		k->window = k->window < DG_CLI_WINDOW_INIT ? k->window :
			    DG_CLI_WINDOW_INIT;
		send_window(k);
		return 0;
	case DG_PT_FAULT:
		if (dg_status_decode(body, h.len, dg_hdr_be(&h), &st) < 0)
			st = 0;
		reply->fault = __rpc_fault_status(st);
		*result = __rpc_fault_ret(st);
		return 1;
	case DG_PT_REJECT:
		if (dg_status_decode(body, h.len, dg_hdr_be(&h), &st) < 0)
			st = 0;
		*result = reject_ret(st, reply);
		return 1;
	case DG_PT_CANCEL_ACK:
		if (!dg_cancel_decode(body, h.len, dg_hdr_be(&h), true, &cc) &&
		    cc.cancel_id == k->cancel_id)
			k->cancel_acked = true;
		return 0;
	default:
		return 0;	/* ping, ack, cl_cancel: not a server's */
	}
}

/* ---- the call ---------------------------------------------------------- */

static int call_init(struct call *k, struct dg_client *c, struct dg_act *a,
		     const struct rpc_syntax_id *iface, uint16_t opnum,
		     uint32_t proc_flags, const void *in, size_t inlen)
{
	struct rpc_binding_opts o;
	int64_t now = now_us(), d;
	bool com;

	if (inlen > (size_t)DG_MAX_FRAGS * DG_MAX_BODY)
		return -E2BIG;
	__rpc_binding_opts(c->bh, &o);
	k->c = c;
	k->a = a;
	k->in = in;
	k->inlen = inlen;
	k->nfrags = inlen ? (uint32_t)((inlen + DG_MAX_BODY - 1) / DG_MAX_BODY)
			  : 1;
	k->maybe = proc_flags & RPC_PROC_MAYBE;
	k->broadcast = proc_flags & RPC_PROC_BROADCAST;
	/* one server of many cannot promise at-most-once; nor does a call
	 * nobody answers need it */
	k->idempotent = (proc_flags & RPC_PROC_IDEMPOTENT) || k->broadcast ||
			k->maybe;
	/* but a request of several fragments goes as non-idempotent (as the
	 * reference runtime sends it): the server runs it at most once and
	 * keeps its answer until our ack */
	if (k->nfrags > 1 && !k->maybe)
		k->idempotent = false;
	if (k->broadcast) {
		static const int on = 1;

		if (k->nfrags > 1)
			return -rpc_s_in_args_too_big;
		if (setsockopt(a->fd, SOL_SOCKET, SO_BROADCAST, &on,
			       sizeof(on)) < 0)
			return -errno;
	}
	if (k->nfrags <= CALL_INLINE_FRAGS) {
		k->acked = k->acked_in;
		k->sent_serial = k->serial_in;
	} else {
		k->acked = calloc(k->nfrags, 1);
		k->sent_serial = calloc(k->nfrags, sizeof(*k->sent_serial));
		if (!k->acked || !k->sent_serial)
			return -ENOMEM;
	}
	dg_reasm_init(&k->out, DG_CLI_MAX_OUT);
	k->window = DG_CLI_WINDOW_INIT;

	memset(&k->h, 0, sizeof(k->h));
	k->h.ptype = DG_PT_REQUEST;
	/* we take response fragments blasted without facks */
	k->h.flags1 = DG_F1_BLAST_OUTS |
		      (k->idempotent ? DG_F1_IDEMPOTENT : 0) |
		      (k->maybe ? DG_F1_MAYBE : 0) |
		      (k->broadcast ? DG_F1_BROADCAST : 0);
	dg_drep_local(k->h.drep);
	if (c->be)	/* the stub data's byte order (binding option) */
		k->h.drep[0] &= (uint8_t)~0x10;
	if (o.has_object)
		k->h.object = o.object;
	k->h.if_id = iface->uuid;
	k->h.if_vers = iface->major | (uint32_t)iface->minor << 16;
	k->h.act_id = a->id;
	k->h.opnum = opnum;
	k->h.ihint = DG_NO_HINT;
	k->h.ahint = DG_NO_HINT;

	pthread_mutex_lock(&c->lock);
	k->srv = c->srv;
	k->srvlen = c->srvlen;
	/* under the lock: the conv callbacks of other calls read it */
	k->h.seqnum = ++a->seq;
	pthread_mutex_unlock(&c->lock);

	k->rto_us = base_rto(k);
	k->t0_us = now;
	k->heard_us = now;
	k->timer_us = now + k->rto_us;
	d = __rpc_com_deadline(o.com_level, true, -1, &com);
	k->silence_us = d < 0 ? -1 : (d - __rpc_now_ms()) * 1000;
	k->deadline_us = -1;
	return 0;
}

static void call_free(struct call *k)
{
	if (k->acked != k->acked_in) {
		free(k->acked);
		free(k->sent_serial);
	}
	dg_reasm_free(&k->out);
}

/* Wait for a datagram or a cancel until the timer; handle it. */
static int step(struct call *k, struct rpc_reply *reply, int *result)
{
	struct pollfd pf[2] = {
		{ .fd = k->a->fd, .events = POLLIN },
		{ .fd = k->a->wake, .events = POLLIN },
	};
	int64_t now = now_us(), until = k->timer_us;
	struct sockaddr_storage from;
	socklen_t fromlen;
	unsigned int asked;
	uint64_t v;
	ssize_t n;
	int ms, i;

	if (k->deadline_us >= 0 && k->deadline_us < until)
		until = k->deadline_us;
	if (k->silence_us >= 0 && k->heard_us + k->silence_us < until)
		until = k->heard_us + k->silence_us;
	ms = until <= now ? 0 : (int)((until - now + 999) / 1000);
	if (poll(pf, 2, ms) < 0 && errno != EINTR)
		return -errno;
	now = now_us();
	if (pf[1].revents & POLLIN)
		(void)!read(k->a->wake, &v, sizeof(v));
	asked = atomic_load(&k->a->cancels);
	if (asked != k->cancels_done) {
		k->cancels_done = asked;
		k->cancel_id++;
		k->cancel_acked = false;
		send_cancel(k);
	}
	/* a bounded batch: a flood cannot keep the timers from firing */
	for (i = 0; i < 64 && (pf[0].revents & POLLIN); i++) {
		fromlen = sizeof(from);
		n = recvfrom(k->a->fd, k->a->rbuf, DG_RECV_MAX, MSG_DONTWAIT |
			     MSG_TRUNC, (struct sockaddr *)&from, &fromlen);
		if (n < 0)
			break;
		if (n > DG_RECV_MAX)
			continue;	/* truncated: dropped */
		if (take(k, k->a->rbuf, (size_t)n, &from, fromlen, reply,
			 result))
			return 1;
	}
	now = now_us();
	if (k->deadline_us >= 0 && now >= k->deadline_us)
		return -ETIMEDOUT;
	if (k->silence_us >= 0 && now - k->heard_us >= k->silence_us)
		return -rpc_s_comm_failure;
	if (now >= k->timer_us)
		return timer_fired(k, now);
	return 0;
}

int __rpc_dg_call(struct dg_client *c, struct dg_act *a,
		  const struct rpc_syntax_id *iface, uint16_t opnum,
		  uint32_t proc_flags, const void *in, size_t inlen,
		  struct rpc_reply *reply, int64_t deadline)
{
	struct call call = { 0 }, *k = &call;
	int ret, result = 0;

	ret = call_init(k, c, a, iface, opnum, proc_flags, in, inlen);
	if (ret < 0)
		goto out;
	if (deadline >= 0)
		k->deadline_us = deadline * 1000;
	if (k->maybe) {
		/* nobody answers: every fragment once */
		k->window = k->nfrags;
		send_window(k);
		goto out;
	}
	send_window(k);
	do
		ret = step(k, reply, &result);
	while (!ret);
	if (ret > 0) {
		ret = result;
		/* the server may drop the answer it keeps for us */
		if ((!ret || reply->fault) && !k->idempotent)
			send_ctl(k, DG_PT_ACK, 0, 0, NULL, 0);
	} else if (ret == -ETIMEDOUT || ret == -rpc_s_comm_failure) {
		/* let a server still working on it know we are gone */
		k->cancel_id++;
		send_cancel(k);
	}
out:
	if (ret < 0 && reply->data) {
		free(reply->data);
		reply->data = NULL;
		reply->len = 0;
	}
	call_free(k);
	return ret;
}
