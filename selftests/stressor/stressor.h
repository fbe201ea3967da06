/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of the random-operation stressor share: its limits and
 * the names of its ops, the state all its processes share (struct
 * shared, MAP_SHARED), the tables of one worker process (struct proc:
 * fds, mappings, delivered requests) and of its threads (struct thr),
 * and the functions that cross files, listed by the file that defines
 * them.  The tests themselves, with the kselftest harness, stay in
 * random_ops_test.c.
 */
#ifndef LRPC_STRESSOR_H
#define LRPC_STRESSOR_H

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include <time.h>
#include <sys/socket.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "../sections/sec_util.h"
#include "errset.h"
#include "prng.h"

#define NSLOTS		5
#define NTHREADS	3
#define MAX_OBJS	48
#define MAX_MAPS	12
#define MAX_DELIV	32
#define NNAMES		8
#define PAGE		4096UL

enum {
	OP_FEATURES, OP_PORT_CREATE, OP_CONNECT, OP_ACCEPT, OP_REPLY_RECV,
	OP_CALL, OP_CANCEL, OP_SEND, OP_RECV, OP_SECTION_CREATE, OP_VIEW_INFO,
	OP_PORT_SHUTDOWN, OP_UNKNOWN_IOCTL, OP_CLOSED_FD, OP_CLOSE, OP_DUP,
	OP_POLL, OP_RW, OP_FCNTL, OP_MMAP, OP_MUNMAP, OP_TOUCH, OP_VMA,
	OP_FORK, OP_NETLINK, OP_NS_HOP,
	NOPS
};

enum { V_VALID, V_BOUND, V_BAD, NVARS };

/* ---- worker configurations (per slot) ---- */

struct wcfg {
	const char *what;
	unsigned int userns : 1, map : 1, ipcns : 1, pidns : 1, netns : 1;
	uid_t uid;	/* euid in the initial user namespace */
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
	atomic_long kills, spawns, nl_dumps, hops, stops;
	struct {
		pid_t pid, inner;
		unsigned int gen;
	} slot[NSLOTS];
	char note[NSLOTS][160];
	/* fork children's calls, so that their parent can cancel them */
	struct lrpc_call ccall[NSLOTS][NTHREADS];
};

/* ---- one worker process ---- */

enum { K_DEV, K_PORT, K_COMM, K_CONN, K_SEC, K_VIEW, NKINDS };
#define KM(k)		(1u << (k))
#define KM_ALL		(KM(NKINDS) - 1)
#define KM_VIEWS	(KM(K_SEC) | KM(K_VIEW))

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

#define WHAT(t, ...)	snprintf((t)->what, sizeof((t)->what), __VA_ARGS__)

/* ---- expectations ---- */

struct exp {
	struct errset errs;
	bool ok;		/* success allowed */
};

static inline struct exp exp_ok(void)
{
	return (struct exp){ .ok = true };
}

static inline struct exp exp_err(int e)
{
	return (struct exp){ .errs = es_of(e, 0) };
}

static inline int sys(long r)
{
	return r < 0 ? -errno : (int)r;
}

/* Milliseconds on the monotonic clock: deadlines and time taken. */
static inline long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* ---- netlink ---- */

/* One dumped object, whatever its command. */
struct nl_obj {
	int cmd;
	uint64_t id;
	uint32_t port_id;
	char name[LRPC_NAME_MAX];
	uint32_t conns, connecting, queued, waiters;
	uint32_t mappings, views;
	uint64_t size;
};

typedef void (*nl_cb)(const struct nl_obj *obj, void *arg);

struct nl_req {
	struct nlmsghdr n;
	struct genlmsghdr g;
	char buf[64];
};

/* The module's objects, by kind and id, in one snapshot. */
struct census {
	int n[4];
	uint64_t id[4][4096];
	char desc[4][4096];	/* of the first few */
};

/* nl_client.c: dumps of the lrpc generic netlink family */
int nl_open(void);
int nl_send(int fd, struct nl_req *req);
int nl_parse(const struct nlmsghdr *h, int cmd, struct nl_obj *o);
int nl_dump(int fd, int family, int cmd, int atype, const void *aval,
	    int alen, bool nodump, nl_cb cb, void *arg);

/* state.c: the shared state and the name tables */
extern const char *const op_names[NOPS];
extern const char *const var_names[NVARS];
extern const char *const kind_names[NKINDS];
extern const struct wcfg cfgs[NSLOTS];
extern struct shared *shared;	/* MAP_SHARED by the supervisor */
extern struct proc worker;	/* this worker process's tables */

/* judge.c: judging results, failing the run */
void fail(struct thr *t, const char *fmt, ...);
bool judge(struct thr *t, int op, int var, int ret, bool lenient,
	   struct exp e);

/* objects.c: the worker's table of fds and its delivered requests */
int obj_add(int fd, int kind, uint64_t len, bool write, bool received,
	    bool cloexec, uint32_t sec_id, int name);
int obj_pick(struct thr *t, unsigned int kinds);
bool obj_hold(int i, int kind);
bool obj_put(int i);
bool obj_put2(int i, int j);
int obj_count(unsigned int kinds);
void deliv_add(uint64_t id, uint32_t kind, int obj);
uint64_t deliv_take(struct thr *t, uint32_t kind, int *obj);

/* op_args.c: payloads, arguments, views attached and received */
void pay_fill(struct thr *t, void *buf, uint32_t len, bool nocred);
void pay_check(struct thr *t, const void *buf, uint32_t len,
	       const struct lrpc_msg_info *info);
int pick_var(struct thr *t);
void *bad_ptr(struct thr *t);
int64_t pick_timeout(struct thr *t, int max_ms);
uint32_t pick_len(struct thr *t, int var);
uint32_t pick_size(struct thr *t);
int wrong_fd(struct thr *t, unsigned long cmd, int *obj);
int dev_pick(struct thr *t);
int ioctl_ro(struct thr *t, int fd, unsigned long cmd, const void *arg,
	     size_t size);
int view_arg(struct thr *t, struct lrpc_view_attach *va, bool bad, int *err);
void take_view(struct thr *t, const struct lrpc_msg_info *m, bool ok);

/* fault.c: fail-nth fault injection */
bool fault_setup(void);
void fault_begin(struct thr *t, int var, void *touch, size_t len);
void fault_end(struct thr *t);

/* ops_ports.c: control fd and port ops */
void op_features(struct thr *t);
void op_port_create(struct thr *t);
void op_connect(struct thr *t);
void op_accept(struct thr *t, int port, uint64_t id);
void op_port_shutdown(struct thr *t);

/* ops_calls.c: calls, replies, cancels */
void op_reply_recv(struct thr *t, bool serve, int port, uint64_t reply_id);
void op_call(struct thr *t);
void op_cancel(struct thr *t);

/* ops_send_recv.c: one-way messages */
void op_send(struct thr *t);
void op_recv(struct thr *t);

/* ops_sections.c: sections, views and their mappings */
void op_section_create(struct thr *t);
void op_view_info(struct thr *t);
void op_mmap(struct thr *t);
void op_munmap(struct thr *t);
void op_touch(struct thr *t);
extern __thread sigjmp_buf *volatile touch_jb;
void op_vma(struct thr *t);
void op_vma_ro(struct thr *t);

/* ops_fds.c: what any fd takes */
void obj_close_random(struct thr *t);
void op_unknown_ioctl(struct thr *t);
void op_closed_fd(struct thr *t);
void op_dup(struct thr *t);
void op_fcntl(struct thr *t);
void op_poll(struct thr *t);
void op_rw(struct thr *t);

/* ops_processes.c: fork children, ipc namespace hops */
void op_fork(struct thr *t);
void op_ns_hop(struct thr *t);

/* netlink.c: the lrpc family's dumps */
void op_netlink(struct thr *t);
int take_census(int fd, int fam, struct census *c);
int census_new(const struct census *before, const struct census *now,
	       char *out, size_t size);
void *nl_thread(void *arg);

/* worker.c: one worker process and its threads */
int write_file(const char *path, const char *s);
void __attribute__((noreturn)) worker_main(int slot, unsigned int gen);

/* supervisor.c: spawning, killing, limits, the summary */
void spawn(int slot);
void kill_slot(int slot);
void reap_all(void);
void params_lower(void);
void params_flip(uint64_t *rng);
void params_restore(void);
long env_long(const char *name, long dflt);
void print_summary(long long ms);

#endif /* LRPC_STRESSOR_H */
