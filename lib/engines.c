// SPDX-License-Identifier: MIT
/*
 * The server's protocol engines, in the order the runtime calls their
 * hooks (runtime/engine.h).  The only place that names them: the runtime
 * includes nothing of engine/, this table is its one tie to them.  The
 * local engine comes first: on free its kernel connections give their
 * uid slots back to the connection-oriented engine's guards.
 */
#include "runtime/engine.h"
#include "engine/lpc/lpc_int.h"
#include "engine/co/co_int.h"

const struct rpc_server_engine *const __rpc_server_engines[] = {
	&__rpc_lpc_server_engine,	/* ncalrpc through /dev/lrpc */
	&__rpc_co_server_engine,	/* ncacn_ip_tcp, ncalrpc sockets */
	NULL,
};
