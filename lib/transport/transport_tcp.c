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

/* A listening socket on sa, or -errno. */
static int listen_socket(const struct sockaddr *sa, socklen_t len, bool v6any)
{
	int fd, one = 1, off = 0, ret;

	fd = socket(sa->sa_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	/* the wildcard IPv6 address takes IPv4 clients too (mapped) */
	if (v6any)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	if (bind(fd, sa, len) || listen(fd, 1024)) {
		ret = -errno;
		close(fd);
		return ret;
	}
	return fd;
}

/*
 * No netaddr: every address, IPv6 and IPv4 on one socket when the host
 * has IPv6, else IPv4 only.  A netaddr (a literal, a host name, an
 * interface's address): its first address that binds.  A failure keeps
 * its reason (__rpc_endpoint_errno): the port in use, not an address of
 * this host, a port the process may not take.
 */
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
	int ret, fd = -1;

	ret = __rpc_port_parse(endpoint, &port);
	if (ret < 0)
		return ret;
	if (!netaddr || !*netaddr) {
		struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
					   .sin6_addr = IN6ADDR_ANY_INIT,
					   .sin6_port = htons((uint16_t)port) };
		struct sockaddr_in a4 = { .sin_family = AF_INET,
					  .sin_addr.s_addr = htonl(INADDR_ANY),
					  .sin_port = htons((uint16_t)port) };

		fd = listen_socket((struct sockaddr *)&a6, sizeof(a6), true);
		if (fd == -EAFNOSUPPORT || fd == -EADDRNOTAVAIL)
			fd = listen_socket((struct sockaddr *)&a4, sizeof(a4),
					   false);
	} else {
		snprintf(pstr, sizeof(pstr), "%u", port);
		if (getaddrinfo(netaddr, pstr, &hints, &ai))
			return -rpc_s_invalid_net_addr;
		for (a = ai; a; a = a->ai_next) {
			int r = listen_socket(a->ai_addr, a->ai_addrlen, false);

			if (r >= 0) {
				fd = r;
				break;
			}
			/* the first address's reason: the one asked for */
			if (a == ai)
				fd = r;
		}
		freeaddrinfo(ai);
	}
	if (fd < 0)
		return __rpc_endpoint_errno(-fd);
	if (getsockname(fd, (struct sockaddr *)&ss, &sl)) {
		ret = -errno;
		close(fd);
		return ret;
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

