// SPDX-License-Identifier: MIT
/*
 * Issue 15, the local (ncalrpc) engine, through /dev/lrpc and through
 * the AF_UNIX fallback:
 *
 *   this process: client thread(s) --ncalrpc:[E]--> in-process server
 *                 (kernel port "ncalrpc.E", socket "\0lrpc/E")
 *
 *   long_endpoint   a server on a 48-character endpoint (the longest)
 *                   reports a binding that names it whole, and a client
 *                   calls it; the kernel port has the whole name
 *   endpoint_too_long  49 characters: -rpc_s_invalid_endpoint_format
 *                   for the server and the client
 *   hresult_fault   a fault >= 0x80000000 fails the call
 *                   (-rpc_s_call_failed, rpc_reply.fault verbatim), as
 *                   smaller ones do (-status)
 *   wait_for_managers  rpc_server_wait() returns only when the manager
 *                   that runs has returned
 *
 * Kernel cases skip (4) without /dev/lrpc; tests/local runs this same
 * file natively, where only the fallback runs.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <lrpc/rpc.h>
#include <lrpc/stub.h>
#include "runtime/server_int.h"
#include "engine/lpc/lpc_int.h"

#include "kselftest_harness.h"

#define NAP_MS	1000	/* the sleeping manager; below the stop grace */

enum { OP_BINDING, OP_FAULT, OP_NAP, NOPS };

static char seen_binding[160];		/* of the last OP_BINDING call */
static atomic_uint fault_to_give;	/* OP_FAULT's status */
static atomic_int nap_started, nap_done;

static int t_binding(void **args, struct rpc_call_ctx *call)
{
	handle_t h = rpc_call_ctx_binding(call);
	char *s = NULL;

	seen_binding[0] = 0;
	if (h && !rpc_binding_to_string(h, &s)) {
		snprintf(seen_binding, sizeof(seen_binding), "%s", s);
		free(s);
	}
	return 0;
}

static int t_fault(void **args, struct rpc_call_ctx *call)
{
	rpc_server_fault(atomic_load(&fault_to_give));
	return 0;
}

static int t_nap(void **args, struct rpc_call_ctx *call)
{
	struct timespec ts = { NAP_MS / 1000, (NAP_MS % 1000) * 1000000L };

	atomic_store(&nap_started, 1);
	nanosleep(&ts, NULL);
	atomic_store(&nap_done, 1);
	return 0;
}

static const struct ndr_proc procs[NOPS] = {
	{ .name = "binding", .opnum = OP_BINDING },
	{ .name = "fault", .opnum = OP_FAULT },
	{ .name = "nap", .opnum = OP_NAP },
};

static const rpc_thunk_fn thunks[NOPS] = { t_binding, t_fault, t_nap };

static const struct rpc_interface lpc_if = {
	.id = { { 0x5b0d6e15, 0x1515, 0x4a15, 0x8f, 0x15,
		  { 0x6c, 0x70, 0x63, 0x00, 0x00, 0x15 } }, 1, 0 },
	.name = "lpc15",
	.nprocs = NOPS,
	.procs = procs,
	.thunks = thunks,
};

static bool have_kernel(void)
{
	return access("/dev/lrpc", R_OK | W_OK) == 0;
}

/* A server on ncalrpc endpoint ep ("": a dynamic one), listening;
 * *binding (when not NULL) the binding it reports. */
static struct rpc_server *serve(const char *ep, char **binding, int *err)
{
	struct rpc_server *srv;

	*err = rpc_server_create(&srv);
	if (*err < 0)
		return NULL;
	*err = rpc_server_register_if(srv, &lpc_if);
	if (!*err)
		*err = rpc_server_use_protseq(srv, "ncalrpc", NULL, ep,
					      binding);
	if (!*err)
		*err = rpc_server_listen(srv, 0);
	if (*err < 0) {
		rpc_server_free(srv);
		return NULL;
	}
	return srv;
}

/* Call opnum on binding s: 0 or < 0; *fault the reply's fault. */
static int call(const char *s, uint16_t opnum, uint32_t *fault)
{
	struct rpc_binding *b;
	struct rpc_reply rep;
	int ret;

	ret = rpc_binding_from_string(s, &b);
	if (ret < 0)
		return ret;
	rpc_binding_set_timeout(b, 20000);
	ret = rpc_call_raw(b, &lpc_if.id, opnum, NULL, 0, &rep);
	if (fault)
		*fault = rep.fault;
	if (!ret)
		rpc_reply_release(&rep);
	rpc_binding_free(b);
	return ret;
}

static const struct lpc_params lpc_default = {
	.offer = SYN_NDR20 | SYN_NDR64,
	.timeout_ms = 20000,
	.server_uid = RPC_SERVER_UID_DEFAULT,
};

/* Through the kernel alone, bypassing the fallback: a connection to
 * port "ncalrpc.<ep>" and (opnum >= 0) one call; 0 or < 0. */
static int kernel_call(const char *ep, int opnum, uint32_t *fault)
{
	struct lpc_client *l;
	struct rpc_reply rep;
	int ret;

	ret = __rpc_lpc_connect(ep, &lpc_default, &lpc_if.id, &l);
	if (ret <= 0) {
		__rpc_lpc_close(l);
		return ret ? ret : -ENOENT;
	}
	ret = 0;
	if (opnum >= 0) {
		memset(&rep, 0, sizeof(rep));
		ret = __rpc_lpc_call(l, &lpc_default, &lpc_if.id,
				     (uint16_t)opnum, NULL, 0, &rep);
		if (fault)
			*fault = rep.fault;
		if (!ret)
			rpc_reply_release(&rep);
	}
	__rpc_lpc_close(l);
	return ret;
}

FIXTURE(lpc) {
	char ep[RPC_LOCAL_EP_MAX + 2];	/* room for one too many */
	char binding[96];
	struct rpc_server *srv;
};

FIXTURE_VARIANT(lpc) {
	bool kernel;
};

FIXTURE_VARIANT_ADD(lpc, kernel) { .kernel = true };
FIXTURE_VARIANT_ADD(lpc, fallback) { .kernel = false };

/* at the top of each case: SKIP in FIXTURE_SETUP does not stop the case */
#define NEED_SETUP()							\
	do {								\
		if (variant->kernel && !have_kernel())			\
			SKIP(return, "/dev/lrpc missing: module not loaded"); \
	} while (0)

FIXTURE_SETUP(lpc)
{
	if (variant->kernel)
		unsetenv("LRPC_NO_KERNEL");
	else
		setenv("LRPC_NO_KERNEL", "1", 1);
	snprintf(self->ep, sizeof(self->ep), "lpc15-%d-%d", getpid(),
		 variant->kernel);
	snprintf(self->binding, sizeof(self->binding), "ncalrpc:[%s]",
		 self->ep);
	self->srv = NULL;
}

FIXTURE_TEARDOWN(lpc)
{
	rpc_server_free(self->srv);
	unsetenv("LRPC_NO_KERNEL");
}

/* self->ep padded with 'x' to n characters, and its binding. */
static void ep_of_length(FIXTURE_DATA(lpc) *self, size_t n)
{
	size_t i = strlen(self->ep);

	while (i < n)
		self->ep[i++] = 'x';
	self->ep[n] = 0;
	snprintf(self->binding, sizeof(self->binding), "ncalrpc:[%s]",
		 self->ep);
}

TEST_F(lpc, long_endpoint)
{
	char *reported = NULL;
	int ret;

	NEED_SETUP();
	ep_of_length(self, RPC_LOCAL_EP_MAX);
	ASSERT_EQ(0, __rpc_local_endpoint_ok(self->ep));
	self->srv = serve(self->ep, &reported, &ret);
	ASSERT_NE(NULL, self->srv) TH_LOG("serve: %d", ret);
	ASSERT_NE(NULL, reported);
	/* the binding the server reports names the whole endpoint ... */
	EXPECT_STREQ(self->binding, reported);
	/* ... and reaches it */
	EXPECT_EQ(0, call(reported, OP_BINDING, NULL));
	/* a call's own binding too */
	EXPECT_STREQ(self->binding, seen_binding);
	if (variant->kernel) {
		struct lrpc_port_create pc = { .mode = LRPC_MODE_ALL };

		/* the kernel port has the whole name: it is served, and
		 * nobody else can take it */
		EXPECT_EQ(0, kernel_call(self->ep, OP_BINDING, NULL));
		snprintf(pc.name, sizeof(pc.name), LPC_PORT_PREFIX "%s",
			 self->ep);
		EXPECT_EQ(-1, ioctl(__rpc_lpc_dev(NULL),
				    LRPC_IOC_PORT_CREATE, &pc));
		EXPECT_EQ(EADDRINUSE, errno);
	}
	free(reported);
}

TEST_F(lpc, dynamic_endpoint)
{
	char *reported = NULL;
	int ret;

	NEED_SETUP();
	self->srv = serve("", &reported, &ret);
	ASSERT_NE(NULL, self->srv) TH_LOG("serve: %d", ret);
	ASSERT_NE(NULL, reported);
	EXPECT_EQ(0, call(reported, OP_BINDING, NULL));
	EXPECT_STREQ(reported, seen_binding);
	free(reported);
}

TEST_F(lpc, endpoint_too_long)
{
	char *reported = NULL;
	int ret;

	NEED_SETUP();
	ep_of_length(self, RPC_LOCAL_EP_MAX + 1);
	EXPECT_EQ(-rpc_s_invalid_endpoint_format,
		  __rpc_local_endpoint_ok(self->ep));
	self->srv = serve(self->ep, &reported, &ret);
	EXPECT_EQ(NULL, self->srv);
	EXPECT_EQ(-rpc_s_invalid_endpoint_format, ret);
	EXPECT_EQ(NULL, reported);
	EXPECT_EQ(-rpc_s_invalid_endpoint_format,
		  call(self->binding, OP_BINDING, NULL));
	free(reported);
}

TEST_F(lpc, hresult_fault)
{
	static const struct {
		uint32_t status;
		int ret;
	} cases[] = {
		{ 0x80070005, -rpc_s_call_failed },	/* E_ACCESSDENIED */
		{ 0x80000000, -rpc_s_call_failed },
		{ 0xffffffff, -rpc_s_call_failed },
		{ 0x7fffffff, -0x7fffffff },
		{ nca_s_fault_int_div_by_zero, -nca_s_fault_int_div_by_zero },
		{ 5, -5 },
	};
	uint32_t fault;
	int ret;

	NEED_SETUP();
	self->srv = serve(self->ep, NULL, &ret);
	ASSERT_NE(NULL, self->srv) TH_LOG("serve: %d", ret);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		atomic_store(&fault_to_give, cases[i].status);
		fault = 0;
		EXPECT_EQ(cases[i].ret, call(self->binding, OP_FAULT, &fault))
			TH_LOG("status 0x%x", cases[i].status);
		EXPECT_EQ(cases[i].status, fault);
		if (!variant->kernel)
			continue;
		fault = 0;
		EXPECT_EQ(cases[i].ret, kernel_call(self->ep, OP_FAULT, &fault))
			TH_LOG("kernel, status 0x%x", cases[i].status);
		EXPECT_EQ(cases[i].status, fault);
	}
}

struct nap_call {
	const char *binding;
	int ret;
};

static void *nap_caller(void *arg)
{
	struct nap_call *n = arg;

	n->ret = call(n->binding, OP_NAP, NULL);
	return NULL;
}

TEST_F(lpc, wait_for_managers)
{
	struct nap_call n = { .binding = self->binding, .ret = 1 };
	struct timespec tick = { 0, 5 * 1000000L };
	pthread_t t;
	int ret, i;

	NEED_SETUP();
	self->srv = serve(self->ep, NULL, &ret);
	ASSERT_NE(NULL, self->srv) TH_LOG("serve: %d", ret);
	if (variant->kernel)	/* the call below takes the kernel path */
		ASSERT_EQ(0, kernel_call(self->ep, -1, NULL));
	atomic_store(&nap_started, 0);
	atomic_store(&nap_done, 0);
	ASSERT_EQ(0, pthread_create(&t, NULL, nap_caller, &n));
	for (i = 0; i < 2000 && !atomic_load(&nap_started); i++)
		nanosleep(&tick, NULL);
	ASSERT_EQ(1, atomic_load(&nap_started));
	ASSERT_EQ(0, atomic_load(&nap_done));
	/* this thread is neither the caller nor the manager */
	EXPECT_EQ(0, rpc_server_stop_listening(self->srv));
	EXPECT_EQ(0, rpc_server_wait(self->srv));
	EXPECT_EQ(1, atomic_load(&nap_done));
	pthread_join(t, NULL);
	/* the call was let finish, and answered */
	EXPECT_EQ(0, n.ret);
}

TEST_HARNESS_MAIN
