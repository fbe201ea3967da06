/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LRPC_SECTION_H
#define _LRPC_SECTION_H

#include <linux/types.h>
#include <linux/uidgid.h>

struct file;
struct lrpc_msg;
struct lrpc_msg_info;
struct lrpc_view;

/* What netlink reports of one section: a snapshot. */
struct lrpc_section_info {
	u32 id;
	u32 mappings;
	u32 views;
	pid_t creator;		/* in the dumper's pid namespace */
	kuid_t owner;
	u64 size;
	u64 resident;		/* octets of pages allocated */
};

u64 lrpc_max_section_bytes(void);
u32 lrpc_max_sections(void);

long lrpc_section_create(void __user *uarg);

int lrpc_view_attach(struct lrpc_msg *msg, u64 uattach);
int lrpc_view_recharge(struct lrpc_view *view, kuid_t uid);
void lrpc_view_free(struct lrpc_view *view);
void lrpc_view_describe(const struct lrpc_view *view,
			struct lrpc_msg_info *info);
int lrpc_view_prepare(const struct lrpc_msg *msg, struct lrpc_msg_info *info,
		      struct file **filep, bool install);
void lrpc_view_commit(struct lrpc_msg_info *info, struct file *file);
void lrpc_view_abort(struct lrpc_msg_info *info, struct file *file);

int lrpc_section_dump(unsigned long *pos,
		      int (*fill)(const struct lrpc_section_info *, void *),
		      void *arg);

#endif /* _LRPC_SECTION_H */
