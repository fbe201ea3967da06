/* SPDX-License-Identifier: MIT */
/*
 * What the runtime's parts share: syntax masks, the monotonic clock and
 * its condition variables, option parsing, binding references and the
 * communications time-out.  Engines and transports may include this;
 * it includes nothing of theirs.
 */
#ifndef LRPC_RUNTIME_INT_H
#define LRPC_RUNTIME_INT_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <lrpc/rpc.h>
#include "compiler.h"
#include "ndr/buf.h"

#define SYN_NDR20	(1u << NDR_SYNTAX_NDR20)
#define SYN_NDR64	(1u << NDR_SYNTAX_NDR64)

/* A uid, decimal or a user name (binding option server_uid,
 * $LRPC_EPM_UID): 0 or -rpc_s_invalid_network_options. */
int __rpc_uid_parse(const char *s, uid_t *uid);

/* Why creating an endpoint failed (socket(), bind(), listen(), a kernel
 * port), as rpc_server_use_protseq reports it (<lrpc/status.h>):
 * EADDRINUSE -rpc_s_duplicate_endpoint, EACCES and EPERM
 * -rpc_s_access_denied, EADDRNOTAVAIL and EAFNOSUPPORT
 * -rpc_s_invalid_net_addr, ENOMEM -ENOMEM, else
 * -rpc_s_cant_create_endpoint. */
int __rpc_endpoint_errno(int err);

/* CLOCK_MONOTONIC in milliseconds, and the milliseconds left until a
 * deadline in that clock (deadline < 0: -1, no time-out; clamped to
 * [0, INT_MAX]) for poll(). */
int64_t __rpc_now_ms(void);
int64_t __rpc_now_ns(void);
int __rpc_left_ms(int64_t deadline);

/* A 16- or 32-bit integer of a PDU in either byte order (be: big endian);
 * the engines' codecs and the verification trailer read them alike. */
static inline uint16_t __rpc_get16(const uint8_t *p, bool be)
{
	return be ? (uint16_t)(p[0] << 8 | p[1]) : (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t __rpc_get32(const uint8_t *p, bool be)
{
	return be ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
		    (uint32_t)p[2] << 8 | p[3]
		  : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 |
		    (uint32_t)p[1] << 8 | p[0];
}

/* ---- binding handles (binding_handle.c) ------------------------------ */
/* One more reference to b, dropped by rpc_binding_free(): a client
 * context handle keeps its binding (client_stub.c). */
void __rpc_binding_get(struct rpc_binding *b);

/* ---- replies (reply.c) ------------------------------------------------- */
/* Hand out len octets of the mapping addr (maplen octets) as reply's data,
 * which rpc_reply_release() unmaps; -ENOMEM. */
int __rpc_reply_set_mapped(struct rpc_reply *reply, void *addr, size_t maplen,
			   size_t len);

/* Condition variables whose timed waits count in CLOCK_MONOTONIC, the
 * clock of every deadline here: a step of the wall clock neither ends a
 * wait early nor stretches it.  __rpc_cond_wait_ns waits on cv (m held)
 * at most ns nanoseconds and returns what pthread_cond_timedwait does. */
void __rpc_cond_init(pthread_cond_t *cv);
int __rpc_cond_wait_ns(pthread_cond_t *cv, pthread_mutex_t *m, int64_t ns);

/* ---- communications time-out (com_timeout.c) --------------------------- */
/* A level "0".."10" (binding option com_timeout, $LRPC_COM_TIMEOUT):
 * 0 or -rpc_s_invalid_timeout. */
int __rpc_com_timeout_parse(const char *s, unsigned int *level);
unsigned int __rpc_com_timeout_default(void);
int64_t __rpc_com_deadline(unsigned int level, bool bind, int64_t deadline,
			   bool *com);

/*
 * client_stub.c: the RPC_PROC_* flags of the operation the calling thread
 * is calling through a generated stub ([idempotent], [maybe]), for the
 * engines whose protocol carries them (the datagram engine); 0 for a
 * call made with rpc_call_raw directly.
 */
extern __thread uint32_t __rpc_cli_proc_flags;

/* client_stub.c: install a as the thread's client arena (NULL: a new one
 * at the next call), returning the one it replaces. */
struct ndr_arena;
struct ndr_arena *__rpc_ss_swap_arena(struct ndr_arena *a);

#endif /* LRPC_RUNTIME_INT_H */
