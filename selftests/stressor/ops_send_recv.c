// SPDX-License-Identifier: GPL-2.0
/*
 * The ops of one-way messages: SEND on a comm or conn fd (a boundary
 * burst fills the queue to its limit and one more) and RECV on a comm
 * fd, whose payload and credentials are checked.
 */
#include "stressor.h"

void op_send(struct thr *t)
{
	int var = pick_var(t), i, vi = -1, fd, ret, verr = 0, burst = 1, n;
	struct lrpc_view_attach va;
	struct lrpc_send s;
	struct exp e, valid;
	void *arg = &s;
	bool ro = false;

	memset(&s, 0, sizeof(s));
	i = obj_pick(t, KM(K_COMM) | KM(K_CONN));
	if (i < 0)
		return;
	fd = worker.obj[i].fd;
	s.len = pick_len(t, V_VALID);
	s.data = (uintptr_t)t->buf;
	if (rng_pct(&t->rng, 15)) {
		vi = view_arg(t, &va, false, &verr);
		if (vi >= 0)
			s.view = (uintptr_t)&va;
	}
	e = (struct exp){ .ok = true,
			  .errs = es_of(ECONNRESET, EAGAIN, ENOBUFS, ENOMEM, 0) };
	/* a view in flight is charged to its sender: EDQUOT */
	if (s.view)
		es_add(&e.errs, EDQUOT);
	valid = e;
	if (var == V_BOUND) {
		if (rng_below(&t->rng, 2)) {
			s.len = pick_len(t, V_BOUND);
		} else {
			/* up to max_queue, and one more */
			s.len = rng_below(&t->rng, 32);
			burst = 80;
		}
	} else if (var == V_BAD) {
		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 8)) {
		case 0:
			s.flags = 1u << rng_below(&t->rng, 32);
			break;
		case 1:
			s.reserved[0] = 1;
			break;
		case 2:
			s.len = rng_below(&t->rng, 2) ? worker.feat.max_inline_size + 1 :
				0x80000000u;
			e = exp_err(EMSGSIZE);
			break;
		case 3:
			s.len = 1 + rng_below(&t->rng, 64);
			s.data = (uintptr_t)bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		case 4:
			obj_put(vi);
			vi = view_arg(t, &va, true, &verr);
			s.view = (uintptr_t)&va;
			e = exp_err(verr);
			break;
		case 5:
			/* the message is queued, then msg_id cannot be
			 * written back: whatever the valid SEND could
			 * meet first (EDQUOT of a view), or EFAULT */
			ro = true;
			e = valid;
			e.ok = false;
			es_add(&e.errs, EFAULT);
			break;
		case 6:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		default:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_SEND, &i);
			e = exp_err(ENOTTY);
			break;
		}
	}
	if (s.data == (uintptr_t)t->buf)
		pay_fill(t, t->buf, s.len <= worker.feat.max_inline_size ? s.len : 0, false);
	WHAT(t, "SEND on %s len %u view %s flags %#x arg %p burst %d%s",
	     i >= 0 ? kind_names[worker.obj[i].kind] : "foreign", s.len,
	     s.view ? "yes" : "no", s.flags, arg, burst, ro ? " (read-only)" : "");
	for (n = 0; n < burst; n++) {
		s.msg_id = 0;
		fault_begin(t, var, NULL, 0);
		if (ro)
			ret = ioctl_ro(t, fd, LRPC_IOC_SEND, &s, sizeof(s));
		else
			ret = sys(ioctl(fd, LRPC_IOC_SEND, arg));
		fault_end(t);
		if (n + 1 < burst && !ret && !atomic_load(&shared->stop)) {
			atomic_fetch_add(&shared->count[OP_SEND][var], 1);
			atomic_fetch_add(&shared->okc[OP_SEND], 1);
			atomic_fetch_add(&shared->errs[0], 1);
			continue;
		}
		break;
	}
	if (judge(t, OP_SEND, var, ret, obj_put2(i, vi), e) && !ret &&
	    arg == &s && !ro && !s.msg_id)
		fail(t, "SEND: msg_id 0");
	t->faulting = false;
}

void op_recv(struct thr *t)
{
	int var = pick_var(t), i, fd, ret;
	struct lrpc_recv r;
	struct exp e;
	void *arg = &r;
	bool ro = false;

	memset(&r, 0, sizeof(r));
	r.msg.view_fd = -1;
	i = obj_pick(t, KM(K_COMM));
	if (i < 0)
		return;
	fd = worker.obj[i].fd;
	r.data = (uintptr_t)t->buf;
	r.size = pick_size(t);
	r.timeout_ns = pick_timeout(t, 8);
	if (rng_pct(&t->rng, 80))
		r.flags = LRPC_RECV_F_VIEWS;
	e = (struct exp){ .ok = true,
			  .errs = es_of(ECONNRESET, ETIMEDOUT, EAGAIN, EMSGSIZE,
					ENOMEM, EMFILE, 0) };
	if (var == V_BOUND) {
		r.size = rng_below(&t->rng, 2) ? 0 : 0xffffffffu;
		r.timeout_ns = rng_below(&t->rng, 2) ? 0 : INT64_MIN;
		if (r.timeout_ns < 0 && rng_below(&t->rng, 4))
			r.timeout_ns = 0;	/* for ever only now and then */
		if (r.timeout_ns < 0)
			r.timeout_ns = 3 * MS;
	} else if (var == V_BAD) {
		e = exp_err(EINVAL);
		switch (rng_below(&t->rng, 6)) {
		case 0:
			r.flags = 2u << rng_below(&t->rng, 31);
			break;
		case 1:
			r.reserved[rng_below(&t->rng, 2)] = 1;
			break;
		case 2:
			r.data = (uintptr_t)(rng_below(&t->rng, 2) ? bad_ptr(t) : worker.edge);
			r.size = rng_below(&t->rng, 2) ? 0xffffffffu : 4096;
			e = (struct exp){ .ok = true,
					  .errs = es_of(EFAULT, ECONNRESET, ETIMEDOUT,
							EAGAIN, EMSGSIZE, 0) };
			break;
		case 3:
			ro = true;
			e = (struct exp){ .errs = es_of(EFAULT, ECONNRESET, ETIMEDOUT,
							EAGAIN, 0) };
			break;
		case 4:
			arg = bad_ptr(t);
			e = exp_err(EFAULT);
			break;
		default:
			obj_put(i);
			fd = wrong_fd(t, LRPC_IOC_RECV, &i);
			e = exp_err(ENOTTY);
			break;
		}
	}
	WHAT(t, "RECV size %u timeout %lld flags %#x arg %p%s", r.size,
	     (long long)r.timeout_ns, r.flags, arg, ro ? " (read-only)" : "");
	fault_begin(t, var, t->buf, r.size < 65536 ? r.size : 65536);
	if (ro)
		ret = ioctl_ro(t, fd, LRPC_IOC_RECV, &r, sizeof(r));
	else
		ret = sys(ioctl(fd, LRPC_IOC_RECV, arg));
	fault_end(t);
	if (arg == &r && !ro && ret == -EMSGSIZE && r.msg.view_fd != -1)
		fail(t, "RECV -EMSGSIZE installed a view");
	if (arg == &r && !ro)
		take_view(t, &r.msg, !ret);
	if (judge(t, OP_RECV, var, ret, obj_put(i), e) && arg == &r && !ro) {
		if (!ret && (r.msg.kind != LRPC_MSG_ONEWAY || !r.msg.msg_id ||
			     r.msg.len > r.size))
			fail(t, "RECV got kind %u id %llu len %u", r.msg.kind,
			     (unsigned long long)r.msg.msg_id, r.msg.len);
		else if (!ret && r.data == (uintptr_t)t->buf)
			pay_check(t, t->buf, r.msg.len, &r.msg);
		if (ret == -EMSGSIZE && var != V_BAD && r.msg.len <= r.size)
			fail(t, "RECV -EMSGSIZE for %u octets in %u", r.msg.len, r.size);
	}
	t->faulting = false;
}
