// SPDX-License-Identifier: GPL-2.0
/*
 * Messages and queues.
 *
 * A message is one allocation: header and payload, copied from the
 * sender once and to the receiver once.  It carries the sender's
 * credentials as the kernel saw them at send time; they are translated
 * into the receiver's namespaces when it is received.
 *
 * Messages are freed only outside spinlocks (kvfree may sleep): code
 * under a lock moves them to a local list and frees that afterwards.
 */
#include <linux/cred.h>
#include <linux/jiffies.h>
#include <linux/pid.h>
#include <linux/poll.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/user_namespace.h>

#include "limits.h"
#include "msg.h"
#include "section.h"

static void msg_stamp(struct lrpc_msg *msg, u32 kind)
{
	INIT_LIST_HEAD(&msg->node);
	msg->call = NULL;
	msg->id = 0;
	msg->conn_id = 0;
	msg->kind = kind;
	msg->view = NULL;
	msg->nqueued = NULL;
	msg->tgid = get_pid(task_tgid(current));
	msg->pid = get_pid(task_pid(current));
	msg->uid = current_euid();
	msg->gid = current_egid();
}

/* A message with @len octets from user memory, charged to @user. */
struct lrpc_msg *lrpc_msg_new(struct lrpc_user *user, u32 kind, u64 udata,
			      u32 len, u32 max)
{
	size_t size = struct_size_t(struct lrpc_msg, data, len);
	struct lrpc_msg *msg;
	int ret;

	if (len > max)
		return ERR_PTR(-EMSGSIZE);
	ret = lrpc_user_charge(user, size);
	if (ret)
		return ERR_PTR(ret);
	/* the size is the sender's: failing is its -ENOMEM, not a splat */
	msg = kvmalloc(size, GFP_KERNEL_ACCOUNT | __GFP_NOWARN);
	if (!msg) {
		ret = -ENOMEM;
		goto err_uncharge;
	}
	if (len && copy_from_user(msg->data, u64_to_user_ptr(udata), len)) {
		ret = -EFAULT;
		goto err_free;
	}
	msg->len = len;
	msg->user = lrpc_user_get(user);
	msg_stamp(msg, kind);
	return msg;

err_free:
	kvfree(msg);
err_uncharge:
	lrpc_user_uncharge(user, size);
	return ERR_PTR(ret);
}

/* A notification without payload; bounded by the objects it reports on. */
struct lrpc_msg *lrpc_msg_note(u32 kind, gfp_t gfp)
{
	struct lrpc_msg *msg = kmalloc(sizeof(*msg), gfp);

	if (!msg)
		return NULL;
	msg->len = 0;
	msg->user = NULL;
	msg_stamp(msg, kind);
	return msg;
}

/*
 * Charge @msg to @user from now on, instead of its sender: memory a
 * peer holds counts against the holder, so a client that never reads
 * cannot drain its server's quota.  Callable under a spinlock.
 */
int lrpc_msg_recharge(struct lrpc_msg *msg, struct lrpc_user *user)
{
	size_t size = struct_size_t(struct lrpc_msg, data, msg->len);

	if (msg->user == user)
		return 0;
	if (lrpc_user_charge(user, size))
		return -ENOBUFS;
	lrpc_user_uncharge(msg->user, size);
	lrpc_user_put(msg->user);
	msg->user = lrpc_user_get(user);
	return 0;
}

void lrpc_msg_free(struct lrpc_msg *msg)
{
	if (!msg)
		return;
	put_pid(msg->tgid);
	put_pid(msg->pid);
	lrpc_view_free(msg->view);
	if (msg->user) {
		lrpc_user_uncharge(msg->user,
				   struct_size_t(struct lrpc_msg, data, msg->len));
		lrpc_user_put(msg->user);
	}
	kvfree(msg);
}

void lrpc_msg_free_list(struct list_head *list)
{
	struct lrpc_msg *msg, *tmp;

	list_for_each_entry_safe(msg, tmp, list, node)
		lrpc_msg_free(msg);
	INIT_LIST_HEAD(list);
}

void lrpc_msg_info(const struct lrpc_msg *msg, struct lrpc_msg_info *info)
{
	struct user_namespace *ns = current_user_ns();

	memset(info, 0, sizeof(*info));
	info->msg_id = msg->id;
	info->conn_id = msg->conn_id;
	info->kind = msg->kind;
	info->len = msg->len;
	info->tgid = pid_vnr(msg->tgid);
	info->pid = pid_vnr(msg->pid);
	info->uid = from_kuid_munged(ns, msg->uid);
	info->gid = from_kgid_munged(ns, msg->gid);
	lrpc_view_describe(msg->view, info);
}

int lrpc_msg_copy_out(const struct lrpc_msg *msg, u64 udata, u32 size)
{
	u32 n = min(size, msg->len);

	if (n && copy_to_user(u64_to_user_ptr(udata), msg->data, n))
		return -EFAULT;
	return 0;
}

void lrpc_queue_init(struct lrpc_queue *q)
{
	INIT_LIST_HEAD(&q->msgs);
	q->len = 0;
	q->nwaiters = 0;
	init_waitqueue_head(&q->wq);
}

/*
 * Queue @msg and hand it to one waiting thread.  The sender is about to
 * sleep (a call) or return: a sync wake-up lets the receiver run on this
 * CPU without a migration.  Called under the owner's lock.
 */
void lrpc_queue_add(struct lrpc_queue *q, struct lrpc_msg *msg)
{
	list_add_tail(&msg->node, &q->msgs);
	q->len++;
	wake_up_interruptible_sync_poll(&q->wq, EPOLLIN | EPOLLRDNORM);
}

/* Relative nanoseconds to jiffies: < 0 for ever, 0 no wait. */
long lrpc_timeout(s64 ns)
{
	u64 j;

	if (ns < 0)
		return MAX_SCHEDULE_TIMEOUT;
	if (ns == 0)
		return 0;
	j = nsecs_to_jiffies(ns) + 1;
	return j >= MAX_SCHEDULE_TIMEOUT ? MAX_SCHEDULE_TIMEOUT - 1 : j;
}

/*
 * Wait for and dequeue the first message of @q if it fits in @size.
 * Called with @lock held, returns with it held.  Receivers wait
 * exclusively, so one message wakes one thread; a thread that leaves
 * without a message passes its wake-up on.  Once *@gone is set an empty
 * queue is @gone_err instead of a wait.
 */
int lrpc_queue_take(struct lrpc_queue *q, spinlock_t *lock, const bool *gone,
		    int gone_err, long timeout, u32 size,
		    struct lrpc_msg **msgp, struct lrpc_msg_info *info)
{
	struct lrpc_msg *msg;
	DEFINE_WAIT(wait);
	bool nowait = !timeout;
	int ret = 0;

	while (list_empty(&q->msgs)) {
		if (*gone) {
			ret = gone_err;
			break;
		}
		if (!timeout) {
			ret = nowait ? -EAGAIN : -ETIMEDOUT;
			break;
		}
		if (signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		prepare_to_wait_exclusive(&q->wq, &wait, TASK_INTERRUPTIBLE);
		q->nwaiters++;
		spin_unlock(lock);
		timeout = schedule_timeout(timeout);
		spin_lock(lock);
		q->nwaiters--;
	}
	finish_wait(&q->wq, &wait);
	if (ret) {
		if (!list_empty(&q->msgs))
			wake_up_interruptible(&q->wq);
		return ret;
	}

	msg = list_first_entry(&q->msgs, struct lrpc_msg, node);
	lrpc_msg_info(msg, info);
	if (msg->len > size) {
		/* it stays queued: a receiver with room must not sleep on */
		wake_up_interruptible(&q->wq);
		return -EMSGSIZE;
	}
	list_del_init(&msg->node);
	q->len--;
	if (msg->nqueued) {
		(*msg->nqueued)--;
		msg->nqueued = NULL;
	}
	if (msg->call) {
		msg->call->state = LRPC_PENDING_DELIVERED;
		msg->call->req = NULL;
		msg->call = NULL;
	}
	*msgp = msg;
	return 0;
}
