// SPDX-License-Identifier: MIT
/*
 * Connection-oriented client: the engine that carries a binding handle's
 * calls over a transport when no other took it (runtime/engine.h):
 * connect, bind/alter_context, and calls.  One connection per binding
 * handle carries any number of concurrent calls: requests are written
 * whole under a send lock; the answers come through co_recv.c.
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
#include "engine/co/co_client.h"
#include "engine/co/co_client_int.h"
#include "engine/co/co_client_auth.h"
#include "runtime/resolver.h"
#include "ndr/buf.h"

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

/* A body-less PDU (orphaned, co_cancel, auth3), with tok as its auth
 * trailer when not NULL, within deadline. */
static int send_simple_tok(struct co_client *c, uint8_t ptype,
			   uint32_t call_id, const struct ndr_buf *tok,
			   int64_t deadline)
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
	if (tok)
		__rpc_co_cli_auth_trailer(c, &pdu, tok);
	ret = __rpc_co_encode(&buf, &e, &pdu);
	if (ret > 0) {
		pthread_mutex_lock(&c->send_lock);
		ret = send_pdu(c, &buf, deadline);
		pthread_mutex_unlock(&c->send_lock);
	}
	__ndr_buf_free(&buf);
	return ret;
}

static int send_simple(struct co_client *c, uint8_t ptype, uint32_t call_id)
{
	return send_simple_tok(c, ptype, call_id, NULL, __rpc_now_ms() + 1000);
}

/* ---- connect and bind ------------------------------------------------ */

/* The binding's auth settings, for a new connection.  ncalrpc carries
 * none: the kernel or SO_PEERCRED tells the server who calls. */
static int auth_settings(struct co_client *c)
{
	int ret;

	__rpc_binding_auth_free(&c->auth);
	c->want_auth = false;
	if (!strcmp(c->sb->protseq, "ncalrpc"))
		return 0;
	ret = __rpc_binding_auth_copy(c->bh, &c->auth);
	if (ret < 0)
		return ret;
	c->want_auth = ret == 0;
	return 0;
}

/*
 * A bind or alter_context for iface, and its answer.  With @tok, the PDU
 * carries that auth leg, and the answer's leg is stepped: *leg is what
 * __rpc_co_cli_auth_answer returned, @tok then holds the next leg.
 */
static int bind_exchange(struct co_client *c, const struct rpc_syntax_id *iface,
			 bool alter, struct ndr_buf *tok, int *leg,
			 int64_t deadline)
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
	if (tok) {
		__rpc_co_cli_auth_trailer(c, pdu, tok);
		/* offer header signing whenever fragments are signed */
		if (c->sec.info.level >= RPC_AUTH_LEVEL_PKT)
			e.pfc_flags |= RPC_PFC_PENDING_CANCEL;
	}
	ret = __rpc_co_encode(&buf, &e, pdu);
	if (ret < 0)
		goto out;
	p.call_id = e.call_id;
	p.is_bind = true;
	__rpc_co_cli_add(c, &p);
	pthread_mutex_lock(&c->send_lock);
	__atomic_store_n(&p.sent, true, __ATOMIC_RELEASE);
	ret = send_pdu(c, &buf, deadline);
	pthread_mutex_unlock(&c->send_lock);
	pthread_mutex_lock(&c->lock);
	if (!ret)
		ret = __rpc_co_cli_wait(c, &p, deadline);
	if (ret == -ETIMEDOUT)
		__rpc_co_cli_orphan(c, &p);
	__rpc_co_cli_remove(c, &p);
	pthread_mutex_unlock(&c->lock);
	if (ret < 0)
		goto out;
	ret = p.status;
	if (ret < 0)
		goto out;
	ret = __rpc_co_decode(p.frame, p.flen, pdu);
	if (ret < 0)
		goto out;
	if (tok && pdu->hdr.ptype != RPC_PT_BIND_NAK) {
		*leg = __rpc_co_cli_auth_answer(c, pdu, tok);
		if (*leg < 0) {
			ret = *leg;
			goto out;
		}
	}
	ret = __rpc_bind_read(pdu, alter, ids, n, &acc);
	/* a new association refused while authenticating: the server would
	 * not have this caller (below its minimum level, for one) */
	if (tok && ret == -rpc_s_call_failed_dne && !c->assoc_group)
		ret = -EACCES;
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
			     struct ndr_buf *tok, int *leg, int64_t deadline)
{
	bool com;
	int64_t dl = __rpc_com_deadline(com_level, true, deadline, &com);
	int ret = bind_exchange(c, iface, alter, tok, leg, dl);

	if (ret == -ETIMEDOUT && com) {
		ret = -rpc_s_comm_failure;
		pthread_mutex_lock(&c->lock);
		__rpc_co_cli_drop(c, ret);
		pthread_mutex_unlock(&c->lock);
	}
	return ret;
}

/* An auth3 carrying the client's last leg: no answer comes. */
static int send_auth3(struct co_client *c, const struct ndr_buf *tok,
		      int64_t deadline)
{
	int ret = send_simple_tok(c, RPC_PT_AUTH3,
				  atomic_fetch_add(&c->next_call_id, 1), tok,
				  deadline);

	return ret < 0 ? ret : 0;
}

/*
 * The first bind of a connection, authenticated when the binding asks:
 * the bind carries the first leg; alter_contexts carry the legs that
 * need an answer, an auth3 the last one that does not.
 */
static int bind_first(struct co_client *c, unsigned int com_level,
		      const struct rpc_syntax_id *iface, int64_t deadline)
{
	struct ndr_buf tok = { 0 };
	int leg = 1, ret;

	if (!c->want_auth)
		return bind_exchange_com(c, com_level, iface, false, NULL,
					 NULL, deadline);
	ret = __rpc_co_cli_auth_begin(c, &tok);
	if (ret < 0)
		goto out;
	ret = bind_exchange_com(c, com_level, iface, false, &tok, &leg,
				deadline);
	/* an interface the server lacks still completes the exchange */
	while ((ret >= 0 || ret == -rpc_s_unknown_if ||
		ret == -rpc_s_unsupported_trans_syn) && leg == 0) {
		int r = bind_exchange_com(c, com_level, iface, true, &tok,
					  &leg, deadline);

		if (r < 0 && r != -rpc_s_unknown_if &&
		    r != -rpc_s_unsupported_trans_syn)
			ret = r;
	}
	if (ret >= 0 && leg == 1 && tok.len)
		ret = send_auth3(c, &tok, deadline);
	if (ret >= 0 && !c->sec.established)
		ret = -EACCES;
out:
	__ndr_buf_free(&tok);
	return ret;
}

/*
 * Whether the server closed fd, a connection with no call on it (c->lock
 * held): its idle time-out (rpc_server_set_timeout) does, and a call
 * written to it would fail.  Nothing was sent since, so the caller
 * reconnects instead.  Asked only when no call is pending: a pending
 * call has a reader that sees the close; and only when no call began for
 * CO_PEER_CHECK_IDLE_MS, so that back-to-back calls pay no syscall for it
 * (a server's idle time-out is never that short; a close within the gap
 * fails the call as any broken connection does).
 */
#define CO_PEER_CHECK_IDLE_MS	100


static bool peer_closed(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLRDHUP };

	return poll(&p, 1, 0) > 0 &&
	       (p.revents & (POLLRDHUP | POLLHUP | POLLERR));
}

/* Connect and bind iface if needed; *ctx on success. */
static int ensure_ctx_once(struct co_client *c,
			   const struct rpc_syntax_id *iface,
			   struct cli_ctx *out, int64_t deadline)
{
	const struct cli_ctx *cx;
	struct rpc_binding_opts o;
	int64_t dl, now;
	bool com;
	int ret = 0;

	__rpc_binding_opts(c->bh, &o);
	pthread_mutex_lock(&c->setup);
	pthread_mutex_lock(&c->lock);
	now = __rpc_now_ms();
	if (!c->broken && !c->pending && !c->reader && c->fd >= 0 &&
	    now - c->last_call_ms >= CO_PEER_CHECK_IDLE_MS &&
	    peer_closed(c->fd))
		c->broken = true;
	c->last_call_ms = now;
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
		ret = auth_settings(c);
		if (!ret)
			ret = bind_first(c, o.com_level, iface, deadline);
		if (ret == -rpc_s_call_failed_dne && c->assoc_group) {
			/* the server forgot our group: start a new one */
			pthread_mutex_lock(&c->lock);
			__rpc_co_cli_drop(c, -ECONNRESET);
			pthread_mutex_unlock(&c->lock);
			c->assoc_group = 0;
		}
		if (ret < 0 && ret != -rpc_s_unknown_if &&
		    ret != -rpc_s_unsupported_trans_syn) {
			pthread_mutex_lock(&c->lock);
			__rpc_co_cli_drop(c, ret);
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
		ret = bind_exchange_com(c, o.com_level, iface, true, NULL,
					NULL, deadline);
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
	struct co_sec *sec;
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
	/* protected: a multiple of 16, so that only the last one pads */
	sec = __rpc_co_sec_protects(&c->sec) ? &c->sec : NULL;
	chunk = ((size_t)c->max_xmit - hdr - __rpc_co_sec_overhead(sec)) &
		~(size_t)(sec ? 15 : 7);
	__rpc_co_cli_add(c, &p);

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
		ret = __rpc_co_sec_encode(&buf, &e, &pdu, sec);
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
		__rpc_co_cli_drop(c, ret);
	} else {
		ret = __rpc_co_cli_wait(c, &p, deadline);
		if (ret == -ETIMEDOUT) {
			/* give up on the call; its answer is discarded */
			__rpc_co_cli_orphan(c, &p);
			pthread_mutex_unlock(&c->lock);
			send_simple(c, RPC_PT_ORPHANED, p.call_id);
			__ndr_buf_free(&p.stub);
			return -ETIMEDOUT;
		}
	}
	__rpc_co_cli_remove(c, &p);
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

/* The fallback: takes every binding of a stream transport; a datagram
 * one (ncadg_ip_udp) is never its, whatever engine comes before. */
static int co_select(struct rpc_binding *b, const struct rpc_syntax_id *iface,
		     void **state)
{
	const struct rpc_transport_ops *ops = __rpc_transport_find(b->sb->protseq);
	struct co_client *c;

	if (!ops || ops->datagram || !ops->connect)
		return 0;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -ENOMEM;
	c->bh = b;
	c->sb = b->sb;
	c->ops = ops;
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
	__rpc_co_cli_drop(c, -ECONNRESET);
	pthread_mutex_unlock(&c->lock);
	pthread_mutex_unlock(&c->setup);
	return true;
}

static void co_close(struct rpc_binding *b, void *state)
{
	struct co_client *c = state;

	pthread_mutex_lock(&c->lock);
	__rpc_co_cli_drop(c, -ECONNRESET);
	while (c->reader)
		pthread_cond_wait(&c->cv, &c->lock);
	if (c->fd >= 0)
		close(c->fd);
	pthread_mutex_unlock(&c->lock);
	free(c->rb);
	__rpc_co_sec_end(&c->sec);
	__rpc_binding_auth_free(&c->auth);
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
