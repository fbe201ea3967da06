// SPDX-License-Identifier: MIT
/*
 * Issue 20, server half: no peer can exhaust an ncacn_ip_tcp server.
 *
 *   attackers (raw sockets, 127.0.0.2) --+
 *                                        +--TCP loopback--> rpc_server
 *   normal client (rpc_call_raw, .0.1) --+                  `- raw "gt"
 *
 * gt is a raw interface: op 0 echoes, op 1 sleeps (4-octet ms), op 2
 * returns N (4-octet) octets.  Servers listen on ports below 32768.
 * Every test prints its figures with TH_LOG.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <lrpc/rpc.h>
#include "runtime/server_int.h"
#include "engine/co/pdu.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

static int gt_dispatch(struct rpc_call_ctx *call, uint16_t opnum,
		       const uint8_t *in, size_t inlen, struct ndr_buf *out)
{
	uint32_t v = 0;

	if (inlen >= 4)
		memcpy(&v, in, 4);
	switch (opnum) {
	case 0:
		return __ndr_buf_put(out, in, inlen);
	case 1:
		usleep(v * 1000);
		return 0;
	default:
		if (v > (64u << 20))
			return -EINVAL;
		if (__ndr_buf_reserve(out, v) < 0)
			return -ENOMEM;
		memset(out->data + out->len, 0x5a, v);
		out->len += v;
		return 0;
	}
}

static const struct rpc_interface gt = {
	.id = { { 0x20202020, 0x2020, 0x2020, 0x20, 0x20,
		  { 0x20, 0x20, 0x20, 0x20, 0x20, 0x01 } }, 1, 0 },
	.name = "gt",
	.nprocs = 3,
};

static int64_t ms_now(void)
{
	return __rpc_now_ms();
}

static double us_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* A server on 127.0.0.1 at a port below 32768; returns the port. */
static int serve(struct rpc_server **srvp, char **binding)
{
	struct rpc_server *srv;
	int i, port = 20000 + getpid() % 9000;

	if (rpc_server_create(&srv) < 0 ||
	    __rpc_server_register_raw(srv, &gt, gt_dispatch,
				      SYN_NDR20 | SYN_NDR64) < 0)
		return -1;
	for (i = 0; i < 64; i++, port = 20000 + (port + 37) % 9000) {
		char ep[8];

		snprintf(ep, sizeof(ep), "%d", port);
		if (!rpc_server_use_protseq(srv, "ncacn_ip_tcp", "127.0.0.1",
					    ep, binding))
			break;
	}
	if (i == 64 || rpc_server_listen(srv, 0) < 0)
		return -1;
	*srvp = srv;
	return port;
}

/* One echo call: its time in microseconds, or < 0. */
static double call_us(struct rpc_binding *b)
{
	struct rpc_reply r = { 0 };
	double t = us_now();
	int ret = rpc_call_raw(b, &gt.id, 0, "ping", 4, &r);

	rpc_reply_release(&r);
	return ret < 0 ? ret : us_now() - t;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median of n calls (us), or < 0 when one fails. */
static double median_us(struct rpc_binding *b, int n)
{
	double v[64];
	int i;

	for (i = 0; i < n && i < 64; i++)
		if ((v[i] = call_us(b)) < 0)
			return v[i];
	qsort(v, i, sizeof(v[0]), cmp_d);
	return v[i / 2];
}

/* TCP connection to 127.0.0.1:port from src (127.0.0.x). */
static int tcp_from(uint8_t src, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(0x7f000000 | src) };
	struct sockaddr_in d = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(0x7f000001) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    connect(fd, (struct sockaddr *)&d, sizeof(d)) < 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static int send_pdu(int fd, uint8_t ptype, uint32_t call_id,
		    const struct rpc_pdu *p)
{
	struct rpc_co_enc e = { ptype, RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG,
				false, call_id };
	struct ndr_buf b = { 0 };
	int n = __rpc_co_encode(&b, &e, p);

	if (n > 0 && send(fd, b.data, b.len, MSG_NOSIGNAL) != (ssize_t)b.len)
		n = -1;
	__ndr_buf_free(&b);
	return n;
}

static int send_bind(int fd)
{
	struct rpc_pdu p;

	memset(&p, 0, sizeof(p));
	p.bind.max_xmit_frag = p.bind.max_recv_frag = 4280;
	p.bind.n_ctx = 1;
	p.bind.ctx[0].n_tsyn = 1;
	p.bind.ctx[0].abstract = gt.id;
	p.bind.ctx[0].tsyn[0] = rpc_syntax_ndr20;
	return send_pdu(fd, RPC_PT_BIND, 1, &p);
}

static int send_call(int fd, uint32_t call_id, uint16_t opnum, uint32_t arg)
{
	struct rpc_pdu p;

	memset(&p, 0, sizeof(p));
	p.request.alloc_hint = 4;
	p.request.opnum = opnum;
	p.stub = (const uint8_t *)&arg;
	p.stub_len = 4;
	return send_pdu(fd, RPC_PT_REQUEST, call_id, &p);
}

/* One PDU within ms: 0, -ETIMEDOUT, or -ECONNRESET (closed). */
static int recv_pdu(int fd, struct rpc_pdu *p, int ms)
{
	static uint8_t buf[65536];
	size_t got = 0, need = RPC_CO_HDR_LEN;

	while (got < need) {
		struct pollfd pf = { fd, POLLIN, 0 };
		ssize_t r;

		if (poll(&pf, 1, ms) <= 0)
			return -ETIMEDOUT;
		r = recv(fd, buf + got, need - got, 0);
		if (r <= 0)
			return -ECONNRESET;
		got += (size_t)r;
		if (got == RPC_CO_HDR_LEN) {
			uint16_t fl;

			if (__rpc_co_peek(buf, got, &fl) < 0)
				return -EPROTO;
			need = fl;
		}
	}
	return __rpc_co_decode(buf, got, p);
}

/*
 * Milliseconds from t0 until the server closes fd (EOF or reset), or -1
 * past t0 + ms.  Meanwhile b makes a call every 50 ms (worst time in
 * *worst, us; < 0 when one failed).
 */
static int64_t closed_within(int fd, int64_t t0, int ms,
			     struct rpc_binding *b, double *worst)
{
	char buf[4096];

	for (;;) {
		struct pollfd pf = { fd, POLLIN, 0 };
		int left = (int)(t0 + ms - ms_now());
		double t = call_us(b);

		if (t < 0 || t > *worst)
			*worst = *worst < 0 ? *worst : t;
		if (left <= 0)
			return -1;
		if (poll(&pf, 1, left < 50 ? left : 50) <= 0)
			continue;
		if (recv(fd, buf, sizeof(buf), 0) <= 0)
			return ms_now() - t0;
	}
}

/* closed_within for n connections, which it closes: the latest, or -1
 * when one stayed open. */
static int64_t all_closed_within(int *fds, int n, int64_t t0, int ms,
				 struct rpc_binding *b, double *worst)
{
	int64_t latest = 0;
	int i;

	for (i = 0; i < n; i++) {
		int64_t t = closed_within(fds[i], t0, ms, b, worst);

		if (latest >= 0)
			latest = t < 0 || t > latest ? t : latest;
		close(fds[i]);
	}
	return latest;
}

static unsigned int open_conns(struct rpc_server *srv)
{
	struct rpc_server_stats st;

	rpc_server_stats(srv, &st);
	return st.connections;
}

FIXTURE(guard) {
	struct rpc_server *srv;
	char *binding;
	int port;
	struct rpc_binding *b;
	double base_us;
};

FIXTURE_SETUP(guard)
{
	self->port = serve(&self->srv, &self->binding);
	ASSERT_GT(self->port, 0);
	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &self->b));
	ASSERT_EQ(0, rpc_binding_set_timeout(self->b, 5000));
	ASSERT_GT(call_us(self->b), 0);
	self->base_us = median_us(self->b, 31);
	ASSERT_GT(self->base_us, 0);
}

FIXTURE_TEARDOWN(guard)
{
	rpc_binding_free(self->b);
	rpc_server_free(self->srv);
	free(self->binding);
}

/* Silent connections, half a PDU header, a bound peer trickling a PDU
 * and a bound idle peer are closed within their time-outs. */
TEST_F(guard, silent_and_half_open_connections_are_closed)
{
	enum { SILENT = 20, HALF = 5 };
	int silent[SILENT], half[HALF], trickle, idle, i;
	int64_t t0, worst_silent = 0, worst_half = 0, t_trickle, t_idle;
	struct rpc_pdu p;
	double worst = 0;

	ASSERT_EQ(0, rpc_server_set_timeout(self->srv, RPC_SERVER_TIMEOUT_BIND,
					    500));
	ASSERT_EQ(0, rpc_server_set_timeout(self->srv, RPC_SERVER_TIMEOUT_PDU,
					    500));
	ASSERT_EQ(0, rpc_server_set_timeout(self->srv, RPC_SERVER_TIMEOUT_IDLE,
					    1500));
	EXPECT_EQ(-EINVAL, rpc_server_set_timeout(self->srv, 7, 1));
	t0 = ms_now();
	for (i = 0; i < SILENT; i++)
		ASSERT_GE(silent[i] = tcp_from(2, self->port), 0);
	for (i = 0; i < HALF; i++) {
		ASSERT_GE(half[i] = tcp_from(2, self->port), 0);
		ASSERT_EQ(8, send(half[i], "\5\0\13\3\20\0\0\0", 8, 0));
	}
	ASSERT_GE(trickle = tcp_from(3, self->port), 0);
	ASSERT_GT(send_bind(trickle), 0);
	ASSERT_EQ(0, recv_pdu(trickle, &p, 2000));
	ASSERT_EQ(RPC_PT_BIND_ACK, p.hdr.ptype);
	ASSERT_GE(idle = tcp_from(4, self->port), 0);
	ASSERT_GT(send_bind(idle), 0);
	ASSERT_EQ(0, recv_pdu(idle, &p, 2000));
	ASSERT_EQ(RPC_PT_BIND_ACK, p.hdr.ptype);
	ASSERT_EQ(10, send(trickle, "\5\0\0\3\20\0\0\0\30\0", 10, 0));

	worst_silent = all_closed_within(silent, SILENT, t0, 3000, self->b,
					 &worst);
	worst_half = all_closed_within(half, HALF, t0, 3000, self->b, &worst);
	t_trickle = closed_within(trickle, t0, 3000, self->b, &worst);
	t_idle = closed_within(idle, t0, 4000, self->b, &worst);
	TH_LOG("closed after (ms): %d silent %" PRId64 ", %d half-header %"
	       PRId64 ", trickling PDU %" PRId64 ", idle %" PRId64,
	       SILENT, worst_silent, HALF, worst_half, t_trickle, t_idle);
	EXPECT_GE(worst_silent, 0);
	EXPECT_LE(worst_silent, 1500);
	EXPECT_GE(worst_half, 0);
	EXPECT_LE(worst_half, 1500);
	EXPECT_GE(t_trickle, 0);
	EXPECT_LE(t_trickle, 1500);
	EXPECT_GE(t_idle, 1400);
	EXPECT_LE(t_idle, 3000);
	close(trickle);
	close(idle);
	/* the normal client called throughout, so it was never idle */
	TH_LOG("normal call: median %.0f us before, worst %.0f us during",
	       self->base_us, worst);
	EXPECT_GT(worst, 0);
	EXPECT_GT(call_us(self->b), 0);
}

/* A peer that asks for a large response and never reads it. */
TEST_F(guard, non_reading_client_is_dropped)
{
	unsigned int before = open_conns(self->srv);
	struct rpc_pdu p;
	int64_t t0, t = -1;
	int fd;

	ASSERT_EQ(0, rpc_server_set_timeout(self->srv, RPC_SERVER_TIMEOUT_SEND,
					    1000));
	ASSERT_GE(fd = tcp_from(2, self->port), 0);
	ASSERT_GT(send_bind(fd), 0);
	ASSERT_EQ(0, recv_pdu(fd, &p, 2000));
	ASSERT_EQ(before + 1, open_conns(self->srv));
	ASSERT_GT(send_call(fd, 2, 2, 16u << 20), 0);
	t0 = ms_now();
	while (ms_now() - t0 < 5000) {
		if (open_conns(self->srv) == before) {
			t = ms_now() - t0;
			break;
		}
		if (call_us(self->b) < 0)
			break;
		usleep(50000);
	}
	TH_LOG("non-reading client with a 16 MiB response dropped after %"
	       PRId64 " ms (send time-out 1000 ms)", t);
	EXPECT_GE(t, 900);
#if defined(__SANITIZE_THREAD__)
	EXPECT_LE(t, 5000);	/* marshalling 16 MiB is slow under TSan */
#else
	EXPECT_LE(t, 2500);
#endif
	EXPECT_GT(call_us(self->b), 0);
	close(fd);
}

/* A flood from one address beyond its cap is refused with bind_nak
 * (local_limit_exceeded); a client elsewhere is not slowed down. */
TEST_F(guard, connections_per_address_are_capped)
{
	enum { CAP = 8, FLOOD = 40 };
	int fds[FLOOD], acks = 0, naks = 0, other = 0, i;
	struct rpc_pdu p;
	double during;

	ASSERT_EQ(0, rpc_server_set_limit(self->srv,
					  RPC_SERVER_LIMIT_CONNS_PER_ADDR, CAP));
	EXPECT_EQ(-EINVAL, rpc_server_set_limit(self->srv, 9, 1));
	for (i = 0; i < FLOOD; i++) {
		ASSERT_GE(fds[i] = tcp_from(2, self->port), 0);
		ASSERT_GT(send_bind(fds[i]), 0);
	}
	for (i = 0; i < FLOOD; i++) {
		int ret = recv_pdu(fds[i], &p, 2000);

		if (!ret && p.hdr.ptype == RPC_PT_BIND_ACK)
			acks++;
		else if (!ret && p.hdr.ptype == RPC_PT_BIND_NAK &&
			 p.bind_nak.reason == RPC_NAK_LOCAL_LIMIT_EXCEEDED)
			naks++;
		else
			other++;
	}
	during = median_us(self->b, 31);
	TH_LOG("%d connections from 127.0.0.2, cap %d: %d bind_ack, %d "
	       "bind_nak(local_limit_exceeded), %d other; normal call median "
	       "%.0f us before, %.0f us during", FLOOD, CAP, acks, naks, other,
	       self->base_us, during);
	EXPECT_EQ(CAP, acks);
	EXPECT_EQ(FLOOD - CAP, naks);
	EXPECT_GT(during, 0);
	/* 2x, plus 300 us for a loaded 2-core machine's scheduling noise */
	EXPECT_LE(during, 2 * self->base_us + 300);
	for (i = 0; i < FLOOD; i++)
		close(fds[i]);
	/* the address gets its slots back */
	usleep(100000);
	ASSERT_GE(fds[0] = tcp_from(2, self->port), 0);
	ASSERT_GT(send_bind(fds[0]), 0);
	ASSERT_EQ(0, recv_pdu(fds[0], &p, 2000));
	EXPECT_EQ(RPC_PT_BIND_ACK, p.hdr.ptype);
	close(fds[0]);
}

/* Over the calls-per-connection cap a call is refused at once with
 * nca_s_server_too_busy; the calls within the cap complete. */
TEST_F(guard, calls_per_connection_are_capped)
{
	struct rpc_pdu p;
	int64_t t0, t_busy = -1;
	int fd, i, ok = 0, busy = 0;

	ASSERT_EQ(0, rpc_server_set_limit(self->srv,
					  RPC_SERVER_LIMIT_CALLS_PER_CONN, 2));
	EXPECT_EQ(-EINVAL, rpc_server_set_limit(self->srv,
					RPC_SERVER_LIMIT_CALLS_PER_CONN, 0));
	ASSERT_GE(fd = tcp_from(2, self->port), 0);
	ASSERT_GT(send_bind(fd), 0);
	ASSERT_EQ(0, recv_pdu(fd, &p, 2000));
	t0 = ms_now();
	for (i = 1; i <= 3; i++)
		ASSERT_GT(send_call(fd, (uint32_t)i, 1, 400), 0);
	for (i = 0; i < 3; i++) {
		if (recv_pdu(fd, &p, 3000))
			break;
		if (p.hdr.ptype == RPC_PT_RESPONSE) {
			ok++;
		} else if (p.hdr.ptype == RPC_PT_FAULT &&
			   p.response.status == nca_s_server_too_busy &&
			   p.hdr.call_id == 3) {
			busy++;
			t_busy = ms_now() - t0;
		}
	}
	TH_LOG("cap 2 calls: %d answered, %d refused (too busy) after %"
	       PRId64 " ms", ok, busy, t_busy);
	EXPECT_EQ(2, ok);
	EXPECT_EQ(1, busy);
	EXPECT_LE(t_busy, 200);
	close(fd);
}

/* Request octets held per connection are capped. */
TEST_F(guard, request_bytes_per_connection_are_capped)
{
	static uint8_t big[100000];
	struct rpc_reply r = { 0 };
	int ret;

	ASSERT_EQ(0, rpc_server_set_limit(self->srv,
					  RPC_SERVER_LIMIT_CONN_BYTES, 65536));
	EXPECT_EQ(-EINVAL, rpc_server_set_limit(self->srv,
					RPC_SERVER_LIMIT_CONN_BYTES, 1000));
	ret = rpc_call_raw(self->b, &gt.id, 0, big, sizeof(big), &r);
	TH_LOG("100000-octet request, cap 65536: %d (fault 0x%x)", ret,
	       r.fault);
	EXPECT_EQ(nca_s_fault_remote_no_memory, r.fault);
	rpc_reply_release(&r);
	ret = rpc_call_raw(self->b, &gt.id, 0, big, 30000, &r);
	EXPECT_EQ(0, ret);
	EXPECT_EQ(30000, r.len);
	rpc_reply_release(&r);
}

/* utime + stime of pid, in clock ticks. */
static long cpu_ticks(pid_t pid)
{
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "r");
	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u "
			 "%lu %lu", &ut, &st) != 2)
		return -1;
	return (long)(ut + st);
}

/* A server out of file descriptors neither spins nor loses its clients. */
TEST(fd_exhaustion_does_not_spin)
{
	enum { EXTRA = 80, NOFILE = 48 };
	int pfd[2], fds[EXTRA], port = 0, i;
	struct rpc_binding *b;
	char binding[64];
	long c0, c1, hz = sysconf(_SC_CLK_TCK);
	double pct, t_call;
	int64_t t0;
	pid_t pid;

	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_GE(pid, 0);
	if (!pid) {
		struct rlimit rl = { NOFILE, NOFILE };
		struct rpc_server *srv;
		char *bs;

		close(pfd[0]);
		alarm(30);
		if (setrlimit(RLIMIT_NOFILE, &rl) < 0)
			_exit(2);
		port = serve(&srv, &bs);
		if (write(pfd[1], &port, sizeof(port)) != sizeof(port))
			_exit(3);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	ASSERT_EQ(sizeof(port), read(pfd[0], &port, sizeof(port)));
	close(pfd[0]);
	ASSERT_GT(port, 0);
	for (i = 0; i < EXTRA; i++)
		ASSERT_GE(fds[i] = tcp_from(2, port), 0);
	usleep(300000);		/* the server has run into its limit */
	c0 = cpu_ticks(pid);
	t0 = ms_now();
	usleep(2000000);
	c1 = cpu_ticks(pid);
	pct = 100.0 * (c1 - c0) / hz / ((ms_now() - t0) / 1000.0);
	for (i = 0; i < EXTRA; i++)
		close(fds[i]);
	snprintf(binding, sizeof(binding), "ncacn_ip_tcp:127.0.0.1[%d]", port);
	ASSERT_EQ(0, rpc_binding_from_string(binding, &b));
	ASSERT_EQ(0, rpc_binding_set_timeout(b, 3000));
	t0 = ms_now();
	t_call = call_us(b);
	TH_LOG("RLIMIT_NOFILE %d, %d connections: server CPU %.1f%% of one "
	       "CPU over 2 s of exhaustion; first call after they closed: "
	       "%.1f ms (%" PRId64 " ms wall)", NOFILE, EXTRA, pct,
	       t_call / 1000, ms_now() - t0);
	rpc_binding_free(b);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	EXPECT_LT(pct, 20.0);
	EXPECT_GT(t_call, 0);
	EXPECT_LT(t_call, 1000000);
}

TEST_HARNESS_MAIN
