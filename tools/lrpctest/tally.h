/* SPDX-License-Identifier: MIT */
/* lrpctest-client --tally (tally.c): n mixed calls on lrpctest_binding,
 * every result checked; 0 when all were right. */
#ifndef LRPCTEST_TALLY_H
#define LRPCTEST_TALLY_H

#include <stdint.h>

int lrpctest_tally(unsigned long n, uint64_t seed);

#endif
