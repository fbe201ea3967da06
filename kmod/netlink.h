/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LRPC_NETLINK_H
#define _LRPC_NETLINK_H

int lrpc_netlink_init(void);
void lrpc_netlink_exit(void);

#endif /* _LRPC_NETLINK_H */
