// SPDX-License-Identifier: MIT
/*
 * lrpctest-client --tally N[,SEED] BINDING: N calls of mixed sizes, one
 * after the other (TestTally with amounts 1..1000 for about a third,
 * TestEcho of 0 octets to 256 KiB, TestAdd, TestPing), every result
 * checked.  It is what the datagram loss test runs through a lossy relay:
 *
 * - every TestTally that succeeds must return the previous total plus its
 *   amount: a request executed twice, or a lost execution, shows;
 * - a call may fail with a communications status only while the server
 *   restarts (or the loss outlasts the call's time bound): then the
 *   binding is reset, and the next total must be one of "the server
 *   restarted" (amount), "the failed call did not run" (previous +
 *   amount) or "it ran once" (previous + failed amount + amount);
 *   anything else is a double execution.
 *
 * Prints "tally: N calls, E failed (STATUS...), T tallies, total X" and
 * the first wrong result; exit status 0 when every result was right and
 * no more than N/100 calls failed.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lrpc/rpc.h>
#include "lrpctest.h"
#include "tally.h"

static uint64_t rng_next(uint64_t *s)
{
	/* splitmix64 */
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static const uint32_t echo_sizes[] = {
	0, 1, 100, 1000, 1392, 1393, 3000, 8192, 20000, 65536, 100000, 262144,
};

struct tally_state {
	int64_t total;		/* what the server's total must be */
	bool unsure;		/* a tally call failed since the last success */
	uint32_t failed_amount;
	unsigned long calls, failed, tallies, wrong;
	uint32_t last_status;
};

static void wrong(struct tally_state *t, unsigned long i, const char *what,
		  int64_t got, int64_t want)
{
	if (!t->wrong++)
		printf("tally: call %lu: %s: got %" PRId64 ", want %" PRId64 "\n",
		       i, what, got, want);
}

static void failed(struct tally_state *t, unsigned long i, uint32_t st)
{
	if (t->failed++ < 5)
		printf("tally: call %lu failed: %s\n", i,
		       rpc_status_name((int32_t)st));
	t->last_status = st;
	/* the server may have restarted meanwhile: its total with it */
	t->unsure = true;
	rpc_binding_reset(lrpctest_binding);
}

static void one_tally(struct tally_state *t, unsigned long i, uint64_t *rng)
{
	uint32_t amount = (uint32_t)(rng_next(rng) % 1000) + 1, st;
	int64_t got = -1;
	int32_t ret = TestTally(amount, &got);

	st = rpc_call_status();
	if (st) {
		failed(t, i, st);
		/* several failures in a row: each may have run once */
		t->failed_amount += amount;
		return;
	}
	t->tallies++;
	if (ret != 0)
		wrong(t, i, "TestTally's return", ret, 0);
	if (t->unsure) {
		/* the failed calls ran at most once each, on this server or
		 * on the one that replaced it */
		int64_t f = t->failed_amount;

		if (!(got >= amount && got <= amount + f) &&
		    !(got >= t->total + amount && got <= t->total + f + amount))
			wrong(t, i, "total after a failure (ran twice?)", got,
			      t->total + amount);
		t->unsure = false;
		t->failed_amount = 0;
	} else if (got != t->total + amount) {
		wrong(t, i, "total", got, t->total + amount);
	}
	t->total = got;
}

static void one_echo(struct tally_state *t, unsigned long i, uint64_t *rng,
		     uint8_t *in, uint8_t *out)
{
	uint32_t len = echo_sizes[rng_next(rng) %
				  (sizeof(echo_sizes) / sizeof(echo_sizes[0]))];
	uint8_t seed = (uint8_t)rng_next(rng);
	uint32_t k, ret, st;

	for (k = 0; k < len; k++)
		in[k] = (uint8_t)(seed + k * 7);
	memset(out, 0, len);
	ret = TestEcho(len, in, out);
	st = rpc_call_status();
	if (st) {
		failed(t, i, st);
		return;
	}
	if (ret != len)
		wrong(t, i, "TestEcho's length", ret, len);
	for (k = 0; k < len; k++)
		if (out[k] != (in[k] ^ 0xa5)) {
			wrong(t, i, "TestEcho's octet", k, len);
			break;
		}
}

int lrpctest_tally(unsigned long n, uint64_t seed)
{
	struct tally_state t = { 0 };
	uint64_t rng = seed;
	uint8_t *in = malloc(262144), *out = malloc(262144);
	unsigned long i;

	if (!in || !out) {
		free(in);
		free(out);
		return 2;
	}
	/* the server's total so far (other clients may have added to it) */
	for (i = 0; i < 20; i++) {
		if (TestTally(0, &t.total) == 0 && !rpc_call_status())
			break;
		rpc_binding_reset(lrpctest_binding);
	}
	if (i == 20) {
		printf("tally: the server's total cannot be read: %s\n",
		       rpc_status_name((int32_t)rpc_call_status()));
		free(in);
		free(out);
		return 1;
	}
	for (i = 0; i < n; i++) {
		unsigned int kind = (unsigned int)(rng_next(&rng) % 6);
		int32_t sum = 0, a = (int32_t)rng_next(&rng),
			b = (int32_t)rng_next(&rng);
		uint32_t st;

		t.calls++;
		switch (kind) {
		case 0:
		case 1:
			one_tally(&t, i, &rng);
			break;
		case 2:
		case 3:
			one_echo(&t, i, &rng, in, out);
			break;
		case 4:
			TestAdd(a, b, &sum);
			st = rpc_call_status();
			if (st)
				failed(&t, i, st);
			else if (sum != (int32_t)((uint32_t)a + (uint32_t)b))
				wrong(&t, i, "TestAdd", sum,
				      (int32_t)((uint32_t)a + (uint32_t)b));
			break;
		default:
			if (TestPing() != LRPCTEST_PING_MAGIC &&
			    !rpc_call_status())
				wrong(&t, i, "TestPing", 0, LRPCTEST_PING_MAGIC);
			st = rpc_call_status();
			if (st)
				failed(&t, i, st);
			break;
		}
		rpc_ss_release();
	}
	printf("tally: %lu calls, %lu failed (last: %s), %lu tallies, total %"
	       PRId64 ", %lu wrong\n", t.calls, t.failed,
	       t.failed ? rpc_status_name((int32_t)t.last_status) : "none",
	       t.tallies, t.total, t.wrong);
	free(in);
	free(out);
	return t.wrong || t.failed > n / 100 ? 1 : 0;
}
