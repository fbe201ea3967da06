/* SPDX-License-Identifier: GPL-2.0 */
#ifndef _LRPC_SEAL_H
#define _LRPC_SEAL_H

#include <linux/atomic.h>
#include <linux/mm_types.h>
#include <linux/mutex.h>

struct address_space;

/* Write protection of one section while sealed views of it live. */
struct lrpc_seal {
	struct mutex lock;	/* serialises the 0 -> 1 transition */
	atomic_t count;		/* sealed views alive */
};

void lrpc_seal_init(struct lrpc_seal *seal);
int lrpc_seal_get(struct lrpc_seal *seal, struct address_space *mapping);
void lrpc_seal_get_more(struct lrpc_seal *seal);
void lrpc_seal_put(struct lrpc_seal *seal);
bool lrpc_sealed(const struct lrpc_seal *seal);
vm_fault_t lrpc_seal_page_mkwrite(const struct lrpc_seal *seal,
				  struct vm_fault *vmf);

#endif /* _LRPC_SEAL_H */
