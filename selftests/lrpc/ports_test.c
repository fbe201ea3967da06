// SPDX-License-Identifier: GPL-2.0
/*
 * Connection ports: create, names and namespaces, connect/accept/reject,
 * time-outs, backlog, mode bits, name squatting and credentials.
 *
 *   client (thread or child)            server (this process)
 *   CONNECT(name, payload) --------->   port fd: REPLY_RECV -> CONNECT_REQUEST
 *         <----------- accept/reject    ACCEPT(msg_id, payload) -> conn fd
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "lrpc_util.h"
#include "kselftest_harness.h"

struct connector {
	pthread_t thread;
	int dev;
	char name[LRPC_NAME_MAX];
	char payload[LRPC_CONNECT_DATA_MAX];
	__u32 len;
	char reply[LRPC_CONNECT_DATA_MAX];
	__u32 reply_len;
	long long timeout_ns;
	__u64 conn_id;
	int ret;
};

static void *connect_thread(void *arg)
{
	struct connector *c = arg;

	c->ret = lrpc_connect_ex(c->dev, c->name, c->payload, c->len, c->reply,
				 sizeof(c->reply), &c->reply_len, c->timeout_ns,
				 &c->conn_id);
	return NULL;
}

static void start_connect(struct connector *c, int dev, const char *name,
			  const char *payload, long long timeout_ns)
{
	memset(c, 0, sizeof(*c));
	c->dev = dev;
	lrpc_setname(c->name, name);
	c->len = strlen(payload);
	memcpy(c->payload, payload, c->len);
	c->timeout_ns = timeout_ns;
	pthread_create(&c->thread, NULL, connect_thread, c);
}

FIXTURE(port) {
	int dev;
	char name[LRPC_NAME_MAX];
};

FIXTURE_SETUP(port)
{
	self->dev = lrpc_open();
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, self->dev);
	strcpy(self->name, lrpc_name("port"));
}

FIXTURE_TEARDOWN(port)
{
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(port, create_ok)
{
	struct lrpc_features f;
	int p;

	p = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, p);
	EXPECT_EQ(FD_CLOEXEC, fcntl(p, F_GETFD));
	EXPECT_EQ(0, ioctl(p, LRPC_IOC_GET_FEATURES, &f));
	EXPECT_EQ(LRPC_F_ALL, f.features);
	/* a control-fd ioctl is not a port ioctl */
	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(p, LRPC_IOC_CONNECT, NULL)));
	close(p);
}

TEST_F(port, create_fails)
{
	struct lrpc_port_create pc;

	EXPECT_EQ(-EINVAL, lrpc_port(self->dev, "", LRPC_MODE_ALL, 0));
	EXPECT_EQ(-EINVAL, lrpc_port(self->dev, "has space", LRPC_MODE_ALL, 0));
	EXPECT_EQ(-EINVAL, lrpc_port(self->dev, "tab\there", LRPC_MODE_ALL, 0));
	EXPECT_EQ(-EINVAL, lrpc_port(self->dev, self->name, 8, 0));

	memset(&pc, 0, sizeof(pc));
	memset(pc.name, 'a', sizeof(pc.name));	/* no NUL */
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->dev, LRPC_IOC_PORT_CREATE, &pc)));
	memset(&pc, 0, sizeof(pc));
	strcpy(pc.name, "ok");
	pc.name[10] = 'x';			/* junk after the NUL */
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->dev, LRPC_IOC_PORT_CREATE, &pc)));
	memset(&pc, 0, sizeof(pc));
	strcpy(pc.name, self->name);
	pc.flags = 1;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->dev, LRPC_IOC_PORT_CREATE, &pc)));
	pc.flags = 0;
	pc.reserved[4] = 1;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->dev, LRPC_IOC_PORT_CREATE, &pc)));
	EXPECT_EQ(-EFAULT, sys_ret(ioctl(self->dev, LRPC_IOC_PORT_CREATE, NULL)));
}

TEST_F(port, name_in_use)
{
	int p1, p2;

	p1 = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, p1);
	EXPECT_EQ(-EADDRINUSE, lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0));
	/* the name lives exactly as long as the port fd */
	close(p1);
	p2 = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, p2);
	close(p2);
}

TEST_F(port, name_per_ipc_namespace)
{
	int p, status;
	pid_t pid;

	p = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int q;

		if (unshare(CLONE_NEWIPC))
			_exit(4);
		/* the parent's name is invisible here, and free */
		if (lrpc_connect_ex(self->dev, self->name, NULL, 0, NULL, 0,
				    NULL, 0, NULL) != -ENOENT)
			_exit(1);
		q = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
		if (q < 0)
			_exit(2);
		close(q);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (WEXITSTATUS(status) == 4)
		SKIP(close(p); return, "no CLONE_NEWIPC");
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(p);
}

TEST_F(port, connect_enoent_and_bad_args)
{
	struct lrpc_connect c;
	char big[LRPC_CONNECT_DATA_MAX + 1];
	int p;

	EXPECT_EQ(-ENOENT, lrpc_connect_ex(self->dev, self->name, NULL, 0, NULL,
					   0, NULL, 0, NULL));
	p = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, p);
	memset(big, 'x', sizeof(big));
	EXPECT_EQ(-EMSGSIZE, lrpc_connect_ex(self->dev, self->name, big,
					     sizeof(big), NULL, 0, NULL, 0, NULL));
	memset(&c, 0, sizeof(c));
	strcpy(c.name, self->name);
	c.flags = 1U << 7;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->dev, LRPC_IOC_CONNECT, &c)));
	c.flags = 0;
	c.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->dev, LRPC_IOC_CONNECT, &c)));
	c.reserved[0] = 0;
	c.name[0] = 0;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->dev, LRPC_IOC_CONNECT, &c)));
	/* payload pointer bad */
	EXPECT_EQ(-EFAULT, lrpc_connect_ex(self->dev, self->name, (void *)8, 4,
					   NULL, 0, NULL, 0, NULL));
	close(p);
}

TEST_F(port, connect_accept)
{
	struct lrpc_msg_info info;
	struct connector c;
	char buf[512];
	int p, s;

	p = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, p);
	start_connect(&c, self->dev, self->name, "hello", -1);
	ASSERT_EQ(0, lrpc_recv_port(p, buf, sizeof(buf), 5000 * MS, &info));
	EXPECT_EQ(LRPC_MSG_CONNECT_REQUEST, info.kind);
	EXPECT_EQ(5, info.len);
	EXPECT_EQ(0, memcmp(buf, "hello", 5));
	EXPECT_NE(0, info.msg_id);
	EXPECT_NE(0, info.conn_id);
	EXPECT_EQ(getpid(), info.tgid);
	EXPECT_NE(getpid(), info.pid);	/* the connecting thread */
	EXPECT_EQ(geteuid(), info.uid);
	EXPECT_EQ(getegid(), info.gid);
	s = lrpc_accept(p, info.msg_id, "welcome", 7, 0);
	ASSERT_LE(0, s);
	EXPECT_EQ(FD_CLOEXEC, fcntl(s, F_GETFD));
	pthread_join(c.thread, NULL);
	ASSERT_LE(0, c.ret);
	EXPECT_EQ(FD_CLOEXEC, fcntl(c.ret, F_GETFD));
	EXPECT_EQ(7, c.reply_len);
	EXPECT_EQ(0, memcmp(c.reply, "welcome", 7));
	EXPECT_EQ(info.conn_id, c.conn_id);
	/* answered once: a second answer has nothing to answer */
	EXPECT_EQ(-ENOENT, lrpc_accept(p, info.msg_id, NULL, 0, 0));
	EXPECT_EQ(-ENOENT, lrpc_accept(p, info.msg_id, NULL, 0, 1));
	close(c.ret);
	close(s);
	close(p);
}

TEST_F(port, accept_fails)
{
	struct lrpc_accept a;
	char big[LRPC_CONNECT_DATA_MAX + 1];
	int p;

	p = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, p);
	EXPECT_EQ(-ENOENT, lrpc_accept(p, 12345, NULL, 0, 0));
	EXPECT_EQ(-EINVAL, lrpc_accept(p, 0, NULL, 0, 0));
	EXPECT_EQ(-EMSGSIZE, lrpc_accept(p, 1, big, sizeof(big), 0));
	memset(&a, 0, sizeof(a));
	a.msg_id = 1;
	a.flags = 2;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(p, LRPC_IOC_ACCEPT, &a)));
	a.flags = 0;
	a.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(p, LRPC_IOC_ACCEPT, &a)));
	/* ACCEPT is a port ioctl */
	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(self->dev, LRPC_IOC_ACCEPT, &a)));
	close(p);
}

TEST_F(port, connect_reject)
{
	struct lrpc_msg_info info;
	struct connector c;
	char buf[512];
	int p;

	p = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, p);
	start_connect(&c, self->dev, self->name, "let me in", -1);
	ASSERT_EQ(0, lrpc_recv_port(p, buf, sizeof(buf), 5000 * MS, &info));
	ASSERT_EQ(LRPC_MSG_CONNECT_REQUEST, info.kind);
	EXPECT_EQ(0, lrpc_accept(p, info.msg_id, "go away", 7, 1));
	pthread_join(c.thread, NULL);
	EXPECT_EQ(-ECONNREFUSED, c.ret);
	EXPECT_EQ(7, c.reply_len);
	EXPECT_EQ(0, memcmp(c.reply, "go away", 7));
	/* a rejected client leaves no PORT_CLOSED behind */
	EXPECT_EQ(-EAGAIN, lrpc_recv_port(p, buf, sizeof(buf), 0, &info));
	close(p);
}

TEST_F(port, connect_timeout)
{
	struct lrpc_msg_info info;
	struct connector c;
	char buf[512];
	int p;

	p = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, p);
	/* never received: withdrawn, the server never sees it */
	EXPECT_EQ(-ETIMEDOUT, lrpc_connect_ex(self->dev, self->name, "x", 1,
					      NULL, 0, NULL, 20 * MS, NULL));
	EXPECT_EQ(-EAGAIN, lrpc_recv_port(p, buf, sizeof(buf), 0, &info));

	/* received but not answered in time: the late answer finds nothing */
	start_connect(&c, self->dev, self->name, "y", 200 * MS);
	ASSERT_EQ(0, lrpc_recv_port(p, buf, sizeof(buf), 5000 * MS, &info));
	pthread_join(c.thread, NULL);
	EXPECT_EQ(-ETIMEDOUT, c.ret);
	EXPECT_EQ(-ENOENT, lrpc_accept(p, info.msg_id, NULL, 0, 0));
	EXPECT_EQ(-EAGAIN, lrpc_recv_port(p, buf, sizeof(buf), 0, &info));

	/* timeout 0: no wait at all */
	EXPECT_EQ(-ETIMEDOUT, lrpc_connect_ex(self->dev, self->name, "z", 1,
					      NULL, 0, NULL, 0, NULL));
	close(p);
}

TEST_F(port, connect_backlog)
{
	struct lrpc_msg_info info;
	struct connector c1, c2;
	char buf[64];
	int p;

	p = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 2);
	ASSERT_LE(0, p);
	start_connect(&c1, self->dev, self->name, "1", -1);
	start_connect(&c2, self->dev, self->name, "2", -1);
	/* both queued: wait until the port holds them */
	while (1) {
		struct pollfd pfd = { .fd = p, .events = POLLIN };

		ASSERT_EQ(1, poll(&pfd, 1, 5000));
		usleep(20000);
		if (lrpc_connect_ex(self->dev, self->name, "3", 1, NULL, 0,
				    NULL, 0, NULL) == -EAGAIN)
			break;
	}
	/* delivered but unanswered requests still count */
	ASSERT_EQ(0, lrpc_recv_port(p, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(-EAGAIN, lrpc_connect_ex(self->dev, self->name, "3", 1, NULL,
					   0, NULL, 0, NULL));
	/* closing the port fails both pending connects at once */
	close(p);
	pthread_join(c1.thread, NULL);
	pthread_join(c2.thread, NULL);
	EXPECT_EQ(-ECONNRESET, c1.ret);
	EXPECT_EQ(-ECONNRESET, c2.ret);
	EXPECT_EQ(-ENOENT, lrpc_connect_ex(self->dev, self->name, "4", 1, NULL,
					   0, NULL, 0, NULL));
}

/* Run @fn in a child with other credentials; returns its exit status. */
static int as_user(uid_t uid, gid_t gid, int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return -1;
	if (pid == 0) {
		if (setgroups(0, NULL) || setresgid(gid, gid, gid) ||
		    setresuid(uid, uid, uid))
			_exit(99);
		_exit(fn(arg));
	}
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 98;
}

struct child_arg {
	int dev;
	const char *name;
	int expect;
};

static int child_connect(void *a)
{
	struct child_arg *arg = a;
	int r = lrpc_connect_ex(arg->dev, arg->name, NULL, 0, NULL, 0, NULL,
				10 * MS, NULL);

	return r == arg->expect ? 0 : 1;
}

static int child_create(void *a)
{
	struct child_arg *arg = a;
	int r = lrpc_port(arg->dev, arg->name, LRPC_MODE_ALL, 0);

	if (r >= 0)
		close(r);
	return (r >= 0 ? 0 : r) == arg->expect ? 0 : 1;
}

TEST_F(port, mode_bits)
{
	struct child_arg arg = { .dev = self->dev, .name = self->name };
	int p;

	/* owner only: uid 65534 is refused, root (the owner) gets through */
	p = lrpc_port(self->dev, self->name, LRPC_MODE_OWNER, 0);
	ASSERT_LE(0, p);
	arg.expect = -EACCES;
	EXPECT_EQ(0, as_user(65534, 65534, child_connect, &arg));
	EXPECT_EQ(-ETIMEDOUT, lrpc_connect_ex(self->dev, self->name, NULL, 0,
					      NULL, 0, NULL, 0, NULL));
	close(p);

	/* group: same group passes, another group does not */
	p = lrpc_port(self->dev, self->name, LRPC_MODE_GROUP, 0);
	ASSERT_LE(0, p);
	arg.expect = -ETIMEDOUT;
	EXPECT_EQ(0, as_user(65534, getegid(), child_connect, &arg));
	arg.expect = -EACCES;
	EXPECT_EQ(0, as_user(65534, 65534, child_connect, &arg));
	/* the owner is judged by the owner bit alone */
	EXPECT_EQ(-EACCES, lrpc_connect_ex(self->dev, self->name, NULL, 0,
					   NULL, 0, NULL, 0, NULL));
	close(p);

	/* other */
	p = lrpc_port(self->dev, self->name, LRPC_MODE_OTHER, 0);
	ASSERT_LE(0, p);
	arg.expect = -ETIMEDOUT;
	EXPECT_EQ(0, as_user(65534, 65534, child_connect, &arg));
	close(p);
}

static int child_squat(void *a)
{
	struct child_arg *arg = a;
	char own[LRPC_NAME_MAX];
	int p;

	/* a name root holds: the same name in the child's own scope */
	if (lrpc_port(arg->dev, arg->name, LRPC_MODE_ALL, 0) < 0)
		return 1;
	/* squat a name root has not created yet, and hold it */
	snprintf(own, sizeof(own), "%.50s.squat", arg->name);
	p = lrpc_port(arg->dev, own, LRPC_MODE_ALL, 0);
	if (p < 0)
		return 2;
	if (write(arg->expect, "k", 1) != 1)	/* expect: a pipe fd */
		return 3;
	pause();
	return 0;
}

TEST_F(port, squatting)
{
	struct child_arg arg = { .dev = self->dev, .name = self->name };
	char squat[LRPC_NAME_MAX], ch;
	struct lrpc_connect c;
	int p, p2, pfd[2], status;
	pid_t pid;

	p = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, p);
	ASSERT_EQ(0, pipe(pfd));
	arg.expect = pfd[1];
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		if (setresgid(65534, 65534, 65534) || setresuid(65534, 65534, 65534))
			_exit(99);
		_exit(child_squat(&arg));
	}
	ASSERT_EQ(1, read(pfd[0], &ch, 1));
	/* a client that names its server's uid does not fall for a squatter */
	snprintf(squat, sizeof(squat), "%.50s.squat", self->name);
	memset(&c, 0, sizeof(c));
	strcpy(c.name, squat);
	c.flags = LRPC_CONNECT_F_SERVER_UID;
	c.server_uid = 0;
	EXPECT_EQ(-ENOENT, sys_ret(ioctl(self->dev, LRPC_IOC_CONNECT, &c)));
	/* the real one passes the same check */
	memset(c.name, 0, sizeof(c.name));
	strcpy(c.name, self->name);
	EXPECT_EQ(-ETIMEDOUT, sys_ret(ioctl(self->dev, LRPC_IOC_CONNECT, &c)));
	/* and the squatted name is still free for root */
	c.server_uid = 0;
	p2 = lrpc_port(self->dev, squat, LRPC_MODE_ALL, 0);
	EXPECT_LE(0, p2);
	close(p2);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(SIGKILL, WTERMSIG(status));
	close(pfd[0]);
	close(pfd[1]);
	close(p);
	/* gone with its owner */
	arg.expect = 0;
	arg.name = squat;
	EXPECT_EQ(0, child_create(&arg));
}

/* A child with other ids connects and calls; the server sees its ids. */
TEST_F(port, credentials_setresuid)
{
	struct lrpc_msg_info info;
	char buf[64];
	int p, status, s;
	pid_t pid;

	p = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, p);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int comm;
		char r[8];

		if (setgroups(0, NULL) || setresgid(1234, 1234, 1234) ||
		    setresuid(4321, 4321, 4321))
			_exit(99);
		comm = lrpc_connect_ex(self->dev, self->name, "c", 1, NULL, 0,
				       NULL, -1, NULL);
		if (comm < 0)
			_exit(1);
		/* the request carries the ids of the moment it is sent */
		if (lrpc_call(comm, "q", 1, r, sizeof(r), NULL, -1, NULL))
			_exit(2);
		_exit(0);
	}
	ASSERT_EQ(0, lrpc_recv_port(p, buf, sizeof(buf), 5000 * MS, &info));
	ASSERT_EQ(LRPC_MSG_CONNECT_REQUEST, info.kind);
	EXPECT_EQ(pid, info.tgid);
	EXPECT_EQ(pid, info.pid);
	EXPECT_EQ(4321, info.uid);
	EXPECT_EQ(1234, info.gid);
	s = lrpc_accept(p, info.msg_id, NULL, 0, 0);
	ASSERT_LE(0, s);
	ASSERT_EQ(0, lrpc_recv_port(p, buf, sizeof(buf), 5000 * MS, &info));
	ASSERT_EQ(LRPC_MSG_REQUEST, info.kind);
	EXPECT_EQ(pid, info.tgid);
	EXPECT_EQ(4321, info.uid);
	EXPECT_EQ(1234, info.gid);
	EXPECT_EQ(0, lrpc_reply(p, info.msg_id, "a", 1));
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(s);
	close(p);
}

/*
 * A child in a new user namespace is root there, but the server sees the
 * uid it maps to outside.
 */
TEST_F(port, credentials_userns)
{
	struct lrpc_msg_info info;
	int p, status, sync[2], ready[2];
	char buf[64], ch;
	pid_t pid;

	p = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, p);
	ASSERT_EQ(0, pipe(sync));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		close(sync[1]);
		close(ready[0]);
		if (unshare(CLONE_NEWUSER))
			_exit(4);
		if (write(ready[1], "r", 1) != 1)
			_exit(7);
		if (read(sync[0], &ch, 1) != 1)	/* parent wrote our maps */
			_exit(5);
		/* become the namespace's root: kuid 5555, kgid 6666 outside */
		if (setresgid(0, 0, 0) || setresuid(0, 0, 0) || geteuid() != 0)
			_exit(6);
		if (lrpc_connect_ex(self->dev, self->name, NULL, 0, NULL, 0,
				    NULL, 200 * MS, NULL) != -ETIMEDOUT)
			_exit(1);
		_exit(0);
	}
	close(sync[0]);
	close(ready[1]);
	if (read(ready[0], &ch, 1) == 1) {
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
		fd = open(path, O_WRONLY);
		if (fd >= 0) {
			ASSERT_LT(0, write(fd, "0 5555 1", 8));
			close(fd);
			snprintf(path, sizeof(path), "/proc/%d/setgroups", pid);
			fd = open(path, O_WRONLY);
			ASSERT_LE(0, fd);
			ASSERT_LT(0, write(fd, "deny", 4));
			close(fd);
			snprintf(path, sizeof(path), "/proc/%d/gid_map", pid);
			fd = open(path, O_WRONLY);
			ASSERT_LE(0, fd);
			ASSERT_LT(0, write(fd, "0 6666 1", 8));
			close(fd);
		}
	}
	signal(SIGPIPE, SIG_IGN);
	if (write(sync[1], "g", 1) != 1)
		TH_LOG("child gone before its maps were written");
	close(sync[1]);
	if (lrpc_recv_port(p, buf, sizeof(buf), 3000 * MS, &info) == 0) {
		EXPECT_EQ(LRPC_MSG_CONNECT_REQUEST, info.kind);
		EXPECT_EQ(5555, info.uid);
		EXPECT_EQ(6666, info.gid);
		EXPECT_EQ(pid, info.tgid);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	if (WEXITSTATUS(status) == 4)
		SKIP(close(p); return, "no user namespaces (a chroot cannot make one)");
	EXPECT_EQ(0, WEXITSTATUS(status));
	close(p);
}

TEST_HARNESS_MAIN
