// SPDX-License-Identifier: GPL-2.0
/*
 * Who pays for a reply's view that its caller has not collected (issue
 * 20: a reply the server cannot deliver must not pin the server's
 * resources).  The module charges it to the caller from the moment the
 * server answers: a caller that never comes for it -- its thread parked
 * in the kernel by a signal and never back -- holds its own quota
 * (max_sections, max_section_bytes), never its server's.
 */
#include <signal.h>
#include <sys/wait.h>
#include "sec_util.h"
#include "kselftest_harness.h"

/* Lowers max_sections and puts it back, whatever happens. */
FIXTURE(park) {
	long count;
	int dev;
};

FIXTURE_SETUP(park)
{
	self->dev = lrpc_open();
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, self->dev);
	self->count = lrpc_param_get("max_sections");
	ASSERT_LT(0, self->count);
}

FIXTURE_TEARDOWN(park)
{
	if (self->dev >= 0) {
		lrpc_param_set("max_sections", self->count);
		close(self->dev);
	}
}

/*
 * A reply's view is charged to its caller once answered: a caller that
 * does not come for it (here stopped, so its call is parked) holds its
 * own quota, not the server's.  Server uid 0, caller uid 65534, two
 * sections each: with the reply queued the server still creates two.
 */
TEST_F(park, unreceived_reply_view_charges_the_caller)
{
	const char *name = lrpc_name("park");
	int dev = self->dev, port, sconn, s, a, b, st;
	struct lrpc_view_attach va;
	struct lrpc_msg_info info;
	char buf[64];
	pid_t pid;

	if (geteuid() != 0)
		SKIP(return, "needs root to become another uid");
	ASSERT_EQ(0, lrpc_param_set("max_sections", 2));
	port = lrpc_port(dev, name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, port);
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct lrpc_call c;
		int cdev, comm;

		if (setgid(65534) || setuid(65534))
			_exit(10);
		cdev = lrpc_open();
		comm = lrpc_connect_ex(cdev, name, NULL, 0, NULL, 0, NULL,
				       5000 * MS, NULL);
		if (comm < 0)
			_exit(11);
		/* stopped and continued inside: the call is parked, then
		 * resumed, and its reply's view installed */
		if (sec_call(comm, "q", 1, NULL, buf, sizeof(buf), 20000 * MS,
			     &c))
			_exit(12);
		if (c.msg.view_fd < 0)
			_exit(13);
		_exit(0);
	}
	ASSERT_EQ(0, lrpc_recv_port(port, buf, sizeof(buf), 5000 * MS, &info));
	ASSERT_EQ(LRPC_MSG_CONNECT_REQUEST, info.kind);
	sconn = lrpc_accept(port, info.msg_id, NULL, 0, 0);
	ASSERT_LE(0, sconn);
	ASSERT_EQ(0, lrpc_recv_port(port, buf, sizeof(buf), 5000 * MS, &info));
	ASSERT_EQ(LRPC_MSG_REQUEST, info.kind);
	ASSERT_EQ(0, kill(pid, SIGSTOP));
	ASSERT_EQ(pid, waitpid(pid, &st, WUNTRACED));
	ASSERT_TRUE(WIFSTOPPED(st));

	s = sec_create(dev, 4096, NULL);
	ASSERT_LE(0, s);
	sec_view(&va, s, 0, 0, 0);
	ASSERT_EQ(0, sec_reply_recv(port, info.msg_id, "r", 1, &va, NULL, 0,
				    0, NULL));
	close(s);
	/* the queued view is the caller's: both of uid 0's places are free */
	a = sec_create(dev, 4096, NULL);
	b = sec_create(dev, 4096, NULL);
	EXPECT_LE(0, a);
	EXPECT_LE(0, b) TH_LOG("uid 0 still pays for the reply's view");
	if (a >= 0)
		close(a);
	if (b >= 0)
		close(b);

	ASSERT_EQ(0, kill(pid, SIGCONT));
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(0, WEXITSTATUS(st));
	close(sconn);
	close(port);
}

TEST_HARNESS_MAIN
