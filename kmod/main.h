/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LRPC_MAIN_H
#define _LRPC_MAIN_H

/* Larger arguments travel in sections, not inline. */
#define LRPC_MAX_INLINE_SIZE	(64 * 1024)

#endif /* _LRPC_MAIN_H */
