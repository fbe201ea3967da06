// SPDX-License-Identifier: GPL-2.0
/*
 * One worker process: it takes the namespaces and credentials of its
 * slot, sets up its tables, and runs three threads that draw ops from
 * their seeded streams (thread 0, and now and then 1, mostly serve the
 * ports) until the run's op budget, its deadline or a failure; then it
 * closes its fds, or leaves that to exit().  A crash in it fails the run.
 */
#include "stressor.h"

/* op_touch: a write to a sealed section's shared mapping is refused */
__thread sigjmp_buf *volatile touch_jb;	/* volatile: stores not elided */

static void crash_handler(int sig, siginfo_t *si, void *uc)
{
	char msg[128];

	(void)uc;
	if (sig == SIGBUS && touch_jb)
		siglongjmp(*touch_jb, 1);
	snprintf(msg, sizeof(msg), "signal %d at %p in a worker", sig, si->si_addr);
	fail(NULL, "%s", msg);
	_exit(99);
}

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
	t->failfd = shared->fault ? open(path, O_RDWR | O_CLOEXEC) : -1;
	for (;;) {
		long n = atomic_fetch_add(&shared->ops, 1);

		if (n >= shared->max_ops || atomic_load(&shared->stop))
			break;
		if ((n & 31) == 0 && now_ms() > shared->deadline) {
			atomic_store(&shared->stop, 1);
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

int write_file(const char *path, const char *s)
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
		snprintf(shared->note[slot], sizeof(shared->note[slot]),
			 "unshare(%#x): %s", flags, strerror(errno));
	if (c->userns && c->map && !shared->note[slot][0]) {
		write_file("/proc/self/setgroups", "deny");
		if (write_file("/proc/self/uid_map", "0 0 1") ||
		    write_file("/proc/self/gid_map", "0 0 1"))
			snprintf(shared->note[slot], sizeof(shared->note[slot]),
				 "uid_map: %s", strerror(errno));
	}
	if (c->uid) {
		if (setgroups(0, NULL) || setresgid(c->uid, c->uid, c->uid) ||
		    setresuid(c->uid, c->uid, c->uid))
			snprintf(shared->note[slot], sizeof(shared->note[slot]),
				 "setresuid(%u): %s", c->uid, strerror(errno));
		/* so that /proc/thread-self/fail-nth stays ours */
		prctl(PR_SET_DUMPABLE, 1);
	}
}

void __attribute__((noreturn)) worker_main(int slot, unsigned int gen)
{
	struct thr thr[NTHREADS];
	struct sigaction sa = { .sa_sigaction = crash_handler,
				.sa_flags = SA_SIGINFO };
	char *mem;
	int k, n;

	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
	worker_setup(slot);
	memset(&worker, 0, sizeof(worker));
	pthread_mutex_init(&worker.lock, NULL);
	pthread_rwlock_init(&worker.forklock, NULL);
	worker.slot = slot;
	worker.gen = gen;
	worker.cfg = &cfgs[slot];
	worker.nullfd = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (pipe2(worker.pipefd, O_CLOEXEC))
		fail(NULL, "pipe: %s", strerror(errno));
	mem = mmap(NULL, 2 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	mprotect(mem + PAGE, PAGE, PROT_NONE);
	worker.guard = mem + PAGE;
	worker.edge = worker.guard - 64;
	for (k = 0; k < NNAMES; k++) {
		n = snprintf(worker.names[k], LRPC_NAME_MAX, "rs.%d.%d", shared->sup, k);
		if (k == NNAMES - 1)	/* the longest name there is */
			memset(worker.names[k] + n, 'L', LRPC_NAME_MAX - 1 - n);
	}
	snprintf(worker.hopname, sizeof(worker.hopname), "rs.%d.hop", shared->sup);
	k = lrpc_open();
	if (k < 0 || ioctl(k, LRPC_IOC_GET_FEATURES, &worker.feat))
		fail(NULL, "worker: /dev/lrpc: %s", strerror(errno));
	obj_add(k, K_DEV, 0, false, false, true, 0, -1);
	for (k = 0; k < NTHREADS; k++) {
		struct thr *t = &thr[k];

		memset(t, 0, sizeof(*t));
		t->idx = k;
		t->rng = rng_seed(shared->seed, slot, gen, k);
		t->nlfd = -1;
		t->closed_fd = 900 + k;
		t->buf = mmap(NULL, worker.feat.max_inline_size + 2 * PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		t->rop = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
			      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (t->buf == MAP_FAILED || t->rop == MAP_FAILED)
			fail(NULL, "worker: mmap: %s", strerror(errno));
		worker.thr[k] = t;
	}
	for (k = 1; k < NTHREADS; k++)
		pthread_create(&thr[k].pt, NULL, thread_main, &thr[k]);
	thread_main(&thr[0]);
	for (k = 1; k < NTHREADS; k++)
		pthread_join(thr[k].pt, NULL);
	/* half the time leave the closing to exit() */
	if (rng_below(&thr[0].rng, 2))
		for (k = 0; k < MAX_OBJS; k++)
			if (worker.obj[k].used)
				close(worker.obj[k].fd);
	_exit(0);
}
