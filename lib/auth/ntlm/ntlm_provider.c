// SPDX-License-Identifier: MIT
/*
 * The NTLMSSP provider (RPC_C_AUTHN_WINNT, 10).  The exchange --
 * NEGOTIATE, CHALLENGE, AUTHENTICATE, NTLMv2 -- is gss-ntlmssp's, driven
 * through MIT's GSSAPI with the NTLMSSP mechanism OID; the per-message
 * protection is ntlm_sign.c's, from the exported session key and the
 * AUTHENTICATE message's flags, because DCE/RPC signs the whole PDU but
 * seals only its stub data ([MS-RPCE] 3.3.1.5.2.2), which gss_wrap()
 * cannot express.
 *
 * Credentials.  Client: id->user/domain/password through
 * gss_acquire_cred_with_password(); id->user alone is looked up in
 * NTLM_USER_FILE; no user takes gss-ntlmssp's default (the first entry of
 * NTLM_USER_FILE, else winbind).  Server: gss-ntlmssp checks the client's
 * NTLMv2 response against the password or NT hash of that user in
 * NTLM_USER_FILE ("DOMAIN:user:password" lines, or smbpasswd lines), or
 * through winbind when gss-ntlmssp was built with it and winbindd runs.
 * A wrong password or an unknown user fails the server's last leg with
 * -rpc_s_access_denied.
 *
 * Levels.  connect: the exchange only, no signature (sig_size() 0; a
 * verifier received anyway is ignored).
 * call and packet: protected like integrity (Windows turns call into
 * packet on ncacn_*; Samba signs packet-level PDUs as at integrity, and
 * so does this provider).  integrity: a
 * 16-octet signature over region->whole.  privacy: region->body sealed
 * in place, the signature over the whole plaintext PDU.  Both sides need
 * the matching flag (SIGN, SEAL) in the AUTHENTICATE message.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gssapi/gssapi.h>
#include <gssapi/gssapi_ext.h>
#include <gssapi/gssapi_ntlmssp.h>
#include <lrpc/ndr.h>
#include <lrpc/status.h>
#include "auth/provider.h"
#include "auth/ntlm/ntlm.h"
#include "auth/ntlm/ntlm_sign.h"
#include "ndr/buf.h"

static gss_OID_desc ntlm_oid = {
	GSS_NTLMSSP_OID_LENGTH, (void *)GSS_NTLMSSP_OID_STRING
};
static gss_OID_set_desc ntlm_mechs = { 1, &ntlm_oid };

enum ntlm_stage { NTLM_START, NTLM_MORE, NTLM_DONE, NTLM_FAILED };

struct rpc_auth_ctx {
	bool server;
	enum rpc_auth_level level;	/* connect, integrity or privacy */
	enum ntlm_stage stage;
	gss_cred_id_t cred;
	gss_name_t target;		/* client: the server's name */
	bool named;			/* ... as the caller gave it */
	gss_ctx_id_t gss;
	uint32_t flags;			/* the AUTHENTICATE message's */
	struct ntlm_msg msg;		/* at integrity and privacy */
	char *peer;
};

/* The level the context protects at, or 0 when the provider cannot. */
static enum rpc_auth_level effective(enum rpc_auth_level level)
{
	switch (level) {
	case RPC_AUTH_LEVEL_DEFAULT:	/* Windows' default for WINNT */
	case RPC_AUTH_LEVEL_CONNECT:
		return RPC_AUTH_LEVEL_CONNECT;
	case RPC_AUTH_LEVEL_CALL:
	case RPC_AUTH_LEVEL_PKT:
	case RPC_AUTH_LEVEL_PKT_INTEGRITY:
		return RPC_AUTH_LEVEL_PKT_INTEGRITY;
	case RPC_AUTH_LEVEL_PKT_PRIVACY:
		return RPC_AUTH_LEVEL_PKT_PRIVACY;
	default:
		return 0;
	}
}

static int import(const char *s, gss_OID type, gss_name_t *out)
{
	gss_buffer_desc b = { strlen(s), (void *)s };
	OM_uint32 min;

	if (GSS_ERROR(gss_import_name(&min, &b, type, out))) {
		*out = GSS_C_NO_NAME;
		return -rpc_s_invalid_arg;
	}
	return 0;
}

/*
 * gss-ntlmssp takes the target as a host-based service, "service@host";
 * a Kerberos-style "service/host@REALM" is turned into that form.
 */
static int import_target(const char *principal, gss_name_t *out)
{
	const char *slash = strchr(principal, '/');
	char *s;
	int ret;

	if (!slash)
		return import(principal, GSS_C_NT_HOSTBASED_SERVICE, out);
	if (asprintf(&s, "%.*s@%.*s", (int)(slash - principal), principal,
		     (int)strcspn(slash + 1, "@"), slash + 1) < 0)
		return -rpc_s_out_of_memory;
	ret = import(s, GSS_C_NT_HOSTBASED_SERVICE, out);
	free(s);
	return ret;
}

static int client_cred(struct rpc_auth_ctx *c,
		       const struct rpc_auth_identity *id)
{
	gss_name_t name = GSS_C_NO_NAME;
	OM_uint32 maj, min;
	int ret;

	if (id && id->user) {
		char *user;

		/* gss-ntlmssp splits "DOMAIN\user" (and "user@domain") */
		if (id->domain && *id->domain)
			ret = asprintf(&user, "%s\\%s", id->domain, id->user);
		else
			ret = asprintf(&user, "%s", id->user);
		if (ret < 0)
			return -rpc_s_out_of_memory;
		ret = import(user, GSS_C_NT_USER_NAME, &name);
		free(user);
		if (ret)
			return ret;
	}
	if (name != GSS_C_NO_NAME && id->password) {
		gss_buffer_desc pw = { strlen(id->password),
				       (void *)id->password };

		maj = gss_acquire_cred_with_password(&min, name, &pw,
						     GSS_C_INDEFINITE,
						     &ntlm_mechs, GSS_C_INITIATE,
						     &c->cred, NULL, NULL);
	} else {
		maj = gss_acquire_cred(&min, name, GSS_C_INDEFINITE,
				       &ntlm_mechs, GSS_C_INITIATE, &c->cred,
				       NULL, NULL);
	}
	gss_release_name(&min, &name);
	/* no such user in NTLM_USER_FILE, or no file: nothing to prove */
	return GSS_ERROR(maj) ? -rpc_s_access_denied : 0;
}

static void ntlm_free_ctx(struct rpc_auth_ctx *c)
{
	OM_uint32 min;

	if (!c)
		return;
	if (c->gss != GSS_C_NO_CONTEXT)
		gss_delete_sec_context(&min, &c->gss, GSS_C_NO_BUFFER);
	if (c->cred != GSS_C_NO_CREDENTIAL)
		gss_release_cred(&min, &c->cred);
	if (c->target != GSS_C_NO_NAME)
		gss_release_name(&min, &c->target);
	__rpc_ntlm_msg_free(&c->msg);
	free(c->peer);
	free(c);
}

static int ntlm_new_ctx(bool server, enum rpc_auth_level level,
			const struct rpc_auth_identity *id,
			struct rpc_auth_ctx **out)
{
	struct rpc_auth_ctx *c;
	OM_uint32 maj, min;
	int ret = 0;

	*out = NULL;
	if (!effective(level))
		return -rpc_s_unsupported_authn_level;
	c = calloc(1, sizeof(*c));
	if (!c)
		return -rpc_s_out_of_memory;
	c->server = server;
	c->level = effective(level);
	c->gss = GSS_C_NO_CONTEXT;
	c->cred = GSS_C_NO_CREDENTIAL;
	c->target = GSS_C_NO_NAME;
	if (server) {
		/*
		 * No name: gss-ntlmssp then accepts whatever target the
		 * client named (a named credential refuses other targets).
		 */
		maj = gss_acquire_cred(&min, GSS_C_NO_NAME, GSS_C_INDEFINITE,
				       &ntlm_mechs, GSS_C_ACCEPT, &c->cred,
				       NULL, NULL);
		if (GSS_ERROR(maj))
			ret = -rpc_s_access_denied;
	} else {
		ret = client_cred(c, id);
		/*
		 * MIT's mechglue wants a target name; gss-ntlmssp completes
		 * a bare service with this host's name.
		 */
		c->named = id && id->principal;
		if (!ret)
			ret = c->named ? import_target(id->principal, &c->target) :
			      import("host", GSS_C_NT_HOSTBASED_SERVICE,
				     &c->target);
	}
	if (ret) {
		ntlm_free_ctx(c);
		return ret;
	}
	*out = c;
	return 0;
}

static int put_token(struct ndr_buf *out, gss_buffer_t tok)
{
	OM_uint32 min;
	int ret = 0;

	if (tok->length && __ndr_buf_put(out, tok->value, tok->length))
		ret = -rpc_s_out_of_memory;
	gss_release_buffer(&min, tok);
	return ret;
}

/* "DOMAIN\user" of a gss name, malloc'd. */
static int display(gss_name_t name, char **out)
{
	gss_buffer_desc b = GSS_C_EMPTY_BUFFER;
	OM_uint32 min;

	if (GSS_ERROR(gss_display_name(&min, name, &b, NULL)))
		return -rpc_s_internal_error;
	/* gss-ntlmssp counts the terminating NUL in the length */
	*out = strndup(b.value, b.length);
	gss_release_buffer(&min, &b);
	return *out ? 0 : -rpc_s_out_of_memory;
}

/*
 * The exchange is complete: the AUTHENTICATE message's flags must carry
 * what the level needs, then the per-message state is built.
 */
static int established(struct rpc_auth_ctx *c, const uint8_t *auth,
		       size_t auth_len)
{
	gss_name_t src = GSS_C_NO_NAME;
	OM_uint32 maj, min;
	int ret;

	ret = __rpc_ntlm_auth_flags(auth, auth_len, &c->flags);
	if (ret)
		return ret;
	if (c->server) {
		maj = gss_inquire_context(&min, c->gss, &src, NULL, NULL,
					  NULL, NULL, NULL, NULL);
		if (GSS_ERROR(maj))
			return -rpc_s_internal_error;
		ret = display(src, &c->peer);
		gss_release_name(&min, &src);
		if (ret)
			return ret;
	}
	if (c->level == RPC_AUTH_LEVEL_CONNECT)
		return 0;
	if (!(c->flags & NTLM_NEG_SIGN) ||
	    (c->level == RPC_AUTH_LEVEL_PKT_PRIVACY &&
	     !(c->flags & NTLM_NEG_SEAL)))
		return -rpc_s_unsupported_authn_level;
	return __rpc_ntlm_msg_init(&c->msg, c->gss, c->flags, 0, c->server);
}

static OM_uint32 req_flags(const struct rpc_auth_ctx *c)
{
	OM_uint32 f = 0;

	if (c->level >= RPC_AUTH_LEVEL_PKT_INTEGRITY)
		f |= GSS_C_INTEG_FLAG | GSS_C_REPLAY_FLAG |
		     GSS_C_SEQUENCE_FLAG;
	if (c->level == RPC_AUTH_LEVEL_PKT_PRIVACY)
		f |= GSS_C_CONF_FLAG;
	return f;
}

/*
 * gss-ntlmssp 1.2.0 (Debian 12) writes through a NULL pointer when a
 * CHALLENGE says UNICODE and a target type but carries an empty
 * TargetName (fixed upstream in 1.3.0, a060d02 "Fix potential crash when
 * no target name is present"); found by tests/auth/fuzz.  A server that
 * sends one is refused here, before the library sees it.  Windows and
 * Samba always name the target when they set a target type.
 */
static bool challenge_safe(const uint8_t *tok, size_t len)
{
	uint32_t flags;

	/* Signature, MessageType, TargetNameFields (len, max, offset),
	 * NegotiateFlags; shorter tokens gss-ntlmssp refuses itself */
	if (len < 24 || memcmp(tok, "NTLMSSP", 8) || tok[8] != 2)
		return true;
	flags = tok[20] | tok[21] << 8 | tok[22] << 16 |
		(uint32_t)tok[23] << 24;
	if (!(flags & 0x00000001) || !(flags & 0x00030000))
		return true;		/* not UNICODE, no target type */
	return tok[12] || tok[13];	/* TargetNameLen */
}

static int client_step(struct rpc_auth_ctx *c, const struct rpc_auth_token *in,
		       struct ndr_buf *out)
{
	gss_buffer_desc ib = GSS_C_EMPTY_BUFFER, ob = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min;
	int ret;

	if ((c->stage == NTLM_START) != !(in && in->len))
		return -rpc_s_protocol_error;
	if (in && !challenge_safe(in->data, in->len))
		return -rpc_s_protocol_error;
	if (in) {
		ib.value = (void *)in->data;
		ib.length = in->len;
	}
	maj = gss_init_sec_context(&min, c->cred, &c->gss, c->target,
				   &ntlm_oid, req_flags(c), GSS_C_INDEFINITE,
				   GSS_C_NO_CHANNEL_BINDINGS, &ib, NULL, &ob,
				   NULL, NULL);
	if (GSS_ERROR(maj)) {
		gss_release_buffer(&min, &ob);
		return GSS_ROUTINE_ERROR(maj) == GSS_S_DEFECTIVE_TOKEN ?
			-rpc_s_protocol_error : -rpc_s_access_denied;
	}
	if (c->stage == NTLM_START) {
		if (!(maj & GSS_S_CONTINUE_NEEDED)) {
			gss_release_buffer(&min, &ob);
			return -rpc_s_protocol_error;
		}
		c->stage = NTLM_MORE;
		ret = put_token(out, &ob);
		return ret ? ret : 0;
	}
	/* NTLM has three legs: the client's second is its last */
	if (maj & GSS_S_CONTINUE_NEEDED)
		ret = -rpc_s_protocol_error;
	else
		ret = established(c, ob.value, ob.length);
	if (!ret)
		ret = put_token(out, &ob);
	else
		gss_release_buffer(&min, &ob);
	return ret ? ret : 1;
}

static int server_step(struct rpc_auth_ctx *c, const struct rpc_auth_token *in,
		       struct ndr_buf *out)
{
	gss_buffer_desc ib = GSS_C_EMPTY_BUFFER, ob = GSS_C_EMPTY_BUFFER;
	OM_uint32 maj, min;
	uint8_t neg[40];
	uint32_t flags;
	int ret;

	if (!in || !in->len)
		return -rpc_s_protocol_error;
	/* a token that is no AUTHENTICATE message is malformed, not a
	 * failed logon */
	if (c->stage == NTLM_MORE &&
	    __rpc_ntlm_auth_flags(in->data, in->len, &flags))
		return -rpc_s_protocol_error;
	ib.value = (void *)in->data;
	ib.length = in->len;
	/*
	 * A NEGOTIATE without the Version field (32 octets: impacket,
	 * older clients) is valid -- the field only means something under
	 * NEGOTIATE_VERSION -- but gss-ntlmssp 1.2.0 wants its 40-octet
	 * structure; zeros stand for the absent field.
	 */
	if (c->stage == NTLM_START && in->len >= 32 && in->len < 40 &&
	    !memcmp(in->data, "NTLMSSP\0\1\0\0\0", 12)) {
		memcpy(neg, in->data, in->len);
		memset(neg + in->len, 0, sizeof(neg) - in->len);
		ib.value = neg;
		ib.length = sizeof(neg);
	}
	maj = gss_accept_sec_context(&min, &c->gss, c->cred, &ib,
				     GSS_C_NO_CHANNEL_BINDINGS, NULL, NULL,
				     &ob, NULL, NULL, NULL);
	if (GSS_ERROR(maj)) {
		gss_release_buffer(&min, &ob);
		if (c->stage == NTLM_START)
			return -rpc_s_protocol_error;
		/* wrong password, unknown user, expired response */
		return -rpc_s_access_denied;
	}
	if (c->stage == NTLM_START) {
		if (!(maj & GSS_S_CONTINUE_NEEDED)) {
			gss_release_buffer(&min, &ob);
			return -rpc_s_protocol_error;
		}
		c->stage = NTLM_MORE;
		ret = put_token(out, &ob);
		return ret ? ret : 0;
	}
	if (maj & GSS_S_CONTINUE_NEEDED)
		ret = -rpc_s_protocol_error;
	else
		ret = established(c, in->data, in->len);
	if (!ret)
		ret = put_token(out, &ob);	/* none from gss-ntlmssp */
	else
		gss_release_buffer(&min, &ob);
	return ret ? ret : 1;
}

static int ntlm_step(struct rpc_auth_ctx *c, const struct rpc_auth_token *in,
		     struct ndr_buf *out)
{
	int ret;

	if (c->stage == NTLM_DONE || c->stage == NTLM_FAILED)
		return -rpc_s_protocol_error;
	ret = c->server ? server_step(c, in, out) : client_step(c, in, out);
	if (ret < 0)
		c->stage = NTLM_FAILED;
	else if (ret == 1)
		c->stage = NTLM_DONE;
	return ret;
}

static size_t ntlm_sig_size(const struct rpc_auth_ctx *c)
{
	return c->level == RPC_AUTH_LEVEL_CONNECT ? 0 : NTLM_SIG_SIZE;
}

/* 1: protect; 0: connect level, nothing to do; < 0: not established */
static int protecting(const struct rpc_auth_ctx *c)
{
	if (c->stage != NTLM_DONE)
		return -rpc_s_binding_has_no_auth;
	return c->level != RPC_AUTH_LEVEL_CONNECT;
}

static int ntlm_sign(struct rpc_auth_ctx *c, const struct rpc_auth_region *r,
		     uint8_t *sig)
{
	int ret = protecting(c);

	if (ret <= 0)
		return ret;
	return __rpc_ntlm_sign(&c->msg, r->whole, r->whole_len, sig);
}

static int ntlm_verify(struct rpc_auth_ctx *c, const struct rpc_auth_region *r,
		       const uint8_t *sig, size_t len)
{
	int ret = protecting(c);

	/*
	 * At connect level there is nothing to check: a verifier a peer
	 * sends anyway is ignored, as Samba's dcerpc code ignores it.
	 */
	if (ret <= 0)
		return ret;
	return __rpc_ntlm_verify(&c->msg, r->whole, r->whole_len, sig, len);
}

static int ntlm_seal(struct rpc_auth_ctx *c, const struct rpc_auth_region *r,
		     uint8_t *sig)
{
	int ret = protecting(c);

	if (ret < 0)
		return ret;
	if (c->level != RPC_AUTH_LEVEL_PKT_PRIVACY)
		return -rpc_s_unsupported_authn_level;
	return __rpc_ntlm_seal(&c->msg, r->whole, r->whole_len, r->body,
			       r->body_len, sig);
}

static int ntlm_unseal(struct rpc_auth_ctx *c, const struct rpc_auth_region *r,
		       const uint8_t *sig, size_t len)
{
	int ret = protecting(c);

	if (ret < 0)
		return ret;
	if (c->level != RPC_AUTH_LEVEL_PKT_PRIVACY)
		return -rpc_s_unsupported_authn_level;
	return __rpc_ntlm_unseal(&c->msg, r->whole, r->whole_len, r->body,
				 r->body_len, sig, len);
}

/*
 * Server: the client's "DOMAIN\user".  Client: NTLM proves nothing of
 * the server's name beyond knowing the user's secret, so only the
 * target the client named, if any.
 */
static int ntlm_peer_name(const struct rpc_auth_ctx *c, char **name)
{
	*name = NULL;
	if (c->stage != NTLM_DONE)
		return -rpc_s_binding_has_no_auth;
	if (c->server) {
		*name = strdup(c->peer);
		return *name ? 0 : -rpc_s_out_of_memory;
	}
	if (!c->named)
		return -rpc_s_binding_has_no_auth;
	return display(c->target, name);
}

const struct rpc_auth_provider __rpc_auth_ntlm = {
	.auth_type = RPC_AUTHN_WINNT,
	.name = "ntlm",
	.new_ctx = ntlm_new_ctx,
	.step = ntlm_step,
	.sig_size = ntlm_sig_size,
	.sign = ntlm_sign,
	.verify = ntlm_verify,
	.seal = ntlm_seal,
	.unseal = ntlm_unseal,
	.peer_name = ntlm_peer_name,
	.free_ctx = ntlm_free_ctx,
};
