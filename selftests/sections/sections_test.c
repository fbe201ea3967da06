// SPDX-License-Identifier: GPL-2.0
/*
 * Sections: create, map, attach a view to a call, a reply and a one-way
 * message; the receiver maps it without a copy, read-only unless write
 * was granted; per-user limits; memory goes when the last fd and the
 * last mapping go, including after kill -9; a mapping holds the module.
 *
 *   client (parent)                      server (forked child)
 *   section fd --mmap rw                 port fd
 *   comm fd ----CALL + view------------> REPLY_RECV: view_fd --mmap
 *           <---reply (+ view)---------
 */
#include <dirent.h>
#include <limits.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "sec_util.h"
#include "kselftest_harness.h"

#define BIG	(64ULL << 20)

struct cmd {
	char op;		/* 'R' check read-only, 'W' fill, 'V' reply a view */
	char pad[7];
	__u64 seed;
	__u64 size;
};

/* The server's verdict: 0, or the line that failed. */
#define FAIL_IF(c) do { if (c) return __LINE__; } while (0)

static int check_readonly(int fd, size_t len, __u64 seed)
{
	struct lrpc_view_info vi;
	char *p;
	int mem;

	FAIL_IF(ioctl(fd, LRPC_IOC_VIEW_INFO, &vi));
	FAIL_IF(vi.len != len || vi.flags);
	FAIL_IF(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) != MAP_FAILED);
	FAIL_IF(errno != EACCES);
	FAIL_IF(mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0) != MAP_FAILED);
	FAIL_IF(errno != EACCES);
	/* exact length at offset 0, nothing else */
	FAIL_IF(mmap(NULL, len + 4096, PROT_READ, MAP_SHARED, fd, 0) != MAP_FAILED);
	FAIL_IF(errno != EINVAL);
	FAIL_IF(mmap(NULL, len - 4096, PROT_READ, MAP_SHARED, fd, 0) != MAP_FAILED);
	FAIL_IF(errno != EINVAL);
	FAIL_IF(mmap(NULL, len - 4096, PROT_READ, MAP_SHARED, fd, 4096) != MAP_FAILED);
	FAIL_IF(errno != EINVAL);
	FAIL_IF(mmap(NULL, len, PROT_READ, MAP_SHARED, fd, len) != MAP_FAILED);
	FAIL_IF(mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 1ULL << 40) != MAP_FAILED);
	FAIL_IF(mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 100) != MAP_FAILED);
	FAIL_IF(errno != EINVAL);

	p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
	FAIL_IF(p == MAP_FAILED);
	FAIL_IF(mprotect(p, len, PROT_READ | PROT_WRITE) == 0);
	FAIL_IF(errno != EACCES);
	FAIL_IF(madvise(p, len, MADV_REMOVE) == 0);
	FAIL_IF(mremap(p, len, len + 4096, MREMAP_MAYMOVE) != MAP_FAILED);
	mem = open("/proc/self/mem", O_RDWR);
	FAIL_IF(mem < 0);
	FAIL_IF(pwrite(mem, "x", 1, (off_t)(uintptr_t)p) == 1);
	close(mem);
	FAIL_IF(sec_check(p, len, seed) != -1);
	munmap(p, len);
	return 0;
}

static int fill_writable(int fd, size_t len, __u64 seed)
{
	char *p;

	FAIL_IF(mmap(NULL, len + 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) != MAP_FAILED);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	FAIL_IF(p == MAP_FAILED);
	sec_fill(p, len, seed);
	munmap(p, len);
	return 0;
}

/* Serve until the client goes: each request names its check. */
static int serve(int dev, int port)
{
	struct lrpc_view_attach va, *vap;
	struct lrpc_msg_info info;
	__u64 id = 0;
	int result = 0, sec = -1;
	struct cmd c;
	char *p;

	for (;;) {
		vap = sec >= 0 ? &va : NULL;
		if (sec_reply_recv(port, id, &result, sizeof(result), vap, &c,
				   sizeof(c), 30000 * MS, &info))
			return 1;
		if (sec >= 0)
			close(sec);
		sec = -1;
		id = 0;
		result = 0;
		if (info.kind == LRPC_MSG_PORT_CLOSED)
			return 0;
		if (info.kind != LRPC_MSG_REQUEST)
			continue;
		id = info.msg_id;
		switch (c.op) {
		case 'R':
			if (info.view_fd < 0 || info.view_len != c.size ||
			    (info.view_flags & LRPC_VIEW_F_WRITE))
				result = __LINE__;
			else
				result = check_readonly(info.view_fd, c.size, c.seed);
			break;
		case 'W':
			if (info.view_fd < 0 || info.view_len != c.size ||
			    !(info.view_flags & LRPC_VIEW_F_WRITE))
				result = __LINE__;
			else
				result = fill_writable(info.view_fd, c.size, c.seed);
			break;
		case 'V':
			sec = sec_create(dev, c.size, NULL);
			if (sec < 0) {
				result = __LINE__;
				break;
			}
			p = mmap(NULL, c.size, PROT_READ | PROT_WRITE,
				 MAP_SHARED, sec, 0);
			if (p == MAP_FAILED) {
				result = __LINE__;
				break;
			}
			sec_fill(p, c.size, c.seed);
			munmap(p, c.size);
			sec_view(&va, sec, 0, 0, 0);
			break;
		default:
			result = __LINE__;
		}
		if (info.view_fd >= 0)
			close(info.view_fd);
	}
}

FIXTURE(pair) {
	int dev, port, comm, sconn;
	pid_t server;
};

FIXTURE_SETUP(pair)
{
	const char *name = lrpc_name("sec");

	self->port = self->comm = self->sconn = -1;
	self->server = -1;
	self->dev = lrpc_open();
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, self->dev);
	self->port = lrpc_port(self->dev, name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, self->port);
	self->comm = sec_connect_pair(self->dev, self->port, name, &self->sconn);
	ASSERT_LE(0, self->comm);
	ASSERT_LE(0, self->sconn);
}

FIXTURE_TEARDOWN(pair)
{
	int st;

	if (self->comm >= 0)
		close(self->comm);
	if (self->server > 0)
		waitpid(self->server, &st, 0);
	if (self->sconn >= 0)
		close(self->sconn);
	if (self->port >= 0)
		close(self->port);
	if (self->dev >= 0)
		close(self->dev);
}

/* Hand the port to a server process; the parent keeps the client end. */
static pid_t start_server(int dev, int port, int comm)
{
	pid_t pid = fork();

	if (pid == 0) {
		close(comm);
		_exit(serve(dev, port));
	}
	return pid;
}

static int run(int comm, char op, __u64 seed, __u64 size,
	       const struct lrpc_view_attach *va, struct lrpc_call *out)
{
	struct cmd c = { .op = op, .seed = seed, .size = size };
	int result = -1, r;

	r = sec_call(comm, &c, sizeof(c), va, &result, sizeof(result),
		     60000 * MS, out);
	return r ? r : result;
}

TEST_F(pair, in_64m_readonly)
{
	struct lrpc_view_attach va;
	int sec;
	char *p;

	self->server = start_server(self->dev, self->port, self->comm);
	ASSERT_LT(0, self->server);
	sec = sec_create(self->dev, BIG, NULL);
	ASSERT_LE(0, sec);
	p = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_SHARED, sec, 0);
	ASSERT_NE(MAP_FAILED, p);
	sec_fill(p, BIG, 0x1234);
	sec_view(&va, sec, 0, BIG, 0);
	EXPECT_EQ(0, run(self->comm, 'R', 0x1234, BIG, &va, NULL));
	/* the creator's data is as it left it */
	EXPECT_EQ(-1, sec_check(p, BIG, 0x1234));
	munmap(p, BIG);
	close(sec);
}

TEST_F(pair, out_64m_write_granted)
{
	struct lrpc_view_attach va;
	int sec;
	char *p;

	self->server = start_server(self->dev, self->port, self->comm);
	ASSERT_LT(0, self->server);
	sec = sec_create(self->dev, BIG, NULL);
	ASSERT_LE(0, sec);
	p = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_SHARED, sec, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0, BIG);
	sec_view(&va, sec, 0, BIG, LRPC_VIEW_F_WRITE);
	EXPECT_EQ(0, run(self->comm, 'W', 0x5678, BIG, &va, NULL));
	EXPECT_EQ(-1, sec_check(p, BIG, 0x5678));
	munmap(p, BIG);
	close(sec);
}

TEST_F(pair, window_of_a_section)
{
	struct lrpc_view_attach va;
	int sec;
	char *p;

	self->server = start_server(self->dev, self->port, self->comm);
	ASSERT_LT(0, self->server);
	sec = sec_create(self->dev, 1 << 20, NULL);
	ASSERT_LE(0, sec);
	p = mmap(NULL, 1 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, sec, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 0xee, 1 << 20);
	/* the server writes 64 KiB at 256 KiB and nothing around it */
	sec_view(&va, sec, 256 << 10, 64 << 10, LRPC_VIEW_F_WRITE);
	EXPECT_EQ(0, run(self->comm, 'W', 9, 64 << 10, &va, NULL));
	EXPECT_EQ(-1, sec_check(p + (256 << 10), 64 << 10, 9));
	EXPECT_EQ(0xee, (unsigned char)p[(256 << 10) - 1]);
	EXPECT_EQ(0xee, (unsigned char)p[(320 << 10)]);
	munmap(p, 1 << 20);
	close(sec);
}

TEST_F(pair, reply_carries_a_view)
{
	struct lrpc_call out;
	char *p;

	self->server = start_server(self->dev, self->port, self->comm);
	ASSERT_LT(0, self->server);
	ASSERT_EQ(0, run(self->comm, 'V', 77, 8 << 20, NULL, &out));
	ASSERT_LE(0, out.msg.view_fd);
	EXPECT_EQ(8 << 20, out.msg.view_len);
	EXPECT_EQ(0, out.msg.view_flags);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 8 << 20, PROT_WRITE, MAP_SHARED,
				   out.msg.view_fd, 0));
	p = mmap(NULL, 8 << 20, PROT_READ, MAP_SHARED, out.msg.view_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, sec_check(p, 8 << 20, 77));
	munmap(p, 8 << 20);
	close(out.msg.view_fd);
	/* a call without a view gets none */
	EXPECT_NE(0, run(self->comm, 'R', 0, 4096, NULL, &out));
	EXPECT_EQ(-1, out.msg.view_fd);
	EXPECT_EQ(0, out.msg.view_len);
}

TEST_F(pair, oneway_both_ways_and_forwarding)
{
	struct lrpc_view_attach va;
	struct lrpc_msg_info info;
	struct lrpc_view_info vi;
	char buf[16];
	__u32 id;
	int sec;
	char *p, *q;

	sec = sec_create(self->dev, 3 * 4096 + 10, &id);
	ASSERT_LE(0, sec);
	ASSERT_EQ(0, ioctl(sec, LRPC_IOC_VIEW_INFO, &vi));
	EXPECT_EQ(id, vi.section_id);
	EXPECT_EQ(3 * 4096 + 10, vi.len);
	EXPECT_EQ(0, vi.offset);
	EXPECT_EQ(LRPC_VIEW_F_WRITE, vi.flags);
	p = mmap(NULL, 4 * 4096, PROT_READ | PROT_WRITE, MAP_SHARED, sec, 0);
	ASSERT_NE(MAP_FAILED, p);
	strcpy(p + 4096, "hello");

	/* client to server: a read-only window of the second page */
	sec_view(&va, sec, 4096, 4096, 0);
	ASSERT_EQ(0, sec_send(self->comm, "m", 1, &va));
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 1000 * MS, &info));
	EXPECT_EQ(LRPC_MSG_ONEWAY, info.kind);
	ASSERT_LE(0, info.view_fd);
	EXPECT_EQ(4096, info.view_len);
	ASSERT_EQ(0, ioctl(info.view_fd, LRPC_IOC_VIEW_INFO, &vi));
	EXPECT_EQ(4096, vi.offset);
	EXPECT_EQ(id, vi.section_id);

	/* a read-only view cannot be forwarded with write */
	sec_view(&va, info.view_fd, 0, 0, LRPC_VIEW_F_WRITE);
	EXPECT_EQ(-EACCES, sec_send(self->sconn, "f", 1, &va));
	/* but read-only, as it is: server to client */
	sec_view(&va, info.view_fd, 0, 0, 0);
	ASSERT_EQ(0, sec_send(self->sconn, "f", 1, &va));
	close(info.view_fd);
	ASSERT_EQ(0, lrpc_recv(self->comm, buf, sizeof(buf), 1000 * MS, &info));
	ASSERT_LE(0, info.view_fd);
	EXPECT_EQ(4096, info.view_len);
	q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, info.view_fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_STREQ("hello", q);
	/* shared, not copied: a later write shows */
	strcpy(p + 4096, "world");
	EXPECT_STREQ("world", q);
	munmap(q, 4096);
	close(info.view_fd);
	munmap(p, 4 * 4096);
	close(sec);
}

TEST_F(pair, attach_errors)
{
	struct lrpc_view_attach va;
	int sec;

	sec = sec_create(self->dev, 8192, NULL);
	ASSERT_LE(0, sec);
	sec_view(&va, 9999, 0, 0, 0);
	EXPECT_EQ(-EBADF, sec_send(self->comm, "x", 1, &va));
	sec_view(&va, self->port, 0, 0, 0);
	EXPECT_EQ(-EBADF, sec_send(self->comm, "x", 1, &va));
	sec_view(&va, sec, 100, 10, 0);
	EXPECT_EQ(-EINVAL, sec_send(self->comm, "x", 1, &va));
	sec_view(&va, sec, 4096, 4097, 0);
	EXPECT_EQ(-EINVAL, sec_send(self->comm, "x", 1, &va));
	sec_view(&va, sec, 8192, 0, 0);
	EXPECT_EQ(-EINVAL, sec_send(self->comm, "x", 1, &va));
	sec_view(&va, sec, 0, 0, LRPC_VIEW_F_DROPPED);	/* output only */
	EXPECT_EQ(-EINVAL, sec_send(self->comm, "x", 1, &va));
	sec_view(&va, sec, 0, 0, 0);
	va.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, sec_send(self->comm, "x", 1, &va));
	EXPECT_EQ(-EFAULT, sec_send(self->comm, "x", 1, (void *)8));
	EXPECT_EQ(-EFAULT, sec_call(self->comm, "x", 1, (void *)8, NULL, 0,
				    100 * MS, NULL));
	/* nothing was queued by the failures */
	EXPECT_EQ(-EAGAIN, lrpc_recv_port(self->port, NULL, 0, 0, NULL));
	close(sec);
}

TEST_F(pair, received_view_maps_only_in_the_receiver)
{
	struct lrpc_view_attach va;
	struct lrpc_msg_info info;
	char buf[8];
	int sec, st;
	pid_t pid;

	sec = sec_create(self->dev, 4096, NULL);
	ASSERT_LE(0, sec);
	sec_view(&va, sec, 0, 0, 0);
	ASSERT_EQ(0, sec_send(self->comm, "m", 1, &va));
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 1000 * MS, &info));
	ASSERT_LE(0, info.view_fd);
	pid = fork();
	if (pid == 0) {
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, info.view_fd, 0);

		_exit(p == MAP_FAILED && errno == EACCES ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	/* the creator's own section fd maps anywhere it goes */
	pid = fork();
	if (pid == 0) {
		void *p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, sec, 0);

		_exit(p == MAP_FAILED ? 1 : 0);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
	close(info.view_fd);
	close(sec);
}

/*
 * What a receiver writes through a shared view stays in the section:
 * read faults first (the ptes start read-only), then writes, munmap and
 * map again; a private mapping's writes stay private.  The creator has
 * let go of the section before any of it.
 */
TEST_F(pair, written_view_survives_remap)
{
	const size_t len = 16 * 4096;
	struct lrpc_view_attach va;
	struct lrpc_msg_info info;
	size_t i, nonzero = 0;
	volatile char *v;
	char buf[8], *p;
	int sec;

	sec = sec_create(self->dev, len - 100, NULL);
	ASSERT_LE(0, sec);
	sec_view(&va, sec, 0, 0, LRPC_VIEW_F_WRITE);
	ASSERT_EQ(0, sec_send(self->comm, "w", 1, &va));
	close(sec);
	ASSERT_EQ(0, lrpc_recv_port(self->port, buf, sizeof(buf), 1000 * MS, &info));
	ASSERT_LE(0, info.view_fd);
	ASSERT_EQ(LRPC_VIEW_F_WRITE, info.view_flags);

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, info.view_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	v = p;
	for (i = 0; i < len; i += 4096)
		nonzero += v[i] != 0;
	EXPECT_EQ(0, nonzero);
	sec_fill(p, len, 0xabc);
	munmap(p, len);

	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE, info.view_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, sec_check(p, len, 0xabc));
	memset(p, 0x55, len);
	munmap(p, len);

	p = mmap(NULL, len, PROT_READ, MAP_SHARED, info.view_fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(-1, sec_check(p, len, 0xabc));
	munmap(p, len);
	close(info.view_fd);
}

TEST(create_arguments)
{
	struct lrpc_section_create sc;
	int dev = lrpc_open(), fd;
	void *p;

	if (dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, dev);
	EXPECT_EQ(-EINVAL, sec_create(dev, 0, NULL));
	EXPECT_EQ(-EFBIG, sec_create(dev, 1ULL << 50, NULL));
	memset(&sc, 0, sizeof(sc));
	sc.size = 4096;
	sc.flags = 1;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(dev, LRPC_IOC_SECTION_CREATE, &sc)));
	sc.flags = 0;
	sc.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, sys_ret(ioctl(dev, LRPC_IOC_SECTION_CREATE, &sc)));
	EXPECT_EQ(-EFAULT, sys_ret(ioctl(dev, LRPC_IOC_SECTION_CREATE, NULL)));

	fd = sec_create(dev, 5000, NULL);
	ASSERT_LE(0, fd);
	EXPECT_EQ(FD_CLOEXEC, fcntl(fd, F_GETFD));
	/* the creator maps any page range of it, rounded up to pages */
	p = mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 1, 8192);
	munmap(p, 8192);
	p = mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 4096);
	ASSERT_NE(MAP_FAILED, p);
	EXPECT_EQ(1, *(char *)p);
	munmap(p, 4096);
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 12288, PROT_READ, MAP_SHARED, fd, 0));
	EXPECT_EQ(MAP_FAILED, mmap(NULL, 4096, PROT_READ, MAP_SHARED, fd, 8192));
	/* size is fixed: no write(), no ftruncate() */
	EXPECT_EQ(-1, ftruncate(fd, 1 << 20));
	EXPECT_EQ(-1, write(fd, "x", 1));
	/* section ioctls belong to the control fd */
	EXPECT_EQ(-ENOTTY, sys_ret(ioctl(fd, LRPC_IOC_SECTION_CREATE, &sc)));
	close(fd);
	close(dev);
}

struct params {
	long bytes, count;
};

static void save(struct params *p)
{
	p->bytes = lrpc_param_get("max_section_bytes");
	p->count = lrpc_param_get("max_sections");
}

static void restore(const struct params *p)
{
	lrpc_param_set("max_section_bytes", p->bytes);
	lrpc_param_set("max_sections", p->count);
}

/* Tests that lower the limits put them back, whatever happens. */
FIXTURE(limits) {
	struct params saved;
	int dev;
};

FIXTURE_SETUP(limits)
{
	self->dev = lrpc_open();
	if (self->dev < 0 && errno == ENOENT)
		SKIP(return, "/dev/lrpc missing: module not loaded");
	ASSERT_LE(0, self->dev);
	save(&self->saved);
	ASSERT_LT(0, self->saved.bytes);
}

FIXTURE_TEARDOWN(limits)
{
	if (self->dev >= 0) {
		restore(&self->saved);
		close(self->dev);
	}
}

TEST_F(limits, per_user)
{
	struct lrpc_features f;
	int dev = self->dev, a, b, c;
	void *p;

	ASSERT_EQ(0, lrpc_param_set("max_sections", 2));
	ASSERT_EQ(0, lrpc_param_set("max_section_bytes", 1 << 20));
	ASSERT_EQ(0, ioctl(dev, LRPC_IOC_GET_FEATURES, &f));
	EXPECT_EQ(1 << 20, f.max_section_bytes);
	EXPECT_EQ(2, f.max_sections);

	EXPECT_EQ(-EFBIG, sec_create(dev, (1 << 20) + 1, NULL));
	a = sec_create(dev, 600 << 10, NULL);
	ASSERT_LE(0, a);
	/* 600 KiB + 500 KiB > 1 MiB */
	EXPECT_EQ(-EDQUOT, sec_create(dev, 500 << 10, NULL));
	b = sec_create(dev, 400 << 10, NULL);
	ASSERT_LE(0, b);
	/* count */
	EXPECT_EQ(-EDQUOT, sec_create(dev, 4096, NULL));

	/* a mapping keeps its section charged after the fd is closed */
	p = mmap(NULL, 400 << 10, PROT_READ | PROT_WRITE, MAP_SHARED, b, 0);
	ASSERT_NE(MAP_FAILED, p);
	close(b);
	EXPECT_EQ(-EDQUOT, sec_create(dev, 4096, NULL));
	munmap(p, 400 << 10);
	c = sec_create(dev, 4096, NULL);
	EXPECT_LE(0, c);
	close(c);

	close(a);
}

TEST_F(limits, kill_9_frees_everything)
{
	int dev = self->dev, fd = -1, st, pipefd[2];
	pid_t pid, grandchild;

	ASSERT_EQ(0, lrpc_param_set("max_sections", 1));
	ASSERT_EQ(0, pipe(pipefd));
	/* orphans come to us, so we can reap the grandchild */
	ASSERT_EQ(0, prctl(PR_SET_CHILD_SUBREAPER, 1));
	pid = fork();
	if (pid == 0) {
		int s = sec_create(dev, 16 << 20, NULL);
		pid_t g;
		char *p;

		if (s < 0)
			_exit(1);
		p = mmap(NULL, 16 << 20, PROT_READ | PROT_WRITE, MAP_SHARED, s, 0);
		if (p == MAP_FAILED)
			_exit(2);
		memset(p, 7, 16 << 20);
		close(s);
		g = fork();
		if (g == 0) {
			/* inherits the mapping only */
			pause();
			_exit(0);
		}
		if (write(pipefd[1], &g, sizeof(g)) != sizeof(g))
			_exit(3);
		pause();
		_exit(0);
	}
	ASSERT_EQ(sizeof(grandchild), read(pipefd[0], &grandchild, sizeof(grandchild)));
	EXPECT_EQ(-EDQUOT, sec_create(dev, 4096, NULL));
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	/* the grandchild's mapping still holds it */
	EXPECT_EQ(-EDQUOT, sec_create(dev, 4096, NULL));
	kill(grandchild, SIGKILL);
	ASSERT_EQ(grandchild, waitpid(grandchild, &st, 0));
	fd = sec_create(dev, 4096, NULL);
	EXPECT_LE(0, fd);
	close(fd);
	close(pipefd[0]);
	close(pipefd[1]);
}

/* "name=value ..." of the module's parameters now, to load it back so. */
static int module_params(const char *mod, char *out, size_t size)
{
	char path[PATH_MAX], val[128];
	struct dirent *d;
	size_t used = 0;
	DIR *dir;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/sys/module/%s/parameters", mod);
	dir = opendir(path);
	if (!dir)
		return -1;
	out[0] = 0;
	while ((d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/module/%s/parameters/%s",
			 mod, d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (!fgets(val, sizeof(val), f))
			val[0] = 0;
		fclose(f);
		val[strcspn(val, "\n")] = 0;
		n = snprintf(out + used, size - used, "%s%s=%s",
			     used ? " " : "", d->d_name, val);
		if (n < 0 || (size_t)n >= size - used) {
			closedir(dir);
			return -1;
		}
		used += n;
	}
	closedir(dir);
	return 0;
}

static long module_refcnt(const char *mod)
{
	char path[PATH_MAX];
	long n = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/sys/module/%s/refcnt", mod);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld", &n) != 1)
		n = -1;
	fclose(f);
	return n;
}

/*
 * Last (its own fixture, declared last): a mapping of a received view, every lrpc fd closed, still holds
 * the module (its code serves the faults); after munmap it unloads.  It
 * is loaded back as it was, for whatever runs next.
 */
FIXTURE(unload) {
};

FIXTURE_SETUP(unload)
{
}

FIXTURE_TEARDOWN(unload)
{
}

TEST_F(unload, mapped_view_holds_the_module)
{
	char ko[PATH_MAX], params[2048];
	int dev, port, comm, sconn, sec, fd, i, busy_errno = 0, busy_ret;
	int unloaded = -1, loaded = -1;
	const size_t len = 4 * 4096;
	struct lrpc_view_attach va;
	struct lrpc_msg_info info;
	const char *name;
	long refcnt;
	char buf[8];
	char *p, *q;

	if (!getenv("LRPC_GUEST"))
		SKIP(return, "only inside the test guest");
	/* build/selftests/sections/sections_test -> kmod/lrpc.ko */
	ASSERT_EQ(0, lrpc_module_path(ko, sizeof(ko), 4));
	if (access(ko, R_OK))
		SKIP(return, "no %s", ko);
	if (module_refcnt("lrpc") != 0)
		SKIP(return, "lrpc is in use by something else");
	ASSERT_EQ(0, module_params("lrpc", params, sizeof(params)));

	name = lrpc_name("secmod");
	dev = lrpc_open();
	ASSERT_LE(0, dev);
	port = lrpc_port(dev, name, LRPC_MODE_ALL, 0);
	ASSERT_LE(0, port);
	comm = sec_connect_pair(dev, port, name, &sconn);
	ASSERT_LE(0, comm);
	ASSERT_LE(0, sconn);
	sec = sec_create(dev, len, NULL);
	ASSERT_LE(0, sec);
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, sec, 0);
	ASSERT_NE(MAP_FAILED, p);
	sec_fill(p, len, 0x77);
	munmap(p, len);
	sec_view(&va, sec, 0, 0, LRPC_VIEW_F_WRITE);
	ASSERT_EQ(0, sec_send(comm, "m", 1, &va));
	ASSERT_EQ(0, lrpc_recv_port(port, buf, sizeof(buf), 1000 * MS, &info));
	ASSERT_LE(0, info.view_fd);
	q = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, info.view_fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	close(info.view_fd);
	close(sec);
	close(comm);
	close(sconn);
	close(port);
	close(dev);

	refcnt = module_refcnt("lrpc");
	busy_ret = syscall(SYS_delete_module, "lrpc", O_NONBLOCK);
	busy_errno = errno;
	/* its faults still work: nothing is mapped in yet */
	EXPECT_EQ(-1, sec_check(q, len, 0x77));
	sec_fill(q, len, 0x78);
	munmap(q, len);

	if (busy_ret == 0) {
		unloaded = 0;
	} else {
		for (i = 0; i < 50; i++) {
			unloaded = syscall(SYS_delete_module, "lrpc", O_NONBLOCK);
			if (!unloaded)
				break;
			usleep(100 * 1000);
		}
	}
	if (!unloaded) {
		fd = open(ko, O_RDONLY | O_CLOEXEC);
		loaded = fd < 0 ? -1 : syscall(SYS_finit_module, fd, params, 0);
		if (fd >= 0)
			close(fd);
	}
	EXPECT_EQ(2, refcnt);	/* the view file, the section's map file */
	EXPECT_EQ(-1, busy_ret);
	EXPECT_EQ(EWOULDBLOCK, busy_errno);
	ASSERT_EQ(0, unloaded);
	ASSERT_EQ(0, loaded) TH_LOG("finit_module %s \"%s\": %s", ko, params,
				     strerror(errno));
	dev = lrpc_open();
	EXPECT_LE(0, dev);
	close(dev);
}

TEST_HARNESS_MAIN
