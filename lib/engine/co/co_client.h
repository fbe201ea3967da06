/* SPDX-License-Identifier: MIT */
/* The connection-oriented engine's client (co_client.c). */
#ifndef LRPC_CO_CLIENT_H
#define LRPC_CO_CLIENT_H

#include "runtime/engine.h"

/* Carries the calls of every binding no other engine took: the last of
 * __rpc_client_engines. */
extern const struct rpc_client_engine __rpc_co_client_engine;

#endif /* LRPC_CO_CLIENT_H */
