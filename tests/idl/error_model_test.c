// SPDX-License-Identifier: MIT
/*
 * The error model (<lrpc/status.h>, <lrpc/stub.h>) end to end: stubs
 * from errmodel.idl against a real ncacn_ip_tcp server on loopback.
 *
 *   client stubs --TCP 127.0.0.1--> rpc_server (manager s_Em*)
 *
 * A fault reaches the client as that fault (5 is not EIO), an HRESULT
 * fault is a failure, a NULL [ref] pointer never reaches the server, a
 * dead endpoint gives an error_status_t operation a non-zero status, a
 * void operation's failure reaches the hook, and every status in
 * status.h has a sentence.
 */
#include <errno.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/wait.h>
#include "kselftest_harness.h"
#include <lrpc/rpc.h>
#include <lrpc/status.h>
#include "errmodel.h"

static atomic_int calls;	/* manager entries, server side */

error_status_t s_EmStatus(handle_t h, uint32_t status)
{
	(void)h;
	atomic_fetch_add(&calls, 1);
	if (status)
		rpc_server_fault(status);
	return 0;
}

void s_EmVoid(handle_t h, uint32_t status)
{
	s_EmStatus(h, status);
}

int32_t s_EmLong(handle_t h, uint32_t status)
{
	s_EmStatus(h, status);
	return 42;
}

void s_EmRef(handle_t h, int32_t *in, int32_t *out)
{
	(void)h;
	atomic_fetch_add(&calls, 1);
	*out = *in + 1;
}

static struct {
	int n;
	uint32_t opnum;
	error_status_t status;
} hooked;

static void hook(const struct rpc_interface *iface, uint32_t opnum,
		 error_status_t status, void *arg)
{
	(void)iface;
	(void)arg;
	hooked.n++;
	hooked.opnum = opnum;
	hooked.status = status;
}

FIXTURE(em) {
	struct rpc_server *srv;
	char *binding;
	struct rpc_binding *b;
};

FIXTURE_SETUP(em)
{
	char s[160];

	alarm(60);
	ASSERT_EQ(0, rpc_server_create(&self->srv));
	ASSERT_EQ(0, rpc_server_register_if(self->srv, &errmodel_v1_0_s_ifspec));
	ASSERT_EQ(0, rpc_server_use_protseq(self->srv, "ncacn_ip_tcp",
					    "127.0.0.1", "", &self->binding));
	ASSERT_EQ(0, rpc_server_listen(self->srv, 0));
	snprintf(s, sizeof(s), "%.*s,nolocal,timeout=5000]",
		 (int)strlen(self->binding) - 1, self->binding);
	ASSERT_EQ(0, rpc_binding_from_string(s, &self->b));
	atomic_store(&calls, 0);
	memset(&hooked, 0, sizeof(hooked));
	rpc_set_call_failure_hook(hook, NULL);
}

FIXTURE_TEARDOWN(em)
{
	rpc_set_call_failure_hook(NULL, NULL);
	rpc_binding_free(self->b);
	rpc_server_free(self->srv);
	free(self->binding);
}

/* fault 5 (ERROR_ACCESS_DENIED) stays 5; it is not -EIO */
TEST_F(em, fault_5_is_access_denied)
{
	uint8_t in[4] = { 5, 0, 0, 0 };		/* little endian */
	struct rpc_reply r;
	int ret;

	EXPECT_EQ(0u, EmStatus(self->b, 0));
	EXPECT_EQ((error_status_t)rpc_s_access_denied, EmStatus(self->b, 5));
	EXPECT_EQ(5u, rpc_call_status());
	EXPECT_STREQ("rpc_s_access_denied", rpc_status_name(-5));
	/* the raw call: -5 means status 5 there, and reply.fault says so */
	ASSERT_LE(0, rpc_binding_syntax(self->b, &errmodel_v1_0_c_ifspec.id));
	ret = rpc_call_raw(self->b, &errmodel_v1_0_c_ifspec.id, 0, in,
			   sizeof(in), &r);
	EXPECT_EQ(-(int)rpc_s_access_denied, ret);
	EXPECT_EQ(5u, r.fault);
	rpc_reply_release(&r);
	EXPECT_EQ(3, atomic_load(&calls));
}

/* an HRESULT fault is a failure, whatever the operation returns */
TEST_F(em, hresult_fault_is_failure)
{
	EXPECT_EQ(0x80070005u, EmStatus(self->b, 0x80070005u));
	EXPECT_EQ(0x80070005u, rpc_call_status());
	EXPECT_EQ(0, EmLong(self->b, 0x80070005u));	/* not 42 */
	EXPECT_EQ(1, hooked.n);
	EXPECT_EQ(2u, hooked.opnum);
	EXPECT_EQ(0x80070005u, hooked.status);
	EXPECT_EQ(42, EmLong(self->b, 0));
	EXPECT_EQ(0u, rpc_call_status());
	EXPECT_EQ(1, hooked.n);
}

/* NULL [ref] pointers, [in] or [out]: nothing reaches the server */
TEST_F(em, null_ref_pointer_not_sent)
{
	int32_t in = 7, out = 0;
	void *args[2] = { &in, NULL };

	EmRef(self->b, &in, &out);
	EXPECT_EQ(8, out);
	EXPECT_EQ(0u, rpc_call_status());
	EXPECT_EQ(1, atomic_load(&calls));
	EmRef(self->b, NULL, &out);
	EXPECT_EQ((uint32_t)rpc_x_null_ref_pointer, rpc_call_status());
	EXPECT_EQ(1, hooked.n);
	EXPECT_EQ((uint32_t)rpc_x_null_ref_pointer, hooked.status);
	EmRef(self->b, &in, NULL);
	EXPECT_EQ((uint32_t)rpc_x_null_ref_pointer, rpc_call_status());
	EXPECT_EQ(2, hooked.n);
	EXPECT_EQ(-(int)rpc_x_null_ref_pointer,
		  rpc_call(self->b, &errmodel_v1_0_c_ifspec, 3, args));
	EXPECT_EQ(1, atomic_load(&calls));
}

/* a dead endpoint: a status, not 0, and not an errno */
TEST_F(em, dead_endpoint)
{
	struct rpc_binding *dead;
	char s[160];
	error_status_t st;

	rpc_server_free(self->srv);	/* nothing listens on its port now */
	self->srv = NULL;
	ASSERT_EQ(0, rpc_server_create(&self->srv));
	snprintf(s, sizeof(s), "%.*s,nolocal,com_timeout=0]",
		 (int)strlen(self->binding) - 1, self->binding);
	ASSERT_EQ(0, rpc_binding_from_string(s, &dead));
	st = EmStatus(dead, 0);
	TH_LOG("dead endpoint: %s: %s", rpc_status_name((int32_t)st),
	       rpc_status_text((int32_t)st));
	EXPECT_EQ((error_status_t)rpc_s_server_unavailable, st);
	EXPECT_EQ(st, rpc_call_status());
	/* a void operation: the hook hears of it */
	EmVoid(dead, 0);
	EXPECT_EQ(1, hooked.n);
	EXPECT_EQ(1u, hooked.opnum);
	EXPECT_EQ((error_status_t)rpc_s_server_unavailable, hooked.status);
	EXPECT_EQ(-(int)rpc_s_server_unavailable,
		  rpc_binding_syntax(dead, &errmodel_v1_0_c_ifspec.id));
	rpc_binding_free(dead);
}

/* a void operation's fault reaches the hook and the last status */
TEST_F(em, void_failure_reaches_hook)
{
	EmVoid(self->b, 0);
	EXPECT_EQ(0, hooked.n);
	EmVoid(self->b, nca_s_fault_remote_no_memory);
	EXPECT_EQ(1, hooked.n);
	EXPECT_EQ(1u, hooked.opnum);
	EXPECT_EQ((uint32_t)nca_s_fault_remote_no_memory, hooked.status);
	EXPECT_EQ((uint32_t)nca_s_fault_remote_no_memory, rpc_call_status());
	/* without a hook: recorded only */
	rpc_set_call_failure_hook(NULL, NULL);
	EmVoid(self->b, 5);
	EXPECT_EQ(1, hooked.n);
	EXPECT_EQ(5u, rpc_call_status());
}

/* LRPC_CALL_FAILURE=abort without a hook: the process ends, loudly */
TEST_F(em, abort_when_asked)
{
	pid_t pid;
	int ws;

	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct rpc_binding *b;

		rpc_set_call_failure_hook(NULL, NULL);
		setenv("LRPC_CALL_FAILURE", "abort", 1);
		close(2);	/* the message is not the test's */
		if (rpc_binding_from_string("ncacn_ip_tcp:127.0.0.1[1,nolocal]", &b))
			_exit(3);
		EmVoid(b, 0);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &ws, 0));
	EXPECT_TRUE(WIFSIGNALED(ws));
	EXPECT_EQ(SIGABRT, WTERMSIG(ws));
}

/* every status in status.h has a name and a sentence */
TEST(status_text_for_every_status)
{
	static const char *const paths[] = {
		"lib/include/lrpc/status.h", "../lib/include/lrpc/status.h",
		"../../lib/include/lrpc/status.h",
	};
	const char *unknown = rpc_status_text((int32_t)0x7eadbeef);
	char line[256], name[96];
	unsigned long v;
	FILE *f = NULL;
	int n = 0;

	for (size_t i = 0; !f && i < sizeof(paths) / sizeof(paths[0]); i++)
		f = fopen(paths[i], "r");
	if (!f)
		SKIP(return, "status.h not found from here");
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "#define %95s 0x%lx", name, &v) != 2 ||
		    (strncmp(name, "rpc_", 4) && strncmp(name, "nca_", 4) &&
		     strncmp(name, "ept_", 4)))
			continue;
		n++;
		EXPECT_STREQ(name, rpc_status_name((int32_t)v));
		EXPECT_NE(unknown, rpc_status_text((int32_t)v));
		EXPECT_STREQ(rpc_status_text((int32_t)v),
			     rpc_status_text(-(int32_t)v));
		EXPECT_LT(10u, strlen(rpc_status_text((int32_t)v)));
	}
	fclose(f);
	EXPECT_LT(90, n);
	EXPECT_STREQ("connection refused or host unreachable: no server "
		     "listens on that endpoint; start it, or check the host "
		     "and endpoint",
		     rpc_status_text(-rpc_s_server_unavailable));
	EXPECT_STREQ(strerror(ENOMEM), rpc_status_text(-ENOMEM));
}

TEST_HARNESS_MAIN
