// SPDX-License-Identifier: MIT
/*
 * A peer's IP socket address as a string binding: what a server tells a
 * manager about its caller (rpc_call_ctx_binding, whatever the engine)
 * and where the datagram server calls a client back (the conversation
 * manager).  One place, so that every engine names a peer the same way.
 */
#include <stdio.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <lrpc/rpc.h>
#include "transport/transport.h"

int __rpc_sockaddr_string(const char *protseq,
			  const struct sockaddr_storage *ss, char *out,
			  size_t size)
{
	char host[INET6_ADDRSTRLEN];
	unsigned int port;
	int n;

	if (ss->ss_family == AF_INET) {
		const struct sockaddr_in *a = (const void *)ss;

		inet_ntop(AF_INET, &a->sin_addr, host, sizeof(host));
		port = ntohs(a->sin_port);
	} else if (ss->ss_family == AF_INET6) {
		const struct sockaddr_in6 *a = (const void *)ss;

		port = ntohs(a->sin6_port);
		/* an IPv4 peer of a socket on every address ([::]) is the
		 * IPv4 address it is, not ::ffff:a.b.c.d */
		if (IN6_IS_ADDR_V4MAPPED(&a->sin6_addr)) {
			inet_ntop(AF_INET, &a->sin6_addr.s6_addr[12], host,
				  sizeof(host));
		} else {
			inet_ntop(AF_INET6, &a->sin6_addr, host, sizeof(host));
			n = snprintf(out, size, "%s:[%s][%u]", protseq, host,
				     port);
			return n < 0 || (size_t)n >= size ?
			       -rpc_s_invalid_string_binding : 0;
		}
	} else {
		return -rpc_s_invalid_net_addr;
	}
	n = snprintf(out, size, "%s:%s[%u]", protseq, host, port);
	return n < 0 || (size_t)n >= size ? -rpc_s_invalid_string_binding : 0;
}

int __rpc_sockaddr_binding(const char *protseq,
			   const struct sockaddr_storage *ss,
			   struct rpc_binding **b)
{
	char s[RPC_SOCKADDR_STRLEN];
	int ret;

	*b = NULL;
	ret = __rpc_sockaddr_string(protseq, ss, s, sizeof(s));
	if (ret < 0)
		return ret;
	return rpc_binding_from_string(s, b);
}
