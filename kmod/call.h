/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LRPC_CALL_H
#define _LRPC_CALL_H

#include <linux/list.h>

struct lrpc_conn;
struct lrpc_pending;
struct lrpc_port;

int lrpc_pending_wait(struct lrpc_port *port, struct lrpc_pending *p,
		      long timeout);
long lrpc_call(struct lrpc_conn *conn, void __user *uarg);
long lrpc_call_cancel(struct lrpc_conn *conn, void __user *uarg);
void lrpc_call_unpark_all(struct lrpc_conn *conn, struct list_head *parked,
			  struct list_head *gc);
void lrpc_call_free_parked(struct list_head *parked);

#endif /* _LRPC_CALL_H */
