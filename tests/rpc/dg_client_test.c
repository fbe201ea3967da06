// SPDX-License-Identifier: MIT
/*
 * The datagram client engine (ncadg_ip_udp, lib/engine/dg/dg_client*.c)
 * against scripted fake servers (dg_fake.h) that misbehave as each test
 * says: lose a fragment or a response, answer out of order, work for a
 * while, forget the call, fault, reject, restart, call back, never
 * answer, send garbage, lose a fifth of everything.
 *
 *   rpc_call_raw --UDP--> fake thread (dg_fake.h)
 *
 * Every test arms a watchdog (alarm): a hang is a failure.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lrpc/rpc.h>
#include "runtime/runtime_int.h"
#include "dg_fake.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define WATCHDOG_S	20

static struct rpc_binding *bind_to(struct fake *f, const char *opts)
{
	char s[128];
	struct rpc_binding *b = NULL;

	snprintf(s, sizeof(s), "ncadg_ip_udp:127.0.0.1[%d%s%s]", f->port,
		 opts ? "," : "", opts ? opts : "");
	if (rpc_binding_from_string(s, &b) < 0)
		return NULL;
	return b;
}

/* opnum 0 with in[0..n): 0 when the answer is (n, sum), else the
 * call's status. */
static int sum_call(struct rpc_binding *b, const uint8_t *in, size_t n)
{
	struct rpc_reply r;
	uint32_t len, sum = 0, got;
	size_t i;
	int ret = rpc_call_raw(b, &iface, 0, in, n, &r);

	if (ret < 0)
		return ret;
	for (i = 0; i < n; i++)
		sum += in[i];
	if (r.len != 8)
		ret = -1000;
	else {
		memcpy(&len, r.data, 4);
		memcpy(&got, r.data + 4, 4);
		if (len != n || got != sum)
			ret = -1001;
	}
	rpc_reply_release(&r);
	return ret;
}

static uint8_t *pattern(size_t n)
{
	uint8_t *p = malloc(n);
	size_t i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(i * 13 + 1);
	return p;
}

/* DG_ONLY=name runs that test alone (the others pass at once) */
#define only(name) \
	do { \
		const char *o_ = getenv("DG_ONLY"); \
		if (o_ && strcmp(o_, name)) \
			return; \
	} while (0)

#define note(...) do { printf("# " __VA_ARGS__); fflush(stdout); } while (0)

static int64_t ms_since(int64_t t0)
{
	return __rpc_now_ms() - t0;
}

TEST(one_fragment)
{
	struct fake *f = fake_start(NORMAL);
	struct rpc_binding *b = bind_to(f, NULL);
	uint8_t in[100];

	only("one_fragment");
	alarm(WATCHDOG_S);
	ASSERT_NE(NULL, b);
	memset(in, 3, sizeof(in));
	ASSERT_EQ(0, sum_call(b, in, sizeof(in)));
	ASSERT_EQ(0, sum_call(b, in, 0));
	ASSERT_EQ(2, atomic_load(&f->executions));
	ASSERT_EQ(2, atomic_load(&f->calls_seen));
	usleep(50000);
	ASSERT_EQ(2, atomic_load(&f->acks));	/* non-idempotent: acked */
	ASSERT_EQ(0, atomic_load(&f->last_flags1) &
		     (DG_F1_FRAG | DG_F1_IDEMPOTENT));
	/* its answer acknowledges it: no fack asked for */
	ASSERT_TRUE(atomic_load(&f->last_flags1) & DG_F1_NOFACK);
	ASSERT_EQ(0, atomic_load(&f->facks));
	rpc_binding_free(b);
	fake_stop(f);
}

TEST(idempotent_and_maybe)
{
	struct fake *f = fake_start(NORMAL);
	struct rpc_binding *b = bind_to(f, NULL);
	struct rpc_reply r;
	uint8_t in[8] = { 1 }, *big;
	int i;

	only("idempotent_and_maybe");
	alarm(WATCHDOG_S);
	__rpc_cli_proc_flags = RPC_PROC_IDEMPOTENT;
	ASSERT_EQ(0, sum_call(b, in, sizeof(in)));
	ASSERT_TRUE(atomic_load(&f->last_flags1) & DG_F1_IDEMPOTENT);
	usleep(50000);
	ASSERT_EQ(0, atomic_load(&f->acks));
	__rpc_cli_proc_flags = RPC_PROC_MAYBE;
	ASSERT_EQ(0, rpc_call_raw(b, &iface, 0, in, sizeof(in), &r));
	ASSERT_EQ(0, r.len);
	__rpc_cli_proc_flags = 0;
	for (i = 0; i < 100 && atomic_load(&f->executions) < 2; i++)
		usleep(10000);
	ASSERT_EQ(2, atomic_load(&f->executions));
	ASSERT_TRUE(atomic_load(&f->last_flags1) & DG_F1_MAYBE);
	/* [maybe] is idempotent too (what the reference runtime sends) */
	ASSERT_TRUE(atomic_load(&f->last_flags1) & DG_F1_IDEMPOTENT);
	/* an idempotent call whose [in] takes several fragments goes as a
	 * non-idempotent one: the client keeps none of the facked
	 * fragments, so it could not run it again; the server keeps its
	 * answer until the ack */
	big = pattern(3 * DG_MAX_BODY);
	ASSERT_NE(NULL, big);
	__rpc_cli_proc_flags = RPC_PROC_IDEMPOTENT;
	ASSERT_EQ(0, sum_call(b, big, 3 * DG_MAX_BODY));
	__rpc_cli_proc_flags = 0;
	free(big);
	ASSERT_EQ(0, atomic_load(&f->last_flags1) & DG_F1_IDEMPOTENT);
	for (i = 0; i < 100 && atomic_load(&f->acks) < 1; i++)
		usleep(10000);
	ASSERT_EQ(1, atomic_load(&f->acks));
	rpc_binding_free(b);
	fake_stop(f);
}

TEST(large_in_with_lost_fragment)
{
	struct fake *f = fake_start(DROP_FRAG);
	struct rpc_binding *b = bind_to(f, NULL);
	size_t n = 200 * 1024;
	uint8_t *in = pattern(n);
	int64_t t0 = __rpc_now_ms();

	only("large_in_with_lost_fragment");
	alarm(WATCHDOG_S);
	ASSERT_EQ(0, sum_call(b, in, n));
	note("200 kB [in], fragments 0 and 5 lost once: %lld ms, "
	     "%d datagrams, %d requests, fragment 0 again after %lld ms\n",
	     (long long)ms_since(t0), atomic_load(&f->datagrams),
	     atomic_load(&f->requests),
	     (long long)(atomic_load(&f->redo_ms) - atomic_load(&f->drop_ms)));
	ASSERT_EQ(2, atomic_load(&f->dropped));
	ASSERT_EQ(1, atomic_load(&f->executions));
	/* the first fack (60 ms late) shows the hole at 0 (its fragnum says
	 * "none in order"): sent again at once, not after a time-out
	 * (4 x 60 ms more) */
	ASSERT_LT(atomic_load(&f->redo_ms) - atomic_load(&f->drop_ms), 200);
	/* 148 fragments: the lost ones again, and not much more */
	ASSERT_GE(atomic_load(&f->requests), 150);
	ASSERT_LE(atomic_load(&f->requests), 200);
	free(in);
	rpc_binding_free(b);
	fake_stop(f);
}

static int out_call(struct rpc_binding *b, uint32_t n)
{
	struct rpc_reply r;
	uint8_t in[4];
	uint32_t i;
	int ret;

	memcpy(in, &n, 4);
	ret = rpc_call_raw(b, &iface, 1, in, 4, &r);
	if (ret < 0)
		return ret;
	if (r.len != n)
		ret = -1000;
	for (i = 0; !ret && i < n; i++)
		if (r.data[i] != (uint8_t)(i * 7 + 3))
			ret = -1001;
	rpc_reply_release(&r);
	return ret;
}

TEST(large_out_out_of_order)
{
	struct fake *f = fake_start(OUT_OF_ORDER);
	struct rpc_binding *b = bind_to(f, NULL);

	only("large_out_out_of_order");
	alarm(WATCHDOG_S);
	ASSERT_EQ(0, out_call(b, 100000));
	ASSERT_EQ(0, out_call(b, 3 * DG_MAX_BODY));	/* exact fragments */
	ASSERT_EQ(0, out_call(b, 0));
	ASSERT_GE(atomic_load(&f->facks), 1);	/* the holes were facked */
	ASSERT_EQ(3, atomic_load(&f->executions));
	rpc_binding_free(b);
	fake_stop(f);
}

TEST(sixteen_mib_each_way)
{
	struct fake *f = fake_start(NORMAL);
	struct rpc_binding *b = bind_to(f, NULL);
	size_t n = 16u << 20;
	uint8_t *in = pattern(n);
	int64_t t0 = __rpc_now_ms();

	only("sixteen_mib_each_way");
	alarm(3 * WATCHDOG_S);	/* ThreadSanitizer is slow at this */
	ASSERT_EQ(0, sum_call(b, in, n));
	note("16 MiB [in]: %lld ms, %d datagrams\n", (long long)ms_since(t0),
	     atomic_load(&f->datagrams));
	t0 = __rpc_now_ms();
	ASSERT_EQ(0, out_call(b, n));
	note("16 MiB [out]: %lld ms, %d facks\n", (long long)ms_since(t0),
	     atomic_load(&f->facks));
	ASSERT_EQ(2, atomic_load(&f->executions));
	free(in);
	rpc_binding_free(b);
	fake_stop(f);
}

TEST(lossy_network_at_most_once)
{
	struct fake *f = fake_start(LOSSY);
	struct rpc_binding *b = bind_to(f, NULL);
	size_t max = 40000;
	uint8_t *in = pattern(max);
	unsigned int seed = 17;
	int64_t t0 = __rpc_now_ms();
	int i, calls = 300;

	only("lossy_network_at_most_once");
	alarm(60);
	for (i = 0; i < calls; i++) {
		size_t n = rand_r(&seed) % 4 ? rand_r(&seed) % 2000
					     : rand_r(&seed) % max;

		if (i % 3) {
			ASSERT_EQ(0, sum_call(b, in, n));
		} else {
			ASSERT_EQ(0, out_call(b, (uint32_t)n));
		}
	}
	note("%d calls at 20%% loss each way: %lld ms, %d datagrams lost\n",
	     calls, (long long)ms_since(t0), atomic_load(&f->lost));
	/* every call ran exactly once */
	ASSERT_EQ(calls, atomic_load(&f->executions));
	free(in);
	rpc_binding_free(b);
	fake_stop(f);
}

#define NCALLERS	12

static pthread_barrier_t callers_go;

struct caller {
	struct rpc_binding *b;
	int seed, failed;
};

static void *caller_main(void *arg)
{
	struct caller *c = arg;
	uint8_t in[64];
	int i;

	pthread_barrier_wait(&callers_go);	/* all at once: new activities */
	for (i = 0; i < 20; i++) {
		memset(in, c->seed + i, sizeof(in));
		if (sum_call(c->b, in, (size_t)(c->seed + i) % sizeof(in)))
			c->failed++;
	}
	return NULL;
}

/* Calls from several threads on one binding: each on an activity of its
 * own, side by side; each activity answers the callbacks about it. */
TEST(concurrent_calls)
{
	struct fake *f = fake_start(CONV_EACH);
	struct rpc_binding *b = bind_to(f, NULL);
	struct caller c[NCALLERS];
	pthread_t th[NCALLERS];
	int i;

	only("concurrent_calls");
	alarm(WATCHDOG_S);
	pthread_barrier_init(&callers_go, NULL, NCALLERS);
	for (i = 0; i < NCALLERS; i++) {
		c[i] = (struct caller){ .b = b, .seed = 11 * i };
		pthread_create(&th[i], NULL, caller_main, &c[i]);
	}
	for (i = 0; i < NCALLERS; i++) {
		pthread_join(th[i], NULL);
		ASSERT_EQ(0, c[i].failed);
	}
	ASSERT_GE(atomic_load(&f->acts_seen), 2);
	ASSERT_GE(atomic_load(&f->conv_ok), 2);
	ASSERT_EQ(0, atomic_load(&f->conv_bad));
	rpc_binding_free(b);
	fake_stop(f);
}

TEST(lost_response)
{
	struct fake *f = fake_start(LOSE_RESPONSE);
	struct rpc_binding *b = bind_to(f, NULL);
	uint8_t in[10] = { 9 };
	int64_t t0 = __rpc_now_ms();

	only("lost_response");
	alarm(WATCHDOG_S);
	ASSERT_EQ(0, sum_call(b, in, sizeof(in)));
	note("lost response: %lld ms\n", (long long)ms_since(t0));
	ASSERT_EQ(1, atomic_load(&f->dropped));
	ASSERT_EQ(1, atomic_load(&f->executions));	/* never twice */
	ASSERT_GE(atomic_load(&f->requests) + atomic_load(&f->pings), 2);
	ASSERT_LT(ms_since(t0), 1500);
	rpc_binding_free(b);
	fake_stop(f);
}

TEST(working_then_answer)
{
	struct fake *f = fake_start(WORKING);
	struct rpc_binding *b = bind_to(f, NULL);
	uint8_t in[10] = { 9 };

	only("working_then_answer");
	alarm(WATCHDOG_S);
	ASSERT_EQ(0, sum_call(b, in, sizeof(in)));
	ASSERT_GE(atomic_load(&f->pings), 3);
	ASSERT_EQ(1, atomic_load(&f->executions));
	rpc_binding_free(b);
	fake_stop(f);
}

TEST(nocall_then_retransmit)
{
	struct fake *f = fake_start(NOCALL);
	struct rpc_binding *b = bind_to(f, NULL);
	size_t n = 3 * DG_MAX_BODY;
	uint8_t *in = pattern(n);

	only("nocall_then_retransmit");
	alarm(WATCHDOG_S);
	ASSERT_EQ(0, sum_call(b, in, n));
	ASSERT_GE(atomic_load(&f->nocalls), 1);
	ASSERT_EQ(1, atomic_load(&f->executions));
	ASSERT_GE(atomic_load(&f->requests), 6);	/* all sent again */
	free(in);
	rpc_binding_free(b);
	fake_stop(f);
}

TEST(fault_and_reject)
{
	struct fake *f = fake_start(FAULT);
	struct fake *g = fake_start(REJECT);
	struct rpc_binding *b = bind_to(f, NULL), *c = bind_to(g, NULL);
	struct rpc_reply r;
	uint8_t in[4] = { 0 };

	only("fault_and_reject");
	alarm(WATCHDOG_S);
	ASSERT_EQ(-5, rpc_call_raw(b, &iface, 0, in, 4, &r));
	ASSERT_EQ(5, r.fault);
	ASSERT_EQ(-rpc_s_unknown_if, rpc_call_raw(c, &iface, 0, in, 4, &r));
	ASSERT_EQ(0, r.fault);
	/* as the connection-oriented engine returns its fault */
	ASSERT_EQ(-(int)nca_s_op_rng_error,
		  rpc_call_raw(c, &iface, 1, in, 4, &r));
	ASSERT_EQ(nca_s_op_rng_error, r.fault);
	usleep(50000);
	ASSERT_EQ(1, atomic_load(&f->acks));	/* the fault was acked */
	rpc_binding_free(b);
	rpc_binding_free(c);
	fake_stop(f);
	fake_stop(g);
}

TEST(server_restarted)
{
	struct fake *f = fake_start(REBOOT);
	struct rpc_binding *b = bind_to(f, NULL);
	uint8_t in[4] = { 1, 2, 3, 4 };
	int before;

	only("server_restarted");
	alarm(WATCHDOG_S);
	ASSERT_EQ(0, sum_call(b, in, 4));
	ASSERT_EQ(-nca_s_wrong_boot_time, sum_call(b, in, 4));
	before = atomic_load(&f->requests);
	usleep(400000);
	/* nothing of that call was sent again */
	ASSERT_EQ(before, atomic_load(&f->requests));
	ASSERT_EQ(2, atomic_load(&f->executions));
	/* the binding keeps refusing the restarted server... */
	ASSERT_EQ(-nca_s_wrong_boot_time, sum_call(b, in, 4));
	/* ...until the program says it knows (rpc_binding_reset) */
	rpc_binding_reset(b);
	ASSERT_EQ(0, sum_call(b, in, 4));
	rpc_binding_free(b);
	fake_stop(f);
}

TEST(conv_callbacks)
{
	struct fake *f = fake_start(CONV);
	struct rpc_binding *b = bind_to(f, NULL);
	uint8_t in[4] = { 1 };

	only("conv_callbacks");
	alarm(WATCHDOG_S);
	ASSERT_EQ(0, sum_call(b, in, 4));
	fake_halt(f);
	ASSERT_TRUE(f->conv_done);
	ASSERT_EQ(f->seq, f->conv_seq);
	ASSERT_EQ(0, f->conv_st);		/* boot time learnt */
	ASSERT_EQ(f->seq, f->conv2_seq);
	ASSERT_EQ(nca_s_wrong_boot_time, f->conv2_st);
	ASSERT_FALSE(rpc_uuid_is_nil(&f->conv_cas));
	ASSERT_EQ(nca_s_bad_actid, f->conv_bad_st);
	ASSERT_EQ(1, atomic_load(&f->executions));
	rpc_binding_free(b);
	fake_stop(f);
}

/* The same callbacks, and a fault, from a big-endian server. */
TEST(big_endian_server)
{
	struct fake *f = fake_start_be(CONV, true);
	struct fake *g = fake_start_be(FAULT, true);
	struct rpc_binding *b = bind_to(f, NULL), *c = bind_to(g, NULL);
	struct rpc_reply r;
	uint8_t in[4] = { 1 };

	only("big_endian_server");
	alarm(WATCHDOG_S);
	ASSERT_EQ(-5, rpc_call_raw(c, &iface, 0, in, 4, &r));
	ASSERT_EQ(5, r.fault);
	ASSERT_EQ(0, sum_call(b, in, 4));
	fake_halt(f);
	ASSERT_TRUE(f->conv_done);
	ASSERT_EQ(f->seq, f->conv_seq);
	ASSERT_EQ(0, f->conv_st);
	ASSERT_EQ(nca_s_wrong_boot_time, f->conv2_st);
	ASSERT_EQ(nca_s_bad_actid, f->conv_bad_st);
	rpc_binding_free(b);
	rpc_binding_free(c);
	fake_stop(f);
	fake_stop(g);
}

/* A server that never keeps the request: the call gives up. */
TEST(forgetful_server)
{
	struct fake *f = fake_start(FORGETFUL);
	struct rpc_binding *b = bind_to(f, NULL);
	uint8_t in[4] = { 1 };

	only("forgetful_server");
	alarm(WATCHDOG_S);
	ASSERT_EQ(-rpc_s_comm_failure, sum_call(b, in, 4));
	ASSERT_GE(atomic_load(&f->nocalls), 8);
	ASSERT_EQ(0, atomic_load(&f->executions));
	rpc_binding_free(b);
	fake_stop(f);
}

TEST(silent_server_bounded)
{
	struct fake *f = fake_start(SILENT);
	struct rpc_binding *b = bind_to(f, "com_timeout=0");
	struct rpc_binding *c = bind_to(f, "timeout=700");
	uint8_t in[4] = { 1 };
	int64_t t0 = __rpc_now_ms(), t;

	only("silent_server_bounded");
	alarm(WATCHDOG_S);
	ASSERT_EQ(-rpc_s_comm_failure, sum_call(b, in, 4));
	t = ms_since(t0);
	note("silent server, com_timeout=0: %lld ms, %d requests\n",
	       (long long)t, atomic_load(&f->requests));
	ASSERT_GE(t, 1900);
	ASSERT_LT(t, 3000);
	/* back-off: a handful, not hundreds */
	ASSERT_GE(atomic_load(&f->requests), 3);
	ASSERT_LE(atomic_load(&f->requests), 12);
	t0 = __rpc_now_ms();
	ASSERT_EQ(-rpc_s_timeout, sum_call(c, in, 4));
	t = ms_since(t0);
	ASSERT_GE(t, 650);
	ASSERT_LT(t, 1200);
	rpc_binding_free(b);
	rpc_binding_free(c);
	fake_stop(f);
}

TEST(hostile_datagrams_ignored)
{
	struct fake *f = fake_start(HOSTILE);
	struct rpc_binding *b = bind_to(f, NULL);
	uint8_t in[16];

	only("hostile_datagrams_ignored");
	alarm(WATCHDOG_S);
	memset(in, 7, sizeof(in));
	ASSERT_EQ(0, sum_call(b, in, sizeof(in)));
	ASSERT_EQ(0, sum_call(b, in, sizeof(in)));
	rpc_binding_free(b);
	fake_stop(f);
}

struct canceller {
	struct rpc_binding *b;
	int ret;
};

static void *cancel_main(void *arg)
{
	struct canceller *c = arg;

	usleep(200000);
	c->ret = rpc_binding_cancel(c->b);
	return NULL;
}

TEST(cancel)
{
	struct fake *f = fake_start(CANCEL);
	struct canceller c = { .b = bind_to(f, NULL) };
	uint8_t in[4] = { 1 };
	pthread_t th;

	only("cancel");
	alarm(WATCHDOG_S);
	ASSERT_EQ(-rpc_s_no_call_active, rpc_binding_cancel(c.b));
	pthread_create(&th, NULL, cancel_main, &c);
	ASSERT_EQ(-rpc_s_call_cancelled, sum_call(c.b, in, 4));
	pthread_join(th, NULL);
	ASSERT_EQ(0, c.ret);
	ASSERT_GE(atomic_load(&f->cancels), 1);
	rpc_binding_free(c.b);
	fake_stop(f);
}

TEST_HARNESS_MAIN
