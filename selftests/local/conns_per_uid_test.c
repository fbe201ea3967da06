// SPDX-License-Identifier: MIT
/*
 * Issue 20, ncalrpc: connections per client uid are capped
 * (RPC_SERVER_LIMIT_CONNS_PER_UID), through /dev/lrpc and through the
 * AF_UNIX fallback.
 *
 *   child, uid 65534: CAP bindings --ncalrpc--+
 *                     one more (refused)      +--> in-process server,
 *   this process, uid 0: one binding ---------+    cap CAP per uid
 *
 * The child holds CAP connections; one more gets
 * -rpc_s_server_too_busy (bind_nak local_limit_exceeded) while root,
 * counted apart, still calls; when the child closes one, it can open one
 * again.  Kernel cases skip (4) without /dev/lrpc; tests/local runs this
 * same file natively, where only the fallback runs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include <lrpc/rpc.h>
#include "runtime/server_int.h"

#include "kselftest_harness.h"

#define CAP	3

static const struct rpc_interface cap_if = {
	.id = { { 0x7a2c0e51, 0x2020, 0x4c1d, 0x9e, 0x20,
		  { 0x55, 0x1d, 0x00, 0x20, 0x00, 0x20 } }, 1, 0 },
	.name = "cap",
	.nprocs = 1,
};

static int cap_dispatch(struct rpc_call_ctx *call, uint16_t opnum,
			const uint8_t *in, size_t inlen, struct ndr_buf *out)
{
	return __ndr_buf_put(out, in, inlen);
}

/* A new binding with one call made on it (its connection open): 0 or
 * the call's status. */
static int open_one(const char *binding, struct rpc_binding **bp)
{
	struct rpc_reply rep;
	uint32_t v = 20;
	int ret;

	*bp = NULL;
	ret = rpc_binding_from_string(binding, bp);
	if (ret < 0)
		return ret;
	ret = rpc_call_raw(*bp, &cap_if.id, 0, &v, sizeof(v), &rep);
	if (ret < 0) {
		rpc_binding_free(*bp);
		*bp = NULL;
		return ret;
	}
	rpc_reply_release(&rep);
	return 0;
}

FIXTURE(cap) {
	struct rpc_server *srv;
	char binding[128];
};

FIXTURE_VARIANT(cap) {
	bool kernel;
};

FIXTURE_VARIANT_ADD(cap, kernel) { .kernel = true };
FIXTURE_VARIANT_ADD(cap, fallback) { .kernel = false };

static bool have_kernel(void)
{
	return access("/dev/lrpc", R_OK | W_OK) == 0;
}

#define CAP_SKIP()							\
	do {								\
		if (variant->kernel && !have_kernel())			\
			SKIP(return, "/dev/lrpc missing: module not loaded"); \
		if (geteuid() != 0)					\
			SKIP(return, "needs root to become another uid"); \
	} while (0)

FIXTURE_SETUP(cap)
{
	char ep[64], *s;

	if ((variant->kernel && !have_kernel()) || geteuid() != 0)
		return;
	if (variant->kernel)
		unsetenv("LRPC_NO_KERNEL");
	else
		setenv("LRPC_NO_KERNEL", "1", 1);
	ASSERT_EQ(0, rpc_server_create(&self->srv));
	ASSERT_EQ(0, __rpc_server_register_raw(self->srv, &cap_if,
					       cap_dispatch, SYN_NDR20));
	ASSERT_EQ(0, rpc_server_set_limit(self->srv,
					  RPC_SERVER_LIMIT_CONNS_PER_UID, CAP));
	snprintf(ep, sizeof(ep), "cap-%d-%d", getpid(), variant->kernel);
	ASSERT_EQ(0, rpc_server_use_protseq(self->srv, "ncalrpc", NULL, ep, &s));
	snprintf(self->binding, sizeof(self->binding), "%s", s);
	free(s);
	ASSERT_EQ(0, rpc_server_listen(self->srv, 0));
}

FIXTURE_TEARDOWN(cap)
{
	rpc_server_free(self->srv);
	unsetenv("LRPC_NO_KERNEL");
}

TEST_F(cap, set_limit)
{
	CAP_SKIP();
	EXPECT_EQ(0, rpc_server_set_limit(self->srv,
					  RPC_SERVER_LIMIT_CONNS_PER_UID, 0));
	EXPECT_EQ(-EINVAL, rpc_server_set_limit(self->srv,
						RPC_SERVER_LIMIT_CONNS_PER_UID,
						2000000));
	EXPECT_EQ(0, rpc_server_set_limit(self->srv,
					  RPC_SERVER_LIMIT_CONNS_PER_UID, CAP));
}

/*
 * The child reports, through rp, one int per step: the status of each of
 * its CAP + 1 connections; then, once the parent writes to wp, the status
 * of a connection opened after it closed one (retried for up to 2 s: the
 * server learns of the close asynchronously).
 */
static void child(const char *binding, int rp, int wp)
{
	struct rpc_binding *b[CAP + 1], *again = NULL;
	int st[CAP + 2], i;
	char c;

	if (setgid(65534) || setuid(65534))
		_exit(3);
	for (i = 0; i <= CAP; i++)
		st[i] = open_one(binding, &b[i]);
	if (write(wp, st, sizeof(int) * (CAP + 1)) < 0 ||
	    read(rp, &c, 1) != 1)
		_exit(2);
	rpc_binding_free(b[0]);
	for (i = 0; i < 100; i++) {
		st[CAP + 1] = open_one(binding, &again);
		if (st[CAP + 1] != -rpc_s_server_too_busy)
			break;
		usleep(20000);
	}
	if (write(wp, &st[CAP + 1], sizeof(int)) < 0)
		_exit(2);
	for (i = 1; i <= CAP; i++)
		if (b[i])
			rpc_binding_free(b[i]);
	if (again)
		rpc_binding_free(again);
	_exit(0);
}

TEST_F(cap, per_uid)
{
	CAP_SKIP();
	struct rpc_binding *root[CAP + 1];
	int down[2], up[2], st[CAP + 1], again = 1, ws, i;
	pid_t pid;

	ASSERT_EQ(0, pipe(down));
	ASSERT_EQ(0, pipe(up));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(down[1]);
		close(up[0]);
		child(self->binding, down[0], up[1]);
	}
	close(down[0]);
	close(up[1]);
	ASSERT_EQ((ssize_t)sizeof(st), read(up[0], st, sizeof(st)));
	for (i = 0; i < CAP; i++)
		EXPECT_EQ(0, st[i]) TH_LOG("uid 65534, connection %d", i);
	EXPECT_EQ(-rpc_s_server_too_busy, st[CAP])
		TH_LOG("uid 65534, connection %d over the cap", CAP);

	/* root has its own count: CAP connections while 65534 is full */
	for (i = 0; i < CAP; i++)
		EXPECT_EQ(0, open_one(self->binding, &root[i]))
			TH_LOG("uid 0, connection %d", i);
	EXPECT_EQ(-rpc_s_server_too_busy, open_one(self->binding, &root[CAP]));
	for (i = 0; i <= CAP; i++)
		if (root[i])
			rpc_binding_free(root[i]);

	/* a closed connection gives its place back */
	ASSERT_EQ(1, write(down[1], "x", 1));
	ASSERT_EQ((ssize_t)sizeof(again), read(up[0], &again, sizeof(again)));
	EXPECT_EQ(0, again) TH_LOG("uid 65534 after closing one");
	ASSERT_EQ(pid, waitpid(pid, &ws, 0));
	EXPECT_TRUE(WIFEXITED(ws) && WEXITSTATUS(ws) == 0);
	close(down[1]);
	close(up[0]);
}

TEST_HARNESS_MAIN
