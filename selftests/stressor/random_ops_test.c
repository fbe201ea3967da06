// SPDX-License-Identifier: GPL-2.0
/*
 * A seeded random-operation stressor for /dev/lrpc, and regression tests
 * for the defects it found.
 *
 *   supervisor (the test process)             worker slot (a process, respawned)
 *   +-------------------------------+          +-----------------------------------+
 *   | seed, op budget, wall clock   |  fork    | 3 threads on one table of fds:    |
 *   | lowers and flips the limits   |--------->|  control, port, comm, conn,       |
 *   | kill -9 + respawn at random   |          |  section and received view fds;   |
 *   | netlink dump thread           |          |  mmaps of views; fork children    |
 *   | verdict: counters, leaks      |          |  killed mid-call                  |
 *   +-------------------------------+          +-----------------------------------+
 *       slot 0 root | 1 uid 1001 | 2 userns+ipcns (unmapped) | 3 pidns+netns |
 *       4 userns (0 0 1)+netns
 *
 * Every ioctl of the uAPI runs on every kind of fd with valid, boundary
 * and invalid arguments.  A valid call may only fail with the errnos its
 * documentation gives for the situation (a peer that went away, a
 * time-out, a limit); an invalid one must fail with its own errno.  An op
 * whose fd another thread closed meanwhile only has to give a clean errno.
 *
 *   LRPC_STRESS_SEED     seed (default: the time); printed first
 *   LRPC_STRESS_OPS      operations in all (default 20000)
 *   LRPC_STRESS_SECONDS  wall-clock bound (default 120)
 *   LRPC_STRESS_FAULT_PCT  valid ioctls run with fail-nth set, when the
 *                        kernel has fault injection (default 20)
 *
 * At the end every worker is gone, and the netlink dumps must list none
 * of the ports, connections and sections the run made.
 *
 * The machinery is in the other files of this folder (stressor.h lists
 * what each holds); the tests, which the harness keeps in one file's
 * list, are here.
 */
#include "stressor.h"
#include "kselftest_harness.h"

/* ---- regression tests: the defects the stressor found, one at a time ---- */

/* netlink: the waiters of port @name (threads in REPLY_RECV), or -1 */
struct waiters_arg {
	const char *name;
	int waiters;
};

static void waiters_cb(const struct nl_obj *o, void *arg)
{
	struct waiters_arg *w = arg;

	if (!strcmp(o->name, w->name))
		w->waiters = o->waiters;
}

static int port_waiters(const char *name)
{
	struct waiters_arg w = { .name = name, .waiters = -1 };
	int fd = nl_open(), fam = fd < 0 ? -1 : lrpc_genl_family(fd);

	if (fam > 0)
		nl_dump(fd, fam, LRPC_CMD_GET_PORT, 0, NULL, 0, false, waiters_cb, &w);
	if (fd >= 0)
		close(fd);
	return w.waiters;
}

struct receiver {
	pthread_t pt;
	atomic_int tid;		/* set before it receives */
	int fd;
	bool port;		/* REPLY_RECV on a port, else RECV */
	uint32_t size;
	int ret;
	long long done;		/* now_ms() when it returned */
};

static void *receiver(void *arg)
{
	struct receiver *r = arg;
	char buf[4096];

	atomic_store(&r->tid, (int)syscall(SYS_gettid));
	if (r->port)
		r->ret = lrpc_recv_port(r->fd, buf, r->size, 5000 * MS, NULL);
	else
		r->ret = lrpc_recv(r->fd, buf, r->size, 5000 * MS, NULL);
	r->done = now_ms();
	return NULL;
}

/*
 * Whether thread tid of this process sleeps in ioctl(2): its state is S
 * and /proc says which system call it is in.  A receiver is queued on
 * its wait queue then; how long its thread took to get there (a loaded
 * debug kernel under TCG can take seconds) does not matter.
 */
static bool asleep_in_ioctl(int tid)
{
	char path[64], buf[256], *p;
	bool sleeping = false;
	long nr = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", tid);
	f = fopen(path, "r");
	if (f) {
		if (fgets(buf, sizeof(buf), f)) {
			p = strrchr(buf, ')');
			sleeping = p && p[1] == ' ' && p[2] == 'S';
		}
		fclose(f);
	}
	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", tid);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%ld", &nr) != 1)
			nr = -1;
		fclose(f);
	}
	return sleeping && nr == SYS_ioctl;
}

/* Start r's thread and wait (at most 20 s) until it sleeps receiving. */
static int start_receiver(struct receiver *r)
{
	int n, tid;

	atomic_init(&r->tid, 0);
	if (pthread_create(&r->pt, NULL, receiver, r))
		return -1;
	for (n = 0; n < 2000; n++) {
		tid = atomic_load(&r->tid);
		if (tid && asleep_in_ioctl(tid))
			return 0;
		usleep(10000);
	}
	return -1;
}

/*
 * Two receivers wait on one queue, the first with too small a buffer.
 * The message wakes the first (receivers wait exclusively, first come
 * first woken); it must pass the wake-up on when it leaves with -EMSGSIZE,
 * or the second sleeps out its time-out with the message queued.
 */
TEST(emsgsize_passes_the_wakeup_on)
{
	struct receiver small, big;
	char name[LRPC_NAME_MAX], msg[100] = "too long for four octets";
	int dev = lrpc_open(), port, comm, sconn, pass;
	long long sent;

	if (dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, dev);
	snprintf(name, sizeof(name), "rs.wake.%d", getpid());
	port = lrpc_port(dev, name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, port);
	comm = sec_connect_pair(dev, port, name, &sconn);
	ASSERT_LE(0, comm);
	for (pass = 0; pass < 2; pass++) {
		/* pass 0: the port's queue; pass 1: the client's */
		bool on_port = pass == 0;
		int n;

		small = (struct receiver){ .fd = on_port ? port : comm,
					   .port = on_port, .size = 4 };
		big = small;
		big.size = sizeof(msg);
		/* queued in this order: small first */
		ASSERT_EQ(0, start_receiver(&small));
		for (n = 0; on_port && n < 500 && port_waiters(name) < 1; n++)
			usleep(10000);
		ASSERT_EQ(0, start_receiver(&big));
		for (n = 0; on_port && n < 500 && port_waiters(name) < 2; n++)
			usleep(10000);
		sent = now_ms();
		ASSERT_EQ(0, lrpc_send(on_port ? comm : sconn, msg, sizeof(msg), NULL));
		pthread_join(small.pt, NULL);
		pthread_join(big.pt, NULL);
		EXPECT_EQ(-EMSGSIZE, small.ret);
		EXPECT_EQ(0, big.ret);
		EXPECT_GT(2500, big.done - sent)
			TH_LOG("%s queue: the receiver with room slept %lld ms with the message queued",
			       on_port ? "port" : "client", big.done - sent);
	}
	close(comm);
	close(sconn);
	close(port);
	close(dev);
}

struct poller {
	int fd;
	int ret;
	short revents;
	long long done;
};

static void *poller(void *arg)
{
	struct poller *p = arg;
	struct pollfd pfd = { .fd = p->fd };	/* waits for POLLHUP only */

	p->ret = poll(&pfd, 1, 5000);
	p->revents = pfd.revents;
	p->done = now_ms();
	return NULL;
}

/*
 * Closing a port resets its connections, so the server's connection fd
 * polls EPOLLHUP from then on: a poller sleeping on it must be woken.
 */
TEST(conn_fd_poll_wakes_when_its_port_closes)
{
	char name[LRPC_NAME_MAX];
	int dev = lrpc_open(), port, comm, sconn;
	struct poller p;
	struct pollfd pfd;
	long long closed;
	pthread_t pt;

	if (dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, dev);
	snprintf(name, sizeof(name), "rs.hup.%d", getpid());
	port = lrpc_port(dev, name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, port);
	comm = sec_connect_pair(dev, port, name, &sconn);
	ASSERT_LE(0, comm);
	pfd = (struct pollfd){ .fd = sconn, .events = POLLOUT };
	ASSERT_EQ(1, poll(&pfd, 1, 0));
	ASSERT_EQ(POLLOUT, pfd.revents);
	p = (struct poller){ .fd = sconn };
	ASSERT_EQ(0, pthread_create(&pt, NULL, poller, &p));
	usleep(300000);
	closed = now_ms();
	close(port);
	pthread_join(pt, NULL);
	EXPECT_EQ(1, p.ret);
	EXPECT_EQ(POLLHUP, p.revents);
	EXPECT_GT(2500, p.done - closed)
		TH_LOG("poll slept %lld ms after the port closed", p.done - closed);
	close(sconn);
	close(comm);
	close(dev);
}

struct viewer {
	int port, sec;
	int ret;
};

/* Answer one call with 100 octets and a view of @sec. */
static void *viewer(void *arg)
{
	struct viewer *v = arg;
	struct lrpc_view_attach va;
	struct lrpc_msg_info info;
	char buf[256], reply[100] = "a reply larger than the caller's buffer";

	v->ret = lrpc_recv_port(v->port, buf, sizeof(buf), 5000 * MS, &info);
	if (v->ret)
		return NULL;
	sec_view(&va, v->sec, 0, 0, 0);
	v->ret = sec_reply_recv(v->port, info.msg_id, reply, sizeof(reply), &va,
				NULL, 0, 0, NULL);
	return NULL;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	int n = 0;

	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

/*
 * A reply larger than the caller's buffer ends the call with -EMSGSIZE;
 * then nothing is installed (view_fd -1, view_len tells), as for any
 * receive -- else the caller (liblrpc does) never closes that fd.
 */
TEST(call_emsgsize_installs_no_view)
{
	char name[LRPC_NAME_MAX], small[8];
	int dev = lrpc_open(), port, comm, sconn, fds;
	struct viewer v;
	struct lrpc_call out;
	pthread_t pt;

	if (dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, dev);
	snprintf(name, sizeof(name), "rs.msgsize.%d", getpid());
	port = lrpc_port(dev, name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, port);
	comm = sec_connect_pair(dev, port, name, &sconn);
	ASSERT_LE(0, comm);
	v = (struct viewer){ .port = port, .sec = sec_create(dev, 3 * PAGE, NULL) };
	ASSERT_LE(0, v.sec);
	ASSERT_EQ(0, pthread_create(&pt, NULL, viewer, &v));
	fds = count_fds();
	EXPECT_EQ(-EMSGSIZE, sec_call(comm, "q", 1, NULL, small, sizeof(small),
				      5000 * MS, &out));
	pthread_join(pt, NULL);
	EXPECT_EQ(0, v.ret);
	EXPECT_EQ(100, out.reply_len);
	EXPECT_EQ(3 * PAGE, out.msg.view_len);
	EXPECT_EQ(-1, out.msg.view_fd);
	EXPECT_EQ(fds, count_fds());
	if (out.msg.view_fd >= 0)
		close(out.msg.view_fd);
	close(v.sec);
	close(sconn);
	close(comm);
	close(port);
	close(dev);
}

struct conn_ids {
	uint64_t id[256];
	int n;
};

static void conn_ids_cb(const struct nl_obj *o, void *arg)
{
	struct conn_ids *c = arg;

	if (c->n < 256)
		c->id[c->n++] = o->id;
}

static void port_id_cb(const struct nl_obj *o, void *arg)
{
	struct waiters_arg *w = arg;

	if (!strcmp(o->name, w->name))
		w->waiters = o->id;
}

#define NCONNS	120

/*
 * A connection dump spans several messages; one that was listed goes
 * away before the next part.  Each connection that stays must still be
 * listed once: a resume by position in the port's list skipped one.
 */
TEST(conn_dump_skips_none_when_one_goes)
{
	int dev = lrpc_open(), port, comm[NCONNS], sconn[NCONNS], k, j, fd, fam;
	struct waiters_arg w;
	struct conn_ids all = { .n = 0 }, got = { .n = 0 };
	char name[LRPC_NAME_MAX], buf[4096];
	struct nl_req req;
	struct nlattr *na;
	bool done = false;
	uint32_t port_id;

	if (dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, dev);
	snprintf(name, sizeof(name), "rs.dump.%d", getpid());
	port = lrpc_port(dev, name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, port);
	for (k = 0; k < NCONNS; k++) {
		comm[k] = sec_connect_pair(dev, port, name, &sconn[k]);
		ASSERT_LE(0, comm[k]);
		ASSERT_LE(0, sconn[k]);
	}
	fd = nl_open();
	ASSERT_LE(0, fd);
	fam = lrpc_genl_family(fd);
	ASSERT_LT(0, fam);
	w = (struct waiters_arg){ .name = name, .waiters = -1 };
	ASSERT_LT(0, nl_dump(fd, fam, LRPC_CMD_GET_PORT, 0, NULL, 0, false, port_id_cb, &w));
	ASSERT_LT(0, w.waiters);
	port_id = w.waiters;
	ASSERT_EQ(NCONNS, nl_dump(fd, fam, LRPC_CMD_GET_CONN, LRPC_CONN_A_PORT_ID,
				  &port_id, 4, false, conn_ids_cb, &all));

	/*
	 * The same dump by hand: one part, then the first connection goes.
	 * A fresh socket, read with 4 KiB only, gets parts of at most that.
	 */
	close(fd);
	fd = nl_open();
	ASSERT_LE(0, fd);
	memset(&req, 0, sizeof(req));
	req.n.nlmsg_type = fam;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.n.nlmsg_seq = 4242;
	req.g.cmd = LRPC_CMD_GET_CONN;
	req.g.version = LRPC_GENL_VERSION;
	na = (struct nlattr *)req.buf;
	na->nla_type = LRPC_CONN_A_PORT_ID;
	na->nla_len = NLA_HDRLEN + 4;
	memcpy((char *)na + NLA_HDRLEN, &port_id, 4);
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN) + NLA_ALIGN(na->nla_len);
	ASSERT_EQ(0, nl_send(fd, &req));
	for (k = 0; !done; k++) {
		int len = recv(fd, buf, sizeof(buf), MSG_TRUNC);
		struct nlmsghdr *h;

		ASSERT_LT(0, len);
		ASSERT_GE((int)sizeof(buf), len);
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, (unsigned int)len);
		     h = NLMSG_NEXT(h, len)) {
			struct nl_obj o;

			if (h->nlmsg_type == NLMSG_DONE) {
				done = true;
				break;
			}
			ASSERT_EQ(fam, h->nlmsg_type);
			ASSERT_EQ(0, nl_parse(h, LRPC_CMD_GET_CONN, &o));
			conn_ids_cb(&o, &got);
		}
		if (k == 0) {
			ASSERT_GT(NCONNS, got.n) TH_LOG("the dump fit in one part");
			/* fully closed: it leaves the port's list */
			close(comm[0]);
			close(sconn[0]);
			comm[0] = sconn[0] = -1;
		}
	}
	for (k = 1; k < NCONNS; k++) {
		int seen = 0;

		for (j = 0; j < got.n; j++)
			seen += got.id[j] == all.id[k];
		EXPECT_EQ(1, seen) TH_LOG("connection %llu (number %d) listed %d times",
					  (unsigned long long)all.id[k], k, seen);
	}
	close(fd);
	for (k = 0; k < NCONNS; k++) {
		if (comm[k] >= 0)
			close(comm[k]);
		if (sconn[k] >= 0)
			close(sconn[k]);
	}
	close(port);
	close(dev);
}

struct ns_port {
	const char *name;
	int port, err;
};

static void *ns_port_thread(void *arg)
{
	struct ns_port *a = arg;
	int dev;

	if (unshare(CLONE_NEWIPC)) {
		a->err = errno;
		return NULL;
	}
	dev = lrpc_open();
	a->port = lrpc_port(dev, a->name, LRPC_MODE_ALL, 0);
	close(dev);
	return NULL;
}

/*
 * A thread makes a port in a fresh ipc namespace and exits: the port
 * outlives the namespace.  The next fresh namespace (very likely at the
 * same address, with the same inode number) must not find its name taken.
 */
TEST(dead_ipc_namespace_keeps_no_name)
{
	struct ns_port a[6];
	char name[LRPC_NAME_MAX];
	pthread_t pt;
	int k, dev = lrpc_open();

	if (dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	close(dev);
	snprintf(name, sizeof(name), "rs.ns.%d", getpid());
	for (k = 0; k < 6; k++) {
		a[k] = (struct ns_port){ .name = name };
		ASSERT_EQ(0, pthread_create(&pt, NULL, ns_port_thread, &a[k]));
		pthread_join(pt, NULL);
		if (a[k].err == EPERM)
			SKIP(return, "unshare(CLONE_NEWIPC) not permitted");
		ASSERT_EQ(0, a[k].err);
		EXPECT_LE(0, a[k].port)
			TH_LOG("round %d: port in a fresh ipc namespace: %s", k,
			       strerror(-a[k].port));
		usleep(50000);	/* the dead namespace is freed from a work item */
	}
	for (k = 0; k < 6; k++)
		if (a[k].port >= 0)
			close(a[k].port);
}

FIXTURE(stress) {
	int dev;
};

FIXTURE_SETUP(stress)
{
	self->dev = lrpc_open();
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, self->dev);
}

FIXTURE_TEARDOWN(stress)
{
	if (self->dev >= 0)
		close(self->dev);
}

static char exe[4096];

/* The default harness time-out; main() raises it to fit LRPC_STRESS_SECONDS. */
TEST_F_TIMEOUT(stress, random_ops, 300)
{
	uint64_t seed = env_long("LRPC_STRESS_SEED", 0), rng;
	long secs = env_long("LRPC_STRESS_SECONDS", 120);
	struct census *before = malloc(sizeof(*before)), *now = malloc(sizeof(*now));
	char leak[8192];
	long long t0, end;
	pthread_t nlt;
	int fd, fam, slot, st, n;
	FILE *f;

	if (!getenv("LRPC_STRESS_SEED") || !*getenv("LRPC_STRESS_SEED")) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		seed = (uint64_t)ts.tv_sec * 1000003ULL ^ ts.tv_nsec ^ getpid();
	}
	shared = mmap(NULL, sizeof(*shared), PROT_READ | PROT_WRITE,
		      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, shared);
	memset(shared, 0, sizeof(*shared));
	shared->seed = seed;
	shared->max_ops = env_long("LRPC_STRESS_OPS", 20000);
	shared->fault_pct = env_long("LRPC_STRESS_FAULT_PCT", 20);
	ksft_print_msg("seed %llu; rerun: LRPC_STRESS_SEED=%llu LRPC_STRESS_OPS=%ld LRPC_STRESS_SECONDS=%ld LRPC_STRESS_FAULT_PCT=%u %s\n",
		       (unsigned long long)seed, (unsigned long long)seed,
		       shared->max_ops, secs, shared->fault_pct, exe);
	ASSERT_NE(NULL, before);
	ASSERT_NE(NULL, now);
	shared->sup = getpid();
	shared->overflowuid = 65534;
	f = fopen("/proc/sys/kernel/overflowuid", "r");
	if (f) {
		if (fscanf(f, "%u", &shared->overflowuid) != 1)
			shared->overflowuid = 65534;
		fclose(f);
	}
	shared->fault = fault_setup();
	ksft_print_msg("%d worker processes x %d threads; fault injection %s\n",
		       NSLOTS, NTHREADS, shared->fault ? "on" : "not in this kernel");
	fd = nl_open();
	ASSERT_LE(0, fd);
	fam = lrpc_genl_family(fd);
	ASSERT_LT(0, fam) TH_LOG("no generic netlink family %s", LRPC_GENL_NAME);
	ASSERT_EQ(0, take_census(fd, fam, before));

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	params_lower();
	rng = rng_seed(seed, NSLOTS, 0, 0);
	t0 = now_ms();
	shared->deadline = t0 + secs * 1000;
	for (slot = 0; slot < NSLOTS; slot++)
		spawn(slot);
	pthread_create(&nlt, NULL, nl_thread, NULL);

	/* kill -9 a random worker now and then, respawn it, flip a limit */
	while (!atomic_load(&shared->stop) && atomic_load(&shared->ops) < shared->max_ops &&
	       now_ms() < shared->deadline) {
		int running = 0;

		usleep(30000 + rng_below(&rng, 200000));
		for (slot = 0; slot < NSLOTS; slot++) {
			pid_t p = shared->slot[slot].pid;

			if (p > 0 && waitpid(p, &st, WNOHANG) == p) {
				shared->slot[slot].pid = 0;
				if (!WIFEXITED(st) || WEXITSTATUS(st))
					fail(NULL, "worker slot %d died: status %#x", slot, st);
			}
			running += shared->slot[slot].pid > 0;
		}
		if (!running)
			break;
		slot = rng_below(&rng, NSLOTS);
		if (shared->slot[slot].pid > 0 && !atomic_load(&shared->stop)) {
			kill_slot(slot);
			atomic_fetch_add(&shared->kills, 1);
			spawn(slot);
		}
		if (rng_below(&rng, 4) == 0)
			params_flip(&rng);
	}
	atomic_store(&shared->stop, 1);
	/* let them finish their ops and exit, then kill what is left */
	end = now_ms() + 3000;
	for (slot = 0; slot < NSLOTS; slot++) {
		pid_t p = shared->slot[slot].pid;

		while (p > 0 && now_ms() < end && waitpid(p, &st, WNOHANG) == 0)
			usleep(10000);
		kill_slot(slot);
	}
	reap_all();
	/* every worker, and every child of theirs, is gone */
	st = waitpid(-1, NULL, WNOHANG);
	EXPECT_TRUE(st == -1 && errno == ECHILD) TH_LOG("a descendant is left");
	pthread_join(nlt, NULL);
	end = now_ms();
	params_restore();
	print_summary(end - t0);

	/* everything closed: the module lists nothing of ours (deferred frees aside) */
	for (n = 0; n < 50; n++) {
		ASSERT_EQ(0, take_census(fd, fam, now));
		if (!census_new(before, now, leak, sizeof(leak)))
			break;
		usleep(100000);
	}
	EXPECT_EQ(0, census_new(before, now, leak, sizeof(leak)))
		TH_LOG("left behind after every fd and mapping is gone:%s", leak);
	close(fd);
	if (atomic_load(&shared->failed))
		TH_LOG("FAILED: %s", shared->failmsg);
	EXPECT_EQ(0, atomic_load(&shared->failed))
		TH_LOG("seed %llu; rerun: LRPC_STRESS_SEED=%llu LRPC_STRESS_OPS=%ld %s",
		       (unsigned long long)seed, (unsigned long long)seed,
		       shared->max_ops, exe);
	/* a run of any length has some calls answered, or the stressor is broken */
	if (atomic_load(&shared->ops) >= 5000)
		EXPECT_LT(0, atomic_load(&shared->okc[OP_CALL]));
	free(before);
	free(now);
}

int main(int argc, char **argv)
{
	long secs = env_long("LRPC_STRESS_SECONDS", 120);
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	exe[n > 0 ? n : 0] = 0;
	/* the run, the final kill and the leak check must fit */
	if (secs + 120 > _stress_random_ops_object.timeout)
		_stress_random_ops_object.timeout = secs + 120;
	return test_harness_run(argc, argv);
}
