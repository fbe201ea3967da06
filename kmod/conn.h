/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LRPC_CONN_H
#define _LRPC_CONN_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/types.h>
#include <linux/wait.h>

#include "msg.h"

struct lrpc_port;
struct lrpc_user;

/*
 * One connection: the client's communication fd and the server's
 * connection fd each hold a reference; all its state is under
 * port->lock.
 */
struct lrpc_conn {
	struct kref ref;
	struct lrpc_port *port;
	u64 id;
	struct list_head port_node;	/* port->conns, once accepted */
	struct list_head calls;		/* pending calls */
	struct list_head parked;	/* calls interrupted by a signal */
	unsigned int ncalls;
	unsigned int nsent;		/* one-way messages in the port queue */
	struct lrpc_queue cq;		/* server to client */
	wait_queue_head_t swq;		/* server fd pollers */
	struct lrpc_msg *closed;	/* PORT_CLOSED, kept ready */
	struct lrpc_user *user;		/* the client's, charged for this */
	struct pid *peer;		/* the client's tgid, at connect */
	kuid_t peer_uid;		/* and its euid */
	bool connected;
	bool client_gone;
	bool server_gone;
};

long lrpc_connect(void __user *uarg);
long lrpc_accept(struct lrpc_port *port, void __user *uarg);
long lrpc_reply_recv(struct lrpc_port *port, void __user *uarg);
void lrpc_conn_reset(struct lrpc_conn *conn, struct list_head *gc);

#endif /* _LRPC_CONN_H */
