// SPDX-License-Identifier: MIT
/*
 * lrpctest-server [-e BINDING]... [--register]
 *
 * Serves lrpctest (idl/lrpctest.idl) and Samba's rpcecho (idl/rpcecho.idl)
 * on each binding (an empty endpoint, "ncacn_ip_tcp:127.0.0.1[]", is a
 * dynamic port; with no -e, every protocol sequence the build supports on
 * dynamic endpoints), prints "ready BINDING" per endpoint, then serves
 * until SIGTERM or SIGINT.  The manager routines below implement exactly
 * the semantics written in the IDL.
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <lrpc/rpc.h>
#include <lrpc/epm.h>
#include "lrpctest.h"
#include "rpcecho.h"

/* ---- lrpctest ------------------------------------------------------- */

static atomic_uint_fast64_t tally;
static atomic_int live_counters;

struct counter {
	uint32_t next;
};

uint32_t TestPing(void)
{
	return LRPCTEST_PING_MAGIC;
}

int32_t TestAdd(int32_t a, int32_t b, int32_t *sum)
{
	*sum = (int32_t)((uint32_t)a + (uint32_t)b);
	return 0;
}

uint32_t TestEcho(uint32_t len, uint8_t *in, uint8_t *out)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		out[i] = in[i] ^ 0xa5;
	return len;
}

int32_t TestSumSeries(series_t *s, int64_t *total)
{
	uint64_t t = 0;
	uint32_t i;

	if (!s->values && s->count) {
		rpc_server_fault(rpc_x_bad_stub_data);
		return 0;
	}
	for (i = 0; i < s->count; i++)
		t += (uint64_t)(int64_t)s->values[i];
	*total = (int64_t)t;
	return s->label ? (int32_t)strlen(s->label) : -1;
}

int32_t TestUpperW(uint16_t *text, uint16_t **upper)
{
	size_t n = 0, i;
	int32_t changed = 0;
	uint16_t *u;

	while (text[n])
		n++;
	u = rpc_ss_allocate((n + 1) * sizeof(*u));
	if (!u) {
		rpc_server_fault(nca_s_fault_remote_no_memory);
		return 0;
	}
	for (i = 0; i <= n; i++) {
		u[i] = text[i];
		if (u[i] >= 'a' && u[i] <= 'z') {
			u[i] -= 'a' - 'A';
			changed++;
		}
	}
	*upper = u;
	return changed;
}

int32_t TestShapeArea(shape_kind_t kind, shape_u *shape, double *area)
{
	switch (kind) {
	case SHAPE_CIRCLE:
		*area = (3.141592653589793 * shape->radius) * shape->radius;
		break;
	case SHAPE_RECT:
		*area = shape->rect.w * shape->rect.h;
		break;
	case SHAPE_POLYGON: {
		const polygon_t *p = shape->polygon;
		double s = 0;
		uint32_t i;

		if (!p || p->npoints < 3) {
			*area = 0;
			break;
		}
		for (i = 0; i < p->npoints; i++) {
			const point_t *a = &p->points[i];
			const point_t *b = &p->points[(i + 1) % p->npoints];

			s += (double)a->x * (double)b->y -
			     (double)b->x * (double)a->y;
		}
		*area = fabs(s) / 2;
		break;
	}
	default:
		rpc_server_fault(nca_s_fault_invalid_tag);
	}
	return 0;
}

int32_t TestListSum(node_t *head, int32_t *count, int64_t *sum)
{
	uint64_t s = 0;
	uint32_t n = 0;

	for (; head; head = head->next) {
		n++;
		s += (uint64_t)(int64_t)head->value;
	}
	*count = (int32_t)n;
	*sum = (int64_t)s;
	return 0;
}

int32_t TestAlias(int32_t *a, int32_t *b)
{
	if (!a || !b)
		return -1;
	return a == b;
}

int32_t TestCounterOpen(int32_t start, counter_handle_t *h)
{
	struct counter *c = malloc(sizeof(*c));

	if (!c) {
		rpc_server_fault(nca_s_fault_remote_no_memory);
		return 0;
	}
	c->next = (uint32_t)start;
	atomic_fetch_add(&live_counters, 1);
	*h = c;
	return 0;
}

int32_t TestCounterNext(counter_handle_t h, int32_t *value)
{
	struct counter *c = h;

	*value = (int32_t)c->next++;
	return 0;
}

int32_t TestCounterClose(counter_handle_t *h)
{
	if (*h) {
		free(*h);
		atomic_fetch_sub(&live_counters, 1);
	}
	*h = NULL;
	return 0;
}

void counter_handle_t_rundown(counter_handle_t h)
{
	free(h);
	atomic_fetch_sub(&live_counters, 1);
	if (getenv("LRPCTEST_VERBOSE"))
		fprintf(stderr, "rundown counter, %d left\n",
			atomic_load(&live_counters));
}

/* Sleep in slices so a cancel (co_cancel, orphaned, dead client) ends it. */
static bool nap(uint64_t ms)
{
	struct rpc_call_ctx *ctx = rpc_call_ctx_current();

	while (ms) {
		uint64_t step = ms < 20 ? ms : 20;
		struct timespec ts = { 0, (long)step * 1000000 };

		if (ctx && rpc_call_ctx_cancelled(ctx))
			return false;
		nanosleep(&ts, NULL);
		ms -= step;
	}
	return true;
}

int32_t TestSleep(uint32_t ms)
{
	if (!nap(ms))
		rpc_server_fault(nca_s_fault_cancel);
	return 0;
}

int32_t TestFault(uint32_t status)
{
	rpc_server_fault(status);
	return 0;
}

uint32_t TestFill(uint32_t len, uint8_t seed, uint8_t *data)
{
	uint32_t i;

	for (i = 0; i < len; i++)
		data[i] = (uint8_t)(seed + 31 * i);
	return len;
}

uint32_t TestReverse(uint32_t n, int32_t *v)
{
	uint32_t i;

	for (i = 0; i < n / 2; i++) {
		int32_t t = v[i];

		v[i] = v[n - 1 - i];
		v[n - 1 - i] = t;
	}
	return n;
}

int32_t TestWindowSum(uint32_t length, int32_t window[64])
{
	uint32_t s = 0, i;

	for (i = 0; i < length && i < 64; i++)
		s += (uint32_t)window[i];
	return (int32_t)s;
}

int32_t TestTally(uint32_t amount, int64_t *total)
{
	*total = (int64_t)(atomic_fetch_add(&tally, amount) + amount);
	return 0;
}

/* ---- rpcecho (Samba's test interface) ----------------------------- */

void echo_AddOne(uint32_t in, uint32_t *out)
{
	*out = in + 1;
}

void echo_EchoData(uint32_t len, uint8_t in[], uint8_t out[])
{
	memcpy(out, in, len);
}

void echo_SinkData(uint32_t len, uint8_t data[])
{
}

void echo_SourceData(uint32_t len, uint8_t data[])
{
	uint32_t i;

	for (i = 0; i < len; i++)
		data[i] = (uint8_t)i;
}

void echo_TestCall(uint16_t *s1, uint16_t **s2)
{
	size_t n = 0;
	uint16_t *c;

	if (!s1) {
		*s2 = NULL;
		return;
	}
	while (s1[n])
		n++;
	c = rpc_ss_allocate((n + 1) * sizeof(*c));
	if (c)
		memcpy(c, s1, (n + 1) * sizeof(*c));
	*s2 = c;
}

#define NT_STATUS_INVALID_LEVEL ((NTSTATUS)0xc0000148)

NTSTATUS echo_TestCall2(uint16_t level, echo_Info *info)
{
	switch (level) {
	case 1: info->info1.v = 10; break;
	case 2: info->info2.v = 20; break;
	case 3: info->info3.v = 30; break;
	case 4: info->info4.v = 40; break;
	case 5: info->info5.v1 = 50; info->info5.v2 = 60; break;
	case 6: info->info6.v1 = 70; info->info6.info1.v = 80; break;
	case 7: info->info7.v1 = 80; info->info7.info4.v = 90; break;
	default:
		return NT_STATUS_INVALID_LEVEL;
	}
	return 0;
}

uint32_t echo_TestSleep(uint32_t seconds)
{
	nap((uint64_t)seconds * 1000);
	return seconds;
}

void echo_TestEnum(echo_Enum1 *foo1, echo_Enum2 *foo2, echo_Enum3 *foo3)
{
	foo2->e1 = ECHO_ENUM2;
}

void echo_TestSurrounding(echo_Surrounding *data)
{
	/*
	 * Samba's server returns x doubled with a zeroed array of that size;
	 * the [in,out,ref] conformant struct is updated in place here, so we
	 * can only give back what arrived (zeroed).  See the report.
	 */
	memset(data->surrounding, 0, data->x * sizeof(data->surrounding[0]));
}

uint16_t echo_TestDoublePointer(uint16_t ***data)
{
	if (!data || !*data || !**data)
		return 0;
	return ***data;
}

/* ---- main ------------------------------------------------------------ */

static struct rpc_server *srv;

static void on_signal(int sig)
{
	rpc_server_stop_listening(srv);
}

#ifndef LRPC_VERSION
#define LRPC_VERSION "unknown"
#endif

static void usage(int rc)
{
	fprintf(rc ? stderr : stdout,
		"usage: lrpctest-server [-e BINDING]... [--register]\n"
		"       [--auth ntlm|krb5|spnego]... [--principal NAME]\n"
		"       [--keytab FILE] [--min-level LEVEL]\n"
		"  -e, --endpoint BINDING  listen there (default: ncacn_ip_tcp:127.0.0.1[]\n"
		"                          and ncalrpc:[], dynamic endpoints); e.g.\n"
		"                          ncacn_ip_tcp:[::1][5000], ncalrpc:[lt]\n"
		"  --register              register the endpoints with the endpoint mapper\n"
		"  --auth SVC              accept callers authenticated by SVC\n"
		"  --principal, --keytab   the server's name and key file (Kerberos)\n"
		"  --min-level LEVEL       refuse calls below LEVEL (connect, packet,\n"
		"                          integrity, privacy)\n"
		"  -h, --help              this text\n"
		"  -V, --version           the version\n");
	exit(rc);
}

/* "lrpctest-server: BINDING: OPERATION: what happened (status name)" */
static int fail(const char *what, const char *op, int ret)
{
	fprintf(stderr, "lrpctest-server: %s%s%s: %s (%s)\n", what ? what : "",
		what ? ": " : "", op, rpc_status_text(ret),
		rpc_status_name(ret));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "endpoint", required_argument, NULL, 'e' },
		{ "register", no_argument, NULL, 'r' },
		{ "auth", required_argument, NULL, 'a' },
		{ "principal", required_argument, NULL, 'p' },
		{ "keytab", required_argument, NULL, 'k' },
		{ "min-level", required_argument, NULL, 'm' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	const char *eps[32];
	char *ready[32];
	int neps = 0, c, i, ret, nauth = 0, auth[8], min_level = 0;
	const char *principal = NULL, *keytab = NULL;
	bool do_register = false;
	struct sigaction sa = { .sa_handler = on_signal };

	while ((c = getopt_long(argc, argv, "e:hV", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			if (neps == 32)
				usage(2);
			eps[neps++] = optarg;
			break;
		case 'r':
			do_register = true;
			break;
		case 'a':
			if (nauth == 8)
				usage(2);
			auth[nauth] = rpc_authn_svc_from_name(optarg);
			if (auth[nauth] <= 0) {
				fprintf(stderr, "lrpctest-server: --auth %s: "
					"not a provider (ntlm, krb5, spnego)\n",
					optarg);
				return 2;
			}
			nauth++;
			break;
		case 'p':
			principal = optarg;
			break;
		case 'k':
			keytab = optarg;
			break;
		case 'm':
			min_level = rpc_auth_level_from_name(optarg);
			if (min_level < 0) {
				fprintf(stderr, "lrpctest-server: --min-level %s: "
					"not a level\n", optarg);
				return 2;
			}
			break;
		case 'h':
			usage(0);
			break;
		case 'V':
			printf("lrpctest-server (lrpc) %s\n", LRPC_VERSION);
			return 0;
		default:
			usage(2);
		}
	}
	if (optind != argc)
		usage(2);
	/* the benchmarks start the server with its binding only */
	if (getenv("LRPCTEST_AUTH") && nauth < 8) {
		auth[nauth] = rpc_authn_svc_from_name(getenv("LRPCTEST_AUTH"));
		if (auth[nauth] > 0)
			nauth++;
	}
	if (!neps) {
		eps[neps++] = "ncacn_ip_tcp:127.0.0.1[]";
		eps[neps++] = "ncalrpc:[]";
	}

	ret = rpc_server_create(&srv);
	if (ret < 0)
		return fail(NULL, "rpc_server_create", ret);
	rpc_server_allow_remote_stop(srv, getenv("LRPCTEST_ALLOW_STOP") != NULL);
	ret = rpc_server_register_if(srv, &lrpctest_v1_0_s_ifspec);
	if (ret >= 0)
		ret = rpc_server_register_if(srv, &rpcecho_v1_0_s_ifspec);
	if (ret < 0)
		return fail(NULL, "rpc_server_register_if", ret);
	for (i = 0; i < nauth; i++) {
		ret = rpc_server_register_auth_info(srv, principal,
						    (unsigned int)auth[i],
						    keytab);
		if (ret < 0)
			return fail(rpc_authn_svc_name((unsigned int)auth[i]),
				    "rpc_server_register_auth_info", ret);
	}
	rpc_server_set_min_auth_level(srv, (unsigned int)min_level);
	for (i = 0; i < neps; i++) {
		struct rpc_string_binding *sb;
		char *actual;

		ret = rpc_string_binding_parse(eps[i], &sb);
		if (ret < 0)
			return fail(eps[i], "rpc_string_binding_parse", ret);
		ret = rpc_server_use_protseq(srv, sb->protseq, sb->netaddr,
					     sb->endpoint, &actual);
		rpc_string_binding_free(sb);
		if (ret < 0)
			return fail(eps[i], "use_protseq", ret);
		ready[i] = actual;
	}
	if (do_register) {
		/* before "ready": a client that waits for it can resolve */
		ret = rpc_ep_register(&lrpctest_v1_0_s_ifspec.id,
				      (const char *const *)ready, (size_t)neps,
				      NULL, 0, "lrpctest");
		if (ret >= 0)
			ret = rpc_ep_register(&rpcecho_v1_0_s_ifspec.id,
					      (const char *const *)ready,
					      (size_t)neps, NULL, 0, "rpcecho");
		if (ret < 0)
			return fail(ready[0], "ept_insert (--register)", ret);
	}
	for (i = 0; i < neps; i++) {
		printf("ready %s\n", ready[i]);
		free(ready[i]);
	}
	fflush(stdout);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	ret = rpc_server_listen(srv, 0);
	if (ret < 0)
		return fail(NULL, "rpc_server_listen", ret);
	rpc_server_wait(srv);
	rpc_server_free(srv);
	return 0;
}
