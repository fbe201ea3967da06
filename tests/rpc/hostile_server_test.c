// SPDX-License-Identifier: MIT
/*
 * A client that no server can hang (issue 20, the client half): the
 * ncacn_ip_tcp client against fake servers written here.
 *
 *   rpc_call_raw --TCP 127.0.0.1:port 0--> peer thread
 *                                          |- SILENT: accepts, never answers
 *                                          |- WINE:   bind_ack, then answers
 *                                          |          every request with call_id 1
 *                                          `- LATE:   answers each request with
 *                                                     its own call_id, late
 *
 * Every test arms a watchdog (alarm) so that a hang is a failure, not a
 * stuck run, and prints the times it measured.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <lrpc/rpc.h>
#include "runtime/runtime_int.h"
#include "engine/co/pdu.h"
#include "transport/transport.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define WATCHDOG_S	15

enum peer_mode { SILENT, WINE, LATE };

struct peer {
	enum peer_mode mode;
	int batch;		/* WINE: requests read before it answers */
	int late_ms;		/* LATE: delay of each answer */
	int lfd, port;
	pthread_t th;
	atomic_bool stop;
	atomic_int requests;	/* requests read */
	atomic_llong t_eof;	/* when the client closed (ms), 0: not yet */
};

static const struct rpc_syntax_id iface = {
	{ 0x0badc0de, 0x2020, 0x4020, 0x80, 0x20,
	  { 0x20, 0x20, 0x20, 0x20, 0x20, 0x20 } }, 1, 0 };

/* One whole PDU from fd within ms into buf: its length, or < 0. */
static int peer_read(int fd, uint8_t *buf, size_t size, int ms)
{
	uint16_t fl;
	int ret = __rpc_read_all(fd, buf, RPC_CO_HDR_LEN, ms);

	if (ret < 0)
		return ret;
	if (__rpc_co_peek(buf, RPC_CO_HDR_LEN, &fl) < 0 || fl > size)
		return -EPROTO;
	ret = __rpc_read_all(fd, buf + RPC_CO_HDR_LEN, fl - RPC_CO_HDR_LEN, ms);
	return ret < 0 ? ret : fl;
}

static int peer_send(int fd, uint8_t ptype, uint32_t call_id,
		     const struct rpc_pdu *pdu)
{
	struct rpc_co_enc e = { ptype, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
				false, call_id };
	struct ndr_buf b = { 0 };
	int ret = __rpc_co_encode(&b, &e, pdu);

	if (ret > 0)
		ret = __rpc_write_all(fd, b.data, b.len, 2000);
	__ndr_buf_free(&b);
	return ret;
}

/* bind_ack by [C706] 12.6.4.4: NDR20 accepted, every other context
 * (NDR64, bind time feature negotiation) refused, as an old server does */
static int peer_bind_ack(int fd, const struct rpc_pdu *bind)
{
	struct rpc_pdu *a = calloc(1, sizeof(*a));
	bool accepted = false;
	int i, ret;

	a->bind_ack.max_xmit_frag = 4280;
	a->bind_ack.max_recv_frag = 4280;
	a->bind_ack.assoc_group_id = 0x2020;
	a->bind_ack.n_results = bind->bind.n_ctx;
	for (i = 0; i < bind->bind.n_ctx; i++) {
		struct rpc_pres_result *r = &a->bind_ack.res[i];

		if (!accepted && !memcmp(&bind->bind.ctx[i].tsyn[0],
					 &rpc_syntax_ndr20,
					 sizeof(rpc_syntax_ndr20))) {
			r->result = RPC_RESULT_ACCEPT;
			r->tsyn = rpc_syntax_ndr20;
			accepted = true;
		} else {
			r->result = RPC_RESULT_PROVIDER_REJECTION;
			r->reason = RPC_REASON_TRANSFER_SYNTAXES_NOT_SUPPORTED;
		}
	}
	ret = peer_send(fd, RPC_PT_BIND_ACK, bind->hdr.call_id, a);
	free(a);
	return ret;
}

static int64_t now_ms(void)
{
	return __rpc_now_ms();
}

/* Answer with the stub of request q (held in its own buffer). */
static int peer_answer(int fd, uint32_t call_id, const struct rpc_pdu *q)
{
	struct rpc_pdu r;

	memset(&r, 0, sizeof(r));
	r.response.alloc_hint = (uint32_t)q->stub_len;
	r.response.ctx_id = q->request.ctx_id;
	r.stub = q->stub;
	r.stub_len = q->stub_len;
	return peer_send(fd, RPC_PT_RESPONSE, call_id, &r);
}

static void peer_serve(struct peer *pr, int fd)
{
	static __thread uint8_t bufs[2][8192];
	struct rpc_pdu *q = calloc(2, sizeof(*q));
	int n = 0, len = 0;

	while (!atomic_load(&pr->stop)) {
		len = peer_read(fd, bufs[n], sizeof(bufs[n]), 100);
		if (len == -ETIMEDOUT)
			continue;
		if (len < 0)
			break;
		if (pr->mode == SILENT)
			continue;
		if (__rpc_co_decode(bufs[n], (size_t)len, &q[n]) < 0)
			break;
		if (q[n].hdr.ptype == RPC_PT_BIND) {
			peer_bind_ack(fd, &q[n]);
			continue;
		}
		if (q[n].hdr.ptype != RPC_PT_REQUEST)
			continue;
		atomic_fetch_add(&pr->requests, 1);
		if (pr->mode == LATE) {
			usleep((useconds_t)pr->late_ms * 1000);
			peer_answer(fd, q[n].hdr.call_id, &q[n]);
			continue;
		}
		if (++n < pr->batch)
			continue;
		/* Wine's rpcrt4: call_id 1 whatever the request said */
		peer_answer(fd, 1, &q[0]);
		n = 0;
	}
	if (len == -ECONNRESET)
		atomic_store(&pr->t_eof, now_ms());
	free(q);
}

static void *peer_main(void *arg)
{
	struct peer *pr = arg;

	while (!atomic_load(&pr->stop)) {
		struct pollfd pf = { pr->lfd, POLLIN, 0 };
		int fd;

		if (poll(&pf, 1, 100) <= 0)
			continue;
		fd = accept(pr->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		peer_serve(pr, fd);
		close(fd);
	}
	return NULL;
}

/* Listen on 127.0.0.1, a port the kernel picks (as rpc_server does for
 * an empty endpoint); backlog: listen()'s. */
static int peer_start(struct peer *pr, enum peer_mode mode, int backlog)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t al = sizeof(a);

	pr->mode = mode;
	if (!pr->batch)
		pr->batch = 1;
	pr->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (pr->lfd < 0 || bind(pr->lfd, (struct sockaddr *)&a, sizeof(a)) ||
	    listen(pr->lfd, backlog) ||
	    getsockname(pr->lfd, (struct sockaddr *)&a, &al))
		return -errno;
	pr->port = ntohs(a.sin_port);
	return pthread_create(&pr->th, NULL, peer_main, pr) ? -EAGAIN : 0;
}

static void peer_stop(struct peer *pr)
{
	atomic_store(&pr->stop, true);
	pthread_join(pr->th, NULL);
	close(pr->lfd);
}

static int client(const struct peer *pr, const char *opts,
		  struct rpc_binding **b)
{
	char s[128];

	snprintf(s, sizeof(s), "ncacn_ip_tcp:127.0.0.1[%d,nolocal%s]",
		 pr->port, opts);
	return rpc_binding_from_string(s, b);
}

/* A call with 4 stub octets; 0 when the answer is their echo. */
static int echo_call(struct rpc_binding *b, uint32_t v)
{
	struct rpc_reply r;
	int ret = rpc_call_raw(b, &iface, 0, &v, sizeof(v), &r);

	if (!ret && (r.len != sizeof(v) || memcmp(r.data, &v, sizeof(v))))
		ret = -EBADMSG;
	rpc_reply_release(&r);
	return ret;
}

/* Wait up to ms for the peer to see the client's end close. */
static int64_t peer_eof_within(struct peer *pr, int ms)
{
	int64_t end = now_ms() + ms;

	while (!atomic_load(&pr->t_eof) && now_ms() < end)
		usleep(10000);
	return atomic_load(&pr->t_eof);
}

/* ---- a server that accepts and never answers -------------------------- */

FIXTURE(silent) {
	struct peer pr;
};

FIXTURE_VARIANT(silent) {
	const char *how;	/* how the level is set: api, option, env */
};

FIXTURE_VARIANT_ADD(silent, api) { .how = "api" };
FIXTURE_VARIANT_ADD(silent, option) { .how = "option" };
FIXTURE_VARIANT_ADD(silent, env) { .how = "env" };

FIXTURE_SETUP(silent)
{
	alarm(WATCHDOG_S);
	memset(&self->pr, 0, sizeof(self->pr));
	ASSERT_EQ(0, peer_start(&self->pr, SILENT, 16));
}

FIXTURE_TEARDOWN(silent)
{
	peer_stop(&self->pr);
}

/* com time-out level 0: connect 1 s, bind 2 s */
TEST_F(silent, bind_fails_within_com_timeout)
{
	struct rpc_binding *b;
	int64_t t0, t;
	int ret;

	if (!strcmp(variant->how, "env"))
		setenv("LRPC_COM_TIMEOUT", "0", 1);
	ASSERT_EQ(0, client(&self->pr, !strcmp(variant->how, "option") ?
				    ",com_timeout=0" : "", &b));
	if (!strcmp(variant->how, "api"))
		ASSERT_EQ(0, rpc_mgmt_set_com_timeout(b, 0));
	t0 = now_ms();
	ret = echo_call(b, 1);
	t = now_ms() - t0;
	TH_LOG("unanswered bind (%s): %s after %lld ms", variant->how,
	       rpc_status_name(ret), (long long)t);
	EXPECT_EQ(-rpc_s_comm_failure, ret);
	EXPECT_GE(t, 1900);
	EXPECT_LE(t, 3000);
	/* and the connection is closed, not left to the server */
	EXPECT_NE(0, peer_eof_within(&self->pr, 1000));
	rpc_binding_free(b);
}

/* the call's own time-out, when earlier, still gives -rpc_s_timeout */
TEST(call_timeout_earlier_than_com_timeout)
{
	struct peer pr = { 0 };
	struct rpc_binding *b;
	int64_t t0, t;
	int ret;

	alarm(WATCHDOG_S);
	ASSERT_EQ(0, peer_start(&pr, SILENT, 16));
	ASSERT_EQ(0, client(&pr, ",timeout=500", &b));
	t0 = now_ms();
	ret = echo_call(b, 1);
	t = now_ms() - t0;
	TH_LOG("unanswered bind, call time-out 500 ms: %s after %lld ms",
	       rpc_status_name(ret), (long long)t);
	EXPECT_EQ(-rpc_s_timeout, ret);
	EXPECT_LE(t, 1500);
	rpc_binding_free(b);
	peer_stop(&pr);
}

/* a connect that cannot complete: the listener's queue is full */
TEST(connect_fails_within_com_timeout)
{
	struct peer pr = { 0 };
	struct rpc_binding *b;
	int fill[4], i, n = 0;
	int64_t t0, t;
	int ret;

	alarm(WATCHDOG_S);
	pr.stop = true;		/* nobody accepts */
	ASSERT_EQ(0, peer_start(&pr, SILENT, 0));
	for (i = 0; i < 4; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_port = htons((uint16_t)pr.port),
					 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

		fill[i] = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
		connect(fill[i], (struct sockaddr *)&a, sizeof(a));
		n++;
	}
	usleep(50000);
	ASSERT_EQ(0, client(&pr, ",com_timeout=0", &b));
	t0 = now_ms();
	ret = echo_call(b, 1);
	t = now_ms() - t0;
	TH_LOG("full accept queue: %s after %lld ms", rpc_status_name(ret),
	       (long long)t);
	rpc_binding_free(b);
	for (i = 0; i < n; i++)
		close(fill[i]);
	pthread_join(pr.th, NULL);
	close(pr.lfd);
	if (ret == -rpc_s_comm_failure)
		SKIP(return, "the kernel completed the connect anyway");
	EXPECT_EQ(-rpc_s_server_unavailable, ret);
	EXPECT_GE(t, 900);
	EXPECT_LE(t, 2000);
}

TEST(com_timeout_levels)
{
	struct rpc_binding *b;
	unsigned int level;

	ASSERT_EQ(0, rpc_binding_from_string("ncacn_ip_tcp:127.0.0.1[1]", &b));
	ASSERT_EQ(0, rpc_mgmt_inq_com_timeout(b, &level));
	EXPECT_EQ(RPC_C_BINDING_DEFAULT_TIMEOUT, level);
	EXPECT_EQ(0, rpc_mgmt_set_com_timeout(b, RPC_C_BINDING_INFINITE_TIMEOUT));
	EXPECT_EQ(-rpc_s_invalid_timeout, rpc_mgmt_set_com_timeout(b, 11));
	ASSERT_EQ(0, rpc_mgmt_inq_com_timeout(b, &level));
	EXPECT_EQ(RPC_C_BINDING_INFINITE_TIMEOUT, level);
	EXPECT_EQ(-EINVAL, rpc_mgmt_set_com_timeout(NULL, 1));
	EXPECT_EQ(-EINVAL, rpc_mgmt_inq_com_timeout(b, NULL));
	rpc_binding_free(b);

	EXPECT_EQ(-rpc_s_invalid_timeout,
		  rpc_binding_from_string("ncacn_ip_tcp:h[1,com_timeout=11]", &b));
	EXPECT_EQ(-rpc_s_invalid_timeout,
		  rpc_binding_from_string("ncacn_ip_tcp:h[1,com_timeout=]", &b));
	ASSERT_EQ(0, rpc_binding_from_string("ncacn_ip_tcp:h[1,com_timeout=9]", &b));
	ASSERT_EQ(0, rpc_mgmt_inq_com_timeout(b, &level));
	EXPECT_EQ(9, level);
	rpc_binding_free(b);

	/* the environment sets the default; a bad value leaves it at 5 */
	setenv("LRPC_COM_TIMEOUT", "2", 1);
	ASSERT_EQ(0, rpc_binding_from_string("ncacn_ip_tcp:h[1]", &b));
	ASSERT_EQ(0, rpc_mgmt_inq_com_timeout(b, &level));
	EXPECT_EQ(2, level);
	rpc_binding_free(b);
	setenv("LRPC_COM_TIMEOUT", "x", 1);
	ASSERT_EQ(0, rpc_binding_from_string("ncacn_ip_tcp:h[1]", &b));
	ASSERT_EQ(0, rpc_mgmt_inq_com_timeout(b, &level));
	EXPECT_EQ(RPC_C_BINDING_DEFAULT_TIMEOUT, level);
	rpc_binding_free(b);
	unsetenv("LRPC_COM_TIMEOUT");
	EXPECT_STREQ("rpc_s_comm_failure", rpc_status_name(-rpc_s_comm_failure));
}

/* ---- a server that answers every call with call_id 1 (Wine) ------------ */

FIXTURE(wine) {
	struct peer pr;
	struct rpc_binding *b;
};

FIXTURE_SETUP(wine)
{
	alarm(WATCHDOG_S);
	memset(&self->pr, 0, sizeof(self->pr));
	self->b = NULL;
}

FIXTURE_TEARDOWN(wine)
{
	rpc_binding_free(self->b);
	peer_stop(&self->pr);
}

TEST_F(wine, one_call_in_flight_takes_the_answer)
{
	int64_t t0, t;
	int i;

	ASSERT_EQ(0, peer_start(&self->pr, WINE, 16));
	ASSERT_EQ(0, client(&self->pr, "", &self->b));
	EXPECT_EQ(NDR_SYNTAX_NDR20, rpc_binding_syntax(self->b, &iface));
	for (i = 0; i < 3; i++) {
		t0 = now_ms();
		EXPECT_EQ(0, echo_call(self->b, 0x1000 + i));
		t = now_ms() - t0;
		TH_LOG("call %d answered with call_id 1: %lld ms", i,
		       (long long)t);
		EXPECT_LE(t, 1000);
	}
	EXPECT_EQ(3, atomic_load(&self->pr.requests));
}

struct racer {
	struct rpc_binding *b;
	uint32_t v;
	int ret;
	int64_t t;
};

static void *race(void *arg)
{
	struct racer *r = arg;
	int64_t t0 = now_ms();

	r->ret = echo_call(r->b, r->v);
	r->t = now_ms() - t0;
	return NULL;
}

TEST_F(wine, two_calls_in_flight_are_a_protocol_error)
{
	struct racer r[2];
	pthread_t th[2];
	int64_t t0, eof;
	int i;

	self->pr.batch = 2;	/* both requests in before it answers */
	ASSERT_EQ(0, peer_start(&self->pr, WINE, 16));
	ASSERT_EQ(0, client(&self->pr, "", &self->b));
	ASSERT_EQ(NDR_SYNTAX_NDR20, rpc_binding_syntax(self->b, &iface));
	t0 = now_ms();
	for (i = 0; i < 2; i++) {
		r[i] = (struct racer){ self->b, 0x2000 + i, 1, 0 };
		ASSERT_EQ(0, pthread_create(&th[i], NULL, race, &r[i]));
	}
	for (i = 0; i < 2; i++) {
		pthread_join(th[i], NULL);
		TH_LOG("concurrent call %d: %s after %lld ms", i,
		       rpc_status_name(r[i].ret), (long long)r[i].t);
		EXPECT_EQ(-rpc_s_protocol_error, r[i].ret);
		EXPECT_LE(r[i].t, 1000);
	}
	eof = peer_eof_within(&self->pr, 1000);
	EXPECT_NE(0, eof);
	TH_LOG("connection closed %lld ms after the calls began",
	       (long long)(eof - t0));
	EXPECT_EQ(2, atomic_load(&self->pr.requests));
}

/* ---- an orphaned call's late answer is not taken for the next call's --- */

TEST(late_answer_of_an_orphan_is_dropped)
{
	struct peer pr = { .late_ms = 400 };
	struct rpc_binding *b;
	int64_t t0;

	alarm(WATCHDOG_S);
	ASSERT_EQ(0, peer_start(&pr, LATE, 16));
	ASSERT_EQ(0, client(&pr, ",timeout=200", &b));
	ASSERT_EQ(NDR_SYNTAX_NDR20, rpc_binding_syntax(b, &iface));
	EXPECT_EQ(-rpc_s_timeout, echo_call(b, 0x3000));
	ASSERT_EQ(0, rpc_binding_set_timeout(b, 3000));
	t0 = now_ms();
	/* the first call's answer comes while this one waits */
	EXPECT_EQ(0, echo_call(b, 0x3001));
	TH_LOG("call after an orphan: %lld ms", (long long)(now_ms() - t0));
	rpc_binding_free(b);
	peer_stop(&pr);
}

TEST_HARNESS_MAIN
