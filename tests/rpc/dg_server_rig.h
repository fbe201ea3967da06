/* SPDX-License-Identifier: MIT */
/*
 * What the connectionless server engine's tests (dg_server_test.c: the
 * protocol; dg_server_peer_test.c: hostile peers, caps, the callback,
 * what a manager learns of its caller) share: a server per test, fed
 * scripted datagrams:
 *
 *   raw UDP socket (the test) --loopback--> rpc_server, ncadg_ip_udp
 *                                           `- interface dgt
 *
 * dgt has hand-written NDR tables: Add, Sleep (polls cancel), Count
 * (counts its executions), Sum ([in] bytes: their sum, counted), Fill
 * ([out] bytes), Peer (keeps rpc_call_ctx_binding's string).
 */
#ifndef LRPC_TESTS_DG_SERVER_RIG_H
#define LRPC_TESTS_DG_SERVER_RIG_H

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <lrpc/rpc.h>
#include "runtime/runtime_int.h"
#include "runtime/server_int.h"
#include "engine/dg/dg_server.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#pragma GCC diagnostic ignored "-Wmisleading-indentation"
#pragma GCC diagnostic ignored "-Wunused-function"
#include "kselftest_harness.h"

/* ---- the interface ------------------------------------------------- */

static const struct ndr_type bytes_arr = {
	.kind = NDR_K_ARRAY, .align = 1, .size = 0, .name = "bytes",
	.a = { .elem = &ndr_type_byte, .flags = NDR_AF_CONFORMANT,
	       .size_is = { .src = NDR_EXPR_PARAM, .index = 0 } },
};
static const struct ndr_param add_p[] = {
	{ "a", &ndr_type_long, NDR_PF_IN },
	{ "b", &ndr_type_long, NDR_PF_IN },
	{ "sum", &ndr_type_long, NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_param sleep_p[] = {
	{ "ms", &ndr_type_ulong, NDR_PF_IN },
};
static const struct ndr_param count_p[] = {
	{ "n", &ndr_type_long, NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_param sum_p[] = {
	{ "n", &ndr_type_ulong, NDR_PF_IN },
	{ "data", &bytes_arr, NDR_PF_IN | NDR_PF_REF },
	{ "sum", &ndr_type_ulong, NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_param fill_p[] = {
	{ "n", &ndr_type_ulong, NDR_PF_IN },
	{ "data", &bytes_arr, NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_proc dgt_procs[] = {
	{ "Add", 0, 3, add_p, NULL },
	{ "Sleep", 1, 1, sleep_p, NULL },
	{ "Count", 2, 1, count_p, NULL },
	{ "Sum", 3, 3, sum_p, NULL },
	{ "Fill", 4, 2, fill_p, NULL },
	{ "Peer", 5, 1, count_p, NULL },
};

static atomic_int executions, cancels;

static int add_thunk(void **a, struct rpc_call_ctx *ctx)
{
	*(int32_t *)a[2] = *(int32_t *)a[0] + *(int32_t *)a[1];
	return 0;
}

static int sleep_thunk(void **a, struct rpc_call_ctx *ctx)
{
	uint32_t ms = *(uint32_t *)a[0];

	while (ms) {
		if (rpc_call_ctx_cancelled(ctx)) {
			atomic_fetch_add(&cancels, 1);
			return -nca_s_fault_cancel;
		}
		usleep(10000);
		ms = ms > 10 ? ms - 10 : 0;
	}
	return 0;
}

static int count_thunk(void **a, struct rpc_call_ctx *ctx)
{
	*(int32_t *)a[0] = atomic_fetch_add(&executions, 1) + 1;
	return 0;
}

static int sum_thunk(void **a, struct rpc_call_ctx *ctx)
{
	const uint8_t *p = a[1];
	uint32_t n = *(uint32_t *)a[0], s = 0, i;

	for (i = 0; i < n; i++)
		s += p[i];
	*(uint32_t *)a[2] = s;
	atomic_fetch_add(&executions, 1);
	return 0;
}

static int fill_thunk(void **a, struct rpc_call_ctx *ctx)
{
	uint32_t n = *(uint32_t *)a[0], i;

	for (i = 0; i < n; i++)
		((uint8_t *)a[1])[i] = (uint8_t)(i * 7);
	return 0;
}

/* what rpc_call_ctx_binding said to the last Peer call */
static char peer_seen[128];

static int peer_thunk(void **a, struct rpc_call_ctx *ctx)
{
	handle_t b = rpc_call_ctx_binding(ctx);
	char *s = NULL;

	peer_seen[0] = 0;
	if (b && !rpc_binding_to_string(b, &s))
		snprintf(peer_seen, sizeof(peer_seen), "%s", s);
	free(s);
	*(int32_t *)a[0] = b != NULL;
	return 0;
}

static const rpc_thunk_fn dgt_thunks[] = {
	add_thunk, sleep_thunk, count_thunk, sum_thunk, fill_thunk,
	peer_thunk,
};

static const struct rpc_interface dgt = {
	.id = { { 0x6d67d0a1, 0x1c2b, 0x4e57, 0x9a, 0x10,
		  { 0x0d, 0x61, 0x74, 0x61, 0x67, 0x72 } }, 1, 0 },
	.name = "dgt",
	.nprocs = 6,
	.procs = dgt_procs,
	.thunks = dgt_thunks,
};

/* ---- fixture: one server per test ------------------------------------- */

FIXTURE(dg) {
	struct rpc_server *srv;
	char *binding;
	struct sockaddr_in to;
	int fd;
	uint32_t boot;
};

FIXTURE_SETUP(dg)
{
	struct timeval tv = { 5, 0 };
	char *p;

	atomic_store(&executions, 0);
	atomic_store(&cancels, 0);
	ASSERT_EQ(0, rpc_server_create(&self->srv));
	ASSERT_EQ(0, rpc_server_register_if(self->srv, &dgt));
	ASSERT_EQ(0, rpc_server_use_protseq(self->srv, "ncadg_ip_udp",
					    "127.0.0.1", "", &self->binding));
	p = strchr(self->binding, '[');
	ASSERT_NE(NULL, p);
	memset(&self->to, 0, sizeof(self->to));
	self->to.sin_family = AF_INET;
	self->to.sin_port = htons((uint16_t)atoi(p + 1));
	self->to.sin_addr.s_addr = htonl(0x7f000001);
	ASSERT_NE(0, self->to.sin_port);
	ASSERT_EQ(0, rpc_server_listen(self->srv, 4));
	self->fd = socket(AF_INET, SOCK_DGRAM, 0);
	ASSERT_LE(0, self->fd);
	setsockopt(self->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	self->boot = __rpc_dg_srv_of(self->srv)->boot;
	/* this raw socket answers no conv callback but in the test made
	 * for it */
	__rpc_dg_srv_of(self->srv)->no_callback = true;
}

FIXTURE_TEARDOWN(dg)
{
	close(self->fd);
	rpc_server_free(self->srv);
	free(self->binding);
}

/* ---- raw datagrams ---------------------------------------------------- */

static void act_id(rpc_uuid_t *u, uint32_t n)
{
	memset(u, 0, sizeof(*u));
	u->time_low = 0xac7100 + n;
	u->time_mid = 0x1111;
	u->node[5] = (uint8_t)n;
}

struct req {
	uint32_t act, seq, boot;
	uint16_t opnum, fragnum, serial;
	uint8_t ptype, flags1;
	bool be;			/* big endian header and stub data */
	const rpc_uuid_t *if_id;
};

static void send_pdu(int fd, const struct sockaddr_in *to,
		     const struct req *r, const void *body, size_t n)
{
	uint8_t pkt[DG_HDR_LEN + 65000];
	struct dg_hdr h;

	memset(&h, 0, sizeof(h));
	h.ptype = r->ptype;
	h.flags1 = r->flags1;
	dg_drep_local(h.drep);
	if (r->be)
		h.drep[0] &= (uint8_t)~0x10;
	h.if_id = r->if_id ? *r->if_id : dgt.id.uuid;
	act_id(&h.act_id, r->act);
	h.server_boot = r->boot;
	h.if_vers = 1;
	h.seqnum = r->seq;
	h.opnum = r->opnum;
	h.ihint = h.ahint = DG_NO_HINT;
	h.len = (uint16_t)n;
	h.fragnum = r->fragnum;
	h.serial = r->serial;
	dg_hdr_encode(&h, pkt);
	if (n)
		memcpy(pkt + DG_HDR_LEN, body, n);
	sendto(fd, pkt, DG_HDR_LEN + n, 0, (const struct sockaddr *)to,
	       sizeof(*to));
}

/* A single-fragment request. */
static void call(int fd, const struct sockaddr_in *to, uint32_t act,
		 uint32_t seq, uint16_t opnum, const void *in, size_t n)
{
	struct req r = { .act = act, .seq = seq, .opnum = opnum,
			 .ptype = DG_PT_REQUEST };

	send_pdu(fd, to, &r, in, n);
}

static void simple(int fd, const struct sockaddr_in *to, uint8_t ptype,
		   uint32_t act, uint32_t seq, const void *body, size_t n)
{
	struct req r = { .act = act, .seq = seq, .ptype = ptype };

	send_pdu(fd, to, &r, body, n);
}

static uint8_t rx[DG_RECV_MAX];

/* The next datagram about activity act within ms: its header, body in
 * rx + DG_HDR_LEN; 0 or -ETIMEDOUT. */
static int recv_pdu(int fd, uint32_t act, struct dg_hdr *h, int ms)
{
	rpc_uuid_t want;

	act_id(&want, act);
	for (;;) {
		struct pollfd pf = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&pf, 1, ms) <= 0)
			return -ETIMEDOUT;
		r = recv(fd, rx, sizeof(rx), 0);
		if (r < 0 || dg_hdr_decode(rx, (size_t)r, h) < 0)
			return -EPROTO;
		if (!memcmp(&h->act_id, &want, sizeof(want)))
			return 0;
	}
}

/* The next datagram of type ptype about act (others skipped). */
static int expect(int fd, uint32_t act, uint8_t ptype, struct dg_hdr *h,
		  int ms)
{
	for (;;) {
		int ret = recv_pdu(fd, act, h, ms);

		if (ret < 0)
			return ret;
		if (h->ptype == ptype)
			return 0;
	}
}

static uint32_t body32(const struct dg_hdr *h, size_t off)
{
	uint32_t v;

	memcpy(&v, rx + DG_HDR_LEN + off, 4);
	return dg_hdr_be(h) ? ntohl(v) : v;
}

static uint32_t count_once(int fd, const struct sockaddr_in *to,
			   uint32_t act, uint32_t seq)
{
	struct dg_hdr h;

	call(fd, to, act, seq, 2, NULL, 0);
	if (expect(fd, act, DG_PT_RESPONSE, &h, 2000) < 0)
		return 0;
	return body32(&h, 0);
}

#endif /* LRPC_TESTS_DG_SERVER_RIG_H */
