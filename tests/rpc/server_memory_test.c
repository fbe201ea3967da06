// SPDX-License-Identifier: MIT
/*
 * Issue 20: memory a server takes for large requests and responses is
 * given back to the system when the calls end.
 *
 *   parent: 8 client threads, raw never-reading clients
 *      |  TCP loopback
 *   forked child: rpc_server with interface smt   <- /proc/PID/status VmRSS
 *
 * The server runs in a child so that its resident set is its own.  Each
 * test reads VmRSS at idle, under load, and once the load is over, and
 * wants the last within 2x of the first.  Idle is measured after the same
 * 8 clients made calls that take a while but no memory, so that it holds
 * the server's threads and their malloc arenas (a few hundred KiB each,
 * which the threads keep): what the large buffers take must all go back.
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <lrpc/rpc.h>
#include "runtime/runtime_int.h"
#include "engine/co/pdu.h"
#include "transport/transport.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "proc_util.h"
#include "kselftest_harness.h"

#define BIG		(6u << 20)
#define THREADS		8
#define CALLS		10
#define SETTLE_MS	5000

/* ---- the interface: Echo([in] n, [in, size_is(n)] d, [out, size_is(n)] r) */

static const struct ndr_type blob = {
	.kind = NDR_K_ARRAY, .align = 1, .size = 0, .name = "blob",
	.a = { .elem = &ndr_type_byte, .flags = NDR_AF_CONFORMANT,
	       .size_is = { .src = NDR_EXPR_PARAM, .index = 0 } },
};
static const struct ndr_param echo_p[] = {
	{ "n", &ndr_type_ulong, NDR_PF_IN },
	{ "d", &blob, NDR_PF_IN | NDR_PF_REF },
	{ "r", &blob, NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_param wait_p[] = {
	{ "ms", &ndr_type_ulong, NDR_PF_IN },
};
static const struct ndr_proc smt_procs[] = {
	{ "Echo", 0, 3, echo_p, NULL },
	{ "Wait", 1, 1, wait_p, NULL },
};

static int echo_thunk(void **a, struct rpc_call_ctx *ctx)
{
	memcpy(a[2], a[1], *(uint32_t *)a[0]);
	return 0;
}

static int wait_thunk(void **a, struct rpc_call_ctx *ctx)
{
	usleep(*(uint32_t *)a[0] * 1000);
	return 0;
}

static const rpc_thunk_fn smt_thunks[] = { echo_thunk, wait_thunk };

static const struct rpc_interface smt = {
	.id = { { 0x20202020, 0x2020, 0x4020, 0x80, 0x20,
		  { 0x6d, 0x65, 0x6d, 0x6f, 0x72, 0x79 } }, 1, 0 },
	.name = "smt",
	.nprocs = 2,
	.procs = smt_procs,
	.thunks = smt_thunks,
};

/* ---- the server child --------------------------------------------------- */

/* Serve until the parent closes its end of ctl; never returns. */
static void serve(int ctl)
{
	struct rpc_server *srv;
	char *binding, c;
	int port;

	if (rpc_server_create(&srv) || rpc_server_register_if(srv, &smt) ||
	    rpc_server_use_protseq(srv, "ncacn_ip_tcp", "127.0.0.1", "",
				   &binding) ||
	    rpc_server_listen(srv, 0))
		_exit(1);
	port = atoi(strchr(binding, '[') + 1);
	if (write(ctl, &port, sizeof(port)) != sizeof(port))
		_exit(1);
	while (read(ctl, &c, 1) > 0)
		;
	_exit(0);
}

/* Wait up to SETTLE_MS for the server's RSS to come within limit. */
static long rss_settle(pid_t pid, long limit)
{
	long kb = rss_kb(pid);
	int waited;

	for (waited = 0; kb > limit && waited < SETTLE_MS; waited += 50) {
		usleep(50000);
		kb = rss_kb(pid);
	}
	return kb;
}

FIXTURE(mem) {
	pid_t pid;
	int ctl;
	int port;
	char binding[64];
	long idle_kb;
};

/* One call of smt on a binding of its own. */
static int call(const char *binding, uint16_t opnum, void **args)
{
	struct rpc_binding *b;
	int ret = rpc_binding_from_string(binding, &b);

	if (ret < 0)
		return ret;
	ret = rpc_call(b, &smt, opnum, args);
	rpc_binding_free(b);
	return ret;
}

static int echo(const char *binding, uint32_t n, uint8_t *d, uint8_t *r)
{
	void *args[3] = { &n, d, r };

	return call(binding, 0, args);
}

static int wait_20ms(const char *binding)
{
	uint32_t ms = 20;
	void *args[1] = { &ms };

	return call(binding, 1, args);
}

struct load {
	const char *binding;
	uint32_t size;
	pthread_t t;
	int fails;
};

static void *load_thread(void *arg)
{
	struct load *l = arg;
	uint32_t size = l->size;
	uint8_t *d = malloc(size ? size : 1), *r = malloc(size ? size : 1);
	int i;

	if (!d || !r) {
		l->fails = CALLS;
		goto out;
	}
	memset(d, 0xa5, size);
	for (i = 0; i < CALLS; i++) {
		uint32_t n = size - (uint32_t)i * 512;

		if (!size) {	/* 20 ms in the server, nothing large */
			l->fails += wait_20ms(l->binding) < 0;
			continue;
		}
		r[n - 1] = 0;
		if (echo(l->binding, n, d, r) < 0 || r[n - 1] != 0xa5)
			l->fails++;
	}
out:
	free(d);
	free(r);
	return NULL;
}

/* THREADS clients of CALLS Echo calls of about size octets each (0: Wait
 * calls of 20 ms): the calls that failed; *peak the server's largest
 * VmRSS seen meanwhile. */
static int run_load(const char *binding, pid_t pid, uint32_t size, long *peak)
{
	struct load l[THREADS];
	int i, n = 0, fails = 0;

	for (i = 0; i < THREADS; i++) {
		l[i].binding = binding;
		l[i].size = size;
		l[i].fails = 0;
		if (pthread_create(&l[i].t, NULL, load_thread, &l[i]))
			break;
		n++;
	}
	for (i = 0; i < n; i++) {
		while (pthread_tryjoin_np(l[i].t, NULL) == EBUSY) {
			long kb = rss_kb(pid);

			*peak = kb > *peak ? kb : *peak;
			usleep(5000);
		}
		fails += l[i].fails;
	}
	return fails + (THREADS - n) * CALLS;
}

FIXTURE_SETUP(mem)
{
	long peak = 0;
	int sv[2];

	ASSERT_EQ(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
	self->pid = fork();
	ASSERT_GE(self->pid, 0);
	if (!self->pid) {
		close(sv[0]);
		serve(sv[1]);
	}
	close(sv[1]);
	self->ctl = sv[0];
	ASSERT_EQ(sizeof(self->port),
		  read(self->ctl, &self->port, sizeof(self->port)));
	snprintf(self->binding, sizeof(self->binding),
		 "ncacn_ip_tcp:127.0.0.1[%d]", self->port);
	ASSERT_EQ(0, run_load(self->binding, self->pid, 0, &peak));
	usleep(200000);
	self->idle_kb = rss_kb(self->pid);
	ASSERT_GT(self->idle_kb, 0);
}

FIXTURE_TEARDOWN(mem)
{
	int st;

	close(self->ctl);
	if (waitpid(self->pid, &st, 0) != self->pid)
		kill(self->pid, SIGKILL);
}

TEST_F_TIMEOUT(mem, large_calls_give_memory_back, 120)
{
	long peak = 0, after;

	EXPECT_EQ(0, run_load(self->binding, self->pid, BIG, &peak));
	after = rss_settle(self->pid, 2 * self->idle_kb);
	ksft_print_msg("server VmRSS: idle %ld kB, under load %ld kB, after %ld kB\n",
		       self->idle_kb, peak, after);
	fflush(stdout);
	EXPECT_LE(after, 2 * self->idle_kb);
}

/* connect, bind with 64 KiB fragments; the fd or -1 */
static int raw_bound(int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(0x7f000001) };
	struct rpc_co_enc e = { RPC_PT_BIND, 3, false, 1 };
	struct ndr_buf b = { 0 };
	struct rpc_pdu p;
	uint8_t hdr[512];
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	if (fd < 0 || connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		goto fail;
	memset(&p, 0, sizeof(p));
	p.bind.max_xmit_frag = 65528;
	p.bind.max_recv_frag = 65528;
	p.bind.n_ctx = 1;
	p.bind.ctx[0].n_tsyn = 1;
	p.bind.ctx[0].abstract = smt.id;
	p.bind.ctx[0].tsyn[0] = rpc_syntax_ndr20;
	if (__rpc_co_encode(&b, &e, &p) <= 0 ||
	    write(fd, b.data, b.len) != (ssize_t)b.len)
		goto fail;
	__ndr_buf_free(&b);
	/* the bind_ack: the one PDU this client reads */
	if (read(fd, hdr, sizeof(hdr)) < 16 || hdr[2] != RPC_PT_BIND_ACK)
		goto fail;
	return fd;
fail:
	__ndr_buf_free(&b);
	if (fd >= 0)
		close(fd);
	return -1;
}

/* Send Echo of n octets in 64 KiB fragments, never read the answer. */
static int send_echo(int fd, uint32_t n)
{
	size_t len = 4 + 4 + (size_t)n, off = 0, chunk = 65528 - 24;
	uint8_t *stub = malloc(len);
	struct ndr_buf b = { 0 };
	int ret = 0;

	if (!stub)
		return -1;
	memcpy(stub, &n, 4);		/* n, then the conformance of d */
	memcpy(stub + 4, &n, 4);
	memset(stub + 8, 0x3c, n);
	while (off < len && !ret) {
		size_t k = len - off < chunk ? len - off : chunk;
		struct rpc_co_enc e = {
			RPC_PT_REQUEST,
			(off ? 0 : RPC_PFC_FIRST_FRAG) |
			(off + k == len ? RPC_PFC_LAST_FRAG : 0), false, 2 };
		struct rpc_pdu p;
		size_t done = 0;

		memset(&p, 0, sizeof(p));
		p.request.alloc_hint = (uint32_t)(len - off);
		p.stub = stub + off;
		p.stub_len = k;
		b.len = 0;
		if (__rpc_co_encode(&b, &e, &p) <= 0)
			ret = -1;
		while (!ret && done < b.len) {
			ssize_t w = write(fd, b.data + done, b.len - done);

			if (w <= 0)
				ret = -1;
			else
				done += (size_t)w;
		}
		off += k;
	}
	__ndr_buf_free(&b);
	free(stub);
	return ret;
}

TEST_F_TIMEOUT(mem, never_reading_clients_give_memory_back, 120)
{
	int fd[4], i;
	long held, after;

	for (i = 0; i < 4; i++) {
		fd[i] = raw_bound(self->port);
		ASSERT_GE(fd[i], 0);
		ASSERT_EQ(0, send_echo(fd[i], 8u << 20));
	}
	held = rss_kb(self->pid);
	for (i = 0; i < 100; i++) {	/* the answers are made and queued */
		long kb = rss_kb(self->pid);

		held = kb > held ? kb : held;
		usleep(5000);
	}
	for (i = 0; i < 4; i++)
		close(fd[i]);
	after = rss_settle(self->pid, 2 * self->idle_kb);
	ksft_print_msg("server VmRSS: idle %ld kB, 4 never-reading clients %ld kB, after %ld kB\n",
		       self->idle_kb, held, after);
	fflush(stdout);
	EXPECT_LE(after, 2 * self->idle_kb);
}

TEST_HARNESS_MAIN
