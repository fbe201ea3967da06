// SPDX-License-Identifier: MIT
/*
 * GSSAPI security providers over MIT Kerberos: RPC_C_AUTHN_GSS_KERBEROS
 * (16) and RPC_C_AUTHN_GSS_NEGOTIATE (9).
 *
 * Exchange.  DCE/RPC Kerberos is "DCE style" ([MS-KILE] 3.4.5.4.2 and
 * 3.2.5.4, GSS_C_DCE_STYLE): three legs, the client's AP-REQ (bind), the
 * server's AP-REP (bind_ack) and the client's own AP-REP answering it
 * (auth3):
 *
 *   client step(NULL)   -> AP-REQ,   0
 *   server step(AP-REQ) -> AP-REP,   0
 *   client step(AP-REP) -> AP-REP',  1   (send it, then established)
 *   server step(AP-REP')-> nothing,  1
 *
 * SPNEGO wraps the same tokens in four legs: negTokenInit(AP-REQ),
 * negTokenResp(AP-REP), the client's negTokenResp(AP-REP'), and MIT's
 * acceptor ends with "accept-completed": its step() returns 1 with a
 * token, which the client's step() consumes, returning 1 with nothing.
 * So an engine sends whatever step() appended, even with 1, and hands a
 * token that arrives after its own last leg to step() again; [MS-RPCE]
 * 3.3.1.5.2 carries the last two legs in alter_context and
 * alter_context_resp.  SPNEGO is limited to Kerberos (gss_set_neg_mechs
 * on both sides): NTLM inside SPNEGO would need the NTLM provider's DCE
 * signing (lib/auth/ntlm/ntlm_sign.h), not wired yet.
 *
 * Flags: always MUTUAL | DCE_STYLE | REPLAY | SEQUENCE | INTEG, CONF at
 * privacy level.  Replay, sequence and gap detection are errors: verify
 * and unseal fail on any supplementary status (duplicate, old, unseq,
 * gap), so fragments must be signed in the order they are sent and
 * verified in the order they arrive, one sequence per direction shared
 * by sign and seal.
 *
 * What a signature covers ([MS-RPCE] 2.2.2.11 and 3.3.1.5.2.2, [MS-KILE]
 * 3.4.5.4.1; Samba's gssapi_helper.c does the same):
 *  - integrity: gss_get_mic over r->whole when r->header_signing, else
 *    over r->body;
 *  - privacy: gss_wrap_iov with HEADER = the signature, SIGN_ONLY = the
 *    octets of r->whole before and after r->body (when header_signing;
 *    empty otherwise), DATA = r->body encrypted in place; no PADDING or
 *    TRAILER, DCE style puts the whole token in the header.
 *
 * sig_size() is exact once the context is established, 0 before, and
 * depends on the level the context was made for: the wrap header at
 * privacy (76 octets for AES-SHA1: 16 of token header, EC = 16 of filler
 * as [MS-KILE] 3.4.5.4.1 asks, 16 of confounder, 16 of encrypted header
 * copy, 12 of checksum; independent of the body's length), the MIC token
 * at call, packet and integrity level (28 for AES-SHA1, 37 for RC4), 0 at
 * connect.  unseal() and verify() take the length the peer sent: the
 * token says its own layout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_krb5.h>
#include <krb5/krb5.h>
#include <lrpc/status.h>
#include "auth/gss/gss_provider.h"
#include "ndr/buf.h"

/* 1.3.6.1.5.5.2: MIT exports no symbol for SPNEGO's OID */
static gss_OID_desc spnego_oid = { 6, (void *)"\x2b\x06\x01\x05\x05\x02" };

/* Larger signatures are refused before anything is copied. */
#define GSS_SIG_MAX	256

struct gp_ctx {
	bool server;
	bool spnego;
	bool established;
	bool first_done;	/* the client's first leg was made */
	enum rpc_auth_level level;
	OM_uint32 req_flags;
	OM_uint32 ret_flags;
	gss_ctx_id_t ctx;
	gss_cred_id_t cred;
	gss_name_t target;	/* client: the server's name */
	gss_name_t peer;	/* server: the client's name */
	size_t mic_size;
	size_t wrap_size;
};

#define to_gp(c)	((struct gp_ctx *)(c))

static gss_OID ctx_mech(const struct gp_ctx *g)
{
	return g->spnego ? &spnego_oid : (gss_OID)gss_mech_krb5;
}

/*
 * A service is "host/fqdn@REALM" (a '/': a Kerberos principal) or
 * "service@host" (a host-based service, mapped to service/host@realm by
 * krb5.conf); a user is always a principal ("user" or "user@REALM").
 */
static int import_name(const char *s, bool user, gss_name_t *out)
{
	gss_buffer_desc b = { strlen(s), (void *)s };
	gss_OID type = GSS_KRB5_NT_PRINCIPAL_NAME;
	OM_uint32 maj, min;

	if (!user && !strchr(s, '/') && strchr(s, '@'))
		type = GSS_C_NT_HOSTBASED_SERVICE;
	maj = gss_import_name(&min, &b, type, out);
	return GSS_ERROR(maj) ? -rpc_s_access_denied : 0;
}

/* An absent mechanism is a different failure from a refused identity. */
static int cred_status(OM_uint32 maj)
{
	if (GSS_ROUTINE_ERROR(maj) == GSS_S_BAD_MECH ||
	    GSS_ROUTINE_ERROR(maj) == GSS_S_UNAVAILABLE)
		return -rpc_s_unknown_authn_service;
	return -rpc_s_access_denied;
}

/* user, or user@DOMAIN when a domain is given and user names no realm */
static int user_name(const struct rpc_auth_identity *id, gss_name_t *out)
{
	char *s;
	int ret;

	if (!id->domain || !id->domain[0] || strchr(id->user, '@'))
		return import_name(id->user, true, out);
	if (asprintf(&s, "%s@%s", id->user, id->domain) < 0)
		return -rpc_s_out_of_memory;
	/* a Kerberos realm is the upper-case domain name */
	for (char *p = strchr(s, '@'); *p; p++)
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
	ret = import_name(s, true, out);
	free(s);
	return ret;
}

/*
 * The server's keytab, checked before GSSAPI sees it: MIT's krb5
 * acceptor takes a missing keytab without complaint (and fails at the
 * first AP-REQ), and its failure for a principal the keytab lacks leaks
 * the principal (MIT 1.20).  A principal-form @principal must have a key
 * here; a host-based one ("service@host") is left to GSSAPI.
 */
static int keytab_ok(const char *name, const char *principal)
{
	krb5_keytab_entry e;
	krb5_principal pr;
	krb5_context k;
	krb5_keytab kt;
	int ret = -rpc_s_access_denied;

	if (krb5_init_context(&k))
		return -rpc_s_out_of_memory;
	if (name ? krb5_kt_resolve(k, name, &kt) : krb5_kt_default(k, &kt))
		goto out;
	if (krb5_kt_have_content(k, kt))
		goto close;
	ret = 0;
	if (!principal || (!strchr(principal, '/') && strchr(principal, '@')))
		goto close;
	if (krb5_parse_name(k, principal, &pr)) {
		ret = -rpc_s_access_denied;
		goto close;
	}
	if (krb5_kt_get_entry(k, kt, pr, 0, 0, &e))
		ret = -rpc_s_access_denied;
	else
		krb5_free_keytab_entry_contents(k, &e);
	krb5_free_principal(k, pr);
close:
	krb5_kt_close(k, kt);
out:
	krb5_free_context(k);
	return ret;
}

static int acquire_cred(struct gp_ctx *g, const struct rpc_auth_identity *id)
{
	gss_OID_desc *mech = ctx_mech(g);
	gss_OID_set_desc mechs = { 1, mech };
	/* an acceptor takes Microsoft's Kerberos OID too (impacket and
	 * Windows offer it first, [MS-KILE] 3.1.5.9) */
	gss_OID_desc krb5_oids[2] = {
		*(gss_OID)gss_mech_krb5,
		{ 9, (void *)"\x2a\x86\x48\x82\xf7\x12\x01\x02\x02" },
	};
	gss_OID_set_desc krb5 = { g->server ? 2 : 1, krb5_oids };
	gss_name_t name = GSS_C_NO_NAME;
	OM_uint32 maj, min;
	int ret = 0;

	if (g->server) {
		gss_key_value_element_desc kt = { "keytab", NULL };
		gss_key_value_set_desc store = { 1, &kt };

		if ((ret = keytab_ok(id ? id->keytab : NULL,
				     id ? id->principal : NULL)))
			return ret;
		if (id && id->principal && (ret = import_name(id->principal,
							      false, &name)))
			return ret;
		kt.value = id ? id->keytab : NULL;
		maj = gss_acquire_cred_from(&min, name, GSS_C_INDEFINITE,
					    &mechs, GSS_C_ACCEPT,
					    kt.value ? &store : NULL,
					    &g->cred, NULL, NULL);
	} else if (id && id->user && id->password) {
		gss_buffer_desc pw = { strlen(id->password),
				       (void *)id->password };

		if ((ret = user_name(id, &name)))
			return ret;
		maj = gss_acquire_cred_with_password(&min, name, &pw,
						     GSS_C_INDEFINITE, &mechs,
						     GSS_C_INITIATE, &g->cred,
						     NULL, NULL);
	} else {
		/* the default credential cache (KRB5CCNAME) */
		maj = gss_acquire_cred(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE,
				       &mechs, GSS_C_INITIATE, &g->cred, NULL,
				       NULL);
	}
	if (name != GSS_C_NO_NAME)
		gss_release_name(&min, &name);
	if (GSS_ERROR(maj)) {
		g->cred = GSS_C_NO_CREDENTIAL;
		return cred_status(maj);
	}
	/*
	 * SPNEGO offers (and accepts) Kerberos only: an NTLM context from
	 * gss-ntlmssp would sign differently in DCE/RPC (NTLM signs the
	 * whole PDU whatever header signing says) and is not handled here.
	 */
	if (g->spnego) {
		maj = gss_set_neg_mechs(&min, g->cred, &krb5);
		if (GSS_ERROR(maj))
			return -rpc_s_unknown_authn_service;
	}
	return 0;
}

static void gp_free_ctx(struct rpc_auth_ctx *ctx)
{
	struct gp_ctx *g = to_gp(ctx);
	OM_uint32 min;

	if (!g)
		return;
	if (g->ctx != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&min, &g->ctx, GSS_C_NO_BUFFER);
	if (g->cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&min, &g->cred);
	if (g->target != GSS_C_NO_NAME)
		gss_release_name(&min, &g->target);
	if (g->peer != GSS_C_NO_NAME)
		gss_release_name(&min, &g->peer);
	free(g);
}

static int new_ctx(bool spnego, bool server, enum rpc_auth_level level,
		   const struct rpc_auth_identity *id,
		   struct rpc_auth_ctx **out)
{
	struct gp_ctx *g;
	int ret;

	*out = NULL;
	/* default: the engine did not resolve it; connect is the least */
	if (level == RPC_AUTH_LEVEL_DEFAULT)
		level = RPC_AUTH_LEVEL_CONNECT;
	if (level < RPC_AUTH_LEVEL_CONNECT ||
	    level > RPC_AUTH_LEVEL_PKT_PRIVACY)
		return -rpc_s_unsupported_authn_level;
	if (!server && (!id || !id->principal))
		return -rpc_s_invalid_arg;	/* Kerberos needs a target */
	g = calloc(1, sizeof(*g));
	if (!g)
		return -rpc_s_out_of_memory;
	g->server = server;
	g->spnego = spnego;
	g->level = level;
	g->ctx = GSS_C_NO_CONTEXT;
	g->cred = GSS_C_NO_CREDENTIAL;
	g->target = GSS_C_NO_NAME;
	g->peer = GSS_C_NO_NAME;
	g->req_flags = GSS_C_MUTUAL_FLAG | GSS_C_DCE_STYLE |
		       GSS_C_REPLAY_FLAG | GSS_C_SEQUENCE_FLAG |
		       GSS_C_INTEG_FLAG;
	if (level == RPC_AUTH_LEVEL_PKT_PRIVACY)
		g->req_flags |= GSS_C_CONF_FLAG;
	ret = acquire_cred(g, id);
	if (!ret && !server)
		ret = import_name(id->principal, false, &g->target);
	if (ret) {
		gp_free_ctx((struct rpc_auth_ctx *)g);
		return ret;
	}
	*out = (struct rpc_auth_ctx *)g;
	return 0;
}

static int krb5_new_ctx(bool server, enum rpc_auth_level level,
			const struct rpc_auth_identity *id,
			struct rpc_auth_ctx **out)
{
	return new_ctx(false, server, level, id, out);
}

static int spnego_new_ctx(bool server, enum rpc_auth_level level,
			  const struct rpc_auth_identity *id,
			  struct rpc_auth_ctx **out)
{
	return new_ctx(true, server, level, id, out);
}

/*
 * The session key's enctype, from MIT's answer to
 * GSS_C_INQ_SSPI_SESSION_KEY: the key, then an OID made of
 * GSS_KRB5_SESSION_KEY_ENCTYPE_OID (1.2.840.113554.1.2.2.4) with the
 * enctype as one more arc (base 128, as every arc).
 */
static int session_enctype(const struct gp_ctx *g, krb5_enctype *et)
{
	static const uint8_t prefix[] = {
		0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02, 0x04
	};
	gss_buffer_set_t set = GSS_C_NO_BUFFER_SET;
	OM_uint32 maj, min;
	uint32_t v = 0;
	int ret = -rpc_s_access_denied;

	maj = gss_inquire_sec_context_by_oid(&min, g->ctx,
					     GSS_C_INQ_SSPI_SESSION_KEY, &set);
	if (GSS_ERROR(maj) || !set)
		return ret;
	if (set->count >= 2 && set->elements[1].length > sizeof(prefix) &&
	    set->elements[1].length <= sizeof(prefix) + 5 &&
	    !memcmp(set->elements[1].value, prefix, sizeof(prefix))) {
		const uint8_t *p = set->elements[1].value;
		size_t i;

		for (i = sizeof(prefix); i < set->elements[1].length; i++)
			v = v << 7 | (p[i] & 0x7f);
		if (!(p[i - 1] & 0x80)) {
			*et = (krb5_enctype)v;
			ret = 0;
		}
	}
	gss_release_buffer_set(&min, &set);
	return ret;
}

/*
 * MIC token size: RFC 1964 tokens (DES, RC4) are 37 octets framed, DES3
 * 49; RFC 4121 tokens are a 16-octet header and the enctype's checksum.
 */
static int mic_size(const struct gp_ctx *g, size_t *size)
{
	krb5_context k;
	krb5_enctype et;
	unsigned int len;
	int ret;

	if ((ret = session_enctype(g, &et)))
		return ret;
	switch (et) {
	case ENCTYPE_DES_CBC_CRC:
	case ENCTYPE_DES_CBC_MD4:
	case ENCTYPE_DES_CBC_MD5:
	case ENCTYPE_ARCFOUR_HMAC:
	case ENCTYPE_ARCFOUR_HMAC_EXP:
		*size = 37;
		return 0;
	case ENCTYPE_DES3_CBC_SHA1:
		*size = 49;
		return 0;
	}
	if (krb5_init_context(&k))
		return -rpc_s_out_of_memory;
	ret = krb5_c_crypto_length(k, et, KRB5_CRYPTO_TYPE_CHECKSUM, &len) ?
	      -rpc_s_access_denied : 0;
	krb5_free_context(k);
	*size = 16 + (size_t)len;
	return ret;
}

/* The DCE-style wrap header: no padding, no trailer (in the header). */
static int wrap_size(const struct gp_ctx *g, size_t *size)
{
	gss_iov_buffer_desc iov[2] = {
		{ GSS_IOV_BUFFER_TYPE_HEADER, { 0, NULL } },
		{ GSS_IOV_BUFFER_TYPE_DATA, { 16, NULL } },
	};
	OM_uint32 maj, min;
	int conf = 0;

	maj = gss_wrap_iov_length(&min, g->ctx, 1, GSS_C_QOP_DEFAULT, &conf,
				  iov, 2);
	if (GSS_ERROR(maj) || !conf)
		return -rpc_s_access_denied;
	*size = iov[0].buffer.length;
	return 0;
}

/* The context is up: check what was granted, size the signatures. */
static int established(struct gp_ctx *g)
{
	OM_uint32 need = GSS_C_MUTUAL_FLAG | GSS_C_REPLAY_FLAG |
			 GSS_C_SEQUENCE_FLAG | GSS_C_INTEG_FLAG;
	int ret;

	if (g->level == RPC_AUTH_LEVEL_PKT_PRIVACY)
		need |= GSS_C_CONF_FLAG;
	if ((g->ret_flags & need) != need)
		return -rpc_s_access_denied;
	if ((ret = mic_size(g, &g->mic_size)))
		return ret;
	if (g->level == RPC_AUTH_LEVEL_PKT_PRIVACY &&
	    (ret = wrap_size(g, &g->wrap_size)))
		return ret;
	g->established = true;
	return 1;
}

static int gp_step(struct rpc_auth_ctx *ctx, const struct rpc_auth_token *in,
		    struct ndr_buf *out)
{
	struct gp_ctx *g = to_gp(ctx);
	gss_buffer_desc ib = GSS_C_EMPTY_BUFFER, ob = GSS_C_EMPTY_BUFFER;
	bool have_in = in && in->len;
	OM_uint32 maj, min;
	int ret;

	if (g->established)
		return have_in ? -rpc_s_protocol_error : 1;
	/* only the client's first leg has no input */
	if (!have_in && (g->server || g->first_done))
		return -rpc_s_protocol_error;
	if (have_in) {
		ib.length = in->len;
		ib.value = (void *)in->data;
	}
	if (g->server) {
		maj = gss_accept_sec_context(&min, &g->ctx, g->cred, &ib,
					     GSS_C_NO_CHANNEL_BINDINGS,
					     g->peer == GSS_C_NO_NAME ?
					     &g->peer : NULL, NULL, &ob,
					     &g->ret_flags, NULL, NULL);
	} else {
		g->first_done = true;
		maj = gss_init_sec_context(&min, g->cred, &g->ctx, g->target,
					   ctx_mech(g), g->req_flags, 0,
					   GSS_C_NO_CHANNEL_BINDINGS,
					   have_in ? &ib : GSS_C_NO_BUFFER,
					   NULL, &ob, &g->ret_flags, NULL);
	}
	if (GSS_ERROR(maj)) {
		gss_release_buffer(&min, &ob);
		return -rpc_s_access_denied;
	}
	ret = ob.length ? __ndr_buf_put(out, ob.value, ob.length) : 0;
	gss_release_buffer(&min, &ob);
	if (ret)
		return ret == -ENOMEM ? -rpc_s_out_of_memory :
					-rpc_s_buffer_too_small;
	if (maj & GSS_S_CONTINUE_NEEDED)
		return 0;
	return established(g);
}

static size_t gp_sig_size(const struct rpc_auth_ctx *ctx)
{
	const struct gp_ctx *g = (const struct gp_ctx *)ctx;

	if (!g->established || g->level < RPC_AUTH_LEVEL_CALL)
		return 0;
	return g->level == RPC_AUTH_LEVEL_PKT_PRIVACY ? g->wrap_size :
							g->mic_size;
}

/* @r->body must lie inside @r->whole when the header is signed. */
static bool region_ok(const struct rpc_auth_region *r)
{
	if (!r->header_signing)
		return r->body || !r->body_len;
	return r->whole && r->body >= r->whole &&
	       r->body_len <= r->whole_len &&
	       (size_t)(r->body - r->whole) <= r->whole_len - r->body_len;
}

static void signed_part(const struct rpc_auth_region *r, gss_buffer_t b)
{
	b->value = r->header_signing ? r->whole : r->body;
	b->length = r->header_signing ? r->whole_len : r->body_len;
}

static int gp_sign(struct rpc_auth_ctx *ctx, const struct rpc_auth_region *r,
		    uint8_t *sig)
{
	struct gp_ctx *g = to_gp(ctx);
	gss_buffer_desc msg, tok = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min;
	int ret = 0;

	if (!g->established)
		return -rpc_s_protocol_error;
	if (!region_ok(r))
		return -rpc_s_invalid_arg;
	signed_part(r, &msg);
	maj = gss_get_mic(&min, g->ctx, GSS_C_QOP_DEFAULT, &msg, &tok);
	if (GSS_ERROR(maj))
		return -rpc_s_access_denied;
	/* sig_size() promised this many octets to the engine */
	if (tok.length != g->mic_size)
		ret = -rpc_s_internal_error;
	else
		memcpy(sig, tok.value, tok.length);
	gss_release_buffer(&min, &tok);
	return ret;
}

static int gp_verify(struct rpc_auth_ctx *ctx, const struct rpc_auth_region *r,
		      const uint8_t *sig, size_t len)
{
	struct gp_ctx *g = to_gp(ctx);
	gss_buffer_desc msg, tok = { len, (void *)sig };
	OM_uint32 maj, min;

	if (!g->established)
		return -rpc_s_protocol_error;
	if (!region_ok(r))
		return -rpc_s_invalid_arg;
	if (!len || len > GSS_SIG_MAX)
		return -rpc_s_access_denied;
	signed_part(r, &msg);
	maj = gss_verify_mic(&min, g->ctx, &msg, &tok, NULL);
	/* not GSS_ERROR(): duplicate, old, unseq and gap are failures too */
	return maj == GSS_S_COMPLETE ? 0 : -rpc_s_access_denied;
}

/* HEADER, SIGN_ONLY (before the body), DATA, SIGN_ONLY (after it). */
static void wrap_layout(const struct rpc_auth_region *r, uint8_t *hdr,
			size_t hdr_len, gss_iov_buffer_desc iov[4])
{
	size_t pre = 0, post = 0;

	if (r->header_signing) {
		pre = (size_t)(r->body - r->whole);
		post = r->whole_len - pre - r->body_len;
	}
	iov[0].type = GSS_IOV_BUFFER_TYPE_HEADER;
	iov[0].buffer.value = hdr;
	iov[0].buffer.length = hdr_len;
	iov[1].type = pre ? GSS_IOV_BUFFER_TYPE_SIGN_ONLY :
			    GSS_IOV_BUFFER_TYPE_EMPTY;
	iov[1].buffer.value = pre ? r->whole : NULL;
	iov[1].buffer.length = pre;
	iov[2].type = GSS_IOV_BUFFER_TYPE_DATA;
	iov[2].buffer.value = r->body;
	iov[2].buffer.length = r->body_len;
	iov[3].type = post ? GSS_IOV_BUFFER_TYPE_SIGN_ONLY :
			     GSS_IOV_BUFFER_TYPE_EMPTY;
	iov[3].buffer.value = post ? r->body + r->body_len : NULL;
	iov[3].buffer.length = post;
}

static int gp_seal(struct rpc_auth_ctx *ctx, const struct rpc_auth_region *r,
		    uint8_t *sig)
{
	struct gp_ctx *g = to_gp(ctx);
	gss_iov_buffer_desc iov[4];
	OM_uint32 maj, min;
	int conf = 0;

	if (!g->established || g->level != RPC_AUTH_LEVEL_PKT_PRIVACY)
		return -rpc_s_protocol_error;
	if (!region_ok(r))
		return -rpc_s_invalid_arg;
	wrap_layout(r, sig, g->wrap_size, iov);
	maj = gss_wrap_iov(&min, g->ctx, 1, GSS_C_QOP_DEFAULT, &conf, iov, 4);
	if (GSS_ERROR(maj) || !conf)
		return -rpc_s_access_denied;
	/* the engine reserved sig_size() octets; the header must fill them */
	if (iov[0].buffer.length != g->wrap_size)
		return -rpc_s_internal_error;
	return 0;
}

static int gp_unseal(struct rpc_auth_ctx *ctx, const struct rpc_auth_region *r,
		      const uint8_t *sig, size_t len)
{
	struct gp_ctx *g = to_gp(ctx);
	gss_iov_buffer_desc iov[4];
	uint8_t hdr[GSS_SIG_MAX];
	OM_uint32 maj, min;
	int conf = 0;

	if (!g->established || g->level != RPC_AUTH_LEVEL_PKT_PRIVACY)
		return -rpc_s_protocol_error;
	if (!region_ok(r))
		return -rpc_s_invalid_arg;
	if (!len || len > sizeof(hdr))
		return -rpc_s_access_denied;
	/* unwrapping decrypts the header's copy in place: work on ours */
	memcpy(hdr, sig, len);
	wrap_layout(r, hdr, len, iov);
	maj = gss_unwrap_iov(&min, g->ctx, &conf, NULL, iov, 4);
	/* sealed only: a signed-but-clear token is no privacy */
	return maj == GSS_S_COMPLETE && conf ? 0 : -rpc_s_access_denied;
}

static int gp_peer_name(const struct rpc_auth_ctx *ctx, char **name)
{
	const struct gp_ctx *g = (const struct gp_ctx *)ctx;
	gss_buffer_desc b = GSS_C_EMPTY_BUFFER;
	gss_name_t n = g->server ? g->peer : g->target;
	OM_uint32 maj, min;

	*name = NULL;
	if (!g->established)
		return -rpc_s_binding_has_no_auth;
	/* the client's target as the KDC named it (host@h -> host/h@R) */
	if (!g->server) {
		maj = gss_inquire_context(&min, g->ctx, NULL, &n, NULL, NULL,
					  NULL, NULL, NULL);
		if (GSS_ERROR(maj))
			return -rpc_s_access_denied;
	}
	maj = gss_display_name(&min, n, &b, NULL);
	if (!g->server)
		gss_release_name(&min, &n);
	if (GSS_ERROR(maj))
		return -rpc_s_access_denied;
	*name = strndup(b.value, b.length);
	gss_release_buffer(&min, &b);
	return *name ? 0 : -rpc_s_out_of_memory;
}

const struct rpc_auth_provider __rpc_auth_gss_krb5 = {
	.auth_type = RPC_AUTHN_GSS_KERBEROS,
	.name = "kerberos",
	.new_ctx = krb5_new_ctx,
	.step = gp_step,
	.sig_size = gp_sig_size,
	.sign = gp_sign,
	.verify = gp_verify,
	.seal = gp_seal,
	.unseal = gp_unseal,
	.peer_name = gp_peer_name,
	.free_ctx = gp_free_ctx,
};

const struct rpc_auth_provider __rpc_auth_gss_spnego = {
	.auth_type = RPC_AUTHN_GSS_NEGOTIATE,
	.name = "negotiate",
	.new_ctx = spnego_new_ctx,
	.step = gp_step,
	.sig_size = gp_sig_size,
	.sign = gp_sign,
	.verify = gp_verify,
	.seal = gp_seal,
	.unseal = gp_unseal,
	.peer_name = gp_peer_name,
	.free_ctx = gp_free_ctx,
};
