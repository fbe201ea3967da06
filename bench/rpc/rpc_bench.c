// SPDX-License-Identifier: MIT
/*
 * rpc_bench: full RPC round trips through the generated stubs, the NDR
 * engine and the runtime, against an lrpctest-server on one binding.
 *
 *   rpc_bench -b BINDING -l LABEL [-x kernel|unix|tcp|udp] [-o OPS] [-s SIZES]
 *             [-n N] [-T MS] [-m MIN] [-w W]
 *
 *   -b  string binding of the server ("ncalrpc:[bench]", "ncacn_ip_tcp:...")
 *   -l  transport label written in every output row
 *   -x  the path the calls must take, checked on the client's open fds
 *       after each cell's warm-up: kernel (an [lrpc-comm] fd and no
 *       socket), unix (an AF_UNIX socket only), tcp or udp (an AF_INET or
 *       AF_INET6 stream or datagram socket only).  A mismatch is an error, so a binding that silently took
 *       another path never produces a number under the wrong name.
 *   -o  operations, comma separated (default null,in,out,echo):
 *         null  lrpctest TestPing (no arguments, returns a magic number)
 *         in    rpcecho echo_SinkData: SIZE octets [in], nothing back
 *         out   rpcecho echo_SourceData: SIZE octets [out]
 *         echo  lrpctest TestEcho: SIZE octets [in] and SIZE octets [out]
 *   -s  payload sizes in octets, comma separated, k/M suffixes
 *       (default 0,64,4k,64k,1M,16M)
 *   -n  at most N timed calls per cell (default 2000; big payloads stop
 *       earlier, see -T)
 *   -T  time budget per cell in ms (default 1500): a cell stops after N
 *       calls, or once the budget is spent and at least MIN calls ran
 *   -m  MIN, the fewest timed calls per cell (default 5)
 *   -w  exactly W warm-up calls per cell (default: see below); with
 *       -m N -n N it makes the work per cell exact, for instruction counts
 *
 * Before the timed calls of a cell, warm-up calls (a tenth of N, at most a
 * fifth of the budget, at least one) are made and discarded; the first of
 * them is checked: TestPing's magic, TestEcho's returned octets (every
 * octet XOR 0xA5) and length, echo_SourceData's octets (i & 0xff).  Every
 * timed call's status is checked too.
 *
 * One CSV row per cell on stdout:
 *   rpc,LABEL,OP,SIZE,CALLS,MEDIAN_NS,P90_NS,MIN_NS,PATH
 * Exit status 0 when every cell ran, 1 when one failed (its row is then
 * missing and a message says why on stderr), 2 on usage errors.
 */
#include <errno.h>
#include <dirent.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <getopt.h>
#include <sys/socket.h>
#include <lrpc/rpc.h>
#include "lrpctest.h"
#include "rpcecho.h"

#define MAX_SIZES 16

static const char *label = "?";
static const char *expect;
static long max_calls = 2000, min_calls = 5, warm_calls = -1;
static long long budget_ns = 1500LL * 1000000;
static uint8_t *buf_in, *buf_out;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

/* The path this process's connections take, judged from its fds. */
static const char *client_path(void)
{
	bool lrpc = false, unix_sk = false, tcp = false, udp = false;
	struct dirent *de;
	DIR *d = opendir("/proc/self/fd");

	if (!d)
		return "unknown";
	while ((de = readdir(d))) {
		char p[64], target[128];
		int fd = atoi(de->d_name), dom, type;
		socklen_t len = sizeof(dom), tlen = sizeof(type);
		ssize_t n;

		if (de->d_name[0] == '.' || fd == dirfd(d))
			continue;
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		n = readlink(p, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		if (strstr(target, "[lrpc-comm]"))
			lrpc = true;
		else if (!strncmp(target, "socket:", 7) &&
			 !getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &dom, &len) &&
			 !getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &tlen)) {
			if (dom == AF_UNIX)
				unix_sk = true;
			else if ((dom == AF_INET || dom == AF_INET6) &&
				 type == SOCK_STREAM)
				tcp = true;
			else if (dom == AF_INET || dom == AF_INET6)
				udp = true;
		}
	}
	closedir(d);
	if (lrpc + unix_sk + tcp + udp > 1)
		return "mixed";
	return lrpc ? "kernel" : unix_sk ? "unix" : tcp ? "tcp" : udp ? "udp" : "none";
}

/* One call of op with size octets; check: verify what came back. */
static int call(const char *op, uint32_t size, bool check)
{
	uint32_t st, i;

	if (!strcmp(op, "null")) {
		uint32_t r = TestPing();

		st = rpc_call_status();
		if (!st && check && r != LRPCTEST_PING_MAGIC) {
			fprintf(stderr, "%s: TestPing returned %#x\n", label, r);
			return -1;
		}
	} else if (!strcmp(op, "echo")) {
		uint32_t r;

		if (check)
			memset(buf_out, 0, size);
		r = TestEcho(size, buf_in, buf_out);
		st = rpc_call_status();
		if (!st && check) {
			if (r != size) {
				fprintf(stderr, "%s: TestEcho(%u) returned %u\n",
					label, size, r);
				return -1;
			}
			for (i = 0; i < size; i++)
				if (buf_out[i] != (uint8_t)(buf_in[i] ^ 0xa5)) {
					fprintf(stderr, "%s: TestEcho(%u): octet %u wrong\n",
						label, size, i);
					return -1;
				}
		}
	} else if (!strcmp(op, "in")) {
		echo_SinkData(size, buf_in);
		st = rpc_call_status();
	} else if (!strcmp(op, "out")) {
		if (check)
			memset(buf_out, 0x5a, size);
		echo_SourceData(size, buf_out);
		st = rpc_call_status();
		if (!st && check)
			for (i = 0; i < size; i++)
				if (buf_out[i] != (uint8_t)i) {
					fprintf(stderr, "%s: echo_SourceData(%u): octet %u wrong\n",
						label, size, i);
					return -1;
				}
	} else {
		fprintf(stderr, "unknown operation %s\n", op);
		return -1;
	}
	if (st) {
		fprintf(stderr, "%s: %s(%u): %s\n", label, op, size,
			rpc_status_name(-(int32_t)st));
		return -1;
	}
	return 0;
}

static int cell(const char *op, uint32_t size)
{
	long long t0, start, *t;
	long warm = warm_calls >= 0 ? warm_calls : max_calls / 10, n = 0;
	const char *path;
	int i;

	if (warm < 1)
		warm = 1;
	start = now_ns();
	for (i = 0; i < warm; i++) {
		if (call(op, size, i == 0))
			return -1;
		if (warm_calls < 0 && now_ns() - start > budget_ns / 5)
			break;
	}
	path = client_path();
	if (expect && strcmp(path, expect)) {
		fprintf(stderr, "%s: %s(%u): the calls took the %s path, not %s\n",
			label, op, size, path, expect);
		return -1;
	}
	t = calloc(max_calls, sizeof(*t));
	if (!t)
		return -1;
	start = now_ns();
	while (n < max_calls && (n < min_calls || now_ns() - start < budget_ns)) {
		t0 = now_ns();
		if (call(op, size, false)) {
			free(t);
			return -1;
		}
		t[n++] = now_ns() - t0;
	}
	rpc_ss_release();
	qsort(t, n, sizeof(*t), cmp_ll);
	/* nearest-rank percentiles */
	printf("rpc,%s,%s,%u,%ld,%lld,%lld,%lld,%s\n", label, op, size, n,
	       t[(n - 1) / 2], t[(n * 9 + 9) / 10 - 1], t[0], path);
	fflush(stdout);
	free(t);
	return 0;
}

static long parse_size(const char *s)
{
	char *end;
	long v = strtol(s, &end, 10);

	if (*end == 'k' || *end == 'K')
		v <<= 10, end++;
	else if (*end == 'M')
		v <<= 20, end++;
	return *end || v < 0 || v > (64L << 20) ? -1 : v;
}

static void usage(void)
{
	fprintf(stderr, "usage: rpc_bench -b BINDING -l LABEL [-x kernel|unix|tcp|udp] "
		"[-o null,in,out,echo] [-s 0,64,4k,...] [-n N] [-T MS] [-m MIN] [-w W]\n");
	exit(2);
}

/*
 * $LRPC_BENCH_AUTH=SVC:LEVEL (e.g. ntlm:privacy) authenticates the calls
 * as $LRPC_BENCH_DOMAIN\\$LRPC_BENCH_USER with $LRPC_BENCH_PASSWORD, so
 * make bench-count shows what a protection level costs.
 */
static int bench_auth(struct rpc_binding *b)
{
	const char *a = getenv("LRPC_BENCH_AUTH");
	struct rpc_winnt_identity id = {
		getenv("LRPC_BENCH_USER"), getenv("LRPC_BENCH_DOMAIN"),
		getenv("LRPC_BENCH_PASSWORD"),
	};
	char svc[32];
	const char *colon;
	int s, l;

	if (!a)
		return 0;
	colon = strchr(a, ':');
	snprintf(svc, sizeof(svc), "%.*s", colon ? (int)(colon - a) : (int)strlen(a), a);
	s = rpc_authn_svc_from_name(svc);
	l = rpc_auth_level_from_name(colon ? colon + 1 : "integrity");
	if (s < 0 || l < 0)
		return -EINVAL;
	return rpc_binding_set_auth_info(b, getenv("LRPC_BENCH_PRINCIPAL"),
					 (unsigned int)l, (unsigned int)s,
					 id.user ? &id : NULL);
}

int main(int argc, char **argv)
{
	char *ops = strdup("null,in,out,echo"), *sizes = strdup("0,64,4k,64k,1M,16M");
	const char *binding = NULL;
	long sz[MAX_SIZES], maxsz = 0;
	int nsz = 0, opt, ret, fail = 0, i;
	char *tok, *save;

	while ((opt = getopt(argc, argv, "b:l:x:o:s:n:T:m:w:")) != -1) {
		switch (opt) {
		case 'b': binding = optarg; break;
		case 'l': label = optarg; break;
		case 'x': expect = optarg; break;
		case 'o': free(ops); ops = strdup(optarg); break;
		case 's': free(sizes); sizes = strdup(optarg); break;
		case 'n': max_calls = atol(optarg); break;
		case 'T': budget_ns = atoll(optarg) * 1000000LL; break;
		case 'm': min_calls = atol(optarg); break;
		case 'w': warm_calls = atol(optarg); break;
		default: usage();
		}
	}
	if (!binding || optind != argc || max_calls < 1 || min_calls < 1 ||
	    min_calls > max_calls)
		usage();
	for (tok = strtok_r(sizes, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (nsz == MAX_SIZES || (sz[nsz] = parse_size(tok)) < 0)
			usage();
		if (sz[nsz] > maxsz)
			maxsz = sz[nsz];
		nsz++;
	}
	buf_in = malloc(maxsz + 1);
	buf_out = malloc(maxsz + 1);
	if (!buf_in || !buf_out)
		return 1;
	for (i = 0; i < maxsz; i++)
		buf_in[i] = (uint8_t)(i * 7 + 3);

	ret = rpc_binding_from_string(binding, &lrpctest_binding);
	if (ret >= 0)
		ret = rpc_binding_from_string(binding, &rpcecho_binding);
	if (ret >= 0)
		ret = bench_auth(lrpctest_binding);
	if (ret >= 0)
		ret = bench_auth(rpcecho_binding);
	if (ret < 0) {
		fprintf(stderr, "%s: %s: %s\n", label, binding, rpc_status_name(ret));
		return 1;
	}
	for (tok = strtok_r(ops, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!strcmp(tok, "null")) {
			if (cell(tok, 0) < 0)
				fail = 1;
			continue;
		}
		for (i = 0; i < nsz; i++)
			if (cell(tok, (uint32_t)sz[i]) < 0)
				fail = 1;
	}
	rpc_binding_free(lrpctest_binding);
	rpc_binding_free(rpcecho_binding);
	return fail;
}
