// SPDX-License-Identifier: MIT
/*
 * Per-call arena and the growable output buffer.
 *
 * Everything unmarshalled for one call lives in one arena, so a failure
 * half-way through an unmarshal frees everything with one release, and a
 * server bounds what one call may make it allocate with one limit.
 */
#include <stdlib.h>
#include <sys/mman.h>
#include "ndr_int.h"
#include "spare.h"
#include "buf.h"

#define CHUNK_SIZE	(64u << 10)
#define BIG_ALLOC	(16u << 10)	/* own chunk above this */

struct ndr_arena_chunk {
	struct ndr_arena_chunk *next;
	uint64_t size;		/* of data; also keeps data 16-aligned */
	uint8_t data[];
};

/* A released regular chunk is kept per thread (spare.h): a server runs
 * every call with a fresh arena. */
__rpc_hot static bool spare_keep(struct ndr_arena_chunk *ch)
{
	return ch->size == CHUNK_SIZE &&
	       __lrpc_spare_keep(LRPC_SPARE_ARENA_CHUNK, ch);
}

__rpc_hot void ndr_arena_init(struct ndr_arena *a, size_t limit)
{
	memset(a, 0, sizeof(*a));
	a->limit = limit ? limit : NDR_ARENA_DEFAULT_LIMIT;
}

/* A large chunk is a mapping of its own, unmapped at release (buf.h). */
static size_t chunk_map_len(size_t size)
{
	size_t n = sizeof(struct ndr_arena_chunk) + size;

	return n < NDR_BUF_MAP_MIN ? 0 : (n + 4095) & ~(size_t)4095;
}

static void chunk_free(struct ndr_arena_chunk *ch)
{
	size_t len = chunk_map_len(ch->size);

	if (len)
		munmap(ch, len);
	else
		free(ch);
}

__rpc_hot static struct ndr_arena_chunk *new_chunk(struct ndr_arena *a, size_t size, bool zero)
{
	struct ndr_arena_chunk *ch;
	size_t len = chunk_map_len(size);

	ch = !zero && size == CHUNK_SIZE ?
	     __lrpc_spare_take(LRPC_SPARE_ARENA_CHUNK) : NULL;
	if (!ch && len) {
		ch = mmap(NULL, len, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (ch == MAP_FAILED)
			return NULL;
	} else if (!ch) {
		ch = zero ? calloc(1, sizeof(*ch) + size)
			  : malloc(sizeof(*ch) + size);
		if (!ch)
			return NULL;
	}
	ch->size = size;
	ch->next = a->chunks;
	a->chunks = ch;
	return ch;
}

/* *err: -ENOMEM when malloc fails, NO_MEMORY when over the limit. */
__rpc_hot void *__ndr_arena_get(struct ndr_arena *a, size_t size, bool zero, int *err)
{
	struct ndr_arena_chunk *ch;
	size_t rsize = (size + 15) & ~(size_t)15;
	void *p;

	size_t limit = a->limit + a->credit < a->limit ? SIZE_MAX : a->limit + a->credit;

	if (rsize < size || rsize > limit || a->used > limit - rsize) {
		*err = NO_MEMORY;
		return NULL;
	}
	if (rsize == 0)
		rsize = 16;
	if (rsize > BIG_ALLOC) {
		ch = new_chunk(a, rsize, zero);
		if (!ch) {
			*err = -ENOMEM;
			return NULL;
		}
		a->used += rsize;
		return ch->data;
	}
	if (rsize > a->left) {
		ch = new_chunk(a, CHUNK_SIZE, false);
		if (!ch) {
			*err = -ENOMEM;
			return NULL;
		}
		a->cur = ch->data;
		a->left = CHUNK_SIZE;
	}
	p = a->cur;
	a->cur += rsize;
	a->left -= rsize;
	a->used += rsize;
	if (zero)
		memset(p, 0, rsize);
	return p;
}

void *ndr_arena_alloc(struct ndr_arena *a, size_t size)
{
	int err;

	return __ndr_arena_get(a, size, true, &err);
}

__rpc_hot void ndr_arena_release(struct ndr_arena *a)
{
	struct ndr_arena_chunk *ch, *next;
	size_t limit = a->limit;

	for (ch = a->chunks; ch; ch = next) {
		next = ch->next;
		if (!spare_keep(ch))
			chunk_free(ch);
	}
	ndr_arena_init(a, limit);
}

__rpc_hot void ndr_buf_init(struct ndr_buf *b)
{
	memset(b, 0, sizeof(*b));
}

__rpc_hot void ndr_buf_release(struct ndr_buf *b)
{
	__ndr_buf_free(b);
	ndr_buf_init(b);
}
