// SPDX-License-Identifier: MIT
/*
 * The "none" provider (RPC_C_AUTHN_NONE): every context is established
 * at once, carries no token and no signature.  Connections without a
 * sec_trailer use it, so an engine has no unauthenticated special case.
 */
#include <errno.h>
#include <lrpc/status.h>
#include "auth/provider.h"

/* No state: one static object stands for every context. */
static struct none_ctx {
	char unused;
} none_ctx;

static int none_new_ctx(bool server, enum rpc_auth_level level,
			const struct rpc_auth_identity *id,
			struct rpc_auth_ctx **out)
{
	(void)server;
	(void)id;
	if (level > RPC_AUTH_LEVEL_NONE)
		return -rpc_s_unsupported_authn_level;
	*out = (struct rpc_auth_ctx *)&none_ctx;
	return 0;
}

static int none_step(struct rpc_auth_ctx *ctx, const struct rpc_auth_token *in,
		     struct ndr_buf *out)
{
	(void)ctx;
	(void)out;
	return in && in->len ? -rpc_s_protocol_error : 1;
}

static size_t none_sig_size(const struct rpc_auth_ctx *ctx)
{
	(void)ctx;
	return 0;
}

static int none_sign(struct rpc_auth_ctx *ctx, const struct rpc_auth_region *r,
		     uint8_t *sig)
{
	(void)ctx;
	(void)r;
	(void)sig;
	return 0;
}

static int none_verify(struct rpc_auth_ctx *ctx, const struct rpc_auth_region *r,
		       const uint8_t *sig, size_t len)
{
	(void)ctx;
	(void)r;
	(void)sig;
	return len ? -rpc_s_protocol_error : 0;
}

static int none_peer_name(const struct rpc_auth_ctx *ctx, char **name)
{
	(void)ctx;
	*name = NULL;
	return -rpc_s_binding_has_no_auth;
}

static void none_free_ctx(struct rpc_auth_ctx *ctx)
{
	(void)ctx;
}

const struct rpc_auth_provider __rpc_auth_none = {
	.auth_type = RPC_AUTHN_NONE,
	.name = "none",
	.new_ctx = none_new_ctx,
	.step = none_step,
	.sig_size = none_sig_size,
	.sign = none_sign,
	.verify = none_verify,
	.seal = none_sign,
	.unseal = none_verify,
	.peer_name = none_peer_name,
	.free_ctx = none_free_ctx,
};
