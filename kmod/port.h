/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LRPC_PORT_H
#define _LRPC_PORT_H

#include <linux/hashtable.h>
#include <linux/kref.h>
#include <linux/spinlock.h>
#include <linux/uidgid.h>
#include <linux/lrpc.h>

#include "msg.h"

struct ipc_namespace;
struct lrpc_user;
struct vfsmount;

#define LRPC_PENDING_HASH_BITS	6

/* Per-port counters, under port->lock; netlink reports them. */
struct lrpc_port_stats {
	u64 msgs;		/* requests, replies, one-way, both ways */
	u64 bytes;		/* their inline octets */
	u64 views;		/* of them, carrying a view */
	u64 errors;		/* calls and sends refused */
	u64 cancels;
	u64 timeouts;
};

struct lrpc_port {
	struct kref ref;
	spinlock_t lock;		/* all of the port and its connections */
	struct lrpc_queue q;		/* everything for the server */
	struct list_head conns;		/* accepted connections, by id */
	DECLARE_HASHTABLE(pending, LRPC_PENDING_HASH_BITS);
	u64 next_id;
	unsigned int backlog;
	unsigned int nconnecting;
	bool dead;
	bool shutdown;			/* receivers do not wait */
	struct lrpc_port_stats stats;

	/* fixed at creation */
	u32 id;				/* netlink */
	struct hlist_node name_node;
	const void *ns;
	unsigned int ns_inum;
	struct vfsmount *ns_mnt;	/* pinned: see name_find() */
	kuid_t owner;
	kgid_t group;
	u32 mode;
	struct lrpc_user *user;
	char name[LRPC_NAME_MAX];
};

long lrpc_port_create(void __user *uarg);
int lrpc_port_dump(unsigned long *pos,
		   int (*fill)(struct lrpc_port *port, void *arg), void *arg);
void lrpc_port_count(struct lrpc_port *port, const struct lrpc_msg *msg);
struct lrpc_port *lrpc_port_lookup(const char *name, const kuid_t *owner);
void lrpc_port_put(struct lrpc_port *port);
int lrpc_port_check_name(const char *name);
bool lrpc_port_in_ns(const struct lrpc_port *port,
		     const struct ipc_namespace *ns);

u64 lrpc_port_next_id(struct lrpc_port *port);
struct lrpc_pending *lrpc_port_find_pending(struct lrpc_port *port, u64 id);
void lrpc_port_add_pending(struct lrpc_port *port, struct lrpc_pending *p);
void lrpc_port_enqueue(struct lrpc_port *port, struct lrpc_msg *msg);
void lrpc_pending_complete(struct lrpc_port *port, struct lrpc_pending *p,
			   int error, struct list_head *gc);

#endif /* _LRPC_PORT_H */
