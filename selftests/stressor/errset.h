/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sets of errnos: what an operation may fail with, given how it was
 * called, and what the stressor checks each result against.
 */
#ifndef LRPC_STRESS_ERRSET_H
#define LRPC_STRESS_ERRSET_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#define ERRNO_MAX	134	/* errno values the kernel may hand out: 1..133 */

struct errset {
	uint64_t w[3];
};

static inline void es_add(struct errset *s, int e)
{
	if (e > 0 && e < 192)
		s->w[e / 64] |= 1ULL << (e % 64);
}

static inline bool es_has(const struct errset *s, int e)
{
	return e > 0 && e < 192 && (s->w[e / 64] >> (e % 64)) & 1;
}

static inline void es_union(struct errset *s, const struct errset *o)
{
	for (int i = 0; i < 3; i++)
		s->w[i] |= o->w[i];
}

/* A set from a list of errnos ending in 0. */
static inline struct errset es_of(int e, ...)
{
	struct errset s = { { 0 } };
	va_list ap;

	va_start(ap, e);
	for (; e; e = va_arg(ap, int))
		es_add(&s, e);
	va_end(ap);
	return s;
}

#endif /* LRPC_STRESS_ERRSET_H */
