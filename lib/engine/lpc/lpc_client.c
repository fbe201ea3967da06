// SPDX-License-Identifier: MIT
/*
 * ncalrpc through /dev/lrpc, client side (see local_int.h for the wire):
 * one kernel connection per binding handle, bound with a CO bind PDU as
 * the connect payload; every call is one LRPC_IOC_CALL from the calling
 * thread, so any number of threads call concurrently on one binding.
 *
 * A server may close a connection (its idle time-out, rpc_server_set_timeout
 * RPC_SERVER_TIMEOUT_IDLE); the module then refuses a CALL with
 * ECONNRESET before it queues anything, and leaves msg_id 0: that call
 * never reached the server, so it reconnects (rebinding) and sends it
 * again, once.  A call the module had queued (msg_id set) is not sent
 * twice: it fails with rpc_s_call_failed.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <linux/lrpc.h>
#include "engine/co/bind_answer.h"
#include "engine/lpc/lpc_int.h"

#define LPC_MAX_CTX	32
#define LPC_MAX_PENDING	64	/* calls rpc_binding_cancel() reaches */
#define LPC_MAX_OUT	(256u << 20)
#define LPC_DRAIN_MS	1000	/* calls on a reset connection end at once */

/*
 * Sections for large [in] stub data are pooled per binding: a call takes
 * a free one at least as large as its stub data (created in powers of two
 * from LPC_POOL_MIN when none fits), copies the stub data into the
 * creator's mapping kept with it, attaches it and gives it back when the
 * reply is in (the server has then let go of it, or keeps only a
 * read-only mapping it does not read until our next call with that
 * section).  At most LPC_POOL_MAX sections and LPC_POOL_BYTES octets are
 * kept; beyond that (concurrent calls, huge arguments) a section is used
 * once and closed.  __rpc_lpc_close() closes them all.
 *
 * With LRPC_F_SEAL the view is attached sealed: from then on nobody, we
 * included, can write the section until the server has closed and
 * unmapped every view of it, so the server unmarshals octets that cannot
 * change under it.  A pooled section is therefore reused only when
 * LRPC_IOC_VIEW_INFO says it is no longer sealed (one ioctl, large calls
 * only); one a server still holds stays idle, and a fresh section is
 * made (the pool's bounds unchanged: an idle sealed section is the
 * first to be replaced when it is the smallest).
 */
#define LPC_POOL_MAX	4
#define LPC_POOL_MIN	(128u << 10)
#define LPC_POOL_BYTES	(64u << 20)

struct lpc_sect {
	int fd;			/* section fd, -1: slot empty */
	bool busy;
	bool sealed;		/* last attached sealed: ask before writing */
	void *addr;		/* writable mapping of the whole section */
	size_t size;
};

struct lpc_ctx {
	struct rpc_syntax_id iface;
	uint16_t ctx_id;
	int syntax;
};

struct lpc_client {
	pthread_mutex_t lock;		/* below, and (re)connecting */
	pthread_cond_t drained;		/* broken and no call left on fd */
	int fd;				/* communication fd, -1: none */
	bool broken;
	char endpoint[RPC_LOCAL_EP_MAX + 1];
	uint32_t assoc_group;
	uint16_t next_ctx_id;
	uint32_t next_call_id;
	int nctx;
	uid_t server_euid;		/* of the last reply, -1: none yet */
	struct lpc_ctx ctx[LPC_MAX_CTX];
	unsigned int ncalls;
	struct lrpc_call *pending[LPC_MAX_PENDING];
	struct lpc_sect pool[LPC_POOL_MAX];	/* under lock */
};

static void sect_drop(struct lpc_sect *s)
{
	if (s->fd < 0)
		return;
	munmap(s->addr, s->size);
	close(s->fd);
	s->fd = -1;
	s->addr = NULL;
	s->size = 0;
	s->busy = false;
}

/* A new mapped section of size octets into *s, or < 0. */
static int sect_new(struct lpc_sect *s, size_t size)
{
	void *m;
	int sfd = __rpc_lpc_section_map(size, &m);

	if (sfd < 0)
		return sfd;
	s->fd = sfd;
	s->addr = m;
	s->size = size;
	s->busy = true;
	return 0;
}

/* Whether s may be written again: not attached sealed, or the views
 * that sealed it are gone. */
static bool sect_writable(struct lpc_sect *s)
{
	struct lrpc_view_info vi = { 0 };

	if (!s->sealed)
		return true;
	if (ioctl(s->fd, LRPC_IOC_VIEW_INFO, &vi) < 0 ||
	    (vi.flags & LRPC_VIEW_F_SEAL))
		return false;
	s->sealed = false;
	return true;
}

/*
 * A section holding at least len octets for one call: a pooled one (the
 * pointer into l->pool) or *tmp, used once.  NULL with *err set on
 * failure.
 */
static struct lpc_sect *sect_get(struct lpc_client *l, size_t len,
				 struct lpc_sect *tmp, int *err)
{
	struct lpc_sect *best = NULL, *empty = NULL, *victim = NULL;
	size_t size = LPC_POOL_MIN, total = 0;
	int i;

	while (size < len && size < ((size_t)1 << 62))
		size <<= 1;
	pthread_mutex_lock(&l->lock);
	for (i = 0; i < LPC_POOL_MAX; i++) {
		struct lpc_sect *s = &l->pool[i];

		if (s->fd < 0) {
			if (!empty)
				empty = s;
			continue;
		}
		total += s->size;
		if (s->busy)
			continue;
		if (s->size >= len && (!best || s->size < best->size) &&
		    sect_writable(s))
			best = s;
		if (!victim || s->size < victim->size)
			victim = s;
	}
	if (best) {
		best->busy = true;
		pthread_mutex_unlock(&l->lock);
		return best;
	}
	/* grow: replace the smallest idle section when the pool is full
	 * or would exceed its octets */
	if (victim && (!empty || total + size > LPC_POOL_BYTES)) {
		total -= victim->size;
		sect_drop(victim);
		empty = victim;
	}
	if (empty && size <= LPC_POOL_BYTES && total + size <= LPC_POOL_BYTES) {
		*err = sect_new(empty, size);
		pthread_mutex_unlock(&l->lock);
		return *err < 0 ? NULL : empty;
	}
	pthread_mutex_unlock(&l->lock);
	tmp->fd = -1;
	*err = sect_new(tmp, len);
	return *err < 0 ? NULL : tmp;
}

/* Give s back; drop: the call did not complete (the server may still
 * read it), so it is not reused. */
static void sect_put(struct lpc_client *l, struct lpc_sect *s,
		     struct lpc_sect *tmp, bool drop)
{
	if (s == tmp) {
		sect_drop(tmp);
		return;
	}
	pthread_mutex_lock(&l->lock);
	if (drop)
		sect_drop(s);
	else
		s->busy = false;
	pthread_mutex_unlock(&l->lock);
}

/*
 * The [out] stub data of a reply's view.  Mapped and handed out as is
 * when the view is sealed (nobody can change it while we map it), the
 * module cannot seal, or the server is our own euid (see
 * __rpc_lpc_seal_for); else copied first, so the server cannot change
 * octets while the stub unmarshals them (a double fetch).
 */
static int map_reply(const struct lrpc_msg_info *mi, uint64_t stub_len,
		     struct rpc_reply *reply)
{
	uint64_t vlen = mi->view_len;
	int vfd = mi->view_fd;
	void *a;
	int ret;

	if (stub_len > vlen || vlen > SIZE_MAX || stub_len > LPC_MAX_OUT)
		return -rpc_s_protocol_error;
	if (!(mi->view_flags & LRPC_VIEW_F_SEAL) &&
	    __rpc_lpc_seal_for(mi->uid)) {
		a = mmap(NULL, (size_t)vlen, PROT_READ,
			 MAP_SHARED | MAP_POPULATE, vfd, 0);
		if (a == MAP_FAILED)
			return -ENOMEM;
		reply->data = malloc(stub_len ? (size_t)stub_len : 1);
		if (reply->data)
			memcpy(reply->data, a, (size_t)stub_len);
		munmap(a, (size_t)vlen);
		reply->len = (size_t)stub_len;
		return reply->data ? 0 : -ENOMEM;
	}
	/* populated: one call instead of a trap per page */
	a = mmap(NULL, (size_t)vlen, PROT_READ, MAP_SHARED | MAP_POPULATE,
		 vfd, 0);
	if (a == MAP_FAILED)
		return -ENOMEM;
	ret = __rpc_reply_set_mapped(reply, a, (size_t)vlen, (size_t)stub_len);
	if (ret < 0)
		munmap(a, (size_t)vlen);
	return ret;
}

/* ---- bind ------------------------------------------------------------- */

/* A bind or alter_context PDU offering iface in the syntaxes of p. */
static int enc_bind(struct lpc_client *l, const struct lpc_params *p,
		    const struct rpc_syntax_id *iface, bool alter,
		    struct ndr_buf *out, uint16_t ids[RPC_BIND_MAX_OFFER],
		    int *nids)
{
	struct rpc_co_enc e = {
		.ptype = alter ? RPC_PT_ALTER_CONTEXT : RPC_PT_BIND,
		.pfc_flags = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
		.big_endian = p->be,
		.call_id = ++l->next_call_id,
	};
	struct rpc_bind_offer o = {
		.syntaxes = p->offer,
		.btfn = p->btfn,
		.alter = alter,
		.max_frag = RPC_MAX_FRAG,
		.assoc_group = l->assoc_group,
	};
	struct rpc_pdu *pdu = calloc(1, sizeof(*pdu));
	int ret;

	if (!pdu)
		return -ENOMEM;
	*nids = __rpc_bind_offer(pdu, iface, &o, &l->next_ctx_id, ids);
	ret = __rpc_co_encode(out, &e, pdu);
	free(pdu);
	return ret < 0 ? ret : 0;
}

/* Read a bind_ack / alter_context_resp / bind_nak (l->lock held). */
static int dec_bind_ack(struct lpc_client *l, const uint8_t *buf, size_t len,
			const struct rpc_syntax_id *iface, bool alter,
			const uint16_t ids[RPC_BIND_MAX_OFFER], int nids)
{
	struct rpc_pdu *pdu = malloc(sizeof(*pdu));
	struct rpc_bind_accepted acc;
	int ret;

	if (!pdu)
		return -ENOMEM;
	ret = __rpc_co_decode(buf, len, pdu);
	if (ret < 0)
		goto out;
	ret = __rpc_bind_read(pdu, alter, ids, nids, &acc);
	if (!alter && (ret >= 0 || ret == -rpc_s_unknown_if ||
		       ret == -rpc_s_unsupported_trans_syn))
		l->assoc_group = pdu->bind_ack.assoc_group_id;
	if (ret < 0)
		goto out;
	if (l->nctx == LPC_MAX_CTX) {
		ret = -rpc_s_out_of_resources;
		goto out;
	}
	l->ctx[l->nctx].iface = *iface;
	l->ctx[l->nctx].ctx_id = acc.ctx_id;
	l->ctx[l->nctx].syntax = acc.syntax;
	l->nctx++;
out:
	free(pdu);
	return ret;
}

static int64_t timeout_ns(const struct lpc_params *p)
{
	return p->timeout_ms ? (int64_t)p->timeout_ms * 1000000 : -1;
}

/*
 * A connect (which carries the bind) or an alter_context: bounded by the
 * com time-out's bind bound as well as the call's; *com when the com
 * time-out is the earlier.
 */
static int64_t bind_timeout_ns(const struct lpc_params *p, bool *com)
{
	int64_t now = __rpc_now_ms();
	int64_t dl = __rpc_com_deadline(p->com_level, true, p->timeout_ms ?
					now + p->timeout_ms : -1, com);

	return dl < 0 ? -1 : (dl - now) * 1000000;
}

/* (Re)connect and bind iface (l->lock held).  1, 0 (no such port), < 0. */
static int do_connect(struct lpc_client *l, const struct lpc_params *p,
		      const struct rpc_syntax_id *iface)
{
	struct lrpc_connect c = { 0 };
	struct ndr_buf b = { 0 };
	uint8_t ack[LRPC_CONNECT_DATA_MAX];
	uint16_t ids[RPC_BIND_MAX_OFFER];
	const struct lrpc_features *feat;
	uid_t want[2];
	bool com;
	int dev = __rpc_lpc_dev(&feat), nids, nwant = 0, i, fd, ret;

	if (dev < 0)
		return 0;
	l->nctx = 0;
	l->next_ctx_id = 0;
	ret = enc_bind(l, p, iface, false, &b, ids, &nids);
	if (ret < 0)
		return ret;
	snprintf(c.name, sizeof(c.name), LPC_PORT_PREFIX "%s", l->endpoint);
	c.data = (uintptr_t)b.data;
	c.len = (uint32_t)b.len;
	c.reply = (uintptr_t)ack;
	c.reply_size = sizeof(ack);
	c.timeout_ns = bind_timeout_ns(p, &com);
	/*
	 * The server's owner.  A named one is the kernel's to check.  By
	 * default (own euid or root) a kernel with LRPC_F_USER_NAMES checks
	 * by its lookup alone (own scope, then root's); an older one has one
	 * name table for all uids, so it is asked for an owner: ours, then
	 * root.  -ENOENT falls back to the socket, which checks SO_PEERCRED.
	 */
	if (p->server_uid != RPC_SERVER_UID_DEFAULT) {
		want[nwant++] = p->server_uid;
	} else if (!(feat->features & LRPC_F_USER_NAMES)) {
		want[nwant++] = geteuid();
		if (want[0])
			want[nwant++] = 0;
	}
	for (i = 0; ; i++) {
		if (i < nwant) {
			c.flags = LRPC_CONNECT_F_SERVER_UID;
			c.server_uid = want[i];
		}
		fd = ioctl(dev, LRPC_IOC_CONNECT, &c);
		ret = fd < 0 ? -errno : 0;
		if (ret != -EPERM || i + 1 >= nwant)
			break;
	}
	__ndr_buf_free(&b);
	if (ret == -ENOENT)
		return 0;
	if (ret == -EPERM)		/* the port's owner is not the one */
		return -rpc_s_auth_mut_fail;
	if (ret == -ECONNREFUSED)	/* bind_nak in the payload */
		return dec_bind_ack(l, ack, c.reply_len < sizeof(ack) ?
				    c.reply_len : sizeof(ack), iface, false,
				    ids, nids) ?: -rpc_s_call_failed_dne;
	if (ret == -ETIMEDOUT && com)	/* unanswered: as a bind over TCP */
		return -rpc_s_comm_failure;
	if (ret < 0)
		return ret == -EACCES ? -EACCES :
		       ret == -ETIMEDOUT ? -ETIMEDOUT : -rpc_s_server_unavailable;
	ret = dec_bind_ack(l, ack, c.reply_len < sizeof(ack) ? c.reply_len :
			   sizeof(ack), iface, false, ids, nids);
	if (ret < 0 && ret != -rpc_s_unknown_if &&
	    ret != -rpc_s_unsupported_trans_syn) {
		close(fd);
		return ret;
	}
	if (l->fd >= 0)
		close(l->fd);
	l->fd = fd;
	l->broken = false;
	return ret < 0 ? ret : 1;
}

int __rpc_lpc_connect(const char *endpoint, const struct lpc_params *p,
		      const struct rpc_syntax_id *iface,
		      struct lpc_client **out)
{
	struct lpc_client *l;
	int ret;

	*out = NULL;
	if (__rpc_lpc_disabled() || __rpc_lpc_dev(NULL) < 0 ||
	    __rpc_local_endpoint_ok(endpoint) < 0)
		return 0;
	l = calloc(1, sizeof(*l));
	if (!l)
		return -ENOMEM;
	pthread_mutex_init(&l->lock, NULL);
	__rpc_cond_init(&l->drained);
	l->fd = -1;
	l->server_euid = p->server_uid;	/* RPC_SERVER_UID_DEFAULT: unknown */
	for (int i = 0; i < LPC_POOL_MAX; i++)
		l->pool[i].fd = -1;
	snprintf(l->endpoint, sizeof(l->endpoint), "%s", endpoint);
	pthread_mutex_lock(&l->lock);
	ret = do_connect(l, p, iface);
	pthread_mutex_unlock(&l->lock);
	if (ret == -rpc_s_unknown_if || ret == -rpc_s_unsupported_trans_syn) {
		*out = l;	/* connected; this interface is not served */
		return ret;
	}
	if (ret <= 0) {
		__rpc_lpc_close(l);
		return ret;
	}
	*out = l;
	return 1;
}

void __rpc_lpc_close(struct lpc_client *l)
{
	if (!l)
		return;
	if (l->fd >= 0)
		close(l->fd);
	for (int i = 0; i < LPC_POOL_MAX; i++)
		sect_drop(&l->pool[i]);
	pthread_mutex_destroy(&l->lock);
	pthread_cond_destroy(&l->drained);
	free(l);
}

uint32_t __rpc_lpc_assoc_group(const struct lpc_client *l)
{
	return l->assoc_group;
}

/*
 * A call in flight on l->fd, counted and findable by __rpc_lpc_cancel,
 * from the moment the fd was read under l->lock: while any is counted
 * the fd is neither closed nor replaced (lpc_ctx reconnects only at 0),
 * so a call never lands on a newer connection with a stale context id.
 * c must be zeroed.  Called with l->lock held; returns the cancel slot
 * (-1: none free, the call just cannot be cancelled).
 */
__rpc_hot static int pending_add(struct lpc_client *l, struct lrpc_call *c)
{
	int i;

	l->ncalls++;
	for (i = 0; i < LPC_MAX_PENDING; i++)
		if (!l->pending[i]) {
			l->pending[i] = c;
			return i;
		}
	return -1;
}

/* The call pending_add() counted is over with ret, a reply length or
 * -errno: ret as a status. */
__rpc_hot static int pending_done(struct lpc_client *l, int slot, int ret)
{
	pthread_mutex_lock(&l->lock);
	if (slot >= 0)
		l->pending[slot] = NULL;
	l->ncalls--;
	if (ret == -ECONNRESET)
		l->broken = true;
	if (l->broken && !l->ncalls)
		pthread_cond_broadcast(&l->drained);	/* lpc_ctx reconnects */
	pthread_mutex_unlock(&l->lock);
	switch (ret) {
	case -ECONNRESET:
		return -rpc_s_call_failed;
	case -ECANCELED:
		return -rpc_s_call_cancelled;
	case -EMSGSIZE:
		return -rpc_s_protocol_error;
	case -EAGAIN:
	case -EBUSY:
		return -rpc_s_server_too_busy;
	case -ENOBUFS:
		return -rpc_s_out_of_resources;
	}
	return ret;
}

/* Fill all but msg_id (which a canceller may be reading). */
__rpc_hot static void call_fill(struct lrpc_call *c, const void *data,
				size_t len, const struct lrpc_view_attach *va,
				void *rbuf, size_t rsize, int64_t tmo)
{
	c->data = (uintptr_t)data;
	c->len = (uint32_t)len;
	c->reply = (uintptr_t)rbuf;
	c->reply_size = (uint32_t)rsize;
	c->timeout_ns = tmo;
	c->view = (uintptr_t)va;
}

/* One CALL on l->fd with payload data/len, the reply into rbuf; l->lock
 * is held on entry and on return, not during the call.  Returns the
 * reply length or < 0. */
static int lpc_ioctl_locked(struct lpc_client *l, const void *data,
			    size_t len, void *rbuf, size_t rsize, int64_t tmo,
			    struct lrpc_call *c)
{
	int fd = l->fd, slot, ret;

	memset(c, 0, sizeof(*c));
	call_fill(c, data, len, NULL, rbuf, rsize, tmo);
	slot = pending_add(l, c);
	pthread_mutex_unlock(&l->lock);
	ret = ioctl(fd, LRPC_IOC_CALL, c) < 0 ? -errno : (int)c->reply_len;
	ret = pending_done(l, slot, ret);
	/* an alter_context_resp never has a view (one a module without
	 * LRPC_F_RECV_VIEWS installed anyway is refused) */
	if (ret >= 0 && __rpc_lpc_has_view(&c->msg)) {
		close(c->msg.view_fd);
		ret = -rpc_s_protocol_error;
	}
	pthread_mutex_lock(&l->lock);
	return ret;
}

int __rpc_lpc_cancel(struct lpc_client *l)
{
	int i, n = 0;

	pthread_mutex_lock(&l->lock);
	for (i = 0; i < LPC_MAX_PENDING; i++) {
		struct lrpc_cancel c = { 0 };

		if (!l->pending[i])
			continue;
		c.msg_id = __atomic_load_n(&l->pending[i]->msg_id,
					   __ATOMIC_RELAXED);
		if (c.msg_id && !ioctl(l->fd, LRPC_IOC_CANCEL, &c))
			n++;
	}
	pthread_mutex_unlock(&l->lock);
	return n ? 0 : -rpc_s_no_call_active;
}

/* The context bound for iface on l (l->lock held), or NULL. */
__rpc_hot static const struct lpc_ctx *ctx_find(const struct lpc_client *l,
					       const struct rpc_syntax_id *iface)
{
	for (int i = 0; i < l->nctx; i++)
		if (!memcmp(&l->ctx[i].iface, iface, sizeof(*iface)))
			return &l->ctx[i];
	return NULL;
}

/* The context of iface (l->lock held), binding it when needed. */
__rpc_hot static int lpc_ctx(struct lpc_client *l, const struct lpc_params *p,
		   const struct rpc_syntax_id *iface, struct lpc_ctx *out,
		   int *fdp)
{
	struct ndr_buf b = { 0 };
	struct lrpc_call c;
	uint8_t ack[1024];
	const struct lpc_ctx *bound;
	uint16_t ids[RPC_BIND_MAX_OFFER];
	bool com, again = false;
	int nids, ret;

retry:
	if (l->broken && l->ncalls) {
		/* the module ends every call of a reset connection at once:
		 * wait for the others to see it, then reconnect */
		int64_t dl = __rpc_now_ms() + LPC_DRAIN_MS;

		while (l->ncalls && __rpc_now_ms() < dl)
			__rpc_cond_wait_ns(&l->drained, &l->lock,
					   (dl - __rpc_now_ms()) * 1000000);
	}
	if (l->broken && !l->ncalls) {
		ret = do_connect(l, p, iface);
		if (ret == -rpc_s_call_failed_dne && l->assoc_group) {
			/* the server forgot our group (it dropped the
			 * connection, its last): start a new one, as
			 * co_client.c does */
			l->assoc_group = 0;
			ret = do_connect(l, p, iface);
		}
		if (ret == 0)
			ret = -rpc_s_server_unavailable;
		if (ret < 0)
			return ret;
	}
	if (l->broken || l->fd < 0)
		return -rpc_s_call_failed;
	*fdp = l->fd;
	bound = ctx_find(l, iface);
	if (bound) {
		*out = *bound;
		return 0;
	}
	ret = enc_bind(l, p, iface, true, &b, ids, &nids);
	if (ret < 0)
		return ret;
	ret = lpc_ioctl_locked(l, b.data, b.len, ack, sizeof(ack),
			       bind_timeout_ns(p, &com), &c);
	__ndr_buf_free(&b);
	if (ret == -rpc_s_call_failed && !c.msg_id && l->broken && !again) {
		again = true;	/* closed by the server, alter never sent */
		goto retry;
	}
	if (ret == -ETIMEDOUT && com)
		return -rpc_s_comm_failure;
	if (ret < 0)
		return ret;
	ret = dec_bind_ack(l, ack, (size_t)ret, iface, true, ids, nids);
	if (ret < 0)
		return ret;
	*out = l->ctx[l->nctx - 1];
	return 0;
}

/* The syntax of an interface already bound on a sound connection, or
 * -EAGAIN: the caller then binds it (__rpc_lpc_syntax, with params). */
__rpc_hot static int lpc_syntax_bound(struct lpc_client *l,
				      const struct rpc_syntax_id *iface)
{
	const struct lpc_ctx *c;
	int ret = -EAGAIN;

	pthread_mutex_lock(&l->lock);
	c = !l->broken && l->fd >= 0 ? ctx_find(l, iface) : NULL;
	if (c)
		ret = c->syntax;
	pthread_mutex_unlock(&l->lock);
	return ret;
}

__rpc_hot int __rpc_lpc_syntax(struct lpc_client *l, const struct lpc_params *p,
		     const struct rpc_syntax_id *iface)
{
	struct lpc_ctx c;
	int fd, ret;

	pthread_mutex_lock(&l->lock);
	ret = lpc_ctx(l, p, iface, &c, &fd);
	pthread_mutex_unlock(&l->lock);
	return ret < 0 ? ret : c.syntax;
}

/* Per-thread buffers: the request (header + inline stub) and the reply. */
static __thread struct ndr_buf tx_buf, rx_buf;

__rpc_hot static void *tls_buf(struct ndr_buf *b, size_t need)
{
	b->len = 0;
	if (__ndr_buf_reserve(b, need))
		return NULL;
	return b->data;
}

__rpc_hot int __rpc_lpc_call(struct lpc_client *l, const struct lpc_params *p,
		   const struct rpc_syntax_id *iface, uint16_t opnum,
		   const void *in, size_t inlen, struct rpc_reply *reply)
{
	const struct lrpc_features *feat;
	struct lrpc_view_attach va = { .fd = -1 }, *vap = NULL;
	struct lpc_sect tmp = { .fd = -1 }, *sect = NULL;
	struct lpc_hdr *h;
	struct lpc_ctx ctx;
	struct lrpc_call c;
	size_t hlen = sizeof(*h) + (p->has_object ? 16 : 0), len, rsize;
	uint8_t *tx, *rx;
	bool got = false, resent = false;
	int fd, slot, ret, syn = -1;

	__rpc_lpc_dev(&feat);
	len = hlen + inlen;
	if (len > feat->max_inline_size) {
		/* large [in]: a pooled section the server maps read-only */
		sect = sect_get(l, inlen, &tmp, &ret);
		if (!sect)
			return ret;
		memcpy(sect->addr, in, inlen);
		va.fd = sect->fd;
		if (__rpc_lpc_seal_for(__atomic_load_n(&l->server_euid,
						       __ATOMIC_RELAXED))) {
			va.flags = LRPC_VIEW_F_SEAL;
			sect->sealed = true;
		}
		vap = &va;
		len = hlen;
	}
	rsize = feat->max_inline_size;
	tx = tls_buf(&tx_buf, len);
	rx = tls_buf(&rx_buf, rsize);
	if (!tx || !rx) {
		ret = -ENOMEM;
		goto out;
	}
again:
	/* the context, the fd and the call's count in one critical section */
	memset(&c, 0, sizeof(c));
	pthread_mutex_lock(&l->lock);
	ret = lpc_ctx(l, p, iface, &ctx, &fd);
	if (ret >= 0 && syn >= 0 && ctx.syntax != syn)
		ret = -rpc_s_call_failed_dne;	/* marshalled for the old one */
	if (ret >= 0)
		slot = pending_add(l, &c);
	pthread_mutex_unlock(&l->lock);
	if (ret < 0)
		goto out;
	syn = ctx.syntax;
	h = (struct lpc_hdr *)tx;
	memset(h, 0, sizeof(*h));
	h->magic = LPC_MAGIC;
	h->type = LPC_T_REQUEST;
	h->flags = (p->has_object ? LPC_F_OBJECT : 0) | (vap ? LPC_F_VIEW : 0);
	h->drep[0] = p->be ? 0x00 : 0x10;
	h->ctx_id = ctx.ctx_id;
	h->opnum = opnum;
	h->stub_len = inlen;
	if (p->has_object)
		memcpy(tx + sizeof(*h), &p->object, 16);
	if (!vap && inlen)
		memcpy(tx + hlen, in, inlen);
	call_fill(&c, tx, len, vap, rx, rsize, timeout_ns(p));
	/* any reply may carry its [out] data in a view */
	if (feat->features & LRPC_F_RECV_VIEWS)
		c.flags = LRPC_CALL_F_VIEWS;
	ret = ioctl(fd, LRPC_IOC_CALL, &c) < 0 ? -errno : (int)c.reply_len;
	if (ret == -ECONNRESET && !c.msg_id && !resent) {
		/* the server had closed the connection (idle): nothing was
		 * queued, so sending it on a new one cannot run it twice */
		pending_done(l, slot, ret);
		resent = true;
		goto again;
	}
	ret = pending_done(l, slot, ret);
	if (ret < 0)
		goto out;
	got = true;
	/* kernel-stamped: whom the next large [in] must be sealed against */
	__atomic_store_n(&l->server_euid, (uid_t)c.msg.uid, __ATOMIC_RELAXED);
	h = (struct lpc_hdr *)rx;
	if ((size_t)ret < sizeof(*h) || h->magic != LPC_MAGIC ||
	    (h->type != LPC_T_RESPONSE && h->type != LPC_T_FAULT)) {
		ret = -rpc_s_protocol_error;
		goto out;
	}
	/* a view we were not told of: refused, whatever else came */
	if (__rpc_lpc_has_view(&c.msg) && (h->type != LPC_T_RESPONSE ||
				 !(h->flags & LPC_F_VIEW))) {
		ret = -rpc_s_protocol_error;
		goto out;
	}
	memcpy(reply->drep, h->drep, 4);
	if (h->type == LPC_T_FAULT) {
		reply->fault = __rpc_fault_status(h->status);
		ret = __rpc_fault_ret(reply->fault);
	} else if (h->flags & LPC_F_VIEW) {
		ret = !__rpc_lpc_has_view(&c.msg) ? -rpc_s_protocol_error :
		      map_reply(&c.msg, h->stub_len, reply);
	} else if (h->stub_len != (size_t)ret - sizeof(*h)) {
		ret = -rpc_s_protocol_error;
	} else {
		reply->len = (size_t)h->stub_len;
		reply->data = malloc(reply->len ? reply->len : 1);
		if (reply->data)
			memcpy(reply->data, rx + sizeof(*h), reply->len);
		ret = reply->data ? 0 : -ENOMEM;
	}
out:
	if (got && __rpc_lpc_has_view(&c.msg))
		close(c.msg.view_fd);
	if (sect)
		sect_put(l, sect, &tmp, !got);
	return ret < 0 ? ret : 0;
}

/* ---- the engine, as a binding handle calls it (runtime/engine.h) -------- */

__rpc_hot static int lpc_engine_syntax(struct rpc_binding *b, void *state,
				       const struct rpc_syntax_id *iface)
{
	struct lpc_params p;
	int ret = lpc_syntax_bound(state, iface);

	/* every call asks: the binding's settings only for a new bind */
	if (ret != -EAGAIN)
		return ret;
	__rpc_lpc_params(b, &p);
	return __rpc_lpc_syntax(state, &p, iface);
}

__rpc_hot static int lpc_engine_call(struct rpc_binding *b, void *state,
				     const struct rpc_syntax_id *iface,
				     uint16_t opnum, const void *in,
				     size_t inlen, struct rpc_reply *reply)
{
	struct lpc_params p;

	__rpc_lpc_params(b, &p);
	return __rpc_lpc_call(state, &p, iface, opnum, in, inlen, reply);
}

static int lpc_engine_cancel(struct rpc_binding *b, void *state)
{
	return __rpc_lpc_cancel(state);
}

static uint32_t lpc_engine_assoc_group(const struct rpc_binding *b,
				       const void *state)
{
	return __rpc_lpc_assoc_group(state);
}

/* The kernel connection goes; the next use chooses again. */
static bool lpc_engine_reset(struct rpc_binding *b, void *state)
{
	__rpc_lpc_close(state);
	return false;
}

static void lpc_engine_close(struct rpc_binding *b, void *state)
{
	__rpc_lpc_close(state);
}

const struct rpc_client_engine __rpc_lpc_client_engine = {
	.name = "lpc",
	.select = __rpc_lpc_select,
	.syntax = lpc_engine_syntax,
	.call = lpc_engine_call,
	.cancel = lpc_engine_cancel,
	.assoc_group = lpc_engine_assoc_group,
	.reset = lpc_engine_reset,
	.close = lpc_engine_close,
};
