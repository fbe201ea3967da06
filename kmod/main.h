/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LRPC_MAIN_H
#define _LRPC_MAIN_H

#include <linux/string.h>
#include <linux/types.h>

long lrpc_get_features(void __user *arg);

/* Reserved and pad fields must be zero. */
static inline bool lrpc_zeroed(const void *p, size_t n)
{
	return !memchr_inv(p, 0, n);
}

#endif /* _LRPC_MAIN_H */
