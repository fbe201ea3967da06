// SPDX-License-Identifier: MIT
/*
 * The connection-oriented server engine's PDUs: binds and alter_contexts
 * (negotiate, bind_answer, bind_nak), requests (reassembled into calls
 * put on the leader's ready list), cancels and orphans, and the answers:
 * responses in fragments, faults.  Runs on the leader (what conn_read,
 * co_conn.c, framed) and, for the answers, on the thread that ran the
 * call.  Locks: co_int.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include "engine/co/co_int.h"
#include "engine/co/co_server_auth.h"
#include "ndr/buf.h"

/* ---- answers ------------------------------------------------------------ */

/* The security context an answer to call goes out under, or NULL. */
static struct co_sec *call_sec(const struct rpc_call_ctx *call)
{
	if (!call || !call->auth)
		return NULL;
	return (struct co_sec *)((char *)call->auth -
				 offsetof(struct co_sec, info));
}

/* Encode and queue under s's tx_lock: signatures go in wire order. */
static int sec_send(struct conn *c, struct co_sec *s, struct ndr_buf *b)
{
	int ret = __rpc_co_send(c, b);

	if (s)
		pthread_mutex_unlock(&s->tx_lock);
	return ret;
}

static void sec_lock(struct co_sec *s)
{
	if (s)
		pthread_mutex_lock(&s->tx_lock);
}

static void send_fault_sec(struct conn *c, uint32_t call_id, uint16_t ctx_id,
			   uint32_t status, bool did_not_execute, bool be,
			   struct co_sec *s)
{
	struct rpc_pdu pdu;
	struct rpc_co_enc e = {
		.ptype = RPC_PT_FAULT,
		.pfc_flags = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG |
			     (did_not_execute ? RPC_PFC_DID_NOT_EXECUTE : 0),
		.big_endian = be,
		.call_id = call_id,
	};
	struct ndr_buf b = { 0 };

	int ret = -ENOMEM;

	memset(&pdu, 0, sizeof(pdu));
	pdu.response.ctx_id = ctx_id;
	pdu.response.status = status;
	s = __rpc_co_sec_protects(s) ? s : NULL;
	sec_lock(s);
	if (__rpc_co_sec_encode(&b, &e, &pdu, s) > 0)
		ret = sec_send(c, s, &b);
	else if (s)
		pthread_mutex_unlock(&s->tx_lock);
	__ndr_buf_free(&b);
	atomic_fetch_add(&c->srv->calls_out, 1);
	if (ret < 0)
		__rpc_co_abort(c);
}

static void send_fault(struct conn *c, uint32_t call_id, uint16_t ctx_id,
		       uint32_t status, bool did_not_execute, bool be)
{
	send_fault_sec(c, call_id, ctx_id, status, did_not_execute, be, NULL);
}

/* A protocol error: tell the peer (when there is a call to blame) and
 * close once the fault is out. */
static void proto_error(struct conn *c, uint32_t call_id, bool be)
{
	send_fault(c, call_id, 0, nca_s_proto_error, true, be);
	pthread_mutex_lock(&c->lock);
	c->close_after_flush = true;
	__rpc_co_flush_locked(c);
	pthread_mutex_unlock(&c->lock);
}

static void send_response(struct rpc_call_ctx *call, const struct ndr_buf *out)
{
	struct conn *c = call->conn;
	struct co_sec *s = call_sec(call);
	struct ndr_buf b = { 0 };
	size_t chunk, off = 0, npdus = 0;
	int ret = 0;

	/* stub octets per fragment: a multiple of 8 (16 when protected,
	 * so that only the last one pads); all fragments are queued as
	 * one buffer */
	s = __rpc_co_sec_protects(s) ? s : NULL;
	chunk = ((size_t)c->max_xmit - RPC_RESPONSE_HDR_LEN -
		 __rpc_co_sec_overhead(s)) & ~(size_t)(s ? 15 : 7);
	sec_lock(s);
	do {
		size_t n = out->len - off < chunk ? out->len - off : chunk;
		struct rpc_pdu pdu;
		struct rpc_co_enc e = {
			.ptype = RPC_PT_RESPONSE,
			.pfc_flags = (off ? 0 : RPC_PFC_FIRST_FRAG) |
				     (off + n == out->len ? RPC_PFC_LAST_FRAG : 0),
			.big_endian = call->be,
			.call_id = call->call_id,
		};

		memset(&pdu, 0, offsetof(struct rpc_pdu, bind) +
		       sizeof(pdu.response));
		pdu.response.alloc_hint = (uint32_t)(out->len - off);
		pdu.response.ctx_id = call->ctx_id;
		pdu.stub = out->data + off;
		pdu.stub_len = n;
		ret = __rpc_co_sec_encode(&b, &e, &pdu, s);
		if (ret < 0)
			break;
		off += n;
		npdus++;
	} while (off < out->len);
	/* __rpc_co_send() counts one PDU; all or nothing of b is queued */
	if (ret >= 0)
		ret = sec_send(c, s, &b);
	else if (s)
		pthread_mutex_unlock(&s->tx_lock);
	if (!ret && npdus > 1)
		atomic_fetch_add(&c->srv->pkts_out, npdus - 1);
	__ndr_buf_free(&b);
	/* nothing of the answer was queued (out of memory encoding or
	 * queueing it): a fault instead, or the connection ends */
	if (ret < 0)
		send_fault_sec(c, call->call_id, call->ctx_id,
			       __rpc_to_fault(ret), false, call->be, s);
	else
		atomic_fetch_add(&c->srv->calls_out, 1);
}

/* call->ops of the calls read from a connection (call_ctx.c runs them). */
static void call_reply(struct rpc_call_ctx *call, uint32_t fault, bool dne,
		       const struct ndr_buf *out)
{
	if (fault)
		send_fault_sec(call->conn, call->call_id, call->ctx_id, fault,
			       dne, call->be, call_sec(call));
	else
		send_response(call, out);
}

static void call_done(struct rpc_call_ctx *call)
{
	struct conn *c = call->conn;

	__rpc_co_call_unlink_free(c, call);
	__rpc_conn_put(c);
}

static const struct rpc_call_ops co_call_ops = {
	.reply = call_reply,
	.done = call_done,
};

/* ---- binds ---------------------------------------------------------------- */

static const struct srv_if *find_if(struct rpc_server *srv,
				    const struct rpc_syntax_id *id,
				    struct srv_if *copy)
{
	const struct srv_if *found = NULL;
	int i;

	pthread_mutex_lock(&srv->lock);
	for (i = 0; i < srv->nifs; i++) {
		const struct rpc_syntax_id *r = &srv->ifs[i].iface->id;

		if (!rpc_uuid_compare(&r->uuid, &id->uuid) &&
		    r->major == id->major &&
		    id->minor <= r->minor) {
			found = &srv->ifs[i];
			*copy = *found;
			break;
		}
	}
	pthread_mutex_unlock(&srv->lock);
	return found;
}

static bool syntax_eq(const struct rpc_syntax_id *a,
		      const struct rpc_syntax_id *b)
{
	return !rpc_uuid_compare(&a->uuid, &b->uuid) &&
	       a->major == b->major && a->minor == b->minor;
}

/* The syntax (NDR_SYNTAX_*) we would pick from a context, or -1. */
static int pick_syntax(const struct rpc_pctx *pc, uint32_t allowed)
{
	int pick = -1;
	unsigned int j;

	for (j = 0; j < pc->n_tsyn; j++) {
		if ((allowed & SYN_NDR64) &&
		    syntax_eq(&pc->tsyn[j], &rpc_syntax_ndr64))
			return NDR_SYNTAX_NDR64;
		if ((allowed & SYN_NDR20) &&
		    syntax_eq(&pc->tsyn[j], &rpc_syntax_ndr20))
			pick = NDR_SYNTAX_NDR20;
	}
	return pick;
}

/*
 * Fill res[] for the contexts of a bind/alter_context, adding accepted
 * ones to the connection.  A client that offers NDR20 and NDR64 for one
 * interface in separate contexts gets exactly one accepted (NDR64, as
 * Windows does); the others are rejected with
 * proposed_transfer_syntaxes_not_supported.
 */
static void negotiate(struct conn *c, const struct rpc_pdu *in,
		      struct rpc_pdu *out)
{
	unsigned int i, j;

	out->bind_ack.n_results = in->bind.n_ctx;
	for (i = 0; i < in->bind.n_ctx; i++) {
		const struct rpc_pctx *pc = &in->bind.ctx[i];
		struct rpc_pres_result *r = &out->bind_ack.res[i];
		struct srv_if iface;
		uint8_t bits;
		int pick, k;
		bool better = false;

		memset(r, 0, sizeof(*r));
		if (pc->n_tsyn == 1 && __rpc_is_btfn(&pc->tsyn[0].uuid, &bits)) {
			r->result = RPC_RESULT_NEGOTIATE_ACK;
			r->reason = bits & (RPC_BTFN_SEC_CTX_MULTIPLEXING |
					    RPC_BTFN_KEEP_CONN_ON_ORPHAN);
			continue;
		}
		r->result = RPC_RESULT_PROVIDER_REJECTION;
		if (!find_if(c->srv, &pc->abstract, &iface)) {
			r->reason = RPC_REASON_ABSTRACT_SYNTAX_NOT_SUPPORTED;
			continue;
		}
		pick = pick_syntax(pc, iface.syntaxes);
		/* another context of this bind for the same interface wins
		 * when it has a better syntax, or the same one earlier */
		for (j = 0; pick >= 0 && j < in->bind.n_ctx && !better; j++) {
			const struct rpc_pctx *o = &in->bind.ctx[j];
			int op;

			if (j == i || !syntax_eq(&o->abstract, &pc->abstract))
				continue;
			op = pick_syntax(o, iface.syntaxes);
			better = op > pick || (op == pick && j < i);
		}
		if (pick < 0 || better) {
			r->reason = RPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED;
			continue;
		}
		/* replace a context id that is bound again; c->lock against
		 * __rpc_call_new (find_if above took srv->lock, not under it) */
		pthread_mutex_lock(&c->lock);
		for (k = 0; k < c->nctx; k++)
			if (c->ctx[k].ctx_id == pc->ctx_id)
				break;
		if (k == c->nctx && c->nctx == CONN_MAX_CTX) {
			pthread_mutex_unlock(&c->lock);
			r->reason = RPC_REASON_LOCAL_LIMIT_EXCEEDED;
			continue;
		}
		c->ctx[k].ctx_id = pc->ctx_id;
		c->ctx[k].syntax = (uint8_t)pick;
		c->ctx[k].iface = iface;
		if (k == c->nctx)
			c->nctx++;
		pthread_mutex_unlock(&c->lock);
		r->result = RPC_RESULT_ACCEPT;
		r->reason = 0;
		r->tsyn = pick == NDR_SYNTAX_NDR64 ? rpc_syntax_ndr64
						   : rpc_syntax_ndr20;
	}
}

int __rpc_encode_bind_nak(struct ndr_buf *b, uint32_t call_id,
			  uint16_t reason, bool be)
{
	struct rpc_pdu pdu;
	struct rpc_co_enc e = {
		.ptype = RPC_PT_BIND_NAK,
		.pfc_flags = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
		.big_endian = be,
		.call_id = call_id,
	};

	memset(&pdu, 0, sizeof(pdu));
	pdu.bind_nak.reason = reason;
	pdu.bind_nak.n_versions = 1;
	pdu.bind_nak.versions[0][0] = 5;
	pdu.bind_nak.versions[0][1] = 0;
	return __rpc_co_encode(b, &e, &pdu);
}

static void send_bind_nak(struct conn *c, uint32_t call_id, uint16_t reason,
			  bool be)
{
	struct ndr_buf b = { 0 };

	if (__rpc_encode_bind_nak(&b, call_id, reason, be) > 0)
		__rpc_co_send(c, &b);
	__ndr_buf_free(&b);
	pthread_mutex_lock(&c->lock);
	c->close_after_flush = true;
	__rpc_co_flush_locked(c);
	pthread_mutex_unlock(&c->lock);
}

static uint16_t clamp_frag(uint16_t v)
{
	if (v < RPC_MIN_FRAG)
		return RPC_MIN_FRAG;
	return v > SRV_MAX_FRAG ? SRV_MAX_FRAG : v;
}

/*
 * The answer to a bind or alter_context, encoded into b: 0 (bind_ack,
 * alter_context_resp), a bind_nak reason + 1 (nothing encoded), or -1
 * for a protocol error.
 */
static int bind_answer(struct conn *c, const struct rpc_pdu *in,
		       struct ndr_buf *b)
{
	struct rpc_pdu *out;
	struct rpc_co_enc e = {
		.pfc_flags = RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
		.big_endian = in->big_endian,
		.call_id = in->hdr.call_id,
	};
	bool alter = in->hdr.ptype == RPC_PT_ALTER_CONTEXT;
	struct ndr_buf tok = { 0 };
	bool hsign;
	int ret;

	if (alter != c->bound)
		return alter ? -1 : RPC_NAK_REASON_NOT_SPECIFIED + 1;
	ret = __rpc_co_auth_bind(c, in, &tok, &hsign);
	if (ret) {
		__ndr_buf_free(&tok);
		return ret;
	}
	if (hsign)
		e.pfc_flags |= RPC_PFC_PENDING_CANCEL;	/* SUPPORT_HEADER_SIGN */
	out = calloc(1, sizeof(*out));
	if (!out) {
		__ndr_buf_free(&tok);
		return RPC_NAK_LOCAL_LIMIT_EXCEEDED + 1;
	}
	if (!alter) {
		/* group_join takes srv->lock: not under c->lock */
		struct assoc_group *g = __rpc_group_join(c->srv,
							 in->bind.assoc_group_id);

		if (!g) {
			free(out);
			__ndr_buf_free(&tok);
			return RPC_NAK_REASON_NOT_SPECIFIED + 1;
		}
		pthread_mutex_lock(&c->lock);
		c->group = g;
		/* frag sizes are never below MustRecvFragSize */
		c->max_xmit = clamp_frag(in->bind.max_recv_frag);
		c->max_recv = clamp_frag(in->bind.max_xmit_frag);
		c->bound = true;
		pthread_mutex_unlock(&c->lock);
		snprintf(out->bind_ack.sec_addr, sizeof(out->bind_ack.sec_addr),
			 "%s", c->lst->sec_addr);
		e.ptype = RPC_PT_BIND_ACK;
		/* the client may use concurrent multiplexing if it asks */
		e.pfc_flags |= in->hdr.pfc_flags & RPC_PFC_CONC_MPX;
	} else {
		e.ptype = RPC_PT_ALTER_CONTEXT_RESP;
	}
	out->bind_ack.max_xmit_frag = c->max_xmit;
	out->bind_ack.max_recv_frag = c->max_recv;
	out->bind_ack.assoc_group_id = c->group->id;
	negotiate(c, in, out);
	__rpc_co_auth_answer(c, in, &tok, out);
	ret = __rpc_co_encode(b, &e, out);
	free(out);
	__ndr_buf_free(&tok);
	return ret > 0 ? 0 : RPC_NAK_LOCAL_LIMIT_EXCEEDED + 1;
}

static void handle_bind(struct conn *c, const struct rpc_pdu *in)
{
	struct ndr_buf b = { 0 };
	int ret = bind_answer(c, in, &b);

	if (ret < 0)
		proto_error(c, in->hdr.call_id, in->big_endian);
	else if (ret > 0)
		send_bind_nak(c, in->hdr.call_id, (uint16_t)(ret - 1),
			      in->big_endian);
	else
		__rpc_co_send(c, &b);
	__ndr_buf_free(&b);
}

/* ---- requests and cancels --------------------------------------------- */

static struct rpc_call_ctx *find_call(struct conn *c, uint32_t call_id)
{
	struct rpc_call_ctx *call;

	for (call = c->calls; call; call = call->next)
		if (call->call_id == call_id)
			return call;
	return NULL;
}

__rpc_hot static const struct pctx_entry *find_ctx(struct conn *c, uint16_t id)
{
	int i;

	for (i = 0; i < c->nctx; i++)
		if (c->ctx[i].ctx_id == id)
			return &c->ctx[i];
	return NULL;
}

/* A call refused for its authentication: the fault, then the end. */
static void auth_refused(struct conn *c, const struct rpc_pdu *in)
{
	send_fault(c, in->hdr.call_id, in->request.ctx_id,
		   rpc_s_access_denied, true, in->big_endian);
	pthread_mutex_lock(&c->lock);
	c->close_after_flush = true;
	__rpc_co_flush_locked(c);
	pthread_mutex_unlock(&c->lock);
}

static void handle_request(struct conn *c, uint8_t *buf, size_t len,
			   struct rpc_pdu *in)
{
	uint8_t fl = in->hdr.pfc_flags;
	struct rpc_call_ctx *call;
	struct co_sec *sec;
	bool over;
	int ret;

	if (!c->bound) {
		proto_error(c, in->hdr.call_id, in->big_endian);
		return;
	}
	if (__rpc_co_auth_request(c, buf, len, in, &sec) < 0) {
		pthread_mutex_lock(&c->lock);
		call = find_call(c, in->hdr.call_id);
		pthread_mutex_unlock(&c->lock);
		if (call && call->receiving)
			__rpc_co_call_unlink_free(c, call);
		auth_refused(c, in);
		return;
	}
	pthread_mutex_lock(&c->lock);
	call = find_call(c, in->hdr.call_id);
	if (call && !call->receiving)
		call = NULL;	/* a new call may reuse a running call's id? no */
	over = c->ncalls >= __rpc_co_max_calls(c->srv);
	pthread_mutex_unlock(&c->lock);

	if (fl & RPC_PFC_FIRST_FRAG) {
		const struct pctx_entry *pc;

		if (call) {
			proto_error(c, in->hdr.call_id, in->big_endian);
			return;
		}
		call = __rpc_co_call_alloc();
		if (!call) {
			send_fault(c, in->hdr.call_id, in->request.ctx_id,
				   nca_s_fault_remote_no_memory, true,
				   in->big_endian);
			return;
		}
		call->conn = c;
		call->ops = &co_call_ops;
		call->srv = c->srv;
		call->group = c->group;
		call->call_id = in->hdr.call_id;
		call->ctx_id = in->request.ctx_id;
		call->opnum = in->request.opnum;
		call->pfc_flags = fl;
		call->maybe = fl & RPC_PFC_MAYBE;
		memcpy(call->drep, in->hdr.drep, 4);
		call->be = in->big_endian;
		call->receiving = true;
		call->object = in->request.object;
		call->in.limit = CALL_MAX_IN;
		call->auth = sec ? &sec->info : NULL;
		pc = find_ctx(c, call->ctx_id);
		if (over) {	/* refused, did not execute */
			call->fault = nca_s_server_too_busy;
		} else if (!pc) {
			call->fault = nca_s_unk_if;
		} else {
			call->iface = pc->iface;
			call->syntax = pc->syntax;
		}
		if (!call->fault && in->request.alloc_hint)
			__ndr_buf_reserve(&call->in,
					  in->request.alloc_hint <
					  CALL_PREALLOC_MAX ?
					  in->request.alloc_hint :
					  CALL_PREALLOC_MAX);
		if (fl & RPC_PFC_PENDING_CANCEL)
			atomic_store(&call->cancelled, true);
		pthread_mutex_lock(&c->lock);
		call->next = c->calls;
		c->calls = call;
		c->ncalls++;
		__rpc_co_update_events(c);
		pthread_mutex_unlock(&c->lock);
		atomic_fetch_add(&c->srv->calls_in, 1);
	} else {
		if (!call) {
			/* a fragment of a call we do not know */
			proto_error(c, in->hdr.call_id, in->big_endian);
			return;
		}
		if (call->ctx_id != in->request.ctx_id ||
		    call->opnum != in->request.opnum ||
		    call->auth != (sec ? &sec->info : NULL)) {
			proto_error(c, in->hdr.call_id, in->big_endian);
			return;
		}
		if (fl & RPC_PFC_PENDING_CANCEL)
			atomic_store(&call->cancelled, true);
	}
	if (!call->fault) {
		/* all calls of a connection together hold at most guard.max_rx */
		if (atomic_load(&c->rx_bytes) + in->stub_len >
		    __atomic_load_n(&c->srv->guard->max_rx, __ATOMIC_RELAXED))
			ret = -E2BIG;
		else
			ret = __ndr_buf_put(&call->in, in->stub, in->stub_len);
		if (ret < 0) {
			call->fault = ret == -E2BIG ? nca_s_fault_remote_no_memory
						    : __rpc_to_fault(ret);
			atomic_fetch_sub(&c->rx_bytes, call->in.len);
			__ndr_buf_free(&call->in);
		} else {
			atomic_fetch_add(&c->rx_bytes, in->stub_len);
		}
	}
	if (fl & RPC_PFC_LAST_FRAG) {
		call->receiving = false;
		atomic_fetch_add(&c->refs, 1);
		__rpc_ready_add(call);
	}
}

static void handle_cancel(struct conn *c, const struct rpc_pdu *in,
			  bool orphan)
{
	struct rpc_call_ctx *call;

	pthread_mutex_lock(&c->lock);
	call = find_call(c, in->hdr.call_id);
	if (call) {
		atomic_store(&call->cancelled, true);
		if (orphan)
			atomic_store(&call->orphaned, true);
	}
	pthread_mutex_unlock(&c->lock);
	if (call && orphan && call->receiving) {
		/* drop the half-received call */
		__rpc_co_call_unlink_free(c, call);
	}
}

/* One complete frame of c (the leader, from conn_read). */
void __rpc_co_frame(struct conn *c, uint8_t *buf, size_t len)
{
	struct rpc_pdu *pdu;
	int ret;

	atomic_fetch_add(&c->srv->pkts_in, 1);
	if (c->g.refused) {	/* over the address or uid cap */
		if (buf[2] == RPC_PT_BIND)
			send_bind_nak(c, __rpc_get32(buf + 12, !(buf[4] >> 4)),
				      RPC_NAK_LOCAL_LIMIT_EXCEEDED,
				      !(buf[4] >> 4));
		else
			shutdown(c->fd, SHUT_RDWR);
		return;
	}
	pdu = malloc(sizeof(*pdu));
	if (!pdu) {
		shutdown(c->fd, SHUT_RDWR);
		return;
	}
	ret = __rpc_co_decode(buf, len, pdu);
	if (ret < 0) {
		bool be = !(buf[4] >> 4);
		uint32_t call_id = __rpc_get32(buf + 12, be);

		if (buf[2] == RPC_PT_BIND)
			send_bind_nak(c, call_id,
				      ret == -rpc_s_out_of_resources ?
				      RPC_NAK_LOCAL_LIMIT_EXCEEDED :
				      RPC_NAK_REASON_NOT_SPECIFIED, be);
		else
			proto_error(c, call_id, be);
		free(pdu);
		return;
	}
	switch (pdu->hdr.ptype) {
	case RPC_PT_BIND:
	case RPC_PT_ALTER_CONTEXT:
		handle_bind(c, pdu);
		break;
	case RPC_PT_REQUEST:
		handle_request(c, buf, len, pdu);
		break;
	case RPC_PT_AUTH3:
		if (!c->bound || __rpc_co_auth3(c, pdu) < 0)
			proto_error(c, pdu->hdr.call_id, pdu->big_endian);
		break;
	case RPC_PT_CO_CANCEL:
		handle_cancel(c, pdu, false);
		break;
	case RPC_PT_ORPHANED:
		handle_cancel(c, pdu, true);
		break;
	default:
		/* a server's PDU */
		proto_error(c, pdu->hdr.call_id, pdu->big_endian);
		break;
	}
	free(pdu);
}

/* ---- the kernel path's binds and calls (lpc_server.c) ------------------ */

int __rpc_conn_bind(struct conn *c, const struct rpc_pdu *in,
		    struct ndr_buf *out)
{
	int ret;

	/* bind_answer installs what it negotiated under c->lock (against
	 * __rpc_call_new); its srv->lock lookups are not taken under it */
	pthread_mutex_lock(&c->bind_lock);
	ret = bind_answer(c, in, out);
	pthread_mutex_unlock(&c->bind_lock);
	if (ret > 0)
		ret = __rpc_encode_bind_nak(out, in->hdr.call_id,
					    (uint16_t)(ret - 1),
					    in->big_endian) > 0 ? 0 : -ENOMEM;
	return ret < 0 ? -rpc_s_protocol_error : 0;
}

__rpc_hot struct rpc_call_ctx *__rpc_call_new(struct conn *c, uint16_t ctx_id,
				    uint16_t opnum, const uint8_t drep[4],
				    const rpc_uuid_t *object,
				    const struct rpc_peer_cred *cred)
{
	struct rpc_call_ctx *call = __rpc_co_call_alloc();
	const struct pctx_entry *pc;

	if (!call)
		return NULL;
	call->conn = c;
	call->ops = &co_call_ops;
	call->srv = c->srv;
	call->ctx_id = ctx_id;
	call->opnum = opnum;
	memcpy(call->drep, drep, 4);
	call->be = !(drep[0] & 0x10);
	if (object)
		call->object = *object;
	if (cred) {
		call->cred = *cred;
		call->has_cred = true;
	}
	pthread_mutex_lock(&c->lock);
	call->group = c->group;
	pc = c->bound ? find_ctx(c, ctx_id) : NULL;
	if (!pc) {
		call->fault = nca_s_unk_if;
	} else {
		call->iface = pc->iface;
		call->syntax = pc->syntax;
	}
	pthread_mutex_unlock(&c->lock);
	return call;
}
