// SPDX-License-Identifier: MIT
/* Per-thread spare objects (spare.h). */
#include <pthread.h>
#include <stdlib.h>
#include "spare.h"

static __thread void *spares[LRPC_SPARE_KINDS];
static __thread bool registered;
static pthread_key_t spare_key;
static pthread_once_t spare_once = PTHREAD_ONCE_INIT;
static bool spare_key_ok;

static void spare_exit(void *unused)
{
	int i;

	(void)unused;
	for (i = 0; i < LRPC_SPARE_KINDS; i++) {
		free(spares[i]);
		spares[i] = NULL;
	}
}

static void spare_key_init(void)
{
	spare_key_ok = !pthread_key_create(&spare_key, spare_exit);
}

void *__lrpc_spare_take(enum lrpc_spare_kind kind)
{
	void *p = spares[kind];

	spares[kind] = NULL;
	return p;
}

bool __lrpc_spare_keep(enum lrpc_spare_kind kind, void *p)
{
	if (spares[kind])
		return false;
	if (!registered) {
		/* without the key's destructor a spare would leak at exit */
		pthread_once(&spare_once, spare_key_init);
		if (!spare_key_ok || pthread_setspecific(spare_key, (void *)1))
			return false;
		registered = true;
	}
	spares[kind] = p;
	return true;
}
