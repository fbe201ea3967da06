// SPDX-License-Identifier: GPL-2.0
/*
 * Sections, the security model (issue 14): mappings are shmem mappings
 * (rmap finds them, a huge page write fault ends), a view shows exactly
 * its window, sealed sends, views only when asked for, no laundering of
 * a received view.  One process holds both ends; attacks that another
 * process makes run in a forked child as uid 65534.
 *
 *   sender: section fd --mmap rw/ro/private
 *           comm fd ----SEND + view (SEAL)----> port fd: REPLY_RECV
 *                                               (VIEWS or not): view_fd
 */
#include <dirent.h>
#include <grp.h>
#include <setjmp.h>
#include <signal.h>
#include <sys/wait.h>

#include "sec_util.h"
#include "kselftest_harness.h"

#define PG	4096UL
#define NOBODY	65534

FIXTURE(sp) {
	int dev, port, comm, sconn, sec;
};

FIXTURE_SETUP(sp)
{
	const char *name = lrpc_name("seal");

	self->port = self->comm = self->sconn = self->sec = -1;
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

FIXTURE_TEARDOWN(sp)
{
	int *fds[] = { &self->sec, &self->comm, &self->sconn, &self->port,
		       &self->dev };
	unsigned int i;

	for (i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		if (*fds[i] >= 0)
			close(*fds[i]);
}

/* Receive on the port; @flags 0 or LRPC_REPLY_F_VIEWS. */
static int port_recv(int port, __u32 flags, struct lrpc_msg_info *info)
{
	struct lrpc_reply_recv rr;
	char buf[64];
	int r;

	memset(&rr, 0, sizeof(rr));
	rr.data = (uintptr_t)buf;
	rr.size = sizeof(buf);
	rr.flags = flags;
	rr.timeout_ns = 5000 * MS;	/* a sender may be another process */
	r = sys_ret(ioctl(port, LRPC_IOC_REPLY_RECV, &rr));
	*info = rr.msg;
	return r;
}

/* RECV on a communication fd, asking for views. */
static int comm_recv(int comm, struct lrpc_msg_info *info)
{
	char buf[64];

	return lrpc_recv(comm, buf, sizeof(buf), 0, info);
}

static int view_info_flags(int fd)
{
	struct lrpc_view_info vi;

	memset(&vi, 0, sizeof(vi));
	if (ioctl(fd, LRPC_IOC_VIEW_INFO, &vi))
		return -errno;
	return (int)vi.flags;
}

/* Run @fn in a child as uid 65534; its exit status, or 128 + signal. */
static int as_nobody(int (*fn)(void *), void *arg, int timeout_s)
{
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		alarm(timeout_s);
		if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
		    setresuid(NOBODY, NOBODY, NOBODY))
			_exit(100);
		_exit(fn(arg));
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

static int write_word(void *p)
{
	*(volatile __u64 *)p = 0xbadbadbadULL;
	return 0;
}

/* Number of the pages of [p, p + n * PG) present in the page table. */
static int present_pages(void *p, size_t n)
{
	int fd = open("/proc/self/pagemap", O_RDONLY), k = 0;
	__u64 e;
	size_t i;

	if (fd < 0)
		return -1;
	for (i = 0; i < n; i++) {
		off_t at = ((uintptr_t)p / PG + i) * sizeof(e);

		if (pread(fd, &e, sizeof(e), at) != sizeof(e)) {
			close(fd);
			return -1;
		}
		k += !!(e & (1ULL << 63));
	}
	close(fd);
	return k;
}

/* The /proc/self/maps line of the mapping at @p. */
static int maps_line(void *p, char *line, size_t size)
{
	FILE *f = fopen("/proc/self/maps", "r");
	unsigned long lo, hi;
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, size, f))
		if (sscanf(line, "%lx-%lx", &lo, &hi) == 2 && lo == (uintptr_t)p) {
			ret = 0;
			break;
		}
	fclose(f);
	return ret;
}

/*
 * The vma is a shmem file mapping: rmap finds its ptes, so MADV_PAGEOUT
 * unmaps them (reclaim tries to unmap before it looks for swap); the
 * data is the section's still.  Before, the ptes stayed (locked memory).
 */
TEST_F(sp, pageout_finds_section_ptes)
{
	const size_t n = 16;
	char line[512];
	__u8 *p;

	self->sec = sec_create(self->dev, n * PG, NULL);
	ASSERT_LE(0, self->sec);
	p = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->sec, 0);
	ASSERT_NE(MAP_FAILED, p);
	sec_fill(p, n * PG, 7);
	ASSERT_EQ((int)n, present_pages(p, n));
	ASSERT_EQ(0, maps_line(p, line, sizeof(line)));
	TH_LOG("%s", line);
	EXPECT_NE(NULL, strstr(line, "lrpc-section"));
	EXPECT_EQ(NULL, strstr(line, "anon_inode"));
	if (madvise(p, n * PG, MADV_PAGEOUT)) {
		munmap(p, n * PG);
		SKIP(return, "MADV_PAGEOUT: %s", strerror(errno));
	}
	EXPECT_EQ(0, present_pages(p, n));
	EXPECT_EQ(-1, sec_check(p, n * PG, 7));
	munmap(p, n * PG);
}

/* A number from /proc/meminfo, in kB (-1: none). */
static long meminfo_kb(const char *key)
{
	char line[128];
	long v = -1;
	FILE *f = fopen("/proc/meminfo", "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, strlen(key)))
			v = atol(line + strlen(key));
	fclose(f);
	return v;
}

/* A write fault on a transparent huge page of a section ends. */
TEST_F(sp, huge_page_write_fault_ends)
{
	static const char knob[] = "/sys/kernel/mm/transparent_hugepage/shmem_enabled";
	const size_t huge = 2UL << 20;
	char old[128], *sel;
	int fd, st = -1;
	long huge_pages;
	__u8 *p, *area;
	pid_t pid;

	fd = open(knob, O_RDWR);
	if (fd < 0)
		SKIP(return, "%s: %s (no THP in this kernel)", knob, strerror(errno));
	memset(old, 0, sizeof(old));
	ASSERT_LT(0, read(fd, old, sizeof(old) - 1));
	if (pwrite(fd, "always", 6, 0) != 6) {
		close(fd);
		SKIP(return, "cannot enable shmem THP: %s", strerror(errno));
	}
	self->sec = sec_create(self->dev, 2 * huge, NULL);
	ASSERT_LE(0, self->sec);
	/*
	 * One page off a PMD boundary: the huge folio is mapped by ptes,
	 * page by page, and its tail pages take write faults of their own.
	 */
	area = mmap(NULL, 3 * huge, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, area);
	p = (__u8 *)(((uintptr_t)area + huge - 1) & ~(huge - 1)) + PG;
	ASSERT_EQ(p, mmap(p, 2 * huge, PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_FIXED, self->sec, 0));
	/*
	 * A read fault first, so that the huge folio exists when a tail
	 * page takes its write fault (the old handler compared the tail
	 * page's mapping and retried for ever).
	 */
	huge_pages = ((volatile __u8 *)p)[5] + meminfo_kb("ShmemHugePages:");
	pid = fork();
	if (pid == 0) {
		alarm(20);
		p[PG + 5] = 1;		/* a tail page of the huge folio */
		memset(p, 0x5a, 2 * huge);
		_exit(p[huge + 7] == 0x5a ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	/* put the knob back: "[always] never ..." names the current one */
	sel = strchr(old, '[');
	if (sel) {
		*strchr(sel, ']') = 0;
		pwrite(fd, sel + 1, strlen(sel + 1), 0);
	}
	close(fd);
	EXPECT_TRUE(WIFEXITED(st) && WEXITSTATUS(st) == 0)
		TH_LOG("writer: status %#x (SIGALRM: the write fault looped)", st);
	EXPECT_EQ(0x5a, p[2 * huge - 1]);
	munmap(area, 3 * huge);
	if (huge_pages <= 0)
		SKIP(return, "shmem allocated no huge page here: nothing proven");
}

/* A window ends on a page boundary or at the section's end. */
TEST_F(sp, window_shows_only_itself)
{
	struct lrpc_view_attach va;
	struct lrpc_msg_info info;
	const size_t size = 3 * PG + 100;
	__u8 *p, *q;

	self->sec = sec_create(self->dev, size, NULL);
	ASSERT_LE(0, self->sec);
	p = mmap(NULL, 4 * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->sec, 0);
	ASSERT_NE(MAP_FAILED, p);
	memset(p, 's', size);		/* the secret past a short window */

	/* the attack: a 100-octet window whose page shows 4096 */
	sec_view(&va, self->sec, 0, 100, 0);
	EXPECT_EQ(-EINVAL, sec_send(self->comm, "v", 1, &va));
	sec_view(&va, self->sec, PG, PG + 1, 0);
	EXPECT_EQ(-EINVAL, sec_send(self->comm, "v", 1, &va));
	/* whole pages, or up to the section's end */
	sec_view(&va, self->sec, 2 * PG, 0, 0);
	ASSERT_EQ(0, sec_send(self->comm, "v", 1, &va));
	ASSERT_EQ(0, port_recv(self->port, LRPC_REPLY_F_VIEWS, &info));
	ASSERT_LE(0, info.view_fd);
	EXPECT_EQ(PG + 100, info.view_len);
	/* a received view re-attached obeys the same rule */
	sec_view(&va, info.view_fd, 0, 100, 0);
	EXPECT_EQ(-EINVAL, sec_send(self->sconn, "v", 1, &va));
	sec_view(&va, info.view_fd, 0, PG, 0);
	EXPECT_EQ(0, sec_send(self->sconn, "v", 1, &va));
	q = mmap(NULL, 2 * PG, PROT_READ, MAP_SHARED, info.view_fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ('s', q[PG + 99]);
	EXPECT_EQ(0, q[PG + 100]);	/* the section's rounding: zero */
	munmap(q, 2 * PG);
	close(info.view_fd);
	munmap(p, 4 * PG);
}

static sigjmp_buf bus_jb;

static void on_bus(int sig)
{
	siglongjmp(bus_jb, 1);
}

/* 1 if writing @p raised SIGBUS, 0 if the write went through. */
static int write_bus(volatile __u8 *p, __u8 v)
{
	struct sigaction sa = { .sa_handler = on_bus }, old;
	int bus = 0;

	sigaction(SIGBUS, &sa, &old);
	if (sigsetjmp(bus_jb, 1))
		bus = 1;
	else
		*p = v;
	sigaction(SIGBUS, &old, NULL);
	return bus;
}

/*
 * A sealed send: nobody writes the section while the view lives -- not
 * the sender through a mapping it made before, not a child as another
 * uid sharing it, not a new or mprotected mapping; a private COW copy is
 * the sender's own.  When the view is gone the section is writable.
 */
TEST_F(sp, sealed_send_freezes_the_section)
{
	const size_t n = 4;
	struct lrpc_view_attach va;
	struct lrpc_msg_info info, fwd;
	__u8 *rw, *ro, *priv, *q, *x;

	self->sec = sec_create(self->dev, n * PG, NULL);
	ASSERT_LE(0, self->sec);
	rw = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->sec, 0);
	ro = mmap(NULL, n * PG, PROT_READ, MAP_SHARED, self->sec, 0);
	priv = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE, self->sec, 0);
	ASSERT_NE(MAP_FAILED, rw);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_NE(MAP_FAILED, priv);
	sec_fill(rw, n * PG, 1);
	EXPECT_EQ(0, view_info_flags(self->sec) & LRPC_VIEW_F_SEAL);

	sec_view(&va, self->sec, 0, 0, LRPC_VIEW_F_SEAL | LRPC_VIEW_F_WRITE);
	EXPECT_EQ(-EINVAL, sec_send(self->comm, "s", 1, &va));
	sec_view(&va, self->sec, 0, 0, LRPC_VIEW_F_SEAL);
	ASSERT_EQ(0, sec_send(self->comm, "s", 1, &va));
	EXPECT_EQ(LRPC_VIEW_F_WRITE | LRPC_VIEW_F_SEAL, view_info_flags(self->sec));

	/* every way the sender (or a child as another uid) could write */
	EXPECT_EQ(1, write_bus(rw + 8, 0xee));
	EXPECT_EQ(1, write_bus(rw + 3 * PG, 0xee));
	EXPECT_EQ(128 + SIGBUS, as_nobody(write_word, rw + PG, 10));
	x = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->sec, 0);
	EXPECT_EQ(MAP_FAILED, x);
	EXPECT_EQ(EBUSY, errno);
	EXPECT_EQ(-1, mprotect(ro, n * PG, PROT_READ | PROT_WRITE));
	EXPECT_EQ(EBUSY, errno);
	/* MAP_PRIVATE: the sender's own copy */
	EXPECT_EQ(0, write_bus(priv + 16, 0x77));

	ASSERT_EQ(0, port_recv(self->port, LRPC_REPLY_F_VIEWS, &info));
	ASSERT_LE(0, info.view_fd);
	EXPECT_EQ(LRPC_VIEW_F_SEAL, info.view_flags);
	EXPECT_EQ(LRPC_VIEW_F_SEAL, view_info_flags(info.view_fd));
	q = mmap(NULL, n * PG, PROT_READ, MAP_SHARED, info.view_fd, 0);
	ASSERT_NE(MAP_FAILED, q);
	EXPECT_EQ(-1, sec_check(q, n * PG, 1));

	/* forwarded, it stays sealed, even asked without the flag */
	sec_view(&va, info.view_fd, 0, 0, 0);
	ASSERT_EQ(0, sec_send(self->sconn, "f", 1, &va));
	ASSERT_EQ(0, comm_recv(self->comm, &fwd));
	ASSERT_LE(0, fwd.view_fd);
	EXPECT_EQ(LRPC_VIEW_F_SEAL, fwd.view_flags);
	close(fwd.view_fd);

	/* the receiver's view fd closed, its mapping still seals */
	close(info.view_fd);
	EXPECT_EQ(1, write_bus(rw + 8, 0xee));
	EXPECT_EQ(-1, sec_check(q, n * PG, 1));
	munmap(q, n * PG);

	/* all gone: writable again, through every mapping */
	EXPECT_EQ(LRPC_VIEW_F_WRITE, view_info_flags(self->sec));
	EXPECT_EQ(0, write_bus(rw + 8, 0xee));
	EXPECT_EQ(0, as_nobody(write_word, rw + PG, 10));
	EXPECT_EQ(0, mprotect(ro, n * PG, PROT_READ | PROT_WRITE));
	x = mmap(NULL, n * PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->sec, 0);
	EXPECT_NE(MAP_FAILED, x);
	if (x != MAP_FAILED)
		munmap(x, n * PG);
	munmap(rw, n * PG);
	munmap(ro, n * PG);
	munmap(priv, n * PG);
}

/* A queued sealed message seals; dropping it unreceived unseals. */
TEST_F(sp, sealed_message_dropped_unseals)
{
	struct lrpc_view_attach va;
	struct lrpc_msg_info info;
	__u8 *rw;

	self->sec = sec_create(self->dev, PG, NULL);
	ASSERT_LE(0, self->sec);
	rw = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_SHARED, self->sec, 0);
	ASSERT_NE(MAP_FAILED, rw);
	rw[0] = 1;
	sec_view(&va, self->sec, 0, 0, LRPC_VIEW_F_SEAL);
	ASSERT_EQ(0, sec_send(self->comm, "s", 1, &va));
	EXPECT_EQ(1, write_bus(rw, 2));
	/* received without asking: the view is dropped, the seal with it */
	ASSERT_EQ(0, port_recv(self->port, 0, &info));
	EXPECT_EQ(-1, info.view_fd);
	EXPECT_EQ(LRPC_VIEW_F_SEAL | LRPC_VIEW_F_DROPPED, info.view_flags);
	EXPECT_EQ(0, write_bus(rw, 3));
	EXPECT_EQ(3, rw[0]);
	munmap(rw, PG);
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	int n = 0;

	if (!d)
		return -1;
	while ((e = readdir(d)))
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* A server that does not ask for views gets no fd; one that asks does. */
TEST_F(sp, views_only_when_asked)
{
	struct lrpc_view_attach va;
	struct lrpc_msg_info info;
	struct lrpc_recv rv;
	struct lrpc_call c;
	char buf[64];
	int before, st;
	pid_t pid;

	self->sec = sec_create(self->dev, 2 * PG, NULL);
	ASSERT_LE(0, self->sec);
	sec_view(&va, self->sec, 0, 0, LRPC_VIEW_F_WRITE);
	ASSERT_EQ(0, sec_send(self->comm, "v", 1, &va));
	before = count_fds();
	ASSERT_EQ(0, port_recv(self->port, 0, &info));
	EXPECT_EQ(before, count_fds());
	EXPECT_EQ(-1, info.view_fd);
	EXPECT_EQ(2 * PG, info.view_len);
	EXPECT_EQ(LRPC_VIEW_F_WRITE | LRPC_VIEW_F_DROPPED, info.view_flags);

	/* a client's RECV and CALL alike */
	ASSERT_EQ(0, sec_send(self->sconn, "v", 1, &va));
	ASSERT_EQ(0, comm_recv(self->comm, &info));
	EXPECT_LE(0, info.view_fd);
	if (info.view_fd >= 0)
		close(info.view_fd);
	ASSERT_EQ(0, sec_send(self->sconn, "v", 1, &va));
	memset(&rv, 0, sizeof(rv));
	rv.data = (uintptr_t)buf;
	rv.size = sizeof(buf);
	ASSERT_EQ(0, ioctl(self->comm, LRPC_IOC_RECV, &rv));
	EXPECT_EQ(-1, rv.msg.view_fd);
	EXPECT_EQ(LRPC_VIEW_F_WRITE | LRPC_VIEW_F_DROPPED, rv.msg.view_flags);

	memset(&c, 0, sizeof(c));
	c.data = (uintptr_t)"c";
	c.len = 1;
	c.reply = (uintptr_t)buf;
	c.reply_size = sizeof(buf);
	c.timeout_ns = 5000 * MS;
	pid = fork();
	if (pid == 0) {
		/* the server replies with a view */
		if (port_recv(self->port, 0, &info) || info.kind != LRPC_MSG_REQUEST)
			_exit(1);
		_exit(sec_reply_recv(self->port, info.msg_id, "r", 1, &va,
				     NULL, 0, 0, NULL) ? 2 : 0);
	}
	before = count_fds();
	ASSERT_EQ(0, ioctl(self->comm, LRPC_IOC_CALL, &c));
	EXPECT_EQ(before, count_fds());
	EXPECT_EQ(-1, c.msg.view_fd);
	EXPECT_EQ(2 * PG, c.msg.view_len);
	EXPECT_EQ(LRPC_VIEW_F_WRITE | LRPC_VIEW_F_DROPPED, c.msg.view_flags);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	EXPECT_EQ(0, st);
}

struct launder {
	int conn, view;
	__u32 flags;
};

static int launder(void *arg)
{
	struct launder *l = arg;
	struct lrpc_view_attach va;

	sec_view(&va, l->view, 0, 0, l->flags);
	return -sec_send(l->conn, "l", 1, &va);
}

/*
 * A received view is attached again only by the process that received
 * it, and never with more rights: another process (fork, then another
 * uid; SCM_RIGHTS is the same) gets -EACCES.
 */
TEST_F(sp, received_view_is_not_laundered)
{
	struct lrpc_view_attach va;
	struct lrpc_msg_info info;
	struct launder l;

	self->sec = sec_create(self->dev, PG, NULL);
	ASSERT_LE(0, self->sec);
	sec_view(&va, self->sec, 0, 0, 0);
	ASSERT_EQ(0, sec_send(self->comm, "v", 1, &va));
	ASSERT_EQ(0, port_recv(self->port, LRPC_REPLY_F_VIEWS, &info));
	ASSERT_LE(0, info.view_fd);

	l = (struct launder){ .conn = self->sconn, .view = info.view_fd };
	EXPECT_EQ(EACCES, as_nobody(launder, &l, 10));
	l.flags = LRPC_VIEW_F_WRITE;
	EXPECT_EQ(EACCES, as_nobody(launder, &l, 10));
	EXPECT_EQ(EACCES, launder(&l));
	/* the receiver itself may pass on what it got */
	l.flags = 0;
	EXPECT_EQ(0, launder(&l));
	ASSERT_EQ(0, comm_recv(self->comm, &info));
	if (info.view_fd >= 0)
		close(info.view_fd);
	close(l.view);
}

TEST_HARNESS_MAIN
