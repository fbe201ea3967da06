/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LRPC_MSG_H
#define _LRPC_MSG_H

#include <linux/list.h>
#include <linux/types.h>
#include <linux/uidgid.h>
#include <linux/wait.h>
#include <linux/lrpc.h>

struct lrpc_user;
struct lrpc_conn;
struct lrpc_view;
struct pid;

/*
 * A queue of messages and the threads waiting on it.  The lock that
 * protects it belongs to its owner (the port's lock, for both the port
 * queue and a client's queue): see port.c.
 */
struct lrpc_queue {
	struct list_head msgs;
	unsigned int len;
	unsigned int nwaiters;		/* threads blocked in take */
	wait_queue_head_t wq;
};

enum lrpc_pending_kind {
	LRPC_PENDING_CALL,
	LRPC_PENDING_CONNECT,
};

enum lrpc_pending_state {
	LRPC_PENDING_QUEUED,	/* request in the port queue */
	LRPC_PENDING_DELIVERED,	/* a server thread has received it */
	LRPC_PENDING_ACCEPTING,	/* connect: the server is making its fd */
	LRPC_PENDING_DONE,	/* answered or failed: error, reply */
};

/*
 * A request waiting for its answer: a call, or a connect.  It lives on
 * the waiting thread's stack and is hashed by id in its port until DONE;
 * whoever makes it DONE does so, and wakes the waiter, under the port
 * lock, and the waiter takes that lock before it returns.
 */
struct lrpc_pending {
	struct hlist_node hnode;	/* port->pending */
	struct list_head cnode;		/* conn->calls (calls only) */
	u64 id;
	enum lrpc_pending_kind kind;
	enum lrpc_pending_state state;
	int error;
	struct lrpc_conn *conn;
	struct lrpc_msg *req;		/* while QUEUED */
	struct lrpc_msg *reply;		/* once DONE, maybe */
	wait_queue_head_t wq;
};

struct lrpc_msg {
	struct list_head node;
	struct lrpc_pending *call;	/* while queued, for REQUEST/CONNECT */
	u64 id;
	u64 conn_id;
	u32 kind;
	u32 len;
	struct pid *tgid;
	struct pid *pid;
	kuid_t uid;
	kgid_t gid;
	struct lrpc_user *user;		/* charged, if any: its holder */
	unsigned int *nqueued;		/* the sender's count, while queued */
	struct lrpc_view *view;		/* attached, if any: section.c */
	u8 data[];
};

struct lrpc_msg *lrpc_msg_new(struct lrpc_user *user, u32 kind, u64 udata,
			      u32 len, u32 max);
struct lrpc_msg *lrpc_msg_note(u32 kind, gfp_t gfp);
int lrpc_msg_recharge(struct lrpc_msg *msg, struct lrpc_user *user);
void lrpc_msg_free(struct lrpc_msg *msg);
void lrpc_msg_free_list(struct list_head *list);
void lrpc_msg_info(const struct lrpc_msg *msg, struct lrpc_msg_info *info);
int lrpc_msg_copy_out(const struct lrpc_msg *msg, u64 udata, u32 size);

void lrpc_queue_init(struct lrpc_queue *q);
void lrpc_queue_add(struct lrpc_queue *q, struct lrpc_msg *msg);
int lrpc_queue_take(struct lrpc_queue *q, spinlock_t *lock, const bool *gone,
		    int gone_err, long timeout, u32 size,
		    struct lrpc_msg **msgp, struct lrpc_msg_info *info);

long lrpc_timeout(s64 ns);

#endif /* _LRPC_MSG_H */
