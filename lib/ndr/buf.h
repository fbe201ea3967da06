/* SPDX-License-Identifier: MIT */
#ifndef LRPC_NDR_BUF_H
#define LRPC_NDR_BUF_H

#include <stddef.h>
#include <lrpc/ndr.h>

/*
 * Storage of a struct ndr_buf (buf.c).  Its data is malloc()ed below
 * NDR_BUF_MAP_MIN octets of capacity and an anonymous mapping at or above
 * it, so that a large request or response is unmapped when it is
 * released: glibc's dynamic mmap threshold would otherwise serve it from
 * a per-thread arena that never gives its pages back.  Every function
 * that grows or frees ndr_buf data goes through these two.
 */
#define NDR_BUF_MAP_MIN		(256u << 10)

/* Grow b's capacity to at least cap (> b->cap), keeping b->len octets. */
int __ndr_buf_grow(struct ndr_buf *b, size_t cap);
/* Free b's data; b is left empty with its limit. */
void __ndr_buf_free(struct ndr_buf *b);

#endif
