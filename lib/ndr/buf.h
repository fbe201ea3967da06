/* SPDX-License-Identifier: MIT */
#ifndef LRPC_NDR_BUF_H
#define LRPC_NDR_BUF_H

#include <stddef.h>
#include <string.h>
#include <lrpc/ndr.h>

/*
 * struct ndr_buf (lrpc/ndr.h) is the one growable octet buffer of lib/:
 * marshalled stub data, PDUs and their queues, towers, per-thread call
 * buffers all grow through these functions (buf.c).
 *
 * Its data is malloc()ed below NDR_BUF_MAP_MIN octets of capacity and an
 * anonymous mapping at or above it, so that a large request or response
 * is unmapped when it is released: glibc's dynamic mmap threshold would
 * otherwise serve it from a per-thread arena that never gives its pages
 * back.  Data below NDR_BUF_MAP_MIN may be handed on and free()d.
 */
#define NDR_BUF_MAP_MIN		(256u << 10)

/* Grow b's capacity to at least cap (> b->cap), keeping b->len octets. */
int __ndr_buf_grow(struct ndr_buf *b, size_t cap);
/* Free b's data; b is left empty with its limit. */
void __ndr_buf_free(struct ndr_buf *b);
/* The slow path of __ndr_buf_reserve(). */
int __ndr_buf_expand(struct ndr_buf *b, size_t more);

/*
 * Room for more octets after b->len: 0, or -E2BIG when b->len + more
 * would pass b->limit (0: NDR_BUF_DEFAULT_LIMIT), or -ENOMEM.  Capacity
 * doubles from 256 octets, capped at the limit.
 */
static inline int __ndr_buf_reserve(struct ndr_buf *b, size_t more)
{
	/* b->len may run ahead of b->cap: a caller that sets the length
	 * of a header it fills in later reserves 0 more octets */
	if (b->len <= b->cap && more <= b->cap - b->len)
		return 0;
	return __ndr_buf_expand(b, more);
}

/* The slow path of __ndr_buf_put(). */
int __ndr_buf_put_grow(struct ndr_buf *b, const void *p, size_t n);

/* Append n octets of p (or n zero octets when p is NULL).  Inline: the
 * PDU writers append 1, 2 and 4 octets at a time, which a constant n
 * turns into one store. */
static inline int __ndr_buf_put(struct ndr_buf *b, const void *p, size_t n)
{
	if (p && b->data && b->len <= b->cap && n <= b->cap - b->len) {
		memcpy(b->data + b->len, p, n);
		b->len += n;
		return 0;
	}
	return __ndr_buf_put_grow(b, p, n);
}
/* Append zero octets up to a multiple of a (a power of two). */
int __ndr_buf_align(struct ndr_buf *b, size_t a);

#endif
