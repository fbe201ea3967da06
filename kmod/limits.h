/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LRPC_LIMITS_H
#define _LRPC_LIMITS_H

#include <linux/types.h>
#include <linux/uidgid.h>

/* Hard ceiling of max_msg_size, whatever the parameter says. */
#define LRPC_MSG_SIZE_CEILING	(1024 * 1024)

struct lrpc_user;

u32 lrpc_max_msg_size(void);
u32 lrpc_max_queue(void);
u32 lrpc_max_pending(void);
u32 lrpc_max_backlog(void);
u64 lrpc_max_user_bytes(void);

struct lrpc_user *lrpc_user_get_current(void);
struct lrpc_user *lrpc_user_get(struct lrpc_user *user);
void lrpc_user_put(struct lrpc_user *user);
int lrpc_user_charge(struct lrpc_user *user, size_t bytes);
void lrpc_user_uncharge(struct lrpc_user *user, size_t bytes);

int lrpc_limits_init(void);
void lrpc_limits_exit(void);

#endif /* _LRPC_LIMITS_H */
