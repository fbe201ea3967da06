// SPDX-License-Identifier: MIT
/*
 * ncadg_ip_udp: UDP sockets for the datagram engine, IPv4 and IPv6.
 *
 * A server gets one bound, non-blocking socket; a client gets an
 * unconnected socket and the server's address apart, because a server
 * may call back (conv_who_are_you) from another port of its host, and a
 * connected UDP socket would drop that datagram.
 */
#include <errno.h>
#include <netdb.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <lrpc/status.h>
#include "transport/transport.h"

/*
 * A burst of fragments (a request of many, or many clients at once) must
 * not overflow the default receive buffer (about 200 KiB): ask for 1 MiB;
 * the kernel caps it at net.core.rmem_max, which is fine.
 */
#define UDP_RCVBUF	(1 << 20)

static int port_of(int fd, unsigned int *port)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(ss);

	if (getsockname(fd, (struct sockaddr *)&ss, &sl))
		return -errno;
	*port = ntohs(ss.ss_family == AF_INET6 ?
		      ((struct sockaddr_in6 *)&ss)->sin6_port :
		      ((struct sockaddr_in *)&ss)->sin_port);
	return 0;
}

static int bound_socket(const struct sockaddr *sa, socklen_t len, bool v6any)
{
	int fd, rcv = UDP_RCVBUF, off = 0;

	fd = socket(sa->sa_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
		    0);
	if (fd < 0)
		return -errno;
	/* the wildcard IPv6 address takes IPv4 clients too (mapped) */
	if (v6any)
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	if (bind(fd, sa, len)) {
		int ret = -errno;

		close(fd);
		return ret;
	}
	return fd;
}

/* No netaddr: every address, IPv6 and IPv4 on one socket when the host
 * has IPv6, else IPv4 only. */
static int bind_any(unsigned int port)
{
	struct sockaddr_in6 a6 = { .sin6_family = AF_INET6,
				   .sin6_addr = IN6ADDR_ANY_INIT,
				   .sin6_port = htons((uint16_t)port) };
	struct sockaddr_in a4 = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_ANY),
				  .sin_port = htons((uint16_t)port) };
	int fd;

	fd = bound_socket((struct sockaddr *)&a6, sizeof(a6), true);
	if (fd == -EAFNOSUPPORT || fd == -EADDRNOTAVAIL)
		fd = bound_socket((struct sockaddr *)&a4, sizeof(a4), false);
	return fd;
}

static int udp_listen(const char *netaddr, const char *endpoint, int *fdp,
		      char *ep, size_t epsize)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_PASSIVE | AI_NUMERICSERV };
	struct addrinfo *ai = NULL, *a;
	unsigned int port;
	char pstr[8];
	int ret, fd = -1;

	ret = __rpc_port_parse(endpoint, &port);
	if (ret < 0)
		return ret;
	if (!netaddr || !*netaddr) {
		fd = bind_any(port);
	} else {
		snprintf(pstr, sizeof(pstr), "%u", port);
		if (getaddrinfo(netaddr, pstr, &hints, &ai))
			return -rpc_s_invalid_net_addr;
		for (a = ai; a; a = a->ai_next) {
			fd = bound_socket(a->ai_addr, a->ai_addrlen, false);
			if (fd >= 0)
				break;
		}
		freeaddrinfo(ai);
	}
	if (fd < 0)
		return -rpc_s_cant_create_endpoint;
	ret = port_of(fd, &port);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	snprintf(ep, epsize, "%u", port);
	*fdp = fd;
	return 0;
}

/*
 * A name with IPv4 and IPv6 addresses ("localhost") gives its IPv4 one:
 * nothing tells a UDP client which one the server listens on, and a
 * server bound without netaddr answers on both.
 */
static int udp_resolve(const char *netaddr, const char *endpoint,
		       struct sockaddr_storage *sa, socklen_t *salen)
{
	struct addrinfo hints = { .ai_family = AF_UNSPEC,
				  .ai_socktype = SOCK_DGRAM,
				  .ai_flags = AI_NUMERICSERV };
	struct addrinfo *ai = NULL, *a, *pick = NULL;
	unsigned int port;
	int ret;

	ret = __rpc_port_parse(endpoint, &port);
	if (ret < 0)
		return ret;
	if (!endpoint || !*endpoint)
		return -rpc_s_no_endpoint_found;	/* the EPM resolves it */
	if (!netaddr || !*netaddr)
		netaddr = "localhost";
	if (getaddrinfo(netaddr, endpoint, &hints, &ai))
		return -rpc_s_invalid_net_addr;
	for (a = ai; a; a = a->ai_next) {
		if (a->ai_family != AF_INET && a->ai_family != AF_INET6)
			continue;
		if (!pick || (a->ai_family == AF_INET &&
			      pick->ai_family != AF_INET))
			pick = a;
	}
	ret = -rpc_s_invalid_net_addr;
	if (pick && pick->ai_addrlen <= sizeof(*sa)) {
		memset(sa, 0, sizeof(*sa));
		memcpy(sa, pick->ai_addr, pick->ai_addrlen);
		*salen = pick->ai_addrlen;
		ret = 0;
	}
	freeaddrinfo(ai);
	return ret;
}

static int udp_dgram_socket(int family, int *fdp)
{
	int fd, rcv = UDP_RCVBUF;

	if (family != AF_INET && family != AF_INET6)
		return -EAFNOSUPPORT;
	fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcv, sizeof(rcv));
	*fdp = fd;
	return 0;
}

const struct rpc_transport_ops __rpc_transport_udp = {
	.protseq = "ncadg_ip_udp",
	.datagram = true,
	.listen = udp_listen,
	.resolve = udp_resolve,
	.dgram_socket = udp_dgram_socket,
	.sec_addr = __rpc_sec_addr_endpoint,
	.default_netaddr = "127.0.0.1",
};
