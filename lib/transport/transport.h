/* SPDX-License-Identifier: MIT */
/*
 * Transports: how an engine gets a connected or listening socket for a
 * protocol sequence.  Stream transports (ncacn_ip_tcp, ncalrpc's AF_UNIX
 * fallback) are found by protseq; an engine never names one directly.
 */
#ifndef LRPC_TRANSPORT_H
#define LRPC_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* ---- transports ----------------------------------------------------- */

struct rpc_transport_ops {
	const char *protseq;
	/* Listening socket (non-blocking), actual endpoint into ep. */
	int (*listen)(const char *netaddr, const char *endpoint, int *fd,
		      char *ep, size_t epsize);
	/* Connected socket (blocking), within timeout_ms (0: none). */
	int (*connect)(const char *netaddr, const char *endpoint,
		       unsigned int timeout_ms, int *fd);
	/* Secondary address for bind_ack ("" when none). */
	void (*sec_addr)(const char *endpoint, char *out, size_t size);
	/* Default netaddr for a server binding string. */
	const char *default_netaddr;
	/* Whether the connected fd's server is owned by server_uid
	 * (rpc_binding_set_server_uid): 0 or -rpc_s_auth_mut_fail.  NULL:
	 * the transport cannot tell (tcp). */
	int (*verify_peer)(int fd, uid_t server_uid);
};

const struct rpc_transport_ops *__rpc_transport_find(const char *protseq);
/* A sec_addr op: the endpoint itself ("" when none). */
void __rpc_sec_addr_endpoint(const char *endpoint, char *out, size_t size);
extern const struct rpc_transport_ops __rpc_transport_tcp;
extern const struct rpc_transport_ops __rpc_transport_unix;

/* ncalrpc endpoints (the AF_UNIX socket "\0lrpc/E", the kernel port
 * "ncalrpc.E"): at most this many characters. */
#define RPC_LOCAL_EP_MAX	48
/* 0 when ep is a valid local endpoint name, else -rpc_s_invalid_endpoint_format */
int __rpc_local_endpoint_ok(const char *ep);
/* Whether a server owned by owner may serve a client that expects
 * server_uid (RPC_SERVER_UID_DEFAULT: the client's euid or root). */
bool __rpc_server_uid_ok(uid_t owner, uid_t server_uid);

/* poll() fd for ev within ms (< 0: no time-out): 0, -ETIMEDOUT, -errno. */
int __rpc_wait_fd(int fd, short ev, int ms);

/* Bounded reads/writes with poll() time-outs (client side).  ms < 0: no
 * time-out.  -ETIMEDOUT, -ECONNRESET (EOF), -errno. */
int __rpc_write_all(int fd, const void *p, size_t n, int ms);
int __rpc_read_all(int fd, void *p, size_t n, int ms);

#endif /* LRPC_TRANSPORT_H */
