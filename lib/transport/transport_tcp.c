// SPDX-License-Identifier: MIT
/* ncacn_ip_tcp: listening and connected TCP sockets, IPv4 and IPv6. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <lrpc/status.h>
#include "transport/transport.h"
#include "runtime/runtime_int.h"

static int tcp_listen(const char *netaddr, const char *endpoint, int *fdp,
		      char *ep, size_t epsize)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai = NULL, *a;
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);
	unsigned int port;
	char pstr[8];
	int ret, fd = -1, one = 1;

	ret = __rpc_port_parse(endpoint, &port);
	if (ret < 0)
		return ret;
	snprintf(pstr, sizeof(pstr), "%u", port);
	if (netaddr && !*netaddr)
		netaddr = NULL;
	if (getaddrinfo(netaddr, pstr, &hints, &ai))
		return -rpc_s_invalid_net_addr;
	ret = -rpc_s_cant_create_endpoint;
	for (a = ai; a; a = a->ai_next) {
		fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK |
			    SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
		if (!bind(fd, a->ai_addr, a->ai_addrlen) && !listen(fd, 1024))
			break;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0)
		return ret;
	if (getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		close(fd);
		return -errno;
	}
	port = ntohs(ss.ss_family == AF_INET6 ?
		     ((struct sockaddr_in6 *)&ss)->sin6_port :
		     ((struct sockaddr_in *)&ss)->sin_port);
	snprintf(ep, epsize, "%u", port);
	*fdp = fd;
	return 0;
}

static int tcp_connect(const char *netaddr, const char *endpoint,
		       unsigned int timeout_ms, int *fdp)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_STREAM,
				  .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai = NULL, *a;
	unsigned int port;
	int ret, fd = -1, one = 1;

	ret = __rpc_port_parse(endpoint, &port);
	if (ret < 0)
		return ret;
	if (!endpoint || !*endpoint)
		return -rpc_s_no_endpoint_found;	/* EPM: issue 8 */
	if (!netaddr || !*netaddr)
		netaddr = "localhost";
	if (getaddrinfo(netaddr, endpoint, &hints, &ai))
		return -rpc_s_invalid_net_addr;
	ret = -rpc_s_server_unavailable;
	for (a = ai; a; a = a->ai_next) {
		int err = 0;
		socklen_t el = sizeof(err);

		fd = socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK |
			    SOCK_CLOEXEC, 0);
		if (fd < 0)
			continue;
		if (connect(fd, a->ai_addr, a->ai_addrlen) < 0) {
			if (errno != EINPROGRESS)
				goto next;
			if (__rpc_wait_fd(fd, POLLOUT, timeout_ms ? (int)timeout_ms
							     : -1) < 0) {
				ret = -ETIMEDOUT;
				goto next;
			}
			if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el) ||
			    err)
				goto next;
		}
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		break;
next:
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	if (fd < 0)
		return ret;
	*fdp = fd;
	return 0;
}

const struct rpc_transport_ops __rpc_transport_tcp = {
	.protseq = "ncacn_ip_tcp",
	.listen = tcp_listen,
	.connect = tcp_connect,
	.sec_addr = __rpc_sec_addr_endpoint,
	.default_netaddr = "127.0.0.1",
};

