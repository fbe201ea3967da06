// SPDX-License-Identifier: GPL-2.0
/*
 * Systematic fault injection, the way syzkaller does it: for each
 * operation the module offers, make its 1st, 2nd, 3rd ... memory
 * allocation fail in turn (/proc/thread-self/fail-nth: writing N fails
 * the N-th slab or page allocation of this thread; reading gives 0 once
 * it has), until one run of the operation no longer reaches the fault.
 *
 *   set up (not counted) -> fail-nth=N -> ONE operation -> fail-nth? -> check
 *        ^                                                                |
 *        +----------------------- N+1 while the fault was consumed ------+
 *
 * A run that reached the fault either failed with a clean -errno (mostly
 * -ENOMEM) and left everything as it was -- no fd (installed or only
 * reserved), no object, no queued message, no count changed, as the fd
 * table and the dumps of the module's netlink family show -- so that it
 * can simply be retried; or it succeeded because the failed allocation
 * had a fallback (kvmalloc, the xarray, a retried page fault) or was the
 * checkers' own (kmemleak, debugobjects), and then did its whole job.
 * Each scenario sweeps twice, slab allocations only and then page
 * allocations only (one kind shifts the other's sequence: see sweep_set),
 * and reports its fault points.  After all of them the module must hold
 * nothing; the guest runner then unloads it and fails on any WARN, KASAN,
 * lockdep or kmemleak report.
 *
 * failslab and fail_page_alloc skip sleeping (GFP_KERNEL) allocations
 * unless ignore-gfp-wait is N, order-0 pages unless min-order is 0, and
 * __GFP_HIGHMEM ones -- shmem's GFP_HIGHUSER_MOVABLE, a section's pages --
 * unless ignore-gfp-highmem is N: main() sets them.  __GFP_NOFAIL is never
 * failed.  What one fault cannot reach gets several: kvmalloc's vmalloc
 * fallback, and xa_alloc_cyclic, which retries its node allocation and
 * then the whole allocation (call_inline_vmalloc, bursts_*: failslab and
 * fail_page_alloc with a task filter, times and a space budget).  A
 * get_unused_fd_flags() that cannot grow the fd table gives -ENOMEM in a
 * child whose table is full (accept_fd_table), and -EMFILE under
 * RLIMIT_NOFILE for every operation that makes an fd (emfile_check).
 *
 * Every allocation site of kmod/ and the scenarios that fail it:
 *
 *   site                                      scenario (TEST)
 *   ----------------------------------------  ----------------------------
 *   limits.c lrpc_user_get_current kzalloc    port_create (the uid's first
 *                                             object), connect_new_uid
 *   port.c  lrpc_port_create kzalloc,         port_create, port_create_ipc_ns
 *             anon_inode_getfile
 *           get_unused_fd_flags               port_create (emfile)
 *           xa_alloc_cyclic (lrpc_ports)      bursts_port_create
 *   conn.c  lrpc_connect lrpc_msg_new,        connect, connect_new_uid,
 *             conn_new kzalloc, the PORT_     connect_timeout (+ emfile)
 *             CLOSED note, get_unused_fd_flags,
 *             anon_inode_getfile
 *           pending_wait CANCEL note          call_timeout_delivered: reached,
 *             (__GFP_NOFAIL)                  never failed
 *   conn.c  lrpc_accept lrpc_msg_new,         accept, accept_reject,
 *             get_unused_fd_flags and         accept_fd_table (+ emfile)
 *             anon_inode_getfile (err_undo)
 *   conn.c  reply lrpc_msg_new,               reply_view
 *             lrpc_view_attach
 *   conn.c  receive lrpc_view_prepare         recv_request_view, recv_oneway_view,
 *             (putback)                       recv_client_view (+ emfile)
 *   conn.c  client_call lrpc_msg_new          call_inline, call_inline_large,
 *                                             call_inline_vmalloc
 *           lrpc_view_attach, the reply's     call_view (+ emfile)
 *             lrpc_view_prepare
 *   conn.c  client_cancel lrpc_msg_note       cancel_delivered, cancel_queued
 *   conn.c  do_send lrpc_msg_new,             send_client_view, send_server_view
 *             lrpc_view_attach
 *   section.c lrpc_section_create kzalloc,    section_create,
 *             sec_charge kzalloc,             section_create_second (+ emfile)
 *             shmem_file_setup, view_new,
 *             get_unused_fd_flags, view_file
 *           xa_alloc_cyclic (lrpc_sections)   bursts_section_create
 *   section.c view_mmap (the core's vma and   mmap_section, mmap_received_view
 *             maple nodes)
 *   section.c section_vm_fault                fault_write, fault_read_view,
 *             shmem_read_mapping_page (folio, fault_touch
 *             page-cache node; page tables)
 *   netlink.c dumps: genetlink's skbs and     netlink (GET_PORT, GET_CONN,
 *             dump info; nla_put on a full    GET_CONN of a port, GET_SECTION)
 *             skb, the dump resumed
 *   main.c  lrpc_init misc_register,          not reached: a fault in the module
 *             genl_register_family            loader before it (its vmallocs)
 *                                             prints a warn_alloc trace, which
 *                                             the runner takes for a kernel bug
 *
 * The release paths allocate nothing (client_release sends the
 * PORT_CLOSED note allocated at connect): closing any kind of fd with
 * messages queued (close_queued) must have no fault point at all.
 *
 * Without /proc/self/fail-nth (a kernel without CONFIG_FAULT_INJECTION,
 * e.g. Debian's) the whole program is skipped.  FAIL_NTH_DRY=1 runs
 * every scenario once, without injecting anything, on any kernel.
 */
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <linux/genetlink.h>
#include <linux/netlink.h>
#include <linux/securebits.h>

#include "../sections/sec_util.h"
#include "kselftest_harness.h"

#define PAGE		4096
#define MAX_POINTS	3000	/* a scenario that never ends is a failure */
#define MAXOBJ		256	/* objects of each kind a snapshot holds */
#define MAXCONN		64
#define SEC		(1000 * MS)

/* ---- fault injection ------------------------------------------------ */

#define DEBUGFS	"/sys/kernel/debug"
#define FS	DEBUGFS "/failslab/"
#define FPA	DEBUGFS "/fail_page_alloc/"

/* Set for the whole run; those without a value are only put back at exit. */
static const struct knob {
	const char *path;
	const char *val;
} knobs[] = {
	{ FS "ignore-gfp-wait", "N" },
	{ FS "verbose", "0" },
	{ FS "cache-filter", "N" },
	{ FPA "ignore-gfp-wait", "N" },
	{ FPA "ignore-gfp-highmem", "N" },
	{ FPA "min-order", "0" },
	{ FPA "verbose", "0" },
	{ FPA "task-filter", NULL },
	{ FPA "interval", NULL },
	{ FPA "space", NULL },
	{ FPA "times", NULL },
	{ FPA "probability", NULL },
	{ FS "task-filter", NULL },
	{ FS "interval", NULL },
	{ FS "space", NULL },
	{ FS "times", NULL },
	{ FS "probability", NULL },
};

static char knob_saved[ARRAY_SIZE(knobs)][32];
static bool dry;		/* FAIL_NTH_DRY: nothing is injected */

static int knob_rw(const char *path, char *buf, size_t size, const char *val)
{
	ssize_t n;
	int fd;

	fd = open(path, val ? O_WRONLY : O_RDONLY);
	if (fd < 0)
		return -errno;
	if (val)
		n = write(fd, val, strlen(val));
	else
		n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return -errno;
	if (!val)
		buf[strcspn(buf, "\n")] = 0;
	return 0;
}

static void knobs_restore(void)
{
	size_t i;

	/* probability first: nothing fails while the rest is put back */
	for (i = ARRAY_SIZE(knobs); i-- > 0;)
		if (knob_saved[i][0])
			knob_rw(knobs[i].path, NULL, 0, knob_saved[i]);
}

/* NULL, or why the program cannot run here. */
static const char *fault_setup(void)
{
	size_t i;

	if (getenv("FAIL_NTH_DRY")) {
		dry = true;
		return NULL;
	}
	if (access("/proc/self/fail-nth", F_OK))
		return "no /proc/self/fail-nth: kernel without CONFIG_FAULT_INJECTION";
	if (access(FS, F_OK))
		mount("debugfs", DEBUGFS, "debugfs", 0, NULL);
	if (access(FS, F_OK) || access(FPA, F_OK))
		return "no failslab or fail_page_alloc in debugfs (CONFIG_FAILSLAB, CONFIG_FAIL_PAGE_ALLOC, CONFIG_FAULT_INJECTION_DEBUG_FS)";
	for (i = 0; i < ARRAY_SIZE(knobs); i++) {
		char cur[32] = "";

		if (knob_rw(knobs[i].path, cur, sizeof(cur), NULL))
			return "cannot read the fault injection knobs (not root?)";
		memcpy(knob_saved[i], cur, sizeof(cur));
	}
	atexit(knobs_restore);
	for (i = 0; i < ARRAY_SIZE(knobs); i++)
		if (knobs[i].val && knob_rw(knobs[i].path, NULL, 0, knobs[i].val))
			return "cannot set the fault injection knobs";
	return NULL;
}

/* This thread's /proc/thread-self/fail-nth. */
static __thread int nth_fd = -1;

static int nth_open(void)
{
	if (dry)
		return 0;
	nth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	return nth_fd < 0 ? -errno : 0;
}

static void nth_set(unsigned int n)
{
	char b[16];
	int len;

	if (dry)
		return;
	len = snprintf(b, sizeof(b), "%u", n);
	if (pwrite(nth_fd, b, len, 0) != len)
		abort();
}

/* What is left of the count: 0 once the fault was injected. */
static long nth_get(void)
{
	char b[16];
	ssize_t n;

	if (dry)
		return 1;
	n = pread(nth_fd, b, sizeof(b) - 1, 0);
	if (n <= 0)
		abort();
	b[n] = 0;
	return strtol(b, NULL, 10);
}

/* ---- the module's state, as its netlink family dumps it ------------- */

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

/* static: in the memory locked at setup, never faulted in an operation */
static struct snap snap_base, snap_pre, snap_post, snap_now;
static int nl_family;
static int nl_fd = -1;		/* the checks' socket */
static __u32 nl_seq;

static int nl_socket(void)
{
	struct timeval tv = { .tv_sec = 10 };
	int fd;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	return fd;
}

static int nl_resolve(int fd)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		char buf[64];
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	char resp[4096];
	struct nlmsghdr *h = (struct nlmsghdr *)resp;
	struct nlattr *na;
	ssize_t len;

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
	if (sendto(fd, &req, req.n.nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0)
		return -errno;
	len = recv(fd, resp, sizeof(resp), 0);
	if (len < 0)
		return -errno;
	if (h->nlmsg_type != GENL_ID_CTRL)
		return -ENOENT;
	for (na = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
	     (char *)na < resp + h->nlmsg_len;
	     na = (struct nlattr *)((char *)na + NLA_ALIGN(na->nla_len)))
		if (na->nla_type == CTRL_ATTR_FAMILY_ID)
			return *(__u16 *)((char *)na + NLA_HDRLEN);
	return -ENOENT;
}

#define NL_MAXATTR	16

static __u32 nla_u32(const struct nlattr *a)
{
	__u32 v = 0;

	if (a)
		memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

static __u64 nla_u64(const struct nlattr *a)
{
	__u64 v = 0;

	if (a)
		memcpy(&v, (const char *)a + NLA_HDRLEN, sizeof(v));
	return v;
}

typedef void (*nl_fn)(struct nlattr **tb, void *arg);

/*
 * One dump of @cmd (GET_CONN of port @port_id if not 0), received
 * @size octets at a time into @buf; @fn sees each object.  Returns the
 * number of objects or -errno.
 */
static int nl_dump(int fd, int cmd, __u32 port_id, char *buf, size_t size,
		   nl_fn fn, void *arg)
{
	struct {
		struct nlmsghdr n;
		struct genlmsghdr g;
		char attrs[8];
	} req;
	struct sockaddr_nl sa = { .nl_family = AF_NETLINK };
	struct nlattr *tb[NL_MAXATTR + 1];
	struct nlmsghdr *h;
	struct nlattr *a;
	int objs = 0, rem;
	ssize_t len;

	memset(&req, 0, sizeof(req));
	req.n.nlmsg_len = NLMSG_LENGTH(GENL_HDRLEN);
	req.n.nlmsg_type = nl_family;
	req.n.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	req.n.nlmsg_seq = ++nl_seq;
	req.g.cmd = cmd;
	req.g.version = LRPC_GENL_VERSION;
	if (port_id) {
		a = (struct nlattr *)req.attrs;
		a->nla_type = LRPC_CONN_A_PORT_ID;
		a->nla_len = NLA_HDRLEN + sizeof(port_id);
		memcpy((char *)a + NLA_HDRLEN, &port_id, sizeof(port_id));
		req.n.nlmsg_len += NLA_ALIGN(a->nla_len);
	}
	if (sendto(fd, &req, req.n.nlmsg_len, 0, (void *)&sa, sizeof(sa)) < 0)
		return -errno;
	for (;;) {
		len = recv(fd, buf, size, MSG_TRUNC);
		if (len < 0)
			return -errno;
		if ((size_t)len > size)
			return -EMSGSIZE;
		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_DONE)
				return *(int *)NLMSG_DATA(h) ?: objs;
			if (h->nlmsg_type == NLMSG_ERROR)
				return ((struct nlmsgerr *)NLMSG_DATA(h))->error ?: -EPROTO;
			if (h->nlmsg_type != nl_family)
				continue;
			memset(tb, 0, sizeof(tb));
			a = (struct nlattr *)((char *)NLMSG_DATA(h) + GENL_HDRLEN);
			rem = h->nlmsg_len - NLMSG_LENGTH(GENL_HDRLEN);
			while (rem >= (int)sizeof(*a) && a->nla_len >= sizeof(*a) &&
			       a->nla_len <= rem) {
				if ((a->nla_type & NLA_TYPE_MASK) <= NL_MAXATTR)
					tb[a->nla_type & NLA_TYPE_MASK] = a;
				rem -= NLA_ALIGN(a->nla_len);
				a = (struct nlattr *)((char *)a + NLA_ALIGN(a->nla_len));
			}
			if (fn)
				fn(tb, arg);
			objs++;
		}
	}
}

static void snap_port(struct nlattr **tb, void *arg)
{
	struct snap *s = arg;
	struct obj_port *p = &s->port[s->nports];

	if (s->nports == MAXOBJ)
		return;
	s->nports++;
	p->id = nla_u32(tb[LRPC_PORT_A_ID]);
	p->conns = nla_u32(tb[LRPC_PORT_A_CONNS]);
	p->connecting = nla_u32(tb[LRPC_PORT_A_CONNECTING]);
	p->queued = nla_u32(tb[LRPC_PORT_A_QUEUED]);
	memset(p->name, 0, sizeof(p->name));
	if (tb[LRPC_PORT_A_NAME])
		strncpy(p->name, (char *)tb[LRPC_PORT_A_NAME] + NLA_HDRLEN,
			sizeof(p->name) - 1);
}

static void snap_conn(struct nlattr **tb, void *arg)
{
	struct snap *s = arg;
	struct obj_conn *c = &s->conn[s->nconns];

	if (s->nconns == MAXOBJ)
		return;
	s->nconns++;
	c->id = nla_u64(tb[LRPC_CONN_A_ID]);
	c->port_id = nla_u32(tb[LRPC_CONN_A_PORT_ID]);
	c->pending = nla_u32(tb[LRPC_CONN_A_PENDING]);
	c->queued = nla_u32(tb[LRPC_CONN_A_QUEUED]);
	c->state = nla_u32(tb[LRPC_CONN_A_STATE]);
	c->peer_uid = nla_u32(tb[LRPC_CONN_A_PEER_UID]);
}

static void snap_sec(struct nlattr **tb, void *arg)
{
	struct snap *s = arg;
	struct obj_sec *x = &s->sec[s->nsecs];

	if (s->nsecs == MAXOBJ)
		return;
	s->nsecs++;
	x->id = nla_u32(tb[LRPC_SECTION_A_ID]);
	x->mappings = nla_u32(tb[LRPC_SECTION_A_MAPPINGS]);
	x->views = nla_u32(tb[LRPC_SECTION_A_VIEWS]);
	x->size = nla_u64(tb[LRPC_SECTION_A_SIZE]);
	x->resident = nla_u64(tb[LRPC_SECTION_A_RESIDENT]);
}

static char snap_buf[32768];

/* Everything the module holds: ports, connections, sections. */
static int snap_take(struct snap *s)
{
	int r;

	s->nports = s->nconns = s->nsecs = 0;
	r = nl_dump(nl_fd, LRPC_CMD_GET_PORT, 0, snap_buf, sizeof(snap_buf),
		    snap_port, s);
	if (r >= 0)
		r = nl_dump(nl_fd, LRPC_CMD_GET_CONN, 0, snap_buf,
			    sizeof(snap_buf), snap_conn, s);
	if (r >= 0)
		r = nl_dump(nl_fd, LRPC_CMD_GET_SECTION, 0, snap_buf,
			    sizeof(snap_buf), snap_sec, s);
	return r < 0 ? r : 0;
}

/*
 * NULL if @a and @b hold the same objects in the same state, else what
 * differs.  Not resident pages: a page fault that failed half-way may
 * leave its page in the section, as any fault may.
 */
static const char *snap_diff(const struct snap *a, const struct snap *b)
{
	static char why[256];
	int i;

	if (a->nports != b->nports || a->nconns != b->nconns ||
	    a->nsecs != b->nsecs) {
		snprintf(why, sizeof(why), "ports %d -> %d, connections %d -> %d, sections %d -> %d",
			 a->nports, b->nports, a->nconns, b->nconns,
			 a->nsecs, b->nsecs);
		return why;
	}
	for (i = 0; i < a->nports; i++) {
		const struct obj_port *x = &a->port[i], *y = &b->port[i];

		if (x->id != y->id || x->conns != y->conns ||
		    x->connecting != y->connecting || x->queued != y->queued) {
			snprintf(why, sizeof(why), "port %u: connections %u -> %u, connecting %u -> %u, queued %u -> %u",
				 x->id, x->conns, y->conns, x->connecting,
				 y->connecting, x->queued, y->queued);
			return why;
		}
	}
	for (i = 0; i < a->nconns; i++) {
		const struct obj_conn *x = &a->conn[i], *y = &b->conn[i];

		if (x->id != y->id || x->pending != y->pending ||
		    x->queued != y->queued || x->state != y->state) {
			snprintf(why, sizeof(why), "connection %llu: pending %u -> %u, queued %u -> %u, state %u -> %u",
				 (unsigned long long)x->id, x->pending,
				 y->pending, x->queued, y->queued, x->state,
				 y->state);
			return why;
		}
	}
	for (i = 0; i < a->nsecs; i++) {
		const struct obj_sec *x = &a->sec[i], *y = &b->sec[i];

		if (x->id != y->id || x->mappings != y->mappings ||
		    x->views != y->views) {
			snprintf(why, sizeof(why), "section %u: mappings %u -> %u, views %u -> %u, resident %llu -> %llu",
				 x->id, x->mappings, y->mappings, x->views,
				 y->views, (unsigned long long)x->resident,
				 (unsigned long long)y->resident);
			return why;
		}
	}
	return NULL;
}

static struct obj_port *snap_port_of(struct snap *s, __u32 id)
{
	int i;

	for (i = 0; i < s->nports; i++)
		if (s->port[i].id == id)
			return &s->port[i];
	return NULL;
}

static struct obj_conn *snap_conn_of(struct snap *s, __u64 id)
{
	int i;

	for (i = 0; i < s->nconns; i++)
		if (s->conn[i].id == id)
			return &s->conn[i];
	return NULL;
}

static struct obj_sec *snap_sec_of(struct snap *s, __u32 id)
{
	int i;

	for (i = 0; i < s->nsecs; i++)
		if (s->sec[i].id == id)
			return &s->sec[i];
	return NULL;
}

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

/* ---- fds ------------------------------------------------------------- */

/*
 * The lowest free fd, -1 if the next few free ones are not consecutive:
 * an fd left behind, installed or only reserved, moves it.
 */
static int fd_low(int probe)
{
	int fds[8], i, low;

	for (i = 0; i < 8; i++)
		fds[i] = dup(probe);
	low = fds[0];
	for (i = 0; i < 8; i++) {
		if (fds[i] != fds[0] + i)
			low = -1;
		if (fds[i] >= 0)
			close(fds[i]);
	}
	return low;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* ---- helper threads --------------------------------------------------- */

static void on_signal(int sig)
{
}

static void thread_start(pthread_t *t, void *(*fn)(void *), void *arg)
{
	pthread_attr_t a;

	pthread_attr_init(&a);
	/* small: a forked child locks them all (accept_fd_table) */
	pthread_attr_setstacksize(&a, 256 << 10);
	if (pthread_create(t, &a, fn, arg))
		abort();
	pthread_attr_destroy(&a);
}

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

static void *server_main(void *arg)
{
	struct server *s = arg;
	struct lrpc_view_attach va;
	struct lrpc_msg_info info;
	int r;

	for (;;) {
		r = lrpc_recv_port(s->port, s->buf, sizeof(s->buf), -1, &info);
		if (r == -ESHUTDOWN)
			break;
		if (r == -EINTR)
			continue;
		if (r) {
			STORE(s->err, r);
			break;
		}
		if (info.view_fd >= 0)
			close(info.view_fd);
		switch (info.kind) {
		case LRPC_MSG_CONNECT_REQUEST:
			r = lrpc_accept(s->port, info.msg_id, "ok", 2, 0);
			if (r < 0) {
				STORE(s->err, r);
				break;
			}
			pthread_mutex_lock(&s->lock);
			s->sconn[s->nsconn++ % MAXCONN] = r;
			pthread_mutex_unlock(&s->lock);
			break;
		case LRPC_MSG_REQUEST:
			if (!s->hold) {
				if (s->reply_view >= 0)
					sec_view(&va, s->reply_view, 0, 0, 0);
				r = sec_reply_recv(s->port, info.msg_id, "reply", 5,
						   s->reply_view >= 0 ? &va : NULL,
						   NULL, 0, 0, NULL);
				if (r && r != -ENOENT)
					STORE(s->err, r);
			}
			INC(s->nreq);
			break;
		case LRPC_MSG_CANCEL:
			INC(s->ncancel);
			break;
		case LRPC_MSG_PORT_CLOSED:
			INC(s->nclosed);
			break;
		default:
			INC(s->noneway);
			break;
		}
	}
	return NULL;
}

static void server_start(struct server *s, int port, int reply_view, int hold)
{
	memset(s, 0, sizeof(*s));
	s->port = port;
	s->reply_view = reply_view;
	s->hold = hold;
	pthread_mutex_init(&s->lock, NULL);
	thread_start(&s->t, server_main, s);
}

/* The next connection fd the server accepted, -1 if none comes. */
static int server_take(struct server *s)
{
	int i, fd = -1;

	for (i = 0; i < 10000 && fd < 0; i++) {
		pthread_mutex_lock(&s->lock);
		if (s->nsconn) {
			fd = s->sconn[0];
			memmove(s->sconn, s->sconn + 1,
				(MAXCONN - 1) * sizeof(int));
			s->nsconn--;
		}
		pthread_mutex_unlock(&s->lock);
		if (fd < 0)
			usleep(1000);
	}
	return fd;
}

static void port_shutdown(int port, __u32 flags)
{
	struct lrpc_port_shutdown sd = { .flags = flags };

	ioctl(port, LRPC_IOC_PORT_SHUTDOWN, &sd);
}

static void server_stop(struct server *s)
{
	port_shutdown(s->port, 0);
	pthread_join(s->t, NULL);
	port_shutdown(s->port, LRPC_SHUTDOWN_F_RESUME);
	while (s->nsconn)
		close(s->sconn[--s->nsconn]);
}

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

static void *connector_main(void *arg)
{
	struct connector *c = arg;
	char reply[64];
	__u32 rlen;
	int r, fd;

	if (unshare(CLONE_FILES))
		abort();
	for (fd = 3; fd < 1024; fd++)
		if (fd != c->dev)
			close(fd);
	while (!LOAD(c->stop)) {
		r = lrpc_connect_ex(c->dev, c->name, "hello", 5, reply,
				    sizeof(reply), &rlen, c->timeout, NULL);
		if (r >= 0)
			close(r);
		STORE(c->last, r < 0 ? r : 0);
		INC(c->nres);
		if (r == -ECONNRESET || r == -ENOENT)
			break;
	}
	STORE(c->done, 1);
	return NULL;
}

static void connector_start(struct connector *c, int dev, const char *name)
{
	memset(c, 0, sizeof(*c));
	c->dev = dev;
	c->timeout = 20 * SEC;
	memcpy(c->name, name, sizeof(c->name));
	thread_start(&c->t, connector_main, c);
}

static void thread_stop(pthread_t t, int *stop, int *done)
{
	STORE(*stop, 1);
	while (!LOAD(*done)) {
		pthread_kill(t, SIGUSR1);
		usleep(2000);
	}
	pthread_join(t, NULL);
}

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

static void *caller_main(void *arg)
{
	struct caller *c = arg;
	int r;

	while (!LOAD(c->stop)) {
		memset(&c->call, 0, sizeof(c->call));
		c->call.data = (uintptr_t)"call";
		c->call.len = 4;
		c->call.reply = (uintptr_t)c->reply;
		c->call.reply_size = sizeof(c->reply);
		c->call.timeout_ns = c->timeout;
		c->call.msg.view_fd = -1;
		if (c->view >= 0) {
			sec_view(&c->va, c->view, 0, 0, 0);
			c->call.view = (uintptr_t)&c->va;
		}
		r = ioctl(c->comm, LRPC_IOC_CALL, &c->call) ? -errno : 0;
		if (c->call.msg.view_fd >= 0)
			close(c->call.msg.view_fd);
		STORE(c->last, r);
		INC(c->ncalls);
		if (r == -ECONNRESET)
			break;
	}
	STORE(c->done, 1);
	return NULL;
}

static void caller_start(struct caller *c, int comm, int view)
{
	memset(c, 0, sizeof(*c));
	c->comm = comm;
	c->view = view;
	c->timeout = 60 * SEC;
	thread_start(&c->t, caller_main, c);
}

/* ---- the scenarios' shared state ---------------------------------------- */

/*
 * One scenario at a time per test process; static so that it lies in
 * the memory locked at setup: an operation never faults on it.
 */
static struct {
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
} C;

static void names(const char *tag)
{
	snprintf(C.name, sizeof(C.name), "fnth.%s.%d", tag, getpid());
}

/* Create the scenario's port (C.port, C.port_id) named C.name. */
static int port_make(void)
{
	struct obj_port *p;
	int i;

	C.port = lrpc_port(C.dev, C.name, LRPC_MODE_ALL, 0);
	if (C.port < 0)
		return C.port;
	if (snap_take(&snap_now))
		return -EIO;
	for (i = 0; i < snap_now.nports; i++) {
		p = &snap_now.port[i];
		if (!strcmp(p->name, C.name)) {
			C.port_id = p->id;
			return 0;
		}
	}
	return -ENOENT;
}

/* A connection to C.port: C.comm, C.sconn, C.conn_id. */
static int pair_make(void)
{
	struct sec_acceptor a = { .port = C.port };
	pthread_t t;

	thread_start(&t, sec_accept_thread, &a);
	C.comm = lrpc_connect_ex(C.dev, C.name, NULL, 0, NULL, 0, NULL,
				 20 * SEC, &C.conn_id);
	pthread_join(t, NULL);
	C.sconn = a.sconn;
	return C.comm >= 0 && C.sconn >= 0 ? 0 : -1;
}

/* ---- the driver ------------------------------------------------------- */

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

/* Run @sc->op with fail-nth = @n in a child that has no free fd left below 64. */
static int run_forked(const struct scenario *sc, unsigned int n, long *left)
{
	int pfd[2], fd, st;
	long res[2] = { -EIO, -1 };
	pid_t pid;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid == 0) {
		close(pfd[0]);
		/* its own copies of the pages an operation writes */
		mlockall(MCL_CURRENT);
		if (nth_open())
			_exit(1);
		/* a fresh table of 64 fds (fork sized it): fill it */
		for (fd = 0; fd < 64; fd++)
			if (fcntl(fd, F_GETFD) < 0)
				dup2(C.dev, fd);
		nth_set(n);
		res[0] = sc->op();
		res[1] = nth_get();
		nth_set(0);
		if (write(pfd[1], res, sizeof(res)) != sizeof(res))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (pid < 0 || read(pfd[0], res, sizeof(res)) != sizeof(res))
		res[0] = -EIO;
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &st, 0);
	*left = res[1];
	return res[0];
}

/*
 * What fail-nth counts.  Both kinds at once make a noisy sequence: a
 * slab allocation takes a page now and then (more so under KASAN's
 * quarantine), which shifts every later fault by one and can skip a
 * site.  So each scenario sweeps twice: slab allocations only (no page
 * order reaches fail_page_alloc's min-order), then page allocations
 * only (failslab's cache filter with no cache in it).
 */
enum sweep { SWEEP_SLAB, SWEEP_PAGE, SWEEP_BOTH };

static void sweep_set(enum sweep what)
{
	if (dry)
		return;
	knob_rw(FS "cache-filter", NULL, 0, what == SWEEP_PAGE ? "Y" : "N");
	knob_rw(FPA "min-order", NULL, 0, what == SWEEP_SLAB ? "11" : "0");
}

struct points {
	int points, failed, absorbed;
};

static void sweep(struct __test_metadata *_metadata,
		  const struct scenario *sc, struct points *pt)
{
	int low0, low, ret;
	const char *diff;
	unsigned int n;
	long left;

	memset(pt, 0, sizeof(*pt));
	for (n = 1; n <= MAX_POINTS; n++) {
		low0 = fd_low(C.dev);
		if (sc->before)
			sc->before(_metadata);
		low = fd_low(C.dev);
		ASSERT_LE(0, low) TH_LOG("%s: fds not contiguous", sc->name);
		ASSERT_EQ(0, snap_take(&snap_pre));

		if (sc->flags & SC_FORK) {
			ret = run_forked(sc, n, &left);
		} else {
			nth_set(n);
			ret = sc->op();
			left = nth_get();
			nth_set(0);
		}

		if (ret < 0) {
			ASSERT_EQ(0, left)
				TH_LOG("%s: failed (%s) without a fault (fail-nth=%u)",
				       sc->name, strerror(-ret), n);
			ASSERT_TRUE(ret == -ENOMEM || (sc->err && ret == -sc->err))
				TH_LOG("%s: fault %u gave %s", sc->name, n,
				       strerror(-ret));
			ASSERT_EQ(0, snap_take(&snap_post));
			diff = snap_diff(&snap_pre, &snap_post);
			ASSERT_EQ(NULL, diff)
				TH_LOG("%s: fault %u (%s) left %s", sc->name, n,
				       strerror(-ret), diff);
			ASSERT_EQ(low, fd_low(C.dev))
				TH_LOG("%s: fault %u (%s) left an fd behind",
				       sc->name, n, strerror(-ret));
		}
		if (sc->after)
			sc->after(_metadata, ret);
		ASSERT_EQ(low0, fd_low(C.dev))
			TH_LOG("%s: run %u (%d) changed the fd table", sc->name,
			       n, ret);
		if (left)
			break;
		pt->points++;
		if (ret < 0)
			pt->failed++;
		else
			pt->absorbed++;
	}
	ASSERT_GE(MAX_POINTS, n) TH_LOG("%s: no end to its faults", sc->name);
}

static void fault_loop(struct __test_metadata *_metadata,
		       const struct scenario *sc)
{
	struct points slab, page;

	sweep_set(SWEEP_SLAB);
	sweep(_metadata, sc, &slab);
	sweep_set(SWEEP_PAGE);
	sweep(_metadata, sc, &page);
	sweep_set(SWEEP_BOTH);
	ksft_print_msg("fault points: %-30s slab %2d (%d failed, %d absorbed), page %2d (%d failed, %d absorbed)\n",
		       sc->name, slab.points, slab.failed, slab.absorbed,
		       page.points, page.failed, page.absorbed);
	fflush(stdout);
	if (sc->flags & SC_NOFAULT)
		EXPECT_EQ(0, slab.points + page.points)
			TH_LOG("%s: a release path allocates", sc->name);
}

/*
 * The same operation with no fd to be had (RLIMIT_NOFILE): -EMFILE, and
 * nothing changed; then with the limit back, it goes through.
 */
static void emfile_check(struct __test_metadata *_metadata,
			 const struct scenario *sc)
{
	struct rlimit old, lim;
	const char *diff;
	int low0, low, ret;

	low0 = fd_low(C.dev);
	if (sc->before)
		sc->before(_metadata);
	low = fd_low(C.dev);
	ASSERT_LE(0, low);
	ASSERT_EQ(0, snap_take(&snap_pre));
	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &old));
	lim = old;
	lim.rlim_cur = low;
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &lim));
	ret = sc->op();
	ASSERT_EQ(0, setrlimit(RLIMIT_NOFILE, &old));
	ASSERT_EQ(-EMFILE, ret) TH_LOG("%s without a free fd", sc->name);
	ASSERT_EQ(0, snap_take(&snap_post));
	diff = snap_diff(&snap_pre, &snap_post);
	ASSERT_EQ(NULL, diff) TH_LOG("%s: -EMFILE left %s", sc->name, diff);
	ASSERT_EQ(low, fd_low(C.dev));
	if (sc->after)
		sc->after(_metadata, ret);

	if (sc->before)
		sc->before(_metadata);
	ret = sc->op();
	ASSERT_LE(0, ret) TH_LOG("%s after -EMFILE: %s", sc->name,
				 strerror(-ret));
	if (sc->after)
		sc->after(_metadata, ret);
	ASSERT_EQ(low0, fd_low(C.dev));
	ksft_print_msg("no fd left: %-30s -EMFILE, clean\n", sc->name);
	fflush(stdout);
}

/* ---- fixture ----------------------------------------------------------- */

/* Grow the stack now, so that no operation faults on a new stack page. */
static void __attribute__((noinline)) stack_warm(void)
{
	volatile char pad[128 << 10];

	memset((char *)pad, 0, sizeof(pad));
}

FIXTURE(fnth) {
	int unused;
};

FIXTURE_SETUP(fnth)
{
	struct sigaction sa = { .sa_handler = on_signal };

	memset(&C, 0, sizeof(C));
	C.port = C.comm = C.sconn = C.sec = C.sec2 = C.view = C.out = -1;
	C.closefd = C.nlop = C.zero = C.pipe[0] = C.pipe[1] = -1;
	C.dev = lrpc_open();
	ASSERT_LE(0, C.dev);
	ASSERT_EQ(0, nth_open());
	nl_fd = nl_socket();
	ASSERT_LE(0, nl_fd);
	/* no SA_RESTART: it ends a helper's blocking ioctl */
	sigaction(SIGUSR1, &sa, NULL);
	memset(C.payload, 'p', sizeof(C.payload));
	stack_warm();
	/*
	 * The pages an operation touches must be there and our own (not
	 * shared with the harness after fork): a page fault in the middle
	 * of the operation would be an allocation of its own.
	 */
	if (!dry)
		ASSERT_EQ(0, mlockall(MCL_CURRENT));
}

FIXTURE_TEARDOWN(fnth)
{
	if (C.map && C.map != MAP_FAILED)
		munmap(C.map, C.maplen);
	C.map = NULL;
}

/* ---- opening and closing /dev/lrpc ----------------------------------- */

static int op_open_dev(void)
{
	int fd = open("/dev/" LRPC_DEVICE_NAME, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

static void after_close_ret(struct __test_metadata *_metadata, int ret)
{
	if (ret >= 0)
		close(ret);
}

static void before_open_dev(struct __test_metadata *_metadata)
{
	C.closefd = op_open_dev();
	ASSERT_LE(0, C.closefd);
}

static int op_close(void)
{
	return close(C.closefd) ? -errno : 0;
}

static void after_closed(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	C.closefd = -1;
}

TEST_F_TIMEOUT(fnth, dev_open, 300)
{
	static const struct scenario open_dev = {
		.name = "open /dev/lrpc",
		.op = op_open_dev,
		.after = after_close_ret,
	};
	static const struct scenario close_dev = {
		.name = "close /dev/lrpc",
		.before = before_open_dev,
		.op = op_close,
		.after = after_closed,
		.flags = SC_NOFAULT,
	};

	fault_loop(_metadata, &open_dev);
	fault_loop(_metadata, &close_dev);
}

/* ---- ports ------------------------------------------------------------- */

static int op_port_create(void)
{
	return lrpc_port(C.dev, C.name, LRPC_MODE_ALL, 0);
}

static void after_port_create(struct __test_metadata *_metadata, int ret)
{
	if (ret < 0)
		return;
	ASSERT_EQ(0, snap_take(&snap_now));
	ASSERT_EQ(snap_pre.nports + 1, snap_now.nports);
	close(ret);
}

static const struct scenario sc_port_create = {
	.name = "port create",
	.op = op_port_create,
	.after = after_port_create,
};

/* No other object of this uid: lrpc_user_get_current allocates each time. */
TEST_F_TIMEOUT(fnth, port_create, 300)
{
	names("port");
	fault_loop(_metadata, &sc_port_create);
	emfile_check(_metadata, &sc_port_create);
}

/* The same name in another ipc namespace is another port. */
TEST_F_TIMEOUT(fnth, port_create_ipc_ns, 300)
{
	static const struct scenario sc = {
		.name = "port create (new ipc ns)",
		.op = op_port_create,
		.after = after_port_create,
	};
	int fd;

	names("ipcns");
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, unshare(CLONE_NEWIPC));
	fault_loop(_metadata, &sc);
	fd = op_port_create();
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EADDRINUSE, op_port_create());
	close(fd);
	close_fd(&C.port);
}

static int op_shutdown(void)
{
	struct lrpc_port_shutdown sd = { 0 };

	return ioctl(C.port, LRPC_IOC_PORT_SHUTDOWN, &sd) ? -errno : 0;
}

static void after_shutdown(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	ASSERT_EQ(-ESHUTDOWN, lrpc_recv_port(C.port, C.buf, sizeof(C.buf),
					     -1, NULL));
	port_shutdown(C.port, LRPC_SHUTDOWN_F_RESUME);
}

TEST_F_TIMEOUT(fnth, port_shutdown, 300)
{
	static const struct scenario sc = {
		.name = "port shutdown",
		.op = op_shutdown,
		.after = after_shutdown,
		.flags = SC_NOFAULT,
	};

	names("shut");
	ASSERT_EQ(0, port_make());
	fault_loop(_metadata, &sc);
	close_fd(&C.port);
}

/* ---- connect ------------------------------------------------------------ */

static int op_connect(void)
{
	return lrpc_connect_ex(C.dev, C.name, "hello", 5, C.reply,
			       sizeof(C.reply), &C.rlen, 20 * SEC, &C.conn_id);
}

/* Close both ends of the new connection: nothing of it may stay. */
static void after_connect(struct __test_metadata *_metadata, int ret)
{
	int sconn;

	if (ret < 0)
		return;
	EXPECT_EQ(2, C.rlen);
	close(ret);
	sconn = server_take(&C.srv);
	ASSERT_LE(0, sconn);
	close(sconn);
	ASSERT_TRUE(SETTLE(PORT(conns) == 0 && PORT(queued) == 0 &&
			   PORT(connecting) == 0));
}

static const struct scenario sc_connect = {
	.name = "connect",
	.op = op_connect,
	.after = after_connect,
};

TEST_F_TIMEOUT(fnth, connect, 300)
{
	names("conn");
	ASSERT_EQ(0, port_make());
	server_start(&C.srv, C.port, -1, 0);
	fault_loop(_metadata, &sc_connect);
	emfile_check(_metadata, &sc_connect);
	server_stop(&C.srv);
	EXPECT_EQ(0, C.srv.err);
	close_fd(&C.port);
}

/* Keep CAP_SYS_ADMIN (the dumps) while this thread's euid is @euid. */
static void as_euid(uid_t euid)
{
	prctl(PR_SET_SECUREBITS, euid ? SECBIT_NO_SETUID_FIXUP : 0);
	syscall(SYS_setresuid, -1, euid, -1);
}

static void after_connect_uid(struct __test_metadata *_metadata, int ret)
{
	if (ret >= 0) {
		ASSERT_EQ(0, snap_take(&snap_now));
		EXPECT_EQ(4321, CONN(peer_uid));
	}
	after_connect(_metadata, ret);
}

/* A client uid with nothing else: its lrpc_user is allocated each time. */
TEST_F_TIMEOUT(fnth, connect_new_uid, 300)
{
	static const struct scenario sc = {
		.name = "connect (a new uid)",
		.op = op_connect,
		.after = after_connect_uid,
	};

	names("uid");
	ASSERT_EQ(0, port_make());
	server_start(&C.srv, C.port, -1, 0);
	as_euid(4321);
	ASSERT_EQ(4321, geteuid());
	fault_loop(_metadata, &sc);
	as_euid(0);
	server_stop(&C.srv);
	EXPECT_EQ(0, C.srv.err);
	close_fd(&C.port);
}

static int op_connect_timeout(void)
{
	int r = lrpc_connect_ex(C.dev, C.name, "hello", 5, NULL, 0, NULL,
				30 * MS, NULL);

	return r == -ETIMEDOUT ? 0 : r < 0 ? r : -EPROTO;
}

static void after_timeout(struct __test_metadata *_metadata, int ret)
{
	ASSERT_TRUE(SETTLE(PORT(queued) == 0 && PORT(connecting) == 0 &&
			   CONN(pending) <= 0));
}

/* Nobody accepts: the request is withdrawn. */
TEST_F_TIMEOUT(fnth, connect_timeout, 300)
{
	static const struct scenario sc = {
		.name = "connect, time-out",
		.op = op_connect_timeout,
		.after = after_timeout,
	};

	names("ctmo");
	ASSERT_EQ(0, port_make());
	fault_loop(_metadata, &sc);
	close_fd(&C.port);
}

/* ---- accept ------------------------------------------------------------- */

/* A CONNECT_REQUEST delivered to us, the connector waiting on it. */
static void before_accept(struct __test_metadata *_metadata)
{
	if (C.msg_id)
		return;
	for (;;) {
		ASSERT_EQ(0, lrpc_recv_port(C.port, C.buf, sizeof(C.buf),
					    20 * SEC, &C.info));
		if (C.info.kind == LRPC_MSG_CONNECT_REQUEST)
			break;
		ASSERT_EQ(LRPC_MSG_PORT_CLOSED, C.info.kind);
	}
	C.msg_id = C.info.msg_id;
	C.seen = LOAD(C.con.nres);
	ASSERT_TRUE(SETTLE(PORT(conns) == 0 && PORT(connecting) == 1 &&
			   PORT(queued) == 0));
}

static int op_accept(void)
{
	return lrpc_accept(C.port, C.msg_id, "welcome", 7, C.reject);
}

static void after_accept(struct __test_metadata *_metadata, int ret)
{
	if (ret < 0)
		return;
	if (!C.reject && !C.forked)
		close(ret);
	/* the first fd past the child's full table: it had to grow */
	if (C.forked)
		EXPECT_EQ(64, ret);
	C.msg_id = 0;
	/* the connector got its answer (and closed what it got) */
	ASSERT_TRUE(WAIT_FOR(LOAD(C.con.nres) > C.seen));
	EXPECT_EQ(C.reject ? -ECONNREFUSED : 0, LOAD(C.con.last));
}

static const struct scenario sc_accept = {
	.name = "accept",
	.before = before_accept,
	.op = op_accept,
	.after = after_accept,
};

static void accept_begin(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, port_make());
	connector_start(&C.con, C.dev, C.name);
}

static void accept_end(struct __test_metadata *_metadata)
{
	/* a signal ends the connector's last connect */
	thread_stop(C.con.t, &C.con.stop, &C.con.done);
	close_fd(&C.port);
}

TEST_F_TIMEOUT(fnth, accept, 300)
{
	names("acc");
	accept_begin(_metadata);
	fault_loop(_metadata, &sc_accept);
	emfile_check(_metadata, &sc_accept);
	accept_end(_metadata);
}

TEST_F_TIMEOUT(fnth, accept_reject, 300)
{
	static const struct scenario sc = {
		.name = "accept, reject",
		.before = before_accept,
		.op = op_accept,
		.after = after_accept,
	};

	names("rej");
	C.reject = 1;
	accept_begin(_metadata);
	fault_loop(_metadata, &sc);
	C.reject = 0;
	accept_end(_metadata);
}

/*
 * The connection fd needs a bigger fd table (a child with all 64 of its
 * first table in use): growing it fails too, and accept undoes.
 */
TEST_F_TIMEOUT(fnth, accept_fd_table, 300)
{
	static const struct scenario sc = {
		.name = "accept (fd table grows)",
		.before = before_accept,
		.op = op_accept,
		.after = after_accept, .flags = SC_FORK,
	};
	struct rlimit lim;

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &lim));
	if (lim.rlim_cur < 128)
		SKIP(return, "RLIMIT_NOFILE below 128");
	names("accfd");
	C.forked = 1;
	accept_begin(_metadata);
	fault_loop(_metadata, &sc);
	C.forked = 0;
	accept_end(_metadata);
}

/* ---- calls, replies, one-way messages ---------------------------------- */

static int op_call(void)
{
	memset(&C.call, 0, sizeof(C.call));
	C.call.data = (uintptr_t)C.payload;
	C.call.len = C.len;
	C.call.reply = (uintptr_t)C.reply;
	C.call.reply_size = sizeof(C.reply);
	C.call.timeout_ns = 20 * SEC;
	C.call.msg.view_fd = -1;
	if (C.view_on)
		C.call.view = (uintptr_t)&C.va;
	return ioctl(C.comm, LRPC_IOC_CALL, &C.call) ? -errno : 0;
}

static void after_call(struct __test_metadata *_metadata, int ret)
{
	if (C.call.msg.view_fd >= 0)
		close(C.call.msg.view_fd);
	if (ret)
		return;
	EXPECT_EQ(5, C.call.reply_len);
	EXPECT_EQ(0, memcmp(C.reply, "reply", 5));
	ASSERT_TRUE(SETTLE(PORT(queued) == 0 && CONN(pending) == 0));
}

static void call_begin(struct __test_metadata *_metadata, int reply_view)
{
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	server_start(&C.srv, C.port, reply_view, 0);
}

static void call_end(struct __test_metadata *_metadata)
{
	server_stop(&C.srv);
	EXPECT_EQ(0, C.srv.err);
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
}

TEST_F_TIMEOUT(fnth, call_inline, 300)
{
	static const struct scenario sc = {
		.name = "call, inline",
		.op = op_call,
		.after = after_call,
	};

	names("call");
	C.len = 200;
	call_begin(_metadata, -1);
	fault_loop(_metadata, &sc);
	call_end(_metadata);
}

/* More than a page: kvmalloc's kmalloc may fail, then its vmalloc. */
TEST_F_TIMEOUT(fnth, call_inline_large, 300)
{
	static const struct scenario sc = {
		.name = "call, inline 16 KiB",
		.op = op_call,
		.after = after_call,
	};

	names("big");
	C.len = sizeof(C.payload);
	call_begin(_metadata, -1);
	fault_loop(_metadata, &sc);
	call_end(_metadata);
}

/*
 * kvmalloc falls back to vmalloc when its kmalloc fails, so one fault
 * never reaches the fallback's own allocations.  With a task filter,
 * failslab and fail_page_alloc fail the first @pages page and @slabs
 * slab allocations of this thread (times, probability 100,
 * make-it-fail); *left: how many of them went unused.
 */
static int run_failing(struct __test_metadata *_metadata, int mif,
		       int pages, int slabs, int (*op)(void), long *left)
{
	char buf[16];
	int ret;

	snprintf(buf, sizeof(buf), "%d", pages);
	ASSERT_EQ(0, knob_rw(FPA "times", NULL, 0, buf));
	snprintf(buf, sizeof(buf), "%d", slabs);
	ASSERT_EQ(0, knob_rw(FS "times", NULL, 0, buf));
	if (pwrite(mif, "1", 1, 0) != 1)
		abort();
	ret = op();
	if (pwrite(mif, "0", 1, 0) != 1)
		abort();
	ASSERT_EQ(0, knob_rw(FPA "times", buf, sizeof(buf), NULL));
	*left = strtol(buf, NULL, 10);
	ASSERT_EQ(0, knob_rw(FS "times", buf, sizeof(buf), NULL));
	*left += strtol(buf, NULL, 10);
	return ret;
}

static void knobs_filter(struct __test_metadata *_metadata, bool on)
{
	static const char *const attrs[] = { FS, FPA };
	char path[128];
	size_t i;

	for (i = 0; i < ARRAY_SIZE(attrs); i++) {
		snprintf(path, sizeof(path), "%sprobability", attrs[i]);
		ASSERT_EQ(0, knob_rw(path, NULL, 0, "0"));
		if (!on)
			continue;
		snprintf(path, sizeof(path), "%stask-filter", attrs[i]);
		ASSERT_EQ(0, knob_rw(path, NULL, 0, "Y"));
		snprintf(path, sizeof(path), "%sinterval", attrs[i]);
		ASSERT_EQ(0, knob_rw(path, NULL, 0, "1"));
		snprintf(path, sizeof(path), "%sspace", attrs[i]);
		ASSERT_EQ(0, knob_rw(path, NULL, 0, "0"));
		snprintf(path, sizeof(path), "%stimes", attrs[i]);
		ASSERT_EQ(0, knob_rw(path, NULL, 0, "0"));
		snprintf(path, sizeof(path), "%sprobability", attrs[i]);
		ASSERT_EQ(0, knob_rw(path, NULL, 0, "100"));
	}
}

/* The kernel log from now on (-1 if it cannot be read). */
static int kmsg_open(void)
{
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd >= 0)
		lseek(fd, 0, SEEK_END);
	return fd;
}

/* Whether the kernel logged @needle since kmsg_open(). */
static bool kmsg_has(int fd, const char *needle)
{
	static char rec[8192];
	bool found = false;
	ssize_t n;

	for (;;) {
		n = read(fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records overwritten meanwhile */
		if (n <= 0)
			break;
		rec[n] = 0;
		if (strstr(rec, needle))
			found = true;
	}
	return found;
}

/* The state checks of fault_loop, for a run of several faults. */
static void check_failed(struct __test_metadata *_metadata, int ret, int low,
			 const char *what)
{
	const char *diff;

	ASSERT_EQ(-ENOMEM, ret) TH_LOG("%s", what);
	ASSERT_EQ(0, snap_take(&snap_post));
	diff = snap_diff(&snap_pre, &snap_post);
	ASSERT_EQ(NULL, diff) TH_LOG("%s left %s", what, diff);
	ASSERT_EQ(low, fd_low(C.dev)) TH_LOG("%s left an fd", what);
}

/*
 * The first K page allocations failing, K = 1, 2, ... until some go
 * unused (kmalloc's pages, then vmalloc's); then kmalloc's pages and
 * vmalloc's first slab allocation (its vm_struct): a user's message
 * size must not be able to print allocation-failure splats.
 */
TEST_F_TIMEOUT(fnth, call_inline_vmalloc, 300)
{
	int mif, kmsg, points = 0, failed = 0, low, ret, k;
	long left;

	if (dry)
		SKIP(return, "FAIL_NTH_DRY");
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	names("vmal");
	C.len = sizeof(C.payload);
	call_begin(_metadata, -1);
	mif = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, mif);
	knobs_filter(_metadata, true);
	for (k = 1; k <= 64; k++) {
		low = fd_low(C.dev);
		ASSERT_EQ(0, snap_take(&snap_pre));
		ret = run_failing(_metadata, mif, k, 0, op_call, &left);
		if (ret < 0) {
			ASSERT_GT(k, left) TH_LOG("failed without a fault");
			check_failed(_metadata, ret, low, "page faults");
			failed++;
		}
		after_call(_metadata, ret);
		if (left)
			break;
		points++;
	}
	ASSERT_GE(64, k);
	ksft_print_msg("page allocations failed in a row: %-14s %3d (%d failed cleanly)\n",
		       "call, inline 16 KiB", points, failed);

	low = fd_low(C.dev);
	ASSERT_EQ(0, snap_take(&snap_pre));
	ret = run_failing(_metadata, mif, 1, 1, op_call, &left);
	EXPECT_EQ(0, left);
	check_failed(_metadata, ret, low, "vmalloc's vm_struct");
	after_call(_metadata, ret);
	ksft_print_msg("kmalloc's pages, then vmalloc's vm_struct: -ENOMEM, clean\n");
	fflush(stdout);

	knobs_filter(_metadata, false);
	close(mif);
	call_end(_metadata);
	EXPECT_FALSE(kmsg_has(kmsg, "vmalloc error"))
		TH_LOG("a message's size made the kernel log an allocation failure");
	close(kmsg);
}

static void after_call_view(struct __test_metadata *_metadata, int ret)
{
	if (!ret) {
		EXPECT_LE(0, C.call.msg.view_fd);
		EXPECT_EQ(2 * PAGE, C.call.msg.view_len);
	}
	after_call(_metadata, ret);
	/* the server closed the request's view, we the reply's */
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 1 &&
			   SECT(C.sec2_id, views) == 1));
}

/* A view on the request (attach), a view on the reply (installed for us). */
TEST_F_TIMEOUT(fnth, call_view, 300)
{
	static const struct scenario sc = {
		.name = "call, views both ways",
		.op = op_call,
		.after = after_call_view,
	};
	static const struct scenario sc_reply = {
		.name = "call, a view on the reply",
		.op = op_call,
		.after = after_call_view,
	};

	names("cview");
	C.len = 16;
	C.sec = sec_create(C.dev, 2 * PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	C.sec2 = sec_create(C.dev, 2 * PAGE, &C.sec2_id);
	ASSERT_LE(0, C.sec2);
	sec_view(&C.va, C.sec, 0, 0, LRPC_VIEW_F_WRITE);
	C.view_on = 1;
	call_begin(_metadata, C.sec2);
	fault_loop(_metadata, &sc);
	/* no fd for the server either while the limit holds: no request view */
	C.view_on = 0;
	emfile_check(_metadata, &sc_reply);
	call_end(_metadata);
	close_fd(&C.sec);
	close_fd(&C.sec2);
}

static int op_recv_port(void)
{
	return lrpc_recv_port(C.port, C.buf, sizeof(C.buf), 0, &C.info);
}

/* A REQUEST carrying a view, queued by the caller thread. */
static void before_recv_request(struct __test_metadata *_metadata)
{
	ASSERT_TRUE(SETTLE(PORT(queued) == 1 && CONN(pending) == 1));
}

static void after_recv_request(struct __test_metadata *_metadata, int ret)
{
	if (ret)
		return;
	ASSERT_EQ(LRPC_MSG_REQUEST, C.info.kind);
	ASSERT_LE(0, C.info.view_fd);
	close(C.info.view_fd);
	C.seen = LOAD(C.cal.ncalls);
	ASSERT_EQ(0, lrpc_reply(C.port, C.info.msg_id, "reply", 5));
	ASSERT_TRUE(WAIT_FOR(LOAD(C.cal.ncalls) > C.seen));
	EXPECT_EQ(0, LOAD(C.cal.last));
}

static const struct scenario sc_recv_request = {
	.name = "receive a request with a view",
	.before = before_recv_request,
	.op = op_recv_port,
	.after = after_recv_request,
};

/* A receiver that cannot take the view puts the request back. */
TEST_F_TIMEOUT(fnth, recv_request_view, 300)
{
	names("rreq");
	C.sec = sec_create(C.dev, 2 * PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	caller_start(&C.cal, C.comm, C.sec);
	fault_loop(_metadata, &sc_recv_request);
	emfile_check(_metadata, &sc_recv_request);
	/* the last call: cut off with the server end */
	close_fd(&C.sconn);
	thread_stop(C.cal.t, &C.cal.stop, &C.cal.done);
	close_fd(&C.comm);
	close_fd(&C.port);
	close_fd(&C.sec);
}

/* A request delivered to us, the caller thread waiting for the answer. */
static void before_reply(struct __test_metadata *_metadata)
{
	if (C.msg_id)
		return;
	ASSERT_EQ(0, lrpc_recv_port(C.port, C.buf, sizeof(C.buf), 20 * SEC,
				    &C.info));
	ASSERT_EQ(LRPC_MSG_REQUEST, C.info.kind);
	C.msg_id = C.info.msg_id;
	C.seen = LOAD(C.cal.ncalls);
	ASSERT_TRUE(SETTLE(CONN(pending) == 1 && SECT(C.sec_id, views) == 1));
}

static int op_reply(void)
{
	return sec_reply_recv(C.port, C.msg_id, "reply", 5, &C.va, NULL, 0, 0,
			      NULL);
}

static void after_reply(struct __test_metadata *_metadata, int ret)
{
	if (ret)
		return;
	C.msg_id = 0;
	/* the caller got the reply and closed its view */
	ASSERT_TRUE(WAIT_FOR(LOAD(C.cal.ncalls) > C.seen));
	EXPECT_EQ(0, LOAD(C.cal.last));
}

TEST_F_TIMEOUT(fnth, reply_view, 300)
{
	static const struct scenario sc = {
		.name = "reply with a view",
		.before = before_reply,
		.op = op_reply,
		.after = after_reply,
	};

	names("reply");
	C.sec = sec_create(C.dev, 2 * PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	sec_view(&C.va, C.sec, 0, PAGE, 0);
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	caller_start(&C.cal, C.comm, -1);
	fault_loop(_metadata, &sc);
	close_fd(&C.sconn);
	thread_stop(C.cal.t, &C.cal.stop, &C.cal.done);
	close_fd(&C.comm);
	close_fd(&C.port);
	close_fd(&C.sec);
}

static int op_send(void)
{
	return sec_send(C.out, "oneway", 6, &C.va);
}

/* Take the message back: the queue is as it was. */
static void after_send(struct __test_metadata *_metadata, int ret)
{
	if (ret)
		return;
	if (C.out == C.comm)
		ret = lrpc_recv_port(C.port, C.buf, sizeof(C.buf), 0, &C.info);
	else
		ret = lrpc_recv(C.comm, C.buf, sizeof(C.buf), 0, &C.info);
	ASSERT_EQ(0, ret);
	ASSERT_EQ(LRPC_MSG_ONEWAY, C.info.kind);
	ASSERT_LE(0, C.info.view_fd);
	close(C.info.view_fd);
}

static void send_test(struct __test_metadata *_metadata, const char *what,
		      int to_server)
{
	const struct scenario sc = {
		.name = what,
		.op = op_send,
		.after = after_send,
	};

	C.sec = sec_create(C.dev, 3 * PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	sec_view(&C.va, C.sec, PAGE, PAGE, LRPC_VIEW_F_WRITE);
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	C.out = to_server ? C.comm : C.sconn;
	fault_loop(_metadata, &sc);
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
	close_fd(&C.sec);
}

TEST_F_TIMEOUT(fnth, send_client_view, 300)
{
	names("sendc");
	send_test(_metadata, "send to the server, a view", 1);
}

TEST_F_TIMEOUT(fnth, send_server_view, 300)
{
	names("sends");
	send_test(_metadata, "send to the client, a view", 0);
}

static int op_recv_client(void)
{
	return lrpc_recv(C.comm, C.buf, sizeof(C.buf), 0, &C.info);
}

/* A one-way message with a view waiting, on the port or the client. */
static void before_recv_oneway(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, snap_take(&snap_now));
	if (C.out == C.comm ? PORT(queued) == 0 : CONN(queued) == 0)
		ASSERT_EQ(0, sec_send(C.out, "oneway", 6, &C.va));
}

static void after_recv_oneway(struct __test_metadata *_metadata, int ret)
{
	if (ret)
		return;
	ASSERT_EQ(LRPC_MSG_ONEWAY, C.info.kind);
	ASSERT_LE(0, C.info.view_fd);
	close(C.info.view_fd);
}

static void recv_test(struct __test_metadata *_metadata,
		      const struct scenario *sc, int at_server)
{
	C.sec = sec_create(C.dev, PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	sec_view(&C.va, C.sec, 0, 0, 0);
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	C.out = at_server ? C.comm : C.sconn;
	fault_loop(_metadata, sc);
	emfile_check(_metadata, sc);
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
	close_fd(&C.sec);
}

TEST_F_TIMEOUT(fnth, recv_oneway_view, 300)
{
	static const struct scenario sc = {
		.name = "receive one-way with a view (port)",
		.before = before_recv_oneway,
		.op = op_recv_port,
		.after = after_recv_oneway,
	};

	names("rone");
	recv_test(_metadata, &sc, 1);
}

TEST_F_TIMEOUT(fnth, recv_client_view, 300)
{
	static const struct scenario sc = {
		.name = "receive one-way with a view (client)",
		.before = before_recv_oneway,
		.op = op_recv_client,
		.after = after_recv_oneway,
	};

	names("rcli");
	recv_test(_metadata, &sc, 0);
}

/* ---- cancel and time-outs ------------------------------------------------ */

static int op_cancel(void)
{
	return lrpc_cancel(C.comm, C.msg_id);
}

/* Delivered: a CANCEL follows; queued: the request is withdrawn. */
static void before_cancel(struct __test_metadata *_metadata)
{
	if (C.msg_id)
		return;
	if (C.queued) {
		ASSERT_TRUE(SETTLE(PORT(queued) == 1 && CONN(pending) == 1));
		ASSERT_TRUE(WAIT_FOR(LOAD(C.cal.call.msg_id) != 0));
		C.msg_id = LOAD(C.cal.call.msg_id);
	} else {
		ASSERT_EQ(0, lrpc_recv_port(C.port, C.buf, sizeof(C.buf),
					    20 * SEC, &C.info));
		ASSERT_EQ(LRPC_MSG_REQUEST, C.info.kind);
		C.msg_id = C.info.msg_id;
	}
	C.seen = LOAD(C.cal.ncalls);
	ASSERT_TRUE(SETTLE(CONN(pending) == 1));
}

static void after_cancel(struct __test_metadata *_metadata, int ret)
{
	if (ret)
		return;
	ASSERT_TRUE(WAIT_FOR(LOAD(C.cal.ncalls) > C.seen));
	EXPECT_EQ(-ECANCELED, LOAD(C.cal.last));
	if (!C.queued) {
		ASSERT_EQ(0, lrpc_recv_port(C.port, C.buf, sizeof(C.buf),
					    20 * SEC, &C.info));
		EXPECT_EQ(LRPC_MSG_CANCEL, C.info.kind);
		EXPECT_EQ(C.msg_id, C.info.msg_id);
	}
	C.msg_id = 0;
}

static void cancel_test(struct __test_metadata *_metadata,
			const struct scenario *sc)
{
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	caller_start(&C.cal, C.comm, -1);
	fault_loop(_metadata, sc);
	close_fd(&C.sconn);
	thread_stop(C.cal.t, &C.cal.stop, &C.cal.done);
	close_fd(&C.comm);
	close_fd(&C.port);
}

TEST_F_TIMEOUT(fnth, cancel_delivered, 300)
{
	static const struct scenario sc = {
		.name = "cancel a delivered call",
		.before = before_cancel,
		.op = op_cancel,
		.after = after_cancel,
	};

	names("cdel");
	cancel_test(_metadata, &sc);
}

TEST_F_TIMEOUT(fnth, cancel_queued, 300)
{
	static const struct scenario sc = {
		.name = "cancel a queued call",
		.before = before_cancel,
		.op = op_cancel,
		.after = after_cancel,
	};

	names("cque");
	C.queued = 1;
	cancel_test(_metadata, &sc);
}

static int op_call_timeout(void)
{
	int r;

	memset(&C.call, 0, sizeof(C.call));
	C.call.data = (uintptr_t)C.payload;
	C.call.len = 8;
	C.call.timeout_ns = C.timeout_ms * MS;
	r = ioctl(C.comm, LRPC_IOC_CALL, &C.call) ? -errno : 0;
	return r == -ETIMEDOUT ? 0 : r < 0 ? r : -EPROTO;
}

/* Nobody receives: the request is withdrawn at the time-out. */
TEST_F_TIMEOUT(fnth, call_timeout_queued, 300)
{
	static const struct scenario sc = {
		.name = "call, time-out (queued)",
		.op = op_call_timeout,
		.after = after_timeout,
	};

	names("tque");
	C.timeout_ms = 20;
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	fault_loop(_metadata, &sc);
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
}

static void after_timeout_delivered(struct __test_metadata *_metadata,
				    int ret)
{
	after_timeout(_metadata, ret);
	if (ret)
		return;
	/* the server held it: a CANCEL told it so (__GFP_NOFAIL note) */
	ASSERT_TRUE(WAIT_FOR(LOAD(C.srv.ncancel) == LOAD(C.srv.nreq)));
}

/* The server holds the request: the time-out sends it a CANCEL. */
TEST_F_TIMEOUT(fnth, call_timeout_delivered, 300)
{
	static const struct scenario sc = {
		.name = "call, time-out (delivered)",
		.op = op_call_timeout,
		.after = after_timeout_delivered,
	};

	names("tdel");
	C.timeout_ms = 300;
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	server_start(&C.srv, C.port, -1, 1);
	fault_loop(_metadata, &sc);
	EXPECT_LT(0, LOAD(C.srv.ncancel));
	call_end(_metadata);
}

/* ---- sections, mappings, page faults ------------------------------------- */

static int op_sec_create(void)
{
	return sec_create(C.dev, C.secsize, NULL);
}

static void after_sec_create(struct __test_metadata *_metadata, int ret)
{
	if (ret < 0)
		return;
	ASSERT_EQ(0, snap_take(&snap_now));
	ASSERT_EQ(snap_pre.nsecs + 1, snap_now.nsecs);
	close(ret);
}

static const struct scenario sc_sec_create = {
	.name = "section create",
	.op = op_sec_create,
	.after = after_sec_create,
};

TEST_F_TIMEOUT(fnth, section_create, 300)
{
	C.secsize = 3 * PAGE + 100;
	fault_loop(_metadata, &sc_sec_create);
	emfile_check(_metadata, &sc_sec_create);
}

/* The uid already has a section: its charge entry is found, not added. */
TEST_F_TIMEOUT(fnth, section_create_second, 300)
{
	static const struct scenario sc = {
		.name = "section create (a second)",
		.op = op_sec_create,
		.after = after_sec_create,
	};

	C.sec = sec_create(C.dev, PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	C.secsize = PAGE;
	fault_loop(_metadata, &sc);
	close_fd(&C.sec);
}

/*
 * Several faults at the same point: failslab's space budget lets slab
 * allocations through until it is spent, then fails the next @faults
 * that do not fit what is left (times).  A budget swept 64 octets at a
 * time puts the burst at every allocation of 64 octets or more.  One
 * fault never fails xa_alloc_cyclic: it allocates a node with
 * GFP_NOWAIT under the xarray's lock and, that failing, again without
 * it; and on any error it starts over from the lowest id (reporting a
 * wrap).  Two faults give the wrap, four the -ENOMEM.
 */
static void burst_sweep(struct __test_metadata *_metadata,
			const struct scenario *sc, int faults)
{
	int mif, low, ret, space, runs = 0, failed = 0;
	char buf[16];
	long left;

	mif = open("/proc/thread-self/make-it-fail", O_WRONLY | O_CLOEXEC);
	ASSERT_LE(0, mif);
	knobs_filter(_metadata, true);
	for (space = 0; space < (1 << 20); space += 64) {
		low = fd_low(C.dev);
		ASSERT_EQ(0, snap_take(&snap_pre));
		snprintf(buf, sizeof(buf), "%d", space);
		ASSERT_EQ(0, knob_rw(FS "space", NULL, 0, buf));
		ret = run_failing(_metadata, mif, 0, faults, sc->op, &left);
		if (ret < 0) {
			ASSERT_GT(faults, left) TH_LOG("%s failed without a fault",
						       sc->name);
			check_failed(_metadata, ret, low, sc->name);
			failed++;
		}
		sc->after(_metadata, ret);
		if (left == faults)
			break;
		runs++;
	}
	knobs_filter(_metadata, false);
	knob_rw(FS "space", NULL, 0, "0");
	close(mif);
	ksft_print_msg("%d slab faults in a row: %-24s %3d budgets (%d failed cleanly)\n",
		       faults, sc->name, runs, failed);
	fflush(stdout);
}

TEST_F_TIMEOUT(fnth, bursts_port_create, 300)
{
	if (dry)
		SKIP(return, "FAIL_NTH_DRY");
	names("burst");
	burst_sweep(_metadata, &sc_port_create, 2);
	burst_sweep(_metadata, &sc_port_create, 4);
}

TEST_F_TIMEOUT(fnth, bursts_section_create, 300)
{
	if (dry)
		SKIP(return, "FAIL_NTH_DRY");
	C.secsize = PAGE;
	burst_sweep(_metadata, &sc_sec_create, 2);
	burst_sweep(_metadata, &sc_sec_create, 4);
}

static int op_mmap(void)
{
	void *p = mmap(NULL, C.maplen, C.prot, MAP_SHARED, C.out, 0);

	if (p == MAP_FAILED)
		return -errno;
	C.map = p;
	return 0;
}

static void after_mmap(struct __test_metadata *_metadata, int ret)
{
	if (ret)
		return;
	ASSERT_EQ(0, snap_take(&snap_now));
	EXPECT_EQ(1, SECT(C.sec_id, mappings));
	munmap(C.map, C.maplen);
	C.map = NULL;
}

TEST_F_TIMEOUT(fnth, mmap_section, 300)
{
	static const struct scenario sc = {
		.name = "mmap a section",
		.op = op_mmap,
		.after = after_mmap,
	};

	C.sec = sec_create(C.dev, 4 * PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	C.out = C.sec;
	C.maplen = 4 * PAGE;
	C.prot = PROT_READ | PROT_WRITE;
	fault_loop(_metadata, &sc);
	close_fd(&C.sec);
}

/* A view as a receiver gets it: sent on a one-way message, received. */
static int view_received(int flags)
{
	sec_view(&C.va, C.sec, 0, 0, flags);
	if (sec_send(C.comm, "v", 1, &C.va))
		return -1;
	if (lrpc_recv_port(C.port, C.buf, sizeof(C.buf), 0, &C.info))
		return -1;
	return C.info.view_fd;
}

TEST_F_TIMEOUT(fnth, mmap_received_view, 300)
{
	static const struct scenario sc = {
		.name = "mmap a received view",
		.op = op_mmap,
		.after = after_mmap,
	};

	names("mview");
	C.sec = sec_create(C.dev, 2 * PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	C.view = view_received(0);
	ASSERT_LE(0, C.view);
	C.out = C.view;
	C.maplen = 2 * PAGE;
	C.prot = PROT_READ;
	fault_loop(_metadata, &sc);
	close_fd(&C.view);
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
	close_fd(&C.sec);
}

/*
 * A fresh section mapped, nothing faulted in: each run faults the same
 * page the first time (page tables, the shmem folio, its page-cache
 * slot).  The kernel touches it for us where a failed fault is an error
 * (madvise(MADV_POPULATE_*) would do, but the debug kernel has no
 * madvise): reading /dev/zero into it, writing it to a pipe.
 */
static void before_fault(struct __test_metadata *_metadata)
{
	C.maplen = 2 * PAGE;
	C.sec = sec_create(C.dev, C.maplen, &C.sec_id);
	ASSERT_LE(0, C.sec);
	C.out = C.sec;
	if (C.prot == PROT_READ) {
		C.view = view_received(0);
		ASSERT_LE(0, C.view);
		C.out = C.view;
		ASSERT_EQ(0, pipe2(C.pipe, O_CLOEXEC));
	}
	C.map = mmap(NULL, C.maplen, C.prot, MAP_SHARED, C.out, 0);
	ASSERT_NE(MAP_FAILED, C.map);
}

/* Page 1: its page-cache slot needs a node (page 0's would not). */
static int op_fault_write(void)
{
	ssize_t n = read(C.zero, C.map + PAGE, PAGE);

	return n < 0 ? -errno : n == PAGE ? 0 : -EFAULT;
}

static int op_fault_read(void)
{
	ssize_t n = write(C.pipe[1], C.map + PAGE, PAGE);

	return n < 0 ? -errno : n == PAGE ? 0 : -EFAULT;
}

/* A CPU store: a fault that fails with VM_FAULT_OOM is retried, never lost. */
static int op_touch(void)
{
	volatile char *p = C.map;

	p[PAGE] = 1;
	return 0;
}

static void after_fault(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, snap_take(&snap_now));
	if (!ret)
		EXPECT_EQ(PAGE, SECT(C.sec_id, resident));
	munmap(C.map, C.maplen);
	C.map = NULL;
	close_fd(&C.pipe[0]);
	close_fd(&C.pipe[1]);
	close_fd(&C.view);
	close_fd(&C.sec);
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == -1));
}

TEST_F_TIMEOUT(fnth, fault_write, 300)
{
	static const struct scenario sc = {
		.name = "page fault (kernel write)",
		.before = before_fault,
		.op = op_fault_write,
		.after = after_fault,
		.err = EFAULT,
	};

	C.zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, C.zero);
	C.prot = PROT_READ | PROT_WRITE;
	fault_loop(_metadata, &sc);
	close_fd(&C.zero);
}

TEST_F_TIMEOUT(fnth, fault_read_view, 300)
{
	static const struct scenario sc = {
		.name = "page fault (kernel read, view)",
		.before = before_fault,
		.op = op_fault_read,
		.after = after_fault,
		.err = EFAULT,
	};

	names("fview");
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	C.pipe[0] = C.pipe[1] = -1;
	C.prot = PROT_READ;
	fault_loop(_metadata, &sc);
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
}

TEST_F_TIMEOUT(fnth, fault_touch, 300)
{
	static const struct scenario sc = {
		.name = "page fault (a store)",
		.before = before_fault,
		.op = op_touch,
		.after = after_fault,
	};

	C.prot = PROT_READ | PROT_WRITE;
	fault_loop(_metadata, &sc);
}

/* ---- netlink --------------------------------------------------------------- */

static void collect_id(struct nlattr **tb, void *arg)
{
	/* every kind has its id as attribute 1 (a u64 for connections) */
	if (C.nids < MAXOBJ)
		C.ids[C.nids++] = C.cmd == LRPC_CMD_GET_CONN ?
				  (__u32)nla_u64(tb[1]) : nla_u32(tb[1]);
}

static void before_dump(struct __test_metadata *_metadata)
{
	C.nlop = nl_socket();
	ASSERT_LE(0, C.nlop);
	C.nids = 0;
	memset(C.ids, 0, sizeof(C.ids));
}

/* One dump, received 4 KiB at a time: it spans several skbs. */
static int op_dump(void)
{
	return nl_dump(C.nlop, C.cmd, C.filter, C.nlbuf, sizeof(C.nlbuf),
		       collect_id, NULL);
}

static void after_dump(struct __test_metadata *_metadata, int ret)
{
	int i, j;

	close_fd(&C.nlop);
	if (ret < 0)
		return;
	/* each object once, none left out when the dump resumed */
	ASSERT_EQ(C.expect, ret);
	for (i = 0; i < C.nids; i++)
		for (j = i + 1; j < C.nids; j++)
			ASSERT_NE(C.ids[i], C.ids[j]);
}

#define NL_PORTS	26
#define NL_CONNS	40
#define NL_SECS		50

/*
 * Enough objects that no dump fits one skb: ports, the connections of
 * one port (a dump resumes inside it), sections.
 */
TEST_F_TIMEOUT(fnth, netlink, 300)
{
	static const struct scenario sc = {
		.name = "netlink dump",
		.before = before_dump,
		.op = op_dump,
		.after = after_dump,
		.err = ENOBUFS,
	};
	static const struct {
		const char *what;
		int cmd;
		int filter;
	} dumps[] = {
		{ "netlink GET_PORT", LRPC_CMD_GET_PORT, 0 },
		{ "netlink GET_CONN", LRPC_CMD_GET_CONN, 0 },
		{ "netlink GET_CONN of a port", LRPC_CMD_GET_CONN, 1 },
		{ "netlink GET_SECTION", LRPC_CMD_GET_SECTION, 0 },
	};
	static int ports[NL_PORTS], comm[NL_CONNS], sconn[NL_CONNS], secs[NL_SECS];
	struct scenario one = sc;
	size_t d;
	int i;

	for (i = 1; i < NL_PORTS; i++) {
		snprintf(C.name, sizeof(C.name), "fnth.nl.%03d.%d.%s", i,
			 getpid(), "a-somewhat-longer-name");
		ports[i] = lrpc_port(C.dev, C.name, LRPC_MODE_ALL, 0);
		ASSERT_LE(0, ports[i]);
	}
	names("nl");
	ASSERT_EQ(0, port_make());
	ports[0] = C.port;
	for (i = 0; i < NL_CONNS; i++) {
		ASSERT_EQ(0, pair_make());
		comm[i] = C.comm;
		sconn[i] = C.sconn;
	}
	for (i = 0; i < NL_SECS; i++) {
		secs[i] = sec_create(C.dev, PAGE, NULL);
		ASSERT_LE(0, secs[i]);
	}
	ASSERT_EQ(0, snap_take(&snap_now));
	for (d = 0; d < ARRAY_SIZE(dumps); d++) {
		one.name = dumps[d].what;
		C.cmd = dumps[d].cmd;
		C.filter = dumps[d].filter ? C.port_id : 0;
		C.expect = C.cmd == LRPC_CMD_GET_PORT ? snap_now.nports :
			   C.cmd == LRPC_CMD_GET_SECTION ? snap_now.nsecs :
			   C.filter ? NL_CONNS : snap_now.nconns;
		fault_loop(_metadata, &one);
	}
	for (i = 0; i < NL_CONNS; i++) {
		close(comm[i]);
		close(sconn[i]);
	}
	for (i = 0; i < NL_PORTS; i++)
		close(ports[i]);
	for (i = 0; i < NL_SECS; i++)
		close(secs[i]);
}

/* ---- closing each kind of fd with messages queued -------------------------- */

static void state_begin(struct __test_metadata *_metadata)
{
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	C.sec = sec_create(C.dev, 2 * PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	sec_view(&C.va, C.sec, 0, 0, LRPC_VIEW_F_WRITE);
}

/* All of it closed: nothing of the scenario is left. */
static void state_end(struct __test_metadata *_metadata)
{
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
	close_fd(&C.sec);
	close_fd(&C.view);
	if (C.map)
		munmap(C.map, C.maplen);
	C.map = NULL;
	ASSERT_TRUE(SETTLE(PORT(id) == -1 && CONN(id) == -1 &&
			   SECT(C.sec_id, id) == -1));
	ASSERT_EQ(NULL, snap_diff(&snap_base, &snap_now));
}

/* A port with a one-way message, a call and a connect queued. */
static void before_close_port(struct __test_metadata *_metadata)
{
	state_begin(_metadata);
	ASSERT_EQ(0, sec_send(C.comm, "one", 3, &C.va));
	caller_start(&C.cal, C.comm, -1);
	connector_start(&C.con, C.dev, C.name);
	ASSERT_TRUE(SETTLE(PORT(queued) == 3 && PORT(connecting) == 1 &&
			   CONN(pending) == 1 && SECT(C.sec_id, views) == 2));
	C.closefd = C.port;
}

static void after_close_port(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	C.port = -1;
	/* the call and the connect fail at once */
	ASSERT_TRUE(WAIT_FOR(LOAD(C.cal.done) && LOAD(C.con.done)));
	pthread_join(C.cal.t, NULL);
	pthread_join(C.con.t, NULL);
	EXPECT_EQ(-ECONNRESET, C.cal.last);
	EXPECT_EQ(-ECONNRESET, C.con.last);
	ASSERT_TRUE(SETTLE(PORT(id) == -1 && SECT(C.sec_id, views) == 1));
	state_end(_metadata);
}

/* A client with a message from the server queued, one of its own sent. */
static void before_close_client(struct __test_metadata *_metadata)
{
	state_begin(_metadata);
	ASSERT_EQ(0, sec_send(C.sconn, "down", 4, &C.va));
	ASSERT_EQ(0, sec_send(C.comm, "up", 2, &C.va));
	ASSERT_TRUE(SETTLE(PORT(queued) == 1 && CONN(queued) == 1 &&
			   SECT(C.sec_id, views) == 3));
	C.closefd = C.comm;
}

static void after_close_client(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	C.comm = -1;
	/* its queue dropped, PORT_CLOSED after what it sent */
	ASSERT_TRUE(SETTLE(PORT(queued) == 2 && CONN(queued) == 0 &&
			   CONN(state) == LRPC_CONN_S_CLIENT_GONE &&
			   SECT(C.sec_id, views) == 2));
	ASSERT_EQ(0, op_recv_port());
	EXPECT_EQ(LRPC_MSG_ONEWAY, C.info.kind);
	close(C.info.view_fd);
	ASSERT_EQ(0, op_recv_port());
	EXPECT_EQ(LRPC_MSG_PORT_CLOSED, C.info.kind);
	state_end(_metadata);
}

/* A server end with a one-way message and a call of its client queued. */
static void before_close_server(struct __test_metadata *_metadata)
{
	state_begin(_metadata);
	ASSERT_EQ(0, sec_send(C.comm, "up", 2, &C.va));
	caller_start(&C.cal, C.comm, C.sec);
	ASSERT_TRUE(SETTLE(PORT(queued) == 2 && CONN(pending) == 1 &&
			   SECT(C.sec_id, views) == 3));
	C.closefd = C.sconn;
}

static void after_close_server(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	C.sconn = -1;
	ASSERT_TRUE(WAIT_FOR(LOAD(C.cal.done)));
	pthread_join(C.cal.t, NULL);
	EXPECT_EQ(-ECONNRESET, C.cal.last);
	/* what the server will never read is dropped, views with it */
	ASSERT_TRUE(SETTLE(PORT(queued) == 0 && CONN(pending) == 0 &&
			   CONN(state) == LRPC_CONN_S_SERVER_GONE &&
			   SECT(C.sec_id, views) == 1));
	state_end(_metadata);
}

/* A section fd closed with a view of it queued and a mapping. */
static void before_close_section(struct __test_metadata *_metadata)
{
	state_begin(_metadata);
	C.maplen = 2 * PAGE;
	C.map = mmap(NULL, C.maplen, PROT_READ | PROT_WRITE, MAP_SHARED,
		     C.sec, 0);
	ASSERT_NE(MAP_FAILED, C.map);
	C.map[0] = 1;
	ASSERT_EQ(0, sec_send(C.comm, "up", 2, &C.va));
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 2 &&
			   SECT(C.sec_id, mappings) == 1));
	C.closefd = C.sec;
}

static void after_close_section(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	C.sec = -1;
	/* the mapping keeps the section fd's view, the message its own */
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 2 &&
			   SECT(C.sec_id, mappings) == 1 &&
			   SECT(C.sec_id, resident) == PAGE));
	ASSERT_EQ(0, op_recv_port());
	close(C.info.view_fd);
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 1));
	state_end(_metadata);
}

/* A received view fd closed while mapped. */
static void before_close_view(struct __test_metadata *_metadata)
{
	state_begin(_metadata);
	C.view = view_received(0);
	ASSERT_LE(0, C.view);
	C.maplen = 2 * PAGE;
	C.map = mmap(NULL, C.maplen, PROT_READ, MAP_SHARED, C.view, 0);
	ASSERT_NE(MAP_FAILED, C.map);
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 2 &&
			   SECT(C.sec_id, mappings) == 1));
	C.closefd = C.view;
}

static void after_close_view(struct __test_metadata *_metadata, int ret)
{
	ASSERT_EQ(0, ret);
	C.view = -1;
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 2 &&
			   SECT(C.sec_id, mappings) == 1));
	munmap(C.map, C.maplen);
	C.map = NULL;
	ASSERT_TRUE(SETTLE(SECT(C.sec_id, views) == 1 &&
			   SECT(C.sec_id, mappings) == 0));
	state_end(_metadata);
}

TEST_F_TIMEOUT(fnth, close_queued, 300)
{
	static const struct scenario sc[] = {
		{
			.name = "close a port, all queued",
			.before = before_close_port,
			.op = op_close,
			.after = after_close_port,
			.flags = SC_NOFAULT,
		},
		{
			.name = "close a client, both ways queued",
			.before = before_close_client,
			.op = op_close,
			.after = after_close_client,
			.flags = SC_NOFAULT,
		},
		{
			.name = "close a server end, calls queued",
			.before = before_close_server,
			.op = op_close,
			.after = after_close_server,
			.flags = SC_NOFAULT,
		},
		{
			.name = "close a section, view queued",
			.before = before_close_section,
			.op = op_close,
			.after = after_close_section,
			.flags = SC_NOFAULT,
		},
		{
			.name = "close a mapped view",
			.before = before_close_view,
			.op = op_close,
			.after = after_close_view,
			.flags = SC_NOFAULT,
		},
	};
	size_t i;

	names("close");
	for (i = 0; i < ARRAY_SIZE(sc); i++)
		fault_loop(_metadata, &sc[i]);
}

/* ---- and at the end ----------------------------------------------------------- */

/*
 * Every scenario's process is gone: the module holds what it held
 * before them (nothing, run alone), and no section charge is left: one
 * section of one page still fits a limit of one section of one page.
 */
TEST_F_TIMEOUT(fnth, zz_all_released, 300)
{
	long max_sections = lrpc_param_get("max_sections");
	long max_bytes = lrpc_param_get("max_section_bytes");
	int fd;

	ASSERT_TRUE(SETTLE(!snap_diff(&snap_base, &snap_now)))
		TH_LOG("left: %s", snap_diff(&snap_base, &snap_now));
	ksft_print_msg("left in the module: %d ports, %d connections, %d sections\n",
		       snap_now.nports, snap_now.nconns, snap_now.nsecs);
	fflush(stdout);
	if (snap_base.nsecs)
		SKIP(return, "sections of others exist: charges not checked");
	ASSERT_LT(0, max_sections);
	ASSERT_EQ(0, lrpc_param_set("max_sections", 1));
	ASSERT_EQ(0, lrpc_param_set("max_section_bytes", PAGE));
	fd = sec_create(C.dev, PAGE, NULL);
	lrpc_param_set("max_sections", max_sections);
	lrpc_param_set("max_section_bytes", max_bytes);
	ASSERT_LE(0, fd) TH_LOG("a section charge is left: %s", strerror(-fd));
	close(fd);
}

int main(int argc, char **argv)
{
	const char *why;
	int fd;

	why = fault_setup();
	if (why) {
		ksft_print_header();
		ksft_exit_skip("%s\n", why);
	}
	fd = lrpc_open();
	if (fd < 0) {
		ksft_print_header();
		ksft_exit_skip("/dev/lrpc: %s (module not loaded)\n",
			       strerror(errno));
	}
	close(fd);
	nl_fd = nl_socket();
	nl_family = nl_fd < 0 ? nl_fd : nl_resolve(nl_fd);
	if (nl_family < 0 || snap_take(&snap_base)) {
		ksft_print_header();
		ksft_exit_fail_msg("the lrpc netlink family: %s\n",
				   strerror(-nl_family));
	}
	close(nl_fd);
	nl_fd = -1;
	return test_harness_run(argc, argv);
}
