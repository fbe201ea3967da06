// SPDX-License-Identifier: GPL-2.0
/*
 * The generic netlink family and lrpcstat: build a known state (ports,
 * connections, queued messages, sections, counters), run
 * build/bin/lrpcstat -j and check its fields; memory reported back to
 * zero after close and after kill -9; an unprivileged user sees only its
 * own objects; a clear message and exit status 2 without the module.
 */
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "../sections/sec_util.h"
#include "kselftest_harness.h"

static char lrpcstat[4096];

static void find_lrpcstat(void)
{
	char *slash;
	ssize_t n;

	n = readlink("/proc/self/exe", lrpcstat, sizeof(lrpcstat) - 64);
	if (n < 0)
		n = 0;
	lrpcstat[n] = 0;
	/* build/selftests/lrpcstat/lrpcstat_test -> build/bin/lrpcstat */
	for (int i = 0; i < 3; i++) {
		slash = strrchr(lrpcstat, '/');
		if (slash)
			*slash = 0;
	}
	strcat(lrpcstat, "/bin/lrpcstat");
}

/* Run lrpcstat with @args; its stdout (malloc'd) and exit status. */
static char *run_stat(const char *args, int *status)
{
	char cmd[4200], *out = NULL;
	size_t len = 0, cap = 0;
	FILE *f;
	int c;

	snprintf(cmd, sizeof(cmd), "%s %s 2>&1", lrpcstat, args);
	f = popen(cmd, "r");
	if (!f)
		return NULL;
	while ((c = fgetc(f)) != EOF) {
		if (len + 2 > cap) {
			cap = cap ? 2 * cap : 4096;
			out = realloc(out, cap);
		}
		out[len++] = c;
	}
	if (!out)
		out = malloc(1);
	out[len] = 0;
	c = pclose(f);
	*status = WIFEXITED(c) ? WEXITSTATUS(c) : -1;
	return out;
}

/* The JSON object that contains @needle (innermost enclosing braces). */
static char *json_obj(const char *json, const char *needle)
{
	const char *at = strstr(json, needle), *start, *end;
	int depth = 0;
	char *obj;

	if (!at)
		return NULL;
	for (start = at; start > json && *start != '{'; start--)
		;
	for (end = start; *end; end++) {
		if (*end == '{')
			depth++;
		else if (*end == '}' && --depth == 0)
			break;
	}
	obj = strndup(start, end - start + 1);
	return obj;
}

static long long json_num(const char *obj, const char *field)
{
	char key[64];
	const char *at;

	snprintf(key, sizeof(key), "\"%s\":", field);
	at = obj ? strstr(obj, key) : NULL;
	return at ? strtoll(at + strlen(key), NULL, 10) : -1;
}

static char *port_obj(const char *json, const char *name)
{
	char needle[128];

	snprintf(needle, sizeof(needle), "\"name\":\"%s\"", name);
	return json_obj(json, needle);
}

static char *section_obj(const char *json, __u32 id)
{
	char needle[64];

	snprintf(needle, sizeof(needle), "{\"id\":%u,\"size\"", id);
	return json_obj(json, needle);
}

static int count(const char *hay, const char *needle)
{
	int n = 0;

	while ((hay = strstr(hay, needle))) {
		n++;
		hay += strlen(needle);
	}
	return n;
}

FIXTURE(stat) {
	int dev;
};

FIXTURE_SETUP(stat)
{
	self->dev = lrpc_open();
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, self->dev);
	find_lrpcstat();
	if (access(lrpcstat, X_OK))
		SKIP(return, "build/bin/lrpcstat not built");
}

FIXTURE_TEARDOWN(stat)
{
	if (self->dev >= 0)
		close(self->dev);
}

TEST_F(stat, known_state)
{
	char name[LRPC_NAME_MAX], needle[128], *out, *obj;
	int port, comm[2], sconn[2], sec, st, i;
	struct lrpc_view_attach va;
	__u32 id;
	char *p;

	snprintf(name, sizeof(name), "%s", lrpc_name("stat"));
	port = lrpc_port(self->dev, name, LRPC_MODE_OWNER | LRPC_MODE_OTHER, 7);
	ASSERT_LE(0, port);
	for (i = 0; i < 2; i++) {
		comm[i] = sec_connect_pair(self->dev, port, name, &sconn[i]);
		ASSERT_LE(0, comm[i]);
	}
	sec = sec_create(self->dev, 1 << 20, &id);
	ASSERT_LE(0, sec);
	p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, sec, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 1, 256 << 10);
	/* three one-way messages of 10 octets queued, one with a view */
	ASSERT_EQ(0, lrpc_send(comm[0], "0123456789", 10, NULL));
	ASSERT_EQ(0, lrpc_send(comm[0], "0123456789", 10, NULL));
	sec_view(&va, sec, 0, 4096, 0);
	ASSERT_EQ(0, sec_send(comm[0], "0123456789", 10, &va));
	/* a time-out and a refused call */
	EXPECT_EQ(-ETIMEDOUT, lrpc_call(comm[0], "x", 1, NULL, 0, NULL, 1 * MS, NULL));
	close(sconn[1]);
	EXPECT_EQ(-ECONNRESET, lrpc_call(comm[1], "x", 1, NULL, 0, NULL, 1 * MS, NULL));

	out = run_stat("-j", &st);
	ASSERT_EQ(0, st);
	ASSERT_EQ('{', out[0]);
	obj = port_obj(out, name);
	ASSERT_NE(NULL, obj) TH_LOG("%s", out);
	EXPECT_EQ(0, json_num(obj, "owner_uid"));
	EXPECT_NE(NULL, strstr(obj, "\"mode\":\"u-o\""));
	EXPECT_EQ(7, json_num(obj, "backlog"));
	EXPECT_EQ(2, json_num(obj, "connections"));
	EXPECT_EQ(0, json_num(obj, "connecting"));
	/* the timed-out call was never received: withdrawn, no CANCEL */
	EXPECT_EQ(3, json_num(obj, "queued"));
	EXPECT_EQ(0, json_num(obj, "waiting"));
	/* messages: 3 one-way + the call that timed out */
	EXPECT_EQ(4, json_num(obj, "messages"));
	EXPECT_EQ(31, json_num(obj, "bytes"));
	EXPECT_EQ(1, json_num(obj, "views"));
	EXPECT_EQ(1, json_num(obj, "errors"));
	EXPECT_EQ(1, json_num(obj, "timeouts"));
	EXPECT_EQ(0, json_num(obj, "cancels"));
	free(obj);

	snprintf(needle, sizeof(needle), "\"port\":\"%s\"", name);
	EXPECT_EQ(2, count(out, needle));
	obj = json_obj(out, needle);
	EXPECT_EQ(getpid(), json_num(obj, "peer_pid"));
	EXPECT_EQ(0, json_num(obj, "peer_uid"));
	EXPECT_EQ(0, json_num(obj, "pending"));
	free(obj);
	EXPECT_NE(NULL, strstr(out, "\"state\":\"server-gone\""));

	obj = section_obj(out, id);
	ASSERT_NE(NULL, obj) TH_LOG("%s", out);
	EXPECT_EQ(1 << 20, json_num(obj, "size"));
	EXPECT_EQ(256 << 10, json_num(obj, "resident"));
	EXPECT_EQ(1, json_num(obj, "mappings"));
	EXPECT_EQ(2, json_num(obj, "views"));	/* the fd, the queued view */
	EXPECT_EQ(0, json_num(obj, "owner_uid"));
	EXPECT_EQ(getpid(), json_num(obj, "creator_pid"));
	free(obj);
	free(out);

	/* the table form says the same counts */
	out = run_stat("-p", &st);
	EXPECT_EQ(0, st);
	EXPECT_NE(NULL, strstr(out, name));
	EXPECT_NE(NULL, strstr(out, "Ports: "));
	free(out);

	/* all closed: the port, its connections and the section are gone */
	close(sec);
	close(port);
	for (i = 0; i < 2; i++)
		close(comm[i]);
	close(sconn[0]);
	out = run_stat("-j -s", &st);
	obj = section_obj(out, id);
	EXPECT_NE(NULL, obj);	/* still mapped */
	free(obj);
	free(out);
	munmap(p, 1 << 20);
	out = run_stat("-j", &st);
	EXPECT_EQ(0, st);
	EXPECT_EQ(NULL, port_obj(out, name));
	EXPECT_EQ(NULL, strstr(out, needle));
	EXPECT_EQ(NULL, section_obj(out, id));
	free(out);
}

TEST_F(stat, memory_back_to_zero_after_kill_9)
{
	int pipefd[2], st;
	char *out, *obj;
	pid_t pid;
	__u32 id;

	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	if (pid == 0) {
		int s = sec_create(self->dev, 8 << 20, &id);
		char *p;

		if (s < 0)
			_exit(1);
		p = mmap(NULL, 8 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
		if (p == MAP_FAILED)
			_exit(2);
		memset(p, 3, 8 << 20);
		if (write(pipefd[1], &id, sizeof(id)) != sizeof(id))
			_exit(3);
		pause();
		_exit(0);
	}
	ASSERT_EQ(sizeof(id), read(pipefd[0], &id, sizeof(id)));
	out = run_stat("-j -s", &st);
	ASSERT_EQ(0, st);
	obj = section_obj(out, id);
	ASSERT_NE(NULL, obj) TH_LOG("%s", out);
	EXPECT_EQ(8 << 20, json_num(obj, "resident"));
	EXPECT_EQ(pid, json_num(obj, "creator_pid"));
	free(obj);
	free(out);

	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	out = run_stat("-j -s", &st);
	EXPECT_EQ(0, st);
	EXPECT_EQ(NULL, section_obj(out, id));
	free(out);
	close(pipefd[0]);
	close(pipefd[1]);
}

TEST_F(stat, unprivileged_sees_only_its_own)
{
	char mine[LRPC_NAME_MAX], theirs[LRPC_NAME_MAX];
	int port, sec, st;
	pid_t pid;
	__u32 id;

	snprintf(mine, sizeof(mine), "%s", lrpc_name("root"));
	port = lrpc_port(self->dev, mine, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, port);
	sec = sec_create(self->dev, 4096, &id);
	ASSERT_LE(0, sec);
	snprintf(theirs, sizeof(theirs), "t.user.%d", getpid());

	pid = fork();
	if (pid == 0) {
		__u32 uid_sec;
		char *out, *obj;
		int p2, s2, dev;

		if (setresgid(4321, 4321, 4321) || setresuid(4321, 4321, 4321))
			_exit(10);
		dev = lrpc_open();
		p2 = lrpc_port(dev, theirs, LRPC_MODE_ALL, 0);
		s2 = sec_create(dev, 8192, &uid_sec);
		if (p2 < 0 || s2 < 0)
			_exit(11);
		out = run_stat("-j", &st);
		if (st)
			_exit(12);
		obj = port_obj(out, theirs);
		if (!obj || json_num(obj, "owner_uid") != 4321)
			_exit(13);
		if (port_obj(out, mine))
			_exit(14);
		if (!section_obj(out, uid_sec))
			_exit(15);
		if (section_obj(out, id))
			_exit(16);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, WEXITSTATUS(st));
	close(sec);
	close(port);
}

/*
 * A user in a namespace of its own (a sandbox: new user and ipc
 * namespaces, made unprivileged) sees its own namespace's ports, not the
 * ones its uid holds outside: those names mean nothing there.
 */
TEST_F(stat, namespaced_sees_only_its_namespace)
{
	char outer[LRPC_NAME_MAX], inner[LRPC_NAME_MAX];
	int st;
	pid_t pid;
	FILE *f;

	/* Debian's switch for unprivileged user namespaces: on for this */
	f = fopen("/proc/sys/kernel/unprivileged_userns_clone", "w");
	if (f) {
		fputs("1\n", f);
		fclose(f);
	}
	snprintf(outer, sizeof(outer), "t.outer.%d", getpid());
	snprintf(inner, sizeof(inner), "t.inner.%d", getpid());
	pid = fork();
	if (pid == 0) {
		char *out;
		int p1, p2, dev;

		if (setgroups(0, NULL) || setresgid(4322, 4322, 4322) ||
		    setresuid(4322, 4322, 4322))
			_exit(10);
		dev = lrpc_open();
		p1 = lrpc_port(dev, outer, LRPC_MODE_ALL, 0);
		if (p1 < 0)
			_exit(11);
		if (unshare(CLONE_NEWUSER | CLONE_NEWIPC))
			_exit(4);	/* no user namespaces for users here */
		p2 = lrpc_port(dev, inner, LRPC_MODE_ALL, 0);
		if (p2 < 0)
			_exit(12);
		out = run_stat("-j", &st);
		if (st)
			_exit(13);
		if (!port_obj(out, inner))
			_exit(14);
		if (port_obj(out, outer))
			_exit(15);
		_exit(0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	if (WEXITSTATUS(st) == 4)
		SKIP(return, "unprivileged user namespaces are off");
	EXPECT_EQ(0, WEXITSTATUS(st));
}

/* Strict attribute policies: an attribute a request does not take fails. */
TEST_F(stat, strict_policy)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		char buf[256];
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlattr *na;
	char resp[8192];
	int fd, family = -1, len;
	struct nlmsghdr *h;

	fd = socket(AF_NETLINK, SOCK_RAW, NETLINK_GENERIC);
	ASSERT_LE(0, fd);
	/* resolve the family id */
	memset(&req, 0, sizeof(req));
	req.n.nlmsg_type = GENL_ID_CTRL;
	req.n.nlmsg_flags = NLM_F_REQUEST;
	req.g.cmd = CTRL_CMD_GETFAMILY;
	req.g.version = 1;
	na = (struct nlattr *)req.buf;
	na->nla_type = CTRL_ATTR_FAMILY_NAME;
	na->nla_len = NLA_HDRLEN + sizeof(LRPC_GENL_NAME);
	strcpy((char *)na + NLA_HDRLEN, LRPC_GENL_NAME);
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(na->nla_len);
	ASSERT_LT(0, sendto(fd, &req, req.n.nlmsg_len, 0, (void *)&sa, sizeof(sa)));
	len = recv(fd, resp, sizeof(resp), 0);
	ASSERT_LT(0, len);
	h = (struct nlmsghdr *)resp;
	ASSERT_EQ(GENL_ID_CTRL, h->nlmsg_type);
	for (na = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
	     (char *)na < resp + h->nlmsg_len;
	     na = (struct nlattr *)((char *)na + NLA_ALIGN(na->nla_len)))
		if (na->nla_type == CTRL_ATTR_FAMILY_ID)
			family = *(__u16 *)((char *)na + NLA_HDRLEN);
	ASSERT_LT(0, family);

	/* a port dump with an attribute: -EINVAL */
	memset(&req, 0, sizeof(req));
	req.n.nlmsg_type = family;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.g.cmd = LRPC_CMD_GET_PORT;
	req.g.version = LRPC_GENL_VERSION;
	na = (struct nlattr *)req.buf;
	na->nla_type = LRPC_PORT_A_ID;
	na->nla_len = NLA_HDRLEN + 4;
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(na->nla_len);
	ASSERT_LT(0, sendto(fd, &req, req.n.nlmsg_len, 0, (void *)&sa, sizeof(sa)));
	len = recv(fd, resp, sizeof(resp), 0);
	ASSERT_LT(0, len);
	h = (struct nlmsghdr *)resp;
	ASSERT_EQ(NLMSG_ERROR, h->nlmsg_type);
	EXPECT_EQ(-EINVAL, ((struct nlmsgerr *)NLMSG_DATA(h))->error);

	/* a connection dump filtered by an unknown port: nothing */
	req.g.cmd = LRPC_CMD_GET_CONN;
	na->nla_type = LRPC_CONN_A_PORT_ID;
	*(__u32 *)((char *)na + NLA_HDRLEN) = 0x7fffffff;
	ASSERT_LT(0, sendto(fd, &req, req.n.nlmsg_len, 0, (void *)&sa, sizeof(sa)));
	len = recv(fd, resp, sizeof(resp), 0);
	ASSERT_LT(0, len);
	h = (struct nlmsghdr *)resp;
	EXPECT_EQ(NLMSG_DONE, h->nlmsg_type);

	/* the wrong type for it: -EINVAL */
	na->nla_len = NLA_HDRLEN + 1;
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(na->nla_len);
	ASSERT_LT(0, sendto(fd, &req, req.n.nlmsg_len, 0, (void *)&sa, sizeof(sa)));
	len = recv(fd, resp, sizeof(resp), 0);
	ASSERT_LT(0, len);
	h = (struct nlmsghdr *)resp;
	ASSERT_EQ(NLMSG_ERROR, h->nlmsg_type);
	EXPECT_EQ(-EINVAL, ((struct nlmsgerr *)NLMSG_DATA(h))->error);
	close(fd);
}

/* Last: takes the module out and puts it back. */
TEST_F(stat, zz_not_loaded_message)
{
	char ko[4200], cmd[4300], *out;
	int st, dev;

	if (!getenv("LRPC_GUEST"))
		SKIP(return, "only inside the test guest");
	close(self->dev);
	self->dev = -1;
	/* build/bin/lrpcstat's test -> kmod/lrpc.ko */
	ASSERT_EQ(0, lrpc_module_path(ko, sizeof(ko), 4));
	if (access(ko, R_OK))
		SKIP(return, "no kmod/lrpc.ko");
	if (system("rmmod lrpc 2>/dev/null"))
		SKIP(return, "lrpc cannot be unloaded here");
	out = run_stat("-p", &st);
	snprintf(cmd, sizeof(cmd), "insmod %s", ko);
	ASSERT_EQ(0, system(cmd));
	EXPECT_EQ(2, st);
	EXPECT_NE(NULL, strstr(out, "lrpc kernel module is not loaded")) TH_LOG("%s", out);
	free(out);
	dev = lrpc_open();
	EXPECT_LE(0, dev);
	close(dev);
}

TEST_HARNESS_MAIN
