// SPDX-License-Identifier: MIT
/*
 * Replies whose stub data is a mapping (a large reassembled response,
 * ndr/buf.h; a view from the kernel): rpc_reply_release() unmaps them
 * and frees the others.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <sys/mman.h>
#include "runtime/runtime_int.h"

struct mapped {
	struct mapped *next;
	void *addr;
	size_t len;
};

static pthread_mutex_t mapped_lock = PTHREAD_MUTEX_INITIALIZER;
static struct mapped *mapped_list;

/* true when r's data was a mapping (and is now unmapped). */
__rpc_hot static bool mapped_release(struct rpc_reply *r)
{
	struct mapped **pp, *m = NULL;

	if (!r->data || !__atomic_load_n(&mapped_list, __ATOMIC_RELAXED))
		return false;
	pthread_mutex_lock(&mapped_lock);
	for (pp = &mapped_list; *pp; pp = &(*pp)->next)
		if ((uint8_t *)(*pp)->addr == r->data) {
			m = *pp;
			*pp = m->next;
			break;
		}
	pthread_mutex_unlock(&mapped_lock);
	if (!m)
		return false;
	munmap(m->addr, m->len);
	free(m);
	r->data = NULL;
	r->len = 0;
	return true;
}

int __rpc_reply_set_mapped(struct rpc_reply *reply, void *addr, size_t maplen,
			   size_t len)
{
	struct mapped *m = malloc(sizeof(*m));

	if (!m)
		return -ENOMEM;
	m->addr = addr;
	m->len = maplen;
	pthread_mutex_lock(&mapped_lock);
	m->next = mapped_list;
	mapped_list = m;
	pthread_mutex_unlock(&mapped_lock);
	reply->data = addr;
	reply->len = len;
	return 0;
}

__rpc_hot void rpc_reply_release(struct rpc_reply *r)
{
	if (!r || mapped_release(r))
		return;
	free(r->data);
	r->data = NULL;
	r->len = 0;
}
