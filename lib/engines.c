// SPDX-License-Identifier: MIT
/*
 * What the runtime is wired to, in one place above runtime/, engine/ and
 * epm/: the protocol engines (runtime/engine.h) a binding handle chooses
 * from and a server runs, and the endpoint mapper that resolves partial
 * bindings (runtime/resolver.h).  runtime/ names none of them; these
 * tables are its one tie to them.
 */
#include <lrpc/epm.h>
#include "engine/co/co_client.h"
#include "engine/co/co_int.h"
#include "engine/dg/dg_client.h"
#include "engine/dg/dg_server.h"
#include "engine/lpc/lpc_int.h"
#include "runtime/engine.h"
#include "runtime/resolver.h"

/* The kernel path first, the datagram engine its protseq
 * (ncadg_ip_udp); the connection-oriented engine takes the rest. */
const struct rpc_client_engine *const __rpc_client_engines[] = {
	&__rpc_lpc_client_engine,
	&__rpc_dg_client_engine,
	&__rpc_co_client_engine,
	NULL,
};

/*
 * In the order the runtime calls their hooks.  The local engine comes
 * first: on free its kernel connections give their uid slots back to
 * the connection-oriented engine's guards.
 */
const struct rpc_server_engine *const __rpc_server_engines[] = {
	&__rpc_lpc_server_engine,	/* ncalrpc through /dev/lrpc */
	&__rpc_co_server_engine,	/* ncacn_ip_tcp, ncalrpc sockets */
	&__rpc_dg_server_engine,	/* ncadg_ip_udp */
	NULL,
};

const struct rpc_resolver __rpc_resolver = {
	.resolve = rpc_ep_resolve_binding,
	.self = &rpc_epm_syntax,
};
