// SPDX-License-Identifier: MIT
/*
 * The local engine's server keeps mapped views.
 *
 * Received views of large [in] stub data are mapped once per section and
 * connection and kept (clients reuse a pool of sections, lpc_client.c):
 * a later request whose view names a section we hold a mapping of is
 * served from that mapping, and its view fd is just closed.  Safe
 * because (1) our mapping holds the section, so its id cannot name
 * another section while the entry lives; (2) the view's window, from
 * LRPC_IOC_VIEW_INFO, must lie inside the window we mapped, so we read
 * only octets this very message grants; (3) the mapping is read-only
 * (the server never writes [in] stub data), whatever the view grants;
 * (4) the pages are the sender's, which it could change under us in any
 * case (a shared mapping), so nothing is lost against a fresh mapping.
 * Bounded: LPC_MAP_CONN entries per connection, LPC_MAP_MAX and
 * LPC_MAP_BYTES per server (least recently used idle ones go first); a
 * connection's entries go when it closes (PORT_CLOSED), all of them with
 * the server.  A cached mapping keeps the client's section (and its
 * charge) until then.
 *
 * Not for a sealed view, nor one from another uid on a module that can
 * seal (__rpc_lpc_seal_for): (4) no longer holds, since a sealed view
 * keeps the client from writing only while we hold it, and a cached
 * mapping would keep the client's pooled section sealed for good.  A
 * sealed view is mapped for its call and unmapped before the reply; one
 * that arrives unsealed from another uid is copied first (a double
 * fetch otherwise: the client could change the stub data while it is
 * unmarshalled).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include "engine/lpc/lpc_int.h"
#include "engine/lpc/lpc_views.h"

#define LPC_MAP_CONN		4
#define LPC_MAP_MAX		64
#define LPC_MAP_BYTES		((size_t)256 << 20)


void __rpc_lpc_view_cache_init(struct lpc_view_cache *vc)
{
	memset(vc, 0, sizeof(*vc));
	pthread_mutex_init(&vc->lock, NULL);
}

static void map_free(struct lpc_view *e)
{
	if (e->copied)
		free(e->addr);
	else
		munmap(e->addr, e->len);
	free(e);
}

/* A new entry mapping m's whole view read-only (one user, not cached),
 * or NULL. */
static struct lpc_view *map_new(const struct lrpc_msg_info *m)
{
	struct lpc_view *e = calloc(1, sizeof(*e));
	void *a;

	if (!e)
		return NULL;
	/* populated: one call instead of a trap per page */
	a = mmap(NULL, (size_t)m->view_len, PROT_READ,
		 MAP_SHARED | MAP_POPULATE, m->view_fd, 0);
	if (a == MAP_FAILED) {
		free(e);
		return NULL;
	}
	e->addr = a;
	e->len = (size_t)m->view_len;
	e->users = 1;
	return e;
}

/* With LRPC_F_SEAL: the view mapped for one call, or (unsealed) a copy
 * of its first need octets; NULL when it cannot be had. */
static const uint8_t *map_once(const struct lrpc_msg_info *m, size_t need,
			       struct lpc_view **ep)
{
	struct lpc_view *e = map_new(m);
	uint8_t *copy;

	if (!e)
		return NULL;
	if (!(m->view_flags & LRPC_VIEW_F_SEAL)) {
		copy = malloc(need ? need : 1);
		if (!copy) {
			map_free(e);
			return NULL;
		}
		memcpy(copy, e->addr, need);
		munmap(e->addr, e->len);
		e->addr = copy;
		e->copied = true;
	}
	*ep = e;
	return e->addr;
}

/* Unlink e from vc->list (vc->lock held); freed unless in use. */
static void map_unlink(struct lpc_view_cache *vc, struct lpc_view *e)
{
	struct lpc_view **pp;

	for (pp = &vc->list; *pp; pp = &(*pp)->next)
		if (*pp == e) {
			*pp = e->next;
			break;
		}
	e->cached = false;
	vc->n--;
	vc->bytes -= e->len;
	if (!e->users)
		map_free(e);
}

/* The least recently used idle entry (of conn_id only when one), or NULL
 * (vc->lock held). */
static struct lpc_view *map_lru(struct lpc_view_cache *vc, const uint64_t *conn_id)
{
	struct lpc_view *e, *v = NULL;

	for (e = vc->list; e; e = e->next)
		if (!e->users && (!conn_id || e->conn_id == *conn_id) &&
		    (!v || e->used < v->used))
			v = e;
	return v;
}

const uint8_t *__rpc_lpc_view_get(struct lpc_view_cache *vc,
				  const struct lrpc_msg_info *m, size_t need,
				  struct lpc_view **ep)
{
	struct lrpc_view_info vi = { 0 };
	const uint64_t conn_id = m->conn_id;
	const struct lrpc_features *feat;
	struct lpc_view *e;
	unsigned int n = 0;
	bool info;

	__rpc_lpc_dev(&feat);
	/* sealed, or another uid's to be copied: never cached */
	if ((m->view_flags & LRPC_VIEW_F_SEAL) || __rpc_lpc_seal_for(m->uid))
		return map_once(m, need, ep);
	info = !ioctl(m->view_fd, LRPC_IOC_VIEW_INFO, &vi) &&
	       vi.len == m->view_len;
	if (info) {
		pthread_mutex_lock(&vc->lock);
		for (e = vc->list; e; e = e->next)
			if (e->conn_id == m->conn_id &&
			    e->sec_id == vi.section_id &&
			    vi.offset >= e->off &&
			    vi.offset - e->off <= e->len &&
			    vi.len <= e->len - (vi.offset - e->off)) {
				e->users++;
				e->used = ++vc->tick;
				pthread_mutex_unlock(&vc->lock);
				*ep = e;
				return e->addr + (vi.offset - e->off);
			}
		pthread_mutex_unlock(&vc->lock);
	}
	e = map_new(m);
	if (!e)
		return NULL;
	*ep = e;
	if (!info || e->len > LPC_MAP_BYTES)
		return e->addr;
	e->conn_id = m->conn_id;
	e->sec_id = vi.section_id;
	e->off = vi.offset;
	pthread_mutex_lock(&vc->lock);
	for (struct lpc_view *x = vc->list; x; x = x->next)
		n += x->conn_id == m->conn_id;
	for (;;) {
		struct lpc_view *v = NULL;

		if (n >= LPC_MAP_CONN)
			v = map_lru(vc, &conn_id);
		else if (vc->n >= LPC_MAP_MAX ||
			 vc->bytes + e->len > LPC_MAP_BYTES)
			v = map_lru(vc, NULL);
		else
			break;
		if (!v)
			break;
		n -= v->conn_id == m->conn_id;
		map_unlink(vc, v);
	}
	if (n < LPC_MAP_CONN && vc->n < LPC_MAP_MAX &&
	    vc->bytes + e->len <= LPC_MAP_BYTES) {
		e->cached = true;
		e->used = ++vc->tick;
		e->next = vc->list;
		vc->list = e;
		vc->n++;
		vc->bytes += e->len;
	}
	pthread_mutex_unlock(&vc->lock);
	return e->addr;
}

void __rpc_lpc_view_put(struct lpc_view_cache *vc, struct lpc_view *e)
{
	bool gone;

	pthread_mutex_lock(&vc->lock);
	gone = !--e->users && !e->cached;
	pthread_mutex_unlock(&vc->lock);
	if (gone)
		map_free(e);
}

void __rpc_lpc_view_drop(struct lpc_view_cache *vc, const uint64_t *conn_id)
{
	struct lpc_view *e, *next;

	pthread_mutex_lock(&vc->lock);
	for (e = vc->list; e; e = next) {
		next = e->next;
		if (!conn_id || e->conn_id == *conn_id)
			map_unlink(vc, e);
	}
	pthread_mutex_unlock(&vc->lock);
}

