// SPDX-License-Identifier: MIT
/*
 * The connectionless server's calls and answers: a complete request
 * becomes a call for the leader's ready list; its answer (response,
 * fault or reject) is cached in its activity and sent in fragments of
 * at most DG_MAX_BODY octets, a window at a time: the last fragment of
 * each burst asks for a fack, the client's facks (their in-order
 * fragment number and selective-ack bits) move the window and show the
 * holes to fill; the timer (dg_activity.c) sends again what nobody
 * facked; a ping or a retransmitted request sends again from the first
 * unacknowledged fragment.  The cache goes on the client's ack, its
 * next call, or a time-out.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "engine/co/co_int.h"
#include "engine/dg/dg_server.h"
#include "transport/transport.h"

#define container_of(p, type, m) ((type *)((char *)(p) - offsetof(type, m)))

void __rpc_dg_send(struct dg_srv *dg, struct dg_srv_act *a, uint8_t ptype,
		   uint8_t flags1, uint16_t fragnum, const uint8_t *body,
		   size_t n)
{
	uint8_t pkt[DG_MAX_PDU];
	struct dg_hdr h;

	if (n > DG_MAX_BODY)
		return;
	memset(&h, 0, sizeof(h));
	h.ptype = ptype;
	h.flags1 = flags1;
	/* the request's: the answer's stub data is marshalled in it */
	memcpy(h.drep, a->req.drep, 3);
	h.object = a->req.object;
	h.if_id = a->req.if_id;
	h.act_id = a->id;
	h.server_boot = dg->boot;
	h.if_vers = a->req.if_vers;
	h.seqnum = a->seq;
	h.opnum = a->req.opnum;
	h.ihint = DG_NO_HINT;
	h.ahint = a->hint;
	h.len = (uint16_t)n;
	h.fragnum = fragnum;
	h.serial = a->serial++;
	dg_hdr_encode(&h, pkt);
	if (n)
		memcpy(pkt + DG_HDR_LEN, body, n);
	if (sendto(a->fd, pkt, DG_HDR_LEN + n, MSG_DONTWAIT | MSG_NOSIGNAL,
		   (const struct sockaddr *)&a->peer, a->plen) > 0)
		atomic_fetch_add(&dg->srv->pkts_out, 1);
}

static bool acked(const struct dg_srv_act *a, uint32_t i)
{
	return a->acked[i >> 3] & (1u << (i & 7));
}

static void set_acked(struct dg_srv_act *a, uint32_t i)
{
	a->acked[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static void send_frag(struct dg_srv *dg, struct dg_srv_act *a, uint32_t i,
		      bool want_fack)
{
	size_t off = (size_t)i * DG_MAX_BODY;
	size_t n = a->rlen - off < DG_MAX_BODY ? a->rlen - off : DG_MAX_BODY;
	uint8_t f1 = 0;

	if (a->nfrags > 1) {
		f1 |= DG_F1_FRAG;
		if (i == a->nfrags - 1)
			f1 |= DG_F1_LASTFRAG;
		if (!want_fack)
			f1 |= DG_F1_NOFACK;
	}
	if (a->sent_serial)
		a->sent_serial[i] = a->serial;
	__rpc_dg_send(dg, a, a->rtype, f1, (uint16_t)i, a->resp + off, n);
}

void __rpc_dg_resend(struct dg_srv *dg, struct dg_srv_act *a, int64_t now)
{
	uint32_t end, i, last = UINT32_MAX;

	if (!a->rtype)
		return;
	if (a->nfrags <= 1) {
		send_frag(dg, a, 0, true);
		atomic_fetch_add(&dg->st.resent, a->next ? 1 : 0);
		a->next = 1;
		return;
	}
	if (a->una >= a->nfrags) {
		/* all facked, the ack lost: the last one again */
		send_frag(dg, a, a->nfrags - 1, true);
		return;
	}
	if (a->next < a->una)
		a->next = a->una;
	end = a->una + a->window;
	if (end > a->nfrags)
		end = a->nfrags;
	/* the burst's last fragment asks for the fack */
	for (i = a->next; i < end; i++)
		if (!acked(a, i))
			last = i;
	if (last == UINT32_MAX && a->next == a->una) {
		last = a->una;
		end = a->una + 1;
	}
	for (i = a->next; i < end; i++) {
		if (acked(a, i))
			continue;
		send_frag(dg, a, i, i == last);
	}
	if (end > a->next)
		a->next = end;
	a->sent_ms = now;
	if (!a->inflight) {
		a->inflight = true;
		dg->nflight++;
	}
}

/* Everything facked: nothing in flight any more (the cache stays for
 * the client's ack or its retransmitted request). */
static void flight_over(struct dg_srv *dg, struct dg_srv_act *a)
{
	if (a->inflight) {
		a->inflight = false;
		dg->nflight--;
	}
}

void __rpc_dg_fack_in(struct dg_srv *dg, struct dg_srv_act *a,
		      const struct dg_hdr *h, const uint8_t *body, size_t n,
		      int64_t now)
{
	struct dg_fack f;
	uint32_t upto = h->fragnum, i, w, hi = 0;
	bool holes = false;

	if (a->rtype != DG_PT_RESPONSE || a->nfrags <= 1)
		return;
	memset(&f, 0, sizeof(f));
	if (n && dg_fack_decode(body, n, dg_hdr_be(h), &f) < 0)
		return;
	/* fragnum 0xffff: fragment 0 is not in yet */
	if (upto != 0xffff && upto < a->nfrags)
		for (i = a->una; i <= upto; i++)
			set_acked(a, i);
	for (w = 0; w < f.selack_len && w < DG_SELACK_MAX; w++)
		for (i = 0; i < 32; i++) {
			uint32_t k = (upto == 0xffff ? 0 : upto + 1) + w * 32 + i;

			if ((f.selack[w] >> i & 1) && k < a->nfrags) {
				set_acked(a, k);
				hi = k;
			}
		}
	while (a->una < a->nfrags && acked(a, a->una))
		a->una++;
	/*
	 * Holes below what was selectively acked were lost.  A hole is sent
	 * again only when the fragment that prompted this fack left after
	 * the hole's last copy (serial numbers, [C706] 12.5.3.4): the facks
	 * that every later fragment of the same burst prompts would
	 * otherwise send it again once each.  A fack without a body says
	 * nothing of serials: everything unacknowledged goes again.
	 */
	for (i = a->una; i < hi; i++) {
		if (acked(a, i))
			continue;
		if (!n || !a->sent_serial) {
			holes = true;
			break;
		}
		if ((int16_t)(f.serial_num - a->sent_serial[i]) > 0) {
			send_frag(dg, a, i, false);
			atomic_fetch_add(&dg->st.resent, 1);
		}
	}
	if (holes && a->next > a->una)
		a->next = a->una;
	if (f.window_size) {
		/* kilobytes ([C706] 12.5.3.4, DCE 1.1) */
		w = (uint32_t)f.window_size * 1024 / DG_MAX_PDU;
		a->window = w < 1 ? 1 : w > DG_WINDOW_MAX ? DG_WINDOW_MAX : w;
	} else if (n) {
		/* a full receiver: one fragment at a time (the timer's
		 * retransmission probes it) */
		a->window = 1;
	} else if (a->window < DG_WINDOW_MAX) {
		a->window *= 2;	/* a bodiless fack */
	}
	a->retries = 0;
	a->rto_ms = DG_RTO_MS;
	if (a->una >= a->nfrags) {
		flight_over(dg, a);
		return;
	}
	__rpc_dg_resend(dg, a, now);
}

/* Cache the answer body (taken) and send its first window. */
static void answer(struct dg_srv *dg, struct dg_srv_act *a, uint8_t rtype,
		   uint8_t *body, size_t len)
{
	uint32_t nfrags = len ? (uint32_t)((len + DG_MAX_BODY - 1) /
					   DG_MAX_BODY) : 1;

	a->state = DG_A_DONE;
	a->done_ms = __rpc_now_ms();
	/* the cache is kept counting from now */
	__rpc_dg_act_touch(dg, a, a->done_ms);
	if (nfrags > DG_MAX_FRAGS) {
		free(body);
		__rpc_dg_answer_status(dg, a, nca_s_out_args_too_big);
		return;
	}
	a->acked = calloc((nfrags + 7) / 8, 1);
	a->sent_serial = nfrags > 1 ? calloc(nfrags, sizeof(*a->sent_serial))
				    : NULL;
	if (!a->acked || (nfrags > 1 && !a->sent_serial)) {
		free(a->acked);
		free(a->sent_serial);
		a->acked = NULL;
		a->sent_serial = NULL;
		free(body);
		a->rtype = 0;	/* nothing to send: pings get nocall */
		return;
	}
	a->rtype = rtype;
	a->resp = body;
	a->rlen = len;
	a->nfrags = nfrags;
	a->una = a->next = 0;
	a->retries = 0;
	a->rto_ms = DG_RTO_MS;
	a->window = DG_WINDOW_INIT;
	__rpc_dg_act_account(dg, a, (ssize_t)(len + (nfrags + 7) / 8 +
					      (nfrags > 1 ? nfrags * 2 : 0)));
	__rpc_dg_resend(dg, a, a->done_ms);
}

/* [C706] 12.5.3.4: the communication statuses (nca_s_unk_if,
 * nca_s_op_rng_error, nca_s_wrong_boot_time, nca_s_proto_error,
 * nca_s_server_too_busy ...) travel in a reject; the rest in a fault. */
static bool is_reject(uint32_t status)
{
	return (status >> 16) == 0x1c01 || status == nca_s_who_are_you_failed;
}

void __rpc_dg_answer_status(struct dg_srv *dg, struct dg_srv_act *a,
			    uint32_t status)
{
	uint8_t *b = malloc(4);

	__rpc_dg_act_clear(dg, a);
	if (!b) {
		a->state = DG_A_DONE;
		return;
	}
	dg_status_encode(status, dg_hdr_be(&a->req), b);
	answer(dg, a, is_reject(status) ? DG_PT_REJECT : DG_PT_FAULT, b, 4);
}

/* ---- calls -------------------------------------------------------------- */

static void call_reply(struct rpc_call_ctx *call, uint32_t fault, bool dne,
		       const struct ndr_buf *out)
{
	struct dg_call *dc = container_of(call, struct dg_call, c);
	struct dg_srv *dg = dc->dg;
	struct dg_srv_act *a = dc->act;
	uint8_t *body = NULL;

	if (!fault && out->len) {
		body = malloc(out->len);
		if (!body)
			fault = nca_s_fault_remote_no_memory;
		else
			memcpy(body, out->data, out->len);
	}
	pthread_mutex_lock(&dg->lock);
	if (a->call == call) {
		if (fault) {
			free(body);
			__rpc_dg_answer_status(dg, a, fault);
		} else {
			answer(dg, a, DG_PT_RESPONSE, body, out->len);
			body = NULL;
		}
	}
	pthread_mutex_unlock(&dg->lock);
	free(body);
}

static void call_done(struct rpc_call_ctx *call)
{
	struct dg_call *dc = container_of(call, struct dg_call, c);
	struct dg_srv *dg = dc->dg;
	struct dg_srv_act *a = dc->act;

	pthread_mutex_lock(&dg->lock);
	dg->call_bytes -= dc->inlen;
	if (a->call == call) {
		a->call = NULL;
		if (a->state == DG_A_RUNNING) {	/* [maybe]: no answer */
			a->state = DG_A_DONE;
			a->done_ms = __rpc_now_ms();
		}
	}
	pthread_mutex_unlock(&dg->lock);
	__rpc_dg_call_free(call);
}

/* The client, for rpc_call_ctx_binding: the address the request came
 * from (a manager such as the endpoint mapper's tells local callers by
 * it). */
static struct rpc_binding *call_binding(struct rpc_call_ctx *call)
{
	struct dg_call *dc = container_of(call, struct dg_call, c);

	if (__rpc_sockaddr_binding(__rpc_transport_udp.protseq, &dc->peer,
				   &call->binding) < 0)
		call->binding = NULL;
	return call->binding;
}

static const struct rpc_call_ops dg_call_ops = {
	.reply = call_reply,
	.done = call_done,
	.binding = call_binding,
};

void __rpc_dg_call_free(struct rpc_call_ctx *call)
{
	struct dg_call *dc = container_of(call, struct dg_call, c);

	__rpc_sctx_release_call(call);
	memset(&call->in, 0, sizeof(call->in));	/* borrowed dc->in */
	free(dc->in);
	if (call->arena)
		ndr_arena_release(call->arena);
	rpc_binding_free(call->binding);
	free(dc);
}

/* The registered interface the request names (major equal, minor at
 * most ours), copied into *out. */
static bool find_if(struct rpc_server *srv, const struct dg_hdr *h,
		    struct srv_if *out)
{
	uint16_t major = h->if_vers & 0xffff, minor = h->if_vers >> 16;
	bool found = false;
	int i;

	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nifs; i++) {
		const struct rpc_syntax_id *r = &srv->ifs[i].iface->id;

		if (!rpc_uuid_compare(&r->uuid, &h->if_id) &&
		    r->major == major && minor <= r->minor &&
		    (srv->ifs[i].syntaxes & SYN_NDR20)) {
			*out = srv->ifs[i];
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&srv->lock);
	return found;
}

struct rpc_call_ctx *__rpc_dg_call_new(struct dg_srv *dg, struct dg_srv_act *a,
				       uint8_t *body, size_t len)
{
	struct dg_call *dc;
	struct srv_if iface;
	struct rpc_call_ctx *call;

	/* srv->lock under dg->lock: srv->lock is never held taking dg's */
	if (!find_if(dg->srv, &a->req, &iface)) {
		free(body);
		if (a->req.flags1 & DG_F1_BROADCAST) {
			/* [C706] 10.1.2: only the servers that offer the
			 * interface answer a broadcast */
			__rpc_dg_act_clear(dg, a);
			a->state = DG_A_DONE;
			return NULL;
		}
		__rpc_dg_answer_status(dg, a, nca_s_unk_if);
		return NULL;
	}
	dc = calloc(1, sizeof(*dc));
	if (!dc || !__rpc_dg_act_group(dg, a)) {
		free(dc);
		free(body);
		__rpc_dg_answer_status(dg, a, nca_s_server_too_busy);
		return NULL;
	}
	call = &dc->c;
	dc->dg = dg;
	dc->act = a;
	dc->in = body;
	dc->inlen = len;
	memcpy(&dc->peer, &a->peer, a->plen);
	dg->call_bytes += len;
	call->conn = dg->conn;
	call->ops = &dg_call_ops;
	call->srv = dg->srv;
	call->group = a->pg->group;
	call->call_id = a->seq;
	call->opnum = a->req.opnum;
	memcpy(call->drep, a->req.drep, 3);
	call->be = dg_hdr_be(&a->req);
	call->maybe = a->req.flags1 & DG_F1_MAYBE;
	call->syntax = NDR_SYNTAX_NDR20;
	call->iface = iface;
	call->object = a->req.object;
	call->in.data = body;
	call->in.len = len;
	if (a->req.flags2 & DG_F2_CANCEL_PENDING)
		atomic_store(&call->cancelled, true);
	a->call = call;
	a->state = DG_A_RUNNING;
	atomic_fetch_add(&dg->srv->calls_in, 1);
	atomic_fetch_add(&dg->st.executed, 1);
	return call;
}
