// SPDX-License-Identifier: GPL-2.0
/*
 * Median 1-byte round trip: an lrpc port (CALL / REPLY_RECV) against an
 * AF_UNIX stream socketpair, a pipe pair, a futex ping-pong and raw
 * Binder (context manager + BC_TRANSACTION/BC_REPLY), client and server
 * in two processes, both pinned to one CPU or each to its own.
 *
 *   lrpc_bench [-n ITER] [-m one|two|both] [-o only-this-mechanism]
 *
 * Prints one line per mechanism and the ratios the project's targets are
 * stated in (lrpc / AF_UNIX <= 0.6, lrpc / Binder <= 0.8).
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/futex.h>
#include <linux/android/binder.h>
#include <linux/lrpc.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static int iters = 2000;

static long long now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
}

static int cmp_ll(const void *a, const void *b)
{
	long long x = *(const long long *)a, y = *(const long long *)b;

	return x < y ? -1 : x > y;
}

struct mech {
	const char *name;
	int (*setup)(void);		/* before fork */
	void (*server)(void);		/* child: serve until killed */
	int (*client_init)(void);	/* parent, after fork */
	int (*rt)(void);		/* one round trip, 0 = ok */
	void (*teardown)(void);
};

/* ---- pipe ---- */
static int p_req[2], p_rep[2];
static int pipe_setup(void)
{
	return pipe(p_req) || pipe(p_rep) ? -1 : 0;
}
static void pipe_server(void)
{
	char c;

	while (read(p_req[0], &c, 1) == 1 && write(p_rep[1], &c, 1) == 1)
		;
}
static int pipe_rt(void)
{
	char c = 'x';

	return write(p_req[1], &c, 1) != 1 || read(p_rep[0], &c, 1) != 1;
}
static void pipe_teardown(void)
{
	close(p_req[0]); close(p_req[1]); close(p_rep[0]); close(p_rep[1]);
}

/* ---- AF_UNIX stream ---- */
static int sp[2];
static int unix_setup(void)
{
	return socketpair(AF_UNIX, SOCK_STREAM, 0, sp);
}
static void unix_server(void)
{
	char c;

	while (read(sp[1], &c, 1) == 1 && write(sp[1], &c, 1) == 1)
		;
}
static int unix_rt(void)
{
	char c = 'x';

	return write(sp[0], &c, 1) != 1 || read(sp[0], &c, 1) != 1;
}
static void unix_teardown(void)
{
	close(sp[0]); close(sp[1]);
}

/* ---- futex ping-pong on shared memory ---- */
static volatile uint32_t *fw;
static void fwait(volatile uint32_t *f, uint32_t val)
{
	while (__atomic_load_n(f, __ATOMIC_ACQUIRE) == val)
		syscall(SYS_futex, f, FUTEX_WAIT, val, NULL, NULL, 0);
}
static void fwake(volatile uint32_t *f, uint32_t val)
{
	__atomic_store_n(f, val, __ATOMIC_RELEASE);
	syscall(SYS_futex, f, FUTEX_WAKE, 1, NULL, NULL, 0);
}
static int futex_setup(void)
{
	fw = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (fw == MAP_FAILED)
		return -1;
	fw[0] = 0;
	return 0;
}
static void futex_server(void)
{
	for (;;) {
		fwait(fw, 0);		/* 1: request */
		fwake(fw, 0);		/* 0: reply */
		/* wait for the client to take it: it goes 0 -> 1 again */
	}
}
static int futex_rt(void)
{
	fwake(fw, 1);
	fwait(fw, 1);
	return 0;
}
static void futex_teardown(void)
{
	munmap((void *)fw, 4096);
}

/* ---- lrpc ---- */
static int l_dev, l_port, l_comm;
static char l_name[LRPC_NAME_MAX];
static int lrpc_setup(void)
{
	struct lrpc_port_create pc;

	l_dev = open("/dev/lrpc", O_RDWR | O_CLOEXEC);
	if (l_dev < 0)
		return -1;
	memset(&pc, 0, sizeof(pc));
	snprintf(l_name, sizeof(l_name), "bench.%d", getpid());
	memcpy(pc.name, l_name, strlen(l_name));
	pc.mode = LRPC_MODE_ALL;
	l_port = ioctl(l_dev, LRPC_IOC_PORT_CREATE, &pc);
	return l_port < 0 ? -1 : 0;
}
static void lrpc_server(void)
{
	struct lrpc_reply_recv rr;
	char in, out = 'y';

	memset(&rr, 0, sizeof(rr));
	for (;;) {
		rr.data = (uintptr_t)&in;
		rr.size = 1;
		rr.timeout_ns = -1;
		rr.reply_data = (uintptr_t)&out;
		rr.reply_len = 1;
		if (ioctl(l_port, LRPC_IOC_REPLY_RECV, &rr)) {
			rr.reply_id = 0;
			continue;
		}
		if (rr.msg.kind == LRPC_MSG_CONNECT_REQUEST) {
			struct lrpc_accept a = { .msg_id = rr.msg.msg_id };

			ioctl(l_port, LRPC_IOC_ACCEPT, &a);
			rr.reply_id = 0;
		} else {
			rr.reply_id = rr.msg.kind == LRPC_MSG_REQUEST ? rr.msg.msg_id : 0;
		}
	}
}
static int lrpc_client_init(void)
{
	struct lrpc_connect c;

	close(l_port);
	memset(&c, 0, sizeof(c));
	memcpy(c.name, l_name, strlen(l_name));
	c.timeout_ns = -1;
	l_comm = ioctl(l_dev, LRPC_IOC_CONNECT, &c);
	return l_comm < 0 ? -1 : 0;
}
static struct lrpc_call l_call;
static char l_in = 'x', l_out;
static int lrpc_rt(void)
{
	l_call.data = (uintptr_t)&l_in;
	l_call.len = 1;
	l_call.reply = (uintptr_t)&l_out;
	l_call.reply_size = 1;
	l_call.timeout_ns = -1;
	return ioctl(l_comm, LRPC_IOC_CALL, &l_call) != 0;
}
static void lrpc_teardown(void)
{
	close(l_comm);
	close(l_dev);
}

/* ---- raw Binder ---- */
static int b_fd;
static int binder_setup(void)
{
	b_fd = open("/dev/binder", O_RDWR | O_CLOEXEC);
	return b_fd < 0 ? -1 : 0;
}
static int binder_open_map(void)
{
	/* each process needs its own binder_proc: reopen after fork */
	close(b_fd);
	b_fd = open("/dev/binder", O_RDWR | O_CLOEXEC);
	if (b_fd < 0)
		return -1;
	if (mmap(NULL, 128 * 1024, PROT_READ, MAP_PRIVATE, b_fd, 0) == MAP_FAILED)
		return -1;
	return 0;
}
struct bwrite {
	uint32_t cmd;
	struct binder_transaction_data tr;
} __attribute__((packed));

static void binder_server(void)
{
	uint32_t rbuf[128];
	struct {
		uint32_t free_cmd;
		binder_uintptr_t ptr;
		uint32_t reply_cmd;
		struct binder_transaction_data tr;
	} __attribute__((packed)) w;
	struct binder_write_read bwr;
	uint32_t enter = BC_ENTER_LOOPER;
	char out = 'y';
	int pending = 0;

	if (binder_open_map() || ioctl(b_fd, BINDER_SET_CONTEXT_MGR, 0))
		_exit(2);
	memset(&bwr, 0, sizeof(bwr));
	bwr.write_buffer = (uintptr_t)&enter;
	bwr.write_size = sizeof(enter);
	ioctl(b_fd, BINDER_WRITE_READ, &bwr);
	for (;;) {
		memset(&bwr, 0, sizeof(bwr));
		if (pending) {
			bwr.write_buffer = (uintptr_t)&w;
			bwr.write_size = sizeof(w);
			pending = 0;
		}
		bwr.read_buffer = (uintptr_t)rbuf;
		bwr.read_size = sizeof(rbuf);
		if (ioctl(b_fd, BINDER_WRITE_READ, &bwr) < 0)
			continue;
		for (char *p = (char *)rbuf; p < (char *)rbuf + bwr.read_consumed;) {
			uint32_t cmd = *(uint32_t *)p;

			p += sizeof(uint32_t);
			if (cmd == BR_TRANSACTION) {
				struct binder_transaction_data *tr = (void *)p;

				memset(&w, 0, sizeof(w));
				w.free_cmd = BC_FREE_BUFFER;
				w.ptr = tr->data.ptr.buffer;
				w.reply_cmd = BC_REPLY;
				w.tr.data_size = 1;
				w.tr.data.ptr.buffer = (uintptr_t)&out;
				pending = 1;
			}
			p += _IOC_SIZE(cmd);
		}
	}
}
static int binder_rt(void);
static int binder_client_init(void)
{
	int i;

	if (binder_open_map())
		return -1;
	/* until the server has become the context manager */
	for (i = 0; i < 1000; i++) {
		if (!binder_rt())
			return 0;
		usleep(5000);
	}
	return -1;
}
static int binder_rt(void)
{
	static binder_uintptr_t to_free;
	static char in = 'x';
	uint32_t rbuf[64];
	struct {
		uint32_t free_cmd;
		binder_uintptr_t ptr;
		uint32_t cmd;
		struct binder_transaction_data tr;
	} __attribute__((packed)) w;
	struct binder_write_read bwr;
	char *wstart = (char *)&w;
	int got = 0;

	memset(&w, 0, sizeof(w));
	w.free_cmd = BC_FREE_BUFFER;
	w.ptr = to_free;
	w.cmd = BC_TRANSACTION;
	w.tr.target.handle = 0;
	w.tr.code = 1;
	w.tr.data_size = 1;
	w.tr.data.ptr.buffer = (uintptr_t)&in;
	if (!to_free)
		wstart += sizeof(uint32_t) + sizeof(binder_uintptr_t);
	memset(&bwr, 0, sizeof(bwr));
	bwr.write_buffer = (uintptr_t)wstart;
	bwr.write_size = (char *)(&w + 1) - wstart;
	while (!got) {
		bwr.read_buffer = (uintptr_t)rbuf;
		bwr.read_size = sizeof(rbuf);
		bwr.read_consumed = 0;
		if (ioctl(b_fd, BINDER_WRITE_READ, &bwr) < 0)
			return -1;
		bwr.write_size = 0;
		bwr.write_consumed = 0;
		for (char *p = (char *)rbuf; p < (char *)rbuf + bwr.read_consumed;) {
			uint32_t cmd = *(uint32_t *)p;

			p += sizeof(uint32_t);
			if (cmd == BR_REPLY) {
				to_free = ((struct binder_transaction_data *)p)->data.ptr.buffer;
				got = 1;
			} else if (cmd == BR_DEAD_REPLY || cmd == BR_FAILED_REPLY) {
				return -1;
			}
			p += _IOC_SIZE(cmd);
		}
	}
	return 0;
}
static void binder_teardown(void)
{
	close(b_fd);
}

static struct mech mechs[] = {
	{ "lrpc", lrpc_setup, lrpc_server, lrpc_client_init, lrpc_rt, lrpc_teardown },
	{ "unix", unix_setup, unix_server, NULL, unix_rt, unix_teardown },
	{ "pipe", pipe_setup, pipe_server, NULL, pipe_rt, pipe_teardown },
	{ "futex", futex_setup, futex_server, NULL, futex_rt, futex_teardown },
	{ "binder", binder_setup, binder_server, binder_client_init, binder_rt, binder_teardown },
};
#define NMECH (sizeof(mechs) / sizeof(mechs[0]))

/* Median round trip in ns, or -1. */
static long long run(struct mech *m, int two_cpus)
{
	long long *t, med;
	pid_t pid;
	int i;

	if (m->setup()) {
		fprintf(stderr, "%s: setup failed: %s\n", m->name, strerror(errno));
		return -1;
	}
	pid = fork();
	if (pid == 0) {
		pin(two_cpus ? 1 : 0);
		m->server();
		_exit(0);
	}
	pin(0);
	if (m->client_init && m->client_init()) {
		fprintf(stderr, "%s: client init failed: %s\n", m->name, strerror(errno));
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		return -1;
	}
	t = calloc(iters, sizeof(*t));
	for (i = 0; i < iters / 10 + 10; i++)	/* warm up */
		if (m->rt())
			break;
	for (i = 0; i < iters; i++) {
		long long t0 = now_ns();

		if (m->rt())
			break;
		t[i] = now_ns() - t0;
	}
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	m->teardown();
	if (i < iters) {
		fprintf(stderr, "%s: round trip failed after %d\n", m->name, i);
		free(t);
		return -1;
	}
	qsort(t, iters, sizeof(*t), cmp_ll);
	med = t[iters / 2];
	free(t);
	return med;
}

int main(int argc, char **argv)
{
	const char *modes = "both", *only = NULL;
	long long res[2][NMECH];
	int opt, mode;
	size_t i;

	while ((opt = getopt(argc, argv, "n:m:o:")) != -1) {
		switch (opt) {
		case 'n': iters = atoi(optarg); break;
		case 'm': modes = optarg; break;
		case 'o': only = optarg; break;
		default:
			fprintf(stderr, "usage: %s [-n ITER] [-m one|two|both] [-o MECH]\n", argv[0]);
			return 2;
		}
	}
	for (mode = 0; mode < 2; mode++) {
		if ((mode == 0 && !strcmp(modes, "two")) ||
		    (mode == 1 && !strcmp(modes, "one")))
			continue;
		if (mode == 1 && sysconf(_SC_NPROCESSORS_ONLN) < 2) {
			printf("two CPUs: skipped, only one online\n");
			continue;
		}
		printf("%s, %d round trips, median ns:\n",
		       mode ? "client and server on two CPUs" : "both pinned to one CPU", iters);
		for (i = 0; i < NMECH; i++) {
			res[mode][i] = -1;
			if (only && strcmp(only, mechs[i].name))
				continue;
			res[mode][i] = run(&mechs[i], mode);
			if (res[mode][i] >= 0)
				printf("  %-8s %10lld\n", mechs[i].name, res[mode][i]);
			else
				printf("  %-8s %10s\n", mechs[i].name, "n/a");
		}
		for (i = 1; i < NMECH; i++)
			if (res[mode][0] > 0 && res[mode][i] > 0)
				printf("  lrpc / %-7s %6.2f%s\n", mechs[i].name,
				       (double)res[mode][0] / res[mode][i],
				       !strcmp(mechs[i].name, "unix") ? "   (target <= 0.60)" :
				       !strcmp(mechs[i].name, "binder") ? "   (target <= 0.80)" : "");
	}
	return 0;
}
