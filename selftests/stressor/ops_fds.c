// SPDX-License-Identifier: GPL-2.0
/*
 * The ops any fd takes, whatever its kind: close (under other threads'
 * feet), an unknown ioctl, an ioctl on a closed fd, dup, fcntl, poll and
 * epoll (only the events its kind may give), read, write and lseek.
 */
#include "stressor.h"

/*
 * Close a random object.  One in use by another thread is replaced by
 * /dev/null (dup2), so its number is not reused under that thread; the
 * last user closes the placeholder.
 */
void obj_close_random(struct thr *t)
{
	int idx[MAX_OBJS], n = 0, i;

	pthread_mutex_lock(&worker.lock);
	for (i = 0; i < MAX_OBJS; i++)
		if (worker.obj[i].used && !worker.obj[i].dead)
			idx[n++] = i;
	/* ports and connections live longer, so that calls get through */
	for (i = 0; i < n; i++) {
		int k = worker.obj[idx[i]].kind;

		if ((k == K_PORT || k == K_CONN) && rng_below(&t->rng, 3))
			idx[i--] = idx[--n];
	}
	if (n) {
		struct obj *o = &worker.obj[idx[rng_below(&t->rng, n)]];

		WHAT(t, "close %s fd %d (%u users)", kind_names[o->kind],
		     o->fd, o->users);
		if (!o->users) {
			close(o->fd);
			o->used = 0;
		} else {
			o->dead = 1;
			dup2(worker.nullfd, o->fd);
		}
	}
	pthread_mutex_unlock(&worker.lock);
	if (n)
		judge(t, OP_CLOSE, V_VALID, 0, false, exp_ok());
}

void op_unknown_ioctl(struct thr *t)
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
	WHAT(t, "ioctl %#lx on %s fd", cmd, kind_names[worker.obj[i].kind]);
	ret = sys(ioctl(worker.obj[i].fd, cmd, arg));
	judge(t, OP_UNKNOWN_IOCTL, V_BAD, ret, obj_put(i), exp_err(ENOTTY));
}

void op_closed_fd(struct thr *t)
{
	static const unsigned long cmds[] = {
		LRPC_IOC_GET_FEATURES, LRPC_IOC_REPLY_RECV, LRPC_IOC_CALL,
		LRPC_IOC_SEND, LRPC_IOC_VIEW_INFO,
	};
	char arg[256] = { 0 };
	unsigned long cmd = cmds[rng_below(&t->rng, 5)];
	int ret;

	/* really closed: it was an lrpc fd a moment ago */
	if (rng_below(&t->rng, 2) && dup2(worker.nullfd, t->closed_fd) == t->closed_fd)
		close(t->closed_fd);
	WHAT(t, "ioctl %#lx on closed fd %d", cmd, t->closed_fd);
	ret = sys(ioctl(t->closed_fd, cmd, arg));
	judge(t, OP_CLOSED_FD, V_BAD, ret, false, exp_err(EBADF));
}

void op_dup(struct thr *t)
{
	int i = obj_pick(t, KM_ALL & ~KM(K_DEV)), fd, how = rng_below(&t->rng, 3);
	struct obj o;
	bool dead;

	if (i < 0)
		return;
	o = worker.obj[i];
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

void op_fcntl(struct thr *t)
{
	int i = obj_pick(t, KM_ALL), fl;
	struct obj o;
	bool dead;

	if (i < 0)
		return;
	o = worker.obj[i];
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

void op_poll(struct thr *t)
{
	int i = obj_pick(t, KM_ALL), ret;
	struct pollfd pfd;
	struct obj o;
	bool dead;

	if (i < 0)
		return;
	o = worker.obj[i];
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

void op_rw(struct thr *t)
{
	int i = obj_pick(t, KM_ALL), ret, how = rng_below(&t->rng, 3);
	struct exp e = (struct exp){ .errs = es_of(EINVAL, EBADF, 0) };
	char buf[16];

	if (i < 0)
		return;
	WHAT(t, "%s on %s fd", how == 0 ? "read" : how == 1 ? "write" : "lseek",
	     kind_names[worker.obj[i].kind]);
	if (how == 0)
		ret = sys(read(worker.obj[i].fd, buf, sizeof(buf)));
	else if (how == 1)
		ret = sys(write(worker.obj[i].fd, "x", 1));
	else
		ret = sys(lseek(worker.obj[i].fd, rng_below(&t->rng, 100), SEEK_SET));
	if (how == 2)
		e = exp_ok();	/* noop_llseek */
	judge(t, OP_RW, how == 2 ? V_VALID : V_BAD, ret, obj_put(i), e);
}
