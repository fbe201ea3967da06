// SPDX-License-Identifier: MIT
/*
 * Context handles end to end, server and client in one process:
 *
 *   client stubs (rpc_cctx_*) --TCP loopback--> rpc_server
 *                                               |- interface cha: Open,
 *                                               |  Slow, SlowNoSer, Close,
 *                                               |  TouchNoSer
 *                                               `- interface chb: Use
 *
 * The stubs are written by hand the way lrpc-idl generates them.  A
 * manager's user context is an object with a magic; closing or running
 * it down poisons the magic and parks the object (freed at teardown), so
 * a manager that still uses a closed context reads the poison instead of
 * freed memory.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lrpc/rpc.h>
#include "runtime/runtime_int.h"
#include "engine/co/pdu.h"
#include "transport/transport.h"
#pragma GCC diagnostic ignored "-Wsign-compare"
#include "kselftest_harness.h"

#define OBJ_MAGIC	0x0b1ec7
#define OBJ_POISON	0x7dead

struct obj {
	int32_t magic;
	int32_t id;
};

static atomic_int rundowns, active, max_active, opened;
static atomic_int close_saw_active;	/* managers running at a close */

/* closed and run-down objects: poisoned, freed at teardown */
static struct obj *parked[256];
static atomic_int nparked;

static void park(struct obj *o)
{
	int i = atomic_fetch_add(&nparked, 1);

	o->magic = OBJ_POISON;
	if (i < 256)
		parked[i] = o;
	else
		atomic_fetch_sub(&nparked, 1);	/* leaked: never read */
}

static void unpark_all(void)
{
	int i, n = atomic_exchange(&nparked, 0);

	for (i = 0; i < n && i < 256; i++)
		free(parked[i]);
}

static void cha_rundown(void *p)
{
	park(p);
	atomic_fetch_add(&rundowns, 1);
}

/* ---- the interfaces --------------------------------------------------- */

static const struct ndr_param open_p[] = {
	{ "h", &ndr_type_context_handle, NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_param slow_p[] = {
	{ "h", &ndr_type_context_handle, NDR_PF_IN },
	{ "ms", &ndr_type_ulong, NDR_PF_IN },
	{ "magic", &ndr_type_long, NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_param close_p[] = {
	{ "h", &ndr_type_context_handle, NDR_PF_IN | NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_param touch_p[] = {
	{ "h", &ndr_type_context_handle, NDR_PF_IN | NDR_PF_OUT | NDR_PF_REF },
	{ "ms", &ndr_type_ulong, NDR_PF_IN },
};
static const struct ndr_param use_p[] = {
	{ "h", &ndr_type_context_handle, NDR_PF_IN },
	{ "id", &ndr_type_long, NDR_PF_OUT | NDR_PF_REF },
};
static const struct ndr_proc cha_procs[] = {
	{ "Open", 0, 1, open_p, NULL },
	{ "Slow", 1, 3, slow_p, NULL },
	{ "SlowNoSer", 2, 3, slow_p, NULL },
	{ "Close", 3, 1, close_p, NULL },
	{ "TouchNoSer", 4, 2, touch_p, NULL },
};
static const struct ndr_proc chb_procs[] = {
	{ "Use", 0, 2, use_p, NULL },
};

static int open_thunk(void **a, struct rpc_call_ctx *ctx)
{
	struct obj *o = calloc(1, sizeof(*o));

	if (!o)
		return -ENOMEM;
	o->magic = OBJ_MAGIC;
	o->id = atomic_fetch_add(&opened, 1);
	return rpc_sctx_to_wire(ctx, o, cha_rundown, a[0]);
}

static void enter(void)
{
	int n = atomic_fetch_add(&active, 1) + 1, m = atomic_load(&max_active);

	while (n > m && !atomic_compare_exchange_weak(&max_active, &m, n))
		;
}

static int slow(void **a, struct rpc_call_ctx *ctx, int flags)
{
	struct obj *o;
	int ret = rpc_sctx_lookup(ctx, a[0], flags, (void **)&o);

	if (ret < 0)
		return ret;
	enter();
	usleep(*(uint32_t *)a[1] * 1000);
	*(int32_t *)a[2] = o->magic;	/* the poison if closed under us */
	atomic_fetch_sub(&active, 1);
	return 0;
}

static int slow_thunk(void **a, struct rpc_call_ctx *ctx)
{
	return slow(a, ctx, 0);
}

static int slow_noser_thunk(void **a, struct rpc_call_ctx *ctx)
{
	return slow(a, ctx, RPC_SCTX_NOSERIALIZE);
}

static int close_thunk(void **a, struct rpc_call_ctx *ctx)
{
	void *o;
	int ret = rpc_sctx_lookup(ctx, a[0], 0, &o);

	if (ret < 0)
		return ret;
	atomic_store(&close_saw_active, atomic_load(&active));
	park(o);
	return rpc_sctx_to_wire(ctx, NULL, NULL, a[0]);
}

/* Keeps the handle open (returns the same context) after a while. */
static int touch_noser_thunk(void **a, struct rpc_call_ctx *ctx)
{
	void *o;
	int ret = rpc_sctx_lookup(ctx, a[0], RPC_SCTX_NOSERIALIZE, &o);

	if (ret < 0)
		return ret;
	enter();
	usleep(*(uint32_t *)a[1] * 1000);
	atomic_fetch_sub(&active, 1);
	return rpc_sctx_to_wire(ctx, o, cha_rundown, a[0]);
}

static int use_thunk(void **a, struct rpc_call_ctx *ctx)
{
	struct obj *o;
	int ret = rpc_sctx_lookup(ctx, a[0], 0, (void **)&o);

	if (ret < 0)
		return ret;
	*(int32_t *)a[1] = o->id;
	return 0;
}

static const rpc_thunk_fn cha_thunks[] = {
	open_thunk, slow_thunk, slow_noser_thunk, close_thunk,
	touch_noser_thunk,
};
static const rpc_thunk_fn chb_thunks[] = { use_thunk };

static const struct rpc_interface cha = {
	.id = { { 0x6c727063, 0x6368, 0x0a00, 0x81, 0x11,
		  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a } }, 1, 0 },
	.name = "cha",
	.nprocs = 5,
	.procs = cha_procs,
	.thunks = cha_thunks,
};

static const struct rpc_interface chb = {
	.id = { { 0x6c727063, 0x6368, 0x0b00, 0x81, 0x11,
		  { 0x00, 0x00, 0x00, 0x00, 0x00, 0x0b } }, 1, 0 },
	.name = "chb",
	.nprocs = 1,
	.procs = chb_procs,
	.thunks = chb_thunks,
};

/* ---- client stubs, as lrpc-idl writes them ---------------------------- */

static int cli_open(struct rpc_binding *b, void **h)
{
	struct ndr_context_handle w;
	void *args[1] = { &w };
	int rc = rpc_call(b, &cha, 0, args);

	if (rc == 0)
		rc = rpc_cctx_from_wire(b, &w, h);
	return rc;
}

static int cli_slow(const struct rpc_interface *iface, uint32_t opnum,
		    void *h, uint32_t ms, int32_t *out)
{
	struct ndr_context_handle w;
	void *args[3] = { &w, &ms, out };
	int rc = rpc_cctx_to_wire(h, &w);

	if (rc == 0)
		rc = rpc_call(rpc_cctx_binding(h), iface, opnum, args);
	return rc;
}

/* Close (opnum 3) or TouchNoSer (4): [in, out] handle. */
static int cli_inout(uint32_t opnum, void **h, uint32_t ms)
{
	struct ndr_context_handle w;
	void *args[2] = { &w, &ms };
	struct rpc_binding *b = rpc_cctx_binding(*h);
	int rc = rpc_cctx_to_wire(*h, &w);

	if (rc == 0)
		rc = rpc_call(b, &cha, opnum, args);
	if (rc == 0)
		rc = rpc_cctx_from_wire(b, &w, h);
	return rc;
}

struct slow_job {
	pthread_t t;
	void *h;
	uint32_t opnum, ms;
	int32_t magic;
	int rc;
	atomic_bool done;
};

static void *slow_main(void *p)
{
	struct slow_job *j = p;

	j->rc = cli_slow(&cha, j->opnum, j->h, j->ms, &j->magic);
	atomic_store(&j->done, true);
	return NULL;
}

static void wait_active(int n)
{
	int i;

	for (i = 0; i < 500 && atomic_load(&active) < n; i++)
		usleep(2000);
}

/* ---- fixture ---------------------------------------------------------- */

FIXTURE(ch) {
	struct rpc_server *srv;
	char *binding;
	struct rpc_binding *b;
};

FIXTURE_SETUP(ch)
{
	int i, port = 11000 + getpid() % 9000;

	ASSERT_EQ(0, rpc_server_create(&self->srv));
	ASSERT_EQ(0, rpc_server_register_if(self->srv, &cha));
	ASSERT_EQ(0, rpc_server_register_if(self->srv, &chb));
	for (i = 0; i < 64; i++, port = 11000 + (port + 41) % 9000) {
		char ep[8];

		snprintf(ep, sizeof(ep), "%d", port);
		if (!rpc_server_use_protseq(self->srv, "ncacn_ip_tcp",
					    "127.0.0.1", ep, &self->binding))
			break;
	}
	ASSERT_LT(i, 64);
	ASSERT_EQ(0, rpc_server_listen(self->srv, 0));
	ASSERT_EQ(0, rpc_binding_from_string(self->binding, &self->b));
	atomic_store(&rundowns, 0);
	atomic_store(&active, 0);
	atomic_store(&max_active, 0);
	atomic_store(&close_saw_active, -1);
}

FIXTURE_TEARDOWN(ch)
{
	rpc_binding_free(self->b);
	rpc_server_free(self->srv);
	free(self->binding);
	unpark_all();
}

/* A close while a slow manager uses the handle waits for it (and so the
 * manager never sees its context closed). */
TEST_F(ch, close_waits_for_running_call)
{
	struct slow_job j = { .opnum = 1, .ms = 300 };
	void *h = NULL;

	ASSERT_EQ(0, cli_open(self->b, &h));
	j.h = h;
	ASSERT_EQ(0, pthread_create(&j.t, NULL, slow_main, &j));
	wait_active(1);
	ASSERT_EQ(1, atomic_load(&active));
	EXPECT_EQ(0, cli_inout(3, &h, 0));
	EXPECT_EQ(0, atomic_load(&close_saw_active));	/* came after it */
	EXPECT_EQ(NULL, h);
	pthread_join(j.t, NULL);
	EXPECT_EQ(0, j.rc);
	EXPECT_EQ(OBJ_MAGIC, j.magic);
	EXPECT_EQ(0, atomic_load(&rundowns));
}

struct touch_job {
	void *h;
	int rc;
};

static void *touch_main(void *p)
{
	struct touch_job *j = p;

	j->rc = cli_inout(4, &j->h, 300);
	return NULL;
}

/* With RPC_SCTX_NOSERIALIZE the close runs at once; the handle itself is
 * kept for the call still using it, and stays closed after it. */
TEST_F(ch, noserialize_close_keeps_handle_closed)
{
	struct touch_job tj = { NULL, -1 };
	struct rpc_server_stats st;
	struct ndr_context_handle w;
	void *h = NULL, *h2 = NULL;
	pthread_t t;

	ASSERT_EQ(0, cli_open(self->b, &h));
	ASSERT_EQ(0, cli_open(self->b, &h2));
	/* TouchNoSer on a client copy of h, Close on h meanwhile */
	ASSERT_EQ(0, rpc_cctx_to_wire(h, &w));
	ASSERT_EQ(0, rpc_cctx_from_wire(self->b, &w, &tj.h));
	ASSERT_EQ(0, pthread_create(&t, NULL, touch_main, &tj));
	wait_active(1);
	EXPECT_EQ(0, cli_inout(3, &h, 0));
	EXPECT_EQ(NULL, h);
	EXPECT_EQ(1, atomic_load(&active));	/* the close did not wait */
	pthread_join(t, NULL);
	EXPECT_EQ(0, tj.rc);
	EXPECT_EQ(NULL, tj.h);			/* still closed */
	rpc_server_stats(self->srv, &st);
	EXPECT_EQ(1, st.context_handles);	/* h2 only */
	EXPECT_EQ(0, cli_inout(3, &h2, 0));
	rpc_server_stats(self->srv, &st);
	EXPECT_EQ(0, st.context_handles);
	EXPECT_EQ(0, atomic_load(&rundowns));
}

static int overlap(struct __test_metadata *_metadata, struct rpc_binding *b,
		   uint32_t opnum)
{
	struct slow_job j[2] = { { .opnum = opnum, .ms = 150 },
				 { .opnum = opnum, .ms = 150 } };
	void *h = NULL;
	int i;

	if (cli_open(b, &h))
		return -1;
	for (i = 0; i < 2; i++) {
		j[i].h = h;
		if (pthread_create(&j[i].t, NULL, slow_main, &j[i]))
			return -1;
	}
	for (i = 0; i < 2; i++) {
		pthread_join(j[i].t, NULL);
		EXPECT_EQ(0, j[i].rc);
		EXPECT_EQ(OBJ_MAGIC, j[i].magic);
	}
	EXPECT_EQ(0, cli_inout(3, &h, 0));
	return atomic_load(&max_active);
}

/* Two calls on one handle run one after the other ... */
TEST_F(ch, calls_on_one_handle_are_serialized)
{
	EXPECT_EQ(1, overlap(_metadata, self->b, 1));
}

/* ... unless the manager asked for RPC_SCTX_NOSERIALIZE. */
TEST_F(ch, noserialize_calls_overlap)
{
	EXPECT_EQ(2, overlap(_metadata, self->b, 2));
}

/* Calls on two different handles are not serialized. */
TEST_F(ch, different_handles_overlap)
{
	struct slow_job j[2] = { { .opnum = 1, .ms = 150 },
				 { .opnum = 1, .ms = 150 } };
	int i;

	for (i = 0; i < 2; i++) {
		ASSERT_EQ(0, cli_open(self->b, &j[i].h));
		ASSERT_EQ(0, pthread_create(&j[i].t, NULL, slow_main, &j[i]));
	}
	for (i = 0; i < 2; i++) {
		pthread_join(j[i].t, NULL);
		EXPECT_EQ(0, j[i].rc);
		EXPECT_EQ(0, cli_inout(3, &j[i].h, 0));
	}
	EXPECT_EQ(2, atomic_load(&max_active));
}

/* A handle made by interface cha is refused by interface chb. */
TEST_F(ch, handle_of_other_interface_faults)
{
	void *h = NULL;
	int32_t v = -1;

	ASSERT_EQ(0, cli_open(self->b, &h));
	EXPECT_EQ(-nca_s_fault_context_mismatch, cli_slow(&chb, 0, h, 0, &v));
	EXPECT_EQ(0x1c00001au, rpc_call_status());
	EXPECT_EQ(-1, v);
	/* still good where it belongs */
	EXPECT_EQ(0, cli_slow(&cha, 1, h, 0, &v));
	EXPECT_EQ(OBJ_MAGIC, v);
	EXPECT_EQ(0, cli_inout(3, &h, 0));
}

/* The client frees its handle locally when the server has gone. */
TEST_F(ch, destroy_client_context_without_server)
{
	void *h = NULL, *bogus = calloc(1, 64);
	int32_t v;

	ASSERT_NE(NULL, bogus);

	ASSERT_EQ(0, cli_open(self->b, &h));
	rpc_server_free(self->srv);
	self->srv = NULL;
	EXPECT_GT(0, cli_slow(&cha, 1, h, 0, &v));
	EXPECT_EQ(0, rpc_ss_destroy_client_context(&h));
	EXPECT_EQ(NULL, h);
	EXPECT_EQ(0, rpc_ss_destroy_client_context(&h));
	EXPECT_EQ(-EINVAL, rpc_ss_destroy_client_context(NULL));
	EXPECT_EQ(-rpc_x_ss_context_damaged,
		  rpc_ss_destroy_client_context(&bogus));
	free(bogus);
}

/* With the server there, destroying the last context of a binding the
 * program freed closes the connection: the server runs the handle down. */
TEST_F(ch, destroy_client_context_lets_server_run_down)
{
	void *h = NULL;
	int i;

	ASSERT_EQ(0, cli_open(self->b, &h));
	rpc_binding_free(self->b);
	self->b = NULL;
	usleep(50000);
	EXPECT_EQ(0, atomic_load(&rundowns));
	EXPECT_EQ(0, rpc_ss_destroy_client_context(&h));
	for (i = 0; i < 200 && atomic_load(&rundowns) < 1; i++)
		usleep(10000);
	EXPECT_EQ(1, atomic_load(&rundowns));
}

/* A context handle keeps its binding: freeing the binding does not end
 * the connection (no rundown) and the handle goes on working. */
TEST_F(ch, handle_outlives_freed_binding)
{
	void *h = NULL;
	int32_t v = 0;

	ASSERT_EQ(0, cli_open(self->b, &h));
	rpc_binding_free(self->b);
	self->b = NULL;
	usleep(100000);
	/* before: the connection closed and the server ran the handle
	 * down; the handle then pointed at a freed binding */
	ASSERT_EQ(0, atomic_load(&rundowns));
	EXPECT_EQ(0, cli_slow(&cha, 1, h, 0, &v));
	EXPECT_EQ(OBJ_MAGIC, v);
	EXPECT_EQ(0, cli_inout(3, &h, 0));
	EXPECT_EQ(NULL, h);
	usleep(50000);
	EXPECT_EQ(0, atomic_load(&rundowns));	/* closed, not run down */
}

TEST_HARNESS_MAIN
