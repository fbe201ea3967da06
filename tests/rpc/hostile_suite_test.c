// SPDX-License-Identifier: MIT
/*
 * Issue 20, the whole picture: a normal client keeps its speed while
 * hostile peers load the server, and the server gives back what they
 * took once they are gone.
 *
 *   this test -- hostile peers (threads, 127.0.0.2..63) --+
 *      |                                                  v TCP loopback
 *      +-- lrpctest-client (child) ----------------> lrpctest-server (child)
 *      |                                             port 20000..28999
 *      +-- rpc_call_raw ---> fake peer thread (wrong call_ids)
 *
 * Baseline: the median of three lrpctest-client runs against the idle
 * server.  Each case runs its load and, during it, one lrpctest-client
 * run, and prints "case X: normal run N ms (baseline B ms, ratio R)".
 * The fd case has its own server under RLIMIT_NOFILE 64.  Last the
 * server's fds must be back at their idle count and its VmRSS within 2x
 * of idle, also after 2,000 concurrent connections (one call each).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <lrpc/rpc.h>
#include "runtime/runtime_int.h"
#include "engine/co/pdu.h"
#include "transport/transport.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "proc_util.h"
#include "kselftest_harness.h"

#define CLIENT_LIMIT_S	60	/* one lrpctest-client run, killed after */
#define BURST		2000
#define BURST_PER_ADDR	50	/* below the server's 64 per address */
#define BIG_REQ		(4u << 20)
#define NBIG		8

static const struct rpc_syntax_id lrpctest_id = {
	{ 0x4c4b2e1a, 0x8f5d, 0x4d3b, 0x9a, 0x6e,
	  { 0x2b, 0x7c, 0x1d, 0x0e, 0x5f, 0x91 } }, 1, 0 };

static int64_t now_ms(void)
{
	return __rpc_now_ms();
}

/* build/tests/rpc/hostile_suite_test -> build/bin/name */
static const char *bin(const char *name)
{
	static char path[PATH_MAX + 64];
	char dir[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", dir, sizeof(dir) - 1);
	int i;

	dir[n > 0 ? n : 0] = 0;
	for (i = 0; i < 3; i++) {
		char *s = strrchr(dir, '/');

		if (s)
			*s = 0;
	}
	snprintf(path, sizeof(path), "%s/bin/%s", dir, name);
	return path;
}

/* ---- the server and the normal client ---------------------------------- */

struct server {
	pid_t pid;
	int port;
	FILE *out;
};

/* lrpctest-server on 127.0.0.1 at a port below 32768, under RLIMIT_NOFILE
 * nofile; 0 once it printed "ready". */
static int server_start(struct server *s, int nofile)
{
	static int port;
	int attempt;

	if (!port)
		port = 20000 + getpid() % 9000;
	for (attempt = 0; attempt < 16; attempt++) {
		char ep[64], line[200];
		int p[2];

		port = 20000 + (port - 20000 + 37) % 9000;
		snprintf(ep, sizeof(ep), "ncacn_ip_tcp:127.0.0.1[%d]", port);
		if (pipe(p))
			return -errno;
		s->pid = fork();
		if (!s->pid) {
			struct rlimit rl = { nofile, nofile };
			int null = open("/dev/null", O_WRONLY);

			setrlimit(RLIMIT_NOFILE, &rl);
			dup2(p[1], 1);
			dup2(null, 2);	/* its EMFILE notices */
			close(p[0]);
			execl(bin("lrpctest-server"), "lrpctest-server", "-e",
			      ep, (char *)NULL);
			_exit(127);
		}
		close(p[1]);
		s->out = fdopen(p[0], "r");
		if (s->out && fgets(line, sizeof(line), s->out) &&
		    !strncmp(line, "ready ", 6)) {
			s->port = port;
			return 0;
		}
		if (s->out)
			fclose(s->out);
		waitpid(s->pid, NULL, 0);	/* the port was taken */
	}
	return -EADDRINUSE;
}

static void server_stop(struct server *s)
{
	kill(s->pid, SIGTERM);
	waitpid(s->pid, NULL, 0);
	fclose(s->out);
}

static int fd_count(pid_t pid)
{
	char path[64];
	struct dirent *d;
	int n = 0;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	dir = opendir(path);
	if (!dir)
		return -1;
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n;
}

/* One lrpctest-client run: its time in ms, or -1 when a check failed or
 * it ran longer than CLIENT_LIMIT_S. */
static int64_t client_run(int port)
{
	int64_t t0 = now_ms(), t;
	char b[64], line[256];
	FILE *out = tmpfile();
	pid_t pid;
	int st;

	snprintf(b, sizeof(b), "ncacn_ip_tcp:127.0.0.1[%d]", port);
	pid = fork();
	if (!pid) {
		dup2(fileno(out), 1);
		setenv("LRPC_NO_LOCAL", "1", 1);
		execl(bin("lrpctest-client"), "lrpctest-client", b,
		      (char *)NULL);
		_exit(127);
	}
	while (waitpid(pid, &st, WNOHANG) == 0) {
		if (now_ms() - t0 > CLIENT_LIMIT_S * 1000) {
			kill(pid, SIGKILL);
			waitpid(pid, &st, 0);
			return -1;
		}
		usleep(5000);
	}
	t = now_ms() - t0;
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		t = -1;
		rewind(out);
		while (fgets(line, sizeof(line), out))
			if (strncmp(line, "pass ", 5))
				fprintf(stderr, "# lrpctest-client: %s", line);
	}
	fclose(out);
	return t;
}

static int cmp64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

	return (x > y) - (x < y);
}

/* ---- raw PDUs ------------------------------------------------------------ */

static int put_bind(struct ndr_buf *b)
{
	struct rpc_co_enc e = { RPC_PT_BIND,
				RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG, false, 1 };
	struct rpc_pdu *p = calloc(1, sizeof(*p));
	int ret;

	p->bind.max_xmit_frag = p->bind.max_recv_frag = 5840;
	p->bind.n_ctx = 1;
	p->bind.ctx[0].n_tsyn = 1;
	p->bind.ctx[0].abstract = lrpctest_id;
	p->bind.ctx[0].tsyn[0] = rpc_syntax_ndr20;
	ret = __rpc_co_encode(b, &e, p);
	free(p);
	return ret;
}

/* One request fragment of opnum with stub (flags: FIRST/LAST). */
static int put_request(struct ndr_buf *b, uint32_t call_id, uint16_t opnum,
		       const uint8_t *stub, size_t len, size_t total,
		       uint8_t flags)
{
	struct rpc_co_enc e = { RPC_PT_REQUEST, flags, false, call_id };
	struct rpc_pdu p;

	memset(&p, 0, sizeof(p));
	p.request.alloc_hint = (uint32_t)total;
	p.request.opnum = opnum;
	p.stub = stub;
	p.stub_len = len;
	return __rpc_co_encode(b, &e, &p);
}

/* A TCP connection from 127.0.0.src to the server, non-blocking, the
 * connect under way. */
static int tcp_from(int src, int port)
{
	struct sockaddr_in me = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(0x7f000000 | src) };
	struct sockaddr_in to = { .sin_family = AF_INET,
				  .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	if (bind(fd, (struct sockaddr *)&me, sizeof(me)) ||
	    (connect(fd, (struct sockaddr *)&to, sizeof(to)) &&
	     errno != EINPROGRESS)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* ---- hostile holders: many connections, one poll loop ------------------- */

enum hold_kind {
	SILENT,		/* connect, send nothing */
	TRICKLE,	/* half a PDU header, then nothing */
	BIND,		/* a whole bind: over the address cap, bind_nak */
};

struct holder {
	enum hold_kind kind;
	int port, src0, nsrc, n;	/* n connections from nsrc addresses */
	bool reconnect;			/* replace each one the server closes */
	pthread_t th;
	atomic_bool stop;
	atomic_int opened, closed;	/* closed: by the server */
	int fds[512];
	bool sent[512];
};

static void hold_open(struct holder *h, int i)
{
	h->fds[i] = tcp_from(h->src0 + i % h->nsrc, h->port);
	h->sent[i] = false;
	if (h->fds[i] >= 0)
		atomic_fetch_add(&h->opened, 1);
}

static void *hold_main(void *arg)
{
	struct holder *h = arg;
	struct pollfd pf[512];
	struct ndr_buf bind = { 0 };
	int i;

	put_bind(&bind);
	for (i = 0; i < h->n; i++)
		hold_open(h, i);
	while (!atomic_load(&h->stop)) {
		for (i = 0; i < h->n; i++) {
			if (h->fds[i] < 0 && h->reconnect)
				hold_open(h, i);
			pf[i].fd = h->fds[i];
			pf[i].events = h->sent[i] ? POLLIN : POLLOUT;
		}
		if (poll(pf, h->n, 20) <= 0)
			continue;
		for (i = 0; i < h->n; i++) {
			uint8_t junk[512];

			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			if (!h->sent[i] && (pf[i].revents & POLLOUT)) {
				h->sent[i] = true;
				if (h->kind == TRICKLE)
					send(pf[i].fd, bind.data, 8, MSG_NOSIGNAL);
				else if (h->kind == BIND)
					send(pf[i].fd, bind.data, bind.len,
					     MSG_NOSIGNAL);
				continue;
			}
			if (pf[i].revents & (POLLIN | POLLHUP | POLLERR) &&
			    recv(pf[i].fd, junk, sizeof(junk), 0) <= 0) {
				close(pf[i].fd);
				h->fds[i] = -1;
				atomic_fetch_add(&h->closed, 1);
			}
		}
	}
	for (i = 0; i < h->n; i++)
		if (h->fds[i] >= 0)
			close(h->fds[i]);
	__ndr_buf_free(&bind);
	return NULL;
}

static int hold_start(struct holder *h)
{
	return pthread_create(&h->th, NULL, hold_main, h) ? -1 : 0;
}

static void hold_stop(struct holder *h)
{
	atomic_store(&h->stop, true);
	pthread_join(h->th, NULL);
}

/* ---- never-reading clients with large requests -------------------------- */

struct bigload {
	int port;
	pthread_t th;
	atomic_bool stop;
	int fds[NBIG];
	int sent;		/* requests sent whole */
};

/* Each connection binds, sends TestEcho with BIG_REQ octets (the answer
 * is as large) and never reads. */
static void *big_main(void *arg)
{
	struct bigload *bl = arg;
	uint8_t *stub = calloc(1, BIG_REQ + 8);
	struct ndr_buf b = { 0 };
	size_t off, total = BIG_REQ + 8, frag = 5000;
	uint32_t len = BIG_REQ;
	int i;

	memcpy(stub, &len, 4);		/* len, then data_in's max_count */
	memcpy(stub + 4, &len, 4);
	for (i = 0; i < NBIG && !atomic_load(&bl->stop); i++) {
		int fd = tcp_from(5, bl->port), ok = 0;
		struct pollfd pf = { fd, POLLOUT, 0 };

		bl->fds[i] = fd;
		if (fd < 0 || poll(&pf, 1, 2000) != 1)
			continue;
		fcntl(fd, F_SETFL, 0);
		b.len = 0;
		put_bind(&b);
		for (off = 0; off < total; off += frag) {
			size_t n = total - off < frag ? total - off : frag;

			put_request(&b, 2, 2, stub + off, n, total,
				    (off ? 0 : RPC_PFC_FIRST_FRAG) |
				    (off + n == total ? RPC_PFC_LAST_FRAG : 0));
		}
		ok = __rpc_write_all(fd, b.data, b.len, 5000) >= 0;
		bl->sent += ok;
	}
	__ndr_buf_free(&b);
	free(stub);
	while (!atomic_load(&bl->stop))
		usleep(10000);
	return NULL;
}

/* ---- a fake peer whose answers carry wrong call_ids ---------------------- */

struct fake {
	int lfd, port;
	pthread_t th;
	atomic_bool stop;
};

static int fake_send(int fd, uint8_t ptype, uint32_t call_id,
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

static void fake_serve(int fd, struct fake *fk)
{
	static uint8_t buf[8192];
	struct rpc_pdu *q = calloc(1, sizeof(*q)), *a = calloc(1, sizeof(*a));

	while (!atomic_load(&fk->stop)) {
		uint16_t fl;
		int i, ret = __rpc_read_all(fd, buf, RPC_CO_HDR_LEN, 100);

		if (ret == -ETIMEDOUT)
			continue;
		if (ret < 0 || __rpc_co_peek(buf, RPC_CO_HDR_LEN, &fl) < 0 ||
		    fl > sizeof(buf) ||
		    __rpc_read_all(fd, buf + RPC_CO_HDR_LEN,
				   fl - RPC_CO_HDR_LEN, 1000) < 0 ||
		    __rpc_co_decode(buf, fl, q) < 0)
			break;
		memset(a, 0, sizeof(*a));
		if (q->hdr.ptype == RPC_PT_BIND) {
			a->bind_ack.max_xmit_frag = 4280;
			a->bind_ack.max_recv_frag = 4280;
			a->bind_ack.assoc_group_id = 0x2020;
			a->bind_ack.n_results = q->bind.n_ctx;
			for (i = 0; i < q->bind.n_ctx; i++) {
				a->bind_ack.res[i].result = i ?
					RPC_RESULT_PROVIDER_REJECTION :
					RPC_RESULT_ACCEPT;
				a->bind_ack.res[i].tsyn = rpc_syntax_ndr20;
			}
			fake_send(fd, RPC_PT_BIND_ACK, q->hdr.call_id, a);
		} else if (q->hdr.ptype == RPC_PT_REQUEST) {
			a->stub = q->stub;
			a->stub_len = q->stub_len;
			a->response.alloc_hint = (uint32_t)q->stub_len;
			fake_send(fd, RPC_PT_RESPONSE, q->hdr.call_id + 7, a);
		}
	}
	free(q);
	free(a);
}

static void *fake_main(void *arg)
{
	struct fake *fk = arg;

	while (!atomic_load(&fk->stop)) {
		struct pollfd pf = { fk->lfd, POLLIN, 0 };
		int fd;

		if (poll(&pf, 1, 50) <= 0)
			continue;
		fd = accept(fk->lfd, NULL, NULL);
		if (fd < 0)
			continue;
		fake_serve(fd, fk);
		close(fd);
	}
	return NULL;
}

struct wrongload {
	struct fake fk;
	pthread_t th;
	atomic_bool stop;
	struct rpc_binding *b;
	atomic_int calls, taken, errors, odd, odd_ret;
	atomic_llong longest_ms;
};

/* One echo call on w->b: taken (answered, right octets), an error (two
 * in flight: nobody can tell whose answer it is, the connection is shut
 * and its calls fail), or odd: wrong octets taken for an answer. */
static void *wrong_call(void *arg)
{
	struct wrongload *w = arg;
	uint32_t v = 0x2020;
	struct rpc_reply r;
	int64_t t0 = now_ms(), t;
	int ret = rpc_call_raw(w->b, &lrpctest_id, 2, &v, sizeof(v), &r);

	t = now_ms() - t0;
	atomic_fetch_add(&w->calls, 1);
	if (!ret && r.len == sizeof(v) && !memcmp(r.data, &v, sizeof(v)))
		atomic_fetch_add(&w->taken, 1);
	else if (ret)
		atomic_fetch_add(&w->errors, 1);
	else {
		atomic_fetch_add(&w->odd, 1);
		atomic_store(&w->odd_ret, ret);
	}
	if (!ret)
		rpc_reply_release(&r);
	if (t > atomic_load(&w->longest_ms))
		atomic_store(&w->longest_ms, t);
	return NULL;
}

/* Rounds of two concurrent calls on a new binding to the fake peer. */
static void *wrong_main(void *arg)
{
	struct wrongload *w = arg;
	char s[96];

	snprintf(s, sizeof(s), "ncacn_ip_tcp:127.0.0.1[%d,nolocal,timeout=5000]",
		 w->fk.port);
	while (!atomic_load(&w->stop)) {
		pthread_t th[2];
		int i;

		if (rpc_binding_from_string(s, &w->b) < 0)
			break;
		for (i = 0; i < 2; i++)
			pthread_create(&th[i], NULL, wrong_call, w);
		for (i = 0; i < 2; i++)
			pthread_join(th[i], NULL);
		rpc_binding_free(w->b);
		usleep(20000);	/* a peer, not a CPU hog */
	}
	return NULL;
}

static int fake_start(struct fake *fk)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int i;

	fk->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	for (i = 0; i < 64; i++) {
		a.sin_port = htons((uint16_t)(29000 + (getpid() + i * 13) % 3000));
		if (!bind(fk->lfd, (struct sockaddr *)&a, sizeof(a)))
			break;
	}
	if (i == 64 || listen(fk->lfd, 16))
		return -1;
	fk->port = ntohs(a.sin_port);
	return pthread_create(&fk->th, NULL, fake_main, fk) ? -1 : 0;
}

/* ---- 2,000 concurrent connections, one call each ------------------------- */

/* Every connection binds and calls TestSleep (pipelined); once all have
 * their two answers (or 30 s passed), all close.  Returns how many got
 * both answers. */
static int burst(int port, pid_t pid, long *peak_kb)
{
	struct ndr_buf b = { 0 };
	static int fds[BURST], npdu[BURST];
	static size_t sent[BURST], got[BURST];
	static uint8_t rb[BURST][512];	/* bind_ack and response: small */
	struct pollfd *pf = calloc(BURST, sizeof(*pf));
	int64_t end = now_ms() + 30000;
	int i, done = 0, ok = 0;
	uint32_t sleep_ms = 200;

	put_bind(&b);
	/* TestSleep(200): the calls overlap, the server's threads grow */
	put_request(&b, 2, 11, (const uint8_t *)&sleep_ms, 4, 4,
		    RPC_PFC_FIRST_FRAG | RPC_PFC_LAST_FRAG);
	for (i = 0; i < BURST; i++) {
		fds[i] = tcp_from(30 + i / BURST_PER_ADDR, port);
		sent[i] = got[i] = 0;
		npdu[i] = fds[i] < 0 ? -1 : 0;
		done += fds[i] < 0;
	}
	while (done < BURST && now_ms() < end) {
		for (i = 0; i < BURST; i++) {
			pf[i].fd = npdu[i] < 0 || npdu[i] >= 2 ? -1 : fds[i];
			pf[i].events = sent[i] < b.len ? POLLOUT : POLLIN;
		}
		if (rss_kb(pid) > *peak_kb)
			*peak_kb = rss_kb(pid);
		if (poll(pf, BURST, 100) <= 0)
			continue;
		for (i = 0; i < BURST; i++) {
			ssize_t n;

			if (pf[i].fd < 0 || !pf[i].revents)
				continue;
			if (sent[i] < b.len) {
				n = send(fds[i], b.data + sent[i],
					 b.len - sent[i], MSG_NOSIGNAL);
				if (n > 0) {
					sent[i] += n;
				} else if (n < 0 && errno != EAGAIN) {
					npdu[i] = -1;	/* give up */
					done++;
				}
				continue;
			}
			n = recv(fds[i], rb[i] + got[i], sizeof(rb[i]) - got[i], 0);
			if (n == 0 || (n < 0 && errno != EAGAIN) ||
			    (n > 0 && got[i] + n == sizeof(rb[i]))) {
				npdu[i] = -1;
				done++;
				continue;
			}
			if (n < 0)
				continue;
			got[i] += n;
			while (got[i] >= RPC_CO_HDR_LEN) {
				uint16_t fl = (uint16_t)(rb[i][8] | rb[i][9] << 8);

				if (fl < RPC_CO_HDR_LEN || got[i] < fl)
					break;
				got[i] -= fl;
				memmove(rb[i], rb[i] + fl, got[i]);
				if (++npdu[i] == 2) {
					ok++;
					done++;
					break;
				}
			}
		}
	}
	for (i = 0; i < BURST; i++)
		if (fds[i] >= 0)
			close(fds[i]);
	__ndr_buf_free(&b);
	free(pf);
	return ok;
}

/* ---- the suite ------------------------------------------------------------ */

FIXTURE(suite) {
	struct server srv;
	int64_t base;
};

FIXTURE_SETUP(suite)
{
	struct rlimit rl;
	int64_t t[3];
	int i;

	if (access(bin("lrpctest-server"), X_OK) ||
	    access(bin("lrpctest-client"), X_OK))
		SKIP(return, "build/bin/lrpctest-{server,client} not built");
	/* the burst holds 2,000 sockets here */
	getrlimit(RLIMIT_NOFILE, &rl);
	rl.rlim_cur = rl.rlim_max;
	setrlimit(RLIMIT_NOFILE, &rl);
	if (rl.rlim_cur < BURST + 256)
		SKIP(return, "RLIMIT_NOFILE hard limit below %d", BURST + 256);
	signal(SIGPIPE, SIG_IGN);
	ASSERT_EQ(0, server_start(&self->srv, 4096));
	for (i = 0; i < 3; i++) {
		t[i] = client_run(self->srv.port);
		ASSERT_GT(t[i], 0);
	}
	qsort(t, 3, sizeof(t[0]), cmp64);
	self->base = t[1];
	TH_LOG("baseline: %lld %lld %lld ms, median %lld ms",
	       (long long)t[0], (long long)t[1], (long long)t[2],
	       (long long)self->base);
}

FIXTURE_TEARDOWN(suite)
{
	if (self->srv.pid > 0)
		server_stop(&self->srv);
}

/*
 * The target is a ratio <= 2, printed for every case.  On this
 * shared 2-core machine (CI runs other suites beside it) a run of ~2 s
 * varies by a second or more without any hostile load, and under fd
 * exhaustion each of the client's connections waits for the shedding
 * tick, so the assertion is ratio <= 2 or at most baseline + 2.5 s;
 * above 10x it fails whatever the excuse (a hang, a busy loop, a peer
 * that serializes everyone else).
 */
static void judge(struct __test_metadata *_metadata, const char *name,
		  int64_t t, int64_t base)
{
	double r = (double)t / (double)base;

	TH_LOG("case %s: normal run %lld ms (baseline %lld ms, ratio %.2f)",
	       name, (long long)t, (long long)base, r);
	EXPECT_GT(t, 0);	/* -1: a check failed or it never ended */
	EXPECT_LE(r, 10.0);
	EXPECT_TRUE(r <= 2.0 || t <= base + 2500);
}

TEST_F_TIMEOUT(suite, normal_client_under_hostile_peers, 300)
{
	pid_t pid = self->srv.pid;
	int idle_fds, fds, ok;
	long idle_rss, rss, peak_rss;
	int64_t t, t0;

	usleep(500000);		/* the baseline's last connection closed */
	idle_fds = fd_count(pid);
	idle_rss = rss_kb(pid);

	TH_LOG("idle server: %d fds, VmRSS %ld kB", idle_fds, idle_rss);

	/* silent connections: 150, never a byte */
	{
		struct holder h = { .kind = SILENT, .port = self->srv.port,
				    .src0 = 2, .nsrc = 3, .n = 150 };

		ASSERT_EQ(0, hold_start(&h));
		usleep(200000);
		t = client_run(self->srv.port);
		hold_stop(&h);
		judge(_metadata, "silent", t, self->base);
		TH_LOG("  %d silent connections, %d closed by the server",
		       atomic_load(&h.opened), atomic_load(&h.closed));
	}

	/* trickling headers: 150 connections, 8 octets of a header each */
	{
		struct holder h = { .kind = TRICKLE, .port = self->srv.port,
				    .src0 = 2, .nsrc = 3, .n = 150 };

		ASSERT_EQ(0, hold_start(&h));
		usleep(200000);
		t = client_run(self->srv.port);
		hold_stop(&h);
		judge(_metadata, "trickle", t, self->base);
		TH_LOG("  %d half headers, %d closed by the server",
		       atomic_load(&h.opened), atomic_load(&h.closed));
	}

	/* never-reading clients: 8 x TestEcho of 4 MiB, answers unread */
	{
		struct bigload bl = { .port = self->srv.port };
		int i;

		ASSERT_EQ(0, pthread_create(&bl.th, NULL, big_main, &bl));
		usleep(200000);
		t = client_run(self->srv.port);
		peak_rss = rss_kb(pid);
		atomic_store(&bl.stop, true);
		pthread_join(bl.th, NULL);
		judge(_metadata, "never-reading", t, self->base);
		TH_LOG("  %d requests of %u octets sent whole; server VmRSS "
		       "%ld kB under them", bl.sent, BIG_REQ, peak_rss);
		for (i = 0; i < NBIG; i++)
			if (bl.fds[i] >= 0)
				close(bl.fds[i]);
	}

	/* a flood from one address: 300 binds at once, replaced when shut */
	{
		struct holder h = { .kind = BIND, .port = self->srv.port,
				    .src0 = 20, .nsrc = 1, .n = 300,
				    .reconnect = true };

		ASSERT_EQ(0, hold_start(&h));
		usleep(200000);
		t = client_run(self->srv.port);
		hold_stop(&h);
		judge(_metadata, "flood", t, self->base);
		TH_LOG("  %d connections from one address, %d refused/closed",
		       atomic_load(&h.opened), atomic_load(&h.closed));
	}

	/* a peer answering with wrong call_ids: a client of this process
	 * calls it without end; each call must fail, none hang */
	{
		struct wrongload w = { 0 };

		ASSERT_EQ(0, fake_start(&w.fk));
		ASSERT_EQ(0, pthread_create(&w.th, NULL, wrong_main, &w));
		usleep(200000);
		t = client_run(self->srv.port);
		atomic_store(&w.stop, true);
		pthread_join(w.th, NULL);
		atomic_store(&w.fk.stop, true);
		pthread_join(w.fk.th, NULL);
		close(w.fk.lfd);
		judge(_metadata, "wrong-call-id", t, self->base);
		TH_LOG("  %d calls to the peer: %d answers taken (one in "
		       "flight), %d failed (two), %d odd (%s); "
		       "longest %lld ms", atomic_load(&w.calls),
		       atomic_load(&w.taken), atomic_load(&w.errors),
		       atomic_load(&w.odd),
		       rpc_status_name(atomic_load(&w.odd_ret)),
		       (long long)atomic_load(&w.longest_ms));
		EXPECT_GT(atomic_load(&w.calls), 0);
		EXPECT_EQ(0, atomic_load(&w.odd));
		/* well inside the calls' own 5 s time-out: the client
		 * settles a stray answer, it does not wait it out */
		EXPECT_LT(atomic_load(&w.longest_ms), 2500);
	}

	/* fd exhaustion: a server under RLIMIT_NOFILE 64, 150 silent
	 * connections at once from 5 addresses; the server sheds those that
	 * do not bind within 1 s while it is out of fds (an attacker that
	 * reconnects as fast makes each new connection wait ~1 s, which the
	 * client's 300 ms time-out check cannot take: not done here) */
	{
		struct server s2;
		struct holder h = { .kind = SILENT, .src0 = 10, .nsrc = 5,
				    .n = 150 };
		int idle2;

		ASSERT_EQ(0, server_start(&s2, 64));
		idle2 = fd_count(s2.pid);
		h.port = s2.port;
		ASSERT_EQ(0, hold_start(&h));
		usleep(500000);
		TH_LOG("  fd server: %d fds idle, %d under the load", idle2,
		       fd_count(s2.pid));
		t = client_run(s2.port);
		hold_stop(&h);
		judge(_metadata, "fd-exhaustion", t, self->base);
		TH_LOG("  %d silent connections opened, %d shed by the server",
		       atomic_load(&h.opened), atomic_load(&h.closed));
		for (t0 = now_ms(); now_ms() - t0 < 5000 &&
		     fd_count(s2.pid) != idle2;)
			usleep(50000);
		TH_LOG("  fd server: %d fds after (idle %d)",
		       fd_count(s2.pid), idle2);
		EXPECT_EQ(idle2, fd_count(s2.pid));
		server_stop(&s2);
	}

	/* 2,000 concurrent connections, a bind and a call each */
	t0 = now_ms();
	peak_rss = 0;
	ok = burst(self->srv.port, pid, &peak_rss);
	TH_LOG("burst: %d of %d connections answered in %lld ms; VmRSS %ld kB "
	       "at most during it, %ld kB right after", ok, BURST,
	       (long long)(now_ms() - t0), peak_rss, rss_kb(pid));
	EXPECT_EQ(BURST, ok);

	/* back to idle: every fd, and the memory within 2x (the trim waits
	 * for 1 s of quiet, then the next tick) */
	for (t0 = now_ms(); now_ms() - t0 < 10000; usleep(100000)) {
		fds = fd_count(pid);
		rss = rss_kb(pid);
		if (fds == idle_fds && rss <= 2 * idle_rss)
			break;
	}
	fds = fd_count(pid);
	rss = rss_kb(pid);
	TH_LOG("after the suite: %d fds (idle %d), VmRSS %ld kB (idle %ld kB, "
	       "%lld ms after the burst)", fds, idle_fds, rss, idle_rss,
	       (long long)(now_ms() - t0));
	EXPECT_EQ(idle_fds, fds);
	EXPECT_LE(rss, 2 * idle_rss);
	/* the trim: 1 s without a PDU, then the next tick */
	usleep(3000000);
	TH_LOG("3 s later: VmRSS %ld kB", rss_kb(pid));
}

TEST_HARNESS_MAIN
