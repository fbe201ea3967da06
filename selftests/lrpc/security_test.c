// SPDX-License-Identifier: GPL-2.0
/*
 * The attacks of an unprivileged local user on names, queues and quotas,
 * and what signals do to a legitimate caller (issue 14).  Each test
 * performs the attack as another uid (65534, the attacker; 65533, a
 * bystander client) and shows it fails.
 */
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <time.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "../sections/sec_util.h"
#include "kselftest_harness.h"

#define ATTACKER	65534
#define BYSTANDER	65533

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Become @uid for good (the caller is a forked child). */
static int become(uid_t uid)
{
	return setgroups(0, NULL) || setresgid(uid, uid, uid) ||
	       setresuid(uid, uid, uid) ? -1 : 0;
}

/*
 * A child that becomes @uid, creates the port @name and holds it; its
 * pid, once the port exists (-1 if it could not make it).
 */
static pid_t hold_port_as(uid_t uid, const char *name)
{
	int pfd[2], port, dev;
	char ok = 0;
	pid_t pid;

	if (pipe(pfd))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		dev = lrpc_open();
		if (become(uid) || dev < 0)
			_exit(1);
		port = lrpc_port(dev, name, LRPC_MODE_ALL, 0);
		ok = port >= 0;
		if (write(pfd[1], &ok, 1) != 1 || !ok)
			_exit(2);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	if (pid < 0 || read(pfd[0], &ok, 1) != 1 || !ok) {
		if (pid > 0) {
			kill(pid, SIGKILL);
			waitpid(pid, NULL, 0);
		}
		pid = -1;
	}
	close(pfd[0]);
	return pid;
}

/* Create the port @name as @uid; the ioctl's result (the port closed). */
static int create_as(uid_t uid, const char *name)
{
	int st, r;
	pid_t pid = fork();

	if (pid == 0) {
		int dev = lrpc_open();

		if (become(uid) || dev < 0)
			_exit(100);
		r = lrpc_port(dev, name, LRPC_MODE_ALL, 0);
		_exit(r >= 0 ? 0 : -r);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1000;
	return -WEXITSTATUS(st);
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Start connecting to @name as @uid (default lookup); see connect_result. */
static pid_t connect_start(uid_t uid, const char *name, long long timeout_ns)
{
	pid_t pid = fork();
	int r;

	if (pid == 0) {
		int dev = lrpc_open();

		if (become(uid) || dev < 0)
			_exit(100);
		r = lrpc_connect_ex(dev, name, NULL, 0, NULL, 0, NULL,
				    timeout_ns, NULL);
		_exit(r >= 0 ? 0 : -r);
	}
	return pid;
}

/* The result of connect_start()'s ioctl. */
static int connect_result(pid_t pid)
{
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1000;
	return -WEXITSTATUS(st);
}

static int connect_as(uid_t uid, const char *name, long long timeout_ns)
{
	return connect_result(connect_start(uid, name, timeout_ns));
}

FIXTURE(names)
{
	int dev;
	char name[LRPC_NAME_MAX];
};

FIXTURE_SETUP(names)
{
	self->dev = lrpc_open();
	ASSERT_LE(0, self->dev);
	lrpc_setname(self->name, lrpc_name("svc"));
}

FIXTURE_TEARDOWN(names)
{
	close(self->dev);
}

/*
 * The attacker takes the service's name before the service starts: the
 * service still gets its name, and clients of other uids reach it, not
 * the attacker.
 */
TEST_F(names, squat_before_start)
{
	struct lrpc_msg_info info;
	char buf[LRPC_CONNECT_DATA_MAX];
	pid_t squatter, client;
	int port, sconn;

	squatter = hold_port_as(ATTACKER, self->name);
	ASSERT_LT(0, squatter);
	port = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	EXPECT_LE(0, port);
	/* a bystander's connect reaches root's port */
	client = connect_start(BYSTANDER, self->name, 5000 * MS);
	if (port >= 0) {
		EXPECT_EQ(0, lrpc_recv_port(port, buf, sizeof(buf), 5000 * MS,
					    &info));
		EXPECT_EQ(LRPC_MSG_CONNECT_REQUEST, info.kind);
		EXPECT_EQ(BYSTANDER, info.uid);
		sconn = lrpc_accept(port, info.msg_id, NULL, 0, 0);
		EXPECT_LE(0, sconn);
		close(sconn);
	}
	EXPECT_EQ(0, connect_result(client));
	close(port);
	reap(squatter);
}

/*
 * The service stops (or restarts) and the attacker takes the name in
 * between: a bystander finds no port rather than the attacker's.
 */
TEST_F(names, squat_after_stop)
{
	pid_t squatter;
	int port;

	port = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, port);
	close(port);
	squatter = hold_port_as(ATTACKER, self->name);
	ASSERT_LT(0, squatter);
	EXPECT_EQ(-ENOENT, connect_as(BYSTANDER, self->name, 300 * MS));
	/* root's own clients do not fall for it either */
	EXPECT_EQ(-ENOENT, lrpc_connect_ex(self->dev, self->name, NULL, 0,
					   NULL, 0, NULL, 300 * MS, NULL));
	/* and the service comes back under its name */
	port = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	EXPECT_LE(0, port);
	close(port);
	reap(squatter);
}

/* Naming the owner reaches exactly that owner's port, or none. */
TEST_F(names, server_uid_names_the_scope)
{
	struct lrpc_connect c;
	pid_t squatter;

	squatter = hold_port_as(ATTACKER, self->name);
	ASSERT_LT(0, squatter);
	memset(&c, 0, sizeof(c));
	memcpy(c.name, self->name, sizeof(c.name));
	c.flags = LRPC_CONNECT_F_SERVER_UID;
	c.timeout_ns = 200 * MS;
	c.server_uid = 0;
	EXPECT_EQ(-ENOENT, sys_ret(ioctl(self->dev, LRPC_IOC_CONNECT, &c)));
	c.server_uid = ATTACKER;
	EXPECT_EQ(-ETIMEDOUT, sys_ret(ioctl(self->dev, LRPC_IOC_CONNECT, &c)));
	c.server_uid = (__u32)-1;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(self->dev, LRPC_IOC_CONNECT, &c)));
	/* the attacker cannot take the name twice in its own scope */
	EXPECT_EQ(-EADDRINUSE, create_as(ATTACKER, self->name));
	reap(squatter);
}

FIXTURE(pair)
{
	int dev, port, sconn, comm;
	char name[LRPC_NAME_MAX];
};

FIXTURE_SETUP(pair)
{
	self->dev = lrpc_open();
	ASSERT_LE(0, self->dev);
	lrpc_setname(self->name, lrpc_name("pair"));
	self->port = lrpc_port(self->dev, self->name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, self->port);
	self->comm = sec_connect_pair(self->dev, self->port, self->name,
				      &self->sconn);
	ASSERT_LE(0, self->comm);
	ASSERT_LE(0, self->sconn);
}

FIXTURE_TEARDOWN(pair)
{
	if (self->comm >= 0)
		close(self->comm);
	close(self->sconn);
	close(self->port);
	close(self->dev);
}

/* One client fills what it may queue: the port still takes the others'. */
TEST_F(pair, one_client_cannot_block_the_port)
{
	long old = lrpc_param_get("max_queue");
	struct lrpc_msg_info info;
	int comm2, sconn2, i, n;
	char buf[8];

	comm2 = sec_connect_pair(self->dev, self->port, self->name, &sconn2);
	ASSERT_LE(0, comm2);
	ASSERT_EQ(0, lrpc_param_set("max_queue", 4));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, lrpc_send(self->comm, "a", 1, NULL));
	EXPECT_EQ(-EAGAIN, lrpc_send(self->comm, "a", 1, NULL));
	for (i = 0; i < 4; i++)
		EXPECT_EQ(0, lrpc_send(comm2, "b", 1, NULL));
	/* a call is bounded by max_pending, not by the others' one-ways */
	EXPECT_EQ(-ETIMEDOUT, lrpc_call(comm2, "c", 1, NULL, 0, NULL, 50 * MS,
					NULL));
	/* taking one off gives that client its room back */
	for (n = 0; !lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info); n++)
		;
	EXPECT_EQ(8, n);	/* the call timed out queued: withdrawn */
	EXPECT_EQ(0, lrpc_send(self->comm, "a", 1, NULL));
	close(comm2);
	close(sconn2);
	ASSERT_EQ(0, lrpc_param_set("max_queue", old));
}

/*
 * A client (the attacker's uid) that never reads what its server sends
 * it: the messages count against the client's uid, and the server's uid
 * keeps its room.
 */
TEST_F(pair, holder_pays_for_what_it_does_not_read)
{
	long old = lrpc_param_get("max_user_bytes");
	int pfd[2], i, r = 0, sconn, port2;
	struct lrpc_msg_info info;
	char buf[LRPC_CONNECT_DATA_MAX], big[4000], ch;
	pid_t pid;

	memset(big, 7, sizeof(big));
	ASSERT_EQ(0, pipe(pfd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int dev = lrpc_open(), comm;

		if (become(ATTACKER) || dev < 0)
			_exit(1);
		comm = lrpc_connect_ex(dev, self->name, NULL, 0, NULL, 0, NULL,
				       5000 * MS, NULL);
		if (comm < 0 || write(pfd[1], "c", 1) != 1)
			_exit(2);
		pause();	/* and never reads */
		_exit(0);
	}
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS,
				    &info));
	ASSERT_EQ(LRPC_MSG_CONNECT_REQUEST, info.kind);
	sconn = lrpc_accept(self->port, info.msg_id, NULL, 0, 0);
	ASSERT_LE(0, sconn);
	ASSERT_EQ(1, read(pfd[0], &ch, 1));

	ASSERT_EQ(0, lrpc_param_set("max_user_bytes", 65536));
	for (i = 0; i < 64; i++) {
		r = lrpc_send(sconn, big, sizeof(big), NULL);
		if (r)
			break;
	}
	EXPECT_EQ(-ENOBUFS, r);		/* the client's room is full */
	/* and the server's is not: it can still make a port and send */
	port2 = lrpc_port(self->dev, lrpc_name("room"), LRPC_MODE_ALL, 0);
	EXPECT_LE(0, port2);
	close(port2);
	EXPECT_EQ(0, lrpc_send(self->comm, big, sizeof(big), NULL));
	ASSERT_EQ(0, lrpc_param_set("max_user_bytes", old));
	reap(pid);
	close(sconn);
	close(pfd[0]);
	close(pfd[1]);
}

/*
 * A client (the attacker's uid) that keeps every section view its server
 * sends it: the views count against the client's section quota, not the
 * server's, so the server goes on making sections for everyone.
 */
TEST_F(pair, held_views_charge_the_holder)
{
	long old = lrpc_param_get("max_section_bytes");
	struct lrpc_msg_info info;
	char buf[LRPC_CONNECT_DATA_MAX], ch;
	int done[2], i, sconn, st, sfd;
	struct lrpc_view_attach va;
	pid_t pid;
	__u32 id;

	ASSERT_EQ(0, pipe(done));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		int dev = lrpc_open(), comm, got = 0, dropped = 0;
		struct lrpc_recv rv;

		if (become(ATTACKER) || dev < 0)
			_exit(1);
		comm = lrpc_connect_ex(dev, self->name, NULL, 0, NULL, 0, NULL,
				       5000 * MS, NULL);
		if (comm < 0 || write(done[1], "c", 1) != 1)
			_exit(2);
		for (i = 0; i < 8; i++) {
			memset(&rv, 0, sizeof(rv));
			rv.data = (uintptr_t)buf;
			rv.size = sizeof(buf);
			rv.timeout_ns = 5000 * MS;
			rv.flags = LRPC_RECV_F_VIEWS;
			if (ioctl(comm, LRPC_IOC_RECV, &rv))
				_exit(3);
			if (rv.msg.view_fd >= 0)
				got++;	/* and kept for ever */
			else if (rv.msg.view_flags & LRPC_VIEW_F_DROPPED)
				dropped++;
			if (write(done[1], "r", 1) != 1)
				_exit(4);
		}
		_exit(got == 4 && dropped == 4 ? 0 : 10 + got);
	}
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS,
				    &info));
	ASSERT_EQ(LRPC_MSG_CONNECT_REQUEST, info.kind);
	sconn = lrpc_accept(self->port, info.msg_id, NULL, 0, 0);
	ASSERT_LE(0, sconn);
	ASSERT_EQ(1, read(done[0], &ch, 1));
	/* room for four 256 KiB sections per uid */
	ASSERT_EQ(0, lrpc_param_set("max_section_bytes", 1 << 20));
	for (i = 0; i < 8; i++) {
		sfd = sec_create(self->dev, 256 << 10, &id);
		EXPECT_LE(0, sfd) TH_LOG("section %d: %s", i, strerror(-sfd));
		if (sfd < 0)
			break;
		sec_view(&va, sfd, 0, 0, 0);
		EXPECT_EQ(0, sec_send(sconn, "v", 1, &va));
		close(sfd);	/* the server lets go of it */
		ASSERT_EQ(1, read(done[0], &ch, 1));
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	ASSERT_EQ(0, lrpc_param_set("max_section_bytes", old));
	close(sconn);
	close(done[0]);
	close(done[1]);
}

/* --- signals ------------------------------------------------------- */

static volatile sig_atomic_t handled;

static void on_usr1(int sig)
{
	handled++;
}

/*
 * The caller is stopped and continued, then takes a handled signal (no
 * SA_RESTART) while its call waits: the call goes on and gets its reply;
 * the server sees one request and no CANCEL.
 */
TEST_F(pair, call_survives_stop_and_handled_signal)
{
	struct sigaction sa = { .sa_handler = on_usr1 };
	struct lrpc_msg_info info;
	char buf[64];
	__u64 id;
	int st;
	pid_t pid;

	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char reply[16];
		__u32 len = 0;
		int r;

		sigaction(SIGUSR1, &sa, NULL);
		r = lrpc_call(self->comm, "slow", 4, reply, sizeof(reply),
			      &len, -1, NULL);
		if (r)
			_exit(10 + (-r & 0x7f) % 100);
		_exit(handled == 1 && len == 4 && !memcmp(reply, "done", 4) ?
		      0 : 3);
	}
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS,
				    &info));
	ASSERT_EQ(LRPC_MSG_REQUEST, info.kind);
	id = info.msg_id;
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, waitpid(pid, &st, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(st));
	ASSERT_EQ(0, kill(pid, SIGCONT));
	usleep(100 * 1000);
	ASSERT_EQ(0, kill(pid, SIGUSR1));
	usleep(100 * 1000);
	/* neither sent twice nor cancelled */
	EXPECT_EQ(-EAGAIN, lrpc_recv_port(self->port, buf, sizeof(buf), 0,
					  &info));
	EXPECT_EQ(0, lrpc_reply(self->port, id, "done", 4));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
}

struct timed_call {
	int comm;
	int ret;
	long long took_ms;
};

static void *timed_call_thread(void *arg)
{
	struct timed_call *t = arg;
	long long t0 = now_ms();

	t->ret = lrpc_call(t->comm, "t", 1, NULL, 0, NULL, 1500 * MS, NULL);
	t->took_ms = now_ms() - t0;
	return NULL;
}

/* Signals do not stretch the time-out: the restart waits what was left. */
TEST_F(pair, restart_keeps_the_deadline)
{
	struct sigaction sa = { .sa_handler = on_usr1,
				.sa_flags = SA_RESTART };
	struct timed_call t = { .comm = self->comm };
	struct lrpc_msg_info info;
	pthread_t th;
	char buf[8];
	int i;

	sigaction(SIGUSR1, &sa, NULL);
	pthread_create(&th, NULL, timed_call_thread, &t);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS,
				    &info));
	for (i = 0; i < 8; i++) {
		usleep(150 * 1000);
		pthread_kill(th, SIGUSR1);
	}
	pthread_join(th, NULL);
	EXPECT_EQ(-ETIMEDOUT, t.ret);
	EXPECT_LE(1400, t.took_ms);
	EXPECT_GT(3000, t.took_ms);	/* 8 restarts of 1.5 s would be 2.4 s more */
	/* the time-out withdrew it: the server is told */
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(LRPC_MSG_CANCEL, info.kind);
}

static sigjmp_buf escape;

static void on_usr2(int sig)
{
	siglongjmp(escape, 1);
}

struct escaping_call {
	int comm;
	pthread_t th;
	int escaped;
};

static void *escaping_thread(void *arg)
{
	struct escaping_call *e = arg;

	if (sigsetjmp(escape, 1)) {
		e->escaped = 1;
		return NULL;
	}
	lrpc_call(e->comm, "e", 1, NULL, 0, NULL, -1, NULL);
	return NULL;
}

/*
 * A caller that leaves its handler by longjmp never restarts: its call
 * stays parked, can be cancelled, can be answered, and goes with the fd.
 */
TEST_F(pair, abandoned_parked_calls)
{
	struct sigaction sa = { .sa_handler = on_usr2 };
	struct escaping_call e = { .comm = self->comm };
	struct lrpc_msg_info info;
	char buf[8];
	__u64 first;

	sigaction(SIGUSR2, &sa, NULL);
	pthread_create(&e.th, NULL, escaping_thread, &e);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS,
				    &info));
	first = info.msg_id;
	pthread_kill(e.th, SIGUSR2);
	pthread_join(e.th, NULL);
	ASSERT_EQ(1, e.escaped);
	/* parked, not cancelled */
	EXPECT_EQ(-EAGAIN, lrpc_recv_port(self->port, buf, sizeof(buf), 0,
					  &info));
	EXPECT_EQ(0, lrpc_cancel(self->comm, first));
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 0, &info));
	EXPECT_EQ(LRPC_MSG_CANCEL, info.kind);
	EXPECT_EQ(first, info.msg_id);

	/* a second one, answered while parked, then the fd goes */
	e.escaped = 0;
	pthread_create(&e.th, NULL, escaping_thread, &e);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS,
				    &info));
	pthread_kill(e.th, SIGUSR2);
	pthread_join(e.th, NULL);
	ASSERT_EQ(1, e.escaped);
	EXPECT_EQ(0, lrpc_reply(self->port, info.msg_id, "late", 4));
	/* and a fresh call from this thread is a new call */
	EXPECT_EQ(-ETIMEDOUT, lrpc_call(self->comm, "n", 1, NULL, 0, NULL,
					10 * MS, NULL));
	close(self->comm);
	self->comm = -1;
	for (;;) {
		ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf),
					    5000 * MS, &info));
		if (info.kind == LRPC_MSG_PORT_CLOSED)
			break;
	}
}

/* The cgroup v2 freezer does not cancel a call either. */
TEST_F(pair, freezer_does_not_cancel)
{
	char dir[128], path[160], buf[64];
	struct lrpc_msg_info info;
	int st, frozen = 0, i;
	__u64 id;
	FILE *f;
	pid_t pid;

	snprintf(dir, sizeof(dir), "/sys/fs/cgroup/lrpc-freeze-%d", getpid());
	if (access("/sys/fs/cgroup/cgroup.controllers", F_OK)) {
		mkdir("/sys/fs/cgroup", 0755);
		mount("cgroup2", "/sys/fs/cgroup", "cgroup2", 0, NULL);
	}
	if (mkdir(dir, 0755))
		SKIP(return, "no cgroup v2 here: %s", strerror(errno));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		char reply[8];
		__u32 len = 0;
		int r = lrpc_call(self->comm, "frz", 3, reply, sizeof(reply),
				  &len, -1, NULL);

		_exit(r ? 10 : len == 2 ? 0 : 3);
	}
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 5000 * MS,
				    &info));
	id = info.msg_id;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fprintf(f, "%d\n", pid);
	ASSERT_EQ(0, fclose(f));
	snprintf(path, sizeof(path), "%s/cgroup.freeze", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("1\n", f);
	ASSERT_EQ(0, fclose(f));
	snprintf(path, sizeof(path), "%s/cgroup.events", dir);
	for (i = 0; i < 100 && !frozen; i++) {
		char line[64];

		usleep(20 * 1000);
		f = fopen(path, "r");
		ASSERT_NE(NULL, f);
		while (fgets(line, sizeof(line), f))
			if (!strcmp(line, "frozen 1\n"))
				frozen = 1;
		fclose(f);
	}
	EXPECT_EQ(1, frozen);
	snprintf(path, sizeof(path), "%s/cgroup.freeze", dir);
	f = fopen(path, "w");
	ASSERT_NE(NULL, f);
	fputs("0\n", f);
	ASSERT_EQ(0, fclose(f));
	/* nothing was withdrawn or sent again */
	EXPECT_EQ(-EAGAIN, lrpc_recv_port(self->port, buf, sizeof(buf), 0,
					  &info));
	EXPECT_EQ(0, lrpc_reply(self->port, id, "ok", 2));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	rmdir(dir);
}

TEST_HARNESS_MAIN
