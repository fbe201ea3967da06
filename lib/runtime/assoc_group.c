// SPDX-License-Identifier: MIT
/*
 * Association groups ([C706] 12.6.3.1 assoc_group_id, [MS-RPCE] 3.3.1.1.1):
 * the connections of one client that share context handles.  A bind with
 * group 0 creates one; a group ends with its last connection, and its
 * open context handles are run down then (context_handle.c).
 */
#include <stdlib.h>
#include "runtime/server_int.h"

struct assoc_group *__rpc_group_join(struct rpc_server *srv, uint32_t id)
{
	struct assoc_group *g;

	pthread_mutex_lock(&srv->lock);
	if (id) {
		for (g = srv->groups; g; g = g->next)
			if (g->id == id)
				break;
	} else {
		g = calloc(1, sizeof(*g));
		if (g) {
			do {
				g->id = ++srv->next_group & 0x00ffffff;
			} while (!g->id);
			g->id |= 0x12000000u;	/* recognisable, never 0 */
			g->next = srv->groups;
			srv->groups = g;
			srv->ngroups++;
		}
	}
	if (g)
		g->nconns++;
	pthread_mutex_unlock(&srv->lock);
	return g;
}

void __rpc_group_leave(struct rpc_server *srv, struct assoc_group *g)
{
	struct assoc_group **pp;
	struct ctx_handle *gone;

	pthread_mutex_lock(&srv->lock);
	if (--g->nconns) {
		pthread_mutex_unlock(&srv->lock);
		return;
	}
	for (pp = &srv->groups; *pp; pp = &(*pp)->next)
		if (*pp == g) {
			*pp = g->next;
			break;
		}
	srv->ngroups--;
	gone = __rpc_sctx_close_group_locked(srv, g);
	pthread_mutex_unlock(&srv->lock);
	__rpc_sctx_rundown(gone, true);
	free(g);
}

void __rpc_group_free_all(struct rpc_server *srv)
{
	/* no connection is left: only groups whose handles nobody holds */
	while (srv->groups) {
		struct assoc_group *g = srv->groups;

		srv->groups = g->next;
		__rpc_sctx_rundown(__rpc_sctx_close_group_locked(srv, g), false);
		free(g);
	}
}
