// SPDX-License-Identifier: GPL-2.0
/*
 * Connection ports: the name table, the port fd, and the port's queue
 * and pending requests.
 *
 * Lock order:
 *	lrpc_names_lock (mutex)
 *	  port->lock (spinlock): the port's queue, its pending table, its
 *	  connections and their queues and calls -- everything that moves
 *	  when a message does
 *	    wait queue locks (wake-ups are made under port->lock)
 *	    lrpc_users_lock (limits.c)
 * Nothing sleeps under port->lock: messages are freed after it is
 * dropped (see msg.c).
 */
#include <linux/anon_inodes.h>
#include <linux/cred.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/ipc_namespace.h>
#include <linux/module.h>
#include <linux/mount.h>
#include <linux/mutex.h>
#include <linux/nsproxy.h>
#include <linux/poll.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "conn.h"
#include "limits.h"
#include "main.h"
#include "port.h"

#define LRPC_NAME_HASH_BITS	8
static DEFINE_HASHTABLE(lrpc_names, LRPC_NAME_HASH_BITS);
static DEFINE_MUTEX(lrpc_names_lock);

/* Live ports by id, for netlink; taken before port->lock. */
static DEFINE_XARRAY_ALLOC1(lrpc_ports);
static u32 lrpc_port_next;

/*
 * Call @fill, under port->lock, for each live port from id *@pos on
 * until it returns non-zero; *@pos is where to go on: the id of the
 * port it stopped in, so that a fill may resume inside it.
 */
int lrpc_port_dump(unsigned long *pos,
		   int (*fill)(struct lrpc_port *port, void *arg), void *arg)
{
	struct lrpc_port *port;
	unsigned long id;
	int ret = 0;

	xa_lock(&lrpc_ports);
	xa_for_each_start(&lrpc_ports, id, port, *pos) {
		spin_lock(&port->lock);
		ret = fill(port, arg);
		spin_unlock(&port->lock);
		if (ret) {
			*pos = id;
			break;
		}
		*pos = id + 1;
	}
	xa_unlock(&lrpc_ports);
	return ret;
}

/* A message sent through @port; called under port->lock. */
void lrpc_port_count(struct lrpc_port *port, const struct lrpc_msg *msg)
{
	port->stats.msgs++;
	port->stats.bytes += msg->len;
	if (msg->view)
		port->stats.views++;
}

/* 1..LRPC_NAME_MAX-1 printable characters, NUL-terminated, zero-padded. */
int lrpc_port_check_name(const char *name)
{
	size_t len = strnlen(name, LRPC_NAME_MAX);
	size_t i;

	if (!len || len == LRPC_NAME_MAX)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (name[i] < 0x21 || name[i] > 0x7e)
			return -EINVAL;
	if (!lrpc_zeroed(name + len, LRPC_NAME_MAX - len))
		return -EINVAL;
	return 0;
}

static u32 name_hash(const void *ns, kuid_t owner, const char *name)
{
	return full_name_hash(ns, name, strlen(name)) ^
	       hash_32(__kuid_val(owner), 32);
}

/*
 * A port's name lives in its creator's ipc namespace, which a module
 * cannot pin (put_ipc_ns() is not exported).  The namespace's address
 * and inode number are both reused as soon as it is freed, so a port
 * that outlived its namespace would hold its name in the next namespace
 * made.  Its internal mqueue mount can be pinned: while a port holds it
 * no other namespace has it, so it tells them apart (without
 * CONFIG_POSIX_MQUEUE it is NULL, and only address and inode remain).
 *
 * Names are scoped by owner: the key is (namespace, owner euid, name),
 * so a name one uid uses can never be taken by another, before, while
 * or after its port exists.
 *
 * Called with lrpc_names_lock held.
 */
/* Is @port's name in @ns?  See above for why three fields. */
bool lrpc_port_in_ns(const struct lrpc_port *port,
		     const struct ipc_namespace *ns)
{
	return port->ns == ns && port->ns_inum == ns->ns.inum &&
	       port->ns_mnt == ns->mq_mnt;
}

static struct lrpc_port *name_find(const struct ipc_namespace *ns,
				   kuid_t owner, const char *name)
{
	struct lrpc_port *port;

	hash_for_each_possible(lrpc_names, port, name_node,
			       name_hash(ns, owner, name))
		if (lrpc_port_in_ns(port, ns) && uid_eq(port->owner, owner) &&
		    !strcmp(port->name, name))
			return port;
	return NULL;
}

/*
 * The port @name of @owner, or with no owner given, the caller's own
 * (euid) else root's -- uid 0 of the user namespace that owns the ipc
 * namespace, where system services such as the endpoint mapper live.
 * Never another uid's unless the caller names it.
 */
struct lrpc_port *lrpc_port_lookup(const char *name, const kuid_t *owner)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	kuid_t root = make_kuid(ns->user_ns, 0);
	struct lrpc_port *port;

	mutex_lock(&lrpc_names_lock);
	if (owner) {
		port = name_find(ns, *owner, name);
	} else {
		port = name_find(ns, current_euid(), name);
		if (!port && uid_valid(root))
			port = name_find(ns, root, name);
	}
	if (port)
		kref_get(&port->ref);
	mutex_unlock(&lrpc_names_lock);
	return port;
}

static void port_free(struct kref *ref)
{
	struct lrpc_port *port = container_of(ref, struct lrpc_port, ref);

	WARN_ON_ONCE(!list_empty(&port->conns) || port->q.len);
	lrpc_user_uncharge(port->user, sizeof(*port));
	lrpc_user_put(port->user);
	mntput(port->ns_mnt);
	kfree(port);
}

void lrpc_port_put(struct lrpc_port *port)
{
	kref_put(&port->ref, port_free);
}

/* Called under port->lock, as are the helpers below. */
u64 lrpc_port_next_id(struct lrpc_port *port)
{
	return ++port->next_id;
}

struct lrpc_pending *lrpc_port_find_pending(struct lrpc_port *port, u64 id)
{
	struct lrpc_pending *p;

	hash_for_each_possible(port->pending, p, hnode, id)
		if (p->id == id)
			return p;
	return NULL;
}

void lrpc_port_add_pending(struct lrpc_port *port, struct lrpc_pending *p)
{
	hash_add(port->pending, &p->hnode, p->id);
}

void lrpc_port_enqueue(struct lrpc_port *port, struct lrpc_msg *msg)
{
	lrpc_queue_add(&port->q, msg);
}

/*
 * Finish a pending request with @error (the reply, if any, is already in
 * p->reply): withdraw it from the queue if no server thread has it yet,
 * and wake its waiter.
 */
void lrpc_pending_complete(struct lrpc_port *port, struct lrpc_pending *p,
			   int error, struct list_head *gc)
{
	if (p->req) {
		list_move(&p->req->node, gc);
		port->q.len--;
		p->req->call = NULL;
		p->req = NULL;
	}
	hash_del(&p->hnode);
	if (p->kind == LRPC_PENDING_CALL) {
		list_del(&p->cnode);
		p->conn->ncalls--;
	} else {
		port->nconnecting--;
	}
	p->error = error;
	p->state = LRPC_PENDING_DONE;
	wake_up_interruptible_sync(&p->wq);
}

/*
 * The port fd is gone: its name is free again, every connection is
 * reset and every pending connect fails.
 */
static int port_release(struct inode *inode, struct file *file)
{
	struct lrpc_port *port = file->private_data;
	struct lrpc_pending *p;
	struct hlist_node *tmp;
	struct lrpc_conn *conn;
	LIST_HEAD(gc);
	int bkt;

	mutex_lock(&lrpc_names_lock);
	hash_del(&port->name_node);
	mutex_unlock(&lrpc_names_lock);
	if (port->id)
		xa_erase(&lrpc_ports, port->id);

	spin_lock(&port->lock);
	port->dead = true;
	list_for_each_entry(conn, &port->conns, port_node)
		lrpc_conn_reset(conn, &gc);
	hash_for_each_safe(port->pending, bkt, tmp, p, hnode)
		lrpc_pending_complete(port, p, -ECONNRESET, &gc);
	list_splice_init(&port->q.msgs, &gc);
	port->q.len = 0;
	spin_unlock(&port->lock);

	lrpc_msg_free_list(&gc);
	lrpc_port_put(port);
	return 0;
}

static __poll_t port_poll(struct file *file, poll_table *wait)
{
	struct lrpc_port *port = file->private_data;

	poll_wait(file, &port->q.wq, wait);
	return READ_ONCE(port->q.len) ? EPOLLIN | EPOLLRDNORM : 0;
}

/* Stop (or resume) the receivers: a server's way to end its threads. */
static long port_shutdown(struct lrpc_port *port, void __user *uarg)
{
	struct lrpc_port_shutdown args;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if ((args.flags & ~LRPC_SHUTDOWN_F_ALL) ||
	    !lrpc_zeroed(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	spin_lock(&port->lock);
	port->shutdown = !(args.flags & LRPC_SHUTDOWN_F_RESUME);
	if (port->shutdown)
		wake_up_interruptible_all(&port->q.wq);
	spin_unlock(&port->lock);
	return 0;
}

static long port_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct lrpc_port *port = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case LRPC_IOC_REPLY_RECV:
		return lrpc_reply_recv(port, uarg);
	case LRPC_IOC_ACCEPT:
		return lrpc_accept(port, uarg);
	case LRPC_IOC_PORT_SHUTDOWN:
		return port_shutdown(port, uarg);
	case LRPC_IOC_GET_FEATURES:
		return lrpc_get_features(uarg);
	default:
		return -ENOTTY;
	}
}

static const struct file_operations lrpc_port_fops = {
	.owner		= THIS_MODULE,
	.release	= port_release,
	.poll		= port_poll,
	.unlocked_ioctl	= port_ioctl,
	.compat_ioctl	= compat_ptr_ioctl,
	.llseek		= noop_llseek,
};

long lrpc_port_create(void __user *uarg)
{
	struct ipc_namespace *ns = current->nsproxy->ipc_ns;
	struct lrpc_port_create args;
	struct lrpc_port *port;
	struct file *file;
	int fd, ret;

	if (copy_from_user(&args, uarg, sizeof(args)))
		return -EFAULT;
	if (args.flags || (args.mode & ~LRPC_MODE_ALL) ||
	    !lrpc_zeroed(args.reserved, sizeof(args.reserved)))
		return -EINVAL;
	ret = lrpc_port_check_name(args.name);
	if (ret)
		return ret;

	port = kzalloc(sizeof(*port), GFP_KERNEL_ACCOUNT);
	if (!port)
		return -ENOMEM;
	port->user = lrpc_user_get_current();
	if (!port->user) {
		ret = -ENOMEM;
		goto err_free;
	}
	ret = lrpc_user_charge(port->user, sizeof(*port));
	if (ret)
		goto err_put_user;
	kref_init(&port->ref);
	spin_lock_init(&port->lock);
	lrpc_queue_init(&port->q);
	INIT_LIST_HEAD(&port->conns);
	hash_init(port->pending);
	port->backlog = min(args.backlog ?: U32_MAX, lrpc_max_backlog());
	port->ns = ns;
	port->ns_inum = ns->ns.inum;
	port->ns_mnt = mntget(ns->mq_mnt);
	port->owner = current_euid();
	port->group = current_egid();
	port->mode = args.mode;
	memcpy(port->name, args.name, sizeof(port->name));

	fd = get_unused_fd_flags(O_CLOEXEC);
	if (fd < 0) {
		ret = fd;
		goto err_uncharge;
	}
	file = anon_inode_getfile("[lrpc-port]", &lrpc_port_fops, port,
				  O_RDWR | O_CLOEXEC);
	if (IS_ERR(file)) {
		ret = PTR_ERR(file);
		goto err_put_fd;
	}

	mutex_lock(&lrpc_names_lock);
	if (name_find(ns, port->owner, port->name)) {
		mutex_unlock(&lrpc_names_lock);
		/* the file owns the port now; its release unhashes nothing */
		INIT_HLIST_NODE(&port->name_node);
		fput(file);
		put_unused_fd(fd);
		return -EADDRINUSE;
	}
	hash_add(lrpc_names, &port->name_node,
		 name_hash(ns, port->owner, port->name));
	mutex_unlock(&lrpc_names_lock);

	ret = xa_alloc_cyclic(&lrpc_ports, &port->id, port, xa_limit_31b,
			      &lrpc_port_next, GFP_KERNEL_ACCOUNT);
	if (ret < 0) {
		port->id = 0;
		fput(file);
		put_unused_fd(fd);
		return ret;
	}
	fd_install(fd, file);
	return fd;

err_put_fd:
	put_unused_fd(fd);
err_uncharge:
	lrpc_user_uncharge(port->user, sizeof(*port));
err_put_user:
	lrpc_user_put(port->user);
err_free:
	mntput(port->ns_mnt);
	kfree(port);
	return ret;
}
