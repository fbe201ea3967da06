// SPDX-License-Identifier: MIT
/*
 * Issue 20, ncalrpc: the server's guards hold on both paths, through
 * /dev/lrpc and through the AF_UNIX fallback, with the one setting each
 * (rpc_server_set_timeout, rpc_server_set_limit):
 *
 *   this process: attackers (bindings, raw connects) --+
 *                 a normal client, calling all along --+--> in-process
 *                                                          server
 *
 *   silent_clients_dropped  bindings that made one call and keep still
 *                   are dropped after RPC_SERVER_TIMEOUT_IDLE (their
 *                   association groups go: rpc_server_stats), while a
 *                   client calling every 50 ms is served and kept
 *   connect_never_call  kernel connections that carry their bind and
 *                   never call (__rpc_lpc_connect) go the same way
 *   reconnect_after_idle  a binding the server dropped for idleness
 *                   calls again without an error: the module refuses
 *                   its CALL unsent and lpc_client.c reconnects
 *   calls_per_conn_capped  RPC_SERVER_LIMIT_CALLS_PER_CONN 2: a third
 *                   concurrent call on one binding is refused at once
 *                   (nca_s_server_too_busy), the two run, another
 *                   binding is served meanwhile
 *
 * Every wait is bounded (DROP_BOUND_MS past the time-out: the guest
 * runs under TCG).  Kernel cases skip (4) without /dev/lrpc;
 * tests/local runs this same file natively, where only the fallback
 * runs.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <lrpc/rpc.h>
#include "runtime/server_int.h"
#include "engine/lpc/lpc_int.h"

#include "kselftest_harness.h"

#define IDLE_MS		800
#define DROP_BOUND_MS	3000	/* past IDLE_MS: a tick is 200 ms */
#define SILENT		8
#define NAP_MS		600

enum { OP_ECHO, OP_NAP };

static const struct rpc_interface guard_if = {
	.id = { { 0x7a2c0e52, 0x2020, 0x4c1d, 0x9e, 0x20,
		  { 0x55, 0x1d, 0x00, 0x20, 0x00, 0x21 } }, 1, 0 },
	.name = "lpcguard",
	.nprocs = 2,
};

static int64_t ms_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void nap_ms(unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static int guard_dispatch(struct rpc_call_ctx *call, uint16_t opnum,
			  const uint8_t *in, size_t inlen, struct ndr_buf *out)
{
	if (opnum == OP_NAP)
		nap_ms(NAP_MS);
	return __ndr_buf_put(out, in, inlen);
}

static int call_once(struct rpc_binding *b, uint16_t opnum)
{
	struct rpc_reply rep;
	uint32_t v = 20;
	int ret = rpc_call_raw(b, &guard_if.id, opnum, &v, sizeof(v), &rep);

	if (!ret)
		rpc_reply_release(&rep);
	return ret;
}

FIXTURE(guard) {
	struct rpc_server *srv;
	char binding[128];
	char endpoint[64];
};

FIXTURE_VARIANT(guard) {
	bool kernel;
};

FIXTURE_VARIANT_ADD(guard, kernel) { .kernel = true };
FIXTURE_VARIANT_ADD(guard, fallback) { .kernel = false };

static bool have_kernel(void)
{
	return access("/dev/lrpc", R_OK | W_OK) == 0;
}

#define GUARD_SKIP()							\
	do {								\
		if (variant->kernel && !have_kernel())			\
			SKIP(return, "/dev/lrpc missing: module not loaded"); \
	} while (0)

FIXTURE_SETUP(guard)
{
	char *s;

	if (variant->kernel && !have_kernel())
		return;
	if (variant->kernel)
		unsetenv("LRPC_NO_KERNEL");
	else
		setenv("LRPC_NO_KERNEL", "1", 1);
	ASSERT_EQ(0, rpc_server_create(&self->srv));
	ASSERT_EQ(0, __rpc_server_register_raw(self->srv, &guard_if,
					       guard_dispatch, SYN_NDR20));
	ASSERT_EQ(0, rpc_server_set_timeout(self->srv, RPC_SERVER_TIMEOUT_IDLE,
					    IDLE_MS));
	snprintf(self->endpoint, sizeof(self->endpoint), "guard-%d-%d",
		 getpid(), variant->kernel);
	ASSERT_EQ(0, rpc_server_use_protseq(self->srv, "ncalrpc", NULL,
					    self->endpoint, &s));
	snprintf(self->binding, sizeof(self->binding), "%s", s);
	free(s);
	ASSERT_EQ(0, rpc_server_listen(self->srv, 0));
}

FIXTURE_TEARDOWN(guard)
{
	if (self->srv)
		rpc_server_free(self->srv);
	unsetenv("LRPC_NO_KERNEL");
}

static unsigned int groups(struct rpc_server *srv)
{
	struct rpc_server_stats st = { 0 };

	rpc_server_stats(srv, &st);
	return st.assoc_groups;
}

/*
 * Until the server has at most want association groups, calling on good
 * (when not NULL) every 50 ms; bounded by DROP_BOUND_MS past the idle
 * time-out.  The ms since t0 it took, or -1; *bad counts good's failed
 * calls.
 */
static int64_t wait_groups(struct rpc_server *srv, unsigned int want,
			   int64_t t0, struct rpc_binding *good, int *bad)
{
	while (ms_now() - t0 < IDLE_MS + DROP_BOUND_MS) {
		if (groups(srv) <= want)
			return ms_now() - t0;
		if (good && call_once(good, OP_ECHO))
			(*bad)++;
		nap_ms(50);
	}
	return -1;
}

TEST_F_TIMEOUT(guard, silent_clients_dropped, 60)
{
	GUARD_SKIP();
	struct rpc_binding *good, *silent[SILENT];
	unsigned int base;
	int64_t t0, took;
	int i, bad = 0;

	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &good));
	ASSERT_EQ(0, call_once(good, OP_ECHO));
	base = groups(self->srv);
	t0 = ms_now();
	for (i = 0; i < SILENT; i++) {
		ASSERT_EQ(0, rpc_binding_from_string(self->binding,
						     &silent[i]));
		ASSERT_EQ(0, call_once(silent[i], OP_ECHO));
	}
	EXPECT_EQ(base + SILENT, groups(self->srv));
	took = wait_groups(self->srv, base, t0, good, &bad);
	TH_LOG("%d silent clients dropped after %" PRId64 " ms (idle %d ms), "
	       "%d failed calls of the active one", SILENT, took, IDLE_MS,
	       bad);
	EXPECT_GE(took, IDLE_MS - 100);
	EXPECT_EQ(0, bad);
	/* the active client was kept all along */
	EXPECT_EQ(base, groups(self->srv));
	EXPECT_EQ(0, call_once(good, OP_ECHO));
	for (i = 0; i < SILENT; i++)
		rpc_binding_free(silent[i]);
	rpc_binding_free(good);
}

TEST_F_TIMEOUT(guard, connect_never_call, 60)
{
	GUARD_SKIP();
	struct lpc_params p = {
		.offer = SYN_NDR20,
		.com_level = RPC_C_BINDING_DEFAULT_TIMEOUT,
		.server_uid = RPC_SERVER_UID_DEFAULT,
	};
	struct lpc_client *l[4] = { 0 };
	struct rpc_binding *good;
	unsigned int base;
	int64_t t0, took;
	int i, bad = 0;

	if (!variant->kernel)	/* a socket that never binds: server_guard_test */
		SKIP(return, "the kernel path's connect carries its bind");
	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &good));
	ASSERT_EQ(0, call_once(good, OP_ECHO));
	base = groups(self->srv);
	t0 = ms_now();
	for (i = 0; i < 4; i++)
		ASSERT_EQ(1, __rpc_lpc_connect(self->endpoint, &p,
					       &guard_if.id, &l[i]));
	EXPECT_EQ(base + 4, groups(self->srv));
	took = wait_groups(self->srv, base, t0, good, &bad);
	TH_LOG("4 connections without a call dropped after %" PRId64
	       " ms (idle %d ms)", took, IDLE_MS);
	EXPECT_GE(took, IDLE_MS - 100);
	EXPECT_EQ(0, bad);
	for (i = 0; i < 4; i++)
		__rpc_lpc_close(l[i]);
	EXPECT_EQ(0, call_once(good, OP_ECHO));
	rpc_binding_free(good);
}

TEST_F_TIMEOUT(guard, reconnect_after_idle, 60)
{
	GUARD_SKIP();
	struct rpc_binding *b;
	unsigned int base = groups(self->srv);
	int64_t took;
	int round;

	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &b));
	for (round = 0; round < 2; round++) {
		ASSERT_EQ(0, call_once(b, OP_ECHO)) TH_LOG("round %d", round);
		EXPECT_EQ(base + 1, groups(self->srv));
		took = wait_groups(self->srv, base, ms_now(), NULL, NULL);
		TH_LOG("round %d: dropped after %" PRId64 " ms", round, took);
		ASSERT_GE(took, 0);
	}
	/* dropped twice; each next call went through on a new connection */
	EXPECT_EQ(0, call_once(b, OP_ECHO));
	EXPECT_EQ(0, call_once(b, OP_ECHO));
	EXPECT_EQ(base + 1, groups(self->srv));
	rpc_binding_free(b);
}

struct napper {
	struct rpc_binding *b;
	unsigned int delay_ms;
	int ret;
	int64_t took;
};

static void *nap_thread(void *arg)
{
	struct napper *n = arg;
	int64_t t0;

	nap_ms(n->delay_ms);
	t0 = ms_now();
	n->ret = call_once(n->b, OP_NAP);
	n->took = ms_now() - t0;
	return NULL;
}

TEST_F_TIMEOUT(guard, calls_per_conn_capped, 60)
{
	GUARD_SKIP();
	struct napper n[3];
	pthread_t t[3];
	struct rpc_binding *b, *other;
	int i, ok = 0, busy = 0;
	int64_t t_busy = -1;

	ASSERT_EQ(0, rpc_server_set_limit(self->srv,
					  RPC_SERVER_LIMIT_CALLS_PER_CONN, 2));
	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &b));
	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &other));
	ASSERT_EQ(0, call_once(b, OP_ECHO));	/* connected before the race */
	for (i = 0; i < 3; i++) {
		n[i] = (struct napper){ .b = b, .delay_ms = 150 * i };
		ASSERT_EQ(0, pthread_create(&t[i], NULL, nap_thread, &n[i]));
	}
	nap_ms(400);		/* the two naps run, the third was refused */
	EXPECT_EQ(0, call_once(other, OP_ECHO));
	for (i = 0; i < 3; i++) {
		pthread_join(t[i], NULL);
		if (!n[i].ret) {
			ok++;
		} else if (n[i].ret == -(int)nca_s_server_too_busy) {
			busy++;
			t_busy = n[i].took;
		} else {
			TH_LOG("call %d: %d", i, n[i].ret);
		}
	}
	TH_LOG("cap 2: %d ran, %d refused (too busy) after %" PRId64 " ms",
	       ok, busy, t_busy);
	EXPECT_EQ(2, ok);
	EXPECT_EQ(1, busy);
	EXPECT_EQ(-(int)nca_s_server_too_busy, n[2].ret);
	EXPECT_LE(t_busy, NAP_MS / 2);
	/* under the cap again */
	EXPECT_EQ(0, call_once(b, OP_NAP));
	rpc_binding_free(other);
	rpc_binding_free(b);
}

TEST_HARNESS_MAIN
