/* SPDX-License-Identifier: MIT */
/*
 * Transports: how an engine gets a connected or listening socket for a
 * protocol sequence.  Stream transports (ncacn_ip_tcp, ncalrpc's AF_UNIX
 * fallback) and the datagram one (ncadg_ip_udp) are found by protseq; an
 * engine never names one directly.
 */
#ifndef LRPC_TRANSPORT_H
#define LRPC_TRANSPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <sys/socket.h>

/* ---- transports ----------------------------------------------------- */

struct rpc_transport_ops {
	const char *protseq;
	/* Datagram transport: listen gives a bound socket, there is no
	 * connect (NULL: the stream engine never selects it), a client
	 * takes resolve and dgram_socket. */
	bool datagram;
	/* Listening socket (non-blocking), actual endpoint into ep.  A
	 * datagram transport's is a bound socket. */
	int (*listen)(const char *netaddr, const char *endpoint, int *fd,
		      char *ep, size_t epsize);
	/* Stream: connected socket (blocking), within timeout_ms (0:
	 * none).  NULL for a datagram transport. */
	int (*connect)(const char *netaddr, const char *endpoint,
		       unsigned int timeout_ms, int *fd);
	/* Datagram: the server's address (netaddr NULL or "": the local
	 * host), endpoint required: 0, -rpc_s_no_endpoint_found,
	 * -rpc_s_invalid_endpoint_format, -rpc_s_invalid_net_addr. */
	int (*resolve)(const char *netaddr, const char *endpoint,
		       struct sockaddr_storage *sa, socklen_t *salen);
	/* Datagram: an unbound (the kernel picks the port at the first
	 * send), unconnected, non-blocking socket of family (AF_INET,
	 * AF_INET6), so that answers and callbacks from any address of
	 * the server reach it: 0 or -errno. */
	int (*dgram_socket)(int family, int *fd);
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
/* An IP port endpoint ("" or NULL: 0, dynamic): 0 or
 * -rpc_s_invalid_endpoint_format. */
int __rpc_port_parse(const char *ep, unsigned int *port);
/* An IP peer (AF_INET, AF_INET6) as "protseq:host[port]" in out (at
 * least RPC_SOCKADDR_STRLEN octets), or as a binding handle: 0,
 * -rpc_s_invalid_net_addr (another family), or the binding's error.
 * sockaddr_binding.c. */
#define RPC_SOCKADDR_STRLEN	96
struct rpc_binding;
int __rpc_sockaddr_string(const char *protseq,
			  const struct sockaddr_storage *ss, char *out,
			  size_t size);
int __rpc_sockaddr_binding(const char *protseq,
			   const struct sockaddr_storage *ss,
			   struct rpc_binding **b);

extern const struct rpc_transport_ops __rpc_transport_tcp;
extern const struct rpc_transport_ops __rpc_transport_unix;
extern const struct rpc_transport_ops __rpc_transport_udp;

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
