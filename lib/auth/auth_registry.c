// SPDX-License-Identifier: MIT
/*
 * The providers this build has, by auth_type.  A provider that needs a
 * library (GSSAPI) adds itself here; the engines only ever call
 * __rpc_auth_find().
 */
#include "auth/provider.h"
#include "auth/gss/gss_provider.h"
#include "auth/ntlm/ntlm.h"
#include "runtime/server_int.h"

static const struct rpc_auth_provider *const providers[] = {
	&__rpc_auth_none,
	&__rpc_auth_ntlm,
	&__rpc_auth_gss_krb5,
	&__rpc_auth_gss_spnego,
};

const struct rpc_auth_provider *__rpc_auth_find(uint8_t auth_type)
{
	for (size_t i = 0; i < sizeof(providers) / sizeof(providers[0]); i++)
		if (providers[i]->auth_type == auth_type)
			return providers[i];
	return NULL;
}

bool __rpc_authn_supported(unsigned int authn_svc)
{
	return authn_svc != RPC_AUTHN_NONE && authn_svc <= 0xff &&
	       __rpc_auth_find((uint8_t)authn_svc);
}

unsigned int __rpc_auth_pad(uint8_t ptype, size_t len)
{
	/* request 0, response 2, fault 3 carry stub data */
	unsigned int align = ptype == 0 || ptype == 2 || ptype == 3 ? 16 : 4;

	return (unsigned int)((align - len % align) % align);
}
