// SPDX-License-Identifier: MIT
/*
 * bench_rpc: ncacn_ip_tcp (liblrpc) against ONC RPC (libtirpc) over TCP
 * loopback, both servers in this process:
 *   - null call latency (one client, sequential calls);
 *   - throughput with 8 client threads, one connection each;
 *   - server memory per idle bound connection.
 * Prints the numbers and the ratios lrpc/tirpc (issue 7 targets: latency
 * ratio <= 1.0, throughput ratio >= 1.0).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <lrpc/rpc.h>
#include "bench.h"

/* ---- lrpc: one null operation ----------------------------------------- */

static const struct ndr_proc null_procs[] = { { "Null", 0, 0, NULL, NULL } };
static int null_thunk(void **a, struct rpc_call_ctx *c) { return 0; }
static const rpc_thunk_fn null_thunks[] = { null_thunk };
static const struct rpc_interface nulli = {
	.id = { { 0x6e756c6c, 0x6265, 0x6e63, 0x68, 0x00,
		  { 1, 2, 3, 4, 5, 6 } }, 1, 0 },
	.name = "null", .nprocs = 1, .procs = null_procs, .thunks = null_thunks,
};

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static char *lrpc_binding;

static int lrpc_null(struct rpc_binding *b)
{
	void *args[1] = { NULL };
	int ret = rpc_call(b, &nulli, 0, args);

	if (ret < 0)
		fprintf(stderr, "lrpc null call: %s\n", rpc_status_name(ret));
	return ret;
}

/* ---- measurements ----------------------------------------------------- */

static double latency(bool lrpc, int n)
{
	struct rpc_binding *b = NULL;
	void *c = NULL;
	double t0;
	int i;

	if (lrpc)
		rpc_binding_from_string(lrpc_binding, &b);
	else
		c = tirpc_client();
	for (i = 0; i < n / 10; i++)	/* warm up, connect, bind */
		lrpc ? lrpc_null(b) : tirpc_null(c);
	t0 = now();
	for (i = 0; i < n; i++)
		if (lrpc ? lrpc_null(b) : tirpc_null(c))
			abort();
	t0 = (now() - t0) / n * 1e6;
	if (lrpc)
		rpc_binding_free(b);
	else
		tirpc_client_free(c);
	return t0;
}

struct thr {
	bool lrpc;
	double secs;
	long calls;
};

static void *tput_thread(void *arg)
{
	struct thr *t = arg;
	struct rpc_binding *b = NULL;
	void *c = NULL;
	double end;

	if (t->lrpc)
		rpc_binding_from_string(lrpc_binding, &b);
	else
		c = tirpc_client();
	t->lrpc ? lrpc_null(b) : tirpc_null(c);
	end = now() + t->secs;
	while (now() < end) {
		int i;

		for (i = 0; i < 100; i++)
			if (t->lrpc ? lrpc_null(b) : tirpc_null(c))
				abort();
		t->calls += 100;
	}
	if (t->lrpc)
		rpc_binding_free(b);
	else
		tirpc_client_free(c);
	return NULL;
}

static double throughput(bool lrpc, int nthreads, double secs)
{
	pthread_t t[64];
	struct thr th[64];
	long total = 0;
	int i;

	for (i = 0; i < nthreads; i++) {
		th[i] = (struct thr){ lrpc, secs, 0 };
		pthread_create(&t[i], NULL, tput_thread, &th[i]);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(t[i], NULL);
		total += th[i].calls;
	}
	return total / secs;
}

static long rss_kb(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long p = 0, r = 0;

	if (f) {
		if (fscanf(f, "%ld %ld", &p, &r) != 2)
			r = 0;
		fclose(f);
	}
	return r * (sysconf(_SC_PAGESIZE) / 1024);
}

/* server memory per idle, bound connection: the client side here is only
 * sockets and one bind PDU, so the RSS growth is the server's */
static double idle_conn_kb(int port, int n)
{
	static const uint8_t bind_pdu[72] = {
		5, 0, 11, 3, 0x10, 0, 0, 0, 72, 0, 0, 0, 1, 0, 0, 0,
		0xb8, 0x10, 0xb8, 0x10, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0,
		0x6c, 0x6c, 0x75, 0x6e, 0x65, 0x62, 0x63, 0x6e, 0x68, 0x00,
		1, 2, 3, 4, 5, 6, 1, 0, 0, 0,
		0x04, 0x5d, 0x88, 0x8a, 0xeb, 0x1c, 0xc9, 0x11, 0x9f, 0xe8,
		0x08, 0x00, 0x2b, 0x10, 0x48, 0x60, 2, 0, 0, 0,
	};
	int *fds = calloc((size_t)n, sizeof(int)), i;
	uint8_t buf[256];
	long before = rss_kb();
	double kb;

	for (i = 0; i < n; i++) {
		struct sockaddr_in a = { .sin_family = AF_INET,
					 .sin_port = htons((uint16_t)port),
					 .sin_addr.s_addr = htonl(0x7f000001) };

		fds[i] = socket(AF_INET, SOCK_STREAM, 0);
		if (connect(fds[i], (struct sockaddr *)&a, sizeof(a)) ||
		    write(fds[i], bind_pdu, sizeof(bind_pdu)) != sizeof(bind_pdu))
			abort();
	}
	for (i = 0; i < n; i++)
		if (read(fds[i], buf, sizeof(buf)) <= 0)
			abort();
	usleep(100000);
	kb = (double)(rss_kb() - before) / n;
	for (i = 0; i < n; i++)
		close(fds[i]);
	free(fds);
	return kb;
}

int main(int argc, char **argv)
{
	struct rpc_server *srv = NULL;
	double l1, l2, t1, t2, secs = argc > 1 ? atof(argv[1]) : 2.0;
	int n = argc > 2 ? atoi(argv[2]) : 20000;

	/* 1000 idle connections from one address: lift the per-address cap */
	if (rpc_server_create(&srv) || rpc_server_register_if(srv, &nulli) ||
	    rpc_server_set_limit(srv, RPC_SERVER_LIMIT_CONNS_PER_ADDR, 0) ||
	    rpc_server_use_protseq(srv, "ncacn_ip_tcp", "127.0.0.1", "",
				   &lrpc_binding) ||
	    rpc_server_listen(srv, 0)) {
		fprintf(stderr, "lrpc server failed\n");
		return 1;
	}
	if (tirpc_start()) {
		fprintf(stderr, "tirpc server failed\n");
		return 1;
	}

	l1 = latency(true, n);
	l2 = latency(false, n);
	printf("null call latency: lrpc %.1f us, tirpc %.1f us, ratio %.2f (target <= 1.0)\n",
	       l1, l2, l1 / l2);
	t1 = throughput(true, 8, secs);
	t2 = throughput(false, 8, secs);
	printf("8-client throughput: lrpc %.0f calls/s, tirpc %.0f calls/s, ratio %.2f (target >= 1.0)\n",
	       t1, t2, t1 / t2);
	printf("server memory per idle bound connection: %.1f KiB (1000 connections)\n",
	       idle_conn_kb(atoi(strchr(lrpc_binding, '[') + 1), 1000));
	fflush(stdout);
	_exit(0);
}
