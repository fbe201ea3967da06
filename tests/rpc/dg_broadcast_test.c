// SPDX-License-Identifier: MIT
/*
 * [broadcast] over ncadg_ip_udp ([C706] 10.1.2): the client sends the
 * request to the binding's address with SO_BROADCAST, marked broadcast
 * and idempotent; servers that offer the interface answer, the others
 * stay silent (no reject); the first answer carries the call; [in]
 * arguments larger than one datagram are refused before anything is
 * sent (rpc_s_in_args_too_big).
 *
 *   rpc_call_raw --UDP--> 127.255.255.255:P --> rpc_server on 0.0.0.0:P
 *                                               (interface bc)
 *   rpc_call_raw --UDP--> 127.255.255.255:Q --> rpc_server on 0.0.0.0:Q
 *                                               (no interface bc)
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lrpc/rpc.h>
#include "runtime/runtime_int.h"
#include "runtime/server_int.h"
#include "engine/dg/dg_pdu.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

static const struct rpc_interface bc = {
	.id = { { 0x7b3c51e2, 0x4a0d, 0x4f6b, 0x8c, 0x21,
		  { 0x62, 0x72, 0x6f, 0x61, 0x64, 0x63 } }, 1, 0 },
	.name = "bc",
	.nprocs = 1,
};
static const struct rpc_interface other = {
	.id = { { 0x7b3c51e3, 0x4a0d, 0x4f6b, 0x8c, 0x21,
		  { 0x6f, 0x74, 0x68, 0x65, 0x72, 0x21 } }, 1, 0 },
	.name = "other",
	.nprocs = 1,
};

static atomic_int executions;

/* opnum 0: the [in] octets back, reversed */
static int bc_dispatch(struct rpc_call_ctx *call, uint16_t opnum,
		       const uint8_t *in, size_t inlen, struct ndr_buf *out)
{
	int ret;

	atomic_fetch_add(&executions, 1);
	ret = __ndr_buf_reserve(out, inlen);
	if (ret < 0)
		return ret;
	for (size_t i = 0; i < inlen; i++)
		out->data[i] = in[inlen - 1 - i];
	out->len = inlen;
	return 0;
}

/* a server on every address, a dynamic port: its port */
static int start(struct rpc_server **srv, const struct rpc_interface *i)
{
	char *s = NULL, *p;
	int port;

	if (rpc_server_create(srv) < 0 ||
	    __rpc_server_register_raw(*srv, i, bc_dispatch, SYN_NDR20) < 0 ||
	    rpc_server_use_protseq(*srv, "ncadg_ip_udp", NULL, "", &s) < 0 ||
	    rpc_server_listen(*srv, 2) < 0)
		return -1;
	p = strrchr(s, '[');
	port = p ? atoi(p + 1) : -1;
	free(s);
	return port;
}

static struct rpc_binding *to(int port, const char *host)
{
	struct rpc_binding *b = NULL;
	char s[96];

	snprintf(s, sizeof(s), "ncadg_ip_udp:%s[%d]", host, port);
	if (rpc_binding_from_string(s, &b) < 0)
		return NULL;
	rpc_binding_set_timeout(b, 1500);
	return b;
}

FIXTURE(bcast) {
	struct rpc_server *with, *without;
	int pwith, pwithout;
};

FIXTURE_SETUP(bcast)
{
	atomic_store(&executions, 0);
	self->pwith = start(&self->with, &bc);
	ASSERT_LT(0, self->pwith);
	/* a server of another interface only */
	self->pwithout = start(&self->without, &other);
	ASSERT_LT(0, self->pwithout);
}

FIXTURE_TEARDOWN(bcast)
{
	__rpc_cli_proc_flags = 0;
	rpc_server_free(self->with);
	rpc_server_free(self->without);
}

TEST_F(bcast, broadcast_reaches_the_server)
{
	struct rpc_binding *b = to(self->pwith, "127.255.255.255");
	struct rpc_reply r;
	int i;

	ASSERT_NE(NULL, b);
	for (i = 0; i < 3; i++) {
		__rpc_cli_proc_flags = RPC_PROC_BROADCAST;
		ASSERT_EQ(0, rpc_call_raw(b, &bc.id, 0, "abc", 3, &r));
		__rpc_cli_proc_flags = 0;
		ASSERT_EQ(3, r.len);
		EXPECT_EQ(0, memcmp(r.data, "cba", 3));
		rpc_reply_release(&r);
	}
	EXPECT_EQ(3, atomic_load(&executions));
	rpc_binding_free(b);
}

/* Without SO_BROADCAST the kernel refuses the broadcast address: the
 * plain call fails, so the test above proves the option is set. */
TEST_F(bcast, plain_call_cannot_broadcast)
{
	struct rpc_binding *b = to(self->pwith, "127.255.255.255");
	struct rpc_reply r;

	ASSERT_NE(NULL, b);
	__rpc_cli_proc_flags = RPC_PROC_IDEMPOTENT;
	EXPECT_NE(0, rpc_call_raw(b, &bc.id, 0, "abc", 3, &r));
	__rpc_cli_proc_flags = 0;
	EXPECT_EQ(0, atomic_load(&executions));
	rpc_binding_free(b);
}

TEST_F(bcast, server_without_the_interface_stays_silent)
{
	struct rpc_binding *b = to(self->pwithout, "127.255.255.255");
	struct rpc_binding *u = to(self->pwithout, "127.0.0.1");
	struct rpc_reply r;
	int ret;

	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, u);
	/* a plain call is rejected: unknown interface */
	EXPECT_EQ(-rpc_s_unknown_if, rpc_call_raw(u, &bc.id, 0, "x", 1, &r));
	/* a broadcast one gets no answer at all: the call times out */
	__rpc_cli_proc_flags = RPC_PROC_BROADCAST;
	ret = rpc_call_raw(b, &bc.id, 0, "x", 1, &r);
	__rpc_cli_proc_flags = 0;
	EXPECT_TRUE(ret == -rpc_s_timeout || ret == -rpc_s_comm_failure)
		TH_LOG("%d", ret);
	rpc_binding_free(b);
	rpc_binding_free(u);
}

/* What the server itself sends back to one request datagram for bc,
 * flags1 as given: the answer's ptype, or -1 for silence. */
static int answer_to(int port, uint8_t flags1)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(0x7f000001) };
	struct timeval tv = { 0, 400000 };
	struct dg_hdr h = { .ptype = DG_PT_REQUEST, .flags1 = flags1,
			    .if_id = bc.id.uuid, .if_vers = 1,
			    .ihint = DG_NO_HINT, .ahint = DG_NO_HINT };
	uint8_t p[DG_HDR_LEN + 4] = { 0 }, r[2048];
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	ssize_t n;

	if (fd < 0)
		return -2;
	dg_drep_local(h.drep);
	for (size_t i = 0; i < sizeof(h.act_id.node); i++)
		h.act_id.node[i] = (uint8_t)(rand() + flags1);
	h.act_id.time_low = (uint32_t)rand();
	h.len = 4;
	dg_hdr_encode(&h, p);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	sendto(fd, p, sizeof(p), 0, (struct sockaddr *)&sa, sizeof(sa));
	n = recv(fd, r, sizeof(r), 0);
	close(fd);
	return n >= DG_HDR_LEN ? r[1] : -1;
}

/* [C706] 10.1.2: a broadcast request for an interface the server does
 * not offer is not rejected; the same request sent to it alone is. */
TEST_F(bcast, no_reject_to_a_broadcast)
{
	EXPECT_EQ(DG_PT_REJECT, answer_to(self->pwithout, DG_F1_IDEMPOTENT));
	EXPECT_EQ(-1, answer_to(self->pwithout,
				DG_F1_IDEMPOTENT | DG_F1_BROADCAST));
	/* the server that offers it answers either way */
	EXPECT_EQ(DG_PT_RESPONSE, answer_to(self->pwith,
					    DG_F1_IDEMPOTENT | DG_F1_BROADCAST));
}

TEST_F(bcast, in_args_must_fit_one_datagram)
{
	struct rpc_binding *b = to(self->pwith, "127.255.255.255");
	size_t n = 4096;
	uint8_t *in = calloc(1, n);
	struct rpc_reply r;

	ASSERT_NE(NULL, b);
	ASSERT_NE(NULL, in);
	__rpc_cli_proc_flags = RPC_PROC_BROADCAST;
	EXPECT_EQ(-rpc_s_in_args_too_big, rpc_call_raw(b, &bc.id, 0, in, n, &r));
	__rpc_cli_proc_flags = 0;
	EXPECT_EQ(0, atomic_load(&executions));
	free(in);
	rpc_binding_free(b);
}

TEST_HARNESS_MAIN
