/* SPDX-License-Identifier: MIT */
/*
 * Endpoint resolution of partial bindings, as the engines ask for it.
 * The endpoint mapper's client (lib/epm) answers, through the hook set
 * in lib/engines.c: epm calls the runtime, never the other way round.
 */
#ifndef LRPC_RESOLVER_H
#define LRPC_RESOLVER_H

#include <lrpc/rpc.h>

struct rpc_resolver {
	/* The endpoint (malloc()ed) of the server of iface (and object)
	 * at sb's protseq and host, or < 0. */
	int (*resolve)(const struct rpc_string_binding *sb,
		       const struct rpc_syntax_id *iface,
		       const rpc_uuid_t *object, char **endpoint);
	/* The resolver's own interface: reached directly, never routed. */
	const struct rpc_syntax_id *self;
};

extern const struct rpc_resolver __rpc_resolver;

static inline int __rpc_resolve_endpoint(const struct rpc_string_binding *sb,
					 const struct rpc_syntax_id *iface,
					 const rpc_uuid_t *object,
					 char **endpoint)
{
	return __rpc_resolver.resolve(sb, iface, object, endpoint);
}

#endif /* LRPC_RESOLVER_H */
