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

#define RPC_BINDING_OPTS_WORDS \
	((sizeof(struct rpc_binding_opts) + 7) / sizeof(uint64_t))

struct rpc_binding {
	struct rpc_string_binding *sb;
	/*
	 * opts is read on every call and written by the setters, rarely:
	 * a sequence count instead of a lock on the call path.  Writers
	 * (serialized by opts_lock) make the count odd, store the words,
	 * make it even; a reader copies the words and retries when the
	 * count was odd or moved.  Every shared access is atomic.
	 */
	pthread_mutex_t opts_lock;	/* setters; never held with another */
	atomic_uint opts_seq;
	union {
		struct rpc_binding_opts opts;	/* as parsed, before sharing */
		uint64_t opts_w[RPC_BINDING_OPTS_WORDS];
	};
	bool be;
	uint32_t offer;		/* SYN_NDR20 | SYN_NDR64 */
	bool btfn;
	atomic_uint refs;	/* the program's + open context handles' */

	pthread_mutex_t setup;	/* choosing the engine, reset */
	/* rpc_binding_set_auth_info, under opts_lock: an engine copies it
	 * holding its own connection locks, which reset takes under setup */
	struct binding_auth *auth;
	/* NULL until the first use; state is published before it */
	const struct rpc_client_engine *engine;
	void *state;
};

union rpc_binding_opts_copy {
	struct rpc_binding_opts o;
	uint64_t w[RPC_BINDING_OPTS_WORDS];
};

/* The settings a call uses, as one consistent copy. */
static inline void __rpc_binding_opts(const struct rpc_binding *b,
				      struct rpc_binding_opts *o)
{
	union rpc_binding_opts_copy c;
	unsigned int seq, i;

	do {
		seq = atomic_load_explicit(&b->opts_seq, memory_order_acquire);
		/* acquire: the count's second load stays after these */
		for (i = 0; i < RPC_BINDING_OPTS_WORDS; i++)
			c.w[i] = __atomic_load_n(&b->opts_w[i], __ATOMIC_ACQUIRE);
	} while ((seq & 1) ||
		 seq != atomic_load_explicit(&b->opts_seq, memory_order_relaxed));
	*o = c.o;
}

/* What rpc_binding_set_auth_info set; an engine takes a copy when it
 * connects (auth_api.c). */
struct binding_auth {
	uint8_t authn_svc;	/* RPC_C_AUTHN_*, never DEFAULT */
	uint8_t level;		/* RPC_C_AUTHN_LEVEL_*, CALL made PKT */
	char *server_princ;
	char *user, *domain, *password;
};

/* A copy of b's auth settings: 0 (out filled, free with
 * __rpc_binding_auth_free), 1 when b has none, -ENOMEM. */
int __rpc_binding_auth_copy(struct rpc_binding *b, struct binding_auth *out);
void __rpc_binding_auth_free(struct binding_auth *a);

#endif /* LRPC_BINDING_H */
