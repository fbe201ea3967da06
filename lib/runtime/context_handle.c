// SPDX-License-Identifier: MIT
/*
 * Server context handles (<lrpc/stub.h> rpc_sctx_lookup, rpc_sctx_to_wire).
 *
 * A handle lives in its association group while open.  Every call that
 * looks it up holds a reference until the call ends (after its [out]
 * values are marshalled), so a close by one call or the rundown of the
 * group never frees it under another: the last reference frees it, and
 * runs the rundown if no manager closed it.  Calls on one handle are
 * serialized unless the lookup says RPC_SCTX_NOSERIALIZE, as MIDL does by
 * default ([context_handle_serialize] / [context_handle_noserialize]).
 * A handle answers only the interface that created it (the behaviour of
 * MIDL's [strict_context_handle], which lrpc always applies): any other
 * gets nca_s_fault_context_mismatch, as an unknown handle does.
 *
 * Everything here is under srv->lock; a waiting call sleeps on the
 * handle's condition variable with that lock.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "runtime/server_int.h"

static const uint8_t zero20[20];

static bool same_iface(const struct rpc_syntax_id *a,
		       const struct rpc_syntax_id *b)
{
	/* minor versions of one major are the same interface */
	return !rpc_uuid_compare(&a->uuid, &b->uuid) && a->major == b->major;
}

static struct ctx_handle *find_open(struct assoc_group *g,
				    const struct ndr_context_handle *h)
{
	struct ctx_handle *ch;
	rpc_uuid_t u;

	rpc_uuid_from_wire(&u, h->uuid, false);
	for (ch = g->handles; ch; ch = ch->next)
		if (!rpc_uuid_compare(&ch->uuid, &u))
			return ch;
	return NULL;
}

static struct ctx_handle *find_held(struct sctx_holds *hs,
				    const struct ndr_context_handle *h)
{
	rpc_uuid_t u;
	unsigned int i;

	rpc_uuid_from_wire(&u, h->uuid, false);
	for (i = 0; i < hs->n; i++)
		if (!rpc_uuid_compare(&hs->h[i]->uuid, &u))
			return hs->h[i];
	return NULL;
}

/* srv->lock held: true when that was the last reference. */
static bool put_locked(struct ctx_handle *ch)
{
	return --ch->refs == 0;
}

void __rpc_sctx_rundown(struct ctx_handle *list, bool run)
{
	struct ctx_handle *next;

	/* outside srv->lock: rundowns may call back into the runtime */
	for (; list; list = next) {
		next = list->next;
		if (run && list->user && list->rundown)
			list->rundown(list->user);
		pthread_cond_destroy(&list->cv);
		free(list);
	}
}

/* srv->lock held: take ch out of its group (closed or run down). */
static void unlink_locked(struct rpc_server *srv, struct assoc_group *g,
			  struct ctx_handle *ch)
{
	struct ctx_handle **pp;

	for (pp = &g->handles; *pp; pp = &(*pp)->next)
		if (*pp == ch) {
			*pp = ch->next;
			break;
		}
	ch->next = NULL;
	ch->open = false;
	srv->nhandles--;
	pthread_cond_broadcast(&ch->cv);	/* waiters see it closed */
}

struct ctx_handle *__rpc_sctx_close_group_locked(struct rpc_server *srv,
						 struct assoc_group *g)
{
	struct ctx_handle *last = NULL;

	while (g->handles) {
		struct ctx_handle *ch = g->handles;

		unlink_locked(srv, g, ch);
		if (put_locked(ch)) {
			ch->next = last;
			last = ch;
		}
		/* else the last holder runs it down */
	}
	return last;
}

int rpc_sctx_lookup(struct rpc_call_ctx *call,
		    const struct ndr_context_handle *h, int flags, void **user)
{
	struct rpc_server *srv;
	struct sctx_holds *hs;
	struct ctx_handle *ch, *gone = NULL;
	int ret = -nca_s_fault_context_mismatch;

	if (!call || !user)
		return -EINVAL;
	*user = NULL;
	if (!h || !memcmp(h, zero20, sizeof(zero20)))
		return flags & RPC_SCTX_ALLOW_NULL ? 0 : ret;
	srv = rpc_call_ctx_server(call);
	hs = __rpc_call_holds(call);
	pthread_mutex_lock(&srv->lock);
	ch = find_held(hs, h);
	if (ch) {			/* the same handle twice in one call */
		if (ch->open) {
			*user = ch->user;
			ret = 0;
		}
		goto out;
	}
	ch = find_open(__rpc_call_group(call), h);
	if (!ch || !same_iface(&ch->iface, &__rpc_call_iface(call)->id))
		goto out;
	if (hs->n == CALL_MAX_SCTX) {
		ret = -ENOMEM;
		goto out;
	}
	ch->refs++;
	hs->h[hs->n++] = ch;
	if (!(flags & RPC_SCTX_NOSERIALIZE)) {
		while (ch->owner && ch->open)
			pthread_cond_wait(&ch->cv, &srv->lock);
		if (!ch->open) {	/* closed or run down meanwhile */
			hs->n--;
			if (put_locked(ch))
				gone = ch;
			goto out;
		}
		ch->owner = call;
	}
	*user = ch->user;
	ret = 0;
out:
	pthread_mutex_unlock(&srv->lock);
	__rpc_sctx_rundown(gone, true);
	return ret;
}

static struct ctx_handle *handle_new(struct rpc_server *srv,
				     struct assoc_group *g,
				     const struct rpc_call_ctx *call)
{
	struct ctx_handle *ch = calloc(1, sizeof(*ch));

	if (!ch)
		return NULL;
	rpc_uuid_generate(&ch->uuid);
	ch->iface = __rpc_call_iface(call)->id;
	ch->refs = 1;			/* the group's */
	ch->open = true;
	pthread_cond_init(&ch->cv, NULL);
	ch->next = g->handles;
	g->handles = ch;
	srv->nhandles++;
	return ch;
}

int rpc_sctx_to_wire(struct rpc_call_ctx *call, void *user,
		     rpc_rundown_fn rundown, struct ndr_context_handle *wire)
{
	struct rpc_server *srv;
	struct assoc_group *g;
	struct ctx_handle *ch = NULL, *gone = NULL;
	rpc_uuid_t u;
	int ret = 0;

	if (!call || !wire)
		return -EINVAL;
	srv = rpc_call_ctx_server(call);
	g = __rpc_call_group(call);
	pthread_mutex_lock(&srv->lock);
	if (memcmp(wire, zero20, sizeof(zero20))) {
		ch = find_held(__rpc_call_holds(call), wire);
		if (!ch)
			ch = find_open(g, wire);
		if (ch && !ch->open) {
			/* closed by another call ([context_handle_noserialize])
			 * or run down: it stays closed */
			ch = NULL;
			goto out;
		}
		if (ch && !user) {
			ch->user = NULL;	/* the manager's close: no rundown */
			unlink_locked(srv, g, ch);
			if (put_locked(ch))
				gone = ch;
			ch = NULL;
		}
	}
	if (user && !ch) {
		ch = handle_new(srv, g, call);
		if (!ch)
			ret = -ENOMEM;
	}
	if (ch) {
		ch->user = user;
		ch->rundown = rundown;
		u = ch->uuid;		/* ch may go once the lock is dropped */
	}
out:
	pthread_mutex_unlock(&srv->lock);
	__rpc_sctx_rundown(gone, false);
	memset(wire, 0, sizeof(*wire));
	if (ch)
		rpc_uuid_to_wire(&u, wire->uuid, false);
	return ret;
}

void __rpc_sctx_release_call(struct rpc_call_ctx *call)
{
	struct sctx_holds *hs = __rpc_call_holds(call);
	struct ctx_handle *gone = NULL;
	struct rpc_server *srv;
	unsigned int i;

	if (!hs->n)
		return;
	srv = rpc_call_ctx_server(call);
	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < hs->n; i++) {
		struct ctx_handle *ch = hs->h[i];

		if (ch->owner == call) {
			ch->owner = NULL;
			pthread_cond_signal(&ch->cv);
		}
		if (put_locked(ch)) {
			ch->next = gone;
			gone = ch;
		}
	}
	hs->n = 0;
	pthread_mutex_unlock(&srv->lock);
	__rpc_sctx_rundown(gone, true);
}
