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
 *
 * The machinery is in the other files of this folder (faults.h lists
 * what each holds); the tests, which the harness keeps in one file's
 * list, are here.
 */
#include <sched.h>
#include <signal.h>
#include <sys/resource.h>

#include "../sections/sec_util.h"
#include "kselftest_harness.h"	/* before faults.h: the harness is this file's */
#include "faults.h"

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
	if (!fail_nth_dry)
		ASSERT_EQ(0, mlockall(MCL_CURRENT));
}

FIXTURE_TEARDOWN(fnth)
{
	if (C.map && C.map != MAP_FAILED)
		munmap(C.map, C.maplen);
	C.map = NULL;
}

/* ---- opening and closing /dev/lrpc ----------------------------------- */

TEST_F_TIMEOUT(fnth, dev_open, 300)
{
	fault_loop(_metadata, &sc_open_dev);
	fault_loop(_metadata, &sc_close_dev);
}

/* ---- ports ------------------------------------------------------------- */

/* No other object of this uid: lrpc_user_get_current allocates each time. */
TEST_F_TIMEOUT(fnth, port_create, 300)
{
	port_name("port");
	fault_loop(_metadata, &sc_port_create);
	emfile_check(_metadata, &sc_port_create);
}

/* The same name in another ipc namespace is another port. */
TEST_F_TIMEOUT(fnth, port_create_ipc_ns, 300)
{
	int fd;

	port_name("ipcns");
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, unshare(CLONE_NEWIPC));
	fault_loop(_metadata, &sc_port_create_ipc_ns);
	fd = op_port_create();
	ASSERT_LE(0, fd);
	EXPECT_EQ(-EADDRINUSE, op_port_create());
	close(fd);
	close_fd(&C.port);
}

TEST_F_TIMEOUT(fnth, port_shutdown, 300)
{
	port_name("shut");
	ASSERT_EQ(0, port_make());
	fault_loop(_metadata, &sc_port_shutdown);
	close_fd(&C.port);
}

/* ---- connect ------------------------------------------------------------ */

TEST_F_TIMEOUT(fnth, connect, 300)
{
	port_name("conn");
	ASSERT_EQ(0, port_make());
	server_start(&C.srv, C.port, -1, 0);
	fault_loop(_metadata, &sc_connect);
	emfile_check(_metadata, &sc_connect);
	server_stop(&C.srv);
	EXPECT_EQ(0, C.srv.err);
	close_fd(&C.port);
}

/* A client uid with nothing else: its lrpc_user is allocated each time. */
TEST_F_TIMEOUT(fnth, connect_new_uid, 300)
{
	port_name("uid");
	ASSERT_EQ(0, port_make());
	server_start(&C.srv, C.port, -1, 0);
	as_euid(4321);
	ASSERT_EQ(4321, geteuid());
	fault_loop(_metadata, &sc_connect_new_uid);
	as_euid(0);
	server_stop(&C.srv);
	EXPECT_EQ(0, C.srv.err);
	close_fd(&C.port);
}

/* Nobody accepts: the request is withdrawn. */
TEST_F_TIMEOUT(fnth, connect_timeout, 300)
{
	port_name("ctmo");
	ASSERT_EQ(0, port_make());
	fault_loop(_metadata, &sc_connect_timeout);
	close_fd(&C.port);
}

/* ---- accept ------------------------------------------------------------- */

TEST_F_TIMEOUT(fnth, accept, 300)
{
	port_name("acc");
	accept_begin(_metadata);
	fault_loop(_metadata, &sc_accept);
	emfile_check(_metadata, &sc_accept);
	accept_end(_metadata);
}

TEST_F_TIMEOUT(fnth, accept_reject, 300)
{
	port_name("rej");
	C.reject = 1;
	accept_begin(_metadata);
	fault_loop(_metadata, &sc_accept_reject);
	C.reject = 0;
	accept_end(_metadata);
}

/*
 * The connection fd needs a bigger fd table (a child with all 64 of its
 * first table in use): growing it fails too, and accept undoes.
 */
TEST_F_TIMEOUT(fnth, accept_fd_table, 300)
{
	struct rlimit lim;

	ASSERT_EQ(0, getrlimit(RLIMIT_NOFILE, &lim));
	if (lim.rlim_cur < 128)
		SKIP(return, "RLIMIT_NOFILE below 128");
	port_name("accfd");
	C.forked = 1;
	accept_begin(_metadata);
	fault_loop(_metadata, &sc_accept_fd_table);
	C.forked = 0;
	accept_end(_metadata);
}

/* ---- calls, replies, one-way messages ---------------------------------- */

TEST_F_TIMEOUT(fnth, call_inline, 300)
{
	port_name("call");
	C.len = 200;
	call_begin(_metadata, -1);
	fault_loop(_metadata, &sc_call_inline);
	call_end(_metadata);
}

/* More than a page: kvmalloc's kmalloc may fail, then its vmalloc. */
TEST_F_TIMEOUT(fnth, call_inline_large, 300)
{
	port_name("big");
	C.len = sizeof(C.payload);
	call_begin(_metadata, -1);
	fault_loop(_metadata, &sc_call_inline_large);
	call_end(_metadata);
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

	if (fail_nth_dry)
		SKIP(return, "FAIL_NTH_DRY");
	kmsg = kmsg_open();
	ASSERT_LE(0, kmsg);
	port_name("vmal");
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

/* A view on the request (attach), a view on the reply (installed for us). */
TEST_F_TIMEOUT(fnth, call_view, 300)
{
	port_name("cview");
	C.len = 16;
	C.sec = sec_create(C.dev, 2 * PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	C.sec2 = sec_create(C.dev, 2 * PAGE, &C.sec2_id);
	ASSERT_LE(0, C.sec2);
	sec_view(&C.va, C.sec, 0, 0, LRPC_VIEW_F_WRITE);
	C.view_on = 1;
	call_begin(_metadata, C.sec2);
	fault_loop(_metadata, &sc_call_view);
	/* no fd for the server either while the limit holds: no request view */
	C.view_on = 0;
	emfile_check(_metadata, &sc_call_view_reply);
	call_end(_metadata);
	close_fd(&C.sec);
	close_fd(&C.sec2);
}

/* A receiver that cannot take the view puts the request back. */
TEST_F_TIMEOUT(fnth, recv_request_view, 300)
{
	port_name("rreq");
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

TEST_F_TIMEOUT(fnth, reply_view, 300)
{
	port_name("reply");
	C.sec = sec_create(C.dev, 2 * PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	sec_view(&C.va, C.sec, 0, PAGE, 0);
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	caller_start(&C.cal, C.comm, -1);
	fault_loop(_metadata, &sc_reply_view);
	close_fd(&C.sconn);
	thread_stop(C.cal.t, &C.cal.stop, &C.cal.done);
	close_fd(&C.comm);
	close_fd(&C.port);
	close_fd(&C.sec);
}

TEST_F_TIMEOUT(fnth, send_client_view, 300)
{
	port_name("sendc");
	send_test(_metadata, "send to the server, a view", 1);
}

TEST_F_TIMEOUT(fnth, send_server_view, 300)
{
	port_name("sends");
	send_test(_metadata, "send to the client, a view", 0);
}

TEST_F_TIMEOUT(fnth, recv_oneway_view, 300)
{
	port_name("rone");
	recv_test(_metadata, &sc_recv_oneway_view, 1);
}

TEST_F_TIMEOUT(fnth, recv_client_view, 300)
{
	port_name("rcli");
	recv_test(_metadata, &sc_recv_client_view, 0);
}

/* ---- cancel and time-outs ------------------------------------------------ */

TEST_F_TIMEOUT(fnth, cancel_delivered, 300)
{
	port_name("cdel");
	cancel_test(_metadata, &sc_cancel_delivered);
}

TEST_F_TIMEOUT(fnth, cancel_queued, 300)
{
	port_name("cque");
	C.queued = 1;
	cancel_test(_metadata, &sc_cancel_queued);
}

/* Nobody receives: the request is withdrawn at the time-out. */
TEST_F_TIMEOUT(fnth, call_timeout_queued, 300)
{
	port_name("tque");
	C.timeout_ms = 20;
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	fault_loop(_metadata, &sc_call_timeout_queued);
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
}

/* The server holds the request: the time-out sends it a CANCEL. */
TEST_F_TIMEOUT(fnth, call_timeout_delivered, 300)
{
	port_name("tdel");
	C.timeout_ms = 300;
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	server_start(&C.srv, C.port, -1, 1);
	fault_loop(_metadata, &sc_call_timeout_delivered);
	EXPECT_LT(0, LOAD(C.srv.ncancel));
	call_end(_metadata);
}

/* ---- sections, mappings, page faults ------------------------------------- */

TEST_F_TIMEOUT(fnth, section_create, 300)
{
	C.secsize = 3 * PAGE + 100;
	fault_loop(_metadata, &sc_sec_create);
	emfile_check(_metadata, &sc_sec_create);
}

/* The uid already has a section: its charge entry is found, not added. */
TEST_F_TIMEOUT(fnth, section_create_second, 300)
{
	C.sec = sec_create(C.dev, PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	C.secsize = PAGE;
	fault_loop(_metadata, &sc_sec_create_second);
	close_fd(&C.sec);
}

TEST_F_TIMEOUT(fnth, bursts_port_create, 300)
{
	if (fail_nth_dry)
		SKIP(return, "FAIL_NTH_DRY");
	port_name("burst");
	burst_sweep(_metadata, &sc_port_create, 2);
	burst_sweep(_metadata, &sc_port_create, 4);
}

TEST_F_TIMEOUT(fnth, bursts_section_create, 300)
{
	if (fail_nth_dry)
		SKIP(return, "FAIL_NTH_DRY");
	C.secsize = PAGE;
	burst_sweep(_metadata, &sc_sec_create, 2);
	burst_sweep(_metadata, &sc_sec_create, 4);
}

TEST_F_TIMEOUT(fnth, mmap_section, 300)
{
	C.sec = sec_create(C.dev, 4 * PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	C.out = C.sec;
	C.maplen = 4 * PAGE;
	C.prot = PROT_READ | PROT_WRITE;
	fault_loop(_metadata, &sc_mmap_section);
	close_fd(&C.sec);
}

TEST_F_TIMEOUT(fnth, mmap_received_view, 300)
{
	port_name("mview");
	C.sec = sec_create(C.dev, 2 * PAGE, &C.sec_id);
	ASSERT_LE(0, C.sec);
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	C.view = view_received(0);
	ASSERT_LE(0, C.view);
	C.out = C.view;
	C.maplen = 2 * PAGE;
	C.prot = PROT_READ;
	fault_loop(_metadata, &sc_mmap_received_view);
	close_fd(&C.view);
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
	close_fd(&C.sec);
}

TEST_F_TIMEOUT(fnth, fault_write, 300)
{
	C.zero = open("/dev/zero", O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, C.zero);
	C.prot = PROT_READ | PROT_WRITE;
	fault_loop(_metadata, &sc_fault_write);
	close_fd(&C.zero);
}

TEST_F_TIMEOUT(fnth, fault_read_view, 300)
{
	port_name("fview");
	ASSERT_EQ(0, port_make());
	ASSERT_EQ(0, pair_make());
	C.pipe[0] = C.pipe[1] = -1;
	C.prot = PROT_READ;
	fault_loop(_metadata, &sc_fault_read_view);
	close_fd(&C.comm);
	close_fd(&C.sconn);
	close_fd(&C.port);
}

TEST_F_TIMEOUT(fnth, fault_touch, 300)
{
	C.prot = PROT_READ | PROT_WRITE;
	fault_loop(_metadata, &sc_fault_touch);
}

/* ---- netlink --------------------------------------------------------------- */

#define NL_PORTS	26
#define NL_CONNS	40
#define NL_SECS		50

/*
 * Enough objects that no dump fits one skb: ports, the connections of
 * one port (a dump resumes inside it), sections.
 */
TEST_F_TIMEOUT(fnth, netlink, 300)
{
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
	struct scenario one = sc_netlink_dump;
	size_t d;
	int i;

	for (i = 1; i < NL_PORTS; i++) {
		snprintf(C.name, sizeof(C.name), "fnth.nl.%03d.%d.%s", i,
			 getpid(), "a-somewhat-longer-name");
		ports[i] = lrpc_port(C.dev, C.name, LRPC_MODE_ALL, 0);
		ASSERT_LE(0, ports[i]);
	}
	port_name("nl");
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

TEST_F_TIMEOUT(fnth, close_queued, 300)
{
	size_t i;

	port_name("close");
	for (i = 0; i < ARRAY_SIZE(sc_close_queued); i++)
		fault_loop(_metadata, &sc_close_queued[i]);
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
	nl_family = nl_fd < 0 ? nl_fd : lrpc_genl_family(nl_fd);
	if (nl_family < 0 || snap_take(&snap_base)) {
		ksft_print_header();
		ksft_exit_fail_msg("the lrpc netlink family: %s\n",
				   strerror(-nl_family));
	}
	close(nl_fd);
	nl_fd = -1;
	return test_harness_run(argc, argv);
}
