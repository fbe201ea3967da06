// SPDX-License-Identifier: MIT
/*
 * Creating an endpoint keeps the reason it failed (issue 18): in use,
 * not an address of this host, another user's ncalrpc name, a port this
 * process may not take, a malformed endpoint -- on ncacn_ip_tcp and on
 * ncalrpc (natively the AF_UNIX fallback; the kernel port in the guest).
 * And where a server listens: IPv6 literals, every address (IPv6 and
 * IPv4 on one socket), a host name, an interface's address, with a real
 * call (mgmt is_server_listening) over each.
 *
 *   rpc_server A --listens--> 127.0.0.1[P], "\0lrpc/N" (uid 65534 too)
 *   rpc_server B --use_protseq same--> duplicate / access denied
 *   client --mgmt--> [::1][P6], 127.0.0.1 and ::1 of [::][P], ifaddr[P]
 */
#include <errno.h>
#include <ifaddrs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <net/if.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <lrpc/rpc.h>
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

static const struct rpc_syntax_id mgmt_id = {
	{ 0xafa8bd80, 0x7d8a, 0x11c9, 0xbe, 0xf4,
	  { 0x08, 0x00, 0x2b, 0x10, 0x29, 0x89 } }, 1, 0
};

#define NOBODY	65534

/* A real call: mgmt is_server_listening, which every server answers. */
static int mgmt_call(const char *binding)
{
	struct rpc_binding *b;
	struct rpc_reply r;
	int ret;

	ret = rpc_binding_from_string(binding, &b);
	if (ret < 0)
		return ret;
	rpc_binding_set_timeout(b, 10000);
	ret = rpc_call_raw(b, &mgmt_id, 2, NULL, 0, &r);
	if (!ret)
		rpc_reply_release(&r);
	rpc_binding_free(b);
	return ret;
}

static int port_of(const char *binding)
{
	const char *p = strrchr(binding, '[');

	return p ? atoi(p + 1) : -1;
}

static bool have_ipv6_loopback(void)
{
	struct sockaddr_in6 a = { .sin6_family = AF_INET6,
				  .sin6_addr = IN6ADDR_LOOPBACK_INIT };
	int fd = socket(AF_INET6, SOCK_STREAM, 0), ok;

	if (fd < 0)
		return false;
	ok = !bind(fd, (struct sockaddr *)&a, sizeof(a));
	close(fd);
	return ok;
}

static int sysctl_int(const char *path)
{
	FILE *f = fopen(path, "r");
	int v = -1;

	if (f) {
		if (fscanf(f, "%d", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

FIXTURE(ep) {
	struct rpc_server *a, *b;
};

FIXTURE_SETUP(ep)
{
	ASSERT_EQ(0, rpc_server_create(&self->a));
	ASSERT_EQ(0, rpc_server_create(&self->b));
}

FIXTURE_TEARDOWN(ep)
{
	rpc_server_free(self->a);
	rpc_server_free(self->b);
}

TEST_F(ep, tcp_port_in_use)
{
	char *bind, ep[8];

	ASSERT_EQ(0, rpc_server_use_protseq(self->a, "ncacn_ip_tcp",
					    "127.0.0.1", "", &bind));
	snprintf(ep, sizeof(ep), "%d", port_of(bind));
	free(bind);
	EXPECT_EQ(-rpc_s_duplicate_endpoint,
		  rpc_server_use_protseq(self->b, "ncacn_ip_tcp", "127.0.0.1",
					 ep, NULL));
	/* every address includes the one taken */
	EXPECT_EQ(-rpc_s_duplicate_endpoint,
		  rpc_server_use_protseq(self->b, "ncacn_ip_tcp", NULL, ep,
					 NULL));
	EXPECT_STRNE(rpc_status_text(-rpc_s_duplicate_endpoint),
		     rpc_status_text(-rpc_s_cant_create_endpoint));
}

TEST_F(ep, tcp_not_a_local_address)
{
	if (sysctl_int("/proc/sys/net/ipv4/ip_nonlocal_bind") > 0)
		SKIP(return, "net.ipv4.ip_nonlocal_bind is set");
	/* TEST-NET-1 (RFC 5737): no host has it */
	EXPECT_EQ(-rpc_s_invalid_net_addr,
		  rpc_server_use_protseq(self->a, "ncacn_ip_tcp", "192.0.2.1",
					 "", NULL));
	EXPECT_EQ(-rpc_s_invalid_net_addr,
		  rpc_server_use_protseq(self->a, "ncacn_ip_tcp",
					 "no-such-host.invalid", "", NULL));
}

TEST_F(ep, tcp_permission)
{
	int start = sysctl_int("/proc/sys/net/ipv4/ip_unprivileged_port_start");
	int st;
	pid_t pid;

	if (start <= 1)
		SKIP(return, "every port is unprivileged here");
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct rpc_server *s;
		int ret;

		if (!geteuid() && setuid(NOBODY))
			_exit(4);
		if (rpc_server_create(&s))
			_exit(3);
		ret = rpc_server_use_protseq(s, "ncacn_ip_tcp", "127.0.0.1",
					     "1", NULL);
		_exit(ret == -rpc_s_access_denied ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	if (WEXITSTATUS(st) == 4)
		SKIP(return, "cannot drop to uid %d", NOBODY);
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST_F(ep, tcp_bad_endpoint)
{
	EXPECT_EQ(-rpc_s_invalid_endpoint_format,
		  rpc_server_use_protseq(self->a, "ncacn_ip_tcp", NULL, "http",
					 NULL));
	EXPECT_EQ(-rpc_s_invalid_endpoint_format,
		  rpc_server_use_protseq(self->a, "ncacn_ip_tcp", NULL, "65536",
					 NULL));
	EXPECT_EQ(-rpc_s_protseq_not_supported,
		  rpc_server_use_protseq(self->a, "ncacn_foo", NULL, "", NULL));
}

TEST_F(ep, ncalrpc_name_in_use)
{
	char name[64];

	snprintf(name, sizeof(name), "ep-test-%d", getpid());
	ASSERT_EQ(0, rpc_server_use_protseq(self->a, "ncalrpc", NULL, name,
					    NULL));
	ASSERT_EQ(0, rpc_server_listen(self->a, 0));
	EXPECT_EQ(-rpc_s_duplicate_endpoint,
		  rpc_server_use_protseq(self->b, "ncalrpc", NULL, name, NULL));
	/* the name is still the first server's */
	snprintf(name, sizeof(name), "ncalrpc:[ep-test-%d]", getpid());
	EXPECT_EQ(0, mgmt_call(name));
}

/* uid 65534 takes the name first: not ours to take, nor to stop */
TEST_F(ep, ncalrpc_name_of_another_user)
{
	char name[64], c;
	int p[2], q[2], st;
	pid_t pid;

	if (geteuid())
		SKIP(return, "needs root to run a server as uid %d", NOBODY);
	snprintf(name, sizeof(name), "ep-other-%d", getpid());
	ASSERT_EQ(0, pipe(p));
	ASSERT_EQ(0, pipe(q));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct rpc_server *s;

		close(p[0]);
		close(q[1]);
		if (setgid(NOBODY) || setuid(NOBODY) || rpc_server_create(&s) ||
		    rpc_server_use_protseq(s, "ncalrpc", NULL, name, NULL) ||
		    rpc_server_listen(s, 0))
			_exit(1);
		c = 'r';
		if (write(p[1], &c, 1) != 1)
			_exit(1);
		if (read(q[0], &c, 1) < 0)	/* until the parent is done */
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	close(q[0]);
	ASSERT_EQ(1, read(p[0], &c, 1));
	EXPECT_EQ(-rpc_s_access_denied,
		  rpc_server_use_protseq(self->b, "ncalrpc", NULL, name, NULL));
	close(q[1]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	close(p[0]);
}

TEST_F(ep, ncalrpc_bad_endpoint_and_address)
{
	EXPECT_EQ(-rpc_s_invalid_endpoint_format,
		  rpc_server_use_protseq(self->a, "ncalrpc", NULL, "a/b", NULL));
	EXPECT_EQ(-rpc_s_invalid_endpoint_format,
		  rpc_server_use_protseq(self->a, "ncalrpc", NULL,
			"0123456789012345678901234567890123456789012345678", NULL));
	EXPECT_EQ(-rpc_s_invalid_net_addr,
		  rpc_server_use_protseq(self->a, "ncalrpc", "10.0.0.1", "x",
					 NULL));
}

/* Where it listens, as people read it, and a call over each address */
TEST_F(ep, ipv6_loopback_call)
{
	char *bind, *where, s[80];
	int port;

	if (!have_ipv6_loopback())
		SKIP(return, "no IPv6 loopback");
	ASSERT_EQ(0, rpc_server_use_protseq(self->a, "ncacn_ip_tcp", "::1", "",
					    &bind));
	port = port_of(bind);
	snprintf(s, sizeof(s), "ncacn_ip_tcp:[::1][%d]", port);
	EXPECT_STREQ(s, bind);
	ASSERT_EQ(0, rpc_server_inq_listen_binding(self->a, 0, &where));
	EXPECT_STREQ(s, where);
	free(where);
	EXPECT_EQ(-ENOENT, rpc_server_inq_listen_binding(self->a, 1, &where));
	ASSERT_EQ(0, rpc_server_listen(self->a, 0));
	EXPECT_EQ(0, mgmt_call(bind));
	snprintf(s, sizeof(s), "ncacn_ip_tcp:::1[%d]", port);	/* Microsoft's */
	EXPECT_EQ(0, mgmt_call(s));
	free(bind);
}

TEST_F(ep, every_address_takes_ipv4_and_ipv6)
{
	char *bind, *where, s[80];
	int port;

	ASSERT_EQ(0, rpc_server_use_protseq(self->a, "ncacn_ip_tcp", NULL, "",
					    &bind));
	port = port_of(bind);
	/* what a local client can use */
	snprintf(s, sizeof(s), "ncacn_ip_tcp:127.0.0.1[%d]", port);
	EXPECT_STREQ(s, bind);
	ASSERT_EQ(0, rpc_server_inq_listen_binding(self->a, 0, &where));
	TH_LOG("listens on %s", where);
	if (have_ipv6_loopback())
		snprintf(s, sizeof(s), "ncacn_ip_tcp:[::][%d]", port);
	else
		snprintf(s, sizeof(s), "ncacn_ip_tcp:0.0.0.0[%d]", port);
	EXPECT_STREQ(s, where);
	free(where);
	ASSERT_EQ(0, rpc_server_listen(self->a, 0));
	EXPECT_EQ(0, mgmt_call(bind));
	snprintf(s, sizeof(s), "ncacn_ip_tcp:localhost[%d]", port);
	EXPECT_EQ(0, mgmt_call(s));
	if (have_ipv6_loopback()) {
		snprintf(s, sizeof(s), "ncacn_ip_tcp:[::1][%d]", port);
		EXPECT_EQ(0, mgmt_call(s));
	}
	free(bind);
}

/* A host name and an interface's address, as a server's netaddr */
TEST_F(ep, host_name_and_interface_address)
{
	struct ifaddrs *ifa, *i;
	char host[256], addr[INET6_ADDRSTRLEN] = "", *bind, s[400];

	ASSERT_EQ(0, rpc_server_use_protseq(self->a, "ncacn_ip_tcp",
					    "localhost", "", &bind));
	ASSERT_EQ(0, rpc_server_listen(self->a, 0));
	EXPECT_EQ(0, mgmt_call(bind));
	free(bind);

	ASSERT_EQ(0, getifaddrs(&ifa));
	for (i = ifa; i && !*addr; i = i->ifa_next)
		if (i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
		    (i->ifa_flags & IFF_UP) && !(i->ifa_flags & IFF_LOOPBACK))
			inet_ntop(AF_INET,
				  &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
				  addr, sizeof(addr));
	freeifaddrs(ifa);
	if (*addr) {
		ASSERT_EQ(0, rpc_server_use_protseq(self->b, "ncacn_ip_tcp",
						    addr, "", &bind));
		ASSERT_EQ(0, rpc_server_listen(self->b, 0));
		EXPECT_EQ(0, mgmt_call(bind)) {
			TH_LOG("%s", bind);
		}
		free(bind);
	} else {
		TH_LOG("no interface address besides loopback");
	}
	/* this host's name, when it resolves to an address of this host */
	if (!gethostname(host, sizeof(host))) {
		struct rpc_server *c;
		int ret;

		ASSERT_EQ(0, rpc_server_create(&c));
		ret = rpc_server_use_protseq(c, "ncacn_ip_tcp", host, "", NULL);
		if (ret == 0) {
			char *where;

			ASSERT_EQ(0, rpc_server_listen(c, 0));
			ASSERT_EQ(0, rpc_server_inq_listen_binding(c, 0, &where));
			snprintf(s, sizeof(s), "ncacn_ip_tcp:%s[%d]", host,
				 port_of(where));
			EXPECT_EQ(0, mgmt_call(s)) {
				TH_LOG("%s (%s)", s, where);
			}
			free(where);
		} else {
			TH_LOG("host name %s: %s", host, rpc_status_name(ret));
			EXPECT_EQ(-rpc_s_invalid_net_addr, ret);
		}
		rpc_server_free(c);
	}
}

TEST_HARNESS_MAIN
