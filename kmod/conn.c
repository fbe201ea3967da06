// SPDX-License-Identifier: GPL-2.0
/*
 * Connections: connect and accept, calls and replies, one-way messages,
 * cancel, and what happens when either end goes away.
 *
 * All connection state is under its port's lock (see port.c for the
 * lock order).  A connection is referenced by the client's fd and the
 * server's fd; it stays on port->conns until the last reference goes,
 * which happens under port->lock (kref_put_lock), so code holding that
 * lock may walk the list.
 */
#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/module.h>
#include <linux/poll.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "call.h"
#include "conn.h"
#include "limits.h"
#include "main.h"
#include "port.h"
#include "section.h"

static void conn_release(struct kref *ref)
	__releases(&conn->port->lock)
{
	struct lrpc_conn *conn = container_of(ref, struct lrpc_conn, ref);
	struct lrpc_port *port = conn->port;

	if (conn->connected)
		list_del(&conn->port_node);
	spin_unlock(&port->lock);

	WARN_ON_ONCE(conn->ncalls || conn->cq.len);
	lrpc_msg_free(conn->closed);
	put_pid(conn->peer);
	lrpc_user_uncharge(conn->user, sizeof(*conn));
	lrpc_user_put(conn->user);
	lrpc_port_put(port);
	kfree(conn);
}

static void conn_put(struct lrpc_conn *conn)
{
	kref_put_lock(&conn->ref, conn_release, &conn->port->lock);
}

static struct lrpc_conn *conn_new(struct lrpc_port *port,
				  struct lrpc_user *user)
{
	struct lrpc_conn *conn;

	if (lrpc_user_charge(user, sizeof(*conn)))
		return ERR_PTR(-ENOBUFS);
	conn = kzalloc(sizeof(*conn), GFP_KERNEL_ACCOUNT);
	if (!conn)
		goto err_uncharge;
	conn->closed = lrpc_msg_note(LRPC_MSG_PORT_CLOSED, GFP_KERNEL_ACCOUNT);
	if (!conn->closed)
		goto err_free;
	kref_init(&conn->ref);
	kref_get(&port->ref);
	conn->port = port;
	INIT_LIST_HEAD(&conn->port_node);
	INIT_LIST_HEAD(&conn->calls);
	INIT_LIST_HEAD(&conn->parked);
	lrpc_queue_init(&conn->cq);
	init_waitqueue_head(&conn->swq);
	conn->user = lrpc_user_get(user);
	conn->peer = get_pid(task_tgid(current));
	conn->peer_uid = current_euid();
	return conn;

err_free:
	kfree(conn);
err_uncharge:
	lrpc_user_uncharge(user, sizeof(*conn));
	return ERR_PTR(-ENOMEM);
}

/*
 * The server end is gone (its connection fd or the whole port): fail
 * every pending call, drop what the server will never read, and tell
 * the client.  Called under port->lock.
 */
void lrpc_conn_reset(struct lrpc_conn *conn, struct list_head *gc)
{
	struct lrpc_port *port = conn->port;
	struct lrpc_pending *p, *ptmp;
	struct lrpc_msg *msg, *mtmp;

	if (conn->server_gone)
		return;
	conn->server_gone = true;
	list_for_each_entry_safe(p, ptmp, &conn->calls, cnode)
		lrpc_pending_complete(port, p, -ECONNRESET, gc);
	list_for_each_entry_safe(msg, mtmp, &port->q.msgs, node) {
		if (msg->conn_id != conn->id)
			continue;
		list_move(&msg->node, gc);
		port->q.len--;
	}
	wake_up_interruptible_all(&conn->cq.wq);
	/* the server's connection fd polls EPOLLHUP from now on */
	wake_up_interruptible_all(&conn->swq);
}

static int client_release(struct inode *inode, struct file *file)
{
	struct lrpc_conn *conn = file->private_data;
	struct lrpc_port *port = conn->port;
	struct lrpc_msg *closed = NULL;
	LIST_HEAD(parked);
	LIST_HEAD(gc);

	spin_lock(&port->lock);
	conn->client_gone = true;
	/* calls parked by threads that never came back: PORT_CLOSED follows */
	lrpc_call_unpark_all(conn, &parked, &gc);
	if (conn->connected && !conn->server_gone) {
		/* after everything this client sent, never refused */
		closed = conn->closed;
		conn->closed = NULL;
		closed->id = lrpc_port_next_id(port);
		closed->conn_id = conn->id;
		lrpc_port_enqueue(port, closed);
	}
	list_splice_init(&conn->cq.msgs, &gc);
	conn->cq.len = 0;
	wake_up_interruptible_all(&conn->swq);
	spin_unlock(&port->lock);

	lrpc_msg_free_list(&gc);
	lrpc_call_free_parked(&parked);
	conn_put(conn);
	return 0;
}

static int server_release(struct inode *inode, struct file *file)
{
	struct lrpc_conn *conn = file->private_data;
	struct lrpc_port *port = conn->port;
	LIST_HEAD(gc);

	spin_lock(&port->lock);
	if (conn->connected)
		lrpc_conn_reset(conn, &gc);
	spin_unlock(&port->lock);

	lrpc_msg_free_list(&gc);
	conn_put(conn);
	return 0;
}

static int check_peer(struct lrpc_port *port)
{
	const struct cred *cred = current_cred();
	u32 bit;

	if (uid_eq(cred->euid, port->owner))
		bit = LRPC_MODE_OWNER;
	else if (in_egroup_p(port->group))
		bit = LRPC_MODE_GROUP;
	else
		bit = LRPC_MODE_OTHER;
	if (!(port->mode & bit))
		return -EACCES;
	return 0;
}

static const struct file_operations lrpc_client_fops;
static const struct file_operations lrpc_server_fops;

long lrpc_connect(void __user *uarg)
{
	struct lrpc_connect args;
	struct lrpc_pending p = { .kind = LRPC_PENDING_CONNECT };
	struct lrpc_user *user;
	struct lrpc_port *port;
	struct lrpc_conn *conn;
	struct lrpc_msg *req;
	struct file *file;
	kuid_t owner = INVALID_UID;
	LIST_HEAD(gc);
	int fd, ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~LRPC_CONNECT_F_ALL) ||
	    !lrpc_zeroed(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	ret = lrpc_port_check_name(args.name);
	if (ret)
		return ret;
	if (args.flags & LRPC_CONNECT_F_SERVER_UID) {
		owner = make_kuid(current_user_ns(), args.server_uid);
		if (!uid_valid(owner))
			return -EINVAL;
	}

	user = lrpc_user_get_current();
	if (!user)
		return -ENOMEM;
	req = lrpc_msg_new(user, LRPC_MSG_CONNECT_REQUEST, args.data, args.len,
			   LRPC_CONNECT_DATA_MAX);
	if (IS_ERR(req)) {
		ret = PTR_ERR(req);
		goto err_put_user;
	}
	port = lrpc_port_lookup(args.name,
				(args.flags & LRPC_CONNECT_F_SERVER_UID) ?
				&owner : NULL);
	if (!port) {
		ret = -ENOENT;
		goto err_free_req;
	}
	ret = check_peer(port);
	if (ret)
		goto err_put_port;
	conn = conn_new(port, user);
	if (IS_ERR(conn)) {
		ret = PTR_ERR(conn);
		goto err_put_port;
	}
	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_put_conn;
	}
	/* the file owns conn from here on */
	file = anon_inode_getfile("[lrpc-comm]", &lrpc_client_fops, conn,
				  O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_fd;
	}

	init_waitqueue_head(&p.wq);
	spin_lock(&port->lock);
	if (port->dead) {
		ret = -ENOENT;
	} else if (port->nconnecting >= port->backlog) {
		ret = -EAGAIN;
	} else {
		conn->id = lrpc_port_next_id(port);
		p.id = lrpc_port_next_id(port);
		p.conn = conn;
		p.req = req;
		req->id = p.id;
		req->conn_id = conn->id;
		req->call = &p;
		port->nconnecting++;
		lrpc_port_add_pending(port, &p);
		lrpc_port_enqueue(port, req);
		req = NULL;
	}
	spin_unlock(&port->lock);
	if (ret)
		goto err_fput;

	ret = lrpc_pending_wait(port, &p, lrpc_timeout(args.timeout_ns));
	if (p.reply) {
		args.reply_len = p.reply->len;
		if (lrpc_msg_copy_out(p.reply, args.reply, args.reply_size))
			ret = -EFAULT;
		lrpc_msg_free(p.reply);
	}
	args.conn_id = conn->id;
	if ((!ret || ret == -ECONNREFUSED) &&
	    copy_to_user(uarg, &args, sizeof(args)))
		ret = -EFAULT;
	if (ret)
		goto err_fput;
	lrpc_port_put(port);
	lrpc_user_put(user);
	fd_install(fd, file);
	return fd;

err_fput:
	/* client_release tells the server if it had accepted */
	fput(file);
	put_unused_fd(fd);
	goto err_put_port;
err_put_fd:
	put_unused_fd(fd);
err_put_conn:
	conn_put(conn);
err_put_port:
	lrpc_port_put(port);
err_free_req:
	lrpc_msg_free(req);
err_put_user:
	lrpc_user_put(user);
	return ret;
}

long lrpc_accept(struct lrpc_port *port, void __user *uarg)
{
	struct lrpc_accept args;
	struct lrpc_pending *p;
	struct lrpc_conn *conn, *pos;
	struct lrpc_msg *reply;
	struct file *file;
	LIST_HEAD(gc);
	int fd, ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~LRPC_ACCEPT_F_ALL) || !args.msg_id ||
	    !lrpc_zeroed(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	reply = lrpc_msg_new(port->user, LRPC_MSG_REPLY, args.data, args.len,
			     LRPC_CONNECT_DATA_MAX);
	if (IS_ERR(reply))
		return PTR_ERR(reply);

	spin_lock(&port->lock);
	p = lrpc_port_find_pending(port, args.msg_id);
	if (!p || p->kind != LRPC_PENDING_CONNECT ||
	    p->state != LRPC_PENDING_DELIVERED) {
		spin_unlock(&port->lock);
		ret = -ENOENT;
		goto err_free;
	}
	reply->id = p->id;
	reply->conn_id = p->conn->id;
	if (args.flags & LRPC_ACCEPT_F_REJECT) {
		p->reply = reply;
		lrpc_pending_complete(port, p, -ECONNREFUSED, &gc);
		spin_unlock(&port->lock);
		lrpc_msg_free_list(&gc);
		return 0;
	}
	/* making the fd may sleep: keep the request, and the conn, until then */
	p->state = LRPC_PENDING_ACCEPTING;
	conn = p->conn;
	kref_get(&conn->ref);
	spin_unlock(&port->lock);

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_undo;
	}
	file = anon_inode_getfile("[lrpc-conn]", &lrpc_server_fops, conn,
				  O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		put_unused_fd(fd);
		goto err_undo;
	}

	spin_lock(&port->lock);
	p = lrpc_port_find_pending(port, args.msg_id);
	if (!p || p->state != LRPC_PENDING_ACCEPTING) {
		/* the client gave up meanwhile */
		spin_unlock(&port->lock);
		fput(file);
		put_unused_fd(fd);
		lrpc_msg_free(reply);
		return -ENOENT;
	}
	conn->connected = true;
	/* in id order (accepts may come out of order): netlink resumes by id */
	list_for_each_entry_reverse(pos, &port->conns, port_node)
		if (pos->id < conn->id)
			break;
	list_add(&conn->port_node, &pos->port_node);
	p->reply = reply;
	lrpc_pending_complete(port, p, 0, &gc);
	spin_unlock(&port->lock);

	fd_install(fd, file);
	return fd;

err_undo:
	spin_lock(&port->lock);
	p = lrpc_port_find_pending(port, args.msg_id);
	if (p && p->state == LRPC_PENDING_ACCEPTING)
		p->state = LRPC_PENDING_DELIVERED;
	spin_unlock(&port->lock);
	conn_put(conn);
err_free:
	lrpc_msg_free(reply);
	return ret;
}

/* Answer the delivered REQUEST @id; the reply goes straight to its caller. */
static int reply(struct lrpc_port *port, const struct lrpc_reply_recv *args)
{
	struct lrpc_pending *p;
	struct lrpc_msg *msg;
	kuid_t caller = INVALID_UID;
	int ret, vret = 0;

	msg = lrpc_msg_new(port->user, LRPC_MSG_REPLY, args->reply_data,
			   args->reply_len, lrpc_max_msg_size());
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	if (args->view) {
		ret = lrpc_view_attach(msg, args->view);
		if (ret) {
			lrpc_msg_free(msg);
			return ret;
		}
		/* its caller's uid, to charge the view to (that may sleep) */
		spin_lock(&port->lock);
		p = lrpc_port_find_pending(port, args->reply_id);
		if (p && p->kind == LRPC_PENDING_CALL)
			caller = p->conn->peer_uid;
		spin_unlock(&port->lock);
		if (uid_valid(caller))
			vret = lrpc_view_recharge(msg->view, caller);
		if (vret == -EDQUOT)
			vret = -ENOBUFS;
	}
	spin_lock(&port->lock);
	p = lrpc_port_find_pending(port, args->reply_id);
	if (!p || p->kind != LRPC_PENDING_CALL ||
	    p->state != LRPC_PENDING_DELIVERED) {
		spin_unlock(&port->lock);
		lrpc_msg_free(msg);
		return -ENOENT;
	}
	/*
	 * The caller holds the reply, view included: charge it, not the
	 * server (ids are never reused: p is the call looked up above).
	 */
	ret = vret ?: lrpc_msg_recharge(msg, p->conn->user);
	if (ret) {
		lrpc_pending_complete(port, p, ret, NULL);
		spin_unlock(&port->lock);
		lrpc_msg_free(msg);
		return ret;
	}
	msg->id = p->id;
	msg->conn_id = p->conn->id;
	p->reply = msg;
	lrpc_port_count(port, msg);
	lrpc_pending_complete(port, p, 0, NULL);
	spin_unlock(&port->lock);
	return 0;
}

/*
 * The receiver could not take @msg after all (a bad buffer): put it back
 * at the head, as it was, unless the request it carries was given up.
 */
static void putback(struct lrpc_port *port, struct lrpc_queue *q,
		    struct lrpc_msg *msg)
{
	struct lrpc_pending *p = NULL;
	u32 kind = msg->kind;

	spin_lock(&port->lock);
	if (kind == LRPC_MSG_REQUEST || kind == LRPC_MSG_CONNECT_REQUEST) {
		p = lrpc_port_find_pending(port, msg->id);
		if (!p || p->state != LRPC_PENDING_DELIVERED) {
			spin_unlock(&port->lock);
			lrpc_msg_free(msg);
			return;
		}
		p->state = LRPC_PENDING_QUEUED;
		p->req = msg;
		msg->call = p;
	}
	list_add(&msg->node, &q->msgs);
	q->len++;
	wake_up_interruptible(&q->wq);
	spin_unlock(&port->lock);
}

static int receive(struct lrpc_port *port, struct lrpc_queue *q,
		   const bool *gone, int gone_err, u64 udata, u32 size,
		   s64 timeout_ns, struct lrpc_msg_info __user *uinfo, bool views)
{
	struct lrpc_msg_info info;
	struct lrpc_msg *msg;
	struct file *vfile;
	int ret;

	spin_lock(&port->lock);
	ret = lrpc_queue_take(q, &port->lock, gone, gone_err,
			      lrpc_timeout(timeout_ns), size, &msg, &info);
	spin_unlock(&port->lock);
	if (ret == -EMSGSIZE) {
		if (copy_to_user(uinfo, &info, sizeof(info)))
			return -EFAULT;
		return ret;
	}
	if (ret)
		return ret;
	ret = lrpc_view_prepare(msg, &info, &vfile, views);
	if (ret) {
		putback(port, q, msg);
		return ret;
	}
	if (lrpc_msg_copy_out(msg, udata, size) ||
	    copy_to_user(uinfo, &info, sizeof(info))) {
		lrpc_view_abort(&info, vfile);
		putback(port, q, msg);
		return -EFAULT;
	}
	lrpc_view_commit(&info, vfile);
	lrpc_msg_free(msg);
	return 0;
}

long lrpc_reply_recv(struct lrpc_port *port, void __user *uarg)
{
	struct lrpc_reply_recv __user *u = uarg;
	struct lrpc_reply_recv args;
	int ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~LRPC_REPLY_F_ALL) || args.pad ||
	    !lrpc_zeroed(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	if ((args.flags & LRPC_REPLY_F_NORECV) && !args.reply_id)
		return -EINVAL;
	if (args.reply_id) {
		ret = reply(port, &args);
		if (ret || (args.flags & LRPC_REPLY_F_NORECV))
			return ret;
	}
	return receive(port, &port->q, &port->shutdown, -ESHUTDOWN, args.data,
		       args.size, args.timeout_ns, &u->msg,
		       args.flags & LRPC_REPLY_F_VIEWS);
}

static long do_send(struct lrpc_conn *conn, void __user *uarg, bool to_server)
{
	struct lrpc_send __user *u = uarg;
	struct lrpc_port *port = conn->port;
	struct lrpc_send args;
	struct lrpc_msg *msg;
	u64 id = 0;
	int ret = 0;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags || !lrpc_zeroed(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	/* either way the client holds it (see lrpc_msg_recharge) */
	msg = lrpc_msg_new(conn->user, LRPC_MSG_ONEWAY, args.data, args.len,
			   lrpc_max_msg_size());
	if (IS_ERR(msg))
		return PTR_ERR(msg);
	if (args.view) {
		ret = lrpc_view_attach(msg, args.view);
		if (ret) {
			lrpc_msg_free(msg);
			return ret;
		}
	}

	spin_lock(&port->lock);
	if (conn->server_gone || (!to_server && conn->client_gone))
		ret = -ECONNRESET;
	else if ((to_server ? conn->nsent : conn->cq.len) >= lrpc_max_queue())
		ret = -EAGAIN;
	if (ret) {
		port->stats.errors++;
	} else {
		lrpc_port_count(port, msg);
		id = lrpc_port_next_id(port);
		msg->id = id;
		msg->conn_id = conn->id;
		if (to_server) {
			/* per connection: one client cannot fill the port */
			conn->nsent++;
			msg->nqueued = &conn->nsent;
		}
		lrpc_queue_add(to_server ? &port->q : &conn->cq, msg);
		msg = NULL;
	}
	spin_unlock(&port->lock);
	lrpc_msg_free(msg);
	if (!ret && put_user(id, &u->msg_id))
		ret = -EFAULT;
	return ret;
}

static long client_recv(struct lrpc_conn *conn, void __user *uarg)
{
	struct lrpc_recv __user *u = uarg;
	struct lrpc_recv args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~LRPC_RECV_F_ALL) ||
	    !lrpc_zeroed(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	return receive(conn->port, &conn->cq, &conn->server_gone, -ECONNRESET,
		       args.data, args.size, args.timeout_ns, &u->msg,
		       args.flags & LRPC_RECV_F_VIEWS);
}

static long client_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct lrpc_conn *conn = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case LRPC_IOC_CALL:
		return lrpc_call(conn, uarg);
	case LRPC_IOC_SEND:
		return do_send(conn, uarg, true);
	case LRPC_IOC_RECV:
		return client_recv(conn, uarg);
	case LRPC_IOC_CANCEL:
		return lrpc_call_cancel(conn, uarg);
	case LRPC_IOC_GET_FEATURES:
		return lrpc_get_features(uarg);
	default:
		return -ENOTTY;
	}
}

static __poll_t client_poll(struct file *file, poll_table *wait)
{
	struct lrpc_conn *conn = file->private_data;
	__poll_t mask = 0;

	poll_wait(file, &conn->cq.wq, wait);
	if (READ_ONCE(conn->cq.len))
		mask |= EPOLLIN | EPOLLRDNORM;
	if (READ_ONCE(conn->server_gone))
		mask |= EPOLLHUP;
	else
		mask |= EPOLLOUT | EPOLLWRNORM;
	return mask;
}

static long server_ioctl(struct file *file, unsigned int cmd,
			 unsigned long arg)
{
	struct lrpc_conn *conn = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case LRPC_IOC_SEND:
		return do_send(conn, uarg, false);
	case LRPC_IOC_GET_FEATURES:
		return lrpc_get_features(uarg);
	default:
		return -ENOTTY;
	}
}

static __poll_t server_poll(struct file *file, poll_table *wait)
{
	struct lrpc_conn *conn = file->private_data;

	poll_wait(file, &conn->swq, wait);
	if (READ_ONCE(conn->client_gone) || READ_ONCE(conn->server_gone))
		return EPOLLHUP;
	return EPOLLOUT | EPOLLWRNORM;
}

static const struct file_operations lrpc_client_fops = {
	.owner		= THIS_MODULE,
	.release	= client_release,
	.poll		= client_poll,
	.unlocked_ioctl	= client_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

static const struct file_operations lrpc_server_fops = {
	.owner		= THIS_MODULE,
	.release	= server_release,
	.poll		= server_poll,
	.unlocked_ioctl	= server_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};
