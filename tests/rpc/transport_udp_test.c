// SPDX-License-Identifier: MIT
/*
 * ncadg_ip_udp transport (lib/transport/transport_udp.c): a server socket
 * on a dynamic port and a client socket exchange datagrams both ways, over
 * IPv4 and IPv6; endpoints and addresses it must refuse.
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <lrpc/rpc.h>
#include <lrpc/status.h>
#include "transport/transport.h"
#include "runtime/engine.h"
#include "engine/co/co_client.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

static const struct rpc_transport_ops *udp(void)
{
	return __rpc_transport_find("ncadg_ip_udp");
}

/* One datagram within 2 s: its length, or -1. */
static ssize_t recv_within(int fd, void *buf, size_t size,
			   struct sockaddr_storage *from, socklen_t *fl)
{
	struct pollfd p = { fd, POLLIN, 0 };

	if (poll(&p, 1, 2000) != 1)
		return -1;
	*fl = sizeof(*from);
	return recvfrom(fd, buf, size, 0, (struct sockaddr *)from, fl);
}

/* Server on netaddr, port 0; the client resolves client_addr and the
 * server's port, sends, and the server answers to where it came from. */
static void exchange(struct __test_metadata *_metadata, const char *netaddr,
		     const char *client_addr, int family)
{
	const struct rpc_transport_ops *t = udp();
	struct sockaddr_storage sa, from;
	socklen_t sl, fl;
	char ep[16], buf[64];
	int sfd, cfd;

	ASSERT_EQ(0, t->listen(netaddr, "", &sfd, ep, sizeof(ep)));
	EXPECT_NE(0, atoi(ep));
	ASSERT_EQ(0, t->resolve(client_addr, ep, &sa, &sl));
	EXPECT_EQ(family, sa.ss_family);
	ASSERT_EQ(0, t->dgram_socket(sa.ss_family, &cfd));
	ASSERT_EQ(5, sendto(cfd, "hello", 5, 0, (struct sockaddr *)&sa, sl));
	ASSERT_EQ(5, recv_within(sfd, buf, sizeof(buf), &from, &fl));
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	/* the answer goes back to the client's (unconnected) socket */
	ASSERT_EQ(3, sendto(sfd, "ack", 3, 0, (struct sockaddr *)&from, fl));
	ASSERT_EQ(3, recv_within(cfd, buf, sizeof(buf), &from, &fl));
	EXPECT_EQ(0, memcmp(buf, "ack", 3));
	close(cfd);
	close(sfd);
}

TEST(registry)
{
	const struct rpc_transport_ops *t = udp();
	int fd = -1;

	ASSERT_NE(NULL, t);
	EXPECT_TRUE(t->datagram);
	EXPECT_NE(NULL, t->resolve);
	EXPECT_NE(NULL, t->dgram_socket);
	EXPECT_FALSE(__rpc_transport_find("ncacn_ip_tcp")->datagram);
	EXPECT_FALSE(__rpc_transport_find("ncalrpc")->datagram);
	/* nothing to connect: the stream engine never selects it */
	EXPECT_EQ(NULL, t->connect);
	EXPECT_NE(NULL, __rpc_transport_find("ncacn_ip_tcp")->connect);
	EXPECT_EQ(-EAFNOSUPPORT, t->dgram_socket(AF_UNIX, &fd));
}

/* The connection-oriented engine declines a datagram binding (it would
 * take anything the engines before it leave), a stream one it takes. */
TEST(stream_engine_declines_datagram)
{
	static const struct rpc_syntax_id ifid = {
		{ 0x12345678, 1, 2, 3, 4, { 5, 6, 7, 8, 9, 10 } }, 1, 0 };
	struct rpc_binding *b;
	void *state = NULL;

	ASSERT_EQ(0, rpc_binding_from_string("ncadg_ip_udp:127.0.0.1[9]", &b));
	EXPECT_EQ(0, __rpc_co_client_engine.select(b, &ifid, &state));
	EXPECT_EQ(NULL, state);
	rpc_binding_free(b);
	ASSERT_EQ(0, rpc_binding_from_string("ncacn_ip_tcp:127.0.0.1[9]", &b));
	EXPECT_EQ(1, __rpc_co_client_engine.select(b, &ifid, &state));
	ASSERT_NE(NULL, state);
	__rpc_co_client_engine.close(b, state);
	rpc_binding_free(b);
}

TEST(ipv4_any)
{
	exchange(_metadata, NULL, "127.0.0.1", AF_INET);
}

TEST(ipv4_literal_and_name)
{
	exchange(_metadata, "127.0.0.1", "127.0.0.1", AF_INET);
	/* a name: its IPv4 address first, the server has no other */
	exchange(_metadata, "127.0.0.1", "localhost", AF_INET);
	exchange(_metadata, "127.0.0.1", NULL, AF_INET);
}

TEST(ipv6)
{
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_addr = IN6ADDR_LOOPBACK_INIT };

	if (fd < 0 || bind(fd, (struct sockaddr *)&a, sizeof(a))) {
		if (fd >= 0)
			close(fd);
		SKIP(return, "no IPv6 loopback");
	}
	close(fd);
	exchange(_metadata, "::1", "::1", AF_INET6);
	/* the wildcard socket takes both families */
	exchange(_metadata, NULL, "::1", AF_INET6);
}

TEST(fixed_port_and_in_use)
{
	const struct rpc_transport_ops *t = udp();
	char ep[16], ep2[16];
	int fd, fd2;

	ASSERT_EQ(0, t->listen("127.0.0.1", "", &fd, ep, sizeof(ep)));
	/* the same port again: taken */
	EXPECT_EQ(-rpc_s_cant_create_endpoint,
		  t->listen("127.0.0.1", ep, &fd2, ep2, sizeof(ep2)));
	close(fd);
	/* free again: a fixed port gives that port */
	ASSERT_EQ(0, t->listen("127.0.0.1", ep, &fd2, ep2, sizeof(ep2)));
	EXPECT_STREQ(ep, ep2);
	close(fd2);
}

TEST(refused)
{
	static const char *const bad_ep[] = { "x", "65536", "-1", "+5", " 5",
					      "5 ", "1x", "99999999999999999999" };
	const struct rpc_transport_ops *t = udp();
	struct sockaddr_storage sa;
	socklen_t sl;
	char ep[16];
	int fd, i;

	for (i = 0; i < (int)(sizeof(bad_ep) / sizeof(bad_ep[0])); i++) {
		EXPECT_EQ(-rpc_s_invalid_endpoint_format,
			  t->listen(NULL, bad_ep[i], &fd, ep, sizeof(ep)));
		EXPECT_EQ(-rpc_s_invalid_endpoint_format,
			  t->resolve("127.0.0.1", bad_ep[i], &sa, &sl));
	}
	/* a client needs the endpoint (or the endpoint mapper) */
	EXPECT_EQ(-rpc_s_no_endpoint_found, t->resolve("127.0.0.1", "", &sa, &sl));
	EXPECT_EQ(-rpc_s_no_endpoint_found, t->resolve("127.0.0.1", NULL, &sa, &sl));
	/* an address this host does not have (TEST-NET-1) */
	EXPECT_EQ(-rpc_s_cant_create_endpoint,
		  t->listen("192.0.2.1", "", &fd, ep, sizeof(ep)));
}

TEST_HARNESS_MAIN
