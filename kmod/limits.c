// SPDX-License-Identifier: GPL-2.0
/*
 * Limits: module parameters and the octets charged to each user.
 *
 * Every port, connection and queued message is charged to the euid that
 * opened the fd it came from (the way pipes charge their creator), so a
 * user cannot exhaust kernel memory through a peer.  The charge is a
 * plain atomic counter per uid; lrpc_users_lock only guards the table
 * and is a leaf lock (it may be taken under a port lock).
 */
#include <linux/atomic.h>
#include <linux/cred.h>
#include <linux/hashtable.h>
#include <linux/moduleparam.h>
#include <linux/refcount.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "limits.h"

static unsigned int max_msg_size = 64 * 1024;
module_param(max_msg_size, uint, 0644);
MODULE_PARM_DESC(max_msg_size, "Largest inline message payload, octets (at most 1 MiB)");

static unsigned int max_queue = 4096;
module_param(max_queue, uint, 0644);
MODULE_PARM_DESC(max_queue, "Messages queued on one port or one client fd");

static unsigned int max_pending = 1024;
module_param(max_pending, uint, 0644);
MODULE_PARM_DESC(max_pending, "Calls waiting for a reply on one connection");

static unsigned int max_backlog = 128;
module_param(max_backlog, uint, 0644);
MODULE_PARM_DESC(max_backlog, "Largest backlog of pending connects of a port");

static unsigned long max_user_bytes = 64UL << 20;
module_param(max_user_bytes, ulong, 0644);
MODULE_PARM_DESC(max_user_bytes, "Octets of ports, connections and queued messages per uid");

u32 lrpc_max_msg_size(void)
{
	return min_t(u32, READ_ONCE(max_msg_size), LRPC_MSG_SIZE_CEILING);
}

u32 lrpc_max_queue(void)
{
	return READ_ONCE(max_queue);
}

u32 lrpc_max_pending(void)
{
	return READ_ONCE(max_pending);
}

u32 lrpc_max_backlog(void)
{
	return max_t(u32, READ_ONCE(max_backlog), 1);
}

u64 lrpc_max_user_bytes(void)
{
	return READ_ONCE(max_user_bytes);
}

struct lrpc_user {
	struct hlist_node node;
	refcount_t ref;
	kuid_t uid;
	atomic_long_t bytes;
};

#define LRPC_USER_HASH_BITS	6
static DEFINE_HASHTABLE(lrpc_users, LRPC_USER_HASH_BITS);
static DEFINE_SPINLOCK(lrpc_users_lock);

static struct lrpc_user *user_lookup(kuid_t uid)
{
	struct lrpc_user *user;

	hash_for_each_possible(lrpc_users, user, node, __kuid_val(uid))
		if (uid_eq(user->uid, uid) && refcount_inc_not_zero(&user->ref))
			return user;
	return NULL;
}

struct lrpc_user *lrpc_user_get_current(void)
{
	kuid_t uid = current_euid();
	struct lrpc_user *user, *fresh;

	spin_lock(&lrpc_users_lock);
	user = user_lookup(uid);
	spin_unlock(&lrpc_users_lock);
	if (user)
		return user;

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL_ACCOUNT);
	if (!fresh)
		return NULL;
	fresh->uid = uid;
	refcount_set(&fresh->ref, 1);
	atomic_long_set(&fresh->bytes, 0);

	spin_lock(&lrpc_users_lock);
	user = user_lookup(uid);
	if (!user) {
		hash_add(lrpc_users, &fresh->node, __kuid_val(uid));
		user = fresh;
		fresh = NULL;
	}
	spin_unlock(&lrpc_users_lock);
	kfree(fresh);
	return user;
}

struct lrpc_user *lrpc_user_get(struct lrpc_user *user)
{
	refcount_inc(&user->ref);
	return user;
}

void lrpc_user_put(struct lrpc_user *user)
{
	bool last;

	/* refcount_dec_and_lock(), spelled out for sparse */
	if (!user || refcount_dec_not_one(&user->ref))
		return;
	spin_lock(&lrpc_users_lock);
	last = refcount_dec_and_test(&user->ref);
	if (last)
		hash_del(&user->node);
	spin_unlock(&lrpc_users_lock);
	if (last) {
		WARN_ON_ONCE(atomic_long_read(&user->bytes));
		kfree(user);
	}
}

int lrpc_user_charge(struct lrpc_user *user, size_t bytes)
{
	long now = atomic_long_add_return(bytes, &user->bytes);

	if ((u64)now > lrpc_max_user_bytes()) {
		atomic_long_sub(bytes, &user->bytes);
		return -ENOBUFS;
	}
	return 0;
}

void lrpc_user_uncharge(struct lrpc_user *user, size_t bytes)
{
	atomic_long_sub(bytes, &user->bytes);
}

int lrpc_limits_init(void)
{
	return 0;
}

void lrpc_limits_exit(void)
{
	/* Every fd holds its module reference: nothing can be left. */
	WARN_ON(!hash_empty(lrpc_users));
}
