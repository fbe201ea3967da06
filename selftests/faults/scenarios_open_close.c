// SPDX-License-Identifier: GPL-2.0
/*
 * Scenarios that open and close fds: /dev/lrpc opened and closed, and
 * each kind of fd (port, client, server end, section, mapped view)
 * closed with messages queued.  The release paths allocate nothing
 * (client_release sends the PORT_CLOSED note allocated at connect):
 * every close must have no fault point at all (SC_NOFAULT).
 */
#include "faults.h"

/* ---- opening and closing /dev/lrpc ----------------------------------- */

static int op_open_dev(void)
{
	int fd = open("/dev/" LRPC_DEVICE_NAME, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static void after_close_ret(struct __test_metadata *_metadata, int ret)
{
	if (ret >= 0)
		close(ret);
}

static void before_open_dev(struct __test_metadata *_metadata)
{
	C.closefd = op_open_dev();
	ASSERT_LE(0, C.closefd);
}

static int op_close(void)
{
	return close(C.closefd) ? -errno : 0;
}

static void after_closed(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	C.closefd = -1;
}

const struct scenario sc_open_dev = {
	.name = "open /dev/lrpc",
	.op = op_open_dev,
	.after = after_close_ret,
};

const struct scenario sc_close_dev = {
	.name = "close /dev/lrpc",
	.before = before_open_dev,
	.op = op_close,
	.after = after_closed,
	.flags = SC_NOFAULT,
};

/* ---- closing each kind of fd with messages queued -------------------------- */

static void state_begin(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	C.sec = sec_create(C.dev, 2 * PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	sec_view(&C.va, C.sec, 0, 0, LRPC_VIEW_F_WRITE);
}

/* All of it closed: nothing of the scenario is left. */
static void state_end(struct __test_metadata *_metadata)
{
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
	close_fd(&C.sec);
	close_fd(&C.view);
	if (C.map)
		munmap(C.map, C.maplen);
	C.map = NULL;
	ASSERT_TRUE(SETTLE(PORT(id) == -1 && CONN(id) == -1 &&
			   SECT(C.sec_id, id) == -1));
	ASSERT_EQ(NULL, snap_diff(&snap_base, &snap_now));
}

/* A port with a one-way message, a call and a connect queued. */
static void before_close_port(struct __test_metadata *_metadata)
{
	state_begin(_metadata);
	ASSERT_EQ(0, sec_send(C.comm, "one", 3, &C.va));
	caller_start(&C.cal, C.comm, -1);
	connector_start(&C.con, C.dev, C.name);
	ASSERT_TRUE(SETTLE(PORT(queued) == 3 && PORT(connecting) == 1 &&
			   CONN(pending) == 1 && SECT(C.sec_id, views) == 2));
	C.closefd = C.port;
}

static void after_close_port(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	C.port = -1;
	/* the call and the connect fail at once */
	ASSERT_TRUE(WAIT_FOR(LOAD(C.cal.done) && LOAD(C.con.done)));
	pthread_join(C.cal.t, NULL);
	pthread_join(C.con.t, NULL);
	EXPECT_EQ(-ECONNRESET, C.cal.last);
	EXPECT_EQ(-ECONNRESET, C.con.last);
	ASSERT_TRUE(SETTLE(PORT(id) == -1 && SECT(C.sec_id, views) == 1));
	state_end(_metadata);
}

/* A client with a message from the server queued, one of its own sent. */
static void before_close_client(struct __test_metadata *_metadata)
{
	state_begin(_metadata);
	ASSERT_EQ(0, sec_send(C.sconn, "down", 4, &C.va));
	ASSERT_EQ(0, sec_send(C.comm, "up", 2, &C.va));
	ASSERT_TRUE(SETTLE(PORT(queued) == 1 && CONN(queued) == 1 &&
			   SECT(C.sec_id, views) == 3));
	C.closefd = C.comm;
}

static void after_close_client(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	C.comm = -1;
	/* its queue dropped, PORT_CLOSED after what it sent */
	ASSERT_TRUE(SETTLE(PORT(queued) == 2 && CONN(queued) == 0 &&
			   CONN(state) == LRPC_CONN_S_CLIENT_GONE &&
			   SECT(C.sec_id, views) == 2));
	ASSERT_EQ(0, op_recv_port());
	EXPECT_EQ(LRPC_MSG_ONEWAY, C.info.kind);
	close(C.info.view_fd);
	ASSERT_EQ(0, op_recv_port());
	EXPECT_EQ(LRPC_MSG_PORT_CLOSED, C.info.kind);
	state_end(_metadata);
}

/* A server end with a one-way message and a call of its client queued. */
static void before_close_server(struct __test_metadata *_metadata)
{
	state_begin(_metadata);
	ASSERT_EQ(0, sec_send(C.comm, "up", 2, &C.va));
	caller_start(&C.cal, C.comm, C.sec);
	ASSERT_TRUE(SETTLE(PORT(queued) == 2 && CONN(pending) == 1 &&
			   SECT(C.sec_id, views) == 3));
	C.closefd = C.sconn;
}

static void after_close_server(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	C.sconn = -1;
	ASSERT_TRUE(WAIT_FOR(LOAD(C.cal.done)));
	pthread_join(C.cal.t, NULL);
	EXPECT_EQ(-ECONNRESET, C.cal.last);
	/* what the server will never read is dropped, views with it */
	ASSERT_TRUE(SETTLE(PORT(queued) == 0 && CONN(pending) == 0 &&
			   CONN(state) == LRPC_CONN_S_SERVER_GONE &&
			   SECT(C.sec_id, views) == 1));
	state_end(_metadata);
}

/* A section fd closed with a view of it queued and a mapping. */
static void before_close_section(struct __test_metadata *_metadata)
{
	state_begin(_metadata);
	C.maplen = 2 * PAGE;
	C.map = mmap(NULL, C.maplen, PROT_READ | PROT_WRITE, MAP_SHARED,
		     C.sec, 0);
	ASSERT_NE(MAP_FAILED, C.map);
	C.map[0] = 1;
	ASSERT_EQ(0, sec_send(C.comm, "up", 2, &C.va));
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 2 &&
			   SECT(C.sec_id, mappings) == 1));
	C.closefd = C.sec;
}

static void after_close_section(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	C.sec = -1;
	/* the mapping keeps the section fd's view, the message its own */
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 2 &&
			   SECT(C.sec_id, mappings) == 1 &&
			   SECT(C.sec_id, resident) == PAGE));
	ASSERT_EQ(0, op_recv_port());
	close(C.info.view_fd);
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 1));
	state_end(_metadata);
}

/* A received view fd closed while mapped. */
static void before_close_view(struct __test_metadata *_metadata)
{
	state_begin(_metadata);
	C.view = view_received(0);
	ASSERT_LE(0, C.view);
	C.maplen = 2 * PAGE;
	C.map = mmap(NULL, C.maplen, PROT_READ, MAP_SHARED, C.view, 0);
	ASSERT_NE(MAP_FAILED, C.map);
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 2 &&
			   SECT(C.sec_id, mappings) == 1));
	C.closefd = C.view;
}

static void after_close_view(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	C.view = -1;
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 2 &&
			   SECT(C.sec_id, mappings) == 1));
	munmap(C.map, C.maplen);
	C.map = NULL;
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 1 &&
			   SECT(C.sec_id, mappings) == 0));
	state_end(_metadata);
}

const struct scenario sc_close_queued[CLOSE_QUEUED_KINDS] = {
	{
		.name = "close a port, all queued",
		.before = before_close_port,
		.op = op_close,
		.after = after_close_port,
		.flags = SC_NOFAULT,
	},
	{
		.name = "close a client, both ways queued",
		.before = before_close_client,
		.op = op_close,
		.after = after_close_client,
		.flags = SC_NOFAULT,
	},
	{
		.name = "close a server end, calls queued",
		.before = before_close_server,
		.op = op_close,
		.after = after_close_server,
		.flags = SC_NOFAULT,
	},
	{
		.name = "close a section, view queued",
		.before = before_close_section,
		.op = op_close,
		.after = after_close_section,
		.flags = SC_NOFAULT,
	},
	{
		.name = "close a mapped view",
		.before = before_close_view,
		.op = op_close,
		.after = after_close_view,
		.flags = SC_NOFAULT,
	},
};
