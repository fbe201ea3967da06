/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stressor's seeded PRNG: splitmix64 derives one stream per worker
 * slot, generation and thread from the run's seed, xorshift64* runs it;
 * a run is replayed from its seed (LRPC_STRESS_SEED).
 */
#ifndef LRPC_STRESS_PRNG_H
#define LRPC_STRESS_PRNG_H

#include <stdbool.h>
#include <stdint.h>

static inline uint64_t splitmix64(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ULL;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}

/* The stream of worker @slot, generation @gen, thread @thread. */
static inline uint64_t rng_seed(uint64_t seed, unsigned int slot,
				unsigned int gen, unsigned int thread)
{
	uint64_t s = splitmix64(seed);

	s = splitmix64(s ^ ((uint64_t)slot << 40 | (uint64_t)gen << 8 | thread));
	return s ? s : 1;
}

static inline uint64_t rng_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*s = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* Uniform in [0, n); n > 0. */
static inline uint32_t rng_below(uint64_t *s, uint32_t n)
{
	return (uint32_t)(((rng_next(s) >> 32) * (uint64_t)n) >> 32);
}

static inline bool rng_pct(uint64_t *s, unsigned int pct)
{
	return rng_below(s, 100) < pct;
}

#endif /* LRPC_STRESS_PRNG_H */
