// SPDX-License-Identifier: MIT
/*
 * lrpctest-client [--auth SVC --level LEVEL [--principal NAME]
 *                  [--user [DOMAIN\\]USER --password PW]] [--tally N[,SEED]]
 *                  BINDING
 *
 * Runs every lrpctest operation against a server through the generated
 * client stubs (plus raw requests for the checks a well-behaved stub
 * cannot send), prints one line per check and "N passed, N failed".
 * The binding's options choose the variant: [ndr20] / [ndr64] (default:
 * offer both), [bigendian], [max_frag=N].  Exit status 0 when all passed.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <lrpc/rpc.h>
#include "lrpctest.h"
#include "tally.h"

static int npass, nfail;
static const char *binding_str;

/* --auth and friends: every binding the tests make authenticates so */
static int auth_svc = -1, auth_level = RPC_C_AUTHN_LEVEL_DEFAULT;
static const char *auth_princ;
static struct rpc_winnt_identity auth_id;

static int new_binding(rpc_binding_t **b)
{
	int ret = rpc_binding_from_string(binding_str, b);

	if (ret < 0 || auth_svc < 0)
		return ret;
	ret = rpc_binding_set_auth_info(*b, auth_princ, (unsigned int)auth_level,
					(unsigned int)auth_svc,
					auth_id.user ? &auth_id : NULL);
	if (ret < 0) {
		rpc_binding_free(*b);
		*b = NULL;
	}
	return ret;
}

static void check(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s ", ok ? "pass" : "FAIL");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		npass++;
	else
		nfail++;
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static const char *st(uint32_t s)
{
	return rpc_status_name((int32_t)s);
}

/* ---- raw requests (hostile or impossible through the stubs) ---------- */

struct raw {
	uint8_t b[256];
	size_t n;
	bool be, n64;
};

static void raw_align(struct raw *r, size_t a)
{
	while (r->n % a)
		r->b[r->n++] = 0;
}

static void raw_u16(struct raw *r, uint16_t v)
{
	raw_align(r, 2);
	r->b[r->n++] = r->be ? v >> 8 : v & 0xff;
	r->b[r->n++] = r->be ? v & 0xff : v >> 8;
}

static void raw_u32(struct raw *r, uint32_t v)
{
	int i;

	raw_align(r, 4);
	for (i = 0; i < 4; i++)
		r->b[r->n++] = (uint8_t)(v >> (8 * (r->be ? 3 - i : i)));
}

static void raw_count(struct raw *r, uint64_t v)
{
	int i;

	if (!r->n64) {
		raw_u32(r, (uint32_t)v);
		return;
	}
	raw_align(r, 8);
	for (i = 0; i < 8; i++)
		r->b[r->n++] = (uint8_t)(v >> (8 * (r->be ? 7 - i : i)));
}

static uint32_t raw_call(uint16_t opnum, const struct raw *r,
			 struct rpc_reply *rep)
{
	int ret = rpc_call_raw(lrpctest_binding, &lrpctest_v1_0_c_ifspec.id,
			       opnum, r->b, r->n, rep);

	return ret < 0 ? (uint32_t)-ret : 0;
}

static void raw_init(struct raw *r, int syntax)
{
	memset(r, 0, sizeof(*r));
	r->be = rpc_binding_big_endian(lrpctest_binding);
	r->n64 = syntax == NDR_SYNTAX_NDR64;
}

/* ---- concurrency, cancel, time-out -------------------------------- */

struct sleeper {
	pthread_t t;
	uint32_t ms;
	int32_t ret;
	uint32_t status;
};

static void *sleeper(void *arg)
{
	struct sleeper *s = arg;

	s->ret = TestSleep(s->ms);
	s->status = rpc_call_status();
	rpc_ss_release();
	return NULL;
}

static void test_concurrency(void)
{
	enum { N = 100 };
	static struct sleeper s[N];
	double t0 = now(), dt;
	int i, ok = 0;

	for (i = 0; i < N; i++) {
		s[i].ms = 500;
		pthread_create(&s[i].t, NULL, sleeper, &s[i]);
	}
	for (i = 0; i < N; i++) {
		pthread_join(s[i].t, NULL);
		ok += s[i].ret == 0 && s[i].status == 0;
	}
	dt = now() - t0;
	/*
	 * One after the other they take N * 0.5 s; a quarter of that proves
	 * they overlapped, with room for a slow guest (a debug kernel under
	 * TCG needs ~6 s just to start the threads and calls).
	 */
	check(ok == N && dt < N * 0.5 / 4,
	      "TestSleep x%d in flight on one connection: %d ok in %.2fs", N,
	      ok, dt);
}

static void test_cancel(void)
{
	struct sleeper s = { .ms = 10000 };
	double t0 = now(), dt;
	int ret;

	pthread_create(&s.t, NULL, sleeper, &s);
	usleep(300 * 1000);
	ret = rpc_binding_cancel(lrpctest_binding);
	pthread_join(s.t, NULL);
	dt = now() - t0;
	check(ret == 0 && s.status == rpc_s_call_cancelled && dt < 5.0,
	      "cancel TestSleep(10000): %s after %.2fs", st(s.status), dt);
}

static void test_timeout(void)
{
	rpc_binding_t *b;
	double t0, dt;
	int32_t r;
	uint32_t s;

	if (new_binding(&b) < 0) {
		check(false, "time-out: binding");
		return;
	}
	rpc_binding_set_timeout(b, 300);
	{
		rpc_binding_t *saved = lrpctest_binding;

		lrpctest_binding = b;
		t0 = now();
		r = TestSleep(3000);
		s = rpc_call_status();
		dt = now() - t0;
		check(r == 0 && s == rpc_s_timeout && dt < 2.0,
		      "per-binding time-out 300ms on TestSleep(3000): %s after %.2fs",
		      st(s), dt);
		check(TestPing() == LRPCTEST_PING_MAGIC && !rpc_call_status(),
		      "the binding still works after a time-out");
		lrpctest_binding = saved;
	}
	rpc_binding_free(b);
}

/* ---- the operations -------------------------------------------------- */

static void test_basic(int syntax)
{
	int32_t sum = 0, r;
	uint32_t u;

	check(TestPing() == LRPCTEST_PING_MAGIC && !rpc_call_status(),
	      "TestPing");
	r = TestAdd(40, 2, &sum);
	check(r == 0 && sum == 42, "TestAdd(40, 2) = %d", sum);
	r = TestAdd(0x7fffffff, 1, &sum);
	check(r == 0 && sum == (int32_t)0x80000000, "TestAdd wraps");

	{
		static const uint32_t sizes[] = { 0, 1, 7, 1000, 5000, 100000,
						   4u << 20 };
		size_t i;

		for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
			uint32_t n = sizes[i], k;
			uint8_t *in = malloc(n + 1), *out = calloc(1, n + 1);
			bool ok;

			for (k = 0; k < n; k++)
				in[k] = (uint8_t)(k * 7 + 3);
			u = TestEcho(n, in, out);
			ok = u == n && !rpc_call_status();
			for (k = 0; ok && k < n; k++)
				ok = out[k] == (in[k] ^ 0xa5);
			check(ok, "TestEcho %u octets (%s)", n,
			      st(rpc_call_status()));
			free(in);
			free(out);
		}
	}
	{
		int32_t vals[] = { 1, -2, 3, 0x7fffffff, 0x7fffffff };
		series_t s = { 5, vals, "label" };
		int64_t total = 0;

		r = TestSumSeries(&s, &total);
		check(r == 5 && total == 1 - 2 + 3 + 0x7fffffffLL * 2,
		      "TestSumSeries: %d, total %lld", r, (long long)total);
		s.label = NULL;
		s.count = 0;
		s.values = NULL;
		r = TestSumSeries(&s, &total);
		check(r == -1 && total == 0, "TestSumSeries empty, no label");
	}
	{
		static const uint16_t text[] = { 'H', 'e', 'l', 'l', 'o', ',',
						  ' ', 0xe9, 'w', 'O', 'r', 0 };
		uint16_t *up = NULL;
		static const uint16_t want[] = { 'H', 'E', 'L', 'L', 'O', ',',
						  ' ', 0xe9, 'W', 'O', 'R', 0 };

		r = TestUpperW((uint16_t *)text, &up);
		check(r == 6 && up && !memcmp(up, want, sizeof(want)),
		      "TestUpperW: %d changed", r);
	}
	{
		shape_u sh;
		double area = 0;
		polygon_t *p = malloc(sizeof(*p) + 4 * sizeof(point_t));

		sh.radius = 2;
		r = TestShapeArea(SHAPE_CIRCLE, &sh, &area);
		check(r == 0 && area == (3.141592653589793 * 2) * 2,
		      "TestShapeArea circle %.6f", area);
		sh.rect.w = 3;
		sh.rect.h = 4.5;
		r = TestShapeArea(SHAPE_RECT, &sh, &area);
		check(r == 0 && area == 13.5, "TestShapeArea rect %.3f", area);
		p->npoints = 4;
		p->points[0] = (point_t){ 0, 0 };
		p->points[1] = (point_t){ 4, 0 };
		p->points[2] = (point_t){ 4, 5 };
		p->points[3] = (point_t){ 0, 5 };
		sh.polygon = p;
		r = TestShapeArea(SHAPE_POLYGON, &sh, &area);
		check(r == 0 && area == 20, "TestShapeArea polygon %.3f", area);
		sh.polygon = NULL;
		area = -1;
		r = TestShapeArea(SHAPE_POLYGON, &sh, &area);
		check(r == 0 && area == 0, "TestShapeArea NULL polygon");
		free(p);
	}
	{
		enum { N = 100000 };
		node_t *nodes = calloc(N, sizeof(*nodes));
		int32_t count = 0;
		int64_t s = 0, want = 0;
		int i;

		for (i = 0; i < N; i++) {
			nodes[i].value = i - 500;
			nodes[i].next = i + 1 < N ? &nodes[i + 1] : NULL;
			want += i - 500;
		}
		r = TestListSum(nodes, &count, &s);
		check(r == 0 && count == N && s == want,
		      "TestListSum %d nodes (%s)", count, st(rpc_call_status()));
		free(nodes);
	}
	{
		int32_t x = 5, y = 5;

		check(TestAlias(&x, &x) == 1, "TestAlias same referent");
		check(TestAlias(&x, &y) == 0, "TestAlias two referents");
		check(TestAlias(NULL, &y) == -1, "TestAlias NULL");
	}
	{
		counter_handle_t h = NULL, h2 = NULL, stale = NULL;
		struct ndr_context_handle wire;
		int32_t v1 = 0, v2 = 0, v3 = 0;

		r = TestCounterOpen(-2, &h);
		check(r == 0 && h, "TestCounterOpen");
		TestCounterNext(h, &v1);
		TestCounterNext(h, &v2);
		check(v1 == -2 && v2 == -1, "TestCounterNext %d, %d", v1, v2);
		rpc_cctx_to_wire(h, &wire);
		TestCounterOpen(0x7fffffff, &h2);
		TestCounterNext(h2, &v1);
		TestCounterNext(h2, &v2);
		check(v1 == 0x7fffffff && v2 == (int32_t)0x80000000,
		      "counter wraps");
		r = TestCounterClose(&h);
		check(r == 0 && !h, "TestCounterClose sets NULL");
		rpc_cctx_from_wire(lrpctest_binding, &wire, &stale);
		TestCounterNext(stale, &v3);
		check(rpc_call_status() == nca_s_fault_context_mismatch,
		      "closed handle: %s", st(rpc_call_status()));
		memset(&wire, 0, sizeof(wire));
		wire.uuid[0] = 1;
		rpc_cctx_from_wire(lrpctest_binding, &wire, &stale);
		TestCounterNext(stale, &v3);
		check(rpc_call_status() == nca_s_fault_context_mismatch,
		      "unknown handle: %s", st(rpc_call_status()));
		{
			rpc_binding_t *other;
			counter_handle_t foreign = NULL;

			rpc_cctx_to_wire(h2, &wire);
			if (new_binding(&other) >= 0) {
				rpc_cctx_from_wire(other, &wire, &foreign);
				TestCounterNext(foreign, &v3);
				check(rpc_call_status() ==
				      nca_s_fault_context_mismatch,
				      "handle from another association group: %s",
				      st(rpc_call_status()));
				rpc_binding_free(other);
			}
		}
		TestCounterClose(&h2);
	}
	check(TestSleep(0) == 0 && !rpc_call_status(), "TestSleep(0)");
	TestFault(0x2badf00d);
	check(rpc_call_status() == 0x2badf00d, "TestFault(0x2badf00d): %#x",
	      rpc_call_status());
	TestFault(nca_s_fault_user_defined);
	check(rpc_call_status() == nca_s_fault_user_defined,
	      "TestFault(nca_s_fault_user_defined)");
	{
		uint32_t n = 300000, i;
		uint8_t *d = calloc(1, n);
		bool ok;

		u = TestFill(n, 7, d);
		ok = u == n;
		for (i = 0; ok && i < n; i++)
			ok = d[i] == (uint8_t)(7 + 31 * i);
		check(ok, "TestFill %u", n);
		free(d);
	}
	{
		uint32_t n = 10000, i;
		int32_t *v = malloc(n * sizeof(*v));
		bool ok;

		for (i = 0; i < n; i++)
			v[i] = (int32_t)i;
		u = TestReverse(n, v);
		ok = u == n;
		for (i = 0; ok && i < n; i++)
			ok = v[i] == (int32_t)(n - 1 - i);
		check(ok, "TestReverse %u", n);
		free(v);
	}
	{
		int32_t w[64];
		int i;

		for (i = 0; i < 64; i++)
			w[i] = i + 1;
		r = TestWindowSum(10, w);
		check(r == 55, "TestWindowSum(10) = %d", r);
		r = TestWindowSum(0, w);
		check(r == 0, "TestWindowSum(0) = %d", r);
	}
	{
		int64_t t1 = 0, t2 = 0;

		TestTally(5, &t1);
		TestTally(0xffffffffu, &t2);
		check(t2 - t1 >= 0xffffffffLL && t1 >= 5, "TestTally %lld, %lld",
		      (long long)t1, (long long)t2);
	}
	(void)syntax;
}

/* Checks a generated stub would refuse to send. */
static void test_hostile(int syntax)
{
	struct rpc_reply rep;
	struct raw r;
	uint32_t s;

	raw_init(&r, syntax);
	raw_u32(&r, 600001);
	s = raw_call(11, &r, &rep);
	check(s == nca_s_fault_invalid_bound, "TestSleep out of range: %s",
	      st(s));
	raw_init(&r, syntax);
	raw_u32(&r, 0);
	s = raw_call(0, &r, &rep);
	check(s == rpc_x_bad_stub_data, "TestPing with octets left over: %s",
	      st(s));
	raw_init(&r, syntax);
	raw_u32(&r, 4);
	raw_count(&r, 5);
	raw_u32(&r, 0x01020304);
	s = raw_call(2, &r, &rep);
	check(s == rpc_x_bad_stub_data, "TestEcho conformance != len: %s",
	      st(s));
	raw_init(&r, syntax);
	s = raw_call(17, &r, &rep);
	check(s == nca_s_op_rng_error, "opnum 17: %s", st(s));
	if (syntax == NDR_SYNTAX_NDR20) {
		raw_init(&r, syntax);
		raw_u16(&r, 7);		/* kind */
		raw_u16(&r, 7);		/* union discriminant */
		s = raw_call(5, &r, &rep);
		check(s == nca_s_fault_invalid_tag, "TestShapeArea kind 7: %s",
		      st(s));
		raw_init(&r, syntax);
		raw_u16(&r, 1);
		raw_u16(&r, 2);
		raw_align(&r, 8);
		raw_u32(&r, 0);
		raw_u32(&r, 0);
		raw_u32(&r, 0);
		raw_u32(&r, 0);
		s = raw_call(5, &r, &rep);
		check(s == nca_s_fault_invalid_tag,
		      "TestShapeArea discriminant != kind: %s", st(s));
	}
	rpc_reply_release(&rep);
}

static const struct rpc_syntax_id mgmt_id = {
	{ 0xafa8bd80, 0x7d8a, 0x11c9, 0xbe, 0xf4,
	  { 0x08, 0x00, 0x2b, 0x10, 0x29, 0x89 } }, 1, 0
};

static void test_mgmt(void)
{
	struct rpc_reply rep;
	int ret;

	ret = rpc_call_raw(lrpctest_binding, &mgmt_id, 2, NULL, 0, &rep);
	check(ret == 0 && rep.len == 8 &&
	      rep.data[(rep.drep[0] & 0x10) ? 4 : 7] == 1,
	      "mgmt is_server_listening (%s)", rpc_status_name(ret));
	rpc_reply_release(&rep);
	ret = rpc_call_raw(lrpctest_binding, &mgmt_id, 0, NULL, 0, &rep);
	check(ret == 0 && rep.len > 60, "mgmt inq_if_ids: %zu octets (%s)",
	      rep.len, rpc_status_name(ret));
	rpc_reply_release(&rep);
}

#ifndef LRPC_VERSION
#define LRPC_VERSION "unknown"
#endif

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: lrpctest-client [--auth SVC] [--level LEVEL] [--principal NAME]\n"
		"       [--user [DOMAIN\\]USER --password PW] BINDING\n"
		"  BINDING            e.g. ncacn_ip_tcp:127.0.0.1[PORT], ncacn_ip_tcp:[::1][PORT]\n"
		"                     or ncalrpc:[EP],\n"
		"                     with options [ndr20], [ndr64], [bigendian], [max_frag=N]\n"
		"  --auth SVC         ntlm, krb5, spnego\n"
		"  --level LEVEL      connect, packet, integrity (default), privacy\n"
		"  --principal NAME   the server's principal (Kerberos)\n"
		"  --user, --password explicit credentials (default: the credential\n"
		"                     cache, $NTLM_USER_FILE)\n"
		"  --tally N[,SEED]   instead of the checks: N mixed calls, each\n"
		"                     result checked, TestTally counted exactly once\n"
		"  -h, --help         this text\n"
		"  -V, --version      the version\n"
		"Exit status: 0 every check passed, 1 a check failed, 2 bad usage.\n");
	exit(rc);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "auth", required_argument, NULL, 'a' },
		{ "level", required_argument, NULL, 'l' },
		{ "principal", required_argument, NULL, 'p' },
		{ "user", required_argument, NULL, 'u' },
		{ "password", required_argument, NULL, 'w' },
		{ "tally", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	static char user[256];
	const char *op;
	unsigned long tally = 0;
	uint64_t tally_seed = 1;
	char *end;
	int syntax, c;

	while ((c = getopt_long(argc, argv, "hV", opts, NULL)) != -1) {
		switch (c) {
		case 'a':
			auth_svc = rpc_authn_svc_from_name(optarg);
			if (auth_svc < 0)
				usage(2);
			break;
		case 'l':
			auth_level = rpc_auth_level_from_name(optarg);
			if (auth_level < 0)
				usage(2);
			break;
		case 'p':
			auth_princ = optarg;
			break;
		case 'u':
			snprintf(user, sizeof(user), "%s", optarg);
			if (rpc_winnt_identity_parse(user, &auth_id) < 0)
				usage(2);
			break;
		case 'w':
			auth_id.password = optarg;
			break;
		case 't':
			tally = strtoul(optarg, &end, 0);
			if (*end == ',')
				tally_seed = strtoull(end + 1, &end, 0);
			if (*end || !tally)
				usage(2);
			break;
		case 'h':
			usage(0);
			break;
		case 'V':
			printf("lrpctest-client (lrpc) %s\n", LRPC_VERSION);
			return 0;
		default:
			usage(2);
		}
	}
	if (optind != argc - 1)
		usage(2);
	binding_str = argv[optind];
	syntax = rpc_binding_from_string(binding_str, &lrpctest_binding);
	op = "rpc_binding_from_string";
	if (syntax >= 0) {
		rpc_binding_free(lrpctest_binding);
		syntax = new_binding(&lrpctest_binding);
		op = "rpc_binding_set_auth_info";
	}
	if (syntax < 0) {
		fprintf(stderr, "lrpctest-client: %s: %s: %s (%s)\n",
			binding_str, op,
			rpc_status_text(syntax), rpc_status_name(syntax));
		return 2;
	}
	if (tally) {
		c = lrpctest_tally(tally, tally_seed);
		rpc_binding_free(lrpctest_binding);
		return c;
	}
	syntax = rpc_binding_syntax(lrpctest_binding, &lrpctest_v1_0_c_ifspec.id);
	check(syntax >= 0, "bind %s: %s", binding_str,
	      syntax == NDR_SYNTAX_NDR64 ? "NDR64" :
	      syntax == NDR_SYNTAX_NDR20 ? "NDR20" : rpc_status_name(syntax));
	if (syntax < 0) {
		fprintf(stderr, "lrpctest-client: %s: bind: %s (%s)\n",
			binding_str, rpc_status_text(syntax),
			rpc_status_name(syntax));
		goto out;
	}
	test_basic(syntax);
	test_hostile(syntax);
	test_mgmt();
	test_concurrency();
	test_cancel();
	test_timeout();
	rpc_ss_release();
out:
	rpc_binding_free(lrpctest_binding);
	printf("%d passed, %d failed\n", npass, nfail);
	return nfail ? 1 : 0;
}
