/* SPDX-License-Identifier: MIT */
/*
 * The binding handle (binding_handle.c): what the string binding says,
 * the settings the setters change, and the engine that carries its calls
 * with that engine's state (engine.h).
 */
#ifndef LRPC_BINDING_H
#define LRPC_BINDING_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <lrpc/rpc.h>
#include "runtime/engine.h"

/* What rpc_binding_set_* and rpc_mgmt_set_com_timeout change while calls
 * may be running on other threads: a call takes a copy
 * (__rpc_binding_opts). */
struct rpc_binding_opts {
	rpc_uuid_t object;
	bool has_object;
	unsigned int timeout_ms;
	unsigned int com_level;	/* rpc_mgmt_set_com_timeout */
	uid_t server_uid;	/* RPC_SERVER_UID_DEFAULT: own euid or root */
};

struct rpc_binding {
	struct rpc_string_binding *sb;
	pthread_mutex_t opts_lock;	/* opts; never held with another */
	struct rpc_binding_opts opts;
	bool be;
	uint32_t offer;		/* SYN_NDR20 | SYN_NDR64 */
	bool btfn;
	atomic_uint refs;	/* the program's + open context handles' */

	pthread_mutex_t setup;	/* choosing the engine, reset */
	/* NULL until the first use; state is published before it */
	const struct rpc_client_engine *engine;
	void *state;
};

/* The settings a call uses, as one consistent copy. */
static inline void __rpc_binding_opts(const struct rpc_binding *b,
				      struct rpc_binding_opts *o)
{
	pthread_mutex_t *l = (pthread_mutex_t *)&b->opts_lock;

	pthread_mutex_lock(l);
	*o = b->opts;
	pthread_mutex_unlock(l);
}

#endif /* LRPC_BINDING_H */
