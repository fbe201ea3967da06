// SPDX-License-Identifier: MIT
/*
 * The connectionless server's activity table: one entry per client
 * activity ([C706] 10.1: an activity runs one call at a time, its
 * sequence number tells the calls apart), keyed by activity id in a
 * hash, and on a list from least to most recently used.  It is bounded:
 * DG_ACT_MAX entries (a new activity beyond it evicts one of the least
 * recently used that runs no call -- one without an unacknowledged
 * answer first -- or is refused) and DG_TOTAL_MAX octets of
 * reassembly and cached answers altogether; what nobody asks for ages
 * out (dg_server.h).  Every function here runs under dg->lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include "engine/dg/dg_server.h"

static unsigned int act_bucket(const rpc_uuid_t *id)
{
	const uint8_t *p = (const uint8_t *)id;
	uint32_t h = 2166136261u;	/* FNV-1a */
	size_t i;

	for (i = 0; i < sizeof(*id); i++)
		h = (h ^ p[i]) * 16777619u;
	return h & (DG_ACT_HASH - 1);
}

struct dg_srv_act *__rpc_dg_act_find(struct dg_srv *dg, const rpc_uuid_t *id)
{
	struct dg_srv_act *a;

	for (a = dg->hash[act_bucket(id)]; a; a = a->hnext)
		if (!memcmp(&a->id, id, sizeof(*id)))
			return a;
	return NULL;
}

static void lru_unlink(struct dg_srv *dg, struct dg_srv_act *a)
{
	if (a->lprev)
		a->lprev->lnext = a->lnext;
	else
		dg->lru_head = a->lnext;
	if (a->lnext)
		a->lnext->lprev = a->lprev;
	else
		dg->lru_tail = a->lprev;
	a->lprev = a->lnext = NULL;
}

static void lru_append(struct dg_srv *dg, struct dg_srv_act *a)
{
	a->lprev = dg->lru_tail;
	a->lnext = NULL;
	if (dg->lru_tail)
		dg->lru_tail->lnext = a;
	else
		dg->lru_head = a;
	dg->lru_tail = a;
}

void __rpc_dg_act_touch(struct dg_srv *dg, struct dg_srv_act *a, int64_t now)
{
	a->last_ms = now;
	if (dg->lru_tail != a) {
		lru_unlink(dg, a);
		lru_append(dg, a);
	}
}

void __rpc_dg_act_account(struct dg_srv *dg, struct dg_srv_act *a, ssize_t delta)
{
	a->bytes += (size_t)delta;
	dg->bytes += (size_t)delta;
}

void __rpc_dg_act_clear(struct dg_srv *dg, struct dg_srv_act *a)
{
	if (a->rs_live) {
		dg_reasm_free(&a->rs);
		a->rs_live = false;
	}
	if (a->inflight)
		dg->nflight--;
	a->inflight = false;
	free(a->resp);
	free(a->acked);
	free(a->sent_serial);
	a->resp = NULL;
	a->acked = NULL;
	a->sent_serial = NULL;
	a->rtype = 0;
	a->rlen = 0;
	a->nfrags = a->una = a->next = 0;
	dg->bytes -= a->bytes;
	a->bytes = 0;
	if (a->state != DG_A_RUNNING)
		a->state = DG_A_IDLE;
}

/* The octets that tell a client address apart (family, port, address). */
static size_t peer_key(const struct sockaddr_storage *ss, uint8_t *k)
{
	if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)ss;

		memcpy(k, &a->sin6_port, 2);
		memcpy(k + 2, &a->sin6_addr, 16);
		return 18;
	}
	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)ss;

		memcpy(k, &a->sin_port, 2);
		memcpy(k + 2, &a->sin_addr, 4);
		return 6;
	}
	return 0;
}

static unsigned int peer_bucket(const uint8_t *k, size_t n)
{
	uint32_t h = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ k[i]) * 16777619u;
	return h & (DG_PEER_HASH - 1);
}

struct assoc_group *__rpc_dg_act_group(struct dg_srv *dg, struct dg_srv_act *a)
{
	uint8_t k[18], k2[18];
	size_t n = peer_key(&a->peer, k);
	unsigned int b = peer_bucket(k, n);
	struct dg_peer *p;

	if (a->pg)
		return a->pg->group;
	for (p = dg->peers[b]; p; p = p->next)
		if (peer_key(&p->addr, k2) == n && !memcmp(k, k2, n))
			break;
	if (!p) {
		p = calloc(1, sizeof(*p));
		if (!p)
			return NULL;
		/* srv->lock under dg->lock: never the other way round */
		p->group = __rpc_group_join(dg->srv, 0);
		if (!p->group) {
			free(p);
			return NULL;
		}
		p->addr = a->peer;
		p->len = a->plen;
		p->next = dg->peers[b];
		dg->peers[b] = p;
	}
	p->refs++;
	a->pg = p;
	return p->group;
}

/* a goes: its group too when it was the last activity of its address
 * (the handles' rundowns run here, under dg->lock). */
static void peer_put(struct dg_srv *dg, struct dg_srv_act *a)
{
	struct dg_peer *p = a->pg, **pp;
	uint8_t k[18];

	a->pg = NULL;
	if (!p || --p->refs)
		return;
	for (pp = &dg->peers[peer_bucket(k, peer_key(&p->addr, k))]; *pp;
	     pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
	__rpc_group_leave(dg->srv, p->group);
	free(p);
}

static void act_free(struct dg_srv *dg, struct dg_srv_act *a)
{
	struct dg_srv_act **pp;

	peer_put(dg, a);

	__rpc_dg_act_clear(dg, a);
	for (pp = &dg->hash[a->hint]; *pp; pp = &(*pp)->hnext)
		if (*pp == a) {
			*pp = a->hnext;
			break;
		}
	lru_unlink(dg, a);
	dg->nacts--;
	free(a);
}

/* What evicting a costs: nothing (no call, or its answer acknowledged
 * or never cached), a reassembly the client sends again, or an answer
 * nobody acknowledged yet (a retransmitted request would then find no
 * record: no duplicate, the callback decides), or impossible (running). */
static int evict_cost(const struct dg_srv_act *a)
{
	if (a->state == DG_A_RUNNING || a->call)
		return 3;
	if (a->state == DG_A_DONE && a->rtype)
		return 2;
	return a->state == DG_A_RECV ? 1 : 0;
}

/* The cheapest of the first few least recently used activities, the
 * older on a tie; NULL when all of them run calls (the new one is
 * refused). */
static struct dg_srv_act *victim(struct dg_srv *dg)
{
	struct dg_srv_act *a, *best = NULL;
	int n = 0, cost, best_cost = 3;

	for (a = dg->lru_head; a && n < 64; a = a->lnext, n++) {
		cost = evict_cost(a);
		if (cost < best_cost) {
			best = a;
			best_cost = cost;
			if (!cost)
				break;
		}
	}
	return best;
}

struct dg_srv_act *__rpc_dg_act_new(struct dg_srv *dg, const rpc_uuid_t *id)
{
	struct dg_srv_act *a;

	if (dg->nacts >= DG_ACT_MAX) {
		a = victim(dg);
		if (!a)
			return NULL;
		act_free(dg, a);
		atomic_fetch_add(&dg->st.evicted, 1);
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->id = *id;
	a->hint = (uint16_t)act_bucket(id);
	a->hnext = dg->hash[a->hint];
	dg->hash[a->hint] = a;
	a->window = DG_WINDOW_INIT;
	lru_append(dg, a);
	dg->nacts++;
	return a;
}

/* How long a's state is kept with nothing from its client. */
static int64_t keep_ms(const struct dg_srv_act *a)
{
	switch (a->state) {
	case DG_A_RECV:
		return DG_RECV_IDLE_MS;
	case DG_A_DONE:
		if (!a->rtype)
			return DG_ACT_IDLE_MS;
		return (a->req.flags1 & DG_F1_IDEMPOTENT) ? DG_IDEM_CACHE_MS
							  : DG_CACHE_MS;
	case DG_A_RUNNING:
		return INT64_MAX;
	default:
		return DG_ACT_IDLE_MS;
	}
}

void __rpc_dg_act_age(struct dg_srv *dg, int64_t now)
{
	struct dg_srv_act *a, *next;

	/* the least recently used first: stop at the first that is too
	 * young to be forgotten in any state, unless fragments are in
	 * flight somewhere (they may be anywhere in the list) */
	for (a = dg->lru_head; a; a = next) {
		int64_t idle = now - a->last_ms;

		next = a->lnext;
		if (idle < DG_IDEM_CACHE_MS && !dg->nflight)
			break;
		if (a->inflight && a->retries < DG_RETRIES_MAX &&
		    now - a->sent_ms >= a->rto_ms) {
			/* nobody facked the window: send its first
			 * fragment again alone, asking for a fack; the
			 * window opens again with the facks */
			a->retries++;
			a->rto_ms = a->rto_ms * 2 > DG_RTO_MAX_MS ?
				    DG_RTO_MAX_MS : a->rto_ms * 2;
			a->window = 1;
			a->next = a->una;
			__rpc_dg_resend(dg, a, now);
		}
		if (idle < keep_ms(a) || a->call)
			continue;
		if (a->state == DG_A_IDLE ||
		    (a->state == DG_A_DONE && !a->rtype))
			act_free(dg, a);
		else if (a->state != DG_A_RUNNING)
			__rpc_dg_act_clear(dg, a);
	}
}

void __rpc_dg_act_free_all(struct dg_srv *dg)
{
	while (dg->lru_head)
		act_free(dg, dg->lru_head);
}
