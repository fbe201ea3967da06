// SPDX-License-Identifier: GPL-2.0
/*
 * The ops that make processes and namespaces: a fork child that CALLs,
 * REPLY_RECVs, CONNECTs or maps a received view, and is killed, has its
 * call cancelled or is let finish; and a thread that takes a fresh ipc
 * namespace, makes a port there and dies, leaving the port behind.
 */
#include "stressor.h"

#define EXIT_BAD	200	/* a fork child saw a wrong result */

enum { CH_CALL, CH_RECV, CH_CONNECT, CH_MMAP, NCH };

static void on_usr1(int sig)
{
}

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
		ret = ioctl(fd, LRPC_IOC_CALL, &shared->ccall[worker.slot][t->idx]);
		break;
	case CH_RECV:
		memset(&rr, 0, sizeof(rr));
		rr.data = (uintptr_t)t->buf;
		rr.size = worker.feat.max_inline_size;
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

void op_fork(struct thr *t)
{
	int what = rng_below(&t->rng, NCH), i, st, ret, waited;
	static const unsigned int kinds[NCH] = {
		KM(K_COMM), KM(K_PORT), KM(K_DEV), KM(K_VIEW),
	};
	struct lrpc_call *c = &shared->ccall[worker.slot][t->idx];
	struct lrpc_connect cn;
	struct exp e;
	pid_t pid, parent = getpid();
	size_t len = 0;

	i = obj_pick(t, kinds[what]);
	if (i < 0)
		return;
	if (what == CH_MMAP && !worker.obj[i].received) {
		obj_put(i);
		return;
	}
	len = (worker.obj[i].len + PAGE - 1) / PAGE * PAGE;
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
	lrpc_setname(cn.name, worker.names[rng_below(&t->rng, NNAMES)]);
	cn.timeout_ns = (int64_t)(5 + rng_below(&t->rng, 60)) * MS;
	WHAT(t, "fork a child to %s on %s fd",
	     (const char *[]){ "CALL", "REPLY_RECV", "CONNECT", "mmap" }[what],
	     kind_names[worker.obj[i].kind]);

	/*
	 * Handled, not restarting, and inherited by the child before it
	 * can be signalled: a call must still never see EINTR.
	 */
	sigaction(SIGUSR1, &(struct sigaction){ .sa_handler = on_usr1 }, NULL);
	pthread_rwlock_wrlock(&worker.forklock);
	pid = fork();
	if (pid == 0)
		child_run(t, what, worker.obj[i].fd, parent, len, &cn);
	pthread_rwlock_unlock(&worker.forklock);
	if (pid < 0) {
		judge(t, OP_FORK, V_VALID, -errno, obj_put(i),
		      (struct exp){ .errs = es_of(EAGAIN, ENOMEM, 0) });
		return;
	}
	/* kill it mid-call, cancel its call, or let it finish */
	waited = rng_below(&t->rng, 4) ? (int)rng_below(&t->rng, 4000) : 200000;
	if (what == CH_CALL && rng_below(&t->rng, 3) == 0) {
		/* stop it, go on, and interrupt it with a handled signal */
		usleep(rng_below(&t->rng, 2000));
		kill(pid, SIGSTOP);
		usleep(rng_below(&t->rng, 2000));
		kill(pid, SIGCONT);
		kill(pid, SIGUSR1);
		atomic_fetch_add(&shared->stops, 1);
	}
	if (what == CH_CALL && rng_below(&t->rng, 3) == 0) {
		uint64_t id = 0;
		int n;

		for (n = 0; n < 200 && !id; n++) {
			usleep(100);
			id = __atomic_load_n(&c->msg_id, __ATOMIC_RELAXED);
		}
		if (id)
			lrpc_cancel(worker.obj[i].fd, id);
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
		atomic_fetch_add(&shared->kills, 1);
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
	h->ret = lrpc_port(dev, worker.hopname, LRPC_MODE_ALL, 0);
	h->cerr = lrpc_connect_ex(dev, worker.names[rng_below(&h->t->rng, NNAMES)],
				  NULL, 0, NULL, 0, NULL, 0, NULL);
	close(dev);
	return NULL;
}

void op_ns_hop(struct thr *t)
{
	struct hop h = { .t = t };
	pthread_t pt;

	WHAT(t, "a thread in a new ipc namespace creates port %.20s", worker.hopname);
	if (pthread_create(&pt, NULL, hop_thread, &h))
		return;
	pthread_join(pt, NULL);
	if (h.uerr)	/* not allowed here (uid 1001) */
		return;
	atomic_fetch_add(&shared->hops, 1);
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
