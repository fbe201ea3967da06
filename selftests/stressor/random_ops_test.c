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
 */
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "../sections/sec_util.h"
#include "stress_util.h"
#include "kselftest_harness.h"

#define NSLOTS		5
#define NTHREADS	3
#define MAX_OBJS	48
#define MAX_MAPS	12
#define MAX_DELIV	32
#define NNAMES		8
#define PAGE		4096UL
#define MAP_MAX_PAGES	64
#define PAY_MAGIC	0x53545253u
#define EXIT_BAD	200	/* a fork child saw a wrong result */

enum {
	OP_FEATURES, OP_PORT_CREATE, OP_CONNECT, OP_ACCEPT, OP_REPLY_RECV,
	OP_CALL, OP_CANCEL, OP_SEND, OP_RECV, OP_SECTION_CREATE, OP_VIEW_INFO,
	OP_PORT_SHUTDOWN, OP_UNKNOWN_IOCTL, OP_CLOSED_FD, OP_CLOSE, OP_DUP,
	OP_POLL, OP_RW, OP_FCNTL, OP_MMAP, OP_MUNMAP, OP_TOUCH, OP_VMA,
	OP_FORK, OP_NETLINK, OP_NS_HOP,
	NOPS
};

static const char *const op_names[NOPS] = {
	"GET_FEATURES", "PORT_CREATE", "CONNECT", "ACCEPT", "REPLY_RECV",
	"CALL", "CANCEL", "SEND", "RECV", "SECTION_CREATE", "VIEW_INFO",
	"PORT_SHUTDOWN", "unknown ioctl", "ioctl on closed fd", "close", "dup",
	"poll/epoll", "read/write/lseek", "fcntl", "mmap", "munmap",
	"touch mapping", "mprotect/mremap/madvise", "fork+kill child",
	"netlink dump", "ipc ns hop",
};

enum { V_VALID, V_BOUND, V_BAD, NVARS };

static const char *const var_names[NVARS] = { "valid", "boundary", "invalid" };

/* ---- worker configurations (per slot) ---- */

struct wcfg {
	const char *what;
	unsigned int userns : 1, map : 1, ipcns : 1, pidns : 1, netns : 1;
	uid_t uid;	/* euid in the initial user namespace */
};

static const struct wcfg cfgs[NSLOTS] = {
	{ .what = "root" },
	{ .what = "uid 1001", .uid = 1001 },
	{ .what = "userns+ipcns unmapped", .userns = 1, .ipcns = 1 },
	{ .what = "pidns+netns", .pidns = 1, .netns = 1 },
	{ .what = "userns 0:0:1+netns", .userns = 1, .map = 1, .netns = 1 },
};

/* ---- what all processes share (MAP_SHARED) ---- */

struct shared {
	uint64_t seed;
	long max_ops;
	long long deadline;
	int fault;
	unsigned int fault_pct;
	pid_t sup;
	uint32_t overflowuid;
	atomic_long ops;
	atomic_int stop;
	atomic_int failed;
	char failmsg[2048];
	atomic_long count[NOPS][NVARS];
	atomic_long okc[NOPS];
	atomic_long errs[ERRNO_MAX + 1];	/* [0] success, [ERRNO_MAX] unclean */
	atomic_long faults_set, faults_hit;
	atomic_long kills, spawns, nl_dumps, hops;
	struct {
		pid_t pid, inner;
		unsigned int gen;
	} slot[NSLOTS];
	char note[NSLOTS][160];
	/* fork children's calls, so that their parent can cancel them */
	struct lrpc_call ccall[NSLOTS][NTHREADS];
};

static struct shared *sh;

/* ---- one worker process ---- */

enum { K_DEV, K_PORT, K_COMM, K_CONN, K_SEC, K_VIEW, NKINDS };
#define KM(k)		(1u << (k))
#define KM_ALL		(KM(NKINDS) - 1)
#define KM_VIEWS	(KM(K_SEC) | KM(K_VIEW))

static const char *const kind_names[NKINDS] = {
	"control", "port", "comm", "conn", "section", "view",
};

struct obj {
	int fd;
	uint8_t kind, used, dead, write, received, cloexec;
	uint16_t users;
	uint64_t len;		/* views: the window */
	uint32_t sec_id;
	int name;		/* ports: index in the name pool */
};

/*
 * A mapping of a view.  Each page written through one gets a tag in its
 * first 16 octets: which section, which page of it.  Any page read must
 * be untouched (zero) or carry its own tag -- else a view maps the wrong
 * pages.
 */
struct mapping {
	char *addr;
	size_t len;
	uint8_t used, dead, write, excl;
	uint16_t users;
	uint32_t sec_id;
	uint64_t pg0;		/* its first page's index in the section */
};

#define TAG_MAGIC	0x7461677061676531ULL

struct tag {
	uint64_t magic;
	uint32_t sec_id;
	uint32_t page;
};

struct deliv {
	uint64_t id;
	uint32_t kind;
	int obj;
};

struct thr;

struct proc {
	pthread_mutex_t lock;
	pthread_rwlock_t forklock;	/* fork vs. fail-nth windows */
	struct obj obj[MAX_OBJS];
	struct mapping map[MAX_MAPS];
	struct deliv deliv[MAX_DELIV];
	unsigned int ndeliv;
	struct thr *thr[NTHREADS];
	int slot;
	unsigned int gen;
	const struct wcfg *cfg;
	int nullfd, pipefd[2];
	char *guard;		/* an inaccessible page */
	char *edge;		/* 64 octets before it */
	struct lrpc_features feat;
	char names[NNAMES][LRPC_NAME_MAX];
	char hopname[LRPC_NAME_MAX];
};

static struct proc P;

struct thr {
	pthread_t pt;
	int idx;
	uint64_t rng;
	int failfd;
	bool faulting;
	int nlfd, nlfam;
	int closed_fd;		/* a number this thread keeps free */
	long opno;
	char *buf;		/* max_msg_size + a page */
	char *rop;		/* a page made read-only around an ioctl */
	struct lrpc_call *inflight;	/* the CALL it is in, for CANCEL */
	int inflight_obj;
	char what[256];
};

/* ---- failing ---- */

static void fail(struct thr *t, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!P.cfg) {
		if (atomic_exchange(&sh->failed, 1) == 0)
			snprintf(sh->failmsg, sizeof(sh->failmsg), "supervisor: %s", msg);
	} else if (atomic_exchange(&sh->failed, 1) == 0)
		snprintf(sh->failmsg, sizeof(sh->failmsg),
			 "slot %d (%s) gen %u thread %d op #%ld: %s: %s",
			 P.slot, P.cfg->what, P.gen,
			 t ? t->idx : -1, t ? t->opno : -1L,
			 t ? t->what : "-", msg);
	atomic_store(&sh->stop, 1);
}

#define WHAT(t, ...)	snprintf((t)->what, sizeof((t)->what), __VA_ARGS__)

static void crash_handler(int sig, siginfo_t *si, void *uc)
{
	char msg[128];

	(void)uc;
	snprintf(msg, sizeof(msg), "signal %d at %p in a worker", sig, si->si_addr);
	fail(NULL, "%s", msg);
	_exit(99);
}

/* ---- expectations ---- */

struct exp {
	struct errset errs;
	bool ok;		/* success allowed */
};

static struct exp exp_ok(void)
{
	return (struct exp){ .ok = true };
}

static struct exp exp_err(int e)
{
	return (struct exp){ .errs = es_of(e, 0) };
}

static int sys(long r)
{
	return r < 0 ? -errno : (int)r;
}

/*
 * Count the result of one op and check it: @lenient when one of its fds
 * was closed under it (then any clean errno goes).  Returns true if it
 * may go on.
 */
static bool judge(struct thr *t, int op, int var, int ret, bool lenient,
		  struct exp e)
{
	int err = ret < 0 ? -ret : 0;

	atomic_fetch_add(&sh->count[op][var], 1);
	if (!err)
		atomic_fetch_add(&sh->okc[op], 1);
	atomic_fetch_add(&sh->errs[err < ERRNO_MAX ? err : ERRNO_MAX], 1);
	if (err >= ERRNO_MAX) {
		fail(t, "unclean errno %d leaked to user space (%s)", err,
		     var_names[var]);
		return false;
	}
	if (lenient)
		return true;
	if (t->faulting) {
		es_add(&e.errs, ENOMEM);
		if (op == OP_SECTION_CREATE)
			es_add(&e.errs, ENOSPC);
	}
	if (!err && !e.ok) {
		fail(t, "%s call succeeded (%d) where it must fail",
		     var_names[var], ret);
		return false;
	}
	if (err && !es_has(&e.errs, err)) {
		fail(t, "%s call%s failed with %s (%d)", var_names[var],
		     t->faulting ? " under fail-nth" : "",
		     strerrorname_np(err) ?: "?", err);
		return false;
	}
	return true;
}

/* ---- the object table ---- */

static int obj_add(int fd, int kind, uint64_t len, bool write, bool received,
		   bool cloexec, uint32_t sec_id, int name)
{
	int i;

	pthread_mutex_lock(&P.lock);
	for (i = 0; i < MAX_OBJS; i++)
		if (!P.obj[i].used)
			break;
	if (i == MAX_OBJS) {
		close(fd);
		pthread_mutex_unlock(&P.lock);
		return -1;
	}
	P.obj[i] = (struct obj){ .fd = fd, .kind = kind, .used = 1,
				 .write = write, .received = received,
				 .cloexec = cloexec, .len = len,
				 .sec_id = sec_id, .name = name };
	pthread_mutex_unlock(&P.lock);
	return i;
}

/* A random live object of @kinds, held (users) until obj_put; or -1. */
static int obj_pick(struct thr *t, unsigned int kinds)
{
	int idx[MAX_OBJS], n = 0, i;

	pthread_mutex_lock(&P.lock);
	for (i = 0; i < MAX_OBJS; i++)
		if (P.obj[i].used && !P.obj[i].dead &&
		    (kinds & KM(P.obj[i].kind)))
			idx[n++] = i;
	i = n ? idx[rng_below(&t->rng, n)] : -1;
	if (i >= 0)
		P.obj[i].users++;
	pthread_mutex_unlock(&P.lock);
	return i;
}

/* Hold object @i if it is still what it was; false if it is gone. */
static bool obj_hold(int i, int kind)
{
	bool ok;

	pthread_mutex_lock(&P.lock);
	ok = P.obj[i].used && !P.obj[i].dead && P.obj[i].kind == kind;
	if (ok)
		P.obj[i].users++;
	pthread_mutex_unlock(&P.lock);
	return ok;
}

/* Let go of @i (may be -1); true if it was closed while held. */
static bool obj_put(int i)
{
	bool dead;

	if (i < 0)
		return false;
	pthread_mutex_lock(&P.lock);
	dead = P.obj[i].dead;
	if (--P.obj[i].users == 0 && dead) {
		close(P.obj[i].fd);
		P.obj[i].used = 0;
	}
	pthread_mutex_unlock(&P.lock);
	return dead;
}

/* Let go of both (an op's fd and its view's); true if either was closed. */
static bool obj_put2(int i, int j)
{
	bool a = obj_put(i), b = obj_put(j);

	return a || b;
}

static int obj_count(unsigned int kinds)
{
	int i, n = 0;

	pthread_mutex_lock(&P.lock);
	for (i = 0; i < MAX_OBJS; i++)
		n += P.obj[i].used && !P.obj[i].dead &&
		     (kinds & KM(P.obj[i].kind));
	pthread_mutex_unlock(&P.lock);
	return n;
}

/*
 * Close a random object.  One in use by another thread is replaced by
 * /dev/null (dup2), so its number is not reused under that thread; the
 * last user closes the placeholder.
 */
static void obj_close_random(struct thr *t)
{
	int idx[MAX_OBJS], n = 0, i;

	pthread_mutex_lock(&P.lock);
	for (i = 0; i < MAX_OBJS; i++)
		if (P.obj[i].used && !P.obj[i].dead)
			idx[n++] = i;
	/* ports and connections live longer, so that calls get through */
	for (i = 0; i < n; i++) {
		int k = P.obj[idx[i]].kind;

		if ((k == K_PORT || k == K_CONN) && rng_below(&t->rng, 3))
			idx[i--] = idx[--n];
	}
	if (n) {
		struct obj *o = &P.obj[idx[rng_below(&t->rng, n)]];

		WHAT(t, "close %s fd %d (%u users)", kind_names[o->kind],
		     o->fd, o->users);
		if (!o->users) {
			close(o->fd);
			o->used = 0;
		} else {
			o->dead = 1;
			dup2(P.nullfd, o->fd);
		}
	}
	pthread_mutex_unlock(&P.lock);
	if (n)
		judge(t, OP_CLOSE, V_VALID, 0, false, exp_ok());
}

/* ---- delivered requests, for ACCEPT and replies ---- */

static void deliv_add(uint64_t id, uint32_t kind, int obj)
{
	pthread_mutex_lock(&P.lock);
	P.deliv[P.ndeliv++ % MAX_DELIV] = (struct deliv){ id, kind, obj };
	pthread_mutex_unlock(&P.lock);
}

/* Take a delivered request of @kind; its id, or 0. */
static uint64_t deliv_take(struct thr *t, uint32_t kind, int *obj)
{
	uint64_t id = 0;
	int i, n = P.ndeliv < MAX_DELIV ? P.ndeliv : MAX_DELIV;

	pthread_mutex_lock(&P.lock);
	for (i = 0; i < n; i++) {
		struct deliv *d = &P.deliv[(rng_below(&t->rng, n) + i) % n];

		if (d->id && d->kind == kind) {
			id = d->id;
			*obj = d->obj;
			d->id = 0;
			break;
		}
	}
	pthread_mutex_unlock(&P.lock);
	return id;
}

/* ---- payloads: a header that lets the receiver check what it got ---- */

#define PAY_F_NOCRED	1	/* not sent by the process that built it */
#define PAY_F_PIDNS	2	/* sent from a child pid namespace */

struct pay {
	uint32_t magic, len, slot, gen;
	int32_t tgid, tid;
	uint32_t kuid, flags;
	uint32_t sum, pad;
};

static uint32_t pay_sum(const uint8_t *p, size_t n)
{
	uint32_t s = 2166136261u;
	size_t i;

	for (i = 0; i < n; i++)
		s = (s ^ p[i]) * 16777619u;
	return s;
}

static void pay_fill(struct thr *t, void *buf, uint32_t len, bool nocred)
{
	uint8_t *p = buf;
	uint64_t x = rng_next(&t->rng);
	struct pay h;
	uint32_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
		memcpy(p + i, &x, 8);
	}
	for (; i < len; i++)
		p[i] = (uint8_t)(x >> (i % 8 * 8));
	if (len < sizeof(h))
		return;
	h = (struct pay){
		.magic = PAY_MAGIC, .len = len, .slot = P.slot, .gen = P.gen,
		.tgid = getpid(), .tid = gettid(), .kuid = P.cfg->uid,
		.flags = (nocred ? PAY_F_NOCRED : 0) |
			 (P.cfg->pidns ? PAY_F_PIDNS : 0),
		.sum = pay_sum(p + sizeof(h), len - sizeof(h)),
	};
	memcpy(p, &h, sizeof(h));
}

/* The uid a receiver in this worker must see for the sender's @kuid. */
static uint32_t seen_uid(uint32_t kuid)
{
	if (!P.cfg->userns)
		return kuid;
	if (P.cfg->map && kuid == 0)
		return 0;
	return sh->overflowuid;
}

/* Check a received payload and, if @info, the credentials it came with. */
static void pay_check(struct thr *t, const void *buf, uint32_t len,
		      const struct lrpc_msg_info *info)
{
	const uint8_t *p = buf;
	struct pay h;

	if (len < sizeof(h))
		return;
	memcpy(&h, p, sizeof(h));
	if (h.magic != PAY_MAGIC)
		return;
	if (h.len != len || h.sum != pay_sum(p + sizeof(h), len - sizeof(h))) {
		fail(t, "payload of %u octets corrupt (header says %u)", len, h.len);
		return;
	}
	if (!info || (h.flags & PAY_F_NOCRED))
		return;
	if (info->uid != seen_uid(h.kuid))
		fail(t, "sender euid %u seen as %u, expected %u", h.kuid,
		     info->uid, seen_uid(h.kuid));
	if (P.cfg->pidns) {
		bool same = h.slot == (uint32_t)P.slot && h.gen == P.gen;

		if (same && (info->tgid != h.tgid || info->pid != h.tid))
			fail(t, "sender %d/%d seen as %d/%d", h.tgid, h.tid,
			     info->tgid, info->pid);
		if (!same && (info->tgid || info->pid))
			fail(t, "sender outside the pid namespace seen as %d/%d",
			     info->tgid, info->pid);
	} else if (!(h.flags & PAY_F_PIDNS) &&
		   (info->tgid != h.tgid || info->pid != h.tid)) {
		fail(t, "sender %d/%d seen as %d/%d", h.tgid, h.tid,
		     info->tgid, info->pid);
	}
}

/* ---- argument helpers ---- */

static int pick_var(struct thr *t)
{
	uint32_t r = rng_below(&t->rng, 100);

	return r < 70 ? V_VALID : r < 82 ? V_BOUND : V_BAD;
}

static void *bad_ptr(struct thr *t)
{
	switch (rng_below(&t->rng, 4)) {
	case 0:
		return NULL;
	case 1:
		return (void *)8;
	case 2:
		return P.guard;
	default:
		return (void *)0xffff888000000000ULL;
	}
}

static int64_t pick_timeout(struct thr *t, int max_ms)
{
	switch (rng_below(&t->rng, 8)) {
	case 0:
		return 0;
	case 1:
		return 1;	/* rounds up to a jiffy */
	default:
		return (int64_t)(1 + rng_below(&t->rng, max_ms)) * MS;
	}
}

static uint32_t pick_len(struct thr *t, int var)
{
	uint32_t max = P.feat.max_inline_size;

	if (var == V_BOUND)
		return rng_below(&t->rng, 2) ? max : 0;
	switch (rng_below(&t->rng, 16)) {
	case 0:
		return 0;
	case 1:
		return 1 + rng_below(&t->rng, sizeof(struct pay));
	case 2:
		return 4096 + rng_below(&t->rng, 8192);
	default:
		return sizeof(struct pay) + rng_below(&t->rng, 512);
	}
}

static uint32_t pick_size(struct thr *t)
{
	static const uint32_t sizes[] = { 0, 8, sizeof(struct pay), 256, 4096 };
	uint32_t r = rng_below(&t->rng, 8);

	return r < 5 ? sizes[r] : P.feat.max_inline_size;
}

/* Which kinds of fd take @cmd. */
static unsigned int kinds_for(unsigned long cmd)
{
	switch (cmd) {
	case LRPC_IOC_GET_FEATURES:
		return KM_ALL;
	case LRPC_IOC_PORT_CREATE:
	case LRPC_IOC_CONNECT:
	case LRPC_IOC_SECTION_CREATE:
		return KM(K_DEV);
	case LRPC_IOC_ACCEPT:
	case LRPC_IOC_REPLY_RECV:
	case LRPC_IOC_PORT_SHUTDOWN:
		return KM(K_PORT);
	case LRPC_IOC_CALL:
	case LRPC_IOC_CANCEL:
	case LRPC_IOC_RECV:
		return KM(K_COMM);
	case LRPC_IOC_SEND:
		return KM(K_COMM) | KM(K_CONN);
	case LRPC_IOC_VIEW_INFO:
		return KM_VIEWS;
	}
	return 0;
}

/* An fd that does not take @cmd: another kind's, /dev/null or a pipe. */
static int wrong_fd(struct thr *t, unsigned long cmd, int *obj)
{
	unsigned int other = KM_ALL & ~kinds_for(cmd);

	*obj = -1;
	if (other && rng_below(&t->rng, 3)) {
		*obj = obj_pick(t, other);
		if (*obj >= 0)
			return P.obj[*obj].fd;
	}
	return rng_below(&t->rng, 2) ? P.nullfd : P.pipefd[0];
}

/* A control fd, opened if the table has none. */
static int dev_pick(struct thr *t)
{
	int i = obj_pick(t, KM(K_DEV)), fd;

	if (i >= 0)
		return i;
	fd = lrpc_open();
	if (fd < 0) {
		fail(t, "open /dev/lrpc: %s", strerror(errno));
		return -1;
	}
	i = obj_add(fd, K_DEV, 0, false, false, true, 0, -1);
	if (i >= 0 && !obj_hold(i, K_DEV))
		i = -1;
	return i;
}

/* ioctl with @arg copied into a read-only page: outputs fault. */
static int ioctl_ro(struct thr *t, int fd, unsigned long cmd, const void *arg,
		    size_t size)
{
	int ret;

	memcpy(t->rop, arg, size);
	mprotect(t->rop, PAGE, PROT_READ);
	ret = sys(ioctl(fd, cmd, t->rop));
	mprotect(t->rop, PAGE, PROT_READ | PROT_WRITE);
	return ret;
}

/* ---- fault injection (fail-nth) around one valid ioctl ---- */

static void fault_begin(struct thr *t, int var, void *touch, size_t len)
{
	char num[16];
	size_t off;
	int n;

	t->faulting = false;
	if (!sh->fault || var != V_VALID || t->failfd < 0 ||
	    !rng_pct(&t->rng, sh->fault_pct))
		return;
	/* no fork may make our pages copy-on-write until it is over */
	pthread_rwlock_rdlock(&P.forklock);
	for (off = 0; touch && off < len; off += PAGE)
		((volatile char *)touch)[off] = 0;
	n = snprintf(num, sizeof(num), "%u", 1 + rng_below(&t->rng, 12));
	if (pwrite(t->failfd, num, n, 0) != n) {
		pthread_rwlock_unlock(&P.forklock);
		return;
	}
	atomic_fetch_add(&sh->faults_set, 1);
	t->faulting = true;
}

static void fault_end(struct thr *t)
{
	char num[16] = "";

	if (!t->faulting)
		return;
	if (pread(t->failfd, num, sizeof(num) - 1, 0) > 0 && atoi(num) == 0)
		atomic_fetch_add(&sh->faults_hit, 1);
	if (pwrite(t->failfd, "0", 1, 0) != 1)
		fail(t, "cannot reset fail-nth");
	pthread_rwlock_unlock(&P.forklock);
}

/* ---- views attached to messages ---- */

/*
 * Fill @va with a view to attach, valid or (@bad) not; returns the
 * object held for it (-1: none) and sets *@err to the errno a bad one
 * must give.
 */
static int view_arg(struct thr *t, struct lrpc_view_attach *va, bool bad,
		    int *err)
{
	int i = obj_pick(t, KM_VIEWS);
	uint64_t len, pages;

	*err = 0;
	memset(va, 0, sizeof(*va));
	if (i < 0) {
		if (!bad)
			return -1;
		va->fd = P.nullfd;
		*err = EBADF;
		return -1;
	}
	va->fd = P.obj[i].fd;
	len = P.obj[i].len;
	pages = (len + PAGE - 1) / PAGE;
	va->offset = rng_below(&t->rng, pages) * PAGE;
	if (va->offset >= len)
		va->offset = 0;
	va->len = rng_below(&t->rng, 3) ? 0 :
		  1 + rng_below(&t->rng, len - va->offset);
	if (P.obj[i].write && rng_below(&t->rng, 2))
		va->flags = LRPC_VIEW_F_WRITE;
	if (!bad)
		return i;
	switch (rng_below(&t->rng, 7)) {
	case 0:
		va->reserved[rng_below(&t->rng, 2)] = 1;
		*err = EINVAL;
		break;
	case 1:
		va->flags |= 2;
		*err = EINVAL;
		break;
	case 2:
		va->offset += 1 + rng_below(&t->rng, PAGE - 1);
		*err = EINVAL;
		break;
	case 3:
		va->offset = (len + PAGE - 1) / PAGE * PAGE;
		*err = EINVAL;
		break;
	case 4:
		va->len = len - va->offset + 1;
		*err = EINVAL;
		break;
	case 5:
		if (P.obj[i].write) {
			va->fd = P.pipefd[1];
			*err = EBADF;
		} else {
			va->flags = LRPC_VIEW_F_WRITE;
			*err = EACCES;
		}
		break;
	default:
		va->fd = t->closed_fd;
		*err = EBADF;
		break;
	}
	return i;
}

/* A received message's view: keep its fd, after checking what it says. */
static void take_view(struct thr *t, const struct lrpc_msg_info *m, bool ok)
{
	struct lrpc_view_info vi;

	if (m->view_fd < 0) {
		if (ok && m->view_len)
			fail(t, "a view of %llu octets came without an fd",
			     (unsigned long long)m->view_len);
		return;
	}
	if (!m->view_len || (m->view_flags & ~LRPC_VIEW_F_ALL)) {
		fail(t, "view fd %d with len %llu flags %#x", m->view_fd,
		     (unsigned long long)m->view_len, m->view_flags);
		return;
	}
	memset(&vi, 0, sizeof(vi));
	if (ioctl(m->view_fd, LRPC_IOC_VIEW_INFO, &vi) || vi.len != m->view_len ||
	    vi.flags != m->view_flags || vi.offset % PAGE) {
		fail(t, "view fd %d: VIEW_INFO %s len %llu/%llu flags %#x/%#x",
		     m->view_fd, strerror(errno), (unsigned long long)vi.len,
		     (unsigned long long)m->view_len, vi.flags, m->view_flags);
		return;
	}
	if (!(fcntl(m->view_fd, F_GETFD) & FD_CLOEXEC))
		fail(t, "received view fd without FD_CLOEXEC");
	obj_add(m->view_fd, K_VIEW, m->view_len, m->view_flags & LRPC_VIEW_F_WRITE,
		true, true, vi.section_id, -1);
}

/* ---- the ops ---- */

static void op_features(struct thr *t)
{
	int var = pick_var(t), i = -1, fd, ret;
	struct lrpc_features f;
	struct exp e = exp_ok();
	void *arg = &f;

	memset(&f, 0xa5, sizeof(f));
	if (var != V_BAD) {
		i = obj_pick(t, KM_ALL);
		if (i < 0)
			return;
		fd = P.obj[i].fd;
		WHAT(t, "GET_FEATURES on %s fd", kind_names[P.obj[i].kind]);
	} else {
		switch (rng_below(&t->rng, 4)) {
		case 0:
			fd = wrong_fd(t, LRPC_IOC_GET_FEATURES, &i);
			e = exp_err(ENOTTY);
			WHAT(t, "GET_FEATURES on a foreign fd");
			break;
		case 1:
			fd = t->closed_fd;
			e = exp_err(EBADF);
			WHAT(t, "GET_FEATURES on a closed fd");
			break;
		default:
			i = obj_pick(t, KM_ALL);
			if (i < 0)
				return;
			fd = P.obj[i].fd;
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			WHAT(t, "GET_FEATURES to %p", arg);
			break;
		}
	}
	fault_begin(t, var, NULL, 0);
	if (var == V_BOUND) {
		/* the struct in a read-only page: nothing can be written */
		ret = ioctl_ro(t, fd, LRPC_IOC_GET_FEATURES, &f, sizeof(f));
		e = exp_err(EFAULT);
	} else {
		ret = sys(ioctl(fd, LRPC_IOC_GET_FEATURES, arg));
	}
	fault_end(t);
	if (judge(t, OP_FEATURES, var, ret, obj_put(i), e) && !ret && arg == &f &&
	    (f.features != LRPC_F_ALL || f.max_connect_size != LRPC_CONNECT_DATA_MAX ||
	     f.name_max != LRPC_NAME_MAX || f.max_inline_size != P.feat.max_inline_size ||
	     f.reserved[0] || f.reserved[1] || f.reserved[2]))
		fail(t, "GET_FEATURES says features %#llx connect %u name %u inline %u",
		     (unsigned long long)f.features, f.max_connect_size, f.name_max,
		     f.max_inline_size);
	t->faulting = false;
}

static void op_port_create(struct thr *t)
{
	int var = pick_var(t), i, fd, ret, name = rng_below(&t->rng, NNAMES);
	struct lrpc_port_create pc;
	struct exp e;
	void *arg = &pc;

	memset(&pc, 0, sizeof(pc));
	lrpc_setname(pc.name, P.names[name]);
	pc.mode = rng_below(&t->rng, 8);
	if (rng_below(&t->rng, 2))
		pc.mode = LRPC_MODE_ALL;
	pc.backlog = rng_below(&t->rng, 4) ? rng_below(&t->rng, 6) : 0xffffffffu;
	e = (struct exp){ .ok = true,
			  .errs = es_of(EADDRINUSE, ENOBUFS, ENOMEM, EMFILE, 0) };
	i = dev_pick(t);
	if (i < 0)
		return;
	fd = P.obj[i].fd;
	if (var == V_BOUND) {
		name = NNAMES - 1;	/* 63 characters */
		lrpc_setname(pc.name, P.names[name]);
	} else if (var == V_BAD) {
		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 11)) {
		case 0:
			memset(pc.name, 0, sizeof(pc.name));
			break;
		case 1:
			memset(pc.name, 'x', sizeof(pc.name));
			break;
		case 2:
			pc.name[1] = ' ';
			break;
		case 3:
			pc.name[2] = 0x7f;
			break;
		case 4:
			pc.name[0] = (char)0xc3;
			break;
		case 5:
			pc.name[LRPC_NAME_MAX - 1] = 'g';	/* after the NUL */
			break;
		case 6:
			pc.mode = 1u << (3 + rng_below(&t->rng, 29));
			break;
		case 7:
			pc.flags = 1u << rng_below(&t->rng, 32);
			break;
		case 8:
			pc.reserved[rng_below(&t->rng, 5)] = 1;
			break;
		case 9:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		default:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_PORT_CREATE, &i);
			e = exp_err(ENOTTY);
			break;
		}
	}
	WHAT(t, "PORT_CREATE %.20s mode %#x backlog %u flags %#x arg %p fd %d",
	     pc.name, pc.mode, pc.backlog, pc.flags, arg, fd);
	fault_begin(t, var, NULL, 0);
	ret = sys(ioctl(fd, LRPC_IOC_PORT_CREATE, arg));
	fault_end(t);
	if (judge(t, OP_PORT_CREATE, var, ret, obj_put(i), e) && ret >= 0) {
		if (!ret)
			fail(t, "PORT_CREATE returned fd 0");
		else if (!(fcntl(ret, F_GETFD) & FD_CLOEXEC))
			fail(t, "port fd without FD_CLOEXEC");
		obj_add(ret, K_PORT, 0, false, false, true, 0, name);
	}
	t->faulting = false;
}

static void op_connect(struct thr *t)
{
	int var = pick_var(t), i, fd, ret;
	char data[LRPC_CONNECT_DATA_MAX + 8], reply[LRPC_CONNECT_DATA_MAX];
	struct lrpc_connect c;
	struct exp e;
	void *arg = &c;
	bool ro = false;

	memset(&c, 0, sizeof(c));
	lrpc_setname(c.name, P.names[rng_below(&t->rng, NNAMES)]);
	c.len = rng_below(&t->rng, 3) ? rng_below(&t->rng, LRPC_CONNECT_DATA_MAX + 1) : 0;
	c.data = (uintptr_t)data;
	c.reply = (uintptr_t)reply;
	c.reply_size = rng_below(&t->rng, 3) ? sizeof(reply) : rng_below(&t->rng, 64);
	c.timeout_ns = pick_timeout(t, 60);
	if (rng_pct(&t->rng, 20)) {
		c.flags = LRPC_CONNECT_F_SERVER_UID;
		c.server_uid = rng_below(&t->rng, 2) ? 0 : cfgs[1].uid;
	}
	e = (struct exp){ .ok = true,
			  .errs = es_of(ENOENT, EACCES, EAGAIN, ECONNREFUSED,
					ECONNRESET, ETIMEDOUT, ENOBUFS, ENOMEM,
					EMFILE, 0) };
	if (c.flags)
		es_add(&e.errs, EPERM);
	i = dev_pick(t);
	if (i < 0)
		return;
	fd = P.obj[i].fd;
	if (var == V_BOUND) {
		c.len = LRPC_CONNECT_DATA_MAX;
		if (rng_below(&t->rng, 2)) {
			c.reply = 0;
			c.reply_size = 0;
		}
	} else if (var == V_BAD) {
		struct exp any = e;

		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 9)) {
		case 0:
			c.reserved[rng_below(&t->rng, 5)] = 1;
			break;
		case 1:
			c.flags |= 1u << (1 + rng_below(&t->rng, 31));
			break;
		case 2:
			c.name[0] = 0;
			break;
		case 3:
			c.len = rng_below(&t->rng, 2) ? LRPC_CONNECT_DATA_MAX + 1 : 0xffffffffu;
			e = exp_err(EMSGSIZE);
			break;
		case 4:
			c.len = 1 + rng_below(&t->rng, 64);
			c.data = (uintptr_t)bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		case 5:
			/* a bad reply buffer: only a payload must fault */
			c.reply = (uintptr_t)bad_ptr(t);
			c.reply_size = 64;
			e = any;
			es_add(&e.errs, EFAULT);
			break;
		case 6:
			ro = true;
			e = any;
			es_add(&e.errs, EFAULT);
			e.ok = false;
			break;
		case 7:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		default:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_CONNECT, &i);
			e = exp_err(ENOTTY);
			break;
		}
	}
	if (c.data == (uintptr_t)data)
		pay_fill(t, data, c.len <= LRPC_CONNECT_DATA_MAX ? c.len : 0, false);
	WHAT(t, "CONNECT %.20s len %u reply_size %u timeout %lld flags %#x uid %u arg %p%s",
	     c.name, c.len, c.reply_size, (long long)c.timeout_ns, c.flags,
	     c.server_uid, arg, ro ? " (read-only)" : "");
	fault_begin(t, var, reply, sizeof(reply));
	if (ro)
		ret = ioctl_ro(t, fd, LRPC_IOC_CONNECT, &c, sizeof(c));
	else
		ret = sys(ioctl(fd, LRPC_IOC_CONNECT, arg));
	fault_end(t);
	if (judge(t, OP_CONNECT, var, ret, obj_put(i), e) && arg == &c && !ro &&
	    (ret >= 0 || ret == -ECONNREFUSED)) {
		if (c.reply_len > LRPC_CONNECT_DATA_MAX)
			fail(t, "CONNECT reply_len %u", c.reply_len);
		else if (c.reply == (uintptr_t)reply && c.reply_len <= c.reply_size)
			pay_check(t, reply, c.reply_len, NULL);
		if (ret >= 0 && !c.conn_id)
			fail(t, "CONNECT: conn_id 0");
	}
	if (ret >= 0) {
		if (!(fcntl(ret, F_GETFD) & FD_CLOEXEC))
			fail(t, "comm fd without FD_CLOEXEC");
		obj_add(ret, K_COMM, 0, false, false, true, 0, -1);
	}
	t->faulting = false;
}

static void op_accept(struct thr *t, int port, uint64_t id)
{
	int var = id ? V_VALID : pick_var(t), i = port, fd, ret, from = -1;
	char data[LRPC_CONNECT_DATA_MAX + 1];
	struct lrpc_accept a;
	struct exp e;
	void *arg = &a;

	memset(&a, 0, sizeof(a));
	if (!id) {
		id = deliv_take(t, LRPC_MSG_CONNECT_REQUEST, &from);
		if (from >= 0 && obj_hold(from, K_PORT))
			i = from;
	}
	if (i < 0)
		i = obj_pick(t, KM(K_PORT));
	if (i < 0)
		return;
	fd = P.obj[i].fd;
	a.msg_id = id ? id : 1 + rng_below(&t->rng, 1000);
	a.len = rng_below(&t->rng, 2) ? 0 : rng_below(&t->rng, LRPC_CONNECT_DATA_MAX + 1);
	a.data = (uintptr_t)data;
	if (rng_pct(&t->rng, 15))
		a.flags = LRPC_ACCEPT_F_REJECT;
	e = (struct exp){ .ok = true, .errs = es_of(ENOENT, ENOBUFS, ENOMEM, EMFILE, 0) };
	if (var == V_BOUND) {
		a.len = LRPC_CONNECT_DATA_MAX;
	} else if (var == V_BAD) {
		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 7)) {
		case 0:
			a.msg_id = 0;
			break;
		case 1:
			a.flags |= 2u << rng_below(&t->rng, 31);
			break;
		case 2:
			a.reserved[rng_below(&t->rng, 2)] = 1;
			break;
		case 3:
			a.len = LRPC_CONNECT_DATA_MAX + 1;
			e = exp_err(EMSGSIZE);
			break;
		case 4:
			a.len = 1 + rng_below(&t->rng, 16);
			a.data = (uintptr_t)bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		case 5:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		default:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_ACCEPT, &i);
			e = exp_err(ENOTTY);
			break;
		}
	}
	if (a.data == (uintptr_t)data)
		pay_fill(t, data, a.len, false);
	WHAT(t, "ACCEPT id %llu len %u flags %#x arg %p",
	     (unsigned long long)a.msg_id, a.len, a.flags, arg);
	fault_begin(t, var, NULL, 0);
	ret = sys(ioctl(fd, LRPC_IOC_ACCEPT, arg));
	fault_end(t);
	if (judge(t, OP_ACCEPT, var, ret, obj_put(i), e) && ret >= 0) {
		if ((a.flags & LRPC_ACCEPT_F_REJECT) ? ret != 0 : ret <= 0) {
			fail(t, "ACCEPT returned %d", ret);
		} else if (ret > 0) {
			if (!(fcntl(ret, F_GETFD) & FD_CLOEXEC))
				fail(t, "conn fd without FD_CLOEXEC");
			obj_add(ret, K_CONN, 0, false, false, true, 0, -1);
		}
	}
	t->faulting = false;
}

/*
 * REPLY_RECV; @serve (thread 0 mostly) waits longer and answers what it
 * receives at once, so that the others' connects and calls go through.
 */
static void op_reply_recv(struct thr *t, bool serve, int port, uint64_t reply_id)
{
	int var = serve || reply_id ? V_VALID : pick_var(t), i = port, vi = -1, fd, ret;
	int from = -1, verr = 0;
	struct lrpc_view_attach va;
	struct lrpc_reply_recv rr;
	char reply[2048];
	struct exp e;
	void *arg = &rr;
	bool ro = false;

	memset(&rr, 0, sizeof(rr));
	rr.msg.view_fd = -1;
	if (i < 0)
		i = obj_pick(t, KM(K_PORT));
	if (i < 0)
		return;
	fd = P.obj[i].fd;
	if (reply_id || rng_below(&t->rng, 2)) {
		rr.reply_id = reply_id ?: deliv_take(t, LRPC_MSG_REQUEST, &from);
		rr.reply_len = rng_below(&t->rng, sizeof(reply) + 1);
		rr.reply_data = (uintptr_t)reply;
		if (rr.reply_id && rng_below(&t->rng, 3) == 0)
			rr.flags = LRPC_REPLY_F_NORECV;
		if (rr.reply_id && rng_pct(&t->rng, 20)) {
			vi = view_arg(t, &va, false, &verr);
			if (vi >= 0)
				rr.view = (uintptr_t)&va;
		}
	}
	rr.data = (uintptr_t)t->buf;
	rr.size = serve ? P.feat.max_inline_size : pick_size(t);
	rr.timeout_ns = serve ? (int64_t)(2 + rng_below(&t->rng, 20)) * MS : pick_timeout(t, 10);
	e = (struct exp){ .ok = true,
			  .errs = es_of(ENOENT, ENOBUFS, ENOMEM, ETIMEDOUT, EAGAIN,
					EMSGSIZE, ESHUTDOWN, EMFILE, 0) };
	if (var == V_BOUND) {
		if (rr.reply_id) {
			rr.reply_len = P.feat.max_inline_size;
			rr.reply_data = (uintptr_t)t->buf;
		}
		rr.size = rng_below(&t->rng, 2) ? 0 : P.feat.max_inline_size;
		rr.timeout_ns = rng_below(&t->rng, 2) ? 0 : 1;
	} else if (var == V_BAD) {
		struct exp any = e;

		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 12)) {
		case 0:
			rr.flags |= 2u << rng_below(&t->rng, 31);
			break;
		case 1:
			rr.pad = 1;
			break;
		case 2:
			rr.reserved[0] = 1;
			break;
		case 3:
			rr.reply_id = 0;
			rr.flags = LRPC_REPLY_F_NORECV;
			break;
		case 4:
			rr.reply_id = rr.reply_id ?: 1 + rng_below(&t->rng, 1000);
			rr.reply_len = P.feat.max_inline_size + 1;
			rr.reply_data = (uintptr_t)t->buf;
			e = exp_err(EMSGSIZE);
			break;
		case 5:
			rr.reply_id = rr.reply_id ?: 1 + rng_below(&t->rng, 1000);
			rr.reply_len = 1 + rng_below(&t->rng, 64);
			rr.reply_data = (uintptr_t)bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		case 6:
			obj_put(vi);
			rr.reply_id = rr.reply_id ?: 1 + rng_below(&t->rng, 1000);
			rr.reply_len = 0;
			vi = view_arg(t, &va, true, &verr);
			rr.view = (uintptr_t)&va;
			e = exp_err(verr);
			if (rng_below(&t->rng, 4) == 0) {
				rr.view = (uintptr_t)bad_ptr(t);
				e = exp_err(EFAULT);
				if (!rr.view)	/* 0 is no view */
					e = any;
			}
			break;
		case 7:
			/* a bad receive buffer: a payload faults, and stays queued */
			rr.reply_id = 0;
			rr.flags = 0;
			rr.data = (uintptr_t)(rng_below(&t->rng, 2) ? bad_ptr(t) : P.edge);
			rr.size = rng_below(&t->rng, 2) ? 0xffffffffu : 4096;
			e = (struct exp){ .ok = true,
					  .errs = es_of(EFAULT, ETIMEDOUT, EAGAIN,
							ESHUTDOWN, EMSGSIZE, 0) };
			break;
		case 8:
			rr.reply_id = 0;
			rr.flags = 0;
			ro = true;
			e = (struct exp){ .errs = es_of(EFAULT, ETIMEDOUT, EAGAIN,
							ESHUTDOWN, 0) };
			break;
		case 9:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		default:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_REPLY_RECV, &i);
			e = exp_err(ENOTTY);
			break;
		}
	}
	if (rr.reply_data == (uintptr_t)reply)
		pay_fill(t, reply, rr.reply_len, false);
	else if (rr.reply_data == (uintptr_t)t->buf && rr.reply_len <= P.feat.max_inline_size)
		pay_fill(t, t->buf, rr.reply_len, false);
	WHAT(t, "REPLY_RECV reply %llu len %u view %s flags %#x size %u timeout %lld arg %p%s",
	     (unsigned long long)rr.reply_id, rr.reply_len, rr.view ? "yes" : "no",
	     rr.flags, rr.size, (long long)rr.timeout_ns, arg, ro ? " (read-only)" : "");
	fault_begin(t, var, t->buf, rr.data == (uintptr_t)t->buf ? rr.size : 0);
	if (ro)
		ret = ioctl_ro(t, fd, LRPC_IOC_REPLY_RECV, &rr, sizeof(rr));
	else
		ret = sys(ioctl(fd, LRPC_IOC_REPLY_RECV, arg));
	fault_end(t);
	if (arg == &rr && !ro && ret == -EMSGSIZE && rr.msg.view_fd != -1)
		fail(t, "REPLY_RECV -EMSGSIZE installed a view");
	/* whatever the verdict: a view fd it says it installed is ours now */
	if (arg == &rr && !ro)
		take_view(t, &rr.msg, !ret && !(rr.flags & LRPC_REPLY_F_NORECV));
	if (judge(t, OP_REPLY_RECV, var, ret, obj_put2(i, vi), e) &&
	    arg == &rr && !ro && !(rr.flags & LRPC_REPLY_F_NORECV)) {
		const struct lrpc_msg_info *m = &rr.msg;

		if (ret == -EMSGSIZE && var != V_BAD && m->len <= rr.size)
			fail(t, "REPLY_RECV -EMSGSIZE for %u octets in %u", m->len, rr.size);
		if (!ret) {
			if (m->kind < LRPC_MSG_REQUEST || m->kind > LRPC_MSG_CANCEL ||
			    !m->msg_id || !m->conn_id || m->len > rr.size ||
			    (m->kind >= LRPC_MSG_CONNECT_REQUEST && m->kind != LRPC_MSG_CONNECT_REQUEST && m->len) ||
			    (m->kind == LRPC_MSG_CONNECT_REQUEST && m->len > LRPC_CONNECT_DATA_MAX))
				fail(t, "REPLY_RECV got kind %u id %llu conn %llu len %u",
				     m->kind, (unsigned long long)m->msg_id,
				     (unsigned long long)m->conn_id, m->len);
			else if (rr.data == (uintptr_t)t->buf)
				pay_check(t, t->buf, m->len, m);
		}
	}
	t->faulting = false;
	if (ret || arg != &rr || ro || (rr.flags & LRPC_REPLY_F_NORECV))
		return;
	if (rr.msg.kind == LRPC_MSG_CONNECT_REQUEST) {
		if (serve && rng_pct(&t->rng, 85) && obj_hold(i, K_PORT))
			op_accept(t, i, rr.msg.msg_id);
		else
			deliv_add(rr.msg.msg_id, LRPC_MSG_CONNECT_REQUEST, i);
	} else if (rr.msg.kind == LRPC_MSG_REQUEST) {
		if (serve && rng_pct(&t->rng, 85) && obj_hold(i, K_PORT))
			op_reply_recv(t, false, i, rr.msg.msg_id);
		else
			deliv_add(rr.msg.msg_id, LRPC_MSG_REQUEST, i);
	}
}

static void op_call(struct thr *t)
{
	int var = pick_var(t), i, vi = -1, fd, ret, verr = 0;
	struct lrpc_view_attach va;
	struct lrpc_call c;
	struct exp e;
	void *arg = &c;
	bool ro = false;

	memset(&c, 0, sizeof(c));
	c.msg.view_fd = -1;
	i = obj_pick(t, KM(K_COMM));
	if (i < 0)
		return;
	fd = P.obj[i].fd;
	c.len = pick_len(t, V_VALID);
	c.data = (uintptr_t)t->buf;
	c.reply = (uintptr_t)t->buf;
	c.reply_size = pick_size(t);
	c.timeout_ns = pick_timeout(t, 60);
	if (rng_pct(&t->rng, 15)) {
		vi = view_arg(t, &va, false, &verr);
		if (vi >= 0)
			c.view = (uintptr_t)&va;
	}
	e = (struct exp){ .ok = true,
			  .errs = es_of(ECONNRESET, ETIMEDOUT, ECANCELED, EMSGSIZE,
					EAGAIN, EBUSY, ENOBUFS, ENOMEM, EMFILE, 0) };
	if (var == V_BOUND) {
		c.len = pick_len(t, V_BOUND);
		c.reply_size = rng_below(&t->rng, 2) ? 0 : P.feat.max_inline_size;
		c.timeout_ns = rng_below(&t->rng, 2) ? 0 : 1;
	} else if (var == V_BAD) {
		struct exp any = e;

		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 10)) {
		case 0:
			c.flags = 1u << rng_below(&t->rng, 32);
			break;
		case 1:
			c.reserved[0] = 1;
			break;
		case 2:
			c.len = rng_below(&t->rng, 2) ? P.feat.max_inline_size + 1 : 0xffffffffu;
			e = exp_err(EMSGSIZE);
			break;
		case 3:
			c.len = 1 + rng_below(&t->rng, 64);
			c.data = (uintptr_t)bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		case 4:
			obj_put(vi);
			vi = view_arg(t, &va, true, &verr);
			c.view = (uintptr_t)&va;
			e = exp_err(verr);
			break;
		case 5:
			c.reply = (uintptr_t)bad_ptr(t);
			c.reply_size = 64;
			e = any;
			es_add(&e.errs, EFAULT);
			break;
		case 6:
			ro = true;
			e = any;
			es_add(&e.errs, EFAULT);
			e.ok = false;
			break;
		case 7:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		default:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_CALL, &i);
			e = exp_err(ENOTTY);
			break;
		}
	}
	if (c.data == (uintptr_t)t->buf)
		pay_fill(t, t->buf, c.len <= P.feat.max_inline_size ? c.len : 0, false);
	WHAT(t, "CALL len %u view %s reply_size %u timeout %lld flags %#x arg %p%s",
	     c.len, c.view ? "yes" : "no", c.reply_size, (long long)c.timeout_ns,
	     c.flags, arg, ro ? " (read-only)" : "");
	if (arg == &c && !ro) {
		pthread_mutex_lock(&P.lock);
		t->inflight = &c;
		t->inflight_obj = i;
		pthread_mutex_unlock(&P.lock);
	}
	fault_begin(t, var, t->buf, c.reply_size);
	if (ro)
		ret = ioctl_ro(t, fd, LRPC_IOC_CALL, &c, sizeof(c));
	else
		ret = sys(ioctl(fd, LRPC_IOC_CALL, arg));
	fault_end(t);
	pthread_mutex_lock(&P.lock);
	t->inflight = NULL;
	pthread_mutex_unlock(&P.lock);
	if (arg == &c && !ro && ret == -EMSGSIZE && c.msg.view_fd != -1)
		fail(t, "CALL -EMSGSIZE installed the reply's view as fd %d", c.msg.view_fd);
	if (arg == &c && !ro)
		take_view(t, &c.msg, !ret);
	if (judge(t, OP_CALL, var, ret, obj_put2(i, vi), e) && arg == &c &&
	    !ro && c.reply == (uintptr_t)t->buf) {
		if (!ret && (c.reply_len > c.reply_size || c.msg.kind != LRPC_MSG_REPLY ||
			     c.msg.msg_id != c.msg_id || !c.msg_id))
			fail(t, "CALL answered: reply_len %u of %u kind %u id %llu/%llu",
			     c.reply_len, c.reply_size, c.msg.kind,
			     (unsigned long long)c.msg.msg_id,
			     (unsigned long long)c.msg_id);
		else if (!ret)
			pay_check(t, t->buf, c.reply_len, &c.msg);
		if (ret == -EMSGSIZE && c.len <= P.feat.max_inline_size &&
		    c.reply_len <= c.reply_size)
			fail(t, "CALL -EMSGSIZE with reply_len %u in %u",
			     c.reply_len, c.reply_size);
	}
	t->faulting = false;
}

static void op_cancel(struct thr *t)
{
	int var = pick_var(t), i = -1, fd, ret, k;
	struct lrpc_cancel c;
	struct exp e = { .ok = true, .errs = es_of(ENOENT, 0) };
	void *arg = &c;

	memset(&c, 0, sizeof(c));
	if (var != V_BAD) {
		/* another thread's call in flight */
		pthread_mutex_lock(&P.lock);
		k = rng_below(&t->rng, NTHREADS);
		if (P.thr[k] && P.thr[k]->inflight) {
			c.msg_id = __atomic_load_n(&P.thr[k]->inflight->msg_id,
						   __ATOMIC_RELAXED);
			i = P.thr[k]->inflight_obj;
		}
		pthread_mutex_unlock(&P.lock);
		if (i >= 0 && !obj_hold(i, K_COMM))
			i = -1;
	}
	if (i < 0) {
		i = obj_pick(t, KM(K_COMM));
		if (i < 0)
			return;
		c.msg_id = rng_below(&t->rng, 4) ? rng_next(&t->rng) : 0;
	}
	fd = P.obj[i].fd;
	if (var == V_BAD) {
		switch (rng_below(&t->rng, 3)) {
		case 0:
			c.reserved[rng_below(&t->rng, 2)] = 1;
			e = exp_err(EINVAL);
			break;
		case 1:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		default:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_CANCEL, &i);
			e = exp_err(ENOTTY);
			break;
		}
	}
	WHAT(t, "CANCEL id %llu arg %p", (unsigned long long)c.msg_id, arg);
	fault_begin(t, var, NULL, 0);
	ret = sys(ioctl(fd, LRPC_IOC_CANCEL, arg));
	fault_end(t);
	judge(t, OP_CANCEL, var, ret, obj_put(i), e);
	t->faulting = false;
}

static void op_send(struct thr *t)
{
	int var = pick_var(t), i, vi = -1, fd, ret, verr = 0, burst = 1, n;
	struct lrpc_view_attach va;
	struct lrpc_send s;
	struct exp e;
	void *arg = &s;
	bool ro = false;

	memset(&s, 0, sizeof(s));
	i = obj_pick(t, KM(K_COMM) | KM(K_CONN));
	if (i < 0)
		return;
	fd = P.obj[i].fd;
	s.len = pick_len(t, V_VALID);
	s.data = (uintptr_t)t->buf;
	if (rng_pct(&t->rng, 15)) {
		vi = view_arg(t, &va, false, &verr);
		if (vi >= 0)
			s.view = (uintptr_t)&va;
	}
	e = (struct exp){ .ok = true,
			  .errs = es_of(ECONNRESET, EAGAIN, ENOBUFS, ENOMEM, 0) };
	if (var == V_BOUND) {
		if (rng_below(&t->rng, 2)) {
			s.len = pick_len(t, V_BOUND);
		} else {
			/* up to max_queue, and one more */
			s.len = rng_below(&t->rng, 32);
			burst = 80;
		}
	} else if (var == V_BAD) {
		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 8)) {
		case 0:
			s.flags = 1u << rng_below(&t->rng, 32);
			break;
		case 1:
			s.reserved[0] = 1;
			break;
		case 2:
			s.len = rng_below(&t->rng, 2) ? P.feat.max_inline_size + 1 : 0x80000000u;
			e = exp_err(EMSGSIZE);
			break;
		case 3:
			s.len = 1 + rng_below(&t->rng, 64);
			s.data = (uintptr_t)bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		case 4:
			obj_put(vi);
			vi = view_arg(t, &va, true, &verr);
			s.view = (uintptr_t)&va;
			e = exp_err(verr);
			break;
		case 5:
			ro = true;
			e = exp_err(EFAULT);
			es_add(&e.errs, ECONNRESET);
			es_add(&e.errs, EAGAIN);
			es_add(&e.errs, ENOBUFS);
			break;
		case 6:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		default:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_SEND, &i);
			e = exp_err(ENOTTY);
			break;
		}
	}
	if (s.data == (uintptr_t)t->buf)
		pay_fill(t, t->buf, s.len <= P.feat.max_inline_size ? s.len : 0, false);
	WHAT(t, "SEND on %s len %u view %s flags %#x arg %p burst %d%s",
	     i >= 0 ? kind_names[P.obj[i].kind] : "foreign", s.len,
	     s.view ? "yes" : "no", s.flags, arg, burst, ro ? " (read-only)" : "");
	for (n = 0; n < burst; n++) {
		s.msg_id = 0;
		fault_begin(t, var, NULL, 0);
		if (ro)
			ret = ioctl_ro(t, fd, LRPC_IOC_SEND, &s, sizeof(s));
		else
			ret = sys(ioctl(fd, LRPC_IOC_SEND, arg));
		fault_end(t);
		if (n + 1 < burst && !ret && !atomic_load(&sh->stop)) {
			atomic_fetch_add(&sh->count[OP_SEND][var], 1);
			atomic_fetch_add(&sh->okc[OP_SEND], 1);
			atomic_fetch_add(&sh->errs[0], 1);
			continue;
		}
		break;
	}
	if (judge(t, OP_SEND, var, ret, obj_put2(i, vi), e) && !ret &&
	    arg == &s && !ro && !s.msg_id)
		fail(t, "SEND: msg_id 0");
	t->faulting = false;
}

static void op_recv(struct thr *t)
{
	int var = pick_var(t), i, fd, ret;
	struct lrpc_recv r;
	struct exp e;
	void *arg = &r;
	bool ro = false;

	memset(&r, 0, sizeof(r));
	r.msg.view_fd = -1;
	i = obj_pick(t, KM(K_COMM));
	if (i < 0)
		return;
	fd = P.obj[i].fd;
	r.data = (uintptr_t)t->buf;
	r.size = pick_size(t);
	r.timeout_ns = pick_timeout(t, 8);
	e = (struct exp){ .ok = true,
			  .errs = es_of(ECONNRESET, ETIMEDOUT, EAGAIN, EMSGSIZE,
					ENOMEM, EMFILE, 0) };
	if (var == V_BOUND) {
		r.size = rng_below(&t->rng, 2) ? 0 : 0xffffffffu;
		r.timeout_ns = rng_below(&t->rng, 2) ? 0 : INT64_MIN;
		if (r.timeout_ns < 0 && rng_below(&t->rng, 4))
			r.timeout_ns = 0;	/* for ever only now and then */
		if (r.timeout_ns < 0)
			r.timeout_ns = 3 * MS;
	} else if (var == V_BAD) {
		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 6)) {
		case 0:
			r.flags = 1u << rng_below(&t->rng, 32);
			break;
		case 1:
			r.reserved[rng_below(&t->rng, 2)] = 1;
			break;
		case 2:
			r.data = (uintptr_t)(rng_below(&t->rng, 2) ? bad_ptr(t) : P.edge);
			r.size = rng_below(&t->rng, 2) ? 0xffffffffu : 4096;
			e = (struct exp){ .ok = true,
					  .errs = es_of(EFAULT, ECONNRESET, ETIMEDOUT,
							EAGAIN, EMSGSIZE, 0) };
			break;
		case 3:
			ro = true;
			e = (struct exp){ .errs = es_of(EFAULT, ECONNRESET, ETIMEDOUT,
							EAGAIN, 0) };
			break;
		case 4:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		default:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_RECV, &i);
			e = exp_err(ENOTTY);
			break;
		}
	}
	WHAT(t, "RECV size %u timeout %lld flags %#x arg %p%s", r.size,
	     (long long)r.timeout_ns, r.flags, arg, ro ? " (read-only)" : "");
	fault_begin(t, var, t->buf, r.size < 65536 ? r.size : 65536);
	if (ro)
		ret = ioctl_ro(t, fd, LRPC_IOC_RECV, &r, sizeof(r));
	else
		ret = sys(ioctl(fd, LRPC_IOC_RECV, arg));
	fault_end(t);
	if (arg == &r && !ro && ret == -EMSGSIZE && r.msg.view_fd != -1)
		fail(t, "RECV -EMSGSIZE installed a view");
	if (arg == &r && !ro)
		take_view(t, &r.msg, !ret);
	if (judge(t, OP_RECV, var, ret, obj_put(i), e) && arg == &r && !ro) {
		if (!ret && (r.msg.kind != LRPC_MSG_ONEWAY || !r.msg.msg_id ||
			     r.msg.len > r.size))
			fail(t, "RECV got kind %u id %llu len %u", r.msg.kind,
			     (unsigned long long)r.msg.msg_id, r.msg.len);
		else if (!ret && r.data == (uintptr_t)t->buf)
			pay_check(t, t->buf, r.msg.len, &r.msg);
		if (ret == -EMSGSIZE && var != V_BAD && r.msg.len <= r.size)
			fail(t, "RECV -EMSGSIZE for %u octets in %u", r.msg.len, r.size);
	}
	t->faulting = false;
}

static void op_section_create(struct thr *t)
{
	int var = pick_var(t), i, fd, ret;
	struct lrpc_section_create sc;
	struct lrpc_view_info vi;
	struct exp e;
	void *arg = &sc;
	bool ro = false;

	memset(&sc, 0, sizeof(sc));
	switch (rng_below(&t->rng, 8)) {
	case 0:
		sc.size = 1 + rng_below(&t->rng, 64);
		break;
	case 1:
		sc.size = (1 + rng_below(&t->rng, 1024)) * PAGE;
		break;
	default:
		sc.size = 1 + rng_below(&t->rng, 16 * PAGE);
		break;
	}
	e = (struct exp){ .ok = true, .errs = es_of(EDQUOT, ENOMEM, EMFILE, 0) };
	i = dev_pick(t);
	if (i < 0)
		return;
	fd = P.obj[i].fd;
	if (var == V_BOUND) {
		static const uint64_t sizes[] = { 1, PAGE - 1, PAGE, PAGE + 1 };
		uint32_t r = rng_below(&t->rng, 5);

		sc.size = r < 4 ? sizes[r] : P.feat.max_section_bytes;
	} else if (var == V_BAD) {
		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 8)) {
		case 0:
			sc.size = 0;
			break;
		case 1:
			sc.flags = 1u << rng_below(&t->rng, 32);
			break;
		case 2:
			sc.id = 1 + rng_below(&t->rng, 100);
			break;
		case 3:
			sc.reserved[rng_below(&t->rng, 2)] = 1;
			break;
		case 4:
			sc.size = rng_below(&t->rng, 2) ? P.feat.max_section_bytes + 1 : ~0ULL;
			e = exp_err(EFBIG);
			break;
		case 5:
			ro = true;
			e = (struct exp){ .errs = es_of(EFAULT, EDQUOT, 0) };
			break;
		case 6:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		default:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_SECTION_CREATE, &i);
			e = exp_err(ENOTTY);
			break;
		}
	}
	WHAT(t, "SECTION_CREATE size %llu flags %#x id %u arg %p%s",
	     (unsigned long long)sc.size, sc.flags, sc.id, arg, ro ? " (read-only)" : "");
	fault_begin(t, var, NULL, 0);
	if (ro)
		ret = ioctl_ro(t, fd, LRPC_IOC_SECTION_CREATE, &sc, sizeof(sc));
	else
		ret = sys(ioctl(fd, LRPC_IOC_SECTION_CREATE, arg));
	fault_end(t);
	if (!judge(t, OP_SECTION_CREATE, var, ret, obj_put(i), e) || ret < 0) {
		t->faulting = false;
		return;
	}
	t->faulting = false;
	memset(&vi, 0, sizeof(vi));
	if (!sc.id || ioctl(ret, LRPC_IOC_VIEW_INFO, &vi) || vi.section_id != sc.id ||
	    vi.offset || vi.len != sc.size || vi.flags != LRPC_VIEW_F_WRITE ||
	    !(fcntl(ret, F_GETFD) & FD_CLOEXEC))
		fail(t, "new section %u: VIEW_INFO id %u offset %llu len %llu flags %#x",
		     sc.id, vi.section_id, (unsigned long long)vi.offset,
		     (unsigned long long)vi.len, vi.flags);
	obj_add(ret, K_SEC, sc.size, true, false, true, sc.id, -1);
}

static void op_view_info(struct thr *t)
{
	int var = pick_var(t), i, fd, ret;
	struct lrpc_view_info vi;
	struct exp e = exp_ok();
	void *arg = &vi;
	struct obj o;

	memset(&vi, 0xa5, sizeof(vi));
	i = obj_pick(t, KM_VIEWS);
	if (i < 0)
		return;
	o = P.obj[i];
	fd = o.fd;
	if (var == V_BAD) {
		switch (rng_below(&t->rng, 3)) {
		case 0:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		case 1:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_VIEW_INFO, &i);
			e = exp_err(ENOTTY);
			break;
		default:
			fd = t->closed_fd;
			e = exp_err(EBADF);
			break;
		}
	}
	WHAT(t, "VIEW_INFO arg %p fd %d", arg, fd);
	fault_begin(t, var, NULL, 0);
	if (var == V_BOUND) {
		ret = ioctl_ro(t, fd, LRPC_IOC_VIEW_INFO, &vi, sizeof(vi));
		e = exp_err(EFAULT);
	} else {
		ret = sys(ioctl(fd, LRPC_IOC_VIEW_INFO, arg));
	}
	fault_end(t);
	if (judge(t, OP_VIEW_INFO, var, ret, obj_put(i), e) && !ret && arg == &vi &&
	    (vi.len != o.len || vi.flags != (o.write ? LRPC_VIEW_F_WRITE : 0u) ||
	     vi.section_id != o.sec_id || vi.offset % PAGE ||
	     vi.reserved[0] || vi.reserved[1]))
		fail(t, "VIEW_INFO: id %u/%u len %llu/%llu flags %#x offset %llu",
		     vi.section_id, o.sec_id, (unsigned long long)vi.len,
		     (unsigned long long)o.len, vi.flags,
		     (unsigned long long)vi.offset);
	t->faulting = false;
}

static void op_port_shutdown(struct thr *t)
{
	int var = pick_var(t), i, fd, ret;
	struct lrpc_port_shutdown s;
	struct exp e = exp_ok();
	void *arg = &s;

	memset(&s, 0, sizeof(s));
	i = obj_pick(t, KM(K_PORT));
	if (i < 0)
		return;
	fd = P.obj[i].fd;
	/* mostly resume: a port shut down for good would starve the callers */
	s.flags = rng_below(&t->rng, 3) ? LRPC_SHUTDOWN_F_RESUME : 0;
	if (var == V_BAD) {
		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 4)) {
		case 0:
			s.flags |= 2u << rng_below(&t->rng, 31);
			break;
		case 1:
			s.reserved[rng_below(&t->rng, 3)] = 1;
			break;
		case 2:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		default:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_PORT_SHUTDOWN, &i);
			e = exp_err(ENOTTY);
			break;
		}
	}
	WHAT(t, "PORT_SHUTDOWN flags %#x arg %p", s.flags, arg);
	fault_begin(t, var, NULL, 0);
	ret = sys(ioctl(fd, LRPC_IOC_PORT_SHUTDOWN, arg));
	fault_end(t);
	judge(t, OP_PORT_SHUTDOWN, var, ret, obj_put(i), e);
	t->faulting = false;
}

static void op_unknown_ioctl(struct thr *t)
{
	static const unsigned long valid[] = {
		LRPC_IOC_GET_FEATURES, LRPC_IOC_PORT_CREATE, LRPC_IOC_CONNECT,
		LRPC_IOC_ACCEPT, LRPC_IOC_REPLY_RECV, LRPC_IOC_CALL,
		LRPC_IOC_CANCEL, LRPC_IOC_SEND, LRPC_IOC_RECV,
		LRPC_IOC_SECTION_CREATE, LRPC_IOC_VIEW_INFO, LRPC_IOC_PORT_SHUTDOWN,
	};
	int i = obj_pick(t, KM_ALL), ret;
	unsigned long cmd;
	char arg[256] = { 0 };
	size_t k;

	if (i < 0)
		return;
	switch (rng_below(&t->rng, 4)) {
	case 0:		/* a number after the last */
		cmd = _IOWR(LRPC_IOC_MAGIC, 0x0c + rng_below(&t->rng, 0xf4), struct lrpc_call);
		break;
	case 1:		/* a known number with the wrong size */
		cmd = _IOC(_IOC_READ | _IOC_WRITE, LRPC_IOC_MAGIC,
			   rng_below(&t->rng, 0x0c), 1 + rng_below(&t->rng, 200));
		break;
	case 2:		/* a known number in the wrong direction */
		cmd = _IOC(_IOC_NONE, LRPC_IOC_MAGIC, rng_below(&t->rng, 0x0c), 0);
		break;
	default:
		cmd = _IOC(rng_below(&t->rng, 4), LRPC_IOC_MAGIC,
			   rng_below(&t->rng, 256), rng_below(&t->rng, 256));
		break;
	}
	for (k = 0; k < sizeof(valid) / sizeof(valid[0]); k++)
		if (cmd == valid[k])
			cmd ^= 1UL << 16;	/* changes the size field */
	WHAT(t, "ioctl %#lx on %s fd", cmd, kind_names[P.obj[i].kind]);
	ret = sys(ioctl(P.obj[i].fd, cmd, arg));
	judge(t, OP_UNKNOWN_IOCTL, V_BAD, ret, obj_put(i), exp_err(ENOTTY));
}

static void op_closed_fd(struct thr *t)
{
	static const unsigned long cmds[] = {
		LRPC_IOC_GET_FEATURES, LRPC_IOC_REPLY_RECV, LRPC_IOC_CALL,
		LRPC_IOC_SEND, LRPC_IOC_VIEW_INFO,
	};
	char arg[256] = { 0 };
	unsigned long cmd = cmds[rng_below(&t->rng, 5)];
	int ret;

	/* really closed: it was an lrpc fd a moment ago */
	if (rng_below(&t->rng, 2) && dup2(P.nullfd, t->closed_fd) == t->closed_fd)
		close(t->closed_fd);
	WHAT(t, "ioctl %#lx on closed fd %d", cmd, t->closed_fd);
	ret = sys(ioctl(t->closed_fd, cmd, arg));
	judge(t, OP_CLOSED_FD, V_BAD, ret, false, exp_err(EBADF));
}

static void op_dup(struct thr *t)
{
	int i = obj_pick(t, KM_ALL & ~KM(K_DEV)), fd, how = rng_below(&t->rng, 3);
	struct obj o;
	bool dead;

	if (i < 0)
		return;
	o = P.obj[i];
	WHAT(t, "dup %s fd %d (%d)", kind_names[o.kind], o.fd, how);
	if (how == 0)
		fd = sys(dup(o.fd));
	else if (how == 1)
		fd = sys(fcntl(o.fd, F_DUPFD_CLOEXEC, 3));
	else
		fd = sys(fcntl(o.fd, F_DUPFD, 3));
	dead = obj_put(i);
	/* closed under us, it may have been the /dev/null in its place */
	if (judge(t, OP_DUP, V_VALID, fd, dead,
		  (struct exp){ .ok = true, .errs = es_of(EMFILE, 0) }) &&
	    fd >= 0 && !dead)
		obj_add(fd, o.kind, o.len, o.write, o.received, how == 1, o.sec_id, o.name);
	else if (fd >= 0)
		close(fd);
}

static void op_fcntl(struct thr *t)
{
	int i = obj_pick(t, KM_ALL), fl;
	struct obj o;
	bool dead;

	if (i < 0)
		return;
	o = P.obj[i];
	WHAT(t, "fcntl F_GETFD/F_GETFL on %s fd %d", kind_names[o.kind], o.fd);
	fl = sys(fcntl(o.fd, F_GETFD));
	dead = obj_put(i);
	if (judge(t, OP_FCNTL, V_VALID, fl, dead, exp_ok()) && !dead &&
	    fl >= 0 && !!(fl & FD_CLOEXEC) != o.cloexec && o.kind != K_DEV)
		fail(t, "FD_CLOEXEC is %d, expected %d", !!(fl & FD_CLOEXEC), o.cloexec);
}

/* What poll may say of each kind of fd. */
static short poll_allowed(int kind)
{
	switch (kind) {
	case K_PORT:
		return POLLIN | POLLRDNORM;
	case K_COMM:
		return POLLIN | POLLRDNORM | POLLOUT | POLLWRNORM | POLLHUP;
	case K_CONN:
		return POLLOUT | POLLWRNORM | POLLHUP;
	default:	/* no ->poll: the default mask */
		return POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM;
	}
}

static void op_poll(struct thr *t)
{
	int i = obj_pick(t, KM_ALL), ret;
	struct pollfd pfd;
	struct obj o;
	bool dead;

	if (i < 0)
		return;
	o = P.obj[i];
	pfd = (struct pollfd){ .fd = o.fd,
			       .events = POLLIN | POLLOUT | POLLRDNORM | POLLWRNORM };
	if (rng_below(&t->rng, 4) == 0) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLOUT }, out[2];
		int ep = epoll_create1(EPOLL_CLOEXEC);

		WHAT(t, "epoll on %s fd %d", kind_names[o.kind], o.fd);
		ret = sys(epoll_ctl(ep, EPOLL_CTL_ADD, o.fd, &ev));
		if (!ret)
			ret = sys(epoll_wait(ep, out, 2, rng_below(&t->rng, 3)));
		close(ep);
		dead = obj_put(i);
		/* ->poll-less files cannot be added to an epoll */
		if (judge(t, OP_POLL, V_VALID, ret, dead,
			  (struct exp){ .ok = true, .errs = es_of(EPERM, 0) }) &&
		    ret > 0 && (out[0].events & ~(uint32_t)poll_allowed(o.kind)))
			fail(t, "epoll says %#x", out[0].events);
		return;
	}
	WHAT(t, "poll on %s fd %d", kind_names[o.kind], o.fd);
	ret = sys(poll(&pfd, 1, rng_below(&t->rng, 3)));
	dead = obj_put(i);
	if (!judge(t, OP_POLL, V_VALID, ret, dead, exp_ok()) || dead || ret <= 0)
		return;
	if (pfd.revents & ~poll_allowed(o.kind))
		fail(t, "poll says %#x", pfd.revents);
	if ((o.kind == K_COMM || o.kind == K_CONN) &&
	    !(pfd.revents & POLLOUT) == !(pfd.revents & POLLHUP))
		fail(t, "poll says %#x: exactly one of POLLOUT and POLLHUP", pfd.revents);
}

static void op_rw(struct thr *t)
{
	int i = obj_pick(t, KM_ALL), ret, how = rng_below(&t->rng, 3);
	struct exp e = (struct exp){ .errs = es_of(EINVAL, EBADF, 0) };
	char buf[16];

	if (i < 0)
		return;
	WHAT(t, "%s on %s fd", how == 0 ? "read" : how == 1 ? "write" : "lseek",
	     kind_names[P.obj[i].kind]);
	if (how == 0)
		ret = sys(read(P.obj[i].fd, buf, sizeof(buf)));
	else if (how == 1)
		ret = sys(write(P.obj[i].fd, "x", 1));
	else
		ret = sys(lseek(P.obj[i].fd, rng_below(&t->rng, 100), SEEK_SET));
	if (how == 2)
		e = exp_ok();	/* noop_llseek */
	judge(t, OP_RW, how == 2 ? V_VALID : V_BAD, ret, obj_put(i), e);
}

/* ---- mappings ---- */

static int map_add(char *addr, size_t len, bool write, uint32_t sec_id,
		   uint64_t pg0)
{
	int k;

	pthread_mutex_lock(&P.lock);
	for (k = 0; k < MAX_MAPS; k++)
		if (!P.map[k].used)
			break;
	if (k < MAX_MAPS)
		P.map[k] = (struct mapping){ .addr = addr, .len = len, .used = 1,
					     .write = write, .sec_id = sec_id,
					     .pg0 = pg0 };
	pthread_mutex_unlock(&P.lock);
	if (k == MAX_MAPS)
		munmap(addr, len);
	return k;
}

/* A mapping, held; @excl: nobody else may touch it meanwhile. */
static int map_pick(struct thr *t, bool excl)
{
	int idx[MAX_MAPS], n = 0, k;

	pthread_mutex_lock(&P.lock);
	for (k = 0; k < MAX_MAPS; k++)
		if (P.map[k].used && !P.map[k].dead && !P.map[k].excl &&
		    (!excl || !P.map[k].users))
			idx[n++] = k;
	k = n ? idx[rng_below(&t->rng, n)] : -1;
	if (k >= 0) {
		P.map[k].users++;
		P.map[k].excl = excl;
	}
	pthread_mutex_unlock(&P.lock);
	return k;
}

static void map_put(int k)
{
	pthread_mutex_lock(&P.lock);
	P.map[k].excl = 0;
	if (--P.map[k].users == 0 && P.map[k].dead) {
		munmap(P.map[k].addr, P.map[k].len);
		P.map[k].used = 0;
	}
	pthread_mutex_unlock(&P.lock);
}

static void op_mmap(struct thr *t)
{
	int var = pick_var(t), i, fd, prot, flags, ret;
	size_t pages, len, off = 0;
	struct exp e = (struct exp){ .ok = true, .errs = es_of(ENOMEM, 0) };
	struct lrpc_view_info vi;
	struct obj o;
	bool dead;
	char *p;

	if (obj_count(KM_VIEWS) == 0 || (var == V_VALID && MAX_MAPS <= obj_count(0)))
		return;
	i = obj_pick(t, var == V_BAD ? KM_ALL : KM_VIEWS);
	if (i < 0)
		return;
	o = P.obj[i];
	fd = o.fd;
	pages = (o.len + PAGE - 1) / PAGE;
	prot = PROT_READ | (o.write && rng_below(&t->rng, 2) ? PROT_WRITE : 0);
	flags = rng_below(&t->rng, 4) ? MAP_SHARED : MAP_PRIVATE;
	if (o.kind == K_SEC) {
		/* the creator may map any page range */
		off = rng_below(&t->rng, pages);
		len = 1 + rng_below(&t->rng, pages - off < MAP_MAX_PAGES ?
					     pages - off : MAP_MAX_PAGES);
	} else {
		len = pages;	/* a received view: whole */
	}
	if (var == V_BOUND && o.kind == K_SEC) {
		off = pages - 1;
		len = 1;
	}
	if (var == V_BAD) {
		e = exp_err(EINVAL);
		if (o.kind != K_SEC && o.kind != K_VIEW) {
			e = exp_err(ENODEV);	/* no ->mmap */
			len = 1;
			off = 0;
		} else {
			switch (rng_below(&t->rng, 4)) {
			case 0:
				off = pages;
				len = 1;
				break;
			case 1:
				len = pages - off + 1;
				break;
			case 2:
				if (o.kind == K_VIEW && pages > 1) {
					len = pages - 1;
					break;
				}
				/* fall through */
			default:
				if (!o.write) {
					prot |= PROT_WRITE;
					e = exp_err(EACCES);
				} else {
					len = pages - off + 1;
				}
				break;
			}
		}
	}
	WHAT(t, "mmap %s (len %llu%s%s) pages %zu+%zu prot %#x %s", kind_names[o.kind],
	     (unsigned long long)o.len, o.write ? ", writable" : "",
	     o.received ? ", received" : "", off, len, prot,
	     flags == MAP_SHARED ? "shared" : "private");
	p = mmap(NULL, len * PAGE, prot, flags, fd, off * PAGE);
	ret = p == MAP_FAILED ? -errno : 0;
	memset(&vi, 0, sizeof(vi));
	if (p != MAP_FAILED && ioctl(fd, LRPC_IOC_VIEW_INFO, &vi))
		vi.section_id = 0;	/* closed under us: no tags */
	dead = obj_put(i);
	if (judge(t, OP_MMAP, var, ret, dead, e) && p != MAP_FAILED)
		map_add(p, len * PAGE, prot & PROT_WRITE, dead ? 0 : vi.section_id,
			vi.offset / PAGE + off);
	else if (p != MAP_FAILED)
		munmap(p, len * PAGE);
}

static void op_munmap(struct thr *t)
{
	int k;

	pthread_mutex_lock(&P.lock);
	k = rng_below(&t->rng, MAX_MAPS);
	if (P.map[k].used && !P.map[k].dead) {
		WHAT(t, "munmap %zu octets", P.map[k].len);
		if (!P.map[k].users) {
			munmap(P.map[k].addr, P.map[k].len);
			P.map[k].used = 0;
		} else {
			P.map[k].dead = 1;
		}
		k = -1;
	}
	pthread_mutex_unlock(&P.lock);
	if (k < 0)
		judge(t, OP_MUNMAP, V_VALID, 0, false, exp_ok());
}

static void op_touch(struct thr *t)
{
	int k = map_pick(t, false), n;
	volatile char *p;
	size_t pages;

	if (k < 0)
		return;
	p = (volatile char *)P.map[k].addr;
	pages = P.map[k].len / PAGE;
	WHAT(t, "touch %zu pages of section %u from page %llu%s", pages,
	     P.map[k].sec_id, (unsigned long long)P.map[k].pg0,
	     P.map[k].write ? ", writing" : "");
	for (n = 0; n < 8; n++) {
		size_t pg = rng_below(&t->rng, pages);
		struct tag want = { TAG_MAGIC, P.map[k].sec_id,
				    (uint32_t)(P.map[k].pg0 + pg) }, got;

		memcpy(&got, (const void *)(p + pg * PAGE), sizeof(got));
		if (P.map[k].sec_id && (got.magic || got.sec_id || got.page) &&
		    memcmp(&got, &want, sizeof(got))) {
			fail(t, "page %zu of the mapping shows section %u page %u (tag %#llx)",
			     pg, got.sec_id, got.page, (unsigned long long)got.magic);
			break;
		}
		if (!P.map[k].write)
			continue;
		if (P.map[k].sec_id)
			memcpy((void *)(p + pg * PAGE), &want, sizeof(want));
		p[pg * PAGE + sizeof(want) + rng_below(&t->rng, PAGE - sizeof(want))] = (char)n;
	}
	map_put(k);
	judge(t, OP_TOUCH, V_VALID, 0, false, exp_ok());
}

static void op_vma(struct thr *t)
{
	int k = map_pick(t, true), ret, how = rng_below(&t->rng, 4), var = V_VALID;
	struct exp e = exp_ok();
	struct mapping *m;
	size_t pages;
	void *q;

	if (k < 0)
		return;
	m = &P.map[k];
	pages = m->len / PAGE;
	switch (how) {
	case 0:		/* split it: vm_open on the new half */
		WHAT(t, "mprotect read-only the tail of %zu pages", pages);
		ret = sys(mprotect(m->addr + (pages > 1 ? PAGE : 0),
				   pages > 1 ? m->len - PAGE : m->len, PROT_READ));
		m->write = 0;
		break;
	case 1:		/* VM_DONTEXPAND: never grows */
		WHAT(t, "mremap %zu pages to %zu", pages, pages + 1);
		q = mremap(m->addr, m->len, m->len + PAGE, MREMAP_MAYMOVE);
		ret = q == MAP_FAILED ? -errno : 0;
		if (q != MAP_FAILED) {
			m->addr = q;
			m->len += PAGE;
		}
		var = V_BAD;
		e = exp_err(EFAULT);
		break;
	case 2:
		WHAT(t, "madvise DONTNEED %zu pages", pages);
		ret = sys(madvise(m->addr, m->len, MADV_DONTNEED));
		e.errs = es_of(ENOSYS, 0);	/* CONFIG_ADVISE_SYSCALLS=n */
		break;
	default:
		if (pages < 2) {
			WHAT(t, "mprotect PROT_READ");
			ret = sys(mprotect(m->addr, m->len, PROT_READ));
			m->write = 0;
			break;
		}
		WHAT(t, "mremap shrink %zu pages by one", pages);
		q = mremap(m->addr, m->len, m->len - PAGE, 0);
		ret = q == MAP_FAILED ? -errno : 0;
		if (!ret)
			m->len -= PAGE;
		break;
	}
	map_put(k);
	judge(t, OP_VMA, var, ret, false, e);
}

/* mprotect(PROT_WRITE) of a read-only view's mapping must fail. */
static void op_vma_ro(struct thr *t)
{
	int i = obj_pick(t, KM(K_VIEW)), ret;
	size_t len;
	char *p;

	if (i < 0)
		return;
	if (P.obj[i].write) {
		obj_put(i);
		return;
	}
	len = (P.obj[i].len + PAGE - 1) / PAGE * PAGE;
	WHAT(t, "mprotect PROT_WRITE on a read-only view of %zu", len);
	p = mmap(NULL, len, PROT_READ, rng_below(&t->rng, 2) ? MAP_SHARED : MAP_PRIVATE,
		 P.obj[i].fd, 0);
	ret = p == MAP_FAILED ? -errno : sys(mprotect(p, len, PROT_READ | PROT_WRITE));
	if (p != MAP_FAILED)
		munmap(p, len);
	judge(t, OP_VMA, V_BAD, ret, obj_put(i),
	      (struct exp){ .errs = es_of(EACCES, ENOMEM, 0) });
}

/* ---- fork children, killed or cancelled mid-call ---- */

enum { CH_CALL, CH_RECV, CH_CONNECT, CH_MMAP, NCH };

static void __attribute__((noreturn)) child_run(struct thr *t, int what, int fd,
						pid_t parent, size_t len,
						struct lrpc_connect *cn)
{
	struct lrpc_reply_recv rr;
	int ret;
	void *p;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(0);
	switch (what) {
	case CH_CALL:
		ret = ioctl(fd, LRPC_IOC_CALL, &sh->ccall[P.slot][t->idx]);
		break;
	case CH_RECV:
		memset(&rr, 0, sizeof(rr));
		rr.data = (uintptr_t)t->buf;
		rr.size = P.feat.max_inline_size;
		rr.timeout_ns = 30 * MS;
		ret = ioctl(fd, LRPC_IOC_REPLY_RECV, &rr);
		break;
	case CH_CONNECT:
		ret = ioctl(fd, LRPC_IOC_CONNECT, cn);
		break;
	default:
		/* a received view maps only in the mm that received it */
		p = mmap(NULL, len, PROT_READ, MAP_SHARED, fd, 0);
		_exit(p == MAP_FAILED ? errno : EXIT_BAD);
	}
	_exit(ret < 0 ? errno : 0);
}

static void op_fork(struct thr *t)
{
	int what = rng_below(&t->rng, NCH), i, st, ret, waited;
	static const unsigned int kinds[NCH] = {
		KM(K_COMM), KM(K_PORT), KM(K_DEV), KM(K_VIEW),
	};
	struct lrpc_call *c = &sh->ccall[P.slot][t->idx];
	struct lrpc_connect cn;
	struct exp e;
	pid_t pid, parent = getpid();
	size_t len = 0;

	i = obj_pick(t, kinds[what]);
	if (i < 0)
		return;
	if (what == CH_MMAP && !P.obj[i].received) {
		obj_put(i);
		return;
	}
	len = (P.obj[i].len + PAGE - 1) / PAGE * PAGE;
	memset(c, 0, sizeof(*c));
	c->len = pick_len(t, V_VALID) % 2048;
	c->data = (uintptr_t)t->buf;
	c->reply = (uintptr_t)t->buf;
	c->reply_size = 4096;
	c->timeout_ns = (int64_t)(5 + rng_below(&t->rng, 100)) * MS;
	if (rng_below(&t->rng, 8) == 0)
		c->timeout_ns = -1;	/* it will be killed, or cancelled */
	pay_fill(t, t->buf, c->len, true);
	memset(&cn, 0, sizeof(cn));
	lrpc_setname(cn.name, P.names[rng_below(&t->rng, NNAMES)]);
	cn.timeout_ns = (int64_t)(5 + rng_below(&t->rng, 60)) * MS;
	WHAT(t, "fork a child to %s on %s fd",
	     (const char *[]){ "CALL", "REPLY_RECV", "CONNECT", "mmap" }[what],
	     kind_names[P.obj[i].kind]);

	pthread_rwlock_wrlock(&P.forklock);
	pid = fork();
	if (pid == 0)
		child_run(t, what, P.obj[i].fd, parent, len, &cn);
	pthread_rwlock_unlock(&P.forklock);
	if (pid < 0) {
		judge(t, OP_FORK, V_VALID, -errno, obj_put(i),
		      (struct exp){ .errs = es_of(EAGAIN, ENOMEM, 0) });
		return;
	}
	/* kill it mid-call, cancel its call, or let it finish */
	waited = rng_below(&t->rng, 4) ? (int)rng_below(&t->rng, 4000) : 200000;
	if (what == CH_CALL && rng_below(&t->rng, 3) == 0) {
		uint64_t id = 0;
		int n;

		for (n = 0; n < 200 && !id; n++) {
			usleep(100);
			id = __atomic_load_n(&c->msg_id, __ATOMIC_RELAXED);
		}
		if (id)
			lrpc_cancel(P.obj[i].fd, id);
	}
	while (waited > 0 && waitpid(pid, &st, WNOHANG) == 0) {
		usleep(500);
		waited -= 500;
	}
	if (waited > 0) {
		ret = 0;	/* already reaped */
	} else {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		atomic_fetch_add(&sh->kills, 1);
		ret = 0;
	}
	switch (what) {
	case CH_CALL:
		e = (struct exp){ .ok = true,
				  .errs = es_of(ECONNRESET, ETIMEDOUT, ECANCELED,
						EMSGSIZE, EAGAIN, EBUSY, ENOBUFS,
						ENOMEM, EMFILE, 0) };
		break;
	case CH_RECV:
		e = (struct exp){ .ok = true,
				  .errs = es_of(ETIMEDOUT, EAGAIN, EMSGSIZE,
						ESHUTDOWN, ENOMEM, EMFILE, 0) };
		break;
	case CH_CONNECT:
		e = (struct exp){ .ok = true,
				  .errs = es_of(ENOENT, EACCES, EAGAIN, ECONNREFUSED,
						ECONNRESET, ETIMEDOUT, ENOBUFS,
						ENOMEM, EMFILE, 0) };
		break;
	default:
		/* a received view maps only in the mm that received it */
		e = exp_err(EACCES);
		break;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == EXIT_BAD)
		ret = 0;	/* it mapped */
	else if (WIFEXITED(st))
		ret = -WEXITSTATUS(st);
	else if (!WIFSIGNALED(st) || WTERMSIG(st) != SIGKILL)
		fail(t, "fork child ended with status %#x", st);
	else if (what == CH_MMAP)
		ret = -EACCES;	/* killed before it could tell */
	judge(t, OP_FORK, V_VALID, ret, obj_put(i), e);
}

/* ---- netlink dumps from a worker (its own user and net namespaces) ---- */

static void op_netlink(struct thr *t)
{
	int var = rng_below(&t->rng, 4) ? V_VALID : V_BAD, ret, cmd = 1 + rng_below(&t->rng, 3);
	struct exp e = exp_ok();
	uint32_t v32 = 0x7fffffff;
	uint8_t v8 = 1;

	if (t->nlfd < 0) {
		t->nlfd = nl_open();
		t->nlfam = t->nlfd < 0 ? -1 : nl_family(t->nlfd);
		if (t->nlfam < 0) {
			fail(t, "no generic netlink family %s: %d", LRPC_GENL_NAME, t->nlfam);
			return;
		}
	}
	if (var == V_VALID) {
		WHAT(t, "netlink dump cmd %d", cmd);
		ret = nl_dump(t->nlfd, t->nlfam, cmd,
			      cmd == LRPC_CMD_GET_CONN && rng_below(&t->rng, 2) ? LRPC_CONN_A_PORT_ID : 0,
			      &v32, 4, false, NULL, NULL);
	} else {
		switch (rng_below(&t->rng, 4)) {
		case 0:
			WHAT(t, "netlink dump cmd %d with an attribute", LRPC_CMD_GET_PORT);
			ret = nl_dump(t->nlfd, t->nlfam, LRPC_CMD_GET_PORT,
				      LRPC_PORT_A_ID, &v32, 4, false, NULL, NULL);
			e = exp_err(EINVAL);
			break;
		case 1:
			WHAT(t, "netlink GET_CONN with a u8 port id");
			ret = nl_dump(t->nlfd, t->nlfam, LRPC_CMD_GET_CONN,
				      LRPC_CONN_A_PORT_ID, &v8, 1, false, NULL, NULL);
			e = exp_err(EINVAL);
			break;
		case 2:
			WHAT(t, "netlink cmd %d without NLM_F_DUMP", cmd);
			ret = nl_dump(t->nlfd, t->nlfam, cmd, 0, NULL, 0, true, NULL, NULL);
			e = exp_err(EOPNOTSUPP);
			break;
		default:
			cmd = rng_below(&t->rng, 2) ? 0 : LRPC_CMD_MAX + 1 + rng_below(&t->rng, 50);
			WHAT(t, "netlink unknown cmd %d", cmd);
			ret = nl_dump(t->nlfd, t->nlfam, cmd, 0, NULL, 0, false, NULL, NULL);
			e = exp_err(EOPNOTSUPP);
			break;
		}
	}
	if (ret > 0)
		ret = 0;
	judge(t, OP_NETLINK, var, ret, false, e);
}

/*
 * A thread that takes a fresh ipc namespace, makes a port there and dies:
 * the port (kept in the table) outlives the namespace.  In a fresh
 * namespace no name can be taken.
 */
struct hop {
	struct thr *t;
	int ret, uerr, cerr;
};

static void *hop_thread(void *arg)
{
	struct hop *h = arg;
	int dev;

	if (unshare(CLONE_NEWIPC)) {
		h->uerr = errno;
		return NULL;
	}
	dev = lrpc_open();
	h->ret = lrpc_port(dev, P.hopname, LRPC_MODE_ALL, 0);
	h->cerr = lrpc_connect_ex(dev, P.names[rng_below(&h->t->rng, NNAMES)],
				  NULL, 0, NULL, 0, NULL, 0, NULL);
	close(dev);
	return NULL;
}

static void op_ns_hop(struct thr *t)
{
	struct hop h = { .t = t };
	pthread_t pt;

	WHAT(t, "a thread in a new ipc namespace creates port %.20s", P.hopname);
	if (pthread_create(&pt, NULL, hop_thread, &h))
		return;
	pthread_join(pt, NULL);
	if (h.uerr)	/* not allowed here (uid 1001) */
		return;
	atomic_fetch_add(&sh->hops, 1);
	if (h.ret == -EADDRINUSE)
		fail(t, "a port of a dead ipc namespace holds its name in a new one");
	else if (h.cerr >= 0 || (h.cerr != -ENOENT && h.cerr != -ENOMEM && h.cerr != -ENOBUFS))
		fail(t, "CONNECT in a fresh ipc namespace: %d", h.cerr);
	if (h.cerr >= 0)
		close(h.cerr);
	judge(t, OP_NS_HOP, V_VALID, h.ret, false,
	      (struct exp){ .ok = true, .errs = es_of(ENOBUFS, ENOMEM, EMFILE, 0) });
	if (h.ret >= 0)
		obj_add(h.ret, K_PORT, 0, false, false, true, 0, -1);
}

/* ---- the worker ---- */

static void run_op(struct thr *t)
{
	uint32_t r = rng_below(&t->rng, 1000);
	int free_objs = MAX_OBJS - obj_count(KM_ALL);

	if (free_objs < 6 && r % 3 == 0) {
		obj_close_random(t);
		return;
	}
	/* thread 0 (and now and then 1) serves its process's ports */
	if ((t->idx == 0 && r < 500) || (t->idx == 1 && r < 150)) {
		op_reply_recv(t, true, -1, 0);
		return;
	}
	r = rng_below(&t->rng, 1000);
	if (r < 40)
		op_features(t);
	else if (r < 90)
		op_port_create(t);
	else if (r < 170)
		op_connect(t);
	else if (r < 190)
		op_accept(t, -1, 0);
	else if (r < 270)
		op_reply_recv(t, false, -1, 0);
	else if (r < 400)
		op_call(t);
	else if (r < 430)
		op_cancel(t);
	else if (r < 500)
		op_send(t);
	else if (r < 550)
		op_recv(t);
	else if (r < 590)
		op_section_create(t);
	else if (r < 610)
		op_view_info(t);
	else if (r < 625)
		op_port_shutdown(t);
	else if (r < 640)
		op_unknown_ioctl(t);
	else if (r < 650)
		op_closed_fd(t);
	else if (r < 710)
		obj_close_random(t);
	else if (r < 730)
		op_dup(t);
	else if (r < 750)
		op_poll(t);
	else if (r < 760)
		op_rw(t);
	else if (r < 770)
		op_fcntl(t);
	else if (r < 810)
		op_mmap(t);
	else if (r < 830)
		op_munmap(t);
	else if (r < 870)
		op_touch(t);
	else if (r < 885)
		op_vma(t);
	else if (r < 890)
		op_vma_ro(t);
	else if (r < 925)
		op_fork(t);
	else if (r < 945)
		op_netlink(t);
	else if (r < 950)
		op_ns_hop(t);
	else
		op_call(t);
}

static void *thread_main(void *arg)
{
	struct thr *t = arg;
	char path[64];

	snprintf(path, sizeof(path), "/proc/thread-self/fail-nth");
	t->failfd = sh->fault ? open(path, O_RDWR | O_CLOEXEC) : -1;
	for (;;) {
		long n = atomic_fetch_add(&sh->ops, 1);

		if (n >= sh->max_ops || atomic_load(&sh->stop))
			break;
		if ((n & 31) == 0 && now_ms() > sh->deadline) {
			atomic_store(&sh->stop, 1);
			break;
		}
		t->opno = n;
		t->what[0] = 0;
		run_op(t);
	}
	if (t->failfd >= 0)
		close(t->failfd);
	if (t->nlfd >= 0)
		close(t->nlfd);
	return NULL;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), ret = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		ret = -errno;
	close(fd);
	return ret;
}

/* Namespaces and credentials of @slot's worker; a note says what failed. */
static void worker_setup(int slot)
{
	const struct wcfg *c = &cfgs[slot];
	int flags = 0;

	if (c->userns)
		flags |= CLONE_NEWUSER;
	if (c->ipcns)
		flags |= CLONE_NEWIPC;
	if (c->netns)
		flags |= CLONE_NEWNET;
	if (flags && unshare(flags))
		snprintf(sh->note[slot], sizeof(sh->note[slot]),
			 "unshare(%#x): %s", flags, strerror(errno));
	if (c->userns && c->map && !sh->note[slot][0]) {
		write_file("/proc/self/setgroups", "deny");
		if (write_file("/proc/self/uid_map", "0 0 1") ||
		    write_file("/proc/self/gid_map", "0 0 1"))
			snprintf(sh->note[slot], sizeof(sh->note[slot]),
				 "uid_map: %s", strerror(errno));
	}
	if (c->uid) {
		if (setgroups(0, NULL) || setresgid(c->uid, c->uid, c->uid) ||
		    setresuid(c->uid, c->uid, c->uid))
			snprintf(sh->note[slot], sizeof(sh->note[slot]),
				 "setresuid(%u): %s", c->uid, strerror(errno));
		/* so that /proc/thread-self/fail-nth stays ours */
		prctl(PR_SET_DUMPABLE, 1);
	}
}

static void __attribute__((noreturn)) worker_main(int slot, unsigned int gen)
{
	struct thr thr[NTHREADS];
	struct sigaction sa = { .sa_sigaction = crash_handler,
				.sa_flags = SA_SIGINFO };
	char *mem;
	int k, n;

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	worker_setup(slot);
	memset(&P, 0, sizeof(P));
	pthread_mutex_init(&P.lock, NULL);
	pthread_rwlock_init(&P.forklock, NULL);
	P.slot = slot;
	P.gen = gen;
	P.cfg = &cfgs[slot];
	P.nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (pipe2(P.pipefd, O_CLOEXEC))
		fail(NULL, "pipe: %s", strerror(errno));
	mem = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(mem + PAGE, PAGE, PROT_NONE);
	P.guard = mem + PAGE;
	P.edge = P.guard - 64;
	for (k = 0; k < NNAMES; k++) {
		n = snprintf(P.names[k], LRPC_NAME_MAX, "rs.%d.%d", sh->sup, k);
		if (k == NNAMES - 1)	/* the longest name there is */
			memset(P.names[k] + n, 'L', LRPC_NAME_MAX - 1 - n);
	}
	snprintf(P.hopname, sizeof(P.hopname), "rs.%d.hop", sh->sup);
	k = lrpc_open();
	if (k < 0 || ioctl(k, LRPC_IOC_GET_FEATURES, &P.feat))
		fail(NULL, "worker: /dev/lrpc: %s", strerror(errno));
	obj_add(k, K_DEV, 0, false, false, true, 0, -1);
	for (k = 0; k < NTHREADS; k++) {
		struct thr *t = &thr[k];

		memset(t, 0, sizeof(*t));
		t->idx = k;
		t->rng = rng_seed(sh->seed, slot, gen, k);
		t->nlfd = -1;
		t->closed_fd = 900 + k;
		t->buf = mmap(NULL, P.feat.max_inline_size + 2 * PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		t->rop = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t->buf == MAP_FAILED || t->rop == MAP_FAILED)
			fail(NULL, "worker: mmap: %s", strerror(errno));
		P.thr[k] = t;
	}
	for (k = 1; k < NTHREADS; k++)
		pthread_create(&thr[k].pt, NULL, thread_main, &thr[k]);
	thread_main(&thr[0]);
	for (k = 1; k < NTHREADS; k++)
		pthread_join(thr[k].pt, NULL);
	/* half the time leave the closing to exit() */
	if (rng_below(&thr[0].rng, 2))
		for (k = 0; k < MAX_OBJS; k++)
			if (P.obj[k].used)
				close(P.obj[k].fd);
	_exit(0);
}

/* ---- the supervisor ---- */

static void spawn(int slot)
{
	unsigned int gen = ++sh->slot[slot].gen;
	pid_t pid;

	sh->slot[slot].inner = 0;
	pid = fork();
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (cfgs[slot].pidns) {
			pid_t inner;
			int st;

			if (unshare(CLONE_NEWPID))
				snprintf(sh->note[slot], sizeof(sh->note[slot]),
					 "unshare(CLONE_NEWPID): %s", strerror(errno));
			inner = fork();
			if (inner == 0) {
				prctl(PR_SET_PDEATHSIG, SIGKILL);
				worker_main(slot, gen);
			}
			sh->slot[slot].inner = inner;
			if (inner < 0 || waitpid(inner, &st, 0) != inner)
				_exit(1);
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st));
		}
		worker_main(slot, gen);
	}
	sh->slot[slot].pid = pid;
	atomic_fetch_add(&sh->spawns, 1);
}

static void kill_slot(int slot)
{
	if (sh->slot[slot].inner > 0)
		kill(sh->slot[slot].inner, SIGKILL);
	if (sh->slot[slot].pid > 0) {
		kill(sh->slot[slot].pid, SIGKILL);
		waitpid(sh->slot[slot].pid, NULL, 0);
	}
	sh->slot[slot].pid = 0;
	sh->slot[slot].inner = 0;
}

/* Kill and reap every descendant left (we are their subreaper). */
static void reap_all(void)
{
	char path[300], buf[512];
	int pass, found;

	for (pass = 0; pass < 50; pass++) {
		struct dirent *de;
		DIR *d = opendir("/proc");

		found = 0;
		while (d && (de = readdir(d))) {
			int fd, ppid;
			char *rp;
			ssize_t n;

			if (de->d_name[0] < '1' || de->d_name[0] > '9')
				continue;
			snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
			fd = open(path, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				continue;
			n = read(fd, buf, sizeof(buf) - 1);
			close(fd);
			if (n <= 0)
				continue;
			buf[n] = 0;
			rp = strrchr(buf, ')');
			if (rp && sscanf(rp + 2, "%*c %d", &ppid) == 1 &&
			    ppid == getpid()) {
				kill(atoi(de->d_name), SIGKILL);
				found++;
			}
		}
		if (d)
			closedir(d);
		while (waitpid(-1, NULL, WNOHANG) > 0)
			found++;
		if (!found)
			return;
		usleep(20000);
	}
}

/* The module's objects, by kind and id, in one snapshot. */
struct census {
	int n[4];
	uint64_t id[4][4096];
	char desc[4][4096];	/* of the first few */
};

static void census_cb(const struct nl_obj *o, void *arg)
{
	struct census *c = arg;
	size_t l;

	/* a connection's id is unique only in its port */
	if (c->n[o->cmd] < 4096)
		c->id[o->cmd][c->n[o->cmd]] = o->id ^ (uint64_t)o->port_id << 40;
	c->n[o->cmd]++;
	l = strlen(c->desc[o->cmd]);
	if (l > 3000)
		return;
	if (o->cmd == LRPC_CMD_GET_PORT)
		snprintf(c->desc[o->cmd] + l, sizeof(c->desc[o->cmd]) - l,
			 " [port %llu %s conns %u connecting %u queued %u waiters %u]",
			 (unsigned long long)o->id, o->name, o->conns,
			 o->connecting, o->queued, o->waiters);
	else if (o->cmd == LRPC_CMD_GET_CONN)
		snprintf(c->desc[o->cmd] + l, sizeof(c->desc[o->cmd]) - l,
			 " [conn %llu of %s pending %u queued %u]",
			 (unsigned long long)o->id, o->name, o->waiters, o->queued);
	else
		snprintf(c->desc[o->cmd] + l, sizeof(c->desc[o->cmd]) - l,
			 " [section %llu size %llu mappings %u views %u]",
			 (unsigned long long)o->id, (unsigned long long)o->size,
			 o->mappings, o->views);
}

static int take_census(int fd, int fam, struct census *c)
{
	int cmd, ret;

	memset(c, 0, sizeof(*c));
	for (cmd = LRPC_CMD_GET_PORT; cmd <= LRPC_CMD_GET_SECTION; cmd++) {
		ret = nl_dump(fd, fam, cmd, 0, NULL, 0, false, census_cb, c);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static bool in_census(const struct census *c, int cmd, uint64_t id)
{
	for (int k = 0; k < c->n[cmd] && k < 4096; k++)
		if (c->id[cmd][k] == id)
			return true;
	return false;
}

/* Objects of @now that @before did not have; their description. */
static int census_new(const struct census *before, const struct census *now,
		      char *out, size_t size)
{
	int cmd, k, n = 0;

	out[0] = 0;
	for (cmd = LRPC_CMD_GET_PORT; cmd <= LRPC_CMD_GET_SECTION; cmd++)
		for (k = 0; k < now->n[cmd] && k < 4096; k++)
			if (!in_census(before, cmd, now->id[cmd][k]))
				n++;
	if (n)
		snprintf(out, size, "%.2700s%.2700s%.2700s", now->desc[1],
			 now->desc[2], now->desc[3]);
	return n;
}

/* The netlink thread: dumps all along; a dump never lists an id twice. */
static void *nl_thread(void *arg)
{
	int fd = nl_open(), fam = fd < 0 ? -1 : nl_family(fd), cmd = 0;
	struct census *c = malloc(sizeof(*c));

	(void)arg;
	if (fam < 0 || !c) {
		fail(NULL, "netlink thread: family %s: %d", LRPC_GENL_NAME, fam);
		return NULL;
	}
	while (!atomic_load(&sh->stop)) {
		int ret, k, j;

		cmd = cmd % 3 + 1;
		memset(c->n, 0, sizeof(c->n));
		c->desc[cmd][0] = 0;
		ret = nl_dump(fd, fam, cmd, 0, NULL, 0, false, census_cb, c);
		if (ret < 0) {
			fail(NULL, "netlink dump of cmd %d: %d", cmd, ret);
			break;
		}
		atomic_fetch_add(&sh->nl_dumps, 1);
		for (k = 0; k < c->n[cmd] && k < 4096; k++)
			for (j = k + 1; j < c->n[cmd] && j < 4096; j++)
				if (c->id[cmd][k] == c->id[cmd][j])
					fail(NULL, "netlink dump of cmd %d lists id %#llx twice",
					     cmd, (unsigned long long)c->id[cmd][k]);
		usleep(5000);
	}
	free(c);
	close(fd);
	return NULL;
}

/* Module parameters the run lowers, and puts back. */
static const struct {
	const char *name;
	long lo, hi;
} params[] = {
	{ "max_queue", 8, 64 },
	{ "max_pending", 2, 16 },
	{ "max_backlog", 1, 8 },
	{ "max_user_bytes", 8L << 20, 8L << 20 },
	{ "max_section_bytes", 32L << 20, 32L << 20 },
	{ "max_sections", 64, 64 },
};

#define NPARAMS	(sizeof(params) / sizeof(params[0]))

static long saved_params[NPARAMS];

static void params_lower(void)
{
	for (size_t k = 0; k < NPARAMS; k++) {
		saved_params[k] = lrpc_param_get(params[k].name);
		if (saved_params[k] >= 0)
			lrpc_param_set(params[k].name, params[k].hi);
	}
}

static void params_flip(uint64_t *rng)
{
	size_t k = rng_below(rng, 3);

	if (saved_params[k] >= 0)
		lrpc_param_set(params[k].name,
			       rng_below(rng, 2) ? params[k].lo : params[k].hi);
}

static void params_restore(void)
{
	for (size_t k = 0; k < NPARAMS; k++)
		if (saved_params[k] >= 0)
			lrpc_param_set(params[k].name, saved_params[k]);
}

/* Fault injection, if the kernel has it: fail-nth and the debugfs knobs. */
static bool fault_setup(void)
{
	static const char *const knobs[][2] = {
		{ "failslab/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/ignore-gfp-wait", "N" },
		{ "fail_page_alloc/min-order", "0" },
		{ "failslab/verbose", "0" },
		{ "fail_page_alloc/verbose", "0" },
	};
	char path[128];
	size_t k;

	if (access("/proc/self/fail-nth", F_OK))
		return false;
	if (access("/sys/kernel/debug/failslab", F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	for (k = 0; k < sizeof(knobs) / sizeof(knobs[0]); k++) {
		snprintf(path, sizeof(path), "/sys/kernel/debug/%s", knobs[k][0]);
		if (write_file(path, knobs[k][1]))
			return false;
	}
	return true;
}

static long env_long(const char *name, long dflt)
{
	const char *s = getenv(name);

	return s && *s ? strtol(s, NULL, 0) : dflt;
}

static void print_summary(long long ms)
{
	long ops = atomic_load(&sh->ops), done = ops < sh->max_ops ? ops : sh->max_ops;
	int op, e, v;

	ksft_print_msg("%ld operations in %lld ms: %.0f ops/s; %ld kill -9 (%ld respawns), %ld netlink dumps, %ld ipc ns hops\n",
		       done, ms, ms ? done * 1000.0 / ms : 0.0, atomic_load(&sh->kills),
		       atomic_load(&sh->spawns) - NSLOTS, atomic_load(&sh->nl_dumps),
		       atomic_load(&sh->hops));
	if (sh->fault)
		ksft_print_msg("fail-nth set on %ld valid calls, an allocation failed in %ld\n",
			       atomic_load(&sh->faults_set), atomic_load(&sh->faults_hit));
	ksft_print_msg("%-24s %8s %8s %8s %8s\n", "operation", "valid", "boundary",
		       "invalid", "success");
	for (op = 0; op < NOPS; op++) {
		long n[NVARS];

		for (v = 0; v < NVARS; v++)
			n[v] = atomic_load(&sh->count[op][v]);
		ksft_print_msg("%-24s %8ld %8ld %8ld %8ld\n", op_names[op], n[0], n[1],
			       n[2], atomic_load(&sh->okc[op]));
	}
	ksft_print_msg("results by errno:\n");
	for (e = 0; e <= ERRNO_MAX; e++) {
		long n = atomic_load(&sh->errs[e]);

		if (n)
			ksft_print_msg("  %-14s %8ld\n",
				       e == 0 ? "success" : e == ERRNO_MAX ? "unclean" :
				       strerrorname_np(e) ?: "?", n);
	}
	for (e = 0; e < NSLOTS; e++)
		if (sh->note[e][0])
			ksft_print_msg("slot %d (%s): %s\n", e, cfgs[e].what, sh->note[e]);
}

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
	int fd = nl_open(), fam = fd < 0 ? -1 : nl_family(fd);

	if (fam > 0)
		nl_dump(fd, fam, LRPC_CMD_GET_PORT, 0, NULL, 0, false, waiters_cb, &w);
	if (fd >= 0)
		close(fd);
	return w.waiters;
}

struct receiver {
	pthread_t pt;
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

	if (r->port)
		r->ret = lrpc_recv_port(r->fd, buf, r->size, 5000 * MS, NULL);
	else
		r->ret = lrpc_recv(r->fd, buf, r->size, 5000 * MS, NULL);
	r->done = now_ms();
	return NULL;
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
		ASSERT_EQ(0, pthread_create(&small.pt, NULL, receiver, &small));
		for (n = 0; on_port && n < 500 && port_waiters(name) < 1; n++)
			usleep(10000);
		usleep(200000);
		ASSERT_EQ(0, pthread_create(&big.pt, NULL, receiver, &big));
		for (n = 0; on_port && n < 500 && port_waiters(name) < 2; n++)
			usleep(10000);
		usleep(200000);
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
 * receive -- else the caller (lib/rpc does) never closes that fd.
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
	fam = nl_family(fd);
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
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));
	sh->seed = seed;
	sh->max_ops = env_long("LRPC_STRESS_OPS", 20000);
	sh->fault_pct = env_long("LRPC_STRESS_FAULT_PCT", 20);
	ksft_print_msg("seed %llu; rerun: LRPC_STRESS_SEED=%llu LRPC_STRESS_OPS=%ld LRPC_STRESS_SECONDS=%ld LRPC_STRESS_FAULT_PCT=%u %s\n",
		       (unsigned long long)seed, (unsigned long long)seed,
		       sh->max_ops, secs, sh->fault_pct, exe);
	ASSERT_NE(NULL, before);
	ASSERT_NE(NULL, now);
	sh->sup = getpid();
	sh->overflowuid = 65534;
	f = fopen("/proc/sys/kernel/overflowuid", "r");
	if (f) {
		if (fscanf(f, "%u", &sh->overflowuid) != 1)
			sh->overflowuid = 65534;
		fclose(f);
	}
	sh->fault = fault_setup();
	ksft_print_msg("%d worker processes x %d threads; fault injection %s\n",
		       NSLOTS, NTHREADS, sh->fault ? "on" : "not in this kernel");
	fd = nl_open();
	ASSERT_LE(0, fd);
	fam = nl_family(fd);
	ASSERT_LT(0, fam) TH_LOG("no generic netlink family %s", LRPC_GENL_NAME);
	ASSERT_EQ(0, take_census(fd, fam, before));

	prctl(PR_SET_CHILD_SUBREAPER, 1);
	params_lower();
	rng = rng_seed(seed, NSLOTS, 0, 0);
	t0 = now_ms();
	sh->deadline = t0 + secs * 1000;
	for (slot = 0; slot < NSLOTS; slot++)
		spawn(slot);
	pthread_create(&nlt, NULL, nl_thread, NULL);

	/* kill -9 a random worker now and then, respawn it, flip a limit */
	while (!atomic_load(&sh->stop) && atomic_load(&sh->ops) < sh->max_ops &&
	       now_ms() < sh->deadline) {
		int running = 0;

		usleep(30000 + rng_below(&rng, 200000));
		for (slot = 0; slot < NSLOTS; slot++) {
			pid_t p = sh->slot[slot].pid;

			if (p > 0 && waitpid(p, &st, WNOHANG) == p) {
				sh->slot[slot].pid = 0;
				if (!WIFEXITED(st) || WEXITSTATUS(st))
					fail(NULL, "worker slot %d died: status %#x", slot, st);
			}
			running += sh->slot[slot].pid > 0;
		}
		if (!running)
			break;
		slot = rng_below(&rng, NSLOTS);
		if (sh->slot[slot].pid > 0 && !atomic_load(&sh->stop)) {
			kill_slot(slot);
			atomic_fetch_add(&sh->kills, 1);
			spawn(slot);
		}
		if (rng_below(&rng, 4) == 0)
			params_flip(&rng);
	}
	atomic_store(&sh->stop, 1);
	/* let them finish their ops and exit, then kill what is left */
	end = now_ms() + 3000;
	for (slot = 0; slot < NSLOTS; slot++) {
		pid_t p = sh->slot[slot].pid;

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
	if (atomic_load(&sh->failed))
		TH_LOG("FAILED: %s", sh->failmsg);
	EXPECT_EQ(0, atomic_load(&sh->failed))
		TH_LOG("seed %llu; rerun: LRPC_STRESS_SEED=%llu LRPC_STRESS_OPS=%ld %s",
		       (unsigned long long)seed, (unsigned long long)seed,
		       sh->max_ops, exe);
	/* a run of any length has some calls answered, or the stressor is broken */
	if (atomic_load(&sh->ops) >= 5000)
		EXPECT_LT(0, atomic_load(&sh->okc[OP_CALL]));
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
