/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the files of fail_nth_test share: its limits, the module's state
 * as its netlink family dumps it (struct snap), the helper threads, the
 * scenarios' shared state (C), a scenario (struct scenario) and the
 * fault loop that drives it, and the functions and scenarios that cross
 * files, listed by the file that defines them.  The tests themselves,
 * with the fixture and main(), stay in fail_nth_test.c: the harness keeps
 * its list of tests in one file.
 */
#ifndef LRPC_FAULTS_H
#define LRPC_FAULTS_H

#include <pthread.h>
#include <linux/netlink.h>

#include "../sections/sec_util.h"

/*
 * kselftest_harness.h is made for a program of one file: with its macros
 * it defines the harness itself, partly global (__run_test,
 * __wait_for_test, __active_test, _fixture_global), partly static
 * (test_harness_run).  fail_nth_test.c includes it before this header
 * and owns it.  The other files take it for its checks only (ASSERT_*,
 * EXPECT_*, TH_LOG on the test's _metadata): their copies of the harness
 * are weak, so that the program runs the test file's, and not warned of
 * as unused.
 */
#ifndef __KSELFTEST_HARNESS_H
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#pragma weak __run_test
#pragma weak __wait_for_test
#pragma weak __active_test
#pragma weak _fixture_global
#endif

#define PAGE		4096
#define MAX_POINTS	3000	/* a scenario that never ends is a failure */
#define MAXOBJ		256	/* objects of each kind a snapshot holds */
#define MAXCONN		64
#define SEC		(1000 * MS)

#define DEBUGFS	"/sys/kernel/debug"
#define FS	DEBUGFS "/failslab/"
#define FPA	DEBUGFS "/fail_page_alloc/"

/* ---- fault_knobs.c: fail-nth, failslab and fail_page_alloc ----------- */

extern bool fail_nth_dry;	/* FAIL_NTH_DRY: nothing is injected */

int knob_rw(const char *path, char *buf, size_t size, const char *val);
const char *fault_setup(void);
int nth_open(void);
void nth_set(unsigned int n);
long nth_get(void);

/* What fail-nth counts: slab allocations, page allocations, or both. */
enum sweep { SWEEP_SLAB, SWEEP_PAGE, SWEEP_BOTH };

void sweep_set(enum sweep what);
void knobs_filter(struct __test_metadata *_metadata, bool on);
int run_failing(struct __test_metadata *_metadata, int mif,
		int pages, int slabs, int (*op)(void), long *left);

/* ---- state_census.c: what the module holds, the fds, the kernel log -- */

struct obj_port {
	__u32 id, conns, connecting, queued;
	char name[LRPC_NAME_MAX];
};

struct obj_conn {
	__u64 id;
	__u32 port_id, pending, queued, state, peer_uid;
};

struct obj_sec {
	__u32 id, mappings, views;
	__u64 size, resident;
};

struct snap {
	int nports, nconns, nsecs;
	struct obj_port port[MAXOBJ];
	struct obj_conn conn[MAXOBJ];
	struct obj_sec sec[MAXOBJ];
};

/* globals: locked at setup, never faulted in by an operation */
extern struct snap snap_base, snap_pre, snap_post, snap_now;
extern int nl_family;
extern int nl_fd;		/* the checks' socket */

typedef void (*nl_fn)(struct nlattr **tb, void *arg);

int nl_socket(void);
__u32 nla_u32(const struct nlattr *a);
__u64 nla_u64(const struct nlattr *a);
int nl_dump(int fd, int cmd, __u32 port_id, char *buf, size_t size,
	    nl_fn fn, void *arg);
int snap_take(struct snap *s);
const char *snap_diff(const struct snap *a, const struct snap *b);
struct obj_port *snap_port_of(struct snap *s, __u32 id);
struct obj_conn *snap_conn_of(struct snap *s, __u64 id);
struct obj_sec *snap_sec_of(struct snap *s, __u32 id);
int fd_low(int probe);
void close_fd(int *fd);
int kmsg_open(void);
bool kmsg_has(int fd, const char *needle);

/* A field of the scenario's port, connection or a section; -1: gone. */
#define PORT(f)	(snap_port_of(&snap_now, C.port_id) ? \
		 (long)snap_port_of(&snap_now, C.port_id)->f : -1L)
#define CONN(f)	(snap_conn_of(&snap_now, C.conn_id) ? \
		 (long)snap_conn_of(&snap_now, C.conn_id)->f : -1L)
#define SECT(id, f) (snap_sec_of(&snap_now, id) ? \
		     (long)snap_sec_of(&snap_now, id)->f : -1L)

/* Until @cond (over snap_now) holds, for 20 s at most. */
#define SETTLE(cond) ({							\
	int __n;							\
	for (__n = 0; __n < 10000; __n++) {				\
		if (!snap_take(&snap_now) && (cond))			\
			break;						\
		usleep(2000);						\
	}								\
	__n < 10000;							\
})

/* Until @cond (helper threads' counters) holds, for 20 s at most. */
#define WAIT_FOR(cond) ({						\
	int __n;							\
	for (__n = 0; __n < 20000 && !(cond); __n++)			\
		usleep(1000);						\
	!!(cond);							\
})

#define LOAD(x)		__atomic_load_n(&(x), __ATOMIC_ACQUIRE)
#define STORE(x, v)	__atomic_store_n(&(x), (v), __ATOMIC_RELEASE)
#define INC(x)		__atomic_add_fetch(&(x), 1, __ATOMIC_ACQ_REL)

/* ---- scenario_setup.c: helper threads, the scenarios' shared state --- */

/*
 * A server thread on a port: accepts connects (the test takes the
 * connection fds), answers requests (with a view of reply_view if >= 0)
 * unless hold, closes every view it receives before answering, counts
 * the rest.  Ends when the port is shut down.
 */
struct server {
	pthread_t t;
	int port;
	int reply_view;
	int hold;
	int err;
	pthread_mutex_t lock;
	int sconn[MAXCONN];
	int nsconn;
	int nreq, ncancel, nclosed, noneway;
	char buf[32768];
};

/*
 * Connects over and over, closing each connection it gets, in an fd
 * table of its own (with nothing but the control fd in it): the fd its
 * connect holds is not the test's, nor can it hold one of the test's.
 */
struct connector {
	pthread_t t;
	int dev;
	char name[LRPC_NAME_MAX];
	long long timeout;
	int stop, done, nres, last;
};

/* Calls over and over on comm (with a view of view if >= 0). */
struct caller {
	pthread_t t;
	int comm;
	int view;
	long long timeout;
	int stop, done, ncalls, last;
	struct lrpc_view_attach va;
	struct lrpc_call call;	/* msg_id is there while a call waits */
	char reply[4096];
};

void on_signal(int sig);
void thread_stop(pthread_t t, int *stop, int *done);
void server_start(struct server *s, int port, int reply_view, int hold);
int server_take(struct server *s);
void server_stop(struct server *s);
void port_shutdown(int port, __u32 flags);
void connector_start(struct connector *c, int dev, const char *name);
void caller_start(struct caller *c, int comm, int view);

/*
 * One scenario at a time per test process; not on the heap, so that it
 * lies in the memory locked at setup: an operation never faults on it.
 */
struct scenario_state {
	int dev;
	int port, comm, sconn, sec, sec2, view, out, closefd, nlop;
	__u32 port_id, sec_id, sec2_id;
	__u64 conn_id;
	__u64 msg_id;		/* a delivered request awaiting its answer */
	int seen;		/* a helper's counter before the operation */
	int reject, forked, queued, prot, cmd, expect, view_on, timeout_ms;
	int zero, pipe[2];
	__u32 filter;
	char name[LRPC_NAME_MAX];
	char *map;
	size_t maplen;
	__u64 secsize;
	__u32 len, rlen;
	struct lrpc_view_attach va;
	struct lrpc_msg_info info;
	struct lrpc_call call;
	struct server srv;
	struct connector con;
	struct caller cal;
	__u32 ids[MAXOBJ];
	int nids;
	char reply[4096];
	char buf[8192];
	char nlbuf[4096];
	char payload[16384];
};

extern struct scenario_state C;

void port_name(const char *tag);
int port_make(void);
int pair_make(void);
int view_received(int flags);

/* ---- fault_loop.c: the driver ------------------------------------------ */

#define SC_FORK		(1 << 0)	/* in a child whose fd table is full */
#define SC_NOFAULT	(1 << 1)	/* must have no fault point (release paths) */

struct scenario {
	const char *name;
	/* before each run, not counted; ASSERTs */
	void (*before)(struct __test_metadata *_metadata);
	/* the operation: >= 0 as it goes without a fault, or -errno */
	int (*op)(void);
	/* after each run: undo a success, clean up; ASSERTs */
	void (*after)(struct __test_metadata *_metadata, int ret);
	int err;		/* an error besides -ENOMEM a fault may give */
	unsigned int flags;
};

void fault_loop(struct __test_metadata *_metadata,
		const struct scenario *sc);
void emfile_check(struct __test_metadata *_metadata,
		  const struct scenario *sc);
void check_failed(struct __test_metadata *_metadata, int ret, int low,
		  const char *what);
void burst_sweep(struct __test_metadata *_metadata,
		 const struct scenario *sc, int faults);

/* ---- scenarios_open_close.c: /dev/lrpc; closing fds with messages queued */

#define CLOSE_QUEUED_KINDS	5

extern const struct scenario sc_open_dev, sc_close_dev;
extern const struct scenario sc_close_queued[CLOSE_QUEUED_KINDS];

/* ---- scenarios_ports.c: ports, connect, accept ------------------------- */

extern const struct scenario sc_port_create, sc_port_create_ipc_ns;
extern const struct scenario sc_port_shutdown;
extern const struct scenario sc_connect, sc_connect_new_uid;
extern const struct scenario sc_connect_timeout;
extern const struct scenario sc_accept, sc_accept_reject, sc_accept_fd_table;

int op_port_create(void);
void after_timeout(struct __test_metadata *_metadata, int ret);
void as_euid(uid_t euid);
void accept_begin(struct __test_metadata *_metadata);
void accept_end(struct __test_metadata *_metadata);

/* ---- scenarios_calls.c: calls, replies, one-way messages, cancel ------- */

extern const struct scenario sc_call_inline, sc_call_inline_large;
extern const struct scenario sc_call_view, sc_call_view_reply;
extern const struct scenario sc_recv_request, sc_reply_view;
extern const struct scenario sc_recv_oneway_view, sc_recv_client_view;
extern const struct scenario sc_cancel_delivered, sc_cancel_queued;
extern const struct scenario sc_call_timeout_queued, sc_call_timeout_delivered;

int op_call(void);
void after_call(struct __test_metadata *_metadata, int ret);
int op_recv_port(void);
void call_begin(struct __test_metadata *_metadata, int reply_view);
void call_end(struct __test_metadata *_metadata);
void send_test(struct __test_metadata *_metadata, const char *what,
	       int to_server);
void recv_test(struct __test_metadata *_metadata,
	       const struct scenario *sc, int at_server);
void cancel_test(struct __test_metadata *_metadata,
		 const struct scenario *sc);

/* ---- scenarios_sections.c: sections, mappings, page faults ------------- */

extern const struct scenario sc_sec_create, sc_sec_create_second;
extern const struct scenario sc_mmap_section, sc_mmap_received_view;
extern const struct scenario sc_fault_write, sc_fault_read_view;
extern const struct scenario sc_fault_touch;

/* ---- scenarios_netlink.c: the netlink family's dumps ------------------- */

extern const struct scenario sc_netlink_dump;

#endif
