/* SPDX-License-Identifier: MIT */
#ifndef LRPC_SPARE_H
#define LRPC_SPARE_H

#include <stdbool.h>

/*
 * One released object of each kind kept per thread for the thread's next
 * call, so that a call in a steady state allocates nothing: a malloc() +
 * free() of an arena chunk, or a calloc() + free() of a call context (glibc's
 * calloc bypasses its own per-thread cache), per call cost more than the
 * rest of a null call's runtime work.  The thread's exit frees them.
 */
enum lrpc_spare_kind {
	LRPC_SPARE_ARENA_CHUNK,		/* arena.c: a 64 KiB chunk */
	LRPC_SPARE_CALL,		/* lib/runtime: a server call context */
	LRPC_SPARE_KINDS
};

/* The thread's spare of @kind (NULL: none); it is no longer kept. */
void *__lrpc_spare_take(enum lrpc_spare_kind kind);
/* Keep malloc()ed @p as the thread's spare of @kind: false when it was
 * not kept (there is one already), and the caller frees it. */
bool __lrpc_spare_keep(enum lrpc_spare_kind kind, void *p);

#endif
