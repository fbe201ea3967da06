// SPDX-License-Identifier: GPL-2.0
/*
 * Calls: a client's request and the wait for its reply, cancel, and
 * what a signal does to a waiting caller.  All of it is under the
 * port's lock (see port.c).
 */
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "call.h"
#include "conn.h"
#include "limits.h"
#include "main.h"
#include "port.h"
#include "section.h"

/*
 * Give up a pending request that is not DONE: withdraw it if it is
 * still queued, else tell the server with a CANCEL message.  Called
 * under port->lock; @cancel is a ready message, consumed if used.
 */
static void pending_abort(struct lrpc_port *port, struct lrpc_pending *p,
			  int error, struct lrpc_msg **cancel,
			  struct list_head *gc)
{
	bool delivered = p->state != LRPC_PENDING_QUEUED;

	if (error == -ECANCELED)
		port->stats.cancels++;
	else if (error == -ETIMEDOUT)
		port->stats.timeouts++;
	lrpc_pending_complete(port, p, error, gc);
	if (delivered && p->kind == LRPC_PENDING_CALL && *cancel &&
	    !p->conn->server_gone) {
		(*cancel)->id = p->id;
		(*cancel)->conn_id = p->conn->id;
		lrpc_port_enqueue(port, *cancel);
		*cancel = NULL;
	}
}

/* Give up @p, not DONE when last looked at, with @error. */
static int pending_give_up(struct lrpc_port *port, struct lrpc_pending *p,
			   int error)
{
	struct lrpc_msg *cancel = NULL;
	LIST_HEAD(gc);

	if (p->kind == LRPC_PENDING_CALL)
		cancel = lrpc_msg_note(LRPC_MSG_CANCEL,
				       GFP_KERNEL | __GFP_NOFAIL);
	spin_lock(&port->lock);
	if (p->state != LRPC_PENDING_DONE)
		pending_abort(port, p, error, &cancel, &gc);
	spin_unlock(&port->lock);

	lrpc_msg_free(cancel);
	lrpc_msg_free_list(&gc);
	return p->error;
}

/*
 * After a wait that returned @left: @p's result if it is DONE, else give
 * it up (-EINTR for a signal, -ETIMEDOUT).
 */
static int pending_settle(struct lrpc_port *port, struct lrpc_pending *p,
			  long left)
{
	spin_lock(&port->lock);
	if (p->state == LRPC_PENDING_DONE) {
		/* the waker woke us under this lock: it is done with p */
		spin_unlock(&port->lock);
		return p->error;
	}
	spin_unlock(&port->lock);
	return pending_give_up(port, p, left < 0 ? -EINTR : -ETIMEDOUT);
}

/*
 * Wait until @p is DONE; on a time-out or a signal give it up.  Returns
 * the pending request's error (0: answered).
 */
int lrpc_pending_wait(struct lrpc_port *port, struct lrpc_pending *p,
		      long timeout)
{
	long left;

	left = wait_event_interruptible_timeout(p->wq,
						READ_ONCE(p->state) == LRPC_PENDING_DONE,
						timeout);
	return pending_settle(port, p, left);
}

/*
 * A call whose caller took a signal that is not fatal.  Returning
 * -EINTR would lose the call (the server may be running it already) and
 * restarting the ioctl from scratch would send it twice; so the call is
 * kept here, off the caller's stack, and the ioctl returns
 * -ERESTARTNOINTR.  The restarted ioctl finds the call by its thread and
 * by the msg_id written to the caller's struct before the wait, and
 * waits on for the rest of its time.  A call whose thread never comes
 * back (it left the handler by longjmp, or exited) stays until the
 * communication fd goes, counted in max_pending like any call.
 */
struct lrpc_parked {
	struct lrpc_pending p;
	struct list_head node;		/* conn->parked */
	struct pid *thread;
	unsigned long deadline;		/* jiffies, if timed */
	bool timed;
};

/* Move the pending call @from, not DONE, into @to; under port->lock. */
static void pending_move(struct lrpc_pending *to, struct lrpc_pending *from)
{
	to->id = from->id;
	to->kind = from->kind;
	to->state = from->state;
	to->error = from->error;
	to->conn = from->conn;
	to->req = from->req;
	to->reply = from->reply;
	init_waitqueue_head(&to->wq);
	hlist_replace_rcu(&from->hnode, &to->hnode);
	list_replace(&from->cnode, &to->cnode);
	if (to->req)
		to->req->call = to;
}

static void parked_free(struct lrpc_parked *park)
{
	put_pid(park->thread);
	kfree(park);
}

/*
 * Wait for the call @p until @deadline (if @timed).  @park is NULL when
 * @p is on the caller's stack.  Returns the call's result, or
 * -ERESTARTNOINTR when a signal parked it: then *@parkp owns it and the
 * caller must not touch @p again.
 */
static int call_wait(struct lrpc_conn *conn, struct lrpc_pending *p,
		     bool timed, unsigned long deadline,
		     struct lrpc_parked *park)
{
	struct lrpc_port *port = conn->port;
	long timeout = MAX_SCHEDULE_TIMEOUT;
	long left;

	if (timed)
		timeout = time_after(deadline, jiffies) ? deadline - jiffies : 0;
	left = wait_event_interruptible_timeout(p->wq,
						READ_ONCE(p->state) == LRPC_PENDING_DONE,
						timeout);
	if (left >= 0 || fatal_signal_pending(current))
		goto done;
	if (!park) {
		park = kzalloc(sizeof(*park), GFP_KERNEL_ACCOUNT);
		if (!park)	/* cannot keep it: lose it, as before */
			goto done;
		park->thread = get_pid(task_pid(current));
		park->deadline = deadline;
		park->timed = timed;
		spin_lock(&port->lock);
		if (p->state == LRPC_PENDING_DONE) {
			spin_unlock(&port->lock);
			parked_free(park);
			return p->error;
		}
		pending_move(&park->p, p);
	} else {
		spin_lock(&port->lock);
	}
	list_add(&park->node, &conn->parked);
	spin_unlock(&port->lock);
	return -ERESTARTNOINTR;

done:
	return pending_settle(port, p, left);
}

/* The call this thread parked with id @id on @conn, taken off the list. */
static struct lrpc_parked *parked_take(struct lrpc_conn *conn, u64 id)
{
	struct lrpc_parked *park;

	spin_lock(&conn->port->lock);
	list_for_each_entry(park, &conn->parked, node) {
		if (park->p.id == id && park->thread == task_pid(current)) {
			list_del(&park->node);
			spin_unlock(&conn->port->lock);
			return park;
		}
	}
	spin_unlock(&conn->port->lock);
	return NULL;
}

/*
 * The communication fd is going: every call parked on it by a thread
 * that never came back ends (PORT_CLOSED follows, so no CANCEL).  Under
 * port->lock; the parked calls move to @parked, their replies to @gc.
 */
void lrpc_call_unpark_all(struct lrpc_conn *conn, struct list_head *parked,
			  struct list_head *gc)
{
	struct lrpc_parked *park;

	list_splice_init(&conn->parked, parked);
	list_for_each_entry(park, parked, node) {
		if (park->p.state != LRPC_PENDING_DONE)
			lrpc_pending_complete(conn->port, &park->p,
					      -ECONNRESET, gc);
		if (park->p.reply)
			list_add(&park->p.reply->node, gc);
	}
}

/* After lrpc_call_unpark_all(), outside the lock. */
void lrpc_call_free_parked(struct list_head *parked)
{
	struct lrpc_parked *park, *tmp;

	list_for_each_entry_safe(park, tmp, parked, node)
		parked_free(park);
}

/* The call @p is over (or parked): hand its reply to the caller. */
static long call_finish(struct lrpc_call __user *u, struct lrpc_call *args,
			struct lrpc_pending *p, int ret)
{
	struct file *vfile = NULL;

	if (!p->reply)
		return ret;
	args->reply_len = p->reply->len;
	lrpc_msg_info(p->reply, &args->msg);
	args->msg_id = p->id;
	if (!ret && args->reply_len > args->reply_size)
		ret = -EMSGSIZE;
	/*
	 * On -EMSGSIZE the call is over and its view goes with the reply:
	 * the caller, told view_fd -1, would never close an fd made here.
	 */
	if (!ret)
		ret = lrpc_view_prepare(p->reply, &args->msg, &vfile,
					args->flags & LRPC_CALL_F_VIEWS);
	if (lrpc_msg_copy_out(p->reply, args->reply, args->reply_size) ||
	    copy_to_user(&u->reply_len, &args->reply_len,
			 sizeof(args->reply_len)) ||
	    copy_to_user(&u->msg, &args->msg, sizeof(args->msg))) {
		lrpc_view_abort(&args->msg, vfile);
		vfile = NULL;
		ret = -EFAULT;
	}
	lrpc_view_commit(&args->msg, vfile);
	lrpc_msg_free(p->reply);
	return ret;
}

/* The restarted ioctl of a parked call: wait on for it. */
static long call_resume(struct lrpc_conn *conn, struct lrpc_call __user *u,
			struct lrpc_call *args, struct lrpc_parked *park)
{
	int ret;

	ret = call_wait(conn, &park->p, park->timed, park->deadline, park);
	if (ret == -ERESTARTNOINTR)
		return ret;
	ret = call_finish(u, args, &park->p, ret);
	parked_free(park);
	return ret;
}

long lrpc_call(struct lrpc_conn *conn, void __user *uarg)
{
	struct lrpc_call __user *u = uarg;
	struct lrpc_port *port = conn->port;
	struct lrpc_pending p = { .kind = LRPC_PENDING_CALL };
	struct lrpc_parked *park;
	struct lrpc_call args;
	struct lrpc_msg *req;
	unsigned long deadline;
	long timeout;
	int ret = 0;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~LRPC_CALL_F_ALL) ||
	    !lrpc_zeroed(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	if (args.msg_id) {
		park = parked_take(conn, args.msg_id);
		if (park)
			return call_resume(conn, u, &args, park);
	}
	timeout = lrpc_timeout(args.timeout_ns);
	deadline = jiffies + timeout;
	req = lrpc_msg_new(conn->user, LRPC_MSG_REQUEST, args.data, args.len,
			   lrpc_max_msg_size());
	if (IS_ERR(req))
		return PTR_ERR(req);
	if (args.view) {
		ret = lrpc_view_attach(req, args.view);
		if (ret) {
			lrpc_msg_free(req);
			return ret;
		}
	}

	init_waitqueue_head(&p.wq);
	spin_lock(&port->lock);
	if (conn->server_gone)
		ret = -ECONNRESET;
	else if (conn->ncalls >= lrpc_max_pending())
		ret = -EBUSY;
	if (ret) {
		port->stats.errors++;
		spin_unlock(&port->lock);
		lrpc_msg_free(req);
		return ret;
	}
	lrpc_port_count(port, req);
	p.id = lrpc_port_next_id(port);
	p.conn = conn;
	p.req = req;
	req->id = p.id;
	req->conn_id = conn->id;
	req->call = &p;
	lrpc_port_add_pending(port, &p);
	list_add_tail(&p.cnode, &conn->calls);
	conn->ncalls++;
	lrpc_port_enqueue(port, req);
	spin_unlock(&port->lock);

	/*
	 * A failure here is reported after the wait: the call is under
	 * way.  The id written here is what a restart finds the call by.
	 */
	if (put_user(p.id, &u->msg_id)) {
		ret = lrpc_pending_wait(port, &p, timeout) ?: -EFAULT;
		return call_finish(u, &args, &p, ret);
	}
	ret = call_wait(conn, &p, timeout != MAX_SCHEDULE_TIMEOUT, deadline,
			NULL);
	if (ret == -ERESTARTNOINTR)
		return ret;
	return call_finish(u, &args, &p, ret);
}

long lrpc_call_cancel(struct lrpc_conn *conn, void __user *uarg)
{
	struct lrpc_port *port = conn->port;
	struct lrpc_cancel args;
	struct lrpc_pending *p;
	struct lrpc_msg *cancel;
	LIST_HEAD(gc);
	int ret = 0;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (!lrpc_zeroed(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	cancel = lrpc_msg_note(LRPC_MSG_CANCEL, GFP_KERNEL_ACCOUNT);
	if (!cancel)
		return -ENOMEM;
	spin_lock(&port->lock);
	p = lrpc_port_find_pending(port, args.msg_id);
	if (p && p->kind == LRPC_PENDING_CALL && p->conn == conn)
		pending_abort(port, p, -ECANCELED, &cancel, &gc);
	else
		ret = -ENOENT;
	spin_unlock(&port->lock);
	lrpc_msg_free(cancel);
	lrpc_msg_free_list(&gc);
	return ret;
}
