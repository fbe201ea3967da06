// SPDX-License-Identifier: GPL-2.0
/*
 * Calls, replies, one-way messages, cancel, signals, close notifications,
 * poll/epoll and limits on one connection.
 *
 *   client comm fd ----CALL/SEND/CANCEL---> port fd (REPLY_RECV)
 *   client comm fd <------RECV------------- server conn fd (SEND)
 */
#include <pthread.h>
#include <signal.h>
#include <time.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include "lrpc_util.h"
#include "kselftest_harness.h"

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

struct acceptor {
	int port;
	int sconn;
};

static void *accept_thread(void *arg)
{
	struct acceptor *a = arg;
	struct lrpc_msg_info info;
	char buf[LRPC_CONNECT_DATA_MAX];

	a->sconn = -1;
	if (lrpc_recv_port(a->port, buf, sizeof(buf), 5000 * MS, &info))
		return NULL;
	if (info.kind != LRPC_MSG_CONNECT_REQUEST)
		return NULL;
	a->sconn = lrpc_accept(a->port, info.msg_id, NULL, 0, 0);
	return NULL;
}

/* Connect @dev to @port (named @name); returns the comm fd. */
static int connect_pair(int dev, int port, const char *name, int *sconn,
			__u64 *conn_id)
{
	struct acceptor a = { .port = port };
	pthread_t t;
	int comm;

	pthread_create(&t, NULL, accept_thread, &a);
	comm = lrpc_connect_ex(dev, name, NULL, 0, NULL, 0, NULL, 5000 * MS,
			       conn_id);
	pthread_join(t, NULL);
	*sconn = a.sconn;
	return comm;
}

FIXTURE(conn) {
	int dev, port, comm, sconn;
	__u64 conn_id;
	char name[LRPC_NAME_MAX];
};

FIXTURE_SETUP(conn)
{
	self->port = self->comm = self->sconn = -1;
	self->dev = lrpc_open();
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, self->dev);
	strcpy(self->name, lrpc_name("calls"));
	self->port = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, self->port);
	self->comm = connect_pair(self->dev, self->port, self->name,
				  &self->sconn, &self->conn_id);
	ASSERT_LE(0, self->comm);
	ASSERT_LE(0, self->sconn);
}

FIXTURE_TEARDOWN(conn)
{
	if (self->comm >= 0)
		close(self->comm);
	if (self->sconn >= 0)
		close(self->sconn);
	if (self->port >= 0)
		close(self->port);
	if (self->dev >= 0)
		close(self->dev);
}

struct caller {
	pthread_t thread;
	int comm;
	char req[64];
	char reply[64];
	__u32 reply_len;
	long long timeout_ns;
	struct lrpc_call out;
	int ret;
	long long took_ms;
};

static void *call_thread(void *arg)
{
	struct caller *c = arg;
	long long t0 = now_ms();

	c->ret = lrpc_call(c->comm, c->req, strlen(c->req), c->reply,
			   sizeof(c->reply), &c->reply_len, c->timeout_ns,
			   &c->out);
	c->took_ms = now_ms() - t0;
	return NULL;
}

static void start_call(struct caller *c, int comm, const char *req,
		       long long timeout_ns)
{
	memset(c, 0, sizeof(*c));
	c->comm = comm;
	strcpy(c->req, req);
	c->timeout_ns = timeout_ns;
	pthread_create(&c->thread, NULL, call_thread, c);
}

TEST_F(conn, call_and_reply)
{
	struct lrpc_msg_info info;
	struct caller c;
	char buf[64];

	start_call(&c, self->comm, "ping", -1);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS, &info));
	EXPECT_EQ(LRPC_MSG_REQUEST, info.kind);
	EXPECT_EQ(self->conn_id, info.conn_id);
	EXPECT_EQ(4, info.len);
	EXPECT_EQ(0, memcmp(buf, "ping", 4));
	EXPECT_EQ(getpid(), info.tgid);
	EXPECT_NE(getpid(), info.pid);
	EXPECT_EQ(0, info.uid);
	EXPECT_EQ(0, lrpc_reply(self->port, info.msg_id, "pong!", 5));
	pthread_join(c.thread, NULL);
	ASSERT_EQ(0, c.ret);
	EXPECT_EQ(5, c.reply_len);
	EXPECT_EQ(0, memcmp(c.reply, "pong!", 5));
	EXPECT_EQ(info.msg_id, c.out.msg_id);
	EXPECT_EQ(LRPC_MSG_REPLY, c.out.msg.kind);
	EXPECT_EQ(getpid(), c.out.msg.tgid);
	EXPECT_EQ(getpid(), c.out.msg.pid);	/* this thread replied */
	/* one reply per request */
	EXPECT_EQ(-ENOENT, lrpc_reply(self->port, info.msg_id, "x", 1));
	EXPECT_EQ(-ENOENT, lrpc_reply(self->port, 999999, "x", 1));
}

TEST_F(conn, reply_and_receive_in_one_call)
{
	struct lrpc_msg_info info, info2;
	struct caller c1, c2;
	char buf[64];

	start_call(&c1, self->comm, "one", -1);
	start_call(&c2, self->comm, "two", -1);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS, &info));
	ASSERT_EQ(LRPC_MSG_REQUEST, info.kind);
	ASSERT_EQ(0, lrpc_reply_recv(self->port, info.msg_id, buf, 3, buf,
				     sizeof(buf), 5000 * MS, &info2));
	ASSERT_EQ(LRPC_MSG_REQUEST, info2.kind);
	EXPECT_NE(info.msg_id, info2.msg_id);
	EXPECT_EQ(0, lrpc_reply(self->port, info2.msg_id, buf, 3));
	pthread_join(c1.thread, NULL);
	pthread_join(c2.thread, NULL);
	EXPECT_EQ(0, c1.ret);
	EXPECT_EQ(0, c2.ret);
	/* each got its own request back */
	EXPECT_EQ(0, memcmp(c1.reply, "one", 3));
	EXPECT_EQ(0, memcmp(c2.reply, "two", 3));
	/* a failed reply phase receives nothing */
	EXPECT_EQ(-ENOENT, lrpc_reply_recv(self->port, 424242, "x", 1, buf,
					   sizeof(buf), 0, NULL));
}

TEST_F(conn, bad_arguments)
{
	struct lrpc_reply_recv rr;
	struct lrpc_call call;
	struct lrpc_send s;
	struct lrpc_recv rv;
	struct lrpc_cancel cn;

	memset(&call, 0, sizeof(call));
	call.flags = ~LRPC_CALL_F_ALL;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->comm, LRPC_IOC_CALL, &call)));
	call.flags = 0;
	call.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->comm, LRPC_IOC_CALL, &call)));
	call.reserved[0] = 0;
	call.data = 8;
	call.len = 4;
	EXPECT_EQ(-EFAULT, sys_ret(ioctl(self->comm, LRPC_IOC_CALL, &call)));

	memset(&rr, 0, sizeof(rr));
	rr.pad = 1;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->port, LRPC_IOC_REPLY_RECV, &rr)));
	rr.pad = 0;
	rr.flags = ~LRPC_REPLY_F_ALL;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->port, LRPC_IOC_REPLY_RECV, &rr)));
	rr.flags = LRPC_REPLY_F_NORECV;		/* needs a reply_id */
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->port, LRPC_IOC_REPLY_RECV, &rr)));
	rr.flags = 0;
	rr.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->port, LRPC_IOC_REPLY_RECV, &rr)));

	memset(&s, 0, sizeof(s));
	s.flags = 1;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->comm, LRPC_IOC_SEND, &s)));
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->sconn, LRPC_IOC_SEND, &s)));
	memset(&rv, 0, sizeof(rv));
	rv.flags = ~LRPC_RECV_F_ALL;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->comm, LRPC_IOC_RECV, &rv)));
	memset(&cn, 0, sizeof(cn));
	cn.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->comm, LRPC_IOC_CANCEL, &cn)));
	EXPECT_EQ(-ENOENT, lrpc_cancel(self->comm, 31337));

	/* each ioctl on its own kind of fd */
	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(self->port, LRPC_IOC_CALL, &call)));
	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(self->sconn, LRPC_IOC_CALL, &call)));
	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(self->sconn, LRPC_IOC_RECV, &rv)));
	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(self->comm, LRPC_IOC_REPLY_RECV, &rr)));
	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(self->comm, LRPC_IOC_ACCEPT, &rr)));
	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(self->port, LRPC_IOC_SEND, &s)));
}

static int port_shutdown(int port, __u32 flags)
{
	struct lrpc_port_shutdown sd;

	memset(&sd, 0, sizeof(sd));
	sd.flags = flags;
	return sys_ret(ioctl(port, LRPC_IOC_PORT_SHUTDOWN, &sd));
}

struct receiver {
	pthread_t thread;
	int port;
	int ret;
	long long took_ms;
};

static void *receive_forever(void *arg)
{
	struct receiver *r = arg;
	struct lrpc_msg_info info;
	char buf[64];
	long long t0 = now_ms();

	r->ret = lrpc_recv_port(r->port, buf, sizeof(buf), -1, &info);
	r->took_ms = now_ms() - t0;
	return NULL;
}

TEST_F(conn, shutdown_wakes_receivers)
{
	struct lrpc_port_shutdown sd;
	struct receiver r[3];
	struct lrpc_msg_info info;
	struct caller c;
	char buf[64];
	int i;

	/* threads waiting for ever all wake, at once, with -ESHUTDOWN */
	for (i = 0; i < 3; i++) {
		r[i].port = self->port;
		pthread_create(&r[i].thread, NULL, receive_forever, &r[i]);
	}
	usleep(200 * 1000);
	ASSERT_EQ(0, port_shutdown(self->port, 0));
	for (i = 0; i < 3; i++) {
		pthread_join(r[i].thread, NULL);
		EXPECT_EQ(-ESHUTDOWN, r[i].ret);
		EXPECT_GT(2000, r[i].took_ms);
	}
	/* later receives do not wait either */
	EXPECT_EQ(-ESHUTDOWN, lrpc_recv_port(self->port, buf, sizeof(buf), -1,
					     &info));

	/* what is queued is still delivered, and its reply still goes out */
	start_call(&c, self->comm, "late", -1);
	for (i = 0; i < 500; i++) {
		int ret = lrpc_recv_port(self->port, buf, sizeof(buf), -1, &info);

		if (ret != -ESHUTDOWN) {
			ASSERT_EQ(0, ret);
			break;
		}
		usleep(10 * 1000);
	}
	ASSERT_EQ(LRPC_MSG_REQUEST, info.kind);
	EXPECT_EQ(0, lrpc_reply(self->port, info.msg_id, "ok", 2));
	pthread_join(c.thread, NULL);
	EXPECT_EQ(0, c.ret);
	EXPECT_EQ(0, memcmp(c.reply, "ok", 2));

	/* resumed, a receive waits again */
	ASSERT_EQ(0, port_shutdown(self->port, LRPC_SHUTDOWN_F_RESUME));
	EXPECT_EQ(-ETIMEDOUT, lrpc_recv_port(self->port, buf, sizeof(buf),
					     50 * MS, &info));

	/* bad arguments, and the wrong kind of fd */
	EXPECT_EQ(-EINVAL, port_shutdown(self->port, 1U << 7));
	memset(&sd, 0, sizeof(sd));
	sd.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->port, LRPC_IOC_PORT_SHUTDOWN, &sd)));
	EXPECT_EQ(-EFAULT, sys_ret(ioctl(self->port, LRPC_IOC_PORT_SHUTDOWN, NULL)));
	memset(&sd, 0, sizeof(sd));
	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(self->comm, LRPC_IOC_PORT_SHUTDOWN, &sd)));
	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(self->dev, LRPC_IOC_PORT_SHUTDOWN, &sd)));
}

TEST_F(conn, timeouts)
{
	struct lrpc_msg_info info;
	struct caller c;
	char buf[64];
	long long t0;

	/* not received in time: withdrawn, the server never sees it */
	t0 = now_ms();
	EXPECT_EQ(-ETIMEDOUT, lrpc_call(self->comm, "a", 1, buf, sizeof(buf),
					NULL, 50 * MS, NULL));
	EXPECT_LE(45, now_ms() - t0);
	EXPECT_EQ(-EAGAIN, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));

	/* received, not answered in time: the server is told, the reply dropped */
	start_call(&c, self->comm, "b", 100 * MS);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS, &info));
	ASSERT_EQ(LRPC_MSG_REQUEST, info.kind);
	pthread_join(c.thread, NULL);
	EXPECT_EQ(-ETIMEDOUT, c.ret);
	EXPECT_EQ(info.msg_id, c.out.msg_id);
	EXPECT_EQ(-ENOENT, lrpc_reply(self->port, info.msg_id, "late", 4));
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(LRPC_MSG_CANCEL, info.kind);
	EXPECT_EQ(c.out.msg_id, info.msg_id);
	EXPECT_EQ(self->conn_id, info.conn_id);

	/* receive time-outs */
	t0 = now_ms();
	EXPECT_EQ(-ETIMEDOUT, lrpc_recv_port(self->port, buf, sizeof(buf), 30 * MS, &info));
	EXPECT_LE(25, now_ms() - t0);
	EXPECT_EQ(-EAGAIN, lrpc_recv(self->comm, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(-ETIMEDOUT, lrpc_recv(self->comm, buf, sizeof(buf), 30 * MS, &info));
}

TEST_F(conn, cancel)
{
	struct lrpc_msg_info info;
	struct caller c;
	char buf[64];

	/* cancelled while the server holds it */
	start_call(&c, self->comm, "slow", -1);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS, &info));
	EXPECT_EQ(0, lrpc_cancel(self->comm, info.msg_id));
	pthread_join(c.thread, NULL);
	EXPECT_EQ(-ECANCELED, c.ret);
	EXPECT_EQ(-ENOENT, lrpc_cancel(self->comm, info.msg_id));
	EXPECT_EQ(-ENOENT, lrpc_reply(self->port, info.msg_id, "x", 1));
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(LRPC_MSG_CANCEL, info.kind);
	EXPECT_EQ(c.out.msg_id, info.msg_id);
	EXPECT_EQ(-EAGAIN, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));

	/* cancelled before the server took it: withdrawn silently */
	start_call(&c, self->comm, "queued", -1);
	while (!__atomic_load_n(&c.out.msg_id, __ATOMIC_ACQUIRE)) {
		struct pollfd pfd = { .fd = self->port, .events = POLLIN };

		ASSERT_EQ(1, poll(&pfd, 1, 5000));
		break;
	}
	/* the kernel wrote the id into the caller's struct before waiting */
	usleep(20000);
	{
		struct lrpc_msg_info peek;

		/* learn the id without taking the message: too small a buffer */
		ASSERT_EQ(-EMSGSIZE, lrpc_recv_port(self->port, buf, 0, 0, &peek));
		EXPECT_EQ(LRPC_MSG_REQUEST, peek.kind);
		EXPECT_EQ(0, lrpc_cancel(self->comm, peek.msg_id));
	}
	pthread_join(c.thread, NULL);
	EXPECT_EQ(-ECANCELED, c.ret);
	EXPECT_EQ(-EAGAIN, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	/* only the calls of this connection */
	EXPECT_EQ(-ENOENT, lrpc_cancel(self->comm, 0));
}

static void on_usr1(int sig)
{
}

TEST_F(conn, signal_restarts_the_call)
{
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	struct lrpc_msg_info info;
	struct caller c;
	char buf[64];

	sigaction(SIGUSR1, &sa, NULL);
	start_call(&c, self->comm, "sig", -1);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS, &info));
	pthread_kill(c.thread, SIGUSR1);
	usleep(50 * 1000);
	/* parked, restarted and waiting again: not sent twice, not cancelled */
	EXPECT_EQ(-EAGAIN, lrpc_recv_port(self->port, buf, 64, 0, &c.out.msg));
	EXPECT_EQ(0, lrpc_reply(self->port, info.msg_id, "ok", 2));
	pthread_join(c.thread, NULL);
	EXPECT_EQ(0, c.ret);
	EXPECT_EQ(2, c.reply_len);
}

TEST_F(conn, sizes)
{
	struct lrpc_msg_info info;
	struct caller c;
	long max = lrpc_param_get("max_msg_size");
	char *big, buf[64];

	ASSERT_LT(0, max);
	big = calloc(1, max + 1);
	ASSERT_NE(NULL, big);
	EXPECT_EQ(-EMSGSIZE, lrpc_call(self->comm, big, max + 1, NULL, 0, NULL, 0, NULL));
	EXPECT_EQ(-EMSGSIZE, lrpc_send(self->comm, big, max + 1, NULL));
	EXPECT_EQ(-EMSGSIZE, lrpc_send(self->sconn, big, max + 1, NULL));
	/* the largest allowed goes through intact */
	memset(big, 0x5a, max);
	EXPECT_EQ(0, lrpc_send(self->comm, big, max, NULL));
	memset(big, 0, max);
	ASSERT_EQ(-EMSGSIZE, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(max, info.len);
	EXPECT_EQ(LRPC_MSG_ONEWAY, info.kind);
	ASSERT_EQ(0, lrpc_recv_port(self->port, big, max, 0, &info));
	EXPECT_EQ(max, info.len);
	EXPECT_EQ(0x5a, big[0]);
	EXPECT_EQ(0x5a, big[max - 1]);

	/* a reply larger than the caller's buffer: truncated, -EMSGSIZE */
	start_call(&c, self->comm, "big reply", -1);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS, &info));
	EXPECT_EQ(0, lrpc_reply(self->port, info.msg_id, big, 1000));
	pthread_join(c.thread, NULL);
	EXPECT_EQ(-EMSGSIZE, c.ret);
	EXPECT_EQ(1000, c.reply_len);
	EXPECT_EQ(0x5a, c.reply[63]);
	/* a reply that is too large is refused before anything happens */
	start_call(&c, self->comm, "huge reply", -1);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS, &info));
	EXPECT_EQ(-EMSGSIZE, lrpc_reply(self->port, info.msg_id, big, max + 1));
	EXPECT_EQ(0, lrpc_reply(self->port, info.msg_id, "", 0));
	pthread_join(c.thread, NULL);
	EXPECT_EQ(0, c.ret);
	EXPECT_EQ(0, c.reply_len);
	/* the parameter is live */
	ASSERT_EQ(0, lrpc_param_set("max_msg_size", 100));
	EXPECT_EQ(-EMSGSIZE, lrpc_send(self->comm, big, 101, NULL));
	EXPECT_EQ(0, lrpc_send(self->comm, big, 100, NULL));
	ASSERT_EQ(0, lrpc_param_set("max_msg_size", max));
	free(big);
}

TEST_F(conn, oneway_both_ways)
{
	struct lrpc_msg_info info;
	__u64 id1, id2;
	char buf[64];

	ASSERT_EQ(0, lrpc_send(self->comm, "to server", 9, &id1));
	ASSERT_EQ(0, lrpc_send(self->sconn, "to client", 9, &id2));
	EXPECT_NE(0, id1);
	EXPECT_NE(id1, id2);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(LRPC_MSG_ONEWAY, info.kind);
	EXPECT_EQ(id1, info.msg_id);
	EXPECT_EQ(self->conn_id, info.conn_id);
	EXPECT_EQ(0, memcmp(buf, "to server", 9));
	ASSERT_EQ(0, lrpc_recv(self->comm, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(LRPC_MSG_ONEWAY, info.kind);
	EXPECT_EQ(id2, info.msg_id);
	EXPECT_EQ(9, info.len);
	EXPECT_EQ(getpid(), info.tgid);
	EXPECT_EQ(0, memcmp(buf, "to client", 9));
	/* too small a buffer: the message stays */
	ASSERT_EQ(0, lrpc_send(self->sconn, "again", 5, NULL));
	EXPECT_EQ(-EMSGSIZE, lrpc_recv(self->comm, buf, 2, 0, &info));
	EXPECT_EQ(5, info.len);
	EXPECT_EQ(0, lrpc_recv(self->comm, buf, 5, 0, &info));
	/* a bad buffer: the message stays too */
	ASSERT_EQ(0, lrpc_send(self->sconn, "third", 5, NULL));
	EXPECT_EQ(-EFAULT, lrpc_recv(self->comm, (void *)8, 5, 0, &info));
	EXPECT_EQ(0, lrpc_recv(self->comm, buf, 5, 0, &info));
	EXPECT_EQ(0, memcmp(buf, "third", 5));
}

TEST_F(conn, client_close_notifies)
{
	struct lrpc_msg_info info;
	char buf[64];

	ASSERT_EQ(0, lrpc_send(self->comm, "last words", 10, NULL));
	close(self->comm);
	self->comm = -1;
	/* in order: what it sent, then that it went */
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(LRPC_MSG_ONEWAY, info.kind);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(LRPC_MSG_PORT_CLOSED, info.kind);
	EXPECT_EQ(self->conn_id, info.conn_id);
	EXPECT_EQ(0, info.len);
	EXPECT_EQ(-EAGAIN, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(-ECONNRESET, lrpc_send(self->sconn, "x", 1, NULL));
}

TEST_F(conn, server_close_fails_calls)
{
	struct lrpc_msg_info info;
	struct caller c1, c2;
	char buf[64];
	long long t0;
	__u64 held;

	start_call(&c1, self->comm, "held", -1);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS, &info));
	held = info.msg_id;
	start_call(&c2, self->comm, "queued", -1);
	usleep(50000);
	ASSERT_EQ(0, lrpc_send(self->sconn, "bye", 3, NULL));
	t0 = now_ms();
	close(self->sconn);
	self->sconn = -1;
	pthread_join(c1.thread, NULL);
	pthread_join(c2.thread, NULL);
	EXPECT_GT(1000, now_ms() - t0);
	EXPECT_EQ(-ECONNRESET, c1.ret);
	EXPECT_EQ(-ECONNRESET, c2.ret);
	EXPECT_EQ(-ECONNRESET, lrpc_call(self->comm, "x", 1, NULL, 0, NULL, -1, NULL));
	EXPECT_EQ(-ECONNRESET, lrpc_send(self->comm, "x", 1, NULL));
	/* what the server sent before it went is still there, then the end */
	EXPECT_EQ(0, lrpc_recv(self->comm, buf, sizeof(buf), -1, &info));
	EXPECT_EQ(-ECONNRESET, lrpc_recv(self->comm, buf, sizeof(buf), -1, &info));
	/* its queued request went with it */
	EXPECT_EQ(-EAGAIN, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(-ENOENT, lrpc_reply(self->port, held, "x", 1));
}

TEST_F(conn, port_close_resets)
{
	struct caller c;
	char buf[64];
	struct lrpc_msg_info info;

	start_call(&c, self->comm, "held", -1);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS, &info));
	close(self->port);
	self->port = -1;
	pthread_join(c.thread, NULL);
	EXPECT_EQ(-ECONNRESET, c.ret);
	EXPECT_EQ(-ECONNRESET, lrpc_send(self->comm, "x", 1, NULL));
	EXPECT_EQ(-ECONNRESET, lrpc_send(self->sconn, "x", 1, NULL));
	EXPECT_EQ(-ENOENT, lrpc_connect_ex(self->dev, self->name, NULL, 0, NULL,
					   0, NULL, 0, NULL));
}

TEST_F(conn, poll_and_epoll)
{
	struct pollfd pfd[3] = {
		{ .fd = -1, .events = POLLIN },
		{ .fd = -1, .events = POLLIN | POLLOUT },
		{ .fd = -1, .events = POLLIN | POLLOUT },
	};
	struct epoll_event ev = { .events = EPOLLIN }, out;
	struct lrpc_msg_info info;
	char buf[64];
	int ep;

	pfd[0].fd = self->port;
	pfd[1].fd = self->comm;
	pfd[2].fd = self->sconn;
	ASSERT_EQ(2, poll(pfd, 3, 0));
	EXPECT_EQ(0, pfd[0].revents);
	EXPECT_EQ(POLLOUT, pfd[1].revents);
	EXPECT_EQ(POLLOUT, pfd[2].revents);

	ep = epoll_create1(EPOLL_CLOEXEC);
	ASSERT_LE(0, ep);
	ev.data.u32 = 1;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->port, &ev));
	ev.data.u32 = 2;
	ASSERT_EQ(0, epoll_ctl(ep, EPOLL_CTL_ADD, self->comm, &ev));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(0, lrpc_send(self->comm, "x", 1, NULL));
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 1000));
	EXPECT_EQ(1, out.data.u32);
	EXPECT_EQ(EPOLLIN, out.events);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(0, epoll_wait(ep, &out, 1, 0));
	ASSERT_EQ(0, lrpc_send(self->sconn, "y", 1, NULL));
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 1000));
	EXPECT_EQ(2, out.data.u32);
	ASSERT_EQ(0, lrpc_recv(self->comm, buf, sizeof(buf), 0, &info));
	/* the server end going away: the client's fd hangs up */
	close(self->sconn);
	self->sconn = -1;
	ASSERT_EQ(1, epoll_wait(ep, &out, 1, 1000));
	EXPECT_EQ(2, out.data.u32);
	EXPECT_NE(0, out.events & EPOLLHUP);
	ASSERT_EQ(1, poll(&pfd[1], 1, 0));
	EXPECT_EQ(POLLHUP, pfd[1].revents);
	close(ep);
}

TEST_F(conn, server_fd_hangs_up)
{
	struct pollfd pfd = { .fd = -1, .events = POLLOUT };

	pfd.fd = self->sconn;
	close(self->comm);
	self->comm = -1;
	ASSERT_EQ(1, poll(&pfd, 1, 1000));
	EXPECT_EQ(POLLHUP, pfd.revents);
}

TEST_F(conn, limit_queue)
{
	long old = lrpc_param_get("max_queue");
	struct lrpc_msg_info info;
	char buf[8];
	int i;

	ASSERT_EQ(0, lrpc_param_set("max_queue", 4));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, lrpc_send(self->comm, "q", 1, NULL));
	EXPECT_EQ(-EAGAIN, lrpc_send(self->comm, "q", 1, NULL));
	/* calls are bounded by max_pending, not by queued one-ways */
	EXPECT_EQ(-ETIMEDOUT, lrpc_call(self->comm, "q", 1, NULL, 0, NULL, 0, NULL));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, lrpc_send(self->sconn, "c", 1, NULL));
	EXPECT_EQ(-EAGAIN, lrpc_send(self->sconn, "c", 1, NULL));
	/* notifications are never refused */
	close(self->comm);
	self->comm = -1;
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(LRPC_MSG_PORT_CLOSED, info.kind);
	ASSERT_EQ(0, lrpc_param_set("max_queue", old));
}

TEST_F(conn, limit_pending)
{
	long old = lrpc_param_get("max_pending");
	struct lrpc_msg_info info;
	struct caller c;
	char buf[8];

	ASSERT_EQ(0, lrpc_param_set("max_pending", 1));
	start_call(&c, self->comm, "1", -1);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS, &info));
	EXPECT_EQ(-EBUSY, lrpc_call(self->comm, "2", 1, NULL, 0, NULL, -1, NULL));
	EXPECT_EQ(0, lrpc_reply(self->port, info.msg_id, NULL, 0));
	pthread_join(c.thread, NULL);
	EXPECT_EQ(0, c.ret);
	ASSERT_EQ(0, lrpc_param_set("max_pending", old));
}

TEST_F(conn, limit_user_bytes)
{
	long old = lrpc_param_get("max_user_bytes");
	struct lrpc_msg_info info;
	char buf[1000];
	int i, sent = 0, r = 0;

	memset(buf, 1, sizeof(buf));
	ASSERT_EQ(0, lrpc_param_set("max_user_bytes", 16384));
	for (i = 0; i < 64; i++) {
		r = lrpc_send(self->comm, buf, sizeof(buf), NULL);
		if (r)
			break;
		sent++;
	}
	EXPECT_EQ(-ENOBUFS, r);
	EXPECT_GT(16, sent);
	/*
	 * What is left may still hold a port (kernel objects are larger on
	 * a debug kernel): fill it with empty messages first.
	 */
	for (i = 0; i < 1000 && !lrpc_send(self->comm, buf, 0, NULL); i++)
		;
	EXPECT_GT(1000, i);
	/* and it is not an oom: new objects are refused the same way */
	EXPECT_EQ(-ENOBUFS, lrpc_port(self->dev, lrpc_name("over"), LRPC_MODE_ALL, 0));
	/* taking messages off gives the room back */
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(0, lrpc_send(self->comm, buf, sizeof(buf), NULL));
	ASSERT_EQ(0, lrpc_param_set("max_user_bytes", old));
}

/*
 * A client killed in the middle of a call: the server is told the call
 * was abandoned, then that the connection closed.
 */
TEST(client_killed_mid_call)
{
	struct lrpc_msg_info info;
	int dev, port, status;
	char name[LRPC_NAME_MAX], buf[64];
	__u64 conn_id = 0;
	pid_t pid;

	dev = lrpc_open();
	ASSERT_LE(0, dev);
	strcpy(name, lrpc_name("killed"));
	port = lrpc_port(dev, name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, port);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int comm = lrpc_connect_ex(dev, name, NULL, 0, NULL, 0, NULL,
					   -1, NULL);

		lrpc_call(comm, "doomed", 6, NULL, 0, NULL, -1, NULL);
		_exit(1);
	}
	ASSERT_EQ(0, lrpc_recv_port(port, buf, sizeof(buf), 5000 * MS, &info));
	ASSERT_EQ(LRPC_MSG_CONNECT_REQUEST, info.kind);
	conn_id = info.conn_id;
	{
		int s = lrpc_accept(port, info.msg_id, NULL, 0, 0);

		ASSERT_LE(0, s);
		ASSERT_EQ(0, lrpc_recv_port(port, buf, sizeof(buf), 5000 * MS, &info));
		ASSERT_EQ(LRPC_MSG_REQUEST, info.kind);
		kill(pid, SIGKILL);
		ASSERT_EQ(pid, waitpid(pid, &status, 0));
		ASSERT_EQ(0, lrpc_recv_port(port, buf, sizeof(buf), 5000 * MS, &info));
		EXPECT_EQ(LRPC_MSG_CANCEL, info.kind);
		EXPECT_EQ(conn_id, info.conn_id);
		ASSERT_EQ(0, lrpc_recv_port(port, buf, sizeof(buf), 5000 * MS, &info));
		EXPECT_EQ(LRPC_MSG_PORT_CLOSED, info.kind);
		EXPECT_EQ(conn_id, info.conn_id);
		EXPECT_EQ(pid, info.tgid);
		close(s);
	}
	close(port);
	close(dev);
}

/* A server killed with callers waiting: they fail at once. */
TEST(server_killed_with_callers)
{
	struct caller c[4];
	int dev, comm, i, status, ready[2];
	char name[LRPC_NAME_MAX], ch;
	long long t0;
	pid_t pid;

	dev = lrpc_open();
	ASSERT_LE(0, dev);
	strcpy(name, lrpc_name("srvkill"));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct lrpc_msg_info info;
		int port = lrpc_port(dev, name, LRPC_MODE_ALL, 0), n = 0;
		char buf[64];

		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		/* accept, take two requests, then sit on them */
		while (!lrpc_recv_port(port, buf, sizeof(buf), -1, &info)) {
			if (info.kind == LRPC_MSG_CONNECT_REQUEST)
				lrpc_accept(port, info.msg_id, NULL, 0, 0);
			else if (++n == 2 && write(ready[1], "r", 1) != 1)
				_exit(1);
		}
		_exit(1);
	}
	ASSERT_EQ(1, read(ready[0], &ch, 1));
	comm = lrpc_connect_ex(dev, name, NULL, 0, NULL, 0, NULL, 5000 * MS, NULL);
	ASSERT_LE(0, comm);
	for (i = 0; i < 4; i++)
		start_call(&c[i], comm, "wait", -1);
	ASSERT_EQ(1, read(ready[0], &ch, 1));
	usleep(50000);
	t0 = now_ms();
	kill(pid, SIGKILL);
	for (i = 0; i < 4; i++) {
		pthread_join(c[i].thread, NULL);
		EXPECT_EQ(-ECONNRESET, c[i].ret);
	}
	EXPECT_GT(2000, now_ms() - t0);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(-ECONNRESET, lrpc_call(comm, "x", 1, NULL, 0, NULL, -1, NULL));
	close(comm);
	close(dev);
}

TEST_HARNESS_MAIN
