/* SPDX-License-Identifier: MIT */
/* The NTLMSSP provider (RPC_C_AUTHN_WINNT), for the registry. */
#ifndef LRPC_AUTH_NTLM_H
#define LRPC_AUTH_NTLM_H

#include "auth/provider.h"

extern const struct rpc_auth_provider __rpc_auth_ntlm;

#endif
