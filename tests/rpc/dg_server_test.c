// SPDX-License-Identifier: MIT
/*
 * The connectionless server engine (engine/dg) against scripted
 * datagrams:
 *
 *   raw UDP socket (this test) --loopback--> rpc_server, ncadg_ip_udp
 *                                            `- interface dgt
 *
 * dgt has hand-written NDR tables: Add, Sleep (polls cancel), Count
 * (counts its executions), Sum ([in] bytes: their sum, counted), Fill
 * ([out] bytes).  What a client of the connectionless protocol would do
 * -- fragments out of order and twice, pings, acks, facks, cancels --
 * and what a hostile peer would send, one datagram at a time.
 */
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

static const rpc_thunk_fn dgt_thunks[] = {
	add_thunk, sleep_thunk, count_thunk, sum_thunk, fill_thunk,
};

static const struct rpc_interface dgt = {
	.id = { { 0x6d67d0a1, 0x1c2b, 0x4e57, 0x9a, 0x10,
		  { 0x0d, 0x61, 0x74, 0x61, 0x67, 0x72 } }, 1, 0 },
	.name = "dgt",
	.nprocs = 5,
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

/* ---- tests ------------------------------------------------------------ */

TEST_F(dg, single_fragment_call)
{
	int32_t in[2] = { 40, 2 };
	struct dg_hdr h;

	call(self->fd, &self->to, 1, 7, 0, in, sizeof(in));
	ASSERT_EQ(0, expect(self->fd, 1, DG_PT_RESPONSE, &h, 2000));
	EXPECT_EQ(4, h.len);
	EXPECT_EQ(42, body32(&h, 0));
	EXPECT_EQ(7, h.seqnum);
	EXPECT_EQ(self->boot, h.server_boot);
	EXPECT_NE(0, h.server_boot);
	EXPECT_EQ(0, h.flags1 & (DG_F1_FRAG | DG_F1_LASTFRAG));
	/* a call knowing the boot time is taken too */
	{
		struct req r = { .act = 1, .seq = 8, .boot = self->boot,
				 .ptype = DG_PT_REQUEST };

		send_pdu(self->fd, &self->to, &r, in, sizeof(in));
		ASSERT_EQ(0, expect(self->fd, 1, DG_PT_RESPONSE, &h, 2000));
		EXPECT_EQ(8, h.seqnum);
	}
}

TEST_F(dg, fragmented_in_runs_once)
{
	enum { N = 5000 };
	uint8_t *in = malloc(8 + N);
	uint32_t n = N, want = 0, i, nfacks = 0;
	const int order[] = { 2, 0, 0, 3, 2, 1 };
	size_t total = 8 + N, nfrag = (total + DG_MAX_BODY - 1) / DG_MAX_BODY;
	struct dg_hdr h;

	ASSERT_EQ(4, nfrag);
	memcpy(in, &n, 4);
	memcpy(in + 4, &n, 4);		/* conformance */
	for (i = 0; i < N; i++) {
		in[8 + i] = (uint8_t)(i * 13);
		want += (uint8_t)(i * 13);
	}
	for (i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		int f = order[i];
		size_t off = (size_t)f * DG_MAX_BODY;
		size_t len = total - off < DG_MAX_BODY ? total - off
						       : DG_MAX_BODY;
		struct req r = { .act = 2, .seq = 1, .opnum = 3,
				 .ptype = DG_PT_REQUEST, .fragnum = (uint16_t)f,
				 .serial = (uint16_t)i,
				 .flags1 = DG_F1_FRAG |
					   (f == 3 ? DG_F1_LASTFRAG : 0) };

		send_pdu(self->fd, &self->to, &r, in + off, len);
		usleep(2000);
	}
	/* facks for every fragment (none had NOFACK), then the answer */
	for (;;) {
		ASSERT_EQ(0, recv_pdu(self->fd, 2, &h, 2000));
		if (h.ptype == DG_PT_FACK) {
			nfacks++;
			continue;
		}
		ASSERT_EQ(DG_PT_RESPONSE, h.ptype);
		break;
	}
	EXPECT_EQ(want, body32(&h, 0));
	EXPECT_LE(5, nfacks);
	EXPECT_EQ(1, atomic_load(&executions));
	/* every fragment again: the cached answer, no second run */
	for (i = 0; i < 4; i++) {
		size_t off = (size_t)i * DG_MAX_BODY;
		struct req r = { .act = 2, .seq = 1, .opnum = 3,
				 .ptype = DG_PT_REQUEST, .fragnum = (uint16_t)i,
				 .flags1 = DG_F1_FRAG | DG_F1_NOFACK |
					   (i == 3 ? DG_F1_LASTFRAG : 0) };

		send_pdu(self->fd, &self->to, &r, in + off,
			 total - off < DG_MAX_BODY ? total - off : DG_MAX_BODY);
	}
	ASSERT_EQ(0, expect(self->fd, 2, DG_PT_RESPONSE, &h, 2000));
	EXPECT_EQ(want, body32(&h, 0));
	usleep(100000);
	EXPECT_EQ(1, atomic_load(&executions));
	free(in);
}

TEST_F(dg, duplicate_after_response_is_not_run_again)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	struct dg_hdr h;

	EXPECT_EQ(1, count_once(self->fd, &self->to, 3, 1));
	EXPECT_EQ(1, count_once(self->fd, &self->to, 3, 1));
	EXPECT_EQ(1, count_once(self->fd, &self->to, 3, 1));
	EXPECT_EQ(1, atomic_load(&executions));
	EXPECT_LE(2, atomic_load(&dg->st.dup_requests));
	/* the next call runs, the older one is dropped */
	EXPECT_EQ(2, count_once(self->fd, &self->to, 3, 2));
	call(self->fd, &self->to, 3, 1, 2, NULL, 0);
	EXPECT_EQ(-ETIMEDOUT, recv_pdu(self->fd, 3, &h, 300));
	EXPECT_EQ(2, atomic_load(&executions));
}

TEST_F(dg, ping_while_running_and_unknown)
{
	uint32_t ms = 600;
	struct dg_hdr h;

	call(self->fd, &self->to, 4, 1, 1, &ms, 4);
	usleep(100000);
	simple(self->fd, &self->to, DG_PT_PING, 4, 1, NULL, 0);
	ASSERT_EQ(0, recv_pdu(self->fd, 4, &h, 2000));
	EXPECT_EQ(DG_PT_WORKING, h.ptype);
	/* the same request again while it runs: working, not a second run */
	call(self->fd, &self->to, 4, 1, 1, &ms, 4);
	ASSERT_EQ(0, recv_pdu(self->fd, 4, &h, 2000));
	EXPECT_EQ(DG_PT_WORKING, h.ptype);
	ASSERT_EQ(0, expect(self->fd, 4, DG_PT_RESPONSE, &h, 3000));
	/* done: a ping gets the answer again */
	simple(self->fd, &self->to, DG_PT_PING, 4, 1, NULL, 0);
	ASSERT_EQ(0, recv_pdu(self->fd, 4, &h, 2000));
	EXPECT_EQ(DG_PT_RESPONSE, h.ptype);
	/* a call the server never heard of */
	simple(self->fd, &self->to, DG_PT_PING, 99, 5, NULL, 0);
	ASSERT_EQ(0, recv_pdu(self->fd, 99, &h, 2000));
	EXPECT_EQ(DG_PT_NOCALL, h.ptype);
	EXPECT_EQ(5, h.seqnum);
}

TEST_F(dg, ack_forgets_the_answer)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	struct dg_hdr h;
	size_t before;

	EXPECT_EQ(1, count_once(self->fd, &self->to, 5, 1));
	pthread_mutex_lock(&dg->lock);
	before = dg->bytes;
	pthread_mutex_unlock(&dg->lock);
	EXPECT_LT(0, before);
	simple(self->fd, &self->to, DG_PT_ACK, 5, 1, NULL, 0);
	usleep(100000);
	pthread_mutex_lock(&dg->lock);
	EXPECT_EQ(0, dg->bytes);
	pthread_mutex_unlock(&dg->lock);
	/* the old request again: neither run nor answered */
	call(self->fd, &self->to, 5, 1, 2, NULL, 0);
	EXPECT_EQ(-ETIMEDOUT, recv_pdu(self->fd, 5, &h, 300));
	EXPECT_EQ(1, atomic_load(&executions));
	/* nothing to ping for: nocall */
	simple(self->fd, &self->to, DG_PT_PING, 5, 1, NULL, 0);
	ASSERT_EQ(0, recv_pdu(self->fd, 5, &h, 2000));
	EXPECT_EQ(DG_PT_NOCALL, h.ptype);
}

TEST_F(dg, maybe_call_runs_without_answer)
{
	struct req r = { .act = 6, .seq = 1, .opnum = 2,
			 .ptype = DG_PT_REQUEST, .flags1 = DG_F1_MAYBE };
	struct dg_hdr h;

	send_pdu(self->fd, &self->to, &r, NULL, 0);
	EXPECT_EQ(-ETIMEDOUT, recv_pdu(self->fd, 6, &h, 300));
	EXPECT_EQ(1, atomic_load(&executions));
}

TEST_F(dg, bad_datagrams_are_dropped_or_rejected)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	uint8_t pkt[200];
	int32_t in[2] = { 1, 2 };
	rpc_uuid_t other = dgt.id.uuid;
	struct dg_hdr h;
	uint64_t bad0 = atomic_load(&dg->st.malformed);

	/* wrong version, truncated, body length past the datagram */
	{
		struct req r = { .act = 10, .seq = 1, .ptype = DG_PT_REQUEST };

		memset(pkt, 0, sizeof(pkt));
		send_pdu(self->fd, &self->to, &r, in, sizeof(in));
		ASSERT_EQ(0, expect(self->fd, 10, DG_PT_RESPONSE, &h, 2000));
		dg_hdr_encode(&h, pkt);
		pkt[0] = 5;
		sendto(self->fd, pkt, 88, 0, (void *)&self->to,
		       sizeof(self->to));
		pkt[0] = 4;
		sendto(self->fd, pkt, 40, 0, (void *)&self->to,
		       sizeof(self->to));
		h.len = 1000;
		h.ptype = DG_PT_REQUEST;
		dg_hdr_encode(&h, pkt);
		sendto(self->fd, pkt, 100, 0, (void *)&self->to,
		       sizeof(self->to));
		sendto(self->fd, pkt, 0, 0, (void *)&self->to,
		       sizeof(self->to));
		EXPECT_EQ(-ETIMEDOUT, recv_pdu(self->fd, 10, &h, 300));
		EXPECT_LE(bad0 + 4, atomic_load(&dg->st.malformed));
	}
	/* a fragment past the last: a reject (proto_error) */
	{
		struct req r = { .act = 11, .seq = 1, .opnum = 3,
				 .ptype = DG_PT_REQUEST,
				 .flags1 = DG_F1_FRAG | DG_F1_LASTFRAG |
					   DG_F1_NOFACK, .fragnum = 1 };

		send_pdu(self->fd, &self->to, &r, pkt, 16);
		r.fragnum = 3;
		r.flags1 = DG_F1_FRAG | DG_F1_NOFACK;
		send_pdu(self->fd, &self->to, &r, pkt, 16);
		ASSERT_EQ(0, expect(self->fd, 11, DG_PT_REJECT, &h, 2000));
		EXPECT_EQ(nca_s_proto_error, body32(&h, 0));
	}
	/* two last fragments */
	{
		struct req r = { .act = 12, .seq = 1, .opnum = 3,
				 .ptype = DG_PT_REQUEST,
				 .flags1 = DG_F1_FRAG | DG_F1_LASTFRAG |
					   DG_F1_NOFACK, .fragnum = 2 };

		send_pdu(self->fd, &self->to, &r, pkt, 16);
		r.fragnum = 4;
		send_pdu(self->fd, &self->to, &r, pkt, 16);
		ASSERT_EQ(0, expect(self->fd, 12, DG_PT_REJECT, &h, 2000));
		EXPECT_EQ(nca_s_proto_error, body32(&h, 0));
	}
	/* an interface nobody registered, an operation past the last */
	{
		struct req r = { .act = 13, .seq = 1, .ptype = DG_PT_REQUEST,
				 .if_id = &other };

		other.time_low ^= 1;
		send_pdu(self->fd, &self->to, &r, in, sizeof(in));
		ASSERT_EQ(0, expect(self->fd, 13, DG_PT_REJECT, &h, 2000));
		EXPECT_EQ(nca_s_unk_if, body32(&h, 0));
		call(self->fd, &self->to, 13, 2, 77, in, sizeof(in));
		ASSERT_EQ(0, expect(self->fd, 13, DG_PT_REJECT, &h, 2000));
		EXPECT_EQ(nca_s_op_rng_error, body32(&h, 0));
		/* [in] data that does not decode: a fault */
		call(self->fd, &self->to, 13, 3, 3, in, 2);
		ASSERT_EQ(0, recv_pdu(self->fd, 13, &h, 2000));
		EXPECT_EQ(DG_PT_FAULT, h.ptype);
	}
	/* meant for another boot of the server */
	{
		struct req r = { .act = 14, .seq = 1, .ptype = DG_PT_REQUEST,
				 .boot = self->boot + 1 };

		send_pdu(self->fd, &self->to, &r, in, sizeof(in));
		ASSERT_EQ(0, expect(self->fd, 14, DG_PT_REJECT, &h, 2000));
		EXPECT_EQ(nca_s_wrong_boot_time, body32(&h, 0));
	}
	/* a server's PDU sent to the server */
	simple(self->fd, &self->to, DG_PT_WORKING, 15, 1, NULL, 0);
	EXPECT_EQ(-ETIMEDOUT, recv_pdu(self->fd, 15, &h, 200));
	/* and it still answers */
	call(self->fd, &self->to, 16, 1, 0, in, sizeof(in));
	ASSERT_EQ(0, expect(self->fd, 16, DG_PT_RESPONSE, &h, 2000));
	EXPECT_EQ(3, body32(&h, 0));
	EXPECT_EQ(0, atomic_load(&executions));
}

TEST_F(dg, cancel_is_acknowledged)
{
	uint32_t ms = 5000, cbody[2] = { 0, 77 };
	struct dg_hdr h;

	call(self->fd, &self->to, 20, 1, 1, &ms, 4);
	usleep(100000);
	simple(self->fd, &self->to, DG_PT_CL_CANCEL, 20, 1, cbody,
	       sizeof(cbody));
	ASSERT_EQ(0, expect(self->fd, 20, DG_PT_CANCEL_ACK, &h, 2000));
	EXPECT_EQ(77, body32(&h, 4));
	ASSERT_EQ(0, expect(self->fd, 20, DG_PT_FAULT, &h, 3000));
	EXPECT_EQ(nca_s_fault_cancel, body32(&h, 0));
	EXPECT_EQ(1, atomic_load(&cancels));
}

/* Fill(n): collect the response, fack every burst; the first time
 * fragment 2 comes it is "lost". */
TEST_F(dg, fragmented_out_with_facks_and_a_loss)
{
	enum { N = 100000 };
	uint32_t n = N, i, got = 0, nfrags = 0;
	uint8_t *have = calloc(1, 256), *out = calloc(1, N + 4096);
	bool lost = false;
	struct dg_hdr h;
	uint16_t serial = 0;

	call(self->fd, &self->to, 30, 1, 4, &n, 4);
	while (!nfrags || got < nfrags) {
		uint32_t inorder;

		ASSERT_EQ(0, recv_pdu(self->fd, 30, &h, 3000));
		ASSERT_EQ(DG_PT_RESPONSE, h.ptype);
		ASSERT_TRUE(h.flags1 & DG_F1_FRAG);
		if (h.flags1 & DG_F1_LASTFRAG)
			nfrags = h.fragnum + 1u;
		if (h.fragnum == 2 && !lost) {
			lost = true;
			continue;
		}
		if (!have[h.fragnum]) {
			have[h.fragnum] = 1;
			got++;
			memcpy(out + (size_t)h.fragnum * DG_MAX_BODY,
			       rx + DG_HDR_LEN, h.len);
		}
		if (h.flags1 & DG_F1_NOFACK)
			continue;
		/* fack: highest in order, selective bits beyond */
		{
			struct dg_fack f = { .vers = 0, .window_size = 32,
					     .max_tsdu = 65535,
					     .max_frag_size = DG_MAX_PDU,
					     .serial_num = h.serial };
			uint8_t fb[64];
			size_t fl;
			struct req r = { .act = 30, .seq = 1, .opnum = 4,
					 .ptype = DG_PT_FACK,
					 .serial = serial++ };

			for (inorder = 0; have[inorder]; inorder++)
				;
			r.fragnum = inorder ? (uint16_t)(inorder - 1) : 0xffff;
			/* bit k: fragment fragnum + 1 + k */
			for (i = inorder + 1; i < inorder + 64; i++)
				if (i < 256 && have[i]) {
					uint32_t k = i - inorder;

					f.selack[k / 32] |= 1u << (k % 32);
					f.selack_len = (uint16_t)(k / 32 + 1);
				}
			fl = dg_fack_encode(&f, false, fb);
			send_pdu(self->fd, &self->to, &r, fb, fl);
		}
	}
	EXPECT_TRUE(lost);
	EXPECT_EQ((4 + N + DG_MAX_BODY - 1) / DG_MAX_BODY, nfrags);
	memcpy(&i, out, 4);
	EXPECT_EQ(N, i);
	for (i = 0; i < N; i++)
		if (out[4 + i] != (uint8_t)(i * 7))
			break;
	EXPECT_EQ(N, i);
	simple(self->fd, &self->to, DG_PT_ACK, 30, 1, NULL, 0);
	free(have);
	free(out);
}

TEST_F_TIMEOUT(dg, flood_of_activities_is_capped, 120)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	int32_t in[2] = { 1, 1 };
	unsigned int nacts;
	struct dg_hdr h;
	int i;

	for (i = 0; i < 10000; i++) {
		call(self->fd, &self->to, 100000 + i, 1, 0, in, sizeof(in));
		if (i % 200 == 199) {
			/* let the server keep up; drain the answers */
			while (!recv_pdu(self->fd, 100000 + i, &h, 50))
				;
		}
	}
	while (!recv_pdu(self->fd, 0, &h, 300))
		;
	pthread_mutex_lock(&dg->lock);
	nacts = dg->nacts;
	pthread_mutex_unlock(&dg->lock);
	EXPECT_LE(nacts, DG_ACT_MAX);
	EXPECT_LT(0, atomic_load(&dg->st.evicted));
	EXPECT_GE(dg->st.executed, 5000);
	TH_LOG("activities %u, evicted %lu, executed %lu", nacts,
	       (unsigned long)dg->st.evicted, (unsigned long)dg->st.executed);
	/* still answering */
	call(self->fd, &self->to, 7, 1, 0, in, sizeof(in));
	ASSERT_EQ(0, expect(self->fd, 7, DG_PT_RESPONSE, &h, 2000));
	EXPECT_EQ(2, body32(&h, 0));
}

/* Our own datagram client engine against the server, the conversation
 * callback on: the first call of each activity is vouched for by the
 * client (conv_who_are_you2), and every call runs once. */
TEST_F_TIMEOUT(dg, client_engine_end_to_end, 60)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	struct rpc_binding *b;
	int32_t x = 20, y = 22, sum = 0, cnt = 0;
	uint32_t n = 200000, total = 0, want = 0, i;
	uint8_t *big = malloc(n);

	atomic_store(&dg->no_callback, false);
	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &b));
	{
		void *args[3] = { &x, &y, &sum };

		ASSERT_EQ(0, rpc_call(b, &dgt, 0, args));
		EXPECT_EQ(42, sum);
	}
	for (i = 1; i <= 3; i++) {
		void *args[1] = { &cnt };

		ASSERT_EQ(0, rpc_call(b, &dgt, 2, args));
		EXPECT_EQ(i, cnt);
	}
	for (i = 0; i < n; i++) {
		big[i] = (uint8_t)(i * 31);
		want += big[i];
	}
	{
		void *args[3] = { &n, big, &total };

		ASSERT_EQ(0, rpc_call(b, &dgt, 3, args));
		EXPECT_EQ(want, total);
	}
	memset(big, 0, n);
	{
		void *args[2] = { &n, big };

		ASSERT_EQ(0, rpc_call(b, &dgt, 4, args));
		for (i = 0; i < n; i++)
			if (big[i] != (uint8_t)(i * 7))
				break;
		EXPECT_EQ(n, i);
	}
	EXPECT_EQ(4, atomic_load(&executions));
	EXPECT_LE(1, atomic_load(&dg->st.conv_calls));
	EXPECT_EQ(0, atomic_load(&dg->st.conv_failed));
	TH_LOG("conv callbacks %lu, dups %lu, resent %lu",
	       (unsigned long)dg->st.conv_calls,
	       (unsigned long)dg->st.dup_requests,
	       (unsigned long)dg->st.resent);
	rpc_binding_free(b);
	free(big);
}

/* A client that never answers the callback: its call does not run. */
TEST_F(dg, unanswered_callback_rejects_the_call)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	struct dg_hdr h;
	int got_conv = 0;

	atomic_store(&dg->no_callback, false);
	call(self->fd, &self->to, 40, 1, 2, NULL, 0);
	/* the callback comes to this socket: a request of the conv
	 * interface; not answered */
	for (;;) {
		struct pollfd pf = { self->fd, POLLIN, 0 };
		rpc_uuid_t want;
		ssize_t r;

		ASSERT_LT(0, poll(&pf, 1, 6000));
		r = recv(self->fd, rx, sizeof(rx), 0);
		ASSERT_LT(0, r);
		ASSERT_EQ(0, dg_hdr_decode(rx, (size_t)r, &h));
		act_id(&want, 40);
		if (h.ptype == DG_PT_REQUEST && h.if_id.time_low == 0x333a2276) {
			got_conv++;
			continue;
		}
		if (!memcmp(&h.act_id, &want, sizeof(want)) &&
		    h.ptype == DG_PT_REJECT)
			break;
	}
	EXPECT_LE(1, got_conv);
	EXPECT_EQ(nca_s_who_are_you_failed, body32(&h, 0));
	EXPECT_EQ(0, atomic_load(&executions));
	EXPECT_EQ(1, atomic_load(&dg->st.conv_failed));
}

/* A window nobody facks: its first fragment comes again (asking for a
 * fack), with back-off, until the client speaks. */
TEST_F(dg, unfacked_window_is_sent_again)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	uint32_t n = 20000;
	int first = 0, again = 0;
	struct dg_hdr h;

	call(self->fd, &self->to, 50, 1, 4, &n, 4);
	while (!recv_pdu(self->fd, 50, &h, 1500)) {
		ASSERT_EQ(DG_PT_RESPONSE, h.ptype);
		if (h.fragnum == 0 && first++)
			again++;
		if (again == 2)
			break;
	}
	EXPECT_EQ(2, again);
	EXPECT_EQ(1, first - again);
	/* the ack ends it: nothing more comes */
	simple(self->fd, &self->to, DG_PT_ACK, 50, 1, NULL, 0);
	usleep(50000);
	while (!recv_pdu(self->fd, 50, &h, 100))
		;
	EXPECT_EQ(-ETIMEDOUT, recv_pdu(self->fd, 50, &h, 1200));
	pthread_mutex_lock(&dg->lock);
	EXPECT_EQ(0, dg->nflight);
	pthread_mutex_unlock(&dg->lock);
}

/* An idempotent call's answer is kept a short while only. */
TEST_F_TIMEOUT(dg, idempotent_answer_is_forgotten_soon, 30)
{
	struct dg_srv *dg = __rpc_dg_srv_of(self->srv);
	struct req r = { .act = 51, .seq = 1, .opnum = 2,
			 .ptype = DG_PT_REQUEST, .flags1 = DG_F1_IDEMPOTENT };
	struct dg_hdr h;
	size_t bytes;

	send_pdu(self->fd, &self->to, &r, NULL, 0);
	ASSERT_EQ(0, expect(self->fd, 51, DG_PT_RESPONSE, &h, 2000));
	usleep((DG_IDEM_CACHE_MS + 500) * 1000);
	pthread_mutex_lock(&dg->lock);
	bytes = dg->bytes;
	pthread_mutex_unlock(&dg->lock);
	EXPECT_EQ(0, bytes);
}

TEST_HARNESS_MAIN
