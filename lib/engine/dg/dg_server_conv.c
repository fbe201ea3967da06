// SPDX-License-Identifier: MIT
/*
 * At-most-once for a client the server does not know ([C706] 10.2, the
 * conversation manager): a non-idempotent request from an activity with
 * no record here (its first call, or a record aged out or lost in a
 * restart) runs only once the client, called back on the conv interface
 * (conv_who_are_you2, idl/conv.idl), says that this sequence number is
 * its activity's current call and that it knows no other boot time of
 * this server.  An old duplicate is then dropped, not run again.
 *
 * The callback leaves from the socket the request came to (the server's
 * endpoint): a client behind a firewall or a NAT takes datagrams from
 * the address it sent to and from no other.  Its answer therefore comes
 * back to that socket too, where the leader reads it: the leader hands
 * it to the waiting callback by the callback's own activity id
 * (__rpc_dg_conv_in) and goes on, it never waits for a callback.
 *
 * The callback itself is a one-fragment idempotent request of a fresh
 * activity, sent again with back-off until it is answered or
 * DG_CONV_TIMEOUT_MS passed; it waits on a thread of its own (at most
 * DG_CONV_MAX at once), and that thread then runs the call.  While it
 * waits the activity's call is "running": its client's pings and
 * retransmissions get "working".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "engine/dg/dg_client.h"
#include "engine/dg/dg_server.h"

#define CONV_WHO_ARE_YOU	0
#define CONV_WHO_ARE_YOU2	1
#define CONV_IN_LEN		20	/* uuid actuid, unsigned32 boot_time */
#define CONV_RTO_MS		100	/* the first retransmission */

static uint32_t get32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
		    (uint32_t)p[1] << 8 | p[0];
}

bool __rpc_dg_conv_in(struct dg_srv *dg, const struct sockaddr_storage *from,
		      const struct dg_hdr *h, const uint8_t *body)
{
	struct dg_conv_wait *w;

	for (w = dg->conv_waits; w; w = w->next)
		if (!rpc_uuid_compare(&w->act, &h->act_id))
			break;
	if (!w || h->seqnum != w->seq ||
	    !__rpc_dg_from_server(&w->to, from, false))
		return false;	/* a stranger's, or an old callback's */
	if (h->len > sizeof(w->body) || (h->flags1 & DG_F1_FRAG))
		return false;	/* no conv answer is that long */
	w->ptype = h->ptype;
	w->be = dg_hdr_be(h);
	w->len = h->len;
	memcpy(w->body, body, h->len);
	pthread_cond_signal(&w->cv);
	return true;
}

/* dg->lock held: wait for w's answer until ms (monotonic); its ptype, 0
 * when none came. */
static uint8_t wait_answer(struct dg_srv *dg, struct dg_conv_wait *w,
			   int64_t ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (!w->ptype && __rpc_now_ms() < ms)
		if (pthread_cond_timedwait(&w->cv, &dg->lock, &ts) == ETIMEDOUT)
			break;
	return w->ptype;
}

/* One conv operation (w->seq) to w->to from fd, in[CONV_IN_LEN]: 0 with
 * the answer in w, or < 0 (no answer before deadline, a reject or a
 * fault: its status). */
static int conv_op(struct dg_srv *dg, struct dg_conv_wait *w, int fd,
		   socklen_t tolen, uint16_t opnum, const uint8_t *in,
		   int64_t deadline)
{
	uint8_t pkt[DG_HDR_LEN + CONV_IN_LEN];
	struct dg_hdr h;
	int64_t rto = CONV_RTO_MS, next;
	uint32_t st;
	uint8_t pt;

	memset(&h, 0, sizeof(h));
	h.ptype = DG_PT_REQUEST;
	h.flags1 = DG_F1_IDEMPOTENT;	/* idl/conv.idl */
	dg_drep_local(h.drep);
	h.if_id = __rpc_dg_conv_syntax.uuid;
	h.if_vers = __rpc_dg_conv_syntax.major |
		    (uint32_t)__rpc_dg_conv_syntax.minor << 16;
	h.act_id = w->act;
	h.seqnum = w->seq;
	h.opnum = opnum;
	h.ihint = DG_NO_HINT;
	h.ahint = DG_NO_HINT;
	h.len = CONV_IN_LEN;
	memcpy(pkt + DG_HDR_LEN, in, CONV_IN_LEN);
	pthread_mutex_lock(&dg->lock);
	w->ptype = 0;
	for (;;) {
		int64_t now = __rpc_now_ms();

		if (now >= deadline) {
			pt = 0;
			break;
		}
		dg_hdr_encode(&h, pkt);
		h.serial++;
		if (sendto(fd, pkt, sizeof(pkt), MSG_DONTWAIT | MSG_NOSIGNAL,
			   (const struct sockaddr *)&w->to, tolen) > 0)
			atomic_fetch_add(&dg->srv->pkts_out, 1);
		next = now + rto < deadline ? now + rto : deadline;
		rto = rto * 2 > DG_RTO_MAX_MS ? DG_RTO_MAX_MS : rto * 2;
		pt = wait_answer(dg, w, next);
		/* working: it runs; a nocall: it lost the request; either
		 * way the request again, after the back-off */
		while (pt == DG_PT_WORKING || pt == DG_PT_NOCALL) {
			w->ptype = 0;
			pt = wait_answer(dg, w, next);
		}
		if (pt)
			break;
	}
	pthread_mutex_unlock(&dg->lock);
	switch (pt) {
	case DG_PT_RESPONSE:
		return 0;
	case DG_PT_FAULT:
	case DG_PT_REJECT:
		if (dg_status_decode(w->body, w->len, w->be, &st) < 0 || !st)
			st = nca_s_proto_error;
		return -(int)st;
	case 0:
		return -ETIMEDOUT;
	default:
		return -(int)nca_s_proto_error;
	}
}

int __rpc_dg_conv_ask(struct dg_srv *dg, int fd,
		      const struct sockaddr_storage *peer, socklen_t plen,
		      const rpc_uuid_t *act, uint32_t *seq)
{
	int64_t deadline = __rpc_now_ms() + DG_CONV_TIMEOUT_MS;
	struct dg_conv_wait w, **pp;
	pthread_condattr_t ca;
	uint8_t in[CONV_IN_LEN];
	uint32_t st = 0;
	int ret;

	memset(&w, 0, sizeof(w));
	rpc_uuid_generate(&w.act);
	memcpy(&w.to, peer, plen);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&w.cv, &ca);
	pthread_condattr_destroy(&ca);
	rpc_uuid_to_wire(act, in, false);
	in[16] = (uint8_t)dg->boot;
	in[17] = (uint8_t)(dg->boot >> 8);
	in[18] = (uint8_t)(dg->boot >> 16);
	in[19] = (uint8_t)(dg->boot >> 24);
	pthread_mutex_lock(&dg->lock);
	w.next = dg->conv_waits;
	dg->conv_waits = &w;
	pthread_mutex_unlock(&dg->lock);

	ret = conv_op(dg, &w, fd, plen, CONV_WHO_ARE_YOU2, in, deadline);
	if (!ret && w.len >= 24) {
		*seq = get32(w.body, w.be);
		st = get32(w.body + 20, w.be);
	} else if (ret == -(int)nca_s_op_rng_error ||
		   ret == -(int)nca_s_unk_if) {
		/* a client of the first conv version: the next call of
		 * the callback's activity */
		w.seq++;
		ret = conv_op(dg, &w, fd, plen, CONV_WHO_ARE_YOU, in,
			      deadline);
		if (!ret && w.len >= 8) {
			*seq = get32(w.body, w.be);
			st = get32(w.body + 4, w.be);
		}
	}
	if (!ret && !st && w.len < 8)
		ret = -(int)nca_s_proto_error;	/* a truncated answer */

	pthread_mutex_lock(&dg->lock);
	for (pp = &dg->conv_waits; *pp; pp = &(*pp)->next)
		if (*pp == &w) {
			*pp = w.next;
			break;
		}
	pthread_mutex_unlock(&dg->lock);
	pthread_cond_destroy(&w.cv);
	if (ret < 0)
		return ret;
	return st ? -(int)st : 0;
}

struct conv_job {
	struct dg_srv *dg;
	struct rpc_call_ctx *call;
	struct dg_srv_act *act;
	int fd;
	struct sockaddr_storage peer;
	socklen_t plen;
	rpc_uuid_t id;
	uint32_t seq;
};

static void *conv_thread(void *arg)
{
	struct conv_job *j = arg;
	struct dg_srv *dg = j->dg;
	struct dg_srv_act *a = j->act;
	uint32_t seq = 0;
	int ret = __rpc_dg_conv_ask(dg, j->fd, &j->peer, j->plen, &j->id, &seq);
	bool run = false;

	pthread_mutex_lock(&dg->lock);
	if (a->call == j->call) {
		if (ret < 0) {
			/* no answer, or not this client's activity, or it
			 * knew another boot of ours: the call does not run */
			atomic_fetch_add(&dg->st.conv_failed, 1);
			__rpc_dg_answer_status(dg, a, nca_s_who_are_you_failed);
		} else if (seq == j->seq) {
			a->verified = true;
			run = true;
		} else {
			/* an old request of that activity: never run */
			atomic_fetch_add(&dg->st.stale, 1);
			a->verified = true;
		}
	}
	pthread_mutex_unlock(&dg->lock);
	if (run)
		__rpc_call_execute(j->call);	/* its reply, then done */
	else
		j->call->ops->done(j->call);
	pthread_mutex_lock(&dg->lock);
	dg->nconv--;
	pthread_cond_broadcast(&dg->conv_cv);
	pthread_mutex_unlock(&dg->lock);
	free(j);
	return NULL;
}

bool __rpc_dg_conv_start(struct dg_srv *dg, struct rpc_call_ctx *call,
			 struct dg_srv_act *a)
{
	struct conv_job *j = calloc(1, sizeof(*j));
	pthread_attr_t at;
	pthread_t t;
	bool ok = false;

	if (!j)
		return false;
	j->dg = dg;
	j->call = call;
	j->act = a;
	pthread_mutex_lock(&dg->lock);
	j->fd = a->fd;
	j->peer = a->peer;
	j->plen = a->plen;
	j->id = a->id;
	j->seq = a->seq;
	if (dg->nconv < DG_CONV_MAX) {
		dg->nconv++;
		ok = true;
	}
	pthread_mutex_unlock(&dg->lock);
	if (!ok) {
		free(j);
		return false;
	}
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	pthread_attr_setstacksize(&at, 256 << 10);
	if (pthread_create(&t, &at, conv_thread, j)) {
		pthread_mutex_lock(&dg->lock);
		dg->nconv--;
		pthread_mutex_unlock(&dg->lock);
		free(j);
		ok = false;
	}
	pthread_attr_destroy(&at);
	return ok;
}
