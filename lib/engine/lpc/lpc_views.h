/* SPDX-License-Identifier: MIT */
/* The local engine's server: the cache of mapped [in] views (lpc_views.c). */
#ifndef LRPC_LPC_VIEWS_H
#define LRPC_LPC_VIEWS_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/lrpc.h>

struct lpc_view {
	struct lpc_view *next;
	bool copied;		/* addr is a malloc()ed copy, not a mapping */
	uint64_t conn_id;
	uint32_t sec_id;
	bool cached;		/* in the cache's list */
	unsigned int users;
	uint64_t used;		/* LRU tick */
	uint64_t off;		/* of the mapped view in its section */
	size_t len;		/* the mapped view's length */
	uint8_t *addr;
};


struct lpc_view_cache {
	pthread_mutex_t lock;
	struct lpc_view *list;
	unsigned int n;
	size_t bytes;
	uint64_t tick;
};

void __rpc_lpc_view_cache_init(struct lpc_view_cache *vc);
/*
 * The stub data (need octets) of a request's view: *ep the entry to give
 * back with __rpc_lpc_view_put(), its base returned (NULL: could not
 * map).  m->view_fd stays open (the caller closes it).
 */
const uint8_t *__rpc_lpc_view_get(struct lpc_view_cache *vc,
				  const struct lrpc_msg_info *m, size_t need,
				  struct lpc_view **ep);
void __rpc_lpc_view_put(struct lpc_view_cache *vc, struct lpc_view *e);
/* Drop the entries of connection conn_id (all: conn_id NULL). */
void __rpc_lpc_view_drop(struct lpc_view_cache *vc, const uint64_t *conn_id);

#endif /* LRPC_LPC_VIEWS_H */
