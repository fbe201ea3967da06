// SPDX-License-Identifier: GPL-2.0
/*
 * The ops of control fds and ports, each with valid, boundary and
 * invalid arguments: GET_FEATURES (on any fd), PORT_CREATE and CONNECT
 * (which add port and comm fds to the table), ACCEPT of a delivered
 * connect request (which adds a conn fd), and PORT_SHUTDOWN.
 */
#include "stressor.h"

void op_features(struct thr *t)
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
		fd = worker.obj[i].fd;
		WHAT(t, "GET_FEATURES on %s fd", kind_names[worker.obj[i].kind]);
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
			fd = worker.obj[i].fd;
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
	     f.name_max != LRPC_NAME_MAX || f.max_inline_size != worker.feat.max_inline_size ||
	     f.reserved[0] || f.reserved[1] || f.reserved[2]))
		fail(t, "GET_FEATURES says features %#llx connect %u name %u inline %u",
		     (unsigned long long)f.features, f.max_connect_size, f.name_max,
		     f.max_inline_size);
	t->faulting = false;
}

void op_port_create(struct thr *t)
{
	int var = pick_var(t), i, fd, ret, name = rng_below(&t->rng, NNAMES);
	struct lrpc_port_create pc;
	struct exp e;
	void *arg = &pc;

	memset(&pc, 0, sizeof(pc));
	lrpc_setname(pc.name, worker.names[name]);
	pc.mode = rng_below(&t->rng, 8);
	if (rng_below(&t->rng, 2))
		pc.mode = LRPC_MODE_ALL;
	pc.backlog = rng_below(&t->rng, 4) ? rng_below(&t->rng, 6) : 0xffffffffu;
	e = (struct exp){ .ok = true,
			  .errs = es_of(EADDRINUSE, ENOBUFS, ENOMEM, EMFILE, 0) };
	i = dev_pick(t);
	if (i < 0)
		return;
	fd = worker.obj[i].fd;
	if (var == V_BOUND) {
		name = NNAMES - 1;	/* 63 characters */
		lrpc_setname(pc.name, worker.names[name]);
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

void op_connect(struct thr *t)
{
	int var = pick_var(t), i, fd, ret;
	char data[LRPC_CONNECT_DATA_MAX + 8], reply[LRPC_CONNECT_DATA_MAX];
	struct lrpc_connect c;
	struct exp e;
	void *arg = &c;
	bool ro = false;

	memset(&c, 0, sizeof(c));
	lrpc_setname(c.name, worker.names[rng_below(&t->rng, NNAMES)]);
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
	/* names are scoped by owner: a server_uid unmapped here is EINVAL */
	if (c.flags)
		es_add(&e.errs, EINVAL);
	i = dev_pick(t);
	if (i < 0)
		return;
	fd = worker.obj[i].fd;
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
		/* checked before the payload: an unmapped server_uid */
		if (c.flags & LRPC_CONNECT_F_SERVER_UID)
			es_add(&e.errs, EINVAL);
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

void op_accept(struct thr *t, int port, uint64_t id)
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
	fd = worker.obj[i].fd;
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

void op_port_shutdown(struct thr *t)
{
	int var = pick_var(t), i, fd, ret;
	struct lrpc_port_shutdown s;
	struct exp e = exp_ok();
	void *arg = &s;

	memset(&s, 0, sizeof(s));
	i = obj_pick(t, KM(K_PORT));
	if (i < 0)
		return;
	fd = worker.obj[i].fd;
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
