// SPDX-License-Identifier: GPL-2.0
/*
 * Scenarios on ports and connections: port create (the uid's first
 * object, another ipc namespace) and shutdown; connect (a new uid, a
 * time-out nobody answers); accept, reject, and accept when the fd
 * table has to grow.
 */
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <linux/securebits.h>

#include "faults.h"

/* ---- ports ------------------------------------------------------------- */

int op_port_create(void)
{
	return lrpc_port(C.dev, C.name, LRPC_MODE_ALL, 0);
}

static void after_port_create(struct __test_metadata *_metadata, int ret)
{
	if (ret < 0)
		return;
	ASSERT_EQ(0, snap_take(&snap_now));
	ASSERT_EQ(snap_pre.nports + 1, snap_now.nports);
	close(ret);
}

const struct scenario sc_port_create = {
	.name = "port create",
	.op = op_port_create,
	.after = after_port_create,
};

const struct scenario sc_port_create_ipc_ns = {
	.name = "port create (new ipc ns)",
	.op = op_port_create,
	.after = after_port_create,
};

static int op_shutdown(void)
{
	struct lrpc_port_shutdown sd = { 0 };

	return ioctl(C.port, LRPC_IOC_PORT_SHUTDOWN, &sd) ? -errno : 0;
}

static void after_shutdown(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	ASSERT_EQ(-ESHUTDOWN, lrpc_recv_port(C.port, C.buf, sizeof(C.buf),
					     -1, NULL));
	port_shutdown(C.port, LRPC_SHUTDOWN_F_RESUME);
}

const struct scenario sc_port_shutdown = {
	.name = "port shutdown",
	.op = op_shutdown,
	.after = after_shutdown,
	.flags = SC_NOFAULT,
};

/* ---- connect ------------------------------------------------------------ */

static int op_connect(void)
{
	return lrpc_connect_ex(C.dev, C.name, "hello", 5, C.reply,
			       sizeof(C.reply), &C.rlen, 20 * SEC, &C.conn_id);
}

/* Close both ends of the new connection: nothing of it may stay. */
static void after_connect(struct __test_metadata *_metadata, int ret)
{
	int sconn;

	if (ret < 0)
		return;
	EXPECT_EQ(2, C.rlen);
	close(ret);
	sconn = server_take(&C.srv);
	ASSERT_LE(0, sconn);
	close(sconn);
	ASSERT_TRUE(SETTLE(PORT(conns) == 0 && PORT(queued) == 0 &&
			   PORT(connecting) == 0));
}

const struct scenario sc_connect = {
	.name = "connect",
	.op = op_connect,
	.after = after_connect,
};

/* Keep CAP_SYS_ADMIN (the dumps) while this thread's euid is @euid. */
void as_euid(uid_t euid)
{
	prctl(PR_SET_SECUREBITS, euid ? SECBIT_NO_SETUID_FIXUP : 0);
	syscall(SYS_setresuid, -1, euid, -1);
}

static void after_connect_uid(struct __test_metadata *_metadata, int ret)
{
	if (ret >= 0) {
		ASSERT_EQ(0, snap_take(&snap_now));
		EXPECT_EQ(4321, CONN(peer_uid));
	}
	after_connect(_metadata, ret);
}

const struct scenario sc_connect_new_uid = {
	.name = "connect (a new uid)",
	.op = op_connect,
	.after = after_connect_uid,
};

static int op_connect_timeout(void)
{
	int r = lrpc_connect_ex(C.dev, C.name, "hello", 5, NULL, 0, NULL,
				30 * MS, NULL);

	return r == -ETIMEDOUT ? 0 : r < 0 ? r : -EPROTO;
}

/* The request withdrawn at the time-out (a call's as well as a connect's). */
void after_timeout(struct __test_metadata *_metadata, int ret)
{
	ASSERT_TRUE(SETTLE(PORT(queued) == 0 && PORT(connecting) == 0 &&
			   CONN(pending) <= 0));
}

const struct scenario sc_connect_timeout = {
	.name = "connect, time-out",
	.op = op_connect_timeout,
	.after = after_timeout,
};

/* ---- accept ------------------------------------------------------------- */

/* A CONNECT_REQUEST delivered to us, the connector waiting on it. */
static void before_accept(struct __test_metadata *_metadata)
{
	if (C.msg_id)
		return;
	for (;;) {
		ASSERT_EQ(0, lrpc_recv_port(C.port, C.buf, sizeof(C.buf),
					    20 * SEC, &C.info));
		if (C.info.kind == LRPC_MSG_CONNECT_REQUEST)
			break;
		ASSERT_EQ(LRPC_MSG_PORT_CLOSED, C.info.kind);
	}
	C.msg_id = C.info.msg_id;
	C.seen = LOAD(C.con.nres);
	ASSERT_TRUE(SETTLE(PORT(conns) == 0 && PORT(connecting) == 1 &&
			   PORT(queued) == 0));
}

static int op_accept(void)
{
	return lrpc_accept(C.port, C.msg_id, "welcome", 7, C.reject);
}

static void after_accept(struct __test_metadata *_metadata, int ret)
{
	if (ret < 0)
		return;
	if (!C.reject && !C.forked)
		close(ret);
	/* the first fd past the child's full table: it had to grow */
	if (C.forked)
		EXPECT_EQ(64, ret);
	C.msg_id = 0;
	/* the connector got its answer (and closed what it got) */
	ASSERT_TRUE(WAIT_FOR(LOAD(C.con.nres) > C.seen));
	EXPECT_EQ(C.reject ? -ECONNREFUSED : 0, LOAD(C.con.last));
}

const struct scenario sc_accept = {
	.name = "accept",
	.before = before_accept,
	.op = op_accept,
	.after = after_accept,
};

/* A port and a connector thread connecting to it (accept_end undoes). */
void accept_begin(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, port_make());
	connector_start(&C.con, C.dev, C.name);
}

void accept_end(struct __test_metadata *_metadata)
{
	/* a signal ends the connector's last connect */
	thread_stop(C.con.t, &C.con.stop, &C.con.done);
	close_fd(&C.port);
}

const struct scenario sc_accept_reject = {
	.name = "accept, reject",
	.before = before_accept,
	.op = op_accept,
	.after = after_accept,
};

const struct scenario sc_accept_fd_table = {
	.name = "accept (fd table grows)",
	.before = before_accept,
	.op = op_accept,
	.after = after_accept,
	.flags = SC_FORK,
};

