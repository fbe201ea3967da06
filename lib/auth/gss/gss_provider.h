/* SPDX-License-Identifier: MIT */
/*
 * The GSSAPI providers (MIT Kerberos): RPC_C_AUTHN_GSS_KERBEROS (16) and
 * RPC_C_AUTHN_GSS_NEGOTIATE (9, SPNEGO limited to Kerberos).  See
 * gss_provider.c for what an engine may expect of them.
 */
#ifndef LRPC_AUTH_GSS_PROVIDER_H
#define LRPC_AUTH_GSS_PROVIDER_H

#include "auth/provider.h"

extern const struct rpc_auth_provider __rpc_auth_gss_krb5;
extern const struct rpc_auth_provider __rpc_auth_gss_spnego;

#endif /* LRPC_AUTH_GSS_PROVIDER_H */
