// SPDX-License-Identifier: MIT
/*
 * Connection-oriented client: the engine that carries a binding handle's
 * calls over a transport when no other took it (runtime/engine.h):
 * connect, bind/alter_context, and calls.  One connection per binding handle carries any number of
 * concurrent calls: requests are written whole under a send lock, and
 * whichever waiting caller finds no reader reads the next PDU for
 * everybody (leader/follower), delivering fragments by call_id.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <poll.h>
#include <sys/socket.h>
#include "engine/co/bind_answer.h"
#include "engine/co/co_client.h"
#include "runtime/binding.h"
#include "runtime/resolver.h"
#include "ndr/buf.h"

#define CLI_MAX_CTX		32
#define CLI_MAX_OUT		(256u << 20)	/* reassembled response */
#define CLI_DEFAULT_FRAG	RPC_DEFAULT_FRAG
#define CLI_ORPHANS		16

struct pending {
	struct pending *next;
	uint32_t call_id;
	uint32_t alias;		/* the peer's call_id for it (when aliased) */
	bool aliased;
	bool sent;		/* its first PDU is (being) written */
	bool is_bind;		/* waits for bind_ack / alter_context_resp */
	bool done;
	bool got_first;
	int status;		/* < 0: error */
	uint32_t fault;
	uint8_t drep[4];
	struct ndr_buf stub;
	uint8_t *frame;		/* bind-type answers: the whole PDU */
	size_t flen;
};

struct cli_ctx {
	struct rpc_syntax_id iface;
	uint16_t ctx_id;
	int syntax;		/* < 0: rejected, -status */
};

/* A binding handle's connection (its engine state, runtime/engine.h). */
struct co_client {
	struct rpc_binding *bh;	/* settings: __rpc_binding_opts() */
	const struct rpc_string_binding *sb;
	const struct rpc_transport_ops *ops;
	bool be;
	uint32_t offer;		/* SYN_NDR20 | SYN_NDR64 */
	bool btfn;
	uint16_t max_frag;

	pthread_mutex_t setup;	/* connect, bind, alter_context */
	pthread_mutex_t send_lock;
	pthread_mutex_t lock;	/* everything below */
	pthread_cond_t cv;
	int fd;
	bool broken;
	bool reader;
	uint16_t max_xmit, max_recv;
	uint32_t assoc_group;
	uint8_t btfn_bits;
	atomic_uint next_call_id;
	int nctx;
	struct cli_ctx ctx[CLI_MAX_CTX];
	uint16_t next_ctx_id;
	struct pending *pending;
	/* call_ids of calls given up on, whose answers may still come */
	uint32_t orphans[CLI_ORPHANS];
	unsigned int norphans;
	/* receive buffer of the reader: whole PDUs are decoded in place */
	uint8_t *rb;
	size_t rlen;
};

#define CLI_RBUF	(RPC_MAX_FRAG + 1 + 16384)

/* c->lock held: fail every pending call and forget the connection. */
static void drop_conn_locked(struct co_client *c, int err)
{
	struct pending *p;

	if (c->fd >= 0) {
		shutdown(c->fd, SHUT_RDWR);
		if (!c->reader) {
			close(c->fd);
			c->fd = -1;
		}
	}
	c->broken = true;
	for (p = c->pending; p; p = p->next)
		if (!p->done) {
			p->done = true;
			p->status = err;
		}
	pthread_cond_broadcast(&c->cv);
}

/* ---- receiving --------------------------------------------------------- */

static struct pending *find_pending(struct co_client *c, uint32_t id)
{
	struct pending *p;

	for (p = c->pending; p; p = p->next)
		if ((p->call_id == id || (p->aliased && p->alias == id)) &&
		    !p->done)
			return p;
	return NULL;
}

/*
 * An answer whose call_id matches no call (c->lock held).  [C706] 12.6.3.1
 * has the server return each request's call_id, and [MS-RPCE] 3.3.2.5.2
 * has the client match answers to calls by it; neither says what to do
 * when nothing matches.  A late answer to a call we gave up on (orphans)
 * is dropped.  Otherwise, with one call in flight the answer can only be
 * its own: it is taken as that call's (and the peer's call_id remembered
 * for its later fragments), so that a client works with a server that
 * answers every call with call_id 1 (Wine's rpcrt4).  With several in
 * flight nobody can tell whose it is: a protocol error that fails them
 * all and closes the connection rather than leaving them to wait.
 */
static int stray_answer(struct co_client *c, uint32_t id,
			struct pending **pp)
{
	struct pending *p, *one = NULL;
	unsigned int i, n = 0;

	*pp = NULL;
	for (i = 0; i < c->norphans && i < CLI_ORPHANS; i++)
		if (c->orphans[i] == id)
			return 0;
	for (p = c->pending; p; p = p->next)
		if (!p->done && __atomic_load_n(&p->sent, __ATOMIC_ACQUIRE)) {
			one = p;
			n++;
		}
	if (n > 1)
		return -rpc_s_protocol_error;
	if (one) {
		one->alias = id;
		one->aliased = true;
	}
	*pp = one;
	return 0;
}

/* Deliver one complete PDU (c->lock held). Returns < 0 on a protocol
 * error that kills the connection. */
static int deliver(struct co_client *c, uint8_t *f, size_t len)
{
	struct rpc_pdu *pdu = malloc(sizeof(*pdu));
	struct pending *p;
	int ret;

	if (!pdu)
		return -ENOMEM;
	ret = __rpc_co_decode(f, len, pdu);
	if (ret < 0)
		goto out;
	if (pdu->has_auth && pdu->hdr.ptype != RPC_PT_BIND_NAK) {
		ret = -rpc_s_protocol_error;	/* we never asked for auth */
		goto out;
	}
	switch (pdu->hdr.ptype) {
	case RPC_PT_SHUTDOWN:
		goto out;
	case RPC_PT_BIND_ACK:
	case RPC_PT_BIND_NAK:
	case RPC_PT_ALTER_CONTEXT_RESP:
	case RPC_PT_RESPONSE:
	case RPC_PT_FAULT:
		break;
	default:
		ret = -rpc_s_protocol_error;	/* not a server's PDU */
		goto out;
	}
	p = find_pending(c, pdu->hdr.call_id);
	if (!p) {
		ret = stray_answer(c, pdu->hdr.call_id, &p);
		if (ret < 0 || !p)
			goto out;
	}
	/* an answer of the wrong kind for this call id */
	if (p->is_bind != (pdu->hdr.ptype == RPC_PT_BIND_ACK ||
			   pdu->hdr.ptype == RPC_PT_BIND_NAK ||
			   pdu->hdr.ptype == RPC_PT_ALTER_CONTEXT_RESP)) {
		ret = -rpc_s_protocol_error;
		goto out;
	}
	switch (pdu->hdr.ptype) {
	case RPC_PT_BIND_ACK:
	case RPC_PT_BIND_NAK:
	case RPC_PT_ALTER_CONTEXT_RESP:
		p->frame = malloc(len);
		if (!p->frame) {
			p->status = -ENOMEM;
		} else {
			memcpy(p->frame, f, len);
			p->flen = len;
		}
		p->done = true;
		break;
	case RPC_PT_FAULT:
		p->fault = __rpc_fault_status(pdu->response.status);
		memcpy(p->drep, pdu->hdr.drep, 4);
		p->status = __rpc_fault_ret(p->fault);
		p->done = true;
		break;
	case RPC_PT_RESPONSE:
		if (!p->got_first) {
			if (!(pdu->hdr.pfc_flags & RPC_PFC_FIRST_FRAG)) {
				ret = -rpc_s_protocol_error;
				goto out;
			}
			p->got_first = true;
			memcpy(p->drep, pdu->hdr.drep, 4);
			p->stub.limit = CLI_MAX_OUT;
			if (pdu->response.alloc_hint)
				__ndr_buf_reserve(&p->stub,
						  pdu->response.alloc_hint <
						  (1u << 20) ?
						  pdu->response.alloc_hint :
						  (1u << 20));
		} else if (pdu->hdr.pfc_flags & RPC_PFC_FIRST_FRAG) {
			ret = -rpc_s_protocol_error;
			goto out;
		}
		ret = __ndr_buf_put(&p->stub, pdu->stub, pdu->stub_len);
		if (ret < 0) {
			p->status = ret;
			p->done = true;
			ret = 0;
		} else if (pdu->hdr.pfc_flags & RPC_PFC_LAST_FRAG) {
			p->done = true;
		}
		break;
	}
	pthread_cond_broadcast(&c->cv);
out:
	free(pdu);
	return ret;
}

/* Make one whole PDU available at c->rb as the reader, c->lock NOT
 * held.  Returns its length, 0 on time-out, < 0 on error.  Reads as much
 * as the socket has, so back-to-back PDUs cost one recv(). */
static int read_frame(struct co_client *c, int ms)
{
	int64_t deadline = ms < 0 ? -1 : __rpc_now_ms() + ms;

	if (!c->rb) {
		c->rb = malloc(CLI_RBUF);
		if (!c->rb)
			return -ENOMEM;
	}
	for (;;) {
		ssize_t r;

		if (c->rlen >= RPC_CO_HDR_LEN) {
			uint16_t fl;
			int ret = __rpc_co_peek(c->rb, c->rlen, &fl);

			/*
			 * No check against the max_recv_frag we offered:
			 * Samba 4.17 answers an offer below 2048 with 2048
			 * and sends fragments that large.  A frame is at
			 * most 64 KiB, and reassembly is bounded anyway.
			 */
			if (ret < 0)
				return ret;
			if (c->rlen >= fl)
				return fl;
		}
		if (deadline < 0) {
			/* no time-out: a blocking read, no poll() */
			r = recv(c->fd, c->rb + c->rlen, CLI_RBUF - c->rlen, 0);
		} else {
			struct pollfd pf = { .fd = c->fd, .events = POLLIN };
			int pr = poll(&pf, 1, __rpc_left_ms(deadline));

			if (pr < 0) {
				if (errno == EINTR)
					continue;
				return -errno;
			}
			if (pr == 0)
				return 0;
			r = recv(c->fd, c->rb + c->rlen, CLI_RBUF - c->rlen,
				 MSG_DONTWAIT);
		}
		if (r < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (r == 0)
			return -ECONNRESET;
		c->rlen += (size_t)r;
	}
}

/* Wait for p (c->lock held).  Returns 0 when done, -ETIMEDOUT. */
static int wait_pending(struct co_client *c, struct pending *p,
			int64_t deadline)
{
	while (!p->done) {
		if (!c->reader && c->fd >= 0 && !c->broken) {
			int r;

			c->reader = true;
			pthread_mutex_unlock(&c->lock);
			r = read_frame(c, __rpc_left_ms(deadline));
			pthread_mutex_lock(&c->lock);
			c->reader = false;
			pthread_cond_broadcast(&c->cv);
			if (r > 0) {
				/* still ours: no reader can start while we
				 * hold the lock */
				int d = deliver(c, c->rb, (size_t)r);

				c->rlen -= (size_t)r;
				memmove(c->rb, c->rb + r, c->rlen);
				if (d < 0)
					drop_conn_locked(c, d);
			} else if (r < 0) {
				drop_conn_locked(c, r == -ECONNRESET ?
						 -rpc_s_call_failed : r);
			}
			if (c->broken && c->fd >= 0) {
				close(c->fd);
				c->fd = -1;
			}
			if (r == 0 && !p->done && __rpc_left_ms(deadline) == 0)
				return -ETIMEDOUT;
			continue;
		}
		if (c->fd < 0 || c->broken) {
			if (!p->done) {
				p->done = true;
				p->status = -rpc_s_call_failed;
			}
			break;
		}
		if (deadline < 0) {
			pthread_cond_wait(&c->cv, &c->lock);
		} else {
			int l = __rpc_left_ms(deadline);

			if (!l)
				return -ETIMEDOUT;
			__rpc_cond_wait_ns(&c->cv, &c->lock, l * 1000000LL);
		}
	}
	return 0;
}

static void add_pending(struct co_client *c, struct pending *p)
{
	pthread_mutex_lock(&c->lock);
	p->next = c->pending;
	c->pending = p;
	pthread_mutex_unlock(&c->lock);
}

/* c->lock held */
static void remove_pending(struct co_client *c, struct pending *p)
{
	struct pending **pp;

	for (pp = &c->pending; *pp; pp = &(*pp)->next)
		if (*pp == p) {
			*pp = p->next;
			break;
		}
}

/* c->lock held: p is given up on; an answer to it may still come. */
static void orphan_locked(struct co_client *c, struct pending *p)
{
	p->done = true;
	remove_pending(c, p);
	c->orphans[c->norphans++ % CLI_ORPHANS] = p->call_id;
}

static int send_pdu(struct co_client *c, const struct ndr_buf *buf,
		    int64_t deadline)
{
	int ret, fd;

	pthread_mutex_lock(&c->lock);
	fd = c->broken ? -1 : c->fd;
	pthread_mutex_unlock(&c->lock);
	if (fd < 0)
		return -rpc_s_call_failed;
	ret = __rpc_write_all(fd, buf->data, buf->len, __rpc_left_ms(deadline));
	return ret;
}

static int send_simple(struct co_client *c, uint8_t ptype, uint32_t call_id)
{
	struct rpc_co_enc e = {
		.ptype = ptype,
		.pfc_flags = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
		.big_endian = c->be,
		.call_id = call_id,
	};
	struct rpc_pdu pdu;
	struct ndr_buf buf = { 0 };
	int ret;

	memset(&pdu, 0, offsetof(struct rpc_pdu, bind));
	ret = __rpc_co_encode(&buf, &e, &pdu);
	if (ret > 0) {
		pthread_mutex_lock(&c->send_lock);
		ret = send_pdu(c, &buf, __rpc_now_ms() + 1000);
		pthread_mutex_unlock(&c->send_lock);
	}
	__ndr_buf_free(&buf);
	return ret;
}

/* ---- connect and bind ------------------------------------------------ */

static int bind_exchange(struct co_client *c, const struct rpc_syntax_id *iface,
			 bool alter, int64_t deadline)
{
	struct rpc_pdu *pdu;
	struct pending p = { 0 };
	struct rpc_co_enc e = {
		.ptype = alter ? RPC_PT_ALTER_CONTEXT : RPC_PT_BIND,
		.pfc_flags = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
		.big_endian = c->be,
	};
	struct rpc_bind_offer o = {
		.syntaxes = c->offer,
		.btfn = c->btfn,
		.alter = alter,
		.max_frag = c->max_frag,
		.assoc_group = c->assoc_group,
	};
	struct rpc_bind_accepted acc;
	struct ndr_buf buf = { 0 };
	uint16_t ids[RPC_BIND_MAX_OFFER];
	int n, ret;

	pdu = calloc(1, sizeof(*pdu));
	if (!pdu)
		return -ENOMEM;
	e.call_id = atomic_fetch_add(&c->next_call_id, 1);
	n = __rpc_bind_offer(pdu, iface, &o, &c->next_ctx_id, ids);
	ret = __rpc_co_encode(&buf, &e, pdu);
	if (ret < 0)
		goto out;
	p.call_id = e.call_id;
	p.is_bind = true;
	add_pending(c, &p);
	pthread_mutex_lock(&c->send_lock);
	__atomic_store_n(&p.sent, true, __ATOMIC_RELEASE);
	ret = send_pdu(c, &buf, deadline);
	pthread_mutex_unlock(&c->send_lock);
	pthread_mutex_lock(&c->lock);
	if (!ret)
		ret = wait_pending(c, &p, deadline);
	if (ret == -ETIMEDOUT)
		orphan_locked(c, &p);
	remove_pending(c, &p);
	pthread_mutex_unlock(&c->lock);
	if (ret < 0)
		goto out;
	ret = p.status;
	if (ret < 0)
		goto out;
	ret = __rpc_co_decode(p.frame, p.flen, pdu);
	if (ret < 0)
		goto out;
	ret = __rpc_bind_read(pdu, alter, ids, n, &acc);
	if (ret < 0 && (ret != -rpc_s_unknown_if &&
			ret != -rpc_s_unsupported_trans_syn))
		goto out;
	if (acc.btfn_acked)
		c->btfn_bits = acc.btfn_bits;
	if (!alter) {
		/* honour the server's sizes, never below MustRecvFragSize */
		c->max_xmit = pdu->bind_ack.max_xmit_frag < c->max_frag ?
			      pdu->bind_ack.max_xmit_frag : c->max_frag;
		if (c->max_xmit < RPC_MIN_FRAG)
			c->max_xmit = RPC_MIN_FRAG;
		c->max_recv = c->max_frag;
		c->assoc_group = pdu->bind_ack.assoc_group_id;
	}
	if (ret < 0)
		goto out;
	if (c->nctx == CLI_MAX_CTX) {
		ret = -rpc_s_out_of_resources;
		goto out;
	}
	c->ctx[c->nctx].iface = *iface;
	c->ctx[c->nctx].ctx_id = acc.ctx_id;
	c->ctx[c->nctx].syntax = acc.syntax;
	c->nctx++;
out:
	free(p.frame);
	__ndr_buf_free(&p.stub);
	__ndr_buf_free(&buf);
	free(pdu);
	return ret;
}

static const struct cli_ctx *lookup_ctx(struct co_client *c,
					const struct rpc_syntax_id *iface)
{
	int i;

	for (i = 0; i < c->nctx; i++)
		if (!memcmp(&c->ctx[i].iface, iface, sizeof(*iface)))
			return &c->ctx[i];
	return NULL;
}

/*
 * bind_exchange within the com time-out as well as the call's deadline.
 * Unanswered within the com time-out, the server is not there: the
 * connection is closed, and the calls on it fail.
 */
static int bind_exchange_com(struct co_client *c, unsigned int com_level,
			     const struct rpc_syntax_id *iface, bool alter,
			     int64_t deadline)
{
	bool com;
	int64_t dl = __rpc_com_deadline(com_level, true, deadline, &com);
	int ret = bind_exchange(c, iface, alter, dl);

	if (ret == -ETIMEDOUT && com) {
		ret = -rpc_s_comm_failure;
		pthread_mutex_lock(&c->lock);
		drop_conn_locked(c, ret);
		pthread_mutex_unlock(&c->lock);
	}
	return ret;
}

/* Connect and bind iface if needed; *ctx on success. */
static int ensure_ctx_once(struct co_client *c,
			   const struct rpc_syntax_id *iface,
			   struct cli_ctx *out, int64_t deadline)
{
	const struct cli_ctx *cx;
	struct rpc_binding_opts o;
	int64_t dl;
	bool com;
	int ret = 0;

	__rpc_binding_opts(c->bh, &o);
	pthread_mutex_lock(&c->setup);
	pthread_mutex_lock(&c->lock);
	if (c->broken && !c->pending) {
		if (c->fd >= 0 && !c->reader) {
			close(c->fd);
			c->fd = -1;
		}
		if (c->fd < 0) {
			c->broken = false;
			c->nctx = 0;
			c->next_ctx_id = 0;
			c->rlen = 0;
		}
	}
	if (c->broken) {
		pthread_mutex_unlock(&c->lock);
		pthread_mutex_unlock(&c->setup);
		return -rpc_s_call_failed;
	}
	if (c->fd < 0) {
		int fd;

		const char *ep = c->sb->endpoint;
		char *resolved = NULL;

		pthread_mutex_unlock(&c->lock);
		if (!ep || !*ep) {
			/* a partial binding: ask the endpoint mapper */
			ret = __rpc_resolve_endpoint(c->sb, iface,
						     o.has_object ? &o.object
								  : NULL,
						     &resolved);
			if (ret < 0)
				goto out;
			ep = resolved;
		}
		dl = __rpc_com_deadline(o.com_level, false, deadline, &com);
		ret = c->ops->connect(c->sb->netaddr, ep,
				      (unsigned int)(dl < 0 ? 0 :
						     __rpc_left_ms(dl) + 1), &fd);
		free(resolved);
		if (ret == -ETIMEDOUT && com)
			ret = -rpc_s_server_unavailable;
		/* who listens, before it gets even the bind */
		if (!ret && c->ops->verify_peer) {
			ret = c->ops->verify_peer(fd, o.server_uid);
			if (ret < 0)
				close(fd);
		}
		if (ret < 0)
			goto out;
		pthread_mutex_lock(&c->lock);
		c->fd = fd;
		c->max_recv = 0;
		pthread_mutex_unlock(&c->lock);
		ret = bind_exchange_com(c, o.com_level, iface, false,
					deadline);
		if (ret == -rpc_s_call_failed_dne && c->assoc_group) {
			/* the server forgot our group: start a new one */
			pthread_mutex_lock(&c->lock);
			drop_conn_locked(c, -ECONNRESET);
			pthread_mutex_unlock(&c->lock);
			c->assoc_group = 0;
		}
		if (ret < 0 && ret != -rpc_s_unknown_if &&
		    ret != -rpc_s_unsupported_trans_syn) {
			pthread_mutex_lock(&c->lock);
			drop_conn_locked(c, ret);
			if (!c->reader && c->fd >= 0) {
				close(c->fd);
				c->fd = -1;
			}
			pthread_mutex_unlock(&c->lock);
			goto out;
		}
		pthread_mutex_lock(&c->lock);
	}
	cx = lookup_ctx(c, iface);
	pthread_mutex_unlock(&c->lock);
	if (!cx && ret == 0) {
		ret = bind_exchange_com(c, o.com_level, iface, true, deadline);
		cx = ret < 0 ? NULL : lookup_ctx(c, iface);
	}
	if (cx)
		*out = *cx;
	else if (ret == 0)
		ret = -rpc_s_unknown_if;
out:
	pthread_mutex_unlock(&c->setup);
	return ret;
}

static int ensure_ctx(struct co_client *c, const struct rpc_syntax_id *iface,
		      struct cli_ctx *out, int64_t deadline)
{
	uint32_t group = c->assoc_group;
	int ret = ensure_ctx_once(c, iface, out, deadline);

	/* the group we asked to join is gone (bind_nak): once more, new */
	if (ret == -rpc_s_call_failed_dne && group && !c->assoc_group)
		ret = ensure_ctx_once(c, iface, out, deadline);
	return ret;
}

__rpc_hot static int co_syntax(struct rpc_binding *b, void *state,
			      const struct rpc_syntax_id *iface)
{
	struct co_client *c = state;
	struct rpc_binding_opts o;
	struct cli_ctx cx;
	int ret;

	__rpc_binding_opts(b, &o);
	ret = ensure_ctx(c, iface, &cx, o.timeout_ms ?
			 __rpc_now_ms() + o.timeout_ms : -1);
	return ret < 0 ? ret : cx.syntax;
}

/* ---- calls ----------------------------------------------------------- */

static int co_cancel(struct rpc_binding *b, void *state)
{
	struct co_client *c = state;
	uint32_t ids[64];
	struct pending *p;
	int n = 0, i;

	pthread_mutex_lock(&c->lock);
	for (p = c->pending; p && n < 64; p = p->next)
		if (!p->done && !p->frame)
			ids[n++] = p->call_id;
	pthread_mutex_unlock(&c->lock);
	if (!n)
		return -rpc_s_no_call_active;
	for (i = 0; i < n; i++)
		send_simple(c, RPC_PT_CO_CANCEL, ids[i]);
	return 0;
}

__rpc_hot static int co_call(struct rpc_binding *b, void *state,
			    const struct rpc_syntax_id *iface, uint16_t opnum,
			    const void *in, size_t inlen,
			    struct rpc_reply *reply)
{
	struct co_client *c = state;
	int64_t deadline;
	struct cli_ctx ctx;
	struct pending p = { 0 };
	struct ndr_buf buf = { 0 };
	size_t hdr, chunk, off = 0;
	struct rpc_binding_opts o;
	int ret;

	if (inlen > UINT32_MAX)
		return -E2BIG;
	__rpc_binding_opts(b, &o);
	deadline = o.timeout_ms ? __rpc_now_ms() + o.timeout_ms : -1;
	ret = ensure_ctx(c, iface, &ctx, deadline);
	if (ret < 0)
		return ret;

	p.call_id = atomic_fetch_add(&c->next_call_id, 1);
	hdr = RPC_REQUEST_HDR_LEN + (o.has_object ? 16 : 0);
	chunk = ((size_t)c->max_xmit - hdr) & ~(size_t)7;
	add_pending(c, &p);

	pthread_mutex_lock(&c->send_lock);
	/* before the write: its answer may come before we could say so */
	__atomic_store_n(&p.sent, true, __ATOMIC_RELEASE);
	do {
		size_t n = inlen - off < chunk ? inlen - off : chunk;
		struct rpc_pdu pdu;
		struct rpc_co_enc e = {
			.ptype = RPC_PT_REQUEST,
			.pfc_flags = (off ? 0 : RPC_PFC_FIRST_FRAG) |
				     (off + n == inlen ? RPC_PFC_LAST_FRAG : 0) |
				     (o.has_object ? RPC_PFC_OBJECT_UUID : 0),
			.big_endian = c->be,
			.call_id = p.call_id,
		};

		memset(&pdu, 0, offsetof(struct rpc_pdu, bind) +
		       sizeof(pdu.request));
		pdu.request.alloc_hint = (uint32_t)(inlen - off);
		pdu.request.ctx_id = ctx.ctx_id;
		pdu.request.opnum = opnum;
		pdu.request.object = o.object;
		pdu.stub = (const uint8_t *)in + off;
		pdu.stub_len = n;
		buf.len = 0;
		ret = __rpc_co_encode(&buf, &e, &pdu);
		if (ret < 0)
			break;
		ret = send_pdu(c, &buf, deadline);
		if (ret < 0)
			break;
		off += n;
	} while (off < inlen);
	pthread_mutex_unlock(&c->send_lock);
	__ndr_buf_free(&buf);

	pthread_mutex_lock(&c->lock);
	if (ret < 0) {
		drop_conn_locked(c, ret);
	} else {
		ret = wait_pending(c, &p, deadline);
		if (ret == -ETIMEDOUT) {
			/* give up on the call; its answer is discarded */
			orphan_locked(c, &p);
			pthread_mutex_unlock(&c->lock);
			send_simple(c, RPC_PT_ORPHANED, p.call_id);
			__ndr_buf_free(&p.stub);
			return -ETIMEDOUT;
		}
	}
	remove_pending(c, &p);
	pthread_mutex_unlock(&c->lock);
	if (ret >= 0)
		ret = p.status;
	reply->fault = p.fault;
	memcpy(reply->drep, p.drep, 4);
	if (ret < 0) {
		__ndr_buf_free(&p.stub);
		return ret;
	}
	if (p.stub.cap >= NDR_BUF_MAP_MIN) {
		/* a mapping (ndr/buf.h): rpc_reply_release() unmaps it */
		ret = __rpc_reply_set_mapped(reply, p.stub.data, p.stub.cap,
					     p.stub.len);
		if (ret < 0)
			__ndr_buf_free(&p.stub);
		return ret;
	}
	reply->data = p.stub.data;
	reply->len = p.stub.len;
	return 0;
}

/* ---- the engine, as a binding handle calls it (runtime/engine.h) -------- */

/* The binding option max_frag: 0, or -rpc_s_invalid_network_options. */
static int max_frag_of(const struct rpc_string_binding *sb, uint16_t *out)
{
	const char *v = rpc_string_binding_option(sb, "max_frag");
	unsigned long n;
	char *end;

	*out = CLI_DEFAULT_FRAG;
	if (!v)
		return 0;
	n = strtoul(v, &end, 10);
	if (*end || n < RPC_MIN_FRAG || n > RPC_MAX_FRAG)
		return -rpc_s_invalid_network_options;
	*out = (uint16_t)n;
	return 0;
}

/* A transport for the protseq, and a valid max_frag. */
static int co_init(struct rpc_binding *b)
{
	uint16_t f;

	if (!__rpc_transport_find(b->sb->protseq))
		return -rpc_s_protseq_not_supported;
	return max_frag_of(b->sb, &f);
}

/* The fallback: takes every binding. */
static int co_select(struct rpc_binding *b, const struct rpc_syntax_id *iface,
		     void **state)
{
	struct co_client *c = calloc(1, sizeof(*c));

	if (!c)
		return -ENOMEM;
	c->bh = b;
	c->sb = b->sb;
	c->ops = __rpc_transport_find(b->sb->protseq);
	c->be = b->be;
	c->offer = b->offer;
	c->btfn = b->btfn;
	max_frag_of(b->sb, &c->max_frag);	/* checked by co_init */
	c->fd = -1;
	atomic_init(&c->next_call_id, 1);
	pthread_mutex_init(&c->setup, NULL);
	pthread_mutex_init(&c->send_lock, NULL);
	pthread_mutex_init(&c->lock, NULL);
	__rpc_cond_init(&c->cv);
	*state = c;
	return 1;
}

static uint32_t co_assoc_group(const struct rpc_binding *b, const void *state)
{
	const struct co_client *c = state;

	return c->assoc_group;
}

/* The connection goes; the next call makes a new one (joining the same
 * association group). */
static bool co_reset(struct rpc_binding *b, void *state)
{
	struct co_client *c = state;

	pthread_mutex_lock(&c->setup);
	pthread_mutex_lock(&c->lock);
	drop_conn_locked(c, -ECONNRESET);
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_unlock(&c->setup);
	return true;
}

static void co_close(struct rpc_binding *b, void *state)
{
	struct co_client *c = state;

	pthread_mutex_lock(&c->lock);
	drop_conn_locked(c, -ECONNRESET);
	while (c->reader)
		pthread_cond_wait(&c->cv, &c->lock);
	if (c->fd >= 0)
		close(c->fd);
	pthread_mutex_unlock(&c->lock);
	free(c->rb);
	pthread_mutex_destroy(&c->setup);
	pthread_mutex_destroy(&c->send_lock);
	pthread_mutex_destroy(&c->lock);
	pthread_cond_destroy(&c->cv);
	free(c);
}

const struct rpc_client_engine __rpc_co_client_engine = {
	.name = "co",
	.init = co_init,
	.select = co_select,
	.syntax = co_syntax,
	.call = co_call,
	.cancel = co_cancel,
	.assoc_group = co_assoc_group,
	.reset = co_reset,
	.close = co_close,
};
