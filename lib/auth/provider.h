/* SPDX-License-Identifier: MIT */
/*
 * The security-provider seam: what a protocol engine asks of a provider
 * ([C706] 13.2, [MS-RPCE] 2.2.2.11 and 3.3.1.5.2).  The engine owns the
 * PDUs -- the sec_trailer, its padding, auth_len, which legs exist (bind,
 * bind_ack, auth3, alter_context) -- and hands a provider only tokens and
 * the octets to sign or seal, so one provider serves the connection-
 * oriented, local and datagram engines alike.
 *
 *   client                                    server
 *   new_ctx(false)                            new_ctx(true) on a bind
 *   step(NULL)      -> token in bind    ->    step(token) -> token in bind_ack
 *   step(token)     -> token in auth3 / alter_context, until step() says 1
 *   per fragment: sign()/seal() before sending, verify()/unseal() after
 *   receiving, with the region the level covers.
 *
 * Providers are found by the auth_type octet of the sec_trailer
 * (RPC_C_AUTHN_*).  A connection without a trailer uses the "none"
 * provider at level none: the engines take one path whatever the level.
 */
#ifndef LRPC_AUTH_PROVIDER_H
#define LRPC_AUTH_PROVIDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct ndr_buf;

/* auth_type octets ([MS-RPCE] 2.2.1.1.7) */
enum {
	RPC_AUTHN_NONE = 0,
	RPC_AUTHN_GSS_NEGOTIATE = 9,
	RPC_AUTHN_WINNT = 10,
	RPC_AUTHN_GSS_KERBEROS = 16,
	RPC_AUTHN_DEFAULT = 0xff,
};

/* auth_level octets ([MS-RPCE] 2.2.1.1.8) */
enum rpc_auth_level {
	RPC_AUTH_LEVEL_DEFAULT = 0,
	RPC_AUTH_LEVEL_NONE = 1,
	RPC_AUTH_LEVEL_CONNECT = 2,
	RPC_AUTH_LEVEL_CALL = 3,
	RPC_AUTH_LEVEL_PKT = 4,
	RPC_AUTH_LEVEL_PKT_INTEGRITY = 5,
	RPC_AUTH_LEVEL_PKT_PRIVACY = 6,
};

struct rpc_auth_token {
	const uint8_t *data;
	size_t len;
};

/*
 * One protected fragment.  @whole is the PDU from its first octet up to
 * the signature (header, body, padding and the 8-octet sec_trailer);
 * @body, inside it, is the stub data and its padding: the part sealed at
 * privacy level.  @header_signing says the peers negotiated
 * PFC_SUPPORT_HEADER_SIGN; each provider decides what its signature
 * covers from it ([MS-RPCE] 2.2.2.11, 3.3.1.5.2.2: NTLM signs the whole
 * PDU either way, Kerberos only when header signing was negotiated).
 */
struct rpc_auth_region {
	uint8_t *whole;
	size_t whole_len;
	uint8_t *body;
	size_t body_len;
	bool header_signing;
};

/*
 * Who a context acts as.  Client: @principal names the server (the
 * target; NULL lets the provider choose), @user/@domain/@password are
 * explicit credentials (NULL: the default ones -- the credential cache,
 * NTLM_USER_FILE).  Server: @principal is its own name (NULL: any key
 * in the keytab), @keytab the key file (NULL: the default keytab).
 */
struct rpc_auth_identity {
	const char *principal;
	const char *user;
	const char *domain;
	const char *password;
	const char *keytab;
};

struct rpc_auth_ctx;		/* the provider's own */

struct rpc_auth_provider {
	uint8_t auth_type;
	const char *name;
	/*
	 * A context for one side of one exchange; @id may be NULL (default
	 * credentials).  -rpc_s_unsupported_authn_level when the provider
	 * cannot protect at @level.
	 */
	int (*new_ctx)(bool server, enum rpc_auth_level level,
		       const struct rpc_auth_identity *id,
		       struct rpc_auth_ctx **out);
	/*
	 * One leg: @in is the peer's token (NULL for a client's first leg);
	 * what to send is appended to @out (nothing: no token this leg).
	 * 1 when the context is established, 0 when more legs follow,
	 * -rpc_s_* when the exchange failed.
	 */
	int (*step)(struct rpc_auth_ctx *ctx, const struct rpc_auth_token *in,
		    struct ndr_buf *out);
	/* Octets of the signature each protected fragment carries. */
	size_t (*sig_size)(const struct rpc_auth_ctx *ctx);
	/* Integrity: write sig_size() octets of signature to @sig. */
	int (*sign)(struct rpc_auth_ctx *ctx, const struct rpc_auth_region *r,
		    uint8_t *sig);
	int (*verify)(struct rpc_auth_ctx *ctx, const struct rpc_auth_region *r,
		      const uint8_t *sig, size_t len);
	/* Privacy: encrypt r->body in place and sign. */
	int (*seal)(struct rpc_auth_ctx *ctx, const struct rpc_auth_region *r,
		    uint8_t *sig);
	int (*unseal)(struct rpc_auth_ctx *ctx, const struct rpc_auth_region *r,
		      const uint8_t *sig, size_t len);
	/* The authenticated peer's name (either side), malloc'd. */
	int (*peer_name)(const struct rpc_auth_ctx *ctx, char **name);
	void (*free_ctx)(struct rpc_auth_ctx *ctx);
};

/* The provider for @auth_type, or NULL when this build has none. */
const struct rpc_auth_provider *__rpc_auth_find(uint8_t auth_type);

/*
 * The sec_trailer padding: request, response and fault stub data of
 * @len octets pads to a multiple of 16 (as Windows, Samba and impacket
 * pad it); in other PDUs, @len octets from the start of the PDU pad to
 * 4, the alignment [C706] and [MS-RPCE] 2.2.2.11 require of the trailer.
 */
unsigned int __rpc_auth_pad(uint8_t ptype, size_t len);

extern const struct rpc_auth_provider __rpc_auth_none;

#endif /* LRPC_AUTH_PROVIDER_H */
