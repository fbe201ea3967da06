// SPDX-License-Identifier: MIT
/*
 * ncalrpc: the local protocol engine through /dev/lrpc and through the
 * AF_UNIX fallback, and automatic routing of local ncacn_ip_tcp bindings.
 *
 *   lrpctest-client --ncalrpc--> lrpctest-server      (kernel, fallback)
 *   this process: rpc_call_raw --ncalrpc--> in-process server with a raw
 *     "probe" interface: who called (pid, uid, gid), through which
 *     protocol sequence, 8 MiB echoes, a context handle per client
 *   lrpc-epmd <--ept_insert-- in-process server; a ncacn_ip_tcp:127.0.0.1
 *     binding is routed to its ncalrpc endpoint
 *
 * Kernel cases skip (4) without /dev/lrpc; tests/local/ncalrpc_test.c
 * runs this same file natively, where the module is absent.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <lrpc/rpc.h>
#include <lrpc/epm.h>
#include "runtime/server_int.h"

#include "kselftest_harness.h"

static char bindir[PATH_MAX];

static const char *bin(const char *name)
{
	static char path[PATH_MAX + 64];

	if (!bindir[0]) {
		ssize_t n = readlink("/proc/self/exe", bindir, sizeof(bindir) - 1);

		bindir[n > 0 ? n : 0] = 0;
		/* build/{tests,selftests}/local/ncalrpc_test -> build/bin */
		for (int i = 0; i < 3; i++) {
			char *s = strrchr(bindir, '/');

			if (s)
				*s = 0;
		}
		strcat(bindir, "/bin");
	}
	snprintf(path, sizeof(path), "%s/%s", bindir, name);
	return path;
}

static bool have_kernel(void)
{
	return access("/dev/lrpc", R_OK | W_OK) == 0;
}

/* Start a program; its first stdout line that starts with "ready " and
 * contains match is copied to ready.  Returns the pid. */
static pid_t start(char *const argv[], const char *match, char *ready,
		   size_t size)
{
	int p[2];
	pid_t pid;
	FILE *f;
	char line[200];

	if (pipe(p))
		return -1;
	pid = fork();
	if (!pid) {
		dup2(p[1], 1);
		close(p[0]);
		execv(argv[0], argv);
		_exit(127);
	}
	close(p[1]);
	f = fdopen(p[0], "r");
	ready[0] = 0;
	while (f && fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (!strncmp(line, "ready ", 6) && strstr(line, match)) {
			snprintf(ready, size, "%s", line + 6);
			break;
		}
	}
	/* keep the pipe open: the server may print more */
	return pid;
}

static void stop(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGTERM);
		waitpid(pid, NULL, 0);
	}
}

/* Run lrpctest-client on binding; 0 when every check passed. */
static int run_client(const char *binding, bool no_kernel)
{
	pid_t pid = fork();
	int st;

	if (!pid) {
		if (no_kernel)
			setenv("LRPC_NO_KERNEL", "1", 1);
		else
			unsetenv("LRPC_NO_KERNEL");
		execl(bin("lrpctest-client"), "lrpctest-client", binding,
		      (char *)NULL);
		_exit(127);
	}
	if (waitpid(pid, &st, 0) < 0)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* ---- lrpctest-client against lrpctest-server ---------------------------- */

FIXTURE(lrpctest) {
	pid_t server;
	char binding[256];
};

FIXTURE_SETUP(lrpctest)
{
	char ep[64];
	char *argv[] = { (char *)bin("lrpctest-server"), "-e", ep, NULL };

	snprintf(ep, sizeof(ep), "ncalrpc:[lt-%d]", getpid());
	self->server = start(argv, "ncalrpc", self->binding,
			     sizeof(self->binding));
	ASSERT_LT(0, self->server);
	ASSERT_NE(0, self->binding[0]);
}

FIXTURE_TEARDOWN(lrpctest)
{
	stop(self->server);
}

TEST_F_TIMEOUT(lrpctest, kernel, 180)
{
	if (!have_kernel())
		SKIP(return, "/dev/lrpc missing: module not loaded");
	EXPECT_EQ(0, run_client(self->binding, false));
}

TEST_F_TIMEOUT(lrpctest, fallback, 180)
{
	EXPECT_EQ(0, run_client(self->binding, true));
}

TEST_F_TIMEOUT(lrpctest, dynamic_endpoint, 180)
{
	char *argv[] = { (char *)bin("lrpctest-server"), "-e", "ncalrpc:[]",
			 NULL };
	char b[256];
	pid_t pid = start(argv, "ncalrpc:[LRPC-", b, sizeof(b));

	ASSERT_LT(0, pid);
	ASSERT_NE(0, b[0]);
	EXPECT_EQ(0, run_client(b, !have_kernel()));
	stop(pid);
}

/* ---- an in-process server with a raw probe interface --------------------- */

static const struct rpc_interface probe_if = {
	.id = { { 0x9c1b3f2e, 0x51aa, 0x4e0b, 0x8d, 0x11,
		  { 0x6a, 0x2f, 0x41, 0x00, 0x7e, 0x33 } }, 1, 0 },
	.name = "probe",
	.nprocs = 4,
};

enum { OP_WHO, OP_ECHO, OP_OPEN, OP_SLEEP };

static atomic_int rundowns;

static void probe_rundown(void *user)
{
	atomic_fetch_add(&rundowns, 1);
}

/* OP_WHO: status of rpc_call_ctx_peer_cred(), pid, uid, gid (u32
 * each), then the binding string;
 * OP_ECHO: every octet XOR 0x5a; OP_OPEN: a new context handle. */
static int probe_dispatch(struct rpc_call_ctx *call, uint16_t opnum,
			  const uint8_t *in, size_t inlen, struct ndr_buf *out)
{
	switch (opnum) {
	case OP_WHO: {
		pid_t pid = 0;
		uid_t uid = 0;
		gid_t gid = 0;
		uint32_t v[4];
		char *s = NULL;
		handle_t b = rpc_call_ctx_binding(call);
		int ret = rpc_call_ctx_peer_cred(call, &pid, &uid, &gid);

		v[0] = (uint32_t)ret;
		v[1] = (uint32_t)pid;
		v[2] = uid;
		v[3] = gid;
		if (b)
			rpc_binding_to_string(b, &s);
		ret = __ndr_buf_put(out, v, sizeof(v));
		if (!ret && s)
			ret = __ndr_buf_put(out, s, strlen(s) + 1);
		free(s);
		return ret;
	}
	case OP_ECHO: {
		int ret = __ndr_buf_reserve(out, inlen);

		if (ret < 0)
			return ret;
		for (size_t i = 0; i < inlen; i++)
			out->data[out->len + i] = in[i] ^ 0x5a;
		out->len += inlen;
		return 0;
	}
	case OP_OPEN: {
		struct ndr_context_handle h = { 0 };
		int ret = rpc_sctx_to_wire(call, (void *)1, probe_rundown, &h);

		return ret < 0 ? ret : __ndr_buf_put(out, &h, sizeof(h));
	}
	case OP_SLEEP:
		for (int i = 0; i < 250 && !rpc_call_ctx_cancelled(call); i++)
			usleep(20000);
		return rpc_call_ctx_cancelled(call) ? -nca_s_fault_cancel : 0;
	}
	return -nca_s_op_rng_error;
}

struct who {
	int32_t status;
	uint32_t pid, uid, gid;
	char binding[128];
};

static int who(struct rpc_binding *b, struct who *w)
{
	struct rpc_reply rep;
	int ret = rpc_call_raw(b, &probe_if.id, OP_WHO, NULL, 0, &rep);

	if (ret < 0)
		return ret;
	memset(w, 0, sizeof(*w));
	if (rep.len < 16) {
		rpc_reply_release(&rep);
		return -EPROTO;
	}
	memcpy(w, rep.data, 16);
	snprintf(w->binding, sizeof(w->binding), "%.*s", (int)(rep.len - 16),
		 (char *)rep.data + 16);
	rpc_reply_release(&rep);
	return w->status;
}

FIXTURE(probe) {
	struct rpc_server *srv;
	char binding[128];
	char tcp[128];
	char udp[128];
};

FIXTURE_VARIANT(probe) {
	bool kernel;
};

FIXTURE_VARIANT_ADD(probe, kernel) { .kernel = true };
FIXTURE_VARIANT_ADD(probe, fallback) { .kernel = false };

/* a skip in FIXTURE_SETUP does not stop the test body everywhere */
#define PROBE_SKIP()							\
	do {								\
		if (variant->kernel && !have_kernel())			\
			SKIP(return, "/dev/lrpc missing: module not loaded"); \
	} while (0)

FIXTURE_SETUP(probe)
{
	char ep[64], *s;

	if (variant->kernel && !have_kernel())
		SKIP(return, "/dev/lrpc missing: module not loaded");
	if (variant->kernel)
		unsetenv("LRPC_NO_KERNEL");
	else
		setenv("LRPC_NO_KERNEL", "1", 1);
	ASSERT_EQ(0, rpc_server_create(&self->srv));
	ASSERT_EQ(0, __rpc_server_register_raw(self->srv, &probe_if,
					       probe_dispatch,
					       SYN_NDR20 | SYN_NDR64));
	snprintf(ep, sizeof(ep), "probe-%d-%d", getpid(), variant->kernel);
	ASSERT_EQ(0, rpc_server_use_protseq(self->srv, "ncalrpc", NULL, ep, &s));
	snprintf(self->binding, sizeof(self->binding), "%s", s);
	free(s);
	ASSERT_EQ(0, rpc_server_use_protseq(self->srv, "ncacn_ip_tcp",
					    "127.0.0.1", NULL, &s));
	snprintf(self->tcp, sizeof(self->tcp), "%s", s);
	free(s);
	ASSERT_EQ(0, rpc_server_use_protseq(self->srv, "ncadg_ip_udp",
					    "127.0.0.1", NULL, &s));
	snprintf(self->udp, sizeof(self->udp), "%s", s);
	free(s);
	ASSERT_EQ(0, rpc_server_listen(self->srv, 0));
}

FIXTURE_TEARDOWN(probe)
{
	rpc_server_free(self->srv);
	unsetenv("LRPC_NO_KERNEL");
}

TEST_F(probe, credentials)
{
	PROBE_SKIP();
	struct rpc_binding *b;
	struct who w;
	pid_t pid;
	int st;

	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &b));
	ASSERT_EQ(0, who(b, &w));
	EXPECT_EQ((uint32_t)getpid(), w.pid);
	EXPECT_EQ(geteuid(), w.uid);
	EXPECT_EQ(getegid(), w.gid);
	EXPECT_EQ(0, strncmp(w.binding, "ncalrpc:[", 9));
	rpc_binding_free(b);

	/* a caller of another uid is seen as that uid */
	if (geteuid() != 0)
		return;
	pid = fork();
	if (!pid) {
		int ok;

		if (setgid(65534) || setuid(65534))
			_exit(3);
		if (rpc_binding_from_string(self->binding, &b) || who(b, &w))
			_exit(2);
		ok = w.uid == 65534 && w.gid == 65534 &&
		     w.pid == (uint32_t)getpid();
		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

TEST_F(probe, tcp_is_not_local_cred)
{
	PROBE_SKIP();
	struct rpc_binding *b;
	struct who w;
	char s[160];

	/* nolocal: a network caller has no credentials to give */
	snprintf(s, sizeof(s), "%.*s,nolocal]", (int)strlen(self->tcp) - 1,
		 self->tcp);
	ASSERT_EQ(0, rpc_binding_from_string(s, &b));
	EXPECT_EQ(-EOPNOTSUPP, who(b, &w));
	EXPECT_EQ(0, strncmp(w.binding, "ncacn_ip_tcp:", 13));
	rpc_binding_free(b);
}

TEST_F(probe, echo_8mib)
{
	PROBE_SKIP();
	size_t n = 8u << 20, i;
	uint8_t *in = malloc(n);
	struct rpc_binding *b;
	struct rpc_reply rep;
	bool ok = true;

	ASSERT_NE(NULL, in);
	for (i = 0; i < n; i++)
		in[i] = (uint8_t)(i * 131 + (i >> 13));
	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &b));
	ASSERT_EQ(0, rpc_call_raw(b, &probe_if.id, OP_ECHO, in, n, &rep));
	ASSERT_EQ((size_t)n, rep.len);
	for (i = 0; i < n && ok; i++)
		ok = rep.data[i] == (in[i] ^ 0x5a);
	EXPECT_TRUE(ok) TH_LOG("octet %zu differs", i - 1);
	rpc_reply_release(&rep);
	/* and a small one right after, inline */
	ASSERT_EQ(0, rpc_call_raw(b, &probe_if.id, OP_ECHO, in, 100, &rep));
	EXPECT_EQ((size_t)100, rep.len);
	EXPECT_EQ(in[99] ^ 0x5a, rep.data[99]);
	rpc_reply_release(&rep);
	rpc_binding_free(b);
	free(in);
}

/* Echo n octets of pattern seed through b and check every octet. */
static bool echo_check(struct rpc_binding *b, uint8_t *in, size_t n,
		       unsigned int seed)
{
	struct rpc_reply rep;
	bool ok;
	size_t i;

	for (i = 0; i < n; i++)
		in[i] = (uint8_t)(i * 131 + (i >> 13) + seed * 7);
	if (rpc_call_raw(b, &probe_if.id, OP_ECHO, in, n, &rep))
		return false;
	ok = rep.len == n;
	for (i = 0; i < n && ok; i++)
		ok = rep.data[i] == (in[i] ^ 0x5a);
	rpc_reply_release(&rep);
	return ok;
}

/*
 * Across a trust boundary (a client of another uid) large [in] and [out]
 * sections travel sealed (__rpc_lpc_seal_for): the pooled [in] section
 * is reused only once the server let go of it, every octet checked both
 * ways, several times over.
 */
TEST_F(probe, sealed_across_uids)
{
	PROBE_SKIP();
	pid_t pid;
	int st;

	if (geteuid() != 0)
		SKIP(return, "needs root to become another uid");
	pid = fork();
	if (!pid) {
		size_t sizes[] = { 2 << 20, 300 << 10, 2 << 20, 1 << 20 };
		uint8_t *in = malloc(2 << 20);
		struct rpc_binding *b;
		unsigned int i;

		if (!in || setgid(65534) || setuid(65534))
			_exit(3);
		if (rpc_binding_from_string(self->binding, &b))
			_exit(2);
		for (i = 0; i < 8; i++)
			if (!echo_check(b, in, sizes[i % 4], i))
				_exit(10 + i);
		rpc_binding_free(b);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

/*
 * Large [in] data travels in sections pooled per binding and mapped once
 * per section by the server: reuse across calls of varying sizes, below
 * the inline limit, just above it, and ones that make the pool grow
 * (in powers of two, replacing smaller idle sections), every octet
 * checked.
 */
/* up to 8 MiB per call, ~30 calls: the debug kernel under TCG on a busy
 * host needs more than the default 30 s */
TEST_F_TIMEOUT(probe, section_pool_reuse, 180)
{
	PROBE_SKIP();
	static const size_t sizes[] = {
		100, 70 << 10, 200 << 10, 1 << 20, 64 << 10, 300 << 10,
		3 << 20, 100, (1 << 20) + 1, 129 << 10, 5000, 2 << 20,
		8 << 20,
	};
	size_t max = 8u << 20;
	uint8_t *in = malloc(max);
	struct rpc_binding *b;
	unsigned int round, k, seed = 0;

	ASSERT_NE(NULL, in);
	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &b));
	for (round = 0; round < 3; round++)
		for (k = 0; k < sizeof(sizes) / sizeof(sizes[0]); k++) {
			/* the largest once: it is slow under emulation */
			if (sizes[k] == max && round)
				continue;
			EXPECT_TRUE(echo_check(b, in, sizes[k], ++seed))
				TH_LOG("round %u, %zu octets", round, sizes[k]);
		}
	rpc_binding_free(b);
	free(in);
}

static int count_fds(void)
{
	char path[64];
	int n = 0, fd;

	for (fd = 0; fd < 4096; fd++) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		n += access(path, F_OK) == 0;
	}
	return n;
}

static int count_maps(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	int n = 0, c;

	if (!f)
		return -1;
	while ((c = getc(f)) != EOF)
		n += c == '\n';
	fclose(f);
	return n;
}

/* 1000 large calls: no view fd, section or mapping piles up (client or
 * server side: both are in this process); all go with the binding. */
/* 1000 calls of ~200 KiB: under TCG on a loaded host more than the default 30 s */
TEST_F_TIMEOUT(probe, section_pool_no_leak, 180)
{
	PROBE_SKIP();
	size_t n = 200u << 10;
	uint8_t *in = malloc(n);
	struct rpc_binding *b;
	int fds, maps, fds0 = count_fds(), i;
	bool ok = true;

	ASSERT_NE(NULL, in);
	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &b));
	for (i = 0; i < 4; i++)
		ASSERT_TRUE(echo_check(b, in, n - (size_t)i * 4096, i));
	fds = count_fds();
	maps = count_maps();
	for (i = 0; i < 1000 && ok; i++)
		ok = echo_check(b, in, n - (size_t)(i % 7) * 4096, i);
	EXPECT_TRUE(ok) TH_LOG("call %d", i - 1);
	EXPECT_EQ(fds, count_fds());
	/* (the fallback's threads and buffers may add mappings of their
	 * own; the kernel path's sections must not) */
	if (variant->kernel)
		EXPECT_EQ(maps, count_maps());
	rpc_binding_free(b);
	/* the server lets go of the connection's mappings at PORT_CLOSED */
	for (i = 0; i < 100 && count_fds() > fds0; i++)
		usleep(10000);
	EXPECT_EQ(fds0, count_fds());
	free(in);
}

TEST_F(probe, rundown_on_kill)
{
	PROBE_SKIP();
	int before = atomic_load(&rundowns), i;
	int p[2];
	pid_t pid;
	char c;

	ASSERT_EQ(0, pipe(p));
	pid = fork();
	if (!pid) {
		struct rpc_binding *b;
		struct rpc_reply rep;

		if (rpc_binding_from_string(self->binding, &b) ||
		    rpc_call_raw(b, &probe_if.id, OP_OPEN, NULL, 0, &rep))
			_exit(1);
		if (write(p[1], "x", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(p[1]);
	ASSERT_EQ(1, read(p[0], &c, 1));
	close(p[0]);
	EXPECT_EQ(before, atomic_load(&rundowns));
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	for (i = 0; i < 300 && atomic_load(&rundowns) == before; i++)
		usleep(10000);
	EXPECT_EQ(before + 1, atomic_load(&rundowns));
}

static void *canceller(void *arg)
{
	usleep(200000);
	rpc_binding_cancel(arg);
	return NULL;
}

TEST_F(probe, cancel)
{
	PROBE_SKIP();
	struct rpc_binding *b;
	struct rpc_reply rep;
	pthread_t t;
	int ret;

	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &b));
	ASSERT_EQ(0, pthread_create(&t, NULL, canceller, b));
	ret = rpc_call_raw(b, &probe_if.id, OP_SLEEP, NULL, 0, &rep);
	pthread_join(t, NULL);
	EXPECT_EQ(-rpc_s_call_cancelled, ret);
	/* the binding works on */
	ASSERT_EQ(0, rpc_call_raw(b, &probe_if.id, OP_ECHO, "ab", 2, &rep));
	rpc_reply_release(&rep);
	rpc_binding_free(b);
}

/* A local ncacn_ip_tcp or ncadg_ip_udp binding goes through ncalrpc
 * (kernel) once the endpoint mapper knows the ncalrpc endpoint; nolocal
 * keeps it on the network. */
static void check_routing(struct __test_metadata *_metadata,
			  FIXTURE_DATA(probe) *self, const char *net)
{
	char port[16], epm[64], ready[128], s[160];
	char *argv[] = { (char *)bin("lrpc-epmd"), "-f", "--tcp-port", port,
			 NULL };
	const char *bs[2] = { net, self->binding };
	size_t plen = strchr(net, ':') - net + 1;
	struct rpc_binding *b;
	struct who w;
	pid_t epmd;

	if (system("ip link set lo up 2>/dev/null")) {
		/* already up, or no ip(8): try anyway */
	}
	/* below the ephemeral range (32768-60999) */
	snprintf(port, sizeof(port), "%d", 20000 + getpid() % 10000);
	snprintf(epm, sizeof(epm), "ncacn_ip_tcp:127.0.0.1[%s]", port);
	setenv("LRPC_EPMAPPER", epm, 1);
	epmd = start(argv, "ncacn_ip_tcp", ready, sizeof(ready));
	ASSERT_LT(0, epmd);
	ASSERT_NE(0, ready[0]);
	ASSERT_EQ(0, rpc_ep_register(&probe_if.id, bs, 2, NULL, 0, "probe"));

	ASSERT_EQ(0, rpc_binding_from_string(net, &b));
	ASSERT_EQ(0, who(b, &w));
	EXPECT_EQ(0, strncmp(w.binding, "ncalrpc:[", 9)) TH_LOG("%s", w.binding);
	EXPECT_EQ((uint32_t)getpid(), w.pid);
	rpc_binding_free(b);

	snprintf(s, sizeof(s), "%.*s,nolocal]", (int)strlen(net) - 1, net);
	ASSERT_EQ(0, rpc_binding_from_string(s, &b));
	EXPECT_EQ(-EOPNOTSUPP, who(b, &w));
	EXPECT_EQ(0, strncmp(w.binding, net, plen)) TH_LOG("%s", w.binding);
	rpc_binding_free(b);
	rpc_ep_unregister(&probe_if.id, bs, 2, NULL, 0);
	stop(epmd);
	unsetenv("LRPC_EPMAPPER");
}

TEST_F(probe, routing)
{
	PROBE_SKIP();
	if (!variant->kernel)
		SKIP(return, "routing goes through the kernel only");
	check_routing(_metadata, self, self->tcp);
}

TEST_F(probe, routing_udp)
{
	PROBE_SKIP();
	if (!variant->kernel)
		SKIP(return, "routing goes through the kernel only");
	check_routing(_metadata, self, self->udp);
}

TEST_HARNESS_MAIN
