// SPDX-License-Identifier: MIT
/*
 * The server's side of authentication on a connection ([MS-RPCE]
 * 3.3.1.5.2, 3.3.3.4.1): the legs carried by bind, alter_context and
 * auth3, and the security context each request names.  Several contexts
 * may share a connection (context multiplexing), one per
 * auth_context_id; each keeps the provider and level it started with, so
 * a later PDU that names a context at another level (a downgrade) or a
 * context that never finished its exchange is refused and the connection
 * ends.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "engine/co/co_int.h"
#include "engine/co/co_server_auth.h"
#include "ndr/buf.h"

static struct co_sec *sec_find(struct conn *c, uint32_t id)
{
	int i;

	for (i = 0; c->sec && i < CO_SEC_MAX; i++)
		if (c->sec[i].used && c->sec[i].id == id)
			return &c->sec[i];
	return NULL;
}

static struct co_sec *sec_new(struct conn *c)
{
	int i;

	if (!c->sec) {
		struct co_sec *s = calloc(CO_SEC_MAX, sizeof(*s));

		if (!s)
			return NULL;
		pthread_mutex_lock(&c->lock);
		c->sec = s;
		pthread_mutex_unlock(&c->lock);
	}
	for (i = 0; i < CO_SEC_MAX; i++)
		if (!c->sec[i].used)
			return &c->sec[i];
	return NULL;
}

/* A leg of a new context: the provider of the bind's auth_type with what
 * the server registered for it. */
static int sec_begin(struct conn *c, struct co_sec *s,
		     const struct rpc_auth_verifier *a)
{
	struct srv_auth reg;
	struct rpc_auth_identity id = { 0 };
	int ret;

	ret = __rpc_srv_auth_get(c->srv, a->auth_type, &reg);
	if (ret < 0)
		return ret;
	id.principal = reg.principal;
	id.keytab = reg.keytab;
	ret = __rpc_co_sec_start(s, true, a->auth_type, a->auth_level,
				 a->auth_context_id, &id);
	__rpc_srv_auth_free(&reg);
	return ret;
}

int __rpc_co_auth_bind(struct conn *c, const struct rpc_pdu *in,
		       struct ndr_buf *tok, bool *header_signing)
{
	const struct rpc_auth_verifier *a = &in->auth;
	bool alter = in->hdr.ptype == RPC_PT_ALTER_CONTEXT;
	uint8_t min = __atomic_load_n(&c->srv->min_auth_level,
				      __ATOMIC_RELAXED);
	struct co_sec *s;
	int ret;

	/* a bind without auth is let in: its calls meet the minimum level
	 * (local callers pass it), as Windows refuses them, not the bind */
	*header_signing = false;
	if (!in->has_auth)
		return 0;
	s = sec_find(c, a->auth_context_id);
	if (s) {
		/* the next leg of a context: same provider, same level */
		if (!alter || s->established || s->failed ||
		    a->auth_type != s->info.authn_svc ||
		    a->auth_level != s->info.level)
			return -1;
	} else {
		if (!__rpc_authn_supported(a->auth_type))
			return alter ? -1 :
			       RPC_NAK_AUTHENTICATION_TYPE_NOT_RECOGNIZED + 1;
		if (a->auth_level < RPC_AUTH_LEVEL_CONNECT ||
		    a->auth_level > RPC_AUTH_LEVEL_PKT_PRIVACY)
			return alter ? -1 : RPC_NAK_REASON_NOT_SPECIFIED + 1;
		if (a->auth_level < min)
			return alter ? -1 : RPC_NAK_REASON_NOT_SPECIFIED + 1;
		s = sec_new(c);
		if (!s)
			return alter ? -1 : RPC_NAK_LOCAL_LIMIT_EXCEEDED + 1;
		ret = sec_begin(c, s, a);
		if (ret < 0)
			return alter ? -1 :
			       ret == -rpc_s_unknown_authn_service ?
			       RPC_NAK_AUTHENTICATION_TYPE_NOT_RECOGNIZED + 1 :
			       RPC_NAK_REASON_NOT_SPECIFIED + 1;
		/* header signing when the client offers it and a signature
		 * is made at all ([MS-RPCE] 2.2.2.3 PFC_SUPPORT_HEADER_SIGN) */
		s->header_signing = (in->hdr.pfc_flags & RPC_PFC_PENDING_CANCEL) &&
				    a->auth_level >= RPC_AUTH_LEVEL_PKT;
	}
	ret = __rpc_co_sec_step(s, a->value, in->hdr.auth_len, tok);
	if (ret < 0)
		return alter ? -1 : RPC_NAK_INVALID_CHECKSUM + 1;
	*header_signing = s->header_signing;
	return 0;
}

/* The trailer that goes with the answer's token. */
void __rpc_co_auth_answer(struct conn *c, const struct rpc_pdu *in,
			  const struct ndr_buf *tok, struct rpc_pdu *out)
{
	if (!in->has_auth || !tok->len)
		return;
	out->has_auth = true;
	out->auth.auth_type = in->auth.auth_type;
	out->auth.auth_level = in->auth.auth_level;
	out->auth.auth_context_id = in->auth.auth_context_id;
	out->auth.value = tok->data;
	out->hdr.auth_len = (uint16_t)tok->len;
}

int __rpc_co_auth3(struct conn *c, const struct rpc_pdu *in)
{
	const struct rpc_auth_verifier *a = &in->auth;
	struct co_sec *s = in->has_auth ? sec_find(c, a->auth_context_id)
					: NULL;
	struct ndr_buf out = { 0 };
	int ret;

	if (!s || s->established || s->failed ||
	    a->auth_type != s->info.authn_svc ||
	    a->auth_level != s->info.level)
		return -rpc_s_protocol_error;
	ret = __rpc_co_sec_step(s, a->value, in->hdr.auth_len, &out);
	/* auth3 has no answer: a leg that wants one failed */
	if (ret == 0 || out.len)
		s->failed = true;
	__ndr_buf_free(&out);
	/* a failed context refuses its calls (access denied), but the
	 * connection stays for the fault that says so */
	return 0;
}

/* The most protective established context of c, or NULL. */
static struct co_sec *sec_strongest(struct conn *c)
{
	struct co_sec *best = NULL;
	int i;

	for (i = 0; c->sec && i < CO_SEC_MAX; i++) {
		struct co_sec *s = &c->sec[i];

		if (s->used && (s->established || s->failed) &&
		    (!best || s->info.level > best->info.level))
			best = s;
	}
	return best;
}

int __rpc_co_auth_request(struct conn *c, uint8_t *buf, size_t len,
			  struct rpc_pdu *in, struct co_sec **out)
{
	struct co_sec *s;
	int ret;

	*out = NULL;
	if (!in->has_auth) {
		/* no trailer: fine on a connection without a context or
		 * with one at connect level; a signed one's calls must be
		 * signed (a stripped signature is a downgrade) */
		s = sec_strongest(c);
		if (!s)
			return 0;
		if (s->failed)
			return -EACCES;
		if (__rpc_co_sec_protects(s))
			return -EACCES;
		*out = s;
		return 0;
	}
	s = sec_find(c, in->auth.auth_context_id);
	if (!s || !s->established || s->failed)
		return -EACCES;
	if (in->auth.auth_type != s->info.authn_svc ||
	    in->auth.auth_level != s->info.level)
		return -EACCES;
	ret = __rpc_co_sec_check(buf, len, in, s);
	if (ret < 0)
		return -EACCES;
	*out = s;
	return 0;
}

void __rpc_co_auth_free(struct conn *c)
{
	int i;

	if (!c->sec)
		return;
	for (i = 0; i < CO_SEC_MAX; i++)
		__rpc_co_sec_end(&c->sec[i]);
	free(c->sec);
	c->sec = NULL;
}
