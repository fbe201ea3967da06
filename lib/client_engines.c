// SPDX-License-Identifier: MIT
/*
 * What the runtime is wired to, in one place above runtime/, engine/ and
 * epm/: the client engines a binding handle chooses from (runtime/engine.h)
 * and the endpoint mapper that resolves partial bindings
 * (runtime/resolver.h).  runtime/ names none of them.
 */
#include <lrpc/epm.h>
#include "engine/co/co_client.h"
#include "engine/lpc/lpc_int.h"
#include "runtime/engine.h"
#include "runtime/resolver.h"

/* The kernel path first; the connection-oriented engine takes the rest. */
const struct rpc_client_engine *const __rpc_client_engines[] = {
	&__rpc_lpc_client_engine,
	&__rpc_co_client_engine,
	NULL,
};

const struct rpc_resolver __rpc_resolver = {
	.resolve = rpc_ep_resolve_binding,
	.self = &rpc_epm_syntax,
};
