// SPDX-License-Identifier: GPL-2.0
/*
 * The ops of calls: REPLY_RECV on a port (a server thread answers at
 * once what it receives, so that calls and connects go through), CALL on
 * a comm fd (possibly with a view attached; its reply's payload and
 * credentials are checked), and CANCEL of another thread's call in
 * flight or of a made-up id.
 */
#include "stressor.h"

/*
 * REPLY_RECV; @serve (thread 0 mostly) waits longer and answers what it
 * receives at once, so that the others' connects and calls go through.
 */
void op_reply_recv(struct thr *t, bool serve, int port, uint64_t reply_id)
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
	fd = worker.obj[i].fd;
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
	if (rng_pct(&t->rng, 80))
		rr.flags |= LRPC_REPLY_F_VIEWS;
	rr.data = (uintptr_t)t->buf;
	rr.size = serve ? worker.feat.max_inline_size : pick_size(t);
	rr.timeout_ns = serve ? (int64_t)(2 + rng_below(&t->rng, 20)) * MS : pick_timeout(t, 10);
	e = (struct exp){ .ok = true,
			  .errs = es_of(ENOENT, ENOBUFS, ENOMEM, ETIMEDOUT, EAGAIN,
					EMSGSIZE, ESHUTDOWN, EMFILE, 0) };
	/* a view in flight is charged to its sender: EDQUOT */
	if (rr.view)
		es_add(&e.errs, EDQUOT);
	if (var == V_BOUND) {
		if (rr.reply_id) {
			rr.reply_len = worker.feat.max_inline_size;
			rr.reply_data = (uintptr_t)t->buf;
		}
		rr.size = rng_below(&t->rng, 2) ? 0 : worker.feat.max_inline_size;
		rr.timeout_ns = rng_below(&t->rng, 2) ? 0 : 1;
	} else if (var == V_BAD) {
		struct exp any = e;

		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 12)) {
		case 0:
			rr.flags |= 4u << rng_below(&t->rng, 30);
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
			rr.reply_len = worker.feat.max_inline_size + 1;
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
			rr.data = (uintptr_t)(rng_below(&t->rng, 2) ? bad_ptr(t) : worker.edge);
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
	else if (rr.reply_data == (uintptr_t)t->buf && rr.reply_len <= worker.feat.max_inline_size)
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

void op_call(struct thr *t)
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
	fd = worker.obj[i].fd;
	c.len = pick_len(t, V_VALID);
	c.data = (uintptr_t)t->buf;
	c.reply = (uintptr_t)t->buf;
	c.reply_size = pick_size(t);
	c.timeout_ns = pick_timeout(t, 60);
	if (rng_pct(&t->rng, 80))
		c.flags = LRPC_CALL_F_VIEWS;
	if (rng_pct(&t->rng, 15)) {
		vi = view_arg(t, &va, false, &verr);
		if (vi >= 0)
			c.view = (uintptr_t)&va;
	}
	e = (struct exp){ .ok = true,
			  .errs = es_of(ECONNRESET, ETIMEDOUT, ECANCELED, EMSGSIZE,
					EAGAIN, EBUSY, ENOBUFS, ENOMEM, EMFILE, 0) };
	if (c.view)
		es_add(&e.errs, EDQUOT);
	if (var == V_BOUND) {
		c.len = pick_len(t, V_BOUND);
		c.reply_size = rng_below(&t->rng, 2) ? 0 : worker.feat.max_inline_size;
		c.timeout_ns = rng_below(&t->rng, 2) ? 0 : 1;
	} else if (var == V_BAD) {
		struct exp any = e;

		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 10)) {
		case 0:
			c.flags = 2u << rng_below(&t->rng, 31);
			break;
		case 1:
			c.reserved[0] = 1;
			break;
		case 2:
			c.len = rng_below(&t->rng, 2) ? worker.feat.max_inline_size + 1 :
				0xffffffffu;
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
		pay_fill(t, t->buf, c.len <= worker.feat.max_inline_size ? c.len : 0, false);
	WHAT(t, "CALL len %u view %s reply_size %u timeout %lld flags %#x arg %p%s",
	     c.len, c.view ? "yes" : "no", c.reply_size, (long long)c.timeout_ns,
	     c.flags, arg, ro ? " (read-only)" : "");
	if (arg == &c && !ro) {
		pthread_mutex_lock(&worker.lock);
		t->inflight = &c;
		t->inflight_obj = i;
		pthread_mutex_unlock(&worker.lock);
	}
	fault_begin(t, var, t->buf, c.reply_size);
	if (ro)
		ret = ioctl_ro(t, fd, LRPC_IOC_CALL, &c, sizeof(c));
	else
		ret = sys(ioctl(fd, LRPC_IOC_CALL, arg));
	fault_end(t);
	pthread_mutex_lock(&worker.lock);
	t->inflight = NULL;
	pthread_mutex_unlock(&worker.lock);
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
		if (ret == -EMSGSIZE && c.len <= worker.feat.max_inline_size &&
		    c.reply_len <= c.reply_size)
			fail(t, "CALL -EMSGSIZE with reply_len %u in %u",
			     c.reply_len, c.reply_size);
	}
	t->faulting = false;
}

void op_cancel(struct thr *t)
{
	int var = pick_var(t), i = -1, fd, ret, k;
	struct lrpc_cancel c;
	struct exp e = { .ok = true, .errs = es_of(ENOENT, 0) };
	void *arg = &c;

	memset(&c, 0, sizeof(c));
	if (var != V_BAD) {
		/* another thread's call in flight */
		pthread_mutex_lock(&worker.lock);
		k = rng_below(&t->rng, NTHREADS);
		if (worker.thr[k] && worker.thr[k]->inflight) {
			c.msg_id = __atomic_load_n(&worker.thr[k]->inflight->msg_id,
						   __ATOMIC_RELAXED);
			i = worker.thr[k]->inflight_obj;
		}
		pthread_mutex_unlock(&worker.lock);
		if (i >= 0 && !obj_hold(i, K_COMM))
			i = -1;
	}
	if (i < 0) {
		i = obj_pick(t, KM(K_COMM));
		if (i < 0)
			return;
		c.msg_id = rng_below(&t->rng, 4) ? rng_next(&t->rng) : 0;
	}
	fd = worker.obj[i].fd;
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
