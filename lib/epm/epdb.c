// SPDX-License-Identifier: MIT
/*
 * The endpoint map: entries in insertion order, each with a sequence
 * number.  A query in progress (the entry handle of ept_lookup/ept_map) is
 * a cursor that remembers its question and the sequence number of the last
 * entry it returned, so paging needs no snapshot: memory per open handle is
 * constant, and entries added or removed between pages are simply seen or
 * not seen.
 *
 * Status of a page (see also lrpc/epm.h):
 *   nothing returned                    ept_s_not_registered, handle freed
 *   more entries after this page        0, handle kept
 *   the last entries                    0, handle freed (Windows, and
 *                                       what impacket-rpcdump needs: it
 *                                       stops at a null handle and fails
 *                                       on any non-zero status)
 * except for ept_lookup from a client that numbers vers_option from 0,
 * i.e. Samba's rpcclient and smbtorture (RPC_C_VERS_ALL is 0 in Samba's
 * epmapper.idl, 1 in C706).  They stop paging at a short page and then
 * expect ept_s_not_registered (smbtorture Lookup_simple), so for them:
 *   the last entries, page not full     ept_s_not_registered, handle freed
 *   the last entries, page full         0, handle kept (the next call
 *                                       returns nothing, as above)
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <lrpc/epm.h>
#include "epm_int.h"

#define EPDB_MAX_CURSORS 4096

struct epdb_entry {
	uint64_t seq;
	rpc_uuid_t object;
	struct epm_tower_key key;	/* pointers into tower */
	uint8_t *tower;
	size_t tower_len;
	char annotation[RPC_EPM_ANNOTATION_MAX];
	struct rpc_epm_owner owner;
};

struct rpc_epdb {
	pthread_mutex_t lock;
	struct epdb_entry *e;
	size_t n, cap;
	uint64_t next_seq;
	unsigned int ncursors;
};

enum cursor_kind { CUR_LOOKUP, CUR_MAP };

struct rpc_epdb_cursor {
	struct rpc_epdb *db;
	enum cursor_kind kind;
	uint64_t last_seq;
	/* lookup */
	uint32_t inquiry_type;
	uint32_t vers_option;
	rpc_uuid_t object;
	struct rpc_syntax_id iface;
	/* map */
	bool any_iface;
	bool nil_object;		/* match entries with the nil object */
	struct epm_tower_key key;	/* prot ids; pointers unused */
	uint32_t local_ip;
};

static const struct rpc_syntax_id mgmt_syntax = {
	{ 0xafa8bd80, 0x7d8a, 0x11c9, 0xbe, 0xf4,
	  { 0x08, 0x00, 0x2b, 0x10, 0x29, 0x89 } }, 1, 0
};

int rpc_epdb_create(struct rpc_epdb **out)
{
	struct rpc_epdb *db = calloc(1, sizeof(*db));

	if (!db)
		return -ENOMEM;
	pthread_mutex_init(&db->lock, NULL);
	db->next_seq = 1;
	*out = db;
	return 0;
}

void rpc_epdb_free(struct rpc_epdb *db)
{
	size_t i;

	if (!db)
		return;
	for (i = 0; i < db->n; i++)
		free(db->e[i].tower);
	free(db->e);
	pthread_mutex_destroy(&db->lock);
	free(db);
}

size_t rpc_epdb_count(struct rpc_epdb *db)
{
	size_t n;

	pthread_mutex_lock(&db->lock);
	n = db->n;
	pthread_mutex_unlock(&db->lock);
	return n;
}

static bool uuid_eq(const rpc_uuid_t *a, const rpc_uuid_t *b)
{
	return !rpc_uuid_compare(a, b);
}

static bool same_tower(const struct epdb_entry *e, const uint8_t *t, size_t len)
{
	return e->tower_len == len && !memcmp(e->tower, t, len);
}

static void remove_at(struct rpc_epdb *db, size_t i)
{
	free(db->e[i].tower);
	memmove(&db->e[i], &db->e[i + 1], (db->n - i - 1) * sizeof(db->e[0]));
	db->n--;
}

/* Same object, interface uuid and major version, protocol floors and
 * network address: what a re-registration replaces. */
static bool replaces(const struct epdb_entry *old, const rpc_uuid_t *obj,
		     const struct epm_tower_key *k)
{
	return uuid_eq(&old->object, obj) &&
	       uuid_eq(&old->key.iface.uuid, &k->iface.uuid) &&
	       old->key.iface.major == k->iface.major &&
	       old->key.nprot == k->nprot &&
	       !memcmp(old->key.prot, k->prot, k->nprot) &&
	       old->key.host_len == k->host_len &&
	       (!k->host_len || !memcmp(old->key.host, k->host, k->host_len));
}

/* May caller change (replace, refresh, delete) an entry of owner o? */
static bool may_touch(const struct rpc_epm_owner *o,
		      const struct rpc_epm_owner *caller)
{
	if (!caller || !o->pid)
		return true;
	if (!caller->pid)
		return false;
	return caller->uid == 0 || caller->uid == o->uid;
}

static void set_annotation(char *dst, const char *src)
{
	size_t i;

	for (i = 0; i + 1 < RPC_EPM_ANNOTATION_MAX && src[i]; i++)
		dst[i] = src[i];
	dst[i] = 0;
}

int rpc_epdb_insert(struct rpc_epdb *db, const struct rpc_epm_entry *ents,
		    size_t n, bool replace, const struct rpc_epm_owner *owner)
{
	struct epm_tower_key *keys;
	uint64_t first_new;
	size_t i, j;
	int ret = 0;

	if (n > RPC_EPM_MAX_ENTS)
		return -ept_s_cant_perform_op;
	keys = calloc(n ? n : 1, sizeof(*keys));
	if (!keys)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		if (!ents[i].tower) {
			free(keys);
			return -ept_s_invalid_entry;
		}
		ret = __epm_tower_key(ents[i].tower, ents[i].tower_len, &keys[i]);
		if (ret) {
			free(keys);
			return -ept_s_invalid_entry;
		}
	}
	pthread_mutex_lock(&db->lock);
	if (db->n + n > RPC_EPDB_MAX_ENTRIES) {
		ret = -ept_s_cant_perform_op;
		goto out;
	}
	if (db->n + n > db->cap) {
		size_t cap = db->cap ? db->cap * 2 : 64;
		struct epdb_entry *ne;

		while (cap < db->n + n)
			cap *= 2;
		ne = realloc(db->e, cap * sizeof(*ne));
		if (!ne) {
			ret = -ENOMEM;
			goto out;
		}
		db->e = ne;
		db->cap = cap;
	}
	first_new = db->next_seq;
	/* refuse before changing anything */
	for (j = 0; j < n; j++)
		for (i = 0; i < db->n; i++)
			if (((replace && replaces(&db->e[i], &ents[j].object,
						  &keys[j])) ||
			     (uuid_eq(&db->e[i].object, &ents[j].object) &&
			      same_tower(&db->e[i], ents[j].tower,
					 ents[j].tower_len))) &&
			    !may_touch(&db->e[i].owner, owner)) {
				ret = -EACCES;
				goto out;
			}
	if (replace) {
		for (j = 0; j < n; j++)
			for (i = db->n; i-- > 0;)
				if (db->e[i].seq < first_new &&
				    replaces(&db->e[i], &ents[j].object, &keys[j]))
					remove_at(db, i);
	}
	for (j = 0; j < n; j++) {
		struct epdb_entry *e = NULL;
		uint8_t *copy;

		for (i = 0; i < db->n; i++)
			if (uuid_eq(&db->e[i].object, &ents[j].object) &&
			    same_tower(&db->e[i], ents[j].tower,
				       ents[j].tower_len)) {
				e = &db->e[i];
				break;
			}
		if (e) {	/* the same registration again: refresh it */
			set_annotation(e->annotation, ents[j].annotation);
			e->owner = owner ? *owner : (struct rpc_epm_owner){ 0 };
			continue;
		}
		copy = malloc(ents[j].tower_len);
		if (!copy) {
			ret = -ENOMEM;
			goto out;
		}
		memcpy(copy, ents[j].tower, ents[j].tower_len);
		e = &db->e[db->n++];
		memset(e, 0, sizeof(*e));
		e->seq = db->next_seq++;
		e->object = ents[j].object;
		e->tower = copy;
		e->tower_len = ents[j].tower_len;
		__epm_tower_key(copy, e->tower_len, &e->key);
		set_annotation(e->annotation, ents[j].annotation);
		if (owner)
			e->owner = *owner;
	}
out:
	pthread_mutex_unlock(&db->lock);
	free(keys);
	return ret;
}

static ssize_t find_exact(struct rpc_epdb *db, const struct rpc_epm_entry *x)
{
	size_t i;

	if (!x->tower)
		return -1;
	for (i = 0; i < db->n; i++)
		if (uuid_eq(&db->e[i].object, &x->object) &&
		    same_tower(&db->e[i], x->tower, x->tower_len))
			return (ssize_t)i;
	return -1;
}

int rpc_epdb_delete(struct rpc_epdb *db, const struct rpc_epm_entry *ents,
		    size_t n, const struct rpc_epm_owner *caller)
{
	size_t j;
	ssize_t i;
	int ret = 0;

	pthread_mutex_lock(&db->lock);
	for (j = 0; j < n; j++) {
		i = find_exact(db, &ents[j]);
		if (i < 0) {
			ret = -ept_s_not_registered;
			goto out;
		}
		if (!may_touch(&db->e[i].owner, caller)) {
			ret = -EACCES;
			goto out;
		}
	}
	for (j = 0; j < n; j++) {
		i = find_exact(db, &ents[j]);
		if (i >= 0)
			remove_at(db, (size_t)i);
	}
out:
	pthread_mutex_unlock(&db->lock);
	return ret;
}

static bool mgmt_match(const struct epdb_entry *e, bool object_speced,
		       const rpc_uuid_t *object, const uint8_t *tower,
		       size_t tower_len)
{
	return same_tower(e, tower, tower_len) &&
	       (!object_speced || uuid_eq(&e->object, object));
}

int rpc_epdb_mgmt_delete(struct rpc_epdb *db, bool object_speced,
			 const rpc_uuid_t *object, const uint8_t *tower,
			 size_t tower_len, const struct rpc_epm_owner *caller)
{
	static const rpc_uuid_t nil;
	size_t i, removed = 0;

	if (!tower)
		return -ept_s_invalid_entry;
	if (!object)
		object = &nil;
	pthread_mutex_lock(&db->lock);
	for (i = 0; i < db->n; i++)
		if (mgmt_match(&db->e[i], object_speced, object, tower,
			       tower_len) &&
		    !may_touch(&db->e[i].owner, caller)) {
			pthread_mutex_unlock(&db->lock);
			return -EACCES;
		}
	for (i = db->n; i-- > 0;)
		if (mgmt_match(&db->e[i], object_speced, object, tower,
			       tower_len)) {
			remove_at(db, i);
			removed++;
		}
	pthread_mutex_unlock(&db->lock);
	return removed ? 0 : -ept_s_not_registered;
}

/* Liveness of each owner once per sweep: a server registers many entries. */
struct owner_seen {
	struct rpc_epm_owner o;
	bool alive;
};

static bool owner_alive_cached(struct owner_seen *seen, size_t *nseen,
			       size_t max, const struct rpc_epm_owner *o)
{
	size_t i;
	bool alive;

	for (i = 0; i < *nseen; i++)
		if (seen[i].o.pid == o->pid &&
		    seen[i].o.start_time == o->start_time)
			return seen[i].alive;
	alive = __epm_owner_alive(o);
	if (*nseen < max) {
		seen[*nseen].o = *o;
		seen[*nseen].alive = alive;
		(*nseen)++;
	}
	return alive;
}

static int reap_locked(struct rpc_epdb *db)
{
	struct owner_seen seen[64];
	size_t i, nseen = 0;
	int removed = 0;

	for (i = db->n; i-- > 0;) {
		if (!db->e[i].owner.pid ||
		    owner_alive_cached(seen, &nseen, 64, &db->e[i].owner))
			continue;
		remove_at(db, i);
		removed++;
	}
	return removed;
}

int rpc_epdb_reap(struct rpc_epdb *db)
{
	int n;

	pthread_mutex_lock(&db->lock);
	n = reap_locked(db);
	pthread_mutex_unlock(&db->lock);
	return n;
}

int rpc_epdb_remove_owner(struct rpc_epdb *db, const struct rpc_epm_owner *o)
{
	size_t i;
	int removed = 0;

	if (!o->pid)
		return 0;
	pthread_mutex_lock(&db->lock);
	for (i = db->n; i-- > 0;)
		if (db->e[i].owner.pid == o->pid &&
		    db->e[i].owner.start_time == o->start_time) {
			remove_at(db, i);
			removed++;
		}
	pthread_mutex_unlock(&db->lock);
	return removed;
}

/* ---- queries -------------------------------------------------------------- */

static bool vers_match(uint32_t opt, const struct rpc_syntax_id *e,
		       const struct rpc_syntax_id *q)
{
	switch (opt) {
	case 0:			/* Samba's numbering of rpc_c_vers_all */
	case RPC_VERS_ALL:
		return true;
	case RPC_VERS_COMPATIBLE:
		return e->major == q->major &&
		       e->minor >= q->minor;
	case RPC_VERS_EXACT:
		return e->major == q->major &&
		       e->minor == q->minor;
	case RPC_VERS_MAJOR_ONLY:
		return e->major == q->major;
	case RPC_VERS_UPTO:
		return e->major < q->major ||
		       (e->major == q->major &&
			e->minor <= q->minor);
	}
	return false;
}

static bool lookup_match(const struct rpc_epdb_cursor *c,
			 const struct epdb_entry *e)
{
	bool by_if = c->inquiry_type == RPC_EP_MATCH_BY_IF ||
		     c->inquiry_type == RPC_EP_MATCH_BY_BOTH;
	bool by_obj = c->inquiry_type == RPC_EP_MATCH_BY_OBJ ||
		      c->inquiry_type == RPC_EP_MATCH_BY_BOTH;

	if (by_if && (!uuid_eq(&e->key.iface.uuid, &c->iface.uuid) ||
		      !vers_match(c->vers_option, &e->key.iface, &c->iface)))
		return false;
	if (by_obj && !uuid_eq(&e->object, &c->object))
		return false;
	return true;
}

static bool map_match_noobj(const struct rpc_epdb_cursor *c,
			    const struct epdb_entry *e)
{
	if (e->key.nprot != c->key.nprot ||
	    memcmp(e->key.prot, c->key.prot, c->key.nprot))
		return false;
	if (c->any_iface)
		return true;
	return uuid_eq(&e->key.iface.uuid, &c->key.iface.uuid) &&
	       e->key.iface.major == c->key.iface.major &&
	       e->key.iface.minor >= c->key.iface.minor;
}

static bool map_match(const struct rpc_epdb_cursor *c,
		      const struct epdb_entry *e)
{
	static const rpc_uuid_t nil;

	if (!map_match_noobj(c, e))
		return false;
	return uuid_eq(&e->object, c->nil_object ? &nil : &c->object);
}

static bool cursor_match(const struct rpc_epdb_cursor *c,
			 const struct epdb_entry *e)
{
	return c->kind == CUR_LOOKUP ? lookup_match(c, e) : map_match(c, e);
}

static int copy_result(const struct rpc_epdb_cursor *c,
		       const struct epdb_entry *e, struct rpc_epdb_result *r)
{
	memset(r, 0, sizeof(*r));
	r->object = e->object;
	memcpy(r->annotation, e->annotation, sizeof(r->annotation));
	r->tower = malloc(e->tower_len);
	if (!r->tower)
		return -ENOMEM;
	memcpy(r->tower, e->tower, e->tower_len);
	r->tower_len = e->tower_len;
	if (c->kind == CUR_MAP && c->local_ip && e->key.ip_floor >= 0) {
		struct rpc_tower t;
		uint8_t *ip;

		/* e->tower parsed when inserted: the offsets are valid */
		rpc_tower_parse(r->tower, r->tower_len, &t);
		ip = (uint8_t *)t.floor[e->key.ip_floor].rhs;
		if (!ip[0] && !ip[1] && !ip[2] && !ip[3])
			memcpy(ip, &c->local_ip, 4);
	}
	return 0;
}

void rpc_epdb_results_free(struct rpc_epdb_result *res, uint32_t n)
{
	uint32_t i;

	for (i = 0; res && i < n; i++) {
		free(res[i].tower);
		res[i].tower = NULL;
	}
}

static void cursor_free_locked(struct rpc_epdb *db, struct rpc_epdb_cursor *c)
{
	if (!c)
		return;
	db->ncursors--;
	free(c);
}

void rpc_epdb_cursor_free(struct rpc_epdb *db, struct rpc_epdb_cursor *c)
{
	if (!c)
		return;
	pthread_mutex_lock(&db->lock);
	cursor_free_locked(db, c);
	pthread_mutex_unlock(&db->lock);
}

void rpc_epdb_cursor_rundown(void *cursor)
{
	struct rpc_epdb_cursor *c = cursor;

	if (c)
		rpc_epdb_cursor_free(c->db, c);
}

static struct rpc_epdb_cursor *cursor_new_locked(struct rpc_epdb *db,
						 enum cursor_kind kind)
{
	struct rpc_epdb_cursor *c;

	if (db->ncursors >= EPDB_MAX_CURSORS)
		return NULL;
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	db->ncursors++;
	c->db = db;
	c->kind = kind;
	return c;
}

/* One page for cursor c.  Returns the wire status or -errno. */
static int page_locked(struct rpc_epdb *db, struct rpc_epdb_cursor **cp,
		       uint32_t max, bool samba_last_page,
		       struct rpc_epdb_result *res, uint32_t *n)
{
	struct rpc_epdb_cursor *c = *cp;
	bool more = false;
	size_t i;
	int ret;

	*n = 0;
	for (i = 0; i < db->n; i++) {
		const struct epdb_entry *e = &db->e[i];

		if (e->seq <= c->last_seq || !cursor_match(c, e))
			continue;
		if (*n == max) {
			more = true;
			break;
		}
		ret = copy_result(c, e, &res[*n]);
		if (ret) {
			rpc_epdb_results_free(res, *n);
			*n = 0;
			return ret;
		}
		(*n)++;
		c->last_seq = e->seq;
	}
	if (*n == 0) {
		cursor_free_locked(db, c);
		*cp = NULL;
		return ept_s_not_registered;
	}
	if (more || (samba_last_page && *n == max))
		return 0;
	cursor_free_locked(db, c);
	*cp = NULL;
	return samba_last_page ? ept_s_not_registered : 0;
}

int rpc_epdb_lookup(struct rpc_epdb *db, const struct rpc_epdb_lookup_req *req,
		    struct rpc_epdb_cursor **cursor,
		    struct rpc_epdb_result *res, uint32_t *n)
{
	static const rpc_uuid_t nil;
	int ret;

	*n = 0;
	if (req->max_ents > RPC_EPM_MAX_ENTS)
		return -rpc_s_invalid_bound;
	pthread_mutex_lock(&db->lock);
	reap_locked(db);
	if (!*cursor) {
		struct rpc_epdb_cursor *c;

		if (req->inquiry_type > RPC_EP_MATCH_BY_BOTH ||
		    ((req->inquiry_type == RPC_EP_MATCH_BY_IF ||
		      req->inquiry_type == RPC_EP_MATCH_BY_BOTH) &&
		     req->vers_option > RPC_VERS_UPTO)) {
			ret = -ept_s_cant_perform_op;
			goto out;
		}
		c = cursor_new_locked(db, CUR_LOOKUP);
		if (!c) {
			ret = -ept_s_cant_perform_op;
			goto out;
		}
		c->inquiry_type = req->inquiry_type;
		c->vers_option = req->vers_option;
		c->object = req->object ? *req->object : nil;
		if (req->iface)
			c->iface = *req->iface;
		*cursor = c;
	} else if ((*cursor)->kind != CUR_LOOKUP) {
		ret = -ept_s_cant_perform_op;
		goto out;
	}
	ret = page_locked(db, cursor, req->max_ents, req->vers_option == 0,
			  res, n);
out:
	pthread_mutex_unlock(&db->lock);
	return ret;
}

int rpc_epdb_map(struct rpc_epdb *db, const rpc_uuid_t *object,
		 const uint8_t *map_tower, size_t map_tower_len,
		 uint32_t max_towers, uint32_t local_ip,
		 struct rpc_epdb_cursor **cursor,
		 struct rpc_epdb_result *res, uint32_t *n)
{
	int ret;

	*n = 0;
	if (max_towers > RPC_EPM_MAX_ENTS)
		return -rpc_s_invalid_bound;
	pthread_mutex_lock(&db->lock);
	reap_locked(db);
	if (!*cursor) {
		struct rpc_epdb_cursor *c;
		struct epm_tower_key k;
		size_t i;

		if (!map_tower ||
		    __epm_tower_key(map_tower, map_tower_len, &k)) {
			ret = ept_s_not_registered;
			goto out;
		}
		c = cursor_new_locked(db, CUR_MAP);
		if (!c) {
			ret = -ept_s_cant_perform_op;
			goto out;
		}
		c->key = k;
		c->key.host = NULL;
		c->key.host_len = 0;
		c->local_ip = local_ip;
		c->any_iface = rpc_uuid_is_nil(&k.iface.uuid) ||
			       (uuid_eq(&k.iface.uuid, &mgmt_syntax.uuid) &&
				k.iface.major == mgmt_syntax.major);
		c->nil_object = true;
		if (object && !rpc_uuid_is_nil(object)) {
			/* [C706]: entries with this object; when there are
			 * none, the ones registered for the nil object */
			c->object = *object;
			for (i = 0; i < db->n; i++)
				if (uuid_eq(&db->e[i].object, object) &&
				    map_match_noobj(c, &db->e[i])) {
					c->nil_object = false;
					break;
				}
		}
		*cursor = c;
	} else if ((*cursor)->kind != CUR_MAP) {
		ret = -ept_s_cant_perform_op;
		goto out;
	}
	ret = page_locked(db, cursor, max_towers, false, res, n);
out:
	pthread_mutex_unlock(&db->lock);
	return ret;
}
