// SPDX-License-Identifier: GPL-2.0
/*
 * Scenarios on messages: calls (inline, large enough for kvmalloc, with
 * views both ways), receiving a request or a one-way message that
 * carries a view, replies with a view, one-way sends either way, cancels
 * of a delivered and of a queued call, and call time-outs.
 */
#include "faults.h"

/* ---- calls, replies, one-way messages ---------------------------------- */

int op_call(void)
{
	memset(&C.call, 0, sizeof(C.call));
	C.call.data = (uintptr_t)C.payload;
	C.call.len = C.len;
	C.call.reply = (uintptr_t)C.reply;
	C.call.reply_size = sizeof(C.reply);
	C.call.timeout_ns = 20 * SEC;
	C.call.msg.view_fd = -1;
	C.call.flags = LRPC_CALL_F_VIEWS;
	if (C.view_on)
		C.call.view = (uintptr_t)&C.va;
	return ioctl(C.comm, LRPC_IOC_CALL, &C.call) ? -errno : 0;
}

void after_call(struct __test_metadata *_metadata, int ret)
{
	if (C.call.msg.view_fd >= 0)
		close(C.call.msg.view_fd);
	if (ret)
		return;
	EXPECT_EQ(5, C.call.reply_len);
	EXPECT_EQ(0, memcmp(C.reply, "reply", 5));
	ASSERT_TRUE(SETTLE(PORT(queued) == 0 && CONN(pending) == 0));
}

/* A port, a connection, a server thread answering; call_end undoes it. */
void call_begin(struct __test_metadata *_metadata, int reply_view)
{
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	server_start(&C.srv, C.port, reply_view, 0);
}

void call_end(struct __test_metadata *_metadata)
{
	server_stop(&C.srv);
	EXPECT_EQ(0, C.srv.err);
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
}

const struct scenario sc_call_inline = {
	.name = "call, inline",
	.op = op_call,
	.after = after_call,
};

const struct scenario sc_call_inline_large = {
	.name = "call, inline 16 KiB",
	.op = op_call,
	.after = after_call,
};

static void after_call_view(struct __test_metadata *_metadata, int ret)
{
	if (!ret) {
		EXPECT_LE(0, C.call.msg.view_fd);
		EXPECT_EQ(2 * PAGE, C.call.msg.view_len);
	}
	after_call(_metadata, ret);
	/* the server closed the request's view, we the reply's */
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 1 &&
			   SECT(C.sec2_id, views) == 1));
}

const struct scenario sc_call_view = {
	.name = "call, views both ways",
	.op = op_call,
	.after = after_call_view,
};

const struct scenario sc_call_view_reply = {
	.name = "call, a view on the reply",
	.op = op_call,
	.after = after_call_view,
};

int op_recv_port(void)
{
	return lrpc_recv_port(C.port, C.buf, sizeof(C.buf), 0, &C.info);
}

/* A REQUEST carrying a view, queued by the caller thread. */
static void before_recv_request(struct __test_metadata *_metadata)
{
	ASSERT_TRUE(SETTLE(PORT(queued) == 1 && CONN(pending) == 1));
}

static void after_recv_request(struct __test_metadata *_metadata, int ret)
{
	if (ret)
		return;
	ASSERT_EQ(LRPC_MSG_REQUEST, C.info.kind);
	ASSERT_LE(0, C.info.view_fd);
	close(C.info.view_fd);
	C.seen = LOAD(C.cal.ncalls);
	ASSERT_EQ(0, lrpc_reply(C.port, C.info.msg_id, "reply", 5));
	ASSERT_TRUE(WAIT_FOR(LOAD(C.cal.ncalls) > C.seen));
	EXPECT_EQ(0, LOAD(C.cal.last));
}

const struct scenario sc_recv_request = {
	.name = "receive a request with a view",
	.before = before_recv_request,
	.op = op_recv_port,
	.after = after_recv_request,
};

/* A request delivered to us, the caller thread waiting for the answer. */
static void before_reply(struct __test_metadata *_metadata)
{
	if (C.msg_id)
		return;
	ASSERT_EQ(0, lrpc_recv_port(C.port, C.buf, sizeof(C.buf), 20 * SEC,
				    &C.info));
	ASSERT_EQ(LRPC_MSG_REQUEST, C.info.kind);
	C.msg_id = C.info.msg_id;
	C.seen = LOAD(C.cal.ncalls);
	ASSERT_TRUE(SETTLE(CONN(pending) == 1 && SECT(C.sec_id, views) == 1));
}

static int op_reply(void)
{
	return sec_reply_recv(C.port, C.msg_id, "reply", 5, &C.va, NULL, 0, 0,
			      NULL);
}

static void after_reply(struct __test_metadata *_metadata, int ret)
{
	if (ret)
		return;
	C.msg_id = 0;
	/* the caller got the reply and closed its view */
	ASSERT_TRUE(WAIT_FOR(LOAD(C.cal.ncalls) > C.seen));
	EXPECT_EQ(0, LOAD(C.cal.last));
}

const struct scenario sc_reply_view = {
	.name = "reply with a view",
	.before = before_reply,
	.op = op_reply,
	.after = after_reply,
};

static int op_send(void)
{
	return sec_send(C.out, "oneway", 6, &C.va);
}

/* Take the message back: the queue is as it was. */
static void after_send(struct __test_metadata *_metadata, int ret)
{
	if (ret)
		return;
	if (C.out == C.comm)
		ret = lrpc_recv_port(C.port, C.buf, sizeof(C.buf), 0, &C.info);
	else
		ret = lrpc_recv(C.comm, C.buf, sizeof(C.buf), 0, &C.info);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(LRPC_MSG_ONEWAY, C.info.kind);
	ASSERT_LE(0, C.info.view_fd);
	close(C.info.view_fd);
}

/* Sends of a view to the server (@to_server) or to the client, swept. */
void send_test(struct __test_metadata *_metadata, const char *what,
	       int to_server)
{
	const struct scenario sc = {
		.name = what,
		.op = op_send,
		.after = after_send,
	};

	C.sec = sec_create(C.dev, 3 * PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	sec_view(&C.va, C.sec, PAGE, PAGE, LRPC_VIEW_F_WRITE);
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	C.out = to_server ? C.comm : C.sconn;
	fault_loop(_metadata, &sc);
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
	close_fd(&C.sec);
}

static int op_recv_client(void)
{
	return lrpc_recv(C.comm, C.buf, sizeof(C.buf), 0, &C.info);
}

/* A one-way message with a view waiting, on the port or the client. */
static void before_recv_oneway(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, snap_take(&snap_now));
	if (C.out == C.comm ? PORT(queued) == 0 : CONN(queued) == 0)
		ASSERT_EQ(0, sec_send(C.out, "oneway", 6, &C.va));
}

static void after_recv_oneway(struct __test_metadata *_metadata, int ret)
{
	if (ret)
		return;
	ASSERT_EQ(LRPC_MSG_ONEWAY, C.info.kind);
	ASSERT_LE(0, C.info.view_fd);
	close(C.info.view_fd);
}

/* @sc, receiving a one-way message on the port (@at_server) or the client. */
void recv_test(struct __test_metadata *_metadata,
	       const struct scenario *sc, int at_server)
{
	C.sec = sec_create(C.dev, PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	sec_view(&C.va, C.sec, 0, 0, 0);
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	C.out = at_server ? C.comm : C.sconn;
	fault_loop(_metadata, sc);
	emfile_check(_metadata, sc);
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
	close_fd(&C.sec);
}

const struct scenario sc_recv_oneway_view = {
	.name = "receive one-way with a view (port)",
	.before = before_recv_oneway,
	.op = op_recv_port,
	.after = after_recv_oneway,
};

const struct scenario sc_recv_client_view = {
	.name = "receive one-way with a view (client)",
	.before = before_recv_oneway,
	.op = op_recv_client,
	.after = after_recv_oneway,
};

/* ---- cancel and time-outs ------------------------------------------------ */

static int op_cancel(void)
{
	return lrpc_cancel(C.comm, C.msg_id);
}

/* Delivered: a CANCEL follows; queued: the request is withdrawn. */
static void before_cancel(struct __test_metadata *_metadata)
{
	if (C.msg_id)
		return;
	if (C.queued) {
		ASSERT_TRUE(SETTLE(PORT(queued) == 1 && CONN(pending) == 1));
		ASSERT_TRUE(WAIT_FOR(LOAD(C.cal.call.msg_id) != 0));
		C.msg_id = LOAD(C.cal.call.msg_id);
	} else {
		ASSERT_EQ(0, lrpc_recv_port(C.port, C.buf, sizeof(C.buf),
					    20 * SEC, &C.info));
		ASSERT_EQ(LRPC_MSG_REQUEST, C.info.kind);
		C.msg_id = C.info.msg_id;
	}
	C.seen = LOAD(C.cal.ncalls);
	ASSERT_TRUE(SETTLE(CONN(pending) == 1));
}

static void after_cancel(struct __test_metadata *_metadata, int ret)
{
	if (ret)
		return;
	ASSERT_TRUE(WAIT_FOR(LOAD(C.cal.ncalls) > C.seen));
	EXPECT_EQ(-ECANCELED, LOAD(C.cal.last));
	if (!C.queued) {
		ASSERT_EQ(0, lrpc_recv_port(C.port, C.buf, sizeof(C.buf),
					    20 * SEC, &C.info));
		EXPECT_EQ(LRPC_MSG_CANCEL, C.info.kind);
		EXPECT_EQ(C.msg_id, C.info.msg_id);
	}
	C.msg_id = 0;
}

/* @sc on a connection whose caller thread calls over and over. */
void cancel_test(struct __test_metadata *_metadata,
		 const struct scenario *sc)
{
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	caller_start(&C.cal, C.comm, -1);
	fault_loop(_metadata, sc);
	close_fd(&C.sconn);
	thread_stop(C.cal.t, &C.cal.stop, &C.cal.done);
	close_fd(&C.comm);
	close_fd(&C.port);
}

const struct scenario sc_cancel_delivered = {
	.name = "cancel a delivered call",
	.before = before_cancel,
	.op = op_cancel,
	.after = after_cancel,
};

const struct scenario sc_cancel_queued = {
	.name = "cancel a queued call",
	.before = before_cancel,
	.op = op_cancel,
	.after = after_cancel,
};

static int op_call_timeout(void)
{
	int r;

	memset(&C.call, 0, sizeof(C.call));
	C.call.data = (uintptr_t)C.payload;
	C.call.len = 8;
	C.call.timeout_ns = C.timeout_ms * MS;
	r = ioctl(C.comm, LRPC_IOC_CALL, &C.call) ? -errno : 0;
	return r == -ETIMEDOUT ? 0 : r < 0 ? r : -EPROTO;
}

const struct scenario sc_call_timeout_queued = {
	.name = "call, time-out (queued)",
	.op = op_call_timeout,
	.after = after_timeout,
};

static void after_timeout_delivered(struct __test_metadata *_metadata,
				    int ret)
{
	after_timeout(_metadata, ret);
	if (ret)
		return;
	/* the server held it: a CANCEL told it so (__GFP_NOFAIL note) */
	ASSERT_TRUE(WAIT_FOR(LOAD(C.srv.ncancel) == LOAD(C.srv.nreq)));
}

const struct scenario sc_call_timeout_delivered = {
	.name = "call, time-out (delivered)",
	.op = op_call_timeout,
	.after = after_timeout_delivered,
};

